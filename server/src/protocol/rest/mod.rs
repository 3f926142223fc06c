//! What the two REST protocols (rest-xml, rest-json) share: finding the operation from the
//! method and the model's `requestUri` templates, and the members bound to the URI, the query
//! string, headers and the status code. The body is each protocol's own business.
//!
//! Routing rules:
//! - The path is split on `/` first and each segment percent-decoded afterwards, so an encoded
//!   `%2F` stays inside its label; a greedy label (`{Key+}`, `{StandardsSubscriptionArn+}`)
//!   takes the rest of the path, `/` included, decoded.
//! - Every literal of the template's query part (`?encryption`, `?x-id=GetObject`) must be in
//!   the request. Of several matching templates the most specific wins: more query literals,
//!   then more literal path segments, then no greedy label.
//! - Strict query mode (rest-xml): a request may carry only query keys the operation knows
//!   (its template literals and its `querystring` members, plus `x-amz-*`/`x-id`), so
//!   `PUT /bucket?website` is not mistaken for `PUT /{Bucket}` (CreateBucket) when hubsim does
//!   not model PutBucketWebsite.
//! - S3 virtual-hosted addressing: when the `Host` (port dropped) is `<bucket>.<endpoint>` and
//!   the endpoint is `localhost`, an IPv4 literal, a bracketed IPv6 literal or an AWS S3 host
//!   (`s3.amazonaws.com`, `s3.<region>.amazonaws.com`, `s3-<region>.amazonaws.com`), optionally
//!   behind an `s3.` label (`my-bucket.s3.localhost`; `s3.localhost` alone is path-style), the
//!   bucket is taken from the host and put in front of the path: host
//!   `my-bucket.localhost:4566` with `/?encryption` routes as `/my-bucket?encryption`. Any other host is path-style (a
//!   custom endpoint name such as `hubsim:4566` cannot be told from a domain; use path style
//!   there, botocore's default with an endpoint URL). Only the S3 model is addressed this way;
//!   S3 Control ignores its host label (`123456789012.localhost`) and reads `x-amz-account-id`.

pub(crate) use hubsim_wire::scalar::{is_bound, scalar, scalar_text};
pub(crate) use hubsim_wire::xml;

use std::borrow::Cow;

use base64::Engine;
use hubsim_model::service_model::{OperationModel, ServiceModel, ShapeModel, ShapeRef};
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use crate::protocol::{Request, WireError};

/// One segment of a `requestUri` path.
#[derive(Debug, PartialEq, Eq)]
enum Segment<'m> {
    Literal(&'m str),
    Label(&'m str),
    Greedy(&'m str),
}

/// How specific a template is: query literals, literal segments, no greedy label, segments.
type Score = (usize, usize, bool, usize);

/// A parsed `requestUri`.
#[derive(Debug)]
struct Template<'m> {
    segments: Vec<Segment<'m>>,
    /// Query literals: key and, for `?x-id=GetObject`, the value.
    query: Vec<(&'m str, Option<&'m str>)>,
}

impl<'m> Template<'m> {
    fn parse(uri: &'m str) -> Template<'m> {
        let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
        let segments = split_path(path)
            .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(label) => match label.strip_suffix('+') {
                    Some(greedy) => Segment::Greedy(greedy),
                    None => Segment::Label(label),
                },
                None => Segment::Literal(s),
            })
            .collect();
        let query = query_literals(query).collect();
        Template { segments, query }
    }

    /// The labels of `path` (raw, percent-encoded) when it matches.
    fn match_path(&self, path: &str) -> Option<Vec<(String, String)>> {
        let raw: Vec<&str> = split_path(path).collect();
        let mut labels = Vec::new();
        for (i, seg) in self.segments.iter().enumerate() {
            match seg {
                Segment::Literal(lit) => {
                    if decode(raw.get(i)?) != *lit {
                        return None;
                    }
                }
                Segment::Label(name) => {
                    let value = decode(raw.get(i)?);
                    if value.is_empty() {
                        return None;
                    }
                    labels.push(((*name).to_string(), value.into_owned()));
                }
                Segment::Greedy(name) => {
                    let rest = raw.get(i..)?.join("/");
                    if rest.is_empty() {
                        return None;
                    }
                    labels.push(((*name).to_string(), decode(&rest).into_owned()));
                    return Some(labels);
                }
            }
        }
        (raw.len() == self.segments.len()).then_some(labels)
    }

    /// Higher is more specific.
    fn score(&self) -> Score {
        let literals = self.segments.iter().filter(|s| matches!(s, Segment::Literal(_))).count();
        let greedy = self.segments.iter().any(|s| matches!(s, Segment::Greedy(_)));
        (self.query.len(), literals, !greedy, self.segments.len())
    }
}

