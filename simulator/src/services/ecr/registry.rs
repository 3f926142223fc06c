//! GetRegistryScanningConfiguration, PutRegistryScanningConfiguration: the region's registry
//! scanning (`BASIC` or `ENHANCED`) and its rules, each a scan frequency for the repositories
//! its wildcard filters match (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html>).
//! A registry that never set one answers `BASIC` without rules.

use hubsim_model::ecr;
use serde::{Deserialize, Serialize};

use super::invalid;
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ecr::GetRegistryScanningConfiguration>().add::<ecr::PutRegistryScanningConfiguration>();
}

/// The region's registry scanning configuration (id: `registry`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct StoredScanning {
    config: ecr::RegistryScanningConfiguration,
}

impl Resource for StoredScanning {
    const KIND: &'static str = "ecr:registry-scanning";
    const GLOBAL: bool = false;
}

const ID: &str = "registry";

fn current(ctx: &Ctx<'_>) -> Result<ecr::RegistryScanningConfiguration, AwsError> {
    Ok(ctx
        .get::<StoredScanning>(ID)?
        .map(|s| s.config)
        .unwrap_or(ecr::RegistryScanningConfiguration { scan_type: Some("BASIC".into()), rules: Some(Vec::new()) }))
}

impl Handler for ecr::GetRegistryScanningConfiguration {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        _input: ecr::GetRegistryScanningConfigurationRequest,
    ) -> Result<ecr::GetRegistryScanningConfigurationResponse, AwsError> {
        Ok(ecr::GetRegistryScanningConfigurationResponse {
            registry_id: Some(ctx.account().to_string()),
            scanning_configuration: Some(current(ctx)?),
        })
    }
}

impl Handler for ecr::PutRegistryScanningConfiguration {
    const MUTATES: bool = true;

    /// Basic scanning takes `SCAN_ON_PUSH` or `MANUAL` rules, enhanced scanning `SCAN_ON_PUSH`
    /// or `CONTINUOUS_SCAN`; every rule needs 1–100 `WILDCARD` filters; at most 2 rules.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: ecr::PutRegistryScanningConfigurationRequest,
    ) -> Result<ecr::PutRegistryScanningConfigurationResponse, AwsError> {
        let scan_type = input.scan_type.unwrap_or_else(|| "BASIC".into());
        let rules = input.rules.unwrap_or_default();
        if rules.len() > 2 {
            return Err(invalid("Invalid parameter at 'rules' failed to satisfy constraint: 'at most 2 rules'"));
        }
        for (n, rule) in rules.iter().enumerate() {
            let allowed: &[&str] = if scan_type == "ENHANCED" {
                &["SCAN_ON_PUSH", "CONTINUOUS_SCAN"]
            } else {
                &["SCAN_ON_PUSH", "MANUAL"]
            };
            if !allowed.contains(&rule.scan_frequency.as_str()) {
                return Err(invalid(format!(
                    "Invalid parameter at 'rules[{n}].scanFrequency': {} is not allowed with scan type {scan_type}",
                    rule.scan_frequency
                )));
            }
            if rule.repository_filters.is_empty() || rule.repository_filters.len() > 100 {
                return Err(invalid(format!("Invalid parameter at 'rules[{n}].repositoryFilters': 1 to 100 filters")));
            }
            if let Some(f) = rule.repository_filters.iter().find(|f| f.filter_type != "WILDCARD" || f.filter.is_empty())
            {
                return Err(invalid(format!(
                    "Invalid parameter at 'rules[{n}].repositoryFilters': filter {:?} of type {} is not a WILDCARD filter",
                    f.filter, f.filter_type
                )));
            }
        }
        let config = ecr::RegistryScanningConfiguration { scan_type: Some(scan_type), rules: Some(rules) };
        ctx.put(ID, &StoredScanning { config: config.clone() })?;
        Ok(ecr::PutRegistryScanningConfigurationResponse { registry_scanning_configuration: Some(config) })
    }
}
