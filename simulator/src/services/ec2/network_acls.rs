//! Network ACLs: Create/DeleteNetworkAcl, DescribeNetworkAcls,
//! Create/Replace/DeleteNetworkAclEntry, ReplaceNetworkAclAssociation.

use hubsim_model::{ec2, Empty};

use super::cidr::{is_ipv6_cidr, Cidr4};
use super::filters::{flag, one, opt, page, Filters};
use super::limits::ENTRIES_PER_NETWORK_ACL;
use super::tags::{add_tags, drop_tags, spec_tags, tag_list, tags_of};
use super::vpcs::vpc;
use super::{dry_run, invalid, missing, not_found};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::CreateNetworkAcl>()
        .add::<ec2::DeleteNetworkAcl>()
        .add::<ec2::DescribeNetworkAcls>()
        .add::<ec2::CreateNetworkAclEntry>()
        .add::<ec2::ReplaceNetworkAclEntry>()
        .add::<ec2::DeleteNetworkAclEntry>()
        .add::<ec2::ReplaceNetworkAclAssociation>();
}

impl Resource for ec2::NetworkAcl {
    const KIND: &'static str = "ec2:network-acl";
}

/// The rule number of the catch-all `*` entries.
const CATCH_ALL: i32 = 32767;

/// Reads network ACL `id` or answers `InvalidNetworkAclID.NotFound`.
fn acl(ctx: &Ctx<'_>, id: &str) -> Result<ec2::NetworkAcl, AwsError> {
    ctx.get::<ec2::NetworkAcl>(id)?.ok_or_else(|| not_found("InvalidNetworkAclID.NotFound", "networkAcl", &[id]))
}

fn all_traffic(rule_number: i32, action: &str, egress: bool) -> ec2::NetworkAclEntry {
    ec2::NetworkAclEntry {
        cidr_block: Some("0.0.0.0/0".into()),
        egress: Some(egress),
        protocol: Some("-1".into()),
        rule_action: Some(action.into()),
        rule_number: Some(rule_number),
        ..Default::default()
    }
}

fn sort_entries(entries: &mut [ec2::NetworkAclEntry]) {
    entries.sort_by_key(|e| (!e.egress.unwrap_or(false), e.rule_number.unwrap_or(0)));
}

/// Creates a network ACL in `vpc_id`: a VPC's default ACL allows everything (rule 100) before
/// the catch-all deny; a new custom ACL has only the deny entries. Returns its id.
pub(crate) fn create_acl(ctx: &mut Ctx<'_>, vpc_id: &str, is_default: bool) -> Result<String, AwsError> {
    let id = ctx.ids().ec2("acl");
    let mut entries = vec![all_traffic(CATCH_ALL, "deny", true), all_traffic(CATCH_ALL, "deny", false)];
    if is_default {
        entries.push(all_traffic(100, "allow", true));
        entries.push(all_traffic(100, "allow", false));
    }
    sort_entries(&mut entries);
    let doc = ec2::NetworkAcl {
        associations: Some(vec![]),
        entries: Some(entries),
        is_default: Some(is_default),
        network_acl_id: Some(id.clone()),
        tags: None,
        vpc_id: Some(vpc_id.to_string()),
        owner_id: Some(ctx.account().to_string()),
    };
    ctx.put(&id, &doc)?;
    Ok(id)
}

/// Associates `subnet_id` with the default ACL of `vpc_id`.
pub(crate) fn associate_default(ctx: &mut Ctx<'_>, vpc_id: &str, subnet_id: &str) -> Result<(), AwsError> {
    let found = ctx
        .list::<ec2::NetworkAcl>()?
        .into_iter()
        .find(|(_, a)| a.vpc_id.as_deref() == Some(vpc_id) && a.is_default == Some(true));
    let Some((id, mut doc)) = found else { return Ok(()) };
    let assoc = ctx.ids().ec2("aclassoc");
    doc.associations.get_or_insert_with(Vec::new).push(ec2::NetworkAclAssociation {
        network_acl_association_id: Some(assoc),
        network_acl_id: Some(id.clone()),
        subnet_id: Some(subnet_id.to_string()),
    });
    ctx.put(&id, &doc)
}

