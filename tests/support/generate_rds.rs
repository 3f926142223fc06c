//! Generated RDS resources (RDS.1–RDS.17, RDS.19–RDS.25, RDS.27, RDS.34, RDS.35): DB instances
//! and DB clusters (Aurora MySQL, Aurora PostgreSQL, Multi-AZ MySQL and PostgreSQL) with random
//! security settings, engines, ports and master usernames, manual snapshots of them (public with
//! restore=all, shared with a partner, or private), and event subscriptions of some source
//! types. Steps AWS refuses (a backup period over 35 days, deleting a protected instance or
//! cluster, sharing a snapshot encrypted with the AWS managed key, turning backtracking on after
//! creation) carry `expect_error`. What the properties read back, and what must hold of it after remediation
//! (nothing deleted, deletion protection never turned off, access only narrowed), is here too.

use std::collections::BTreeMap;

use hubsim_scenario::Step;
use hubsim_simulator::Simulator;
use proptest::prelude::*;
use serde_json::{json, Value};

/// A property check's result.
pub type R<T> = Result<T, String>;

/// A JSON call that must succeed (this module stands alone: the benches include it without
/// `state`).
fn call(sim: &Simulator, region: &str, service: &str, op: &str, input: Value) -> R<Value> {
    sim.call_json(region, service, op, input.clone())
        .map_err(|e| format!("{service}:{op} {input} in {region} failed: {}: {}", e.code, e.message))
}

/// Engines drawn, with a log type each exports.
const ENGINES: &[(&str, &str)] =
    &[("mysql", "error"), ("postgres", "postgresql"), ("mariadb", "audit"), ("sqlserver-se", "agent")];

/// Event subscription source types drawn, each with one of its categories.
const SOURCES: &[(&str, &str)] =
    &[("db-instance", "failure"), ("db-cluster", "maintenance"), ("db-parameter-group", "configuration change")];

/// One DB instance.
#[derive(Debug, Clone)]
pub struct InstancePlan {
    pub region: usize,
    pub engine: usize,
    /// PubliclyAccessible: unset (the default VPC's internet gateway makes it public), true, false.
    pub public: Option<bool>,
    pub encrypted: bool,
    pub multi_az: bool,
    /// BackupRetentionPeriod: 0, 1 (RDS's default) or 7.
    pub backups: i32,
    pub deletion_protection: bool,
    pub auto_minor: bool,
    pub iam_auth: bool,
    pub copy_tags: bool,
    pub logs: bool,
    pub monitoring: bool,
    /// A port other than the engine's default.
    pub custom_port: bool,
    /// Master username `admin` (a default RDS.25 fails) or `dbowner`.
    pub default_user: bool,
}

/// Cluster engines drawn: (engine, Aurora).
const CLUSTER_ENGINES: &[(&str, bool)] =
    &[("aurora-mysql", true), ("aurora-postgresql", true), ("mysql", false), ("postgres", false)];

/// One DB cluster.
#[derive(Debug, Clone)]
pub struct ClusterPlan {
    pub region: usize,
    pub engine: usize,
    pub encrypted: bool,
    pub deletion_protection: bool,
    pub iam_auth: bool,
    pub copy_tags: bool,
    /// A backtrack window (Aurora MySQL only).
    pub backtrack: bool,
    /// The audit log exported (Aurora MySQL only).
    pub audit: bool,
    pub auto_minor: bool,
    /// Master username `admin` (a default RDS.24 fails) or `dbowner`.
    pub default_user: bool,
}

/// Who may restore a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    Private,
    Partner,
    Public,
}

/// The sub-plan.
#[derive(Debug, Clone)]
pub struct RdsPlan {
    pub instances: Vec<InstancePlan>,
    /// Snapshots: (instance index, sharing).
    pub snapshots: Vec<(usize, Sharing)>,
    /// DB clusters.
    pub clusters: Vec<ClusterPlan>,
    /// Cluster snapshots: (cluster index, sharing).
    pub cluster_snapshots: Vec<(usize, Sharing)>,
    /// Custom parameter groups: (instance index, TLS required in the group, rebooted after
    /// the instance joined).
    pub parameter_groups: Vec<(usize, bool, bool)>,
    /// Event subscriptions: (region, source type index, enabled); a source type index past
    /// the list subscribes to every source.
    pub subscriptions: Vec<(usize, usize, bool)>,
    /// Also try what AWS refuses.
    pub refused: bool,
}

