//! The client's read-only rule against what the evaluator and the simulator do: every call the
//! evaluator makes to read an account (over every mission and edge scenario) passes it, and it
//! refuses exactly the operations the simulator runs as writes, but one documented exception.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::Path;

use hubsim_api::model::Operation;
use hubsim_api::{AwsApi, AwsError};
use hubsim_checks::Settings;
use hubsim_client::read_only::is_read_only;
use hubsim_scenario::LoadOptions;
use hubsim_simulator::Simulator;

/// The simulator, recording which operations are called through it.
struct Recorder<'a> {
    sim: &'a Simulator,
    calls: RefCell<BTreeSet<(&'static str, &'static str)>>,
}

impl AwsApi for Recorder<'_> {
    fn call<O: Operation>(&self, region: &str, input: O::Input) -> Result<O::Output, AwsError> {
        self.calls.borrow_mut().insert((O::SERVICE, O::NAME));
        self.sim.call::<O>(region, input)
    }
}

#[test]
fn every_call_the_evaluator_reads_with_is_read_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> =
        std::fs::read_dir(&root).expect("scenarios").filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.extend(std::fs::read_dir(root.join("edge")).expect("edge").filter_map(|e| e.ok()).map(|e| e.path()));
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    let mut seen = BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read");
        let Ok(scenario) = hubsim_scenario::parse(&text) else { continue };
        let sim = Simulator::in_memory().expect("in memory");
        if hubsim_scenario::load(&sim, &scenario, LoadOptions::default()).is_err() {
            continue;
        }
        let Some(state) = sim.settings() else { continue };
        let reader = Recorder { sim: &sim, calls: RefCell::default() };
        let settings = Settings { era: state.era, ..Default::default() };
        let home = state.account.home_region.clone();
        let now = "2026-12-01T00:00:00Z";
        // The writer is the simulator itself: what the evaluator records is not the reader's.
        hubsim_checks::evaluate_from(&reader, &sim, &state.account.id, &home, &settings, &[], now)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (service, op) in reader.calls.into_inner() {
            assert!(is_read_only(service, op), "{}: the evaluator reads with {service}:{op}", file.display());
            seen.insert((service, op));
        }
    }
    assert!(files.len() > 300, "the mission and edge scenarios");
    // Not vacuous: the evaluator read through many operations of many services.
    let services: BTreeSet<_> = seen.iter().map(|(s, _)| *s).collect();
    assert!(
        seen.len() > 70 && services.len() > 18,
        "{} operations of {} services: {seen:?}",
        seen.len(),
        services.len()
    );
    assert!(seen.contains(&("iam", "GenerateCredentialReport")), "the one exception is exercised");
}

/// The simulator knows which of its operations write (they run in a transaction and are
/// journaled): the client's rule agrees with it for every operation hubsim implements, except
/// `iam:GenerateCredentialReport` (IAM's access level "Read"; the simulator journals the report
/// it makes) and `sts:AssumeRole` (changes nothing, but the client has no use for it and refuses
/// it). `secretsmanager:GetSecretValue`, a read by its verb, writes (`LastAccessedDate`) and is
/// refused: the simulator's flag found it.
#[test]
fn the_rule_agrees_with_the_simulator_on_every_operation() {
    let mut disagreements = Vec::new();
    let mut writes = 0;
    for op in hubsim_simulator::operations() {
        if op.service == "hubsim" {
            continue;
        }
        writes += usize::from(op.mutates);
        if is_read_only(op.service, op.operation) == op.mutates {
            disagreements.push(format!("{}:{} (mutates: {})", op.service, op.operation, op.mutates));
        }
    }
    assert_eq!(disagreements, ["iam:GenerateCredentialReport (mutates: true)", "sts:AssumeRole (mutates: false)"]);
    assert!(writes > 200, "{writes} writing operations checked");
}
