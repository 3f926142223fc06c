//! What a control is: its id, the resource type it judges, when it runs, its parameters, and
//! its evaluation. Titles, severities and standards live in the committed catalogue
//! (`data/catalogue.json`), not here: one logic, many standards' ids.

use serde_json::{Map, Value};

use crate::snapshot::{Global, Region};
use hubsim_api::Era;

/// A finding's compliance status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Compliance {
    /// The resource complies.
    Passed,
    /// It does not.
    Failed,
    /// Security Hub cannot decide (e.g. AWS Config does not record the resource type).
    Warning,
    /// The check does not apply (resource gone, evaluation not applicable).
    NotAvailable,
}

impl Compliance {
    /// ASFF spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Compliance::Passed => "PASSED",
            Compliance::Failed => "FAILED",
            Compliance::Warning => "WARNING",
            Compliance::NotAvailable => "NOT_AVAILABLE",
        }
    }

    /// Parses the ASFF spelling.
    pub fn parse(s: &str) -> Option<Compliance> {
        Some(match s {
            "PASSED" => Compliance::Passed,
            "FAILED" => Compliance::Failed,
            "WARNING" => Compliance::Warning,
            "NOT_AVAILABLE" => Compliance::NotAvailable,
            _ => return None,
        })
    }
}

/// The resource a verdict is about, as ASFF `Resources[0]` names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceRef {
    /// ARN, or `AWS::::Account:<id>` for account-level controls.
    pub id: String,
    /// ASFF resource type (`AwsS3Bucket`, `AwsAccount`, ...).
    pub kind: &'static str,
}

impl ResourceRef {
    /// The account itself.
    pub fn account(account: &str) -> ResourceRef {
        ResourceRef { id: format!("AWS::::Account:{account}"), kind: "AwsAccount" }
    }
}

/// One control's judgement of one resource, with a human reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The resource.
    pub resource: ResourceRef,
    /// The result.
    pub status: Compliance,
    /// Why, naming the exact cause ("network ACL acl-… inbound entry 100 allows ...").
    pub reason: String,
}

impl Verdict {
    /// A PASSED verdict.
    pub fn pass(resource: ResourceRef, reason: impl Into<String>) -> Verdict {
        Verdict { resource, status: Compliance::Passed, reason: reason.into() }
    }

    /// A FAILED verdict.
    pub fn fail(resource: ResourceRef, reason: impl Into<String>) -> Verdict {
        Verdict { resource, status: Compliance::Failed, reason: reason.into() }
    }

    /// PASSED or FAILED by `ok`, with the matching reason.
    pub fn check(resource: ResourceRef, ok: bool, pass: impl Into<String>, fail: impl Into<String>) -> Verdict {
        if ok {
            Verdict::pass(resource, pass)
        } else {
            Verdict::fail(resource, fail)
        }
    }
}

/// When Security Hub runs the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Every 12 or 24 hours, whatever AWS Config records.
    Periodic,
    /// When AWS Config records a change of the resource; needs the type recorded.
    ChangeTriggered,
}

/// A control parameter's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// `true` / `false`.
    Bool,
    /// An integer in a range.
    Int {
        /// Smallest allowed.
        min: i64,
        /// Largest allowed.
        max: i64,
    },
    /// One of the listed strings.
    Enum(&'static [&'static str]),
    /// A list of the listed strings.
    EnumList(&'static [&'static str]),
}

/// A control parameter (Security Hub's customizable ones, and hubsim's documented switches,
/// whose names start with `hubsim:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parameter {
    /// Parameter name, as `UpdateSecurityControl` takes it.
    pub name: &'static str,
    /// Its type.
    pub kind: ParamKind,
    /// Security Hub's default, as JSON text; `None` means "not set".
    pub default: Option<&'static str>,
    /// What it does.
    pub doc: &'static str,
}

/// The values in force for one control: defaults overridden by the scenario's parameters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params(pub Map<String, Value>);

impl Params {
    /// Builds the values for `params` from their defaults and `overrides`.
    pub fn resolve(params: &[Parameter], overrides: Option<&Map<String, Value>>) -> Params {
        let mut out = Map::new();
        for p in params {
            if let Some(d) = p.default.and_then(|d| serde_json::from_str::<Value>(d).ok()) {
                out.insert(p.name.to_string(), d);
            }
        }
        if let Some(o) = overrides {
            for (k, v) in o {
                out.insert(k.clone(), v.clone());
            }
        }
        Params(out)
    }

    /// A boolean value (default when unset).
    pub fn bool(&self, name: &str, default: bool) -> bool {
        self.0.get(name).and_then(Value::as_bool).unwrap_or(default)
    }

    /// An integer value, if set.
    pub fn int(&self, name: &str) -> Option<i64> {
        self.0.get(name).and_then(Value::as_i64)
    }

    /// A string value, if set.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    /// A list of strings, if set.
    pub fn list(&self, name: &str) -> Option<Vec<String>> {
        self.0
            .get(name)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
    }
}

/// Checks a parameter value against its definition; the reason when it does not fit.
pub fn check_param(p: &Parameter, v: &Value) -> Result<(), String> {
    match p.kind {
        ParamKind::Bool if v.is_boolean() => Ok(()),
        ParamKind::Bool => Err(format!("{} must be true or false", p.name)),
        ParamKind::Int { min, max } => match v.as_i64() {
            Some(n) if (min..=max).contains(&n) => Ok(()),
            _ => Err(format!("{} must be an integer from {min} to {max}", p.name)),
        },
        ParamKind::Enum(values) => match v.as_str() {
            Some(s) if values.contains(&s) => Ok(()),
            _ => Err(format!("{} must be one of {}", p.name, values.join(", "))),
        },
        ParamKind::EnumList(values) => match v.as_array() {
            Some(items) if items.iter().all(|i| i.as_str().is_some_and(|s| values.contains(&s))) => Ok(()),
            _ => Err(format!("{} must be a list of {}", p.name, values.join(", "))),
        },
    }
}

/// What a control's evaluation sees.
pub struct Input<'a> {
    /// The region being evaluated.
    pub region: &'a Region,
    /// Account-wide facts.
    pub global: &'a Global,
    /// The era.
    pub era: Era,
    /// Parameter values in force.
    pub params: &'a Params,
}

impl Input<'_> {
    /// The account resource of this evaluation.
    pub fn account(&self) -> ResourceRef {
        ResourceRef::account(&self.global.account)
    }
}

/// A control hubsim implements.
#[derive(Debug, Clone, Copy)]
pub struct Control {
    /// Security control id (`EC2.2`).
    pub id: &'static str,
    /// AWS Config resource type judged (`AWS::EC2::SecurityGroup`, `AWS::::Account`).
    pub resource_type: &'static str,
    /// When it runs.
    pub schedule: Schedule,
    /// The AWS Config managed rule behind it; `None` for Security Hub's own checks.
    pub config_rule: Option<&'static str>,
    /// Parameters and switches.
    pub parameters: &'static [Parameter],
    /// How hubsim reads the facts AWS does not document: [I] inferred from documented facts,
    /// [U] unverified, [O] observed on real accounts but not documented.
    pub choices: &'static str,
    /// The evaluation: one verdict per resource in scope (none when there is none).
    pub evaluate: fn(&Input<'_>) -> Vec<Verdict>,
}
