//! `hubsim run --format html`: one self-contained HTML file (inline CSS, a few lines of inline
//! script, SVG dials; nothing fetched) for people: per scenario the score before and after as a
//! dial, the expectations, the controls by severity and status with how many of their resources
//! failed, each resource's reason, the suppressions with their justifications, what is left for
//! a person, and the remediation transcript.
//!
//! It is written from the same rows as `--format json` (format 2), and every number it shows is
//! also in a `data-` attribute so a test can compare the page with the JSON. Plain `write!` with
//! one escaping function rather than a template crate: the page is one fixed layout, and every
//! value goes through [`esc`] (scenario, resource and bucket names come from users).

use std::fmt::Write as _;

use hubsim_checks::findings::FindingRow;
use hubsim_checks::remediate::Step;
use hubsim_checks::status::ControlRow;
use hubsim_checks::{ControlStatus, Report};

use super::render::xml_escape;
use super::run::{Ran, ScenarioResult};
use super::run_report::Totals;

/// Severities from the most to the least severe, as Security Hub labels them.
const SEVERITIES: [&str; 5] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"];
/// Control statuses in the order the page lists them.
const STATUSES: [ControlStatus; 4] =
    [ControlStatus::Failed, ControlStatus::Unknown, ControlStatus::Passed, ControlStatus::NoData];

/// `s` escaped for HTML text and attribute values (the XML escapes, which HTML5 reads alike).
fn esc(s: &str) -> String {
    xml_escape(s)
}

/// The whole page for `results`.
pub fn page(results: &[ScenarioResult], t: &Totals) -> String {
    let mut h = String::with_capacity(64 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // No request leaves the page: a policy that forbids every fetch but the inline parts.
    h.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; \
         script-src 'unsafe-inline'; img-src data:\">\n",
    );
    let _ = writeln!(h, "<title>hubsim report: {} scenario(s)</title>", t.scenarios);
    h.push_str("<style>\n");
    h.push_str(CSS);
    h.push_str("</style>\n</head>\n");
    let verdict = if t.failed + t.errors == 0 { "passed" } else { "failed" };
    let _ = writeln!(
        h,
        "<body data-scenarios=\"{}\" data-passed=\"{}\" data-failed=\"{}\" data-errors=\"{}\" \
         data-expectations=\"{}\" data-failures=\"{}\" data-verdict=\"{verdict}\">",
        t.scenarios, t.passed, t.failed, t.errors, t.expectations, t.failures
    );
    let _ = writeln!(
        h,
        "<header><h1>hubsim report</h1>\n<p class=\"totals {verdict}\">{} scenario(s): {} passed, {} failed, {} error(s); \
         {} of {} expectation(s) hold; {:.2} s</p>",
        t.scenarios,
        t.passed,
        t.failed,
        t.errors,
        t.expectations - t.failures,
        t.expectations,
        t.seconds
    );
    h.push_str(
        "<nav class=\"filters\" aria-label=\"Show controls\">Show controls: \
         <button type=\"button\" data-show=\"all\" aria-pressed=\"true\">all</button>\
         <button type=\"button\" data-show=\"FAILED\" aria-pressed=\"false\">failed</button>\
         <button type=\"button\" data-show=\"UNKNOWN\" aria-pressed=\"false\">unknown</button>\
         <button type=\"button\" data-show=\"PASSED\" aria-pressed=\"false\">passed</button>\
         <button type=\"button\" data-show=\"NO_DATA\" aria-pressed=\"false\">no data</button></nav>\n</header>\n<main>\n",
    );
    for (index, r) in results.iter().enumerate() {
        scenario(&mut h, index, r);
    }
    h.push_str("</main>\n<script>\n");
    h.push_str(SCRIPT);
    h.push_str("</script>\n</body>\n</html>\n");
    h
}

