//! DescribeConfigurationAggregators
//! (<https://docs.aws.amazon.com/config/latest/APIReference/API_DescribeConfigurationAggregators.html>).
//! hubsim holds no configuration aggregators (no operation creates one): the list is empty,
//! and naming one is `NoSuchConfigurationAggregatorException`, as AWS answers for a name it
//! does not hold.

use hubsim_model::config;

use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<config::DescribeConfigurationAggregators>();
}

impl Handler for config::DescribeConfigurationAggregators {
    const MUTATES: bool = false;

    fn handle(
        _ctx: &mut Ctx<'_>,
        input: config::DescribeConfigurationAggregatorsRequest,
    ) -> Result<config::DescribeConfigurationAggregatorsResponse, AwsError> {
        if let Some(name) = input.configuration_aggregator_names.iter().flatten().next() {
            return Err(AwsError::bad_request(
                "NoSuchConfigurationAggregatorException",
                format!("The configuration aggregator {name} does not exist."),
            ));
        }
        if input.next_token.is_some() {
            return Err(AwsError::bad_request(
                "InvalidNextTokenException",
                "The specified next token is invalid: this account has no configuration aggregators to page through.",
            ));
        }
        Ok(config::DescribeConfigurationAggregatorsResponse {
            configuration_aggregators: Some(Vec::new()),
            next_token: None,
        })
    }
}
