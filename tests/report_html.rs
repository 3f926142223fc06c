//! `hubsim run --format html` in a real browser: headless Chromium loads the page written for
//! the fresh account remediated, logs no console message (no script error, no fetch the page's
//! content security policy refused), and every number in the DOM equals the JSON report's;
//! screenshots (phone and desktop widths) go to `target/report-artifacts/`. User text (a
//! scenario's name, a suppression's justification) is text on the page, never markup.
//!
//! Chromium comes from the distribution (`.ci/run` installs Debian's `chromium`); without it
//! the tests say so and pass, unless `CI` is set, where they fail.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn hubsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hubsim")).args(args).output().expect("hubsim runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scenario(name: &str) -> String {
    format!("{}/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"))
}

/// Chromium's command, or `None` (with a message) where it is missing and this is not CI.
fn chromium() -> Option<String> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        let found = Command::new(name).arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
        if found {
            return Some(name.to_string());
        }
    }
    if std::env::var_os("CI").is_some() {
        panic!("CI is set and Chromium is missing: .ci/run installs the `chromium` package");
    }
    eprintln!("skipped: no Chromium on PATH (apt-get install chromium); CI fails here instead");
    None
}

/// `target/`, beside the binary under test (`target/debug/hubsim`).
fn target_dir() -> PathBuf {
    let bin = Path::new(env!("CARGO_BIN_EXE_hubsim"));
    bin.parent().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("target"))
}

/// Runs headless Chromium on `page` with `extra` arguments; its stdout and stderr.
fn browse(browser: &str, page: &Path, extra: &[String]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed: {}", text(&out.stderr));
    (text(&out.stdout), text(&out.stderr))
}

/// The page's DOM after load, asserting that the page logged nothing to the console.
fn dom_of(browser: &str, page: &Path) -> String {
    let (dom, log) = browse(browser, page, &["--dump-dom".to_string()]);
    let console: Vec<&str> =
        log.lines().filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught") || l.contains("Refused to")).collect();
    assert!(console.is_empty(), "the page logged to the console:\n{}", console.join("\n"));
    assert!(dom.contains("</html>"), "no DOM dumped: {dom}");
    dom
}

/// An element of the DOM: its tag name and attributes (entities decoded).
#[derive(Debug)]
struct Element {
    name: String,
    attrs: BTreeMap<String, String>,
}

impl Element {
    fn attr(&self, name: &str) -> &str {
        self.attrs.get(name).map(String::as_str).unwrap_or_else(|| panic!("{} has no {name}: {self:?}", self.name))
    }

    fn num(&self, name: &str) -> u64 {
        self.attr(name).parse().unwrap_or_else(|e| panic!("{name} of {self:?}: {e}"))
    }
}

fn decode(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// Every start tag of a DOM as Chromium serializes it (attribute values in double quotes;
/// script and style bodies skipped).
fn elements(dom: &str) -> Vec<Element> {
    let mut out = Vec::new();
    let b = dom.as_bytes();
    let mut i = 0;
    while let Some(at) = dom[i..].find('<') {
        i += at + 1;
        if i >= b.len() || !b[i].is_ascii_alphabetic() {
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let name = dom[start..i].to_ascii_lowercase();
        let mut attrs = BTreeMap::new();
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' || b[i] == b'/' {
                break;
            }
            let a = i;
            while i < b.len() && !matches!(b[i], b'=' | b'>' | b' ' | b'/') {
                i += 1;
            }
            let key = dom[a..i].to_string();
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' && b.get(i + 1) == Some(&b'"') {
                let v = i + 2;
                let end = dom[v..].find('"').map(|e| v + e).expect("a closed attribute");
                value = decode(&dom[v..end]);
                i = end + 1;
            }
            attrs.insert(key, value);
        }
        if name == "script" || name == "style" {
            if let Some(end) = dom[i..].find(&format!("</{name}>")) {
                i += end;
            }
        }
        out.push(Element { name, attrs });
    }
    out
}

