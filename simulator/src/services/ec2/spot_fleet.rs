//! Spot Fleet requests: RequestSpotFleet, DescribeSpotFleetRequests, CancelSpotFleetRequests
//! (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RequestSpotFleet.html).
//!
//! hubsim keeps the request's configuration (launch specifications with their block device
//! mappings, or launch template configurations) as it was given, which is what EC2.173 judges;
//! it launches no instances, so a request is `active` until cancelled and then
//! `cancelled_running` or `cancelled_terminating` as `TerminateInstances` asks.

use hubsim_model::ec2;

use super::filters::page;
use super::tags::{add_tags, spec_tags, tag_list, tags_of};
use super::{dry_run, not_found};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::RequestSpotFleet>().add::<ec2::DescribeSpotFleetRequests>().add::<ec2::CancelSpotFleetRequests>();
}

impl Resource for ec2::SpotFleetRequestConfig {
    const KIND: &'static str = "ec2:spot-fleet-request";
}

fn bad_config(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidSpotFleetRequestConfig", message)
}

/// Whether `id` has the form `sfr-` + a UUID.
fn well_formed(id: &str) -> bool {
    let Some(uuid) = id.strip_prefix("sfr-") else { return false };
    let groups: Vec<&str> = uuid.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Checks what EC2 checks of a request's configuration before it accepts it.
fn check_config(account: &str, c: &ec2::SpotFleetRequestConfigData) -> Result<(), AwsError> {
    let role_prefix = "arn:aws:iam::";
    let role_ok = c
        .iam_fleet_role
        .strip_prefix(role_prefix)
        .and_then(|rest| rest.split_once(":role/"))
        .is_some_and(|(acct, name)| acct == account && !name.is_empty());
    if !role_ok {
        return Err(bad_config(format!(
            "Parameter: SpotFleetRequestConfig.IamFleetRole is invalid: '{}' is not a role of account {account}",
            c.iam_fleet_role
        )));
    }
    if c.target_capacity < 0 {
        return Err(bad_config("Parameter: SpotFleetRequestConfig.TargetCapacity must not be negative."));
    }
    let specs = c.launch_specifications.as_deref().unwrap_or_default();
    let templates = c.launch_template_configs.as_deref().unwrap_or_default();
    if specs.is_empty() == templates.is_empty() {
        return Err(bad_config(
            "Specify either SpotFleetRequestConfig.LaunchSpecifications or SpotFleetRequestConfig.\
             LaunchTemplateConfigs, and only one of them.",
        ));
    }
    for (n, s) in specs.iter().enumerate() {
        if s.image_id.as_deref().unwrap_or("").is_empty() {
            return Err(bad_config(format!(
                "Parameter: SpotFleetRequestConfig.LaunchSpecifications.{}.ImageId is required.",
                n + 1
            )));
        }
        for (m, b) in s.block_device_mappings.iter().flatten().enumerate() {
            let Some(ebs) = &b.ebs else { continue };
            if ebs.kms_key_id.is_some() && ebs.encrypted != Some(true) {
                return Err(bad_config(format!(
                    "Parameter: SpotFleetRequestConfig.LaunchSpecifications.{}.BlockDeviceMapping.{}.Ebs.KmsKeyId \
                     requires Encrypted to be true.",
                    n + 1,
                    m + 1
                )));
            }
            if b.device_name.as_deref().unwrap_or("").is_empty() {
                return Err(bad_config(format!(
                    "Parameter: SpotFleetRequestConfig.LaunchSpecifications.{}.BlockDeviceMapping.{}.DeviceName \
                     is required.",
                    n + 1,
                    m + 1
                )));
            }
        }
    }
    if let (Some(from), Some(until)) = (c.valid_from, c.valid_until) {
        if until <= from {
            return Err(bad_config("Parameter: SpotFleetRequestConfig.ValidUntil must be later than ValidFrom."));
        }
    }
    Ok(())
}

impl Handler for ec2::RequestSpotFleet {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::RequestSpotFleetRequest,
    ) -> Result<ec2::RequestSpotFleetResponse, AwsError> {
        let mut config = input.spot_fleet_request_config;
        check_config(ctx.account(), &config)?;
        let tags = spec_tags(&config.tag_specifications, "spot-fleet-request")?;
        dry_run(input.dry_run)?;
        // A retried request with the same client token gets the same fleet.
        if let Some(token) = config.client_token.as_deref() {
            let same = ctx.list::<ec2::SpotFleetRequestConfig>()?.into_iter().find(|(_, f)| {
                f.spot_fleet_request_config.as_ref().and_then(|c| c.client_token.as_deref()) == Some(token)
            });
            if let Some((id, _)) = same {
                return Ok(ec2::RequestSpotFleetResponse { spot_fleet_request_id: Some(id) });
            }
        }
        let hex = ctx.ids().hex(32);
        let id = format!("sfr-{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32]);
        config.type_ = Some(config.type_.unwrap_or_else(|| "maintain".into()));
        config.tag_specifications = None;
        let fleet = ec2::SpotFleetRequestConfig {
            activity_status: None,
            create_time: Some(ctx.now()),
            spot_fleet_request_config: Some(config),
            spot_fleet_request_id: Some(id.clone()),
            spot_fleet_request_state: Some("active".into()),
            tags: None,
        };
        ctx.put(&id, &fleet)?;
        add_tags(ctx, &id, "spot-fleet-request", &tags)?;
        Ok(ec2::RequestSpotFleetResponse { spot_fleet_request_id: Some(id) })
    }
}

impl Handler for ec2::DescribeSpotFleetRequests {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeSpotFleetRequestsRequest,
    ) -> Result<ec2::DescribeSpotFleetRequestsResponse, AwsError> {
        dry_run(input.dry_run)?;
        let ids = input.spot_fleet_request_ids.unwrap_or_default();
        if let Some(bad) = ids.iter().find(|id| !well_formed(id)) {
            return Err(AwsError::bad_request(
                "InvalidSpotFleetRequestId.Malformed",
                format!("Invalid id: \"{bad}\" (expecting \"sfr-...\")"),
            ));
        }
        let all = ctx.list::<ec2::SpotFleetRequestConfig>()?;
        let missing: Vec<&str> =
            ids.iter().filter(|id| !all.iter().any(|(k, _)| k == *id)).map(String::as_str).collect();
        if !missing.is_empty() {
            return Err(not_found("InvalidSpotFleetRequestId.NotFound", "spot fleet request", &missing));
        }
        let mut out = Vec::new();
        for (id, f) in all {
            if ids.is_empty() || ids.contains(&id) {
                out.push(ec2::SpotFleetRequestConfig { tags: tag_list(tags_of(ctx, &id)?), ..f });
            }
        }
        let (items, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeSpotFleetRequestsResponse { next_token, spot_fleet_request_configs: Some(items) })
    }
}

