//! Fuzz targets for the JSON documents users and clients write: scenario files (parse, validate,
//! load) and IAM/resource policies. Inputs are the committed scenarios and the policies they
//! carry, mutated with their structure in mind (nodes replaced, dropped, duplicated, nested,
//! retyped; huge numbers, odd UTF-8, long strings), and random text.
//!
//! Properties: no panic, no stack overflow; a refused scenario says where (a JSON path, or the
//! line and column of a syntax error) and what, and a refused load leaves the database empty;
//! a policy parses or is refused with a message, and the questions services ask of a parsed
//! policy answer. `cargo test --test fuzz_documents` runs each target for the default budget;
//! FUZZING.md says how to run a long session.

mod fuzz_support;

use std::path::{Path, PathBuf};

use fuzz_support::mutate::{document_input, DocumentInput, NASTY};
use fuzz_support::{fuzz, timed};
use hubsim_scenario::{LoadOptions, ScenarioError};
use hubsim_simulator::policy::{glob, Policy};
use hubsim_simulator::Simulator;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;
use serde_json::Value;

/// Every committed scenario file (`scenarios/`, `scenarios/edge/`), as text.
fn scenario_texts() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [root.clone(), root.join("edge")] {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_some_and(|x| x == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files.iter().map(|f| std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()))).collect()
}

/// Checks a refusal: each problem says what, and where (a JSON path, or a syntax error's line).
fn check_refusal(e: &ScenarioError) -> Result<(), TestCaseError> {
    match e {
        ScenarioError::Invalid(problems) => {
            prop_assert!(!problems.is_empty(), "a refusal without a problem");
            for p in problems {
                prop_assert!(!p.message.trim().is_empty(), "a problem without a message at {:?}", p.path);
                prop_assert!(
                    !p.path.is_empty() || p.message.contains(" line "),
                    "a problem that does not say where: {p}"
                );
            }
            Ok(())
        }
        ScenarioError::Sim(e) => Err(TestCaseError::fail(format!("a database error from a scenario: {e}"))),
    }
}

/// Scenario files: parse, validate, and (when valid) load into an empty in-memory database in one
/// transaction.
#[test]
fn scenario_loader() {
    let seeds = scenario_texts();
    assert!(seeds.len() > 100, "only {} scenario files found", seeds.len());
    fuzz("scenario_loader", document_input(seeds.len()), |input: DocumentInput| {
        let bytes = input.bytes(&seeds);
        // The CLI reads a file as UTF-8 text; bytes that are not are refused before parsing.
        let Ok(text) = String::from_utf8(bytes) else { return Ok(()) };
        let scenario = match timed(|| hubsim_scenario::parse(&text)) {
            Ok(s) => s,
            Err(e) => return check_refusal(&e),
        };
        if let Err(e) = timed(|| hubsim_scenario::validate(&scenario)) {
            return check_refusal(&e);
        }
        let sim = Simulator::in_memory().map_err(|e| TestCaseError::fail(format!("in-memory database: {e}")))?;
        if let Err(e) = timed(|| hubsim_scenario::load(&sim, &scenario, LoadOptions::default())) {
            check_refusal(&e)?;
            prop_assert!(sim.is_empty(), "a refused load left a state behind: {e}");
        }
        Ok(())
    });
}

/// Policies from AWS's documentation's examples, besides those the scenarios carry.
const POLICIES: &[&str] = &[
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":["iam:*","sts:*"],"NotResource":"arn:aws:s3:::b/*"}}"#,
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::trail-bucket/AWSLogs/123456789012/*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}]}"#,
    r#"{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":["arn:aws:iam::123456789012:root","111122223333"]},"Action":"sns:Publish","Resource":"*"}]}"#,
    r#"{"Version":"2008-10-17","Id":"key-default-1","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"123456789012"}}}]}"#,
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"},{"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"s3:Get?bject*","Resource":"arn:aws:s3:::*/*"}]}"#,
];

/// Every policy document the scenarios carry (a string value holding a `Statement`), and
/// [`POLICIES`].
fn policy_texts(scenarios: &[String]) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::String(s) if s.contains("Statement") && serde_json::from_str::<Value>(s).is_ok() => {
                out.push(s.clone())
            }
            _ => {}
        }
    }
    let mut out: Vec<String> = POLICIES.iter().map(|p| (*p).to_string()).collect();
    for text in scenarios {
        if let Ok(v) = serde_json::from_str::<Value>(text) {
            walk(&v, &mut out);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Actions, resources and principals the questions ask about.
const ACTIONS: &[&str] = &["s3:GetObject", "s3:PutObject", "sns:Publish", "kms:Decrypt", "iam:PassRole", "", "*"];
const SERVICES: &[&str] = &["cloudtrail.amazonaws.com", "config.amazonaws.com", "s3.amazonaws.com", "", "*"];

/// Policy documents: parsed as identity and as resource policies; a parsed one answers whether
/// it is public, what a service may do, and what each statement covers.
#[test]
fn policy_parser() {
    let seeds = policy_texts(&scenario_texts());
    assert!(seeds.len() > 10, "only {} policies found", seeds.len());
    let question =
        (select(ACTIONS), select(SERVICES), prop_oneof![select(NASTY).prop_map(str::to_string), any::<String>()]);
    fuzz("policy_parser", (document_input(seeds.len()), question), |(input, (action, service, resource))| {
        let text = String::from_utf8_lossy(&input.bytes(&seeds)).into_owned();
        for resource_policy in [false, true] {
            match timed(|| Policy::parse(&text, resource_policy)) {
                Ok(policy) => timed(|| {
                    let _ = policy.is_public();
                    let _ = policy.service_may(service, action, &resource);
                    for statement in &policy.statements {
                        let _ = statement.covers_action(action);
                        let _ = statement.covers_resource(&resource);
                        let _ = statement.names_service(service);
                    }
                }),
                Err(e) => prop_assert!(!e.0.trim().is_empty(), "a refusal without a message"),
            }
        }
        Ok(())
    });
}

/// The wildcard matcher policies and EC2 filters share, on patterns made of many `*` and `?`
/// against long texts (the shapes that made a backtracking matcher exponential).
#[test]
fn wildcard() {
    let piece = select(vec!["*", "?", "a", "b", "*a", "a*", "**", "?*", "ab"]);
    let pattern = prop::collection::vec(piece, 0..200).prop_map(|p| p.concat());
    let text = prop_oneof![
        (select(vec!['a', 'b']), 0usize..20_000).prop_map(|(c, n)| std::iter::repeat_n(c, n).collect::<String>()),
        prop::collection::vec(select(vec!['a', 'b', '*', '?']), 0..300).prop_map(|c| c.into_iter().collect()),
        any::<String>(),
    ];
    fuzz("wildcard", (pattern, text), |(pattern, text)| {
        // A pattern without wildcards matches itself (in any case) and nothing else.
        if !pattern.contains(['*', '?']) {
            prop_assert_eq!(glob(&pattern, &text), pattern.eq_ignore_ascii_case(&text));
        }
        // `*` matches everything, `pattern` matches itself.
        prop_assert!(glob("*", &text));
        prop_assert!(glob(&pattern, &pattern));
        Ok(())
    });
}
