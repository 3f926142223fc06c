//! The stored form of a bucket.

use hubsim_model::s3;
use hubsim_model::Timestamp;
use serde::{Deserialize, Serialize};

use crate::store::Resource;

/// One bucket and every configuration S3 keeps for it. `None` means "never set" (S3 answers
/// the matching `NoSuch...` error).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// The bucket name.
    pub name: String,
    /// Home region.
    pub region: String,
    /// Creation time.
    pub created: Timestamp,
    /// Default encryption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<s3::ServerSideEncryptionConfiguration>,
    /// Bucket policy text as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Bucket-level Block Public Access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_access_block: Option<s3::PublicAccessBlockConfiguration>,
    /// Server access logging.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<s3::LoggingEnabled>,
    /// Event notifications.
    #[serde(default)]
    pub notification: s3::NotificationConfiguration,
    /// Lifecycle rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Vec<s3::LifecycleRule>>,
    /// The lifecycle configuration's `TransitionDefaultMinimumObjectSize`, as last put.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_min_size: Option<String>,
    /// Object Ownership.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ownership: Option<s3::OwnershipControls>,
    /// Access control list grants (the owner is the account).
    #[serde(default)]
    pub grants: Vec<s3::Grant>,
    /// Versioning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versioning: Option<s3::VersioningConfiguration>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<s3::Tag>>,
    /// Whether the bucket was created with Object Lock enabled.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub object_lock_enabled: bool,
}

impl Bucket {
    /// The Object Ownership setting, if any.
    pub fn object_ownership(&self) -> Option<&str> {
        self.ownership.as_ref().and_then(|o| o.rules.first()).map(|r| r.object_ownership.as_str())
    }

    /// Whether ACLs are disabled (`BucketOwnerEnforced`).
    pub fn acls_disabled(&self) -> bool {
        self.object_ownership() == Some("BucketOwnerEnforced")
    }
}

impl Resource for Bucket {
    const KIND: &'static str = "s3:bucket";
    const GLOBAL: bool = true;
}

/// The account's canonical user id (64 hex digits), derived from the account id.
pub fn canonical_user_id(account: &str) -> String {
    let mut g = crate::ids::IdGen::new(crate::ids::IdGen::seed_for(&format!("canonical:{account}")));
    g.hex(64)
}
