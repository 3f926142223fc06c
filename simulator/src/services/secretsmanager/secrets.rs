//! CreateSecret, DescribeSecret, ListSecrets, UpdateSecret, DeleteSecret, RestoreSecret
//! (<https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html>,
//! <https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ListSecrets.html>,
//! <https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html>).

use hubsim_model::{secretsmanager as sm, Timestamp};

use super::tags::check_tags;
use super::values::new_version;
use super::{find, gone, invalid_parameter, invalid_request, locate, locate_live, marked_for_deletion, Secret, DAY_MS};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<sm::CreateSecret>()
        .add::<sm::DescribeSecret>()
        .add::<sm::ListSecrets>()
        .add::<sm::UpdateSecret>()
        .add::<sm::DeleteSecret>()
        .add::<sm::RestoreSecret>();
}

/// Checks a secret name: 1–512 of ASCII letters, digits and `/_+=.@-`.
fn check_name(name: &str) -> Result<(), AwsError> {
    let ok = !name.is_empty()
        && name.len() <= 512
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"/_+=.@-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(invalid_parameter(format!(
            "Invalid name {name}: a secret name is 1 to 512 characters of letters, digits and /_+=.@-"
        )))
    }
}

impl Handler for sm::CreateSecret {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: sm::CreateSecretRequest) -> Result<sm::CreateSecretResponse, AwsError> {
        check_name(&input.name)?;
        if input.add_replica_regions.as_ref().is_some_and(|r| !r.is_empty()) {
            return Err(AwsError::new("NotImplemented", 501, "hubsim does not simulate secret replication"));
        }
        let tags: Vec<(String, String)> = input
            .tags
            .unwrap_or_default()
            .into_iter()
            .map(|t| (t.key.unwrap_or_default(), t.value.unwrap_or_default()))
            .collect();
        check_tags(&tags)?;
        let now = ctx.now();
        if let Some(existing) = ctx.get::<Secret>(&input.name)? {
            if !gone(&existing, now) {
                if existing.deleted.is_some() {
                    return Err(invalid_request(
                        "You can't create this secret because a secret with this name is already scheduled for deletion.",
                    ));
                }
                return Err(AwsError::bad_request(
                    "ResourceExistsException",
                    format!("The operation failed because the secret {} already exists.", input.name),
                ));
            }
        }
        let version = new_version(
            ctx,
            input.secret_string.as_deref(),
            input.secret_binary.as_ref().map(|b| b.0.as_slice()),
            input.client_request_token.as_deref(),
            true,
        )?;
        let suffix = ctx.ids().upper(6);
        let arn = format!("arn:aws:secretsmanager:{}:{}:secret:{}-{suffix}", ctx.region(), ctx.account(), input.name);
        let mut secret = Secret {
            name: input.name.clone(),
            arn: arn.clone(),
            description: input.description,
            kms_key_id: input.kms_key_id,
            created: now,
            last_changed: now,
            tags,
            ..Default::default()
        };
        let version_id = version.map(|(id, v)| {
            secret.push_version(id.clone(), v);
            id
        });
        ctx.put(&input.name, &secret)?;
        Ok(sm::CreateSecretResponse { arn: Some(arn), name: Some(input.name), version_id, replication_status: None })
    }
}

impl Handler for sm::DescribeSecret {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: sm::DescribeSecretRequest) -> Result<sm::DescribeSecretResponse, AwsError> {
        let (_, s) = locate(ctx, &input.secret_id)?;
        Ok(sm::DescribeSecretResponse {
            arn: Some(s.arn.clone()),
            name: Some(s.name.clone()),
            description: s.description.clone(),
            kms_key_id: s.kms_key_id.clone(),
            rotation_enabled: Some(s.rotation_enabled),
            rotation_lambda_arn: s.rotation_lambda.clone(),
            rotation_rules: s.rotation_rules.clone(),
            last_rotated_date: s.last_rotated,
            last_changed_date: Some(s.last_changed),
            last_accessed_date: s.last_accessed,
            deleted_date: s.deleted,
            next_rotation_date: s.next_rotation(),
            tags: (!s.tags.is_empty()).then(|| s.api_tags()),
            version_ids_to_stages: Some(s.stages()),
            created_date: Some(s.created),
            ..Default::default()
        })
    }
}

