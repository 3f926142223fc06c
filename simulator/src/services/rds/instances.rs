//! CreateDBInstance, DescribeDBInstances, ModifyDBInstance, DeleteDBInstance
//! (<https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html>,
//! <https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html>,
//! <https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html>).

use hubsim_model::{ec2, rds};

use super::engines::{self, Engine};
use super::parameter_groups::locate_group;
use super::parameters::family_of;
use super::snapshots::snapshot_of;
use super::tags::check_tags;
use super::{
    arn, check_identifier, identifier_of, instance_not_found, invalid_combination, invalid_value, locate_instance,
    page, page_bounds, read_filters, subnet_group_not_found, SnapshotDoc, SubnetGroupDoc,
};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::services::kms::resolve_key;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<rds::CreateDBInstance>()
        .add::<rds::DescribeDBInstances>()
        .add::<rds::ModifyDBInstance>()
        .add::<rds::DeleteDBInstance>();
}

/// `MonitoringInterval`'s allowed values (seconds; 0 turns Enhanced Monitoring off).
const MONITORING_INTERVALS: &[i32] = &[0, 1, 5, 10, 15, 30, 60];

/// The most days of automated backups RDS keeps.
const MAX_BACKUP_RETENTION: i32 = 35;

/// The engine named `name`, or AWS's refusal (Aurora needs a cluster hubsim does not have).
fn engine_named(name: &str) -> Result<&'static Engine, AwsError> {
    if engines::is_aurora(name) {
        return Err(invalid_value(format!(
            "Engine {name}: Aurora DB instances (the members of a DB cluster) are not simulated by hubsim yet; CreateDBCluster creates the cluster."
        )));
    }
    engines::find(name).ok_or_else(|| invalid_value(format!("Invalid DB engine: {name}")))
}

pub(super) fn check_class(class: &str) -> Result<(), AwsError> {
    if class.starts_with("db.") && class.len() > 3 {
        Ok(())
    } else {
        Err(invalid_value(format!("Invalid DB Instance class: {class}")))
    }
}

fn check_storage(engine: &Engine, storage_type: &str, gib: Option<i32>) -> Result<(), AwsError> {
    match gib {
        Some(n) if (engine.min_storage..=engine.max_storage).contains(&n) => Ok(()),
        other => Err(invalid_value(format!(
            "Invalid storage size for engine name {} and storage type {storage_type}: {}",
            engine.name,
            other.map_or("none".to_string(), |n| n.to_string())
        ))),
    }
}

pub(super) fn check_retention(days: i32) -> Result<(), AwsError> {
    if (0..=MAX_BACKUP_RETENTION).contains(&days) {
        Ok(())
    } else {
        Err(invalid_value(format!(
            "Invalid backup retention period: {days}. It must be between 0 and {MAX_BACKUP_RETENTION} days."
        )))
    }
}

pub(super) fn check_port(port: i32) -> Result<(), AwsError> {
    if (1150..=65535).contains(&port) {
        Ok(())
    } else {
        Err(invalid_value(format!("Invalid port {port}: the port must be between 1150 and 65535.")))
    }
}

/// Checks Enhanced Monitoring's interval and role together, as RDS does.
fn check_monitoring(interval: i32, role: Option<&str>) -> Result<(), AwsError> {
    if !MONITORING_INTERVALS.contains(&interval) {
        return Err(invalid_value(format!(
            "Invalid MonitoringInterval {interval}: valid values are 0, 1, 5, 10, 15, 30 and 60."
        )));
    }
    match (interval, role) {
        (0, Some(_)) => Err(invalid_combination(
            "A MonitoringInterval value other than 0 is required if you specify a MonitoringRoleArn value.",
        )),
        (i, None) if i > 0 => Err(invalid_combination(
            "A MonitoringRoleArn value is required if you specify a MonitoringInterval value other than 0.",
        )),
        (_, Some(r)) if !r.starts_with("arn:aws:iam::") => {
            Err(invalid_value(format!("Invalid MonitoringRoleArn {r}: it must be an IAM role ARN.")))
        }
        _ => Ok(()),
    }
}

