//! IAM users and virtual MFA devices.

use hubsim_simulator::model::{hubsim, iam, Empty};
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "ap-northeast-1";

fn err<T: std::fmt::Debug>(r: Result<T, AwsError>) -> AwsError {
    r.unwrap_err()
}

fn create_user(sim: &Simulator, name: &str, path: Option<&str>) -> Result<iam::User, AwsError> {
    sim.call::<iam::CreateUser>(
        REGION,
        iam::CreateUserRequest { user_name: name.into(), path: path.map(str::to_string), ..Default::default() },
    )
    .map(|r| r.user.unwrap())
}

fn create_device(sim: &Simulator, name: &str) -> Result<String, AwsError> {
    sim.call::<iam::CreateVirtualMFADevice>(
        REGION,
        iam::CreateVirtualMFADeviceRequest { virtual_mfa_device_name: name.into(), ..Default::default() },
    )
    .map(|r| r.virtual_mfa_device.serial_number)
}

fn enable(sim: &Simulator, user: &str, serial: &str) -> Result<(), AwsError> {
    sim.call::<iam::EnableMFADevice>(
        REGION,
        iam::EnableMFADeviceRequest {
            user_name: user.into(),
            serial_number: serial.into(),
            authentication_code1: "123456".into(),
            authentication_code2: "654321".into(),
        },
    )
    .map(|_| ())
}

fn virtual_devices(sim: &Simulator, status: &str) -> Vec<iam::VirtualMFADevice> {
    sim.call::<iam::ListVirtualMFADevices>(
        REGION,
        iam::ListVirtualMFADevicesRequest { assignment_status: Some(status.into()), ..Default::default() },
    )
    .unwrap()
    .virtual_mfa_devices
}

fn user_names(sim: &Simulator) -> Vec<String> {
    sim.call::<iam::ListUsers>(REGION, Default::default()).unwrap().users.into_iter().map(|u| u.user_name).collect()
}

#[test]
fn user_lifecycle() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let u = create_user(&sim, "alice", Some("/staff/")).unwrap();
    assert_eq!(u.arn, format!("arn:aws:iam::{ACCOUNT}:user/staff/alice"));
    assert!(u.user_id.starts_with("AIDA") && u.user_id.len() == 21);
    let got = sim.call::<iam::GetUser>(REGION, iam::GetUserRequest { user_name: Some("alice".into()) }).unwrap().user;
    assert_eq!(got, u);
    create_user(&sim, "bob", None).unwrap();
    assert_eq!(user_names(&sim), ["alice", "bob"]);
    let staff = sim
        .call::<iam::ListUsers>(
            REGION,
            iam::ListUsersRequest { path_prefix: Some("/staff/".into()), ..Default::default() },
        )
        .unwrap();
    assert_eq!(staff.users.len(), 1);
    let page =
        sim.call::<iam::ListUsers>(REGION, iam::ListUsersRequest { max_items: Some(1), ..Default::default() }).unwrap();
    assert_eq!((page.users.len(), page.is_truncated), (1, Some(true)));
    sim.call::<iam::DeleteUser>(REGION, iam::DeleteUserRequest { user_name: "bob".into() }).unwrap();
    assert_eq!(user_names(&sim), ["alice"]);
    let e = err(sim.call::<iam::DeleteUser>(REGION, iam::DeleteUserRequest { user_name: "bob".into() }));
    assert_eq!((e.code.as_str(), e.status), ("NoSuchEntity", 404));
    assert_eq!(e.message, "The user with name bob cannot be found.");
}

#[test]
fn user_errors_change_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_user(&sim, "alice", None).unwrap();
    let e = err(create_user(&sim, "ALICE", None));
    assert_eq!((e.code.as_str(), e.status), ("EntityAlreadyExists", 409));
    assert_eq!(err(create_user(&sim, "bad/name", None)).code, "ValidationError");
    assert_eq!(err(create_user(&sim, "carol", Some("staff"))).code, "ValidationError");
    assert_eq!(user_names(&sim), ["alice"]);
    // hubsim's caller is a role: "the caller" is not a user.
    let e = err(sim.call::<iam::GetUser>(REGION, iam::GetUserRequest { user_name: None }));
    assert_eq!((e.code.as_str(), e.status), ("ValidationError", 400));
    let e = err(sim.call::<iam::GetUser>(REGION, iam::GetUserRequest { user_name: Some("nobody".into()) }));
    assert_eq!(e.code, "NoSuchEntity");
    // JSON path.
    let e = sim.call_json(REGION, "iam", "CreateUser", serde_json::json!({"UserName": "alice"})).unwrap_err();
    assert_eq!(e.code, "EntityAlreadyExists");
    let out = sim.call_json(REGION, "iam", "CreateUser", serde_json::json!({"UserName": "dave"})).unwrap();
    assert_eq!(out["User"]["Arn"], format!("arn:aws:iam::{ACCOUNT}:user/dave"));
}

