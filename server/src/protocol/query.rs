//! The `query` protocol (IAM, STS, SNS, and CloudWatch for older clients): form-encoded
//! parameters in, `<OpResponse><OpResult>…</OpResult><ResponseMetadata/></OpResponse>` out.
//!
//! The parameter walker and the XML writer here are shared with the `ec2` protocol, which
//! differs only in names (`queryName`, capitalised `locationName`), flat lists, the response
//! root and the error envelope. Everything is driven by the model: no per-operation code.

use std::collections::BTreeMap;

use hubsim_model::service_model::{OperationModel, ServiceModel, ShapeModel, ShapeRef};
use hubsim_model::Timestamp;
use hubsim_simulator::AwsError;
use serde_json::{Map, Number, Value};

use super::{Codec, Request, Response, WireError};

/// The `query` codec.
pub struct Query;

/// Which of the two form-encoded protocols is being walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// `query`: `Member.member.N`, maps `Member.entry.N.key`.
    Query,
    /// `ec2`: flat lists `Name.N`, names from `queryName` or the capitalised `locationName`.
    Ec2,
}

/// The request's parameters: the query string, then a form body (later values win).
pub(crate) fn params(req: &Request) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(req.query.as_bytes()) {
        out.insert(k.into_owned(), v.into_owned());
    }
    if is_form(req) {
        for (k, v) in form_urlencoded::parse(&req.body) {
            out.insert(k.into_owned(), v.into_owned());
        }
    }
    out
}

/// Whether the body is `application/x-www-form-urlencoded`.
pub(crate) fn is_form(req: &Request) -> bool {
    req.header("content-type")
        .is_some_and(|ct| ct.trim_start().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"))
}

/// The operation named by `Action=`.
pub(crate) fn action<'m>(model: &'m ServiceModel, req: &Request) -> Option<&'m OperationModel> {
    let params = params(req);
    model.operation(params.get("Action")?)
}

/// Walks an operation's input shape over form parameters, producing JSON with botocore
/// member names.
pub(crate) fn parse_input(
    model: &ServiceModel,
    op: &OperationModel,
    params: &BTreeMap<String, String>,
    dialect: Dialect,
) -> Result<Value, WireError> {
    let walker = Walker { model, params, dialect, read: Default::default() };
    let value = match &op.input {
        Some(input) => walker.value(input, "")?.unwrap_or_else(|| Value::Object(Map::new())),
        None => Value::Object(Map::new()),
    };
    if dialect == Dialect::Ec2 {
        // EC2 refuses a parameter its API does not have, such as `Name.1` for a scalar `Name`
        // (`UnknownParameter`, an unknown or unrecognized parameter,
        // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html); the
        // walker reads only what the model names, so whatever it left unread is unknown.
        let read = walker.read.borrow();
        if let Some(unknown) = params.keys().find(|k| !read.contains(k.as_str()) && !is_envelope(k)) {
            return Err(WireError::bad("UnknownParameter", format!("The parameter {unknown} is not recognized")));
        }
    }
    Ok(value)
}

/// Parameters of the request itself rather than of the operation: the action, the API
/// version, and the signature's (SigV2 and presigned SigV4).
fn is_envelope(key: &str) -> bool {
    matches!(
        key,
        "Action"
            | "Version"
            | "AWSAccessKeyId"
            | "Signature"
            | "SignatureMethod"
            | "SignatureVersion"
            | "Timestamp"
            | "Expires"
            | "SecurityToken"
    ) || key.starts_with("X-Amz-")
}

struct Walker<'a> {
    model: &'a ServiceModel,
    params: &'a BTreeMap<String, String>,
    dialect: Dialect,
    /// The parameters read so far.
    read: std::cell::RefCell<std::collections::BTreeSet<&'a str>>,
}

