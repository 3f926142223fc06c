//! Scenario files: parse and validation errors name the JSON path; a load is one
//! transaction; export rebuilds the state and round-trips byte for byte.

use hubsim_scenario::{self as scenario, LoadOptions, ScenarioError};
use hubsim_simulator::model::s3;
use hubsim_simulator::{AwsApi, Simulator};

fn problems(e: ScenarioError) -> Vec<String> {
    match e {
        ScenarioError::Invalid(ps) => ps.iter().map(|p| p.to_string()).collect(),
        ScenarioError::Sim(e) => panic!("unexpected database error {e}"),
    }
}

fn parse_err(text: &str) -> Vec<String> {
    problems(scenario::parse(text).unwrap_err())
}

fn validate_err(text: &str) -> Vec<String> {
    let s = scenario::parse(text).unwrap();
    problems(scenario::validate(&s).unwrap_err())
}

const S3_ONLY: &str = r#"{
  "format": 1, "name": "s3-only", "era": "current",
  "account": {"id": "123456789012", "regions": ["us-east-1", "eu-west-1"]},
  "baseline": {"preset": "empty"},
  "steps": [
    {"call": "s3:CreateBucket", "input": {"Bucket": "logs-${account_id}"}},
    {"call": "s3:CreateBucket", "region": "eu-west-1",
     "input": {"Bucket": "eu-data", "CreateBucketConfiguration": {"LocationConstraint": "${region}"}}},
    {"call": "s3:ListBuckets", "as": "listing"},
    {"call": "s3:PutBucketPolicy", "input": {"Bucket": "${listing.Buckets[0].Name}",
      "Policy": "{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::eu-data\",\"arn:aws:s3:::eu-data/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}"}},
    {"call": "s3:DeleteBucket", "input": {"Bucket": "missing-bucket"}, "expect_error": "NoSuchBucket"}
  ],
  "suppressions": [
    {"control": "S3.9", "resource": "arn:aws:s3:::${listing.Buckets[1].Name}", "reason": "log sink"}
  ]
}"#;

