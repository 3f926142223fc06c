//! KMS's size and count limits, in one place.

/// The largest key policy, in bytes: "The key policy size quota is 32 kilobytes (32768
/// bytes)" (https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html and
/// API_CreateKey.html). KMS refuses a larger one with `LimitExceededException`, "a length
/// constraint or quota was exceeded" (same pages).
pub(super) const KEY_POLICY_BYTES: usize = 32_768;

/// The most tags a key can carry: AWS's user-defined tag restrictions allow 50 per resource
/// (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/allocation-tag-restrictions.html);
/// KMS refuses more with `TagException`
/// (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html).
pub(super) const TAGS_PER_KEY: usize = 50;
