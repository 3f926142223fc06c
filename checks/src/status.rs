//! Control status and the security score, derived from findings as Security Hub derives them:
//! archived and suppressed findings are ignored; a control with no remaining finding has no
//! data and leaves the score (AWS:
//! https://docs.aws.amazon.com/securityhub/latest/userguide/controls-overall-status.html and
//! https://docs.aws.amazon.com/securityhub/latest/userguide/standards-security-score.html).

use std::collections::BTreeMap;

use hubsim_api::Era;
use serde::Serialize;

use crate::catalogue::{catalogue, Severity};
use crate::control::Compliance;
use crate::controls;
use crate::findings::FindingRow;
use crate::readings::{Readings, SummaryScore};

/// A control's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ControlStatus {
    /// At least one remaining finding FAILED.
    Failed,
    /// No FAILED, at least one WARNING or NOT_AVAILABLE.
    Unknown,
    /// Every remaining finding PASSED.
    Passed,
    /// No remaining finding.
    NoData,
    /// Disabled in the standard.
    Disabled,
}

impl ControlStatus {
    /// Scenario spelling (`PASSED`, `NO_DATA`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Failed => "FAILED",
            ControlStatus::Unknown => "UNKNOWN",
            ControlStatus::Passed => "PASSED",
            ControlStatus::NoData => "NO_DATA",
            ControlStatus::Disabled => "DISABLED",
        }
    }

    /// The status of a set of compliance results.
    pub fn of(results: impl IntoIterator<Item = Compliance>) -> ControlStatus {
        let mut any = false;
        let mut unknown = false;
        for c in results {
            any = true;
            match c {
                Compliance::Failed => return ControlStatus::Failed,
                Compliance::Warning | Compliance::NotAvailable => unknown = true,
                Compliance::Passed => {}
            }
        }
        match (any, unknown) {
            (false, _) => ControlStatus::NoData,
            (true, true) => ControlStatus::Unknown,
            (true, false) => ControlStatus::Passed,
        }
    }

    /// Combines regions: FAILED anywhere wins, then UNKNOWN, then PASSED.
    pub fn combine(self, other: ControlStatus) -> ControlStatus {
        use ControlStatus::*;
        match (self, other) {
            (Failed, _) | (_, Failed) => Failed,
            (Unknown, _) | (_, Unknown) => Unknown,
            (Passed, _) | (_, Passed) => Passed,
            (Disabled, Disabled) => Disabled,
            _ => NoData,
        }
    }
}

/// Whether a finding counts for control status: active and not suppressed.
pub fn counts(f: &FindingRow) -> bool {
    f.record_state.as_deref() != Some("ARCHIVED") && !f.suppressed()
}

/// One control's row in a report.
#[derive(Debug, Clone, Serialize)]
pub struct ControlRow {
    /// Security control id.
    pub id: String,
    /// Title in the era.
    pub title: String,
    /// Severity in the era.
    pub severity: &'static str,
    /// Status over all evaluated regions.
    pub status: ControlStatus,
    /// Status per region.
    pub regions: BTreeMap<String, ControlStatus>,
    /// Standards holding it, with their ids (`cis-aws-foundations-benchmark/v/1.2.0` → `2.1`).
    pub standards: BTreeMap<String, String>,
}

/// A standard's score.
#[derive(Debug, Clone, Serialize)]
pub struct StandardScore {
    /// Standard id.
    pub standard: String,
    /// Passed controls.
    pub passed: usize,
    /// Controls with data.
    pub with_data: usize,
    /// Rounded percentage, if any control has data.
    pub percent: Option<u32>,
    /// Controls of the standard that hubsim does not implement yet (not in the score).
    pub not_implemented: usize,
}

/// The security score.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    /// Summary percentage (pooled over controls with data, each control once, or once per
    /// standard without consolidated findings; or the average of the standards' scores).
    pub percent: Option<u32>,
    /// `pooled`, `pooled-per-standard` (consolidated findings off) or `average`.
    pub method: &'static str,
    /// Passed controls (pooled; per standard without consolidated findings).
    pub passed: usize,
    /// Controls with data (pooled; per standard without consolidated findings).
    pub with_data: usize,
    /// Per standard.
    pub standards: Vec<StandardScore>,
    /// Controls of the enabled standards that hubsim does not implement yet: the score covers
    /// only the implemented ones, so it is not Security Hub's whole score.
    pub not_implemented: usize,
}

