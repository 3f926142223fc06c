//! Baselines: what an account holds before a scenario's steps run.
//!
//! * `fresh-account`: the default VPC with its subnets, internet gateway, main route table,
//!   default security group and network ACL in every enabled region; EBS default encryption
//!   off; the root user (login profile and MFA as the scenario says); the roles AWS
//!   Organizations and AWS create; no password policy; no account-level Block Public Access.
//! * `empty`: the account and its root user only.
//!
//! Optional on top: AWS Config's console "1-click" setup
//! (https://docs.aws.amazon.com/config/latest/developerguide/1-click-setup.html), made of
//! ordinary API calls so it follows the era like anything a user does.

use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::ids::IdGen;
use crate::model::{config, iam, s3, securityhub, Timestamp};
use crate::services::{ec2, iam as iam_svc};
use crate::settings::{RunState, Settings};
use crate::sim::Batch;

pub use crate::account::Preset;
pub use crate::services::iam::{MfaKind, RootSpec};

/// The console's 1-click AWS Config setup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigOneClick {
    /// Regions where it was run.
    pub regions: Vec<String>,
    /// Whether "include global resources" was ticked (it is not by default).
    #[serde(default)]
    pub include_global_resource_types: bool,
}

/// Where Security Hub is on, and with which standards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityHubSpec {
    /// Regions where Security Hub is enabled.
    pub regions: Vec<String>,
    /// Enabled standards, as `aws-foundational-security-best-practices/v/1.0.0` and
    /// `cis-aws-foundations-benchmark/v/1.2.0`.
    #[serde(default = "default_standards")]
    pub standards: Vec<String>,
}

/// The standards `EnableSecurityHub` turns on by default.
pub fn default_standards() -> Vec<String> {
    vec![
        "aws-foundational-security-best-practices/v/1.0.0".to_string(),
        "cis-aws-foundations-benchmark/v/1.2.0".to_string(),
    ]
}

/// A scenario's `baseline` block.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineSpec {
    /// The preset.
    #[serde(default)]
    pub preset: Preset,
    /// Root credentials.
    #[serde(default)]
    pub root: RootSpec,
    /// AWS Config 1-click setup, if it was run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_one_click: Option<ConfigOneClick>,
    /// Security Hub, if enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_hub: Option<SecurityHubSpec>,
}

/// Creates an account in `batch`, replacing any world it held: `settings`, the clock at `start`,
/// ids seeded from the account id (the same account always draws the same ids, so a state can
/// be rebuilt byte for byte), then `spec`'s baseline.
pub fn create_account(
    batch: &mut Batch<'_>,
    settings: Settings,
    start: Timestamp,
    spec: &BaselineSpec,
) -> Result<(), AwsError> {
    let run = RunState { clock_ms: start.0, seed: IdGen::seed_for(&settings.account.id), ids_drawn: 0, created: 0 };
    batch.initialize(settings, run);
    apply(batch, spec)
}

/// Builds the baseline into a freshly initialized world (settings already set on `batch`).
/// Nothing here is journaled: export rebuilds the baseline from the spec, not from calls.
pub fn apply(batch: &mut Batch<'_>, spec: &BaselineSpec) -> Result<(), AwsError> {
    let settings = batch.settings().cloned().ok_or_else(|| AwsError::internal("baseline before initialization"))?;
    let home = settings.account.home_region.clone();
    let was = batch.set_journaling(false);
    let result = (|| {
        batch.with_ctx(&home, |ctx| iam_svc::seed_account(ctx, spec.preset, &spec.root))?;
        if spec.preset == Preset::FreshAccount {
            for region in &settings.account.regions {
                batch.with_ctx(region, ec2::seed_region)?;
            }
        }
        if let Some(one_click) = &spec.config_one_click {
            config_one_click(batch, &settings.account.id, one_click)?;
        }
        if let Some(hub) = &spec.security_hub {
            enable_security_hub(batch, hub)?;
        }
        Ok(())
    })();
    batch.set_journaling(was);
    result
}

/// The ARN of standard `id` (path form) in `region`.
pub fn standard_arn(region: &str, id: &str) -> String {
    if id.starts_with("cis-aws-foundations-benchmark/") {
        format!("arn:aws:securityhub:::ruleset/{id}")
    } else {
        format!("arn:aws:securityhub:{region}::standards/{id}")
    }
}

