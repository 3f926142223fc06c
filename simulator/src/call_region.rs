//! Which region a call may be made in, and what AWS answers when it may not.
//!
//! The account's regions (`account.regions` of its settings) are the regions it has enabled.
//! A regional service answers only there: AWS refuses a call to a region the account has not
//! enabled as it refuses credentials it does not know ("Enable or disable AWS Regions in your
//! account", https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html:
//! "you can't use the Region's resources" until it is enabled). The client sees each
//! protocol's invalid-credentials error: `AuthFailure` (EC2), `InvalidClientTokenId` (query
//! services), `UnrecognizedClientException` (JSON services), as listed under "Common Errors"
//! (https://docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html and each
//! service's API reference). A region that does not exist (`xx-fake-1`) is answered the same
//! way, and a refusal changes nothing (it comes before the handler).
//!
//! Global services (IAM, Organizations, STS's global endpoint, S3's namespace, S3 Control and
//! hubsim's own actions) answer from any region AWS has: a real client signs their calls for
//! `us-east-1` whatever its own region, and with a custom endpoint it signs for its own, so
//! hubsim accepts every region of [`is_known_region`]. Creating a bucket is the exception: the
//! bucket lives in the region the call is signed for, which the account must have; S3
//! answers an opt-in region that is not enabled with `IllegalLocationConstraintException`
//! (observed: https://github.com/hashicorp/terraform-provider-aws/issues/35325).

use crate::error::AwsError;
use crate::settings::{is_known_region, Settings};

/// Services whose calls any region of AWS may carry (see the module documentation).
const GLOBAL_SERVICES: &[&str] = &["iam", "organizations", "sts", "s3", "s3control", "hubsim"];

/// Whether `service`'s calls may be signed for any region AWS has (its state is not kept per
/// region): such a call made in a region the account does not have is the same call made in
/// its home region.
pub fn is_global_service(service: &str) -> bool {
    GLOBAL_SERVICES.contains(&service)
}

/// Refuses a call of `service`'s `operation` signed for `region` when the account cannot be
/// reached there, with the error a real client gets.
pub(crate) fn check(settings: &Settings, service: &str, operation: &str, region: &str) -> Result<(), AwsError> {
    if settings.account.regions.iter().any(|r| r == region) {
        return Ok(());
    }
    let creates_a_bucket = service == "s3" && operation == "CreateBucket";
    if is_global_service(service) && is_known_region(region) && !creates_a_bucket {
        return Ok(());
    }
    Err(refusal(service, region))
}

/// What `service` answers a call signed for `region`, which the account does not have.
fn refusal(service: &str, region: &str) -> AwsError {
    const TOKEN: &str = "The security token included in the request is invalid.";
    let protocol = hubsim_model::service(service).map(|m| m.metadata.protocol.as_str()).unwrap_or("json");
    let detail = format!("(hubsim: the account has no region {region:?})");
    match protocol {
        "ec2" => AwsError::new("AuthFailure", 401, format!("AWS was not able to validate the provided access credentials {detail}")),
        "query" => AwsError::new("InvalidClientTokenId", 403, format!("{TOKEN} {detail}")),
        "rest-xml" => AwsError::bad_request(
            "IllegalLocationConstraintException",
            format!("The {region} location constraint is incompatible for the region specific endpoint this request was sent to."),
        ),
        "rest-json" => AwsError::new("UnrecognizedClientException", 403, format!("{TOKEN} {detail}")),
        _ => AwsError::bad_request("UnrecognizedClientException", format!("{TOKEN} {detail}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{AccountSettings, Era};

    fn settings(regions: &[&str]) -> Settings {
        Settings {
            era: Era::Current,
            account: AccountSettings {
                id: "123456789012".into(),
                regions: regions.iter().map(|r| r.to_string()).collect(),
                home_region: regions[0].to_string(),
                organization: None,
            },
        }
    }

    #[test]
    fn regional_services_answer_only_in_the_accounts_regions() {
        let s = settings(&["eu-west-1"]);
        assert_eq!(check(&s, "ec2", "CreateVpc", "eu-west-1"), Ok(()));
        let ec2 = check(&s, "ec2", "CreateVpc", "us-east-1").err().map(|e| (e.code, e.status));
        assert_eq!(ec2, Some(("AuthFailure".to_string(), 401)));
        let sns = check(&s, "sns", "CreateTopic", "xx-fake-1").err().map(|e| (e.code, e.status));
        assert_eq!(sns, Some(("InvalidClientTokenId".to_string(), 403)));
        let kms = check(&s, "kms", "CreateKey", "ap-east-1").err().map(|e| (e.code, e.status));
        assert_eq!(kms, Some(("UnrecognizedClientException".to_string(), 400)));
        let guardduty = check(&s, "guardduty", "CreateDetector", "us-west-2").err().map(|e| (e.code, e.status));
        assert_eq!(guardduty, Some(("UnrecognizedClientException".to_string(), 403)));
    }

    #[test]
    fn global_services_answer_from_any_real_region_but_not_a_made_up_one() {
        let s = settings(&["eu-west-1"]);
        assert_eq!(check(&s, "iam", "CreateUser", "us-east-1"), Ok(()));
        assert_eq!(check(&s, "s3", "ListBuckets", "ap-east-1"), Ok(()));
        let iam = check(&s, "iam", "CreateUser", "xx-fake-1").err().map(|e| e.code);
        assert_eq!(iam.as_deref(), Some("InvalidClientTokenId"));
        let bucket = check(&s, "s3", "CreateBucket", "us-east-1").err().map(|e| (e.code, e.status));
        assert_eq!(bucket, Some(("IllegalLocationConstraintException".to_string(), 400)));
        assert_eq!(check(&s, "s3", "CreateBucket", "eu-west-1"), Ok(()));
    }
}
