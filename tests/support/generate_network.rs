//! The part of a generated account that EC2.16, EC2.18 and EC2.19 judge beyond what `generate`
//! already draws: security groups with world-open TCP and UDP rules on random port ranges
//! (IPv4 or IPv6), custom network ACLs left on no subnet (EC2.16 deletes them) and custom
//! network ACLs moved onto a default subnet (in use: they must survive), and transit gateways
//! with or without automatic acceptance of shared attachments (EC2.23).

use hubsim_scenario::Step;
use proptest::prelude::*;
use serde_json::{json, Value};

/// One world-open rule: UDP (else TCP), its first port, how many ports after it, and whether
/// the source is `::/0` (else `0.0.0.0/0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenRule {
    pub udp: bool,
    pub from: i64,
    pub width: i64,
    pub v6: bool,
}

/// The sub-plan: groups (region index, rules), unused NACLs (region indices) and NACLs put in
/// use (region indices).
#[derive(Debug, Clone)]
pub struct NetworkPlan {
    pub groups: Vec<(usize, Vec<OpenRule>)>,
    pub spare_nacls: Vec<usize>,
    pub used_nacls: Vec<usize>,
    /// Transit gateways: region index, whether they accept shared attachments automatically.
    pub tgws: Vec<(usize, bool)>,
}

/// The strategy of the sub-plan.
pub fn plan() -> impl Strategy<Value = NetworkPlan> {
    let rule =
        (prop::bool::weighted(0.3), 0i64..=65535, prop::sample::select(vec![0i64, 1, 30, 500, 65535]), any::<bool>())
            .prop_map(|(udp, from, width, v6)| OpenRule { udp, from, width, v6 });
    (
        prop::collection::vec((0usize..3, prop::collection::vec(rule, 1..4)), 0..3),
        prop::collection::vec(0usize..3, 0..3),
        prop::collection::vec(0usize..3, 0..2),
        prop::collection::vec((0usize..3, any::<bool>()), 0..3),
    )
        .prop_map(|(groups, spare_nacls, used_nacls, tgws)| NetworkPlan { groups, spare_nacls, used_nacls, tgws })
}

fn step(call: &str, region: &str, input: Value, capture: Option<String>) -> Step {
    Step { call: call.into(), region: Some(region.into()), input, capture, expect_error: None, note: None }
}

impl NetworkPlan {
    /// The steps, given the account's regions (the default VPC of region `i` is captured as
    /// `dvpc{i}`).
    pub fn steps(&self, regions: &[String]) -> Vec<Step> {
        let mut out = Vec::new();
        let at = |i: usize| (i % regions.len(), regions[i % regions.len()].clone());
        for (i, (r, rules)) in self.groups.iter().enumerate() {
            let (r, region) = at(*r);
            let cap = format!("net_sg{i}");
            out.push(step(
                "ec2:CreateSecurityGroup",
                &region,
                json!({"GroupName": format!("net-sg-{i}"), "Description": "network", "VpcId": format!("${{dvpc{r}.Vpcs[0].VpcId}}")}),
                Some(cap.clone()),
            ));
            // AWS refuses a rule the group already has.
            let mut seen = Vec::new();
            for rule in rules {
                let to = (rule.from + rule.width).min(65535);
                let key = (rule.udp, rule.from, to, rule.v6);
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                let mut perm =
                    json!({"IpProtocol": if rule.udp { "udp" } else { "tcp" }, "FromPort": rule.from, "ToPort": to});
                if rule.v6 {
                    perm["Ipv6Ranges"] = json!([{"CidrIpv6": "::/0"}]);
                } else {
                    perm["IpRanges"] = json!([{"CidrIp": "0.0.0.0/0"}]);
                }
                out.push(step(
                    "ec2:AuthorizeSecurityGroupIngress",
                    &region,
                    json!({"GroupId": format!("${{{cap}.GroupId}}"), "IpPermissions": [perm]}),
                    None,
                ));
            }
        }
        for (i, r) in self.spare_nacls.iter().enumerate() {
            let (r, region) = at(*r);
            out.push(step(
                "ec2:CreateNetworkAcl",
                &region,
                json!({"VpcId": format!("${{dvpc{r}.Vpcs[0].VpcId}}")}),
                Some(format!("net_spare{i}")),
            ));
        }
        for (i, r) in self.used_nacls.iter().enumerate() {
            let (r, region) = at(*r);
            let (acl, subnet, current) = (format!("net_used{i}"), format!("net_subnet{i}"), format!("net_cur{i}"));
            out.push(step(
                "ec2:CreateNetworkAcl",
                &region,
                json!({"VpcId": format!("${{dvpc{r}.Vpcs[0].VpcId}}")}),
                Some(acl.clone()),
            ));
            out.push(step(
                "ec2:DescribeSubnets",
                &region,
                json!({"Filters": [{"Name": "vpc-id", "Values": [format!("${{dvpc{r}.Vpcs[0].VpcId}}")]}]}),
                Some(subnet.clone()),
            ));
            // The ACL that serves the first subnet now (the default one, or a custom one an
            // earlier step moved it to); one of its associations moves to the new ACL.
            out.push(step(
                "ec2:DescribeNetworkAcls",
                &region,
                json!({"Filters": [{"Name": "association.subnet-id", "Values": [format!("${{{subnet}.Subnets[0].SubnetId}}")]}]}),
                Some(current.clone()),
            ));
            out.push(step(
                "ec2:ReplaceNetworkAclAssociation",
                &region,
                json!({"AssociationId": format!("${{{current}.NetworkAcls[0].Associations[0].NetworkAclAssociationId}}"),
                    "NetworkAclId": format!("${{{acl}.NetworkAcl.NetworkAclId}}")}),
                None,
            ));
        }
        for (r, auto) in &self.tgws {
            let (_, region) = at(*r);
            let auto = if *auto { "enable" } else { "disable" };
            out.push(step(
                "ec2:CreateTransitGateway",
                &region,
                json!({"Options": {"AutoAcceptSharedAttachments": auto}}),
                None,
            ));
        }
        out
    }
}
