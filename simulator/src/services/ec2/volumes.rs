//! EBS volumes: CreateVolume, DeleteVolume, AttachVolume, DetachVolume, DescribeVolumes
//! (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVolume.html). A new
//! volume is encrypted when the call, its snapshot or the region's encryption-by-default says
//! so (https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html): turning
//! the default on later changes no existing volume.

use hubsim_model::{ec2, Timestamp};

use super::filters::{flag, one, opt, page, Filters};
use super::regions::zone;
use super::snapshots::snapshot;
use super::tags::{add_tags, drop_tags, spec_tags, tag_list, tags_of};
use super::{dry_run, ebs, invalid, missing, not_found};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::CreateVolume>()
        .add::<ec2::DeleteVolume>()
        .add::<ec2::AttachVolume>()
        .add::<ec2::DetachVolume>()
        .add::<ec2::DescribeVolumes>();
}

impl Resource for ec2::Volume {
    const KIND: &'static str = "ec2:volume";
}

/// The volume types EBS offers and their size limits in GiB
/// (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html).
const TYPES: &[(&str, i32, i32)] = &[
    ("gp2", 1, 16384),
    ("gp3", 1, 16384),
    ("io1", 4, 16384),
    ("io2", 4, 65536),
    ("st1", 125, 16384),
    ("sc1", 125, 16384),
    ("standard", 1, 1024),
];

/// Reads volume `id` or answers `InvalidVolume.NotFound` (`InvalidVolumeID.Malformed` for a
/// string that is no volume id).
pub(crate) fn volume(ctx: &Ctx<'_>, id: &str) -> Result<ec2::Volume, AwsError> {
    if !id.starts_with("vol-") {
        return Err(AwsError::bad_request(
            "InvalidVolumeID.Malformed",
            format!("Invalid id: \"{id}\" (expecting \"vol-...\")"),
        ));
    }
    ctx.get::<ec2::Volume>(id)?.ok_or_else(|| not_found("InvalidVolume.NotFound", "volume", &[id]))
}

/// The volumes attached to `instance`.
pub(crate) fn attached_to(ctx: &Ctx<'_>, instance: &str) -> Result<Vec<ec2::Volume>, AwsError> {
    Ok(ctx
        .list::<ec2::Volume>()?
        .into_iter()
        .map(|(_, v)| v)
        .filter(|v| v.attachments.iter().flatten().any(|a| a.instance_id.as_deref() == Some(instance)))
        .collect())
}

/// What a new volume is made of.
pub(crate) struct NewVolume {
    /// Its zone name.
    pub zone: String,
    /// Its zone id.
    pub zone_id: String,
    /// Size in GiB.
    pub size: i32,
    /// Volume type.
    pub volume_type: String,
    /// The snapshot it is created from.
    pub snapshot_id: Option<String>,
    /// Whether the call or its snapshot asks for encryption.
    pub encrypted: bool,
    /// The KMS key the call names.
    pub kms_key_id: Option<String>,
}

/// Checks a type and size as CreateVolume does.
pub(crate) fn check_type_and_size(volume_type: &str, size: i32) -> Result<(), AwsError> {
    let Some((_, min, max)) = TYPES.iter().find(|(t, _, _)| *t == volume_type) else {
        return Err(invalid(format!(
            "Value ({volume_type}) for parameter volumeType is invalid. Valid values: {}",
            TYPES.iter().map(|t| t.0).collect::<Vec<_>>().join(", ")
        )));
    };
    if size < *min {
        return Err(invalid(format!("Volume of {size}GiB is too small; minimum is {min}GiB.")));
    }
    if size > *max {
        return Err(invalid(format!("Volume of {size}GiB is too large; maximum is {max}GiB.")));
    }
    Ok(())
}

