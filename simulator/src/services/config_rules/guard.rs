//! Guard 2.x policies (`CUSTOM_POLICY` rules), run by AWS's own engine, the `cfn-guard` crate
//! (https://github.com/aws-cloudformation/cloudformation-guard), against one configuration item
//! at a time, as AWS Config does
//! (https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_cfn-guard.html).

use serde_json::Value;

/// How deep brackets may nest in a policy. The engine's parser recurses once per level, so a
/// client's `((((...` could otherwise exhaust the stack; real policies nest a few levels.
pub const MAX_NESTING: usize = 64;

/// What Guard made of one configuration item.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// `COMPLIANT`, `NON_COMPLIANT` or `NOT_APPLICABLE`.
    pub compliance: &'static str,
    /// The clause that decided it: the failing clause (rule, path, message) for
    /// `NON_COMPLIANT`, the rules that passed for `COMPLIANT`, the skipped ones otherwise.
    pub clause: String,
}

/// Why a policy cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GuardError {
    /// The policy does not parse (the parser's message, with line and column).
    #[error("{0}")]
    Parse(String),
    /// The policy parsed but could not be evaluated against the item.
    #[error("{0}")]
    Evaluation(String),
}

/// Checks that `policy` parses, refusing it with the parser's message otherwise.
pub fn check(policy: &str) -> Result<(), GuardError> {
    evaluate(policy, &Value::Object(Default::default())).map(|_| ()).or_else(|e| match e {
        GuardError::Parse(_) => Err(e),
        // An empty document may not satisfy what a query needs; only parsing is checked here.
        GuardError::Evaluation(_) => Ok(()),
    })
}

/// Rejects a policy whose brackets nest deeper than [`MAX_NESTING`] (outside strings and
/// comments), before the recursive parser sees it.
fn check_nesting(policy: &str) -> Result<(), GuardError> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (line_no, line) in policy.lines().enumerate() {
        let mut comment = false;
        for (col, c) in line.chars().enumerate() {
            if comment {
                break;
            }
            if let Some(q) = quote {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
                continue;
            }
            match c {
                '"' | '\'' => quote = Some(c),
                '#' => comment = true,
                '(' | '[' | '{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Err(GuardError::Parse(format!(
                            "line {}, column {}: brackets nest deeper than {MAX_NESTING} levels",
                            line_no + 1,
                            col + 1
                        )));
                    }
                }
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    Ok(())
}

/// The container of an engine record: its variant's name and its value.
fn container(record: &Value) -> Option<(&str, &Value)> {
    record.get("container")?.as_object()?.iter().next().map(|(k, v)| (k.as_str(), v))
}

