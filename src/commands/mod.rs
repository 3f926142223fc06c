//! One module per top-level command, plus what they share (evaluation, output formats,
//! expectation diffs).

pub mod controls_cmd;
pub mod coverage_cmd;
pub mod evaluate_cmd;
pub mod evaluate_endpoint;
pub mod explain;
pub mod remediate_cmd;
pub mod render;
pub mod report_html;
pub mod report_ocsf;
pub mod rules;
pub mod run;
pub mod run_report;
pub mod scenario;
pub mod serve;
