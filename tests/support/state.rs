//! What an account holds, read through the API: enough to tell whether remediation deleted or
//! loosened anything the user owned.

use std::collections::{BTreeMap, BTreeSet};

use hubsim_simulator::Simulator;
use serde_json::{json, Value};

use super::generate::PORTS;

/// A failed expectation, as text.
pub type R<T> = Result<T, String>;

/// Calls `service:operation` and returns the output, or the error as text.
pub fn call(sim: &Simulator, region: &str, service: &str, op: &str, input: Value) -> R<Value> {
    sim.call_json(region, service, op, input.clone())
        .map_err(|e| format!("{service}:{op} {input} in {region} failed: {}: {}", e.code, e.message))
}

fn list(v: &Value, key: &str) -> Vec<Value> {
    v.get(key).and_then(Value::as_array).cloned().unwrap_or_default()
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// A policy's statements (a lone object is a list of one).
pub fn statements(policy: &str) -> R<Vec<Value>> {
    let doc: Value = serde_json::from_str(policy).map_err(|e| format!("policy is not JSON: {e}: {policy}"))?;
    Ok(match doc.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(other) => vec![other.clone()],
        None => Vec::new(),
    })
}

/// Traffic a sample: (source address, protocol number, port).
pub type Sample = (&'static str, &'static str, i64);

const SOURCES: &[&str] = &["198.51.100.7", "10.1.2.3", "203.0.113.9", "2001:db8::7", "2600:1f18::9"];
const PROTOCOLS: &[&str] = &["6", "17", "1"];

fn samples() -> Vec<Sample> {
    let mut ports: BTreeSet<i64> = [0, 21, 22, 23, 80, 443, 1024, 3388, 3389, 3390, 8080, 65535].into_iter().collect();
    for (a, b) in PORTS {
        ports.insert(*a);
        ports.insert(*b);
    }
    let mut out = Vec::new();
    for s in SOURCES {
        for p in PROTOCOLS {
            for port in &ports {
                out.push((*s, *p, *port));
            }
        }
    }
    out
}

fn ipv4(s: &str) -> Option<u32> {
    let mut n: u32 = 0;
    let mut parts = 0;
    for p in s.split('.') {
        n = (n << 8) | p.parse::<u8>().ok()? as u32;
        parts += 1;
    }
    (parts == 4).then_some(n)
}

/// Whether IPv6 `cidr` contains `addr`.
fn contains6(cidr: &str, addr: &str) -> bool {
    let Some((net, len)) = cidr.split_once('/') else { return false };
    let (Ok(net), Ok(a), Ok(len)) =
        (net.parse::<std::net::Ipv6Addr>(), addr.parse::<std::net::Ipv6Addr>(), len.parse::<u32>())
    else {
        return false;
    };
    if len == 0 {
        return true;
    }
    let mask = u128::MAX << (128 - len.min(128));
    u128::from(net) & mask == u128::from(a) & mask
}

/// Whether IPv4 `cidr` contains `addr`.
fn contains(cidr: &str, addr: &str) -> bool {
    let Some((net, len)) = cidr.split_once('/') else { return false };
    let (Some(net), Some(a), Ok(len)) = (ipv4(net), ipv4(addr), len.parse::<u32>()) else { return false };
    if len == 0 {
        return true;
    }
    let mask = u32::MAX << (32 - len.min(32));
    net & mask == a & mask
}

fn proto_number(p: &str) -> &str {
    match p {
        "tcp" => "6",
        "udp" => "17",
        "icmp" => "1",
        other => other,
    }
}

fn port_in(entry_from: Option<i64>, entry_to: Option<i64>, proto: &str, port: i64) -> bool {
    if proto == "1" {
        return true;
    }
    match (entry_from, entry_to) {
        (Some(a), Some(b)) if a >= 0 => a <= port && port <= b,
        _ => true,
    }
}

