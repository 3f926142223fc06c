//! DescribeLoadBalancerAttributes, ModifyLoadBalancerAttributes: each type's attributes with
//! AWS's defaults
//! (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-attributes>,
//! <https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html#load-balancer-attributes>,
//! <https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/gateway-load-balancers.html#load-balancer-attributes>).

use std::collections::BTreeMap;

use hubsim_model::elbv2;
use serde_json::Value;

use super::{invalid_configuration, load_balancer, validation, LoadBalancerDoc};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::services::s3::Bucket;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<elbv2::DescribeLoadBalancerAttributes>().add::<elbv2::ModifyLoadBalancerAttributes>();
}

/// What values an attribute takes.
#[derive(Clone, Copy)]
enum Kind {
    Bool,
    /// An integer in a range.
    Int(i64, i64),
    /// One of these.
    OneOf(&'static [&'static str]),
    /// Any text (a bucket name, a prefix).
    Text,
}

/// Attributes every type has.
const COMMON: &[(&str, &str, Kind)] =
    &[("deletion_protection.enabled", "false", Kind::Bool), ("load_balancing.cross_zone.enabled", "false", Kind::Bool)];

/// Access logs (Application and Network Load Balancers).
const ACCESS_LOGS: &[(&str, &str, Kind)] = &[
    ("access_logs.s3.enabled", "false", Kind::Bool),
    ("access_logs.s3.bucket", "", Kind::Text),
    ("access_logs.s3.prefix", "", Kind::Text),
];

/// Application Load Balancers only.
const APPLICATION: &[(&str, &str, Kind)] = &[
    ("connection_logs.s3.enabled", "false", Kind::Bool),
    ("connection_logs.s3.bucket", "", Kind::Text),
    ("connection_logs.s3.prefix", "", Kind::Text),
    ("idle_timeout.timeout_seconds", "60", Kind::Int(1, 4000)),
    ("client_keep_alive.seconds", "3600", Kind::Int(60, 604_800)),
    ("routing.http.desync_mitigation_mode", "defensive", Kind::OneOf(&["monitor", "defensive", "strictest"])),
    ("routing.http.drop_invalid_header_fields.enabled", "false", Kind::Bool),
    ("routing.http.preserve_host_header.enabled", "false", Kind::Bool),
    ("routing.http.x_amzn_tls_version_and_cipher_suite.enabled", "false", Kind::Bool),
    ("routing.http.xff_client_port.enabled", "false", Kind::Bool),
    ("routing.http.xff_header_processing.mode", "append", Kind::OneOf(&["append", "preserve", "remove"])),
    ("routing.http2.enabled", "true", Kind::Bool),
    ("waf.fail_open.enabled", "false", Kind::Bool),
    ("zonal_shift.config.enabled", "false", Kind::Bool),
];

/// Network Load Balancers only.
const NETWORK: &[(&str, &str, Kind)] = &[
    (
        "dns_record.client_routing_policy",
        "any_availability_zone",
        Kind::OneOf(&["availability_zone_affinity", "partial_availability_zone_affinity", "any_availability_zone"]),
    ),
    ("zonal_shift.config.enabled", "false", Kind::Bool),
];

/// The attributes a load balancer of `kind` has.
fn known(kind: &str) -> impl Iterator<Item = &'static (&'static str, &'static str, Kind)> {
    let own: &[&[(&str, &str, Kind)]] = match kind {
        "application" => &[COMMON, ACCESS_LOGS, APPLICATION],
        "network" => &[COMMON, ACCESS_LOGS, NETWORK],
        _ => &[COMMON],
    };
    own.iter().flat_map(|s| s.iter())
}

/// The attributes of a new load balancer of `kind`, at AWS's defaults (an Application Load
/// Balancer balances across zones always: its cross-zone attribute reads `true`).
pub(crate) fn defaults(kind: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = known(kind).map(|(k, d, _)| (k.to_string(), d.to_string())).collect();
    if kind == "application" {
        out.insert("load_balancing.cross_zone.enabled".into(), "true".into());
    }
    out
}

