//! CreateAssociation, DescribeAssociation, ListAssociations, UpdateAssociation,
//! DeleteAssociation (<https://docs.aws.amazon.com/systems-manager/latest/userguide/state-manager-associations.html>).
//!
//! hubsim runs no association: one stays `Pending` (overview `Creating`), and what it would
//! do on an instance is the `Association` compliance data `PutComplianceItems` records.

use hubsim_model::ssm;

use super::documents::document;
use super::instances::is_managed;
use super::{invalid_instance, page, start_of, validation, Association};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ssm::CreateAssociation>()
        .add::<ssm::DescribeAssociation>()
        .add::<ssm::ListAssociations>()
        .add::<ssm::UpdateAssociation>()
        .add::<ssm::DeleteAssociation>();
}

/// 400 `AssociationDoesNotExist`.
fn no_such_association() -> AwsError {
    AwsError::bad_request("AssociationDoesNotExist", "The specified association does not exist.")
}

/// Checks that `name` is a document an association may run: one of the account's, or an
/// AWS-owned one (a name starting `AWS-`, which hubsim takes on trust).
fn check_document(ctx: &Ctx<'_>, name: &str) -> Result<(), AwsError> {
    if name.starts_with("AWS-") || name.starts_with("AWSEC2-") || name.starts_with("AWSSupport-") {
        return Ok(());
    }
    document(ctx, name).map(|_| ())
}

/// Checks targets: 1–5 of them, each `InstanceIds` (instance ids), `tag:<key>`, `tag-key` or
/// `ResourceGroup` with values, or `InstanceIds` `*` for every managed instance
/// (<https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Target.html>).
fn check_targets(targets: &[ssm::Target]) -> Result<(), AwsError> {
    if targets.len() > 5 {
        return Err(AwsError::bad_request("InvalidTarget", "An association has at most 5 targets."));
    }
    for t in targets {
        let key = t.key.as_deref().unwrap_or("");
        let values = t.values.as_deref().unwrap_or(&[]);
        let known = key == "InstanceIds" || key == "tag-key" || key == "ResourceGroup" || key.starts_with("tag:");
        if !known || values.is_empty() {
            return Err(AwsError::bad_request(
                "InvalidTarget",
                format!("Target {key} is not valid: keys are InstanceIds, tag:<key>, tag-key or ResourceGroup, with values."),
            ));
        }
        if key == "InstanceIds" {
            if let Some(v) = values.iter().find(|v| *v != "*" && !v.starts_with("i-") && !v.starts_with("mi-")) {
                return Err(AwsError::bad_request(
                    "InvalidTarget",
                    format!("Target InstanceIds: {v} is not an instance id."),
                ));
            }
        }
    }
    Ok(())
}

impl Handler for ssm::CreateAssociation {
    const MUTATES: bool = true;

    /// Needs `InstanceId` (a managed instance, else `InvalidInstanceId`) or `Targets`, not
    /// both (`InvalidTarget`); the document must exist (`InvalidDocument`); an
    /// `AssociationName` already used is `AssociationAlreadyExists`.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: ssm::CreateAssociationRequest,
    ) -> Result<ssm::CreateAssociationResult, AwsError> {
        check_document(ctx, &input.name)?;
        let targets = input.targets.clone().unwrap_or_default();
        match (&input.instance_id, targets.is_empty()) {
            (Some(_), false) => {
                return Err(AwsError::bad_request("InvalidTarget", "Give InstanceId or Targets, not both."));
            }
            (None, true) => return Err(validation("An association needs InstanceId or Targets.")),
            (Some(id), true) if !is_managed(ctx, id)? => return Err(invalid_instance(id)),
            _ => check_targets(&targets)?,
        }
        if let Some(name) = &input.association_name {
            if ctx.list::<Association>()?.iter().any(|(_, a)| a.description.association_name.as_ref() == Some(name)) {
                return Err(AwsError::bad_request(
                    "AssociationAlreadyExists",
                    format!("An association named {name} already exists."),
                ));
            }
        }
        let tags = super::tags::from_list(input.tags.unwrap_or_default(), 0)?;
        let id = ctx.ids().uuid();
        let now = ctx.now();
        let description = ssm::AssociationDescription {
            name: Some(input.name),
            instance_id: input.instance_id,
            association_version: Some("1".to_string()),
            date: Some(now),
            last_update_association_date: Some(now),
            status: Some(ssm::AssociationStatus {
                date: now,
                name: "Pending".to_string(),
                message: "Associated with document".to_string(),
                additional_info: None,
            }),
            overview: Some(ssm::AssociationOverview {
                status: Some("Pending".to_string()),
                detailed_status: Some("Creating".to_string()),
                association_status_aggregated_count: None,
            }),
            document_version: input.document_version.or_else(|| Some("$DEFAULT".to_string())),
            parameters: input.parameters,
            association_id: Some(id.clone()),
            targets: (!targets.is_empty()).then_some(targets),
            schedule_expression: input.schedule_expression,
            output_location: input.output_location,
            association_name: input.association_name,
            max_errors: input.max_errors,
            max_concurrency: input.max_concurrency,
            compliance_severity: input.compliance_severity,
            sync_compliance: input.sync_compliance.or_else(|| Some("AUTO".to_string())),
            apply_only_at_cron_interval: Some(input.apply_only_at_cron_interval.unwrap_or(false)),
            schedule_offset: input.schedule_offset,
            duration: input.duration,
            ..Default::default()
        };
        let a = Association { description, tags };
        ctx.put(&id, &a)?;
        Ok(ssm::CreateAssociationResult { association_description: Some(a.description) })
    }
}

