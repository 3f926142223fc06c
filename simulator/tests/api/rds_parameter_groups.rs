//! RDS DB parameter groups through the typed API: default groups per family (unmodifiable,
//! undeletable), custom groups, parameters with their engine defaults and sources, apply
//! methods and the instances' apply status, reboots.

use hubsim_simulator::model::rds;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "eu-west-1";

fn code<T: std::fmt::Debug>(r: Result<T, AwsError>) -> String {
    r.unwrap_err().code
}

fn create_group(sim: &Simulator, name: &str, family: &str) -> Result<rds::CreateDBParameterGroupResult, AwsError> {
    sim.call::<rds::CreateDBParameterGroup>(
        REGION,
        rds::CreateDBParameterGroupMessage {
            db_parameter_group_name: name.into(),
            db_parameter_group_family: family.into(),
            description: "test".into(),
            tags: None,
        },
    )
}

fn value(sim: &Simulator, group: &str, name: &str) -> (Option<String>, Option<String>) {
    let params = sim
        .call::<rds::DescribeDBParameters>(
            REGION,
            rds::DescribeDBParametersMessage { db_parameter_group_name: group.into(), ..Default::default() },
        )
        .unwrap()
        .parameters
        .unwrap();
    let p = params.into_iter().find(|p| p.parameter_name.as_deref() == Some(name)).unwrap();
    (p.parameter_value, p.source)
}

fn set(
    sim: &Simulator,
    group: &str,
    name: &str,
    v: &str,
    method: &str,
) -> Result<rds::DBParameterGroupNameMessage, AwsError> {
    sim.call::<rds::ModifyDBParameterGroup>(
        REGION,
        rds::ModifyDBParameterGroupMessage {
            db_parameter_group_name: group.into(),
            parameters: vec![rds::Parameter {
                parameter_name: Some(name.into()),
                parameter_value: Some(v.into()),
                apply_method: Some(method.into()),
                ..Default::default()
            }],
        },
    )
}

fn instance(sim: &Simulator, id: &str, engine: &str, group: Option<&str>) -> Result<rds::DBInstance, AwsError> {
    sim.call::<rds::CreateDBInstance>(
        REGION,
        rds::CreateDBInstanceMessage {
            db_instance_identifier: id.into(),
            db_instance_class: "db.t3.micro".into(),
            engine: engine.into(),
            allocated_storage: Some(100),
            master_username: Some("dbowner".into()),
            master_user_password: Some("correct-horse".into()),
            db_parameter_group_name: group.map(String::from),
            ..Default::default()
        },
    )
    .map(|r| r.db_instance.unwrap())
}

fn group_status(sim: &Simulator, id: &str) -> (String, String) {
    let i = sim
        .call::<rds::DescribeDBInstances>(
            REGION,
            rds::DescribeDBInstancesMessage { db_instance_identifier: Some(id.into()), ..Default::default() },
        )
        .unwrap()
        .db_instances
        .unwrap()
        .remove(0);
    let g = i.db_parameter_groups.unwrap().remove(0);
    (g.db_parameter_group_name.unwrap(), g.parameter_apply_status.unwrap())
}

#[test]
fn default_groups_exist_per_family_with_the_engine_defaults() {
    let sim = fresh_account(Era::Current, &[REGION]);
    assert_eq!(value(&sim, "default.postgres16", "rds.force_ssl"), (Some("1".into()), Some("engine-default".into())));
    assert_eq!(value(&sim, "default.mysql8.0", "require_secure_transport").0.as_deref(), Some("0"));
    assert_eq!(value(&sim, "default.mariadb10.11", "require_secure_transport").0.as_deref(), Some("OFF"));
    assert_eq!(value(&sim, "default.sqlserver-se-16.0", "rds.force_ssl").0.as_deref(), Some("0"));
    let listed =
        sim.call::<rds::DescribeDBParameterGroups>(REGION, Default::default()).unwrap().db_parameter_groups.unwrap();
    assert!(listed.iter().any(|g| g.db_parameter_group_name.as_deref() == Some("default.mysql8.0")));
    // An instance without a group uses its family's default.
    instance(&sim, "pg", "postgres", None).unwrap();
    assert_eq!(group_status(&sim, "pg"), ("default.postgres16".into(), "in-sync".into()));
    // RDS refuses to modify or delete a default group.
    assert_eq!(code(set(&sim, "default.postgres16", "rds.force_ssl", "0", "immediate")), "InvalidParameterValue");
    let del = sim.call::<rds::DeleteDBParameterGroup>(
        REGION,
        rds::DeleteDBParameterGroupMessage { db_parameter_group_name: "default.postgres16".into() },
    );
    assert_eq!(code(del), "InvalidDBParameterGroupState");
    let missing = sim.call::<rds::DescribeDBParameters>(
        REGION,
        rds::DescribeDBParametersMessage { db_parameter_group_name: "default.nosuch9".into(), ..Default::default() },
    );
    assert_eq!(code(missing), "DBParameterGroupNotFound");
}

