//! The `rest-xml` protocol (S3, S3 Control): operation from method + `requestUri` template,
//! members from the URI, query string and headers, the payload as XML (or raw text/bytes for a
//! string/blob payload such as PutBucketPolicy's `Policy`); responses as XML in the service's
//! namespace, errors as S3's `<Error>` (S3 Control: wrapped in `<ErrorResponse>`).
//!
//! Model gaps handled here (botocore's S3/S3 Control models do not carry them):
//! - The root element of a non-payload output: Smithy's `@xmlName` on the output structure is
//!   dropped by botocore, so [`OUTPUT_ROOTS`] names them (`ListAllMyBucketsResult`,
//!   `AccessControlPolicy`, ...). Other outputs use the shape's `locationName`, else the shape
//!   name when it ends in `Result` (S3 Control `ListAccessPointsResult`), else the shape name
//!   (`NotificationConfiguration`).
//! - GetBucketLocation's output is the bare `<LocationConstraint>` element whose text is the
//!   region, empty for us-east-1 (botocore parses it by hand in `parse_get_bucket_location`).
//! - The document namespace is not in the metadata: it is the namespace the model puts on its
//!   request payloads (`http://s3.amazonaws.com/doc/2006-03-01/`,
//!   `http://awss3control.amazonaws.com/doc/2018-08-20/`).
//! - S3 Control errors are wrapped in `<ErrorResponse>` (told apart by endpoint prefix
//!   `s3-control`); HEAD errors have no body.

use base64::Engine;
use hubsim_model::service_model::{OperationModel, ServiceModel, ShapeModel};
use hubsim_simulator::AwsError;
use quick_xml::escape::partial_escape;
use serde_json::{Map, Value};

use super::rest::{self, xml};
use super::{xml_chars, Codec, Request, Response, WireError};

/// The `rest-xml` codec.
pub struct RestXml;

/// Root elements of output structures that botocore's models do not name (from the Smithy
/// models' `@xmlName`), and whether the single member is the root's text.
const OUTPUT_ROOTS: &[(&str, &str, bool)] = &[
    ("ListBucketsOutput", "ListAllMyBucketsResult", false),
    ("GetBucketAclOutput", "AccessControlPolicy", false),
    ("GetBucketCorsOutput", "CORSConfiguration", false),
    ("GetBucketLifecycleConfigurationOutput", "LifecycleConfiguration", false),
    ("GetBucketLocationOutput", "LocationConstraint", true),
    ("GetBucketLoggingOutput", "BucketLoggingStatus", false),
    ("GetBucketTaggingOutput", "Tagging", false),
    ("GetBucketVersioningOutput", "VersioningConfiguration", false),
    ("GetBucketWebsiteOutput", "WebsiteConfiguration", false),
];

const MALFORMED_XML: &str = "The XML you provided was not well-formed or did not validate against our published schema";

/// The code for a request value that does not parse (a query or header value).
const INVALID_ARGUMENT: &str = "InvalidArgument";

impl Codec for RestXml {
    fn operation<'m>(&self, model: &'m ServiceModel, req: &Request) -> Option<&'m OperationModel> {
        rest::route(model, req, rest::RouteOptions { strict_query: true })
    }

    fn parse(&self, model: &ServiceModel, op: &OperationModel, req: &Request) -> Result<Value, WireError> {
        let Some(shape) = rest::input_shape(model, op) else { return Ok(Value::Object(Map::new())) };
        let mut input = rest::parse_bindings(model, op, shape, req, INVALID_ARGUMENT)?;
        match &shape.payload {
            Some(payload) => {
                if let Some(v) = parse_payload(model, shape, payload, &req.body)? {
                    input.insert(payload.clone(), v);
                }
            }
            None => {
                let has_body_members = shape.members.iter().any(|(_, r)| !rest::is_bound(r));
                if has_body_members && !req.body.iter().all(u8::is_ascii_whitespace) {
                    let root = xml::parse(&req.body).map_err(|_| WireError::bad("MalformedXML", MALFORMED_XML))?;
                    input.extend(xml::read_structure(model, shape, &root, "MalformedXML")?);
                }
            }
        }
        Ok(Value::Object(input))
    }

    fn serialize(&self, model: &ServiceModel, op: &OperationModel, output: &Value, request_id: &str) -> Response {
        let mut headers = request_id_headers(request_id);
        let Some(shape) = rest::output_shape(model, op) else {
            return Response { status: rest::success_status(op, None), headers, body: Vec::new() };
        };
        let status = rest::success_status(op, rest::write_bindings(model, shape, output, &mut headers));
        let body = match &shape.payload {
            Some(payload) => payload_body(model, shape, payload, output.get(payload), &mut headers),
            None => structure_body(model, op, shape, output),
        };
        if !body.is_empty() && !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
            headers.push(("Content-Type".into(), "application/xml".into()));
        }
        Response { status, headers, body }
    }

    fn error(&self, model: &ServiceModel, op: Option<&OperationModel>, error: &AwsError, request_id: &str) -> Response {
        error_with(model, op, error, request_id, &[])
    }
}

