//! Lambda.1, Lambda.2 and Lambda.5: function policies that are not public, supported runtimes,
//! VPC functions in more than one Availability Zone
//! (AWS: <https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html>).

use std::collections::BTreeSet;

use serde_json::Value;

use super::iam_policies::statements;
use super::public_policy::public_statements;
use super::s3_public::pinned_by;
use crate::control::{Control, Input, ParamKind, Parameter, ResourceRef, Schedule, Verdict};
use crate::snapshot::FunctionView;
use hubsim_api::Era;

/// Every runtime identifier of Lambda's API model (the values `runtime` may list).
const ALL_RUNTIMES: &[&str] = &[
    "nodejs",
    "nodejs4.3",
    "nodejs6.10",
    "nodejs8.10",
    "nodejs10.x",
    "nodejs12.x",
    "nodejs14.x",
    "nodejs16.x",
    "nodejs18.x",
    "nodejs20.x",
    "nodejs22.x",
    "nodejs24.x",
    "java8",
    "java8.al2",
    "java11",
    "java17",
    "java21",
    "java25",
    "python2.7",
    "python3.6",
    "python3.7",
    "python3.8",
    "python3.9",
    "python3.10",
    "python3.11",
    "python3.12",
    "python3.13",
    "python3.14",
    "dotnetcore1.0",
    "dotnetcore2.0",
    "dotnetcore2.1",
    "dotnetcore3.1",
    "dotnet6",
    "dotnet8",
    "dotnet10",
    "nodejs4.3-edge",
    "go1.x",
    "ruby2.5",
    "ruby2.7",
    "ruby3.2",
    "ruby3.3",
    "ruby3.4",
    "ruby4.0",
    "provided",
    "provided.al2",
    "provided.al2023",
];

/// Security Hub's supported-runtime list in 2022 (hubsim's reading of the control page then) [U].
const SUPPORTED_2022: &[&str] = &[
    "nodejs16.x",
    "nodejs14.x",
    "nodejs12.x",
    "python3.9",
    "python3.8",
    "python3.7",
    "ruby2.7",
    "java11",
    "java8",
    "java8.al2",
    "go1.x",
    "dotnetcore3.1",
    "dotnet6",
];

/// The language runtimes not deprecated on era current's clock start (2026-01-01), from
/// <https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html> [U].
const SUPPORTED_CURRENT: &[&str] = &[
    "nodejs24.x",
    "nodejs22.x",
    "nodejs20.x",
    "python3.14",
    "python3.13",
    "python3.12",
    "python3.11",
    "python3.10",
    "java25",
    "java21",
    "java17",
    "java11",
    "java8.al2",
    "dotnet10",
    "dotnet8",
    "ruby3.4",
    "ruby3.3",
    "ruby3.2",
];

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "Lambda.1",
        resource_type: "AWS::Lambda::Function",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("lambda-function-public-access-prohibited"),
        parameters: &[],
        choices: "A function fails when its resource policy has an Allow statement for everyone (\"*\", \
                  {\"AWS\": \"*\"} or a NotPrincipal) without a condition pinning it to fixed values (the reading \
                  of SQS.3 and SNS.4); lambda:FunctionUrlAuthType NONE pins nothing, so the statement a public \
                  function URL needs is public. It also fails when a statement lets s3.amazonaws.com invoke it \
                  without a fixed AWS:SourceAccount condition, as the rule's page says \
                  (https://docs.aws.amazon.com/config/latest/developerguide/lambda-function-public-access-prohibited.html). \
                  A function without a policy passes; the URL's AuthType alone is not read.",
        evaluate: lambda_1,
    },
    Control {
        id: "Lambda.2",
        resource_type: "AWS::Lambda::Function",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("lambda-function-settings-check"),
        parameters: &[Parameter {
            name: "runtime",
            kind: ParamKind::EnumList(ALL_RUNTIMES),
            default: None,
            doc: "The supported runtimes; unset, the era's list (2022: Security Hub's list then; current: the \
                  language runtimes not deprecated on 2026-01-01).",
        }],
        choices: "A function fails when its runtime is not in the runtime list (the parameter, else the era's \
                  list). The list is what the control reads, not the scenario clock: a runtime deprecated after \
                  the era's list was written passes until the list changes [U]. Functions without a runtime \
                  (container images) and on OS-only runtimes (provided, provided.al2, provided.al2023, whose \
                  language is the user's) are not evaluated [U].",
        evaluate: lambda_2,
    },
    Control {
        id: "Lambda.5",
        resource_type: "AWS::Lambda::Function",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("lambda-vpc-multi-az-check"),
        parameters: &[Parameter {
            name: "availabilityZones",
            kind: ParamKind::Int { min: 2, max: 3 },
            default: None,
            doc: "The least number of Availability Zones; unset, 2.",
        }],
        choices: "Only functions connected to a VPC are evaluated. A function fails when its subnets lie in fewer \
                  Availability Zones than availabilityZones (2 when unset); a subnet no longer in the region's \
                  subnets counts for no zone.",
        evaluate: lambda_5,
    },
];

