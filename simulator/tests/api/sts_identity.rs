//! STS: who hubsim's caller is, and AssumeRole.

use hubsim_simulator::baseline::{BaselineSpec, Preset};
use hubsim_simulator::model::{iam, sts};
use hubsim_simulator::testing::{fresh_account, world, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "ap-northeast-1";
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#;

fn err<T: std::fmt::Debug>(r: Result<T, AwsError>) -> AwsError {
    r.unwrap_err()
}

fn assume(
    sim: &Simulator,
    arn: &str,
    session: &str,
    duration: Option<i32>,
) -> Result<sts::AssumeRoleResponse, AwsError> {
    sim.call::<sts::AssumeRole>(
        REGION,
        sts::AssumeRoleRequest {
            role_arn: arn.into(),
            role_session_name: session.into(),
            duration_seconds: duration,
            ..Default::default()
        },
    )
}

#[test]
fn caller_is_the_organization_role_session() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let me = sim.call::<sts::GetCallerIdentity>(REGION, Default::default()).unwrap();
    let role = sim
        .call::<iam::GetRole>(REGION, iam::GetRoleRequest { role_name: "OrganizationAccountAccessRole".into() })
        .unwrap()
        .role;
    assert_eq!(me.account.as_deref(), Some(ACCOUNT));
    assert_eq!(
        me.arn.as_deref(),
        Some(format!("arn:aws:sts::{ACCOUNT}:assumed-role/OrganizationAccountAccessRole/hubsim").as_str())
    );
    assert_eq!(me.user_id, Some(format!("{}:hubsim", role.role_id)));
    // JSON path.
    let out = sim.call_json(REGION, "sts", "GetCallerIdentity", serde_json::json!({})).unwrap();
    assert_eq!(out["Account"], ACCOUNT);
}

#[test]
fn caller_is_root_without_the_role() {
    let sim = world(Era::Current, &[REGION], &BaselineSpec { preset: Preset::Empty, ..Default::default() });
    let me = sim.call::<sts::GetCallerIdentity>(REGION, Default::default()).unwrap();
    assert_eq!(me.arn, Some(format!("arn:aws:iam::{ACCOUNT}:root")));
    assert_eq!(me.user_id.as_deref(), Some(ACCOUNT));
}

#[test]
fn assume_role_returns_session_credentials() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let role = sim
        .call::<iam::CreateRole>(
            REGION,
            iam::CreateRoleRequest {
                role_name: "Auditor".into(),
                path: Some("/audit/".into()),
                assume_role_policy_document: TRUST.into(),
                max_session_duration: Some(7200),
                ..Default::default()
            },
        )
        .unwrap()
        .role;
    let out = assume(&sim, &role.arn, "prowler", None).unwrap();
    let creds = out.credentials.unwrap();
    assert!(creds.access_key_id.starts_with("ASIA") && creds.access_key_id.len() == 20);
    assert_eq!(creds.secret_access_key.len(), 40);
    assert!(!creds.session_token.is_empty());
    let now = sim.run_state().unwrap().clock_ms;
    assert_eq!(creds.expiration.0, now + 3600 * 1000);
    let user = out.assumed_role_user.unwrap();
    assert_eq!(user.arn, format!("arn:aws:sts::{ACCOUNT}:assumed-role/Auditor/prowler"));
    assert_eq!(user.assumed_role_id, format!("{}:prowler", role.role_id));
    // Deterministic for the same call at the same time, different per session.
    let again = assume(&sim, &role.arn, "prowler", None).unwrap().credentials.unwrap();
    assert_eq!(again.access_key_id, creds.access_key_id);
    let other = assume(&sim, &role.arn, "custodian", None).unwrap().credentials.unwrap();
    assert_ne!(other.access_key_id, creds.access_key_id);
    let long = assume(&sim, &role.arn, "prowler", Some(7200)).unwrap().credentials.unwrap();
    assert_eq!(long.expiration.0, now + 7200 * 1000);
}

#[test]
fn assume_role_errors() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let org_role = format!("arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole");
    let e = err(assume(&sim, &format!("arn:aws:iam::{ACCOUNT}:role/Missing"), "s1", None));
    assert_eq!((e.code.as_str(), e.status), ("AccessDenied", 403));
    let e = err(assume(&sim, "arn:aws:iam::999999999999:role/OrganizationAccountAccessRole", "s1", None));
    assert_eq!(e.code, "AccessDenied");
    let e = err(assume(&sim, &org_role, "s1", Some(899)));
    assert_eq!((e.code.as_str(), e.status), ("ValidationError", 400));
    let e = err(assume(&sim, &org_role, "s1", Some(43201)));
    assert_eq!(e.code, "ValidationError");
    // Beyond the role's MaxSessionDuration (3600 by default).
    let e = err(assume(&sim, &org_role, "s1", Some(7200)));
    assert_eq!(e.code, "ValidationError");
    let e = err(assume(&sim, &org_role, "bad session!", None));
    assert_eq!(e.code, "ValidationError");
    assert!(assume(&sim, &org_role, "s1", Some(900)).is_ok());
}
