//! An operation's input (hubsim's JSON, botocore member names) as the HTTP request its
//! protocol sends, driven by the model the way botocore's serializers are
//! (`botocore/serialize.py`): the mirror of the server's codecs, sharing their XML writer,
//! JSON body walker and scalar forms (`hubsim-wire`).

use base64::Engine;
use hubsim_model::service_model::{OperationModel, ServiceModel, ShapeModel, ShapeRef};
use hubsim_wire::json_body::structure_to_wire;
use hubsim_wire::scalar::{is_bound, scalar_text};
use hubsim_wire::xml;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

use crate::ClientError;

/// An HTTP request before signing: method, path with query, headers, body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The percent-encoded path (`/my-bucket`).
    pub path: String,
    /// The encoded query string without `?`, possibly empty.
    pub query: String,
    /// Headers (`Content-Type`, `X-Amz-Target`, the input's header members).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The characters AWS's URI encoding leaves as they are (RFC 3986 unreserved).
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
/// The same, keeping `/` (a greedy label such as `{Key+}`).
const UNRESERVED_PATH: &AsciiSet = &UNRESERVED.remove(b'/');

fn encode(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

/// The protocol the client speaks to `model`'s service: the model's, or for a model that
/// prefers one the client does not speak (CloudWatch's `smithy-rpc-v2-cbor`), its JSON form,
/// which botocore falls back to as well.
pub fn protocol(model: &ServiceModel) -> &str {
    match model.metadata.protocol.as_str() {
        p @ ("query" | "ec2" | "json" | "rest-json" | "rest-xml") => p,
        _ if model.metadata.target_prefix.is_some() && model.metadata.json_version.is_some() => "json",
        other => other,
    }
}

/// Builds the request of `op` with `input` (an object) in `model`'s protocol.
pub fn build(model: &ServiceModel, op: &OperationModel, input: &Value) -> Result<HttpRequest, ClientError> {
    match protocol(model) {
        "query" | "ec2" => Ok(form(model, op, input)),
        "json" => Ok(json(model, op, input)),
        "rest-json" | "rest-xml" => rest(model, op, input),
        other => Err(ClientError::Unsupported(format!("protocol {other}"))),
    }
}

// ---------------------------------------------------------------------------------------------
// query and ec2: form-encoded parameters

fn form(model: &ServiceModel, op: &OperationModel, input: &Value) -> HttpRequest {
    let ec2 = protocol(model) == "ec2";
    let mut params: Vec<(String, String)> =
        vec![("Action".into(), op.name.clone()), ("Version".into(), model.metadata.api_version.clone())];
    if let Some(shape) = op.input.as_ref().and_then(|r| model.shape(&r.shape)) {
        FormWriter { model, ec2, out: &mut params }.members(shape, input, "");
    }
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(&params).finish();
    HttpRequest {
        method: "POST".into(),
        path: "/".into(),
        query: String::new(),
        headers: vec![("Content-Type".into(), "application/x-www-form-urlencoded; charset=utf-8".into())],
        body: body.into_bytes(),
    }
}

/// botocore's `QuerySerializer` and `EC2QuerySerializer`: the names the server's query walker
/// reads.
struct FormWriter<'a> {
    model: &'a ServiceModel,
    ec2: bool,
    out: &'a mut Vec<(String, String)>,
}

