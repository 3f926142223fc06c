//! Transit gateways: created with AWS's default options, auto-acceptance switched by
//! ModifyTransitGateway, deleted ones listed as deleted and frozen, bad input refused with
//! nothing changed.

use hubsim_simulator::model::ec2;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, Era, Simulator};

const REGION: &str = "us-east-1";

fn create(sim: &Simulator, auto: Option<&str>) -> Result<ec2::TransitGateway, hubsim_simulator::AwsError> {
    let options = ec2::TransitGatewayRequestOptions {
        auto_accept_shared_attachments: auto.map(str::to_string),
        ..Default::default()
    };
    let out = sim.call::<ec2::CreateTransitGateway>(
        REGION,
        ec2::CreateTransitGatewayRequest { options: Some(options), ..Default::default() },
    )?;
    Ok(out.transit_gateway.unwrap())
}

fn auto_of(sim: &Simulator, id: &str) -> (String, String) {
    let g = sim
        .call::<ec2::DescribeTransitGateways>(
            REGION,
            ec2::DescribeTransitGatewaysRequest { transit_gateway_ids: Some(vec![id.into()]), ..Default::default() },
        )
        .unwrap()
        .transit_gateways
        .unwrap()
        .remove(0);
    (g.options.unwrap().auto_accept_shared_attachments.unwrap(), g.state.unwrap())
}

fn modify(
    sim: &Simulator,
    id: &str,
    auto: &str,
) -> Result<ec2::ModifyTransitGatewayResult, hubsim_simulator::AwsError> {
    sim.call::<ec2::ModifyTransitGateway>(
        REGION,
        ec2::ModifyTransitGatewayRequest {
            transit_gateway_id: id.into(),
            options: Some(ec2::ModifyTransitGatewayOptions {
                auto_accept_shared_attachments: Some(auto.into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    )
}

#[test]
fn auto_acceptance_defaults_off_and_is_switched_by_modify() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let plain = create(&sim, None).unwrap();
    let o = plain.options.clone().unwrap();
    assert_eq!(o.auto_accept_shared_attachments.as_deref(), Some("disable"));
    assert_eq!(o.default_route_table_association.as_deref(), Some("enable"));
    assert_eq!(o.amazon_side_asn, Some(64512));
    let id = plain.transit_gateway_id.unwrap();
    assert!(plain.transit_gateway_arn.unwrap().ends_with(&format!(":transit-gateway/{id}")));
    let open = create(&sim, Some("enable")).unwrap().transit_gateway_id.unwrap();
    assert_eq!(auto_of(&sim, &open), ("enable".into(), "available".into()));
    modify(&sim, &open, "disable").unwrap();
    assert_eq!(auto_of(&sim, &open), ("disable".into(), "available".into()));
    let filtered = sim
        .call::<ec2::DescribeTransitGateways>(
            REGION,
            ec2::DescribeTransitGatewaysRequest {
                filters: Some(vec![ec2::Filter {
                    name: Some("options.auto-accept-shared-attachments".into()),
                    values: Some(vec!["disable".into()]),
                }]),
                ..Default::default()
            },
        )
        .unwrap()
        .transit_gateways
        .unwrap();
    assert_eq!(filtered.len(), 2);
}

#[test]
fn bad_input_and_deleted_gateways_are_refused_and_change_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    assert_eq!(create(&sim, Some("yes")).unwrap_err().code, "InvalidParameterValue");
    let none = sim.call::<ec2::DescribeTransitGateways>(REGION, Default::default()).unwrap().transit_gateways.unwrap();
    assert!(none.is_empty(), "a refused create left {none:?}");
    let id = create(&sim, Some("enable")).unwrap().transit_gateway_id.unwrap();
    assert_eq!(modify(&sim, &id, "sometimes").unwrap_err().code, "InvalidParameterValue");
    assert_eq!(auto_of(&sim, &id).0, "enable");
    assert_eq!(modify(&sim, "tgw-0000000000000000f", "disable").unwrap_err().code, "InvalidTransitGatewayID.NotFound");
    let deleted = sim
        .call::<ec2::DeleteTransitGateway>(
            REGION,
            ec2::DeleteTransitGatewayRequest { transit_gateway_id: id.clone(), ..Default::default() },
        )
        .unwrap();
    assert_eq!(deleted.transit_gateway.unwrap().state.as_deref(), Some("deleted"));
    assert_eq!(auto_of(&sim, &id), ("enable".into(), "deleted".into()));
    assert_eq!(modify(&sim, &id, "disable").unwrap_err().code, "IncorrectState");
}
