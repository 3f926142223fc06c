//! Sending a request: the endpoint for the service and region, SigV4 signing with AWS's
//! `aws-sigv4` crate, a blocking `ureq` agent with a timeout per attempt, and retries of
//! throttling and server errors with exponential backoff and full jitter (AWS's "standard"
//! retry behaviour, https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
//!
//! A failure that is not AWS's answer gets a code of its own, so a caller can say what went
//! wrong: [`UNREACHABLE`] (nobody listens, DNS, TLS), [`TIMEOUT`] (no whole answer in time).

use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::{sign, PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use hubsim_api::AwsError;
use hubsim_model::service_model::ServiceModel;

use crate::config::{ConfigError, Credentials, Sources};
use crate::request::HttpRequest;
use crate::response::{self, HttpResponse};

/// The code of a call whose endpoint could not be reached.
pub const UNREACHABLE: &str = "EndpointUnreachable";
/// The code of a call that got no whole answer within the timeout.
pub const TIMEOUT: &str = "RequestTimeout";

/// The largest answer read (a page of findings is a few MB).
const MAX_BODY: u64 = 64 * 1024 * 1024;

/// AWS's throttling codes (botocore's `_retry.json` and the SDKs' standard retry mode).
const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// How failed attempts are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Attempts in all, the first included (at least 1).
    pub attempts: u32,
    /// The first backoff's ceiling; each retry doubles it.
    pub base: Duration,
    /// The largest backoff.
    pub cap: Duration,
}

impl Default for Retry {
    /// Three attempts, backoff up to 0.5 s then 1 s (jittered), capped at 20 s.
    fn default() -> Self {
        Retry { attempts: 3, base: Duration::from_millis(500), cap: Duration::from_secs(20) }
    }
}

impl Retry {
    /// The sleep before retry number `retry` (0 for the first): uniform in
    /// `[0, min(cap, base × 2^retry)]`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.base.saturating_mul(1u32.checked_shl(retry.min(30)).unwrap_or(u32::MAX)).min(self.cap);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// Whether an answer is worth another attempt: throttled or a server fault.
pub fn retryable(status: u16, code: &str) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504) || THROTTLING.contains(&code)
}

/// Endpoints, credentials, timeout and retries: everything needed to send.
pub struct Transport {
    /// An endpoint for every service (`--endpoint`), beating the configured ones.
    endpoint: Option<String>,
    sources: Sources,
    profile: Option<String>,
    credentials: Credentials,
    timeout: Duration,
    retry: Retry,
    agent: ureq::Agent,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("endpoint", &self.endpoint)
            .field("profile", &self.profile)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// A transport reading credentials and endpoints from `sources` (the named `profile`, if
    /// any), sending every service to `endpoint` when one is given.
    pub fn new(sources: Sources, profile: Option<String>, endpoint: Option<&str>) -> Result<Transport, ConfigError> {
        let credentials = sources.credentials(profile.as_deref())?;
        let endpoint = endpoint.map(crate::config::checked_endpoint).transpose()?;
        let mut transport = Transport {
            endpoint,
            sources,
            profile,
            credentials,
            timeout: Duration::from_secs(30),
            retry: Retry::default(),
            agent: ureq::Agent::new_with_defaults(),
        };
        transport.agent = transport.build_agent();
        Ok(transport)
    }