/// Checks log types against what the engine exports.
fn check_log_types(engine: &Engine, types: &[String]) -> Result<(), AwsError> {
    if let Some(bad) = types.iter().find(|t| !engine.log_types.contains(&t.as_str())) {
        return Err(invalid_combination(format!(
            "You cannot use the log type {bad} with engine {}. Valid log types: {}.",
            engine.name,
            engine.log_types.join(", ")
        )));
    }
    Ok(())
}

fn check_iam_auth(engine: &Engine, on: bool) -> Result<(), AwsError> {
    if on && !engine.iam_auth {
        return Err(invalid_combination(format!(
            "IAM database authentication is not supported for engine {}: only MariaDB, MySQL and PostgreSQL take it.",
            engine.name
        )));
    }
    Ok(())
}

/// The VPC an instance lands in and its subnets' AZs: the named DB subnet group's, or the
/// default VPC's default subnets.
pub(super) fn placement(
    ctx: &Ctx<'_>,
    group: Option<&str>,
) -> Result<(Option<rds::DBSubnetGroup>, String, Vec<String>), AwsError> {
    if let Some(name) = group {
        let key = name.to_ascii_lowercase();
        let doc = ctx.get::<SubnetGroupDoc>(&key)?.ok_or_else(|| subnet_group_not_found(name))?;
        let vpc = doc.group.vpc_id.clone().unwrap_or_default();
        let azs = doc
            .group
            .subnets
            .iter()
            .flatten()
            .filter_map(|s| s.subnet_availability_zone.as_ref().and_then(|a| a.name.clone()))
            .collect();
        return Ok((Some(doc.group), vpc, azs));
    }
    let defaults: Vec<ec2::Subnet> =
        ctx.list::<ec2::Subnet>()?.into_iter().map(|(_, s)| s).filter(|s| s.default_for_az == Some(true)).collect();
    let Some(vpc) = defaults.first().and_then(|s| s.vpc_id.clone()) else {
        return Err(invalid_combination(
            "No default VPC for this region: specify a DBSubnetGroupName (the region has no default subnets).",
        ));
    };
    let azs = defaults.iter().filter_map(|s| s.availability_zone.clone()).collect();
    Ok((None, vpc, azs))
}

/// Whether an internet gateway is attached to `vpc` (RDS's default for `PubliclyAccessible`).
pub(super) fn has_internet_gateway(ctx: &Ctx<'_>, vpc: &str) -> Result<bool, AwsError> {
    Ok(ctx
        .list::<ec2::InternetGateway>()?
        .into_iter()
        .any(|(_, g)| g.attachments.iter().flatten().any(|a| a.vpc_id.as_deref() == Some(vpc))))
}

/// The ARN of the KMS key `named`, or `KMSKeyNotAccessibleFault`; without a name, the AWS
/// managed key `aws/rds` (named by its alias ARN: hubsim does not create AWS managed keys).
pub(super) fn encryption_key(ctx: &Ctx<'_>, named: Option<&str>) -> Result<String, AwsError> {
    let Some(named) = named else {
        return Ok(format!("arn:aws:kms:{}:{}:alias/aws/rds", ctx.region(), ctx.account()));
    };
    match resolve_key(ctx, named)? {
        Some(k) if k.enabled => Ok(k.arn),
        _ => Err(AwsError::bad_request(
            "KMSKeyNotAccessibleFault",
            format!("The specified KMS key {named} does not exist, is not enabled or you do not have permissions to access it."),
        )),
    }
}

