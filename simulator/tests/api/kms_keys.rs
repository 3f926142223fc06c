//! KMS keys, aliases, key policies, rotation and deletion, through the typed API.

use hubsim_simulator::model::kms;
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, Era, Simulator};
use serde_json::json;

const REGION: &str = "eu-west-1";
const OTHER: &str = "us-east-1";

fn code<T: std::fmt::Debug>(r: Result<T, hubsim_simulator::AwsError>) -> String {
    r.unwrap_err().code
}

fn create(sim: &Simulator, region: &str) -> kms::KeyMetadata {
    sim.call::<kms::CreateKey>(region, kms::CreateKeyRequest::default()).unwrap().key_metadata.unwrap()
}

fn describe(sim: &Simulator, region: &str, id: &str) -> Result<kms::KeyMetadata, hubsim_simulator::AwsError> {
    sim.call::<kms::DescribeKey>(region, kms::DescribeKeyRequest { key_id: id.into(), ..Default::default() })
        .map(|r| r.key_metadata.unwrap())
}

fn list_keys(sim: &Simulator, region: &str) -> Vec<kms::KeyListEntry> {
    sim.call::<kms::ListKeys>(region, Default::default()).unwrap().keys.unwrap()
}

fn policy_of(sim: &Simulator, id: &str) -> String {
    sim.call::<kms::GetKeyPolicy>(REGION, kms::GetKeyPolicyRequest { key_id: id.into(), policy_name: None })
        .unwrap()
        .policy
        .unwrap()
}

#[test]
fn create_key_defaults_and_describe_by_every_identifier() {
    let sim = fresh_account(Era::Current, &[REGION, OTHER]);
    assert_eq!(list_keys(&sim, REGION), vec![]);
    let md = create(&sim, REGION);
    assert_eq!(md.arn.as_deref(), Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{}", md.key_id).as_str()));
    assert_eq!(md.key_id.len(), 36);
    assert_eq!(md.aws_account_id.as_deref(), Some(ACCOUNT));
    assert_eq!(md.key_manager.as_deref(), Some("CUSTOMER"));
    assert_eq!(md.key_spec.as_deref(), Some("SYMMETRIC_DEFAULT"));
    assert_eq!(md.customer_master_key_spec.as_deref(), Some("SYMMETRIC_DEFAULT"));
    assert_eq!(md.key_usage.as_deref(), Some("ENCRYPT_DECRYPT"));
    assert_eq!(md.key_state.as_deref(), Some("Enabled"));
    assert_eq!(md.enabled, Some(true));
    assert_eq!(md.origin.as_deref(), Some("AWS_KMS"));
    assert_eq!(md.multi_region, Some(false));
    assert_eq!(md.encryption_algorithms, Some(vec!["SYMMETRIC_DEFAULT".to_string()]));
    assert!(md.creation_date.is_some());

    sim.call::<kms::CreateAlias>(
        REGION,
        kms::CreateAliasRequest { alias_name: "alias/trail".into(), target_key_id: md.key_id.clone() },
    )
    .unwrap();
    let arn = md.arn.clone().unwrap();
    let alias_arn = format!("arn:aws:kms:{REGION}:{ACCOUNT}:alias/trail");
    for ident in [md.key_id.as_str(), arn.as_str(), "alias/trail", alias_arn.as_str()] {
        assert_eq!(describe(&sim, REGION, ident).unwrap(), md, "{ident}");
    }
    // A key ARN or alias ARN reaches the key from another region; a bare id does not.
    assert_eq!(describe(&sim, OTHER, &arn).unwrap().key_id, md.key_id);
    assert_eq!(describe(&sim, OTHER, &alias_arn).unwrap().key_id, md.key_id);
    assert_eq!(code(describe(&sim, OTHER, &md.key_id)), "NotFoundException");
    assert_eq!(code(describe(&sim, OTHER, "alias/trail")), "NotFoundException");

    let listed = list_keys(&sim, REGION);
    assert_eq!(listed, vec![kms::KeyListEntry { key_id: Some(md.key_id.clone()), key_arn: Some(arn) }]);
    assert_eq!(list_keys(&sim, OTHER), vec![]);
}

#[test]
fn describe_key_not_found_messages() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let err = describe(&sim, REGION, "alias/missing").unwrap_err();
    assert_eq!(err.code, "NotFoundException");
    assert_eq!(err.status, 400);
    assert_eq!(err.message, format!("Alias arn:aws:kms:{REGION}:{ACCOUNT}:alias/missing is not found."));
    let id = "1234abcd-12ab-34cd-56ef-1234567890ab";
    let err = describe(&sim, REGION, id).unwrap_err();
    assert_eq!(err.message, format!("Key 'arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}' does not exist"));
    assert_eq!(code(describe(&sim, REGION, "not-a-key")), "NotFoundException");
    assert_eq!(code(describe(&sim, REGION, "arn:aws:kms:bogus")), "InvalidArnException");
}

