//! Classic Load Balancers through the typed API: creation in subnets or zones with AWS's
//! checks, the API's attribute defaults, listeners with the default SSL policy, policies,
//! attributes (access logs need a bucket ELB may write to) and tags; a refusal changes nothing.

use hubsim_simulator::model::{ec2, elb, s3};
use hubsim_simulator::testing::{create_bucket_request, fresh_account};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "eu-west-1";
const CERT: &str = "arn:aws:acm:eu-west-1:123456789012:certificate/classic";

fn code<T: std::fmt::Debug>(r: Result<T, AwsError>) -> (String, u16) {
    let e = r.unwrap_err();
    (e.code, e.status)
}

fn subnets(sim: &Simulator) -> Vec<String> {
    sim.call::<ec2::DescribeSubnets>(REGION, ec2::DescribeSubnetsRequest::default())
        .unwrap()
        .subnets
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| s.subnet_id)
        .collect()
}

fn listener(protocol: &str, port: i32, cert: Option<&str>) -> elb::Listener {
    elb::Listener {
        protocol: protocol.into(),
        load_balancer_port: port,
        instance_protocol: None,
        instance_port: 8080,
        ssl_certificate_id: cert.map(str::to_string),
    }
}

fn create(
    sim: &Simulator,
    name: &str,
    subnets: Vec<String>,
    listeners: Vec<elb::Listener>,
) -> Result<String, AwsError> {
    sim.call::<elb::CreateLoadBalancer>(
        REGION,
        elb::CreateAccessPointInput {
            load_balancer_name: name.into(),
            listeners,
            subnets: Some(subnets),
            ..Default::default()
        },
    )
    .map(|o| o.dns_name.unwrap())
}

fn describe(sim: &Simulator, name: &str) -> elb::LoadBalancerDescription {
    sim.call::<elb::DescribeLoadBalancers>(
        REGION,
        elb::DescribeAccessPointsInput { load_balancer_names: Some(vec![name.into()]), ..Default::default() },
    )
    .unwrap()
    .load_balancer_descriptions
    .unwrap()
    .remove(0)
}

fn attributes(sim: &Simulator, name: &str) -> elb::LoadBalancerAttributes {
    sim.call::<elb::DescribeLoadBalancerAttributes>(
        REGION,
        elb::DescribeLoadBalancerAttributesInput { load_balancer_name: name.into() },
    )
    .unwrap()
    .load_balancer_attributes
    .unwrap()
}

fn modify(sim: &Simulator, name: &str, a: elb::LoadBalancerAttributes) -> Result<(), AwsError> {
    sim.call::<elb::ModifyLoadBalancerAttributes>(
        REGION,
        elb::ModifyLoadBalancerAttributesInput { load_balancer_name: name.into(), load_balancer_attributes: a },
    )
    .map(drop)
}

