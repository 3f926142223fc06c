//! The remediator: evaluate → fix the failing findings in dependency order → evaluate again,
//! until nothing changes or a bound on rounds is reached. Fixes are ordinary API calls through
//! the typed API, recorded in a transcript. What no API can fix is suppressed with a
//! justification from a fixed list, or left FAILED and listed as manual work — never skipped
//! silently.
//!
//! Each remediable control declares its fix beside the others of its service, in
//! `fixes/<service>.rs`: the IAM actions it may call, how often it runs in a round (per
//! resource, region or account), the fixes it must run after, and its calls or the
//! justification for making none. The order fixes run in is derived from those declarations
//! ([`plan`]).

mod fixer;
mod fixes;
mod permissions;
mod plan;
mod support;

use std::collections::BTreeSet;

use hubsim_api::{AwsApi, AwsError};
use serde::Serialize;
use serde_json::{Map, Value};

pub use fixer::{Read, Refusal, Step};
pub use fixes::{iam_actions, remediable, remedy, Remedy};
pub use permissions::{iam_action, undeclared_calls};
pub use plan::{plan, Plan, PlanError};
pub use support::names;

use crate::control::Params;
use crate::evaluate::RegionRun;
use crate::findings::{self, Suppress};
use crate::snapshot::{FetchError, Snapshot};
use crate::{controls, status, Report, Settings};
use fixes::{Done, How, Scope, Target};

/// Why a remediation could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading the account failed.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The fixes' declarations give no order.
    #[error(transparent)]
    Plan(#[from] PlanError),
}

/// A call that failed inside a fix.
#[derive(Debug, Clone)]
pub struct Failed {
    /// `service:Operation`.
    pub call: String,
    /// AWS's answer.
    pub error: AwsError,
}

