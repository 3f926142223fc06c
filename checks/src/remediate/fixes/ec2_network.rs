//! EC2.16, EC2.18, EC2.19: an unused custom network ACL is deleted, world-open ingress beyond
//! the authorized ports and to high-risk ports is revoked
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html>).

use hubsim_api::model::ec2;
use hubsim_api::AwsApi;

use super::ec2::{interface_endpoint, revoke_world_open, EndpointGroup, Offending};
use super::{id_after, Done, Fix, How, Scope, Target};
use crate::controls::{
    high_risk_world_sources, opens, unauthorized_world_sources, Opens, AUTHORIZED_TCP_PORTS, ENDPOINT_SERVICES,
};
use crate::remediate::fixer::Fixer;
use crate::remediate::support;
use crate::remediate::{Failed, Justification};
use crate::snapshot::Snapshot;

/// The network fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    let mut out = vec![
        Fix {
            control: "EC2.16",
            // DescribeNetworkAcls reads the ACL as it is now: only an ACL still unassociated and
            // not its VPC's default is deleted.
            iam_actions: &["ec2:DeleteNetworkAcl", "ec2:DescribeNetworkAcls"],
            scope: Scope::Resource,
            // EC2.21's fix narrows the entries of the ACLs it judged, unassociated ones included:
            // it must find them before this fix deletes them.
            after: &["EC2.21"],
            how: How::Calls(ec2_16),
        },
        Fix {
            control: "EC2.18",
            iam_actions: &["ec2:RevokeSecurityGroupIngress", "ec2:DescribeSecurityGroups"],
            scope: Scope::Resource,
            // EC2.13's and EC2.14's fixes revoke world-open rules that also fail this control;
            // this one reads the group after them, so no rule is revoked twice.
            after: &["EC2.14"],
            how: How::Calls(ec2_18),
        },
        Fix {
            control: "EC2.19",
            iam_actions: &["ec2:RevokeSecurityGroupIngress", "ec2:DescribeSecurityGroups"],
            scope: Scope::Resource,
            // EC2.18's fix already revokes every world-open rule beyond 80 and 443 (each
            // high-risk port is one); this one reads the group after it.
            after: &["EC2.18"],
            how: How::Calls(ec2_19),
        },
    ];
    out.push(Fix {
        control: "EC2.23",
        iam_actions: &["ec2:ModifyTransitGateway"],
        scope: Scope::Resource,
        // Keeps the established order (no AWS dependency): network exposure after the
        // network ACLs.
        after: &["EC2.21"],
        how: How::Calls(ec2_23),
    });
    out.push(Fix {
        control: "EC2.51",
        // support::log_group reads the group and creates it when missing.
        iam_actions: &["ec2:ModifyClientVpnEndpoint", "logs:CreateLogGroup", "logs:DescribeLogGroups"],
        scope: Scope::Resource,
        // Keeps the established order (no AWS dependency): resources' logging after the
        // account's logging and recording services, beside the VPCs' flow logs.
        after: &["EC2.6"],
        how: How::Calls(ec2_51),
    });
    out.push(Fix {
        control: "EC2.172",
        iam_actions: &[],
        scope: Scope::Region,
        after: &[],
        how: How::Justified(Justification::InternetGatewaysOpen),
    });
    let endpoint = |control: &'static str, how: super::Apply<A>| Fix {
        control,
        iam_actions: &[
            "ec2:CreateVpcEndpoint",
            "ec2:CreateSecurityGroup",
            "ec2:AuthorizeSecurityGroupIngress",
            // Reads: whether the VPC resolves DNS, for the endpoint's private DNS; whether
            // the endpoints' security group exists.
            "ec2:DescribeVpcAttribute",
            "ec2:DescribeSecurityGroups",
        ],
        scope: Scope::Resource,
        // Keeps the established order (no AWS dependency): after EC2.10's endpoint.
        after: &["EC2.10"],
        how: How::Calls(how),
    };
    out.push(endpoint("EC2.55", |f, t| service_endpoint(f, t, "EC2.55")));
    out.push(endpoint("EC2.56", |f, t| service_endpoint(f, t, "EC2.56")));
    out.push(endpoint("EC2.57", |f, t| service_endpoint(f, t, "EC2.57")));
    out.push(endpoint("EC2.58", |f, t| service_endpoint(f, t, "EC2.58")));
    out.push(endpoint("EC2.60", |f, t| service_endpoint(f, t, "EC2.60")));
    out
}

