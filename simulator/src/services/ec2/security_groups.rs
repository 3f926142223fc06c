//! Security groups and their rules: Create/DeleteSecurityGroup, DescribeSecurityGroups,
//! DescribeSecurityGroupRules, Authorize/RevokeSecurityGroupIngress/Egress.
//!
//! Each rule is stored once with its `sgr-` id; DescribeSecurityGroups groups rules with the
//! same protocol and ports into one IpPermission, as EC2 does.

use hubsim_model::ec2;
use serde::{Deserialize, Serialize};

use super::cidr::{is_ipv6_cidr, Cidr4};
use super::filters::{one, page, Filters};
use super::limits::RULES_PER_GROUP;
use super::tags::{add_tags, drop_tags, spec_tags, tag_list, tags_of};
use super::vpcs::{default_vpc, vpc};
use super::{arn, dry_run, invalid, missing};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::CreateSecurityGroup>()
        .add::<ec2::DeleteSecurityGroup>()
        .add::<ec2::DescribeSecurityGroups>()
        .add::<ec2::DescribeSecurityGroupRules>()
        .add::<ec2::AuthorizeSecurityGroupIngress>()
        .add::<ec2::AuthorizeSecurityGroupEgress>()
        .add::<ec2::RevokeSecurityGroupIngress>()
        .add::<ec2::RevokeSecurityGroupEgress>();
}

/// The other side of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Peer {
    /// An IPv4 block.
    Cidr4(String),
    /// An IPv6 block.
    Cidr6(String),
    /// A security group (and its owner).
    Group {
        /// `sg-` id.
        group_id: String,
        /// Owning account.
        user_id: String,
    },
    /// A managed prefix list.
    PrefixList(String),
}

impl Peer {
    fn same(&self, other: &Peer) -> bool {
        match (self, other) {
            (Peer::Group { group_id: a, .. }, Peer::Group { group_id: b, .. }) => a == b,
            _ => self == other,
        }
    }

    fn label(&self) -> &str {
        match self {
            Peer::Cidr4(c) | Peer::Cidr6(c) | Peer::PrefixList(c) => c,
            Peer::Group { group_id, .. } => group_id,
        }
    }
}

/// One rule of a security group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SgRule {
    /// `sgr-` id.
    pub id: String,
    /// Outbound rule.
    pub egress: bool,
    /// `-1`, `tcp`, `udp`, `icmp`, `icmpv6` or a protocol number.
    pub protocol: String,
    /// From port (ICMP type); `None` when the protocol has no ports.
    pub from: Option<i32>,
    /// To port (ICMP code).
    pub to: Option<i32>,
    /// The peer.
    pub peer: Peer,
    /// Rule description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl SgRule {
    fn same(&self, other: &RuleSpec) -> bool {
        self.protocol == other.protocol && self.from == other.from && self.to == other.to && self.peer.same(&other.peer)
    }
}

/// One security group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SgDoc {
    /// `sg-` id.
    pub group_id: String,
    /// Group name (unique per VPC).
    pub name: String,
    /// Description.
    pub description: String,
    /// The VPC.
    pub vpc_id: String,
    /// Owning account.
    pub owner_id: String,
    /// Inbound and outbound rules.
    pub rules: Vec<SgRule>,
}

impl Resource for SgDoc {
    const KIND: &'static str = "ec2:security-group";
}

fn group_not_found(id: &str) -> AwsError {
    AwsError::bad_request("InvalidGroup.NotFound", format!("The security group '{id}' does not exist"))
}

/// Reads security group `id` or answers `InvalidGroup.NotFound` (`InvalidGroupId.Malformed`
/// for a string that is no group id).
pub(crate) fn group(ctx: &Ctx<'_>, id: &str) -> Result<SgDoc, AwsError> {
    if !id.starts_with("sg-") {
        return Err(AwsError::bad_request(
            "InvalidGroupId.Malformed",
            format!("Invalid id: \"{id}\" (expecting \"sg-...\")"),
        ));
    }
    ctx.get::<SgDoc>(id)?.ok_or_else(|| group_not_found(id))
}

/// The group named `name` in `vpc_id`.
fn group_by_name(ctx: &Ctx<'_>, vpc_id: &str, name: &str) -> Result<Option<SgDoc>, AwsError> {
    Ok(ctx.list::<SgDoc>()?.into_iter().map(|(_, g)| g).find(|g| g.vpc_id == vpc_id && g.name == name))
}

