//! EC2.2, EC2.6, EC2.7, EC2.10, EC2.13, EC2.14, EC2.15, EC2.21: default security groups, flow
//! logs, EBS default encryption, the EC2 interface endpoint, SSH and RDP open to the world,
//! subnets' public addresses and network ACLs
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html>).

use hubsim_api::model::ec2;
use hubsim_api::AwsApi;

use super::{id_after, Done, Fix, How, Scope, Target};
use crate::controls::world_sources;
use crate::remediate::fixer::Fixer;
use crate::remediate::support::{self, names};
use crate::remediate::Failed;

/// The EC2 fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![
        Fix {
            control: "EC2.2",
            iam_actions: &["ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"],
            scope: Scope::Resource,
            // Keeps the established order (no AWS dependency): subnets, then default security
            // groups, then network ACLs.
            after: &["EC2.15"],
            how: How::Calls(ec2_2),
        },
        Fix {
            control: "EC2.6",
            iam_actions: &[
                "ec2:CreateFlowLogs",
                "logs:CreateLogGroup",
                "iam:CreateRole",
                "iam:PutRolePolicy",
                "iam:PassRole",
                // Reads: whether the log group and role exist.
                "logs:DescribeLogGroups",
                "iam:GetRole",
            ],
            scope: Scope::Resource,
            // Keeps the established order (no AWS dependency): resources' logging after the
            // account's logging and recording services.
            after: &["Config.1"],
            how: How::Calls(ec2_6),
        },
        Fix {
            control: "EC2.7",
            iam_actions: &["ec2:EnableEbsEncryptionByDefault"],
            // A regional default.
            scope: Scope::Region,
            // Keeps the established order (no AWS dependency): regional defaults after the
            // account-wide settings.
            after: &["S3.1"],
            how: How::Calls(ec2_7),
        },
        Fix {
            control: "EC2.10",
            iam_actions: &[
                "ec2:CreateVpcEndpoint",
                "ec2:CreateSecurityGroup",
                "ec2:AuthorizeSecurityGroupIngress",
                // Reads: whether the VPC resolves DNS, for the endpoint's private DNS; whether
                // the endpoint's security group exists.
                "ec2:DescribeVpcAttribute",
                "ec2:DescribeSecurityGroups",
            ],
            scope: Scope::Resource,
            // Keeps the established order (no AWS dependency): after the VPCs' flow logs.
            after: &["EC2.6"],
            how: How::Calls(ec2_10),
        },
        Fix {
            control: "EC2.13",
            // DescribeSecurityGroups reads the group as it is now.
            iam_actions: &["ec2:RevokeSecurityGroupIngress", "ec2:DescribeSecurityGroups"],
            scope: Scope::Resource,
            // EC2.2's fix removes every rule of a default group: what is left for this one is read
            // after it, so neither revokes a rule the other already removed.
            after: &["EC2.2"],
            how: How::Calls(ec2_13),
        },
        Fix {
            control: "EC2.14",
            iam_actions: &["ec2:RevokeSecurityGroupIngress", "ec2:DescribeSecurityGroups"],
            scope: Scope::Resource,
            // A rule open on all ports fails both EC2.13 and EC2.14: EC2.13's fix revokes it first
            // and this one reads the group after it.
            after: &["EC2.13"],
            how: How::Calls(ec2_14),
        },
        Fix {
            control: "EC2.15",
            iam_actions: &["ec2:ModifySubnetAttribute"],
            scope: Scope::Resource,
            // Keeps the established order (no AWS dependency): network exposure after the
            // regional EBS default.
            after: &["EC2.7"],
            how: How::Calls(ec2_15),
        },
        Fix {
            control: "EC2.21",
            iam_actions: &["ec2:ReplaceNetworkAclEntry", "ec2:CreateNetworkAclEntry"],
            scope: Scope::Resource,
            // Keeps the established order (no AWS dependency): network ACLs after the default
            // security groups.
            after: &["EC2.2"],
            how: How::Calls(ec2_21),
        },
    ]
}

