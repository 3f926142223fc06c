//! VPCs: CreateVpc, DeleteVpc, DescribeVpcs, DescribeVpcAttribute, ModifyVpcAttribute.

use hubsim_model::{ec2, Empty};
use serde::{Deserialize, Serialize};

use super::cidr::Cidr4;
use super::filters::{flag, one, opt, page, Filters};
use super::tags::{add_tags, drop_tags, spec_tags, tag_list, tags_of};
use super::{dry_run, flow_logs, gateways_routes, invalid, missing, network_acls, not_found, security_groups};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::CreateVpc>()
        .add::<ec2::DeleteVpc>()
        .add::<ec2::DescribeVpcs>()
        .add::<ec2::DescribeVpcAttribute>()
        .add::<ec2::ModifyVpcAttribute>();
}

/// One VPC and its attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct VpcDoc {
    /// The VPC as DescribeVpcs shows it (tags kept apart).
    pub vpc: ec2::Vpc,
    /// `enableDnsSupport`.
    pub dns_support: bool,
    /// `enableDnsHostnames`.
    pub dns_hostnames: bool,
    /// `enableNetworkAddressUsageMetrics`.
    pub nau_metrics: bool,
}

impl Resource for VpcDoc {
    const KIND: &'static str = "ec2:vpc";
}

/// Reads VPC `id` or answers `InvalidVpcID.NotFound`.
pub(crate) fn vpc(ctx: &Ctx<'_>, id: &str) -> Result<VpcDoc, AwsError> {
    ctx.get::<VpcDoc>(id)?.ok_or_else(|| not_found("InvalidVpcID.NotFound", "vpc", &[id]))
}

/// The region's default VPC, if it has one.
pub(crate) fn default_vpc(ctx: &Ctx<'_>) -> Result<Option<VpcDoc>, AwsError> {
    Ok(ctx.list::<VpcDoc>()?.into_iter().map(|(_, v)| v).find(|v| v.vpc.is_default == Some(true)))
}

/// Creates a VPC with everything AWS creates with it: the default security group, the
/// default network ACL and the main route table. Returns the VPC id.
pub(crate) fn create_vpc(ctx: &mut Ctx<'_>, cidr: Cidr4, is_default: bool, tenancy: &str) -> Result<String, AwsError> {
    let id = ctx.ids().ec2("vpc");
    let assoc = ctx.ids().ec2("vpc-cidr-assoc");
    let dhcp = gateways_routes::default_dhcp_options(ctx)?;
    let doc = VpcDoc {
        vpc: ec2::Vpc {
            owner_id: Some(ctx.account().to_string()),
            instance_tenancy: Some(tenancy.to_string()),
            ipv6_cidr_block_association_set: Some(vec![]),
            cidr_block_association_set: Some(vec![ec2::VpcCidrBlockAssociation {
                association_id: Some(assoc),
                cidr_block: Some(cidr.to_string()),
                cidr_block_state: Some(ec2::VpcCidrBlockState {
                    state: Some("associated".into()),
                    status_message: None,
                }),
            }]),
            is_default: Some(is_default),
            block_public_access_states: Some(ec2::BlockPublicAccessStates {
                internet_gateway_block_mode: Some("off".into()),
            }),
            vpc_id: Some(id.clone()),
            state: Some("available".into()),
            cidr_block: Some(cidr.to_string()),
            dhcp_options_id: Some(dhcp),
            ..Default::default()
        },
        dns_support: true,
        dns_hostnames: is_default,
        nau_metrics: false,
    };
    ctx.put(&id, &doc)?;
    security_groups::create_default_group(ctx, &id)?;
    network_acls::create_acl(ctx, &id, true)?;
    gateways_routes::create_main_table(ctx, &id, &cidr.to_string())?;
    Ok(id)
}

fn view(ctx: &Ctx<'_>, doc: VpcDoc) -> Result<ec2::Vpc, AwsError> {
    let mut v = doc.vpc;
    v.tags = tag_list(tags_of(ctx, v.vpc_id.as_deref().unwrap_or(""))?);
    Ok(v)
}