/// Why a finding cannot be fixed by API: the fixed list of justifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Justification {
    /// IAM.6: a hardware MFA device for root needs a root sign-in and the device.
    RootHardwareMfa,
    /// S3.9 on a bucket that is itself the target of access logs (S3 server access logs, load
    /// balancers' access logs).
    LogSink {
        /// The log bucket.
        bucket: String,
        /// Buckets and load balancers logging into it (see `support::log_sources`).
        sources: Vec<String>,
    },
    /// IAM.4: the root user's access keys can be deleted only with root's own credentials (or an
    /// `sts:AssumeRoot` session in an organization); precondition: root has an access key.
    RootAccessKeys,
    /// IAM.9: an MFA device for the root user needs a root sign-in; precondition: root has a
    /// credential and no MFA device.
    RootMfa,
    /// IAM.3: rotating an active key needs whoever uses it to switch keys; deactivating or
    /// deleting it may break them; precondition: the user has an active key over 90 days old.
    KeyMayBeInUse,
    /// IAM.5: only the user can register an MFA device (two codes from it); precondition: the
    /// user has a console password and no MFA device.
    UserMfa,
    /// IAM.8: removing an unused password or key is its owner's decision, and hubsim never
    /// deletes a credential; precondition: the user still has a password or an active key.
    UnusedCredentials,
    /// CloudWatch.1–14 (IAM.20): the alarm topic's subscriptions await confirmation, which
    /// only the endpoint's owner can give (the token SNS sends to the endpoint).
    SubscriptionUnconfirmed {
        /// The topic the alarms notify.
        topic: String,
        /// The endpoints awaiting confirmation.
        endpoints: Vec<String>,
    },
    /// EC2.9: a public IPv4 address Amazon assigned at launch stays until the instance is
    /// relaunched without one (an Elastic IP, disassociated, is replaced by a new Amazon
    /// address when the instance was launched with one); precondition: it still has one.
    RelaunchWithoutPublicIp {
        /// The instance.
        instance: String,
    },
    /// EC2.3: EBS cannot encrypt a volume in place; precondition: the volume is attached and
    /// unencrypted.
    EncryptedVolumeSwap,
    /// EC2.4: terminating a stopped instance deletes its root volume and whatever was on it;
    /// precondition: the instance is stopped.
    StoppedInstanceKept,
    /// EC2.24: an instance's virtualization type is its image's; precondition: the instance is
    /// paravirtual.
    ParavirtualRelaunch,
    /// EC2.22: the security group is not carried by any interface but another group's rule
    /// refers to it, so EC2 would refuse to delete it (or removing it is the owner's call).
    SecurityGroupReferenced {
        /// The group.
        group: String,
        /// The groups whose rules refer to it.
        by: Vec<String>,
    },
    /// S3.19: an access point's Block Public Access settings are fixed when it is created; only
    /// a new access point (and its users moved to it) has others.
    AccessPointBlockFixed,
    /// S3.24: a Multi-Region Access Point's Block Public Access settings are fixed when it is
    /// created, likewise.
    MultiRegionAccessPointBlockFixed,
    /// AWS refused the fix.
    Refused {
        /// The refused call.
        call: String,
        /// `Code: message`.
        error: String,
    },
    /// hubsim has no fix for this control.
    NoFix,
    /// EC2.20: a Site-to-Site VPN tunnel comes up only when the customer gateway device
    /// negotiates it; no AWS API brings it up. Precondition: a tunnel of the connection is not UP.
    VpnTunnelsDown,
    /// SSM.1: an instance becomes managed when its instance profile grants
    /// `AmazonSSMManagedInstanceCore` and its SSM Agent runs; attaching a profile
    /// (AssociateIamInstanceProfile) grants the instance access, and the remediator only narrows
    /// access. Precondition: the instance is still not managed.
    SsmUnmanaged,
    /// SSM.2: patches are installed on the instance (Patch Manager's `Install` operation), not by
    /// an API call whose outcome the remediator controls. Precondition: the instance's Patch
    /// compliance is still NON_COMPLIANT.
    SsmPatchNonCompliant,
    /// SSM.3: an association turns COMPLIANT when its document succeeds on the instance; why it
    /// failed is the owner's to find. Precondition: the instance's Association compliance is
    /// still NON_COMPLIANT.
    SsmAssociationNonCompliant,
    /// EC2.172: blocking internet gateway traffic (VPC Block Public Access) cuts every VPC of
    /// the region that has no exclusion off the internet, the default VPC included; which VPCs
    /// to exclude is the owner's choice. Precondition: the region's mode is still `off`.
    InternetGatewaysOpen,
    /// IAM.1 on a customer managed policy: rewriting it would take access away from whoever it
    /// is attached to, and deleting it deletes the user's data. The note states how many users,
    /// groups and roles it is attached to; it holds while the policy exists (`attachments` is
    /// negative when it does not).
    AdminPolicy {
        /// The policy's ARN.
        policy: String,
        /// How many users, groups and roles it is attached to.
        attachments: i32,
    },
    /// IAM.2 on a user whose own policies grant what none of its groups does. Holds while the
    /// user has an inline policy, or an attached policy none of its groups has (`policies`
    /// lists those).
    UserReliesOnPolicies {
        /// The user's name.
        user: String,
        /// Its inline policies and the attached policies its groups do not also grant.
        policies: Vec<String>,
    },
    /// KMS.1, KMS.2, IAM.21: a policy grants decryption on every KMS key, or every action of a
    /// service. Narrowing it needs the keys (or actions) its users need, which only its owner
    /// knows: a guessed list would break them. Holds while the grant is there (`grant` is
    /// empty when it is gone).
    BroadGrant {
        /// The control (`KMS.1`).
        control: String,
        /// The policy (customer managed policy ARN, or `<identity ARN> inline <name>`).
        policy: String,
        /// The offending grant, as the control describes it; empty when there is none.
        grant: String,
    },
    /// EC2.173: a Spot Fleet request's launch specifications cannot be changed; it must be
    /// re-requested with encrypted volumes. Holds while the request has an unencrypted EBS
    /// mapping (`volumes`).
    SpotFleetReRequest {
        /// The request's id.
        fleet: String,
        /// Its unencrypted EBS mappings.
        volumes: Vec<String>,
    },
    /// Lambda.2: moving a function to a supported runtime changes what its code runs on (language
    /// version, libraries), which its tests must approve. Holds while the function has a runtime.
    RuntimeUpgrade,
    /// Lambda.5: a subnet in another Availability Zone must give the function the routes and
    /// network rules its subnets give it now, which only its owner knows. Holds while the
    /// function is connected to a VPC.
    FunctionZones,
    /// ELB.1 on an Application Load Balancer without an HTTPS listener: a redirect would send
    /// every HTTP client to a port nothing answers. Holds while the load balancer has an HTTP
    /// listener that does not redirect and no HTTPS listener.
    NoHttpsListener {
        /// The load balancer's name.
        load_balancer: String,
    },
    /// ELB.10, ELB.13: a load balancer gains a zone only with a subnet of that zone in its VPC,
    /// which is the network owner's choice (and a Gateway Load Balancer's appliances must be
    /// there too).
    SingleZoneLoadBalancer,
    /// ELB.2: a listener moves to an ACM certificate only once one is imported into or issued
    /// by ACM, which takes the certificate's private key or a domain validation.
    NotAcmCertificate,
    /// ELB.3: a listener's protocol is what its clients speak; HTTPS or SSL needs a
    /// certificate and every client moved.
    ListenersWithoutTls,
    /// DynamoDB.1, SecretsManager.1, .3 and .4 (no rotation function): the fix is a choice only
    /// the owner can make (a capacity ceiling or a billing mode, a rotation function, whether a
    /// secret may go). Its precondition is that the control still fails on the resource, which
    /// the remediator checks (with the parameters in force) before using any justification.
    OwnerDecision {
        /// The control (`DynamoDB.1`).
        control: String,
        /// Why it fails, as the control says under its default parameters.
        reason: String,
    },
    /// RDS.3: RDS encrypts a DB instance's storage only when it is created; an existing
    /// instance is encrypted by restoring an encrypted copy of its snapshot as a new instance.
    RdsEncryptionAtCreation,
    /// RDS.4: a DB snapshot's encryption is fixed; only an encrypted copy (and deleting the
    /// original, the owner's call) replaces it.
    RdsSnapshotUnencrypted,
    /// RDS.23: moving a DB instance off its engine's default port breaks every client that
    /// connects to it; the owner changes the port with its clients.
    RdsDefaultPort,
    /// RDS.25: a DB instance's master username is fixed at creation.
    RdsDefaultAdminUsername,
    /// RDS.14: Aurora MySQL turns backtracking on only when a cluster is created (or restored).
    RdsBacktrackAtCreation,
    /// RDS.15: an Aurora cluster spans zones through a reader instance in another zone, a new
    /// billed instance its owner sizes.
    RdsClusterSingleZone,
    /// RDS.24: a DB cluster's master username is fixed at creation.
    RdsClusterDefaultAdminUsername,
    /// RDS.27: RDS encrypts a DB cluster only when it is created (or restored encrypted).
    RdsClusterEncryptionAtCreation,
    /// RDS.38, .39, .41, .44: the instance's parameter group requires TLS, but the change (a
    /// new group, or a static parameter) applies at the instance's next reboot, an outage its
    /// owner schedules.
    RdsRebootPending {
        /// The control (`RDS.39`).
        control: String,
    },
}