/// The strategy of the sub-plan.
pub fn plan() -> impl Strategy<Value = RdsPlan> {
    let instance = (
        (0usize..3, 0usize..ENGINES.len(), prop::option::of(any::<bool>()), any::<bool>(), any::<bool>()),
        (prop::sample::select(vec![0, 1, 7]), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(
                (region, engine, public, encrypted, multi_az),
                (backups, deletion_protection, auto_minor, iam_auth, copy_tags),
                (logs, monitoring, custom_port, default_user),
            )| InstancePlan {
                region,
                engine,
                public,
                encrypted,
                multi_az,
                backups,
                deletion_protection,
                auto_minor,
                iam_auth,
                copy_tags,
                logs,
                monitoring,
                custom_port,
                default_user,
            },
        );
    let cluster = (
        (0usize..3, 0usize..CLUSTER_ENGINES.len(), any::<bool>(), any::<bool>(), any::<bool>()),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(
                (region, engine, encrypted, deletion_protection, iam_auth),
                (copy_tags, backtrack, audit, auto_minor, default_user),
            )| ClusterPlan {
                region,
                engine,
                encrypted,
                deletion_protection,
                iam_auth,
                copy_tags,
                backtrack,
                audit,
                auto_minor,
                default_user,
            },
        );
    let sharing = || prop_oneof![Just(Sharing::Private), Just(Sharing::Partner), Just(Sharing::Public)];
    (
        prop::collection::vec(instance, 0..=3),
        prop::collection::vec((0usize..3, sharing()), 0..=3),
        prop::collection::vec((0usize..3, 0usize..=SOURCES.len(), any::<bool>()), 0..=2),
        prop::bool::weighted(0.3),
        prop::collection::vec(cluster, 0..=2),
        prop::collection::vec((0usize..2, sharing()), 0..=2),
        prop::collection::vec((0usize..3, any::<bool>(), any::<bool>()), 0..=2),
    )
        .prop_map(
            |(instances, snapshots, subscriptions, refused, clusters, cluster_snapshots, parameter_groups)| RdsPlan {
                instances,
                snapshots,
                clusters,
                cluster_snapshots,
                parameter_groups,
                subscriptions,
                refused,
            },
        )
}

fn step(call: &str, region: &str, input: Value) -> Step {
    Step { call: call.into(), region: Some(region.into()), input, capture: None, expect_error: None, note: None }
}

fn refused(call: &str, region: &str, input: Value, code: &str, note: &str) -> Step {
    Step { expect_error: Some(code.into()), note: Some(note.into()), ..step(call, region, input) }
}

impl RdsPlan {
    /// The steps, given the account's regions and its id.
    pub fn steps(&self, regions: &[String], account: &str) -> Vec<Step> {
        let mut out = Vec::new();
        let region = |i: usize| regions[i % regions.len()].clone();
        for (i, p) in self.instances.iter().enumerate() {
            let r = region(p.region);
            let (engine, log) = ENGINES[p.engine % ENGINES.len()];
            let id = format!("gen-db{i}");
            let mut input = json!({
                "DBInstanceIdentifier": id, "DBInstanceClass": "db.t3.micro", "Engine": engine,
                "AllocatedStorage": 20, "MasterUsername": if p.default_user { "admin" } else { "dbowner" },
                "MasterUserPassword": "correct-horse", "StorageEncrypted": p.encrypted, "MultiAZ": p.multi_az,
                "BackupRetentionPeriod": p.backups, "DeletionProtection": p.deletion_protection,
                "AutoMinorVersionUpgrade": p.auto_minor, "CopyTagsToSnapshot": p.copy_tags,
                "Tags": [{"Key": "app", "Value": format!("gen{i}")}],
            });
            let Some(fields) = input.as_object_mut() else { continue };
            if let Some(public) = p.public {
                fields.insert("PubliclyAccessible".into(), json!(public));
            }
            if p.iam_auth && engine != "sqlserver-se" {
                fields.insert("EnableIAMDatabaseAuthentication".into(), json!(true));
            }
            if p.logs {
                fields.insert("EnableCloudwatchLogsExports".into(), json!([log]));
            }
            if p.monitoring {
                fields.insert("MonitoringInterval".into(), json!(30));
                fields.insert("MonitoringRoleArn".into(), json!(format!("arn:aws:iam::{account}:role/rds-monitoring")));
            }
            if p.custom_port {
                fields.insert("Port".into(), json!(6000 + i));
            }
            out.push(step("rds:CreateDBInstance", &r, input));
            if self.refused {
                out.push(refused(
                    "rds:ModifyDBInstance",
                    &r,
                    json!({"DBInstanceIdentifier": id, "BackupRetentionPeriod": 36}),
                    "InvalidParameterValue",
                    "a backup retention period over 35 days",
                ));
                if p.deletion_protection {
                    out.push(refused(
                        "rds:DeleteDBInstance",
                        &r,
                        json!({"DBInstanceIdentifier": id, "SkipFinalSnapshot": true}),
                        "InvalidParameterCombination",
                        "deleting an instance with deletion protection on",
                    ));
                }
            }
        }
        for (k, (r, source, enabled)) in self.subscriptions.iter().enumerate() {
            let r = region(*r);
            let topic = format!("gen-rds-events{k}");
            out.push(step("sns:CreateTopic", &r, json!({"Name": topic})));
            let mut input = json!({"SubscriptionName": format!("gen-es{k}"),
                "SnsTopicArn": format!("arn:aws:sns:{r}:{account}:{topic}"), "Enabled": enabled});
            if let (Some((t, c)), Some(fields)) = (SOURCES.get(*source), input.as_object_mut()) {
                fields.insert("SourceType".into(), json!(t));
                fields.insert("EventCategories".into(), json!([c]));
            }
            out.push(step("rds:CreateEventSubscription", &r, input));
        }
        self.cluster_steps(&mut out, regions);
        if self.instances.is_empty() {
            return out;
        }
        self.parameter_group_steps(&mut out, regions);
        for (j, (i, sharing)) in self.snapshots.iter().enumerate() {
            let i = i % self.instances.len();
            let p = &self.instances[i];
            let r = region(p.region);
            let id = format!("gen-snap{j}");
            out.push(step(
                "rds:CreateDBSnapshot",
                &r,
                json!({"DBSnapshotIdentifier": id, "DBInstanceIdentifier": format!("gen-db{i}")}),
            ));
            let values: &[&str] = match sharing {
                Sharing::Private => &[],
                Sharing::Partner => &["210987654321"],
                Sharing::Public => &["all", "210987654321"],
            };
            if values.is_empty() {
                continue;
            }
            let input = json!({"DBSnapshotIdentifier": id, "AttributeName": "restore", "ValuesToAdd": values});
            if p.encrypted {
                out.push(refused(
                    "rds:ModifyDBSnapshotAttribute",
                    &r,
                    input,
                    "InvalidParameterValue",
                    "a snapshot encrypted with the AWS managed key cannot be shared",
                ));
            } else {
                out.push(step("rds:ModifyDBSnapshotAttribute", &r, input));
            }
        }
        out
    }
}

/// Each generated engine's parameter group family and TLS parameter (name, value on).
fn tls_of(engine: &str) -> (&'static str, &'static str, &'static str) {
    match engine {
        "postgres" => ("postgres16", "rds.force_ssl", "1"),
        "mariadb" => ("mariadb10.11", "require_secure_transport", "ON"),
        "sqlserver-se" => ("sqlserver-se-16.0", "rds.force_ssl", "1"),
        _ => ("mysql8.0", "require_secure_transport", "1"),
    }
}

impl RdsPlan {
    /// The steps of the custom parameter groups: one per entry, for its instance's family, TLS
    /// on or off, the instance moved onto it and maybe rebooted. A default group refuses a
    /// change.
    fn parameter_group_steps(&self, out: &mut Vec<Step>, regions: &[String]) {
        let region = |i: usize| regions[i % regions.len()].clone();
        for (k, (i, tls, reboot)) in self.parameter_groups.iter().enumerate() {
            let i = i % self.instances.len();
            let p = &self.instances[i];
            let r = region(p.region);
            let (engine, _) = ENGINES[p.engine % ENGINES.len()];
            let (family, name, on) = tls_of(engine);
            let group = format!("gen-pg{k}");
            out.push(step(
                "rds:CreateDBParameterGroup",
                &r,
                json!({"DBParameterGroupName": group, "DBParameterGroupFamily": family, "Description": "generated"}),
            ));
            if *tls {
                let method = if engine == "sqlserver-se" { "pending-reboot" } else { "immediate" };
                out.push(step(
                    "rds:ModifyDBParameterGroup",
                    &r,
                    json!({"DBParameterGroupName": group,
                        "Parameters": [{"ParameterName": name, "ParameterValue": on, "ApplyMethod": method}]}),
                ));
            }
            if self.refused {
                out.push(refused(
                    "rds:ModifyDBParameterGroup",
                    &r,
                    json!({"DBParameterGroupName": format!("default.{family}"),
                        "Parameters": [{"ParameterName": name, "ParameterValue": on, "ApplyMethod": "pending-reboot"}]}),
                    "InvalidParameterValue",
                    "a default parameter group cannot be modified",
                ));
            }
            out.push(step(
                "rds:ModifyDBInstance",
                &r,
                json!({"DBInstanceIdentifier": format!("gen-db{i}"), "DBParameterGroupName": group, "ApplyImmediately": true}),
            ));
            if *reboot {
                out.push(step("rds:RebootDBInstance", &r, json!({"DBInstanceIdentifier": format!("gen-db{i}")})));
            }
        }
    }

    /// The steps of the clusters and their snapshots.
    fn cluster_steps(&self, out: &mut Vec<Step>, regions: &[String]) {
        let region = |i: usize| regions[i % regions.len()].clone();
        for (i, p) in self.clusters.iter().enumerate() {
            let r = region(p.region);
            let (engine, aurora) = CLUSTER_ENGINES[p.engine % CLUSTER_ENGINES.len()];
            let id = format!("gen-cluster{i}");
            let mut input = json!({
                "DBClusterIdentifier": id, "Engine": engine,
                "MasterUsername": if p.default_user { "admin" } else { "dbowner" },
                "MasterUserPassword": "correct-horse", "StorageEncrypted": p.encrypted,
                "DeletionProtection": p.deletion_protection, "EnableIAMDatabaseAuthentication": p.iam_auth,
                "CopyTagsToSnapshot": p.copy_tags, "AutoMinorVersionUpgrade": p.auto_minor,
                "Tags": [{"Key": "app", "Value": format!("gen-cluster{i}")}],
            });
            let Some(fields) = input.as_object_mut() else { continue };
            if !aurora {
                fields.insert("DBClusterInstanceClass".into(), json!("db.m6gd.large"));
                fields.insert("AllocatedStorage".into(), json!(100));
            }
            let mysql = engine == "aurora-mysql";
            if mysql && p.backtrack {
                fields.insert("BacktrackWindow".into(), json!(86400));
            }
            if mysql && p.audit {
                fields.insert("EnableCloudwatchLogsExports".into(), json!(["audit"]));
            }
            out.push(step("rds:CreateDBCluster", &r, input));
            if self.refused && p.deletion_protection {
                out.push(refused(
                    "rds:DeleteDBCluster",
                    &r,
                    json!({"DBClusterIdentifier": id, "SkipFinalSnapshot": true}),
                    "InvalidDBClusterStateFault",
                    "deleting a cluster with deletion protection on",
                ));
            }
            if self.refused && mysql && !p.backtrack {
                out.push(refused(
                    "rds:ModifyDBCluster",
                    &r,
                    json!({"DBClusterIdentifier": id, "BacktrackWindow": 3600}),
                    "InvalidParameterCombination",
                    "backtracking turned on after the cluster was created",
                ));
            }
        }
        if self.clusters.is_empty() {
            return;
        }
        for (j, (i, sharing)) in self.cluster_snapshots.iter().enumerate() {
            let i = i % self.clusters.len();
            let p = &self.clusters[i];
            let r = region(p.region);
            let id = format!("gen-cluster-snap{j}");
            out.push(step(
                "rds:CreateDBClusterSnapshot",
                &r,
                json!({"DBClusterSnapshotIdentifier": id, "DBClusterIdentifier": format!("gen-cluster{i}")}),
            ));
            let values: &[&str] = match sharing {
                Sharing::Private => continue,
                Sharing::Partner => &["210987654321"],
                Sharing::Public => &["all", "210987654321"],
            };
            let input = json!({"DBClusterSnapshotIdentifier": id, "AttributeName": "restore", "ValuesToAdd": values});
            if p.encrypted {
                out.push(refused(
                    "rds:ModifyDBClusterSnapshotAttribute",
                    &r,
                    input,
                    "InvalidParameterValue",
                    "a cluster snapshot encrypted with the AWS managed key cannot be shared",
                ));
            } else {
                out.push(step("rds:ModifyDBClusterSnapshotAttribute", &r, input));
            }
        }
    }
}

/// One cluster as the properties read it back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterState {
    pub engine: String,
    pub deletion_protection: bool,
    pub encrypted: bool,
    pub multi_az: bool,
    /// Its backtrack window in seconds (0: off).
    pub backtrack: i64,
    /// Its master username.
    pub user: String,
}

