//! Tags of every EC2 resource (kept apart from the resources, keyed by resource id), tag
//! specifications on create calls, and CreateTags, DeleteTags, DescribeTags.

use hubsim_model::{ec2, Empty};
use serde::{Deserialize, Serialize};

use super::filters::{one, page, Filters};
use super::limits::TAGS_PER_RESOURCE;
use super::security_groups::SgDoc;
use super::vpcs::VpcDoc;
use super::{dry_run, invalid, not_found};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::CreateTags>().add::<ec2::DeleteTags>().add::<ec2::DescribeTags>();
}

/// The tags of one resource.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct TagSet {
    /// DescribeTags' resource type (`vpc`, `security-group`, ...).
    pub resource_type: String,
    /// The tags, in the order they were first set.
    pub tags: Vec<ec2::Tag>,
}

impl Resource for TagSet {
    const KIND: &'static str = "ec2:tags";
}

/// The tags of resource `id` (empty when it has none).
pub(crate) fn tags_of(ctx: &Ctx<'_>, id: &str) -> Result<Vec<ec2::Tag>, AwsError> {
    Ok(ctx.get::<TagSet>(id)?.map(|t| t.tags).unwrap_or_default())
}

/// The tags as a Describe answer carries them: absent when there are none.
pub(crate) fn tag_list(tags: Vec<ec2::Tag>) -> Option<Vec<ec2::Tag>> {
    (!tags.is_empty()).then_some(tags)
}

/// Forgets the tags of a deleted resource.
pub(crate) fn drop_tags(ctx: &mut Ctx<'_>, id: &str) -> Result<(), AwsError> {
    ctx.delete::<TagSet>(id)?;
    Ok(())
}

/// Checks tags as EC2 does: keys 1–128 characters, values up to 256, no `aws:` prefix.
pub(crate) fn check_tags(tags: &[ec2::Tag]) -> Result<(), AwsError> {
    for t in tags {
        let key = t.key.as_deref().unwrap_or("");
        if key.is_empty() {
            return Err(invalid("Tag key must not be empty"));
        }
        if key.chars().count() > 128 {
            return Err(invalid(format!("Tag key exceeds the maximum length of 128 characters: {key}")));
        }
        if t.value.as_deref().unwrap_or("").chars().count() > 256 {
            return Err(invalid(format!("Tag value exceeds the maximum length of 256 characters for key {key}")));
        }
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(invalid("Tag keys starting with 'aws:' are reserved for internal use"));
        }
    }
    Ok(())
}

/// The tags of `specs` for `resource_type`; a specification for another type is refused.
pub(crate) fn spec_tags(
    specs: &Option<Vec<ec2::TagSpecification>>,
    resource_type: &str,
) -> Result<Vec<ec2::Tag>, AwsError> {
    let mut out = Vec::new();
    for spec in specs.iter().flatten() {
        let rt = spec.resource_type.as_deref().unwrap_or("");
        if rt != resource_type {
            return Err(invalid(format!("'{rt}' is not a valid taggable resource type for this operation.")));
        }
        out.extend(spec.tags.iter().flatten().cloned());
    }
    check_tags(&out)?;
    Ok(out)
}

/// Adds or overwrites tags on resource `id`.
pub(crate) fn add_tags(ctx: &mut Ctx<'_>, id: &str, resource_type: &str, tags: &[ec2::Tag]) -> Result<(), AwsError> {
    if tags.is_empty() {
        return Ok(());
    }
    // A request with more distinct keys than a resource can hold is refused before the merge
    // below, which compares every new key with every kept one.
    let distinct: std::collections::BTreeSet<_> = tags.iter().map(|t| &t.key).collect();
    if distinct.len() > TAGS_PER_RESOURCE {
        return Err(tag_limit(id));
    }
    let mut set =
        ctx.get::<TagSet>(id)?.unwrap_or_else(|| TagSet { resource_type: resource_type.to_string(), tags: Vec::new() });
    for t in tags {
        let value = Some(t.value.clone().unwrap_or_default());
        match set.tags.iter_mut().find(|e| e.key == t.key) {
            Some(existing) => existing.value = value,
            None => set.tags.push(ec2::Tag { key: t.key.clone(), value }),
        }
    }
    if set.tags.len() > TAGS_PER_RESOURCE {
        return Err(tag_limit(id));
    }
    ctx.put(id, &set)
}

fn tag_limit(id: &str) -> AwsError {
    AwsError::bad_request(
        "TagLimitExceeded",
        format!("The maximum number of Tags for a resource has been reached. Resource: {id}"),
    )
}

