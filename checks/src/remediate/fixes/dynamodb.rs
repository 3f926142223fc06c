//! DynamoDB.2 and .6 turn point-in-time recovery and deletion protection on; DynamoDB.1 is
//! justified (<https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html>).
//! No fix deletes a table or turns either protection off.

use hubsim_api::model::dynamodb;
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::remediate::fixer::Fixer;
use crate::remediate::{Failed, Justification};
use crate::snapshot::TableView;

/// The DynamoDB fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![
        Fix {
            control: "DynamoDB.1",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &[],
            // Switching to on-demand changes the table's pricing, and auto scaling needs a
            // maximum capacity (a cost ceiling): both are the owner's decision, not a guess.
            how: How::Justified(Justification::OwnerDecision { control: "DynamoDB.1".into(), reason: String::new() }),
        },
        Fix {
            control: "DynamoDB.2",
            iam_actions: &["dynamodb:UpdateContinuousBackups"],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(dynamodb_2),
        },
        Fix {
            control: "DynamoDB.6",
            iam_actions: &["dynamodb:UpdateTable"],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(dynamodb_6),
        },
    ]
}

/// The table the finding is about, from the snapshot the round judged.
fn table<'s>(target: &Target<'s>) -> Option<&'s TableView> {
    target
        .snapshot
        .regions
        .iter()
        .filter(|r| r.name == target.region)
        .flat_map(|r| r.dynamodb.tables.iter())
        .find(|t| t.arn() == target.resource)
}

/// Turns point-in-time recovery on with DynamoDB's default recovery period (35 days); the
/// table and its data are kept
/// (<https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery_Howitworks.html>).
fn dynamodb_2<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let Some(t) = table(target) else { return Ok(Done::Applied) };
    f.call::<dynamodb::UpdateContinuousBackups>(
        target.region,
        dynamodb::UpdateContinuousBackupsInput {
            table_name: t.name().to_string(),
            point_in_time_recovery_specification: dynamodb::PointInTimeRecoverySpecification {
                point_in_time_recovery_enabled: true,
                recovery_period_in_days: None,
            },
        },
    )?;
    Ok(Done::Applied)
}

/// Turns deletion protection on; nothing else of the table changes
/// (<https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html#WorkingWithTables.Basics.DeletionProtection>).
fn dynamodb_6<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let Some(t) = table(target) else { return Ok(Done::Applied) };
    f.call::<dynamodb::UpdateTable>(
        target.region,
        dynamodb::UpdateTableInput {
            table_name: t.name().to_string(),
            deletion_protection_enabled: Some(true),
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}
