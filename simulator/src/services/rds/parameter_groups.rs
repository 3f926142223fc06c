//! CreateDBParameterGroup, DescribeDBParameterGroups, DescribeDBParameters,
//! ModifyDBParameterGroup, DeleteDBParameterGroup and RebootDBInstance
//! (<https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBParameterGroup.html>,
//! <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithParamGroups.html>).
//!
//! Every family has a default group `default.<family>`, which exists without being created and
//! which RDS refuses to modify or delete; a custom group starts from the engine defaults and
//! keeps only the values a caller set. A change an instance can take at once (a dynamic
//! parameter with `ApplyMethod=immediate`) leaves the instances using the group `in-sync`; any
//! other change leaves them `pending-reboot` until RebootDBInstance.

use std::collections::BTreeMap;

use hubsim_model::{rds, Empty};
use serde::{Deserialize, Serialize};

use super::parameters::{allows, parameters_of, ParameterSpec};
use super::tags::check_tags;
use super::{arn, invalid_combination, invalid_value, locate_instance, page, page_bounds};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<rds::CreateDBParameterGroup>()
        .add::<rds::DescribeDBParameterGroups>()
        .add::<rds::DescribeDBParameters>()
        .add::<rds::ModifyDBParameterGroup>()
        .add::<rds::DeleteDBParameterGroup>()
        .add::<rds::RebootDBInstance>();
}

/// The families whose default groups DescribeDBParameterGroups lists: those of the engines'
/// default versions.
const DEFAULT_FAMILIES: &[&str] = &[
    "db2-se-11.5",
    "mariadb10.11",
    "mysql8.0",
    "oracle-ee-19",
    "oracle-se2-19",
    "postgres16",
    "sqlserver-ee-16.0",
    "sqlserver-ex-16.0",
    "sqlserver-se-16.0",
    "sqlserver-web-16.0",
];

/// The most parameters one ModifyDBParameterGroup call changes.
const MAX_PARAMETERS_PER_CALL: usize = 20;

/// One custom DB parameter group as stored (id: its name, lower-cased).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParameterGroupDoc {
    /// The group as DescribeDBParameterGroups shows it.
    pub group: rds::DBParameterGroup,
    /// The values a caller set, by parameter name.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    /// Its tags.
    #[serde(default)]
    pub tags: Vec<rds::Tag>,
}

impl Resource for ParameterGroupDoc {
    const KIND: &'static str = "rds:pg";
}

/// 404 `DBParameterGroupNotFound`.
pub(crate) fn group_not_found(name: &str) -> AwsError {
    AwsError::not_found("DBParameterGroupNotFound", format!("DBParameterGroup not found: {name}"))
}

/// The default group of `family`.
fn default_group(ctx: &Ctx<'_>, family: &str) -> ParameterGroupDoc {
    let name = format!("default.{family}");
    ParameterGroupDoc {
        group: rds::DBParameterGroup {
            db_parameter_group_arn: Some(arn(ctx, "pg", &name)),
            db_parameter_group_name: Some(name),
            db_parameter_group_family: Some(family.to_string()),
            description: Some(format!("Default parameter group for {family}")),
        },
        ..Default::default()
    }
}

/// The group named `name` (custom or default): `(stored id, group, is_default)`, or
/// `DBParameterGroupNotFound`.
pub(crate) fn locate_group(ctx: &Ctx<'_>, name: &str) -> Result<(String, ParameterGroupDoc, bool), AwsError> {
    let id = name.to_ascii_lowercase();
    if let Some(family) = id.strip_prefix("default.") {
        if parameters_of(family).is_some() {
            return Ok((id.clone(), default_group(ctx, family), true));
        }
        return Err(group_not_found(name));
    }
    let doc = ctx.get::<ParameterGroupDoc>(&id)?.ok_or_else(|| group_not_found(name))?;
    Ok((id, doc, false))
}

/// The family of group `doc`.
fn family(doc: &ParameterGroupDoc) -> &str {
    doc.group.db_parameter_group_family.as_deref().unwrap_or_default()
}

/// The group's parameters as DescribeDBParameters shows them.
fn parameters(doc: &ParameterGroupDoc) -> Vec<rds::Parameter> {
    let specs: &[ParameterSpec] = parameters_of(family(doc)).unwrap_or_default();
    specs
        .iter()
        .map(|s| {
            let set = doc.values.get(s.name);
            rds::Parameter {
                parameter_name: Some(s.name.to_string()),
                parameter_value: set.cloned().or_else(|| s.default.map(String::from)),
                description: Some(s.description.to_string()),
                source: Some(if set.is_some() { "user" } else { "engine-default" }.into()),
                apply_type: Some(s.apply_type.to_string()),
                data_type: Some(s.data_type.to_string()),
                allowed_values: s.allowed.map(String::from),
                is_modifiable: Some(true),
                apply_method: set.map(|_| "pending-reboot".into()).filter(|_| s.apply_type == "static"),
                ..Default::default()
            }
        })
        .collect()
}