impl Handler for ec2::CreateVpc {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::CreateVpcRequest) -> Result<ec2::CreateVpcResult, AwsError> {
        let text = input.cidr_block.as_deref().ok_or_else(|| {
            AwsError::bad_request("MissingParameter", "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.")
        })?;
        let cidr = Cidr4::parse(text).filter(Cidr4::is_network).ok_or_else(|| {
            invalid(format!("Value ({text}) for parameter cidrBlock is invalid. This is not a valid CIDR block."))
        })?;
        if !(16..=28).contains(&cidr.prefix) {
            return Err(AwsError::bad_request("InvalidVpc.Range", format!("The CIDR '{text}' is invalid.")));
        }
        let tenancy = input.instance_tenancy.clone().unwrap_or_else(|| "default".into());
        if tenancy == "host" {
            return Err(invalid("Value (host) for parameter instanceTenancy is invalid."));
        }
        let tags = spec_tags(&input.tag_specifications, "vpc")?;
        dry_run(input.dry_run)?;
        let id = create_vpc(ctx, cidr, false, &tenancy)?;
        add_tags(ctx, &id, "vpc", &tags)?;
        let doc = vpc(ctx, &id)?;
        Ok(ec2::CreateVpcResult { vpc: Some(view(ctx, doc)?) })
    }
}

impl Handler for ec2::DeleteVpc {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DeleteVpcRequest) -> Result<Empty, AwsError> {
        let id = input.vpc_id;
        vpc(ctx, &id)?;
        let in_vpc = |v: &Option<String>| v.as_deref() == Some(id.as_str());
        let subnets = ctx.list::<ec2::Subnet>()?.into_iter().any(|(_, s)| in_vpc(&s.vpc_id));
        let groups =
            ctx.list::<security_groups::SgDoc>()?.into_iter().any(|(_, g)| g.vpc_id == id && g.name != "default");
        let acls =
            ctx.list::<ec2::NetworkAcl>()?.into_iter().any(|(_, a)| in_vpc(&a.vpc_id) && a.is_default != Some(true));
        let tables =
            ctx.list::<ec2::RouteTable>()?.into_iter().any(|(_, t)| in_vpc(&t.vpc_id) && !gateways_routes::is_main(&t));
        let gateways = ctx
            .list::<ec2::InternetGateway>()?
            .into_iter()
            .any(|(_, g)| g.attachments.iter().flatten().any(|a| in_vpc(&a.vpc_id)));
        let endpoints = ctx.list::<ec2::VpcEndpoint>()?.into_iter().any(|(_, e)| in_vpc(&e.vpc_id));
        if subnets || groups || acls || tables || gateways || endpoints {
            return Err(AwsError::bad_request(
                "DependencyViolation",
                format!("The vpc '{id}' has dependencies and cannot be deleted."),
            ));
        }
        dry_run(input.dry_run)?;
        for (gid, g) in ctx.list::<security_groups::SgDoc>()? {
            if g.vpc_id == id {
                security_groups::remove_group(ctx, &gid)?;
            }
        }
        for (aid, a) in ctx.list::<ec2::NetworkAcl>()? {
            if in_vpc(&a.vpc_id) {
                ctx.delete::<ec2::NetworkAcl>(&aid)?;
                drop_tags(ctx, &aid)?;
            }
        }
        for (tid, t) in ctx.list::<ec2::RouteTable>()? {
            if in_vpc(&t.vpc_id) {
                ctx.delete::<ec2::RouteTable>(&tid)?;
                drop_tags(ctx, &tid)?;
            }
        }
        flow_logs::remove_for_resource(ctx, &id)?;
        ctx.delete::<VpcDoc>(&id)?;
        drop_tags(ctx, &id)?;
        Ok(Empty {})
    }
}

