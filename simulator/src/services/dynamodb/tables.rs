//! CreateTable, DescribeTable, ListTables, UpdateTable, DeleteTable
//! (<https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html>,
//! <https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html>).

use std::collections::BTreeMap;

use hubsim_model::dynamodb;

use super::tags::check_tags;
use super::{describe, invalid, locate, no_such_table, Table};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<dynamodb::CreateTable>()
        .add::<dynamodb::DescribeTable>()
        .add::<dynamodb::ListTables>()
        .add::<dynamodb::UpdateTable>()
        .add::<dynamodb::DeleteTable>();
}

/// The most read or write capacity units a table may have without a quota increase
/// (<https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html>).
const MAX_TABLE_CAPACITY: i64 = 40_000;

/// What is not simulated: asking for it is an honest 501.
fn unsupported(what: &str) -> AwsError {
    AwsError::new("NotImplemented", 501, format!("hubsim does not simulate DynamoDB {what}"))
}

/// A table's key: the partition key, the sort key if any, and the attribute definitions.
type Keys = (String, Option<String>, BTreeMap<String, String>);

/// The key schema and attribute definitions: exactly one HASH key first, an optional RANGE key
/// second, each defined, and no attribute defined that no key uses (without indexes, every
/// definition must be a key). Answers `(hash, range, attributes)`.
fn check_keys(
    keys: &[dynamodb::KeySchemaElement],
    definitions: &[dynamodb::AttributeDefinition],
) -> Result<Keys, AwsError> {
    let hash = match keys.first() {
        Some(k) if k.key_type == "HASH" => k.attribute_name.clone(),
        Some(_) => return Err(invalid("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")),
        None => {
            return Err(invalid(
                "1 validation error detected: Value null at 'keySchema' failed to satisfy constraint: Member must not be null",
            ))
        }
    };
    let range = match keys.get(1) {
        Some(k) if k.key_type == "RANGE" => Some(k.attribute_name.clone()),
        Some(_) => return Err(invalid("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")),
        None => None,
    };
    if keys.len() > 2 {
        return Err(invalid("Invalid KeySchema: a table's key schema has at most two elements (HASH, then RANGE)"));
    }
    if range.as_deref() == Some(hash.as_str()) {
        return Err(invalid("Invalid KeySchema: Some index key attribute have no definition or are duplicated"));
    }
    let mut attributes = BTreeMap::new();
    for d in definitions {
        if attributes.insert(d.attribute_name.clone(), d.attribute_type.clone()).is_some() {
            return Err(invalid(format!(
                "One or more parameter values were invalid: Duplicate AttributeName {} in AttributeDefinitions",
                d.attribute_name
            )));
        }
    }
    let names: Vec<&String> = std::iter::once(&hash).chain(range.as_ref()).collect();
    if let Some(undefined) = names.iter().find(|n| !attributes.contains_key(n.as_str())) {
        return Err(invalid(format!(
            "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
            undefined,
            attributes.keys().cloned().collect::<Vec<_>>().join(", ")
        )));
    }
    if attributes.len() != names.len() {
        return Err(invalid(
            "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions",
        ));
    }
    Ok((hash, range, attributes))
}

/// The capacity a billing mode and a throughput give: PROVISIONED needs both units (1–40,000),
/// PAY_PER_REQUEST takes none.
fn capacity(mode: &str, throughput: Option<&dynamodb::ProvisionedThroughput>) -> Result<(i64, i64), AwsError> {
    match (mode, throughput) {
        ("PAY_PER_REQUEST", None) => Ok((0, 0)),
        ("PAY_PER_REQUEST", Some(_)) => Err(invalid(
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        )),
        (_, None) => Err(invalid("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")),
        (_, Some(t)) => {
            for (what, v) in [("ReadCapacityUnits", t.read_capacity_units), ("WriteCapacityUnits", t.write_capacity_units)] {
                if !(1..=MAX_TABLE_CAPACITY).contains(&v) {
                    return Err(AwsError::bad_request(
                        "LimitExceededException",
                        format!("Subscriber limit exceeded: {what} {v} is outside 1 to {MAX_TABLE_CAPACITY}"),
                    ));
                }
            }
            Ok((t.read_capacity_units, t.write_capacity_units))
        }
    }
}

