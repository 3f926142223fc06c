//! `hubsim remediate --db FILE`: loop evaluate → fix → evaluate to a fixpoint and print the
//! transcript; `--dry-run` works on a copy.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};
use hubsim_checks::remediate::{Options, Outcome, Unfixable};
use hubsim_scenario::runner;

use super::render::{deliver, table, write_report, Format, Show};
use super::scenario::open_db;
use crate::exit::{run_failure, Failure};
use hubsim_simulator::AwsApi;

/// `--unfixable` on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum UnfixableArg {
    /// Suppress with the documented justification.
    Suppress,
    /// Leave FAILED and list as manual work.
    Leave,
}

/// Options of `hubsim remediate`.
#[derive(Args)]
pub struct RemediateArgs {
    /// The SQLite database holding the state.
    #[arg(long)]
    pub db: PathBuf,
    /// Work on a rolled-back copy: print the full transcript, change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Only fix these controls (repeatable).
    #[arg(long = "control", value_name = "ID")]
    pub controls: Vec<String>,
    /// What to do with findings no API can fix, for every control (overrides the scenario's
    /// `remediation.unfixable`).
    #[arg(long, value_enum)]
    pub unfixable: Option<UnfixableArg>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Rounds of evaluate → fix at most.
    #[arg(long, default_value_t = 8)]
    pub max_rounds: usize,
    /// What the tables show (the `--control` list too).
    #[command(flatten)]
    pub show: Show,
}

/// The transcript as readable lines, with the score before and after.
pub fn transcript_lines(o: &Outcome) -> Vec<String> {
    let mut lines: Vec<String> = o.transcript.iter().map(|s| s.line()).collect();
    let before = o.before.score.percent.map(|p| format!("{p}%")).unwrap_or_else(|| "no data".into());
    let after = o.after.score.percent.map(|p| format!("{p}%")).unwrap_or_else(|| "no data".into());
    lines.push(format!(
        "{} call(s) in {} round(s){}; score {before} → {after}",
        o.transcript.iter().filter(|s| s.action != "suppress").count(),
        o.rounds,
        if o.converged { "" } else { ", NOT converged" }
    ));
    for m in &o.manual {
        lines.push(format!("manual: {} {} {}: {}", m.control, m.region, m.resource, m.why));
    }
    lines
}

/// The one line that sums a remediation up: the score before → after, the calls and rounds.
pub fn outcome_summary(o: &Outcome) -> String {
    let score =
        |r: &hubsim_checks::Report| r.score.percent.map(|p| format!("{p}%")).unwrap_or_else(|| "no data".into());
    let calls = o.transcript.iter().filter(|s| s.action != "suppress").count();
    let suppressed = o.transcript.iter().filter(|s| s.action == "suppress").count();
    format!(
        "Security score {} → {} after {calls} call(s) and {suppressed} suppression(s) in {} round(s){}; {} left for a person",
        score(&o.before),
        score(&o.after),
        o.rounds,
        if o.converged { "" } else { ", NOT converged" },
        o.manual.len()
    )
}

/// Writes an outcome. The table: the summary line first, then the report before, the
/// transcript, and the report after (of the account behind `api`, as remediation left it);
/// the other formats: the report after, with the transcript.
pub fn report_outcome<A: AwsApi>(
    out: &mut dyn std::io::Write,
    format: Format,
    o: &Outcome,
    api: &A,
    show: &Show,
) -> anyhow::Result<()> {
    let lines = transcript_lines(o);
    if format != Format::Table {
        return write_report(out, format, &o.after, &lines, api, show);
    }
    writeln!(out, "{}\n", outcome_summary(o))?;
    writeln!(out, "== Before remediation\n{}", table(&o.before, show))?;
    writeln!(out, "== Remediation")?;
    for line in &lines {
        writeln!(out, "  {line}")?;
    }
    writeln!(out, "\n== After remediation\n{}", table(&o.after, show))?;
    Ok(())
}

/// Runs `hubsim remediate`.
pub fn run(args: RemediateArgs) -> Result<ExitCode, Failure> {
    if !args.db.exists() {
        return Err(Failure::BadInput(format!("{}: no such database", args.db.display())));
    }
    for c in &args.controls {
        if hubsim_checks::controls::find(c).is_none() {
            return Err(Failure::BadInput(format!("--control {c}: hubsim has no such control")));
        }
    }
    let db = open_db(&args.db)?;
    let sim = if args.dry_run { db.snapshot().context("copying the state for a dry run")? } else { db };
    let options = Options {
        controls: args.controls.clone(),
        unfixable_override: args.unfixable.map(|u| match u {
            UnfixableArg::Suppress => Unfixable::Suppress,
            UnfixableArg::Leave => Unfixable::Leave,
        }),
        max_rounds: args.max_rounds,
        ..Default::default()
    };
    let stage = crate::progress::Stage::start(format!("{}: remediating", args.db.display()));
    let outcome = runner::remediate(&sim, options).map_err(run_failure)?;
    drop(stage);
    let show = args.show.with(&args.controls, true);
    deliver(None, |out| report_outcome(out, args.format, &outcome, &sim, &show))?;
    Ok(if outcome.converged { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
