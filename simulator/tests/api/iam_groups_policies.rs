//! IAM groups and memberships, customer managed policies and their versions, user and group
//! policies (attached and inline), and what the account summary counts of them.

use std::collections::BTreeMap;

use hubsim_simulator::model::{iam, Empty};
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "eu-west-1";
const SUPPORT: &str = "arn:aws:iam::aws:policy/AWSSupportAccess";
const READ_S3: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
const ADMIN: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

fn err<T: std::fmt::Debug>(r: Result<T, AwsError>) -> AwsError {
    r.unwrap_err()
}

fn sim() -> Simulator {
    fresh_account(Era::Current, &[REGION])
}

fn user(sim: &Simulator, name: &str) {
    sim.call::<iam::CreateUser>(REGION, iam::CreateUserRequest { user_name: name.into(), ..Default::default() })
        .unwrap();
}

fn group(sim: &Simulator, name: &str) -> iam::Group {
    sim.call::<iam::CreateGroup>(REGION, iam::CreateGroupRequest { group_name: name.into(), path: None }).unwrap().group
}

fn add(sim: &Simulator, g: &str, u: &str) -> Result<Empty, AwsError> {
    sim.call::<iam::AddUserToGroup>(REGION, iam::AddUserToGroupRequest { group_name: g.into(), user_name: u.into() })
}

fn create_policy(sim: &Simulator, name: &str, doc: &str) -> Result<iam::Policy, AwsError> {
    sim.call::<iam::CreatePolicy>(
        REGION,
        iam::CreatePolicyRequest { policy_name: name.into(), policy_document: doc.into(), ..Default::default() },
    )
    .map(|r| r.policy.unwrap())
}

fn new_version(sim: &Simulator, arn: &str, doc: &str, default: bool) -> Result<iam::PolicyVersion, AwsError> {
    sim.call::<iam::CreatePolicyVersion>(
        REGION,
        iam::CreatePolicyVersionRequest {
            policy_arn: arn.into(),
            policy_document: doc.into(),
            set_as_default: Some(default),
        },
    )
    .map(|r| r.policy_version.unwrap())
}

fn versions(sim: &Simulator, arn: &str) -> Vec<(String, bool)> {
    sim.call::<iam::ListPolicyVersions>(
        REGION,
        iam::ListPolicyVersionsRequest { policy_arn: arn.into(), ..Default::default() },
    )
    .unwrap()
    .versions
    .unwrap()
    .into_iter()
    .map(|v| (v.version_id.unwrap(), v.is_default_version.unwrap()))
    .collect()
}

fn summary(sim: &Simulator) -> BTreeMap<String, i32> {
    sim.call::<iam::GetAccountSummary>(REGION, Empty {}).unwrap().summary_map.unwrap()
}

fn attach_user(sim: &Simulator, u: &str, arn: &str) -> Result<Empty, AwsError> {
    sim.call::<iam::AttachUserPolicy>(
        REGION,
        iam::AttachUserPolicyRequest { user_name: u.into(), policy_arn: arn.into() },
    )
}

fn attach_group(sim: &Simulator, g: &str, arn: &str) -> Result<Empty, AwsError> {
    sim.call::<iam::AttachGroupPolicy>(
        REGION,
        iam::AttachGroupPolicyRequest { group_name: g.into(), policy_arn: arn.into() },
    )
}

fn member_names(sim: &Simulator, g: &str) -> Vec<String> {
    sim.call::<iam::GetGroup>(REGION, iam::GetGroupRequest { group_name: g.into(), ..Default::default() })
        .unwrap()
        .users
        .into_iter()
        .map(|u| u.user_name)
        .collect()
}

