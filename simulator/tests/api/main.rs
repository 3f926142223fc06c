//! The simulator's integration tests, one binary: each module drives one service (or one
//! flow) through the typed API the way a caller outside the crate does. One binary instead of
//! one per file keeps the test build small: each linked test binary is tens of megabytes.

mod batch_api;
mod cloudtrail_trails;
mod cloudwatch_alarms;
mod config_delivery;
mod config_recorders;
mod ec2_client_vpn;
mod ec2_flow_logs_endpoints;
mod ec2_network_acls;
mod ec2_network_endpoints;
mod ec2_security_groups;
mod ec2_seed;
mod ec2_transit_gateways;
mod ec2_vpc_block_public_access;
mod ec2_vpcs_subnets;
mod guardduty_detectors;
mod iam_access_keys;
mod iam_account;
mod iam_credentials;
mod iam_groups_policies;
mod iam_roles;
mod iam_users_mfa;
mod journal_bounds;
mod kms_keys;
mod lifecycle;
mod logs_groups;
mod organizations_probe;
mod s3_buckets;
mod s3_config;
mod s3_lifecycle;
mod s3_logging;
mod s3_notification;
mod securityhub_controls;
mod securityhub_findings;
mod securityhub_hub;
mod securityhub_lifecycle;
mod sns_subscriptions;
mod sns_topics;
mod sts_identity;
mod support;
