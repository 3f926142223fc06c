//! Validation of an operation's input, given as JSON with botocore member names, against the
//! service model: unknown members, missing required members, types, enum values, lengths and
//! ranges. This is what botocore checks before it sends a request; hubsim checks the same for
//! scenario steps and for requests arriving over the wire.

use serde_json::Value;

use crate::service_model::{ServiceModel, ShapeModel};
use crate::value::Timestamp;

/// One problem with an input, at a JSON path relative to the input (`IpPermissions[0].FromPort`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Where, e.g. `IpPermissions[0].FromPort`; empty for the input itself.
    pub path: String,
    /// What is wrong, in words.
    pub message: String,
    /// What kind of problem it is, so protocols can pick their error code.
    pub kind: InvalidKind,
}

/// The kinds of validation problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidKind {
    /// A required member is absent.
    Missing,
    /// A member the model does not have.
    Unknown,
    /// A value of the wrong JSON type.
    Type,
    /// A value outside the enum, length or range.
    Value,
}

/// Validates `input` against the input shape of `service:operation`. An operation without an
/// input shape accepts only an empty object.
pub fn validate_input(model: &ServiceModel, operation: &str, input: &Value) -> Result<(), Vec<Invalid>> {
    validate_input_with(model, operation, input, &|_| false)
}