/// The error response for `error` with `extra` elements between `<Message>` and `<RequestId>`
/// (S3's `<BucketName>`, `<ArgumentName>`/`<ArgumentValue>`), in the order AWS documents:
/// Code, Message, the extras, RequestId, HostId.
pub fn error_with(
    model: &ServiceModel,
    op: Option<&OperationModel>,
    error: &AwsError,
    request_id: &str,
    extra: &[(&str, String)],
) -> Response {
    let mut headers = request_id_headers(request_id);
    let is_head = op.and_then(|o| o.http.as_ref()).is_some_and(|h| h.method.eq_ignore_ascii_case("HEAD"));
    if is_head {
        return Response { status: error.status, headers, body: Vec::new() };
    }
    let host_id = host_id(request_id);
    let mut fields = format!(
        "<Code>{}</Code><Message>{}</Message>",
        partial_escape(xml_chars(error.code.as_str())),
        partial_escape(xml_chars(error.message.as_str()))
    );
    for (name, value) in extra {
        fields.push_str(&format!("<{name}>{}</{name}>", partial_escape(xml_chars(value.as_str()))));
    }
    let ids = format!(
        "<RequestId>{}</RequestId><HostId>{}</HostId>",
        partial_escape(xml_chars(request_id)),
        partial_escape(xml_chars(host_id.as_str()))
    );
    let body = if model.metadata.endpoint_prefix == "s3-control" {
        format!("{XML_DECL}<ErrorResponse><Error>{fields}</Error>{ids}</ErrorResponse>")
    } else {
        format!("{XML_DECL}<Error>{fields}{ids}</Error>")
    };
    headers.push(("Content-Type".into(), "application/xml".into()));
    Response { status: error.status, headers, body: body.into_bytes() }
}

/// The bucket an S3 request is addressed to (path-style or virtual-hosted), if any.
pub fn bucket_name(model: &ServiceModel, req: &Request) -> Option<String> {
    if model.metadata.endpoint_prefix != "s3" {
        return None;
    }
    let path = rest::request_path(model, req);
    let first = path.trim_start_matches('/').split('/').next().filter(|b| !b.is_empty())?;
    Some(percent_encoding::percent_decode_str(first).decode_utf8_lossy().into_owned())
}

/// Whether S3 names the bucket (`<BucketName>`) in an error with this code: the bucket's own
/// "not found" and "already exists" errors and its missing configurations.
pub fn names_bucket(code: &str) -> bool {
    const CODES: &[&str] =
        &["NoSuchBucket", "BucketAlreadyExists", "BucketAlreadyOwnedByYou", "BucketNotEmpty", "InvalidBucketName"];
    CODES.contains(&code)
        || (code.starts_with("NoSuch") && !matches!(code, "NoSuchKey" | "NoSuchUpload" | "NoSuchVersion"))
        || code.ends_with("NotFoundError")
}

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

fn request_id_headers(request_id: &str) -> Vec<(String, String)> {
    vec![("x-amz-request-id".into(), request_id.into()), ("x-amz-id-2".into(), host_id(request_id))]
}

/// S3's `x-amz-id-2` / `<HostId>`: opaque; derived from the request id so it is deterministic.
fn host_id(request_id: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("hubsim/{request_id}"))
}

/// The namespace the model puts on its request payloads: the service's document namespace.
fn service_namespace(model: &ServiceModel) -> Option<&str> {
    model
        .shapes
        .values()
        .flat_map(|s| s.members.iter())
        .filter_map(|(_, r)| r.xml_namespace.as_ref())
        .find(|ns| ns.prefix.is_none())
        .map(|ns| ns.uri.as_str())
}