/// The KMS key ARN an `SSESpecification` asks for: `None` for the AWS owned key (no
/// specification, or `Enabled` false); for SSE-KMS the key given (an ARN as is, a key id or an
/// alias in this account and region), else the AWS managed key `alias/aws/dynamodb`
/// (<https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html>).
/// hubsim does not check that the key exists.
fn sse_key(ctx: &Ctx<'_>, sse: Option<&dynamodb::SSESpecification>) -> Result<Option<String>, AwsError> {
    let Some(sse) = sse else { return Ok(None) };
    let enabled = sse.enabled.unwrap_or(false);
    if !enabled {
        if sse.kms_master_key_id.is_some() || sse.sse_type.is_some() {
            return Err(invalid(
                "One or more parameter values were invalid: SSEType and KMSMasterKeyId are only allowed when SSE is enabled",
            ));
        }
        return Ok(None);
    }
    if sse.sse_type.as_deref().is_some_and(|t| t != "KMS") {
        return Err(invalid("One or more parameter values were invalid: SSEType AES256 is not supported; use KMS"));
    }
    let (region, account) = (ctx.region(), ctx.account());
    Ok(Some(match sse.kms_master_key_id.as_deref() {
        None => format!("arn:aws:kms:{region}:{account}:alias/aws/dynamodb"),
        Some(k) if k.starts_with("arn:") => k.to_string(),
        Some(k) if k.starts_with("alias/") => format!("arn:aws:kms:{region}:{account}:{k}"),
        Some(k) => format!("arn:aws:kms:{region}:{account}:key/{k}"),
    }))
}

impl Handler for dynamodb::CreateTable {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: dynamodb::CreateTableInput) -> Result<dynamodb::CreateTableOutput, AwsError> {
        if input.local_secondary_indexes.as_ref().is_some_and(|v| !v.is_empty())
            || input.global_secondary_indexes.as_ref().is_some_and(|v| !v.is_empty())
        {
            return Err(unsupported("secondary indexes"));
        }
        if input.stream_specification.as_ref().is_some_and(|s| s.stream_enabled) {
            return Err(unsupported("streams"));
        }
        let (hash, range, attributes) = check_keys(
            input.key_schema.as_deref().unwrap_or_default(),
            input.attribute_definitions.as_deref().unwrap_or_default(),
        )?;
        let mode = input.billing_mode.clone().unwrap_or_else(|| "PROVISIONED".into());
        let (read, write) = capacity(&mode, input.provisioned_throughput.as_ref())?;
        let kms_key_arn = sse_key(ctx, input.sse_specification.as_ref())?;
        let tags: BTreeMap<String, String> =
            input.tags.unwrap_or_default().into_iter().map(|t| (t.key, t.value)).collect();
        check_tags(&tags, 0)?;
        if input.table_name.starts_with("arn:") {
            return Err(invalid("1 validation error detected: Value at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"));
        }
        if ctx.get::<Table>(&input.table_name)?.is_some() {
            return Err(AwsError::bad_request(
                "ResourceInUseException",
                format!("Table already exists: {}", input.table_name),
            ));
        }
        let now = ctx.now();
        let table = Table {
            name: input.table_name.clone(),
            id: ctx.ids().uuid(),
            created: now,
            attributes,
            hash_key: hash,
            range_key: range,
            on_demand_since: (mode == "PAY_PER_REQUEST").then_some(now),
            billing_mode: mode,
            read_capacity: read,
            write_capacity: write,
            kms_key_arn,
            deletion_protection: input.deletion_protection_enabled.unwrap_or(false),
            pitr_days: None,
            pitr_since: None,
            table_class: input.table_class,
            tags,
        };
        ctx.put(&input.table_name, &table)?;
        Ok(dynamodb::CreateTableOutput { table_description: Some(describe(ctx, &table, "ACTIVE")) })
    }
}

impl Handler for dynamodb::DescribeTable {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: dynamodb::DescribeTableInput,
    ) -> Result<dynamodb::DescribeTableOutput, AwsError> {
        let (_, table) = locate(ctx, &input.table_name, no_such_table)?;
        Ok(dynamodb::DescribeTableOutput { table: Some(describe(ctx, &table, "ACTIVE")) })
    }
}