/// Whether a filter value (a prefix, `!` negates) matches one of `fields`.
fn value_matches(value: &str, fields: &[String], case_sensitive: bool) -> bool {
    let (negate, prefix) = match value.strip_prefix('!') {
        Some(p) => (true, p),
        None => (false, value),
    };
    let hit = fields.iter().any(|f| {
        if case_sensitive {
            f.starts_with(prefix)
        } else {
            f.to_lowercase().starts_with(&prefix.to_lowercase())
        }
    });
    hit != negate
}

/// Whether a secret passes one filter (any of its values).
fn filter_matches(s: &Secret, f: &sm::Filter) -> bool {
    let key = f.key.as_deref().unwrap_or("all");
    let values = f.values.as_deref().unwrap_or_default();
    let names = vec![s.name.clone()];
    let descriptions: Vec<String> = s.description.iter().cloned().collect();
    let keys: Vec<String> = s.tags.iter().map(|(k, _)| k.clone()).collect();
    let tag_values: Vec<String> = s.tags.iter().map(|(_, v)| v.clone()).collect();
    values.iter().any(|v| match key {
        "name" => value_matches(v, &names, true),
        "description" => value_matches(v, &descriptions, false),
        "tag-key" => value_matches(v, &keys, true),
        "tag-value" => value_matches(v, &tag_values, true),
        // Secrets are not replicated and no service owns them here.
        "primary-region" | "owning-service" => false,
        _ => {
            let all: Vec<String> = names.iter().chain(&descriptions).chain(&keys).chain(&tag_values).cloned().collect();
            v.split_whitespace().any(|w| value_matches(w, &all, false))
        }
    })
}

impl Handler for sm::ListSecrets {
    const MUTATES: bool = false;

    /// Secrets by creation date (ascending unless `SortOrder` is `desc`), filtered (values of a
    /// filter are ORed, filters ANDed), pages of `MaxResults` (1–100, default 100); secrets
    /// scheduled for deletion only with `IncludePlannedDeletion`.
    fn handle(ctx: &mut Ctx<'_>, input: sm::ListSecretsRequest) -> Result<sm::ListSecretsResponse, AwsError> {
        let size = match input.max_results {
            None => 100,
            Some(n @ 1..=100) => n as usize,
            Some(n) => return Err(invalid_parameter(format!("MaxResults {n} is outside 1 to 100"))),
        };
        let start = match input.next_token.as_deref() {
            None => 0,
            Some(t) => t.parse::<usize>().map_err(|_| invalid_parameter("Invalid NextToken"))?,
        };
        let now = ctx.now();
        let filters = input.filters.unwrap_or_default();
        let planned = input.include_planned_deletion.unwrap_or(false);
        let mut secrets: Vec<Secret> = ctx
            .list::<Secret>()?
            .into_iter()
            .map(|(_, s)| s)
            .filter(|s| !gone(s, now) && (planned || s.deleted.is_none()))
            .filter(|s| filters.iter().all(|f| filter_matches(s, f)))
            .collect();
        secrets.sort_by_key(|s| s.created.0);
        if input.sort_order.as_deref() == Some("desc") {
            secrets.reverse();
        }
        let total = secrets.len();
        let page: Vec<sm::SecretListEntry> = secrets
            .into_iter()
            .skip(start)
            .take(size)
            .map(|s| sm::SecretListEntry {
                arn: Some(s.arn.clone()),
                name: Some(s.name.clone()),
                description: s.description.clone(),
                kms_key_id: s.kms_key_id.clone(),
                rotation_enabled: Some(s.rotation_enabled),
                rotation_lambda_arn: s.rotation_lambda.clone(),
                rotation_rules: s.rotation_rules.clone(),
                last_rotated_date: s.last_rotated,
                last_changed_date: Some(s.last_changed),
                last_accessed_date: s.last_accessed,
                deleted_date: s.deleted,
                next_rotation_date: s.next_rotation(),
                tags: (!s.tags.is_empty()).then(|| s.api_tags()),
                secret_versions_to_stages: Some(s.stages()),
                created_date: Some(s.created),
                ..Default::default()
            })
            .collect();
        let next = (start.saturating_add(page.len()) < total).then(|| (start + page.len()).to_string());
        Ok(sm::ListSecretsResponse { secret_list: Some(page), next_token: next })
    }
}