/// Removes the association of a deleted subnet.
pub(crate) fn disassociate_subnet(ctx: &mut Ctx<'_>, subnet_id: &str) -> Result<(), AwsError> {
    for (id, mut doc) in ctx.list::<ec2::NetworkAcl>()? {
        let before = doc.associations.as_ref().map_or(0, Vec::len);
        if let Some(a) = doc.associations.as_mut() {
            a.retain(|x| x.subnet_id.as_deref() != Some(subnet_id));
        }
        if doc.associations.as_ref().map_or(0, Vec::len) != before {
            ctx.put(&id, &doc)?;
        }
    }
    Ok(())
}

/// NACL protocols on the wire are numbers; names are accepted and converted.
fn normalize_protocol(p: &str) -> Result<String, AwsError> {
    let lower = p.to_ascii_lowercase();
    Ok(match lower.as_str() {
        "-1" | "all" => "-1".into(),
        "tcp" => "6".into(),
        "udp" => "17".into(),
        "icmp" => "1".into(),
        "icmpv6" => "58".into(),
        n => match n.parse::<u16>() {
            Ok(v) if v <= 255 && n.bytes().all(|b| b.is_ascii_digit()) => v.to_string(),
            _ => return Err(invalid(format!("Invalid value '{p}' for protocol. Unknown protocol."))),
        },
    })
}

fn check_rule_number(n: i32) -> Result<(), AwsError> {
    if !(1..CATCH_ALL).contains(&n) {
        return Err(invalid(format!(
            "Value ({n}) for parameter ruleNumber is invalid. Rule number must be in the range 1..32766."
        )));
    }
    Ok(())
}

/// Builds a validated entry from Create/ReplaceNetworkAclEntry's parameters.
#[allow(clippy::too_many_arguments)]
fn entry(
    rule_number: i32,
    protocol: &str,
    rule_action: &str,
    egress: bool,
    cidr_block: Option<String>,
    ipv6_cidr_block: Option<String>,
    icmp: Option<ec2::IcmpTypeCode>,
    port_range: Option<ec2::PortRange>,
) -> Result<ec2::NetworkAclEntry, AwsError> {
    check_rule_number(rule_number)?;
    let protocol = normalize_protocol(protocol)?;
    let action = rule_action.to_ascii_lowercase();
    if action != "allow" && action != "deny" {
        return Err(invalid(format!("Value ({rule_action}) for parameter ruleAction is invalid.")));
    }
    match (&cidr_block, &ipv6_cidr_block) {
        (None, None) => return Err(missing("cidrBlock or ipv6CidrBlock")),
        (Some(_), Some(_)) => {
            return Err(AwsError::bad_request(
                "InvalidParameterCombination",
                "Only one of cidrBlock or ipv6CidrBlock may be specified",
            ))
        }
        (Some(c), None) => {
            if !Cidr4::parse(c).is_some_and(|x| x.is_network()) {
                return Err(invalid(format!(
                    "Value ({c}) for parameter cidrBlock is invalid. This is not a valid CIDR block."
                )));
            }
        }
        (None, Some(c)) => {
            if !is_ipv6_cidr(c) {
                return Err(invalid(format!(
                    "Value ({c}) for parameter ipv6CidrBlock is invalid. This is not a valid IPv6 CIDR block."
                )));
            }
        }
    }
    let mut out = ec2::NetworkAclEntry {
        cidr_block,
        ipv6_cidr_block,
        egress: Some(egress),
        protocol: Some(protocol.clone()),
        rule_action: Some(action),
        rule_number: Some(rule_number),
        ..Default::default()
    };
    match protocol.as_str() {
        "6" | "17" => {
            let range = port_range.ok_or_else(|| missing("portRange"))?;
            let (Some(from), Some(to)) = (range.from, range.to) else {
                return Err(missing("portRange"));
            };
            if !(0..=65535).contains(&from) || !(0..=65535).contains(&to) || from > to {
                return Err(invalid(format!("Invalid value '{from}-{to}' for portRange.")));
            }
            out.port_range = Some(ec2::PortRange { from: Some(from), to: Some(to) });
        }
        "1" | "58" => {
            let icmp = icmp.ok_or_else(|| missing("icmpTypeCode"))?;
            let (t, c) = (icmp.type_.unwrap_or(-1), icmp.code.unwrap_or(-1));
            if !(-1..=255).contains(&t) || !(-1..=255).contains(&c) {
                return Err(invalid(format!("Invalid value '{t}:{c}' for icmpTypeCode.")));
            }
            out.icmp_type_code = Some(ec2::IcmpTypeCode { type_: Some(t), code: Some(c) });
        }
        _ => {}
    }
    Ok(out)
}

