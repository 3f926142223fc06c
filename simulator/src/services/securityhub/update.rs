//! BatchUpdateFindings: the customer's changes to findings (workflow status, note, severity,
//! verification state, confidence, criticality, types, user-defined fields, related
//! findings). It never changes `UpdatedAt`
//! (AWS: https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchUpdateFindings.html).
//!
//! `UserDefinedFields` are merged into the finding's (a key given again replaces its value).

use hubsim_model::securityhub;

use super::findings::{
    finding_key, label_of, normalized_of, Finding, SEVERITY_LABELS, VERIFICATION_STATES, WORKFLOW_STATUSES,
};
use super::{invalid_input, require_hub};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<securityhub::BatchUpdateFindings>();
}

fn check_len(field: &str, value: &str, max: usize) -> Result<(), AwsError> {
    if value.trim().is_empty() || value.chars().count() > max {
        return Err(invalid_input(format!("{field} must be between 1 and {max} characters long.")));
    }
    Ok(())
}

fn check_ratio(field: &str, value: Option<i32>) -> Result<(), AwsError> {
    match value {
        Some(v) if !(0..=100).contains(&v) => Err(invalid_input(format!("{field} must be between 0 and 100."))),
        _ => Ok(()),
    }
}

/// What AWS checks of the request beyond the model.
fn check(input: &securityhub::BatchUpdateFindingsRequest) -> Result<(), AwsError> {
    let n = input.finding_identifiers.len();
    if !(1..=100).contains(&n) {
        return Err(invalid_input(format!("FindingIdentifiers must contain between 1 and 100 items, got {n}.")));
    }
    for id in &input.finding_identifiers {
        if id.id.trim().is_empty() || id.product_arn.trim().is_empty() {
            return Err(invalid_input("Each FindingIdentifier needs an Id and a ProductArn."));
        }
    }
    let has_update = input.note.is_some()
        || input.severity.is_some()
        || input.verification_state.is_some()
        || input.confidence.is_some()
        || input.criticality.is_some()
        || input.types.is_some()
        || input.user_defined_fields.is_some()
        || input.workflow.is_some()
        || input.related_findings.is_some();
    if !has_update {
        return Err(invalid_input(
            "At least one of Note, Severity, VerificationState, Confidence, Criticality, Types, UserDefinedFields, Workflow or RelatedFindings must be provided.",
        ));
    }
    if let Some(note) = &input.note {
        check_len("Note.Text", &note.text, 512)?;
        check_len("Note.UpdatedBy", &note.updated_by, 512)?;
    }
    if let Some(s) = &input.severity {
        match (&s.label, s.normalized) {
            (Some(label), _) if !SEVERITY_LABELS.contains(&label.as_str()) => {
                return Err(invalid_input(format!("Invalid Severity.Label: {label}")));
            }
            (None, None) => return Err(invalid_input("Severity needs a Label or a Normalized score.")),
            _ => check_ratio("Severity.Normalized", s.normalized)?,
        }
    }
    if let Some(v) = &input.verification_state {
        if !VERIFICATION_STATES.contains(&v.as_str()) {
            return Err(invalid_input(format!("Invalid VerificationState: {v}")));
        }
    }
    check_ratio("Confidence", input.confidence)?;
    check_ratio("Criticality", input.criticality)?;
    if let Some(types) = &input.types {
        if types.len() > 50 {
            return Err(invalid_input("Types must contain at most 50 items."));
        }
        for t in types {
            check_len("Types", t, 128)?;
        }
    }
    if let Some(fields) = &input.user_defined_fields {
        if fields.len() > 50 || fields.keys().any(|k| k.trim().is_empty()) {
            return Err(invalid_input("UserDefinedFields must have at most 50 non-empty keys."));
        }
    }
    if let Some(w) = &input.workflow {
        match w.status.as_deref() {
            Some(s) if WORKFLOW_STATUSES.contains(&s) => {}
            Some(s) => return Err(invalid_input(format!("Invalid Workflow.Status: {s}"))),
            None => return Err(invalid_input("Workflow.Status is required when Workflow is given.")),
        }
    }
    if let Some(related) = &input.related_findings {
        if related.len() > 10 || related.iter().any(|r| r.id.trim().is_empty() || r.product_arn.trim().is_empty()) {
            return Err(invalid_input("RelatedFindings must have at most 10 items, each with an Id and a ProductArn."));
        }
    }
    Ok(())
}

/// Applies the update to one stored finding.
fn apply(doc: &mut Finding, input: &securityhub::BatchUpdateFindingsRequest, now: &str) {
    let f = &mut doc.finding;
    let mut mark = |field: &str| {
        if !doc.customer_set.iter().any(|c| c == field) {
            doc.customer_set.push(field.to_string());
        }
    };
    if let Some(note) = &input.note {
        f.note = Some(securityhub::Note {
            text: note.text.clone(),
            updated_by: note.updated_by.clone(),
            updated_at: now.to_string(),
        });
    }
    if let Some(s) = &input.severity {
        let (label, normalized) = match (&s.label, s.normalized) {
            (Some(label), _) => (label.clone(), normalized_of(label)),
            (None, Some(n)) => (label_of(n).to_string(), n),
            (None, None) => return,
        };
        let severity = f.severity.get_or_insert_with(Default::default);
        severity.label = Some(label);
        severity.normalized = Some(normalized);
        if s.product.is_some() {
            severity.product = s.product;
        }
        mark("Severity");
    }
    if let Some(v) = &input.verification_state {
        f.verification_state = Some(v.clone());
    }
    if let Some(c) = input.confidence {
        f.confidence = Some(c);
        mark("Confidence");
    }
    if let Some(c) = input.criticality {
        f.criticality = Some(c);
        mark("Criticality");
    }
    if let Some(types) = &input.types {
        f.types = Some(types.clone());
        mark("Types");
    }
    if let Some(fields) = &input.user_defined_fields {
        let target = f.user_defined_fields.get_or_insert_with(Default::default);
        target.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    if let Some(status) = input.workflow.as_ref().and_then(|w| w.status.clone()) {
        f.workflow = Some(securityhub::Workflow { status: Some(status) });
    }
    if let Some(related) = &input.related_findings {
        f.related_findings = Some(related.clone());
        mark("RelatedFindings");
    }
}

impl Handler for securityhub::BatchUpdateFindings {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: securityhub::BatchUpdateFindingsRequest,
    ) -> Result<securityhub::BatchUpdateFindingsResponse, AwsError> {
        require_hub(ctx)?;
        check(&input)?;
        let now = ctx.now().to_iso8601();
        let mut processed: Vec<securityhub::AwsSecurityFindingIdentifier> = Vec::new();
        let mut unprocessed = Vec::new();
        for ident in &input.finding_identifiers {
            if processed.contains(ident) {
                continue;
            }
            let key = finding_key(&ident.product_arn, &ident.id);
            let Some(mut doc) = ctx.get::<Finding>(&key)? else {
                unprocessed.push(securityhub::BatchUpdateFindingsUnprocessedFinding {
                    finding_identifier: ident.clone(),
                    error_code: "FindingNotFound".into(),
                    error_message: "Finding Not Found".into(),
                });
                continue;
            };
            apply(&mut doc, &input, &now);
            ctx.put(&key, &doc)?;
            processed.push(ident.clone());
        }
        Ok(securityhub::BatchUpdateFindingsResponse {
            processed_findings: processed,
            unprocessed_findings: unprocessed,
        })
    }
}
