//! What RDS knows of each database engine: its default port, its storage range, the log types
//! it can export to CloudWatch Logs, whether it takes IAM database authentication, and the
//! version hubsim gives an instance created without `EngineVersion`
//! (<https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html>,
//! <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html>).

/// One engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Engine {
    /// `Engine` as the API spells it (`mysql`, `postgres`, `sqlserver-ee`).
    pub name: &'static str,
    /// The port an instance listens on when `Port` is not given.
    pub default_port: i32,
    /// Smallest `AllocatedStorage` (GiB) on general-purpose storage.
    pub min_storage: i32,
    /// Largest `AllocatedStorage` (GiB).
    pub max_storage: i32,
    /// Log types `EnableCloudwatchLogsExports` accepts.
    pub log_types: &'static [&'static str],
    /// Whether IAM database authentication is available (MariaDB, MySQL, PostgreSQL).
    pub iam_auth: bool,
    /// The engine version of an instance created without one.
    pub default_version: &'static str,
    /// The license model of an instance created without one.
    pub license: &'static str,
}

const MYSQL_LOGS: &[&str] = &["audit", "error", "general", "slowquery", "iam-db-auth-error"];
const POSTGRES_LOGS: &[&str] = &["postgresql", "upgrade", "iam-db-auth-error"];
const ORACLE_LOGS: &[&str] = &["alert", "audit", "listener", "trace", "oemagent"];
const SQLSERVER_LOGS: &[&str] = &["agent", "error"];
const DB2_LOGS: &[&str] = &["diag.log", "notify.log"];

const fn engine(
    name: &'static str,
    default_port: i32,
    max_storage: i32,
    log_types: &'static [&'static str],
    iam_auth: bool,
    default_version: &'static str,
    license: &'static str,
) -> Engine {
    Engine { name, default_port, min_storage: 20, max_storage, log_types, iam_auth, default_version, license }
}

/// The engines a DB instance outside a cluster can run (Aurora's instances belong to a DB
/// cluster, which hubsim does not simulate yet; RDS Custom is left out).
pub const ENGINES: &[Engine] = &[
    engine("mysql", 3306, 65536, MYSQL_LOGS, true, "8.0.40", "general-public-license"),
    engine("mariadb", 3306, 65536, MYSQL_LOGS, true, "10.11.10", "general-public-license"),
    engine("postgres", 5432, 65536, POSTGRES_LOGS, true, "16.6", "postgresql-license"),
    engine(
        "oracle-ee",
        1521,
        65536,
        ORACLE_LOGS,
        false,
        "19.0.0.0.ru-2024-10.rur-2024-10.r1",
        "bring-your-own-license",
    ),
    engine(
        "oracle-ee-cdb",
        1521,
        65536,
        ORACLE_LOGS,
        false,
        "19.0.0.0.ru-2024-10.rur-2024-10.r1",
        "bring-your-own-license",
    ),
    engine("oracle-se2", 1521, 65536, ORACLE_LOGS, false, "19.0.0.0.ru-2024-10.rur-2024-10.r1", "license-included"),
    engine("oracle-se2-cdb", 1521, 65536, ORACLE_LOGS, false, "19.0.0.0.ru-2024-10.rur-2024-10.r1", "license-included"),
    engine("sqlserver-ee", 1433, 16384, SQLSERVER_LOGS, false, "16.00.4165.4.v1", "license-included"),
    engine("sqlserver-se", 1433, 16384, SQLSERVER_LOGS, false, "16.00.4165.4.v1", "license-included"),
    engine("sqlserver-ex", 1433, 16384, SQLSERVER_LOGS, false, "16.00.4165.4.v1", "license-included"),
    engine("sqlserver-web", 1433, 16384, SQLSERVER_LOGS, false, "16.00.4165.4.v1", "license-included"),
    engine("db2-ae", 50000, 65536, DB2_LOGS, false, "11.5.9.0.sb00000000.r1", "bring-your-own-license"),
    engine("db2-se", 50000, 65536, DB2_LOGS, false, "11.5.9.0.sb00000000.r1", "bring-your-own-license"),
];

/// The engine named `name` (case-insensitive, as RDS reads it).
pub fn find(name: &str) -> Option<&'static Engine> {
    ENGINES.iter().find(|e| e.name.eq_ignore_ascii_case(name))
}

/// Whether `name` is an Aurora engine (its instances need a DB cluster).
pub fn is_aurora(name: &str) -> bool {
    name.to_ascii_lowercase().starts_with("aurora")
}
