//! The stored form of a bucket.

use hubsim_model::s3;
use hubsim_model::Timestamp;
use serde::{Deserialize, Serialize};

use crate::store::{Resource, View};

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
    /// Whether Object Lock is enabled (at creation, or later by PutObjectLockConfiguration).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub object_lock_enabled: bool,
    /// The Object Lock default retention rule, if one was put.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_lock_rule: Option<s3::ObjectLockRule>,
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

/// Parts of a stored [`Bucket`] for the reads that answer with one of them (see [`View`]): each
/// holds a copy of the fields of the same name.
pub(crate) mod part {
    use super::*;

    /// Defines a part of [`Bucket`] with the bucket's fields it copies.
    macro_rules! part_of_bucket {
        ($(#[$doc:meta])* $part:ident { $($field:ident: $ty:ty),* }) => {
            $(#[$doc])*
            #[derive(Debug, PartialEq)]
            pub struct $part {
                $(#[doc = concat!("See [`Bucket::", stringify!($field), "`].")] pub $field: $ty,)*
            }

            impl View for $part {
                type Of = Bucket;
                fn of(bucket: &Bucket) -> Self {
                    $part { $($field: bucket.$field.clone()),* }
                }
            }
        };
    }

    part_of_bucket!(
        /// What listing a bucket shows.
        Listing { name: String, region: String, created: Timestamp }
    );
    part_of_bucket!(
        /// Default encryption.
        Encryption { encryption: Option<s3::ServerSideEncryptionConfiguration> }
    );
    part_of_bucket!(
        /// The policy text.
        Policy { policy: Option<String> }
    );
    part_of_bucket!(
        /// Bucket-level Block Public Access.
        PublicAccessBlock { public_access_block: Option<s3::PublicAccessBlockConfiguration> }
    );
    part_of_bucket!(
        /// Server access logging.
        Logging { logging: Option<s3::LoggingEnabled> }
    );
    part_of_bucket!(
        /// Event notifications.
        Notification { notification: s3::NotificationConfiguration }
    );
    part_of_bucket!(
        /// The lifecycle configuration.
        Lifecycle { lifecycle: Option<Vec<s3::LifecycleRule>>, lifecycle_min_size: Option<String> }
    );
}

/// The account's canonical user id (64 hex digits), derived from the account id.
pub fn canonical_user_id(account: &str) -> String {
    let mut g = crate::ids::IdGen::new(crate::ids::IdGen::seed_for(&format!("canonical:{account}")));
    g.hex(64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bucket reads back as written, and every part holds what the whole bucket holds, set or
    /// unset.
    #[test]
    fn parts_read_what_the_bucket_holds() {
        let full = Bucket {
            name: "logs".into(),
            region: "eu-west-1".into(),
            created: Timestamp(1_700_000_000_000),
            encryption: Some(crate::services::s3::sse_s3_default()),
            policy: Some(r#"{"Version":"2012-10-17","Statement":[]}"#.into()),
            public_access_block: Some(s3::PublicAccessBlockConfiguration {
                block_public_acls: Some(true),
                ignore_public_acls: Some(false),
                block_public_policy: Some(true),
                restrict_public_buckets: None,
            }),
            logging: Some(s3::LoggingEnabled {
                target_bucket: "target".into(),
                target_prefix: "p/".into(),
                ..Default::default()
            }),
            notification: s3::NotificationConfiguration {
                topic_configurations: Some(vec![s3::TopicConfiguration {
                    topic_arn: "arn:aws:sns:eu-west-1:111122223333:t".into(),
                    events: vec!["s3:ObjectCreated:*".into()],
                    ..Default::default()
                }]),
                ..Default::default()
            },
            lifecycle: Some(vec![s3::LifecycleRule { status: "Enabled".into(), ..Default::default() }]),
            lifecycle_min_size: Some("varies_by_storage_class".into()),
            ownership: Some(s3::OwnershipControls {
                rules: vec![s3::OwnershipControlsRule { object_ownership: "BucketOwnerEnforced".into() }],
            }),
            grants: vec![s3::Grant { grantee: None, permission: Some("READ".into()) }],
            versioning: Some(s3::VersioningConfiguration { status: Some("Enabled".into()), mfa_delete: None }),
            tags: Some(vec![s3::Tag { key: "k".into(), value: "v".into() }]),
            object_lock_enabled: true,
            object_lock_rule: Some(s3::ObjectLockRule {
                default_retention: Some(s3::DefaultRetention {
                    mode: Some("GOVERNANCE".into()),
                    days: Some(1),
                    years: None,
                }),
            }),
        };
        let bare = Bucket { name: "b".into(), region: "us-east-1".into(), ..Default::default() };
        for b in [full, bare] {
            // The store keeps written documents parsed (store::Docs): parsing the written text
            // must give the same bucket back.
            let doc = serde_json::to_string(&b).expect("serializes");
            assert_eq!(serde_json::from_str::<Bucket>(&doc).expect("parses"), b);
            let listing = part::Listing::of(&b);
            assert_eq!(listing, part::Listing { name: b.name.clone(), region: b.region.clone(), created: b.created });
            assert_eq!(part::Encryption::of(&b).encryption, b.encryption);
            assert_eq!(part::Policy::of(&b).policy, b.policy);
            assert_eq!(part::PublicAccessBlock::of(&b).public_access_block, b.public_access_block);
            assert_eq!(part::Logging::of(&b).logging, b.logging);
            assert_eq!(part::Notification::of(&b).notification, b.notification);
            let p = part::Lifecycle::of(&b);
            assert_eq!((p.lifecycle, p.lifecycle_min_size), (b.lifecycle.clone(), b.lifecycle_min_size.clone()));
        }
    }
}