impl Walker<'_> {
    fn shape(&self, r: &ShapeRef) -> Result<&ShapeModel, WireError> {
        self.model.shape(&r.shape).ok_or_else(|| WireError {
            code: "InternalFailure".into(),
            message: format!("model has no shape {}", r.shape),
            status: 500,
        })
    }

    /// The wire name of a structure member.
    fn member_name(&self, name: &str, r: &ShapeRef, shape: &ShapeModel) -> String {
        let location = r.location_name.as_deref().or(shape.location_name.as_deref());
        match self.dialect {
            Dialect::Query => location.unwrap_or(name).to_string(),
            Dialect::Ec2 => {
                if let Some(q) = &r.query_name {
                    q.clone()
                } else if let Some(l) = location {
                    capitalise(l)
                } else {
                    name.to_string()
                }
            }
        }
    }

    /// Whether any parameter is `prefix` or starts with `prefix.`.
    fn present(&self, prefix: &str) -> bool {
        if self.params.contains_key(prefix) {
            return true;
        }
        let dotted = format!("{prefix}.");
        self.params.range(dotted.clone()..).next().is_some_and(|(k, _)| k.starts_with(&dotted))
    }

    /// The sorted indices `N` of parameters named `prefix.N` or `prefix.N.…`.
    fn indices(&self, prefix: &str) -> Vec<u64> {
        let dotted = format!("{prefix}.");
        let mut out: Vec<u64> = self
            .params
            .range(dotted.clone()..)
            .take_while(|(k, _)| k.starts_with(&dotted))
            .filter_map(|(k, _)| k[dotted.len()..].split('.').next()?.parse().ok())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    fn value(&self, r: &ShapeRef, prefix: &str) -> Result<Option<Value>, WireError> {
        let shape = self.shape(r)?;
        match shape.kind.as_str() {
            "structure" => {
                if !prefix.is_empty() && !self.present(prefix) {
                    return Ok(None);
                }
                let mut out = Map::new();
                for (name, mref) in shape.members.iter() {
                    let mshape = self.shape(mref)?;
                    let wire = self.member_name(name, mref, mshape);
                    let full = if prefix.is_empty() { wire } else { format!("{prefix}.{wire}") };
                    if let Some(v) = self.value(mref, &full)? {
                        out.insert(name.clone(), v);
                    }
                }
                Ok(Some(Value::Object(out)))
            }
            "list" => self.list(r, shape, prefix),
            "map" => self.map(shape, prefix),
            _ => match self.params.get_key_value(prefix) {
                Some((key, text)) => {
                    self.read.borrow_mut().insert(key.as_str());
                    scalar(shape, text, prefix, self.dialect).map(Some)
                }
                None => Ok(None),
            },
        }
    }

    fn list(&self, r: &ShapeRef, shape: &ShapeModel, prefix: &str) -> Result<Option<Value>, WireError> {
        let Some(member) = &shape.member else { return Ok(None) };
        let list_prefix = match self.dialect {
            Dialect::Ec2 => prefix.to_string(),
            Dialect::Query => {
                if self.params.get(prefix).is_some_and(|v| v.is_empty()) {
                    // botocore sends `Name=` for an empty list.
                    return Ok(Some(Value::Array(Vec::new())));
                }
                let flattened = r.flattened.or(shape.flattened).unwrap_or(false);
                if flattened {
                    match &member.location_name {
                        Some(name) => match prefix.rsplit_once('.') {
                            Some((head, _)) => format!("{head}.{name}"),
                            None => name.clone(),
                        },
                        None => prefix.to_string(),
                    }
                } else {
                    format!("{prefix}.{}", member.location_name.as_deref().unwrap_or("member"))
                }
            }
        };
        let indices = self.indices(&list_prefix);
        if indices.is_empty() {
            return Ok(None);
        }
        let mut items = Vec::with_capacity(indices.len());
        for i in indices {
            if let Some(v) = self.value(member, &format!("{list_prefix}.{i}"))? {
                items.push(v);
            }
        }
        Ok(Some(Value::Array(items)))
    }

    fn map(&self, shape: &ShapeModel, prefix: &str) -> Result<Option<Value>, WireError> {
        let (Some(kref), Some(vref)) = (&shape.key, &shape.value) else { return Ok(None) };
        let entry_prefix = if shape.flattened.unwrap_or(false) || self.dialect == Dialect::Ec2 {
            prefix.to_string()
        } else {
            format!("{prefix}.entry")
        };
        let key_name = kref.location_name.as_deref().unwrap_or("key");
        let value_name = vref.location_name.as_deref().unwrap_or("value");
        let indices = self.indices(&entry_prefix);
        if indices.is_empty() {
            return Ok(None);
        }
        let mut out = Map::new();
        for i in indices {
            let key = self.value(kref, &format!("{entry_prefix}.{i}.{key_name}"))?;
            let value = self.value(vref, &format!("{entry_prefix}.{i}.{value_name}"))?;
            if let (Some(Value::String(k)), Some(v)) = (key, value) {
                out.insert(k, v);
            }
        }
        Ok(Some(Value::Object(out)))
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn invalid(dialect: Dialect, name: &str, text: &str, expected: &str) -> WireError {
    let code = match dialect {
        Dialect::Ec2 => "InvalidParameterValue",
        Dialect::Query => "ValidationError",
    };
    WireError::bad(code, format!("Value '{text}' for parameter {name} is invalid: expected {expected}"))
}

/// One scalar parameter, converted to hubsim's JSON form.
fn scalar(shape: &ShapeModel, text: &str, name: &str, dialect: Dialect) -> Result<Value, WireError> {
    match shape.kind.as_str() {
        "boolean" => match text.to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(invalid(dialect, name, text, "true or false")),
        },
        "integer" | "long" => text
            .trim()
            .parse::<i64>()
            .map(|n| Value::Number(n.into()))
            .map_err(|_| invalid(dialect, name, text, "an integer")),
        "float" | "double" => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| invalid(dialect, name, text, "a number")),
        "timestamp" => parse_timestamp_text(text)
            .map(|t| Value::String(t.to_iso8601()))
            .ok_or_else(|| invalid(dialect, name, text, "an ISO-8601 timestamp")),
        _ => Ok(Value::String(text.to_string())),
    }
}

