//! EC2.2, EC2.6, EC2.7, EC2.10, EC2.13, EC2.14, EC2.15, EC2.21
//! (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html).

use super::ec2_arn;
use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};
use hubsim_api::model::ec2;
use hubsim_api::Era;

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "EC2.2",
        resource_type: "AWS::EC2::SecurityGroup",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("vpc-default-security-group-closed"),
        parameters: &[],
        choices: "Any inbound or outbound rule of a group named default fails it, the self-reference included.",
        evaluate: ec2_2,
    },
    Control {
        id: "EC2.6",
        resource_type: "AWS::EC2::VPC",
        schedule: Schedule::Periodic,
        config_rule: Some("vpc-flow-logs-enabled"),
        parameters: &[],
        choices: "A VPC-level flow log that is ACTIVE with traffic type REJECT or ALL passes [I for ALL]; \
                  subnet or interface flow logs do not count; the destination does not matter.",
        evaluate: ec2_6,
    },
    Control {
        id: "EC2.7",
        resource_type: "AWS::::Account",
        schedule: Schedule::Periodic,
        config_rule: Some("ec2-ebs-encryption-by-default"),
        parameters: &[],
        choices: "The default KMS key is not checked.",
        evaluate: ec2_7,
    },
    Control {
        id: "EC2.10",
        resource_type: "AWS::EC2::VPC",
        schedule: Schedule::Periodic,
        config_rule: Some("service-vpc-endpoint-enabled"),
        parameters: &[],
        choices: "An endpoint for com.amazonaws.<region>.ec2 (or the -fips variant) in the VPC passes unless it is \
                  deleted, deleting, failed or rejected [U: required state].",
        evaluate: ec2_10,
    },
    Control {
        id: "EC2.13",
        resource_type: "AWS::EC2::SecurityGroup",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/restricted-ssh.html
        config_rule: Some("restricted-ssh"),
        parameters: &[],
        choices: "Every group is judged, default groups included. An inbound rule fails the group when it is TCP or \
                  all traffic (-1), its port range covers 22 and a source is 0.0.0.0/0 (era 2022, the title of the \
                  time) or 0.0.0.0/0 or ::/0 (era current); other CIDRs, security groups and prefix lists pass [I]; \
                  UDP does not count.",
        evaluate: ec2_13,
    },
    Control {
        id: "EC2.14",
        resource_type: "AWS::EC2::SecurityGroup",
        schedule: Schedule::ChangeTriggered,
        // The managed rule restricted-common-ports with blockedPort1 = 3389, deployed as restricted-rdp
        // (https://docs.aws.amazon.com/config/latest/developerguide/restricted-common-ports.html).
        config_rule: Some("restricted-common-ports"),
        parameters: &[],
        choices: "As EC2.13, for port 3389.",
        evaluate: ec2_14,
    },
    Control {
        id: "EC2.15",
        resource_type: "AWS::EC2::Subnet",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("subnet-auto-assign-public-ip-disabled"),
        parameters: &[],
        choices: "Fails when MapPublicIpOnLaunch or AssignIpv6AddressOnCreation is true (current rule text).",
        evaluate: ec2_15,
    },
    Control {
        id: "EC2.21",
        resource_type: "AWS::EC2::NetworkAcl",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("nacl-no-unrestricted-ssh-rdp"),
        parameters: &[],
        choices: "Each inbound ALLOW entry is judged on its own; rule order and DENY entries are ignored [O blog, \
                  Config issue #25]; protocols 6, 17 and -1 count; default NACLs get no finding in era current.",
        evaluate: ec2_21,
    },
];

