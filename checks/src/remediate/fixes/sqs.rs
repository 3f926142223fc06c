//! SQS.1: queues encrypted at rest
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/sqs-controls.html>).

use std::collections::BTreeMap;

use hubsim_api::model::sqs;
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::remediate::fixer::Fixer;
use crate::remediate::Failed;
use crate::snapshot::QueueView;

/// The SQS fixes (SQS.3's is with the other public resource policies).
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![Fix {
        control: "SQS.1",
        iam_actions: &["sqs:SetQueueAttributes"],
        scope: Scope::Resource,
        // No AWS dependency; S3.5 stays first in a round.
        after: &["S3.5"],
        how: How::Calls(sqs_1),
    }]
}

/// The queue the finding is about, from the snapshot the round judged.
pub(super) fn queue<'s>(target: &Target<'s>) -> Option<&'s QueueView> {
    target
        .snapshot
        .regions
        .iter()
        .filter(|r| r.name == target.region)
        .flat_map(|r| r.queues.iter())
        .find(|q| q.arn() == target.resource || q.url == target.resource)
}

/// Turns on SSE-SQS, which needs no key and no key policy: the queue, its messages and its
/// other attributes are kept
/// (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-sqs-sse-queue.html>).
fn sqs_1<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let Some(q) = queue(target) else { return Ok(Done::Applied) };
    let attributes = BTreeMap::from([("SqsManagedSseEnabled".to_string(), "true".to_string())]);
    f.call::<sqs::SetQueueAttributes>(
        target.region,
        sqs::SetQueueAttributesRequest { queue_url: q.url.clone(), attributes },
    )?;
    Ok(Done::Applied)
}
