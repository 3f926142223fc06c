//! Bucket access control lists: Get/PutBucketAcl.
//!
//! An ACL is set by exactly one of a canned ACL (`x-amz-acl`), explicit grant headers
//! (`x-amz-grant-*`) or an `AccessControlPolicy` body. Buckets with ACLs disabled
//! (`BucketOwnerEnforced`) accept only ACLs that keep the bucket owner alone in control.

use hubsim_model::{s3, Empty};

use super::{bucket, canned_acl_grants, canonical_user_id, invalid_argument, LOG_DELIVERY_GROUP, PUBLIC_GROUPS};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<s3::GetBucketAcl>().add::<s3::PutBucketAcl>();
}

/// Checks that a grantee names someone in the way its type requires.
pub(crate) fn check_grantee(grantee: Option<&s3::Grantee>) -> Result<(), AwsError> {
    let Some(g) = grantee else {
        return Err(super::malformed_xml());
    };
    match g.type_.as_str() {
        "CanonicalUser" => {
            let ok = g.id.as_deref().is_some_and(|id| id.len() == 64 && id.bytes().all(|c| c.is_ascii_hexdigit()));
            if !ok {
                return Err(invalid_argument("Invalid id"));
            }
        }
        "Group" => {
            let known = g.uri.as_deref().is_some_and(|u| u == LOG_DELIVERY_GROUP || PUBLIC_GROUPS.contains(&u));
            if !known {
                return Err(invalid_argument("Invalid group uri"));
            }
        }
        "AmazonCustomerByEmail" => {
            if !g.email_address.as_deref().is_some_and(|e| e.contains('@')) {
                return Err(invalid_argument("Invalid email address"));
            }
        }
        _ => return Err(super::malformed_xml()),
    }
    Ok(())
}

/// Whether a grant gives access to everyone or to every AWS user.
pub(crate) fn grant_is_public(g: &s3::Grant) -> bool {
    g.grantee.as_ref().and_then(|e| e.uri.as_deref()).is_some_and(|u| PUBLIC_GROUPS.contains(&u))
}

/// Parses one `x-amz-grant-*` header value: `id="..", uri="..", emailAddress=".."`.
fn header_grants(value: &str, permission: &str) -> Result<Vec<s3::Grant>, AwsError> {
    let mut out = Vec::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (kind, raw) = part.split_once('=').ok_or_else(|| invalid_argument("Invalid grant header"))?;
        let v = raw.trim().trim_matches('"').to_string();
        let grantee = match kind.trim().to_ascii_lowercase().as_str() {
            "id" => s3::Grantee { type_: "CanonicalUser".into(), id: Some(v), ..Default::default() },
            "uri" => s3::Grantee { type_: "Group".into(), uri: Some(v), ..Default::default() },
            "emailaddress" => {
                s3::Grantee { type_: "AmazonCustomerByEmail".into(), email_address: Some(v), ..Default::default() }
            }
            _ => return Err(invalid_argument("Invalid grant header")),
        };
        check_grantee(Some(&grantee))?;
        out.push(s3::Grant { grantee: Some(grantee), permission: Some(permission.into()) });
    }
    Ok(out)
}

/// The owner's FULL_CONTROL grant.
fn owner_grant(owner: &str) -> s3::Grant {
    s3::Grant {
        grantee: Some(s3::Grantee { id: Some(owner.to_string()), type_: "CanonicalUser".into(), ..Default::default() }),
        permission: Some("FULL_CONTROL".into()),
    }
}

/// Whether `grants` leave the bucket owner alone in control (what ACL-disabled buckets accept).
pub(crate) fn only_owner(grants: &[s3::Grant], owner: &str) -> bool {
    grants.iter().all(|g| {
        g.grantee.as_ref().is_some_and(|e| e.type_ == "CanonicalUser" && e.id.as_deref() == Some(owner))
            && g.permission.as_deref() == Some("FULL_CONTROL")
    })
}

impl Handler for s3::GetBucketAcl {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: s3::GetBucketAclRequest) -> Result<s3::GetBucketAclOutput, AwsError> {
        let b = bucket(ctx, &input.bucket)?;
        Ok(s3::GetBucketAclOutput {
            owner: Some(s3::Owner { id: Some(canonical_user_id(ctx.account())), display_name: None }),
            grants: Some(b.grants),
        })
    }
}

impl Handler for s3::PutBucketAcl {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: s3::PutBucketAclRequest) -> Result<Empty, AwsError> {
        let mut b = bucket(ctx, &input.bucket)?;
        let owner = canonical_user_id(ctx.account());
        let header_values = [
            (&input.grant_full_control, "FULL_CONTROL"),
            (&input.grant_read, "READ"),
            (&input.grant_read_acp, "READ_ACP"),
            (&input.grant_write, "WRITE"),
            (&input.grant_write_acp, "WRITE_ACP"),
        ];
        let has_headers = header_values.iter().any(|(v, _)| v.is_some());
        let grants = match (&input.acl, has_headers, &input.access_control_policy) {
            (Some(_), true, _) => {
                return Err(AwsError::bad_request(
                    "InvalidRequest",
                    "Specifying both Canned ACLs and Header Grants is not allowed",
                ))
            }
            (Some(_), _, Some(_)) | (_, true, Some(_)) => {
                return Err(AwsError::bad_request("UnexpectedContent", "This request does not support content"))
            }
            (Some(acl), false, None) => {
                let mut g = vec![owner_grant(&owner)];
                g.extend(canned_acl_grants(acl));
                g
            }
            (None, true, None) => {
                let mut g = Vec::new();
                for (value, permission) in header_values {
                    if let Some(v) = value {
                        g.extend(header_grants(v, permission)?);
                    }
                }
                g
            }
            (None, false, Some(policy)) => {
                if let Some(o) = &policy.owner {
                    if o.id.as_deref().is_some_and(|id| id != owner) {
                        return Err(AwsError::new("AccessDenied", 403, "Access Denied"));
                    }
                }
                let grants = policy.grants.clone().unwrap_or_default();
                for g in &grants {
                    check_grantee(g.grantee.as_ref())?;
                    if g.permission.is_none() {
                        return Err(super::malformed_xml());
                    }
                }
                grants
            }
            (None, false, None) => {
                return Err(AwsError::bad_request(
                    "MissingSecurityHeader",
                    "Your request was missing a required header",
                ))
            }
        };
        if b.acls_disabled() && !only_owner(&grants, &owner) {
            return Err(AwsError::bad_request("AccessControlListNotSupported", "The bucket does not allow ACLs"));
        }
        let bucket_blocks = b.public_access_block.as_ref().and_then(|p| p.block_public_acls).unwrap_or(false);
        let account_blocks =
            crate::services::s3control::account_block(ctx)?.and_then(|c| c.block_public_acls).unwrap_or(false);
        if (bucket_blocks || account_blocks) && grants.iter().any(grant_is_public) {
            return Err(AwsError::new("AccessDenied", 403, "Access Denied"));
        }
        b.grants = grants;
        ctx.put(&input.bucket, &b)?;
        Ok(Empty {})
    }
}
