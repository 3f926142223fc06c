//! GuardDuty.5–13: the protection plans of each detector (AWS:
//! https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html; the feature
//! names are GuardDuty's, https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfiguration.html).
//!
//! Each control judges every detector of the region (`AWS::GuardDuty::Detector`), suspended ones
//! included: the Config rules read the detector's feature configuration, not its status. A
//! region without a detector has nothing for them to judge (GuardDuty.1 reports that).

use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};
use hubsim_api::model::guardduty;

/// `ENABLED`, as GuardDuty spells a feature that is on.
const ENABLED: &str = "ENABLED";

/// What one control requires of a detector.
pub(crate) struct Requirement {
    /// The control.
    pub control: &'static str,
    /// The feature, and the additional configuration that must be on with it, if any.
    /// Any one of the alternatives satisfies the control.
    pub any_of: &'static [(&'static str, Option<&'static str>)],
    /// What the plan is called in a reason.
    pub label: &'static str,
}

/// The requirement of each control, in control order.
pub(crate) const REQUIREMENTS: &[Requirement] = &[
    Requirement { control: "GuardDuty.5", any_of: &[("EKS_AUDIT_LOGS", None)], label: "EKS Audit Log Monitoring" },
    Requirement { control: "GuardDuty.6", any_of: &[("LAMBDA_NETWORK_LOGS", None)], label: "Lambda Protection" },
    Requirement {
        control: "GuardDuty.7",
        // EKS Runtime Monitoring with automated agent management; Runtime Monitoring, which
        // replaced it and covers EKS, with its EKS add-on management counts too [I].
        any_of: &[
            ("EKS_RUNTIME_MONITORING", Some("EKS_ADDON_MANAGEMENT")),
            ("RUNTIME_MONITORING", Some("EKS_ADDON_MANAGEMENT")),
        ],
        label: "EKS Runtime Monitoring with automated agent management",
    },
    Requirement {
        control: "GuardDuty.8",
        any_of: &[("EBS_MALWARE_PROTECTION", None)],
        label: "Malware Protection for EC2",
    },
    Requirement { control: "GuardDuty.9", any_of: &[("RDS_LOGIN_EVENTS", None)], label: "RDS Protection" },
    Requirement { control: "GuardDuty.10", any_of: &[("S3_DATA_EVENTS", None)], label: "S3 Protection" },
    Requirement { control: "GuardDuty.11", any_of: &[("RUNTIME_MONITORING", None)], label: "Runtime Monitoring" },
    Requirement {
        control: "GuardDuty.12",
        any_of: &[("RUNTIME_MONITORING", Some("ECS_FARGATE_AGENT_MANAGEMENT"))],
        label: "Runtime Monitoring with ECS Fargate automated agent management",
    },
    Requirement {
        control: "GuardDuty.13",
        any_of: &[("RUNTIME_MONITORING", Some("EC2_AGENT_MANAGEMENT"))],
        label: "Runtime Monitoring with EC2 automated agent management",
    },
];

const CHOICES: &str = "Every detector of the region is judged, a suspended one by its features too [I]; a region \
                       without a detector gets no finding here. GuardDuty.7 passes with EKS_RUNTIME_MONITORING or \
                       RUNTIME_MONITORING (which replaced it and covers EKS) enabled with EKS_ADDON_MANAGEMENT [I]. \
                       GuardDuty.12/13 need RUNTIME_MONITORING on and its ECS_FARGATE_AGENT_MANAGEMENT / \
                       EC2_AGENT_MANAGEMENT on.";

macro_rules! feature_control {
    ($id:literal, $rule:literal, $index:literal) => {
        Control {
            id: $id,
            resource_type: "AWS::GuardDuty::Detector",
            schedule: Schedule::Periodic,
            config_rule: Some($rule),
            parameters: &[],
            choices: CHOICES,
            evaluate: |i| judge(i, &REQUIREMENTS[$index]),
        }
    };
}

pub(super) const CONTROLS: &[Control] = &[
    feature_control!("GuardDuty.5", "guardduty-eks-protection-audit-enabled", 0),
    feature_control!("GuardDuty.6", "guardduty-lambda-protection-enabled", 1),
    feature_control!("GuardDuty.7", "guardduty-eks-protection-runtime-enabled", 2),
    feature_control!("GuardDuty.8", "guardduty-malware-protection-enabled", 3),
    feature_control!("GuardDuty.9", "guardduty-rds-protection-enabled", 4),
    feature_control!("GuardDuty.10", "guardduty-s3-protection-enabled", 5),
    feature_control!("GuardDuty.11", "guardduty-runtime-monitoring-enabled", 6),
    feature_control!("GuardDuty.12", "guardduty-ecs-protection-runtime-enabled", 7),
    feature_control!("GuardDuty.13", "guardduty-ec2-protection-runtime-enabled", 8),
];

