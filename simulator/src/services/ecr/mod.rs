//! Amazon ECR (private registries, JSON 1.1): repositories with their scan-on-push, tag
//! mutability, encryption, lifecycle policy and tags, and the registry's scanning
//! configuration. hubsim holds no images: a repository is always empty.
//!
//! Repositories are regional and stored under their name; the registry is the account's, one
//! per region (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/Repositories.html>).

mod lifecycle;
mod registry;
mod repositories;
mod tags;

use std::collections::BTreeMap;

use hubsim_model::ecr;
use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::Resource;
use crate::Ctx;

/// Registers ECR's operations.
pub fn register(r: &mut Registrar) {
    repositories::register(r);
    lifecycle::register(r);
    registry::register(r);
    tags::register(r);
}

/// One repository as stored (id: its name, in its region).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoredRepository {
    /// The repository as DescribeRepositories answers it.
    pub repository: ecr::Repository,
    /// Its lifecycle policy text, if any.
    #[serde(default)]
    pub lifecycle_policy: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl Resource for StoredRepository {
    const KIND: &'static str = "ecr:repository";
    const GLOBAL: bool = false;
}

/// 400 `InvalidParameterException`.
pub(crate) fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidParameterException", message)
}

/// 400 `RepositoryNotFoundException` for `name`.
pub(crate) fn no_repository(ctx: &Ctx<'_>, name: &str) -> AwsError {
    AwsError::bad_request(
        "RepositoryNotFoundException",
        format!("The repository with name '{name}' does not exist in the registry with id '{}'", ctx.account()),
    )
}

/// Checks an optional `registryId`: only the caller's own registry is simulated.
pub(crate) fn check_registry(ctx: &Ctx<'_>, registry: Option<&str>) -> Result<(), AwsError> {
    match registry {
        Some(r) if r != ctx.account() => Err(invalid(format!(
            "Invalid parameter at 'registryId' failed to satisfy constraint: 'registry {r} is not this account's registry'"
        ))),
        _ => Ok(()),
    }
}

/// The stored repository `name` of the caller's registry.
pub(crate) fn load(ctx: &Ctx<'_>, registry: Option<&str>, name: &str) -> Result<StoredRepository, AwsError> {
    check_registry(ctx, registry)?;
    ctx.get::<StoredRepository>(name)?.ok_or_else(|| no_repository(ctx, name))
}

/// The ARN of repository `name`.
pub fn repository_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:ecr:{region}:{account}:repository/{name}")
}
