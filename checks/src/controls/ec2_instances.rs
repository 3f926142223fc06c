//! EC2.1, EC2.3, EC2.4, EC2.8, EC2.9, EC2.17, EC2.22, EC2.24: snapshots, volumes, instances and
//! unused security groups
//! (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html).

use super::ec2_arn;
use crate::control::{Control, Input, ParamKind, Parameter, ResourceRef, Schedule, Verdict};
use hubsim_api::model::{ec2, Timestamp};

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "EC2.1",
        resource_type: "AWS::::Account",
        schedule: Schedule::Periodic,
        // https://docs.aws.amazon.com/config/latest/developerguide/ebs-snapshot-public-restorable-check.html
        config_rule: Some("ebs-snapshot-public-restorable-check"),
        parameters: &[],
        choices: "One verdict per region: FAILED while any snapshot the account owns there has createVolumePermission \
                  Group=all, whether or not block public access for snapshots hides it [I: the rule reads the \
                  attribute, which blocking leaves as it was].",
        evaluate: ec2_1,
    },
    Control {
        id: "EC2.3",
        resource_type: "AWS::EC2::Volume",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/encrypted-volumes.html
        config_rule: Some("encrypted-volumes"),
        parameters: &[],
        choices: "Attached volumes only (in-use); an unattached volume gets no finding. The KMS key is not checked.",
        evaluate: ec2_3,
    },
    Control {
        id: "EC2.4",
        resource_type: "AWS::EC2::Instance",
        schedule: Schedule::Periodic,
        // https://docs.aws.amazon.com/config/latest/developerguide/ec2-stopped-instance.html
        config_rule: Some("ec2-stopped-instance"),
        parameters: &[Parameter {
            name: "AllowedDays",
            kind: ParamKind::Int { min: 1, max: 365 },
            default: Some("30"),
            doc: "days an instance may stay stopped",
        }],
        choices: "The stop time is the one in StateTransitionReason (\"User initiated (… GMT)\"), compared with the \
                  time of the evaluation's credential report [I]; running instances pass; stopped longer than \
                  AllowedDays (strictly) fails.",
        evaluate: ec2_4,
    },
    Control {
        id: "EC2.8",
        resource_type: "AWS::EC2::Instance",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/ec2-imdsv2-check.html
        config_rule: Some("ec2-imdsv2-check"),
        parameters: &[],
        choices: "Every instance not terminated; HttpTokens must be required (a disabled endpoint does not pass) [I].",
        evaluate: ec2_8,
    },
    Control {
        id: "EC2.9",
        resource_type: "AWS::EC2::Instance",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/ec2-instance-no-public-ip.html
        config_rule: Some("ec2-instance-no-public-ip"),
        parameters: &[],
        choices: "An instance with a public IPv4 address (Amazon's or an Elastic IP) fails; a stopped instance has \
                  none unless an Elastic IP is associated. IPv6 addresses do not count.",
        evaluate: ec2_9,
    },
    Control {
        id: "EC2.17",
        resource_type: "AWS::EC2::Instance",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/ec2-instance-multiple-eni-check.html
        config_rule: Some("ec2-instance-multiple-eni-check"),
        parameters: &[],
        choices: "More than one attached network interface fails (the networkInterfaceIds parameter is not set).",
        evaluate: ec2_17,
    },
    Control {
        id: "EC2.22",
        resource_type: "AWS::EC2::SecurityGroup",
        schedule: Schedule::Periodic,
        // https://docs.aws.amazon.com/config/latest/developerguide/ec2-security-group-attached-to-eni-periodic.html
        config_rule: Some("ec2-security-group-attached-to-eni-periodic"),
        parameters: &[],
        choices: "Non-default groups only (default groups are not applicable); a group carried by any network \
                  interface (instances', VPC endpoints' or unattached ones) passes.",
        evaluate: ec2_22,
    },
    Control {
        id: "EC2.24",
        resource_type: "AWS::EC2::Instance",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/ec2-paravirtual-instance-check.html
        config_rule: Some("ec2-paravirtual-instance-check"),
        parameters: &[],
        choices: "VirtualizationType paravirtual fails, hvm passes.",
        evaluate: ec2_24,
    },
];

/// The ASFF resource of an instance.
pub(crate) fn instance_resource(i: &Input<'_>, id: &str) -> ResourceRef {
    ResourceRef { id: ec2_arn(&i.region.name, &i.global.account, "instance", id), kind: "AwsEc2Instance" }
}

