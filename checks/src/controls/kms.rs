//! KMS.4 (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html; rule
//! https://docs.aws.amazon.com/config/latest/developerguide/cmk-backing-key-rotation-enabled.html).

use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};
use crate::snapshot::KmsKeyView;

pub(super) const CONTROLS: &[Control] = &[Control {
    id: "KMS.4",
    resource_type: "AWS::KMS::Key",
    schedule: Schedule::Periodic,
    config_rule: Some("cmk-backing-key-rotation-enabled"),
    parameters: &[],
    choices: "Customer managed symmetric encryption keys with KMS-generated material, outside custom key stores, are \
              judged: rotation off fails. AWS managed keys, asymmetric, HMAC, imported-material (Origin EXTERNAL) and \
              custom-key-store keys get no finding (AWS Config's rule page: their rotation cannot be automatic). Keys \
              pending deletion (or replica deletion, or import) get no finding [U]: KMS refuses to change their \
              rotation. Disabled keys are judged [I]: KMS lets their rotation be enabled, and it resumes when the key \
              is enabled again.",
    evaluate: kms_4,
}];

/// Whether KMS.4 judges the key at all.
fn in_scope(k: &KmsKeyView) -> bool {
    let m = &k.metadata;
    let customer = m.key_manager.as_deref() == Some("CUSTOMER");
    let waiting =
        matches!(m.key_state.as_deref(), Some("PendingDeletion" | "PendingReplicaDeletion" | "PendingImport"));
    customer && k.rotatable() && !waiting
}

fn kms_4(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .keys
        .iter()
        .filter(|k| in_scope(k))
        .map(|k| {
            let id = k.metadata.key_id.clone();
            let arn = k
                .metadata
                .arn
                .clone()
                .unwrap_or_else(|| format!("arn:aws:kms:{}:{}:key/{id}", i.region.name, i.global.account));
            Verdict::check(
                ResourceRef { id: arn, kind: "AwsKmsKey" },
                k.rotation == Some(true),
                format!("customer managed key {id} rotates its key material automatically"),
                format!("customer managed key {id} has automatic key rotation disabled"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hubsim_api::model::kms;

    fn key(manager: &str, spec: &str, origin: &str, state: &str, store: Option<&str>) -> KmsKeyView {
        KmsKeyView {
            metadata: kms::KeyMetadata {
                key_manager: Some(manager.into()),
                key_spec: Some(spec.into()),
                origin: Some(origin.into()),
                key_state: Some(state.into()),
                custom_key_store_id: store.map(str::to_string),
                ..Default::default()
            },
            rotation: None,
            policy: None,
        }
    }

    #[test]
    fn only_customer_symmetric_kms_generated_keys_that_are_not_going_away_are_judged() {
        assert!(in_scope(&key("CUSTOMER", "SYMMETRIC_DEFAULT", "AWS_KMS", "Enabled", None)));
        assert!(in_scope(&key("CUSTOMER", "SYMMETRIC_DEFAULT", "AWS_KMS", "Disabled", None)));
        assert!(!in_scope(&key("AWS", "SYMMETRIC_DEFAULT", "AWS_KMS", "Enabled", None)));
        assert!(!in_scope(&key("CUSTOMER", "RSA_2048", "AWS_KMS", "Enabled", None)));
        assert!(!in_scope(&key("CUSTOMER", "HMAC_256", "AWS_KMS", "Enabled", None)));
        assert!(!in_scope(&key("CUSTOMER", "SYMMETRIC_DEFAULT", "EXTERNAL", "Enabled", None)));
        assert!(!in_scope(&key("CUSTOMER", "SYMMETRIC_DEFAULT", "AWS_CLOUDHSM", "Enabled", Some("cks-1"))));
        assert!(!in_scope(&key("CUSTOMER", "SYMMETRIC_DEFAULT", "AWS_KMS", "PendingDeletion", None)));
    }
}
