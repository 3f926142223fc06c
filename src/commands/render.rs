//! Output formats (see `hubsim --help`): `table` for people, `json` (a versioned envelope with full
//! ASFF findings) and `junit` for CI systems.
//!
//! A report keeps compact finding rows; the JSON format's full findings are read from Security
//! Hub page by page as they are written ([`write_report`]), so no format holds every finding
//! of a large account in memory.

use std::fmt::Write;
use std::path::Path;

use anyhow::Context;
use hubsim_checks::findings::{for_each_active, FindingRow};
use hubsim_checks::status::ControlRow;
use hubsim_checks::{ControlStatus, Report};
use hubsim_simulator::AwsApi;
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::json;

use crate::exit::Failure;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable: the score, then controls by status and severity with failed resources.
    Table,
    /// `{"format": 1, "score", "controls", "findings", "transcript"}`; `findings` are the active
    /// control findings as whole ASFF documents, by region, each region's in the order Security
    /// Hub returns them (written as they are read: large accounts stream, they are not held).
    Json,
    /// One `<testsuite>` per control, one `<testcase>` per (region, resource).
    Junit,
}

fn workflow_of(f: &FindingRow) -> &str {
    f.workflow.as_deref().unwrap_or("NEW")
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
    let mut standards = plain_table(&[(52, Align::Left), (8, Align::Right), (0, Align::Left)], 2);
    for st in &s.standards {
        let pct = st.percent.map(|p| format!("{p}%")).unwrap_or_else(|| "no data".into());
        standards.add_row(vec![st.standard.clone(), pct, format!("({} of {} passed)", st.passed, st.with_data)]);
    }
    for line in table_lines(&standards) {
        let _ = writeln!(out, "  {line}");
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

/// What the human table shows (the score is always the whole account's): controls of these
/// ids, statuses and severities, and findings of these regions; empty means all.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Show {
    /// Show only controls with this status (repeatable, or comma-separated): passed, failed,
    /// unknown, no_data. Example: `--status failed`.
    #[arg(long = "status", value_name = "STATUS", value_delimiter = ',', value_enum)]
    pub statuses: Vec<StatusArg>,
    /// Show only controls of this severity (repeatable, or comma-separated). Example:
    /// `--severity critical,high`.
    #[arg(long = "severity", value_name = "SEVERITY", value_delimiter = ',', value_enum)]
    pub severities: Vec<SeverityArg>,
    /// Show only this region's findings, and controls by their status there (repeatable, or
    /// comma-separated). Example: `--region us-east-1`.
    #[arg(long = "region", value_name = "REGION", value_delimiter = ',')]
    pub regions: Vec<String>,
    /// List every failed or suppressed resource under its control; by default the table lists
    /// the first 10 of a control and counts the rest (an account of 20,000 buckets stays
    /// readable).
    #[arg(long)]
    pub all_resources: bool,
    /// Show only these controls (the command's own `--control`).
    #[arg(skip)]
    pub controls: Vec<String>,
    /// Colour the statuses (set by [`Show::for_stdout`]).
    #[arg(skip)]
    pub colour: bool,
}

/// A control status on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusArg {
    /// Every remaining finding PASSED.
    Passed,
    /// At least one FAILED.
    Failed,
    /// WARNING or NOT_AVAILABLE findings, none FAILED.
    Unknown,
    /// No finding.
    NoData,
}

impl StatusArg {
    fn matches(self, s: ControlStatus) -> bool {
        matches!(
            (self, s),
            (StatusArg::Passed, ControlStatus::Passed)
                | (StatusArg::Failed, ControlStatus::Failed)
                | (StatusArg::Unknown, ControlStatus::Unknown)
                | (StatusArg::NoData, ControlStatus::NoData)
        )
    }
}

/// A severity on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SeverityArg {
    /// CRITICAL.
    Critical,
    /// HIGH.
    High,
    /// MEDIUM.
    Medium,
    /// LOW.
    Low,
    /// INFORMATIONAL.
    Informational,
}

