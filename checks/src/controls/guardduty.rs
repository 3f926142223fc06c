//! GuardDuty.1 (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html).

use crate::control::{Control, Input, Schedule, Verdict};

pub(super) const CONTROLS: &[Control] = &[Control {
    id: "GuardDuty.1",
    resource_type: "AWS::::Account",
    schedule: Schedule::Periodic,
    config_rule: Some("guardduty-enabled-centralized"),
    parameters: &[],
    choices: "A detector with status ENABLED in the region passes.",
    evaluate: guardduty_1,
}];

fn guardduty_1(i: &Input<'_>) -> Vec<Verdict> {
    let region = &i.region.name;
    let enabled = i.region.detectors.iter().find(|(_, d)| d.status == "ENABLED");
    let why = if i.region.detectors.is_empty() {
        format!("GuardDuty has no detector in {region}")
    } else {
        format!("the GuardDuty detector in {region} is suspended")
    };
    vec![Verdict::check(
        i.account(),
        enabled.is_some(),
        format!("GuardDuty detector {} is enabled in {region}", enabled.map(|(id, _)| id.as_str()).unwrap_or_default()),
        why,
    )]
}
