//! Recording: each resource's configuration items over time, and the rules a recording
//! triggers.

use std::collections::BTreeMap;

use hubsim_model::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::items::{self, Item, GLOBAL_TYPES, TYPES};
use super::{eval_id, guard, EvalDoc, RuleDoc};
use crate::error::AwsError;
use crate::services::config::{recorder, Recorder};
use crate::store::Resource;
use crate::Ctx;

/// How many items of each resource hubsim keeps (Config keeps seven years' worth; a scenario's
/// history needs the last few).
pub const HISTORY: usize = 100;

/// One recorded configuration item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    /// The configuration (`None` once the resource is deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<Item>,
    /// `ResourceDiscovered`, `OK` or `ResourceDeleted`.
    pub status: String,
    /// `configurationItemCaptureTime`.
    pub captured: Timestamp,
    /// `configurationStateId`: the capture time in milliseconds, as Config's are.
    pub state_id: String,
}

/// A resource's recorded items, oldest first, stored under `type|id` in the region it is
/// recorded in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// The resource's type.
    pub resource_type: String,
    /// The resource's id.
    pub resource_id: String,
    /// Its items, oldest first, at most [`HISTORY`].
    pub items: Vec<Recorded>,
}

impl History {
    /// The latest item, if the resource still exists.
    pub fn current(&self) -> Option<(&Recorded, &Item)> {
        let last = self.items.last()?;
        last.item.as_ref().map(|i| (last, i))
    }
}

impl Resource for History {
    const KIND: &'static str = "config:item";
}

/// The store id of a resource's history.
pub fn history_id(resource_type: &str, resource_id: &str) -> String {
    format!("{resource_type}|{resource_id}")
}

