//! ELBv2 through the typed API: load balancers in the EC2 state's subnets with AWS's
//! validation, attributes with their defaults and checks (access logs need a bucket ELB may
//! write to), deletion protection, listeners, target groups and tags; a refusal changes nothing.

use hubsim_simulator::model::{ec2, elbv2, s3};
use hubsim_simulator::testing::{create_bucket_request, fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "eu-west-1";

fn code<T: std::fmt::Debug>(r: Result<T, AwsError>) -> String {
    r.unwrap_err().code
}

/// The default VPC's subnets, one per zone: `(subnet, zone)`.
fn subnets(sim: &Simulator) -> Vec<(String, String)> {
    sim.call::<ec2::DescribeSubnets>(REGION, ec2::DescribeSubnetsRequest::default())
        .unwrap()
        .subnets
        .unwrap_or_default()
        .into_iter()
        .map(|s| (s.subnet_id.unwrap(), s.availability_zone.unwrap()))
        .collect()
}

fn create(sim: &Simulator, name: &str, kind: &str, subnets: &[String]) -> Result<elbv2::LoadBalancer, AwsError> {
    sim.call::<elbv2::CreateLoadBalancer>(
        REGION,
        elbv2::CreateLoadBalancerInput {
            name: name.into(),
            subnets: Some(subnets.to_vec()),
            type_: Some(kind.into()),
            ..Default::default()
        },
    )
    .map(|o| o.load_balancers.unwrap().remove(0))
}

fn alb(sim: &Simulator, name: &str) -> elbv2::LoadBalancer {
    let s: Vec<String> = subnets(sim).into_iter().take(2).map(|(s, _)| s).collect();
    create(sim, name, "application", &s).unwrap()
}

fn all(sim: &Simulator) -> Vec<elbv2::LoadBalancer> {
    sim.call::<elbv2::DescribeLoadBalancers>(REGION, Default::default()).unwrap().load_balancers.unwrap()
}

fn attrs(sim: &Simulator, arn: &str) -> Vec<(String, String)> {
    sim.call::<elbv2::DescribeLoadBalancerAttributes>(
        REGION,
        elbv2::DescribeLoadBalancerAttributesInput { load_balancer_arn: arn.into() },
    )
    .unwrap()
    .attributes
    .unwrap()
    .into_iter()
    .map(|a| (a.key.unwrap(), a.value.unwrap()))
    .collect()
}

fn attr(sim: &Simulator, arn: &str, key: &str) -> String {
    attrs(sim, arn).into_iter().find(|(k, _)| k == key).map(|(_, v)| v).unwrap()
}

fn modify(sim: &Simulator, arn: &str, pairs: &[(&str, &str)]) -> Result<(), AwsError> {
    sim.call::<elbv2::ModifyLoadBalancerAttributes>(
        REGION,
        elbv2::ModifyLoadBalancerAttributesInput {
            load_balancer_arn: arn.into(),
            attributes: pairs
                .iter()
                .map(|(k, v)| elbv2::LoadBalancerAttribute { key: Some(k.to_string()), value: Some(v.to_string()) })
                .collect(),
        },
    )
    .map(drop)
}

fn target_group(sim: &Simulator, name: &str, vpc: &str) -> String {
    sim.call::<elbv2::CreateTargetGroup>(
        REGION,
        elbv2::CreateTargetGroupInput {
            name: name.into(),
            protocol: Some("HTTP".into()),
            port: Some(80),
            vpc_id: Some(vpc.into()),
            ..Default::default()
        },
    )
    .unwrap()
    .target_groups
    .unwrap()
    .remove(0)
    .target_group_arn
    .unwrap()
}

fn forward(tg: &str) -> Vec<elbv2::Action> {
    vec![elbv2::Action { type_: "forward".into(), target_group_arn: Some(tg.into()), ..Default::default() }]
}

fn listener(
    sim: &Simulator,
    lb: &str,
    protocol: &str,
    port: i32,
    actions: Vec<elbv2::Action>,
    certs: bool,
    policy: Option<&str>,
) -> Result<elbv2::Listener, AwsError> {
    sim.call::<elbv2::CreateListener>(
        REGION,
        elbv2::CreateListenerInput {
            load_balancer_arn: lb.into(),
            protocol: Some(protocol.into()),
            port: Some(port),
            default_actions: actions,
            certificates: certs.then(|| {
                vec![elbv2::Certificate {
                    certificate_arn: Some(format!("arn:aws:acm:{REGION}:{ACCOUNT}:certificate/abc")),
                    is_default: None,
                }]
            }),
            ssl_policy: policy.map(str::to_string),
            ..Default::default()
        },
    )
    .map(|o| o.listeners.unwrap().remove(0))
}

#[test]
fn an_alb_spans_two_zones_of_one_vpc_with_the_default_group_and_aws_defaults() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let s = subnets(&sim);
    assert!(s.len() >= 2, "the default VPC has a subnet per zone");
    let lb = alb(&sim, "web");
    let arn = lb.load_balancer_arn.clone().unwrap();
    assert!(
        arn.starts_with(&format!("arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/web/")),
        "{arn}"
    );
    assert_eq!(lb.type_.as_deref(), Some("application"));
    assert_eq!(lb.scheme.as_deref(), Some("internet-facing"));
    assert_eq!(lb.state.unwrap().code.as_deref(), Some("active"));
    assert_eq!(lb.availability_zones.unwrap().len(), 2);
    let groups = lb.security_groups.unwrap();
    assert_eq!(groups.len(), 1, "the VPC's default group");
    assert!(lb.dns_name.unwrap().ends_with(&format!(".{REGION}.elb.amazonaws.com")));
    assert_eq!(attr(&sim, &arn, "deletion_protection.enabled"), "false");
    assert_eq!(attr(&sim, &arn, "routing.http.drop_invalid_header_fields.enabled"), "false");
    assert_eq!(attr(&sim, &arn, "routing.http.desync_mitigation_mode"), "defensive");
    assert_eq!(attr(&sim, &arn, "access_logs.s3.enabled"), "false");
    assert_eq!(attr(&sim, &arn, "idle_timeout.timeout_seconds"), "60");

    // By name, by ARN, and paged.
    alb(&sim, "api");
    let by_name = sim
        .call::<elbv2::DescribeLoadBalancers>(
            REGION,
            elbv2::DescribeLoadBalancersInput { names: Some(vec!["api".into()]), ..Default::default() },
        )
        .unwrap();
    assert_eq!(by_name.load_balancers.unwrap()[0].load_balancer_name.as_deref(), Some("api"));
    let page = sim
        .call::<elbv2::DescribeLoadBalancers>(
            REGION,
            elbv2::DescribeLoadBalancersInput { page_size: Some(1), ..Default::default() },
        )
        .unwrap();
    assert_eq!(page.load_balancers.unwrap()[0].load_balancer_arn.as_deref(), Some(arn.as_str()));
    let next = sim
        .call::<elbv2::DescribeLoadBalancers>(
            REGION,
            elbv2::DescribeLoadBalancersInput { page_size: Some(1), marker: page.next_marker, ..Default::default() },
        )
        .unwrap();
    assert_eq!(next.load_balancers.unwrap()[0].load_balancer_name.as_deref(), Some("api"));
    assert_eq!(next.next_marker, None);
    let missing = elbv2::DescribeLoadBalancersInput { names: Some(vec!["nope".into()]), ..Default::default() };
    assert_eq!(code(sim.call::<elbv2::DescribeLoadBalancers>(REGION, missing)), "LoadBalancerNotFound");
}

