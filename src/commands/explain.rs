//! `hubsim controls --explain ID|all`: what hubsim checks for a control, in its own words (the
//! reading it takes where AWS leaves a fact open), its parameters, how it is remediated, the AWS
//! pages it follows, and the scenarios that pin it. `docs/controls.md` is this for every
//! implemented control (`hubsim controls --explain all --output docs/controls.md`).

use std::fmt::Write as _;
use std::path::Path;

use hubsim_checks::catalogue::catalogue;
use hubsim_checks::control::{Control, ParamKind, Schedule};
use hubsim_checks::remediate::{remedy, Remedy};
use hubsim_simulator::Era;

/// Security Hub's user-guide page for a control: one page per service, an anchor per control
/// (`EC2.2` → `ec2-controls.html#ec2-2`).
pub fn securityhub_page(id: &str) -> String {
    let service = id.split('.').next().unwrap_or(id).to_lowercase();
    let anchor = id.to_lowercase().replace('.', "-");
    format!("https://docs.aws.amazon.com/securityhub/latest/userguide/{service}-controls.html#{anchor}")
}

/// AWS Config's page for a managed rule.
pub fn config_rule_page(rule: &str) -> String {
    format!("https://docs.aws.amazon.com/config/latest/developerguide/{rule}.html")
}

fn kind_text(k: ParamKind) -> String {
    match k {
        ParamKind::Bool => "true or false".into(),
        ParamKind::Int { min, max } => format!("an integer from {min} to {max}"),
        ParamKind::Enum(values) => format!("one of {}", values.join(", ")),
        ParamKind::EnumList(values) => format!("a list of {}", values.join(", ")),
    }
}

/// The edge-case scenarios of `id` in `dir`: files named `<id in lower case>-<case>.json`, with
/// their descriptions, sorted.
fn scenarios_of(id: &str, dir: &Path) -> Vec<(String, String)> {
    let prefix = format!("{}-", id.to_lowercase());
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<(String, String)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&prefix))
        })
        .map(|p| {
            let description = std::fs::read_to_string(&p)
                .ok()
                .and_then(|t| hubsim_scenario::parse(&t).ok())
                .and_then(|s| s.description)
                .unwrap_or_default();
            (p.display().to_string(), description)
        })
        .collect();
    out.sort();
    out
}

/// The explanation of control `c` in Markdown; `scenarios` is the directory of edge scenarios.
pub fn explain(c: &Control, scenarios: &Path) -> String {
    let cat = catalogue();
    let entry = cat.controls.iter().find(|e| e.id == c.id);
    let mut m = String::new();
    let current = entry.and_then(|e| e.in_era(Era::Current));
    let title = current.or_else(|| entry.and_then(|e| e.in_era(Era::Y2022))).map(|e| e.title.as_str()).unwrap_or("");
    let _ = writeln!(m, "## {} — {title}\n", c.id);
    for era in [Era::Y2022, Era::Current] {
        match entry.and_then(|e| e.in_era(era)) {
            Some(e) => {
                let stds: Vec<String> = e
                    .standards
                    .iter()
                    .map(|(k, v)| if k.starts_with("cis-") { format!("CIS v1.2.0 {v}") } else { "FSBP".to_string() })
                    .collect();
                let _ = writeln!(m, "- Era {}: {}, in {}", era.as_str(), e.severity.label(), stds.join(", "));
            }
            None => {
                let _ = writeln!(m, "- Era {}: not in the enabled standards", era.as_str());
            }
        }
    }
    let schedule = match c.schedule {
        Schedule::Periodic => "periodic (whatever AWS Config records)",
        Schedule::ChangeTriggered => "change-triggered (needs AWS Config to record the resource type)",
    };
    let _ = writeln!(m, "- Resource type: `{}`; schedule: {schedule}", c.resource_type);
    match c.config_rule {
        Some(rule) => {
            let _ = writeln!(m, "- AWS Config rule: `{rule}`");
        }
        None => {
            let _ = writeln!(m, "- A check of Security Hub's own, with no AWS Config rule");
        }
    }
    let _ = writeln!(m, "\n**How hubsim reads it.** {}\n", c.choices.split_whitespace().collect::<Vec<_>>().join(" "));
    if c.parameters.is_empty() {
        m.push_str("**Parameters.** None.\n\n");
    } else {
        m.push_str("**Parameters** (set them in a scenario's `parameters`):\n\n");
        for p in c.parameters {
            let default =
                p.default.map(|d| format!(", default `{d}`")).unwrap_or_else(|| ", not set by default".into());
            let _ = writeln!(m, "- `{}` ({}{default}): {}", p.name, kind_text(p.kind), p.doc);
        }
        m.push('\n');
    }
    let remediation = match remedy(c.id) {
        Some(Remedy::Calls(actions)) => {
            format!("By API calls (`hubsim remediate`), needing the IAM actions {}", actions.join(", "))
        }
        Some(Remedy::Justified) => "No API can fix it: its finding is suppressed with a written justification, \
             once hubsim has checked the justification's precondition"
            .to_string(),
        None => "Left for a person (listed as manual work)".to_string(),
    };
    let _ = writeln!(m, "**Remediation.** {remediation}.\n");
    m.push_str("**AWS documentation.**\n\n");
    let _ = writeln!(m, "- {}", securityhub_page(c.id));
    if let Some(rule) = c.config_rule {
        let _ = writeln!(m, "- {}", config_rule_page(rule));
    }
    let pinned = scenarios_of(c.id, scenarios);
    if pinned.is_empty() {
        m.push_str("\n**Scenarios.** None in this checkout's edge scenarios.\n");
    } else {
        m.push_str("\n**Scenarios that pin it.**\n\n");
        for (path, description) in pinned {
            let description = description.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = writeln!(m, "- `{path}`: {description}");
        }
    }
    m.push('\n');
    m
}

/// Every implemented control explained, in catalogue order, as `docs/controls.md` holds them.
pub fn explain_all(scenarios: &Path) -> String {
    let mut m = String::from(
        "# The controls hubsim implements\n\n\
         Generated by `hubsim controls --explain all --output docs/controls.md` (a test checks it is\n\
         current). For each control: its eras, severities and standards; what hubsim checks, in its\n\
         own words, including the reading it takes where AWS leaves a fact open; its parameters; how\n\
         it is remediated; the AWS pages it follows; the edge-case scenarios that pin it.\n\n",
    );
    for entry in &catalogue().controls {
        if let Some(c) = hubsim_checks::controls::find(&entry.id) {
            m.push_str(&explain(c, scenarios));
        }
    }
    m
}
