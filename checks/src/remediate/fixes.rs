//! One fix per API-fixable seed control (spec/controls.md §2, remediation paragraphs), each an
//! ordinary sequence of AWS calls. Fixes add, narrow or enable; they never replace what the
//! user wrote (policies get a statement appended, lifecycle and notification configurations
//! keep their rules) and remove only what the control itself demands (the default security
//! group's rules, a network ACL's world-open entries).

use hubsim_api::model::{cloudtrail, config, ec2, guardduty, iam, s3, s3control, sns};
use hubsim_api::{AwsApi, Era};
use serde_json::{json, Value};

use super::fixer::Fixer;
use super::support::{self, names};
use super::{Failed, Justification};
use crate::control::Params;
use crate::snapshot::Snapshot;

/// What a fix did.
pub enum Done {
    /// Calls were made.
    Applied,
    /// No API can fix it; here is why.
    Unfixable(Justification),
}

/// The IAM actions each fix may call (least privilege for a remediation role).
pub fn iam_actions(control: &str) -> &'static [&'static str] {
    match control {
        "CloudTrail.1" => &[
            "cloudtrail:CreateTrail",
            "cloudtrail:StartLogging",
            "cloudtrail:PutEventSelectors",
            "s3:CreateBucket",
            "s3:PutBucketPolicy",
            "kms:CreateKey",
            "kms:EnableKeyRotation",
            "kms:CreateAlias",
            "logs:CreateLogGroup",
            "iam:CreateRole",
            "iam:PutRolePolicy",
            "iam:PassRole",
        ],
        "CloudTrail.2" => &["cloudtrail:UpdateTrail", "kms:CreateKey", "kms:EnableKeyRotation", "kms:CreateAlias"],
        "CloudTrail.4" => &["cloudtrail:UpdateTrail"],
        "CloudTrail.5" => {
            &["cloudtrail:UpdateTrail", "logs:CreateLogGroup", "iam:CreateRole", "iam:PutRolePolicy", "iam:PassRole"]
        }
        "Config.1" => &[
            "iam:CreateServiceLinkedRole",
            "config:PutConfigurationRecorder",
            "config:PutDeliveryChannel",
            "config:StartConfigurationRecorder",
            "s3:CreateBucket",
            "s3:PutBucketPolicy",
        ],
        "GuardDuty.1" => &["guardduty:CreateDetector", "guardduty:UpdateDetector"],
        "EC2.2" => &["ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"],
        "EC2.6" => {
            &["ec2:CreateFlowLogs", "logs:CreateLogGroup", "iam:CreateRole", "iam:PutRolePolicy", "iam:PassRole"]
        }
        "EC2.7" => &["ec2:EnableEbsEncryptionByDefault"],
        "EC2.10" => &["ec2:CreateVpcEndpoint", "ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress"],
        "EC2.15" => &["ec2:ModifySubnetAttribute"],
        "EC2.21" => &["ec2:ReplaceNetworkAclEntry", "ec2:CreateNetworkAclEntry"],
        "IAM.7" => &["iam:UpdateAccountPasswordPolicy"],
        "S3.1" => &["s3:PutAccountPublicAccessBlock"],
        "S3.4" => &["s3:PutEncryptionConfiguration"],
        "S3.5" => &["s3:PutBucketPolicy"],
        "S3.8" => &["s3:PutBucketPublicAccessBlock"],
        "S3.9" => &["s3:PutBucketLogging", "s3:CreateBucket", "s3:PutBucketPolicy"],
        "S3.11" => &[
            "s3:PutBucketNotification",
            "sns:CreateTopic",
            "kms:CreateKey",
            "kms:EnableKeyRotation",
            "kms:CreateAlias",
        ],
        "S3.13" => &["s3:PutLifecycleConfiguration"],
        "SNS.1" => &["sns:SetTopicAttributes", "kms:CreateKey", "kms:EnableKeyRotation", "kms:CreateAlias"],
        "SNS.2" => &["sns:SetTopicAttributes", "iam:CreateRole", "iam:PutRolePolicy", "iam:PassRole"],
        _ => &[],
    }
}

/// Whether hubsim can fix `control` by API at all.
pub fn remediable(control: &str) -> bool {
    control != "IAM.6" && !iam_actions(control).is_empty()
}

fn after<'a>(resource: &'a str, marker: &str) -> &'a str {
    resource.rsplit_once(marker).map(|(_, id)| id).unwrap_or(resource)
}

/// The snapshot's view of bucket `name`.
fn bucket_view<'s>(snap: &'s Snapshot, name: &str) -> Option<&'s crate::snapshot::BucketView> {
    snap.global.buckets.iter().find(|b| b.name == name)
}

fn bucket_name(resource: &str) -> &str {
    resource.strip_prefix("arn:aws:s3:::").unwrap_or(resource)
}

