//! Managed policies (GetPolicy, GetPolicyVersion, ListPolicies, ListEntitiesForPolicy) of
//! both kinds, AWS managed ([`super::MANAGED_POLICIES`]) and customer managed
//! (`customer_policies.rs`), their attachment to roles (Attach/DetachRolePolicy,
//! ListAttachedRolePolicies) and roles' inline policies (Put/Get/List/DeleteRolePolicy).
//!
//! Policy documents are kept as plain JSON text; the wire layer URL-encodes them as IAM does.

use std::sync::Arc;

use hubsim_model::{iam, Empty};

use super::customer_policies::{self, lookup, PolicyRef};
use super::groups::StoredGroup;
use super::limits::{policy_chars, ATTACHED_PER_ROLE, ROLE_POLICY_CHARS};
use super::roles::{self, check_modifiable, StoredRole};
use super::users::StoredUser;
use super::{check_name, malformed_policy, no_such_entity, page, ManagedPolicy, MANAGED_POLICIES};
use crate::error::AwsError;
use crate::policy::Policy;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<iam::GetPolicy>()
        .add::<iam::GetPolicyVersion>()
        .add::<iam::ListPolicies>()
        .add::<iam::ListEntitiesForPolicy>()
        .add::<iam::AttachRolePolicy>()
        .add::<iam::DetachRolePolicy>()
        .add::<iam::ListAttachedRolePolicies>()
        .add::<iam::PutRolePolicy>()
        .add::<iam::GetRolePolicy>()
        .add::<iam::ListRolePolicies>()
        .add::<iam::DeleteRolePolicy>();
}

/// Checks an identity (permissions) policy as IAM does: the grammar, no principal, and
/// resources in every statement.
pub(super) fn check_identity_policy(text: &str) -> Result<Arc<Policy>, AwsError> {
    let policy = Policy::parse(text, false).map_err(|e| malformed_policy(e.0))?;
    for st in &policy.statements {
        if st.principal.is_some() {
            return Err(malformed_policy("Policy document should not specify a principal."));
        }
        if st.resources.is_empty() {
            return Err(malformed_policy("Policy statement must contain resources."));
        }
    }
    Ok(policy)
}

/// The roles, users and groups that have `arn` attached.
struct Attachments {
    roles: Vec<StoredRole>,
    users: Vec<StoredUser>,
    groups: Vec<StoredGroup>,
}

impl Attachments {
    fn count(&self) -> usize {
        self.roles.len() + self.users.len() + self.groups.len()
    }
}

fn attachments(ctx: &Ctx<'_>, arn: &str) -> Result<Attachments, AwsError> {
    let has = |list: &[String]| list.iter().any(|a| a == arn);
    Ok(Attachments {
        roles: roles::all(ctx)?.into_iter().filter(|r| has(&r.attached)).collect(),
        users: super::users::all(ctx)?.into_iter().filter(|u| has(&u.attached)).collect(),
        groups: super::groups::all(ctx)?.into_iter().filter(|g| has(&g.attached)).collect(),
    })
}

/// How many users, groups and roles have `arn` attached (the policy's `AttachmentCount`).
pub(super) fn attachment_count(ctx: &Ctx<'_>, arn: &str) -> Result<usize, AwsError> {
    Ok(attachments(ctx, arn)?.count())
}

/// How many entities use each managed policy: ARN → (attachments to users, groups and roles,
/// users and roles it bounds). One pass over the identities serves a whole ListPolicies.
#[derive(Default)]
struct Usage(std::collections::HashMap<String, (usize, usize)>);

impl Usage {
    fn read(ctx: &Ctx<'_>) -> Result<Usage, AwsError> {
        let mut u = Usage::default();
        let mut attach = |arn: &String| u.0.entry(arn.clone()).or_default().0 += 1;
        let roles = roles::all(ctx)?;
        let users = super::users::all(ctx)?;
        roles.iter().flat_map(|r| &r.attached).for_each(&mut attach);
        users.iter().flat_map(|u| &u.attached).for_each(&mut attach);
        super::groups::all(ctx)?.iter().flat_map(|g| &g.attached).for_each(&mut attach);
        let boundaries = roles
            .iter()
            .filter_map(|r| r.role.permissions_boundary.as_ref())
            .chain(users.iter().filter_map(|u| u.user.permissions_boundary.as_ref()))
            .filter_map(|b| b.permissions_boundary_arn.clone());
        for arn in boundaries {
            u.0.entry(arn).or_default().1 += 1;
        }
        Ok(u)
    }

    /// (attachments, boundary uses) of `arn`.
    fn of(&self, arn: &str) -> (usize, usize) {
        self.0.get(arn).copied().unwrap_or_default()
    }
}