/// One verdict per instance, passing when `ok` says so.
fn per_instance(
    i: &Input<'_>,
    ok: impl Fn(&ec2::Instance) -> bool,
    pass: impl Fn(&str, &ec2::Instance) -> String,
    fail: impl Fn(&str, &ec2::Instance) -> String,
) -> Vec<Verdict> {
    i.region
        .instances
        .instances
        .iter()
        .map(|inst| {
            let id = inst.instance_id.clone().unwrap_or_default();
            Verdict::check(instance_resource(i, &id), ok(inst), pass(&id, inst), fail(&id, inst))
        })
        .collect()
}

fn ec2_1(i: &Input<'_>) -> Vec<Verdict> {
    let public: Vec<String> = i
        .region
        .instances
        .snapshots
        .iter()
        .filter(|s| s.public())
        .filter_map(|s| s.snapshot.snapshot_id.clone())
        .collect();
    vec![Verdict::check(
        i.account(),
        public.is_empty(),
        format!("no snapshot the account owns in {} is publicly restorable", i.region.name),
        format!(
            "snapshot(s) {} in {} can be restored by anyone (createVolumePermission Group=all)",
            public.join(", "),
            i.region.name
        ),
    )]
}

fn ec2_3(i: &Input<'_>) -> Vec<Verdict> {
    let mut out = Vec::new();
    for v in &i.region.instances.volumes {
        let Some(att) = v.attachments.iter().flatten().next() else { continue };
        let id = v.volume_id.clone().unwrap_or_default();
        let to = format!(
            "attached to {} as {}",
            att.instance_id.clone().unwrap_or_default(),
            att.device.clone().unwrap_or_default()
        );
        out.push(Verdict::check(
            ResourceRef { id: ec2_arn(&i.region.name, &i.global.account, "volume", &id), kind: "AwsEc2Volume" },
            v.encrypted == Some(true),
            format!("volume {id} ({to}) is encrypted"),
            format!("volume {id} ({to}) is not encrypted"),
        ));
    }
    out
}

/// When a stopped instance stopped: the time in its StateTransitionReason
/// (`User initiated (2026-12-07 18:33:13 GMT)`).
pub(crate) fn stopped_at(inst: &ec2::Instance) -> Option<Timestamp> {
    let reason = inst.state_transition_reason.as_deref()?;
    let (_, rest) = reason.split_once('(')?;
    let text = rest.get(..19)?;
    Timestamp::parse_iso8601(&format!("{text}Z"))
}

const DAY_MS: i64 = 24 * 3600 * 1000;

fn ec2_4(i: &Input<'_>) -> Vec<Verdict> {
    let allowed = i.params.int("AllowedDays").unwrap_or(30);
    let now = i.global.credentials.generated;
    per_instance(
        i,
        |inst| {
            let stopped = inst.state.as_ref().and_then(|s| s.name.as_deref()) == Some("stopped");
            match (stopped, stopped_at(inst), now) {
                (false, _, _) => true,
                (true, Some(at), Some(now)) => (now.0 - at.0) <= allowed * DAY_MS,
                // A stopped instance whose stop time cannot be read is judged as just stopped.
                (true, _, _) => true,
            }
        },
        |id, inst| {
            let state = inst.state.as_ref().and_then(|s| s.name.clone()).unwrap_or_default();
            match (stopped_at(inst), now) {
                (Some(at), Some(now)) if state == "stopped" => {
                    format!("instance {id} has been stopped for {} day(s), within {allowed}", (now.0 - at.0) / DAY_MS)
                }
                _ => format!("instance {id} is {state}"),
            }
        },
        |id, inst| {
            let days = match (stopped_at(inst), now) {
                (Some(at), Some(now)) => (now.0 - at.0) / DAY_MS,
                _ => 0,
            };
            format!(
                "instance {id} has been stopped for {days} day(s) ({}), more than the {allowed} allowed",
                inst.state_transition_reason.clone().unwrap_or_default()
            )
        },
    )
}

fn ec2_8(i: &Input<'_>) -> Vec<Verdict> {
    let tokens = |inst: &ec2::Instance| {
        inst.metadata_options.as_ref().and_then(|m| m.http_tokens.clone()).unwrap_or_else(|| "optional".into())
    };
    per_instance(
        i,
        |inst| tokens(inst) == "required",
        |id, _| format!("instance {id} requires IMDSv2 (HttpTokens required)"),
        |id, inst| format!("instance {id} allows IMDSv1 (HttpTokens {})", tokens(inst)),
    )
}

