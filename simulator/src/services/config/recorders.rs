//! The configuration recorder: PutConfigurationRecorder, DescribeConfigurationRecorders,
//! DeleteConfigurationRecorder.

use hubsim_model::{config, Empty};

use super::{no_such_recorder, not_in_enum, recorder, recorder_named, Recorder};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<config::PutConfigurationRecorder>()
        .add::<config::DescribeConfigurationRecorders>()
        .add::<config::DeleteConfigurationRecorder>();
}

const ALL_SUPPORTED: &str = "ALL_SUPPORTED_RESOURCE_TYPES";
const INCLUSION: &str = "INCLUSION_BY_RESOURCE_TYPES";
const EXCLUSION: &str = "EXCLUSION_BY_RESOURCE_TYPES";
const FREQUENCIES: &[&str] = &["CONTINUOUS", "DAILY"];
/// Names with this prefix belong to service-linked recorders.
const SERVICE_LINKED_PREFIX: &str = "AWSConfigurationRecorderFor";

fn invalid_role(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidRoleException", message)
}

fn invalid_group(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidRecordingGroupException", message)
}

/// Whether IAM roles are simulated yet. While the IAM module registers no operations, every
/// role lookup answers "no such role", so Config trusts well-formed ARNs of the account.
fn iam_simulated() -> bool {
    crate::registry::registry().get("iam", "GetRole").is_some()
}

/// Checks the recorder's role: present, an IAM role ARN of this account, and (once IAM is
/// simulated) an existing role.
fn check_role(ctx: &Ctx<'_>, role_arn: Option<&str>) -> Result<String, AwsError> {
    let Some(arn) = role_arn.filter(|a| !a.is_empty()) else {
        return Err(invalid_role(
            "You have provided a null or empty Amazon Resource Name (ARN) for the IAM role assumed by AWS Config and used by the configuration recorder.",
        ));
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let well_formed = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[3].is_empty()
        && parts[4] == ctx.account()
        && parts[5].strip_prefix("role/").is_some_and(|name| !name.is_empty() && !name.ends_with('/'));
    if !well_formed {
        return Err(invalid_role(format!("The role ARN '{arn}' is not valid.")));
    }
    if iam_simulated() && crate::services::iam::role_by_arn(ctx, arn)?.is_none() {
        return Err(invalid_role(format!("Unable to assume role '{arn}'. The role does not exist.")));
    }
    Ok(arn.to_string())
}

fn non_empty(list: &Option<Vec<String>>) -> bool {
    list.as_ref().is_some_and(|l| !l.is_empty())
}

/// Validates a recording group as Config does and fills in what Config shows for absent
/// members. An absent group records all supported types except the global IAM types.
fn normalize_group(group: Option<config::RecordingGroup>) -> Result<config::RecordingGroup, AwsError> {
    let Some(g) = group else {
        return Ok(config::RecordingGroup {
            all_supported: Some(true),
            include_global_resource_types: Some(false),
            resource_types: Some(Vec::new()),
            exclusion_by_resource_types: Some(config::ExclusionByResourceTypes { resource_types: Some(Vec::new()) }),
            recording_strategy: Some(config::RecordingStrategy { use_only: Some(ALL_SUPPORTED.into()) }),
        });
    };
    let all = g.all_supported.unwrap_or(false);
    let global = g.include_global_resource_types.unwrap_or(false);
    let included = g.resource_types.clone().unwrap_or_default();
    let excluded = g.exclusion_by_resource_types.as_ref().and_then(|e| e.resource_types.clone()).unwrap_or_default();
    // Resource type names are checked against the model's enum before the handler runs.
    if all && (non_empty(&g.resource_types) || !excluded.is_empty()) {
        return Err(invalid_group(
            "The recording group provided is not valid: allSupported is true, so resourceTypes and exclusionByResourceTypes must be empty.",
        ));
    }
    if global && !all {
        return Err(invalid_group(
            "The recording group provided is not valid: includeGlobalResourceTypes can be true only when allSupported is true.",
        ));
    }
    if !included.is_empty() && !excluded.is_empty() {
        return Err(invalid_group(
            "The recording group provided is not valid: resourceTypes and exclusionByResourceTypes cannot both be given.",
        ));
    }
    let strategy = g.recording_strategy.as_ref().and_then(|s| s.use_only.clone());
    let use_only = match strategy.as_deref() {
        Some(ALL_SUPPORTED) if all => ALL_SUPPORTED,
        Some(INCLUSION) if !all && !included.is_empty() => INCLUSION,
        Some(EXCLUSION) if !all && !excluded.is_empty() => EXCLUSION,
        Some(s @ (ALL_SUPPORTED | INCLUSION | EXCLUSION)) => {
            return Err(invalid_group(format!(
                "The recording group provided is not valid: the recording strategy {s} does not match the recording group."
            )));
        }
        Some(other) => {
            return Err(not_in_enum(
                other,
                "configurationRecorder.recordingGroup.recordingStrategy.useOnly",
                &[ALL_SUPPORTED, INCLUSION, EXCLUSION],
            ));
        }
        None if all => ALL_SUPPORTED,
        None if !included.is_empty() => INCLUSION,
        None if !excluded.is_empty() => {
            return Err(invalid_group(
                "The recording group provided is not valid: exclusionByResourceTypes requires the recording strategy EXCLUSION_BY_RESOURCE_TYPES.",
            ));
        }
        None => {
            return Err(invalid_group(
                "The recording group provided is not valid: every parameter is either null, false, or empty.",
            ));
        }
    };
    Ok(config::RecordingGroup {
        all_supported: Some(all),
        include_global_resource_types: Some(global),
        resource_types: Some(included),
        exclusion_by_resource_types: Some(config::ExclusionByResourceTypes { resource_types: Some(excluded) }),
        recording_strategy: Some(config::RecordingStrategy { use_only: Some(use_only.into()) }),
    })
}

/// Validates the recording mode and fills in the default (continuous recording).
fn normalize_mode(mode: Option<config::RecordingMode>) -> Result<config::RecordingMode, AwsError> {
    let mode = mode
        .unwrap_or_else(|| config::RecordingMode { recording_frequency: "CONTINUOUS".into(), ..Default::default() });
    if !FREQUENCIES.contains(&mode.recording_frequency.as_str()) {
        return Err(not_in_enum(
            &mode.recording_frequency,
            "configurationRecorder.recordingMode.recordingFrequency",
            FREQUENCIES,
        ));
    }
    let overrides = mode.recording_mode_overrides.unwrap_or_default();
    for o in &overrides {
        if !FREQUENCIES.contains(&o.recording_frequency.as_str()) {
            return Err(not_in_enum(
                &o.recording_frequency,
                "configurationRecorder.recordingMode.recordingModeOverrides.member.recordingFrequency",
                FREQUENCIES,
            ));
        }
        if o.resource_types.is_empty() {
            return Err(AwsError::bad_request(
                "ValidationException",
                "A recording mode override must name at least one resource type.",
            ));
        }
    }
    Ok(config::RecordingMode {
        recording_frequency: mode.recording_frequency,
        recording_mode_overrides: Some(overrides),
    })
}

impl Handler for config::PutConfigurationRecorder {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: config::PutConfigurationRecorderRequest) -> Result<Empty, AwsError> {
        let given = input.configuration_recorder;
        let name = given.name.clone().unwrap_or_else(|| "default".to_string());
        if name.trim().is_empty() || name.starts_with(SERVICE_LINKED_PREFIX) {
            return Err(AwsError::bad_request(
                "InvalidConfigurationRecorderNameException",
                format!("The configuration recorder name '{name}' is not valid. The prefix \"{SERVICE_LINKED_PREFIX}\" is reserved for service-linked configuration recorders."),
            ));
        }
        if given.service_principal.is_some() {
            return Err(AwsError::bad_request(
                "UnmodifiableEntityException",
                "You cannot use PutConfigurationRecorder to create a service-linked configuration recorder. Use PutServiceLinkedConfigurationRecorder.",
            ));
        }
        let existing = recorder(ctx)?;
        if let Some(other) = &existing {
            if other.recorder.name.as_deref() != Some(name.as_str()) {
                return Err(AwsError::bad_request(
                    "MaxNumberOfConfigurationRecordersExceededException",
                    format!("Failed to put configuration recorder '{name}' because the maximum number of configuration recorders: 1 is reached."),
                ));
            }
        }
        let role_arn = check_role(ctx, given.role_arn.as_deref())?;
        let group = normalize_group(given.recording_group)?;
        let mode = normalize_mode(given.recording_mode)?;
        let mut doc = match existing {
            Some(r) => r,
            None => {
                let id = ctx.ids().upper(16).to_ascii_lowercase();
                let arn =
                    format!("arn:aws:config:{}:{}:configuration-recorder/{name}/{id}", ctx.region(), ctx.account());
                Recorder {
                    recorder: config::ConfigurationRecorder { arn: Some(arn), ..Default::default() },
                    tags: input.tags.unwrap_or_default(),
                    ..Default::default()
                }
            }
        };
        doc.recorder.name = Some(name.clone());
        doc.recorder.role_arn = Some(role_arn);
        doc.recorder.recording_group = Some(group);
        doc.recorder.recording_mode = Some(mode);
        // A customer managed recorder's configuration items are billed.
        doc.recorder.recording_scope = Some("PAID".into());
        ctx.put(&name, &doc)?;
        Ok(Empty {})
    }
}

