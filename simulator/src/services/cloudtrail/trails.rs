//! Trails: CreateTrail, UpdateTrail, DeleteTrail, DescribeTrails, ListTrails, GetTrail,
//! ListTags.

use hubsim_model::cloudtrail as ct;

use super::preconditions::{
    check_bucket, check_cloudwatch_logs, check_kms_key, check_organization_trail, check_prefix, check_trail_name,
};
use super::{find, parse_trail_arn, trail_arn, visible, Access, StoredTrail};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ct::CreateTrail>()
        .add::<ct::UpdateTrail>()
        .add::<ct::DeleteTrail>()
        .add::<ct::DescribeTrails>()
        .add::<ct::ListTrails>()
        .add::<ct::GetTrail>()
        .add::<ct::ListTags>();
}

fn combination(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidParameterCombinationException", message)
}

/// The SNS topic ARN for a topic given by name or ARN.
fn sns_topic_arn(ctx: &Ctx<'_>, topic: &str) -> String {
    if topic.starts_with("arn:") {
        topic.to_string()
    } else {
        format!("arn:aws:sns:{}:{}:{topic}", ctx.region(), ctx.account())
    }
}

/// Whether a trail named `name` exists in a region other than the call's.
fn name_taken_elsewhere(ctx: &Ctx<'_>, name: &str) -> Result<bool, AwsError> {
    let here = ctx.region().to_string();
    Ok(ctx.list_all::<StoredTrail>()?.into_iter().any(|(region, id, _)| region != here && id == name))
}

fn already_exists(ctx: &Ctx<'_>, name: &str) -> AwsError {
    AwsError::bad_request(
        "TrailAlreadyExistsException",
        format!("Trail {name} already exists for customer: {}", ctx.account()),
    )
}

/// Treats an empty string as "remove the setting".
fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}

macro_rules! trail_echo {
    ($ty:ident, $t:expr) => {{
        let t: &ct::Trail = $t;
        ct::$ty {
            name: t.name.clone(),
            s3_bucket_name: t.s3_bucket_name.clone(),
            s3_key_prefix: t.s3_key_prefix.clone(),
            sns_topic_name: t.sns_topic_name.clone(),
            sns_topic_arn: t.sns_topic_arn.clone(),
            include_global_service_events: t.include_global_service_events,
            is_multi_region_trail: t.is_multi_region_trail,
            trail_arn: t.trail_arn.clone(),
            log_file_validation_enabled: t.log_file_validation_enabled,
            cloud_watch_logs_log_group_arn: t.cloud_watch_logs_log_group_arn.clone(),
            cloud_watch_logs_role_arn: t.cloud_watch_logs_role_arn.clone(),
            kms_key_id: t.kms_key_id.clone(),
            is_organization_trail: t.is_organization_trail,
        }
    }};
}

impl Handler for ct::CreateTrail {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ct::CreateTrailRequest) -> Result<ct::CreateTrailResponse, AwsError> {
        let name = input.name.clone();
        check_trail_name(&name)?;
        let multi = input.is_multi_region_trail.unwrap_or(false);
        let global = input.include_global_service_events.unwrap_or(true);
        if multi && !global {
            return Err(combination("Multi-Region trail must include global service events."));
        }
        let org = input.is_organization_trail.unwrap_or(false);
        if org {
            check_organization_trail(ctx)?;
        }
        // A trail's name is taken in its region, and by a multi-region trail everywhere.
        let taken_here = super::visible(ctx, true)?.iter().any(|(_, t)| t.name() == name);
        if taken_here || (multi && name_taken_elsewhere(ctx, &name)?) {
            return Err(already_exists(ctx, &name));
        }
        let prefix = non_empty(input.s3_key_prefix.clone());
        check_prefix(prefix.as_deref())?;
        let bucket_region = check_bucket(ctx, &input.s3_bucket_name, prefix.as_deref())?;
        let kms_key_id = match non_empty(input.kms_key_id.clone()) {
            Some(k) => Some(check_kms_key(ctx, &k, &input.s3_bucket_name, &bucket_region)?),
            None => None,
        };
        let group = non_empty(input.cloud_watch_logs_log_group_arn.clone());
        let role = non_empty(input.cloud_watch_logs_role_arn.clone());
        check_cloudwatch_logs(ctx, group.as_deref(), role.as_deref())?;
        let tags = input.tags_list.clone().unwrap_or_default();
        if tags.len() > 50 {
            return Err(AwsError::bad_request(
                "TagsLimitExceededException",
                "The number of tags exceeds the limit of 50.",
            ));
        }
        let region = ctx.region().to_string();
        let sns = non_empty(input.sns_topic_name.clone());
        let trail = ct::Trail {
            name: Some(name.clone()),
            s3_bucket_name: Some(input.s3_bucket_name.clone()),
            s3_key_prefix: prefix,
            sns_topic_arn: sns.as_deref().map(|t| sns_topic_arn(ctx, t)),
            sns_topic_name: sns,
            include_global_service_events: Some(global),
            is_multi_region_trail: Some(multi),
            home_region: Some(region.clone()),
            trail_arn: Some(trail_arn(ctx, &region, &name)),
            log_file_validation_enabled: Some(input.enable_log_file_validation.unwrap_or(false)),
            cloud_watch_logs_log_group_arn: group,
            cloud_watch_logs_role_arn: role,
            kms_key_id,
            has_custom_event_selectors: Some(false),
            has_insight_selectors: Some(false),
            is_organization_trail: Some(org),
        };
        let doc = StoredTrail { trail, tags, ..Default::default() };
        ctx.put(&name, &doc)?;
        Ok(trail_echo!(CreateTrailResponse, &doc.trail))
    }
}

