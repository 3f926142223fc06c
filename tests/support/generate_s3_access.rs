//! The part of a generated account that S3.2/S3.3/S3.6/S3.10/S3.12/S3.19 judge beyond what
//! `generate` already draws: buckets with ACL grants to another account, to AllUsers (WRITE) or
//! to the LogDelivery group; policies granting bucket-administration actions to another account
//! (beside this account's principals, or through a wildcard) or to a service; versioning with or
//! without a lifecycle rule; access points with or without their own Block Public Access.

use hubsim_scenario::Step;
use proptest::prelude::*;
use serde_json::{json, Value};

/// Another account's canonical user (AWS's documentation example).
const OTHER_CANONICAL: &str = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";
const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";

/// An ACL grant beyond the owner's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// READ to another account's canonical user (S3.12).
    OtherAccountRead,
    /// WRITE to AllUsers (S3.3, S3.12).
    AllUsersWrite,
    /// WRITE and READ_ACP to the LogDelivery group (S3.12; the fix moves it to the policy).
    LogDelivery,
}

/// A bucket policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// s3:GetObject and s3:PutBucketPolicy to another account and this account's root in one
    /// statement (S3.6; the fix splits it).
    CrossAccountAdmin,
    /// s3:Put* to another account (S3.6; the wildcard goes).
    CrossAccountWildcard,
    /// s3:PutBucketAcl to a service (S3.6 passes).
    ServiceAdmin,
}

/// One bucket of the sub-plan.
#[derive(Debug, Clone)]
pub struct AccessBucket {
    pub region: usize,
    pub grant: Option<Grant>,
    pub policy: Option<Policy>,
    /// `Some(true)`: versioning Enabled; `Some(false)`: Enabled, then Suspended.
    pub versioning: Option<bool>,
    /// An enabled lifecycle rule for noncurrent versions.
    pub lifecycle: bool,
    /// An access point: `Some(true)` with its Block Public Access all off, `Some(false)` with the
    /// default (all on).
    pub access_point: Option<bool>,
}

/// The sub-plan.
#[derive(Debug, Clone)]
pub struct S3AccessPlan {
    pub buckets: Vec<AccessBucket>,
}

/// The strategy of the sub-plan.
pub fn plan() -> impl Strategy<Value = S3AccessPlan> {
    let grant = prop_oneof![Just(Grant::OtherAccountRead), Just(Grant::AllUsersWrite), Just(Grant::LogDelivery)];
    let policy =
        prop_oneof![Just(Policy::CrossAccountAdmin), Just(Policy::CrossAccountWildcard), Just(Policy::ServiceAdmin)];
    let bucket = (
        0usize..3,
        proptest::option::of(grant),
        proptest::option::of(policy),
        proptest::option::of(any::<bool>()),
        any::<bool>(),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(|(region, grant, policy, versioning, lifecycle, access_point)| AccessBucket {
            region,
            grant,
            policy,
            versioning,
            lifecycle,
            access_point,
        });
    proptest::collection::vec(bucket, 0..=2).prop_map(|buckets| S3AccessPlan { buckets })
}

fn step(call: &str, region: &str, input: Value) -> Step {
    Step { call: call.into(), region: Some(region.into()), input, capture: None, expect_error: None, note: None }
}

impl S3AccessPlan {
    /// The steps, given the account's regions, its era and id.
    pub fn steps(&self, regions: &[String], current: bool, account: &str) -> Vec<Step> {
        let mut out = Vec::new();
        for (i, p) in self.buckets.iter().enumerate() {
            let r = regions[p.region % regions.len()].clone();
            let name = format!("acc-{i}-{account}");
            let create = if r == "us-east-1" {
                json!({"Bucket": name})
            } else {
                json!({"Bucket": name, "CreateBucketConfiguration": {"LocationConstraint": r}})
            };
            out.push(step("s3:CreateBucket", &r, create));
            if let Some(grant) = p.grant {
                if current {
                    // Since April 2023 new buckets block public access and disable ACLs.
                    out.push(step("s3:DeletePublicAccessBlock", &r, json!({"Bucket": name})));
                    out.push(step(
                        "s3:PutBucketOwnershipControls",
                        &r,
                        json!({"Bucket": name, "OwnershipControls": {"Rules": [{"ObjectOwnership": "ObjectWriter"}]}}),
                    ));
                }
                let input = match grant {
                    Grant::OtherAccountRead => {
                        json!({"Bucket": name, "GrantRead": format!("id=\"{OTHER_CANONICAL}\"")})
                    }
                    Grant::AllUsersWrite => json!({"Bucket": name, "GrantWrite": format!("uri=\"{ALL_USERS}\"")}),
                    Grant::LogDelivery => json!({"Bucket": name, "GrantWrite": format!("uri=\"{LOG_DELIVERY}\""),
                        "GrantReadACP": format!("uri=\"{LOG_DELIVERY}\"")}),
                };
                out.push(step("s3:PutBucketAcl", &r, input));
            }
            if let Some(policy) = p.policy {
                let arn = format!("arn:aws:s3:::{name}");
                let statement = match policy {
                    Policy::CrossAccountAdmin => json!({"Sid": "Partner", "Effect": "Allow",
                        "Principal": {"AWS": ["arn:aws:iam::111122223333:root", format!("arn:aws:iam::{account}:root")]},
                        "Action": ["s3:GetObject", "s3:PutBucketPolicy"], "Resource": [arn.clone(), format!("{arn}/*")]}),
                    Policy::CrossAccountWildcard => json!({"Effect": "Allow", "Principal": {"AWS": "111122223333"},
                        "Action": "s3:Put*", "Resource": format!("{arn}/*")}),
                    Policy::ServiceAdmin => json!({"Sid": "Service", "Effect": "Allow",
                        "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutBucketAcl", "Resource": arn}),
                };
                let doc = json!({"Version": "2012-10-17", "Statement": [statement]});
                out.push(step("s3:PutBucketPolicy", &r, json!({"Bucket": name, "Policy": doc.to_string()})));
            }
            if let Some(enabled) = p.versioning {
                let v = |status: &str| json!({"Bucket": name, "VersioningConfiguration": {"Status": status}});
                out.push(step("s3:PutBucketVersioning", &r, v("Enabled")));
                if !enabled {
                    out.push(step("s3:PutBucketVersioning", &r, v("Suspended")));
                }
            }
            if p.lifecycle {
                out.push(step(
                    "s3:PutBucketLifecycleConfiguration",
                    &r,
                    json!({"Bucket": name, "LifecycleConfiguration": {"Rules": [{"ID": "old-versions", "Status": "Enabled",
                        "Filter": {"Prefix": ""}, "NoncurrentVersionExpiration": {"NoncurrentDays": 90}}]}}),
                ));
            }
            if let Some(open) = p.access_point {
                let mut input = json!({"AccountId": account, "Name": format!("acc-ap-{i}"), "Bucket": name});
                if open {
                    input["PublicAccessBlockConfiguration"] = json!({"BlockPublicAcls": false, "IgnorePublicAcls": false,
                        "BlockPublicPolicy": false, "RestrictPublicBuckets": false});
                }
                out.push(step("s3control:CreateAccessPoint", &r, input));
            }
        }
        out
    }
}
