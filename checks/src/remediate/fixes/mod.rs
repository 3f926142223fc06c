//! The fixes, one declaration per remediable control, in one file per AWS service (as
//! `controls/` has them). A [`Fix`] says everything the remediator needs to know about a
//! control's fix: the IAM actions it may call, how often it runs, which fixes must run before
//! it, and what it does — API calls, or a justification when no API can fix the control.
//!
//! Fixes add, narrow or enable; they never replace what the user wrote (policies get a
//! statement appended, lifecycle and notification configurations keep their rules) and remove
//! only what the control itself demands (the default security group's rules, a network ACL's
//! world-open entries). Each follows the remediation AWS documents for its control in the
//! Security Hub user guide, one page per service
//! (`https://docs.aws.amazon.com/securityhub/latest/userguide/<service>-controls.html`).

mod cis_monitoring;
mod cloudtrail;
mod config;
mod dynamodb;
mod ec2;
mod ec2_instances;
mod ec2_network;
mod ec2_templates;
mod ec2_vpn;
mod ecr;
mod elb;
mod elb_classic;
mod guardduty;
mod guardduty_features;
mod iam;
mod iam_policies;
mod kms;
mod kms_keys;
mod kms_policies;
mod lambda;
mod public_policies;
mod rds;
mod rds_clusters;
mod rds_engines;
mod rds_transit;
mod s3;
mod s3_access;
mod secretsmanager;
mod sns;
mod sqs;
mod ssm;

use std::sync::OnceLock;

use hubsim_api::model::Operation;
use hubsim_api::{AwsApi, AwsError};

use super::fixer::Fixer;
use super::{Failed, Justification};
use crate::control::Params;
use crate::snapshot::Snapshot;
pub(crate) use ec2_templates::spot_fleet_volumes;

/// What a fix did.
pub(crate) enum Done {
    /// Calls were made (possibly none, when there was nothing left to do).
    Applied,
    /// No API can fix it; here is why.
    Unfixable(Justification),
}

/// How often a fix runs in one round, whatever the number of findings that ask for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Once per account: it changes an account-wide setting (or creates an account-wide
    /// resource) that every finding of the control shares.
    Account,
    /// Once per region: it changes a regional setting shared by the region's findings.
    Region,
    /// Once per failing resource.
    Resource,
}

impl Scope {
    /// The key under which a finding's fix counts as done for the round: findings with the
    /// same key are served by one run of the fix.
    pub(crate) fn once_key(self, control: &str, region: &str, resource: &str) -> String {
        match self {
            Scope::Account => control.to_string(),
            Scope::Region => format!("{control} {region}"),
            Scope::Resource => format!("{control} {region} {resource}"),
        }
    }
}

/// What a fix is given: the failing finding and the account as the round judged it.
pub(crate) struct Target<'s> {
    /// The snapshot the round judged.
    pub snapshot: &'s Snapshot,
    /// The control's parameters (the scenario's values over the defaults).
    pub params: &'s Params,
    /// The finding's region.
    pub region: &'s str,
    /// The finding's resource (an ARN, or `AWS::::Account:<id>`).
    pub resource: &'s str,
}

/// A fix's calls, made through the fixer (which records them in the transcript).
pub(crate) type Apply<A> = fn(&mut Fixer<'_, A>, &Target<'_>) -> Result<Done, Failed>;

/// What a fix does.
pub(crate) enum How<A: AwsApi> {
    /// Calls AWS.
    Calls(Apply<A>),
    /// Nothing: no API can fix the control, for this reason.
    Justified(Justification),
}

/// One control's fix, declared beside the others of its service.
///
/// The function is generic over the API the remediator runs on (a function pointer cannot be),
/// so each service file builds its declarations for a given API type; everything but the
/// function is `'static` data and the same for every API.
pub(crate) struct Fix<A: AwsApi> {
    /// The control it fixes (`S3.5`).
    pub control: &'static str,
    /// Every IAM action its calls and its reads need (least privilege for a remediation role),
    /// as AWS's Service Authorization Reference names them. Reads count: the fixer records them
    /// apart from the transcript, and a role without their actions could not make them. A shared
    /// helper in `support` reads and calls under the control it serves, so each fix that uses one
    /// declares the helper's actions too.
    pub iam_actions: &'static [&'static str],
    /// How often it runs in a round.
    pub scope: Scope,
    /// Controls whose fixes must run before this one in a round (each with its reason where it
    /// is declared).
    pub after: &'static [&'static str],
    /// What it does.
    pub how: How<A>,
}

/// Every declared fix for the API type `A`, service by service.
pub(crate) fn all<A: AwsApi>() -> Vec<Fix<A>> {
    let mut v = Vec::new();
    v.extend(cis_monitoring::fixes());
    v.extend(cloudtrail::fixes());
    v.extend(config::fixes());
    v.extend(dynamodb::fixes());
    v.extend(ec2::fixes());
    v.extend(ec2_instances::fixes());
    v.extend(ec2_templates::fixes());
    v.extend(ec2_network::fixes());
    v.extend(ec2_vpn::fixes());
    v.extend(ecr::fixes());
    v.extend(elb::fixes());
    v.extend(elb_classic::fixes());
    v.extend(guardduty::fixes());
    v.extend(guardduty_features::fixes());
    v.extend(iam::fixes());
    v.extend(kms::fixes());
    v.extend(kms_keys::fixes());
    v.extend(kms_policies::fixes());
    v.extend(lambda::fixes());
    v.extend(public_policies::fixes());
    v.extend(rds::fixes());
    v.extend(rds_clusters::fixes());
    v.extend(rds_engines::fixes());
    v.extend(rds_transit::fixes());
    v.extend(iam_policies::fixes());
    v.extend(s3::fixes());
    v.extend(s3_access::fixes());
    v.extend(secretsmanager::fixes());
    v.extend(sns::fixes());
    v.extend(sqs::fixes());
    v.extend(ssm::fixes());
    v
}

