//! Secrets Manager through the typed API: creation and its refusals, values kept as digests,
//! last accessed by the day on the scenario clock, rotation with any Lambda ARN, scheduled
//! deletion and restore, filters, tags and resource policies.

use hubsim_simulator::model::{hubsim, secretsmanager as sm};
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "eu-west-1";
const LAMBDA: &str = "arn:aws:lambda:eu-west-1:123456789012:function:rotate";
const DAY: i64 = 86_400_000;

fn create(sim: &Simulator, name: &str, value: Option<&str>) -> Result<sm::CreateSecretResponse, AwsError> {
    sim.call::<sm::CreateSecret>(
        REGION,
        sm::CreateSecretRequest { name: name.into(), secret_string: value.map(str::to_string), ..Default::default() },
    )
}

fn describe(sim: &Simulator, id: &str) -> Result<sm::DescribeSecretResponse, AwsError> {
    sim.call::<sm::DescribeSecret>(REGION, sm::DescribeSecretRequest { secret_id: id.into() })
}

fn days(sim: &Simulator, n: i64) {
    sim.call::<hubsim::AdvanceClock>(REGION, hubsim::AdvanceClockInput { days: Some(n), ..Default::default() })
        .unwrap();
}

fn names(sim: &Simulator, input: sm::ListSecretsRequest) -> Vec<String> {
    sim.call::<sm::ListSecrets>(REGION, input)
        .unwrap()
        .secret_list
        .unwrap()
        .into_iter()
        .map(|s| s.name.unwrap())
        .collect()
}

#[test]
fn create_describe_and_value_as_digest() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let made = create(&sim, "db/password", Some("hunter2")).unwrap();
    let arn = made.arn.unwrap();
    assert!(arn.starts_with(&format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:db/password-")), "{arn}");
    assert_eq!(arn.len(), format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:db/password-").len() + 6);
    let d = describe(&sim, "db/password").unwrap();
    assert_eq!(d.rotation_enabled, Some(false));
    assert!(d.last_accessed_date.is_none() && d.last_rotated_date.is_none());
    assert_eq!(describe(&sim, &arn).unwrap(), d, "by full ARN");
    let partial = &arn[..arn.len() - 7];
    assert_eq!(describe(&sim, partial).unwrap(), d, "by partial ARN");
    let v = sim
        .call::<sm::GetSecretValue>(
            REGION,
            sm::GetSecretValueRequest { secret_id: "db/password".into(), ..Default::default() },
        )
        .unwrap();
    let shown = v.secret_string.unwrap();
    assert!(shown.starts_with("hubsim:sha256:") && !shown.contains("hunter2"), "{shown}");
    assert_eq!(v.version_stages.unwrap(), ["AWSCURRENT"]);
    let accessed = describe(&sim, "db/password").unwrap().last_accessed_date.unwrap();
    assert_eq!(accessed.0 % DAY, 0, "last accessed is a day");
}

#[test]
fn create_refusals() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "s", None).unwrap();
    let e = create(&sim, "s", None).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("ResourceExistsException", "The operation failed because the secret s already exists.")
    );
    let e = sim
        .call::<sm::CreateSecret>(
            REGION,
            sm::CreateSecretRequest {
                name: "both".into(),
                secret_string: Some("a".into()),
                secret_binary: Some(hubsim_simulator::model::Blob(b"a".to_vec())),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code, "InvalidParameterException");
    assert_eq!(create(&sim, "bad name!", None).unwrap_err().code, "InvalidParameterException");
    assert_eq!(describe(&sim, "both").unwrap_err().code, "ResourceNotFoundException");
}

#[test]
fn put_value_versions_and_idempotent_token() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "s", Some("one")).unwrap();
    let token = "a".repeat(32);
    let put = |value: &str| {
        sim.call::<sm::PutSecretValue>(
            REGION,
            sm::PutSecretValueRequest {
                secret_id: "s".into(),
                secret_string: Some(value.into()),
                client_request_token: Some(token.clone()),
                ..Default::default()
            },
        )
    };
    put("two").unwrap();
    put("two").unwrap();
    assert_eq!(put("three").unwrap_err().code, "ResourceExistsException");
    let stages = describe(&sim, "s").unwrap().version_ids_to_stages.unwrap();
    assert_eq!(stages.len(), 2);
    assert_eq!(stages[&token], ["AWSCURRENT"]);
    assert!(stages.values().any(|s| s == &["AWSPREVIOUS"]));
}

#[test]
fn rotation_needs_a_lambda_and_records_dates() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "s", Some("v")).unwrap();
    let rotate = |lambda: Option<&str>, days: Option<i64>| {
        sim.call::<sm::RotateSecret>(
            REGION,
            sm::RotateSecretRequest {
                secret_id: "s".into(),
                rotation_lambda_arn: lambda.map(str::to_string),
                rotation_rules: days
                    .map(|d| sm::RotationRulesType { automatically_after_days: Some(d), ..Default::default() }),
                ..Default::default()
            },
        )
    };
    assert_eq!(rotate(None, Some(30)).unwrap_err().code, "InvalidRequestException");
    assert_eq!(rotate(Some("arn:aws:s3:::bucket"), Some(30)).unwrap_err().code, "InvalidParameterException");
    // The model bounds the days (1–1000): a constraint failure is ValidationException.
    assert_eq!(rotate(Some(LAMBDA), Some(0)).unwrap_err().code, "ValidationException");
    assert_eq!(describe(&sim, "s").unwrap().rotation_enabled, Some(false), "refusals changed nothing");
    rotate(Some(LAMBDA), Some(30)).unwrap();
    let d = describe(&sim, "s").unwrap();
    assert_eq!(d.rotation_enabled, Some(true));
    assert_eq!(d.rotation_lambda_arn.as_deref(), Some(LAMBDA));
    let rotated = d.last_rotated_date.unwrap();
    assert_eq!(d.next_rotation_date.unwrap().0, rotated.0 + 30 * DAY);
    sim.call::<sm::CancelRotateSecret>(REGION, sm::CancelRotateSecretRequest { secret_id: "s".into() }).unwrap();
    let d = describe(&sim, "s").unwrap();
    assert_eq!(d.rotation_enabled, Some(false));
    assert!(d.next_rotation_date.is_none());
}

