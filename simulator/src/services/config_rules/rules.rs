//! The rules API: PutConfigRule, DescribeConfigRules, DeleteConfigRule,
//! StartConfigRulesEvaluation, DescribeConfigRuleEvaluationStatus
//! (https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigRule.html).

use hubsim_model::{config, Empty};

use super::record::{self, frequency_ms, recorded_types};
use super::{guard, invalid, no_such_rule, rule_named, EvalDoc, RuleDoc};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::services::config::recorder;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<config::PutConfigRule>()
        .add::<config::DescribeConfigRules>()
        .add::<config::DeleteConfigRule>()
        .add::<config::StartConfigRulesEvaluation>()
        .add::<config::DescribeConfigRuleEvaluationStatus>();
}

/// Rules per region (Config's default quota,
/// https://docs.aws.amazon.com/config/latest/developerguide/configlimits.html).
pub const MAX_RULES: usize = 1000;
/// The one Guard runtime Config accepts (`PolicyRuntime`'s pattern `guard\-2\.x\.x`).
pub const GUARD_RUNTIME: &str = "guard-2.x.x";

/// Whether `ty` is a resource type AWS Config knows (its model's `ResourceType` enum).
fn known_type(ty: &str) -> bool {
    hubsim_model::service("config")
        .and_then(|m| m.shape("ResourceType"))
        .and_then(|s| s.enum_values.as_ref())
        .is_some_and(|values| values.iter().any(|v| v == ty))
}

/// Checks a rule's source, scope, parameters and frequency as Config does before storing it.
fn check_rule(rule: &config::ConfigRule) -> Result<(), AwsError> {
    let source = &rule.source;
    match source.owner.as_str() {
        "CUSTOM_POLICY" => {
            let Some(details) = &source.custom_policy_details else {
                return Err(invalid("A CUSTOM_POLICY rule needs CustomPolicyDetails."));
            };
            if source.source_identifier.is_some() {
                return Err(invalid("SourceIdentifier cannot be given for a CUSTOM_POLICY rule."));
            }
            if details.policy_runtime != GUARD_RUNTIME {
                return Err(invalid(format!(
                    "The PolicyRuntime '{}' is not valid: it must be {GUARD_RUNTIME}.",
                    details.policy_runtime
                )));
            }
            if let Err(e) = guard::check(&details.policy_text) {
                return Err(invalid(format!("The PolicyText is not a valid Guard policy: {e}")));
            }
        }
        "CUSTOM_LAMBDA" => {
            if source.source_identifier.as_deref().is_none_or(|s| !s.starts_with("arn:")) {
                return Err(invalid("A CUSTOM_LAMBDA rule needs SourceIdentifier, its Lambda function's ARN."));
            }
            if source.source_details.as_ref().is_none_or(|d| d.is_empty()) {
                return Err(invalid("A CUSTOM_LAMBDA rule needs SourceDetails."));
            }
        }
        _ => {
            if source.source_identifier.is_none() {
                return Err(invalid("An AWS managed rule needs SourceIdentifier, the managed rule's identifier."));
            }
            if source.custom_policy_details.is_some() {
                return Err(invalid("CustomPolicyDetails is only for CUSTOM_POLICY rules."));
            }
        }
    }
    for d in source.source_details.iter().flatten() {
        if d.event_source.as_deref().is_some_and(|e| e != "aws.config") {
            return Err(invalid("The EventSource of a source detail must be aws.config."));
        }
        if d.maximum_execution_frequency.is_some() && d.message_type.as_deref() != Some("ScheduledNotification") {
            return Err(invalid(
                "MaximumExecutionFrequency can be given only with the ScheduledNotification message type.",
            ));
        }
    }
    if let Some(scope) = &rule.scope {
        let types = scope.compliance_resource_types.clone().unwrap_or_default();
        if let Some(unknown) = types.iter().find(|t| !known_type(t)) {
            return Err(invalid(format!(
                "The resource type '{unknown}' in Scope.ComplianceResourceTypes is not valid."
            )));
        }
        if scope.compliance_resource_id.is_some() && types.len() != 1 {
            return Err(invalid(
                "Scope.ComplianceResourceId needs exactly one resource type in ComplianceResourceTypes.",
            ));
        }
        if scope.tag_value.is_some() && scope.tag_key.is_none() {
            return Err(invalid("Scope.TagValue needs Scope.TagKey."));
        }
    }
    if let Some(params) = &rule.input_parameters {
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(params);
        if !parsed.is_ok_and(|v| v.is_object()) {
            return Err(invalid("InputParameters must be a JSON object."));
        }
    }
    Ok(())
}

