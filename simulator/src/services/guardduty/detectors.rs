//! Detectors: CreateDetector, GetDetector, UpdateDetector, DeleteDetector, ListDetectors,
//! ListTagsForResource.
//!
//! The protection plans of a new detector follow CreateDetector's API reference
//! (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateDetector.html): "When you
//! don't specify any features, with an exception to RUNTIME_MONITORING, all the optional
//! features are enabled by default", and a feature left out of a request that names others is
//! enabled too. So S3, EKS audit logs, EBS malware protection, RDS and Lambda start `ENABLED`
//! (plus the foundational CloudTrail, DNS and VPC flow logs), and `RUNTIME_MONITORING` starts
//! `DISABLED`. hubsim reads `EKS_RUNTIME_MONITORING`, the plan `RUNTIME_MONITORING` replaced,
//! as covered by the same exception [I]: it starts `DISABLED` too (were it on by default, a
//! later request enabling `RUNTIME_MONITORING` would run both, which the same page calls an
//! error). Additional configurations start `DISABLED`. `DataSources` (deprecated) and
//! `Features` then change what the request names; naming both `EKS_RUNTIME_MONITORING` and
//! `RUNTIME_MONITORING` in one request is refused ("Specifying both ... will cause an error").

use hubsim_model::{guardduty, Timestamp};

use super::limits::TAGS_PER_RESOURCE;
use super::{bad_request, detector, detector_by_id, invalid_input, not_owned, Detector};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<guardduty::CreateDetector>()
        .add::<guardduty::GetDetector>()
        .add::<guardduty::UpdateDetector>()
        .add::<guardduty::DeleteDetector>()
        .add::<guardduty::ListDetectors>()
        .add::<guardduty::ListTagsForResource>();
}

const ENABLED: &str = "ENABLED";
const DISABLED: &str = "DISABLED";

/// Every detector feature in GuardDuty's order, with the additional configurations it takes.
/// The first three are the foundational sources, always on and not configurable.
const FEATURES: &[(&str, &[&str])] = &[
    ("FLOW_LOGS", &[]),
    ("CLOUD_TRAIL", &[]),
    ("DNS_LOGS", &[]),
    ("S3_DATA_EVENTS", &[]),
    ("EKS_AUDIT_LOGS", &[]),
    ("EBS_MALWARE_PROTECTION", &[]),
    ("RDS_LOGIN_EVENTS", &[]),
    ("LAMBDA_NETWORK_LOGS", &[]),
    ("EKS_RUNTIME_MONITORING", &["EKS_ADDON_MANAGEMENT"]),
    ("RUNTIME_MONITORING", &["EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"]),
];
const FOUNDATIONAL: &[&str] = &["FLOW_LOGS", "CLOUD_TRAIL", "DNS_LOGS"];
/// The optional plans a new detector leaves off (see the module note).
const OFF_BY_DEFAULT: &[&str] = &["EKS_RUNTIME_MONITORING", "RUNTIME_MONITORING"];
/// The two runtime plans one request may not both name.
const RUNTIME_PLANS: [&str; 2] = ["EKS_RUNTIME_MONITORING", "RUNTIME_MONITORING"];

fn service_role(account: &str) -> String {
    format!("arn:aws:iam::{account}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty")
}

fn malware_service_role(account: &str) -> String {
    format!(
        "arn:aws:iam::{account}:role/aws-service-role/malware-protection.guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDutyMalwareProtection"
    )
}

/// The features of a new detector (see the module note for the defaults).
fn default_features(now: Timestamp) -> Vec<guardduty::DetectorFeatureConfigurationResult> {
    FEATURES
        .iter()
        .map(|(name, additional)| guardduty::DetectorFeatureConfigurationResult {
            name: Some((*name).into()),
            status: Some(if OFF_BY_DEFAULT.contains(name) { DISABLED } else { ENABLED }.into()),
            updated_at: Some(now),
            additional_configuration: (!additional.is_empty()).then(|| {
                additional
                    .iter()
                    .map(|a| guardduty::DetectorAdditionalConfigurationResult {
                        name: Some((*a).into()),
                        status: Some(DISABLED.into()),
                        updated_at: Some(now),
                    })
                    .collect()
            }),
        })
        .collect()
}

/// One requested feature change: name, status, and additional configurations.
struct Change {
    name: String,
    status: String,
    additional: Vec<(String, String)>,
}

fn status_of(enable: bool) -> String {
    if enable { ENABLED } else { DISABLED }.to_string()
}

