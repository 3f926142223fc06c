//! The DynamoDB tables of a region as DynamoDB.1, .2 and .6 read them: each table's
//! description and point-in-time recovery (`ListTables`, `DescribeTable`,
//! `DescribeContinuousBackups`), and the Application Auto Scaling targets and policies of the
//! `dynamodb` namespace (`DescribeScalableTargets`, `DescribeScalingPolicies`).

use hubsim_api::model::{application_autoscaling as aas, dynamodb};
use hubsim_api::AwsApi;

use super::{fail, FetchError};

/// One table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableView {
    /// DescribeTable's answer.
    pub table: dynamodb::TableDescription,
    /// Its point-in-time recovery.
    pub pitr: Option<dynamodb::PointInTimeRecoveryDescription>,
}

impl TableView {
    /// The table's name.
    pub fn name(&self) -> &str {
        self.table.table_name.as_deref().unwrap_or_default()
    }

    /// The table's ARN.
    pub fn arn(&self) -> &str {
        self.table.table_arn.as_deref().unwrap_or_default()
    }
}

/// DynamoDB in a region.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DynamoDbView {
    /// Tables, by name.
    pub tables: Vec<TableView>,
    /// Scalable targets of the `dynamodb` namespace.
    pub targets: Vec<aas::ScalableTarget>,
    /// Their scaling policies.
    pub policies: Vec<aas::ScalingPolicy>,
}

/// Reads DynamoDB in `region`.
pub(super) fn fetch<A: AwsApi>(api: &A, region: &str) -> Result<DynamoDbView, FetchError> {
    let mut names = Vec::new();
    let mut start = None;
    loop {
        let page = api
            .call::<dynamodb::ListTables>(
                region,
                dynamodb::ListTablesInput { exclusive_start_table_name: start.clone(), limit: Some(100) },
            )
            .map_err(fail("DynamoDB tables", region))?;
        names.extend(page.table_names.unwrap_or_default());
        start = page.last_evaluated_table_name;
        if start.is_none() {
            break;
        }
    }
    let mut tables = Vec::with_capacity(names.len());
    for name in names {
        let what = format!("DynamoDB table {name}");
        let table = api
            .call::<dynamodb::DescribeTable>(region, dynamodb::DescribeTableInput { table_name: name.clone() })
            .map_err(fail(&what, region))?
            .table
            .unwrap_or_default();
        let pitr = api
            .call::<dynamodb::DescribeContinuousBackups>(
                region,
                dynamodb::DescribeContinuousBackupsInput { table_name: name.clone() },
            )
            .map_err(fail(&what, region))?
            .continuous_backups_description
            .and_then(|c| c.point_in_time_recovery_description);
        tables.push(TableView { table, pitr });
    }
    let mut targets = Vec::new();
    let mut token = None;
    loop {
        let page = api
            .call::<aas::DescribeScalableTargets>(
                region,
                aas::DescribeScalableTargetsRequest {
                    service_namespace: "dynamodb".into(),
                    next_token: token.clone(),
                    ..Default::default()
                },
            )
            .map_err(fail("scalable targets", region))?;
        targets.extend(page.scalable_targets.unwrap_or_default());
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let mut policies = Vec::new();
    loop {
        let page = api
            .call::<aas::DescribeScalingPolicies>(
                region,
                aas::DescribeScalingPoliciesRequest {
                    service_namespace: "dynamodb".into(),
                    next_token: token.clone(),
                    ..Default::default()
                },
            )
            .map_err(fail("scaling policies", region))?;
        policies.extend(page.scaling_policies.unwrap_or_default());
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    Ok(DynamoDbView { tables, targets, policies })
}