impl Justification {
    /// Whether its precondition holds on `snapshot` for the finding's `resource` (the
    /// justifications that depend on the account's state; the others always hold).
    pub fn holds(&self) -> bool {
        match self {
            Justification::AdminPolicy { attachments, .. } => *attachments >= 0,
            Justification::UserReliesOnPolicies { policies, .. } => !policies.is_empty(),
            Justification::BroadGrant { grant, .. } => !grant.is_empty(),
            Justification::SpotFleetReRequest { volumes, .. } => !volumes.is_empty(),
            _ => true,
        }
    }

    /// The justification brought up to date with `snapshot` for the finding on `resource`.
    fn refreshed(&self, snapshot: &Snapshot, resource: &str) -> Justification {
        let iam = &snapshot.global.iam_policies;
        match self {
            Justification::LogSink { bucket, .. } => {
                Justification::LogSink { bucket: bucket.clone(), sources: support::log_sources(snapshot, bucket) }
            }
            Justification::AdminPolicy { .. } => Justification::AdminPolicy {
                policy: resource.to_string(),
                attachments: iam.policies.iter().find(|p| p.arn == resource).map_or(-1, |p| p.attachment_count),
            },
            Justification::UserReliesOnPolicies { .. } => {
                let user = iam.users.iter().find(|u| u.arn == resource);
                Justification::UserReliesOnPolicies {
                    user: user.map(|u| u.name.clone()).unwrap_or_else(|| resource.to_string()),
                    policies: user.map(crate::remediate::own_policies).unwrap_or_default(),
                }
            }
            Justification::BroadGrant { control, .. } => {
                let (policy, grant) = controls::broad_grant(control, snapshot, resource);
                Justification::BroadGrant { control: control.clone(), policy, grant }
            }
            Justification::SpotFleetReRequest { .. } => {
                let (fleet, volumes) = fixes::spot_fleet_volumes(snapshot, resource);
                Justification::SpotFleetReRequest { fleet, volumes }
            }
            Justification::OwnerDecision { control, .. } => Justification::OwnerDecision {
                control: control.clone(),
                reason: Some(controls::dynamodb::still_failing(control, snapshot, resource))
                    .filter(|r| !r.is_empty())
                    .unwrap_or_else(|| "it fails under the parameters in force".into()),
            },
            other => other.clone(),
        }
    }

