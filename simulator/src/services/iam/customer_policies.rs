//! Customer managed policies and their versions: CreatePolicy, CreatePolicyVersion,
//! SetDefaultPolicyVersion, DeletePolicyVersion, ListPolicyVersions, DeletePolicy. GetPolicy,
//! GetPolicyVersion, ListPolicies and ListEntitiesForPolicy answer for both kinds of managed
//! policy in `policies.rs`, through [`lookup`].
//!
//! AWS: "Versioning IAM policies"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html):
//! a customer managed policy keeps at most five versions, one of them the default; version
//! ids count up (`v1`, `v2`, …) and are never reused; the default version cannot be deleted
//! (delete the policy instead), and a policy is deleted only once it is attached to nothing
//! and has no version but its default
//! (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html).

use hubsim_model::{iam, Empty, Timestamp};
use serde::{Deserialize, Serialize};

use super::limits::policy_chars;
use super::policies::{attachment_count, check_identity_policy};
use super::{check_name, check_path, no_such_entity, page, validation_error, ManagedPolicy};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

/// Managed policy document size: 6,144 characters, white space not counted (`PolicySize`,
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
pub(super) const MANAGED_POLICY_CHARS: usize = 6_144;

/// Versions a customer managed policy may keep: 5 (`VersionsPerPolicy`).
pub(super) const VERSIONS_PER_POLICY: usize = 5;

/// A policy description's longest length (the model's `policyDescriptionType`).
const DESCRIPTION_CHARS: usize = 1_000;

pub(super) fn register(r: &mut Registrar) {
    r.add::<iam::CreatePolicy>()
        .add::<iam::CreatePolicyVersion>()
        .add::<iam::SetDefaultPolicyVersion>()
        .add::<iam::DeletePolicyVersion>()
        .add::<iam::ListPolicyVersions>()
        .add::<iam::DeletePolicy>();
}

/// One version of a customer managed policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredVersion {
    /// `v1`, `v2`, …
    pub id: String,
    /// The document as the caller sent it.
    pub document: String,
    /// When it was created.
    pub created: Timestamp,
}

/// A customer managed policy. Stored under its lower-cased name: policy names are unique in
/// an account regardless of path and case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredPolicy {
    /// Name, id, ARN, path, description, dates, tags (attachment counts are computed).
    pub policy: iam::Policy,
    /// Its versions, oldest first.
    pub versions: Vec<StoredVersion>,
    /// The default version's id.
    pub default_version: String,
    /// The number the next version gets.
    pub next_version: u32,
}

impl Resource for StoredPolicy {
    const KIND: &'static str = "iam:policy";
    const GLOBAL: bool = true;
}

impl StoredPolicy {
    /// The policy's ARN.
    pub fn arn(&self) -> &str {
        self.policy.arn.as_deref().unwrap_or_default()
    }

    /// The policy's name.
    pub fn name(&self) -> &str {
        self.policy.policy_name.as_deref().unwrap_or_default()
    }
}

/// A managed policy, AWS's or the account's own.
#[derive(Debug, Clone)]
pub(super) enum PolicyRef {
    /// An AWS managed policy from the catalogue.
    Aws(&'static ManagedPolicy),
    /// A customer managed policy of this account.
    Customer(Box<StoredPolicy>),
}

impl PolicyRef {
    /// Whether only a service-linked role may carry it.
    pub(super) fn is_service_linked(&self) -> bool {
        matches!(self, PolicyRef::Aws(p) if p.is_service_linked())
    }

