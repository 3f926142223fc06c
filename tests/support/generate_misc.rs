//! The part of a generated account that EC2.13/EC2.14, KMS.4 and CloudTrail.6/7 judge beyond
//! what `generate` already draws: security groups with world-open IPv6 rules (and rules mixing
//! world-open and narrow sources), keys KMS.4 does not judge (asymmetric, HMAC, imported
//! material, pending deletion) and trail buckets made public by ACL or policy, or only seemingly
//! so (a public ACL that Block Public Access makes S3 ignore).

use hubsim_scenario::Step;
use proptest::prelude::*;
use serde_json::{json, Value};

/// Inbound rules a `misc` group may hold; none duplicates another (AWS refuses duplicates).
const SHAPES: &[&str] = &[
    // TCP 22 from ::/0: EC2.13 in era current.
    r#"{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"Ipv6Ranges":[{"CidrIpv6":"::/0"}]}"#,
    // TCP 0-65535 from ::/0: both controls in era current.
    r#"{"IpProtocol":"tcp","FromPort":0,"ToPort":65535,"Ipv6Ranges":[{"CidrIpv6":"::/0"}]}"#,
    // All traffic from ::/0.
    r#"{"IpProtocol":"-1","Ipv6Ranges":[{"CidrIpv6":"::/0"}]}"#,
    // TCP 3389 from ::/0 and a narrow IPv6 range that must survive the fix.
    r#"{"IpProtocol":"tcp","FromPort":3389,"ToPort":3389,"Ipv6Ranges":[{"CidrIpv6":"::/0"},{"CidrIpv6":"2001:db8::/32"}]}"#,
    // TCP 80 from ::/0: neither control.
    r#"{"IpProtocol":"tcp","FromPort":80,"ToPort":80,"Ipv6Ranges":[{"CidrIpv6":"::/0"}]}"#,
    // TCP 20-23 from the IPv4 and IPv6 worlds and 10.0.0.0/8, which must survive the fix.
    r#"{"IpProtocol":"tcp","FromPort":20,"ToPort":23,"IpRanges":[{"CidrIp":"0.0.0.0/0"},{"CidrIp":"10.0.0.0/8"}],"Ipv6Ranges":[{"CidrIpv6":"::/0"}]}"#,
];

/// How a trail's bucket is exposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposure {
    /// Left as the trail's setup made it.
    Private,
    /// The canned ACL public-read.
    PublicReadAcl,
    /// The canned ACL public-read-write.
    PublicWriteAcl,
    /// A policy statement allowing s3:GetObject to everyone.
    PublicPolicy,
    /// public-read, then all four Block Public Access settings (S3 ignores the grant).
    IgnoredAcl,
}

/// A key kind KMS.4 meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// RSA_2048 for signing.
    Asymmetric,
    /// HMAC_256.
    Hmac,
    /// Origin EXTERNAL (imported material, pending import).
    External,
    /// Symmetric, no rotation, scheduled for deletion.
    PendingDeletion,
    /// Symmetric, no rotation.
    NoRotation,
}

/// One `misc` group: its region (index into the account's regions) and its rules (indices into
/// the shapes, duplicates dropped).
#[derive(Debug, Clone)]
pub struct GroupPlan {
    pub region: usize,
    pub rules: Vec<usize>,
}

/// The sub-plan.
#[derive(Debug, Clone)]
pub struct MiscPlan {
    pub groups: Vec<GroupPlan>,
    /// One exposure per trail (by trail index; missing ones stay private).
    pub exposures: Vec<Exposure>,
    pub keys: Vec<(usize, KeyKind)>,
}

/// The strategy of the sub-plan.
pub fn misc_plan() -> impl Strategy<Value = MiscPlan> {
    let exposure = prop_oneof![
        Just(Exposure::Private),
        Just(Exposure::PublicReadAcl),
        Just(Exposure::PublicWriteAcl),
        Just(Exposure::PublicPolicy),
        Just(Exposure::IgnoredAcl),
    ];
    let kind = prop_oneof![
        Just(KeyKind::Asymmetric),
        Just(KeyKind::Hmac),
        Just(KeyKind::External),
        Just(KeyKind::PendingDeletion),
        Just(KeyKind::NoRotation),
    ];
    (
        prop::collection::vec(
            (0usize..3, prop::collection::vec(0..SHAPES.len(), 0..4))
                .prop_map(|(region, rules)| GroupPlan { region, rules }),
            0..3,
        ),
        prop::collection::vec(exposure, 0..=3),
        prop::collection::vec((0usize..3, kind), 0..4),
    )
        .prop_map(|(groups, exposures, keys)| MiscPlan { groups, exposures, keys })
}