    /// The note written into the suppressed finding (≤ 512 characters).
    pub fn text(&self) -> String {
        let t = match self {
            Justification::RootHardwareMfa => {
                "IAM.6 cannot be fixed through an API: registering a hardware MFA device for the root user \
                 needs a root sign-in and the physical device. Risk accepted until a hardware token is registered; \
                 root credentials are vaulted and not used."
                    .to_string()
            }
            Justification::LogSink { bucket, sources } => {
                let from = if sources.is_empty() { "other buckets".to_string() } else { sources.join(", ") };
                format!(
                    "Bucket {bucket} is the destination of access logs (from {from}); giving it access logging \
                     too would start an endless chain of log buckets. AWS's S3.9 guidance: the target logging bucket \
                     need not have logging; suppress its finding."
                )
            }
            Justification::RootAccessKeys => {
                "IAM.4 cannot be fixed by hubsim: the root user's access keys can be deleted only with root's own \
                 credentials, or an sts:AssumeRoot session where the organization manages root access centrally. \
                 Risk accepted until root signs in and deletes them; the keys are vaulted and not used."
                    .to_string()
            }
            Justification::RootMfa => {
                "IAM.9 cannot be fixed through an API: an MFA device for the root user is registered while signed in \
                 as root, with the device at hand. Risk accepted until root registers one; root credentials are \
                 vaulted and not used."
                    .to_string()
            }
            Justification::KeyMayBeInUse => {
                "IAM.3 is not fixed automatically: the active access key may be in use, so rotating it (create a new \
                 key, move every client to it, then deactivate the old one) needs its owner. Risk accepted until the \
                 owner rotates the key."
                    .to_string()
            }
            Justification::UserMfa => {
                "IAM.5 cannot be fixed through an API alone: an MFA device is registered by its user, with two \
                 consecutive codes from the device. Risk accepted until the user registers one, or the console \
                 password is removed by its owner."
                    .to_string()
            }
            Justification::UnusedCredentials => {
                "IAM.8 is not fixed automatically: removing an unused console password or deactivating an unused \
                 access key is the owner's decision (a rarely run job may still need it), and hubsim never deletes a \
                 credential. Risk accepted until the owner removes or deactivates it."
                    .to_string()
            }
            Justification::SubscriptionUnconfirmed { topic, endpoints } => format!(
                "The alarm topic {topic} has subscriptions awaiting confirmation ({}): only the endpoint's owner can \
                 confirm one, with the token SNS sends to it, so no API call of the remediator can. Confirm it (or \
                 subscribe an endpoint that needs no confirmation) and the control passes.",
                endpoints.join(", ")
            ),
            Justification::RelaunchWithoutPublicIp { instance } => format!(
                "EC2.9 cannot be fixed in place: instance {instance} got a public IPv4 address from Amazon at launch \
                 and keeps one for as long as it runs. Relaunch it without one (a subnet with MapPublicIpOnLaunch \
                 off, or AssociatePublicIpAddress=false) and reach it through a load balancer, NAT or Systems \
                 Manager. Risk accepted until it is relaunched."
            ),
            Justification::EncryptedVolumeSwap => "EC2.3 cannot be fixed in place: EBS does not encrypt an existing \
                 volume. Snapshot it, copy the snapshot with encryption on, create a volume from the copy, stop the \
                 instance, swap the volumes and start it again; with EBS encryption by default on (EC2.7) new volumes \
                 are encrypted. Risk accepted until the volume is swapped."
                .to_string(),
            Justification::StoppedInstanceKept => "EC2.4 is not fixed automatically: terminating a stopped instance \
                 deletes it and the volumes marked DeleteOnTermination, with whatever data is on them, which is \
                 its owner's decision. Risk accepted until the owner terminates it or starts it again."
                .to_string(),
            Justification::ParavirtualRelaunch => "EC2.24 cannot be fixed in place: an instance's virtualization \
                 type is its image's. Relaunch the workload from an HVM image on a current instance type. Risk \
                 accepted until it is migrated."
                .to_string(),
            Justification::SecurityGroupReferenced { group, by } => format!(
                "Security group {group} is attached to no network interface, but the rules of {} refer to it: \
                 deleting it would be refused (DependencyViolation) and may break them. Risk accepted until its \
                 owner removes those rules or uses the group.",
                by.join(", ")
            ),
            Justification::AccessPointBlockFixed => {
                "S3.19 cannot be fixed in place: an access point's Block Public Access settings cannot be changed \
                 after it is created (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-bpa-settings.html). \
                 The fix is a new access point with all four settings on, its users moved to it (they address it by \
                 name or alias), then this one deleted: the owner's call. Risk accepted until then."
                    .to_string()
            }
            Justification::MultiRegionAccessPointBlockFixed => {
                "S3.24 cannot be fixed in place: a Multi-Region Access Point's Block Public Access settings cannot \
                 be changed after it is created (https://docs.aws.amazon.com/AmazonS3/latest/userguide/multi-region-access-point-block-public-access.html). \
                 The fix is a new one with all four settings on, its clients moved to its alias, then this one \
                 deleted: the owner's call. Risk accepted until then."
                    .to_string()
            }
            Justification::Refused { call, error } => {
                format!("hubsim's fix was refused: {call} answered {error}. The owner must decide how to fix it.")
            }
            Justification::NoFix => "hubsim has no API fix for this control; it needs manual work.".to_string(),
            Justification::RuntimeUpgrade => {
                "Lambda.2 is not fixed automatically: a new runtime changes the language version and libraries \
                 the function's code runs on, so the upgrade (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html) \
                 must be tested by its owner before UpdateFunctionConfiguration sets it. Risk accepted until then."
                    .to_string()
            }
            Justification::FunctionZones => {
                "Lambda.5 is not fixed automatically: adding a subnet in another Availability Zone to the function's \
                 VPC configuration needs a subnet with the routes (NAT, endpoints) and network ACLs its current \
                 subnets give it, which only its owner can choose. Risk accepted until the owner adds one."
                    .to_string()
            }
            Justification::RdsEncryptionAtCreation => "RDS.3 cannot be fixed in place: RDS encrypts a DB instance's \
                 storage only when the instance is created. Take a snapshot, copy it with a KMS key, restore the \
                 copy as a new encrypted instance and move the clients to it \
                 (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html). Risk accepted \
                 until the instance is replaced."
                .to_string(),
            Justification::RdsSnapshotUnencrypted => "RDS.4 cannot be fixed in place: a DB snapshot's or DB cluster \
                 snapshot's encryption is fixed when it is taken. Copy it with a KMS key (CopyDBSnapshot, \
                 CopyDBClusterSnapshot) and delete the unencrypted original, which is its owner's decision. Risk \
                 accepted until the original is replaced."
                .to_string(),
            Justification::RdsDefaultPort => "RDS.23 is not fixed automatically: moving a DB instance to another \
                 port (ModifyDBInstance DBPortNumber) restarts it and breaks every client and security group rule \
                 that uses the current port. Risk accepted until the owner moves the port with its clients."
                .to_string(),
            Justification::RdsBacktrackAtCreation => "RDS.14 cannot be fixed in place: Aurora MySQL turns \
                 backtracking on only when a DB cluster is created, and never again once it is turned off \
                 (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.Configuring.html). \
                 Restore a snapshot as a new cluster with a backtrack window and move the clients to it. Risk \
                 accepted until the cluster is replaced."
                .to_string(),
            Justification::RdsClusterSingleZone => "RDS.15 is not fixed automatically: an Aurora DB cluster spans \
                 Availability Zones when it has a reader instance in another zone \
                 (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html), \
                 a new billed instance whose class and zone its owner chooses. Risk accepted until a reader is added."
                .to_string(),
            Justification::RdsClusterDefaultAdminUsername => "RDS.24 cannot be fixed in place: a DB cluster's master \
                 username is set when it is created. Restore a snapshot as a new cluster with a custom master \
                 username, or create a custom administrator and stop using the default one. Risk accepted until \
                 the cluster is replaced."
                .to_string(),
            Justification::RdsClusterEncryptionAtCreation => "RDS.27 cannot be fixed in place: RDS encrypts a DB \
                 cluster only when it is created. Take a cluster snapshot, restore it as a new cluster with a KMS \
                 key and move the clients to it \
                 (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Overview.Encryption.html). Risk \
                 accepted until the cluster is replaced."
                .to_string(),
            Justification::RdsRebootPending { control } => format!(
                "{control} needs a reboot: hubsim's fix set the instance's DB parameter group to require TLS, and \
                 the change applies when the instance reboots (a new parameter group, or a static parameter: \
                 https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithParamGroups.html). A reboot \
                 interrupts its clients; reboot it (RebootDBInstance) in a maintenance window. Risk accepted until then."
            ),
            Justification::RdsDefaultAdminUsername => "RDS.25 cannot be fixed in place: a DB instance's master \
                 username is set when it is created. Restore a snapshot as a new instance with a custom master \
                 username, or create a custom administrator and stop using the default one. Risk accepted until \
                 the instance is replaced."
                .to_string(),
            Justification::VpnTunnelsDown => {
                "EC2.20 cannot be fixed through an AWS API: a Site-to-Site VPN tunnel comes up when the customer \
                 gateway device on the customer's side negotiates it (IKE), which no call of the AWS side can do. \
                 Configure the device with the connection's configuration for both tunnels, or delete the \
                 connection if it is unused. Risk accepted until both tunnels are UP."
                    .to_string()
            }
            Justification::SsmUnmanaged => {
                "SSM.1 is not fixed automatically: an instance becomes managed when its instance profile's role \
                 grants AmazonSSMManagedInstanceCore and its SSM Agent reaches Systems Manager. Attaching such a \
                 profile (AssociateIamInstanceProfile) gives the instance new permissions, and hubsim's remediator \
                 only narrows access. Risk accepted until the owner attaches a profile and runs the agent."
                    .to_string()
            }
            Justification::SsmPatchNonCompliant => {
                "SSM.2 cannot be fixed by an API call of the remediator: the missing patches must be installed on \
                 the instance (Patch Manager's Install operation, usually with a reboot in a maintenance window), \
                 which is the owner's to schedule. Risk accepted until the instance reports COMPLIANT."
                    .to_string()
            }
            Justification::SsmAssociationNonCompliant => {
                "SSM.3 cannot be fixed by an API call of the remediator: the association's document failed on the \
                 instance, and why (the script, the instance's state, its permissions) is the owner's to find. Risk \
                 accepted until the association succeeds and the instance reports COMPLIANT."
                    .to_string()
            }
            Justification::InternetGatewaysOpen => {
                "EC2.172 is not fixed automatically: turning on VPC Block Public Access (block-ingress or \
                 block-bidirectional) cuts every VPC of the region without an exclusion, the default VPC included, \
                 off the internet. Which VPCs and subnets to exclude is the owner's choice. Risk accepted until the \
                 owner sets the mode and its exclusions."
                    .to_string()
            }
            Justification::AdminPolicy { policy, attachments } if *attachments > 0 => format!(
                "Policy {policy} allows \"*\" on \"*\" and is attached to {attachments} user(s), group(s) or role(s) that \
                 may rely on it: narrowing it or detaching it could lock them out, and deleting it is not the remediator's \
                 call. Risk accepted until its owner sets a narrowed default version."
            ),
            Justification::AdminPolicy { policy, .. } => format!(
                "Policy {policy} allows \"*\" on \"*\" but is attached to nothing, so it grants no one anything; \
                 rewriting or deleting it is its owner's call. Risk accepted while it stays unattached."
            ),
            Justification::UserReliesOnPolicies { user, policies } => format!(
                "User {user} relies on its own policies ({}), which none of its groups grants: detaching them would \
                 take its access away. Risk accepted until its owner moves them to a group and adds the user to it.",
                policies.join(", ")
            ),
            Justification::BroadGrant { control, policy, grant } if control == "IAM.21" => format!(
                "{policy}: {grant}. Narrowing it to the actions its users need takes knowing what they do, which \
                 only its owner knows; a guessed list would break them, and deleting the policy is not the \
                 remediator's call. Risk accepted until its owner sets a narrowed default version."
            ),
            Justification::BroadGrant { policy, grant, .. } => format!(
                "{policy}: {grant}. Narrowing Resource to the KMS keys its users decrypt with takes knowing which \
                 keys those are, which only its owner knows; a guessed list would break them, and removing the \
                 grant could lock them out. Risk accepted until its owner names the keys in a new version."
            ),
            Justification::SpotFleetReRequest { fleet, volumes } => format!(
                "Spot Fleet request {fleet} attaches unencrypted EBS volumes ({}), and a request's launch \
                 specifications cannot be modified. Its owner re-requests the fleet (RequestSpotFleet with \
                 Encrypted=true on every EBS mapping) and cancels this one (CancelSpotFleetRequests); risk \
                 accepted until then.",
                volumes.join(", ")
            ),
            Justification::NoHttpsListener { load_balancer } => format!(
                "Load balancer {load_balancer} has an HTTP listener and no HTTPS listener: redirecting HTTP to HTTPS \
                 would send every client to a port nothing answers. Its owner adds an HTTPS listener (with an ACM \
                 certificate) first; the next remediation then adds the redirect. Risk accepted until then."
            ),
            Justification::NotAcmCertificate => {
                "ELB.2 cannot be fixed by an API call alone: a Classic Load Balancer listener moves to an ACM \
                 certificate once one is imported into ACM (with the private key, which IAM does not give back) or \
                 issued and validated there; then SetLoadBalancerListenerSSLCertificate. Risk accepted until then."
                    .to_string()
            }
            Justification::ListenersWithoutTls => {
                "ELB.3 is not fixed automatically: a listener's protocol is what its clients speak, and HTTPS or \
                 SSL needs a certificate and every client moved to it. Risk accepted until the owner replaces the \
                 HTTP and TCP listeners."
                    .to_string()
            }
            Justification::SingleZoneLoadBalancer => {
                "ELB.10 and ELB.13 are not fixed automatically: a load balancer spans another Availability Zone only \
                 with a subnet of that zone in its VPC (SetSubnets, AttachLoadBalancerToSubnets), and which subnet, \
                 with which routes and targets, is the network owner's choice. Risk accepted until a second zone's \
                 subnet is added."
                    .to_string()
            }
            Justification::OwnerDecision { control, reason } => {
                let why = match control.as_str() {
                    "DynamoDB.1" => {
                        "on-demand capacity changes how the table is billed, and auto scaling needs a maximum \
                         capacity, a cost ceiling only its owner can set. Register read and write targets with \
                         target tracking policies, or switch to PAY_PER_REQUEST"
                    }
                    "SecretsManager.3" => {
                        "the remediator never deletes a secret: whether anything still needs it is its owner's \
                         call. Delete it with a recovery window, or use it"
                    }
                    _ => {
                        "rotation needs a rotation function that changes the credential where it is used, which \
                         only its owner can write or choose. Configure one with RotateSecret"
                    }
                };
                format!("{control}: {reason}. Not fixed automatically: {why}. Risk accepted until then.")
            }
        };
        t.chars().take(512).collect()
    }
}

