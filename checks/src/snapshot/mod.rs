//! What the controls judge: one snapshot of the account per evaluation, fetched through the
//! typed AWS API only (never SQLite), once, before any control runs ("fetch once, judge many").
//! A resource that AWS answers "not found" for a configuration of is kept with `None`.

mod dynamodb;
mod ec2_instances;
mod ec2_network;
mod ec2_templates;
mod ecr;
mod elb;
mod iam_credentials;
mod iam_inline;
mod iam_policies;
mod kms;
mod lambda;
mod monitoring;
mod rds;
mod s3_access;
mod secretsmanager;
mod sqs;
mod ssm;

use std::collections::BTreeMap;

pub use dynamodb::{DynamoDbView, TableView};
pub use ec2_instances::{InstancesView, SnapshotView};
pub use ec2_network::NetworkView;
pub use ec2_templates::{Ec2TemplatesView, TemplateView};
pub use ecr::{EcrView, RepositoryView};
pub use elb::{ClassicView, ElbView, LoadBalancerV2View};
pub use iam_inline::{IdentityKind, InlineHolder};
pub use kms::KmsKeyView;
pub use lambda::FunctionView;
pub use monitoring::MonitoringView;
pub use rds::{DbClusterSnapshotView, DbSnapshotView, RdsView};
pub use s3_access::{AccessPointView, BucketAcl, MrapView, TrailBucket, MRAP_REGION};
pub use sqs::QueueView;
pub use ssm::{DocumentView, SsmView};

use hubsim_api::model::{cloudtrail, config, ec2, guardduty, iam, s3, s3control, securityhub, sns};
use hubsim_api::{AwsApi, AwsError};

pub use iam_credentials::{AccessKeyView, CredentialRow, CredentialsView};
pub use iam_policies::{CustomerPolicy, IamPolicies, SupportAccess, UserPolicies, SUPPORT_ACCESS};

/// A failure to read the account (an AWS error that is not an expected "not found").
#[derive(Debug, thiserror::Error)]
#[error("reading {what} in {region}: {error}")]
pub struct FetchError {
    /// What was being read.
    pub what: String,
    /// Region of the call.
    pub region: String,
    /// AWS's answer.
    pub error: AwsError,
}

fn fail(what: &str, region: &str) -> impl FnOnce(AwsError) -> FetchError {
    let (what, region) = (what.to_string(), region.to_string());
    move |error| FetchError { what, region, error }
}

/// `Ok(None)` for the not-found codes of an optional configuration.
fn optional<T>(r: Result<T, AwsError>, absent: &[&str], what: &str, region: &str) -> Result<Option<T>, FetchError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if absent.contains(&e.code.as_str()) => Ok(None),
        Err(e) => Err(FetchError { what: what.into(), region: region.into(), error: e }),
    }
}

/// Account-wide facts.
#[derive(Debug, Clone, Default)]
pub struct Global {
    /// The account id.
    pub account: String,
    /// The IAM password policy, if one is set.
    pub password_policy: Option<iam::PasswordPolicy>,
    /// Whether the root user has any MFA device (GetAccountSummary `AccountMFAEnabled`).
    pub root_mfa: bool,
    /// Whether a virtual MFA device is assigned to the root user.
    pub root_virtual_mfa: bool,
    /// Whether the root user has a password (credential report `password_enabled`).
    pub root_password: bool,
    /// The account-level S3 Block Public Access configuration.
    pub account_public_access_block: Option<s3control::PublicAccessBlockConfiguration>,
    /// Every bucket, with its home region.
    pub buckets: Vec<BucketView>,
    /// Each bucket's ACL and Object Ownership, by bucket name.
    pub bucket_acls: BTreeMap<String, BucketAcl>,
    /// The buckets the account's trails deliver to (from every region's trails).
    pub trail_buckets: Vec<TrailBucket>,
    /// The credential report and root's access keys.
    pub credentials: CredentialsView,
    /// IAM users, groups and customer managed policies (IAM.1, IAM.2, IAM.18).
    pub iam_policies: IamPolicies,
    /// Every IAM user, group and role with its inline policies' documents (KMS.2).
    pub inline_policies: Vec<InlineHolder>,
    /// Multi-Region Access Points with their Block Public Access (read only when the account
    /// has us-west-2, where they answer).
    pub mraps: Vec<MrapView>,
}

