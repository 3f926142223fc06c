//! DynamoDB.1, .2 and .6: tables that scale with demand, with point-in-time recovery, with
//! deletion protection (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html).
//! DynamoDB.3 and .7 judge DAX clusters, which hubsim does not simulate: not implemented.

use crate::control::{Compliance, Control, Input, ParamKind, Parameter, ResourceRef, Schedule, Verdict};
use crate::snapshot::{DynamoDbView, Snapshot, TableView};

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "DynamoDB.1",
        resource_type: "AWS::DynamoDB::Table",
        schedule: Schedule::Periodic,
        // https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-autoscaling-enabled.html
        config_rule: Some("dynamodb-autoscaling-enabled"),
        parameters: &[
            Parameter {
                name: "minProvisionedReadCapacity",
                kind: ParamKind::Int { min: 1, max: 40_000 },
                default: None,
                doc: "Minimum number of provisioned read capacity units for DynamoDB auto scaling",
            },
            Parameter {
                name: "targetReadUtilization",
                kind: ParamKind::Int { min: 20, max: 90 },
                default: None,
                doc: "Target utilization percentage for read capacity",
            },
            Parameter {
                name: "minProvisionedWriteCapacity",
                kind: ParamKind::Int { min: 1, max: 40_000 },
                default: None,
                doc: "Minimum number of provisioned write capacity units for DynamoDB auto scaling",
            },
            Parameter {
                name: "targetWriteUtilization",
                kind: ParamKind::Int { min: 20, max: 90 },
                default: None,
                doc: "Target utilization percentage for write capacity",
            },
        ],
        choices: "A table passes in on-demand mode (PAY_PER_REQUEST), or in provisioned mode when both its read and \
                  its write capacity are registered with Application Auto Scaling (resource table/<name>) and each \
                  has a target tracking policy. With minProvisioned*Capacity set, the target's MinCapacity must be \
                  at least that; with target*Utilization set, some target tracking policy of the dimension must \
                  aim at exactly that percentage [I]. hubsim has no secondary indexes to judge.",
        evaluate: dynamodb_1,
    },
    Control {
        id: "DynamoDB.2",
        resource_type: "AWS::DynamoDB::Table",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-pitr-enabled.html
        config_rule: Some("dynamodb-pitr-enabled"),
        parameters: &[],
        choices: "A table passes when DescribeContinuousBackups reports point-in-time recovery ENABLED, whatever its \
                  recovery period.",
        evaluate: dynamodb_2,
    },
    Control {
        id: "DynamoDB.6",
        resource_type: "AWS::DynamoDB::Table",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-table-deletion-protection-enabled.html
        config_rule: Some("dynamodb-table-deletion-protection-enabled"),
        parameters: &[],
        choices: "A table passes when DescribeTable reports DeletionProtectionEnabled true.",
        evaluate: dynamodb_6,
    },
];

fn table_ref(t: &TableView) -> ResourceRef {
    ResourceRef { id: t.arn().to_string(), kind: "AwsDynamoDbTable" }
}

/// What keeps a provisioned table's `dimension` (`Read` or `Write`) from scaling with demand
/// under `i`'s parameters, if anything.
fn unscaled(d: &DynamoDbView, t: &TableView, dimension: &str, i: &Input<'_>) -> Option<String> {
    let resource = format!("table/{}", t.name());
    let dim = format!("dynamodb:table:{dimension}CapacityUnits");
    let lower = dimension.to_lowercase();
    let Some(target) = d.targets.iter().find(|x| x.resource_id == resource && x.scalable_dimension == dim) else {
        return Some(format!("its {lower} capacity is not registered with Application Auto Scaling"));
    };
    let policies: Vec<f64> = d
        .policies
        .iter()
        .filter(|p| {
            p.resource_id == resource && p.scalable_dimension == dim && p.policy_type == "TargetTrackingScaling"
        })
        .filter_map(|p| p.target_tracking_scaling_policy_configuration.as_ref().map(|c| c.target_value))
        .collect();
    if policies.is_empty() {
        return Some(format!("its {lower} capacity has no target tracking scaling policy"));
    }
    if let Some(min) = i.params.int(&format!("minProvisioned{dimension}Capacity")) {
        if i64::from(target.min_capacity) < min {
            return Some(format!("its {lower} capacity scales down to {}, below {min}", target.min_capacity));
        }
    }
    if let Some(util) = i.params.int(&format!("target{dimension}Utilization")) {
        if !policies.iter().any(|v| (*v - util as f64).abs() < f64::EPSILON) {
            return Some(format!("no {lower} policy targets {util}% utilization"));
        }
    }
    None
}

fn dynamodb_1(i: &Input<'_>) -> Vec<Verdict> {
    let d = &i.region.dynamodb;
    d.tables
        .iter()
        .map(|t| {
            let name = t.name();
            let mode = t.table.billing_mode_summary.as_ref().and_then(|b| b.billing_mode.as_deref());
            if mode == Some("PAY_PER_REQUEST") {
                return Verdict::pass(table_ref(t), format!("table {name} uses on-demand capacity"));
            }
            let gaps: Vec<String> = ["Read", "Write"].iter().filter_map(|dim| unscaled(d, t, dim, i)).collect();
            Verdict::check(
                table_ref(t),
                gaps.is_empty(),
                format!("table {name} auto scales its read and write capacity"),
                format!("table {name} is provisioned and does not scale with demand: {}", gaps.join("; ")),
            )
        })
        .collect()
}