#[test]
fn groups_hold_members_and_refuse_deletion_while_in_use() {
    let sim = sim();
    user(&sim, "alice");
    user(&sim, "bob");
    let g = group(&sim, "ops");
    assert_eq!(g.arn, format!("arn:aws:iam::{ACCOUNT}:group/ops"));
    assert!(g.group_id.starts_with("AGPA") && g.group_id.len() == 21, "{}", g.group_id);
    let e = err(sim.call::<iam::CreateGroup>(REGION, iam::CreateGroupRequest { group_name: "OPS".into(), path: None }));
    assert_eq!((e.code.as_str(), e.status), ("EntityAlreadyExists", 409));

    add(&sim, "ops", "alice").unwrap();
    add(&sim, "ops", "bob").unwrap();
    add(&sim, "ops", "alice").unwrap(); // again: no change
    assert_eq!(member_names(&sim, "ops"), ["alice", "bob"]);
    let for_alice = sim
        .call::<iam::ListGroupsForUser>(
            REGION,
            iam::ListGroupsForUserRequest { user_name: "alice".into(), ..Default::default() },
        )
        .unwrap();
    assert_eq!(for_alice.groups.iter().map(|g| g.group_name.as_str()).collect::<Vec<_>>(), ["ops"]);
    let e = err(add(&sim, "ops", "carol"));
    assert_eq!((e.code.as_str(), e.status), ("NoSuchEntity", 404));
    let e = err(add(&sim, "nope", "alice"));
    assert_eq!(e.message, "The group with name nope cannot be found.");

    // A member or a policy keeps the group; a group keeps the user.
    let e = err(sim.call::<iam::DeleteGroup>(REGION, iam::DeleteGroupRequest { group_name: "ops".into() }));
    assert_eq!((e.code.as_str(), e.status), ("DeleteConflict", 409));
    assert_eq!(e.message, "Cannot delete entity, must remove users from group first.");
    let e = err(sim.call::<iam::DeleteUser>(REGION, iam::DeleteUserRequest { user_name: "bob".into() }));
    assert_eq!(e.code, "DeleteConflict");
    assert_eq!(member_names(&sim, "ops"), ["alice", "bob"]);

    for u in ["alice", "bob"] {
        sim.call::<iam::RemoveUserFromGroup>(
            REGION,
            iam::RemoveUserFromGroupRequest { group_name: "ops".into(), user_name: u.into() },
        )
        .unwrap();
    }
    let e = err(sim.call::<iam::RemoveUserFromGroup>(
        REGION,
        iam::RemoveUserFromGroupRequest { group_name: "ops".into(), user_name: "bob".into() },
    ));
    assert_eq!(e.code, "NoSuchEntity");
    attach_group(&sim, "ops", SUPPORT).unwrap();
    let e = err(sim.call::<iam::DeleteGroup>(REGION, iam::DeleteGroupRequest { group_name: "ops".into() }));
    assert_eq!(e.message, "Cannot delete entity, must detach all policies first.");
    sim.call::<iam::DetachGroupPolicy>(
        REGION,
        iam::DetachGroupPolicyRequest { group_name: "ops".into(), policy_arn: SUPPORT.into() },
    )
    .unwrap();
    sim.call::<iam::DeleteUser>(REGION, iam::DeleteUserRequest { user_name: "bob".into() }).unwrap();
    sim.call::<iam::DeleteGroup>(REGION, iam::DeleteGroupRequest { group_name: "ops".into() }).unwrap();
    let listed = sim.call::<iam::ListGroups>(REGION, Default::default()).unwrap().groups;
    assert!(listed.is_empty());
}

#[test]
fn a_user_is_in_at_most_ten_groups() {
    let sim = sim();
    user(&sim, "alice");
    for i in 0..11 {
        group(&sim, &format!("g{i:02}"));
    }
    for i in 0..10 {
        add(&sim, &format!("g{i:02}"), "alice").unwrap();
    }
    let e = err(add(&sim, "g10", "alice"));
    assert_eq!((e.code.as_str(), e.status), ("LimitExceeded", 409));
    assert!(member_names(&sim, "g10").is_empty());
}