/// One scenario's section.
fn scenario(h: &mut String, index: usize, r: &ScenarioResult) {
    let path = esc(&r.path.display().to_string());
    let ran = match &r.result {
        Err(p) => {
            let _ = writeln!(
                h,
                "<section class=\"scenario error\" id=\"scenario-{index}\" data-path=\"{path}\" data-status=\"error\">\n\
                 <h2><span class=\"badge error\">error</span> {path}</h2>\n<p class=\"problem\">{}</p>\n</section>",
                esc(&p.message)
            );
            return;
        }
        Ok(ran) => ran,
    };
    let outcome = ran.outcome.as_ref();
    let last = ran.last();
    let calls = outcome.map(|o| o.transcript.iter().filter(|s| s.action != "suppress").count()).unwrap_or(0);
    let _ = writeln!(
        h,
        "<section class=\"scenario\" id=\"scenario-{index}\" data-path=\"{path}\" data-name=\"{}\" data-era=\"{}\" \
         data-status=\"{}\" data-score-before=\"{}\" data-score-after=\"{}\" data-expectations=\"{}\" \
         data-failures=\"{}\" data-transcript=\"{}\" data-calls=\"{calls}\" data-manual=\"{}\" data-rounds=\"{}\" \
         data-findings=\"{}\">",
        esc(&ran.name),
        esc(ran.era),
        r.status(),
        percent_attr(&ran.before),
        outcome.map(|o| percent_attr(&o.after)).unwrap_or_default(),
        ran.verdicts.len(),
        ran.failures(),
        outcome.map(|o| o.transcript.len()).unwrap_or(0),
        outcome.map(|o| o.manual.len()).unwrap_or(0),
        outcome.map(|o| o.rounds).unwrap_or(0),
        last.findings.len(),
    );
    let _ = writeln!(
        h,
        "<h2><span class=\"badge {status}\">{status}</span> {}</h2>\n<p class=\"path\">{path} · era {} · {:.2} s</p>",
        esc(&ran.name),
        esc(ran.era),
        r.seconds,
        status = r.status(),
    );
    h.push_str("<div class=\"dials\">\n");
    match outcome {
        Some(o) => {
            dial(h, "before", "Before remediation", &ran.before);
            dial(h, "after", "After remediation", &o.after);
            let _ = writeln!(
                h,
                "<p class=\"summary\">{calls} call(s) and {} suppression(s) in {} round(s){}; {} item(s) left for a person</p>",
                o.transcript.len() - calls,
                o.rounds,
                if o.converged { "" } else { ", <strong>not converged</strong>" },
                o.manual.len()
            );
        }
        None => dial(h, "before", "Score", &ran.before),
    }
    h.push_str("</div>\n");
    expectations(h, ran);
    severity_grid(h, last);
    controls(h, ran);
    suppressions(h, last);
    if let Some(o) = outcome {
        manual(h, &o.manual);
        transcript(h, &o.transcript);
    }
    h.push_str("</section>\n");
}

/// The score's percentage as an attribute value (empty without data).
fn percent_attr(r: &Report) -> String {
    r.score.percent.map(|p| p.to_string()).unwrap_or_default()
}

/// The score as a ring: the arc is the share of controls with data that passed.
fn dial(h: &mut String, which: &str, label: &str, r: &Report) {
    // r = 15.9155 makes the circumference 100, so the dash length is the percentage.
    let (arc, text, class) = match r.score.percent {
        Some(p) => (
            p,
            format!("{p}%"),
            if p >= 90 {
                "good"
            } else if p >= 50 {
                "fair"
            } else {
                "poor"
            },
        ),
        None => (0, "no data".to_string(), "none"),
    };
    let s = &r.score;
    let _ = writeln!(
        h,
        "<figure class=\"dial {class}\" data-dial=\"{which}\" data-percent=\"{}\" data-passed=\"{}\" data-with-data=\"{}\">\n\
         <svg viewBox=\"0 0 36 36\" role=\"img\" aria-label=\"{label}: {text}\">\
         <circle class=\"track\" cx=\"18\" cy=\"18\" r=\"15.9155\"/>\
         <circle class=\"arc\" cx=\"18\" cy=\"18\" r=\"15.9155\" stroke-dasharray=\"{arc} 100\"/>\
         <text x=\"18\" y=\"20.5\">{text}</text></svg>\n\
         <figcaption>{label}<br><small>{} of {} controls with data passed ({})</small></figcaption>",
        percent_attr(r),
        s.passed,
        s.with_data,
        s.passed,
        s.with_data,
        esc(s.method),
    );
    if !s.standards.is_empty() {
        h.push_str("<ul class=\"standards\">");
        for st in &s.standards {
            let pct = st.percent.map(|p| format!("{p}%")).unwrap_or_else(|| "no data".into());
            let _ = write!(
                h,
                "<li data-standard=\"{}\" data-percent=\"{}\" data-passed=\"{}\" data-with-data=\"{}\">{}: {pct} \
                 ({} of {})</li>",
                esc(&st.standard),
                st.percent.map(|p| p.to_string()).unwrap_or_default(),
                st.passed,
                st.with_data,
                esc(&st.standard),
                st.passed,
                st.with_data
            );
        }
        h.push_str("</ul>");
    }
    h.push_str("\n</figure>\n");
}

