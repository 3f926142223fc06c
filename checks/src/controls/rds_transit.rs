//! The RDS encryption-in-transit controls, read from each instance's DB parameter group:
//! RDS.38 (PostgreSQL, `rds.force_ssl`), RDS.39 (MySQL, `require_secure_transport`), RDS.41
//! (SQL Server, `rds.force_ssl`) and RDS.44 (MariaDB 10.5 and later, `require_secure_transport`)
//! (AWS: <https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html>; the rules:
//! <https://docs.aws.amazon.com/config/latest/developerguide/rds-mysql-instance-encrypted-in-transit.html>,
//! <https://docs.aws.amazon.com/config/latest/developerguide/rds-mariadb-instance-encrypted-in-transit.html>).

use hubsim_api::model::rds;

use super::rds::instance_ref;
use crate::control::{Control, Input, Schedule, Verdict};
use crate::snapshot::RdsView;

const CHOICES: &str = "Judges the instances of the control's engine: fails unless the instance's DB parameter group \
     is in-sync on it (a change waiting for a reboot does not count) and sets the control's parameter to require TLS \
     (its engine default counts when the group does not set it: PostgreSQL 15 and later force TLS by default) [I: the \
     MySQL and MariaDB rules state the in-sync condition; hubsim applies it to all four].";

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "RDS.38",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::Periodic,
        config_rule: Some("rds-postgresql-encrypted-in-transit"),
        parameters: &[],
        choices: CHOICES,
        evaluate: rds_38,
    },
    Control {
        id: "RDS.39",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::Periodic,
        config_rule: Some("rds-mysql-instance-encrypted-in-transit"),
        parameters: &[],
        choices: CHOICES,
        evaluate: rds_39,
    },
    Control {
        id: "RDS.41",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::Periodic,
        config_rule: Some("rds-sqlserver-encrypted-in-transit"),
        parameters: &[],
        choices: CHOICES,
        evaluate: rds_41,
    },
    Control {
        id: "RDS.44",
        resource_type: "AWS::RDS::DBInstance",
        schedule: Schedule::Periodic,
        config_rule: Some("rds-mariadb-instance-encrypted-in-transit"),
        parameters: &[],
        choices: CHOICES,
        evaluate: rds_44,
    },
];

/// What one control asks: the parameter and the value that requires TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlsParameter {
    /// The parameter.
    pub name: &'static str,
    /// The value that requires TLS.
    pub value: &'static str,
}

/// The parameter `control` reads of instance `d`, or `None` when the control does not judge
/// its engine.
pub fn tls_parameter(control: &str, d: &rds::DBInstance) -> Option<TlsParameter> {
    let engine = d.engine.as_deref().unwrap_or_default();
    let version = d.engine_version.as_deref().unwrap_or_default();
    match control {
        "RDS.38" if engine == "postgres" => Some(TlsParameter { name: "rds.force_ssl", value: "1" }),
        "RDS.39" if engine == "mysql" => Some(TlsParameter { name: "require_secure_transport", value: "1" }),
        "RDS.41" if engine.starts_with("sqlserver") => Some(TlsParameter { name: "rds.force_ssl", value: "1" }),
        "RDS.44" if engine == "mariadb" && mariadb_10_5_or_later(version) => {
            Some(TlsParameter { name: "require_secure_transport", value: "ON" })
        }
        _ => None,
    }
}

fn mariadb_10_5_or_later(version: &str) -> bool {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (10, 5)
}

/// The instance's parameter group and whether it is in sync.
pub fn group_of(d: &rds::DBInstance) -> Option<(String, bool)> {
    let g = d.db_parameter_groups.iter().flatten().next()?;
    Some((g.db_parameter_group_name.clone()?, g.parameter_apply_status.as_deref() == Some("in-sync")))
}

/// Whether the group's value of `p` requires TLS (`1` and `ON` both read as on).
pub fn requires_tls(view: &RdsView, group: &str, p: TlsParameter) -> bool {
    let value = view.parameter(group, p.name).and_then(|x| x.parameter_value.as_deref()).unwrap_or_default();
    value == p.value || (p.value == "ON" && value == "1") || (p.value == "1" && value.eq_ignore_ascii_case("ON"))
}

fn in_transit(i: &Input<'_>, control: &str) -> Vec<Verdict> {
    let view = &i.region.rds;
    view.instances
        .iter()
        .filter_map(|d| {
            let p = tls_parameter(control, d)?;
            let n = d.db_instance_identifier.as_deref().unwrap_or("?");
            let Some((group, in_sync)) = group_of(d) else {
                return Some(Verdict::fail(instance_ref(d), format!("DB instance {n} has no DB parameter group")));
            };
            let verdict = if !requires_tls(view, &group, p) {
                Verdict::fail(
                    instance_ref(d),
                    format!("DB instance {n}'s parameter group {group} does not set {} to {}", p.name, p.value),
                )
            } else if !in_sync {
                Verdict::fail(
                    instance_ref(d),
                    format!("DB instance {n}'s parameter group {group} requires TLS but waits for a reboot to apply"),
                )
            } else {
                Verdict::pass(
                    instance_ref(d),
                    format!("DB instance {n} requires TLS ({} = {} in {group})", p.name, p.value),
                )
            };
            Some(verdict)
        })
        .collect()
}

fn rds_38(i: &Input<'_>) -> Vec<Verdict> {
    in_transit(i, "RDS.38")
}

fn rds_39(i: &Input<'_>) -> Vec<Verdict> {
    in_transit(i, "RDS.39")
}

fn rds_41(i: &Input<'_>) -> Vec<Verdict> {
    in_transit(i, "RDS.41")
}

fn rds_44(i: &Input<'_>) -> Vec<Verdict> {
    in_transit(i, "RDS.44")
}
