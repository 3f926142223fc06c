//! The IAM and Config reads scanners call (issue 19): tags on roles, users and customer managed
//! policies; the providers, certificates and credentials hubsim never holds (empty lists);
//! service-last-accessed reports; Config aggregators (none).

use hubsim_simulator::model::{config, iam};
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "eu-west-1";
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const S3_AND_LOGS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","logs:PutLogEvents"],"Resource":"*"},{"Effect":"Deny","Action":"kms:*","Resource":"*"}]}"#;

fn code<T: std::fmt::Debug>(r: Result<T, AwsError>) -> String {
    r.unwrap_err().code
}

fn tag(k: &str, v: &str) -> iam::Tag {
    iam::Tag { key: k.into(), value: v.into() }
}

fn world() -> Simulator {
    let sim = fresh_account(Era::Current, &[REGION]);
    sim.call::<iam::CreateRole>(
        REGION,
        iam::CreateRoleRequest {
            role_name: "app".into(),
            assume_role_policy_document: TRUST.into(),
            ..Default::default()
        },
    )
    .unwrap();
    sim.call::<iam::CreateUser>(REGION, iam::CreateUserRequest { user_name: "alice".into(), ..Default::default() })
        .unwrap();
    sim
}

fn role_tags(sim: &Simulator) -> Vec<iam::Tag> {
    sim.call::<iam::ListRoleTags>(REGION, iam::ListRoleTagsRequest { role_name: "app".into(), ..Default::default() })
        .unwrap()
        .tags
}

#[test]
fn role_tags_are_added_replaced_case_insensitively_and_removed() {
    let sim = world();
    assert!(role_tags(&sim).is_empty());
    let add =
        |tags: Vec<iam::Tag>| sim.call::<iam::TagRole>(REGION, iam::TagRoleRequest { role_name: "app".into(), tags });
    add(vec![tag("Team", "ops"), tag("env", "prod")]).unwrap();
    add(vec![tag("team", "sec")]).unwrap();
    assert_eq!(role_tags(&sim), vec![tag("env", "prod"), tag("team", "sec")]);
    assert_eq!(code(add(vec![tag("aws:x", "y")])), "InvalidInput");
    assert_eq!(code(add(vec![tag("a", "1"), tag("A", "2")])), "InvalidInput");
    assert_eq!(code(add((0..49).map(|n| tag(&format!("k{n}"), "v")).collect())), "LimitExceeded");
    assert_eq!(role_tags(&sim).len(), 2, "refusals changed nothing");
    sim.call::<iam::UntagRole>(REGION, iam::UntagRoleRequest { role_name: "app".into(), tag_keys: vec!["ENV".into()] })
        .unwrap();
    assert_eq!(role_tags(&sim), vec![tag("team", "sec")]);
    // GetRole shows the same tags.
    let role = sim.call::<iam::GetRole>(REGION, iam::GetRoleRequest { role_name: "app".into() }).unwrap().role;
    assert_eq!(role.tags, Some(vec![tag("team", "sec")]));
    let missing = sim
        .call::<iam::ListRoleTags>(REGION, iam::ListRoleTagsRequest { role_name: "nope".into(), ..Default::default() });
    assert_eq!(code(missing), "NoSuchEntity");
}

#[test]
fn role_tags_page_with_a_marker() {
    let sim = world();
    let tags: Vec<iam::Tag> = (0..5).map(|n| tag(&format!("k{n}"), "v")).collect();
    sim.call::<iam::TagRole>(REGION, iam::TagRoleRequest { role_name: "app".into(), tags }).unwrap();
    let first = sim
        .call::<iam::ListRoleTags>(
            REGION,
            iam::ListRoleTagsRequest { role_name: "app".into(), max_items: Some(3), marker: None },
        )
        .unwrap();
    assert_eq!((first.tags.len(), first.is_truncated), (3, Some(true)));
    let rest = sim
        .call::<iam::ListRoleTags>(
            REGION,
            iam::ListRoleTagsRequest { role_name: "app".into(), max_items: Some(3), marker: first.marker },
        )
        .unwrap();
    assert_eq!((rest.tags.len(), rest.is_truncated), (2, Some(false)));
}

