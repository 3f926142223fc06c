//! Network ACLs: entries (create/replace/delete), custom ACLs, associations.

use hubsim_simulator::model::ec2;
use hubsim_simulator::testing::fresh_account;
use hubsim_simulator::{AwsApi, Era, Simulator};

const REGION: &str = "ap-northeast-1";

fn filter(name: &str, values: &[&str]) -> ec2::Filter {
    ec2::Filter { name: Some(name.into()), values: Some(values.iter().map(|v| v.to_string()).collect()) }
}

fn code<T: std::fmt::Debug>(r: Result<T, hubsim_simulator::AwsError>) -> String {
    r.unwrap_err().code
}

fn default_acl(sim: &Simulator) -> ec2::NetworkAcl {
    sim.call::<ec2::DescribeNetworkAcls>(
        REGION,
        ec2::DescribeNetworkAclsRequest { filters: Some(vec![filter("default", &["true"])]), ..Default::default() },
    )
    .unwrap()
    .network_acls
    .unwrap()
    .remove(0)
}

fn acl(sim: &Simulator, id: &str) -> ec2::NetworkAcl {
    sim.call::<ec2::DescribeNetworkAcls>(
        REGION,
        ec2::DescribeNetworkAclsRequest { network_acl_ids: Some(vec![id.into()]), ..Default::default() },
    )
    .unwrap()
    .network_acls
    .unwrap()
    .remove(0)
}

fn entry(
    acl: &str,
    n: i32,
    protocol: &str,
    action: &str,
    ports: Option<(i32, i32)>,
) -> ec2::CreateNetworkAclEntryRequest {
    ec2::CreateNetworkAclEntryRequest {
        network_acl_id: acl.into(),
        rule_number: n,
        protocol: protocol.into(),
        rule_action: action.into(),
        egress: false,
        cidr_block: Some("0.0.0.0/0".into()),
        port_range: ports.map(|(f, t)| ec2::PortRange { from: Some(f), to: Some(t) }),
        ..Default::default()
    }
}

#[test]
fn narrowing_the_default_acl_for_ec2_21() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let id = default_acl(&sim).network_acl_id.unwrap();
    let create = |r| sim.call::<ec2::CreateNetworkAclEntry>(REGION, r);
    assert_eq!(code(create(entry(&id, 100, "-1", "allow", None))), "NetworkAclEntryAlreadyExists");
    assert_eq!(code(create(entry(&id, 32767, "-1", "deny", None))), "InvalidParameterValue");
    assert_eq!(code(create(entry(&id, 0, "-1", "deny", None))), "InvalidParameterValue");
    assert_eq!(code(create(entry(&id, 90, "tcp", "deny", None))), "MissingParameter");
    assert_eq!(code(create(entry(&id, 90, "1", "deny", None))), "MissingParameter");
    assert_eq!(code(create(entry(&id, 90, "gre-ish", "deny", None))), "InvalidParameterValue");
    assert_eq!(code(create(entry("acl-0none", 90, "-1", "deny", None))), "InvalidNetworkAclID.NotFound");
    assert_eq!(acl(&sim, &id).entries.unwrap().len(), 4, "failed calls changed nothing");

    // Deny SSH ahead of the allow-all; names become numbers.
    create(entry(&id, 90, "tcp", "deny", Some((22, 22)))).unwrap();
    let e = acl(&sim, &id).entries.unwrap();
    let ssh = e.iter().find(|x| x.rule_number == Some(90)).unwrap();
    assert_eq!(ssh.protocol.as_deref(), Some("6"));
    assert_eq!(ssh.port_range, Some(ec2::PortRange { from: Some(22), to: Some(22) }));
    assert_eq!(ssh.egress, Some(false));

    // Replace the allow-all ingress with HTTPS only (wire form, JSON path).
    sim.call_json(
        REGION,
        "ec2",
        "ReplaceNetworkAclEntry",
        serde_json::json!({
            "NetworkAclId": id, "RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false,
            "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 443, "To": 443}
        }),
    )
    .unwrap();
    let e = acl(&sim, &id).entries.unwrap();
    let r100: Vec<_> = e.iter().filter(|x| x.rule_number == Some(100)).collect();
    assert_eq!(r100.len(), 2);
    let ingress = r100.iter().find(|x| x.egress == Some(false)).unwrap();
    assert_eq!((ingress.protocol.as_deref(), ingress.port_range.as_ref().and_then(|p| p.from)), (Some("6"), Some(443)));
    let egress = r100.iter().find(|x| x.egress == Some(true)).unwrap();
    assert_eq!(egress.protocol.as_deref(), Some("-1"));

    let replace_missing = ec2::ReplaceNetworkAclEntryRequest {
        network_acl_id: id.clone(),
        rule_number: 110,
        protocol: "-1".into(),
        rule_action: "allow".into(),
        egress: false,
        cidr_block: Some("0.0.0.0/0".into()),
        ..Default::default()
    };
    assert_eq!(
        code(sim.call::<ec2::ReplaceNetworkAclEntry>(REGION, replace_missing)),
        "InvalidNetworkAclEntry.NotFound"
    );

    let delete = |n: i32, egress: bool| {
        sim.call::<ec2::DeleteNetworkAclEntry>(
            REGION,
            ec2::DeleteNetworkAclEntryRequest {
                network_acl_id: id.clone(),
                rule_number: n,
                egress,
                ..Default::default()
            },
        )
    };
    assert_eq!(code(delete(32767, false)), "InvalidParameterValue");
    assert_eq!(code(delete(90, true)), "InvalidNetworkAclEntry.NotFound");
    delete(90, false).unwrap();
    assert_eq!(code(delete(90, false)), "InvalidNetworkAclEntry.NotFound");
    let left: Vec<(i32, bool)> =
        acl(&sim, &id).entries.unwrap().iter().map(|x| (x.rule_number.unwrap(), x.egress.unwrap())).collect();
    assert_eq!(left, vec![(100, true), (32767, true), (100, false), (32767, false)]);
    // Entry filters.
    let found = sim
        .call::<ec2::DescribeNetworkAcls>(
            REGION,
            ec2::DescribeNetworkAclsRequest {
                filters: Some(vec![filter("entry.port-range.from", &["443"])]),
                ..Default::default()
            },
        )
        .unwrap()
        .network_acls
        .unwrap();
    assert_eq!(found.len(), 1);
}

