//! Generated IAM identities and policies (IAM.1, IAM.2, IAM.18): users, groups with members,
//! customer managed policies with versions (some granting `*` on `*`), attachments and inline
//! policies, permissions boundaries, and `AWSSupportAccess` somewhere or nowhere. Steps AWS
//! refuses for the drawn combination (a sixth policy version, a malformed document) carry
//! `expect_error`.

use std::collections::BTreeSet;

use hubsim_scenario::Step;
use proptest::prelude::*;
use serde_json::{json, Value};

/// AWS managed policies the plan may attach.
const AWS_POLICIES: &[&str] = &[
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AWSSupportAccess",
    "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
    "arn:aws:iam::aws:policy/AdministratorAccess",
];

/// A managed policy a user or group gets: one of the plan's own, or an AWS managed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyRef {
    Customer(usize),
    Aws(usize),
}

#[derive(Debug, Clone)]
pub struct PolicyPlan {
    /// Whether v1 allows `*` on `*`.
    pub admin: bool,
    /// Versions created after v1 (each alternating narrow/admin, every other one made the
    /// default); past the fifth version AWS refuses them.
    pub versions: usize,
}

#[derive(Debug, Clone)]
pub struct UserPlan {
    pub attach: Vec<PolicyRef>,
    pub inline: bool,
    pub groups: Vec<usize>,
    /// One of the plan's policies as its permissions boundary.
    pub boundary: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct GroupPlan {
    pub attach: Vec<PolicyRef>,
    pub inline: bool,
}

/// Where `AWSSupportAccess` goes besides the drawn attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    Nowhere,
    /// A group (index; possibly without members).
    Group(usize),
    /// A role trusted by the account root.
    Role,
}

/// The IAM part of a generated account.
#[derive(Debug, Clone)]
pub struct IamPlan {
    pub policies: Vec<PolicyPlan>,
    pub groups: Vec<GroupPlan>,
    pub users: Vec<UserPlan>,
    pub support: Support,
    /// Also try a policy IAM refuses (no Resource).
    pub malformed: bool,
}

fn policy_ref() -> impl Strategy<Value = PolicyRef> {
    prop_oneof![(0usize..3).prop_map(PolicyRef::Customer), (0..AWS_POLICIES.len()).prop_map(PolicyRef::Aws)]
}

/// The strategy of the IAM part.
pub fn plan() -> impl Strategy<Value = IamPlan> {
    (
        prop::collection::vec(
            (any::<bool>(), 0usize..6).prop_map(|(admin, versions)| PolicyPlan { admin, versions }),
            0..=3,
        ),
        prop::collection::vec(
            (prop::collection::vec(policy_ref(), 0..3), any::<bool>())
                .prop_map(|(attach, inline)| GroupPlan { attach, inline }),
            0..=3,
        ),
        prop::collection::vec(
            (
                prop::collection::vec(policy_ref(), 0..3),
                prop::bool::weighted(0.3),
                prop::collection::vec(0usize..3, 0..3),
                prop::option::weighted(0.2, 0usize..3),
            )
                .prop_map(|(attach, inline, groups, boundary)| UserPlan {
                    attach,
                    inline,
                    groups,
                    boundary,
                }),
            0..=4,
        ),
        prop_oneof![Just(Support::Nowhere), (0usize..3).prop_map(Support::Group), Just(Support::Role)],
        prop::bool::weighted(0.2),
    )
        .prop_map(|(policies, groups, users, support, malformed)| IamPlan {
            policies,
            groups,
            users,
            support,
            malformed,
        })
}

