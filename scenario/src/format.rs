//! The scenario file format, version 1: the types a file parses into.
//! Unknown fields are errors everywhere, so a typo never silently means "default".

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use hubsim_api::Era;
use hubsim_checks::readings::Readings;
use hubsim_simulator::baseline::BaselineSpec;
use hubsim_simulator::settings::DEFAULT_REGIONS;

/// The account id used when a scenario does not name one.
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; only `1` exists.
    pub format: u32,
    /// Short name, used in reports.
    pub name: String,
    /// What the scenario represents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `2022` or `current`.
    #[serde(default)]
    pub era: Era,
    /// The account and its regions.
    #[serde(default)]
    pub account: AccountSpec,
    /// The starting state.
    #[serde(default)]
    pub baseline: BaselineSpec,
    /// Scenario clock at the start (ISO-8601); defaults to the era's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<hubsim_model::Timestamp>,
    /// Security Hub control parameters by control id.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub parameters: Map<String, Value>,
    /// How to read what AWS's documentation leaves open (no resources in scope, the summary
    /// score, consolidated findings); absent: hubsim's defaults for the era.
    #[serde(default, skip_serializing_if = "is_default_readings")]
    pub readings: Readings,
    /// API calls applied in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// The user's own suppressions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
    /// What the remediator does with findings no API can fix.
    #[serde(default, skip_serializing_if = "RemediationSpec::is_default")]
    pub remediation: RemediationSpec,
    /// What Security Hub must say, before and after remediation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
}

/// The `account` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    /// 12-digit account id.
    #[serde(default = "default_account_id")]
    pub id: String,
    /// Enabled regions that get the baseline.
    #[serde(default = "default_regions")]
    pub regions: Vec<String>,
    /// Region of steps without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_region: Option<String>,
    /// AWS Organizations membership; `null` for a standalone account. Defaults to a member
    /// account of an organization (what a fresh account made by `CreateAccount` is). Written
    /// out even when `null`: left out, it would read back as that default.
    #[serde(default = "default_organization")]
    pub organization: Option<OrganizationSpec>,
}

impl AccountSpec {
    /// The home region: as given, else `us-east-1` when enabled, else the first region.
    pub fn home(&self) -> String {
        if let Some(h) = &self.home_region {
            return h.clone();
        }
        if self.regions.iter().any(|r| r == "us-east-1") || self.regions.is_empty() {
            "us-east-1".to_string()
        } else {
            self.regions[0].clone()
        }
    }
}

impl Default for AccountSpec {
    fn default() -> Self {
        AccountSpec {
            id: default_account_id(),
            regions: default_regions(),
            home_region: None,
            organization: default_organization(),
        }
    }
}

/// The organization the account belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationSpec {
    /// `o-` and 10 lowercase letters or digits.
    pub id: String,
    /// The management account's id.
    pub management_account_id: String,
    /// The management account's email.
    #[serde(default = "default_management_email")]
    pub management_account_email: String,
}

fn default_account_id() -> String {
    DEFAULT_ACCOUNT_ID.to_string()
}

fn default_regions() -> Vec<String> {
    DEFAULT_REGIONS.iter().map(|r| r.to_string()).collect()
}

fn default_management_email() -> String {
    "management@example.com".to_string()
}

fn default_organization() -> Option<OrganizationSpec> {
    Some(OrganizationSpec {
        id: "o-hubsim0org".to_string(),
        management_account_id: "111111111111".to_string(),
        management_account_email: default_management_email(),
    })
}

/// One API call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// `service:Operation` (`s3:CreateBucket`, `hubsim:SetRootMfa`).
    pub call: String,
    /// Region; defaults to the account's home region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The input with botocore member names; may hold `${name.Path}` references.
    #[serde(default = "empty_object")]
    pub input: Value,
    /// Capture the output under this name for later references.
    #[serde(default, rename = "as", skip_serializing_if = "Option::is_none")]
    pub capture: Option<String>,
    /// The step must fail with this AWS error code (the state stays as it was, the load goes on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_error: Option<String>,
    /// Free text for readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn empty_object() -> Value {
    Value::Object(Map::new())
}