/// The payload member of an input, read from the body.
fn parse_payload(
    model: &ServiceModel,
    shape: &ShapeModel,
    payload: &str,
    body: &[u8],
) -> Result<Option<Value>, WireError> {
    let Some(r) = shape.members.get(payload) else { return Ok(None) };
    let Some(pshape) = model.shape(&r.shape) else { return Ok(None) };
    match pshape.kind.as_str() {
        "blob" => Ok((!body.is_empty()).then(|| Value::String(base64::engine::general_purpose::STANDARD.encode(body)))),
        "string" => Ok((!body.is_empty()).then(|| Value::String(String::from_utf8_lossy(body).into_owned()))),
        _ => {
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(None);
            }
            let root = xml::parse(body).map_err(|_| WireError::bad("MalformedXML", MALFORMED_XML))?;
            let expected = r.location_name.as_deref().or(pshape.location_name.as_deref()).unwrap_or(payload);
            if root.name != expected {
                return Err(WireError::bad("MalformedXML", MALFORMED_XML));
            }
            xml::read_value(model, r, pshape, &root, "MalformedXML").map(Some)
        }
    }
}

/// The body of an output whose payload member is `payload`.
fn payload_body(
    model: &ServiceModel,
    shape: &ShapeModel,
    payload: &str,
    value: Option<&Value>,
    headers: &mut Vec<(String, String)>,
) -> Vec<u8> {
    let (Some(r), Some(value)) = (shape.members.get(payload), value.filter(|v| !v.is_null())) else {
        return Vec::new();
    };
    let Some(pshape) = model.shape(&r.shape) else { return Vec::new() };
    match (pshape.kind.as_str(), value) {
        ("blob", Value::String(b64)) => {
            headers.push(("Content-Type".into(), "application/octet-stream".into()));
            base64::engine::general_purpose::STANDARD.decode(b64).unwrap_or_default()
        }
        ("string", Value::String(text)) => {
            let json = serde_json::from_str::<Value>(text).is_ok();
            headers.push(("Content-Type".into(), if json { "application/json" } else { "text/plain" }.into()));
            text.clone().into_bytes()
        }
        ("structure", _) => {
            let root = r.location_name.as_deref().or(pshape.location_name.as_deref()).unwrap_or(payload);
            let has_own_ns =
                r.xml_namespace.as_ref().or(pshape.xml_namespace.as_ref()).is_some_and(|n| n.prefix.is_none());
            let ns = if has_own_ns { None } else { service_namespace(model) };
            let mut out = String::from(XML_DECL);
            xml::write_structure(&mut out, model, Some(r), pshape, root, value, ns);
            out.into_bytes()
        }
        _ => Vec::new(),
    }
}

/// The body of an output without a payload member: its body members under the root element,
/// or nothing when the output has no body members.
fn structure_body(model: &ServiceModel, op: &OperationModel, shape: &ShapeModel, output: &Value) -> Vec<u8> {
    if shape.members.iter().all(|(_, r)| rest::is_bound(r)) {
        return Vec::new();
    }
    let shape_name = op.output.as_ref().map(|r| r.shape.as_str()).unwrap_or_default();
    let (root, text_root) = match OUTPUT_ROOTS.iter().find(|(s, _, _)| *s == shape_name) {
        Some((_, root, text)) => (*root, *text),
        None => (shape.location_name.as_deref().unwrap_or(shape_name), false),
    };
    let ns = shape.xml_namespace.as_ref().map(|n| n.uri.as_str()).or(service_namespace(model));
    let mut out = String::from(XML_DECL);
    if text_root {
        let text = shape
            .members
            .iter()
            .find(|(_, r)| !rest::is_bound(r))
            .and_then(|(name, r)| Some((output.get(name)?, r, model.shape(&r.shape)?)))
            .and_then(|(v, r, s)| rest::scalar_text(r, s, v, "iso8601"))
            .unwrap_or_default();
        let xmlns = ns.map(|u| format!(" xmlns=\"{u}\"")).unwrap_or_default();
        if text.is_empty() {
            out.push_str(&format!("<{root}{xmlns}/>"));
        } else {
            out.push_str(&format!("<{root}{xmlns}>{}</{root}>", partial_escape(xml_chars(text.as_str()))));
        }
    } else {
        xml::write_structure(&mut out, model, None, shape, root, output, ns);
    }
    out.into_bytes()
}
