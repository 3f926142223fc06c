//! AddPermission and RemovePermission: statements of the queue's access policy, one per label
//! (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html>).

use hubsim_model::{sqs, Empty};
use serde_json::{json, Value};

use super::{invalid_parameter, locate, queue_arn};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<sqs::AddPermission>().add::<sqs::RemovePermission>();
}

/// The actions AddPermission grants (the API reference's list, or `*`).
const ACTIONS: &[&str] = &[
    "*",
    "SendMessage",
    "ReceiveMessage",
    "DeleteMessage",
    "ChangeMessageVisibility",
    "GetQueueAttributes",
    "GetQueueUrl",
];

fn bad_label(label: &str, why: &str) -> AwsError {
    invalid_parameter(format!("Value {label} for parameter Label is invalid. Reason: {why}"))
}

/// The statements of a policy document (none when it has none).
fn statements(policy: &Value) -> Vec<Value> {
    match policy.get("Statement") {
        Some(Value::Array(items)) => items.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    }
}

fn sid_is(st: &Value, label: &str) -> bool {
    st.get("Sid").and_then(Value::as_str) == Some(label)
}

impl Handler for sqs::AddPermission {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: sqs::AddPermissionRequest) -> Result<Empty, AwsError> {
        let (name, mut queue) = locate(ctx, &input.queue_url)?;
        let label = input.label.as_str();
        if label.is_empty()
            || label.len() > 80
            || !label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(bad_label(label, "only alphanumeric characters, hyphens and underscores, 1 to 80 in length."));
        }
        if input.aws_account_ids.is_empty() || input.actions.is_empty() {
            return Err(invalid_parameter("AWSAccountIds and Actions need at least one value each."));
        }
        if let Some(a) = input.aws_account_ids.iter().find(|a| a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(invalid_parameter(format!("Value {a} for parameter AWSAccountId is invalid.")));
        }
        if let Some(a) = input.actions.iter().find(|a| !ACTIONS.contains(&a.as_str())) {
            return Err(invalid_parameter(format!("Value SQS:{a} for parameter ActionName is invalid.")));
        }
        let arn = queue_arn(ctx.region(), ctx.account(), &name);
        let mut policy: Value = match queue.attributes.get("Policy") {
            Some(text) => serde_json::from_str(text).unwrap_or_else(|_| json!({})),
            None => json!({"Version": "2012-10-17", "Id": format!("{arn}/SQSDefaultPolicy")}),
        };
        let mut sts = statements(&policy);
        if sts.iter().any(|st| sid_is(st, label)) {
            return Err(bad_label(label, "Already exists."));
        }
        let principals: Vec<String> = input.aws_account_ids.iter().map(|a| format!("arn:aws:iam::{a}:root")).collect();
        let actions: Vec<String> = input.actions.iter().map(|a| format!("SQS:{a}")).collect();
        sts.push(json!({
            "Sid": label,
            "Effect": "Allow",
            "Principal": {"AWS": if principals.len() == 1 { json!(principals[0]) } else { json!(principals) }},
            "Action": if actions.len() == 1 { json!(actions[0]) } else { json!(actions) },
            "Resource": arn,
        }));
        if let Value::Object(m) = &mut policy {
            m.insert("Statement".into(), Value::Array(sts));
        }
        queue.attributes.insert("Policy".into(), policy.to_string());
        queue.modified = ctx.now();
        ctx.put(&name, &queue)?;
        Ok(Empty {})
    }
}

impl Handler for sqs::RemovePermission {
    const MUTATES: bool = true;

    /// Removes the statement whose `Sid` is the label; the policy goes when it has no
    /// statement left [U].
    fn handle(ctx: &mut Ctx<'_>, input: sqs::RemovePermissionRequest) -> Result<Empty, AwsError> {
        let (name, mut queue) = locate(ctx, &input.queue_url)?;
        let label = input.label.as_str();
        let mut policy: Value = queue
            .attributes
            .get("Policy")
            .and_then(|t| serde_json::from_str(t).ok())
            .ok_or_else(|| bad_label(label, "can't find label."))?;
        let mut sts = statements(&policy);
        let before = sts.len();
        sts.retain(|st| !sid_is(st, label));
        if sts.len() == before {
            return Err(bad_label(label, "can't find label."));
        }
        if sts.is_empty() {
            queue.attributes.remove("Policy");
        } else {
            if let Value::Object(m) = &mut policy {
                m.insert("Statement".into(), Value::Array(sts));
            }
            queue.attributes.insert("Policy".into(), policy.to_string());
        }
        queue.modified = ctx.now();
        ctx.put(&name, &queue)?;
        Ok(Empty {})
    }
}
