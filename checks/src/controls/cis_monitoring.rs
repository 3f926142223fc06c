//! CloudWatch.1–CloudWatch.14 (CIS v1.2.0 3.1–3.14) and IAM.20 (CIS v1.2.0 1.1, era 2022):
//! a log metric filter with CIS's pattern on the log group of a multi-region trail, an alarm on
//! its metric, an SNS topic in the alarm's actions and a subscription on the topic. One logic
//! serves all fifteen; only the pattern differs
//! (AWS: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html;
//! the reason codes: https://docs.aws.amazon.com/securityhub/latest/userguide/controls-findings-create-update.html).

use crate::control::{Compliance, Control, Input, ParamKind, Parameter, Schedule, Verdict};
use crate::snapshot::TrailView;

/// The switch for the state of the subscription the controls require.
pub(crate) const PENDING_COUNTS: &str = "hubsim:PendingSubscriptionCounts";

const PARAMETERS: &[Parameter] = &[Parameter {
    name: PENDING_COUNTS,
    kind: ParamKind::Bool,
    default: Some("false"),
    doc: "whether a subscription still awaiting confirmation (PendingConfirmation) satisfies the control",
}];

const CHOICES: &str = "One account-level finding in the region where a multi-region trail owned by the account is \
    homed; in other regions (the trail homed elsewhere, an organization trail of another account) no finding, so No \
    data in both eras, also when a trail homed here does not qualify (single-region, say) while one homed elsewhere \
    is visible [I] (AWS documents No data for this case, not the account-level PASSED of controls without \
    resources). No trail at all fails. The trail must be multi-region, logging, record read and write management \
    events (as CloudTrail.1) and deliver to CloudWatch Logs. A filter on its log group matches when its pattern has \
    the same tokens as CIS's, whitespace ignored [U: AWS does not say how it compares]; both CIS 3.2 patterns (the \
    Security Hub page's and the original benchmark's) count for CloudWatch.3 [U]. The alarm must watch the filter's \
    metric (name and namespace; statistic, period and threshold are not checked [I]) and name an SNS topic in \
    AlarmActions. A topic of another account is WARNING (SNS_TOPIC_CROSS_ACCOUNT); a topic that does not exist \
    fails. A subscription awaiting confirmation does not count [I: CIS's audit step, which Security Hub says it \
    performs, asks for a subscription whose SubscriptionArn is an ARN, and ListSubscriptionsByTopic lists a pending \
    one as PendingConfirmation]; the switch hubsim:PendingSubscriptionCounts makes it count.";

/// The fifteen controls, each with its CIS pattern(s).
pub(super) const CONTROLS: &[Control] = &[
    control("CloudWatch.1", "AWS::::Account", evaluate_1),
    control("CloudWatch.2", "AWS::::Account", evaluate_2),
    control("CloudWatch.3", "AWS::::Account", evaluate_3),
    control("CloudWatch.4", "AWS::::Account", evaluate_4),
    control("CloudWatch.5", "AWS::::Account", evaluate_5),
    control("CloudWatch.6", "AWS::::Account", evaluate_6),
    control("CloudWatch.7", "AWS::::Account", evaluate_7),
    control("CloudWatch.8", "AWS::::Account", evaluate_8),
    control("CloudWatch.9", "AWS::::Account", evaluate_9),
    control("CloudWatch.10", "AWS::::Account", evaluate_10),
    control("CloudWatch.11", "AWS::::Account", evaluate_11),
    control("CloudWatch.12", "AWS::::Account", evaluate_12),
    control("CloudWatch.13", "AWS::::Account", evaluate_13),
    control("CloudWatch.14", "AWS::::Account", evaluate_14),
    // CIS 1.1, retired in April 2024: the same check as CloudWatch.1 (its catalogue entry gives
    // AWS::IAM::User as the resource type; the finding is about the account).
    control("IAM.20", "AWS::IAM::User", evaluate_1),
];

