//! The HTTP/1.1 server (hyper 1 on a current-thread tokio runtime): keep-alive,
//! `Expect: 100-continue` (hyper answers it when the body is first read), absolute-form request
//! targets and a body size limit. The simulator serializes access itself, so no caller ever
//! sees "database is locked". Before a body is read, [`crate::guard`] refuses web pages; a
//! semaphore caps the connections (a 503 beyond), hyper's header read timeout closes idle and
//! half-sent ones, and a timeout bounds the body; with `--verify-signatures` the SigV4 signature
//! is checked ([`crate::signature`]) once the body is in.
//!
//! Where a call runs: most AWS calls are a few indexed reads and writes (tens of microseconds),
//! answered on the thread that parsed the request — handing them to another thread would cost
//! more than the call, and the simulator runs one call at a time anyway (a second I/O thread
//! measured no faster on 2 cores). Calls that may take long (Security Hub's, which can re-run
//! the controls; the admin routes) go to the blocking pool so they never stall the I/O thread.

use std::convert::Infallible;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hubsim_simulator::AwsError;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::Semaphore;

use crate::protocol::{self, Request, Response};
use crate::{admin, guard, route, signature, State};

/// Bodies larger than this are refused with 413 (20 MiB).
pub const DEFAULT_BODY_LIMIT: usize = 20 * 1024 * 1024;

/// How many connections are served at once by default: below the usual limit of 1,024 open
/// descriptors, with room for the database's files.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// How long a connection may take to send a request's head (the wait for the next request on
/// an idle keep-alive connection included) and, separately, its body, by default.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Connections beyond the cap that are still told why (503) rather than closed at once.
const BUSY_ANSWERS: usize = 64;

/// How long a connection beyond the cap may take to send the request it is refused.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Serves `listener` forever on a new current-thread runtime. Returns only if the runtime
/// cannot be built or the listener cannot be registered with it.
pub fn run(listener: std::net::TcpListener, state: Arc<State>) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        serve(listener, state).await
    })
}

/// Accepts connections on `listener` and serves each on its own task, at most
/// `State::max_connections` at once. A connection beyond them gets a 503 that names the cap and
/// is closed (or, when even 64 of those are waiting, is closed at once).
pub async fn serve(listener: tokio::net::TcpListener, state: Arc<State>) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(state.max_connections));
    let busy_slots = Arc::new(Semaphore::new(BUSY_ANSWERS));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Running out of descriptors is transient: wait a little rather than stop serving.
                eprintln!("hubsim: accept failed: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        if let Ok(slot) = slots.clone().try_acquire_owned() {
            tokio::spawn(async move {
                let timeout = state.idle_timeout;
                let service = service_fn(move |req| {
                    let state = state.clone();
                    async move { Ok::<_, Infallible>(answer(state, req).await) }
                });
                // A client that goes away mid-request is not the server's problem.
                let _ = connection(timeout).keep_alive(true).serve_connection(TokioIo::new(stream), service).await;
                drop(slot);
            });
        } else if let Ok(slot) = busy_slots.clone().try_acquire_owned() {
            tokio::spawn(async move {
                let timeout = BUSY_TIMEOUT.min(state.idle_timeout);
                let service = service_fn(move |req| {
                    let state = state.clone();
                    async move { Ok::<_, Infallible>(convert(busy(&state, &req))) }
                });
                let _ = connection(timeout).keep_alive(false).serve_connection(TokioIo::new(stream), service).await;
                drop(slot);
            });
        }
        // Otherwise the stream is dropped here: closed at once.
    }
}

/// hyper's HTTP/1 settings: the request head (and the wait for it on an idle connection) must
/// arrive within `timeout`, or the connection is closed.
fn connection(timeout: Duration) -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(timeout);
    builder
}

/// The answer to every request on a connection beyond the cap: 503, `Connection: close`.
fn busy(state: &State, req: &hyper::Request<Incoming>) -> Response {
    let request = head_of(req.method(), req.uri(), req.headers());
    let message = format!(
        "hubsim serves at most {} connections at once and all are in use; close idle ones or start hubsim with a \
         larger --max-connections",
        state.max_connections
    );
    let mut response = if request.path.starts_with(admin::PREFIX) {
        admin::error(503, message)
    } else {
        aws_error(&request, &AwsError::new("ServiceUnavailable", 503, message), &state.next_request_id())
    };
    response.headers.push(("Connection".into(), "close".into()));
    response
}

/// Converts hyper's request, answers it, converts the answer back; with the request log on,
/// prints its line once the answer is ready.
async fn answer(state: Arc<State>, req: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let request = head_of(&parts.method, &parts.uri, &parts.headers);
    let entry = state.request_log.then(|| crate::request_log::Entry::start(&request));
    let response = answer_request(&state, request, parts.uri.authority().map(|a| a.as_str()), body).await;
    if let Some(entry) = entry {
        eprintln!("{}", entry.line(&response));
    }
    convert(response)
}

