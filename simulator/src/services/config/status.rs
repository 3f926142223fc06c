//! Recording state: StartConfigurationRecorder, StopConfigurationRecorder,
//! DescribeConfigurationRecorderStatus, DescribeDeliveryChannelStatus.
//!
//! Status values are upper case (`SUCCESS`, `NOT_APPLICABLE`) although the model's enums say
//! `Success`/`NotApplicable`: the AWS CLI reference examples for both Describe…Status calls
//! show `"lastStatus": "SUCCESS"`, and scripts written against real accounts compare with
//! `'SUCCESS'`. botocore does not check response enums, so both spellings parse.

use hubsim_model::{config, Empty};

use super::{delivery_channel, recorder, recorder_named, Channel, Recorder};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<config::StartConfigurationRecorder>()
        .add::<config::StopConfigurationRecorder>()
        .add::<config::DescribeConfigurationRecorderStatus>()
        .add::<config::DescribeDeliveryChannelStatus>();
}

const SUCCESS: &str = "SUCCESS";
const NOT_APPLICABLE: &str = "NOT_APPLICABLE";

impl Handler for config::StartConfigurationRecorder {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: config::StartConfigurationRecorderRequest) -> Result<Empty, AwsError> {
        let name = input.configuration_recorder_name;
        let mut rec = recorder_named(ctx, &name)?;
        if delivery_channel(ctx)?.is_none() {
            return Err(AwsError::bad_request(
                "NoAvailableDeliveryChannelException",
                "Delivery channel is not available to start configuration recorder.",
            ));
        }
        if !rec.recording {
            let now = ctx.now();
            rec.recording = true;
            rec.last_start = Some(now);
            rec.last_status_change = Some(now);
            ctx.put(&name, &rec)?;
        }
        Ok(Empty {})
    }
}

impl Handler for config::StopConfigurationRecorder {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: config::StopConfigurationRecorderRequest) -> Result<Empty, AwsError> {
        let name = input.configuration_recorder_name;
        let mut rec = recorder_named(ctx, &name)?;
        if rec.recording {
            let now = ctx.now();
            rec.recording = false;
            rec.last_stop = Some(now);
            rec.last_status_change = Some(now);
            ctx.put(&name, &rec)?;
        }
        Ok(Empty {})
    }
}

fn recorder_status(r: Recorder) -> config::ConfigurationRecorderStatus {
    config::ConfigurationRecorderStatus {
        arn: r.recorder.arn,
        name: r.recorder.name,
        last_start_time: r.last_start,
        last_stop_time: r.last_stop,
        recording: Some(r.recording),
        // A recorder that never started has processed no recording event yet.
        last_status: r.last_start.map(|_| SUCCESS.to_string()),
        last_status_change_time: r.last_status_change,
        ..Default::default()
    }
}

impl Handler for config::DescribeConfigurationRecorderStatus {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: config::DescribeConfigurationRecorderStatusRequest,
    ) -> Result<config::DescribeConfigurationRecorderStatusResponse, AwsError> {
        let recorders =
            super::recorders::select(ctx, input.configuration_recorder_names, input.arn, input.service_principal)?;
        Ok(config::DescribeConfigurationRecorderStatusResponse {
            configuration_recorders_status: Some(recorders.into_iter().map(recorder_status).collect()),
        })
    }
}

/// A channel has delivered once the recorder was started after the channel was put.
fn channel_status(c: Channel, rec: Option<&Recorder>) -> config::DeliveryChannelStatus {
    let delivered = rec.and_then(|r| r.last_start).filter(|start| *start >= c.created);
    let export = |delivered: Option<hubsim_model::Timestamp>| match delivered {
        Some(at) => config::ConfigExportDeliveryInfo {
            last_status: Some(SUCCESS.into()),
            last_attempt_time: Some(at),
            last_successful_time: Some(at),
            ..Default::default()
        },
        None => config::ConfigExportDeliveryInfo { last_status: Some(NOT_APPLICABLE.into()), ..Default::default() },
    };
    let stream = match delivered {
        Some(at) => config::ConfigStreamDeliveryInfo {
            last_status: Some(SUCCESS.into()),
            last_status_change_time: Some(at),
            ..Default::default()
        },
        None => config::ConfigStreamDeliveryInfo { last_status: Some(NOT_APPLICABLE.into()), ..Default::default() },
    };
    config::DeliveryChannelStatus {
        name: c.channel.name,
        config_snapshot_delivery_info: Some(export(delivered)),
        config_history_delivery_info: Some(export(delivered)),
        config_stream_delivery_info: Some(stream),
    }
}

impl Handler for config::DescribeDeliveryChannelStatus {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: config::DescribeDeliveryChannelStatusRequest,
    ) -> Result<config::DescribeDeliveryChannelStatusResponse, AwsError> {
        let channels = super::delivery_channels::select(ctx, input.delivery_channel_names)?;
        let rec = recorder(ctx)?;
        Ok(config::DescribeDeliveryChannelStatusResponse {
            delivery_channels_status: Some(channels.into_iter().map(|c| channel_status(c, rec.as_ref())).collect()),
        })
    }
}
