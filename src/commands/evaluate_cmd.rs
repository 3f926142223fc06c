//! `hubsim evaluate --db FILE`: evaluate a persisted state and record the findings in it;
//! `hubsim evaluate --endpoint URL`: evaluate a live endpoint read-only
//! ([`super::evaluate_endpoint`]).

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
    /// The SQLite database holding the state (from `hubsim scenario load`). Either this or
    /// `--endpoint`.
    #[arg(long, required_unless_present = "endpoint", conflicts_with = "endpoint")]
    pub db: Option<PathBuf>,
    /// Evaluate the account behind this AWS endpoint instead of a database, read-only (only
    /// Describe/Get/List calls are sent; findings are kept in memory and written nowhere but
    /// the report). Credentials as the AWS CLI reads them (AWS_ACCESS_KEY_ID, --profile,
    /// AWS_PROFILE, ~/.aws/credentials). Example: `--endpoint http://localhost:4566`;
    /// `--endpoint aws` for AWS's own hosts (or AWS_ENDPOINT_URL[_<SERVICE>] if set). With
    /// it, `--region R` (repeatable) also limits the regions read, the first being where global
    /// services are called; default: every region the endpoint lists, called from AWS_REGION
    /// or the profile's region. Example: `--endpoint http://localhost:4566 --region us-east-1`.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// With `--endpoint`: the profile of the shared credentials and config files to use
    /// (default: AWS_PROFILE, else the environment's keys, else `default`).
    #[arg(long, requires = "endpoint")]
    pub profile: Option<String>,
    /// With `--endpoint`: seconds one HTTP call may take before it is abandoned (default 30).
    #[arg(long, value_name = "SECONDS", default_value_t = 30, requires = "endpoint")]
    pub call_timeout: u64,
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
    let Some(db) = &args.db else { return super::evaluate_endpoint::run(&args) };
    if !db.exists() {
        return Err(Failure::BadInput(format!("{}: no such database", db.display())));
    }
    let sim = open_db(db)?;
    let stage = crate::progress::Stage::start(format!("{}: evaluating", db.display()));
    let report = runner::evaluate(&sim, args.average_score).map_err(run_failure)?;
    drop(stage);
    let show = args.show.with(&args.controls, args.output.is_none());
    deliver(args.output.as_deref(), |out| write_report(out, args.format, &report, &[], &sim, &show))?;
    Ok(exit_for(&args, &report))
}

/// Exit 1 when `--fail-on` finds a finding at or above its severity, else success.
pub(crate) fn exit_for(args: &EvaluateArgs, report: &hubsim_checks::Report) -> ExitCode {
    if let Some(t) = args.fail_on {
        let hit = report.findings.iter().any(|f| {
            let sev = f.severity.as_deref().and_then(Severity::parse).unwrap_or(Severity::Informational);
            f.compliance() == "FAILED" && !f.suppressed() && sev >= t.severity()
        });
        if hit {
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