/// The non-empty segments of a path (`/` alone has none); a trailing `/` is dropped.
fn split_path(path: &str) -> impl Iterator<Item = &str> {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    trimmed.split('/').filter(move |_| !trimmed.is_empty())
}

fn decode(s: &str) -> Cow<'_, str> {
    percent_decode_str(s).decode_utf8_lossy()
}

/// The request's query string as decoded pairs, in order.
pub(crate) fn query_pairs(req: &Request) -> Vec<(String, String)> {
    form_urlencoded::parse(req.query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// The path the templates are matched against: the request's, with the bucket of an S3
/// virtual-hosted request put in front (see the module documentation).
pub(crate) fn request_path<'r>(model: &ServiceModel, req: &'r Request) -> Cow<'r, str> {
    if model.metadata.endpoint_prefix != "s3" {
        return Cow::Borrowed(&req.path);
    }
    match req.header("host").and_then(virtual_host_bucket) {
        Some(bucket) => {
            let rest = if req.path == "/" || req.path.is_empty() { "" } else { req.path.as_str() };
            Cow::Owned(format!("/{bucket}{rest}"))
        }
        None => Cow::Borrowed(&req.path),
    }
}

/// The bucket named by a virtual-hosted S3 `Host`, if the host is one.
pub(crate) fn virtual_host_bucket(host: &str) -> Option<String> {
    let host = host.trim().to_ascii_lowercase();
    // Drop the port: `name:4566`, `[::1]:4566`.
    let name = match host.rfind(':') {
        Some(i) if !host[i..].contains(']') && host[i + 1..].bytes().all(|b| b.is_ascii_digit()) => &host[..i],
        _ => host.as_str(),
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    if let Some(i) = name.find(".[") {
        return (name[i + 1..].ends_with(']') && i > 0).then(|| name[..i].to_string());
    }
    let labels: Vec<&str> = name.split('.').collect();
    let endpoint_len = if labels.last() == Some(&"localhost") {
        1
    } else if labels.len() > 4
        && labels[labels.len() - 4..].iter().all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
    {
        4
    } else if name.ends_with(".amazonaws.com") {
        // `<bucket>.s3.amazonaws.com`, `<bucket>.s3.<region>.amazonaws.com`, `<bucket>.s3-<region>.amazonaws.com`.
        let s3 = labels.iter().rposition(|l| *l == "s3" || l.starts_with("s3-"))?;
        labels.len() - s3
    } else {
        return None;
    };
    let mut prefix = labels.get(..labels.len().checked_sub(endpoint_len)?)?;
    // An `s3.` label in front of a local endpoint belongs to the endpoint (`s3.localhost`).
    if endpoint_len != labels.len() && prefix.last() == Some(&"s3") && !name.ends_with(".amazonaws.com") {
        prefix = &prefix[..prefix.len() - 1];
    }
    let bucket = prefix.join(".");
    (!bucket.is_empty()).then_some(bucket)
}

/// Options of [`route`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct RouteOptions {
    /// Whether unknown query keys disqualify a template (see the module documentation).
    pub strict_query: bool,
}

/// The operation of `model` that `req` calls.
pub(crate) fn route<'m>(model: &'m ServiceModel, req: &Request, opts: RouteOptions) -> Option<&'m OperationModel> {
    let path = request_path(model, req);
    // Decoded once; each template is first checked without allocating (this runs per request
    // over every operation of the service).
    let decoded: Vec<Cow<'_, str>> = split_path(&path).map(decode).collect();
    let pairs = query_pairs(req);
    let mut best: Option<(&OperationModel, Score)> = None;
    for op in model.operations.values() {
        let Some(http) = &op.http else { continue };
        if !http.method.eq_ignore_ascii_case(&req.method) {
            continue;
        }
        let (tpl_path, tpl_query) = http.request_uri.split_once('?').unwrap_or((&http.request_uri, ""));
        if !path_matches(tpl_path, &decoded) || !query_literals(tpl_query).all(|lit| has_literal(&pairs, lit)) {
            continue;
        }
        let tpl = Template::parse(&http.request_uri);
        if opts.strict_query && !knows_query_keys(model, op, &tpl, &pairs) {
            continue;
        }
        let score = tpl.score();
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((op, score));
        }
    }
    best.map(|(op, _)| op)
}