#[test]
fn create_refuses_what_elb_refuses_and_leaves_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let s: Vec<String> = subnets(&sim).into_iter().map(|(s, _)| s).collect();
    // An ALB needs two zones; a subnet must exist; names have AWS's shape.
    assert_eq!(code(create(&sim, "one", "application", &s[..1])), "ValidationError");
    assert_eq!(
        code(create(&sim, "ghost", "application", &[s[0].clone(), "subnet-0123456789abcdef0".into()])),
        "SubnetNotFound"
    );
    assert_eq!(code(create(&sim, "-bad", "application", &s[..2])), "ValidationError");
    assert_eq!(code(create(&sim, "internal-x", "application", &s[..2])), "ValidationError");
    assert_eq!(code(create(&sim, &"n".repeat(33), "application", &s[..2])), "ValidationError");
    let bad_group = elbv2::CreateLoadBalancerInput {
        name: "sg".into(),
        subnets: Some(s[..2].to_vec()),
        security_groups: Some(vec!["sg-0123456789abcdef0".into()]),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<elbv2::CreateLoadBalancer>(REGION, bad_group)), "InvalidSecurityGroup");
    assert!(all(&sim).is_empty());

    // The same name: the same settings answer the same load balancer, others are refused.
    let first = create(&sim, "web", "application", &s[..2]).unwrap();
    let again = create(&sim, "web", "application", &s[..2]).unwrap();
    assert_eq!(first.load_balancer_arn, again.load_balancer_arn);
    assert_eq!(code(create(&sim, "web", "network", &s[..1])), "DuplicateLoadBalancerName");
    assert_eq!(all(&sim).len(), 1);
}

