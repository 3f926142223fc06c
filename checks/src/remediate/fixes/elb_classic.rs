//! ELB.5 (Classic and Application Load Balancers), ELB.7, ELB.8, ELB.9 and ELB.14 by API;
//! ELB.2, ELB.3 and ELB.10 justified (a certificate must be brought to ACM, a listener's
//! protocol is what its clients speak, a zone needs the network owner's subnet)
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html>).

use hubsim_api::model::{elb, elbv2, s3};
use hubsim_api::AwsApi;
use serde_json::{json, Value};

use super::{Done, Fix, How, Scope, Target};
use crate::controls::elb_classic::{DESYNC, STRONG_CLASSIC_POLICY};
use crate::remediate::fixer::Fixer;
use crate::remediate::{support, Failed, Justification};
use crate::snapshot::{ClassicView, Snapshot};

/// The Classic Load Balancer fixes, and ELB.5's.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    vec![
        Fix {
            control: "ELB.2",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &["S3.5"],
            how: How::Justified(Justification::NotAcmCertificate),
        },
        Fix {
            control: "ELB.3",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &["S3.5"],
            how: How::Justified(Justification::ListenersWithoutTls),
        },
        Fix {
            control: "ELB.5",
            // support::access_log_bucket: HeadBucket (s3:ListBucket), CreateBucket, PutBucketPolicy;
            // then the ELB statement is added to the bucket's policy as read.
            iam_actions: &[
                "elasticloadbalancing:ModifyLoadBalancerAttributes",
                "s3:CreateBucket",
                "s3:ListBucket",
                "s3:GetBucketPolicy",
                "s3:PutBucketPolicy",
            ],
            scope: Scope::Resource,
            // The access-log bucket is S3.9's; its policy gets S3.5's statement first.
            after: &["S3.9"],
            how: How::Calls(elb_5),
        },
        Fix {
            control: "ELB.7",
            iam_actions: &["elasticloadbalancing:ModifyLoadBalancerAttributes"],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(elb_7),
        },
        Fix {
            control: "ELB.8",
            iam_actions: &[
                "elasticloadbalancing:CreateLoadBalancerPolicy",
                "elasticloadbalancing:SetLoadBalancerPoliciesOfListener",
            ],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(elb_8),
        },
        Fix {
            control: "ELB.9",
            iam_actions: &["elasticloadbalancing:ModifyLoadBalancerAttributes"],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(elb_9),
        },
        Fix {
            control: "ELB.10",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &["S3.5"],
            how: How::Justified(Justification::SingleZoneLoadBalancer),
        },
        Fix {
            control: "ELB.14",
            iam_actions: &["elasticloadbalancing:ModifyLoadBalancerAttributes"],
            scope: Scope::Resource,
            // No AWS dependency; S3.5 stays first in a round.
            after: &["S3.5"],
            how: How::Calls(elb_14),
        },
    ]
}

/// The Classic Load Balancer the finding is about.
fn target_clb<'s>(target: &Target<'s>) -> Option<&'s ClassicView> {
    let account = &target.snapshot.global.account;
    target
        .snapshot
        .regions
        .iter()
        .filter(|r| r.name == target.region)
        .flat_map(|r| r.elb.classic.iter())
        .find(|lb| lb.arn(target.region, account) == target.resource)
}

/// The account Elastic Load Balancing delivers access logs from in the regions that predate
/// August 2022; newer regions use the service principal
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html>).
fn elb_log_account(region: &str) -> Option<&'static str> {
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

/// The Sid of the statement that lets ELB deliver access logs into the access-log bucket.
const ELB_LOGS_SID: &str = "ElbAccessLogsPolicy";

