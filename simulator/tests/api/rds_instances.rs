//! RDS DB instances, subnet groups, snapshots and tags through the typed API: AWS's defaults
//! and validation, pending modifications, deletion rules, snapshot sharing.

use hubsim_simulator::model::{ec2, rds};
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "eu-west-1";

fn code<T: std::fmt::Debug>(r: Result<T, AwsError>) -> String {
    r.unwrap_err().code
}

fn create_input(id: &str, engine: &str) -> rds::CreateDBInstanceMessage {
    rds::CreateDBInstanceMessage {
        db_instance_identifier: id.into(),
        db_instance_class: "db.t3.micro".into(),
        engine: engine.into(),
        allocated_storage: Some(20),
        master_username: Some("appadmin".into()),
        master_user_password: Some("correct-horse".into()),
        ..Default::default()
    }
}

fn create(sim: &Simulator, input: rds::CreateDBInstanceMessage) -> Result<rds::DBInstance, AwsError> {
    sim.call::<rds::CreateDBInstance>(REGION, input).map(|r| r.db_instance.unwrap())
}

fn describe(sim: &Simulator, id: &str) -> rds::DBInstance {
    sim.call::<rds::DescribeDBInstances>(
        REGION,
        rds::DescribeDBInstancesMessage { db_instance_identifier: Some(id.into()), ..Default::default() },
    )
    .unwrap()
    .db_instances
    .unwrap()
    .remove(0)
}

fn all_instances(sim: &Simulator) -> Vec<rds::DBInstance> {
    sim.call::<rds::DescribeDBInstances>(REGION, Default::default()).unwrap().db_instances.unwrap_or_default()
}

fn modify(sim: &Simulator, input: rds::ModifyDBInstanceMessage) -> Result<rds::DBInstance, AwsError> {
    sim.call::<rds::ModifyDBInstance>(REGION, input).map(|r| r.db_instance.unwrap())
}

#[test]
fn create_applies_awss_defaults_per_engine() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let i = create(&sim, create_input("Orders-DB", "postgres")).unwrap();
    // Identifiers are stored lower-cased.
    assert_eq!(i.db_instance_identifier.as_deref(), Some("orders-db"));
    assert_eq!(i.db_instance_arn.as_deref(), Some(format!("arn:aws:rds:{REGION}:{ACCOUNT}:db:orders-db").as_str()));
    assert_eq!(i.db_instance_status.as_deref(), Some("available"));
    assert_eq!(i.endpoint.as_ref().and_then(|e| e.port), Some(5432));
    assert_eq!(i.backup_retention_period, Some(1));
    assert_eq!(i.multi_az, Some(false));
    assert_eq!(i.storage_encrypted, Some(false));
    assert_eq!(i.deletion_protection, Some(false));
    assert_eq!(i.auto_minor_version_upgrade, Some(true));
    assert_eq!(i.iam_database_authentication_enabled, Some(false));
    assert_eq!(i.copy_tags_to_snapshot, Some(false));
    assert_eq!(i.monitoring_interval, Some(0));
    assert!(i.enabled_cloudwatch_logs_exports.is_none());
    // The fresh account's default VPC has an internet gateway: public by default.
    assert_eq!(i.publicly_accessible, Some(true));
    assert!(i.dbi_resource_id.as_deref().unwrap().starts_with("db-"));
    // The password is never stored or answered.
    assert!(!serde_json::to_string(&describe(&sim, "orders-db")).unwrap().contains("correct-horse"));

    let m = create(&sim, create_input("shop", "mysql")).unwrap();
    assert_eq!(m.endpoint.and_then(|e| e.port), Some(3306));
    let s = create(
        &sim,
        rds::CreateDBInstanceMessage { allocated_storage: Some(100), ..create_input("mssql", "sqlserver-se") },
    )
    .unwrap();
    assert_eq!(s.endpoint.and_then(|e| e.port), Some(1433));
    assert_eq!(describe(&sim, &format!("arn:aws:rds:{REGION}:{ACCOUNT}:db:shop")).engine.as_deref(), Some("mysql"));
}