/// The group named `name` in the default VPC (how EC2 resolves a bare GroupName).
fn group_in_default_vpc(ctx: &Ctx<'_>, name: &str) -> Result<SgDoc, AwsError> {
    let Some(dv) = default_vpc(ctx)? else {
        return Err(AwsError::bad_request(
            "VPCIdNotSpecified",
            "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.",
        ));
    };
    let vpc_id = dv.vpc.vpc_id.unwrap_or_default();
    group_by_name(ctx, &vpc_id, name)?.ok_or_else(|| {
        AwsError::bad_request(
            "InvalidGroup.NotFound",
            format!("The security group '{name}' does not exist in default VPC '{vpc_id}'"),
        )
    })
}

/// The group a call names by id, or by name in the default VPC.
fn target_group(ctx: &Ctx<'_>, id: Option<&str>, name: Option<&str>) -> Result<SgDoc, AwsError> {
    match (id, name) {
        (Some(id), _) => group(ctx, id),
        (None, Some(name)) => group_in_default_vpc(ctx, name),
        (None, None) => Err(missing("groupId or groupName")),
    }
}

/// Creates the default security group of a new VPC: all traffic in from itself, all out.
pub(crate) fn create_default_group(ctx: &mut Ctx<'_>, vpc_id: &str) -> Result<String, AwsError> {
    let id = ctx.ids().ec2("sg");
    let account = ctx.account().to_string();
    let ingress = ctx.ids().ec2("sgr");
    let egress = ctx.ids().ec2("sgr");
    let doc = SgDoc {
        group_id: id.clone(),
        name: "default".into(),
        description: "default VPC security group".into(),
        vpc_id: vpc_id.to_string(),
        owner_id: account.clone(),
        rules: vec![
            SgRule {
                id: ingress,
                egress: false,
                protocol: "-1".into(),
                from: None,
                to: None,
                peer: Peer::Group { group_id: id.clone(), user_id: account },
                description: None,
            },
            allow_all_out(egress),
        ],
    };
    ctx.put(&id, &doc)?;
    Ok(id)
}

fn allow_all_out(id: String) -> SgRule {
    SgRule {
        id,
        egress: true,
        protocol: "-1".into(),
        from: None,
        to: None,
        peer: Peer::Cidr4("0.0.0.0/0".into()),
        description: None,
    }
}

/// Deletes a group with its tags and its rules' tags.
pub(crate) fn remove_group(ctx: &mut Ctx<'_>, id: &str) -> Result<(), AwsError> {
    if let Some(g) = ctx.get::<SgDoc>(id)? {
        for r in &g.rules {
            drop_tags(ctx, &r.id)?;
        }
    }
    ctx.delete::<SgDoc>(id)?;
    drop_tags(ctx, id)
}

/// A rule as a request describes it, normalized.
#[derive(Debug, Clone)]
struct RuleSpec {
    protocol: String,
    from: Option<i32>,
    to: Option<i32>,
    peer: Peer,
    description: Option<String>,
}

/// EC2's protocol names: numbers of named protocols become their names.
fn normalize_protocol(p: &str) -> Result<String, AwsError> {
    let lower = p.to_ascii_lowercase();
    let name = match lower.as_str() {
        "-1" | "all" => "-1".to_string(),
        "tcp" | "6" => "tcp".into(),
        "udp" | "17" => "udp".into(),
        "icmp" | "1" => "icmp".into(),
        "icmpv6" | "58" => "icmpv6".into(),
        n => match n.parse::<u16>() {
            Ok(v) if v <= 255 && n.bytes().all(|b| b.is_ascii_digit()) => v.to_string(),
            _ => return Err(invalid(format!("Invalid value '{p}' for IP protocol. Unknown protocol."))),
        },
    };
    Ok(name)
}

fn ports(protocol: &str, from: Option<i32>, to: Option<i32>) -> Result<(Option<i32>, Option<i32>), AwsError> {
    match protocol {
        "tcp" | "udp" => {
            let (Some(f), Some(t)) = (from, to) else {
                return Err(invalid(
                    "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.",
                ));
            };
            if !(0..=65535).contains(&f) || !(0..=65535).contains(&t) || f > t {
                return Err(invalid(format!(
                    "Invalid value '{f}-{t}' for portRange. Ports must be between 0 and 65535 and from port must not exceed to port."
                )));
            }
            Ok((Some(f), Some(t)))
        }
        "icmp" | "icmpv6" => {
            let (f, t) = (from.unwrap_or(-1), to.unwrap_or(-1));
            if !(-1..=255).contains(&f) || !(-1..=255).contains(&t) {
                return Err(invalid(format!("Invalid value '{f}' for ICMP type or '{t}' for ICMP code.")));
            }
            Ok((Some(f), Some(t)))
        }
        _ => Ok((None, None)),
    }
}

