//! S3 bucket configurations: Block Public Access, policy status, ACLs, Object Ownership,
//! versioning, tags and the configurations hubsim never holds.

use hubsim_simulator::model::s3;
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, Era, Simulator};

const REGION: &str = "eu-west-1";
const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";

fn create(sim: &Simulator, name: &str) {
    crate::support::create_bucket(sim, REGION, name, None);
}

fn code<T: std::fmt::Debug>(r: Result<T, hubsim_simulator::AwsError>) -> String {
    r.unwrap_err().code
}

fn owner_id() -> String {
    hubsim_simulator::testing::canonical_user_id(ACCOUNT)
}

fn pab(sim: &Simulator, b: &str) -> Result<s3::PublicAccessBlockConfiguration, hubsim_simulator::AwsError> {
    sim.call::<s3::GetPublicAccessBlock>(
        REGION,
        s3::GetPublicAccessBlockRequest { bucket: b.into(), ..Default::default() },
    )
    .map(|o| o.public_access_block_configuration.unwrap())
}

#[test]
fn public_access_block_put_get_delete() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "bpa");
    // 2023+ buckets start with all four flags on.
    assert_eq!(pab(&sim, "bpa").unwrap().restrict_public_buckets, Some(true));
    sim.call::<s3::PutPublicAccessBlock>(
        REGION,
        s3::PutPublicAccessBlockRequest {
            bucket: "bpa".into(),
            public_access_block_configuration: s3::PublicAccessBlockConfiguration {
                block_public_acls: Some(true),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap();
    let got = pab(&sim, "bpa").unwrap();
    assert_eq!(
        got,
        s3::PublicAccessBlockConfiguration {
            block_public_acls: Some(true),
            ignore_public_acls: Some(false),
            block_public_policy: Some(false),
            restrict_public_buckets: Some(false),
        }
    );
    sim.call::<s3::DeletePublicAccessBlock>(
        REGION,
        s3::DeletePublicAccessBlockRequest { bucket: "bpa".into(), ..Default::default() },
    )
    .unwrap();
    let err = pab(&sim, "bpa").unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("NoSuchPublicAccessBlockConfiguration", 404));
    assert_eq!(code(pab(&sim, "missing")), "NoSuchBucket");

    // Era 2022 buckets have none.
    let old = fresh_account(Era::Y2022, &[REGION]);
    create(&old, "old");
    assert_eq!(code(pab(&old, "old")), "NoSuchPublicAccessBlockConfiguration");
}

#[test]
fn policy_status_reports_public_policies() {
    let sim = fresh_account(Era::Y2022, &[REGION]);
    create(&sim, "pstat");
    let status = || {
        sim.call::<s3::GetBucketPolicyStatus>(
            REGION,
            s3::GetBucketPolicyStatusRequest { bucket: "pstat".into(), ..Default::default() },
        )
    };
    let err = status().unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("NoSuchBucketPolicy", 404));
    let put = |text: &str| {
        sim.call::<s3::PutBucketPolicy>(
            REGION,
            s3::PutBucketPolicyRequest { bucket: "pstat".into(), policy: text.into(), ..Default::default() },
        )
        .unwrap()
    };
    put(
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pstat/*"}]}"#,
    );
    assert_eq!(status().unwrap().policy_status.unwrap().is_public, Some(true));
    put(
        r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::pstat/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
    );
    assert_eq!(status().unwrap().policy_status.unwrap().is_public, Some(false));
    let missing = s3::GetBucketPolicyStatusRequest { bucket: "nope".into(), ..Default::default() };
    assert_eq!(code(sim.call::<s3::GetBucketPolicyStatus>(REGION, missing)), "NoSuchBucket");
}

fn acl(sim: &Simulator, b: &str) -> s3::GetBucketAclOutput {
    sim.call::<s3::GetBucketAcl>(REGION, s3::GetBucketAclRequest { bucket: b.into(), ..Default::default() }).unwrap()
}

fn put_acl(sim: &Simulator, req: s3::PutBucketAclRequest) -> Result<(), hubsim_simulator::AwsError> {
    sim.call::<s3::PutBucketAcl>(REGION, req).map(|_| ())
}

#[test]
fn acl_on_enforced_bucket_only_private() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "enforced");
    let got = acl(&sim, "enforced");
    assert_eq!(got.owner.unwrap().id.unwrap(), owner_id());
    let grants = got.grants.unwrap();
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].permission.as_deref(), Some("FULL_CONTROL"));
    let canned =
        |a: &str| s3::PutBucketAclRequest { bucket: "enforced".into(), acl: Some(a.into()), ..Default::default() };
    let err = put_acl(&sim, canned("public-read")).unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.status, err.message.as_str()),
        ("AccessControlListNotSupported", 400, "The bucket does not allow ACLs")
    );
    assert_eq!(acl(&sim, "enforced").grants.unwrap().len(), 1);
    put_acl(&sim, canned("private")).unwrap();
    assert_eq!(
        code(put_acl(
            &sim,
            s3::PutBucketAclRequest { bucket: "gone".into(), acl: Some("private".into()), ..Default::default() }
        )),
        "NoSuchBucket"
    );
    let missing = s3::GetBucketAclRequest { bucket: "gone".into(), ..Default::default() };
    assert_eq!(code(sim.call::<s3::GetBucketAcl>(REGION, missing)), "NoSuchBucket");
}

#[test]
fn acl_grants_by_policy_and_headers_when_acls_enabled() {
    let sim = fresh_account(Era::Y2022, &[REGION]);
    create(&sim, "legacy");
    // Public grants are fine without Block Public Access.
    put_acl(
        &sim,
        s3::PutBucketAclRequest { bucket: "legacy".into(), acl: Some("public-read".into()), ..Default::default() },
    )
    .unwrap();
    let grants = acl(&sim, "legacy").grants.unwrap();
    assert!(grants.iter().any(|g| g.grantee.as_ref().unwrap().uri.as_deref() == Some(ALL_USERS)));
    // Explicit policy body with a group and an email grantee.
    let body = s3::AccessControlPolicy {
        owner: Some(s3::Owner { id: Some(owner_id()), display_name: None }),
        grants: Some(vec![
            s3::Grant {
                grantee: Some(s3::Grantee {
                    type_: "CanonicalUser".into(),
                    id: Some(owner_id()),
                    ..Default::default()
                }),
                permission: Some("FULL_CONTROL".into()),
            },
            s3::Grant {
                grantee: Some(s3::Grantee {
                    type_: "Group".into(),
                    uri: Some("http://acs.amazonaws.com/groups/s3/LogDelivery".into()),
                    ..Default::default()
                }),
                permission: Some("WRITE".into()),
            },
            s3::Grant {
                grantee: Some(s3::Grantee {
                    type_: "AmazonCustomerByEmail".into(),
                    email_address: Some("ops@example.com".into()),
                    ..Default::default()
                }),
                permission: Some("READ".into()),
            },
        ]),
    };
    put_acl(
        &sim,
        s3::PutBucketAclRequest { bucket: "legacy".into(), access_control_policy: Some(body), ..Default::default() },
    )
    .unwrap();
    let grants = acl(&sim, "legacy").grants.unwrap();
    assert_eq!(grants.len(), 3);
    assert_eq!(grants[2].grantee.as_ref().unwrap().email_address.as_deref(), Some("ops@example.com"));
    // A bad group URI changes nothing.
    let bad = s3::AccessControlPolicy {
        owner: None,
        grants: Some(vec![s3::Grant {
            grantee: Some(s3::Grantee {
                type_: "Group".into(),
                uri: Some("http://example.com/x".into()),
                ..Default::default()
            }),
            permission: Some("READ".into()),
        }]),
    };
    assert_eq!(
        code(put_acl(
            &sim,
            s3::PutBucketAclRequest { bucket: "legacy".into(), access_control_policy: Some(bad), ..Default::default() }
        )),
        "InvalidArgument"
    );
    assert_eq!(acl(&sim, "legacy").grants.unwrap().len(), 3);
    // Grant headers.
    put_acl(
        &sim,
        s3::PutBucketAclRequest {
            bucket: "legacy".into(),
            grant_full_control: Some(format!("id=\"{}\"", owner_id())),
            grant_read: Some(format!("uri=\"{ALL_USERS}\"")),
            ..Default::default()
        },
    )
    .unwrap();
    let grants = acl(&sim, "legacy").grants.unwrap();
    assert_eq!(grants.len(), 2);
    assert_eq!(grants[1].permission.as_deref(), Some("READ"));
    // Canned ACL and grant headers together.
    let both = s3::PutBucketAclRequest {
        bucket: "legacy".into(),
        acl: Some("private".into()),
        grant_read: Some(format!("uri=\"{ALL_USERS}\"")),
        ..Default::default()
    };
    assert_eq!(code(put_acl(&sim, both)), "InvalidRequest");
}

#[test]
fn block_public_acls_refuses_public_grants() {
    let sim = fresh_account(Era::Y2022, &[REGION]);
    create(&sim, "blocked");
    sim.call::<s3::PutPublicAccessBlock>(
        REGION,
        s3::PutPublicAccessBlockRequest {
            bucket: "blocked".into(),
            public_access_block_configuration: s3::PublicAccessBlockConfiguration {
                block_public_acls: Some(true),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap();
    let err = put_acl(
        &sim,
        s3::PutBucketAclRequest { bucket: "blocked".into(), acl: Some("public-read".into()), ..Default::default() },
    )
    .unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("AccessDenied", 403));
    assert_eq!(acl(&sim, "blocked").grants.unwrap().len(), 1);
}

fn ownership(sim: &Simulator, b: &str) -> Result<String, hubsim_simulator::AwsError> {
    sim.call::<s3::GetBucketOwnershipControls>(
        REGION,
        s3::GetBucketOwnershipControlsRequest { bucket: b.into(), ..Default::default() },
    )
    .map(|o| o.ownership_controls.unwrap().rules[0].object_ownership.clone())
}

fn put_ownership(sim: &Simulator, b: &str, o: &str) -> Result<(), hubsim_simulator::AwsError> {
    sim.call::<s3::PutBucketOwnershipControls>(
        REGION,
        s3::PutBucketOwnershipControlsRequest {
            bucket: b.into(),
            ownership_controls: s3::OwnershipControls {
                rules: vec![s3::OwnershipControlsRule { object_ownership: o.into() }],
            },
            ..Default::default()
        },
    )
    .map(|_| ())
}

#[test]
fn ownership_controls_and_acl_interplay() {
    let sim = fresh_account(Era::Y2022, &[REGION]);
    create(&sim, "own");
    let err = ownership(&sim, "own").unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("OwnershipControlsNotFoundError", 404));
    put_acl(
        &sim,
        s3::PutBucketAclRequest { bucket: "own".into(), acl: Some("public-read".into()), ..Default::default() },
    )
    .unwrap();
    // ACLs that grant to others block the switch to BucketOwnerEnforced.
    assert_eq!(code(put_ownership(&sim, "own", "BucketOwnerEnforced")), "InvalidBucketAclWithObjectOwnership");
    assert_eq!(code(ownership(&sim, "own")), "OwnershipControlsNotFoundError");
    put_ownership(&sim, "own", "BucketOwnerPreferred").unwrap();
    assert_eq!(ownership(&sim, "own").unwrap(), "BucketOwnerPreferred");
    put_acl(&sim, s3::PutBucketAclRequest { bucket: "own".into(), acl: Some("private".into()), ..Default::default() })
        .unwrap();
    put_ownership(&sim, "own", "BucketOwnerEnforced").unwrap();
    assert_eq!(ownership(&sim, "own").unwrap(), "BucketOwnerEnforced");
    sim.call::<s3::DeleteBucketOwnershipControls>(
        REGION,
        s3::DeleteBucketOwnershipControlsRequest { bucket: "own".into(), ..Default::default() },
    )
    .unwrap();
    assert_eq!(code(ownership(&sim, "own")), "OwnershipControlsNotFoundError");
    assert_eq!(code(put_ownership(&sim, "none", "ObjectWriter")), "NoSuchBucket");
    // The JSON path validates the enum.
    let r = sim.call_json(
        REGION,
        "s3",
        "PutBucketOwnershipControls",
        serde_json::json!({"Bucket": "own", "OwnershipControls": {"Rules": [{"ObjectOwnership": "Nobody"}]}}),
    );
    assert_eq!(code(r), "InvalidArgument");
}

#[test]
fn versioning_states() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "ver");
    let get = || {
        sim.call::<s3::GetBucketVersioning>(
            REGION,
            s3::GetBucketVersioningRequest { bucket: "ver".into(), ..Default::default() },
        )
        .unwrap()
    };
    assert_eq!(get(), s3::GetBucketVersioningOutput::default());
    let put = |status: Option<&str>, mfa_delete: Option<&str>, mfa: Option<&str>| {
        sim.call::<s3::PutBucketVersioning>(
            REGION,
            s3::PutBucketVersioningRequest {
                bucket: "ver".into(),
                versioning_configuration: s3::VersioningConfiguration {
                    status: status.map(str::to_string),
                    mfa_delete: mfa_delete.map(str::to_string),
                },
                mfa: mfa.map(str::to_string),
                ..Default::default()
            },
        )
    };
    put(Some("Enabled"), None, None).unwrap();
    assert_eq!(get().status.as_deref(), Some("Enabled"));
    assert_eq!(code(put(None, Some("Enabled"), None)), "InvalidArgument");
    assert_eq!(get().mfa_delete, None);
    put(None, Some("Enabled"), Some("arn:aws:iam::123456789012:mfa/root 123456")).unwrap();
    put(Some("Suspended"), None, None).unwrap();
    let v = get();
    assert_eq!((v.status.as_deref(), v.mfa_delete.as_deref()), (Some("Suspended"), Some("Enabled")));
    assert_eq!(code(put(None, None, None)), "MalformedXML");
    let missing = s3::GetBucketVersioningRequest { bucket: "nope".into(), ..Default::default() };
    assert_eq!(code(sim.call::<s3::GetBucketVersioning>(REGION, missing)), "NoSuchBucket");
}

#[test]
fn tagging_put_get_delete() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "tagged");
    let get = || {
        sim.call::<s3::GetBucketTagging>(
            REGION,
            s3::GetBucketTaggingRequest { bucket: "tagged".into(), ..Default::default() },
        )
    };
    let err = get().unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("NoSuchTagSet", 404));
    let tag = |k: &str, v: &str| s3::Tag { key: k.into(), value: v.into() };
    let put = |tags: Vec<s3::Tag>| {
        sim.call::<s3::PutBucketTagging>(
            REGION,
            s3::PutBucketTaggingRequest {
                bucket: "tagged".into(),
                tagging: s3::Tagging { tag_set: tags },
                ..Default::default()
            },
        )
    };
    put(vec![tag("env", "prod"), tag("team", "sec")]).unwrap();
    assert_eq!(get().unwrap().tag_set, vec![tag("env", "prod"), tag("team", "sec")]);
    assert_eq!(code(put(vec![tag("a", "1"), tag("a", "2")])), "InvalidTag");
    let many: Vec<s3::Tag> = (0..51).map(|i| tag(&format!("k{i}"), "v")).collect();
    assert_eq!(code(put(many)), "InvalidTag");
    assert_eq!(code(put(vec![tag("aws:system", "x")])), "InvalidTag");
    assert_eq!(get().unwrap().tag_set.len(), 2);
    sim.call::<s3::DeleteBucketTagging>(
        REGION,
        s3::DeleteBucketTaggingRequest { bucket: "tagged".into(), ..Default::default() },
    )
    .unwrap();
    assert_eq!(code(get()), "NoSuchTagSet");
    let missing = s3::DeleteBucketTaggingRequest { bucket: "nope".into(), ..Default::default() };
    assert_eq!(code(sim.call::<s3::DeleteBucketTagging>(REGION, missing)), "NoSuchBucket");
}

#[test]
fn unconfigured_features_answer_not_found() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "plain");
    let b = || "plain".to_string();
    let r = sim.call::<s3::GetBucketReplication>(
        REGION,
        s3::GetBucketReplicationRequest { bucket: b(), ..Default::default() },
    );
    assert_eq!(code(r), "ReplicationConfigurationNotFoundError");
    let r = sim.call::<s3::GetObjectLockConfiguration>(
        REGION,
        s3::GetObjectLockConfigurationRequest { bucket: b(), ..Default::default() },
    );
    assert_eq!(code(r), "ObjectLockConfigurationNotFoundError");
    let r = sim.call::<s3::GetBucketWebsite>(REGION, s3::GetBucketWebsiteRequest { bucket: b(), ..Default::default() });
    let err = r.unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("NoSuchWebsiteConfiguration", 404));
    let r = sim.call::<s3::GetBucketCors>(REGION, s3::GetBucketCorsRequest { bucket: b(), ..Default::default() });
    assert_eq!(code(r), "NoSuchCORSConfiguration");
    for op in ["GetBucketReplication", "GetObjectLockConfiguration", "GetBucketWebsite", "GetBucketCors"] {
        let r = sim.call_json(REGION, "s3", op, serde_json::json!({"Bucket": "nope"}));
        assert_eq!(code(r), "NoSuchBucket", "{op}");
    }
    // A bucket created with Object Lock reports it, and versioning comes with it.
    sim.call::<s3::CreateBucket>(
        REGION,
        s3::CreateBucketRequest {
            object_lock_enabled_for_bucket: Some(true),
            ..hubsim_simulator::testing::create_bucket_request(REGION, "locked")
        },
    )
    .unwrap();
    let lock = sim
        .call::<s3::GetObjectLockConfiguration>(
            REGION,
            s3::GetObjectLockConfigurationRequest { bucket: "locked".into(), ..Default::default() },
        )
        .unwrap();
    assert_eq!(lock.object_lock_configuration.unwrap().object_lock_enabled.as_deref(), Some("Enabled"));
    let v = sim
        .call::<s3::GetBucketVersioning>(
            REGION,
            s3::GetBucketVersioningRequest { bucket: "locked".into(), ..Default::default() },
        )
        .unwrap();
    assert_eq!(v.status.as_deref(), Some("Enabled"));
}
