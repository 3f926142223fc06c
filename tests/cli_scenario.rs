//! The `hubsim scenario` commands as scripts call them: exit codes, messages, files.

use std::path::Path;
use std::process::{Command, Output};

fn hubsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hubsim")).args(args).output().expect("hubsim runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const GOOD: &str = r#"{"format": 1, "name": "cli", "account": {"regions": ["us-east-1"]}, "baseline": {"preset": "empty"},
  "steps": [{"call": "s3:CreateBucket", "input": {"Bucket": "cli-bucket"}}]}"#;

fn write(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn validate_accepts_good_and_rejects_bad_with_path_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.json", GOOD);
    let out = hubsim(&["scenario", "validate", &good]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("valid (1 steps"));

    let bad = write(
        dir.path(),
        "bad.json",
        &GOOD.replace(r#""Bucket": "cli-bucket""#, r#""Bucket": "cli-bucket", "Colour": 1"#),
    );
    let out = hubsim(&["scenario", "validate", &bad]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("bad.json: steps[0].input.Colour: unknown member Colour"), "{err}");

    let out = hubsim(&["scenario", "validate", &dir.path().join("missing.json").to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn load_refuses_a_used_database_without_reset_and_export_rebuilds_it() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.json", GOOD);
    let db = dir.path().join("state.db").to_string_lossy().into_owned();
    let out = hubsim(&["scenario", "load", &good, "--db", &db]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("s3:bucket"), "{}", text(&out.stdout));

    let out = hubsim(&["scenario", "load", &good, "--db", &db]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--reset"));

    // A step AWS refuses: exit 2 with the AWS code, and the database keeps its state.
    let refused = write(dir.path(), "refused.json", &GOOD.replace("s3:CreateBucket", "s3:DeleteBucketPolicy"));
    let out = hubsim(&["scenario", "load", &refused, "--db", &db, "--reset"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("steps[0]: NoSuchBucket"), "{}", text(&out.stderr));

    let exported = dir.path().join("exported.json").to_string_lossy().into_owned();
    let out = hubsim(&["scenario", "export", "--db", &db, "--output", &exported]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let body = std::fs::read_to_string(&exported).unwrap();
    assert!(body.contains("\"call\": \"s3:CreateBucket\""), "{body}");
    let out = hubsim(&["scenario", "export", "--db", &db]);
    assert_eq!(text(&out.stdout), body);
}

#[test]
fn schema_is_json_and_export_of_nothing_is_bad_input() {
    let out = hubsim(&["scenario", "schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["title"], "hubsim scenario, format 1");
    let dir = tempfile::tempdir().unwrap();
    let out = hubsim(&["scenario", "export", "--db", &dir.path().join("none.db").to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_mission_scenarios_validate() {
    for name in ["fresh-account", "half-fixed-account", "s3-9-log-bucket"] {
        let path = format!("{}/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let out = hubsim(&["scenario", "validate", &path]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
    }
}
