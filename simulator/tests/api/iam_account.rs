//! IAM account-level state: the seeded root user and roles, the password policy, the account
//! summary, the credential report, aliases and ListOrganizationsFeatures.

use hubsim_simulator::baseline::{BaselineSpec, MfaKind, Preset, RootSpec};
use hubsim_simulator::model::{hubsim, iam, Empty};
use hubsim_simulator::testing::{fresh_account, world, RootState, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "ap-northeast-1";

fn err<T: std::fmt::Debug>(r: Result<T, AwsError>) -> AwsError {
    r.unwrap_err()
}

fn root(sim: &Simulator) -> RootState {
    hubsim_simulator::testing::root_state(sim, REGION).unwrap()
}

fn summary(sim: &Simulator) -> std::collections::BTreeMap<String, i32> {
    sim.call::<iam::GetAccountSummary>(REGION, Empty {}).unwrap().summary_map.unwrap()
}

fn with_root(login_profile: bool, mfa: MfaKind) -> Simulator {
    let spec = BaselineSpec { root: RootSpec { login_profile, mfa }, ..Default::default() };
    world(Era::Current, &[REGION], &spec)
}

fn report(sim: &Simulator) -> Vec<String> {
    let r = sim.call::<iam::GetCredentialReport>(REGION, Empty {}).unwrap();
    assert_eq!(r.report_format.as_deref(), Some("text/csv"));
    assert!(r.generated_time.is_some());
    String::from_utf8(r.content.unwrap().0).unwrap().lines().map(str::to_string).collect()
}

#[test]
fn fresh_account_has_root_and_the_organizations_roles() {
    let sim = fresh_account(Era::Current, &[REGION]);
    assert_eq!(root(&sim), RootState { login_profile: true, mfa: MfaKind::None });
    let roles = sim.call::<iam::ListRoles>(REGION, Default::default()).unwrap().roles;
    let names: Vec<&str> = roles.iter().map(|r| r.role_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "AWSServiceRoleForOrganizations",
            "AWSServiceRoleForSupport",
            "AWSServiceRoleForTrustedAdvisor",
            "OrganizationAccountAccessRole"
        ]
    );
    let org = roles.iter().find(|r| r.role_name == "OrganizationAccountAccessRole").unwrap();
    assert_eq!(org.path, "/");
    assert_eq!(org.arn, format!("arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole"));
    assert!(org.role_id.starts_with("AROA") && org.role_id.len() == 21, "{}", org.role_id);
    let trust: serde_json::Value = serde_json::from_str(org.assume_role_policy_document.as_deref().unwrap()).unwrap();
    assert_eq!(trust["Statement"][0]["Principal"]["AWS"], "arn:aws:iam::210987654321:root");
    assert_eq!(trust["Statement"][0]["Action"], "sts:AssumeRole");
    let attached = sim
        .call::<iam::ListAttachedRolePolicies>(
            REGION,
            iam::ListAttachedRolePoliciesRequest {
                role_name: "OrganizationAccountAccessRole".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .attached_policies
        .unwrap();
    assert_eq!(attached[0].policy_arn.as_deref(), Some("arn:aws:iam::aws:policy/AdministratorAccess"));
    let support = roles.iter().find(|r| r.role_name == "AWSServiceRoleForSupport").unwrap();
    assert_eq!(support.path, "/aws-service-role/support.amazonaws.com/");
    assert_eq!(
        support.arn,
        format!("arn:aws:iam::{ACCOUNT}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport")
    );
    // Nothing else: no users, no password policy, no aliases, no virtual MFA devices.
    assert!(sim.call::<iam::ListUsers>(REGION, Default::default()).unwrap().users.is_empty());
    assert!(sim.call::<iam::ListGroups>(REGION, Default::default()).unwrap().groups.is_empty());
    assert!(sim.call::<iam::ListAccountAliases>(REGION, Default::default()).unwrap().account_aliases.is_empty());
    assert!(sim.call::<iam::ListVirtualMFADevices>(REGION, Default::default()).unwrap().virtual_mfa_devices.is_empty());
    assert_eq!(err(sim.call::<iam::GetAccountPasswordPolicy>(REGION, Empty {})).code, "NoSuchEntity");
}

#[test]
fn empty_preset_has_only_root() {
    let spec = BaselineSpec { preset: Preset::Empty, ..Default::default() };
    let sim = world(Era::Current, &[REGION], &spec);
    assert!(sim.call::<iam::ListRoles>(REGION, Default::default()).unwrap().roles.is_empty());
    assert_eq!(summary(&sim)["Roles"], 0);
    assert!(root(&sim).login_profile);
}

#[test]
fn password_policy_update_resets_omitted_members() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let none = err(sim.call::<iam::GetAccountPasswordPolicy>(REGION, Empty {}));
    assert_eq!((none.code.as_str(), none.status), ("NoSuchEntity", 404));
    assert_eq!(none.message, format!("The Password Policy with domain name {ACCOUNT} cannot be found."));
    sim.call::<iam::UpdateAccountPasswordPolicy>(
        REGION,
        iam::UpdateAccountPasswordPolicyRequest {
            minimum_password_length: Some(14),
            require_symbols: Some(true),
            max_password_age: Some(90),
            password_reuse_prevention: Some(24),
            ..Default::default()
        },
    )
    .unwrap();
    let p = sim.call::<iam::GetAccountPasswordPolicy>(REGION, Empty {}).unwrap().password_policy;
    assert_eq!(p.minimum_password_length, Some(14));
    assert_eq!(p.require_symbols, Some(true));
    assert_eq!(p.require_numbers, Some(false));
    assert_eq!(p.expire_passwords, Some(true));
    assert_eq!(p.max_password_age, Some(90));
    assert_eq!(p.password_reuse_prevention, Some(24));
    // Not a patch: what is left out goes back to the defaults.
    sim.call::<iam::UpdateAccountPasswordPolicy>(
        REGION,
        iam::UpdateAccountPasswordPolicyRequest { require_numbers: Some(true), ..Default::default() },
    )
    .unwrap();
    let p = sim.call::<iam::GetAccountPasswordPolicy>(REGION, Empty {}).unwrap().password_policy;
    assert_eq!(p.minimum_password_length, Some(6));
    assert_eq!(p.require_symbols, Some(false));
    assert_eq!(p.require_numbers, Some(true));
    assert_eq!(p.expire_passwords, Some(false));
    assert_eq!(p.max_password_age, None);
    assert_eq!(p.password_reuse_prevention, None);
}

#[test]
fn password_policy_ranges_are_enforced_and_failures_change_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let bad = [
        iam::UpdateAccountPasswordPolicyRequest { minimum_password_length: Some(5), ..Default::default() },
        iam::UpdateAccountPasswordPolicyRequest { minimum_password_length: Some(129), ..Default::default() },
        iam::UpdateAccountPasswordPolicyRequest { max_password_age: Some(0), ..Default::default() },
        iam::UpdateAccountPasswordPolicyRequest { max_password_age: Some(1096), ..Default::default() },
        iam::UpdateAccountPasswordPolicyRequest { password_reuse_prevention: Some(25), ..Default::default() },
    ];
    for input in bad {
        let e = err(sim.call::<iam::UpdateAccountPasswordPolicy>(REGION, input.clone()));
        assert_eq!((e.code.as_str(), e.status), ("ValidationError", 400), "{input:?}");
    }
    assert_eq!(err(sim.call::<iam::GetAccountPasswordPolicy>(REGION, Empty {})).code, "NoSuchEntity");
    // The JSON path validates the same way.
    let e =
        sim.call_json(REGION, "iam", "UpdateAccountPasswordPolicy", serde_json::json!({"MinimumPasswordLength": 3}));
    assert_eq!(e.unwrap_err().code, "ValidationError");
    sim.call_json(REGION, "iam", "UpdateAccountPasswordPolicy", serde_json::json!({"MinimumPasswordLength": 128}))
        .unwrap();
    let got = sim.call_json(REGION, "iam", "GetAccountPasswordPolicy", serde_json::json!({})).unwrap();
    assert_eq!(got["PasswordPolicy"]["MinimumPasswordLength"], 128);
}

