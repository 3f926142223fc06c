//! The committed catalogue and the implemented controls agree.

use hubsim_api::Era;
use hubsim_checks::catalogue::catalogue;
use hubsim_checks::controls;

/// The 23 controls hubsim implements.
const SEED: &[&str] = &[
    "CloudTrail.1",
    "CloudTrail.2",
    "CloudTrail.4",
    "CloudTrail.5",
    "Config.1",
    "GuardDuty.1",
    "EC2.2",
    "EC2.6",
    "EC2.7",
    "EC2.10",
    "EC2.15",
    "EC2.21",
    "IAM.6",
    "IAM.7",
    "S3.1",
    "S3.4",
    "S3.5",
    "S3.8",
    "S3.9",
    "S3.11",
    "S3.13",
    "SNS.1",
    "SNS.2",
];

#[test]
fn every_seed_control_is_implemented_and_nothing_else_pretends_to_be() {
    let implemented: Vec<&str> = controls::all().iter().map(|c| c.id).collect();
    let mut want = SEED.to_vec();
    want.sort_by_key(|id| hubsim_checks::status::natural(id));
    assert_eq!(implemented, want);
}

#[test]
fn every_implemented_control_is_in_the_catalogue_with_its_resource_type() {
    for c in controls::all() {
        let def = catalogue().control(c.id).unwrap_or_else(|| panic!("{} is not in the catalogue", c.id));
        assert_eq!(def.resource_type, c.resource_type, "{}", c.id);
        assert!(!def.eras.is_empty(), "{} belongs to no standard in any era", c.id);
    }
}

#[test]
fn catalogue_entries_are_well_formed() {
    let cat = catalogue();
    let mut seen = std::collections::BTreeSet::new();
    for c in &cat.controls {
        assert!(seen.insert(c.id.to_ascii_lowercase()), "{} listed twice", c.id);
        assert!(c.id.contains('.'), "{}", c.id);
        for (era, entry) in &c.eras {
            assert!(era == "2022" || era == "current", "{}: era {era}", c.id);
            assert!(!entry.title.is_empty(), "{} {era}: no title", c.id);
            assert!(!entry.standards.is_empty(), "{} {era}: no standard", c.id);
            for std in entry.standards.keys() {
                assert!(cat.standard(std).is_some(), "{} {era}: unknown standard {std}", c.id);
            }
        }
    }
    for era in ["2022", "current"] {
        assert!(cat.coverage.contains_key(era), "coverage note for {era}");
    }
}

#[test]
fn era_membership_follows_the_spec() {
    // Retired or moved out of FSBP since 2022 (the current FSBP list:
    // https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html).
    for id in ["S3.4", "S3.11", "SNS.1", "SNS.2"] {
        let def = catalogue().control(id).unwrap();
        assert!(def.in_era(Era::Y2022).is_some(), "{id} in 2022");
        assert!(def.in_era(Era::Current).is_none(), "{id} not in current");
    }
    let config1 = catalogue().control("Config.1").unwrap();
    assert_eq!(config1.in_era(Era::Y2022).unwrap().severity.label(), "MEDIUM");
    assert_eq!(config1.in_era(Era::Current).unwrap().severity.label(), "CRITICAL");
    let ct1 = catalogue().control("CloudTrail.1").unwrap().in_era(Era::Y2022).unwrap();
    assert_eq!(ct1.standards.get("cis-aws-foundations-benchmark/v/1.2.0").map(String::as_str), Some("2.1"));
    let ec2_2 = catalogue().control("EC2.2").unwrap().in_era(Era::Current).unwrap();
    assert_eq!(ec2_2.standards.get("cis-aws-foundations-benchmark/v/1.2.0").map(String::as_str), Some("4.3"));
}

#[test]
fn parameters_have_valid_defaults() {
    for c in controls::all() {
        for p in c.parameters {
            if let Some(d) = p.default {
                let v: serde_json::Value =
                    serde_json::from_str(d).unwrap_or_else(|e| panic!("{} {}: {e}", c.id, p.name));
                hubsim_checks::control::check_param(p, &v).unwrap_or_else(|e| panic!("{} default: {e}", c.id));
            }
        }
    }
}
