//! Static validation: everything that can be checked without running a step.

use std::collections::HashMap;

use hubsim_model::validate::{check_output_path, validate_input_with};
use serde_json::Value;

use hubsim_simulator::operation_exists;
use hubsim_simulator::settings::is_known_region;

use crate::format::*;
use crate::refs::{is_whole_reference, references_in, BUILT_INS};
use crate::{Problem, ScenarioError};

struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem { path: path.into(), code: None, message: message.into() });
    }
}

/// Checks a parsed scenario without touching any state: versions, account and regions,
/// baseline regions, every step's operation, region, input (against AWS's model) and
/// references, suppressions and expectations. Reports every problem found.
pub fn validate(s: &Scenario) -> Result<(), ScenarioError> {
    let mut p = Problems(Vec::new());
    if s.format != 1 {
        p.add("format", format!("unsupported format {}; this hubsim reads format 1", s.format));
    }
    if s.name.trim().is_empty() {
        p.add("name", "must not be empty");
    }
    check_account(s, &mut p);
    check_baseline(s, &mut p);
    check_parameters(s, &mut p);
    let captured = check_steps(s, &mut p);
    check_suppressions(s, &captured, &mut p);
    check_remediation(s, &mut p);
    check_expect(s, &captured, &mut p);
    if p.0.is_empty() {
        Ok(())
    } else {
        Err(ScenarioError::Invalid(p.0))
    }
}

fn check_account(s: &Scenario, p: &mut Problems) {
    let a = &s.account;
    if a.id.len() != 12 || !a.id.bytes().all(|b| b.is_ascii_digit()) {
        p.add("account.id", format!("{:?} is not a 12-digit account id", a.id));
    }
    if a.regions.is_empty() {
        p.add("account.regions", "at least one region is needed");
    }
    for (i, r) in a.regions.iter().enumerate() {
        if !is_known_region(r) {
            p.add(format!("account.regions[{i}]"), format!("unknown region {r:?}"));
        }
        if a.regions[..i].contains(r) {
            p.add(format!("account.regions[{i}]"), format!("region {r} is listed twice"));
        }
    }
    let home = a.home();
    if !a.regions.contains(&home) {
        p.add("account.home_region", format!("{home} is not one of account.regions"));
    }
    if let Some(org) = &a.organization {
        let ok = org.id.len() == 12
            && org.id.starts_with("o-")
            && org.id[2..].bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !ok {
            p.add("account.organization.id", format!("{:?} is not an organization id (o- and 10 characters)", org.id));
        }
        if org.management_account_id.len() != 12 || !org.management_account_id.bytes().all(|b| b.is_ascii_digit()) {
            p.add("account.organization.management_account_id", "must be a 12-digit account id");
        }
    }
}

fn check_regions_subset(regions: &[String], enabled: &[String], path: &str, p: &mut Problems) {
    if regions.is_empty() {
        p.add(path, "at least one region is needed");
    }
    for (i, r) in regions.iter().enumerate() {
        if !enabled.contains(r) {
            p.add(format!("{path}[{i}]"), format!("{r} is not one of account.regions"));
        }
    }
}

fn check_baseline(s: &Scenario, p: &mut Problems) {
    if let Some(c) = &s.baseline.config_one_click {
        check_regions_subset(&c.regions, &s.account.regions, "baseline.config_one_click.regions", p);
    }
    if let Some(h) = &s.baseline.security_hub {
        check_regions_subset(&h.regions, &s.account.regions, "baseline.security_hub.regions", p);
        for (i, std) in h.standards.iter().enumerate() {
            if !KNOWN_STANDARDS.contains(&std.as_str()) {
                p.add(
                    format!("baseline.security_hub.standards[{i}]"),
                    format!("unknown standard {std:?}; known: {}", KNOWN_STANDARDS.join(", ")),
                );
            }
        }
    }
}

fn check_parameters(s: &Scenario, p: &mut Problems) {
    for (control, params) in &s.parameters {
        if !params.is_object() {
            p.add(format!("parameters.{control}"), "must be an object of parameter names to values");
        }
    }
}

