//! VPC flow logs: CreateFlowLogs, DescribeFlowLogs, DeleteFlowLogs. Per-resource failures go
//! into `Unsuccessful`; the call itself succeeds.

use hubsim_model::ec2;

use super::filters::{one, opt, page, Filters};
use super::tags::{add_tags, drop_tags, spec_tags, tag_list, tags_of};
use super::vpcs::VpcDoc;
use super::{dry_run, missing};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ec2::CreateFlowLogs>().add::<ec2::DescribeFlowLogs>().add::<ec2::DeleteFlowLogs>();
}

impl Resource for ec2::FlowLog {
    const KIND: &'static str = "ec2:flow-log";
}

/// The log format flow logs get when none is given (version 2 fields).
pub(crate) const DEFAULT_LOG_FORMAT: &str = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";

fn bad(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidParameter", message)
}

/// Deletes the flow logs of a deleted VPC or subnet.
pub(crate) fn remove_for_resource(ctx: &mut Ctx<'_>, resource_id: &str) -> Result<(), AwsError> {
    for (id, f) in ctx.list::<ec2::FlowLog>()? {
        if f.resource_id.as_deref() == Some(resource_id) {
            ctx.delete::<ec2::FlowLog>(&id)?;
            drop_tags(ctx, &id)?;
        }
    }
    Ok(())
}

/// Where the logs go, once validated: (type, destination ARN, log group name, options).
type Destination = (String, String, Option<String>, Option<ec2::DestinationOptionsResponse>);

fn destination(ctx: &Ctx<'_>, input: &ec2::CreateFlowLogsRequest) -> Result<Destination, AwsError> {
    let kind = input.log_destination_type.clone().unwrap_or_else(|| "cloud-watch-logs".into());
    match kind.as_str() {
        "cloud-watch-logs" => {
            let prefix = format!("arn:aws:logs:{}:{}:log-group:", ctx.region(), ctx.account());
            let name =
                match (&input.log_group_name, &input.log_destination) {
                    (Some(_), Some(_)) => {
                        return Err(bad("Please only provide LogGroupName or only provide LogDestination."))
                    }
                    (None, None) => return Err(bad(
                        "LogDestination or LogGroupName must be provided when LogDestinationType is cloud-watch-logs.",
                    )),
                    (Some(n), None) => n.clone(),
                    (None, Some(arn)) => {
                        let rest = arn.strip_prefix(&prefix).unwrap_or("");
                        let name = rest.strip_suffix(":*").unwrap_or(rest);
                        if name.is_empty() {
                            return Err(bad(format!(
                                "LogDestination: {arn} is not a valid CloudWatch Logs log group ARN."
                            )));
                        }
                        name.to_string()
                    }
                };
            if input.deliver_logs_permission_arn.as_deref().unwrap_or("").is_empty() {
                return Err(bad("DeliverLogsPermissionArn can't be empty if LogDestinationType is cloud-watch-logs."));
            }
            Ok((kind, format!("{prefix}{name}"), Some(name), None))
        }
        "s3" => {
            let arn = input
                .log_destination
                .clone()
                .ok_or_else(|| bad("LogDestination can't be empty if LogDestinationType is s3."))?;
            let bucket = arn.strip_prefix("arn:aws:s3:::").unwrap_or("").split('/').next().unwrap_or("");
            if bucket.is_empty() {
                return Err(bad(format!("LogDestination: {arn} is not a valid S3 bucket ARN.")));
            }
            if input.log_group_name.is_some() {
                return Err(bad("LogGroupName is not applicable when LogDestinationType is s3."));
            }
            if input.deliver_logs_permission_arn.is_some() {
                return Err(bad("DeliverLogsPermissionArn is not applicable when LogDestinationType is s3."));
            }
            let o = input.destination_options.clone().unwrap_or_default();
            let format = o.file_format.unwrap_or_else(|| "plain-text".into());
            if format != "plain-text" && format != "parquet" {
                return Err(bad(format!("Invalid FileFormat: {format}")));
            }
            let options = ec2::DestinationOptionsResponse {
                file_format: Some(format),
                hive_compatible_partitions: Some(o.hive_compatible_partitions.unwrap_or(false)),
                per_hour_partition: Some(o.per_hour_partition.unwrap_or(false)),
            };
            Ok((kind, arn, None, Some(options)))
        }
        "kinesis-data-firehose" => {
            let arn = input
                .log_destination
                .clone()
                .ok_or_else(|| bad("LogDestination can't be empty if LogDestinationType is kinesis-data-firehose."))?;
            if !arn.starts_with("arn:aws:firehose:") {
                return Err(bad(format!("LogDestination: {arn} is not a valid Kinesis Data Firehose ARN.")));
            }
            Ok((kind, arn, None, None))
        }
        other => Err(bad(format!("Invalid LogDestinationType: {other}"))),
    }
}

