//! Standards: DescribeStandards, BatchEnableStandards, BatchDisableStandards,
//! GetEnabledStandards.
//!
//! hubsim models the two standards Security Hub enables by default (FSBP v1.0.0 and CIS v1.2.0;
//! AWS: https://docs.aws.amazon.com/cli/v1/reference/securityhub/enable-security-hub.html).
//! A subscription is `READY` as soon as it is created (AWS passes through `PENDING`).

use std::collections::BTreeMap;

use hubsim_model::securityhub;
use serde::{Deserialize, Serialize};

use super::{invalid_input, page, require_hub};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<securityhub::DescribeStandards>()
        .add::<securityhub::BatchEnableStandards>()
        .add::<securityhub::BatchDisableStandards>()
        .add::<securityhub::GetEnabledStandards>();
}

/// `StandardsId` of AWS Foundational Security Best Practices v1.0.0 (as findings carry it).
pub const FSBP_1_0_0: &str = "standards/aws-foundational-security-best-practices/v/1.0.0";
/// `StandardsId` of CIS AWS Foundations Benchmark v1.2.0.
pub const CIS_1_2_0: &str = "ruleset/cis-aws-foundations-benchmark/v/1.2.0";

/// A standard hubsim knows.
pub(super) struct StandardDef {
    /// The `StandardsId` (the ARN's resource part).
    id: &'static str,
    /// Whether the standard's ARN names the region (FSBP does, CIS v1.2.0 does not).
    regional: bool,
    name: &'static str,
    description: &'static str,
}

const FSBP: StandardDef = StandardDef {
    id: FSBP_1_0_0,
    regional: true,
    name: "AWS Foundational Security Best Practices v1.0.0",
    description: "The AWS Foundational Security Best Practices standard is a set of automated security checks that detect when AWS accounts and deployed resources do not align to security best practices. The standard is defined by AWS security experts. This curated set of controls helps improve your security posture in AWS, and cover AWS's most popular and foundational services.",
};

const CIS: StandardDef = StandardDef {
    id: CIS_1_2_0,
    regional: false,
    name: "CIS AWS Foundations Benchmark v1.2.0",
    description: "The Center for Internet Security (CIS) AWS Foundations Benchmark v1.2.0 is a set of security configuration best practices for AWS. This Security Hub standard automatically checks for your compliance readiness against a subset of CIS requirements.",
};

/// Every standard, in the order DescribeStandards lists them.
const STANDARDS: [&StandardDef; 2] = [&FSBP, &CIS];

/// The standards `EnableSecurityHub` subscribes to when `EnableDefaultStandards` is true.
pub(super) const DEFAULT_STANDARDS: [&StandardDef; 2] = [&FSBP, &CIS];

impl StandardDef {
    fn arn(&self, region: &str) -> String {
        if self.regional {
            format!("arn:aws:securityhub:{region}::{}", self.id)
        } else {
            format!("arn:aws:securityhub:::{}", self.id)
        }
    }

    fn subscription_arn(&self, region: &str, account: &str) -> String {
        let path = self.id.split_once('/').map(|(_, p)| p).unwrap_or(self.id);
        format!("arn:aws:securityhub:{region}:{account}:subscription/{path}")
    }
}

/// A standards subscription, stored under its ARN.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    /// `arn:aws:securityhub:<region>:<acct>:subscription/<standard path>`.
    pub arn: String,
    /// The standard's ARN.
    pub standards_arn: String,
    /// The standard's `StandardsId` ([`FSBP_1_0_0`], [`CIS_1_2_0`]).
    pub standards_id: String,
    /// The `StandardsInput` given when enabling.
    #[serde(default)]
    pub standards_input: BTreeMap<String, String>,
    /// `READY` in hubsim.
    pub status: String,
}

impl Resource for Subscription {
    const KIND: &'static str = "securityhub:standards-subscription";
}

fn standard_by_arn(region: &str, arn: &str) -> Option<&'static StandardDef> {
    STANDARDS.into_iter().find(|s| s.arn(region) == arn)
}

/// Subscribes the call's region to `standard` (idempotent); the subscription.
pub(super) fn subscribe(
    ctx: &mut Ctx<'_>,
    standard: &StandardDef,
    input: BTreeMap<String, String>,
) -> Result<Subscription, AwsError> {
    let arn = standard.subscription_arn(ctx.region(), ctx.account());
    if let Some(existing) = ctx.get::<Subscription>(&arn)? {
        return Ok(existing);
    }
    let s = Subscription {
        arn: arn.clone(),
        standards_arn: standard.arn(ctx.region()),
        standards_id: standard.id.to_string(),
        standards_input: input,
        status: "READY".to_string(),
    };
    ctx.put(&arn, &s)?;
    Ok(s)
}

