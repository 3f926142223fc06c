//! Default encryption: Get/Put/DeleteBucketEncryption.

use hubsim_model::{s3, Empty};

use super::{bucket, bucket_part, part, Bucket};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::settings::Era;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<s3::GetBucketEncryption>().add::<s3::PutBucketEncryption>().add::<s3::DeleteBucketEncryption>();
}

/// SSE-S3 with bucket keys off: what S3 applies to every bucket since January 2023.
pub fn sse_s3_default() -> s3::ServerSideEncryptionConfiguration {
    s3::ServerSideEncryptionConfiguration {
        rules: vec![s3::ServerSideEncryptionRule {
            apply_server_side_encryption_by_default: Some(s3::ServerSideEncryptionByDefault {
                sse_algorithm: "AES256".into(),
                kms_master_key_id: None,
            }),
            bucket_key_enabled: Some(false),
            blocked_encryption_types: None,
        }],
    }
}

impl Handler for s3::GetBucketEncryption {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: s3::GetBucketEncryptionRequest,
    ) -> Result<s3::GetBucketEncryptionOutput, AwsError> {
        let b: part::Encryption = bucket_part(ctx, &input.bucket)?;
        match b.encryption {
            Some(config) => Ok(s3::GetBucketEncryptionOutput { server_side_encryption_configuration: Some(config) }),
            None => Err(AwsError::not_found(
                "ServerSideEncryptionConfigurationNotFoundError",
                "The server side encryption configuration was not found",
            )),
        }
    }
}

impl Handler for s3::PutBucketEncryption {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3::PutBucketEncryptionRequest) -> Result<Empty, AwsError> {
        let mut b: Bucket = bucket(ctx, &input.bucket)?;
        let config = input.server_side_encryption_configuration;
        if config.rules.len() != 1 {
            return Err(AwsError::bad_request(
                "MalformedXML",
                "The XML you provided was not well-formed or did not validate against our published schema",
            ));
        }
        for rule in &config.rules {
            let Some(default) = &rule.apply_server_side_encryption_by_default else {
                return Err(AwsError::bad_request("MalformedXML", "ApplyServerSideEncryptionByDefault is required"));
            };
            match default.sse_algorithm.as_str() {
                "AES256" if default.kms_master_key_id.is_some() => {
                    return Err(AwsError::bad_request(
                        "InvalidArgument",
                        "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
                    ));
                }
                "AES256" | "aws:kms" | "aws:kms:dsse" => {}
                other => {
                    return Err(AwsError::bad_request("InvalidArgument", format!("Invalid SSE algorithm {other}")));
                }
            }
        }
        b.encryption = Some(config);
        ctx.put(&input.bucket, &b)?;
        Ok(Empty {})
    }
}

impl Handler for s3::DeleteBucketEncryption {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3::DeleteBucketEncryptionRequest) -> Result<Empty, AwsError> {
        let mut b = bucket(ctx, &input.bucket)?;
        // Since 2023 deleting the configuration resets it to SSE-S3; before, it removed it.
        b.encryption = match ctx.era() {
            Era::Current => Some(sse_s3_default()),
            Era::Y2022 => None,
        };
        ctx.put(&input.bucket, &b)?;
        Ok(Empty {})
    }
}
