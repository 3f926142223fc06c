//! Logging status: GetTrailStatus, StartLogging, StopLogging.

use hubsim_model::cloudtrail as ct;

use super::{find, Access};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ct::GetTrailStatus>().add::<ct::StartLogging>().add::<ct::StopLogging>();
}

impl Handler for ct::GetTrailStatus {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: ct::GetTrailStatusRequest) -> Result<ct::GetTrailStatusResponse, AwsError> {
        let (_, doc) = find(ctx, &input.name, Access::ReadShadowByArn)?;
        let iso = |t: Option<hubsim_model::Timestamp>| Some(t.map(|t| t.to_iso8601()).unwrap_or_default());
        let delivered = doc.latest_delivery_time.is_some();
        let succeeded =
            |ok: bool| Some(if ok { iso(doc.latest_delivery_time).unwrap_or_default() } else { String::new() });
        Ok(ct::GetTrailStatusResponse {
            is_logging: Some(doc.logging),
            latest_delivery_time: doc.latest_delivery_time,
            start_logging_time: doc.start_logging_time,
            stop_logging_time: doc.stop_logging_time,
            latest_cloud_watch_logs_delivery_time: doc.latest_cloudwatch_logs_delivery_time,
            latest_digest_delivery_time: doc.latest_digest_delivery_time,
            latest_delivery_attempt_time: iso(doc.latest_delivery_time),
            latest_delivery_attempt_succeeded: succeeded(delivered),
            latest_notification_attempt_time: Some(String::new()),
            latest_notification_attempt_succeeded: Some(String::new()),
            time_logging_started: iso(doc.start_logging_time),
            time_logging_stopped: iso(doc.stop_logging_time),
            ..Default::default()
        })
    }
}

impl Handler for ct::StartLogging {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ct::StartLoggingRequest) -> Result<ct::StartLoggingResponse, AwsError> {
        let (home, mut doc) = find(ctx, &input.name, Access::Write)?;
        if !doc.logging {
            let now = ctx.now();
            doc.logging = true;
            doc.start_logging_time = Some(now);
            // Delivery is simulated as immediate.
            doc.latest_delivery_time = Some(now);
            if doc.trail.cloud_watch_logs_log_group_arn.is_some() {
                doc.latest_cloudwatch_logs_delivery_time = Some(now);
            }
            if doc.trail.log_file_validation_enabled == Some(true) {
                doc.latest_digest_delivery_time = Some(now);
            }
            let name = doc.name().to_string();
            ctx.put_in(&home, &name, &doc)?;
        }
        Ok(ct::StartLoggingResponse {})
    }
}

impl Handler for ct::StopLogging {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ct::StopLoggingRequest) -> Result<ct::StopLoggingResponse, AwsError> {
        let (home, mut doc) = find(ctx, &input.name, Access::Write)?;
        if doc.logging {
            doc.logging = false;
            doc.stop_logging_time = Some(ctx.now());
            let name = doc.name().to_string();
            ctx.put_in(&home, &name, &doc)?;
        }
        Ok(ct::StopLoggingResponse {})
    }
}