#[test]
fn user_and_policy_tags() {
    let sim = world();
    sim.call::<iam::TagUser>(REGION, iam::TagUserRequest { user_name: "alice".into(), tags: vec![tag("dept", "it")] })
        .unwrap();
    let user_tags = |sim: &Simulator| {
        sim.call::<iam::ListUserTags>(
            REGION,
            iam::ListUserTagsRequest { user_name: "alice".into(), ..Default::default() },
        )
        .unwrap()
        .tags
    };
    assert_eq!(user_tags(&sim), vec![tag("dept", "it")]);
    sim.call::<iam::UntagUser>(
        REGION,
        iam::UntagUserRequest { user_name: "alice".into(), tag_keys: vec!["dept".into()] },
    )
    .unwrap();
    assert!(user_tags(&sim).is_empty());
    let arn = sim
        .call::<iam::CreatePolicy>(
            REGION,
            iam::CreatePolicyRequest {
                policy_name: "reader".into(),
                policy_document: S3_AND_LOGS.into(),
                ..Default::default()
            },
        )
        .unwrap()
        .policy
        .unwrap()
        .arn
        .unwrap();
    let policy_tags = |sim: &Simulator, arn: &str| {
        sim.call::<iam::ListPolicyTags>(
            REGION,
            iam::ListPolicyTagsRequest { policy_arn: arn.into(), ..Default::default() },
        )
    };
    sim.call::<iam::TagPolicy>(
        REGION,
        iam::TagPolicyRequest { policy_arn: arn.clone(), tags: vec![tag("owner", "me")] },
    )
    .unwrap();
    assert_eq!(policy_tags(&sim, &arn).unwrap().tags, vec![tag("owner", "me")]);
    sim.call::<iam::UntagPolicy>(
        REGION,
        iam::UntagPolicyRequest { policy_arn: arn.clone(), tag_keys: vec!["owner".into()] },
    )
    .unwrap();
    assert!(policy_tags(&sim, &arn).unwrap().tags.is_empty());
    let aws = "arn:aws:iam::aws:policy/AWSSupportAccess";
    assert!(policy_tags(&sim, aws).unwrap().tags.is_empty(), "an AWS managed policy has no tags");
    let tag_aws =
        sim.call::<iam::TagPolicy>(REGION, iam::TagPolicyRequest { policy_arn: aws.into(), tags: vec![tag("a", "b")] });
    assert_eq!(code(tag_aws), "InvalidInput");
    let gone = format!("arn:aws:iam::{ACCOUNT}:policy/nope");
    assert_eq!(code(policy_tags(&sim, &gone)), "NoSuchEntity");
}

#[test]
fn providers_certificates_and_service_credentials_are_empty_lists() {
    let sim = world();
    let saml = sim.call::<iam::ListSAMLProviders>(REGION, Default::default()).unwrap();
    assert_eq!(saml.saml_provider_list, Some(vec![]));
    let oidc = sim.call::<iam::ListOpenIDConnectProviders>(REGION, Default::default()).unwrap();
    assert_eq!(oidc.open_id_connect_provider_list, Some(vec![]));
    let certs = sim.call::<iam::ListServerCertificates>(REGION, Default::default()).unwrap();
    assert!(certs.server_certificate_metadata_list.is_empty());
    let creds = sim
        .call::<iam::ListServiceSpecificCredentials>(
            REGION,
            iam::ListServiceSpecificCredentialsRequest { user_name: Some("alice".into()), ..Default::default() },
        )
        .unwrap();
    assert_eq!(creds.service_specific_credentials, Some(vec![]));
    let nobody = sim.call::<iam::ListServiceSpecificCredentials>(
        REGION,
        iam::ListServiceSpecificCredentialsRequest { user_name: Some("bob".into()), ..Default::default() },
    );
    assert_eq!(code(nobody), "NoSuchEntity");
}

#[test]
fn last_accessed_reports_list_the_allowed_services_never_accessed() {
    let sim = world();
    sim.call::<iam::PutRolePolicy>(
        REGION,
        iam::PutRolePolicyRequest {
            role_name: "app".into(),
            policy_name: "p".into(),
            policy_document: S3_AND_LOGS.into(),
        },
    )
    .unwrap();
    let arn = format!("arn:aws:iam::{ACCOUNT}:role/app");
    let job = sim
        .call::<iam::GenerateServiceLastAccessedDetails>(
            REGION,
            iam::GenerateServiceLastAccessedDetailsRequest { arn, granularity: None },
        )
        .unwrap()
        .job_id
        .unwrap();
    let report = sim
        .call::<iam::GetServiceLastAccessedDetails>(
            REGION,
            iam::GetServiceLastAccessedDetailsRequest { job_id: job, ..Default::default() },
        )
        .unwrap();
    assert_eq!(report.job_status, "COMPLETED");
    let services: Vec<_> = report.services_last_accessed.iter().map(|s| s.service_namespace.as_str()).collect();
    assert_eq!(services, vec!["logs", "s3"], "the Deny statement's kms adds nothing");
    assert!(report.services_last_accessed.iter().all(|s| s.last_authenticated.is_none()));
    let unknown = sim.call::<iam::GenerateServiceLastAccessedDetails>(
        REGION,
        iam::GenerateServiceLastAccessedDetailsRequest {
            arn: format!("arn:aws:iam::{ACCOUNT}:role/nope"),
            granularity: None,
        },
    );
    assert_eq!(code(unknown), "NoSuchEntity");
    let bad = sim.call::<iam::GenerateServiceLastAccessedDetails>(
        REGION,
        iam::GenerateServiceLastAccessedDetailsRequest { arn: "arn:aws:s3:::some-bucket".into(), granularity: None },
    );
    assert_eq!(code(bad), "InvalidInput");
    let no_job = sim.call::<iam::GetServiceLastAccessedDetails>(
        REGION,
        iam::GetServiceLastAccessedDetailsRequest {
            job_id: "00000000-0000-0000-0000-000000000000".into(),
            ..Default::default()
        },
    );
    assert_eq!(code(no_job), "NoSuchEntity");
}

#[test]
fn config_aggregators_are_an_empty_list() {
    let sim = world();
    let all = sim.call::<config::DescribeConfigurationAggregators>(REGION, Default::default()).unwrap();
    assert_eq!(all.configuration_aggregators, Some(vec![]));
    let named = sim.call::<config::DescribeConfigurationAggregators>(
        REGION,
        config::DescribeConfigurationAggregatorsRequest {
            configuration_aggregator_names: Some(vec!["org".into()]),
            ..Default::default()
        },
    );
    assert_eq!(code(named), "NoSuchConfigurationAggregatorException");
}