/// The region's access-log bucket (S3.9's), its policy letting ELB write under `AWSLogs/`:
/// the statement is added to the policy as read now, the rest kept.
fn elb_log_bucket<A: AwsApi>(f: &mut Fixer<'_, A>, region: &str) -> Result<String, Failed> {
    let bucket = support::access_log_bucket(f, region)?;
    let current = f
        .read::<s3::GetBucketPolicy>(
            region,
            s3::GetBucketPolicyRequest { bucket: bucket.clone(), ..Default::default() },
        )
        .ok()
        .and_then(|r| r.policy)
        .and_then(|p| serde_json::from_str::<Value>(&p).ok())
        .unwrap_or_else(|| json!({"Version": "2012-10-17", "Statement": []}));
    let mut statements = match current.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    };
    if statements.iter().any(|s| s.get("Sid").and_then(Value::as_str) == Some(ELB_LOGS_SID)) {
        return Ok(bucket);
    }
    let principal = match elb_log_account(region) {
        Some(account) => json!({"AWS": format!("arn:aws:iam::{account}:root")}),
        None => json!({"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}),
    };
    statements.push(json!({
        "Sid": ELB_LOGS_SID, "Effect": "Allow", "Principal": principal, "Action": "s3:PutObject",
        "Resource": format!("arn:aws:s3:::{bucket}/elb/AWSLogs/{}/*", f.account),
    }));
    let policy = json!({"Version": "2012-10-17", "Statement": statements});
    f.call::<s3::PutBucketPolicy>(
        region,
        s3::PutBucketPolicyRequest { bucket: bucket.clone(), policy: policy.to_string(), ..Default::default() },
    )?;
    Ok(bucket)
}

/// Turns access logs on into the region's access-log bucket, under the prefix `elb`.
fn elb_5<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    if let Some(lb) = target_clb(target) {
        let bucket = elb_log_bucket(f, target.region)?;
        f.call::<elb::ModifyLoadBalancerAttributes>(
            target.region,
            elb::ModifyLoadBalancerAttributesInput {
                load_balancer_name: lb.name().to_string(),
                load_balancer_attributes: elb::LoadBalancerAttributes {
                    access_log: Some(elb::AccessLog {
                        enabled: true,
                        s3_bucket_name: Some(bucket),
                        emit_interval: Some(60),
                        s3_bucket_prefix: Some("elb".into()),
                    }),
                    ..Default::default()
                },
            },
        )?;
        return Ok(Done::Applied);
    }
    let is_v2 = target
        .snapshot
        .regions
        .iter()
        .filter(|r| r.name == target.region)
        .any(|r| r.elb.v2.iter().any(|lb| lb.arn() == target.resource));
    if !is_v2 {
        return Ok(Done::Applied);
    }
    let bucket = elb_log_bucket(f, target.region)?;
    let attribute = |k: &str, v: &str| elbv2::LoadBalancerAttribute { key: Some(k.into()), value: Some(v.into()) };
    f.call::<elbv2::ModifyLoadBalancerAttributes>(
        target.region,
        elbv2::ModifyLoadBalancerAttributesInput {
            load_balancer_arn: target.resource.to_string(),
            attributes: vec![
                attribute("access_logs.s3.enabled", "true"),
                attribute("access_logs.s3.bucket", &bucket),
                attribute("access_logs.s3.prefix", "elb"),
            ],
        },
    )?;
    Ok(Done::Applied)
}

/// Sets some attributes of the finding's Classic Load Balancer.
fn set<A: AwsApi>(
    f: &mut Fixer<'_, A>,
    target: &Target<'_>,
    attributes: elb::LoadBalancerAttributes,
) -> Result<Done, Failed> {
    let Some(lb) = target_clb(target) else { return Ok(Done::Applied) };
    f.call::<elb::ModifyLoadBalancerAttributes>(
        target.region,
        elb::ModifyLoadBalancerAttributesInput {
            load_balancer_name: lb.name().to_string(),
            load_balancer_attributes: attributes,
        },
    )?;
    Ok(Done::Applied)
}

/// Connection draining on, with its timeout as it was (300 seconds by default)
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/config-conn-drain.html>).
fn elb_7<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let timeout = target_clb(target)
        .and_then(|lb| lb.attributes.connection_draining.as_ref())
        .and_then(|d| d.timeout)
        .unwrap_or(300);
    let attributes = elb::LoadBalancerAttributes {
        connection_draining: Some(elb::ConnectionDraining { enabled: true, timeout: Some(timeout) }),
        ..Default::default()
    };
    set(f, target, attributes)
}

/// Cross-zone load balancing on
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-disable-crosszone-lb.html>).
fn elb_9<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let attributes = elb::LoadBalancerAttributes {
        cross_zone_load_balancing: Some(elb::CrossZoneLoadBalancing { enabled: true }),
        ..Default::default()
    };
    set(f, target, attributes)
}

/// Desync mitigation mode `defensive`, ELB's default
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/config-desync-mitigation-mode.html>).
fn elb_14<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let allowed = target.params.list("desyncMode").unwrap_or_default();
    let mode = if allowed.is_empty() || allowed.iter().any(|m| m == "defensive") {
        "defensive".to_string()
    } else {
        allowed[0].clone()
    };
    let attributes = elb::LoadBalancerAttributes {
        additional_attributes: Some(vec![elb::AdditionalAttribute { key: Some(DESYNC.into()), value: Some(mode) }]),
        ..Default::default()
    };
    set(f, target, attributes)
}

/// The policy ELB.8's fix creates: an SSL negotiation policy referring to the strong
/// predefined policy.
const HUBSIM_TLS_POLICY: &str = "hubsim-ELBSecurityPolicy-TLS-1-2-2017-01";

