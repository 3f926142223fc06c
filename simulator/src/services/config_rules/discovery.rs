//! The read API over configuration items: ListDiscoveredResources, BatchGetResourceConfig,
//! GetResourceConfigHistory, GetDiscoveredResourceCounts
//! (https://docs.aws.amazon.com/config/latest/APIReference/API_GetResourceConfigHistory.html).
//!
//! The current items are built from the state as it is (a region without rules keeps no
//! history, so its items are as of now); the history is what was recorded.

use hubsim_model::{config, Timestamp};

use super::invalid;
use super::items::{self, Item};
use super::record::{history_id, recorded_types, History, Recorded};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<config::ListDiscoveredResources>()
        .add::<config::BatchGetResourceConfig>()
        .add::<config::GetResourceConfigHistory>()
        .add::<config::GetDiscoveredResourceCounts>();
}

/// The current items of `ty` in the call's region with their recording (the recorded one when
/// it is current; else as discovered now).
pub fn current(ctx: &mut Ctx<'_>, ty: &str) -> Result<Vec<(Recorded, Item)>, AwsError> {
    if !recorded_types(ctx)?.contains(&ty) {
        return Ok(Vec::new());
    }
    let now = ctx.now();
    let mut out = Vec::new();
    for item in items::items(ctx, ty)? {
        let stored = ctx.get::<History>(&history_id(ty, &item.resource_id))?;
        let recorded = match stored.as_ref().and_then(|h| h.current()) {
            Some((r, i)) if *i == item => r.clone(),
            other => {
                let captured = if other.is_some() { now } else { item.created.unwrap_or(now) };
                Recorded {
                    item: None,
                    status: if other.is_some() { "OK" } else { "ResourceDiscovered" }.into(),
                    captured,
                    state_id: captured.0.to_string(),
                }
            }
        };
        out.push((recorded, item));
    }
    Ok(out)
}

fn json_text(v: &serde_json::Value) -> String {
    v.to_string()
}

/// A recorded item as the API answers it: `configuration` and each supplementary value as
/// JSON text.
pub fn api_item(
    ctx: &Ctx<'_>,
    recorded: &Recorded,
    item: Option<&Item>,
    ty: &str,
    id: &str,
) -> config::ConfigurationItem {
    let mut out = config::ConfigurationItem {
        version: Some("1.3".into()),
        account_id: Some(ctx.account().into()),
        configuration_item_capture_time: Some(recorded.captured),
        configuration_item_status: Some(recorded.status.clone()),
        configuration_state_id: Some(recorded.state_id.clone()),
        configuration_item_md5_hash: Some(String::new()),
        resource_type: Some(ty.into()),
        resource_id: Some(id.into()),
        aws_region: Some(ctx.region().into()),
        availability_zone: Some("Not Applicable".into()),
        related_events: Some(Vec::new()),
        recording_frequency: Some("CONTINUOUS".into()),
        ..Default::default()
    };
    if let Some(item) = item {
        out.arn = item.arn.clone();
        out.resource_name = item.resource_name.clone();
        out.resource_creation_time = item.created;
        out.tags = Some(item.tags.clone());
        out.relationships = Some(item.relationships.clone());
        out.configuration = Some(json_text(&item.configuration));
        out.supplementary_configuration =
            Some(item.supplementary.iter().map(|(k, v)| (k.clone(), json_text(v))).collect());
    }
    out
}

fn base_item(c: config::ConfigurationItem) -> config::BaseConfigurationItem {
    config::BaseConfigurationItem {
        version: c.version,
        account_id: c.account_id,
        configuration_item_capture_time: c.configuration_item_capture_time,
        configuration_item_status: c.configuration_item_status,
        configuration_state_id: c.configuration_state_id,
        arn: c.arn,
        resource_type: c.resource_type,
        resource_id: c.resource_id,
        resource_name: c.resource_name,
        aws_region: c.aws_region,
        availability_zone: c.availability_zone,
        resource_creation_time: c.resource_creation_time,
        configuration: c.configuration,
        supplementary_configuration: c.supplementary_configuration,
        recording_frequency: c.recording_frequency,
        configuration_item_delivery_time: c.configuration_item_delivery_time,
    }
}

/// One page of `items`: `limit` (default and cap `max`) from the offset `token` holds.
fn page<T>(
    items: Vec<T>,
    limit: Option<i32>,
    token: Option<String>,
    max: usize,
) -> Result<(Vec<T>, Option<String>), AwsError> {
    let start = match token.as_deref().filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => t
            .parse::<usize>()
            .map_err(|_| AwsError::bad_request("InvalidNextTokenException", "The specified next token is invalid."))?,
    };
    let limit = match limit {
        None | Some(0) => max,
        Some(n) if n < 0 || n as usize > max => {
            return Err(AwsError::bad_request(
                "InvalidLimitException",
                format!("The limit must be between 0 and {max}."),
            ))
        }
        Some(n) => n as usize,
    };
    let total = items.len();
    let end = start.saturating_add(limit).min(total);
    Ok((items.into_iter().skip(start).take(limit).collect(), (end < total).then(|| end.to_string())))
}

