//! The ECR repositories of a region and its registry's scanning configuration, as ECR.1–ECR.3
//! read them (`DescribeRepositories`, `GetLifecyclePolicy` per repository — a repository
//! without one answers `LifecyclePolicyNotFoundException` —, `GetRegistryScanningConfiguration`).

use hubsim_api::model::ecr;
use hubsim_api::AwsApi;

use super::{fail, FetchError};

/// The region's private registry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EcrView {
    /// Its repositories.
    pub repositories: Vec<RepositoryView>,
    /// The registry's scanning configuration.
    pub scanning: ecr::RegistryScanningConfiguration,
}

/// One repository.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepositoryView {
    /// As DescribeRepositories answers it.
    pub repository: ecr::Repository,
    /// Its lifecycle policy text, if it has one.
    pub lifecycle_policy: Option<String>,
}

impl RepositoryView {
    /// The repository's ARN.
    pub fn arn(&self) -> &str {
        self.repository.repository_arn.as_deref().unwrap_or_default()
    }

    /// The repository's name.
    pub fn name(&self) -> &str {
        self.repository.repository_name.as_deref().unwrap_or_default()
    }
}

/// The registry of `region`.
pub(super) fn fetch<A: AwsApi>(api: &A, region: &str) -> Result<EcrView, FetchError> {
    let mut repos = Vec::new();
    let mut token = None;
    loop {
        let page = api
            .call::<ecr::DescribeRepositories>(
                region,
                ecr::DescribeRepositoriesRequest {
                    next_token: token.clone(),
                    max_results: Some(1000),
                    ..Default::default()
                },
            )
            .map_err(fail("ECR repositories", region))?;
        repos.extend(page.repositories.unwrap_or_default());
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let mut repositories = Vec::with_capacity(repos.len());
    for repository in repos {
        let name = repository.repository_name.clone().unwrap_or_default();
        let lifecycle_policy = match api.call::<ecr::GetLifecyclePolicy>(
            region,
            ecr::GetLifecyclePolicyRequest { registry_id: None, repository_name: name.clone() },
        ) {
            Ok(p) => p.lifecycle_policy_text,
            Err(e) if e.code == "LifecyclePolicyNotFoundException" => None,
            Err(e) => return Err(fail(&format!("ECR repository {name}'s lifecycle policy"), region)(e)),
        };
        repositories.push(RepositoryView { repository, lifecycle_policy });
    }
    let scanning = api
        .call::<ecr::GetRegistryScanningConfiguration>(region, Default::default())
        .map_err(fail("ECR registry scanning configuration", region))?
        .scanning_configuration
        .unwrap_or_default();
    Ok(EcrView { repositories, scanning })
}
