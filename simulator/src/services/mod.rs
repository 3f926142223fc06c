//! One module per AWS service: its resources (as stored documents), its operations
//! ([`crate::registry::Handler`] impls) and AWS's errors. Services know nothing of HTTP.

use hubsim_model::validate::{Invalid, InvalidKind};

use crate::error::AwsError;
use crate::registry::Registrar;

pub mod autoscaling_app;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod config;
pub mod config_rules;
pub mod dynamodb;
pub mod ec2;
pub mod ecr;
pub mod elb;
pub mod elbv2;
pub mod guardduty;
pub mod hubsim;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod organizations;
pub mod rds;
pub mod s3;
pub mod s3control;
pub mod secretsmanager;
pub mod securityhub;
pub mod sns;
pub mod sqs;
pub mod ssm;
pub mod sts;

/// Registers every implemented operation.
pub fn register_all(r: &mut Registrar) {
    autoscaling_app::register(r);
    cloudtrail::register(r);
    cloudwatch::register(r);
    config::register(r);
    config_rules::register(r);
    dynamodb::register(r);
    ec2::register(r);
    ecr::register(r);
    elb::register(r);
    elbv2::register(r);
    guardduty::register(r);
    hubsim::register(r);
    iam::register(r);
    kms::register(r);
    lambda::register(r);
    logs::register(r);
    organizations::register(r);
    rds::register(r);
    s3::register(r);
    s3control::register(r);
    secretsmanager::register(r);
    securityhub::register(r);
    sns::register(r);
    sqs::register(r);
    ssm::register(r);
    sts::register(r);
}

/// How many problems a validation error's message details (hubsim's bound; the count names all
/// the validator found, which stops at `hubsim_model::validate::MAX_PROBLEMS`).
const MAX_DETAILED_PROBLEMS: usize = 10;

/// The error AWS answers when an input breaks the model's constraints, in the code the
/// service's clients expect.
pub fn validation_error(service: &str, problems: &[Invalid]) -> AwsError {
    let first = problems.first();
    // The message details the first problems only: each can list an enum's ~1,000 values, so a
    // list of 2,000 bad values in a 60 KB request made a 28 MB answer (found by fuzzing).
    let mut detail: Vec<String> = problems
        .iter()
        .take(MAX_DETAILED_PROBLEMS)
        .map(|p| if p.path.is_empty() { p.message.clone() } else { format!("{}: {}", p.path, p.message) })
        .collect();
    if problems.len() > MAX_DETAILED_PROBLEMS {
        detail.push(format!("and {} more", problems.len() - MAX_DETAILED_PROBLEMS));
    }
    let message = match problems.len() {
        1 => format!("1 validation error detected: {}", detail.join("; ")),
        // The validator stopped counting there.
        n if n >= hubsim_model::validate::MAX_PROBLEMS => {
            format!("at least {n} validation errors detected: {}", detail.join("; "))
        }
        n => format!("{n} validation errors detected: {}", detail.join("; ")),
    };
    let kind = first.map(|p| p.kind).unwrap_or(InvalidKind::Value);
    let path = first.map(|p| p.path.as_str()).unwrap_or("");
    if service == "s3" && path.ends_with("LocationConstraint") {
        // S3 answers every unusable constraint (including us-east-1) with this code.
        return AwsError::bad_request("InvalidLocationConstraint", "The specified location-constraint is not valid");
    }
    let code = match (service, kind) {
        ("ec2", InvalidKind::Missing) => "MissingParameter",
        ("ec2", InvalidKind::Unknown) => "UnknownParameter",
        ("ec2", _) => "InvalidParameterValue",
        ("s3" | "s3control", InvalidKind::Value) => "InvalidArgument",
        ("s3" | "s3control", _) => "MalformedXML",
        ("sns", _) => "InvalidParameter",
        ("iam" | "sts" | "elb" | "elbv2", _) => "ValidationError",
        ("guardduty", _) => "BadRequestException",
        ("securityhub", _) => "InvalidInputException",
        ("logs", _) => "InvalidParameterException",
        ("cloudwatch", InvalidKind::Missing) => "MissingParameter",
        ("cloudwatch", _) => "InvalidParameterValue",
        ("organizations", _) => "InvalidInputException",
        ("rds", InvalidKind::Missing) => "MissingParameter",
        ("rds", _) => "InvalidParameterValue",
        _ => "ValidationException",
    };
    AwsError::bad_request(code, message)
}