/// Security Hub on, with the listed standards, in each listed region.
fn enable_security_hub(batch: &mut Batch<'_>, spec: &SecurityHubSpec) -> Result<(), AwsError> {
    for region in &spec.regions {
        batch.call::<securityhub::EnableSecurityHub>(
            region,
            securityhub::EnableSecurityHubRequest {
                enable_default_standards: Some(false),
                control_finding_generator: Some("SECURITY_CONTROL".into()),
                ..Default::default()
            },
        )?;
        if spec.standards.is_empty() {
            continue;
        }
        batch.call::<securityhub::BatchEnableStandards>(
            region,
            securityhub::BatchEnableStandardsRequest {
                standards_subscription_requests: spec
                    .standards
                    .iter()
                    .map(|s| securityhub::StandardsSubscriptionRequest {
                        standards_arn: standard_arn(region, s),
                        standards_input: None,
                    })
                    .collect(),
            },
        )?;
    }
    Ok(())
}

/// What the AWS Config console's 1-click setup does
/// (https://docs.aws.amazon.com/config/latest/developerguide/1-click-setup.html): the
/// service-linked role, the `config-bucket-<account>` bucket with the delivery policy, a
/// recorder named `default` recording all supported types (global types only if ticked),
/// a delivery channel, and recording started.
fn config_one_click(batch: &mut Batch<'_>, account: &str, spec: &ConfigOneClick) -> Result<(), AwsError> {
    let bucket = format!("config-bucket-{account}");
    let role_arn = format!("arn:aws:iam::{account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig");
    let mut bucket_made = false;
    for region in &spec.regions {
        let has_role = batch
            .call::<iam::GetRole>(region, iam::GetRoleRequest { role_name: "AWSServiceRoleForConfig".into() })
            .is_ok();
        if !has_role {
            batch.call::<iam::CreateServiceLinkedRole>(
                region,
                iam::CreateServiceLinkedRoleRequest {
                    aws_service_name: "config.amazonaws.com".into(),
                    ..Default::default()
                },
            )?;
        }
        if !bucket_made {
            let configuration = (region != "us-east-1").then(|| s3::CreateBucketConfiguration {
                location_constraint: Some(region.clone()),
                ..Default::default()
            });
            batch.call::<s3::CreateBucket>(
                region,
                s3::CreateBucketRequest {
                    bucket: bucket.clone(),
                    create_bucket_configuration: configuration,
                    ..Default::default()
                },
            )?;
            let policy = serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [
                    {"Sid": "AWSConfigBucketPermissionsCheck", "Effect": "Allow",
                     "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:GetBucketAcl",
                     "Resource": format!("arn:aws:s3:::{bucket}"),
                     "Condition": {"StringEquals": {"AWS:SourceAccount": account}}},
                    {"Sid": "AWSConfigBucketExistenceCheck", "Effect": "Allow",
                     "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:ListBucket",
                     "Resource": format!("arn:aws:s3:::{bucket}"),
                     "Condition": {"StringEquals": {"AWS:SourceAccount": account}}},
                    {"Sid": "AWSConfigBucketDelivery", "Effect": "Allow",
                     "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:PutObject",
                     "Resource": format!("arn:aws:s3:::{bucket}/AWSLogs/{account}/Config/*"),
                     "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "AWS:SourceAccount": account}}}
                ]
            });
            batch.call::<s3::PutBucketPolicy>(
                region,
                s3::PutBucketPolicyRequest { bucket: bucket.clone(), policy: policy.to_string(), ..Default::default() },
            )?;
            bucket_made = true;
        }
        batch.call::<config::PutConfigurationRecorder>(
            region,
            config::PutConfigurationRecorderRequest {
                configuration_recorder: config::ConfigurationRecorder {
                    name: Some("default".into()),
                    role_arn: Some(role_arn.clone()),
                    recording_group: Some(config::RecordingGroup {
                        all_supported: Some(true),
                        include_global_resource_types: Some(spec.include_global_resource_types),
                        recording_strategy: Some(config::RecordingStrategy {
                            use_only: Some("ALL_SUPPORTED_RESOURCE_TYPES".into()),
                        }),
                        ..Default::default()
                    }),
                    recording_mode: Some(config::RecordingMode {
                        recording_frequency: "CONTINUOUS".into(),
                        recording_mode_overrides: None,
                    }),
                    ..Default::default()
                },
                ..Default::default()
            },
        )?;
        batch.call::<config::PutDeliveryChannel>(
            region,
            config::PutDeliveryChannelRequest {
                delivery_channel: config::DeliveryChannel {
                    name: Some("default".into()),
                    s3_bucket_name: Some(bucket.clone()),
                    ..Default::default()
                },
            },
        )?;
        batch.call::<config::StartConfigurationRecorder>(
            region,
            config::StartConfigurationRecorderRequest { configuration_recorder_name: "default".into() },
        )?;
    }
    Ok(())
}
