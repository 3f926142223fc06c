//! Lambda.1: the function policy's public statements are removed (RemovePermission, one call
//! per statement); a statement that lets Amazon S3 invoke the function without
//! `AWS:SourceAccount` is re-added with the account's own id as its source account, so the
//! account's own bucket notifications keep working
//! (<https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html>).
//! Lambda.2 and Lambda.5 are justified: a runtime upgrade changes what the code runs on, and a
//! subnet in another zone needs the routes and network rules the function relies on; both are
//! the owner's call.

use hubsim_api::model::lambda;
use hubsim_api::AwsApi;
use serde_json::Value;

use super::{Done, Fix, How, Scope, Target};
use crate::controls::lambda::{policy_statements, public_reasons, s3_without_source_account};
use crate::remediate::fixer::Fixer;
use crate::remediate::{Failed, Justification};
use crate::snapshot::{FunctionView, Snapshot};

/// The Lambda fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![
        Fix {
            control: "Lambda.1",
            iam_actions: &["lambda:RemovePermission", "lambda:AddPermission"],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(lambda_1),
        },
        Fix {
            control: "Lambda.2",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &[],
            how: How::Justified(Justification::RuntimeUpgrade),
        },
        Fix {
            control: "Lambda.5",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &[],
            how: How::Justified(Justification::FunctionZones),
        },
    ]
}

/// The function the finding is about, from the snapshot the round judged.
fn function<'s>(snapshot: &'s Snapshot, region: &str, resource: &str) -> Option<&'s FunctionView> {
    snapshot.regions.iter().filter(|r| r.name == region).flat_map(|r| r.functions.iter()).find(|f| f.arn() == resource)
}

fn lambda_1<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let Some(func) = function(target.snapshot, target.region, target.resource) else { return Ok(Done::Applied) };
    let Some(policy) = func.policy.as_deref() else { return Ok(Done::Applied) };
    let all = policy_statements(policy);
    let s3_only: Vec<usize> = s3_without_source_account(policy).into_iter().map(|(n, _)| n).collect();
    let account = target.snapshot.global.account.clone();
    for (n, _) in public_reasons(func) {
        let Some(st) = all.get(n) else { continue };
        let Some(sid) = st.get("Sid").and_then(Value::as_str) else { continue };
        f.call::<lambda::RemovePermission>(
            target.region,
            lambda::RemovePermissionRequest {
                function_name: func.arn().to_string(),
                statement_id: sid.to_string(),
                ..Default::default()
            },
        )?;
        let everyone = crate::controls::public_statements(policy).iter().any(|(m, _)| *m == n);
        if s3_only.contains(&n) && !everyone {
            f.call::<lambda::AddPermission>(
                target.region,
                lambda::AddPermissionRequest {
                    function_name: func.arn().to_string(),
                    statement_id: sid.to_string(),
                    action: action(st),
                    principal: "s3.amazonaws.com".into(),
                    source_arn: source_arn(st),
                    source_account: Some(account.clone()),
                    ..Default::default()
                },
            )?;
        }
    }
    Ok(Done::Applied)
}

/// The statement's action (the first, as AddPermission writes one).
fn action(st: &Value) -> String {
    match st.get("Action") {
        Some(Value::String(a)) => a.clone(),
        Some(Value::Array(a)) => a.first().and_then(Value::as_str).unwrap_or("lambda:InvokeFunction").to_string(),
        _ => "lambda:InvokeFunction".into(),
    }
}

/// The statement's fixed `AWS:SourceArn`, if it has one.
fn source_arn(st: &Value) -> Option<String> {
    let cond = st.get("Condition")?.as_object()?;
    cond.iter().filter(|(op, _)| op.to_ascii_lowercase().starts_with("arn")).find_map(|(_, keys)| {
        keys.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case("aws:SourceArn")).and_then(|(_, v)| match v {
            Value::String(s) => Some(s.clone()),
            _ => None,
        })
    })
}

/// Lambda.2's and Lambda.5's justifications hold while the finding's function still exists
/// with the setting the control failed (a runtime, subnets); the others are not this file's.
pub(super) fn precondition(j: &Justification, snapshot: &Snapshot, resource: &str) -> Result<(), String> {
    if !matches!(j, Justification::RuntimeUpgrade | Justification::FunctionZones) {
        return Ok(());
    }
    let region = resource.split(':').nth(3).unwrap_or_default();
    let Some(f) = function(snapshot, region, resource) else {
        return Err(format!("function {resource} no longer exists: nothing is left to justify"));
    };
    match j {
        Justification::RuntimeUpgrade if f.config.runtime.is_none() => {
            Err("the function has no runtime any more".to_string())
        }
        Justification::FunctionZones if f.config.vpc_config.as_ref().and_then(|v| v.subnet_ids.as_ref()).is_none() => {
            Err("the function is no longer connected to a VPC".to_string())
        }
        _ => Ok(()),
    }
}
