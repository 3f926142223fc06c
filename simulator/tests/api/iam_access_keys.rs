//! IAM users' access keys: CreateAccessKey, UpdateAccessKey, DeleteAccessKey, ListAccessKeys
//! and the credential report's access-key columns.

use hubsim_simulator::model::{hubsim, iam, Empty};
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "ap-northeast-1";

fn create_user(sim: &Simulator, name: &str) {
    sim.call::<iam::CreateUser>(REGION, iam::CreateUserRequest { user_name: name.into(), ..Default::default() })
        .unwrap();
}

fn create_key(sim: &Simulator, user: Option<&str>) -> Result<iam::AccessKey, AwsError> {
    sim.call::<iam::CreateAccessKey>(REGION, iam::CreateAccessKeyRequest { user_name: user.map(str::to_string) })
        .map(|r| r.access_key)
}

fn keys(sim: &Simulator, user: &str) -> Vec<iam::AccessKeyMetadata> {
    sim.call::<iam::ListAccessKeys>(
        REGION,
        iam::ListAccessKeysRequest { user_name: Some(user.into()), ..Default::default() },
    )
    .unwrap()
    .access_key_metadata
}

fn update(sim: &Simulator, user: Option<&str>, id: &str, status: &str) -> Result<Empty, AwsError> {
    sim.call::<iam::UpdateAccessKey>(
        REGION,
        iam::UpdateAccessKeyRequest {
            user_name: user.map(str::to_string),
            access_key_id: id.into(),
            status: status.into(),
        },
    )
}

fn delete(sim: &Simulator, user: Option<&str>, id: &str) -> Result<Empty, AwsError> {
    sim.call::<iam::DeleteAccessKey>(
        REGION,
        iam::DeleteAccessKeyRequest { user_name: user.map(str::to_string), access_key_id: id.into() },
    )
}

/// The user's row of a freshly generated credential report, split on commas.
fn report_row(sim: &Simulator, user: &str) -> Vec<String> {
    // A report younger than four hours is not regenerated: move past it.
    sim.call::<hubsim::AdvanceClock>(REGION, hubsim::AdvanceClockInput { hours: Some(5), ..Default::default() })
        .unwrap();
    sim.call::<iam::GenerateCredentialReport>(REGION, Empty {}).unwrap();
    let csv =
        String::from_utf8(sim.call::<iam::GetCredentialReport>(REGION, Empty {}).unwrap().content.unwrap().0).unwrap();
    let line = csv.lines().find(|l| l.starts_with(&format!("{user},"))).unwrap();
    line.split(',').map(str::to_string).collect()
}

/// `access_key_N_*` (five columns) of a report row, N = 1 or 2.
fn key_slot(row: &[String], n: usize) -> Vec<&str> {
    let start = if n == 1 { 8 } else { 13 };
    row[start..start + 5].iter().map(String::as_str).collect()
}

#[test]
fn create_access_key_answers_a_new_active_key() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_user(&sim, "alice");
    let key = create_key(&sim, Some("ALICE")).unwrap();
    assert_eq!(key.user_name, "alice", "the user's own spelling of its name");
    assert_eq!(key.access_key_id.len(), 20);
    assert!(key.access_key_id.starts_with("AKIA"));
    assert!(key.access_key_id[4..].bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
    assert_eq!(key.secret_access_key.len(), 40);
    assert_eq!(key.status, "Active");
    assert_eq!(key.create_date.map(|t| t.0), Some(sim.run_state().unwrap().clock_ms), "the scenario clock");
    let listed = keys(&sim, "alice");
    assert_eq!(
        listed,
        [iam::AccessKeyMetadata {
            user_name: Some("alice".into()),
            access_key_id: Some(key.access_key_id.clone()),
            status: Some("Active".into()),
            create_date: key.create_date,
        }]
    );
    // A user with a key cannot be deleted until the key is.
    let e = sim.call::<iam::DeleteUser>(REGION, iam::DeleteUserRequest { user_name: "alice".into() }).unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("DeleteConflict", 409));
    // JSON path, as scenario steps call it.
    let out = sim.call_json(REGION, "iam", "CreateAccessKey", serde_json::json!({"UserName": "alice"})).unwrap();
    assert_eq!(out["AccessKey"]["Status"], "Active");
    assert_eq!(keys(&sim, "alice").len(), 2);
}

#[test]
fn at_most_two_keys_per_user_and_refusals_change_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_user(&sim, "alice");
    let first = create_key(&sim, Some("alice")).unwrap();
    let second = create_key(&sim, Some("alice")).unwrap();
    assert_ne!(first.access_key_id, second.access_key_id);
    assert_ne!(first.secret_access_key, second.secret_access_key);
    // Inactive keys count towards the quota.
    update(&sim, Some("alice"), &first.access_key_id, "Inactive").unwrap();
    let before = (keys(&sim, "alice"), sim.inventory().unwrap(), sim.run_state());
    let e = create_key(&sim, Some("alice")).unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("LimitExceeded", 409));
    assert_eq!(e.message, "Cannot exceed quota for AccessKeysPerUser: 2");
    let e = create_key(&sim, Some("ghost")).unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("NoSuchEntity", 404));
    assert_eq!(e.message, "The user with name ghost cannot be found.");
    // Without a UserName the caller is meant, and hubsim's caller is a role.
    let e = create_key(&sim, None).unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("ValidationError", 400));
    assert_eq!(e.message, "Must specify userName when calling with non-User credentials");
    assert_eq!((keys(&sim, "alice"), sim.inventory().unwrap(), sim.run_state()), before);
    // Once a key is deleted there is room for a new one.
    delete(&sim, Some("alice"), &first.access_key_id).unwrap();
    let third = create_key(&sim, Some("alice")).unwrap();
    let ids: Vec<String> = keys(&sim, "alice").into_iter().filter_map(|k| k.access_key_id).collect();
    assert_eq!(ids, [second.access_key_id, third.access_key_id]);
}

