//! `hubsim run SCENARIO`: load into a fresh in-memory state, evaluate, check expectations.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use hubsim_scenario::{self as scenario, LoadOptions};
use hubsim_simulator::Simulator;

use super::render::{deliver, write_report, Format};
use super::scenario::{invalid, read, with_catalog};
use crate::exit::{run_failure, Failure};
use hubsim_scenario::{expect, runner};

/// Options of `hubsim run`.
#[derive(Args)]
pub struct RunArgs {
    /// The scenario file (JSON).
    pub scenario: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write the report here instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Score as the average of the standards' scores instead of pooled over controls
    /// (overrides the scenario's `readings.summary_score`).
    #[arg(long)]
    pub average_score: bool,
    /// Remediate after evaluating (evaluate → fix → evaluate to a fixpoint), print the
    /// transcript, and check `expect.after_remediation` too.
    #[arg(long)]
    pub remediate: bool,
}

/// Validates a scenario fully: the file, its steps against AWS's models, and what it says
/// about controls against the catalogue.
pub fn validate_all(file: &std::path::Path, s: &scenario::Scenario) -> Result<(), Failure> {
    scenario::validate(s).map_err(|e| invalid(file, e))?;
    let problems = hubsim_scenario::scenario_check::validate(s);
    if !problems.is_empty() {
        return Err(invalid(file, scenario::ScenarioError::Invalid(problems)));
    }
    Ok(())
}

/// Runs `hubsim run`.
pub fn run(args: RunArgs) -> Result<ExitCode, Failure> {
    let s = read(&args.scenario)?;
    validate_all(&args.scenario, &s)?;
    let sim = with_catalog(Simulator::in_memory().context("creating the in-memory state")?);
    scenario::load(&sim, &s, LoadOptions::default()).map_err(|e| invalid(&args.scenario, e))?;
    let report = runner::evaluate(&sim, args.average_score).map_err(run_failure)?;
    let outcome =
        if args.remediate { Some(runner::remediate(&sim, Default::default()).map_err(run_failure)?) } else { None };
    deliver(args.output.as_deref(), |out| match &outcome {
        Some(o) => super::remediate_cmd::report_outcome(out, args.format, o, &sim),
        None => write_report(out, args.format, &report, &[], &sim),
    })?;
    let home = s.account.home();
    // The stored envelope has the expectations' references resolved.
    let resolved = runner::envelope(&sim).map_err(run_failure)?;
    let mut failures = Vec::new();
    if let Some(block) = resolved.expect.as_ref().and_then(|e| e.evaluation.as_ref()) {
        for d in expect::diff(block, &report, &home) {
            failures.push(format!("expect.evaluation: {d}"));
        }
    }
    if let Some(o) = &outcome {
        if let Some(block) = resolved.expect.as_ref().and_then(|e| e.after_remediation.as_ref()) {
            for d in expect::diff(block, &o.after, &home) {
                failures.push(format!("expect.after_remediation: {d}"));
            }
        }
        if !o.converged {
            failures.push(format!("remediation did not converge in {} rounds", o.rounds));
        }
    }
    if failures.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("{}: {} expectation(s) failed:", args.scenario.display(), failures.len());
    for f in &failures {
        eprintln!("  {f}");
    }
    Ok(ExitCode::from(1))
}
