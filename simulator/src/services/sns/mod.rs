//! The sns service. (Being implemented: see the issue note.)

use crate::registry::Registrar;

/// Registers the service's operations.
pub fn register(_r: &mut Registrar) {}

/// The access policy of the topic `topic_arn` (in the ARN's region), if the topic exists.
/// S3 checks it before accepting a notification configuration.
pub fn topic_policy(_ctx: &crate::Ctx<'_>, _topic_arn: &str) -> Result<Option<String>, crate::AwsError> {
    Ok(None)
}
