//! IAM roles, service-linked roles, managed-policy attachment, inline role policies and the
//! AWS managed policy catalogue.

use hubsim_simulator::model::iam;
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "ap-northeast-1";
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"vpc-flow-logs.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const ALLOW_LOGS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#;
const SUPPORT: &str = "arn:aws:iam::aws:policy/AWSSupportAccess";

fn err<T: std::fmt::Debug>(r: Result<T, AwsError>) -> AwsError {
    r.unwrap_err()
}

fn create_role(sim: &Simulator, name: &str, path: Option<&str>, trust: &str) -> Result<iam::Role, AwsError> {
    sim.call::<iam::CreateRole>(
        REGION,
        iam::CreateRoleRequest {
            role_name: name.into(),
            path: path.map(str::to_string),
            assume_role_policy_document: trust.into(),
            ..Default::default()
        },
    )
    .map(|r| r.role)
}

fn role_names(sim: &Simulator) -> Vec<String> {
    sim.call::<iam::ListRoles>(REGION, Default::default()).unwrap().roles.into_iter().map(|r| r.role_name).collect()
}

fn attach(sim: &Simulator, role: &str, arn: &str) -> Result<(), AwsError> {
    sim.call::<iam::AttachRolePolicy>(
        REGION,
        iam::AttachRolePolicyRequest { role_name: role.into(), policy_arn: arn.into() },
    )
    .map(|_| ())
}

fn attached(sim: &Simulator, role: &str) -> Vec<String> {
    sim.call::<iam::ListAttachedRolePolicies>(
        REGION,
        iam::ListAttachedRolePoliciesRequest { role_name: role.into(), ..Default::default() },
    )
    .unwrap()
    .attached_policies
    .unwrap()
    .into_iter()
    .map(|p| p.policy_arn.unwrap())
    .collect()
}

#[test]
fn create_get_delete_role() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let role = create_role(&sim, "flow-logs", Some("/app/"), TRUST).unwrap();
    assert_eq!(role.arn, format!("arn:aws:iam::{ACCOUNT}:role/app/flow-logs"));
    assert_eq!(role.path, "/app/");
    assert!(role.role_id.starts_with("AROA"));
    assert_eq!(role.max_session_duration, Some(3600));
    let got = sim.call::<iam::GetRole>(REGION, iam::GetRoleRequest { role_name: "flow-logs".into() }).unwrap().role;
    assert_eq!(got.role_id, role.role_id);
    assert_eq!(got.assume_role_policy_document.as_deref(), Some(TRUST));
    assert!(got.role_last_used.is_some());
    sim.call::<iam::DeleteRole>(REGION, iam::DeleteRoleRequest { role_name: "flow-logs".into() }).unwrap();
    let e = err(sim.call::<iam::GetRole>(REGION, iam::GetRoleRequest { role_name: "flow-logs".into() }));
    assert_eq!((e.code.as_str(), e.status), ("NoSuchEntity", 404));
    assert_eq!(e.message, "The role with name flow-logs cannot be found.");
    let e = err(sim.call::<iam::DeleteRole>(REGION, iam::DeleteRoleRequest { role_name: "flow-logs".into() }));
    assert_eq!(e.code, "NoSuchEntity");
}

#[test]
fn create_role_validates_and_failures_change_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let before = role_names(&sim);
    let no_principal = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"#;
    let with_resource = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}"#;
    let wrong_action = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"s3:GetObject"}]}"#;
    for doc in ["not json", "{}", no_principal, with_resource, wrong_action] {
        let e = err(create_role(&sim, "r1", None, doc));
        assert_eq!((e.code.as_str(), e.status), ("MalformedPolicyDocument", 400), "{doc}");
    }
    let e = err(create_role(&sim, "bad name!", None, TRUST));
    assert_eq!((e.code.as_str(), e.status), ("ValidationError", 400));
    let e = err(create_role(&sim, &"x".repeat(65), None, TRUST));
    assert_eq!(e.code, "ValidationError");
    let e = err(create_role(&sim, "r1", Some("no-slashes"), TRUST));
    assert_eq!(e.code, "ValidationError");
    let e = err(create_role(&sim, "r1", Some("/aws-service-role/x/"), TRUST));
    assert_eq!(e.code, "InvalidInput");
    // Names are unique regardless of case.
    let e = err(create_role(&sim, "organizationaccountaccessrole", None, TRUST));
    assert_eq!((e.code.as_str(), e.status), ("EntityAlreadyExists", 409));
    assert_eq!(role_names(&sim), before);
}