impl Handler for sm::UpdateSecret {
    const MUTATES: bool = true;

    /// Description, KMS key, and a new value (a new `AWSCURRENT` version) when one is given.
    fn handle(ctx: &mut Ctx<'_>, input: sm::UpdateSecretRequest) -> Result<sm::UpdateSecretResponse, AwsError> {
        let (name, mut s) = locate_live(ctx, &input.secret_id)?;
        let version = new_version(
            ctx,
            input.secret_string.as_deref(),
            input.secret_binary.as_ref().map(|b| b.0.as_slice()),
            input.client_request_token.as_deref(),
            true,
        )?;
        if let Some(d) = input.description {
            s.description = Some(d);
        }
        if let Some(k) = input.kms_key_id {
            s.kms_key_id = Some(k);
        }
        let version_id = version.map(|(id, v)| {
            s.push_version(id.clone(), v);
            id
        });
        s.last_changed = ctx.now();
        ctx.put(&name, &s)?;
        Ok(sm::UpdateSecretResponse { arn: Some(s.arn), name: Some(s.name), version_id })
    }
}

impl Handler for sm::DeleteSecret {
    const MUTATES: bool = true;

    /// Schedules deletion after `RecoveryWindowInDays` (7–30, default 30), or deletes at once
    /// with `ForceDeleteWithoutRecovery`; the two together are refused.
    fn handle(ctx: &mut Ctx<'_>, input: sm::DeleteSecretRequest) -> Result<sm::DeleteSecretResponse, AwsError> {
        let force = input.force_delete_without_recovery.unwrap_or(false);
        if force && input.recovery_window_in_days.is_some() {
            return Err(invalid_parameter(
                "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
            ));
        }
        let days = input.recovery_window_in_days.unwrap_or(30);
        if !(7..=30).contains(&days) {
            return Err(invalid_parameter("The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."));
        }
        let (name, mut s) = locate(ctx, &input.secret_id)?;
        if s.deleted.is_some() && !force {
            return Err(marked_for_deletion());
        }
        let now = ctx.now();
        let date = if force { now } else { Timestamp(now.0.saturating_add(days.saturating_mul(DAY_MS))) };
        if force {
            ctx.delete::<Secret>(&name)?;
        } else {
            s.deleted = Some(now);
            s.deletion_date = Some(date);
            s.last_changed = now;
            ctx.put(&name, &s)?;
        }
        Ok(sm::DeleteSecretResponse { arn: Some(s.arn), name: Some(s.name), deletion_date: Some(date) })
    }
}

impl Handler for sm::RestoreSecret {
    const MUTATES: bool = true;

    /// Cancels a scheduled deletion (a secret not scheduled is answered as it is).
    fn handle(ctx: &mut Ctx<'_>, input: sm::RestoreSecretRequest) -> Result<sm::RestoreSecretResponse, AwsError> {
        let (name, mut s) = find(ctx, &input.secret_id)?.ok_or_else(super::not_found)?;
        if s.deleted.is_some() {
            s.deleted = None;
            s.deletion_date = None;
            s.last_changed = ctx.now();
            ctx.put(&name, &s)?;
        }
        Ok(sm::RestoreSecretResponse { arn: Some(s.arn), name: Some(s.name) })
    }
}
