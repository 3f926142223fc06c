//! What joins the simulator and the checks: evaluating and remediating a stored state with the
//! settings of the scenario stored with it ([`runner`]), what a scenario may say about controls
//! ([`scenario_check`]), checking its expectations ([`expect`]), and the checks' catalogue
//! behind the simulated Security Hub ([`catalog_hook`]).
//!
//! This crate sits above `hubsim-simulator` and `hubsim-checks`; neither may depend on it.

pub mod catalog_hook;
pub mod expect;
pub mod runner;
pub mod scenario_check;
