//! `hubsim scenario validate|load|export|schema`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use hubsim_scenario::{self as scenario, LoadOptions, Scenario, ScenarioError};
use hubsim_simulator::Simulator;

use crate::exit::{emit, Failure};

/// Scenario file commands.
#[derive(Subcommand)]
pub enum ScenarioCommand {
    /// Check a scenario file without touching any state: its shape, every step's operation
    /// and input against AWS's service model, references, suppressions and expectations.
    Validate {
        /// The scenario file (JSON).
        file: PathBuf,
    },
    /// Build the state a scenario describes in a database (one transaction: on any error the
    /// database is left as it was).
    Load {
        /// The scenario file (JSON).
        file: PathBuf,
        /// The SQLite database to write (created if absent).
        #[arg(long)]
        db: PathBuf,
        /// Replace the state if the database already holds one (atomically).
        #[arg(long)]
        reset: bool,
    },
    /// Write a scenario that rebuilds the database's state from the same baseline with
    /// explicit steps (the journal of successful mutating calls).
    Export {
        /// The SQLite database to read.
        #[arg(long)]
        db: PathBuf,
        /// Where to write; standard output by default.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Print the JSON Schema of the scenario format.
    Schema,
}

/// Runs a scenario command.
pub fn run(cmd: ScenarioCommand) -> Result<ExitCode, Failure> {
    match cmd {
        ScenarioCommand::Validate { file } => {
            let s = read(&file)?;
            super::run::validate_all(&file, &s)?;
            emit(&format!("{}: valid ({} steps, era {})\n", file.display(), s.steps.len(), s.era.as_str()))?;
        }
        ScenarioCommand::Load { file, db, reset } => {
            let s = read(&file)?;
            super::run::validate_all(&file, &s)?;
            let sim = open_db(&db)?;
            let report = scenario::load(&sim, &s, LoadOptions { reset }).map_err(|e| invalid(&file, e))?;
            let mut text = format!(
                "loaded {} (era {}) into {}: {} step(s) applied{}\n",
                s.name,
                s.era.as_str(),
                db.display(),
                report.applied,
                if report.refused_as_expected > 0 {
                    format!(", {} refused as expected", report.refused_as_expected)
                } else {
                    String::new()
                }
            );
            text.push_str(&inventory(&sim)?);
            emit(&text)?;
        }
        ScenarioCommand::Export { db, output } => {
            if !db.exists() {
                return Err(Failure::BadInput(format!("{}: no such database", db.display())));
            }
            let sim = open_db(&db)?;
            let text = scenario::export(&sim).map_err(|e| invalid(&db, e))?;
            match output {
                Some(path) => fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?,
                None => emit(&text)?,
            }
        }
        ScenarioCommand::Schema => emit(scenario::schema())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads and parses a scenario file; problems name the file and the JSON path.
pub fn read(file: &Path) -> Result<Scenario, Failure> {
    let text = fs::read_to_string(file).map_err(|e| Failure::BadInput(format!("{}: {e}", file.display())))?;
    scenario::parse(&text).map_err(|e| invalid(file, e))
}

/// Opens a database file, creating it if absent, with the control catalogue.
pub fn open_db(db: &Path) -> Result<Simulator, Failure> {
    let sim = Simulator::open(db).with_context(|| format!("opening {}", db.display())).map_err(Failure::Internal)?;
    Ok(with_catalog(sim))
}

/// `sim` with the checks crate's control catalogue, which the simulated Security Hub describes
/// controls from (`DescribeStandardsControls`, `ListSecurityControlDefinitions`, ...).
pub fn with_catalog(sim: Simulator) -> Simulator {
    sim.with_catalog(std::sync::Arc::new(hubsim_scenario::catalog_hook::Catalog))
}

/// Turns a scenario error into a failure that names the file.
pub fn invalid(file: &Path, e: ScenarioError) -> Failure {
    match e {
        ScenarioError::Invalid(problems) => Failure::BadInput(
            problems.iter().map(|p| format!("{}: {p}", file.display())).collect::<Vec<_>>().join("\n       "),
        ),
        ScenarioError::Sim(e) => Failure::Internal(anyhow::Error::new(e).context(format!("{}", file.display()))),
    }
}

fn inventory(sim: &Simulator) -> Result<String, Failure> {
    let counts: BTreeMap<String, usize> = sim.inventory()?;
    if counts.is_empty() {
        return Ok("  (no resources)\n".to_string());
    }
    Ok(counts.into_iter().map(|(kind, n)| format!("  {kind:<36} {n}\n")).collect())
}