/// Whether feature `name` of `d` is on, with `additional` on too when named.
pub(crate) fn feature_on(d: &guardduty::GetDetectorResponse, name: &str, additional: Option<&str>) -> bool {
    let Some(f) = d.features.iter().flatten().find(|f| f.name.as_deref() == Some(name)) else {
        return false;
    };
    let on = f.status.as_deref() == Some(ENABLED);
    match additional {
        None => on,
        Some(a) => {
            on && f
                .additional_configuration
                .iter()
                .flatten()
                .any(|c| c.name.as_deref() == Some(a) && c.status.as_deref() == Some(ENABLED))
        }
    }
}

/// Whether detector `d` meets requirement `r`.
pub(crate) fn meets(d: &guardduty::GetDetectorResponse, r: &Requirement) -> bool {
    r.any_of.iter().any(|(name, additional)| feature_on(d, name, *additional))
}

fn judge(i: &Input<'_>, r: &Requirement) -> Vec<Verdict> {
    let region = &i.region.name;
    i.region
        .detectors
        .iter()
        .map(|(id, d)| {
            let arn = format!("arn:aws:guardduty:{region}:{}:detector/{id}", i.global.account);
            Verdict::check(
                ResourceRef { id: arn, kind: "AwsGuardDutyDetector" },
                meets(d, r),
                format!("GuardDuty detector {id} in {region} has {} enabled", r.label),
                format!("GuardDuty detector {id} in {region} has {} disabled", r.label),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (feature, status, [(additional configuration, status)]).
    type Feature<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

    fn detector(features: &[Feature<'_>]) -> guardduty::GetDetectorResponse {
        guardduty::GetDetectorResponse {
            features: Some(
                features
                    .iter()
                    .map(|(n, s, add)| guardduty::DetectorFeatureConfigurationResult {
                        name: Some((*n).into()),
                        status: Some((*s).into()),
                        updated_at: None,
                        additional_configuration: Some(
                            add.iter()
                                .map(|(a, st)| guardduty::DetectorAdditionalConfigurationResult {
                                    name: Some((*a).into()),
                                    status: Some((*st).into()),
                                    updated_at: None,
                                })
                                .collect(),
                        ),
                    })
                    .collect(),
            ),
            ..Default::default()
        }
    }

    fn passes(id: &str, d: &guardduty::GetDetectorResponse) -> bool {
        meets(d, REQUIREMENTS.iter().find(|r| r.control == id).unwrap())
    }

    #[test]
    fn each_control_reads_its_own_feature() {
        let d = detector(&[("S3_DATA_EVENTS", "ENABLED", &[]), ("EKS_AUDIT_LOGS", "DISABLED", &[])]);
        assert!(passes("GuardDuty.10", &d));
        assert!(!passes("GuardDuty.5", &d));
        assert!(!passes("GuardDuty.6", &d), "a missing feature is off");
    }

    #[test]
    fn agent_controls_need_the_additional_configuration() {
        let plain = detector(&[("RUNTIME_MONITORING", "ENABLED", &[("EC2_AGENT_MANAGEMENT", "DISABLED")])]);
        assert!(passes("GuardDuty.11", &plain));
        assert!(!passes("GuardDuty.13", &plain));
        assert!(!passes("GuardDuty.7", &plain));
        let ec2 = detector(&[("RUNTIME_MONITORING", "ENABLED", &[("EC2_AGENT_MANAGEMENT", "ENABLED")])]);
        assert!(passes("GuardDuty.13", &ec2));
        assert!(!passes("GuardDuty.12", &ec2));
        // The additional configuration does not count while its feature is off.
        let off = detector(&[("RUNTIME_MONITORING", "DISABLED", &[("EC2_AGENT_MANAGEMENT", "ENABLED")])]);
        assert!(!passes("GuardDuty.13", &off));
    }

    #[test]
    fn eks_runtime_passes_through_either_plan() {
        let legacy = detector(&[("EKS_RUNTIME_MONITORING", "ENABLED", &[("EKS_ADDON_MANAGEMENT", "ENABLED")])]);
        assert!(passes("GuardDuty.7", &legacy));
        assert!(!passes("GuardDuty.11", &legacy));
        let new = detector(&[("RUNTIME_MONITORING", "ENABLED", &[("EKS_ADDON_MANAGEMENT", "ENABLED")])]);
        assert!(passes("GuardDuty.7", &new));
        let manual = detector(&[("EKS_RUNTIME_MONITORING", "ENABLED", &[("EKS_ADDON_MANAGEMENT", "DISABLED")])]);
        assert!(!passes("GuardDuty.7", &manual), "agent managed by hand: the rule asks for automated management");
    }

    #[test]
    fn controls_and_requirements_agree() {
        assert_eq!(CONTROLS.len(), REQUIREMENTS.len());
        for (c, r) in CONTROLS.iter().zip(REQUIREMENTS) {
            assert_eq!(c.id, r.control);
        }
    }
}
