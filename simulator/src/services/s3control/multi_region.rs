//! Multi-Region Access Points: Create/Delete (asynchronous: each answers a request token that
//! DescribeMultiRegionAccessPointOperation reports on), Get and List, each with Block Public
//! Access settings fixed at creation
//! (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiRegionAccessPointRestrictions.html>).
//! Their control plane answers in us-west-2 only; hubsim completes each operation at once, so
//! the first Describe already reports it SUCCEEDED [I].

use hubsim_model::{s3control, Timestamp};
use serde::{Deserialize, Serialize};

use super::access_points::check_name;
use super::check_account;
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::services::s3::Bucket;
use crate::store::Resource;
use crate::Ctx;

/// The one region that takes Multi-Region Access Point control-plane requests.
pub const CONTROL_REGION: &str = "us-west-2";

/// At most this many buckets (one per region) behind one Multi-Region Access Point.
const MAX_REGIONS: usize = 17;

/// One Multi-Region Access Point (account-wide, under its name).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MultiRegionAccessPoint {
    /// Name.
    pub name: String,
    /// Its alias (`<random>.mrap`).
    pub alias: String,
    /// Its Block Public Access settings, fixed at creation.
    pub block: s3control::PublicAccessBlockConfiguration,
    /// Its buckets with their regions.
    pub regions: Vec<(String, String)>,
    /// Creation time.
    pub created: Timestamp,
}

impl Resource for MultiRegionAccessPoint {
    const KIND: &'static str = "s3control:mrap";
    const GLOBAL: bool = true;
}

/// One asynchronous request, under its token ARN.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MrapOperation {
    /// The async operation as Describe reports it.
    pub operation: s3control::AsyncOperation,
}

impl Resource for MrapOperation {
    const KIND: &'static str = "s3control:mrap-operation";
    const GLOBAL: bool = true;
}

pub(super) fn register(r: &mut Registrar) {
    r.add::<s3control::CreateMultiRegionAccessPoint>()
        .add::<s3control::DeleteMultiRegionAccessPoint>()
        .add::<s3control::GetMultiRegionAccessPoint>()
        .add::<s3control::ListMultiRegionAccessPoints>()
        .add::<s3control::DescribeMultiRegionAccessPointOperation>();
}

fn check_region(ctx: &Ctx<'_>) -> Result<(), AwsError> {
    if ctx.region() != CONTROL_REGION {
        return Err(AwsError::bad_request(
            "InvalidRequest",
            format!("Multi-Region Access Point requests must be sent to {CONTROL_REGION}, not {}", ctx.region()),
        ));
    }
    Ok(())
}

fn no_such(name: &str) -> AwsError {
    AwsError::not_found(
        "NoSuchMultiRegionAccessPoint",
        format!("The specified Multi-Region Access Point does not exist: {name}"),
    )
}

/// Records a finished operation and answers its token ARN.
fn record(
    ctx: &mut Ctx<'_>,
    kind: &str,
    parameters: s3control::AsyncRequestParameters,
    regions: &[(String, String)],
) -> Result<String, AwsError> {
    let id = ctx.ids().hex(32);
    let token = format!("arn:aws:s3:{CONTROL_REGION}:{}:async-request/mrap/{kind}/{id}", ctx.account());
    let operation = s3control::AsyncOperation {
        creation_time: Some(ctx.now()),
        operation: Some(
            if kind == "create" { "CreateMultiRegionAccessPoint" } else { "DeleteMultiRegionAccessPoint" }.into(),
        ),
        request_token_arn: Some(token.clone()),
        request_parameters: Some(parameters),
        request_status: Some("SUCCEEDED".into()),
        response_details: Some(s3control::AsyncResponseDetails {
            multi_region_access_point_details: Some(s3control::MultiRegionAccessPointsAsyncResponse {
                regions: Some(
                    regions
                        .iter()
                        .map(|(_, region)| s3control::MultiRegionAccessPointRegionalResponse {
                            name: Some(region.clone()),
                            request_status: Some(if kind == "create" { "COMPLETED" } else { "DELETED" }.into()),
                        })
                        .collect(),
                ),
            }),
            error_details: None,
        }),
    };
    ctx.put(&token, &MrapOperation { operation })?;
    Ok(token)
}

fn report(m: &MultiRegionAccessPoint) -> s3control::MultiRegionAccessPointReport {
    s3control::MultiRegionAccessPointReport {
        name: Some(m.name.clone()),
        alias: Some(m.alias.clone()),
        created_at: Some(m.created),
        public_access_block: Some(m.block.clone()),
        status: Some("READY".into()),
        regions: Some(
            m.regions
                .iter()
                .map(|(bucket, region)| s3control::RegionReport {
                    bucket: Some(bucket.clone()),
                    region: Some(region.clone()),
                    bucket_account_id: None,
                })
                .collect(),
        ),
    }
}

