//! SNS's size and count limits, in one place.

/// The largest topic policy (the `Policy` attribute), in bytes: 30 KB in "Policy quotas"
/// (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html).
pub(super) const TOPIC_POLICY_BYTES: usize = 30 * 1024;

/// The most tags a topic can carry: `TagLimitExceeded` is "Can't add more than 50 tags to a
/// topic" (https://docs.aws.amazon.com/sns/latest/api/API_TagResource.html).
pub(super) const TAGS_PER_TOPIC: usize = 50;