/// Validates the requested `DataSources` (legacy) and `Features` and turns them into feature
/// changes, data sources first so that features win.
fn requested_changes(
    data_sources: Option<guardduty::DataSourceConfigurations>,
    features: Option<Vec<guardduty::DetectorFeatureConfiguration>>,
) -> Result<Vec<Change>, AwsError> {
    let mut changes = Vec::new();
    if let Some(ds) = data_sources {
        if let Some(s3) = ds.s3_logs {
            changes.push(Change { name: "S3_DATA_EVENTS".into(), status: status_of(s3.enable), additional: vec![] });
        }
        if let Some(k8s) = ds.kubernetes {
            changes.push(Change {
                name: "EKS_AUDIT_LOGS".into(),
                status: status_of(k8s.audit_logs.enable),
                additional: vec![],
            });
        }
        if let Some(ebs) =
            ds.malware_protection.and_then(|m| m.scan_ec2_instance_with_findings).and_then(|s| s.ebs_volumes)
        {
            changes.push(Change { name: "EBS_MALWARE_PROTECTION".into(), status: status_of(ebs), additional: vec![] });
        }
    }
    let mut seen: Vec<String> = Vec::new();
    for f in features.unwrap_or_default() {
        let name = f.name.ok_or_else(invalid_input)?;
        let allowed = FEATURES
            .iter()
            .find(|(n, _)| *n == name && !FOUNDATIONAL.contains(n))
            .map(|(_, a)| *a)
            .ok_or_else(invalid_input)?;
        if seen.contains(&name) {
            return Err(invalid_input());
        }
        seen.push(name.clone());
        let status = f.status.filter(|s| s == ENABLED || s == DISABLED).ok_or_else(invalid_input)?;
        let mut additional = Vec::new();
        for a in f.additional_configuration.unwrap_or_default() {
            let a_name = a.name.filter(|n| allowed.contains(&n.as_str())).ok_or_else(invalid_input)?;
            let a_status = a.status.filter(|s| s == ENABLED || s == DISABLED).ok_or_else(invalid_input)?;
            additional.push((a_name, a_status));
        }
        changes.push(Change { name, status, additional });
    }
    if RUNTIME_PLANS.iter().all(|p| seen.iter().any(|s| s == p)) {
        return Err(bad_request(
            "The request is rejected because it specifies both EKS_RUNTIME_MONITORING and RUNTIME_MONITORING; \
             specify only one of them.",
        ));
    }
    Ok(changes)
}

fn apply(features: &mut [guardduty::DetectorFeatureConfigurationResult], changes: Vec<Change>, now: Timestamp) {
    for change in changes {
        let Some(f) = features.iter_mut().find(|f| f.name.as_deref() == Some(change.name.as_str())) else {
            continue;
        };
        f.status = Some(change.status);
        f.updated_at = Some(now);
        for (name, status) in change.additional {
            if let Some(a) =
                f.additional_configuration.iter_mut().flatten().find(|a| a.name.as_deref() == Some(name.as_str()))
            {
                a.status = Some(status);
                a.updated_at = Some(now);
            }
        }
    }
}

/// The legacy `DataSources` view of a detector's features.
fn data_sources(d: &Detector, account: &str) -> guardduty::DataSourceConfigurationsResult {
    let status = |name: &str| super::feature_status(d, name).unwrap_or(DISABLED).to_string();
    guardduty::DataSourceConfigurationsResult {
        cloud_trail: guardduty::CloudTrailConfigurationResult { status: status("CLOUD_TRAIL") },
        dns_logs: guardduty::DNSLogsConfigurationResult { status: status("DNS_LOGS") },
        flow_logs: guardduty::FlowLogsConfigurationResult { status: status("FLOW_LOGS") },
        s3_logs: guardduty::S3LogsConfigurationResult { status: status("S3_DATA_EVENTS") },
        kubernetes: Some(guardduty::KubernetesConfigurationResult {
            audit_logs: guardduty::KubernetesAuditLogsConfigurationResult { status: status("EKS_AUDIT_LOGS") },
        }),
        malware_protection: Some(guardduty::MalwareProtectionConfigurationResult {
            scan_ec2_instance_with_findings: Some(guardduty::ScanEc2InstanceWithFindingsResult {
                ebs_volumes: Some(guardduty::EbsVolumesResult {
                    status: Some(status("EBS_MALWARE_PROTECTION")),
                    reason: None,
                }),
            }),
            service_role: Some(malware_service_role(account)),
        }),
    }
}

