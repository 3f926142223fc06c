//! Launch templates and their versions: CreateLaunchTemplate, CreateLaunchTemplateVersion,
//! DescribeLaunchTemplates, DescribeLaunchTemplateVersions, ModifyLaunchTemplate (the default
//! version), DeleteLaunchTemplate
//! (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-launch-templates.html).
//!
//! A template keeps every version it was given, numbered from 1; version 1 is the default until
//! ModifyLaunchTemplate names another. A new version copies its `SourceVersion` and replaces
//! the top-level parameters the request gives
//! (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplateVersion.html).
//! Errors use EC2's launch template codes
//! (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).

use hubsim_model::ec2;
use serde::{Deserialize, Serialize};

use super::filters::{flag, one, opt, page, Filters};
use super::tags::{add_tags, drop_tags, spec_tags, tag_list, tags_of};
use super::{dry_run, invalid};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::CreateLaunchTemplate>()
        .add::<ec2::CreateLaunchTemplateVersion>()
        .add::<ec2::DescribeLaunchTemplates>()
        .add::<ec2::DescribeLaunchTemplateVersions>()
        .add::<ec2::ModifyLaunchTemplate>()
        .add::<ec2::DeleteLaunchTemplate>();
}

/// A launch template with all its versions, stored under its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct TemplateDoc {
    /// The template (tags are kept in the tag store).
    pub template: ec2::LaunchTemplate,
    /// Every version, in version order.
    pub versions: Vec<ec2::LaunchTemplateVersion>,
}

impl Resource for TemplateDoc {
    const KIND: &'static str = "ec2:launch-template";
}

/// The most versions one template may hold (EC2 quota "Versions per launch template").
const MAX_VERSIONS: usize = 10_000;
/// The longest version description EC2 accepts.
const MAX_DESCRIPTION: usize = 255;

fn name_malformed(name: &str) -> AwsError {
    AwsError::bad_request(
        "InvalidLaunchTemplateName.MalformedException",
        format!(
            "The launch template name '{name}' is malformed: it must be 3 to 128 characters of letters, digits \
             and ( ) . - / _"
        ),
    )
}

/// Checks a template name: 3–128 characters of `[a-zA-Z0-9().\-/_]` (API reference,
/// CreateLaunchTemplate `LaunchTemplateName`).
fn check_name(name: &str) -> Result<(), AwsError> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "().-/_".contains(c);
    if !(3..=128).contains(&name.chars().count()) || !name.chars().all(ok_char) {
        return Err(name_malformed(name));
    }
    Ok(())
}

fn check_description(d: &Option<String>) -> Result<(), AwsError> {
    if d.as_deref().is_some_and(|d| d.chars().count() > MAX_DESCRIPTION) {
        return Err(invalid(format!("VersionDescription exceeds the maximum length of {MAX_DESCRIPTION} characters")));
    }
    Ok(())
}

/// Checks what EC2 checks of template data when it is saved (the rest is checked at launch).
fn check_data(data: &ec2::RequestLaunchTemplateData) -> Result<(), AwsError> {
    if let Some(m) = &data.metadata_options {
        if let Some(hops) = m.http_put_response_hop_limit {
            if !(1..=64).contains(&hops) {
                return Err(invalid(format!(
                    "LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit: {hops} is not between 1 and 64"
                )));
            }
        }
    }
    let mut indexes = Vec::new();
    for (n, ni) in data.network_interfaces.iter().flatten().enumerate() {
        let index = (ni.network_card_index.unwrap_or(0), ni.device_index.unwrap_or(0));
        if indexes.contains(&index) {
            return Err(invalid(format!(
                "LaunchTemplateData.NetworkInterfaces.{}: device index {} is used twice on network card {}",
                n + 1,
                index.1,
                index.0
            )));
        }
        indexes.push(index);
    }
    Ok(())
}

/// The stored (response) form of request data: the two shapes share their wire names, so a
/// JSON round trip carries every member over.
fn response_data(data: &ec2::RequestLaunchTemplateData) -> Result<ec2::ResponseLaunchTemplateData, AwsError> {
    let value = serde_json::to_value(data).map_err(|e| AwsError::internal(format!("launch template data: {e}")))?;
    serde_json::from_value(value).map_err(|e| AwsError::internal(format!("launch template data: {e}")))
}

