//! What CloudTrail checks before it creates or changes a trail: the trail name, the S3 bucket
//! and its policy, the KMS key and its policy, the CloudWatch Logs group and role, and the
//! organization for organization trails.

use crate::error::AwsError;
use crate::policy::{Effect, Policy};
use crate::services::s3::Bucket;
use crate::Ctx;

/// The service principal CloudTrail acts as.
pub const CLOUDTRAIL: &str = "cloudtrail.amazonaws.com";

fn invalid_name(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidTrailNameException", message)
}

/// Trail naming rules: 3–128 of `[A-Za-z0-9._-]`, starting and ending with a letter or
/// digit, no two adjacent `.`, `_` or `-`, not shaped like an IP address.
pub fn check_trail_name(name: &str) -> Result<(), AwsError> {
    if name.len() < 3 {
        return Err(invalid_name(format!(
            "Trail name too short. Minimum allowed length: 3 characters. Specified name length: {} characters.",
            name.len()
        )));
    }
    if name.len() > 128 {
        return Err(invalid_name(format!(
            "Trail name too long. Maximum allowed length: 128 characters. Specified name length: {} characters.",
            name.len()
        )));
    }
    let b = name.as_bytes();
    let punct = |c: u8| matches!(c, b'.' | b'_' | b'-');
    if !b.iter().all(|&c| c.is_ascii_alphanumeric() || punct(c)) {
        return Err(invalid_name(
            "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).",
        ));
    }
    if !b[0].is_ascii_alphanumeric() || !b[b.len() - 1].is_ascii_alphanumeric() {
        return Err(invalid_name("Trail name must starts with a letter or number and end with a letter or number."));
    }
    if b.windows(2).any(|w| punct(w[0]) && punct(w[1])) {
        return Err(invalid_name(
            "Trail name cannot have adjacent periods (.), underscores (_) or dashes (-). Examples: my-_namespace and my--namespace are not valid.",
        ));
    }
    let ip_like =
        name.split('.').count() == 4 && name.split('.').all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
    if ip_like {
        return Err(invalid_name("Trail name cannot be formatted as an IP address."));
    }
    Ok(())
}

/// Checks the S3 key prefix (at most 200 characters).
pub fn check_prefix(prefix: Option<&str>) -> Result<(), AwsError> {
    if prefix.is_some_and(|p| p.len() > 200) {
        return Err(AwsError::bad_request(
            "InvalidS3PrefixException",
            "S3 key prefix is too long (at most 200 characters).",
        ));
    }
    Ok(())
}

/// The bucket must exist and its policy must let CloudTrail read the bucket ACL and write
/// under `<prefix/>AWSLogs/<acct>/`. Returns the bucket's region.
pub fn check_bucket(ctx: &Ctx<'_>, bucket: &str, prefix: Option<&str>) -> Result<String, AwsError> {
    let b = ctx.get::<Bucket>(bucket)?.ok_or_else(|| {
        AwsError::bad_request("S3BucketDoesNotExistException", format!("S3 bucket {bucket} does not exist."))
    })?;
    let insufficient = || {
        AwsError::bad_request(
            "InsufficientS3BucketPolicyException",
            format!("Incorrect S3 bucket policy is detected for bucket: {bucket}"),
        )
    };
    let text = b.policy.as_deref().ok_or_else(insufficient)?;
    let policy = Policy::parse(text, true).map_err(|_| insufficient())?;
    let bucket_arn = crate::services::s3::bucket_arn(bucket);
    let path = match prefix.filter(|p| !p.is_empty()) {
        Some(p) => format!("{bucket_arn}/{}/AWSLogs/{}/*", p.trim_end_matches('/'), ctx.account()),
        None => format!("{bucket_arn}/AWSLogs/{}/*", ctx.account()),
    };
    if !policy.service_may(CLOUDTRAIL, "s3:GetBucketAcl", &bucket_arn)
        || !policy.service_may(CLOUDTRAIL, "s3:PutObject", &path)
    {
        return Err(insufficient());
    }
    Ok(b.region)
}