fn with_attr<'a>(els: &'a [Element], name: &str) -> Vec<&'a Element> {
    els.iter().filter(|e| e.attrs.contains_key(name)).collect()
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

#[test]
fn the_fresh_account_page_loads_cleanly_and_its_numbers_are_the_json_reports() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let fresh = scenario("fresh-account");
    let out = hubsim(&["run", &fresh, "--remediate", "--format", "html", "--output", page.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = hubsim(&["run", &fresh, "--remediate", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &json["scenarios"][0];

    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
    let dom = dom_of(&browser, &page);
    let els = elements(&dom);
    // Self-contained: no element names anything to fetch.
    let fetching: Vec<&Element> =
        els.iter().filter(|e| e.attrs.contains_key("src") || e.attrs.contains_key("href")).collect();
    assert!(fetching.is_empty(), "{fetching:?}");
    assert_eq!(els.iter().filter(|e| e.name == "script").count(), 1, "one inline script");
    assert!(els.iter().any(|e| e.name == "svg"), "the dials are SVG");

    // Totals.
    let body = els.iter().find(|e| e.name == "body").unwrap();
    for key in ["scenarios", "passed", "failed", "errors", "expectations", "failures"] {
        assert_eq!(body.num(&format!("data-{key}")), u(&json["totals"][key]), "totals {key}");
    }

    // The scenario: scores, expectations, transcript, manual items, findings.
    let section = with_attr(&els, "data-score-before");
    assert_eq!(section.len(), 1);
    let sec = section[0];
    assert_eq!(sec.attr("data-status"), s["status"].as_str().unwrap());
    assert_eq!(sec.num("data-score-before"), u(&s["before"]["score"]["percent"]));
    assert_eq!(sec.num("data-score-after"), u(&s["after"]["score"]["percent"]));
    assert!(sec.num("data-score-before") < sec.num("data-score-after"), "remediation raises the score");
    assert_eq!(sec.num("data-expectations"), s["expectations"].as_array().unwrap().len() as u64);
    let failures = s["expectations"].as_array().unwrap().iter().filter(|e| e["holds"] == false).count();
    assert_eq!(sec.num("data-failures"), failures as u64);
    assert_eq!(sec.num("data-transcript"), s["transcript"].as_array().unwrap().len() as u64);
    assert_eq!(sec.num("data-manual"), s["manual"].as_array().unwrap().len() as u64);
    assert!(sec.num("data-manual") > 0, "the fresh account leaves root MFA to a person");
    assert_eq!(sec.num("data-rounds"), u(&s["rounds"]));
    assert_eq!(sec.num("data-findings"), s["findings"].as_array().unwrap().len() as u64);
    let steps = with_attr(&els, "data-round");
    assert_eq!(steps.len() as u64, sec.num("data-transcript"), "every transcript step is listed");

    // The dials: each score's passed and with-data counts, and each standard's.
    for (which, key) in [("before", "before"), ("after", "after")] {
        let dial = els.iter().find(|e| e.attrs.get("data-dial").map(String::as_str) == Some(which)).unwrap();
        let score = &s[key]["score"];
        assert_eq!(dial.num("data-percent"), u(&score["percent"]), "{which}");
        assert_eq!(dial.num("data-passed"), u(&score["passed"]), "{which}");
        assert_eq!(dial.num("data-with-data"), u(&score["with_data"]), "{which}");
    }
    let standards = with_attr(&els, "data-standard");
    assert_eq!(standards.len(), 2 * s["after"]["score"]["standards"].as_array().unwrap().len());
    for (st, want) in standards.iter().zip(
        s["before"]["score"]["standards"]
            .as_array()
            .unwrap()
            .iter()
            .chain(s["after"]["score"]["standards"].as_array().unwrap()),
    ) {
        assert_eq!(st.attr("data-standard"), want["standard"].as_str().unwrap());
        assert_eq!(st.num("data-passed"), u(&want["passed"]));
        assert_eq!(st.num("data-with-data"), u(&want["with_data"]));
    }

    // Every control: its status after and before, and its resources counted from the findings.
    let mut failed: BTreeMap<&str, u64> = BTreeMap::new();
    let mut total: BTreeMap<&str, u64> = BTreeMap::new();
    let mut suppressed: BTreeMap<&str, u64> = BTreeMap::new();
    for f in s["findings"].as_array().unwrap() {
        let id = f["Compliance"]["SecurityControlId"].as_str().unwrap();
        let is_suppressed = f["Workflow"]["Status"] == "SUPPRESSED";
        *total.entry(id).or_default() += 1;
        if is_suppressed {
            *suppressed.entry(id).or_default() += 1;
        } else if f["Compliance"]["Status"] == "FAILED" {
            *failed.entry(id).or_default() += 1;
        }
    }
    let before: BTreeMap<&str, &str> = s["before"]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c["status"].as_str().unwrap()))
        .collect();
    let controls = with_attr(&els, "data-control");
    let controls: Vec<&&Element> = controls.iter().filter(|e| e.name == "details").collect();
    let want: BTreeSet<&str> = s["controls"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    let got: BTreeSet<&str> = controls.iter().map(|e| e.attr("data-control")).collect();
    assert_eq!(got, want);
    assert_eq!(controls.len(), want.len(), "each control once");
    for c in s["controls"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let e = controls.iter().find(|e| e.attr("data-control") == id).unwrap();
        assert_eq!(e.attr("data-status"), c["status"].as_str().unwrap(), "{id}");
        assert_eq!(e.attr("data-severity"), c["severity"].as_str().unwrap(), "{id}");
        assert_eq!(e.attr("data-before-status"), before[id], "{id}");
        let (n, m) = (failed.get(id).copied().unwrap_or(0), total.get(id).copied().unwrap_or(0));
        assert_eq!(e.num("data-failed"), n, "{id}");
        assert_eq!(e.num("data-resources"), m, "{id}");
        assert_eq!(e.num("data-suppressed"), suppressed.get(id).copied().unwrap_or(0), "{id}");
        if m > 0 {
            let shown = format!("<span class=\"count\">{n} of {m} failed</span>");
            assert!(dom.contains(&shown), "{id}: {shown}");
        }
    }
    // Controls by severity and status: each cell's count.
    let cells: Vec<&Element> = with_attr(&els, "data-count");
    assert_eq!(cells.len(), 5 * 4);
    for cell in cells {
        let n = s["controls"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["severity"] == cell.attr("data-severity") && c["status"] == cell.attr("data-status"))
            .count();
        assert_eq!(cell.num("data-count"), n as u64, "{cell:?}");
    }
    let suppressions = els.iter().find(|e| e.name == "h3" && e.attrs.contains_key("data-suppressions")).unwrap();
    assert_eq!(suppressions.num("data-suppressions"), suppressed.values().sum::<u64>());
    assert!(suppressions.num("data-suppressions") > 0, "the fresh account's remediation suppresses findings");

    // Screenshots as test artifacts: a phone's width and a desktop's.
    let artifacts = target_dir().join("report-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    for (name, size) in [("fresh-account-phone.png", "390,2400"), ("fresh-account-desktop.png", "1280,2400")] {
        let shot = artifacts.join(name);
        let _ = std::fs::remove_file(&shot);
        browse(&browser, &page, &[format!("--screenshot={}", shot.display()), format!("--window-size={size}")]);
        let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("{}: {e}", shot.display()));
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000, "{}", shot.display());
    }
    // On a phone's width nothing is wider than the screen (the page does not scroll sideways).
    let probe = dir.path().join("probe.html");
    std::fs::write(
        &probe,
        html.replace(
            "</body>",
            "<script>document.title = 'width ' + document.documentElement.scrollWidth + ' ' + window.innerWidth;</script></body>",
        ),
    )
    .unwrap();
    let (probed, _) = browse(&browser, &probe, &["--dump-dom".to_string(), "--window-size=390,800".to_string()]);
    let title = probed.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap_or_default();
    let widths: Vec<u64> = title.split_whitespace().skip(1).filter_map(|w| w.parse().ok()).collect();
    assert_eq!(widths.len(), 2, "{title}");
    assert!(widths[0] <= widths[1], "the page is {} px wide on a {} px screen", widths[0], widths[1]);
}

