//! `hubsim coverage`: COVERAGE.md is what the command prints, and `--check` catches a stale copy.

use std::process::{Command, Output};

fn hubsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hubsim")).args(args).output().expect("hubsim runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/COVERAGE.md");

#[test]
fn the_committed_coverage_is_current() {
    let out = hubsim(&["coverage", "--check", COMMITTED]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let printed = hubsim(&["coverage"]);
    assert_eq!(text(&printed.stdout), std::fs::read_to_string(COMMITTED).unwrap());
}

#[test]
fn a_stale_copy_fails_the_check_naming_the_line_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join("COVERAGE.md");
    let committed = std::fs::read_to_string(COMMITTED).unwrap();
    // One implemented control fewer than the code says: the kind of drift the check exists for.
    let edited = committed.replacen("| EC2.7 |", "| EC2.77 |", 1);
    assert_ne!(edited, committed, "the report lists EC2.7");
    std::fs::write(&stale, &edited).unwrap();
    let out = hubsim(&["coverage", "--check", stale.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    let line = committed.lines().position(|l| l.starts_with("| EC2.7 |")).unwrap() + 1;
    assert!(err.contains(&format!("is stale (line {line} differs")), "{err}");
    assert!(err.contains("cargo run -- coverage --output COVERAGE.md"), "{err}");

    let out = hubsim(&["coverage", "--check", dir.path().join("missing.md").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "an unreadable file is an I/O error");
    assert!(text(&out.stderr).contains("missing.md"));
}

#[test]
fn output_writes_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.md");
    let out = hubsim(&["coverage", "--output", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), std::fs::read_to_string(COMMITTED).unwrap());
}

#[test]
fn docs_controls_md_is_what_explain_all_prints() {
    let out = Command::new(env!("CARGO_BIN_EXE_hubsim"))
        .args(["controls", "--explain", "all"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/controls.md")).unwrap();
    assert!(
        text(&out.stdout) == committed,
        "docs/controls.md is stale: run `cargo run -- controls --explain all --output docs/controls.md`"
    );
    // Every implemented control is explained, with its AWS page and its scenarios.
    let implemented = hubsim_checks::controls::all().len();
    assert_eq!(committed.matches("\n## ").count(), implemented);
    assert!(committed.contains("## S3.9 — "));
    assert!(committed.contains("- https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-9\n"));
    assert!(committed.contains("- `scenarios/edge/s3.9-no-logging.json`: "));
}

#[test]
fn explain_refuses_what_hubsim_does_not_implement() {
    let out = hubsim(&["controls", "--explain", "Nope.1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--explain Nope.1: no such control in the catalogue"), "{}", text(&out.stderr));
    let out = hubsim(&["controls", "--explain", "ec2.2"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).starts_with("## EC2.2 — "), "ids are matched in any case");
}
