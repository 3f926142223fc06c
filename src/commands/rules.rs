//! `hubsim rules test RULE.guard --scenario FILE...`: runs a Guard policy as AWS Config runs a
//! custom policy rule (https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_cfn-guard.html)
//! on every resource's configuration item in each scenario's account, prints each verdict with
//! the clause that decided it, and checks the scenario's `expect.rules` for the rule.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use hubsim_scenario::{self as scenario, LoadOptions};
use hubsim_simulator::{guard, Simulator};
use serde_json::Value;

use super::scenario::{invalid, read, with_catalog};
use crate::exit::{emit, Failure};

/// AWS Config rule commands.
#[derive(Subcommand)]
pub enum RulesCommand {
    /// Run a Guard 2.x policy (an AWS Config custom policy rule) on every resource of each
    /// scenario's account and print each resource's verdict (COMPLIANT, NON_COMPLIANT,
    /// NOT_APPLICABLE) with the Guard clause that decided it. A scenario's `expect.rules`
    /// entries whose `rule` is the policy file's stem are checked: exit 1 if one differs.
    /// Example: `hubsim rules test examples/rules/bucket_protected.guard --scenario
    /// examples/rules/bucket_protected-fails.json`.
    Test(TestArgs),
}

/// `hubsim rules test`'s arguments.
#[derive(Args)]
pub struct TestArgs {
    /// The Guard policy file (`.guard`); its stem is the rule's name in `expect.rules`.
    pub rule: PathBuf,
    /// Scenario files to load, one fresh in-memory account each (repeatable).
    #[arg(long, required = true, num_args = 1..)]
    pub scenario: Vec<PathBuf>,
    /// The rule's input parameters as a JSON object, given to the policy as
    /// `ruleParameters` (default `{}`). Example: `--parameters '{"maxDays": 90}'`.
    #[arg(long)]
    pub parameters: Option<String>,
}

/// Runs a rules command.
pub fn run(cmd: RulesCommand) -> Result<ExitCode, Failure> {
    match cmd {
        RulesCommand::Test(args) => test(args),
    }
}

/// One resource's verdict.
struct Verdict {
    region: String,
    resource_type: String,
    resource_id: String,
    compliance: &'static str,
    clause: String,
}

fn test(args: TestArgs) -> Result<ExitCode, Failure> {
    let policy =
        std::fs::read_to_string(&args.rule).map_err(|e| Failure::BadInput(format!("{}: {e}", args.rule.display())))?;
    guard::check(&policy)
        .map_err(|e| Failure::BadInput(format!("{}: not a Guard policy: {e}", args.rule.display())))?;
    let name = args.rule.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
    let parameters: Value = match &args.parameters {
        None => Value::Object(Default::default()),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(v) if v.is_object() => v,
            _ => return Err(Failure::BadInput(format!("--parameters must be a JSON object, not {text}"))),
        },
    };
    let mut failed = false;
    let mut out = String::new();
    for file in &args.scenario {
        failed |= test_one(file, &name, &policy, &parameters, &mut out)?;
    }
    emit(&out)?;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Runs the policy on one scenario's account; whether an expectation failed.
fn test_one(file: &Path, rule: &str, policy: &str, parameters: &Value, out: &mut String) -> Result<bool, Failure> {
    let s = read(file)?;
    super::run::validate_all(file, &s)?;
    let sim = with_catalog(Simulator::in_memory().context("creating the in-memory state").map_err(Failure::from)?);
    scenario::load(&sim, &s, LoadOptions::default()).map_err(|e| invalid(file, e))?;
    let items = sim
        .configuration_items(parameters)
        .map_err(|e| Failure::Internal(anyhow::anyhow!("{}: reading configuration items: {e}", file.display())))?;
    let mut verdicts = Vec::new();
    for item in &items {
        let field = |k: &str| item.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
        let v = guard::evaluate(policy, item).map_err(|e| {
            Failure::BadInput(format!(
                "{}: the policy failed on {} {}: {e}",
                file.display(),
                field("resourceType"),
                field("resourceId")
            ))
        })?;
        verdicts.push(Verdict {
            region: field("awsRegion"),
            resource_type: field("resourceType"),
            resource_id: field("resourceId"),
            compliance: v.compliance,
            clause: v.clause,
        });
    }
    let _ = writeln!(out, "{} ({}):", file.display(), s.name);
    let applicable: Vec<&Verdict> = verdicts.iter().filter(|v| v.compliance != "NOT_APPLICABLE").collect();
    for v in &applicable {
        let _ =
            writeln!(out, "  {:<14} {} {} [{}]: {}", v.compliance, v.resource_type, v.resource_id, v.region, v.clause);
    }
    let _ = writeln!(
        out,
        "  {} resource(s) in scope, {} not applicable",
        applicable.len(),
        verdicts.len() - applicable.len()
    );
    let home = s.account.home();
    let mut failed = false;
    for e in s.expect.iter().flat_map(|x| x.rules.iter()).filter(|e| e.rule == rule) {
        let region = e.region.clone().unwrap_or_else(|| home.to_string());
        let found = verdicts.iter().find(|v| v.resource_id == e.resource && v.region == region);
        match found {
            Some(v) if v.compliance == e.compliance => {
                let _ = writeln!(out, "  ok: {} is {}", e.resource, e.compliance);
            }
            Some(v) => {
                failed = true;
                let _ = writeln!(
                    out,
                    "  FAILED: {} expected {}, got {} ({})",
                    e.resource, e.compliance, v.compliance, v.clause
                );
            }
            None => {
                failed = true;
                let _ = writeln!(
                    out,
                    "  FAILED: {} expected {}, but no resource {} in {region}",
                    e.resource, e.compliance, e.resource
                );
            }
        }
    }
    Ok(failed)
}