fn dynamodb_2(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .dynamodb
        .tables
        .iter()
        .map(|t| {
            let on = t.pitr.as_ref().and_then(|p| p.point_in_time_recovery_status.as_deref()) == Some("ENABLED");
            Verdict::check(
                table_ref(t),
                on,
                format!("table {} has point-in-time recovery enabled", t.name()),
                format!("table {} does not have point-in-time recovery enabled", t.name()),
            )
        })
        .collect()
}

fn dynamodb_6(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .dynamodb
        .tables
        .iter()
        .map(|t| {
            Verdict::check(
                table_ref(t),
                t.table.deletion_protection_enabled == Some(true),
                format!("table {} has deletion protection enabled", t.name()),
                format!("table {} does not have deletion protection enabled", t.name()),
            )
        })
        .collect()
}

/// Why `control` (one of this module's or Secrets Manager's) fails on `resource` in
/// `snapshot` under its default parameters; empty when it does not (the text of a
/// justification).
pub(crate) fn still_failing(control: &str, snapshot: &Snapshot, resource: &str) -> String {
    let Some(c) = super::all().iter().find(|c| c.id == control) else { return String::new() };
    let params = crate::control::Params::resolve(c.parameters, None);
    for region in &snapshot.regions {
        let input = Input { region, global: &snapshot.global, era: hubsim_api::Era::Current, params: &params };
        if let Some(v) = (c.evaluate)(&input).into_iter().find(|v| v.resource.id == resource) {
            return if v.status == Compliance::Failed { v.reason } else { String::new() };
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::Params;
    use crate::snapshot::{Global, Region};
    use hubsim_api::model::{application_autoscaling as aas, dynamodb as ddb};

    fn table(mode: &str) -> TableView {
        TableView {
            table: ddb::TableDescription {
                table_name: Some("t".into()),
                table_arn: Some("arn:aws:dynamodb:us-east-1:123456789012:table/t".into()),
                billing_mode_summary: Some(ddb::BillingModeSummary {
                    billing_mode: Some(mode.into()),
                    ..Default::default()
                }),
                ..Default::default()
            },
            pitr: None,
        }
    }

    fn scaled(dims: &[&str], min: i32, target: f64) -> DynamoDbView {
        let mut d = DynamoDbView { tables: vec![table("PROVISIONED")], ..Default::default() };
        for dim in dims {
            let dimension = format!("dynamodb:table:{dim}CapacityUnits");
            d.targets.push(aas::ScalableTarget {
                resource_id: "table/t".into(),
                scalable_dimension: dimension.clone(),
                min_capacity: min,
                max_capacity: 100,
                ..Default::default()
            });
            d.policies.push(aas::ScalingPolicy {
                resource_id: "table/t".into(),
                scalable_dimension: dimension,
                policy_type: "TargetTrackingScaling".into(),
                target_tracking_scaling_policy_configuration: Some(aas::TargetTrackingScalingPolicyConfiguration {
                    target_value: target,
                    ..Default::default()
                }),
                ..Default::default()
            });
        }
        d
    }

    fn run(d: DynamoDbView, overrides: Option<serde_json::Value>) -> Vec<Compliance> {
        let region = Region { name: "us-east-1".into(), dynamodb: d, ..Default::default() };
        let global = Global { account: "123456789012".into(), ..Default::default() };
        let params = Params::resolve(CONTROLS[0].parameters, overrides.as_ref().and_then(|v| v.as_object()));
        let input = Input { region: &region, global: &global, era: hubsim_api::Era::Current, params: &params };
        dynamodb_1(&input).into_iter().map(|v| v.status).collect()
    }

    #[test]
    fn on_demand_or_both_dimensions_scaled_pass() {
        let on_demand = DynamoDbView { tables: vec![table("PAY_PER_REQUEST")], ..Default::default() };
        assert_eq!(run(on_demand, None), [Compliance::Passed]);
        assert_eq!(run(scaled(&["Read", "Write"], 5, 70.0), None), [Compliance::Passed]);
        assert_eq!(run(scaled(&["Read"], 5, 70.0), None), [Compliance::Failed]);
        let mut no_policy = scaled(&["Read", "Write"], 5, 70.0);
        no_policy.policies.clear();
        assert_eq!(run(no_policy, None), [Compliance::Failed]);
    }

    #[test]
    fn parameters_bound_the_minimum_and_the_target() {
        let both = || scaled(&["Read", "Write"], 5, 70.0);
        assert_eq!(run(both(), Some(serde_json::json!({"minProvisionedReadCapacity": 5}))), [Compliance::Passed]);
        assert_eq!(run(both(), Some(serde_json::json!({"minProvisionedReadCapacity": 6}))), [Compliance::Failed]);
        assert_eq!(run(both(), Some(serde_json::json!({"targetWriteUtilization": 70}))), [Compliance::Passed]);
        assert_eq!(run(both(), Some(serde_json::json!({"targetWriteUtilization": 50}))), [Compliance::Failed]);
    }
}
