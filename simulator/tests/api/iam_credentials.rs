//! IAM credentials: login profiles (with the password policy enforced), GetAccessKeyLastUsed,
//! the root user's access keys and the credential uses hubsim records as console actions, and
//! how the credential report shows them.

use hubsim_simulator::model::{hubsim, iam, Empty};
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "us-east-1";

fn create_user(sim: &Simulator, name: &str) {
    sim.call::<iam::CreateUser>(REGION, iam::CreateUserRequest { user_name: name.into(), ..Default::default() })
        .unwrap();
}

fn create_profile(sim: &Simulator, user: &str, password: &str) -> Result<iam::LoginProfile, AwsError> {
    sim.call::<iam::CreateLoginProfile>(
        REGION,
        iam::CreateLoginProfileRequest {
            user_name: Some(user.into()),
            password: Some(password.into()),
            password_reset_required: None,
        },
    )
    .map(|r| r.login_profile)
}

fn get_profile(sim: &Simulator, user: &str) -> Result<iam::LoginProfile, AwsError> {
    sim.call::<iam::GetLoginProfile>(REGION, iam::GetLoginProfileRequest { user_name: Some(user.into()) })
        .map(|r| r.login_profile)
}

fn cis_policy(sim: &Simulator) {
    sim.call::<iam::UpdateAccountPasswordPolicy>(
        REGION,
        iam::UpdateAccountPasswordPolicyRequest {
            minimum_password_length: Some(14),
            require_symbols: Some(true),
            require_numbers: Some(true),
            require_uppercase_characters: Some(true),
            require_lowercase_characters: Some(true),
            max_password_age: Some(90),
            ..Default::default()
        },
    )
    .unwrap();
}

fn advance_days(sim: &Simulator, days: i64) {
    sim.call::<hubsim::AdvanceClock>(REGION, hubsim::AdvanceClockInput { days: Some(days), ..Default::default() })
        .unwrap();
}

fn report(sim: &Simulator) -> String {
    sim.call::<iam::GenerateCredentialReport>(REGION, Empty {}).unwrap();
    String::from_utf8(sim.call::<iam::GetCredentialReport>(REGION, Empty {}).unwrap().content.unwrap().0).unwrap()
}

fn row<'a>(csv: &'a str, first: &str) -> Vec<&'a str> {
    csv.lines().find(|l| l.starts_with(&format!("{first},"))).unwrap().split(',').collect()
}

fn last_used(sim: &Simulator, id: &str) -> Result<iam::GetAccessKeyLastUsedResponse, AwsError> {
    sim.call::<iam::GetAccessKeyLastUsed>(REGION, iam::GetAccessKeyLastUsedRequest { access_key_id: id.into() })
}

#[test]
fn a_login_profile_must_meet_the_password_policy_and_refusals_change_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_user(&sim, "alice");
    // Without a policy, AWS's default: 8 characters and three of the four character types.
    let e = create_profile(&sim, "alice", "password").unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("PasswordPolicyViolation", 400));
    cis_policy(&sim);
    let before = (sim.inventory().unwrap(), sim.run_state());
    let e = create_profile(&sim, "alice", "Passw0rd!").unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("PasswordPolicyViolation", 400));
    assert_eq!(e.message, "Password should have a minimum length of 14");
    let e = create_profile(&sim, "alice", "passwordpassword1!").unwrap_err();
    assert_eq!(e.message, "Password should have at least one uppercase letter");
    assert_eq!(get_profile(&sim, "alice").unwrap_err().code, "NoSuchEntity");
    let e = create_profile(&sim, "ghost", "Correct-Horse-9").unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("NoSuchEntity", 404));
    assert_eq!((sim.inventory().unwrap(), sim.run_state()), before, "refusals change nothing");

    let made = create_profile(&sim, "alice", "Correct-Horse-9").unwrap();
    assert_eq!(made.user_name, "alice");
    assert_eq!(made.password_reset_required, Some(false));
    assert_eq!(get_profile(&sim, "alice").unwrap(), made);
    let e = create_profile(&sim, "alice", "Correct-Horse-9").unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("EntityAlreadyExists", 409));
    // A user with a password cannot be deleted until the password is.
    let e = sim.call::<iam::DeleteUser>(REGION, iam::DeleteUserRequest { user_name: "alice".into() }).unwrap_err();
    assert_eq!(e.code, "DeleteConflict");
}

