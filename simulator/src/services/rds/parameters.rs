//! The parameters hubsim knows of each DB parameter group family: the ones the RDS controls
//! read (`rds.force_ssl`, `require_secure_transport`) and a few common ones, with RDS's defaults
//! and whether a change applies at once (dynamic) or at the next reboot (static)
//! (<https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithParamGroups.html>,
//! <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html>,
//! <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.html>,
//! <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/SQLServer.Concepts.General.SSL.Using.html>).

/// One engine parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParameterSpec {
    /// Its name.
    pub name: &'static str,
    /// Its engine default (`None`: no value until set).
    pub default: Option<&'static str>,
    /// The values it takes, comma-separated (`None`: any text).
    pub allowed: Option<&'static str>,
    /// `dynamic` (applies at once) or `static` (at the next reboot).
    pub apply_type: &'static str,
    /// `boolean`, `integer`, `string`.
    pub data_type: &'static str,
    /// What it does.
    pub description: &'static str,
}

const fn p(
    name: &'static str,
    default: Option<&'static str>,
    allowed: Option<&'static str>,
    apply_type: &'static str,
    data_type: &'static str,
    description: &'static str,
) -> ParameterSpec {
    ParameterSpec { name, default, allowed, apply_type, data_type, description }
}

const MYSQL: &[ParameterSpec] = &[
    p("general_log", Some("0"), Some("0,1"), "dynamic", "boolean", "Whether the general query log is written."),
    p("log_output", Some("TABLE"), Some("TABLE,FILE,NONE"), "dynamic", "string", "Where logs are written."),
    p("max_connections", None, Some("1-100000"), "dynamic", "integer", "The most simultaneous client connections."),
    p(
        "require_secure_transport",
        Some("0"),
        Some("0,1"),
        "dynamic",
        "boolean",
        "Whether clients must connect with TLS.",
    ),
    p("slow_query_log", Some("0"), Some("0,1"), "dynamic", "boolean", "Whether the slow query log is written."),
];

const MARIADB: &[ParameterSpec] = &[
    p("general_log", Some("0"), Some("0,1"), "dynamic", "boolean", "Whether the general query log is written."),
    p("log_output", Some("TABLE"), Some("TABLE,FILE,NONE"), "dynamic", "string", "Where logs are written."),
    p("max_connections", None, Some("1-100000"), "dynamic", "integer", "The most simultaneous client connections."),
    p(
        "require_secure_transport",
        Some("OFF"),
        Some("ON,OFF"),
        "dynamic",
        "boolean",
        "Whether clients must connect with TLS.",
    ),
    p("slow_query_log", Some("0"), Some("0,1"), "dynamic", "boolean", "Whether the slow query log is written."),
];

/// PostgreSQL 15 and later force TLS by default.
const POSTGRES: &[ParameterSpec] = &[
    p("log_connections", Some("0"), Some("0,1"), "dynamic", "boolean", "Whether each connection is logged."),
    p("log_statement", Some("none"), Some("none,ddl,mod,all"), "dynamic", "string", "Which statements are logged."),
    p("rds.force_ssl", Some("1"), Some("0,1"), "dynamic", "boolean", "Whether clients must connect with TLS."),
    p("shared_buffers", None, Some("16-1073741823"), "static", "integer", "Memory for shared buffers (8 KB units)."),
];

const POSTGRES_OLD: &[ParameterSpec] = &[
    p("log_connections", Some("0"), Some("0,1"), "dynamic", "boolean", "Whether each connection is logged."),
    p("log_statement", Some("none"), Some("none,ddl,mod,all"), "dynamic", "string", "Which statements are logged."),
    p("rds.force_ssl", Some("0"), Some("0,1"), "dynamic", "boolean", "Whether clients must connect with TLS."),
    p("shared_buffers", None, Some("16-1073741823"), "static", "integer", "Memory for shared buffers (8 KB units)."),
];

const SQLSERVER: &[ParameterSpec] = &[
    p(
        "contained database authentication",
        Some("0"),
        Some("0,1"),
        "dynamic",
        "boolean",
        "Whether contained databases may authenticate users.",
    ),
    p("rds.force_ssl", Some("0"), Some("0,1"), "static", "boolean", "Whether clients must connect with TLS."),
];

const ORACLE: &[ParameterSpec] = &[
    p("audit_trail", Some("NONE"), Some("NONE,OS,DB,XML"), "static", "string", "Where database auditing writes."),
    p("open_cursors", Some("300"), Some("0-65535"), "dynamic", "integer", "The most cursors a session may open."),
];

const DB2: &[ParameterSpec] = &[p(
    "db2_compatibility_vector",
    None,
    None,
    "static",
    "string",
    "The compatibility features the instance turns on.",
)];

