//! Checking a scenario's `expect` block against a report, with a readable diff.

use hubsim_checks::findings::resource_matches;
use hubsim_checks::Report;

use crate::ExpectBlock;

/// The differences between `expected` and `report`; empty when everything holds.
pub fn diff(expected: &ExpectBlock, report: &Report, home: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(score) = expected.score {
        let got = report.score.percent;
        if got != Some(score) {
            let got = got.map(|p| format!("{p}%")).unwrap_or_else(|| "no data".into());
            out.push(format!("score: expected {score}%, got {got}"));
        }
    }
    for (name, want) in &expected.standard_scores {
        let want = want.as_u64();
        let id = hubsim_checks::catalogue::catalogue().standard_id(name);
        let got = report.score.standards.iter().find(|s| Some(s.standard.as_str()) == id).and_then(|s| s.percent);
        if want != got.map(u64::from) {
            let show = |p: Option<u64>| p.map(|p| format!("{p}%")).unwrap_or_else(|| "no data".into());
            out.push(format!("{name} score: expected {}, got {}", show(want), show(got.map(u64::from))));
        }
    }
    for (id, want) in &expected.controls {
        let want = want.as_str().unwrap_or("");
        let got = report.controls.iter().find(|c| &c.id == id).map(|c| c.status.as_str()).unwrap_or("NO_DATA");
        if got != want {
            out.push(format!("control {id}: expected {want}, got {got}"));
        }
    }
    for f in &expected.findings {
        let region = f.region.clone().unwrap_or_else(|| home.to_string());
        let hit = report
            .findings
            .iter()
            .find(|x| x.control == f.control && x.region == region && resource_matches(&f.resource, &x.resource));
        let what = format!("finding {} {region} {}", f.control, f.resource);
        let Some(x) = hit else {
            out.push(format!("{what}: expected {}, but there is no such finding", describe(&f.status, &f.workflow)));
            continue;
        };
        let status = x.compliance().to_string();
        let workflow = x.workflow.clone().unwrap_or_default();
        if let Some(want) = &f.status {
            if *want != status {
                out.push(format!("{what}: expected {want}, got {status} ({})", x.reason));
            }
        }
        if let Some(want) = &f.workflow {
            if *want != workflow {
                out.push(format!("{what}: expected workflow {want}, got {workflow}"));
            }
        }
    }
    out
}

fn describe(status: &Option<String>, workflow: &Option<String>) -> String {
    match (status, workflow) {
        (Some(s), Some(w)) => format!("{s} ({w})"),
        (Some(s), None) => s.clone(),
        (None, Some(w)) => format!("workflow {w}"),
        (None, None) => "a finding".into(),
    }
}
