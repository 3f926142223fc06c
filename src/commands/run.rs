//! `hubsim run PATH...`: each scenario (a file, or every `*.json` under a directory) is loaded
//! into a fresh in-memory state, evaluated (and remediated with `--remediate`), and its
//! expectations checked; the report says, per scenario, which expectations hold.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, ValueEnum};
use hubsim_checks::catalogue::Severity;
use hubsim_checks::remediate::Outcome;
use hubsim_checks::Report;
use hubsim_scenario::expect::{self, Verdict};
use hubsim_scenario::{self as scenario, runner, LoadOptions};
use hubsim_simulator::Simulator;

use super::evaluate_cmd::Threshold;
use super::render::Show;
use super::run_report::Sink;
use super::scenario::{invalid, read, with_catalog};
use crate::exit::{run_failure, Failure};

/// Output formats of `hubsim run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RunFormat {
    /// For people: per scenario the score, the controls with failed resources, the remediation
    /// transcript, then which expectations hold.
    Table,
    /// `{"format": 2, "scenarios": [...], "totals": {...}}`: per scenario its expectations with
    /// their results, the score and control statuses before and after, the whole findings
    /// (ASFF) and the whole transcript (each call's input as JSON).
    Json,
    /// JUnit XML for CI: a `<testsuite>` per scenario (named by its path), a `<testcase>` per
    /// expectation, control statuses as `<properties>`.
    Junit,
    /// A Markdown summary for a CI job page (GitHub's step summary): scenarios, results,
    /// scores before → after, failing expectations and controls with reasons.
    Markdown,
    /// One self-contained HTML page for people (nothing fetched, readable on a phone): per
    /// scenario the score before and after as dials, controls by severity and status with
    /// "n of m failed", each resource's reason, suppressions with their justifications, what is
    /// left for a person and the transcript. Example: `hubsim run scenarios/fresh-account.json
    /// --remediate --format html -o report.html`.
    Html,
    /// OCSF 1.6.0 Compliance Finding events (class_uid 2003), one per active control finding of
    /// each scenario's last report, in one JSON array (as Prowler's `json-ocsf` output).
    Ocsf,
}

/// Options of `hubsim run`.
#[derive(Args)]
pub struct RunArgs {
    /// Scenario files, or directories whose `*.json` files (recursively, in sorted order) are
    /// scenarios. Example: `hubsim run scenarios/fresh-account.json scenarios/edge`.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: RunFormat,
    /// Write the report here instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// With `--format junit`: one `<testsuite>` per control and a `<testcase>` per finding
    /// (FAILED → failure) instead of one per expectation; for a single scenario.
    #[arg(long)]
    pub junit_findings: bool,
    /// Score as the average of the standards' scores instead of pooled over controls
    /// (overrides the scenario's `readings.summary_score`).
    #[arg(long)]
    pub average_score: bool,
    /// Remediate after evaluating (evaluate → fix → evaluate to a fixpoint), print the
    /// transcript, and check `expect.after_remediation` too.
    #[arg(long)]
    pub remediate: bool,
    /// A scenario also fails if an active, unsuppressed FAILED finding of this severity or above
    /// is left (after remediation with `--remediate`).
    #[arg(long, value_enum)]
    pub fail_on: Option<Threshold>,
    /// Show only these controls in the table (repeatable). Example: `--control S3.9`.
    #[arg(long = "control", value_name = "ID")]
    pub controls: Vec<String>,
    /// What the table shows.
    #[command(flatten)]
    pub show: Show,
}

/// Validates a scenario fully: the file, its steps against AWS's models, and what it says
/// about controls against the catalogue.
pub fn validate_all(file: &Path, s: &scenario::Scenario) -> Result<(), Failure> {
    scenario::validate(s).map_err(|e| invalid(file, e))?;
    let problems = hubsim_scenario::scenario_check::validate(s);
    if !problems.is_empty() {
        return Err(invalid(file, scenario::ScenarioError::Invalid(problems)));
    }
    Ok(())
}

/// Which part of a scenario an expectation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// `expect.evaluation`.
    Evaluation,
    /// `expect.after_remediation`.
    AfterRemediation,
    /// What `hubsim run` adds: remediation converges, `--fail-on`.
    Run,
}

impl Block {
    /// The block's name as the scenario format spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Block::Evaluation => "evaluation",
            Block::AfterRemediation => "after_remediation",
            Block::Run => "run",
        }
    }
}