const fn control(id: &'static str, resource_type: &'static str, evaluate: fn(&Input<'_>) -> Vec<Verdict>) -> Control {
    Control {
        id,
        resource_type,
        schedule: Schedule::Periodic,
        config_rule: None,
        parameters: PARAMETERS,
        choices: CHOICES,
        evaluate,
    }
}

/// One CIS monitoring item: what it watches, its metric's name, and its pattern(s).
pub(crate) struct Item {
    /// The CIS v1.2.0 number.
    pub cis: &'static str,
    /// The metric name the remediation gives the filter.
    pub metric: &'static str,
    /// The accepted patterns (the first is the one the remediation writes).
    pub patterns: &'static [&'static str],
}

/// The items, by control id. Patterns as the Security Hub page and CIS v1.2.0 give them.
pub(crate) fn pattern_set(id: &str) -> Option<&'static Item> {
    ITEMS.iter().find(|(c, _)| *c == id).map(|(_, item)| item)
}

const ITEMS: &[(&str, Item)] = &[
    ("CloudWatch.1", Item { cis: "3.3", metric: "RootAccountUsage", patterns: &[
        r#"{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}"#,
    ] }),
    ("IAM.20", Item { cis: "1.1", metric: "RootAccountUsage", patterns: &[
        r#"{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}"#,
    ] }),
    ("CloudWatch.2", Item { cis: "3.1", metric: "UnauthorizedAPICalls", patterns: &[
        r#"{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}"#,
    ] }),
    ("CloudWatch.3", Item { cis: "3.2", metric: "ConsoleSigninWithoutMFA", patterns: &[
        r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#,
        r#"{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes")}"#,
    ] }),
    ("CloudWatch.4", Item { cis: "3.4", metric: "IAMPolicyChanges", patterns: &[
        "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}",
    ] }),
    ("CloudWatch.5", Item { cis: "3.5", metric: "CloudTrailChanges", patterns: &[
        "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}",
    ] }),
    ("CloudWatch.6", Item { cis: "3.6", metric: "ConsoleSigninFailures", patterns: &[
        r#"{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}"#,
    ] }),
    ("CloudWatch.7", Item { cis: "3.7", metric: "DisableOrDeleteCMK", patterns: &[
        "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
    ] }),
    ("CloudWatch.8", Item { cis: "3.8", metric: "S3BucketPolicyChanges", patterns: &[
        "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}",
    ] }),
    ("CloudWatch.9", Item { cis: "3.9", metric: "AWSConfigChanges", patterns: &[
        "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}",
    ] }),
    ("CloudWatch.10", Item { cis: "3.10", metric: "SecurityGroupChanges", patterns: &[
        "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
    ] }),
    ("CloudWatch.11", Item { cis: "3.11", metric: "NACLChanges", patterns: &[
        "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
    ] }),
    ("CloudWatch.12", Item { cis: "3.12", metric: "NetworkGatewayChanges", patterns: &[
        "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
    ] }),
    ("CloudWatch.13", Item { cis: "3.13", metric: "RouteTableChanges", patterns: &[
        "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}",
    ] }),
    ("CloudWatch.14", Item { cis: "3.14", metric: "VPCChanges", patterns: &[
        "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}",
    ] }),
];

macro_rules! evaluators {
    ($($f:ident => $id:literal),* $(,)?) => {
        $(fn $f(i: &Input<'_>) -> Vec<Verdict> { evaluate(i, $id) })*
    };
}

evaluators! {
    evaluate_1 => "CloudWatch.1", evaluate_2 => "CloudWatch.2", evaluate_3 => "CloudWatch.3",
    evaluate_4 => "CloudWatch.4", evaluate_5 => "CloudWatch.5", evaluate_6 => "CloudWatch.6",
    evaluate_7 => "CloudWatch.7", evaluate_8 => "CloudWatch.8", evaluate_9 => "CloudWatch.9",
    evaluate_10 => "CloudWatch.10", evaluate_11 => "CloudWatch.11", evaluate_12 => "CloudWatch.12",
    evaluate_13 => "CloudWatch.13", evaluate_14 => "CloudWatch.14",
}

/// The tokens of a filter pattern, whitespace dropped: quoted strings whole, `&&` `||` `!=`
/// `<=` `>=` and single punctuation apart, words between. Read left to right, no recursion.
pub(crate) fn tokens(pattern: &str) -> Vec<&str> {
    let b = pattern.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(b.len());
            out.push(&pattern[i..end]);
            i = end;
        } else if matches!(
            (c, b.get(i + 1)),
            (b'&', Some(b'&')) | (b'|', Some(b'|')) | (b'!' | b'<' | b'>', Some(b'='))
        ) {
            out.push(&pattern[i..i + 2]);
            i += 2;
        } else if b"(){}[]=<>!&|,".contains(&c) {
            out.push(&pattern[i..i + 1]);
            i += 1;
        } else {
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !b"\"(){}[]=<>!&|,".contains(&b[i]) {
                i += 1;
            }
            out.push(&pattern[start..i]);
        }
    }
    out
}