#[test]
fn create_takes_the_security_settings() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let i = create(
        &sim,
        rds::CreateDBInstanceMessage {
            multi_az: Some(true),
            publicly_accessible: Some(false),
            storage_encrypted: Some(true),
            backup_retention_period: Some(7),
            deletion_protection: Some(true),
            auto_minor_version_upgrade: Some(false),
            enable_iam_database_authentication: Some(true),
            copy_tags_to_snapshot: Some(true),
            enable_cloudwatch_logs_exports: Some(vec!["postgresql".into(), "upgrade".into()]),
            monitoring_interval: Some(60),
            monitoring_role_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/rds-monitoring")),
            port: Some(6543),
            ..create_input("secure", "postgres")
        },
    )
    .unwrap();
    assert_eq!(i.multi_az, Some(true));
    assert!(i.secondary_availability_zone.is_some() && i.secondary_availability_zone != i.availability_zone);
    assert_eq!(i.publicly_accessible, Some(false));
    assert_eq!(i.storage_encrypted, Some(true));
    assert_eq!(i.kms_key_id.as_deref(), Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/rds").as_str()));
    assert_eq!(i.backup_retention_period, Some(7));
    assert_eq!(i.deletion_protection, Some(true));
    assert_eq!(i.auto_minor_version_upgrade, Some(false));
    assert_eq!(i.iam_database_authentication_enabled, Some(true));
    assert_eq!(i.copy_tags_to_snapshot, Some(true));
    assert_eq!(i.enabled_cloudwatch_logs_exports, Some(vec!["postgresql".to_string(), "upgrade".to_string()]));
    assert_eq!(i.monitoring_interval, Some(60));
    assert!(i.enhanced_monitoring_resource_arn.as_deref().unwrap().contains("RDSOSMetrics"));
    assert_eq!(i.endpoint.and_then(|e| e.port), Some(6543));
}

#[test]
fn create_refuses_bad_input_and_changes_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let cases: Vec<(rds::CreateDBInstanceMessage, &str)> = vec![
        (create_input("1db", "mysql"), "InvalidParameterValue"),
        (create_input("db--x", "mysql"), "InvalidParameterValue"),
        (create_input("db-", "mysql"), "InvalidParameterValue"),
        (create_input("db", "nosql"), "InvalidParameterValue"),
        (create_input("db", "aurora-mysql"), "InvalidParameterValue"),
        (
            rds::CreateDBInstanceMessage { db_instance_class: "t3.micro".into(), ..create_input("db", "mysql") },
            "InvalidParameterValue",
        ),
        (
            rds::CreateDBInstanceMessage { allocated_storage: Some(5), ..create_input("db", "mysql") },
            "InvalidParameterValue",
        ),
        (
            rds::CreateDBInstanceMessage { allocated_storage: None, ..create_input("db", "mysql") },
            "InvalidParameterValue",
        ),
        (
            rds::CreateDBInstanceMessage { master_username: None, ..create_input("db", "mysql") },
            "InvalidParameterValue",
        ),
        (
            rds::CreateDBInstanceMessage { master_user_password: None, ..create_input("db", "mysql") },
            "InvalidParameterValue",
        ),
        (
            rds::CreateDBInstanceMessage { backup_retention_period: Some(36), ..create_input("db", "mysql") },
            "InvalidParameterValue",
        ),
        (
            rds::CreateDBInstanceMessage { monitoring_interval: Some(7), ..create_input("db", "mysql") },
            "InvalidParameterValue",
        ),
        (
            rds::CreateDBInstanceMessage { monitoring_interval: Some(60), ..create_input("db", "mysql") },
            "InvalidParameterCombination",
        ),
        (
            rds::CreateDBInstanceMessage {
                enable_cloudwatch_logs_exports: Some(vec!["postgresql".into()]),
                ..create_input("db", "mysql")
            },
            "InvalidParameterCombination",
        ),
        (
            rds::CreateDBInstanceMessage {
                enable_iam_database_authentication: Some(true),
                ..create_input("db", "oracle-ee")
            },
            "InvalidParameterCombination",
        ),
        (
            rds::CreateDBInstanceMessage { kms_key_id: Some("alias/x".into()), ..create_input("db", "mysql") },
            "InvalidParameterCombination",
        ),
        (
            rds::CreateDBInstanceMessage {
                storage_encrypted: Some(true),
                kms_key_id: Some("alias/none".into()),
                ..create_input("db", "mysql")
            },
            "KMSKeyNotAccessibleFault",
        ),
        (
            rds::CreateDBInstanceMessage { db_subnet_group_name: Some("nope".into()), ..create_input("db", "mysql") },
            "DBSubnetGroupNotFoundFault",
        ),
    ];
    for (input, want) in cases {
        let id = input.db_instance_identifier.clone();
        assert_eq!(code(create(&sim, input)), want, "{id}");
    }
    assert!(all_instances(&sim).is_empty());
    create(&sim, create_input("db", "mysql")).unwrap();
    assert_eq!(code(create(&sim, create_input("DB", "postgres"))), "DBInstanceAlreadyExists");
    assert_eq!(describe(&sim, "db").engine.as_deref(), Some("mysql"));
    assert_eq!(
        code(sim.call::<rds::DescribeDBInstances>(
            REGION,
            rds::DescribeDBInstancesMessage { db_instance_identifier: Some("gone".into()), ..Default::default() }
        )),
        "DBInstanceNotFound"
    );
}