/// One scenario that ran: its reports and its checked expectations.
pub struct Ran {
    /// The scenario's name.
    pub name: String,
    /// Its era.
    pub era: &'static str,
    /// The evaluation.
    pub before: Report,
    /// The remediation, with `--remediate`.
    pub outcome: Option<Outcome>,
    /// Every expectation, checked.
    pub verdicts: Vec<(Block, Verdict)>,
}

impl Ran {
    /// The report of the account as the run left it.
    pub fn last(&self) -> &Report {
        self.outcome.as_ref().map(|o| &o.after).unwrap_or(&self.before)
    }

    /// How many expectations do not hold.
    pub fn failures(&self) -> usize {
        self.verdicts.iter().filter(|(_, v)| !v.holds).count()
    }
}

/// A scenario that could not run: what went wrong, and whether it is the input's fault.
pub struct Problem {
    /// The message, naming the file.
    pub message: String,
    /// Bad input (exit 2) rather than an internal error (exit 3).
    pub bad_input: bool,
}

impl From<Failure> for Problem {
    fn from(f: Failure) -> Self {
        match f {
            Failure::BadInput(message) => Problem { message, bad_input: true },
            Failure::Internal(e) => Problem { message: format!("{e:#}"), bad_input: false },
        }
    }
}

/// One path's result.
pub struct ScenarioResult {
    /// The scenario file (or the directory that held none).
    pub path: PathBuf,
    /// Seconds it took.
    pub seconds: f64,
    /// What it gave.
    pub result: Result<Ran, Problem>,
}

impl ScenarioResult {
    /// `passed`, `failed` or `error`.
    pub fn status(&self) -> &'static str {
        match &self.result {
            Ok(ran) if ran.failures() == 0 => "passed",
            Ok(_) => "failed",
            Err(_) => "error",
        }
    }
}

/// The scenario files `paths` name, in order: a file as given, a directory's `*.json` files
/// found recursively and sorted; a path that gives none is a problem in its place.
pub fn scenario_files(paths: &[PathBuf]) -> Vec<Result<PathBuf, (PathBuf, Problem)>> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for path in paths {
        let problem = |message: String| Err((path.clone(), Problem { message, bad_input: true }));
        match std::fs::metadata(path) {
            Err(e) => out.push(problem(format!("{}: {e}", path.display()))),
            Ok(m) if m.is_dir() => match json_files_under(path) {
                Err(e) => out.push(problem(format!("{}: {e}", path.display()))),
                Ok(files) if files.is_empty() => {
                    out.push(problem(format!("{}: no scenario files (*.json) in this directory", path.display())))
                }
                Ok(files) => out.extend(files.into_iter().filter(|f| seen.insert(f.clone())).map(Ok)),
            },
            Ok(_) => {
                if seen.insert(path.clone()) {
                    out.push(Ok(path.clone()));
                }
            }
        }
    }
    out
}

