//! ECR.1, ECR.2 and ECR.3: private repositories with image scanning, with immutable tags, and
//! with a lifecycle policy (AWS: <https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html>).

use super::s3_public::wildcard_match;
use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};
use crate::snapshot::{EcrView, RepositoryView};

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "ECR.1",
        resource_type: "AWS::ECR::Repository",
        schedule: Schedule::Periodic,
        config_rule: Some("ecr-private-image-scanning-enabled"),
        parameters: &[],
        choices: "A repository passes when its own scanOnPush is on, or when a rule of the registry's scanning \
                  configuration (basic or enhanced) with frequency SCAN_ON_PUSH or CONTINUOUS_SCAN has a wildcard \
                  filter matching its name (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html); \
                  a MANUAL rule scans nothing by itself.",
        evaluate: ecr_1,
    },
    Control {
        id: "ECR.2",
        resource_type: "AWS::ECR::Repository",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("ecr-private-tag-immutability-enabled"),
        parameters: &[],
        choices: "A repository passes with imageTagMutability IMMUTABLE, and fails with MUTABLE. The newer \
                  IMMUTABLE_WITH_EXCLUSION (some tags stay mutable) fails too, since the excluded tags can be \
                  overwritten [U]; MUTABLE_WITH_EXCLUSION fails.",
        evaluate: ecr_2,
    },
    Control {
        id: "ECR.3",
        resource_type: "AWS::ECR::Repository",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("ecr-private-lifecycle-policy-configured"),
        parameters: &[],
        choices: "A repository passes when it has a lifecycle policy, whatever its rules (the rule's \
                  optional parameters, a tag status and an expiry count, are not set by Security Hub).",
        evaluate: ecr_3,
    },
];

fn repo_ref(r: &RepositoryView) -> ResourceRef {
    ResourceRef { id: r.arn().to_string(), kind: "AwsEcrRepository" }
}

/// The registry rule that scans `repo` automatically, as `frequency (filter)`, if any.
pub(crate) fn registry_scan(ecr: &EcrView, repo: &str) -> Option<String> {
    ecr.scanning.rules.iter().flatten().find_map(|rule| {
        if rule.scan_frequency != "SCAN_ON_PUSH" && rule.scan_frequency != "CONTINUOUS_SCAN" {
            return None;
        }
        rule.repository_filters.iter().find(|f| wildcard_match(&f.filter, repo)).map(|f| {
            format!("{} {} ({})", ecr.scanning.scan_type.as_deref().unwrap_or("BASIC"), rule.scan_frequency, f.filter)
        })
    })
}

fn ecr_1(i: &Input<'_>) -> Vec<Verdict> {
    let ecr = &i.region.ecr;
    ecr.repositories
        .iter()
        .map(|r| {
            let name = r.name();
            let on_push = r.repository.image_scanning_configuration.as_ref().and_then(|c| c.scan_on_push) == Some(true);
            match (on_push, registry_scan(ecr, name)) {
                (true, _) => Verdict::pass(repo_ref(r), format!("repository {name} scans images on push")),
                (false, Some(rule)) => {
                    Verdict::pass(repo_ref(r), format!("repository {name} is scanned by the registry's rule {rule}"))
                }
                (false, None) => Verdict::fail(
                    repo_ref(r),
                    format!("repository {name} has scan on push off and no registry scanning rule matches it"),
                ),
            }
        })
        .collect()
}

fn ecr_2(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .ecr
        .repositories
        .iter()
        .map(|r| {
            let m = r.repository.image_tag_mutability.as_deref().unwrap_or("MUTABLE");
            Verdict::check(
                repo_ref(r),
                m == "IMMUTABLE",
                format!("repository {} has immutable tags", r.name()),
                format!("repository {}'s tags are {m}", r.name()),
            )
        })
        .collect()
}

fn ecr_3(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .ecr
        .repositories
        .iter()
        .map(|r| {
            Verdict::check(
                repo_ref(r),
                r.lifecycle_policy.is_some(),
                format!("repository {} has a lifecycle policy", r.name()),
                format!("repository {} has no lifecycle policy", r.name()),
            )
        })
        .collect()
}