#[test]
fn syntax_and_shape_errors_name_the_path() {
    let e = parse_err("{\"format\": 1,\n \"name\": }");
    assert!(e[0].contains("invalid JSON at line 2"), "{e:?}");
    let e = parse_err(r#"{"format": 1, "name": "x", "acount": {}}"#);
    assert!(e[0].contains("unknown field `acount`"), "{e:?}");
    let e = parse_err(r#"{"format": 1, "name": "x", "steps": [{"call": "s3:ListBuckets", "input": {}, "region": 5}]}"#);
    assert!(e[0].starts_with("steps[0].region:"), "{e:?}");
    let e = parse_err(r#"{"format": 1, "name": "x", "era": "2019"}"#);
    assert!(e[0].starts_with("era:"), "{e:?}");
    // A shape error of the whole file has no path: its line and column say where (found by
    // the scenario_loader fuzz target, tests/fuzz_documents.rs).
    let e = parse_err("{\"format\": 1,\n \"format\": 1, \"name\": \"x\"}");
    assert_eq!(e, vec!["duplicate field `format` at line 2 column 9"]);
}

#[test]
fn validation_reports_every_problem_with_its_path() {
    let e = validate_err(
        r#"{"format": 2, "name": "x", "account": {"id": "12", "regions": ["us-east-1", "mars-1"]},
            "steps": [
              {"call": "s3:CreateBucket", "input": {"Bucket": "b", "Colour": "red"}},
              {"call": "s3:CreateBucket", "input": {}},
              {"call": "ec2:LaunchRockets"},
              {"call": "nope:Thing"},
              {"call": "s3:CreateBucket", "input": {"Bucket": 7}},
              {"call": "s3:GetBucketPolicy", "input": {"Bucket": "${ghost.Policy}"}},
              {"call": "s3:ListBuckets", "as": "l"},
              {"call": "s3:GetBucketPolicy", "input": {"Bucket": "${l.Bukkets[0].Name}"}}
            ],
            "suppressions": [{"control": "S3.9", "resource": "x", "reason": ""}]}"#,
    );
    let has = |prefix: &str, needle: &str| e.iter().any(|p| p.starts_with(prefix) && p.contains(needle));
    assert!(has("format:", "unsupported format 2"), "{e:#?}");
    assert!(has("account.id:", "12-digit"), "{e:#?}");
    assert!(has("account.regions[1]:", "unknown region"), "{e:#?}");
    assert!(has("steps[0].input.Colour:", "unknown member Colour"), "{e:#?}");
    assert!(has("steps[1].input.Bucket:", "missing required member Bucket"), "{e:#?}");
    assert!(has("steps[2].call:", "no operation \"LaunchRockets\""), "{e:#?}");
    assert!(has("steps[3].call:", "unknown service"), "{e:#?}");
    assert!(has("steps[4].input.Bucket:", "expected a string"), "{e:#?}");
    assert!(has("steps[5].input.Bucket:", "no earlier step captured \"ghost\""), "{e:#?}");
    assert!(has("steps[7].input.Bucket:", "has no member Bukkets"), "{e:#?}");
    assert!(has("suppressions[0].reason:", "1 to 512"), "{e:#?}");
}

#[test]
fn load_is_one_transaction() {
    let sim = Simulator::in_memory().unwrap();
    let bad = S3_ONLY.replace(r#""expect_error": "NoSuchBucket""#, r#""note": "this one fails""#);
    let s = scenario::parse(&bad).unwrap();
    let e = problems(scenario::load(&sim, &s, LoadOptions::default()).unwrap_err());
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with("steps[4]: NoSuchBucket:"), "{e:?}");
    // Nothing of the four successful steps, nor the baseline, stayed.
    assert!(sim.is_empty());
    assert!(sim.journal().unwrap().is_empty());
    assert!(sim.inventory().unwrap().is_empty());
}

#[test]
fn load_applies_steps_resolves_references_and_refuses_a_second_load() {
    let sim = Simulator::in_memory().unwrap();
    let s = scenario::parse(S3_ONLY).unwrap();
    let report = scenario::load(&sim, &s, LoadOptions::default()).unwrap();
    assert_eq!((report.applied, report.refused_as_expected), (4, 1));
    let policy = sim
        .call::<s3::GetBucketPolicy>(
            "us-east-1",
            s3::GetBucketPolicyRequest { bucket: "eu-data".into(), ..Default::default() },
        )
        .unwrap();
    assert!(policy.policy.unwrap().contains("SecureTransport"));
    let loc = sim
        .call::<s3::GetBucketLocation>(
            "us-east-1",
            s3::GetBucketLocationRequest { bucket: "eu-data".into(), ..Default::default() },
        )
        .unwrap();
    assert_eq!(loc.location_constraint.as_deref(), Some("eu-west-1"));
    let envelope: scenario::Scenario = sim.meta(scenario::ENVELOPE_KEY).unwrap().unwrap();
    assert_eq!(envelope.suppressions[0].resource, "arn:aws:s3:::logs-123456789012");

    let again = problems(scenario::load(&sim, &s, LoadOptions::default()).unwrap_err());
    assert!(again[0].contains("--reset"), "{again:?}");
    scenario::load(&sim, &s, LoadOptions { reset: true }).unwrap();
    assert_eq!(sim.inventory().unwrap()["s3:bucket"], 2);
}

#[test]
fn export_round_trips_byte_for_byte() {
    let sim = Simulator::in_memory().unwrap();
    scenario::load(&sim, &scenario::parse(S3_ONLY).unwrap(), LoadOptions::default()).unwrap();
    // A call made after loading (as a remediation or an HTTP client would) is exported too.
    sim.call::<s3::DeleteBucketPolicy>(
        "us-east-1",
        s3::DeleteBucketPolicyRequest { bucket: "eu-data".into(), ..Default::default() },
    )
    .unwrap();
    let first = scenario::export(&sim).unwrap();
    let exported = scenario::parse(&first).unwrap();
    assert_eq!(exported.steps.len(), 4, "read-only and failed calls are not steps:\n{first}");
    assert_eq!(exported.steps[1].region.as_deref(), Some("eu-west-1"));
    assert_eq!(exported.steps[2].input["Bucket"], "eu-data");

    let reloaded = Simulator::in_memory().unwrap();
    scenario::load(&reloaded, &exported, LoadOptions::default()).unwrap();
    let second = scenario::export(&reloaded).unwrap();
    assert_eq!(first, second);
    assert_eq!(sim.inventory().unwrap(), reloaded.inventory().unwrap());
    let no_policy = reloaded.call::<s3::GetBucketPolicy>(
        "us-east-1",
        s3::GetBucketPolicyRequest { bucket: "eu-data".into(), ..Default::default() },
    );
    assert_eq!(no_policy.unwrap_err().code, "NoSuchBucketPolicy");
}

#[test]
fn the_same_scenario_gives_the_same_state() {
    let a = Simulator::in_memory().unwrap();
    let b = Simulator::in_memory().unwrap();
    let s = scenario::parse(S3_ONLY).unwrap();
    scenario::load(&a, &s, LoadOptions::default()).unwrap();
    scenario::load(&b, &s, LoadOptions::default()).unwrap();
    assert_eq!(a.journal().unwrap(), b.journal().unwrap());
    assert_eq!(a.run_state(), b.run_state());
}

#[test]
fn a_file_database_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    {
        let sim = Simulator::open(&path).unwrap();
        scenario::load(&sim, &scenario::parse(S3_ONLY).unwrap(), LoadOptions::default()).unwrap();
    }
    let sim = Simulator::open(&path).unwrap();
    assert_eq!(sim.inventory().unwrap()["s3:bucket"], 2);
    let listed = sim.call::<s3::ListBuckets>("us-east-1", Default::default()).unwrap();
    assert_eq!(listed.buckets.unwrap().len(), 2);
}

/// Two simulators on one file (`hubsim serve` and a `hubsim` command, say) would each keep
/// their own clock and id counter: the second open is refused, naming the holder, and the
/// file opens again once the first lets go, with everything the first wrote.
#[test]
fn a_file_is_held_by_one_simulator_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let a = Simulator::open(&path).unwrap();
    scenario::load(&a, &scenario::parse(S3_ONLY).unwrap(), LoadOptions::default()).unwrap();
    let refused = Simulator::open(&path).err().expect("a second open of a held file is refused");
    let message = refused.to_string();
    assert!(matches!(refused, hubsim_simulator::SimError::InUse { .. }), "{message}");
    assert!(message.contains(&format!("(pid {})", std::process::id())), "{message}");
    a.call::<s3::CreateBucket>(
        "us-east-1",
        s3::CreateBucketRequest { bucket: "written-by-a".into(), ..Default::default() },
    )
    .unwrap();
    let run = a.run_state();
    drop(a);
    let b = Simulator::open(&path).unwrap();
    assert_eq!(b.run_state(), run, "b starts from the clock and id counter a left");
    assert_eq!(b.inventory().unwrap()["s3:bucket"], 3);
}