#[test]
fn update_and_delete_login_profile() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_user(&sim, "alice");
    cis_policy(&sim);
    let update = |password: Option<&str>, reset: Option<bool>| {
        sim.call::<iam::UpdateLoginProfile>(
            REGION,
            iam::UpdateLoginProfileRequest {
                user_name: "alice".into(),
                password: password.map(str::to_string),
                password_reset_required: reset,
            },
        )
    };
    assert_eq!(update(Some("Correct-Horse-9"), None).unwrap_err().code, "NoSuchEntity");
    create_profile(&sim, "alice", "Correct-Horse-9").unwrap();
    let e = update(Some("short-A1!"), None).unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("PasswordPolicyViolation", 400));
    update(None, Some(true)).unwrap();
    assert_eq!(get_profile(&sim, "alice").unwrap().password_reset_required, Some(true));
    // The report's password_last_changed follows the last new password; next rotation is 90
    // days later (the policy's MaxPasswordAge).
    advance_days(&sim, 10);
    update(Some("Battery-Staple-7"), None).unwrap();
    let now = sim.run_state().unwrap().clock_ms;
    let csv = report(&sim);
    let r = row(&csv, "alice");
    let iso = |ms: i64| hubsim_simulator::model::Timestamp(ms - ms % 1000).to_iso8601().replace('Z', "+00:00");
    assert_eq!(r[3], "true");
    assert_eq!(r[4], "no_information", "a password never used");
    assert_eq!(r[5], iso(now), "changed by the update, at the clock it left");
    assert_eq!(r[6], iso(now + 90 * 86_400_000));
    sim.call::<iam::DeleteLoginProfile>(REGION, iam::DeleteLoginProfileRequest { user_name: Some("alice".into()) })
        .unwrap();
    assert_eq!(get_profile(&sim, "alice").unwrap_err().code, "NoSuchEntity");
    let e = sim
        .call::<iam::DeleteLoginProfile>(REGION, iam::DeleteLoginProfileRequest { user_name: Some("alice".into()) })
        .unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("NoSuchEntity", 404));
    sim.call::<iam::DeleteUser>(REGION, iam::DeleteUserRequest { user_name: "alice".into() }).unwrap();
}

#[test]
fn get_access_key_last_used_answers_na_until_a_use_is_recorded() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_user(&sim, "bob");
    let key = sim
        .call::<iam::CreateAccessKey>(REGION, iam::CreateAccessKeyRequest { user_name: Some("bob".into()) })
        .unwrap()
        .access_key;
    let never = last_used(&sim, &key.access_key_id).unwrap();
    assert_eq!(never.user_name.as_deref(), Some("bob"));
    assert_eq!(
        never.access_key_last_used,
        Some(iam::AccessKeyLastUsed { last_used_date: None, service_name: "N/A".into(), region: "N/A".into() })
    );
    let record = |id: &str| {
        sim.call::<hubsim::RecordAccessKeyUse>(
            REGION,
            hubsim::RecordAccessKeyUseInput {
                access_key_id: id.into(),
                service_name: "s3".into(),
                region: "eu-west-1".into(),
            },
        )
    };
    record(&key.access_key_id).unwrap();
    let at = sim.run_state().unwrap().clock_ms;
    let used = last_used(&sim, &key.access_key_id).unwrap().access_key_last_used.unwrap();
    assert_eq!(
        (used.last_used_date.map(|t| t.0), used.service_name.as_str(), used.region.as_str()),
        (Some(at), "s3", "eu-west-1")
    );
    // An inactive key cannot sign requests; an unknown key is not found; neither changes anything.
    sim.call::<iam::UpdateAccessKey>(
        REGION,
        iam::UpdateAccessKeyRequest {
            user_name: Some("bob".into()),
            access_key_id: key.access_key_id.clone(),
            status: "Inactive".into(),
        },
    )
    .unwrap();
    let before = sim.inventory().unwrap();
    assert_eq!(record(&key.access_key_id).unwrap_err().code, "ValidationException");
    assert_eq!(record("AKIAAAAAAAAAAAAAAAAA").unwrap_err().code, "NoSuchEntity");
    assert_eq!(last_used(&sim, "AKIAAAAAAAAAAAAAAAAA").unwrap_err().code, "NoSuchEntity");
    assert_eq!(sim.inventory().unwrap(), before);
    // Deleting the key forgets its use.
    sim.call::<iam::DeleteAccessKey>(
        REGION,
        iam::DeleteAccessKeyRequest { user_name: Some("bob".into()), access_key_id: key.access_key_id.clone() },
    )
    .unwrap();
    assert_eq!(last_used(&sim, &key.access_key_id).unwrap_err().code, "NoSuchEntity");
    assert_eq!(sim.inventory().unwrap().get("iam:access-key-last-used"), None);
}

