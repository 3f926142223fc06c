//! KMS key states through the typed API: EnableKey, DisableKey, CancelKeyDeletion, and what a
//! key pending deletion refuses.

use hubsim_simulator::model::kms;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, Era, Simulator};

const REGION: &str = "eu-west-1";

fn code<T: std::fmt::Debug>(r: Result<T, hubsim_simulator::AwsError>) -> String {
    r.unwrap_err().code
}

fn create(sim: &Simulator) -> kms::KeyMetadata {
    sim.call::<kms::CreateKey>(REGION, kms::CreateKeyRequest::default()).unwrap().key_metadata.unwrap()
}

fn describe(sim: &Simulator, id: &str) -> kms::KeyMetadata {
    sim.call::<kms::DescribeKey>(REGION, kms::DescribeKeyRequest { key_id: id.into(), ..Default::default() })
        .unwrap()
        .key_metadata
        .unwrap()
}

fn enable(sim: &Simulator, id: &str) -> Result<(), hubsim_simulator::AwsError> {
    sim.call::<kms::EnableKey>(REGION, kms::EnableKeyRequest { key_id: id.into() }).map(drop)
}

fn disable(sim: &Simulator, id: &str) -> Result<(), hubsim_simulator::AwsError> {
    sim.call::<kms::DisableKey>(REGION, kms::DisableKeyRequest { key_id: id.into() }).map(drop)
}

fn cancel(sim: &Simulator, id: &str) -> Result<kms::CancelKeyDeletionResponse, hubsim_simulator::AwsError> {
    sim.call::<kms::CancelKeyDeletion>(REGION, kms::CancelKeyDeletionRequest { key_id: id.into() })
}

fn schedule(
    sim: &Simulator,
    id: &str,
    days: Option<i32>,
) -> Result<kms::ScheduleKeyDeletionResponse, hubsim_simulator::AwsError> {
    sim.call::<kms::ScheduleKeyDeletion>(
        REGION,
        kms::ScheduleKeyDeletionRequest { key_id: id.into(), pending_window_in_days: days },
    )
}

fn state(md: &kms::KeyMetadata) -> (Option<&str>, Option<bool>) {
    (md.key_state.as_deref(), md.enabled)
}

#[test]
fn disable_and_enable_switch_the_state_and_are_idempotent() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let id = create(&sim).key_id;
    disable(&sim, &id).unwrap();
    assert_eq!(state(&describe(&sim, &id)), (Some("Disabled"), Some(false)));
    disable(&sim, &id).unwrap();
    assert_eq!(state(&describe(&sim, &id)), (Some("Disabled"), Some(false)));
    enable(&sim, &id).unwrap();
    assert_eq!(state(&describe(&sim, &id)), (Some("Enabled"), Some(true)));
    enable(&sim, &id).unwrap();
    assert_eq!(state(&describe(&sim, &id)), (Some("Enabled"), Some(true)));
    // Key ids and ARNs only; an unknown key is NotFoundException.
    assert_eq!(code(enable(&sim, "alias/nope")), "NotFoundException");
    assert_eq!(code(disable(&sim, "00000000-0000-0000-0000-000000000000")), "NotFoundException");
}

#[test]
fn cancel_key_deletion_leaves_the_key_disabled_without_a_deletion_date() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let md = create(&sim);
    let id = md.key_id.clone();
    // Nothing to cancel on an enabled key.
    assert_eq!(code(cancel(&sim, &id)), "KMSInvalidStateException");
    assert_eq!(state(&describe(&sim, &id)), (Some("Enabled"), Some(true)));

    schedule(&sim, &id, Some(7)).unwrap();
    let pending = describe(&sim, &id);
    assert_eq!(state(&pending), (Some("PendingDeletion"), Some(false)));
    assert_eq!(pending.pending_deletion_window_in_days, Some(7));
    assert!(pending.deletion_date.is_some());
    // A key pending deletion cannot be enabled or disabled.
    assert_eq!(code(enable(&sim, &id)), "KMSInvalidStateException");
    assert_eq!(code(disable(&sim, &id)), "KMSInvalidStateException");
    assert_eq!(state(&describe(&sim, &id)), (Some("PendingDeletion"), Some(false)));

    let r = cancel(&sim, &id).unwrap();
    assert_eq!(r.key_id, md.arn);
    let back = describe(&sim, &id);
    assert_eq!(state(&back), (Some("Disabled"), Some(false)));
    assert_eq!(back.deletion_date, None);
    assert_eq!(back.pending_deletion_window_in_days, None);
    assert_eq!(code(cancel(&sim, &id)), "KMSInvalidStateException");
    enable(&sim, &id).unwrap();
    assert_eq!(state(&describe(&sim, &id)), (Some("Enabled"), Some(true)));
}

#[test]
fn a_disabled_key_can_be_scheduled_and_the_window_is_7_to_30_days() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let id = create(&sim).key_id;
    disable(&sim, &id).unwrap();
    for bad in [0, 6, 31, -1] {
        assert_eq!(code(schedule(&sim, &id, Some(bad))), "ValidationException", "{bad}");
        assert_eq!(state(&describe(&sim, &id)), (Some("Disabled"), Some(false)));
    }
    let r = schedule(&sim, &id, Some(30)).unwrap();
    assert_eq!(r.pending_window_in_days, Some(30));
    assert_eq!(describe(&sim, &id).deletion_date, r.deletion_date);
}
