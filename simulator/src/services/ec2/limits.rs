//! EC2's count limits, in one place.

/// Inbound rules per security group, and outbound rules per security group, each counted
/// apart for IPv4 and IPv6: 60 ("Amazon VPC quotas", Security groups,
/// https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups).
/// A rule naming a security group or a prefix list counts once for IPv4 and once for IPv6
/// (same page; hubsim counts a prefix list as one entry, as it simulates none). More is
/// `RulesPerSecurityGroupLimitExceeded`
/// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
pub(super) const RULES_PER_GROUP: usize = 60;

/// Tags per resource: 50 ("Tag restrictions",
/// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions);
/// more is `TagLimitExceeded`.
pub(super) const TAGS_PER_RESOURCE: usize = 50;

/// Rules per network ACL, each direction: 20, "the default deny rules" included (rule 32767
/// here; hubsim keeps no IPv6 default rule) ("Amazon VPC quotas", Network ACLs,
/// https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-nacls).
/// More is `NetworkAclEntryLimitExceeded`
/// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
pub(super) const ENTRIES_PER_NETWORK_ACL: usize = 20;