#[test]
fn custom_groups_validate_and_refusals_change_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_group(&sim, "App-TLS", "mysql8.0").unwrap();
    assert_eq!(code(create_group(&sim, "app-tls", "mysql8.0")), "DBParameterGroupAlreadyExists");
    assert_eq!(code(create_group(&sim, "bad--name", "mysql8.0")), "InvalidParameterValue");
    assert_eq!(code(create_group(&sim, "other", "mysql9.9x")), "InvalidParameterValue");
    assert_eq!(code(set(&sim, "app-tls", "no_such_parameter", "1", "immediate")), "InvalidParameterValue");
    assert_eq!(code(set(&sim, "app-tls", "require_secure_transport", "maybe", "immediate")), "InvalidParameterValue");
    assert_eq!(code(set(&sim, "app-tls", "require_secure_transport", "1", "later")), "InvalidParameterValue");
    assert_eq!(code(set(&sim, "nope", "require_secure_transport", "1", "immediate")), "DBParameterGroupNotFound");
    assert_eq!(value(&sim, "app-tls", "require_secure_transport"), (Some("0".into()), Some("engine-default".into())));
    set(&sim, "app-tls", "require_secure_transport", "1", "immediate").unwrap();
    assert_eq!(value(&sim, "app-tls", "require_secure_transport"), (Some("1".into()), Some("user".into())));
    let user_only = sim
        .call::<rds::DescribeDBParameters>(
            REGION,
            rds::DescribeDBParametersMessage {
                db_parameter_group_name: "app-tls".into(),
                source: Some("user".into()),
                ..Default::default()
            },
        )
        .unwrap()
        .parameters
        .unwrap();
    assert_eq!(user_only.len(), 1);
    // SQL Server's rds.force_ssl is static: only at the next reboot.
    create_group(&sim, "mssql-tls", "sqlserver-se-16.0").unwrap();
    assert_eq!(code(set(&sim, "mssql-tls", "rds.force_ssl", "1", "immediate")), "InvalidParameterCombination");
    assert_eq!(value(&sim, "mssql-tls", "rds.force_ssl").0.as_deref(), Some("0"));
}

#[test]
fn instances_take_groups_of_their_family_and_reboot_to_apply() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_group(&sim, "mysql-tls", "mysql8.0").unwrap();
    create_group(&sim, "mssql-tls", "sqlserver-se-16.0").unwrap();
    assert_eq!(code(instance(&sim, "wrong", "postgres", Some("mysql-tls"))), "InvalidParameterCombination");
    assert_eq!(code(instance(&sim, "ghost", "mysql", Some("nope"))), "DBParameterGroupNotFound");
    instance(&sim, "shop", "mysql", Some("mysql-tls")).unwrap();
    assert_eq!(group_status(&sim, "shop"), ("mysql-tls".into(), "in-sync".into()));
    // A dynamic parameter applied at once keeps the instance in sync.
    set(&sim, "mysql-tls", "require_secure_transport", "1", "immediate").unwrap();
    assert_eq!(group_status(&sim, "shop").1, "in-sync");

    // Moving an instance to another group waits for a reboot.
    instance(&sim, "mssql", "sqlserver-se", None).unwrap();
    sim.call::<rds::ModifyDBInstance>(
        REGION,
        rds::ModifyDBInstanceMessage {
            db_instance_identifier: "mssql".into(),
            db_parameter_group_name: Some("mssql-tls".into()),
            apply_immediately: Some(true),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(group_status(&sim, "mssql"), ("mssql-tls".into(), "pending-reboot".into()));
    sim.call::<rds::RebootDBInstance>(
        REGION,
        rds::RebootDBInstanceMessage { db_instance_identifier: "mssql".into(), force_failover: None },
    )
    .unwrap();
    assert_eq!(group_status(&sim, "mssql").1, "in-sync");
    // A static change leaves every instance of the group pending a reboot.
    set(&sim, "mssql-tls", "rds.force_ssl", "1", "pending-reboot").unwrap();
    assert_eq!(group_status(&sim, "mssql").1, "pending-reboot");
    let failover = sim.call::<rds::RebootDBInstance>(
        REGION,
        rds::RebootDBInstanceMessage { db_instance_identifier: "mssql".into(), force_failover: Some(true) },
    );
    assert_eq!(code(failover), "InvalidParameterCombination");

    // A group in use cannot be deleted; an unused one can.
    let delete = |name: &str| {
        sim.call::<rds::DeleteDBParameterGroup>(
            REGION,
            rds::DeleteDBParameterGroupMessage { db_parameter_group_name: name.into() },
        )
    };
    assert_eq!(code(delete("mysql-tls")), "InvalidDBParameterGroupState");
    create_group(&sim, "spare", "postgres16").unwrap();
    delete("spare").unwrap();
    assert_eq!(code(delete("spare")), "DBParameterGroupNotFound");
}