fn same_slot(e: &ec2::NetworkAclEntry, rule_number: i32, egress: bool) -> bool {
    e.rule_number == Some(rule_number) && e.egress.unwrap_or(false) == egress
}

fn entry_missing(rule_number: i32, egress: bool) -> AwsError {
    let dir = if egress { "egress" } else { "ingress" };
    AwsError::bad_request(
        "InvalidNetworkAclEntry.NotFound",
        format!("The network acl entry identified by {rule_number} ({dir}) does not exist."),
    )
}

fn view(ctx: &Ctx<'_>, mut doc: ec2::NetworkAcl) -> Result<ec2::NetworkAcl, AwsError> {
    doc.tags = tag_list(tags_of(ctx, doc.network_acl_id.as_deref().unwrap_or(""))?);
    Ok(doc)
}

impl Handler for ec2::CreateNetworkAcl {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::CreateNetworkAclRequest) -> Result<ec2::CreateNetworkAclResult, AwsError> {
        vpc(ctx, &input.vpc_id)?;
        let tags = spec_tags(&input.tag_specifications, "network-acl")?;
        dry_run(input.dry_run)?;
        let id = create_acl(ctx, &input.vpc_id, false)?;
        add_tags(ctx, &id, "network-acl", &tags)?;
        let doc = acl(ctx, &id)?;
        Ok(ec2::CreateNetworkAclResult { network_acl: Some(view(ctx, doc)?), client_token: input.client_token })
    }
}

impl Handler for ec2::DeleteNetworkAcl {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DeleteNetworkAclRequest) -> Result<Empty, AwsError> {
        let id = input.network_acl_id;
        let doc = acl(ctx, &id)?;
        if doc.is_default == Some(true) {
            return Err(invalid(format!("cannot delete default network ACL {id}")));
        }
        if doc.associations.as_ref().is_some_and(|a| !a.is_empty()) {
            return Err(AwsError::bad_request(
                "DependencyViolation",
                format!("The networkAcl '{id}' has dependencies and cannot be deleted."),
            ));
        }
        dry_run(input.dry_run)?;
        ctx.delete::<ec2::NetworkAcl>(&id)?;
        drop_tags(ctx, &id)?;
        Ok(Empty {})
    }
}

