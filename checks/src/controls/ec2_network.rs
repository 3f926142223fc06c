//! EC2.16, EC2.18, EC2.19: unused network ACLs, world-open ingress beyond authorized ports, and
//! high-risk ports open to the world; EC2.55, EC2.56, EC2.57, EC2.58, EC2.60: each VPC's interface
//! endpoints for ECR, Systems Manager and Incident Manager; EC2.172: VPC Block Public Access;
//! EC2.23: transit gateways that accept shared attachments automatically; EC2.51: Client VPN
//! endpoints' connection logging
//! (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html).

use super::ec2::{endpoint_per_vpc, opens, permission_text, world_open_sources, world_sources, Opens};
use super::ec2_arn;
use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};
use hubsim_api::model::ec2;
use hubsim_api::Era;

/// The TCP ports EC2.18 lets a security group open to the world: Security Hub's default
/// `authorizedTcpPorts` (https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-18);
/// no UDP port is authorized by default.
pub(crate) const AUTHORIZED_TCP_PORTS: &[i32] = &[80, 443];

/// The ports EC2.19 calls high risk (its page on
/// https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19).
pub(crate) const HIGH_RISK_PORTS: &[i32] = &[
    20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088,
    8888, 9200, 9300,
];

/// The service (suffix of `com.amazonaws.<region>.`) each endpoint control asks every VPC for.
pub(crate) const ENDPOINT_SERVICES: &[(&str, &str)] = &[
    ("EC2.55", "ecr.api"),
    ("EC2.56", "ecr.dkr"),
    ("EC2.57", "ssm"),
    ("EC2.58", "ssm-contacts"),
    ("EC2.60", "ssm-incidents"),
];

/// The endpoint control's reading, the same for the five.
const ENDPOINT_CHOICES: &str = "An endpoint for com.amazonaws.<region>.<service> (or the -fips variant, which the \
     rule's page accepts) in the VPC passes unless it is deleted, deleting, failed, rejected or expired \
     [U: required state]; its type and its security groups are not judged, as EC2.10.";

const fn endpoint_control(id: &'static str, evaluate: fn(&Input<'_>) -> Vec<Verdict>) -> Control {
    Control {
        id,
        resource_type: "AWS::EC2::VPC",
        schedule: Schedule::Periodic,
        // https://docs.aws.amazon.com/config/latest/developerguide/vpc-endpoint-enabled.html
        config_rule: Some("vpc-endpoint-enabled"),
        parameters: &[],
        choices: ENDPOINT_CHOICES,
        evaluate,
    }
}