fn document(admin: bool, tag: usize) -> String {
    let narrow = json!({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": format!("arn:aws:s3:::data-{tag}/*")});
    let statements: Vec<Value> = if admin {
        vec![narrow, json!({"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"})]
    } else {
        vec![narrow]
    };
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

fn step(call: &str, region: &str, input: Value) -> Step {
    Step { call: call.into(), region: Some(region.to_string()), input, capture: None, expect_error: None, note: None }
}

fn refused(call: &str, region: &str, input: Value, code: &str, note: &str) -> Step {
    Step { expect_error: Some(code.into()), note: Some(note.into()), ..step(call, region, input) }
}

impl IamPlan {
    fn arn(&self, account: &str, r: PolicyRef) -> Option<String> {
        match r {
            PolicyRef::Aws(i) => Some(AWS_POLICIES[i % AWS_POLICIES.len()].to_string()),
            PolicyRef::Customer(_) if self.policies.is_empty() => None,
            PolicyRef::Customer(i) => Some(format!("arn:aws:iam::{account}:policy/gen-p{}", i % self.policies.len())),
        }
    }

    /// The steps that build this plan in `home` (IAM is global).
    pub fn steps(&self, account: &str, home: &str) -> Vec<Step> {
        let mut out = Vec::new();
        for (i, p) in self.policies.iter().enumerate() {
            let name = format!("gen-p{i}");
            let arn = format!("arn:aws:iam::{account}:policy/{name}");
            out.push(step(
                "iam:CreatePolicy",
                home,
                json!({"PolicyName": name, "PolicyDocument": document(p.admin, i)}),
            ));
            for k in 0..p.versions {
                let input = json!({"PolicyArn": arn, "PolicyDocument": document((k % 2 == 0) != p.admin, i + k),
                    "SetAsDefault": k % 2 == 0});
                if k + 2 > 5 {
                    out.push(refused("iam:CreatePolicyVersion", home, input, "LimitExceeded", "a sixth version"));
                } else {
                    out.push(step("iam:CreatePolicyVersion", home, input));
                }
            }
        }
        if self.malformed {
            let bad =
                json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}).to_string();
            out.push(refused(
                "iam:CreatePolicy",
                home,
                json!({"PolicyName": "gen-malformed", "PolicyDocument": bad}),
                "MalformedPolicyDocument",
                "a statement without Resource",
            ));
        }
        let inline = |who: &str| {
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:Get*",
                "Resource": format!("arn:aws:logs:*:{account}:log-group:{who}")}]})
            .to_string()
        };
        for (i, g) in self.groups.iter().enumerate() {
            let name = format!("gen-g{i}");
            out.push(step("iam:CreateGroup", home, json!({"GroupName": name})));
            let arns: BTreeSet<String> = g.attach.iter().filter_map(|r| self.arn(account, *r)).collect();
            for arn in arns {
                out.push(step("iam:AttachGroupPolicy", home, json!({"GroupName": name, "PolicyArn": arn})));
            }
            if g.inline {
                out.push(step(
                    "iam:PutGroupPolicy",
                    home,
                    json!({"GroupName": name, "PolicyName": "logs", "PolicyDocument": inline(&name)}),
                ));
            }
        }
        for (i, u) in self.users.iter().enumerate() {
            let name = format!("gen-u{i}");
            let mut input = json!({"UserName": name});
            if let (Some(b), false) = (u.boundary, self.policies.is_empty()) {
                input["PermissionsBoundary"] =
                    json!(format!("arn:aws:iam::{account}:policy/gen-p{}", b % self.policies.len()));
            }
            out.push(step("iam:CreateUser", home, input));
            if !self.groups.is_empty() {
                let groups: BTreeSet<usize> = u.groups.iter().map(|g| g % self.groups.len()).collect();
                for g in groups {
                    out.push(step(
                        "iam:AddUserToGroup",
                        home,
                        json!({"GroupName": format!("gen-g{g}"), "UserName": name}),
                    ));
                }
            }
            let arns: BTreeSet<String> = u.attach.iter().filter_map(|r| self.arn(account, *r)).collect();
            for arn in arns {
                out.push(step("iam:AttachUserPolicy", home, json!({"UserName": name, "PolicyArn": arn})));
            }
            if u.inline {
                out.push(step(
                    "iam:PutUserPolicy",
                    home,
                    json!({"UserName": name, "PolicyName": "logs", "PolicyDocument": inline(&name)}),
                ));
            }
        }
        let support = "arn:aws:iam::aws:policy/AWSSupportAccess";
        match self.support {
            Support::Nowhere => {}
            Support::Group(_) if self.groups.is_empty() => {}
            Support::Group(g) => {
                let already = self.groups[g % self.groups.len()]
                    .attach
                    .iter()
                    .any(|r| self.arn(account, *r).as_deref() == Some(support));
                if !already {
                    out.push(step(
                        "iam:AttachGroupPolicy",
                        home,
                        json!({"GroupName": format!("gen-g{}", g % self.groups.len()), "PolicyArn": support}),
                    ));
                }
            }
            Support::Role => {
                let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                    "Principal": {"AWS": format!("arn:aws:iam::{account}:root")}, "Action": "sts:AssumeRole"}]});
                out.push(step(
                    "iam:CreateRole",
                    home,
                    json!({"RoleName": "gen-support", "AssumeRolePolicyDocument": trust.to_string()}),
                ));
                out.push(step("iam:AttachRolePolicy", home, json!({"RoleName": "gen-support", "PolicyArn": support})));
            }
        }
        out
    }
}
