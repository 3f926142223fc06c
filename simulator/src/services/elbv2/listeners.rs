//! CreateListener, DescribeListeners, ModifyListener, DeleteListener
//! (<https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html>).

use hubsim_model::elbv2;

use super::tags::check_new_tags;
use super::{
    listener_not_found, load_balancer, tg_not_found, validation, ListenerDoc, LoadBalancerDoc, TargetGroupDoc,
};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<elbv2::CreateListener>()
        .add::<elbv2::DescribeListeners>()
        .add::<elbv2::ModifyListener>()
        .add::<elbv2::DeleteListener>();
}

/// The predefined security policies of Application and Network Load Balancers
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html>,
/// <https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html>).
pub(crate) const SSL_POLICIES: &[&str] = &[
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-1-2021-06",
    "ELBSecurityPolicy-TLS13-1-0-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-TLS-1-2-2017-01",
    "ELBSecurityPolicy-TLS-1-1-2017-01",
    "ELBSecurityPolicy-2016-08",
    "ELBSecurityPolicy-TLS-1-0-2015-04",
    "ELBSecurityPolicy-2015-05",
    "ELBSecurityPolicy-FS-2018-06",
    "ELBSecurityPolicy-FS-1-2-2019-08",
    "ELBSecurityPolicy-FS-1-1-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
];

/// The policy a secure listener created through the API gets without one: ELB's API default
/// (the console proposes a TLS 1.3 policy; the API keeps `ELBSecurityPolicy-2016-08`,
/// <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html>).
const DEFAULT_SSL_POLICY: &str = "ELBSecurityPolicy-2016-08";

/// The most listeners a load balancer can have
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html>).
const MAX_LISTENERS: usize = 50;

/// The most listeners one `DescribeListeners` page holds.
const MAX_PAGE: i32 = 400;

/// Whether a protocol needs a certificate and a security policy.
fn secure(protocol: &str) -> bool {
    protocol == "HTTPS" || protocol == "TLS"
}

/// Checks a listener as it would be stored on `lb`, beside `others` (its load balancer's other
/// listeners), and fills in the defaults (a secure listener's policy, a GWLB's `GENEVE:6081`).
fn check(
    ctx: &Ctx<'_>,
    lb: &LoadBalancerDoc,
    l: &mut elbv2::Listener,
    others: &[elbv2::Listener],
) -> Result<(), AwsError> {
    let kind = lb.kind();
    if kind == "gateway" {
        if l.protocol.as_deref().is_some_and(|p| p != "GENEVE") || l.port.is_some_and(|p| p != 6081) {
            return Err(validation("A Gateway Load Balancer listener takes no protocol or port"));
        }
        l.protocol = None;
        l.port = None;
    } else {
        let protocol = l.protocol.clone().ok_or_else(|| validation("A protocol must be specified"))?;
        let allowed: &[&str] = if kind == "application" {
            &["HTTP", "HTTPS"]
        } else {
            &["TCP", "TLS", "UDP", "TCP_UDP", "QUIC", "TCP_QUIC"]
        };
        if !allowed.contains(&protocol.as_str()) {
            return Err(AwsError::bad_request(
                "UnsupportedProtocol",
                format!("Protocol '{protocol}' is not supported for load balancers of type '{kind}'"),
            ));
        }
        let port = l.port.ok_or_else(|| validation("A port must be specified"))?;
        if others.iter().any(|o| o.port == Some(port)) {
            return Err(AwsError::bad_request(
                "DuplicateListener",
                "A listener already exists on this port for this load balancer",
            ));
        }
        if secure(&protocol) {
            let certs = l.certificates.as_deref().unwrap_or_default();
            if certs.is_empty() {
                return Err(validation(format!("A certificate must be specified for {protocol} listeners")));
            }
            for c in certs {
                let arn = c.certificate_arn.as_deref().unwrap_or_default();
                if !(arn.starts_with("arn:aws:acm:") || arn.starts_with("arn:aws:iam::")) {
                    return Err(AwsError::bad_request("CertificateNotFound", format!("Certificate '{arn}' not found")));
                }
            }
            let policy = l.ssl_policy.get_or_insert_with(|| DEFAULT_SSL_POLICY.to_string());
            if !SSL_POLICIES.contains(&policy.as_str()) {
                return Err(AwsError::bad_request("SSLPolicyNotFound", format!("SSL policy '{policy}' not found")));
            }
        } else if l.ssl_policy.is_some() || l.certificates.as_ref().is_some_and(|c| !c.is_empty()) {
            return Err(validation(format!(
                "A security policy and certificates apply only to HTTPS and TLS listeners, not {protocol}"
            )));
        }
    }
    let actions = l.default_actions.as_deref().unwrap_or_default();
    if actions.is_empty() {
        return Err(validation("At least one default action must be specified"));
    }
    for a in actions {
        check_action(ctx, kind, a)?;
    }
    Ok(())
}

