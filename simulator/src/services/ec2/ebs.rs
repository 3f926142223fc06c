//! The per-region EBS account settings: Get/Enable/DisableEbsEncryptionByDefault and
//! GetEbsDefaultKmsKeyId.

use hubsim_model::ec2;
use serde::{Deserialize, Serialize};

use super::dry_run;
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::GetEbsEncryptionByDefault>()
        .add::<ec2::EnableEbsEncryptionByDefault>()
        .add::<ec2::DisableEbsEncryptionByDefault>()
        .add::<ec2::GetEbsDefaultKmsKeyId>();
}

/// The id the single settings document is stored under.
const ID: &str = "default";

/// EBS settings of one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct EbsSettings {
    /// Whether new volumes are encrypted by default.
    pub encryption_by_default: bool,
    /// The default KMS key for EBS encryption.
    pub kms_key_id: String,
}

impl Default for EbsSettings {
    fn default() -> Self {
        EbsSettings { encryption_by_default: false, kms_key_id: "alias/aws/ebs".into() }
    }
}

impl Resource for EbsSettings {
    const KIND: &'static str = "ec2:ebs-settings";
}

/// The region's settings (the fresh-account defaults when never written).
pub(crate) fn settings(ctx: &Ctx<'_>) -> Result<EbsSettings, AwsError> {
    Ok(ctx.get::<EbsSettings>(ID)?.unwrap_or_default())
}

/// Writes the region's settings.
pub(crate) fn save(ctx: &mut Ctx<'_>, s: &EbsSettings) -> Result<(), AwsError> {
    ctx.put(ID, s)
}

fn set_encryption(ctx: &mut Ctx<'_>, on: bool) -> Result<bool, AwsError> {
    let mut s = settings(ctx)?;
    s.encryption_by_default = on;
    save(ctx, &s)?;
    Ok(on)
}

impl Handler for ec2::GetEbsEncryptionByDefault {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::GetEbsEncryptionByDefaultRequest,
    ) -> Result<ec2::GetEbsEncryptionByDefaultResult, AwsError> {
        dry_run(input.dry_run)?;
        let s = settings(ctx)?;
        Ok(ec2::GetEbsEncryptionByDefaultResult {
            ebs_encryption_by_default: Some(s.encryption_by_default),
            sse_type: Some(if s.encryption_by_default { "sse-ebs" } else { "none" }.into()),
        })
    }
}

impl Handler for ec2::EnableEbsEncryptionByDefault {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::EnableEbsEncryptionByDefaultRequest,
    ) -> Result<ec2::EnableEbsEncryptionByDefaultResult, AwsError> {
        dry_run(input.dry_run)?;
        Ok(ec2::EnableEbsEncryptionByDefaultResult { ebs_encryption_by_default: Some(set_encryption(ctx, true)?) })
    }
}

impl Handler for ec2::DisableEbsEncryptionByDefault {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DisableEbsEncryptionByDefaultRequest,
    ) -> Result<ec2::DisableEbsEncryptionByDefaultResult, AwsError> {
        dry_run(input.dry_run)?;
        Ok(ec2::DisableEbsEncryptionByDefaultResult { ebs_encryption_by_default: Some(set_encryption(ctx, false)?) })
    }
}

impl Handler for ec2::GetEbsDefaultKmsKeyId {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::GetEbsDefaultKmsKeyIdRequest,
    ) -> Result<ec2::GetEbsDefaultKmsKeyIdResult, AwsError> {
        dry_run(input.dry_run)?;
        Ok(ec2::GetEbsDefaultKmsKeyIdResult { kms_key_id: Some(settings(ctx)?.kms_key_id) })
    }
}