#[test]
fn password_policy_delete() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let e = err(sim.call::<iam::DeleteAccountPasswordPolicy>(REGION, Empty {}));
    assert_eq!((e.code.as_str(), e.status), ("NoSuchEntity", 404));
    sim.call::<iam::UpdateAccountPasswordPolicy>(REGION, Default::default()).unwrap();
    assert!(sim.call::<iam::GetAccountPasswordPolicy>(REGION, Empty {}).is_ok());
    sim.call::<iam::DeleteAccountPasswordPolicy>(REGION, Empty {}).unwrap();
    assert_eq!(err(sim.call::<iam::GetAccountPasswordPolicy>(REGION, Empty {})).code, "NoSuchEntity");
}

#[test]
fn account_summary_counts_state() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let s = summary(&sim);
    assert_eq!(s["AccountMFAEnabled"], 0);
    assert_eq!(s["AccountAccessKeysPresent"], 0);
    assert_eq!(s["AccountSigningCertificatesPresent"], 0);
    assert_eq!(s["Users"], 0);
    assert_eq!(s["Groups"], 0);
    assert_eq!(s["Policies"], 0);
    assert_eq!(s["MFADevices"], 0);
    assert_eq!(s["MFADevicesInUse"], 0);
    assert_eq!(s["Roles"], 4);
    assert_eq!(s["UsersQuota"], 5000);
    assert_eq!(s["RolesQuota"], 1000);
    assert_eq!(s["AttachedPoliciesPerRoleQuota"], 10);
    assert_eq!(s["GlobalEndpointTokenVersion"], 1);
    for key in ["Providers", "ServerCertificates", "InstanceProfiles", "PoliciesQuota", "AssumeRolePolicySizeQuota"] {
        assert!(s.contains_key(key), "{key}");
    }
    sim.call::<iam::CreateUser>(REGION, iam::CreateUserRequest { user_name: "alice".into(), ..Default::default() })
        .unwrap();
    sim.call::<iam::CreateVirtualMFADevice>(
        REGION,
        iam::CreateVirtualMFADeviceRequest { virtual_mfa_device_name: "spare".into(), ..Default::default() },
    )
    .unwrap();
    sim.call::<hubsim::SetRootMfa>(REGION, hubsim::SetRootMfaInput { kind: "hardware".into() }).unwrap();
    let s = summary(&sim);
    assert_eq!(s["Users"], 1);
    assert_eq!(s["AccountMFAEnabled"], 1);
    assert_eq!(s["MFADevices"], 2);
    assert_eq!(s["MFADevicesInUse"], 1);
}