impl Handler for rds::CreateDBInstance {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: rds::CreateDBInstanceMessage) -> Result<rds::CreateDBInstanceResult, AwsError> {
        check_identifier("DBInstanceIdentifier", &input.db_instance_identifier)?;
        let id = input.db_instance_identifier.to_ascii_lowercase();
        let engine = engine_named(&input.engine)?;
        check_class(&input.db_instance_class)?;
        let storage_type =
            input.storage_type.clone().unwrap_or_else(|| if input.iops.is_some() { "io1" } else { "gp2" }.to_string());
        if !["standard", "gp2", "gp3", "io1", "io2"].contains(&storage_type.as_str()) {
            return Err(invalid_value(format!("Invalid storage type: {storage_type}")));
        }
        check_storage(engine, &storage_type, input.allocated_storage)?;
        let username = input
            .master_username
            .clone()
            .filter(|u| !u.is_empty())
            .ok_or_else(|| invalid_value("The parameter MasterUsername must be provided and must not be blank."))?;
        let managed_password = input.manage_master_user_password.unwrap_or(false);
        match (&input.master_user_password, managed_password) {
            (Some(_), true) => {
                return Err(invalid_combination("Cannot specify both MasterUserPassword and ManageMasterUserPassword."))
            }
            (None, false) => {
                return Err(invalid_value("The parameter MasterUserPassword must be provided and must not be blank."))
            }
            (Some(p), false) if p.len() < 8 => {
                return Err(invalid_value(
                    "The parameter MasterUserPassword is not a valid password because it is shorter than 8 characters.",
                ))
            }
            _ => {}
        }
        let retention = input.backup_retention_period.unwrap_or(1);
        check_retention(retention)?;
        let port = input.port.unwrap_or(engine.default_port);
        check_port(port)?;
        let interval = input.monitoring_interval.unwrap_or(0);
        check_monitoring(interval, input.monitoring_role_arn.as_deref())?;
        let logs = input.enable_cloudwatch_logs_exports.clone().unwrap_or_default();
        check_log_types(engine, &logs)?;
        let iam_auth = input.enable_iam_database_authentication.unwrap_or(false);
        check_iam_auth(engine, iam_auth)?;
        let encrypted = input.storage_encrypted.unwrap_or(false);
        if input.kms_key_id.is_some() && !encrypted {
            return Err(invalid_combination("KmsKeyId requires StorageEncrypted to be true."));
        }
        let kms_key = if encrypted { Some(encryption_key(ctx, input.kms_key_id.as_deref())?) } else { None };
        let tags = input.tags.clone().unwrap_or_default();
        check_tags(&tags, &[])?;
        let (group, vpc, azs) = placement(ctx, input.db_subnet_group_name.as_deref())?;
        let multi_az = input.multi_az.unwrap_or(false);
        if let Some(az) = &input.availability_zone {
            if multi_az {
                return Err(invalid_combination(
                    "Requesting a specific availability zone is not valid for Multi-AZ instances.",
                ));
            }
            if !azs.contains(az) {
                return Err(invalid_value(format!("Availability zone {az} is not covered by the DB subnet group.")));
            }
        }
        let version = input.engine_version.clone().unwrap_or_else(|| engine.default_version.to_string());
        let parameter_group = parameter_group_for(ctx, engine, &version, input.db_parameter_group_name.as_deref())?;
        if ctx.get::<rds::DBInstance>(&id)?.is_some() {
            return Err(AwsError::bad_request("DBInstanceAlreadyExists", "DB instance already exists"));
        }
        let public = match input.publicly_accessible {
            Some(p) => p,
            None => has_internet_gateway(ctx, &vpc)?,
        };
        let az = input.availability_zone.clone().or_else(|| azs.first().cloned());
        let secondary = if multi_az { azs.iter().find(|a| Some(*a) != az.as_ref()).cloned() } else { None };
        let resource_id = format!("db-{}", ctx.ids().upper(26));
        let host = format!("{id}.{}.{}.rds.amazonaws.com", ctx.ids().hex(12), ctx.region());
        let now = ctx.now();
        let inst = rds::DBInstance {
            db_instance_identifier: Some(id.clone()),
            db_instance_class: Some(input.db_instance_class),
            engine: Some(engine.name.to_string()),
            engine_version: Some(version),
            license_model: Some(input.license_model.unwrap_or_else(|| engine.license.to_string())),
            db_instance_status: Some("available".into()),
            master_username: Some(username),
            db_name: input.db_name,
            endpoint: Some(rds::Endpoint {
                address: Some(host),
                port: Some(port),
                hosted_zone_id: Some("Z2R2ITUGPM61AM".into()),
            }),
            db_instance_port: Some(0),
            allocated_storage: input.allocated_storage,
            storage_type: Some(storage_type),
            iops: input.iops,
            instance_create_time: Some(now),
            preferred_backup_window: Some(input.preferred_backup_window.unwrap_or_else(|| "03:00-03:30".into())),
            preferred_maintenance_window: Some(
                input.preferred_maintenance_window.unwrap_or_else(|| "sun:05:00-sun:05:30".into()),
            ),
            backup_retention_period: Some(retention),
            vpc_security_groups: Some(
                input
                    .vpc_security_group_ids
                    .unwrap_or_default()
                    .into_iter()
                    .map(|g| rds::VpcSecurityGroupMembership {
                        vpc_security_group_id: Some(g),
                        status: Some("active".into()),
                    })
                    .collect(),
            ),
            db_parameter_groups: Some(vec![rds::DBParameterGroupStatus {
                db_parameter_group_name: Some(parameter_group),
                parameter_apply_status: Some("in-sync".into()),
            }]),
            availability_zone: az,
            secondary_availability_zone: secondary,
            db_subnet_group: group.or_else(|| {
                Some(rds::DBSubnetGroup {
                    db_subnet_group_name: Some("default".into()),
                    db_subnet_group_description: Some("default".into()),
                    vpc_id: Some(vpc.clone()),
                    subnet_group_status: Some("Complete".into()),
                    ..Default::default()
                })
            }),
            pending_modified_values: Some(rds::PendingModifiedValues::default()),
            multi_az: Some(multi_az),
            auto_minor_version_upgrade: Some(input.auto_minor_version_upgrade.unwrap_or(true)),
            publicly_accessible: Some(public),
            storage_encrypted: Some(encrypted),
            kms_key_id: kms_key,
            dbi_resource_id: Some(resource_id.clone()),
            ca_certificate_identifier: Some("rds-ca-rsa2048-g1".into()),
            copy_tags_to_snapshot: Some(input.copy_tags_to_snapshot.unwrap_or(false)),
            monitoring_interval: Some(interval),
            monitoring_role_arn: input.monitoring_role_arn.filter(|_| interval > 0),
            enhanced_monitoring_resource_arn: (interval > 0).then(|| monitoring_arn(ctx, &resource_id)),
            db_instance_arn: Some(arn(ctx, "db", &id)),
            iam_database_authentication_enabled: Some(iam_auth),
            performance_insights_enabled: Some(input.enable_performance_insights.unwrap_or(false)),
            enabled_cloudwatch_logs_exports: (!logs.is_empty()).then_some(logs),
            deletion_protection: Some(input.deletion_protection.unwrap_or(false)),
            max_allocated_storage: input.max_allocated_storage,
            tag_list: Some(tags),
            network_type: Some("IPV4".into()),
            backup_target: Some("region".into()),
            ..Default::default()
        };
        ctx.put(&id, &inst)?;
        Ok(rds::CreateDBInstanceResult { db_instance: Some(inst) })
    }
}