#[test]
fn create_role_over_json() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let out = sim
        .call_json(
            REGION,
            "iam",
            "CreateRole",
            serde_json::json!({"RoleName": "json-role", "AssumeRolePolicyDocument": TRUST, "MaxSessionDuration": 7200}),
        )
        .unwrap();
    assert_eq!(out["Role"]["Arn"], format!("arn:aws:iam::{ACCOUNT}:role/json-role"));
    assert_eq!(out["Role"]["MaxSessionDuration"], 7200);
    let e = sim.call_json(REGION, "iam", "CreateRole", serde_json::json!({"RoleName": "no-trust"})).unwrap_err();
    assert_eq!(e.code, "ValidationError");
}

#[test]
fn list_roles_filters_and_pages() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_role(&sim, "a-app", Some("/app/"), TRUST).unwrap();
    create_role(&sim, "b-app", Some("/app/"), TRUST).unwrap();
    let slr = sim
        .call::<iam::ListRoles>(
            REGION,
            iam::ListRolesRequest { path_prefix: Some("/aws-service-role/".into()), ..Default::default() },
        )
        .unwrap();
    assert_eq!(slr.roles.len(), 3);
    let app = sim
        .call::<iam::ListRoles>(
            REGION,
            iam::ListRolesRequest { path_prefix: Some("/app/".into()), ..Default::default() },
        )
        .unwrap();
    assert_eq!(app.roles.iter().map(|r| r.role_name.as_str()).collect::<Vec<_>>(), ["a-app", "b-app"]);
    let mut seen = Vec::new();
    let mut marker = None;
    loop {
        let page = sim
            .call::<iam::ListRoles>(
                REGION,
                iam::ListRolesRequest { marker: marker.clone(), max_items: Some(2), ..Default::default() },
            )
            .unwrap();
        assert!(page.roles.len() <= 2);
        seen.extend(page.roles.into_iter().map(|r| r.role_name));
        if page.is_truncated != Some(true) {
            assert_eq!(page.marker, None);
            break;
        }
        marker = page.marker;
    }
    assert_eq!(seen, role_names(&sim));
    assert_eq!(seen.len(), 6);
    let e = err(
        sim.call::<iam::ListRoles>(REGION, iam::ListRolesRequest { marker: Some("zzz".into()), ..Default::default() })
    );
    assert_eq!(e.code, "InvalidInput");
}

#[test]
fn service_linked_roles() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let role = sim
        .call::<iam::CreateServiceLinkedRole>(
            REGION,
            iam::CreateServiceLinkedRoleRequest {
                aws_service_name: "config.amazonaws.com".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .role
        .unwrap();
    assert_eq!(role.role_name, "AWSServiceRoleForConfig");
    assert_eq!(role.path, "/aws-service-role/config.amazonaws.com/");
    assert_eq!(
        role.arn,
        format!("arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig")
    );
    let trust: serde_json::Value = serde_json::from_str(role.assume_role_policy_document.as_deref().unwrap()).unwrap();
    assert_eq!(trust["Statement"][0]["Principal"]["Service"][0], "config.amazonaws.com");
    assert_eq!(
        attached(&sim, "AWSServiceRoleForConfig"),
        ["arn:aws:iam::aws:policy/aws-service-role/AWSConfigServiceRolePolicy"]
    );
    for (service, name) in [
        ("securityhub.amazonaws.com", "AWSServiceRoleForSecurityHub"),
        ("guardduty.amazonaws.com", "AWSServiceRoleForAmazonGuardDuty"),
        ("cloudtrail.amazonaws.com", "AWSServiceRoleForCloudTrail"),
    ] {
        let r = sim
            .call_json(REGION, "iam", "CreateServiceLinkedRole", serde_json::json!({"AWSServiceName": service}))
            .unwrap();
        assert_eq!(r["Role"]["RoleName"], name);
    }
    let e = err(sim.call::<iam::CreateServiceLinkedRole>(
        REGION,
        iam::CreateServiceLinkedRoleRequest { aws_service_name: "config.amazonaws.com".into(), ..Default::default() },
    ));
    assert_eq!((e.code.as_str(), e.status), ("InvalidInput", 400));
    assert_eq!(
        e.message,
        "Service role name AWSServiceRoleForConfig has been taken in this account, please try a different suffix."
    );
    let before = role_names(&sim);
    let e = err(sim.call::<iam::CreateServiceLinkedRole>(
        REGION,
        iam::CreateServiceLinkedRoleRequest { aws_service_name: "nosuch.amazonaws.com".into(), ..Default::default() },
    ));
    assert_eq!(e.code, "InvalidInput");
    assert_eq!(role_names(&sim), before);
    // Service-linked roles are protected from the ordinary role operations.
    let e = err(
        sim.call::<iam::DeleteRole>(REGION, iam::DeleteRoleRequest { role_name: "AWSServiceRoleForConfig".into() })
    );
    assert_eq!((e.code.as_str(), e.status), ("UnmodifiableEntity", 400));
    let e = err(attach(&sim, "AWSServiceRoleForConfig", SUPPORT));
    assert_eq!(e.code, "UnmodifiableEntity");
}

#[test]
fn attach_and_detach_managed_policies() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_role(&sim, "support", None, TRUST).unwrap();
    attach(&sim, "support", SUPPORT).unwrap();
    attach(&sim, "support", SUPPORT).unwrap(); // idempotent
    assert_eq!(attached(&sim, "support"), [SUPPORT]);
    let e = err(attach(&sim, "support", "arn:aws:iam::aws:policy/NoSuchPolicy"));
    assert_eq!((e.code.as_str(), e.status), ("NoSuchEntity", 404));
    let e = err(attach(&sim, "ghost", SUPPORT));
    assert_eq!(e.code, "NoSuchEntity");
    let e = err(attach(&sim, "support", "arn:aws:iam::aws:policy/aws-service-role/AWSConfigServiceRolePolicy"));
    assert_eq!((e.code.as_str(), e.status), ("PolicyNotAttachable", 400));
    assert_eq!(attached(&sim, "support"), [SUPPORT]);
    // Deleting needs the policy detached first.
    let e = err(sim.call::<iam::DeleteRole>(REGION, iam::DeleteRoleRequest { role_name: "support".into() }));
    assert_eq!((e.code.as_str(), e.status), ("DeleteConflict", 409));
    let detach = |arn: &str| {
        sim.call::<iam::DetachRolePolicy>(
            REGION,
            iam::DetachRolePolicyRequest { role_name: "support".into(), policy_arn: arn.into() },
        )
    };
    detach(SUPPORT).unwrap();
    assert!(attached(&sim, "support").is_empty());
    assert_eq!(err(detach(SUPPORT)).code, "NoSuchEntity");
    sim.call::<iam::DeleteRole>(REGION, iam::DeleteRoleRequest { role_name: "support".into() }).unwrap();
}

