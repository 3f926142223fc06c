//! Organizations as seen from a member account, the management account and a standalone one.

use hubsim_simulator::baseline::BaselineSpec;
use hubsim_simulator::model::{organizations, Empty};
use hubsim_simulator::testing::{fresh_account, initialize, settings};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};
use serde_json::json;

const REGION: &str = "ap-northeast-1";

fn standalone() -> Simulator {
    let sim = Simulator::in_memory().unwrap();
    let mut s = settings(Era::Current, &[REGION]);
    s.account.organization = None;
    initialize(&sim, s, &BaselineSpec::default()).unwrap();
    sim
}

fn management() -> Simulator {
    let sim = Simulator::in_memory().unwrap();
    let mut s = settings(Era::Current, &[REGION]);
    if let Some(org) = s.account.organization.as_mut() {
        org.management_account_id = s.account.id.clone();
    }
    initialize(&sim, s, &BaselineSpec::default()).unwrap();
    sim
}

fn code<T: std::fmt::Debug>(r: Result<T, AwsError>) -> (String, u16) {
    let e = r.unwrap_err();
    (e.code, e.status)
}

/// Every management-only call, each answering `expected` in `sim`.
fn management_only_calls(sim: &Simulator) -> Vec<(&'static str, Result<(), AwsError>)> {
    vec![
        (
            "DescribeAccount",
            sim.call::<organizations::DescribeAccount>(
                REGION,
                organizations::DescribeAccountRequest { account_id: "123456789012".into() },
            )
            .map(|_| ()),
        ),
        ("ListAccounts", sim.call::<organizations::ListAccounts>(REGION, Default::default()).map(|_| ())),
        (
            "ListPolicies",
            sim.call::<organizations::ListPolicies>(
                REGION,
                organizations::ListPoliciesRequest { filter: "SERVICE_CONTROL_POLICY".into(), ..Default::default() },
            )
            .map(|_| ()),
        ),
        (
            "DescribePolicy",
            sim.call::<organizations::DescribePolicy>(
                REGION,
                organizations::DescribePolicyRequest { policy_id: "p-FullAWSAccess".into() },
            )
            .map(|_| ()),
        ),
        (
            "ListTargetsForPolicy",
            sim.call::<organizations::ListTargetsForPolicy>(
                REGION,
                organizations::ListTargetsForPolicyRequest {
                    policy_id: "p-FullAWSAccess".into(),
                    ..Default::default()
                },
            )
            .map(|_| ()),
        ),
        (
            "ListDelegatedAdministrators",
            sim.call::<organizations::ListDelegatedAdministrators>(REGION, Default::default()).map(|_| ()),
        ),
    ]
}

#[test]
fn member_account_describes_its_organization() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let org = sim.call::<organizations::DescribeOrganization>(REGION, Empty {}).unwrap().organization.unwrap();
    assert_eq!(org.id.as_deref(), Some("o-exampleorg1"));
    assert_eq!(org.arn.as_deref(), Some("arn:aws:organizations::210987654321:organization/o-exampleorg1"));
    assert_eq!(org.feature_set.as_deref(), Some("ALL"));
    assert_eq!(org.master_account_id.as_deref(), Some("210987654321"));
    assert_eq!(
        org.master_account_arn.as_deref(),
        Some("arn:aws:organizations::210987654321:account/o-exampleorg1/210987654321")
    );
    assert_eq!(org.master_account_email.as_deref(), Some("management@example.com"));
    assert_eq!(org.available_policy_types, Some(vec![]));
}

#[test]
fn member_account_is_denied_management_calls() {
    let sim = fresh_account(Era::Current, &[REGION]);
    for (op, r) in management_only_calls(&sim) {
        assert_eq!(code(r), ("AccessDeniedException".to_string(), 400), "{op}");
    }
}

#[test]
fn standalone_account_is_not_in_an_organization() {
    let sim = standalone();
    let err = sim.call::<organizations::DescribeOrganization>(REGION, Empty {}).unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("AWSOrganizationsNotInUseException", 400));
    assert_eq!(err.message, "Your account is not a member of an organization.");
    for (op, r) in management_only_calls(&sim) {
        assert_eq!(code(r).0, "AWSOrganizationsNotInUseException", "{op}");
    }
}

#[test]
fn management_account_answers_from_what_is_known() {
    let sim = management();
    let org = sim.call::<organizations::DescribeOrganization>(REGION, Empty {}).unwrap().organization.unwrap();
    assert_eq!(org.master_account_id.as_deref(), Some("123456789012"));
    let accounts = sim.call::<organizations::ListAccounts>(REGION, Default::default()).unwrap();
    let accounts = accounts.accounts.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].id.as_deref(), Some("123456789012"));
    assert_eq!(
        accounts[0].arn.as_deref(),
        Some("arn:aws:organizations::123456789012:account/o-exampleorg1/123456789012")
    );
    assert_eq!(accounts[0].status.as_deref(), Some("ACTIVE"));
    let me = sim
        .call::<organizations::DescribeAccount>(
            REGION,
            organizations::DescribeAccountRequest { account_id: "123456789012".into() },
        )
        .unwrap();
    assert_eq!(me.account.unwrap().email.as_deref(), Some("management@example.com"));
    let other = sim.call::<organizations::DescribeAccount>(
        REGION,
        organizations::DescribeAccountRequest { account_id: "999999999999".into() },
    );
    assert_eq!(code(other).0, "AccountNotFoundException");
    let policies = sim
        .call::<organizations::ListPolicies>(
            REGION,
            organizations::ListPoliciesRequest { filter: "SERVICE_CONTROL_POLICY".into(), ..Default::default() },
        )
        .unwrap();
    assert_eq!(policies.policies, Some(vec![]));
    let admins = sim.call::<organizations::ListDelegatedAdministrators>(REGION, Default::default()).unwrap();
    assert_eq!(admins.delegated_administrators, Some(vec![]));
    let unknown = sim.call::<organizations::DescribePolicy>(
        REGION,
        organizations::DescribePolicyRequest { policy_id: "p-abcdefgh".into() },
    );
    assert_eq!(code(unknown).0, "PolicyNotFoundException");
    let targets = sim.call::<organizations::ListTargetsForPolicy>(
        REGION,
        organizations::ListTargetsForPolicyRequest { policy_id: "p-abcdefgh".into(), ..Default::default() },
    );
    assert_eq!(code(targets).0, "PolicyNotFoundException");
    let malformed = sim.call::<organizations::DescribePolicy>(
        REGION,
        organizations::DescribePolicyRequest { policy_id: "policy-1".into() },
    );
    assert_eq!(code(malformed).0, "InvalidInputException");
    let paging = sim.call::<organizations::ListAccounts>(
        REGION,
        organizations::ListAccountsRequest { max_results: Some(50), ..Default::default() },
    );
    assert_eq!(code(paging).0, "InvalidInputException");
}

#[test]
fn json_path() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let out = sim.call_json(REGION, "organizations", "DescribeOrganization", json!({})).unwrap();
    assert_eq!(out["Organization"]["MasterAccountId"], "210987654321");
    let bad = sim.call_json(REGION, "organizations", "ListPolicies", json!({"Filter": "NOT_A_TYPE"})).unwrap_err();
    assert_eq!(bad.code, "InvalidInputException");
    let denied = sim
        .call_json(REGION, "organizations", "ListPolicies", json!({"Filter": "SERVICE_CONTROL_POLICY"}))
        .unwrap_err();
    assert_eq!(denied.code, "AccessDeniedException");
}
