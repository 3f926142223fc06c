//! Config.1 (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/config-controls.html).

use crate::control::{Control, Input, ParamKind, Parameter, Schedule, Verdict};
use hubsim_api::Era;

pub(super) const CONTROLS: &[Control] = &[Control {
    id: "Config.1",
    resource_type: "AWS::::Account",
    schedule: Schedule::Periodic,
    config_rule: None,
    parameters: &[
        Parameter {
            name: "includeConfigServiceLinkedRoleCheck",
            kind: ParamKind::Bool,
            default: Some("true"),
            doc: "era current: fail a recorder that does not use AWSServiceRoleForConfig",
        },
        Parameter {
            name: "hubsim:SecurityHubRecordsResources",
            kind: ParamKind::Bool,
            default: Some("false"),
            doc: "era current: Security Hub CSPM runs alongside the new Security Hub, which records resources \
                  itself, so Config.1 always passes (late-2025 behaviour)",
        },
    ],
    choices: "Era 2022: the recorder must exist, be recording, record all supported types and global resources \
              [I]. Era current: the same (no cross-region aggregator is simulated, so every region needs the IAM \
              global types that the enabled IAM controls use), plus the service-linked role check.",
    evaluate: config_1,
}];

fn config_1(i: &Input<'_>) -> Vec<Verdict> {
    let region = &i.region.name;
    if i.era == Era::Current && i.params.bool("hubsim:SecurityHubRecordsResources", false) {
        return vec![Verdict::pass(i.account(), "Security Hub records resources with its own service-linked recorder")];
    }
    let Some(rec) = i.region.recorders.first() else {
        return vec![Verdict::fail(i.account(), format!("AWS Config has no configuration recorder in {region}"))];
    };
    let name = rec.name.clone().unwrap_or_default();
    let recording =
        i.region.recorder_status.iter().any(|s| s.name.as_deref() == Some(&name) && s.recording == Some(true));
    let group = rec.recording_group.clone().unwrap_or_default();
    let mut problems = Vec::new();
    if !recording {
        problems.push(format!("recorder {name} is not recording"));
    }
    if !group.all_supported.unwrap_or(false) {
        problems.push(format!("recorder {name} does not record all supported resource types"));
    }
    if !group.include_global_resource_types.unwrap_or(false) {
        problems.push(format!("recorder {name} does not record global resources (IAM)"));
    }
    if i.era == Era::Current && i.params.bool("includeConfigServiceLinkedRoleCheck", true) {
        let slr = format!(
            "arn:aws:iam::{}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
            i.global.account
        );
        if rec.role_arn.as_deref() != Some(slr.as_str()) {
            problems.push(format!(
                "recorder {name} uses {} instead of the service-linked role AWSServiceRoleForConfig",
                rec.role_arn.clone().unwrap_or_default()
            ));
        }
    }
    vec![Verdict::check(
        i.account(),
        problems.is_empty(),
        format!("AWS Config recorder {name} records all resources in {region}"),
        format!("AWS Config in {region}: {}", problems.join("; ")),
    )]
}