impl Handler for ec2::CancelSpotFleetRequests {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::CancelSpotFleetRequestsRequest,
    ) -> Result<ec2::CancelSpotFleetRequestsResponse, AwsError> {
        dry_run(input.dry_run)?;
        let state = if input.terminate_instances { "cancelled_terminating" } else { "cancelled_running" };
        let mut ok = Vec::new();
        let mut failed = Vec::new();
        let fail = |id: &str, code: &str, message: String| ec2::CancelSpotFleetRequestsErrorItem {
            error: Some(ec2::CancelSpotFleetRequestsError { code: Some(code.into()), message: Some(message) }),
            spot_fleet_request_id: Some(id.to_string()),
        };
        for id in &input.spot_fleet_request_ids {
            if !well_formed(id) {
                failed.push(fail(id, "fleetRequestIdMalformed", format!("Invalid id: \"{id}\"")));
                continue;
            }
            let Some(mut f) = ctx.get::<ec2::SpotFleetRequestConfig>(id)? else {
                failed.push(fail(
                    id,
                    "fleetRequestIdDoesNotExist",
                    format!("The spot fleet request ID '{id}' does not exist"),
                ));
                continue;
            };
            let previous = f.spot_fleet_request_state.clone().unwrap_or_default();
            if previous.starts_with("cancelled") {
                failed.push(fail(
                    id,
                    "fleetRequestNotInCancellableState",
                    format!("The spot fleet request {id} is already {previous}"),
                ));
                continue;
            }
            f.spot_fleet_request_state = Some(state.into());
            ctx.put(id, &f)?;
            ok.push(ec2::CancelSpotFleetRequestsSuccessItem {
                current_spot_fleet_request_state: Some(state.into()),
                previous_spot_fleet_request_state: Some(previous),
                spot_fleet_request_id: Some(id.clone()),
            });
        }
        Ok(ec2::CancelSpotFleetRequestsResponse {
            successful_fleet_requests: Some(ok),
            unsuccessful_fleet_requests: Some(failed),
        })
    }
}
