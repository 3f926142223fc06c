//! Site-to-Site VPN: customer gateways, VPN gateways and connections with their two tunnels
//! (DOWN until hubsim:SetVpnTunnelStatus brings one up), tunnel logging switched by
//! ModifyVpnTunnelOptions, deletion, and bad input refused with nothing changed.

use hubsim_simulator::model::{ec2, hubsim};
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, Era, Simulator};

const REGION: &str = "us-east-1";
const GROUP: &str = "arn:aws:logs:us-east-1:123456789012:log-group:vpn-logs";

fn gateways(sim: &Simulator) -> (String, String) {
    let cgw = sim
        .call::<ec2::CreateCustomerGateway>(
            REGION,
            ec2::CreateCustomerGatewayRequest {
                type_: "ipsec.1".into(),
                ip_address: Some("198.51.100.7".into()),
                bgp_asn: Some(65010),
                ..Default::default()
            },
        )
        .unwrap()
        .customer_gateway
        .unwrap();
    assert_eq!(cgw.bgp_asn.as_deref(), Some("65010"));
    assert_eq!(cgw.state.as_deref(), Some("available"));
    let vgw = sim
        .call::<ec2::CreateVpnGateway>(
            REGION,
            ec2::CreateVpnGatewayRequest { type_: "ipsec.1".into(), ..Default::default() },
        )
        .unwrap()
        .vpn_gateway
        .unwrap();
    assert_eq!(vgw.amazon_side_asn, Some(64512));
    (cgw.customer_gateway_id.unwrap(), vgw.vpn_gateway_id.unwrap())
}

fn connect(sim: &Simulator, cgw: &str, vgw: &str) -> ec2::VpnConnection {
    sim.call::<ec2::CreateVpnConnection>(
        REGION,
        ec2::CreateVpnConnectionRequest {
            customer_gateway_id: cgw.into(),
            vpn_gateway_id: Some(vgw.into()),
            type_: "ipsec.1".into(),
            ..Default::default()
        },
    )
    .unwrap()
    .vpn_connection
    .unwrap()
}

fn connections(sim: &Simulator) -> Vec<ec2::VpnConnection> {
    sim.call::<ec2::DescribeVpnConnections>(REGION, Default::default()).unwrap().vpn_connections.unwrap()
}

fn statuses(c: &ec2::VpnConnection) -> Vec<String> {
    c.vgw_telemetry.iter().flatten().map(|t| t.status.clone().unwrap_or_default()).collect()
}

fn logging(c: &ec2::VpnConnection) -> Vec<Option<bool>> {
    c.options
        .iter()
        .flat_map(|o| o.tunnel_options.iter().flatten())
        .map(|t| t.log_options.as_ref().and_then(|l| l.cloud_watch_log_options.as_ref()).and_then(|o| o.log_enabled))
        .collect()
}

fn set_status(sim: &Simulator, id: &str, ip: &str, status: &str) -> Result<(), hubsim_simulator::AwsError> {
    sim.call::<hubsim::SetVpnTunnelStatus>(
        REGION,
        hubsim::SetVpnTunnelStatusInput {
            vpn_connection_id: id.into(),
            outside_ip_address: ip.into(),
            status: status.into(),
        },
    )
    .map(|_| ())
}

#[test]
fn a_new_connection_has_two_tunnels_down_until_the_customer_side_connects() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let (cgw, vgw) = gateways(&sim);
    let c = connect(&sim, &cgw, &vgw);
    let id = c.vpn_connection_id.clone().unwrap();
    assert_eq!(statuses(&c), ["DOWN", "DOWN"]);
    assert_eq!(logging(&c), [Some(false), Some(false)]);
    let ips: Vec<String> = c.vgw_telemetry.iter().flatten().map(|t| t.outside_ip_address.clone().unwrap()).collect();
    assert_eq!(ips.len(), 2);
    assert_ne!(ips[0], ips[1]);
    set_status(&sim, &id, &ips[1], "UP").unwrap();
    assert_eq!(statuses(&connections(&sim)[0]), ["DOWN", "UP"]);
    // An address that is not one of its tunnels, or an unknown connection, changes nothing.
    let err = set_status(&sim, &id, "203.0.113.9", "UP").unwrap_err();
    assert_eq!(err.code, "InvalidParameterValue");
    let err = set_status(&sim, "vpn-0000000000000000", &ips[0], "UP").unwrap_err();
    assert_eq!(err.code, "InvalidVpnConnectionID.NotFound");
    assert_eq!(statuses(&connections(&sim)[0]), ["DOWN", "UP"]);
}