/// One bucket and the configurations S3 controls read.
#[derive(Debug, Clone, Default)]
pub struct BucketView {
    /// Name.
    pub name: String,
    /// Home region.
    pub region: String,
    /// Default encryption.
    pub encryption: Option<s3::ServerSideEncryptionConfiguration>,
    /// Bucket policy text.
    pub policy: Option<String>,
    /// Bucket-level Block Public Access.
    pub public_access_block: Option<s3::PublicAccessBlockConfiguration>,
    /// Server access logging.
    pub logging: Option<s3::LoggingEnabled>,
    /// Event notifications.
    pub notification: s3::NotificationConfiguration,
    /// Lifecycle rules.
    pub lifecycle: Option<Vec<s3::LifecycleRule>>,
    /// Versioning status (`Enabled`, `Suspended`); `None` when never configured.
    pub versioning: Option<String>,
}

/// One trail as seen in a region, with its status and selectors.
#[derive(Debug, Clone, Default)]
pub struct TrailView {
    /// The trail (shadow trails of multi-region trails included).
    pub trail: cloudtrail::Trail,
    /// GetTrailStatus.
    pub status: cloudtrail::GetTrailStatusResponse,
    /// GetEventSelectors.
    pub selectors: cloudtrail::GetEventSelectorsResponse,
}

/// One region's resources.
#[derive(Debug, Clone, Default)]
pub struct Region {
    /// Region name.
    pub name: String,
    /// Enabled Security Hub standards (`aws-foundational-security-best-practices/v/1.0.0`, ...);
    /// `None` when Security Hub is off in the region.
    pub standards: Option<Vec<String>>,
    /// Trails visible here.
    pub trails: Vec<TrailView>,
    /// Configuration recorders.
    pub recorders: Vec<config::ConfigurationRecorder>,
    /// Their status.
    pub recorder_status: Vec<config::ConfigurationRecorderStatus>,
    /// GuardDuty detectors.
    pub detectors: Vec<(String, guardduty::GetDetectorResponse)>,
    /// VPCs.
    pub vpcs: Vec<ec2::Vpc>,
    /// Subnets.
    pub subnets: Vec<ec2::Subnet>,
    /// Security groups.
    pub security_groups: Vec<ec2::SecurityGroup>,
    /// Network ACLs.
    pub network_acls: Vec<ec2::NetworkAcl>,
    /// Flow logs.
    pub flow_logs: Vec<ec2::FlowLog>,
    /// VPC endpoints.
    pub vpc_endpoints: Vec<ec2::VpcEndpoint>,
    /// EBS encryption by default.
    pub ebs_encryption_by_default: bool,
    /// SNS topics with their attributes.
    pub topics: Vec<(String, BTreeMap<String, String>)>,
    /// KMS keys with their rotation.
    pub keys: Vec<KmsKeyView>,
    /// SQS queues with their attributes.
    pub queues: Vec<QueueView>,
    /// Lambda functions with their resource policies.
    pub functions: Vec<FunctionView>,
    /// ECR repositories and the registry's scanning configuration.
    pub ecr: EcrView,
    /// Metric filters, alarms and the subscriptions of the topics alarms notify.
    pub monitoring: MonitoringView,
    /// Instances, interfaces, Elastic IPs, volumes and snapshots.
    pub instances: InstancesView,
    /// Launch templates (default versions) and Spot Fleet requests.
    pub ec2_templates: Ec2TemplatesView,
    /// S3 access points with their Block Public Access settings.
    pub access_points: Vec<AccessPointView>,
    /// Network settings beyond VPCs, groups and ACLs (VPC Block Public Access).
    pub network: NetworkView,
    /// Load balancers (ELBv2) with their attributes and listeners.
    pub elb: ElbView,
    /// Systems Manager: managed instances, compliance summaries, the account's documents.
    pub ssm: SsmView,
    /// DynamoDB tables with their PITR, and their auto scaling.
    pub dynamodb: DynamoDbView,
    /// Secrets Manager secrets (not those scheduled for deletion).
    pub secrets: Vec<hubsim_api::model::secretsmanager::SecretListEntry>,
    /// RDS DB instances and snapshots.
    pub rds: RdsView,
}

