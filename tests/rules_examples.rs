//! `hubsim rules test` on the Guard example of issue 21 and its two scenarios, and on the
//! mistakes a rule's author makes: an expectation that does not hold (exit 1), a policy that
//! does not parse and a malformed `expect.rules` entry (exit 2, saying where).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/rules")
}

fn hubsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hubsim")).args(args).output().expect("run hubsim")
}

fn rules_test(rule: &Path, scenarios: &[&Path]) -> Output {
    let mut args = vec!["rules".to_string(), "test".into(), rule.display().to_string(), "--scenario".into()];
    args.extend(scenarios.iter().map(|s| s.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    hubsim(&args)
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn the_guard_example_passes_one_scenario_and_fails_the_other_with_its_clauses() {
    let dir = examples();
    let rule = dir.join("bucket_protected.guard");
    let out = rules_test(&rule, &[&dir.join("bucket_protected-passes.json"), &dir.join("bucket_protected-fails.json")]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("COMPLIANT      AWS::S3::Bucket example-archive"), "{stdout}");
    assert!(stdout.contains("COMPLIANT      AWS::S3::Bucket example-logs"), "{stdout}");
    assert!(
        stdout.contains("NON_COMPLIANT  AWS::S3::Bucket example-uploads [us-east-1]: rule bucket_protected: MFA delete is not enabled"),
        "{stdout}"
    );
    assert!(
        stdout.contains("example-scratch [us-east-1]: rule bucket_protected: versioning is not enabled"),
        "{stdout}"
    );
    assert_eq!(stdout.matches("  ok: ").count(), 4, "{stdout}");
    assert!(!stdout.contains("FAILED"), "{stdout}");
}

#[test]
fn an_expectation_that_does_not_hold_exits_1_with_the_difference() {
    let dir = examples();
    let tmp = tempfile::tempdir().expect("temp dir");
    let text_in = std::fs::read_to_string(dir.join("bucket_protected-fails.json")).expect("example");
    let wrong = text_in.replacen("\"NON_COMPLIANT\"", "\"COMPLIANT\"", 1);
    assert_ne!(wrong, text_in);
    let file = tmp.path().join("wrong.json");
    std::fs::write(&file, wrong).expect("write");
    let out = rules_test(&dir.join("bucket_protected.guard"), &[&file]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("FAILED: example-uploads expected COMPLIANT, got NON_COMPLIANT"), "{stdout}");
}

#[test]
fn a_policy_that_does_not_parse_and_a_bad_expectation_are_refused_with_where() {
    let dir = examples();
    let tmp = tempfile::tempdir().expect("temp dir");
    let broken = tmp.path().join("broken.guard");
    std::fs::write(&broken, "rule broken {\n  configuration.name == \n}\n").expect("write");
    let out = rules_test(&broken, &[&dir.join("bucket_protected-passes.json")]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("broken.guard: not a Guard policy") && stderr.contains("line 2 at column"), "{stderr}");

    let example = std::fs::read_to_string(dir.join("bucket_protected-passes.json")).expect("example");
    let bad = example.replacen("\"COMPLIANT\"", "\"PASSED\"", 1);
    let file = tmp.path().join("bad-expect.json");
    std::fs::write(&file, bad).expect("write");
    let out = rules_test(&dir.join("bucket_protected.guard"), &[&file]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("expect.rules[0].compliance") && stderr.contains("PASSED"), "{stderr}");
}
