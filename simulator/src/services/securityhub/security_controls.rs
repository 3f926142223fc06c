//! Security controls (consolidated controls view): ListSecurityControlDefinitions,
//! BatchGetSecurityControls, UpdateSecurityControl, ListStandardsControlAssociations.
//!
//! Parameter values set with `UpdateSecurityControl` are kept per region and merged over the
//! catalogue's defaults. The catalogue carries no parameter descriptions; hubsim answers a
//! generic one. A security control is `ENABLED` unless every association it has with an
//! enabled standard is disabled.

use std::collections::BTreeMap;

use hubsim_model::{securityhub, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::controls::{
    catalogue, natural_cmp, path_of_standards_arn, related_requirements, remediation_url, standards_arn, state,
    subscription_arn,
};
use super::{invalid_input, page, require_hub, Subscription};
use crate::catalog::{ControlInfo, ParameterInfo};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<securityhub::ListSecurityControlDefinitions>()
        .add::<securityhub::BatchGetSecurityControls>()
        .add::<securityhub::UpdateSecurityControl>()
        .add::<securityhub::ListStandardsControlAssociations>();
}

/// The customized parameters of a security control in one region (stored under its id).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SecurityControlState {
    /// Parameters set to `CUSTOM` values.
    pub parameters: BTreeMap<String, securityhub::ParameterConfiguration>,
    /// The reason given with the last update.
    pub last_update_reason: Option<String>,
    /// When it was last updated.
    pub updated_at: Timestamp,
}

impl Resource for SecurityControlState {
    const KIND: &'static str = "securityhub:security-control";
}

/// `arn:aws:securityhub:<region>:<acct>:security-control/<id>`.
pub fn security_control_arn(region: &str, account: &str, id: &str) -> String {
    format!("arn:aws:securityhub:{region}:{account}:security-control/{id}")
}

/// A catalogue default (JSON) as a `ParameterValue` of `value_type`.
fn value_from_json(value_type: &str, v: &Value) -> Option<securityhub::ParameterValue> {
    let strings = |v: &Value| v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect());
    let mut out = securityhub::ParameterValue::default();
    match value_type {
        "Boolean" => out.boolean = Some(v.as_bool()?),
        "Integer" => out.integer = Some(i32::try_from(v.as_i64()?).ok()?),
        "Double" => out.double = Some(v.as_f64()?),
        "String" => out.string = Some(v.as_str()?.to_string()),
        "Enum" => out.enum_ = Some(v.as_str()?.to_string()),
        "StringList" => out.string_list = strings(v),
        "EnumList" => out.enum_list = strings(v),
        "IntegerList" => {
            out.integer_list = v.as_array().map(|a| a.iter().filter_map(|x| x.as_i64()?.try_into().ok()).collect())
        }
        _ => return None,
    }
    Some(out)
}

/// How `ListSecurityControlDefinitions` describes parameter `p`.
fn definition(p: &ParameterInfo) -> securityhub::ParameterDefinition {
    let default = p.default.as_ref().and_then(|d| value_from_json(&p.value_type, d)).unwrap_or_default();
    let (min, max) = p.range.map(|(a, b)| (Some(a), Some(b))).unwrap_or((None, None));
    let to_i32 = |v: Option<i64>| v.and_then(|n| i32::try_from(n).ok());
    let allowed = (!p.allowed.is_empty()).then(|| p.allowed.clone());
    let mut options = securityhub::ConfigurationOptions::default();
    match p.value_type.as_str() {
        "Boolean" => {
            options.boolean = Some(securityhub::BooleanConfigurationOptions { default_value: default.boolean })
        }
        "Integer" => {
            options.integer = Some(securityhub::IntegerConfigurationOptions {
                default_value: default.integer,
                min: to_i32(min),
                max: to_i32(max),
            })
        }
        "IntegerList" => {
            options.integer_list = Some(securityhub::IntegerListConfigurationOptions {
                default_value: default.integer_list,
                min: to_i32(min),
                max: to_i32(max),
                max_items: None,
            })
        }
        "Double" => {
            options.double = Some(securityhub::DoubleConfigurationOptions {
                default_value: default.double,
                min: min.map(|n| n as f64),
                max: max.map(|n| n as f64),
            })
        }
        "String" => {
            options.string =
                Some(securityhub::StringConfigurationOptions { default_value: default.string, ..Default::default() })
        }
        "StringList" => {
            options.string_list = Some(securityhub::StringListConfigurationOptions {
                default_value: default.string_list,
                ..Default::default()
            })
        }
        "Enum" => {
            options.enum_ =
                Some(securityhub::EnumConfigurationOptions { default_value: default.enum_, allowed_values: allowed })
        }
        "EnumList" => {
            options.enum_list = Some(securityhub::EnumListConfigurationOptions {
                default_value: default.enum_list,
                max_items: None,
                allowed_values: allowed,
            })
        }
        _ => {}
    }
    securityhub::ParameterDefinition {
        description: format!("The {} parameter of the control.", p.name),
        configuration_options: options,
    }
}

