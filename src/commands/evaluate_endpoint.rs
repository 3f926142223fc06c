//! `hubsim evaluate --endpoint URL`: the evaluator against a live endpoint (AWS, `hubsim
//! serve`, moto), read-only.
//!
//! The account is read through [`HttpApi`], which sends only operations that read. The
//! findings the evaluator records (`BatchImportFindings`, `BatchUpdateFindings`) and reads back
//! (`GetFindings`) go to a local sink instead: an in-memory simulated account with the same id
//! and regions and Security Hub on, which applies Security Hub's finding lifecycle exactly as
//! it does for a database. Nothing is written to the endpoint or to disk but the report.
//!
//! A call that fails (endpoint down or slow, an HTML answer, throttling past the retries,
//! AccessDenied, an operation the endpoint does not know) stops the evaluation with what could
//! not be read, where, and AWS's code: a partial account is never judged as if it had no
//! resources. Exit 3 then.

use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::anyhow;
use hubsim_api::model::{ec2, sts, Operation, Timestamp};
use hubsim_api::{AwsApi, AwsError, Era};
use hubsim_checks::Settings;
use hubsim_client::{HttpApi, Sources, Transport};
use hubsim_simulator::baseline::{self, BaselineSpec, SecurityHubSpec};
use hubsim_simulator::settings::AccountSettings;
use hubsim_simulator::Simulator;

use super::evaluate_cmd::{exit_for, EvaluateArgs};
use super::render::{deliver, write_report};
use super::scenario::with_catalog;
use crate::exit::Failure;

/// The `--endpoint` value that means AWS's own hosts (or the configured endpoint variables).
const AWS: &str = "aws";

/// Runs `hubsim evaluate --endpoint`.
pub fn run(args: &EvaluateArgs) -> Result<ExitCode, Failure> {
    let endpoint = args.endpoint.as_deref().ok_or_else(|| Failure::BadInput("--db or --endpoint is needed".into()))?;
    let sources = Sources::from_environment().map_err(|e| Failure::BadInput(e.to_string()))?;
    let home =
        sources.region(args.show.regions.first().map(String::as_str), args.profile.as_deref()).ok_or_else(|| {
            Failure::BadInput("no region: give --region, or set AWS_REGION or the profile's region".into())
        })?;
    let explicit = (endpoint != AWS).then_some(endpoint);
    let transport = Transport::new(sources, args.profile.clone(), explicit)
        .map_err(|e| Failure::BadInput(e.to_string()))?
        .with_timeout(Duration::from_secs(args.call_timeout.max(1)));
    let api = OnlyRegions { inner: HttpApi::new(transport), regions: args.show.regions.clone() };
    let could_not = |what: &str, region: &str, e: AwsError| {
        Failure::Internal(anyhow!("{endpoint}: could not read {what} in {region}: {e}"))
    };
    let stage = crate::progress::Stage::start(format!("{endpoint}: evaluating"));
    let account = api
        .call::<sts::GetCallerIdentity>(&home, Default::default())
        .map_err(|e| could_not("the caller identity (sts:GetCallerIdentity)", &home, e))?
        .account
        .ok_or_else(|| Failure::Internal(anyhow!("{endpoint}: sts:GetCallerIdentity answered no account")))?;
    let regions: Vec<String> = api
        .call::<ec2::DescribeRegions>(&home, Default::default())
        .map_err(|e| could_not("the regions (ec2:DescribeRegions)", &home, e))?
        .regions
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| r.region_name)
        .collect();
    if let Some(missing) = args.show.regions.iter().find(|r| !regions.contains(r)) {
        return Err(Failure::BadInput(format!("{endpoint}: region {missing} is not among the endpoint's regions")));
    }
    let now = Timestamp(SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0));
    let sink = sink(&account, &home, &regions, now).map_err(Failure::Internal)?;
    let settings = Settings { era: Era::Current, ..Default::default() };
    let report = hubsim_checks::evaluate_from(&api, &sink, &account, &home, &settings, &[], &now.to_iso8601())
        .map_err(|e| could_not(&e.what, &e.region, e.error))?;
    drop(stage);
    let show = args.show.with(&args.controls, args.output.is_none());
    deliver(args.output.as_deref(), |out| write_report(out, args.format, &report, &[], &sink, &show))?;
    Ok(exit_for(args, &report))
}

/// Where the findings go: an in-memory account `account` with `regions` enabled and Security
/// Hub on in each with its default standards, so import, lifecycle and read-back are the
/// simulated Security Hub's.
fn sink(account: &str, home: &str, regions: &[String], now: Timestamp) -> anyhow::Result<Simulator> {
    let sim = with_catalog(Simulator::in_memory()?);
    let mut enabled: Vec<String> = regions.to_vec();
    if !enabled.iter().any(|r| r == home) {
        enabled.push(home.to_string());
    }
    let settings = hubsim_simulator::Settings {
        era: Era::Current,
        account: AccountSettings {
            id: account.to_string(),
            regions: enabled.clone(),
            home_region: home.to_string(),
            organization: None,
        },
    };
    let spec = BaselineSpec {
        security_hub: Some(SecurityHubSpec { regions: enabled, standards: baseline::default_standards() }),
        ..Default::default()
    };
    sim.transaction(|batch| {
        baseline::create_account(batch, settings, now, &spec)
            .map_err(|e| anyhow!("preparing the local findings store: {e}"))
    })?;
    Ok(sim)
}

/// The API with `ec2:DescribeRegions` answering only `regions` (when any are given): the
/// evaluator reads every region the endpoint lists, and `--region` narrows that list.
struct OnlyRegions<A> {
    inner: A,
    regions: Vec<String>,
}

impl<A: AwsApi> AwsApi for OnlyRegions<A> {
    fn call<O: Operation>(&self, region: &str, input: O::Input) -> Result<O::Output, AwsError> {
        let output = self.inner.call::<O>(region, input)?;
        if self.regions.is_empty() || (O::SERVICE, O::NAME) != ("ec2", "DescribeRegions") {
            return Ok(output);
        }
        let mut value = serde_json::to_value(&output)?;
        if let Some(list) = value.get_mut("Regions").and_then(|v| v.as_array_mut()) {
            list.retain(|r| {
                r.get("RegionName").and_then(|n| n.as_str()).is_some_and(|n| self.regions.iter().any(|w| w == n))
            });
        }
        Ok(serde_json::from_value(value)?)
    }
}
