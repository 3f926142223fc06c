//! Generated Lambda functions (Lambda.1, Lambda.2, Lambda.5): supported or deprecated runtimes
//! (by era), no VPC or a VPC in one or two zones, and resource policies that are public
//! (a function URL's statement for everyone), let S3 in without or with `AWS:SourceAccount`, or
//! name a partner account. Steps Lambda refuses (a role it cannot assume, a duplicate statement
//! id) carry `expect_error`. What the properties read back, and keep, is here too.

use std::collections::BTreeMap;

use hubsim_checks::remediate::Justification;
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

/// A policy document's statements (one statement object counts as a list of one).
fn statements(policy: &str) -> R<Vec<Value>> {
    let doc: Value = serde_json::from_str(policy).map_err(|e| format!("policy is not JSON: {e}: {policy}"))?;
    Ok(match doc.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(v @ Value::Object(_)) => vec![v.clone()],
        _ => Vec::new(),
    })
}

/// A function's resource policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FnPolicy {
    None,
    /// A function URL with AuthType NONE and the statement for everyone it needs.
    PublicUrl,
    /// S3 may invoke it, without AWS:SourceAccount.
    S3Open,
    /// S3 may invoke it, pinned to the account.
    S3Pinned,
    /// A partner account may invoke it.
    Partner,
}

/// Where a function runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FnVpc {
    None,
    OneZone,
    TwoZones,
}

/// One function.
#[derive(Debug, Clone)]
pub struct FnPlan {
    pub region: usize,
    pub deprecated: bool,
    pub vpc: FnVpc,
    pub policy: FnPolicy,
}

/// The sub-plan.
#[derive(Debug, Clone)]
pub struct LambdaPlan {
    pub functions: Vec<FnPlan>,
    /// Also try what Lambda refuses.
    pub refused: bool,
}

/// The strategy of the sub-plan.
pub fn plan() -> impl Strategy<Value = LambdaPlan> {
    let policy = prop_oneof![
        Just(FnPolicy::None),
        Just(FnPolicy::PublicUrl),
        Just(FnPolicy::S3Open),
        Just(FnPolicy::S3Pinned),
        Just(FnPolicy::Partner)
    ];
    let vpc = prop_oneof![Just(FnVpc::None), Just(FnVpc::OneZone), Just(FnVpc::TwoZones)];
    (
        prop::collection::vec(
            (0usize..3, any::<bool>(), vpc, policy).prop_map(|(region, deprecated, vpc, policy)| FnPlan {
                region,
                deprecated,
                vpc,
                policy,
            }),
            0..=3,
        ),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(functions, refused)| LambdaPlan { functions, refused })
}

fn step(call: &str, region: &str, input: Value, capture: Option<String>) -> Step {
    Step { call: call.into(), region: Some(region.into()), input, capture, expect_error: None, note: None }
}

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

