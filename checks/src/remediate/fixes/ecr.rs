//! ECR.1, ECR.2, ECR.3: scan on push turned on, tags made immutable, and a lifecycle policy
//! that expires only untagged images
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html>).
//!
//! None of them deletes an image. ECR.2 makes re-pushing an existing tag fail from then on,
//! which is the control's point (a tag keeps naming the image it named). ECR.3's policy has one
//! rule, on untagged images pushed more than 90 days ago: every tagged image — what a user
//! pulls by tag — is kept whatever its age or count
//! (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html>).

use hubsim_api::model::ecr;
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::remediate::fixer::Fixer;
use crate::remediate::Failed;
use crate::snapshot::RepositoryView;

/// The lifecycle policy ECR.3's fix writes.
pub(crate) const UNTAGGED_ONLY_POLICY: &str = r#"{"rules":[{"rulePriority":1,"description":"hubsim (ECR.3): expire untagged images pushed more than 90 days ago; tagged images are never expired","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":90},"action":{"type":"expire"}}]}"#;

/// The ECR fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![
        Fix {
            control: "ECR.1",
            iam_actions: &["ecr:PutImageScanningConfiguration"],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(ecr_1),
        },
        Fix {
            control: "ECR.2",
            iam_actions: &["ecr:PutImageTagMutability"],
            scope: Scope::Resource,
            after: &["S3.5"],
            how: How::Calls(ecr_2),
        },
        Fix {
            control: "ECR.3",
            iam_actions: &["ecr:PutLifecyclePolicy"],
            scope: Scope::Resource,
            after: &["S3.5"],
            how: How::Calls(ecr_3),
        },
    ]
}

/// The repository the finding is about, from the snapshot the round judged.
fn repository<'s>(target: &Target<'s>) -> Option<&'s RepositoryView> {
    target
        .snapshot
        .regions
        .iter()
        .filter(|r| r.name == target.region)
        .flat_map(|r| r.ecr.repositories.iter())
        .find(|r| r.arn() == target.resource)
}

fn ecr_1<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let Some(r) = repository(target) else { return Ok(Done::Applied) };
    f.call::<ecr::PutImageScanningConfiguration>(
        target.region,
        ecr::PutImageScanningConfigurationRequest {
            registry_id: None,
            repository_name: r.name().to_string(),
            image_scanning_configuration: ecr::ImageScanningConfiguration { scan_on_push: Some(true) },
        },
    )?;
    Ok(Done::Applied)
}

fn ecr_2<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let Some(r) = repository(target) else { return Ok(Done::Applied) };
    f.call::<ecr::PutImageTagMutability>(
        target.region,
        ecr::PutImageTagMutabilityRequest {
            registry_id: None,
            repository_name: r.name().to_string(),
            image_tag_mutability: "IMMUTABLE".into(),
            image_tag_mutability_exclusion_filters: None,
        },
    )?;
    Ok(Done::Applied)
}

fn ecr_3<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let Some(r) = repository(target) else { return Ok(Done::Applied) };
    f.call::<ecr::PutLifecyclePolicy>(
        target.region,
        ecr::PutLifecyclePolicyRequest {
            registry_id: None,
            repository_name: r.name().to_string(),
            lifecycle_policy_text: UNTAGGED_ONLY_POLICY.to_string(),
        },
    )?;
    Ok(Done::Applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn the_written_policy_expires_untagged_images_only() {
        let v: Value = serde_json::from_str(UNTAGGED_ONLY_POLICY).unwrap_or_default();
        let rules = v["rules"].as_array().cloned().unwrap_or_default();
        assert_eq!(rules.len(), 1);
        assert!(rules.iter().all(|r| r["selection"]["tagStatus"] == "untagged"));
    }
}