    /// The same transport with `timeout` per attempt (default 30 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Transport {
        self.timeout = timeout;
        self.agent = self.build_agent();
        self
    }

    /// The same transport with `retry` (default [`Retry::default`]).
    pub fn with_retry(mut self, retry: Retry) -> Transport {
        self.retry = Retry { attempts: retry.attempts.max(1), ..retry };
        self
    }

    fn build_agent(&self) -> ureq::Agent {
        ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(concat!("hubsim/", env!("CARGO_PKG_VERSION")))
            .build()
            .into()
    }

    /// The base URL for `model` in `region` and the region to sign for.
    pub fn endpoint(
        &self,
        model: &ServiceModel,
        region: &str,
        req: &HttpRequest,
    ) -> Result<(String, String), AwsError> {
        let configured = match &self.endpoint {
            Some(e) => Some(e.clone()),
            None => {
                let id = model.metadata.service_id.as_deref().unwrap_or(&model.metadata.endpoint_prefix);
                self.sources
                    .endpoint(id, self.profile.as_deref())
                    .map_err(|e| AwsError::bad_request("InvalidEndpoint", e.to_string()))?
            }
        };
        if let Some(url) = configured {
            return Ok((url, region.to_string()));
        }
        // AWS's own hosts (https://docs.aws.amazon.com/general/latest/gr/rande.html).
        let prefix = model.metadata.endpoint_prefix.as_str();
        Ok(match prefix {
            "iam" => ("https://iam.amazonaws.com".into(), "us-east-1".into()),
            "organizations" => ("https://organizations.us-east-1.amazonaws.com".into(), "us-east-1".into()),
            "s3-control" => {
                let account = req.header("x-amz-account-id").unwrap_or_default();
                (format!("https://{account}.s3-control.{region}.amazonaws.com"), region.into())
            }
            _ => (format!("https://{prefix}.{region}.amazonaws.com"), region.into()),
        })
    }

    /// Sends `req` for `model` in `region`, retrying as [`Retry`] says; a non-2xx answer
    /// that is not retried becomes AWS's error.
    pub fn send(&self, model: &ServiceModel, region: &str, req: &HttpRequest) -> Result<HttpResponse, AwsError> {
        let (base, signing_region) = self.endpoint(model, region, req)?;
        let mut retry = 0;
        loop {
            let last = retry + 1 >= self.retry.attempts;
            match self.attempt(model, &base, &signing_region, req) {
                Ok(resp) if (200..300).contains(&resp.status) => return Ok(resp),
                Ok(resp) => {
                    let error = response::error(model, &resp);
                    if last || !retryable(error.status, &error.code) {
                        return Err(error);
                    }
                }
                Err((error, transient)) => {
                    if last || !transient {
                        return Err(error);
                    }
                }
            }
            std::thread::sleep(self.retry.backoff(retry));
            retry += 1;
        }
    }

    /// One attempt; an error that is not an answer says whether it is worth retrying.
    fn attempt(
        &self,
        model: &ServiceModel,
        base: &str,
        signing_region: &str,
        req: &HttpRequest,
    ) -> Result<HttpResponse, (AwsError, bool)> {
        let url = if req.query.is_empty() {
            format!("{base}{}", req.path)
        } else {
            format!("{base}{}?{}", req.path, req.query)
        };
        let host = base.split_once("://").map(|(_, rest)| rest).unwrap_or(base).split('/').next().unwrap_or_default();
        let mut headers: Vec<(String, String)> = req.headers.clone();
        headers.push(("host".into(), host.to_string()));
        let signing_name = model.signing_name();
        let signed = self.sign(signing_name, signing_region, &req.method, &url, &headers, &req.body).map_err(|m| {
            (AwsError::new("SigningFailed", 0, format!("could not sign the request to {url}: {m}")), false)
        })?;
        headers.extend(signed);
        let mut builder = ureq::http::Request::builder().method(req.method.as_str()).uri(&url);
        for (k, v) in &headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        let sent = if req.body.is_empty() {
            builder.body(()).map(|r| self.agent.run(r))
        } else {
            builder.body(req.body.clone()).map(|r| self.agent.run(r))
        };
        let result = sent.map_err(|e| (AwsError::new("InvalidRequest", 0, format!("{url}: {e}")), false))?;
        let mut resp = result.map_err(|e| self.transport_error(&url, e))?;
        let status = resp.status().as_u16();
        let resp_headers = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let body = if req.method == "HEAD" {
            Vec::new()
        } else {
            resp.body_mut().with_config().limit(MAX_BODY).read_to_vec().map_err(|e| self.transport_error(&url, e))?
        };
        Ok(HttpResponse { status, headers: resp_headers, body })
    }

    fn transport_error(&self, url: &str, e: ureq::Error) -> (AwsError, bool) {
        match e {
            ureq::Error::Timeout(_) => {
                (AwsError::new(TIMEOUT, 0, format!("{url} gave no whole answer within {:?}", self.timeout)), false)
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                (AwsError::new(TIMEOUT, 0, format!("{url} gave no whole answer within {:?}", self.timeout)), false)
            }
            ureq::Error::Io(io) => {
                use std::io::ErrorKind::*;
                let transient = matches!(io.kind(), ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof);
                (AwsError::new(UNREACHABLE, 0, format!("could not reach {url}: {io}")), transient)
            }
            ureq::Error::BodyExceedsLimit(n) => {
                (AwsError::new(response::UNEXPECTED, 0, format!("{url} answered more than {n} bytes")), false)
            }
            other => (AwsError::new(UNREACHABLE, 0, format!("could not reach {url}: {other}")), false),
        }
    }

    /// The SigV4 headers for a request (`authorization`, `x-amz-date`, the session token and,
    /// for S3, `x-amz-content-sha256`).
    fn sign(
        &self,
        signing_name: &str,
        region: &str,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<Vec<(String, String)>, String> {
        let c = &self.credentials;
        let identity = aws_credential_types::Credentials::new(
            c.access_key_id.clone(),
            c.secret_access_key.clone(),
            c.session_token.clone(),
            None,
            "hubsim",
        )
        .into();
        let mut settings = SigningSettings::default();
        if matches!(signing_name, "s3" | "s3-control" | "s3control") {
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        }
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(region)
            .name(signing_name)
            .time(SystemTime::now())
            .settings(settings)
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let signable = SignableRequest::new(
            method,
            url,
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SignableBody::Bytes(body),
        )
        .map_err(|e| e.to_string())?;
        let (instructions, _) = sign(signable, &params).map_err(|e| e.to_string())?.into_parts();
        Ok(instructions.headers().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_the_cap_and_is_jittered() {
        let r = Retry { attempts: 5, base: Duration::from_millis(100), cap: Duration::from_millis(300) };
        for _ in 0..50 {
            assert!(r.backoff(0) <= Duration::from_millis(100));
            assert!(r.backoff(1) <= Duration::from_millis(200));
            assert!(r.backoff(5) <= Duration::from_millis(300));
            assert!(r.backoff(40) <= Duration::from_millis(300), "no overflow");
        }
        let samples: std::collections::BTreeSet<Duration> = (0..20).map(|_| r.backoff(3)).collect();
        assert!(samples.len() > 10, "full jitter spreads the sleeps");
    }

    #[test]
    fn what_is_retried() {
        assert!(retryable(400, "ThrottlingException"));
        assert!(retryable(503, "SlowDown"));
        assert!(retryable(500, "InternalFailure"));
        assert!(retryable(429, "TooManyRequests"));
        assert!(!retryable(403, "AccessDenied"));
        assert!(!retryable(404, "NoSuchBucket"));
        assert!(!retryable(400, "ValidationException"));
    }
}
