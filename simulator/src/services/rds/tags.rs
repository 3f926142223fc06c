//! AddTagsToResource, RemoveTagsFromResource, ListTagsForResource on a DB instance, DB cluster,
//! DB snapshot, DB cluster snapshot, custom DB parameter group, DB subnet group or event
//! subscription ARN
//! (<https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Tagging.html>: at most 50
//! tags, keys up to 128 characters, values up to 256, the `aws:` and `rds:` prefixes reserved).

use hubsim_model::{rds, Empty};

use super::cluster_snapshots::{cluster_snapshot_not_found, ClusterSnapshotDoc};
use super::clusters::cluster_not_found;
use super::events::{not_found as subscription_not_found, SubscriptionTags};
use super::parameter_groups::{group_not_found, ParameterGroupDoc};
use super::{
    instance_not_found, invalid_value, snapshot_not_found, subnet_group_not_found, SnapshotDoc, SubnetGroupDoc,
};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<rds::AddTagsToResource>().add::<rds::RemoveTagsFromResource>().add::<rds::ListTagsForResource>();
}

/// The most tags a resource can have.
const MAX_TAGS: usize = 50;

/// Checks `tags` to be added to a resource that has `existing` tags.
pub(super) fn check_tags(tags: &[rds::Tag], existing: &[rds::Tag]) -> Result<(), AwsError> {
    for t in tags {
        let k = t.key.as_deref().unwrap_or_default();
        let v = t.value.as_deref().unwrap_or_default();
        if k.is_empty() || k.chars().count() > 128 || v.chars().count() > 256 {
            return Err(invalid_value(format!("Tag {k}: keys are 1 to 128 characters, values up to 256.")));
        }
        let lower = k.to_ascii_lowercase();
        if lower.starts_with("aws:") || lower.starts_with("rds:") {
            return Err(invalid_value(format!("Tag {k}: the aws: and rds: prefixes are reserved.")));
        }
    }
    let mut keys: Vec<&str> = existing.iter().chain(tags).filter_map(|t| t.key.as_deref()).collect();
    keys.sort_unstable();
    keys.dedup();
    if keys.len() > MAX_TAGS {
        return Err(AwsError::bad_request(
            "TagQuotaPerResourceExceeded",
            format!("A resource can have at most {MAX_TAGS} tags."),
        ));
    }
    Ok(())
}

/// `tags` merged into `list` (a new value replaces an existing key's).
fn merge(list: &mut Vec<rds::Tag>, tags: Vec<rds::Tag>) {
    for t in tags {
        match list.iter_mut().find(|e| e.key == t.key) {
            Some(e) => e.value = t.value,
            None => list.push(t),
        }
    }
}

/// A resource an RDS ARN names.
enum Named {
    Instance(String),
    Cluster(String),
    ClusterSnapshot(String),
    ParameterGroup(String),
    Snapshot(String),
    SubnetGroup(String),
    Subscription(String),
}

/// Reads `arn:aws:rds:<region>:<account>:<db|cluster|snapshot|cluster-snapshot|subgrp|pg|es>:<name>` in the caller's account
/// and region.
fn parse(ctx: &Ctx<'_>, arn: &str) -> Result<Named, AwsError> {
    let bad = || invalid_value(format!("Invalid resource name: {arn}"));
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    let [_, partition, service, region, account, kind, name] = parts.as_slice() else { return Err(bad()) };
    if parts[0] != "arn" || *partition != "aws" || *service != "rds" || name.is_empty() {
        return Err(bad());
    }
    let foreign = *region != ctx.region() || *account != ctx.account();
    let (raw, name) = (name, name.to_ascii_lowercase());
    match *kind {
        "db" if foreign => Err(instance_not_found(arn)),
        "cluster" if foreign => Err(cluster_not_found(arn)),
        "cluster-snapshot" if foreign => Err(cluster_snapshot_not_found(arn)),
        "pg" if foreign => Err(group_not_found(arn)),
        "pg" => Ok(Named::ParameterGroup(name)),
        "cluster" => Ok(Named::Cluster(name)),
        "cluster-snapshot" => Ok(Named::ClusterSnapshot(name)),
        "snapshot" if foreign => Err(snapshot_not_found(arn)),
        "subgrp" if foreign => Err(subnet_group_not_found(arn)),
        "es" if foreign => Err(subscription_not_found(arn)),
        "es" => Ok(Named::Subscription(raw.to_string())),
        "db" => Ok(Named::Instance(name)),
        "snapshot" => Ok(Named::Snapshot(name)),
        "subgrp" => Ok(Named::SubnetGroup(name)),
        _ => Err(bad()),
    }
}