/// The API type of the declarations read as data ([`declared`]): it only instantiates their
/// function pointers, which are never called through it.
pub(crate) struct NoApi;

impl AwsApi for NoApi {
    fn call<O: Operation>(&self, _region: &str, _input: O::Input) -> Result<O::Output, AwsError> {
        Err(AwsError::internal("the fix declarations read as data call no API"))
    }
}

/// The declarations as data, for questions that need no API (actions, scope, order).
pub(crate) fn declared() -> &'static [Fix<NoApi>] {
    static DECLARED: OnceLock<Vec<Fix<NoApi>>> = OnceLock::new();
    DECLARED.get_or_init(all)
}

fn declaration(control: &str) -> Option<&'static Fix<NoApi>> {
    declared().iter().find(|f| f.control == control)
}

/// The IAM actions the fix of `control` may call or read with (least privilege for a remediation
/// role);
/// empty when hubsim declares no fix for it, or only a justification.
pub fn iam_actions(control: &str) -> &'static [&'static str] {
    declaration(control).map(|f| f.iam_actions).unwrap_or(&[])
}

/// How hubsim remediates a control, for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remedy {
    /// By API calls, which need these IAM actions.
    Calls(&'static [&'static str]),
    /// No API can fix it: its finding is suppressed with a written justification, when the
    /// justification's precondition holds.
    Justified,
}

/// How hubsim remediates `control`; `None` when it declares no fix (the finding is left for a
/// person).
pub fn remedy(control: &str) -> Option<Remedy> {
    declaration(control).map(|f| match f.how {
        How::Calls(_) => Remedy::Calls(f.iam_actions),
        How::Justified(_) => Remedy::Justified,
    })
}

/// Whether hubsim can fix `control` by API at all (a fix that makes calls is declared for it).
pub fn remediable(control: &str) -> bool {
    declaration(control).is_some_and(|f| matches!(f.how, How::Calls(_)))
}

/// Whether the precondition of justification `j` holds for `resource` in `snapshot`; why not
/// when it does not (the finding is then left for a person, not suppressed).
pub(crate) fn precondition(j: &Justification, snapshot: &Snapshot, resource: &str) -> Result<(), String> {
    // The justifications refreshed from the account carry their own state (IAM.1, IAM.2).
    if !j.holds() {
        return Err(super::unjustified(j));
    }
    iam::precondition(j, snapshot, resource)?;
    ec2_network::precondition(j, snapshot, resource)?;
    ec2_vpn::precondition(j, snapshot, resource)?;
    lambda::precondition(j, snapshot, resource)?;
    elb::precondition(j, snapshot, resource)?;
    elb_classic::precondition(j, snapshot, resource)?;
    ssm::precondition(j, snapshot, resource)?;
    ec2_instances::precondition(j, snapshot, resource)
}

/// The id at the end of an EC2 resource ARN (`…:vpc/vpc-1` → `vpc-1`), or the whole text.
fn id_after<'a>(resource: &'a str, marker: &str) -> &'a str {
    resource.rsplit_once(marker).map(|(_, id)| id).unwrap_or(resource)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn declarations_name_implemented_controls_each_at_most_once() {
        let mut seen = BTreeSet::new();
        for f in declared() {
            assert!(seen.insert(f.control), "{} declares its fix twice", f.control);
            assert!(crate::controls::find(f.control).is_some(), "{} has a fix but is not implemented", f.control);
        }
        for c in crate::controls::all() {
            let n = declared().iter().filter(|f| f.control == c.id).count();
            assert!(n <= 1, "{}: {n} fix declarations", c.id);
        }
    }

    #[test]
    fn api_fixes_declare_actions_and_justified_ones_none() {
        for f in declared() {
            match f.how {
                How::Calls(_) => assert!(!f.iam_actions.is_empty(), "{} calls AWS but declares no action", f.control),
                How::Justified(_) => assert!(f.iam_actions.is_empty(), "{} calls nothing", f.control),
            }
            for a in f.iam_actions {
                let (service, action) = a.split_once(':').unwrap_or_default();
                assert!(!service.is_empty() && !action.is_empty() && !action.contains(':'), "{}: {a}", f.control);
            }
        }
    }

    #[test]
    fn the_public_questions_read_the_declarations() {
        assert!(remediable("S3.5"));
        assert!(!remediable("IAM.6"));
        assert!(!remediable("Nope.1"));
        assert_eq!(iam_actions("S3.1"), &["s3:PutAccountPublicAccessBlock"]);
        assert!(iam_actions("IAM.6").is_empty());
        assert!(iam_actions("Nope.1").is_empty());
    }

    #[test]
    fn once_keys_follow_the_scope() {
        assert_eq!(Scope::Account.once_key("S3.1", "eu-west-1", "r"), "S3.1");
        assert_eq!(Scope::Region.once_key("EC2.7", "eu-west-1", "r"), "EC2.7 eu-west-1");
        assert_eq!(Scope::Resource.once_key("S3.5", "eu-west-1", "r"), "S3.5 eu-west-1 r");
    }
}