/// Like [`validate_input`], but values for which `placeholder` answers true (a scenario's
/// `${...}` references, resolved only when the step runs) are accepted wherever they stand.
pub fn validate_input_with(
    model: &ServiceModel,
    operation: &str,
    input: &Value,
    placeholder: &dyn Fn(&Value) -> bool,
) -> Result<(), Vec<Invalid>> {
    let mut problems = Vec::new();
    let Some(op) = model.operation(operation) else {
        problems.push(Invalid {
            path: String::new(),
            message: format!("unknown operation {operation}"),
            kind: InvalidKind::Unknown,
        });
        return Err(problems);
    };
    match &op.input {
        Some(shape_ref) => check(model, &shape_ref.shape, input, &mut String::new(), placeholder, &mut problems),
        None => {
            if !matches!(input, Value::Null) && !matches!(input, Value::Object(m) if m.is_empty()) {
                problems.push(Invalid {
                    path: String::new(),
                    message: format!("{operation} takes no input"),
                    kind: InvalidKind::Unknown,
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Runs `f` with `.member` (or `member` at the top) appended to `path`, then restores `path`.
/// Paths are built in one buffer and copied only into a problem, so a valid input allocates none.
fn with_member<T>(path: &mut String, member: &str, f: impl FnOnce(&mut String) -> T) -> T {
    let len = path.len();
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(member);
    let out = f(path);
    path.truncate(len);
    out
}

/// Like [`with_member`] for a list index (`[i]`).
fn with_index<T>(path: &mut String, i: usize, f: impl FnOnce(&mut String) -> T) -> T {
    use std::fmt::Write;
    let len = path.len();
    let _ = write!(path, "[{i}]");
    let out = f(path);
    path.truncate(len);
    out
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn check(
    model: &ServiceModel,
    shape_name: &str,
    value: &Value,
    path: &mut String,
    placeholder: &dyn Fn(&Value) -> bool,
    out: &mut Vec<Invalid>,
) {
    if placeholder(value) {
        return;
    }
    let Some(shape) = model.shape(shape_name) else {
        out.push(Invalid {
            path: path.clone(),
            message: format!("model has no shape {shape_name}"),
            kind: InvalidKind::Type,
        });
        return;
    };
    let wrong = |expected: &str, out: &mut Vec<Invalid>, path: &mut String| {
        out.push(Invalid {
            message: format!("expected {expected}, found {}", json_type(value)),
            path: path.clone(),
            kind: InvalidKind::Type,
        });
    };
    match shape.kind.as_str() {
        "structure" if shape.document => {}
        "structure" => {
            let Value::Object(map) = value else { return wrong("an object", out, path) };
            for (key, v) in map {
                match shape.members.get(key) {
                    Some(member) => with_member(path, key, |p| check(model, &member.shape, v, p, placeholder, out)),
                    None => {
                        let hint = shape
                            .members
                            .names()
                            .find(|m| m.eq_ignore_ascii_case(key))
                            .map(|m| format!("; did you mean {m}?"))
                            .unwrap_or_else(|| {
                                let names: Vec<&str> = shape.members.names().collect();
                                format!("; members are {}", names.join(", "))
                            });
                        out.push(Invalid {
                            path: with_member(path, key, |p| p.clone()),
                            message: format!("unknown member {key} of {shape_name}{hint}"),
                            kind: InvalidKind::Unknown,
                        });
                    }
                }
            }
            for req in &shape.required {
                if !map.contains_key(req) {
                    out.push(Invalid {
                        path: with_member(path, req, |p| p.clone()),
                        message: format!("missing required member {req} of {shape_name}"),
                        kind: InvalidKind::Missing,
                    });
                }
            }
        }
        "list" => {
            let Value::Array(items) = value else { return wrong("a list", out, path) };
            length(shape, items.len(), path, out);
            if let Some(member) = &shape.member {
                for (i, item) in items.iter().enumerate() {
                    with_index(path, i, |p| check(model, &member.shape, item, p, placeholder, out));
                }
            }
        }
        "map" => {
            let Value::Object(map) = value else { return wrong("an object", out, path) };
            length(shape, map.len(), path, out);
            if let Some(v) = &shape.value {
                for (key, item) in map {
                    with_member(path, key, |p| check(model, &v.shape, item, p, placeholder, out));
                }
            }
        }
        "string" => {
            let Value::String(s) = value else { return wrong("a string", out, path) };
            if let Some(values) = &shape.enum_values {
                if !values.iter().any(|v| v == s) {
                    out.push(Invalid {
                        message: format!("{s:?} is not one of {}", values.join(", ")),
                        path: path.clone(),
                        kind: InvalidKind::Value,
                    });
                    return;
                }
            }
            if shape.min.is_some() || shape.max.is_some() {
                length(shape, s.chars().count(), path, out);
            }
        }
        "boolean" => {
            if !value.is_boolean() {
                wrong("a boolean", out, path)
            }
        }
        "integer" | "long" => {
            let n = match value {
                Value::Number(n) => n.as_i64(),
                _ => None,
            };
            let Some(n) = n else { return wrong("an integer", out, path) };
            if shape.kind == "integer" && i32::try_from(n).is_err() {
                out.push(Invalid {
                    message: format!("{n} does not fit a 32-bit integer"),
                    path: path.clone(),
                    kind: InvalidKind::Value,
                });
                return;
            }
            range(shape, n as f64, path, out);
        }
        "float" | "double" => {
            let Some(n) = value.as_f64() else { return wrong("a number", out, path) };
            range(shape, n, path, out);
        }
        "timestamp" => match value {
            Value::Number(_) => {}
            Value::String(s) if Timestamp::parse_iso8601(s).is_some() => {}
            Value::String(s) => out.push(Invalid {
                message: format!("{s:?} is not an ISO-8601 timestamp"),
                path: path.clone(),
                kind: InvalidKind::Value,
            }),
            _ => wrong("a timestamp", out, path),
        },
        "blob" => {
            use base64::Engine;
            let Value::String(s) = value else { return wrong("a base64 string", out, path) };
            if base64::engine::general_purpose::STANDARD.decode(s).is_err() {
                out.push(Invalid {
                    message: "is not valid base64".into(),
                    path: path.clone(),
                    kind: InvalidKind::Value,
                });
            }
        }
        other => out.push(Invalid {
            message: format!("unsupported shape type {other}"),
            path: path.clone(),
            kind: InvalidKind::Type,
        }),
    }
}

fn length(shape: &ShapeModel, len: usize, path: &str, out: &mut Vec<Invalid>) {
    if let Some(min) = shape.min {
        if (len as f64) < min {
            out.push(Invalid {
                path: path.to_string(),
                message: format!("length {len} is below the minimum {min}"),
                kind: InvalidKind::Value,
            });
        }
    }
    if let Some(max) = shape.max {
        if (len as f64) > max {
            out.push(Invalid {
                path: path.to_string(),
                message: format!("length {len} is above the maximum {max}"),
                kind: InvalidKind::Value,
            });
        }
    }
}

fn range(shape: &ShapeModel, n: f64, path: &str, out: &mut Vec<Invalid>) {
    if let Some(min) = shape.min {
        if n < min {
            out.push(Invalid {
                path: path.to_string(),
                message: format!("{n} is below the minimum {min}"),
                kind: InvalidKind::Value,
            });
        }
    }
    if let Some(max) = shape.max {
        if n > max {
            out.push(Invalid {
                path: path.to_string(),
                message: format!("{n} is above the maximum {max}"),
                kind: InvalidKind::Value,
            });
        }
    }
}

/// One step of a path into an operation's output: a member or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// `.Member`
    Member(String),
    /// `[index]`
    Index(usize),
}

/// Checks that `path` names something inside the output of `operation` (members exist, indexes
/// apply to lists, map keys to maps). Returns the reason when it does not.
pub fn check_output_path(model: &ServiceModel, operation: &str, path: &[PathStep]) -> Result<(), String> {
    let op = model.operation(operation).ok_or_else(|| format!("unknown operation {operation}"))?;
    let Some(out) = &op.output else {
        return if path.is_empty() { Ok(()) } else { Err(format!("{operation} has no output")) };
    };
    let mut shape_name = out.shape.clone();
    for step in path {
        let shape = model.shape(&shape_name).ok_or_else(|| format!("model has no shape {shape_name}"))?;
        match (step, shape.kind.as_str()) {
            (PathStep::Member(m), "structure") => match shape.members.get(m) {
                Some(r) => shape_name = r.shape.clone(),
                None => {
                    let names: Vec<&str> = shape.members.names().collect();
                    return Err(format!("{shape_name} has no member {m} (members: {})", names.join(", ")));
                }
            },
            (PathStep::Member(_), "map") => match &shape.value {
                Some(v) => shape_name = v.shape.clone(),
                None => return Err(format!("{shape_name} has no values")),
            },
            (PathStep::Index(_), "list") => match &shape.member {
                Some(m) => shape_name = m.shape.clone(),
                None => return Err(format!("{shape_name} has no members")),
            },
            (PathStep::Member(m), kind) => return Err(format!("cannot read .{m} of a {kind}")),
            (PathStep::Index(i), kind) => return Err(format!("cannot index [{i}] into a {kind}")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn validates_like_botocore() {
        let ec2 = crate::service("ec2").unwrap();
        assert!(validate_input(ec2, "DescribeVpcs", &json!({})).is_ok());
        let e = validate_input(ec2, "CreateNetworkAclEntry", &json!({"NetworkAclId": "acl-1", "RuleNumber": "100"}))
            .unwrap_err();
        let paths: Vec<(&str, InvalidKind)> = e.iter().map(|p| (p.path.as_str(), p.kind)).collect();
        assert!(paths.contains(&("RuleNumber", InvalidKind::Type)), "{e:?}");
        assert!(paths.contains(&("Protocol", InvalidKind::Missing)), "{e:?}");
        let e = validate_input(ec2, "DescribeVpcs", &json!({"VpcIds": ["vpc-1"], "Colour": 1})).unwrap_err();
        assert_eq!(e[0].kind, InvalidKind::Unknown);
        let s3 = crate::service("s3").unwrap();
        let e = validate_input(
            s3,
            "PutBucketVersioning",
            &json!({"Bucket": "b", "VersioningConfiguration": {"Status": "On"}}),
        )
        .unwrap_err();
        assert_eq!((e[0].path.as_str(), e[0].kind), ("VersioningConfiguration.Status", InvalidKind::Value));
        let e = validate_input(s3, "CreateBucket", &json!({"bucket": "b"})).unwrap_err();
        assert!(e[0].message.contains("did you mean Bucket"), "{e:?}");
    }

    #[test]
    fn output_paths_are_checked() {
        let ec2 = crate::service("ec2").unwrap();
        let ok = [PathStep::Member("SecurityGroups".into()), PathStep::Index(0), PathStep::Member("GroupId".into())];
        assert!(check_output_path(ec2, "DescribeSecurityGroups", &ok).is_ok());
        let bad = [PathStep::Member("SecurityGroups".into()), PathStep::Member("GroupId".into())];
        assert!(check_output_path(ec2, "DescribeSecurityGroups", &bad).is_err());
    }
}