/// The association an `AssociationId`, or a document `Name` with an `InstanceId`, names.
fn locate(
    ctx: &Ctx<'_>,
    id: Option<&str>,
    name: Option<&str>,
    instance: Option<&str>,
) -> Result<(String, Association), AwsError> {
    if let Some(id) = id {
        return ctx.get::<Association>(id)?.map(|a| (id.to_string(), a)).ok_or_else(no_such_association);
    }
    let (Some(name), Some(instance)) = (name, instance) else {
        return Err(validation("Give AssociationId, or Name with InstanceId."));
    };
    ctx.list::<Association>()?
        .into_iter()
        .find(|(_, a)| {
            a.description.name.as_deref() == Some(name) && a.description.instance_id.as_deref() == Some(instance)
        })
        .ok_or_else(no_such_association)
}

impl Handler for ssm::DescribeAssociation {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ssm::DescribeAssociationRequest,
    ) -> Result<ssm::DescribeAssociationResult, AwsError> {
        let (_, a) = locate(ctx, input.association_id.as_deref(), input.name.as_deref(), input.instance_id.as_deref())?;
        if let Some(v) = input.association_version.as_deref() {
            if v != "$LATEST" && Some(v) != a.description.association_version.as_deref() {
                return Err(AwsError::bad_request(
                    "InvalidAssociationVersion",
                    format!("Association version {v} is not the association's current one."),
                ));
            }
        }
        Ok(ssm::DescribeAssociationResult { association_description: Some(a.description) })
    }
}

impl Handler for ssm::ListAssociations {
    const MUTATES: bool = false;

    /// Filters `InstanceId`, `Name`, `AssociationId`, `AssociationName`,
    /// `AssociationStatusName` (hubsim's are all `Pending`); `LastExecutedBefore`/`After` and
    /// `ResourceGroupName` match nothing (no association has run). Pages of 1–50.
    fn handle(ctx: &mut Ctx<'_>, input: ssm::ListAssociationsRequest) -> Result<ssm::ListAssociationsResult, AwsError> {
        let filters = input.association_filter_list.unwrap_or_default();
        let start = start_of(input.next_token.as_deref())?;
        let all: Vec<ssm::Association> = ctx
            .list::<Association>()?
            .into_iter()
            .map(|(_, a)| a.description)
            .filter(|d| {
                filters.iter().all(|f| {
                    let v = match f.key.as_str() {
                        "InstanceId" => d.instance_id.as_deref(),
                        "Name" => d.name.as_deref(),
                        "AssociationId" => d.association_id.as_deref(),
                        "AssociationName" => d.association_name.as_deref(),
                        "AssociationStatusName" => d.overview.as_ref().and_then(|o| o.status.as_deref()),
                        _ => None,
                    };
                    v == Some(f.value.as_str())
                })
            })
            .map(|d| ssm::Association {
                name: d.name,
                instance_id: d.instance_id,
                association_id: d.association_id,
                association_version: d.association_version,
                document_version: d.document_version,
                targets: d.targets,
                last_execution_date: None,
                overview: d.overview,
                schedule_expression: d.schedule_expression,
                association_name: d.association_name,
                schedule_offset: d.schedule_offset,
                duration: d.duration,
                target_maps: d.target_maps,
            })
            .collect();
        let (associations, next_token) = page(all, start, input.max_results.unwrap_or(50).clamp(1, 50) as usize);
        Ok(ssm::ListAssociationsResult { associations: Some(associations), next_token })
    }
}

impl Handler for ssm::UpdateAssociation {
    const MUTATES: bool = true;

    /// Changes the fields given and raises the association's version; `AssociationVersion`,
    /// when given, must be the current one (`InvalidAssociationVersion`).
    fn handle(
        ctx: &mut Ctx<'_>,
        input: ssm::UpdateAssociationRequest,
    ) -> Result<ssm::UpdateAssociationResult, AwsError> {
        let (id, mut a) = locate(ctx, Some(&input.association_id), None, None)?;
        let d = &mut a.description;
        let current: u32 = d.association_version.as_deref().and_then(|v| v.parse().ok()).unwrap_or(1);
        if let Some(v) = input.association_version.as_deref() {
            if v != "$LATEST" && v != current.to_string() {
                return Err(AwsError::bad_request(
                    "InvalidAssociationVersion",
                    format!("Association version {v} is not the current one ({current})."),
                ));
            }
        }
        if let Some(name) = &input.name {
            check_document(ctx, name)?;
        }
        if let Some(t) = &input.targets {
            if d.instance_id.is_some() {
                return Err(AwsError::bad_request(
                    "InvalidUpdate",
                    "An association made with InstanceId takes no Targets.",
                ));
            }
            check_targets(t)?;
        }
        macro_rules! set {
            ($($field:ident),*) => { $( if input.$field.is_some() { d.$field = input.$field; } )* };
        }
        set!(
            name,
            targets,
            parameters,
            document_version,
            schedule_expression,
            output_location,
            association_name,
            max_errors,
            max_concurrency,
            compliance_severity,
            sync_compliance,
            apply_only_at_cron_interval,
            schedule_offset,
            duration
        );
        d.association_version = Some((current + 1).to_string());
        d.last_update_association_date = Some(ctx.now());
        ctx.put(&id, &a)?;
        Ok(ssm::UpdateAssociationResult { association_description: Some(a.description) })
    }
}

impl Handler for ssm::DeleteAssociation {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ssm::DeleteAssociationRequest,
    ) -> Result<ssm::DeleteAssociationResult, AwsError> {
        let (id, _) =
            locate(ctx, input.association_id.as_deref(), input.name.as_deref(), input.instance_id.as_deref())?;
        ctx.delete::<Association>(&id)?;
        Ok(ssm::DeleteAssociationResult {})
    }
}
