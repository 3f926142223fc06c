//! IAM groups: CreateGroup, GetGroup (with its users), DeleteGroup, ListGroups,
//! ListGroupsForUser, AddUserToGroup, RemoveUserFromGroup, and a group's policies
//! (Attach/DetachGroupPolicy, ListAttachedGroupPolicies, Put/Get/Delete/ListGroupPolicies).
//!
//! AWS: "IAM user groups" (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html);
//! a user is in at most 10 groups (`GroupsPerUser`); a group is deleted only once it has no
//! members, no attached and no inline policies
//! (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteGroup.html).
//! Memberships are stored on the group, in the order users were added.

use std::collections::BTreeMap;

use hubsim_model::{iam, Empty};
use serde::{Deserialize, Serialize};

use super::user_policies::{attach, detach, no_such_inline, put_inline, GROUP_POLICY_CHARS};
use super::{check_name, check_path, no_such_entity, page, users};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

/// Groups a user may belong to (`GroupsPerUser`,
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
const GROUPS_PER_USER: usize = 10;

pub(super) fn register(r: &mut Registrar) {
    r.add::<iam::CreateGroup>()
        .add::<iam::GetGroup>()
        .add::<iam::DeleteGroup>()
        .add::<iam::ListGroups>()
        .add::<iam::ListGroupsForUser>()
        .add::<iam::AddUserToGroup>()
        .add::<iam::RemoveUserFromGroup>()
        .add::<iam::AttachGroupPolicy>()
        .add::<iam::DetachGroupPolicy>()
        .add::<iam::ListAttachedGroupPolicies>()
        .add::<iam::PutGroupPolicy>()
        .add::<iam::GetGroupPolicy>()
        .add::<iam::DeleteGroupPolicy>()
        .add::<iam::ListGroupPolicies>();
}

/// An IAM group. Stored under the lower-cased name (group names are unique regardless of case).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredGroup {
    /// The group as GetGroup answers it.
    pub group: iam::Group,
    /// Member user names, in the order they were added.
    #[serde(default)]
    pub members: Vec<String>,
    /// ARNs of attached managed policies, in attachment order.
    #[serde(default)]
    pub attached: Vec<String>,
    /// Inline policies: name → document.
    #[serde(default)]
    pub inline: BTreeMap<String, String>,
}

impl Resource for StoredGroup {
    const KIND: &'static str = "iam:group";
    const GLOBAL: bool = true;
}

impl StoredGroup {
    /// Whether `user` (any case) is a member.
    pub fn has_member(&self, user: &str) -> bool {
        self.members.iter().any(|m| m.eq_ignore_ascii_case(user))
    }
}

fn key(name: &str) -> String {
    name.to_ascii_lowercase()
}

fn load(ctx: &Ctx<'_>, name: &str) -> Result<StoredGroup, AwsError> {
    ctx.get::<StoredGroup>(&key(name))?
        .ok_or_else(|| no_such_entity(format!("The group with name {name} cannot be found.")))
}

fn save(ctx: &mut Ctx<'_>, group: &StoredGroup) -> Result<(), AwsError> {
    ctx.put(&key(&group.group.group_name), group)
}

/// Every group, sorted by name.
pub(super) fn all(ctx: &Ctx<'_>) -> Result<Vec<StoredGroup>, AwsError> {
    let mut groups: Vec<StoredGroup> = ctx.list::<StoredGroup>()?.into_iter().map(|(_, g)| g).collect();
    groups.sort_by_key(|g| key(&g.group.group_name));
    Ok(groups)
}

/// The groups `user` belongs to, sorted by name.
pub(super) fn groups_of(ctx: &Ctx<'_>, user: &str) -> Result<Vec<StoredGroup>, AwsError> {
    Ok(all(ctx)?.into_iter().filter(|g| g.has_member(user)).collect())
}

