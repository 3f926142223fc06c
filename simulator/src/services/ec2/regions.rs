//! Regions and Availability Zones: the AZ table of every commercial region, DescribeRegions
//! and DescribeAvailabilityZones.

use hubsim_model::ec2;

use super::filters::{one, Filters};
use super::{dry_run, invalid};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::settings::{DEFAULT_REGIONS, OPT_IN_REGIONS};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::DescribeRegions>().add::<ec2::DescribeAvailabilityZones>();
}

/// One Availability Zone: its account-specific name and its fixed zone id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    /// `ap-northeast-1a`.
    pub name: &'static str,
    /// `apne1-az4`.
    pub id: &'static str,
}

const fn z(name: &'static str, id: &'static str) -> Zone {
    Zone { name, id }
}

/// The zones of the hubsim account per region, in name order. Names and the name→id mapping
/// follow AWS's public zone lists; the mapping is per account in AWS, hubsim fixes one.
const ZONES: &[(&str, &[Zone])] = &[
    (
        "us-east-1",
        &[
            z("us-east-1a", "use1-az6"),
            z("us-east-1b", "use1-az1"),
            z("us-east-1c", "use1-az2"),
            z("us-east-1d", "use1-az4"),
            z("us-east-1e", "use1-az3"),
            z("us-east-1f", "use1-az5"),
        ],
    ),
    ("us-east-2", &[z("us-east-2a", "use2-az1"), z("us-east-2b", "use2-az2"), z("us-east-2c", "use2-az3")]),
    ("us-west-1", &[z("us-west-1a", "usw1-az3"), z("us-west-1c", "usw1-az1")]),
    (
        "us-west-2",
        &[
            z("us-west-2a", "usw2-az1"),
            z("us-west-2b", "usw2-az2"),
            z("us-west-2c", "usw2-az3"),
            z("us-west-2d", "usw2-az4"),
        ],
    ),
    ("ca-central-1", &[z("ca-central-1a", "cac1-az1"), z("ca-central-1b", "cac1-az2"), z("ca-central-1d", "cac1-az4")]),
    ("sa-east-1", &[z("sa-east-1a", "sae1-az1"), z("sa-east-1b", "sae1-az2"), z("sa-east-1c", "sae1-az3")]),
    ("eu-central-1", &[z("eu-central-1a", "euc1-az2"), z("eu-central-1b", "euc1-az3"), z("eu-central-1c", "euc1-az1")]),
    ("eu-west-1", &[z("eu-west-1a", "euw1-az1"), z("eu-west-1b", "euw1-az2"), z("eu-west-1c", "euw1-az3")]),
    ("eu-west-2", &[z("eu-west-2a", "euw2-az2"), z("eu-west-2b", "euw2-az3"), z("eu-west-2c", "euw2-az1")]),
    ("eu-west-3", &[z("eu-west-3a", "euw3-az1"), z("eu-west-3b", "euw3-az2"), z("eu-west-3c", "euw3-az3")]),
    ("eu-north-1", &[z("eu-north-1a", "eun1-az1"), z("eu-north-1b", "eun1-az2"), z("eu-north-1c", "eun1-az3")]),
    ("ap-south-1", &[z("ap-south-1a", "aps1-az1"), z("ap-south-1b", "aps1-az3"), z("ap-south-1c", "aps1-az2")]),
    (
        "ap-northeast-1",
        &[z("ap-northeast-1a", "apne1-az4"), z("ap-northeast-1c", "apne1-az1"), z("ap-northeast-1d", "apne1-az2")],
    ),
    (
        "ap-northeast-2",
        &[
            z("ap-northeast-2a", "apne2-az1"),
            z("ap-northeast-2b", "apne2-az2"),
            z("ap-northeast-2c", "apne2-az3"),
            z("ap-northeast-2d", "apne2-az4"),
        ],
    ),
    (
        "ap-northeast-3",
        &[z("ap-northeast-3a", "apne3-az3"), z("ap-northeast-3b", "apne3-az1"), z("ap-northeast-3c", "apne3-az2")],
    ),
    (
        "ap-southeast-1",
        &[z("ap-southeast-1a", "apse1-az1"), z("ap-southeast-1b", "apse1-az2"), z("ap-southeast-1c", "apse1-az3")],
    ),
    (
        "ap-southeast-2",
        &[z("ap-southeast-2a", "apse2-az1"), z("ap-southeast-2b", "apse2-az3"), z("ap-southeast-2c", "apse2-az2")],
    ),
    ("af-south-1", &[z("af-south-1a", "afs1-az1"), z("af-south-1b", "afs1-az2"), z("af-south-1c", "afs1-az3")]),
    ("ap-east-1", &[z("ap-east-1a", "ape1-az1"), z("ap-east-1b", "ape1-az2"), z("ap-east-1c", "ape1-az3")]),
    ("ap-east-2", &[z("ap-east-2a", "ape2-az1"), z("ap-east-2b", "ape2-az2"), z("ap-east-2c", "ape2-az3")]),
    ("ap-south-2", &[z("ap-south-2a", "aps2-az1"), z("ap-south-2b", "aps2-az2"), z("ap-south-2c", "aps2-az3")]),
    (
        "ap-southeast-3",
        &[z("ap-southeast-3a", "apse3-az1"), z("ap-southeast-3b", "apse3-az2"), z("ap-southeast-3c", "apse3-az3")],
    ),
    (
        "ap-southeast-4",
        &[z("ap-southeast-4a", "apse4-az1"), z("ap-southeast-4b", "apse4-az2"), z("ap-southeast-4c", "apse4-az3")],
    ),
    (
        "ap-southeast-5",
        &[z("ap-southeast-5a", "apse5-az1"), z("ap-southeast-5b", "apse5-az2"), z("ap-southeast-5c", "apse5-az3")],
    ),
    (
        "ap-southeast-6",
        &[z("ap-southeast-6a", "apse6-az1"), z("ap-southeast-6b", "apse6-az2"), z("ap-southeast-6c", "apse6-az3")],
    ),
    (
        "ap-southeast-7",
        &[z("ap-southeast-7a", "apse7-az1"), z("ap-southeast-7b", "apse7-az2"), z("ap-southeast-7c", "apse7-az3")],
    ),
    ("ca-west-1", &[z("ca-west-1a", "caw1-az1"), z("ca-west-1b", "caw1-az2"), z("ca-west-1c", "caw1-az3")]),
    ("eu-central-2", &[z("eu-central-2a", "euc2-az1"), z("eu-central-2b", "euc2-az2"), z("eu-central-2c", "euc2-az3")]),
    ("eu-south-1", &[z("eu-south-1a", "eus1-az1"), z("eu-south-1b", "eus1-az2"), z("eu-south-1c", "eus1-az3")]),
    ("eu-south-2", &[z("eu-south-2a", "eus2-az1"), z("eu-south-2b", "eus2-az2"), z("eu-south-2c", "eus2-az3")]),
    ("il-central-1", &[z("il-central-1a", "ilc1-az1"), z("il-central-1b", "ilc1-az2"), z("il-central-1c", "ilc1-az3")]),
    ("me-central-1", &[z("me-central-1a", "mec1-az1"), z("me-central-1b", "mec1-az2"), z("me-central-1c", "mec1-az3")]),
    ("me-south-1", &[z("me-south-1a", "mes1-az1"), z("me-south-1b", "mes1-az2"), z("me-south-1c", "mes1-az3")]),
    ("mx-central-1", &[z("mx-central-1a", "mxc1-az1"), z("mx-central-1b", "mxc1-az2"), z("mx-central-1c", "mxc1-az3")]),
];

