//! The IAM credentials the credential controls judge (IAM.3, IAM.4, IAM.5, IAM.8, IAM.9): the
//! credential report, parsed, and whether the root user has access keys. The report is what
//! AWS Config's credential rules read; it is refreshed at most every four hours
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html), so a
//! change shows within four hours of scenario time, as in AWS. Ages are measured at the
//! report's generation time [I: the rule evaluates the report it reads].

use hubsim_api::model::{iam, Timestamp};
use hubsim_api::AwsApi;

use super::{fail, FetchError};

/// One access key slot of a report row that holds a key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessKeyView {
    /// 1 or 2 (`access_key_1_*`, `access_key_2_*`).
    pub slot: u8,
    /// Whether the key is active.
    pub active: bool,
    /// When it was created (`last_rotated`).
    pub created: Option<Timestamp>,
    /// When it last signed a request, if ever.
    pub last_used: Option<Timestamp>,
}

/// One row of the credential report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialRow {
    /// `user` (`<root_account>` for root).
    pub user: String,
    /// `arn`.
    pub arn: String,
    /// `user_creation_time`.
    pub created: Option<Timestamp>,
    /// `password_enabled`.
    pub password_enabled: bool,
    /// `password_last_used`, when it is a date.
    pub password_last_used: Option<Timestamp>,
    /// `password_last_changed`, when it is a date.
    pub password_last_changed: Option<Timestamp>,
    /// `mfa_active`.
    pub mfa_active: bool,
    /// The access keys (slots whose `last_rotated` is a date).
    pub keys: Vec<AccessKeyView>,
}

/// What the credential controls read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialsView {
    /// When the report was generated: the "now" of every age.
    pub generated: Option<Timestamp>,
    /// The root user's row.
    pub root: Option<CredentialRow>,
    /// The IAM users' rows, in the report's order.
    pub users: Vec<CredentialRow>,
    /// Whether root has an access key, active or not (GetAccountSummary
    /// `AccountAccessKeysPresent`, what `iam-root-access-key-check` reads).
    pub root_access_keys: bool,
}

/// Reads the report (generating one when none is ready, as Prowler and other scanners do) and
/// the account summary.
pub(super) fn fetch<A: AwsApi>(api: &A, home: &str) -> Result<CredentialsView, FetchError> {
    let mut report = api.call::<iam::GetCredentialReport>(home, Default::default());
    if matches!(&report, Err(e) if e.code == "ReportNotPresent" || e.code == "ReportExpired") {
        api.call::<iam::GenerateCredentialReport>(home, Default::default()).map_err(fail("credential report", home))?;
        report = api.call::<iam::GetCredentialReport>(home, Default::default());
    }
    let report = report.map_err(fail("credential report", home))?;
    let content = report.content.map(|b| String::from_utf8_lossy(&b.0).into_owned()).unwrap_or_default();
    let (root, users) = parse(&content);
    let summary =
        api.call::<iam::GetAccountSummary>(home, Default::default()).map_err(fail("account summary", home))?;
    let root_access_keys =
        summary.summary_map.as_ref().and_then(|m| m.get("AccountAccessKeysPresent")).copied().unwrap_or(0) > 0;
    Ok(CredentialsView { generated: report.generated_time, root, users, root_access_keys })
}

/// A report date; `N/A`, `no_information`, `not_supported` and anything else are `None`.
fn when(cell: Option<&str>) -> Option<Timestamp> {
    cell.and_then(Timestamp::parse_iso8601)
}

/// Splits the CSV into root's row and the users' rows, by the header's column names.
pub(crate) fn parse(content: &str) -> (Option<CredentialRow>, Vec<CredentialRow>) {
    let mut lines = content.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let mut root = None;
    let mut users = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let cell = |name: &str| col(name).and_then(|c| cells.get(c).copied());
        let is_true = |name: &str| cell(name) == Some("true");
        let mut keys = Vec::new();
        for slot in [1u8, 2] {
            let created = when(cell(&format!("access_key_{slot}_last_rotated")));
            if created.is_some() {
                keys.push(AccessKeyView {
                    slot,
                    active: is_true(&format!("access_key_{slot}_active")),
                    created,
                    last_used: when(cell(&format!("access_key_{slot}_last_used_date"))),
                });
            }
        }
        let row = CredentialRow {
            user: cell("user").unwrap_or_default().to_string(),
            arn: cell("arn").unwrap_or_default().to_string(),
            created: when(cell("user_creation_time")),
            password_enabled: is_true("password_enabled"),
            password_last_used: when(cell("password_last_used")),
            password_last_changed: when(cell("password_last_changed")),
            mfa_active: is_true("mfa_active"),
            keys,
        };
        if row.user == "<root_account>" {
            root = Some(row);
        } else {
            users.push(row);
        }
    }
    (root, users)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rows_by_column_name() {
        let csv = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n\
<root_account>,arn:aws:iam::1:root,2026-01-01T00:00:00+00:00,true,no_information,not_supported,not_supported,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
alice,arn:aws:iam::1:user/alice,2026-01-01T00:00:01+00:00,true,2026-01-02T00:00:00+00:00,2026-01-01T00:00:02+00:00,N/A,true,false,2026-01-01T00:00:03+00:00,N/A,N/A,N/A,true,2026-01-01T00:00:04+00:00,2026-01-03T00:00:00+00:00,us-east-1,s3,false,N/A,false,N/A";
        let (root, users) = parse(csv);
        let root = root.unwrap();
        assert!(root.password_enabled && root.password_last_used.is_none() && root.keys.is_empty());
        let alice = &users[0];
        assert_eq!(alice.user, "alice");
        assert!(alice.mfa_active);
        assert_eq!(alice.password_last_used, Timestamp::parse_iso8601("2026-01-02T00:00:00Z"));
        assert_eq!(alice.keys.len(), 2);
        assert!(!alice.keys[0].active && alice.keys[0].last_used.is_none());
        assert!(alice.keys[1].active);
        assert_eq!(alice.keys[1].last_used, Timestamp::parse_iso8601("2026-01-03T00:00:00Z"));
    }
}