/// A loaded state records the scenario it came from, and [`scenario::seed`] rebuilds that
/// state in memory: the same settings (a standalone account stays standalone), run state,
/// journal and resources, whatever happened to the file afterwards.
#[test]
fn the_recorded_seed_rebuilds_the_state_the_load_made() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let text = S3_ONLY.replace(
        r#""regions": ["us-east-1", "eu-west-1"]}"#,
        r#""regions": ["us-east-1", "eu-west-1"], "organization": null}"#,
    );
    let s = scenario::parse(&text).unwrap();
    assert!(s.account.organization.is_none());
    let sim = Simulator::open(&path).unwrap();
    scenario::load(&sim, &s, LoadOptions::default()).unwrap();
    let (settings, run, journal, inventory) =
        (sim.settings(), sim.run_state(), sim.journal().unwrap(), sim.inventory().unwrap());
    sim.call::<s3::CreateBucket>("us-east-1", s3::CreateBucketRequest { bucket: "later".into(), ..Default::default() })
        .unwrap();
    assert_eq!(sim.meta::<scenario::Scenario>(scenario::SEED_KEY).unwrap(), Some(s));
    let seed = scenario::seed(&sim).unwrap().expect("a seed is recorded");
    assert_eq!(seed.settings(), settings);
    assert!(settings.unwrap().account.organization.is_none());
    assert_eq!(seed.run_state(), run);
    assert_eq!(seed.journal().unwrap(), journal);
    assert_eq!(seed.inventory().unwrap(), inventory);
    assert_eq!(seed.path(), None, "the seed lives in memory");
    // An export writes the standalone account back as one.
    let exported = scenario::parse(&scenario::export(&sim).unwrap()).unwrap();
    assert!(exported.account.organization.is_none());
}

/// The settings are written only with a new world: a reset that loads the same scenario again
/// (same settings) must still leave them on disk, and later calls keep them.
#[test]
fn a_reset_to_the_same_scenario_keeps_its_settings_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let s = scenario::parse(S3_ONLY).unwrap();
    let settings = {
        let sim = Simulator::open(&path).unwrap();
        scenario::load(&sim, &s, LoadOptions::default()).unwrap();
        scenario::load(&sim, &s, LoadOptions { reset: true }).unwrap();
        sim.call::<s3::CreateBucket>(
            "us-east-1",
            s3::CreateBucketRequest { bucket: "after-reset".into(), ..Default::default() },
        )
        .unwrap();
        sim.settings().unwrap()
    };
    let sim = Simulator::open(&path).unwrap();
    assert_eq!(sim.settings(), Some(settings));
    assert_eq!(sim.inventory().unwrap()["s3:bucket"], 3);
}

#[test]
fn the_schema_documents_every_top_level_field() {
    let schema: serde_json::Value = serde_json::from_str(scenario::schema()).unwrap();
    let props = schema["properties"].as_object().unwrap();
    for field in [
        "format",
        "name",
        "description",
        "era",
        "account",
        "baseline",
        "start_time",
        "parameters",
        "steps",
        "suppressions",
        "remediation",
        "expect",
    ] {
        assert!(props.contains_key(field), "schema lacks {field}");
    }
}