/// Expands request permissions into one spec per peer, resolving referenced groups.
fn specs(ctx: &Ctx<'_>, target: &SgDoc, perms: &[ec2::IpPermission]) -> Result<Vec<RuleSpec>, AwsError> {
    let mut out = Vec::new();
    for p in perms {
        let protocol = normalize_protocol(p.ip_protocol.as_deref().ok_or_else(|| missing("ipProtocol"))?)?;
        let (from, to) = ports(&protocol, p.from_port, p.to_port)?;
        let mut peers = Vec::new();
        for r in p.ip_ranges.iter().flatten() {
            let c = r.cidr_ip.as_deref().ok_or_else(|| missing("cidrIp"))?;
            match Cidr4::parse(c) {
                Some(cidr) if cidr.is_network() => peers.push((Peer::Cidr4(c.to_string()), r.description.clone())),
                _ => return Err(invalid(format!("CIDR block {c} is malformed"))),
            }
        }
        for r in p.ipv6_ranges.iter().flatten() {
            let c = r.cidr_ipv6.as_deref().ok_or_else(|| missing("cidrIpv6"))?;
            if !is_ipv6_cidr(c) {
                return Err(invalid(format!("CIDR block {c} is malformed")));
            }
            peers.push((Peer::Cidr6(c.to_string()), r.description.clone()));
        }
        for pair in p.user_id_group_pairs.iter().flatten() {
            let referenced = match (&pair.group_id, &pair.group_name) {
                (Some(id), _) if *id == target.group_id => target.clone(),
                (Some(id), _) => group(ctx, id)?,
                (None, Some(name)) => group_by_name(ctx, &target.vpc_id, name)?.ok_or_else(|| {
                    AwsError::bad_request(
                        "InvalidGroup.NotFound",
                        format!("The security group '{name}' does not exist in VPC '{}'", target.vpc_id),
                    )
                })?,
                (None, None) => return Err(missing("groupId or groupName")),
            };
            let user_id = pair.user_id.clone().unwrap_or_else(|| referenced.owner_id.clone());
            peers.push((Peer::Group { group_id: referenced.group_id, user_id }, pair.description.clone()));
        }
        for pl in p.prefix_list_ids.iter().flatten() {
            let id = pl.prefix_list_id.as_deref().ok_or_else(|| missing("prefixListId"))?;
            if !id.starts_with("pl-") {
                return Err(AwsError::bad_request(
                    "InvalidPrefixListId.Malformed",
                    format!("The prefix list ID '{id}' is malformed"),
                ));
            }
            peers.push((Peer::PrefixList(id.to_string()), pl.description.clone()));
        }
        if peers.is_empty() {
            return Err(missing("IpRanges, Ipv6Ranges, UserIdGroupPairs or PrefixListIds"));
        }
        for (peer, description) in peers {
            out.push(RuleSpec { protocol: protocol.clone(), from, to, peer, description });
        }
    }
    Ok(out)
}

/// The legacy top-level parameters (`IpProtocol`, `CidrIp`, ...), as one permission.
struct Flat {
    ip_protocol: Option<String>,
    from_port: Option<i32>,
    to_port: Option<i32>,
    cidr_ip: Option<String>,
    source_group_name: Option<String>,
    source_owner: Option<String>,
}

fn permissions_of(perms: Option<Vec<ec2::IpPermission>>, flat: Flat) -> Result<Vec<ec2::IpPermission>, AwsError> {
    let any_flat = flat.ip_protocol.is_some()
        || flat.from_port.is_some()
        || flat.to_port.is_some()
        || flat.cidr_ip.is_some()
        || flat.source_group_name.is_some();
    match (perms, any_flat) {
        (Some(p), false) => Ok(p),
        (Some(_), true) => Err(AwsError::bad_request(
            "InvalidParameterCombination",
            "The parameter 'ipPermissions' may not be used in combination with 'ipProtocol', 'fromPort', 'toPort', 'cidrIp' or 'sourceSecurityGroupName'",
        )),
        (None, true) => Ok(vec![ec2::IpPermission {
            ip_protocol: Some(flat.ip_protocol.unwrap_or_else(|| "-1".into())),
            from_port: flat.from_port,
            to_port: flat.to_port,
            ip_ranges: flat.cidr_ip.map(|c| vec![ec2::IpRange { cidr_ip: Some(c), description: None }]),
            user_id_group_pairs: flat.source_group_name.map(|n| {
                vec![ec2::UserIdGroupPair { group_name: Some(n), user_id: flat.source_owner, ..Default::default() }]
            }),
            ..Default::default()
        }]),
        (None, false) => Err(missing("ipPermissions")),
    }
}

fn proto_label(p: &str) -> String {
    if p == "-1" {
        "ALL".into()
    } else {
        p.to_ascii_uppercase()
    }
}

