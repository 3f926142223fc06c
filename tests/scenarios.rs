//! Every scenario in scenarios/ (edge cases included; `disputed/` excluded): it validates,
//! loads, evaluates, meets its hand-written `expect.evaluation`, and its findings match the
//! reviewed insta snapshot (tests/snapshots/). Snapshots are a second line of defence; the
//! expectations, written from the spec, are the first.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use hubsim_checks::Report;
use hubsim_scenario::{self as scenario, LoadOptions};
use hubsim_scenario::{expect, runner, scenario_check};
use hubsim_simulator::model::{s3, securityhub as sh};
use hubsim_simulator::{AwsApi, Simulator};

fn scenario_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "disputed") {
                scenario_files(&p, out);
            }
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

/// A compact, stable rendering of a report for snapshots.
fn digest(r: &Report) -> String {
    let mut out = String::new();
    let s = &r.score;
    let _ = writeln!(
        out,
        "score: {} ({} of {} with data passed; {} not implemented)",
        s.percent.map(|p| format!("{p}%")).unwrap_or_else(|| "no data".into()),
        s.passed,
        s.with_data,
        s.not_implemented
    );
    out.push_str("controls:\n");
    let mut controls: Vec<_> = r.controls.iter().collect();
    controls.sort_by_key(|c| hubsim_checks::status::natural(&c.id));
    for c in controls {
        let _ = writeln!(out, "  {:<13} {}", c.id, c.status.as_str());
    }
    out.push_str("findings:\n");
    for f in &r.findings {
        let (control, region, resource, status) = (&f.control, &f.region, &f.resource, f.compliance());
        let workflow = f.workflow.clone().unwrap_or_default();
        let severity = f.severity.clone().unwrap_or_default();
        let _ = writeln!(out, "  {control} {region} {resource} {status}/{severity}/{workflow}: {}", f.reason);
    }
    out
}

#[test]
fn every_scenario_meets_its_expectations_and_snapshot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files = Vec::new();
    scenario_files(&root, &mut files);
    assert!(files.len() >= 3, "no scenarios found in {}", root.display());
    let mut failures = Vec::new();
    for path in &files {
        let name = path.strip_prefix(&root).unwrap().with_extension("").to_string_lossy().replace('/', "__");
        let text = std::fs::read_to_string(path).unwrap();
        let s = scenario::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        scenario::validate(&s).unwrap_or_else(|e| panic!("{name}: {e}"));
        let problems = scenario_check::validate(&s);
        assert!(problems.is_empty(), "{name}: {problems:?}");
        let sim = Simulator::in_memory().unwrap();
        scenario::load(&sim, &s, LoadOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let report = runner::evaluate(&sim, false).unwrap_or_else(|e| panic!("{name}: {e}"));
        let resolved = runner::envelope(&sim).unwrap();
        if let Some(block) = resolved.expect.as_ref().and_then(|e| e.evaluation.as_ref()) {
            for d in expect::diff(block, &report, &s.account.home()) {
                failures.push(format!("{name}: {d}"));
            }
        }
        insta::assert_snapshot!(name.clone(), digest(&report));
    }
    assert!(failures.is_empty(), "expectations failed:\n{}", failures.join("\n"));
}

/// `scenarios/half-fixed-account.json`, loaded into a fresh simulator.
fn half_fixed_account() -> Simulator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/half-fixed-account.json");
    let s = scenario::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let sim = Simulator::in_memory().unwrap();
    scenario::load(&sim, &s, LoadOptions::default()).unwrap();
    sim
}

#[test]
fn evaluating_twice_keeps_finding_ids_and_changes_nothing_else() {
    let sim = half_fixed_account();
    let first = runner::evaluate(&sim, false).unwrap();
    let second = runner::evaluate(&sim, false).unwrap();
    let ids = |r: &Report| r.findings.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&first), ids(&second));
    assert_eq!(digest(&first), digest(&second));
    // Findings keep their first observation time.
    assert_eq!(
        first.findings.iter().map(|f| f.created_at.clone()).collect::<Vec<_>>(),
        second.findings.iter().map(|f| f.created_at.clone()).collect::<Vec<_>>()
    );
}