#[test]
fn attach_limit_is_ten() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_role(&sim, "many", None, TRUST).unwrap();
    let attachable: Vec<String> = sim
        .call::<iam::ListPolicies>(REGION, iam::ListPoliciesRequest { scope: Some("AWS".into()), ..Default::default() })
        .unwrap()
        .policies
        .unwrap()
        .into_iter()
        .filter(|p| p.path.as_deref() != Some("/aws-service-role/"))
        .map(|p| p.arn.unwrap())
        .collect();
    assert!(attachable.len() > 10, "{attachable:?}");
    for arn in attachable.iter().take(10) {
        attach(&sim, "many", arn).unwrap();
    }
    let e = err(attach(&sim, "many", &attachable[10]));
    assert_eq!((e.code.as_str(), e.status), ("LimitExceeded", 409));
    assert_eq!(attached(&sim, "many").len(), 10);
}

#[test]
fn inline_role_policies() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_role(&sim, "writer", None, TRUST).unwrap();
    let put = |name: &str, doc: &str| {
        sim.call::<iam::PutRolePolicy>(
            REGION,
            iam::PutRolePolicyRequest {
                role_name: "writer".into(),
                policy_name: name.into(),
                policy_document: doc.into(),
            },
        )
    };
    put("logs", ALLOW_LOGS).unwrap();
    let got = sim
        .call::<iam::GetRolePolicy>(
            REGION,
            iam::GetRolePolicyRequest { role_name: "writer".into(), policy_name: "logs".into() },
        )
        .unwrap();
    assert_eq!(got.policy_document, ALLOW_LOGS);
    assert_eq!(got.role_name, "writer");
    let with_principal =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#;
    let no_resource = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}"#;
    for doc in ["nope", with_principal, no_resource] {
        let e = err(put("bad", doc));
        assert_eq!((e.code.as_str(), e.status), ("MalformedPolicyDocument", 400), "{doc}");
    }
    let list = |sim: &Simulator| {
        sim.call::<iam::ListRolePolicies>(
            REGION,
            iam::ListRolePoliciesRequest { role_name: "writer".into(), ..Default::default() },
        )
        .unwrap()
        .policy_names
    };
    assert_eq!(list(&sim), ["logs"]);
    let e = err(sim.call::<iam::GetRolePolicy>(
        REGION,
        iam::GetRolePolicyRequest { role_name: "writer".into(), policy_name: "bad".into() },
    ));
    assert_eq!((e.code.as_str(), e.status), ("NoSuchEntity", 404));
    let e = err(sim.call::<iam::DeleteRole>(REGION, iam::DeleteRoleRequest { role_name: "writer".into() }));
    assert_eq!(e.code, "DeleteConflict");
    let delete = |name: &str| {
        sim.call::<iam::DeleteRolePolicy>(
            REGION,
            iam::DeleteRolePolicyRequest { role_name: "writer".into(), policy_name: name.into() },
        )
    };
    delete("logs").unwrap();
    assert!(list(&sim).is_empty());
    assert_eq!(err(delete("logs")).code, "NoSuchEntity");
    let e = err(sim.call::<iam::ListRolePolicies>(
        REGION,
        iam::ListRolePoliciesRequest { role_name: "ghost".into(), ..Default::default() },
    ));
    assert_eq!(e.code, "NoSuchEntity");
    sim.call::<iam::DeleteRole>(REGION, iam::DeleteRoleRequest { role_name: "writer".into() }).unwrap();
}

