//! The credential report: GenerateCredentialReport, GetCredentialReport.
//!
//! Generation is immediate in hubsim. As in AWS, a report is a snapshot: GenerateCredentialReport
//! makes a new one only when none exists or the last one is older than four hours (answering
//! `STARTED`), and otherwise answers `COMPLETE` and keeps the old snapshot — so a report taken
//! before a change keeps showing the old state for up to four hours of scenario time.
//! GetCredentialReport answers 410 `ReportNotPresent` before the first generation and 410
//! `ReportExpired` once the snapshot is older than four hours.
//!
//! The columns and their `N/A`, `no_information` and `not_supported` values follow "Getting
//! credential reports" (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html):
//! the root user's row first, then the users by name; root's access keys and its password's last
//! use appear in its row; a key never used has `N/A` for when, where and with which service.

use hubsim_model::value::Blob;
use hubsim_model::{iam, Empty, Timestamp};
use serde::{Deserialize, Serialize};

use super::MfaKind;
use super::{access_keys, login_profiles, mfa, password_policy, root, users};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<iam::GenerateCredentialReport>().add::<iam::GetCredentialReport>();
}

const ID: &str = "report";
const FOUR_HOURS_MS: i64 = 4 * 3600 * 1000;

/// The CSV header, exactly as AWS writes it.
pub const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

/// The last generated report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StoredReport {
    generated: Timestamp,
    content: String,
}

impl Resource for StoredReport {
    const KIND: &'static str = "iam:credential-report";
    const GLOBAL: bool = true;
}

/// Dates in the report: ISO 8601 with a `+00:00` offset.
fn date(t: Timestamp) -> String {
    let iso = Timestamp(t.0 - t.0.rem_euclid(1000)).to_iso8601();
    match iso.strip_suffix('Z') {
        Some(base) => format!("{base}+00:00"),
        None => iso,
    }
}

fn flag(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// The five `access_key_N_*` columns of one slot. The slots follow the keys in creation order.
/// `last_rotated` is the key's creation date, whatever its status (AWS's "N/A" there is for a
/// slot without a key); a key never used has `N/A` for when, where and with which service.
fn key_columns(ctx: &Ctx<'_>, key: Option<&iam::AccessKeyMetadata>) -> Result<String, AwsError> {
    let Some(k) = key else { return Ok("false,N/A,N/A,N/A,N/A".to_string()) };
    let used = match k.access_key_id.as_deref() {
        Some(id) => access_keys::last_used(ctx, id)?,
        None => None,
    };
    let (when, region, service) = match used {
        Some(u) => (date(u.date), u.region, u.service),
        None => ("N/A".to_string(), "N/A".to_string(), "N/A".to_string()),
    };
    Ok(format!(
        "{},{},{when},{region},{service}",
        flag(k.status.as_deref() == Some("Active")),
        k.create_date.map_or_else(|| "N/A".to_string(), date),
    ))
}

/// No signing certificates: hubsim has no UploadSigningCertificate.
const NO_CERTS: &str = "false,N/A,false,N/A";

/// `password_last_used`: the date, `no_information` for a password never used, `N/A` without a
/// password.
fn password_last_used(has_password: bool, last_used: Option<Timestamp>) -> String {
    match (has_password, last_used) {
        (true, Some(t)) => date(t),
        (true, None) => "no_information".to_string(),
        (false, _) => "N/A".to_string(),
    }
}

const DAY_MS: i64 = 24 * 3600 * 1000;

/// Builds the report from the current state.
fn build(ctx: &Ctx<'_>) -> Result<String, AwsError> {
    let account = ctx.account();
    let root = root::load(ctx)?;
    let mut lines = vec![HEADER.to_string()];
    // Root's password is not rotated by a policy: AWS writes `not_supported` for when it last
    // changed and when it must next change.
    lines.push(format!(
        "<root_account>,{},{},{},{},not_supported,not_supported,{},{},{},{NO_CERTS}",
        root::root_arn(account),
        date(root.created),
        flag(root.login_profile),
        password_last_used(root.login_profile, root.password_last_used),
        flag(root.mfa != MfaKind::None),
        key_columns(ctx, root.access_keys.first())?,
        key_columns(ctx, root.access_keys.get(1))?,
    ));
    // Passwords must next change `MaxPasswordAge` days after they last did, when the policy
    // expires them.
    let max_age = password_policy::current(ctx)?
        .filter(|p| p.expire_passwords == Some(true))
        .and_then(|p| p.max_password_age)
        .filter(|d| *d > 0);
    for user in users::all(ctx)? {
        let has_mfa = !mfa::devices_of(ctx, &user.user.user_name)?.is_empty();
        let changed = login_profiles::password_last_changed(ctx, &user)?;
        let next_rotation = match (changed, max_age) {
            (Some(c), Some(days)) => date(Timestamp(c.0.saturating_add(i64::from(days).saturating_mul(DAY_MS)))),
            _ => "N/A".to_string(),
        };
        lines.push(format!(
            "{},{},{},{},{},{},{next_rotation},{},{},{},{NO_CERTS}",
            user.user.user_name,
            user.user.arn,
            date(user.user.create_date),
            flag(changed.is_some()),
            password_last_used(changed.is_some(), user.user.password_last_used),
            changed.map_or_else(|| "N/A".to_string(), date),
            flag(has_mfa),
            key_columns(ctx, user.access_keys.first())?,
            key_columns(ctx, user.access_keys.get(1))?,
        ));
    }
    Ok(lines.join("\n"))
}

impl Handler for iam::GenerateCredentialReport {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, _input: Empty) -> Result<iam::GenerateCredentialReportResponse, AwsError> {
        let now = ctx.now();
        if let Some(report) = ctx.get::<StoredReport>(ID)? {
            if now.0 - report.generated.0 < FOUR_HOURS_MS {
                return Ok(iam::GenerateCredentialReportResponse { state: Some("COMPLETE".into()), description: None });
            }
        }
        let content = build(ctx)?;
        ctx.put(ID, &StoredReport { generated: now, content })?;
        Ok(iam::GenerateCredentialReportResponse {
            state: Some("STARTED".into()),
            description: Some("No report exists. Starting a new report generation task".into()),
        })
    }
}

impl Handler for iam::GetCredentialReport {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, _input: Empty) -> Result<iam::GetCredentialReportResponse, AwsError> {
        let report = ctx.get::<StoredReport>(ID)?.ok_or_else(|| {
            AwsError::new(
                "ReportNotPresent",
                410,
                "Unknown report. Call GenerateCredentialReport to generate a new credential report.",
            )
        })?;
        if ctx.now().0 - report.generated.0 >= FOUR_HOURS_MS {
            return Err(AwsError::new(
                "ReportExpired",
                410,
                "The credential report is older than four hours. Call GenerateCredentialReport to generate a new one.",
            ));
        }
        Ok(iam::GetCredentialReportResponse {
            content: Some(Blob(report.content.into_bytes())),
            report_format: Some("text/csv".into()),
            generated_time: Some(report.generated),
        })
    }
}