/// Creates an available volume, encrypted when asked or when the region encrypts by default.
pub(crate) fn create_volume(ctx: &mut Ctx<'_>, new: NewVolume) -> Result<ec2::Volume, AwsError> {
    let settings = ebs::settings(ctx)?;
    let encrypted = new.encrypted || settings.encryption_by_default;
    let id = ctx.ids().ec2("vol");
    let v = ec2::Volume {
        volume_id: Some(id.clone()),
        availability_zone: Some(new.zone),
        availability_zone_id: Some(new.zone_id),
        size: Some(new.size),
        snapshot_id: Some(new.snapshot_id.unwrap_or_default()),
        state: Some("available".into()),
        create_time: Some(ctx.now()),
        attachments: Some(vec![]),
        encrypted: Some(encrypted),
        kms_key_id: encrypted.then(|| new.kms_key_id.unwrap_or(settings.kms_key_id)),
        iops: matches!(new.volume_type.as_str(), "gp3" | "io1" | "io2").then_some(3000),
        throughput: (new.volume_type == "gp3").then_some(125),
        volume_type: Some(new.volume_type),
        multi_attach_enabled: Some(false),
        fast_restored: Some(false),
        ..Default::default()
    };
    ctx.put(&id, &v)?;
    Ok(v)
}

/// Records `volume` as attached to `instance` at `device` (no checks: callers make them).
pub(crate) fn attach(
    ctx: &mut Ctx<'_>,
    mut v: ec2::Volume,
    instance: &str,
    device: &str,
    delete_on_termination: bool,
) -> Result<ec2::VolumeAttachment, AwsError> {
    let att = ec2::VolumeAttachment {
        volume_id: v.volume_id.clone(),
        instance_id: Some(instance.to_string()),
        device: Some(device.to_string()),
        state: Some("attached".into()),
        attach_time: Some(ctx.now()),
        delete_on_termination: Some(delete_on_termination),
        ..Default::default()
    };
    v.attachments = Some(vec![att.clone()]);
    v.state = Some("in-use".into());
    let id = v.volume_id.clone().unwrap_or_default();
    ctx.put(&id, &v)?;
    Ok(att)
}

/// Detaches a volume; deletes it instead when `delete` (an instance terminated with
/// DeleteOnTermination set).
pub(crate) fn release(ctx: &mut Ctx<'_>, mut v: ec2::Volume, delete: bool) -> Result<(), AwsError> {
    let id = v.volume_id.clone().unwrap_or_default();
    if delete {
        ctx.delete::<ec2::Volume>(&id)?;
        return drop_tags(ctx, &id);
    }
    v.attachments = Some(vec![]);
    v.state = Some("available".into());
    ctx.put(&id, &v)
}

/// Whether `device` is a device name EBS accepts on Linux (`/dev/sd[a-z]`, `/dev/xvd[a-z]`,
/// optionally followed by a letter or a partition number;
/// https://docs.aws.amazon.com/ebs/latest/userguide/device_naming.html).
pub(crate) fn valid_device(device: &str) -> bool {
    let rest = device.strip_prefix("/dev/sd").or_else(|| device.strip_prefix("/dev/xvd"));
    let Some(rest) = rest else { return false };
    let mut chars = rest.chars();
    let Some(first) = chars.next() else { return false };
    let tail: String = chars.collect();
    first.is_ascii_lowercase()
        && (tail.is_empty()
            || (tail.len() == 1 && tail.chars().all(|c| c.is_ascii_lowercase()))
            || (tail.len() <= 2 && tail.chars().all(|c| c.is_ascii_digit())))
}

fn view(ctx: &Ctx<'_>, mut v: ec2::Volume) -> Result<ec2::Volume, AwsError> {
    v.tags = tag_list(tags_of(ctx, v.volume_id.as_deref().unwrap_or(""))?);
    Ok(v)
}