pub(super) const CONTROLS: &[Control] = &[
    endpoint_control("EC2.55", |i| endpoint_of(i, "EC2.55")),
    endpoint_control("EC2.56", |i| endpoint_of(i, "EC2.56")),
    endpoint_control("EC2.57", |i| endpoint_of(i, "EC2.57")),
    endpoint_control("EC2.58", |i| endpoint_of(i, "EC2.58")),
    endpoint_control("EC2.60", |i| endpoint_of(i, "EC2.60")),
    Control {
        id: "EC2.23",
        resource_type: "AWS::EC2::TransitGateway",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/ec2-transit-gateway-auto-vpc-attach-disabled.html
        config_rule: Some("ec2-transit-gateway-auto-vpc-attach-disabled"),
        parameters: &[],
        choices: "A transit gateway whose AutoAcceptSharedAttachments is enable FAILS, disable PASSES; deleted \
                  gateways are not judged [I].",
        evaluate: ec2_23,
    },
    Control {
        id: "EC2.51",
        resource_type: "AWS::EC2::ClientVpnEndpoint",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/ec2-client-vpn-connection-log-enabled.html
        config_rule: Some("ec2-client-vpn-connection-log-enabled"),
        parameters: &[],
        choices: "An endpoint whose ConnectionLogOptions.Enabled is true PASSES, whatever its log group; the \
                  endpoint's status is not judged [I].",
        evaluate: ec2_51,
    },
    Control {
        id: "EC2.172",
        resource_type: "AWS::EC2::VPCBlockPublicAccessOptions",
        schedule: Schedule::ChangeTriggered,
        // The rule name is not confirmed on an AWS page hubsim could read [U].
        config_rule: Some("ec2-vpc-bpa-internet-gateway-blocked"),
        parameters: &[],
        choices: "One verdict per region on its VPC Block Public Access options: InternetGatewayBlockMode \
                  block-ingress or block-bidirectional PASSES, off FAILS, a region never configured (off, \
                  default-state) included: Security Hub's EC2.172 fails settings that are not configured to block \
                  internet gateway traffic [I]. The optional vpcBpaInternetGatewayBlockMode parameter is not \
                  offered. No fix: blocking internet gateway traffic cuts the default VPC, and every public \
                  workload, off the internet; which VPCs to exclude is the owner's choice (a justification).",
        evaluate: ec2_172,
    },
    Control {
        id: "EC2.16",
        resource_type: "AWS::EC2::NetworkAcl",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/vpc-network-acl-unused-check.html
        config_rule: Some("vpc-network-acl-unused-check"),
        parameters: &[],
        choices: "A network ACL associated with no subnet FAILS, one with at least one association PASSES (the \
                  default ACL of a VPC included). An unused default network ACL gets no finding, in both eras \
                  (Security Hub's EC2.16 page: \"doesn't generate findings for an unused default network ACL\"; AWS \
                  cannot delete it) [U for era 2022].",
        evaluate: ec2_16,
    },
    Control {
        id: "EC2.18",
        resource_type: "AWS::EC2::SecurityGroup",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/vpc-sg-open-only-to-authorized-ports.html
        config_rule: Some("vpc-sg-open-only-to-authorized-ports"),
        parameters: &[],
        choices: "authorizedTcpPorts is Security Hub's default 80,443 and no UDP port is authorized (the parameters \
                  cannot be changed yet). An inbound rule from 0.0.0.0/0 (era 2022) or 0.0.0.0/0 or ::/0 (era \
                  current: the Config rule's current page names both) fails the group when it is all traffic (-1), \
                  or TCP or UDP with a port outside the authorized ones; ICMP and other protocols without ports are \
                  not judged [I]. A group with no world-open rule PASSES (Config answers NOT_APPLICABLE for it; \
                  hubsim reports PASSED as the spec's fresh verdict does) [I].",
        evaluate: ec2_18,
    },
    Control {
        id: "EC2.19",
        resource_type: "AWS::EC2::SecurityGroup",
        schedule: Schedule::ChangeTriggered,
        // A Security Hub custom rule; no AWS Config managed rule page.
        config_rule: Some("vpc-sg-restricted-common-ports"),
        parameters: &[],
        choices: "An inbound rule fails the group when it is TCP or all traffic (-1), covers one of the 24 high-risk \
                  ports and has source 0.0.0.0/0, or ::/0 in era current (as EC2.13/EC2.14 read the eras) [I]; UDP \
                  does not count (as AWS Config's restricted-common-ports, TCP only) [I].",
        evaluate: ec2_19,
    },
];

/// EC2.55–EC2.60: each VPC's endpoint for the service [`ENDPOINT_SERVICES`] names for `control`.
fn endpoint_of(i: &Input<'_>, control: &str) -> Vec<Verdict> {
    match ENDPOINT_SERVICES.iter().find(|(id, _)| *id == control) {
        Some((_, suffix)) => endpoint_per_vpc(i, suffix),
        None => Vec::new(),
    }
}

fn ec2_23(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .network
        .transit_gateways
        .iter()
        .filter(|g| !matches!(g.state.as_deref(), Some("deleted" | "deleting")))
        .map(|g| {
            let id = g.transit_gateway_id.clone().unwrap_or_default();
            let arn = g
                .transit_gateway_arn
                .clone()
                .unwrap_or_else(|| ec2_arn(&i.region.name, &i.global.account, "transit-gateway", &id));
            let auto = g.options.as_ref().and_then(|o| o.auto_accept_shared_attachments.as_deref()) == Some("enable");
            Verdict::check(
                ResourceRef { id: arn, kind: "AwsEc2TransitGateway" },
                !auto,
                format!("transit gateway {id} does not accept shared attachments automatically"),
                format!("transit gateway {id} accepts VPC attachment requests automatically (AutoAcceptSharedAttachments is enable)"),
            )
        })
        .collect()
}

fn ec2_51(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .network
        .client_vpn_endpoints
        .iter()
        .map(|e| {
            let id = e.client_vpn_endpoint_id.clone().unwrap_or_default();
            let log = e.connection_log_options.as_ref().filter(|o| o.enabled == Some(true));
            Verdict::check(
                ResourceRef {
                    id: ec2_arn(&i.region.name, &i.global.account, "client-vpn-endpoint", &id),
                    kind: "AwsEc2ClientVpnEndpoint",
                },
                log.is_some(),
                format!(
                    "Client VPN endpoint {id} logs connections to {}",
                    log.and_then(|o| o.cloudwatch_log_group.clone()).unwrap_or_default()
                ),
                format!("Client VPN endpoint {id} does not log client connections"),
            )
        })
        .collect()
}