#[test]
fn managed_policy_catalogue() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let list =
        |input: iam::ListPoliciesRequest| sim.call::<iam::ListPolicies>(REGION, input).unwrap().policies.unwrap();
    let aws = list(iam::ListPoliciesRequest { scope: Some("AWS".into()), ..Default::default() });
    let names: Vec<&str> = aws.iter().map(|p| p.policy_name.as_deref().unwrap()).collect();
    for needed in [
        "AdministratorAccess",
        "AWSSupportAccess",
        "AWSConfigServiceRolePolicy",
        "AWSSecurityHubServiceRolePolicy",
        "AmazonGuardDutyServiceRolePolicy",
        "AWSOrganizationsServiceTrustPolicy",
        "AWSSupportServiceRolePolicy",
        "AWSTrustedAdvisorServiceRolePolicy",
    ] {
        assert!(names.contains(&needed), "{needed}");
    }
    assert!(list(iam::ListPoliciesRequest { scope: Some("Local".into()), ..Default::default() }).is_empty());
    let only_attached = list(iam::ListPoliciesRequest { only_attached: Some(true), ..Default::default() });
    let attached_names: Vec<&str> = only_attached.iter().map(|p| p.policy_name.as_deref().unwrap()).collect();
    assert_eq!(
        attached_names,
        [
            "AdministratorAccess",
            "AWSOrganizationsServiceTrustPolicy",
            "AWSSupportServiceRolePolicy",
            "AWSTrustedAdvisorServiceRolePolicy"
        ]
    );
    assert!(only_attached.iter().all(|p| p.attachment_count == Some(1)));
    let slr = list(iam::ListPoliciesRequest { path_prefix: Some("/aws-service-role/".into()), ..Default::default() });
    assert!(slr.iter().all(|p| p.arn.as_deref().unwrap().starts_with("arn:aws:iam::aws:policy/aws-service-role/")));
    // Paging covers everything exactly once.
    let first = sim
        .call::<iam::ListPolicies>(REGION, iam::ListPoliciesRequest { max_items: Some(5), ..Default::default() })
        .unwrap();
    assert_eq!(first.is_truncated, Some(true));
    let rest = sim
        .call::<iam::ListPolicies>(
            REGION,
            iam::ListPoliciesRequest { marker: first.marker, max_items: Some(1000), ..Default::default() },
        )
        .unwrap();
    assert_eq!(first.policies.unwrap().len() + rest.policies.unwrap().len(), aws.len());

    let p = sim
        .call::<iam::GetPolicy>(REGION, iam::GetPolicyRequest { policy_arn: SUPPORT.into() })
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(p.policy_name.as_deref(), Some("AWSSupportAccess"));
    assert!(p.policy_id.as_deref().unwrap().starts_with("ANPA"));
    assert_eq!(p.attachment_count, Some(0));
    let v = sim
        .call::<iam::GetPolicyVersion>(
            REGION,
            iam::GetPolicyVersionRequest {
                policy_arn: SUPPORT.into(),
                version_id: p.default_version_id.clone().unwrap(),
            },
        )
        .unwrap()
        .policy_version
        .unwrap();
    let doc: serde_json::Value = serde_json::from_str(v.document.as_deref().unwrap()).unwrap();
    assert_eq!(doc["Statement"][0]["Action"][0], "support:*");
    assert_eq!(v.is_default_version, Some(true));
    let e = err(sim.call::<iam::GetPolicyVersion>(
        REGION,
        iam::GetPolicyVersionRequest { policy_arn: SUPPORT.into(), version_id: "v99".into() },
    ));
    assert_eq!(e.code, "NoSuchEntity");
    let e = err(sim.call::<iam::GetPolicy>(
        REGION,
        iam::GetPolicyRequest { policy_arn: format!("arn:aws:iam::{ACCOUNT}:policy/mine") },
    ));
    assert_eq!((e.code.as_str(), e.status), ("NoSuchEntity", 404));
    // Every catalogue document is a valid identity policy.
    for p in &aws {
        let v = sim
            .call::<iam::GetPolicyVersion>(
                REGION,
                iam::GetPolicyVersionRequest { policy_arn: p.arn.clone().unwrap(), version_id: "v1".into() },
            )
            .unwrap();
        let text = v.policy_version.unwrap().document.unwrap();
        hubsim_simulator::policy::Policy::parse(&text, false).unwrap();
    }
}