#[test]
fn root_mfa_and_login_profile_follow_the_console_actions() {
    let sim = fresh_account(Era::Current, &[REGION]);
    sim.call::<hubsim::SetRootMfa>(REGION, hubsim::SetRootMfaInput { kind: "virtual".into() }).unwrap();
    assert_eq!(root(&sim).mfa, MfaKind::Virtual);
    let devices = sim.call::<iam::ListVirtualMFADevices>(REGION, Default::default()).unwrap().virtual_mfa_devices;
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].serial_number, format!("arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device"));
    assert_eq!(devices[0].user.as_ref().unwrap().arn, format!("arn:aws:iam::{ACCOUNT}:root"));
    assert!(devices[0].enable_date.is_some());
    // A hardware device is MFA but not a virtual device.
    sim.call::<hubsim::SetRootMfa>(REGION, hubsim::SetRootMfaInput { kind: "hardware".into() }).unwrap();
    assert!(sim.call::<iam::ListVirtualMFADevices>(REGION, Default::default()).unwrap().virtual_mfa_devices.is_empty());
    assert_eq!(summary(&sim)["AccountMFAEnabled"], 1);
    sim.call::<hubsim::SetRootMfa>(REGION, hubsim::SetRootMfaInput { kind: "none".into() }).unwrap();
    assert_eq!(summary(&sim)["AccountMFAEnabled"], 0);

    let profile = sim.call::<iam::GetLoginProfile>(REGION, Default::default()).unwrap();
    assert_eq!(profile.login_profile.user_name, "root");
    sim.call::<hubsim::SetRootLoginProfile>(REGION, hubsim::SetRootLoginProfileInput { enabled: false }).unwrap();
    assert_eq!(root(&sim), RootState { login_profile: false, mfa: MfaKind::None });
    assert_eq!(err(sim.call::<iam::GetLoginProfile>(REGION, Default::default())).code, "NoSuchEntity");
}

