//! The `rest_json` protocol. (Being implemented.)

use hubsim_model::service_model::{OperationModel, ServiceModel};
use hubsim_simulator::AwsError;
use serde_json::Value;

use super::{Codec, Request, Response, WireError};

/// The `rest_json` codec.
pub struct RestJson;

impl Codec for RestJson {
    fn operation<'m>(&self, _model: &'m ServiceModel, _req: &Request) -> Option<&'m OperationModel> {
        None
    }

    fn parse(&self, _model: &ServiceModel, op: &OperationModel, _req: &Request) -> Result<Value, WireError> {
        Err(WireError { code: "NotImplemented".into(), message: format!("{} is not served yet", op.name), status: 501 })
    }

    fn serialize(&self, _model: &ServiceModel, _op: &OperationModel, _output: &Value, _request_id: &str) -> Response {
        Response { status: 501, ..Default::default() }
    }

    fn error(
        &self,
        _model: &ServiceModel,
        _op: Option<&OperationModel>,
        _error: &AwsError,
        _request_id: &str,
    ) -> Response {
        Response { status: 501, ..Default::default() }
    }
}
