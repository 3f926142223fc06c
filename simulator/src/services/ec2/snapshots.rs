//! EBS snapshots: CreateSnapshot, DeleteSnapshot, DescribeSnapshots, the
//! `createVolumePermission` attribute (Modify/Describe/ResetSnapshotAttribute) and the
//! region's block public access for snapshots
//! (https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html).
//! Blocking all sharing hides public snapshots but leaves their attribute as it was (AWS:
//! "the attributes for these snapshots still indicate that they are publicly shared",
//! https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EnableSnapshotBlockPublicAccess.html).

use hubsim_model::{ec2, Timestamp};
use serde::{Deserialize, Serialize};

use super::filters::{flag, one, opt, page, Filters};
use super::tags::{add_tags, drop_tags, spec_tags, tag_list, tags_of};
use super::volumes::volume;
use super::{dry_run, invalid, missing, not_found};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::CreateSnapshot>()
        .add::<ec2::DeleteSnapshot>()
        .add::<ec2::DescribeSnapshots>()
        .add::<ec2::ModifySnapshotAttribute>()
        .add::<ec2::DescribeSnapshotAttribute>()
        .add::<ec2::ResetSnapshotAttribute>()
        .add::<ec2::EnableSnapshotBlockPublicAccess>()
        .add::<ec2::DisableSnapshotBlockPublicAccess>()
        .add::<ec2::GetSnapshotBlockPublicAccessState>();
}

/// A snapshot and who may create volumes from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SnapshotDoc {
    /// The snapshot as DescribeSnapshots answers it (tags apart).
    pub snapshot: ec2::Snapshot,
    /// Its `createVolumePermission`: `Group=all` (public) and account ids.
    pub permissions: Vec<ec2::CreateVolumePermission>,
}

impl Resource for SnapshotDoc {
    const KIND: &'static str = "ec2:snapshot";
}

/// The region's block public access for snapshots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SnapshotBpa {
    /// `unblocked`, `block-new-sharing` or `block-all-sharing`.
    pub state: String,
}

impl Resource for SnapshotBpa {
    const KIND: &'static str = "ec2:snapshot-block-public-access";
}

const BPA_ID: &str = "default";

fn bpa_state(ctx: &Ctx<'_>) -> Result<String, AwsError> {
    Ok(ctx.get::<SnapshotBpa>(BPA_ID)?.map(|b| b.state).unwrap_or_else(|| "unblocked".into()))
}

/// Reads snapshot `id` or answers `InvalidSnapshot.NotFound` (`InvalidSnapshotID.Malformed`
/// for a string that is no snapshot id).
pub(crate) fn snapshot(ctx: &Ctx<'_>, id: &str) -> Result<SnapshotDoc, AwsError> {
    if !id.starts_with("snap-") {
        return Err(AwsError::bad_request(
            "InvalidSnapshotID.Malformed",
            format!("Invalid id: \"{id}\" (expecting \"snap-...\")"),
        ));
    }
    ctx.get::<SnapshotDoc>(id)?.ok_or_else(|| not_found("InvalidSnapshot.NotFound", "snapshot", &[id]))
}

fn is_public(d: &SnapshotDoc) -> bool {
    d.permissions.iter().any(|p| p.group.as_deref() == Some("all"))
}

fn view(ctx: &Ctx<'_>, d: SnapshotDoc) -> Result<ec2::Snapshot, AwsError> {
    let mut s = d.snapshot;
    s.tags = tag_list(tags_of(ctx, s.snapshot_id.as_deref().unwrap_or(""))?);
    Ok(s)
}

impl Handler for ec2::CreateSnapshot {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::CreateSnapshotRequest) -> Result<ec2::Snapshot, AwsError> {
        let v = volume(ctx, &input.volume_id)?;
        if let Some(d) = input.description.as_deref().filter(|d| d.chars().count() > 255) {
            return Err(invalid(format!(
                "Value ({}…) for parameter description is invalid: longer than 255 characters",
                d.chars().take(20).collect::<String>()
            )));
        }
        let tags = spec_tags(&input.tag_specifications, "snapshot")?;
        dry_run(input.dry_run)?;
        let id = ctx.ids().ec2("snap");
        let s = ec2::Snapshot {
            snapshot_id: Some(id.clone()),
            volume_id: Some(input.volume_id),
            state: Some("completed".into()),
            start_time: Some(ctx.now()),
            completion_time: Some(ctx.now()),
            progress: Some("100%".into()),
            owner_id: Some(ctx.account().to_string()),
            description: Some(input.description.unwrap_or_default()),
            volume_size: v.size,
            encrypted: v.encrypted,
            kms_key_id: v.kms_key_id,
            storage_tier: Some("standard".into()),
            ..Default::default()
        };
        ctx.put(&id, &SnapshotDoc { snapshot: s, permissions: Vec::new() })?;
        add_tags(ctx, &id, "snapshot", &tags)?;
        let mut out = view(ctx, snapshot(ctx, &id)?)?;
        // AWS answers before the copy completes.
        out.state = Some("pending".into());
        out.progress = Some(String::new());
        out.completion_time = None;
        Ok(out)
    }
}

