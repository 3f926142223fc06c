//! KMS.3 and KMS.5: keys scheduled for deletion, and key policies that are public
//! (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html; rules
//! https://docs.aws.amazon.com/config/latest/developerguide/kms-cmk-not-scheduled-for-deletion.html,
//! https://docs.aws.amazon.com/config/latest/developerguide/kms-key-policy-no-public-access.html).

use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};
use crate::snapshot::KmsKeyView;

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "KMS.3",
        resource_type: "AWS::KMS::Key",
        schedule: Schedule::Periodic,
        config_rule: Some("kms-cmk-not-scheduled-for-deletion"),
        parameters: &[],
        choices: "Every key of the region is judged, customer managed or not (an AWS managed key can never be \
              pending deletion, so it always passes) [U]; a key fails when its KeyState is PendingDeletion. \
              A disabled key, or one waiting for imported material, passes: it is not going away. The same in \
              both eras (era current runs it as kms-cmk-not-scheduled-for-deletion-2, with the same test).",
        evaluate: kms_3,
    },
    Control {
        id: "KMS.5",
        resource_type: "AWS::KMS::Key",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("kms-key-policy-no-public-access"),
        parameters: &[],
        choices: "Customer managed keys are judged on their key policy: a key fails when the policy has an Allow \
              statement for everyone without a condition pinning it to fixed values (the reading SQS.3 and SNS.4 \
              share; kms:CallerAccount pins, as in AWS managed keys' policies). AWS managed keys get no finding \
              [I]. A policy hubsim could not read is not judged (AWS fails it when Config cannot read it).",
        evaluate: kms_5,
    },
];

/// The key's ARN (the ASFF resource id), from its metadata or built from the region.
pub(super) fn key_resource(i: &Input<'_>, k: &KmsKeyView) -> ResourceRef {
    let id = &k.metadata.key_id;
    let arn = k
        .metadata
        .arn
        .clone()
        .unwrap_or_else(|| format!("arn:aws:kms:{}:{}:key/{id}", i.region.name, i.global.account));
    ResourceRef { id: arn, kind: "AwsKmsKey" }
}

fn kms_5(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .keys
        .iter()
        .filter_map(|k| {
            let policy = k.policy.as_deref()?;
            let id = &k.metadata.key_id;
            let why: Vec<String> =
                super::public_policy::public_statements(policy).into_iter().map(|(_, w)| w).collect();
            Some(Verdict::check(
                key_resource(i, k),
                why.is_empty(),
                format!("key {id}'s policy allows no public access"),
                format!("key {id}'s policy is public: {}", why.join("; ")),
            ))
        })
        .collect()
}

fn kms_3(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .keys
        .iter()
        .map(|k| {
            let id = &k.metadata.key_id;
            let state = k.metadata.key_state.as_deref().unwrap_or("Enabled");
            let when =
                k.metadata.deletion_date.map(|d| format!(" (deletion date {})", d.to_iso8601())).unwrap_or_default();
            Verdict::check(
                key_resource(i, k),
                state != "PendingDeletion",
                format!("key {id} is not scheduled for deletion (state {state})"),
                format!("key {id} is scheduled for deletion{when}"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::{Compliance, Params};
    use crate::snapshot::{Global, Region};
    use hubsim_api::model::kms;

    fn key(id: &str, manager: &str, state: &str) -> KmsKeyView {
        KmsKeyView {
            metadata: kms::KeyMetadata {
                key_id: id.into(),
                key_manager: Some(manager.into()),
                key_state: Some(state.into()),
                ..Default::default()
            },
            rotation: None,
            policy: None,
        }
    }

    #[test]
    fn only_keys_pending_deletion_fail_whoever_manages_them() {
        let region = Region {
            name: "us-east-1".into(),
            keys: vec![
                key("a", "CUSTOMER", "Enabled"),
                key("b", "CUSTOMER", "PendingDeletion"),
                key("c", "CUSTOMER", "Disabled"),
                key("d", "AWS", "Enabled"),
                key("e", "CUSTOMER", "PendingImport"),
            ],
            ..Default::default()
        };
        let global = Global { account: "123456789012".into(), ..Default::default() };
        let params = Params::default();
        let input = Input { region: &region, global: &global, era: hubsim_api::Era::Current, params: &params };
        let got: Vec<(String, Compliance)> = kms_3(&input).into_iter().map(|v| (v.resource.id, v.status)).collect();
        let arn = |id: &str| format!("arn:aws:kms:us-east-1:123456789012:key/{id}");
        assert_eq!(
            got,
            vec![
                (arn("a"), Compliance::Passed),
                (arn("b"), Compliance::Failed),
                (arn("c"), Compliance::Passed),
                (arn("d"), Compliance::Passed),
                (arn("e"), Compliance::Passed),
            ]
        );
    }
}