#[test]
fn user_text_is_shown_as_text_never_as_markup() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let hostile_name = r#"<script>console.error("name ran")</script><b>bold"#;
    let hostile_reason = r#"</td><img src=x onerror="console.error('reason ran')"> & "quoted""#;
    let body = serde_json::json!({
        "format": 1, "name": hostile_name, "era": "current", "account": {"regions": ["us-east-1"]},
        "baseline": {"config_one_click": {"regions": ["us-east-1"], "include_global_resource_types": true},
                     "security_hub": {"regions": ["us-east-1"]}},
        "steps": [{"call": "s3:CreateBucket", "input": {"Bucket": "b-1"}}],
        "suppressions": [{"control": "S3.9", "resource": "arn:aws:s3:::b-1", "reason": hostile_reason}]
    });
    let file = dir.path().join("hostile.json");
    std::fs::write(&file, serde_json::to_string(&body).unwrap()).unwrap();
    let page = dir.path().join("hostile.html");
    let out = hubsim(&["run", file.to_str().unwrap(), "--format", "html", "-o", page.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // dom_of asserts that nothing ran: neither console.error nor a refused image fetch.
    let dom = dom_of(&browser, &page);
    let els = elements(&dom);
    assert_eq!(els.iter().filter(|e| e.name == "script").count(), 1, "only the page's own script");
    assert!(!els.iter().any(|e| e.name == "img"), "no image element from the reason");
    let sec = with_attr(&els, "data-name");
    assert_eq!(sec[0].attr("data-name"), hostile_name, "the name, whole, as an attribute value");
    assert!(dom.contains("&lt;script&gt;console.error(\"name ran\")&lt;/script&gt;&lt;b&gt;bold"), "{dom}");
    assert!(
        dom.contains("&lt;/td&gt;&lt;img src=x onerror=\"console.error('reason ran')\"&gt; &amp; \"quoted\""),
        "{dom}"
    );
    let row = els.iter().find(|e| e.name == "tr" && e.attrs.get("data-control").map(String::as_str) == Some("S3.9"));
    assert!(row.is_some(), "the suppression is listed");
}

#[test]
fn a_scenario_that_cannot_run_is_a_section_with_its_error() {
    // No browser needed: the page's structure for an error and the totals.
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, r#"{"format": 1, "name": "x""#).unwrap();
    let out = hubsim(&["run", broken.to_str().unwrap(), &scenario("s3-9-log-bucket"), "--format", "html"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let html = text(&out.stdout);
    let els = elements(&html);
    let body = els.iter().find(|e| e.name == "body").unwrap();
    assert_eq!((body.num("data-scenarios"), body.num("data-passed"), body.num("data-errors")), (2, 1, 1));
    let sections: Vec<&Element> = els.iter().filter(|e| e.name == "section").collect();
    assert_eq!(sections.len(), 2);
    assert_eq!(sections[0].attr("data-status"), "error");
    assert_eq!(sections[0].attr("data-path"), broken.to_str().unwrap());
    assert!(html.contains(&format!("<p class=\"problem\">{}", broken.display())), "the error names the file");
    assert_eq!(sections[1].attr("data-status"), "passed");
    // Without --remediate: one dial, no "after" score.
    assert_eq!(sections[1].attr("data-score-after"), "");
    assert_eq!(els.iter().filter(|e| e.attrs.get("data-dial").map(String::as_str) == Some("after")).count(), 0);
}
