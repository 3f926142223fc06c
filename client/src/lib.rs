//! [`HttpApi`]: [`hubsim_api::AwsApi`] over HTTP, so the evaluator's typed calls reach any
//! endpoint that speaks AWS's wire protocols (`hubsim serve`, moto, AWS itself).
//!
//! - [`request`] builds an operation's request from its input and the committed model (query,
//!   ec2, json 1.0/1.1, rest-json, rest-xml), [`response`] reads the output or AWS's error back;
//!   both share the server's model walkers through `hubsim-wire`.
//! - [`transport`] signs with SigV4 (AWS's `aws-sigv4` crate), sends with a blocking `ureq`
//!   agent (rustls for real AWS endpoints), retries throttling and 5xx answers with
//!   exponential backoff and full jitter, and bounds every attempt by a timeout.
//! - [`read_only`]: the client sends only operations that read; anything else is refused
//!   before a byte leaves ([`REFUSED`]).
//! - [`config`]: credentials, region and endpoints from the environment and the shared files.
//!
//! Pagination stays the callers' business, as with the in-process API: the checks follow
//! `NextToken`/`Marker` themselves.

pub mod config;
pub mod read_only;
pub mod request;
pub mod response;
pub mod transport;

use hubsim_api::{AwsApi, AwsError};
use hubsim_model::Operation;
use thiserror::Error;

pub use config::{ConfigError, Credentials, Sources};
pub use transport::{Retry, Transport};

/// The code of a call the client refuses to send because it is not read-only.
pub const REFUSED: &str = "ReadOnlyClient";

/// Why a request could not be built.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ClientError {
    /// The model has something the client does not implement.
    #[error("not supported: {0}")]
    Unsupported(String),
    /// The input lacks what the request needs (a URI label).
    #[error("{0}")]
    Input(String),
}

impl From<ClientError> for AwsError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Unsupported(m) => AwsError::new("NotImplemented", 501, m),
            ClientError::Input(m) => AwsError::bad_request("MissingParameter", m),
        }
    }
}

/// The AWS API over HTTP, read-only.
#[derive(Debug)]
pub struct HttpApi {
    transport: Transport,
}

impl HttpApi {
    /// A client sending through `transport`.
    pub fn new(transport: Transport) -> HttpApi {
        HttpApi { transport }
    }

    /// The transport (endpoints, retries, timeouts).
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// Calls `service:operation` with `input` as JSON (botocore member names): what
    /// [`AwsApi::call`] does once the input is serialized.
    pub fn call_json(
        &self,
        region: &str,
        service: &str,
        operation: &str,
        input: &serde_json::Value,
    ) -> Result<serde_json::Value, AwsError> {
        if !read_only::is_read_only(service, operation) {
            return Err(AwsError::new(
                REFUSED,
                403,
                format!("hubsim's client is read-only and does not send {service}:{operation}"),
            ));
        }
        let model = hubsim_model::service(service)
            .ok_or_else(|| AwsError::new("NotImplemented", 501, format!("no model of the service {service}")))?;
        let op = model.operation(operation).ok_or_else(|| {
            AwsError::new("NotImplemented", 501, format!("the model of {service} has no operation {operation}"))
        })?;
        let req = request::build(model, op, input)?;
        let resp = self.transport.send(model, region, &req)?;
        response::output(model, op, &resp)
    }
}

impl AwsApi for HttpApi {
    fn call<O: Operation>(&self, region: &str, input: O::Input) -> Result<O::Output, AwsError> {
        let input = serde_json::to_value(&input)
            .map_err(|e| AwsError::internal(format!("{}:{} input does not serialize: {e}", O::SERVICE, O::NAME)))?;
        let output = self.call_json(region, O::SERVICE, O::NAME, &input)?;
        serde_json::from_value(output).map_err(|e| {
            AwsError::new(
                response::UNEXPECTED,
                200,
                format!("{}:{} answer does not fit the model's output: {e}", O::SERVICE, O::NAME),
            )
        })
    }
}
