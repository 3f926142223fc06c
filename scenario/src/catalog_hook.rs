//! The catalogue as the simulated Security Hub sees it (given by the binary to each simulator it
//! opens, through [`hubsim_simulator::Simulator::with_catalog`]).

use hubsim_checks::catalogue::catalogue;
use hubsim_checks::control::ParamKind;
use hubsim_checks::controls;
use hubsim_simulator::catalog::{ControlCatalog, ControlInfo, ParameterInfo};
use hubsim_simulator::Era;

/// The checks crate's catalogue behind the simulator's hook.
pub struct Catalog;

impl ControlCatalog for Catalog {
    fn controls(&self, era: Era) -> Vec<ControlInfo> {
        catalogue()
            .controls
            .iter()
            .filter_map(|c| {
                let entry = c.in_era(era)?;
                let implemented = controls::find(&c.id);
                let parameters = implemented
                    .map(|ctl| {
                        ctl.parameters
                            .iter()
                            .filter(|p| !p.name.starts_with("hubsim:"))
                            .map(|p| {
                                let (value_type, allowed, range) = match p.kind {
                                    ParamKind::Bool => ("Boolean", Vec::new(), None),
                                    ParamKind::Int { min, max } => ("Integer", Vec::new(), Some((min, max))),
                                    ParamKind::Enum(v) => ("Enum", v.iter().map(|s| s.to_string()).collect(), None),
                                    ParamKind::EnumList(v) => {
                                        ("EnumList", v.iter().map(|s| s.to_string()).collect(), None)
                                    }
                                };
                                ParameterInfo {
                                    name: p.name.to_string(),
                                    value_type: value_type.to_string(),
                                    allowed,
                                    range,
                                    default: p.default.and_then(|d| serde_json::from_str(d).ok()),
                                }
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Some(ControlInfo {
                    id: c.id.clone(),
                    title: entry.title.clone(),
                    description: c.description.clone(),
                    severity: entry.severity.label().to_string(),
                    standards: entry.standards.clone(),
                    parameters,
                    implemented: implemented.is_some(),
                })
            })
            .collect()
    }
}