fn percent(passed: usize, with_data: usize) -> Option<u32> {
    // Round half up: AWS only says the score is rounded to the nearest whole number; .5 is
    // hubsim's choice.
    (with_data > 0).then(|| ((passed * 200 + with_data) / (with_data * 2)) as u32)
}

/// Builds the control rows and the score from the findings of each region, for the standards
/// enabled per region, the summary counted as `readings` say.
pub fn summarize(
    era: Era,
    regions: &[(String, Vec<String>, Vec<FindingRow>)],
    readings: &Readings,
) -> (Vec<ControlRow>, Score) {
    let mut rows: BTreeMap<String, ControlRow> = BTreeMap::new();
    let mut not_implemented: BTreeMap<String, usize> = BTreeMap::new();
    let mut all_standards: Vec<String> = Vec::new();
    // The controls hubsim implements, with their entry in this era (the others have no row).
    let implemented: Vec<_> = controls::all()
        .iter()
        .filter_map(|c| catalogue().control(c.id))
        .filter_map(|def| Some((def, def.in_era(era)?)))
        .collect();
    for (region, standards, findings) in regions {
        for s in standards {
            if !all_standards.contains(s) {
                all_standards.push(s.clone());
            }
        }
        // The compliance of the findings that count, by control.
        let mut by_control: BTreeMap<&str, Vec<Compliance>> = BTreeMap::new();
        for f in findings.iter().filter(|f| counts(f)) {
            if let (false, Some(status)) = (f.control.is_empty(), f.compliance.as_deref()) {
                by_control.entry(f.control.as_str()).or_default().extend(Compliance::parse(status));
            }
        }
        for &(def, entry) in implemented.iter().filter(|(_, e)| e.standards.keys().any(|s| standards.contains(s))) {
            let status = ControlStatus::of(
                by_control.get(def.id.as_str()).map(Vec::as_slice).unwrap_or_default().iter().copied(),
            );
            let row = rows.entry(def.id.clone()).or_insert_with(|| ControlRow {
                id: def.id.clone(),
                title: entry.title.clone(),
                severity: entry.severity.label(),
                status: ControlStatus::NoData,
                regions: BTreeMap::new(),
                standards: entry.standards.clone(),
            });
            row.regions.insert(region.clone(), status);
        }
    }
    for row in rows.values_mut() {
        row.status = row.regions.values().copied().fold(ControlStatus::NoData, ControlStatus::combine);
        if row.regions.values().all(|s| *s == ControlStatus::NoData) {
            row.status = ControlStatus::NoData;
        }
    }
    let mut total_not_implemented = 0;
    for (def, entry) in catalogue().enabled(era, &all_standards) {
        if controls::find(&def.id).is_some() {
            continue;
        }
        total_not_implemented += 1;
        for std in entry.standards.keys().filter(|s| all_standards.contains(s)) {
            *not_implemented.entry(std.clone()).or_default() += 1;
        }
    }
    let mut standard_scores = Vec::new();
    for std in &all_standards {
        let members: Vec<&ControlRow> = rows.values().filter(|r| r.standards.contains_key(std)).collect();
        let with_data =
            members.iter().filter(|r| !matches!(r.status, ControlStatus::NoData | ControlStatus::Disabled)).count();
        let passed = members.iter().filter(|r| r.status == ControlStatus::Passed).count();
        standard_scores.push(StandardScore {
            standard: std.clone(),
            passed,
            with_data,
            percent: percent(passed, with_data),
            not_implemented: not_implemented.get(std).copied().unwrap_or(0),
        });
    }
    let (passed, with_data) = if readings.consolidated_findings {
        let with_data =
            rows.values().filter(|r| !matches!(r.status, ControlStatus::NoData | ControlStatus::Disabled)).count();
        (rows.values().filter(|r| r.status == ControlStatus::Passed).count(), with_data)
    } else {
        // Each standard's own control counts: a control in two standards counts twice.
        standard_scores.iter().fold((0, 0), |(p, d), s| (p + s.passed, d + s.with_data))
    };
    let average = readings.summary_score == SummaryScore::Average;
    let summary = if average {
        let scored: Vec<u32> = standard_scores.iter().filter_map(|s| s.percent).collect();
        (!scored.is_empty()).then(|| ((scored.iter().sum::<u32>() as f64) / scored.len() as f64).round() as u32)
    } else {
        percent(passed, with_data)
    };
    let mut ordered: Vec<ControlRow> = rows.into_values().collect();
    ordered.sort_by(|a, b| {
        let sev = |r: &ControlRow| Severity::parse(r.severity).unwrap_or(Severity::Low);
        (a.status, std::cmp::Reverse(sev(a)), natural(&a.id)).cmp(&(
            b.status,
            std::cmp::Reverse(sev(b)),
            natural(&b.id),
        ))
    });
    (
        ordered,
        Score {
            percent: summary,
            method: match (average, readings.consolidated_findings) {
                (true, _) => "average",
                (false, true) => "pooled",
                (false, false) => "pooled-per-standard",
            },
            passed,
            with_data,
            standards: standard_scores,
            not_implemented: total_not_implemented,
        },
    )
}

