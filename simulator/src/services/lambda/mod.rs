//! AWS Lambda (API 2015-03-31, rest-json): functions as configuration only (the code is an
//! opaque zip of which hubsim keeps the SHA-256 and the size), their resource policies,
//! function URLs and tags. Functions are regional and stored under their name; every
//! operation names a function by its name, its ARN or its partial ARN
//! (<https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html>).
//!
//! Errors are rest-json's (`x-amzn-ErrorType`): `ResourceNotFoundException` (404),
//! `ResourceConflictException` (409), `InvalidParameterValueException` (400) and
//! `PreconditionFailedException` (412)
//! (<https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html>).

mod functions;
mod permissions;
pub mod runtimes;
mod tags;
mod urls;

use std::collections::BTreeMap;

use hubsim_model::{lambda, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::Resource;
use crate::Ctx;

/// Registers Lambda's operations.
pub fn register(r: &mut Registrar) {
    functions::register(r);
    permissions::register(r);
    urls::register(r);
    tags::register(r);
}

/// One function as stored (id: its name, in its region).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Function {
    /// The configuration as GetFunctionConfiguration answers it.
    pub config: lambda::FunctionConfiguration,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// The resource policy (JSON text), absent until AddPermission.
    #[serde(default)]
    pub policy: Option<String>,
    /// The function URL, if one was created.
    #[serde(default)]
    pub url: Option<lambda::FunctionUrlConfig>,
    /// When it was created.
    pub created: Timestamp,
}

impl Resource for Function {
    const KIND: &'static str = "lambda:function";
    const GLOBAL: bool = false;
}

/// The ARN of function `name` in `region`.
pub fn function_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:{account}:function:{name}")
}

/// Lambda's time format (`2026-01-01T00:00:00.000+0000`).
pub(crate) fn lambda_time(t: Timestamp) -> String {
    let iso = t.to_iso8601();
    let base = iso.trim_end_matches('Z');
    let base = if base.contains('.') { base.to_string() } else { format!("{base}.000") };
    format!("{base}+0000")
}

/// 400 `InvalidParameterValueException`.
pub(crate) fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidParameterValueException", message)
}

/// 404 `ResourceNotFoundException`.
pub(crate) fn not_found(message: impl Into<String>) -> AwsError {
    AwsError::not_found("ResourceNotFoundException", message)
}

/// 409 `ResourceConflictException`.
pub(crate) fn conflict(message: impl Into<String>) -> AwsError {
    AwsError::conflict("ResourceConflictException", message)
}

/// The function name a `FunctionName` (or `Resource`) names: a plain name, a full ARN
/// (`arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`) or a partial one
/// (`<account>:function:<name>`). Another region or account is `ResourceNotFoundException`
/// when read, as Lambda answers; a malformed ARN is `InvalidParameterValueException`, a malformed name `ValidationException`.
pub(crate) fn function_name(ctx: &Ctx<'_>, given: &str) -> Result<String, AwsError> {
    let parts: Vec<&str> = given.split(':').collect();
    let (region, account, name) = match parts.as_slice() {
        [name] => (None, None, *name),
        [account, "function", name] | [account, "function", name, _] => (None, Some(*account), *name),
        ["arn", _, "lambda", region, account, "function", name]
        | ["arn", _, "lambda", region, account, "function", name, _] => (Some(*region), Some(*account), *name),
        _ => return Err(invalid(format!("The function name {given} is not a function name, ARN or partial ARN."))),
    };
    if name.is_empty() || name.len() > 64 || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(AwsError::bad_request("ValidationException", format!(
            "1 validation error detected: Value '{given}' at 'functionName' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{{2}}(-gov)?-[a-z]+-\\d{{1}}:)?(\\d{{12}}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?"
        )));
    }
    if region.is_some_and(|r| r != ctx.region()) || account.is_some_and(|a| a != ctx.account()) {
        return Err(no_function(&function_arn(region.unwrap_or(ctx.region()), account.unwrap_or(ctx.account()), name)));
    }
    Ok(name.to_string())
}

/// `ResourceNotFoundException` for function `arn`.
pub(crate) fn no_function(arn: &str) -> AwsError {
    not_found(format!("Function not found: {arn}"))
}

/// The stored function `given` names: `(name, function)`.
pub(crate) fn load(ctx: &Ctx<'_>, given: &str) -> Result<(String, Function), AwsError> {
    let name = function_name(ctx, given)?;
    let f =
        ctx.get::<Function>(&name)?.ok_or_else(|| no_function(&function_arn(ctx.region(), ctx.account(), &name)))?;
    Ok((name, f))
}

/// Checks a `Qualifier`: hubsim keeps `$LATEST` only (no versions or aliases), so any other
/// qualifier names nothing.
pub(crate) fn check_qualifier(ctx: &Ctx<'_>, name: &str, qualifier: Option<&str>) -> Result<(), AwsError> {
    match qualifier {
        None | Some("$LATEST") => Ok(()),
        Some(q) => Err(no_function(&format!("{}:{q}", function_arn(ctx.region(), ctx.account(), name)))),
    }
}

/// Checks `RevisionId` against the function's: 412 `PreconditionFailedException` on a mismatch.
pub(crate) fn check_revision(f: &Function, revision: Option<&str>) -> Result<(), AwsError> {
    match revision {
        Some(r) if Some(r) != f.config.revision_id.as_deref() => Err(AwsError::new(
            "PreconditionFailedException",
            412,
            "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
        )),
        _ => Ok(()),
    }
}