/// The definition of control `c`.
fn control_definition(c: &ControlInfo) -> securityhub::SecurityControlDefinition {
    let has_parameters = !c.parameters.is_empty();
    securityhub::SecurityControlDefinition {
        security_control_id: c.id.clone(),
        title: c.title.clone(),
        description: c.description.clone(),
        remediation_url: remediation_url(&c.id),
        severity_rating: c.severity.clone(),
        current_region_availability: "AVAILABLE".into(),
        customizable_properties: has_parameters.then(|| vec!["Parameters".to_string()]),
        parameter_definitions: has_parameters
            .then(|| c.parameters.iter().map(|p| (p.name.clone(), definition(p))).collect()),
    }
}

impl Handler for securityhub::ListSecurityControlDefinitions {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: securityhub::ListSecurityControlDefinitionsRequest,
    ) -> Result<securityhub::ListSecurityControlDefinitionsResponse, AwsError> {
        require_hub(ctx)?;
        let mut controls = catalogue(ctx)?;
        if let Some(arn) = &input.standards_arn {
            let path = path_of_standards_arn(arn, ctx.region())
                .filter(|p| controls.iter().any(|c| c.standards.contains_key(p)))
                .ok_or_else(|| invalid_input(format!("Invalid StandardsArn: {arn}")))?;
            controls.retain(|c| c.standards.contains_key(&path));
        }
        controls.sort_by(|a, b| natural_cmp(&a.id, &b.id));
        let all = controls.iter().map(control_definition).collect();
        let (security_control_definitions, next_token) =
            page(all, input.next_token.as_deref(), input.max_results, 100)?;
        Ok(securityhub::ListSecurityControlDefinitionsResponse { security_control_definitions, next_token })
    }
}

/// Whether control `c` is enabled in the call's region (see the module doc).
fn control_enabled(ctx: &Ctx<'_>, c: &ControlInfo) -> Result<bool, AwsError> {
    let mut associated = false;
    for (path, std_id) in &c.standards {
        if ctx.get::<Subscription>(&subscription_arn(ctx.region(), ctx.account(), path))?.is_none() {
            continue;
        }
        associated = true;
        if state(ctx, path, std_id)?.is_none_or(|s| s.status == "ENABLED") {
            return Ok(true);
        }
    }
    Ok(!associated)
}

impl Handler for securityhub::BatchGetSecurityControls {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: securityhub::BatchGetSecurityControlsRequest,
    ) -> Result<securityhub::BatchGetSecurityControlsResponse, AwsError> {
        require_hub(ctx)?;
        let controls = catalogue(ctx)?;
        let ids = input.security_control_ids;
        if !(1..=100).contains(&ids.len()) {
            return Err(invalid_input("SecurityControlIds must contain between 1 and 100 items."));
        }
        let mut found = Vec::new();
        let mut unprocessed = Vec::new();
        for id in ids {
            let Some(c) = controls.iter().find(|c| c.id == id) else {
                unprocessed.push(securityhub::UnprocessedSecurityControl {
                    security_control_id: id.clone(),
                    error_code: "NOT_FOUND".into(),
                    error_reason: Some(format!("Security control {id} was not found.")),
                });
                continue;
            };
            let stored = ctx.get::<SecurityControlState>(&c.id)?;
            let custom = stored.as_ref().map(|s| s.parameters.clone()).unwrap_or_default();
            let parameters: BTreeMap<String, securityhub::ParameterConfiguration> = c
                .parameters
                .iter()
                .map(|p| {
                    let value = custom.get(&p.name).cloned().unwrap_or_else(|| securityhub::ParameterConfiguration {
                        value_type: "DEFAULT".into(),
                        value: p.default.as_ref().and_then(|d| value_from_json(&p.value_type, d)),
                    });
                    (p.name.clone(), value)
                })
                .collect();
            found.push(securityhub::SecurityControl {
                security_control_id: c.id.clone(),
                security_control_arn: security_control_arn(ctx.region(), ctx.account(), &c.id),
                title: c.title.clone(),
                description: c.description.clone(),
                remediation_url: remediation_url(&c.id),
                severity_rating: c.severity.clone(),
                security_control_status: if control_enabled(ctx, c)? { "ENABLED" } else { "DISABLED" }.into(),
                update_status: Some("READY".into()),
                parameters: (!parameters.is_empty()).then_some(parameters),
                last_update_reason: stored.and_then(|s| s.last_update_reason),
            });
        }
        Ok(securityhub::BatchGetSecurityControlsResponse {
            security_controls: found,
            unprocessed_ids: Some(unprocessed),
        })
    }
}

/// Which `ParameterValue` members are set.
fn members_set(v: &securityhub::ParameterValue) -> Vec<&'static str> {
    [
        ("Integer", v.integer.is_some()),
        ("IntegerList", v.integer_list.is_some()),
        ("Double", v.double.is_some()),
        ("String", v.string.is_some()),
        ("StringList", v.string_list.is_some()),
        ("Boolean", v.boolean.is_some()),
        ("Enum", v.enum_.is_some()),
        ("EnumList", v.enum_list.is_some()),
    ]
    .into_iter()
    .filter_map(|(n, set)| set.then_some(n))
    .collect()
}

