//! AWS's wire protocols, one module each, all driven by the committed service models: a request
//! becomes the operation's input as JSON with botocore member names (what
//! [`hubsim_simulator::Simulator::call_json`] takes), and an output or an error becomes the
//! bytes a real client expects. No per-operation code lives here.

pub mod ec2;
pub mod json;
pub mod query;
mod rest;
pub mod rest_json;
pub mod rest_xml;

use std::borrow::Cow;

use hubsim_model::service_model::{OperationModel, ServiceModel};
use hubsim_simulator::AwsError;
use serde_json::Value;

/// An HTTP request as the protocols see it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, percent-encoded as received (`/my-bucket`, `/standards/controls/arn%3A...`).
    pub path: String,
    /// The raw query string without `?` (may be empty).
    pub query: String,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Request {
    /// The first header called `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// An HTTP response.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

/// Why a request could not be turned into an operation input. The protocol shapes it into its
/// own error format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct WireError {
    /// AWS error code (`MalformedXML`, `SerializationException`, `InvalidAction`, ...).
    pub code: String,
    /// Message.
    pub message: String,
    /// HTTP status.
    pub status: u16,
}

impl WireError {
    /// A 400 with `code`.
    pub fn bad(code: &str, message: impl Into<String>) -> Self {
        WireError { code: code.into(), message: message.into(), status: 400 }
    }
}

impl From<WireError> for AwsError {
    fn from(e: WireError) -> Self {
        AwsError::new(e.code, e.status, e.message)
    }
}

/// One protocol's codec. Implementations are unit structs; every method is driven by the model.
pub trait Codec: Sync {
    /// Which operation of `model` the request calls, if the protocol can tell (`Action=`,
    /// `X-Amz-Target`, method + path template).
    fn operation<'m>(&self, model: &'m ServiceModel, req: &Request) -> Option<&'m OperationModel>;

    /// The operation's input as JSON with botocore member names.
    fn parse(&self, model: &ServiceModel, op: &OperationModel, req: &Request) -> Result<Value, WireError>;

    /// The success response for `output` (JSON with botocore member names).
    fn serialize(&self, model: &ServiceModel, op: &OperationModel, output: &Value, request_id: &str) -> Response;

    /// The error response for `error`. `op` is known unless routing itself failed.
    fn error(&self, model: &ServiceModel, op: Option<&OperationModel>, error: &AwsError, request_id: &str) -> Response;
}

/// The codec for a model's `metadata.protocol`.
pub fn codec(protocol: &str) -> Option<&'static dyn Codec> {
    match protocol {
        "query" => Some(&query::Query),
        "ec2" => Some(&ec2::Ec2),
        "json" => Some(&json::Json),
        "rest-json" => Some(&rest_json::RestJson),
        "rest-xml" => Some(&rest_xml::RestXml),
        _ => None,
    }
}

/// Whether XML 1.0 can carry `c` at all, escaped or not (its `Char` production): tab, line
/// feed, carriage return and everything from U+0020 up except U+FFFE and U+FFFF.
pub(crate) fn xml_allows(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` with every character XML cannot carry (a NUL a client put in a name that an error
/// message echoes, say) replaced by U+FFFD, so that every XML body hubsim writes is
/// well-formed and the client can parse AWS's error from it.
pub(crate) fn xml_chars(text: &str) -> Cow<'_, str> {
    if text.chars().all(xml_allows) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().map(|c| if xml_allows(c) { c } else { '\u{FFFD}' }).collect())
    }
}
