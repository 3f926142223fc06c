//! One scalar member from and to its text on the wire: URI labels, query strings, headers and
//! XML text carry scalars as text; inside hubsim they are JSON (numbers, booleans, timestamps
//! as ISO-8601 strings, blobs as base64).

use hubsim_model::service_model::{ShapeModel, ShapeRef};
use serde_json::Value;

use crate::time;
use crate::WireError;

/// Whether a member reference is carried outside the body.
pub fn is_bound(r: &ShapeRef) -> bool {
    matches!(r.location.as_deref(), Some("uri" | "querystring" | "header" | "headers" | "statusCode"))
}

/// A scalar from its text form on the wire, as hubsim's JSON: strings stay strings, numbers and
/// booleans become JSON ones, timestamps become ISO-8601, blobs stay base64.
pub fn scalar(target: &ShapeModel, text: &str, malformed: &str, wire: &str) -> Result<Value, WireError> {
    let bad = || WireError::bad(malformed, format!("invalid value for {wire}: {text:?}"));
    Ok(match target.kind.as_str() {
        "boolean" => match text.trim() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad()),
        },
        "integer" | "long" => Value::from(text.trim().parse::<i64>().map_err(|_| bad())?),
        "float" | "double" => match text.trim() {
            "NaN" | "Infinity" | "-Infinity" => Value::String(text.trim().to_string()),
            t => {
                serde_json::Number::from_f64(t.parse::<f64>().map_err(|_| bad())?).map(Value::Number).ok_or_else(bad)?
            }
        },
        "timestamp" => Value::String(time::read_str(text).ok_or_else(bad)?.to_iso8601()),
        "blob" => Value::String(text.trim().to_string()),
        _ => Value::String(text.to_string()),
    })
}

/// A scalar of hubsim's JSON as text for a header, a label or an XML element.
pub fn scalar_text(r: &ShapeRef, target: &ShapeModel, value: &Value, ts_default: &str) -> Option<String> {
    match (target.kind.as_str(), value) {
        (_, Value::Null) => None,
        ("timestamp", v) => {
            let ts = time::read(v)?;
            Some(time::write_text(ts, time::format_of(r, target, ts_default)))
        }
        (_, Value::String(s)) => Some(s.clone()),
        (_, Value::Bool(b)) => Some(b.to_string()),
        (_, Value::Number(n)) => Some(n.to_string()),
        (_, other) => Some(other.to_string()),
    }
}
