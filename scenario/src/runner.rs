//! Evaluating a simulated state the way `hubsim run` and `hubsim evaluate` do: the settings
//! (era, control parameters, the user's suppressions) come from the scenario stored with the
//! state; the account itself is read through the typed API like any other evaluation.

use hubsim_checks::findings::Suppress;
use hubsim_checks::readings::SummaryScore;
use hubsim_checks::remediate::{Options, Outcome};
use hubsim_checks::{evaluate_from, FetchError, Report, Settings};
use hubsim_simulator::model::Timestamp;
use hubsim_simulator::sim::BatchApi;
use hubsim_simulator::{SimError, Simulator};

use crate::{Scenario, ENVELOPE_KEY};

/// Why a stored state could not be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The database holds no state, or no scenario with it.
    #[error("{0}")]
    NoState(String),
    /// The database failed.
    #[error(transparent)]
    Sim(#[from] SimError),
    /// Reading the account failed.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The fixes' declarations give no order to remediate in.
    #[error(transparent)]
    Plan(#[from] hubsim_checks::remediate::PlanError),
}

impl From<hubsim_checks::remediate::Error> for RunError {
    fn from(e: hubsim_checks::remediate::Error) -> Self {
        match e {
            hubsim_checks::remediate::Error::Fetch(e) => RunError::Fetch(e),
            hubsim_checks::remediate::Error::Plan(e) => RunError::Plan(e),
        }
    }
}

/// The scenario envelope stored with a state (references resolved).
pub fn envelope(sim: &Simulator) -> Result<Scenario, RunError> {
    sim.meta::<Scenario>(ENVELOPE_KEY)?
        .ok_or_else(|| RunError::NoState("the database holds no state (load a scenario first)".into()))
}

fn now(sim: &Simulator) -> String {
    Timestamp(sim.run_state().map(|r| r.clock_ms).unwrap_or(0)).to_iso8601()
}

fn user_suppressions(scenario: &Scenario, home: &str) -> Vec<Suppress> {
    scenario
        .suppressions
        .iter()
        .map(|s| Suppress {
            control: s.control.clone(),
            region: s.region.clone().unwrap_or_else(|| home.to_string()),
            resource: s.resource.clone(),
            reason: s.reason.clone(),
            by: "hubsim scenario".into(),
        })
        .collect()
}

/// Remediates the state of `sim` with the scenario's `remediation` settings (overridable).
///
/// The whole remediation is one transaction ([`BatchApi`]): each call is still atomic and
/// journaled on its own, and the account changes all at once when it is done, or not at all
/// if reading the account fails halfway.
pub fn remediate(sim: &Simulator, mut options: Options) -> Result<Outcome, RunError> {
    let scenario = envelope(sim)?;
    let settings = sim.settings().ok_or_else(|| RunError::NoState("the database holds no state".into()))?;
    let home = settings.account.home_region.clone();
    if options.unfixable.is_empty() {
        options.unfixable = scenario.remediation.unfixable.clone();
    }
    let eval_settings = Settings {
        era: settings.era,
        parameters: scenario.parameters.clone(),
        only: None,
        readings: scenario.readings,
    };
    let suppressions = user_suppressions(&scenario, &home);
    sim.transaction(|batch| {
        let api = BatchApi::new(batch);
        let clock = || Timestamp(api.run_state().map(|r| r.clock_ms).unwrap_or(0)).to_iso8601();
        Ok(hubsim_checks::remediate::remediate(
            &api,
            &settings.account.id,
            &home,
            &eval_settings,
            &suppressions,
            &clock,
            &options,
        )?)
    })
}

/// Re-runs only the change-triggered controls (what AWS Config's change notifications would
/// trigger), leaving the periodic controls' findings as they were.
pub fn refresh_change_triggered(sim: &Simulator) -> Result<Report, RunError> {
    run(sim, false, Some(hubsim_checks::control::Schedule::ChangeTriggered))
}

/// Evaluates the state of `sim` and records the findings in its Security Hub.
pub fn evaluate(sim: &Simulator, average_score: bool) -> Result<Report, RunError> {
    run(sim, average_score, None)
}

fn run(
    sim: &Simulator,
    average_score: bool,
    only: Option<hubsim_checks::control::Schedule>,
) -> Result<Report, RunError> {
    let scenario = envelope(sim)?;
    let settings = sim.settings().ok_or_else(|| RunError::NoState("the database holds no state".into()))?;
    let now = now(sim);
    let home = settings.account.home_region.clone();
    let suppressions = user_suppressions(&scenario, &home);
    let mut readings = scenario.readings;
    if average_score {
        readings.summary_score = SummaryScore::Average;
    }
    let eval_settings = Settings { era: settings.era, parameters: scenario.parameters.clone(), only, readings };
    // Read from a view of the account as of now (no lock held while reading, no state torn
    // by other clients' writes), recorded through the simulator one call at a time.
    let view = sim.read_view()?;
    Ok(evaluate_from(view, sim, &settings.account.id, &home, &eval_settings, &suppressions, &now)?)
}