/// The parameter group an instance of `engine` at `version` uses: `named` (which must exist
/// and be of the instance's family), or the family's default group.
fn parameter_group_for(ctx: &Ctx<'_>, engine: &Engine, version: &str, named: Option<&str>) -> Result<String, AwsError> {
    let family = family_of(engine.name, version)
        .ok_or_else(|| invalid_value(format!("Invalid engine version {version} for engine {}", engine.name)))?;
    let Some(named) = named else { return Ok(format!("default.{family}")) };
    let (id, doc, _) = locate_group(ctx, named)?;
    let group_family = doc.group.db_parameter_group_family.unwrap_or_default();
    if group_family != family {
        return Err(invalid_combination(format!(
            "The parameter group {id} with DBParameterGroupFamily {group_family} cannot be used for this instance \
             (family {family})."
        )));
    }
    Ok(id)
}

/// The CloudWatch Logs stream Enhanced Monitoring writes to.
fn monitoring_arn(ctx: &Ctx<'_>, resource_id: &str) -> String {
    format!("arn:aws:logs:{}:{}:log-group:RDSOSMetrics:log-stream:{resource_id}", ctx.region(), ctx.account())
}

/// The filters `DescribeDBInstances` takes.
const INSTANCE_FILTERS: &[&str] = &["db-cluster-id", "db-instance-id", "dbi-resource-id", "domain", "engine"];

