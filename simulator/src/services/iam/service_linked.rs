//! Service-linked roles: CreateServiceLinkedRole, and the table of services hubsim knows.
//!
//! A service-linked role lives under `/aws-service-role/<service principal>/`, trusts the
//! service, carries the service's AWS managed policy, and cannot be changed or deleted with
//! the ordinary role operations (`UnmodifiableEntity`).

use hubsim_model::iam;

use super::invalid_input;
use super::managed_policies::aws_policy_arn;
use super::roles::{new_role, save, StoredRole};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<iam::CreateServiceLinkedRole>();
}

/// One service that can have a service-linked role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceLinkedRoleSpec {
    /// The service principal (`config.amazonaws.com`).
    pub service: &'static str,
    /// The role's name (`AWSServiceRoleForConfig`).
    pub role_name: &'static str,
    /// The AWS managed policy attached to it (under `/aws-service-role/`).
    pub policy: &'static str,
    /// The role's description as AWS sets it.
    pub description: &'static str,
}

/// The services hubsim can create service-linked roles for.
pub static SERVICE_LINKED_ROLES: &[ServiceLinkedRoleSpec] = &[
    ServiceLinkedRoleSpec {
        service: "access-analyzer.amazonaws.com",
        role_name: "AWSServiceRoleForAccessAnalyzer",
        policy: "AccessAnalyzerServiceRolePolicy",
        description: "",
    },
    ServiceLinkedRoleSpec {
        service: "cloudtrail.amazonaws.com",
        role_name: "AWSServiceRoleForCloudTrail",
        policy: "CloudTrailServiceRolePolicy",
        description: "",
    },
    ServiceLinkedRoleSpec {
        service: "config.amazonaws.com",
        role_name: "AWSServiceRoleForConfig",
        policy: "AWSConfigServiceRolePolicy",
        description: "",
    },
    ServiceLinkedRoleSpec {
        service: "guardduty.amazonaws.com",
        role_name: "AWSServiceRoleForAmazonGuardDuty",
        policy: "AmazonGuardDutyServiceRolePolicy",
        description: "A service-linked role required for Amazon GuardDuty to access your resources. ",
    },
    ServiceLinkedRoleSpec {
        service: "malware-protection.guardduty.amazonaws.com",
        role_name: "AWSServiceRoleForAmazonGuardDutyMalwareProtection",
        policy: "AmazonGuardDutyMalwareProtectionServiceRolePolicy",
        description: "",
    },
    ServiceLinkedRoleSpec {
        service: "inspector2.amazonaws.com",
        role_name: "AWSServiceRoleForAmazonInspector2",
        policy: "AmazonInspector2ServiceRolePolicy",
        description: "",
    },
    ServiceLinkedRoleSpec {
        service: "macie.amazonaws.com",
        role_name: "AWSServiceRoleForAmazonMacie",
        policy: "AmazonMacieServiceRolePolicy",
        description: "",
    },
    ServiceLinkedRoleSpec {
        service: "organizations.amazonaws.com",
        role_name: "AWSServiceRoleForOrganizations",
        policy: "AWSOrganizationsServiceTrustPolicy",
        description: "Service-linked role used by AWS Organizations to enable integration of other AWS services with Organizations.",
    },
    ServiceLinkedRoleSpec {
        service: "securityhub.amazonaws.com",
        role_name: "AWSServiceRoleForSecurityHub",
        policy: "AWSSecurityHubServiceRolePolicy",
        description: "A service-linked role required for AWS Security Hub to access your resources.",
    },
    ServiceLinkedRoleSpec {
        service: "sso.amazonaws.com",
        role_name: "AWSServiceRoleForSSO",
        policy: "AWSSSOServiceRolePolicy",
        description: "",
    },
    ServiceLinkedRoleSpec {
        service: "support.amazonaws.com",
        role_name: "AWSServiceRoleForSupport",
        policy: "AWSSupportServiceRolePolicy",
        description: "Enables resource access for AWS to provide billing, administrative and support services",
    },
    ServiceLinkedRoleSpec {
        service: "trustedadvisor.amazonaws.com",
        role_name: "AWSServiceRoleForTrustedAdvisor",
        policy: "AWSTrustedAdvisorServiceRolePolicy",
        description: "Access for the AWS Trusted Advisor Service to help reduce cost, increase performance, and improve security of your AWS environment.",
    },
];

/// The table entry for service principal `service`.
pub fn service_linked_role_spec(service: &str) -> Option<&'static ServiceLinkedRoleSpec> {
    SERVICE_LINKED_ROLES.iter().find(|s| s.service == service)
}

/// Creates the service-linked role of `service` (validated and stored).
pub(super) fn create(ctx: &mut Ctx<'_>, service: &str, description: Option<String>) -> Result<StoredRole, AwsError> {
    let spec = service_linked_role_spec(service).ok_or_else(|| {
        invalid_input(format!("Service name {service} is not a valid service principal or is not supported."))
    })?;
    if super::role_by_name(ctx, spec.role_name)?.is_some() {
        return Err(invalid_input(format!(
            "Service role name {} has been taken in this account, please try a different suffix.",
            spec.role_name
        )));
    }
    let trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": [service]},
            "Action": ["sts:AssumeRole"]
        }]
    });
    let path = format!("/aws-service-role/{service}/");
    let mut role = new_role(ctx, &path, spec.role_name, trust.to_string());
    role.role.description = description.or_else(|| (!spec.description.is_empty()).then(|| spec.description.into()));
    role.attached.push(aws_policy_arn("/aws-service-role/", spec.policy));
    role.service_linked = true;
    save(ctx, &role)?;
    Ok(role)
}

impl Handler for iam::CreateServiceLinkedRole {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::CreateServiceLinkedRoleRequest,
    ) -> Result<iam::CreateServiceLinkedRoleResponse, AwsError> {
        if input.custom_suffix.is_some() && service_linked_role_spec(&input.aws_service_name).is_some() {
            // None of the services in hubsim's table accepts a suffix (unverified per service).
            return Err(invalid_input(format!("Custom suffix is not allowed for {}", input.aws_service_name)));
        }
        let role = create(ctx, &input.aws_service_name, input.description)?;
        Ok(iam::CreateServiceLinkedRoleResponse { role: Some(role.role) })
    }
}
