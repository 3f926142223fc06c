//! Reads scanners make that hubsim answers from empty state: DescribeResourcePolicies and
//! FilterLogEvents (hubsim keeps no log events).

use hubsim_model::logs;

use super::{group, invalid};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<logs::DescribeResourcePolicies>().add::<logs::FilterLogEvents>();
}

impl Handler for logs::DescribeResourcePolicies {
    const MUTATES: bool = false;

    fn handle(
        _ctx: &mut Ctx<'_>,
        input: logs::DescribeResourcePoliciesRequest,
    ) -> Result<logs::DescribeResourcePoliciesResponse, AwsError> {
        if let Some(n) = input.limit {
            if !(1..=50).contains(&n) {
                return Err(invalid(format!("Invalid limit {n}: must be between 1 and 50")));
            }
        }
        // hubsim has no PutResourcePolicy: there are never any.
        Ok(logs::DescribeResourcePoliciesResponse { resource_policies: Some(Vec::new()), next_token: None })
    }
}

impl Handler for logs::FilterLogEvents {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: logs::FilterLogEventsRequest,
    ) -> Result<logs::FilterLogEventsResponse, AwsError> {
        let name = match (&input.log_group_name, &input.log_group_identifier) {
            (Some(n), None) => n.clone(),
            (None, Some(id)) => {
                // An identifier is a name or an ARN (with or without `:*`).
                let tail = id.strip_suffix(":*").unwrap_or(id);
                match tail.split_once(":log-group:") {
                    Some((_, n)) if tail.starts_with("arn:") => n.to_string(),
                    _ => tail.to_string(),
                }
            }
            _ => return Err(invalid("Exactly one of logGroupName and logGroupIdentifier must be specified.")),
        };
        if input.log_stream_names.is_some() && input.log_stream_name_prefix.is_some() {
            return Err(invalid("logStreamNames and logStreamNamePrefix are mutually exclusive."));
        }
        if let (Some(start), Some(end)) = (input.start_time, input.end_time) {
            if start > end {
                return Err(invalid("startTime must be less than or equal to endTime."));
            }
        }
        group(ctx, &name)?;
        Ok(logs::FilterLogEventsResponse {
            events: Some(Vec::new()),
            searched_log_streams: Some(Vec::new()),
            next_token: None,
        })
    }
}