/// The resource type of `id`, which must exist in the call's region.
fn resource_type_of(ctx: &Ctx<'_>, id: &str) -> Result<&'static str, AwsError> {
    let (exists, rtype, code, noun) = if id.starts_with("vpc-") {
        (ctx.get::<VpcDoc>(id)?.is_some(), "vpc", "InvalidVpcID.NotFound", "vpc")
    } else if id.starts_with("subnet-") {
        (ctx.get::<ec2::Subnet>(id)?.is_some(), "subnet", "InvalidSubnetID.NotFound", "subnet")
    } else if id.starts_with("sgr-") {
        let found = ctx.list::<SgDoc>()?.iter().any(|(_, g)| g.rules.iter().any(|r| r.id == id));
        (found, "security-group-rule", "InvalidSecurityGroupRuleId.NotFound", "security group rule")
    } else if id.starts_with("sg-") {
        if ctx.get::<SgDoc>(id)?.is_none() {
            return Err(AwsError::bad_request(
                "InvalidGroup.NotFound",
                format!("The security group '{id}' does not exist"),
            ));
        }
        (true, "security-group", "", "")
    } else if id.starts_with("acl-") {
        (ctx.get::<ec2::NetworkAcl>(id)?.is_some(), "network-acl", "InvalidNetworkAclID.NotFound", "networkAcl")
    } else if id.starts_with("fl-") {
        (ctx.get::<ec2::FlowLog>(id)?.is_some(), "vpc-flow-log", "InvalidFlowLogId.NotFound", "flow log")
    } else if id.starts_with("vpce-") {
        (ctx.get::<ec2::VpcEndpoint>(id)?.is_some(), "vpc-endpoint", "InvalidVpcEndpointId.NotFound", "Vpc Endpoint")
    } else if id.starts_with("igw-") {
        let found = ctx.get::<ec2::InternetGateway>(id)?.is_some();
        (found, "internet-gateway", "InvalidInternetGatewayID.NotFound", "internetGateway")
    } else if id.starts_with("rtb-") {
        (ctx.get::<ec2::RouteTable>(id)?.is_some(), "route-table", "InvalidRouteTableID.NotFound", "routeTable")
    } else if id.starts_with("dopt-") {
        (ctx.get::<ec2::DhcpOptions>(id)?.is_some(), "dhcp-options", "InvalidDhcpOptionID.NotFound", "dhcpOption")
    } else {
        return Err(AwsError::bad_request("InvalidID", format!("The ID '{id}' is not valid")));
    };
    if !exists {
        return Err(not_found(code, noun, &[id]));
    }
    Ok(rtype)
}

impl Handler for ec2::CreateTags {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::CreateTagsRequest) -> Result<Empty, AwsError> {
        check_tags(&input.tags)?;
        let mut typed = Vec::new();
        for id in &input.resources {
            typed.push((id.clone(), resource_type_of(ctx, id)?));
        }
        dry_run(input.dry_run)?;
        for (id, rtype) in typed {
            add_tags(ctx, &id, rtype, &input.tags)?;
        }
        Ok(Empty {})
    }
}

impl Handler for ec2::DeleteTags {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DeleteTagsRequest) -> Result<Empty, AwsError> {
        for id in &input.resources {
            resource_type_of(ctx, id)?;
        }
        dry_run(input.dry_run)?;
        for id in &input.resources {
            let Some(mut set) = ctx.get::<TagSet>(id)? else { continue };
            match &input.tags {
                None => set.tags.clear(),
                Some(remove) => set.tags.retain(|t| {
                    !remove
                        .iter()
                        .any(|r| r.key == t.key && r.value.as_ref().is_none_or(|v| Some(v) == t.value.as_ref()))
                }),
            }
            if set.tags.is_empty() {
                ctx.delete::<TagSet>(id)?;
            } else {
                ctx.put(id, &set)?;
            }
        }
        Ok(Empty {})
    }
}

impl Handler for ec2::DescribeTags {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DescribeTagsRequest) -> Result<ec2::DescribeTagsResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(input.filters, &["key", "resource-id", "resource-type", "value", "tag-key"])?;
        let mut out = Vec::new();
        for (id, set) in ctx.list::<TagSet>()? {
            for t in &set.tags {
                let keep = filters.matches(&set.tags, |name| match name {
                    "key" => t.key.iter().cloned().collect(),
                    "value" => one(t.value.clone().unwrap_or_default()),
                    "resource-id" => one(id.as_str()),
                    "resource-type" => one(set.resource_type.as_str()),
                    _ => vec![],
                });
                if keep {
                    out.push(ec2::TagDescription {
                        key: t.key.clone(),
                        value: Some(t.value.clone().unwrap_or_default()),
                        resource_id: Some(id.clone()),
                        resource_type: Some(set.resource_type.clone()),
                    });
                }
            }
        }
        out.sort_by(|a, b| (&a.resource_id, &a.key).cmp(&(&b.resource_id, &b.key)));
        let (tags, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeTagsResult { tags: Some(tags), next_token })
    }
}
