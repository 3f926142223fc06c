//! EC2.20: both tunnels of a Site-to-Site VPN connection up; EC2.171: every tunnel of a VPN
//! connection logs to CloudWatch Logs
//! (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html).

use super::ec2_arn;
use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};
use hubsim_api::model::ec2;

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "EC2.20",
        resource_type: "AWS::EC2::VPNConnection",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/vpc-vpn-2-tunnels-up.html
        config_rule: Some("vpc-vpn-2-tunnels-up"),
        parameters: &[],
        choices: "A connection PASSES when both tunnels' VgwTelemetry status is UP and FAILS when either is DOWN \
                  (or a tunnel is missing); deleted and deleting connections are not judged [I]. A new connection's \
                  tunnels are DOWN until the customer gateway device negotiates them (AWS: the tunnel comes up \
                  when traffic is generated from the customer side), so a fresh connection FAILS [I].",
        evaluate: ec2_20,
    },
    Control {
        id: "EC2.171",
        resource_type: "AWS::EC2::VPNConnection",
        schedule: Schedule::ChangeTriggered,
        // The rule name is not confirmed on an AWS page hubsim could read [U].
        config_rule: Some("ec2-vpn-connection-logging-enabled"),
        parameters: &[],
        choices: "A connection PASSES when every tunnel's LogOptions.CloudWatchLogOptions.LogEnabled is true, \
                  whatever its log group and output format; BGP logging is not judged; deleted and deleting \
                  connections are not judged [I].",
        evaluate: ec2_171,
    },
];

/// The connections Config still records: not deleted or being deleted.
fn live<'a>(i: &'a Input<'_>) -> impl Iterator<Item = &'a ec2::VpnConnection> {
    i.region.network.vpn_connections.iter().filter(|c| !matches!(c.state.as_deref(), Some("deleted" | "deleting")))
}

fn resource(i: &Input<'_>, id: &str) -> ResourceRef {
    ResourceRef { id: ec2_arn(&i.region.name, &i.global.account, "vpn-connection", id), kind: "AwsEc2VpnConnection" }
}

/// The outside addresses of the tunnels of `c` that are not UP; `None` when `c` reports fewer
/// than two tunnels.
pub(crate) fn tunnels_not_up(c: &ec2::VpnConnection) -> Option<Vec<String>> {
    let telemetry = c.vgw_telemetry.as_deref().unwrap_or_default();
    if telemetry.len() < 2 {
        return None;
    }
    Some(
        telemetry
            .iter()
            .filter(|t| t.status.as_deref() != Some("UP"))
            .map(|t| t.outside_ip_address.clone().unwrap_or_default())
            .collect(),
    )
}

fn ec2_20(i: &Input<'_>) -> Vec<Verdict> {
    live(i)
        .map(|c| {
            let id = c.vpn_connection_id.clone().unwrap_or_default();
            let down = tunnels_not_up(c);
            let fail = match &down {
                None => format!("VPN connection {id} reports fewer than two tunnels"),
                Some(d) => format!("VPN connection {id} has tunnels down: {}", d.join(", ")),
            };
            Verdict::check(
                resource(i, &id),
                down.is_some_and(|d| d.is_empty()),
                format!("both tunnels of VPN connection {id} are UP"),
                fail,
            )
        })
        .collect()
}

/// The outside addresses of the tunnels of `c` that do not log to CloudWatch Logs.
pub(crate) fn tunnels_not_logging(c: &ec2::VpnConnection) -> Vec<String> {
    c.options
        .as_ref()
        .and_then(|o| o.tunnel_options.as_ref())
        .into_iter()
        .flatten()
        .filter(|t| {
            t.log_options.as_ref().and_then(|l| l.cloud_watch_log_options.as_ref()).and_then(|o| o.log_enabled)
                != Some(true)
        })
        .map(|t| t.outside_ip_address.clone().unwrap_or_default())
        .collect()
}

fn ec2_171(i: &Input<'_>) -> Vec<Verdict> {
    live(i)
        .map(|c| {
            let id = c.vpn_connection_id.clone().unwrap_or_default();
            let quiet = tunnels_not_logging(c);
            Verdict::check(
                resource(i, &id),
                quiet.is_empty(),
                format!("every tunnel of VPN connection {id} logs to CloudWatch Logs"),
                format!("tunnels of VPN connection {id} without CloudWatch logging: {}", quiet.join(", ")),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connection(status: &[&str], logging: &[Option<bool>]) -> ec2::VpnConnection {
        ec2::VpnConnection {
            vgw_telemetry: Some(
                status
                    .iter()
                    .enumerate()
                    .map(|(k, s)| ec2::VgwTelemetry {
                        outside_ip_address: Some(format!("52.0.0.{}", k + 1)),
                        status: Some(s.to_string()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            options: Some(ec2::VpnConnectionOptions {
                tunnel_options: Some(
                    logging
                        .iter()
                        .enumerate()
                        .map(|(k, on)| ec2::TunnelOption {
                            outside_ip_address: Some(format!("52.0.0.{}", k + 1)),
                            log_options: on.map(|on| ec2::VpnTunnelLogOptions {
                                cloud_watch_log_options: Some(ec2::CloudWatchLogOptions {
                                    log_enabled: Some(on),
                                    ..Default::default()
                                }),
                            }),
                            ..Default::default()
                        })
                        .collect(),
                ),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn both_tunnels_must_be_up() {
        assert_eq!(tunnels_not_up(&connection(&["UP", "UP"], &[])), Some(vec![]));
        assert_eq!(tunnels_not_up(&connection(&["UP", "DOWN"], &[])), Some(vec!["52.0.0.2".to_string()]));
        assert_eq!(tunnels_not_up(&connection(&["DOWN", "DOWN"], &[])).map(|d| d.len()), Some(2));
        // One tunnel reported is not two tunnels up.
        assert_eq!(tunnels_not_up(&connection(&["UP"], &[])), None);
    }

    #[test]
    fn every_tunnel_must_log() {
        assert!(tunnels_not_logging(&connection(&[], &[Some(true), Some(true)])).is_empty());
        assert_eq!(tunnels_not_logging(&connection(&[], &[Some(true), Some(false)])), vec!["52.0.0.2"]);
        assert_eq!(tunnels_not_logging(&connection(&[], &[None, Some(true)])), vec!["52.0.0.1"]);
    }
}
