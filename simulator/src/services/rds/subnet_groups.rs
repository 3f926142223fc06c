//! CreateDBSubnetGroup, DescribeDBSubnetGroups, DeleteDBSubnetGroup
//! (<https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html>:
//! a name of up to 255 letters, digits, periods, underscores, spaces and hyphens, not
//! `default`; subnets of one VPC covering at least two Availability Zones).

use hubsim_model::{ec2, rds, Empty};

use super::tags::check_tags;
use super::{arn, invalid_value, page, page_bounds, read_filters, subnet_group_not_found, SubnetGroupDoc};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<rds::CreateDBSubnetGroup>().add::<rds::DescribeDBSubnetGroups>().add::<rds::DeleteDBSubnetGroup>();
}

fn check_name(name: &str) -> Result<(), AwsError> {
    let shaped = !name.is_empty()
        && name.len() <= 255
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._ -".contains(&b));
    if !shaped || name.eq_ignore_ascii_case("default") {
        return Err(invalid_value(format!(
            "Invalid DB subnet group name {name}: up to 255 letters, digits, periods, underscores, spaces and hyphens, and not default."
        )));
    }
    Ok(())
}

impl Handler for rds::CreateDBSubnetGroup {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: rds::CreateDBSubnetGroupMessage,
    ) -> Result<rds::CreateDBSubnetGroupResult, AwsError> {
        check_name(&input.db_subnet_group_name)?;
        let name = input.db_subnet_group_name.to_ascii_lowercase();
        let tags = input.tags.unwrap_or_default();
        check_tags(&tags, &[])?;
        let mut subnets = Vec::new();
        let mut vpc: Option<String> = None;
        let mut azs: Vec<String> = Vec::new();
        for id in &input.subnet_ids {
            let s = ctx
                .get::<ec2::Subnet>(id)?
                .ok_or_else(|| AwsError::bad_request("InvalidSubnet", format!("The subnet {id} does not exist.")))?;
            match (&vpc, &s.vpc_id) {
                (Some(v), Some(w)) if v != w => {
                    return Err(AwsError::bad_request(
                        "InvalidSubnet",
                        format!("Subnets must all be in one VPC: {id} is in {w}, not {v}."),
                    ))
                }
                _ => vpc = vpc.or_else(|| s.vpc_id.clone()),
            }
            let az = s.availability_zone.clone().unwrap_or_default();
            if !azs.contains(&az) {
                azs.push(az.clone());
            }
            subnets.push(rds::Subnet {
                subnet_identifier: Some(id.clone()),
                subnet_availability_zone: Some(rds::AvailabilityZone { name: Some(az) }),
                subnet_status: Some("Active".into()),
                ..Default::default()
            });
        }
        if azs.len() < 2 {
            return Err(AwsError::bad_request(
                "DBSubnetGroupDoesNotCoverEnoughAZs",
                "The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: \
                 {}. Add subnets to cover at least 2 AZs."
                    .replace("{}", &azs.join(", ")),
            ));
        }
        if ctx.get::<SubnetGroupDoc>(&name)?.is_some() {
            return Err(AwsError::bad_request(
                "DBSubnetGroupAlreadyExists",
                format!("The DB subnet group '{name}' already exists."),
            ));
        }
        let group = rds::DBSubnetGroup {
            db_subnet_group_name: Some(name.clone()),
            db_subnet_group_description: Some(input.db_subnet_group_description),
            vpc_id: vpc,
            subnet_group_status: Some("Complete".into()),
            subnets: Some(subnets),
            db_subnet_group_arn: Some(arn(ctx, "subgrp", &name)),
            supported_network_types: Some(vec!["IPV4".into()]),
        };
        ctx.put(&name, &SubnetGroupDoc { group: group.clone(), tags })?;
        Ok(rds::CreateDBSubnetGroupResult { db_subnet_group: Some(group) })
    }
}

impl Handler for rds::DescribeDBSubnetGroups {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: rds::DescribeDBSubnetGroupsMessage,
    ) -> Result<rds::DBSubnetGroupMessage, AwsError> {
        let (start, size) = page_bounds(input.max_records, input.marker.as_deref())?;
        read_filters(input.filters, &[])?;
        let groups: Vec<rds::DBSubnetGroup> = match &input.db_subnet_group_name {
            Some(n) => vec![
                ctx.get::<SubnetGroupDoc>(&n.to_ascii_lowercase())?.ok_or_else(|| subnet_group_not_found(n))?.group,
            ],
            None => ctx.list::<SubnetGroupDoc>()?.into_iter().map(|(_, d)| d.group).collect(),
        };
        let (items, marker) = page(groups, start, size);
        Ok(rds::DBSubnetGroupMessage { marker, db_subnet_groups: Some(items) })
    }
}

impl Handler for rds::DeleteDBSubnetGroup {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: rds::DeleteDBSubnetGroupMessage) -> Result<Empty, AwsError> {
        let name = input.db_subnet_group_name.to_ascii_lowercase();
        if ctx.get::<SubnetGroupDoc>(&name)?.is_none() {
            return Err(subnet_group_not_found(&input.db_subnet_group_name));
        }
        let used = ctx
            .list::<rds::DBInstance>()?
            .into_iter()
            .any(|(_, i)| i.db_subnet_group.and_then(|g| g.db_subnet_group_name).as_deref() == Some(name.as_str()));
        if used {
            return Err(AwsError::bad_request(
                "InvalidDBSubnetGroupStateFault",
                format!(
                    "Cannot delete the subnet group '{name}' because at least one database instance is still using it."
                ),
            ));
        }
        ctx.delete::<SubnetGroupDoc>(&name)?;
        Ok(Empty {})
    }
}