impl Handler for ec2::DeleteSnapshot {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DeleteSnapshotRequest) -> Result<hubsim_model::Empty, AwsError> {
        snapshot(ctx, &input.snapshot_id)?;
        dry_run(input.dry_run)?;
        ctx.delete::<SnapshotDoc>(&input.snapshot_id)?;
        drop_tags(ctx, &input.snapshot_id)?;
        Ok(hubsim_model::Empty {})
    }
}

impl Handler for ec2::DescribeSnapshots {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeSnapshotsRequest,
    ) -> Result<ec2::DescribeSnapshotsResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(
            input.filters,
            &[
                "description",
                "encrypted",
                "owner-alias",
                "owner-id",
                "progress",
                "snapshot-id",
                "start-time",
                "status",
                "storage-tier",
                "volume-id",
                "volume-size",
                "tag-key",
            ],
        )?;
        let account = ctx.account().to_string();
        let all = ctx.list::<SnapshotDoc>()?;
        if let Some(ids) = &input.snapshot_ids {
            let missing: Vec<&str> =
                ids.iter().filter(|i| !all.iter().any(|(id, _)| id == *i)).map(String::as_str).collect();
            if !missing.is_empty() {
                return Err(not_found("InvalidSnapshot.NotFound", "snapshot", &missing));
            }
        }
        // Every snapshot held is the account's own: OwnerIds other than self or the account
        // (amazon, another account) select none of them.
        let owners = input.owner_ids.unwrap_or_default();
        let own = owners.is_empty() || owners.iter().any(|o| o == "self" || *o == account);
        let blocked = bpa_state(ctx)? == "block-all-sharing";
        let restorable = input.restorable_by_user_ids.unwrap_or_default();
        let mut out = Vec::new();
        for (id, d) in all {
            if !own || input.snapshot_ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
                continue;
            }
            // RestorableByUserIds: the owner itself, an account it is shared with, or `all`
            // for public snapshots (hidden while all public sharing is blocked).
            let can_restore = restorable.iter().all(|u| {
                u == "self"
                    || *u == account
                    || d.permissions.iter().any(|p| p.user_id.as_deref() == Some(u.as_str()))
                    || (u == "all" && is_public(&d) && !blocked)
            });
            if !can_restore {
                continue;
            }
            let tags = tags_of(ctx, &id)?;
            let s = &d.snapshot;
            let ok = filters.matches(&tags, |name| match name {
                "description" => opt(&s.description),
                "encrypted" => flag(s.encrypted),
                "owner-alias" => Vec::new(),
                "owner-id" => opt(&s.owner_id),
                "progress" => opt(&s.progress),
                "snapshot-id" => one(id.clone()),
                "start-time" => s.start_time.map(Timestamp::to_iso8601).into_iter().collect(),
                "status" => opt(&s.state),
                "storage-tier" => opt(&s.storage_tier),
                "volume-id" => opt(&s.volume_id),
                "volume-size" => s.volume_size.map(|v| v.to_string()).into_iter().collect(),
                _ => Vec::new(),
            });
            if ok {
                out.push(view(ctx, d)?);
            }
        }
        let (items, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeSnapshotsResult { snapshots: Some(items), next_token })
    }
}

/// Checks the attribute name: only `createVolumePermission` can be read or changed here
/// (`productCodes` is read-only and hubsim's snapshots have none).
fn check_attribute(name: &str) -> Result<(), AwsError> {
    if name != "createVolumePermission" {
        return Err(invalid(format!(
            "Value ({name}) for parameter attribute is invalid. Only createVolumePermission is supported."
        )));
    }
    Ok(())
}

/// Whether `p` is a valid permission: exactly one of a 12-digit account id and `Group=all`.
fn check_permission(p: &ec2::CreateVolumePermission) -> Result<(), AwsError> {
    match (&p.group, &p.user_id) {
        (Some(g), None) if g == "all" => Ok(()),
        (Some(g), None) => {
            Err(invalid(format!("Value ({g}) for parameter group is invalid. Only 'all' is supported.")))
        }
        (None, Some(u)) if u.len() == 12 && u.chars().all(|c| c.is_ascii_digit()) => Ok(()),
        (None, Some(u)) => {
            Err(invalid(format!("Value ({u}) for parameter userId is invalid. It must be a 12-digit account id.")))
        }
        _ => Err(invalid("A createVolumePermission names either a userId or the group 'all'.")),
    }
}

