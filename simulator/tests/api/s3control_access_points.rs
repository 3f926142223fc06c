//! S3 access points: created with their own Block Public Access (all on unless given), got,
//! listed (by bucket, paged) and deleted; bad names, unknown buckets, buckets in another
//! region and repeated names refused with nothing changed.

use hubsim_simulator::model::s3control;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

use crate::support::create_bucket;

const REGION: &str = "us-east-1";
const ACCOUNT: &str = "123456789012";

fn world() -> Simulator {
    let sim = fresh_account(Era::Current, &[REGION, "eu-west-1"]);
    create_bucket(&sim, REGION, "ap-data", None);
    create_bucket(&sim, "eu-west-1", "ap-elsewhere", None);
    sim
}

fn account(sim: &Simulator) -> String {
    let id = sim.call::<hubsim_simulator::model::sts::GetCallerIdentity>(REGION, Default::default()).unwrap().account;
    id.unwrap_or_else(|| ACCOUNT.to_string())
}

fn create(
    sim: &Simulator,
    name: &str,
    bucket: &str,
    block: Option<s3control::PublicAccessBlockConfiguration>,
) -> Result<s3control::CreateAccessPointResult, AwsError> {
    sim.call::<s3control::CreateAccessPoint>(
        REGION,
        s3control::CreateAccessPointRequest {
            account_id: account(sim),
            name: name.into(),
            bucket: bucket.into(),
            public_access_block_configuration: block,
            ..Default::default()
        },
    )
}

fn list(
    sim: &Simulator,
    bucket: Option<&str>,
    max: Option<i32>,
    token: Option<String>,
) -> s3control::ListAccessPointsResult {
    sim.call::<s3control::ListAccessPoints>(
        REGION,
        s3control::ListAccessPointsRequest {
            account_id: account(sim),
            bucket: bucket.map(str::to_string),
            max_results: max,
            next_token: token,
            ..Default::default()
        },
    )
    .unwrap()
}

fn names(r: &s3control::ListAccessPointsResult) -> Vec<String> {
    r.access_point_list.iter().flatten().map(|a| a.name.clone()).collect()
}

#[test]
fn create_get_list_delete() {
    let sim = world();
    let acc = account(&sim);
    let out = create(
        &sim,
        "open-ap",
        "ap-data",
        Some(s3control::PublicAccessBlockConfiguration { block_public_acls: Some(false), ..Default::default() }),
    )
    .unwrap();
    assert_eq!(
        out.access_point_arn.as_deref(),
        Some(format!("arn:aws:s3:us-east-1:{acc}:accesspoint/open-ap").as_str())
    );
    assert!(out.alias.as_deref().is_some_and(|a| a.starts_with("open-ap-") && a.ends_with("-s3alias")));
    create(&sim, "closed-ap", "ap-data", None).unwrap();
    let get = |name: &str| {
        sim.call::<s3control::GetAccessPoint>(
            REGION,
            s3control::GetAccessPointRequest { account_id: acc.clone(), name: name.into() },
        )
    };
    let open = get("open-ap").unwrap();
    assert_eq!(open.bucket.as_deref(), Some("ap-data"));
    assert_eq!(open.network_origin.as_deref(), Some("Internet"));
    assert_eq!(open.alias, out.alias);
    // Flags a given configuration leaves out are off.
    let off = s3control::PublicAccessBlockConfiguration {
        block_public_acls: Some(false),
        ignore_public_acls: Some(false),
        block_public_policy: Some(false),
        restrict_public_buckets: Some(false),
    };
    assert_eq!(open.public_access_block_configuration, Some(off));
    // Without one, all four are on.
    let closed = get("closed-ap").unwrap().public_access_block_configuration.unwrap();
    assert_eq!(
        [
            closed.block_public_acls,
            closed.ignore_public_acls,
            closed.block_public_policy,
            closed.restrict_public_buckets
        ],
        [Some(true); 4]
    );
    assert_eq!(names(&list(&sim, None, None, None)), ["closed-ap", "open-ap"]);
    assert_eq!(names(&list(&sim, Some("other"), None, None)), Vec::<String>::new());
    let page = list(&sim, Some("ap-data"), Some(1), None);
    assert_eq!(names(&page), ["closed-ap"]);
    let rest = list(&sim, Some("ap-data"), Some(1), page.next_token.clone());
    assert_eq!((names(&rest), rest.next_token), (vec!["open-ap".to_string()], None));
    sim.call::<s3control::DeleteAccessPoint>(
        REGION,
        s3control::DeleteAccessPointRequest { account_id: acc.clone(), name: "open-ap".into() },
    )
    .unwrap();
    let gone = get("open-ap").unwrap_err();
    assert_eq!((gone.code.as_str(), gone.status), ("NoSuchAccessPoint", 404));
    let again = sim
        .call::<s3control::DeleteAccessPoint>(
            REGION,
            s3control::DeleteAccessPointRequest { account_id: acc, name: "open-ap".into() },
        )
        .unwrap_err();
    assert_eq!(again.code, "NoSuchAccessPoint");
}

#[test]
fn refusals_change_nothing() {
    let sim = world();
    create(&sim, "taken", "ap-data", None).unwrap();
    for (name, bucket, code, status) in [
        ("Upper-Case", "ap-data", "InvalidArgument", 400),
        ("ab", "ap-data", "InvalidArgument", 400),
        ("-dash", "ap-data", "InvalidArgument", 400),
        ("x-s3alias", "ap-data", "InvalidArgument", 400),
        ("no-bucket", "missing-bucket", "NoSuchBucket", 404),
        ("other-region", "ap-elsewhere", "InvalidRequest", 400),
        ("taken", "ap-data", "AccessPointAlreadyOwnedByYou", 409),
    ] {
        let e = create(&sim, name, bucket, None).unwrap_err();
        assert_eq!((e.code.as_str(), e.status), (code, status), "{name}");
    }
    let e = sim
        .call::<s3control::CreateAccessPoint>(
            REGION,
            s3control::CreateAccessPointRequest {
                account_id: "999999999999".into(),
                name: "elsewhere".into(),
                bucket: "ap-data".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code, "AccessDenied");
    assert_eq!(names(&list(&sim, None, None, None)), ["taken"]);
    let e = sim
        .call::<s3control::ListAccessPoints>(
            REGION,
            s3control::ListAccessPointsRequest {
                account_id: account(&sim),
                max_results: Some(0),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.status, 400);
}

#[test]
fn access_points_are_regional_and_deterministic() {
    let (a, b) = (world(), world());
    let (x, y) = (create(&a, "ap-one", "ap-data", None).unwrap(), create(&b, "ap-one", "ap-data", None).unwrap());
    assert_eq!(x.alias, y.alias);
    let elsewhere = a
        .call::<s3control::ListAccessPoints>(
            "eu-west-1",
            s3control::ListAccessPointsRequest { account_id: account(&a), ..Default::default() },
        )
        .unwrap();
    assert_eq!(names(&elsewhere), Vec::<String>::new());
}