/// The stored rule a put names (by name, ARN or id), if it exists.
fn existing(ctx: &Ctx<'_>, rule: &config::ConfigRule) -> Result<Option<RuleDoc>, AwsError> {
    if let Some(name) = &rule.config_rule_name {
        return ctx.get::<RuleDoc>(name);
    }
    let found = ctx.list::<RuleDoc>()?.into_iter().map(|(_, r)| r).find(|r| {
        (rule.config_rule_arn.is_some() && r.rule.config_rule_arn == rule.config_rule_arn)
            || (rule.config_rule_id.is_some() && r.rule.config_rule_id == rule.config_rule_id)
    });
    match found {
        Some(r) => Ok(Some(r)),
        None => Err(invalid("The ConfigRuleName is required to add a new rule.")),
    }
}

impl Handler for config::PutConfigRule {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: config::PutConfigRuleRequest) -> Result<Empty, AwsError> {
        let given = input.config_rule;
        if recorder(ctx)?.is_none() {
            return Err(AwsError::bad_request(
                "NoAvailableConfigurationRecorderException",
                "Configuration recorder is not available to put config rule.",
            ));
        }
        check_rule(&given)?;
        let old = existing(ctx, &given)?;
        if old.is_none() && ctx.list::<RuleDoc>()?.len() >= MAX_RULES {
            return Err(AwsError::bad_request(
                "MaxNumberOfConfigRulesExceededException",
                format!("Failed to put rule because the maximum number of config rules: {MAX_RULES} is reached."),
            ));
        }
        let now = ctx.now();
        let mut doc = match old {
            Some(mut old) => {
                // A put replaces what it gives; the rule keeps its name, ARN and id.
                let keep = old.rule.clone();
                old.rule = config::ConfigRule {
                    config_rule_name: keep.config_rule_name,
                    config_rule_arn: keep.config_rule_arn,
                    config_rule_id: keep.config_rule_id,
                    config_rule_state: keep.config_rule_state,
                    ..given
                };
                old
            }
            None => {
                let name = given.config_rule_name.clone().unwrap_or_default();
                let suffix = ctx.ids().hex(6);
                let id = format!("config-rule-{suffix}");
                let arn = format!("arn:aws:config:{}:{}:config-rule/{id}", ctx.region(), ctx.account());
                RuleDoc {
                    rule: config::ConfigRule {
                        config_rule_name: Some(name),
                        config_rule_arn: Some(arn),
                        config_rule_id: Some(id),
                        config_rule_state: Some("ACTIVE".into()),
                        ..given
                    },
                    first_activated: now,
                    ..Default::default()
                }
            }
        };
        if doc.rule.source.owner == "CUSTOM_POLICY" {
            if let Some(d) = doc.rule.source.custom_policy_details.as_mut() {
                d.enable_debug_log_delivery = Some(d.enable_debug_log_delivery.unwrap_or(false));
            }
        }
        doc.next_periodic = frequency_ms(&doc).map(|ms| hubsim_model::Timestamp(now.0 + ms));
        let name = doc.rule.config_rule_name.clone().unwrap_or_default();
        // Config evaluates a new or changed rule at once on the resources in its scope.
        let types = recorded_types(ctx)?;
        record::record(ctx, &types)?;
        clear_verdicts(ctx, &name)?;
        record::evaluate(ctx, &mut doc, None)?;
        ctx.put(&name, &doc)?;
        Ok(Empty {})
    }
}