/// Applies the fix for one FAILED finding.
pub fn fix<A: AwsApi>(
    f: &mut Fixer<'_, A>,
    snap: &Snapshot,
    params: &Params,
    control: &str,
    region: &str,
    resource: &str,
) -> Result<Done, Failed> {
    match control {
        "IAM.6" => Ok(Done::Unfixable(Justification::RootHardwareMfa)),
        "IAM.7" => iam_7(f, snap, params),
        "S3.1" => s3_1(f),
        "EC2.7" => {
            f.call::<ec2::EnableEbsEncryptionByDefault>(region, Default::default())?;
            Ok(Done::Applied)
        }
        "EC2.15" => ec2_15(f, snap, region, after(resource, "subnet/")),
        "EC2.2" => ec2_2(f, snap, region, after(resource, "security-group/")),
        "EC2.21" => ec2_21(f, snap, region, after(resource, "network-acl/")),
        "GuardDuty.1" => guardduty_1(f, region),
        "CloudTrail.1" => cloudtrail_1(f, snap, region),
        "CloudTrail.2" => {
            let key = support::key(f, region)?;
            f.call::<cloudtrail::UpdateTrail>(
                region,
                cloudtrail::UpdateTrailRequest {
                    name: resource.to_string(),
                    kms_key_id: Some(key),
                    ..Default::default()
                },
            )?;
            Ok(Done::Applied)
        }
        "CloudTrail.4" => {
            f.call::<cloudtrail::UpdateTrail>(
                region,
                cloudtrail::UpdateTrailRequest {
                    name: resource.to_string(),
                    enable_log_file_validation: Some(true),
                    ..Default::default()
                },
            )?;
            Ok(Done::Applied)
        }
        "CloudTrail.5" => {
            let (group, role) = trail_logs(f, region)?;
            f.call::<cloudtrail::UpdateTrail>(
                region,
                cloudtrail::UpdateTrailRequest {
                    name: resource.to_string(),
                    cloud_watch_logs_log_group_arn: Some(group),
                    cloud_watch_logs_role_arn: Some(role),
                    ..Default::default()
                },
            )?;
            Ok(Done::Applied)
        }
        "Config.1" => config_1(f, snap, params, region),
        "EC2.6" => ec2_6(f, region, after(resource, "vpc/")),
        "EC2.10" => ec2_10(f, snap, region, after(resource, "vpc/")),
        "S3.4" => {
            let rule = s3::ServerSideEncryptionRule {
                apply_server_side_encryption_by_default: Some(s3::ServerSideEncryptionByDefault {
                    sse_algorithm: "AES256".into(),
                    kms_master_key_id: None,
                }),
                bucket_key_enabled: Some(false),
                ..Default::default()
            };
            f.call::<s3::PutBucketEncryption>(
                region,
                s3::PutBucketEncryptionRequest {
                    bucket: bucket_name(resource).into(),
                    server_side_encryption_configuration: s3::ServerSideEncryptionConfiguration { rules: vec![rule] },
                    ..Default::default()
                },
            )?;
            Ok(Done::Applied)
        }
        "S3.5" => s3_5(f, snap, region, bucket_name(resource)),
        "S3.8" => {
            f.call::<s3::PutPublicAccessBlock>(
                region,
                s3::PutPublicAccessBlockRequest {
                    bucket: bucket_name(resource).into(),
                    public_access_block_configuration: s3::PublicAccessBlockConfiguration {
                        block_public_acls: Some(true),
                        ignore_public_acls: Some(true),
                        block_public_policy: Some(true),
                        restrict_public_buckets: Some(true),
                    },
                    ..Default::default()
                },
            )?;
            Ok(Done::Applied)
        }
        "S3.9" => s3_9(f, snap, region, bucket_name(resource)),
        "S3.11" => s3_11(f, snap, params, region, bucket_name(resource)),
        "S3.13" => s3_13(f, snap, params, region, bucket_name(resource)),
        "SNS.1" => {
            let key = support::key(f, region)?;
            f.call::<sns::SetTopicAttributes>(
                region,
                sns::SetTopicAttributesInput {
                    topic_arn: resource.into(),
                    attribute_name: "KmsMasterKeyId".into(),
                    attribute_value: Some(key),
                },
            )?;
            Ok(Done::Applied)
        }
        "SNS.2" => {
            let role = support::role(
                f,
                names::SNS_ROLE,
                "sns.amazonaws.com",
                &[
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:PutMetricFilter",
                    "logs:PutRetentionPolicy",
                ],
                "*",
            )?;
            for protocol in ["HTTP", "Firehose", "Lambda", "Application", "SQS"] {
                for kind in ["Success", "Failure"] {
                    f.call::<sns::SetTopicAttributes>(
                        region,
                        sns::SetTopicAttributesInput {
                            topic_arn: resource.into(),
                            attribute_name: format!("{protocol}{kind}FeedbackRoleArn"),
                            attribute_value: Some(role.clone()),
                        },
                    )?;
                }
            }
            Ok(Done::Applied)
        }
        _ => Ok(Done::Unfixable(Justification::NoFix)),
    }
}

