//! Security groups: create/delete, rules (authorize/revoke by permission or rule id), describe.

use hubsim_simulator::model::ec2;
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, Era, Simulator};

const REGION: &str = "ap-northeast-1";

fn filter(name: &str, values: &[&str]) -> ec2::Filter {
    ec2::Filter { name: Some(name.into()), values: Some(values.iter().map(|v| v.to_string()).collect()) }
}

fn code<T: std::fmt::Debug>(r: Result<T, hubsim_simulator::AwsError>) -> String {
    r.unwrap_err().code
}

fn default_sg(sim: &Simulator) -> ec2::SecurityGroup {
    sim.call::<ec2::DescribeSecurityGroups>(
        REGION,
        ec2::DescribeSecurityGroupsRequest { group_names: Some(vec!["default".into()]), ..Default::default() },
    )
    .unwrap()
    .security_groups
    .unwrap()
    .remove(0)
}

fn group(sim: &Simulator, id: &str) -> ec2::SecurityGroup {
    sim.call::<ec2::DescribeSecurityGroups>(
        REGION,
        ec2::DescribeSecurityGroupsRequest { group_ids: Some(vec![id.into()]), ..Default::default() },
    )
    .unwrap()
    .security_groups
    .unwrap()
    .remove(0)
}

fn create(sim: &Simulator, name: &str) -> String {
    sim.call::<ec2::CreateSecurityGroup>(
        REGION,
        ec2::CreateSecurityGroupRequest {
            group_name: name.into(),
            description: format!("{name} group"),
            ..Default::default()
        },
    )
    .unwrap()
    .group_id
    .unwrap()
}

fn tcp(port: i32, cidr: &str) -> ec2::IpPermission {
    ec2::IpPermission {
        ip_protocol: Some("tcp".into()),
        from_port: Some(port),
        to_port: Some(port),
        ip_ranges: Some(vec![ec2::IpRange { cidr_ip: Some(cidr.into()), description: None }]),
        ..Default::default()
    }
}

fn ingress(id: &str, perms: Vec<ec2::IpPermission>) -> ec2::AuthorizeSecurityGroupIngressRequest {
    ec2::AuthorizeSecurityGroupIngressRequest {
        group_id: Some(id.into()),
        ip_permissions: Some(perms),
        ..Default::default()
    }
}

