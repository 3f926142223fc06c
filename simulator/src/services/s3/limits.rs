//! S3's size and count limits, in one place.

/// The largest bucket policy, in bytes of the document without its whitespace: "Bucket
/// policies are limited to 20 KB in size"
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html). S3
/// normalizes a policy before measuring it; leaving out whitespace is hubsim's reading of that.
pub(super) const BUCKET_POLICY_BYTES: usize = 20 * 1024;

/// The most tags a bucket can carry, 50 (cost allocation tags,
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/CostAllocTagging.html); PutBucketTagging
/// refuses more with `InvalidTag`.
pub(super) const TAGS_PER_BUCKET: usize = 50;

/// The size of a policy document as AWS measures it against these limits: its bytes, white
/// space left out.
pub(super) fn policy_size(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).map(char::len_utf8).sum()
}
