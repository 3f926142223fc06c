//! Keys: CreateKey, DescribeKey, ListKeys, ListResourceTags, ScheduleKeyDeletion.

use hubsim_model::kms;

use super::limits::TAGS_PER_KEY;
use super::{key_arn, locate, locate_key_only, pending_deletion, Key};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<kms::CreateKey>()
        .add::<kms::DescribeKey>()
        .add::<kms::ListKeys>()
        .add::<kms::ListResourceTags>()
        .add::<kms::ScheduleKeyDeletion>();
}

fn validation(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("ValidationException", message)
}

/// The algorithms a key of `spec` used for `usage` supports: (encryption, signing, MAC,
/// key agreement). `None` when the combination is not allowed.
#[allow(clippy::type_complexity)]
fn algorithms(
    spec: &str,
    usage: &str,
) -> Option<(Vec<&'static str>, Vec<&'static str>, Vec<&'static str>, Vec<&'static str>)> {
    let none = Vec::new;
    match (spec, usage) {
        ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT") => Some((vec!["SYMMETRIC_DEFAULT"], none(), none(), none())),
        (s, "ENCRYPT_DECRYPT") if s.starts_with("RSA_") => {
            Some((vec!["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"], none(), none(), none()))
        }
        (s, "SIGN_VERIFY") if s.starts_with("RSA_") => Some((
            none(),
            vec![
                "RSASSA_PKCS1_V1_5_SHA_256",
                "RSASSA_PKCS1_V1_5_SHA_384",
                "RSASSA_PKCS1_V1_5_SHA_512",
                "RSASSA_PSS_SHA_256",
                "RSASSA_PSS_SHA_384",
                "RSASSA_PSS_SHA_512",
            ],
            none(),
            none(),
        )),
        ("ECC_NIST_P256" | "ECC_SECG_P256K1", "SIGN_VERIFY") => Some((none(), vec!["ECDSA_SHA_256"], none(), none())),
        ("ECC_NIST_P384", "SIGN_VERIFY") => Some((none(), vec!["ECDSA_SHA_384"], none(), none())),
        ("ECC_NIST_P521", "SIGN_VERIFY") => Some((none(), vec!["ECDSA_SHA_512"], none(), none())),
        ("ECC_NIST_P256" | "ECC_NIST_P384" | "ECC_NIST_P521", "KEY_AGREEMENT") => {
            Some((none(), none(), none(), vec!["ECDH"]))
        }
        ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY") => Some((none(), vec!["ED25519_SHA_512"], none(), none())),
        (s, "SIGN_VERIFY") if s.starts_with("ML_DSA_") => Some((none(), vec!["ML_DSA_SHAKE_256"], none(), none())),
        ("SM2", "SIGN_VERIFY") => Some((none(), vec!["SM2DSA"], none(), none())),
        ("SM2", "ENCRYPT_DECRYPT") => Some((vec!["SM2PKE"], none(), none(), none())),
        ("SM2", "KEY_AGREEMENT") => Some((none(), none(), none(), vec!["ECDH"])),
        ("HMAC_224", "GENERATE_VERIFY_MAC") => Some((none(), none(), vec!["HMAC_SHA_224"], none())),
        ("HMAC_256", "GENERATE_VERIFY_MAC") => Some((none(), none(), vec!["HMAC_SHA_256"], none())),
        ("HMAC_384", "GENERATE_VERIFY_MAC") => Some((none(), none(), vec!["HMAC_SHA_384"], none())),
        ("HMAC_512", "GENERATE_VERIFY_MAC") => Some((none(), none(), vec!["HMAC_SHA_512"], none())),
        _ => None,
    }
}

fn strings(v: Vec<&'static str>) -> Option<Vec<String>> {
    if v.is_empty() {
        None
    } else {
        Some(v.into_iter().map(str::to_string).collect())
    }
}