/// The inline policies of `user` and the attached ones none of its groups also has: what it
/// would lose if its own policies went (IAM.2's justification).
pub(crate) fn own_policies(user: &crate::snapshot::UserPolicies) -> Vec<String> {
    let from_groups = |arn: &String| user.groups.iter().any(|(_, attached)| attached.contains(arn));
    let mut out: Vec<String> = user.inline.iter().map(|n| format!("inline {n}")).collect();
    out.extend(user.attached.iter().filter(|a| !from_groups(a)).map(|a| a.rsplit('/').next().unwrap_or(a).to_string()));
    out
}

/// Why a justification whose precondition fails is left as manual work.
fn unjustified(j: &Justification) -> String {
    match j {
        Justification::UserReliesOnPolicies { user, .. } => format!(
            "User {user}'s own policies are all granted by its groups too: its owner can detach them without taking \
             access away."
        ),
        other => other.text(),
    }
}

/// What to do with findings that no API can fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unfixable {
    /// Suppress with the justification.
    Suppress,
    /// Leave FAILED, listed as manual work.
    Leave,
}

/// How to remediate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only these controls (all when empty).
    pub controls: Vec<String>,
    /// Per control `suppress`/`leave`, with a `default` entry (the scenario's
    /// `remediation.unfixable`).
    pub unfixable: Map<String, Value>,
    /// Overrides `unfixable` for every control.
    pub unfixable_override: Option<Unfixable>,
    /// Rounds at most.
    pub max_rounds: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { controls: Vec::new(), unfixable: Map::new(), unfixable_override: None, max_rounds: 8 }
    }
}

