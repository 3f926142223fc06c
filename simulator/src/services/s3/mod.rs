//! Amazon S3: buckets and their configurations (encryption, policy, Block Public Access,
//! logging, notifications, lifecycle, ACL, ownership, versioning, tags).
//!
//! Bucket names are global; each bucket has a home region. New buckets get the defaults of
//! the state's era: since 2023 SSE-S3, all four Block Public Access flags and
//! `BucketOwnerEnforced`; in era 2022 none of these (AWS:
//! https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html and
//! https://aws.amazon.com/blogs/aws/heads-up-amazon-s3-security-changes-are-coming-in-april-of-2023/).

mod acl;
mod buckets;
mod encryption;
mod lifecycle;
mod limits;
mod logging;
mod misc;
mod notification;
mod object_lock;
mod ownership;
mod policy;
mod public_access;
mod state;

pub(crate) use state::part;
pub use state::{canonical_user_id, Bucket};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::View;

/// Registers S3's operations.
pub fn register(r: &mut Registrar) {
    buckets::register(r);
    encryption::register(r);
    policy::register(r);
    public_access::register(r);
    logging::register(r);
    notification::register(r);
    lifecycle::register(r);
    acl::register(r);
    ownership::register(r);
    object_lock::register(r);
    misc::register(r);
}

/// 404 `NoSuchBucketPolicy`.
pub(crate) fn no_such_policy() -> AwsError {
    AwsError::not_found("NoSuchBucketPolicy", "The bucket policy does not exist")
}

/// 400 `MalformedXML`, S3's answer to a body that breaks its schema.
pub(crate) fn malformed_xml() -> AwsError {
    AwsError::bad_request(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
    )
}

/// 400 `InvalidArgument` with `message`.
pub(crate) fn invalid_argument(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidArgument", message)
}

/// The URI of S3's log-delivery group.
pub const LOG_DELIVERY_GROUP: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";

/// The URIs of the groups that make a grant public.
pub const PUBLIC_GROUPS: [&str; 2] =
    ["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"];

/// 404 `NoSuchBucket`.
pub fn no_such_bucket(name: &str) -> AwsError {
    AwsError::not_found("NoSuchBucket", format!("The specified bucket does not exist: {name}"))
}

/// Reads bucket `name` or answers `NoSuchBucket`.
pub(crate) fn bucket(ctx: &crate::Ctx<'_>, name: &str) -> Result<Bucket, AwsError> {
    ctx.get::<Bucket>(name)?.ok_or_else(|| no_such_bucket(name))
}

/// Reads part `V` of bucket `name` (see [`state::part`]) or answers `NoSuchBucket`.
pub(crate) fn bucket_part<V: View<Of = Bucket>>(ctx: &crate::Ctx<'_>, name: &str) -> Result<V, AwsError> {
    ctx.get_view::<V>(name)?.ok_or_else(|| no_such_bucket(name))
}

/// The ARN of bucket `name`.
pub fn bucket_arn(name: &str) -> String {
    format!("arn:aws:s3:::{name}")
}

pub use encryption::sse_s3_default;

/// The grants a canned ACL adds beyond the owner's FULL_CONTROL.
pub(crate) fn canned_acl_grants(acl: &str) -> Vec<hubsim_model::s3::Grant> {
    use hubsim_model::s3::{Grant, Grantee};
    let group = |uri: &str, permission: &str| Grant {
        grantee: Some(Grantee { type_: "Group".into(), uri: Some(uri.into()), ..Default::default() }),
        permission: Some(permission.into()),
    };
    const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
    const AUTH_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";
    match acl {
        "public-read" => vec![group(ALL_USERS, "READ")],
        "public-read-write" => vec![group(ALL_USERS, "READ"), group(ALL_USERS, "WRITE")],
        "authenticated-read" => vec![group(AUTH_USERS, "READ")],
        "log-delivery-write" => vec![group(LOG_DELIVERY, "WRITE"), group(LOG_DELIVERY, "READ_ACP")],
        _ => Vec::new(),
    }
}
