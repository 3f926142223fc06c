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
