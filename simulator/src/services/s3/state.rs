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

/// Parts of a stored [`Bucket`] for the reads that answer with one of them (see
/// [`View`]): each field has the same name and default as in `Bucket`.
pub(crate) mod part {
    use super::*;

    /// What listing a bucket shows.
    #[derive(Debug, PartialEq, Deserialize)]
    pub struct Listing {
        /// See [`Bucket::name`].
        pub name: String,
        /// See [`Bucket::region`].
        pub region: String,
        /// See [`Bucket::created`].
        pub created: Timestamp,
    }

    /// See [`Bucket::encryption`].
    #[derive(Debug, PartialEq, Deserialize)]
    pub struct Encryption {
        #[serde(default)]
        pub encryption: Option<s3::ServerSideEncryptionConfiguration>,
    }

    /// See [`Bucket::policy`].
    #[derive(Debug, PartialEq, Deserialize)]
    pub struct Policy {
        #[serde(default)]
        pub policy: Option<String>,
    }

    /// See [`Bucket::public_access_block`].
    #[derive(Debug, PartialEq, Deserialize)]
    pub struct PublicAccessBlock {
        #[serde(default)]
        pub public_access_block: Option<s3::PublicAccessBlockConfiguration>,
    }

    /// See [`Bucket::logging`].
    #[derive(Debug, PartialEq, Deserialize)]
    pub struct Logging {
        #[serde(default)]
        pub logging: Option<s3::LoggingEnabled>,
    }

    /// See [`Bucket::notification`].
    #[derive(Debug, PartialEq, Deserialize)]
    pub struct Notification {
        #[serde(default)]
        pub notification: s3::NotificationConfiguration,
    }

    /// See [`Bucket::lifecycle`] and [`Bucket::lifecycle_min_size`].
    #[derive(Debug, PartialEq, Deserialize)]
    pub struct Lifecycle {
        #[serde(default)]
        pub lifecycle: Option<Vec<s3::LifecycleRule>>,
        #[serde(default)]
        pub lifecycle_min_size: Option<String>,
    }

    macro_rules! views_of_bucket {
        ($($view:ident),*) => { $(impl View for $view { type Of = Bucket; })* };
    }
    views_of_bucket!(Listing, Encryption, Policy, PublicAccessBlock, Logging, Notification, Lifecycle);
}

/// The account's canonical user id (64 hex digits), derived from the account id.
pub fn canonical_user_id(account: &str) -> String {
    let mut g = crate::ids::IdGen::new(crate::ids::IdGen::seed_for(&format!("canonical:{account}")));
    g.hex(64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every part reads back exactly what the whole bucket holds, set or unset.
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
        };
        let bare = Bucket { name: "b".into(), region: "us-east-1".into(), ..Default::default() };
        for b in [full, bare] {
            let doc = serde_json::to_string(&b).expect("serializes");
            let listing: part::Listing = serde_json::from_str(&doc).expect("listing");
            assert_eq!(listing, part::Listing { name: b.name.clone(), region: b.region.clone(), created: b.created });
            let p: part::Encryption = serde_json::from_str(&doc).expect("encryption");
            assert_eq!(p.encryption, b.encryption);
            let p: part::Policy = serde_json::from_str(&doc).expect("policy");
            assert_eq!(p.policy, b.policy);
            let p: part::PublicAccessBlock = serde_json::from_str(&doc).expect("public access block");
            assert_eq!(p.public_access_block, b.public_access_block);
            let p: part::Logging = serde_json::from_str(&doc).expect("logging");
            assert_eq!(p.logging, b.logging);
            let p: part::Notification = serde_json::from_str(&doc).expect("notification");
            assert_eq!(p.notification, b.notification);
            let p: part::Lifecycle = serde_json::from_str(&doc).expect("lifecycle");
            assert_eq!((p.lifecycle, p.lifecycle_min_size), (b.lifecycle.clone(), b.lifecycle_min_size.clone()));
        }
    }
}