/// Checks tags as KMS does: at most [`TAGS_PER_KEY`], no `aws:` prefix, no duplicate keys.
pub(super) fn check_tags(tags: &[kms::Tag]) -> Result<(), AwsError> {
    if tags.len() > TAGS_PER_KEY {
        return Err(AwsError::bad_request(
            "TagException",
            format!("Too many tags: {} given, a key can have at most {TAGS_PER_KEY}", tags.len()),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for t in tags {
        if t.tag_key.to_ascii_lowercase().starts_with("aws:") {
            return Err(AwsError::bad_request("TagException", "Tags beginning with aws: are reserved"));
        }
        if !seen.insert(t.tag_key.as_str()) {
            return Err(AwsError::bad_request("TagException", format!("Duplicate tag keys: {}", t.tag_key)));
        }
    }
    Ok(())
}

/// Parses a `Limit`/`Marker` pair: (start index, page size).
pub(super) fn page(
    limit: Option<i32>,
    marker: Option<&str>,
    default: usize,
    max: usize,
) -> Result<(usize, usize), AwsError> {
    let size = match limit {
        None => default,
        Some(n) if n >= 1 && (n as usize) <= max => n as usize,
        Some(n) => return Err(validation(format!("Limit {n} is out of range (1-{max})"))),
    };
    let start = match marker {
        None => 0,
        Some(m) => m.parse::<usize>().map_err(|_| AwsError::bad_request("InvalidMarkerException", "Invalid marker"))?,
    };
    Ok((start, size))
}

impl Handler for kms::CreateKey {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: kms::CreateKeyRequest) -> Result<kms::CreateKeyResponse, AwsError> {
        if input.key_spec.is_some() && input.customer_master_key_spec.is_some() {
            return Err(validation("You cannot specify both KeySpec and CustomerMasterKeySpec"));
        }
        let spec = input
            .key_spec
            .clone()
            .or_else(|| input.customer_master_key_spec.clone())
            .unwrap_or_else(|| "SYMMETRIC_DEFAULT".to_string());
        let usage = input.key_usage.clone().unwrap_or_else(|| "ENCRYPT_DECRYPT".to_string());
        let (enc, sign, mac, agree) = algorithms(&spec, &usage)
            .ok_or_else(|| validation(format!("KeyUsage {usage} is not compatible with KeySpec {spec}")))?;
        let origin = input.origin.clone().unwrap_or_else(|| "AWS_KMS".to_string());
        if input.custom_key_store_id.is_some() || matches!(origin.as_str(), "AWS_CLOUDHSM" | "EXTERNAL_KEY_STORE") {
            return Err(AwsError::bad_request(
                "CustomKeyStoreNotFoundException",
                "Custom key store is not found (hubsim simulates no custom key stores)",
            ));
        }
        let multi_region = input.multi_region.unwrap_or(false);
        let tags = input.tags.clone().unwrap_or_default();
        check_tags(&tags)?;
        let account = ctx.account().to_string();
        let policy = match &input.policy {
            Some(text) => {
                super::policy::check_key_policy(
                    &account,
                    text,
                    input.bypass_policy_lockout_safety_check.unwrap_or(false),
                )?;
                text.clone()
            }
            None => super::policy::default_key_policy(&account),
        };
        let id = if multi_region { format!("mrk-{}", ctx.ids().hex(32)) } else { ctx.ids().uuid() };
        let region = ctx.region().to_string();
        let arn = key_arn(ctx, &region, &id);
        let pending_import = origin == "EXTERNAL";
        let metadata = kms::KeyMetadata {
            aws_account_id: Some(account),
            key_id: id.clone(),
            arn: Some(arn.clone()),
            creation_date: Some(ctx.now()),
            enabled: Some(!pending_import),
            description: Some(input.description.clone().unwrap_or_default()),
            key_usage: Some(usage),
            key_state: Some(if pending_import { "PendingImport" } else { "Enabled" }.to_string()),
            origin: Some(origin),
            key_manager: Some("CUSTOMER".to_string()),
            customer_master_key_spec: Some(spec.clone()),
            key_spec: Some(spec),
            encryption_algorithms: strings(enc),
            signing_algorithms: strings(sign),
            mac_algorithms: strings(mac),
            key_agreement_algorithms: strings(agree),
            multi_region: Some(multi_region),
            multi_region_configuration: multi_region.then(|| kms::MultiRegionConfiguration {
                multi_region_key_type: Some("PRIMARY".to_string()),
                primary_key: Some(kms::MultiRegionKey { arn: Some(arn.clone()), region: Some(region.clone()) }),
                replica_keys: Some(Vec::new()),
            }),
            ..Default::default()
        };
        let key = Key { metadata: metadata.clone(), policy, tags, ..Default::default() };
        ctx.put(&id, &key)?;
        Ok(kms::CreateKeyResponse { key_metadata: Some(metadata) })
    }
}

impl Handler for kms::DescribeKey {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: kms::DescribeKeyRequest) -> Result<kms::DescribeKeyResponse, AwsError> {
        let (_, key) = locate(ctx, &input.key_id)?;
        Ok(kms::DescribeKeyResponse { key_metadata: Some(key.metadata) })
    }
}

impl Handler for kms::ListKeys {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: kms::ListKeysRequest) -> Result<kms::ListKeysResponse, AwsError> {
        let (start, size) = page(input.limit, input.marker.as_deref(), 100, 1000)?;
        let keys = ctx.list::<Key>()?;
        let truncated = keys.len() > start.saturating_add(size);
        let entries = keys
            .into_iter()
            .skip(start)
            .take(size)
            .map(|(id, k)| kms::KeyListEntry { key_arn: Some(k.arn()), key_id: Some(id) })
            .collect();
        Ok(kms::ListKeysResponse {
            keys: Some(entries),
            next_marker: truncated.then(|| (start + size).to_string()),
            truncated: Some(truncated),
        })
    }
}

