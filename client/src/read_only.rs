//! The read-only rule: which operations the client may send. It is decided from the operation
//! itself, its name's verb, the convention every AWS API follows (`Describe*`, `Get*`,
//! `List*`, ...), so a new operation in a model is classified without anyone remembering to:
//! a verb not listed here is refused.
//!
//! One exception by name: `iam:GenerateCredentialReport`, which IAM classifies as a *Read*
//! action (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html):
//! it builds the report `GetCredentialReport` reads and changes nothing in the account.
//!
//! One refusal by name: `secretsmanager:GetSecretValue`. Its verb reads, but retrieving a
//! secret sets its `LastAccessedDate`
//! (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html),
//! which SecretsManager.3 ("Remove unused secrets") judges: an evaluator that read it would
//! change what it evaluates, and it has no business with secret values.
//!
//! The rule errs on the side of refusing: `sts:AssumeRole` changes nothing in the account but
//! is refused (`Assume` is not a read verb); the client signs with the credentials it is given.

/// Verbs that only read (the first word of the operation's name).
const READ_VERBS: &[&str] = &["Describe", "Get", "List", "Head", "Lookup", "Search", "Filter", "BatchGet"];

/// Operations whose verb writes but which only read the account (see the module documentation).
const READ_EXCEPTIONS: &[(&str, &str)] = &[("iam", "GenerateCredentialReport")];

/// Operations whose verb reads but which change the account (see the module documentation).
const WRITE_EXCEPTIONS: &[(&str, &str)] = &[("secretsmanager", "GetSecretValue")];

/// Whether `service:operation` only reads, so that the client may send it.
pub fn is_read_only(service: &str, operation: &str) -> bool {
    if READ_EXCEPTIONS.contains(&(service, operation)) {
        return true;
    }
    if WRITE_EXCEPTIONS.contains(&(service, operation)) {
        return false;
    }
    READ_VERBS.iter().any(|verb| {
        operation
            .strip_prefix(verb)
            // The verb is a whole word: `Get` + `BucketPolicy`, not `Getaway`.
            .is_some_and(|rest| rest.chars().next().is_none_or(|c| c.is_ascii_uppercase()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_are_whole_words() {
        assert!(is_read_only("s3", "GetBucketPolicy"));
        assert!(is_read_only("dynamodb", "BatchGetItem"));
        assert!(is_read_only("s3", "HeadBucket"));
        assert!(!is_read_only("x", "Getaway"), "a verb must be a whole word");
        assert!(!is_read_only("x", "Listen"));
        assert!(!is_read_only("securityhub", "BatchImportFindings"));
        assert!(!is_read_only("securityhub", "BatchUpdateFindings"));
        assert!(!is_read_only("sqs", "SetQueueAttributes"));
        assert!(!is_read_only("s3", "PutBucketPolicy"));
        assert!(!is_read_only("s3", ""));
        assert!(!is_read_only("secretsmanager", "GetSecretValue"), "it sets LastAccessedDate");
        assert!(is_read_only("secretsmanager", "DescribeSecret"));
        assert!(!is_read_only("sts", "AssumeRole"));
    }

    #[test]
    fn the_exception_is_for_its_service_only() {
        assert!(is_read_only("iam", "GenerateCredentialReport"));
        assert!(!is_read_only("other", "GenerateCredentialReport"));
        assert!(!is_read_only("iam", "GenerateServiceLastAccessedDetails"));
    }

    /// Every operation of every committed model: each one whose verb creates, changes or
    /// deletes is refused.
    #[test]
    fn every_writing_operation_of_the_models_is_refused() {
        const WRITE_VERBS: &[&str] = &[
            "Create",
            "Put",
            "Delete",
            "Modify",
            "Update",
            "Set",
            "Add",
            "Remove",
            "Attach",
            "Detach",
            "Enable",
            "Disable",
            "Tag",
            "Untag",
            "Start",
            "Stop",
            "Authorize",
            "Revoke",
            "Replace",
            "Cancel",
            "Batch",
            "Register",
            "Deregister",
            "Associate",
            "Disassociate",
            "Allocate",
            "Release",
            "Run",
            "Terminate",
            "Reset",
            "Restore",
            "Rotate",
            "Schedule",
            "Subscribe",
            "Unsubscribe",
            "Confirm",
            "Assume",
            "Advance",
            "Record",
            "Request",
            "Deactivate",
            "Generate",
        ];
        let mut refused = 0;
        for service in hubsim_model::service_names() {
            let Some(model) = hubsim_model::service(service) else { continue };
            for op in model.operations.keys() {
                let writes = WRITE_VERBS.iter().any(|v| op.starts_with(v)) && !op.starts_with("BatchGet");
                if writes && !READ_EXCEPTIONS.contains(&(service, op.as_str())) {
                    assert!(!is_read_only(service, op), "{service}:{op} writes and must be refused");
                    refused += 1;
                }
            }
        }
        assert!(refused > 250, "the models hold {refused} writing operations: fewer than expected");
    }
}