#[test]
fn customer_policy_versions_follow_iam_rules() {
    let sim = sim();
    let p = create_policy(&sim, "app-read", READ_S3).unwrap();
    let arn = p.arn.clone().unwrap();
    assert_eq!(arn, format!("arn:aws:iam::{ACCOUNT}:policy/app-read"));
    assert_eq!(p.default_version_id.as_deref(), Some("v1"));
    assert_eq!(p.attachment_count, Some(0));
    assert!(p.policy_id.unwrap().starts_with("ANPA"));
    let e = err(create_policy(&sim, "APP-READ", READ_S3));
    assert_eq!((e.code.as_str(), e.status), ("EntityAlreadyExists", 409));

    for i in 2..=5 {
        let v = new_version(&sim, &arn, READ_S3, i == 3).unwrap();
        assert_eq!(v.version_id.as_deref(), Some(format!("v{i}").as_str()));
    }
    let before = versions(&sim, &arn);
    assert_eq!(before.len(), 5);
    assert_eq!(before.iter().find(|(_, d)| *d).unwrap().0, "v3");
    // The sixth version is refused and nothing changes.
    let e = err(new_version(&sim, &arn, ADMIN, true));
    assert_eq!((e.code.as_str(), e.status), ("LimitExceeded", 409));
    assert!(e.message.contains("up to 5 versions"), "{}", e.message);
    assert_eq!(versions(&sim, &arn), before);

    // The default version cannot be deleted; others can, and ids are not reused.
    let del = |v: &str| {
        sim.call::<iam::DeletePolicyVersion>(
            REGION,
            iam::DeletePolicyVersionRequest { policy_arn: arn.clone(), version_id: v.into() },
        )
    };
    let e = err(del("v3"));
    assert_eq!((e.code.as_str(), e.status), ("DeleteConflict", 409));
    assert_eq!(err(del("v9")).code, "NoSuchEntity");
    assert_eq!(err(del("x1")).code, "ValidationError");
    del("v5").unwrap();
    assert_eq!(new_version(&sim, &arn, ADMIN, false).unwrap().version_id.as_deref(), Some("v6"));
    sim.call::<iam::SetDefaultPolicyVersion>(
        REGION,
        iam::SetDefaultPolicyVersionRequest { policy_arn: arn.clone(), version_id: "v6".into() },
    )
    .unwrap();
    let got = sim
        .call::<iam::GetPolicyVersion>(
            REGION,
            iam::GetPolicyVersionRequest { policy_arn: arn.clone(), version_id: "v6".into() },
        )
        .unwrap()
        .policy_version
        .unwrap();
    assert_eq!((got.document.as_deref(), got.is_default_version), (Some(ADMIN), Some(true)));
    let listed: Vec<String> = versions(&sim, &arn).into_iter().map(|(v, _)| v).collect();
    assert_eq!(listed, ["v6", "v4", "v3", "v2", "v1"]);
    assert_eq!(
        sim.call::<iam::GetPolicy>(REGION, iam::GetPolicyRequest { policy_arn: arn.clone() })
            .unwrap()
            .policy
            .unwrap()
            .default_version_id
            .as_deref(),
        Some("v6")
    );

    // DeletePolicy: only with one version left and attached to nothing.
    let e = err(sim.call::<iam::DeletePolicy>(REGION, iam::DeletePolicyRequest { policy_arn: arn.clone() }));
    assert_eq!(e.code, "DeleteConflict");
    for v in ["v1", "v2", "v3", "v4"] {
        del(v).unwrap();
    }
    user(&sim, "alice");
    attach_user(&sim, "alice", &arn).unwrap();
    let e = err(sim.call::<iam::DeletePolicy>(REGION, iam::DeletePolicyRequest { policy_arn: arn.clone() }));
    assert_eq!(e.message, "Cannot delete a policy attached to entities.");
    sim.call::<iam::DetachUserPolicy>(
        REGION,
        iam::DetachUserPolicyRequest { user_name: "alice".into(), policy_arn: arn.clone() },
    )
    .unwrap();
    sim.call::<iam::DeletePolicy>(REGION, iam::DeletePolicyRequest { policy_arn: arn.clone() }).unwrap();
    assert_eq!(err(sim.call::<iam::GetPolicy>(REGION, iam::GetPolicyRequest { policy_arn: arn })).code, "NoSuchEntity");
}