#[test]
fn seeded_root_spec_is_honoured() {
    let sim = with_root(false, MfaKind::Virtual);
    assert_eq!(root(&sim), RootState { login_profile: false, mfa: MfaKind::Virtual });
    let assigned = sim
        .call::<iam::ListVirtualMFADevices>(
            REGION,
            iam::ListVirtualMFADevicesRequest { assignment_status: Some("Assigned".into()), ..Default::default() },
        )
        .unwrap();
    assert_eq!(assigned.virtual_mfa_devices.len(), 1);
    let unassigned = sim
        .call::<iam::ListVirtualMFADevices>(
            REGION,
            iam::ListVirtualMFADevicesRequest { assignment_status: Some("Unassigned".into()), ..Default::default() },
        )
        .unwrap();
    assert!(unassigned.virtual_mfa_devices.is_empty());
}

#[test]
fn credential_report_lifecycle_and_content() {
    let sim = with_root(false, MfaKind::Hardware);
    let e = err(sim.call::<iam::GetCredentialReport>(REGION, Empty {}));
    assert_eq!((e.code.as_str(), e.status), ("ReportNotPresent", 410));
    sim.call::<iam::CreateUser>(REGION, iam::CreateUserRequest { user_name: "bob".into(), ..Default::default() })
        .unwrap();
    let first = sim.call::<iam::GenerateCredentialReport>(REGION, Empty {}).unwrap();
    assert_eq!(first.state.as_deref(), Some("STARTED"));
    let lines = report(&sim);
    assert_eq!(
        lines[0],
        "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
    );
    let root_row: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(root_row.len(), 22);
    assert_eq!(root_row[0], "<root_account>");
    assert_eq!(root_row[1], format!("arn:aws:iam::{ACCOUNT}:root"));
    assert!(root_row[2].ends_with("+00:00"), "{}", root_row[2]);
    assert_eq!(root_row[3], "false");
    assert_eq!(root_row[6], "not_supported");
    assert_eq!(root_row[7], "true");
    assert_eq!((root_row[8], root_row[13]), ("false", "false"));
    let bob: Vec<&str> = lines[2].split(',').collect();
    assert_eq!(bob.len(), 22);
    assert_eq!((bob[0], bob[1]), ("bob", format!("arn:aws:iam::{ACCOUNT}:user/bob").as_str()));
    assert_eq!((bob[3], bob[7]), ("false", "false"));
    assert_eq!(lines.len(), 3);

    // Within four hours the snapshot stays: a new user is not in it.
    sim.call::<iam::CreateUser>(REGION, iam::CreateUserRequest { user_name: "carol".into(), ..Default::default() })
        .unwrap();
    let again = sim.call::<iam::GenerateCredentialReport>(REGION, Empty {}).unwrap();
    assert_eq!(again.state.as_deref(), Some("COMPLETE"));
    assert_eq!(report(&sim).len(), 3);
    // After four hours the report has expired and a new one is generated.
    sim.call::<hubsim::AdvanceClock>(REGION, hubsim::AdvanceClockInput { hours: Some(5), ..Default::default() })
        .unwrap();
    assert_eq!(err(sim.call::<iam::GetCredentialReport>(REGION, Empty {})).code, "ReportExpired");
    let fresh = sim.call::<iam::GenerateCredentialReport>(REGION, Empty {}).unwrap();
    assert_eq!(fresh.state.as_deref(), Some("STARTED"));
    let lines = report(&sim);
    assert_eq!(lines.len(), 4);
    assert!(lines[3].starts_with("carol,"));
}

#[test]
fn credential_report_root_password_follows_login_profile() {
    let sim = with_root(true, MfaKind::None);
    sim.call::<iam::GenerateCredentialReport>(REGION, Empty {}).unwrap();
    let row: Vec<String> = report(&sim)[1].split(',').map(str::to_string).collect();
    assert_eq!((row[3].as_str(), row[7].as_str()), ("true", "false"));
    // JSON path: Content is base64 in hubsim's JSON form.
    let out = sim.call_json(REGION, "iam", "GetCredentialReport", serde_json::json!({})).unwrap();
    assert_eq!(out["ReportFormat"], "text/csv");
    assert!(out["Content"].as_str().unwrap().starts_with("dXNlcixhcm4s"));
}

#[test]
fn aliases_and_organizations_features() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let aliases = sim.call::<iam::ListAccountAliases>(REGION, Default::default()).unwrap();
    assert_eq!(aliases.is_truncated, Some(false));
    let e = err(sim.call::<iam::ListOrganizationsFeatures>(REGION, Default::default()));
    assert_eq!((e.code.as_str(), e.status), ("AccountNotManagementOrDelegatedAdministratorException", 400));
}
