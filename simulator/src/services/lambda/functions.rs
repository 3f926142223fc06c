//! CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions,
//! UpdateFunctionConfiguration, DeleteFunction
//! (<https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html>).

use base64::Engine;
use hubsim_model::lambda;
use sha2::{Digest, Sha256};

use super::runtimes::{date_ms, runtime};
use super::tags::check_tags;
use super::{
    check_qualifier, check_revision, conflict, function_arn, function_name, invalid, lambda_time, load, Function,
};
use crate::error::AwsError;
use crate::policy::{Effect, Policy};
use crate::registry::{Handler, Registrar};
use crate::services::ec2::{security_group, subnet_doc};
use crate::services::iam::role_by_name;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<lambda::CreateFunction>()
        .add::<lambda::GetFunction>()
        .add::<lambda::GetFunctionConfiguration>()
        .add::<lambda::ListFunctions>()
        .add::<lambda::UpdateFunctionConfiguration>()
        .add::<lambda::DeleteFunction>();
}

/// Lambda's service principal, which the execution role must trust.
const LAMBDA_PRINCIPAL: &str = "lambda.amazonaws.com";

/// Checks that `role_arn` names a role of this account whose trust policy lets Lambda assume
/// it; Lambda answers `InvalidParameterValueException` otherwise
/// (<https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html>).
fn check_role(ctx: &Ctx<'_>, role_arn: &str) -> Result<(), AwsError> {
    let refused = || invalid("The role defined for the function cannot be assumed by Lambda.");
    let prefix = format!("arn:aws:iam::{}:role/", ctx.account());
    let Some(path_and_name) = role_arn.strip_prefix(&prefix) else { return Err(refused()) };
    let name = path_and_name.rsplit('/').next().unwrap_or(path_and_name);
    let Some(role) = role_by_name(ctx, name)? else { return Err(refused()) };
    if role.arn != role_arn {
        return Err(refused());
    }
    let trusted = role
        .assume_role_policy_document
        .as_deref()
        // A trust policy has a principal and no resource: parsed as an identity policy.
        .and_then(|t| Policy::parse(t, false).ok())
        .is_some_and(|p| {
            p.statements.iter().any(|s| {
                s.effect == Effect::Allow && s.names_service(LAMBDA_PRINCIPAL) && s.covers_action("sts:AssumeRole")
            })
        });
    if trusted {
        Ok(())
    } else {
        Err(refused())
    }
}

/// Checks a runtime against Lambda's deprecation table and the scenario clock: refused once
/// its block date (`create` or update) has passed.
fn check_runtime(ctx: &Ctx<'_>, id: &str, creating: bool) -> Result<(), AwsError> {
    let Some(rt) = runtime(id) else {
        return Err(invalid(format!("The runtime parameter of {id} is not supported by hubsim's runtime table.")));
    };
    let block = if creating { rt.block_create } else { rt.block_update };
    if block.is_some_and(|d| ctx.now().0 >= date_ms(d)) {
        return Err(invalid(format!(
            "The runtime parameter of {id} is no longer supported for creating or updating AWS Lambda functions. \
             We recommend you use the new runtime ({}) while creating or updating functions.",
            rt.successor
        )));
    }
    Ok(())
}

/// Checks a VPC configuration (every subnet and security group must exist, in one VPC, and a
/// function with subnets needs at least one group) and answers it as Lambda does. Empty
/// lists detach the function from its VPC (`None`)
/// (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html>).
fn vpc_config(ctx: &Ctx<'_>, asked: &lambda::VpcConfig) -> Result<Option<lambda::VpcConfigResponse>, AwsError> {
    let subnets = asked.subnet_ids.clone().unwrap_or_default();
    let groups = asked.security_group_ids.clone().unwrap_or_default();
    if subnets.is_empty() && groups.is_empty() {
        return Ok(None);
    }
    if subnets.len() > 16 || groups.len() > 5 {
        return Err(invalid("A function's VPC configuration holds at most 16 subnets and 5 security groups."));
    }
    let mut vpcs = std::collections::BTreeSet::new();
    for id in &subnets {
        let s = subnet_doc(ctx, id).map_err(|e| {
            invalid(format!(
                "Error occurred while DescribeSubnets. EC2 Error Code: {}. EC2 Error Message: {}",
                e.code, e.message
            ))
        })?;
        vpcs.insert(s.vpc_id.unwrap_or_default());
    }
    for id in &groups {
        let g = security_group(ctx, id).map_err(|e| {
            invalid(format!(
                "Error occurred while DescribeSecurityGroups. EC2 Error Code: {}. EC2 Error Message: {}",
                e.code, e.message
            ))
        })?;
        vpcs.insert(g.vpc_id);
    }
    if subnets.is_empty() || groups.is_empty() {
        return Err(invalid("A VPC configuration needs at least one subnet and one security group."));
    }
    if vpcs.len() > 1 {
        return Err(invalid("The provided subnets and security groups must belong to the same VPC."));
    }
    Ok(Some(lambda::VpcConfigResponse {
        subnet_ids: Some(subnets),
        security_group_ids: Some(groups),
        vpc_id: vpcs.into_iter().next(),
        ipv6_allowed_for_dual_stack: Some(asked.ipv6_allowed_for_dual_stack.unwrap_or(false)),
    }))
}

