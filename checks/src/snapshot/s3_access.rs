//! Who may use each bucket beyond its policy: its ACL (`GetBucketAcl`) and whether ACLs are
//! disabled (`GetBucketOwnershipControls`), for S3's public read/write logic
//! (`controls::s3_public`, S3.12); the access points of each region and the Multi-Region Access
//! Points, each with its own Block Public Access (S3.19, S3.24); and which buckets the
//! account's trails deliver to.

use std::collections::BTreeMap;

use hubsim_api::model::{cloudtrail, s3, s3control};
use hubsim_api::AwsApi;

use super::{fail, optional, BucketView, FetchError};

/// One bucket's ACL and Object Ownership.
#[derive(Debug, Clone, Default)]
pub struct BucketAcl {
    /// The ACL's grants.
    pub grants: Vec<s3::Grant>,
    /// The Object Ownership setting (`BucketOwnerEnforced`, ...), if the bucket has one.
    pub object_ownership: Option<String>,
    /// The bucket owner's canonical user id (the ACL's `Owner`), if S3 named it.
    pub owner: Option<String>,
}

impl BucketAcl {
    /// Whether ACLs are disabled, so that they grant nothing
    /// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html>).
    pub fn acls_disabled(&self) -> bool {
        self.object_ownership.as_deref() == Some("BucketOwnerEnforced")
    }
}

/// One access point and its Block Public Access settings (fixed when it was created).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccessPointView {
    /// Its name.
    pub name: String,
    /// Its ARN.
    pub arn: String,
    /// The bucket it serves.
    pub bucket: String,
    /// Its Block Public Access settings.
    pub block: s3control::PublicAccessBlockConfiguration,
}

/// The access points of `account` in `region`, each with its settings (`GetAccessPoint`).
pub(super) fn fetch_access_points<A: AwsApi>(
    api: &A,
    account: &str,
    region: &str,
) -> Result<Vec<AccessPointView>, FetchError> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = api
            .call::<s3control::ListAccessPoints>(
                region,
                s3control::ListAccessPointsRequest {
                    account_id: account.to_string(),
                    next_token: token.clone(),
                    ..Default::default()
                },
            )
            .map_err(fail("access points", region))?;
        for ap in page.access_point_list.unwrap_or_default() {
            let got = api
                .call::<s3control::GetAccessPoint>(
                    region,
                    s3control::GetAccessPointRequest { account_id: account.to_string(), name: ap.name.clone() },
                )
                .map_err(fail(&format!("access point {}", ap.name), region))?;
            out.push(AccessPointView {
                arn: ap
                    .access_point_arn
                    .unwrap_or_else(|| format!("arn:aws:s3:{region}:{account}:accesspoint/{}", ap.name)),
                name: ap.name,
                bucket: ap.bucket,
                block: got.public_access_block_configuration.unwrap_or_default(),
            });
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    Ok(out)
}

/// The region that answers for Multi-Region Access Points
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiRegionAccessPointRestrictions.html>).
pub const MRAP_REGION: &str = "us-west-2";

/// One Multi-Region Access Point and its Block Public Access settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MrapView {
    /// Its name.
    pub name: String,
    /// Its alias (`<id>.mrap`), which its ARN names.
    pub alias: String,
    /// Its Block Public Access settings.
    pub block: s3control::PublicAccessBlockConfiguration,
}

/// The account's Multi-Region Access Points, read in [`MRAP_REGION`].
pub(super) fn fetch_mraps<A: AwsApi>(api: &A, account: &str) -> Result<Vec<MrapView>, FetchError> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = api
            .call::<s3control::ListMultiRegionAccessPoints>(
                MRAP_REGION,
                s3control::ListMultiRegionAccessPointsRequest {
                    account_id: account.to_string(),
                    next_token: token.clone(),
                    ..Default::default()
                },
            )
            .map_err(fail("Multi-Region Access Points", MRAP_REGION))?;
        for m in page.access_points.unwrap_or_default() {
            out.push(MrapView {
                name: m.name.unwrap_or_default(),
                alias: m.alias.unwrap_or_default(),
                block: m.public_access_block.unwrap_or_default(),
            });
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    Ok(out)
}

/// A bucket some trail of the account delivers its log files to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrailBucket {
    /// The bucket's name (it may belong to another account).
    pub bucket: String,
    /// The ARNs of the trails that deliver to it.
    pub trails: Vec<String>,
}

/// The ACL and Object Ownership of every bucket, by bucket name.
pub(super) fn fetch_acls<A: AwsApi>(
    api: &A,
    buckets: &[BucketView],
) -> Result<BTreeMap<String, BucketAcl>, FetchError> {
    let mut out = BTreeMap::new();
    for b in buckets {
        let (r, what) = (b.region.as_str(), format!("bucket {}", b.name));
        let acl = api
            .call::<s3::GetBucketAcl>(r, s3::GetBucketAclRequest { bucket: b.name.clone(), ..Default::default() })
            .map_err(fail(&what, r))?;
        let ownership = optional(
            api.call::<s3::GetBucketOwnershipControls>(
                r,
                s3::GetBucketOwnershipControlsRequest { bucket: b.name.clone(), ..Default::default() },
            ),
            &["OwnershipControlsNotFoundError"],
            &what,
            r,
        )?;
        let object_ownership = ownership
            .and_then(|o| o.ownership_controls)
            .and_then(|c| c.rules.first().map(|r| r.object_ownership.clone()));
        let owner = acl.owner.and_then(|o| o.id);
        out.insert(b.name.clone(), BucketAcl { grants: acl.grants.unwrap_or_default(), object_ownership, owner });
    }
    Ok(out)
}

/// The buckets the trails deliver to, from the trails every region lists (a trail homed in one
/// region may deliver to a bucket homed in another), in bucket-name order.
pub(super) fn trail_buckets<'a>(trails: impl Iterator<Item = &'a cloudtrail::Trail>) -> Vec<TrailBucket> {
    let mut by_bucket: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in trails {
        let Some(bucket) = t.s3_bucket_name.clone().filter(|b| !b.is_empty()) else { continue };
        let arn = t.trail_arn.clone().or_else(|| t.name.clone()).unwrap_or_default();
        let arns = by_bucket.entry(bucket).or_default();
        if !arns.contains(&arn) {
            arns.push(arn);
        }
    }
    by_bucket.into_iter().map(|(bucket, trails)| TrailBucket { bucket, trails }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trail(arn: &str, bucket: Option<&str>) -> cloudtrail::Trail {
        cloudtrail::Trail {
            trail_arn: Some(arn.into()),
            s3_bucket_name: bucket.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn each_bucket_once_with_every_trail_that_delivers_to_it() {
        let multi = "arn:aws:cloudtrail:us-east-1:123456789012:trail/multi";
        let single = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/single";
        // A multi-region trail is listed in every region (its shadow copies).
        let trails =
            [trail(multi, Some("logs")), trail(multi, Some("logs")), trail(single, Some("logs")), trail("x", None)];
        assert_eq!(
            trail_buckets(trails.iter()),
            vec![TrailBucket { bucket: "logs".into(), trails: vec![multi.into(), single.into()] }]
        );
    }
}
