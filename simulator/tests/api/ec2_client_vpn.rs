//! Client VPN endpoints: created with their connection logging, logging switched by
//! ModifyClientVpnEndpoint, deleted, and bad input refused with nothing changed.

use hubsim_simulator::model::ec2;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "us-east-1";
const CERT: &str = "arn:aws:acm:us-east-1:123456789012:certificate/abc";

fn create(sim: &Simulator, cert: &str, log: ec2::ConnectionLogOptions) -> Result<String, AwsError> {
    let out = sim.call::<ec2::CreateClientVpnEndpoint>(
        REGION,
        ec2::CreateClientVpnEndpointRequest {
            client_cidr_block: Some("10.100.0.0/22".into()),
            server_certificate_arn: cert.into(),
            authentication_options: vec![ec2::ClientVpnAuthenticationRequest {
                type_: Some("certificate-authentication".into()),
                ..Default::default()
            }],
            connection_log_options: log,
            ..Default::default()
        },
    )?;
    assert_eq!(out.status.and_then(|s| s.code).as_deref(), Some("pending-associate"));
    Ok(out.client_vpn_endpoint_id.unwrap())
}

fn endpoints(sim: &Simulator) -> Vec<ec2::ClientVpnEndpoint> {
    sim.call::<ec2::DescribeClientVpnEndpoints>(REGION, Default::default()).unwrap().client_vpn_endpoints.unwrap()
}

fn off() -> ec2::ConnectionLogOptions {
    ec2::ConnectionLogOptions { enabled: Some(false), ..Default::default() }
}

#[test]
fn connection_logging_is_kept_and_switched_on() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let id = create(&sim, CERT, off()).unwrap();
    let e = &endpoints(&sim)[0];
    assert_eq!(e.client_vpn_endpoint_id.as_deref(), Some(id.as_str()));
    assert_eq!(e.connection_log_options.as_ref().and_then(|o| o.enabled), Some(false));
    assert_eq!(e.vpn_port, Some(443));
    let on = ec2::ConnectionLogOptions {
        enabled: Some(true),
        cloudwatch_log_group: Some("cvpn".into()),
        cloudwatch_log_stream: None,
    };
    let out = sim
        .call::<ec2::ModifyClientVpnEndpoint>(
            REGION,
            ec2::ModifyClientVpnEndpointRequest {
                client_vpn_endpoint_id: id.clone(),
                connection_log_options: Some(on),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(out.return_, Some(true));
    let log = endpoints(&sim)[0].connection_log_options.clone().unwrap();
    assert_eq!((log.enabled, log.cloudwatch_log_group.as_deref()), (Some(true), Some("cvpn")));
    sim.call::<ec2::DeleteClientVpnEndpoint>(
        REGION,
        ec2::DeleteClientVpnEndpointRequest { client_vpn_endpoint_id: id.clone(), ..Default::default() },
    )
    .unwrap();
    assert!(endpoints(&sim).is_empty());
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    assert_eq!(create(&sim, "not-an-arn", off()).unwrap_err().code, "InvalidParameterValue");
    let no_group = ec2::ConnectionLogOptions { enabled: Some(true), ..Default::default() };
    assert_eq!(create(&sim, CERT, no_group.clone()).unwrap_err().code, "InvalidParameterValue");
    assert!(endpoints(&sim).is_empty());
    let id = create(&sim, CERT, off()).unwrap();
    let err = sim
        .call::<ec2::ModifyClientVpnEndpoint>(
            REGION,
            ec2::ModifyClientVpnEndpointRequest {
                client_vpn_endpoint_id: id,
                connection_log_options: Some(no_group),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.code, "InvalidParameterValue");
    assert_eq!(endpoints(&sim)[0].connection_log_options.as_ref().and_then(|o| o.enabled), Some(false));
    let missing = sim
        .call::<ec2::DeleteClientVpnEndpoint>(
            REGION,
            ec2::DeleteClientVpnEndpointRequest {
                client_vpn_endpoint_id: "cvpn-endpoint-0f".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(missing.code, "InvalidClientVpnEndpointId.NotFound");
}
