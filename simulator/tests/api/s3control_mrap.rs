//! Multi-Region Access Points: created (a request token Describe reports SUCCEEDED), got,
//! listed and deleted in us-west-2 only, with Block Public Access all on unless given; bad names,
//! unknown buckets, two buckets in one region, repeated names and other regions refused with
//! nothing changed.

use hubsim_simulator::model::s3control;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

use crate::support::create_bucket;

const CONTROL: &str = "us-west-2";
const ACCOUNT: &str = "123456789012";

fn world() -> Simulator {
    let sim = fresh_account(Era::Current, &["us-east-1", CONTROL, "eu-west-1"]);
    create_bucket(&sim, "us-east-1", "mrap-east", None);
    create_bucket(&sim, "eu-west-1", "mrap-west", None);
    create_bucket(&sim, "eu-west-1", "mrap-west-2", None);
    sim
}

fn create(
    sim: &Simulator,
    region: &str,
    name: &str,
    buckets: &[&str],
    block: Option<s3control::PublicAccessBlockConfiguration>,
) -> Result<String, AwsError> {
    sim.call::<s3control::CreateMultiRegionAccessPoint>(
        region,
        s3control::CreateMultiRegionAccessPointRequest {
            account_id: ACCOUNT.into(),
            client_token: "token-1".into(),
            details: s3control::CreateMultiRegionAccessPointInput {
                name: name.into(),
                public_access_block: block,
                regions: buckets
                    .iter()
                    .map(|b| s3control::Region { bucket: b.to_string(), bucket_account_id: None })
                    .collect(),
            },
        },
    )
    .map(|o| o.request_token_arn.unwrap_or_default())
}

fn get(sim: &Simulator, name: &str) -> Result<s3control::MultiRegionAccessPointReport, AwsError> {
    sim.call::<s3control::GetMultiRegionAccessPoint>(
        CONTROL,
        s3control::GetMultiRegionAccessPointRequest { account_id: ACCOUNT.into(), name: name.into() },
    )
    .map(|o| o.access_point.unwrap_or_default())
}

fn names(sim: &Simulator) -> Vec<String> {
    sim.call::<s3control::ListMultiRegionAccessPoints>(
        CONTROL,
        s3control::ListMultiRegionAccessPointsRequest { account_id: ACCOUNT.into(), ..Default::default() },
    )
    .unwrap()
    .access_points
    .unwrap_or_default()
    .into_iter()
    .filter_map(|a| a.name)
    .collect()
}

#[test]
fn create_describe_get_list_delete() {
    let sim = world();
    let token = create(&sim, CONTROL, "global-data", &["mrap-east", "mrap-west"], None).unwrap();
    assert!(token.starts_with("arn:aws:s3:us-west-2:123456789012:async-request/mrap/create/"), "{token}");
    let op = sim
        .call::<s3control::DescribeMultiRegionAccessPointOperation>(
            CONTROL,
            s3control::DescribeMultiRegionAccessPointOperationRequest {
                account_id: ACCOUNT.into(),
                request_token_arn: token.clone(),
            },
        )
        .unwrap()
        .async_operation
        .unwrap();
    assert_eq!(op.request_status.as_deref(), Some("SUCCEEDED"));
    assert_eq!(op.operation.as_deref(), Some("CreateMultiRegionAccessPoint"));
    let m = get(&sim, "global-data").unwrap();
    assert_eq!(m.status.as_deref(), Some("READY"));
    assert!(m.alias.as_deref().is_some_and(|a| a.ends_with(".mrap")));
    let block = m.public_access_block.unwrap();
    assert_eq!(
        [block.block_public_acls, block.ignore_public_acls, block.block_public_policy, block.restrict_public_buckets],
        [Some(true); 4]
    );
    let regions: Vec<(Option<String>, Option<String>)> =
        m.regions.unwrap().into_iter().map(|r| (r.bucket, r.region)).collect();
    assert_eq!(
        regions,
        [(Some("mrap-east".into()), Some("us-east-1".into())), (Some("mrap-west".into()), Some("eu-west-1".into()))]
    );
    let open = s3control::PublicAccessBlockConfiguration { block_public_acls: Some(false), ..Default::default() };
    create(&sim, CONTROL, "open-data", &["mrap-west"], Some(open)).unwrap();
    assert_eq!(get(&sim, "open-data").unwrap().public_access_block.unwrap().restrict_public_buckets, Some(false));
    assert_eq!(names(&sim), ["global-data", "open-data"]);
    let deleted = sim
        .call::<s3control::DeleteMultiRegionAccessPoint>(
            CONTROL,
            s3control::DeleteMultiRegionAccessPointRequest {
                account_id: ACCOUNT.into(),
                client_token: "token-2".into(),
                details: s3control::DeleteMultiRegionAccessPointInput { name: "open-data".into() },
            },
        )
        .unwrap();
    assert!(deleted.request_token_arn.unwrap_or_default().contains("/mrap/delete/"));
    assert_eq!(get(&sim, "open-data").unwrap_err().code, "NoSuchMultiRegionAccessPoint");
    assert_eq!(names(&sim), ["global-data"]);
    let unknown = sim
        .call::<s3control::DescribeMultiRegionAccessPointOperation>(
            CONTROL,
            s3control::DescribeMultiRegionAccessPointOperationRequest {
                account_id: ACCOUNT.into(),
                request_token_arn: format!("{token}0"),
            },
        )
        .unwrap_err();
    assert_eq!((unknown.code.as_str(), unknown.status), ("NoSuchAsyncRequest", 404));
}

#[test]
fn refusals_change_nothing() {
    let sim = world();
    create(&sim, CONTROL, "taken", &["mrap-east"], None).unwrap();
    for (region, name, buckets, code, status) in [
        ("us-east-1", "elsewhere", &["mrap-east"][..], "InvalidRequest", 400),
        (CONTROL, "Bad_Name", &["mrap-east"][..], "InvalidArgument", 400),
        (CONTROL, "no-bucket", &["missing-bucket"][..], "NoSuchBucket", 404),
        (CONTROL, "same-region", &["mrap-west", "mrap-west-2"][..], "InvalidRequest", 400),
        (CONTROL, "taken", &["mrap-west"][..], "MultiRegionAccessPointAlreadyExists", 409),
    ] {
        let e = create(&sim, region, name, buckets, None).unwrap_err();
        assert_eq!((e.code.as_str(), e.status), (code, status), "{name}");
    }
    assert_eq!(names(&sim), ["taken"]);
    assert_eq!(get(&sim, "taken").unwrap().regions.unwrap().len(), 1);
}