/// The inbound samples a NACL allows: entries in rule order, first match decides.
pub fn nacl_allows(acl: &Value) -> BTreeSet<Sample> {
    let mut entries: Vec<&Value> =
        acl.get("Entries").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
    entries.retain(|e| e.get("Egress").and_then(Value::as_bool) != Some(true));
    entries.sort_by_key(|e| e.get("RuleNumber").and_then(Value::as_i64).unwrap_or(i64::MAX));
    let mut out = BTreeSet::new();
    for s in samples() {
        let (src, proto, port) = s;
        for e in &entries {
            let Some(cidr) = e.get("CidrBlock").and_then(Value::as_str) else { continue };
            if !contains(cidr, src) {
                continue;
            }
            let p = text(e, "Protocol");
            if p != "-1" && p != proto {
                continue;
            }
            let range = e.get("PortRange");
            let from = range.and_then(|r| r.get("From")).and_then(Value::as_i64);
            let to = range.and_then(|r| r.get("To")).and_then(Value::as_i64);
            if p != "-1" && !port_in(from, to, proto, port) {
                continue;
            }
            if text(e, "RuleAction") == "allow" {
                out.insert(s);
            }
            break;
        }
    }
    out
}

/// The samples a security group's rules (one direction) allow from addresses.
pub fn sg_allows(permissions: &[Value]) -> BTreeSet<Sample> {
    let mut out = BTreeSet::new();
    for s in samples() {
        let (src, proto, port) = s;
        let hit = permissions.iter().any(|p| {
            let ip = proto_number(p.get("IpProtocol").and_then(Value::as_str).unwrap_or("-1"));
            let proto_ok = ip == "-1" || ip == proto;
            let from = p.get("FromPort").and_then(Value::as_i64);
            let to = p.get("ToPort").and_then(Value::as_i64);
            let port_ok = ip == "-1" || port_in(from, to, proto, port);
            let src_ok = list(p, "IpRanges").iter().any(|r| contains(&text(r, "CidrIp"), src))
                || list(p, "Ipv6Ranges").iter().any(|r| contains6(&text(r, "CidrIpv6"), src));
            proto_ok && port_ok && src_ok
        });
        if hit {
            out.insert(s);
        }
    }
    out
}

/// One security group.
#[derive(Debug, Clone)]
pub struct Group {
    pub region: String,
    pub name: String,
    pub ingress: BTreeSet<Sample>,
    pub egress: BTreeSet<Sample>,
    /// Other groups it lets in (group pairs), as ids.
    pub peers: BTreeSet<String>,
    /// Its inbound rules flattened to one source each: (protocol, from, to, CIDR).
    pub rules: BTreeSet<(String, i64, i64, String)>,
}

/// Inbound permissions flattened to one CIDR source each.
fn flat_rules(permissions: &[Value]) -> BTreeSet<(String, i64, i64, String)> {
    let mut out = BTreeSet::new();
    for p in permissions {
        let proto = text(p, "IpProtocol");
        let from = p.get("FromPort").and_then(Value::as_i64).unwrap_or(-1);
        let to = p.get("ToPort").and_then(Value::as_i64).unwrap_or(-1);
        for r in list(p, "IpRanges") {
            out.insert((proto.clone(), from, to, text(&r, "CidrIp")));
        }
        for r in list(p, "Ipv6Ranges") {
            out.insert((proto.clone(), from, to, text(&r, "CidrIpv6")));
        }
    }
    out
}

