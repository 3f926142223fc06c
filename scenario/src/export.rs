//! Export: a scenario that rebuilds a state from the same baseline with explicit steps.
//!
//! The steps are the journal's successful mutating calls, in order, with their inputs as
//! given. Ids and times are deterministic, so replaying the steps on the same baseline
//! recreates the same resources with the same ids: export(load(export(S))) == export(S),
//! whether the state came from a file, from remediation or from calls over HTTP. Findings the
//! evaluator imported are among the steps when they were new or changed; re-imports of
//! unchanged findings are not (derived state, not journaled).

use hubsim_simulator::settings::Settings;
use hubsim_simulator::{is_global_service, SimError, Simulator};

use crate::format::{Scenario, Step};
use crate::load::ENVELOPE_KEY;
use crate::{Problem, ScenarioError};

/// Writes the scenario that rebuilds `sim`'s state, as pretty JSON with a final newline.
pub fn export(sim: &Simulator) -> Result<String, ScenarioError> {
    let settings = sim.settings().ok_or_else(|| {
        ScenarioError::Invalid(vec![Problem {
            path: String::new(),
            code: None,
            message: "the database holds no state".into(),
        }])
    })?;
    let mut scenario: Scenario = sim.meta(ENVELOPE_KEY)?.ok_or_else(|| {
        ScenarioError::Invalid(vec![Problem {
            path: String::new(),
            code: None,
            message: "the database holds a state without its scenario envelope".into(),
        }])
    })?;
    scenario.steps = sim
        .journal()?
        .into_iter()
        .filter(|e| e.error.is_none())
        .map(|e| Step {
            call: format!("{}:{}", e.service, e.operation),
            region: step_region(&settings, &e.service, e.region),
            input: e.input,
            capture: None,
            expect_error: None,
            note: None,
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&scenario).map_err(SimError::from)?;
    text.push('\n');
    Ok(text)
}

/// The region of a step: none for the home region. A global service's call made in a region
/// the account does not have (a client signing IAM calls for `us-east-1`) changed nothing
/// regional, so it is replayed in the home region: a scenario's steps stay in its regions.
fn step_region(settings: &Settings, service: &str, region: String) -> Option<String> {
    let elsewhere = !settings.account.regions.contains(&region);
    if region == settings.account.home_region || (elsewhere && is_global_service(service)) {
        return None;
    }
    Some(region)
}