#[test]
fn tunnel_logging_is_switched_per_tunnel_and_validated() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let (cgw, vgw) = gateways(&sim);
    let c = connect(&sim, &cgw, &vgw);
    let id = c.vpn_connection_id.clone().unwrap();
    let first = c.vgw_telemetry.as_ref().unwrap()[0].outside_ip_address.clone().unwrap();
    let modify = |ip: &str, enabled: bool, group: Option<&str>, format: Option<&str>| {
        sim.call::<ec2::ModifyVpnTunnelOptions>(
            REGION,
            ec2::ModifyVpnTunnelOptionsRequest {
                vpn_connection_id: id.clone(),
                vpn_tunnel_outside_ip_address: ip.into(),
                tunnel_options: ec2::ModifyVpnTunnelOptionsSpecification {
                    log_options: Some(ec2::VpnTunnelLogOptionsSpecification {
                        cloud_watch_log_options: Some(ec2::CloudWatchLogOptionsSpecification {
                            log_enabled: Some(enabled),
                            log_group_arn: group.map(String::from),
                            log_output_format: format.map(String::from),
                            ..Default::default()
                        }),
                    }),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
    };
    // Refusals: no group, a group that is not a log group ARN, an unknown format, an unknown tunnel.
    assert_eq!(modify(&first, true, None, None).unwrap_err().code, "InvalidParameterValue");
    assert_eq!(modify(&first, true, Some("vpn-logs"), None).unwrap_err().code, "InvalidParameterValue");
    assert_eq!(modify(&first, true, Some(GROUP), Some("xml")).unwrap_err().code, "InvalidParameterValue");
    assert_eq!(modify("203.0.113.9", true, Some(GROUP), None).unwrap_err().code, "InvalidParameterValue");
    assert_eq!(logging(&connections(&sim)[0]), [Some(false), Some(false)]);
    let out = modify(&first, true, Some(GROUP), None).unwrap().vpn_connection.unwrap();
    assert_eq!(logging(&out), [Some(true), Some(false)]);
    let log =
        out.options.unwrap().tunnel_options.unwrap()[0].log_options.clone().unwrap().cloud_watch_log_options.unwrap();
    assert_eq!(log.log_group_arn.as_deref(), Some(GROUP));
    assert_eq!(log.log_output_format.as_deref(), Some("json"));
    assert_eq!(logging(&connections(&sim)[0]), [Some(true), Some(false)]);
}

#[test]
fn references_are_checked_and_deletion_keeps_the_connection_listed_as_deleted() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let (cgw, vgw) = gateways(&sim);
    let create = |cgw: &str, vgw: Option<&str>, tgw: Option<&str>, kind: &str| {
        sim.call::<ec2::CreateVpnConnection>(
            REGION,
            ec2::CreateVpnConnectionRequest {
                customer_gateway_id: cgw.into(),
                vpn_gateway_id: vgw.map(String::from),
                transit_gateway_id: tgw.map(String::from),
                type_: kind.into(),
                ..Default::default()
            },
        )
    };
    let code = |r: Result<ec2::CreateVpnConnectionResult, hubsim_simulator::AwsError>| r.unwrap_err().code;
    assert_eq!(code(create("cgw-0000000000000000", Some(&vgw), None, "ipsec.1")), "InvalidCustomerGatewayID.NotFound");
    assert_eq!(code(create(&cgw, Some("vgw-0000000000000000"), None, "ipsec.1")), "InvalidVpnGatewayID.NotFound");
    assert_eq!(code(create(&cgw, None, Some("tgw-0000000000000000"), "ipsec.1")), "InvalidTransitGatewayID.NotFound");
    assert_eq!(code(create(&cgw, None, None, "ipsec.1")), "MissingParameter");
    assert_eq!(code(create(&cgw, Some(&vgw), None, "ipsec.2")), "InvalidParameterValue");
    assert!(connections(&sim).is_empty());
    let bad_ip = sim.call::<ec2::CreateCustomerGateway>(
        REGION,
        ec2::CreateCustomerGatewayRequest {
            type_: "ipsec.1".into(),
            ip_address: Some("300.1.1.1".into()),
            ..Default::default()
        },
    );
    assert_eq!(bad_ip.unwrap_err().code, "InvalidParameterValue");
    let id = connect(&sim, &cgw, &vgw).vpn_connection_id.unwrap();
    // Gateways in use are not deleted.
    let err = sim
        .call::<ec2::DeleteCustomerGateway>(
            REGION,
            ec2::DeleteCustomerGatewayRequest { customer_gateway_id: cgw.clone(), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(err.code, "IncorrectState");
    let err = sim
        .call::<ec2::DeleteVpnGateway>(
            REGION,
            ec2::DeleteVpnGatewayRequest { vpn_gateway_id: vgw.clone(), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(err.code, "IncorrectState");
    let filtered = sim
        .call::<ec2::DescribeVpnConnections>(
            REGION,
            ec2::DescribeVpnConnectionsRequest {
                filters: Some(vec![ec2::Filter {
                    name: Some("customer-gateway-id".into()),
                    values: Some(vec![cgw.clone()]),
                }]),
                ..Default::default()
            },
        )
        .unwrap()
        .vpn_connections
        .unwrap();
    assert_eq!(filtered.len(), 1);
    sim.call::<ec2::DeleteVpnConnection>(
        REGION,
        ec2::DeleteVpnConnectionRequest { vpn_connection_id: id.clone(), ..Default::default() },
    )
    .unwrap();
    assert_eq!(connections(&sim)[0].state.as_deref(), Some("deleted"));
    let again = sim
        .call::<ec2::DeleteVpnConnection>(
            REGION,
            ec2::DeleteVpnConnectionRequest { vpn_connection_id: id, ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(again.code, "IncorrectState");
    sim.call::<ec2::DeleteCustomerGateway>(
        REGION,
        ec2::DeleteCustomerGatewayRequest { customer_gateway_id: cgw, ..Default::default() },
    )
    .unwrap();
    let unknown = sim
        .call::<ec2::DescribeVpnConnections>(
            REGION,
            ec2::DescribeVpnConnectionsRequest {
                vpn_connection_ids: Some(vec!["vpn-0000000000000000".into()]),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(unknown.code, "InvalidVpnConnectionID.NotFound");
}