impl SeverityArg {
    fn label(self) -> &'static str {
        match self {
            SeverityArg::Critical => "CRITICAL",
            SeverityArg::High => "HIGH",
            SeverityArg::Medium => "MEDIUM",
            SeverityArg::Low => "LOW",
            SeverityArg::Informational => "INFORMATIONAL",
        }
    }
}

impl Show {
    /// This view with the command's `--control` list, coloured if its table goes to a terminal
    /// (`to_stdout`) and `NO_COLOR` is unset (https://no-color.org).
    pub fn with(&self, controls: &[String], to_stdout: bool) -> Show {
        use std::io::IsTerminal;
        let colour = to_stdout
            && std::io::stdout().is_terminal()
            && !matches!(std::env::var_os("NO_COLOR"), Some(v) if !v.is_empty());
        Show { controls: controls.to_vec(), colour, ..self.clone() }
    }

    /// `text` (already padded) in its status's colour, when colouring.
    fn paint(&self, status: &str, text: &str) -> String {
        let code = match status {
            "FAILED" => "31",
            "PASSED" => "32",
            "UNKNOWN" | "WARNING" | "NOT_AVAILABLE" => "33",
            "SUPPRESSED" | "NO_DATA" => "2",
            _ => return text.to_string(),
        };
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Whether anything is filtered out.
    fn filters(&self) -> bool {
        !(self.statuses.is_empty() && self.severities.is_empty() && self.regions.is_empty() && self.controls.is_empty())
    }

    fn shows_region(&self, region: &str) -> bool {
        self.regions.is_empty() || self.regions.iter().any(|r| r == region)
    }

    /// The control's status as shown: over all regions, or over the regions shown.
    fn status_of(&self, c: &ControlRow) -> Option<ControlStatus> {
        if self.regions.is_empty() {
            return Some(c.status);
        }
        let shown: Vec<ControlStatus> =
            c.regions.iter().filter(|(r, _)| self.shows_region(r)).map(|(_, s)| *s).collect();
        // Failed over Unknown over Passed; no region shown, no status.
        [ControlStatus::Failed, ControlStatus::Unknown, ControlStatus::Passed, ControlStatus::NoData]
            .into_iter()
            .find(|s| shown.contains(s))
    }

    fn shows_control(&self, c: &ControlRow) -> Option<ControlStatus> {
        let status = self.status_of(c)?;
        let ok = (self.controls.is_empty() || self.controls.iter().any(|id| id.eq_ignore_ascii_case(&c.id)))
            && (self.statuses.is_empty() || self.statuses.iter().any(|s| s.matches(status)))
            && (self.severities.is_empty() || self.severities.iter().any(|s| s.label() == c.severity));
        ok.then_some(status)
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.controls.is_empty() {
            parts.push(format!("controls {}", self.controls.join(", ")));
        }
        if !self.statuses.is_empty() {
            let s: Vec<String> = self.statuses.iter().map(|s| format!("{s:?}").to_uppercase()).collect();
            parts.push(format!("status {}", s.join(" or ")));
        }
        if !self.severities.is_empty() {
            let s: Vec<&str> = self.severities.iter().map(|s| s.label()).collect();
            parts.push(format!("severity {}", s.join(" or ")));
        }
        if !self.regions.is_empty() {
            parts.push(format!("in {}", self.regions.join(", ")));
        }
        parts.join(", ")
    }
}

/// How many findings failed (unsuppressed), by severity, and how many are suppressed and passed.
fn finding_counts(r: &Report, show: &Show) -> String {
    let shown: Vec<&FindingRow> = r.findings.iter().filter(|f| show.shows_region(&f.region)).collect();
    let failed: Vec<&&FindingRow> = shown.iter().filter(|f| f.compliance() == "FAILED" && !f.suppressed()).collect();
    let mut by_severity = Vec::new();
    for label in ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"] {
        let n = failed.iter().filter(|f| f.severity.as_deref() == Some(label)).count();
        if n > 0 {
            by_severity.push(format!("{n} {label}"));
        }
    }
    let suppressed = shown.iter().filter(|f| f.suppressed()).count();
    let passed = shown.iter().filter(|f| f.compliance() == "PASSED" && !f.suppressed()).count();
    let severities = if by_severity.is_empty() { String::new() } else { format!(" ({})", by_severity.join(", ")) };
    format!("Findings: {} FAILED{severities}; {suppressed} suppressed; {passed} PASSED\n", failed.len())
}