#[test]
fn policies_iam_would_refuse_change_nothing() {
    let sim = sim();
    let before = summary(&sim);
    let principal =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#;
    let no_resource = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}"#;
    for bad in ["{", "[]", principal, no_resource] {
        let e = err(create_policy(&sim, "bad", bad));
        assert_eq!((e.code.as_str(), e.status), ("MalformedPolicyDocument", 400), "{bad}");
    }
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":[{}]}}]}}"#,
        (0..400).map(|i| format!("\"arn:aws:s3:::b{i}/*\"")).collect::<Vec<_>>().join(",")
    );
    assert_eq!(err(create_policy(&sim, "big", &big)).code, "LimitExceeded");
    assert_eq!(err(create_policy(&sim, "bad name", READ_S3)).code, "ValidationError");
    assert_eq!(summary(&sim), before);
    let local = sim
        .call::<iam::ListPolicies>(
            REGION,
            iam::ListPoliciesRequest { scope: Some("Local".into()), ..Default::default() },
        )
        .unwrap();
    assert!(local.policies.unwrap().is_empty());

    let arn = create_policy(&sim, "ok", READ_S3).unwrap().arn.unwrap();
    assert_eq!(err(new_version(&sim, &arn, principal, true)).code, "MalformedPolicyDocument");
    assert_eq!(versions(&sim, &arn), [("v1".to_string(), true)]);
    // AWS managed policies are not the account's to version.
    assert_eq!(err(new_version(&sim, SUPPORT, READ_S3, true)).code, "InvalidInput");
}