/// The family of an engine at a version (`mysql` 8.0.40 → `mysql8.0`, `postgres` 16.6 →
/// `postgres16`, `sqlserver-se` 16.00.4165.4.v1 → `sqlserver-se-16.0`), or `None` for an engine
/// hubsim does not know.
pub fn family_of(engine: &str, version: &str) -> Option<String> {
    let mut parts = version.split('.');
    let major = parts.next().unwrap_or_default();
    let minor = parts.next().unwrap_or_default();
    let minor_digit = minor.trim_start_matches('0');
    let minor_digit = if minor_digit.is_empty() { "0" } else { minor_digit };
    match engine {
        "mysql" => Some(format!("mysql{major}.{minor}")),
        "mariadb" => Some(format!("mariadb{major}.{minor}")),
        "postgres" => Some(format!("postgres{major}")),
        e if e.starts_with("sqlserver-") => Some(format!("{e}-{}.{minor_digit}", major.trim_start_matches('0'))),
        e if e.starts_with("oracle-") => Some(format!("{e}-{major}")),
        e if e.starts_with("db2-") => Some(format!("{e}-{major}.{minor}")),
        _ => None,
    }
}

/// The engine a family belongs to (`mysql8.0` → `mysql`), or `None` for a family RDS does not
/// have: each engine's families are its major versions RDS supports
/// (<https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithParamGroups.html>).
fn engine_of(family: &str) -> Option<&'static str> {
    const FAMILIES: &[(&str, &[&str])] = &[
        ("mysql", &["5.7", "8.0", "8.4"]),
        ("mariadb", &["10.4", "10.5", "10.6", "10.11", "11.4"]),
        ("postgres", &["11", "12", "13", "14", "15", "16", "17"]),
        ("sqlserver-ee", &["-14.0", "-15.0", "-16.0"]),
        ("sqlserver-se", &["-14.0", "-15.0", "-16.0"]),
        ("sqlserver-ex", &["-14.0", "-15.0", "-16.0"]),
        ("sqlserver-web", &["-14.0", "-15.0", "-16.0"]),
        ("oracle-ee-cdb", &["-19", "-21"]),
        ("oracle-se2-cdb", &["-19", "-21"]),
        ("oracle-ee", &["-19"]),
        ("oracle-se2", &["-19"]),
        ("db2-ae", &["-11.5"]),
        ("db2-se", &["-11.5"]),
    ];
    FAMILIES
        .iter()
        .find(|(engine, versions)| family.strip_prefix(engine).is_some_and(|rest| versions.contains(&rest)))
        .map(|(engine, _)| *engine)
}

/// The parameters of `family`, or `None` for a family hubsim does not know.
pub fn parameters_of(family: &str) -> Option<&'static [ParameterSpec]> {
    let engine = engine_of(family)?;
    let specs: &'static [ParameterSpec] = match engine {
        "mysql" => MYSQL,
        "mariadb" => MARIADB,
        "postgres" => {
            let major: u32 = family.trim_start_matches("postgres").parse().ok()?;
            if major >= 15 {
                POSTGRES
            } else {
                POSTGRES_OLD
            }
        }
        e if e.starts_with("sqlserver") => SQLSERVER,
        e if e.starts_with("oracle") => ORACLE,
        _ => DB2,
    };
    Some(specs)
}

/// Whether `value` is one `spec` allows.
pub fn allows(spec: &ParameterSpec, value: &str) -> bool {
    let Some(allowed) = spec.allowed else { return true };
    if let Some((lo, hi)) = allowed.split_once('-').filter(|_| !allowed.contains(',')) {
        let (Ok(lo), Ok(hi), Ok(v)) = (lo.parse::<i64>(), hi.parse::<i64>(), value.parse::<i64>()) else {
            return false;
        };
        return (lo..=hi).contains(&v);
    }
    allowed.split(',').any(|a| a == value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_follow_engine_and_version() {
        assert_eq!(family_of("mysql", "8.0.40").as_deref(), Some("mysql8.0"));
        assert_eq!(family_of("mariadb", "10.11.10").as_deref(), Some("mariadb10.11"));
        assert_eq!(family_of("postgres", "16.6").as_deref(), Some("postgres16"));
        assert_eq!(family_of("sqlserver-se", "16.00.4165.4.v1").as_deref(), Some("sqlserver-se-16.0"));
        assert_eq!(family_of("oracle-ee", "19.0.0.0.ru-2024-10.rur-2024-10.r1").as_deref(), Some("oracle-ee-19"));
        assert_eq!(family_of("aurora-mysql", "8.0"), None);
    }

    #[test]
    fn postgres_15_and_later_force_tls_by_default() {
        let force = |f: &str| parameters_of(f).unwrap().iter().find(|p| p.name == "rds.force_ssl").unwrap().default;
        assert_eq!(force("postgres16"), Some("1"));
        assert_eq!(force("postgres14"), Some("0"));
        assert_eq!(force("sqlserver-se-16.0"), Some("0"));
        assert!(parameters_of("nosuch1.0").is_none());
        assert!(parameters_of("mysqlx").is_none());
        assert!(parameters_of("mysql9.9x").is_none());
        assert!(parameters_of("oracle-ee-cdb-19").is_some());
    }

    #[test]
    fn allowed_values_and_ranges() {
        let specs = parameters_of("mysql8.0").unwrap();
        let get = |n: &str| specs.iter().find(|p| p.name == n).unwrap();
        assert!(allows(get("require_secure_transport"), "1"));
        assert!(!allows(get("require_secure_transport"), "yes"));
        assert!(allows(get("max_connections"), "500"));
        assert!(!allows(get("max_connections"), "0"));
        assert!(!allows(get("max_connections"), "many"));
    }
}