/// Resource lines under a control in the table unless `--all-resources`.
const RESOURCE_LINES: usize = 10;

/// A column's alignment in [`plain_table`].
#[derive(Clone, Copy)]
enum Align {
    Left,
    Right,
}

/// A borderless table whose columns are at least the given widths (0: as wide as the cells),
/// with `gap` spaces between columns; cells are never wrapped.
fn plain_table(columns: &[(u16, Align)], gap: u16) -> comfy_table::Table {
    use comfy_table::{CellAlignment, ColumnConstraint, Width};
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::NOTHING);
    // Columns exist once a row names them: an empty first row sets them up, then goes.
    t.add_row(vec![""; columns.len()]);
    let last = columns.len().saturating_sub(1);
    for (i, (width, align)) in columns.iter().enumerate() {
        if let Some(col) = t.column_mut(i) {
            col.set_padding((0, if i == last { 0 } else { gap }));
            if *width > 0 {
                col.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(
                    *width + if i == last { 0 } else { gap },
                )));
            }
            col.set_cell_alignment(match align {
                Align::Left => CellAlignment::Left,
                Align::Right => CellAlignment::Right,
            });
        }
    }
    t
}

/// The table's lines (without the set-up row), trailing spaces trimmed.
fn table_lines(t: &comfy_table::Table) -> Vec<String> {
    let header = usize::from(t.header().is_some());
    let mut lines: Vec<String> = t.lines().map(|l| l.trim_end().to_string()).collect();
    if lines.len() > header {
        lines.remove(header);
    }
    lines
}

/// `line` with the status word at byte `at` (the STATUS column) in its colour, when colouring.
fn paint_cell(show: &Show, line: &str, at: Option<usize>, status: &str) -> String {
    match at.and_then(|at| Some((at, line.get(at..at + status.len())?))) {
        Some((at, word)) if word == status => {
            format!("{}{}{}", &line[..at], show.paint(status, word), &line[at + status.len()..])
        }
        _ => line.to_string(),
    }
}

/// The lines listed under a control: its failed, unknown and suppressed resources (the first
/// [`RESOURCE_LINES`] unless `--all-resources`), then how many more.
fn resource_lines(rows: &[&FindingRow], show: &Show) -> Vec<String> {
    let mut out = Vec::new();
    let listed =
        rows.iter().filter(|f| f.suppressed() || matches!(f.compliance(), "FAILED" | "WARNING" | "NOT_AVAILABLE"));
    let total = listed.clone().count();
    let room = if show.all_resources { total } else { RESOURCE_LINES };
    for f in listed.take(room) {
        match (f.compliance(), workflow_of(f)) {
            (_, "SUPPRESSED") => {
                let note = f.note.as_deref().unwrap_or("");
                out.push(format!("    {} {} {}: {note}", show.paint("SUPPRESSED", "SUPPRESSED"), f.region, f.resource));
            }
            ("FAILED" | "WARNING" | "NOT_AVAILABLE", _) => {
                let status = show.paint(f.compliance(), f.compliance());
                out.push(format!("    {status} {} {}: {}", f.region, f.resource, f.reason));
            }
            _ => {}
        }
    }
    if total > room {
        out.push(format!("    … and {} more (--all-resources lists them all)", total - room));
    }
    out
}