/// Checks the timeout (1–900 s) and memory (128–10,240 MB).
fn check_limits(timeout: Option<i32>, memory: Option<i32>) -> Result<(), AwsError> {
    if let Some(t) = timeout.filter(|t| !(1..=900).contains(t)) {
        return Err(invalid(format!(
            "1 validation error detected: Value '{t}' at 'timeout' failed to satisfy constraint: Member must have value between 1 and 900"
        )));
    }
    if let Some(m) = memory.filter(|m| !(128..=10240).contains(m)) {
        return Err(invalid(format!(
            "1 validation error detected: Value '{m}' at 'memorySize' failed to satisfy constraint: Member must have value between 128 and 10240"
        )));
    }
    Ok(())
}

impl Handler for lambda::CreateFunction {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: lambda::CreateFunctionRequest,
    ) -> Result<lambda::FunctionConfiguration, AwsError> {
        let name = function_name(ctx, &input.function_name)?;
        let package = input.package_type.clone().unwrap_or_else(|| "Zip".into());
        let (sha, size) = match (&input.code.zip_file, &input.code.image_uri, package.as_str()) {
            (Some(zip), None, "Zip") => {
                if input.runtime.is_none() || input.handler.is_none() {
                    return Err(invalid(
                        "Runtime and Handler are mandatory parameters for functions created with deployment packages.",
                    ));
                }
                let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&zip.0));
                (digest, zip.0.len() as i64)
            }
            (None, Some(uri), "Image") => {
                if input.runtime.is_some() || input.handler.is_some() {
                    return Err(invalid("Runtime and Handler are not supported for functions created from container images."));
                }
                let digest = uri.rsplit_once("@sha256:").map(|(_, d)| d.to_string()).unwrap_or_default();
                (digest, 0)
            }
            _ if input.code.s3_bucket.is_some() => {
                return Err(invalid(
                    "hubsim keeps no S3 objects: give the deployment package as Code.ZipFile (its SHA-256 and size are kept).",
                ))
            }
            (_, _, "Image") => return Err(invalid("A function with PackageType Image needs Code.ImageUri.")),
            _ => return Err(invalid("Please provide a source for function code.")),
        };
        if let Some(rt) = input.runtime.as_deref() {
            check_runtime(ctx, rt, true)?;
        }
        check_role(ctx, &input.role)?;
        check_limits(input.timeout, input.memory_size)?;
        let vpc = input.vpc_config.as_ref().map(|v| vpc_config(ctx, v)).transpose()?.flatten();
        let tags = input.tags.clone().unwrap_or_default();
        check_tags(&tags)?;
        if ctx.get::<Function>(&name)?.is_some() {
            return Err(conflict(format!("Function already exist: {name}")));
        }
        let now = ctx.now();
        let arn = function_arn(ctx.region(), ctx.account(), &name);
        let revision = ctx.ids().uuid();
        let config = lambda::FunctionConfiguration {
            function_name: Some(name.clone()),
            function_arn: Some(arn),
            runtime: input.runtime,
            role: Some(input.role),
            handler: input.handler,
            code_size: Some(size),
            description: Some(input.description.unwrap_or_default()),
            timeout: Some(input.timeout.unwrap_or(3)),
            memory_size: Some(input.memory_size.unwrap_or(128)),
            last_modified: Some(lambda_time(now)),
            code_sha256: Some(sha),
            version: Some("$LATEST".into()),
            vpc_config: vpc,
            environment: input.environment.map(|e| lambda::EnvironmentResponse { variables: e.variables, error: None }),
            tracing_config: Some(lambda::TracingConfigResponse {
                mode: Some(input.tracing_config.and_then(|t| t.mode).unwrap_or_else(|| "PassThrough".into())),
            }),
            revision_id: Some(revision),
            state: Some("Active".into()),
            last_update_status: Some("Successful".into()),
            package_type: Some(package),
            architectures: Some(input.architectures.unwrap_or_else(|| vec!["x86_64".into()])),
            ephemeral_storage: Some(input.ephemeral_storage.unwrap_or(lambda::EphemeralStorage { size: 512 })),
            logging_config: Some(lambda::LoggingConfig {
                log_format: Some("Text".into()),
                log_group: Some(format!("/aws/lambda/{name}")),
                ..Default::default()
            }),
            ..Default::default()
        };
        let function = Function { config: config.clone(), tags, policy: None, url: None, created: now };
        ctx.put(&name, &function)?;
        Ok(config)
    }
}

