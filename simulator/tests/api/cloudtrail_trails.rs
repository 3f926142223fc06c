//! CloudTrail trails: creation preconditions, shadow trails, updates, logging status, event
//! selectors and the tolerate reads.

use hubsim_simulator::model::{cloudtrail as ct, kms, logs, s3};
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, Era, Simulator};
use serde_json::json;

const REGION: &str = "eu-west-1";
const OTHER: &str = "us-east-1";
const DISABLED: &str = "ap-south-1";
const BUCKET: &str = "trail-logs-bucket";

fn code<T: std::fmt::Debug>(r: Result<T, hubsim_simulator::AwsError>) -> String {
    r.unwrap_err().code
}

fn trail_bucket_policy(bucket: &str, prefix: Option<&str>) -> String {
    let path = match prefix {
        Some(p) => format!("arn:aws:s3:::{bucket}/{p}/AWSLogs/{ACCOUNT}/*"),
        None => format!("arn:aws:s3:::{bucket}/AWSLogs/{ACCOUNT}/*"),
    };
    json!({"Version":"2012-10-17","Statement":[
        {"Sid":"AWSCloudTrailAclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},
         "Action":"s3:GetBucketAcl","Resource":format!("arn:aws:s3:::{bucket}")},
        {"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},
         "Action":"s3:PutObject","Resource":path,
         "Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}]})
    .to_string()
}

fn make_bucket(sim: &Simulator, bucket: &str, policy: Option<String>) {
    crate::support::create_bucket(sim, REGION, bucket, policy);
}

/// A world with the trail bucket ready.
fn world() -> Simulator {
    let sim = fresh_account(Era::Current, &[REGION, OTHER]);
    make_bucket(&sim, BUCKET, Some(trail_bucket_policy(BUCKET, None)));
    sim
}

fn req(name: &str) -> ct::CreateTrailRequest {
    ct::CreateTrailRequest { name: name.into(), s3_bucket_name: BUCKET.into(), ..Default::default() }
}

fn create(sim: &Simulator, r: ct::CreateTrailRequest) -> Result<ct::CreateTrailResponse, hubsim_simulator::AwsError> {
    sim.call::<ct::CreateTrail>(REGION, r)
}

fn describe(sim: &Simulator, region: &str) -> Vec<ct::Trail> {
    sim.call::<ct::DescribeTrails>(region, Default::default()).unwrap().trail_list.unwrap()
}

fn status(sim: &Simulator, region: &str, name: &str) -> Result<ct::GetTrailStatusResponse, hubsim_simulator::AwsError> {
    sim.call::<ct::GetTrailStatus>(region, ct::GetTrailStatusRequest { name: name.into() })
}

fn trail_arn(region: &str, name: &str) -> String {
    format!("arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{name}")
}

fn update(
    sim: &Simulator,
    region: &str,
    r: ct::UpdateTrailRequest,
) -> Result<ct::UpdateTrailResponse, hubsim_simulator::AwsError> {
    sim.call::<ct::UpdateTrail>(region, r)
}

#[test]
fn fresh_account_has_no_trails() {
    let sim = fresh_account(Era::Current, &[REGION]);
    assert_eq!(describe(&sim, REGION), vec![]);
    assert_eq!(sim.call::<ct::ListTrails>(REGION, Default::default()).unwrap().trails, Some(vec![]));
    let err = status(&sim, REGION, "main").unwrap_err();
    assert_eq!(err.code, "TrailNotFoundException");
    assert_eq!(err.message, format!("Unknown trail: main for the user: {ACCOUNT}"));
}

#[test]
fn create_trail_needs_bucket_and_policy() {
    let sim = fresh_account(Era::Current, &[REGION]);
    assert_eq!(code(create(&sim, req("main"))), "S3BucketDoesNotExistException");
    make_bucket(&sim, BUCKET, None);
    let err = create(&sim, req("main")).unwrap_err();
    assert_eq!(err.code, "InsufficientS3BucketPolicyException");
    assert_eq!(err.message, format!("Incorrect S3 bucket policy is detected for bucket: {BUCKET}"));
    // Only the ACL check statement: still insufficient.
    let acl_only = json!({"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},
        "Action":"s3:GetBucketAcl","Resource":format!("arn:aws:s3:::{BUCKET}")}]})
    .to_string();
    sim.call::<s3::PutBucketPolicy>(
        REGION,
        s3::PutBucketPolicyRequest { bucket: BUCKET.into(), policy: acl_only, ..Default::default() },
    )
    .unwrap();
    assert_eq!(code(create(&sim, req("main"))), "InsufficientS3BucketPolicyException");
    // A policy for the wrong service principal does not count either.
    let config = trail_bucket_policy(BUCKET, None).replace("cloudtrail.amazonaws.com", "config.amazonaws.com");
    sim.call::<s3::PutBucketPolicy>(
        REGION,
        s3::PutBucketPolicyRequest { bucket: BUCKET.into(), policy: config, ..Default::default() },
    )
    .unwrap();
    assert_eq!(code(create(&sim, req("main"))), "InsufficientS3BucketPolicyException");
    assert_eq!(describe(&sim, REGION), vec![], "failed creates stored nothing");

    sim.call::<s3::PutBucketPolicy>(
        REGION,
        s3::PutBucketPolicyRequest {
            bucket: BUCKET.into(),
            policy: trail_bucket_policy(BUCKET, None),
            ..Default::default()
        },
    )
    .unwrap();
    // The policy covers AWSLogs/<acct>/ at the bucket root, not under a prefix.
    let prefixed = ct::CreateTrailRequest { s3_key_prefix: Some("cloudtrail".into()), ..req("main") };
    assert_eq!(code(create(&sim, prefixed)), "InsufficientS3BucketPolicyException");
    create(&sim, req("main")).unwrap();
    assert_eq!(describe(&sim, REGION).len(), 1);
}

#[test]
fn create_trail_defaults() {
    let sim = world();
    let out = create(&sim, req("main")).unwrap();
    assert_eq!(out.trail_arn.as_deref(), Some(trail_arn(REGION, "main").as_str()));
    assert_eq!(out.include_global_service_events, Some(true));
    assert_eq!(out.is_multi_region_trail, Some(false));
    assert_eq!(out.log_file_validation_enabled, Some(false));
    assert_eq!(out.kms_key_id, None);
    let trails = describe(&sim, REGION);
    let t = &trails[0];
    assert_eq!(t.name.as_deref(), Some("main"));
    assert_eq!(t.s3_bucket_name.as_deref(), Some(BUCKET));
    assert_eq!(t.home_region.as_deref(), Some(REGION));
    assert_eq!(t.has_custom_event_selectors, Some(false));
    assert_eq!(t.has_insight_selectors, Some(false));
    assert_eq!(t.is_organization_trail, Some(false));
    assert_eq!(t.cloud_watch_logs_log_group_arn, None);
    let got = sim.call::<ct::GetTrail>(REGION, ct::GetTrailRequest { name: trail_arn(REGION, "main") }).unwrap();
    assert_eq!(got.trail.as_ref(), Some(t));

    // A new trail is not logging.
    let st = status(&sim, REGION, "main").unwrap();
    assert_eq!(st.is_logging, Some(false));
    assert_eq!(st.start_logging_time, None);
    assert_eq!(st.latest_delivery_time, None);

    let sel =
        sim.call::<ct::GetEventSelectors>(REGION, ct::GetEventSelectorsRequest { trail_name: "main".into() }).unwrap();
    assert_eq!(sel.trail_arn.as_deref(), Some(trail_arn(REGION, "main").as_str()));
    let s = &sel.event_selectors.unwrap()[0];
    assert_eq!(s.read_write_type.as_deref(), Some("All"));
    assert_eq!(s.include_management_events, Some(true));
    assert_eq!(sel.advanced_event_selectors, None);
}

#[test]
fn create_trail_checks_names_and_combinations() {
    let sim = world();
    for bad in ["ab", "-trail", "trail-", "my--trail", "my._trail", "has space", "192.168.1.1"] {
        assert_eq!(code(create(&sim, req(bad))), "InvalidTrailNameException", "{bad}");
    }
    let global_off = ct::CreateTrailRequest {
        is_multi_region_trail: Some(true),
        include_global_service_events: Some(false),
        ..req("multi")
    };
    assert_eq!(code(create(&sim, global_off)), "InvalidParameterCombinationException");
    let org = ct::CreateTrailRequest { is_organization_trail: Some(true), ..req("org") };
    assert_eq!(code(create(&sim, org)), "NotOrganizationMasterAccountException", "the test account is a member");
    create(&sim, req("main")).unwrap();
    let err = create(&sim, req("main")).unwrap_err();
    assert_eq!(err.code, "TrailAlreadyExistsException");
    assert_eq!(describe(&sim, REGION).len(), 1);
}

#[test]
fn multi_region_trail_is_shadowed_in_every_enabled_region() {
    let sim = world();
    create(&sim, ct::CreateTrailRequest { is_multi_region_trail: Some(true), ..req("org-trail") }).unwrap();
    create(&sim, req("local")).unwrap();
    let arn = trail_arn(REGION, "org-trail");

    let home = describe(&sim, REGION);
    assert_eq!(home.len(), 2);
    let shadow = describe(&sim, OTHER);
    assert_eq!(shadow.len(), 1, "the single-region trail is not visible elsewhere");
    assert_eq!(shadow[0], home[0], "a shadow trail has the same fields");
    assert_eq!(shadow[0].home_region.as_deref(), Some(REGION));
    let no_shadows = sim
        .call::<ct::DescribeTrails>(
            OTHER,
            ct::DescribeTrailsRequest { include_shadow_trails: Some(false), ..Default::default() },
        )
        .unwrap();
    assert_eq!(no_shadows.trail_list, Some(vec![]));
    let disabled = sim.call::<ct::DescribeTrails>(DISABLED, Default::default()).err().map(|e| e.code);
    assert_eq!(disabled.as_deref(), Some("UnrecognizedClientException"), "a region the account has not enabled");
    // Names select trails of the call's region; ARNs select any.
    let by_name = sim
        .call::<ct::DescribeTrails>(
            OTHER,
            ct::DescribeTrailsRequest { trail_name_list: Some(vec!["org-trail".into()]), ..Default::default() },
        )
        .unwrap();
    assert_eq!(by_name.trail_list, Some(vec![]));
    let by_arn = sim
        .call::<ct::DescribeTrails>(
            OTHER,
            ct::DescribeTrailsRequest { trail_name_list: Some(vec![arn.clone()]), ..Default::default() },
        )
        .unwrap();
    assert_eq!(by_arn.trail_list.unwrap().len(), 1);

    // Reads work from the shadow region; GetTrailStatus needs the ARN there.
    assert!(sim.call::<ct::GetTrail>(OTHER, ct::GetTrailRequest { name: "org-trail".into() }).is_ok());
    assert_eq!(
        code(sim.call::<ct::GetTrail>(OTHER, ct::GetTrailRequest { name: "local".into() })),
        "TrailNotFoundException"
    );
    assert_eq!(code(status(&sim, OTHER, "org-trail")), "TrailNotFoundException");
    assert_eq!(status(&sim, OTHER, &arn).unwrap().is_logging, Some(false));
    assert!(sim.call::<ct::GetEventSelectors>(OTHER, ct::GetEventSelectorsRequest { trail_name: arn.clone() }).is_ok());

    // Writes only from the home region.
    let write_errors = [
        code(update(
            &sim,
            OTHER,
            ct::UpdateTrailRequest { name: arn.clone(), enable_log_file_validation: Some(true), ..Default::default() },
        )),
        code(sim.call::<ct::StartLogging>(OTHER, ct::StartLoggingRequest { name: arn.clone() })),
        code(sim.call::<ct::StopLogging>(OTHER, ct::StopLoggingRequest { name: "org-trail".into() })),
        code(sim.call::<ct::PutEventSelectors>(
            OTHER,
            ct::PutEventSelectorsRequest {
                trail_name: arn.clone(),
                event_selectors: Some(vec![Default::default()]),
                ..Default::default()
            },
        )),
        code(sim.call::<ct::DeleteTrail>(OTHER, ct::DeleteTrailRequest { name: arn.clone() })),
    ];
    assert!(write_errors.iter().all(|c| c == "InvalidHomeRegionException"), "{write_errors:?}");
    assert_eq!(describe(&sim, REGION)[0].log_file_validation_enabled, Some(false));
    assert_eq!(status(&sim, REGION, "org-trail").unwrap().is_logging, Some(false));

    // The name is taken in every region.
    let again = sim.call::<ct::CreateTrail>(OTHER, req("org-trail"));
    assert_eq!(code(again), "TrailAlreadyExistsException");
    // ListTrails lists the account's trails with their home regions.
    let listed = sim.call::<ct::ListTrails>(OTHER, Default::default()).unwrap().trails.unwrap();
    let names: Vec<_> = listed.iter().map(|t| (t.name.clone().unwrap(), t.home_region.clone().unwrap())).collect();
    assert_eq!(names, vec![("org-trail".to_string(), REGION.to_string()), ("local".to_string(), REGION.to_string())]);

    // Starting logging in the home region shows in the shadow's status.
    sim.call::<ct::StartLogging>(REGION, ct::StartLoggingRequest { name: "org-trail".into() }).unwrap();
    assert_eq!(status(&sim, OTHER, &arn).unwrap().is_logging, Some(true));
    sim.call::<ct::DeleteTrail>(REGION, ct::DeleteTrailRequest { name: arn }).unwrap();
    assert_eq!(describe(&sim, OTHER), vec![]);
}

fn key_with_policy(sim: &Simulator, region: &str, cloudtrail: bool) -> kms::KeyMetadata {
    let mut statements = vec![json!({"Sid":"Enable IAM User Permissions","Effect":"Allow",
        "Principal":{"AWS":format!("arn:aws:iam::{ACCOUNT}:root")},"Action":"kms:*","Resource":"*"})];
    if cloudtrail {
        statements.push(json!({"Sid":"Allow CloudTrail to encrypt logs","Effect":"Allow",
            "Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"kms:GenerateDataKey*","Resource":"*",
            "Condition":{"StringLike":{"kms:EncryptionContext:aws:cloudtrail:arn":format!("arn:aws:cloudtrail:*:{ACCOUNT}:trail/*")}}}));
    }
    let policy = json!({"Version":"2012-10-17","Statement":statements}).to_string();
    sim.call::<kms::CreateKey>(region, kms::CreateKeyRequest { policy: Some(policy), ..Default::default() })
        .unwrap()
        .key_metadata
        .unwrap()
}

#[test]
fn kms_key_preconditions() {
    let sim = world();
    let with_key = |key: &str| ct::CreateTrailRequest { kms_key_id: Some(key.into()), ..req("enc") };
    let missing = "1234abcd-12ab-34cd-56ef-1234567890ab";
    assert_eq!(code(create(&sim, with_key(missing))), "KmsKeyNotFoundException");
    assert_eq!(code(create(&sim, with_key("alias/none"))), "KmsKeyNotFoundException");
    let root_only = key_with_policy(&sim, REGION, false);
    assert_eq!(code(create(&sim, with_key(&root_only.key_id))), "InsufficientEncryptionPolicyException");
    let elsewhere = key_with_policy(&sim, OTHER, true);
    assert_eq!(
        code(create(&sim, with_key(elsewhere.arn.as_deref().unwrap()))),
        "KmsKeyNotFoundException",
        "the key must be in the bucket's region"
    );
    assert_eq!(describe(&sim, REGION), vec![]);

    let good = key_with_policy(&sim, REGION, true);
    sim.call::<kms::CreateAlias>(
        REGION,
        kms::CreateAliasRequest { alias_name: "alias/cloudtrail".into(), target_key_id: good.key_id.clone() },
    )
    .unwrap();
    let out = create(&sim, with_key("alias/cloudtrail")).unwrap();
    assert_eq!(out.kms_key_id, good.arn, "KmsKeyId is stored as the key ARN");
    assert_eq!(describe(&sim, REGION)[0].kms_key_id, good.arn);

    // CloudTrail.2 remediation: add a key with UpdateTrail, and remove it with "".
    create(&sim, req("plain")).unwrap();
    let bad = update(
        &sim,
        REGION,
        ct::UpdateTrailRequest {
            name: "plain".into(),
            kms_key_id: Some(root_only.key_id.clone()),
            ..Default::default()
        },
    );
    assert_eq!(code(bad), "InsufficientEncryptionPolicyException");
    let get = |name: &str| {
        sim.call::<ct::GetTrail>(REGION, ct::GetTrailRequest { name: name.into() }).unwrap().trail.unwrap()
    };
    assert_eq!(get("plain").kms_key_id, None);
    let up = update(
        &sim,
        REGION,
        ct::UpdateTrailRequest { name: "plain".into(), kms_key_id: Some(good.key_id.clone()), ..Default::default() },
    )
    .unwrap();
    assert_eq!(up.kms_key_id, good.arn);
    assert_eq!(get("plain").kms_key_id, good.arn);
    update(
        &sim,
        REGION,
        ct::UpdateTrailRequest { name: "plain".into(), kms_key_id: Some(String::new()), ..Default::default() },
    )
    .unwrap();
    assert_eq!(get("plain").kms_key_id, None);

    // A key pending deletion cannot be used.
    sim.call::<kms::ScheduleKeyDeletion>(
        REGION,
        kms::ScheduleKeyDeletionRequest { key_id: good.key_id.clone(), pending_window_in_days: None },
    )
    .unwrap();
    let pending = update(
        &sim,
        REGION,
        ct::UpdateTrailRequest { name: "plain".into(), kms_key_id: Some(good.key_id), ..Default::default() },
    );
    assert_eq!(code(pending), "KmsException");
}

#[test]
fn cloudwatch_logs_preconditions() {
    // iam::role_by_arn is implemented by the IAM helper; only the failure branches are
    // covered here.
    let sim = world();
    let group_arn = format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:CloudTrail/main:*");
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/CloudTrail_CloudWatchLogs_Role");
    let with = |group: Option<&str>, role: Option<&str>| ct::CreateTrailRequest {
        cloud_watch_logs_log_group_arn: group.map(str::to_string),
        cloud_watch_logs_role_arn: role.map(str::to_string),
        ..req("main")
    };
    assert_eq!(
        code(create(&sim, with(Some(&group_arn), Some(&role_arn)))),
        "InvalidCloudWatchLogsLogGroupArnException"
    );
    sim.call::<logs::CreateLogGroup>(
        REGION,
        logs::CreateLogGroupRequest { log_group_name: "CloudTrail/main".into(), ..Default::default() },
    )
    .unwrap();
    let no_suffix = group_arn.trim_end_matches(":*").to_string();
    assert_eq!(
        code(create(&sim, with(Some(&no_suffix), Some(&role_arn)))),
        "InvalidCloudWatchLogsLogGroupArnException"
    );
    let other_region = group_arn.replace(REGION, OTHER);
    assert_eq!(
        code(create(&sim, with(Some(&other_region), Some(&role_arn)))),
        "InvalidCloudWatchLogsLogGroupArnException"
    );
    assert_eq!(code(create(&sim, with(Some(&group_arn), None))), "InvalidCloudWatchLogsRoleArnException");
    assert_eq!(code(create(&sim, with(None, Some(&role_arn)))), "InvalidCloudWatchLogsLogGroupArnException");
    let err = create(&sim, with(Some(&group_arn), Some(&role_arn))).unwrap_err();
    assert_eq!(err.code, "InvalidCloudWatchLogsRoleArnException", "no such role");
    assert_eq!(describe(&sim, REGION), vec![]);
    // UpdateTrail runs the same checks and changes nothing when they fail.
    create(&sim, req("main")).unwrap();
    let up = update(
        &sim,
        REGION,
        ct::UpdateTrailRequest {
            name: "main".into(),
            cloud_watch_logs_log_group_arn: Some(group_arn),
            cloud_watch_logs_role_arn: Some(role_arn),
            ..Default::default()
        },
    );
    assert_eq!(code(up), "InvalidCloudWatchLogsRoleArnException");
    assert_eq!(describe(&sim, REGION)[0].cloud_watch_logs_log_group_arn, None);
}

#[test]
fn logging_status_and_times() {
    let sim = world();
    create(&sim, ct::CreateTrailRequest { enable_log_file_validation: Some(true), ..req("main") }).unwrap();
    sim.call::<ct::StartLogging>(REGION, ct::StartLoggingRequest { name: "main".into() }).unwrap();
    let on = status(&sim, REGION, "main").unwrap();
    assert_eq!(on.is_logging, Some(true));
    let started = on.start_logging_time.unwrap();
    assert_eq!(on.latest_delivery_time, Some(started), "delivery is simulated as immediate");
    assert_eq!(on.latest_digest_delivery_time, Some(started));
    assert_eq!(on.latest_cloud_watch_logs_delivery_time, None, "no CloudWatch Logs configured");
    assert_eq!(on.time_logging_started.as_deref(), Some(started.to_iso8601().as_str()));
    assert_eq!(on.stop_logging_time, None);

    // Starting again changes nothing.
    sim.call::<ct::StartLogging>(REGION, ct::StartLoggingRequest { name: trail_arn(REGION, "main") }).unwrap();
    assert_eq!(status(&sim, REGION, "main").unwrap().start_logging_time, Some(started));

    sim.call::<ct::StopLogging>(REGION, ct::StopLoggingRequest { name: "main".into() }).unwrap();
    let off = status(&sim, REGION, "main").unwrap();
    assert_eq!(off.is_logging, Some(false));
    assert!(off.stop_logging_time.unwrap() > started);
    assert_eq!(off.start_logging_time, Some(started));
    assert_eq!(
        code(sim.call::<ct::StartLogging>(REGION, ct::StartLoggingRequest { name: "nope".into() })),
        "TrailNotFoundException"
    );
    assert_eq!(
        code(sim.call::<ct::StopLogging>(REGION, ct::StopLoggingRequest { name: "nope".into() })),
        "TrailNotFoundException"
    );
}

#[test]
fn update_trail_fields() {
    let sim = world();
    create(&sim, req("main")).unwrap();
    let err =
        update(&sim, REGION, ct::UpdateTrailRequest { name: "missing".into(), ..Default::default() }).unwrap_err();
    assert_eq!(err.message, format!("Unknown trail: missing for the user: {ACCOUNT}"));
    let up = update(
        &sim,
        REGION,
        ct::UpdateTrailRequest {
            name: "main".into(),
            enable_log_file_validation: Some(true),
            is_multi_region_trail: Some(true),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(up.log_file_validation_enabled, Some(true));
    assert_eq!(up.is_multi_region_trail, Some(true));
    let t = &describe(&sim, REGION)[0];
    assert_eq!(t.log_file_validation_enabled, Some(true));
    assert_eq!(describe(&sim, OTHER).len(), 1, "now shadowed");

    let off = ct::UpdateTrailRequest {
        name: "main".into(),
        include_global_service_events: Some(false),
        ..Default::default()
    };
    assert_eq!(code(update(&sim, REGION, off)), "InvalidParameterCombinationException");
    let no_bucket = ct::UpdateTrailRequest {
        name: "main".into(),
        s3_bucket_name: Some("missing-bucket".into()),
        ..Default::default()
    };
    assert_eq!(code(update(&sim, REGION, no_bucket)), "S3BucketDoesNotExistException");
    let bad_prefix =
        ct::UpdateTrailRequest { name: "main".into(), s3_key_prefix: Some("logs".into()), ..Default::default() };
    assert_eq!(code(update(&sim, REGION, bad_prefix)), "InsufficientS3BucketPolicyException");
    let t2 = &describe(&sim, REGION)[0];
    assert_eq!(t2.s3_bucket_name.as_deref(), Some(BUCKET));
    assert_eq!(t2.s3_key_prefix, None);
    assert_eq!(t2.include_global_service_events, Some(true));

    make_bucket(&sim, "prefixed-bucket", Some(trail_bucket_policy("prefixed-bucket", Some("logs"))));
    let moved = update(
        &sim,
        REGION,
        ct::UpdateTrailRequest {
            name: trail_arn(REGION, "main"),
            s3_bucket_name: Some("prefixed-bucket".into()),
            s3_key_prefix: Some("logs".into()),
            sns_topic_name: Some("trail-topic".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(moved.s3_bucket_name.as_deref(), Some("prefixed-bucket"));
    assert_eq!(moved.s3_key_prefix.as_deref(), Some("logs"));
    assert_eq!(moved.sns_topic_arn.as_deref(), Some(format!("arn:aws:sns:{REGION}:{ACCOUNT}:trail-topic").as_str()));
}

#[test]
fn event_selectors() {
    let sim = world();
    create(&sim, req("main")).unwrap();
    let put = |basic: Option<Vec<ct::EventSelector>>, advanced: Option<Vec<ct::AdvancedEventSelector>>| {
        sim.call::<ct::PutEventSelectors>(
            REGION,
            ct::PutEventSelectorsRequest {
                trail_name: "main".into(),
                event_selectors: basic,
                advanced_event_selectors: advanced,
            },
        )
    };
    let read_only = ct::EventSelector { read_write_type: Some("ReadOnly".into()), ..Default::default() };
    let mgmt = ct::AdvancedEventSelector {
        name: Some("Management events".into()),
        field_selectors: vec![ct::AdvancedFieldSelector {
            field: "eventCategory".into(),
            equals: Some(vec!["Management".into()]),
            ..Default::default()
        }],
    };
    assert_eq!(code(put(None, None)), "InvalidEventSelectorsException");
    assert_eq!(code(put(Some(vec![read_only.clone()]), Some(vec![mgmt.clone()]))), "InvalidEventSelectorsException");
    assert_eq!(code(put(Some(vec![read_only.clone(); 6]), None)), "InvalidEventSelectorsException");
    let bad_data = ct::EventSelector {
        data_resources: Some(vec![ct::DataResource { type_: Some("AWS::EC2::Instance".into()), values: Some(vec![]) }]),
        ..Default::default()
    };
    assert_eq!(code(put(Some(vec![bad_data]), None)), "InvalidEventSelectorsException");
    let no_category = ct::AdvancedEventSelector {
        name: None,
        field_selectors: vec![ct::AdvancedFieldSelector {
            field: "readOnly".into(),
            equals: Some(vec!["true".into()]),
            ..Default::default()
        }],
    };
    assert_eq!(code(put(None, Some(vec![no_category]))), "InvalidEventSelectorsException");
    assert_eq!(describe(&sim, REGION)[0].has_custom_event_selectors, Some(false), "failed puts changed nothing");

    let out = put(Some(vec![read_only]), None).unwrap();
    let s = &out.event_selectors.unwrap()[0];
    assert_eq!(s.read_write_type.as_deref(), Some("ReadOnly"));
    assert_eq!(s.include_management_events, Some(true), "defaults filled in");
    let got =
        sim.call::<ct::GetEventSelectors>(REGION, ct::GetEventSelectorsRequest { trail_name: "main".into() }).unwrap();
    assert_eq!(got.event_selectors.unwrap()[0].read_write_type.as_deref(), Some("ReadOnly"));
    assert_eq!(describe(&sim, REGION)[0].has_custom_event_selectors, Some(true));

    put(None, Some(vec![mgmt.clone()])).unwrap();
    let got =
        sim.call::<ct::GetEventSelectors>(REGION, ct::GetEventSelectorsRequest { trail_name: "main".into() }).unwrap();
    assert_eq!(got.event_selectors, None);
    assert_eq!(got.advanced_event_selectors, Some(vec![mgmt]));
    let missing = sim.call::<ct::GetEventSelectors>(REGION, ct::GetEventSelectorsRequest { trail_name: "nope".into() });
    assert_eq!(code(missing), "TrailNotFoundException");
}

#[test]
fn insight_selectors_tags_and_lookup() {
    let sim = world();
    let tags = vec![ct::Tag { key: "team".into(), value: Some("sec".into()) }];
    create(&sim, ct::CreateTrailRequest { tags_list: Some(tags.clone()), ..req("main") }).unwrap();
    let ins = sim.call::<ct::GetInsightSelectors>(
        REGION,
        ct::GetInsightSelectorsRequest { trail_name: Some("main".into()), ..Default::default() },
    );
    assert_eq!(code(ins), "InsightNotEnabledException");
    let ins = sim.call::<ct::GetInsightSelectors>(
        REGION,
        ct::GetInsightSelectorsRequest { trail_name: Some("nope".into()), ..Default::default() },
    );
    assert_eq!(code(ins), "TrailNotFoundException");

    let arn = trail_arn(REGION, "main");
    let listed = sim
        .call::<ct::ListTags>(REGION, ct::ListTagsRequest { resource_id_list: vec![arn.clone()], next_token: None })
        .unwrap();
    assert_eq!(listed.resource_tag_list, Some(vec![ct::ResourceTag { resource_id: Some(arn), tags_list: Some(tags) }]));
    let bad = sim
        .call::<ct::ListTags>(REGION, ct::ListTagsRequest { resource_id_list: vec!["main".into()], next_token: None });
    assert_eq!(code(bad), "CloudTrailARNInvalidException");
    let gone = sim.call::<ct::ListTags>(
        REGION,
        ct::ListTagsRequest { resource_id_list: vec![trail_arn(REGION, "gone")], next_token: None },
    );
    assert_eq!(code(gone), "ResourceNotFoundException");

    let ev = sim.call::<ct::LookupEvents>(REGION, Default::default()).unwrap();
    assert_eq!(ev.events, Some(vec![]));
    let range = sim.call::<ct::LookupEvents>(
        REGION,
        ct::LookupEventsRequest {
            start_time: Some(hubsim_simulator::model::Timestamp(2_000)),
            end_time: Some(hubsim_simulator::model::Timestamp(1_000)),
            ..Default::default()
        },
    );
    assert_eq!(code(range), "InvalidTimeRangeException");
    let attr = || ct::LookupAttribute { attribute_key: "EventName".into(), attribute_value: "CreateTrail".into() };
    let two = sim.call::<ct::LookupEvents>(
        REGION,
        ct::LookupEventsRequest { lookup_attributes: Some(vec![attr(), attr()]), ..Default::default() },
    );
    assert_eq!(code(two), "InvalidLookupAttributesException");
}

#[test]
fn json_path_create_and_describe() {
    let sim = world();
    sim.call_json(
        REGION,
        "cloudtrail",
        "CreateTrail",
        json!({"Name": "json-trail", "S3BucketName": BUCKET, "IsMultiRegionTrail": true, "EnableLogFileValidation": true}),
    )
    .unwrap();
    sim.call_json(REGION, "cloudtrail", "StartLogging", json!({"Name": "json-trail"})).unwrap();
    let out = sim.call_json(OTHER, "cloudtrail", "DescribeTrails", json!({"trailNameList": []})).unwrap();
    assert_eq!(out["trailList"][0]["Name"], "json-trail");
    assert_eq!(out["trailList"][0]["HomeRegion"], REGION);
    assert_eq!(out["trailList"][0]["LogFileValidationEnabled"], true);
    let st =
        sim.call_json(OTHER, "cloudtrail", "GetTrailStatus", json!({"Name": trail_arn(REGION, "json-trail")})).unwrap();
    assert_eq!(st["IsLogging"], true);
    let missing = sim.call_json(REGION, "cloudtrail", "GetTrail", json!({"Name": "nope"}));
    assert_eq!(code(missing), "TrailNotFoundException");
    sim.call_json(REGION, "cloudtrail", "DeleteTrail", json!({"Name": "json-trail"})).unwrap();
    assert_eq!(describe(&sim, REGION), vec![]);
}

/// Bucket policies whose `Resource` patterns a client chose to make matching hard. Stars
/// between letters that never complete are exponential for a backtracking matcher (37
/// characters took 27 s before): S3 checks every resource against the bucket's ARN and
/// refuses this one at once. Thousands of stars in a row overflowed the stack of the
/// recursive matcher once CreateTrail read the policy: now the pattern simply matches.
#[test]
fn hostile_resource_patterns_in_a_bucket_policy_are_judged_at_once() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let bucket = "a".repeat(40);
    crate::support::create_bucket(&sim, REGION, &bucket, None);
    let mut policy: serde_json::Value = serde_json::from_str(&trail_bucket_policy(&bucket, None)).unwrap();
    policy["Statement"][1]["Resource"] = json!(format!("arn:aws:s3:::{}*b", "*a".repeat(16)));
    let refused = sim.call::<s3::PutBucketPolicy>(
        REGION,
        s3::PutBucketPolicyRequest { bucket: bucket.clone(), policy: policy.to_string(), ..Default::default() },
    );
    assert_eq!(code(refused), "MalformedPolicy");

    let stars = "stars-bucket";
    let mut policy: serde_json::Value = serde_json::from_str(&trail_bucket_policy(stars, None)).unwrap();
    policy["Statement"][1]["Resource"] = json!(format!("arn:aws:s3:::{}", "*".repeat(15_000)));
    make_bucket(&sim, stars, Some(policy.to_string()));
    let created = create(&sim, ct::CreateTrailRequest { s3_bucket_name: stars.into(), ..req("stars") });
    assert!(created.is_ok(), "{created:?}");
}