fn ec2_172(i: &Input<'_>) -> Vec<Verdict> {
    let (region, account) = (&i.region.name, &i.global.account);
    let mode = i
        .region
        .network
        .vpc_block_public_access
        .as_ref()
        .and_then(|o| o.internet_gateway_block_mode.clone())
        .unwrap_or_else(|| "off".into());
    let resource = ResourceRef {
        id: format!("arn:aws:ec2:{region}:{account}:vpc-block-public-access-options/{account}"),
        kind: "AwsEc2VpcBlockPublicAccessOptions",
    };
    vec![Verdict::check(
        resource,
        matches!(mode.as_str(), "block-ingress" | "block-bidirectional"),
        format!("VPC Block Public Access in {region} blocks internet gateway traffic ({mode})"),
        format!("VPC Block Public Access in {region} does not block internet gateway traffic (mode {mode})"),
    )]
}

fn sg_resource(i: &Input<'_>, id: &str) -> ResourceRef {
    ResourceRef { id: ec2_arn(&i.region.name, &i.global.account, "security-group", id), kind: "AwsEc2SecurityGroup" }
}

fn ec2_16(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .network_acls
        .iter()
        .filter_map(|n| {
            let id = n.network_acl_id.clone().unwrap_or_default();
            let subnets: Vec<String> =
                n.associations.iter().flatten().filter_map(|a| a.subnet_id.clone()).collect::<Vec<_>>();
            if subnets.is_empty() && n.is_default == Some(true) {
                return None;
            }
            Some(Verdict::check(
                ResourceRef {
                    id: ec2_arn(&i.region.name, &i.global.account, "network-acl", &id),
                    kind: "AwsEc2NetworkAcl",
                },
                !subnets.is_empty(),
                format!("network ACL {id} is associated with {}", subnets.join(", ")),
                format!("network ACL {id} of {} is associated with no subnet", n.vpc_id.clone().unwrap_or_default()),
            ))
        })
        .collect()
}

/// Whether every port of `from..=to` is in `allowed`.
fn all_allowed(from: i32, to: i32, allowed: &[i32]) -> bool {
    from <= to && (from..=to).all(|p| allowed.contains(&p))
}

/// The world-open sources of `p` when it opens more than the authorized ports (EC2.18): all
/// traffic, or a TCP/UDP range with an unauthorized port; empty when it does not.
pub(crate) fn unauthorized_world_sources(p: &ec2::IpPermission, era: Era) -> Vec<String> {
    let unauthorized = match opens(p) {
        Opens::All => true,
        Opens::Tcp(from, to) => !all_allowed(from, to, AUTHORIZED_TCP_PORTS),
        Opens::Udp(from, to) => !all_allowed(from, to, &[]),
        Opens::Other => false,
    };
    if unauthorized {
        world_open_sources(p, era)
    } else {
        Vec::new()
    }
}

/// The world-open sources of `p` that reach a high-risk port (EC2.19), and the first such port.
pub(crate) fn high_risk_world_sources(p: &ec2::IpPermission, era: Era) -> Option<(i32, Vec<String>)> {
    HIGH_RISK_PORTS.iter().find_map(|&port| {
        let world = world_sources(p, port, era);
        (!world.is_empty()).then_some((port, world))
    })
}

fn sources_text(era: Era) -> &'static str {
    if era == Era::Current {
        "0.0.0.0/0 or ::/0"
    } else {
        "0.0.0.0/0"
    }
}

/// One verdict per security group: PASSED when none of its inbound permissions is an offender
/// (`offence` describes one that is), else FAILED listing them.
fn per_group(
    i: &Input<'_>,
    offence: impl Fn(&ec2::IpPermission) -> Option<String>,
    pass: impl Fn(&str) -> String,
    fail: impl Fn(&str, &str) -> String,
) -> Vec<Verdict> {
    i.region
        .security_groups
        .iter()
        .map(|g| {
            let id = g.group_id.clone().unwrap_or_default();
            let offenders: Vec<String> = g.ip_permissions.iter().flatten().filter_map(&offence).collect();
            Verdict::check(sg_resource(i, &id), offenders.is_empty(), pass(&id), fail(&id, &offenders.join("; ")))
        })
        .collect()
}

