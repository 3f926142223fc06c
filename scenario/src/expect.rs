//! Checking a scenario's `expect` block against a report: one verdict per expectation (what a
//! CI report lists), and the readable diff of those that fail.

use hubsim_checks::findings::resource_matches;
use hubsim_checks::Report;
use serde::Serialize;

use crate::ExpectBlock;

/// One expectation of an `expect` block, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// What is expected of: `score`, `fsbp score`, `control EC2.7`,
    /// `finding S3.9 us-east-1 arn:aws:s3:::logs`.
    pub subject: String,
    /// The expected value as written (`PASSED`, `98%`, `FAILED (SUPPRESSED)`).
    pub expected: String,
    /// What the report holds (`no data`, `no such finding`, a status, a percentage).
    pub got: String,
    /// Whether the expectation holds.
    pub holds: bool,
    /// The finding's reason, for a finding expectation that does not hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Verdict {
    /// The one-line diff of a verdict that does not hold.
    pub fn line(&self) -> String {
        let reason = self.reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default();
        if self.got == NO_SUCH_FINDING {
            return format!("{}: expected {}, but there is no such finding", self.subject, self.expected);
        }
        format!("{}: expected {}, got {}{reason}", self.subject, self.expected, self.got)
    }
}

const NO_SUCH_FINDING: &str = "no such finding";

fn percent(p: Option<u64>) -> String {
    p.map(|p| format!("{p}%")).unwrap_or_else(|| "no data".into())
}

/// Every expectation of `expected`, checked against `report`, in the block's order: the score,
/// the standards' scores, the controls, the findings (a finding with both a status and a
/// workflow status expected is two verdicts).
pub fn check(expected: &ExpectBlock, report: &Report, home: &str) -> Vec<Verdict> {
    let mut out = Vec::new();
    let mut push = |subject: String, expected: String, got: String, reason: Option<String>| {
        let holds = expected == got;
        out.push(Verdict { subject, expected, got, holds, reason: if holds { None } else { reason } });
    };
    if let Some(score) = expected.score {
        push("score".into(), format!("{score}%"), percent(report.score.percent.map(u64::from)), None);
    }
    for (name, want) in &expected.standard_scores {
        let id = hubsim_checks::catalogue::catalogue().standard_id(name);
        let got = report.score.standards.iter().find(|s| Some(s.standard.as_str()) == id).and_then(|s| s.percent);
        push(format!("{name} score"), percent(want.as_u64()), percent(got.map(u64::from)), None);
    }
    for (id, want) in &expected.controls {
        let want = want.as_str().unwrap_or("").to_string();
        let got = report.controls.iter().find(|c| &c.id == id).map(|c| c.status.as_str()).unwrap_or("NO_DATA");
        push(format!("control {id}"), want, got.to_string(), None);
    }
    for f in &expected.findings {
        let region = f.region.clone().unwrap_or_else(|| home.to_string());
        let hit = report
            .findings
            .iter()
            .find(|x| x.control == f.control && x.region == region && resource_matches(&f.resource, &x.resource));
        let subject = format!("finding {} {region} {}", f.control, f.resource);
        let Some(x) = hit else {
            push(subject, describe(&f.status, &f.workflow), NO_SUCH_FINDING.into(), None);
            continue;
        };
        if let Some(want) = &f.status {
            push(subject.clone(), want.clone(), x.compliance().to_string(), Some(x.reason.clone()));
        }
        if let Some(want) = &f.workflow {
            let got = x.workflow.clone().unwrap_or_default();
            push(subject, format!("workflow {want}"), format!("workflow {got}"), None);
        }
    }
    out
}

/// The differences between `expected` and `report`; empty when everything holds.
pub fn diff(expected: &ExpectBlock, report: &Report, home: &str) -> Vec<String> {
    check(expected, report, home).iter().filter(|v| !v.holds).map(Verdict::line).collect()
}

fn describe(status: &Option<String>, workflow: &Option<String>) -> String {
    match (status, workflow) {
        (Some(s), Some(w)) => format!("{s} ({w})"),
        (Some(s), None) => s.clone(),
        (None, Some(w)) => format!("workflow {w}"),
        (None, None) => "a finding".into(),
    }
}