/// A timestamp as text: ISO 8601, or epoch seconds.
pub(crate) fn parse_timestamp_text(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Some(t) = Timestamp::parse_iso8601(text) {
        return Some(t);
    }
    let secs: f64 = text.parse().ok()?;
    if !secs.is_finite() {
        return None;
    }
    Some(Timestamp((secs * 1000.0).round() as i64))
}

// ---------------------------------------------------------------------------------------------
// XML output

/// Escapes text for an XML element or attribute; characters XML cannot carry become U+FFFD
/// ([`super::xml_chars`]).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c if !super::xml_allows(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes everything but RFC 3986's unreserved characters (IAM's policy documents).
pub(crate) fn url_encode(text: &str) -> String {
    const SET: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
    percent_encoding::utf8_percent_encode(text, SET).to_string()
}

/// Writes JSON output values as XML elements by the model.
pub(crate) struct XmlWriter<'a> {
    pub(crate) model: &'a ServiceModel,
    pub(crate) dialect: Dialect,
    pub(crate) out: String,
}

impl XmlWriter<'_> {
    /// Writes every member of `shape` present in `value`, in model order.
    pub(crate) fn members(&mut self, shape: &ShapeModel, value: &Value) {
        let Some(obj) = value.as_object() else { return };
        for (name, mref) in shape.members.iter() {
            let Some(v) = obj.get(name.as_str()) else { continue };
            if v.is_null() {
                continue;
            }
            let Some(mshape) = self.model.shape(&mref.shape) else { continue };
            if mref.xml_attribute.unwrap_or(false) {
                continue;
            }
            let flattened = mref.flattened.or(mshape.flattened).unwrap_or(false);
            if flattened && mshape.kind == "list" {
                let item_name = mshape
                    .member
                    .as_ref()
                    .and_then(|m| m.location_name.clone())
                    .or_else(|| mref.location_name.clone())
                    .unwrap_or_else(|| name.clone());
                if let (Some(items), Some(member)) = (v.as_array(), &mshape.member) {
                    for item in items {
                        self.element(&item_name, member, item);
                    }
                }
                continue;
            }
            if flattened && mshape.kind == "map" {
                let tag = mref.location_name.clone().unwrap_or_else(|| name.clone());
                if let Some(entries) = v.as_object() {
                    for (k, val) in entries {
                        self.out.push_str(&format!("<{tag}>"));
                        self.map_entry(mshape, k, val);
                        self.out.push_str(&format!("</{tag}>"));
                    }
                }
                continue;
            }
            let tag =
                mref.location_name.clone().or_else(|| mshape.location_name.clone()).unwrap_or_else(|| name.clone());
            self.element(&tag, mref, v);
        }
    }

    /// `<tag>content</tag>` for a value of the shape `r` refers to.
    pub(crate) fn element(&mut self, tag: &str, r: &ShapeRef, value: &Value) {
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push('>');
        self.content(r, value);
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
    }

    fn map_entry(&mut self, shape: &ShapeModel, key: &str, value: &Value) {
        let (Some(kref), Some(vref)) = (&shape.key, &shape.value) else { return };
        let key_name = kref.location_name.as_deref().unwrap_or("key");
        let value_name = vref.location_name.as_deref().unwrap_or("value");
        self.out.push_str(&format!("<{key_name}>{}</{key_name}>", escape(key)));
        self.element(value_name, vref, value);
    }

    fn content(&mut self, r: &ShapeRef, value: &Value) {
        let Some(shape) = self.model.shape(&r.shape) else { return };
        match shape.kind.as_str() {
            "structure" => self.members(shape, value),
            "list" => {
                let Some(member) = &shape.member else { return };
                let default = match self.dialect {
                    Dialect::Query => "member",
                    Dialect::Ec2 => "item",
                };
                let item = member.location_name.as_deref().unwrap_or(default).to_string();
                for v in value.as_array().into_iter().flatten() {
                    self.element(&item, member, v);
                }
            }
            "map" => {
                for (k, v) in value.as_object().into_iter().flatten() {
                    self.out.push_str("<entry>");
                    self.map_entry(shape, k, v);
                    self.out.push_str("</entry>");
                }
            }
            "timestamp" => {
                let text = scalar_text(value);
                let format = r.timestamp_format.as_deref().or(shape.timestamp_format.as_deref());
                let rendered = match (format, parse_timestamp_text(&text)) {
                    (Some("unixTimestamp"), Some(t)) => format_epoch(t),
                    (_, Some(t)) => t.to_iso8601(),
                    (_, None) => text,
                };
                self.out.push_str(&escape(&rendered));
            }
            _ => {
                let text = scalar_text(value);
                if r.shape == "policyDocumentType" && text.trim_start().starts_with('{') {
                    self.out.push_str(&url_encode(&text));
                } else {
                    self.out.push_str(&escape(&text));
                }
            }
        }
    }
}