/// The top-level rules of a file record with their status (`PASS`, `FAIL`, `SKIP`).
fn top_rules(root: &Value) -> Vec<(String, String, &Value)> {
    root.get("children")
        .and_then(Value::as_array)
        .map(|children| {
            children
                .iter()
                .filter_map(|c| match container(c)? {
                    ("RuleCheck", v) => {
                        Some((v.get("name")?.as_str()?.to_string(), v.get("status")?.as_str()?.to_string(), c))
                    }
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// What a failed clause check says: its custom message, else what was found against what was
/// expected, else why the query found nothing.
fn describe_check(check: &Value) -> String {
    let Some((kind, v)) = check.as_object().and_then(|m| m.iter().next()) else { return "failed".into() };
    // A unary check keeps its details one level down.
    let v = v.get("value").filter(|inner| inner.is_object()).unwrap_or(v);
    if let Some(m) = custom_message(check) {
        return m;
    }
    let op = match v.get("comparison").and_then(Value::as_array).map(Vec::as_slice) {
        Some([op, negated]) => {
            let name = match op.as_str().unwrap_or("?") {
                "Eq" => "==",
                "Lt" => "<",
                "Le" => "<=",
                "Gt" => ">",
                "Ge" => ">=",
                other => other,
            };
            if negated.as_bool() == Some(true) {
                format!("not {name}")
            } else {
                name.to_string()
            }
        }
        _ => String::new(),
    };
    match v.get("from").and_then(Value::as_object).and_then(|m| m.iter().next()).map(|(k, v)| (k.as_str(), v)) {
        Some(("Resolved", r)) => {
            let path = r.get("path").and_then(Value::as_str).unwrap_or("");
            let value = r.get("value").map(Value::to_string).unwrap_or_default();
            match v.pointer("/to/Resolved/value") {
                Some(to) => format!("{path} is {value}, not {op} {to}"),
                None => format!("{path} is {value}, not {op}"),
            }
        }
        Some(("UnResolved", u)) => {
            let missing = u.get("remaining_query").and_then(Value::as_str).unwrap_or("?");
            let at = u.pointer("/traversed_to/path").and_then(Value::as_str).unwrap_or("");
            format!("{missing} is missing under {at}/ ({op} failed)")
        }
        _ => v
            .get("message")
            .and_then(Value::as_str)
            .filter(|m| !m.trim().is_empty())
            .map(|m| m.trim().to_string())
            .unwrap_or_else(|| format!("{kind} check failed")),
    }
}

/// A clause check's custom message (`<<...>>` in the policy), if it has one.
fn custom_message(check: &Value) -> Option<String> {
    let (_, v) = check.as_object()?.iter().next()?;
    let v = v.get("value").filter(|inner| inner.is_object()).unwrap_or(v);
    v.get("custom_message").and_then(Value::as_str).map(str::trim).filter(|m| !m.is_empty()).map(str::to_string)
}

/// Whether a clause check record failed (its status, or its unary value's).
fn check_failed(check: &Value) -> bool {
    check.as_object().and_then(|m| m.iter().next()).is_some_and(|(kind, v)| {
        let status = v.get("status").or_else(|| v.pointer("/value/status")).and_then(Value::as_str);
        kind != "DependentRule" && status == Some("FAIL")
    })
}

/// The clause that failed a rule record: the first failed clause check, depth first, below
/// dependent rules (named with the rule they belong to). The record is the engine's, a few
/// levels per rule; the walk stops at [`MAX_NESTING`] levels all the same.
fn failed_clause(rule: &str, record: &Value) -> String {
    // A failed clause that carries the author's message explains best; else the first one.
    first_failed(rule, record, true)
        .or_else(|| first_failed(rule, record, false))
        .unwrap_or_else(|| format!("rule {rule} failed"))
}

/// The first failed clause check below `record` (with a custom message only, if
/// `with_message`), described.
fn first_failed(rule: &str, record: &Value, with_message: bool) -> Option<String> {
    let mut stack: Vec<(&Value, usize, &str)> = vec![(record, 0, rule)];
    while let Some((node, depth, owner)) = stack.pop() {
        if depth > MAX_NESTING {
            continue;
        }
        let mut owner = owner;
        match container(node) {
            Some(("RuleCheck", v)) => owner = v.get("name").and_then(Value::as_str).unwrap_or(owner),
            Some(("ClauseValueCheck", check))
                if check_failed(check) && (!with_message || custom_message(check).is_some()) =>
            {
                let inner = if owner == rule { String::new() } else { format!(" (through rule {owner})") };
                return Some(format!("rule {rule}{inner}: {}", describe_check(check)));
            }
            _ => {}
        }
        if let Some(children) = node.get("children").and_then(Value::as_array) {
            stack.extend(children.iter().rev().map(|c| (c, depth + 1, owner)));
        }
    }
    None
}

/// Evaluates `policy` against `item` (a configuration item as Config gives it to Guard, its
/// `configuration` and `supplementaryConfiguration` as objects). A file-level FAIL is
/// `NON_COMPLIANT`, PASS `COMPLIANT`, and a file whose every rule was skipped (its `when`
/// conditions did not hold) `NOT_APPLICABLE`.
pub fn evaluate(policy: &str, item: &Value) -> Result<Verdict, GuardError> {
    check_nesting(policy)?;
    let data = item.to_string();
    // The verbose answer is the evaluation's record tree, built in memory; the summary answer
    // is written through a buffer the engine reads back only in part, which cut reports past
    // 8 KiB (cfn-guard 3.2.1's `run_checks`).
    let out = cfn_guard::run_checks(
        cfn_guard::ValidateInput { content: &data, file_name: "configuration-item" },
        cfn_guard::ValidateInput { content: policy, file_name: "policy" },
        true,
    )
    .map_err(|e| match e {
        cfn_guard::Error::ParseError(m) => GuardError::Parse(m),
        other => GuardError::Evaluation(other.to_string()),
    })?;
    if out.trim().is_empty() {
        // A policy of comments only has no rule: nothing applies.
        return Ok(Verdict { compliance: "NOT_APPLICABLE", clause: "the policy has no rules".into() });
    }
    let root: Value = serde_json::from_str(&out)
        .map_err(|e| GuardError::Evaluation(format!("the Guard engine's report did not read: {e}")))?;
    let status = container(&root).and_then(|(_, v)| v.get("status")).and_then(Value::as_str).unwrap_or("");
    let rules = top_rules(&root);
    let named = |want: &str| -> String {
        let mut names: Vec<&str> = rules.iter().filter(|(_, s, _)| s == want).map(|(n, _, _)| n.as_str()).collect();
        names.sort_unstable();
        names.join(", ")
    };
    match status {
        "FAIL" => {
            let clause = rules
                .iter()
                .find(|(_, s, _)| s == "FAIL")
                .map(|(name, _, record)| failed_clause(name, record))
                .unwrap_or_else(|| "the policy failed".into());
            Ok(Verdict { compliance: "NON_COMPLIANT", clause })
        }
        "PASS" => Ok(Verdict { compliance: "COMPLIANT", clause: format!("passed: {}", named("PASS")) }),
        "SKIP" => Ok(Verdict {
            compliance: "NOT_APPLICABLE",
            clause: format!("skipped, conditions not met: {}", named("SKIP")),
        }),
        other => Err(GuardError::Evaluation(format!("the Guard engine answered an unknown status {other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const VERSIONED: &str = r#"
rule versioned when resourceType == "AWS::S3::Bucket" {
    supplementaryConfiguration.BucketVersioningConfiguration.status == "Enabled"
}
"#;

    fn bucket(status: &str) -> Value {
        json!({"resourceType": "AWS::S3::Bucket",
               "supplementaryConfiguration": {"BucketVersioningConfiguration": {"status": status}}})
    }

    #[test]
    fn a_failing_rule_is_non_compliant_with_its_clause() {
        let v = evaluate(VERSIONED, &bucket("Off")).unwrap();
        assert_eq!(v.compliance, "NON_COMPLIANT");
        assert!(v.clause.contains("rule versioned") && v.clause.contains("\"Off\""), "{}", v.clause);
        // A report past 8 KiB is read whole (the engine's summary writer cut such reports).
        let mut big = bucket("Off");
        big["configuration"] = json!({"padding": "x".repeat(20_000)});
        assert_eq!(evaluate(VERSIONED, &big).unwrap().compliance, "NON_COMPLIANT");
    }

    #[test]
    fn a_passing_rule_is_compliant_and_a_skipped_one_not_applicable() {
        assert_eq!(evaluate(VERSIONED, &bucket("Enabled")).unwrap().compliance, "COMPLIANT");
        let queue = json!({"resourceType": "AWS::SQS::Queue"});
        assert_eq!(evaluate(VERSIONED, &queue).unwrap().compliance, "NOT_APPLICABLE");
    }

    #[test]
    fn a_custom_message_explains_the_failure() {
        let policy = "rule r { configuration.x == 1 <<x must be one>> }";
        let v = evaluate(policy, &json!({"configuration": {"x": 2}})).unwrap();
        assert!(v.clause.contains("x must be one"), "{}", v.clause);
    }

    #[test]
    fn a_policy_that_does_not_parse_is_refused_with_line_and_column() {
        let e = check("rule x {\n  a == \n}").unwrap_err();
        assert!(matches!(&e, GuardError::Parse(m) if m.contains("line 2 at column")), "{e}");
        assert!(check(VERSIONED).is_ok());
    }

    #[test]
    fn deep_nesting_is_refused_before_the_parser_sees_it() {
        let deep = format!("rule x {{ {}a{} }}", "[".repeat(MAX_NESTING + 1), "]".repeat(MAX_NESTING + 1));
        assert!(matches!(check(&deep), Err(GuardError::Parse(m)) if m.contains("nest deeper")));
        // Brackets inside strings and comments do not count.
        let quoted = format!("# {}\nrule x {{ configuration.a == \"{}\" }}", "(".repeat(100), "[".repeat(100));
        assert!(check(&quoted).is_ok());
    }
}
