//! The part of a generated account that the ELB controls judge: Application and Network Load
//! Balancers (in the default VPC's subnets, one or two zones) with random listeners (HTTP that
//! forwards or redirects, HTTPS or TLS with a weak or a recommended policy) and attributes, and
//! Classic Load Balancers with random listeners and attributes; and the invariant remediation
//! keeps for them: no load balancer, listener or target group is deleted.

use std::collections::{BTreeMap, BTreeSet};

use hubsim_scenario::Step;
use hubsim_simulator::Simulator;
use proptest::prelude::*;
use serde_json::{json, Value};

/// A check's result: what went wrong, in words.
pub type R<T> = Result<T, String>;

fn call(sim: &Simulator, region: &str, service: &str, op: &str, input: Value) -> R<Value> {
    sim.call_json(region, service, op, input.clone())
        .map_err(|e| format!("{service}:{op} {input} in {region} failed: {}: {}", e.code, e.message))
}

/// One ELBv2 load balancer: its region index, whether it is a Network Load Balancer, how many
/// zones, its listeners and attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct V2Item {
    pub region: usize,
    pub network: bool,
    pub two_zones: bool,
    /// An HTTP (ALB) or TCP (NLB) listener on port 80, and whether an ALB's redirects.
    pub plain: Option<bool>,
    /// An HTTPS (ALB) or TLS (NLB) listener on 443, and whether its policy is the recommended one.
    pub secure: Option<bool>,
    /// drop_invalid_header_fields, deletion protection, desync monitor (ALB attributes).
    pub attributes: [bool; 3],
}

/// One Classic Load Balancer: region index, zones, an HTTP listener, an HTTPS listener with an
/// ACM or IAM certificate, draining, cross-zone, desync monitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassicItem {
    pub region: usize,
    pub two_zones: bool,
    pub http: bool,
    pub https: Option<bool>,
    pub attributes: [bool; 3],
}

/// The sub-plan.
#[derive(Debug, Clone)]
pub struct ElbPlan {
    pub v2: Vec<V2Item>,
    pub classic: Vec<ClassicItem>,
}

/// The strategy of the sub-plan.
pub fn plan() -> impl Strategy<Value = ElbPlan> {
    let v2 = (
        0usize..3,
        any::<bool>(),
        any::<bool>(),
        prop::option::of(any::<bool>()),
        prop::option::of(any::<bool>()),
        any::<[bool; 3]>(),
    )
        .prop_map(|(region, network, two_zones, plain, secure, attributes)| V2Item {
            region,
            network,
            // An ALB needs two zones.
            two_zones: two_zones || !network,
            plain,
            secure,
            attributes,
        });
    let classic = (0usize..3, any::<bool>(), any::<bool>(), prop::option::of(any::<bool>()), any::<[bool; 3]>())
        .prop_map(|(region, two_zones, http, https, attributes)| ClassicItem {
            region,
            two_zones,
            // A Classic Load Balancer needs a listener.
            http: http || https.is_none(),
            https,
            attributes,
        });
    (prop::collection::vec(v2, 0..3), prop::collection::vec(classic, 0..3))
        .prop_map(|(v2, classic)| ElbPlan { v2, classic })
}

fn step(call: &str, region: &str, input: Value, capture: Option<String>) -> Step {
    Step { call: call.into(), region: Some(region.into()), input, capture, expect_error: None, note: None }
}