/// Answers one request: the guard first, then CORS, then the call.
async fn answer_request(state: &Arc<State>, request: Request, authority: Option<&str>, body: Incoming) -> Response {
    let request_id = state.next_request_id();
    // Who may talk to hubsim is settled on the headers alone: nothing is read or run for a
    // request that is refused.
    if let Err(refusal) = state.guard.check(&request, authority) {
        return refused(&request, &refusal, &request_id);
    }
    // The guard let any Origin through only if it was allowed: its page may read the answer.
    let origin = request.header("origin").map(str::to_string);
    if let Some(origin) = &origin {
        if request.method == "OPTIONS" && request.header("access-control-request-method").is_some() {
            return preflight(&request, origin);
        }
    }
    let mut response = respond(state, request, body, &request_id).await;
    if let Some(origin) = &origin {
        allow_reading(&mut response, origin);
    }
    response
}

/// Reads the body, checks the signature when asked to, and answers.
async fn respond(state: &Arc<State>, mut request: Request, body: Incoming, request_id: &str) -> Response {
    let request_id = request_id.to_string();
    let declared = request.header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
    let limit = state.body_limit;
    let too_large = declared.is_some_and(|n| n > limit as u64);
    if !too_large {
        let Ok(collected) = tokio::time::timeout(state.idle_timeout, Limited::new(body, limit).collect()).await else {
            return body_timeout(&request, state.idle_timeout, &request_id);
        };
        match collected {
            Ok(collected) => request.body = collected.to_bytes().to_vec(),
            Err(e) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
                return entity_too_large(&request, limit, &request_id);
            }
            Err(e) => {
                let error = AwsError::bad_request("IncompleteBody", format!("The request body could not be read: {e}"));
                return aws_error(&request, &error, &request_id);
            }
        }
    } else {
        return entity_too_large(&request, limit, &request_id);
    }
    if let Some(keys) = &state.keys {
        // A malformed signature is answered by the router as it always is; the health check
        // stays open to container health probes.
        let health = request.path == "/_hubsim/health" && matches!(request.method.as_str(), "GET" | "HEAD");
        if !health && crate::auth::inspect(&request).is_ok() {
            if let Err(unverified) = signature::verify(keys, &request) {
                return unverified_answer(&request, &unverified, &request_id);
            }
        }
    }
    if request.path.starts_with(admin::PREFIX) {
        let state = state.clone();
        blocking(move || admin::handle(&state, &request)).await
    } else {
        match route::prepare(&request, &request_id) {
            Err(response) => response,
            Ok(call) if call.may_take_long() => {
                let state = state.clone();
                blocking(move || state.with_sim(|sim| call.execute(sim, &request_id, Some(&state)))).await
            }
            Ok(call) => inline(|| state.with_sim(|sim| call.execute(sim, &request_id, Some(state)))),
        }
    }
}

/// The answer to a CORS preflight from an allowed origin: whatever it asks
/// (https://fetch.spec.whatwg.org/#http-cors-protocol).
fn preflight(req: &Request, origin: &str) -> Response {
    let mut headers = vec![
        ("Access-Control-Allow-Origin".to_string(), origin.to_string()),
        ("Access-Control-Allow-Methods".into(), "GET, HEAD, POST, PUT, DELETE, PATCH".into()),
        ("Access-Control-Max-Age".into(), "600".into()),
        ("Vary".into(), "Origin".into()),
    ];
    if let Some(asked) = req.header("access-control-request-headers") {
        headers.push(("Access-Control-Allow-Headers".into(), asked.to_string()));
    }
    Response { status: 204, headers, body: Vec::new() }
}

/// Lets the page of an allowed origin read `response`.
fn allow_reading(response: &mut Response, origin: &str) {
    response.headers.push(("Access-Control-Allow-Origin".into(), origin.to_string()));
    response.headers.push(("Access-Control-Expose-Headers".into(), "*".into()));
    response.headers.push(("Vary".into(), "Origin".into()));
}

/// A request without its body, as the protocols see it.
fn head_of(method: &hyper::Method, uri: &hyper::Uri, headers: &hyper::HeaderMap) -> Request {
    Request {
        method: method.as_str().to_string(),
        // For absolute-form targets (`POST http://host/path`), the URI still splits cleanly.
        path: uri.path().to_string(),
        query: uri.query().unwrap_or("").to_string(),
        headers: headers
            .iter()
            // hyper's header names are lower-case already.
            .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body: Vec::new(),
    }
}

/// Runs simulator work on the blocking pool; a panic in it becomes a 500, not a dropped
/// connection.
async fn blocking(f: impl FnOnce() -> Response + Send + 'static) -> Response {
    match tokio::task::spawn_blocking(f).await {
        Ok(response) => response,
        Err(e) => internal_failure(&e.to_string()),
    }
}

/// Runs short simulator work right here; a panic in it becomes a 500, not a dropped connection.
fn inline(f: impl FnOnce() -> Response) -> Response {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        internal_failure(&what)
    })
}

