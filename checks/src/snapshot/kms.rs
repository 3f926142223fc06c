//! The KMS keys of a region, as KMS.4 reads them: each key's metadata (`DescribeKey`) and, for a
//! key whose rotation can be configured, whether automatic rotation is on
//! (`GetKeyRotationStatus`), and for KMS.5 a customer managed key's policy (`GetKeyPolicy`).

use hubsim_api::model::kms;
use hubsim_api::AwsApi;

use super::{fail, FetchError};

/// One KMS key and its rotation.
#[derive(Debug, Clone, Default)]
pub struct KmsKeyView {
    /// `DescribeKey`'s metadata (manager, spec, origin, state, custom key store).
    pub metadata: kms::KeyMetadata,
    /// Whether automatic rotation is on; `None` for a key KMS cannot rotate automatically
    /// (asymmetric, HMAC, imported material, custom key store), whose status is not read.
    pub rotation: Option<bool>,
    /// The key policy (`GetKeyPolicy`, policy `default`) of a customer managed key (KMS.5);
    /// `None` for AWS managed keys, whose policies are AWS's.
    pub policy: Option<String>,
}

impl KmsKeyView {
    /// Whether KMS rotates this kind of key automatically at all: symmetric encryption keys
    /// whose material KMS generated, outside custom key stores
    /// (<https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html>).
    pub fn rotatable(&self) -> bool {
        let m = &self.metadata;
        m.key_spec.as_deref().unwrap_or("SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
            && m.origin.as_deref().unwrap_or("AWS_KMS") == "AWS_KMS"
            && m.custom_key_store_id.as_deref().is_none_or(str::is_empty)
    }
}

/// Every key of `region`, in `ListKeys` order.
pub(super) fn fetch_keys<A: AwsApi>(api: &A, region: &str) -> Result<Vec<KmsKeyView>, FetchError> {
    let mut out = Vec::new();
    let mut marker = None;
    loop {
        let page = api
            .call::<kms::ListKeys>(region, kms::ListKeysRequest { limit: None, marker: marker.clone() })
            .map_err(fail("KMS keys", region))?;
        for entry in page.keys.unwrap_or_default() {
            let Some(id) = entry.key_arn.or(entry.key_id) else { continue };
            let metadata = api
                .call::<kms::DescribeKey>(region, kms::DescribeKeyRequest { key_id: id.clone(), grant_tokens: None })
                .map_err(fail("KMS key", region))?
                .key_metadata
                .unwrap_or_default();
            let customer = metadata.key_manager.as_deref() == Some("CUSTOMER");
            let mut key = KmsKeyView { metadata, rotation: None, policy: None };
            if customer {
                key.policy = api
                    .call::<kms::GetKeyPolicy>(
                        region,
                        kms::GetKeyPolicyRequest { key_id: id.clone(), policy_name: None },
                    )
                    .map_err(fail("KMS key policy", region))?
                    .policy;
            }
            if key.rotatable() {
                let status = api
                    .call::<kms::GetKeyRotationStatus>(region, kms::GetKeyRotationStatusRequest { key_id: id })
                    .map_err(fail("KMS key rotation", region))?;
                key.rotation = Some(status.key_rotation_enabled.unwrap_or(false));
            }
            out.push(key);
        }
        marker = page.next_marker.filter(|_| page.truncated == Some(true));
        if marker.is_none() {
            break;
        }
    }
    Ok(out)
}