impl Handler for ec2::DescribeNetworkAcls {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeNetworkAclsRequest,
    ) -> Result<ec2::DescribeNetworkAclsResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(
            input.filters,
            &[
                "association.association-id",
                "association.network-acl-id",
                "association.subnet-id",
                "default",
                "entry.cidr",
                "entry.egress",
                "entry.icmp.code",
                "entry.icmp.type",
                "entry.ipv6-cidr",
                "entry.port-range.from",
                "entry.port-range.to",
                "entry.protocol",
                "entry.rule-action",
                "entry.rule-number",
                "network-acl-id",
                "owner-id",
                "vpc-id",
                "tag-key",
            ],
        )?;
        let all = ctx.list::<ec2::NetworkAcl>()?;
        if let Some(ids) = &input.network_acl_ids {
            let missing: Vec<&str> =
                ids.iter().filter(|i| !all.iter().any(|(id, _)| id == *i)).map(String::as_str).collect();
            if !missing.is_empty() {
                return Err(not_found("InvalidNetworkAclID.NotFound", "networkAcl", &missing));
            }
        }
        let mut out = Vec::new();
        for (id, doc) in all {
            if input.network_acl_ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
                continue;
            }
            let a = view(ctx, doc)?;
            let assocs = a.associations.clone().unwrap_or_default();
            let entries = a.entries.clone().unwrap_or_default();
            let from_entries = |f: &dyn Fn(&ec2::NetworkAclEntry) -> Option<String>| -> Vec<String> {
                entries.iter().filter_map(f).collect()
            };
            let keep = filters.matches(a.tags.as_deref().unwrap_or(&[]), |name| match name {
                "association.association-id" => {
                    assocs.iter().filter_map(|x| x.network_acl_association_id.clone()).collect()
                }
                "association.network-acl-id" => assocs.iter().filter_map(|x| x.network_acl_id.clone()).collect(),
                "association.subnet-id" => assocs.iter().filter_map(|x| x.subnet_id.clone()).collect(),
                "default" => flag(a.is_default),
                "entry.cidr" => from_entries(&|e| e.cidr_block.clone()),
                "entry.ipv6-cidr" => from_entries(&|e| e.ipv6_cidr_block.clone()),
                "entry.egress" => from_entries(&|e| Some(e.egress.unwrap_or(false).to_string())),
                "entry.icmp.code" => from_entries(&|e| e.icmp_type_code.as_ref()?.code.map(|c| c.to_string())),
                "entry.icmp.type" => from_entries(&|e| e.icmp_type_code.as_ref()?.type_.map(|c| c.to_string())),
                "entry.port-range.from" => from_entries(&|e| e.port_range.as_ref()?.from.map(|c| c.to_string())),
                "entry.port-range.to" => from_entries(&|e| e.port_range.as_ref()?.to.map(|c| c.to_string())),
                "entry.protocol" => from_entries(&|e| e.protocol.clone()),
                "entry.rule-action" => from_entries(&|e| e.rule_action.clone()),
                "entry.rule-number" => from_entries(&|e| e.rule_number.map(|n| n.to_string())),
                "network-acl-id" => one(id.as_str()),
                "owner-id" => opt(&a.owner_id),
                "vpc-id" => opt(&a.vpc_id),
                _ => vec![],
            });
            if keep {
                out.push(a);
            }
        }
        let (acls, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeNetworkAclsResult { network_acls: Some(acls), next_token })
    }
}

impl Handler for ec2::CreateNetworkAclEntry {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::CreateNetworkAclEntryRequest) -> Result<Empty, AwsError> {
        let mut doc = acl(ctx, &input.network_acl_id)?;
        let e = entry(
            input.rule_number,
            &input.protocol,
            &input.rule_action,
            input.egress,
            input.cidr_block,
            input.ipv6_cidr_block,
            input.icmp_type_code,
            input.port_range,
        )?;
        let entries = doc.entries.get_or_insert_with(Vec::new);
        if entries.iter().any(|x| same_slot(x, input.rule_number, input.egress)) {
            return Err(AwsError::bad_request(
                "NetworkAclEntryAlreadyExists",
                format!("The network acl entry identified by {} already exists.", input.rule_number),
            ));
        }
        let same_direction = entries.iter().filter(|x| x.egress.unwrap_or(false) == input.egress).count();
        if same_direction >= ENTRIES_PER_NETWORK_ACL {
            let direction = if input.egress { "egress" } else { "ingress" };
            return Err(AwsError::bad_request(
                "NetworkAclEntryLimitExceeded",
                format!(
                    "The maximum number of network ACL entries has been reached: {} holds {same_direction} {direction} entries, the limit is {ENTRIES_PER_NETWORK_ACL}",
                    input.network_acl_id
                ),
            ));
        }
        dry_run(input.dry_run)?;
        entries.push(e);
        sort_entries(entries);
        ctx.put(&input.network_acl_id, &doc)?;
        Ok(Empty {})
    }
}

