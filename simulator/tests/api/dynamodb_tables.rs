//! DynamoDB tables through the typed API: CreateTable's key and capacity rules, describe and
//! list, UpdateTable, deletion protection, point-in-time recovery and tags; each refusal
//! changes nothing.

use hubsim_simulator::model::dynamodb as ddb;
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "eu-west-1";

fn key(name: &str, kind: &str) -> ddb::KeySchemaElement {
    ddb::KeySchemaElement { attribute_name: name.into(), key_type: kind.into() }
}

fn attr(name: &str, ty: &str) -> ddb::AttributeDefinition {
    ddb::AttributeDefinition { attribute_name: name.into(), attribute_type: ty.into() }
}

fn provisioned(name: &str) -> ddb::CreateTableInput {
    ddb::CreateTableInput {
        table_name: name.into(),
        key_schema: Some(vec![key("pk", "HASH"), key("sk", "RANGE")]),
        attribute_definitions: Some(vec![attr("pk", "S"), attr("sk", "N")]),
        provisioned_throughput: Some(ddb::ProvisionedThroughput { read_capacity_units: 5, write_capacity_units: 5 }),
        ..Default::default()
    }
}

fn create(sim: &Simulator, input: ddb::CreateTableInput) -> Result<ddb::TableDescription, AwsError> {
    sim.call::<ddb::CreateTable>(REGION, input).map(|o| o.table_description.unwrap())
}

fn describe(sim: &Simulator, name: &str) -> Result<ddb::TableDescription, AwsError> {
    sim.call::<ddb::DescribeTable>(REGION, ddb::DescribeTableInput { table_name: name.into() })
        .map(|o| o.table.unwrap())
}

fn update(sim: &Simulator, input: ddb::UpdateTableInput) -> Result<ddb::TableDescription, AwsError> {
    sim.call::<ddb::UpdateTable>(REGION, input).map(|o| o.table_description.unwrap())
}

fn pitr(sim: &Simulator, name: &str) -> ddb::PointInTimeRecoveryDescription {
    sim.call::<ddb::DescribeContinuousBackups>(REGION, ddb::DescribeContinuousBackupsInput { table_name: name.into() })
        .unwrap()
        .continuous_backups_description
        .unwrap()
        .point_in_time_recovery_description
        .unwrap()
}