impl Handler for config::DescribeConfigurationRecorders {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: config::DescribeConfigurationRecordersRequest,
    ) -> Result<config::DescribeConfigurationRecordersResponse, AwsError> {
        let recorders = select(ctx, input.configuration_recorder_names, input.arn, input.service_principal)?;
        Ok(config::DescribeConfigurationRecordersResponse {
            configuration_recorders: Some(recorders.into_iter().map(|r| r.recorder).collect()),
        })
    }
}

/// The recorders a Describe call asks for: all (none named), the named ones, or the one with
/// `arn`. Naming one that does not exist is an error. The region has no service-linked
/// recorders, so asking for a service principal finds nothing.
pub(super) fn select(
    ctx: &Ctx<'_>,
    names: Option<Vec<String>>,
    arn: Option<String>,
    service_principal: Option<String>,
) -> Result<Vec<Recorder>, AwsError> {
    if service_principal.is_some() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    if let Some(arn) = arn {
        let found = recorder(ctx)?.filter(|r| r.recorder.arn.as_deref() == Some(arn.as_str()));
        out.push(found.ok_or_else(|| no_such_recorder(&arn))?);
        return Ok(out);
    }
    match names {
        Some(names) if !names.is_empty() => {
            for name in names {
                out.push(recorder_named(ctx, &name)?);
            }
        }
        _ => out.extend(recorder(ctx)?),
    }
    Ok(out)
}

impl Handler for config::DeleteConfigurationRecorder {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: config::DeleteConfigurationRecorderRequest) -> Result<Empty, AwsError> {
        let name = input.configuration_recorder_name;
        recorder_named(ctx, &name)?;
        ctx.delete::<Recorder>(&name)?;
        Ok(Empty {})
    }
}
