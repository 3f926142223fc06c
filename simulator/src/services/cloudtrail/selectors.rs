//! Event and insight selectors: GetEventSelectors, PutEventSelectors, GetInsightSelectors.

use hubsim_model::cloudtrail as ct;

use super::{find, Access};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ct::GetEventSelectors>().add::<ct::PutEventSelectors>().add::<ct::GetInsightSelectors>();
}

/// The selector a trail has until PutEventSelectors changes it: all management events.
pub fn default_selector() -> ct::EventSelector {
    ct::EventSelector {
        read_write_type: Some("All".to_string()),
        include_management_events: Some(true),
        data_resources: Some(Vec::new()),
        exclude_management_event_sources: Some(Vec::new()),
    }
}

fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("InvalidEventSelectorsException", message)
}

/// Data resource types basic event selectors accept.
const DATA_RESOURCE_TYPES: &[&str] = &["AWS::S3::Object", "AWS::Lambda::Function", "AWS::DynamoDB::Table"];

/// Management event sources a basic selector may exclude.
const EXCLUDABLE_SOURCES: &[&str] = &["kms.amazonaws.com", "rdsdata.amazonaws.com"];

/// Fields advanced event selectors may select on.
const ADVANCED_FIELDS: &[&str] = &[
    "eventCategory",
    "eventSource",
    "eventName",
    "eventType",
    "readOnly",
    "resources.type",
    "resources.ARN",
    "errorCode",
    "userIdentity.arn",
    "vpcEndpointId",
    "sessionCredentialFromConsole",
    "eventTypeName",
];

/// Validates basic selectors and fills in their defaults.
fn normalize_basic(selectors: Vec<ct::EventSelector>) -> Result<Vec<ct::EventSelector>, AwsError> {
    if selectors.len() > 5 {
        return Err(invalid("A trail can have at most 5 event selectors."));
    }
    let mut values = 0;
    let mut out = Vec::new();
    for s in selectors {
        let rw = s.read_write_type.unwrap_or_else(|| "All".to_string());
        if !matches!(rw.as_str(), "ReadOnly" | "WriteOnly" | "All") {
            return Err(invalid(format!("Invalid ReadWriteType {rw}.")));
        }
        let data = s.data_resources.unwrap_or_default();
        for d in &data {
            let ty = d.type_.as_deref().unwrap_or_default();
            if !DATA_RESOURCE_TYPES.contains(&ty) {
                return Err(invalid(format!("Invalid data resource type: {ty}")));
            }
            values += d.values.as_ref().map_or(0, Vec::len);
        }
        let excluded = s.exclude_management_event_sources.unwrap_or_default();
        if let Some(bad) = excluded.iter().find(|e| !EXCLUDABLE_SOURCES.contains(&e.as_str())) {
            return Err(invalid(format!("Invalid excluded management event source: {bad}")));
        }
        out.push(ct::EventSelector {
            read_write_type: Some(rw),
            include_management_events: Some(s.include_management_events.unwrap_or(true)),
            data_resources: Some(data),
            exclude_management_event_sources: Some(excluded),
        });
    }
    if values > 250 {
        return Err(invalid("A trail can have at most 250 data resource values across its event selectors."));
    }
    Ok(out)
}

/// Validates advanced selectors: known fields, one `eventCategory` equality each, at most 500
/// conditions in all.
fn check_advanced(selectors: &[ct::AdvancedEventSelector]) -> Result<(), AwsError> {
    let mut conditions = 0;
    for s in selectors {
        if s.field_selectors.is_empty() {
            return Err(invalid("An advanced event selector must have at least one field selector."));
        }
        let mut category = false;
        for f in &s.field_selectors {
            if !ADVANCED_FIELDS.contains(&f.field.as_str()) {
                return Err(invalid(format!("Invalid field: {}", f.field)));
            }
            let n = [&f.equals, &f.starts_with, &f.ends_with, &f.not_equals, &f.not_starts_with, &f.not_ends_with]
                .iter()
                .map(|v| v.as_ref().map_or(0, Vec::len))
                .sum::<usize>();
            if n == 0 {
                return Err(invalid(format!("Field selector {} has no condition.", f.field)));
            }
            conditions += n;
            if f.field == "eventCategory" {
                category = f.equals.as_ref().is_some_and(|e| e.len() == 1);
            }
            if f.field == "readOnly" && !f.equals.iter().flatten().all(|v| v == "true" || v == "false") {
                return Err(invalid("readOnly can only be true or false."));
            }
        }
        if !category {
            return Err(invalid("Each advanced event selector must specify one eventCategory with Equals."));
        }
    }
    if conditions > 500 {
        return Err(invalid("Advanced event selectors can have at most 500 conditions in all."));
    }
    Ok(())
}

impl Handler for ct::GetEventSelectors {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ct::GetEventSelectorsRequest,
    ) -> Result<ct::GetEventSelectorsResponse, AwsError> {
        let (_, doc) = find(ctx, &input.trail_name, Access::Read)?;
        let (basic, advanced) = match (doc.event_selectors, doc.advanced_event_selectors) {
            (_, Some(adv)) => (None, Some(adv)),
            (Some(basic), None) => (Some(basic), None),
            (None, None) => (Some(vec![default_selector()]), None),
        };
        Ok(ct::GetEventSelectorsResponse {
            trail_arn: doc.trail.trail_arn,
            event_selectors: basic,
            advanced_event_selectors: advanced,
        })
    }
}

impl Handler for ct::PutEventSelectors {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ct::PutEventSelectorsRequest,
    ) -> Result<ct::PutEventSelectorsResponse, AwsError> {
        let (home, mut doc) = find(ctx, &input.trail_name, Access::Write)?;
        match (input.event_selectors, input.advanced_event_selectors) {
            (Some(basic), None) => {
                doc.event_selectors = Some(normalize_basic(basic)?);
                doc.advanced_event_selectors = None;
            }
            (None, Some(advanced)) => {
                check_advanced(&advanced)?;
                doc.advanced_event_selectors = Some(advanced);
                doc.event_selectors = None;
            }
            _ => {
                return Err(invalid("Specify either EventSelectors or AdvancedEventSelectors, but not both."));
            }
        }
        doc.trail.has_custom_event_selectors = Some(true);
        let name = doc.name().to_string();
        ctx.put_in(&home, &name, &doc)?;
        Ok(ct::PutEventSelectorsResponse {
            trail_arn: doc.trail.trail_arn,
            event_selectors: doc.event_selectors,
            advanced_event_selectors: doc.advanced_event_selectors,
        })
    }
}

impl Handler for ct::GetInsightSelectors {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ct::GetInsightSelectorsRequest,
    ) -> Result<ct::GetInsightSelectorsResponse, AwsError> {
        let name = match (&input.trail_name, &input.event_data_store) {
            (Some(n), None) => n.clone(),
            (Some(_), Some(_)) => {
                return Err(AwsError::bad_request(
                    "InvalidParameterCombinationException",
                    "Specify either a trail or an event data store, not both.",
                ))
            }
            _ => {
                return Err(AwsError::bad_request(
                    "InvalidParameterCombinationException",
                    "You must specify a trail (hubsim simulates no event data stores).",
                ))
            }
        };
        let (_, doc) = find(ctx, &name, Access::Read)?;
        // hubsim has no PutInsightSelectors: no trail has Insights enabled.
        Err(AwsError::bad_request(
            "InsightNotEnabledException",
            format!("Trail {} does not have Insights enabled.", doc.arn()),
        ))
    }
}
