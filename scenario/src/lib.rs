//! Scenario files: parse, validate without touching any state, load into a simulator in one
//! transaction, and export a state back to a scenario that rebuilds it (`hubsim scenario
//! schema` prints the format's JSON Schema). With them, the Security Hub settings a scenario
//! carries (control parameters, the user's suppressions, what to do with what no API can fix,
//! expected statuses and scores) and what uses them: evaluating and remediating a stored state
//! with its scenario's settings ([`runner`]), what a scenario may say about controls
//! ([`scenario_check`]), checking its expectations ([`expect`]), and the checks' catalogue
//! behind the simulated Security Hub ([`catalog_hook`]).
//!
//! This crate sits above `hubsim-simulator` and `hubsim-checks` and reaches the simulator only
//! through its public API (no store, no registry); neither of them may depend on it.

pub mod catalog_hook;
mod check;
pub mod expect;
mod export;
mod format;
mod load;
pub mod refs;
pub mod runner;
pub mod scenario_check;

use std::fmt;

pub use check::validate;
pub use export::export;
pub use format::*;
pub use load::{load, seed, LoadOptions, LoadReport, ENVELOPE_KEY, SEED_KEY};

use hubsim_simulator::SimError;

/// One problem with a scenario: where (JSON path) and what; with the AWS error code when a
/// step was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON path inside the file, e.g. `steps[3].input.GroupId`; empty for the whole file.
    pub path: String,
    /// The AWS error code, when AWS (the simulator) refused a step.
    pub code: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() { String::new() } else { format!("{}: ", self.path) };
        match &self.code {
            Some(code) => write!(f, "{at}{code}: {}", self.message),
            None => write!(f, "{at}{}", self.message),
        }
    }
}

/// Why a scenario could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file is not a valid scenario, or a step was refused: the user's input is at fault.
    #[error("{}", render(.0))]
    Invalid(Vec<Problem>),
    /// The database failed.
    #[error(transparent)]
    Sim(#[from] SimError),
}

fn render(problems: &[Problem]) -> String {
    problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")
}

impl ScenarioError {
    fn one(path: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError::Invalid(vec![Problem { path: path.into(), code: None, message: message.into() }])
    }
}

/// Parses a scenario from JSON text. Syntax and shape errors name the JSON path.
pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let scenario: Scenario = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let inner = e.into_inner();
        let message = if inner.is_syntax() || inner.is_eof() {
            format!("invalid JSON at line {} column {}: {inner}", inner.line(), inner.column())
        } else if path.is_empty() {
            // At the top level the position is the only "where" there is (a duplicate `format`).
            inner.to_string()
        } else {
            strip_position(&inner.to_string())
        };
        ScenarioError::one(path, message)
    })?;
    de.end().map_err(|e| ScenarioError::one("", format!("trailing characters after the scenario: {e}")))?;
    Ok(scenario)
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The JSON Schema of the scenario format (`hubsim scenario schema`).
pub fn schema() -> &'static str {
    include_str!("schema.json")
}
