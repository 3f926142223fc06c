//! SSM.1–SSM.4: EC2 instances managed by Systems Manager, their patch and association
//! compliance, and documents not public
//! (AWS: <https://docs.aws.amazon.com/securityhub/latest/userguide/ssm-controls.html>).

use super::ec2_instances::instance_resource;
use crate::control::{Control, Input, ResourceRef, Schedule, Verdict};

pub(super) const CONTROLS: &[Control] = &[
    Control {
        id: "SSM.1",
        resource_type: "AWS::EC2::Instance",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/ec2-instance-managed-by-ssm.html
        config_rule: Some("ec2-instance-managed-by-systems-manager"),
        parameters: &[],
        choices: "Every instance that is not terminated is judged (the control page checks stopped and running \
                  instances): it passes when Systems Manager lists it as a managed instance (DescribeInstanceInformation, \
                  whatever its ping status: a stopped managed instance reads ConnectionLost and passes, as the rule's \
                  note says a stopped instance with its agent is not NON_COMPLIANT) and fails otherwise [I]. hubsim \
                  simulates no instance profiles or agents: an instance is managed once hubsim:SetSsmManaged registers \
                  it (in AWS, once its agent reaches Systems Manager with AmazonSSMManagedInstanceCore) [U].",
        evaluate: ssm_1,
    },
    Control {
        id: "SSM.2",
        resource_type: "AWS::SSM::PatchCompliance",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/ec2-managedinstance-patch-compliance-status-check.html
        config_rule: Some("ec2-managedinstance-patch-compliance-status-check"),
        parameters: &[],
        choices: "One verdict per managed instance that has Patch compliance data (AWS Config records an \
                  AWS::SSM::PatchCompliance item only for those): PASSED when its Patch summary is COMPLIANT, FAILED \
                  when any patch item is NON_COMPLIANT. The finding's resource is the instance's ARN with type \
                  AwsSsmPatchCompliance [U]. Patching is not simulated: the data is what PutComplianceItems recorded.",
        evaluate: ssm_2,
    },
    Control {
        id: "SSM.3",
        resource_type: "AWS::SSM::AssociationCompliance",
        schedule: Schedule::ChangeTriggered,
        // https://docs.aws.amazon.com/config/latest/developerguide/ec2-managedinstance-association-compliance-status-check.html
        config_rule: Some("ec2-managedinstance-association-compliance-status-check"),
        parameters: &[],
        choices: "One verdict per managed instance that has Association compliance data: PASSED when its \
                  Association summary is COMPLIANT, FAILED when any association item is NON_COMPLIANT. The finding's \
                  resource is the instance's ARN with type Other [U]. Associations do not run in hubsim: their outcome \
                  is the Association compliance data PutComplianceItems recorded.",
        evaluate: ssm_3,
    },
    Control {
        id: "SSM.4",
        resource_type: "AWS::SSM::Document",
        schedule: Schedule::Periodic,
        // https://docs.aws.amazon.com/config/latest/developerguide/ssm-document-not-public.html
        config_rule: Some("ssm-document-not-public"),
        parameters: &[],
        choices: "Only documents the account owns are judged; a document fails when its Share permission lists \
                  `all` (public), and passes when it is private or shared with named accounts only. The finding's \
                  resource is the document's ARN with type Other [U].",
        evaluate: ssm_4,
    },
];

fn ssm_1(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .instances
        .instances
        .iter()
        .filter_map(|inst| {
            let id = inst.instance_id.as_deref()?;
            let state = inst.state.as_ref().and_then(|s| s.name.as_deref()).unwrap_or("pending");
            if state == "shutting-down" || state == "terminated" {
                return None;
            }
            Some(Verdict::check(
                instance_resource(i, id),
                i.region.ssm.is_managed(id),
                format!("instance {id} is managed by Systems Manager"),
                format!(
                    "instance {id} ({state}) is not managed by Systems Manager (not in DescribeInstanceInformation)"
                ),
            ))
        })
        .collect()
}

/// One verdict per managed instance's `kind` compliance summary.
fn compliance(i: &Input<'_>, kind: &str, asff: &'static str, what: &str) -> Vec<Verdict> {
    i.region
        .ssm
        .of_type(kind)
        .filter_map(|s| {
            let id = s.resource_id.as_deref()?;
            let resource = ResourceRef { id: instance_resource(i, id).id, kind: asff };
            let failing = s.non_compliant_summary.as_ref().and_then(|n| n.non_compliant_count).unwrap_or(0);
            Some(Verdict::check(
                resource,
                s.status.as_deref() == Some("COMPLIANT"),
                format!("instance {id}'s {what} compliance is COMPLIANT"),
                format!("instance {id}'s {what} compliance is NON_COMPLIANT ({failing} non-compliant item(s))"),
            ))
        })
        .collect()
}

fn ssm_2(i: &Input<'_>) -> Vec<Verdict> {
    compliance(i, "Patch", "AwsSsmPatchCompliance", "patch")
}

fn ssm_3(i: &Input<'_>) -> Vec<Verdict> {
    compliance(i, "Association", "Other", "association")
}

/// The ARN of document `name` in the evaluated region.
pub(crate) fn document_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:ssm:{region}:{account}:document/{name}")
}

fn ssm_4(i: &Input<'_>) -> Vec<Verdict> {
    i.region
        .ssm
        .documents
        .iter()
        .map(|d| {
            let resource = ResourceRef { id: document_arn(&i.region.name, &i.global.account, &d.name), kind: "Other" };
            Verdict::check(
                resource,
                !d.public(),
                format!("document {} is not public", d.name),
                format!("document {} is shared publicly (Share permission `all`)", d.name),
            )
        })
        .collect()
}