impl Handler for config::ListDiscoveredResources {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: config::ListDiscoveredResourcesRequest,
    ) -> Result<config::ListDiscoveredResourcesResponse, AwsError> {
        let ids = input.resource_ids.filter(|i| !i.is_empty());
        if ids.is_some() && input.resource_name.is_some() {
            return Err(invalid("You can specify either resourceIds or resourceName, but not both."));
        }
        let ty = input.resource_type;
        let wanted = |id: &str, name: Option<&str>| {
            ids.as_ref().is_none_or(|ids| ids.iter().any(|i| i == id))
                && input.resource_name.as_deref().is_none_or(|n| Some(n) == name)
        };
        let mut out: Vec<config::ResourceIdentifier> = current(ctx, &ty)?
            .into_iter()
            .filter(|(_, i)| wanted(&i.resource_id, i.resource_name.as_deref()))
            .map(|(_, i)| config::ResourceIdentifier {
                resource_type: Some(ty.clone()),
                resource_id: Some(i.resource_id),
                resource_name: i.resource_name,
                resource_deletion_time: None,
            })
            .collect();
        if input.include_deleted_resources == Some(true) {
            for (_, h) in ctx.list::<History>()? {
                let Some(last) = h.items.last() else { continue };
                if h.resource_type != ty || last.item.is_some() || !wanted(&h.resource_id, None) {
                    continue;
                }
                let name = h.items.iter().rev().find_map(|r| r.item.as_ref()?.resource_name.clone());
                out.push(config::ResourceIdentifier {
                    resource_type: Some(ty.clone()),
                    resource_id: Some(h.resource_id.clone()),
                    resource_name: name,
                    resource_deletion_time: Some(last.captured),
                });
            }
        }
        let (items, next) = page(out, input.limit, input.next_token, 100)?;
        Ok(config::ListDiscoveredResourcesResponse { resource_identifiers: Some(items), next_token: next })
    }
}

impl Handler for config::BatchGetResourceConfig {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: config::BatchGetResourceConfigRequest,
    ) -> Result<config::BatchGetResourceConfigResponse, AwsError> {
        if input.resource_keys.is_empty() || input.resource_keys.len() > 100 {
            return Err(AwsError::bad_request("ValidationException", "resourceKeys must hold between 1 and 100 keys."));
        }
        let mut out = Vec::new();
        let mut types: Vec<&str> = input.resource_keys.iter().map(|k| k.resource_type.as_str()).collect();
        types.sort();
        types.dedup();
        for ty in types {
            let items = current(ctx, ty)?;
            for key in input.resource_keys.iter().filter(|k| k.resource_type == ty) {
                if let Some((r, i)) = items.iter().find(|(_, i)| i.resource_id == key.resource_id) {
                    out.push(base_item(api_item(ctx, r, Some(i), ty, &i.resource_id)));
                }
            }
        }
        Ok(config::BatchGetResourceConfigResponse {
            base_configuration_items: Some(out),
            unprocessed_resource_keys: Some(Vec::new()),
        })
    }
}

impl Handler for config::GetResourceConfigHistory {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: config::GetResourceConfigHistoryRequest,
    ) -> Result<config::GetResourceConfigHistoryResponse, AwsError> {
        let (ty, id) = (input.resource_type, input.resource_id);
        let mut entries: Vec<(Recorded, Option<Item>)> = ctx
            .get::<History>(&history_id(&ty, &id))?
            .map(|h| h.items.into_iter().map(|r| (r.clone(), r.item)).collect())
            .unwrap_or_default();
        // A region that keeps no history still shows the resource as it is now.
        let live = current(ctx, &ty)?.into_iter().find(|(_, i)| i.resource_id == id);
        if let Some((r, i)) = live {
            if entries.last().is_none_or(|(_, last)| last.as_ref() != Some(&i)) {
                entries.push((r, Some(i)));
            }
        }
        if entries.is_empty() {
            return Err(AwsError::bad_request(
                "ResourceNotDiscoveredException",
                format!("Resource {id} of resourceType:{ty} is unknown or has not been discovered"),
            ));
        }
        if let (Some(early), Some(late)) = (input.earlier_time, input.later_time) {
            if early.0 > late.0 {
                return Err(AwsError::bad_request(
                    "InvalidTimeRangeException",
                    "The specified time range is not valid. The earlier time is not chronologically before the later time.",
                ));
            }
        }
        let later = input.later_time.unwrap_or(Timestamp(i64::MAX));
        let earlier = input.earlier_time.unwrap_or(Timestamp(i64::MIN));
        let mut list: Vec<config::ConfigurationItem> = entries
            .iter()
            .filter(|(r, _)| r.captured.0 <= later.0 && r.captured.0 >= earlier.0)
            .map(|(r, i)| api_item(ctx, r, i.as_ref(), &ty, &id))
            .collect();
        match input.chronological_order.as_deref() {
            Some("Forward") => {}
            _ => list.reverse(),
        }
        let (items, next) = page(list, input.limit, input.next_token, 100)?;
        Ok(config::GetResourceConfigHistoryResponse { configuration_items: Some(items), next_token: next })
    }
}

impl Handler for config::GetDiscoveredResourceCounts {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: config::GetDiscoveredResourceCountsRequest,
    ) -> Result<config::GetDiscoveredResourceCountsResponse, AwsError> {
        let filter = input.resource_types.filter(|t| !t.is_empty());
        let mut counts = Vec::new();
        let mut total = 0i64;
        for ty in recorded_types(ctx)? {
            if filter.as_ref().is_some_and(|f| !f.iter().any(|t| t == ty)) {
                continue;
            }
            let n = items::items(ctx, ty)?.len() as i64;
            total += n;
            if n > 0 {
                counts.push(config::ResourceCount { resource_type: Some(ty.into()), count: Some(n) });
            }
        }
        // Config lists the largest counts first.
        counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.resource_type.cmp(&b.resource_type)));
        let (items, next) = page(counts, input.limit, input.next_token, 100)?;
        Ok(config::GetDiscoveredResourceCountsResponse {
            total_discovered_resources: Some(total),
            resource_counts: Some(items),
            next_token: next,
        })
    }
}