#[test]
fn create_key_checks_spec_usage_tags_and_policy() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let bad = |req: kms::CreateKeyRequest| code(sim.call::<kms::CreateKey>(REGION, req));
    let spec = |s: &str, u: Option<&str>| kms::CreateKeyRequest {
        key_spec: Some(s.into()),
        key_usage: u.map(str::to_string),
        ..Default::default()
    };
    assert_eq!(bad(spec("HMAC_256", None)), "ValidationException");
    assert_eq!(bad(spec("SYMMETRIC_DEFAULT", Some("SIGN_VERIFY"))), "ValidationException");
    assert_eq!(
        bad(kms::CreateKeyRequest {
            tags: Some(vec![kms::Tag { tag_key: "aws:x".into(), tag_value: "v".into() }]),
            ..Default::default()
        }),
        "TagException"
    );
    assert_eq!(
        bad(kms::CreateKeyRequest { policy: Some("{not json".into()), ..Default::default() }),
        "MalformedPolicyDocumentException"
    );
    // A policy that does not let the account administer the key locks the caller out.
    let lockout = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"kms:GenerateDataKey*","Resource":"*"}]})
    .to_string();
    let err = sim
        .call::<kms::CreateKey>(REGION, kms::CreateKeyRequest { policy: Some(lockout.clone()), ..Default::default() })
        .unwrap_err();
    assert_eq!(err.code, "MalformedPolicyDocumentException");
    assert_eq!(err.message, "The new key policy will not allow you to update the key policy in the future.");
    assert_eq!(list_keys(&sim, REGION), vec![], "failed calls created nothing");

    // Bypassing the check works; asymmetric and HMAC keys get their algorithms.
    let ok = sim
        .call::<kms::CreateKey>(
            REGION,
            kms::CreateKeyRequest {
                policy: Some(lockout.clone()),
                bypass_policy_lockout_safety_check: Some(true),
                ..Default::default()
            },
        )
        .unwrap()
        .key_metadata
        .unwrap();
    assert_eq!(policy_of(&sim, &ok.key_id), lockout);
    let hmac = sim.call::<kms::CreateKey>(REGION, spec("HMAC_256", Some("GENERATE_VERIFY_MAC"))).unwrap();
    assert_eq!(hmac.key_metadata.unwrap().mac_algorithms, Some(vec!["HMAC_SHA_256".to_string()]));
    let rsa = sim.call::<kms::CreateKey>(REGION, spec("RSA_2048", Some("SIGN_VERIFY"))).unwrap().key_metadata.unwrap();
    assert!(rsa.signing_algorithms.unwrap().contains(&"RSASSA_PSS_SHA_256".to_string()));
    assert_eq!(rsa.encryption_algorithms, None);
    let mrk = sim
        .call::<kms::CreateKey>(REGION, kms::CreateKeyRequest { multi_region: Some(true), ..Default::default() })
        .unwrap()
        .key_metadata
        .unwrap();
    assert!(mrk.key_id.starts_with("mrk-"));
    assert_eq!(mrk.multi_region_configuration.unwrap().multi_region_key_type.as_deref(), Some("PRIMARY"));
    assert_eq!(list_keys(&sim, REGION).len(), 4);
}