impl Handler for ec2::CreateVolume {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::CreateVolumeRequest) -> Result<ec2::Volume, AwsError> {
        let region = ctx.region().to_string();
        let z = match (&input.availability_zone, &input.availability_zone_id) {
            (Some(_), Some(_)) => {
                return Err(AwsError::bad_request(
                    "InvalidParameterCombination",
                    "Only one of availabilityZone or availabilityZoneId may be specified",
                ))
            }
            (Some(n), None) => zone(&region, n).filter(|z| z.name == n).ok_or_else(|| {
                invalid(format!(
                    "Value ({n}) for parameter availabilityZone is invalid. {n} is not a valid availability zone."
                ))
            })?,
            (None, Some(i)) => zone(&region, i)
                .filter(|z| z.id == i)
                .ok_or_else(|| invalid(format!("Value ({i}) for parameter availabilityZoneId is invalid.")))?,
            (None, None) => return Err(missing("AvailabilityZone")),
        };
        let from = match &input.snapshot_id {
            Some(id) => Some(snapshot(ctx, id)?),
            None => None,
        };
        let snap_size = from.as_ref().and_then(|s| s.snapshot.volume_size);
        let size = match (input.size, snap_size) {
            (Some(size), Some(min)) if size < min => {
                return Err(invalid(format!(
                    "Volume of size {size} GiB is smaller than snapshot '{}', expect size >= {min} GiB",
                    input.snapshot_id.clone().unwrap_or_default()
                )))
            }
            (Some(size), _) => size,
            (None, Some(min)) => min,
            (None, None) => return Err(missing("size")),
        };
        let volume_type = input.volume_type.clone().unwrap_or_else(|| "gp2".into());
        check_type_and_size(&volume_type, size)?;
        if input.kms_key_id.is_some() && input.encrypted != Some(true) {
            return Err(invalid("The parameter KmsKeyId requires the parameter Encrypted to be set."));
        }
        let tags = spec_tags(&input.tag_specifications, "volume")?;
        dry_run(input.dry_run)?;
        let snap_encrypted = from.as_ref().is_some_and(|s| s.snapshot.encrypted == Some(true));
        let v = create_volume(
            ctx,
            NewVolume {
                zone: z.name.into(),
                zone_id: z.id.into(),
                size,
                volume_type,
                snapshot_id: input.snapshot_id,
                encrypted: input.encrypted == Some(true) || snap_encrypted,
                kms_key_id: input.kms_key_id.or_else(|| from.and_then(|s| s.snapshot.kms_key_id)),
            },
        )?;
        let id = v.volume_id.clone().unwrap_or_default();
        add_tags(ctx, &id, "volume", &tags)?;
        let mut out = view(ctx, v)?;
        // AWS answers while the volume is still being created.
        out.state = Some("creating".into());
        Ok(out)
    }
}

impl Handler for ec2::DeleteVolume {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DeleteVolumeRequest) -> Result<hubsim_model::Empty, AwsError> {
        let v = volume(ctx, &input.volume_id)?;
        if let Some(a) = v.attachments.iter().flatten().next() {
            return Err(AwsError::bad_request(
                "VolumeInUse",
                format!(
                    "Volume {} is currently attached to {}",
                    input.volume_id,
                    a.instance_id.clone().unwrap_or_default()
                ),
            ));
        }
        dry_run(input.dry_run)?;
        release(ctx, v, true)?;
        Ok(hubsim_model::Empty {})
    }
}

impl Handler for ec2::AttachVolume {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::AttachVolumeRequest) -> Result<ec2::VolumeAttachment, AwsError> {
        let v = volume(ctx, &input.volume_id)?;
        let inst = super::instances::instance(ctx, &input.instance_id)?;
        let state = inst.state_name();
        if !matches!(state, "running" | "stopped") {
            return Err(super::instances::incorrect_state(&input.instance_id, state));
        }
        if !valid_device(&input.device) {
            return Err(invalid(format!(
                "Value ({}) for parameter device is invalid. {} is not a valid EBS device name.",
                input.device, input.device
            )));
        }
        if v.attachments.iter().flatten().next().is_some() {
            return Err(AwsError::bad_request(
                "VolumeInUse",
                format!("{} is already attached to an instance", input.volume_id),
            ));
        }
        if v.availability_zone != inst.instance.placement.as_ref().and_then(|p| p.availability_zone.clone()) {
            return Err(AwsError::bad_request(
                "InvalidVolume.ZoneMismatch",
                format!(
                    "The volume '{}' is not in the same availability zone as instance '{}'",
                    input.volume_id, input.instance_id
                ),
            ));
        }
        let taken = attached_to(ctx, &input.instance_id)?
            .iter()
            .any(|o| o.attachments.iter().flatten().any(|a| a.device.as_deref() == Some(input.device.as_str())));
        if taken {
            return Err(invalid(format!(
                "Invalid value '{}' for unixDevice. Attachment point {} is already in use",
                input.device, input.device
            )));
        }
        dry_run(input.dry_run)?;
        let mut att = attach(ctx, v, &input.instance_id, &input.device, false)?;
        att.state = Some("attaching".into());
        Ok(att)
    }
}

