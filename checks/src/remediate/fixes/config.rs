//! Config.1: AWS Config recording every resource type with the role the era asks for
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/config-controls.html>).

use hubsim_api::model::{config, iam};
use hubsim_api::{AwsApi, Era};

use super::{Done, Fix, How, Scope, Target};
use crate::remediate::fixer::Fixer;
use crate::remediate::support;
use crate::remediate::Failed;

/// The AWS Config fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![Fix {
        control: "Config.1",
        iam_actions: &[
            "iam:CreateServiceLinkedRole",
            "config:PutConfigurationRecorder",
            "config:PutDeliveryChannel",
            "config:StartConfigurationRecorder",
            "s3:CreateBucket",
            "s3:PutBucketPolicy",
            // Reads: whether the service-linked role, a delivery channel and the bucket exist.
            "iam:GetRole",
            "config:DescribeDeliveryChannels",
            "s3:ListBucket",
        ],
        // One recorder and delivery channel per region.
        scope: Scope::Region,
        // Keeps the established order (no AWS dependency): after the trail and its settings.
        after: &["CloudTrail.5"],
        how: How::Calls(config_1),
    }]
}

fn config_1<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let (snap, params, region) = (target.snapshot, target.params, target.region);
    let home = f.home.clone();
    let slr = format!("arn:aws:iam::{}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig", f.account);
    if f.read::<iam::GetRole>(&home, iam::GetRoleRequest { role_name: "AWSServiceRoleForConfig".into() }).is_err() {
        f.call::<iam::CreateServiceLinkedRole>(
            &home,
            iam::CreateServiceLinkedRoleRequest {
                aws_service_name: "config.amazonaws.com".into(),
                ..Default::default()
            },
        )?;
    }
    let here = snap.regions.iter().find(|r| r.name == region);
    let recorder = here.and_then(|r| r.recorders.first()).cloned();
    let name = recorder.as_ref().and_then(|r| r.name.clone()).unwrap_or_else(|| "default".into());
    let need_slr = f.era == Era::Current && params.bool("includeConfigServiceLinkedRoleCheck", true);
    let group = recorder.as_ref().and_then(|r| r.recording_group.clone()).unwrap_or_default();
    let role = match &recorder {
        Some(r) if !need_slr => r.role_arn.clone().unwrap_or_else(|| slr.clone()),
        _ => slr.clone(),
    };
    let good = recorder.is_some()
        && group.all_supported == Some(true)
        && group.include_global_resource_types == Some(true)
        && recorder.as_ref().and_then(|r| r.role_arn.clone()) == Some(role.clone());
    if !good {
        f.call::<config::PutConfigurationRecorder>(
            region,
            config::PutConfigurationRecorderRequest {
                configuration_recorder: config::ConfigurationRecorder {
                    name: Some(name.clone()),
                    role_arn: Some(role),
                    recording_group: Some(config::RecordingGroup {
                        all_supported: Some(true),
                        include_global_resource_types: Some(true),
                        ..Default::default()
                    }),
                    recording_mode: recorder.as_ref().and_then(|r| r.recording_mode.clone()),
                    ..Default::default()
                },
                ..Default::default()
            },
        )?;
    }
    let channels = f
        .read::<config::DescribeDeliveryChannels>(region, Default::default())
        .map_err(|e| Failed { call: "config:DescribeDeliveryChannels".into(), error: e })?
        .delivery_channels
        .unwrap_or_default();
    if channels.is_empty() {
        let bucket = support::config_bucket(f, region)?;
        f.call::<config::PutDeliveryChannel>(
            region,
            config::PutDeliveryChannelRequest {
                delivery_channel: config::DeliveryChannel {
                    name: Some("default".into()),
                    s3_bucket_name: Some(bucket),
                    ..Default::default()
                },
            },
        )?;
    }
    let recording = here.is_some_and(|r| {
        r.recorder_status.iter().any(|s| s.name.as_deref() == Some(&name) && s.recording == Some(true))
    });
    if !recording {
        f.call::<config::StartConfigurationRecorder>(
            region,
            config::StartConfigurationRecorderRequest { configuration_recorder_name: name },
        )?;
    }
    Ok(Done::Applied)
}