fn matches(inst: &rds::DBInstance, ctx: &Ctx<'_>, name: &str, values: &[String]) -> bool {
    let field = match name {
        "db-instance-id" => {
            let id = inst.db_instance_identifier.clone().unwrap_or_default();
            return values.iter().any(|v| identifier_of(ctx, "db", v) == id);
        }
        "db-cluster-id" => inst.db_cluster_identifier.clone(),
        "dbi-resource-id" => inst.dbi_resource_id.clone(),
        "engine" => inst.engine.clone(),
        _ => None,
    };
    field.is_some_and(|f| values.contains(&f))
}

impl Handler for rds::DescribeDBInstances {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: rds::DescribeDBInstancesMessage) -> Result<rds::DBInstanceMessage, AwsError> {
        let (start, size) = page_bounds(input.max_records, input.marker.as_deref())?;
        let filters = read_filters(input.filters, INSTANCE_FILTERS)?;
        let all: Vec<rds::DBInstance> = match &input.db_instance_identifier {
            Some(named) => vec![locate_instance(ctx, named)?.1],
            None => ctx.list::<rds::DBInstance>()?.into_iter().map(|(_, i)| i).collect(),
        };
        let chosen: Vec<rds::DBInstance> =
            all.into_iter().filter(|i| filters.iter().all(|(n, v)| matches(i, ctx, n, v))).collect();
        let (items, marker) = page(chosen, start, size);
        Ok(rds::DBInstanceMessage { marker, db_instances: Some(items) })
    }
}

/// Applies the changes RDS keeps pending until the maintenance window (or until a call with
/// `ApplyImmediately`): instance class, storage, Multi-AZ, engine version, and a backup
/// retention change from or to 0. hubsim has no maintenance windows: they wait for the next
/// modification with `ApplyImmediately`.
fn apply_pending(inst: &mut rds::DBInstance) {
    let Some(p) = inst.pending_modified_values.take() else { return };
    if let Some(v) = p.db_instance_class {
        inst.db_instance_class = Some(v);
    }
    if let Some(v) = p.allocated_storage {
        inst.allocated_storage = Some(v);
    }
    if let Some(v) = p.multi_az {
        inst.multi_az = Some(v);
    }
    if let Some(v) = p.engine_version {
        inst.engine_version = Some(v);
    }
    if let Some(v) = p.backup_retention_period {
        inst.backup_retention_period = Some(v);
    }
    if let Some(v) = p.storage_type {
        inst.storage_type = Some(v);
    }
    inst.pending_modified_values = Some(rds::PendingModifiedValues::default());
}

