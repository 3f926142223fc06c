//! EC2.25, EC2.170 (launch templates) and EC2.173 (Spot Fleet requests) (AWS:
//! https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html; rules
//! https://docs.aws.amazon.com/config/latest/developerguide/ec2-launch-template-public-ip-disabled.html,
//! https://docs.aws.amazon.com/config/latest/developerguide/ec2-launch-template-imdsv2-check.html,
//! https://docs.aws.amazon.com/config/latest/developerguide/ec2-spot-fleet-request-ct-encryption-at-rest.html).
//!
//! Both launch template rules judge the template's default version only; a version that is not
//! the default does not count, however it is configured.

use hubsim_api::model::ec2;

use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};
use crate::snapshot::TemplateView;

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "EC2.25",
        resource_type: "AWS::EC2::LaunchTemplate",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("ec2-launch-template-public-ip-disabled"),
        parameters: &[],
        choices: "The default version fails when one of its network interfaces has AssociatePublicIpAddress true \
                  (the rule's words); an interface that leaves it unset passes even in a subnet that maps public \
                  IPs [I]: the rule reads the template, not the subnet.",
        evaluate: ec2_25,
    },
    Control {
        id: "EC2.170",
        resource_type: "AWS::EC2::LaunchTemplate",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("ec2-launch-template-imdsv2-check"),
        parameters: &[],
        choices: "The default version passes only with MetadataOptions.HttpTokens = required: the rule fails a \
                  template whose metadata version \"is not specified as V2\", so HttpTokens optional and no \
                  MetadataOptions at all both fail.",
        evaluate: ec2_170,
    },
    Control {
        id: "EC2.173",
        resource_type: "AWS::EC2::SpotFleet",
        schedule: Schedule::ChangeTriggered,
        config_rule: Some("ec2-spot-fleet-request-ct-encryption-at-rest"),
        parameters: &[],
        choices: "Requests made with launch specifications are judged, those made with launch templates get no \
                  finding (the rule does not evaluate them). An EBS mapping fails unless Encrypted is true: the \
                  control fails a request that \"doesn't enable encryption\" for a volume, so an unset Encrypted \
                  fails too [I] whatever the account's EBS encryption by default. A request with no EBS mapping \
                  passes. Cancelled requests are gone for AWS Config and get no finding.",
        evaluate: ec2_173,
    },
];

/// The ARN of a launch template.
pub(crate) fn template_arn(i: &Input<'_>, id: &str) -> ResourceRef {
    ResourceRef {
        id: super::ec2_arn(&i.region.name, &i.global.account, "launch-template", id),
        kind: "AwsEc2LaunchTemplate",
    }
}

/// The device indexes of the network interfaces of `data` that ask for a public IP.
pub(crate) fn public_ip_interfaces(data: &ec2::ResponseLaunchTemplateData) -> Vec<i32> {
    data.network_interfaces
        .iter()
        .flatten()
        .filter(|n| n.associate_public_ip_address == Some(true))
        .map(|n| n.device_index.unwrap_or(0))
        .collect()
}

/// Whether `data` requires IMDSv2.
pub(crate) fn requires_imdsv2(data: &ec2::ResponseLaunchTemplateData) -> bool {
    data.metadata_options.as_ref().and_then(|m| m.http_tokens.as_deref()) == Some("required")
}

fn default_label(t: &TemplateView) -> String {
    let n = t.template.default_version_number.unwrap_or(1);
    format!("launch template {} default version {n}", t.id())
}

fn ec2_25(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .ec2_templates
        .templates
        .iter()
        .map(|t| {
            let public = public_ip_interfaces(&t.data());
            let list = public.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
            Verdict::check(
                template_arn(i, t.id()),
                public.is_empty(),
                format!("{} assigns no public IP to its network interfaces", default_label(t)),
                format!(
                    "{} sets AssociatePublicIpAddress on network interface(s) at device index {list}",
                    default_label(t)
                ),
            )
        })
        .collect()
}

fn ec2_170(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .ec2_templates
        .templates
        .iter()
        .map(|t| {
            let data = t.data();
            let tokens = data.metadata_options.as_ref().and_then(|m| m.http_tokens.clone());
            Verdict::check(
                template_arn(i, t.id()),
                requires_imdsv2(&data),
                format!("{} requires IMDSv2 (HttpTokens required)", default_label(t)),
                match tokens {
                    Some(v) => format!("{} has HttpTokens {v}: IMDSv1 stays available", default_label(t)),
                    None => format!("{} does not set HttpTokens to required", default_label(t)),
                },
            )
        })
        .collect()
}