/// The interface endpoint EC2.55–EC2.60 ask of each VPC, with the security group the five share
/// per VPC (HTTPS from the VPC), as EC2.10's fix makes its own.
fn service_endpoint<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>, control: &str) -> Result<Done, Failed> {
    let Some((_, suffix)) = ENDPOINT_SERVICES.iter().find(|(id, _)| *id == control) else {
        return Ok(Done::Applied);
    };
    let group = EndpointGroup {
        name: "hubsim-service-endpoints",
        description: "HTTPS from the VPC to the ECR and Systems Manager interface endpoints (hubsim, EC2.55-EC2.60)",
    };
    interface_endpoint(f, target, suffix, &group)
}

/// EC2.172's justification holds while the finding's region still does not block internet
/// gateway traffic (its mode is `off`); the others are not this file's.
pub(super) fn precondition(j: &Justification, snapshot: &Snapshot, resource: &str) -> Result<(), String> {
    if !matches!(j, Justification::InternetGatewaysOpen) {
        return Ok(());
    }
    // arn:aws:ec2:<region>:<account>:vpc-block-public-access-options/<account>
    let region = resource.split(':').nth(3).unwrap_or_default();
    let mode = snapshot
        .regions
        .iter()
        .find(|r| r.name == region)
        .and_then(|r| r.network.vpc_block_public_access.as_ref())
        .and_then(|o| o.internet_gateway_block_mode.clone())
        .unwrap_or_else(|| "off".into());
    if mode == "off" {
        Ok(())
    } else {
        Err(format!("VPC Block Public Access in {region} is now {mode}: nothing is left to justify"))
    }
}