fn ec2_9(i: &Input<'_>) -> Vec<Verdict> {
    per_instance(
        i,
        |inst| inst.public_ip_address.is_none(),
        |id, _| format!("instance {id} has no public IPv4 address"),
        |id, inst| {
            let ip = inst.public_ip_address.clone().unwrap_or_default();
            let eip = i.region.instances.addresses.iter().any(|a| a.public_ip.as_deref() == Some(ip.as_str()));
            let from = if eip { "an Elastic IP" } else { "assigned by Amazon at launch" };
            format!("instance {id} has public IPv4 address {ip} ({from})")
        },
    )
}

fn ec2_17(i: &Input<'_>) -> Vec<Verdict> {
    let count = |inst: &ec2::Instance| inst.network_interfaces.as_ref().map_or(0, Vec::len);
    per_instance(
        i,
        |inst| count(inst) <= 1,
        |id, _| format!("instance {id} has one network interface"),
        |id, inst| {
            let ids: Vec<String> =
                inst.network_interfaces.iter().flatten().filter_map(|n| n.network_interface_id.clone()).collect();
            format!("instance {id} has {} network interfaces ({})", count(inst), ids.join(", "))
        },
    )
}

fn ec2_22(i: &Input<'_>) -> Vec<Verdict> {
    let mut out = Vec::new();
    for g in i.region.security_groups.iter().filter(|g| g.group_name.as_deref() != Some("default")) {
        let id = g.group_id.clone().unwrap_or_default();
        let users: Vec<String> = i
            .region
            .instances
            .interfaces
            .iter()
            .filter(|n| n.groups.iter().flatten().any(|x| x.group_id.as_deref() == Some(id.as_str())))
            .filter_map(|n| n.network_interface_id.clone())
            .collect();
        out.push(Verdict::check(
            ResourceRef {
                id: ec2_arn(&i.region.name, &i.global.account, "security-group", &id),
                kind: "AwsEc2SecurityGroup",
            },
            !users.is_empty(),
            format!("security group {id} is attached to network interface(s) {}", users.join(", ")),
            format!("security group {id} is attached to no network interface"),
        ));
    }
    out
}

fn ec2_24(i: &Input<'_>) -> Vec<Verdict> {
    per_instance(
        i,
        |inst| inst.virtualization_type.as_deref() != Some("paravirtual"),
        |id, inst| {
            format!("instance {id} uses {} virtualization", inst.virtualization_type.clone().unwrap_or_default())
        },
        |id, _| format!("instance {id} uses paravirtual virtualization"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::{Compliance, Params};
    use crate::snapshot::{Global, Region};

    fn stopped(id: &str, at: &str) -> ec2::Instance {
        ec2::Instance {
            instance_id: Some(id.into()),
            state: Some(ec2::InstanceState { code: Some(80), name: Some("stopped".into()) }),
            state_transition_reason: Some(format!("User initiated ({at} GMT)")),
            ..Default::default()
        }
    }

    #[test]
    fn stopped_exactly_the_allowed_days_passes_and_one_second_more_fails() {
        let mut region = Region { name: "us-east-1".into(), ..Default::default() };
        region.instances.instances = vec![stopped("i-1", "2026-11-07 12:00:00"), stopped("i-2", "2026-11-07 11:59:59")];
        let mut global = Global { account: "123456789012".into(), ..Default::default() };
        global.credentials.generated = Timestamp::parse_iso8601("2026-12-07T12:00:00Z");
        let verdicts = |params: &Params| {
            let input = Input { region: &region, global: &global, era: hubsim_api::Era::Current, params };
            ec2_4(&input).into_iter().map(|v| v.status).collect::<Vec<_>>()
        };
        assert_eq!(CONTROLS[2].id, "EC2.4");
        let defaults = Params::resolve(CONTROLS[2].parameters, None);
        assert_eq!(verdicts(&defaults), vec![Compliance::Passed, Compliance::Failed]);
        let mut longer = serde_json::Map::new();
        longer.insert("AllowedDays".into(), serde_json::json!(31));
        let params = Params::resolve(CONTROLS[2].parameters, Some(&longer));
        assert_eq!(verdicts(&params), vec![Compliance::Passed, Compliance::Passed]);
    }

    #[test]
    fn the_stop_time_is_read_from_the_transition_reason() {
        let inst = |reason: &str| ec2::Instance { state_transition_reason: Some(reason.into()), ..Default::default() };
        let at = stopped_at(&inst("User initiated (2026-12-07 18:33:13 GMT)")).unwrap();
        assert_eq!(at.to_iso8601(), "2026-12-07T18:33:13Z");
        assert_eq!(stopped_at(&inst("")), None);
        assert_eq!(stopped_at(&inst("User initiated (soon)")), None);
    }
}