/// Every `*.json` file under `dir`, sorted; walked with a stack, not recursion, so a deep tree
/// cannot exhaust the call stack.
fn json_files_under(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Loads, evaluates (and remediates) one scenario and checks its expectations.
fn run_one(file: &Path, args: &RunArgs) -> Result<(Ran, Simulator), Problem> {
    let stage = crate::progress::Stage::start(format!("{}: reading", file.display()));
    let s = read(file)?;
    validate_all(file, &s)?;
    let sim = with_catalog(Simulator::in_memory().context("creating the in-memory state").map_err(Failure::from)?);
    stage.next(format!("{}: loading {} step(s)", file.display(), s.steps.len()));
    scenario::load(&sim, &s, LoadOptions::default()).map_err(|e| invalid(file, e))?;
    stage.next(format!("{}: evaluating", file.display()));
    let before = runner::evaluate(&sim, args.average_score).map_err(run_failure)?;
    stage.next(format!("{}: remediating", file.display()));
    let outcome =
        if args.remediate { Some(runner::remediate(&sim, Default::default()).map_err(run_failure)?) } else { None };
    drop(stage);
    let home = s.account.home();
    // The stored envelope has the expectations' references resolved.
    let resolved = runner::envelope(&sim).map_err(run_failure)?;
    let blocks = resolved.expect.as_ref();
    let mut verdicts = Vec::new();
    if let Some(block) = blocks.and_then(|e| e.evaluation.as_ref()) {
        verdicts.extend(expect::check(block, &before, &home).into_iter().map(|v| (Block::Evaluation, v)));
    }
    if let Some(o) = &outcome {
        if let Some(block) = blocks.and_then(|e| e.after_remediation.as_ref()) {
            verdicts.extend(expect::check(block, &o.after, &home).into_iter().map(|v| (Block::AfterRemediation, v)));
        }
        let converged =
            |c: bool| if c { "converged".to_string() } else { format!("not converged in {} rounds", o.rounds) };
        verdicts.push((
            Block::Run,
            Verdict {
                subject: "remediation".into(),
                expected: "converged".into(),
                got: converged(o.converged),
                holds: o.converged,
                reason: None,
            },
        ));
    }
    let mut ran = Ran { name: s.name.clone(), era: s.era.as_str(), before, outcome, verdicts };
    if let Some(t) = args.fail_on {
        let left = ran
            .last()
            .findings
            .iter()
            .filter(|f| {
                let sev = f.severity.as_deref().and_then(Severity::parse).unwrap_or(Severity::Informational);
                f.compliance() == "FAILED" && !f.suppressed() && sev >= t.severity()
            })
            .count();
        let name = format!("{:?}", t).to_uppercase();
        ran.verdicts.push((
            Block::Run,
            Verdict {
                subject: format!("--fail-on {}", name.to_lowercase()),
                expected: format!("no unsuppressed FAILED finding of severity {name} or above"),
                got: format!("{left} such finding(s)"),
                holds: left == 0,
                reason: None,
            },
        ));
    }
    Ok((ran, sim))
}

/// Runs `hubsim run`.
pub fn run(args: RunArgs) -> Result<ExitCode, Failure> {
    let files = scenario_files(&args.paths);
    let scenarios = files.iter().filter(|f| f.is_ok()).count();
    if args.junit_findings && (args.format != RunFormat::Junit || files.len() != 1) {
        return Err(Failure::BadInput(
            "--junit-findings goes with --format junit and a single scenario file".to_string(),
        ));
    }
    let show = args.show.with(&args.controls, args.output.is_none());
    let mut sink = Sink::open(args.output.as_deref(), args.format, args.junit_findings, show)?;
    let mut results = Vec::new();
    for (index, file) in files.into_iter().enumerate() {
        let started = Instant::now();
        let (path, result) = match file {
            Err((path, problem)) => (path, Err(problem)),
            Ok(path) => {
                let result = run_one(&path, &args);
                (path, result)
            }
        };
        let (result, sim) = match result {
            Ok((ran, sim)) => (Ok(ran), Some(sim)),
            Err(p) => (Err(p), None),
        };
        let r = ScenarioResult { path, seconds: started.elapsed().as_secs_f64(), result };
        report_to_stderr(&r);
        sink.scenario(index, scenarios, &r, sim.as_ref())?;
        // The reports' rows are kept for the totals; the state (and the whole findings) goes.
        drop(sim);
        results.push(r);
    }
    sink.finish(&results)?;
    Ok(exit_code(&results))
}

/// What scripts read on stderr: the failed expectations and the problems, each naming its file.
fn report_to_stderr(r: &ScenarioResult) {
    match &r.result {
        Ok(ran) if ran.failures() > 0 => {
            eprintln!("{}: {} expectation(s) failed:", r.path.display(), ran.failures());
            for (block, v) in ran.verdicts.iter().filter(|(_, v)| !v.holds) {
                eprintln!("  {}: {}", expect_name(*block), v.line());
            }
        }
        Ok(_) => {}
        Err(p) => eprintln!("error: {}", p.message),
    }
}

/// How a failed expectation's block is named on stderr and in reports.
pub fn expect_name(block: Block) -> String {
    match block {
        Block::Run => "run".to_string(),
        b => format!("expect.{}", b.as_str()),
    }
}

/// 3 if a scenario hit an internal error, else 2 if one was bad input, else 1 if an
/// expectation failed, else 0.
fn exit_code(results: &[ScenarioResult]) -> ExitCode {
    let code = results
        .iter()
        .map(|r| match &r.result {
            Err(p) if p.bad_input => 2,
            Err(_) => 3,
            Ok(ran) if ran.failures() == 0 => 0,
            Ok(_) => 1,
        })
        .max()
        .unwrap_or(0);
    ExitCode::from(code)
}