#[test]
fn create_table_describes_keys_capacity_and_defaults() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let t = create(&sim, provisioned("orders")).unwrap();
    assert_eq!(t.table_arn.as_deref(), Some(format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders").as_str()));
    assert_eq!(t.table_status.as_deref(), Some("ACTIVE"));
    assert_eq!(t.key_schema.as_ref().unwrap()[0], key("pk", "HASH"));
    assert_eq!(t.provisioned_throughput.as_ref().unwrap().read_capacity_units, Some(5));
    assert!(t.billing_mode_summary.is_none(), "a provisioned table never on demand has no summary");
    assert_eq!(t.deletion_protection_enabled, Some(false));
    assert!(t.sse_description.is_none(), "the AWS owned key is not described");
    assert_eq!(describe(&sim, "orders").unwrap(), t);
    // By ARN too.
    assert_eq!(describe(&sim, t.table_arn.as_deref().unwrap()).unwrap(), t);
    let p = pitr(&sim, "orders");
    assert_eq!(p.point_in_time_recovery_status.as_deref(), Some("DISABLED"));

    let on_demand = create(
        &sim,
        ddb::CreateTableInput {
            table_name: "events".into(),
            key_schema: Some(vec![key("id", "HASH")]),
            attribute_definitions: Some(vec![attr("id", "S")]),
            billing_mode: Some("PAY_PER_REQUEST".into()),
            deletion_protection_enabled: Some(true),
            sse_specification: Some(ddb::SSESpecification { enabled: Some(true), ..Default::default() }),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(on_demand.billing_mode_summary.unwrap().billing_mode.as_deref(), Some("PAY_PER_REQUEST"));
    assert_eq!(on_demand.deletion_protection_enabled, Some(true));
    assert_eq!(
        on_demand.sse_description.unwrap().kms_master_key_arn.as_deref(),
        Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/dynamodb").as_str())
    );
}

#[test]
fn create_table_refusals_name_the_problem_and_change_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let cases: Vec<(ddb::CreateTableInput, &str, &str)> = vec![
        (
            ddb::CreateTableInput { key_schema: Some(vec![key("sk", "RANGE"), key("pk", "HASH")]), ..provisioned("t") },
            "ValidationException",
            "not a HASH key",
        ),
        (
            ddb::CreateTableInput { attribute_definitions: Some(vec![attr("pk", "S")]), ..provisioned("t") },
            "ValidationException",
            "not defined in AttributeDefinitions",
        ),
        (
            ddb::CreateTableInput {
                attribute_definitions: Some(vec![attr("pk", "S"), attr("sk", "N"), attr("x", "S")]),
                ..provisioned("t")
            },
            "ValidationException",
            "does not exactly match",
        ),
        (
            ddb::CreateTableInput { provisioned_throughput: None, ..provisioned("t") },
            "ValidationException",
            "must both be specified when BillingMode is PROVISIONED",
        ),
        (
            ddb::CreateTableInput { billing_mode: Some("PAY_PER_REQUEST".into()), ..provisioned("t") },
            "ValidationException",
            "PAY_PER_REQUEST",
        ),
    ];
    for (input, code, message) in cases {
        let e = create(&sim, input).unwrap_err();
        assert_eq!(e.code, code);
        assert!(e.message.contains(message), "{}", e.message);
    }
    let e = describe(&sim, "t").unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("ResourceNotFoundException", "Requested resource not found: Table: t not found")
    );
    create(&sim, provisioned("t")).unwrap();
    let e = create(&sim, provisioned("t")).unwrap_err();
    assert_eq!((e.code.as_str(), e.message.as_str()), ("ResourceInUseException", "Table already exists: t"));
}

#[test]
fn list_tables_pages_in_name_order() {
    let sim = fresh_account(Era::Current, &[REGION]);
    for name in ["ccc", "aaa", "bbb"] {
        create(&sim, provisioned(name)).unwrap();
    }
    let page = sim
        .call::<ddb::ListTables>(REGION, ddb::ListTablesInput { limit: Some(2), exclusive_start_table_name: None })
        .unwrap();
    assert_eq!(page.table_names.unwrap(), ["aaa", "bbb"]);
    assert_eq!(page.last_evaluated_table_name.as_deref(), Some("bbb"));
    let rest = sim
        .call::<ddb::ListTables>(
            REGION,
            ddb::ListTablesInput { limit: Some(2), exclusive_start_table_name: Some("bbb".into()) },
        )
        .unwrap();
    assert_eq!(rest.table_names.unwrap(), ["ccc"]);
    assert!(rest.last_evaluated_table_name.is_none());
}

#[test]
fn update_table_switches_capacity_mode_and_protection() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, provisioned("t")).unwrap();
    let e = update(&sim, ddb::UpdateTableInput { table_name: "t".into(), ..Default::default() }).unwrap_err();
    assert_eq!(e.code, "ValidationException");
    let e = update(
        &sim,
        ddb::UpdateTableInput {
            table_name: "t".into(),
            billing_mode: Some("PROVISIONED".into()),
            provisioned_throughput: Some(ddb::ProvisionedThroughput {
                read_capacity_units: 0,
                write_capacity_units: 1,
            }),
            ..Default::default()
        },
    );
    assert!(e.is_err(), "0 units refused by the model or the handler");
    let t = update(
        &sim,
        ddb::UpdateTableInput {
            table_name: "t".into(),
            billing_mode: Some("PAY_PER_REQUEST".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let summary = t.billing_mode_summary.unwrap();
    assert_eq!(summary.billing_mode.as_deref(), Some("PAY_PER_REQUEST"));
    assert!(summary.last_update_to_pay_per_request_date_time.is_some());
    assert_eq!(t.provisioned_throughput.unwrap().read_capacity_units, Some(0));
    let t = update(
        &sim,
        ddb::UpdateTableInput { table_name: "t".into(), deletion_protection_enabled: Some(true), ..Default::default() },
    )
    .unwrap();
    assert_eq!(t.deletion_protection_enabled, Some(true));
    let e = update(
        &sim,
        ddb::UpdateTableInput {
            table_name: "nope".into(),
            deletion_protection_enabled: Some(true),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.code, "ResourceNotFoundException");
}

#[test]
fn deletion_protection_refuses_delete_table_until_turned_off() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, ddb::CreateTableInput { deletion_protection_enabled: Some(true), ..provisioned("t") }).unwrap();
    let delete = || sim.call::<ddb::DeleteTable>(REGION, ddb::DeleteTableInput { table_name: "t".into() });
    let e = delete().unwrap_err();
    assert_eq!(e.code, "ValidationException");
    assert!(e.message.contains("protected against manual deletion"), "{}", e.message);
    assert!(describe(&sim, "t").is_ok(), "the refused delete kept the table");
    update(
        &sim,
        ddb::UpdateTableInput {
            table_name: "t".into(),
            deletion_protection_enabled: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(delete().unwrap().table_description.unwrap().table_status.as_deref(), Some("DELETING"));
    assert_eq!(describe(&sim, "t").unwrap_err().code, "ResourceNotFoundException");
}

#[test]
fn point_in_time_recovery_turns_on_with_its_period_and_off() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, provisioned("t")).unwrap();
    let set = |enabled: bool, days: Option<i32>| {
        sim.call::<ddb::UpdateContinuousBackups>(
            REGION,
            ddb::UpdateContinuousBackupsInput {
                table_name: "t".into(),
                point_in_time_recovery_specification: ddb::PointInTimeRecoverySpecification {
                    point_in_time_recovery_enabled: enabled,
                    recovery_period_in_days: days,
                },
            },
        )
    };
    set(true, None).unwrap();
    let p = pitr(&sim, "t");
    assert_eq!(p.point_in_time_recovery_status.as_deref(), Some("ENABLED"));
    assert_eq!(p.recovery_period_in_days, Some(35));
    assert!(p.earliest_restorable_date_time.is_some());
    set(true, Some(7)).unwrap();
    assert_eq!(pitr(&sim, "t").recovery_period_in_days, Some(7));
    assert_eq!(set(false, Some(7)).unwrap_err().code, "ValidationException");
    assert_eq!(pitr(&sim, "t").recovery_period_in_days, Some(7), "the refusal kept PITR as it was");
    set(false, None).unwrap();
    assert_eq!(pitr(&sim, "t").point_in_time_recovery_status.as_deref(), Some("DISABLED"));
    let e = sim
        .call::<ddb::DescribeContinuousBackups>(REGION, ddb::DescribeContinuousBackupsInput { table_name: "x".into() })
        .unwrap_err();
    assert_eq!((e.code.as_str(), e.message.as_str()), ("TableNotFoundException", "Table not found: x"));
}

#[test]
fn tags_by_arn_with_limits() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let arn = create(&sim, provisioned("t")).unwrap().table_arn.unwrap();
    let tag = |k: &str| ddb::Tag { key: k.into(), value: "v".into() };
    sim.call::<ddb::TagResource>(
        REGION,
        ddb::TagResourceInput { resource_arn: arn.clone(), tags: vec![tag("a"), tag("b")] },
    )
    .unwrap();
    sim.call::<ddb::UntagResource>(
        REGION,
        ddb::UntagResourceInput { resource_arn: arn.clone(), tag_keys: vec!["a".into()] },
    )
    .unwrap();
    let list = |arn: &str| {
        sim.call::<ddb::ListTagsOfResource>(
            REGION,
            ddb::ListTagsOfResourceInput { resource_arn: arn.into(), next_token: None },
        )
    };
    assert_eq!(list(&arn).unwrap().tags.unwrap(), vec![tag("b")]);
    let e = sim
        .call::<ddb::TagResource>(REGION, ddb::TagResourceInput { resource_arn: arn.clone(), tags: vec![tag("aws:x")] })
        .unwrap_err();
    assert_eq!(e.code, "ValidationException");
    let many: Vec<ddb::Tag> = (0..50).map(|i| tag(&format!("k{i}"))).collect();
    let e = sim
        .call::<ddb::TagResource>(REGION, ddb::TagResourceInput { resource_arn: arn.clone(), tags: many })
        .unwrap_err();
    assert_eq!(e.code, "LimitExceededException");
    assert_eq!(list(&arn).unwrap().tags.unwrap(), vec![tag("b")], "refused tags changed nothing");
    let other = format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/none");
    assert_eq!(list(&other).unwrap_err().code, "ResourceNotFoundException");
}