/// The account, as far as the properties look at it.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Bucket name → (region, policy statements).
    pub buckets: BTreeMap<String, (String, Vec<Value>)>,
    /// Bucket name → its ACL's grants, as JSON text.
    pub acls: BTreeMap<String, BTreeSet<String>>,
    /// Bucket name → the bucket it logs to.
    pub logging: BTreeMap<String, String>,
    /// Trail ARN → (multi-region, logging).
    pub trails: BTreeMap<String, (bool, bool)>,
    /// Topic ARN → (policy statements, KMS key).
    pub topics: BTreeMap<String, (Vec<Value>, Option<String>)>,
    /// Key ARN → (policy statements, rotation on, enabled).
    pub keys: BTreeMap<String, (Vec<Value>, bool, bool)>,
    /// VPC ids, subnet ids.
    pub vpcs: BTreeSet<String>,
    pub subnets: BTreeSet<String>,
    /// Security groups by id.
    pub groups: BTreeMap<String, Group>,
    /// NACL id → inbound samples allowed.
    pub nacls: BTreeMap<String, BTreeSet<Sample>>,
    /// The NACLs associated with no subnet that are not their VPC's default (EC2.16 may delete
    /// these, and only these).
    pub unused_nacls: BTreeSet<String>,
    /// Transit gateway id → (state, AutoAcceptSharedAttachments).
    pub tgws: BTreeMap<String, (String, String)>,
    /// VPN connection id → (state, its tunnels' statuses, whether each tunnel logs).
    pub vpns: BTreeMap<String, (String, Vec<String>, Vec<bool>)>,
    /// Region → its VPC Block Public Access mode (`off`, `block-ingress`, ...).
    pub vpc_bpa: BTreeMap<String, String>,
    /// Root: MFA on, and whether the device is virtual.
    pub root_mfa: (bool, bool),
    /// IAM users' and root's credentials.
    pub credentials: super::generate_iam_credentials::Credentials,
    /// Metric filters, alarms and subscriptions (CloudWatch.1–14).
    pub monitoring: super::state_monitoring::Monitoring,
    /// IAM users, groups, customer managed policies and roles' attachments.
    pub iam_policies: super::state_iam_policies::IamState,
    /// Instances, volumes, snapshots, interfaces and Elastic IPs.
    pub instances: super::generate_instances::Instances,
    /// DynamoDB tables and secrets (issue 16).
    pub data: (super::generate_dynamodb::Tables, super::generate_secrets::Secrets),
    /// Key states, queues, KMS-related IAM policies (issue 15).
    pub keys_queues: super::state_keys::KeysState,
    /// Lambda functions and ECR repositories (issue 16).
    pub lambda_ecr: (super::generate_lambda::LambdaState, super::generate_ecr::EcrState),
    /// Load balancers, listeners and target groups.
    pub elb: super::generate_elb::ElbState,
    /// Detectors' plans, launch template versions, Spot Fleet requests.
    pub templates: super::state_templates::Templates,
    /// Systems Manager: managed instances, compliance, documents' sharing (issue 16).
    pub ssm: super::state_ssm::SsmState,
    /// RDS instances' protection and exposure, snapshots' restore access (issue 16).
    pub rds: super::generate_rds::RdsState,
}

fn ec2_all(sim: &Simulator, region: &str, op: &str, key: &str) -> R<Vec<Value>> {
    Ok(list(&call(sim, region, "ec2", op, json!({}))?, key))
}