/// Whether `pattern` is one of `item`'s patterns, token for token.
pub(crate) fn matches(item: &Item, pattern: &str) -> bool {
    let have = tokens(pattern);
    item.patterns.iter().any(|p| tokens(p) == have)
}

/// How far a chain trail → filter → alarm → topic → subscription got.
struct Best {
    /// How many links held (higher is nearer to passing).
    depth: u8,
    status: Compliance,
    reason: String,
}

impl Best {
    fn offer(&mut self, depth: u8, status: Compliance, reason: String) {
        let rank = |s: Compliance| match s {
            Compliance::Passed => 2,
            Compliance::Warning => 1,
            _ => 0,
        };
        if self.reason.is_empty() || (rank(status), depth) > (rank(self.status), self.depth) {
            *self = Best { depth, status, reason };
        }
    }
}

/// The log group name in a `CloudWatchLogsLogGroupArn` (`arn:aws:logs:r:a:log-group:NAME:*`).
fn log_group_name(arn: &str) -> Option<&str> {
    let rest = arn.split_once(":log-group:")?.1;
    Some(rest.strip_suffix(":*").unwrap_or(rest))
}

/// Why trail `t` (homed here) cannot feed the controls, if it cannot.
fn trail_gap(t: &TrailView) -> Option<String> {
    let name = t.trail.name.clone().unwrap_or_default();
    if t.trail.is_multi_region_trail != Some(true) {
        return Some(format!("trail {name} is not multi-region"));
    }
    if t.status.is_logging != Some(true) {
        return Some(format!("trail {name} is not logging"));
    }
    if let Some(gap) = super::cloudtrail::management_gap(t) {
        return Some(format!("trail {name} {gap}"));
    }
    if t.trail.cloud_watch_logs_log_group_arn.as_deref().is_none_or(str::is_empty) {
        return Some(format!("trail {name} does not deliver to CloudWatch Logs (no CloudWatchLogsLogGroupArn)"));
    }
    None
}