/// Findings are derived state: re-evaluating an unchanged account rewrites them in place (new
/// observation times) and journals nothing, so the file stays within 1 % of its size and export
/// is unchanged. (Each evaluation opens the file and closes it, as `hubsim evaluate` does:
/// closing checkpoints the write-ahead log into the file, whose size is then the whole
/// database.) The first evaluation journals the new findings and the IAM credential report it
/// generates, as a scanner would.
#[test]
fn re_evaluations_leave_the_file_and_the_export_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/half-fixed-account.json"));
    let sim = Simulator::open(&path).unwrap();
    scenario::load(&sim, &scenario::parse(&text.unwrap()).unwrap(), LoadOptions::default()).unwrap();
    let loaded = sim.journal().unwrap().len();
    drop(sim);
    let evaluate = || {
        let sim = Simulator::open(&path).unwrap();
        let report = runner::evaluate(&sim, false).unwrap();
        assert!(report.findings.len() > 50);
        let state = (sim.journal().unwrap(), scenario::export(&sim).unwrap());
        drop(sim);
        assert!(!path.with_extension("db-wal").exists(), "the log was checkpointed into the file");
        (std::fs::metadata(&path).unwrap().len(), state)
    };
    let (after_one, first) = evaluate();
    let operations: std::collections::BTreeSet<&str> = first.0[loaded..].iter().map(|e| e.operation.as_str()).collect();
    assert_eq!(operations, ["BatchImportFindings", "GenerateCredentialReport"].into(), "new findings are journaled");
    for _ in 0..10 {
        let (after, state) = evaluate();
        assert!(after * 100 <= after_one * 101, "{after_one} bytes after one evaluation, then {after}");
        assert_eq!(state, first, "no re-import is journaled: the journal and the export stay as they were");
    }
}

/// A resource that is gone takes its findings out of the report: the next evaluation archives
/// them in Security Hub (RecordState ARCHIVED, Compliance NOT_AVAILABLE) and keeps every other
/// finding active.
#[test]
fn findings_of_a_deleted_resource_are_archived_and_the_rest_stay() {
    let sim = half_fixed_account();
    let before = runner::evaluate(&sim, false).unwrap();
    let bucket = "app-scratch-123456789012";
    let arn = format!("arn:aws:s3:::{bucket}");
    let of_bucket = |r: &Report| r.findings.iter().filter(|f| f.resource == arn).count();
    let gone = of_bucket(&before);
    assert!(gone > 0, "the scratch bucket has findings to begin with");
    let region = before.findings.iter().find(|f| f.resource == arn).map(|f| f.region.clone()).unwrap();
    sim.call::<s3::DeleteBucket>(&region, s3::DeleteBucketRequest { bucket: bucket.into(), ..Default::default() })
        .unwrap();

    let after = runner::evaluate(&sim, false).unwrap();
    assert_eq!(of_bucket(&after), 0);
    let kept: Vec<_> = before.findings.iter().filter(|f| f.resource != arn).map(|f| f.id.clone()).collect();
    let active: Vec<_> = after.findings.iter().map(|f| f.id.clone()).collect();
    assert!(kept.iter().all(|id| active.contains(id)), "every other finding stays active");
    let filter = |v: &str| Some(vec![sh::StringFilter { value: Some(v.into()), comparison: Some("EQUALS".into()) }]);
    let archived = sim
        .call::<sh::GetFindings>(
            &region,
            sh::GetFindingsRequest {
                filters: Some(sh::AwsSecurityFindingFilters {
                    record_state: filter("ARCHIVED"),
                    resource_id: filter(&arn),
                    ..Default::default()
                }),
                ..Default::default()
            },
        )
        .unwrap()
        .findings;
    assert_eq!(archived.len(), gone);
    for f in &archived {
        assert_eq!(f.compliance.as_ref().and_then(|c| c.status.as_deref()), Some("NOT_AVAILABLE"));
    }
}
