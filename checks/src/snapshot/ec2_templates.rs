//! The launch templates and Spot Fleet requests of a region, as EC2.25, EC2.170 and EC2.173 read
//! them: each template with its default version (the version AWS Config's rules judge), and each
//! Spot Fleet request that is not cancelled with its configuration.

use hubsim_api::model::ec2;
use hubsim_api::AwsApi;

use super::{fail, FetchError};

/// One launch template and its default version.
#[derive(Debug, Clone, Default)]
pub struct TemplateView {
    /// The template (id, name, default and latest version numbers).
    pub template: ec2::LaunchTemplate,
    /// Its default version, with the launch data.
    pub default: Option<ec2::LaunchTemplateVersion>,
}

impl TemplateView {
    /// The template's id.
    pub fn id(&self) -> &str {
        self.template.launch_template_id.as_deref().unwrap_or_default()
    }

    /// The default version's launch data (empty when there is none).
    pub fn data(&self) -> ec2::ResponseLaunchTemplateData {
        self.default.as_ref().and_then(|v| v.launch_template_data.clone()).unwrap_or_default()
    }
}

/// The region's launch templates and live Spot Fleet requests.
#[derive(Debug, Clone, Default)]
pub struct Ec2TemplatesView {
    /// Launch templates, in DescribeLaunchTemplates order.
    pub templates: Vec<TemplateView>,
    /// Spot Fleet requests not cancelled (a cancelled request is a deleted resource for AWS
    /// Config).
    pub spot_fleets: Vec<ec2::SpotFleetRequestConfig>,
}

/// Reads the region's templates (with their default versions) and Spot Fleet requests.
pub(super) fn fetch<A: AwsApi>(api: &A, region: &str) -> Result<Ec2TemplatesView, FetchError> {
    let mut out = Ec2TemplatesView::default();
    let mut token = None;
    loop {
        let page = api
            .call::<ec2::DescribeLaunchTemplates>(
                region,
                ec2::DescribeLaunchTemplatesRequest { next_token: token.clone(), ..Default::default() },
            )
            .map_err(fail("launch templates", region))?;
        for template in page.launch_templates.unwrap_or_default() {
            let default = api
                .call::<ec2::DescribeLaunchTemplateVersions>(
                    region,
                    ec2::DescribeLaunchTemplateVersionsRequest {
                        launch_template_id: template.launch_template_id.clone(),
                        versions: Some(vec!["$Default".into()]),
                        ..Default::default()
                    },
                )
                .map_err(fail("launch template versions", region))?
                .launch_template_versions
                .unwrap_or_default()
                .into_iter()
                .next();
            out.templates.push(TemplateView { template, default });
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let mut token = None;
    loop {
        let page = api
            .call::<ec2::DescribeSpotFleetRequests>(
                region,
                ec2::DescribeSpotFleetRequestsRequest { next_token: token.clone(), ..Default::default() },
            )
            .map_err(fail("Spot Fleet requests", region))?;
        out.spot_fleets.extend(
            page.spot_fleet_request_configs
                .unwrap_or_default()
                .into_iter()
                .filter(|f| !f.spot_fleet_request_state.as_deref().unwrap_or_default().starts_with("cancelled")),
        );
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    Ok(out)
}