/// Checks steps; returns the names captured, with the operation that produced each.
fn check_steps(s: &Scenario, p: &mut Problems) -> HashMap<String, (String, String)> {
    let mut captured: HashMap<String, (String, String)> = HashMap::new();
    for (i, step) in s.steps.iter().enumerate() {
        let at = format!("steps[{i}]");
        let Some((service, operation)) = step.call.split_once(':') else {
            p.add(format!("{at}.call"), format!("{:?} is not service:Operation", step.call));
            continue;
        };
        let Some(model) = hubsim_model::service(service) else {
            let known: Vec<&str> = hubsim_model::service_names().collect();
            p.add(format!("{at}.call"), format!("unknown service {service:?}; hubsim simulates {}", known.join(", ")));
            continue;
        };
        if model.operation(operation).is_none() {
            p.add(format!("{at}.call"), format!("{service} has no operation {operation:?} in hubsim's model"));
            continue;
        }
        if !operation_exists(service, operation) {
            p.add(format!("{at}.call"), format!("hubsim does not implement {service}:{operation} yet"));
            continue;
        }
        if let Some(region) = &step.region {
            if !s.account.regions.contains(region) {
                p.add(format!("{at}.region"), format!("{region} is not one of account.regions"));
            }
        }
        if !step.input.is_object() {
            p.add(format!("{at}.input"), "must be an object");
            continue;
        }
        let mut refs = Vec::new();
        references_in(&step.input, &format!("{at}.input"), &mut refs);
        for (path, r) in refs {
            match r {
                Err(e) => p.add(path, e),
                Ok(r) if BUILT_INS.contains(&r.name.as_str()) => {
                    if !r.path.is_empty() {
                        p.add(path, format!("{}: {} has no members", r.text, r.name));
                    }
                }
                Ok(r) => match captured.get(&r.name) {
                    None => p.add(path, format!("{}: no earlier step captured {:?} (with \"as\")", r.text, r.name)),
                    Some((svc, op)) => {
                        if let Some(m) = hubsim_model::service(svc) {
                            if let Err(e) = check_output_path(m, op, &r.path) {
                                p.add(path, format!("{}: {e}", r.text));
                            }
                        }
                    }
                },
            }
        }
        if let Err(problems) = validate_input_with(model, operation, &step.input, &is_whole_reference) {
            for problem in problems {
                let path = if problem.path.is_empty() {
                    format!("{at}.input")
                } else {
                    format!("{at}.input.{}", problem.path)
                };
                p.add(path, problem.message);
            }
        }
        if let Some(name) = &step.capture {
            let ok = name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !ok {
                p.add(format!("{at}.as"), format!("{name:?} is not a name (letters, digits, _ and -)"));
            } else if BUILT_INS.contains(&name.as_str()) {
                p.add(format!("{at}.as"), format!("{name} is a built-in name"));
            } else if captured.contains_key(name) {
                p.add(format!("{at}.as"), format!("{name} is already captured by an earlier step"));
            } else if step.expect_error.is_some() {
                p.add(format!("{at}.as"), "a step that must fail has no output to capture");
            } else {
                captured.insert(name.clone(), (service.to_string(), operation.to_string()));
            }
        }
    }
    captured
}

fn check_resource_refs(value: &str, path: &str, captured: &HashMap<String, (String, String)>, p: &mut Problems) {
    let mut refs = Vec::new();
    references_in(&Value::String(value.to_string()), path, &mut refs);
    for (at, r) in refs {
        match r {
            Err(e) => p.add(at, e),
            Ok(r) if BUILT_INS.contains(&r.name.as_str()) => {}
            Ok(r) => match captured.get(&r.name) {
                None => p.add(at, format!("{}: no step captured {:?}", r.text, r.name)),
                Some((svc, op)) => {
                    if let Some(m) = hubsim_model::service(svc) {
                        if let Err(e) = check_output_path(m, op, &r.path) {
                            p.add(at, format!("{}: {e}", r.text));
                        }
                    }
                }
            },
        }
    }
}

fn check_region(region: &Option<String>, s: &Scenario, path: String, p: &mut Problems) {
    if let Some(r) = region {
        if !s.account.regions.contains(r) {
            p.add(path, format!("{r} is not one of account.regions"));
        }
    }
}