/// A managed policy's answer with its usage counts.
fn describe_used(usage: &Usage, p: &PolicyRef, with_description: bool) -> (iam::Policy, usize) {
    let arn = match p {
        PolicyRef::Aws(a) => a.arn(),
        PolicyRef::Customer(c) => c.arn().to_string(),
    };
    let (count, boundaries) = usage.of(&arn);
    let mut out = match p {
        PolicyRef::Aws(p) => describe(p, count, with_description),
        PolicyRef::Customer(p) => customer_policies::describe(p, count, with_description),
    };
    out.permissions_boundary_usage_count = Some(i32::try_from(boundaries).unwrap_or(i32::MAX));
    (out, count)
}

fn describe(p: &ManagedPolicy, attachment_count: usize, with_description: bool) -> iam::Policy {
    iam::Policy {
        policy_name: Some(p.name.into()),
        policy_id: Some(p.id()),
        arn: Some(p.arn()),
        path: Some(p.path.into()),
        default_version_id: Some(p.version().into()),
        attachment_count: Some(i32::try_from(attachment_count).unwrap_or(i32::MAX)),
        permissions_boundary_usage_count: Some(0),
        is_attachable: Some(true),
        description: with_description.then(|| p.description.into()),
        create_date: Some(p.created_at()),
        update_date: Some(p.created_at()),
        tags: None,
    }
}

/// The `AttachedPolicy` entry for `arn`.
pub(super) fn attached_entry(arn: &str) -> iam::AttachedPolicy {
    let name = arn.rsplit('/').next().unwrap_or(arn);
    iam::AttachedPolicy { policy_name: Some(name.into()), policy_arn: Some(arn.into()) }
}

/// The `AttachedPolicy` entries of `attached` whose policy's path starts with `prefix`.
pub(super) fn attached_entries(
    ctx: &Ctx<'_>,
    attached: &[String],
    prefix: &str,
) -> Result<Vec<iam::AttachedPolicy>, AwsError> {
    let mut out = Vec::with_capacity(attached.len());
    for arn in attached {
        let path_ok = match lookup(ctx, arn) {
            Ok(p) => p.path().starts_with(prefix),
            // An attachment names an existing policy (DeletePolicy refuses while attached).
            Err(_) => prefix == "/",
        };
        if path_ok {
            out.push(attached_entry(arn));
        }
    }
    Ok(out)
}

impl Handler for iam::GetPolicy {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: iam::GetPolicyRequest) -> Result<iam::GetPolicyResponse, AwsError> {
        let p = lookup(ctx, &input.policy_arn)?;
        let usage = Usage::read(ctx)?;
        Ok(iam::GetPolicyResponse { policy: Some(describe_used(&usage, &p, true).0) })
    }
}

impl Handler for iam::GetPolicyVersion {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::GetPolicyVersionRequest,
    ) -> Result<iam::GetPolicyVersionResponse, AwsError> {
        let version = match lookup(ctx, &input.policy_arn)? {
            PolicyRef::Customer(p) => customer_policies::version_of(&p, &input.version_id)?,
            PolicyRef::Aws(p) => {
                if input.version_id != p.version() {
                    return Err(no_such_entity(format!(
                        "Policy {} version {} does not exist or is not attachable.",
                        input.policy_arn, input.version_id
                    )));
                }
                iam::PolicyVersion {
                    document: Some(p.document.into()),
                    version_id: Some(p.version().into()),
                    is_default_version: Some(true),
                    create_date: Some(p.created_at()),
                }
            }
        };
        Ok(iam::GetPolicyVersionResponse { policy_version: Some(version) })
    }
}

impl Handler for iam::ListPolicies {
    const MUTATES: bool = false;