/// `source` with the top-level parameters `data` gives replaced.
fn merged(
    source: &ec2::ResponseLaunchTemplateData,
    data: &ec2::RequestLaunchTemplateData,
) -> Result<ec2::ResponseLaunchTemplateData, AwsError> {
    let internal = |e: serde_json::Error| AwsError::internal(format!("launch template data: {e}"));
    let mut base = serde_json::to_value(source).map_err(internal)?;
    let new = serde_json::to_value(response_data(data)?).map_err(internal)?;
    if let (Some(base), serde_json::Value::Object(new)) = (base.as_object_mut(), new) {
        for (k, v) in new {
            base.insert(k, v);
        }
    }
    serde_json::from_value(base).map_err(internal)
}

fn id_malformed(id: &str) -> AwsError {
    AwsError::bad_request(
        "InvalidLaunchTemplateId.Malformed",
        format!("The launch template ID '{id}' is malformed: expected lt- followed by 17 hexadecimal characters"),
    )
}

fn id_not_found(id: &str) -> AwsError {
    AwsError::bad_request("InvalidLaunchTemplateId.NotFound", format!("The launch template ID '{id}' does not exist"))
}

fn name_not_found() -> AwsError {
    AwsError::bad_request(
        "InvalidLaunchTemplateName.NotFoundException",
        "At least one of the launch templates specified in the request does not exist.",
    )
}

fn version_not_found(version: &str, id: &str) -> AwsError {
    AwsError::bad_request(
        "InvalidLaunchTemplateId.VersionNotFound",
        format!("Could not find launch template version {version} for launch template {id}"),
    )
}

