//! AWS Config: the customer managed configuration recorder and the delivery channel of each
//! region, which Config.1 and CIS 2.5 read.
//!
//! A region holds at most one recorder and one delivery channel. The recorder records only
//! once a delivery channel exists and `StartConfigurationRecorder` was called; the delivery
//! channel can be put only while a recorder exists, and its bucket policy must let Config
//! write (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html).

mod aggregators;
mod delivery_channels;
mod recorders;
mod status;

use hubsim_model::{config, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::Resource;
use crate::Ctx;

/// Registers AWS Config's operations.
pub fn register(r: &mut Registrar) {
    recorders::register(r);
    delivery_channels::register(r);
    status::register(r);
    aggregators::register(r);
}

/// The region's customer managed configuration recorder, stored under its name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recorder {
    /// The recorder as `DescribeConfigurationRecorders` shows it (defaults filled in, ARN set).
    pub recorder: config::ConfigurationRecorder,
    /// Whether it is recording.
    #[serde(default)]
    pub recording: bool,
    /// When it was last started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_start: Option<Timestamp>,
    /// When it was last stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_stop: Option<Timestamp>,
    /// When its recording status last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status_change: Option<Timestamp>,
    /// Tags given at creation (Config ignores tags on later puts).
    #[serde(default)]
    pub tags: Vec<config::Tag>,
}

impl Resource for Recorder {
    const KIND: &'static str = "config:configuration-recorder";
}

/// The region's delivery channel, stored under its name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    /// The channel as `DescribeDeliveryChannels` shows it.
    pub channel: config::DeliveryChannel,
    /// When it was first put (deliveries happen only after the recorder starts later).
    pub created: Timestamp,
}

impl Resource for Channel {
    const KIND: &'static str = "config:delivery-channel";
}

/// The recorder of the call's region, if there is one.
pub fn recorder(ctx: &Ctx<'_>) -> Result<Option<Recorder>, AwsError> {
    Ok(ctx.list::<Recorder>()?.into_iter().next().map(|(_, r)| r))
}

/// The delivery channel of the call's region, if there is one.
pub fn delivery_channel(ctx: &Ctx<'_>) -> Result<Option<Channel>, AwsError> {
    Ok(ctx.list::<Channel>()?.into_iter().next().map(|(_, c)| c))
}

/// `NoSuchConfigurationRecorderException` for `name`.
pub(crate) fn no_such_recorder(name: &str) -> AwsError {
    AwsError::bad_request(
        "NoSuchConfigurationRecorderException",
        format!("Cannot find configuration recorder with the specified name '{name}'."),
    )
}

/// `NoSuchDeliveryChannelException` for `name`.
pub(crate) fn no_such_channel(name: &str) -> AwsError {
    AwsError::bad_request(
        "NoSuchDeliveryChannelException",
        format!("Cannot find delivery channel with specified name '{name}'."),
    )
}

/// Reads the recorder `name` or answers `NoSuchConfigurationRecorderException`.
pub(crate) fn recorder_named(ctx: &Ctx<'_>, name: &str) -> Result<Recorder, AwsError> {
    ctx.get::<Recorder>(name)?.ok_or_else(|| no_such_recorder(name))
}

/// The `ValidationException` Config answers for a value outside an enum.
pub(crate) fn not_in_enum(value: &str, path: &str, allowed: &[&str]) -> AwsError {
    AwsError::bad_request(
        "ValidationException",
        format!(
            "1 validation error detected: Value '{value}' at '{path}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            allowed.join(", ")
        ),
    )
}