fn ec2_18(i: &Input<'_>) -> Vec<Verdict> {
    per_group(
        i,
        |p| {
            let world = unauthorized_world_sources(p, i.era);
            (!world.is_empty()).then(|| format!("{} from {}", permission_text(p), world.join(" and ")))
        },
        |id| {
            format!("security group {id} opens to {} no port beyond the authorized TCP 80 and 443", sources_text(i.era))
        },
        |id, offenders| {
            format!("security group {id} allows inbound {offenders}, beyond the authorized TCP ports 80 and 443")
        },
    )
}

fn ec2_19(i: &Input<'_>) -> Vec<Verdict> {
    per_group(
        i,
        |p| {
            high_risk_world_sources(p, i.era).map(|(port, world)| {
                format!("{} from {} (reaches high-risk port {port})", permission_text(p), world.join(" and "))
            })
        },
        |id| format!("security group {id} opens no high-risk port to {}", sources_text(i.era)),
        |id, offenders| format!("security group {id} allows inbound {offenders}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::ec2::tests::rule;

    #[test]
    fn authorized_ports_pass_and_anything_else_open_to_the_world_fails() {
        let https = rule("tcp", Some((443, 443)), &["0.0.0.0/0"], &["::/0"]);
        assert!(unauthorized_world_sources(&https, Era::Current).is_empty());
        let web = rule("6", Some((80, 80)), &["0.0.0.0/0"], &[]);
        assert!(unauthorized_world_sources(&web, Era::Y2022).is_empty());
        // 80-443 covers 81..442, none authorized.
        let span = rule("tcp", Some((80, 443)), &["0.0.0.0/0"], &[]);
        assert_eq!(unauthorized_world_sources(&span, Era::Y2022), vec!["0.0.0.0/0"]);
        let all = rule("-1", None, &["0.0.0.0/0"], &[]);
        assert_eq!(unauthorized_world_sources(&all, Era::Y2022), vec!["0.0.0.0/0"]);
        // No UDP port is authorized, not even 443.
        let quic = rule("udp", Some((443, 443)), &["0.0.0.0/0"], &[]);
        assert_eq!(unauthorized_world_sources(&quic, Era::Y2022), vec!["0.0.0.0/0"]);
        // ::/0 counts in era current only.
        let mysql6 = rule("tcp", Some((3306, 3306)), &[], &["::/0"]);
        assert!(unauthorized_world_sources(&mysql6, Era::Y2022).is_empty());
        assert_eq!(unauthorized_world_sources(&mysql6, Era::Current), vec!["::/0"]);
        // Narrow sources and ICMP are not judged.
        let narrow = rule("tcp", Some((0, 65535)), &["10.0.0.0/8"], &["2001:db8::/32"]);
        assert!(unauthorized_world_sources(&narrow, Era::Current).is_empty());
        let icmp = rule("icmp", Some((-1, -1)), &["0.0.0.0/0"], &[]);
        assert!(unauthorized_world_sources(&icmp, Era::Y2022).is_empty());
    }

    #[test]
    fn high_risk_ports_are_found_inside_ranges() {
        let mysql6 = rule("tcp", Some((3306, 3306)), &[], &["::/0"]);
        assert_eq!(high_risk_world_sources(&mysql6, Era::Current), Some((3306, vec!["::/0".to_string()])));
        assert_eq!(high_risk_world_sources(&mysql6, Era::Y2022), None);
        let range = rule("tcp", Some((9000, 9250)), &["0.0.0.0/0"], &[]);
        assert_eq!(high_risk_world_sources(&range, Era::Y2022).map(|r| r.0), Some(9200));
        let gap = rule("tcp", Some((9201, 9299)), &["0.0.0.0/0"], &[]);
        assert_eq!(high_risk_world_sources(&gap, Era::Y2022), None);
        let all = rule("-1", None, &["0.0.0.0/0"], &[]);
        assert_eq!(high_risk_world_sources(&all, Era::Y2022).map(|r| r.0), Some(20));
        let https = rule("tcp", Some((443, 443)), &["0.0.0.0/0"], &[]);
        assert_eq!(high_risk_world_sources(&https, Era::Y2022), None);
        let udp = rule("udp", Some((0, 65535)), &["0.0.0.0/0"], &[]);
        assert_eq!(high_risk_world_sources(&udp, Era::Y2022), None);
    }
}
