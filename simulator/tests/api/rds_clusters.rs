//! RDS DB clusters and DB cluster snapshots through the typed API: AWS's defaults and
//! validation, modifications, deletion protection and final snapshots, snapshot sharing, tags.

use hubsim_simulator::model::rds;
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "eu-west-1";

fn code<T: std::fmt::Debug>(r: Result<T, AwsError>) -> String {
    r.unwrap_err().code
}

fn aurora(id: &str) -> rds::CreateDBClusterMessage {
    rds::CreateDBClusterMessage {
        db_cluster_identifier: id.into(),
        engine: "aurora-mysql".into(),
        master_username: Some("appadmin".into()),
        master_user_password: Some("correct-horse".into()),
        ..Default::default()
    }
}

fn create(sim: &Simulator, input: rds::CreateDBClusterMessage) -> Result<rds::DBCluster, AwsError> {
    sim.call::<rds::CreateDBCluster>(REGION, input).map(|r| r.db_cluster.unwrap())
}

fn clusters(sim: &Simulator) -> Vec<rds::DBCluster> {
    sim.call::<rds::DescribeDBClusters>(REGION, Default::default()).unwrap().db_clusters.unwrap_or_default()
}

fn modify(sim: &Simulator, input: rds::ModifyDBClusterMessage) -> Result<rds::DBCluster, AwsError> {
    sim.call::<rds::ModifyDBCluster>(REGION, input).map(|r| r.db_cluster.unwrap())
}

#[test]
fn create_applies_awss_defaults_per_cluster_type() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let c = create(&sim, aurora("Orders")).unwrap();
    assert_eq!(c.db_cluster_identifier.as_deref(), Some("orders"));
    assert_eq!(c.db_cluster_arn.as_deref(), Some(format!("arn:aws:rds:{REGION}:{ACCOUNT}:cluster:orders").as_str()));
    assert_eq!(c.status.as_deref(), Some("available"));
    assert_eq!(c.port, Some(3306));
    assert_eq!(c.backup_retention_period, Some(1));
    assert_eq!(c.storage_encrypted, Some(false));
    assert_eq!(c.deletion_protection, Some(false));
    assert_eq!(c.copy_tags_to_snapshot, Some(false));
    assert_eq!(c.iam_database_authentication_enabled, Some(false));
    assert_eq!(c.auto_minor_version_upgrade, Some(true));
    assert_eq!(c.backtrack_window, None);
    // No member instances are simulated: an Aurora cluster is in one zone.
    assert_eq!(c.multi_az, Some(false));
    assert!(c.db_cluster_resource_id.as_deref().unwrap().starts_with("cluster-"));
    assert!(!serde_json::to_string(&clusters(&sim)).unwrap().contains("correct-horse"));

    let m = create(
        &sim,
        rds::CreateDBClusterMessage {
            engine: "postgres".into(),
            db_cluster_instance_class: Some("db.m6gd.large".into()),
            allocated_storage: Some(100),
            ..aurora("maz")
        },
    )
    .unwrap();
    assert_eq!(m.port, Some(5432));
    assert_eq!(m.multi_az, Some(true), "a Multi-AZ DB cluster spans three zones");
    let p = create(&sim, rds::CreateDBClusterMessage { engine: "aurora-postgresql".into(), ..aurora("pg") }).unwrap();
    assert_eq!(p.port, Some(5432));
}

#[test]
fn create_refuses_bad_input_and_changes_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, aurora("taken")).unwrap();
    let cases: Vec<(rds::CreateDBClusterMessage, &str)> = vec![
        (aurora("taken"), "DBClusterAlreadyExistsFault"),
        (aurora("TAKEN"), "DBClusterAlreadyExistsFault"),
        (aurora("1bad"), "InvalidParameterValue"),
        (aurora("bad--id"), "InvalidParameterValue"),
        (rds::CreateDBClusterMessage { engine: "oracle-ee".into(), ..aurora("x1") }, "InvalidParameterValue"),
        (rds::CreateDBClusterMessage { master_username: None, ..aurora("x2") }, "InvalidParameterValue"),
        (
            rds::CreateDBClusterMessage { master_user_password: Some("short".into()), ..aurora("x3") },
            "InvalidParameterValue",
        ),
        (rds::CreateDBClusterMessage { backtrack_window: Some(259_201), ..aurora("x4") }, "InvalidParameterValue"),
        (
            rds::CreateDBClusterMessage {
                engine: "aurora-postgresql".into(),
                backtrack_window: Some(3600),
                ..aurora("x5")
            },
            "InvalidParameterCombination",
        ),
        (rds::CreateDBClusterMessage { engine: "mysql".into(), ..aurora("x6") }, "InvalidParameterValue"),
        (
            rds::CreateDBClusterMessage { db_cluster_instance_class: Some("db.r6g.large".into()), ..aurora("x7") },
            "InvalidParameterCombination",
        ),
        (
            rds::CreateDBClusterMessage {
                enable_cloudwatch_logs_exports: Some(vec!["upgrade".into()]),
                ..aurora("x8")
            },
            "InvalidParameterCombination",
        ),
        (
            rds::CreateDBClusterMessage { kms_key_id: Some("alias/nope".into()), ..aurora("x9") },
            "InvalidParameterCombination",
        ),
        (
            rds::CreateDBClusterMessage {
                storage_encrypted: Some(true),
                kms_key_id: Some("alias/nope".into()),
                ..aurora("x10")
            },
            "KMSKeyNotAccessibleFault",
        ),
        (rds::CreateDBClusterMessage { backup_retention_period: Some(0), ..aurora("x11") }, "InvalidParameterValue"),
    ];
    for (input, want) in cases {
        let id = input.db_cluster_identifier.clone();
        assert_eq!(code(create(&sim, input)), want, "{id}");
    }
    assert_eq!(clusters(&sim).len(), 1, "refusals create nothing");
}