fn function_ref(f: &FunctionView) -> ResourceRef {
    ResourceRef { id: f.arn().to_string(), kind: "AwsLambdaFunction" }
}

/// The statements of `policy` that let S3 invoke the function without a fixed
/// `AWS:SourceAccount`: (index, why).
pub(crate) fn s3_without_source_account(policy: &str) -> Vec<(usize, String)> {
    statements(policy)
        .iter()
        .enumerate()
        .filter(|(_, st)| {
            st.get("Effect").and_then(Value::as_str) == Some("Allow")
                && names_s3(st)
                && !pinned_by(st, &["aws:sourceaccount"])
        })
        .map(|(n, st)| {
            let sid = st.get("Sid").and_then(Value::as_str).map(|s| format!(" (Sid {s})")).unwrap_or_default();
            (n, format!("statement {}{sid} lets Amazon S3 invoke it without an AWS:SourceAccount condition", n + 1))
        })
        .collect()
}

fn names_s3(st: &Value) -> bool {
    let service = st.get("Principal").and_then(|p| p.get("Service"));
    match service {
        Some(Value::String(s)) => s == "s3.amazonaws.com",
        Some(Value::Array(a)) => a.iter().any(|s| s.as_str() == Some("s3.amazonaws.com")),
        _ => false,
    }
}

/// The statements of a function policy, in order (none when it is not a JSON object).
pub(crate) fn policy_statements(policy: &str) -> Vec<Value> {
    statements(policy)
}

/// Why `f`'s policy is public (Lambda.1), empty when it is not.
pub(crate) fn public_reasons(f: &FunctionView) -> Vec<(usize, String)> {
    let Some(p) = f.policy.as_deref() else { return Vec::new() };
    let mut why = public_statements(p);
    why.extend(s3_without_source_account(p));
    why.sort();
    why.dedup_by_key(|(n, _)| *n);
    why
}

fn lambda_1(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .functions
        .iter()
        .map(|f| {
            let why: Vec<String> = public_reasons(f).into_iter().map(|(_, w)| w).collect();
            Verdict::check(
                function_ref(f),
                why.is_empty(),
                format!("function {}'s policy allows no public access", f.name()),
                format!("function {}'s policy is public: {}", f.name(), why.join("; ")),
            )
        })
        .collect()
}

fn lambda_2(i: &Input<'_>) -> Vec<Verdict> {
    let list: Vec<String> = i.params.list("runtime").unwrap_or_else(|| {
        let era = if i.era == Era::Y2022 { SUPPORTED_2022 } else { SUPPORTED_CURRENT };
        era.iter().map(|s| s.to_string()).collect()
    });
    i.region
        .functions
        .iter()
        .filter_map(|f| {
            let rt = f.config.runtime.as_deref()?;
            if rt.starts_with("provided") {
                return None;
            }
            Some(Verdict::check(
                function_ref(f),
                list.iter().any(|s| s == rt),
                format!("function {} uses the supported runtime {rt}", f.name()),
                format!("function {} uses the runtime {rt}, which is not in the supported list", f.name()),
            ))
        })
        .collect()
}

fn lambda_5(i: &Input<'_>) -> Vec<Verdict> {
    let least = i.params.int("availabilityZones").unwrap_or(2).max(1) as usize;
    i.region
        .functions
        .iter()
        .filter_map(|f| {
            let subnets = f.config.vpc_config.as_ref()?.subnet_ids.as_ref().filter(|s| !s.is_empty())?;
            let zones: BTreeSet<&str> = subnets
                .iter()
                .filter_map(|id| i.region.subnets.iter().find(|s| s.subnet_id.as_deref() == Some(id)))
                .filter_map(|s| s.availability_zone.as_deref())
                .collect();
            let list = zones.iter().copied().collect::<Vec<_>>().join(", ");
            Some(Verdict::check(
                function_ref(f),
                zones.len() >= least,
                format!("function {} runs in {} Availability Zones ({list})", f.name(), zones.len()),
                format!(
                    "function {} runs in {} Availability Zone(s) ({list}), fewer than {least}",
                    f.name(),
                    zones.len()
                ),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(policy: &str) -> FunctionView {
        FunctionView { policy: Some(policy.to_string()), ..Default::default() }
    }

    #[test]
    fn url_permissions_for_everyone_and_s3_without_account_are_public() {
        let url = r#"{"Version":"2012-10-17","Statement":[{"Sid":"url","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"arn","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}]}"#;
        assert_eq!(public_reasons(&view(url)).len(), 1);
        let s3 = r#"{"Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}}]}"#;
        assert_eq!(public_reasons(&view(s3)).len(), 1);
        let pinned = r#"{"Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn","Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"}}}]}"#;
        assert!(public_reasons(&view(pinned)).is_empty());
        let account = r#"{"Statement":[{"Sid":"a","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"lambda:InvokeFunction","Resource":"arn"}]}"#;
        assert!(public_reasons(&view(account)).is_empty());
        // Everyone, limited to a fixed source account: not public.
        let fixed = r#"{"Statement":[{"Sid":"e","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"arn","Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"}}}]}"#;
        assert!(public_reasons(&view(fixed)).is_empty());
    }
}
