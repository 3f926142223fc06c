//! `hubsim run`'s reports over several scenarios: the table and JSON are written scenario by
//! scenario as each finishes (a JSON scenario's findings are read from its state, which goes
//! once written), JUnit, Markdown and HTML once all have run (their first lines hold the totals); OCSF events
//! as each scenario finishes, like the JSON.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use anyhow::Context;
use hubsim_checks::{ControlStatus, Report, Score};
use hubsim_simulator::Simulator;
use serde::Serialize;
use serde_json::json;

use super::remediate_cmd::report_outcome;
use super::render::{broken_pipe, controls_json, junit, write_report, xml_escape, Findings, Format, Show};
use super::run::{expect_name, Ran, RunFormat, ScenarioResult};
use crate::exit::Failure;

/// Where `hubsim run` writes its report, and in which format.
pub struct Sink {
    out: Box<dyn Write>,
    /// The file written, if not standard output (named in errors).
    path: Option<std::path::PathBuf>,
    format: RunFormat,
    junit_findings: bool,
    /// What the table shows.
    show: Show,
    /// With `--format ocsf`: no event written yet (the next one takes no comma).
    first_event: bool,
}

impl Sink {
    /// Opens the output: the file at `path` (created or truncated now, so an unwritable path is
    /// refused before anything runs), or standard output.
    pub fn open(path: Option<&Path>, format: RunFormat, junit_findings: bool, show: Show) -> Result<Sink, Failure> {
        let out: Box<dyn Write> = match path {
            Some(p) => {
                let file = std::fs::File::create(p)
                    .map_err(|e| Failure::BadInput(format!("--output {}: cannot write there: {e}", p.display())))?;
                Box::new(std::io::BufWriter::new(file))
            }
            None => Box::new(std::io::BufWriter::new(std::io::stdout())),
        };
        let mut sink = Sink { out, path: path.map(Path::to_path_buf), format, junit_findings, show, first_event: true };
        match format {
            RunFormat::Json => sink.write(|out| Ok(out.write_all(b"{\"format\": 2, \"scenarios\": [\n")?))?,
            RunFormat::Ocsf => sink.write(|out| Ok(out.write_all(b"[")?))?,
            _ => {}
        }
        Ok(sink)
    }

    /// Runs `f` on the output; a reader of standard output that went away is not an error
    /// (the rest is dropped).
    fn write(&mut self, f: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>) -> Result<(), Failure> {
        match f(&mut *self.out) {
            Ok(()) => Ok(()),
            Err(e) if self.path.is_none() && broken_pipe(&e) => Ok(()),
            Err(e) => {
                let place = self.path.as_ref().map(|p| p.display().to_string()).unwrap_or("standard output".into());
                Err(Failure::Internal(e.context(format!("writing {place}"))))
            }
        }
    }

    /// Writes what the format shows of scenario number `index` (of `count`) as it finishes;
    /// `sim` is its state.
    pub fn scenario(
        &mut self,
        index: usize,
        count: usize,
        r: &ScenarioResult,
        sim: Option<&Simulator>,
    ) -> Result<(), Failure> {
        match self.format {
            RunFormat::Table => {
                let show = self.show.clone();
                self.write(|out| table(out, r, sim, count > 1, &show))
            }
            RunFormat::Json => self.write(|out| {
                if index > 0 {
                    out.write_all(b",\n")?;
                }
                scenario_json(out, r, sim)
            }),
            RunFormat::Ocsf => {
                let mut first = self.first_event;
                let written = self.write(|out| ocsf_events(out, r, sim, &mut first));
                self.first_event = first;
                written
            }
            RunFormat::Junit | RunFormat::Markdown | RunFormat::Html => Ok(()),
        }
    }

    /// Writes what comes after the last scenario (the whole report for JUnit and Markdown) and
    /// flushes.
    pub fn finish(mut self, results: &[ScenarioResult]) -> Result<(), Failure> {
        let totals = Totals::of(results);
        let junit_findings = self.junit_findings;
        match self.format {
            RunFormat::Table if results.len() > 1 => self.write(|out| {
                Ok(writeln!(
                    out,
                    "\n{} scenario(s): {} passed, {} failed, {} error(s)",
                    results.len(),
                    totals.passed,
                    totals.failed,
                    totals.errors
                )?)
            })?,
            RunFormat::Table => {}
            RunFormat::Json => self.write(|out| {
                writeln!(out, "\n], \"totals\": {}}}", serde_json::to_string(&totals)?)?;
                Ok(())
            })?,
            RunFormat::Junit if junit_findings => {
                let text = match results.first().map(|r| &r.result) {
                    Some(Ok(ran)) => junit(ran.last()),
                    _ => junit_suites(results, &totals),
                };
                self.write(|out| Ok(out.write_all(text.as_bytes())?))?
            }
            RunFormat::Junit => {
                let text = junit_suites(results, &totals);
                self.write(|out| Ok(out.write_all(text.as_bytes())?))?
            }
            RunFormat::Markdown => {
                let text = markdown(results, &totals);
                self.write(|out| Ok(out.write_all(text.as_bytes())?))?
            }
            RunFormat::Html => {
                let text = super::report_html::page(results, &totals);
                self.write(|out| Ok(out.write_all(text.as_bytes())?))?
            }
            RunFormat::Ocsf => self.write(|out| Ok(out.write_all(b"\n]\n")?))?,
        }
        self.write(|out| Ok(out.flush()?))
    }
}

