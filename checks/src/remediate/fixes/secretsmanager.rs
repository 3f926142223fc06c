//! SecretsManager.2 and .4 rotate a secret now through its configured rotation function;
//! SecretsManager.1, .3 (and .4 without a function) are justified
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html>).
//! No fix deletes a secret or changes its rotation schedule.

use hubsim_api::model::secretsmanager as sm;
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::remediate::fixer::Fixer;
use crate::remediate::{Failed, Justification};

/// The Secrets Manager fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![
        Fix {
            control: "SecretsManager.1",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &[],
            // A rotation function must know how to change the credential where it is used.
            how: How::Justified(Justification::OwnerDecision {
                control: "SecretsManager.1".into(),
                reason: String::new(),
            }),
        },
        Fix {
            control: "SecretsManager.2",
            iam_actions: &["secretsmanager:DescribeSecret", "secretsmanager:RotateSecret"],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(rotate_now),
        },
        Fix {
            control: "SecretsManager.3",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &[],
            // The remediator never deletes a secret.
            how: How::Justified(Justification::OwnerDecision {
                control: "SecretsManager.3".into(),
                reason: String::new(),
            }),
        },
        Fix {
            control: "SecretsManager.4",
            iam_actions: &["secretsmanager:DescribeSecret", "secretsmanager:RotateSecret"],
            scope: Scope::Resource,
            // One rotation serves both: .2's runs first, and .4's then finds the secret rotated.
            after: &["SecretsManager.2"],
            how: How::Calls(rotate_now),
        },
    ]
}

/// Rotates the secret now with the rotation function and schedule it already has
/// (`RotateSecret` with only `SecretId`,
/// <https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html>):
/// the function writes a new version, which becomes `AWSCURRENT`, and clients reading the
/// secret get it. A secret without a rotation function is justified (SecretsManager.4): writing
/// one is its owner's work. A secret another fix of the round already rotated is left alone.
fn rotate_now<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let Some(s) = target
        .snapshot
        .regions
        .iter()
        .filter(|r| r.name == target.region)
        .flat_map(|r| r.secrets.iter())
        .find(|s| s.arn.as_deref() == Some(target.resource))
    else {
        return Ok(Done::Applied);
    };
    if s.rotation_lambda_arn.is_none() {
        return Ok(Done::Unfixable(Justification::OwnerDecision {
            control: "SecretsManager.4".into(),
            reason: format!("secret {} has no rotation function", s.name.as_deref().unwrap_or_default()),
        }));
    }
    let current = f
        .read::<sm::DescribeSecret>(target.region, sm::DescribeSecretRequest { secret_id: target.resource.to_string() })
        .map_err(|error| Failed { call: "secretsmanager:DescribeSecret".into(), error })?;
    if current.last_rotated_date != s.last_rotated_date {
        return Ok(Done::Applied);
    }
    f.call::<sm::RotateSecret>(
        target.region,
        sm::RotateSecretRequest { secret_id: target.resource.to_string(), ..Default::default() },
    )?;
    Ok(Done::Applied)
}