#[test]
fn entities_for_policy() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let entities = |arn: &str, filter: Option<&str>| {
        sim.call::<iam::ListEntitiesForPolicy>(
            REGION,
            iam::ListEntitiesForPolicyRequest {
                policy_arn: arn.into(),
                entity_filter: filter.map(str::to_string),
                ..Default::default()
            },
        )
    };
    // CIS 1.20: AWSSupportAccess exists and is attached to nothing.
    let none = entities(SUPPORT, None).unwrap();
    assert_eq!(none.policy_roles, Some(vec![]));
    assert_eq!(none.policy_users, Some(vec![]));
    assert_eq!(none.policy_groups, Some(vec![]));
    create_role(&sim, "support", None, TRUST).unwrap();
    attach(&sim, "support", SUPPORT).unwrap();
    let some = entities(SUPPORT, None).unwrap();
    let roles = some.policy_roles.unwrap();
    assert_eq!(roles.len(), 1);
    assert_eq!(roles[0].role_name.as_deref(), Some("support"));
    assert_eq!(entities(SUPPORT, Some("User")).unwrap().policy_roles, Some(vec![]));
    let e = err(entities("arn:aws:iam::aws:policy/Nope", None));
    assert_eq!(e.code, "NoSuchEntity");
}

#[test]
fn role_by_arn_finds_exact_arns() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_role(&sim, "deliver", Some("/svc/"), TRUST).unwrap();
    let find = |arn: &str| hubsim_simulator::testing::role_by_arn(&sim, REGION, arn).unwrap();
    let found = find(&format!("arn:aws:iam::{ACCOUNT}:role/svc/deliver")).unwrap();
    assert_eq!(found.role_name, "deliver");
    assert!(find(&format!("arn:aws:iam::{ACCOUNT}:role/deliver")).is_none());
    assert!(find("arn:aws:iam::999999999999:role/svc/deliver").is_none());
    assert!(find("not-an-arn").is_none());
    assert!(find(&format!("arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole")).is_some());
}

#[test]
fn role_policy_operations_need_a_modifiable_role() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let e = err(sim.call::<iam::ListAttachedRolePolicies>(
        REGION,
        iam::ListAttachedRolePoliciesRequest { role_name: "ghost".into(), ..Default::default() },
    ));
    assert_eq!((e.code.as_str(), e.status), ("NoSuchEntity", 404));
    let put = |role: &str| {
        sim.call::<iam::PutRolePolicy>(
            REGION,
            iam::PutRolePolicyRequest {
                role_name: role.into(),
                policy_name: "extra".into(),
                policy_document: ALLOW_LOGS.into(),
            },
        )
    };
    assert_eq!(err(put("ghost")).code, "NoSuchEntity");
    let e = err(put("AWSServiceRoleForSupport"));
    assert_eq!((e.code.as_str(), e.status), ("UnmodifiableEntity", 400));
    let inline = sim
        .call::<iam::ListRolePolicies>(
            REGION,
            iam::ListRolePoliciesRequest { role_name: "AWSServiceRoleForSupport".into(), ..Default::default() },
        )
        .unwrap();
    assert!(inline.policy_names.is_empty());
    // Paging markers are checked everywhere.
    let e = err(
        sim.call::<iam::ListGroups>(REGION, iam::ListGroupsRequest { marker: Some("x".into()), ..Default::default() })
    );
    assert_eq!(e.code, "InvalidInput");
    let e = err(sim.call::<iam::ListAccountAliases>(
        REGION,
        iam::ListAccountAliasesRequest { marker: Some("7".into()), ..Default::default() },
    ));
    assert_eq!(e.code, "InvalidInput");
}