/// The unencrypted EBS mappings of a Spot Fleet request made with launch specifications, as
/// `spec N device`; `None` for a request made with launch templates (not judged).
pub(crate) fn unencrypted_mappings(f: &ec2::SpotFleetRequestConfig) -> Option<Vec<String>> {
    let config = f.spot_fleet_request_config.as_ref()?;
    let specs = config.launch_specifications.as_deref().filter(|s| !s.is_empty())?;
    let mut out = Vec::new();
    for (n, s) in specs.iter().enumerate() {
        for b in s.block_device_mappings.iter().flatten() {
            if b.ebs.as_ref().is_some_and(|e| e.encrypted != Some(true)) {
                out.push(format!("launch specification {} {}", n + 1, b.device_name.as_deref().unwrap_or("?")));
            }
        }
    }
    Some(out)
}

fn ec2_173(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .ec2_templates
        .spot_fleets
        .iter()
        .filter_map(|f| {
            let id = f.spot_fleet_request_id.clone().unwrap_or_default();
            let bad = unencrypted_mappings(f)?;
            let arn = super::ec2_arn(&i.region.name, &i.global.account, "spot-fleet-request", &id);
            // ASFF has no resource type of its own for a Spot Fleet request [U].
            Some(Verdict::check(
                ResourceRef { id: arn, kind: "Other" },
                bad.is_empty(),
                format!("Spot Fleet request {id} encrypts every EBS volume it attaches"),
                format!("Spot Fleet request {id} does not enable encryption for EBS volume(s): {}", bad.join(", ")),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(v: serde_json::Value) -> ec2::ResponseLaunchTemplateData {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn public_ip_is_read_per_interface() {
        let d = data(serde_json::json!({"NetworkInterfaces": [
            {"DeviceIndex": 0, "AssociatePublicIpAddress": false},
            {"DeviceIndex": 1, "AssociatePublicIpAddress": true}]}));
        assert_eq!(public_ip_interfaces(&d), [1]);
        assert!(public_ip_interfaces(&data(serde_json::json!({"NetworkInterfaces": [{"DeviceIndex": 0}]}))).is_empty());
    }

    #[test]
    fn imdsv2_needs_required_tokens() {
        assert!(requires_imdsv2(&data(serde_json::json!({"MetadataOptions": {"HttpTokens": "required"}}))));
        assert!(!requires_imdsv2(&data(serde_json::json!({"MetadataOptions": {"HttpTokens": "optional"}}))));
        assert!(!requires_imdsv2(&data(serde_json::json!({"MetadataOptions": {"HttpEndpoint": "enabled"}}))));
        assert!(!requires_imdsv2(&data(serde_json::json!({}))));
    }

    #[test]
    fn spot_fleet_mappings() {
        let fleet = |v: serde_json::Value| -> ec2::SpotFleetRequestConfig {
            serde_json::from_value(serde_json::json!({"SpotFleetRequestConfig": v})).unwrap()
        };
        let specs = |ebs: serde_json::Value| {
            serde_json::json!({"IamFleetRole": "r", "TargetCapacity": 1, "LaunchSpecifications": [{"BlockDeviceMappings": [
                {"DeviceName": "/dev/sdb", "VirtualName": "ephemeral0"},
                {"DeviceName": "/dev/xvda", "Ebs": ebs}]}]})
        };
        assert_eq!(unencrypted_mappings(&fleet(specs(serde_json::json!({"Encrypted": true})))), Some(vec![]));
        let unset = unencrypted_mappings(&fleet(specs(serde_json::json!({"VolumeSize": 8})))).unwrap();
        assert_eq!(unset, ["launch specification 1 /dev/xvda"]);
        assert_eq!(unencrypted_mappings(&fleet(specs(serde_json::json!({"Encrypted": false})))).unwrap().len(), 1);
        let templates = serde_json::json!({"IamFleetRole": "r", "TargetCapacity": 1,
            "LaunchTemplateConfigs": [{"LaunchTemplateSpecification": {"LaunchTemplateId": "lt-1", "Version": "1"}}]});
        assert_eq!(unencrypted_mappings(&fleet(templates)), None, "launch template requests are not judged");
    }
}
