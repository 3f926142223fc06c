//! DescribeImages over a small built-in catalogue of Amazon's public AMIs, the same in every
//! region (ids derived from the region so they differ between regions, as AWS's do):
//! Amazon Linux 2023 for x86_64 and arm64 (which AWS publishes with `ImdsSupport: v2.0`,
//! https://docs.aws.amazon.com/linux/al2023/ug/ec2-imds.html), Amazon Linux 2 for x86_64
//! (no `ImdsSupport`, so IMDSv1 stays allowed), and the last paravirtual Amazon Linux AMI
//! (EC2.24). No account owns images: RunInstances looks them up here.

use hubsim_model::ec2;

use super::dry_run;
use super::filters::{one, opt, page, Filters};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::DescribeImages>();
}

/// Amazon's account that owns its public AMIs.
const AMAZON: &str = "137112412989";

/// One catalogue entry.
struct Entry {
    /// Which entry (mixed into the id).
    n: u8,
    name: &'static str,
    description: &'static str,
    architecture: &'static str,
    virtualization: &'static str,
    root_device: &'static str,
    volume_type: &'static str,
    imds_v2: bool,
}

const CATALOGUE: &[Entry] = &[
    Entry {
        n: 1,
        name: "al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64",
        description: "Amazon Linux 2023 AMI 2023.6.20241212.0 x86_64 HVM kernel-6.1",
        architecture: "x86_64",
        virtualization: "hvm",
        root_device: "/dev/xvda",
        volume_type: "gp3",
        imds_v2: true,
    },
    Entry {
        n: 2,
        name: "al2023-ami-2023.6.20241212.0-kernel-6.1-arm64",
        description: "Amazon Linux 2023 AMI 2023.6.20241212.0 arm64 HVM kernel-6.1",
        architecture: "arm64",
        virtualization: "hvm",
        root_device: "/dev/xvda",
        volume_type: "gp3",
        imds_v2: true,
    },
    Entry {
        n: 3,
        name: "amzn2-ami-kernel-5.10-hvm-2.0.20241217.0-x86_64-gp2",
        description: "Amazon Linux 2 Kernel 5.10 AMI 2.0.20241217.0 x86_64 HVM gp2",
        architecture: "x86_64",
        virtualization: "hvm",
        root_device: "/dev/xvda",
        volume_type: "gp3",
        imds_v2: false,
    },
    Entry {
        n: 4,
        name: "amzn-ami-pv-2018.03.0.20230306.0-x86_64-ebs",
        description: "Amazon Linux AMI 2018.03.0.20230306.0 x86_64 PV EBS",
        architecture: "x86_64",
        virtualization: "paravirtual",
        root_device: "/dev/sda1",
        volume_type: "gp3",
        imds_v2: false,
    },
];

/// A stable 16-hex-digit suffix for entry `n` in `region` (FNV-1a of both).
fn suffix(region: &str, n: u8, salt: u8) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in region.bytes().chain([n, salt]) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn image_of(region: &str, e: &Entry) -> ec2::Image {
    ec2::Image {
        image_id: Some(format!("ami-0{}", suffix(region, e.n, 0))),
        image_location: Some(format!("amazon/{}", e.name)),
        state: Some("available".into()),
        owner_id: Some(AMAZON.into()),
        image_owner_alias: Some("amazon".into()),
        creation_date: Some("2024-12-13T00:00:00.000Z".into()),
        public: Some(true),
        architecture: Some(e.architecture.into()),
        image_type: Some("machine".into()),
        name: Some(e.name.into()),
        description: Some(e.description.into()),
        platform_details: Some("Linux/UNIX".into()),
        usage_operation: Some("RunInstances".into()),
        ena_support: Some(e.virtualization == "hvm"),
        hypervisor: Some("xen".into()),
        root_device_name: Some(e.root_device.into()),
        root_device_type: Some("ebs".into()),
        sriov_net_support: Some("simple".into()),
        virtualization_type: Some(e.virtualization.into()),
        boot_mode: (e.virtualization == "hvm").then(|| "uefi-preferred".into()),
        imds_support: e.imds_v2.then(|| "v2.0".into()),
        block_device_mappings: Some(vec![ec2::BlockDeviceMapping {
            device_name: Some(e.root_device.into()),
            ebs: Some(ec2::EbsBlockDevice {
                delete_on_termination: Some(true),
                snapshot_id: Some(format!("snap-0{}", suffix(region, e.n, 1))),
                volume_size: Some(8),
                volume_type: Some(e.volume_type.into()),
                encrypted: Some(false),
                iops: Some(3000),
                throughput: Some(125),
                ..Default::default()
            }),
            ..Default::default()
        }]),
        ..Default::default()
    }
}

/// Every image of the catalogue in `region`.
pub(crate) fn catalogue(region: &str) -> Vec<ec2::Image> {
    CATALOGUE.iter().map(|e| image_of(region, e)).collect()
}

/// The image `id` in the call's region, or AWS's refusal (`InvalidAMIID.Malformed` for a
/// string that is no AMI id, `InvalidAMIID.NotFound` for an unknown one).
pub(crate) fn image(ctx: &Ctx<'_>, id: &str) -> Result<ec2::Image, AwsError> {
    let hex = id.strip_prefix("ami-").unwrap_or("");
    if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AwsError::bad_request(
            "InvalidAMIID.Malformed",
            format!("Invalid id: \"{id}\" (expecting \"ami-...\")"),
        ));
    }
    catalogue(ctx.region())
        .into_iter()
        .find(|i| i.image_id.as_deref() == Some(id))
        .ok_or_else(|| AwsError::bad_request("InvalidAMIID.NotFound", format!("The image id '[{id}]' does not exist")))
}

impl Handler for ec2::DescribeImages {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DescribeImagesRequest) -> Result<ec2::DescribeImagesResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(
            input.filters,
            &[
                "architecture",
                "image-id",
                "image-type",
                "is-public",
                "name",
                "owner-alias",
                "owner-id",
                "root-device-name",
                "root-device-type",
                "state",
                "virtualization-type",
                "tag-key",
            ],
        )?;
        let all = catalogue(ctx.region());
        if let Some(ids) = &input.image_ids {
            for id in ids {
                image(ctx, id)?;
            }
        }
        let account = ctx.account().to_string();
        let owners = input.owners.unwrap_or_default();
        let mut out = Vec::new();
        for i in all {
            if let Some(ids) = &input.image_ids {
                if !ids.iter().any(|id| i.image_id.as_deref() == Some(id)) {
                    continue;
                }
            }
            // Owners: "amazon", "self" or an account id (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImages.html).
            let owned = owners.is_empty()
                || owners.iter().any(|o| match o.as_str() {
                    "amazon" => true,
                    "self" => account == AMAZON,
                    other => i.owner_id.as_deref() == Some(other),
                });
            if !owned {
                continue;
            }
            let ok = filters.matches(&[], |name| match name {
                "architecture" => opt(&i.architecture),
                "image-id" => opt(&i.image_id),
                "image-type" => opt(&i.image_type),
                "is-public" => one("true"),
                "name" => opt(&i.name),
                "owner-alias" => opt(&i.image_owner_alias),
                "owner-id" => opt(&i.owner_id),
                "root-device-name" => opt(&i.root_device_name),
                "root-device-type" => opt(&i.root_device_type),
                "state" => opt(&i.state),
                "virtualization-type" => opt(&i.virtualization_type),
                _ => Vec::new(),
            });
            if ok {
                out.push(i);
            }
        }
        let (images, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeImagesResult { images: Some(images), next_token })
    }
}