/// The Availability Zones of `region` (empty for a region hubsim does not know).
pub fn zones_of(region: &str) -> &'static [Zone] {
    ZONES.iter().find(|(r, _)| *r == region).map(|(_, zones)| *zones).unwrap_or(&[])
}

/// The zone named `name` (or with zone id `name`) in `region`.
pub(crate) fn zone(region: &str, name: &str) -> Option<Zone> {
    zones_of(region).iter().copied().find(|z| z.name == name || z.id == name)
}

fn region_item(name: &str, status: &str) -> ec2::Region {
    ec2::Region {
        region_name: Some(name.to_string()),
        endpoint: Some(format!("ec2.{name}.amazonaws.com")),
        opt_in_status: Some(status.to_string()),
        geography: None,
    }
}

impl Handler for ec2::DescribeRegions {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DescribeRegionsRequest) -> Result<ec2::DescribeRegionsResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(input.filters, &["endpoint", "opt-in-status", "region-name"])?;
        let enabled = |r: &str| ctx.region_enabled(r);
        let mut regions = Vec::new();
        for &r in DEFAULT_REGIONS {
            if input.all_regions == Some(true) || enabled(r) {
                regions.push(region_item(r, "opt-in-not-required"));
            }
        }
        for &r in OPT_IN_REGIONS {
            if enabled(r) {
                regions.push(region_item(r, "opted-in"));
            } else if input.all_regions == Some(true) {
                regions.push(region_item(r, "not-opted-in"));
            }
        }
        if let Some(names) = &input.region_names {
            let unknown: Vec<&str> = names
                .iter()
                .map(String::as_str)
                .filter(|n| !DEFAULT_REGIONS.contains(n) && !OPT_IN_REGIONS.contains(n))
                .collect();
            if let Some(first) = unknown.first() {
                return Err(invalid(format!("Invalid region: {first}")));
            }
            regions.retain(|r| r.region_name.as_ref().is_some_and(|n| names.contains(n)));
        }
        regions.retain(|r| {
            filters.matches(&[], |name| match name {
                "endpoint" => r.endpoint.iter().cloned().collect(),
                "opt-in-status" => r.opt_in_status.iter().cloned().collect(),
                "region-name" => r.region_name.iter().cloned().collect(),
                _ => vec![],
            })
        });
        Ok(ec2::DescribeRegionsResult { regions: Some(regions) })
    }
}