/// Adds rules; refuses duplicates. Returns the new rules as DescribeSecurityGroupRules shows them.
fn authorize(
    ctx: &mut Ctx<'_>,
    mut g: SgDoc,
    egress: bool,
    perms: Vec<ec2::IpPermission>,
    tag_specs: &Option<Vec<ec2::TagSpecification>>,
    dry: Option<bool>,
) -> Result<Vec<ec2::SecurityGroupRule>, AwsError> {
    let wanted = specs(ctx, &g, &perms)?;
    let tags = spec_tags(tag_specs, "security-group-rule")?;
    // The quota first, on the request alone, so the duplicate check below (every new rule
    // against every other) only ever sees a bounded number of rules.
    check_rule_quota(&g, egress, &[], &wanted)?;
    for (i, s) in wanted.iter().enumerate() {
        let exists = g.rules.iter().any(|r| r.egress == egress && r.same(s));
        let repeated = wanted[..i]
            .iter()
            .any(|o| o.protocol == s.protocol && o.from == s.from && o.to == s.to && o.peer.same(&s.peer));
        if exists || repeated {
            let ports = match (s.from, s.to) {
                (Some(f), Some(t)) => format!(", from port: {f}, to port: {t}"),
                _ => String::new(),
            };
            return Err(AwsError::bad_request(
                "InvalidPermission.Duplicate",
                format!(
                    "the specified rule \"peer: {}, {}{ports}, ALLOW\" already exists",
                    s.peer.label(),
                    proto_label(&s.protocol)
                ),
            ));
        }
    }
    check_rule_quota(&g, egress, &g.rules, &wanted)?;
    dry_run(dry)?;
    let mut added = Vec::new();
    for s in wanted {
        let rule = SgRule {
            id: ctx.ids().ec2("sgr"),
            egress,
            protocol: s.protocol,
            from: s.from,
            to: s.to,
            peer: s.peer,
            description: s.description,
        };
        added.push(rule.clone());
        g.rules.push(rule);
    }
    ctx.put(&g.group_id, &g)?;
    let mut out = Vec::new();
    for r in &added {
        add_tags(ctx, &r.id, "security-group-rule", &tags)?;
        out.push(rule_view(ctx, &g, r)?);
    }
    Ok(out)
}

/// Which address families a rule counts against: an IPv4 or IPv6 block its own; a group or a
/// prefix list both (see [`RULES_PER_GROUP`]). `(ipv4, ipv6)`.
fn families(peer: &Peer) -> (bool, bool) {
    match peer {
        Peer::Cidr4(_) => (true, false),
        Peer::Cidr6(_) => (false, true),
        Peer::Group { .. } | Peer::PrefixList(_) => (true, true),
    }
}

/// Refuses `wanted` when the group's `existing` rules of that direction and the new ones
/// together pass [`RULES_PER_GROUP`] in either address family.
fn check_rule_quota(g: &SgDoc, egress: bool, existing: &[SgRule], wanted: &[RuleSpec]) -> Result<(), AwsError> {
    let count = |peers: &mut dyn Iterator<Item = &Peer>| {
        peers.map(families).fold((0usize, 0usize), |(v4, v6), (a, b)| (v4 + usize::from(a), v6 + usize::from(b)))
    };
    let (old4, old6) = count(&mut existing.iter().filter(|r| r.egress == egress).map(|r| &r.peer));
    let (new4, new6) = count(&mut wanted.iter().map(|s| &s.peer));
    if old4 + new4 > RULES_PER_GROUP || old6 + new6 > RULES_PER_GROUP {
        let direction = if egress { "outbound" } else { "inbound" };
        return Err(AwsError::bad_request(
            "RulesPerSecurityGroupLimitExceeded",
            format!(
                "The maximum number of rules per security group has been reached: {} holds {old4} IPv4 and {old6} IPv6 {direction} rules, the request adds {new4} and {new6}, the limit is {RULES_PER_GROUP} each",
                g.group_id
            ),
        ));
    }
    Ok(())
}

