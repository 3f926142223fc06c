//! The committed catalogue and the implemented controls agree.

use hubsim_api::Era;
use hubsim_checks::catalogue::{catalogue, Severity};
use hubsim_checks::controls;

/// The 23 controls hubsim set out to implement (the blog's fresh account: FSBP v1.0.0 and CIS
/// v1.2.0). A floor, not the list: controls added since are found in the code.
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

/// The standards hubsim evaluates: an implemented control outside them would never run.
const EVALUATED: &[&str] =
    &["aws-foundational-security-best-practices/v/1.0.0", "cis-aws-foundations-benchmark/v/1.2.0"];

#[test]
fn the_seed_controls_stay_implemented_once_each_in_natural_order() {
    let implemented: Vec<&str> = controls::all().iter().map(|c| c.id).collect();
    for id in SEED {
        assert!(implemented.contains(id), "{id} is no longer implemented");
    }
    let mut sorted = implemented.clone();
    sorted.sort_by_key(|id| hubsim_checks::status::natural(id));
    sorted.dedup();
    assert_eq!(implemented, sorted, "implemented once each, in natural order");
}

/// Every implemented control (read from the code) has its catalogue entry: the resource type it
/// judges, and in every era where it belongs to a standard hubsim evaluates, a title and a
/// finding severity; and it belongs to one in at least one era.
#[test]
fn every_implemented_control_is_in_the_catalogue_with_its_resource_type() {
    for c in controls::all() {
        let def = catalogue().control(c.id).unwrap_or_else(|| panic!("{} is not in the catalogue", c.id));
        assert_eq!(def.resource_type, c.resource_type, "{}", c.id);
        let mut evaluated_in = 0;
        for era in [Era::Y2022, Era::Current] {
            let Some(entry) = def.in_era(era) else { continue };
            if !entry.standards.keys().any(|s| EVALUATED.contains(&s.as_str())) {
                continue;
            }
            evaluated_in += 1;
            assert!(!entry.title.is_empty(), "{} {era:?}: no title", c.id);
            assert_ne!(
                entry.severity,
                Severity::Informational,
                "{} {era:?}: a control's severity is LOW to CRITICAL",
                c.id
            );
        }
        assert!(evaluated_in > 0, "{} belongs to no standard hubsim evaluates, in any era", c.id);
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
fn era_membership_follows_aws_documentation() {
    // Era 2022 is the FSBP page of November 2022 (doc_source/securityhub-standards-fsbp-controls.md
    // in https://github.com/awsdocs/aws-security-hub-user-guide, data/CATALOGUE-SOURCES.md).
    // Retired from FSBP since: the Security Hub controls change log
    // (https://docs.aws.amazon.com/securityhub/latest/userguide/controls-change-log.html) and the
    // controls' pages (https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html,
    // https://docs.aws.amazon.com/securityhub/latest/userguide/sns-controls.html).
    for id in ["S3.4", "S3.11", "SNS.1", "SNS.2"] {
        let def = catalogue().control(id).unwrap();
        assert!(def.in_era(Era::Y2022).is_some(), "{id} in 2022");
        assert!(def.in_era(Era::Current).is_none(), "{id} not in current");
    }
    // Config.1's severity, then (the 2022 page above) and now
    // (https://docs.aws.amazon.com/securityhub/latest/userguide/config-controls.html).
    let config1 = catalogue().control("Config.1").unwrap();
    assert_eq!(config1.in_era(Era::Y2022).unwrap().severity.label(), "MEDIUM");
    assert_eq!(config1.in_era(Era::Current).unwrap().severity.label(), "CRITICAL");
    // CIS v1.2.0 requirement ids
    // (https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html).
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
