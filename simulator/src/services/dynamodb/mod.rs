//! Amazon DynamoDB: tables (key schema, capacity mode, encryption, deletion protection),
//! continuous backups with point-in-time recovery, and tags. hubsim holds no items: a table's
//! size and item count always read 0, and a table is ACTIVE as soon as it is created.
//!
//! Tables are regional and stored under their name; a call may name a table by its name or its
//! ARN (<https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTable.html>).
//! Secondary indexes, streams and global tables are not simulated: a request asking for one is
//! answered `NotImplemented` rather than accepted and forgotten.

mod backups;
mod tables;
mod tags;

use std::collections::BTreeMap;

use hubsim_model::{dynamodb, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::Resource;
use crate::Ctx;

/// Registers DynamoDB's operations.
pub fn register(r: &mut Registrar) {
    tables::register(r);
    backups::register(r);
    tags::register(r);
}

/// One table as stored (id: its name, in its region).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Table name.
    pub name: String,
    /// The id DynamoDB gives the table (a UUID).
    pub id: String,
    /// Creation time.
    pub created: Timestamp,
    /// Attribute definitions (name → `S`, `N` or `B`).
    pub attributes: BTreeMap<String, String>,
    /// The partition key's name.
    pub hash_key: String,
    /// The sort key's name, if any.
    pub range_key: Option<String>,
    /// `PROVISIONED` or `PAY_PER_REQUEST`.
    pub billing_mode: String,
    /// Read capacity units (0 on demand).
    pub read_capacity: i64,
    /// Write capacity units (0 on demand).
    pub write_capacity: i64,
    /// When the table last switched to on-demand.
    #[serde(default)]
    pub on_demand_since: Option<Timestamp>,
    /// The KMS key ARN of SSE-KMS; `None` for the AWS owned key (the default).
    #[serde(default)]
    pub kms_key_arn: Option<String>,
    /// Deletion protection.
    #[serde(default)]
    pub deletion_protection: bool,
    /// Point-in-time recovery: the recovery period in days while enabled.
    #[serde(default)]
    pub pitr_days: Option<i32>,
    /// When point-in-time recovery was last enabled.
    #[serde(default)]
    pub pitr_since: Option<Timestamp>,
    /// `STANDARD` or `STANDARD_INFREQUENT_ACCESS`.
    #[serde(default)]
    pub table_class: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

impl Resource for Table {
    const KIND: &'static str = "dynamodb:table";
    const GLOBAL: bool = false;
}

/// The ARN of table `name`.
pub fn table_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:dynamodb:{region}:{account}:table/{name}")
}

/// 400 `ValidationException`.
pub(crate) fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("ValidationException", message)
}

/// 400 `ResourceNotFoundException` for table `name`, in DescribeTable's wording.
pub(crate) fn no_such_table(name: &str) -> AwsError {
    AwsError::bad_request("ResourceNotFoundException", format!("Requested resource not found: Table: {name} not found"))
}

/// The table a `TableName` member names (a name or a table ARN of this account and region):
/// `(name, table)`, or `missing(name)` when there is none.
pub(crate) fn locate(
    ctx: &Ctx<'_>,
    name_or_arn: &str,
    missing: fn(&str) -> AwsError,
) -> Result<(String, Table), AwsError> {
    let name = match name_or_arn.strip_prefix("arn:") {
        Some(_) => {
            let prefix = table_arn(ctx.region(), ctx.account(), "");
            match name_or_arn.strip_prefix(&prefix) {
                Some(n) if !n.is_empty() && !n.contains('/') => n,
                _ => return Err(missing(name_or_arn)),
            }
        }
        None => name_or_arn,
    };
    let table = ctx.get::<Table>(name)?.ok_or_else(|| missing(name))?;
    Ok((name.to_string(), table))
}

/// The table as DescribeTable, CreateTable, UpdateTable and DeleteTable answer it.
pub(crate) fn describe(ctx: &Ctx<'_>, t: &Table, status: &str) -> dynamodb::TableDescription {
    let mut key_schema =
        vec![dynamodb::KeySchemaElement { attribute_name: t.hash_key.clone(), key_type: "HASH".into() }];
    if let Some(r) = &t.range_key {
        key_schema.push(dynamodb::KeySchemaElement { attribute_name: r.clone(), key_type: "RANGE".into() });
    }
    let on_demand = t.billing_mode == "PAY_PER_REQUEST";
    dynamodb::TableDescription {
        attribute_definitions: Some(
            t.attributes
                .iter()
                .map(|(n, ty)| dynamodb::AttributeDefinition { attribute_name: n.clone(), attribute_type: ty.clone() })
                .collect(),
        ),
        table_name: Some(t.name.clone()),
        key_schema: Some(key_schema),
        table_status: Some(status.into()),
        creation_date_time: Some(t.created),
        provisioned_throughput: Some(dynamodb::ProvisionedThroughputDescription {
            number_of_decreases_today: Some(0),
            read_capacity_units: Some(t.read_capacity),
            write_capacity_units: Some(t.write_capacity),
            ..Default::default()
        }),
        table_size_bytes: Some(0),
        item_count: Some(0),
        table_arn: Some(table_arn(ctx.region(), ctx.account(), &t.name)),
        table_id: Some(t.id.clone()),
        // DynamoDB reports the summary once a table has been on demand.
        billing_mode_summary: (on_demand || t.on_demand_since.is_some()).then(|| dynamodb::BillingModeSummary {
            billing_mode: Some(t.billing_mode.clone()),
            last_update_to_pay_per_request_date_time: t.on_demand_since,
        }),
        sse_description: t.kms_key_arn.as_ref().map(|k| dynamodb::SSEDescription {
            status: Some("ENABLED".into()),
            sse_type: Some("KMS".into()),
            kms_master_key_arn: Some(k.clone()),
            ..Default::default()
        }),
        table_class_summary: t
            .table_class
            .as_ref()
            .map(|c| dynamodb::TableClassSummary { table_class: Some(c.clone()), ..Default::default() }),
        deletion_protection_enabled: Some(t.deletion_protection),
        ..Default::default()
    }
}