fn ec2_2<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (snap, region, group) = (target.snapshot, target.region, id_after(target.resource, "security-group/"));
    let g = snap
        .regions
        .iter()
        .find(|r| r.name == region)
        .and_then(|r| r.security_groups.iter().find(|g| g.group_id.as_deref() == Some(group)));
    let Some(g) = g else { return Ok(Done::Applied) };
    let note =
        Some("EC2.2 demands that the default security group allow no traffic: its rules are removed".to_string());
    if let Some(ingress) = g.ip_permissions.clone().filter(|p| !p.is_empty()) {
        f.call_noted::<ec2::RevokeSecurityGroupIngress>(
            region,
            ec2::RevokeSecurityGroupIngressRequest {
                group_id: Some(group.into()),
                ip_permissions: Some(ingress),
                ..Default::default()
            },
            note.clone(),
        )?;
    }
    if let Some(egress) = g.ip_permissions_egress.clone().filter(|p| !p.is_empty()) {
        f.call_noted::<ec2::RevokeSecurityGroupEgress>(
            region,
            ec2::RevokeSecurityGroupEgressRequest {
                group_id: group.into(),
                ip_permissions: Some(egress),
                ..Default::default()
            },
            note,
        )?;
    }
    Ok(Done::Applied)
}

fn ec2_6<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (region, vpc) = (target.region, id_after(target.resource, "vpc/"));
    let group = support::log_group(f, region, names::FLOW_LOG_GROUP)?;
    let role = support::role(
        f,
        names::FLOW_ROLE,
        "vpc-flow-logs.amazonaws.com",
        &[
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "logs:DescribeLogGroups",
            "logs:DescribeLogStreams",
        ],
        "*",
    )?;
    let _ = group;
    let out = f.call::<ec2::CreateFlowLogs>(
        region,
        ec2::CreateFlowLogsRequest {
            resource_ids: vec![vpc.into()],
            resource_type: "VPC".into(),
            traffic_type: Some("REJECT".into()),
            log_destination_type: Some("cloud-watch-logs".into()),
            log_group_name: Some(names::FLOW_LOG_GROUP.into()),
            deliver_logs_permission_arn: Some(role),
            ..Default::default()
        },
    )?;
    if let Some(u) = out.unsuccessful.as_ref().and_then(|u| u.first()) {
        let err = u.error.clone().unwrap_or_default();
        return Err(Failed {
            call: "ec2:CreateFlowLogs".into(),
            error: hubsim_api::AwsError::bad_request(err.code.unwrap_or_default(), err.message.unwrap_or_default()),
        });
    }
    Ok(Done::Applied)
}

fn ec2_7<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    f.call::<ec2::EnableEbsEncryptionByDefault>(target.region, Default::default())?;
    Ok(Done::Applied)
}

fn ec2_10<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let group = EndpointGroup {
        name: "hubsim-ec2-endpoint",
        description: "HTTPS from the VPC to the EC2 interface endpoint (hubsim, EC2.10)",
    };
    interface_endpoint(f, target, "ec2", &group)
}

/// The security group an interface endpoint fix gives its endpoint: one per VPC and name,
/// inbound HTTPS from the VPC's CIDR only (so EC2.2, EC2.18, EC2.19 keep passing).
pub(super) struct EndpointGroup {
    /// Its name in the VPC.
    pub name: &'static str,
    /// Its description.
    pub description: &'static str,
}

