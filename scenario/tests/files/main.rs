//! The scenario layer's integration tests, one binary: scenario files parse, validate, load
//! and export through the simulator's public API.

mod scenario_files;
mod scenario_mission;