impl Options {
    fn action(&self, control: &str) -> Unfixable {
        if let Some(o) = self.unfixable_override {
            return o;
        }
        let pick = |v: &Value| match v.as_str() {
            Some("leave") => Some(Unfixable::Leave),
            Some("suppress") => Some(Unfixable::Suppress),
            _ => None,
        };
        self.unfixable
            .get(control)
            .and_then(pick)
            .or_else(|| self.unfixable.get("default").and_then(pick))
            .unwrap_or(Unfixable::Suppress)
    }
}

/// A finding left FAILED for a person to handle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Manual {
    /// Control.
    pub control: String,
    /// Region.
    pub region: String,
    /// Resource.
    pub resource: String,
    /// Why hubsim could not fix it.
    pub why: String,
}

/// The outcome of a remediation.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The evaluation before.
    pub before: Report,
    /// The evaluation after.
    pub after: Report,
    /// Every call and suppression, in order.
    pub transcript: Vec<Step>,
    /// Every read the fixes made to decide their calls, in order (not in the transcript).
    pub reads: Vec<Read>,
    /// Rounds run.
    pub rounds: usize,
    /// Whether a fixpoint was reached within the bound.
    pub converged: bool,
    /// Findings left FAILED.
    pub manual: Vec<Manual>,
    /// Calls AWS refused.
    pub refused: Vec<Refusal>,
}