fn iam_7<A: AwsApi>(f: &mut Fixer<'_, A>, snap: &Snapshot, params: &Params) -> Result<Done, Failed> {
    let have = snap.global.password_policy.clone().unwrap_or_default();
    let min = params.int("MinimumPasswordLength").unwrap_or(8).max(14);
    let length = i64::from(have.minimum_password_length.unwrap_or(0)).max(min);
    let reuse = i64::from(have.password_reuse_prevention.unwrap_or(0))
        .max(params.int("PasswordReusePrevention").unwrap_or(24))
        .max(24);
    let wanted_age = params.int("MaxPasswordAge").unwrap_or(90).min(90);
    let age = match have.max_password_age {
        Some(a) if a > 0 => i64::from(a).min(wanted_age),
        _ => wanted_age,
    };
    let home = f.home.clone();
    f.call::<iam::UpdateAccountPasswordPolicy>(
        &home,
        iam::UpdateAccountPasswordPolicyRequest {
            minimum_password_length: Some(length.min(128) as i32),
            require_symbols: Some(true),
            require_numbers: Some(true),
            require_uppercase_characters: Some(true),
            require_lowercase_characters: Some(true),
            allow_users_to_change_password: Some(have.allow_users_to_change_password.unwrap_or(true)),
            max_password_age: Some(age as i32),
            password_reuse_prevention: Some(reuse.min(24) as i32),
            hard_expiry: have.hard_expiry,
        },
    )?;
    Ok(Done::Applied)
}

fn s3_1<A: AwsApi>(f: &mut Fixer<'_, A>) -> Result<Done, Failed> {
    let home = f.home.clone();
    let account = f.account.clone();
    f.call::<s3control::PutPublicAccessBlock>(
        &home,
        s3control::PutPublicAccessBlockRequest {
            account_id: account,
            public_access_block_configuration: s3control::PublicAccessBlockConfiguration {
                block_public_acls: Some(true),
                ignore_public_acls: Some(true),
                block_public_policy: Some(true),
                restrict_public_buckets: Some(true),
            },
        },
    )?;
    Ok(Done::Applied)
}

fn ec2_15<A: AwsApi>(f: &mut Fixer<'_, A>, snap: &Snapshot, region: &str, subnet: &str) -> Result<Done, Failed> {
    let s = snap
        .regions
        .iter()
        .find(|r| r.name == region)
        .and_then(|r| r.subnets.iter().find(|s| s.subnet_id.as_deref() == Some(subnet)));
    let Some(s) = s else { return Ok(Done::Applied) };
    if s.map_public_ip_on_launch == Some(true) {
        f.call::<ec2::ModifySubnetAttribute>(
            region,
            ec2::ModifySubnetAttributeRequest {
                subnet_id: subnet.into(),
                map_public_ip_on_launch: Some(ec2::AttributeBooleanValue { value: Some(false) }),
                ..Default::default()
            },
        )?;
    }
    if s.assign_ipv6_address_on_creation == Some(true) {
        f.call::<ec2::ModifySubnetAttribute>(
            region,
            ec2::ModifySubnetAttributeRequest {
                subnet_id: subnet.into(),
                assign_ipv6_address_on_creation: Some(ec2::AttributeBooleanValue { value: Some(false) }),
                ..Default::default()
            },
        )?;
    }
    Ok(Done::Applied)
}

fn ec2_2<A: AwsApi>(f: &mut Fixer<'_, A>, snap: &Snapshot, region: &str, group: &str) -> Result<Done, Failed> {
    let g = snap
        .regions
        .iter()
        .find(|r| r.name == region)
        .and_then(|r| r.security_groups.iter().find(|g| g.group_id.as_deref() == Some(group)));
    let Some(g) = g else { return Ok(Done::Applied) };
    let note =
        Some("EC2.2 demands that the default security group allow no traffic: its rules are removed".to_string());
    if let Some(ingress) = g.ip_permissions.clone().filter(|p| !p.is_empty()) {
        f.call_noted::<ec2::RevokeSecurityGroupIngress>(
            region,
            ec2::RevokeSecurityGroupIngressRequest {
                group_id: Some(group.into()),
                ip_permissions: Some(ingress),
                ..Default::default()
            },
            note.clone(),
        )?;
    }
    if let Some(egress) = g.ip_permissions_egress.clone().filter(|p| !p.is_empty()) {
        f.call_noted::<ec2::RevokeSecurityGroupEgress>(
            region,
            ec2::RevokeSecurityGroupEgressRequest {
                group_id: group.into(),
                ip_permissions: Some(egress),
                ..Default::default()
            },
            note,
        )?;
    }
    Ok(Done::Applied)
}

/// Port ranges of `[from, to]` without 22 and 3389.
fn without_admin_ports(from: i32, to: i32) -> Vec<(i32, i32)> {
    let mut out = Vec::new();
    let mut start = from;
    for p in [22, 3389] {
        if p < start || p > to {
            continue;
        }
        if start < p {
            out.push((start, p - 1));
        }
        start = p + 1;
    }
    if start <= to {
        out.push((start, to));
    }
    out
}