#[test]
fn describe_filters_and_pages() {
    let sim = fresh_account(Era::Current, &[REGION]);
    for n in 0..25 {
        create(&sim, create_input(&format!("db{n:02}"), if n % 2 == 0 { "mysql" } else { "postgres" })).unwrap();
    }
    let first = sim
        .call::<rds::DescribeDBInstances>(
            REGION,
            rds::DescribeDBInstancesMessage { max_records: Some(20), ..Default::default() },
        )
        .unwrap();
    assert_eq!(first.db_instances.unwrap().len(), 20);
    let rest = sim
        .call::<rds::DescribeDBInstances>(
            REGION,
            rds::DescribeDBInstancesMessage { max_records: Some(20), marker: first.marker, ..Default::default() },
        )
        .unwrap();
    assert_eq!(rest.db_instances.unwrap().len(), 5);
    assert!(rest.marker.is_none());
    let filter = |name: &str, v: &str| {
        sim.call::<rds::DescribeDBInstances>(
            REGION,
            rds::DescribeDBInstancesMessage {
                filters: Some(vec![rds::Filter { name: name.into(), values: vec![v.into()] }]),
                ..Default::default()
            },
        )
    };
    assert_eq!(filter("engine", "postgres").unwrap().db_instances.unwrap().len(), 12);
    assert_eq!(filter("db-instance-id", "db03").unwrap().db_instances.unwrap().len(), 1);
    assert_eq!(code(filter("colour", "red")), "InvalidParameterValue");
    assert_eq!(
        code(sim.call::<rds::DescribeDBInstances>(
            REGION,
            rds::DescribeDBInstancesMessage { max_records: Some(5), ..Default::default() }
        )),
        "InvalidParameterValue"
    );
}

