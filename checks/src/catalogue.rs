//! The control catalogue: which controls each standard holds in each era, with their titles,
//! severities and standard-specific ids. Committed data (`data/catalogue.json`), compiled from
//! AWS's documentation; see `data/CATALOGUE-SOURCES.md`.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use hubsim_api::Era;
use serde::Deserialize;

/// The whole catalogue.
#[derive(Debug, Deserialize)]
pub struct Catalogue {
    /// How complete each era's list is.
    pub coverage: BTreeMap<String, String>,
    /// The standards.
    pub standards: Vec<Standard>,
    /// Every control of every standard, in id order.
    pub controls: Vec<ControlDef>,
    /// Position in `controls` by id.
    #[serde(skip)]
    by_id: HashMap<String, usize>,
}

/// A standard.
#[derive(Debug, Deserialize)]
pub struct Standard {
    /// Path form: `aws-foundational-security-best-practices/v/1.0.0`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// ARN template (`{region}` placeholder).
    pub arn: String,
    /// `StandardsId` in findings.
    pub standards_id: String,
    /// Prefix of `Compliance.RelatedRequirements` entries (`CIS AWS Foundations Benchmark v1.2.0`).
    pub requirement_prefix: Option<String>,
}

/// A security control.
#[derive(Debug, Deserialize)]
pub struct ControlDef {
    /// Security control id.
    pub id: String,
    /// AWS Config resource type.
    pub resource_type: String,
    /// What it checks.
    pub description: String,
    /// Its entry per era (`2022`, `current`); absent where no standard held it.
    pub eras: BTreeMap<String, EraEntry>,
}

/// A control as it was in one era.
#[derive(Debug, Deserialize)]
pub struct EraEntry {
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// Standard id → the standard-specific control id (`2.1` for CIS).
    pub standards: BTreeMap<String, String>,
}

/// Control severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    /// Informational (PASSED findings).
    Informational,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// ASFF label.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Informational => "INFORMATIONAL",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// ASFF `Normalized` value for the label.
    pub fn normalized(self) -> i32 {
        match self {
            Severity::Informational => 0,
            Severity::Low => 1,
            Severity::Medium => 40,
            Severity::High => 70,
            Severity::Critical => 90,
        }
    }

    /// Parses a label (`low`, `HIGH`, ...).
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s.to_ascii_uppercase().as_str() {
            "INFORMATIONAL" => Severity::Informational,
            "LOW" => Severity::Low,
            "MEDIUM" => Severity::Medium,
            "HIGH" => Severity::High,
            "CRITICAL" => Severity::Critical,
            _ => return None,
        })
    }
}

/// The catalogue, parsed once.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        // Committed data checked by tests; a parse failure is a build defect, not user input.
        let mut catalogue: Catalogue = serde_json::from_str(include_str!("../data/catalogue.json"))
            .unwrap_or_else(|e| panic!("checks/data/catalogue.json does not parse: {e}"));
        catalogue.by_id = catalogue.controls.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
        catalogue
    })
}

impl Catalogue {
    /// The id of the standard `name` names: its id, `fsbp` or `cis` (the short names Security
    /// Hub's console and most people use), or a prefix of exactly one standard's id.
    pub fn standard_id(&self, name: &str) -> Option<&str> {
        let prefix = match name.to_ascii_lowercase().as_str() {
            "fsbp" => "aws-foundational-security-best-practices/",
            "cis" => "cis-aws-foundations-benchmark/",
            _ => name,
        };
        let mut found = self.standards.iter().map(|s| s.id.as_str()).filter(|id| id.starts_with(prefix));
        match (found.next(), found.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    }

    /// The control `id`.
    pub fn control(&self, id: &str) -> Option<&ControlDef> {
        self.by_id.get(id).and_then(|&i| self.controls.get(i))
    }

    /// The standard `id` (path form).
    pub fn standard(&self, id: &str) -> Option<&Standard> {
        self.standards.iter().find(|s| s.id == id)
    }

    /// Controls of `era` that belong to at least one of `standards`, in id order.
    pub fn enabled<'a>(
        &'a self,
        era: Era,
        standards: &'a [String],
    ) -> impl Iterator<Item = (&'a ControlDef, &'a EraEntry)> {
        self.controls.iter().filter_map(move |c| {
            let entry = c.eras.get(era.as_str())?;
            entry.standards.keys().any(|s| standards.contains(s)).then_some((c, entry))
        })
    }
}

impl ControlDef {
    /// The entry for `era`.
    pub fn in_era(&self, era: Era) -> Option<&EraEntry> {
        self.eras.get(era.as_str())
    }
}