impl Handler for guardduty::CreateDetector {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: guardduty::CreateDetectorRequest,
    ) -> Result<guardduty::CreateDetectorResponse, AwsError> {
        if let Some(existing) = detector(ctx)? {
            // A retried call with the same idempotency token gets the same answer.
            if input.client_token.is_some() && existing.client_token == input.client_token {
                return Ok(guardduty::CreateDetectorResponse {
                    detector_id: Some(existing.id),
                    unprocessed_data_sources: Some(Default::default()),
                });
            }
            return Err(bad_request(
                "The request is rejected because a detector already exists for the current account.",
            ));
        }
        let tags = input.tags.unwrap_or_default();
        if tags.len() > TAGS_PER_RESOURCE {
            return Err(bad_request(format!(
                "The request is rejected because {} tags exceed the limit of {TAGS_PER_RESOURCE} tags per resource.",
                tags.len()
            )));
        }
        let changes = requested_changes(input.data_sources, input.features)?;
        let now = ctx.now();
        let mut features = default_features(now);
        apply(&mut features, changes, now);
        let id = ctx.ids().hex(32);
        let d = Detector {
            id: id.clone(),
            created: now,
            updated: now,
            enabled: input.enable,
            finding_publishing_frequency: input.finding_publishing_frequency.unwrap_or_else(|| "SIX_HOURS".into()),
            features,
            tags,
            client_token: input.client_token,
        };
        ctx.put(&id, &d)?;
        Ok(guardduty::CreateDetectorResponse {
            detector_id: Some(id),
            unprocessed_data_sources: Some(Default::default()),
        })
    }
}

impl Handler for guardduty::GetDetector {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: guardduty::GetDetectorRequest,
    ) -> Result<guardduty::GetDetectorResponse, AwsError> {
        let d = detector_by_id(ctx, &input.detector_id)?;
        Ok(guardduty::GetDetectorResponse {
            created_at: Some(d.created.to_iso8601()),
            finding_publishing_frequency: Some(d.finding_publishing_frequency.clone()),
            service_role: service_role(ctx.account()),
            status: if d.enabled { ENABLED } else { DISABLED }.into(),
            updated_at: Some(d.updated.to_iso8601()),
            data_sources: Some(data_sources(&d, ctx.account())),
            tags: Some(d.tags.clone()),
            features: Some(d.features),
        })
    }
}

impl Handler for guardduty::UpdateDetector {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: guardduty::UpdateDetectorRequest,
    ) -> Result<guardduty::UpdateDetectorResponse, AwsError> {
        let mut d = detector_by_id(ctx, &input.detector_id)?;
        let changes = requested_changes(input.data_sources, input.features)?;
        let now = ctx.now();
        if let Some(enable) = input.enable {
            d.enabled = enable;
        }
        if let Some(frequency) = input.finding_publishing_frequency {
            d.finding_publishing_frequency = frequency;
        }
        apply(&mut d.features, changes, now);
        d.updated = now;
        ctx.put(&d.id.clone(), &d)?;
        Ok(guardduty::UpdateDetectorResponse {})
    }
}

impl Handler for guardduty::DeleteDetector {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: guardduty::DeleteDetectorRequest,
    ) -> Result<guardduty::DeleteDetectorResponse, AwsError> {
        let d = detector_by_id(ctx, &input.detector_id)?;
        ctx.delete::<Detector>(&d.id)?;
        Ok(guardduty::DeleteDetectorResponse {})
    }
}

/// Parses a list token (the index of the next item); anything else is an invalid input.
pub(super) fn start_index(token: Option<&str>) -> Result<usize, AwsError> {
    match token {
        None | Some("") => Ok(0),
        Some(t) => t.parse().map_err(|_| invalid_input()),
    }
}

impl Handler for guardduty::ListDetectors {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: guardduty::ListDetectorsRequest,
    ) -> Result<guardduty::ListDetectorsResponse, AwsError> {
        let ids: Vec<String> = ctx.list::<Detector>()?.into_iter().map(|(id, _)| id).collect();
        let start = start_index(input.next_token.as_deref())?;
        let max = usize::try_from(input.max_results.unwrap_or(50).clamp(1, 50)).unwrap_or(50);
        let page: Vec<String> = ids.iter().skip(start).take(max).cloned().collect();
        let next = start + page.len();
        Ok(guardduty::ListDetectorsResponse {
            detector_ids: page,
            next_token: (next < ids.len()).then(|| next.to_string()),
        })
    }
}

impl Handler for guardduty::ListTagsForResource {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: guardduty::ListTagsForResourceRequest,
    ) -> Result<guardduty::ListTagsForResourceResponse, AwsError> {
        let arn = input.resource_arn;
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let well_formed =
            parts.len() == 6 && parts[0] == "arn" && parts[1].starts_with("aws") && parts[2] == "guardduty";
        if !well_formed {
            return Err(invalid_input());
        }
        let id = parts[5].strip_prefix("detector/").unwrap_or_default();
        let ours = parts[3] == ctx.region() && parts[4] == ctx.account() && !id.is_empty() && !id.contains('/');
        if !ours {
            return Err(not_owned());
        }
        let d = detector_by_id(ctx, id)?;
        Ok(guardduty::ListTagsForResourceResponse { tags: Some(d.tags) })
    }
}
