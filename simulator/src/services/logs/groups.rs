//! Log groups: CreateLogGroup, DeleteLogGroup, DescribeLogGroups, PutRetentionPolicy,
//! ListTagsLogGroup, ListTagsForResource.

use std::collections::BTreeMap;

use hubsim_model::{logs, Empty};

use super::{group, group_arn, invalid, LogGroup, MetricFilter};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<logs::CreateLogGroup>()
        .add::<logs::DeleteLogGroup>()
        .add::<logs::DescribeLogGroups>()
        .add::<logs::PutRetentionPolicy>()
        .add::<logs::ListTagsLogGroup>()
        .add::<logs::ListTagsForResource>();
}

/// The retention periods CloudWatch Logs accepts.
pub const RETENTION_DAYS: &[i32] =
    &[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/// Log group naming rules: 1–512 of `[.-_/#A-Za-z0-9]`, not starting with `aws/`.
fn check_name(name: &str) -> Result<(), AwsError> {
    let chars_ok = name.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_' | b'/' | b'#'));
    if name.is_empty() || name.len() > 512 || !chars_ok {
        return Err(invalid(format!(
            "1 validation error detected: Value '{name}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"
        )));
    }
    if name.starts_with("aws/") {
        return Err(invalid("Log group names starting with 'aws/' are reserved for AWS services."));
    }
    Ok(())
}

/// Tag rules: keys 1–128 characters without the `aws:` prefix, at most 50 tags.
fn check_tags(tags: &BTreeMap<String, String>) -> Result<(), AwsError> {
    if tags.len() > 50 {
        return Err(invalid("A log group can have at most 50 tags."));
    }
    for (k, v) in tags {
        if k.is_empty() || k.len() > 128 || v.len() > 256 || k.to_ascii_lowercase().starts_with("aws:") {
            return Err(invalid(format!("Invalid tag key or value: {k}")));
        }
    }
    Ok(())
}

impl Handler for logs::CreateLogGroup {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: logs::CreateLogGroupRequest) -> Result<Empty, AwsError> {
        check_name(&input.log_group_name)?;
        let tags = input.tags.clone().unwrap_or_default();
        check_tags(&tags)?;
        let kms_key_id = match &input.kms_key_id {
            None => None,
            Some(key) => {
                // Logs takes the key's ARN only, and the key must exist and be enabled.
                let arn = group_arn(ctx, ctx.region(), &input.log_group_name);
                let refused = || {
                    invalid(format!(
                        "The specified KMS key does not exist or is not allowed to be used with Arn '{arn}'"
                    ))
                };
                if !(key.starts_with("arn:") && key.contains(":key/")) {
                    return Err(invalid(format!("Specified KMS key ID is not a valid ARN: {key}")));
                }
                let resolved = crate::services::kms::resolve_key(ctx, key)?.ok_or_else(refused)?;
                if !resolved.enabled {
                    return Err(refused());
                }
                Some(resolved.arn)
            }
        };
        if ctx.get::<LogGroup>(&input.log_group_name)?.is_some() {
            return Err(AwsError::bad_request(
                "ResourceAlreadyExistsException",
                "The specified log group already exists",
            ));
        }
        let doc = LogGroup {
            name: input.log_group_name.clone(),
            created: ctx.now(),
            retention_in_days: None,
            kms_key_id,
            class: input.log_group_class.clone().unwrap_or_else(|| "STANDARD".to_string()),
            deletion_protection: input.deletion_protection_enabled.unwrap_or(false),
            tags,
        };
        ctx.put(&input.log_group_name, &doc)?;
        Ok(Empty {})
    }
}

impl Handler for logs::DeleteLogGroup {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: logs::DeleteLogGroupRequest) -> Result<Empty, AwsError> {
        let g = group(ctx, &input.log_group_name)?;
        if g.deletion_protection {
            return Err(AwsError::bad_request(
                "ValidationException",
                "Log group deletion is not allowed while deletion protection is enabled",
            ));
        }
        let filters: Vec<String> = ctx
            .list::<MetricFilter>()?
            .into_iter()
            .filter(|(_, f)| f.filter.log_group_name.as_deref() == Some(g.name.as_str()))
            .map(|(id, _)| id)
            .collect();
        for id in filters {
            ctx.delete::<MetricFilter>(&id)?;
        }
        ctx.delete::<LogGroup>(&g.name)?;
        Ok(Empty {})
    }
}

/// The number of metric filters on each group of the call's region.
fn filter_counts(ctx: &Ctx<'_>) -> Result<BTreeMap<String, i32>, AwsError> {
    let mut counts = BTreeMap::new();
    for (_, f) in ctx.list::<MetricFilter>()? {
        if let Some(g) = f.filter.log_group_name {
            *counts.entry(g).or_insert(0) += 1;
        }
    }
    Ok(counts)
}

