//! The `json` protocol (1.1: CloudTrail, Config, KMS, Logs, Organizations; 1.0: CloudWatch):
//! `POST /` with `X-Amz-Target: <targetPrefix>.<Operation>` and the input as a JSON object;
//! the output as a JSON object (timestamps epoch seconds); errors
//! `{"__type": code, "message": ...}` with `x-amzn-RequestId`.
//!
//! CloudWatch and SQS are `awsQueryCompatible`: their errors also carry the legacy query code in
//! `x-amzn-query-error` ([`query_error_header`]) when the client asked with
//! `x-amzn-query-mode: true`.

use hubsim_model::service_model::{OperationModel, ServiceModel, ShapeModel, ShapeRef};
use hubsim_simulator::AwsError;
use serde_json::{Map, Number, Value};

use super::query::{format_epoch, parse_timestamp_text, resolve_error};
use super::{Codec, Request, Response, WireError};

/// The `json` codec.
pub struct Json;

fn content_type(model: &ServiceModel) -> String {
    format!("application/x-amz-json-{}", model.metadata.json_version.as_deref().unwrap_or("1.1"))
}

/// The value of `x-amzn-query-error` for an error of an `awsQueryCompatible` service:
/// `<LegacyQueryCode>;Sender|Receiver`.
pub fn query_error_header(model: &ServiceModel, error: &AwsError) -> String {
    let resolved = resolve_error(model, error);
    let code = resolved.shape.and_then(|shape| legacy_query_code(model, shape)).unwrap_or(&resolved.code);
    format!("{code};{}", if resolved.sender { "Sender" } else { "Receiver" })
}

/// The query code of an SQS exception whose JSON shape name differs from it. botocore's SQS
/// model lacks Smithy's `awsQueryError` traits, so they are listed here, from SQS's API
/// reference (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueUrl.html>
/// and the other operations' Errors sections); the others keep their shape name.
fn legacy_query_code(model: &ServiceModel, shape: &str) -> Option<&'static str> {
    if model.metadata.target_prefix.as_deref() != Some("AmazonSQS") {
        return None;
    }
    Some(match shape {
        "QueueDoesNotExist" => "AWS.SimpleQueueService.NonExistentQueue",
        "QueueNameExists" => "QueueAlreadyExists",
        "QueueDeletedRecently" => "AWS.SimpleQueueService.QueueDeletedRecently",
        "UnsupportedOperation" => "AWS.SimpleQueueService.UnsupportedOperation",
        _ => return None,
    })
}

/// Which direction a value is converted in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// Wire JSON → hubsim JSON (timestamps to ISO strings, wire names to member names).
    In,
    /// hubsim JSON → wire JSON (timestamps to epoch seconds, member names to wire names).
    Out,
}

/// Converts `value` of the shape `r` refers to between the wire and hubsim's JSON form.
fn convert(model: &ServiceModel, r: &ShapeRef, value: &Value, dir: Direction) -> Result<Value, WireError> {
    let Some(shape) = model.shape(&r.shape) else { return Ok(value.clone()) };
    if shape.document {
        return Ok(value.clone());
    }
    match shape.kind.as_str() {
        "structure" => structure(model, shape, value, dir),
        "list" => match (value, &shape.member) {
            (Value::Array(items), Some(member)) => {
                Ok(Value::Array(items.iter().map(|v| convert(model, member, v, dir)).collect::<Result<_, _>>()?))
            }
            _ => Ok(value.clone()),
        },
        "map" => match (value, &shape.value) {
            (Value::Object(entries), Some(vref)) => {
                let mut out = Map::new();
                for (k, v) in entries {
                    if !v.is_null() {
                        out.insert(k.clone(), convert(model, vref, v, dir)?);
                    }
                }
                Ok(Value::Object(out))
            }
            _ => Ok(value.clone()),
        },
        "timestamp" => timestamp(r, shape, value, dir),
        _ => Ok(value.clone()),
    }
}

fn structure(model: &ServiceModel, shape: &ShapeModel, value: &Value, dir: Direction) -> Result<Value, WireError> {
    let Value::Object(obj) = value else { return Ok(value.clone()) };
    let mut out = Map::new();
    for (name, mref) in shape.members.iter() {
        let wire = mref.location_name.as_deref().unwrap_or(name);
        let (from, to) = match dir {
            Direction::In => (wire, name.as_str()),
            Direction::Out => (name.as_str(), wire),
        };
        match obj.get(from) {
            None | Some(Value::Null) => {}
            Some(v) => {
                out.insert(to.to_string(), convert(model, mref, v, dir)?);
            }
        }
    }
    Ok(Value::Object(out))
}

fn timestamp(r: &ShapeRef, shape: &ShapeModel, value: &Value, dir: Direction) -> Result<Value, WireError> {
    let parsed = match value {
        Value::Number(n) => n.as_f64().map(|s| hubsim_model::Timestamp((s * 1000.0).round() as i64)),
        Value::String(s) => parse_timestamp_text(s),
        _ => None,
    };
    match dir {
        Direction::In => parsed
            .map(|t| Value::String(t.to_iso8601()))
            .ok_or_else(|| WireError::bad("SerializationException", format!("{value} is not a timestamp"))),
        Direction::Out => {
            let Some(t) = parsed else { return Ok(value.clone()) };
            let format = r.timestamp_format.as_deref().or(shape.timestamp_format.as_deref());
            Ok(match format {
                Some("iso8601") => Value::String(t.to_iso8601()),
                _ => {
                    let text = format_epoch(t);
                    match text.parse::<i64>() {
                        Ok(secs) => Value::Number(secs.into()),
                        Err(_) => text
                            .parse::<f64>()
                            .ok()
                            .and_then(Number::from_f64)
                            .map(Value::Number)
                            .unwrap_or(Value::String(text)),
                    }
                }
            })
        }
    }
}