impl Handler for ec2::ReplaceNetworkAclEntry {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::ReplaceNetworkAclEntryRequest) -> Result<Empty, AwsError> {
        let mut doc = acl(ctx, &input.network_acl_id)?;
        let e = entry(
            input.rule_number,
            &input.protocol,
            &input.rule_action,
            input.egress,
            input.cidr_block,
            input.ipv6_cidr_block,
            input.icmp_type_code,
            input.port_range,
        )?;
        let entries = doc.entries.get_or_insert_with(Vec::new);
        let slot = entries
            .iter_mut()
            .find(|x| same_slot(x, input.rule_number, input.egress))
            .ok_or_else(|| entry_missing(input.rule_number, input.egress))?;
        dry_run(input.dry_run)?;
        *slot = e;
        ctx.put(&input.network_acl_id, &doc)?;
        Ok(Empty {})
    }
}

impl Handler for ec2::DeleteNetworkAclEntry {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DeleteNetworkAclEntryRequest) -> Result<Empty, AwsError> {
        let mut doc = acl(ctx, &input.network_acl_id)?;
        check_rule_number(input.rule_number)?;
        let entries = doc.entries.get_or_insert_with(Vec::new);
        if !entries.iter().any(|x| same_slot(x, input.rule_number, input.egress)) {
            return Err(entry_missing(input.rule_number, input.egress));
        }
        dry_run(input.dry_run)?;
        entries.retain(|x| !same_slot(x, input.rule_number, input.egress));
        ctx.put(&input.network_acl_id, &doc)?;
        Ok(Empty {})
    }
}

impl Handler for ec2::ReplaceNetworkAclAssociation {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::ReplaceNetworkAclAssociationRequest,
    ) -> Result<ec2::ReplaceNetworkAclAssociationResult, AwsError> {
        let all = ctx.list::<ec2::NetworkAcl>()?;
        let current = all.iter().find_map(|(id, a)| {
            a.associations
                .iter()
                .flatten()
                .find(|x| x.network_acl_association_id.as_deref() == Some(input.association_id.as_str()))
                .map(|x| (id.clone(), a.clone(), x.subnet_id.clone().unwrap_or_default()))
        });
        let Some((old_id, mut old, subnet_id)) = current else {
            return Err(not_found("InvalidAssociationID.NotFound", "association", &[input.association_id.as_str()]));
        };
        let mut target = acl(ctx, &input.network_acl_id)?;
        if target.vpc_id != old.vpc_id {
            return Err(invalid(format!(
                "Network ACL {} and subnet {subnet_id} belong to different networks",
                input.network_acl_id
            )));
        }
        dry_run(input.dry_run)?;
        let new_id = ctx.ids().ec2("aclassoc");
        if let Some(a) = old.associations.as_mut() {
            a.retain(|x| x.network_acl_association_id.as_deref() != Some(input.association_id.as_str()));
        }
        if old_id == input.network_acl_id {
            target = old.clone();
        } else {
            ctx.put(&old_id, &old)?;
        }
        target.associations.get_or_insert_with(Vec::new).push(ec2::NetworkAclAssociation {
            network_acl_association_id: Some(new_id.clone()),
            network_acl_id: Some(input.network_acl_id.clone()),
            subnet_id: Some(subnet_id),
        });
        ctx.put(&input.network_acl_id, &target)?;
        Ok(ec2::ReplaceNetworkAclAssociationResult { new_association_id: Some(new_id) })
    }
}