fn check_suppressions(s: &Scenario, captured: &HashMap<String, (String, String)>, p: &mut Problems) {
    for (i, sup) in s.suppressions.iter().enumerate() {
        let at = format!("suppressions[{i}]");
        if sup.control.trim().is_empty() {
            p.add(format!("{at}.control"), "must name a control");
        }
        check_region(&sup.region, s, format!("{at}.region"), p);
        check_resource_refs(&sup.resource, &format!("{at}.resource"), captured, p);
        let len = sup.reason.chars().count();
        if sup.reason.trim().is_empty() || len > 512 {
            p.add(format!("{at}.reason"), format!("a justification of 1 to 512 characters is required (got {len})"));
        }
    }
}

fn check_remediation(s: &Scenario, p: &mut Problems) {
    for (control, action) in &s.remediation.unfixable {
        if serde_json::from_value::<UnfixableAction>(action.clone()).is_err() {
            p.add(format!("remediation.unfixable.{control}"), format!("{action} is not \"suppress\" or \"leave\""));
        }
    }
}

fn check_expect(s: &Scenario, captured: &HashMap<String, (String, String)>, p: &mut Problems) {
    let Some(expect) = &s.expect else { return };
    for (i, e) in expect.rules.iter().enumerate() {
        let at = format!("expect.rules[{i}]");
        if e.rule.trim().is_empty() {
            p.add(format!("{at}.rule"), "is empty: name the rule (a Guard file's stem)".to_string());
        }
        if e.resource.trim().is_empty() {
            p.add(format!("{at}.resource"), "is empty: name the resource's id".to_string());
        }
        if !crate::format::RULE_COMPLIANCE.contains(&e.compliance.as_str()) {
            p.add(
                format!("{at}.compliance"),
                format!("{:?} is not one of {}", e.compliance, crate::format::RULE_COMPLIANCE.join(", ")),
            );
        }
        if let Some(region) = &e.region {
            if !s.account.regions.contains(region) {
                p.add(format!("{at}.region"), format!("{region} is not one of the account's regions"));
            }
        }
    }
    for (name, block) in [("evaluation", &expect.evaluation), ("after_remediation", &expect.after_remediation)] {
        let Some(block) = block else { continue };
        let at = format!("expect.{name}");
        if let Some(score) = block.score {
            if score > 100 {
                p.add(format!("{at}.score"), format!("{score} is not a percentage"));
            }
        }
        for (name, score) in &block.standard_scores {
            let at = format!("{at}.standard_scores.{name}");
            if hubsim_checks::catalogue::catalogue().standard_id(name).is_none() {
                p.add(at, format!("{name:?} is not a standard (fsbp, cis, or a standard's id)"));
            } else if score.as_u64().is_none_or(|n| n > 100) {
                p.add(at, format!("{score} is not a percentage"));
            }
        }
        for (control, status) in &block.controls {
            if !status.as_str().is_some_and(|st| CONTROL_STATUSES.contains(&st)) {
                p.add(
                    format!("{at}.controls.{control}"),
                    format!("{status} is not one of {}", CONTROL_STATUSES.join(", ")),
                );
            }
        }
        for (i, f) in block.findings.iter().enumerate() {
            let fat = format!("{at}.findings[{i}]");
            check_region(&f.region, s, format!("{fat}.region"), p);
            check_resource_refs(&f.resource, &format!("{fat}.resource"), captured, p);
            if let Some(st) = &f.status {
                if !COMPLIANCE_STATUSES.contains(&st.as_str()) {
                    p.add(format!("{fat}.status"), format!("{st:?} is not one of {}", COMPLIANCE_STATUSES.join(", ")));
                }
            }
            if let Some(w) = &f.workflow {
                if !WORKFLOW_STATUSES.contains(&w.as_str()) {
                    p.add(format!("{fat}.workflow"), format!("{w:?} is not one of {}", WORKFLOW_STATUSES.join(", ")));
                }
            }
            if f.status.is_none() && f.workflow.is_none() {
                p.add(&fat, "names neither a status nor a workflow to check");
            }
        }
    }
}