/// The human table: the score, the findings by severity, then each control shown with how many
/// of its resources failed, its failed and suppressed resources under it.
pub fn table(r: &Report, show: &Show) -> String {
    let mut out = score_text(r);
    out.push_str(&finding_counts(r, show));
    if show.filters() {
        let _ = writeln!(out, "Showing {}", show.describe());
    }
    out.push('\n');
    // The controls as rows of one table (widths from the cells, the old fixed widths as minimums),
    // each followed by its resources' lines, which belong to no column.
    let mut rows =
        plain_table(&[(14, Align::Left), (9, Align::Left), (9, Align::Left), (11, Align::Left), (0, Align::Left)], 1);
    rows.set_header(vec!["CONTROL", "SEVERITY", "STATUS", "RESOURCES", "TITLE"]);
    let mut under: Vec<(ControlStatus, Vec<String>)> = Vec::new();
    for c in &r.controls {
        let Some(status) = show.shows_control(c) else { continue };
        let rows_of: Vec<&FindingRow> =
            r.findings.iter().filter(|f| f.control == c.id && show.shows_region(&f.region)).collect();
        let failed = rows_of.iter().filter(|f| f.compliance() == "FAILED" && !f.suppressed()).count();
        let resources = if rows_of.is_empty() { "-".to_string() } else { format!("{failed} of {}", rows_of.len()) };
        rows.add_row(vec![
            c.id.clone(),
            c.severity.to_string(),
            status.as_str().to_string(),
            resources,
            c.title.clone(),
        ]);
        under.push((status, resource_lines(&rows_of, show)));
    }
    let lines = table_lines(&rows);
    let status_at = lines.first().and_then(|header| header.find("STATUS"));
    for (i, line) in lines.iter().enumerate() {
        let Some((status, resources)) = i.checked_sub(1).and_then(|row| under.get(row)) else {
            let _ = writeln!(out, "{line}");
            continue;
        };
        let _ = writeln!(out, "{}", paint_cell(show, line, status_at, status.as_str()));
        for l in resources {
            let _ = writeln!(out, "{l}");
        }
    }
    if !r.unmatched_suppressions.is_empty() {
        out.push('\n');
        for s in &r.unmatched_suppressions {
            let _ =
                writeln!(out, "warning: suppression of {} {} {} matched no finding", s.control, s.region, s.resource);
        }
    }
    out
}

fn status_json(s: ControlStatus) -> &'static str {
    s.as_str()
}

/// The JSON envelope, `{"format": 1, "score", "controls", "findings", "transcript"}`, written to
/// `out` with the full findings read from `api`'s Security Hub region by region, page by page.
pub fn json<A: AwsApi>(out: &mut dyn std::io::Write, r: &Report, transcript: &[String], api: &A) -> anyhow::Result<()> {
    let envelope =
        Envelope { format: 1, score: &r.score, controls: controls_json(r), findings: Findings::of(api, r), transcript };
    serde_json::to_writer_pretty(&mut *out, &envelope)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// The JSON formats' `controls`: each control with its status overall and per region.
pub fn controls_json(r: &Report) -> Vec<serde_json::Value> {
    r.controls
        .iter()
        .map(|c| {
            json!({
                "id": c.id, "title": c.title, "severity": c.severity, "status": status_json(c.status),
                "regions": c.regions.iter().map(|(k, v)| (k.clone(), json!(v.as_str()))).collect::<serde_json::Map<_, _>>(),
                "standards": c.standards,
            })
        })
        .collect()
}

/// The JSON format's envelope.
#[derive(Serialize)]
#[serde(bound = "")]
struct Envelope<'a, A: AwsApi> {
    format: u32,
    score: &'a hubsim_checks::Score,
    controls: Vec<serde_json::Value>,
    findings: Findings<'a, A>,
    transcript: &'a [String],
}

/// The report's findings in full, serialized as they are read from Security Hub: the regions
/// in the report's order, each region's findings in the order Security Hub returns them.
pub struct Findings<'a, A: AwsApi> {
    api: &'a A,
    regions: Vec<&'a str>,
    /// How many the report holds (Security Hub must still hold as many).
    expected: usize,
}