/// A JSON scalar as the text XML carries.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Epoch seconds, with a fraction only when there are milliseconds.
pub(crate) fn format_epoch(t: Timestamp) -> String {
    if t.0 % 1000 == 0 {
        t.epoch_seconds().to_string()
    } else {
        format!("{:.3}", t.0 as f64 / 1000.0)
    }
}

/// How an error is put on the wire for a model: the exception shape it names (if any), the
/// wire code, the HTTP status, and whether the caller is at fault.
pub(crate) struct ResolvedError<'m> {
    /// The modelled exception shape's name, when the code names one.
    pub(crate) shape: Option<&'m str>,
    /// The code a query client sees (`error.code`, else the shape name, else the code as given).
    pub(crate) code: String,
    /// HTTP status.
    pub(crate) status: u16,
    /// Client fault.
    pub(crate) sender: bool,
}

/// Resolves an error against the model's exception shapes: a handler may name the shape
/// (`NoSuchEntityException`) or its wire code (`NoSuchEntity`).
pub(crate) fn resolve_error<'m>(model: &'m ServiceModel, error: &AwsError) -> ResolvedError<'m> {
    let by_name = model.shapes.get_key_value(error.code.as_str()).filter(|(_, s)| s.exception);
    let found = by_name.or_else(|| {
        model
            .shapes
            .iter()
            .find(|(_, s)| s.exception && s.error.as_ref().and_then(|e| e.code.as_deref()) == Some(error.code.as_str()))
    });
    match found {
        Some((name, shape)) => {
            let info = shape.error.as_ref();
            let code = info.and_then(|e| e.code.clone()).unwrap_or_else(|| name.clone());
            let status = info.and_then(|e| e.http_status_code).unwrap_or(error.status);
            let sender = info.and_then(|e| e.sender_fault).unwrap_or(status < 500);
            ResolvedError { shape: Some(name.as_str()), code, status, sender }
        }
        None => ResolvedError {
            shape: None,
            code: error.code.clone(),
            status: error.status,
            sender: error.sender_fault && error.status < 500,
        },
    }
}

