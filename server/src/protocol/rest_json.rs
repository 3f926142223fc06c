//! The `rest-json` protocol (GuardDuty, Security Hub): operation from method + `requestUri`
//! template, members from the URI, query string and headers, the rest from a JSON body whose
//! keys are the members' `locationName`s (GuardDuty's lowerCamel `enable`, `detectorIds`, ...)
//! mapped back to member names; responses likewise, timestamps in the model's
//! `timestampFormat` (epoch seconds by default). Errors carry `X-Amzn-ErrorType` and a body
//! with `message`/`Message`/`Code`/`__type`.
//!
//! A body that is not JSON (or not an object) is answered with the operation's modelled
//! bad-request error (`BadRequestException`, `InvalidInputException`, `ValidationException`)
//! when it has one, else `SerializationException`, status 400.

use base64::Engine;
use hubsim_model::service_model::{OperationModel, ServiceModel};
use hubsim_simulator::AwsError;
use serde_json::{Map, Value};

use super::rest;
use super::{Codec, Request, Response, WireError};
use hubsim_wire::json_body::{from_wire, structure_from_wire, structure_to_wire, to_wire};

/// The `rest-json` codec.
pub struct RestJson;

/// Modelled error shapes that mean "your request does not parse", in order of preference.
const BAD_REQUEST_SHAPES: &[&str] = &["BadRequestException", "InvalidInputException", "ValidationException"];

impl Codec for RestJson {
    fn operation<'m>(&self, model: &'m ServiceModel, req: &Request) -> Option<&'m OperationModel> {
        rest::route(model, req, rest::RouteOptions { strict_query: false })
    }

    fn parse(&self, model: &ServiceModel, op: &OperationModel, req: &Request) -> Result<Value, WireError> {
        let Some(shape) = rest::input_shape(model, op) else { return Ok(Value::Object(Map::new())) };
        let malformed = malformed_code(model, op);
        let bad = |what: &str| WireError::bad(&malformed, what.to_string());
        let bindings = rest::parse_bindings(model, op, shape, req, &malformed)?;
        let mut input = Map::new();
        let empty = req.body.iter().all(u8::is_ascii_whitespace);
        match shape.payload.as_deref().and_then(|p| Some((p, shape.members.get(p)?))) {
            Some((payload, r)) => {
                let Some(pshape) = model.shape(&r.shape) else { return Ok(Value::Object(bindings)) };
                let value = match pshape.kind.as_str() {
                    _ if req.body.is_empty() => None,
                    "blob" => Some(Value::String(base64::engine::general_purpose::STANDARD.encode(&req.body))),
                    "string" => Some(Value::String(String::from_utf8_lossy(&req.body).into_owned())),
                    _ if empty => None,
                    _ => {
                        let v: Value =
                            serde_json::from_slice(&req.body).map_err(|_| bad("The request body is not valid JSON"))?;
                        Some(from_wire(model, pshape, v))
                    }
                };
                if let Some(v) = value {
                    input.insert(payload.to_string(), v);
                }
            }
            None if empty => {}
            None => {
                let body: Value =
                    serde_json::from_slice(&req.body).map_err(|_| bad("The request body is not valid JSON"))?;
                match body {
                    Value::Object(obj) => input = structure_from_wire(model, shape, obj),
                    Value::Null => {}
                    _ => return Err(bad("The request body must be a JSON object")),
                }
            }
        }
        input.extend(bindings);
        Ok(Value::Object(input))
    }

    fn serialize(&self, model: &ServiceModel, op: &OperationModel, output: &Value, request_id: &str) -> Response {
        let mut headers = vec![("x-amzn-RequestId".to_string(), request_id.to_string())];
        let Some(shape) = rest::output_shape(model, op) else {
            headers.push(("Content-Type".into(), "application/json".into()));
            return Response { status: rest::success_status(op, None), headers, body: b"{}".to_vec() };
        };
        let status = rest::success_status(op, rest::write_bindings(model, shape, output, &mut headers));
        let payload = shape.payload.as_deref().and_then(|p| Some((p, shape.members.get(p)?)));
        let (content_type, body) = match payload {
            Some((name, r)) => {
                let value = output.get(name).filter(|v| !v.is_null());
                match (model.shape(&r.shape), value) {
                    (Some(s), Some(Value::String(b64))) if s.kind == "blob" => (
                        "application/octet-stream",
                        base64::engine::general_purpose::STANDARD.decode(b64).unwrap_or_default(),
                    ),
                    (Some(s), Some(Value::String(text))) if s.kind == "string" => {
                        ("text/plain", text.clone().into_bytes())
                    }
                    (Some(s), Some(v)) => ("application/json", to_wire(model, r, s, v).to_string().into_bytes()),
                    _ => ("application/json", b"{}".to_vec()),
                }
            }
            None => {
                let body = Value::Object(structure_to_wire(model, shape, output));
                ("application/json", body.to_string().into_bytes())
            }
        };
        headers.push(("Content-Type".into(), content_type.into()));
        Response { status, headers, body }
    }

    fn error(
        &self,
        model: &ServiceModel,
        _op: Option<&OperationModel>,
        error: &AwsError,
        request_id: &str,
    ) -> Response {
        let headers = vec![
            ("x-amzn-RequestId".to_string(), request_id.to_string()),
            ("X-Amzn-ErrorType".to_string(), error.code.clone()),
            ("Content-Type".to_string(), "application/json".to_string()),
        ];
        let mut body = Map::new();
        body.insert("message".into(), Value::String(error.message.clone()));
        body.insert("Message".into(), Value::String(error.message.clone()));
        body.insert("Code".into(), Value::String(error.code.clone()));
        body.insert("__type".into(), Value::String(error.code.clone()));
        // Members of the modelled error shape that have other wire names (GuardDuty's `type`).
        if let Some(shape) = model.shape(&error.code).filter(|s| s.exception) {
            for (name, r) in shape.members.iter() {
                let wire = r.location_name.as_deref().unwrap_or(name);
                let value = match name.as_str() {
                    "Message" => &error.message,
                    "Code" | "Type" => &error.code,
                    _ => continue,
                };
                body.entry(wire.to_string()).or_insert_with(|| Value::String(value.clone()));
            }
        }
        Response { status: error.status, headers, body: Value::Object(body).to_string().into_bytes() }
    }
}

/// The code for a body that does not parse (see the module documentation).
fn malformed_code(model: &ServiceModel, op: &OperationModel) -> String {
    BAD_REQUEST_SHAPES
        .iter()
        .find(|name| op.errors.iter().any(|e| e.shape == **name) && model.shape(name).is_some())
        .map(|s| (*s).to_string())
        .unwrap_or_else(|| "SerializationException".into())
}