#[test]
fn attachments_are_listed_and_counted_for_users_groups_and_roles() {
    let sim = sim();
    user(&sim, "alice");
    group(&sim, "support");
    let arn = create_policy(&sim, "app-read", READ_S3).unwrap().arn.unwrap();
    attach_user(&sim, "alice", &arn).unwrap();
    attach_user(&sim, "alice", &arn).unwrap(); // again: no change
    attach_group(&sim, "support", &arn).unwrap();
    attach_group(&sim, "support", SUPPORT).unwrap();
    sim.call::<iam::AttachRolePolicy>(
        REGION,
        iam::AttachRolePolicyRequest { role_name: "OrganizationAccountAccessRole".into(), policy_arn: arn.clone() },
    )
    .unwrap();
    let e = err(attach_user(&sim, "alice", "arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy"));
    assert_eq!(e.code, "PolicyNotAttachable");
    let missing = format!("arn:aws:iam::{ACCOUNT}:policy/missing");
    let e = err(attach_group(&sim, "support", &missing));
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("NoSuchEntity", format!("Policy {missing} does not exist or is not attachable.").as_str())
    );

    let entities = sim
        .call::<iam::ListEntitiesForPolicy>(
            REGION,
            iam::ListEntitiesForPolicyRequest { policy_arn: arn.clone(), ..Default::default() },
        )
        .unwrap();
    assert_eq!(entities.policy_users.unwrap()[0].user_name.as_deref(), Some("alice"));
    assert_eq!(entities.policy_groups.unwrap()[0].group_name.as_deref(), Some("support"));
    assert_eq!(entities.policy_roles.unwrap()[0].role_name.as_deref(), Some("OrganizationAccountAccessRole"));
    let groups_only = sim
        .call::<iam::ListEntitiesForPolicy>(
            REGION,
            iam::ListEntitiesForPolicyRequest {
                policy_arn: SUPPORT.into(),
                entity_filter: Some("Group".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(groups_only.policy_groups.unwrap().len(), 1);
    let p =
        sim.call::<iam::GetPolicy>(REGION, iam::GetPolicyRequest { policy_arn: arn.clone() }).unwrap().policy.unwrap();
    assert_eq!(p.attachment_count, Some(3));
    let attached = sim
        .call::<iam::ListAttachedGroupPolicies>(
            REGION,
            iam::ListAttachedGroupPoliciesRequest { group_name: "support".into(), ..Default::default() },
        )
        .unwrap()
        .attached_policies
        .unwrap();
    let names: Vec<_> = attached.iter().map(|a| a.policy_name.clone().unwrap()).collect();
    assert_eq!(names, ["app-read", "AWSSupportAccess"]);
    let local = sim
        .call::<iam::ListPolicies>(
            REGION,
            iam::ListPoliciesRequest { scope: Some("Local".into()), only_attached: Some(true), ..Default::default() },
        )
        .unwrap()
        .policies
        .unwrap();
    assert_eq!(local.len(), 1);
    assert_eq!(local[0].attachment_count, Some(3));

    // A user with a policy is not deleted; the ten-policy quota holds.
    let e = err(sim.call::<iam::DeleteUser>(REGION, iam::DeleteUserRequest { user_name: "alice".into() }));
    assert_eq!(e.message, "Cannot delete entity, must detach all policies first.");
    for i in 0..9 {
        let a = create_policy(&sim, &format!("p{i}"), READ_S3).unwrap().arn.unwrap();
        attach_user(&sim, "alice", &a).unwrap();
    }
    let extra = create_policy(&sim, "p9", READ_S3).unwrap().arn.unwrap();
    let e = err(attach_user(&sim, "alice", &extra));
    assert_eq!((e.code.as_str(), e.message.as_str()), ("LimitExceeded", "Cannot exceed quota for PoliciesPerUser: 10"));
}

#[test]
fn inline_user_and_group_policies_keep_their_size_limits() {
    let sim = sim();
    user(&sim, "alice");
    group(&sim, "ops");
    let put_user = |name: &str, doc: &str| {
        sim.call::<iam::PutUserPolicy>(
            REGION,
            iam::PutUserPolicyRequest {
                user_name: "alice".into(),
                policy_name: name.into(),
                policy_document: doc.into(),
            },
        )
    };
    let put_group = |name: &str, doc: &str| {
        sim.call::<iam::PutGroupPolicy>(
            REGION,
            iam::PutGroupPolicyRequest {
                group_name: "ops".into(),
                policy_name: name.into(),
                policy_document: doc.into(),
            },
        )
    };
    // A document of n resources: 81 characters plus 21 per resource (no white space).
    let doc = |n: usize| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":[{}]}}]}}"#,
            (0..n).map(|i| format!("\"arn:aws:s3:::b{i:04}/*\"")).collect::<Vec<_>>().join(",")
        )
    };
    put_user("a", &doc(40)).unwrap(); // about 920 characters
    put_user("b", &doc(40)).unwrap(); // together under 2,048
    let e = err(put_user("c", &doc(20)));
    assert_eq!((e.code.as_str(), e.status), ("LimitExceeded", 409));
    assert_eq!(e.message, "Maximum policy size of 2048 bytes exceeded for user alice");
    put_user("b", READ_S3).unwrap(); // replacing counts the new size only
    assert_eq!(err(put_user("c", "{\"Statement\":[]}")).code, "MalformedPolicyDocument");
    let names = sim
        .call::<iam::ListUserPolicies>(
            REGION,
            iam::ListUserPoliciesRequest { user_name: "alice".into(), ..Default::default() },
        )
        .unwrap()
        .policy_names;
    assert_eq!(names, ["a", "b"]);
    let got = sim
        .call::<iam::GetUserPolicy>(
            REGION,
            iam::GetUserPolicyRequest { user_name: "alice".into(), policy_name: "b".into() },
        )
        .unwrap();
    assert_eq!(got.policy_document, READ_S3);
    let e = err(sim.call::<iam::DeleteUser>(REGION, iam::DeleteUserRequest { user_name: "alice".into() }));
    assert_eq!(e.message, "Cannot delete entity, must delete policies first.");
    for n in ["a", "b"] {
        sim.call::<iam::DeleteUserPolicy>(
            REGION,
            iam::DeleteUserPolicyRequest { user_name: "alice".into(), policy_name: n.into() },
        )
        .unwrap();
    }
    let e = err(sim.call::<iam::GetUserPolicy>(
        REGION,
        iam::GetUserPolicyRequest { user_name: "alice".into(), policy_name: "a".into() },
    ));
    assert_eq!(e.message, "The user policy with name a cannot be found.");

    put_group("a", &doc(100)).unwrap(); // about 2,200 characters: over a user's limit, under a group's
    put_group("b", &doc(100)).unwrap();
    let e = err(put_group("c", &doc(40)));
    assert_eq!(e.message, "Maximum policy size of 5120 bytes exceeded for group ops");
    let names = sim
        .call::<iam::ListGroupPolicies>(
            REGION,
            iam::ListGroupPoliciesRequest { group_name: "ops".into(), ..Default::default() },
        )
        .unwrap()
        .policy_names;
    assert_eq!(names, ["a", "b"]);
    let e = err(sim.call::<iam::DeleteGroup>(REGION, iam::DeleteGroupRequest { group_name: "ops".into() }));
    assert_eq!(e.message, "Cannot delete entity, must delete policies first.");
    sim.call::<iam::DeleteGroupPolicy>(
        REGION,
        iam::DeleteGroupPolicyRequest { group_name: "ops".into(), policy_name: "a".into() },
    )
    .unwrap();
    let got = sim
        .call::<iam::GetGroupPolicy>(
            REGION,
            iam::GetGroupPolicyRequest { group_name: "ops".into(), policy_name: "b".into() },
        )
        .unwrap();
    assert_eq!(got.group_name, "ops");
}