impl Handler for rds::ModifyDBInstance {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: rds::ModifyDBInstanceMessage) -> Result<rds::ModifyDBInstanceResult, AwsError> {
        let (id, mut inst) = locate_instance(ctx, &input.db_instance_identifier)?;
        if inst.db_instance_status.as_deref() != Some("available") {
            return Err(AwsError::bad_request(
                "InvalidDBInstanceState",
                format!(
                    "Database instance is not in available state: {id} is {}.",
                    inst.db_instance_status.clone().unwrap_or_default()
                ),
            ));
        }
        let engine = engine_named(inst.engine.as_deref().unwrap_or_default())?;
        let now_immediate = input.apply_immediately.unwrap_or(false);
        // Every check first: a refused call changes nothing.
        if let Some(c) = &input.db_instance_class {
            check_class(c)?;
        }
        if input.allocated_storage.is_some() {
            check_storage(engine, inst.storage_type.as_deref().unwrap_or("gp2"), input.allocated_storage)?;
        }
        if let Some(r) = input.backup_retention_period {
            check_retention(r)?;
        }
        if let Some(p) = input.db_port_number {
            check_port(p)?;
        }
        let interval = input.monitoring_interval.unwrap_or(inst.monitoring_interval.unwrap_or(0));
        let role =
            input.monitoring_role_arn.clone().or_else(|| inst.monitoring_role_arn.clone()).filter(|_| interval > 0);
        if input.monitoring_interval.is_some() || input.monitoring_role_arn.is_some() {
            check_monitoring(interval, role.as_deref())?;
        }
        if let Some(on) = input.enable_iam_database_authentication {
            check_iam_auth(engine, on)?;
        }
        if let Some(cfg) = &input.cloudwatch_logs_export_configuration {
            let enable = cfg.enable_log_types.clone().unwrap_or_default();
            let disable = cfg.disable_log_types.clone().unwrap_or_default();
            check_log_types(engine, &enable)?;
            check_log_types(engine, &disable)?;
            if let Some(both) = enable.iter().find(|t| disable.contains(t)) {
                return Err(invalid_combination(format!(
                    "Log type {both} cannot be both enabled and disabled in one CloudwatchLogsExportConfiguration."
                )));
            }
        }
        if let Some(t) = &input.tag_specifications {
            if !t.is_empty() {
                return Err(invalid_value("TagSpecifications: use AddTagsToResource to tag a DB instance."));
            }
        }
        if input.new_db_instance_identifier.is_some() {
            return Err(invalid_value("NewDBInstanceIdentifier: renaming a DB instance is not simulated by hubsim."));
        }
        let new_group = match &input.db_parameter_group_name {
            Some(named) => Some(parameter_group_for(
                ctx,
                engine,
                inst.engine_version.as_deref().unwrap_or(engine.default_version),
                Some(named),
            )?),
            None => None,
        };
        // Changes RDS applies whatever ApplyImmediately says.
        if let Some(v) = input.deletion_protection {
            inst.deletion_protection = Some(v);
        }
        if let Some(v) = input.copy_tags_to_snapshot {
            inst.copy_tags_to_snapshot = Some(v);
        }
        if let Some(v) = input.auto_minor_version_upgrade {
            inst.auto_minor_version_upgrade = Some(v);
        }
        if let Some(v) = input.publicly_accessible {
            inst.publicly_accessible = Some(v);
        }
        if let Some(v) = input.enable_iam_database_authentication {
            inst.iam_database_authentication_enabled = Some(v);
        }
        if input.monitoring_interval.is_some() || input.monitoring_role_arn.is_some() {
            inst.monitoring_interval = Some(interval);
            inst.monitoring_role_arn = role;
            let resource_id = inst.dbi_resource_id.clone().unwrap_or_default();
            inst.enhanced_monitoring_resource_arn = (interval > 0).then(|| monitoring_arn(ctx, &resource_id));
        }
        if let Some(p) = input.db_port_number {
            if let Some(e) = inst.endpoint.as_mut() {
                e.port = Some(p);
            }
        }
        if let Some(cfg) = input.cloudwatch_logs_export_configuration {
            let mut logs = inst.enabled_cloudwatch_logs_exports.take().unwrap_or_default();
            let disable = cfg.disable_log_types.unwrap_or_default();
            logs.retain(|l| !disable.contains(l));
            for t in cfg.enable_log_types.unwrap_or_default() {
                if !logs.contains(&t) {
                    logs.push(t);
                }
            }
            inst.enabled_cloudwatch_logs_exports = (!logs.is_empty()).then_some(logs);
        }
        if let Some(v) = input.preferred_backup_window {
            inst.preferred_backup_window = Some(v);
        }
        if let Some(v) = input.preferred_maintenance_window {
            inst.preferred_maintenance_window = Some(v);
        }
        // A new parameter group is associated at once; its values apply at the next reboot
        // (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html).
        if let Some(group) = new_group {
            let current =
                inst.db_parameter_groups.iter().flatten().next().and_then(|g| g.db_parameter_group_name.clone());
            if current.as_deref() != Some(group.as_str()) {
                inst.db_parameter_groups = Some(vec![rds::DBParameterGroupStatus {
                    db_parameter_group_name: Some(group),
                    parameter_apply_status: Some("pending-reboot".into()),
                }]);
            }
        }
        // Changes that wait for the maintenance window unless ApplyImmediately.
        let mut pending = inst.pending_modified_values.take().unwrap_or_default();
        if let Some(v) = input.db_instance_class {
            pending.db_instance_class = Some(v);
        }
        if let Some(v) = input.allocated_storage {
            pending.allocated_storage = Some(v);
        }
        if let Some(v) = input.multi_az {
            pending.multi_az = Some(v);
        }
        if let Some(v) = input.engine_version {
            pending.engine_version = Some(v);
        }
        if let Some(v) = input.storage_type {
            pending.storage_type = Some(v);
        }
        if let Some(r) = input.backup_retention_period {
            let current = inst.backup_retention_period.unwrap_or(0);
            if (current == 0) == (r == 0) {
                // From a non-zero period to another: at once
                // (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html).
                inst.backup_retention_period = Some(r);
            } else {
                pending.backup_retention_period = Some(r);
            }
        }
        inst.pending_modified_values = Some(pending);
        if now_immediate {
            apply_pending(&mut inst);
        }
        ctx.put(&id, &inst)?;
        Ok(rds::ModifyDBInstanceResult { db_instance: Some(inst) })
    }
}