/// Whether the path part of a template matches the decoded request segments (the same rule as
/// [`Template::match_path`], without collecting the labels).
fn path_matches(tpl_path: &str, decoded: &[Cow<'_, str>]) -> bool {
    let mut count = 0;
    for (i, seg) in split_path(tpl_path).enumerate() {
        count = i + 1;
        match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(label) if label.ends_with('+') => {
                let rest = decoded.get(i..).unwrap_or_default();
                return rest.len() > 1 || rest.first().is_some_and(|s| !s.is_empty());
            }
            Some(_) => {
                if decoded.get(i).is_none_or(|s| s.is_empty()) {
                    return false;
                }
            }
            None => {
                if decoded.get(i).is_none_or(|s| s != seg) {
                    return false;
                }
            }
        }
    }
    decoded.len() == count
}

/// The query literals of a template's query part: key and, for `x-id=GetObject`, the value.
fn query_literals(tpl_query: &str) -> impl Iterator<Item = (&str, Option<&str>)> {
    tpl_query.split('&').filter(|q| !q.is_empty()).map(|q| match q.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (q, None),
    })
}

fn has_literal(pairs: &[(String, String)], (key, value): (&str, Option<&str>)) -> bool {
    pairs.iter().any(|(k, v)| k == key && value.is_none_or(|value| value == v))
}

fn knows_query_keys(model: &ServiceModel, op: &OperationModel, tpl: &Template<'_>, pairs: &[(String, String)]) -> bool {
    let input = op.input.as_ref().and_then(|r| model.shape(&r.shape));
    let members: Vec<(&str, &ShapeModel)> = input
        .map(|s| {
            s.members
                .iter()
                .filter(|(_, r)| r.location.as_deref() == Some("querystring"))
                .filter_map(|(n, r)| Some((r.location_name.as_deref().unwrap_or(n), model.shape(&r.shape)?)))
                .collect()
        })
        .unwrap_or_default();
    if members.iter().any(|(_, s)| s.kind == "map") {
        return true;
    }
    pairs.iter().all(|(k, _)| {
        let lower = k.to_ascii_lowercase();
        tpl.query.iter().any(|(q, _)| q == k)
            || members.iter().any(|(n, _)| n == k)
            || lower.starts_with("x-amz-")
            || lower == "x-id"
    })
}

/// The labels of `req`'s path under `op`'s template.
pub(crate) fn labels(model: &ServiceModel, op: &OperationModel, req: &Request) -> Vec<(String, String)> {
    let Some(http) = &op.http else { return Vec::new() };
    Template::parse(&http.request_uri).match_path(&request_path(model, req)).unwrap_or_default()
}

/// The members of `shape` bound to the URI, the query string and headers, read from `req`.
/// `malformed` is the protocol's code for a value that does not parse.
pub(crate) fn parse_bindings(
    model: &ServiceModel,
    op: &OperationModel,
    shape: &ShapeModel,
    req: &Request,
    malformed: &str,
) -> Result<Map<String, Value>, WireError> {
    let labels = labels(model, op, req);
    let pairs = query_pairs(req);
    let literals: Vec<String> = op
        .http
        .as_ref()
        .map(|h| Template::parse(&h.request_uri).query.iter().map(|(k, _)| (*k).to_string()).collect())
        .unwrap_or_default();
    let mut out = Map::new();
    for (name, r) in shape.members.iter() {
        let Some(target) = model.shape(&r.shape) else { continue };
        let wire = r.location_name.as_deref().unwrap_or(name);
        let value = match r.location.as_deref() {
            Some("uri") => match labels.iter().find(|(l, _)| l == wire) {
                Some((_, v)) => Some(scalar(target, v, malformed, wire)?),
                None => None,
            },
            Some("querystring") => query_member(model, target, wire, &pairs, shape, &literals, malformed)?,
            Some("header") => match req.header(&wire.to_ascii_lowercase()) {
                Some(v) => Some(header_value(model, r, target, v, malformed, wire)?),
                None => None,
            },
            Some("headers") => {
                let prefix = wire.to_ascii_lowercase();
                let map: Map<String, Value> = req
                    .headers
                    .iter()
                    .filter_map(|(k, v)| {
                        k.strip_prefix(&prefix).map(|rest| (rest.to_string(), Value::String(v.clone())))
                    })
                    .collect();
                (!map.is_empty()).then_some(Value::Object(map))
            }
            _ => None,
        };
        if let Some(v) = value {
            out.insert(name.clone(), v);
        }
    }
    Ok(out)
}

