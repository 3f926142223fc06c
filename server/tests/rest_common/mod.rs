//! Shared by the rest-xml and rest-json codec tests: a real botocore client (through
//! `fixtures/botocore_wire.py`) builds each request exactly as it sends it, the codec under
//! test routes and parses it and answers, and botocore parses the answer.
//!
//! Without python3 + botocore the botocore tests are skipped with a message, unless `CI=true`,
//! where they fail.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use base64::Engine;
use hubsim_server::protocol::{codec, Request, Response};
use hubsim_simulator::AwsError;
use serde_json::{json, Value};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/botocore_wire.py");

/// Whether python3 with botocore can be used; panics under `CI=true` when it cannot.
pub fn botocore_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    let ok = *AVAILABLE.get_or_init(|| {
        Command::new("python3")
            .args(["-c", "import botocore.session"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("python3 with botocore is required for the wire tests (CI=true)");
        }
        eprintln!("skipping: python3 with botocore is not available");
    }
    ok
}

/// One botocore call through a codec.
#[derive(Debug)]
pub struct Call {
    /// The request as botocore sent it.
    pub request: Request,
    /// The codec's response.
    pub response: Response,
    /// What botocore made of it: `{"status", "result"}` or `{"status", "error"}`.
    pub botocore: Value,
}

impl Call {
    /// The parsed result (panics with botocore's answer when it was an error).
    pub fn result(&self) -> &Value {
        match self.botocore.get("result") {
            Some(r) => r,
            None => panic!("botocore did not get a result: {}", self.botocore),
        }
    }

    /// The parsed error (`{"Code", "Message", ...}`).
    pub fn error(&self) -> &Value {
        match self.botocore.get("error").and_then(|e| e.get("Error")) {
            Some(e) => e,
            None => panic!("botocore did not get an error: {}", self.botocore),
        }
    }

    /// The response body as text.
    pub fn body(&self) -> String {
        String::from_utf8_lossy(&self.response.body).into_owned()
    }

    /// A response header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.response.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Turns botocore's prepared request into the codec's [`Request`], as the HTTP server would.
pub fn to_request(sent: &Value) -> Request {
    let url = sent["url"].as_str().unwrap_or_default();
    let after_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let (authority, path_query) = match after_scheme.find('/') {
        Some(i) => (&after_scheme[..i], &after_scheme[i..]),
        None => (after_scheme, "/"),
    };
    let host = authority.rsplit_once('@').map(|(_, h)| h).unwrap_or(authority);
    let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
    let mut headers: Vec<(String, String)> = sent["headers"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.as_str().unwrap_or_default().to_string())).collect())
        .unwrap_or_default();
    if !headers.iter().any(|(k, _)| k == "host") {
        headers.push(("host".into(), host.to_string()));
    }
    let body = base64::engine::general_purpose::STANDARD
        .decode(sent["body_b64"].as_str().unwrap_or_default())
        .unwrap_or_default();
    Request {
        method: sent["method"].as_str().unwrap_or_default().to_string(),
        path: path.into(),
        query: query.into(),
        headers,
        body,
    }
}

/// Runs one botocore call (`spec`: service, operation, params, optional region/endpoint/s3),
/// answering with `respond`. `None` when botocore is unavailable (skipped).
pub fn botocore_call(spec: Value, respond: impl FnOnce(&Request) -> Response) -> Option<Call> {
    if !botocore_available() {
        return None;
    }
    let mut child = Command::new("python3")
        .arg(SCRIPT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start python3: {e}"));
    let mut stdin = child.stdin.take().unwrap_or_else(|| panic!("no stdin"));
    let mut stdout = BufReader::new(child.stdout.take().unwrap_or_else(|| panic!("no stdout")));
    let mut read = || -> Value {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap_or_else(|e| panic!("reading the driver: {e}"));
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("driver said {line:?}: {e}"))
    };
    writeln!(stdin, "{spec}").unwrap_or_else(|e| panic!("writing the driver: {e}"));
    stdin.flush().unwrap_or_else(|e| panic!("{e}"));
    let first = read();
    let Some(sent) = first.get("request") else { panic!("botocore did not send the request: {first}") };
    let request = to_request(sent);
    let response = respond(&request);
    let reply = json!({
        "status": response.status,
        "headers": response.headers,
        "body_b64": base64::engine::general_purpose::STANDARD.encode(&response.body),
    });
    writeln!(stdin, "{reply}").unwrap_or_else(|e| panic!("writing the driver: {e}"));
    stdin.flush().unwrap_or_else(|e| panic!("{e}"));
    let botocore = read();
    let _ = child.wait();
    if let Some(fatal) = botocore.get("fatal") {
        panic!("botocore failed on the response: {fatal}\nresponse: {response:?}");
    }
    Some(Call { request, response, botocore })
}

/// What the simulated operation answers.
pub enum Answer {
    /// Success with this output (hubsim JSON, member names).
    Ok(Value),
    /// This error.
    Err(AwsError),
}

/// Headers botocore adds on its own that the tests do not list in expected inputs.
const INCIDENTAL: &[&str] = &["ChecksumAlgorithm", "ContentMD5"];

/// The whole exchange for `service`/`operation`: botocore sends `params` (with `extra` merged
/// into the spec: region, s3 config), the codec must route to `operation` and parse exactly
/// `expected_input`, then answers `answer`; returns what botocore saw.
pub fn exchange(
    service: &str,
    operation: &str,
    params: Value,
    extra: Value,
    expected_input: Value,
    answer: Answer,
) -> Option<Call> {
    let mut spec = json!({"service": service, "operation": operation, "params": params});
    if let (Some(s), Some(e)) = (spec.as_object_mut(), extra.as_object()) {
        s.extend(e.clone());
    }
    botocore_call(spec, |req| {
        let model = hubsim_model::service(service).unwrap_or_else(|| panic!("no model {service}"));
        let codec = codec(&model.metadata.protocol).unwrap_or_else(|| panic!("no codec"));
        let op = codec.operation(model, req).unwrap_or_else(|| panic!("{operation}: no operation for {req:?}"));
        assert_eq!(op.name, operation, "routed {req:?}");
        let mut input =
            codec.parse(model, op, req).unwrap_or_else(|e| panic!("{operation}: parse failed: {e} for {req:?}"));
        if let Some(obj) = input.as_object_mut() {
            for k in INCIDENTAL {
                if expected_input.get(k).is_none() {
                    obj.remove(*k);
                }
            }
        }
        assert_eq!(input, expected_input, "{operation}: parsed input of {req:?}");
        match answer {
            Answer::Ok(output) => codec.serialize(model, op, &output, "REQ-1"),
            Answer::Err(e) => codec.error(model, Some(op), &e, "REQ-1"),
        }
    })
}
