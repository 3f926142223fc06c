//! EC2.20 (justified: a tunnel comes up from the customer's side) and EC2.171: every tunnel of a
//! Site-to-Site VPN connection logs to CloudWatch Logs
//! (<https://docs.aws.amazon.com/vpn/latest/s2svpn/monitoring-logs.html>).

use hubsim_api::model::ec2;
use hubsim_api::AwsApi;

use super::{id_after, Done, Fix, How, Scope, Target};
use crate::controls::{tunnels_not_logging, tunnels_not_up};
use crate::remediate::fixer::Fixer;
use crate::remediate::support;
use crate::remediate::{Failed, Justification};
use crate::snapshot::Snapshot;

/// The Site-to-Site VPN fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![
        Fix {
            control: "EC2.20",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &[],
            how: How::Justified(Justification::VpnTunnelsDown),
        },
        Fix {
            control: "EC2.171",
            // DescribeVpnConnections reads which tunnels still do not log; support::log_group
            // reads the log group and creates it when missing.
            iam_actions: &[
                "ec2:ModifyVpnTunnelOptions",
                "ec2:DescribeVpnConnections",
                "logs:CreateLogGroup",
                "logs:DescribeLogGroups",
            ],
            scope: Scope::Resource,
            // Keeps the established order (no AWS dependency): resources' logging after the
            // account's logging and recording services, beside the Client VPN's (EC2.51).
            after: &["EC2.51"],
            how: How::Calls(ec2_171),
        },
    ]
}

/// EC2.20's justification holds while a tunnel of the finding's connection is not UP; the others
/// are not this file's.
pub(super) fn precondition(j: &Justification, snapshot: &Snapshot, resource: &str) -> Result<(), String> {
    if !matches!(j, Justification::VpnTunnelsDown) {
        return Ok(());
    }
    // arn:aws:ec2:<region>:<account>:vpn-connection/<id>
    let region = resource.split(':').nth(3).unwrap_or_default();
    let id = id_after(resource, "vpn-connection/");
    let connection = snapshot
        .regions
        .iter()
        .find(|r| r.name == region)
        .and_then(|r| r.network.vpn_connections.iter().find(|c| c.vpn_connection_id.as_deref() == Some(id)));
    let Some(c) = connection else {
        return Err(format!("VPN connection {id} no longer exists in {region}: nothing is left to justify"));
    };
    match tunnels_not_up(c) {
        Some(down) if down.is_empty() => Err(format!("both tunnels of VPN connection {id} are now UP")),
        _ => Ok(()),
    }
}

/// The log group EC2.171's fix sends VPN tunnel logs to.
const VPN_TUNNEL_LOG_GROUP: &str = "hubsim/vpn-tunnels";

/// Turns on CloudWatch logging (JSON) to [`VPN_TUNNEL_LOG_GROUP`] (created if missing) on every
/// tunnel of the connection that does not log yet; tunnels that log already keep their group.
fn ec2_171<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (region, id) = (target.region, id_after(target.resource, "vpn-connection/"));
    let found = f.read::<ec2::DescribeVpnConnections>(
        region,
        ec2::DescribeVpnConnectionsRequest { vpn_connection_ids: Some(vec![id.into()]), ..Default::default() },
    );
    let connection = match found {
        Ok(out) => out.vpn_connections.unwrap_or_default().into_iter().next(),
        // Already gone: nothing is left to log.
        Err(e) if e.code == "InvalidVpnConnectionID.NotFound" => None,
        Err(error) => return Err(Failed { call: "ec2:DescribeVpnConnections".into(), error }),
    };
    let Some(c) = connection else { return Ok(Done::Applied) };
    let quiet = tunnels_not_logging(&c);
    if quiet.is_empty() {
        return Ok(Done::Applied);
    }
    // support::log_group answers the ARN that names the group's streams (`...:*`); the tunnel
    // options take the group's own ARN.
    let arn = support::log_group(f, region, VPN_TUNNEL_LOG_GROUP)?;
    let group_arn = arn.trim_end_matches(":*").to_string();
    for ip in quiet {
        f.call::<ec2::ModifyVpnTunnelOptions>(
            region,
            ec2::ModifyVpnTunnelOptionsRequest {
                vpn_connection_id: id.into(),
                vpn_tunnel_outside_ip_address: ip,
                tunnel_options: ec2::ModifyVpnTunnelOptionsSpecification {
                    log_options: Some(ec2::VpnTunnelLogOptionsSpecification {
                        cloud_watch_log_options: Some(ec2::CloudWatchLogOptionsSpecification {
                            log_enabled: Some(true),
                            log_group_arn: Some(group_arn.clone()),
                            log_output_format: Some("json".into()),
                            ..Default::default()
                        }),
                    }),
                    ..Default::default()
                },
                ..Default::default()
            },
        )?;
    }
    Ok(Done::Applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{NetworkView, Region};

    fn snapshot(status: [&str; 2]) -> Snapshot {
        let connection = ec2::VpnConnection {
            vpn_connection_id: Some("vpn-1".into()),
            vgw_telemetry: Some(
                status
                    .iter()
                    .map(|s| ec2::VgwTelemetry { status: Some(s.to_string()), ..Default::default() })
                    .collect(),
            ),
            ..Default::default()
        };
        let region = Region {
            name: "eu-west-1".into(),
            network: NetworkView { vpn_connections: vec![connection], ..Default::default() },
            ..Default::default()
        };
        Snapshot { regions: vec![region], ..Default::default() }
    }

    #[test]
    fn the_tunnels_down_justification_holds_only_while_a_tunnel_is_not_up() {
        let arn = "arn:aws:ec2:eu-west-1:123456789012:vpn-connection/vpn-1";
        let j = Justification::VpnTunnelsDown;
        assert!(precondition(&j, &snapshot(["UP", "DOWN"]), arn).is_ok());
        assert!(precondition(&j, &snapshot(["DOWN", "DOWN"]), arn).is_ok());
        assert!(precondition(&j, &snapshot(["UP", "UP"]), arn).is_err());
        // A connection that is gone has nothing left to justify.
        let gone = "arn:aws:ec2:eu-west-1:123456789012:vpn-connection/vpn-2";
        assert!(precondition(&j, &snapshot(["DOWN", "DOWN"]), gone).is_err());
        // Other justifications are not this file's to judge.
        assert!(precondition(&Justification::NoFix, &snapshot(["UP", "UP"]), arn).is_ok());
    }
}
