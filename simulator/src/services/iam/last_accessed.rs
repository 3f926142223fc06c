//! GenerateServiceLastAccessedDetails and GetServiceLastAccessedDetails
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html>).
//!
//! hubsim records no authenticated access by IAM entities, so a report lists the services the
//! entity's policies allow (their `Allow` statements' action prefixes; a bare `*` names no
//! service and adds none), each never accessed: no `LastAuthenticated`, and
//! `TotalAuthenticatedEntities` 0. hubsim has no catalogue of services' display names: a
//! service's `ServiceName` is its namespace. A job completes at once, at the scenario clock.

use std::collections::BTreeSet;

use hubsim_model::{iam, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::customer_policies::customer_policy;
use super::groups;
use super::{invalid_input, managed_policy, no_such_entity, roles, users};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<iam::GenerateServiceLastAccessedDetails>().add::<iam::GetServiceLastAccessedDetails>();
}

/// A report job (id: its job id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastAccessedJob {
    /// The entity or policy reported on.
    pub arn: String,
    /// `SERVICE_LEVEL` or `ACTION_LEVEL`.
    pub granularity: String,
    /// When it was created (and completed).
    pub created: Timestamp,
    /// The namespaces of the services its policies allow.
    pub services: Vec<String>,
}

impl Resource for LastAccessedJob {
    const KIND: &'static str = "iam:last-accessed-job";
    const GLOBAL: bool = true;
}

/// The service namespaces an identity policy's `Allow` statements name.
fn namespaces(document: &str, out: &mut BTreeSet<String>) {
    let Ok(doc) = serde_json::from_str::<Value>(document) else { return };
    let statements = match doc.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(s @ Value::Object(_)) => vec![s.clone()],
        _ => return,
    };
    for s in statements {
        if s.get("Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        let actions = match s.get("Action") {
            Some(Value::String(a)) => vec![a.clone()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            _ => Vec::new(),
        };
        for a in actions {
            if let Some((service, _)) = a.split_once(':') {
                if !service.is_empty() && !service.contains('*') {
                    out.insert(service.to_ascii_lowercase());
                }
            }
        }
    }
}

/// The default version's document of managed policy `arn` (AWS's or the account's), if any.
fn policy_document(ctx: &Ctx<'_>, arn: &str) -> Result<Option<String>, AwsError> {
    if let Some(p) = managed_policy(arn) {
        return Ok(Some(p.document.to_string()));
    }
    Ok(customer_policy(ctx, arn)?
        .and_then(|p| p.versions.iter().find(|v| v.id == p.default_version).map(|v| v.document.clone())))
}

/// The documents of the entity or policy `arn`, or `NoSuchEntity` / `InvalidInput`.
fn documents(ctx: &Ctx<'_>, arn: &str) -> Result<Vec<String>, AwsError> {
    let invalid = || invalid_input(format!("ARN {arn} is not valid: it must name an IAM user, group, role or policy."));
    let rest = arn.strip_prefix("arn:aws:iam::").ok_or_else(invalid)?;
    let (account, resource) = rest.split_once(':').ok_or_else(invalid)?;
    let (kind, path) = resource.split_once('/').ok_or_else(invalid)?;
    let name = path.rsplit('/').next().unwrap_or(path);
    let missing = || no_such_entity(format!("The entity {arn} cannot be found."));
    let mut out = Vec::new();
    let mut attached = Vec::new();
    match kind {
        "policy" if account == "aws" || account == ctx.account() => {
            out.push(policy_document(ctx, arn)?.ok_or_else(missing)?);
        }
        _ if account != ctx.account() => return Err(missing()),
        "user" => {
            let u = users::load(ctx, name).map_err(|_| missing())?;
            attached.extend(u.attached);
            out.extend(u.inline.into_values());
            for g in groups::all(ctx)?.into_iter().filter(|g| g.has_member(name)) {
                attached.extend(g.attached);
                out.extend(g.inline.into_values());
            }
        }
        "role" => {
            let r = roles::load(ctx, name).map_err(|_| missing())?;
            attached.extend(r.attached);
            out.extend(r.inline.into_values());
        }
        "group" => {
            let g = groups::all(ctx)?
                .into_iter()
                .find(|g| g.group.group_name.eq_ignore_ascii_case(name))
                .ok_or_else(missing)?;
            attached.extend(g.attached);
            out.extend(g.inline.into_values());
        }
        _ => return Err(invalid()),
    }
    for a in attached {
        out.extend(policy_document(ctx, &a)?);
    }
    Ok(out)
}

impl Handler for iam::GenerateServiceLastAccessedDetails {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::GenerateServiceLastAccessedDetailsRequest,
    ) -> Result<iam::GenerateServiceLastAccessedDetailsResponse, AwsError> {
        let mut services = BTreeSet::new();
        for d in documents(ctx, &input.arn)? {
            namespaces(&d, &mut services);
        }
        let job = LastAccessedJob {
            arn: input.arn,
            granularity: input.granularity.unwrap_or_else(|| "SERVICE_LEVEL".to_string()),
            created: ctx.now(),
            services: services.into_iter().collect(),
        };
        let id = ctx.ids().uuid();
        ctx.put(&id, &job)?;
        Ok(iam::GenerateServiceLastAccessedDetailsResponse { job_id: Some(id) })
    }
}

impl Handler for iam::GetServiceLastAccessedDetails {
    const MUTATES: bool = false;

    /// The job's report, in pages of `MaxItems` (1–1,000, default 100); an unknown job id is
    /// `NoSuchEntity`.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::GetServiceLastAccessedDetailsRequest,
    ) -> Result<iam::GetServiceLastAccessedDetailsResponse, AwsError> {
        let job = ctx
            .get::<LastAccessedJob>(&input.job_id)?
            .ok_or_else(|| no_such_entity(format!("No report job with id {} exists.", input.job_id)))?;
        let start = match input.marker.as_deref() {
            None => 0,
            Some(m) => m.parse::<usize>().map_err(|_| invalid_input(format!("Marker {m} is not valid.")))?,
        };
        let size = input.max_items.unwrap_or(100).clamp(1, 1000) as usize;
        let total = job.services.len();
        let services: Vec<iam::ServiceLastAccessed> = job
            .services
            .iter()
            .skip(start)
            .take(size)
            .map(|s| iam::ServiceLastAccessed {
                service_name: s.clone(),
                service_namespace: s.clone(),
                total_authenticated_entities: Some(0),
                ..Default::default()
            })
            .collect();
        let end = start.saturating_add(services.len());
        Ok(iam::GetServiceLastAccessedDetailsResponse {
            job_status: "COMPLETED".to_string(),
            job_type: Some(job.granularity),
            job_creation_date: job.created,
            services_last_accessed: services,
            job_completion_date: job.created,
            is_truncated: Some(end < total),
            marker: (end < total).then(|| end.to_string()),
            error: None,
        })
    }
}