fn expectations(h: &mut String, ran: &Ran) {
    let n = ran.verdicts.len();
    let _ = writeln!(h, "<h3>Expectations: {} of {n} hold</h3>", n - ran.failures());
    if n == 0 {
        h.push_str("<p>None in this scenario.</p>\n");
        return;
    }
    // Open when one fails or they are few; a long list of those that hold stays folded.
    let open = if ran.failures() > 0 || n <= 10 { " open" } else { "" };
    let _ = writeln!(h, "<details class=\"expectations\"{open}><summary>{n} expectation(s)</summary>");
    h.push_str(
        "<div class=\"scroll\"><table class=\"expectations\">\n\
         <thead><tr><th>Block</th><th>Subject</th><th>Expected</th><th>Got</th><th>Result</th></tr></thead><tbody>\n",
    );
    for (block, v) in &ran.verdicts {
        let result = if v.holds { "holds" } else { "fails" };
        let reason = v.reason.as_deref().map(|r| format!("<br><small>{}</small>", esc(r))).unwrap_or_default();
        let _ = writeln!(
            h,
            "<tr class=\"{result}\" data-block=\"{}\" data-holds=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}{reason}</td>\
             <td>{result}</td></tr>",
            block.as_str(),
            v.holds,
            block.as_str(),
            esc(&v.subject),
            esc(&v.expected),
            esc(&v.got)
        );
    }
    h.push_str("</tbody></table></div></details>\n");
}