/// Removes rules named by permissions or by rule ids.
fn revoke(
    ctx: &mut Ctx<'_>,
    mut g: SgDoc,
    egress: bool,
    perms: Option<Vec<ec2::IpPermission>>,
    flat: Flat,
    rule_ids: Option<Vec<String>>,
    dry: Option<bool>,
) -> Result<(Vec<ec2::RevokedSecurityGroupRule>, Option<Vec<ec2::IpPermission>>), AwsError> {
    let mut remove: Vec<String> = Vec::new();
    let mut unknown = Vec::new();
    match rule_ids {
        Some(ids) => {
            if perms.is_some() {
                return Err(AwsError::bad_request(
                    "InvalidParameterCombination",
                    "The parameter 'SecurityGroupRuleIds' may not be used in combination with 'IpPermissions'",
                ));
            }
            for id in ids {
                if !g.rules.iter().any(|r| r.id == id && r.egress == egress) {
                    return Err(AwsError::bad_request(
                        "InvalidSecurityGroupRuleId.NotFound",
                        format!("The security group rule ID '{id}' does not exist"),
                    ));
                }
                remove.push(id);
            }
        }
        None => {
            let perms = permissions_of(perms, flat)?;
            for p in &perms {
                let wanted = specs(ctx, &g, std::slice::from_ref(p))?;
                for s in wanted {
                    match g.rules.iter().find(|r| r.egress == egress && r.same(&s)) {
                        Some(r) if !remove.contains(&r.id) => remove.push(r.id.clone()),
                        Some(_) => {}
                        None => unknown.push(p.clone()),
                    }
                }
            }
            if remove.is_empty() {
                return Err(AwsError::bad_request(
                    "InvalidPermission.NotFound",
                    "The specified rule does not exist in this security group.",
                ));
            }
        }
    }
    dry_run(dry)?;
    let mut revoked = Vec::new();
    for r in g.rules.iter().filter(|r| remove.contains(&r.id)) {
        let view = rule_view(ctx, &g, r)?;
        revoked.push(ec2::RevokedSecurityGroupRule {
            security_group_rule_id: view.security_group_rule_id,
            group_id: view.group_id,
            is_egress: view.is_egress,
            ip_protocol: view.ip_protocol,
            from_port: view.from_port,
            to_port: view.to_port,
            cidr_ipv4: view.cidr_ipv4,
            cidr_ipv6: view.cidr_ipv6,
            prefix_list_id: view.prefix_list_id,
            referenced_group_id: view.referenced_group_info.and_then(|r| r.group_id),
            description: view.description,
        });
    }
    g.rules.retain(|r| !remove.contains(&r.id));
    ctx.put(&g.group_id, &g)?;
    for id in &remove {
        drop_tags(ctx, id)?;
    }
    Ok((revoked, (!unknown.is_empty()).then_some(unknown)))
}

/// A rule as DescribeSecurityGroupRules shows it (`-1` ports for protocols without ports).
fn rule_view(ctx: &Ctx<'_>, g: &SgDoc, r: &SgRule) -> Result<ec2::SecurityGroupRule, AwsError> {
    let mut out = ec2::SecurityGroupRule {
        security_group_rule_id: Some(r.id.clone()),
        group_id: Some(g.group_id.clone()),
        group_owner_id: Some(g.owner_id.clone()),
        is_egress: Some(r.egress),
        ip_protocol: Some(r.protocol.clone()),
        from_port: Some(r.from.unwrap_or(-1)),
        to_port: Some(r.to.unwrap_or(-1)),
        description: r.description.clone(),
        tags: Some(tags_of(ctx, &r.id)?),
        security_group_rule_arn: Some(arn(ctx, "security-group-rule", &r.id)),
        ..Default::default()
    };
    match &r.peer {
        Peer::Cidr4(c) => out.cidr_ipv4 = Some(c.clone()),
        Peer::Cidr6(c) => out.cidr_ipv6 = Some(c.clone()),
        Peer::PrefixList(p) => out.prefix_list_id = Some(p.clone()),
        Peer::Group { group_id, user_id } => {
            out.referenced_group_info = Some(ec2::ReferencedSecurityGroup {
                group_id: Some(group_id.clone()),
                user_id: Some(user_id.clone()),
                ..Default::default()
            })
        }
    }
    Ok(out)
}

/// Rules grouped into IpPermissions by protocol and ports, in first-seen order.
fn permissions(rules: &[SgRule], egress: bool) -> Vec<ec2::IpPermission> {
    let mut out: Vec<ec2::IpPermission> = Vec::new();
    for r in rules.iter().filter(|r| r.egress == egress) {
        let idx = match out.iter().position(|p| {
            p.ip_protocol.as_deref() == Some(r.protocol.as_str()) && p.from_port == r.from && p.to_port == r.to
        }) {
            Some(i) => i,
            None => {
                out.push(ec2::IpPermission {
                    ip_protocol: Some(r.protocol.clone()),
                    from_port: r.from,
                    to_port: r.to,
                    user_id_group_pairs: Some(vec![]),
                    ip_ranges: Some(vec![]),
                    ipv6_ranges: Some(vec![]),
                    prefix_list_ids: Some(vec![]),
                });
                out.len() - 1
            }
        };
        let p = &mut out[idx];
        let description = r.description.clone();
        match &r.peer {
            Peer::Cidr4(c) => {
                p.ip_ranges.get_or_insert_with(Vec::new).push(ec2::IpRange { cidr_ip: Some(c.clone()), description })
            }
            Peer::Cidr6(c) => p
                .ipv6_ranges
                .get_or_insert_with(Vec::new)
                .push(ec2::Ipv6Range { cidr_ipv6: Some(c.clone()), description }),
            Peer::PrefixList(id) => p
                .prefix_list_ids
                .get_or_insert_with(Vec::new)
                .push(ec2::PrefixListId { prefix_list_id: Some(id.clone()), description }),
            Peer::Group { group_id, user_id } => {
                p.user_id_group_pairs.get_or_insert_with(Vec::new).push(ec2::UserIdGroupPair {
                    group_id: Some(group_id.clone()),
                    user_id: Some(user_id.clone()),
                    description,
                    ..Default::default()
                })
            }
        }
    }
    out
}

