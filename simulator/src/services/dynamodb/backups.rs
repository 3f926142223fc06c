//! DescribeContinuousBackups, UpdateContinuousBackups: point-in-time recovery
//! (<https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateContinuousBackups.html>).
//! Continuous backups are always ENABLED on a table; point-in-time recovery is off until
//! turned on, with a recovery period of 1–35 days (35 when not given).

use hubsim_model::dynamodb;

use super::{locate, Table};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<dynamodb::DescribeContinuousBackups>().add::<dynamodb::UpdateContinuousBackups>();
}

/// The recovery period when none is given.
const DEFAULT_RECOVERY_DAYS: i32 = 35;

/// 400 `TableNotFoundException`, what the backup operations answer for a missing table.
fn table_not_found(name: &str) -> AwsError {
    AwsError::bad_request("TableNotFoundException", format!("Table not found: {name}"))
}

/// A table's continuous backups as DynamoDB describes them at `now`.
fn description(t: &Table, now: hubsim_model::Timestamp) -> dynamodb::ContinuousBackupsDescription {
    let pitr = match t.pitr_days {
        Some(days) => dynamodb::PointInTimeRecoveryDescription {
            point_in_time_recovery_status: Some("ENABLED".into()),
            recovery_period_in_days: Some(days),
            earliest_restorable_date_time: t.pitr_since,
            latest_restorable_date_time: Some(now),
        },
        None => dynamodb::PointInTimeRecoveryDescription {
            point_in_time_recovery_status: Some("DISABLED".into()),
            ..Default::default()
        },
    };
    dynamodb::ContinuousBackupsDescription {
        continuous_backups_status: "ENABLED".into(),
        point_in_time_recovery_description: Some(pitr),
    }
}

impl Handler for dynamodb::DescribeContinuousBackups {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: dynamodb::DescribeContinuousBackupsInput,
    ) -> Result<dynamodb::DescribeContinuousBackupsOutput, AwsError> {
        let (_, table) = locate(ctx, &input.table_name, table_not_found)?;
        Ok(dynamodb::DescribeContinuousBackupsOutput {
            continuous_backups_description: Some(description(&table, ctx.now())),
        })
    }
}

impl Handler for dynamodb::UpdateContinuousBackups {
    const MUTATES: bool = true;

    /// Turns point-in-time recovery on (with its period) or off; a period with recovery off is
    /// refused.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: dynamodb::UpdateContinuousBackupsInput,
    ) -> Result<dynamodb::UpdateContinuousBackupsOutput, AwsError> {
        let (name, mut table) = locate(ctx, &input.table_name, table_not_found)?;
        let spec = input.point_in_time_recovery_specification;
        if spec.point_in_time_recovery_enabled {
            let days = spec.recovery_period_in_days.unwrap_or(DEFAULT_RECOVERY_DAYS);
            if table.pitr_days.is_none() {
                table.pitr_since = Some(ctx.now());
            }
            table.pitr_days = Some(days);
        } else {
            if spec.recovery_period_in_days.is_some() {
                return Err(super::invalid(
                    "RecoveryPeriodInDays can only be set when PointInTimeRecoveryEnabled is true",
                ));
            }
            table.pitr_days = None;
            table.pitr_since = None;
        }
        ctx.put(&name, &table)?;
        Ok(dynamodb::UpdateContinuousBackupsOutput {
            continuous_backups_description: Some(description(&table, ctx.now())),
        })
    }
}