#[test]
fn the_account_summary_counts_groups_and_customer_policies() {
    let sim = sim();
    let before = summary(&sim);
    assert_eq!((before["Groups"], before["Policies"]), (0, 0));
    user(&sim, "alice");
    group(&sim, "ops");
    group(&sim, "dev");
    let arn = create_policy(&sim, "app-read", READ_S3).unwrap().arn.unwrap();
    attach_group(&sim, "ops", &arn).unwrap();
    attach_user(&sim, "alice", SUPPORT).unwrap();
    let after = summary(&sim);
    assert_eq!((after["Groups"], after["Policies"]), (2, 1));
    assert_eq!(after["PolicyVersionsInUse"], before["PolicyVersionsInUse"] + 2);
    assert_eq!(after["GroupsPerUserQuota"], 10);
    assert_eq!(after["VersionsPerPolicyQuota"], 5);
}

#[test]
fn a_policy_used_as_a_permissions_boundary_is_counted_apart() {
    let sim = sim();
    let arn = create_policy(&sim, "boundary", READ_S3).unwrap().arn.unwrap();
    sim.call::<iam::CreateUser>(
        REGION,
        iam::CreateUserRequest {
            user_name: "bounded".into(),
            permissions_boundary: Some(arn.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    let p =
        sim.call::<iam::GetPolicy>(REGION, iam::GetPolicyRequest { policy_arn: arn.clone() }).unwrap().policy.unwrap();
    assert_eq!((p.attachment_count, p.permissions_boundary_usage_count), (Some(0), Some(1)));
    let list = |filter: &str| {
        sim.call::<iam::ListPolicies>(
            REGION,
            iam::ListPoliciesRequest {
                scope: Some("Local".into()),
                policy_usage_filter: Some(filter.into()),
                ..Default::default()
            },
        )
        .unwrap()
        .policies
        .unwrap()
        .len()
    };
    assert_eq!((list("PermissionsBoundary"), list("PermissionsPolicy")), (1, 0));
    let entities = |filter: Option<&str>| {
        sim.call::<iam::ListEntitiesForPolicy>(
            REGION,
            iam::ListEntitiesForPolicyRequest {
                policy_arn: arn.clone(),
                policy_usage_filter: filter.map(str::to_string),
                ..Default::default()
            },
        )
        .unwrap()
        .policy_users
        .unwrap()
        .len()
    };
    assert_eq!((entities(None), entities(Some("PermissionsBoundary")), entities(Some("PermissionsPolicy"))), (1, 1, 0));
    let e = err(sim.call::<iam::CreateUser>(
        REGION,
        iam::CreateUserRequest {
            user_name: "unbounded".into(),
            permissions_boundary: Some(format!("arn:aws:iam::{ACCOUNT}:policy/missing")),
            ..Default::default()
        },
    ));
    assert_eq!(e.code, "InvalidInput");
}
