//! Which service, region and protocol a request is for (spec/aws-surface.md §1.3), and the
//! dispatch of an AWS request: route → operation → parse → simulator → serialize.
//!
//! Routing order on the single endpoint:
//! 1. path `/v20180820/…` or header `x-amz-account-id` → S3 Control (any Host);
//! 2. `X-Amz-Target` prefix → the json service with that `targetPrefix`;
//! 3. the SigV4 credential scope's signing name (`monitoring` → CloudWatch, `s3` → S3);
//! 4. a form parameter `Version=` → the query/ec2 service with that `apiVersion`;
//! 5. the first path segment of a GuardDuty or Security Hub operation;
//! 6. otherwise S3.
//!
//! The region is the credential scope's; unsigned requests are `us-east-1`.

use hubsim_model::service_model::{OperationModel, ServiceModel};
use hubsim_simulator::{AwsError, Simulator};
use serde_json::Value;

use crate::protocol::{self, json, query, Codec, Request, Response};

/// The region of unsigned requests.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The botocore service name (`s3`, `ec2`, `cloudwatch`, ...).
    pub service: &'static str,
    /// The region whose state answers.
    pub region: String,
    /// The wire protocol the request speaks (`query`, `ec2`, `json`, `rest-json`, `rest-xml`).
    pub protocol: &'static str,
}

/// A request no simulated service answers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("hubsim does not simulate the service '{signing_name}'")]
pub struct UnknownService {
    /// The signing name from the credential scope.
    pub signing_name: String,
}

/// The `(region, signing name)` of a SigV4 `Authorization` header's credential scope.
pub fn credential_scope(req: &Request) -> Option<(String, String)> {
    let auth = req.header("authorization")?;
    let rest = auth.strip_prefix("AWS4-HMAC-SHA256")?;
    let credential = rest.split(',').map(str::trim).find_map(|part| part.strip_prefix("Credential="))?;
    // <key>/<date>/<region>/<service>/aws4_request; the key itself has no '/'.
    let mut parts = credential.split('/');
    let (_key, _date, region, service) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if region.is_empty() || service.is_empty() {
        return None;
    }
    Some((region.to_string(), service.to_string()))
}

/// The served models by name (the internal `hubsim` model has no wire protocol).
fn served() -> impl Iterator<Item = (&'static str, &'static ServiceModel)> {
    hubsim_model::service_names().filter(|n| *n != "hubsim").filter_map(|n| Some((n, hubsim_model::service(n)?)))
}

/// The protocol a model's requests speak. CloudWatch's model prefers CBOR; hubsim serves its
/// JSON form (what botocore uses) and its query form (older clients), chosen by the request.
fn protocol_for(service: &str, model: &ServiceModel, req: &Request) -> &'static str {
    if service == "cloudwatch" {
        return if query::is_form(req) { "query" } else { "json" };
    }
    match model.metadata.protocol.as_str() {
        "query" => "query",
        "ec2" => "ec2",
        "json" => "json",
        "rest-json" => "rest-json",
        _ => "rest-xml",
    }
}

/// Resolves the service, region and protocol of a request.
pub fn resolve(req: &Request) -> Result<Target, UnknownService> {
    let scope = credential_scope(req);
    let region = scope.as_ref().map(|(r, _)| r.clone()).unwrap_or_else(|| DEFAULT_REGION.to_string());
    let target = |service: &'static str, protocol: &'static str| Target { service, region: region.clone(), protocol };

    // 1. S3 Control: never by Host (the account-id host label rarely resolves).
    if req.path.starts_with("/v20180820/") || req.path == "/v20180820" || req.header("x-amz-account-id").is_some() {
        return Ok(target("s3control", "rest-xml"));
    }
    // 2. X-Amz-Target.
    if let Some((prefix, _)) = req.header("x-amz-target").and_then(|t| t.rsplit_once('.')) {
        if let Some((name, _)) = served().find(|(_, m)| m.metadata.target_prefix.as_deref() == Some(prefix)) {
            return Ok(target(name, "json"));
        }
    }
    // 3. The credential scope's signing name.
    if let Some((_, signing)) = &scope {
        if signing == "s3" {
            return Ok(target("s3", "rest-xml"));
        }
        return match served().find(|(n, m)| *n != "s3control" && m.signing_name() == signing) {
            Some((name, model)) => Ok(target(name, protocol_for(name, model, req))),
            None => Err(UnknownService { signing_name: signing.clone() }),
        };
    }
    // 4. Form `Version=`.
    if let Some(version) = query::params(req).get("Version") {
        if let Some((name, model)) = served()
            .filter(|(n, m)| *n == "cloudwatch" || matches!(m.metadata.protocol.as_str(), "query" | "ec2"))
            .find(|(_, m)| &m.metadata.api_version == version)
        {
            return Ok(target(name, protocol_for(name, model, req)));
        }
    }
    // 5. GuardDuty and Security Hub paths.
    let first = req.path.trim_start_matches('/').split(['/', '?']).next().unwrap_or("");
    for name in ["guardduty", "securityhub"] {
        if let Some(model) = hubsim_model::service(name) {
            let hit = !first.is_empty()
                && model
                    .operations
                    .values()
                    .filter_map(|op| op.http.as_ref())
                    .any(|h| h.request_uri.trim_start_matches('/').split(['/', '?']).next() == Some(first));
            if hit {
                return Ok(target(name, "rest-json"));
            }
        }
    }
    // 6. S3.
    Ok(target("s3", "rest-xml"))
}