impl FormWriter<'_> {
    fn members(&mut self, shape: &ShapeModel, value: &Value, prefix: &str) {
        for (name, r) in shape.members.iter() {
            let Some(v) = value.get(name).filter(|v| !v.is_null()) else { continue };
            let Some(target) = self.model.shape(&r.shape) else { continue };
            let wire = self.member_name(name, r);
            let full = if prefix.is_empty() { wire } else { format!("{prefix}.{wire}") };
            self.value(r, target, v, &full);
        }
    }

    fn member_name(&self, name: &str, r: &ShapeRef) -> String {
        if !self.ec2 {
            return r.location_name.clone().unwrap_or_else(|| name.to_string());
        }
        if let Some(q) = &r.query_name {
            return q.clone();
        }
        match &r.location_name {
            Some(l) => {
                let mut chars = l.chars();
                chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
            }
            None => name.to_string(),
        }
    }

    fn value(&mut self, r: &ShapeRef, shape: &ShapeModel, value: &Value, prefix: &str) {
        match shape.kind.as_str() {
            "structure" => self.members(shape, value, prefix),
            "list" => {
                let (Some(items), Some(member)) = (value.as_array(), &shape.member) else { return };
                let Some(mshape) = self.model.shape(&member.shape) else { return };
                if items.is_empty() {
                    if !self.ec2 {
                        self.out.push((prefix.to_string(), String::new()));
                    }
                    return;
                }
                let list_prefix = if self.ec2 {
                    prefix.to_string()
                } else if r.flattened.or(shape.flattened).unwrap_or(false) {
                    match (&member.location_name, prefix.rsplit_once('.')) {
                        (Some(name), Some((head, _))) => format!("{head}.{name}"),
                        (Some(name), None) => name.clone(),
                        (None, _) => prefix.to_string(),
                    }
                } else {
                    format!("{prefix}.{}", member.location_name.as_deref().unwrap_or("member"))
                };
                for (i, item) in items.iter().enumerate() {
                    self.value(member, mshape, item, &format!("{list_prefix}.{}", i + 1));
                }
            }
            "map" => {
                let (Some(entries), Some(kref), Some(vref)) = (value.as_object(), &shape.key, &shape.value) else {
                    return;
                };
                let (Some(kshape), Some(vshape)) = (self.model.shape(&kref.shape), self.model.shape(&vref.shape))
                else {
                    return;
                };
                let entry_prefix = if self.ec2 || shape.flattened.unwrap_or(false) {
                    prefix.to_string()
                } else {
                    format!("{prefix}.entry")
                };
                let key_name = kref.location_name.as_deref().unwrap_or("key");
                let value_name = vref.location_name.as_deref().unwrap_or("value");
                for (i, (k, v)) in entries.iter().enumerate() {
                    let at = format!("{entry_prefix}.{}", i + 1);
                    self.value(kref, kshape, &Value::String(k.clone()), &format!("{at}.{key_name}"));
                    self.value(vref, vshape, v, &format!("{at}.{value_name}"));
                }
            }
            _ => {
                if let Some(text) = scalar_text(r, shape, value, "iso8601") {
                    self.out.push((prefix.to_string(), text));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// json

fn json(model: &ServiceModel, op: &OperationModel, input: &Value) -> HttpRequest {
    let body = match op.input.as_ref().and_then(|r| model.shape(&r.shape)) {
        Some(shape) => Value::Object(structure_to_wire(model, shape, input)),
        None => Value::Object(Default::default()),
    };
    let version = model.metadata.json_version.as_deref().unwrap_or("1.1");
    let mut headers = vec![("Content-Type".to_string(), format!("application/x-amz-json-{version}"))];
    if let Some(prefix) = &model.metadata.target_prefix {
        headers.push(("X-Amz-Target".into(), format!("{prefix}.{}", op.name)));
    }
    HttpRequest {
        method: "POST".into(),
        path: "/".into(),
        query: String::new(),
        headers,
        body: body.to_string().into_bytes(),
    }
}

// ---------------------------------------------------------------------------------------------
// rest-json and rest-xml

fn rest(model: &ServiceModel, op: &OperationModel, input: &Value) -> Result<HttpRequest, ClientError> {
    let http = op.http.as_ref().ok_or_else(|| ClientError::Unsupported(format!("{} has no HTTP binding", op.name)))?;
    let shape = op.input.as_ref().and_then(|r| model.shape(&r.shape));
    let (template_path, template_query) = http.request_uri.split_once('?').unwrap_or((&http.request_uri, ""));
    let label = |wanted: &str| -> Result<String, ClientError> {
        let found = shape.and_then(|s| {
            s.members.iter().find(|(name, r)| {
                r.location.as_deref() == Some("uri") && r.location_name.as_deref().unwrap_or(name) == wanted
            })
        });
        let text = found.and_then(|(name, r)| {
            let target = model.shape(&r.shape)?;
            scalar_text(r, target, input.get(name)?, "iso8601")
        });
        match text {
            Some(t) if !t.is_empty() => Ok(t),
            _ => Err(ClientError::Input(format!("{} needs the URI member {wanted}", op.name))),
        }
    };
    // The path, label by label.
    let mut path = String::new();
    let mut rest = template_path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|c| open + c).unwrap_or(rest.len());
        path.push_str(&rest[..open]);
        let name = &rest[open + 1..close.min(rest.len())];
        match name.strip_suffix('+') {
            Some(greedy) => path.push_str(&utf8_percent_encode(&label(greedy)?, UNRESERVED_PATH).to_string()),
            None => path.push_str(&encode(&label(name)?)),
        }
        rest = rest.get(close + 1..).unwrap_or("");
    }
    path.push_str(rest);
    // The query: the template's literals, then the querystring members.
    let mut query: Vec<String> = template_query
        .split('&')
        .filter(|q| !q.is_empty())
        .map(|q| match q.split_once('=') {
            Some((k, v)) => format!("{}={}", encode(k), encode(v)),
            None => encode(q),
        })
        .collect();
    let mut headers = Vec::new();
    if let Some(shape) = shape {
        bindings(model, shape, input, &mut query, &mut headers);
    }
    let (content_type, body) = match shape {
        Some(shape) => rest_body(model, op, shape, input),
        None => (None, Vec::new()),
    };
    if let Some(ct) = content_type {
        headers.push(("Content-Type".into(), ct.into()));
    }
    Ok(HttpRequest { method: http.method.clone(), path, query: query.join("&"), headers, body })
}

fn bindings(
    model: &ServiceModel,
    shape: &ShapeModel,
    input: &Value,
    query: &mut Vec<String>,
    headers: &mut Vec<(String, String)>,
) {
    for (name, r) in shape.members.iter() {
        let Some(v) = input.get(name).filter(|v| !v.is_null()) else { continue };
        let Some(target) = model.shape(&r.shape) else { continue };
        let wire = r.location_name.as_deref().unwrap_or(name);
        match r.location.as_deref() {
            Some("querystring") => match (v, target.kind.as_str()) {
                (Value::Array(items), _) => {
                    let member = target.member.as_ref().and_then(|m| Some((m, model.shape(&m.shape)?)));
                    for item in items {
                        if let Some(text) = member.and_then(|(m, s)| scalar_text(m, s, item, "iso8601")) {
                            query.push(format!("{}={}", encode(wire), encode(&text)));
                        }
                    }
                }
                (Value::Object(map), "map") => {
                    for (k, item) in map {
                        let values = match item {
                            Value::Array(list) => list.clone(),
                            other => vec![other.clone()],
                        };
                        for value in values.iter().filter_map(Value::as_str) {
                            query.push(format!("{}={}", encode(k), encode(value)));
                        }
                    }
                }
                _ => {
                    if let Some(text) = scalar_text(r, target, v, "iso8601") {
                        query.push(format!("{}={}", encode(wire), encode(&text)));
                    }
                }
            },
            Some("header") => {
                let text = if r.json_value.unwrap_or(false) {
                    Some(base64::engine::general_purpose::STANDARD.encode(v.to_string()))
                } else if let (Value::Array(items), Some(member)) = (v, &target.member) {
                    let mshape = model.shape(&member.shape);
                    let parts: Vec<String> =
                        items.iter().filter_map(|i| mshape.and_then(|s| scalar_text(member, s, i, "rfc822"))).collect();
                    Some(parts.join(","))
                } else {
                    scalar_text(r, target, v, "rfc822")
                };
                if let Some(text) = text {
                    headers.push((wire.to_string(), text));
                }
            }
            Some("headers") => {
                for (k, item) in v.as_object().into_iter().flatten() {
                    if let Some(text) = item.as_str() {
                        headers.push((format!("{wire}{k}"), text.to_string()));
                    }
                }
            }
            _ => {}
        }
    }
}

/// The body of a REST request: the payload member, or the body members.
fn rest_body(
    model: &ServiceModel,
    op: &OperationModel,
    shape: &ShapeModel,
    input: &Value,
) -> (Option<&'static str>, Vec<u8>) {
    let xml_protocol = protocol(model) == "rest-xml";
    if let Some((name, r)) = shape.payload.as_deref().and_then(|p| Some((p, shape.members.get(p)?))) {
        let Some(value) = input.get(name).filter(|v| !v.is_null()) else { return (None, Vec::new()) };
        let Some(pshape) = model.shape(&r.shape) else { return (None, Vec::new()) };
        return match (pshape.kind.as_str(), value) {
            ("blob", Value::String(b64)) => (
                Some("application/octet-stream"),
                base64::engine::general_purpose::STANDARD.decode(b64).unwrap_or_else(|_| b64.clone().into_bytes()),
            ),
            ("string", Value::String(text)) => (Some("text/plain"), text.clone().into_bytes()),
            _ if xml_protocol => {
                let mut out = String::new();
                let root = r.location_name.as_deref().unwrap_or(&r.shape);
                let ns = model.metadata.xml_namespace.as_deref().or(Some("http://s3.amazonaws.com/doc/2006-03-01/"));
                let ns = if pshape.xml_namespace.is_some() || r.xml_namespace.is_some() { None } else { ns };
                xml::write_structure(&mut out, model, Some(r), pshape, root, value, ns);
                (Some("application/xml"), out.into_bytes())
            }
            _ => {
                let body = hubsim_wire::json_body::to_wire(model, r, pshape, value);
                (Some("application/json"), body.to_string().into_bytes())
            }
        };
    }
    if !shape.members.iter().any(|(name, r)| !is_bound(r) && input.get(name).is_some_and(|v| !v.is_null())) {
        // botocore sends `{}` to rest-json operations with body members, nothing otherwise.
        let has_body_members = shape.members.iter().any(|(_, r)| !is_bound(r));
        return if has_body_members && !xml_protocol {
            (Some("application/json"), b"{}".to_vec())
        } else {
            (None, Vec::new())
        };
    }
    if xml_protocol {
        let mut out = String::new();
        let root = op.input.as_ref().and_then(|r| r.location_name.as_deref()).unwrap_or(&op.name);
        xml::write_structure(&mut out, model, None, shape, root, input, model.metadata.xml_namespace.as_deref());
        (Some("application/xml"), out.into_bytes())
    } else {
        (Some("application/json"), Value::Object(structure_to_wire(model, shape, input)).to_string().into_bytes())
    }
}
