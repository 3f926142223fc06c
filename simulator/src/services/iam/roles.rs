//! Roles: CreateRole, GetRole, DeleteRole, ListRoles.

use std::collections::BTreeMap;

use hubsim_model::{iam, Empty};
use serde::{Deserialize, Serialize};

use super::limits::{policy_chars, TRUST_POLICY_CHARS};
use super::{check_name, check_path, invalid_input, malformed_policy, no_such_entity, page};
use crate::error::AwsError;
use crate::policy::{Policy, Principal};
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<iam::CreateRole>().add::<iam::GetRole>().add::<iam::DeleteRole>().add::<iam::ListRoles>();
}

/// A role and what is attached to it. Stored under the lower-cased name: IAM names are
/// unique regardless of case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredRole {
    /// The role as GetRole answers it (trust policy as plain JSON text).
    pub role: iam::Role,
    /// ARNs of the attached managed policies, in attachment order.
    #[serde(default)]
    pub attached: Vec<String>,
    /// Inline policies: name → document text.
    #[serde(default)]
    pub inline: BTreeMap<String, String>,
    /// Whether a service created it (its policies and the role itself are then protected).
    #[serde(default)]
    pub service_linked: bool,
}

impl Resource for StoredRole {
    const KIND: &'static str = "iam:role";
    const GLOBAL: bool = true;
}

fn key(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// The role named `name` (case-insensitive), if any.
pub fn role_by_name(ctx: &Ctx<'_>, name: &str) -> Result<Option<iam::Role>, AwsError> {
    Ok(ctx.get::<StoredRole>(&key(name))?.map(|r| r.role))
}

/// The stored role `name`, or `NoSuchEntity`.
pub(super) fn load(ctx: &Ctx<'_>, name: &str) -> Result<StoredRole, AwsError> {
    ctx.get::<StoredRole>(&key(name))?
        .ok_or_else(|| no_such_entity(format!("The role with name {name} cannot be found.")))
}

/// Writes `role`.
pub(super) fn save(ctx: &mut Ctx<'_>, role: &StoredRole) -> Result<(), AwsError> {
    ctx.put(&key(&role.role.role_name), role)
}

/// Every role, sorted by name as IAM lists them.
pub(super) fn all(ctx: &Ctx<'_>) -> Result<Vec<StoredRole>, AwsError> {
    let mut roles: Vec<StoredRole> = ctx.list::<StoredRole>()?.into_iter().map(|(_, r)| r).collect();
    roles.sort_by_key(|r| key(&r.role.role_name));
    Ok(roles)
}

/// A new role (not yet stored) with a fresh `AROA…` id.
pub(super) fn new_role(ctx: &mut Ctx<'_>, path: &str, name: &str, trust: String) -> StoredRole {
    let id = format!("AROA{}", ctx.ids().upper(17));
    let account = ctx.account().to_string();
    StoredRole {
        role: iam::Role {
            path: path.to_string(),
            role_name: name.to_string(),
            role_id: id,
            arn: format!("arn:aws:iam::{account}:role{path}{name}"),
            create_date: ctx.now(),
            assume_role_policy_document: Some(trust),
            max_session_duration: Some(3600),
            ..Default::default()
        },
        attached: Vec::new(),
        inline: BTreeMap::new(),
        service_linked: false,
    }
}

/// Checks a trust (assume-role) policy as IAM does: its size (white space not counted), the
/// policy grammar, a principal in every
/// statement, STS actions only, no resources.
pub(super) fn check_trust_policy(text: &str) -> Result<(), AwsError> {
    if policy_chars(text) > TRUST_POLICY_CHARS {
        return Err(AwsError::conflict(
            "LimitExceeded",
            format!("Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_CHARS}"),
        ));
    }
    let policy = Policy::parse(text, false).map_err(|e| malformed_policy(e.0))?;
    for st in &policy.statements {
        if st.principal.is_none() {
            return Err(malformed_policy("AssumeRolepolicy contained an invalid principal element."));
        }
        if let Some(Principal::Named(named)) = &st.principal {
            if named.iter().any(|(_, v)| v.is_empty()) {
                return Err(malformed_policy("Invalid principal in policy"));
            }
        }
        if !st.resources.is_empty() {
            return Err(malformed_policy("Has prohibited field Resource"));
        }
        if st.actions.iter().any(|a| !(a == "*" || a.to_ascii_lowercase().starts_with("sts:"))) {
            return Err(malformed_policy("AssumeRole policy may only specify STS AssumeRole actions."));
        }
    }
    Ok(())
}

/// Refuses changes to a service-linked role.
pub(super) fn check_modifiable(role: &StoredRole) -> Result<(), AwsError> {
    if role.service_linked {
        return Err(AwsError::bad_request(
            "UnmodifiableEntity",
            format!(
                "Cannot perform the operation on the protected role '{}' - this role is only modifiable by AWS",
                role.role.role_name
            ),
        ));
    }
    Ok(())
}

impl Handler for iam::CreateRole {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::CreateRoleRequest) -> Result<iam::CreateRoleResponse, AwsError> {
        check_name("roleName", &input.role_name, 64)?;
        let path = input.path.clone().unwrap_or_else(|| "/".to_string());
        check_path(&path)?;
        if path.starts_with("/aws-service-role/") || path.starts_with("/aws-reserved/") {
            return Err(invalid_input(format!("The path {path} is reserved for AWS.")));
        }
        check_trust_policy(&input.assume_role_policy_document)?;
        if let Some(max) = input.max_session_duration {
            if !(3600..=43200).contains(&max) {
                return Err(super::validation_error(format!(
                    "1 validation error detected: Value '{max}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200"
                )));
            }
        }
        if let Some(boundary) = &input.permissions_boundary {
            if super::managed_policy(boundary).is_none() {
                return Err(invalid_input(format!("Scope ARN: {boundary} does not exist or is not attachable.")));
            }
        }
        if ctx.get::<StoredRole>(&key(&input.role_name))?.is_some() {
            return Err(AwsError::conflict(
                "EntityAlreadyExists",
                format!("Role with name {} already exists.", input.role_name),
            ));
        }
        let mut role = new_role(ctx, &path, &input.role_name, input.assume_role_policy_document);
        role.role.description = input.description;
        role.role.max_session_duration = Some(input.max_session_duration.unwrap_or(3600));
        role.role.permissions_boundary = input.permissions_boundary.map(|arn| iam::AttachedPermissionsBoundary {
            permissions_boundary_type: Some("Policy".into()),
            permissions_boundary_arn: Some(arn),
        });
        role.role.tags = input.tags.filter(|t| !t.is_empty());
        save(ctx, &role)?;
        Ok(iam::CreateRoleResponse { role: role.role })
    }
}

