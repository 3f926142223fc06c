//! The hook through which the simulated Security Hub learns about controls. The simulator
//! knows nothing about controls; whoever opens a [`Simulator`](crate::Simulator) hands it a
//! catalogue ([`Simulator::with_catalog`](crate::Simulator::with_catalog)), so that
//! `DescribeStandardsControls`, `ListSecurityControlDefinitions` and friends can answer
//! without a dependency from the simulator on the checks crate. Without one they fail (500).

use std::collections::BTreeMap;

use crate::settings::Era;

/// One security control as Security Hub's APIs describe it.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlInfo {
    /// Security control id (`S3.9`).
    pub id: String,
    /// Title in the era.
    pub title: String,
    /// Description.
    pub description: String,
    /// `LOW`, `MEDIUM`, `HIGH` or `CRITICAL`.
    pub severity: String,
    /// Standard id (path form) → standard-specific control id (`2.1` for CIS).
    pub standards: BTreeMap<String, String>,
    /// Customizable parameters.
    pub parameters: Vec<ParameterInfo>,
    /// Whether hubsim evaluates it.
    pub implemented: bool,
}

/// A control parameter as `ListSecurityControlDefinitions` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterInfo {
    /// Name.
    pub name: String,
    /// `Boolean`, `Integer`, `Enum`, `EnumList`.
    pub value_type: String,
    /// Allowed values for enums.
    pub allowed: Vec<String>,
    /// Inclusive range for integers.
    pub range: Option<(i64, i64)>,
    /// Default as JSON, if any.
    pub default: Option<serde_json::Value>,
}

/// What the simulated Security Hub asks about controls.
pub trait ControlCatalog: Send + Sync {
    /// Every control of `era`, in id order.
    fn controls(&self, era: Era) -> Vec<ControlInfo>;
}