fn ec2_21<A: AwsApi>(f: &mut Fixer<'_, A>, snap: &Snapshot, region: &str, acl: &str) -> Result<Done, Failed> {
    let n = snap
        .regions
        .iter()
        .find(|r| r.name == region)
        .and_then(|r| r.network_acls.iter().find(|n| n.network_acl_id.as_deref() == Some(acl)));
    let Some(n) = n else { return Ok(Done::Applied) };
    let entries = n.entries.clone().unwrap_or_default();
    let mut used: Vec<i32> = entries.iter().filter(|e| e.egress != Some(true)).filter_map(|e| e.rule_number).collect();
    for e in entries.iter().filter(|e| e.egress != Some(true) && e.rule_action.as_deref() == Some("allow")) {
        let v6 = e.ipv6_cidr_block.as_deref() == Some("::/0");
        let world = e.cidr_block.as_deref() == Some("0.0.0.0/0") || v6;
        let number = e.rule_number.unwrap_or(0);
        if !world || number >= 32767 {
            continue;
        }
        // The allowed (protocol, ports) that replace this entry: the same traffic minus 22 and 3389.
        let mut replacement: Vec<(String, Option<(i32, i32)>)> = Vec::new();
        match e.protocol.as_deref() {
            Some("-1") => {
                for proto in ["6", "17"] {
                    for r in without_admin_ports(0, 65535) {
                        replacement.push((proto.to_string(), Some(r)));
                    }
                }
                replacement.push((if v6 { "58".to_string() } else { "1".to_string() }, None));
            }
            Some(p @ ("6" | "17")) => {
                let (from, to) =
                    e.port_range.as_ref().map(|r| (r.from.unwrap_or(0), r.to.unwrap_or(65535))).unwrap_or((0, 65535));
                let narrowed = without_admin_ports(from, to);
                if narrowed.len() == 1 && narrowed[0] == (from, to) {
                    continue;
                }
                for r in narrowed {
                    replacement.push((p.to_string(), Some(r)));
                }
            }
            _ => continue,
        }
        let note = Some(format!(
            "EC2.21 demands that no inbound entry allow {} to ports 22 or 3389: entry {number} is narrowed, never widened",
            if v6 { "::/0" } else { "0.0.0.0/0" }
        ));
        let entry = |number: i32, proto: &str, ports: Option<(i32, i32)>| {
            (
                number,
                proto.to_string(),
                ports.map(|(a, b)| ec2::PortRange { from: Some(a), to: Some(b) }),
                (proto == "1" || proto == "58").then_some(ec2::IcmpTypeCode { code: Some(-1), type_: Some(-1) }),
            )
        };
        if replacement.is_empty() {
            // Nothing left to allow: a deny keeps the number and narrows to nothing.
            f.call_noted::<ec2::ReplaceNetworkAclEntry>(
                region,
                ec2::ReplaceNetworkAclEntryRequest {
                    network_acl_id: acl.into(),
                    rule_number: number,
                    protocol: e.protocol.clone().unwrap_or_default(),
                    rule_action: "deny".into(),
                    egress: false,
                    cidr_block: e.cidr_block.clone(),
                    ipv6_cidr_block: e.ipv6_cidr_block.clone(),
                    port_range: e.port_range.clone(),
                    ..Default::default()
                },
                note,
            )?;
            continue;
        }
        let mut numbers = vec![number];
        let mut candidate = number;
        while numbers.len() < replacement.len() {
            candidate += 1;
            if candidate > 32766 {
                break;
            }
            if !used.contains(&candidate) {
                numbers.push(candidate);
                used.push(candidate);
            }
        }
        if numbers.len() < replacement.len() {
            return Err(Failed {
                call: "ec2:CreateNetworkAclEntry".into(),
                error: hubsim_api::AwsError::bad_request(
                    "NetworkAclEntryLimitExceeded",
                    "no free rule numbers after the entry to narrow",
                ),
            });
        }
        for (i, (proto, ports)) in replacement.iter().enumerate() {
            let (num, proto, port_range, icmp) = entry(numbers[i], proto, *ports);
            if i == 0 {
                f.call_noted::<ec2::ReplaceNetworkAclEntry>(
                    region,
                    ec2::ReplaceNetworkAclEntryRequest {
                        network_acl_id: acl.into(),
                        rule_number: num,
                        protocol: proto,
                        rule_action: "allow".into(),
                        egress: false,
                        cidr_block: e.cidr_block.clone(),
                        ipv6_cidr_block: e.ipv6_cidr_block.clone(),
                        port_range,
                        icmp_type_code: icmp,
                        ..Default::default()
                    },
                    note.clone(),
                )?;
            } else {
                f.call::<ec2::CreateNetworkAclEntry>(
                    region,
                    ec2::CreateNetworkAclEntryRequest {
                        network_acl_id: acl.into(),
                        rule_number: num,
                        protocol: proto,
                        rule_action: "allow".into(),
                        egress: false,
                        cidr_block: e.cidr_block.clone(),
                        ipv6_cidr_block: e.ipv6_cidr_block.clone(),
                        port_range,
                        icmp_type_code: icmp,
                        ..Default::default()
                    },
                )?;
            }
        }
    }
    Ok(Done::Applied)
}