impl LambdaPlan {
    /// The steps, given the account's regions, its id, its home region and its era.
    pub fn steps(&self, regions: &[String], account: &str, home: &str, current: bool) -> Vec<Step> {
        let mut out = Vec::new();
        if self.functions.is_empty() {
            return out;
        }
        let role = format!("arn:aws:iam::{account}:role/gen-fn-role");
        out.push(step(
            "iam:CreateRole",
            home,
            json!({"RoleName": "gen-fn-role", "AssumeRolePolicyDocument": TRUST}),
            None,
        ));
        let region = |i: usize| regions[i % regions.len()].clone();
        let mut networked = Vec::new();
        for f in &self.functions {
            let r = region(f.region);
            if f.vpc != FnVpc::None && !networked.contains(&r) {
                let n = networked.len();
                networked.push(r.clone());
                out.push(step("ec2:CreateVpc", &r, json!({"CidrBlock": "10.77.0.0/16"}), Some(format!("gen-fvpc{n}"))));
                let vpc = format!("${{gen-fvpc{n}.Vpc.VpcId}}");
                // Zones a and c: every generated region has both (ap-northeast-1 has no b).
                for (z, cidr) in [("a", "10.77.1.0/24"), ("c", "10.77.2.0/24")] {
                    out.push(step(
                        "ec2:CreateSubnet",
                        &r,
                        json!({"VpcId": vpc, "CidrBlock": cidr, "AvailabilityZone": format!("{r}{z}")}),
                        Some(format!("gen-fsub{n}{z}")),
                    ));
                }
                out.push(step(
                    "ec2:CreateSecurityGroup",
                    &r,
                    json!({"GroupName": "gen-fn", "Description": "generated functions", "VpcId": vpc}),
                    Some(format!("gen-fsg{n}")),
                ));
            }
        }
        for (i, f) in self.functions.iter().enumerate() {
            let r = region(f.region);
            let name = format!("gen-fn{i}");
            let runtime = match (f.deprecated, current) {
                (false, true) => "python3.12",
                (true, true) => "python3.9",
                (false, false) => "python3.9",
                (true, false) => "python3.6",
            };
            let mut input = json!({"FunctionName": name, "Runtime": runtime, "Role": role, "Handler": "app.handler",
                                   "Code": {"ZipFile": "aGVsbG8="}});
            if f.vpc != FnVpc::None {
                let n = networked.iter().position(|x| *x == r).unwrap_or(0);
                let mut subnets = vec![format!("${{gen-fsub{n}a.Subnet.SubnetId}}")];
                if f.vpc == FnVpc::TwoZones {
                    subnets.push(format!("${{gen-fsub{n}c.Subnet.SubnetId}}"));
                }
                input["VpcConfig"] =
                    json!({"SubnetIds": subnets, "SecurityGroupIds": [format!("${{gen-fsg{n}.GroupId}}")]});
            }
            if self.refused {
                let mut bad = input.clone();
                bad["Role"] = json!(format!("arn:aws:iam::{account}:role/gen-missing-role"));
                out.push(Step {
                    expect_error: Some("InvalidParameterValueException".into()),
                    note: Some("a role Lambda cannot assume".into()),
                    ..step("lambda:CreateFunction", &r, bad, None)
                });
            }
            out.push(step("lambda:CreateFunction", &r, input, None));
            let perm = |sid: &str, principal: &str, extra: Value| {
                let mut p = json!({"FunctionName": name, "StatementId": sid, "Action": "lambda:InvokeFunction", "Principal": principal});
                if let (Some(p), Some(e)) = (p.as_object_mut(), extra.as_object()) {
                    p.extend(e.clone());
                }
                step("lambda:AddPermission", &r, p, None)
            };
            match f.policy {
                FnPolicy::None => {}
                FnPolicy::PublicUrl => {
                    out.push(step(
                        "lambda:CreateFunctionUrlConfig",
                        &r,
                        json!({"FunctionName": name, "AuthType": "NONE"}),
                        None,
                    ));
                    out.push(perm(
                        "url",
                        "*",
                        json!({"Action": "lambda:InvokeFunctionUrl", "FunctionUrlAuthType": "NONE"}),
                    ));
                }
                FnPolicy::S3Open => {
                    out.push(perm("s3", "s3.amazonaws.com", json!({"SourceArn": "arn:aws:s3:::gen-uploads"})))
                }
                FnPolicy::S3Pinned => out.push(perm(
                    "s3",
                    "s3.amazonaws.com",
                    json!({"SourceArn": "arn:aws:s3:::gen-uploads", "SourceAccount": account}),
                )),
                FnPolicy::Partner => out.push(perm("partner", "210987654321", json!({}))),
            }
            if self.refused && f.policy != FnPolicy::None {
                let sid = match f.policy {
                    FnPolicy::PublicUrl => "url",
                    FnPolicy::Partner => "partner",
                    _ => "s3",
                };
                out.push(Step {
                    expect_error: Some("ResourceConflictException".into()),
                    note: Some("a statement id already in the policy".into()),
                    ..perm(sid, "210987654321", json!({}))
                });
            }
        }
        out
    }
}