/// Group `g` as DescribeSecurityGroups shows it, with its `tags`.
fn view(ctx: &Ctx<'_>, g: &SgDoc, tags: Vec<ec2::Tag>) -> Result<ec2::SecurityGroup, AwsError> {
    Ok(ec2::SecurityGroup {
        group_id: Some(g.group_id.clone()),
        ip_permissions_egress: Some(permissions(&g.rules, true)),
        tags: tag_list(tags),
        vpc_id: Some(g.vpc_id.clone()),
        security_group_arn: Some(arn(ctx, "security-group", &g.group_id)),
        owner_id: Some(g.owner_id.clone()),
        group_name: Some(g.name.clone()),
        description: Some(g.description.clone()),
        ip_permissions: Some(permissions(&g.rules, false)),
    })
}

/// Characters EC2 allows in VPC security group names and descriptions.
fn check_text(param: &str, value: &str) -> Result<(), AwsError> {
    let ok = |c: char| c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(c);
    if value.is_empty() || value.chars().count() > 255 || !value.chars().all(ok) {
        return Err(invalid(format!(
            "Value ({value}) for parameter {param} is invalid. Character sets beyond ASCII are not supported, and the value must be 1-255 characters of a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{{}}!$*"
        )));
    }
    Ok(())
}

impl Handler for ec2::CreateSecurityGroup {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::CreateSecurityGroupRequest,
    ) -> Result<ec2::CreateSecurityGroupResult, AwsError> {
        check_text("GroupName", &input.group_name)?;
        check_text("GroupDescription", &input.description)?;
        if input.group_name.starts_with("sg-") {
            return Err(invalid("Group names may not be in the format sg-*."));
        }
        if input.group_name == "default" {
            return Err(AwsError::bad_request("InvalidGroup.Reserved", "The security group 'default' is reserved"));
        }
        let vpc_id = match &input.vpc_id {
            Some(id) => {
                vpc(ctx, id)?;
                id.clone()
            }
            None => default_vpc(ctx)?
                .and_then(|v| v.vpc.vpc_id)
                .ok_or_else(|| AwsError::bad_request("VPCIdNotSpecified", "No default VPC for this user"))?,
        };
        if group_by_name(ctx, &vpc_id, &input.group_name)?.is_some() {
            return Err(AwsError::bad_request(
                "InvalidGroup.Duplicate",
                format!("The security group '{}' already exists for VPC '{vpc_id}'", input.group_name),
            ));
        }
        let tags = spec_tags(&input.tag_specifications, "security-group")?;
        dry_run(input.dry_run)?;
        let id = ctx.ids().ec2("sg");
        let egress = ctx.ids().ec2("sgr");
        let doc = SgDoc {
            group_id: id.clone(),
            name: input.group_name,
            description: input.description,
            vpc_id,
            owner_id: ctx.account().to_string(),
            rules: vec![allow_all_out(egress)],
        };
        ctx.put(&id, &doc)?;
        add_tags(ctx, &id, "security-group", &tags)?;
        Ok(ec2::CreateSecurityGroupResult {
            security_group_arn: Some(arn(ctx, "security-group", &id)),
            tags: tag_list(tags_of(ctx, &id)?),
            group_id: Some(id),
        })
    }
}

