//! `hubsim run --format ocsf`: one OCSF 1.6.0 Compliance Finding event per active control
//! finding, each valid against the committed schema of that class
//! (`tests/data/ocsf/compliance_finding-1.6.0.schema.json`), and each saying what the JSON
//! report's ASFF finding says (control, status, severity, workflow, suppression note).

use std::process::{Command, Output};

use serde_json::{json, Value};

fn hubsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hubsim")).args(args).output().expect("hubsim runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scenario(name: &str) -> String {
    format!("{}/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"))
}

fn validator() -> jsonschema::Validator {
    let path = format!("{}/tests/data/ocsf/compliance_finding-1.6.0.schema.json", env!("CARGO_MANIFEST_DIR"));
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::draft202012::new(&schema).expect("the committed schema compiles")
}

fn problems(v: &jsonschema::Validator, event: &Value) -> Vec<String> {
    v.iter_errors(event).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[test]
fn every_finding_is_a_valid_compliance_finding_that_says_what_the_asff_says() {
    let fresh = scenario("fresh-account");
    let out = hubsim(&["run", &fresh, "--remediate", "--format", "ocsf"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let events: Vec<Value> =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    let out = hubsim(&["run", &fresh, "--remediate", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = json["scenarios"][0]["findings"].as_array().unwrap();
    assert_eq!(events.len(), findings.len(), "one event per finding");

    let v = validator();
    for e in &events {
        let p = problems(&v, e);
        assert!(p.is_empty(), "{p:?}\n{e:#}");
    }
    let mut suppressed = 0;
    for f in findings {
        let id = f["Id"].as_str().unwrap();
        let e = events.iter().find(|e| e["finding_info"]["uid"] == id).unwrap_or_else(|| panic!("no event for {id}"));
        assert_eq!(e["class_uid"], 2003);
        assert_eq!(e["type_uid"], 200301);
        assert_eq!(e["metadata"]["version"], "1.6.0");
        assert_eq!(e["metadata"]["product"]["uid"], f["ProductArn"]);
        assert_eq!(e["cloud"]["account"]["uid"], f["AwsAccountId"]);
        assert_eq!(e["cloud"]["region"], f["Region"]);
        assert_eq!(e["compliance"]["control"], f["Compliance"]["SecurityControlId"]);
        assert_eq!(e["compliance"]["status_code"], f["Compliance"]["Status"]);
        assert_eq!(e["compliance"]["requirements"], f["Compliance"]["RelatedRequirements"]);
        let standards: Vec<&Value> =
            f["Compliance"]["AssociatedStandards"].as_array().unwrap().iter().map(|s| &s["StandardsId"]).collect();
        assert_eq!(e["compliance"]["standards"], json!(standards));
        let status_id = match f["Compliance"]["Status"].as_str().unwrap() {
            "PASSED" => 1,
            "WARNING" => 2,
            "FAILED" => 3,
            _ => 99,
        };
        assert_eq!(e["compliance"]["status_id"], status_id, "{id}");
        let severity_id = match f["Severity"]["Label"].as_str().unwrap() {
            "INFORMATIONAL" => 1,
            "LOW" => 2,
            "MEDIUM" => 3,
            "HIGH" => 4,
            "CRITICAL" => 5,
            other => panic!("label {other}"),
        };
        assert_eq!(e["severity_id"], severity_id, "{id}");
        assert_eq!(e["finding_info"]["title"], f["Title"]);
        assert_eq!(e["finding_info"]["created_time_dt"], f["CreatedAt"]);
        assert_eq!(e["time_dt"], f["UpdatedAt"]);
        assert_eq!(e["resources"][0]["uid"], f["Resources"][0]["Id"]);
        assert_eq!(e["resources"][0]["type"], f["Resources"][0]["Type"]);
        assert_eq!(e["message"], f["ProductFields"]["hubsim/Reason"]);
        if f["Workflow"]["Status"] == "SUPPRESSED" {
            suppressed += 1;
            assert_eq!(e["status_id"], 3, "{id}");
            assert_eq!(e["comment"], f["Note"]["Text"], "the justification rides along: {id}");
        } else {
            assert_ne!(e["status_id"], 3, "{id}");
        }
    }
    assert!(suppressed > 0, "the fresh account's remediation suppresses findings");
}

#[test]
fn the_schema_refuses_what_is_not_a_compliance_finding() {
    let out = hubsim(&["run", &scenario("s3-9-log-bucket"), "--format", "ocsf"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let events: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let good = events.first().expect("findings").clone();
    let v = validator();
    assert!(problems(&v, &good).is_empty());
    let broken = |change: &dyn Fn(&mut Value)| {
        let mut e = good.clone();
        change(&mut e);
        problems(&v, &e)
    };
    // Another class, a missing required object, an attribute OCSF does not define, a severity
    // outside the enumeration, a time that is not milliseconds, a datetime that is not RFC 3339.
    assert!(!broken(&|e| e["class_uid"] = json!(2004)).is_empty());
    assert!(!broken(&|e| {
        e.as_object_mut().unwrap().remove("finding_info");
    })
    .is_empty());
    assert!(!broken(&|e| e["compliance_status"] = json!("FAILED")).is_empty());
    assert!(!broken(&|e| e["severity_id"] = json!(7)).is_empty());
    assert!(!broken(&|e| e["time"] = json!("2022-06-01T00:00:08Z")).is_empty());
    assert!(!broken(&|e| e["time_dt"] = json!("June 1st")).is_empty());
    assert!(!broken(&|e| e["compliance"]["status_id"] = json!(4)).is_empty());
    assert!(!broken(&|e| {
        e["cloud"].as_object_mut().unwrap().remove("provider");
    })
    .is_empty());
}

#[test]
fn several_scenarios_make_one_array_and_a_broken_one_adds_no_event() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, r#"{"format": 1"#).unwrap();
    let count = |name: &str| {
        let out = hubsim(&["run", &scenario(name), "--format", "ocsf"]);
        serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap().len()
    };
    let out = hubsim(&[
        "run",
        &scenario("s3-9-log-bucket"),
        broken.to_str().unwrap(),
        &scenario("fresh-account"),
        "--format",
        "ocsf",
    ]);
    assert_eq!(out.status.code(), Some(2), "bad input is the worst cause");
    let all: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    assert_eq!(all.len(), count("s3-9-log-bucket") + count("fresh-account"));
    let scenarios: std::collections::BTreeSet<&str> =
        all.iter().map(|e| e["unmapped"]["hubsim"]["scenario"].as_str().unwrap()).collect();
    assert_eq!(scenarios.len(), 2, "each event names its scenario");
    assert!(text(&out.stderr).contains(broken.to_str().unwrap()), "{}", text(&out.stderr));
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = hubsim(&["run", empty.to_str().unwrap(), "--format", "ocsf"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap(), Vec::<Value>::new());
}