fn evaluate(i: &Input<'_>, id: &str) -> Vec<Verdict> {
    let Some(item) = pattern_set(id) else { return Vec::new() };
    let region = &i.region.name;
    let account = &i.global.account;
    let trails = &i.region.trails;
    if trails.is_empty() {
        return vec![Verdict::fail(
            i.account(),
            format!("no CloudTrail trail in {region} (CLOUDTRAIL_MULTI_REGION_NOT_PRESENT)"),
        )];
    }
    let home: Vec<&TrailView> = trails
        .iter()
        .filter(|t| t.trail.home_region.as_deref() == Some(region.as_str()))
        .filter(|t| t.trail.trail_arn.as_deref().is_some_and(|a| a.split(':').nth(4) == Some(account.as_str())))
        .collect();
    // A trail homed elsewhere (a multi-region trail's shadow copy, another account's
    // organization trail) is judged in its home region: if no trail homed here can feed the
    // controls, this region has no finding (No data), as AWS documents for "the multi-Region
    // trail is based in a different Region".
    let elsewhere = trails.len() > home.len();
    if home.iter().all(|t| trail_gap(t).is_some()) && elsewhere {
        return Vec::new();
    }
    let pending_counts = i.params.bool(PENDING_COUNTS, false);
    let mon = &i.region.monitoring;
    let mut best = Best { depth: 0, status: Compliance::Failed, reason: String::new() };
    for t in &home {
        if let Some(gap) = trail_gap(t) {
            best.offer(0, Compliance::Failed, format!("{gap} (CLOUDTRAIL_MULTI_REGION_NOT_PRESENT)"));
            continue;
        }
        let trail = t.trail.name.clone().unwrap_or_default();
        let arn = t.trail.cloud_watch_logs_log_group_arn.clone().unwrap_or_default();
        let Some(group) = log_group_name(&arn) else {
            best.offer(
                0,
                Compliance::Failed,
                format!("trail {trail}'s CloudWatchLogsLogGroupArn {arn} names no log group"),
            );
            continue;
        };
        let on_group: Vec<_> =
            mon.metric_filters.iter().filter(|f| f.log_group_name.as_deref() == Some(group)).collect();
        let filters: Vec<_> =
            on_group.iter().filter(|f| f.filter_pattern.as_deref().is_some_and(|p| matches(item, p))).collect();
        if filters.is_empty() {
            let have = if on_group.is_empty() {
                "it has no metric filters".to_string()
            } else {
                let names: Vec<String> = on_group.iter().filter_map(|f| f.filter_name.clone()).collect();
                format!("its filters {} have other patterns", names.join(", "))
            };
            best.offer(
                1,
                Compliance::Failed,
                format!(
                    "no metric filter on log group {group} (trail {trail}) has CIS {}'s pattern {}: {have} \
                     (CLOUDTRAIL_METRIC_FILTER_NOT_VALID)",
                    item.cis, item.patterns[0]
                ),
            );
            continue;
        }
        for f in filters {
            let fname = f.filter_name.clone().unwrap_or_default();
            for m in f.metric_transformations.iter().flatten() {
                let metric = format!("{}/{}", m.metric_namespace, m.metric_name);
                let alarms: Vec<_> = mon
                    .alarms
                    .iter()
                    .filter(|a| {
                        a.metric_name.as_deref() == Some(m.metric_name.as_str())
                            && a.namespace.as_deref() == Some(m.metric_namespace.as_str())
                    })
                    .collect();
                if alarms.is_empty() {
                    best.offer(
                        2,
                        Compliance::Failed,
                        format!("no alarm watches metric {metric} of filter {fname} on {group} (CLOUDWATCH_ALARMS_NOT_PRESENT)"),
                    );
                    continue;
                }
                for a in alarms {
                    let aname = a.alarm_name.clone().unwrap_or_default();
                    let topics: Vec<&String> =
                        a.alarm_actions.iter().flatten().filter(|x| x.starts_with("arn:aws:sns:")).collect();
                    if topics.is_empty() {
                        best.offer(
                            3,
                            Compliance::Failed,
                            format!("alarm {aname} on {metric} has no SNS topic in AlarmActions (CLOUDWATCH_ALARM_ACTIONS_NOT_VALID)"),
                        );
                        continue;
                    }
                    for topic in topics {
                        if topic.split(':').nth(4) != Some(account.as_str()) {
                            best.offer(
                                4,
                                Compliance::Warning,
                                format!("alarm {aname} notifies topic {topic} of another account, whose subscriptions this account cannot list (SNS_TOPIC_CROSS_ACCOUNT)"),
                            );
                            continue;
                        }
                        match mon.topic_subscriptions.get(topic.as_str()) {
                            None | Some(Err(_)) => best.offer(
                                3,
                                Compliance::Failed,
                                format!(
                                    "alarm {aname} notifies topic {topic}, which does not exist (SNS_TOPIC_INVALID)"
                                ),
                            ),
                            Some(Ok(subs)) => {
                                let confirmed = subs
                                    .iter()
                                    .filter(|s| s.subscription_arn.as_deref() != Some("PendingConfirmation"))
                                    .count();
                                let counted = if pending_counts { subs.len() } else { confirmed };
                                if counted > 0 {
                                    best.offer(
                                        5,
                                        Compliance::Passed,
                                        format!(
                                            "filter {fname} on {group} (trail {trail}) has CIS {}'s pattern; alarm {aname} on {metric} notifies topic {topic}, which has {counted} subscription(s)",
                                            item.cis
                                        ),
                                    );
                                } else if subs.is_empty() {
                                    best.offer(
                                        4,
                                        Compliance::Failed,
                                        format!("alarm {aname} notifies topic {topic}, which has no subscriptions (SNS_SUBSCRIPTION_NOT_PRESENT)"),
                                    );
                                } else {
                                    best.offer(
                                        4,
                                        Compliance::Failed,
                                        format!(
                                            "alarm {aname} notifies topic {topic}, whose {} subscription(s) await confirmation (PendingConfirmation; SNS_SUBSCRIPTION_NOT_PRESENT)",
                                            subs.len()
                                        ),
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    vec![Verdict { resource: i.account(), status: best.status, reason: best.reason }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_ignore_whitespace_but_keep_every_term() {
        let item = pattern_set("CloudWatch.1").unwrap();
        assert!(matches(item, item.patterns[0]));
        let spaced = r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#;
        assert!(matches(item, spaced));
        let extra = r#"{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent" && $.sourceIPAddress != "10.0.0.1"}"#;
        assert!(!matches(item, extra));
        let missing = r#"{$.userIdentity.type="Root" && $.eventType !="AwsServiceEvent"}"#;
        assert!(!matches(item, missing));
        // A quoted value is not the same token as a bare one, and quoted whitespace counts.
        assert!(!matches(
            item,
            r#"{$.userIdentity.type=Root && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}"#
        ));
        assert!(!matches(
            item,
            r#"{$.userIdentity.type=" Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}"#
        ));
    }

    fn region_with_trail(multi: bool) -> crate::snapshot::Region {
        let mut t = TrailView::default();
        t.trail.name = Some("t".into());
        t.trail.trail_arn = Some("arn:aws:cloudtrail:us-east-1:123456789012:trail/t".into());
        t.trail.home_region = Some("us-east-1".into());
        t.trail.is_multi_region_trail = Some(multi);
        t.status.is_logging = Some(true);
        crate::snapshot::Region { name: "us-east-1".into(), trails: vec![t], ..Default::default() }
    }

    fn judge(region: &crate::snapshot::Region) -> Verdict {
        let global = crate::snapshot::Global { account: "123456789012".into(), ..Default::default() };
        let params = crate::control::Params::default();
        let input = Input { region, global: &global, era: hubsim_api::Era::Current, params: &params };
        let mut v = evaluate(&input, "CloudWatch.1");
        assert_eq!(v.len(), 1);
        v.remove(0)
    }

    #[test]
    fn each_failure_names_its_missing_link() {
        let v = judge(&crate::snapshot::Region { name: "us-east-1".into(), ..Default::default() });
        assert_eq!(
            (v.status, v.reason.as_str()),
            (Compliance::Failed, "no CloudTrail trail in us-east-1 (CLOUDTRAIL_MULTI_REGION_NOT_PRESENT)")
        );
        let v = judge(&region_with_trail(false));
        assert_eq!(v.reason, "trail t is not multi-region (CLOUDTRAIL_MULTI_REGION_NOT_PRESENT)");
        let v = judge(&region_with_trail(true));
        assert!(v.reason.starts_with("trail t has no event selectors"), "{}", v.reason);
    }

    #[test]
    fn both_cis_3_2_patterns_count() {
        let item = pattern_set("CloudWatch.3").unwrap();
        assert!(matches(item, r#"{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes")}"#));
        assert!(matches(
            item,
            r#"{($.eventName="ConsoleLogin")&&($.additionalEventData.MFAUsed!="Yes")&&($.userIdentity.type="IAMUser")&&($.responseElements.ConsoleLogin="Success")}"#
        ));
        assert!(!matches(item, r#"{($.eventName="ConsoleLogin")}"#));
    }

    #[test]
    fn every_control_has_its_item_and_the_items_differ() {
        for c in CONTROLS {
            assert!(pattern_set(c.id).is_some(), "{}", c.id);
            // Security Hub's own checks: an empty evaluation (outside the trail's home region)
            // is No data in every era, not an account-level PASSED (see `evaluate`).
            assert!(c.config_rule.is_none(), "{}", c.id);
        }
        for (a, x) in ITEMS {
            for (b, y) in ITEMS {
                let same_check = (*a == "IAM.20" || *a == "CloudWatch.1") && (*b == "IAM.20" || *b == "CloudWatch.1");
                if a != b && !same_check {
                    assert!(!matches(x, y.patterns[0]), "{a} matches {b}'s pattern");
                }
            }
        }
    }
}