fn well_formed_id(id: &str) -> bool {
    id.strip_prefix("lt-").is_some_and(|h| h.len() == 17 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The template a request names by id or by name (exactly one of them).
fn named(ctx: &Ctx<'_>, id: &Option<String>, name: &Option<String>) -> Result<TemplateDoc, AwsError> {
    match (id.as_deref(), name.as_deref()) {
        (Some(_), Some(_)) => Err(AwsError::bad_request(
            "InvalidParameterCombination",
            "Specify either LaunchTemplateId or LaunchTemplateName, not both.",
        )),
        (None, None) => Err(AwsError::bad_request(
            "MissingParameter",
            "The request must contain the parameter LaunchTemplateId or LaunchTemplateName",
        )),
        (Some(id), None) => {
            if !well_formed_id(id) {
                return Err(id_malformed(id));
            }
            ctx.get::<TemplateDoc>(id)?.ok_or_else(|| id_not_found(id))
        }
        (None, Some(name)) => {
            check_name(name)?;
            by_name(ctx, name)?.ok_or_else(name_not_found)
        }
    }
}

fn by_name(ctx: &Ctx<'_>, name: &str) -> Result<Option<TemplateDoc>, AwsError> {
    Ok(ctx
        .list::<TemplateDoc>()?
        .into_iter()
        .map(|(_, t)| t)
        .find(|t| t.template.launch_template_name.as_deref() == Some(name)))
}

fn template_id(t: &TemplateDoc) -> String {
    t.template.launch_template_id.clone().unwrap_or_default()
}

/// Resolves `$Latest`, `$Default` or a version number of `t` to a version number.
fn resolve(t: &TemplateDoc, version: &str) -> Result<i64, AwsError> {
    let latest = t.template.latest_version_number.unwrap_or(1);
    let n = match version {
        "$Latest" => latest,
        "$Default" => t.template.default_version_number.unwrap_or(1),
        v => v.parse::<i64>().map_err(|_| {
            invalid(format!("The version '{v}' is not valid: use a version number, $Latest or $Default"))
        })?,
    };
    if !(1..=latest).contains(&n) {
        return Err(version_not_found(version, &template_id(t)));
    }
    Ok(n)
}

fn version(t: &TemplateDoc, n: i64) -> Option<&ec2::LaunchTemplateVersion> {
    t.versions.iter().find(|v| v.version_number == Some(n))
}

/// The template as Describe answers it, with its tags.
fn described(ctx: &Ctx<'_>, t: &TemplateDoc) -> Result<ec2::LaunchTemplate, AwsError> {
    Ok(ec2::LaunchTemplate { tags: tag_list(tags_of(ctx, &template_id(t))?), ..t.template.clone() })
}

/// Marks the default version among `t`'s versions.
fn mark_default(t: &mut TemplateDoc) {
    let default = t.template.default_version_number;
    for v in &mut t.versions {
        v.default_version = Some(v.version_number == default);
    }
}

impl Handler for ec2::CreateLaunchTemplate {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::CreateLaunchTemplateRequest,
    ) -> Result<ec2::CreateLaunchTemplateResult, AwsError> {
        let name = input.launch_template_name.clone();
        check_name(&name)?;
        check_description(&input.version_description)?;
        check_data(&input.launch_template_data)?;
        let tags = spec_tags(&input.tag_specifications, "launch-template")?;
        let data = response_data(&input.launch_template_data)?;
        dry_run(input.dry_run)?;
        if by_name(ctx, &name)?.is_some() {
            return Err(AwsError::bad_request(
                "InvalidLaunchTemplateName.AlreadyExistsException",
                format!("Launch template name already in use: {name}"),
            ));
        }
        let id = ctx.ids().ec2("lt");
        let now = ctx.now();
        let created_by = format!("arn:aws:iam::{}:root", ctx.account());
        let template = ec2::LaunchTemplate {
            launch_template_id: Some(id.clone()),
            launch_template_name: Some(name.clone()),
            create_time: Some(now),
            created_by: Some(created_by.clone()),
            default_version_number: Some(1),
            latest_version_number: Some(1),
            tags: None,
            operator: None,
        };
        let v1 = ec2::LaunchTemplateVersion {
            launch_template_id: Some(id.clone()),
            launch_template_name: Some(name),
            version_number: Some(1),
            version_description: input.version_description,
            create_time: Some(now),
            created_by: Some(created_by),
            default_version: Some(true),
            launch_template_data: Some(data),
            operator: None,
        };
        let doc = TemplateDoc { template, versions: vec![v1] };
        ctx.put(&id, &doc)?;
        add_tags(ctx, &id, "launch-template", &tags)?;
        Ok(ec2::CreateLaunchTemplateResult { launch_template: Some(described(ctx, &doc)?), warning: None })
    }
}

impl Handler for ec2::CreateLaunchTemplateVersion {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::CreateLaunchTemplateVersionRequest,
    ) -> Result<ec2::CreateLaunchTemplateVersionResult, AwsError> {
        let mut t = named(ctx, &input.launch_template_id, &input.launch_template_name)?;
        check_description(&input.version_description)?;
        check_data(&input.launch_template_data)?;
        let data = match &input.source_version {
            Some(source) => {
                let n = resolve(&t, source)?;
                let base = version(&t, n).and_then(|v| v.launch_template_data.clone()).unwrap_or_default();
                merged(&base, &input.launch_template_data)?
            }
            None => response_data(&input.launch_template_data)?,
        };
        dry_run(input.dry_run)?;
        if t.versions.len() >= MAX_VERSIONS {
            return Err(AwsError::bad_request(
                "LaunchTemplateVersionLimitExceeded",
                format!("Launch template {} already has the maximum of {MAX_VERSIONS} versions", template_id(&t)),
            ));
        }
        let number = t.template.latest_version_number.unwrap_or(1) + 1;
        let v = ec2::LaunchTemplateVersion {
            launch_template_id: t.template.launch_template_id.clone(),
            launch_template_name: t.template.launch_template_name.clone(),
            version_number: Some(number),
            version_description: input.version_description,
            create_time: Some(ctx.now()),
            created_by: Some(format!("arn:aws:iam::{}:root", ctx.account())),
            default_version: Some(false),
            launch_template_data: Some(data),
            operator: None,
        };
        t.template.latest_version_number = Some(number);
        t.versions.push(v.clone());
        ctx.put(&template_id(&t), &t)?;
        Ok(ec2::CreateLaunchTemplateVersionResult { launch_template_version: Some(v), warning: None })
    }
}

impl Handler for ec2::ModifyLaunchTemplate {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::ModifyLaunchTemplateRequest,
    ) -> Result<ec2::ModifyLaunchTemplateResult, AwsError> {
        let mut t = named(ctx, &input.launch_template_id, &input.launch_template_name)?;
        let default = match &input.default_version {
            // ModifyLaunchTemplate takes a version number (`SetDefaultVersion` on the wire).
            Some(v) if v.starts_with('$') => {
                return Err(invalid(format!("SetDefaultVersion: '{v}' is not a version number")))
            }
            Some(v) => Some(resolve(&t, v)?),
            None => None,
        };
        dry_run(input.dry_run)?;
        if let Some(n) = default {
            t.template.default_version_number = Some(n);
            mark_default(&mut t);
            ctx.put(&template_id(&t), &t)?;
        }
        Ok(ec2::ModifyLaunchTemplateResult { launch_template: Some(described(ctx, &t)?) })
    }
}