#[test]
fn network_and_gateway_load_balancers_take_one_zone_and_their_own_attributes() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let s: Vec<String> = subnets(&sim).into_iter().map(|(s, _)| s).collect();
    let nlb = create(&sim, "tcp", "network", &s[..1]).unwrap();
    assert!(nlb.load_balancer_arn.as_deref().unwrap().contains(":loadbalancer/net/tcp/"));
    assert_eq!(nlb.security_groups, Some(vec![]));
    let arn = nlb.load_balancer_arn.unwrap();
    assert_eq!(attr(&sim, &arn, "load_balancing.cross_zone.enabled"), "false");
    assert!(attrs(&sim, &arn).iter().all(|(k, _)| !k.starts_with("routing.http")));
    // An ALB attribute on an NLB is not recognized.
    assert_eq!(
        code(modify(&sim, &arn, &[("routing.http.drop_invalid_header_fields.enabled", "true")])),
        "ValidationError"
    );
    let gwlb = create(&sim, "gw", "gateway", &s[..1]).unwrap();
    assert_eq!(gwlb.scheme.as_deref(), Some("internal"));
    assert_eq!(gwlb.security_groups, None);
}

#[test]
fn attributes_are_checked_and_a_refusal_changes_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let arn = alb(&sim, "web").load_balancer_arn.unwrap();
    let before = attrs(&sim, &arn);
    assert_eq!(code(modify(&sim, &arn, &[("no.such.key", "1")])), "ValidationError");
    assert_eq!(code(modify(&sim, &arn, &[("deletion_protection.enabled", "yes")])), "ValidationError");
    assert_eq!(code(modify(&sim, &arn, &[("routing.http.desync_mitigation_mode", "lenient")])), "ValidationError");
    assert_eq!(code(modify(&sim, &arn, &[("idle_timeout.timeout_seconds", "0")])), "ValidationError");
    // Several at once: one bad value refuses them all.
    let mixed = [("deletion_protection.enabled", "true"), ("routing.http.desync_mitigation_mode", "x")];
    assert_eq!(code(modify(&sim, &arn, &mixed)), "ValidationError");
    assert_eq!(attrs(&sim, &arn), before);

    modify(
        &sim,
        &arn,
        &[
            ("routing.http.drop_invalid_header_fields.enabled", "true"),
            ("routing.http.desync_mitigation_mode", "strictest"),
        ],
    )
    .unwrap();
    assert_eq!(attr(&sim, &arn, "routing.http.drop_invalid_header_fields.enabled"), "true");
    assert_eq!(attr(&sim, &arn, "routing.http.desync_mitigation_mode"), "strictest");
}

#[test]
fn access_logs_need_a_bucket_in_the_region_whose_policy_lets_elb_write() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let arn = alb(&sim, "web").load_balancer_arn.unwrap();
    let on =
        |bucket: &str| modify(&sim, &arn, &[("access_logs.s3.enabled", "true"), ("access_logs.s3.bucket", bucket)]);
    assert_eq!(code(modify(&sim, &arn, &[("access_logs.s3.enabled", "true")])), "ValidationError", "no bucket");
    assert_eq!(code(on("no-such-bucket")), "InvalidConfigurationRequest");
    sim.call::<s3::CreateBucket>(REGION, create_bucket_request(REGION, "elb-logs")).unwrap();
    assert_eq!(code(on("elb-logs")), "InvalidConfigurationRequest", "no policy for ELB");
    assert_eq!(attr(&sim, &arn, "access_logs.s3.enabled"), "false");
    // eu-west-1's ELB account (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html).
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::156460612806:root"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::elb-logs/*"}]}"#;
    sim.call::<s3::PutBucketPolicy>(
        REGION,
        s3::PutBucketPolicyRequest { bucket: "elb-logs".into(), policy: policy.into(), ..Default::default() },
    )
    .unwrap();
    on("elb-logs").unwrap();
    assert_eq!(attr(&sim, &arn, "access_logs.s3.enabled"), "true");
    assert_eq!(attr(&sim, &arn, "access_logs.s3.bucket"), "elb-logs");
}

