//! An HTTP response as the operation's output (hubsim's JSON, botocore member names) or as
//! AWS's error, driven by the model as botocore's parsers are (`botocore/parsers.py`). An
//! answer that is not the protocol's (an HTML page from a proxy, a truncated body) is an error
//! that says so, never an empty output.

use base64::Engine;
use hubsim_api::AwsError;
use hubsim_model::service_model::{OperationModel, ServiceModel, ShapeModel};
use hubsim_wire::json_body::structure_from_wire;
use hubsim_wire::scalar::{is_bound, scalar};
use hubsim_wire::xml::{self, Element};
use serde_json::{Map, Value};

use crate::request;

/// An HTTP response as received.
#[derive(Debug, Clone, Default)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header called `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The code of an answer that is not AWS's (HTML, garbage, a body the model cannot read).
pub const UNEXPECTED: &str = "UnexpectedResponse";

/// The first bytes of a body, for messages.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(80)]).replace(['\n', '\r'], " ");
    if body.len() > 80 {
        format!("{text}…")
    } else {
        text
    }
}

fn unexpected(status: u16, what: &str, resp: &HttpResponse) -> AwsError {
    let ct = resp.header("content-type").unwrap_or("no content type");
    AwsError::new(
        UNEXPECTED,
        status,
        format!("the endpoint answered HTTP {} ({ct}) with {what}: {:?}", resp.status, excerpt(&resp.body)),
    )
}

/// The output of `op` from a successful (2xx) response.
pub fn output(model: &ServiceModel, op: &OperationModel, resp: &HttpResponse) -> Result<Value, AwsError> {
    let Some(shape) = op.output.as_ref().and_then(|r| model.shape(&r.shape)) else {
        return Ok(Value::Object(Map::new()));
    };
    // By the body, not the content type: moto labels its JSON answers `text/html`.
    if is_html(&resp.body) {
        return Err(unexpected(resp.status, "an HTML page", resp));
    }
    let protocol = request::protocol(model);
    match protocol {
        "query" | "ec2" => {
            let root = parse_xml(resp)?;
            if root.name != format!("{}Response", op.name) {
                return Err(unexpected(resp.status, &format!("XML whose root is <{}>", root.name), resp));
            }
            let node = match op.output.as_ref().and_then(|r| r.result_wrapper.as_deref()) {
                Some(wrapper) => root.children.iter().find(|c| c.name == wrapper).unwrap_or(&root),
                None => &root,
            };
            let mut out = read_xml(model, shape, node, resp)?;
            if protocol == "query" {
                decode_policy_documents(model, shape, &mut out);
            }
            Ok(Value::Object(out))
        }
        "json" => {
            let body = parse_json(resp)?;
            match body {
                Value::Object(obj) => Ok(Value::Object(structure_from_wire(model, shape, obj))),
                _ => Err(unexpected(resp.status, "JSON that is not an object", resp)),
            }
        }
        "rest-json" | "rest-xml" => rest_output(model, op, shape, resp),
        other => Err(AwsError::new(UNEXPECTED, 0, format!("protocol {other} is not supported"))),
    }
}

/// Whether a body is an HTML page (`<!DOCTYPE html` or `<html`, any case, after blanks).
fn is_html(body: &[u8]) -> bool {
    let start: Vec<u8> =
        body.iter().skip_while(|b| b.is_ascii_whitespace()).take(14).map(u8::to_ascii_lowercase).collect();
    start.starts_with(b"<!doctype html") || start.starts_with(b"<html")
}

fn parse_xml(resp: &HttpResponse) -> Result<Element, AwsError> {
    xml::parse(&resp.body).map_err(|_| unexpected(resp.status, "a body that is not XML", resp))
}

fn parse_json(resp: &HttpResponse) -> Result<Value, AwsError> {
    if resp.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice(&resp.body).map_err(|_| unexpected(resp.status, "a body that is not JSON", resp))
}

fn read_xml(
    model: &ServiceModel,
    shape: &ShapeModel,
    node: &Element,
    resp: &HttpResponse,
) -> Result<Map<String, Value>, AwsError> {
    xml::read_structure(model, shape, node, UNEXPECTED).map_err(|e| {
        AwsError::new(UNEXPECTED, resp.status, format!("the endpoint's XML does not match the model: {}", e.message))
    })
}

