//! Generated ECR repositories (ECR.1, ECR.2, ECR.3): scan on push on or off, mutable or
//! immutable tags, with or without a lifecycle policy, and sometimes a registry rule that scans
//! some of them. A duplicate repository name carries `expect_error`. What the properties read
//! back, and keep, is here too.

use std::collections::BTreeMap;

use hubsim_scenario::Step;
use hubsim_simulator::Simulator;
use proptest::prelude::*;
use serde_json::{json, Value};

/// A read's result, or what went wrong as text.
pub type R<T> = Result<T, String>;

fn call(sim: &Simulator, region: &str, service: &str, op: &str, input: Value) -> R<Value> {
    sim.call_json(region, service, op, input.clone())
        .map_err(|e| format!("{service}:{op} {input} in {region} failed: {}: {}", e.code, e.message))
}

/// One repository.
#[derive(Debug, Clone)]
pub struct RepoPlan {
    pub region: usize,
    pub scan_on_push: bool,
    pub immutable: bool,
    pub lifecycle: bool,
}

/// The sub-plan.
#[derive(Debug, Clone)]
pub struct EcrPlan {
    pub repos: Vec<RepoPlan>,
    /// A registry rule in the first region: (frequency, filter).
    pub registry_rule: Option<(&'static str, &'static str)>,
    /// Also try what ECR refuses.
    pub refused: bool,
}

/// The strategy of the sub-plan.
pub fn plan() -> impl Strategy<Value = EcrPlan> {
    let rule = prop_oneof![
        Just(None),
        Just(Some(("SCAN_ON_PUSH", "gen-r0*"))),
        Just(Some(("MANUAL", "*"))),
        Just(Some(("CONTINUOUS_SCAN", "gen-*")))
    ];
    (
        prop::collection::vec(
            (0usize..3, any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
                |(region, scan_on_push, immutable, lifecycle)| RepoPlan { region, scan_on_push, immutable, lifecycle },
            ),
            0..=3,
        ),
        rule,
        prop::bool::weighted(0.3),
    )
        .prop_map(|(repos, registry_rule, refused)| EcrPlan { repos, registry_rule, refused })
}

fn step(call: &str, region: &str, input: Value) -> Step {
    Step { call: call.into(), region: Some(region.into()), input, capture: None, expect_error: None, note: None }
}

/// A user's own lifecycle policy (keeps the last 20 release images).
const USER_POLICY: &str = r#"{"rules":[{"rulePriority":1,"description":"keep the last 20 release images","selection":{"tagStatus":"tagged","tagPrefixList":["release-"],"countType":"imageCountMoreThan","countNumber":20},"action":{"type":"expire"}}]}"#;

impl EcrPlan {
    /// The steps, given the account's regions.
    pub fn steps(&self, regions: &[String]) -> Vec<Step> {
        let mut out = Vec::new();
        let region = |i: usize| regions[i % regions.len()].clone();
        for (i, p) in self.repos.iter().enumerate() {
            let r = region(p.region);
            let name = format!("gen-r{i}");
            let input = json!({"repositoryName": name, "imageTagMutability": if p.immutable { "IMMUTABLE" } else { "MUTABLE" },
                               "imageScanningConfiguration": {"scanOnPush": p.scan_on_push}});
            out.push(step("ecr:CreateRepository", &r, input.clone()));
            if self.refused {
                out.push(Step {
                    expect_error: Some("RepositoryAlreadyExistsException".into()),
                    note: Some("a name already taken".into()),
                    ..step("ecr:CreateRepository", &r, input)
                });
            }
            if p.lifecycle {
                out.push(step(
                    "ecr:PutLifecyclePolicy",
                    &r,
                    json!({"repositoryName": name, "lifecyclePolicyText": USER_POLICY}),
                ));
            }
        }
        if let Some((freq, filter)) = self.registry_rule {
            let scan_type = if freq == "CONTINUOUS_SCAN" { "ENHANCED" } else { "BASIC" };
            out.push(step(
                "ecr:PutRegistryScanningConfiguration",
                &region(0),
                json!({"scanType": scan_type, "rules": [{"scanFrequency": freq, "repositoryFilters": [{"filter": filter, "filterType": "WILDCARD"}]}]}),
            ));
        }
        out
    }
}

/// What the properties keep an eye on: repository ARN → (scan on push, tag mutability,
/// lifecycle policy).
#[derive(Debug, Clone, Default)]
pub struct EcrState {
    pub repos: BTreeMap<String, (bool, String, Option<String>)>,
}

/// Reads the repositories of `regions`.
pub fn read(sim: &Simulator, regions: &[String]) -> R<EcrState> {
    let mut s = EcrState::default();
    for r in regions {
        let listed = call(sim, r, "ecr", "DescribeRepositories", json!({"maxResults": 1000}))?;
        for repo in listed.get("repositories").and_then(Value::as_array).cloned().unwrap_or_default() {
            let arn = repo.get("repositoryArn").and_then(Value::as_str).unwrap_or_default().to_string();
            let name = repo.get("repositoryName").and_then(Value::as_str).unwrap_or_default();
            let scan = repo.pointer("/imageScanningConfiguration/scanOnPush").and_then(Value::as_bool) == Some(true);
            let mutability = repo.get("imageTagMutability").and_then(Value::as_str).unwrap_or_default().to_string();
            let policy = match sim.call_json(r, "ecr", "GetLifecyclePolicy", json!({"repositoryName": name})) {
                Ok(p) => p.get("lifecyclePolicyText").and_then(Value::as_str).map(str::to_string),
                Err(e) if e.code == "LifecyclePolicyNotFoundException" => None,
                Err(e) => return Err(format!("GetLifecyclePolicy {name}: {}", e.code)),
            };
            s.repos.insert(arn, (scan, mutability, policy));
        }
    }
    Ok(s)
}

/// (d): no repository deleted, scan on push and immutability never turned off, a user's
/// lifecycle policy never replaced, and a policy the fix writes expires untagged images only.
pub fn check_kept(before: &EcrState, after: &EcrState) -> R<()> {
    for (arn, (scan, mutability, policy)) in &before.repos {
        let Some((s, m, p)) = after.repos.get(arn) else { return Err(format!("repository {arn} was deleted")) };
        if *scan && !s {
            return Err(format!("repository {arn}: scan on push turned off"));
        }
        if mutability == "IMMUTABLE" && m != "IMMUTABLE" {
            return Err(format!("repository {arn}: tags made {m}"));
        }
        match (policy, p) {
            (Some(was), Some(now)) if was != now => return Err(format!("repository {arn}: lifecycle policy replaced")),
            (Some(_), None) => return Err(format!("repository {arn}: lifecycle policy removed")),
            (None, Some(now)) => {
                let doc: Value = serde_json::from_str(now).map_err(|e| format!("{arn}: policy not JSON: {e}"))?;
                let rules = doc.get("rules").and_then(Value::as_array).cloned().unwrap_or_default();
                if rules.is_empty()
                    || rules.iter().any(|r| r.pointer("/selection/tagStatus") != Some(&json!("untagged")))
                {
                    return Err(format!(
                        "repository {arn}: the written lifecycle policy can expire tagged images: {now}"
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(())
}
