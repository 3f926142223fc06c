//! Which service, region and protocol a request is for (hubsim's routing order, below), and the
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

use crate::auth::{self, Malformed, Signing};
use crate::protocol::{self, json, query, rest_xml, Codec, Request, Response};

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

/// The `(region, signing name)` of a well-formed SigV4 credential scope (the `Authorization`
/// header's or a presigned URL's).
pub fn credential_scope(req: &Request) -> Option<(String, String)> {
    match auth::inspect(req) {
        Ok(Signing::V4(scope)) => Some((scope.region, scope.service)),
        _ => None,
    }
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

/// Resolves the service, region and protocol of a request. A request whose signature is
/// malformed resolves as its credential seems to say, else by sniffing (so its error is shaped
/// as that service shapes errors).
pub fn resolve(req: &Request) -> Result<Target, UnknownService> {
    resolve_signed(req, &auth::inspect(req))
}

/// [`resolve`] with the request's signature already read.
fn resolve_signed(req: &Request, signing: &Result<Signing, Box<Malformed>>) -> Result<Target, UnknownService> {
    match signing {
        Ok(Signing::V4(scope)) => resolve_scoped(req, Some((scope.region.clone(), scope.service.clone()))),
        Ok(_) => resolve_scoped(req, None),
        Err(malformed) => malformed
            .hint
            .as_ref()
            .and_then(|h| resolve_scoped(req, Some((h.region.clone(), h.service.clone()))).ok())
            .map_or_else(|| resolve_scoped(req, None), Ok),
    }
}

fn resolve_scoped(req: &Request, scope: Option<(String, String)>) -> Result<Target, UnknownService> {
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
        // Two models can share a signing name (`elasticloadbalancing`: ELB classic and ELBv2);
        // the query `Version` then tells them apart, as AWS's endpoint does.
        let signed: Vec<_> = served().filter(|(n, m)| *n != "s3control" && m.signing_name() == signing).collect();
        let chosen = if signed.len() > 1 {
            let version = query::params(req).remove("Version");
            signed.iter().find(|(_, m)| version.as_deref() == Some(m.metadata.api_version.as_str())).or(signed.first())
        } else {
            signed.first()
        };
        return match chosen.copied() {
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

/// [`handle`] with the server state that tracks changes. A `HEAD` request's answer never has a
/// body (its status and headers say everything, as S3's do).
pub fn handle_with(sim: &Simulator, req: &Request, request_id: &str, state: Option<&crate::State>) -> Response {
    match prepare(req, request_id) {
        Ok(call) => call.execute(sim, request_id, state),
        Err(response) => response,
    }
}

/// What a request is, for the request log: its service, operation and region as far as they
/// can be told (`None` for what names no service or operation). Nothing is parsed beyond the
/// routing.
pub fn describe(req: &Request) -> (Option<&'static str>, Option<String>, String) {
    let signing = auth::inspect(req);
    let Ok(target) = resolve_signed(req, &signing) else {
        return (None, None, DEFAULT_REGION.to_string());
    };
    let op = hubsim_model::service(target.service)
        .zip(protocol::codec(target.protocol))
        .and_then(|(model, codec)| codec.operation(model, req))
        .map(|op| op.name.to_string());
    (Some(target.service), op, target.region)
}

/// A request routed to one operation, its input parsed: everything that happens before the
/// simulator is involved, so the HTTP layer can decide where to run the call.
pub struct Call {
    target: Target,
    op: &'static OperationModel,
    input: Value,
    shape: ErrorShape,
    head: bool,
}

/// Routes `req` and parses its input. A request with a malformed signature, one that names no
/// operation, or one whose input does not parse gets its AWS-shaped error response instead.
pub fn prepare(req: &Request, request_id: &str) -> Result<Call, Response> {
    let head = req.method.eq_ignore_ascii_case("HEAD");
    let without_body = |mut response: Response| {
        if head {
            response.body.clear();
        }
        response
    };
    let signing = auth::inspect(req);
    let target = resolve_signed(req, &signing).map_err(|e| without_body(unknown_service(&e, request_id)))?;
    let (Some(model), Some(codec)) = (hubsim_model::service(target.service), protocol::codec(target.protocol)) else {
        let e = UnknownService { signing_name: target.service.to_string() };
        return Err(without_body(unknown_service(&e, request_id)));
    };
    let shape = ErrorShape {
        model,
        codec,
        rest_xml: target.protocol == "rest-xml",
        query_mode: target.protocol == "json"
            && model.metadata.aws_query_compatible.is_some()
            && req.header("x-amzn-query-mode").is_some_and(|v| v.eq_ignore_ascii_case("true")),
        bucket: if target.protocol == "rest-xml" { rest_xml::bucket_name(model, req) } else { None },
    };
    // A malformed signature is refused before the operation is even looked up.
    if let Err(malformed) = &signing {
        let response = if shape.rest_xml {
            let (error, extra) = malformed.s3_error();
            shape.render(None, &error, extra, request_id)
        } else {
            shape.render(None, &malformed.error(), Vec::new(), request_id)
        };
        return Err(without_body(response));
    }
    let Some(op) = codec.operation(model, req) else {
        let error = unknown_operation(model, target.protocol, req);
        return Err(without_body(shape.render(None, &error, Vec::new(), request_id)));
    };
    match codec.parse(model, op, req) {
        Ok(input) => Ok(Call { target, op, input, shape, head }),
        Err(e) => Err(without_body(shape.render(Some(op), &e.into(), Vec::new(), request_id))),
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
        let Call { target, op, input, shape, head } = self;
        if let Some(state) = state {
            if target.service == "securityhub" && op.name == "GetFindings" {
                state.refresh_if_changed(sim);
            }
        }
        let mut response = match sim.answer_json(&target.region, target.service, &op.name, input) {
            Ok(answer) => {
                if let Some(state) = state {
                    if answer.mutated && target.service != "securityhub" {
                        state.mark_changed();
                    }
                }
                shape.codec.serialize(shape.model, op, &answer.output, request_id)
            }
            Err(e) => shape.render(Some(op), &e, Vec::new(), request_id),
        };
        if head {
            response.body.clear();
        }
        response
    }
}

/// How errors of one request are shaped: the protocol's format, S3's `<BucketName>`, and the
/// `x-amzn-query-error` header of query-mode JSON.
struct ErrorShape {
    model: &'static ServiceModel,
    codec: &'static dyn Codec,
    rest_xml: bool,
    query_mode: bool,
    /// The bucket the request names (S3 only).
    bucket: Option<String>,
}

impl ErrorShape {
    fn render(
        &self,
        op: Option<&OperationModel>,
        error: &AwsError,
        mut extra: Vec<(&'static str, String)>,
        request_id: &str,
    ) -> Response {
        let mut response = if self.rest_xml {
            if let Some(bucket) = self.bucket.clone().filter(|_| rest_xml::names_bucket(&error.code)) {
                extra.insert(0, ("BucketName", bucket));
            }
            rest_xml::error_with(self.model, op, error, request_id, &extra)
        } else {
            self.codec.error(self.model, op, error, request_id)
        };
        if self.query_mode {
            response.headers.push(("x-amzn-query-error".into(), json::query_error_header(self.model, error)));
        }
        response
    }
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
        // DynamoDB is simulated now (issue 16); Kinesis is not.
        let r = req("/", vec![signed("dynamodb", "us-east-1")], "");
        assert_eq!(resolve(&r), Ok(Target { service: "dynamodb", region: "us-east-1".into(), protocol: "json" }));
        let r = req("/", vec![signed("kinesis", "us-east-1")], "");
        assert_eq!(resolve(&r), Err(UnknownService { signing_name: "kinesis".into() }));
    }

    #[test]
    fn elb_classic_and_v2_share_a_signing_name_and_split_by_version() {
        let form = ("content-type".to_string(), "application/x-www-form-urlencoded; charset=utf-8".to_string());
        let at = |body: &str| {
            resolve(&req("/", vec![signed("elasticloadbalancing", "eu-west-1"), form.clone()], body)).map(|t| t.service)
        };
        assert_eq!(at("Action=DescribeLoadBalancers&Version=2015-12-01"), Ok("elbv2"));
        assert_eq!(at("Action=DescribeLoadBalancers&Version=2012-06-01"), Ok("elb"));
        // Unsigned: by `Version` alone.
        let r = req("/", vec![form.clone()], "Action=DescribeLoadBalancers&Version=2015-12-01");
        assert_eq!(resolve(&r).map(|t| t.service), Ok("elbv2"));
    }

    fn sim() -> Simulator {
        hubsim_simulator::testing::fresh_account(hubsim_simulator::Era::Current, &["us-east-1"])
    }

    fn text(r: &Response) -> String {
        String::from_utf8_lossy(&r.body).into_owned()
    }

    fn with_method(method: &str, mut r: Request) -> Request {
        r.method = method.into();
        r
    }

    #[test]
    fn malformed_signatures_are_refused_in_the_protocols_error_shape() {
        let sim = sim();
        let form = ("content-type".to_string(), "application/x-www-form-urlencoded".to_string());
        let auth = |v: &str| ("authorization".to_string(), v.to_string());
        // Query (IAM by form Version): IncompleteSignature in an <ErrorResponse>, nothing created.
        let r = req("/", vec![auth("garbage"), form.clone()], "Action=CreateUser&Version=2010-05-08&UserName=u1");
        let out = handle(&sim, &r, "rid");
        assert_eq!(out.status, 400);
        assert!(text(&out).contains("<ErrorResponse") && text(&out).contains("<Code>IncompleteSignature</Code>"));
        assert!(
            text(&out).contains("Authorization header requires &apos;Credential&apos; parameter"),
            "{}",
            text(&out)
        );
        let users = sim.call_json("us-east-1", "iam", "ListUsers", serde_json::json!({})).expect("list");
        assert_eq!(users["Users"].as_array().map(Vec::len), Some(0));
        // json (X-Amz-Target): a scope with 4 elements.
        let r = req(
            "/",
            vec![
                auth("AWS4-HMAC-SHA256 Credential=AKID/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=ab"),
                ("x-amz-target".into(), "TrentService.CreateKey".into()),
            ],
            "{}",
        );
        let out = handle(&sim, &r, "rid");
        assert_eq!(out.status, 400);
        let body: serde_json::Value = serde_json::from_slice(&out.body).expect("json");
        assert_eq!(body["__type"], "IncompleteSignature");
        assert!(body["message"].as_str().is_some_and(|m| m.contains("exactly 5 slash-delimited elements")));
        // The hint names the service even without other clues: an ec2 error envelope.
        let r = req(
            "/",
            vec![auth(
                "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-west-2/ec2/aws4_reqest, SignedHeaders=host, Signature=ab",
            )],
            "",
        );
        let out = handle(&sim, &r, "rid");
        assert!(text(&out).contains("<Response><Errors><Error><Code>IncompleteSignature</Code>"), "{}", text(&out));
        // rest-json by path.
        let r = req("/detector", vec![auth("AWS4-HMAC-SHA256 Signature=ab")], "{}");
        let out = handle(&sim, &r, "rid");
        assert_eq!(out.status, 400);
        assert!(
            out.headers.iter().any(|(k, v)| k == "X-Amzn-ErrorType" && v == "IncompleteSignature"),
            "{:?}",
            out.headers
        );
        // S3, the default: its own codes, nothing created.
        let r = with_method("PUT", req("/new-bucket", vec![auth("Bearer token")], ""));
        let out = handle(&sim, &r, "rid");
        assert_eq!(out.status, 400);
        assert!(text(&out).contains("<Code>InvalidArgument</Code><Message>Unsupported Authorization Type</Message><ArgumentName>Authorization</ArgumentName><ArgumentValue>Bearer token</ArgumentValue><RequestId>"), "{}", text(&out));
        let r = with_method(
            "PUT",
            req(
                "/new-bucket",
                vec![auth("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3, SignedHeaders=host, Signature=ab")],
                "",
            ),
        );
        let out = handle(&sim, &r, "rid");
        assert!(text(&out).contains("<Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is malformed; the Credential is mal-formed"), "{}", text(&out));
        let buckets = sim.call_json("us-east-1", "s3", "ListBuckets", serde_json::json!({})).expect("list");
        assert_eq!(buckets["Buckets"].as_array().map(Vec::len).unwrap_or(0), 0, "{buckets}");
        // SigV2 is accepted.
        let r = with_method("PUT", req("/v2-bucket", vec![auth("AWS AKIDEXAMPLE:c2ln")], ""));
        assert_eq!(handle(&sim, &r, "rid").status, 200);
        // A presigned URL's credential routes like a header's.
        let mut r = with_method("GET", req("/", vec![], ""));
        r.query = "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Credential=AKID%2F20260101%2Feu-west-1%2Fsts%2Faws4_request".into();
        assert_eq!(resolve(&r).map(|t| (t.service, t.region)), Ok(("sts", "eu-west-1".to_string())));
    }

    #[test]
    fn s3_errors_name_the_bucket_and_head_answers_have_no_body() {
        let sim = sim();
        let mut r = with_method("GET", req("/missing-bucket", vec![], ""));
        r.query = "encryption".into();
        let out = handle(&sim, &r, "rid");
        assert_eq!(out.status, 404);
        assert!(
            text(&out).contains("</Message><BucketName>missing-bucket</BucketName><RequestId>rid</RequestId><HostId>"),
            "{}",
            text(&out)
        );
        let mut r = with_method("GET", req("/", vec![("host".into(), "vhost-bucket.localhost:4566".into())], ""));
        r.query = "encryption".into();
        let out = handle(&sim, &r, "rid");
        assert!(text(&out).contains("<BucketName>vhost-bucket</BucketName>"), "{}", text(&out));
        sim.call_json("us-east-1", "s3", "CreateBucket", serde_json::json!({"Bucket": "have"})).expect("bucket");
        let mut r = with_method("GET", req("/have", vec![], ""));
        r.query = "policy".into();
        let out = handle(&sim, &r, "rid");
        assert!(
            text(&out).contains("<Code>NoSuchBucketPolicy</Code>")
                && text(&out).contains("<BucketName>have</BucketName>"),
            "{}",
            text(&out)
        );
        let mut r = with_method("GET", req("/have", vec![], ""));
        r.query = "lifecycle".into();
        let out = handle(&sim, &r, "rid");
        assert_eq!(out.status, 404);
        assert!(text(&out).contains("<BucketName>have</BucketName>"), "{}", text(&out));
        // Not bucket-scoped: no BucketName.
        let mut r = with_method("PUT", req("/have", vec![], "<nope"));
        r.query = "encryption".into();
        let out = handle(&sim, &r, "rid");
        assert!(
            text(&out).contains("<Code>MalformedXML</Code>") && !text(&out).contains("<BucketName>"),
            "{}",
            text(&out)
        );
        // HEAD: status and headers only, whether an operation matched or not.
        let out = handle(&sim, &with_method("HEAD", req("/missing-bucket", vec![], "")), "rid");
        assert_eq!((out.status, out.body.len()), (404, 0));
        let out = handle(&sim, &with_method("HEAD", req("/have/some/key", vec![], "")), "rid");
        assert!(out.status >= 400 && out.body.is_empty(), "{} {}", out.status, text(&out));
        let out =
            handle(&sim, &with_method("HEAD", req("/", vec![("authorization".into(), "garbage".into())], "")), "rid");
        assert_eq!((out.status, out.body.len()), (400, 0));
    }
}
