//! The catalogue of AWS managed policies hubsim knows: the ones the fresh account's roles and
//! the service-linked roles hubsim creates carry, CIS 1.20's `AWSSupportAccess`, and a few
//! that remediations commonly attach.
//!
//! Names, paths and descriptions are AWS's. Documents are abbreviated (the real ones list
//! many more actions) but are valid identity policies. Policy ids are hubsim's (`ANPA` and
//! 17 characters derived from the name) and every policy has one version, `v1`, dated at the
//! policy's creation: the real version histories are not reproduced.

use hubsim_model::Timestamp;

use crate::ids::IdGen;

/// One AWS managed policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManagedPolicy {
    /// Policy name.
    pub name: &'static str,
    /// Path (`/`, `/service-role/`, `/aws-service-role/`, `/job-function/`).
    pub path: &'static str,
    /// AWS's description.
    pub description: &'static str,
    /// Creation time, ISO 8601.
    pub created: &'static str,
    /// The default version's document (JSON).
    pub document: &'static str,
}

impl ManagedPolicy {
    /// `arn:aws:iam::aws:policy<path><name>`.
    pub fn arn(&self) -> String {
        aws_policy_arn(self.path, self.name)
    }

    /// The policy id (`ANPA…`), stable per name.
    pub fn id(&self) -> String {
        let mut g = IdGen::new(IdGen::seed_for(&format!("aws-managed-policy:{}", self.name)));
        format!("ANPA{}", g.upper(17))
    }

    /// The default version id.
    pub fn version(&self) -> &'static str {
        "v1"
    }

    /// Creation (and last update) time.
    pub fn created_at(&self) -> Timestamp {
        Timestamp::parse_iso8601(self.created).unwrap_or_default()
    }

    /// Whether it is a service-linked role's policy (attachable only to service-linked roles).
    pub fn is_service_linked(&self) -> bool {
        self.path == "/aws-service-role/"
    }
}

/// The ARN of the AWS managed policy `name` under `path`.
pub(crate) fn aws_policy_arn(path: &str, name: &str) -> String {
    format!("arn:aws:iam::aws:policy{path}{name}")
}

/// The catalogue entry whose ARN is `arn`.
pub fn managed_policy(arn: &str) -> Option<&'static ManagedPolicy> {
    MANAGED_POLICIES.iter().find(|p| p.arn() == arn)
}

const SLR: &str = "/aws-service-role/";