impl Handler for rds::DeleteDBInstance {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: rds::DeleteDBInstanceMessage) -> Result<rds::DeleteDBInstanceResult, AwsError> {
        let (id, mut inst) = locate_instance(ctx, &input.db_instance_identifier)?;
        if inst.deletion_protection == Some(true) {
            return Err(invalid_combination(
                "Cannot delete protected DB Instance, please disable deletion protection and try again.",
            ));
        }
        let skip = input.skip_final_snapshot.unwrap_or(false);
        let final_snapshot = match (skip, input.final_db_snapshot_identifier) {
            (true, Some(_)) => {
                return Err(invalid_combination(
                    "FinalDBSnapshotIdentifier cannot be specified when deleting a database instance with SkipFinalSnapshot=true.",
                ))
            }
            (false, None) => {
                return Err(invalid_combination(
                    "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.",
                ))
            }
            (true, None) => None,
            (false, Some(s)) => {
                check_identifier("FinalDBSnapshotIdentifier", &s)?;
                let sid = s.to_ascii_lowercase();
                if ctx.get::<SnapshotDoc>(&sid)?.is_some() {
                    return Err(AwsError::bad_request(
                        "DBSnapshotAlreadyExists",
                        format!("Cannot create the snapshot because a snapshot with the identifier {sid} already exists."),
                    ));
                }
                Some(sid)
            }
        };
        if let Some(sid) = final_snapshot {
            let snap = snapshot_of(ctx, &inst, &sid, None);
            ctx.put(&sid, &SnapshotDoc { snapshot: snap, restore: Vec::new() })?;
        }
        if !ctx.delete::<rds::DBInstance>(&id)? {
            return Err(instance_not_found(&id));
        }
        inst.db_instance_status = Some("deleting".into());
        Ok(rds::DeleteDBInstanceResult { db_instance: Some(inst) })
    }
}
