//! `hubsim run`, `evaluate`, `remediate` and `controls` as scripts use them: exit codes,
//! formats, diffs.

use std::path::Path;
use std::process::{Command, Output};

use hubsim_simulator::Era;

fn hubsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hubsim")).args(args).output().expect("hubsim runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scenario(name: &str) -> String {
    format!("{}/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"))
}

fn write(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    path.to_string_lossy().into_owned()
}

const SMALL: &str = r#"{"format": 1, "name": "small", "era": "current", "account": {"regions": ["us-east-1"]},
  "baseline": {"config_one_click": {"regions": ["us-east-1"], "include_global_resource_types": true},
               "security_hub": {"regions": ["us-east-1"]}},
  "expect": {"evaluation": {"controls": {"EC2.7": "FAILED", "Config.1": "PASSED"}}}}"#;

#[test]
fn run_checks_expectations_and_prints_a_diff() {
    let out = hubsim(&["run", &scenario("fresh-account")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.starts_with("Security score: "), "{table}");
    assert!(table.contains("not implemented by hubsim yet"), "the score must say it is partial");
    assert!(table.contains("inbound entry 100 allows 0.0.0.0/0 all traffic, which includes port 22"));

    let dir = tempfile::tempdir().unwrap();
    let wrong = write(dir.path(), "wrong.json", &SMALL.replace(r#""EC2.7": "FAILED""#, r#""EC2.7": "PASSED""#));
    let out = hubsim(&["run", &wrong]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("control EC2.7: expected PASSED, got FAILED"), "{}", text(&out.stderr));
}

#[test]
fn bad_parameters_and_unknown_controls_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let bad = SMALL.replace(
        r#""expect""#,
        r#""parameters": {"IAM.7": {"MinimumPasswordLength": "long"}, "Nope.1": {}}, "expect""#,
    );
    let file = write(dir.path(), "bad.json", &bad);
    let out = hubsim(&["run", &file]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("parameters.IAM.7.MinimumPasswordLength: MinimumPasswordLength must be an integer from 8 to 128"),
        "{err}"
    );
    assert!(err.contains("parameters.Nope.1: unknown control id"), "{err}");
    let out = hubsim(&["scenario", "validate", &file]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn json_and_junit_formats() {
    let out = hubsim(&["run", &scenario("s3-9-log-bucket"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let envelope: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(envelope["format"], 2);
    let v = &envelope["scenarios"][0];
    assert!(v["score"]["not_implemented"].as_u64().unwrap() > 0);
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.iter().all(|f| f["SchemaVersion"] == "2018-10-08" && f["ProductArn"].is_string()));
    assert!(v["controls"].as_array().unwrap().iter().any(|c| c["id"] == "S3.9" && c["status"] == "FAILED"));

    // Streamed from Security Hub, they are the report's findings, each once: as many as the
    // JUnit format (made from the report's rows) has test cases.
    let ids: std::collections::BTreeSet<&str> = findings.iter().filter_map(|f| f["Id"].as_str()).collect();
    assert_eq!(ids.len(), findings.len(), "no finding twice");
    assert!(findings.iter().all(|f| f["RecordState"] == "ACTIVE" && f["Description"].is_string()));

    let out = hubsim(&["run", &scenario("s3-9-log-bucket"), "--format", "junit", "--junit-findings"]);
    let xml = text(&out.stdout);
    assert_eq!(xml.matches("<testcase ").count(), findings.len(), "{xml}");
    assert!(xml.contains("<testsuite name=\"S3.9\""), "{xml}");
    assert!(xml.contains("name=\"S3.9 us-east-1 arn:aws:s3:::access-logs-123456789012\">"), "{xml}");
    assert!(xml.contains("<failure message=\"bucket access-logs-123456789012 has server access logging disabled\"/>"));
}

#[test]
fn evaluate_fail_on_and_remediate_on_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("state.db").to_string_lossy().into_owned();
    let out = hubsim(&["scenario", "load", &scenario("fresh-account"), "--db", &db]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = hubsim(&["evaluate", "--db", &db, "--fail-on", "critical"]);
    assert_eq!(out.status.code(), Some(1), "IAM.6 is a CRITICAL failure");

    let before = hubsim(&["scenario", "export", "--db", &db]);
    let out = hubsim(&["remediate", "--db", &db, "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("cloudtrail:CreateTrail"));
    let after = hubsim(&["scenario", "export", "--db", &db]);
    assert_eq!(before.stdout, after.stdout, "a dry run changed the database");

    let out = hubsim(&["remediate", "--db", &db, "--control", "EC2.7"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let transcript = text(&out.stdout);
    assert!(transcript.contains("ec2:EnableEbsEncryptionByDefault"), "{transcript}");
    assert!(!transcript.contains("cloudtrail:CreateTrail"), "--control limits the fixes");
    let out = hubsim(&["remediate", "--db", &db, "--control", "Nope.1"]);
    assert_eq!(out.status.code(), Some(2));

    // The scenario leaves IAM.6 failing (as the blog did) ...
    let out = hubsim(&["remediate", "--db", &db]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("manual: IAM.6"), "{}", text(&out.stdout));
    let out = hubsim(&["evaluate", "--db", &db, "--fail-on", "critical"]);
    assert_eq!(out.status.code(), Some(1));
    // ... and --unfixable suppress overrides it for every control.
    let out = hubsim(&["remediate", "--db", &db, "--unfixable", "suppress"]);
    assert_eq!(out.status.code(), Some(0));
    let out = hubsim(&["evaluate", "--db", &db, "--fail-on", "low"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn controls_lists_the_catalogue() {
    let out = hubsim(&["controls", "--era", "2022", "--implemented"]);
    assert_eq!(out.status.code(), Some(0));
    let table = text(&out.stdout);
    // Every control listed with --implemented is implemented: as many as the code implements
    // among the catalogue's era-2022 controls.
    let implemented = hubsim_checks::controls::all()
        .iter()
        .filter(|c| hubsim_checks::catalogue::catalogue().control(c.id).is_some_and(|d| d.in_era(Era::Y2022).is_some()))
        .count();
    let summary = format!("{implemented} controls in era 2022; hubsim implements {implemented} of them.");
    assert!(table.contains(&summary), "{summary}\n{table}");
    assert!(table.contains("IAM.6            CRITICAL  yes          no (manual)"), "{table}");
    let out = hubsim(&["controls", "--standard", "cis"]);
    assert!(text(&out.stdout).contains("CIS 2.1"));
    // `fsbp` names the Foundational Security Best Practices standard: its listing holds FSBP
    // controls (S3.9) and none that only CIS has (CloudWatch.1).
    let out = hubsim(&["controls", "--standard", "fsbp"]);
    assert_eq!(out.status.code(), Some(0));
    let fsbp = text(&out.stdout);
    assert!(fsbp.contains("\nS3.9 ") && !fsbp.contains("\nCloudWatch.1 "), "{fsbp}");
    let out = hubsim(&["controls", "--standard", "pci"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A scenario's `readings` change what hubsim reads where AWS leaves it open: in era 2022 a
/// control with nothing in scope has No data, unless the scenario reads it as AWS does today
/// (one account-level PASSED finding); `standard_scores` expectations name standards by their
/// short names; a misspelt reading is refused with its path.
#[test]
fn readings_switch_what_no_resources_means_and_scores_are_expected_per_standard() {
    let dir = tempfile::tempdir().unwrap();
    let body = |readings: &str, expect: &str| {
        format!(
            r#"{{"format": 1, "name": "readings", "era": "2022", "account": {{"regions": ["us-east-1"]}},
                "baseline": {{"config_one_click": {{"regions": ["us-east-1"], "include_global_resource_types": true}},
                             "security_hub": {{"regions": ["us-east-1"]}}}},
                {readings}
                "expect": {{"evaluation": {expect}}}}}"#
        )
    };
    // No topics: SNS.1 (an AWS Config rule) has nothing in scope.
    let plain = write(dir.path(), "plain.json", &body("", r#"{"controls": {"SNS.1": "NO_DATA"}}"#));
    let out = hubsim(&["run", &plain]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let passed = write(
        dir.path(),
        "passed.json",
        &body(r#""readings": {"no_resources": "passed"},"#, r#"{"controls": {"SNS.1": "PASSED"}}"#),
    );
    let out = hubsim(&["run", &passed]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    // A wrong per-standard score is a diff naming the standard as the scenario wrote it.
    let wrong = write(dir.path(), "wrong.json", &body("", r#"{"standard_scores": {"fsbp": 100, "cis": 100}}"#));
    let out = hubsim(&["run", &wrong]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let diff = text(&out.stdout) + &text(&out.stderr);
    assert!(
        diff.contains("fsbp score: expected 100%, got ") && diff.contains("cis score: expected 100%, got "),
        "{diff}"
    );
    let bad = write(dir.path(), "bad.json", &body(r#""readings": {"no_resource": "passed"},"#, "{}"));
    let out = hubsim(&["run", &bad]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("readings") && text(&out.stderr).contains("no_resource"),
        "{}",
        text(&out.stderr)
    );
    let bad = write(dir.path(), "bad-standard.json", &body("", r#"{"standard_scores": {"pci": 50}}"#));
    let out = hubsim(&["run", &bad]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("expect.evaluation.standard_scores.pci"), "{}", text(&out.stderr));
}