/// The whole account.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Account-wide facts.
    pub global: Global,
    /// Enabled regions, in the account's order.
    pub regions: Vec<Region>,
}

impl Snapshot {
    /// Reads the account through `api`. `home` is where global calls are signed.
    pub fn fetch<A: AwsApi>(api: &A, account: &str, home: &str) -> Result<Snapshot, FetchError> {
        let regions = api
            .call::<ec2::DescribeRegions>(home, Default::default())
            .map_err(fail("regions", home))?
            .regions
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| r.region_name)
            .collect::<Vec<_>>();
        let global = fetch_global(api, account, home)?;
        let mut out = Vec::new();
        for region in regions {
            out.push(fetch_region(api, &region)?);
        }
        for r in &mut out {
            r.access_points = s3_access::fetch_access_points(api, account, &r.name)?;
        }
        let mut global = global;
        if out.iter().any(|r| r.name == MRAP_REGION) {
            global.mraps = s3_access::fetch_mraps(api, account)?;
        }
        global.trail_buckets = s3_access::trail_buckets(out.iter().flat_map(|r| r.trails.iter().map(|t| &t.trail)));
        Ok(Snapshot { global, regions: out })
    }
}

fn fetch_global<A: AwsApi>(api: &A, account: &str, home: &str) -> Result<Global, FetchError> {
    let password_policy = optional(
        api.call::<iam::GetAccountPasswordPolicy>(home, Default::default()),
        &["NoSuchEntity"],
        "password policy",
        home,
    )?
    .map(|r| r.password_policy);
    let summary =
        api.call::<iam::GetAccountSummary>(home, Default::default()).map_err(fail("account summary", home))?;
    let root_mfa = summary.summary_map.as_ref().and_then(|m| m.get("AccountMFAEnabled")).copied().unwrap_or(0) > 0;
    let virtual_devices = api
        .call::<iam::ListVirtualMFADevices>(
            home,
            iam::ListVirtualMFADevicesRequest { assignment_status: Some("Assigned".into()), ..Default::default() },
        )
        .map_err(fail("virtual MFA devices", home))?;
    let root_arn = format!("arn:aws:iam::{account}:root");
    let root_virtual_mfa =
        virtual_devices.virtual_mfa_devices.iter().any(|d| d.user.as_ref().is_some_and(|u| u.arn == root_arn));
    let credentials = iam_credentials::fetch(api, home)?;
    let root_password = credentials.root.as_ref().is_some_and(|r| r.password_enabled);
    let account_public_access_block = optional(
        api.call::<s3control::GetPublicAccessBlock>(
            home,
            s3control::GetPublicAccessBlockRequest { account_id: account.to_string() },
        ),
        &["NoSuchPublicAccessBlockConfiguration"],
        "account public access block",
        home,
    )?
    .and_then(|r| r.public_access_block_configuration);
    let buckets = fetch_buckets(api, home)?;
    let bucket_acls = s3_access::fetch_acls(api, &buckets)?;
    let iam_policies = iam_policies::fetch(api, home)?;
    let inline_policies = iam_inline::fetch(api, home, &iam_policies.users)?;
    Ok(Global {
        account: account.to_string(),
        password_policy,
        root_mfa,
        root_virtual_mfa,
        root_password,
        account_public_access_block,
        buckets,
        bucket_acls,
        trail_buckets: Vec::new(),
        credentials,
        iam_policies,
        inline_policies,
        mraps: Vec::new(),
    })
}