/// A failing finding: (control, region, resource).
type Key = (String, String, String);

fn failing(report: &Report, filter: &[String], plan: &Plan) -> Vec<Key> {
    let mut out: Vec<Key> = report
        .findings
        .iter()
        .filter(|f| status::counts(f))
        .filter(|f| f.compliance() == "FAILED")
        .filter(|f| !f.control.is_empty() && !f.region.is_empty())
        .map(|f| (f.control.clone(), f.region.clone(), f.resource.clone()))
        .filter(|(c, _, _)| filter.is_empty() || filter.contains(c))
        .collect();
    out.sort_by(|a, b| (plan.rank(&a.0), &a.1, &a.2).cmp(&(plan.rank(&b.0), &b.1, &b.2)));
    out
}

/// The failing verdicts of a judged snapshot, minus suppressed findings, in fix order.
fn failing_verdicts(runs: &[RegionRun], suppressed: &BTreeSet<Key>, filter: &[String], plan: &Plan) -> Vec<Key> {
    let mut out: Vec<Key> = runs
        .iter()
        .flat_map(|run| {
            run.controls.iter().flat_map(move |c| {
                c.verdicts
                    .iter()
                    .filter(|v| v.status == crate::control::Compliance::Failed)
                    .map(move |v| (c.control.to_string(), run.region.clone(), v.resource.id.clone()))
            })
        })
        .filter(|k| !suppressed.contains(k))
        .filter(|(c, _, _)| filter.is_empty() || filter.contains(c))
        .collect();
    out.sort_by(|a, b| (plan.rank(&a.0), &a.1, &a.2).cmp(&(plan.rank(&b.0), &b.1, &b.2)));
    out
}