fn internal_failure(what: &str) -> Response {
    Response {
        status: 500,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: serde_json::json!({"__type": "InternalFailure", "message": format!("hubsim failed: {what}")})
            .to_string()
            .into_bytes(),
    }
}

/// An error shaped as the service the request is for would shape it (JSON when unknown).
fn aws_error(req: &Request, error: &AwsError, request_id: &str) -> Response {
    if let Ok(target) = route::resolve(req) {
        if let (Some(model), Some(codec)) = (hubsim_model::service(target.service), protocol::codec(target.protocol)) {
            return codec.error(model, None, error, request_id);
        }
    }
    Response {
        status: error.status,
        headers: vec![
            ("Content-Type".into(), "application/x-amz-json-1.1".into()),
            ("x-amzn-RequestId".into(), request_id.to_string()),
        ],
        body: serde_json::json!({"__type": error.code, "message": error.message}).to_string().into_bytes(),
    }
}

/// The answer to a request the guard refused: the admin routes' JSON error, or the error the
/// request's service would answer (`AccessDenied`, or `AccessDeniedException` for the JSON
/// protocols), 403 (415 for an admin request's content type). The body is left unread, so the
/// connection closes.
fn refused(req: &Request, refusal: &guard::Refusal, request_id: &str) -> Response {
    let mut response = if req.path.starts_with(admin::PREFIX) {
        admin::error(refusal.status(), refusal.to_string())
    } else {
        let code = match route::resolve(req).map(|t| t.protocol) {
            Ok("json" | "rest-json") => "AccessDeniedException",
            _ => "AccessDenied",
        };
        aws_error(req, &AwsError::new(code, refusal.status(), refusal.to_string()), request_id)
    };
    response.headers.push(("Connection".into(), "close".into()));
    response
}

/// The answer to a body that did not arrive in time: S3's `RequestTimeout` (400), in every
/// service's shape (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
fn body_timeout(req: &Request, timeout: Duration, request_id: &str) -> Response {
    let error = AwsError::bad_request(
        "RequestTimeout",
        format!(
            "Your socket connection to the server was not read from or written to within the timeout period: the \
             body did not arrive within {} seconds (hubsim serve --idle-timeout)",
            timeout.as_secs()
        ),
    );
    let mut response = aws_error(req, &error, request_id);
    response.headers.push(("Connection".into(), "close".into()));
    response
}

/// The answer to a request whose signature was not verified: the error its service answers
/// (see [`signature::error`]), or for an admin route `{"error": ...}` with 403.
fn unverified_answer(req: &Request, unverified: &signature::Unverified, request_id: &str) -> Response {
    let mut response = if req.path.starts_with(admin::PREFIX) {
        admin::error(
            403,
            format!(
                "{unverified}: while hubsim verifies signatures, admin requests are signed too \
                 (e.g. curl --aws-sigv4 aws:amz:us-east-1:hubsim --user KEY:SECRET)"
            ),
        )
    } else {
        match route::resolve(req) {
            Ok(target) => {
                let (error, extra) = signature::error(unverified, target.protocol);
                match (hubsim_model::service(target.service), protocol::codec(target.protocol)) {
                    (Some(model), _) if target.protocol == "rest-xml" => {
                        protocol::rest_xml::error_with(model, None, &error, request_id, &extra)
                    }
                    (Some(model), Some(codec)) => codec.error(model, None, &error, request_id),
                    _ => aws_error(req, &error, request_id),
                }
            }
            Err(_) => aws_error(req, &signature::error(unverified, "query").0, request_id),
        }
    };
    if req.method == "HEAD" {
        response.body.clear();
    }
    response
}

fn entity_too_large(req: &Request, limit: usize, request_id: &str) -> Response {
    let error = AwsError::new(
        "RequestEntityTooLarge",
        413,
        format!("The request body is larger than hubsim accepts ({limit} bytes)"),
    );
    let mut response = aws_error(req, &error, request_id);
    // The unread body makes the connection unusable for another request.
    response.headers.push(("Connection".into(), "close".into()));
    response
}

fn convert(response: Response) -> hyper::Response<Full<Bytes>> {
    let mut builder = hyper::Response::builder().status(response.status);
    for (k, v) in &response.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    builder.body(Full::new(Bytes::from(response.body))).unwrap_or_else(|e| {
        // Only a header a codec built badly gets here.
        let mut fallback =
            hyper::Response::new(Full::new(Bytes::from(format!("hubsim built an invalid response: {e}"))));
        *fallback.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
        fallback
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_an_inline_call_becomes_a_500_naming_it() {
        let response = inline(|| panic!("handler bug"));
        assert_eq!(response.status, 500);
        assert!(String::from_utf8_lossy(&response.body).contains("handler bug"));
        let fine = inline(|| Response { status: 200, ..Response::default() });
        assert_eq!(fine.status, 200);
    }
}