#[test]
fn modify_applies_at_once_or_keeps_pending() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, rds::CreateDBInstanceMessage { backup_retention_period: Some(0), ..create_input("db", "mysql") })
        .unwrap();
    // Multi-AZ and turning backups on wait for the maintenance window without ApplyImmediately.
    let i = modify(
        &sim,
        rds::ModifyDBInstanceMessage {
            db_instance_identifier: "db".into(),
            multi_az: Some(true),
            backup_retention_period: Some(7),
            deletion_protection: Some(true),
            cloudwatch_logs_export_configuration: Some(rds::CloudwatchLogsExportConfiguration {
                enable_log_types: Some(vec!["error".into(), "audit".into()]),
                disable_log_types: None,
            }),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(i.multi_az, Some(false));
    assert_eq!(i.backup_retention_period, Some(0));
    let pending = i.pending_modified_values.unwrap();
    assert_eq!((pending.multi_az, pending.backup_retention_period), (Some(true), Some(7)));
    // Deletion protection and log exports apply whatever ApplyImmediately says.
    assert_eq!(i.deletion_protection, Some(true));
    assert_eq!(i.enabled_cloudwatch_logs_exports, Some(vec!["error".to_string(), "audit".to_string()]));
    // A later call with ApplyImmediately applies the queue too.
    let i = modify(
        &sim,
        rds::ModifyDBInstanceMessage {
            db_instance_identifier: "db".into(),
            apply_immediately: Some(true),
            cloudwatch_logs_export_configuration: Some(rds::CloudwatchLogsExportConfiguration {
                enable_log_types: None,
                disable_log_types: Some(vec!["audit".into()]),
            }),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!((i.multi_az, i.backup_retention_period), (Some(true), Some(7)));
    assert_eq!(i.pending_modified_values, Some(rds::PendingModifiedValues::default()));
    assert_eq!(i.enabled_cloudwatch_logs_exports, Some(vec!["error".to_string()]));
    assert_eq!(describe(&sim, "db"), i);
    // Refusals change nothing.
    let before = describe(&sim, "db");
    for bad in [
        rds::ModifyDBInstanceMessage {
            db_instance_identifier: "db".into(),
            backup_retention_period: Some(40),
            deletion_protection: Some(false),
            ..Default::default()
        },
        rds::ModifyDBInstanceMessage {
            db_instance_identifier: "db".into(),
            monitoring_interval: Some(30),
            ..Default::default()
        },
        rds::ModifyDBInstanceMessage {
            db_instance_identifier: "db".into(),
            cloudwatch_logs_export_configuration: Some(rds::CloudwatchLogsExportConfiguration {
                enable_log_types: Some(vec!["postgresql".into()]),
                disable_log_types: None,
            }),
            ..Default::default()
        },
    ] {
        assert!(modify(&sim, bad).is_err());
    }
    assert_eq!(describe(&sim, "db"), before);
    assert_eq!(
        code(modify(
            &sim,
            rds::ModifyDBInstanceMessage { db_instance_identifier: "nope".into(), ..Default::default() }
        )),
        "DBInstanceNotFound"
    );
}

#[test]
fn delete_respects_protection_and_final_snapshot_rules() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, rds::CreateDBInstanceMessage { deletion_protection: Some(true), ..create_input("db", "mysql") })
        .unwrap();
    let delete = |skip: Option<bool>, fin: Option<&str>| {
        sim.call::<rds::DeleteDBInstance>(
            REGION,
            rds::DeleteDBInstanceMessage {
                db_instance_identifier: "db".into(),
                skip_final_snapshot: skip,
                final_db_snapshot_identifier: fin.map(str::to_string),
                delete_automated_backups: None,
            },
        )
    };
    assert_eq!(code(delete(Some(true), None)), "InvalidParameterCombination");
    assert_eq!(all_instances(&sim).len(), 1);
    modify(
        &sim,
        rds::ModifyDBInstanceMessage {
            db_instance_identifier: "db".into(),
            deletion_protection: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(code(delete(None, None)), "InvalidParameterCombination");
    assert_eq!(code(delete(Some(true), Some("final"))), "InvalidParameterCombination");
    assert_eq!(all_instances(&sim).len(), 1);
    let gone = delete(None, Some("final")).unwrap().db_instance.unwrap();
    assert_eq!(gone.db_instance_status.as_deref(), Some("deleting"));
    assert!(all_instances(&sim).is_empty());
    let snaps = sim.call::<rds::DescribeDBSnapshots>(REGION, Default::default()).unwrap().db_snapshots.unwrap();
    assert_eq!(snaps.len(), 1);
    assert_eq!(snaps[0].db_snapshot_identifier.as_deref(), Some("final"));
    assert_eq!(snaps[0].snapshot_type.as_deref(), Some("manual"));
}

fn default_subnets(sim: &Simulator) -> Vec<ec2::Subnet> {
    sim.call::<ec2::DescribeSubnets>(REGION, Default::default()).unwrap().subnets.unwrap()
}

#[test]
fn subnet_groups_need_two_azs_of_one_vpc_and_place_instances() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let subnets: Vec<String> = default_subnets(&sim).into_iter().filter_map(|s| s.subnet_id).collect();
    let create_group = |name: &str, ids: Vec<String>| {
        sim.call::<rds::CreateDBSubnetGroup>(
            REGION,
            rds::CreateDBSubnetGroupMessage {
                db_subnet_group_name: name.into(),
                db_subnet_group_description: "app".into(),
                subnet_ids: ids,
                tags: None,
            },
        )
    };
    assert_eq!(code(create_group("app", subnets[..1].to_vec())), "DBSubnetGroupDoesNotCoverEnoughAZs");
    assert_eq!(code(create_group("app", vec!["subnet-0000000000000000f".into(), subnets[0].clone()])), "InvalidSubnet");
    assert_eq!(code(create_group("default", subnets.clone())), "InvalidParameterValue");
    let g = create_group("App", subnets.clone()).unwrap().db_subnet_group.unwrap();
    assert_eq!(g.db_subnet_group_name.as_deref(), Some("app"));
    assert_eq!(g.subnets.unwrap().len(), subnets.len());
    assert_eq!(code(create_group("app", subnets.clone())), "DBSubnetGroupAlreadyExists");
    let i = create(
        &sim,
        rds::CreateDBInstanceMessage { db_subnet_group_name: Some("app".into()), ..create_input("db", "mysql") },
    )
    .unwrap();
    assert_eq!(i.db_subnet_group.and_then(|g| g.db_subnet_group_name).as_deref(), Some("app"));
    let del = |name: &str| {
        sim.call::<rds::DeleteDBSubnetGroup>(
            REGION,
            rds::DeleteDBSubnetGroupMessage { db_subnet_group_name: name.into() },
        )
    };
    assert_eq!(code(del("app")), "InvalidDBSubnetGroupStateFault");
    assert_eq!(code(del("other")), "DBSubnetGroupNotFoundFault");
    let listed = sim.call::<rds::DescribeDBSubnetGroups>(REGION, Default::default()).unwrap().db_subnet_groups.unwrap();
    assert_eq!(listed.len(), 1);
}

#[test]
fn tags_on_instances_snapshots_and_subnet_groups() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, rds::CreateDBInstanceMessage { copy_tags_to_snapshot: Some(true), ..create_input("db", "mysql") })
        .unwrap();
    let arn = format!("arn:aws:rds:{REGION}:{ACCOUNT}:db:db");
    let tag = |k: &str, v: &str| rds::Tag { key: Some(k.into()), value: Some(v.into()) };
    let list = |arn: &str| {
        sim.call::<rds::ListTagsForResource>(
            REGION,
            rds::ListTagsForResourceMessage { resource_name: arn.into(), filters: None },
        )
        .map(|r| r.tag_list.unwrap_or_default())
    };
    sim.call::<rds::AddTagsToResource>(
        REGION,
        rds::AddTagsToResourceMessage { resource_name: arn.clone(), tags: vec![tag("team", "a"), tag("env", "prod")] },
    )
    .unwrap();
    sim.call::<rds::AddTagsToResource>(
        REGION,
        rds::AddTagsToResourceMessage { resource_name: arn.clone(), tags: vec![tag("team", "b")] },
    )
    .unwrap();
    assert_eq!(list(&arn).unwrap(), vec![tag("team", "b"), tag("env", "prod")]);
    assert_eq!(
        code(sim.call::<rds::AddTagsToResource>(
            REGION,
            rds::AddTagsToResourceMessage { resource_name: arn.clone(), tags: vec![tag("aws:x", "1")] }
        )),
        "InvalidParameterValue"
    );
    sim.call::<rds::RemoveTagsFromResource>(
        REGION,
        rds::RemoveTagsFromResourceMessage { resource_name: arn.clone(), tag_keys: vec!["team".into()] },
    )
    .unwrap();
    assert_eq!(list(&arn).unwrap(), vec![tag("env", "prod")]);
    // A snapshot of an instance that copies tags gets the instance's tags.
    sim.call::<rds::CreateDBSnapshot>(
        REGION,
        rds::CreateDBSnapshotMessage {
            db_snapshot_identifier: "snap".into(),
            db_instance_identifier: "db".into(),
            tags: None,
        },
    )
    .unwrap();
    assert_eq!(list(&format!("arn:aws:rds:{REGION}:{ACCOUNT}:snapshot:snap")).unwrap(), vec![tag("env", "prod")]);
    assert_eq!(code(list(&format!("arn:aws:rds:{REGION}:{ACCOUNT}:db:other"))), "DBInstanceNotFound");
    assert_eq!(code(list("arn:aws:s3:::bucket")), "InvalidParameterValue");
}