/// The key must exist (in the bucket's region), be enabled, and its key policy must let
/// CloudTrail generate data keys. Returns the key ARN.
pub fn check_kms_key(ctx: &Ctx<'_>, key: &str, bucket: &str, bucket_region: &str) -> Result<String, AwsError> {
    let not_found = || {
        AwsError::bad_request(
            "KmsKeyNotFoundException",
            format!(
                "KMS key {key} does not exist, or the KMS key and the S3 bucket {bucket} are not in the same region."
            ),
        )
    };
    if key.is_empty() || key.len() > 350 {
        return Err(AwsError::bad_request("InvalidKmsKeyIdException", format!("KMS key ID {key} is not valid.")));
    }
    let resolved = crate::services::kms::resolve_key(ctx, key)?.ok_or_else(not_found)?;
    let key_region = resolved.arn.split(':').nth(3).unwrap_or_default();
    if key_region != bucket_region {
        return Err(not_found());
    }
    if !resolved.enabled {
        return Err(AwsError::bad_request(
            "KmsException",
            format!("KMS key {} is disabled or pending deletion.", resolved.arn),
        ));
    }
    let allowed = Policy::parse(&resolved.policy, true)
        .map(|p| p.service_may(CLOUDTRAIL, "kms:GenerateDataKey", &resolved.arn))
        .unwrap_or(false);
    if !allowed {
        return Err(AwsError::bad_request(
            "InsufficientEncryptionPolicyException",
            format!("Insufficient permissions to access S3 bucket {bucket} or KMS key {}.", resolved.arn),
        ));
    }
    Ok(resolved.arn)
}

/// Decodes `%XX` escapes (IAM returns role trust policies URL-encoded).
fn percent_decode(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a role trust policy lets CloudTrail assume the role.
fn trusts_cloudtrail(document: &str) -> bool {
    let parsed = Policy::parse(document, false).or_else(|_| Policy::parse(&percent_decode(document), false));
    parsed.is_ok_and(|p| {
        p.statements
            .iter()
            .any(|s| s.effect == Effect::Allow && s.names_service(CLOUDTRAIL) && s.covers_action("sts:AssumeRole"))
    })
}

/// The log group ARN must be `arn:aws:logs:<region>:<acct>:log-group:<name>:*` for an
/// existing group in the trail's region; the role must exist and trust CloudTrail.
pub fn check_cloudwatch_logs(ctx: &Ctx<'_>, group_arn: Option<&str>, role_arn: Option<&str>) -> Result<(), AwsError> {
    let bad_group = |arn: &str| {
        AwsError::bad_request(
            "InvalidCloudWatchLogsLogGroupArnException",
            format!("CloudWatch Logs log group ARN {arn} is not valid, or the log group does not exist."),
        )
    };
    let bad_role = || {
        AwsError::bad_request(
            "InvalidCloudWatchLogsRoleArnException",
            "Access denied. Check the trust relationships for your role.",
        )
    };
    let Some(group_arn) = group_arn else {
        return match role_arn {
            Some(_) => Err(bad_group("")),
            None => Ok(()),
        };
    };
    let prefix = format!("arn:aws:logs:{}:{}:log-group:", ctx.region(), ctx.account());
    let name = group_arn
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix(":*"))
        .filter(|n| !n.is_empty())
        .ok_or_else(|| bad_group(group_arn))?;
    if !crate::services::logs::log_group_exists(ctx, ctx.region(), name)? {
        return Err(bad_group(group_arn));
    }
    let role_arn = role_arn.ok_or_else(bad_role)?;
    let role = crate::services::iam::role_by_arn(ctx, role_arn)?.ok_or_else(bad_role)?;
    if !role.assume_role_policy_document.as_deref().is_some_and(trusts_cloudtrail) {
        return Err(bad_role());
    }
    Ok(())
}

/// Organization trails need the organization's management account.
pub fn check_organization_trail(ctx: &Ctx<'_>) -> Result<(), AwsError> {
    match &ctx.settings().account.organization {
        None => Err(AwsError::bad_request(
            "OrganizationsNotInUseException",
            "This account is not a member of an organization.",
        )),
        Some(org) if org.management_account_id != ctx.account() => Err(AwsError::bad_request(
            "NotOrganizationMasterAccountException",
            "The request was rejected because the account is not the management account of the organization.",
        )),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trail_names() {
        for ok in ["abc", "my-trail", "My.Trail_1", "a1b"] {
            assert!(check_trail_name(ok).is_ok(), "{ok}");
        }
        for bad in ["ab", "-abc", "abc-", "my--trail", "my-_trail", "has space", "10.0.0.1", &"a".repeat(129)] {
            assert!(check_trail_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn trust_policies() {
        let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        assert!(trusts_cloudtrail(doc));
        let encoded = doc.replace('{', "%7B").replace('}', "%7D").replace('"', "%22");
        assert!(trusts_cloudtrail(&encoded));
        assert!(!trusts_cloudtrail(&doc.replace("cloudtrail", "config")));
    }
}