impl Handler for logs::DescribeLogGroups {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: logs::DescribeLogGroupsRequest,
    ) -> Result<logs::DescribeLogGroupsResponse, AwsError> {
        if input.log_group_name_prefix.is_some() && input.log_group_name_pattern.is_some() {
            return Err(invalid("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive."));
        }
        let limit = match input.limit {
            None => 50,
            Some(n) if (1..=50).contains(&n) => n as usize,
            Some(n) => return Err(invalid(format!("Invalid limit {n}: must be between 1 and 50"))),
        };
        let mut groups: Vec<LogGroup> = ctx.list::<LogGroup>()?.into_iter().map(|(_, g)| g).collect();
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(prefix) = &input.log_group_name_prefix {
            groups.retain(|g| g.name.starts_with(prefix.as_str()));
        }
        if let Some(pattern) = &input.log_group_name_pattern {
            let p = pattern.to_ascii_lowercase();
            groups.retain(|g| g.name.to_ascii_lowercase().contains(&p));
        }
        if let Some(class) = &input.log_group_class {
            groups.retain(|g| &g.class == class);
        }
        if let Some(ids) = &input.log_group_identifiers {
            let region = ctx.region().to_string();
            groups.retain(|g| ids.iter().any(|i| i == &g.name || i == &group_arn(ctx, &region, &g.name)));
        }
        if let Some(token) = &input.next_token {
            groups.retain(|g| g.name.as_str() > token.as_str());
        }
        let next_token = if groups.len() > limit {
            groups.truncate(limit);
            groups.last().map(|g| g.name.clone())
        } else {
            None
        };
        let counts = filter_counts(ctx)?;
        let region = ctx.region().to_string();
        let log_groups = groups
            .into_iter()
            .map(|g| {
                let arn = group_arn(ctx, &region, &g.name);
                logs::LogGroup {
                    metric_filter_count: Some(counts.get(&g.name).copied().unwrap_or(0)),
                    creation_time: Some(g.created.0),
                    retention_in_days: g.retention_in_days,
                    arn: Some(format!("{arn}:*")),
                    log_group_arn: Some(arn),
                    stored_bytes: Some(0),
                    kms_key_id: g.kms_key_id,
                    log_group_class: Some(g.class),
                    deletion_protection_enabled: Some(g.deletion_protection),
                    log_group_name: Some(g.name),
                    ..Default::default()
                }
            })
            .collect();
        Ok(logs::DescribeLogGroupsResponse { log_groups: Some(log_groups), next_token })
    }
}

impl Handler for logs::PutRetentionPolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: logs::PutRetentionPolicyRequest) -> Result<Empty, AwsError> {
        if !RETENTION_DAYS.contains(&input.retention_in_days) {
            return Err(invalid(format!(
                "1 validation error detected: Value '{}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: {RETENTION_DAYS:?}",
                input.retention_in_days
            )));
        }
        let mut g = group(ctx, &input.log_group_name)?;
        g.retention_in_days = Some(input.retention_in_days);
        ctx.put(&input.log_group_name, &g)?;
        Ok(Empty {})
    }
}

impl Handler for logs::ListTagsLogGroup {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: logs::ListTagsLogGroupRequest,
    ) -> Result<logs::ListTagsLogGroupResponse, AwsError> {
        let g = group(ctx, &input.log_group_name)?;
        Ok(logs::ListTagsLogGroupResponse { tags: Some(g.tags) })
    }
}

impl Handler for logs::ListTagsForResource {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: logs::ListTagsForResourceRequest,
    ) -> Result<logs::ListTagsForResourceResponse, AwsError> {
        let arn = &input.resource_arn;
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let [prefix, partition, service, region, account, resource] = parts.as_slice() else {
            return Err(invalid(format!("Invalid resource ARN: {arn}")));
        };
        if *prefix != "arn" || !partition.starts_with("aws") || *service != "logs" {
            return Err(invalid(format!("Invalid resource ARN: {arn}")));
        }
        let missing = || {
            AwsError::bad_request("ResourceNotFoundException", format!("The specified resource does not exist: {arn}"))
        };
        let Some(name) = resource.strip_prefix("log-group:") else {
            // Destinations and other taggable Logs resources are not simulated.
            return Err(missing());
        };
        let name = name.strip_suffix(":*").unwrap_or(name);
        if *account != ctx.account() {
            return Err(missing());
        }
        let g = ctx.get_in::<LogGroup>(region, name)?.ok_or_else(missing)?;
        Ok(logs::ListTagsForResourceResponse { tags: Some(g.tags) })
    }
}