impl Handler for ec2::DeleteSecurityGroup {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DeleteSecurityGroupRequest,
    ) -> Result<ec2::DeleteSecurityGroupResult, AwsError> {
        let g = target_group(ctx, input.group_id.as_deref(), input.group_name.as_deref())?;
        if g.name == "default" {
            return Err(AwsError::bad_request(
                "CannotDelete",
                format!("the specified group: \"{}\" name: \"default\" cannot be deleted by a user", g.group_id),
            ));
        }
        let referenced = ctx.list::<SgDoc>()?.into_iter().any(|(id, other)| {
            id != g.group_id
                && other
                    .rules
                    .iter()
                    .any(|r| matches!(&r.peer, Peer::Group { group_id, .. } if *group_id == g.group_id))
        });
        let endpoint = ctx
            .list::<ec2::VpcEndpoint>()?
            .into_iter()
            .any(|(_, e)| e.groups.iter().flatten().any(|s| s.group_id.as_deref() == Some(g.group_id.as_str())));
        let interface = super::network_interfaces::uses_group(ctx, &g.group_id)?;
        if referenced || endpoint || interface {
            return Err(AwsError::bad_request(
                "DependencyViolation",
                format!("resource {} has a dependent object", g.group_id),
            ));
        }
        dry_run(input.dry_run)?;
        remove_group(ctx, &g.group_id)?;
        Ok(ec2::DeleteSecurityGroupResult { return_: Some(true), group_id: Some(g.group_id) })
    }
}

impl Handler for ec2::DescribeSecurityGroups {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeSecurityGroupsRequest,
    ) -> Result<ec2::DescribeSecurityGroupsResult, AwsError> {
        dry_run(input.dry_run)?;
        const PERM: &[&str] = &[
            "cidr",
            "from-port",
            "group-id",
            "group-name",
            "ipv6-cidr",
            "prefix-list-id",
            "protocol",
            "to-port",
            "user-id",
        ];
        let mut allowed: Vec<String> = ["description", "group-id", "group-name", "owner-id", "vpc-id", "tag-key"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for p in PERM {
            allowed.push(format!("ip-permission.{p}"));
            allowed.push(format!("egress.ip-permission.{p}"));
        }
        let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
        let filters = Filters::parse(input.filters, &allowed)?;
        let all: Vec<SgDoc> = ctx.list::<SgDoc>()?.into_iter().map(|(_, g)| g).collect();
        let mut wanted_ids: Option<Vec<String>> = None;
        if let Some(ids) = &input.group_ids {
            for id in ids {
                group(ctx, id)?;
            }
            wanted_ids = Some(ids.clone());
        }
        if let Some(names) = &input.group_names {
            let ids = wanted_ids.get_or_insert_with(Vec::new);
            for n in names {
                ids.push(group_in_default_vpc(ctx, n)?.group_id);
            }
        }
        let names: Vec<(String, String)> = all.iter().map(|g| (g.group_id.clone(), g.name.clone())).collect();
        let name_of = |id: &str| names.iter().find(|(i, _)| i == id).map(|(_, n)| n.clone());
        let mut out = Vec::new();
        for g in &all {
            if wanted_ids.as_ref().is_some_and(|ids| !ids.contains(&g.group_id)) {
                continue;
            }
            let tags = tags_of(ctx, &g.group_id)?;
            let keep = filters.matches(&tags, |name| {
                let (egress, field) = match name.strip_prefix("egress.ip-permission.") {
                    Some(f) => (true, f),
                    None => (false, name.strip_prefix("ip-permission.").unwrap_or("")),
                };
                if field.is_empty() {
                    return match name {
                        "description" => one(g.description.as_str()),
                        "group-id" => one(g.group_id.as_str()),
                        "group-name" => one(g.name.as_str()),
                        "owner-id" => one(g.owner_id.as_str()),
                        "vpc-id" => one(g.vpc_id.as_str()),
                        _ => vec![],
                    };
                }
                let rules = g.rules.iter().filter(|r| r.egress == egress);
                rules
                    .filter_map(|r| match (field, &r.peer) {
                        ("cidr", Peer::Cidr4(c))
                        | ("ipv6-cidr", Peer::Cidr6(c))
                        | ("prefix-list-id", Peer::PrefixList(c)) => Some(c.clone()),
                        ("group-id", Peer::Group { group_id, .. }) => Some(group_id.clone()),
                        ("group-name", Peer::Group { group_id, .. }) => name_of(group_id),
                        ("user-id", Peer::Group { user_id, .. }) => Some(user_id.clone()),
                        ("protocol", _) => Some(r.protocol.clone()),
                        ("from-port", _) => Some(r.from.unwrap_or(-1).to_string()),
                        ("to-port", _) => Some(r.to.unwrap_or(-1).to_string()),
                        _ => None,
                    })
                    .collect()
            });
            if keep {
                // The tags were read once for the filters; the answer shows the same.
                out.push(view(ctx, g, tags)?);
            }
        }
        let (groups, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeSecurityGroupsResult { security_groups: Some(groups), next_token })
    }
}

