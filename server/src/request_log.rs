//! The request log of `hubsim serve --log`: one line per request on standard error, written
//! when the answer is ready: the time the request arrived (UTC), the service, operation and
//! region it was routed to, the HTTP status, AWS's error code (`-` for none) and how long
//! hubsim took. For a control developer, it shows what a client (boto3, the aws CLI, a
//! scanner) actually sent and what it was told:
//!
//! ```text
//! 2026-12-07T21:59:01.123Z s3 PutBucketPolicy us-east-1 400 MalformedPolicy 0.4ms
//! ```

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::protocol::{Request, Response};

/// A request being answered.
pub struct Entry {
    started: Instant,
    at_ms: i64,
    what: String,
}

impl Entry {
    /// Notes a request as it arrives: when, and what it is (routed as the server routes it).
    pub fn start(req: &Request) -> Entry {
        let at_ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
        let what = if req.path.starts_with(crate::admin::PREFIX) {
            format!("hubsim {} {} -", req.method, req.path)
        } else {
            let (service, op, region) = crate::route::describe(req);
            match (service, op) {
                (Some(s), Some(op)) => format!("{s} {op} {region}"),
                (Some(s), None) => format!("{s} ? {} {} {region}", req.method, req.path),
                (None, _) => format!("? {} {} {region}", req.method, req.path),
            }
        };
        Entry { started: Instant::now(), at_ms, what }
    }

    /// The log line of the request, answered with `response`.
    pub fn line(&self, response: &Response) -> String {
        let took = self.started.elapsed().as_secs_f64() * 1000.0;
        let code = if response.status >= 400 { error_code(response) } else { None };
        format!(
            "{} {} {} {} {took:.1}ms",
            hubsim_model::Timestamp(self.at_ms).to_iso8601(),
            self.what,
            response.status,
            code.as_deref().unwrap_or("-")
        )
    }
}

/// AWS's error code in an error answer: from the headers the JSON protocols set, else from the
/// body (`__type`/`code` of a JSON body, `<Code>` of an XML one).
fn error_code(response: &Response) -> Option<String> {
    let header = |name: &str| response.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v);
    if let Some(v) = header("x-amzn-query-error") {
        return v.split(';').next().map(str::to_string);
    }
    if let Some(v) = header("x-amzn-errortype") {
        return v.split(':').next().map(str::to_string);
    }
    let body = std::str::from_utf8(&response.body).ok()?;
    if body.trim_start().starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(body).ok()?;
        let code = v.get("__type").or_else(|| v.get("code")).or_else(|| v.get("Code"))?.as_str()?;
        // `__type` may be `namespace#Code`.
        return Some(code.rsplit('#').next().unwrap_or(code).to_string());
    }
    let start = body.find("<Code>")? + "<Code>".len();
    let end = body[start..].find("</Code>")? + start;
    Some(body[start..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        Response {
            status,
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn error_codes_come_from_each_protocols_place() {
        let xml = "<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code></Error></ErrorResponse>";
        assert_eq!(error_code(&answer(404, &[], xml)).as_deref(), Some("NoSuchEntity"));
        let json = r#"{"__type":"com.amazonaws.kms#NotFoundException","message":"x"}"#;
        assert_eq!(error_code(&answer(400, &[], json)).as_deref(), Some("NotFoundException"));
        let typed = answer(400, &[("X-Amzn-ErrorType", "ResourceNotFoundException:http://internal")], "{}");
        assert_eq!(error_code(&typed).as_deref(), Some("ResourceNotFoundException"));
        let query = answer(400, &[("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender")], "{}");
        assert_eq!(error_code(&query).as_deref(), Some("AWS.SimpleQueueService.NonExistentQueue"));
        assert_eq!(error_code(&answer(500, &[], "not json, no code")), None);
    }
}