    /// `Scope` `AWS` lists the AWS managed policies, `Local` the account's own, `All` (the
    /// default) both, each sorted by name, AWS's first.
    fn handle(ctx: &mut Ctx<'_>, input: iam::ListPoliciesRequest) -> Result<iam::ListPoliciesResponse, AwsError> {
        let scope = input.scope.as_deref().unwrap_or("All");
        let prefix = input.path_prefix.as_deref().unwrap_or("/");
        let only_attached = input.only_attached.unwrap_or(false);
        // `PolicyUsageFilter`: `PermissionsPolicy` keeps policies attached as permissions,
        // `PermissionsBoundary` those set as a boundary; with `OnlyAttached`, the filter says
        // which use counts
        // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicies.html).
        let usage = input.policy_usage_filter.as_deref();
        let mut candidates: Vec<PolicyRef> = Vec::new();
        if scope != "Local" {
            let mut catalogue: Vec<&'static ManagedPolicy> = MANAGED_POLICIES.iter().collect();
            catalogue.sort_by_key(|p| p.name.to_ascii_lowercase());
            candidates.extend(catalogue.into_iter().map(PolicyRef::Aws));
        }
        if scope != "AWS" {
            candidates.extend(customer_policies::all(ctx)?.into_iter().map(|p| PolicyRef::Customer(Box::new(p))));
        }
        let counts = Usage::read(ctx)?;
        let mut out = Vec::new();
        for p in candidates {
            if !p.path().starts_with(prefix) {
                continue;
            }
            let (policy, attached) = describe_used(&counts, &p, false);
            let boundaries = usize::try_from(policy.permissions_boundary_usage_count.unwrap_or(0)).unwrap_or(0);
            let used = match usage {
                Some("PermissionsPolicy") => attached > 0,
                Some("PermissionsBoundary") => boundaries > 0,
                _ => attached + boundaries > 0,
            };
            if (only_attached || usage.is_some()) && !used {
                continue;
            }
            out.push(policy);
        }
        let pg = page(out, input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListPoliciesResponse {
            policies: Some(pg.items),
            is_truncated: Some(pg.is_truncated),
            marker: pg.marker,
        })
    }
}

/// One entity a policy is attached to, for ListEntitiesForPolicy's paging across kinds.
enum Entity {
    User(String, String),
    Group(String, String),
    Role(String, String),
}

impl Handler for iam::ListEntitiesForPolicy {
    const MUTATES: bool = false;

    /// Users, then groups, then roles; one page spans the three kinds.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::ListEntitiesForPolicyRequest,
    ) -> Result<iam::ListEntitiesForPolicyResponse, AwsError> {
        lookup(ctx, &input.policy_arn)?;
        let arn = input.policy_arn.as_str();
        let prefix = input.path_prefix.as_deref().unwrap_or("/");
        let filter = input.entity_filter.as_deref();
        let want = |kind: &str| filter.is_none() || filter == Some(kind);
        // `PolicyUsageFilter`: `PermissionsPolicy` lists the entities it is attached to,
        // `PermissionsBoundary` those it bounds, none both
        // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListEntitiesForPolicy.html).
        let usage = input.policy_usage_filter.as_deref();
        let uses = |attached: &[String], boundary: Option<&iam::AttachedPermissionsBoundary>| {
            let attached = attached.iter().any(|a| a == arn);
            let bounded = boundary.and_then(|b| b.permissions_boundary_arn.as_deref()) == Some(arn);
            match usage {
                Some("PermissionsPolicy") => attached,
                Some("PermissionsBoundary") => bounded,
                _ => attached || bounded,
            }
        };
        let mut entities: Vec<Entity> = Vec::new();
        if want("User") {
            entities.extend(
                super::users::all(ctx)?
                    .into_iter()
                    .filter(|u| u.user.path.starts_with(prefix))
                    .filter(|u| uses(&u.attached, u.user.permissions_boundary.as_ref()))
                    .map(|u| Entity::User(u.user.user_name, u.user.user_id)),
            );
        }
        if want("Group") {
            entities.extend(
                super::groups::all(ctx)?
                    .into_iter()
                    .filter(|g| g.group.path.starts_with(prefix))
                    .filter(|g| uses(&g.attached, None))
                    .map(|g| Entity::Group(g.group.group_name, g.group.group_id)),
            );
        }
        if want("Role") {
            entities.extend(
                roles::all(ctx)?
                    .into_iter()
                    .filter(|r| r.role.path.starts_with(prefix))
                    .filter(|r| uses(&r.attached, r.role.permissions_boundary.as_ref()))
                    .map(|r| Entity::Role(r.role.role_name, r.role.role_id)),
            );
        }
        let pg = page(entities, input.marker.as_deref(), input.max_items)?;
        let mut policy_users = Vec::new();
        let mut policy_groups = Vec::new();
        let mut policy_roles = Vec::new();
        for e in pg.items {
            match e {
                Entity::User(name, id) => {
                    policy_users.push(iam::PolicyUser { user_name: Some(name), user_id: Some(id) })
                }
                Entity::Group(name, id) => {
                    policy_groups.push(iam::PolicyGroup { group_name: Some(name), group_id: Some(id) })
                }
                Entity::Role(name, id) => {
                    policy_roles.push(iam::PolicyRole { role_name: Some(name), role_id: Some(id) })
                }
            }
        }
        Ok(iam::ListEntitiesForPolicyResponse {
            policy_groups: Some(policy_groups),
            policy_users: Some(policy_users),
            policy_roles: Some(policy_roles),
            is_truncated: Some(pg.is_truncated),
            marker: pg.marker,
        })
    }
}

