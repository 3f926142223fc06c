//! The `hubsim` command line: load, validate and export scenario files (and, as the project
//! grows, evaluate, remediate and serve). See `hubsim --help`.

mod allocator;
mod commands;
mod exit;
mod progress;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc: the evaluator and remediator allocate and free many small JSON values.
#[global_allocator]
static ALLOCATOR: allocator::Allocator = allocator::Allocator;

/// A local AWS account simulator for developing and testing Security Hub controls.
///
/// hubsim keeps a simulated AWS account (S3, EC2/VPC, IAM, CloudTrail, Config, GuardDuty, SNS,
/// KMS, CloudWatch Logs) in a SQLite database. Scenario files describe an account: a baseline
/// (such as a freshly created account) plus ordinary AWS API calls.
///
/// Exit codes: 0 done; 1 expectations failed; 2 bad input (file, JSON path and reason on
/// stderr; nothing written); 3 internal or I/O error. `run` over several scenarios exits with
/// the worst cause among them (3, then 2, then 1).
#[derive(Parser)]
#[command(name = "hubsim", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load each scenario (files, or directories of them) into a fresh in-memory state, evaluate
    /// Security Hub's controls, and check the scenario's expectations (exit 1 with a readable
    /// diff when one fails); reports per scenario as a table, JSON, JUnit or Markdown.
    Run(commands::run::RunArgs),
    /// Evaluate the state in a database and record the findings in its Security Hub
    /// (stable finding ids, workflow kept).
    Evaluate(commands::evaluate_cmd::EvaluateArgs),
    /// Remediate the state in a database: loop evaluate → fix → evaluate to a fixpoint, print
    /// the transcript of every API call and suppression (exit 1 if it does not converge).
    Remediate(commands::remediate_cmd::RemediateArgs),
    /// List the control catalogue: id, severity, standards, and whether hubsim implements it.
    Controls(commands::controls_cmd::ControlsArgs),
    /// Work with scenario files: validate, load into a database, export, print the schema.
    #[command(subcommand)]
    Scenario(commands::scenario::ScenarioCommand),
    /// Serve the state over AWS's wire protocols on one local endpoint (point the aws CLI,
    /// boto3 or a scanner at it with --endpoint-url / AWS_ENDPOINT_URL). The first line on
    /// standard output is `hubsim listening on http://ADDR:PORT`.
    Serve(commands::serve::ServeArgs),
    /// Develop AWS Config custom rules against scenarios: `rules test RULE.guard --scenario
    /// FILE...` prints each resource's verdict with the Guard clause that decided it.
    #[command(subcommand)]
    Rules(commands::rules::RulesCommand),
    /// Print what hubsim covers (controls per standard and era, operations per service) as the
    /// Markdown of COVERAGE.md; `--check COVERAGE.md` exits 1 when that file is stale.
    Coverage(commands::coverage_cmd::CoverageArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The fixes' order is derived from their declarations: a cycle or an unknown control is a
    // defect of hubsim itself, reported before any command runs.
    if let Err(e) = hubsim_checks::remediate::plan() {
        return exit::Failure::Internal(anyhow::Error::new(e).context("planning the remediation order")).report();
    }
    let result = match cli.command {
        Command::Run(args) => commands::run::run(args),
        Command::Evaluate(args) => commands::evaluate_cmd::run(args),
        Command::Controls(args) => commands::controls_cmd::run(args),
        Command::Remediate(args) => commands::remediate_cmd::run(args),
        Command::Scenario(cmd) => commands::scenario::run(cmd),
        Command::Serve(args) => commands::serve::run(args),
        Command::Coverage(args) => commands::coverage_cmd::run(args),
        Command::Rules(cmd) => commands::rules::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