/// Removes every verdict of rule `name`.
fn clear_verdicts(ctx: &mut Ctx<'_>, name: &str) -> Result<(), AwsError> {
    for (id, e) in ctx.list::<EvalDoc>()? {
        if e.rule == name {
            ctx.delete::<EvalDoc>(&id)?;
        }
    }
    Ok(())
}

/// The rules a call names (all when none), or `NoSuchConfigRuleException` for the first
/// missing one.
fn named_rules(ctx: &Ctx<'_>, names: Option<Vec<String>>) -> Result<Vec<RuleDoc>, AwsError> {
    match names {
        Some(names) if !names.is_empty() => names.iter().map(|n| rule_named(ctx, n)).collect(),
        _ => Ok(ctx.list::<RuleDoc>()?.into_iter().map(|(_, r)| r).collect()),
    }
}

impl Handler for config::DescribeConfigRules {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: config::DescribeConfigRulesRequest,
    ) -> Result<config::DescribeConfigRulesResponse, AwsError> {
        let rules = named_rules(ctx, input.config_rule_names)?;
        Ok(config::DescribeConfigRulesResponse {
            config_rules: Some(rules.into_iter().map(|r| r.rule).collect()),
            next_token: None,
        })
    }
}

impl Handler for config::DeleteConfigRule {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: config::DeleteConfigRuleRequest) -> Result<Empty, AwsError> {
        let name = input.config_rule_name;
        rule_named(ctx, &name)?;
        clear_verdicts(ctx, &name)?;
        ctx.delete::<RuleDoc>(&name)?;
        Ok(Empty {})
    }
}

impl Handler for config::StartConfigRulesEvaluation {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: config::StartConfigRulesEvaluationRequest,
    ) -> Result<config::StartConfigRulesEvaluationResponse, AwsError> {
        let names = input.config_rule_names.unwrap_or_default();
        if names.is_empty() {
            return Err(invalid("ConfigRuleNames must name at least one rule."));
        }
        let mut rules = Vec::new();
        for name in &names {
            rules.push(ctx.get::<RuleDoc>(name)?.ok_or_else(|| no_such_rule(name))?);
        }
        let types = recorded_types(ctx)?;
        record::record(ctx, &types)?;
        for mut rule in rules {
            record::evaluate(ctx, &mut rule, None)?;
            let name = rule.rule.config_rule_name.clone().unwrap_or_default();
            ctx.put(&name, &rule)?;
        }
        Ok(config::StartConfigRulesEvaluationResponse {})
    }
}

impl Handler for config::DescribeConfigRuleEvaluationStatus {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: config::DescribeConfigRuleEvaluationStatusRequest,
    ) -> Result<config::DescribeConfigRuleEvaluationStatusResponse, AwsError> {
        let rules = named_rules(ctx, input.config_rule_names)?;
        let statuses = rules
            .into_iter()
            .map(|r| {
                let (failed_at, code, message) = match r.last_failure {
                    Some((t, c, m)) => (Some(t), Some(c), Some(m)),
                    None => (None, None, None),
                };
                config::ConfigRuleEvaluationStatus {
                    config_rule_name: r.rule.config_rule_name,
                    config_rule_arn: r.rule.config_rule_arn,
                    config_rule_id: r.rule.config_rule_id,
                    last_successful_invocation_time: r.last_success,
                    last_failed_invocation_time: failed_at,
                    last_successful_evaluation_time: r.last_success,
                    last_failed_evaluation_time: failed_at,
                    first_activated_time: Some(r.first_activated),
                    last_error_code: code,
                    last_error_message: message,
                    first_evaluation_started: Some(r.last_success.is_some() || failed_at.is_some()),
                    ..Default::default()
                }
            })
            .collect();
        Ok(config::DescribeConfigRuleEvaluationStatusResponse {
            config_rules_evaluation_status: Some(statuses),
            next_token: None,
        })
    }
}