impl Handler for lambda::GetFunction {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: lambda::GetFunctionRequest) -> Result<lambda::GetFunctionResponse, AwsError> {
        let (name, f) = load(ctx, &input.function_name)?;
        check_qualifier(ctx, &name, input.qualifier.as_deref())?;
        let code = if f.config.package_type.as_deref() == Some("Image") {
            lambda::FunctionCodeLocation { repository_type: Some("ECR".into()), ..Default::default() }
        } else {
            // Lambda answers a presigned URL to the package; hubsim holds no package.
            lambda::FunctionCodeLocation { repository_type: Some("S3".into()), ..Default::default() }
        };
        Ok(lambda::GetFunctionResponse {
            configuration: Some(f.config),
            code: Some(code),
            tags: (!f.tags.is_empty()).then_some(f.tags),
            ..Default::default()
        })
    }
}

impl Handler for lambda::GetFunctionConfiguration {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: lambda::GetFunctionConfigurationRequest,
    ) -> Result<lambda::FunctionConfiguration, AwsError> {
        let (name, f) = load(ctx, &input.function_name)?;
        check_qualifier(ctx, &name, input.qualifier.as_deref())?;
        Ok(f.config)
    }
}

impl Handler for lambda::ListFunctions {
    const MUTATES: bool = false;

    /// Pages of `MaxItems` (default 50) in name order; the marker is the last name answered.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: lambda::ListFunctionsRequest,
    ) -> Result<lambda::ListFunctionsResponse, AwsError> {
        if input.function_version.as_deref().is_some_and(|v| v != "ALL") {
            return Err(invalid("FunctionVersion can only be ALL."));
        }
        let size = input.max_items.unwrap_or(50).clamp(1, 10_000) as usize;
        let mut all = ctx.list::<Function>()?;
        all.sort_by(|a, b| a.0.cmp(&b.0));
        let after = input.marker.unwrap_or_default();
        let rest: Vec<(String, Function)> = all.into_iter().filter(|(n, _)| after.is_empty() || *n > after).collect();
        let more = rest.len() > size;
        let page: Vec<(String, Function)> = rest.into_iter().take(size).collect();
        let next = more.then(|| page.last().map(|(n, _)| n.clone()).unwrap_or_default());
        Ok(lambda::ListFunctionsResponse {
            functions: Some(page.into_iter().map(|(_, f)| f.config).collect()),
            next_marker: next,
        })
    }
}

impl Handler for lambda::UpdateFunctionConfiguration {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: lambda::UpdateFunctionConfigurationRequest,
    ) -> Result<lambda::FunctionConfiguration, AwsError> {
        let (name, mut f) = load(ctx, &input.function_name)?;
        check_revision(&f, input.revision_id.as_deref())?;
        if let Some(rt) = input.runtime.as_deref() {
            if f.config.package_type.as_deref() == Some("Image") {
                return Err(invalid("Runtime is not supported for functions created from container images."));
            }
            check_runtime(ctx, rt, false)?;
        }
        if let Some(role) = input.role.as_deref() {
            check_role(ctx, role)?;
        }
        check_limits(input.timeout, input.memory_size)?;
        let vpc = input.vpc_config.as_ref().map(|v| vpc_config(ctx, v)).transpose()?;
        let c = &mut f.config;
        if let Some(rt) = input.runtime {
            c.runtime = Some(rt);
        }
        if let Some(role) = input.role {
            c.role = Some(role);
        }
        if let Some(h) = input.handler {
            c.handler = Some(h);
        }
        if let Some(d) = input.description {
            c.description = Some(d);
        }
        if let Some(t) = input.timeout {
            c.timeout = Some(t);
        }
        if let Some(m) = input.memory_size {
            c.memory_size = Some(m);
        }
        if let Some(v) = vpc {
            c.vpc_config = v;
        }
        if let Some(e) = input.environment {
            c.environment = Some(lambda::EnvironmentResponse { variables: e.variables, error: None });
        }
        if let Some(t) = input.tracing_config.and_then(|t| t.mode) {
            c.tracing_config = Some(lambda::TracingConfigResponse { mode: Some(t) });
        }
        if let Some(s) = input.ephemeral_storage {
            c.ephemeral_storage = Some(s);
        }
        let now = ctx.now();
        c.last_modified = Some(lambda_time(now));
        c.revision_id = Some(ctx.ids().uuid());
        ctx.put(&name, &f)?;
        Ok(f.config)
    }
}

impl Handler for lambda::DeleteFunction {
    const MUTATES: bool = true;

    /// Deletes the function with its policy, URL and tags (a qualified call would delete a
    /// version, which hubsim does not keep).
    fn handle(
        ctx: &mut Ctx<'_>,
        input: lambda::DeleteFunctionRequest,
    ) -> Result<lambda::DeleteFunctionResponse, AwsError> {
        let (name, _) = load(ctx, &input.function_name)?;
        if input.qualifier.as_deref().is_some_and(|q| q == "$LATEST") {
            return Err(invalid("$LATEST version cannot be deleted without deleting the function."));
        }
        check_qualifier(ctx, &name, input.qualifier.as_deref())?;
        ctx.delete::<Function>(&name)?;
        Ok(lambda::DeleteFunctionResponse { status_code: None })
    }
}
