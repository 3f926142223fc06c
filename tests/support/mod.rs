//! Helpers of the property tests: generated accounts and state read back through the API.

pub mod generate;
pub mod generate_dynamodb;
pub mod generate_ecr;
pub mod generate_elb;
pub mod generate_iam_credentials;
pub mod generate_iam_policies;
pub mod generate_instances;
pub mod generate_keys;
pub mod generate_lambda;
pub mod generate_misc;
pub mod generate_monitoring;
pub mod generate_network;
pub mod generate_rds;
pub mod generate_s3_access;
pub mod generate_secrets;
pub mod generate_ssm;
pub mod generate_templates;
pub mod generate_vpn;
pub mod state;
pub mod state_iam_policies;
pub mod state_keys;
pub mod state_monitoring;
pub mod state_s3_access;
pub mod state_ssm;
pub mod state_templates;
