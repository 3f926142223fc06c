//! The delivery channel: PutDeliveryChannel, DescribeDeliveryChannels, DeleteDeliveryChannel.

use hubsim_model::{config, Empty};

use super::{delivery_channel, no_such_channel, not_in_enum, recorder, Channel};
use crate::error::AwsError;
use crate::policy::{Effect, Policy, Principal, Statement};
use crate::registry::{Handler, Registrar};
use crate::services::s3::Bucket;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<config::PutDeliveryChannel>()
        .add::<config::DescribeDeliveryChannels>()
        .add::<config::DeleteDeliveryChannel>();
}

const FREQUENCIES: &[&str] = &["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"];
const CONFIG_PRINCIPAL: &str = "config.amazonaws.com";
/// The path of Config's service-linked role; a recorder using it delivers as the service.
const SERVICE_LINKED_ROLE_PATH: &str = ":role/aws-service-role/config.amazonaws.com/";

/// Whether `st` names the IAM principal `role_arn` of `account` (directly, through the
/// account, or as anyone).
fn names_role(st: &Statement, role_arn: &str, account: &str) -> bool {
    if st.not_principal {
        return false;
    }
    match &st.principal {
        Some(Principal::Anyone) => true,
        Some(Principal::Named(list)) => list.iter().any(|(kind, value)| {
            kind == "AWS" && (value == role_arn || value == account || *value == format!("arn:aws:iam::{account}:root"))
        }),
        None => false,
    }
}

/// Whether the bucket policy lets the role `role_arn` do `action` on `resource` (conditions
/// on the Allow are taken as satisfied, as [`Policy::service_may`] does).
fn role_may(policy: &Policy, role_arn: &str, account: &str, action: &str, resource: &str) -> bool {
    let applies =
        |s: &Statement| names_role(s, role_arn, account) && s.covers_action(action) && s.covers_resource(resource);
    let allowed = policy.statements.iter().any(|s| s.effect == Effect::Allow && applies(s));
    let denied = policy.statements.iter().any(|s| s.effect == Effect::Deny && s.condition.is_none() && applies(s));
    allowed && !denied
}

/// Whether Config can deliver to `bucket`: its policy must let Config (or, for a recorder
/// with a customer role, that role) read the bucket ACL and write
/// `<prefix/>AWSLogs/<account>/Config/*`. The role's own identity policies are not consulted.
fn delivery_allowed(bucket: &Bucket, prefix: Option<&str>, role_arn: &str, account: &str) -> bool {
    let Some(policy) = bucket.policy.as_deref().and_then(|text| Policy::parse(text, true).ok()) else {
        return false;
    };
    let bucket_arn = crate::services::s3::bucket_arn(&bucket.name);
    let prefix = prefix.map(|p| format!("{}/", p.trim_end_matches('/'))).unwrap_or_default();
    let object = format!("{bucket_arn}/{prefix}AWSLogs/{account}/Config/ConfigWritabilityCheckFile");
    let service = policy.service_may(CONFIG_PRINCIPAL, "s3:GetBucketAcl", &bucket_arn)
        && policy.service_may(CONFIG_PRINCIPAL, "s3:PutObject", &object);
    let custom_role = !role_arn.contains(SERVICE_LINKED_ROLE_PATH);
    let role = custom_role
        && role_may(&policy, role_arn, account, "s3:GetBucketAcl", &bucket_arn)
        && role_may(&policy, role_arn, account, "s3:PutObject", &object);
    service || role
}

/// Whether `arn` looks like `arn:aws:<service>:<region>:<account>:<rest>` with `rest`
/// accepted by `rest_ok`.
fn arn_of(arn: &str, service: &str, rest_ok: impl Fn(&str) -> bool) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == service
        && !parts[3].is_empty()
        && parts[4].len() == 12
        && parts[4].bytes().all(|c| c.is_ascii_digit())
        && rest_ok(parts[5])
}

