//! IAM's size and count quotas, in one place: "IAM and AWS STS quotas"
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). "IAM doesn't
//! count white space when calculating the size of a policy against these quotas" (same page);
//! a policy over its quota is `LimitExceeded` (409), in IAM's own words ("Cannot exceed quota
//! for ...", "Maximum policy size of ... bytes exceeded ...").

/// Role trust policy length: 2,048 characters (`ACLSizePerRole`, adjustable to 8,192; hubsim
/// keeps the default, as `GetAccountSummary` reports it).
pub(super) const TRUST_POLICY_CHARS: usize = 2_048;

/// Role inline policy size: all of a role's inline policies together, 10,240 characters.
pub(super) const ROLE_POLICY_CHARS: usize = 10_240;

/// Managed policies attached to a role: 10 (`PoliciesPerRole`).
pub(super) const ATTACHED_PER_ROLE: usize = 10;

/// Access keys per user: 2 (`AccessKeysPerUser`); inactive keys count.
pub(super) const KEYS_PER_USER: usize = 2;

/// A policy's size as IAM counts it against these quotas: its characters, white space left
/// out.
pub(super) fn policy_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}