#[test]
fn closing_the_default_group_for_ec2_2() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let sg = default_sg(&sim);
    let id = sg.group_id.clone().unwrap();
    // The exact wire input of the remediation (as boto3 sends it), through the JSON path.
    let out = sim
        .call_json(
            REGION,
            "ec2",
            "RevokeSecurityGroupIngress",
            serde_json::json!({"GroupId": id, "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": id}]}]}),
        )
        .unwrap();
    assert_eq!(out["Return"], serde_json::json!(true));
    assert_eq!(out["RevokedSecurityGroupRules"][0]["IsEgress"], serde_json::json!(false));
    let out = sim
        .call::<ec2::RevokeSecurityGroupEgress>(
            REGION,
            ec2::RevokeSecurityGroupEgressRequest {
                group_id: id.clone(),
                ip_permissions: Some(vec![ec2::IpPermission {
                    ip_protocol: Some("-1".into()),
                    ip_ranges: Some(vec![ec2::IpRange { cidr_ip: Some("0.0.0.0/0".into()), description: None }]),
                    ..Default::default()
                }]),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(out.revoked_security_group_rules.unwrap()[0].cidr_ipv4.as_deref(), Some("0.0.0.0/0"));
    let closed = group(&sim, &id);
    assert_eq!((closed.ip_permissions, closed.ip_permissions_egress), (Some(vec![]), Some(vec![])));
    // Revoking again: the rule no longer exists.
    let again = ec2::RevokeSecurityGroupEgressRequest {
        group_id: id.clone(),
        ip_permissions: Some(vec![ec2::IpPermission {
            ip_protocol: Some("-1".into()),
            ip_ranges: Some(vec![ec2::IpRange { cidr_ip: Some("0.0.0.0/0".into()), description: None }]),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let err = sim.call::<ec2::RevokeSecurityGroupEgress>(REGION, again).unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("InvalidPermission.NotFound", 400));
    // The default group cannot be deleted.
    let err = sim
        .call::<ec2::DeleteSecurityGroup>(
            REGION,
            ec2::DeleteSecurityGroupRequest { group_id: Some(id.clone()), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(err.code, "CannotDelete");
    let err = sim
        .call::<ec2::DeleteSecurityGroup>(
            REGION,
            ec2::DeleteSecurityGroupRequest { group_name: Some("default".into()), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(err.code, "CannotDelete");
}

#[test]
fn create_security_group_rules_and_errors() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let req = |name: &str| ec2::CreateSecurityGroupRequest {
        group_name: name.into(),
        description: "d".into(),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<ec2::CreateSecurityGroup>(REGION, req("default"))), "InvalidGroup.Reserved");
    assert_eq!(code(sim.call::<ec2::CreateSecurityGroup>(REGION, req("sg-lookalike"))), "InvalidParameterValue");
    let bad_vpc = ec2::CreateSecurityGroupRequest { vpc_id: Some("vpc-0none".into()), ..req("web") };
    assert_eq!(code(sim.call::<ec2::CreateSecurityGroup>(REGION, bad_vpc)), "InvalidVpcID.NotFound");
    let tagged = ec2::CreateSecurityGroupRequest {
        tag_specifications: Some(vec![ec2::TagSpecification {
            resource_type: Some("security-group".into()),
            tags: Some(vec![ec2::Tag { key: Some("team".into()), value: Some("a".into()) }]),
        }]),
        ..req("web")
    };
    let created = sim.call::<ec2::CreateSecurityGroup>(REGION, tagged).unwrap();
    let id = created.group_id.unwrap();
    assert_eq!(created.security_group_arn.unwrap(), format!("arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{id}"));
    let err = sim.call::<ec2::CreateSecurityGroup>(REGION, req("web")).unwrap_err();
    assert_eq!(err.code, "InvalidGroup.Duplicate");
    // New groups allow all egress, nothing in.
    let g = group(&sim, &id);
    assert_eq!(g.ip_permissions, Some(vec![]));
    let egress = g.ip_permissions_egress.unwrap();
    assert_eq!(egress.len(), 1);
    assert_eq!(egress[0].ip_protocol.as_deref(), Some("-1"));
    assert_eq!(egress[0].ip_ranges.as_ref().unwrap()[0].cidr_ip.as_deref(), Some("0.0.0.0/0"));
    assert_eq!(g.tags.unwrap()[0].key.as_deref(), Some("team"));
    // Unknown and malformed ids.
    let err = sim
        .call::<ec2::DescribeSecurityGroups>(
            REGION,
            ec2::DescribeSecurityGroupsRequest { group_ids: Some(vec!["sg-0missing".into()]), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.message.as_str()),
        ("InvalidGroup.NotFound", "The security group 'sg-0missing' does not exist")
    );
    let err = sim
        .call::<ec2::DescribeSecurityGroups>(
            REGION,
            ec2::DescribeSecurityGroupsRequest { group_ids: Some(vec!["web".into()]), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(err.code, "InvalidGroupId.Malformed");
}

#[test]
fn authorize_groups_rules_and_refuses_duplicates() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let id = create(&sim, "web");
    let out = sim
        .call::<ec2::AuthorizeSecurityGroupIngress>(
            REGION,
            ingress(&id, vec![tcp(22, "10.0.0.0/8"), tcp(22, "192.168.0.0/16"), tcp(443, "0.0.0.0/0")]),
        )
        .unwrap();
    let rules = out.security_group_rules.unwrap();
    assert_eq!(rules.len(), 3);
    assert!(rules.iter().all(|r| r.security_group_rule_id.as_deref().unwrap().starts_with("sgr-")));
    let g = group(&sim, &id);
    let perms = g.ip_permissions.unwrap();
    assert_eq!(perms.len(), 2, "two CIDRs on port 22 share one permission");
    assert_eq!(perms[0].ip_ranges.as_ref().unwrap().len(), 2);
    assert_eq!((perms[0].from_port, perms[0].to_port), (Some(22), Some(22)));

    // Same rule again, given as protocol number 6: duplicate; nothing added.
    let dup = ec2::IpPermission { ip_protocol: Some("6".into()), ..tcp(22, "10.0.0.0/8") };
    let err = sim
        .call::<ec2::AuthorizeSecurityGroupIngress>(REGION, ingress(&id, vec![tcp(80, "1.0.0.0/8"), dup]))
        .unwrap_err();
    assert_eq!(err.code, "InvalidPermission.Duplicate");
    assert_eq!(group(&sim, &id).ip_permissions.unwrap().len(), 2, "failed call added nothing");

    // Ports are required for tcp; CIDRs must be well formed; protocols must exist.
    let no_ports = ec2::IpPermission { from_port: None, to_port: None, ..tcp(0, "1.0.0.0/8") };
    assert_eq!(
        code(sim.call::<ec2::AuthorizeSecurityGroupIngress>(REGION, ingress(&id, vec![no_ports]))),
        "InvalidParameterValue"
    );
    let too_high = tcp(70000, "1.0.0.0/8");
    assert_eq!(
        code(sim.call::<ec2::AuthorizeSecurityGroupIngress>(REGION, ingress(&id, vec![too_high]))),
        "InvalidParameterValue"
    );
    assert_eq!(
        code(sim.call::<ec2::AuthorizeSecurityGroupIngress>(REGION, ingress(&id, vec![tcp(22, "1.2.3.4/8")]))),
        "InvalidParameterValue"
    );
    let weird = ec2::IpPermission { ip_protocol: Some("carrier-pigeon".into()), ..tcp(22, "1.0.0.0/8") };
    assert_eq!(
        code(sim.call::<ec2::AuthorizeSecurityGroupIngress>(REGION, ingress(&id, vec![weird]))),
        "InvalidParameterValue"
    );
    let ghost_ref = ec2::IpPermission {
        ip_protocol: Some("-1".into()),
        user_id_group_pairs: Some(vec![ec2::UserIdGroupPair {
            group_id: Some("sg-0ghost".into()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    assert_eq!(
        code(sim.call::<ec2::AuthorizeSecurityGroupIngress>(REGION, ingress(&id, vec![ghost_ref]))),
        "InvalidGroup.NotFound"
    );
    assert_eq!(
        code(sim.call::<ec2::AuthorizeSecurityGroupIngress>(REGION, ingress("sg-0ghost", vec![tcp(22, "1.0.0.0/8")]))),
        "InvalidGroup.NotFound"
    );

    // Egress with the legacy flat parameters; -1 rules show -1 ports in DescribeSecurityGroupRules.
    sim.call::<ec2::AuthorizeSecurityGroupEgress>(
        REGION,
        ec2::AuthorizeSecurityGroupEgressRequest {
            group_id: id.clone(),
            ip_protocol: Some("udp".into()),
            from_port: Some(53),
            to_port: Some(53),
            cidr_ip: Some("10.0.0.2/32".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let rules = sim
        .call::<ec2::DescribeSecurityGroupRules>(
            REGION,
            ec2::DescribeSecurityGroupRulesRequest {
                filters: Some(vec![filter("group-id", &[&id])]),
                ..Default::default()
            },
        )
        .unwrap()
        .security_group_rules
        .unwrap();
    assert_eq!(rules.len(), 5);
    let all = rules.iter().find(|r| r.ip_protocol.as_deref() == Some("-1")).unwrap();
    assert_eq!((all.from_port, all.to_port, all.is_egress), (Some(-1), Some(-1), Some(true)));
    let dns = rules.iter().find(|r| r.ip_protocol.as_deref() == Some("udp")).unwrap();
    assert_eq!((dns.from_port, dns.cidr_ipv4.as_deref()), (Some(53), Some("10.0.0.2/32")));
    // Filters on rule contents (CIS 4.1: 22 open to the world?).
    let open = sim
        .call::<ec2::DescribeSecurityGroups>(
            REGION,
            ec2::DescribeSecurityGroupsRequest {
                filters: Some(vec![
                    filter("ip-permission.cidr", &["0.0.0.0/0"]),
                    filter("ip-permission.from-port", &["443"]),
                ]),
                ..Default::default()
            },
        )
        .unwrap()
        .security_groups
        .unwrap();
    assert_eq!(open.len(), 1);
}

#[test]
fn revoke_by_rule_id_and_delete_dependencies() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let web = create(&sim, "web");
    let db = create(&sim, "db");
    let from_web = ec2::IpPermission {
        ip_protocol: Some("tcp".into()),
        from_port: Some(5432),
        to_port: Some(5432),
        user_id_group_pairs: Some(vec![ec2::UserIdGroupPair { group_id: Some(web.clone()), ..Default::default() }]),
        ..Default::default()
    };
    let rule = sim
        .call::<ec2::AuthorizeSecurityGroupIngress>(REGION, ingress(&db, vec![from_web]))
        .unwrap()
        .security_group_rules
        .unwrap()
        .remove(0);
    let rule_id = rule.security_group_rule_id.clone().unwrap();
    assert_eq!(rule.referenced_group_info.unwrap().user_id.as_deref(), Some(ACCOUNT));
    // web is referenced by db's rule: it cannot go.
    let del = |id: &str| {
        sim.call::<ec2::DeleteSecurityGroup>(
            REGION,
            ec2::DeleteSecurityGroupRequest { group_id: Some(id.into()), ..Default::default() },
        )
    };
    assert_eq!(code(del(&web)), "DependencyViolation");
    // Wrong direction or unknown rule ids.
    let by_id = |ids: Vec<String>| ec2::RevokeSecurityGroupEgressRequest {
        group_id: db.clone(),
        security_group_rule_ids: Some(ids),
        ..Default::default()
    };
    assert_eq!(
        code(sim.call::<ec2::RevokeSecurityGroupEgress>(REGION, by_id(vec![rule_id.clone()]))),
        "InvalidSecurityGroupRuleId.NotFound"
    );
    let dry = ec2::RevokeSecurityGroupIngressRequest {
        group_id: Some(db.clone()),
        security_group_rule_ids: Some(vec![rule_id.clone()]),
        dry_run: Some(true),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<ec2::RevokeSecurityGroupIngress>(REGION, dry)), "DryRunOperation");
    let out = sim
        .call::<ec2::RevokeSecurityGroupIngress>(
            REGION,
            ec2::RevokeSecurityGroupIngressRequest {
                group_id: Some(db.clone()),
                security_group_rule_ids: Some(vec![rule_id.clone()]),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(out.revoked_security_group_rules.unwrap()[0].referenced_group_id.as_deref(), Some(web.as_str()));
    let err = sim
        .call::<ec2::DescribeSecurityGroupRules>(
            REGION,
            ec2::DescribeSecurityGroupRulesRequest {
                security_group_rule_ids: Some(vec![rule_id]),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.code, "InvalidSecurityGroupRuleId.NotFound");
    del(&web).unwrap();
    assert_eq!(code(del(&web)), "InvalidGroup.NotFound");
    let left = sim
        .call::<ec2::DescribeSecurityGroups>(
            REGION,
            ec2::DescribeSecurityGroupsRequest {
                filters: Some(vec![filter("group-name", &["web", "db"])]),
                ..Default::default()
            },
        )
        .unwrap()
        .security_groups
        .unwrap();
    assert_eq!(left.len(), 1);
    // Paging over groups.
    let page = sim
        .call::<ec2::DescribeSecurityGroups>(
            REGION,
            ec2::DescribeSecurityGroupsRequest { max_results: Some(5), ..Default::default() },
        )
        .unwrap();
    assert_eq!((page.security_groups.unwrap().len(), page.next_token), (2, None));
}

/// EC2 takes a CIDR only in its canonical spelling: a prefix with a leading zero or an octet
/// with one is refused, and the group keeps the rules it had.
#[test]
fn non_canonical_cidrs_are_refused_and_change_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let sg = default_sg(&sim);
    let id = sg.group_id.clone().unwrap();
    for cidr in ["10.0.0.0/08", "010.0.0.0/8", "10.0.0.0/+8"] {
        let refused = sim.call::<ec2::AuthorizeSecurityGroupIngress>(
            REGION,
            ec2::AuthorizeSecurityGroupIngressRequest {
                group_id: Some(id.clone()),
                ip_permissions: Some(vec![ec2::IpPermission {
                    ip_protocol: Some("tcp".into()),
                    from_port: Some(22),
                    to_port: Some(22),
                    ip_ranges: Some(vec![ec2::IpRange { cidr_ip: Some(cidr.into()), description: None }]),
                    ..Default::default()
                }]),
                ..Default::default()
            },
        );
        assert_eq!(code(refused), "InvalidParameterValue", "{cidr}");
    }
    assert_eq!(group(&sim, &id).ip_permissions, sg.ip_permissions);
}
