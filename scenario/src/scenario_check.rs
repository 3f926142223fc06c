//! What a scenario may say about controls, checked against the catalogue: control ids in
//! parameters, suppressions, remediation settings and expectations, and parameter values.

use hubsim_checks::catalogue::catalogue;
use hubsim_checks::control::check_param;
use hubsim_checks::controls;

use crate::{Problem, Scenario};

fn problem(path: String, message: String) -> Problem {
    Problem { path, code: None, message }
}

/// Problems with the control-related parts of `s` (empty when there are none).
pub fn validate(s: &Scenario) -> Vec<Problem> {
    let era = s.era.as_str();
    let known = |id: &str| catalogue().control(id).is_some();
    let mut out = Vec::new();
    for (id, params) in &s.parameters {
        let at = format!("parameters.{id}");
        let Some(control) = controls::find(id) else {
            let why = if known(id) {
                format!("hubsim does not implement {id} yet, so it has no parameters to set")
            } else {
                format!("unknown control id {id:?}")
            };
            out.push(problem(at, why));
            continue;
        };
        let Some(params) = params.as_object() else { continue };
        for (name, value) in params {
            let Some(def) = control.parameters.iter().find(|p| p.name == name) else {
                let names: Vec<&str> = control.parameters.iter().map(|p| p.name).collect();
                let list = if names.is_empty() { "none".to_string() } else { names.join(", ") };
                out.push(problem(
                    format!("{at}.{name}"),
                    format!("{id} has no parameter {name:?}; its parameters: {list}"),
                ));
                continue;
            };
            if era == "2022" && id == "IAM.7" {
                out.push(problem(
                    format!("{at}.{name}"),
                    "IAM.7's parameters were not customizable in era 2022".into(),
                ));
                continue;
            }
            if let Err(e) = check_param(def, value) {
                out.push(problem(format!("{at}.{name}"), e));
            }
        }
    }
    for (i, sup) in s.suppressions.iter().enumerate() {
        if !known(&sup.control) {
            out.push(problem(format!("suppressions[{i}].control"), format!("unknown control id {:?}", sup.control)));
        }
    }
    for key in s.remediation.unfixable.keys() {
        if key != "default" && !known(key) {
            out.push(problem(format!("remediation.unfixable.{key}"), format!("unknown control id {key:?}")));
        }
    }
    if let Some(expect) = &s.expect {
        for (name, block) in [("evaluation", &expect.evaluation), ("after_remediation", &expect.after_remediation)] {
            let Some(block) = block else { continue };
            for id in block.controls.keys() {
                if !known(id) {
                    out.push(problem(format!("expect.{name}.controls.{id}"), format!("unknown control id {id:?}")));
                } else if controls::find(id).is_none() {
                    out.push(problem(
                        format!("expect.{name}.controls.{id}"),
                        format!("hubsim does not implement {id} yet"),
                    ));
                }
            }
            for (i, f) in block.findings.iter().enumerate() {
                if !known(&f.control) {
                    out.push(problem(
                        format!("expect.{name}.findings[{i}].control"),
                        format!("unknown control id {:?}", f.control),
                    ));
                }
            }
        }
    }
    out
}