/// A user's suppression of one finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    /// Security control id (`EC2.10`).
    pub control: String,
    /// Region of the finding; defaults to the home region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The resource (ARN or id, as in the finding's `Resources[].Id`); may be a reference.
    pub resource: String,
    /// The justification, written into the finding's note (1–512 characters).
    pub reason: String,
}

/// What to do with a finding that no API can fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum UnfixableAction {
    /// Suppress it with the documented justification.
    #[default]
    Suppress,
    /// Leave it FAILED and list it as manual work.
    Leave,
}

/// The `remediation` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RemediationSpec {
    /// `{"default": "suppress", "IAM.6": "leave"}`: per control, with a default.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub unfixable: Map<String, Value>,
}

impl RemediationSpec {
    fn is_default(&self) -> bool {
        self.unfixable.is_empty()
    }

    /// The action for `control` (its own entry, else `default`, else suppress).
    pub fn unfixable_for(&self, control: &str) -> UnfixableAction {
        let pick = |v: &Value| serde_json::from_value::<UnfixableAction>(v.clone()).ok();
        self.unfixable
            .get(control)
            .and_then(pick)
            .or_else(|| self.unfixable.get("default").and_then(pick))
            .unwrap_or_default()
    }
}

/// The `expect` block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// After loading, before remediation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<ExpectBlock>,
    /// After remediation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_remediation: Option<ExpectBlock>,
    /// AWS Config rules' verdicts per resource after loading, checked by `hubsim rules test`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<ExpectRule>,
}

/// One expected verdict of an AWS Config rule on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectRule {
    /// The rule's name: a Guard file's stem (`bucket_protected` for `bucket_protected.guard`).
    pub rule: String,
    /// The resource's id as AWS Config names it (a bucket's name, a group's `sg-` id).
    pub resource: String,
    /// Region; defaults to the home region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE.
    pub compliance: String,
}

/// The verdicts a rule may reach on a resource.
pub const RULE_COMPLIANCE: &[&str] = &["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"];

/// Expected results at one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ExpectBlock {
    /// The summary security score, integer percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u32>,
    /// Each standard's score, integer percent, by standard (`fsbp`, `cis`, or the standard's
    /// id such as `aws-foundational-security-best-practices/v/1.0.0`).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub standard_scores: Map<String, Value>,
    /// Control status by control id: PASSED, FAILED, NO_DATA, UNKNOWN or DISABLED.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub controls: Map<String, Value>,
    /// Individual findings, matched by (control, region, resource).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<ExpectFinding>,
}

/// One expected finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectFinding {
    /// Security control id.
    pub control: String,
    /// Region; defaults to the home region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Resource id or ARN; may be a reference.
    pub resource: String,
    /// Compliance status: PASSED, FAILED, WARNING or NOT_AVAILABLE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Workflow status: NEW, NOTIFIED, SUPPRESSED or RESOLVED.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<String>,
}

/// Control statuses a scenario may expect.
pub const CONTROL_STATUSES: &[&str] = &["PASSED", "FAILED", "NO_DATA", "UNKNOWN", "DISABLED"];
/// Compliance statuses of findings.
pub const COMPLIANCE_STATUSES: &[&str] = &["PASSED", "FAILED", "WARNING", "NOT_AVAILABLE"];
/// Workflow statuses of findings.
pub const WORKFLOW_STATUSES: &[&str] = &["NEW", "NOTIFIED", "SUPPRESSED", "RESOLVED"];
/// Standards a scenario may enable.
pub const KNOWN_STANDARDS: &[&str] =
    &["aws-foundational-security-best-practices/v/1.0.0", "cis-aws-foundations-benchmark/v/1.2.0"];

fn is_default_readings(r: &Readings) -> bool {
    *r == Readings::default()
}