#[test]
fn root_access_keys_are_console_actions_with_the_user_quota() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let create = || sim.call::<hubsim::CreateRootAccessKey>(REGION, hubsim::CreateRootAccessKeyInput {});
    let present = |sim: &Simulator| {
        sim.call::<iam::GetAccountSummary>(REGION, Empty {}).unwrap().summary_map.unwrap()["AccountAccessKeysPresent"]
    };
    assert_eq!(present(&sim), 0);
    let first = create().unwrap();
    let id = first.access_key_id.clone().unwrap();
    assert!(id.starts_with("AKIA") && id.len() == 20);
    assert_eq!(first.status.as_deref(), Some("Active"));
    assert_eq!(present(&sim), 1);
    assert_eq!(last_used(&sim, &id).unwrap().user_name.as_deref(), Some("root"));
    let second = create().unwrap().access_key_id.unwrap();
    sim.call::<hubsim::UpdateRootAccessKey>(
        REGION,
        hubsim::UpdateRootAccessKeyInput { access_key_id: second.clone(), status: "Inactive".into() },
    )
    .unwrap();
    let before = sim.inventory().unwrap();
    let e = create().unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("LimitExceeded", 409), "inactive keys count");
    assert_eq!(sim.inventory().unwrap(), before);
    // The root row of the report: both keys, the inactive one with its creation date.
    sim.call::<hubsim::RecordAccessKeyUse>(
        REGION,
        hubsim::RecordAccessKeyUseInput {
            access_key_id: id.clone(),
            service_name: "ec2".into(),
            region: REGION.into(),
        },
    )
    .unwrap();
    assert_eq!(sim.inventory().unwrap().get("iam:access-key-last-used"), Some(&1), "the use is kept");
    let csv = report(&sim);
    let r = row(&csv, "<root_account>");
    assert_eq!(r.len(), 22);
    assert_eq!(r[8], "true");
    assert_ne!(r[10], "N/A");
    assert_eq!((r[11], r[12]), (REGION, "ec2"));
    assert_eq!(r[13], "false");
    assert_ne!(r[14], "N/A");
    assert_eq!((r[15], r[16], r[17]), ("N/A", "N/A", "N/A"));
    for k in [&id, &second] {
        sim.call::<hubsim::DeleteRootAccessKey>(REGION, hubsim::DeleteRootAccessKeyInput { access_key_id: k.clone() })
            .unwrap();
    }
    let e = sim
        .call::<hubsim::DeleteRootAccessKey>(REGION, hubsim::DeleteRootAccessKeyInput { access_key_id: id.clone() })
        .unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("NoSuchEntity", 404));
    assert_eq!(present(&sim), 0);
    assert_eq!(last_used(&sim, &id).unwrap_err().code, "NoSuchEntity");
    assert_eq!(sim.inventory().unwrap().get("iam:access-key-last-used"), None, "its use is forgotten too");
}

#[test]
fn the_credential_report_is_not_present_before_generation_and_shows_password_use() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let before = sim.inventory().unwrap();
    let e = sim.call::<iam::GetCredentialReport>(REGION, Empty {}).unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("ReportNotPresent", 410));
    assert_eq!(sim.inventory().unwrap(), before);
    create_user(&sim, "carol");
    create_user(&sim, "dave");
    create_profile(&sim, "carol", "Correct-Horse-9").unwrap();
    // Dave has no password: his use cannot be recorded.
    let e = sim
        .call::<hubsim::RecordPasswordUse>(REGION, hubsim::RecordPasswordUseInput { user_name: Some("dave".into()) })
        .unwrap_err();
    assert_eq!(e.code, "ValidationException");
    sim.call::<hubsim::RecordPasswordUse>(REGION, hubsim::RecordPasswordUseInput { user_name: Some("carol".into()) })
        .unwrap();
    sim.call::<hubsim::RecordPasswordUse>(REGION, hubsim::RecordPasswordUseInput { user_name: None }).unwrap();
    let used = sim
        .call::<iam::GetUser>(REGION, iam::GetUserRequest { user_name: Some("carol".into()) })
        .unwrap()
        .user
        .password_last_used;
    assert!(used.is_some());
    let csv = report(&sim);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[1].starts_with("<root_account>,"), "root first");
    assert!(lines[2].starts_with("carol,") && lines[3].starts_with("dave,"), "then users by name");
    let root = row(&csv, "<root_account>");
    assert_ne!(root[4], "no_information", "root's recorded sign-in");
    assert_eq!((root[5], root[6]), ("not_supported", "not_supported"));
    let carol = row(&csv, "carol");
    assert_eq!(carol[4], hubsim_simulator::model::Timestamp(used.unwrap().0).to_iso8601().replace('Z', "+00:00"));
    assert_eq!(carol[6], "N/A", "the policy does not expire passwords");
    let dave = row(&csv, "dave");
    assert_eq!(&dave[3..7], ["false", "N/A", "N/A", "N/A"]);
    assert_eq!(
        &dave[8..],
        ["false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "false", "N/A"]
    );
}