impl Handler for ec2::DeleteLaunchTemplate {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DeleteLaunchTemplateRequest,
    ) -> Result<ec2::DeleteLaunchTemplateResult, AwsError> {
        let t = named(ctx, &input.launch_template_id, &input.launch_template_name)?;
        dry_run(input.dry_run)?;
        let id = template_id(&t);
        let answer = described(ctx, &t)?;
        ctx.delete::<TemplateDoc>(&id)?;
        drop_tags(ctx, &id)?;
        Ok(ec2::DeleteLaunchTemplateResult { launch_template: Some(ec2::LaunchTemplate { tags: None, ..answer }) })
    }
}

impl Handler for ec2::DescribeLaunchTemplates {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeLaunchTemplatesRequest,
    ) -> Result<ec2::DescribeLaunchTemplatesResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(input.filters, &["create-time", "launch-template-name", "tag-key"])?;
        let all: Vec<TemplateDoc> = ctx.list::<TemplateDoc>()?.into_iter().map(|(_, t)| t).collect();
        let ids = input.launch_template_ids.unwrap_or_default();
        let names = input.launch_template_names.unwrap_or_default();
        for id in &ids {
            if !well_formed_id(id) {
                return Err(id_malformed(id));
            }
            if !all.iter().any(|t| t.template.launch_template_id.as_deref() == Some(id.as_str())) {
                return Err(id_not_found(id));
            }
        }
        for name in &names {
            if !all.iter().any(|t| t.template.launch_template_name.as_deref() == Some(name.as_str())) {
                return Err(name_not_found());
            }
        }
        let mut out = Vec::new();
        for t in &all {
            let id = template_id(t);
            let name = t.template.launch_template_name.clone().unwrap_or_default();
            if (!ids.is_empty() && !ids.contains(&id)) || (!names.is_empty() && !names.contains(&name)) {
                continue;
            }
            let shown = described(ctx, t)?;
            let tags = shown.tags.clone().unwrap_or_default();
            let keep = filters.matches(&tags, |f| match f {
                "launch-template-name" => one(name.clone()),
                "create-time" => shown.create_time.map(|c| one(c.to_iso8601())).unwrap_or_default(),
                _ => vec![],
            });
            if keep {
                out.push(shown);
            }
        }
        let (items, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeLaunchTemplatesResult { launch_templates: Some(items), next_token })
    }
}

impl Handler for ec2::DescribeLaunchTemplateVersions {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ec2::DescribeLaunchTemplateVersionsRequest,
    ) -> Result<ec2::DescribeLaunchTemplateVersionsResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters =
            Filters::parse(input.filters, &["create-time", "image-id", "instance-type", "is-default-version"])?;
        let requested = input.versions.clone().unwrap_or_default();
        // Without a template, only `$Latest` / `$Default` of every template may be asked for.
        let templates: Vec<TemplateDoc> = if input.launch_template_id.is_none() && input.launch_template_name.is_none()
        {
            let aliases_only = !requested.is_empty() && requested.iter().all(|v| v == "$Latest" || v == "$Default");
            if !aliases_only {
                return Err(AwsError::bad_request(
                    "MissingParameter",
                    "The request must contain the parameter LaunchTemplateId or LaunchTemplateName, unless \
                         Versions holds only $Latest and $Default",
                ));
            }
            ctx.list::<TemplateDoc>()?.into_iter().map(|(_, t)| t).collect()
        } else {
            vec![named(ctx, &input.launch_template_id, &input.launch_template_name)?]
        };
        let bound = |b: &Option<String>, t: &TemplateDoc| b.as_deref().map(|v| resolve(t, v)).transpose();
        let mut out = Vec::new();
        for t in &templates {
            let min = bound(&input.min_version, t)?;
            let max = bound(&input.max_version, t)?;
            let mut wanted: Vec<i64> = Vec::new();
            for v in &requested {
                let n = resolve(t, v)?;
                if !wanted.contains(&n) {
                    wanted.push(n);
                }
            }
            for v in &t.versions {
                let n = v.version_number.unwrap_or(0);
                let chosen = (wanted.is_empty() || wanted.contains(&n))
                    && min.is_none_or(|m| n >= m)
                    && max.is_none_or(|m| n <= m);
                let data = v.launch_template_data.clone().unwrap_or_default();
                let keep = chosen
                    && filters.matches(&[], |f| match f {
                        "create-time" => v.create_time.map(|c| one(c.to_iso8601())).unwrap_or_default(),
                        "image-id" => opt(&data.image_id),
                        "instance-type" => opt(&data.instance_type),
                        "is-default-version" => flag(v.default_version),
                        _ => vec![],
                    });
                if keep {
                    out.push(v.clone());
                }
            }
        }
        let (items, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeLaunchTemplateVersionsResult { launch_template_versions: Some(items), next_token })
    }
}