impl Handler for ec2::ModifySnapshotAttribute {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::ModifySnapshotAttributeRequest) -> Result<hubsim_model::Empty, AwsError> {
        let mut d = snapshot(ctx, &input.snapshot_id)?;
        check_attribute(input.attribute.as_deref().unwrap_or("createVolumePermission"))?;
        // Either the structured form, or OperationType with UserIds / GroupNames.
        let (add, remove) = match (&input.create_volume_permission, input.operation_type.as_deref()) {
            (Some(m), None) => (m.add.clone().unwrap_or_default(), m.remove.clone().unwrap_or_default()),
            (Some(_), Some(_)) => {
                return Err(AwsError::bad_request(
                    "InvalidParameterCombination",
                    "CreateVolumePermission cannot be combined with OperationType",
                ))
            }
            (None, op) => {
                let mut perms: Vec<ec2::CreateVolumePermission> = input
                    .group_names
                    .iter()
                    .flatten()
                    .map(|g| ec2::CreateVolumePermission { group: Some(g.clone()), user_id: None })
                    .collect();
                perms.extend(
                    input
                        .user_ids
                        .iter()
                        .flatten()
                        .map(|u| ec2::CreateVolumePermission { group: None, user_id: Some(u.clone()) }),
                );
                match op {
                    Some("add") => (perms, Vec::new()),
                    Some("remove") => (Vec::new(), perms),
                    Some(other) => {
                        return Err(invalid(format!(
                            "Value ({other}) for parameter operationType is invalid. Valid values: add, remove"
                        )))
                    }
                    None => return Err(missing("OperationType")),
                }
            }
        };
        if add.is_empty() && remove.is_empty() {
            return Err(missing("CreateVolumePermission"));
        }
        for p in add.iter().chain(&remove) {
            check_permission(p)?;
        }
        let adds_public = add.iter().any(|p| p.group.as_deref() == Some("all"));
        if adds_public && d.snapshot.encrypted == Some(true) {
            return Err(invalid("Encrypted snapshots cannot be shared publicly."));
        }
        if adds_public && bpa_state(ctx)? != "unblocked" {
            return Err(AwsError::bad_request(
                "OperationNotPermitted",
                "Block public access for snapshots is enabled in this Region: snapshots cannot be shared publicly.",
            ));
        }
        dry_run(input.dry_run)?;
        d.permissions.retain(|p| !remove.contains(p));
        for p in add {
            if !d.permissions.contains(&p) {
                d.permissions.push(p);
            }
        }
        ctx.put(&input.snapshot_id, &d)?;
        Ok(hubsim_model::Empty {})
    }
}

impl Handler for ec2::DescribeSnapshotAttribute {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeSnapshotAttributeRequest,
    ) -> Result<ec2::DescribeSnapshotAttributeResult, AwsError> {
        let d = snapshot(ctx, &input.snapshot_id)?;
        dry_run(input.dry_run)?;
        match input.attribute.as_str() {
            "createVolumePermission" => Ok(ec2::DescribeSnapshotAttributeResult {
                snapshot_id: Some(input.snapshot_id),
                create_volume_permissions: Some(d.permissions),
                product_codes: None,
            }),
            "productCodes" => Ok(ec2::DescribeSnapshotAttributeResult {
                snapshot_id: Some(input.snapshot_id),
                create_volume_permissions: None,
                product_codes: Some(vec![]),
            }),
            other => Err(invalid(format!(
                "Value ({other}) for parameter attribute is invalid. Valid values: createVolumePermission, productCodes"
            ))),
        }
    }
}

impl Handler for ec2::ResetSnapshotAttribute {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::ResetSnapshotAttributeRequest) -> Result<hubsim_model::Empty, AwsError> {
        let mut d = snapshot(ctx, &input.snapshot_id)?;
        check_attribute(&input.attribute)?;
        dry_run(input.dry_run)?;
        d.permissions.clear();
        ctx.put(&input.snapshot_id, &d)?;
        Ok(hubsim_model::Empty {})
    }
}

impl Handler for ec2::EnableSnapshotBlockPublicAccess {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::EnableSnapshotBlockPublicAccessRequest,
    ) -> Result<ec2::EnableSnapshotBlockPublicAccessResult, AwsError> {
        if !matches!(input.state.as_str(), "block-all-sharing" | "block-new-sharing" | "unblocked") {
            return Err(invalid(format!(
                "Value ({}) for parameter State is invalid. Valid values: block-all-sharing, block-new-sharing, unblocked",
                input.state
            )));
        }
        dry_run(input.dry_run)?;
        ctx.put(BPA_ID, &SnapshotBpa { state: input.state.clone() })?;
        Ok(ec2::EnableSnapshotBlockPublicAccessResult { state: Some(input.state) })
    }
}

impl Handler for ec2::DisableSnapshotBlockPublicAccess {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DisableSnapshotBlockPublicAccessRequest,
    ) -> Result<ec2::DisableSnapshotBlockPublicAccessResult, AwsError> {
        dry_run(input.dry_run)?;
        ctx.put(BPA_ID, &SnapshotBpa { state: "unblocked".into() })?;
        Ok(ec2::DisableSnapshotBlockPublicAccessResult { state: Some("unblocked".into()) })
    }
}

impl Handler for ec2::GetSnapshotBlockPublicAccessState {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::GetSnapshotBlockPublicAccessStateRequest,
    ) -> Result<ec2::GetSnapshotBlockPublicAccessStateResult, AwsError> {
        dry_run(input.dry_run)?;
        Ok(ec2::GetSnapshotBlockPublicAccessStateResult {
            state: Some(bpa_state(ctx)?),
            managed_by: Some("account".into()),
        })
    }
}