impl Handler for iam::AttachRolePolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::AttachRolePolicyRequest) -> Result<Empty, AwsError> {
        let mut role = roles::load(ctx, &input.role_name)?;
        let p = lookup(ctx, &input.policy_arn)?;
        check_modifiable(&role)?;
        if p.is_service_linked() {
            return Err(AwsError::bad_request(
                "PolicyNotAttachable",
                "Cannot attach a Service Role Policy to a Customer Role.",
            ));
        }
        if role.attached.iter().any(|a| a == &input.policy_arn) {
            return Ok(Empty {});
        }
        if role.attached.len() >= ATTACHED_PER_ROLE {
            return Err(AwsError::conflict(
                "LimitExceeded",
                format!("Cannot exceed quota for PoliciesPerRole: {ATTACHED_PER_ROLE}"),
            ));
        }
        role.attached.push(input.policy_arn);
        roles::save(ctx, &role)?;
        Ok(Empty {})
    }
}

impl Handler for iam::DetachRolePolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::DetachRolePolicyRequest) -> Result<Empty, AwsError> {
        let mut role = roles::load(ctx, &input.role_name)?;
        lookup(ctx, &input.policy_arn)?;
        check_modifiable(&role)?;
        let before = role.attached.len();
        role.attached.retain(|a| a != &input.policy_arn);
        if role.attached.len() == before {
            return Err(no_such_entity(format!("Policy {} was not found.", input.policy_arn)));
        }
        roles::save(ctx, &role)?;
        Ok(Empty {})
    }
}

impl Handler for iam::ListAttachedRolePolicies {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::ListAttachedRolePoliciesRequest,
    ) -> Result<iam::ListAttachedRolePoliciesResponse, AwsError> {
        let role = roles::load(ctx, &input.role_name)?;
        let prefix = input.path_prefix.as_deref().unwrap_or("/");
        let entries = attached_entries(ctx, &role.attached, prefix)?;
        let pg = page(entries, input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListAttachedRolePoliciesResponse {
            attached_policies: Some(pg.items),
            is_truncated: Some(pg.is_truncated),
            marker: pg.marker,
        })
    }
}

impl Handler for iam::PutRolePolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::PutRolePolicyRequest) -> Result<Empty, AwsError> {
        let mut role = roles::load(ctx, &input.role_name)?;
        check_name("policyName", &input.policy_name, 128)?;
        // The size first: a document over the quota is refused before it is parsed.
        let too_big = || {
            AwsError::conflict(
                "LimitExceeded",
                format!("Maximum policy size of {ROLE_POLICY_CHARS} bytes exceeded for role {}", role.role.role_name),
            )
        };
        let size = policy_chars(&input.policy_document);
        if size > ROLE_POLICY_CHARS {
            return Err(too_big());
        }
        let others: usize =
            role.inline.iter().filter(|(name, _)| **name != input.policy_name).map(|(_, d)| policy_chars(d)).sum();
        if others + size > ROLE_POLICY_CHARS {
            return Err(too_big());
        }
        check_identity_policy(&input.policy_document)?;
        check_modifiable(&role)?;
        role.inline.insert(input.policy_name, input.policy_document);
        roles::save(ctx, &role)?;
        Ok(Empty {})
    }
}

fn no_such_role_policy(name: &str) -> AwsError {
    no_such_entity(format!("The role policy with name {name} cannot be found."))
}

impl Handler for iam::GetRolePolicy {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: iam::GetRolePolicyRequest) -> Result<iam::GetRolePolicyResponse, AwsError> {
        let role = roles::load(ctx, &input.role_name)?;
        let document =
            role.inline.get(&input.policy_name).cloned().ok_or_else(|| no_such_role_policy(&input.policy_name))?;
        Ok(iam::GetRolePolicyResponse {
            role_name: role.role.role_name,
            policy_name: input.policy_name,
            policy_document: document,
        })
    }
}

impl Handler for iam::ListRolePolicies {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::ListRolePoliciesRequest,
    ) -> Result<iam::ListRolePoliciesResponse, AwsError> {
        let role = roles::load(ctx, &input.role_name)?;
        let names: Vec<String> = role.inline.keys().cloned().collect();
        let pg = page(names, input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListRolePoliciesResponse {
            policy_names: pg.items,
            is_truncated: Some(pg.is_truncated),
            marker: pg.marker,
        })
    }
}

impl Handler for iam::DeleteRolePolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::DeleteRolePolicyRequest) -> Result<Empty, AwsError> {
        let mut role = roles::load(ctx, &input.role_name)?;
        check_modifiable(&role)?;
        if role.inline.remove(&input.policy_name).is_none() {
            return Err(no_such_role_policy(&input.policy_name));
        }
        roles::save(ctx, &role)?;
        Ok(Empty {})
    }
}