impl ElbPlan {
    /// The steps, given the account's regions and id.
    pub fn steps(&self, regions: &[String], account: &str) -> Vec<Step> {
        let mut out = Vec::new();
        let mut looked_up = BTreeSet::new();
        let cert = |region: &str| format!("arn:aws:acm:{region}:{account}:certificate/generated");
        // The default VPC's subnets of a region (one per zone), read once.
        let mut subnets_of = |out: &mut Vec<Step>, index: usize, two: bool| -> (String, Vec<String>) {
            let region = regions[index % regions.len()].clone();
            let subnets = format!("elb_subnets_{}", index % regions.len());
            if looked_up.insert(subnets.clone()) {
                out.push(step(
                    "ec2:DescribeSubnets",
                    &region,
                    json!({"Filters": [{"Name": "default-for-az", "Values": ["true"]}]}),
                    Some(subnets.clone()),
                ));
            }
            let mut ids = vec![format!("${{{subnets}.Subnets[0].SubnetId}}")];
            if two {
                ids.push(format!("${{{subnets}.Subnets[1].SubnetId}}"));
            }
            (region, ids)
        };
        for (i, lb) in self.v2.iter().enumerate() {
            let (region, ids) = subnets_of(&mut out, lb.region, lb.two_zones);
            let (name, tg) = (format!("elb_v2_{i}"), format!("elb_tg_{i}"));
            let kind = if lb.network { "network" } else { "application" };
            out.push(step(
                "elbv2:CreateLoadBalancer",
                &region,
                json!({"Name": format!("gen-{i}"), "Type": kind, "Subnets": ids}),
                Some(name.clone()),
            ));
            let arn = format!("${{{name}.LoadBalancers[0].LoadBalancerArn}}");
            let protocol = if lb.network { "TCP" } else { "HTTP" };
            out.push(step(
                "elbv2:CreateTargetGroup",
                &region,
                json!({"Name": format!("gen-tg-{i}"), "Protocol": protocol, "Port": 80,
                    "VpcId": format!("${{{name}.LoadBalancers[0].VpcId}}")}),
                Some(tg.clone()),
            ));
            let forward =
                json!([{"Type": "forward", "TargetGroupArn": format!("${{{tg}.TargetGroups[0].TargetGroupArn}}")}]);
            if let Some(redirect) = lb.plain {
                let actions = if redirect && !lb.network {
                    json!([{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_302"}}])
                } else {
                    forward.clone()
                };
                out.push(step(
                    "elbv2:CreateListener",
                    &region,
                    json!({"LoadBalancerArn": arn, "Protocol": protocol, "Port": 80, "DefaultActions": actions}),
                    None,
                ));
            }
            if let Some(recommended) = lb.secure {
                let policy =
                    if recommended { "ELBSecurityPolicy-TLS13-1-2-2021-06" } else { "ELBSecurityPolicy-2016-08" };
                out.push(step(
                    "elbv2:CreateListener",
                    &region,
                    json!({"LoadBalancerArn": arn, "Protocol": if lb.network { "TLS" } else { "HTTPS" }, "Port": 443,
                        "SslPolicy": policy, "Certificates": [{"CertificateArn": cert(&region)}], "DefaultActions": forward}),
                    None,
                ));
            }
            let [drop_headers, protection, monitor] = lb.attributes;
            let mut attributes = vec![json!({"Key": "deletion_protection.enabled", "Value": protection.to_string()})];
            if !lb.network {
                attributes.push(json!({"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": drop_headers.to_string()}));
                let mode = if monitor { "monitor" } else { "defensive" };
                attributes.push(json!({"Key": "routing.http.desync_mitigation_mode", "Value": mode}));
            }
            out.push(step(
                "elbv2:ModifyLoadBalancerAttributes",
                &region,
                json!({"LoadBalancerArn": arn, "Attributes": attributes}),
                None,
            ));
        }
        for (i, lb) in self.classic.iter().enumerate() {
            let (region, ids) = subnets_of(&mut out, lb.region, lb.two_zones);
            let mut listeners = Vec::new();
            if lb.http {
                listeners.push(json!({"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}));
            }
            if let Some(acm) = lb.https {
                let certificate =
                    if acm { cert(&region) } else { format!("arn:aws:iam::{account}:server-certificate/generated") };
                listeners.push(json!({"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstancePort": 8080,
                    "SSLCertificateId": certificate}));
            }
            let name = format!("gen-clb-{i}");
            out.push(step(
                "elb:CreateLoadBalancer",
                &region,
                json!({"LoadBalancerName": name, "Subnets": ids, "Listeners": listeners}),
                None,
            ));
            let [draining, cross_zone, monitor] = lb.attributes;
            let mode = if monitor { "monitor" } else { "defensive" };
            out.push(step(
                "elb:ModifyLoadBalancerAttributes",
                &region,
                json!({"LoadBalancerName": name, "LoadBalancerAttributes": {
                    "ConnectionDraining": {"Enabled": draining},
                    "CrossZoneLoadBalancing": {"Enabled": cross_zone},
                    "AdditionalAttributes": [{"Key": "elb.http.desyncmitigationmode", "Value": mode}]}}),
                None,
            ));
        }
        out
    }
}

/// What remediation must keep: every load balancer, listener and target group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElbState {
    /// ELBv2 load balancer ARNs.
    pub load_balancers: BTreeSet<String>,
    /// ELBv2 listener ARNs.
    pub listeners: BTreeSet<String>,
    /// Target group ARNs.
    pub target_groups: BTreeSet<String>,
    /// `region/name` of Classic Load Balancers, and `region/name:port` of their listeners.
    pub classic: BTreeSet<String>,
    /// Load balancers (ELBv2 ARN or classic `region/name`) in fewer than two zones.
    pub single_zone: BTreeSet<String>,
    /// ALB ARNs with an HTTP listener that does not redirect and no HTTPS listener.
    pub http_only: BTreeSet<String>,
    /// Classic `region/name` with a secure listener on a certificate not from ACM.
    pub not_acm: BTreeSet<String>,
    /// Classic `region/name` with an HTTP or TCP listener.
    pub plain: BTreeSet<String>,
    /// Load balancer (ELBv2 ARN or classic `region/name`) → the bucket it delivers access
    /// logs to.
    pub log_destinations: BTreeMap<String, String>,
}

fn strings(v: &Value, list: &str, key: &str) -> Vec<String> {
    v.get(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|x| x.get(key).and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// Reads the load balancers of `region` into `s`.
pub fn read(sim: &Simulator, region: &str, s: &mut ElbState) -> R<()> {
    let lbs = call(sim, region, "elbv2", "DescribeLoadBalancers", json!({}))?;
    for lb in lbs.get("LoadBalancers").and_then(Value::as_array).into_iter().flatten() {
        let arn = lb.get("LoadBalancerArn").and_then(Value::as_str).unwrap_or_default().to_string();
        let zones = lb.get("AvailabilityZones").and_then(Value::as_array).map_or(0, Vec::len);
        if zones < 2 {
            s.single_zone.insert(arn.clone());
        }
        let listeners = call(sim, region, "elbv2", "DescribeListeners", json!({"LoadBalancerArn": arn}))?;
        let protocols: Vec<(String, bool)> = listeners
            .get("Listeners")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|l| {
                let redirects =
                    l.pointer("/DefaultActions/0/RedirectConfig/Protocol").and_then(Value::as_str) == Some("HTTPS");
                (l.get("Protocol").and_then(Value::as_str).unwrap_or_default().to_string(), redirects)
            })
            .collect();
        let plain = protocols.iter().any(|(p, redirects)| p == "HTTP" && !redirects);
        if plain && !protocols.iter().any(|(p, _)| p == "HTTPS") {
            s.http_only.insert(arn.clone());
        }
        s.listeners.extend(strings(&listeners, "Listeners", "ListenerArn"));
        let attributes = call(sim, region, "elbv2", "DescribeLoadBalancerAttributes", json!({"LoadBalancerArn": arn}))?;
        let attribute = |key: &str| {
            attributes.get("Attributes").and_then(Value::as_array).into_iter().flatten().find_map(|a| {
                (a.get("Key").and_then(Value::as_str) == Some(key)).then(|| a.get("Value").and_then(Value::as_str))?
            })
        };
        if attribute("access_logs.s3.enabled") == Some("true") {
            s.log_destinations.insert(arn.clone(), attribute("access_logs.s3.bucket").unwrap_or_default().to_string());
        }
        s.load_balancers.insert(arn);
    }
    let groups = call(sim, region, "elbv2", "DescribeTargetGroups", json!({}))?;
    s.target_groups.extend(strings(&groups, "TargetGroups", "TargetGroupArn"));
    let classic = call(sim, region, "elb", "DescribeLoadBalancers", json!({}))?;
    for d in classic.get("LoadBalancerDescriptions").and_then(Value::as_array).into_iter().flatten() {
        let name = d.get("LoadBalancerName").and_then(Value::as_str).unwrap_or_default();
        let key = format!("{region}/{name}");
        s.classic.insert(key.clone());
        let attributes = call(sim, region, "elb", "DescribeLoadBalancerAttributes", json!({"LoadBalancerName": name}))?;
        if attributes.pointer("/LoadBalancerAttributes/AccessLog/Enabled").and_then(Value::as_bool) == Some(true) {
            let bucket = attributes.pointer("/LoadBalancerAttributes/AccessLog/S3BucketName").and_then(Value::as_str);
            s.log_destinations.insert(key.clone(), bucket.unwrap_or_default().to_string());
        }
        if d.get("AvailabilityZones").and_then(Value::as_array).map_or(0, Vec::len) < 2 {
            s.single_zone.insert(key.clone());
        }
        for l in d.get("ListenerDescriptions").and_then(Value::as_array).into_iter().flatten() {
            let port = l.pointer("/Listener/LoadBalancerPort").and_then(Value::as_i64).unwrap_or_default();
            s.classic.insert(format!("{region}/{name}:{port}"));
            let protocol = l.pointer("/Listener/Protocol").and_then(Value::as_str).unwrap_or_default();
            let cert = l.pointer("/Listener/SSLCertificateId").and_then(Value::as_str).unwrap_or_default();
            if protocol == "HTTPS" || protocol == "SSL" {
                if !cert.starts_with("arn:aws:acm:") {
                    s.not_acm.insert(key.clone());
                }
            } else {
                s.plain.insert(key.clone());
            }
        }
    }
    Ok(())
}

/// Remediation deletes no load balancer, listener or target group.
pub fn check_kept(before: &ElbState, after: &ElbState) -> R<()> {
    let gone = |what: &str, b: &BTreeSet<String>, a: &BTreeSet<String>| -> R<()> {
        match b.difference(a).next() {
            Some(x) => Err(format!("{what} {x} is gone after remediation")),
            None => Ok(()),
        }
    };
    gone("load balancer", &before.load_balancers, &after.load_balancers)?;
    gone("listener", &before.listeners, &after.listeners)?;
    gone("target group", &before.target_groups, &after.target_groups)?;
    gone("Classic Load Balancer (or its listener)", &before.classic, &after.classic)
}

/// The key a finding's resource has in [`ElbState`]: an ELBv2 ARN as it is, a Classic Load
/// Balancer's ARN as `region/name`.
fn key(resource: &str) -> String {
    let region = resource.split(':').nth(3).unwrap_or_default();
    match resource.split_once(":loadbalancer/") {
        Some((_, name)) if !name.contains('/') => format!("{region}/{name}"),
        _ => resource.to_string(),
    }
}

/// (b) for the ELB justifications: each on its own controls, its precondition holding in the
/// account as remediation left it; `None` when the note is not an ELB justification.
pub fn check_justification(note: &str, control: &str, resource: &str, after: &ElbState) -> Option<R<()>> {
    use hubsim_checks::remediate::Justification as J;
    let k = key(resource);
    let (controls, holds, what): (&[&str], bool, &str) = if note == J::SingleZoneLoadBalancer.text() {
        (&["ELB.10", "ELB.13"], after.single_zone.contains(&k), "in fewer than two zones")
    } else if note == J::NotAcmCertificate.text() {
        (&["ELB.2"], after.not_acm.contains(&k), "on a certificate not from ACM")
    } else if note == J::ListenersWithoutTls.text() {
        (&["ELB.3"], after.plain.contains(&k), "with a listener without TLS")
    } else if note.starts_with("Load balancer ") && note.contains("has an HTTP listener and no HTTPS listener") {
        (&["ELB.1"], after.http_only.contains(&k), "with HTTP and no HTTPS listener")
    } else {
        return None;
    };
    if !controls.contains(&control) {
        return Some(Err(format!("{control} {resource}: an ELB justification on another control: {note}")));
    }
    if !holds {
        return Some(Err(format!("{control} {resource}: suppressed as {what}, but it no longer is")));
    }
    Some(Ok(()))
}
