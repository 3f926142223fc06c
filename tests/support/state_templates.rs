//! GuardDuty detectors' plans, launch templates' versions and Spot Fleet requests, read back
//! through the API: remediation may only turn plans on, add template versions and move the
//! default, and never touch a Spot Fleet request.

use std::collections::BTreeMap;

use hubsim_simulator::Simulator;
use serde_json::{json, Value};

use super::state::{call, R};

/// What the three areas hold, in every region.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Templates {
    /// `region feature` or `region feature/additional` → enabled, per detector.
    pub features: BTreeMap<String, bool>,
    /// `region template-id` → (version number → its launch data as JSON text).
    pub versions: BTreeMap<String, BTreeMap<i64, String>>,
    /// `region request-id` → (state, configuration as JSON text).
    pub fleets: BTreeMap<String, (String, String)>,
}

fn items(v: &Value, key: &str) -> Vec<Value> {
    v.get(key).and_then(Value::as_array).cloned().unwrap_or_default()
}

fn s(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// Reads `region` into `t`.
pub fn read(sim: &Simulator, region: &str, t: &mut Templates) -> R<()> {
    for id in items(&call(sim, region, "guardduty", "ListDetectors", json!({}))?, "DetectorIds") {
        let d = call(sim, region, "guardduty", "GetDetector", json!({"DetectorId": id}))?;
        for f in items(&d, "Features") {
            let name = s(&f, "Name");
            t.features.insert(format!("{region} {name}"), s(&f, "Status") == "ENABLED");
            for a in items(&f, "AdditionalConfiguration") {
                t.features.insert(format!("{region} {name}/{}", s(&a, "Name")), s(&a, "Status") == "ENABLED");
            }
        }
    }
    for lt in items(&call(sim, region, "ec2", "DescribeLaunchTemplates", json!({}))?, "LaunchTemplates") {
        let id = s(&lt, "LaunchTemplateId");
        let out = call(sim, region, "ec2", "DescribeLaunchTemplateVersions", json!({"LaunchTemplateId": id}))?;
        let versions = items(&out, "LaunchTemplateVersions")
            .iter()
            .map(|v| (v["VersionNumber"].as_i64().unwrap_or(0), v["LaunchTemplateData"].to_string()))
            .collect();
        t.versions.insert(format!("{region} {id}"), versions);
    }
    let fleets = call(sim, region, "ec2", "DescribeSpotFleetRequests", json!({}))?;
    for f in items(&fleets, "SpotFleetRequestConfigs") {
        t.fleets.insert(
            format!("{region} {}", s(&f, "SpotFleetRequestId")),
            (s(&f, "SpotFleetRequestState"), f["SpotFleetRequestConfig"].to_string()),
        );
    }
    Ok(())
}

/// (d) for these areas: every plan that was on is still on, every template version is still
/// there unchanged, and every Spot Fleet request is as it was.
pub fn check_kept(before: &Templates, after: &Templates) -> R<()> {
    for (feature, on) in &before.features {
        if *on && after.features.get(feature) != Some(&true) {
            return Err(format!("GuardDuty {feature} was turned off"));
        }
    }
    for (template, versions) in &before.versions {
        let Some(now) = after.versions.get(template) else {
            return Err(format!("launch template {template} was deleted"));
        };
        for (n, data) in versions {
            if now.get(n) != Some(data) {
                return Err(format!("launch template {template} version {n} was deleted or changed"));
            }
        }
    }
    if before.fleets != after.fleets {
        return Err(format!("Spot Fleet requests changed: {:?} → {:?}", before.fleets, after.fleets));
    }
    Ok(())
}

/// Whether a Spot Fleet configuration (JSON text) has an EBS mapping that is not encrypted.
pub fn has_unencrypted_ebs(config: &str) -> bool {
    let Ok(c) = serde_json::from_str::<Value>(config) else { return false };
    items(&c, "LaunchSpecifications").iter().any(|spec| {
        items(spec, "BlockDeviceMappings")
            .iter()
            .any(|b| b.get("Ebs").is_some_and(|e| e.get("Encrypted").and_then(Value::as_bool) != Some(true)))
    })
}