/// The answer to a request for a service hubsim does not simulate.
pub fn unknown_service(e: &UnknownService, request_id: &str) -> Response {
    let body = serde_json::json!({"__type": "UnknownService", "message": e.to_string()});
    Response {
        status: 400,
        headers: vec![
            ("Content-Type".into(), "application/x-amz-json-1.1".into()),
            ("x-amzn-RequestId".into(), request_id.to_string()),
        ],
        body: body.to_string().into_bytes(),
    }
}

/// The error for a request that names no operation of the service.
fn unknown_operation(model: &ServiceModel, protocol: &str, req: &Request) -> AwsError {
    match protocol {
        "query" | "ec2" => match query::params(req).get("Action") {
            Some(action) => AwsError::bad_request(
                "InvalidAction",
                format!("Could not find operation {action} for version {}", model.metadata.api_version),
            ),
            None => AwsError::bad_request("MissingAction", "The request must contain the parameter Action"),
        },
        "json" => {
            let name = req.header("x-amz-target").unwrap_or("(no X-Amz-Target)");
            AwsError::bad_request("UnknownOperationException", format!("hubsim does not know the operation {name}"))
        }
        "rest-json" => AwsError::bad_request(
            "UnknownOperationException",
            format!("No operation matches {} {}", req.method, req.path),
        ),
        // 501 is not retried by botocore, unlike 500/502/503/504.
        _ => AwsError::new("NotImplemented", 501, format!("hubsim does not serve {} {}", req.method, req.path)),
    }
}

/// Answers one AWS request against `sim`. With `state`, reading findings first refreshes the
/// change-triggered controls if the account changed, and mutating calls mark it changed.
pub fn handle(sim: &Simulator, req: &Request, request_id: &str) -> Response {
    handle_with(sim, req, request_id, None)
}

/// [`handle`] with the server state that tracks changes.
pub fn handle_with(sim: &Simulator, req: &Request, request_id: &str, state: Option<&crate::State>) -> Response {
    match prepare(req, request_id) {
        Ok(call) => call.execute(sim, request_id, state),
        Err(response) => response,
    }
}

/// A request routed to one operation, its input parsed: everything that happens before the
/// simulator is involved, so the HTTP layer can decide where to run the call.
pub struct Call {
    target: Target,
    model: &'static ServiceModel,
    codec: &'static dyn Codec,
    op: &'static OperationModel,
    input: Value,
    query_mode: bool,
}

/// Routes `req` and parses its input; a request that names no operation, or whose input does
/// not parse, gets its AWS-shaped error response instead.
pub fn prepare(req: &Request, request_id: &str) -> Result<Call, Response> {
    let target = resolve(req).map_err(|e| unknown_service(&e, request_id))?;
    let (Some(model), Some(codec)) = (hubsim_model::service(target.service), protocol::codec(target.protocol)) else {
        let e = UnknownService { signing_name: target.service.to_string() };
        return Err(unknown_service(&e, request_id));
    };
    let query_mode = target.protocol == "json"
        && model.metadata.xml_namespace.is_some()
        && req.header("x-amzn-query-mode").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let Some(op) = codec.operation(model, req) else {
        let error = unknown_operation(model, target.protocol, req);
        return Err(error_response(model, codec, query_mode, None, &error, request_id));
    };
    match codec.parse(model, op, req) {
        Ok(input) => Ok(Call { target, model, codec, op, input, query_mode }),
        Err(e) => Err(error_response(model, codec, query_mode, Some(op), &e.into(), request_id)),
    }
}