/// Reads the state of every region of `sim`.
pub fn read(sim: &Simulator) -> R<State> {
    let settings = sim.settings().ok_or("no settings")?;
    let home = settings.account.home_region.clone();
    let mut s = State::default();
    for b in list(&call(sim, &home, "s3", "ListBuckets", json!({}))?, "Buckets") {
        let name = text(&b, "Name");
        let region = call(sim, &home, "s3", "GetBucketLocation", json!({"Bucket": name}))?;
        let region = match region.get("LocationConstraint").and_then(Value::as_str) {
            Some(r) if !r.is_empty() => r.to_string(),
            _ => "us-east-1".to_string(),
        };
        let policy = match sim.call_json(&home, "s3", "GetBucketPolicy", json!({"Bucket": name})) {
            Ok(p) => statements(&text(&p, "Policy"))?,
            Err(e) if e.code == "NoSuchBucketPolicy" => Vec::new(),
            Err(e) => return Err(format!("GetBucketPolicy {name}: {}", e.code)),
        };
        let acl = call(sim, &home, "s3", "GetBucketAcl", json!({"Bucket": name}))?;
        s.acls.insert(name.clone(), list(&acl, "Grants").iter().map(Value::to_string).collect());
        let logging = call(sim, &home, "s3", "GetBucketLogging", json!({"Bucket": name}))?;
        if let Some(target) = logging.get("LoggingEnabled").map(|l| text(l, "TargetBucket")) {
            s.logging.insert(name.clone(), target);
        }
        s.buckets.insert(name, (region, policy));
    }
    let summary = call(sim, &home, "iam", "GetAccountSummary", json!({}))?;
    let mfa = summary.get("SummaryMap").and_then(|m| m.get("AccountMFAEnabled")).and_then(Value::as_i64) == Some(1);
    let virtual_root = list(&call(sim, &home, "iam", "ListVirtualMFADevices", json!({}))?, "VirtualMFADevices")
        .iter()
        .any(|d| d.get("User").is_some_and(|u| text(u, "Arn").ends_with(":root")));
    s.root_mfa = (mfa, virtual_root);
    s.credentials = super::generate_iam_credentials::read(sim, &home)?;
    s.iam_policies = super::state_iam_policies::read(sim, &home)?;
    s.keys_queues = super::state_keys::read(sim, &settings.account.regions, &home)?;
    s.lambda_ecr = (
        super::generate_lambda::read(sim, &settings.account.regions)?,
        super::generate_ecr::read(sim, &settings.account.regions)?,
    );
    s.ssm = super::state_ssm::read(sim, &settings.account.regions)?;
    s.rds = super::generate_rds::read(sim, &settings.account.regions)?;
    for region in &settings.account.regions {
        super::state_monitoring::read(sim, region, &mut s.monitoring)?;
        super::generate_instances::read(sim, region, &mut s.instances)?;
        super::generate_elb::read(sim, region, &mut s.elb)?;
        super::generate_dynamodb::read(sim, region, &mut s.data.0)?;
        super::generate_secrets::read(sim, region, &mut s.data.1)?;
        super::state_templates::read(sim, region, &mut s.templates)?;
        let trails = call(sim, region, "cloudtrail", "DescribeTrails", json!({"includeShadowTrails": false}))?;
        for t in list(&trails, "trailList") {
            let arn = text(&t, "TrailARN");
            let status = call(sim, region, "cloudtrail", "GetTrailStatus", json!({"Name": arn}))?;
            let logging = status.get("IsLogging").and_then(Value::as_bool).unwrap_or(false);
            s.trails.insert(arn, (t.get("IsMultiRegionTrail").and_then(Value::as_bool).unwrap_or(false), logging));
        }
        for t in list(&call(sim, region, "sns", "ListTopics", json!({}))?, "Topics") {
            let arn = text(&t, "TopicArn");
            let attrs = call(sim, region, "sns", "GetTopicAttributes", json!({"TopicArn": arn}))?;
            let attrs = attrs.get("Attributes").cloned().unwrap_or_default();
            let policy = match attrs.get("Policy").and_then(Value::as_str) {
                Some(p) => statements(p)?,
                None => Vec::new(),
            };
            let key = attrs.get("KmsMasterKeyId").and_then(Value::as_str).map(str::to_string);
            s.topics.insert(arn, (policy, key));
        }
        for k in list(&call(sim, region, "kms", "ListKeys", json!({}))?, "Keys") {
            let id = text(&k, "KeyId");
            let meta = call(sim, region, "kms", "DescribeKey", json!({"KeyId": id}))?;
            let meta = meta.get("KeyMetadata").cloned().unwrap_or_default();
            if text(&meta, "KeyManager") == "AWS" {
                continue;
            }
            let policy = call(sim, region, "kms", "GetKeyPolicy", json!({"KeyId": id, "PolicyName": "default"}))?;
            // Keys KMS cannot rotate automatically answer UnsupportedOperationException.
            let rotation = match sim.call_json(region, "kms", "GetKeyRotationStatus", json!({"KeyId": id})) {
                Ok(r) => r,
                Err(e) if e.code == "UnsupportedOperationException" => json!({"KeyRotationEnabled": false}),
                Err(e) => return Err(format!("GetKeyRotationStatus {id}: {}", e.code)),
            };
            s.keys.insert(
                text(&meta, "Arn"),
                (
                    statements(&text(&policy, "Policy"))?,
                    rotation.get("KeyRotationEnabled").and_then(Value::as_bool).unwrap_or(false),
                    meta.get("Enabled").and_then(Value::as_bool).unwrap_or(false),
                ),
            );
        }
        for v in ec2_all(sim, region, "DescribeVpcs", "Vpcs")? {
            s.vpcs.insert(text(&v, "VpcId"));
        }
        for g in ec2_all(sim, region, "DescribeTransitGateways", "TransitGateways")? {
            let auto = g.get("Options").map(|o| text(o, "AutoAcceptSharedAttachments")).unwrap_or_default();
            s.tgws.insert(text(&g, "TransitGatewayId"), (text(&g, "State"), auto));
        }
        let vpns = call(sim, region, "ec2", "DescribeVpnConnections", json!({}))?;
        for c in vpns.get("VpnConnections").and_then(Value::as_array).into_iter().flatten() {
            let status =
                c.get("VgwTelemetry").and_then(Value::as_array).into_iter().flatten().map(|t| text(t, "Status"));
            let tunnels = c.pointer("/Options/TunnelOptions").and_then(Value::as_array).into_iter().flatten();
            let logs = tunnels.map(|t| {
                t.pointer("/LogOptions/CloudWatchLogOptions/LogEnabled").and_then(Value::as_bool) == Some(true)
            });
            s.vpns.insert(text(c, "VpnConnectionId"), (text(c, "State"), status.collect(), logs.collect()));
        }
        let bpa = call(sim, region, "ec2", "DescribeVpcBlockPublicAccessOptions", json!({}))?;
        let mode =
            bpa.get("VpcBlockPublicAccessOptions").map(|o| text(o, "InternetGatewayBlockMode")).unwrap_or_default();
        s.vpc_bpa.insert(region.to_string(), mode);
        for v in ec2_all(sim, region, "DescribeSubnets", "Subnets")? {
            s.subnets.insert(text(&v, "SubnetId"));
        }
        for g in ec2_all(sim, region, "DescribeSecurityGroups", "SecurityGroups")? {
            let ingress = list(&g, "IpPermissions");
            let peers = ingress
                .iter()
                .flat_map(|p| list(p, "UserIdGroupPairs"))
                .map(|p| format!("{}:{}", text(&p, "GroupId"), p))
                .collect();
            s.groups.insert(
                text(&g, "GroupId"),
                Group {
                    region: region.clone(),
                    name: text(&g, "GroupName"),
                    ingress: sg_allows(&ingress),
                    egress: sg_allows(&list(&g, "IpPermissionsEgress")),
                    peers,
                    rules: flat_rules(&ingress),
                },
            );
        }
        for a in ec2_all(sim, region, "DescribeNetworkAcls", "NetworkAcls")? {
            let unused =
                a.get("IsDefault").and_then(Value::as_bool) != Some(true) && list(&a, "Associations").is_empty();
            if unused {
                s.unused_nacls.insert(text(&a, "NetworkAclId"));
            }
            s.nacls.insert(text(&a, "NetworkAclId"), nacl_allows(&a));
        }
    }
    Ok(s)
}