fn output(s: Subscription, status: &str) -> securityhub::StandardsSubscription {
    securityhub::StandardsSubscription {
        standards_subscription_arn: s.arn,
        standards_arn: s.standards_arn,
        standards_input: s.standards_input,
        standards_status: status.to_string(),
        standards_controls_updatable: Some(
            if status == "READY" { "READY_FOR_UPDATES" } else { "NOT_READY_FOR_UPDATES" }.to_string(),
        ),
        standards_status_reason: None,
    }
}

fn check_count(n: usize, what: &str) -> Result<(), AwsError> {
    if (1..=25).contains(&n) {
        Ok(())
    } else {
        Err(invalid_input(format!("{what} must contain between 1 and 25 items.")))
    }
}

impl Handler for securityhub::DescribeStandards {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: securityhub::DescribeStandardsRequest,
    ) -> Result<securityhub::DescribeStandardsResponse, AwsError> {
        require_hub(ctx)?;
        let region = ctx.region().to_string();
        let all: Vec<securityhub::Standard> = STANDARDS
            .iter()
            .map(|s| securityhub::Standard {
                standards_arn: Some(s.arn(&region)),
                name: Some(s.name.to_string()),
                description: Some(s.description.to_string()),
                enabled_by_default: Some(true),
                standards_managed_by: Some(securityhub::StandardsManagedBy {
                    company: Some("AWS".into()),
                    product: Some("Security Hub".into()),
                }),
            })
            .collect();
        let (standards, next_token) = page(all, input.next_token.as_deref(), input.max_results, 100)?;
        Ok(securityhub::DescribeStandardsResponse { standards: Some(standards), next_token })
    }
}

impl Handler for securityhub::BatchEnableStandards {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: securityhub::BatchEnableStandardsRequest,
    ) -> Result<securityhub::BatchEnableStandardsResponse, AwsError> {
        require_hub(ctx)?;
        let requests = input.standards_subscription_requests;
        check_count(requests.len(), "StandardsSubscriptionRequests")?;
        let region = ctx.region().to_string();
        let mut chosen = Vec::new();
        for r in requests {
            let standard = standard_by_arn(&region, &r.standards_arn)
                .ok_or_else(|| invalid_input(format!("Invalid StandardsArn: {}", r.standards_arn)))?;
            chosen.push((standard, r.standards_input.unwrap_or_default()));
        }
        let mut out = Vec::new();
        for (standard, standards_input) in chosen {
            let s = subscribe(ctx, standard, standards_input)?;
            let status = s.status.clone();
            out.push(output(s, &status));
        }
        Ok(securityhub::BatchEnableStandardsResponse { standards_subscriptions: Some(out) })
    }
}

impl Handler for securityhub::BatchDisableStandards {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: securityhub::BatchDisableStandardsRequest,
    ) -> Result<securityhub::BatchDisableStandardsResponse, AwsError> {
        require_hub(ctx)?;
        let arns = input.standards_subscription_arns;
        check_count(arns.len(), "StandardsSubscriptionArns")?;
        let mut found = Vec::new();
        for arn in &arns {
            let s = ctx
                .get::<Subscription>(arn)?
                .ok_or_else(|| invalid_input(format!("Invalid StandardsSubscriptionArn: {arn}")))?;
            if !found.iter().any(|f: &Subscription| f.arn == s.arn) {
                found.push(s);
            }
        }
        let mut out = Vec::new();
        for s in found {
            ctx.delete::<Subscription>(&s.arn)?;
            out.push(output(s, "DELETING"));
        }
        Ok(securityhub::BatchDisableStandardsResponse { standards_subscriptions: Some(out) })
    }
}

impl Handler for securityhub::GetEnabledStandards {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: securityhub::GetEnabledStandardsRequest,
    ) -> Result<securityhub::GetEnabledStandardsResponse, AwsError> {
        require_hub(ctx)?;
        let mut subs: Vec<Subscription> = ctx.list::<Subscription>()?.into_iter().map(|(_, s)| s).collect();
        if let Some(arns) = &input.standards_subscription_arns {
            check_count(arns.len(), "StandardsSubscriptionArns")?;
            subs.retain(|s| arns.contains(&s.arn));
        }
        let all = subs
            .into_iter()
            .map(|s| {
                let status = s.status.clone();
                output(s, &status)
            })
            .collect();
        let (standards_subscriptions, next_token) = page(all, input.next_token.as_deref(), input.max_results, 100)?;
        Ok(securityhub::GetEnabledStandardsResponse {
            standards_subscriptions: Some(standards_subscriptions),
            next_token,
        })
    }
}
