//! CreateRepository, DescribeRepositories, DeleteRepository, PutImageScanningConfiguration,
//! PutImageTagMutability (<https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html>).

use hubsim_model::ecr;

use super::tags::{check_tags, tag_map};
use super::{check_registry, invalid, load, no_repository, repository_arn, StoredRepository};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ecr::CreateRepository>()
        .add::<ecr::DescribeRepositories>()
        .add::<ecr::DeleteRepository>()
        .add::<ecr::PutImageScanningConfiguration>()
        .add::<ecr::PutImageTagMutability>();
}

/// Checks a repository name: 2–256 characters, lower-case letters and digits in components
/// separated by `.`, `_`, `-` (one at a time) and `/` for namespaces.
fn check_name(name: &str) -> Result<(), AwsError> {
    let component_ok = |c: &str| {
        !c.is_empty()
            && c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
            && c.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && c.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric())
            && !c
                .as_bytes()
                .windows(2)
                .any(|w| matches!(w[0], b'.' | b'_' | b'-') && matches!(w[1], b'.' | b'_' | b'-'))
    };
    if (2..=256).contains(&name.len()) && name.split('/').all(component_ok) {
        Ok(())
    } else {
        Err(invalid(format!(
            "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression \
             '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*' and be 2 to 256 characters' (got '{name}')"
        )))
    }
}

/// Checks a tag mutability setting and its exclusion filters (only with the `*_WITH_EXCLUSION`
/// settings, which need at least one).
fn check_mutability(
    mutability: &str,
    filters: Option<&Vec<ecr::ImageTagMutabilityExclusionFilter>>,
) -> Result<(), AwsError> {
    let with_exclusion = mutability.ends_with("_WITH_EXCLUSION");
    let has_filters = filters.is_some_and(|f| !f.is_empty());
    if with_exclusion != has_filters {
        return Err(invalid(format!(
            "Invalid parameter: imageTagMutabilityExclusionFilters are required with {mutability} only when it ends \
             with _WITH_EXCLUSION, and allowed with no other setting"
        )));
    }
    Ok(())
}

/// The encryption in force: AES256 unless KMS or KMS_DSSE is asked; a key only with those.
fn encryption(asked: Option<ecr::EncryptionConfiguration>) -> Result<ecr::EncryptionConfiguration, AwsError> {
    let e = asked.unwrap_or(ecr::EncryptionConfiguration { encryption_type: "AES256".into(), kms_key: None });
    if e.encryption_type == "AES256" && e.kms_key.is_some() {
        return Err(invalid(
            "Invalid parameter at 'encryptionConfiguration' failed to satisfy constraint: 'kmsKey can be specified only with encryptionType KMS or KMS_DSSE'",
        ));
    }
    Ok(e)
}

impl Handler for ecr::CreateRepository {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ecr::CreateRepositoryRequest,
    ) -> Result<ecr::CreateRepositoryResponse, AwsError> {
        check_registry(ctx, input.registry_id.as_deref())?;
        check_name(&input.repository_name)?;
        let mutability = input.image_tag_mutability.clone().unwrap_or_else(|| "MUTABLE".into());
        check_mutability(&mutability, input.image_tag_mutability_exclusion_filters.as_ref())?;
        let enc = encryption(input.encryption_configuration)?;
        let tags = input.tags.unwrap_or_default();
        check_tags(&tags)?;
        if ctx.get::<StoredRepository>(&input.repository_name)?.is_some() {
            return Err(AwsError::bad_request(
                "RepositoryAlreadyExistsException",
                format!(
                    "The repository with name '{}' already exists in the registry with id '{}'",
                    input.repository_name,
                    ctx.account()
                ),
            ));
        }
        let name = input.repository_name;
        let repository = ecr::Repository {
            repository_arn: Some(repository_arn(ctx.region(), ctx.account(), &name)),
            registry_id: Some(ctx.account().to_string()),
            repository_uri: Some(format!("{}.dkr.ecr.{}.amazonaws.com/{name}", ctx.account(), ctx.region())),
            repository_name: Some(name.clone()),
            created_at: Some(ctx.now()),
            image_tag_mutability: Some(mutability),
            image_tag_mutability_exclusion_filters: input.image_tag_mutability_exclusion_filters,
            image_scanning_configuration: Some(
                input
                    .image_scanning_configuration
                    .unwrap_or(ecr::ImageScanningConfiguration { scan_on_push: Some(false) }),
            ),
            encryption_configuration: Some(enc),
        };
        let stored = StoredRepository { repository: repository.clone(), lifecycle_policy: None, tags: tag_map(&tags) };
        ctx.put(&name, &stored)?;
        Ok(ecr::CreateRepositoryResponse { repository: Some(repository) })
    }
}