fn guardduty_1<A: AwsApi>(f: &mut Fixer<'_, A>, region: &str) -> Result<Done, Failed> {
    let ids = f
        .read::<guardduty::ListDetectors>(region, Default::default())
        .map_err(|e| Failed { call: "guardduty:ListDetectors".into(), error: e })?
        .detector_ids;
    match ids.first() {
        Some(id) => {
            f.call::<guardduty::UpdateDetector>(
                region,
                guardduty::UpdateDetectorRequest { detector_id: id.clone(), enable: Some(true), ..Default::default() },
            )?;
        }
        None => {
            f.call::<guardduty::CreateDetector>(
                region,
                guardduty::CreateDetectorRequest { enable: true, ..Default::default() },
            )?;
        }
    }
    Ok(Done::Applied)
}

/// CloudTrail's log group and role in the trail's region.
fn trail_logs<A: AwsApi>(f: &mut Fixer<'_, A>, region: &str) -> Result<(String, String), Failed> {
    let group = support::log_group(f, region, names::TRAIL_LOG_GROUP)?;
    let resource = format!("arn:aws:logs:{region}:{}:log-group:{}:*", f.account, names::TRAIL_LOG_GROUP);
    let role = support::role(
        f,
        names::TRAIL_ROLE,
        "cloudtrail.amazonaws.com",
        &["logs:CreateLogStream", "logs:PutLogEvents"],
        &resource,
    )?;
    Ok((group, role))
}

fn cloudtrail_1<A: AwsApi>(f: &mut Fixer<'_, A>, snap: &Snapshot, region: &str) -> Result<Done, Failed> {
    let here = snap.regions.iter().find(|r| r.name == region);
    let multi: Vec<_> = here
        .map(|r| r.trails.iter().filter(|t| t.trail.is_multi_region_trail == Some(true)).collect())
        .unwrap_or_default();
    if let Some(t) = multi.first() {
        let arn = t.trail.trail_arn.clone().unwrap_or_default();
        let home = t.trail.home_region.clone().unwrap_or_else(|| region.to_string());
        if t.status.is_logging != Some(true) {
            f.call::<cloudtrail::StartLogging>(&home, cloudtrail::StartLoggingRequest { name: arn.clone() })?;
        }
        let basic = t.selectors.event_selectors.clone().unwrap_or_default();
        let advanced = t.selectors.advanced_event_selectors.clone().unwrap_or_default();
        if !advanced.is_empty() {
            let mut selectors = advanced;
            let management = selectors.iter().any(|s| {
                s.field_selectors.iter().any(|fs| {
                    fs.field == "eventCategory"
                        && fs.equals.as_ref().is_some_and(|e| e.contains(&"Management".to_string()))
                }) && !s.field_selectors.iter().any(|fs| fs.field == "readOnly" || fs.field == "eventSource")
            });
            if !management {
                selectors.push(cloudtrail::AdvancedEventSelector {
                    name: Some("hubsim: all management events".into()),
                    field_selectors: vec![cloudtrail::AdvancedFieldSelector {
                        field: "eventCategory".into(),
                        equals: Some(vec!["Management".into()]),
                        ..Default::default()
                    }],
                });
                f.call::<cloudtrail::PutEventSelectors>(
                    &home,
                    cloudtrail::PutEventSelectorsRequest {
                        trail_name: arn,
                        advanced_event_selectors: Some(selectors),
                        ..Default::default()
                    },
                )?;
            }
        } else {
            let ok = basic.iter().any(|s| {
                s.include_management_events.unwrap_or(true)
                    && s.read_write_type.as_deref().unwrap_or("All") == "All"
                    && s.exclude_management_event_sources.as_ref().is_none_or(|x| x.is_empty())
            });
            if !ok {
                let mut selectors = basic;
                match selectors.first_mut() {
                    Some(first) => {
                        first.include_management_events = Some(true);
                        first.read_write_type = Some("All".into());
                        first.exclude_management_event_sources = Some(Vec::new());
                    }
                    None => selectors.push(cloudtrail::EventSelector {
                        read_write_type: Some("All".into()),
                        include_management_events: Some(true),
                        ..Default::default()
                    }),
                }
                f.call::<cloudtrail::PutEventSelectors>(
                    &home,
                    cloudtrail::PutEventSelectorsRequest {
                        trail_name: arn,
                        event_selectors: Some(selectors),
                        ..Default::default()
                    },
                )?;
            }
        }
        return Ok(Done::Applied);
    }
    // No multi-region trail: create hubsim's, configured for CloudTrail.2/4/5 from the start.
    let home = f.home.clone();
    let bucket = support::trail_bucket(f)?;
    let key = support::key(f, &home)?;
    let (group, role) = trail_logs(f, &home)?;
    let created = f.call::<cloudtrail::CreateTrail>(
        &home,
        cloudtrail::CreateTrailRequest {
            name: names::TRAIL.into(),
            s3_bucket_name: bucket,
            is_multi_region_trail: Some(true),
            include_global_service_events: Some(true),
            enable_log_file_validation: Some(true),
            kms_key_id: Some(key),
            cloud_watch_logs_log_group_arn: Some(group),
            cloud_watch_logs_role_arn: Some(role),
            ..Default::default()
        },
    )?;
    let name = created.trail_arn.unwrap_or_else(|| names::TRAIL.to_string());
    f.call::<cloudtrail::StartLogging>(&home, cloudtrail::StartLoggingRequest { name })?;
    Ok(Done::Applied)
}