/// Checks one value against its attribute's kind.
fn check_value(key: &str, value: &str, kind: Kind) -> Result<(), AwsError> {
    let ok = match kind {
        Kind::Bool => value == "true" || value == "false",
        Kind::Int(lo, hi) => value.parse::<i64>().is_ok_and(|n| (lo..=hi).contains(&n)),
        Kind::OneOf(values) => values.contains(&value),
        Kind::Text => true,
    };
    if !ok {
        let want = match kind {
            Kind::Bool => "'true' or 'false'".to_string(),
            Kind::Int(lo, hi) => format!("an integer from {lo} to {hi}"),
            Kind::OneOf(values) => values.join(", "),
            Kind::Text => String::new(),
        };
        return Err(validation(format!(
            "Load balancer attribute '{key}' value '{value}' is not valid: it must be {want}"
        )));
    }
    Ok(())
}

/// The account Elastic Load Balancing delivers access logs from in the regions that predate
/// August 2022 (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html>);
/// newer regions use the service principal `logdelivery.elasticloadbalancing.amazonaws.com`.
pub(crate) fn elb_account(region: &str) -> Option<&'static str> {
    Some(match region {
        "us-east-1" => "127311923021",
        "us-east-2" => "033677994240",
        "us-west-1" => "027434742980",
        "us-west-2" => "797873946194",
        "af-south-1" => "098369216593",
        "ap-east-1" => "754344448648",
        "ap-southeast-3" => "589379963580",
        "ap-south-1" => "718504428378",
        "ap-northeast-3" => "383597477331",
        "ap-northeast-2" => "600734575887",
        "ap-southeast-1" => "114774131450",
        "ap-southeast-2" => "783225319266",
        "ap-northeast-1" => "582318560864",
        "ca-central-1" => "985666609251",
        "eu-central-1" => "054676820928",
        "eu-west-1" => "156460612806",
        "eu-west-2" => "652711504416",
        "eu-south-1" => "635631232127",
        "eu-west-3" => "009996457667",
        "eu-north-1" => "897822967062",
        "me-south-1" => "076674570225",
        "sa-east-1" => "507241528517",
        _ => return None,
    })
}

/// Whether `principal` (a policy's `Principal`) names Elastic Load Balancing's log delivery in
/// `region`: the service principal, or the region's ELB account (its id or its root ARN).
fn names_elb(principal: &Value, region: &str) -> bool {
    let texts: Vec<&str> = match principal {
        Value::Object(m) => m
            .values()
            .flat_map(|v| match v {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            })
            .collect(),
        _ => Vec::new(),
    };
    texts.iter().any(|t| {
        *t == "logdelivery.elasticloadbalancing.amazonaws.com"
            || elb_account(region).is_some_and(|a| *t == a || *t == format!("arn:aws:iam::{a}:root"))
    })
}