/// Counts over all scenarios.
#[derive(Debug, Default, Serialize)]
pub struct Totals {
    /// Scenarios run or refused.
    pub scenarios: usize,
    /// Scenarios whose expectations all hold.
    pub passed: usize,
    /// Scenarios with an expectation that does not hold.
    pub failed: usize,
    /// Scenarios that could not run.
    pub errors: usize,
    /// Expectations checked.
    pub expectations: usize,
    /// Expectations that do not hold.
    pub failures: usize,
    /// Seconds, all scenarios.
    pub seconds: f64,
}

impl Totals {
    /// The totals of `results`.
    pub fn of(results: &[ScenarioResult]) -> Totals {
        let mut t = Totals { scenarios: results.len(), ..Default::default() };
        for r in results {
            t.seconds += r.seconds;
            match r.status() {
                "passed" => t.passed += 1,
                "failed" => t.failed += 1,
                _ => t.errors += 1,
            }
            if let Ok(ran) = &r.result {
                t.expectations += ran.verdicts.len();
                t.failures += ran.failures();
            }
        }
        t
    }
}

fn score_of(r: &Report) -> String {
    r.score.percent.map(|p| format!("{p}%")).unwrap_or_else(|| "no data".into())
}

/// The scores before → after (or the one score without remediation).
fn scores(ran: &Ran) -> String {
    match &ran.outcome {
        Some(o) => format!("{} → {}", score_of(&ran.before), score_of(&o.after)),
        None => score_of(&ran.before),
    }
}

/// The table of one scenario: the report as `hubsim evaluate`/`remediate` print it, then its
/// expectations.
fn table(
    out: &mut dyn Write,
    r: &ScenarioResult,
    sim: Option<&Simulator>,
    heading: bool,
    show: &Show,
) -> anyhow::Result<()> {
    if heading {
        let name = r.result.as_ref().map(|ran| format!(" ({})", ran.name)).unwrap_or_default();
        writeln!(out, "== {}{name}", r.path.display())?;
    }
    let ran = match (&r.result, sim) {
        (Ok(ran), Some(sim)) => {
            match &ran.outcome {
                Some(o) => report_outcome(out, Format::Table, o, sim, show)?,
                None => write_report(out, Format::Table, &ran.before, &[], sim, show)?,
            }
            ran
        }
        (Err(p), _) => return Ok(writeln!(out, "error: {}\n", p.message)?),
        (Ok(_), None) => anyhow::bail!("the state of {} is gone before its report", r.path.display()),
    };
    let held = ran.verdicts.len() - ran.failures();
    if ran.verdicts.is_empty() {
        writeln!(out, "\nExpectations: none in this scenario")?;
    } else {
        writeln!(out, "\nExpectations: {held} of {} hold", ran.verdicts.len())?;
    }
    for (block, v) in ran.verdicts.iter().filter(|(_, v)| !v.holds) {
        writeln!(out, "  FAILED {}: {}", expect_name(*block), v.line())?;
    }
    writeln!(out)?;
    Ok(())
}

/// A report's score and control statuses, for `before` and `after`.
#[derive(Serialize)]
struct Brief<'a> {
    score: &'a Score,
    controls: Vec<serde_json::Value>,
}

impl<'a> Brief<'a> {
    fn of(r: &'a Report) -> Self {
        Brief {
            score: &r.score,
            controls: r.controls.iter().map(|c| json!({"id": c.id, "status": c.status.as_str()})).collect(),
        }
    }
}

/// One scenario in the JSON format.
#[derive(Serialize)]
struct ScenarioJson<'a> {
    path: String,
    name: Option<&'a str>,
    era: Option<&'a str>,
    status: &'static str,
    seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    expectations: Vec<serde_json::Value>,
    before: Option<Brief<'a>>,
    after: Option<Brief<'a>>,
    converged: Option<bool>,
    rounds: Option<usize>,
    /// The last report's score, controls and whole findings.
    score: Option<&'a Score>,
    controls: Vec<serde_json::Value>,
    findings: Option<Findings<'a, Simulator>>,
    transcript: &'a [hubsim_checks::remediate::Step],
    manual: &'a [hubsim_checks::remediate::Manual],
}