#[test]
fn default_key_policy_and_put_key_policy() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let md = create(&sim, REGION);
    let text = policy_of(&sim, &md.key_id);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let st = &doc["Statement"][0];
    assert_eq!(st["Sid"], "Enable IAM User Permissions");
    assert_eq!(st["Principal"]["AWS"], format!("arn:aws:iam::{ACCOUNT}:root"));
    assert_eq!(st["Action"], "kms:*");
    assert_eq!(st["Resource"], "*");

    let bad_name = sim.call::<kms::GetKeyPolicy>(
        REGION,
        kms::GetKeyPolicyRequest { key_id: md.key_id.clone(), policy_name: Some("custom".into()) },
    );
    assert_eq!(code(bad_name), "NotFoundException");

    let new_policy = json!({"Version":"2012-10-17","Statement":[
        {"Sid":"Root","Effect":"Allow","Principal":{"AWS":format!("arn:aws:iam::{ACCOUNT}:root")},"Action":"kms:*","Resource":"*"},
        {"Sid":"CloudTrail","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"kms:GenerateDataKey*","Resource":"*"}]})
    .to_string();
    let put = |policy: &str, name: Option<&str>| {
        sim.call::<kms::PutKeyPolicy>(
            REGION,
            kms::PutKeyPolicyRequest {
                key_id: "alias/k".into(),
                policy: policy.into(),
                policy_name: name.map(str::to_string),
                ..Default::default()
            },
        )
    };
    assert_eq!(code(put(&new_policy, None)), "NotFoundException", "alias does not exist yet");
    sim.call::<kms::CreateAlias>(
        REGION,
        kms::CreateAliasRequest { alias_name: "alias/k".into(), target_key_id: md.key_id.clone() },
    )
    .unwrap();
    assert_eq!(code(put(&new_policy, Some("other"))), "NotFoundException");
    let no_principal = json!({"Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}).to_string();
    assert_eq!(code(put(&no_principal, None)), "MalformedPolicyDocumentException");
    let only_decrypt =
        json!({"Statement":[{"Effect":"Allow","Principal":{"AWS":ACCOUNT},"Action":"kms:Decrypt","Resource":"*"}]})
            .to_string();
    assert_eq!(code(put(&only_decrypt, None)), "MalformedPolicyDocumentException");
    assert_eq!(policy_of(&sim, &md.key_id), text, "failed puts changed nothing");
    put(&new_policy, Some("default")).unwrap();
    assert_eq!(policy_of(&sim, &md.key_id), new_policy);
}

#[test]
fn aliases_validate_and_list() {
    let sim = fresh_account(Era::Current, &[REGION, OTHER]);
    let a = create(&sim, REGION);
    let b = create(&sim, REGION);
    let alias = |name: &str, target: &str| {
        sim.call::<kms::CreateAlias>(
            REGION,
            kms::CreateAliasRequest { alias_name: name.into(), target_key_id: target.into() },
        )
    };
    assert_eq!(code(alias("trail", &a.key_id)), "InvalidAliasNameException");
    assert_eq!(code(alias("alias/aws/s3", &a.key_id)), "InvalidAliasNameException");
    assert_eq!(code(alias("alias/x", "1234abcd-12ab-34cd-56ef-1234567890ab")), "NotFoundException");
    alias("alias/zeta", &a.key_id).unwrap();
    alias("alias/alpha", b.arn.as_deref().unwrap()).unwrap();
    assert_eq!(code(alias("alias/zeta", &b.key_id)), "AlreadyExistsException");

    let all = sim.call::<kms::ListAliases>(REGION, Default::default()).unwrap();
    let names: Vec<_> =
        all.aliases.unwrap().into_iter().map(|x| (x.alias_name.unwrap(), x.target_key_id.unwrap())).collect();
    assert_eq!(
        names,
        vec![("alias/alpha".to_string(), b.key_id.clone()), ("alias/zeta".to_string(), a.key_id.clone())]
    );
    assert_eq!(all.truncated, Some(false));
    let for_a = sim
        .call::<kms::ListAliases>(
            REGION,
            kms::ListAliasesRequest { key_id: Some(a.key_id.clone()), ..Default::default() },
        )
        .unwrap()
        .aliases
        .unwrap();
    assert_eq!(for_a.len(), 1);
    assert_eq!(for_a[0].alias_arn.as_deref(), Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:alias/zeta").as_str()));
    let page1 =
        sim.call::<kms::ListAliases>(REGION, kms::ListAliasesRequest { limit: Some(1), ..Default::default() }).unwrap();
    assert_eq!(page1.truncated, Some(true));
    let page2 = sim
        .call::<kms::ListAliases>(
            REGION,
            kms::ListAliasesRequest { limit: Some(1), marker: page1.next_marker, ..Default::default() },
        )
        .unwrap();
    assert_eq!(page2.aliases.unwrap()[0].alias_name.as_deref(), Some("alias/zeta"));
    assert_eq!(page2.truncated, Some(false));
    assert_eq!(sim.call::<kms::ListAliases>(OTHER, Default::default()).unwrap().aliases, Some(vec![]));
}

#[test]
fn list_keys_paginates() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let ids: Vec<String> = (0..3).map(|_| create(&sim, REGION).key_id).collect();
    let mut seen = Vec::new();
    let mut marker = None;
    loop {
        let r =
            sim.call::<kms::ListKeys>(REGION, kms::ListKeysRequest { limit: Some(2), marker: marker.clone() }).unwrap();
        seen.extend(r.keys.unwrap().into_iter().map(|k| k.key_id.unwrap()));
        if r.truncated != Some(true) {
            break;
        }
        marker = r.next_marker;
    }
    assert_eq!(seen, ids);
    let bad = sim.call::<kms::ListKeys>(REGION, kms::ListKeysRequest { limit: None, marker: Some("zz".into()) });
    assert_eq!(code(bad), "InvalidMarkerException");
}

#[test]
fn rotation_enable_disable_and_limits() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let md = create(&sim, REGION);
    let status = || {
        sim.call::<kms::GetKeyRotationStatus>(REGION, kms::GetKeyRotationStatusRequest { key_id: md.key_id.clone() })
            .unwrap()
    };
    let fresh = status();
    assert_eq!(fresh.key_rotation_enabled, Some(false));
    assert_eq!(fresh.rotation_period_in_days, None);
    let enable = |days: Option<i32>, key: &str| {
        sim.call::<kms::EnableKeyRotation>(
            REGION,
            kms::EnableKeyRotationRequest { key_id: key.into(), rotation_period_in_days: days },
        )
    };
    assert_eq!(code(enable(Some(89), &md.key_id)), "ValidationException");
    assert_eq!(code(enable(Some(2561), &md.key_id)), "ValidationException");
    assert_eq!(status().key_rotation_enabled, Some(false));
    enable(None, &md.key_id).unwrap();
    let on = status();
    assert_eq!(on.key_rotation_enabled, Some(true));
    assert_eq!(on.rotation_period_in_days, Some(365));
    assert!(on.next_rotation_date.is_some());
    enable(Some(90), md.arn.as_deref().unwrap()).unwrap();
    assert_eq!(status().rotation_period_in_days, Some(90));
    sim.call::<kms::DisableKeyRotation>(REGION, kms::DisableKeyRotationRequest { key_id: md.key_id.clone() }).unwrap();
    assert_eq!(status().key_rotation_enabled, Some(false));

    let hmac = sim
        .call::<kms::CreateKey>(
            REGION,
            kms::CreateKeyRequest {
                key_spec: Some("HMAC_256".into()),
                key_usage: Some("GENERATE_VERIFY_MAC".into()),
                ..Default::default()
            },
        )
        .unwrap()
        .key_metadata
        .unwrap();
    assert_eq!(code(enable(None, &hmac.key_id)), "UnsupportedOperationException");
    let st =
        sim.call::<kms::GetKeyRotationStatus>(REGION, kms::GetKeyRotationStatusRequest { key_id: hmac.key_id.clone() });
    assert_eq!(code(st), "UnsupportedOperationException");
    let dis =
        sim.call::<kms::DisableKeyRotation>(REGION, kms::DisableKeyRotationRequest { key_id: "alias/none".into() });
    assert_eq!(code(dis), "NotFoundException");
}

#[test]
fn schedule_key_deletion() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let md = create(&sim, REGION);
    sim.call::<kms::EnableKeyRotation>(
        REGION,
        kms::EnableKeyRotationRequest { key_id: md.key_id.clone(), rotation_period_in_days: None },
    )
    .unwrap();
    let schedule = |days: Option<i32>| {
        sim.call::<kms::ScheduleKeyDeletion>(
            REGION,
            kms::ScheduleKeyDeletionRequest { key_id: md.key_id.clone(), pending_window_in_days: days },
        )
    };
    assert_eq!(code(schedule(Some(6))), "ValidationException");
    assert_eq!(code(schedule(Some(31))), "ValidationException");
    assert_eq!(describe(&sim, REGION, &md.key_id).unwrap().key_state.as_deref(), Some("Enabled"));
    let r = schedule(None).unwrap();
    assert_eq!(r.key_id, md.arn);
    assert_eq!(r.pending_window_in_days, Some(30));
    assert_eq!(r.key_state.as_deref(), Some("PendingDeletion"));
    let created = md.creation_date.unwrap().0;
    let deletion = r.deletion_date.unwrap().0;
    assert!(deletion >= created + 30 * 86_400_000 && deletion <= created + 31 * 86_400_000);
    let now = describe(&sim, REGION, &md.key_id).unwrap();
    assert_eq!(now.key_state.as_deref(), Some("PendingDeletion"));
    assert_eq!(now.enabled, Some(false));
    assert_eq!(now.deletion_date, r.deletion_date);
    assert_eq!(code(schedule(Some(7))), "KMSInvalidStateException");
    // Pending deletion: rotation reads false and cannot be changed; no new aliases.
    let st = sim
        .call::<kms::GetKeyRotationStatus>(REGION, kms::GetKeyRotationStatusRequest { key_id: md.key_id.clone() })
        .unwrap();
    assert_eq!(st.key_rotation_enabled, Some(false));
    let en = sim.call::<kms::EnableKeyRotation>(
        REGION,
        kms::EnableKeyRotationRequest { key_id: md.key_id.clone(), rotation_period_in_days: None },
    );
    assert_eq!(code(en), "KMSInvalidStateException");
    let al = sim.call::<kms::CreateAlias>(
        REGION,
        kms::CreateAliasRequest { alias_name: "alias/late".into(), target_key_id: md.key_id.clone() },
    );
    assert_eq!(code(al), "KMSInvalidStateException");
    // Still listed until it is deleted.
    assert_eq!(list_keys(&sim, REGION).len(), 1);
}

#[test]
fn resource_tags() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let tags = vec![
        kms::Tag { tag_key: "team".into(), tag_value: "sec".into() },
        kms::Tag { tag_key: "env".into(), tag_value: "prod".into() },
    ];
    let md = sim
        .call::<kms::CreateKey>(REGION, kms::CreateKeyRequest { tags: Some(tags.clone()), ..Default::default() })
        .unwrap()
        .key_metadata
        .unwrap();
    let r = sim
        .call::<kms::ListResourceTags>(
            REGION,
            kms::ListResourceTagsRequest { key_id: md.key_id.clone(), ..Default::default() },
        )
        .unwrap();
    assert_eq!(r.tags, Some(tags));
    assert_eq!(r.truncated, Some(false));
    let untagged = create(&sim, REGION);
    let r = sim
        .call::<kms::ListResourceTags>(
            REGION,
            kms::ListResourceTagsRequest { key_id: untagged.key_id, ..Default::default() },
        )
        .unwrap();
    assert_eq!(r.tags, Some(vec![]));
    let missing = sim.call::<kms::ListResourceTags>(
        REGION,
        kms::ListResourceTagsRequest { key_id: "1234abcd-12ab-34cd-56ef-1234567890ab".into(), ..Default::default() },
    );
    assert_eq!(code(missing), "NotFoundException");
}

#[test]
fn json_path_round_trip() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let out = sim
        .call_json(
            REGION,
            "kms",
            "CreateKey",
            json!({"Description": "trail key", "Tags": [{"TagKey": "a", "TagValue": "b"}]}),
        )
        .unwrap();
    let id = out["KeyMetadata"]["KeyId"].as_str().unwrap().to_string();
    assert_eq!(out["KeyMetadata"]["Description"], "trail key");
    assert_eq!(out["KeyMetadata"]["KeyManager"], "CUSTOMER");
    let st = sim.call_json(REGION, "kms", "GetKeyRotationStatus", json!({"KeyId": id})).unwrap();
    assert_eq!(st["KeyRotationEnabled"], false);
    let bad = sim.call_json(REGION, "kms", "EnableKeyRotation", json!({"KeyId": id, "RotationPeriodInDays": 10}));
    assert_eq!(bad.unwrap_err().code, "ValidationException");
    let bad_usage = sim.call_json(REGION, "kms", "CreateKey", json!({"KeyUsage": "NOPE"}));
    assert_eq!(bad_usage.unwrap_err().code, "ValidationException");
}