impl Handler for iam::GetRole {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: iam::GetRoleRequest) -> Result<iam::GetRoleResponse, AwsError> {
        let mut role = load(ctx, &input.role_name)?.role;
        // GetRole always carries RoleLastUsed (empty until the role is used).
        role.role_last_used.get_or_insert_with(Default::default);
        Ok(iam::GetRoleResponse { role })
    }
}

impl Handler for iam::DeleteRole {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::DeleteRoleRequest) -> Result<Empty, AwsError> {
        let role = load(ctx, &input.role_name)?;
        check_modifiable(&role)?;
        if !role.attached.is_empty() {
            return Err(AwsError::conflict("DeleteConflict", "Cannot delete entity, must detach all policies first."));
        }
        if !role.inline.is_empty() {
            return Err(AwsError::conflict("DeleteConflict", "Cannot delete entity, must delete policies first."));
        }
        ctx.delete::<StoredRole>(&key(&input.role_name))?;
        Ok(Empty {})
    }
}

impl Handler for iam::ListRoles {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: iam::ListRolesRequest) -> Result<iam::ListRolesResponse, AwsError> {
        let prefix = input.path_prefix.as_deref().unwrap_or("/");
        let roles: Vec<iam::Role> = all(ctx)?
            .into_iter()
            .filter(|r| r.role.path.starts_with(prefix))
            .map(|r| iam::Role {
                // ListRoles leaves out the permissions boundary, tags and last use.
                permissions_boundary: None,
                tags: None,
                role_last_used: None,
                ..r.role
            })
            .collect();
        let p = page(roles, input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListRolesResponse { roles: p.items, is_truncated: Some(p.is_truncated), marker: p.marker })
    }
}