impl Handler for ct::UpdateTrail {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ct::UpdateTrailRequest) -> Result<ct::UpdateTrailResponse, AwsError> {
        let (home, mut doc) = find(ctx, &input.name, Access::Write)?;
        let name = doc.name().to_string();
        let mut t = doc.trail.clone();
        if let Some(multi) = input.is_multi_region_trail {
            if multi && !doc.multi_region() && name_taken_elsewhere(ctx, &name)? {
                return Err(already_exists(ctx, &name));
            }
            t.is_multi_region_trail = Some(multi);
        }
        if let Some(global) = input.include_global_service_events {
            t.include_global_service_events = Some(global);
        }
        if t.is_multi_region_trail == Some(true) && t.include_global_service_events == Some(false) {
            return Err(combination("Multi-Region trail must include global service events."));
        }
        if let Some(org) = input.is_organization_trail {
            if org {
                check_organization_trail(ctx)?;
            }
            t.is_organization_trail = Some(org);
        }
        if input.s3_key_prefix.is_some() {
            t.s3_key_prefix = non_empty(input.s3_key_prefix.clone());
            check_prefix(t.s3_key_prefix.as_deref())?;
        }
        if let Some(bucket) = &input.s3_bucket_name {
            t.s3_bucket_name = Some(bucket.clone());
        }
        let bucket = t.s3_bucket_name.clone().unwrap_or_default();
        let bucket_changed = input.s3_bucket_name.is_some() || input.s3_key_prefix.is_some();
        let bucket_region = if bucket_changed || input.kms_key_id.as_deref().is_some_and(|k| !k.is_empty()) {
            Some(check_bucket(ctx, &bucket, t.s3_key_prefix.as_deref())?)
        } else {
            None
        };
        if let Some(key) = &input.kms_key_id {
            t.kms_key_id = match &bucket_region {
                _ if key.is_empty() => None,
                Some(region) => Some(check_kms_key(ctx, key, &bucket, region)?),
                None => return Err(AwsError::internal("the trail bucket was not checked")),
            };
        }
        let cwl_given = input.cloud_watch_logs_log_group_arn.is_some() || input.cloud_watch_logs_role_arn.is_some();
        if cwl_given {
            if input.cloud_watch_logs_log_group_arn.is_some() {
                t.cloud_watch_logs_log_group_arn = non_empty(input.cloud_watch_logs_log_group_arn.clone());
            }
            if input.cloud_watch_logs_role_arn.is_some() {
                t.cloud_watch_logs_role_arn = non_empty(input.cloud_watch_logs_role_arn.clone());
            }
            check_cloudwatch_logs(
                ctx,
                t.cloud_watch_logs_log_group_arn.as_deref(),
                t.cloud_watch_logs_role_arn.as_deref(),
            )?;
        }
        if let Some(sns) = &input.sns_topic_name {
            t.sns_topic_name = non_empty(Some(sns.clone()));
            t.sns_topic_arn = t.sns_topic_name.as_deref().map(|s| sns_topic_arn(ctx, s));
        }
        let validation_turned_on =
            input.enable_log_file_validation == Some(true) && t.log_file_validation_enabled != Some(true);
        if let Some(v) = input.enable_log_file_validation {
            t.log_file_validation_enabled = Some(v);
        }
        if doc.logging {
            let now = ctx.now();
            if cwl_given && t.cloud_watch_logs_log_group_arn.is_some() {
                doc.latest_cloudwatch_logs_delivery_time = Some(now);
            }
            if validation_turned_on {
                doc.latest_digest_delivery_time = Some(now);
            }
        }
        doc.trail = t;
        ctx.put_in(&home, &name, &doc)?;
        Ok(trail_echo!(UpdateTrailResponse, &doc.trail))
    }
}

