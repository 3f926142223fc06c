//! Generated accounts: a plan (what proptest draws and shrinks) and the scenario it becomes.
//!
//! The plan only draws independent choices (indices into lists, flags); `scenario` turns it
//! into steps, resolving indices modulo what exists and marking every step AWS would refuse
//! for the drawn combination with `expect_error`, so each plan yields a loadable scenario.

use std::collections::{BTreeMap, BTreeSet};

use hubsim_scenario::{AccountSpec, RemediationSpec, Scenario, Step, DEFAULT_ACCOUNT_ID};
use hubsim_simulator::baseline::{BaselineSpec, ConfigOneClick, MfaKind, Preset, RootSpec, SecurityHubSpec};
use hubsim_simulator::Era;
use proptest::prelude::*;
use serde_json::{json, Value};

use super::generate_misc::{misc_plan, MiscPlan};

/// The regions a generated account may enable.
pub const REGIONS: &[&str] = &["us-east-1", "eu-west-1", "ap-northeast-1"];

/// The account id of generated accounts.
pub const ACCOUNT: &str = DEFAULT_ACCOUNT_ID;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enc {
    None,
    Aes,
    Kms,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    /// An Allow for a service principal, scoped to the account.
    ServiceAllow,
    /// A Deny of s3:DeleteBucket for everyone.
    DenyDelete,
    /// An Allow of s3:GetObject to everyone (only where Block Public Access lets it in).
    PublicRead,
    /// A TLS deny on the objects only (S3.5 still fails), under a Sid the fix might pick.
    TlsObjectsOnly(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notif {
    None,
    EventBridge,
    Topic(usize),
}

#[derive(Debug, Clone)]
pub struct BucketPlan {
    pub stem: String,
    pub region: usize,
    pub enc: Enc,
    pub extras: Vec<Extra>,
    pub block: Option<[bool; 4]>,
    pub log_to: Option<usize>,
    pub notif: Notif,
    pub lifecycle: Option<bool>,
    pub ownership: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VpcRef {
    /// The default VPC of a region (index into the account's regions).
    Default(usize),
    /// One of the extra VPCs.
    Extra(usize),
}

#[derive(Debug, Clone)]
pub struct VpcPlan {
    pub region: usize,
    /// One subnet per entry: whether it maps public IPs on launch.
    pub subnets: Vec<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SgRule {
    /// "tcp", "udp", "icmp" or "-1".
    pub proto: usize,
    pub ports: usize,
    pub cidr: usize,
}

#[derive(Debug, Clone)]
pub struct SgPlan {
    pub vpc: VpcRef,
    pub rules: Vec<SgRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NaclEntry {
    pub number: i64,
    pub allow: bool,
    pub proto: usize,
    pub ports: usize,
    pub cidr: usize,
    pub egress: bool,
}

#[derive(Debug, Clone)]
pub struct NaclPlan {
    pub vpc: VpcRef,
    /// Entries go into the VPC's default NACL, else into a new one.
    pub default: bool,
    pub entries: Vec<NaclEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selector {
    Default,
    WriteOnly,
    ReadOnly,
    NoManagement,
}

#[derive(Debug, Clone)]
pub struct TrailPlan {
    pub region: usize,
    pub multi: bool,
    pub logging: bool,
    pub selector: Selector,
    /// Whether the trail bucket's policy lets CloudTrail write (else CreateTrail is refused).
    pub policy: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorder {
    Running,
    Stopped,
    Partial,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Password {
    Untouched,
    Weak,
    Strong,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicEnc {
    None,
    AwsManaged,
    Key(usize),
}

#[derive(Debug, Clone)]
pub struct TopicPlan {
    pub region: usize,
    pub enc: TopicEnc,
    /// Whether its policy lets S3 publish.
    pub s3: bool,
    /// A delivery-status attribute (index into FEEDBACK).
    pub feedback: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct KeyPlan {
    pub region: usize,
    pub rotation: bool,
    /// Whether its policy lets S3 use it.
    pub s3: bool,
}

/// One generated account.
#[derive(Debug, Clone)]
pub struct Plan {
    pub current: bool,
    pub regions: Vec<usize>,
    pub include_global: bool,
    pub mfa: usize,
    pub account_block: Option<bool>,
    pub buckets: Vec<BucketPlan>,
    pub vpcs: Vec<VpcPlan>,
    pub default_sg_rules: Vec<(VpcRef, SgRule)>,
    pub sgs: Vec<SgPlan>,
    pub nacls: Vec<NaclPlan>,
    pub trails: Vec<TrailPlan>,
    pub recorders: Vec<Recorder>,
    pub password: Password,
    pub topics: Vec<TopicPlan>,
    pub keys: Vec<KeyPlan>,
    /// What EC2.13/14, KMS.4 and CloudTrail.6/7 judge beyond the rest.
    pub misc: MiscPlan,
    /// IAM users' and root's credentials.
    pub credentials: super::generate_iam_credentials::CredentialsPlan,
    /// CloudWatch.1–14's metric filters, alarms, topics and subscriptions.
    pub monitoring: super::generate_monitoring::MonitoringPlan,
    /// IAM users, groups, customer managed policies and attachments (IAM.1, IAM.2, IAM.18).
    pub iam_policies: super::generate_iam_policies::IamPlan,
    /// EC2 instances, ENIs, Elastic IPs, volumes and snapshots (EC2.1/3/4/8/9/17/24).
    pub instances: super::generate_instances::InstancesPlan,
    /// Keys pending deletion, queues, KMS-related IAM policies (issue 15).
    pub keys_queues: super::generate_keys::KeysPlan,
    /// Lambda functions and ECR repositories (issue 16: Lambda.1/2/5, ECR.1/2/3).
    pub lambda_ecr: (super::generate_lambda::LambdaPlan, super::generate_ecr::EcrPlan),
    /// GuardDuty plans, launch templates and Spot Fleet requests (GuardDuty.5–13, EC2.25/170/173).
    pub templates: super::generate_templates::TemplatesPlan,
    /// ACL grants, cross-account policies, versioning and access points (S3.2/3/6/10/12/19).
    pub s3_access: super::generate_s3_access::S3AccessPlan,
    /// World-open rules on random ports, unused and used custom NACLs (EC2.16, EC2.18, EC2.19).
    pub network: super::generate_network::NetworkPlan,
    /// Site-to-Site VPN connections (EC2.20, EC2.171).
    pub vpn: super::generate_vpn::VpnPlan,
    /// Load balancers (ELB controls).
    pub elb: super::generate_elb::ElbPlan,
    /// Systems Manager: managed instances, compliance data, documents (SSM.1–SSM.4).
    pub ssm: super::generate_ssm::SsmPlan,
    /// DynamoDB tables and secrets (DynamoDB.1/2/6, SecretsManager.1–4).
    pub data: (super::generate_dynamodb::DynamoPlan, super::generate_secrets::SecretsPlan),
    /// RDS DB instances and snapshots (issue 16).
    pub rds: super::generate_rds::RdsPlan,
}

const PROTOS: &[&str] = &["tcp", "udp", "icmp", "-1"];
const NACL_PROTOS: &[&str] = &["6", "17", "1", "-1"];
/// Port ranges rules are drawn from (ICMP and all-traffic ignore them).
pub const PORTS: &[(i64, i64)] =
    &[(22, 22), (3389, 3389), (80, 80), (443, 443), (0, 65535), (20, 30), (1024, 65535), (3000, 4000), (65535, 65535)];
const CIDRS: &[&str] = &["0.0.0.0/0", "10.0.0.0/8", "203.0.113.0/24"];
const FEEDBACK: &[&str] = &[
    "SQSFailureFeedbackRoleArn",
    "HTTPSuccessFeedbackRoleArn",
    "LambdaSuccessFeedbackSampleRate",
    "ApplicationFailureFeedbackRoleArn",
];
const OWNERSHIP: &[&str] = &["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"];

fn vpc_ref() -> impl Strategy<Value = VpcRef> {
    prop_oneof![(0usize..3).prop_map(VpcRef::Default), (0usize..5).prop_map(VpcRef::Extra)]
}

fn sg_rule() -> impl Strategy<Value = SgRule> {
    (0..PROTOS.len(), 0..PORTS.len(), 0..CIDRS.len()).prop_map(|(proto, ports, cidr)| SgRule { proto, ports, cidr })
}

fn nacl_entry() -> impl Strategy<Value = NaclEntry> {
    (1i64..=12, any::<bool>(), 0..NACL_PROTOS.len(), 0..PORTS.len(), 0..2usize, prop::bool::weighted(0.2)).prop_map(
        |(n, allow, proto, ports, cidr, egress)| NaclEntry {
            number: if n == 10 { 105 } else { n * 10 },
            allow,
            proto,
            ports,
            cidr,
            egress,
        },
    )
}

fn bucket() -> impl Strategy<Value = BucketPlan> {
    (
        "[a-z0-9]{2,8}",
        0usize..3,
        prop_oneof![Just(Enc::None), Just(Enc::Aes), Just(Enc::Kms)],
        prop::collection::vec(
            prop_oneof![
                Just(Extra::ServiceAllow),
                Just(Extra::DenyDelete),
                Just(Extra::PublicRead),
                (0usize..2).prop_map(Extra::TlsObjectsOnly)
            ],
            0..4,
        ),
        prop::option::of(prop::array::uniform4(any::<bool>())),
        prop::option::weighted(0.4, 0usize..20),
        prop_oneof![Just(Notif::None), Just(Notif::EventBridge), (0usize..5).prop_map(Notif::Topic)],
        prop::option::of(any::<bool>()),
        prop::option::of(0..OWNERSHIP.len()),
    )
        .prop_map(|(stem, region, enc, extras, block, log_to, notif, lifecycle, ownership)| BucketPlan {
            stem,
            region,
            enc,
            extras,
            block,
            log_to,
            notif,
            lifecycle,
            ownership,
        })
}

/// The strategy of generated accounts.
pub fn plan() -> impl Strategy<Value = Plan> {
    let account = (
        any::<bool>(),
        prop::sample::subsequence((0..REGIONS.len()).collect::<Vec<_>>(), 1..=REGIONS.len()),
        any::<bool>(),
        0usize..3,
        prop::option::of(any::<bool>()),
        prop::collection::vec(
            prop_oneof![Just(Recorder::Running), Just(Recorder::Stopped), Just(Recorder::Partial)],
            3,
        ),
        prop_oneof![Just(Password::Untouched), Just(Password::Weak), Just(Password::Strong)],
    );
    let network = (
        prop::collection::vec(
            (0usize..3, prop::collection::vec(any::<bool>(), 0..3))
                .prop_map(|(region, subnets)| VpcPlan { region, subnets }),
            0..=5,
        ),
        prop::collection::vec((vpc_ref(), sg_rule()), 0..5),
        prop::collection::vec(
            (vpc_ref(), prop::collection::vec(sg_rule(), 0..4)).prop_map(|(vpc, rules)| SgPlan { vpc, rules }),
            0..3,
        ),
        prop::collection::vec(
            (vpc_ref(), any::<bool>(), prop::collection::vec(nacl_entry(), 0..6))
                .prop_map(|(vpc, default, entries)| NaclPlan { vpc, default, entries }),
            0..3,
        ),
    );
    let services = (
        prop::collection::vec(bucket(), 0..=20),
        prop::collection::vec(
            (
                0usize..3,
                any::<bool>(),
                any::<bool>(),
                prop_oneof![
                    Just(Selector::Default),
                    Just(Selector::WriteOnly),
                    Just(Selector::ReadOnly),
                    Just(Selector::NoManagement)
                ],
                prop::bool::weighted(0.85),
            )
                .prop_map(|(region, multi, logging, selector, policy)| TrailPlan {
                    region,
                    multi,
                    logging,
                    selector,
                    policy,
                }),
            0..=3,
        ),
        prop::collection::vec(
            (
                0usize..3,
                prop_oneof![Just(TopicEnc::None), Just(TopicEnc::AwsManaged), (0usize..3).prop_map(TopicEnc::Key)],
                any::<bool>(),
                prop::option::of(0..FEEDBACK.len()),
            )
                .prop_map(|(region, enc, s3, feedback)| TopicPlan { region, enc, s3, feedback }),
            0..=5,
        ),
        prop::collection::vec(
            (0usize..3, any::<bool>(), any::<bool>()).prop_map(|(region, rotation, s3)| KeyPlan {
                region,
                rotation,
                s3,
            }),
            0..=3,
        ),
    );
    // The CIS areas' own plans, one per area's generator module.
    let areas = (
        misc_plan(),
        super::generate_iam_credentials::plan(),
        super::generate_monitoring::plan(),
        super::generate_iam_policies::plan(),
        super::generate_instances::plan(),
        super::generate_keys::plan(),
        super::generate_templates::plan(),
        super::generate_s3_access::plan(),
        super::generate_network::plan(),
        super::generate_vpn::plan(),
        // Issue 16's services, one element (proptest's tuples stop at twelve).
        (
            (super::generate_lambda::plan(), super::generate_ecr::plan()),
            super::generate_elb::plan(),
            super::generate_ssm::plan(),
            (super::generate_dynamodb::plan(), super::generate_secrets::plan()),
            super::generate_rds::plan(),
        ),
    );
    (account, network, services, areas).prop_map(
        |(
            (current, regions, include_global, mfa, account_block, recorders, password),
            (vpcs, default_sg_rules, sgs, nacls),
            (buckets, trails, topics, keys),
            (
                misc,
                credentials,
                monitoring,
                iam_policies,
                instances,
                keys_plan,
                templates,
                s3_access,
                network,
                vpn,
                (lambda_ecr, elb, ssm, data, rds),
            ),
        )| Plan {
            current,
            regions,
            include_global,
            mfa,
            account_block,
            buckets,
            vpcs,
            default_sg_rules,
            sgs,
            nacls,
            trails,
            recorders,
            password,
            topics,
            keys,
            misc,
            credentials,
            monitoring,
            iam_policies,
            instances,
            keys_queues: keys_plan,
            templates,
            s3_access,
            network,
            vpn,
            lambda_ecr,
            elb,
            ssm,
            data,
            rds,
        },
    )
}

/// Builds the steps of a plan.
struct Builder {
    regions: Vec<String>,
    steps: Vec<Step>,
}

impl Builder {
    fn region(&self, i: usize) -> String {
        self.regions[i % self.regions.len()].clone()
    }

    fn step(&mut self, call: &str, region: &str, input: Value) {
        self.steps.push(Step {
            call: call.into(),
            region: Some(region.to_string()),
            input,
            capture: None,
            expect_error: None,
            note: None,
        });
    }

    fn capture(&mut self, call: &str, region: &str, input: Value, name: &str) {
        self.step(call, region, input);
        if let Some(s) = self.steps.last_mut() {
            s.capture = Some(name.to_string());
        }
    }

    fn refused(&mut self, call: &str, region: &str, input: Value, code: &str, note: &str) {
        self.step(call, region, input);
        if let Some(s) = self.steps.last_mut() {
            s.expect_error = Some(code.to_string());
            s.note = Some(note.to_string());
        }
    }

    fn create_bucket(&mut self, name: &str, region: &str) {
        let input = if region == "us-east-1" {
            json!({"Bucket": name})
        } else {
            json!({"Bucket": name, "CreateBucketConfiguration": {"LocationConstraint": region}})
        };
        self.step("s3:CreateBucket", region, input);
    }
}

fn policy_text(statements: &[Value]) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

/// A VPC reference resolved to (region, capture expression of its id, key).
fn resolve_vpc(plan: &Plan, b: &Builder, v: VpcRef) -> (String, String, String) {
    match v {
        VpcRef::Extra(i) if !plan.vpcs.is_empty() => {
            let i = i % plan.vpcs.len();
            (b.region(plan.vpcs[i].region), format!("${{vpc{i}.Vpc.VpcId}}"), format!("vpc{i}"))
        }
        VpcRef::Default(r) | VpcRef::Extra(r) => {
            let r = r % b.regions.len();
            (b.region(r), format!("${{dvpc{r}.Vpcs[0].VpcId}}"), format!("dvpc{r}"))
        }
    }
}

fn sg_permission(r: &SgRule) -> Value {
    let proto = PROTOS[r.proto];
    let (from, to) = PORTS[r.ports];
    let range = json!([{"CidrIp": CIDRS[r.cidr]}]);
    match proto {
        "-1" => json!({"IpProtocol": "-1", "IpRanges": range}),
        "icmp" => json!({"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": range}),
        p => json!({"IpProtocol": p, "FromPort": from, "ToPort": to, "IpRanges": range}),
    }
}

/// SG rules that AWS would call duplicates collapse to one key.
fn sg_key(r: &SgRule) -> (usize, usize, usize) {
    match PROTOS[r.proto] {
        "-1" | "icmp" => (r.proto, 0, r.cidr),
        _ => (r.proto, r.ports, r.cidr),
    }
}

impl Plan {
    /// The scenario this plan describes.
    pub fn scenario(&self) -> Scenario {
        let regions: Vec<String> = {
            let mut r: Vec<usize> = self.regions.clone();
            r.sort();
            r.dedup();
            if r.is_empty() {
                r.push(0);
            }
            r.into_iter().map(|i| REGIONS[i % REGIONS.len()].to_string()).collect()
        };
        let era = if self.current { Era::Current } else { Era::Y2022 };
        let mut b = Builder { regions: regions.clone(), steps: Vec::new() };
        let acct = ACCOUNT;

        // Account-wide settings.
        match self.password {
            Password::Untouched => {}
            Password::Weak => {
                let home = b.region(0);
                b.step(
                    "iam:UpdateAccountPasswordPolicy",
                    &home,
                    json!({"MinimumPasswordLength": 8, "RequireLowercaseCharacters": true}),
                )
            }
            Password::Strong => {
                let home = b.region(0);
                b.step(
                    "iam:UpdateAccountPasswordPolicy",
                    &home,
                    json!({"MinimumPasswordLength": 16, "RequireSymbols": true, "RequireNumbers": true,
                           "RequireUppercaseCharacters": true, "RequireLowercaseCharacters": true,
                           "MaxPasswordAge": 60, "PasswordReusePrevention": 24}),
                )
            }
        }
        for (i, r) in regions.clone().iter().enumerate() {
            match self.recorders.get(i).copied().unwrap_or(Recorder::Running) {
                Recorder::Running => {}
                Recorder::Stopped => {
                    b.step("config:StopConfigurationRecorder", r, json!({"ConfigurationRecorderName": "default"}))
                }
                Recorder::Partial => b.step(
                    "config:PutConfigurationRecorder",
                    r,
                    json!({"ConfigurationRecorder": {
                        "name": "default",
                        "roleARN": format!("arn:aws:iam::{acct}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"),
                        "recordingGroup": {"allSupported": false, "includeGlobalResourceTypes": false,
                            "resourceTypes": ["AWS::S3::Bucket", "AWS::EC2::SecurityGroup"],
                            "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"}}}}),
                ),
            }
        }

        // KMS keys.
        let key_regions: Vec<String> = self.keys.iter().map(|k| b.region(k.region)).collect();
        for (i, k) in self.keys.iter().enumerate() {
            let r = key_regions[i].clone();
            let mut statements = vec![json!({"Sid": "Admin", "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{acct}:root")}, "Action": "kms:*", "Resource": "*"})];
            if k.s3 {
                statements.push(
                    json!({"Sid": "S3Uses", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                    "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": acct}}}),
                );
            }
            b.capture(
                "kms:CreateKey",
                &r,
                json!({"Policy": policy_text(&statements), "Description": format!("user key {i}")}),
                &format!("key{i}"),
            );
            if k.rotation {
                b.step("kms:EnableKeyRotation", &r, json!({"KeyId": format!("${{key{i}.KeyMetadata.KeyId}}")}));
            }
        }

        // SNS topics.
        let needs_role = self.topics.iter().any(|t| t.feedback.is_some_and(|f| FEEDBACK[f].ends_with("RoleArn")));
        if needs_role {
            let home = b.region(0);
            b.step(
                "iam:CreateRole",
                &home,
                json!({"RoleName": "usr-sns-feedback", "AssumeRolePolicyDocument": json!({"Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sts:AssumeRole"}]}).to_string()}),
            );
        }
        // (region, arn, s3 can publish)
        let mut topics: Vec<(String, String, bool)> = Vec::new();
        for (i, t) in self.topics.iter().enumerate() {
            let r = b.region(t.region);
            let name = format!("usr-topic-{i}");
            let arn = format!("arn:aws:sns:{r}:{acct}:{name}");
            let mut attrs = serde_json::Map::new();
            let mut s3_ok = t.s3;
            match t.enc {
                TopicEnc::None => {}
                TopicEnc::AwsManaged => {
                    attrs.insert("KmsMasterKeyId".into(), json!("alias/aws/sns"));
                    s3_ok = false;
                }
                TopicEnc::Key(k) => {
                    let same = (!self.keys.is_empty()).then(|| k % self.keys.len()).filter(|k| key_regions[*k] == r);
                    match same {
                        Some(k) => {
                            attrs.insert("KmsMasterKeyId".into(), json!(format!("${{key{k}.KeyMetadata.Arn}}")));
                            s3_ok &= self.keys[k].s3;
                        }
                        None => {
                            attrs.insert("KmsMasterKeyId".into(), json!("alias/aws/sns"));
                            s3_ok = false;
                        }
                    }
                }
            }
            if t.s3 {
                let statements = [
                    json!({"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{acct}:root")},
                        "Action": ["SNS:Publish", "SNS:GetTopicAttributes", "SNS:SetTopicAttributes"], "Resource": arn}),
                    json!({"Sid": "S3Publishes", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                        "Action": "SNS:Publish", "Resource": arn,
                        "Condition": {"StringEquals": {"aws:SourceAccount": acct}}}),
                ];
                attrs.insert("Policy".into(), json!(policy_text(&statements)));
            }
            let mut input = json!({"Name": name});
            if !attrs.is_empty() {
                input["Attributes"] = Value::Object(attrs);
            }
            b.step("sns:CreateTopic", &r, input);
            if let Some(f) = t.feedback {
                let attr = FEEDBACK[f];
                let value = if attr.ends_with("RoleArn") {
                    format!("arn:aws:iam::{acct}:role/usr-sns-feedback")
                } else {
                    "50".to_string()
                };
                b.step(
                    "sns:SetTopicAttributes",
                    &r,
                    json!({"TopicArn": arn, "AttributeName": attr, "AttributeValue": value}),
                );
            }
            topics.push((r, arn, s3_ok));
        }

        // Buckets: create, configure, then log and notify.
        let names: Vec<String> = self.buckets.iter().enumerate().map(|(i, p)| format!("u{}-{i}", p.stem)).collect();
        let bregions: Vec<String> = self.buckets.iter().map(|p| b.region(p.region)).collect();
        // Targets of logging (same region only; the others are refused).
        let log_target = |i: usize| -> Option<usize> {
            let p = &self.buckets[i];
            p.log_to.map(|t| t % self.buckets.len())
        };
        let mut grants_logging: BTreeSet<usize> = BTreeSet::new();
        for i in 0..self.buckets.len() {
            if let Some(t) = log_target(i) {
                if bregions[t] == bregions[i] {
                    grants_logging.insert(t);
                }
            }
        }
        for (i, p) in self.buckets.iter().enumerate() {
            let (name, r) = (&names[i], &bregions[i]);
            b.create_bucket(name, r);
            match (p.enc, era) {
                (Enc::Aes, _) => b.step(
                    "s3:PutBucketEncryption",
                    r,
                    json!({"Bucket": name, "ServerSideEncryptionConfiguration": {"Rules": [
                        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}}),
                ),
                (Enc::Kms, _) => b.step(
                    "s3:PutBucketEncryption",
                    r,
                    json!({"Bucket": name, "ServerSideEncryptionConfiguration": {"Rules": [
                        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": true}]}}),
                ),
                (Enc::None, _) => {}
            }
            if let Some(flags) = p.block {
                b.step(
                    "s3:PutPublicAccessBlock",
                    r,
                    json!({"Bucket": name, "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": flags[0], "IgnorePublicAcls": flags[1],
                        "BlockPublicPolicy": flags[2], "RestrictPublicBuckets": flags[3]}}),
                );
            }
            let mut statements: Vec<Value> = Vec::new();
            // A public policy is refused where Block Public Access blocks it (new buckets block
            // it in era current): such a statement is left out.
            let public_ok = match p.block {
                Some(flags) => !flags[2],
                None => era == Era::Y2022,
            };
            for (j, e) in p.extras.iter().enumerate() {
                statements.push(match e {
                    Extra::PublicRead if !public_ok => continue,
                    Extra::PublicRead => {
                        json!({"Sid": format!("UserPublicRead{j}"), "Effect": "Allow", "Principal": "*",
                        "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{name}/*")})
                    }
                    Extra::TlsObjectsOnly(k) => {
                        let sid = ["DenyInsecureTransport", "HubsimDenyInsecureTransport"][k % 2];
                        if statements.iter().any(|s| s["Sid"] == sid) {
                            continue;
                        }
                        json!({"Sid": sid, "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                            "Resource": format!("arn:aws:s3:::{name}/*"),
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
                    }
                    Extra::ServiceAllow => json!({"Sid": format!("UserServiceRead{j}"), "Effect": "Allow",
                        "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
                        "Resource": format!("arn:aws:s3:::{name}/*"),
                        "Condition": {"StringEquals": {"aws:SourceAccount": acct}}}),
                    Extra::DenyDelete => {
                        json!({"Sid": format!("UserDenyDelete{j}"), "Effect": "Deny", "Principal": "*",
                        "Action": "s3:DeleteBucket", "Resource": format!("arn:aws:s3:::{name}")})
                    }
                });
            }
            if grants_logging.contains(&i) {
                statements.push(json!({"Sid": "UserLogDelivery", "Effect": "Allow",
                    "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
                    "Resource": format!("arn:aws:s3:::{name}/*"),
                    "Condition": {"StringEquals": {"aws:SourceAccount": acct}}}));
            }
            if !statements.is_empty() {
                b.step("s3:PutBucketPolicy", r, json!({"Bucket": name, "Policy": policy_text(&statements)}));
            }
            if let Some(o) = p.ownership {
                b.step(
                    "s3:PutBucketOwnershipControls",
                    r,
                    json!({"Bucket": name, "OwnershipControls": {"Rules": [{"ObjectOwnership": OWNERSHIP[o]}]}}),
                );
            }
            if let Some(enabled) = p.lifecycle {
                b.step(
                    "s3:PutBucketLifecycleConfiguration",
                    r,
                    json!({"Bucket": name, "LifecycleConfiguration": {"Rules": [{"ID": "user-expire",
                        "Status": if enabled { "Enabled" } else { "Disabled" }, "Filter": {"Prefix": "tmp/"},
                        "Expiration": {"Days": 365}}]}}),
                );
            }
        }
        for (i, p) in self.buckets.iter().enumerate() {
            let (name, r) = (&names[i], &bregions[i]);
            if let Some(t) = log_target(i) {
                let input = json!({"Bucket": name, "BucketLoggingStatus": {"LoggingEnabled": {
                    "TargetBucket": names[t], "TargetPrefix": format!("{name}/")}}});
                if bregions[t] == *r {
                    b.step("s3:PutBucketLogging", r, input);
                } else {
                    b.refused(
                        "s3:PutBucketLogging",
                        r,
                        input,
                        "CrossLocationLoggingProhibitted",
                        "the target lives in another region",
                    );
                }
            }
            match p.notif {
                Notif::None => {}
                Notif::EventBridge => b.step(
                    "s3:PutBucketNotificationConfiguration",
                    r,
                    json!({"Bucket": name, "NotificationConfiguration": {"EventBridgeConfiguration": {}}}),
                ),
                Notif::Topic(t) if !topics.is_empty() => {
                    let (tr, arn, s3_ok) = topics[t % topics.len()].clone();
                    let input = json!({"Bucket": name, "NotificationConfiguration": {"TopicConfigurations": [
                        {"Id": "user-topic", "TopicArn": arn, "Events": ["s3:ObjectCreated:*"]}]}});
                    if tr == *r && s3_ok {
                        b.step("s3:PutBucketNotificationConfiguration", r, input);
                    } else {
                        b.refused(
                            "s3:PutBucketNotificationConfiguration",
                            r,
                            input,
                            "InvalidArgument",
                            "S3's test message cannot reach the topic",
                        );
                    }
                }
                Notif::Topic(_) => {}
            }
        }

        // Trails, each with its own bucket.
        for (i, t) in self.trails.iter().enumerate() {
            let r = b.region(t.region);
            let bucket = format!("utrail-{i}-{acct}");
            b.create_bucket(&bucket, &r);
            if t.policy {
                let statements = [
                    json!({"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                        "Action": "s3:GetBucketAcl", "Resource": format!("arn:aws:s3:::{bucket}")}),
                    json!({"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                        "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{bucket}/AWSLogs/{acct}/*"),
                        "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}),
                ];
                b.step("s3:PutBucketPolicy", &r, json!({"Bucket": bucket, "Policy": policy_text(&statements)}));
            }
            let input =
                json!({"Name": format!("usr-trail-{i}"), "S3BucketName": bucket, "IsMultiRegionTrail": t.multi});
            if !t.policy {
                b.refused(
                    "cloudtrail:CreateTrail",
                    &r,
                    input,
                    "InsufficientS3BucketPolicyException",
                    "the bucket policy does not let CloudTrail write",
                );
                continue;
            }
            b.capture("cloudtrail:CreateTrail", &r, input, &format!("trail{i}"));
            let arn = format!("${{trail{i}.TrailARN}}");
            if t.logging {
                b.step("cloudtrail:StartLogging", &r, json!({"Name": arn}));
            }
            let selectors = match t.selector {
                Selector::Default => None,
                Selector::WriteOnly => Some(json!([{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}])),
                Selector::ReadOnly => Some(json!([{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": true}])),
                Selector::NoManagement => Some(json!([{"ReadWriteType": "All", "IncludeManagementEvents": false,
                    "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])),
            };
            if let Some(s) = selectors {
                b.step("cloudtrail:PutEventSelectors", &r, json!({"TrailName": arn, "EventSelectors": s}));
            }
        }

        // CloudWatch.1–14: a monitored trail, filters, alarms, topics and subscriptions.
        b.steps.extend(self.monitoring.steps(&regions, acct));
        // GuardDuty.5–13, EC2.25/170/173: detectors, launch templates, Spot Fleet requests.
        b.steps.extend(self.templates.steps(&regions, acct));

        // Network: default VPC ids, extra VPCs and subnets, security groups, NACLs.
        for (i, r) in regions.iter().enumerate() {
            b.capture(
                "ec2:DescribeVpcs",
                r,
                json!({"Filters": [{"Name": "is-default", "Values": ["true"]}]}),
                &format!("dvpc{i}"),
            );
        }
        for (i, v) in self.vpcs.iter().enumerate() {
            let r = b.region(v.region);
            b.capture("ec2:CreateVpc", &r, json!({"CidrBlock": format!("10.{i}.0.0/16")}), &format!("vpc{i}"));
            for (j, public) in v.subnets.iter().enumerate() {
                let name = format!("subnet{i}_{j}");
                b.capture(
                    "ec2:CreateSubnet",
                    &r,
                    json!({"VpcId": format!("${{vpc{i}.Vpc.VpcId}}"), "CidrBlock": format!("10.{i}.{j}.0/24")}),
                    &name,
                );
                if *public {
                    b.step(
                        "ec2:ModifySubnetAttribute",
                        &r,
                        json!({"SubnetId": format!("${{{name}.Subnet.SubnetId}}"), "MapPublicIpOnLaunch": {"Value": true}}),
                    );
                }
            }
        }
        let mut described: BTreeSet<String> = BTreeSet::new();
        let mut sg_rules: BTreeMap<String, BTreeSet<(usize, usize, usize)>> = BTreeMap::new();
        for (v, rule) in &self.default_sg_rules {
            let (r, vpc, key) = resolve_vpc(self, &b, *v);
            let cap = format!("dsg_{key}");
            if described.insert(cap.clone()) {
                b.capture(
                    "ec2:DescribeSecurityGroups",
                    &r,
                    json!({"Filters": [{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}]}),
                    &cap,
                );
            }
            if sg_rules.entry(cap.clone()).or_default().insert(sg_key(rule)) {
                b.step(
                    "ec2:AuthorizeSecurityGroupIngress",
                    &r,
                    json!({"GroupId": format!("${{{cap}.SecurityGroups[0].GroupId}}"), "IpPermissions": [sg_permission(rule)]}),
                );
            }
        }
        for (i, g) in self.sgs.iter().enumerate() {
            let (r, vpc, _) = resolve_vpc(self, &b, g.vpc);
            let cap = format!("sg{i}");
            b.capture(
                "ec2:CreateSecurityGroup",
                &r,
                json!({"GroupName": format!("usr-sg-{i}"), "Description": "user group", "VpcId": vpc}),
                &cap,
            );
            let mut seen = BTreeSet::new();
            for rule in &g.rules {
                if seen.insert(sg_key(rule)) {
                    b.step(
                        "ec2:AuthorizeSecurityGroupIngress",
                        &r,
                        json!({"GroupId": format!("${{{cap}.GroupId}}"), "IpPermissions": [sg_permission(rule)]}),
                    );
                }
            }
        }
        let mut numbers: BTreeMap<String, BTreeSet<(bool, i64)>> = BTreeMap::new();
        for (i, n) in self.nacls.iter().enumerate() {
            let (r, vpc, key) = resolve_vpc(self, &b, n.vpc);
            let acl = if n.default {
                let cap = format!("dacl_{key}");
                if described.insert(cap.clone()) {
                    b.capture(
                        "ec2:DescribeNetworkAcls",
                        &r,
                        json!({"Filters": [{"Name": "vpc-id", "Values": [vpc]}, {"Name": "default", "Values": ["true"]}]}),
                        &cap,
                    );
                }
                format!("${{{cap}.NetworkAcls[0].NetworkAclId}}")
            } else {
                let cap = format!("acl{i}");
                b.capture("ec2:CreateNetworkAcl", &r, json!({"VpcId": vpc}), &cap);
                format!("${{{cap}.NetworkAcl.NetworkAclId}}")
            };
            for e in &n.entries {
                if !numbers.entry(acl.clone()).or_default().insert((e.egress, e.number)) {
                    continue;
                }
                let proto = NACL_PROTOS[e.proto];
                let mut input = json!({"NetworkAclId": acl, "RuleNumber": e.number, "Protocol": proto,
                    "RuleAction": if e.allow { "allow" } else { "deny" }, "Egress": e.egress, "CidrBlock": CIDRS[e.cidr]});
                match proto {
                    "6" | "17" => {
                        let (from, to) = PORTS[e.ports];
                        input["PortRange"] = json!({"From": from, "To": to});
                    }
                    "1" => input["IcmpTypeCode"] = json!({"Type": -1, "Code": -1}),
                    _ => {}
                }
                b.step("ec2:CreateNetworkAclEntry", &r, input);
            }
        }

        let trail_buckets: Vec<(String, String)> =
            self.trails.iter().enumerate().map(|(i, t)| (format!("utrail-{i}-{acct}"), b.region(t.region))).collect();
        let misc = self.misc.steps(&regions, self.current, &trail_buckets, acct);
        b.steps.extend(misc);
        b.steps.extend(self.network.steps(&regions));
        b.steps.extend(self.vpn.steps(&regions, acct));
        b.steps.extend(self.elb.steps(&regions, acct));
        b.steps.extend(self.data.0.steps(&regions));
        b.steps.extend(self.data.1.steps(&regions, acct));
        let home = b.region(0);
        b.steps.extend(self.iam_policies.steps(acct, &home));
        b.steps.extend(self.instances.steps(&regions));
        b.steps.extend(self.ssm.steps(&regions));
        b.steps.extend(self.keys_queues.steps(&regions, acct, &home));
        b.steps.extend(self.lambda_ecr.0.steps(&regions, acct, &home, self.current));
        b.steps.extend(self.lambda_ecr.1.steps(&regions));
        b.steps.extend(self.s3_access.steps(&regions, self.current, acct));
        b.steps.extend(self.rds.steps(&regions, acct));

        if let Some(on) = self.account_block {
            let home = b.region(0);
            b.step(
                "s3control:PutPublicAccessBlock",
                &home,
                json!({"AccountId": acct, "PublicAccessBlockConfiguration": {"BlockPublicAcls": on,
                    "IgnorePublicAcls": on, "BlockPublicPolicy": on, "RestrictPublicBuckets": on}}),
            );
        }

        let home = b.region(0);
        b.steps.extend(self.credentials.steps(&home));

        Scenario {
            format: 1,
            name: "generated-account".into(),
            description: Some("generated by tests/remediation_properties.rs".into()),
            era,
            account: AccountSpec {
                id: ACCOUNT.into(),
                regions: regions.clone(),
                home_region: Some(regions[0].clone()),
                ..AccountSpec::default()
            },
            baseline: BaselineSpec {
                preset: Preset::FreshAccount,
                root: RootSpec {
                    login_profile: true,
                    mfa: [MfaKind::None, MfaKind::Virtual, MfaKind::Hardware][self.mfa % 3],
                },
                config_one_click: Some(ConfigOneClick {
                    regions: regions.clone(),
                    include_global_resource_types: self.include_global,
                }),
                security_hub: Some(SecurityHubSpec {
                    regions: regions.clone(),
                    standards: hubsim_simulator::baseline::default_standards(),
                }),
            },
            start_time: None,
            parameters: Default::default(),
            readings: Default::default(),
            steps: b.steps,
            suppressions: Vec::new(),
            remediation: RemediationSpec::default(),
            expect: None,
        }
    }
}
