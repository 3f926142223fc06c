//! Output formats (see `hubsim --help`): `table` for people, `json` (a versioned envelope with full
//! ASFF findings) and `junit` for CI systems.

use std::fmt::Write;

use hubsim_checks::{ControlStatus, Report};
use hubsim_simulator::model::securityhub as sh;
use serde_json::json;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable: the score, then controls by status and severity with failed resources.
    Table,
    /// `{"format": 1, "score", "controls", "findings", "transcript"}`.
    Json,
    /// One `<testsuite>` per control, one `<testcase>` per (region, resource).
    Junit,
}

use hubsim_checks::findings::reason;

fn control_of(f: &sh::AwsSecurityFinding) -> &str {
    f.compliance.as_ref().and_then(|c| c.security_control_id.as_deref()).unwrap_or("")
}

fn compliance_of(f: &sh::AwsSecurityFinding) -> &str {
    f.compliance.as_ref().and_then(|c| c.status.as_deref()).unwrap_or("")
}

fn workflow_of(f: &sh::AwsSecurityFinding) -> &str {
    f.workflow.as_ref().and_then(|w| w.status.as_deref()).unwrap_or("NEW")
}

fn resource_of(f: &sh::AwsSecurityFinding) -> &str {
    f.resources.first().map(|r| r.id.as_str()).unwrap_or("")
}

/// The score line(s) every format that shows a score carries.
pub fn score_text(r: &Report) -> String {
    let s = &r.score;
    let head = match s.percent {
        Some(p) => {
            format!("Security score: {p}% ({} of {} controls with data passed; {})", s.passed, s.with_data, s.method)
        }
        None => "Security score: no data (no control has findings yet)".to_string(),
    };
    let mut out = format!("{head}\n");
    for st in &s.standards {
        let pct = st.percent.map(|p| format!("{p}%")).unwrap_or_else(|| "no data".into());
        let _ = writeln!(out, "  {:<52} {pct:>8}  ({} of {} passed)", st.standard, st.passed, st.with_data);
    }
    if s.not_implemented > 0 {
        let _ = writeln!(
            out,
            "Note: {} control(s) of the enabled standards are not implemented by hubsim yet and are not in this score, \
             so it is not Security Hub's whole score.",
            s.not_implemented
        );
    }
    out
}

/// The human table.
pub fn table(r: &Report, transcript: &[String]) -> String {
    let mut out = score_text(r);
    out.push('\n');
    let _ = writeln!(out, "{:<14} {:<9} {:<9} TITLE", "CONTROL", "SEVERITY", "STATUS");
    for c in &r.controls {
        let _ = writeln!(out, "{:<14} {:<9} {:<9} {}", c.id, c.severity, c.status.as_str(), c.title);
        for f in r.findings.iter().filter(|f| control_of(f) == c.id) {
            let wf = workflow_of(f);
            match (compliance_of(f), wf) {
                (_, "SUPPRESSED") => {
                    let note = f.note.as_ref().map(|n| n.text.as_str()).unwrap_or("");
                    let _ = writeln!(
                        out,
                        "    SUPPRESSED {} {}: {note}",
                        f.region.as_deref().unwrap_or(""),
                        resource_of(f)
                    );
                }
                ("FAILED" | "WARNING" | "NOT_AVAILABLE", _) => {
                    let _ = writeln!(
                        out,
                        "    {} {} {}: {}",
                        compliance_of(f),
                        f.region.as_deref().unwrap_or(""),
                        resource_of(f),
                        reason(f)
                    );
                }
                _ => {}
            }
        }
    }
    if !r.unmatched_suppressions.is_empty() {
        out.push('\n');
        for s in &r.unmatched_suppressions {
            let _ =
                writeln!(out, "warning: suppression of {} {} {} matched no finding", s.control, s.region, s.resource);
        }
    }
    if !transcript.is_empty() {
        out.push_str("\nTranscript:\n");
        for line in transcript {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

fn status_json(s: ControlStatus) -> &'static str {
    s.as_str()
}

/// The JSON envelope.
pub fn json(r: &Report, transcript: &[String]) -> String {
    let controls: Vec<serde_json::Value> = r
        .controls
        .iter()
        .map(|c| {
            json!({
                "id": c.id, "title": c.title, "severity": c.severity, "status": status_json(c.status),
                "regions": c.regions.iter().map(|(k, v)| (k.clone(), json!(v.as_str()))).collect::<serde_json::Map<_, _>>(),
                "standards": c.standards,
            })
        })
        .collect();
    let envelope = json!({
        "format": 1,
        "score": r.score,
        "controls": controls,
        "findings": r.findings,
        "transcript": transcript,
    });
    let mut text = serde_json::to_string_pretty(&envelope).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: FAILED → `<failure>`, SUPPRESSED → `<skipped>`, WARNING/NOT_AVAILABLE →
/// `<skipped>` with the status, PASSED → an empty testcase.
pub fn junit(r: &Report) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"hubsim\">\n");
    for c in &r.controls {
        let findings: Vec<&sh::AwsSecurityFinding> = r.findings.iter().filter(|f| control_of(f) == c.id).collect();
        let failures =
            findings.iter().filter(|f| compliance_of(f) == "FAILED" && workflow_of(f) != "SUPPRESSED").count();
        let skipped = findings
            .iter()
            .filter(|f| workflow_of(f) == "SUPPRESSED" || matches!(compliance_of(f), "WARNING" | "NOT_AVAILABLE"))
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">",
            xml_escape(&c.id),
            findings.len()
        );
        for f in findings {
            let name = format!("{} {} {}", c.id, f.region.as_deref().unwrap_or(""), resource_of(f));
            let _ = write!(out, "    <testcase classname=\"{}\" name=\"{}\"", xml_escape(&c.id), xml_escape(&name));
            if workflow_of(f) == "SUPPRESSED" {
                let note = f.note.as_ref().map(|n| n.text.clone()).unwrap_or_default();
                let _ = writeln!(out, ">\n      <skipped message=\"{}\"/>\n    </testcase>", xml_escape(&note));
            } else {
                match compliance_of(f) {
                    "FAILED" => {
                        let _ = writeln!(
                            out,
                            ">\n      <failure message=\"{}\"/>\n    </testcase>",
                            xml_escape(&reason(f))
                        );
                    }
                    "WARNING" | "NOT_AVAILABLE" => {
                        let msg = format!("{}: {}", compliance_of(f), reason(f));
                        let _ = writeln!(out, ">\n      <skipped message=\"{}\"/>\n    </testcase>", xml_escape(&msg));
                    }
                    _ => {
                        let _ = writeln!(out, "/>");
                    }
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Renders `r` in `format`.
pub fn render(format: Format, r: &Report, transcript: &[String]) -> String {
    match format {
        Format::Table => table(r, transcript),
        Format::Json => json(r, transcript),
        Format::Junit => junit(r),
    }
}