impl Call {
    /// Whether answering may take long: Security Hub calls can re-run the controls or import
    /// many findings. Everything else is a handful of indexed reads and writes.
    pub fn may_take_long(&self) -> bool {
        self.target.service == "securityhub"
    }

    /// Calls the operation on `sim` and serializes the outcome.
    pub fn execute(self, sim: &Simulator, request_id: &str, state: Option<&crate::State>) -> Response {
        let Call { target, model, codec, op, input, query_mode } = self;
        if let Some(state) = state {
            if target.service == "securityhub" && op.name == "GetFindings" {
                state.refresh_if_changed(sim);
            }
        }
        match sim.call_json(&target.region, target.service, &op.name, input) {
            Ok(output) => {
                if let Some(state) = state {
                    let mutates =
                        hubsim_simulator::registry::registry().get(target.service, &op.name).is_some_and(|e| e.mutates);
                    if mutates && target.service != "securityhub" {
                        state.mark_changed();
                    }
                }
                codec.serialize(model, op, &output, request_id)
            }
            Err(e) => error_response(model, codec, query_mode, Some(op), &e, request_id),
        }
    }
}

/// `error` in the protocol's shape (with the `x-amzn-query-error` header for query-mode JSON).
fn error_response(
    model: &ServiceModel,
    codec: &dyn Codec,
    query_mode: bool,
    op: Option<&OperationModel>,
    error: &AwsError,
    request_id: &str,
) -> Response {
    let mut response = codec.error(model, op, error, request_id);
    if query_mode {
        response.headers.push(("x-amzn-query-error".into(), json::query_error_header(model, error)));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(service: &str, region: &str) -> (String, String) {
        (
            "authorization".into(),
            format!("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/{region}/{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"),
        )
    }

    fn req(path: &str, headers: Vec<(String, String)>, body: &str) -> Request {
        Request {
            method: "POST".into(),
            path: path.into(),
            headers,
            body: body.as_bytes().to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn routes_in_the_documented_order() {
        let r = req("/v20180820/configuration/publicAccessBlock", vec![signed("s3", "eu-west-1")], "");
        assert_eq!(resolve(&r), Ok(Target { service: "s3control", region: "eu-west-1".into(), protocol: "rest-xml" }));
        let r = req("/", vec![("x-amz-target".into(), "TrentService.CreateKey".into())], "{}");
        assert_eq!(resolve(&r), Ok(Target { service: "kms", region: "us-east-1".into(), protocol: "json" }));
        let r = req(
            "/",
            vec![
                signed("monitoring", "ap-northeast-1"),
                ("x-amz-target".into(), "GraniteServiceVersion20100801.DescribeAlarms".into()),
            ],
            "{}",
        );
        assert_eq!(resolve(&r).map(|t| (t.service, t.protocol)), Ok(("cloudwatch", "json")));
        let form = ("content-type".to_string(), "application/x-www-form-urlencoded; charset=utf-8".to_string());
        let r =
            req("/", vec![signed("monitoring", "us-west-2"), form.clone()], "Action=DescribeAlarms&Version=2010-08-01");
        assert_eq!(resolve(&r).map(|t| (t.service, t.protocol)), Ok(("cloudwatch", "query")));
        let r = req("/", vec![signed("iam", "ap-northeast-1")], "");
        assert_eq!(resolve(&r), Ok(Target { service: "iam", region: "ap-northeast-1".into(), protocol: "query" }));
        let r = req("/", vec![form.clone()], "Action=DescribeVpcs&Version=2016-11-15");
        assert_eq!(resolve(&r).map(|t| t.service), Ok("ec2"));
        let r = req("/detector", vec![], "");
        assert_eq!(resolve(&r).map(|t| t.service), Ok("guardduty"));
        let r = req("/findings", vec![], "");
        assert_eq!(resolve(&r).map(|t| t.service), Ok("securityhub"));
        let r = req("/my-bucket", vec![], "");
        assert_eq!(resolve(&r).map(|t| t.service), Ok("s3"));
        let r = req("/", vec![signed("s3", "us-east-2")], "");
        assert_eq!(resolve(&r).map(|t| t.service), Ok("s3"));
        let r = req("/", vec![signed("dynamodb", "us-east-1")], "");
        assert_eq!(resolve(&r), Err(UnknownService { signing_name: "dynamodb".into() }));
    }
}