/// Whether `statement` grants only AWS service principals, scoped to `account` by
/// aws:SourceAccount or aws:SourceArn.
pub fn scoped_service_grant(statement: &Value, account: &str) -> bool {
    let services: Vec<String> = match statement.get("Principal") {
        Some(Value::Object(p)) if p.len() == 1 => match p.get("Service") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            _ => return false,
        },
        _ => return false,
    };
    if services.is_empty() || !services.iter().all(|s| s.ends_with(".amazonaws.com")) {
        return false;
    }
    if statement.get("NotPrincipal").is_some() {
        return false;
    }
    let Some(Value::Object(ops)) = statement.get("Condition") else { return false };
    ops.iter().any(|(op, keys)| {
        let op = op.to_ascii_lowercase();
        let positive = op.starts_with("stringequals")
            || op.starts_with("arnequals")
            || op.starts_with("arnlike")
            || op.starts_with("stringlike");
        positive
            && keys.as_object().is_some_and(|k| {
                k.iter().any(|(key, v)| {
                    let key = key.to_ascii_lowercase();
                    let values: Vec<&str> = match v {
                        Value::String(s) => vec![s.as_str()],
                        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                        _ => Vec::new(),
                    };
                    !values.is_empty()
                        && ((key == "aws:sourceaccount" && values.iter().all(|x| *x == account))
                            || (key == "aws:sourcearn" && values.iter().all(|x| x.contains(account))))
                })
            })
    })
}
