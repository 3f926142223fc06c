//! Metric filters: PutMetricFilter, DeleteMetricFilter, DescribeMetricFilters.

use hubsim_model::{logs, Empty};

use super::{filter_id, group, invalid, LogGroup, MetricFilter};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<logs::PutMetricFilter>().add::<logs::DeleteMetricFilter>().add::<logs::DescribeMetricFilters>();
}

/// The most metric filters one log group may have.
const MAX_FILTERS_PER_GROUP: usize = 100;

/// Checks a metric transformation: a numeric or `$field` value, and dimensions (at most 3)
/// not combined with a default value.
fn check_transformation(t: &logs::MetricTransformation) -> Result<(), AwsError> {
    let v = t.metric_value.trim();
    if v.is_empty() || !(v.starts_with('$') || v.parse::<f64>().is_ok()) {
        return Err(invalid(format!("Invalid metric value: {}", t.metric_value)));
    }
    if t.metric_name.is_empty() || t.metric_name.contains(['$', ':', '*']) {
        return Err(invalid(format!("Invalid metric name: {}", t.metric_name)));
    }
    if t.metric_namespace.is_empty() || t.metric_namespace.contains(['$', ':', '*']) {
        return Err(invalid(format!("Invalid metric namespace: {}", t.metric_namespace)));
    }
    if let Some(dims) = &t.dimensions {
        if dims.len() > 3 {
            return Err(invalid("A metric transformation can have at most 3 dimensions."));
        }
        if !dims.is_empty() && t.default_value.is_some() {
            return Err(invalid("You cannot specify both a default value and dimensions for a metric transformation."));
        }
    }
    Ok(())
}

impl Handler for logs::PutMetricFilter {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: logs::PutMetricFilterRequest) -> Result<Empty, AwsError> {
        if input.filter_name.is_empty() || input.filter_name.contains([':', '*']) {
            return Err(invalid(format!(
                "1 validation error detected: Value '{}' at 'filterName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*",
                input.filter_name
            )));
        }
        super::pattern::check(&input.filter_pattern).map_err(invalid)?;
        if input.metric_transformations.len() != 1 {
            return Err(invalid("Exactly one metric transformation is required."));
        }
        for t in &input.metric_transformations {
            check_transformation(t)?;
        }
        let g = group(ctx, &input.log_group_name)?;
        let id = filter_id(&g.name, &input.filter_name);
        let existing = ctx.get::<MetricFilter>(&id)?;
        if existing.is_none() {
            let on_group = ctx
                .list::<MetricFilter>()?
                .into_iter()
                .filter(|(_, f)| f.filter.log_group_name.as_deref() == Some(g.name.as_str()))
                .count();
            if on_group >= MAX_FILTERS_PER_GROUP {
                return Err(AwsError::bad_request("LimitExceededException", "Resource limit exceeded."));
            }
        }
        let created = existing.and_then(|e| e.filter.creation_time).unwrap_or(ctx.now().0);
        let doc = MetricFilter {
            filter: logs::MetricFilter {
                filter_name: Some(input.filter_name),
                filter_pattern: Some(input.filter_pattern),
                metric_transformations: Some(input.metric_transformations),
                creation_time: Some(created),
                log_group_name: Some(g.name),
                apply_on_transformed_logs: Some(input.apply_on_transformed_logs.unwrap_or(false)),
                field_selection_criteria: input.field_selection_criteria,
                emit_system_field_dimensions: input.emit_system_field_dimensions,
            },
        };
        ctx.put(&id, &doc)?;
        Ok(Empty {})
    }
}

impl Handler for logs::DeleteMetricFilter {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: logs::DeleteMetricFilterRequest) -> Result<Empty, AwsError> {
        let g = group(ctx, &input.log_group_name)?;
        let id = filter_id(&g.name, &input.filter_name);
        if !ctx.delete::<MetricFilter>(&id)? {
            return Err(AwsError::bad_request(
                "ResourceNotFoundException",
                "The specified metric filter does not exist.",
            ));
        }
        Ok(Empty {})
    }
}

impl Handler for logs::DescribeMetricFilters {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: logs::DescribeMetricFiltersRequest,
    ) -> Result<logs::DescribeMetricFiltersResponse, AwsError> {
        if input.filter_name_prefix.is_some() && input.log_group_name.is_none() {
            return Err(invalid("filterNamePrefix can only be used together with logGroupName."));
        }
        if input.metric_name.is_some() != input.metric_namespace.is_some() {
            return Err(invalid("metricName and metricNamespace must be specified together."));
        }
        let limit = match input.limit {
            None => 50,
            Some(n) if (1..=50).contains(&n) => n as usize,
            Some(n) => return Err(invalid(format!("Invalid limit {n}: must be between 1 and 50"))),
        };
        if let Some(name) = &input.log_group_name {
            if ctx.get::<LogGroup>(name)?.is_none() {
                return Err(super::no_such_group());
            }
        }
        let mut filters: Vec<(String, logs::MetricFilter)> =
            ctx.list::<MetricFilter>()?.into_iter().map(|(id, f)| (id, f.filter)).collect();
        filters.sort_by(|a, b| a.0.cmp(&b.0));
        filters.retain(|(_, f)| {
            let group_ok = input.log_group_name.as_ref().is_none_or(|g| f.log_group_name.as_ref() == Some(g));
            let prefix_ok = input
                .filter_name_prefix
                .as_ref()
                .is_none_or(|p| f.filter_name.as_deref().unwrap_or_default().starts_with(p.as_str()));
            let metric_ok = match (&input.metric_name, &input.metric_namespace) {
                (Some(n), Some(ns)) => {
                    f.metric_transformations.iter().flatten().any(|t| &t.metric_name == n && &t.metric_namespace == ns)
                }
                _ => true,
            };
            group_ok && prefix_ok && metric_ok
        });
        if let Some(token) = &input.next_token {
            filters.retain(|(id, _)| id.as_str() > token.as_str());
        }
        let next_token = if filters.len() > limit {
            filters.truncate(limit);
            filters.last().map(|(id, _)| id.clone())
        } else {
            None
        };
        Ok(logs::DescribeMetricFiltersResponse {
            metric_filters: Some(filters.into_iter().map(|(_, f)| f).collect()),
            next_token,
        })
    }
}
