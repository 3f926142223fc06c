//! The part of a generated account that EC2.20 and EC2.171 judge: Site-to-Site VPN connections
//! (each with its own customer gateway and VPN gateway) whose tunnels are brought UP or left
//! DOWN (`hubsim:SetVpnTunnelStatus`) and log to CloudWatch or not.

use hubsim_scenario::Step;
use proptest::prelude::*;
use serde_json::{json, Value};

/// One connection: its region index, which of its two tunnels are UP, which log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VpnPlanItem {
    pub region: usize,
    pub up: [bool; 2],
    pub logs: [bool; 2],
}

/// The sub-plan: the connections.
#[derive(Debug, Clone)]
pub struct VpnPlan {
    pub connections: Vec<VpnPlanItem>,
}

/// The strategy of the sub-plan.
pub fn plan() -> impl Strategy<Value = VpnPlan> {
    let item = (0usize..3, any::<[bool; 2]>(), any::<[bool; 2]>()).prop_map(|(region, up, logs)| VpnPlanItem {
        region,
        up,
        logs,
    });
    prop::collection::vec(item, 0..3).prop_map(|connections| VpnPlan { connections })
}

fn step(call: &str, region: &str, input: Value, capture: Option<String>) -> Step {
    Step { call: call.into(), region: Some(region.into()), input, capture, expect_error: None, note: None }
}

impl VpnPlan {
    /// The steps, given the account's regions and id.
    pub fn steps(&self, regions: &[String], account: &str) -> Vec<Step> {
        let mut out = Vec::new();
        for (i, c) in self.connections.iter().enumerate() {
            let region = regions[c.region % regions.len()].clone();
            let (cgw, vgw, vpn) = (format!("vpn_cgw{i}"), format!("vpn_vgw{i}"), format!("vpn_conn{i}"));
            out.push(step(
                "ec2:CreateCustomerGateway",
                &region,
                json!({"Type": "ipsec.1", "BgpAsn": 65000 + i, "IpAddress": format!("198.51.100.{}", i + 1)}),
                Some(cgw.clone()),
            ));
            out.push(step("ec2:CreateVpnGateway", &region, json!({"Type": "ipsec.1"}), Some(vgw.clone())));
            let tunnel = |logs: bool| {
                if logs {
                    json!({"LogOptions": {"CloudWatchLogOptions": {"LogEnabled": true,
                        "LogGroupArn": format!("arn:aws:logs:{region}:{account}:log-group:user-vpn-logs")}}})
                } else {
                    json!({})
                }
            };
            out.push(step(
                "ec2:CreateVpnConnection",
                &region,
                json!({"Type": "ipsec.1",
                    "CustomerGatewayId": format!("${{{cgw}.CustomerGateway.CustomerGatewayId}}"),
                    "VpnGatewayId": format!("${{{vgw}.VpnGateway.VpnGatewayId}}"),
                    "Options": {"TunnelOptions": [tunnel(c.logs[0]), tunnel(c.logs[1])]}}),
                Some(vpn.clone()),
            ));
            for (k, up) in c.up.iter().enumerate() {
                if *up {
                    out.push(step(
                        "hubsim:SetVpnTunnelStatus",
                        &region,
                        json!({"VpnConnectionId": format!("${{{vpn}.VpnConnection.VpnConnectionId}}"),
                            "OutsideIpAddress": format!("${{{vpn}.VpnConnection.VgwTelemetry[{k}].OutsideIpAddress}}"),
                            "Status": "UP"}),
                        None,
                    ));
                }
            }
        }
        out
    }
}
