//! Amazon CloudWatch: metric alarms (the CIS 3.x controls read them).
//!
//! Alarms are regional and stored under their name. hubsim never evaluates metrics, so an
//! alarm stays in `INSUFFICIENT_DATA` (the state AWS gives every new alarm) until it is
//! replaced or deleted.
//!
//! Choices hubsim makes where AWS is silent or unverified:
//! * `PutMetricAlarm` checks action ARNs for form only (service, region, account); it does not
//!   check that an SNS topic exists, as AWS does not either.
//! * `DeleteAlarms` ignores names that do not exist and answers success. The model lists
//!   `ResourceNotFound`, but AWS has been observed not to raise it for a missing alarm
//!   (aws-cloudformation/cloudformation-cli#456).
//! * Composite alarms are not modelled: `CompositeAlarms` is always empty.
//! * No quota on the number of alarms (`LimitExceeded` is never answered).

mod alarms;
mod validate;

use base64::Engine;
use hubsim_model::cloudwatch;
use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::Resource;

/// Registers CloudWatch's operations.
pub fn register(r: &mut Registrar) {
    alarms::register(r);
}

/// A metric alarm (stored under its name, in its region).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    /// The alarm as `DescribeAlarms` answers it.
    pub alarm: cloudwatch::MetricAlarm,
    /// The tags given when the alarm was created.
    #[serde(default)]
    pub tags: Vec<cloudwatch::Tag>,
}

impl Resource for Alarm {
    const KIND: &'static str = "cloudwatch:alarm";
}

/// The ARN of alarm `name` in `region` of `account`.
pub fn alarm_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:cloudwatch:{region}:{account}:alarm:{name}")
}

/// 400 `InvalidParameterValue` with `message`.
pub(crate) fn invalid_value(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidParameterValue", message)
}

/// 400 `InvalidParameterCombination` with `message`.
pub(crate) fn invalid_combination(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidParameterCombination", message)
}

/// 400 `MissingParameter` for `name`.
pub(crate) fn missing(name: &str) -> AwsError {
    AwsError::bad_request("MissingParameter", format!("The parameter {name} is required."))
}

/// The opaque `NextToken` that resumes a listing after alarm `name`.
pub(crate) fn next_token(name: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("after:{name}"))
}

/// The alarm name a `NextToken` resumes after; 400 `InvalidNextToken` for anything else.
pub(crate) fn token_name(token: &str) -> Result<String, AwsError> {
    let bad = || AwsError::bad_request("InvalidNextToken", "The service couldn't process the NextToken provided.");
    let bytes = base64::engine::general_purpose::STANDARD.decode(token).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    text.strip_prefix("after:").map(str::to_string).ok_or_else(bad)
}