fn fetch_buckets<A: AwsApi>(api: &A, home: &str) -> Result<Vec<BucketView>, FetchError> {
    let listed = api.call::<s3::ListBuckets>(home, Default::default()).map_err(fail("buckets", home))?;
    let mut out = Vec::new();
    for b in listed.buckets.unwrap_or_default() {
        let Some(name) = b.name else { continue };
        let region = b.bucket_region.unwrap_or_else(|| "us-east-1".to_string());
        let r = region.as_str();
        let what = format!("bucket {name}");
        let encryption = optional(
            api.call::<s3::GetBucketEncryption>(
                r,
                s3::GetBucketEncryptionRequest { bucket: name.clone(), ..Default::default() },
            ),
            &["ServerSideEncryptionConfigurationNotFoundError"],
            &what,
            r,
        )?
        .and_then(|o| o.server_side_encryption_configuration);
        let policy = optional(
            api.call::<s3::GetBucketPolicy>(
                r,
                s3::GetBucketPolicyRequest { bucket: name.clone(), ..Default::default() },
            ),
            &["NoSuchBucketPolicy"],
            &what,
            r,
        )?
        .and_then(|o| o.policy);
        let public_access_block = optional(
            api.call::<s3::GetPublicAccessBlock>(
                r,
                s3::GetPublicAccessBlockRequest { bucket: name.clone(), ..Default::default() },
            ),
            &["NoSuchPublicAccessBlockConfiguration"],
            &what,
            r,
        )?
        .and_then(|o| o.public_access_block_configuration);
        let logging = api
            .call::<s3::GetBucketLogging>(r, s3::GetBucketLoggingRequest { bucket: name.clone(), ..Default::default() })
            .map_err(fail(&what, r))?
            .logging_enabled;
        let notification = api
            .call::<s3::GetBucketNotificationConfiguration>(
                r,
                s3::GetBucketNotificationConfigurationRequest { bucket: name.clone(), ..Default::default() },
            )
            .map_err(fail(&what, r))?;
        let lifecycle = optional(
            api.call::<s3::GetBucketLifecycleConfiguration>(
                r,
                s3::GetBucketLifecycleConfigurationRequest { bucket: name.clone(), ..Default::default() },
            ),
            &["NoSuchLifecycleConfiguration"],
            &what,
            r,
        )?
        .and_then(|o| o.rules);
        let versioning = api
            .call::<s3::GetBucketVersioning>(
                r,
                s3::GetBucketVersioningRequest { bucket: name.clone(), ..Default::default() },
            )
            .map_err(fail(&what, r))?
            .status;
        out.push(BucketView {
            name,
            region,
            encryption,
            policy,
            public_access_block,
            logging,
            notification,
            lifecycle,
            versioning,
        });
    }
    Ok(out)
}

