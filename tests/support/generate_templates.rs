//! Generated GuardDuty detectors with random protection plans (GuardDuty.5–13), launch
//! templates whose versions do or do not assign public IPs and require IMDSv2, with any version
//! as the default (EC2.25, EC2.170), and Spot Fleet requests with encrypted, unencrypted or
//! unset EBS mappings (EC2.173).

use hubsim_scenario::Step;
use proptest::prelude::*;
use serde_json::{json, Value};

/// The optional plans a detector may be created with off.
const PLANS: &[&str] =
    &["S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS"];
/// Runtime Monitoring's automated agent configurations.
const AGENTS: &[&str] = &["EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"];

/// One detector.
#[derive(Debug, Clone)]
pub struct DetectorPlan {
    pub region: usize,
    pub enable: bool,
    /// Plans turned off at creation (indices into PLANS).
    pub off: Vec<usize>,
    /// A runtime plan: `false` EKS Runtime Monitoring (with its add-on flag), `true` Runtime
    /// Monitoring with one flag per agent configuration.
    pub runtime: Option<(bool, [bool; 3])>,
}

/// One launch template version: (public IP on its interface: unset/false/true, HttpTokens:
/// unset/optional/required).
pub type VersionPlan = (usize, usize);

/// One launch template.
#[derive(Debug, Clone)]
pub struct TemplatePlan {
    pub region: usize,
    pub versions: Vec<VersionPlan>,
    /// Which version is the default (modulo the number of versions).
    pub default: usize,
}

/// The sub-plan.
#[derive(Debug, Clone, Default)]
pub struct TemplatesPlan {
    pub detectors: Vec<DetectorPlan>,
    pub templates: Vec<TemplatePlan>,
    /// Spot Fleet requests: (region, Encrypted unset/false/true).
    pub fleets: Vec<(usize, usize)>,
}

/// The strategy of the sub-plan.
pub fn plan() -> impl Strategy<Value = TemplatesPlan> {
    let detector = (
        0usize..3,
        any::<bool>(),
        prop::collection::vec(0..PLANS.len(), 0..3),
        prop::option::of((any::<bool>(), any::<[bool; 3]>())),
    )
        .prop_map(|(region, enable, off, runtime)| DetectorPlan { region, enable, off, runtime });
    let template = (0usize..3, prop::collection::vec((0usize..3, 0usize..3), 1..4), 0usize..3)
        .prop_map(|(region, versions, default)| TemplatePlan { region, versions, default });
    (
        prop::collection::vec(detector, 0..3),
        prop::collection::vec(template, 0..3),
        prop::collection::vec((0usize..3, 0usize..3), 0..3),
    )
        .prop_map(|(detectors, templates, fleets)| TemplatesPlan { detectors, templates, fleets })
}

fn step(call: &str, region: &str, input: Value, capture: Option<String>, error: Option<&str>) -> Step {
    Step {
        call: call.into(),
        region: Some(region.into()),
        input,
        capture,
        expect_error: error.map(str::to_string),
        note: None,
    }
}

fn version_data((public, tokens): VersionPlan) -> Value {
    let mut data = json!({"ImageId": "ami-12345678"});
    if public > 0 {
        data["NetworkInterfaces"] = json!([{"DeviceIndex": 0, "AssociatePublicIpAddress": public == 2}]);
    }
    if tokens > 0 {
        data["MetadataOptions"] = json!({"HttpTokens": if tokens == 2 { "required" } else { "optional" }});
    }
    data
}

impl TemplatesPlan {
    /// The steps, given the account's regions; a second detector in a region is refused as
    /// GuardDuty refuses it.
    pub fn steps(&self, regions: &[String], account: &str) -> Vec<Step> {
        let region = |i: usize| regions[i % regions.len()].clone();
        let mut out = Vec::new();
        let mut with_detector: Vec<String> = Vec::new();
        for d in &self.detectors {
            let r = region(d.region);
            let mut features: Vec<Value> = Vec::new();
            for &i in &d.off {
                let f = json!({"Name": PLANS[i], "Status": "DISABLED"});
                if !features.contains(&f) {
                    features.push(f);
                }
            }
            if let Some((runtime, flags)) = d.runtime {
                let (name, agents) =
                    if runtime { ("RUNTIME_MONITORING", AGENTS) } else { ("EKS_RUNTIME_MONITORING", &AGENTS[..1]) };
                let additional: Vec<Value> = agents
                    .iter()
                    .zip(flags)
                    .map(|(a, on)| json!({"Name": a, "Status": if on { "ENABLED" } else { "DISABLED" }}))
                    .collect();
                features.push(json!({"Name": name, "Status": "ENABLED", "AdditionalConfiguration": additional}));
            }
            let error = with_detector.contains(&r).then_some("BadRequestException");
            out.push(step(
                "guardduty:CreateDetector",
                &r,
                json!({"Enable": d.enable, "Features": features}),
                None,
                error,
            ));
            with_detector.push(r);
        }
        for (i, t) in self.templates.iter().enumerate() {
            let r = region(t.region);
            let cap = format!("gen_lt{i}");
            let first = t.versions.first().copied().unwrap_or((0, 0));
            out.push(step(
                "ec2:CreateLaunchTemplate",
                &r,
                json!({"LaunchTemplateName": format!("gen-template-{i}"), "LaunchTemplateData": version_data(first)}),
                Some(cap.clone()),
                None,
            ));
            let id = format!("${{{cap}.LaunchTemplate.LaunchTemplateId}}");
            for v in t.versions.iter().skip(1) {
                out.push(step(
                    "ec2:CreateLaunchTemplateVersion",
                    &r,
                    json!({"LaunchTemplateId": id, "LaunchTemplateData": version_data(*v)}),
                    None,
                    None,
                ));
            }
            let default = t.default % t.versions.len().max(1) + 1;
            if default != 1 {
                out.push(step(
                    "ec2:ModifyLaunchTemplate",
                    &r,
                    json!({"LaunchTemplateId": id, "DefaultVersion": default.to_string()}),
                    None,
                    None,
                ));
            }
        }
        for &(r, encrypted) in &self.fleets {
            let mut ebs = json!({"VolumeSize": 8});
            if encrypted > 0 {
                ebs["Encrypted"] = json!(encrypted == 2);
            }
            let config = json!({
                "IamFleetRole": format!("arn:aws:iam::{account}:role/aws-ec2-spot-fleet-tagging-role"),
                "TargetCapacity": 1,
                "LaunchSpecifications": [{"ImageId": "ami-12345678", "InstanceType": "t3.micro",
                    "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": ebs}]}]
            });
            out.push(step("ec2:RequestSpotFleet", &region(r), json!({"SpotFleetRequestConfig": config}), None, None));
        }
        out
    }
}
