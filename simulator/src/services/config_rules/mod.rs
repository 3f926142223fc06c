//! AWS Config's configuration items and rules: the items recorded from the simulated state
//! (`items`), their history (`record`), the read API over them (`discovery`), the rules API
//! (`rules`), compliance (`compliance`), and Guard policies run by AWS's engine (`guard`).
//!
//! Recording and evaluation happen after each successful mutating call, in its transaction
//! ([`after_call`]): a call that changes a resource in a rule's scope leaves the rule's verdict
//! on it current when it answers, as Config evaluates change-triggered rules on the
//! configuration item the change produces
//! (https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config-rules.html). Periodic
//! rules run when the scenario clock passes their next run (`MaximumExecutionFrequency`).
//!
//! hubsim records items only in regions that hold a Config rule and whose recorder is
//! recording (a region without rules is left as it was, so accounts without rules pay nothing),
//! and keeps the latest [`record::HISTORY`] items of each resource.

pub mod compliance;
pub mod discovery;
pub mod guard;
pub mod items;
pub mod record;
pub mod rules;

use hubsim_model::{config, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::Resource;
use crate::Ctx;

/// Registers the operations.
pub fn register(r: &mut Registrar) {
    discovery::register(r);
    rules::register(r);
    compliance::register(r);
}

/// A Config rule, stored under its name in its region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleDoc {
    /// The rule as `DescribeConfigRules` shows it.
    pub rule: config::ConfigRule,
    /// When it was first put.
    pub first_activated: Timestamp,
    /// When it last evaluated successfully.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_success: Option<Timestamp>,
    /// When it last failed, with the error's code and message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_failure: Option<(Timestamp, String, String)>,
    /// When a periodic rule runs next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_periodic: Option<Timestamp>,
    /// The result tokens handed out for this rule's evaluations (`PutEvaluations` checks them),
    /// the latest few.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tokens: Vec<String>,
}

impl Resource for RuleDoc {
    const KIND: &'static str = "config:rule";
}

/// One rule's verdict on one resource, stored under `rule|type|id`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvalDoc {
    /// The rule's name.
    pub rule: String,
    /// The resource's type.
    pub resource_type: String,
    /// The resource's id.
    pub resource_id: String,
    /// `COMPLIANT`, `NON_COMPLIANT`, `NOT_APPLICABLE`.
    pub compliance: String,
    /// Why (a Guard clause, a Lambda's annotation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotation: Option<String>,
    /// The evaluation's ordering timestamp (the item's capture time).
    pub ordering: Timestamp,
    /// When the rule ran.
    pub invoked: Timestamp,
    /// When the result was recorded.
    pub recorded: Timestamp,
}

impl Resource for EvalDoc {
    const KIND: &'static str = "config:evaluation";
}

/// The store id of `rule`'s evaluation of a resource.
pub fn eval_id(rule: &str, resource_type: &str, resource_id: &str) -> String {
    format!("{rule}|{resource_type}|{resource_id}")
}

/// `NoSuchConfigRuleException` for `name`.
pub(crate) fn no_such_rule(name: &str) -> AwsError {
    AwsError::bad_request(
        "NoSuchConfigRuleException",
        format!("The ConfigRule '{name}' provided in the request is invalid. Please check the configRule name."),
    )
}

/// `InvalidParameterValueException` with `message`.
pub(crate) fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidParameterValueException", message)
}

/// Reads rule `name` of the call's region or answers `NoSuchConfigRuleException`.
pub(crate) fn rule_named(ctx: &Ctx<'_>, name: &str) -> Result<RuleDoc, AwsError> {
    ctx.get::<RuleDoc>(name)?.ok_or_else(|| no_such_rule(name))
}

/// The rule input of every resource hubsim builds items for in the call's region (the global
/// IAM types in the account's home region only), with `parameters` as `ruleParameters`: the
/// items as of now, whatever the recorder records.
pub(crate) fn rule_inputs(
    ctx: &mut Ctx<'_>,
    parameters: &serde_json::Value,
) -> Result<Vec<serde_json::Value>, AwsError> {
    let home = ctx.region() == ctx.settings().account.home_region;
    let mut out = Vec::new();
    for (ty, _) in items::TYPES {
        if items::GLOBAL_TYPES.contains(ty) && !home {
            continue;
        }
        let now = ctx.now();
        for item in items::items(ctx, ty)? {
            let captured = item.created.unwrap_or(now);
            let recorded = record::Recorded {
                item: None,
                status: "ResourceDiscovered".into(),
                captured,
                state_id: captured.0.to_string(),
            };
            out.push(record::rule_input(ctx, &recorded, &item, parameters));
        }
    }
    Ok(out)
}

/// Records what the call changed and runs the rules it triggers, in every region that holds a
/// rule (see the module's documentation). Called by the simulator after every successful
/// mutating call, inside its savepoint.
pub(crate) fn after_call(ctx: &mut Ctx<'_>, changed_kinds: &[String]) -> Result<(), AwsError> {
    let rules = ctx.list_all::<RuleDoc>()?;
    if rules.is_empty() {
        return Ok(());
    }
    let mut regions: Vec<String> = rules.into_iter().map(|(region, _, _)| region).collect();
    regions.sort();
    regions.dedup();
    let home = ctx.region().to_string();
    let mut result = Ok(());
    for region in regions {
        ctx.set_region(&region);
        result = record::on_change(ctx, changed_kinds);
        if result.is_err() {
            break;
        }
    }
    ctx.set_region(&home);
    result
}
