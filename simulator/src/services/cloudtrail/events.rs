//! LookupEvents: CloudTrail's event history. hubsim records no management events, so every
//! lookup answers an empty page after AWS's input checks.

use hubsim_model::cloudtrail as ct;

use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ct::LookupEvents>();
}

impl Handler for ct::LookupEvents {
    const MUTATES: bool = false;

    fn handle(_ctx: &mut Ctx<'_>, input: ct::LookupEventsRequest) -> Result<ct::LookupEventsResponse, AwsError> {
        if let Some(n) = input.max_results {
            if !(1..=50).contains(&n) {
                return Err(AwsError::bad_request(
                    "InvalidMaxResultsException",
                    "MaxResults must be between 1 and 50.",
                ));
            }
        }
        if let (Some(start), Some(end)) = (input.start_time, input.end_time) {
            if start > end {
                return Err(AwsError::bad_request(
                    "InvalidTimeRangeException",
                    "Start time must be before or equal to end time.",
                ));
            }
        }
        if input.lookup_attributes.as_ref().is_some_and(|a| a.len() > 1) {
            return Err(AwsError::bad_request(
                "InvalidLookupAttributesException",
                "You can specify at most one lookup attribute.",
            ));
        }
        if let Some(c) = &input.event_category {
            if c != "insight" {
                return Err(AwsError::bad_request(
                    "InvalidEventCategoryException",
                    format!("Invalid event category {c}."),
                ));
            }
        }
        Ok(ct::LookupEventsResponse { events: Some(Vec::new()), next_token: None })
    }
}