impl Handler for ec2::DescribeAvailabilityZones {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeAvailabilityZonesRequest,
    ) -> Result<ec2::DescribeAvailabilityZonesResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(
            input.filters,
            &[
                "group-name",
                "message",
                "opt-in-status",
                "region-name",
                "state",
                "zone-id",
                "zone-name",
                "zone-type",
                "network-border-group",
            ],
        )?;
        let region = ctx.region().to_string();
        let zones = zones_of(&region);
        for name in input.zone_names.iter().flatten() {
            if !zones.iter().any(|z| z.name == name) {
                return Err(invalid(format!("Invalid availability zone: [{name}]")));
            }
        }
        for id in input.zone_ids.iter().flatten() {
            if !zones.iter().any(|z| z.id == id) {
                return Err(invalid(format!("Invalid availability zone: [{id}]")));
            }
        }
        let items = zones
            .iter()
            .filter(|z| input.zone_names.as_ref().is_none_or(|n| n.iter().any(|n| n == z.name)))
            .filter(|z| input.zone_ids.as_ref().is_none_or(|n| n.iter().any(|n| n == z.id)))
            .filter(|z| {
                filters.matches(&[], |name| match name {
                    "group-name" | "region-name" | "network-border-group" => one(region.as_str()),
                    "opt-in-status" => one("opt-in-not-required"),
                    "state" => one("available"),
                    "zone-id" => one(z.id),
                    "zone-name" => one(z.name),
                    "zone-type" => one("availability-zone"),
                    _ => vec![],
                })
            })
            .map(|z| ec2::AvailabilityZone {
                opt_in_status: Some("opt-in-not-required".into()),
                messages: Some(vec![]),
                region_name: Some(region.clone()),
                zone_name: Some(z.name.into()),
                zone_id: Some(z.id.into()),
                group_name: Some(region.clone()),
                network_border_group: Some(region.clone()),
                zone_type: Some("availability-zone".into()),
                state: Some("available".into()),
                ..Default::default()
            })
            .collect();
        Ok(ec2::DescribeAvailabilityZonesResult { availability_zones: Some(items) })
    }
}