impl<'a, A: AwsApi> Findings<'a, A> {
    /// The findings of report `r`, to be read from `api` (the account `r` was made of) as they
    /// are written.
    pub fn of(api: &'a A, r: &'a Report) -> Self {
        let mut regions: Vec<&str> = Vec::new();
        for f in &r.findings {
            if regions.last() != Some(&f.region.as_str()) {
                regions.push(&f.region);
            }
        }
        Findings { api, regions, expected: r.findings.len() }
    }
}

impl<A: AwsApi> Serialize for Findings<'_, A> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        let mut seq = serializer.serialize_seq(None)?;
        let mut written = 0;
        let mut failed = None;
        for region in &self.regions {
            for_each_active(self.api, region, |f| {
                if failed.is_none() {
                    written += 1;
                    failed = seq.serialize_element(&f).err();
                }
            })
            .map_err(|e| S::Error::custom(format!("reading the findings: {e}")))?;
            if let Some(e) = failed {
                return Err(e);
            }
        }
        if written != self.expected {
            return Err(S::Error::custom(format!(
                "Security Hub holds {written} active control findings, the report {}",
                self.expected
            )));
        }
        seq.end()
    }
}

/// `s` escaped for XML text and attribute values (control characters other than tab and
/// newline, which XML 1.0 cannot hold, dropped).
pub fn xml_escape(s: &str) -> String {
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
        let findings: Vec<&FindingRow> = r.findings.iter().filter(|f| f.control == c.id).collect();
        let failures = findings.iter().filter(|f| f.compliance() == "FAILED" && !f.suppressed()).count();
        let skipped =
            findings.iter().filter(|f| f.suppressed() || matches!(f.compliance(), "WARNING" | "NOT_AVAILABLE")).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">",
            xml_escape(&c.id),
            findings.len()
        );
        for f in findings {
            let name = format!("{} {} {}", c.id, f.region, f.resource);
            let _ = write!(out, "    <testcase classname=\"{}\" name=\"{}\"", xml_escape(&c.id), xml_escape(&name));
            if f.suppressed() {
                let note = f.note.clone().unwrap_or_default();
                let _ = writeln!(out, ">\n      <skipped message=\"{}\"/>\n    </testcase>", xml_escape(&note));
            } else {
                match f.compliance() {
                    "FAILED" => {
                        let _ =
                            writeln!(out, ">\n      <failure message=\"{}\"/>\n    </testcase>", xml_escape(&f.reason));
                    }
                    "WARNING" | "NOT_AVAILABLE" => {
                        let msg = format!("{}: {}", f.compliance(), f.reason);
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

/// Writes `r` in `format` to `out`; the JSON format reads the full findings from `api`, the
/// account the report was made of.
pub fn write_report<A: AwsApi>(
    out: &mut dyn std::io::Write,
    format: Format,
    r: &Report,
    transcript: &[String],
    api: &A,
    show: &Show,
) -> anyhow::Result<()> {
    match format {
        Format::Table => Ok(out.write_all(table(r, show).as_bytes())?),
        Format::Json => json(out, r, transcript, api),
        Format::Junit => Ok(out.write_all(junit(r).as_bytes())?),
    }
}

/// Runs `write` on the file at `path` (created or truncated), or on standard output; a reader
/// of standard output that went away (`hubsim ... | head`) is not an error: the rest of the
/// output is dropped.
pub fn deliver(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn std::io::Write) -> anyhow::Result<()>,
) -> Result<(), Failure> {
    use std::io::Write as _;
    match path {
        Some(path) => {
            let file = std::fs::File::create(path).with_context(|| format!("writing {}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            write(&mut out).and_then(|()| Ok(out.flush()?)).with_context(|| format!("writing {}", path.display()))?;
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let written = write(&mut out).and_then(|()| Ok(out.flush()?));
            if let Err(e) = written {
                if !broken_pipe(&e) {
                    return Err(Failure::Internal(e.context("writing to standard output")));
                }
            }
        }
    }
    Ok(())
}

/// Whether `e` is a write to a pipe whose reader went away.
pub fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(|json| json.io_error_kind())
                .is_some_and(|kind| kind == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hubsim_checks::Score;
    use std::collections::BTreeMap;

    fn control(id: &str, severity: &'static str, status: ControlStatus) -> ControlRow {
        ControlRow {
            id: id.into(),
            title: format!("{id}'s title"),
            severity,
            status,
            regions: BTreeMap::new(),
            standards: BTreeMap::new(),
        }
    }

    fn finding(control: &str, resource: &str, compliance: &str) -> FindingRow {
        FindingRow {
            id: format!("{control}/{resource}"),
            product_arn: String::new(),
            region: "us-east-1".into(),
            control: control.into(),
            resource: resource.into(),
            compliance: Some(compliance.into()),
            severity: Some("MEDIUM".into()),
            workflow: Some("NEW".into()),
            record_state: Some("ACTIVE".into()),
            note: None,
            reason: format!("{resource} is {compliance}"),
            created_at: String::new(),
        }
    }

    fn report() -> Report {
        Report {
            controls: vec![
                control("S3.9", "MEDIUM", ControlStatus::Failed),
                control("SecretsManager.1", "MEDIUM", ControlStatus::Passed),
            ],
            score: Score {
                percent: Some(50),
                method: "pooled",
                passed: 1,
                with_data: 2,
                standards: Vec::new(),
                not_implemented: 0,
            },
            findings: vec![
                finding("S3.9", "arn:aws:s3:::a", "FAILED"),
                finding("S3.9", "arn:aws:s3:::b", "PASSED"),
                finding("SecretsManager.1", "arn:aws:secretsmanager:us-east-1:1:secret:s", "PASSED"),
            ],
            unmatched_suppressions: Vec::new(),
        }
    }

    #[test]
    fn a_long_control_id_widens_its_column_and_every_row_stays_aligned() {
        let t = table(&report(), &Show::default());
        let rows: Vec<&str> = t.lines().skip_while(|l| !l.starts_with("CONTROL ")).collect();
        // The 16-character id would have pushed its row out of a 14-wide column.
        assert_eq!(rows[0], "CONTROL          SEVERITY  STATUS    RESOURCES   TITLE");
        assert_eq!(rows[1], "S3.9             MEDIUM    FAILED    1 of 2      S3.9's title");
        assert_eq!(rows[2], "    FAILED us-east-1 arn:aws:s3:::a: arn:aws:s3:::a is FAILED");
        assert_eq!(rows[3], "SecretsManager.1 MEDIUM    PASSED    0 of 1      SecretsManager.1's title");
    }

    #[test]
    fn colour_paints_the_status_cell_and_the_resource_lines_only() {
        let show = Show { colour: true, ..Show::default() };
        let t = table(&report(), &show);
        assert!(t.contains("S3.9             MEDIUM    \x1b[31mFAILED\x1b[0m    1 of 2      S3.9's title\n"), "{t}");
        assert!(t.contains("\x1b[32mPASSED\x1b[0m    0 of 1"), "{t}");
        assert!(t.contains("    \x1b[31mFAILED\x1b[0m us-east-1 arn:aws:s3:::a:"), "{t}");
        assert!(t.contains("CONTROL          SEVERITY  STATUS    RESOURCES"), "the header is not painted: {t}");
        assert!(!table(&report(), &Show::default()).contains('\x1b'));
    }

    #[test]
    fn a_filtered_table_keeps_the_minimum_widths() {
        let show = Show { controls: vec!["S3.9".into()], ..Show::default() };
        let t = table(&report(), &show);
        assert!(t.contains("\nS3.9           MEDIUM    FAILED    1 of 2      S3.9's title\n"), "{t}");
        assert!(!t.contains("SecretsManager.1"), "{t}");
    }
}