/// Checks one default action: its configuration is there, and a forward names target groups
/// that exist; redirects and fixed responses are Application Load Balancer actions
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#rule-action-types>).
fn check_action(ctx: &Ctx<'_>, kind: &str, a: &elbv2::Action) -> Result<(), AwsError> {
    let invalid = |why: String| AwsError::bad_request("InvalidLoadBalancerAction", why);
    match a.type_.as_str() {
        "forward" => {
            let mut arns: Vec<String> = a.target_group_arn.iter().cloned().collect();
            if let Some(f) = &a.forward_config {
                arns.extend(f.target_groups.iter().flatten().filter_map(|t| t.target_group_arn.clone()));
            }
            if arns.is_empty() {
                return Err(validation("A forward action needs a target group"));
            }
            for arn in arns {
                ctx.get::<TargetGroupDoc>(&arn)?.ok_or_else(|| tg_not_found(&arn))?;
            }
        }
        "redirect" | "fixed-response" if kind != "application" => {
            return Err(invalid(format!("Action type '{}' is only for Application Load Balancers", a.type_)))
        }
        "redirect" => {
            let r = a.redirect_config.as_ref().ok_or_else(|| validation("A redirect action needs a RedirectConfig"))?;
            if r.status_code != "HTTP_301" && r.status_code != "HTTP_302" {
                return Err(validation(format!(
                    "Redirect status code '{}' must be HTTP_301 or HTTP_302",
                    r.status_code
                )));
            }
        }
        "fixed-response" => {
            a.fixed_response_config
                .as_ref()
                .ok_or_else(|| validation("A fixed-response action needs a FixedResponseConfig"))?;
        }
        other => return Err(invalid(format!("Action type '{other}' is not supported as a default action by hubsim"))),
    }
    Ok(())
}

/// The listeners of load balancer `lb_arn`, in creation order.
fn listeners_of(ctx: &Ctx<'_>, lb_arn: &str) -> Result<Vec<(String, ListenerDoc)>, AwsError> {
    Ok(ctx
        .list::<ListenerDoc>()?
        .into_iter()
        .filter(|(_, l)| l.listener.load_balancer_arn.as_deref() == Some(lb_arn))
        .collect())
}

impl Handler for elbv2::CreateListener {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: elbv2::CreateListenerInput) -> Result<elbv2::CreateListenerOutput, AwsError> {
        let lb = load_balancer(ctx, &input.load_balancer_arn)?;
        let tags = check_new_tags(input.tags.as_deref().unwrap_or_default(), 0)?;
        let others: Vec<elbv2::Listener> =
            listeners_of(ctx, &input.load_balancer_arn)?.into_iter().map(|(_, l)| l.listener).collect();
        if others.len() >= MAX_LISTENERS {
            return Err(AwsError::bad_request(
                "TooManyListeners",
                format!("A load balancer can have at most {MAX_LISTENERS} listeners"),
            ));
        }
        let mut listener = elbv2::Listener {
            listener_arn: None,
            load_balancer_arn: Some(input.load_balancer_arn.clone()),
            port: input.port,
            protocol: input.protocol,
            certificates: input.certificates,
            ssl_policy: input.ssl_policy,
            default_actions: Some(input.default_actions),
            alpn_policy: input.alpn_policy,
            mutual_authentication: None,
        };
        check(ctx, &lb, &mut listener, &others)?;
        // ...:loadbalancer/app/<name>/<id> → ...:listener/app/<name>/<id>/<listener id>
        let hex = ctx.ids().hex(16);
        let arn = format!("{}/{hex}", input.load_balancer_arn.replacen(":loadbalancer/", ":listener/", 1));
        listener.listener_arn = Some(arn.clone());
        ctx.put(&arn, &ListenerDoc { listener: listener.clone(), tags })?;
        Ok(elbv2::CreateListenerOutput { listeners: Some(vec![listener]) })
    }
}