impl Handler for s3control::CreateMultiRegionAccessPoint {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3control::CreateMultiRegionAccessPointRequest,
    ) -> Result<s3control::CreateMultiRegionAccessPointResult, AwsError> {
        check_account(ctx, &input.account_id)?;
        check_region(ctx)?;
        let details = input.details;
        check_name(&details.name, "Multi-Region Access Point")?;
        if details.regions.is_empty() || details.regions.len() > MAX_REGIONS {
            return Err(AwsError::bad_request(
                "InvalidRequest",
                format!("A Multi-Region Access Point needs 1 to {MAX_REGIONS} buckets, not {}", details.regions.len()),
            ));
        }
        let mut regions: Vec<(String, String)> = Vec::new();
        for r in &details.regions {
            if r.bucket_account_id.as_deref().is_some_and(|a| a != ctx.account()) {
                return Err(AwsError::bad_request(
                    "InvalidRequest",
                    "hubsim simulates one account: BucketAccountId must be the caller's account",
                ));
            }
            let b = ctx.get::<Bucket>(&r.bucket)?.ok_or_else(|| crate::services::s3::no_such_bucket(&r.bucket))?;
            if regions.iter().any(|(_, region)| *region == b.region) {
                return Err(AwsError::bad_request(
                    "InvalidRequest",
                    format!("A Multi-Region Access Point takes one bucket per region: two are in {}", b.region),
                ));
            }
            regions.push((b.name, b.region));
        }
        if ctx.get::<MultiRegionAccessPoint>(&details.name)?.is_some() {
            return Err(AwsError::conflict(
                "MultiRegionAccessPointAlreadyExists",
                format!("A Multi-Region Access Point named {} already exists in this account", details.name),
            ));
        }
        let block = super::creation_block(details.public_access_block.as_ref());
        let alias = format!("{}.mrap", ctx.ids().hex(13));
        let mrap = MultiRegionAccessPoint {
            name: details.name.clone(),
            alias,
            block,
            regions: regions.clone(),
            created: ctx.now(),
        };
        ctx.put(&details.name, &mrap)?;
        let parameters = s3control::AsyncRequestParameters {
            create_multi_region_access_point_request: Some(details),
            ..Default::default()
        };
        let token = record(ctx, "create", parameters, &regions)?;
        Ok(s3control::CreateMultiRegionAccessPointResult { request_token_arn: Some(token) })
    }
}

impl Handler for s3control::DeleteMultiRegionAccessPoint {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3control::DeleteMultiRegionAccessPointRequest,
    ) -> Result<s3control::DeleteMultiRegionAccessPointResult, AwsError> {
        check_account(ctx, &input.account_id)?;
        check_region(ctx)?;
        let name = input.details.name.clone();
        let mrap = ctx.get::<MultiRegionAccessPoint>(&name)?.ok_or_else(|| no_such(&name))?;
        ctx.delete::<MultiRegionAccessPoint>(&name)?;
        let parameters = s3control::AsyncRequestParameters {
            delete_multi_region_access_point_request: Some(input.details),
            ..Default::default()
        };
        let token = record(ctx, "delete", parameters, &mrap.regions)?;
        Ok(s3control::DeleteMultiRegionAccessPointResult { request_token_arn: Some(token) })
    }
}

impl Handler for s3control::GetMultiRegionAccessPoint {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3control::GetMultiRegionAccessPointRequest,
    ) -> Result<s3control::GetMultiRegionAccessPointResult, AwsError> {
        check_account(ctx, &input.account_id)?;
        check_region(ctx)?;
        let m = ctx.get::<MultiRegionAccessPoint>(&input.name)?.ok_or_else(|| no_such(&input.name))?;
        Ok(s3control::GetMultiRegionAccessPointResult { access_point: Some(report(&m)) })
    }
}

impl Handler for s3control::ListMultiRegionAccessPoints {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3control::ListMultiRegionAccessPointsRequest,
    ) -> Result<s3control::ListMultiRegionAccessPointsResult, AwsError> {
        check_account(ctx, &input.account_id)?;
        check_region(ctx)?;
        let max = match input.max_results {
            None => 100,
            Some(n @ 1..=100) => n as usize,
            Some(n) => {
                return Err(AwsError::bad_request("InvalidArgument", format!("MaxResults {n} must be from 1 to 100")))
            }
        };
        let mut all: Vec<MultiRegionAccessPoint> =
            ctx.list::<MultiRegionAccessPoint>()?.into_iter().map(|(_, m)| m).collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(token) = &input.next_token {
            all.retain(|m| m.name.as_str() > token.as_str());
        }
        let next_token = (all.len() > max).then(|| all[max - 1].name.clone());
        all.truncate(max);
        Ok(s3control::ListMultiRegionAccessPointsResult {
            access_points: Some(all.iter().map(report).collect()),
            next_token,
        })
    }
}

impl Handler for s3control::DescribeMultiRegionAccessPointOperation {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3control::DescribeMultiRegionAccessPointOperationRequest,
    ) -> Result<s3control::DescribeMultiRegionAccessPointOperationResult, AwsError> {
        check_account(ctx, &input.account_id)?;
        check_region(ctx)?;
        let op = ctx.get::<MrapOperation>(&input.request_token_arn)?.ok_or_else(|| {
            AwsError::not_found(
                "NoSuchAsyncRequest",
                format!("The specified request does not exist: {}", input.request_token_arn),
            )
        })?;
        Ok(s3control::DescribeMultiRegionAccessPointOperationResult { async_operation: Some(op.operation) })
    }
}