/// Checks a parameter group name: 1–255 letters, digits and hyphens, starting with a letter,
/// not ending with a hyphen, without two consecutive hyphens.
fn check_group_name(name: &str) -> Result<(), AwsError> {
    let ok = (1..=255).contains(&name.len())
        && name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !name.ends_with('-')
        && !name.contains("--");
    if ok {
        Ok(())
    } else {
        Err(invalid_value(format!(
            "The parameter DBParameterGroupName is not a valid identifier: {name}. Identifiers must begin with a \
             letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain \
             two consecutive hyphens."
        )))
    }
}

impl Handler for rds::CreateDBParameterGroup {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: rds::CreateDBParameterGroupMessage,
    ) -> Result<rds::CreateDBParameterGroupResult, AwsError> {
        check_group_name(&input.db_parameter_group_name)?;
        let id = input.db_parameter_group_name.to_ascii_lowercase();
        let fam = input.db_parameter_group_family.to_ascii_lowercase();
        if parameters_of(&fam).is_none() {
            return Err(invalid_value(format!(
                "The parameter DBParameterGroupFamily is not a valid family: {}",
                input.db_parameter_group_family
            )));
        }
        if input.description.trim().is_empty() {
            return Err(invalid_value("The parameter Description must be provided and must not be blank."));
        }
        let tags = input.tags.unwrap_or_default();
        check_tags(&tags, &[])?;
        if ctx.get::<ParameterGroupDoc>(&id)?.is_some() {
            return Err(AwsError::bad_request(
                "DBParameterGroupAlreadyExists",
                format!("Parameter group {id} already exists"),
            ));
        }
        let group = rds::DBParameterGroup {
            db_parameter_group_name: Some(id.clone()),
            db_parameter_group_family: Some(fam),
            description: Some(input.description),
            db_parameter_group_arn: Some(arn(ctx, "pg", &id)),
        };
        ctx.put(&id, &ParameterGroupDoc { group: group.clone(), values: BTreeMap::new(), tags })?;
        Ok(rds::CreateDBParameterGroupResult { db_parameter_group: Some(group) })
    }
}

impl Handler for rds::DescribeDBParameterGroups {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: rds::DescribeDBParameterGroupsMessage,
    ) -> Result<rds::DBParameterGroupsMessage, AwsError> {
        let (start, size) = page_bounds(input.max_records, input.marker.as_deref())?;
        if input.filters.as_ref().is_some_and(|f| !f.is_empty()) {
            return Err(invalid_value("Filters: DescribeDBParameterGroups takes no filter."));
        }
        let all: Vec<rds::DBParameterGroup> = match &input.db_parameter_group_name {
            Some(name) => vec![locate_group(ctx, name)?.1.group],
            None => {
                let mut v: Vec<rds::DBParameterGroup> =
                    DEFAULT_FAMILIES.iter().map(|f| default_group(ctx, f).group).collect();
                v.extend(ctx.list::<ParameterGroupDoc>()?.into_iter().map(|(_, d)| d.group));
                v
            }
        };
        let (items, marker) = page(all, start, size);
        Ok(rds::DBParameterGroupsMessage { marker, db_parameter_groups: Some(items) })
    }
}

impl Handler for rds::DescribeDBParameters {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: rds::DescribeDBParametersMessage,
    ) -> Result<rds::DBParameterGroupDetails, AwsError> {
        let (start, size) = page_bounds(input.max_records, input.marker.as_deref())?;
        if let Some(s) = &input.source {
            if !["user", "system", "engine-default"].contains(&s.as_str()) {
                return Err(invalid_value(format!("Invalid Source {s}: user, system or engine-default.")));
            }
        }
        let (_, doc, _) = locate_group(ctx, &input.db_parameter_group_name)?;
        let chosen: Vec<rds::Parameter> = parameters(&doc)
            .into_iter()
            .filter(|p| input.source.as_ref().is_none_or(|s| p.source.as_ref() == Some(s)))
            .collect();
        let (items, marker) = page(chosen, start, size);
        Ok(rds::DBParameterGroupDetails { parameters: Some(items), marker })
    }
}