/// The XML namespace of a model, if it has one.
pub(crate) fn namespace(model: &ServiceModel) -> String {
    match &model.metadata.xml_namespace {
        Some(ns) => format!(" xmlns=\"{}\"", escape(ns)),
        None => String::new(),
    }
}

fn xml_response(status: u16, body: String, request_id: &str) -> Response {
    Response {
        status,
        headers: vec![("Content-Type".into(), "text/xml".into()), ("x-amzn-RequestId".into(), request_id.to_string())],
        body: body.into_bytes(),
    }
}

impl Codec for Query {
    fn operation<'m>(&self, model: &'m ServiceModel, req: &Request) -> Option<&'m OperationModel> {
        action(model, req)
    }

    fn parse(&self, model: &ServiceModel, op: &OperationModel, req: &Request) -> Result<Value, WireError> {
        parse_input(model, op, &params(req), Dialect::Query)
    }

    fn serialize(&self, model: &ServiceModel, op: &OperationModel, output: &Value, request_id: &str) -> Response {
        let mut w = XmlWriter { model, dialect: Dialect::Query, out: String::new() };
        let name = &op.name;
        w.out.push_str(&format!("<{name}Response{}>", namespace(model)));
        if let Some(out_ref) = &op.output {
            if let Some(shape) = model.shape(&out_ref.shape) {
                match &out_ref.result_wrapper {
                    Some(wrapper) => {
                        w.out.push_str(&format!("<{wrapper}>"));
                        w.members(shape, output);
                        w.out.push_str(&format!("</{wrapper}>"));
                    }
                    None => w.members(shape, output),
                }
            }
        }
        w.out.push_str(&format!(
            "<ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata></{name}Response>",
            escape(request_id)
        ));
        xml_response(200, w.out, request_id)
    }

    fn error(
        &self,
        model: &ServiceModel,
        _op: Option<&OperationModel>,
        error: &AwsError,
        request_id: &str,
    ) -> Response {
        let resolved = resolve_error(model, error);
        let body = format!(
            "<ErrorResponse{}><Error><Type>{}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{}</RequestId></ErrorResponse>",
            namespace(model),
            if resolved.sender { "Sender" } else { "Receiver" },
            escape(&resolved.code),
            escape(&error.message),
            escape(request_id)
        );
        xml_response(resolved.status, body, request_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(body: &str) -> Request {
        Request {
            method: "POST".into(),
            path: "/".into(),
            headers: vec![("content-type".into(), "application/x-www-form-urlencoded; charset=utf-8".into())],
            body: body.as_bytes().to_vec(),
            ..Default::default()
        }
    }

    fn iam() -> &'static ServiceModel {
        hubsim_model::service("iam").expect("iam model")
    }

    #[test]
    fn parses_scalars_lists_and_maps() {
        let sns = hubsim_model::service("sns").expect("sns model");
        let r = req("Action=CreateTopic&Version=2010-03-31&Name=t&Attributes.entry.1.key=KmsMasterKeyId&Attributes.entry.1.value=alias%2Faws%2Fsns&Tags.member.1.Key=k&Tags.member.1.Value=v");
        let op = Query.operation(sns, &r).expect("CreateTopic");
        let v = Query.parse(sns, op, &r).expect("parses");
        assert_eq!(
            v,
            serde_json::json!({"Name": "t", "Attributes": {"KmsMasterKeyId": "alias/aws/sns"}, "Tags": [{"Key": "k", "Value": "v"}]})
        );
    }

    #[test]
    fn parses_integers_and_booleans_and_rejects_garbage() {
        let r =
            req("Action=UpdateAccountPasswordPolicy&Version=2010-05-08&MinimumPasswordLength=14&RequireSymbols=true");
        let op = Query.operation(iam(), &r).expect("op");
        let v = Query.parse(iam(), op, &r).expect("parses");
        assert_eq!(v, serde_json::json!({"MinimumPasswordLength": 14, "RequireSymbols": true}));
        let bad = req("Action=UpdateAccountPasswordPolicy&Version=2010-05-08&MinimumPasswordLength=abc");
        let e = Query.parse(iam(), op, &bad).expect_err("not a number");
        assert_eq!(e.code, "ValidationError");
    }

    #[test]
    fn ec2_refuses_parameters_its_api_does_not_have_query_ignores_them() {
        let ec2 = hubsim_model::service("ec2").expect("ec2 model");
        let Some(op) = ec2.operation("CreateVpc") else { panic!("CreateVpc") };
        let walk = |body: &str| parse_input(ec2, op, &params(&req(body)), Dialect::Ec2);
        let ok = walk("Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0%2F16&TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=k&TagSpecification.1.Tag.1.Value=v&X-Amz-Date=20260101T000000Z");
        assert_eq!(ok.map(|v| v["CidrBlock"].clone()), Ok(serde_json::json!("10.0.0.0/16")));
        for (body, unknown) in [
            // A list index under a scalar: never read as the scalar.
            ("Action=CreateVpc&Version=2016-11-15&CidrBlock.1=10.0.0.0%2F16", "CidrBlock.1"),
            ("Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0%2F16&CidrBlock.x=1", "CidrBlock.x"),
            ("Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0%2F16&Bogus=1", "Bogus"),
            (
                "Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0%2F16&TagSpecification.1.Tag.1.Key.1=k",
                "TagSpecification.1.Tag.1.Key.1",
            ),
        ] {
            let e = walk(body).expect_err(body);
            assert_eq!((e.code.as_str(), e.status), ("UnknownParameter", 400), "{body}");
            assert_eq!(e.message, format!("The parameter {unknown} is not recognized"), "{body}");
        }
        // The query protocol's services ignore what they do not know.
        let r = req("Action=GetUser&Version=2010-05-08&UserName.1=x&Bogus=1");
        let op = Query.operation(iam(), &r).expect("op");
        assert_eq!(Query.parse(iam(), op, &r), Ok(serde_json::json!({})));
    }

    #[test]
    fn serializes_with_result_wrapper_and_namespace() {
        let op = iam().operation("GetAccountSummary").expect("op");
        let r = Query.serialize(iam(), op, &serde_json::json!({"SummaryMap": {"Users": 2}}), "rid");
        let body = String::from_utf8(r.body).expect("utf8");
        assert_eq!(
            body,
            "<GetAccountSummaryResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetAccountSummaryResult><SummaryMap><entry><key>Users</key><value>2</value></entry></SummaryMap></GetAccountSummaryResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></GetAccountSummaryResponse>"
        );
    }

    #[test]
    fn errors_use_the_shape_code_and_status() {
        let e = AwsError::not_found("NoSuchEntityException", "gone");
        let r = Query.error(iam(), None, &e, "rid");
        assert_eq!(r.status, 404);
        let body = String::from_utf8(r.body).expect("utf8");
        assert!(body.contains("<Type>Sender</Type><Code>NoSuchEntity</Code><Message>gone</Message>"), "{body}");
    }

    #[test]
    fn characters_xml_cannot_carry_become_replacement_characters() {
        // A NUL echoed from a client's input would make the body ill-formed XML, which boto3
        // cannot parse (`ResponseParserError`) — it would never see AWS's error code.
        let e = AwsError::not_found("NoSuchEntityException", "The user with name a\u{0}b\u{1b}c cannot be found.");
        let body = String::from_utf8(Query.error(iam(), None, &e, "rid").body).expect("utf8");
        assert!(body.contains("<Message>The user with name a\u{FFFD}b\u{FFFD}c cannot be found.</Message>"), "{body}");
        assert_eq!(escape("tab\there\nline\u{7f}"), "tab\there\nline\u{7f}", "what XML allows is kept");
    }

    #[test]
    fn policy_documents_are_url_encoded() {
        let op = iam().operation("GetRole").expect("op");
        let out = serde_json::json!({"Role": {"RoleName": "r", "AssumeRolePolicyDocument": "{\"a\": 1}"}});
        let body = String::from_utf8(Query.serialize(iam(), op, &out, "rid").body).expect("utf8");
        assert!(body.contains("<AssumeRolePolicyDocument>%7B%22a%22%3A%201%7D</AssumeRolePolicyDocument>"), "{body}");
    }
}
