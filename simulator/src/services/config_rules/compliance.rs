//! Compliance: DescribeComplianceByConfigRule, DescribeComplianceByResource,
//! GetComplianceDetailsByConfigRule, GetComplianceDetailsByResource, PutEvaluations
//! (https://docs.aws.amazon.com/config/latest/APIReference/API_DescribeComplianceByConfigRule.html).

use std::collections::BTreeMap;

use hubsim_model::config;

use super::{eval_id, invalid, rule_named, EvalDoc, RuleDoc};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<config::DescribeComplianceByConfigRule>()
        .add::<config::DescribeComplianceByResource>()
        .add::<config::GetComplianceDetailsByConfigRule>()
        .add::<config::GetComplianceDetailsByResource>()
        .add::<config::PutEvaluations>();
}

/// The most contributors Config counts before it caps the count.
const CAP: usize = 100;
/// The compliance types a filter may name.
const FILTERABLE: &[&str] = &["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA"];

/// Checks a `ComplianceTypes` filter.
fn check_filter(types: &Option<Vec<String>>) -> Result<(), AwsError> {
    for t in types.iter().flatten() {
        if !FILTERABLE.contains(&t.as_str()) {
            return Err(invalid(format!("The compliance type '{t}' is not valid.")));
        }
    }
    Ok(())
}

fn passes(filter: &Option<Vec<String>>, compliance: &str) -> bool {
    filter.as_ref().is_none_or(|f| f.is_empty() || f.iter().any(|t| t == compliance))
}

/// The aggregate of several verdicts as Config reports it: NON_COMPLIANT if any is (with the
/// count), COMPLIANT if any is and none fails, INSUFFICIENT_DATA with no applicable verdict.
fn aggregate<'a>(verdicts: impl Iterator<Item = &'a str>) -> config::Compliance {
    let (mut failing, mut passing) = (0usize, 0usize);
    for v in verdicts {
        match v {
            "NON_COMPLIANT" => failing += 1,
            "COMPLIANT" => passing += 1,
            _ => {}
        }
    }
    let (kind, count) = if failing > 0 {
        ("NON_COMPLIANT", Some(failing))
    } else if passing > 0 {
        ("COMPLIANT", None)
    } else {
        ("INSUFFICIENT_DATA", None)
    };
    config::Compliance {
        compliance_type: Some(kind.into()),
        compliance_contributor_count: count.map(|n| config::ComplianceContributorCount {
            capped_count: Some(n.min(CAP) as i32),
            cap_exceeded: Some(n > CAP),
        }),
    }
}

/// One page of `items`: `limit` (default and cap `max`) from the offset `token` holds.
fn page<T>(
    items: Vec<T>,
    limit: Option<i32>,
    token: Option<String>,
    max: usize,
) -> Result<(Vec<T>, Option<String>), AwsError> {
    let start = match token.as_deref().filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => t.parse::<usize>().map_err(|_| {
            AwsError::bad_request("InvalidNextTokenException", "The specified next token is invalid. Specify the nextToken string that was returned in the previous response to get the next page of results.")
        })?,
    };
    let limit = match limit {
        None | Some(0) => max,
        Some(n) if n < 0 || n as usize > max => {
            return Err(AwsError::bad_request(
                "InvalidLimitException",
                format!("The limit must be between 0 and {max}."),
            ))
        }
        Some(n) => n as usize,
    };
    let total = items.len();
    let end = start.saturating_add(limit).min(total);
    let next = (end < total).then(|| end.to_string());
    Ok((items.into_iter().skip(start).take(limit).collect(), next))
}

fn verdicts(ctx: &Ctx<'_>) -> Result<Vec<EvalDoc>, AwsError> {
    Ok(ctx.list::<EvalDoc>()?.into_iter().map(|(_, e)| e).collect())
}

fn result_of(e: EvalDoc) -> config::EvaluationResult {
    config::EvaluationResult {
        evaluation_result_identifier: Some(config::EvaluationResultIdentifier {
            evaluation_result_qualifier: Some(config::EvaluationResultQualifier {
                config_rule_name: Some(e.rule),
                resource_type: Some(e.resource_type),
                resource_id: Some(e.resource_id),
                evaluation_mode: Some("DETECTIVE".into()),
            }),
            ordering_timestamp: Some(e.ordering),
            resource_evaluation_id: None,
        }),
        compliance_type: Some(e.compliance),
        result_recorded_time: Some(e.recorded),
        config_rule_invoked_time: Some(e.invoked),
        annotation: e.annotation,
        result_token: None,
    }
}

impl Handler for config::DescribeComplianceByConfigRule {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: config::DescribeComplianceByConfigRuleRequest,
    ) -> Result<config::DescribeComplianceByConfigRuleResponse, AwsError> {
        check_filter(&input.compliance_types)?;
        let rules: Vec<RuleDoc> = match input.config_rule_names.filter(|n| !n.is_empty()) {
            Some(names) => names.iter().map(|n| rule_named(ctx, n)).collect::<Result<_, _>>()?,
            None => ctx.list::<RuleDoc>()?.into_iter().map(|(_, r)| r).collect(),
        };
        let all = verdicts(ctx)?;
        let mut out = Vec::new();
        for r in rules {
            let name = r.rule.config_rule_name.unwrap_or_default();
            let compliance = aggregate(all.iter().filter(|e| e.rule == name).map(|e| e.compliance.as_str()));
            if passes(&input.compliance_types, compliance.compliance_type.as_deref().unwrap_or_default()) {
                out.push(config::ComplianceByConfigRule { config_rule_name: Some(name), compliance: Some(compliance) });
            }
        }
        Ok(config::DescribeComplianceByConfigRuleResponse { compliance_by_config_rules: Some(out), next_token: None })
    }
}