/// IAM's query answers carry policy documents URL-encoded (`policyDocumentType`,
/// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html); inside
/// hubsim they are the JSON text, as boto3 gives them.
fn decode_policy_documents(model: &ServiceModel, shape: &ShapeModel, value: &mut Map<String, Value>) {
    for (name, r) in shape.members.iter() {
        let Some(v) = value.get_mut(name) else { continue };
        decode_value(model, &r.shape, v);
    }
}

fn decode_value(model: &ServiceModel, shape_name: &str, v: &mut Value) {
    let Some(shape) = model.shape(shape_name) else { return };
    match (shape.kind.as_str(), v) {
        ("structure", Value::Object(obj)) => decode_policy_documents(model, shape, obj),
        ("list", Value::Array(items)) => {
            if let Some(member) = &shape.member {
                items.iter_mut().for_each(|i| decode_value(model, &member.shape, i));
            }
        }
        ("string", Value::String(text)) if shape_name == "policyDocumentType" && text.starts_with('%') => {
            *text = percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned();
        }
        _ => {}
    }
}

fn rest_output(
    model: &ServiceModel,
    op: &OperationModel,
    shape: &ShapeModel,
    resp: &HttpResponse,
) -> Result<Value, AwsError> {
    let xml_protocol = request::protocol(model) == "rest-xml";
    let mut out = Map::new();
    // Members bound to headers and the status code.
    for (name, r) in shape.members.iter() {
        let Some(target) = model.shape(&r.shape) else { continue };
        let wire = r.location_name.as_deref().unwrap_or(name);
        let value = match r.location.as_deref() {
            Some("header") => match resp.header(wire) {
                Some(raw) if target.kind == "list" => {
                    let member = target.member.as_ref().and_then(|m| model.shape(&m.shape));
                    member.map(|m| {
                        Value::Array(
                            raw.split(',').filter_map(|i| scalar(m, i.trim(), UNEXPECTED, wire).ok()).collect(),
                        )
                    })
                }
                Some(raw) if r.json_value.unwrap_or(false) => base64::engine::general_purpose::STANDARD
                    .decode(raw.trim())
                    .ok()
                    .and_then(|b| serde_json::from_slice(&b).ok()),
                Some(raw) => scalar(target, raw.trim(), UNEXPECTED, wire).ok(),
                None => None,
            },
            Some("headers") => {
                let prefix = wire.to_ascii_lowercase();
                let map: Map<String, Value> = resp
                    .headers
                    .iter()
                    .filter_map(|(k, v)| {
                        k.to_ascii_lowercase()
                            .strip_prefix(&prefix)
                            .map(|rest| (rest.to_string(), Value::String(v.clone())))
                    })
                    .collect();
                (!map.is_empty()).then_some(Value::Object(map))
            }
            Some("statusCode") => Some(Value::from(resp.status)),
            _ => None,
        };
        if let Some(v) = value {
            out.insert(name.clone(), v);
        }
    }
    // The payload member, or the body members.
    if let Some((name, r)) = shape.payload.as_deref().and_then(|p| Some((p, shape.members.get(p)?))) {
        let Some(pshape) = model.shape(&r.shape) else { return Ok(Value::Object(out)) };
        let value = match pshape.kind.as_str() {
            _ if resp.body.is_empty() => None,
            "blob" => Some(Value::String(base64::engine::general_purpose::STANDARD.encode(&resp.body))),
            "string" => Some(Value::String(String::from_utf8_lossy(&resp.body).into_owned())),
            _ if xml_protocol => {
                let root = parse_xml(resp)?;
                if root.name.eq_ignore_ascii_case("html") {
                    return Err(unexpected(resp.status, "an HTML page", resp));
                }
                Some(Value::Object(read_xml(model, pshape, &root, resp)?))
            }
            _ => match parse_json(resp)? {
                Value::Object(obj) => Some(Value::Object(structure_from_wire(model, pshape, obj))),
                _ => return Err(unexpected(resp.status, "JSON that is not an object", resp)),
            },
        };
        if let Some(v) = value {
            out.insert(name.to_string(), v);
        }
        return Ok(Value::Object(out));
    }
    let body_members: Vec<_> = shape.members.iter().filter(|(_, r)| !is_bound(r)).collect();
    if body_members.is_empty() {
        return Ok(Value::Object(out));
    }
    if xml_protocol {
        if resp.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Object(out));
        }
        let root = parse_xml(resp)?;
        if root.name.eq_ignore_ascii_case("html") {
            return Err(unexpected(resp.status, "an HTML page", resp));
        }
        // A bare text root (GetBucketLocation's `<LocationConstraint>`) is its one member.
        if let ([(name, r)], true) = (body_members.as_slice(), root.children.is_empty()) {
            if model.shape(&r.shape).is_some_and(|s| s.kind == "string") {
                if !root.text.is_empty() {
                    out.insert((*name).clone(), Value::String(root.text.clone()));
                }
                return Ok(Value::Object(out));
            }
        }
        out.extend(read_xml(model, shape, &root, resp)?);
    } else {
        match parse_json(resp)? {
            Value::Object(obj) => out.extend(structure_from_wire(model, shape, obj)),
            _ => return Err(unexpected(resp.status, "JSON that is not an object", resp)),
        }
    }
    let _ = op;
    Ok(Value::Object(out))
}