fn step(call: &str, region: &str, input: Value, capture: Option<String>) -> Step {
    Step { call: call.into(), region: Some(region.into()), input, capture, expect_error: None, note: None }
}

impl MiscPlan {
    /// The steps, given the account's regions (the default VPC of region `i` is captured as
    /// `dvpc{i}`), its era, and each trail's bucket with its region.
    pub fn steps(
        &self,
        regions: &[String],
        current: bool,
        trail_buckets: &[(String, String)],
        account: &str,
    ) -> Vec<Step> {
        let mut out = Vec::new();
        let region = |i: usize| regions[i % regions.len()].clone();
        for (i, g) in self.groups.iter().enumerate() {
            let r = i_region(g.region, regions.len());
            let cap = format!("misc_sg{i}");
            out.push(step(
                "ec2:CreateSecurityGroup",
                &region(r),
                json!({"GroupName": format!("misc-sg-{i}"), "Description": "misc", "VpcId": format!("${{dvpc{r}.Vpcs[0].VpcId}}")}),
                Some(cap.clone()),
            ));
            let mut seen = Vec::new();
            for s in &g.rules {
                if seen.contains(s) {
                    continue;
                }
                seen.push(*s);
                let perm: Value = serde_json::from_str(SHAPES[*s]).unwrap_or_default();
                out.push(step(
                    "ec2:AuthorizeSecurityGroupIngress",
                    &region(r),
                    json!({"GroupId": format!("${{{cap}.GroupId}}"), "IpPermissions": [perm]}),
                    None,
                ));
            }
        }
        for ((bucket, r), exposure) in trail_buckets.iter().zip(&self.exposures) {
            let acl = |canned: &str, out: &mut Vec<Step>| {
                if current {
                    // Since April 2023 new buckets block public access and disable ACLs.
                    out.push(step("s3:DeletePublicAccessBlock", r, json!({"Bucket": bucket}), None));
                    out.push(step(
                        "s3:PutBucketOwnershipControls",
                        r,
                        json!({"Bucket": bucket, "OwnershipControls": {"Rules": [{"ObjectOwnership": "ObjectWriter"}]}}),
                        None,
                    ));
                }
                out.push(step("s3:PutBucketAcl", r, json!({"Bucket": bucket, "ACL": canned}), None));
            };
            match exposure {
                Exposure::Private => {}
                Exposure::PublicReadAcl => acl("public-read", &mut out),
                Exposure::PublicWriteAcl => acl("public-read-write", &mut out),
                Exposure::IgnoredAcl => {
                    acl("public-read", &mut out);
                    out.push(step(
                        "s3:PutPublicAccessBlock",
                        r,
                        json!({"Bucket": bucket, "PublicAccessBlockConfiguration": {"BlockPublicAcls": true,
                            "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}),
                        None,
                    ));
                }
                Exposure::PublicPolicy => {
                    if current {
                        out.push(step("s3:DeletePublicAccessBlock", r, json!({"Bucket": bucket}), None));
                    }
                    let statements = json!([
                        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                         "Action": "s3:GetBucketAcl", "Resource": format!("arn:aws:s3:::{bucket}")},
                        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                         "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{bucket}/AWSLogs/{account}/*"),
                         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
                        {"Sid": "MiscPublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                         "Resource": format!("arn:aws:s3:::{bucket}/*")}
                    ]);
                    let policy = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
                    out.push(step("s3:PutBucketPolicy", r, json!({"Bucket": bucket, "Policy": policy}), None));
                }
            }
        }
        for (i, (r, kind)) in self.keys.iter().enumerate() {
            let r = region(*r);
            let cap = format!("misc_key{i}");
            let input = match kind {
                KeyKind::Asymmetric => json!({"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"}),
                KeyKind::Hmac => json!({"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}),
                KeyKind::External => json!({"Origin": "EXTERNAL"}),
                KeyKind::PendingDeletion | KeyKind::NoRotation => json!({"Description": "misc"}),
            };
            out.push(step("kms:CreateKey", &r, input, Some(cap.clone())));
            if *kind == KeyKind::PendingDeletion {
                out.push(step(
                    "kms:ScheduleKeyDeletion",
                    &r,
                    json!({"KeyId": format!("${{{cap}.KeyMetadata.KeyId}}"), "PendingWindowInDays": 7}),
                    None,
                ));
            }
        }
        out
    }
}

/// The index of the default VPC capture for region index `r`.
fn i_region(r: usize, n: usize) -> usize {
    r % n
}
