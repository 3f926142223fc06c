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
use hubsim_server::guard::Guard;
use hubsim_server::signature::Keys;
use hubsim_simulator::baseline::{default_standards, BaselineSpec, ConfigOneClick, Preset, SecurityHubSpec};
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
    /// regions with Security Hub on, FSBP and CIS v1.2.0, era current, and AWS Config
    /// recording every resource type, global ones included, in every region, so that the
    /// controls have data for what a client creates).
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Seed a new database with the default account but without AWS Config (as a new account
    /// is before anyone enables it): Security Hub's controls then answer WARNING "no AWS Config
    /// recorder" and Config.1 FAILED, as AWS does.
    #[arg(long, conflicts_with = "scenario")]
    pub bare_account: bool,
    /// Print one line per request on standard error: time (UTC), service, operation, region,
    /// HTTP status, AWS error code (`-` for none) and how long hubsim took, e.g.
    /// `2026-12-07T21:59:01.123Z s3 PutBucketPolicy us-east-1 400 MalformedPolicy 0.4ms`.
    #[arg(long)]
    pub log: bool,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 4566)]
    pub port: u16,
    /// Address to listen on. Anything but loopback exposes the account to whoever can reach it
    /// (see --verify-signatures). Requests must name a loopback host, this address or an
    /// --allow-host name: bound to 0.0.0.0 or ::, clients that say `hubsim:4566` need
    /// `--allow-host hubsim`.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Also answer requests whose Host is NAME or a subdomain of it (repeatable), e.g.
    /// `--allow-host hubsim` for a compose service reached as http://hubsim:4566. Loopback names
    /// (localhost, *.localhost, 127.0.0.0/8, [::1]) and the --bind address always pass; other
    /// names are refused (403) so that a DNS-rebinding web page cannot reach hubsim.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_hosts: Vec<String>,
    /// Accept requests from web pages of this origin (repeatable), e.g.
    /// `--allow-origin http://localhost:3000`. By default every request that carries a browser
    /// Origin header is refused (403) before anything runs; the aws CLI and SDKs send none.
    #[arg(long = "allow-origin", value_name = "URL")]
    pub allow_origins: Vec<String>,
    /// Serve at most N connections at once; a connection beyond them is answered at once with
    /// 503 ServiceUnavailable naming this flag, and closed. Keep it below the process's limit
    /// of open files (`ulimit -n`, often 1024).
    #[arg(long, value_name = "N", default_value_t = hubsim_server::http::DEFAULT_MAX_CONNECTIONS as u32,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: u32,
    /// Close a connection that takes longer than this many seconds to send a request's head
    /// (waiting idle between requests included); a body that takes longer than this is
    /// answered 400 RequestTimeout and the connection closed.
    #[arg(long, value_name = "SECONDS", default_value_t = hubsim_server::http::DEFAULT_IDLE_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub idle_timeout: u64,
    /// Keep at most N named snapshots (`POST /_hubsim/snapshot`); each is a copy of the whole
    /// database in memory. Saving a new name beyond them is refused (409); replacing one is not.
    #[arg(long, value_name = "N", default_value_t = hubsim_server::DEFAULT_MAX_SNAPSHOTS as u32,
          value_parser = clap::value_parser!(u32).range(0..=10_000))]
    pub max_snapshots: u32,
    /// Check every request's SigV4 signature (admin routes included), as AWS does, against
    /// the keys of --credentials and of AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY: an unknown
    /// key gets InvalidClientTokenId (S3 InvalidAccessKeyId, EC2 AuthFailure), a wrong
    /// signature SignatureDoesNotMatch, an unsigned request MissingAuthenticationToken (S3
    /// AccessDenied). For teams that share one instance. Off by default: any key is accepted.
    #[arg(long)]
    pub verify_signatures: bool,
    /// With --verify-signatures: an AWS shared-credentials file (INI, like ~/.aws/credentials)
    /// whose every profile's aws_access_key_id / aws_secret_access_key may sign requests.
    #[arg(long, value_name = "FILE", requires = "verify_signatures")]
    pub credentials: Option<PathBuf>,
}

/// The keys that may sign requests: the --credentials file's and the environment's.
fn signature_keys(args: &ServeArgs) -> Result<Option<Keys>, Failure> {
    if !args.verify_signatures {
        return Ok(None);
    }
    let mut keys = Keys::new();
    if let Some(file) = &args.credentials {
        let text = std::fs::read_to_string(file)
            .map_err(|e| Failure::BadInput(format!("--credentials {}: {e}", file.display())))?;
        keys.add_shared_credentials(&text)
            .map_err(|e| Failure::BadInput(format!("--credentials {}: {e}", file.display())))?;
    }
    if let (Ok(key), Ok(secret)) = (std::env::var("AWS_ACCESS_KEY_ID"), std::env::var("AWS_SECRET_ACCESS_KEY")) {
        if !key.trim().is_empty() && !secret.trim().is_empty() {
            keys.insert(&key, &secret);
        }
    }
    if keys.is_empty() {
        return Err(Failure::BadInput(
            "--verify-signatures needs keys: give --credentials FILE (profiles with aws_access_key_id and \
             aws_secret_access_key) or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                .into(),
        ));
    }
    Ok(Some(keys))
}