/// One instance as the properties read it back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstanceState {
    pub deletion_protection: bool,
    pub public: bool,
    pub encrypted: bool,
    /// Whether it listens on its engine's default port.
    pub default_port: bool,
    /// Its master username.
    pub user: String,
    /// Its parameter group and that group's apply status on it.
    pub parameter_group: (String, String),
}

/// What the properties read back: each instance's protection and exposure, each snapshot's
/// restore attribute and encryption.
#[derive(Debug, Clone, Default)]
pub struct RdsState {
    /// Instance ARN → its state.
    pub instances: BTreeMap<String, InstanceState>,
    /// Snapshot ARN → (its restore values, encrypted).
    pub snapshots: BTreeMap<String, (Vec<String>, bool)>,
    /// Event subscription name → enabled.
    pub subscriptions: BTreeMap<String, bool>,
    /// Cluster ARN → its state.
    pub clusters: BTreeMap<String, ClusterState>,
    /// Cluster snapshot ARN → (its restore values, encrypted).
    pub cluster_snapshots: BTreeMap<String, (Vec<String>, bool)>,
    /// `region/name` of each parameter group → the values set in it (none for a default group).
    pub parameter_groups: BTreeMap<String, BTreeMap<String, String>>,
}

/// The default port of the engines the generator draws.
fn default_port(engine: &str) -> i64 {
    match engine {
        "postgres" => 5432,
        "sqlserver-se" => 1433,
        _ => 3306,
    }
}