#[test]
fn deletion_protection_refuses_delete_and_delete_takes_the_listeners() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let lb = alb(&sim, "web");
    let arn = lb.load_balancer_arn.unwrap();
    let tg = target_group(&sim, "app", lb.vpc_id.as_deref().unwrap());
    let l = listener(&sim, &arn, "HTTP", 80, forward(&tg), false, None).unwrap();
    modify(&sim, &arn, &[("deletion_protection.enabled", "true")]).unwrap();
    let delete = || {
        sim.call::<elbv2::DeleteLoadBalancer>(REGION, elbv2::DeleteLoadBalancerInput { load_balancer_arn: arn.clone() })
    };
    assert_eq!(code(delete()), "OperationNotPermitted");
    assert_eq!(all(&sim).len(), 1);
    // The target group is in use while the listener forwards to it.
    let drop_tg =
        || sim.call::<elbv2::DeleteTargetGroup>(REGION, elbv2::DeleteTargetGroupInput { target_group_arn: tg.clone() });
    assert_eq!(code(drop_tg()), "ResourceInUse");
    modify(&sim, &arn, &[("deletion_protection.enabled", "false")]).unwrap();
    delete().unwrap();
    assert!(all(&sim).is_empty());
    let gone =
        elbv2::DescribeListenersInput { listener_arns: Some(vec![l.listener_arn.unwrap()]), ..Default::default() };
    assert_eq!(code(sim.call::<elbv2::DescribeListeners>(REGION, gone)), "ListenerNotFound");
    // A load balancer that does not exist deletes without error; the target group is free now.
    delete().unwrap();
    drop_tg().unwrap();
}

#[test]
fn listeners_check_protocols_certificates_policies_ports_and_actions() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let lb = alb(&sim, "web");
    let arn = lb.load_balancer_arn.unwrap();
    let tg = target_group(&sim, "app", lb.vpc_id.as_deref().unwrap());
    let http = listener(&sim, &arn, "HTTP", 80, forward(&tg), false, None).unwrap();
    assert!(http.listener_arn.as_deref().unwrap().contains(":listener/app/web/"));
    assert_eq!(http.ssl_policy, None);
    assert_eq!(code(listener(&sim, &arn, "HTTP", 80, forward(&tg), false, None)), "DuplicateListener");
    assert_eq!(
        code(listener(&sim, &arn, "HTTPS", 443, forward(&tg), false, None)),
        "ValidationError",
        "no certificate"
    );
    assert_eq!(code(listener(&sim, &arn, "HTTPS", 443, forward(&tg), true, Some("Nope"))), "SSLPolicyNotFound");
    assert_eq!(code(listener(&sim, &arn, "TCP", 443, forward(&tg), false, None)), "UnsupportedProtocol");
    let ghost = format!("arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/ghost/0123456789abcdef");
    assert_eq!(code(listener(&sim, &arn, "HTTP", 8080, forward(&ghost), false, None)), "TargetGroupNotFound");
    let https = listener(&sim, &arn, "HTTPS", 443, forward(&tg), true, None).unwrap();
    assert_eq!(https.ssl_policy.as_deref(), Some("ELBSecurityPolicy-2016-08"), "the API's default policy");

    // HTTP → HTTPS redirect, then a stronger policy.
    let redirect = vec![elbv2::Action {
        type_: "redirect".into(),
        redirect_config: Some(elbv2::RedirectActionConfig {
            protocol: Some("HTTPS".into()),
            port: Some("443".into()),
            status_code: "HTTP_301".into(),
            ..Default::default()
        }),
        ..Default::default()
    }];
    let http_arn = http.listener_arn.unwrap();
    let modified = sim
        .call::<elbv2::ModifyListener>(
            REGION,
            elbv2::ModifyListenerInput {
                listener_arn: http_arn.clone(),
                default_actions: Some(redirect.clone()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(modified.listeners.unwrap()[0].default_actions.as_ref().unwrap()[0].type_, "redirect");
    sim.call::<elbv2::ModifyListener>(
        REGION,
        elbv2::ModifyListenerInput {
            listener_arn: https.listener_arn.clone().unwrap(),
            ssl_policy: Some("ELBSecurityPolicy-TLS13-1-2-2021-06".into()),
            ..Default::default()
        },
    )
    .unwrap();
    // Moving the HTTPS listener onto port 80 is refused, and changes nothing.
    let clash = elbv2::ModifyListenerInput {
        listener_arn: https.listener_arn.clone().unwrap(),
        port: Some(80),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<elbv2::ModifyListener>(REGION, clash)), "DuplicateListener");
    let listed = sim
        .call::<elbv2::DescribeListeners>(
            REGION,
            elbv2::DescribeListenersInput { load_balancer_arn: Some(arn.clone()), ..Default::default() },
        )
        .unwrap()
        .listeners
        .unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1].port, Some(443));
    assert_eq!(listed[1].ssl_policy.as_deref(), Some("ELBSecurityPolicy-TLS13-1-2-2021-06"));

    // A redirect is an ALB action: an NLB refuses it.
    let s: Vec<String> = subnets(&sim).into_iter().map(|(s, _)| s).collect();
    let nlb = create(&sim, "tcp", "network", &s[..1]).unwrap().load_balancer_arn.unwrap();
    assert_eq!(code(listener(&sim, &nlb, "TCP", 80, redirect, false, None)), "InvalidLoadBalancerAction");

    sim.call::<elbv2::DeleteListener>(REGION, elbv2::DeleteListenerInput { listener_arn: http_arn.clone() }).unwrap();
    let again = sim.call::<elbv2::DeleteListener>(REGION, elbv2::DeleteListenerInput { listener_arn: http_arn });
    assert_eq!(code(again), "ListenerNotFound");
}