#[test]
fn snapshots_share_and_unshare_with_all() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, create_input("db", "mysql")).unwrap();
    create(&sim, rds::CreateDBInstanceMessage { storage_encrypted: Some(true), ..create_input("enc", "mysql") })
        .unwrap();
    let snap = |id: &str, db: &str| {
        sim.call::<rds::CreateDBSnapshot>(
            REGION,
            rds::CreateDBSnapshotMessage {
                db_snapshot_identifier: id.into(),
                db_instance_identifier: db.into(),
                tags: None,
            },
        )
    };
    let s = snap("plain", "db").unwrap().db_snapshot.unwrap();
    assert_eq!(s.encrypted, Some(false));
    assert_eq!(snap("enc-snap", "enc").unwrap().db_snapshot.unwrap().encrypted, Some(true));
    assert_eq!(code(snap("plain", "db")), "DBSnapshotAlreadyExists");
    assert_eq!(code(snap("other", "nope")), "DBInstanceNotFound");
    let share = |id: &str, add: &[&str], remove: &[&str]| {
        sim.call::<rds::ModifyDBSnapshotAttribute>(
            REGION,
            rds::ModifyDBSnapshotAttributeMessage {
                db_snapshot_identifier: id.into(),
                attribute_name: "restore".into(),
                values_to_add: Some(add.iter().map(|s| s.to_string()).collect()),
                values_to_remove: Some(remove.iter().map(|s| s.to_string()).collect()),
            },
        )
    };
    let restore = |id: &str| {
        sim.call::<rds::DescribeDBSnapshotAttributes>(
            REGION,
            rds::DescribeDBSnapshotAttributesMessage { db_snapshot_identifier: id.into() },
        )
        .unwrap()
        .db_snapshot_attributes_result
        .unwrap()
        .db_snapshot_attributes
        .unwrap()[0]
            .attribute_values
            .clone()
            .unwrap()
    };
    assert!(restore("plain").is_empty());
    share("plain", &["all", "111122223333"], &[]).unwrap();
    assert_eq!(restore("plain"), vec!["all".to_string(), "111122223333".to_string()]);
    share("plain", &[], &["all"]).unwrap();
    assert_eq!(restore("plain"), vec!["111122223333".to_string()]);
    // Encrypted with the AWS managed key: neither public nor shared with an account.
    assert_eq!(code(share("enc-snap", &["all"], &[])), "InvalidParameterValue");
    assert_eq!(code(share("enc-snap", &["111122223333"], &[])), "InvalidParameterValue");
    assert_eq!(code(share("plain", &["everyone"], &[])), "InvalidParameterValue");
    assert!(restore("enc-snap").is_empty());
    let deleted = sim
        .call::<rds::DeleteDBSnapshot>(REGION, rds::DeleteDBSnapshotMessage { db_snapshot_identifier: "plain".into() })
        .unwrap();
    assert_eq!(deleted.db_snapshot.unwrap().status.as_deref(), Some("deleted"));
    assert_eq!(
        code(sim.call::<rds::DescribeDBSnapshotAttributes>(
            REGION,
            rds::DescribeDBSnapshotAttributesMessage { db_snapshot_identifier: "plain".into() }
        )),
        "DBSnapshotNotFound"
    );
}

#[test]
fn same_calls_give_the_same_instance() {
    let run = || {
        let sim = fresh_account(Era::Current, &[REGION]);
        create(&sim, create_input("db", "mysql")).unwrap()
    };
    assert_eq!(run(), run());
}
