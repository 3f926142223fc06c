//! AddPermission, RemovePermission, GetPolicy: the function's resource policy, built by Lambda
//! one statement per AddPermission
//! (<https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html>,
//! <https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html>).
//!
//! The statement Lambda writes: `Sid` (the StatementId), `Effect: Allow`, the principal
//! (`"*"`; an account id becomes `{"AWS": "arn:aws:iam::<id>:root"}`; an ARN `{"AWS": arn}`;
//! a `*.amazonaws.com` name `{"Service": name}`), the action, the function ARN as `Resource`,
//! and a `Condition` from `SourceArn` (`ArnLike` `AWS:SourceArn`), `SourceAccount`,
//! `PrincipalOrgID`, `EventSourceToken` and `FunctionUrlAuthType` (`StringEquals`
//! `AWS:SourceAccount`, `aws:PrincipalOrgID`, `lambda:EventSourceToken`,
//! `lambda:FunctionUrlAuthType`).

use hubsim_model::{lambda, Empty};
use serde_json::{json, Map, Value};

use super::{check_qualifier, check_revision, conflict, invalid, load, not_found};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<lambda::AddPermission>().add::<lambda::RemovePermission>().add::<lambda::GetPolicy>();
}

/// A resource policy holds at most 20 KB.
const MAX_POLICY_BYTES: usize = 20_480;

/// The principal element Lambda writes for `given`.
fn principal(given: &str) -> Result<Value, AwsError> {
    if given == "*" {
        return Ok(json!("*"));
    }
    if given.len() == 12 && given.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(json!({ "AWS": format!("arn:aws:iam::{given}:root") }));
    }
    if given.starts_with("arn:") {
        return Ok(json!({ "AWS": given }));
    }
    if given.ends_with(".amazonaws.com") || given.ends_with(".amazon.com") {
        return Ok(json!({ "Service": given }));
    }
    Err(invalid(format!(
        "The provided principal was invalid. Please check the principal and try again. Principal: {given}"
    )))
}

/// The policy's statements (an absent policy has none).
fn statements(policy: Option<&str>) -> Vec<Value> {
    policy
        .and_then(|p| serde_json::from_str::<Value>(p).ok())
        .and_then(|v| v.get("Statement").and_then(Value::as_array).cloned())
        .unwrap_or_default()
}

/// The policy document holding `statements`, or none when there are none.
fn document(statements: Vec<Value>) -> Option<String> {
    (!statements.is_empty())
        .then(|| json!({ "Version": "2012-10-17", "Id": "default", "Statement": statements }).to_string())
}

impl Handler for lambda::AddPermission {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: lambda::AddPermissionRequest,
    ) -> Result<lambda::AddPermissionResponse, AwsError> {
        let (name, mut f) = load(ctx, &input.function_name)?;
        check_qualifier(ctx, &name, input.qualifier.as_deref())?;
        check_revision(&f, input.revision_id.as_deref())?;
        if input.statement_id.is_empty()
            || input.statement_id.len() > 100
            || !input.statement_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(invalid(format!(
                "1 validation error detected: Value '{}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)",
                input.statement_id
            )));
        }
        let action = if input.action.starts_with("lambda:") || input.action == "*" {
            input.action.clone()
        } else {
            return Err(invalid(format!("The action {} is not a lambda: action.", input.action)));
        };
        if let Some(t) = input.function_url_auth_type.as_deref() {
            if t != "NONE" && t != "AWS_IAM" {
                return Err(invalid(format!("FunctionUrlAuthType {t} is neither NONE nor AWS_IAM.")));
            }
        }
        let mut existing = statements(f.policy.as_deref());
        if existing.iter().any(|s| s.get("Sid").and_then(Value::as_str) == Some(input.statement_id.as_str())) {
            return Err(conflict(format!(
                "The statement id ({}) provided already exists. Please provide a new statement id, or remove the existing statement.",
                input.statement_id
            )));
        }
        let mut equals = Map::new();
        if let Some(a) = &input.source_account {
            equals.insert("AWS:SourceAccount".into(), json!(a));
        }
        if let Some(o) = &input.principal_org_id {
            equals.insert("aws:PrincipalOrgID".into(), json!(o));
        }
        if let Some(t) = &input.event_source_token {
            equals.insert("lambda:EventSourceToken".into(), json!(t));
        }
        if let Some(t) = &input.function_url_auth_type {
            equals.insert("lambda:FunctionUrlAuthType".into(), json!(t));
        }
        let mut condition = Map::new();
        if !equals.is_empty() {
            condition.insert("StringEquals".into(), Value::Object(equals));
        }
        if let Some(arn) = &input.source_arn {
            condition.insert("ArnLike".into(), json!({ "AWS:SourceArn": arn }));
        }
        let mut statement = json!({
            "Sid": input.statement_id,
            "Effect": "Allow",
            "Principal": principal(&input.principal)?,
            "Action": action,
            "Resource": f.config.function_arn.clone().unwrap_or_default(),
        });
        if !condition.is_empty() {
            statement["Condition"] = Value::Object(condition);
        }
        existing.push(statement.clone());
        let policy = document(existing);
        if policy.as_ref().is_some_and(|p| p.len() > MAX_POLICY_BYTES) {
            return Err(AwsError::bad_request(
                "PolicyLengthExceededException",
                "The final policy size is bigger than the limit.",
            ));
        }
        f.policy = policy;
        f.config.revision_id = Some(ctx.ids().uuid());
        ctx.put(&name, &f)?;
        Ok(lambda::AddPermissionResponse { statement: Some(statement.to_string()) })
    }
}

impl Handler for lambda::RemovePermission {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: lambda::RemovePermissionRequest) -> Result<Empty, AwsError> {
        let (name, mut f) = load(ctx, &input.function_name)?;
        check_qualifier(ctx, &name, input.qualifier.as_deref())?;
        check_revision(&f, input.revision_id.as_deref())?;
        let mut kept = statements(f.policy.as_deref());
        let before = kept.len();
        kept.retain(|s| s.get("Sid").and_then(Value::as_str) != Some(input.statement_id.as_str()));
        if kept.len() == before {
            return Err(not_found(format!("Statement {} is not found in resource policy.", input.statement_id)));
        }
        f.policy = document(kept);
        f.config.revision_id = Some(ctx.ids().uuid());
        ctx.put(&name, &f)?;
        Ok(Empty {})
    }
}

impl Handler for lambda::GetPolicy {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: lambda::GetPolicyRequest) -> Result<lambda::GetPolicyResponse, AwsError> {
        let (name, f) = load(ctx, &input.function_name)?;
        check_qualifier(ctx, &name, input.qualifier.as_deref())?;
        let policy = f.policy.ok_or_else(|| not_found("The resource you requested does not exist."))?;
        Ok(lambda::GetPolicyResponse { policy: Some(policy), revision_id: f.config.revision_id })
    }
}
