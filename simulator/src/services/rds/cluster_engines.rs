//! What RDS knows of each DB cluster engine: Aurora MySQL and Aurora PostgreSQL, and the
//! engines of Multi-AZ DB clusters (MySQL, PostgreSQL): default port and version, the log
//! types `EnableCloudwatchLogsExports` accepts, whether backtracking exists
//! (<https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html>).

/// One cluster engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterEngine {
    /// `Engine` as the API spells it.
    pub name: &'static str,
    /// Whether it is Aurora (else a Multi-AZ DB cluster, which needs a DB cluster instance class).
    pub aurora: bool,
    /// The port a cluster listens on when `Port` is not given.
    pub default_port: i32,
    /// The engine version of a cluster created without one.
    pub default_version: &'static str,
    /// Log types `EnableCloudwatchLogsExports` accepts.
    pub log_types: &'static [&'static str],
    /// Whether `BacktrackWindow` applies (Aurora MySQL only).
    pub backtrack: bool,
}

/// The cluster engines hubsim simulates.
pub const CLUSTER_ENGINES: &[ClusterEngine] = &[
    ClusterEngine {
        name: "aurora-mysql",
        aurora: true,
        default_port: 3306,
        default_version: "8.0.mysql_aurora.3.08.0",
        log_types: &["audit", "error", "general", "instance", "slowquery", "iam-db-auth-error"],
        backtrack: true,
    },
    ClusterEngine {
        name: "aurora-postgresql",
        aurora: true,
        default_port: 5432,
        default_version: "16.6",
        log_types: &["instance", "postgresql", "iam-db-auth-error"],
        backtrack: false,
    },
    ClusterEngine {
        name: "mysql",
        aurora: false,
        default_port: 3306,
        default_version: "8.0.40",
        log_types: &["error", "general", "slowquery", "iam-db-auth-error"],
        backtrack: false,
    },
    ClusterEngine {
        name: "postgres",
        aurora: false,
        default_port: 5432,
        default_version: "16.6",
        log_types: &["postgresql", "upgrade", "iam-db-auth-error"],
        backtrack: false,
    },
];

/// The cluster engine named `name` (case-insensitive).
pub fn find(name: &str) -> Option<&'static ClusterEngine> {
    CLUSTER_ENGINES.iter().find(|e| e.name.eq_ignore_ascii_case(name))
}