impl Handler for ct::DeleteTrail {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ct::DeleteTrailRequest) -> Result<ct::DeleteTrailResponse, AwsError> {
        let (home, doc) = find(ctx, &input.name, Access::Write)?;
        ctx.delete_in::<StoredTrail>(&home, doc.name())?;
        Ok(ct::DeleteTrailResponse {})
    }
}

impl Handler for ct::DescribeTrails {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: ct::DescribeTrailsRequest) -> Result<ct::DescribeTrailsResponse, AwsError> {
        let wanted = input.trail_name_list.clone().unwrap_or_default();
        let here = ctx.region().to_string();
        let trails: Vec<ct::Trail> = if wanted.is_empty() {
            visible(ctx, input.include_shadow_trails.unwrap_or(true))?.into_iter().map(|(_, t)| t.trail).collect()
        } else {
            // Names match trails of the call's region; ARNs match any of the account's trails.
            let mut out = Vec::new();
            for (region, id, t) in ctx.list_all::<StoredTrail>()? {
                let hit = wanted.iter().any(|w| (region == here && w == &id) || w == t.arn());
                if hit {
                    out.push(t.trail);
                }
            }
            out
        };
        Ok(ct::DescribeTrailsResponse { trail_list: Some(trails) })
    }
}

/// Page size of ListTrails.
const LIST_PAGE: usize = 50;

impl Handler for ct::ListTrails {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: ct::ListTrailsRequest) -> Result<ct::ListTrailsResponse, AwsError> {
        // ListTrails lists every trail of the account, whatever its home region.
        let all = ctx.list_all::<StoredTrail>()?;
        let start = match &input.next_token {
            None => 0,
            Some(t) => t
                .parse::<usize>()
                .map_err(|_| AwsError::bad_request("InvalidNextTokenException", "Invalid NextToken"))?,
        };
        let next = (all.len() > start.saturating_add(LIST_PAGE)).then(|| (start + LIST_PAGE).to_string());
        let trails = all
            .into_iter()
            .skip(start)
            .take(LIST_PAGE)
            .map(|(region, _, t)| ct::TrailInfo {
                trail_arn: t.trail.trail_arn,
                name: t.trail.name,
                home_region: Some(region),
            })
            .collect();
        Ok(ct::ListTrailsResponse { trails: Some(trails), next_token: next })
    }
}

impl Handler for ct::GetTrail {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: ct::GetTrailRequest) -> Result<ct::GetTrailResponse, AwsError> {
        let (_, doc) = find(ctx, &input.name, Access::Read)?;
        Ok(ct::GetTrailResponse { trail: Some(doc.trail) })
    }
}

impl Handler for ct::ListTags {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: ct::ListTagsRequest) -> Result<ct::ListTagsResponse, AwsError> {
        if input.resource_id_list.len() > 20 {
            return Err(AwsError::bad_request("InvalidParameterException", "At most 20 resources can be listed."));
        }
        let mut out = Vec::new();
        for arn in &input.resource_id_list {
            // Only ARNs name resources here.
            parse_trail_arn(arn).ok_or_else(|| {
                AwsError::bad_request("CloudTrailARNInvalidException", format!("ARN {arn} is not valid."))
            })??;
            let (_, doc) = find(ctx, arn, Access::Read).map_err(|e| {
                if e.code == "TrailNotFoundException" {
                    AwsError::bad_request("ResourceNotFoundException", format!("Resource {arn} does not exist."))
                } else {
                    e
                }
            })?;
            out.push(ct::ResourceTag { resource_id: Some(arn.clone()), tags_list: Some(doc.tags) });
        }
        Ok(ct::ListTagsResponse { resource_tag_list: Some(out), next_token: None })
    }
}