#[test]
fn a_classic_load_balancer_gets_the_apis_defaults_and_a_default_ssl_policy() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let s = subnets(&sim);
    let dns =
        create(&sim, "legacy", s[..2].to_vec(), vec![listener("http", 80, None), listener("HTTPS", 443, Some(CERT))])
            .unwrap();
    assert!(dns.starts_with("legacy-") && dns.ends_with(".eu-west-1.elb.amazonaws.com"), "{dns}");
    let d = describe(&sim, "legacy");
    assert_eq!(d.availability_zones.as_ref().unwrap().len(), 2);
    assert_eq!(d.security_groups.as_ref().unwrap().len(), 1, "the VPC's default group");
    let listeners = d.listener_descriptions.unwrap();
    assert_eq!(listeners[0].listener.as_ref().unwrap().protocol, "HTTP", "upper-cased");
    assert_eq!(listeners[0].policy_names, Some(vec![]));
    assert_eq!(listeners[1].policy_names, Some(vec!["ELBSecurityPolicy-2016-08".to_string()]));
    let a = attributes(&sim, "legacy");
    assert!(!a.cross_zone_load_balancing.unwrap().enabled);
    assert!(!a.connection_draining.as_ref().unwrap().enabled);
    assert_eq!(a.connection_draining.unwrap().timeout, Some(300));
    assert!(!a.access_log.unwrap().enabled);
    assert_eq!(a.additional_attributes.unwrap()[0].value.as_deref(), Some("defensive"));
    // Zones alone take the default subnets of those zones.
    let zones = d.availability_zones.unwrap();
    sim.call::<elb::CreateLoadBalancer>(
        REGION,
        elb::CreateAccessPointInput {
            load_balancer_name: "by-zone".into(),
            listeners: vec![listener("TCP", 25, None)],
            availability_zones: Some(zones[..1].to_vec()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(describe(&sim, "by-zone").subnets.unwrap().len(), 1);
}

#[test]
fn create_refuses_bad_listeners_names_and_placements_and_leaves_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let s = subnets(&sim);
    let http = || vec![listener("HTTP", 80, None)];
    assert_eq!(code(create(&sim, "x", s[..1].to_vec(), vec![listener("HTTPS", 443, None)])).0, "ValidationError");
    assert_eq!(code(create(&sim, "x", s[..1].to_vec(), vec![listener("UDP", 53, None)])).0, "UnsupportedProtocol");
    assert_eq!(
        code(create(&sim, "x", s[..1].to_vec(), vec![listener("HTTP", 80, None), listener("TCP", 80, None)])).0,
        "DuplicateListener"
    );
    assert_eq!(code(create(&sim, "bad_name", s[..1].to_vec(), http())).0, "ValidationError");
    assert_eq!(code(create(&sim, "x", vec!["subnet-0123456789abcdef0".into()], http())).0, "SubnetNotFound");
    assert_eq!(code(create(&sim, "x", vec![], http())).0, "ValidationError");
    let all = sim.call::<elb::DescribeLoadBalancers>(REGION, Default::default()).unwrap();
    assert_eq!(all.load_balancer_descriptions, Some(vec![]));
    create(&sim, "web", s[..1].to_vec(), http()).unwrap();
    create(&sim, "web", s[..1].to_vec(), http()).unwrap();
    assert_eq!(code(create(&sim, "web", s[..2].to_vec(), http())).0, "DuplicateLoadBalancerName");
    let missing =
        elb::DescribeAccessPointsInput { load_balancer_names: Some(vec!["nope".into()]), ..Default::default() };
    assert_eq!(code(sim.call::<elb::DescribeLoadBalancers>(REGION, missing)).0, "LoadBalancerNotFound");
}

#[test]
fn attributes_change_as_given_and_access_logs_need_an_elb_writable_bucket() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "web", subnets(&sim)[..1].to_vec(), vec![listener("HTTP", 80, None)]).unwrap();
    let desync = |v: &str| elb::LoadBalancerAttributes {
        additional_attributes: Some(vec![elb::AdditionalAttribute {
            key: Some("elb.http.desyncmitigationmode".into()),
            value: Some(v.into()),
        }]),
        ..Default::default()
    };
    let before = attributes(&sim, "web");
    assert_eq!(code(modify(&sim, "web", desync("lenient"))).0, "ValidationError");
    let logs = |bucket: &str| elb::LoadBalancerAttributes {
        access_log: Some(elb::AccessLog {
            enabled: true,
            s3_bucket_name: Some(bucket.into()),
            emit_interval: Some(5),
            s3_bucket_prefix: None,
        }),
        ..Default::default()
    };
    assert_eq!(code(modify(&sim, "web", logs("nope"))), ("InvalidConfigurationRequest".into(), 409));
    sim.call::<s3::CreateBucket>(REGION, create_bucket_request(REGION, "clb-logs")).unwrap();
    assert_eq!(code(modify(&sim, "web", logs("clb-logs"))), ("InvalidConfigurationRequest".into(), 409), "no policy");
    assert_eq!(attributes(&sim, "web"), before);
    let policy = r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"logdelivery.elasticloadbalancing.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::clb-logs/*"}]}"#;
    sim.call::<s3::PutBucketPolicy>(
        REGION,
        s3::PutBucketPolicyRequest { bucket: "clb-logs".into(), policy: policy.into(), ..Default::default() },
    )
    .unwrap();
    modify(&sim, "web", logs("clb-logs")).unwrap();
    modify(&sim, "web", desync("strictest")).unwrap();
    modify(
        &sim,
        "web",
        elb::LoadBalancerAttributes {
            connection_draining: Some(elb::ConnectionDraining { enabled: true, timeout: None }),
            cross_zone_load_balancing: Some(elb::CrossZoneLoadBalancing { enabled: true }),
            ..Default::default()
        },
    )
    .unwrap();
    let a = attributes(&sim, "web");
    assert_eq!(a.access_log.unwrap().emit_interval, Some(5));
    assert_eq!(a.additional_attributes.unwrap()[0].value.as_deref(), Some("strictest"));
    assert_eq!(a.connection_draining.unwrap().timeout, Some(300), "the timeout kept");
    assert!(a.cross_zone_load_balancing.unwrap().enabled);
}