/// Checks a `CUSTOM` value for parameter `p`; the problem otherwise.
fn check_value(p: &ParameterInfo, v: &securityhub::ParameterValue) -> Result<(), String> {
    let set = members_set(v);
    if set != [p.value_type.as_str()] {
        return Err(format!("Parameter {} takes exactly one value of type {}.", p.name, p.value_type));
    }
    let in_range = |n: i64| p.range.is_none_or(|(lo, hi)| (lo..=hi).contains(&n));
    let allowed = |s: &String| p.allowed.is_empty() || p.allowed.contains(s);
    let ok = match p.value_type.as_str() {
        "Integer" => v.integer.is_some_and(|n| in_range(i64::from(n))),
        "IntegerList" => v.integer_list.as_ref().is_some_and(|l| l.iter().all(|&n| in_range(i64::from(n)))),
        "Double" => v.double.is_some_and(|d| p.range.is_none_or(|(lo, hi)| d >= lo as f64 && d <= hi as f64)),
        "Enum" => v.enum_.as_ref().is_some_and(allowed),
        "EnumList" => v.enum_list.as_ref().is_some_and(|l| !l.is_empty() && l.iter().all(allowed)),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("The value given for parameter {} is not valid.", p.name))
    }
}

impl Handler for securityhub::UpdateSecurityControl {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: securityhub::UpdateSecurityControlRequest,
    ) -> Result<securityhub::UpdateSecurityControlResponse, AwsError> {
        require_hub(ctx)?;
        let controls = catalogue(ctx)?;
        let id = input.security_control_id;
        let c = controls.iter().find(|c| c.id == id).ok_or_else(|| {
            AwsError::not_found("ResourceNotFoundException", format!("Security control {id} was not found."))
        })?;
        let mut stored = ctx.get::<SecurityControlState>(&id)?.unwrap_or_default();
        for (name, config) in input.parameters {
            let p = c
                .parameters
                .iter()
                .find(|p| p.name == name)
                .ok_or_else(|| invalid_input(format!("Parameter {name} is not a parameter of control {id}.")))?;
            match config.value_type.as_str() {
                "DEFAULT" => {
                    if config.value.is_some() {
                        return Err(invalid_input(format!(
                            "Parameter {name}: a Value cannot be given with ValueType DEFAULT."
                        )));
                    }
                    stored.parameters.remove(&name);
                }
                "CUSTOM" => {
                    let value = config.value.as_ref().ok_or_else(|| {
                        invalid_input(format!("Parameter {name}: ValueType CUSTOM requires a Value."))
                    })?;
                    check_value(p, value).map_err(invalid_input)?;
                    stored.parameters.insert(name, config);
                }
                other => return Err(invalid_input(format!("Invalid ValueType: {other}"))),
            }
        }
        stored.last_update_reason = input.last_update_reason;
        stored.updated_at = ctx.now();
        ctx.put(&id, &stored)?;
        Ok(securityhub::UpdateSecurityControlResponse {})
    }
}

impl Handler for securityhub::ListStandardsControlAssociations {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: securityhub::ListStandardsControlAssociationsRequest,
    ) -> Result<securityhub::ListStandardsControlAssociationsResponse, AwsError> {
        require_hub(ctx)?;
        let controls = catalogue(ctx)?;
        let id = input.security_control_id;
        let c = controls
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| invalid_input(format!("Security control {id} was not found.")))?;
        let region = ctx.region().to_string();
        let mut all = Vec::new();
        for (path, std_id) in &c.standards {
            let subscribed = ctx.get::<Subscription>(&subscription_arn(&region, ctx.account(), path))?.is_some();
            let st = state(ctx, path, std_id)?;
            let status = match (&st, subscribed) {
                (_, false) => "DISABLED".to_string(),
                (Some(s), true) => s.status.clone(),
                (None, true) => "ENABLED".to_string(),
            };
            all.push(securityhub::StandardsControlAssociationSummary {
                standards_arn: standards_arn(path, &region),
                security_control_id: c.id.clone(),
                security_control_arn: security_control_arn(&region, ctx.account(), &c.id),
                association_status: status,
                related_requirements: Some(related_requirements(path, std_id)),
                updated_at: st.as_ref().map(|s| s.updated_at),
                updated_reason: st.and_then(|s| s.disabled_reason),
                standards_control_title: Some(c.title.clone()),
                standards_control_description: Some(c.description.clone()),
            });
        }
        let (standards_control_association_summaries, next_token) =
            page(all, input.next_token.as_deref(), input.max_results, 100)?;
        Ok(securityhub::ListStandardsControlAssociationsResponse {
            standards_control_association_summaries,
            next_token,
        })
    }
}