/// What the properties keep an eye on: function ARN → (runtime, subnets, policy statements).
#[derive(Debug, Clone, Default)]
pub struct LambdaState {
    pub functions: BTreeMap<String, (String, Vec<String>, Vec<Value>)>,
}

/// Reads the functions of `regions`.
pub fn read(sim: &Simulator, regions: &[String]) -> R<LambdaState> {
    let mut s = LambdaState::default();
    for r in regions {
        let listed = call(sim, r, "lambda", "ListFunctions", json!({"MaxItems": 10000}))?;
        for f in listed.get("Functions").and_then(Value::as_array).cloned().unwrap_or_default() {
            let arn = f.get("FunctionArn").and_then(Value::as_str).unwrap_or_default().to_string();
            let runtime = f.get("Runtime").and_then(Value::as_str).unwrap_or_default().to_string();
            let subnets: Vec<String> = f
                .pointer("/VpcConfig/SubnetIds")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            let policy = match sim.call_json(r, "lambda", "GetPolicy", json!({"FunctionName": arn})) {
                Ok(p) => statements(p.get("Policy").and_then(Value::as_str).unwrap_or_default())?,
                Err(e) if e.code == "ResourceNotFoundException" => Vec::new(),
                Err(e) => return Err(format!("GetPolicy {arn}: {}", e.code)),
            };
            s.functions.insert(arn, (runtime, subnets, policy));
        }
    }
    Ok(s)
}

fn s3_pinned_to(st: &Value, account: &str) -> bool {
    st.pointer("/Principal/Service") == Some(&json!("s3.amazonaws.com"))
        && st.pointer("/Condition/StringEquals/AWS:SourceAccount") == Some(&json!(account))
}

/// (d): no function deleted, no runtime or subnet changed, and a policy statement removed only
/// when it was for everyone or let S3 in without a source account (then re-added pinned to the
/// account, with its Sid).
pub fn check_kept(before: &LambdaState, after: &LambdaState, account: &str) -> R<()> {
    for (arn, (runtime, subnets, policy)) in &before.functions {
        let Some((rt, sn, now)) = after.functions.get(arn) else { return Err(format!("function {arn} was deleted")) };
        if rt != runtime || sn != subnets {
            return Err(format!("function {arn}: runtime or subnets changed ({runtime} {subnets:?} → {rt} {sn:?})"));
        }
        for st in policy.iter().filter(|st| !now.contains(st)) {
            let everyone = st.get("Principal") == Some(&json!("*"));
            let s3_open = st.pointer("/Principal/Service") == Some(&json!("s3.amazonaws.com"))
                && st.pointer("/Condition/StringEquals/AWS:SourceAccount").is_none();
            if !everyone && !s3_open {
                return Err(format!("function {arn}: statement {st} removed, though it is not public"));
            }
        }
        for st in now.iter().filter(|st| !policy.contains(st)) {
            let sid = st.get("Sid");
            let replaces = policy.iter().any(|old| old.get("Sid") == sid);
            if !(replaces && s3_pinned_to(st, account)) {
                return Err(format!("function {arn}: new statement {st}"));
            }
        }
    }
    Ok(())
}

/// (b) for Lambda.2's and Lambda.5's justifications: `None` when `note` is neither.
pub fn check_justification(note: &str, control: &str, resource: &str, after: &LambdaState) -> Option<R<()>> {
    let (want, ok) = if note == Justification::RuntimeUpgrade.text() {
        ("Lambda.2", after.functions.get(resource).is_some_and(|(rt, _, _)| !rt.is_empty()))
    } else if note == Justification::FunctionZones.text() {
        ("Lambda.5", after.functions.get(resource).is_some_and(|(_, subnets, _)| !subnets.is_empty()))
    } else {
        return None;
    };
    Some(if control != want {
        Err(format!("{control} {resource}: {want}'s justification on another control"))
    } else if !ok {
        Err(format!("{control} {resource}: justified, but the function is gone or no longer has the setting"))
    } else {
        Ok(())
    })
}
