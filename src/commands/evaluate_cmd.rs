//! `hubsim evaluate --db FILE`: evaluate a persisted state and record the findings in it.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use hubsim_checks::catalogue::Severity;

use super::render::{deliver, write_report, Format, Show};
use super::scenario::open_db;
use crate::exit::{run_failure, Failure};
use hubsim_scenario::runner;

/// A severity threshold for `--fail-on`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Threshold {
    /// LOW and above.
    Low,
    /// MEDIUM and above.
    Medium,
    /// HIGH and above.
    High,
    /// CRITICAL only.
    Critical,
}

impl Threshold {
    pub(crate) fn severity(self) -> Severity {
        match self {
            Threshold::Low => Severity::Low,
            Threshold::Medium => Severity::Medium,
            Threshold::High => Severity::High,
            Threshold::Critical => Severity::Critical,
        }
    }
}

/// Options of `hubsim evaluate`.
#[derive(Args)]
pub struct EvaluateArgs {
    /// The SQLite database holding the state (from `hubsim scenario load`).
    #[arg(long)]
    pub db: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write the report here instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Exit 1 if an active, unsuppressed FAILED finding of this severity or above exists.
    #[arg(long, value_enum)]
    pub fail_on: Option<Threshold>,
    /// Score as the average of the standards' scores instead of pooled over controls
    /// (overrides the scenario's `readings.summary_score`).
    #[arg(long)]
    pub average_score: bool,
    /// Show only these controls in the table (repeatable). Example: `--control S3.9`.
    #[arg(long = "control", value_name = "ID")]
    pub controls: Vec<String>,
    /// What the table shows.
    #[command(flatten)]
    pub show: Show,
}

/// Runs `hubsim evaluate`.
pub fn run(args: EvaluateArgs) -> Result<ExitCode, Failure> {
    if !args.db.exists() {
        return Err(Failure::BadInput(format!("{}: no such database", args.db.display())));
    }
    let sim = open_db(&args.db)?;
    let stage = crate::progress::Stage::start(format!("{}: evaluating", args.db.display()));
    let report = runner::evaluate(&sim, args.average_score).map_err(run_failure)?;
    drop(stage);
    let show = args.show.with(&args.controls, args.output.is_none());
    deliver(args.output.as_deref(), |out| write_report(out, args.format, &report, &[], &sim, &show))?;
    if let Some(t) = args.fail_on {
        let hit = report.findings.iter().any(|f| {
            let sev = f.severity.as_deref().and_then(Severity::parse).unwrap_or(Severity::Informational);
            f.compliance() == "FAILED" && !f.suppressed() && sev >= t.severity()
        });
        if hit {
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}
