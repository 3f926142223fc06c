//! Secrets Manager secrets for the property tests: with rotation (a function and a schedule)
//! or without, read or never read, scheduled for deletion or not. And what of them the account
//! holds, read back through the API, so that (d) can prove remediation deletes no secret,
//! schedules none for deletion, never turns rotation off or changes a schedule.

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

/// One secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretPlan {
    /// Index into the account's regions.
    pub region: usize,
    /// Rotation every so many days, through a (well-formed) rotation function.
    pub rotation: Option<i64>,
    /// Whether its value is read once.
    pub read: bool,
    /// Whether it is scheduled for deletion.
    pub scheduled: bool,
}

/// The sub-plan: the secrets.
#[derive(Debug, Clone)]
pub struct SecretsPlan {
    pub secrets: Vec<SecretPlan>,
}

/// The strategy of the sub-plan.
pub fn plan() -> impl Strategy<Value = SecretsPlan> {
    let secret = (0usize..3, prop::option::of(1i64..=365), any::<bool>(), prop::bool::weighted(0.2))
        .prop_map(|(region, rotation, read, scheduled)| SecretPlan { region, rotation, read, scheduled });
    prop::collection::vec(secret, 0..3).prop_map(|secrets| SecretsPlan { secrets })
}

fn step(call: &str, region: &str, input: Value) -> Step {
    Step { call: call.into(), region: Some(region.into()), input, capture: None, expect_error: None, note: None }
}

impl SecretsPlan {
    /// The steps, given the account's regions and id.
    pub fn steps(&self, regions: &[String], account: &str) -> Vec<Step> {
        let mut out = Vec::new();
        for (i, s) in self.secrets.iter().enumerate() {
            let region = regions[s.region % regions.len()].clone();
            let name = format!("gen/secret-{i}");
            out.push(step("secretsmanager:CreateSecret", &region, json!({"Name": name, "SecretString": "v"})));
            if let Some(days) = s.rotation {
                out.push(step(
                    "secretsmanager:RotateSecret",
                    &region,
                    json!({"SecretId": name,
                        "RotationLambdaARN": format!("arn:aws:lambda:{region}:{account}:function:rotate-{i}"),
                        "RotationRules": {"AutomaticallyAfterDays": days}}),
                ));
            }
            if s.read {
                out.push(step("secretsmanager:GetSecretValue", &region, json!({"SecretId": name})));
            }
            if s.scheduled {
                out.push(step("secretsmanager:DeleteSecret", &region, json!({"SecretId": name})));
            }
        }
        out
    }
}

/// One secret as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretState {
    pub rotation: bool,
    pub rules: Value,
    pub scheduled: bool,
    pub policy: Value,
}

/// Secret ARN → its state (secrets scheduled for deletion included).
pub type Secrets = BTreeMap<String, SecretState>;

/// Reads the secrets of `region` into `s`.
pub fn read(sim: &Simulator, region: &str, s: &mut Secrets) -> R<()> {
    let list = call(sim, region, "secretsmanager", "ListSecrets", json!({"IncludePlannedDeletion": true}))?;
    for e in list.get("SecretList").and_then(Value::as_array).cloned().unwrap_or_default() {
        let arn = e["ARN"].as_str().unwrap_or_default().to_string();
        let policy = call(sim, region, "secretsmanager", "GetResourcePolicy", json!({"SecretId": arn}))?;
        s.insert(
            arn,
            SecretState {
                rotation: e["RotationEnabled"] == true,
                rules: e["RotationRules"].clone(),
                scheduled: e.get("DeletedDate").is_some(),
                policy: policy["ResourcePolicy"].clone(),
            },
        );
    }
    Ok(())
}

/// (d) for secrets: none deleted or newly scheduled for deletion, rotation never turned off,
/// schedules and resource policies unchanged.
pub fn check_kept(before: &Secrets, after: &Secrets) -> R<()> {
    for (arn, b) in before {
        let Some(a) = after.get(arn) else { return Err(format!("secret {arn} was deleted")) };
        if a.scheduled != b.scheduled || (b.rotation && !a.rotation) || a.rules != b.rules || a.policy != b.policy {
            return Err(format!("secret {arn} changed beyond a rotation: {b:?} → {a:?}"));
        }
    }
    Ok(())
}

/// (b) for the Secrets Manager justifications (notes starting `SecretsManager.N: `): on that
/// control, the secret still there, and for SecretsManager.1 without a rotation it could pass
/// by. `None` when the note is not one of them.
pub fn check_justification(note: &str, control: &str, resource: &str, secrets: &Secrets) -> Option<R<()>> {
    let (named, _) = note.split_once(": ")?;
    if !named.starts_with("SecretsManager.") {
        return None;
    }
    if named != control {
        return Some(Err(format!("{named}'s justification on {control}")));
    }
    let Some(s) = secrets.get(resource) else { return Some(Err(format!("secret {resource} is gone"))) };
    Some(if control == "SecretsManager.1" && s.rotation && s.rules.is_null() {
        Err(format!("suppressed as not rotating, but {resource} rotates: {s:?}"))
    } else {
        Ok(())
    })
}