#[test]
fn describe_filters_and_pages() {
    let sim = fresh_account(Era::Current, &[REGION]);
    for n in 0..25 {
        let engine = if n % 2 == 0 { "aurora-mysql" } else { "aurora-postgresql" };
        create(&sim, rds::CreateDBClusterMessage { engine: engine.into(), ..aurora(&format!("c{n}")) }).unwrap();
    }
    let page1 = sim
        .call::<rds::DescribeDBClusters>(
            REGION,
            rds::DescribeDBClustersMessage { max_records: Some(20), ..Default::default() },
        )
        .unwrap();
    assert_eq!(page1.db_clusters.unwrap().len(), 20);
    let page2 = sim
        .call::<rds::DescribeDBClusters>(
            REGION,
            rds::DescribeDBClustersMessage { max_records: Some(20), marker: page1.marker, ..Default::default() },
        )
        .unwrap();
    assert_eq!(page2.db_clusters.unwrap().len(), 5);
    assert!(page2.marker.is_none());
    let pg = sim
        .call::<rds::DescribeDBClusters>(
            REGION,
            rds::DescribeDBClustersMessage {
                filters: Some(vec![rds::Filter { name: "engine".into(), values: vec!["aurora-postgresql".into()] }]),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(pg.db_clusters.unwrap().len(), 12);
    let by_arn = sim
        .call::<rds::DescribeDBClusters>(
            REGION,
            rds::DescribeDBClustersMessage {
                db_cluster_identifier: Some(format!("arn:aws:rds:{REGION}:{ACCOUNT}:cluster:c3")),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(by_arn.db_clusters.unwrap()[0].db_cluster_identifier.as_deref(), Some("c3"));
    let missing = sim.call::<rds::DescribeDBClusters>(
        REGION,
        rds::DescribeDBClustersMessage { db_cluster_identifier: Some("nope".into()), ..Default::default() },
    );
    assert_eq!(code(missing), "DBClusterNotFoundFault");
    let bad_filter = sim.call::<rds::DescribeDBClusters>(
        REGION,
        rds::DescribeDBClustersMessage {
            filters: Some(vec![rds::Filter { name: "colour".into(), values: vec!["red".into()] }]),
            ..Default::default()
        },
    );
    assert_eq!(code(bad_filter), "InvalidParameterValue");
}

#[test]
fn modify_sets_what_the_controls_read_and_refuses_what_aws_refuses() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, aurora("plain")).unwrap();
    create(&sim, rds::CreateDBClusterMessage { backtrack_window: Some(3600), ..aurora("rewind") }).unwrap();
    let c = modify(
        &sim,
        rds::ModifyDBClusterMessage {
            db_cluster_identifier: "plain".into(),
            deletion_protection: Some(true),
            copy_tags_to_snapshot: Some(true),
            enable_iam_database_authentication: Some(true),
            auto_minor_version_upgrade: Some(false),
            cloudwatch_logs_export_configuration: Some(rds::CloudwatchLogsExportConfiguration {
                enable_log_types: Some(vec!["audit".into(), "error".into()]),
                disable_log_types: None,
            }),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(c.deletion_protection, Some(true));
    assert_eq!(c.copy_tags_to_snapshot, Some(true));
    assert_eq!(c.iam_database_authentication_enabled, Some(true));
    assert_eq!(c.auto_minor_version_upgrade, Some(false));
    assert_eq!(c.enabled_cloudwatch_logs_exports, Some(vec!["audit".to_string(), "error".to_string()]));
    assert_eq!(clusters(&sim)[0], c, "the change is stored");

    // Backtracking is turned on only at creation; a backtracking cluster can change its window.
    let on_plain = modify(
        &sim,
        rds::ModifyDBClusterMessage {
            db_cluster_identifier: "plain".into(),
            backtrack_window: Some(3600),
            ..Default::default()
        },
    );
    assert_eq!(code(on_plain), "InvalidParameterCombination");
    let rewind = modify(
        &sim,
        rds::ModifyDBClusterMessage {
            db_cluster_identifier: "rewind".into(),
            backtrack_window: Some(7200),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(rewind.backtrack_window, Some(7200));

    let before = clusters(&sim);
    let refused = [
        rds::ModifyDBClusterMessage {
            db_cluster_identifier: "plain".into(),
            deletion_protection: Some(false),
            backup_retention_period: Some(36),
            ..Default::default()
        },
        rds::ModifyDBClusterMessage {
            db_cluster_identifier: "plain".into(),
            copy_tags_to_snapshot: Some(false),
            cloudwatch_logs_export_configuration: Some(rds::CloudwatchLogsExportConfiguration {
                enable_log_types: Some(vec!["postgresql".into()]),
                disable_log_types: None,
            }),
            ..Default::default()
        },
        rds::ModifyDBClusterMessage {
            db_cluster_identifier: "plain".into(),
            deletion_protection: Some(false),
            db_cluster_instance_class: Some("db.r6g.large".into()),
            ..Default::default()
        },
    ];
    for input in refused {
        assert!(modify(&sim, input).is_err());
    }
    assert_eq!(clusters(&sim), before, "a refused modification changes nothing");
    let missing =
        modify(&sim, rds::ModifyDBClusterMessage { db_cluster_identifier: "nope".into(), ..Default::default() });
    assert_eq!(code(missing), "DBClusterNotFoundFault");
}

#[test]
fn delete_respects_protection_and_final_snapshot_rules() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, rds::CreateDBClusterMessage { deletion_protection: Some(true), ..aurora("kept") }).unwrap();
    let delete = |id: &str, skip: Option<bool>, final_id: Option<&str>| {
        sim.call::<rds::DeleteDBCluster>(
            REGION,
            rds::DeleteDBClusterMessage {
                db_cluster_identifier: id.into(),
                skip_final_snapshot: skip,
                final_db_snapshot_identifier: final_id.map(String::from),
                ..Default::default()
            },
        )
    };
    assert_eq!(code(delete("kept", Some(true), None)), "InvalidDBClusterStateFault");
    assert_eq!(clusters(&sim).len(), 1);
    modify(
        &sim,
        rds::ModifyDBClusterMessage {
            db_cluster_identifier: "kept".into(),
            deletion_protection: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(code(delete("kept", None, None)), "InvalidParameterCombination");
    assert_eq!(code(delete("kept", Some(true), Some("final"))), "InvalidParameterCombination");
    assert_eq!(code(delete("gone", Some(true), None)), "DBClusterNotFoundFault");
    let deleted = delete("kept", None, Some("kept-final")).unwrap().db_cluster.unwrap();
    assert_eq!(deleted.status.as_deref(), Some("deleting"));
    assert!(clusters(&sim).is_empty());
    let snaps =
        sim.call::<rds::DescribeDBClusterSnapshots>(REGION, Default::default()).unwrap().db_cluster_snapshots.unwrap();
    assert_eq!(snaps.len(), 1);
    assert_eq!(snaps[0].db_cluster_identifier.as_deref(), Some("kept"));
    assert_eq!(snaps[0].snapshot_type.as_deref(), Some("manual"));
    // A final snapshot's identifier must be free.
    create(&sim, aurora("again")).unwrap();
    assert_eq!(code(delete("again", None, Some("kept-final"))), "DBClusterSnapshotAlreadyExistsFault");
    assert_eq!(clusters(&sim).len(), 1);
}

#[test]
fn cluster_snapshots_share_and_unshare_with_all() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(
        &sim,
        rds::CreateDBClusterMessage {
            copy_tags_to_snapshot: Some(true),
            tags: Some(vec![rds::Tag { key: Some("team".into()), value: Some("data".into()) }]),
            ..aurora("src")
        },
    )
    .unwrap();
    create(&sim, rds::CreateDBClusterMessage { storage_encrypted: Some(true), ..aurora("enc") }).unwrap();
    let snap = |cluster: &str, id: &str| {
        sim.call::<rds::CreateDBClusterSnapshot>(
            REGION,
            rds::CreateDBClusterSnapshotMessage {
                db_cluster_snapshot_identifier: id.into(),
                db_cluster_identifier: cluster.into(),
                tags: None,
            },
        )
    };
    let s = snap("src", "s1").unwrap().db_cluster_snapshot.unwrap();
    assert_eq!(s.storage_encrypted, Some(false));
    assert_eq!(s.tag_list.unwrap()[0].key.as_deref(), Some("team"), "the cluster copies its tags");
    assert_eq!(code(snap("src", "s1")), "DBClusterSnapshotAlreadyExistsFault");
    assert_eq!(code(snap("nope", "s2")), "DBClusterNotFoundFault");
    snap("enc", "e1").unwrap();

    let share = |id: &str, add: &[&str], remove: &[&str]| {
        sim.call::<rds::ModifyDBClusterSnapshotAttribute>(
            REGION,
            rds::ModifyDBClusterSnapshotAttributeMessage {
                db_cluster_snapshot_identifier: id.into(),
                attribute_name: "restore".into(),
                values_to_add: Some(add.iter().map(|v| v.to_string()).collect()),
                values_to_remove: Some(remove.iter().map(|v| v.to_string()).collect()),
            },
        )
    };
    let restore = |id: &str| {
        sim.call::<rds::DescribeDBClusterSnapshotAttributes>(
            REGION,
            rds::DescribeDBClusterSnapshotAttributesMessage { db_cluster_snapshot_identifier: id.into() },
        )
        .unwrap()
        .db_cluster_snapshot_attributes_result
        .unwrap()
        .db_cluster_snapshot_attributes
        .unwrap()[0]
            .attribute_values
            .clone()
            .unwrap()
    };
    assert!(restore("s1").is_empty());
    share("s1", &["all", "111122223333"], &[]).unwrap();
    assert_eq!(restore("s1"), vec!["all", "111122223333"]);
    share("s1", &[], &["all"]).unwrap();
    assert_eq!(restore("s1"), vec!["111122223333"]);
    assert_eq!(code(share("s1", &["someone"], &[])), "InvalidParameterValue");
    assert_eq!(code(share("e1", &["all"], &[])), "InvalidParameterValue", "an encrypted snapshot is never public");
    let wrong = sim.call::<rds::ModifyDBClusterSnapshotAttribute>(
        REGION,
        rds::ModifyDBClusterSnapshotAttributeMessage {
            db_cluster_snapshot_identifier: "s1".into(),
            attribute_name: "copy".into(),
            values_to_add: Some(vec!["all".into()]),
            values_to_remove: None,
        },
    );
    assert_eq!(code(wrong), "InvalidParameterValue");
    assert_eq!(restore("s1"), vec!["111122223333"], "refusals change nothing");

    let by_cluster = sim
        .call::<rds::DescribeDBClusterSnapshots>(
            REGION,
            rds::DescribeDBClusterSnapshotsMessage { db_cluster_identifier: Some("enc".into()), ..Default::default() },
        )
        .unwrap()
        .db_cluster_snapshots
        .unwrap();
    assert_eq!(by_cluster.len(), 1);
    assert_eq!(by_cluster[0].storage_encrypted, Some(true));

    let del = |id: &str| {
        sim.call::<rds::DeleteDBClusterSnapshot>(
            REGION,
            rds::DeleteDBClusterSnapshotMessage { db_cluster_snapshot_identifier: id.into() },
        )
    };
    assert_eq!(del("s1").unwrap().db_cluster_snapshot.unwrap().status.as_deref(), Some("deleted"));
    assert_eq!(code(del("s1")), "DBClusterSnapshotNotFoundFault");
}

#[test]
fn tags_on_clusters_and_cluster_snapshots() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let c = create(&sim, aurora("tagged")).unwrap();
    let arn = c.db_cluster_arn.unwrap();
    sim.call::<rds::AddTagsToResource>(
        REGION,
        rds::AddTagsToResourceMessage {
            resource_name: arn.clone(),
            tags: vec![rds::Tag { key: Some("env".into()), value: Some("prod".into()) }],
        },
    )
    .unwrap();
    let listed = sim
        .call::<rds::ListTagsForResource>(
            REGION,
            rds::ListTagsForResourceMessage { resource_name: arn.clone(), ..Default::default() },
        )
        .unwrap()
        .tag_list
        .unwrap();
    assert_eq!(listed[0].value.as_deref(), Some("prod"));
    assert_eq!(clusters(&sim)[0].tag_list.as_ref().unwrap().len(), 1);
    let missing = sim.call::<rds::ListTagsForResource>(
        REGION,
        rds::ListTagsForResourceMessage {
            resource_name: format!("arn:aws:rds:{REGION}:{ACCOUNT}:cluster-snapshot:nope"),
            ..Default::default()
        },
    );
    assert_eq!(code(missing), "DBClusterSnapshotNotFoundFault");
}

#[test]
fn same_calls_give_the_same_cluster() {
    let run = || {
        let sim = fresh_account(Era::Current, &[REGION]);
        create(&sim, aurora("det")).unwrap()
    };
    assert_eq!(run(), run());
}