fn scenario_json(out: &mut dyn Write, r: &ScenarioResult, sim: Option<&Simulator>) -> anyhow::Result<()> {
    let ran = r.result.as_ref().ok();
    let outcome = ran.and_then(|x| x.outcome.as_ref());
    let last = ran.map(Ran::last);
    let doc = ScenarioJson {
        path: r.path.display().to_string(),
        name: ran.map(|x| x.name.as_str()),
        era: ran.map(|x| x.era),
        status: r.status(),
        seconds: r.seconds,
        error: r.result.as_ref().err().map(|p| p.message.as_str()),
        expectations: ran
            .map(|x| {
                x.verdicts
                    .iter()
                    .map(|(block, v)| {
                        let mut e = serde_json::to_value(v).unwrap_or_default();
                        if let Some(map) = e.as_object_mut() {
                            map.insert("block".into(), json!(block.as_str()));
                        }
                        e
                    })
                    .collect()
            })
            .unwrap_or_default(),
        before: ran.map(|x| Brief::of(&x.before)),
        after: outcome.map(|o| Brief::of(&o.after)),
        converged: outcome.map(|o| o.converged),
        rounds: outcome.map(|o| o.rounds),
        score: last.map(|l| &l.score),
        controls: last.map(controls_json).unwrap_or_default(),
        findings: match (last, sim) {
            (Some(l), Some(sim)) => Some(Findings::of(sim, l)),
            _ => None,
        },
        transcript: outcome.map(|o| o.transcript.as_slice()).unwrap_or_default(),
        manual: outcome.map(|o| o.manual.as_slice()).unwrap_or_default(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).context("writing a scenario's JSON")?;
    Ok(())
}

/// The OCSF events of one scenario's last report (none for a scenario that could not run).
fn ocsf_events(
    out: &mut dyn Write,
    r: &ScenarioResult,
    sim: Option<&Simulator>,
    first: &mut bool,
) -> anyhow::Result<()> {
    let (Ok(ran), Some(sim)) = (&r.result, sim) else { return Ok(()) };
    let last = ran.last();
    let mut regions: Vec<&str> = Vec::new();
    for f in &last.findings {
        if regions.last() != Some(&f.region.as_str()) {
            regions.push(&f.region);
        }
    }
    let path = r.path.display().to_string();
    let written = super::report_ocsf::write_events(out, sim, &regions, &path, first)?;
    anyhow::ensure!(
        written == last.findings.len(),
        "Security Hub holds {written} active control findings of {path}, the report {}",
        last.findings.len()
    );
    Ok(())
}

/// JUnit XML: a `<testsuite>` per scenario named by its path, a `<testcase>` per expectation
/// (`<failure>` with expected and got when it does not hold); a scenario that could not run is
/// one `<testcase>` with an `<error>`; the last report's control statuses are `<properties>`.
fn junit_suites(results: &[ScenarioResult], t: &Totals) -> String {
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"hubsim\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\">",
        t.expectations + t.errors + results.iter().filter(|r| is_empty_run(r)).count(),
        t.failures,
        t.errors,
        t.seconds
    );
    for r in results {
        let path = xml_escape(&r.path.display().to_string());
        match &r.result {
            Err(p) => {
                let _ = writeln!(
                    x,
                    "  <testsuite name=\"{path}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"{:.3}\">",
                    r.seconds
                );
                let _ = writeln!(
                    x,
                    "    <testcase classname=\"{path}\" name=\"load the scenario\" time=\"{:.3}\">\n      <error message=\"{}\" type=\"{}\"/>\n    </testcase>",
                    r.seconds,
                    xml_escape(&p.message),
                    if p.bad_input { "bad input" } else { "internal error" }
                );
            }
            Ok(ran) => {
                let tests = ran.verdicts.len().max(1);
                let _ = writeln!(
                    x,
                    "  <testsuite name=\"{path}\" tests=\"{tests}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"{:.3}\">",
                    ran.failures(),
                    r.seconds
                );
                x.push_str("    <properties>\n");
                let mut prop = |name: &str, value: &str| {
                    let _ =
                        writeln!(x, "      <property name=\"{}\" value=\"{}\"/>", xml_escape(name), xml_escape(value));
                };
                prop("scenario", &ran.name);
                prop("era", ran.era);
                prop("score", &scores(ran));
                for c in &ran.last().controls {
                    prop(&format!("control {}", c.id), c.status.as_str());
                }
                x.push_str("    </properties>\n");
                if ran.verdicts.is_empty() {
                    let _ = writeln!(x, "    <testcase classname=\"{path}\" name=\"the scenario runs\" time=\"0\"/>");
                }
                for (block, v) in &ran.verdicts {
                    let name = xml_escape(&format!("{}: {}", expect_name(*block), v.subject));
                    if v.holds {
                        let _ = writeln!(x, "    <testcase classname=\"{path}\" name=\"{name}\" time=\"0\"/>");
                    } else {
                        let _ = writeln!(
                            x,
                            "    <testcase classname=\"{path}\" name=\"{name}\" time=\"0\">\n      <failure message=\"{}\" type=\"expectation\">{}</failure>\n    </testcase>",
                            xml_escape(&format!("expected {}, got {}", v.expected, v.got)),
                            xml_escape(&v.line())
                        );
                    }
                }
            }
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

/// A scenario that ran with nothing to check (its suite gets one passing test case).
fn is_empty_run(r: &ScenarioResult) -> bool {
    matches!(&r.result, Ok(ran) if ran.verdicts.is_empty())
}

/// A Markdown table cell: pipes escaped, lines joined.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The Markdown summary: totals, a row per scenario, then per failed scenario its failed
/// expectations, and (for a run of a few scenarios, or a failed one) the controls still failing.
fn markdown(results: &[ScenarioResult], t: &Totals) -> String {
    let mut m = String::new();
    let verdict = if t.failed + t.errors == 0 { "✅" } else { "❌" };
    let _ = writeln!(
        m,
        "## {verdict} hubsim: {} scenario(s), {} passed, {} failed, {} error(s)\n",
        t.scenarios, t.passed, t.failed, t.errors
    );
    m.push_str("| Scenario | Result | Expectations | Score | Time |\n|---|---|---|---|---|\n");
    for r in results {
        let (result, expectations, score) = match &r.result {
            Ok(ran) => {
                let n = ran.verdicts.len();
                let mark = if ran.failures() == 0 { "✅ passed" } else { "❌ failed" };
                (mark.to_string(), format!("{} of {n} hold", n - ran.failures()), scores(ran))
            }
            Err(_) => ("💥 error".to_string(), "-".to_string(), "-".to_string()),
        };
        let _ = writeln!(
            m,
            "| `{}` | {result} | {expectations} | {score} | {:.2} s |",
            cell(&r.path.display().to_string()),
            r.seconds
        );
    }
    let detailed = results.len() <= 5;
    for r in results {
        match &r.result {
            Err(p) => {
                let _ = writeln!(m, "\n### 💥 `{}`\n\n{}", cell(&r.path.display().to_string()), p.message);
            }
            Ok(ran) if detailed || ran.failures() > 0 => {
                let mark = if ran.failures() == 0 { "✅" } else { "❌" };
                let _ = writeln!(m, "\n### {mark} `{}` ({})", cell(&r.path.display().to_string()), cell(&ran.name));
                if ran.failures() > 0 {
                    m.push_str("\nExpectations that do not hold:\n\n");
                    for (block, v) in ran.verdicts.iter().filter(|(_, v)| !v.holds) {
                        let _ = writeln!(m, "- {}: {}", expect_name(*block), cell(&v.line()));
                    }
                }
                failing_controls(&mut m, ran);
            }
            Ok(_) => {}
        }
    }
    m
}

/// The controls the last report holds as FAILED, with their severity, how many of their
/// resources failed, and the first failed resource's reason.
fn failing_controls(m: &mut String, ran: &Ran) {
    let last = ran.last();
    let failing: Vec<_> = last.controls.iter().filter(|c| c.status == ControlStatus::Failed).collect();
    let when = if ran.outcome.is_some() { " after remediation" } else { "" };
    if failing.is_empty() {
        let _ = writeln!(m, "\nNo control failed{when}.");
        return;
    }
    let _ = writeln!(
        m,
        "\nControls failed{when}:\n\n| Control | Severity | Resources failed | Reason |\n|---|---|---|---|"
    );
    for c in failing {
        let rows: Vec<_> = last.findings.iter().filter(|f| f.control == c.id).collect();
        let failed: Vec<_> = rows.iter().filter(|f| f.compliance() == "FAILED" && !f.suppressed()).collect();
        let reason = failed.first().map(|f| f.reason.as_str()).unwrap_or("");
        let _ = writeln!(m, "| {} | {} | {} of {} | {} |", c.id, c.severity, failed.len(), rows.len(), cell(reason));
    }
}