/// Remediates the account behind `api`: evaluates it (findings recorded in Security Hub, the
/// user's `suppressions` applied), fixes in rounds until a round changes nothing, records the
/// findings again and suppresses or lists what no API fixed. `now` reads the scenario clock.
pub fn remediate<A: AwsApi>(
    api: &A,
    account: &str,
    home: &str,
    settings: &Settings,
    suppressions: &[Suppress],
    now: &dyn Fn() -> String,
    options: &Options,
) -> Result<Outcome, Error> {
    let plan = plan()?;
    let fixes = fixes::all::<A>();
    let record =
        |runs: &[RegionRun]| crate::record(api, account, settings.era, runs, suppressions, &now(), &settings.readings);
    let mut fixer = fixer::Fixer::new(api, account, home, settings.era);
    // The snapshot and its verdicts are reused while the account is unchanged: the first round
    // judges what the evaluation before judged, and after a round that changed nothing the
    // evaluation after judges that round's snapshot.
    let mut snapshot = Snapshot::fetch(api, account, home)?;
    let mut runs = crate::evaluate::run(&snapshot, settings);
    let before = record(&runs)?;
    // Findings suppressed before remediation (by the user) stay out of the work list.
    let suppressed: BTreeSet<Key> = before
        .findings
        .iter()
        .filter(|f| f.suppressed() && !f.control.is_empty() && !f.region.is_empty())
        .map(|f| (f.control.clone(), f.region.clone(), f.resource.clone()))
        .collect();
    let mut attempted: BTreeSet<String> = BTreeSet::new();
    let mut unfixable: Vec<(Key, Justification)> = Vec::new();
    let mut converged = false;
    let mut rounds = 0;
    while rounds < options.max_rounds {
        rounds += 1;
        fixer.round = rounds;
        // Between rounds the controls judge the fresh snapshot directly; findings are recorded
        // in Security Hub once, at the end.
        let todo = if rounds == 1 {
            failing(&before, &options.controls, plan)
        } else {
            snapshot = Snapshot::fetch(api, account, home)?;
            runs = crate::evaluate::run(&snapshot, settings);
            failing_verdicts(&runs, &suppressed, &options.controls, plan)
        };
        let mut acted = false;
        let mut done_this_round: BTreeSet<String> = BTreeSet::new();
        for (control, region, resource) in todo {
            if unfixable.iter().any(|((c, g, r), _)| (c, g, r) == (&control, &region, &resource)) {
                continue;
            }
            let fix = fixes.iter().find(|f| f.control == control);
            let key = fix.map_or(Scope::Resource, |f| f.scope).once_key(&control, &region, &resource);
            if !done_this_round.insert(key.clone()) {
                continue;
            }
            if controls::find(&control).is_none() {
                continue;
            }
            let params = Params::resolve(
                controls::find(&control).map(|c| c.parameters).unwrap_or(&[]),
                settings.parameters.get(&control).and_then(Value::as_object),
            );
            if attempted.contains(&key) {
                // The fix ran in an earlier round and the control still fails: stop trying.
                let j = Justification::Refused {
                    call: format!("the {control} fix"),
                    error: "it ran, but the control still fails".into(),
                };
                unfixable.push(((control, region, resource), j));
                continue;
            }
            fixer.serving(&control);
            let before_calls = fixer.transcript.len();
            let done = match fix.map(|f| &f.how) {
                Some(How::Calls(apply)) => {
                    let target = Target { snapshot: &snapshot, params: &params, region: &region, resource: &resource };
                    apply(&mut fixer, &target)
                }
                Some(How::Justified(j)) => Ok(Done::Unfixable(j.clone())),
                None => Ok(Done::Unfixable(Justification::NoFix)),
            };
            match done {
                Ok(Done::Applied) => {
                    if fixer.transcript.len() > before_calls {
                        acted = true;
                        attempted.insert(key);
                    }
                }
                Ok(Done::Unfixable(j)) => {
                    // A fix may call AWS and still leave a part no API can do (CloudWatch.x
                    // subscribes, and the subscription awaits confirmation): the account changed.
                    acted |= fixer.transcript.len() > before_calls;
                    unfixable.push(((control, region, resource), j))
                }
                Err(failed) => {
                    acted |= fixer.transcript.len() > before_calls;
                    fixer.refuse(&region, &resource, &failed.call, &failed.error);
                    let j = Justification::Refused {
                        call: failed.call,
                        error: format!("{}: {}", failed.error.code, failed.error.message),
                    };
                    unfixable.push(((control, region, resource), j));
                }
            }
        }
        if !acted {
            converged = true;
            break;
        }
    }
    // What no API fixed: suppress with the justification, or leave it for a person.
    let mut manual = Vec::new();
    let mut to_suppress = Vec::new();
    if !converged {
        // The last round changed the account.
        snapshot = Snapshot::fetch(api, account, home)?;
        runs = crate::evaluate::run(&snapshot, settings);
    }
    let report = record(&runs)?;
    let still_failing: BTreeSet<Key> = failing(&report, &options.controls, plan).into_iter().collect();
    let last = &snapshot;
    for ((control, region, resource), j) in &unfixable {
        // Justifications are judged on the account as it is now (a log sink's sources may have
        // grown, a policy may have been detached since).
        let j = j.refreshed(last, resource);
        if !still_failing.contains(&(control.clone(), region.clone(), resource.clone())) {
            continue;
        }
        // A justification is used only while its precondition holds in the account as it now is.
        if let Err(why) = fixes::precondition(&j, last, resource) {
            manual.push(Manual { control: control.clone(), region: region.clone(), resource: resource.clone(), why });
            continue;
        }
        match options.action(control) {
            Unfixable::Suppress => {
                let reason = j.text();
                fixer.note_suppression(control, region, resource, &reason);
                to_suppress.push(Suppress {
                    control: control.clone(),
                    region: region.clone(),
                    resource: resource.clone(),
                    reason,
                    by: "hubsim remediator".into(),
                });
            }
            Unfixable::Leave => manual.push(Manual {
                control: control.clone(),
                region: region.clone(),
                resource: resource.clone(),
                why: j.text(),
            }),
        }
    }
    let after = if to_suppress.is_empty() {
        report
    } else {
        // Suppressing changes only the findings' workflow: Security Hub is read again, the
        // account is not judged again.
        let mut known = findings::ActiveByRegion::new();
        for f in &report.findings {
            known.entry(f.region.clone()).or_default().push(f.clone());
        }
        findings::suppress_known(api, &to_suppress, &mut known)?;
        let mut after = crate::report(api, settings.era, &runs, known, &settings.readings)?;
        after.unmatched_suppressions = report.unmatched_suppressions;
        after
    };
    for (control, region, resource) in failing(&after, &options.controls, plan) {
        let listed = manual.iter().any(|m| m.control == control && m.region == region && m.resource == resource);
        if !listed {
            manual.push(Manual { control, region, resource, why: "still failing after remediation".into() });
        }
    }
    Ok(Outcome {
        before,
        after,
        transcript: fixer.transcript,
        reads: fixer.reads,
        rounds,
        converged,
        manual,
        refused: fixer.refused,
    })
}