/// Why resource `id` of `resource_type` cannot get a flow log, if it cannot.
fn resource_error(ctx: &Ctx<'_>, resource_type: &str, id: &str) -> Result<Option<(String, String)>, AwsError> {
    let (exists, code, noun) = match resource_type {
        "VPC" => (ctx.get::<VpcDoc>(id)?.is_some(), "InvalidVpcID.NotFound", "vpc"),
        "Subnet" => (ctx.get::<ec2::Subnet>(id)?.is_some(), "InvalidSubnetID.NotFound", "subnet"),
        "NetworkInterface" => (false, "InvalidNetworkInterfaceID.NotFound", "network interface"),
        "TransitGateway" => (false, "InvalidTransitGatewayID.NotFound", "transit gateway"),
        _ => (false, "InvalidTransitGatewayAttachmentID.NotFound", "transit gateway attachment"),
    };
    Ok((!exists).then(|| (code.to_string(), format!("The {noun} ID '{id}' does not exist"))))
}

impl Handler for ec2::CreateFlowLogs {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::CreateFlowLogsRequest) -> Result<ec2::CreateFlowLogsResult, AwsError> {
        let traffic_type = match (&input.traffic_type, input.resource_type.as_str()) {
            (Some(t), _) => Some(t.clone()),
            (None, "VPC" | "Subnet" | "NetworkInterface") => return Err(missing("TrafficType")),
            (None, _) => None,
        };
        let (kind, dest, group, options) = destination(ctx, &input)?;
        let interval = input.max_aggregation_interval.unwrap_or(600);
        if interval != 60 && interval != 600 {
            return Err(bad(format!("Invalid MaxAggregationInterval: {interval}. Valid values are 60 and 600.")));
        }
        let log_format = input.log_format.clone().unwrap_or_else(|| DEFAULT_LOG_FORMAT.to_string());
        if !log_format.trim_start().starts_with("${") {
            return Err(bad(format!("Invalid LogFormat: {log_format}")));
        }
        let tags = spec_tags(&input.tag_specifications, "vpc-flow-log")?;
        dry_run(input.dry_run)?;
        let existing = ctx.list::<ec2::FlowLog>()?;
        let mut ids = Vec::new();
        let mut unsuccessful = Vec::new();
        let mut created: Vec<(String, String)> = Vec::new();
        for resource in &input.resource_ids {
            let fail = |code: &str, message: String| ec2::UnsuccessfulItem {
                error: Some(ec2::UnsuccessfulItemError { code: Some(code.into()), message: Some(message) }),
                resource_id: Some(resource.clone()),
            };
            if let Some((code, message)) = resource_error(ctx, &input.resource_type, resource)? {
                unsuccessful.push(fail(&code, message));
                continue;
            }
            let duplicate = existing.iter().any(|(_, f)| {
                f.resource_id.as_deref() == Some(resource.as_str())
                    && f.traffic_type == traffic_type
                    && f.log_destination.as_deref() == Some(dest.as_str())
            }) || created.iter().any(|(r, _)| r == resource);
            if duplicate {
                unsuccessful.push(fail(
                    "FlowLogAlreadyExists",
                    "Error. There is an existing Flow Log with the same configuration and log destination.".into(),
                ));
                continue;
            }
            let id = ctx.ids().ec2("fl");
            let doc = ec2::FlowLog {
                creation_time: Some(ctx.now()),
                deliver_logs_permission_arn: input.deliver_logs_permission_arn.clone(),
                deliver_cross_account_role: input.deliver_cross_account_role.clone(),
                deliver_logs_status: Some("SUCCESS".into()),
                flow_log_id: Some(id.clone()),
                flow_log_status: Some("ACTIVE".into()),
                log_group_name: group.clone(),
                resource_id: Some(resource.clone()),
                traffic_type: traffic_type.clone(),
                log_destination_type: Some(kind.clone()),
                log_destination: Some(dest.clone()),
                log_format: Some(log_format.clone()),
                tags: None,
                max_aggregation_interval: Some(interval),
                destination_options: options.clone(),
                deliver_logs_error_message: None,
            };
            ctx.put(&id, &doc)?;
            add_tags(ctx, &id, "vpc-flow-log", &tags)?;
            created.push((resource.clone(), id.clone()));
            ids.push(id);
        }
        Ok(ec2::CreateFlowLogsResult {
            client_token: input.client_token,
            flow_log_ids: Some(ids),
            unsuccessful: Some(unsuccessful),
        })
    }
}