impl Handler for config::PutDeliveryChannel {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: config::PutDeliveryChannelRequest) -> Result<Empty, AwsError> {
        let given = input.delivery_channel;
        let name = given.name.clone().unwrap_or_else(|| "default".to_string());
        if name.trim().is_empty() {
            return Err(AwsError::bad_request(
                "InvalidDeliveryChannelNameException",
                format!("The delivery channel name '{name}' is not valid, blank string."),
            ));
        }
        let Some(rec) = recorder(ctx)? else {
            return Err(AwsError::bad_request(
                "NoAvailableConfigurationRecorderException",
                "Configuration recorder is not available to put delivery channel.",
            ));
        };
        let existing = delivery_channel(ctx)?;
        if let Some(other) = &existing {
            if other.channel.name.as_deref() != Some(name.as_str()) {
                return Err(AwsError::bad_request(
                    "MaxNumberOfDeliveryChannelsExceededException",
                    format!("Failed to put delivery channel '{name}' because the maximum number of delivery channels: 1 is reached."),
                ));
            }
        }
        let Some(bucket_name) = given.s3_bucket_name.clone().filter(|b| !b.is_empty()) else {
            return Err(AwsError::bad_request(
                "NoSuchBucketException",
                "Cannot find a S3 bucket with an empty bucket name.",
            ));
        };
        if let Some(prefix) = &given.s3_key_prefix {
            if prefix.is_empty() || prefix.starts_with('/') {
                return Err(AwsError::bad_request(
                    "InvalidS3KeyPrefixException",
                    format!("The s3 key prefix '{prefix}' is not valid."),
                ));
            }
        }
        if let Some(key) = &given.s3_kms_key_arn {
            if !arn_of(key, "kms", |rest| rest.strip_prefix("key/").is_some_and(|id| !id.is_empty())) {
                return Err(AwsError::bad_request(
                    "InvalidS3KmsKeyArnException",
                    format!("The s3 kms key arn '{key}' is not valid."),
                ));
            }
        }
        if let Some(topic) = &given.sns_topic_arn {
            let exists = arn_of(topic, "sns", |rest| !rest.is_empty() && !rest.contains(':'))
                && crate::services::sns::topic_policy(ctx, topic)?.is_some();
            if !exists {
                return Err(AwsError::bad_request(
                    "InvalidSNSTopicARNException",
                    format!("The sns topic arn '{topic}' is not valid."),
                ));
            }
        }
        if let Some(frequency) =
            given.config_snapshot_delivery_properties.as_ref().and_then(|p| p.delivery_frequency.as_deref())
        {
            if !FREQUENCIES.contains(&frequency) {
                return Err(not_in_enum(
                    frequency,
                    "deliveryChannel.configSnapshotDeliveryProperties.deliveryFrequency",
                    FREQUENCIES,
                ));
            }
        }
        let Some(bucket) = ctx.get::<Bucket>(&bucket_name)? else {
            return Err(AwsError::bad_request(
                "NoSuchBucketException",
                format!("Cannot find a S3 bucket with name '{bucket_name}'."),
            ));
        };
        let role_arn = rec.recorder.role_arn.clone().unwrap_or_default();
        if !delivery_allowed(&bucket, given.s3_key_prefix.as_deref(), &role_arn, ctx.account()) {
            return Err(AwsError::bad_request(
                "InsufficientDeliveryPolicyException",
                format!("Insufficient delivery policy to s3 bucket: {bucket_name}, unable to write to bucket, provided s3 key prefix is '{}', provided kms key is '{}'.",
                    given.s3_key_prefix.as_deref().unwrap_or("null"),
                    given.s3_kms_key_arn.as_deref().unwrap_or("null")),
            ));
        }
        let created = existing.map(|c| c.created).unwrap_or_else(|| ctx.now());
        let channel = config::DeliveryChannel { name: Some(name.clone()), ..given };
        ctx.put(&name, &Channel { channel, created })?;
        Ok(Empty {})
    }
}

/// The channels a Describe call asks for: all (none named) or the named ones; naming one
/// that does not exist is an error.
pub(super) fn select(ctx: &Ctx<'_>, names: Option<Vec<String>>) -> Result<Vec<Channel>, AwsError> {
    match names {
        Some(names) if !names.is_empty() => {
            names.iter().map(|name| ctx.get::<Channel>(name)?.ok_or_else(|| no_such_channel(name))).collect()
        }
        _ => Ok(delivery_channel(ctx)?.into_iter().collect()),
    }
}

impl Handler for config::DescribeDeliveryChannels {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: config::DescribeDeliveryChannelsRequest,
    ) -> Result<config::DescribeDeliveryChannelsResponse, AwsError> {
        let channels = select(ctx, input.delivery_channel_names)?;
        Ok(config::DescribeDeliveryChannelsResponse {
            delivery_channels: Some(channels.into_iter().map(|c| c.channel).collect()),
        })
    }
}

impl Handler for config::DeleteDeliveryChannel {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: config::DeleteDeliveryChannelRequest) -> Result<Empty, AwsError> {
        let name = input.delivery_channel_name;
        if ctx.get::<Channel>(&name)?.is_none() {
            return Err(no_such_channel(&name));
        }
        if recorder(ctx)?.is_some_and(|r| r.recording) {
            return Err(AwsError::bad_request(
                "LastDeliveryChannelDeleteFailedException",
                format!("Failed to delete last specified delivery channel with name '{name}', because there is a running configuration recorder."),
            ));
        }
        ctx.delete::<Channel>(&name)?;
        Ok(Empty {})
    }
}