fn query_member(
    model: &ServiceModel,
    target: &ShapeModel,
    wire: &str,
    pairs: &[(String, String)],
    shape: &ShapeModel,
    literals: &[String],
    malformed: &str,
) -> Result<Option<Value>, WireError> {
    match target.kind.as_str() {
        "list" => {
            let Some(member) = &target.member else { return Ok(None) };
            let Some(mshape) = model.shape(&member.shape) else { return Ok(None) };
            let items = pairs
                .iter()
                .filter(|(k, _)| k == wire)
                .map(|(_, v)| scalar(mshape, v, malformed, wire))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((!items.is_empty()).then_some(Value::Array(items)))
        }
        "map" => {
            // Every query parameter no other member or template literal claims.
            let claimed: Vec<&str> = shape
                .members
                .iter()
                .filter(|(_, m)| m.location.as_deref() == Some("querystring"))
                .filter_map(|(n, m)| {
                    let s = model.shape(&m.shape)?;
                    (s.kind != "map").then(|| m.location_name.as_deref().unwrap_or(n))
                })
                .collect();
            let list_values =
                target.value.as_ref().and_then(|v| model.shape(&v.shape)).is_some_and(|s| s.kind == "list");
            let mut map = Map::new();
            for (k, v) in pairs {
                if claimed.contains(&k.as_str()) || literals.contains(k) {
                    continue;
                }
                if list_values {
                    if let Value::Array(items) = map.entry(k.clone()).or_insert_with(|| Value::Array(Vec::new())) {
                        items.push(Value::String(v.clone()));
                    }
                } else {
                    map.entry(k.clone()).or_insert_with(|| Value::String(v.clone()));
                }
            }
            Ok((!map.is_empty()).then_some(Value::Object(map)))
        }
        _ => match pairs.iter().find(|(k, _)| k == wire) {
            Some((_, v)) => Ok(Some(scalar(target, v, malformed, wire)?)),
            None => Ok(None),
        },
    }
}

fn header_value(
    model: &ServiceModel,
    r: &ShapeRef,
    target: &ShapeModel,
    raw: &str,
    malformed: &str,
    wire: &str,
) -> Result<Value, WireError> {
    if r.json_value.unwrap_or(false) {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(raw.trim())
            .map_err(|_| WireError::bad(malformed, format!("header {wire} is not base64-encoded JSON")))?;
        return serde_json::from_slice(&bytes)
            .map_err(|_| WireError::bad(malformed, format!("header {wire} is not base64-encoded JSON")));
    }
    if target.kind == "list" {
        let (Some(member), true) = (&target.member, !raw.trim().is_empty()) else {
            return Ok(Value::Array(Vec::new()));
        };
        let Some(mshape) = model.shape(&member.shape) else { return Ok(Value::Array(Vec::new())) };
        return raw
            .split(',')
            .map(|item| scalar(mshape, item.trim(), malformed, wire))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    scalar(target, raw.trim(), malformed, wire)
}

/// Writes the header-bound members of `output` into `headers`; returns the status a
/// `statusCode` member asks for.
pub(crate) fn write_bindings(
    model: &ServiceModel,
    shape: &ShapeModel,
    output: &Value,
    headers: &mut Vec<(String, String)>,
) -> Option<u16> {
    let mut status = None;
    for (name, r) in shape.members.iter() {
        let Some(value) = output.get(name).filter(|v| !v.is_null()) else { continue };
        let Some(target) = model.shape(&r.shape) else { continue };
        let wire = r.location_name.as_deref().unwrap_or(name);
        match r.location.as_deref() {
            Some("header") => {
                let text = if r.json_value.unwrap_or(false) {
                    Some(base64::engine::general_purpose::STANDARD.encode(value.to_string()))
                } else if let (Value::Array(items), Some(member)) = (value, &target.member) {
                    let mshape = model.shape(&member.shape);
                    let parts: Vec<String> =
                        items.iter().filter_map(|i| mshape.and_then(|s| scalar_text(member, s, i, "rfc822"))).collect();
                    Some(parts.join(","))
                } else {
                    scalar_text(r, target, value, "rfc822")
                };
                if let Some(text) = text {
                    headers.push((wire.to_string(), text));
                }
            }
            Some("headers") => {
                if let Value::Object(map) = value {
                    for (k, v) in map {
                        if let Some(text) = v.as_str() {
                            headers.push((format!("{wire}{k}"), text.to_string()));
                        }
                    }
                }
            }
            Some("statusCode") => status = value.as_u64().and_then(|s| u16::try_from(s).ok()),
            _ => {}
        }
    }
    status
}

/// The shape of the operation's input, if it has one.
pub(crate) fn input_shape<'m>(model: &'m ServiceModel, op: &OperationModel) -> Option<&'m ShapeModel> {
    op.input.as_ref().and_then(|r| model.shape(&r.shape))
}