/// Who may talk to the server, from the flags.
fn guard(args: &ServeArgs) -> Result<Guard, Failure> {
    let mut guard = Guard::new();
    for origin in &args.allow_origins {
        guard = guard.allow_origin(origin).map_err(|e| Failure::BadInput(e.to_string()))?;
    }
    for host in &args.allow_hosts {
        guard = guard.allow_host(host).map_err(|e| Failure::BadInput(e.to_string()))?;
    }
    Ok(guard)
}

/// The account a new database gets without `--scenario`: with AWS Config recording
/// everything in every region, unless `bare` (then as a new account is before Config is on).
pub fn default_scenario(bare: bool) -> Scenario {
    let regions: Vec<String> = DEFAULT_REGIONS.iter().map(|r| r.to_string()).collect();
    let config = (!bare).then(|| ConfigOneClick { regions: regions.clone(), include_global_resource_types: true });
    let description = if bare {
        "hubsim serve's bare account: a fresh account in the 17 default regions, Security Hub on with FSBP v1.0.0 and CIS v1.2.0, AWS Config off"
    } else {
        "hubsim serve's default account: a fresh account in the 17 default regions, Security Hub on with FSBP v1.0.0 and CIS v1.2.0, AWS Config recording every resource type (global ones included) in every region"
    };
    Scenario {
        format: 1,
        name: if bare { "bare" } else { "default" }.into(),
        description: Some(description.into()),
        era: Era::Current,
        account: AccountSpec { regions: regions.clone(), ..AccountSpec::default() },
        baseline: BaselineSpec {
            preset: Preset::FreshAccount,
            config_one_click: config,
            security_hub: Some(SecurityHubSpec { regions, standards: default_standards() }),
            ..BaselineSpec::default()
        },
        start_time: None,
        parameters: Default::default(),
        readings: Default::default(),
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
        let failed = report.findings.iter().filter(|f| f.compliance() == "FAILED").count();
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
    let guard = guard(&args)?;
    let keys = signature_keys(&args)?;
    let listener = bind(&args)?;
    let local = listener.local_addr().context("reading the listening address")?;
    let guard = guard.bound_to(local.ip());
    if local.ip().is_unspecified() && args.allow_hosts.is_empty() {
        eprintln!(
            "note: requests must name this machine by an address or a loopback name; a client that says http://NAME:{} (a compose service name, a DNS name) needs --allow-host NAME",
            local.port()
        );
    }
    match &keys {
        Some(keys) => eprintln!("hubsim verifies signatures: {} access keys may sign requests", keys.len()),
        None if !local.ip().is_loopback() => eprintln!(
            "warning: hubsim listens on {local}, which is not a loopback address: anyone who can reach it can read and change the simulated account (there is no authentication unless --verify-signatures)"
        ),
        None => {}
    }
    let sim = open_db(&args.db)?;
    let seed = if sim.is_empty() {
        let (file, s) = seed.unwrap_or_else(|| {
            if args.bare_account {
                eprintln!("note: a new account without AWS Config (--bare-account): controls answer WARNING \"no AWS Config recorder\" until a client turns it on");
            } else {
                eprintln!("note: a new default account: Security Hub (FSBP, CIS v1.2.0) and AWS Config recording every resource type in the 17 default regions (--bare-account for one without Config)");
            }
            (PathBuf::from("(default account)"), default_scenario(args.bare_account))
        });
        scenario::load(&sim, &s, LoadOptions::default()).map_err(|e| invalid(&file, e))?;
        // Just loaded: the state as it is is the seed.
        sim.snapshot().context("copying the seed state")?
    } else {
        if args.scenario.is_some() || args.bare_account {
            let flag = if args.bare_account { "--bare-account" } else { "--scenario" };
            eprintln!("note: {} already holds a state; {flag} is ignored", args.db.display());
        }
        recorded_seed(&args.db, &sim)?
    };
    let state = hubsim_server::State::with_seed(sim, seed)
        .with_hooks(Arc::new(Evaluator))
        .with_guard(guard)
        .with_max_connections(args.max_connections as usize)
        .with_idle_timeout(std::time::Duration::from_secs(args.idle_timeout))
        .with_max_snapshots(args.max_snapshots as usize)
        .with_request_log(args.log);
    let state = match keys {
        Some(keys) => state.with_signature_keys(keys),
        None => state,
    };
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "hubsim listening on http://{local}")
            .and_then(|_| out.flush())
            .context("writing to standard output")?;
    }
    hubsim_server::http::run(listener, Arc::new(state)).context("serving")?;
    Ok(ExitCode::SUCCESS)
}