impl Handler for iam::CreateGroup {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::CreateGroupRequest) -> Result<iam::CreateGroupResponse, AwsError> {
        check_name("groupName", &input.group_name, 128)?;
        let path = input.path.unwrap_or_else(|| "/".to_string());
        check_path(&path)?;
        if ctx.get::<StoredGroup>(&key(&input.group_name))?.is_some() {
            return Err(AwsError::conflict(
                "EntityAlreadyExists",
                format!("Group with name {} already exists.", input.group_name),
            ));
        }
        let account = ctx.account().to_string();
        let group = iam::Group {
            arn: format!("arn:aws:iam::{account}:group{path}{}", input.group_name),
            path,
            group_name: input.group_name,
            group_id: format!("AGPA{}", ctx.ids().upper(17)),
            create_date: ctx.now(),
        };
        save(
            ctx,
            &StoredGroup { group: group.clone(), members: Vec::new(), attached: Vec::new(), inline: BTreeMap::new() },
        )?;
        Ok(iam::CreateGroupResponse { group })
    }
}

impl Handler for iam::GetGroup {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: iam::GetGroupRequest) -> Result<iam::GetGroupResponse, AwsError> {
        let group = load(ctx, &input.group_name)?;
        let mut members = Vec::with_capacity(group.members.len());
        for name in &group.members {
            // A member always exists: DeleteUser refuses while the user is in a group.
            if let Some(u) = ctx.get::<users::StoredUser>(&name.to_ascii_lowercase())? {
                members.push(iam::User { permissions_boundary: None, tags: None, ..u.user });
            }
        }
        let pg = page(members, input.marker.as_deref(), input.max_items)?;
        Ok(iam::GetGroupResponse {
            group: group.group,
            users: pg.items,
            is_truncated: Some(pg.is_truncated),
            marker: pg.marker,
        })
    }
}

impl Handler for iam::DeleteGroup {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::DeleteGroupRequest) -> Result<Empty, AwsError> {
        let group = load(ctx, &input.group_name)?;
        let conflict =
            |what: &str| AwsError::conflict("DeleteConflict", format!("Cannot delete entity, must {what} first."));
        if !group.members.is_empty() {
            return Err(conflict("remove users from group"));
        }
        if !group.attached.is_empty() {
            return Err(conflict("detach all policies"));
        }
        if !group.inline.is_empty() {
            return Err(conflict("delete policies"));
        }
        ctx.delete::<StoredGroup>(&key(&input.group_name))?;
        Ok(Empty {})
    }
}

impl Handler for iam::ListGroups {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: iam::ListGroupsRequest) -> Result<iam::ListGroupsResponse, AwsError> {
        let prefix = input.path_prefix.as_deref().unwrap_or("/");
        let groups: Vec<iam::Group> =
            all(ctx)?.into_iter().filter(|g| g.group.path.starts_with(prefix)).map(|g| g.group).collect();
        let p = page(groups, input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListGroupsResponse { groups: p.items, is_truncated: Some(p.is_truncated), marker: p.marker })
    }
}

impl Handler for iam::ListGroupsForUser {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::ListGroupsForUserRequest,
    ) -> Result<iam::ListGroupsForUserResponse, AwsError> {
        users::load(ctx, &input.user_name)?;
        let groups: Vec<iam::Group> = groups_of(ctx, &input.user_name)?.into_iter().map(|g| g.group).collect();
        let p = page(groups, input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListGroupsForUserResponse { groups: p.items, is_truncated: Some(p.is_truncated), marker: p.marker })
    }
}

impl Handler for iam::AddUserToGroup {
    const MUTATES: bool = true;

    /// Adding a member again succeeds and changes nothing.
    fn handle(ctx: &mut Ctx<'_>, input: iam::AddUserToGroupRequest) -> Result<Empty, AwsError> {
        let mut group = load(ctx, &input.group_name)?;
        let user = users::load(ctx, &input.user_name)?;
        let name = user.user.user_name;
        if group.has_member(&name) {
            return Ok(Empty {});
        }
        if groups_of(ctx, &name)?.len() >= GROUPS_PER_USER {
            return Err(AwsError::conflict(
                "LimitExceeded",
                format!("Cannot exceed quota for GroupsPerUser: {GROUPS_PER_USER}"),
            ));
        }
        group.members.push(name);
        save(ctx, &group)?;
        Ok(Empty {})
    }
}