fn fetch_region<A: AwsApi>(api: &A, region: &str) -> Result<Region, FetchError> {
    let r = region;
    let standards = match api.call::<securityhub::DescribeHub>(r, Default::default()) {
        Ok(_) => Some(
            api.call::<securityhub::GetEnabledStandards>(r, Default::default())
                .map_err(fail("enabled standards", r))?
                .standards_subscriptions
                .unwrap_or_default()
                .into_iter()
                .map(|s| standard_path(&s.standards_arn))
                .collect(),
        ),
        Err(e) if e.code == "InvalidAccessException" => None,
        Err(e) => return Err(FetchError { what: "Security Hub".into(), region: r.into(), error: e }),
    };
    let mut trails = Vec::new();
    let described = api.call::<cloudtrail::DescribeTrails>(r, Default::default()).map_err(fail("trails", r))?;
    for trail in described.trail_list.unwrap_or_default() {
        let id = trail.trail_arn.clone().or_else(|| trail.name.clone()).unwrap_or_default();
        let status = api
            .call::<cloudtrail::GetTrailStatus>(r, cloudtrail::GetTrailStatusRequest { name: id.clone() })
            .map_err(fail("trail status", r))?;
        let selectors = api
            .call::<cloudtrail::GetEventSelectors>(r, cloudtrail::GetEventSelectorsRequest { trail_name: id })
            .map_err(fail("event selectors", r))?;
        trails.push(TrailView { trail, status, selectors });
    }
    let recorders = api
        .call::<config::DescribeConfigurationRecorders>(r, Default::default())
        .map_err(fail("configuration recorders", r))?
        .configuration_recorders
        .unwrap_or_default();
    let recorder_status = api
        .call::<config::DescribeConfigurationRecorderStatus>(r, Default::default())
        .map_err(fail("recorder status", r))?
        .configuration_recorders_status
        .unwrap_or_default();
    let mut detectors = Vec::new();
    let ids = api.call::<guardduty::ListDetectors>(r, Default::default()).map_err(fail("detectors", r))?.detector_ids;
    for id in ids {
        let d = api
            .call::<guardduty::GetDetector>(r, guardduty::GetDetectorRequest { detector_id: id.clone() })
            .map_err(fail("detector", r))?;
        detectors.push((id, d));
    }
    let vpcs = api.call::<ec2::DescribeVpcs>(r, Default::default()).map_err(fail("VPCs", r))?.vpcs.unwrap_or_default();
    let subnets = api
        .call::<ec2::DescribeSubnets>(r, Default::default())
        .map_err(fail("subnets", r))?
        .subnets
        .unwrap_or_default();
    let security_groups = api
        .call::<ec2::DescribeSecurityGroups>(r, Default::default())
        .map_err(fail("security groups", r))?
        .security_groups
        .unwrap_or_default();
    let network_acls = api
        .call::<ec2::DescribeNetworkAcls>(r, Default::default())
        .map_err(fail("network ACLs", r))?
        .network_acls
        .unwrap_or_default();
    let flow_logs = api
        .call::<ec2::DescribeFlowLogs>(r, Default::default())
        .map_err(fail("flow logs", r))?
        .flow_logs
        .unwrap_or_default();
    let vpc_endpoints = api
        .call::<ec2::DescribeVpcEndpoints>(r, Default::default())
        .map_err(fail("VPC endpoints", r))?
        .vpc_endpoints
        .unwrap_or_default();
    let ebs_encryption_by_default = api
        .call::<ec2::GetEbsEncryptionByDefault>(r, Default::default())
        .map_err(fail("EBS default encryption", r))?
        .ebs_encryption_by_default
        .unwrap_or(false);
    let mut topics = Vec::new();
    let mut token = None;
    loop {
        let page = api
            .call::<sns::ListTopics>(r, sns::ListTopicsInput { next_token: token.clone() })
            .map_err(fail("topics", r))?;
        for t in page.topics.unwrap_or_default() {
            let Some(arn) = t.topic_arn else { continue };
            let attrs = api
                .call::<sns::GetTopicAttributes>(r, sns::GetTopicAttributesInput { topic_arn: arn.clone() })
                .map_err(fail("topic attributes", r))?
                .attributes
                .unwrap_or_default();
            topics.push((arn, attrs));
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let monitoring = monitoring::fetch(api, r)?;
    Ok(Region {
        name: r.to_string(),
        standards,
        trails,
        recorders,
        recorder_status,
        detectors,
        vpcs,
        subnets,
        security_groups,
        network_acls,
        flow_logs,
        vpc_endpoints,
        ebs_encryption_by_default,
        topics,
        keys: kms::fetch_keys(api, r)?,
        queues: sqs::fetch_queues(api, r)?,
        functions: lambda::fetch_functions(api, r)?,
        ecr: ecr::fetch(api, r)?,
        monitoring,
        instances: ec2_instances::fetch(api, r)?,
        ec2_templates: ec2_templates::fetch(api, r)?,
        access_points: Vec::new(),
        network: ec2_network::fetch(api, r)?,
        elb: elb::fetch(api, r)?,
        ssm: ssm::fetch(api, r)?,
        dynamodb: dynamodb::fetch(api, r)?,
        secrets: secretsmanager::fetch(api, r)?,
        rds: rds::fetch(api, r)?,
    })
}

/// `arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0`
/// → `aws-foundational-security-best-practices/v/1.0.0` (also for CIS's `ruleset/` form).
pub fn standard_path(arn: &str) -> String {
    let tail = arn.rsplit_once(":standards/").or_else(|| arn.rsplit_once(":ruleset/")).map(|(_, t)| t);
    tail.unwrap_or(arn).to_string()
}
