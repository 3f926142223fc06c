//! The SQS queues of a region, as SQS.1 and SQS.3 read them: every queue's attributes
//! (`ListQueues`, `GetQueueAttributes` with `All`).

use std::collections::BTreeMap;

use hubsim_api::model::sqs;
use hubsim_api::AwsApi;

use super::{fail, FetchError};

/// One queue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueView {
    /// Its URL.
    pub url: String,
    /// Its attributes (`QueueArn`, `SqsManagedSseEnabled`, `KmsMasterKeyId`, `Policy`, ...).
    pub attributes: BTreeMap<String, String>,
}

impl QueueView {
    /// The queue's ARN (from `QueueArn`, else empty).
    pub fn arn(&self) -> &str {
        self.attributes.get("QueueArn").map_or("", String::as_str)
    }

    /// The queue's name (the URL's last segment).
    pub fn name(&self) -> &str {
        self.url.rsplit('/').next().unwrap_or(&self.url)
    }
}

/// Every queue of `region`, in `ListQueues` order.
pub(super) fn fetch_queues<A: AwsApi>(api: &A, region: &str) -> Result<Vec<QueueView>, FetchError> {
    let mut urls = Vec::new();
    let mut token = None;
    loop {
        let page = api
            .call::<sqs::ListQueues>(
                region,
                sqs::ListQueuesRequest { max_results: Some(1000), next_token: token.clone(), queue_name_prefix: None },
            )
            .map_err(fail("SQS queues", region))?;
        urls.extend(page.queue_urls.unwrap_or_default());
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let mut out = Vec::with_capacity(urls.len());
    for url in urls {
        let attributes = api
            .call::<sqs::GetQueueAttributes>(
                region,
                sqs::GetQueueAttributesRequest { queue_url: url.clone(), attribute_names: Some(vec!["All".into()]) },
            )
            .map_err(fail(&format!("SQS queue {url}"), region))?
            .attributes
            .unwrap_or_default();
        out.push(QueueView { url, attributes });
    }
    Ok(out)
}