    /// The policy's path.
    pub(super) fn path(&self) -> &str {
        match self {
            PolicyRef::Aws(p) => p.path,
            PolicyRef::Customer(p) => p.policy.path.as_deref().unwrap_or("/"),
        }
    }
}

fn key(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// 404 for a policy ARN that names nothing attachable.
pub(super) fn no_such_policy(arn: &str) -> AwsError {
    no_such_entity(format!("Policy {arn} does not exist or is not attachable."))
}

/// The customer managed policy whose ARN is exactly `arn`, if any.
pub(super) fn customer_policy(ctx: &Ctx<'_>, arn: &str) -> Result<Option<StoredPolicy>, AwsError> {
    let Some(rest) = arn.strip_prefix(&format!("arn:aws:iam::{}:policy/", ctx.account())) else {
        return Ok(None);
    };
    let name = rest.rsplit('/').next().unwrap_or(rest);
    Ok(ctx.get::<StoredPolicy>(&key(name))?.filter(|p| p.arn() == arn))
}

/// The managed policy `arn` (AWS's or the account's), or `NoSuchEntity`.
pub(super) fn lookup(ctx: &Ctx<'_>, arn: &str) -> Result<PolicyRef, AwsError> {
    if let Some(p) = super::managed_policy(arn) {
        return Ok(PolicyRef::Aws(p));
    }
    customer_policy(ctx, arn)?.map(|p| PolicyRef::Customer(Box::new(p))).ok_or_else(|| no_such_policy(arn))
}

/// Every customer managed policy, sorted by name.
pub(super) fn all(ctx: &Ctx<'_>) -> Result<Vec<StoredPolicy>, AwsError> {
    let mut policies: Vec<StoredPolicy> = ctx.list::<StoredPolicy>()?.into_iter().map(|(_, p)| p).collect();
    policies.sort_by_key(|p| key(p.name()));
    Ok(policies)
}

fn load(ctx: &Ctx<'_>, arn: &str) -> Result<StoredPolicy, AwsError> {
    customer_policy(ctx, arn)?.ok_or_else(|| {
        if super::managed_policy(arn).is_some() {
            // AWS managed policies cannot be changed by the account.
            AwsError::bad_request("InvalidInput", format!("ARN {arn} is not a customer managed policy."))
        } else {
            no_such_policy(arn)
        }
    })
}

pub(super) fn save(ctx: &mut Ctx<'_>, p: &StoredPolicy) -> Result<(), AwsError> {
    ctx.put(&key(p.name()), p)
}

/// Checks a managed policy document: its size first (a document over the quota is refused
/// before it is parsed), then the identity-policy grammar.
fn check_document(text: &str) -> Result<(), AwsError> {
    if policy_chars(text) > MANAGED_POLICY_CHARS {
        return Err(AwsError::conflict(
            "LimitExceeded",
            format!("Cannot exceed quota for PolicySize: {MANAGED_POLICY_CHARS}"),
        ));
    }
    check_identity_policy(text).map(|_| ())
}

fn check_version_id(id: &str) -> Result<(), AwsError> {
    // The model's pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?
    let digits = id.strip_prefix('v').map(|d| d.split('.').next().unwrap_or(d));
    let ok = digits.is_some_and(|d| !d.is_empty() && !d.starts_with('0') && d.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(validation_error(format!(
            "1 validation error detected: Value '{id}' at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?"
        )))
    }
}

fn no_such_version(arn: &str, id: &str) -> AwsError {
    no_such_entity(format!("Policy {arn} version {id} does not exist or is not attachable."))
}

fn describe_version(p: &StoredPolicy, v: &StoredVersion, with_document: bool) -> iam::PolicyVersion {
    iam::PolicyVersion {
        document: with_document.then(|| v.document.clone()),
        version_id: Some(v.id.clone()),
        is_default_version: Some(v.id == p.default_version),
        create_date: Some(v.created),
    }
}

/// The `iam::Policy` of a customer managed policy with its attachment count.
pub(super) fn describe(p: &StoredPolicy, attachments: usize, with_description: bool) -> iam::Policy {
    iam::Policy {
        default_version_id: Some(p.default_version.clone()),
        attachment_count: Some(i32::try_from(attachments).unwrap_or(i32::MAX)),
        description: if with_description { p.policy.description.clone() } else { None },
        tags: if with_description { p.policy.tags.clone() } else { None },
        ..p.policy.clone()
    }
}

/// The version `id` of a customer managed policy, for GetPolicyVersion.
pub(super) fn version_of(p: &StoredPolicy, id: &str) -> Result<iam::PolicyVersion, AwsError> {
    check_version_id(id)?;
    let v = p.versions.iter().find(|v| v.id == id).ok_or_else(|| no_such_version(p.arn(), id))?;
    Ok(describe_version(p, v, true))
}

impl Handler for iam::CreatePolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::CreatePolicyRequest) -> Result<iam::CreatePolicyResponse, AwsError> {
        check_name("policyName", &input.policy_name, 128)?;
        let path = input.path.unwrap_or_else(|| "/".to_string());
        check_path(&path)?;
        if input.description.as_ref().is_some_and(|d| d.chars().count() > DESCRIPTION_CHARS) {
            return Err(validation_error(format!(
                "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to {DESCRIPTION_CHARS}"
            )));
        }
        check_document(&input.policy_document)?;
        if ctx.get::<StoredPolicy>(&key(&input.policy_name))?.is_some() {
            return Err(AwsError::conflict(
                "EntityAlreadyExists",
                format!("A policy called {} already exists. Duplicate names are not allowed.", input.policy_name),
            ));
        }
        let now = ctx.now();
        let account = ctx.account().to_string();
        let stored = StoredPolicy {
            policy: iam::Policy {
                policy_name: Some(input.policy_name.clone()),
                policy_id: Some(format!("ANPA{}", ctx.ids().upper(17))),
                arn: Some(format!("arn:aws:iam::{account}:policy{path}{}", input.policy_name)),
                path: Some(path),
                default_version_id: Some("v1".into()),
                attachment_count: Some(0),
                permissions_boundary_usage_count: Some(0),
                is_attachable: Some(true),
                description: input.description,
                create_date: Some(now),
                update_date: Some(now),
                tags: input.tags.filter(|t| !t.is_empty()),
            },
            versions: vec![StoredVersion { id: "v1".into(), document: input.policy_document, created: now }],
            default_version: "v1".into(),
            next_version: 2,
        };
        save(ctx, &stored)?;
        Ok(iam::CreatePolicyResponse { policy: Some(describe(&stored, 0, true)) })
    }
}

