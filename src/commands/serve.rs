//! `hubsim serve`: the simulated account behind an AWS-compatible HTTP endpoint
//! (see `hubsim serve --help` and README.md).

use std::io::Write;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use hubsim_scenario::{self as scenario, AccountSpec, LoadOptions, RemediationSpec, Scenario};
use hubsim_simulator::baseline::{default_standards, BaselineSpec, Preset, SecurityHubSpec};
use hubsim_simulator::settings::DEFAULT_REGIONS;
use hubsim_simulator::{Era, Simulator};
use serde_json::json;

use super::run::validate_all;
use super::scenario::{invalid, open_db, read};
use crate::exit::Failure;

/// Options of `hubsim serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// The SQLite database holding the state (created if absent). The server holds it while it
    /// runs: other hubsim commands on it fail (exit 3); change the account through the endpoint.
    /// `POST /_hubsim/reset` returns to the scenario it was created from, across restarts.
    #[arg(long, default_value = "hubsim.db")]
    pub db: PathBuf,
    /// Seed a new database from this scenario (default: a fresh account in the 17 default
    /// regions with Security Hub on, FSBP and CIS v1.2.0, era current).
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 4566)]
    pub port: u16,
    /// Address to listen on. Anything but loopback exposes an endpoint without authentication.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
}

/// The account a new database gets without `--scenario`.
pub fn default_scenario() -> Scenario {
    let regions: Vec<String> = DEFAULT_REGIONS.iter().map(|r| r.to_string()).collect();
    Scenario {
        format: 1,
        name: "default".into(),
        description: Some(
            "hubsim serve's default account: a fresh account in the 17 default regions, Security Hub on with FSBP v1.0.0 and CIS v1.2.0"
                .into(),
        ),
        era: Era::Current,
        account: AccountSpec { regions: regions.clone(), ..AccountSpec::default() },
        baseline: BaselineSpec {
            preset: Preset::FreshAccount,
            security_hub: Some(SecurityHubSpec { regions, standards: default_standards() }),
            ..BaselineSpec::default()
        },
        start_time: None,
        parameters: Default::default(),
        steps: Vec::new(),
        suppressions: Vec::new(),
        remediation: RemediationSpec::default(),
        expect: None,
    }
}

/// The evaluator behind `POST /_hubsim/evaluate`.
struct Evaluator;

impl hubsim_server::Hooks for Evaluator {
    fn refresh(&self, sim: &Simulator) -> Result<(), String> {
        hubsim_scenario::runner::refresh_change_triggered(sim).map(|_| ()).map_err(|e| e.to_string())
    }

    fn evaluate(&self, sim: &Simulator) -> Result<serde_json::Value, String> {
        let report = hubsim_scenario::runner::evaluate(sim, false).map_err(|e| e.to_string())?;
        let controls: Vec<_> = report
            .controls
            .iter()
            .map(|c| json!({"id": c.id, "severity": c.severity, "status": c.status.as_str()}))
            .collect();
        let failed = report
            .findings
            .iter()
            .filter(|f| f.compliance.as_ref().and_then(|c| c.status.as_deref()) == Some("FAILED"))
            .count();
        Ok(json!({
            "score": serde_json::to_value(&report.score).map_err(|e| e.to_string())?,
            "controls": controls,
            "findings": {"total": report.findings.len(), "failed": failed},
        }))
    }
}

fn bind(args: &ServeArgs) -> Result<TcpListener, Failure> {
    let addrs: Vec<SocketAddr> = (args.bind.as_str(), args.port)
        .to_socket_addrs()
        .map_err(|e| Failure::BadInput(format!("--bind {}: not an address: {e}", args.bind)))?
        .collect();
    let addr =
        addrs.first().ok_or_else(|| Failure::BadInput(format!("--bind {}: resolves to no address", args.bind)))?;
    TcpListener::bind(addr).map_err(|e| {
        let what = if e.kind() == std::io::ErrorKind::AddrInUse {
            format!(
                "port {} on {} is already in use (pick another with --port, or 0 for a free one)",
                args.port, args.bind
            )
        } else {
            format!("cannot listen on {addr}: {e}")
        };
        Failure::Internal(anyhow::anyhow!(what))
    })
}

/// The state `POST /_hubsim/reset` returns to for a database that already held one: the
/// scenario it was created from, rebuilt; for a database that records none (made before
/// hubsim recorded seeds) or whose seed no longer loads, the state as it is now, with a note.
fn recorded_seed(db: &std::path::Path, sim: &Simulator) -> Result<Simulator, Failure> {
    let why = match scenario::seed(sim) {
        Ok(Some(seed)) => return Ok(seed),
        Ok(None) => "records no seed (it predates them)".to_string(),
        Err(e) => format!("records a seed that no longer loads ({e})"),
    };
    eprintln!("note: {} {why}: POST /_hubsim/reset returns to its state at this start", db.display());
    Ok(sim.snapshot().context("copying the seed state")?)
}

/// Runs `hubsim serve`; returns only on failure.
pub fn run(args: ServeArgs) -> Result<ExitCode, Failure> {
    let seed = match &args.scenario {
        Some(file) => {
            let s = read(file)?;
            validate_all(file, &s)?;
            Some((file.clone(), s))
        }
        None => None,
    };
    let listener = bind(&args)?;
    let local = listener.local_addr().context("reading the listening address")?;
    if !local.ip().is_loopback() {
        eprintln!(
            "warning: hubsim listens on {local}, which is not a loopback address: anyone who can reach it can read and change the simulated account (there is no authentication)"
        );
    }
    let sim = open_db(&args.db)?;
    let seed = if sim.is_empty() {
        let (file, s) = seed.unwrap_or_else(|| (PathBuf::from("(default account)"), default_scenario()));
        scenario::load(&sim, &s, LoadOptions::default()).map_err(|e| invalid(&file, e))?;
        // Just loaded: the state as it is is the seed.
        sim.snapshot().context("copying the seed state")?
    } else {
        if args.scenario.is_some() {
            eprintln!("note: {} already holds a state; --scenario is ignored", args.db.display());
        }
        recorded_seed(&args.db, &sim)?
    };
    let state = hubsim_server::State::with_seed(sim, seed).with_hooks(Arc::new(Evaluator));
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "hubsim listening on http://{local}")
            .and_then(|_| out.flush())
            .context("writing to standard output")?;
    }
    hubsim_server::http::run(listener, Arc::new(state)).context("serving")?;
    Ok(ExitCode::SUCCESS)
}