/// Gives every secure listener that lacks it the strong predefined policy (created on the load
/// balancer once), keeping the listener's other, non-negotiation policies
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/ssl-config-update.html>).
fn elb_8<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let Some(lb) = target_clb(target) else { return Ok(Done::Applied) };
    let name = lb.name().to_string();
    let strong = |p: &String| lb.reference_policy(p) == Some(STRONG_CLASSIC_POLICY);
    let weak: Vec<(i32, Vec<String>)> = lb
        .listeners()
        .filter(|(l, _)| l.protocol.eq_ignore_ascii_case("HTTPS") || l.protocol.eq_ignore_ascii_case("SSL"))
        .filter(|(_, policies)| !policies.iter().any(strong))
        .map(|(l, policies)| {
            let kept = policies
                .iter()
                .filter(|p| lb.reference_policy(p).is_none() && !is_negotiation(lb, p))
                .cloned()
                .collect();
            (l.load_balancer_port, kept)
        })
        .collect();
    if weak.is_empty() {
        return Ok(Done::Applied);
    }
    if !lb.policies.iter().any(|p| p.policy_name.as_deref() == Some(HUBSIM_TLS_POLICY)) {
        f.call::<elb::CreateLoadBalancerPolicy>(
            target.region,
            elb::CreateLoadBalancerPolicyInput {
                load_balancer_name: name.clone(),
                policy_name: HUBSIM_TLS_POLICY.into(),
                policy_type_name: "SSLNegotiationPolicyType".into(),
                policy_attributes: Some(vec![elb::PolicyAttribute {
                    attribute_name: Some("Reference-Security-Policy".into()),
                    attribute_value: Some(STRONG_CLASSIC_POLICY.into()),
                }]),
            },
        )?;
    }
    for (port, mut kept) in weak {
        kept.push(HUBSIM_TLS_POLICY.into());
        f.call::<elb::SetLoadBalancerPoliciesOfListener>(
            target.region,
            elb::SetLoadBalancerPoliciesOfListenerInput {
                load_balancer_name: name.clone(),
                load_balancer_port: port,
                policy_names: kept,
            },
        )?;
    }
    Ok(Done::Applied)
}

/// Whether policy `name` of the load balancer is an SSL negotiation policy.
fn is_negotiation(lb: &ClassicView, name: &str) -> bool {
    lb.policies.iter().any(|p| {
        p.policy_name.as_deref() == Some(name) && p.policy_type_name.as_deref() == Some("SSLNegotiationPolicyType")
    })
}

/// The Classic Load Balancer `resource` (`…:loadbalancer/<name>`) in `snapshot`.
fn find(snapshot: &Snapshot, resource: &str) -> Option<ClassicView> {
    let region = resource.split(':').nth(3).unwrap_or_default();
    snapshot
        .regions
        .iter()
        .filter(|r| r.name == region)
        .flat_map(|r| r.elb.classic.iter())
        .find(|lb| lb.arn(region, &snapshot.global.account) == resource)
        .cloned()
}

/// ELB.2's, ELB.3's and (on a Classic Load Balancer) ELB.10's justifications hold while the
/// load balancer still has a non-ACM certificate, a listener without TLS, one zone.
pub(super) fn precondition(j: &Justification, snapshot: &Snapshot, resource: &str) -> Result<(), String> {
    let classic = resource.split_once(":loadbalancer/").is_some_and(|(_, name)| !name.contains('/'));
    let judged = matches!(j, Justification::NotAcmCertificate | Justification::ListenersWithoutTls)
        || (matches!(j, Justification::SingleZoneLoadBalancer) && classic);
    if !judged {
        return Ok(());
    }
    let Some(lb) = find(snapshot, resource) else {
        return Err(format!("load balancer {resource} no longer exists: nothing is left to justify"));
    };
    let secure = |p: &str| p.eq_ignore_ascii_case("HTTPS") || p.eq_ignore_ascii_case("SSL");
    let holds = match j {
        Justification::NotAcmCertificate => lb
            .listeners()
            .filter(|(l, _)| secure(&l.protocol))
            .any(|(l, _)| l.ssl_certificate_id.as_deref().is_some_and(|c| !c.starts_with("arn:aws:acm:"))),
        Justification::ListenersWithoutTls => lb.listeners().any(|(l, _)| !secure(&l.protocol)),
        _ => lb.lb.availability_zones.as_ref().is_none_or(|z| z.len() < 2),
    };
    if holds {
        Ok(())
    } else {
        Err(format!("load balancer {} no longer has what its justification names: run remediation again", lb.name()))
    }
}