#[test]
fn custom_acls_and_associations() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let default = default_acl(&sim);
    let vpc = default.vpc_id.clone().unwrap();
    let created = sim
        .call::<ec2::CreateNetworkAcl>(
            REGION,
            ec2::CreateNetworkAclRequest { vpc_id: vpc.clone(), ..Default::default() },
        )
        .unwrap()
        .network_acl
        .unwrap();
    let custom = created.network_acl_id.clone().unwrap();
    assert_eq!(created.is_default, Some(false));
    let entries: Vec<(i32, String)> =
        created.entries.unwrap().into_iter().map(|e| (e.rule_number.unwrap(), e.rule_action.unwrap())).collect();
    assert_eq!(entries, vec![(32767, "deny".to_string()), (32767, "deny".to_string())]);
    assert_eq!(
        code(sim.call::<ec2::CreateNetworkAcl>(
            REGION,
            ec2::CreateNetworkAclRequest { vpc_id: "vpc-0x".into(), ..Default::default() }
        )),
        "InvalidVpcID.NotFound"
    );

    // Move one subnet to the custom ACL.
    let assoc = default.associations.unwrap()[0].clone();
    let subnet = assoc.subnet_id.clone().unwrap();
    let bad = ec2::ReplaceNetworkAclAssociationRequest {
        association_id: "aclassoc-0nope".into(),
        network_acl_id: custom.clone(),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<ec2::ReplaceNetworkAclAssociation>(REGION, bad)), "InvalidAssociationID.NotFound");
    let new_assoc = sim
        .call::<ec2::ReplaceNetworkAclAssociation>(
            REGION,
            ec2::ReplaceNetworkAclAssociationRequest {
                association_id: assoc.network_acl_association_id.clone().unwrap(),
                network_acl_id: custom.clone(),
                ..Default::default()
            },
        )
        .unwrap()
        .new_association_id
        .unwrap();
    assert_ne!(Some(new_assoc.clone()), assoc.network_acl_association_id);
    let moved = acl(&sim, &custom).associations.unwrap();
    assert_eq!(
        (moved[0].subnet_id.as_deref(), moved[0].network_acl_association_id.as_deref()),
        (Some(subnet.as_str()), Some(new_assoc.as_str()))
    );
    assert_eq!(default_acl(&sim).associations.unwrap().len(), 2);

    // Associated: DependencyViolation. Default: cannot delete.
    let del = |id: &str| {
        sim.call::<ec2::DeleteNetworkAcl>(
            REGION,
            ec2::DeleteNetworkAclRequest { network_acl_id: id.into(), ..Default::default() },
        )
    };
    assert_eq!(code(del(&custom)), "DependencyViolation");
    let err = del(default.network_acl_id.as_deref().unwrap()).unwrap_err();
    assert_eq!(err.code, "InvalidParameterValue");
    assert!(err.message.contains("cannot delete default network ACL"));
    // Move it back, then the custom ACL can go.
    sim.call::<ec2::ReplaceNetworkAclAssociation>(
        REGION,
        ec2::ReplaceNetworkAclAssociationRequest {
            association_id: new_assoc,
            network_acl_id: default.network_acl_id.clone().unwrap(),
            ..Default::default()
        },
    )
    .unwrap();
    del(&custom).unwrap();
    let err = sim
        .call::<ec2::DescribeNetworkAcls>(
            REGION,
            ec2::DescribeNetworkAclsRequest { network_acl_ids: Some(vec![custom]), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(err.code, "InvalidNetworkAclID.NotFound");
    assert_eq!(default_acl(&sim).associations.unwrap().len(), 3);
}
