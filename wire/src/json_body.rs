//! JSON bodies (rest-json, json): an object keyed by the members' wire names
//! (`locationName`: GuardDuty's lowerCamel `enable`, `detectorIds`, ...) ⇄ hubsim's JSON keyed by
//! member names, timestamps between the model's `timestampFormat` (epoch seconds by default)
//! and ISO-8601. Members bound to the URI, query string or headers are not body members.

use hubsim_model::service_model::{ServiceModel, ShapeModel, ShapeRef};
use serde_json::{Map, Value};

use crate::scalar::is_bound;
use crate::time;

fn wire_name<'a>(name: &'a str, r: &'a ShapeRef) -> &'a str {
    r.location_name.as_deref().unwrap_or(name)
}

/// The body members of `shape` from a wire object, keyed by member name.
pub fn structure_from_wire(
    model: &ServiceModel,
    shape: &ShapeModel,
    mut obj: Map<String, Value>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, r) in shape.members.iter() {
        if is_bound(r) {
            continue;
        }
        let Some(v) = obj.remove(wire_name(name, r)) else { continue };
        if v.is_null() {
            continue;
        }
        let v = match model.shape(&r.shape) {
            Some(s) => from_wire(model, s, v),
            None => v,
        };
        out.insert(name.clone(), v);
    }
    out
}

/// A wire value as hubsim's JSON. Values of the wrong JSON type pass through unchanged for the
/// model validator to report.
pub fn from_wire(model: &ServiceModel, shape: &ShapeModel, value: Value) -> Value {
    if shape.document {
        return value;
    }
    match (shape.kind.as_str(), value) {
        ("structure", Value::Object(obj)) => Value::Object(structure_from_wire(model, shape, obj)),
        ("list", Value::Array(items)) => {
            let member = shape.member.as_ref().and_then(|m| Some((m, model.shape(&m.shape)?)));
            match member {
                Some((_, ms)) => Value::Array(items.into_iter().map(|i| from_wire(model, ms, i)).collect()),
                None => Value::Array(items),
            }
        }
        ("map", Value::Object(obj)) => {
            let val = shape.value.as_ref().and_then(|m| Some((m, model.shape(&m.shape)?)));
            match val {
                Some((_, ms)) => Value::Object(obj.into_iter().map(|(k, v)| (k, from_wire(model, ms, v))).collect()),
                None => Value::Object(obj),
            }
        }
        ("timestamp", v) => match time::read(&v) {
            Some(ts) => Value::String(ts.to_iso8601()),
            None => v,
        },
        (_, v) => v,
    }
}

/// The body members of `output` as a wire object.
pub fn structure_to_wire(model: &ServiceModel, shape: &ShapeModel, output: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, r) in shape.members.iter() {
        if is_bound(r) {
            continue;
        }
        let Some(v) = output.get(name).filter(|v| !v.is_null()) else { continue };
        let Some(s) = model.shape(&r.shape) else { continue };
        out.insert(wire_name(name, r).to_string(), to_wire(model, r, s, v));
    }
    out
}

/// hubsim's JSON as a wire value.
pub fn to_wire(model: &ServiceModel, r: &ShapeRef, shape: &ShapeModel, value: &Value) -> Value {
    if shape.document {
        return value.clone();
    }
    match (shape.kind.as_str(), value) {
        ("structure", Value::Object(_)) => Value::Object(structure_to_wire(model, shape, value)),
        ("list", Value::Array(items)) => match shape.member.as_ref().and_then(|m| Some((m, model.shape(&m.shape)?))) {
            Some((m, ms)) => {
                Value::Array(items.iter().filter(|i| !i.is_null()).map(|i| to_wire(model, m, ms, i)).collect())
            }
            None => value.clone(),
        },
        ("map", Value::Object(obj)) => match shape.value.as_ref().and_then(|m| Some((m, model.shape(&m.shape)?))) {
            Some((m, ms)) => Value::Object(obj.iter().map(|(k, v)| (k.clone(), to_wire(model, m, ms, v))).collect()),
            None => value.clone(),
        },
        ("timestamp", v) => match time::read(v) {
            Some(ts) => time::write(ts, time::format_of(r, shape, "unixTimestamp")),
            None => v.clone(),
        },
        _ => value.clone(),
    }
}
