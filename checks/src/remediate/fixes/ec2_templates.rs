//! EC2.25 and EC2.170: a new launch template version that keeps the default version's launch
//! data but for the one setting the control asks for, made the default; earlier versions are
//! kept (a version is the user's data, and rolling back stays possible). EC2.173 cannot be
//! fixed in place: a Spot Fleet request's launch specifications are fixed when it is made
//! (ModifySpotFleetRequest changes only its capacity and launch templates,
//! <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySpotFleetRequest.html>),
//! so the fix is a new request with encrypted volumes, which is its owner's call.
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html>,
//! <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplateVersion.html>.)

use hubsim_api::model::ec2;
use hubsim_api::{AwsApi, AwsError};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{id_after, Done, Fix, How, Scope, Target};
use crate::controls::ec2_templates::{public_ip_interfaces, requires_imdsv2};
use crate::remediate::fixer::Fixer;
use crate::remediate::{Failed, Justification};
use crate::snapshot::Snapshot;

/// The launch template and Spot Fleet fixes.
pub(super) fn fixes<A: AwsApi>() -> Vec<Fix<A>> {
    const ACTIONS: &[&str] =
        &["ec2:DescribeLaunchTemplateVersions", "ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"];
    // Keeps the established order (no AWS dependency): launch settings after the regional EBS
    // default. The two fixes read the template's default version when they run, so either may
    // go first and the second builds on the first one's version.
    const AFTER: &[&str] = &["EC2.7"];
    vec![
        Fix { control: "EC2.25", iam_actions: ACTIONS, scope: Scope::Resource, after: AFTER, how: How::Calls(ec2_25) },
        Fix {
            control: "EC2.170",
            iam_actions: ACTIONS,
            scope: Scope::Resource,
            after: AFTER,
            how: How::Calls(ec2_170),
        },
        Fix {
            control: "EC2.173",
            iam_actions: &[],
            scope: Scope::Resource,
            after: &[],
            how: How::Justified(Justification::SpotFleetReRequest { fleet: String::new(), volumes: Vec::new() }),
        },
    ]
}

/// The request form of a response shape: the two share their wire names, so nothing the
/// version holds is lost on the way (a shape that would not convert fails the fix instead).
fn as_request<T: Serialize, R: DeserializeOwned>(v: &T) -> Result<R, Failed> {
    serde_json::to_value(v).and_then(serde_json::from_value).map_err(|e| {
        failed("ec2:CreateLaunchTemplateVersion", AwsError::internal(format!("launch template data: {e}")))
    })
}

fn failed(call: &str, error: AwsError) -> Failed {
    Failed { call: call.into(), error }
}

/// The current default version of template `id` (read live: another fix of the round may have
/// made a new one).
fn default_version<A: AwsApi>(
    f: &mut Fixer<'_, A>,
    region: &str,
    id: &str,
) -> Result<Option<ec2::LaunchTemplateVersion>, Failed> {
    let out = f
        .read::<ec2::DescribeLaunchTemplateVersions>(
            region,
            ec2::DescribeLaunchTemplateVersionsRequest {
                launch_template_id: Some(id.to_string()),
                versions: Some(vec!["$Default".into()]),
                ..Default::default()
            },
        )
        .map_err(|e| failed("ec2:DescribeLaunchTemplateVersions", e))?;
    Ok(out.launch_template_versions.unwrap_or_default().into_iter().next())
}

/// Creates a version of `id` from `source` with `data` replacing its top-level parameters, and
/// makes it the default.
fn new_default<A: AwsApi>(
    f: &mut Fixer<'_, A>,
    region: &str,
    id: &str,
    source: i64,
    description: &str,
    data: ec2::RequestLaunchTemplateData,
) -> Result<(), Failed> {
    let created = f.call::<ec2::CreateLaunchTemplateVersion>(
        region,
        ec2::CreateLaunchTemplateVersionRequest {
            launch_template_id: Some(id.to_string()),
            source_version: Some(source.to_string()),
            version_description: Some(description.to_string()),
            launch_template_data: data,
            ..Default::default()
        },
    )?;
    let number = created.launch_template_version.and_then(|v| v.version_number).unwrap_or(source);
    f.call::<ec2::ModifyLaunchTemplate>(
        region,
        ec2::ModifyLaunchTemplateRequest {
            launch_template_id: Some(id.to_string()),
            default_version: Some(number.to_string()),
            ..Default::default()
        },
    )?;
    Ok(())
}

/// EC2.25: the default version's network interfaces again, with AssociatePublicIpAddress false
/// where it was true.
fn ec2_25<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let id = id_after(target.resource, ":launch-template/");
    let Some(v) = default_version(f, target.region, id)? else { return Ok(Done::Applied) };
    let data = v.launch_template_data.unwrap_or_default();
    if public_ip_interfaces(&data).is_empty() {
        return Ok(Done::Applied);
    }
    let mut interfaces: Vec<ec2::LaunchTemplateInstanceNetworkInterfaceSpecificationRequest> =
        as_request(&data.network_interfaces.clone().unwrap_or_default())?;
    for r in &mut interfaces {
        if r.associate_public_ip_address == Some(true) {
            r.associate_public_ip_address = Some(false);
        }
    }
    let request = ec2::RequestLaunchTemplateData { network_interfaces: Some(interfaces), ..Default::default() };
    let source = v.version_number.unwrap_or(1);
    new_default(f, target.region, id, source, "EC2.25: no public IP on network interfaces", request)?;
    Ok(Done::Applied)
}

/// EC2.170: the default version's metadata options again, with HttpTokens required.
fn ec2_170<A: AwsApi>(f: &mut Fixer<'_, A>, target: &Target<'_>) -> Result<Done, Failed> {
    let id = id_after(target.resource, ":launch-template/");
    let Some(v) = default_version(f, target.region, id)? else { return Ok(Done::Applied) };
    let data = v.launch_template_data.unwrap_or_default();
    if requires_imdsv2(&data) {
        return Ok(Done::Applied);
    }
    let mut options: ec2::LaunchTemplateInstanceMetadataOptionsRequest = match &data.metadata_options {
        Some(m) => as_request(m)?,
        None => Default::default(),
    };
    options.http_tokens = Some("required".into());
    let request = ec2::RequestLaunchTemplateData { metadata_options: Some(options), ..Default::default() };
    let source = v.version_number.unwrap_or(1);
    new_default(f, target.region, id, source, "EC2.170: IMDSv2 required", request)?;
    Ok(Done::Applied)
}

/// The unencrypted EBS mappings of Spot Fleet request `resource` (its ARN) in `snapshot`:
/// EC2.173's justification holds while there is one.
pub(crate) fn spot_fleet_volumes(snapshot: &Snapshot, resource: &str) -> (String, Vec<String>) {
    let id = id_after(resource, ":spot-fleet-request/").to_string();
    let volumes = snapshot
        .regions
        .iter()
        .flat_map(|r| &r.ec2_templates.spot_fleets)
        .find(|f| f.spot_fleet_request_id.as_deref() == Some(id.as_str()))
        .and_then(crate::controls::ec2_templates::unencrypted_mappings)
        .unwrap_or_default();
    (id, volumes)
}