/// Sort key for control ids: service, then number (`EC2.2` < `EC2.10`).
pub fn natural(id: &str) -> (String, u32) {
    let (svc, n) = id.split_once('.').unwrap_or((id, "0"));
    (svc.to_string(), n.parse().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_rules() {
        use Compliance::*;
        assert_eq!(ControlStatus::of([]), ControlStatus::NoData);
        assert_eq!(ControlStatus::of([Passed, Passed]), ControlStatus::Passed);
        assert_eq!(ControlStatus::of([Passed, Warning]), ControlStatus::Unknown);
        assert_eq!(ControlStatus::of([Warning, Failed, Passed]), ControlStatus::Failed);
        assert_eq!(ControlStatus::NoData.combine(ControlStatus::Passed), ControlStatus::Passed);
        assert_eq!(ControlStatus::Passed.combine(ControlStatus::Failed), ControlStatus::Failed);
    }

    fn row(control: &str, compliance: &str) -> FindingRow {
        FindingRow {
            id: format!("{control}/finding"),
            product_arn: "arn:aws:securityhub:us-east-1::product/aws/securityhub".into(),
            region: "us-east-1".into(),
            control: control.into(),
            resource: "AWS::::Account:123456789012".into(),
            compliance: Some(compliance.into()),
            severity: None,
            workflow: Some("NEW".into()),
            record_state: Some("ACTIVE".into()),
            note: None,
            reason: String::new(),
            created_at: "2022-01-01T00:00:00Z".into(),
        }
    }

    /// IAM.6 is in both standards and FAILED; S3.5 and S3.9 (FSBP) and CloudWatch.1 (CIS)
    /// PASSED: FSBP 2/3 = 67%, CIS 1/2 = 50%. Pooled over security controls 3/4 = 75%; over each
    /// standard's controls (consolidated findings off) 3/5 = 60%; the average of 67 and 50 = 59.
    #[test]
    fn the_summary_score_follows_the_readings() {
        let standards = vec![
            "aws-foundational-security-best-practices/v/1.0.0".to_string(),
            "cis-aws-foundations-benchmark/v/1.2.0".to_string(),
        ];
        let findings =
            vec![row("IAM.6", "FAILED"), row("S3.5", "PASSED"), row("S3.9", "PASSED"), row("CloudWatch.1", "PASSED")];
        let regions = [("us-east-1".to_string(), standards, findings)];
        let score = |readings: Readings| summarize(Era::Y2022, &regions, &readings).1;
        let pooled = score(Readings::default());
        let per_standard: Vec<_> = pooled.standards.iter().map(|s| (s.passed, s.with_data, s.percent)).collect();
        assert_eq!(per_standard, [(2, 3, Some(67)), (1, 2, Some(50))]);
        assert_eq!((pooled.percent, pooled.passed, pooled.with_data, pooled.method), (Some(75), 3, 4, "pooled"));
        let split = score(Readings { consolidated_findings: false, ..Readings::default() });
        assert_eq!((split.percent, split.passed, split.with_data), (Some(60), 3, 5));
        assert_eq!(split.method, "pooled-per-standard");
        let average = score(Readings { summary_score: SummaryScore::Average, ..Readings::default() });
        assert_eq!((average.percent, average.method), (Some(59), "average"));
    }

    #[test]
    fn rounding_is_half_up() {
        assert_eq!(percent(6, 10), Some(60));
        assert_eq!(percent(1, 8), Some(13)); // 12.5
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(0, 0), None);
    }
}