impl Handler for ec2::DetachVolume {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DetachVolumeRequest) -> Result<ec2::VolumeAttachment, AwsError> {
        let v = volume(ctx, &input.volume_id)?;
        let Some(att) = v.attachments.iter().flatten().next().cloned() else {
            return Err(AwsError::bad_request(
                "IncorrectState",
                format!("Volume '{}' is in the 'available' state.", input.volume_id),
            ));
        };
        let instance_id = att.instance_id.clone().unwrap_or_default();
        if input.instance_id.as_deref().is_some_and(|i| i != instance_id) {
            return Err(AwsError::bad_request(
                "InvalidAttachment.NotFound",
                format!(
                    "Volume '{}' is not attached to instance '{}'",
                    input.volume_id,
                    input.instance_id.clone().unwrap_or_default()
                ),
            ));
        }
        let inst = super::instances::instance(ctx, &instance_id)?;
        if inst.state_name() == "running" && att.device == inst.instance.root_device_name {
            return Err(AwsError::bad_request(
                "OperationNotPermitted",
                format!("Unable to detach root volume '{}' from instance '{instance_id}'", input.volume_id),
            ));
        }
        dry_run(input.dry_run)?;
        release(ctx, v, false)?;
        Ok(ec2::VolumeAttachment { state: Some("detaching".into()), ..att })
    }
}

impl Handler for ec2::DescribeVolumes {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DescribeVolumesRequest) -> Result<ec2::DescribeVolumesResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(
            input.filters,
            &[
                "attachment.attach-time",
                "attachment.delete-on-termination",
                "attachment.device",
                "attachment.instance-id",
                "attachment.status",
                "availability-zone",
                "availability-zone-id",
                "create-time",
                "encrypted",
                "multi-attach-enabled",
                "size",
                "snapshot-id",
                "status",
                "volume-id",
                "volume-type",
                "tag-key",
            ],
        )?;
        let all = ctx.list::<ec2::Volume>()?;
        if let Some(ids) = &input.volume_ids {
            let missing: Vec<&str> =
                ids.iter().filter(|i| !all.iter().any(|(id, _)| id == *i)).map(String::as_str).collect();
            if !missing.is_empty() {
                return Err(not_found("InvalidVolume.NotFound", "volume", &missing));
            }
        }
        let mut out = Vec::new();
        for (id, v) in all {
            if input.volume_ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
                continue;
            }
            let tags = tags_of(ctx, &id)?;
            let atts = v.attachments.clone().unwrap_or_default();
            let from_atts = |f: fn(&ec2::VolumeAttachment) -> Option<String>| atts.iter().filter_map(f).collect();
            let ok = filters.matches(&tags, |name| match name {
                "attachment.attach-time" => from_atts(|a| a.attach_time.map(Timestamp::to_iso8601)),
                "attachment.delete-on-termination" => {
                    from_atts(|a| Some(a.delete_on_termination.unwrap_or(false).to_string()))
                }
                "attachment.device" => from_atts(|a| a.device.clone()),
                "attachment.instance-id" => from_atts(|a| a.instance_id.clone()),
                "attachment.status" => from_atts(|a| a.state.clone()),
                "availability-zone" => opt(&v.availability_zone),
                "availability-zone-id" => opt(&v.availability_zone_id),
                "create-time" => v.create_time.map(Timestamp::to_iso8601).into_iter().collect(),
                "encrypted" => flag(v.encrypted),
                "multi-attach-enabled" => flag(v.multi_attach_enabled),
                "size" => v.size.map(|s| s.to_string()).into_iter().collect(),
                "snapshot-id" => opt(&v.snapshot_id),
                "status" => opt(&v.state),
                "volume-id" => one(id.clone()),
                "volume-type" => opt(&v.volume_type),
                _ => Vec::new(),
            });
            if ok {
                out.push(view(ctx, v)?);
            }
        }
        let (items, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeVolumesResult { volumes: Some(items), next_token })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names() {
        for ok in ["/dev/sdf", "/dev/xvda", "/dev/xvdba", "/dev/sda1"] {
            assert!(valid_device(ok), "{ok}");
        }
        for bad in ["/dev/hda", "sdf", "/dev/sd", "/dev/sdF", "/dev/xvda123"] {
            assert!(!valid_device(bad), "{bad}");
        }
    }
}
