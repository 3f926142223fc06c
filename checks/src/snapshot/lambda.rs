//! The Lambda functions of a region, as Lambda.1, Lambda.2 and Lambda.5 read them: every
//! function's configuration (`ListFunctions`) and resource policy (`GetPolicy`; a function
//! without one answers `ResourceNotFoundException`).

use hubsim_api::model::lambda;
use hubsim_api::AwsApi;

use super::{fail, FetchError};

/// One function.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FunctionView {
    /// Its configuration as ListFunctions answers it.
    pub config: lambda::FunctionConfiguration,
    /// Its resource policy (JSON text), if it has one.
    pub policy: Option<String>,
}

impl FunctionView {
    /// The function's ARN.
    pub fn arn(&self) -> &str {
        self.config.function_arn.as_deref().unwrap_or_default()
    }

    /// The function's name.
    pub fn name(&self) -> &str {
        self.config.function_name.as_deref().unwrap_or_default()
    }
}

/// Every function of `region`, in `ListFunctions` order.
pub(super) fn fetch_functions<A: AwsApi>(api: &A, region: &str) -> Result<Vec<FunctionView>, FetchError> {
    let mut configs = Vec::new();
    let mut marker = None;
    loop {
        let page = api
            .call::<lambda::ListFunctions>(
                region,
                lambda::ListFunctionsRequest { marker: marker.clone(), max_items: Some(50), ..Default::default() },
            )
            .map_err(fail("Lambda functions", region))?;
        configs.extend(page.functions.unwrap_or_default());
        marker = page.next_marker;
        if marker.is_none() {
            break;
        }
    }
    let mut out = Vec::with_capacity(configs.len());
    for config in configs {
        let name = config.function_name.clone().unwrap_or_default();
        let policy = match api.call::<lambda::GetPolicy>(
            region,
            lambda::GetPolicyRequest { function_name: name.clone(), qualifier: None },
        ) {
            Ok(p) => p.policy,
            Err(e) if e.code == "ResourceNotFoundException" => None,
            Err(e) => return Err(fail(&format!("Lambda function {name}'s policy"), region)(e)),
        };
        out.push(FunctionView { config, policy });
    }
    Ok(out)
}