impl Handler for elbv2::DescribeListeners {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: elbv2::DescribeListenersInput,
    ) -> Result<elbv2::DescribeListenersOutput, AwsError> {
        let size = input.page_size.unwrap_or(MAX_PAGE);
        if !(1..=MAX_PAGE).contains(&size) {
            return Err(validation(format!("Page size {size} is not valid: it must be from 1 to {MAX_PAGE}")));
        }
        let chosen: Vec<elbv2::Listener> = match (&input.load_balancer_arn, &input.listener_arns) {
            (Some(_), Some(_)) => {
                return Err(validation("Listener ARNs and a load balancer ARN cannot be specified at the same time"))
            }
            (None, None) => return Err(validation("A load balancer ARN or listener ARNs must be specified")),
            (Some(lb), None) => {
                load_balancer(ctx, lb)?;
                listeners_of(ctx, lb)?.into_iter().map(|(_, l)| l.listener).collect()
            }
            (None, Some(arns)) => {
                let mut out = Vec::new();
                for arn in arns {
                    out.push(ctx.get::<ListenerDoc>(arn)?.ok_or_else(|| listener_not_found(arn))?.listener);
                }
                out
            }
        };
        let (page, next_marker) = super::page(chosen, input.marker.as_deref(), size as usize)?;
        Ok(elbv2::DescribeListenersOutput { listeners: Some(page), next_marker })
    }
}

impl Handler for elbv2::ModifyListener {
    const MUTATES: bool = true;

    /// Changes what is given; a listener moved to a protocol without TLS drops its policy and
    /// certificates.
    fn handle(ctx: &mut Ctx<'_>, input: elbv2::ModifyListenerInput) -> Result<elbv2::ModifyListenerOutput, AwsError> {
        let mut doc =
            ctx.get::<ListenerDoc>(&input.listener_arn)?.ok_or_else(|| listener_not_found(&input.listener_arn))?;
        let lb_arn = doc.listener.load_balancer_arn.clone().unwrap_or_default();
        let lb = load_balancer(ctx, &lb_arn)?;
        let others: Vec<elbv2::Listener> = listeners_of(ctx, &lb_arn)?
            .into_iter()
            .filter(|(id, _)| *id != input.listener_arn)
            .map(|(_, l)| l.listener)
            .collect();
        let mut l = doc.listener.clone();
        if let Some(p) = input.protocol {
            if !secure(&p) {
                l.ssl_policy = None;
                l.certificates = None;
            }
            l.protocol = Some(p);
        }
        if input.port.is_some() {
            l.port = input.port;
        }
        if input.ssl_policy.is_some() {
            l.ssl_policy = input.ssl_policy;
        }
        if input.certificates.is_some() {
            l.certificates = input.certificates;
        }
        if input.default_actions.is_some() {
            l.default_actions = input.default_actions;
        }
        if input.alpn_policy.is_some() {
            l.alpn_policy = input.alpn_policy;
        }
        check(ctx, &lb, &mut l, &others)?;
        doc.listener = l.clone();
        ctx.put(&input.listener_arn, &doc)?;
        Ok(elbv2::ModifyListenerOutput { listeners: Some(vec![l]) })
    }
}

impl Handler for elbv2::DeleteListener {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: elbv2::DeleteListenerInput) -> Result<elbv2::DeleteListenerOutput, AwsError> {
        if !ctx.delete::<ListenerDoc>(&input.listener_arn)? {
            return Err(listener_not_found(&input.listener_arn));
        }
        Ok(elbv2::DeleteListenerOutput {})
    }
}
