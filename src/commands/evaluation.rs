//! Running the evaluator on a simulator: the settings come from the scenario stored with the
//! state (era, parameters, suppressions).

use anyhow::Context;
use hubsim_checks::findings::Suppress;
use hubsim_checks::{evaluate_account, Report, Settings};
use hubsim_simulator::model::Timestamp;
use hubsim_simulator::scenario::{Scenario, ENVELOPE_KEY};
use hubsim_simulator::Simulator;

use crate::exit::Failure;

/// The scenario envelope stored with a state.
pub fn envelope(sim: &Simulator) -> Result<Scenario, Failure> {
    sim.meta::<Scenario>(ENVELOPE_KEY)
        .context("reading the stored scenario")?
        .ok_or_else(|| Failure::BadInput("the database holds no state (load a scenario first)".into()))
}

/// Evaluates the state of `sim` and records the findings in its Security Hub.
pub fn evaluate(sim: &Simulator, average_score: bool) -> Result<Report, Failure> {
    let scenario = envelope(sim)?;
    let settings = sim.settings().ok_or_else(|| Failure::BadInput("the database holds no state".into()))?;
    let now = Timestamp(sim.run_state().map(|r| r.clock_ms).unwrap_or(0)).to_iso8601();
    let home = settings.account.home_region.clone();
    let suppressions: Vec<Suppress> = scenario
        .suppressions
        .iter()
        .map(|s| Suppress {
            control: s.control.clone(),
            region: s.region.clone().unwrap_or_else(|| home.clone()),
            resource: s.resource.clone(),
            reason: s.reason.clone(),
            by: "hubsim scenario".into(),
        })
        .collect();
    let eval_settings = Settings { era: settings.era, parameters: scenario.parameters.clone() };
    evaluate_account(sim, &settings.account.id, &home, &eval_settings, &suppressions, &now, average_score)
        .context("evaluating the account")
        .map_err(Failure::Internal)
}