/// How many controls of each severity have each status.
fn severity_grid(h: &mut String, r: &Report) {
    h.push_str("<h3>Controls by severity and status</h3>\n<div class=\"scroll\"><table class=\"grid\">\n<thead><tr><th>Severity</th>");
    for s in STATUSES {
        let _ = write!(h, "<th>{}</th>", s.as_str().replace('_', " "));
    }
    h.push_str("</tr></thead><tbody>\n");
    for sev in SEVERITIES {
        let _ = write!(h, "<tr><th>{sev}</th>");
        for s in STATUSES {
            let n = r.controls.iter().filter(|c| c.severity == sev && c.status == s).count();
            let _ = write!(
                h,
                "<td class=\"{}{}\" data-severity=\"{sev}\" data-status=\"{}\" data-count=\"{n}\">{n}</td>",
                s.as_str(),
                if n == 0 { " zero" } else { "" },
                s.as_str()
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></div>\n");
}

/// Each control of the last report, grouped by severity, with its resources and their reasons.
fn controls(h: &mut String, ran: &Ran) {
    let last = ran.last();
    let remediated = ran.outcome.is_some();
    let when = if remediated { " after remediation" } else { "" };
    let _ = writeln!(h, "<h3>Controls{when}</h3>");
    for sev in SEVERITIES {
        let of_sev: Vec<&ControlRow> = last.controls.iter().filter(|c| c.severity == sev).collect();
        if of_sev.is_empty() {
            continue;
        }
        let _ = writeln!(h, "<h4 class=\"severity {sev}\">{sev} ({})</h4>", of_sev.len());
        for status in STATUSES {
            for c in of_sev.iter().filter(|c| c.status == status) {
                control(h, c, last, remediated.then_some(&ran.before));
            }
        }
    }
}

/// One control: a summary line (status, "n of m failed", title) opening onto its resources.
fn control(h: &mut String, c: &ControlRow, last: &Report, before: Option<&Report>) {
    let rows: Vec<&FindingRow> = last.findings.iter().filter(|f| f.control == c.id).collect();
    let failed = rows.iter().filter(|f| f.compliance() == "FAILED" && !f.suppressed()).count();
    let suppressed = rows.iter().filter(|f| f.suppressed()).count();
    let status = c.status.as_str();
    let before_status = before.and_then(|b| b.controls.iter().find(|x| x.id == c.id)).map(|x| x.status.as_str());
    let count = if rows.is_empty() { "no resources".to_string() } else { format!("{failed} of {} failed", rows.len()) };
    let was = match before_status {
        Some(b) if b != status => format!(" <span class=\"was\">(was <b class=\"{b}\">{b}</b>)</span>"),
        _ => String::new(),
    };
    let _ = writeln!(
        h,
        "<details class=\"control\" data-control=\"{id}\" data-severity=\"{}\" data-status=\"{status}\" \
         data-before-status=\"{}\" data-failed=\"{failed}\" data-resources=\"{}\" data-suppressed=\"{suppressed}\">\n\
         <summary><b class=\"status {status}\">{status}</b> <b>{id}</b> <span class=\"count\">{count}</span>{was} \
         <span class=\"title\">{}</span></summary>",
        c.severity,
        before_status.unwrap_or(""),
        rows.len(),
        esc(&c.title),
        id = esc(&c.id),
    );
    if rows.is_empty() {
        h.push_str("<p class=\"empty\">No finding: nothing in scope for this control.</p>\n");
    } else {
        h.push_str("<ul class=\"resources\">\n");
        for f in rows {
            let (shown, why) = if f.suppressed() {
                ("SUPPRESSED", f.note.as_deref().map(|n| format!("{} — justification: {n}", f.reason)))
            } else {
                (f.compliance(), None)
            };
            let _ = writeln!(
                h,
                "<li class=\"{shown}\" data-region=\"{}\" data-compliance=\"{}\" data-suppressed=\"{}\">\
                 <b class=\"status {shown}\">{shown}</b> <span class=\"region\">{}</span> <code>{}</code>\
                 <div class=\"reason\">{}</div></li>",
                esc(&f.region),
                esc(f.compliance()),
                f.suppressed(),
                esc(&f.region),
                esc(&f.resource),
                esc(why.as_deref().unwrap_or(&f.reason))
            );
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</details>\n");
}

fn suppressions(h: &mut String, r: &Report) {
    let suppressed: Vec<&FindingRow> = r.findings.iter().filter(|f| f.suppressed()).collect();
    let _ = writeln!(h, "<h3 data-suppressions=\"{}\">Suppressions ({})</h3>", suppressed.len(), suppressed.len());
    if suppressed.is_empty() {
        h.push_str("<p>None.</p>\n");
        return;
    }
    h.push_str(
        "<div class=\"scroll\"><table class=\"suppressions\"><thead><tr><th>Control</th><th>Region</th><th>Resource</th>\
         <th>Finding</th><th>Justification</th></tr></thead><tbody>\n",
    );
    for f in suppressed {
        let _ = writeln!(
            h,
            "<tr data-control=\"{}\"><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            esc(&f.control),
            esc(&f.control),
            esc(&f.region),
            esc(&f.resource),
            esc(f.compliance()),
            esc(f.note.as_deref().unwrap_or("(no note)"))
        );
    }
    h.push_str("</tbody></table></div>\n");
}

fn manual(h: &mut String, items: &[hubsim_checks::remediate::Manual]) {
    let _ = writeln!(h, "<h3 data-manual=\"{}\">Left for a person ({})</h3>", items.len(), items.len());
    if items.is_empty() {
        h.push_str("<p>Nothing: every failed finding was fixed or suppressed with a justification.</p>\n");
        return;
    }
    h.push_str("<ul class=\"manual\">\n");
    for m in items {
        let _ = writeln!(
            h,
            "<li data-control=\"{}\"><b>{}</b> <span class=\"region\">{}</span> <code>{}</code>\
             <div class=\"reason\">{}</div></li>",
            esc(&m.control),
            esc(&m.control),
            esc(&m.region),
            esc(&m.resource),
            esc(&m.why)
        );
    }
    h.push_str("</ul>\n");
}

fn transcript(h: &mut String, steps: &[Step]) {
    let _ =
        writeln!(h, "<h3 data-transcript=\"{}\">Remediation transcript ({} step(s))</h3>", steps.len(), steps.len());
    if steps.is_empty() {
        h.push_str("<p>No call: nothing to fix.</p>\n");
        return;
    }
    h.push_str("<ol class=\"transcript\">\n");
    for s in steps {
        let ok = if s.result == "ok" { "ok" } else { "refused" };
        let note = s.note.as_deref().map(|n| format!("<div class=\"note\">{}</div>", esc(n))).unwrap_or_default();
        let input = s
            .input
            .as_ref()
            .and_then(|i| serde_json::to_string_pretty(i).ok())
            .map(|i| format!("<details><summary>input</summary><pre>{}</pre></details>", esc(&i)))
            .unwrap_or_default();
        let _ = writeln!(
            h,
            "<li class=\"{ok}\" data-round=\"{}\" data-control=\"{}\" data-action=\"{}\"><span class=\"round\">round {}</span> \
             <b>{}</b> <span class=\"region\">{}</span> <code>{}</code> → {}<div class=\"detail\">{}</div>{note}{input}</li>",
            s.round,
            esc(&s.control),
            esc(&s.action),
            s.round,
            esc(&s.control),
            esc(&s.region),
            esc(&s.action),
            esc(&s.result),
            esc(&s.detail)
        );
    }
    h.push_str("</ol>\n");
}

/// The page's style: one column on a phone, wider tables scroll inside their box.
const CSS: &str = r#"
:root { --fail: #c62828; --pass: #2e7d32; --unknown: #ef6c00; --none: #757575; --bg: #fafafa; --line: #ddd; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: #212121; }
header { padding: 1rem; background: #232f3e; color: #fff; }
header h1 { margin: 0 0 .3rem; font-size: 1.4rem; }
.totals.failed { color: #ffab91; } .totals.passed { color: #a5d6a7; }
.filters button { margin: .2rem; padding: .3rem .7rem; border-radius: 1rem; border: 1px solid #fff; background: transparent; color: #fff; font: inherit; cursor: pointer; }
.filters button[aria-pressed="true"] { background: #fff; color: #232f3e; }
main { padding: .5rem; max-width: 72rem; margin: auto; }
section.scenario { background: #fff; border: 1px solid var(--line); border-radius: .5rem; margin: .8rem 0; padding: .8rem 1rem; }
h2 { font-size: 1.2rem; margin: .2rem 0; overflow-wrap: anywhere; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; border-bottom: 1px solid var(--line); }
h4 { margin: .8rem 0 .3rem; font-size: .95rem; }
.path { color: #616161; margin: 0; overflow-wrap: anywhere; }
.badge { font-size: .8rem; padding: .1rem .5rem; border-radius: .8rem; color: #fff; vertical-align: middle; }
.badge.passed { background: var(--pass); } .badge.failed, .badge.error { background: var(--fail); }
.dials { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
.dial { margin: .5rem 0; flex: 1 1 9rem; max-width: 22rem; }
.dial svg { width: 9rem; height: 9rem; display: block; }
.dial .track { fill: none; stroke: #eee; stroke-width: 3.2; }
.dial .arc { fill: none; stroke-width: 3.2; stroke-linecap: round; transform: rotate(-90deg); transform-origin: 50% 50%; }
.dial.good .arc { stroke: var(--pass); } .dial.fair .arc { stroke: var(--unknown); } .dial.poor .arc { stroke: var(--fail); }
.dial text { font-size: .55rem; font-weight: 600; text-anchor: middle; fill: #212121; }
.standards { padding-left: 1rem; margin: .3rem 0; font-size: .85rem; overflow-wrap: anywhere; }
.summary { flex-basis: 100%; margin: 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .4rem; text-align: left; vertical-align: top; }
td { overflow-wrap: break-word; }
.grid td { text-align: center; font-weight: 600; } .grid td.zero { color: #bbb; font-weight: 400; }
tr.fails td { background: #ffebee; }
details.control { border-bottom: 1px solid var(--line); padding: .25rem 0; }
details.control summary { cursor: pointer; overflow-wrap: anywhere; }
.title { color: #424242; } .count { font-variant-numeric: tabular-nums; }
.status, .was b { font-size: .8rem; }
.FAILED { color: var(--fail); } .PASSED { color: var(--pass); } .UNKNOWN, .WARNING, .NOT_AVAILABLE { color: var(--unknown); }
.NO_DATA, .SUPPRESSED { color: var(--none); }
.grid td.FAILED.zero, .grid td.PASSED.zero, .grid td.UNKNOWN.zero, .grid td.NO_DATA.zero { color: #bbb; }
ul.resources, ul.manual, ol.transcript { padding-left: 1.2rem; margin: .3rem 0; }
ul.resources li, ul.manual li, ol.transcript li { margin: .3rem 0; overflow-wrap: anywhere; }
.reason, .detail, .note { color: #424242; font-size: .88rem; }
.note { font-style: italic; }
code { font-size: .85em; overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f5f5f5; padding: .4rem; font-size: .8rem; }
ol.transcript li.refused { color: var(--fail); }
.region, .round { color: #616161; font-size: .85rem; }
[hidden] { display: none !important; }
@media (max-width: 40rem) { body { font-size: 14px; } main { padding: .2rem; } section.scenario { padding: .6rem; } .dial svg { width: 6.5rem; height: 6.5rem; } .standards { font-size: .75rem; } .grid th, .grid td { font-size: .72rem; padding: .2rem .15rem; } }
"#;

/// The only script: the status filter buttons (the page reads fine without it).
const SCRIPT: &str = r#"
"use strict";
(function () {
  var buttons = document.querySelectorAll(".filters button");
  function show(status) {
    document.querySelectorAll("details.control").forEach(function (d) {
      d.hidden = status !== "all" && d.dataset.status !== status;
    });
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.show === status)); });
  }
  buttons.forEach(function (b) { b.addEventListener("click", function () { show(b.dataset.show); }); });
  show("all");
})();
"#;