/// Turns off automatic acceptance of shared attachments: attachments already made stay, new
/// ones wait for the owner's acceptance.
fn ec2_23<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (region, tgw) = (target.region, id_after(target.resource, "transit-gateway/"));
    f.call::<ec2::ModifyTransitGateway>(
        region,
        ec2::ModifyTransitGatewayRequest {
            transit_gateway_id: tgw.into(),
            options: Some(ec2::ModifyTransitGatewayOptions {
                auto_accept_shared_attachments: Some("disable".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}

/// The log group EC2.51's fix sends Client VPN connection logs to.
const CLIENT_VPN_LOG_GROUP: &str = "hubsim/client-vpn-connections";

/// Turns on connection logging to [`CLIENT_VPN_LOG_GROUP`] (created if missing); nothing else of
/// the endpoint changes.
fn ec2_51<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (region, endpoint) = (target.region, id_after(target.resource, "client-vpn-endpoint/"));
    support::log_group(f, region, CLIENT_VPN_LOG_GROUP)?;
    f.call::<ec2::ModifyClientVpnEndpoint>(
        region,
        ec2::ModifyClientVpnEndpointRequest {
            client_vpn_endpoint_id: endpoint.into(),
            connection_log_options: Some(ec2::ConnectionLogOptions {
                enabled: Some(true),
                cloudwatch_log_group: Some(CLIENT_VPN_LOG_GROUP.into()),
                cloudwatch_log_stream: None,
            }),
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}

/// Deletes the network ACL of the finding if it is, now, associated with no subnet and not its
/// VPC's default (AWS refuses to delete either: DependencyViolation, InvalidParameterValue); the
/// transcript says why it is unused.
fn ec2_16<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (region, acl) = (target.region, id_after(target.resource, "network-acl/"));
    let found = f.read::<ec2::DescribeNetworkAcls>(
        region,
        ec2::DescribeNetworkAclsRequest { network_acl_ids: Some(vec![acl.into()]), ..Default::default() },
    );
    let n = match found {
        Ok(out) => out.network_acls.unwrap_or_default().into_iter().next(),
        // Already gone: nothing is left to remove.
        Err(e) if e.code == "InvalidNetworkAclID.NotFound" => None,
        Err(error) => return Err(Failed { call: "ec2:DescribeNetworkAcls".into(), error }),
    };
    let Some(n) = n else { return Ok(Done::Applied) };
    if n.is_default == Some(true) || n.associations.as_ref().is_some_and(|a| !a.is_empty()) {
        // In use (or the default, which cannot be deleted): EC2.16 has nothing to remove.
        return Ok(Done::Applied);
    }
    let entries = n.entries.as_ref().map_or(0, Vec::len);
    let note = format!(
        "EC2.16 demands that unused network ACLs be removed: {acl} of {} is associated with no subnet and is not \
         its VPC's default, so it filters no traffic; deleted with its {entries} entries",
        n.vpc_id.clone().unwrap_or_default()
    );
    f.call_noted::<ec2::DeleteNetworkAcl>(
        region,
        ec2::DeleteNetworkAclRequest { network_acl_id: acl.into(), ..Default::default() },
        Some(note),
    )?;
    Ok(Done::Applied)
}

/// Revokes the world-open sources of every inbound rule that opens more than TCP 80 and 443.
/// A rule whose range also covers 80 or 443 (TCP 0-65535) loses its world-open sources whole:
/// re-opening 80 and 443 alone would add rules the user did not write; the note says so.
fn ec2_18<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let offending = Offending {
        control: "EC2.18",
        demand: "that the world reach only the authorized TCP ports 80 and 443".into(),
        sources: Box::new(unauthorized_world_sources),
        remark: covers_authorized,
    };
    revoke_world_open(f, target, &offending)
}

/// The note's word on a revoked rule that also opened an authorized port: it is revoked whole,
/// not split into the authorized ports (that would write rules the user did not write).
fn covers_authorized(p: &ec2::IpPermission) -> Option<String> {
    let covered: Vec<String> =
        AUTHORIZED_TCP_PORTS.iter().filter(|&&port| carries_tcp(p, port)).map(|port| port.to_string()).collect();
    (!covered.is_empty()).then(|| {
        format!("it also opened authorized TCP {}, revoked with it (the rule is not split)", covered.join(" and "))
    })
}

/// Whether `p` carries TCP `port` (whatever its sources).
fn carries_tcp(p: &ec2::IpPermission, port: i32) -> bool {
    match opens(p) {
        Opens::All => true,
        Opens::Tcp(from, to) => (from..=to).contains(&port),
        Opens::Udp(..) | Opens::Other => false,
    }
}

fn ec2_19<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let offending = Offending {
        control: "EC2.19",
        demand: "that no inbound rule open a high-risk port to the world".into(),
        sources: Box::new(|p, era| high_risk_world_sources(p, era).map(|(_, w)| w).unwrap_or_default()),
        remark: |_| None,
    };
    revoke_world_open(f, target, &offending)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(from: i32, to: i32) -> ec2::IpPermission {
        ec2::IpPermission {
            ip_protocol: Some("tcp".into()),
            from_port: Some(from),
            to_port: Some(to),
            ..Default::default()
        }
    }

    #[test]
    fn a_revoked_range_that_also_opened_80_or_443_is_said_so() {
        assert_eq!(
            covers_authorized(&tcp(0, 65535)).as_deref(),
            Some("it also opened authorized TCP 80 and 443, revoked with it (the rule is not split)")
        );
        assert_eq!(
            covers_authorized(&tcp(440, 450)).as_deref(),
            Some("it also opened authorized TCP 443, revoked with it (the rule is not split)")
        );
        assert_eq!(covers_authorized(&tcp(8000, 8100)), None);
        let all = ec2::IpPermission { ip_protocol: Some("-1".into()), ..Default::default() };
        assert!(covers_authorized(&all).is_some());
        let udp = ec2::IpPermission {
            ip_protocol: Some("udp".into()),
            from_port: Some(443),
            to_port: Some(443),
            ..Default::default()
        };
        assert_eq!(covers_authorized(&udp), None);
    }

    #[test]
    fn the_block_public_access_justification_holds_only_while_the_region_is_off() {
        use crate::snapshot::{NetworkView, Region};
        let region = |mode: Option<&str>| Region {
            name: "eu-west-1".into(),
            network: NetworkView {
                vpc_block_public_access: mode.map(|m| ec2::VpcBlockPublicAccessOptions {
                    internet_gateway_block_mode: Some(m.into()),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        };
        let arn = "arn:aws:ec2:eu-west-1:123456789012:vpc-block-public-access-options/123456789012";
        let j = Justification::InternetGatewaysOpen;
        for (mode, holds) in [(None, true), (Some("off"), true), (Some("block-ingress"), false)] {
            let snap = Snapshot { regions: vec![region(mode)], ..Default::default() };
            assert_eq!(precondition(&j, &snap, arn).is_ok(), holds, "{mode:?}");
        }
        // Other justifications are not this file's to judge.
        let snap = Snapshot { regions: vec![region(Some("block-ingress"))], ..Default::default() };
        assert!(precondition(&Justification::NoFix, &snap, arn).is_ok());
    }
}