fn config_1<A: AwsApi>(f: &mut Fixer<'_, A>, snap: &Snapshot, params: &Params, region: &str) -> Result<Done, Failed> {
    let home = f.home.clone();
    let slr = format!("arn:aws:iam::{}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig", f.account);
    if f.read::<iam::GetRole>(&home, iam::GetRoleRequest { role_name: "AWSServiceRoleForConfig".into() }).is_err() {
        f.call::<iam::CreateServiceLinkedRole>(
            &home,
            iam::CreateServiceLinkedRoleRequest {
                aws_service_name: "config.amazonaws.com".into(),
                ..Default::default()
            },
        )?;
    }
    let here = snap.regions.iter().find(|r| r.name == region);
    let recorder = here.and_then(|r| r.recorders.first()).cloned();
    let name = recorder.as_ref().and_then(|r| r.name.clone()).unwrap_or_else(|| "default".into());
    let need_slr = f.era == Era::Current && params.bool("includeConfigServiceLinkedRoleCheck", true);
    let group = recorder.as_ref().and_then(|r| r.recording_group.clone()).unwrap_or_default();
    let role = match &recorder {
        Some(r) if !need_slr => r.role_arn.clone().unwrap_or_else(|| slr.clone()),
        _ => slr.clone(),
    };
    let good = recorder.is_some()
        && group.all_supported == Some(true)
        && group.include_global_resource_types == Some(true)
        && recorder.as_ref().and_then(|r| r.role_arn.clone()) == Some(role.clone());
    if !good {
        f.call::<config::PutConfigurationRecorder>(
            region,
            config::PutConfigurationRecorderRequest {
                configuration_recorder: config::ConfigurationRecorder {
                    name: Some(name.clone()),
                    role_arn: Some(role),
                    recording_group: Some(config::RecordingGroup {
                        all_supported: Some(true),
                        include_global_resource_types: Some(true),
                        ..Default::default()
                    }),
                    recording_mode: recorder.as_ref().and_then(|r| r.recording_mode.clone()),
                    ..Default::default()
                },
                ..Default::default()
            },
        )?;
    }
    let channels = f
        .read::<config::DescribeDeliveryChannels>(region, Default::default())
        .map_err(|e| Failed { call: "config:DescribeDeliveryChannels".into(), error: e })?
        .delivery_channels
        .unwrap_or_default();
    if channels.is_empty() {
        let bucket = support::config_bucket(f, region)?;
        f.call::<config::PutDeliveryChannel>(
            region,
            config::PutDeliveryChannelRequest {
                delivery_channel: config::DeliveryChannel {
                    name: Some("default".into()),
                    s3_bucket_name: Some(bucket),
                    ..Default::default()
                },
            },
        )?;
    }
    let recording = here.is_some_and(|r| {
        r.recorder_status.iter().any(|s| s.name.as_deref() == Some(&name) && s.recording == Some(true))
    });
    if !recording {
        f.call::<config::StartConfigurationRecorder>(
            region,
            config::StartConfigurationRecorderRequest { configuration_recorder_name: name },
        )?;
    }
    Ok(Done::Applied)
}

fn ec2_6<A: AwsApi>(f: &mut Fixer<'_, A>, region: &str, vpc: &str) -> Result<Done, Failed> {
    let group = support::log_group(f, region, names::FLOW_LOG_GROUP)?;
    let role = support::role(
        f,
        names::FLOW_ROLE,
        "vpc-flow-logs.amazonaws.com",
        &[
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "logs:DescribeLogGroups",
            "logs:DescribeLogStreams",
        ],
        "*",
    )?;
    let _ = group;
    let out = f.call::<ec2::CreateFlowLogs>(
        region,
        ec2::CreateFlowLogsRequest {
            resource_ids: vec![vpc.into()],
            resource_type: "VPC".into(),
            traffic_type: Some("REJECT".into()),
            log_destination_type: Some("cloud-watch-logs".into()),
            log_group_name: Some(names::FLOW_LOG_GROUP.into()),
            deliver_logs_permission_arn: Some(role),
            ..Default::default()
        },
    )?;
    if let Some(u) = out.unsuccessful.as_ref().and_then(|u| u.first()) {
        let err = u.error.clone().unwrap_or_default();
        return Err(Failed {
            call: "ec2:CreateFlowLogs".into(),
            error: hubsim_api::AwsError::bad_request(err.code.unwrap_or_default(), err.message.unwrap_or_default()),
        });
    }
    Ok(Done::Applied)
}

