//! Generated Systems Manager state (SSM.1–SSM.4): instances registered with Systems Manager
//! or not (hubsim:SetSsmManaged), stopped or running, with Patch and Association compliance
//! data of either status, and the account's documents, private, shared with a partner account,
//! or public. Steps AWS refuses (compliance data for an instance that is not managed, a
//! document name already taken) carry `expect_error`. What the properties read back is in
//! `state_ssm`.

use hubsim_scenario::Step;
use proptest::prelude::*;
use serde_json::{json, Value};

/// One instance.
#[derive(Debug, Clone)]
pub struct SsmInstancePlan {
    pub region: usize,
    pub managed: bool,
    pub stopped: bool,
    /// Patch compliance data: `Some(compliant)`.
    pub patch: Option<bool>,
    /// Association compliance data: `Some(compliant)`.
    pub association: Option<bool>,
}

/// How a document is shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    Private,
    Partner,
    Public,
    PublicAndPartner,
}

/// The sub-plan.
#[derive(Debug, Clone)]
pub struct SsmPlan {
    pub instances: Vec<SsmInstancePlan>,
    /// Documents: (region, sharing).
    pub documents: Vec<(usize, Sharing)>,
    /// Also try what AWS refuses.
    pub refused: bool,
}

/// The strategy of the sub-plan.
pub fn plan() -> impl Strategy<Value = SsmPlan> {
    let instance = (0usize..3, any::<bool>(), prop::bool::weighted(0.3), any::<Option<bool>>(), any::<Option<bool>>())
        .prop_map(|(region, managed, stopped, patch, association)| SsmInstancePlan {
            region,
            managed,
            stopped,
            patch,
            association,
        });
    let sharing = prop_oneof![
        Just(Sharing::Private),
        Just(Sharing::Partner),
        Just(Sharing::Public),
        Just(Sharing::PublicAndPartner)
    ];
    (
        prop::collection::vec(instance, 0..=2),
        prop::collection::vec((0usize..3, sharing), 0..=3),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(instances, documents, refused)| SsmPlan { instances, documents, refused })
}

fn step(call: &str, region: &str, input: Value, capture: Option<String>) -> Step {
    Step { call: call.into(), region: Some(region.into()), input, capture, expect_error: None, note: None }
}

fn refused(call: &str, region: &str, input: Value, code: &str, note: &str) -> Step {
    Step { expect_error: Some(code.into()), note: Some(note.into()), ..step(call, region, input, None) }
}

/// The partner account documents are shared with.
pub const PARTNER: &str = "111122223333";

fn compliance(id: &str, kind: &str, compliant: bool) -> Value {
    json!({"ResourceId": id, "ResourceType": "ManagedInstance", "ComplianceType": kind,
        "ExecutionSummary": {"ExecutionTime": "2024-12-01T00:00:00Z"},
        "Items": [{"Id": format!("{kind}-1"), "Severity": "HIGH",
            "Status": if compliant { "COMPLIANT" } else { "NON_COMPLIANT" }}]})
}

impl SsmPlan {
    /// The steps, in `regions` (index modulo their number).
    pub fn steps(&self, regions: &[String]) -> Vec<Step> {
        let mut out = Vec::new();
        let region = |i: usize| regions[i % regions.len()].clone();
        for (n, p) in self.instances.iter().enumerate() {
            let r = region(p.region);
            let ami = format!("ussm{n}ami");
            out.push(step(
                "ec2:DescribeImages",
                &r,
                json!({"Owners": ["amazon"], "Filters": [{"Name": "name", "Values": ["amzn2-ami-kernel-5.10-hvm*"]}]}),
                Some(ami.clone()),
            ));
            let inst = format!("ussm{n}");
            out.push(step(
                "ec2:RunInstances",
                &r,
                json!({"ImageId": format!("${{{ami}.Images[0].ImageId}}"), "InstanceType": "t3.micro",
                    "MinCount": 1, "MaxCount": 1, "MetadataOptions": {"HttpTokens": "required"},
                    "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": false}]}),
                Some(inst.clone()),
            ));
            let id = format!("${{{inst}.Instances[0].InstanceId}}");
            if p.managed {
                out.push(step("hubsim:SetSsmManaged", &r, json!({"InstanceId": id, "Managed": true}), None));
            }
            for (kind, data) in [("Patch", p.patch), ("Association", p.association)] {
                let Some(compliant) = data else { continue };
                if p.managed {
                    out.push(step("ssm:PutComplianceItems", &r, compliance(&id, kind, compliant), None));
                } else if self.refused {
                    out.push(refused(
                        "ssm:PutComplianceItems",
                        &r,
                        compliance(&id, kind, compliant),
                        "InvalidResourceId",
                        "compliance data is kept for managed instances only",
                    ));
                }
            }
            if p.stopped {
                out.push(step("ec2:StopInstances", &r, json!({"InstanceIds": [id]}), None));
            }
        }
        let content = json!({"schemaVersion": "2.2", "description": "generated", "mainSteps": [
            {"action": "aws:runShellScript", "name": "run", "inputs": {"runCommand": ["true"]}}]})
        .to_string();
        for (n, (r, sharing)) in self.documents.iter().enumerate() {
            let r = region(*r);
            let name = format!("gen-doc-{n}");
            let create = json!({"Name": name, "Content": content, "DocumentType": "Command"});
            out.push(step("ssm:CreateDocument", &r, create.clone(), None));
            if self.refused {
                out.push(refused("ssm:CreateDocument", &r, create, "DocumentAlreadyExists", "the name is taken"));
            }
            let add: Vec<&str> = match sharing {
                Sharing::Private => vec![],
                Sharing::Partner => vec![PARTNER],
                Sharing::Public => vec!["all"],
                Sharing::PublicAndPartner => vec!["all", PARTNER],
            };
            if !add.is_empty() {
                out.push(step(
                    "ssm:ModifyDocumentPermission",
                    &r,
                    json!({"Name": name, "PermissionType": "Share", "AccountIdsToAdd": add}),
                    None,
                ));
            }
        }
        out
    }
}
