//! Loading a scenario into a database: validate, then baseline and steps in one transaction.

use hubsim_simulator::baseline;
use hubsim_simulator::settings::{AccountSettings, Organization, Settings};
use hubsim_simulator::{Batch, Simulator};
use serde_json::{Map, Value};

use crate::format::*;
use crate::refs::resolve;
use crate::{check::validate, Problem, ScenarioError};

/// The `meta` key under which a state keeps its scenario envelope (everything but the steps,
/// with references resolved).
pub const ENVELOPE_KEY: &str = "scenario";

/// The `meta` key under which a state keeps the scenario it was loaded from, steps included:
/// its seed, which [`seed`] rebuilds and `POST /_hubsim/reset` returns to, across restarts.
pub const SEED_KEY: &str = "seed";

/// How to load.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Replace a database that already holds a state (atomically, in the same transaction).
    pub reset: bool,
}

/// What a load did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadReport {
    /// Steps that ran and succeeded.
    pub applied: usize,
    /// Steps that failed as their `expect_error` said.
    pub refused_as_expected: usize,
}

/// The settings a scenario describes.
pub fn settings_of(s: &Scenario) -> Settings {
    Settings {
        era: s.era,
        account: AccountSettings {
            id: s.account.id.clone(),
            regions: s.account.regions.clone(),
            home_region: s.account.home(),
            organization: s.account.organization.as_ref().map(|o| Organization {
                id: o.id.clone(),
                management_account_id: o.management_account_id.clone(),
                management_account_email: o.management_account_email.clone(),
            }),
        },
    }
}

fn problem(path: impl Into<String>, code: Option<String>, message: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid(vec![Problem { path: path.into(), code, message: message.into() }])
}

/// Validates `s`, then builds its state in `sim` in one transaction: a failure anywhere
/// leaves the database exactly as it was.
pub fn load(sim: &Simulator, s: &Scenario, options: LoadOptions) -> Result<LoadReport, ScenarioError> {
    validate(s)?;
    sim.transaction(|batch| {
        if batch.settings().is_some() {
            if !options.reset {
                return Err(problem("", None, "the database already holds a state; use --reset to replace it"));
            }
            batch.clear()?;
        }
        apply(batch, s)
    })
}

/// Applies a validated scenario to an empty batch.
fn apply(batch: &mut Batch<'_>, s: &Scenario) -> Result<LoadReport, ScenarioError> {
    let settings = settings_of(s);
    let home = settings.account.home_region.clone();
    let start = s.start_time.unwrap_or_else(|| s.era.default_start());
    baseline::create_account(batch, settings, start, &s.baseline)
        .map_err(|e| problem("baseline", Some(e.code), e.message))?;

    let mut captures = Map::new();
    captures.insert("account_id".into(), Value::String(s.account.id.clone()));
    captures.insert("home_region".into(), Value::String(home.clone()));
    let mut report = LoadReport { applied: 0, refused_as_expected: 0 };
    for (i, step) in s.steps.iter().enumerate() {
        let at = format!("steps[{i}]");
        let region = step.region.clone().unwrap_or_else(|| home.clone());
        captures.insert("region".into(), Value::String(region.clone()));
        let input = resolve(&step.input, &captures).map_err(|e| problem(format!("{at}.input"), None, e))?;
        let (service, operation) = step.call.split_once(':').unwrap_or((step.call.as_str(), ""));
        let result = batch.call_json(&region, service, operation, input);
        match (result, &step.expect_error) {
            (Ok(output), None) => {
                report.applied += 1;
                if let Some(name) = &step.capture {
                    captures.insert(name.clone(), output);
                }
            }
            (Err(e), Some(code)) if &e.code == code => report.refused_as_expected += 1,
            (Err(e), Some(code)) => {
                return Err(problem(
                    at,
                    Some(e.code.clone()),
                    format!("expected {} to fail with {code}, but AWS answered: {}", step.call, e.message),
                ));
            }
            (Ok(_), Some(code)) => {
                return Err(problem(at, None, format!("expected {} to fail with {code}, but it succeeded", step.call)));
            }
            (Err(e), None) => {
                return Err(problem(at, Some(e.code), format!("{} was refused: {}", step.call, e.message)))
            }
        }
    }
    captures.remove("region");
    let envelope = envelope(s, &captures)?;
    batch.put_meta(ENVELOPE_KEY, &envelope)?;
    batch.put_meta(SEED_KEY, s)?;
    Ok(report)
}

/// The state `sim`'s database was created from, rebuilt in memory (with `sim`'s control
/// catalogue) by loading the scenario it recorded: loads are deterministic, so this is the
/// state as that load left it. `None` for a database that records no seed (one made before
/// hubsim recorded them).
pub fn seed(sim: &Simulator) -> Result<Option<Simulator>, ScenarioError> {
    let Some(scenario) = sim.meta::<Scenario>(SEED_KEY)? else { return Ok(None) };
    let mut fresh = Simulator::in_memory()?;
    if let Some(catalog) = sim.catalog() {
        fresh = fresh.with_catalog(catalog.clone());
    }
    load(&fresh, &scenario, LoadOptions::default())?;
    Ok(Some(fresh))
}

/// The scenario without its steps, with references in suppressions and expectations resolved
/// (what export writes back and the later stages read).
fn envelope(s: &Scenario, captures: &Map<String, Value>) -> Result<Scenario, ScenarioError> {
    let text = |v: &str, path: String| -> Result<String, ScenarioError> {
        match resolve(&Value::String(v.to_string()), captures) {
            Ok(Value::String(s)) => Ok(s),
            Ok(other) => Err(problem(path, None, format!("resolves to {other}, not a resource id"))),
            Err(e) => Err(problem(path, None, e)),
        }
    };
    let mut out = s.clone();
    out.steps.clear();
    for (i, sup) in out.suppressions.iter_mut().enumerate() {
        sup.resource = text(&sup.resource, format!("suppressions[{i}].resource"))?;
    }
    if let Some(expect) = &mut out.expect {
        for (name, block) in
            [("evaluation", &mut expect.evaluation), ("after_remediation", &mut expect.after_remediation)]
        {
            if let Some(block) = block {
                for (i, f) in block.findings.iter_mut().enumerate() {
                    f.resource = text(&f.resource, format!("expect.{name}.findings[{i}].resource"))?;
                }
            }
        }
    }
    Ok(out)
}