impl Handler for config::DescribeComplianceByResource {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: config::DescribeComplianceByResourceRequest,
    ) -> Result<config::DescribeComplianceByResourceResponse, AwsError> {
        check_filter(&input.compliance_types)?;
        if input.resource_id.is_some() && input.resource_type.is_none() {
            return Err(invalid("ResourceType is required when ResourceId is given."));
        }
        let mut by_resource: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for e in verdicts(ctx)? {
            if input.resource_type.as_ref().is_some_and(|t| *t != e.resource_type)
                || input.resource_id.as_ref().is_some_and(|i| *i != e.resource_id)
            {
                continue;
            }
            by_resource.entry((e.resource_type, e.resource_id)).or_default().push(e.compliance);
        }
        let mut out = Vec::new();
        for ((ty, id), list) in by_resource {
            let compliance = aggregate(list.iter().map(String::as_str));
            if passes(&input.compliance_types, compliance.compliance_type.as_deref().unwrap_or_default()) {
                out.push(config::ComplianceByResource {
                    resource_type: Some(ty),
                    resource_id: Some(id),
                    compliance: Some(compliance),
                });
            }
        }
        let (items, next) = page(out, input.limit, input.next_token, 100)?;
        Ok(config::DescribeComplianceByResourceResponse { compliance_by_resources: Some(items), next_token: next })
    }
}

impl Handler for config::GetComplianceDetailsByConfigRule {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: config::GetComplianceDetailsByConfigRuleRequest,
    ) -> Result<config::GetComplianceDetailsByConfigRuleResponse, AwsError> {
        check_filter(&input.compliance_types)?;
        rule_named(ctx, &input.config_rule_name)?;
        let results: Vec<_> = verdicts(ctx)?
            .into_iter()
            .filter(|e| e.rule == input.config_rule_name && passes(&input.compliance_types, &e.compliance))
            .map(result_of)
            .collect();
        let (items, next) = page(results, input.limit, input.next_token, 100)?;
        Ok(config::GetComplianceDetailsByConfigRuleResponse { evaluation_results: Some(items), next_token: next })
    }
}

impl Handler for config::GetComplianceDetailsByResource {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: config::GetComplianceDetailsByResourceRequest,
    ) -> Result<config::GetComplianceDetailsByResourceResponse, AwsError> {
        check_filter(&input.compliance_types)?;
        let (Some(ty), Some(id)) = (&input.resource_type, &input.resource_id) else {
            return Err(invalid("ResourceType and ResourceId are required (ResourceEvaluationId is for proactive evaluations, which hubsim does not run)."));
        };
        let results: Vec<_> = verdicts(ctx)?
            .into_iter()
            .filter(|e| {
                e.resource_type == *ty && e.resource_id == *id && passes(&input.compliance_types, &e.compliance)
            })
            .map(result_of)
            .collect();
        let (items, next) = page(results, None, input.next_token, 100)?;
        Ok(config::GetComplianceDetailsByResourceResponse { evaluation_results: Some(items), next_token: next })
    }
}

/// The evaluations one `PutEvaluations` call may carry.
const MAX_EVALUATIONS: usize = 100;

impl Handler for config::PutEvaluations {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: config::PutEvaluationsRequest,
    ) -> Result<config::PutEvaluationsResponse, AwsError> {
        let token = input.result_token;
        let rule = ctx.list::<RuleDoc>()?.into_iter().map(|(_, r)| r).find(|r| r.tokens.contains(&token));
        let Some(rule) = rule else {
            return Err(AwsError::bad_request(
                "InvalidResultTokenException",
                "The specified ResultToken is not valid.",
            ));
        };
        let evaluations = input.evaluations.unwrap_or_default();
        if evaluations.len() > MAX_EVALUATIONS {
            return Err(invalid(format!("Evaluations may hold at most {MAX_EVALUATIONS} evaluations.")));
        }
        for e in &evaluations {
            if !["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"].contains(&e.compliance_type.as_str()) {
                return Err(invalid(format!(
                    "The ComplianceType '{}' is not valid for an evaluation: use COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE.",
                    e.compliance_type
                )));
            }
        }
        if input.test_mode == Some(true) {
            return Ok(config::PutEvaluationsResponse { failed_evaluations: Some(Vec::new()) });
        }
        let name = rule.rule.config_rule_name.clone().unwrap_or_default();
        let now = ctx.now();
        for e in evaluations {
            let key = eval_id(&name, &e.compliance_resource_type, &e.compliance_resource_id);
            let doc = EvalDoc {
                rule: name.clone(),
                resource_type: e.compliance_resource_type,
                resource_id: e.compliance_resource_id,
                compliance: e.compliance_type,
                annotation: e.annotation,
                ordering: e.ordering_timestamp,
                invoked: now,
                recorded: now,
            };
            ctx.put(&key, &doc)?;
        }
        Ok(config::PutEvaluationsResponse { failed_evaluations: Some(Vec::new()) })
    }
}