impl Handler for kms::ListResourceTags {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: kms::ListResourceTagsRequest,
    ) -> Result<kms::ListResourceTagsResponse, AwsError> {
        let (_, key) = locate_key_only(ctx, &input.key_id)?;
        let (start, size) = page(input.limit, input.marker.as_deref(), 50, 50)?;
        let truncated = key.tags.len() > start.saturating_add(size);
        let tags = key.tags.into_iter().skip(start).take(size).collect();
        Ok(kms::ListResourceTagsResponse {
            tags: Some(tags),
            next_marker: truncated.then(|| (start + size).to_string()),
            truncated: Some(truncated),
        })
    }
}

impl Handler for kms::ScheduleKeyDeletion {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: kms::ScheduleKeyDeletionRequest,
    ) -> Result<kms::ScheduleKeyDeletionResponse, AwsError> {
        let (region, mut key) = locate_key_only(ctx, &input.key_id)?;
        let days = input.pending_window_in_days.unwrap_or(30);
        if !(7..=30).contains(&days) {
            return Err(validation(format!(
                "1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between 7 and 30"
            )));
        }
        if key.state() == "PendingDeletion" {
            return Err(pending_deletion(&key));
        }
        let deletion = hubsim_model::Timestamp(ctx.now().0.saturating_add(i64::from(days) * 86_400_000));
        key.metadata.key_state = Some("PendingDeletion".to_string());
        key.metadata.enabled = Some(false);
        key.metadata.deletion_date = Some(deletion);
        key.metadata.pending_deletion_window_in_days = Some(days);
        let id = key.metadata.key_id.clone();
        let arn = key.arn();
        ctx.put_in(&region, &id, &key)?;
        Ok(kms::ScheduleKeyDeletionResponse {
            key_id: Some(arn),
            deletion_date: Some(deletion),
            key_state: Some("PendingDeletion".to_string()),
            pending_window_in_days: Some(days),
        })
    }
}