/// The error of a non-2xx response: AWS's code and message by the protocol's envelope; an
/// answer that carries none (an HTML error page, a bare 503) is named as such.
pub fn error(model: &ServiceModel, resp: &HttpResponse) -> AwsError {
    let status = resp.status;
    let found = match request::protocol(model) {
        "query" | "ec2" | "rest-xml" => xml_error(&resp.body),
        _ => json_error(resp),
    };
    match found {
        Some((code, message)) => AwsError { code, message, status, sender_fault: status < 500 },
        None if resp.body.iter().all(u8::is_ascii_whitespace) => {
            // HEAD answers and some gateways carry no body: the status is all there is.
            let code = match status {
                404 => "NotFound",
                403 => "AccessDenied",
                429 => "Throttling",
                503 => "ServiceUnavailable",
                s if s >= 500 => "InternalFailure",
                _ => "BadRequest",
            };
            AwsError {
                code: code.into(),
                message: format!("HTTP {status} without a body"),
                status,
                sender_fault: status < 500,
            }
        }
        None => unexpected(status, "a body that is not an AWS error", resp),
    }
}

/// `<ErrorResponse><Error><Code>` (query), `<Response><Errors><Error>` (ec2), `<Error>`
/// (rest-xml): the first `Code` and `Message` under an `Error` element.
fn xml_error(body: &[u8]) -> Option<(String, String)> {
    let root = xml::parse(body).ok()?;
    let error = find(&root, "Error")?;
    let text = |name: &str| error.children.iter().find(|c| c.name == name).map(|c| c.text.clone());
    Some((text("Code")?, text("Message").unwrap_or_default()))
}

/// The first element called `name`, breadth first (the tree is bounded by the parser).
fn find<'a>(root: &'a Element, name: &str) -> Option<&'a Element> {
    let mut level = vec![root];
    while !level.is_empty() {
        if let Some(found) = level.iter().find(|e| e.name == name) {
            return Some(found);
        }
        level = level.iter().flat_map(|e| e.children.iter()).collect();
    }
    None
}

/// json and rest-json: `X-Amzn-ErrorType`, else the body's `__type` / `code` / `Code`, with any
/// `namespace#` prefix or `:url` suffix dropped; the message from `message` or `Message`.
fn json_error(resp: &HttpResponse) -> Option<(String, String)> {
    let body: Option<Map<String, Value>> = serde_json::from_slice(&resp.body).ok();
    let field = |names: &[&str]| -> Option<String> {
        let body = body.as_ref()?;
        names.iter().find_map(|n| body.get(*n).and_then(Value::as_str)).map(str::to_string)
    };
    let raw = resp.header("x-amzn-errortype").map(str::to_string).or_else(|| field(&["__type", "code", "Code"]))?;
    let code = raw.split(':').next().unwrap_or(&raw);
    let code = code.rsplit('#').next().unwrap_or(code).to_string();
    if code.is_empty() {
        return None;
    }
    Some((code, field(&["message", "Message", "errorMessage"]).unwrap_or_default()))
}
