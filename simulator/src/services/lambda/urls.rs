//! Create/Get/Update/Delete/ListFunctionUrlConfig: a function's dedicated HTTPS endpoint
//! (`https://<url-id>.lambda-url.<region>.on.aws/`). `AuthType` `AWS_IAM` lets only signed,
//! authorised callers in; `NONE` lets anyone in whom the resource policy allows — the API adds
//! no policy statement itself, the caller adds one with `FunctionUrlAuthType: NONE`
//! (<https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html>).

use hubsim_model::{lambda, Empty};

use super::{check_qualifier, conflict, invalid, lambda_time, load, not_found};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<lambda::CreateFunctionUrlConfig>()
        .add::<lambda::GetFunctionUrlConfig>()
        .add::<lambda::UpdateFunctionUrlConfig>()
        .add::<lambda::DeleteFunctionUrlConfig>()
        .add::<lambda::ListFunctionUrlConfigs>();
}

fn check_auth(t: &str) -> Result<(), AwsError> {
    if t == "NONE" || t == "AWS_IAM" {
        Ok(())
    } else {
        Err(invalid(format!(
            "1 validation error detected: Value '{t}' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]"
        )))
    }
}

fn check_mode(m: Option<&str>) -> Result<(), AwsError> {
    match m {
        None | Some("BUFFERED" | "RESPONSE_STREAM") => Ok(()),
        Some(m) => Err(invalid(format!("InvokeMode {m} is neither BUFFERED nor RESPONSE_STREAM."))),
    }
}

fn no_url() -> AwsError {
    not_found("The resource you requested does not exist.")
}

impl Handler for lambda::CreateFunctionUrlConfig {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: lambda::CreateFunctionUrlConfigRequest,
    ) -> Result<lambda::CreateFunctionUrlConfigResponse, AwsError> {
        let (name, mut f) = load(ctx, &input.function_name)?;
        check_qualifier(ctx, &name, input.qualifier.as_deref())?;
        check_auth(&input.auth_type)?;
        check_mode(input.invoke_mode.as_deref())?;
        let arn = f.config.function_arn.clone().unwrap_or_default();
        if f.url.is_some() {
            return Err(conflict(format!(
                "Failed to create function url config for [functionArn = {arn}]. Error message:  FunctionUrlConfig exists for this Lambda function"
            )));
        }
        let id = ctx.ids().hex(32);
        let now = lambda_time(ctx.now());
        let url = lambda::FunctionUrlConfig {
            function_url: format!("https://{id}.lambda-url.{}.on.aws/", ctx.region()),
            function_arn: arn,
            creation_time: now.clone(),
            last_modified_time: now,
            cors: input.cors,
            auth_type: input.auth_type,
            invoke_mode: Some(input.invoke_mode.unwrap_or_else(|| "BUFFERED".into())),
        };
        f.url = Some(url.clone());
        ctx.put(&name, &f)?;
        Ok(lambda::CreateFunctionUrlConfigResponse {
            function_url: url.function_url,
            function_arn: url.function_arn,
            auth_type: url.auth_type,
            cors: url.cors,
            creation_time: url.creation_time,
            invoke_mode: url.invoke_mode,
        })
    }
}

impl Handler for lambda::GetFunctionUrlConfig {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: lambda::GetFunctionUrlConfigRequest,
    ) -> Result<lambda::GetFunctionUrlConfigResponse, AwsError> {
        let (name, f) = load(ctx, &input.function_name)?;
        check_qualifier(ctx, &name, input.qualifier.as_deref())?;
        let u = f.url.ok_or_else(no_url)?;
        Ok(lambda::GetFunctionUrlConfigResponse {
            function_url: u.function_url,
            function_arn: u.function_arn,
            auth_type: u.auth_type,
            cors: u.cors,
            creation_time: u.creation_time,
            last_modified_time: u.last_modified_time,
            invoke_mode: u.invoke_mode,
        })
    }
}

impl Handler for lambda::UpdateFunctionUrlConfig {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: lambda::UpdateFunctionUrlConfigRequest,
    ) -> Result<lambda::UpdateFunctionUrlConfigResponse, AwsError> {
        let (name, mut f) = load(ctx, &input.function_name)?;
        check_qualifier(ctx, &name, input.qualifier.as_deref())?;
        if let Some(t) = input.auth_type.as_deref() {
            check_auth(t)?;
        }
        check_mode(input.invoke_mode.as_deref())?;
        let mut u = f.url.clone().ok_or_else(no_url)?;
        if let Some(t) = input.auth_type {
            u.auth_type = t;
        }
        if let Some(c) = input.cors {
            u.cors = Some(c);
        }
        if let Some(m) = input.invoke_mode {
            u.invoke_mode = Some(m);
        }
        u.last_modified_time = lambda_time(ctx.now());
        f.url = Some(u.clone());
        ctx.put(&name, &f)?;
        Ok(lambda::UpdateFunctionUrlConfigResponse {
            function_url: u.function_url,
            function_arn: u.function_arn,
            auth_type: u.auth_type,
            cors: u.cors,
            creation_time: u.creation_time,
            last_modified_time: u.last_modified_time,
            invoke_mode: u.invoke_mode,
        })
    }
}

impl Handler for lambda::DeleteFunctionUrlConfig {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: lambda::DeleteFunctionUrlConfigRequest) -> Result<Empty, AwsError> {
        let (name, mut f) = load(ctx, &input.function_name)?;
        check_qualifier(ctx, &name, input.qualifier.as_deref())?;
        f.url.take().ok_or_else(no_url)?;
        ctx.put(&name, &f)?;
        Ok(Empty {})
    }
}

impl Handler for lambda::ListFunctionUrlConfigs {
    const MUTATES: bool = false;

    /// A function has at most one URL here ($LATEST), so one page.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: lambda::ListFunctionUrlConfigsRequest,
    ) -> Result<lambda::ListFunctionUrlConfigsResponse, AwsError> {
        let (_, f) = load(ctx, &input.function_name)?;
        Ok(lambda::ListFunctionUrlConfigsResponse {
            function_url_configs: f.url.into_iter().collect(),
            next_marker: None,
        })
    }
}