/// Whether a bucket policy lets Elastic Load Balancing put objects into the bucket: an Allow
/// statement for its principal with `s3:PutObject` (or `s3:*`, `*`). Conditions and resources
/// are not narrowed further (hubsim's reading: ELB checks the permission with a test write
/// under the prefix, which such a statement allows).
pub(crate) fn policy_allows_elb(policy: &str, region: &str) -> bool {
    let Ok(doc) = serde_json::from_str::<Value>(policy) else { return false };
    let statements = match doc.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => return false,
    };
    statements.iter().any(|s| {
        let allow = s.get("Effect").and_then(Value::as_str) == Some("Allow");
        let actions: Vec<&str> = match s.get("Action") {
            Some(Value::String(a)) => vec![a.as_str()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let puts = actions.iter().any(|a| a.eq_ignore_ascii_case("s3:PutObject") || *a == "s3:*" || *a == "*");
        allow && puts && s.get("Principal").is_some_and(|p| names_elb(p, region))
    })
}

/// Checks that access logs can be delivered to `bucket` from the call's region: the bucket
/// exists, is in the region, and its policy lets ELB write
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html>).
fn check_log_bucket(ctx: &Ctx<'_>, bucket: &str) -> Result<(), AwsError> {
    let denied =
        || invalid_configuration(format!("Access Denied for bucket: {bucket}. Please check S3bucket permission"));
    if bucket.is_empty() {
        return Err(validation("The value of 'access_logs.s3.bucket' cannot be empty when access logs are enabled"));
    }
    let found = ctx
        .get::<Bucket>(bucket)?
        .ok_or_else(|| invalid_configuration(format!("The specified bucket does not exist: {bucket}")))?;
    if found.region != ctx.region() {
        return Err(invalid_configuration(format!(
            "The bucket {bucket} is in {}, not in the load balancer's region {}",
            found.region,
            ctx.region()
        )));
    }
    let allowed = found.policy.as_deref().is_some_and(|p| policy_allows_elb(p, ctx.region()));
    if !allowed {
        return Err(denied());
    }
    Ok(())
}

fn as_list(attributes: &BTreeMap<String, String>) -> Vec<elbv2::LoadBalancerAttribute> {
    attributes
        .iter()
        .map(|(k, v)| elbv2::LoadBalancerAttribute { key: Some(k.clone()), value: Some(v.clone()) })
        .collect()
}

impl Handler for elbv2::DescribeLoadBalancerAttributes {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: elbv2::DescribeLoadBalancerAttributesInput,
    ) -> Result<elbv2::DescribeLoadBalancerAttributesOutput, AwsError> {
        let lb = load_balancer(ctx, &input.load_balancer_arn)?;
        Ok(elbv2::DescribeLoadBalancerAttributesOutput { attributes: Some(as_list(&lb.attributes)) })
    }
}

impl Handler for elbv2::ModifyLoadBalancerAttributes {
    const MUTATES: bool = true;

    /// Sets the given attributes (each known to the load balancer's type, each value of its
    /// kind); turning access logs on checks the bucket as ELB does. Answers every attribute.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: elbv2::ModifyLoadBalancerAttributesInput,
    ) -> Result<elbv2::ModifyLoadBalancerAttributesOutput, AwsError> {
        let mut lb: LoadBalancerDoc = load_balancer(ctx, &input.load_balancer_arn)?;
        let kind = lb.kind().to_string();
        if input.attributes.len() > 20 {
            return Err(validation("At most 20 attributes can be modified in one call"));
        }
        let mut next = lb.attributes.clone();
        for a in &input.attributes {
            let key = a.key.as_deref().unwrap_or_default();
            let value = a.value.as_deref().unwrap_or_default();
            let Some((_, _, k)) = known(&kind).find(|(name, _, _)| *name == key) else {
                return Err(validation(format!(
                    "Load balancer attribute key '{key}' is not recognized for a load balancer of type '{kind}'"
                )));
            };
            check_value(key, value, *k)?;
            next.insert(key.to_string(), value.to_string());
        }
        if kind == "application" && next.get("load_balancing.cross_zone.enabled").is_some_and(|v| v != "true") {
            return Err(invalid_configuration(
                "Cross-zone load balancing cannot be turned off for an Application Load Balancer",
            ));
        }
        let turns_logs_on = next.get("access_logs.s3.enabled").is_some_and(|v| v == "true")
            && (lb.attributes.get("access_logs.s3.enabled") != next.get("access_logs.s3.enabled")
                || lb.attributes.get("access_logs.s3.bucket") != next.get("access_logs.s3.bucket"));
        if turns_logs_on {
            check_log_bucket(ctx, next.get("access_logs.s3.bucket").map_or("", String::as_str))?;
        }
        lb.attributes = next;
        ctx.put(&input.load_balancer_arn, &lb)?;
        Ok(elbv2::ModifyLoadBalancerAttributesOutput { attributes: Some(as_list(&lb.attributes)) })
    }
}