#[test]
fn user_side_lists() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_user(&sim, "alice", None).unwrap();
    let keys = sim
        .call::<iam::ListAccessKeys>(
            REGION,
            iam::ListAccessKeysRequest { user_name: Some("alice".into()), ..Default::default() },
        )
        .unwrap();
    assert!(keys.access_key_metadata.is_empty());
    assert_eq!(keys.is_truncated, Some(false));
    let e = err(sim.call::<iam::ListAccessKeys>(REGION, Default::default()));
    assert_eq!(e.code, "ValidationError");
    let e = err(sim.call::<iam::ListAccessKeys>(
        REGION,
        iam::ListAccessKeysRequest { user_name: Some("ghost".into()), ..Default::default() },
    ));
    assert_eq!(e.code, "NoSuchEntity");
    let inline = sim
        .call::<iam::ListUserPolicies>(
            REGION,
            iam::ListUserPoliciesRequest { user_name: "alice".into(), ..Default::default() },
        )
        .unwrap();
    assert!(inline.policy_names.is_empty());
    let e = err(sim.call::<iam::ListUserPolicies>(
        REGION,
        iam::ListUserPoliciesRequest { user_name: "ghost".into(), ..Default::default() },
    ));
    assert_eq!(e.code, "NoSuchEntity");
    let managed = sim
        .call::<iam::ListAttachedUserPolicies>(
            REGION,
            iam::ListAttachedUserPoliciesRequest { user_name: "alice".into(), ..Default::default() },
        )
        .unwrap();
    assert_eq!(managed.attached_policies, Some(vec![]));
    let e = err(sim.call::<iam::ListAttachedUserPolicies>(
        REGION,
        iam::ListAttachedUserPoliciesRequest { user_name: "ghost".into(), ..Default::default() },
    ));
    assert_eq!(e.code, "NoSuchEntity");
    let e =
        err(sim.call::<iam::GetLoginProfile>(REGION, iam::GetLoginProfileRequest { user_name: Some("alice".into()) }));
    assert_eq!((e.code.as_str(), e.status), ("NoSuchEntity", 404));
    assert_eq!(e.message, "Login Profile for User alice cannot be found.");
    let e =
        err(sim.call::<iam::GetLoginProfile>(REGION, iam::GetLoginProfileRequest { user_name: Some("ghost".into()) }));
    assert_eq!(e.message, "The user with name ghost cannot be found.");
}

#[test]
fn virtual_mfa_lifecycle() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_user(&sim, "alice", None).unwrap();
    let created = sim
        .call::<iam::CreateVirtualMFADevice>(
            REGION,
            iam::CreateVirtualMFADeviceRequest {
                virtual_mfa_device_name: "alice-phone".into(),
                path: Some("/people/".into()),
                ..Default::default()
            },
        )
        .unwrap()
        .virtual_mfa_device;
    let serial = created.serial_number.clone();
    assert_eq!(serial, format!("arn:aws:iam::{ACCOUNT}:mfa/people/alice-phone"));
    let seed = created.base32_string_seed.unwrap().0;
    assert!(!seed.is_empty() && seed.iter().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(b)));
    assert!(created.qr_code_png.unwrap().0.starts_with(b"\x89PNG"));
    assert_eq!(virtual_devices(&sim, "Unassigned").len(), 1);
    assert!(virtual_devices(&sim, "Assigned").is_empty());

    enable(&sim, "alice", &serial).unwrap();
    let assigned = virtual_devices(&sim, "Assigned");
    assert_eq!(assigned.len(), 1);
    assert_eq!(assigned[0].user.as_ref().unwrap().user_name, "alice");
    assert!(assigned[0].enable_date.is_some());
    assert!(assigned[0].base32_string_seed.is_none());
    let mine = sim
        .call::<iam::ListMFADevices>(
            REGION,
            iam::ListMFADevicesRequest { user_name: Some("alice".into()), ..Default::default() },
        )
        .unwrap()
        .mfa_devices;
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0].user_name.as_str(), mine[0].serial_number.as_str()), ("alice", serial.as_str()));
    // Without a UserName the caller (a role) is meant: no devices.
    assert!(sim.call::<iam::ListMFADevices>(REGION, Default::default()).unwrap().mfa_devices.is_empty());
    let e = err(sim.call::<iam::ListMFADevices>(
        REGION,
        iam::ListMFADevicesRequest { user_name: Some("ghost".into()), ..Default::default() },
    ));
    assert_eq!(e.code, "NoSuchEntity");

    // In use: it cannot be deleted, nor can its user.
    let delete = |s: &str| {
        sim.call::<iam::DeleteVirtualMFADevice>(REGION, iam::DeleteVirtualMFADeviceRequest { serial_number: s.into() })
    };
    let e = err(delete(&serial));
    assert_eq!((e.code.as_str(), e.status), ("DeleteConflict", 409));
    let e = err(sim.call::<iam::DeleteUser>(REGION, iam::DeleteUserRequest { user_name: "alice".into() }));
    assert_eq!((e.code.as_str(), e.status), ("DeleteConflict", 409));
    assert_eq!(user_names(&sim), ["alice"]);

    let deactivate = |user: Option<&str>| {
        sim.call::<iam::DeactivateMFADevice>(
            REGION,
            iam::DeactivateMFADeviceRequest { user_name: user.map(str::to_string), serial_number: serial.clone() },
        )
    };
    assert_eq!(err(deactivate(None)).code, "NoSuchEntity");
    assert_eq!(err(deactivate(Some("ghost"))).code, "NoSuchEntity");
    deactivate(Some("alice")).unwrap();
    assert_eq!(err(deactivate(Some("alice"))).code, "NoSuchEntity");
    assert_eq!(virtual_devices(&sim, "Unassigned").len(), 1);
    delete(&serial).unwrap();
    assert!(virtual_devices(&sim, "Any").is_empty());
    assert_eq!(err(delete(&serial)).code, "NoSuchEntity");
    sim.call::<iam::DeleteUser>(REGION, iam::DeleteUserRequest { user_name: "alice".into() }).unwrap();
}