impl Handler for ecr::DescribeRepositories {
    const MUTATES: bool = false;

    /// The named repositories (each must exist), or every one in name order, in pages of
    /// `maxResults` (1–1,000, default 100) with a `nextToken` (the last name answered).
    fn handle(
        ctx: &mut Ctx<'_>,
        input: ecr::DescribeRepositoriesRequest,
    ) -> Result<ecr::DescribeRepositoriesResponse, AwsError> {
        check_registry(ctx, input.registry_id.as_deref())?;
        if let Some(names) = input.repository_names.filter(|n| !n.is_empty()) {
            if input.next_token.is_some() || input.max_results.is_some() {
                return Err(invalid("Invalid parameter: maxResults and nextToken cannot be used with repositoryNames"));
            }
            let mut out = Vec::new();
            for n in &names {
                out.push(ctx.get::<StoredRepository>(n)?.ok_or_else(|| no_repository(ctx, n))?.repository);
            }
            return Ok(ecr::DescribeRepositoriesResponse { repositories: Some(out), next_token: None });
        }
        let size = input.max_results.unwrap_or(100).clamp(1, 1000) as usize;
        let mut all = ctx.list::<StoredRepository>()?;
        all.sort_by(|a, b| a.0.cmp(&b.0));
        let after = input.next_token.unwrap_or_default();
        let rest: Vec<_> = all.into_iter().filter(|(n, _)| after.is_empty() || *n > after).collect();
        let more = rest.len() > size;
        let page: Vec<_> = rest.into_iter().take(size).collect();
        let next = more.then(|| page.last().map(|(n, _)| n.clone()).unwrap_or_default());
        Ok(ecr::DescribeRepositoriesResponse {
            repositories: Some(page.into_iter().map(|(_, r)| r.repository).collect()),
            next_token: next,
        })
    }
}

impl Handler for ecr::DeleteRepository {
    const MUTATES: bool = true;

    /// Deletes the repository. ECR refuses a repository holding images without `force`
    /// (`RepositoryNotEmptyException`); hubsim's repositories hold none.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: ecr::DeleteRepositoryRequest,
    ) -> Result<ecr::DeleteRepositoryResponse, AwsError> {
        let stored = load(ctx, input.registry_id.as_deref(), &input.repository_name)?;
        ctx.delete::<StoredRepository>(&input.repository_name)?;
        Ok(ecr::DeleteRepositoryResponse { repository: Some(stored.repository) })
    }
}

impl Handler for ecr::PutImageScanningConfiguration {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ecr::PutImageScanningConfigurationRequest,
    ) -> Result<ecr::PutImageScanningConfigurationResponse, AwsError> {
        let mut stored = load(ctx, input.registry_id.as_deref(), &input.repository_name)?;
        let config = ecr::ImageScanningConfiguration {
            scan_on_push: Some(input.image_scanning_configuration.scan_on_push.unwrap_or(false)),
        };
        stored.repository.image_scanning_configuration = Some(config.clone());
        ctx.put(&input.repository_name, &stored)?;
        Ok(ecr::PutImageScanningConfigurationResponse {
            registry_id: Some(ctx.account().to_string()),
            repository_name: Some(input.repository_name),
            image_scanning_configuration: Some(config),
        })
    }
}

impl Handler for ecr::PutImageTagMutability {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ecr::PutImageTagMutabilityRequest,
    ) -> Result<ecr::PutImageTagMutabilityResponse, AwsError> {
        let mut stored = load(ctx, input.registry_id.as_deref(), &input.repository_name)?;
        check_mutability(&input.image_tag_mutability, input.image_tag_mutability_exclusion_filters.as_ref())?;
        stored.repository.image_tag_mutability = Some(input.image_tag_mutability.clone());
        stored.repository.image_tag_mutability_exclusion_filters = input.image_tag_mutability_exclusion_filters.clone();
        ctx.put(&input.repository_name, &stored)?;
        Ok(ecr::PutImageTagMutabilityResponse {
            registry_id: Some(ctx.account().to_string()),
            repository_name: Some(input.repository_name),
            image_tag_mutability: Some(input.image_tag_mutability),
            image_tag_mutability_exclusion_filters: input.image_tag_mutability_exclusion_filters,
        })
    }
}