impl Handler for dynamodb::ListTables {
    const MUTATES: bool = false;

    /// Names in ascending order, at most `Limit` (1–100, default 100) after
    /// `ExclusiveStartTableName`, with `LastEvaluatedTableName` when more may follow.
    fn handle(ctx: &mut Ctx<'_>, input: dynamodb::ListTablesInput) -> Result<dynamodb::ListTablesOutput, AwsError> {
        let limit = input.limit.map_or(100, |l| l.clamp(1, 100) as usize);
        let mut names: Vec<String> = ctx.list::<Table>()?.into_iter().map(|(n, _)| n).collect();
        names.sort();
        let start = input.exclusive_start_table_name.unwrap_or_default();
        let rest: Vec<String> = names.into_iter().filter(|n| n.as_str() > start.as_str()).collect();
        let more = rest.len() > limit;
        let page: Vec<String> = rest.into_iter().take(limit).collect();
        let last = if more { page.last().cloned() } else { None };
        Ok(dynamodb::ListTablesOutput { table_names: Some(page), last_evaluated_table_name: last })
    }
}

impl Handler for dynamodb::UpdateTable {
    const MUTATES: bool = true;

    /// Capacity mode and throughput, encryption, table class and deletion protection; asking
    /// for nothing is refused as DynamoDB refuses it.
    fn handle(ctx: &mut Ctx<'_>, input: dynamodb::UpdateTableInput) -> Result<dynamodb::UpdateTableOutput, AwsError> {
        if input.global_secondary_index_updates.as_ref().is_some_and(|v| !v.is_empty()) {
            return Err(unsupported("secondary indexes"));
        }
        if input.replica_updates.as_ref().is_some_and(|v| !v.is_empty()) {
            return Err(unsupported("global table replicas"));
        }
        if input.stream_specification.as_ref().is_some_and(|s| s.stream_enabled) {
            return Err(unsupported("streams"));
        }
        let (name, mut table) = locate(ctx, &input.table_name, no_such_table)?;
        if input.billing_mode.is_none()
            && input.provisioned_throughput.is_none()
            && input.sse_specification.is_none()
            && input.table_class.is_none()
            && input.deletion_protection_enabled.is_none()
        {
            return Err(invalid("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required"));
        }
        let mode = input.billing_mode.clone().unwrap_or_else(|| table.billing_mode.clone());
        if mode != table.billing_mode || input.provisioned_throughput.is_some() {
            let throughput = input.provisioned_throughput.as_ref();
            let (read, write) = if mode == "PROVISIONED" && throughput.is_none() && table.billing_mode == mode {
                (table.read_capacity, table.write_capacity)
            } else {
                capacity(&mode, throughput)?
            };
            if mode == "PAY_PER_REQUEST" && table.billing_mode != mode {
                table.on_demand_since = Some(ctx.now());
            }
            table.billing_mode = mode;
            table.read_capacity = read;
            table.write_capacity = write;
        }
        if let Some(sse) = input.sse_specification.as_ref() {
            table.kms_key_arn = sse_key(ctx, Some(sse))?;
        }
        if let Some(class) = input.table_class {
            table.table_class = Some(class);
        }
        if let Some(p) = input.deletion_protection_enabled {
            table.deletion_protection = p;
        }
        ctx.put(&name, &table)?;
        Ok(dynamodb::UpdateTableOutput { table_description: Some(describe(ctx, &table, "ACTIVE")) })
    }
}

impl Handler for dynamodb::DeleteTable {
    const MUTATES: bool = true;

    /// Refused while deletion protection is on
    /// (<https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html#WorkingWithTables.Basics.DeletionProtection>).
    fn handle(ctx: &mut Ctx<'_>, input: dynamodb::DeleteTableInput) -> Result<dynamodb::DeleteTableOutput, AwsError> {
        let (name, table) = locate(ctx, &input.table_name, no_such_table)?;
        if table.deletion_protection {
            return Err(invalid(format!(
                "Resource cannot be deleted as it is currently protected against manual deletion. Disable deletion protection first. Table: {name}"
            )));
        }
        ctx.delete::<Table>(&name)?;
        Ok(dynamodb::DeleteTableOutput { table_description: Some(describe(ctx, &table, "DELETING")) })
    }
}
