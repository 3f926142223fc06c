//! hubsim's AWS-compatible HTTP endpoint: the simulator over AWS's wire protocols, so the aws
//! CLI, boto3 and scanners work against it unchanged. Only this crate knows HTTP.

pub mod protocol;
