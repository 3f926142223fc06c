//! Aliases: CreateAlias, ListAliases.

use hubsim_model::{kms, Empty};

use super::keys::page;
use super::{alias_arn, locate, locate_key_only, pending_deletion, Alias};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<kms::CreateAlias>().add::<kms::ListAliases>();
}

fn invalid_name(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidAliasNameException", message)
}

/// KMS's alias naming rules.
fn check_alias_name(name: &str) -> Result<(), AwsError> {
    let Some(rest) = name.strip_prefix("alias/") else {
        return Err(invalid_name("Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"));
    };
    if rest.is_empty() || !rest.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'/' | b'_' | b'-')) {
        return Err(AwsError::bad_request(
            "ValidationException",
            format!("1 validation error detected: Value '{name}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"),
        ));
    }
    if name.starts_with("alias/aws/") {
        return Err(invalid_name(format!("{name} is reserved for AWS managed keys.")));
    }
    Ok(())
}

impl Handler for kms::CreateAlias {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: kms::CreateAliasRequest) -> Result<Empty, AwsError> {
        check_alias_name(&input.alias_name)?;
        let (region, key) = locate_key_only(ctx, &input.target_key_id)?;
        if region != ctx.region() {
            // An alias and its key live in the same region.
            return Err(AwsError::bad_request("NotFoundException", format!("Key '{}' does not exist", key.arn())));
        }
        if key.state() == "PendingDeletion" {
            return Err(pending_deletion(&key));
        }
        if ctx.get::<Alias>(&input.alias_name)?.is_some() {
            let arn = alias_arn(ctx, &region, &input.alias_name);
            return Err(AwsError::bad_request(
                "AlreadyExistsException",
                format!("An alias with the name {arn} already exists"),
            ));
        }
        let now = ctx.now();
        let alias =
            Alias { name: input.alias_name.clone(), target_key_id: key.metadata.key_id, created: now, updated: now };
        ctx.put(&input.alias_name, &alias)?;
        Ok(Empty {})
    }
}

impl Handler for kms::ListAliases {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: kms::ListAliasesRequest) -> Result<kms::ListAliasesResponse, AwsError> {
        let target = match &input.key_id {
            Some(k) => Some(locate(ctx, k)?.1.metadata.key_id),
            None => None,
        };
        let (start, size) = page(input.limit, input.marker.as_deref(), 50, 100)?;
        let mut aliases: Vec<Alias> = ctx.list::<Alias>()?.into_iter().map(|(_, a)| a).collect();
        aliases.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(t) = &target {
            aliases.retain(|a| &a.target_key_id == t);
        }
        let truncated = aliases.len() > start.saturating_add(size);
        let region = ctx.region().to_string();
        let entries = aliases
            .into_iter()
            .skip(start)
            .take(size)
            .map(|a| kms::AliasListEntry {
                alias_arn: Some(alias_arn(ctx, &region, &a.name)),
                alias_name: Some(a.name),
                target_key_id: Some(a.target_key_id),
                creation_date: Some(a.created),
                last_updated_date: Some(a.updated),
            })
            .collect();
        Ok(kms::ListAliasesResponse {
            aliases: Some(entries),
            next_marker: truncated.then(|| (start + size).to_string()),
            truncated: Some(truncated),
        })
    }
}
