//! Application Auto Scaling for DynamoDB tables through the typed API: targets need an existing
//! table and both bounds, policies need a registered target, deregistering removes both.

use hubsim_simulator::model::application_autoscaling as aas;
use hubsim_simulator::model::dynamodb as ddb;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, Era, Simulator};

const REGION: &str = "eu-west-1";
const READ: &str = "dynamodb:table:ReadCapacityUnits";

fn table(sim: &Simulator, name: &str) {
    sim.call::<ddb::CreateTable>(
        REGION,
        ddb::CreateTableInput {
            table_name: name.into(),
            key_schema: Some(vec![ddb::KeySchemaElement { attribute_name: "id".into(), key_type: "HASH".into() }]),
            attribute_definitions: Some(vec![ddb::AttributeDefinition {
                attribute_name: "id".into(),
                attribute_type: "S".into(),
            }]),
            provisioned_throughput: Some(ddb::ProvisionedThroughput {
                read_capacity_units: 5,
                write_capacity_units: 5,
            }),
            ..Default::default()
        },
    )
    .unwrap();
}

fn register(
    sim: &Simulator,
    resource: &str,
    min: Option<i32>,
    max: Option<i32>,
) -> Result<(), hubsim_simulator::AwsError> {
    sim.call::<aas::RegisterScalableTarget>(
        REGION,
        aas::RegisterScalableTargetRequest {
            service_namespace: "dynamodb".into(),
            resource_id: resource.into(),
            scalable_dimension: READ.into(),
            min_capacity: min,
            max_capacity: max,
            ..Default::default()
        },
    )
    .map(drop)
}

fn targets(sim: &Simulator) -> Vec<aas::ScalableTarget> {
    sim.call::<aas::DescribeScalableTargets>(
        REGION,
        aas::DescribeScalableTargetsRequest { service_namespace: "dynamodb".into(), ..Default::default() },
    )
    .unwrap()
    .scalable_targets
    .unwrap_or_default()
}

fn policy(sim: &Simulator, target: f64) -> Result<(), hubsim_simulator::AwsError> {
    sim.call::<aas::PutScalingPolicy>(
        REGION,
        aas::PutScalingPolicyRequest {
            policy_name: "read".into(),
            service_namespace: "dynamodb".into(),
            resource_id: "table/t".into(),
            scalable_dimension: READ.into(),
            policy_type: Some("TargetTrackingScaling".into()),
            target_tracking_scaling_policy_configuration: Some(aas::TargetTrackingScalingPolicyConfiguration {
                target_value: target,
                ..Default::default()
            }),
            ..Default::default()
        },
    )
    .map(drop)
}

#[test]
fn targets_and_policies_for_an_existing_table() {
    let sim = fresh_account(Era::Current, &[REGION]);
    assert_eq!(register(&sim, "table/t", Some(1), Some(10)).unwrap_err().code, "ValidationException");
    table(&sim, "t");
    assert_eq!(register(&sim, "table/t", Some(1), None).unwrap_err().code, "ValidationException");
    assert_eq!(register(&sim, "table/t", Some(20), Some(10)).unwrap_err().code, "ValidationException");
    assert_eq!(policy(&sim, 70.0).unwrap_err().code, "ObjectNotFoundException");
    assert!(targets(&sim).is_empty(), "refusals registered nothing");
    register(&sim, "table/t", Some(1), Some(10)).unwrap();
    register(&sim, "table/t", None, Some(20)).unwrap();
    let t = &targets(&sim)[0];
    assert_eq!((t.min_capacity, t.max_capacity), (1, 20));
    assert!(t.role_arn.contains("AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"));
    assert_eq!(policy(&sim, 95.0).unwrap_err().code, "ValidationException");
    policy(&sim, 70.0).unwrap();
    let policies = sim
        .call::<aas::DescribeScalingPolicies>(
            REGION,
            aas::DescribeScalingPoliciesRequest { service_namespace: "dynamodb".into(), ..Default::default() },
        )
        .unwrap()
        .scaling_policies
        .unwrap();
    assert_eq!(policies.len(), 1);
    assert_eq!(policies[0].target_tracking_scaling_policy_configuration.as_ref().unwrap().target_value, 70.0);
    let deregister = || {
        sim.call::<aas::DeregisterScalableTarget>(
            REGION,
            aas::DeregisterScalableTargetRequest {
                service_namespace: "dynamodb".into(),
                resource_id: "table/t".into(),
                scalable_dimension: READ.into(),
            },
        )
    };
    deregister().unwrap();
    assert!(targets(&sim).is_empty());
    assert_eq!(deregister().unwrap_err().code, "ObjectNotFoundException");
    let other = sim.call::<aas::DescribeScalableTargets>(
        REGION,
        aas::DescribeScalableTargetsRequest {
            service_namespace: "dynamodb".into(),
            max_results: Some(51),
            ..Default::default()
        },
    );
    assert!(other.is_err());
}
