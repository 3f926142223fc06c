//! `hubsim controls`: the catalogue, with what hubsim implements.

use std::fmt::Write;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use hubsim_checks::catalogue::catalogue;
use hubsim_checks::controls;
use hubsim_simulator::Era;

use crate::exit::{emit, Failure};

/// An era on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EraArg {
    /// The blog's world.
    #[value(name = "2022")]
    Y2022,
    /// Today's AWS.
    Current,
}

/// Options of `hubsim controls`.
#[derive(Args)]
pub struct ControlsArgs {
    /// Which era's catalogue.
    #[arg(long, value_enum, default_value = "current")]
    pub era: EraArg,
    /// Only controls of this standard: `fsbp` (AWS Foundational Security Best Practices
    /// v1.0.0), `cis` (CIS AWS Foundations Benchmark v1.2.0), a full standard id such as
    /// `aws-foundational-security-best-practices/v/1.0.0`, or a prefix of one.
    #[arg(long)]
    pub standard: Option<String>,
    /// Only the controls hubsim implements.
    #[arg(long)]
    pub implemented: bool,
    /// Explain a control instead of listing: what hubsim checks in its own words (and the
    /// reading it takes where AWS leaves a fact open), its parameters, its remediation, the AWS
    /// pages it follows and the scenarios that pin it. `all` explains every implemented control
    /// (what docs/controls.md holds). Example: `hubsim controls --explain S3.9`.
    #[arg(long, value_name = "ID|all")]
    pub explain: Option<String>,
    /// With --explain: where the edge-case scenarios are.
    #[arg(long, value_name = "DIR", default_value = "scenarios/edge", requires = "explain")]
    pub scenarios: std::path::PathBuf,
    /// With --explain: write here instead of standard output.
    #[arg(long, short, value_name = "FILE", requires = "explain")]
    pub output: Option<std::path::PathBuf>,
}

/// Runs `hubsim controls --explain`.
fn explain(id: &str, args: &ControlsArgs) -> Result<ExitCode, Failure> {
    let text = if id.eq_ignore_ascii_case("all") {
        super::explain::explain_all(&args.scenarios)
    } else {
        let found = controls::all().iter().find(|c| c.id.eq_ignore_ascii_case(id));
        let Some(c) = found else {
            let known = if catalogue().controls.iter().any(|c| c.id.eq_ignore_ascii_case(id)) {
                "it is in the catalogue but hubsim does not implement it yet"
            } else {
                "no such control in the catalogue"
            };
            return Err(Failure::BadInput(format!(
                "--explain {id}: {known} (hubsim controls --implemented lists what it implements)"
            )));
        };
        super::explain::explain(c, &args.scenarios)
    };
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Failure::BadInput(format!("--output {}: cannot write there: {e}", path.display())))?,
        None => emit(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `hubsim controls`.
pub fn run(args: ControlsArgs) -> Result<ExitCode, Failure> {
    if let Some(id) = &args.explain {
        return explain(id, &args);
    }
    let era = match args.era {
        EraArg::Y2022 => Era::Y2022,
        EraArg::Current => Era::Current,
    };
    let cat = catalogue();
    let standard = match &args.standard {
        None => None,
        Some(s) => match cat.standard_id(s) {
            Some(one) => Some(one.to_string()),
            None => {
                let known: Vec<&str> = cat.standards.iter().map(|x| x.id.as_str()).collect();
                return Err(Failure::BadInput(format!(
                    "--standard {s}: known standards are fsbp, cis, {}",
                    known.join(", ")
                )));
            }
        },
    };
    let mut out = format!(
        "{:<16} {:<9} {:<12} {:<11} {:<20} TITLE\n",
        "CONTROL", "SEVERITY", "IMPLEMENTED", "REMEDIABLE", "STANDARDS"
    );
    let (mut shown, mut implemented) = (0, 0);
    for c in &cat.controls {
        let Some(entry) = c.in_era(era) else { continue };
        if let Some(s) = &standard {
            if !entry.standards.contains_key(s) {
                continue;
            }
        }
        let done = controls::find(&c.id).is_some();
        if args.implemented && !done {
            continue;
        }
        shown += 1;
        implemented += usize::from(done);
        let stds: Vec<String> = entry
            .standards
            .iter()
            .map(|(k, v)| if k.starts_with("cis-") { format!("CIS {v}") } else { "FSBP".to_string() })
            .collect();
        let remediable = match (done, hubsim_checks::remediate::remediable(&c.id)) {
            (false, _) => "-",
            (true, true) => "yes",
            (true, false) => "no (manual)",
        };
        let _ = writeln!(
            out,
            "{:<16} {:<9} {:<12} {:<11} {:<20} {}",
            c.id,
            entry.severity.label(),
            if done { "yes" } else { "no" },
            remediable,
            stds.join(", "),
            entry.title
        );
    }
    let _ = writeln!(out, "\n{shown} controls in era {}; hubsim implements {implemented} of them.", era.as_str());
    if let Some(note) = cat.coverage.get(era.as_str()) {
        let _ = writeln!(out, "Catalogue coverage: {note}");
    }
    emit(&out)?;
    Ok(ExitCode::SUCCESS)
}