impl Handler for iam::RemoveUserFromGroup {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::RemoveUserFromGroupRequest) -> Result<Empty, AwsError> {
        let mut group = load(ctx, &input.group_name)?;
        let user = users::load(ctx, &input.user_name)?;
        if !group.has_member(&user.user.user_name) {
            return Err(no_such_entity(format!(
                "User {} is not in group {}.",
                user.user.user_name, group.group.group_name
            )));
        }
        group.members.retain(|m| !m.eq_ignore_ascii_case(&user.user.user_name));
        save(ctx, &group)?;
        Ok(Empty {})
    }
}

impl Handler for iam::AttachGroupPolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::AttachGroupPolicyRequest) -> Result<Empty, AwsError> {
        let mut group = load(ctx, &input.group_name)?;
        if attach(ctx, &mut group.attached, &input.policy_arn, "PoliciesPerGroup", "Group")? {
            save(ctx, &group)?;
        }
        Ok(Empty {})
    }
}

impl Handler for iam::DetachGroupPolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::DetachGroupPolicyRequest) -> Result<Empty, AwsError> {
        let mut group = load(ctx, &input.group_name)?;
        detach(ctx, &mut group.attached, &input.policy_arn)?;
        save(ctx, &group)?;
        Ok(Empty {})
    }
}

impl Handler for iam::ListAttachedGroupPolicies {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::ListAttachedGroupPoliciesRequest,
    ) -> Result<iam::ListAttachedGroupPoliciesResponse, AwsError> {
        let group = load(ctx, &input.group_name)?;
        let prefix = input.path_prefix.as_deref().unwrap_or("/");
        let entries = super::policies::attached_entries(ctx, &group.attached, prefix)?;
        let p = page(entries, input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListAttachedGroupPoliciesResponse {
            attached_policies: Some(p.items),
            is_truncated: Some(p.is_truncated),
            marker: p.marker,
        })
    }
}

impl Handler for iam::PutGroupPolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::PutGroupPolicyRequest) -> Result<Empty, AwsError> {
        let mut group = load(ctx, &input.group_name)?;
        let entity = format!("group {}", group.group.group_name);
        put_inline(&mut group.inline, &input.policy_name, input.policy_document, GROUP_POLICY_CHARS, &entity)?;
        save(ctx, &group)?;
        Ok(Empty {})
    }
}

impl Handler for iam::GetGroupPolicy {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: iam::GetGroupPolicyRequest) -> Result<iam::GetGroupPolicyResponse, AwsError> {
        let group = load(ctx, &input.group_name)?;
        let document =
            group.inline.get(&input.policy_name).cloned().ok_or_else(|| no_such_inline("group", &input.policy_name))?;
        Ok(iam::GetGroupPolicyResponse {
            group_name: group.group.group_name,
            policy_name: input.policy_name,
            policy_document: document,
        })
    }
}

impl Handler for iam::DeleteGroupPolicy {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::DeleteGroupPolicyRequest) -> Result<Empty, AwsError> {
        let mut group = load(ctx, &input.group_name)?;
        if group.inline.remove(&input.policy_name).is_none() {
            return Err(no_such_inline("group", &input.policy_name));
        }
        save(ctx, &group)?;
        Ok(Empty {})
    }
}

impl Handler for iam::ListGroupPolicies {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::ListGroupPoliciesRequest,
    ) -> Result<iam::ListGroupPoliciesResponse, AwsError> {
        let group = load(ctx, &input.group_name)?;
        let names: Vec<String> = group.inline.keys().cloned().collect();
        let p = page(names, input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListGroupPoliciesResponse {
            policy_names: p.items,
            is_truncated: Some(p.is_truncated),
            marker: p.marker,
        })
    }
}
