//! Security Hub controls, evaluator and remediator (see ARCHITECTURE.md).