fn rules_text(perms: &[ec2::IpPermission]) -> String {
    perms
        .iter()
        .map(|p| {
            let proto = match p.ip_protocol.as_deref() {
                Some("-1") | None => "all traffic".to_string(),
                Some(other) => format!("{other} {}-{}", p.from_port.unwrap_or(-1), p.to_port.unwrap_or(-1)),
            };
            let mut peers: Vec<String> = Vec::new();
            for r in p.ip_ranges.iter().flatten() {
                peers.extend(r.cidr_ip.clone());
            }
            for r in p.ipv6_ranges.iter().flatten() {
                peers.extend(r.cidr_ipv6.clone());
            }
            for g in p.user_id_group_pairs.iter().flatten() {
                peers.extend(g.group_id.clone());
            }
            for l in p.prefix_list_ids.iter().flatten() {
                peers.extend(l.prefix_list_id.clone());
            }
            format!("{proto} with {}", peers.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn ec2_2(i: &Input<'_>) -> Vec<Verdict> {
    let mut out = Vec::new();
    for g in i.region.security_groups.iter().filter(|g| g.group_name.as_deref() == Some("default")) {
        let id = g.group_id.clone().unwrap_or_default();
        let resource = ResourceRef {
            id: ec2_arn(&i.region.name, &i.global.account, "security-group", &id),
            kind: "AwsEc2SecurityGroup",
        };
        let ingress = g.ip_permissions.clone().unwrap_or_default();
        let egress = g.ip_permissions_egress.clone().unwrap_or_default();
        let mut problems = Vec::new();
        if !ingress.is_empty() {
            problems.push(format!("inbound rules ({})", rules_text(&ingress)));
        }
        if !egress.is_empty() {
            problems.push(format!("outbound rules ({})", rules_text(&egress)));
        }
        out.push(Verdict::check(
            resource,
            problems.is_empty(),
            format!("default security group {id} has no rules"),
            format!(
                "default security group {id} of {} has {}",
                g.vpc_id.clone().unwrap_or_default(),
                problems.join(" and ")
            ),
        ));
    }
    out
}

fn vpc_resource(i: &Input<'_>, vpc: &str) -> ResourceRef {
    ResourceRef { id: ec2_arn(&i.region.name, &i.global.account, "vpc", vpc), kind: "AwsEc2Vpc" }
}

fn ec2_6(i: &Input<'_>) -> Vec<Verdict> {
    let mut out = Vec::new();
    for v in &i.region.vpcs {
        let id = v.vpc_id.clone().unwrap_or_default();
        let logs: Vec<&ec2::FlowLog> =
            i.region.flow_logs.iter().filter(|f| f.resource_id.as_deref() == Some(&id)).collect();
        let good = logs.iter().find(|f| {
            f.flow_log_status.as_deref().unwrap_or("ACTIVE") == "ACTIVE"
                && matches!(f.traffic_type.as_deref(), Some("REJECT") | Some("ALL"))
        });
        let reason_fail = if logs.is_empty() {
            format!("VPC {id} has no flow log")
        } else {
            format!("VPC {id} has flow logs, but none is active and records REJECT or ALL traffic")
        };
        out.push(Verdict::check(
            vpc_resource(i, &id),
            good.is_some(),
            format!("VPC {id} has flow log {}", good.and_then(|f| f.flow_log_id.clone()).unwrap_or_default()),
            reason_fail,
        ));
    }
    out
}

fn ec2_7(i: &Input<'_>) -> Vec<Verdict> {
    vec![Verdict::check(
        i.account(),
        i.region.ebs_encryption_by_default,
        format!("EBS encryption by default is on in {}", i.region.name),
        format!("EBS encryption by default is off in {}", i.region.name),
    )]
}

fn ec2_10(i: &Input<'_>) -> Vec<Verdict> {
    endpoint_per_vpc(i, "ec2")
}

/// One verdict per VPC on whether it has a live endpoint for `com.amazonaws.<region>.<suffix>`
/// (or its `-fips` variant): EC2.10 (`ec2`) and EC2.55–EC2.60 (`ecr.api`, `ssm`, ...).
pub(crate) fn endpoint_per_vpc(i: &Input<'_>, suffix: &str) -> Vec<Verdict> {
    let service = format!("com.amazonaws.{}.{suffix}", i.region.name);
    let fips = format!("com.amazonaws.{}.{suffix}-fips", i.region.name);
    let mut out = Vec::new();
    for v in &i.region.vpcs {
        let id = v.vpc_id.clone().unwrap_or_default();
        let ep = i.region.vpc_endpoints.iter().find(|e| {
            e.vpc_id.as_deref() == Some(&id)
                && matches!(e.service_name.as_deref(), Some(s) if s == service || s == fips)
                && !matches!(
                    e.state.as_deref().map(str::to_ascii_lowercase).as_deref(),
                    Some("deleted" | "deleting" | "failed" | "rejected" | "expired")
                )
        });
        out.push(Verdict::check(
            vpc_resource(i, &id),
            ep.is_some(),
            format!(
                "VPC {id} has endpoint {} for {service}",
                ep.and_then(|e| e.vpc_endpoint_id.clone()).unwrap_or_default()
            ),
            format!("VPC {id} has no VPC endpoint for {service}"),
        ));
    }
    out
}

fn ec2_15(i: &Input<'_>) -> Vec<Verdict> {
    let mut out = Vec::new();
    for s in &i.region.subnets {
        let id = s.subnet_id.clone().unwrap_or_default();
        let arn = s.subnet_arn.clone().unwrap_or_else(|| ec2_arn(&i.region.name, &i.global.account, "subnet", &id));
        let v4 = s.map_public_ip_on_launch == Some(true);
        let v6 = s.assign_ipv6_address_on_creation == Some(true);
        let why = match (v4, v6) {
            (true, true) => "assigns public IPv4 addresses (MapPublicIpOnLaunch) and IPv6 addresses on launch",
            (true, false) => "assigns public IPv4 addresses on launch (MapPublicIpOnLaunch is true)",
            _ => "assigns IPv6 addresses on launch (AssignIpv6AddressOnCreation is true)",
        };
        out.push(Verdict::check(
            ResourceRef { id: arn, kind: "AwsEc2Subnet" },
            !v4 && !v6,
            format!("subnet {id} does not assign public addresses on launch"),
            format!("subnet {id} {why}"),
        ));
    }
    out
}

/// The first of 22/3389 an inbound entry opens to the world, if it does.
fn opens_admin_port(e: &ec2::NetworkAclEntry) -> Option<&'static str> {
    if e.egress == Some(true) || e.rule_action.as_deref() != Some("allow") {
        return None;
    }
    let world = e.cidr_block.as_deref() == Some("0.0.0.0/0") || e.ipv6_cidr_block.as_deref() == Some("::/0");
    if !world {
        return None;
    }
    match e.protocol.as_deref() {
        Some("-1") => Some("all traffic, which includes port 22"),
        Some("6") | Some("17") => {
            let (from, to) =
                e.port_range.as_ref().map(|p| (p.from.unwrap_or(0), p.to.unwrap_or(65535))).unwrap_or((0, 65535));
            if (from..=to).contains(&22) {
                Some("port 22")
            } else if (from..=to).contains(&3389) {
                Some("port 3389")
            } else {
                None
            }
        }
        _ => None,
    }
}

fn ec2_21(i: &Input<'_>) -> Vec<Verdict> {
    let mut out = Vec::new();
    for n in &i.region.network_acls {
        if i.era == Era::Current && n.is_default == Some(true) {
            continue;
        }
        let id = n.network_acl_id.clone().unwrap_or_default();
        let mut offenders: Vec<String> = Vec::new();
        let mut entries = n.entries.clone().unwrap_or_default();
        entries.sort_by_key(|e| e.rule_number.unwrap_or(0));
        for e in &entries {
            if let Some(what) = opens_admin_port(e) {
                let proto = match e.protocol.as_deref() {
                    Some("6") => "TCP",
                    Some("17") => "UDP",
                    _ => "",
                };
                let source = e.cidr_block.clone().or_else(|| e.ipv6_cidr_block.clone()).unwrap_or_default();
                let detail = if proto.is_empty() { what.to_string() } else { format!("{proto} {what}") };
                offenders.push(format!("inbound entry {} allows {source} {detail}", e.rule_number.unwrap_or(0)));
            }
        }
        let resource = ResourceRef {
            id: ec2_arn(&i.region.name, &i.global.account, "network-acl", &id),
            kind: "AwsEc2NetworkAcl",
        };
        out.push(Verdict::check(
            resource,
            offenders.is_empty(),
            format!("network ACL {id} allows neither port 22 nor 3389 from 0.0.0.0/0 or ::/0"),
            format!("network ACL {id} {}", offenders.join("; ")),
        ));
    }
    out
}

/// What one permission opens: every protocol, a TCP or UDP port range, or a protocol without
/// ports (ICMP and the others).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Opens {
    /// `-1`: all traffic, every port of every protocol.
    All,
    /// TCP (`tcp`/`6`) ports `from..=to`.
    Tcp(i32, i32),
    /// UDP (`udp`/`17`) ports `from..=to`.
    Udp(i32, i32),
    /// A protocol without ports.
    Other,
}

/// What `p` opens, its protocol read as EC2 accepts it (name or number; a missing range is all
/// ports).
pub(crate) fn opens(p: &ec2::IpPermission) -> Opens {
    let range = (p.from_port.unwrap_or(0), p.to_port.unwrap_or(65535));
    match p.ip_protocol.as_deref().unwrap_or("-1").to_ascii_lowercase().as_str() {
        "-1" | "all" => Opens::All,
        "tcp" | "6" => Opens::Tcp(range.0, range.1),
        "udp" | "17" => Opens::Udp(range.0, range.1),
        _ => Opens::Other,
    }
}

/// The world-open sources of one inbound permission in the era's reading: `0.0.0.0/0` always,
/// `::/0` in era current only, whatever its protocol and ports.
pub(crate) fn world_open_sources(p: &ec2::IpPermission, era: Era) -> Vec<String> {
    let mut out: Vec<String> =
        p.ip_ranges.iter().flatten().filter_map(|r| r.cidr_ip.clone()).filter(|c| c == "0.0.0.0/0").collect();
    if era == Era::Current {
        out.extend(p.ipv6_ranges.iter().flatten().filter_map(|r| r.cidr_ipv6.clone()).filter(|c| c == "::/0"));
    }
    out
}

/// The world-open sources of one inbound permission that reach TCP `port`, in the era's
/// reading ([`world_open_sources`]). TCP (`tcp`/`6`) and all traffic (`-1`) count; UDP and
/// ICMP cannot carry SSH or RDP.
pub(crate) fn world_sources(p: &ec2::IpPermission, port: i32, era: Era) -> Vec<String> {
    let covers = match opens(p) {
        Opens::All => true,
        Opens::Tcp(from, to) => (from..=to).contains(&port),
        Opens::Udp(..) | Opens::Other => false,
    };
    if !covers {
        return Vec::new();
    }
    world_open_sources(p, era)
}

/// The text of one permission's protocol and ports (`TCP 0-65535`, `all traffic`).
pub(crate) fn permission_text(p: &ec2::IpPermission) -> String {
    match p.ip_protocol.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("-1") | Some("all") | None => "all traffic".to_string(),
        Some("tcp") | Some("6") => {
            let (from, to) = (p.from_port.unwrap_or(0), p.to_port.unwrap_or(65535));
            if from == to {
                format!("TCP port {from}")
            } else {
                format!("TCP ports {from}-{to}")
            }
        }
        Some("udp") | Some("17") => {
            let (from, to) = (p.from_port.unwrap_or(0), p.to_port.unwrap_or(65535));
            if from == to {
                format!("UDP port {from}")
            } else {
                format!("UDP ports {from}-{to}")
            }
        }
        Some(other) => other.to_string(),
    }
}

/// EC2.13 and EC2.14: one verdict per security group on whether an inbound rule opens `port`
/// to the world.
fn open_admin_port(i: &Input<'_>, port: i32) -> Vec<Verdict> {
    let sources = if i.era == Era::Current { "0.0.0.0/0 or ::/0" } else { "0.0.0.0/0" };
    i.region
        .security_groups
        .iter()
        .map(|g| {
            let id = g.group_id.clone().unwrap_or_default();
            let offenders: Vec<String> = g
                .ip_permissions
                .iter()
                .flatten()
                .filter_map(|p| {
                    let world = world_sources(p, port, i.era);
                    (!world.is_empty()).then(|| format!("{} from {}", permission_text(p), world.join(" and ")))
                })
                .collect();
            let resource = ResourceRef {
                id: ec2_arn(&i.region.name, &i.global.account, "security-group", &id),
                kind: "AwsEc2SecurityGroup",
            };
            Verdict::check(
                resource,
                offenders.is_empty(),
                format!("security group {id} allows no inbound traffic to port {port} from {sources}"),
                format!("security group {id} allows inbound {}, which reaches port {port}", offenders.join("; ")),
            )
        })
        .collect()
}

fn ec2_13(i: &Input<'_>) -> Vec<Verdict> {
    open_admin_port(i, 22)
}

fn ec2_14(i: &Input<'_>) -> Vec<Verdict> {
    open_admin_port(i, 3389)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An inbound permission of `proto` on `ports` from the IPv4 and IPv6 ranges given.
    pub(crate) fn rule(proto: &str, ports: Option<(i32, i32)>, v4: &[&str], v6: &[&str]) -> ec2::IpPermission {
        ec2::IpPermission {
            ip_protocol: Some(proto.into()),
            from_port: ports.map(|p| p.0),
            to_port: ports.map(|p| p.1),
            ip_ranges: Some(
                v4.iter().map(|c| ec2::IpRange { cidr_ip: Some(c.to_string()), description: None }).collect(),
            ),
            ipv6_ranges: Some(
                v6.iter().map(|c| ec2::Ipv6Range { cidr_ipv6: Some(c.to_string()), description: None }).collect(),
            ),
            ..Default::default()
        }
    }

    #[test]
    fn world_sources_follow_protocol_ports_and_era() {
        let ssh = rule("tcp", Some((22, 22)), &["0.0.0.0/0", "10.0.0.0/8"], &["::/0"]);
        assert_eq!(world_sources(&ssh, 22, Era::Y2022), vec!["0.0.0.0/0"]);
        assert_eq!(world_sources(&ssh, 22, Era::Current), vec!["0.0.0.0/0", "::/0"]);
        assert!(world_sources(&ssh, 3389, Era::Current).is_empty());
        let wide = rule("6", Some((0, 65535)), &[], &["::/0"]);
        assert!(world_sources(&wide, 3389, Era::Y2022).is_empty());
        assert_eq!(world_sources(&wide, 3389, Era::Current), vec!["::/0"]);
        let all = rule("-1", None, &["0.0.0.0/0"], &[]);
        assert_eq!(world_sources(&all, 22, Era::Y2022), vec!["0.0.0.0/0"]);
        let udp = rule("udp", Some((0, 65535)), &["0.0.0.0/0"], &["::/0"]);
        assert!(world_sources(&udp, 22, Era::Current).is_empty());
        let edge = rule("tcp", Some((3389, 3390)), &["0.0.0.0/0"], &[]);
        assert_eq!(world_sources(&edge, 3389, Era::Y2022), vec!["0.0.0.0/0"]);
        let narrow = rule("tcp", Some((22, 22)), &["10.0.0.0/8"], &["2001:db8::/32"]);
        assert!(world_sources(&narrow, 22, Era::Current).is_empty());
    }
}