#[test]
fn update_and_delete_find_the_key_of_the_named_user_only() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_user(&sim, "alice");
    create_user(&sim, "bob");
    let key = create_key(&sim, Some("alice")).unwrap();
    let id = key.access_key_id.as_str();
    let before = (keys(&sim, "alice"), sim.run_state());
    let refused = [
        update(&sim, Some("bob"), id, "Inactive").unwrap_err(),
        delete(&sim, Some("bob"), id).unwrap_err(),
        update(&sim, Some("alice"), "AKIAUNKNOWNUNKNOWN00", "Inactive").unwrap_err(),
        delete(&sim, Some("alice"), "AKIAUNKNOWNUNKNOWN00").unwrap_err(),
    ];
    for e in &refused {
        assert_eq!((e.code.as_str(), e.status), ("NoSuchEntity", 404));
    }
    assert_eq!(refused[0].message, format!("The Access Key with id {id} cannot be found."));
    assert_eq!(update(&sim, Some("ghost"), id, "Inactive").unwrap_err().code, "NoSuchEntity");
    assert_eq!(update(&sim, None, id, "Inactive").unwrap_err().code, "ValidationError");
    assert_eq!(delete(&sim, None, id).unwrap_err().code, "ValidationError");
    // The model's enum: only Active, Inactive (and Expired).
    assert_eq!(update(&sim, Some("alice"), id, "Paused").unwrap_err().code, "ValidationError");
    assert_eq!((keys(&sim, "alice"), sim.run_state()), before);

    update(&sim, Some("alice"), id, "Inactive").unwrap();
    let listed = keys(&sim, "alice");
    assert_eq!(listed[0].status.as_deref(), Some("Inactive"));
    assert_eq!(listed[0].create_date, key.create_date, "a status change is not a rotation");
    update(&sim, Some("alice"), id, "Active").unwrap();
    delete(&sim, Some("alice"), id).unwrap();
    assert!(keys(&sim, "alice").is_empty());
    assert_eq!(delete(&sim, Some("alice"), id).unwrap_err().code, "NoSuchEntity");
    sim.call::<iam::DeleteUser>(REGION, iam::DeleteUserRequest { user_name: "alice".into() }).unwrap();
}

#[test]
fn the_same_scenario_gives_the_same_keys() {
    let run = || {
        let sim = fresh_account(Era::Current, &[REGION]);
        create_user(&sim, "alice");
        create_user(&sim, "bob");
        let a = create_key(&sim, Some("alice")).unwrap();
        let b = create_key(&sim, Some("bob")).unwrap();
        (a, b)
    };
    let (a1, b1) = run();
    let (a2, b2) = run();
    assert_eq!(a1, a2);
    assert_eq!(b1, b2);
    assert_ne!(a1.access_key_id, b1.access_key_id);
}

#[test]
fn the_credential_report_shows_the_keys_in_creation_order() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_user(&sim, "alice");
    assert_eq!(key_slot(&report_row(&sim, "alice"), 1), ["false", "N/A", "N/A", "N/A", "N/A"]);

    let first = create_key(&sim, Some("alice")).unwrap();
    let row = report_row(&sim, "alice");
    assert_eq!(row.len(), 22);
    let created = first.create_date.unwrap().to_iso8601().replace(".000Z", "+00:00").replace('Z', "+00:00");
    assert_eq!(key_slot(&row, 1), ["true", created.as_str(), "N/A", "N/A", "N/A"]);
    assert_eq!(key_slot(&row, 2), ["false", "N/A", "N/A", "N/A", "N/A"]);
    assert_eq!(&row[18..], ["false", "N/A", "false", "N/A"]);

    let second = create_key(&sim, Some("alice")).unwrap();
    update(&sim, Some("alice"), &first.access_key_id, "Inactive").unwrap();
    let row = report_row(&sim, "alice");
    // An inactive key keeps its date; the second key fills the second slot.
    assert_eq!(key_slot(&row, 1), ["false", created.as_str(), "N/A", "N/A", "N/A"]);
    assert_eq!(key_slot(&row, 2)[0], "true");
    assert!(key_slot(&row, 2)[1].ends_with("+00:00"));

    // With the first key gone, the remaining key is the user's first.
    delete(&sim, Some("alice"), &first.access_key_id).unwrap();
    let row = report_row(&sim, "alice");
    assert_eq!(key_slot(&row, 1)[0], "true");
    assert_eq!(key_slot(&row, 2), ["false", "N/A", "N/A", "N/A", "N/A"]);
    assert_eq!(keys(&sim, "alice")[0].access_key_id.as_deref(), Some(second.access_key_id.as_str()));
}