/// Creates an interface endpoint for `com.amazonaws.<region>.<suffix>` in the VPC of
/// `target.resource`: one subnet per availability zone, the security group `group` (found, read
/// now since another fix of the round may have created it, or created with HTTPS from the VPC),
/// private DNS when the VPC resolves DNS names.
pub(super) fn interface_endpoint<A: AwsApi>(
    f: &mut Fixer<'_, A>,
    target: &Target<'_>,
    suffix: &str,
    group: &EndpointGroup,
) -> Result<Done, Failed> {
    let (snap, region, vpc) = (target.snapshot, target.region, id_after(target.resource, "vpc/"));
    let here = snap.regions.iter().find(|r| r.name == region);
    let cidr = here
        .and_then(|r| r.vpcs.iter().find(|v| v.vpc_id.as_deref() == Some(vpc)))
        .and_then(|v| v.cidr_block.clone())
        .unwrap_or_default();
    let mut subnets: Vec<(String, String)> = here
        .map(|r| {
            r.subnets
                .iter()
                .filter(|s| s.vpc_id.as_deref() == Some(vpc))
                .map(|s| (s.availability_zone.clone().unwrap_or_default(), s.subnet_id.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    subnets.sort();
    subnets.dedup_by(|a, b| a.0 == b.0);
    let filter = |name: &str, value: &str| ec2::Filter { name: Some(name.into()), values: Some(vec![value.into()]) };
    let existing = f
        .read::<ec2::DescribeSecurityGroups>(
            region,
            ec2::DescribeSecurityGroupsRequest {
                filters: Some(vec![filter("vpc-id", vpc), filter("group-name", group.name)]),
                ..Default::default()
            },
        )
        .map_err(|error| Failed { call: "ec2:DescribeSecurityGroups".into(), error })?
        .security_groups
        .unwrap_or_default()
        .into_iter()
        .find_map(|g| g.group_id);
    let group = match existing {
        Some(g) => g,
        None => {
            let g = f
                .call::<ec2::CreateSecurityGroup>(
                    region,
                    ec2::CreateSecurityGroupRequest {
                        description: group.description.into(),
                        group_name: group.name.into(),
                        vpc_id: Some(vpc.into()),
                        ..Default::default()
                    },
                )?
                .group_id
                .unwrap_or_default();
            f.call::<ec2::AuthorizeSecurityGroupIngress>(
                region,
                ec2::AuthorizeSecurityGroupIngressRequest {
                    group_id: Some(g.clone()),
                    ip_permissions: Some(vec![ec2::IpPermission {
                        ip_protocol: Some("tcp".into()),
                        from_port: Some(443),
                        to_port: Some(443),
                        ip_ranges: Some(vec![ec2::IpRange {
                            cidr_ip: Some(cidr.clone()),
                            description: Some("the VPC".into()),
                        }]),
                        ..Default::default()
                    }]),
                    ..Default::default()
                },
            )?;
            g
        }
    };
    let mut attr = |name: &str| -> bool {
        let out = f.read::<ec2::DescribeVpcAttribute>(
            region,
            ec2::DescribeVpcAttributeRequest { attribute: name.into(), vpc_id: vpc.into(), ..Default::default() },
        );
        out.ok()
            .map(|o| match name {
                "enableDnsSupport" => o.enable_dns_support.and_then(|v| v.value).unwrap_or(false),
                _ => o.enable_dns_hostnames.and_then(|v| v.value).unwrap_or(false),
            })
            .unwrap_or(false)
    };
    let private_dns = attr("enableDnsSupport") && attr("enableDnsHostnames");
    f.call::<ec2::CreateVpcEndpoint>(
        region,
        ec2::CreateVpcEndpointRequest {
            vpc_endpoint_type: Some("Interface".into()),
            vpc_id: vpc.into(),
            service_name: Some(format!("com.amazonaws.{region}.{suffix}")),
            subnet_ids: Some(subnets.into_iter().map(|(_, s)| s).collect()),
            security_group_ids: Some(vec![group]),
            private_dns_enabled: Some(private_dns),
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}

/// The world-open sources of one inbound permission that a fix revokes, in an era.
pub(super) type SourcesToRevoke = Box<dyn Fn(&ec2::IpPermission, hubsim_api::Era) -> Vec<String>>;

/// Which world-open sources of one inbound permission a fix revokes (empty: none), and the
/// words its transcript note uses for why.
pub(super) struct Offending {
    /// The control whose fix revokes (`EC2.13`).
    pub control: &'static str,
    /// What the control demands, for the note ("no inbound rule open port 22 to the world").
    pub demand: String,
    /// The sources of a permission to revoke, in the fixer's era.
    pub sources: SourcesToRevoke,
    /// What the note adds about one revoked permission (a range revoked whole), if anything.
    pub remark: fn(&ec2::IpPermission) -> Option<String>,
}

/// Revokes, from group `target.resource`, the world-open sources `offending` picks in each
/// inbound rule, and nothing else: the rule's other sources, and every other rule, stay. The
/// group is read now, not taken from the round's snapshot (EC2.2's or EC2.13's fix may have
/// changed it since). Each revocation names what it removed in its transcript note.
pub(super) fn revoke_world_open<A: AwsApi>(
    f: &mut Fixer<'_, A>,
    target: &Target<'_>,
    offending: &Offending,
) -> Result<Done, Failed> {
    let (region, group) = (target.region, id_after(target.resource, "security-group/"));
    let found = f.read::<ec2::DescribeSecurityGroups>(
        region,
        ec2::DescribeSecurityGroupsRequest { group_ids: Some(vec![group.into()]), ..Default::default() },
    );
    let g = match found {
        Ok(out) => out.security_groups.unwrap_or_default().into_iter().next(),
        // The group is gone: nothing is left to narrow.
        Err(e) if e.code == "InvalidGroup.NotFound" => None,
        Err(error) => return Err(Failed { call: "ec2:DescribeSecurityGroups".into(), error }),
    };
    let Some(g) = g else { return Ok(Done::Applied) };
    let era = f.era;
    for p in g.ip_permissions.unwrap_or_default() {
        let world = (offending.sources)(&p, era);
        if world.is_empty() {
            continue;
        }
        let narrowed = ec2::IpPermission {
            ip_protocol: p.ip_protocol.clone(),
            from_port: p.from_port,
            to_port: p.to_port,
            ip_ranges: Some(
                p.ip_ranges
                    .iter()
                    .flatten()
                    .filter(|r| r.cidr_ip.as_ref().is_some_and(|c| world.contains(c)))
                    .cloned()
                    .collect(),
            )
            .filter(|v: &Vec<ec2::IpRange>| !v.is_empty()),
            ipv6_ranges: Some(
                p.ipv6_ranges
                    .iter()
                    .flatten()
                    .filter(|r| r.cidr_ipv6.as_ref().is_some_and(|c| world.contains(c)))
                    .cloned()
                    .collect(),
            )
            .filter(|v: &Vec<ec2::Ipv6Range>| !v.is_empty()),
            ..Default::default()
        };
        let ports = match (p.from_port, p.to_port) {
            (Some(a), Some(b)) if p.ip_protocol.as_deref() != Some("-1") => format!(" ports {a}-{b}"),
            _ => String::new(),
        };
        let remark = (offending.remark)(&p).map(|r| format!("; {r}")).unwrap_or_default();
        let note = format!(
            "{} demands {}: removed {} {}{ports} from {}; the rule's other sources and the group's other rules \
             are kept{remark}",
            offending.control,
            offending.demand,
            group,
            p.ip_protocol.as_deref().map(|x| if x == "-1" { "all traffic" } else { x }).unwrap_or("all traffic"),
            world.join(" and "),
        );
        f.call_noted::<ec2::RevokeSecurityGroupIngress>(
            region,
            ec2::RevokeSecurityGroupIngressRequest {
                group_id: Some(group.into()),
                ip_permissions: Some(vec![narrowed]),
                ..Default::default()
            },
            Some(note),
        )?;
    }
    Ok(Done::Applied)
}

/// The fix of EC2.13 (port 22) or EC2.14 (port 3389): the world-open sources that reach `port`.
fn revoke_admin_port<A: AwsApi>(
    f: &mut Fixer<'_, A>,
    target: &Target<'_>,
    control: &'static str,
    port: i32,
) -> Result<Done, Failed> {
    let offending = Offending {
        control,
        demand: format!("that no inbound rule open port {port} to the world"),
        sources: Box::new(move |p, era| world_sources(p, port, era)),
        remark: |_| None,
    };
    revoke_world_open(f, target, &offending)
}

fn ec2_13<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    revoke_admin_port(f, target, "EC2.13", 22)
}

fn ec2_14<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    revoke_admin_port(f, target, "EC2.14", 3389)
}

fn ec2_15<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (snap, region, subnet) = (target.snapshot, target.region, id_after(target.resource, "subnet/"));
    let s = snap
        .regions
        .iter()
        .find(|r| r.name == region)
        .and_then(|r| r.subnets.iter().find(|s| s.subnet_id.as_deref() == Some(subnet)));
    let Some(s) = s else { return Ok(Done::Applied) };
    if s.map_public_ip_on_launch == Some(true) {
        f.call::<ec2::ModifySubnetAttribute>(
            region,
            ec2::ModifySubnetAttributeRequest {
                subnet_id: subnet.into(),
                map_public_ip_on_launch: Some(ec2::AttributeBooleanValue { value: Some(false) }),
                ..Default::default()
            },
        )?;
    }
    if s.assign_ipv6_address_on_creation == Some(true) {
        f.call::<ec2::ModifySubnetAttribute>(
            region,
            ec2::ModifySubnetAttributeRequest {
                subnet_id: subnet.into(),
                assign_ipv6_address_on_creation: Some(ec2::AttributeBooleanValue { value: Some(false) }),
                ..Default::default()
            },
        )?;
    }
    Ok(Done::Applied)
}

/// Port ranges of `[from, to]` without 22 and 3389.
fn without_admin_ports(from: i32, to: i32) -> Vec<(i32, i32)> {
    let mut out = Vec::new();
    let mut start = from;
    for p in [22, 3389] {
        if p < start || p > to {
            continue;
        }
        if start < p {
            out.push((start, p - 1));
        }
        start = p + 1;
    }
    if start <= to {
        out.push((start, to));
    }
    out
}

fn ec2_21<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (snap, region, acl) = (target.snapshot, target.region, id_after(target.resource, "network-acl/"));
    let n = snap
        .regions
        .iter()
        .find(|r| r.name == region)
        .and_then(|r| r.network_acls.iter().find(|n| n.network_acl_id.as_deref() == Some(acl)));
    let Some(n) = n else { return Ok(Done::Applied) };
    let entries = n.entries.clone().unwrap_or_default();
    let mut used: Vec<i32> = entries.iter().filter(|e| e.egress != Some(true)).filter_map(|e| e.rule_number).collect();
    for e in entries.iter().filter(|e| e.egress != Some(true) && e.rule_action.as_deref() == Some("allow")) {
        let v6 = e.ipv6_cidr_block.as_deref() == Some("::/0");
        let world = e.cidr_block.as_deref() == Some("0.0.0.0/0") || v6;
        let number = e.rule_number.unwrap_or(0);
        if !world || number >= 32767 {
            continue;
        }
        // The allowed (protocol, ports) that replace this entry: the same traffic minus 22 and 3389.
        let mut replacement: Vec<(String, Option<(i32, i32)>)> = Vec::new();
        match e.protocol.as_deref() {
            Some("-1") => {
                for proto in ["6", "17"] {
                    for r in without_admin_ports(0, 65535) {
                        replacement.push((proto.to_string(), Some(r)));
                    }
                }
                replacement.push((if v6 { "58".to_string() } else { "1".to_string() }, None));
            }
            Some(p @ ("6" | "17")) => {
                let (from, to) =
                    e.port_range.as_ref().map(|r| (r.from.unwrap_or(0), r.to.unwrap_or(65535))).unwrap_or((0, 65535));
                let narrowed = without_admin_ports(from, to);
                if narrowed.len() == 1 && narrowed[0] == (from, to) {
                    continue;
                }
                for r in narrowed {
                    replacement.push((p.to_string(), Some(r)));
                }
            }
            _ => continue,
        }
        let note = Some(format!(
            "EC2.21 demands that no inbound entry allow {} to ports 22 or 3389: entry {number} is narrowed, never widened",
            if v6 { "::/0" } else { "0.0.0.0/0" }
        ));
        let entry = |number: i32, proto: &str, ports: Option<(i32, i32)>| {
            (
                number,
                proto.to_string(),
                ports.map(|(a, b)| ec2::PortRange { from: Some(a), to: Some(b) }),
                (proto == "1" || proto == "58").then_some(ec2::IcmpTypeCode { code: Some(-1), type_: Some(-1) }),
            )
        };
        if replacement.is_empty() {
            // Nothing left to allow: a deny keeps the number and narrows to nothing.
            f.call_noted::<ec2::ReplaceNetworkAclEntry>(
                region,
                ec2::ReplaceNetworkAclEntryRequest {
                    network_acl_id: acl.into(),
                    rule_number: number,
                    protocol: e.protocol.clone().unwrap_or_default(),
                    rule_action: "deny".into(),
                    egress: false,
                    cidr_block: e.cidr_block.clone(),
                    ipv6_cidr_block: e.ipv6_cidr_block.clone(),
                    port_range: e.port_range.clone(),
                    ..Default::default()
                },
                note,
            )?;
            continue;
        }
        let mut numbers = vec![number];
        let mut candidate = number;
        while numbers.len() < replacement.len() {
            candidate += 1;
            if candidate > 32766 {
                break;
            }
            if !used.contains(&candidate) {
                numbers.push(candidate);
                used.push(candidate);
            }
        }
        if numbers.len() < replacement.len() {
            return Err(Failed {
                call: "ec2:CreateNetworkAclEntry".into(),
                error: hubsim_api::AwsError::bad_request(
                    "NetworkAclEntryLimitExceeded",
                    "no free rule numbers after the entry to narrow",
                ),
            });
        }
        for (i, (proto, ports)) in replacement.iter().enumerate() {
            let (num, proto, port_range, icmp) = entry(numbers[i], proto, *ports);
            if i == 0 {
                f.call_noted::<ec2::ReplaceNetworkAclEntry>(
                    region,
                    ec2::ReplaceNetworkAclEntryRequest {
                        network_acl_id: acl.into(),
                        rule_number: num,
                        protocol: proto,
                        rule_action: "allow".into(),
                        egress: false,
                        cidr_block: e.cidr_block.clone(),
                        ipv6_cidr_block: e.ipv6_cidr_block.clone(),
                        port_range,
                        icmp_type_code: icmp,
                        ..Default::default()
                    },
                    note.clone(),
                )?;
            } else {
                f.call::<ec2::CreateNetworkAclEntry>(
                    region,
                    ec2::CreateNetworkAclEntryRequest {
                        network_acl_id: acl.into(),
                        rule_number: num,
                        protocol: proto,
                        rule_action: "allow".into(),
                        egress: false,
                        cidr_block: e.cidr_block.clone(),
                        ipv6_cidr_block: e.ipv6_cidr_block.clone(),
                        port_range,
                        icmp_type_code: icmp,
                        ..Default::default()
                    },
                )?;
            }
        }
    }
    Ok(Done::Applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_ports_are_cut_out() {
        assert_eq!(without_admin_ports(0, 65535), vec![(0, 21), (23, 3388), (3390, 65535)]);
        assert_eq!(without_admin_ports(22, 22), vec![]);
        assert_eq!(without_admin_ports(20, 30), vec![(20, 21), (23, 30)]);
        assert_eq!(without_admin_ports(80, 80), vec![(80, 80)]);
        assert_eq!(without_admin_ports(3389, 4000), vec![(3390, 4000)]);
    }
}