/// Every AWS managed policy hubsim knows, by name.
pub static MANAGED_POLICIES: &[ManagedPolicy] = &[
    ManagedPolicy {
        name: "AccessAnalyzerServiceRolePolicy",
        path: SLR,
        description: "Allow Access Analyzer to analyze resource metadata",
        created: "2019-12-02T17:49:03Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetRole","iam:ListRoles","s3:GetBucketPolicy","s3:ListAllMyBuckets","kms:ListKeys","organizations:DescribeOrganization"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "AdministratorAccess",
        path: "/",
        description: "Provides full access to AWS services and resources.",
        created: "2015-02-06T18:39:46Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "AmazonGuardDutyMalwareProtectionServiceRolePolicy",
        path: SLR,
        description: "Allows Malware Protection for EC2 to call AWS services on your behalf.",
        created: "2022-07-19T00:00:00Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:DescribeInstances","ec2:DescribeVolumes","ec2:CreateSnapshot","ec2:CreateTags"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "AmazonGuardDutyServiceRolePolicy",
        path: SLR,
        description: "Enables access to AWS Resources used or managed by Amazon GuardDuty",
        created: "2017-11-28T20:03:22Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:DescribeInstances","ec2:DescribeImages","ec2:DescribeVpcEndpoints","ec2:DescribeSubnets","ec2:DescribeVpcs","organizations:DescribeAccount","organizations:DescribeOrganization","s3:GetBucketPublicAccessBlock","s3:ListAllMyBuckets"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "AmazonInspector2ServiceRolePolicy",
        path: SLR,
        description: "Service-linked role policy for Amazon Inspector",
        created: "2021-11-23T00:00:00Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:DescribeInstances","ecr:DescribeImages","lambda:ListFunctions","organizations:DescribeAccount"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "AmazonMacieServiceRolePolicy",
        path: SLR,
        description: "Enables Amazon Macie to discover, classify and protect sensitive data in AWS on your behalf.",
        created: "2020-05-13T00:00:00Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetBucketLocation","s3:GetBucketPolicy","s3:ListAllMyBuckets","s3:GetObject"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "AmazonS3ReadOnlyAccess",
        path: "/",
        description: "Provides read only access to all buckets via the AWS Management Console.",
        created: "2015-02-06T18:40:59Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "AmazonSNSReadOnlyAccess",
        path: "/",
        description: "Provides read only access to Amazon SNS via the AWS Management Console.",
        created: "2015-02-06T18:41:07Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sns:GetTopicAttributes","sns:List*"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "AWSCloudTrail_ReadOnlyAccess",
        path: "/",
        description: "Provides read only access to AWS CloudTrail.",
        created: "2022-06-03T00:00:00Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:Get*","cloudtrail:Describe*","cloudtrail:List*","cloudtrail:LookupEvents"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "AWSConfigServiceRolePolicy",
        path: SLR,
        description: "Enables access to AWS services and resources used or managed by AWS Config",
        created: "2018-05-30T23:31:46Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:DescribeTrails","cloudtrail:GetEventSelectors","cloudtrail:GetTrailStatus","ec2:Describe*","ec2:GetEbsEncryptionByDefault","guardduty:GetDetector","guardduty:ListDetectors","iam:GetAccountPasswordPolicy","iam:GetAccountSummary","iam:GetRole","iam:GetPolicy","iam:GetPolicyVersion","iam:List*","kms:DescribeKey","kms:GetKeyRotationStatus","kms:ListKeys","logs:DescribeLogGroups","s3:GetBucketAcl","s3:GetBucketLogging","s3:GetBucketPolicy","s3:GetEncryptionConfiguration","s3:GetBucketPublicAccessBlock","s3:GetAccountPublicAccessBlock","s3:ListAllMyBuckets","sns:GetTopicAttributes","sns:ListTopics"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "AWS_ConfigRole",
        path: "/service-role/",
        description: "The recommended policy for AWS Config to record and deliver configuration items. AWS Config requires these permissions to deliver configuration changes to an S3 bucket.",
        created: "2022-10-25T00:00:00Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:DescribeTrails","ec2:Describe*","iam:Get*","iam:List*","kms:DescribeKey","kms:ListKeys","s3:GetBucket*","s3:ListAllMyBuckets","sns:GetTopicAttributes","sns:ListTopics"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "AWSOrganizationsServiceTrustPolicy",
        path: SLR,
        description: "Policy to enable AWS Organizations to share trust with other AWS services",
        created: "2017-10-10T23:04:07Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowDeletionOfServiceLinkedRoleForOrganizations","Effect":"Allow","Action":["iam:DeleteRole"],"Resource":["arn:aws:iam::*:role/aws-service-role/organizations.amazonaws.com/*"]},{"Sid":"AllowCreationOfServiceLinkedRoles","Effect":"Allow","Action":["iam:CreateServiceLinkedRole"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "AWSSecurityHubServiceRolePolicy",
        path: SLR,
        description: "Service-linked role required for AWS Security Hub to access your resources.",
        created: "2018-11-27T23:47:51Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:DescribeTrails","cloudtrail:GetTrailStatus","cloudtrail:GetEventSelectors","cloudwatch:DescribeAlarms","logs:DescribeMetricFilters","sns:ListSubscriptionsByTopic","config:DescribeConfigurationRecorders","config:DescribeConfigurationRecorderStatus","config:DescribeConfigRules","config:PutConfigRule","config:DeleteConfigRule","config:GetComplianceDetailsByConfigRule","config:StartConfigRulesEvaluation","iam:GenerateCredentialReport","iam:GetCredentialReport","organizations:ListAccounts","organizations:DescribeOrganization"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "AWSSSOServiceRolePolicy",
        path: SLR,
        description: "This policy grants permissions needed by AWS SSO to manage AWS resources, including IAM roles, policies and SAML IdP on customer's behalf.",
        created: "2017-12-05T18:36:15Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:AttachRolePolicy","iam:CreateRole","iam:DeleteRole","iam:DeleteRolePolicy","iam:DetachRolePolicy","iam:GetRole","iam:ListRolePolicies","iam:PutRolePolicy","iam:ListAttachedRolePolicies"],"Resource":"arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*"}]}"#,
    },
    ManagedPolicy {
        name: "AWSSupportAccess",
        path: "/",
        description: "Allows users to access the AWS Support Center.",
        created: "2015-02-06T18:41:11Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["support:*"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "AWSSupportServiceRolePolicy",
        path: SLR,
        description: "Enables resource access for AWS to provide billing, administrative and support services",
        created: "2018-04-19T18:04:44Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:DescribeTrails","ec2:DescribeInstances","iam:GetAccountSummary","iam:ListRoles","s3:ListAllMyBuckets","support:*"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "AWSTrustedAdvisorServiceRolePolicy",
        path: SLR,
        description: "Access for the AWS Trusted Advisor Service to help reduce cost, increase performance, and improve security of your AWS environment.",
        created: "2018-02-22T21:24:25Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:DescribeTrails","cloudtrail:GetTrailStatus","ec2:DescribeSecurityGroups","ec2:DescribeVolumes","iam:GenerateCredentialReport","iam:GetAccountPasswordPolicy","iam:GetAccountSummary","iam:GetCredentialReport","s3:GetBucketAcl","s3:GetBucketPolicy","s3:ListAllMyBuckets"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "CloudTrailServiceRolePolicy",
        path: SLR,
        description: "Policy for the AWS CloudTrail service-linked role",
        created: "2018-10-24T21:21:44Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Sid":"CloudTrailServiceRolePolicy","Effect":"Allow","Action":["organizations:DescribeAccount","organizations:DescribeOrganization","organizations:ListAccounts","organizations:ListAWSServiceAccessForOrganization"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "CloudWatchLogsFullAccess",
        path: "/",
        description: "Provides full access to CloudWatch Logs",
        created: "2015-02-06T18:40:02Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:*"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "IAMReadOnlyAccess",
        path: "/",
        description: "Provides read only access to IAM via the AWS Management Console.",
        created: "2015-02-06T18:40:44Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:Get*","iam:List*"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "ReadOnlyAccess",
        path: "/",
        description: "Provides read-only access to AWS services and resources.",
        created: "2015-02-06T18:39:48Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:Describe*","cloudtrail:Get*","cloudtrail:List*","config:Describe*","config:Get*","ec2:Describe*","ec2:Get*","guardduty:Get*","guardduty:List*","iam:Get*","iam:List*","kms:Describe*","kms:Get*","kms:List*","logs:Describe*","s3:Get*","s3:List*","securityhub:Describe*","securityhub:Get*","securityhub:List*","sns:Get*","sns:List*"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "SecurityAudit",
        path: "/",
        description: "The security audit template grants access to read security configuration metadata. It is useful for software that audits the configuration of an AWS account.",
        created: "2015-02-06T18:41:01Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:DescribeTrails","cloudtrail:GetEventSelectors","cloudtrail:GetTrailStatus","config:Describe*","ec2:Describe*","ec2:GetEbsEncryptionByDefault","guardduty:Get*","guardduty:List*","iam:GenerateCredentialReport","iam:Get*","iam:List*","kms:Describe*","kms:Get*","kms:List*","logs:Describe*","s3:GetBucket*","s3:GetAccountPublicAccessBlock","s3:ListAllMyBuckets","securityhub:Describe*","securityhub:Get*","sns:GetTopicAttributes","sns:ListTopics"],"Resource":"*"}]}"#,
    },
    ManagedPolicy {
        name: "ViewOnlyAccess",
        path: "/job-function/",
        description: "This policy grants permissions to view resources and basic metadata across all AWS services.",
        created: "2016-11-10T17:20:15Z",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:DescribeTrails","config:Describe*","ec2:Describe*","iam:List*","iam:GetAccountSummary","kms:List*","logs:Describe*","s3:ListAllMyBuckets","sns:List*"],"Resource":"*"}]}"#,
    },
];
