//! Security Hub's controls, evaluator, findings, control status and security score, and the
//! remediator.
//!
//! The evaluator reads the account only through [`hubsim_api::AwsApi`] (never SQLite):
//! a [`snapshot::Snapshot`] is fetched once, every enabled control judges it ([`evaluate`]), the
//! verdicts become ASFF findings imported into the simulated Security Hub ([`findings`]), and
//! control status and score are derived from the stored findings ([`status`]), as Security Hub
//! derives them.
//!
//! This crate depends on the AWS API contract (`hubsim-api`) and the models only: never on the
//! simulator, SQLite or scenario files, so the same controls and fixes can run against any
//! implementation of [`hubsim_api::AwsApi`]. Evaluating a stored state with its scenario's
//! settings and checking a scenario's expectations live above it, in `hubsim-scenario`.

pub mod catalogue;
pub mod control;
pub mod controls;
pub mod evaluate;
pub mod findings;
pub mod readings;
pub mod remediate;
pub mod snapshot;
pub mod status;

use hubsim_api::AwsApi;

pub use evaluate::Settings;
pub use snapshot::FetchError;
pub use status::{ControlRow, ControlStatus, Score};

/// The result of one evaluation.
#[derive(Debug, Clone)]
pub struct Report {
    /// Controls with their status, failed first.
    pub controls: Vec<ControlRow>,
    /// The security score.
    pub score: Score,
    /// Every active control finding, by region then control then resource, as a compact row
    /// (the whole findings are Security Hub's: [`findings::for_each_active`] reads them).
    pub findings: Vec<findings::FindingRow>,
    /// Suppressions that matched no finding.
    pub unmatched_suppressions: Vec<findings::Suppress>,
}

/// Evaluates the account behind `api`: fetch, judge, import findings, apply `suppressions`,
/// then read the findings back for status and score. `now` is the scenario clock (ISO-8601).
pub fn evaluate_account<A: AwsApi>(
    api: &A,
    account: &str,
    home: &str,
    settings: &Settings,
    suppressions: &[findings::Suppress],
    now: &str,
) -> Result<Report, FetchError> {
    evaluate_from(api, api, account, home, settings, suppressions, now)
}

/// [`evaluate_account`] reading the account through `reader` and recording the findings
/// through `writer`: `reader` is a consistent view of the account (a simulator's
/// `ReadView`), so a long fetch neither sees a state torn by other callers' writes nor holds
/// them up; it is dropped once the account is read, before anything is recorded.
#[allow(clippy::too_many_arguments)]
pub fn evaluate_from<R: AwsApi, W: AwsApi>(
    reader: R,
    writer: &W,
    account: &str,
    home: &str,
    settings: &Settings,
    suppressions: &[findings::Suppress],
    now: &str,
) -> Result<Report, FetchError> {
    let snap = snapshot::Snapshot::fetch(&reader, account, home)?;
    drop(reader);
    let runs = evaluate::run(&snap, settings);
    drop(snap);
    record(writer, account, settings.era, &runs, suppressions, now, &settings.readings)
}

/// Records the verdicts of `runs` (judged from the account as it is now) in Security Hub:
/// imports their findings, archives stale ones, applies `suppressions`, then reads the
/// findings back for status and score, counted as `readings` say.
pub fn record<A: AwsApi>(
    api: &A,
    account: &str,
    era: hubsim_api::Era,
    runs: &[evaluate::RegionRun],
    suppressions: &[findings::Suppress],
    now: &str,
    readings: &readings::Readings,
) -> Result<Report, FetchError> {
    // One read of Security Hub per region serves the staleness check, the suppressions and the
    // report (regions a suppression changed are read again).
    let mut known = findings::import_and_read(api, account, era, runs, now)?;
    let unmatched = findings::suppress_known(api, suppressions, &mut known)?;
    let mut report = report(api, era, runs, known, readings)?;
    report.unmatched_suppressions = unmatched;
    Ok(report)
}

/// Status and score from the findings Security Hub holds in the regions of `runs`; `known`
/// holds the regions already read (as [`findings::import_and_read`] returns them), the others
/// are read now.
pub fn report<A: AwsApi>(
    api: &A,
    era: hubsim_api::Era,
    runs: &[evaluate::RegionRun],
    mut known: findings::ActiveByRegion,
    readings: &readings::Readings,
) -> Result<Report, FetchError> {
    let mut per_region = Vec::new();
    for run in runs {
        let mut active = match known.remove(&run.region) {
            Some(active) => active,
            None => findings::active(api, &run.region)?,
        };
        active.sort_by_cached_key(|f| (status::natural(&f.control), f.resource.clone()));
        per_region.push((run.region.clone(), run.standards.clone(), active));
    }
    let (controls, score) = status::summarize(era, &per_region, readings);
    let findings = per_region.into_iter().flat_map(|(_, _, active)| active).collect();
    Ok(Report { controls, score, findings, unmatched_suppressions: Vec::new() })
}