#[test]
fn tags_on_load_balancers_listeners_and_target_groups() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let lb = alb(&sim, "web");
    let arn = lb.load_balancer_arn.unwrap();
    let tg = target_group(&sim, "app", lb.vpc_id.as_deref().unwrap());
    let tag = |k: &str, v: &str| elbv2::Tag { key: k.into(), value: Some(v.into()) };
    sim.call::<elbv2::AddTags>(
        REGION,
        elbv2::AddTagsInput {
            resource_arns: vec![arn.clone(), tg.clone()],
            tags: vec![tag("team", "web"), tag("env", "prod")],
        },
    )
    .unwrap();
    let too_many: Vec<elbv2::Tag> = (0..49).map(|i| tag(&format!("k{i}"), "v")).collect();
    let refused =
        sim.call::<elbv2::AddTags>(REGION, elbv2::AddTagsInput { resource_arns: vec![arn.clone()], tags: too_many });
    assert_eq!(code(refused), "TooManyTags");
    let twice = sim.call::<elbv2::AddTags>(
        REGION,
        elbv2::AddTagsInput { resource_arns: vec![arn.clone()], tags: vec![tag("a", "1"), tag("a", "2")] },
    );
    assert_eq!(code(twice), "DuplicateTagKeys");
    sim.call::<elbv2::RemoveTags>(
        REGION,
        elbv2::RemoveTagsInput { resource_arns: vec![arn.clone()], tag_keys: vec!["env".into()] },
    )
    .unwrap();
    let described = sim
        .call::<elbv2::DescribeTags>(REGION, elbv2::DescribeTagsInput { resource_arns: vec![arn.clone(), tg.clone()] })
        .unwrap()
        .tag_descriptions
        .unwrap();
    assert_eq!(described[0].tags.as_ref().unwrap(), &vec![tag("team", "web")]);
    assert_eq!(described[1].tags.as_ref().unwrap().len(), 2);
    let ghost = format!("arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/ghost/0123456789abcdef");
    let missing = sim.call::<elbv2::DescribeTags>(REGION, elbv2::DescribeTagsInput { resource_arns: vec![ghost] });
    assert_eq!(code(missing), "LoadBalancerNotFound");
}

#[test]
fn target_groups_need_a_protocol_port_and_vpc_and_answer_their_load_balancers() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let lb = alb(&sim, "web");
    let vpc = lb.vpc_id.clone().unwrap();
    let no_port = elbv2::CreateTargetGroupInput {
        name: "x".into(),
        protocol: Some("HTTP".into()),
        vpc_id: Some(vpc.clone()),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<elbv2::CreateTargetGroup>(REGION, no_port)), "ValidationError");
    let lambda =
        elbv2::CreateTargetGroupInput { name: "fn".into(), target_type: Some("lambda".into()), ..Default::default() };
    sim.call::<elbv2::CreateTargetGroup>(REGION, lambda).unwrap();
    let tg = target_group(&sim, "app", &vpc);
    let arn = lb.load_balancer_arn.unwrap();
    listener(&sim, &arn, "HTTP", 80, forward(&tg), false, None).unwrap();
    let of_lb = sim
        .call::<elbv2::DescribeTargetGroups>(
            REGION,
            elbv2::DescribeTargetGroupsInput { load_balancer_arn: Some(arn.clone()), ..Default::default() },
        )
        .unwrap()
        .target_groups
        .unwrap();
    assert_eq!(of_lb.len(), 1);
    assert_eq!(of_lb[0].load_balancer_arns, Some(vec![arn]));
    assert_eq!(of_lb[0].health_check_path.as_deref(), Some("/"));
    let other = elbv2::CreateTargetGroupInput {
        name: "app".into(),
        protocol: Some("HTTP".into()),
        port: Some(8080),
        vpc_id: Some(vpc),
        ..Default::default()
    };
    assert_eq!(code(sim.call::<elbv2::CreateTargetGroup>(REGION, other)), "DuplicateTargetGroupName");
}