#[test]
fn mfa_errors() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_user(&sim, "alice", None).unwrap();
    create_user(&sim, "bob", None).unwrap();
    let serial = create_device(&sim, "shared").unwrap();
    let e = err(create_device(&sim, "shared"));
    assert_eq!((e.code.as_str(), e.status), ("EntityAlreadyExists", 409));
    let e = err(enable(&sim, "ghost", &serial));
    assert_eq!((e.code.as_str(), e.status), ("NoSuchEntity", 404));
    let e = err(enable(&sim, "alice", &format!("arn:aws:iam::{ACCOUNT}:mfa/none")));
    assert_eq!(e.code, "NoSuchEntity");
    // Codes must be six digits (checked by the model).
    let e = err(sim.call::<iam::EnableMFADevice>(
        REGION,
        iam::EnableMFADeviceRequest {
            user_name: "alice".into(),
            serial_number: serial.clone(),
            authentication_code1: "12345".into(),
            authentication_code2: "654321".into(),
        },
    ));
    assert_eq!(e.code, "ValidationError");
    assert_eq!(virtual_devices(&sim, "Assigned").len(), 0);
    enable(&sim, "alice", &serial).unwrap();
    let e = err(enable(&sim, "bob", &serial));
    assert_eq!((e.code.as_str(), e.status), ("EntityAlreadyExists", 409));
    let summary = sim.call::<iam::GetAccountSummary>(REGION, Empty {}).unwrap().summary_map.unwrap();
    assert_eq!((summary["MFADevices"], summary["MFADevicesInUse"]), (1, 1));
    // The user's MFA shows in the credential report.
    sim.call::<iam::GenerateCredentialReport>(REGION, Empty {}).unwrap();
    let csv =
        String::from_utf8(sim.call::<iam::GetCredentialReport>(REGION, Empty {}).unwrap().content.unwrap().0).unwrap();
    let alice: Vec<&str> = csv.lines().find(|l| l.starts_with("alice,")).unwrap().split(',').collect();
    assert_eq!(alice[7], "true");
}

#[test]
fn root_virtual_device_is_protected() {
    let sim = fresh_account(Era::Current, &[REGION]);
    sim.call::<hubsim::SetRootMfa>(REGION, hubsim::SetRootMfaInput { kind: "virtual".into() }).unwrap();
    let root_serial = format!("arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device");
    let e = err(create_device(&sim, "root-account-mfa-device"));
    assert_eq!(e.code, "EntityAlreadyExists");
    let e = err(sim.call::<iam::DeleteVirtualMFADevice>(
        REGION,
        iam::DeleteVirtualMFADeviceRequest { serial_number: root_serial.clone() },
    ));
    assert_eq!(e.code, "DeleteConflict");
    assert_eq!(virtual_devices(&sim, "Any").len(), 1);
    // Once root's device is gone, the name is free.
    sim.call::<hubsim::SetRootMfa>(REGION, hubsim::SetRootMfaInput { kind: "none".into() }).unwrap();
    assert_eq!(create_device(&sim, "root-account-mfa-device").unwrap(), root_serial);
}