/// The operation named by `X-Amz-Target` when its prefix is the model's.
pub(crate) fn target<'m>(model: &'m ServiceModel, req: &Request) -> Option<&'m OperationModel> {
    let target = req.header("x-amz-target")?;
    let (prefix, op) = target.rsplit_once('.')?;
    if model.metadata.target_prefix.as_deref() != Some(prefix) {
        return None;
    }
    model.operation(op)
}

impl Codec for Json {
    fn operation<'m>(&self, model: &'m ServiceModel, req: &Request) -> Option<&'m OperationModel> {
        target(model, req)
    }

    fn parse(&self, model: &ServiceModel, op: &OperationModel, req: &Request) -> Result<Value, WireError> {
        let body = if req.body.iter().all(u8::is_ascii_whitespace) {
            Value::Object(Map::new())
        } else {
            serde_json::from_slice::<Value>(&req.body).map_err(|e| {
                WireError::bad("SerializationException", format!("Could not parse the request body as JSON: {e}"))
            })?
        };
        if !body.is_object() {
            return Err(WireError::bad("SerializationException", "The request body must be a JSON object"));
        }
        match &op.input {
            Some(input) => convert(model, input, &body, Direction::In),
            None => Ok(Value::Object(Map::new())),
        }
    }

    fn serialize(&self, model: &ServiceModel, op: &OperationModel, output: &Value, request_id: &str) -> Response {
        let body = match (&op.output, output) {
            (Some(out), Value::Object(_)) => {
                convert(model, out, output, Direction::Out).unwrap_or_else(|_| output.clone())
            }
            _ => Value::Object(Map::new()),
        };
        Response {
            status: 200,
            headers: vec![
                ("Content-Type".into(), content_type(model)),
                ("x-amzn-RequestId".into(), request_id.to_string()),
            ],
            body: body.to_string().into_bytes(),
        }
    }

    fn error(
        &self,
        model: &ServiceModel,
        _op: Option<&OperationModel>,
        error: &AwsError,
        request_id: &str,
    ) -> Response {
        let resolved = resolve_error(model, error);
        let code = resolved.shape.map(str::to_string).unwrap_or_else(|| error.code.clone());
        let body = serde_json::json!({"__type": code, "message": error.message});
        Response {
            status: resolved.status,
            headers: vec![
                ("Content-Type".into(), content_type(model)),
                ("x-amzn-RequestId".into(), request_id.to_string()),
            ],
            body: body.to_string().into_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model(name: &str) -> &'static ServiceModel {
        hubsim_model::service(name).expect("model")
    }

    fn req(target: &str, body: &str) -> Request {
        Request {
            method: "POST".into(),
            path: "/".into(),
            headers: vec![
                ("x-amz-target".into(), target.into()),
                ("content-type".into(), "application/x-amz-json-1.1".into()),
            ],
            body: body.as_bytes().to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn routes_by_target_and_converts_timestamps_both_ways() {
        let ct = model("cloudtrail");
        let r = req(
            "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
            r#"{"StartTime": 1700000000, "EndTime": "2023-11-14T22:13:20Z", "Unknown": 1}"#,
        );
        let op = Json.operation(ct, &r).expect("op");
        let v = Json.parse(ct, op, &r).expect("parses");
        assert_eq!(v, json!({"StartTime": "2023-11-14T22:13:20Z", "EndTime": "2023-11-14T22:13:20Z"}));
        assert!(Json.operation(ct, &req("TrentService.LookupEvents", "{}")).is_none());

        let op = ct.operation("GetTrailStatus").expect("op");
        let out =
            Json.serialize(ct, op, &json!({"IsLogging": true, "StartLoggingTime": "2023-11-14T22:13:20.500Z"}), "rid");
        let body: Value = serde_json::from_slice(&out.body).expect("json");
        assert_eq!(body, json!({"IsLogging": true, "StartLoggingTime": 1700000000.5}));
        assert!(out.headers.contains(&("Content-Type".into(), "application/x-amz-json-1.1".into())));
    }

    #[test]
    fn malformed_bodies_are_serialization_exceptions() {
        let kms = model("kms");
        let r = req("TrentService.DescribeKey", "{not json");
        let op = Json.operation(kms, &r).expect("op");
        assert_eq!(Json.parse(kms, op, &r).expect_err("malformed").code, "SerializationException");
        let r = req("TrentService.DescribeKey", "[1]");
        assert_eq!(Json.parse(kms, op, &r).expect_err("not an object").code, "SerializationException");
    }

    #[test]
    fn query_compatible_errors_name_the_shape_and_the_legacy_code() {
        let cw = model("cloudwatch");
        let e = AwsError::bad_request("InvalidParameterValue", "bad");
        let r = Json.error(cw, None, &e, "rid");
        let body: Value = serde_json::from_slice(&r.body).expect("json");
        assert_eq!(body["__type"], "InvalidParameterValueException");
        assert_eq!(query_error_header(cw, &e), "InvalidParameterValue;Sender");
        assert!(r.headers.contains(&("Content-Type".into(), "application/x-amz-json-1.0".into())));
    }
}
