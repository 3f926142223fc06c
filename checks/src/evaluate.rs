//! The evaluator: runs every enabled control in every region where Security Hub is on, with
//! Security Hub's rules for AWS Config's part (which controls need a recorder or a recorded
//! resource type) and for controls that find nothing to judge (era 2022: no finding, hubsim's
//! reading; today: one account-level PASSED finding, per
//! https://docs.aws.amazon.com/securityhub/latest/userguide/controls-overall-status.html, for
//! controls backed by an AWS Config rule; Security Hub's own checks give No data).

use serde_json::{Map, Value};

use crate::catalogue::catalogue;
use crate::control::{Compliance, Control, Input, Params, Schedule, Verdict};
use crate::controls;
use crate::readings::{NoResources, Readings};
use crate::snapshot::{Region, Snapshot};
use hubsim_api::Era;

/// What the evaluator needs beyond the account itself.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The era of the state.
    pub era: Era,
    /// Control parameters by control id (the scenario's `parameters`).
    pub parameters: Map<String, Value>,
    /// Run only the controls with this schedule (`None`: all). The server refreshes the
    /// change-triggered ones after mutating calls; periodic ones run on demand.
    pub only: Option<Schedule>,
    /// The scenario's readings of what AWS leaves open (see [`crate::readings`]).
    pub readings: Readings,
}

/// The outcome of one control in one region.
#[derive(Debug, Clone)]
pub struct ControlRun {
    /// Security control id.
    pub control: &'static str,
    /// Its verdicts (each becomes a finding).
    pub verdicts: Vec<Verdict>,
}

/// The outcome in one region.
#[derive(Debug, Clone)]
pub struct RegionRun {
    /// Region.
    pub region: String,
    /// Standards enabled there.
    pub standards: Vec<String>,
    /// One entry per enabled, implemented control.
    pub controls: Vec<ControlRun>,
}

/// AWS Config resource types recorded only with `includeGlobalResourceTypes`.
const GLOBAL_IAM_TYPES: &[&str] = &["AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::Role", "AWS::IAM::Policy"];

/// Why AWS Config cannot feed `control` in `region`, if it cannot.
fn config_gap(control: &Control, region: &Region) -> Option<String> {
    control.config_rule?;
    let Some(recorder) = region.recorders.first() else {
        return Some(format!(
            "no AWS Config recorder in {}, so the rule {} cannot run",
            region.name, control.config_rule?
        ));
    };
    if control.schedule == Schedule::Periodic {
        return None;
    }
    let name = recorder.name.clone().unwrap_or_default();
    let recording =
        region.recorder_status.iter().any(|s| s.name.as_deref() == Some(&name) && s.recording == Some(true));
    if !recording {
        return Some(format!("the AWS Config recorder {name} in {} is not recording", region.name));
    }
    let group = recorder.recording_group.clone().unwrap_or_default();
    let ty = control.resource_type;
    let excluded = group
        .exclusion_by_resource_types
        .as_ref()
        .and_then(|e| e.resource_types.as_ref())
        .is_some_and(|types| types.iter().any(|t| t == ty));
    let records = if group.all_supported.unwrap_or(false) {
        !GLOBAL_IAM_TYPES.contains(&ty) || group.include_global_resource_types.unwrap_or(false)
    } else {
        group.resource_types.as_ref().is_some_and(|types| types.iter().any(|t| t == ty))
    };
    if records && !excluded {
        None
    } else {
        Some(format!("the AWS Config recorder {name} in {} does not record {ty}", region.name))
    }
}

/// Runs the enabled controls on a snapshot.
pub fn run(snapshot: &Snapshot, settings: &Settings) -> Vec<RegionRun> {
    let mut out = Vec::new();
    for region in &snapshot.regions {
        let Some(standards) = &region.standards else { continue };
        let mut runs = Vec::new();
        for (def, _) in catalogue().enabled(settings.era, standards) {
            let Some(control) = controls::find(&def.id) else { continue };
            if settings.only.is_some_and(|only| only != control.schedule) {
                continue;
            }
            let params =
                Params::resolve(control.parameters, settings.parameters.get(control.id).and_then(Value::as_object));
            let account = crate::control::ResourceRef::account(&snapshot.global.account);
            let verdicts = match config_gap(control, region) {
                Some(why) => match settings.era {
                    Era::Y2022 => Vec::new(),
                    Era::Current => vec![Verdict { resource: account, status: Compliance::Warning, reason: why }],
                },
                None => {
                    let input = Input { region, global: &snapshot.global, era: settings.era, params: &params };
                    let verdicts = (control.evaluate)(&input);
                    // The account-level PASSED of a control with nothing in scope is AWS Config's
                    // evaluation of its rule; Security Hub's own checks (no Config rule) have none
                    // and report No data where nothing is theirs to judge, e.g. CloudTrail.6/7 in
                    // a region that does not hold the trail's bucket
                    // (https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html).
                    let no_resources = settings.readings.no_resources_in(settings.era);
                    if verdicts.is_empty() && no_resources == NoResources::Passed && control.config_rule.is_some() {
                        vec![Verdict::pass(
                            account,
                            format!("no {} in scope in {}", control.resource_type, region.name),
                        )]
                    } else {
                        verdicts
                    }
                }
            };
            runs.push(ControlRun { control: control.id, verdicts });
        }
        out.push(RegionRun { region: region.name.clone(), standards: standards.clone(), controls: runs });
    }
    out
}
