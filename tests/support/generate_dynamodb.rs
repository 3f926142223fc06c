//! DynamoDB tables for the property tests: provisioned or on-demand, with or without
//! point-in-time recovery and deletion protection, their read and write capacity auto scaled or
//! not. And what of them the account holds, read back through the API, so that (d) can prove
//! remediation deletes no table, never switches a table's capacity mode, and never turns
//! point-in-time recovery or deletion protection off.

use std::collections::BTreeMap;

use hubsim_scenario::Step;
use hubsim_simulator::Simulator;
use proptest::prelude::*;
use serde_json::{json, Value};

/// A failed expectation, as text (this file stands alone so that the evaluation bench can
/// include it by path).
pub type R<T> = Result<T, String>;

fn call(sim: &Simulator, region: &str, service: &str, op: &str, input: Value) -> R<Value> {
    sim.call_json(region, service, op, input.clone())
        .map_err(|e| format!("{service}:{op} {input} in {region} failed: {}: {}", e.code, e.message))
}

/// One table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TablePlan {
    /// Index into the account's regions.
    pub region: usize,
    pub on_demand: bool,
    pub pitr: bool,
    pub protected: bool,
    /// Read and write capacity registered with a target tracking policy (provisioned only).
    pub scaled: [bool; 2],
}

/// The sub-plan: the tables.
#[derive(Debug, Clone)]
pub struct DynamoPlan {
    pub tables: Vec<TablePlan>,
}

/// The strategy of the sub-plan.
pub fn plan() -> impl Strategy<Value = DynamoPlan> {
    let table = (0usize..3, any::<bool>(), any::<bool>(), any::<bool>(), any::<[bool; 2]>()).prop_map(
        |(region, on_demand, pitr, protected, scaled)| TablePlan { region, on_demand, pitr, protected, scaled },
    );
    prop::collection::vec(table, 0..3).prop_map(|tables| DynamoPlan { tables })
}

fn step(call: &str, region: &str, input: Value) -> Step {
    Step { call: call.into(), region: Some(region.into()), input, capture: None, expect_error: None, note: None }
}

impl DynamoPlan {
    /// The steps, given the account's regions.
    pub fn steps(&self, regions: &[String]) -> Vec<Step> {
        let mut out = Vec::new();
        for (i, t) in self.tables.iter().enumerate() {
            let region = regions[t.region % regions.len()].clone();
            let name = format!("gen-table-{i}");
            let mut input = json!({"TableName": name, "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "DeletionProtectionEnabled": t.protected});
            if t.on_demand {
                input["BillingMode"] = json!("PAY_PER_REQUEST");
            } else {
                input["ProvisionedThroughput"] = json!({"ReadCapacityUnits": 5, "WriteCapacityUnits": 5});
            }
            out.push(step("dynamodb:CreateTable", &region, input));
            if t.pitr {
                out.push(step(
                    "dynamodb:UpdateContinuousBackups",
                    &region,
                    json!({"TableName": name, "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}),
                ));
            }
            for (dim, on) in ["Read", "Write"].iter().zip(t.scaled) {
                if !on || t.on_demand {
                    continue;
                }
                let dimension = format!("dynamodb:table:{dim}CapacityUnits");
                out.push(step(
                    "application-autoscaling:RegisterScalableTarget",
                    &region,
                    json!({"ServiceNamespace": "dynamodb", "ResourceId": format!("table/{name}"),
                        "ScalableDimension": dimension, "MinCapacity": 5, "MaxCapacity": 100}),
                ));
                out.push(step(
                    "application-autoscaling:PutScalingPolicy",
                    &region,
                    json!({"PolicyName": format!("{name}-{dim}"), "ServiceNamespace": "dynamodb",
                        "ResourceId": format!("table/{name}"), "ScalableDimension": dimension,
                        "PolicyType": "TargetTrackingScaling",
                        "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70.0}}),
                ));
            }
        }
        out
    }
}

/// One table as read back: billing mode, PITR, deletion protection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableState {
    pub mode: String,
    pub pitr: bool,
    pub protected: bool,
}

/// Table ARN → its state.
pub type Tables = BTreeMap<String, TableState>;

/// Reads the tables of `region` into `s`.
pub fn read(sim: &Simulator, region: &str, s: &mut Tables) -> R<()> {
    let names = call(sim, region, "dynamodb", "ListTables", json!({}))?;
    for name in names.get("TableNames").and_then(Value::as_array).cloned().unwrap_or_default() {
        let t = call(sim, region, "dynamodb", "DescribeTable", json!({"TableName": name}))?;
        let t = &t["Table"];
        let b = call(sim, region, "dynamodb", "DescribeContinuousBackups", json!({"TableName": name}))?;
        let pitr = b["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
            == "ENABLED";
        let mode = t["BillingModeSummary"]["BillingMode"].as_str().unwrap_or("PROVISIONED").to_string();
        s.insert(
            t["TableArn"].as_str().unwrap_or_default().to_string(),
            TableState { mode, pitr, protected: t["DeletionProtectionEnabled"] == true },
        );
    }
    Ok(())
}

/// (d) for tables: none deleted, none switched to another capacity mode, point-in-time
/// recovery and deletion protection never turned off.
pub fn check_kept(before: &Tables, after: &Tables) -> R<()> {
    for (arn, b) in before {
        let Some(a) = after.get(arn) else { return Err(format!("table {arn} was deleted")) };
        if a.mode != b.mode {
            return Err(format!("table {arn} switched from {} to {}", b.mode, a.mode));
        }
        if (b.pitr && !a.pitr) || (b.protected && !a.protected) {
            return Err(format!("table {arn} lost PITR or deletion protection: {b:?} → {a:?}"));
        }
    }
    Ok(())
}

/// (b) for DynamoDB.1's justification (its note starts `DynamoDB.1: `): on DynamoDB.1 only, and
/// the table is still provisioned. `None` when the note is not this one.
pub fn check_justification(note: &str, control: &str, resource: &str, tables: &Tables) -> Option<R<()>> {
    note.strip_prefix("DynamoDB.1: ")?;
    if control != "DynamoDB.1" {
        return Some(Err(format!("DynamoDB.1's justification on {control}")));
    }
    Some(match tables.get(resource) {
        Some(t) if t.mode == "PROVISIONED" => Ok(()),
        other => Err(format!("suppressed as not scaling, but table {resource} is {other:?}")),
    })
}