/// The resource types the region's recorder records: none unless it is recording; the global
/// IAM types only with `includeGlobalResourceTypes` (or named).
pub fn recorded_types(ctx: &Ctx<'_>) -> Result<Vec<&'static str>, AwsError> {
    let Some(Recorder { recorder, recording: true, .. }) = recorder(ctx)? else { return Ok(Vec::new()) };
    let group = recorder.recording_group.unwrap_or_default();
    let excluded = group.exclusion_by_resource_types.and_then(|e| e.resource_types).unwrap_or_default();
    let named = group.resource_types.unwrap_or_default();
    let all = group.all_supported.unwrap_or(false);
    let global = group.include_global_resource_types.unwrap_or(false);
    Ok(TYPES
        .iter()
        .map(|(ty, _)| *ty)
        .filter(|ty| {
            let records = if all {
                !GLOBAL_TYPES.contains(ty) || global
            } else if !named.is_empty() {
                named.iter().any(|n| n == ty)
            } else {
                // Exclusion: everything but what is excluded (global types included).
                true
            };
            records && !excluded.iter().any(|e| e == ty)
        })
        .collect())
}

/// After a call: records the types whose services the call changed, evaluates the
/// change-triggered rules on the items that changed, then the periodic rules that are due.
pub(crate) fn on_change(ctx: &mut Ctx<'_>, changed_kinds: &[String]) -> Result<(), AwsError> {
    let types: Vec<&str> = recorded_types(ctx)?
        .into_iter()
        .filter(|ty| {
            let prefix = TYPES.iter().find(|(t, _)| t == ty).map(|(_, p)| *p).unwrap_or("-");
            changed_kinds.iter().any(|k| k.starts_with(prefix))
        })
        .collect();
    let changes = record(ctx, &types)?;
    let mut rules: Vec<RuleDoc> = ctx.list::<RuleDoc>()?.into_iter().map(|(_, r)| r).collect();
    let now = ctx.now();
    for rule in &mut rules {
        let mut dirty = false;
        if triggered_by_changes(rule) && !changes.is_empty() {
            let in_scope: Vec<&(String, String)> =
                changes.iter().filter(|(ty, _)| types.contains(&ty.as_str())).collect();
            if !in_scope.is_empty() {
                evaluate(ctx, rule, Some(&in_scope.into_iter().cloned().collect::<Vec<_>>()))?;
                dirty = true;
            }
        }
        if let Some(next) = rule.next_periodic {
            if next.0 <= now.0 {
                evaluate(ctx, rule, None)?;
                let step = frequency_ms(rule).unwrap_or(24 * 3_600_000);
                // The next run after now (a long clock jump runs the rule once, as Config would
                // on its next schedule).
                let behind = (now.0 - next.0) / step + 1;
                rule.next_periodic = Some(Timestamp(next.0 + behind * step));
                dirty = true;
            }
        }
        if dirty {
            let name = rule.rule.config_rule_name.clone().unwrap_or_default();
            ctx.put(&name, rule)?;
        }
    }
    Ok(())
}

/// Records the current items of `types` in the call's region: a new resource gets a
/// `ResourceDiscovered` item, a changed one an `OK` item, a vanished one a `ResourceDeleted`
/// item. Answers the (type, id) of each resource whose item changed.
pub(crate) fn record(ctx: &mut Ctx<'_>, types: &[&str]) -> Result<Vec<(String, String)>, AwsError> {
    if types.is_empty() {
        return Ok(Vec::new());
    }
    let mut stored: BTreeMap<String, History> =
        ctx.list::<History>()?.into_iter().filter(|(_, h)| types.contains(&h.resource_type.as_str())).collect();
    let now = ctx.now();
    let mut changed = Vec::new();
    for ty in types {
        for item in items::items(ctx, ty)? {
            let id = history_id(&item.resource_type, &item.resource_id);
            let mut history = stored.remove(&id).unwrap_or_else(|| History {
                resource_type: item.resource_type.clone(),
                resource_id: item.resource_id.clone(),
                items: Vec::new(),
            });
            if history.current().is_some_and(|(_, current)| *current == item) {
                continue;
            }
            let status = if history.current().is_some() { "OK" } else { "ResourceDiscovered" };
            changed.push((item.resource_type.clone(), item.resource_id.clone()));
            push(&mut history, Some(item), status, now);
            ctx.put(&id, &history)?;
        }
    }
    // What is left was recorded and no longer exists.
    for (id, mut history) in stored {
        if history.current().is_none() {
            continue;
        }
        changed.push((history.resource_type.clone(), history.resource_id.clone()));
        push(&mut history, None, "ResourceDeleted", now);
        ctx.put(&id, &history)?;
    }
    Ok(changed)
}

fn push(history: &mut History, item: Option<Item>, status: &str, now: Timestamp) {
    history.items.push(Recorded { item, status: status.into(), captured: now, state_id: now.0.to_string() });
    if history.items.len() > HISTORY {
        let extra = history.items.len() - HISTORY;
        history.items.drain(..extra);
    }
}

/// Whether a rule runs on configuration changes (its source details name a change
/// notification, or name nothing: a Guard rule's default).
pub fn triggered_by_changes(rule: &RuleDoc) -> bool {
    let details = rule.rule.source.source_details.clone().unwrap_or_default();
    details.is_empty()
        || details.iter().any(|d| {
            matches!(
                d.message_type.as_deref(),
                Some("ConfigurationItemChangeNotification" | "OversizedConfigurationItemChangeNotification")
            )
        })
}

/// A periodic rule's frequency in milliseconds.
pub fn frequency_ms(rule: &RuleDoc) -> Option<i64> {
    let from_details = rule
        .rule
        .source
        .source_details
        .iter()
        .flatten()
        .find(|d| d.message_type.as_deref() == Some("ScheduledNotification"))
        .and_then(|d| d.maximum_execution_frequency.clone());
    let freq = rule.rule.maximum_execution_frequency.clone().or(from_details)?;
    let hours = match freq.as_str() {
        "One_Hour" => 1,
        "Three_Hours" => 3,
        "Six_Hours" => 6,
        "Twelve_Hours" => 12,
        _ => 24,
    };
    Some(hours * 3_600_000)
}

/// Whether a recorded resource is in a rule's scope: its type (when the scope names types),
/// its id (when it names one), its tag (when it names a key, and a value).
pub fn in_scope(rule: &RuleDoc, item: &Item) -> bool {
    let Some(scope) = &rule.rule.scope else { return true };
    if let Some(types) = scope.compliance_resource_types.as_ref().filter(|t| !t.is_empty()) {
        if !types.contains(&item.resource_type) {
            return false;
        }
    }
    if let Some(id) = &scope.compliance_resource_id {
        if *id != item.resource_id {
            return false;
        }
    }
    if let Some(key) = &scope.tag_key {
        match (item.tags.get(key), &scope.tag_value) {
            (None, _) => return false,
            (Some(v), Some(want)) if v != want => return false,
            _ => {}
        }
    }
    true
}

/// The configuration item as Config hands it to a rule: the API's `ConfigurationItem` with
/// `configuration` and `supplementaryConfiguration` as objects, and the rule's input
/// parameters as `ruleParameters`.
pub fn rule_input(ctx: &Ctx<'_>, recorded: &Recorded, item: &Item, parameters: &Value) -> Value {
    serde_json::json!({
        "version": "1.3",
        "accountId": ctx.account(),
        "configurationItemCaptureTime": recorded.captured,
        "configurationItemStatus": recorded.status,
        "configurationStateId": recorded.state_id,
        "arn": item.arn,
        "resourceType": item.resource_type,
        "resourceId": item.resource_id,
        "resourceName": item.resource_name,
        "awsRegion": ctx.region(),
        "resourceCreationTime": item.created,
        "tags": item.tags,
        "relationships": item.relationships,
        "configuration": item.configuration,
        "supplementaryConfiguration": item.supplementary,
        "ruleParameters": parameters,
    })
}

/// Runs `rule` on the resources `only` names (all recorded ones in its scope when `None`),
/// storing each verdict; a resource deleted since loses its verdict. Only Guard rules run
/// here: a Lambda rule's verdicts come through `PutEvaluations`, and AWS's managed rules are
/// Security Hub's controls, judged by hubsim's evaluator.
pub(crate) fn evaluate(
    ctx: &mut Ctx<'_>,
    rule: &mut RuleDoc,
    only: Option<&[(String, String)]>,
) -> Result<(), AwsError> {
    let Some(policy) = rule.rule.source.custom_policy_details.as_ref().map(|d| d.policy_text.clone()) else {
        return Ok(());
    };
    let name = rule.rule.config_rule_name.clone().unwrap_or_default();
    let parameters: Value = rule
        .rule
        .input_parameters
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or_else(|| Value::Object(Default::default()));
    let histories: Vec<History> = match only {
        Some(ids) => {
            let mut out = Vec::new();
            for (ty, id) in ids {
                out.extend(ctx.get::<History>(&history_id(ty, id))?);
            }
            out
        }
        None => ctx.list::<History>()?.into_iter().map(|(_, h)| h).collect(),
    };
    let now = ctx.now();
    for history in histories {
        let key = eval_id(&name, &history.resource_type, &history.resource_id);
        let Some((recorded, item)) = history.current() else {
            ctx.delete::<EvalDoc>(&key)?;
            continue;
        };
        if !in_scope(rule, item) {
            ctx.delete::<EvalDoc>(&key)?;
            continue;
        }
        let input = rule_input(ctx, recorded, item, &parameters);
        match guard::evaluate(&policy, &input) {
            Ok(verdict) => {
                let doc = EvalDoc {
                    rule: name.clone(),
                    resource_type: item.resource_type.clone(),
                    resource_id: item.resource_id.clone(),
                    compliance: verdict.compliance.into(),
                    annotation: Some(truncate(&verdict.clause, 256)),
                    ordering: recorded.captured,
                    invoked: now,
                    recorded: now,
                };
                // A verdict re-reached is left as it was recorded (Config keeps the result
                // until it changes).
                let same = ctx.get::<EvalDoc>(&key)?.is_some_and(|old| {
                    (&old.compliance, &old.annotation, old.ordering) == (&doc.compliance, &doc.annotation, doc.ordering)
                });
                if !same {
                    ctx.put(&key, &doc)?;
                }
                rule.last_success = Some(now);
            }
            Err(e) => {
                rule.last_failure = Some((now, "GuardEvaluationError".into(), truncate(&e.to_string(), 1000)));
            }
        }
    }
    Ok(())
}

/// `text` cut to at most `max` characters (an annotation holds 256).
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(3)).collect();
    out.push_str("...");
    out
}
