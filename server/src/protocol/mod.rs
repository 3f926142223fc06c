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

/// Why a request could not be turned into an operation input (shared with the client in
/// `hubsim-wire`). The protocol shapes it into its own error format.
pub use hubsim_wire::WireError;

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

pub(crate) use hubsim_wire::{xml_allows, xml_chars};