impl Handler for rds::ModifyDBParameterGroup {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: rds::ModifyDBParameterGroupMessage,
    ) -> Result<rds::DBParameterGroupNameMessage, AwsError> {
        let (id, mut doc, is_default) = locate_group(ctx, &input.db_parameter_group_name)?;
        if is_default {
            return Err(invalid_value("Cannot modify a default parameter group."));
        }
        if input.parameters.is_empty() || input.parameters.len() > MAX_PARAMETERS_PER_CALL {
            return Err(invalid_value(format!(
                "Parameters: a call modifies from 1 to {MAX_PARAMETERS_PER_CALL} parameters, not {}.",
                input.parameters.len()
            )));
        }
        let specs = parameters_of(family(&doc)).unwrap_or_default();
        // Every check first: a refused call changes nothing.
        let mut needs_reboot = false;
        let mut changes = Vec::new();
        for p in &input.parameters {
            let name = p.parameter_name.as_deref().unwrap_or_default();
            let spec = specs.iter().find(|s| s.name == name).ok_or_else(|| {
                invalid_value(format!("Could not find parameter with name: {name} (family {})", family(&doc)))
            })?;
            let value = p.parameter_value.clone().ok_or_else(|| {
                invalid_value(format!("The parameter ParameterValue must be provided for parameter {name}."))
            })?;
            if !allows(spec, &value) {
                return Err(invalid_value(format!(
                    "Value: {value} is outside of range {} for parameter: {name}",
                    spec.allowed.unwrap_or_default()
                )));
            }
            match (p.apply_method.as_deref(), spec.apply_type) {
                (Some("immediate"), "static") => {
                    return Err(invalid_combination(format!(
                        "cannot use immediate apply method for static parameter {name}"
                    )))
                }
                (Some("immediate"), _) => {}
                (Some("pending-reboot"), _) => needs_reboot = true,
                (other, _) => {
                    return Err(invalid_value(format!(
                        "Invalid ApplyMethod {} for parameter {name}: immediate or pending-reboot.",
                        other.unwrap_or("(none)")
                    )))
                }
            }
            changes.push((name.to_string(), value));
        }
        doc.values.extend(changes);
        ctx.put(&id, &doc)?;
        if needs_reboot {
            mark_instances(ctx, &id, "pending-reboot")?;
        }
        Ok(rds::DBParameterGroupNameMessage { db_parameter_group_name: Some(id) })
    }
}

/// Sets the apply status of group `group` on every instance that uses it.
fn mark_instances(ctx: &mut Ctx<'_>, group: &str, status: &str) -> Result<(), AwsError> {
    for (id, mut inst) in ctx.list::<rds::DBInstance>()? {
        let mut changed = false;
        for g in inst.db_parameter_groups.iter_mut().flatten() {
            if g.db_parameter_group_name.as_deref() == Some(group) {
                g.parameter_apply_status = Some(status.to_string());
                changed = true;
            }
        }
        if changed {
            ctx.put(&id, &inst)?;
        }
    }
    Ok(())
}

impl Handler for rds::DeleteDBParameterGroup {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: rds::DeleteDBParameterGroupMessage) -> Result<Empty, AwsError> {
        let (id, _, is_default) = locate_group(ctx, &input.db_parameter_group_name)?;
        if is_default {
            return Err(AwsError::bad_request(
                "InvalidDBParameterGroupState",
                format!("Default DBParameterGroup cannot be deleted: {id}"),
            ));
        }
        let in_use = ctx.list::<rds::DBInstance>()?.into_iter().any(|(_, i)| {
            i.db_parameter_groups.iter().flatten().any(|g| g.db_parameter_group_name.as_deref() == Some(id.as_str()))
        });
        if in_use {
            return Err(AwsError::bad_request(
                "InvalidDBParameterGroupState",
                format!("One or more database instances are still members of this parameter group {id}, so the group cannot be deleted"),
            ));
        }
        ctx.delete::<ParameterGroupDoc>(&id)?;
        Ok(Empty {})
    }
}

impl Handler for rds::RebootDBInstance {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: rds::RebootDBInstanceMessage) -> Result<rds::RebootDBInstanceResult, AwsError> {
        let (id, mut inst) = locate_instance(ctx, &input.db_instance_identifier)?;
        if inst.db_instance_status.as_deref() != Some("available") {
            return Err(AwsError::bad_request(
                "InvalidDBInstanceState",
                format!("Database instance is not in available state: {id}."),
            ));
        }
        if input.force_failover == Some(true) && inst.multi_az != Some(true) {
            return Err(invalid_combination("ForceFailover can be used only with a Multi-AZ DB instance."));
        }
        // A reboot applies the parameter group's pending changes; the instance is available
        // again by the time the call returns (hubsim has no transitions).
        for g in inst.db_parameter_groups.iter_mut().flatten() {
            g.parameter_apply_status = Some("in-sync".into());
        }
        ctx.put(&id, &inst)?;
        Ok(rds::RebootDBInstanceResult { db_instance: Some(inst) })
    }
}
