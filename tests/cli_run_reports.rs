//! `hubsim run` over several scenarios, as CI reads it: one verdict per expectation in JUnit
//! (checked against the JUnit schema CI reporters read), JSON and Markdown; problems with one
//! path reported in its place while the others still run; exit codes by the worst cause.

use std::path::Path;
use std::process::{Command, Output};

fn hubsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hubsim")).args(args).output().expect("hubsim runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, body).unwrap();
    path.to_string_lossy().into_owned()
}

fn scenario(name: &str) -> String {
    format!("{}/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"))
}

/// A one-region account with AWS Config and Security Hub, expecting `controls`.
fn small(name: &str, controls: &str) -> String {
    format!(
        r#"{{"format": 1, "name": "{name}", "era": "current", "account": {{"regions": ["us-east-1"]}},
  "baseline": {{"config_one_click": {{"regions": ["us-east-1"], "include_global_resource_types": true}},
               "security_hub": {{"regions": ["us-east-1"]}}}},
  "expect": {{"evaluation": {{"controls": {{{controls}}}}}}}}}"#
    )
}

/// Validates `xml` against the committed JUnit schema with xmllint (libxml2; `.ci/run`
/// installs it); the validator's complaint if it fails.
fn validate_junit(xml: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.xml");
    std::fs::write(&file, xml).unwrap();
    let schema = format!("{}/tests/data/junit.xsd", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("xmllint")
        .args(["--noout", "--schema", &schema])
        .arg(&file)
        .output()
        .expect("xmllint runs (install libxml2-utils)");
    if out.status.success() {
        Ok(())
    } else {
        Err(text(&out.stderr))
    }
}

#[test]
fn the_schema_check_refuses_what_ci_reporters_refuse() {
    // The validator is live: a suite without its `tests` count, or a test case with two
    // outcomes, is refused.
    let no_count = r#"<testsuites><testsuite name="a"><testcase name="t"/></testsuite></testsuites>"#;
    assert!(validate_junit(no_count).is_err());
    let two = r#"<testsuites><testsuite name="a" tests="1"><testcase name="t"><failure/><error/></testcase></testsuite></testsuites>"#;
    assert!(validate_junit(two).is_err());
    let fine = r#"<testsuites><testsuite name="a" tests="1"><testcase name="t"><failure message="m"/></testcase></testsuite></testsuites>"#;
    validate_junit(fine).unwrap();
}

#[test]
fn junit_has_a_suite_per_scenario_and_a_case_per_expectation() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "a-good.json", &small("good", r#""EC2.7": "FAILED", "Config.1": "PASSED""#));
    let bad = write(dir.path(), "b-wrong.json", &small("wrong", r#""EC2.7": "PASSED""#));
    let out = hubsim(&["run", &good, &bad, "--format", "junit"]);
    assert_eq!(out.status.code(), Some(1), "an expectation failed: {}", text(&out.stderr));
    let xml = text(&out.stdout);
    validate_junit(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert!(xml.contains(r#"<testsuites name="hubsim" tests="3" failures="1" errors="0""#), "{xml}");
    assert!(xml.contains(&format!(r#"<testsuite name="{good}" tests="2" failures="0""#)), "{xml}");
    assert!(xml.contains(&format!(r#"<testsuite name="{bad}" tests="1" failures="1""#)), "{xml}");
    assert!(xml.contains(r#"name="expect.evaluation: control Config.1" time="0"/>"#), "{xml}");
    assert!(
        xml.contains(r#"<failure message="expected PASSED, got FAILED" type="expectation">control EC2.7: expected PASSED, got FAILED</failure>"#),
        "{xml}"
    );
    // The control verdicts ride along as properties, not as failures.
    assert!(xml.contains(r#"<property name="control EC2.7" value="FAILED"/>"#), "{xml}");
    // stderr still names the file and the failed expectation for scripts.
    let err = text(&out.stderr);
    assert!(err.contains(&format!("{bad}: 1 expectation(s) failed:")), "{err}");
    assert!(err.contains("expect.evaluation: control EC2.7: expected PASSED, got FAILED"), "{err}");
}

#[test]
fn directories_are_walked_and_bad_paths_are_reported_in_place() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "set/one.json", &small("one", r#""EC2.7": "FAILED""#));
    write(dir.path(), "set/nested/two.json", &small("two", r#""Config.1": "PASSED""#));
    write(dir.path(), "set/notes.txt", "not a scenario");
    let broken = write(dir.path(), "set/nested/zz-broken.json", r#"{"format": 1, "name": "x""#);
    std::fs::create_dir_all(dir.path().join("empty")).unwrap();
    let set = dir.path().join("set").to_string_lossy().into_owned();
    let empty = dir.path().join("empty").to_string_lossy().into_owned();
    let missing = dir.path().join("missing.json").to_string_lossy().into_owned();

    let out = hubsim(&["run", &set, &empty, &missing, "--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "bad input is the worst cause: {}", text(&out.stderr));
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    assert_eq!(v["format"], 2);
    let paths: Vec<&str> = v["scenarios"].as_array().unwrap().iter().map(|s| s["path"].as_str().unwrap()).collect();
    // Sorted within the directory, recursively; then the other paths in the order given.
    let under = |p: &str| dir.path().join(p).to_string_lossy().into_owned();
    assert_eq!(
        paths,
        [
            under("set/nested/two.json"),
            under("set/nested/zz-broken.json"),
            under("set/one.json"),
            empty.clone(),
            missing.clone()
        ]
    );
    let statuses: Vec<&str> =
        v["scenarios"].as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["passed", "error", "passed", "error", "error"]);
    assert_eq!(v["totals"]["passed"], 2);
    assert_eq!(v["totals"]["errors"], 3);
    let errors: Vec<&str> = v["scenarios"].as_array().unwrap().iter().filter_map(|s| s["error"].as_str()).collect();
    assert!(errors[0].starts_with(&broken), "{errors:?}");
    assert!(
        errors[1].contains("no scenario files (*.json) in this directory") && errors[1].starts_with(&empty),
        "{errors:?}"
    );
    assert!(errors[2].starts_with(&missing), "{errors:?}");
}

#[test]
fn json_holds_expectations_scores_before_and_after_and_whole_transcript_inputs() {
    let out = hubsim(&["run", &scenario("s3-9-log-bucket"), "--remediate", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &v["scenarios"][0];
    assert_eq!(s["status"], "passed");
    let expectations = s["expectations"].as_array().unwrap();
    assert!(expectations.iter().all(|e| e["holds"] == true));
    assert!(expectations.iter().any(|e| e["block"] == "evaluation"));
    assert!(expectations.iter().any(|e| e["block"] == "after_remediation"));
    assert!(expectations
        .iter()
        .any(|e| e["block"] == "run" && e["subject"] == "remediation" && e["got"] == "converged"));
    assert!(s["before"]["score"]["percent"].is_u64() && s["after"]["score"]["percent"].is_u64());
    assert!(s["before"]["score"]["percent"].as_u64() < s["after"]["score"]["percent"].as_u64());
    assert_eq!(s["converged"], true);
    // Every call's input whole: a bucket policy is a JSON string of its own, not cut with "…".
    let transcript = s["transcript"].as_array().unwrap();
    let policy = transcript
        .iter()
        .find(|t| t["action"] == "s3:PutBucketPolicy")
        .and_then(|t| t["input"]["Policy"].as_str())
        .expect("a bucket policy call");
    assert!(serde_json::from_str::<serde_json::Value>(policy).is_ok(), "{policy}");
    assert!(transcript.iter().any(|t| t["action"] == "suppress" && t.get("input").is_none()));
    let findings = s["findings"].as_array().unwrap();
    assert!(findings.iter().all(|f| f["SchemaVersion"] == "2018-10-08"));
}

#[test]
fn markdown_summarizes_for_a_ci_job_page() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "wrong.json", &small("wrong", r#""EC2.7": "PASSED""#));
    let out = hubsim(&["run", &scenario("s3-9-log-bucket"), &bad, "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(1));
    let md = text(&out.stdout);
    assert!(md.starts_with("## ❌ hubsim: 2 scenario(s), 1 passed, 1 failed, 0 error(s)"), "{md}");
    assert!(md.contains("| Scenario | Result | Expectations | Score | Time |"), "{md}");
    assert!(md.contains(&format!("| `{bad}` | ❌ failed | 0 of 1 hold |")), "{md}");
    assert!(md.contains("- expect.evaluation: control EC2.7: expected PASSED, got FAILED"), "{md}");
    assert!(md.contains("\nControls failed:\n"), "{md}");
    assert!(md.contains("| IAM.6 | CRITICAL | 1 of 1 | "), "a failing control with its count: {md}");
}

#[test]
fn fail_on_and_an_unwritable_output() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "ok.json", &small("ok", r#""EC2.7": "FAILED""#));
    let out = hubsim(&["run", &file]);
    assert_eq!(out.status.code(), Some(0));
    let out = hubsim(&["run", &file, "--fail-on", "critical"]);
    assert_eq!(out.status.code(), Some(1), "IAM.6 is a CRITICAL failure");
    // IAM.6 and IAM.9: the root user of a fresh account has no MFA of any kind.
    assert!(text(&out.stderr).contains("--fail-on critical: expected no unsuppressed FAILED finding of severity CRITICAL or above, got 2 such finding(s)"), "{}", text(&out.stderr));

    let nowhere = dir.path().join("no-such-dir/report.xml").to_string_lossy().into_owned();
    let out = hubsim(&["run", &file, "--format", "junit", "--output", &nowhere]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains(&format!("--output {nowhere}: cannot write there")), "{}", text(&out.stderr));
}

#[test]
fn the_table_filters_counts_and_frames_a_remediation() {
    let out = hubsim(&["run", &scenario("fresh-account"), "--status", "failed", "--severity", "critical"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(!table.contains('\x1b'), "no colour when stdout is not a terminal: {table}");
    assert!(table.contains("Showing status FAILED, severity CRITICAL\n"), "{table}");
    assert!(table.contains("Findings: ") && table.contains(" CRITICAL"), "{table}");
    let rows = control_rows(&table);
    let ids: Vec<&str> = rows.iter().filter_map(|l| l.split_whitespace().next()).collect();
    // The root user of a fresh account has no MFA: the two CRITICAL controls that fail there.
    assert_eq!(ids, ["IAM.6", "IAM.9"], "{table}");
    assert!(rows.iter().all(|r| r.contains(" FAILED    1 of 1 ")), "{table}");

    let out =
        hubsim(&["run", &scenario("s3-9-log-bucket"), "--remediate", "--control", "S3.9", "--region", "us-east-1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    let first = table.lines().next().unwrap_or_default();
    assert!(first.starts_with("Security score ") && first.contains("% → 100% after "), "the summary first: {table}");
    let at = |s: &str| table.find(s).unwrap_or_else(|| panic!("no {s:?} in {table}"));
    assert!(at("== Before remediation") < at("== Remediation") && at("== Remediation") < at("== After remediation"));
    let after = &table[at("== After remediation")..];
    let rows = control_rows(after);
    assert_eq!(rows.len(), 1, "{after}");
    // The log bucket's own finding stays suppressed with its justification.
    assert!(rows[0].starts_with("S3.9 ") && rows[0].contains(" PASSED "), "{after}");
    assert!(after.contains("    SUPPRESSED us-east-1 arn:aws:s3:::"), "{after}");
}

/// The control rows of the first table in `text` (its resources' lines, indented, left out).
fn control_rows(text: &str) -> Vec<&str> {
    text.lines()
        .skip_while(|l| !l.starts_with("CONTROL "))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with(' '))
        .collect()
}

#[test]
fn a_large_account_lists_ten_resources_per_control_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let steps: Vec<String> =
        (0..12).map(|i| format!(r#"{{"call": "s3:CreateBucket", "input": {{"Bucket": "bucket-{i:02}"}}}}"#)).collect();
    let body = small("buckets", r#""S3.9": "FAILED""#)
        .replace(r#""expect""#, &format!(r#""steps": [{}], "expect""#, steps.join(", ")));
    let file = write(dir.path(), "buckets.json", &body);
    let out = hubsim(&["run", &file, "--control", "S3.9"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "no progress when stderr is not a terminal: {}", text(&out.stderr));
    let table = text(&out.stdout);
    // The Config bucket of the 1-click setup and the twelve: none logs its accesses.
    assert!(table.contains("S3.9           MEDIUM    FAILED    13 of 13 "), "{table}");
    assert_eq!(table.matches("    FAILED us-east-1 arn:aws:s3:::").count(), 10, "{table}");
    assert!(table.contains("    … and 3 more (--all-resources lists them all)\n"), "{table}");
    let out = hubsim(&["run", &file, "--control", "S3.9", "--all-resources"]);
    assert_eq!(text(&out.stdout).matches("    FAILED us-east-1 arn:aws:s3:::").count(), 13);
}
