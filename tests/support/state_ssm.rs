//! What the properties read back of Systems Manager (the resources `generate_ssm` builds), and
//! what must hold of them after remediation.

use std::collections::BTreeMap;

use hubsim_simulator::Simulator;
use serde_json::{json, Value};

use super::state::{call, R};

/// Managed instances, compliance summaries and documents, by region.
#[derive(Debug, Clone, Default)]
pub struct SsmState {
    /// `region/instance` of each managed instance.
    pub managed: Vec<String>,
    /// `region/instance/type` → compliance status.
    pub compliance: BTreeMap<String, String>,
    /// `region/name` → the accounts (or `all`) the document is shared with.
    pub documents: BTreeMap<String, Vec<String>>,
}

fn strings(v: &Value, key: &str) -> Vec<Value> {
    v.get(key).and_then(Value::as_array).cloned().unwrap_or_default()
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// Reads Systems Manager in `regions`.
pub fn read(sim: &Simulator, regions: &[String]) -> R<SsmState> {
    let mut s = SsmState::default();
    for r in regions {
        for i in strings(&call(sim, r, "ssm", "DescribeInstanceInformation", json!({}))?, "InstanceInformationList") {
            s.managed.push(format!("{r}/{}", text(&i, "InstanceId")));
        }
        let summaries = call(sim, r, "ssm", "ListResourceComplianceSummaries", json!({}))?;
        for c in strings(&summaries, "ResourceComplianceSummaryItems") {
            let key = format!("{r}/{}/{}", text(&c, "ResourceId"), text(&c, "ComplianceType"));
            s.compliance.insert(key, text(&c, "Status"));
        }
        let own = json!({"Filters": [{"Key": "Owner", "Values": ["Self"]}]});
        for d in strings(&call(sim, r, "ssm", "ListDocuments", own)?, "DocumentIdentifiers") {
            let name = text(&d, "Name");
            let p =
                call(sim, r, "ssm", "DescribeDocumentPermission", json!({"Name": name, "PermissionType": "Share"}))?;
            let ids = strings(&p, "AccountIds").iter().filter_map(Value::as_str).map(str::to_string).collect();
            s.documents.insert(format!("{r}/{name}"), ids);
        }
    }
    Ok(s)
}

/// (d) for Systems Manager: remediation deletes no document, drops no share with a named
/// account (it may only remove `all`), shares nothing new, deregisters no managed instance and
/// changes no compliance data (it can only be reported by the instance).
pub fn check_kept(before: &SsmState, after: &SsmState) -> R<()> {
    for (doc, shared) in &before.documents {
        let now = after.documents.get(doc).ok_or_else(|| format!("document {doc} was deleted"))?;
        let kept: Vec<&String> = shared.iter().filter(|a| *a != "all").collect();
        if kept.iter().any(|a| !now.contains(a)) {
            return Err(format!("document {doc} lost a share: {shared:?} → {now:?}"));
        }
        if let Some(extra) = now.iter().find(|a| !shared.contains(a)) {
            return Err(format!("document {doc} is now shared with {extra}"));
        }
    }
    if let Some(gone) = before.managed.iter().find(|m| !after.managed.contains(m)) {
        return Err(format!("managed instance {gone} was deregistered"));
    }
    if before.compliance != after.compliance {
        return Err(format!("compliance data changed: {:?} → {:?}", before.compliance, after.compliance));
    }
    Ok(())
}

/// (b) for the SSM justifications: each on its own control, and its precondition holds in the
/// account as remediation left it (the instance still unmanaged, or its compliance of the
/// control's type still NON_COMPLIANT). `None` when `note` is none of them.
pub fn check_justification(note: &str, control: &str, resource: &str, after: &SsmState) -> Option<R<()>> {
    use hubsim_checks::remediate::Justification;
    let (want, kind) = if note == Justification::SsmUnmanaged.text() {
        ("SSM.1", None)
    } else if note == Justification::SsmPatchNonCompliant.text() {
        ("SSM.2", Some("Patch"))
    } else if note == Justification::SsmAssociationNonCompliant.text() {
        ("SSM.3", Some("Association"))
    } else {
        return None;
    };
    // arn:aws:ec2:<region>:<account>:instance/<id>
    let region = resource.split(':').nth(3).unwrap_or_default();
    let id = resource.rsplit('/').next().unwrap_or_default();
    let key = format!("{region}/{id}");
    Some(if control != want {
        Err(format!("{control} {resource}: suppressed with {want}'s justification"))
    } else {
        match kind {
            None if after.managed.contains(&key) => {
                Err(format!("{resource}: justified as unmanaged, but it is managed"))
            }
            None => Ok(()),
            Some(kind) => match after.compliance.get(&format!("{key}/{kind}")).map(String::as_str) {
                Some("NON_COMPLIANT") => Ok(()),
                other => Err(format!("{resource}: justified as {kind} NON_COMPLIANT, but it is {other:?}")),
            },
        }
    })
}