#[test]
fn delete_schedules_restores_and_expires_on_the_clock() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "keep", None).unwrap();
    create(&sim, "gone", None).unwrap();
    let delete = |id: &str, window: Option<i64>, force: Option<bool>| {
        sim.call::<sm::DeleteSecret>(
            REGION,
            sm::DeleteSecretRequest {
                secret_id: id.into(),
                recovery_window_in_days: window,
                force_delete_without_recovery: force,
            },
        )
    };
    assert_eq!(delete("keep", Some(6), None).unwrap_err().code, "InvalidParameterException");
    assert_eq!(delete("keep", Some(7), Some(true)).unwrap_err().code, "InvalidParameterException");
    delete("keep", Some(7), None).unwrap();
    assert_eq!(delete("keep", None, None).unwrap_err().code, "InvalidRequestException");
    let get = sim.call::<sm::GetSecretValue>(
        REGION,
        sm::GetSecretValueRequest { secret_id: "keep".into(), ..Default::default() },
    );
    assert_eq!(get.unwrap_err().code, "InvalidRequestException");
    assert_eq!(names(&sim, Default::default()), ["gone"]);
    assert_eq!(
        names(&sim, sm::ListSecretsRequest { include_planned_deletion: Some(true), ..Default::default() }),
        ["keep", "gone"]
    );
    sim.call::<sm::RestoreSecret>(REGION, sm::RestoreSecretRequest { secret_id: "keep".into() }).unwrap();
    assert!(describe(&sim, "keep").unwrap().deleted_date.is_none());
    delete("gone", None, None).unwrap();
    days(&sim, 31);
    assert_eq!(describe(&sim, "gone").unwrap_err().code, "ResourceNotFoundException");
    create(&sim, "gone", None).unwrap();
}

#[test]
fn list_filters_and_pages() {
    let sim = fresh_account(Era::Current, &[REGION]);
    for n in ["prod/db", "prod/api", "dev/db"] {
        create(&sim, n, None).unwrap();
    }
    let filter = |key: &str, value: &str| sm::ListSecretsRequest {
        filters: Some(vec![sm::Filter { key: Some(key.into()), values: Some(vec![value.into()]) }]),
        ..Default::default()
    };
    assert_eq!(names(&sim, filter("name", "prod/")), ["prod/db", "prod/api"]);
    assert_eq!(names(&sim, filter("name", "!prod/")), ["dev/db"]);
    let page = sim
        .call::<sm::ListSecrets>(REGION, sm::ListSecretsRequest { max_results: Some(2), ..Default::default() })
        .unwrap();
    assert_eq!(page.secret_list.unwrap().len(), 2);
    let rest = sim
        .call::<sm::ListSecrets>(
            REGION,
            sm::ListSecretsRequest { max_results: Some(2), next_token: page.next_token, ..Default::default() },
        )
        .unwrap();
    assert_eq!(rest.secret_list.unwrap().len(), 1);
    assert!(rest.next_token.is_none());
}

#[test]
fn tags_and_resource_policy() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "s", None).unwrap();
    let tag = |k: &str| sm::Tag { key: Some(k.into()), value: Some("v".into()) };
    sim.call::<sm::TagResource>(
        REGION,
        sm::TagResourceRequest { secret_id: "s".into(), tags: vec![tag("a"), tag("b")] },
    )
    .unwrap();
    let e =
        sim.call::<sm::TagResource>(REGION, sm::TagResourceRequest { secret_id: "s".into(), tags: vec![tag("aws:x")] });
    assert_eq!(e.unwrap_err().code, "InvalidParameterException");
    sim.call::<sm::UntagResource>(
        REGION,
        sm::UntagResourceRequest { secret_id: "s".into(), tag_keys: vec!["a".into()] },
    )
    .unwrap();
    assert_eq!(describe(&sim, "s").unwrap().tags.unwrap(), vec![tag("b")]);
    let public = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
    let put = |policy: &str, block: bool| {
        sim.call::<sm::PutResourcePolicy>(
            REGION,
            sm::PutResourcePolicyRequest {
                secret_id: "s".into(),
                resource_policy: policy.into(),
                block_public_policy: Some(block),
            },
        )
    };
    assert_eq!(put("{not json", false).unwrap_err().code, "MalformedPolicyDocumentException");
    assert_eq!(put(public, true).unwrap_err().code, "PublicPolicyException");
    let get =
        || sim.call::<sm::GetResourcePolicy>(REGION, sm::GetResourcePolicyRequest { secret_id: "s".into() }).unwrap();
    assert!(get().resource_policy.is_none(), "refused policies were not stored");
    put(public, false).unwrap();
    assert_eq!(get().resource_policy.as_deref(), Some(public));
}