/// Reads the RDS resources of `regions`.
pub fn read(sim: &Simulator, regions: &[String]) -> R<RdsState> {
    let mut s = RdsState::default();
    let flag = |v: &Value, k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    for r in regions {
        let dbs = call(sim, r, "rds", "DescribeDBInstances", json!({}))?;
        for d in dbs.get("DBInstances").and_then(Value::as_array).cloned().unwrap_or_default() {
            let port = d.pointer("/Endpoint/Port").and_then(Value::as_i64);
            s.instances.insert(
                text(&d, "DBInstanceArn"),
                InstanceState {
                    deletion_protection: flag(&d, "DeletionProtection"),
                    public: flag(&d, "PubliclyAccessible"),
                    encrypted: flag(&d, "StorageEncrypted"),
                    default_port: port == Some(default_port(&text(&d, "Engine"))),
                    user: text(&d, "MasterUsername"),
                    parameter_group: (
                        d.pointer("/DBParameterGroups/0/DBParameterGroupName")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                        d.pointer("/DBParameterGroups/0/ParameterApplyStatus")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                    ),
                },
            );
        }
        let groups = call(sim, r, "rds", "DescribeDBParameterGroups", json!({}))?;
        for g in groups.get("DBParameterGroups").and_then(Value::as_array).cloned().unwrap_or_default() {
            let name = text(&g, "DBParameterGroupName");
            let user =
                call(sim, r, "rds", "DescribeDBParameters", json!({"DBParameterGroupName": name, "Source": "user"}))?;
            let values = user
                .get("Parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|p| (text(p, "ParameterName"), text(p, "ParameterValue")))
                .collect();
            s.parameter_groups.insert(format!("{r}/{name}"), values);
        }
        let subs = call(sim, r, "rds", "DescribeEventSubscriptions", json!({}))?;
        for sub in subs.get("EventSubscriptionsList").and_then(Value::as_array).cloned().unwrap_or_default() {
            s.subscriptions.insert(format!("{r}/{}", text(&sub, "CustSubscriptionId")), flag(&sub, "Enabled"));
        }
        let snaps = call(sim, r, "rds", "DescribeDBSnapshots", json!({}))?;
        for sn in snaps.get("DBSnapshots").and_then(Value::as_array).cloned().unwrap_or_default() {
            let id = text(&sn, "DBSnapshotIdentifier");
            let attrs = call(sim, r, "rds", "DescribeDBSnapshotAttributes", json!({"DBSnapshotIdentifier": id}))?;
            let values = attrs
                .pointer("/DBSnapshotAttributesResult/DBSnapshotAttributes/0/AttributeValues")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default();
            s.snapshots.insert(text(&sn, "DBSnapshotArn"), (values, flag(&sn, "Encrypted")));
        }
        let clusters = call(sim, r, "rds", "DescribeDBClusters", json!({}))?;
        for c in clusters.get("DBClusters").and_then(Value::as_array).cloned().unwrap_or_default() {
            s.clusters.insert(
                text(&c, "DBClusterArn"),
                ClusterState {
                    engine: text(&c, "Engine"),
                    deletion_protection: flag(&c, "DeletionProtection"),
                    encrypted: flag(&c, "StorageEncrypted"),
                    multi_az: flag(&c, "MultiAZ"),
                    backtrack: c.get("BacktrackWindow").and_then(Value::as_i64).unwrap_or(0),
                    user: text(&c, "MasterUsername"),
                },
            );
        }
        let snaps = call(sim, r, "rds", "DescribeDBClusterSnapshots", json!({}))?;
        for sn in snaps.get("DBClusterSnapshots").and_then(Value::as_array).cloned().unwrap_or_default() {
            let id = text(&sn, "DBClusterSnapshotIdentifier");
            let attrs =
                call(sim, r, "rds", "DescribeDBClusterSnapshotAttributes", json!({"DBClusterSnapshotIdentifier": id}))?;
            let values = attrs
                .pointer("/DBClusterSnapshotAttributesResult/DBClusterSnapshotAttributes/0/AttributeValues")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                .unwrap_or_default();
            s.cluster_snapshots.insert(text(&sn, "DBClusterSnapshotArn"), (values, flag(&sn, "StorageEncrypted")));
        }
    }
    Ok(s)
}

/// (d) for RDS: remediation deletes no instance, cluster, snapshot, cluster snapshot or event
/// subscription (nor disables one), creates no instance or cluster, never turns deletion
/// protection, encryption or backtracking off, never makes an instance public, and only removes
/// values from a snapshot's restore attribute.
pub fn check_kept(before: &RdsState, after: &RdsState) -> R<()> {
    for (arn, was) in &before.instances {
        let Some(now) = after.instances.get(arn) else {
            return Err(format!("DB instance {arn} was deleted"));
        };
        if was.deletion_protection && !now.deletion_protection {
            return Err(format!("DB instance {arn}: deletion protection turned off"));
        }
        if !was.public && now.public {
            return Err(format!("DB instance {arn}: made publicly accessible"));
        }
        if was.encrypted && !now.encrypted {
            return Err(format!("DB instance {arn}: encryption turned off"));
        }
    }
    if let Some(extra) = after.instances.keys().find(|a| !before.instances.contains_key(*a)) {
        return Err(format!("DB instance {extra} was created by remediation"));
    }
    for (name, enabled) in &before.subscriptions {
        let Some(now) = after.subscriptions.get(name) else {
            return Err(format!("event subscription {name} was deleted"));
        };
        if *enabled && !now {
            return Err(format!("event subscription {name} was disabled"));
        }
    }
    for (arn, (restore, _)) in &before.snapshots {
        let Some((now, _)) = after.snapshots.get(arn) else { return Err(format!("DB snapshot {arn} was deleted")) };
        if let Some(added) = now.iter().find(|v| !restore.contains(v)) {
            return Err(format!("DB snapshot {arn}: restore access widened to {added}"));
        }
    }
    check_clusters_kept(before, after)
}

/// (d) for parameter groups: none deleted, no default group changed, and a value a group set
/// changes only to require TLS.
fn check_parameter_groups_kept(before: &RdsState, after: &RdsState) -> R<()> {
    for (name, values) in &before.parameter_groups {
        let Some(now) = after.parameter_groups.get(name) else {
            return Err(format!("DB parameter group {name} was deleted"));
        };
        if name.contains("/default.") && !now.is_empty() {
            return Err(format!("default DB parameter group {name} was modified"));
        }
        for (k, v) in values {
            let kept = now.get(k) == Some(v);
            let tls = matches!(k.as_str(), "rds.force_ssl" | "require_secure_transport");
            if !kept && !tls {
                return Err(format!("DB parameter group {name}: {k} changed from {v}"));
            }
        }
    }
    Ok(())
}

/// (d) for DB clusters and their snapshots.
fn check_clusters_kept(before: &RdsState, after: &RdsState) -> R<()> {
    check_parameter_groups_kept(before, after)?;
    for (arn, was) in &before.clusters {
        let Some(now) = after.clusters.get(arn) else {
            return Err(format!("DB cluster {arn} was deleted"));
        };
        if was.deletion_protection && !now.deletion_protection {
            return Err(format!("DB cluster {arn}: deletion protection turned off"));
        }
        if was.encrypted && !now.encrypted {
            return Err(format!("DB cluster {arn}: encryption turned off"));
        }
        if now.backtrack < was.backtrack {
            return Err(format!("DB cluster {arn}: backtrack window shortened"));
        }
    }
    if let Some(extra) = after.clusters.keys().find(|a| !before.clusters.contains_key(*a)) {
        return Err(format!("DB cluster {extra} was created by remediation"));
    }
    for (arn, (restore, _)) in &before.cluster_snapshots {
        let Some((now, _)) = after.cluster_snapshots.get(arn) else {
            return Err(format!("DB cluster snapshot {arn} was deleted"));
        };
        if let Some(added) = now.iter().find(|v| !restore.contains(v)) {
            return Err(format!("DB cluster snapshot {arn}: restore access widened to {added}"));
        }
    }
    Ok(())
}

/// (b) for the RDS justifications: `None` when `note` is not one; else whether it is on its
/// own control and its precondition holds in the account as remediation left it (the instance,
/// cluster or snapshot still exists and is still unencrypted, on its default port, run by a
/// default master username, without backtracking, or in one zone).
pub fn check_justification(note: &str, control: &str, resource: &str, after: &RdsState) -> Option<R<()>> {
    let inst = after.instances.get(resource);
    let cluster = after.clusters.get(resource);
    let default_user = |u: &str| u == "admin" || u == "postgres";
    let (want, holds) = if note.starts_with("RDS.3 cannot be fixed in place") {
        ("RDS.3", inst.is_some_and(|i| !i.encrypted))
    } else if note.starts_with("RDS.4 cannot be fixed in place") {
        let snapshot = after.snapshots.get(resource).or_else(|| after.cluster_snapshots.get(resource));
        ("RDS.4", snapshot.is_some_and(|(_, encrypted)| !encrypted))
    } else if let Some(c) = note.split_once(" needs a reboot: hubsim's fix set").map(|(c, _)| c) {
        // The instance's group now requires TLS and waits for a reboot.
        let pending = inst.is_some_and(|i| i.parameter_group.1 == "pending-reboot");
        return Some(if c != control {
            Err(format!("the {c} reboot justification on {control}"))
        } else if !pending {
            Err(format!("{c} justified by a pending reboot on {resource}, but its parameter group is in sync"))
        } else {
            Ok(())
        });
    } else if note.starts_with("RDS.14 cannot be fixed in place") {
        ("RDS.14", cluster.is_some_and(|c| c.engine == "aurora-mysql" && c.backtrack == 0))
    } else if note.starts_with("RDS.15 is not fixed automatically") {
        ("RDS.15", cluster.is_some_and(|c| !c.multi_az))
    } else if note.starts_with("RDS.24 cannot be fixed in place") {
        ("RDS.24", cluster.is_some_and(|c| default_user(&c.user)))
    } else if note.starts_with("RDS.27 cannot be fixed in place") {
        ("RDS.27", cluster.is_some_and(|c| !c.encrypted))
    } else if note.starts_with("RDS.23 is not fixed automatically") {
        ("RDS.23", inst.is_some_and(|i| i.default_port))
    } else if note.starts_with("RDS.25 cannot be fixed in place") {
        ("RDS.25", inst.is_some_and(|i| default_user(&i.user)))
    } else {
        return None;
    };
    Some(if control != want {
        Err(format!("the {want} justification on {control}"))
    } else if !holds {
        Err(format!("{want} justified on {resource}, but its precondition does not hold"))
    } else {
        Ok(())
    })
}
