//! `hubsim:SetSsmManaged` (an instance's agent reaching Systems Manager, or leaving it) and
//! DescribeInstanceInformation
//! (<https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstanceInformation.html>).
//!
//! A managed instance's ping status follows its EC2 state: `Online` while it runs,
//! `ConnectionLost` otherwise (a stopped instance's agent does not ping); a terminated
//! instance is no longer listed.

use hubsim_model::{hubsim, ssm, Empty};

use super::{page, start_of, ComplianceRecord, ManagedInstance};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::services::ec2::InstanceDoc;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<hubsim::SetSsmManaged>().add::<ssm::DescribeInstanceInformation>();
}

/// The SSM Agent version hubsim reports for every managed instance.
const AGENT_VERSION: &str = "3.3.0.0";

/// The EC2 state of instance `id` in the call's region, if it exists and is not terminated.
fn ec2_state(ctx: &Ctx<'_>, id: &str) -> Result<Option<InstanceDoc>, AwsError> {
    Ok(ctx.get::<InstanceDoc>(id)?.filter(|d| d.state_name() != "terminated"))
}

/// The managed instances of the call's region whose EC2 instance is not terminated, with it.
pub(crate) fn managed(ctx: &Ctx<'_>) -> Result<Vec<(ManagedInstance, InstanceDoc)>, AwsError> {
    let mut out = Vec::new();
    for (id, m) in ctx.list::<ManagedInstance>()? {
        if let Some(doc) = ec2_state(ctx, &id)? {
            out.push((m, doc));
        }
    }
    Ok(out)
}

/// Whether `id` is a managed instance of the call's region (registered, not terminated).
pub(crate) fn is_managed(ctx: &Ctx<'_>, id: &str) -> Result<bool, AwsError> {
    Ok(ctx.get::<ManagedInstance>(id)?.is_some() && ec2_state(ctx, id)?.is_some())
}

impl Handler for hubsim::SetSsmManaged {
    const MUTATES: bool = true;

    /// `Managed: true` registers the instance (its agent is running and its instance profile
    /// lets it reach Systems Manager); `false` deregisters it and drops its compliance data,
    /// as SSM does for a node that is no longer managed. The instance must exist in the
    /// call's region and not be terminated (`InvalidInstanceId`).
    fn handle(ctx: &mut Ctx<'_>, input: hubsim::SetSsmManagedInput) -> Result<Empty, AwsError> {
        let id = input.instance_id;
        if ec2_state(ctx, &id)?.is_none() {
            return Err(AwsError::bad_request(
                "InvalidInstanceId",
                format!("Instance {id} is not an EC2 instance of region {} (or it is terminated).", ctx.region()),
            ));
        }
        let registered = ctx.get::<ManagedInstance>(&id)?;
        match (input.managed, registered) {
            (true, None) => {
                let now = ctx.now();
                ctx.put(&id, &ManagedInstance { instance_id: id.clone(), registered: now })?;
            }
            (false, Some(_)) => {
                ctx.delete::<ManagedInstance>(&id)?;
                for (key, record) in ctx.list::<ComplianceRecord>()? {
                    if record.resource_id == id {
                        ctx.delete::<ComplianceRecord>(&key)?;
                    }
                }
            }
            _ => {}
        }
        Ok(Empty {})
    }
}

/// What `DescribeInstanceInformation` reports for one managed instance.
fn information(m: &ManagedInstance, doc: &InstanceDoc) -> ssm::InstanceInformation {
    let i = &doc.instance;
    let running = doc.state_name() == "running";
    let windows = i.platform.as_deref() == Some("windows");
    ssm::InstanceInformation {
        instance_id: Some(m.instance_id.clone()),
        ping_status: Some(if running { "Online" } else { "ConnectionLost" }.to_string()),
        last_ping_date_time: Some(m.registered),
        agent_version: Some(AGENT_VERSION.to_string()),
        is_latest_version: Some(true),
        platform_type: Some(if windows { "Windows" } else { "Linux" }.to_string()),
        platform_name: i.platform_details.clone(),
        registration_date: None,
        resource_type: Some("EC2Instance".to_string()),
        ip_address: i.private_ip_address.clone(),
        computer_name: i.private_dns_name.clone(),
        source_id: Some(m.instance_id.clone()),
        source_type: Some("AWS::EC2::Instance".to_string()),
        ..Default::default()
    }
}

/// The values of `info` a filter key names; `None` for an unknown key.
fn values_of(info: &ssm::InstanceInformation, key: &str) -> Option<Vec<String>> {
    let one = |v: &Option<String>| v.iter().cloned().collect::<Vec<_>>();
    Some(match key {
        "InstanceIds" => one(&info.instance_id),
        "AgentVersion" => one(&info.agent_version),
        "PingStatus" => one(&info.ping_status),
        "PlatformTypes" => one(&info.platform_type),
        "ResourceType" => one(&info.resource_type),
        // hubsim's instances have no activation, no IAM role it knows of, and no association
        // status: these keys match nothing.
        "ActivationIds" | "IamRole" | "AssociationStatus" => Vec::new(),
        _ => return None,
    })
}

impl Handler for ssm::DescribeInstanceInformation {
    const MUTATES: bool = false;

    /// Filters by `InstanceInformationFilterList` and `Filters` (the same keys; a key AWS does
    /// not know is `InvalidFilterKey`; `tag:` keys match nothing: managed instances carry no
    /// SSM tags here). Pages of `MaxResults` (5–50, default 50).
    fn handle(
        ctx: &mut Ctx<'_>,
        input: ssm::DescribeInstanceInformationRequest,
    ) -> Result<ssm::DescribeInstanceInformationResult, AwsError> {
        let mut filters: Vec<(String, Vec<String>)> = Vec::new();
        for f in input.instance_information_filter_list.unwrap_or_default() {
            filters.push((f.key, f.value_set));
        }
        for f in input.filters.unwrap_or_default() {
            filters.push((f.key, f.values));
        }
        let probe = ssm::InstanceInformation::default();
        for (key, values) in &filters {
            if values.is_empty() {
                return Err(AwsError::bad_request(
                    "InvalidInstanceInformationFilterValue",
                    format!("Filter {key} needs at least one value."),
                ));
            }
            if !key.starts_with("tag:") && key != "tag-key" && values_of(&probe, key).is_none() {
                return Err(AwsError::bad_request("InvalidFilterKey", format!("The filter key {key} is not valid.")));
            }
        }
        let start = start_of(input.next_token.as_deref())?;
        let size = input.max_results.unwrap_or(50).clamp(5, 50) as usize;
        let all: Vec<ssm::InstanceInformation> = managed(ctx)?
            .iter()
            .map(|(m, doc)| information(m, doc))
            .filter(|info| {
                filters
                    .iter()
                    .all(|(key, wanted)| values_of(info, key).unwrap_or_default().iter().any(|v| wanted.contains(v)))
            })
            .collect();
        let (list, next_token) = page(all, start, size);
        Ok(ssm::DescribeInstanceInformationResult { instance_information_list: Some(list), next_token })
    }
}