/// The shape of the operation's output, if it has one.
pub(crate) fn output_shape<'m>(model: &'m ServiceModel, op: &OperationModel) -> Option<&'m ShapeModel> {
    op.output.as_ref().and_then(|r| model.shape(&r.shape))
}

/// The success status: a `statusCode` member's, else the model's `responseCode`, else 200.
pub(crate) fn success_status(op: &OperationModel, from_member: Option<u16>) -> u16 {
    from_member.or(op.http.as_ref().and_then(|h| h.response_code)).unwrap_or(200)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The allocation-free check the router runs first agrees with the full match.
    #[test]
    fn the_quick_path_check_agrees_with_the_full_match() {
        let templates =
            ["/", "/{Bucket}", "/{Bucket}/{Key+}", "/detector/{DetectorId}/filter", "/standards/controls/{Arn+}"];
        let paths = [
            "/",
            "/b",
            "/b/",
            "/b/k",
            "/b/k/deeper/key",
            "/b//k",
            "/a%2Fb",
            "/detector/d1/filter",
            "/detector//filter",
            "/detector/d1",
            "/standards/controls/",
            "/standards/controls/arn%3Ax/y",
        ];
        for tpl in templates {
            let full = Template::parse(tpl);
            for path in paths {
                let decoded: Vec<Cow<'_, str>> = split_path(path).map(decode).collect();
                assert_eq!(path_matches(tpl, &decoded), full.match_path(path).is_some(), "{tpl} against {path}");
            }
        }
    }

    #[test]
    fn templates_match_labels_and_greedy_labels() {
        let t = Template::parse("/standards/controls/{StandardsSubscriptionArn+}");
        let labels =
            t.match_path("/standards/controls/arn%3Aaws%3Asecurityhub%3Aus-east-1%3A1%3Asubscription/x/v/1.0.0");
        assert_eq!(
            labels,
            Some(vec![(
                "StandardsSubscriptionArn".to_string(),
                "arn:aws:securityhub:us-east-1:1:subscription/x/v/1.0.0".to_string()
            )])
        );
        let t = Template::parse("/{Bucket}?encryption");
        assert_eq!(t.query, vec![("encryption", None)]);
        assert_eq!(t.match_path("/b"), Some(vec![("Bucket".into(), "b".into())]));
        assert_eq!(t.match_path("/"), None);
        assert_eq!(t.match_path("/b/k"), None);
        assert_eq!(Template::parse("/").match_path("/"), Some(vec![]));
        assert_eq!(Template::parse("/").match_path("/b"), None);
    }

    #[test]
    fn virtual_hosts() {
        assert_eq!(virtual_host_bucket("my-bucket.localhost:4566").as_deref(), Some("my-bucket"));
        assert_eq!(virtual_host_bucket("my.dotted.bucket.localhost").as_deref(), Some("my.dotted.bucket"));
        assert_eq!(virtual_host_bucket("b1.127.0.0.1:4566").as_deref(), Some("b1"));
        assert_eq!(virtual_host_bucket("b1.[::1]:4566").as_deref(), Some("b1"));
        assert_eq!(virtual_host_bucket("b1.s3.us-west-2.amazonaws.com").as_deref(), Some("b1"));
        assert_eq!(virtual_host_bucket("b1.s3.amazonaws.com").as_deref(), Some("b1"));
        assert_eq!(virtual_host_bucket("b1.s3.localhost:4566").as_deref(), Some("b1"));
        for plain in
            ["localhost:4566", "127.0.0.1:4566", "[::1]:4566", "s3.amazonaws.com", "hubsim:4566", "example.com"]
        {
            assert_eq!(virtual_host_bucket(plain), None, "{plain}");
        }
    }
}