#[test]
fn policies_and_listeners_and_tags() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create(&sim, "web", subnets(&sim)[..1].to_vec(), vec![listener("HTTPS", 443, Some(CERT))]).unwrap();
    let predefined = sim.call::<elb::DescribeLoadBalancerPolicies>(REGION, Default::default()).unwrap();
    assert!(predefined
        .policy_descriptions
        .unwrap()
        .iter()
        .any(|p| p.policy_name.as_deref() == Some("ELBSecurityPolicy-TLS-1-2-2017-01")));
    let policy = |name: &str, reference: &str| elb::CreateLoadBalancerPolicyInput {
        load_balancer_name: "web".into(),
        policy_name: name.into(),
        policy_type_name: "SSLNegotiationPolicyType".into(),
        policy_attributes: Some(vec![elb::PolicyAttribute {
            attribute_name: Some("Reference-Security-Policy".into()),
            attribute_value: Some(reference.into()),
        }]),
    };
    assert_eq!(
        code(sim.call::<elb::CreateLoadBalancerPolicy>(REGION, policy("p", "Made-Up"))).0,
        "InvalidConfigurationRequest"
    );
    sim.call::<elb::CreateLoadBalancerPolicy>(REGION, policy("tls12", "ELBSecurityPolicy-TLS-1-2-2017-01")).unwrap();
    assert_eq!(
        code(sim.call::<elb::CreateLoadBalancerPolicy>(REGION, policy("tls12", "ELBSecurityPolicy-2016-08"))).0,
        "DuplicatePolicyName"
    );
    let set = |port: i32, names: &[&str]| elb::SetLoadBalancerPoliciesOfListenerInput {
        load_balancer_name: "web".into(),
        load_balancer_port: port,
        policy_names: names.iter().map(|s| s.to_string()).collect(),
    };
    assert_eq!(
        code(sim.call::<elb::SetLoadBalancerPoliciesOfListener>(REGION, set(8443, &["tls12"]))).0,
        "ListenerNotFound"
    );
    assert_eq!(
        code(sim.call::<elb::SetLoadBalancerPoliciesOfListener>(REGION, set(443, &["nope"]))).0,
        "PolicyNotFound"
    );
    sim.call::<elb::SetLoadBalancerPoliciesOfListener>(REGION, set(443, &["tls12"])).unwrap();
    let d = describe(&sim, "web");
    assert_eq!(d.listener_descriptions.unwrap()[0].policy_names, Some(vec!["tls12".to_string()]));
    // An SSL policy on an HTTP listener is refused.
    sim.call::<elb::CreateLoadBalancerListeners>(
        REGION,
        elb::CreateLoadBalancerListenerInput {
            load_balancer_name: "web".into(),
            listeners: vec![listener("HTTP", 80, None)],
        },
    )
    .unwrap();
    assert_eq!(
        code(sim.call::<elb::SetLoadBalancerPoliciesOfListener>(REGION, set(80, &["tls12"]))).0,
        "InvalidConfigurationRequest"
    );
    let clash = elb::CreateLoadBalancerListenerInput {
        load_balancer_name: "web".into(),
        listeners: vec![listener("TCP", 80, None)],
    };
    assert_eq!(code(sim.call::<elb::CreateLoadBalancerListeners>(REGION, clash)).0, "DuplicateListener");
    sim.call::<elb::DeleteLoadBalancerListeners>(
        REGION,
        elb::DeleteLoadBalancerListenerInput { load_balancer_name: "web".into(), load_balancer_ports: vec![80] },
    )
    .unwrap();
    assert_eq!(describe(&sim, "web").listener_descriptions.unwrap().len(), 1);

    let tag = |k: &str| elb::Tag { key: k.into(), value: Some("v".into()) };
    sim.call::<elb::AddTags>(
        REGION,
        elb::AddTagsInput { load_balancer_names: vec!["web".into()], tags: vec![tag("a"), tag("b")] },
    )
    .unwrap();
    sim.call::<elb::RemoveTags>(
        REGION,
        elb::RemoveTagsInput {
            load_balancer_names: vec!["web".into()],
            tags: vec![elb::TagKeyOnly { key: Some("a".into()) }],
        },
    )
    .unwrap();
    let tags = sim
        .call::<elb::DescribeTags>(REGION, elb::DescribeTagsInput { load_balancer_names: vec!["web".into()] })
        .unwrap();
    assert_eq!(tags.tag_descriptions.unwrap()[0].tags, Some(vec![tag("b")]));
    let many: Vec<elb::Tag> = (0..50).map(|i| tag(&format!("k{i}"))).collect();
    assert_eq!(
        code(
            sim.call::<elb::AddTags>(REGION, elb::AddTagsInput { load_balancer_names: vec!["web".into()], tags: many })
        )
        .0,
        "TooManyTags"
    );

    sim.call::<elb::DeleteLoadBalancer>(REGION, elb::DeleteAccessPointInput { load_balancer_name: "web".into() })
        .unwrap();
    sim.call::<elb::DeleteLoadBalancer>(REGION, elb::DeleteAccessPointInput { load_balancer_name: "web".into() })
        .unwrap();
    let gone = elb::DescribeAccessPointsInput { load_balancer_names: Some(vec!["web".into()]), ..Default::default() };
    assert_eq!(code(sim.call::<elb::DescribeLoadBalancers>(REGION, gone)).0, "LoadBalancerNotFound");
}