impl Handler for ec2::DescribeVpcs {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DescribeVpcsRequest) -> Result<ec2::DescribeVpcsResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(
            input.filters,
            &[
                "cidr",
                "cidr-block-association.cidr-block",
                "cidr-block-association.association-id",
                "cidr-block-association.state",
                "dhcp-options-id",
                "is-default",
                "owner-id",
                "state",
                "vpc-id",
                "instance-tenancy",
                "tag-key",
            ],
        )?;
        let all = ctx.list::<VpcDoc>()?;
        if let Some(ids) = &input.vpc_ids {
            let missing: Vec<&str> =
                ids.iter().filter(|i| !all.iter().any(|(id, _)| id == *i)).map(String::as_str).collect();
            if !missing.is_empty() {
                return Err(not_found("InvalidVpcID.NotFound", "vpc", &missing));
            }
        }
        let mut out = Vec::new();
        for (id, doc) in all {
            if input.vpc_ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
                continue;
            }
            let v = view(ctx, doc)?;
            let assoc = v.cidr_block_association_set.clone().unwrap_or_default();
            let keep = filters.matches(v.tags.as_deref().unwrap_or(&[]), |name| match name {
                "cidr" => opt(&v.cidr_block),
                "cidr-block-association.cidr-block" => assoc.iter().filter_map(|a| a.cidr_block.clone()).collect(),
                "cidr-block-association.association-id" => {
                    assoc.iter().filter_map(|a| a.association_id.clone()).collect()
                }
                "cidr-block-association.state" => {
                    assoc.iter().filter_map(|a| a.cidr_block_state.as_ref().and_then(|s| s.state.clone())).collect()
                }
                "dhcp-options-id" => opt(&v.dhcp_options_id),
                "is-default" => flag(v.is_default),
                "owner-id" => opt(&v.owner_id),
                "state" => opt(&v.state),
                "vpc-id" => one(id.as_str()),
                "instance-tenancy" => opt(&v.instance_tenancy),
                _ => vec![],
            });
            if keep {
                out.push(v);
            }
        }
        let (vpcs, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeVpcsResult { vpcs: Some(vpcs), next_token })
    }
}

impl Handler for ec2::DescribeVpcAttribute {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeVpcAttributeRequest,
    ) -> Result<ec2::DescribeVpcAttributeResult, AwsError> {
        dry_run(input.dry_run)?;
        let doc = vpc(ctx, &input.vpc_id)?;
        let b = |v: bool| Some(ec2::AttributeBooleanValue { value: Some(v) });
        let mut out = ec2::DescribeVpcAttributeResult { vpc_id: Some(input.vpc_id.clone()), ..Default::default() };
        match input.attribute.as_str() {
            "enableDnsSupport" => out.enable_dns_support = b(doc.dns_support),
            "enableDnsHostnames" => out.enable_dns_hostnames = b(doc.dns_hostnames),
            "enableNetworkAddressUsageMetrics" => out.enable_network_address_usage_metrics = b(doc.nau_metrics),
            other => {
                return Err(invalid(format!("Value ({other}) for parameter attribute is invalid. Unknown attribute.")))
            }
        }
        Ok(out)
    }
}

impl Handler for ec2::ModifyVpcAttribute {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::ModifyVpcAttributeRequest) -> Result<Empty, AwsError> {
        let mut doc = vpc(ctx, &input.vpc_id)?;
        let given = [
            ("EnableDnsSupport", &input.enable_dns_support),
            ("EnableDnsHostnames", &input.enable_dns_hostnames),
            ("EnableNetworkAddressUsageMetrics", &input.enable_network_address_usage_metrics),
        ];
        let set: Vec<_> = given.iter().filter(|(_, v)| v.is_some()).collect();
        if set.len() > 1 {
            return Err(AwsError::bad_request(
                "InvalidParameterCombination",
                "Fields for multiple attribute types specified: only one attribute can be modified at a time",
            ));
        }
        let Some((name, Some(attr))) = set.first().map(|(n, v)| (*n, *v)) else {
            return Err(missing("EnableDnsSupport, EnableDnsHostnames or EnableNetworkAddressUsageMetrics"));
        };
        let value = attr.value.ok_or_else(|| missing(&format!("{name}.Value")))?;
        match name {
            "EnableDnsSupport" => doc.dns_support = value,
            "EnableDnsHostnames" => doc.dns_hostnames = value,
            _ => doc.nau_metrics = value,
        }
        ctx.put(&input.vpc_id, &doc)?;
        Ok(Empty {})
    }
}