impl Handler for ec2::DescribeSecurityGroupRules {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeSecurityGroupRulesRequest,
    ) -> Result<ec2::DescribeSecurityGroupRulesResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(input.filters, &["group-id", "security-group-rule-id", "tag-key"])?;
        let all: Vec<SgDoc> = ctx.list::<SgDoc>()?.into_iter().map(|(_, g)| g).collect();
        for id in input.security_group_rule_ids.iter().flatten() {
            if !all.iter().any(|g| g.rules.iter().any(|r| &r.id == id)) {
                return Err(AwsError::bad_request(
                    "InvalidSecurityGroupRuleId.NotFound",
                    format!("The security group rule ID '{id}' does not exist"),
                ));
            }
        }
        let mut out = Vec::new();
        for g in &all {
            for r in &g.rules {
                if input.security_group_rule_ids.as_ref().is_some_and(|ids| !ids.contains(&r.id)) {
                    continue;
                }
                let tags = tags_of(ctx, &r.id)?;
                let keep = filters.matches(&tags, |name| match name {
                    "group-id" => one(g.group_id.as_str()),
                    "security-group-rule-id" => one(r.id.as_str()),
                    _ => vec![],
                });
                if keep {
                    out.push(rule_view(ctx, g, r)?);
                }
            }
        }
        let (rules, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeSecurityGroupRulesResult { security_group_rules: Some(rules), next_token })
    }
}

impl Handler for ec2::AuthorizeSecurityGroupIngress {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::AuthorizeSecurityGroupIngressRequest,
    ) -> Result<ec2::AuthorizeSecurityGroupIngressResult, AwsError> {
        let g = target_group(ctx, input.group_id.as_deref(), input.group_name.as_deref())?;
        let perms = permissions_of(
            input.ip_permissions,
            Flat {
                ip_protocol: input.ip_protocol,
                from_port: input.from_port,
                to_port: input.to_port,
                cidr_ip: input.cidr_ip,
                source_group_name: input.source_security_group_name,
                source_owner: input.source_security_group_owner_id,
            },
        )?;
        let rules = authorize(ctx, g, false, perms, &input.tag_specifications, input.dry_run)?;
        Ok(ec2::AuthorizeSecurityGroupIngressResult { return_: Some(true), security_group_rules: Some(rules) })
    }
}

impl Handler for ec2::AuthorizeSecurityGroupEgress {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::AuthorizeSecurityGroupEgressRequest,
    ) -> Result<ec2::AuthorizeSecurityGroupEgressResult, AwsError> {
        let g = group(ctx, &input.group_id)?;
        let perms = permissions_of(
            input.ip_permissions,
            Flat {
                ip_protocol: input.ip_protocol,
                from_port: input.from_port,
                to_port: input.to_port,
                cidr_ip: input.cidr_ip,
                source_group_name: input.source_security_group_name,
                source_owner: input.source_security_group_owner_id,
            },
        )?;
        let rules = authorize(ctx, g, true, perms, &input.tag_specifications, input.dry_run)?;
        Ok(ec2::AuthorizeSecurityGroupEgressResult { return_: Some(true), security_group_rules: Some(rules) })
    }
}

impl Handler for ec2::RevokeSecurityGroupIngress {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::RevokeSecurityGroupIngressRequest,
    ) -> Result<ec2::RevokeSecurityGroupIngressResult, AwsError> {
        let g = target_group(ctx, input.group_id.as_deref(), input.group_name.as_deref())?;
        let flat = Flat {
            ip_protocol: input.ip_protocol,
            from_port: input.from_port,
            to_port: input.to_port,
            cidr_ip: input.cidr_ip,
            source_group_name: input.source_security_group_name,
            source_owner: input.source_security_group_owner_id,
        };
        let (revoked, unknown) =
            revoke(ctx, g, false, input.ip_permissions, flat, input.security_group_rule_ids, input.dry_run)?;
        Ok(ec2::RevokeSecurityGroupIngressResult {
            return_: Some(true),
            unknown_ip_permissions: unknown,
            revoked_security_group_rules: Some(revoked),
        })
    }
}

impl Handler for ec2::RevokeSecurityGroupEgress {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::RevokeSecurityGroupEgressRequest,
    ) -> Result<ec2::RevokeSecurityGroupEgressResult, AwsError> {
        let g = group(ctx, &input.group_id)?;
        let flat = Flat {
            ip_protocol: input.ip_protocol,
            from_port: input.from_port,
            to_port: input.to_port,
            cidr_ip: input.cidr_ip,
            source_group_name: input.source_security_group_name,
            source_owner: input.source_security_group_owner_id,
        };
        let (revoked, unknown) =
            revoke(ctx, g, true, input.ip_permissions, flat, input.security_group_rule_ids, input.dry_run)?;
        Ok(ec2::RevokeSecurityGroupEgressResult {
            return_: Some(true),
            unknown_ip_permissions: unknown,
            revoked_security_group_rules: Some(revoked),
        })
    }
}
