//! The fixes of the RDS encryption-in-transit controls (RDS.38, .39, .41, .44): the instance's
//! DB parameter group set to require TLS. A default group cannot be modified, so an instance on
//! one moves to a custom group of its family that requires TLS (created once per family and
//! region, `hubsim-tls-<family>`, starting from the engine defaults like the default group);
//! the move, like a static parameter, applies at the next reboot, which is left to the owner
//! (justified). Nothing is deleted, and no default group is touched
//! (<https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithParamGroups.html>).

use hubsim_api::model::rds;
use hubsim_api::AwsApi;

use super::{Done, Fix, How, Scope, Target};
use crate::controls::rds_transit::{group_of, requires_tls, tls_parameter};
use crate::remediate::fixer::Fixer;
use crate::remediate::{Failed, Justification};

/// The transit fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    let fix = |control: &'static str, how: super::Apply<A>| Fix {
        control,
        iam_actions: &[
            "rds:CreateDBParameterGroup",
            "rds:ModifyDBParameterGroup",
            "rds:ModifyDBInstance",
            // Read: the group's family and whether hubsim's group exists.
            "rds:DescribeDBParameterGroups",
        ],
        scope: Scope::Resource,
        // No AWS dependency; S3.5 stays first in a round.
        after: &["S3.5"],
        how: How::Calls(how),
    };
    vec![fix("RDS.38", rds_38), fix("RDS.39", rds_39), fix("RDS.41", rds_41), fix("RDS.44", rds_44)]
}

fn rds_38<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    require_tls(f, target, "RDS.38")
}

fn rds_39<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    require_tls(f, target, "RDS.39")
}

fn rds_41<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    require_tls(f, target, "RDS.41")
}

fn rds_44<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    require_tls(f, target, "RDS.44")
}

/// The name of the group hubsim creates for `family` (`mysql8.0` → `hubsim-tls-mysql8-0`).
pub fn tls_group_name(family: &str) -> String {
    format!("hubsim-tls-{}", family.replace('.', "-"))
}

fn read_failed(call: &str) -> impl FnOnce(hubsim_api::AwsError) -> Failed + '_ {
    move |error| Failed { call: call.to_string(), error }
}

fn require_tls<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>, control: &str) -> Result<Done, Failed> {
    let Some(view) = target.snapshot.regions.iter().find(|r| r.name == target.region).map(|r| &r.rds) else {
        return Ok(Done::Applied);
    };
    let Some(d) = view.instances.iter().find(|i| i.db_instance_arn.as_deref() == Some(target.resource)) else {
        return Ok(Done::Applied);
    };
    let (Some(p), Some((group, in_sync)), Some(id)) =
        (tls_parameter(control, d), group_of(d), d.db_instance_identifier.clone())
    else {
        return Ok(Done::Applied);
    };
    let reboot = || Ok(Done::Unfixable(Justification::RdsRebootPending { control: control.to_string() }));
    let static_parameter = view.parameter(&group, p.name).and_then(|x| x.apply_type.as_deref()) == Some("static");
    let method = if static_parameter { "pending-reboot" } else { "immediate" };
    let set_tls = |f: &mut Fixer<'_, A>, group: &str| {
        f.call::<rds::ModifyDBParameterGroup>(
            target.region,
            rds::ModifyDBParameterGroupMessage {
                db_parameter_group_name: group.to_string(),
                parameters: vec![rds::Parameter {
                    parameter_name: Some(p.name.to_string()),
                    parameter_value: Some(p.value.to_string()),
                    apply_method: Some(method.to_string()),
                    ..Default::default()
                }],
            },
        )
        .map(|_| ())
    };
    if !group.starts_with("default.") {
        if requires_tls(view, &group, p) {
            return if in_sync { Ok(Done::Applied) } else { reboot() };
        }
        set_tls(f, &group)?;
        return if in_sync && !static_parameter { Ok(Done::Applied) } else { reboot() };
    }
    // A default group: move the instance to hubsim's group of its family.
    let family = f
        .read::<rds::DescribeDBParameterGroups>(
            target.region,
            rds::DescribeDBParameterGroupsMessage {
                db_parameter_group_name: Some(group.clone()),
                ..Default::default()
            },
        )
        .map_err(read_failed("rds:DescribeDBParameterGroups"))?
        .db_parameter_groups
        .unwrap_or_default()
        .into_iter()
        .find_map(|g| g.db_parameter_group_family)
        .unwrap_or_default();
    let custom = tls_group_name(&family);
    let exists = f
        .read::<rds::DescribeDBParameterGroups>(
            target.region,
            rds::DescribeDBParameterGroupsMessage {
                db_parameter_group_name: Some(custom.clone()),
                ..Default::default()
            },
        )
        .is_ok();
    if !exists {
        f.call::<rds::CreateDBParameterGroup>(
            target.region,
            rds::CreateDBParameterGroupMessage {
                db_parameter_group_name: custom.clone(),
                db_parameter_group_family: family,
                description: format!("hubsim: the engine defaults, with TLS required ({control})"),
                tags: None,
            },
        )?;
    }
    set_tls(f, &custom)?;
    f.call::<rds::ModifyDBInstance>(
        target.region,
        rds::ModifyDBInstanceMessage {
            db_instance_identifier: id,
            db_parameter_group_name: Some(custom),
            apply_immediately: Some(true),
            ..Default::default()
        },
    )?;
    reboot()
}