impl Handler for iam::CreatePolicyVersion {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::CreatePolicyVersionRequest,
    ) -> Result<iam::CreatePolicyVersionResponse, AwsError> {
        let mut p = load(ctx, &input.policy_arn)?;
        check_document(&input.policy_document)?;
        if p.versions.len() >= VERSIONS_PER_POLICY {
            return Err(AwsError::conflict(
                "LimitExceeded",
                format!(
                    "A managed policy can have up to {VERSIONS_PER_POLICY} versions. Before you create a new version, you must delete an existing version."
                ),
            ));
        }
        let now = ctx.now();
        let id = format!("v{}", p.next_version);
        p.next_version = p.next_version.saturating_add(1);
        p.versions.push(StoredVersion { id: id.clone(), document: input.policy_document, created: now });
        if input.set_as_default.unwrap_or(false) {
            p.default_version = id.clone();
            p.policy.default_version_id = Some(id.clone());
            p.policy.update_date = Some(now);
        }
        save(ctx, &p)?;
        let v = p.versions.iter().find(|v| v.id == id).map(|v| describe_version(&p, v, false));
        Ok(iam::CreatePolicyVersionResponse { policy_version: v })
    }
}

impl Handler for iam::SetDefaultPolicyVersion {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::SetDefaultPolicyVersionRequest) -> Result<Empty, AwsError> {
        check_version_id(&input.version_id)?;
        let mut p = load(ctx, &input.policy_arn)?;
        if !p.versions.iter().any(|v| v.id == input.version_id) {
            return Err(no_such_version(&input.policy_arn, &input.version_id));
        }
        p.default_version = input.version_id.clone();
        p.policy.default_version_id = Some(input.version_id);
        p.policy.update_date = Some(ctx.now());
        save(ctx, &p)?;
        Ok(Empty {})
    }
}

impl Handler for iam::DeletePolicyVersion {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::DeletePolicyVersionRequest) -> Result<Empty, AwsError> {
        check_version_id(&input.version_id)?;
        let mut p = load(ctx, &input.policy_arn)?;
        if !p.versions.iter().any(|v| v.id == input.version_id) {
            return Err(no_such_version(&input.policy_arn, &input.version_id));
        }
        if p.default_version == input.version_id {
            return Err(AwsError::conflict("DeleteConflict", "Cannot delete the default version of a policy."));
        }
        p.versions.retain(|v| v.id != input.version_id);
        save(ctx, &p)?;
        Ok(Empty {})
    }
}

impl Handler for iam::ListPolicyVersions {
    const MUTATES: bool = false;

    /// Newest first, as IAM lists them.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::ListPolicyVersionsRequest,
    ) -> Result<iam::ListPolicyVersionsResponse, AwsError> {
        let versions: Vec<iam::PolicyVersion> = match lookup(ctx, &input.policy_arn)? {
            PolicyRef::Aws(p) => vec![iam::PolicyVersion {
                document: None,
                version_id: Some(p.version().into()),
                is_default_version: Some(true),
                create_date: Some(p.created_at()),
            }],
            PolicyRef::Customer(p) => p.versions.iter().rev().map(|v| describe_version(&p, v, false)).collect(),
        };
        let pg = page(versions, input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListPolicyVersionsResponse {
            versions: Some(pg.items),
            is_truncated: Some(pg.is_truncated),
            marker: pg.marker,
        })
    }
}

impl Handler for iam::DeletePolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::DeletePolicyRequest) -> Result<Empty, AwsError> {
        let p = load(ctx, &input.policy_arn)?;
        if attachment_count(ctx, p.arn())? > 0 {
            return Err(AwsError::conflict("DeleteConflict", "Cannot delete a policy attached to entities."));
        }
        if p.versions.len() > 1 {
            return Err(AwsError::conflict(
                "DeleteConflict",
                "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
            ));
        }
        ctx.delete::<StoredPolicy>(&key(p.name()))?;
        Ok(Empty {})
    }
}