fn ec2_10<A: AwsApi>(f: &mut Fixer<'_, A>, snap: &Snapshot, region: &str, vpc: &str) -> Result<Done, Failed> {
    let here = snap.regions.iter().find(|r| r.name == region);
    let cidr = here
        .and_then(|r| r.vpcs.iter().find(|v| v.vpc_id.as_deref() == Some(vpc)))
        .and_then(|v| v.cidr_block.clone())
        .unwrap_or_default();
    let mut subnets: Vec<(String, String)> = here
        .map(|r| {
            r.subnets
                .iter()
                .filter(|s| s.vpc_id.as_deref() == Some(vpc))
                .map(|s| (s.availability_zone.clone().unwrap_or_default(), s.subnet_id.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    subnets.sort();
    subnets.dedup_by(|a, b| a.0 == b.0);
    let group_name = "hubsim-ec2-endpoint";
    let existing = here
        .and_then(|r| {
            r.security_groups
                .iter()
                .find(|g| g.vpc_id.as_deref() == Some(vpc) && g.group_name.as_deref() == Some(group_name))
        })
        .and_then(|g| g.group_id.clone());
    let group = match existing {
        Some(g) => g,
        None => {
            let g = f
                .call::<ec2::CreateSecurityGroup>(
                    region,
                    ec2::CreateSecurityGroupRequest {
                        description: "HTTPS from the VPC to the EC2 interface endpoint (hubsim, EC2.10)".into(),
                        group_name: group_name.into(),
                        vpc_id: Some(vpc.into()),
                        ..Default::default()
                    },
                )?
                .group_id
                .unwrap_or_default();
            f.call::<ec2::AuthorizeSecurityGroupIngress>(
                region,
                ec2::AuthorizeSecurityGroupIngressRequest {
                    group_id: Some(g.clone()),
                    ip_permissions: Some(vec![ec2::IpPermission {
                        ip_protocol: Some("tcp".into()),
                        from_port: Some(443),
                        to_port: Some(443),
                        ip_ranges: Some(vec![ec2::IpRange {
                            cidr_ip: Some(cidr.clone()),
                            description: Some("the VPC".into()),
                        }]),
                        ..Default::default()
                    }]),
                    ..Default::default()
                },
            )?;
            g
        }
    };
    let attr = |name: &str| -> bool {
        let out = f.read::<ec2::DescribeVpcAttribute>(
            region,
            ec2::DescribeVpcAttributeRequest { attribute: name.into(), vpc_id: vpc.into(), ..Default::default() },
        );
        out.ok()
            .map(|o| match name {
                "enableDnsSupport" => o.enable_dns_support.and_then(|v| v.value).unwrap_or(false),
                _ => o.enable_dns_hostnames.and_then(|v| v.value).unwrap_or(false),
            })
            .unwrap_or(false)
    };
    let private_dns = attr("enableDnsSupport") && attr("enableDnsHostnames");
    f.call::<ec2::CreateVpcEndpoint>(
        region,
        ec2::CreateVpcEndpointRequest {
            vpc_endpoint_type: Some("Interface".into()),
            vpc_id: vpc.into(),
            service_name: Some(format!("com.amazonaws.{region}.ec2")),
            subnet_ids: Some(subnets.into_iter().map(|(_, s)| s).collect()),
            security_group_ids: Some(vec![group]),
            private_dns_enabled: Some(private_dns),
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}

fn tls_statement(bucket: &str) -> Value {
    json!({
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    })
}

fn s3_5<A: AwsApi>(f: &mut Fixer<'_, A>, snap: &Snapshot, region: &str, bucket: &str) -> Result<Done, Failed> {
    let existing = bucket_view(snap, bucket).and_then(|b| b.policy.clone());
    let mut doc: Value = match &existing {
        Some(text) => serde_json::from_str(text).unwrap_or_else(|_| json!({"Version": "2012-10-17", "Statement": []})),
        None => json!({"Version": "2012-10-17", "Statement": []}),
    };
    let mut statements = match doc.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(obj @ Value::Object(_)) => vec![obj.clone()],
        _ => Vec::new(),
    };
    let mut tls = tls_statement(bucket);
    // Sids must be unique within a policy (S3 refuses a policy that repeats one).
    let taken = |sid: &str| statements.iter().any(|s| s.get("Sid").and_then(Value::as_str) == Some(sid));
    if taken("DenyInsecureTransport") {
        let mut sid = "HubsimDenyInsecureTransport".to_string();
        let mut n = 1;
        while taken(&sid) {
            n += 1;
            sid = format!("HubsimDenyInsecureTransport{n}");
        }
        tls["Sid"] = json!(sid);
    }
    statements.push(tls);
    if let Value::Object(map) = &mut doc {
        map.insert("Statement".into(), Value::Array(statements));
        map.entry("Version").or_insert(json!("2012-10-17"));
    }
    f.call::<s3::PutBucketPolicy>(
        region,
        s3::PutBucketPolicyRequest { bucket: bucket.into(), policy: doc.to_string(), ..Default::default() },
    )?;
    Ok(Done::Applied)
}

fn s3_9<A: AwsApi>(f: &mut Fixer<'_, A>, snap: &Snapshot, region: &str, bucket: &str) -> Result<Done, Failed> {
    let sources: Vec<String> = snap
        .global
        .buckets
        .iter()
        .filter(|b| b.name != bucket && b.logging.as_ref().is_some_and(|l| l.target_bucket == bucket))
        .map(|b| b.name.clone())
        .collect();
    let sink = support::names::access_logs(&f.account, region);
    if !sources.is_empty() || bucket == sink {
        return Ok(Done::Unfixable(Justification::LogSink { bucket: bucket.to_string(), sources }));
    }
    let target = support::access_log_bucket(f, region)?;
    f.call::<s3::PutBucketLogging>(
        region,
        s3::PutBucketLoggingRequest {
            bucket: bucket.into(),
            bucket_logging_status: s3::BucketLoggingStatus {
                logging_enabled: Some(s3::LoggingEnabled {
                    target_bucket: target,
                    target_prefix: format!("{bucket}/"),
                    ..Default::default()
                }),
            },
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}

fn s3_11<A: AwsApi>(
    f: &mut Fixer<'_, A>,
    snap: &Snapshot,
    params: &Params,
    region: &str,
    bucket: &str,
) -> Result<Done, Failed> {
    let topic = support::topic(f, region)?;
    let mut config = bucket_view(snap, bucket).map(|b| b.notification.clone()).unwrap_or_default();
    let events = params
        .list("eventTypes")
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| vec!["s3:ObjectCreated:*".into(), "s3:ObjectRemoved:*".into()]);
    let mut topics = config.topic_configurations.take().unwrap_or_default();
    topics.retain(|t| t.id.as_deref() != Some("hubsim-security-events"));
    topics.push(s3::TopicConfiguration {
        id: Some("hubsim-security-events".into()),
        topic_arn: topic,
        events,
        filter: None,
    });
    config.topic_configurations = Some(topics);
    f.call::<s3::PutBucketNotificationConfiguration>(
        region,
        s3::PutBucketNotificationConfigurationRequest {
            bucket: bucket.into(),
            notification_configuration: config,
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}

fn s3_13<A: AwsApi>(
    f: &mut Fixer<'_, A>,
    snap: &Snapshot,
    params: &Params,
    region: &str,
    bucket: &str,
) -> Result<Done, Failed> {
    let mut rules = bucket_view(snap, bucket).and_then(|b| b.lifecycle.clone()).unwrap_or_default();
    let days = params.int("targetTransitionDays").unwrap_or(30) as i32;
    let class = params.str("targetTransitionStorageClass").unwrap_or("INTELLIGENT_TIERING").to_string();
    let mut id = "hubsim-transition".to_string();
    while rules.iter().any(|r| r.id.as_deref() == Some(id.as_str())) {
        id.push('-');
    }
    rules.push(s3::LifecycleRule {
        id: Some(id),
        status: "Enabled".into(),
        filter: Some(s3::LifecycleRuleFilter { prefix: Some(String::new()), ..Default::default() }),
        transitions: Some(vec![s3::Transition { days: Some(days), storage_class: Some(class), date: None }]),
        expiration: params
            .int("targetExpirationDays")
            .map(|d| s3::LifecycleExpiration { days: Some(d as i32), ..Default::default() }),
        abort_incomplete_multipart_upload: Some(s3::AbortIncompleteMultipartUpload { days_after_initiation: Some(7) }),
        ..Default::default()
    });
    f.call::<s3::PutBucketLifecycleConfiguration>(
        region,
        s3::PutBucketLifecycleConfigurationRequest {
            bucket: bucket.into(),
            lifecycle_configuration: Some(s3::BucketLifecycleConfiguration { rules }),
            ..Default::default()
        },
    )?;
    Ok(Done::Applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_ports_are_cut_out() {
        assert_eq!(without_admin_ports(0, 65535), vec![(0, 21), (23, 3388), (3390, 65535)]);
        assert_eq!(without_admin_ports(22, 22), vec![]);
        assert_eq!(without_admin_ports(20, 30), vec![(20, 21), (23, 30)]);
        assert_eq!(without_admin_ports(80, 80), vec![(80, 80)]);
        assert_eq!(without_admin_ports(3389, 4000), vec![(3390, 4000)]);
    }
}