impl Handler for ec2::DescribeFlowLogs {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DescribeFlowLogsRequest) -> Result<ec2::DescribeFlowLogsResult, AwsError> {
        dry_run(input.dry_run)?;
        let filters = Filters::parse(
            input.filter,
            &[
                "deliver-log-status",
                "log-destination-type",
                "flow-log-id",
                "log-group-name",
                "resource-id",
                "traffic-type",
                "tag-key",
            ],
        )?;
        let mut out = Vec::new();
        for (id, mut f) in ctx.list::<ec2::FlowLog>()? {
            if input.flow_log_ids.as_ref().is_some_and(|ids| !ids.contains(&id)) {
                continue;
            }
            f.tags = tag_list(tags_of(ctx, &id)?);
            let keep = filters.matches(f.tags.as_deref().unwrap_or(&[]), |name| match name {
                "deliver-log-status" => opt(&f.deliver_logs_status),
                "log-destination-type" => opt(&f.log_destination_type),
                "flow-log-id" => one(id.as_str()),
                "log-group-name" => opt(&f.log_group_name),
                "resource-id" => opt(&f.resource_id),
                "traffic-type" => opt(&f.traffic_type),
                _ => vec![],
            });
            if keep {
                out.push(f);
            }
        }
        let (flow_logs, next_token) = page(out, input.max_results, input.next_token.as_deref())?;
        Ok(ec2::DescribeFlowLogsResult { flow_logs: Some(flow_logs), next_token })
    }
}

impl Handler for ec2::DeleteFlowLogs {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ec2::DeleteFlowLogsRequest) -> Result<ec2::DeleteFlowLogsResult, AwsError> {
        dry_run(input.dry_run)?;
        let mut unsuccessful = Vec::new();
        for id in &input.flow_log_ids {
            if ctx.get::<ec2::FlowLog>(id)?.is_some() {
                ctx.delete::<ec2::FlowLog>(id)?;
                drop_tags(ctx, id)?;
            } else {
                unsuccessful.push(ec2::UnsuccessfulItem {
                    error: Some(ec2::UnsuccessfulItemError {
                        code: Some("InvalidFlowLogId.NotFound".into()),
                        message: Some(format!(
                            "These flow log ids in the input list are not found: [TotalCount: 1] {id}"
                        )),
                    }),
                    resource_id: Some(id.clone()),
                });
            }
        }
        Ok(ec2::DeleteFlowLogsResult { unsuccessful: Some(unsuccessful) })
    }
}