/// Applies `change` to the tags of the resource `arn` names and stores it.
fn retag(
    ctx: &mut Ctx<'_>,
    arn: &str,
    change: impl FnOnce(&mut Vec<rds::Tag>) -> Result<(), AwsError>,
) -> Result<(), AwsError> {
    match parse(ctx, arn)? {
        Named::Instance(id) => {
            let mut doc = ctx.get::<rds::DBInstance>(&id)?.ok_or_else(|| instance_not_found(arn))?;
            let mut tags = doc.tag_list.take().unwrap_or_default();
            change(&mut tags)?;
            doc.tag_list = Some(tags);
            ctx.put(&id, &doc)
        }
        Named::Cluster(id) => {
            let mut doc = ctx.get::<rds::DBCluster>(&id)?.ok_or_else(|| cluster_not_found(arn))?;
            let mut tags = doc.tag_list.take().unwrap_or_default();
            change(&mut tags)?;
            doc.tag_list = Some(tags);
            ctx.put(&id, &doc)
        }
        Named::ParameterGroup(id) => {
            let mut doc = ctx.get::<ParameterGroupDoc>(&id)?.ok_or_else(|| group_not_found(arn))?;
            change(&mut doc.tags)?;
            ctx.put(&id, &doc)
        }
        Named::ClusterSnapshot(id) => {
            let mut doc = ctx.get::<ClusterSnapshotDoc>(&id)?.ok_or_else(|| cluster_snapshot_not_found(arn))?;
            let mut tags = doc.snapshot.tag_list.take().unwrap_or_default();
            change(&mut tags)?;
            doc.snapshot.tag_list = Some(tags);
            ctx.put(&id, &doc)
        }
        Named::Snapshot(id) => {
            let mut doc = ctx.get::<SnapshotDoc>(&id)?.ok_or_else(|| snapshot_not_found(arn))?;
            let mut tags = doc.snapshot.tag_list.take().unwrap_or_default();
            change(&mut tags)?;
            doc.snapshot.tag_list = Some(tags);
            ctx.put(&id, &doc)
        }
        Named::SubnetGroup(id) => {
            let mut doc = ctx.get::<SubnetGroupDoc>(&id)?.ok_or_else(|| subnet_group_not_found(arn))?;
            change(&mut doc.tags)?;
            ctx.put(&id, &doc)
        }
        Named::Subscription(name) => {
            if ctx.get::<rds::EventSubscription>(&name)?.is_none() {
                return Err(subscription_not_found(arn));
            }
            let mut doc = ctx.get::<SubscriptionTags>(&name)?.unwrap_or_default();
            change(&mut doc.tags)?;
            ctx.put(&name, &doc)
        }
    }
}

impl Handler for rds::AddTagsToResource {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: rds::AddTagsToResourceMessage) -> Result<Empty, AwsError> {
        retag(ctx, &input.resource_name, |list| {
            check_tags(&input.tags, list)?;
            merge(list, input.tags);
            Ok(())
        })?;
        Ok(Empty {})
    }
}

impl Handler for rds::RemoveTagsFromResource {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: rds::RemoveTagsFromResourceMessage) -> Result<Empty, AwsError> {
        retag(ctx, &input.resource_name, |list| {
            list.retain(|t| !t.key.as_ref().is_some_and(|k| input.tag_keys.contains(k)));
            Ok(())
        })?;
        Ok(Empty {})
    }
}

impl Handler for rds::ListTagsForResource {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: rds::ListTagsForResourceMessage) -> Result<rds::TagListMessage, AwsError> {
        let arn = input.resource_name;
        let tags = match parse(ctx, &arn)? {
            Named::Instance(id) => {
                ctx.get::<rds::DBInstance>(&id)?.ok_or_else(|| instance_not_found(&arn))?.tag_list.unwrap_or_default()
            }
            Named::Cluster(id) => {
                ctx.get::<rds::DBCluster>(&id)?.ok_or_else(|| cluster_not_found(&arn))?.tag_list.unwrap_or_default()
            }
            Named::ParameterGroup(id) => ctx.get::<ParameterGroupDoc>(&id)?.ok_or_else(|| group_not_found(&arn))?.tags,
            Named::ClusterSnapshot(id) => ctx
                .get::<ClusterSnapshotDoc>(&id)?
                .ok_or_else(|| cluster_snapshot_not_found(&arn))?
                .snapshot
                .tag_list
                .unwrap_or_default(),
            Named::Snapshot(id) => ctx
                .get::<SnapshotDoc>(&id)?
                .ok_or_else(|| snapshot_not_found(&arn))?
                .snapshot
                .tag_list
                .unwrap_or_default(),
            Named::SubnetGroup(id) => ctx.get::<SubnetGroupDoc>(&id)?.ok_or_else(|| subnet_group_not_found(&arn))?.tags,
            Named::Subscription(name) => {
                if ctx.get::<rds::EventSubscription>(&name)?.is_none() {
                    return Err(subscription_not_found(&arn));
                }
                ctx.get::<SubscriptionTags>(&name)?.unwrap_or_default().tags
            }
        };
        Ok(rds::TagListMessage { tag_list: Some(tags) })
    }
}
