//! Readings: the places where AWS's documentation leaves Security Hub's behaviour open, and
//! the choice hubsim makes in each, which a scenario can change (its `readings` block).
//!
//! Each reading moves the security score a user compares with their console, so each is a
//! switch rather than a constant:
//! - **No resources in scope.** Today a control backed by an AWS Config rule that finds nothing
//!   to judge reports one account-level PASSED finding
//!   (https://docs.aws.amazon.com/securityhub/latest/userguide/controls-overall-status.html);
//!   the 2023 documentation only says that a control without findings has No data, so era
//!   2022 reads "no finding" there. `no_resources` overrides the era's reading.
//! - **The summary score.** The user guide calls it both "the average of the standard security
//!   scores" and "the proportion of passed controls to enabled controls with data across all
//!   of the enabled standards"
//!   (https://docs.aws.amazon.com/securityhub/latest/userguide/standards-security-score.html).
//!   hubsim pools by default; `summary_score: "average"` averages.
//! - **Consolidated control findings.** With consolidation on (the default for accounts since
//!   2023), a control in two standards is one security control with one status; with it off,
//!   each standard has its own control and its own findings
//!   (https://docs.aws.amazon.com/securityhub/latest/userguide/controls-findings-create-update.html#consolidated-control-findings).
//!   The pooled summary then counts a control once per standard it is enabled in. hubsim's
//!   findings keep the consolidated shape either way; only the count changes.

use hubsim_api::Era;
use serde::{Deserialize, Serialize};

/// What a control with nothing in scope reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoResources {
    /// No finding: the control has No data and leaves the score.
    NoData,
    /// One account-level PASSED finding (controls backed by an AWS Config rule).
    Passed,
}

/// How the summary score combines the standards.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SummaryScore {
    /// Passed controls over controls with data, across the enabled standards.
    #[default]
    Pooled,
    /// The mean of the standards' scores.
    Average,
}

/// The readings of one scenario (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Readings {
    /// What a control with nothing in scope reports; absent: the era's reading (era 2022 no
    /// data, era current an account-level PASSED).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_resources: Option<NoResources>,
    /// How the summary score combines the standards.
    #[serde(default, skip_serializing_if = "is_default")]
    pub summary_score: SummaryScore,
    /// Whether control findings are consolidated (one status per security control); off, the
    /// pooled summary counts a control once per standard.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub consolidated_findings: bool,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_default(s: &SummaryScore) -> bool {
    *s == SummaryScore::default()
}

impl Default for Readings {
    fn default() -> Self {
        Readings { no_resources: None, summary_score: SummaryScore::Pooled, consolidated_findings: true }
    }
}

impl Readings {
    /// What a control with nothing in scope reports in `era` under these readings.
    pub fn no_resources_in(&self, era: Era) -> NoResources {
        self.no_resources.unwrap_or(match era {
            Era::Y2022 => NoResources::NoData,
            Era::Current => NoResources::Passed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_readings_are_the_defaults_and_unknown_ones_are_refused() {
        let r: Readings = serde_json::from_str("{}").unwrap();
        assert_eq!(r, Readings::default());
        assert_eq!(r.no_resources_in(Era::Y2022), NoResources::NoData);
        assert_eq!(r.no_resources_in(Era::Current), NoResources::Passed);
        let r: Readings = serde_json::from_str(
            r#"{"no_resources": "passed", "summary_score": "average", "consolidated_findings": false}"#,
        )
        .unwrap();
        assert_eq!(r.no_resources_in(Era::Y2022), NoResources::Passed);
        assert_eq!((r.summary_score, r.consolidated_findings), (SummaryScore::Average, false));
        assert!(serde_json::from_str::<Readings>(r#"{"summary": "average"}"#).is_err());
        assert!(serde_json::from_str::<Readings>(r#"{"no_resources": "maybe"}"#).is_err());
        assert_eq!(serde_json::to_string(&Readings::default()).unwrap(), "{}");
    }
}
