//! The remediator on the mission scenarios: the blog's journey ends where the blog ended,
//! transcripts match reviewed snapshots, a second run changes nothing, a dry run changes
//! nothing, and what the user wrote survives.

use std::path::Path;

use hubsim_checks::remediate::Options;
use hubsim_scenario::{self as scenario, LoadOptions};
use hubsim_scenario::{expect, runner};
use hubsim_simulator::model::s3;
use hubsim_simulator::{AwsApi, Simulator};

fn load(name: &str) -> (Simulator, scenario::Scenario) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.json"));
    let s = scenario::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let sim = Simulator::in_memory().unwrap();
    scenario::load(&sim, &s, LoadOptions::default()).unwrap();
    (sim, s)
}

#[test]
fn mission_scenarios_converge_and_meet_their_expectations() {
    for name in ["fresh-account", "half-fixed-account", "s3-9-log-bucket", "production-like-account"] {
        let (sim, s) = load(name);
        let outcome = runner::remediate(&sim, Options::default()).unwrap();
        assert!(outcome.converged, "{name}: did not converge in {} rounds", outcome.rounds);
        assert!(outcome.refused.is_empty(), "{name}: refused {:?}", outcome.refused);
        let resolved = runner::envelope(&sim).unwrap();
        if let Some(block) = resolved.expect.as_ref().and_then(|e| e.after_remediation.as_ref()) {
            let diff = expect::diff(block, &outcome.after, &s.account.home());
            assert!(diff.is_empty(), "{name}: {diff:#?}");
        }
        // Everything left FAILED is either suppressed or listed as manual work.
        for f in &outcome.after.findings {
            if f.compliance() == "FAILED" && !f.suppressed() {
                let control = f.control.clone();
                assert!(outcome.manual.iter().any(|m| m.control == control), "{name}: {control} failing silently");
            }
        }
        let lines: Vec<String> = outcome.transcript.iter().map(|s| s.line()).collect();
        insta::assert_snapshot!(format!("transcript__{name}"), lines.join("\n"));

        let again = runner::remediate(&sim, Options::default()).unwrap();
        assert!(
            again.transcript.iter().all(|s| s.action == "suppress"),
            "{name}: second run acted: {:#?}",
            again.transcript
        );
        assert!(again.transcript.is_empty(), "{name}: second run suppressed again: {:#?}", again.transcript);
    }
}

/// Every edge scenario that says what Security Hub must report after remediation
/// (`expect.after_remediation`): remediated as `hubsim run FILE --remediate` does, it converges,
/// meets that block, makes only calls its fixes declare, and a second run changes nothing. The
/// transcript lines of the controls the block names match a reviewed snapshot: the loop would
/// hide a fix that broke another control (the next round fixes that one again), the calls do not.
#[test]
fn edge_scenarios_meet_their_after_remediation_expectations() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/edge");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| format!("edge/{}", p.file_stem().unwrap().to_string_lossy()))
        .collect();
    names.sort();
    let mut checked = 0;
    for name in &names {
        let (sim, s) = load(name);
        if s.expect.as_ref().and_then(|e| e.after_remediation.as_ref()).is_none() {
            continue;
        }
        checked += 1;
        let outcome = runner::remediate(&sim, Options::default()).unwrap();
        assert!(outcome.converged, "{name}: did not converge in {} rounds", outcome.rounds);
        // The stored envelope has the expectations' references resolved.
        let resolved = runner::envelope(&sim).unwrap();
        let block = resolved.expect.as_ref().and_then(|e| e.after_remediation.as_ref()).unwrap();
        let diff = expect::diff(block, &outcome.after, &s.account.home());
        assert!(diff.is_empty(), "{name}: {diff:#?}");
        let undeclared = hubsim_checks::remediate::undeclared_calls(&outcome);
        assert!(undeclared.is_empty(), "{name}: calls or reads outside their fix's IAM actions: {undeclared:#?}");
        let named: Vec<String> = outcome
            .transcript
            .iter()
            .filter(|step| block.controls.contains_key(&step.control))
            .map(|step| step.line())
            .collect();
        insta::assert_snapshot!(format!("transcript__{}", name.replace('/', "__")), named.join("\n"));
        let again = runner::remediate(&sim, Options::default()).unwrap();
        assert!(again.transcript.is_empty(), "{name}: second run acted: {:#?}", again.transcript);
    }
    assert!(checked > 0, "no edge scenario has an after_remediation block");
}

#[test]
fn every_call_and_read_is_authorized_by_an_iam_action_its_fix_declares() {
    for name in ["fresh-account", "half-fixed-account", "s3-9-log-bucket", "production-like-account"] {
        let (sim, _) = load(name);
        let outcome = runner::remediate(&sim, Options::default()).unwrap();
        assert!(outcome.transcript.iter().any(|s| s.action != "suppress"), "{name}: no call to check");
        assert!(!outcome.reads.is_empty(), "{name}: no read to check");
        let undeclared = hubsim_checks::remediate::undeclared_calls(&outcome);
        assert!(undeclared.is_empty(), "{name}: calls or reads outside their fix's IAM actions: {undeclared:#?}");
    }
}

#[test]
fn the_blog_ends_with_iam_6_failed_and_the_log_sink_suppressed() {
    let (sim, _) = load("fresh-account");
    let outcome = runner::remediate(&sim, Options::default()).unwrap();
    let status = |id: &str| outcome.after.controls.iter().find(|c| c.id == id).map(|c| c.status.as_str()).unwrap();
    assert_eq!(status("IAM.6"), "FAILED");
    assert_eq!(status("S3.9"), "PASSED");
    let failing: Vec<&str> =
        outcome.after.controls.iter().filter(|c| c.status.as_str() == "FAILED").map(|c| c.id.as_str()).collect();
    assert_eq!(failing, vec!["IAM.6"]);
    assert_eq!(outcome.manual.len(), 1);
    assert!(outcome.manual[0].why.contains("hardware MFA"));
    assert!(outcome.before.score.percent < outcome.after.score.percent);
}

/// The evaluation after judges the account as the fixes left it, whether the loop converged
/// (it reuses the last round's snapshot) or stopped at its bound (it fetches the account
/// again): an independent evaluation of the same state reports the same control statuses.
#[test]
fn the_report_after_is_what_the_account_now_evaluates_to() {
    for max_rounds in [1, Options::default().max_rounds] {
        let (sim, _) = load("fresh-account");
        let outcome = runner::remediate(&sim, Options { max_rounds, ..Default::default() }).unwrap();
        assert_eq!(outcome.converged, max_rounds > 1, "rounds {}", outcome.rounds);
        let fresh = runner::evaluate(&sim, false).unwrap();
        let statuses = |r: &hubsim_checks::Report| -> Vec<(String, String)> {
            r.controls.iter().map(|c| (c.id.clone(), c.status.as_str().to_string())).collect()
        };
        assert_eq!(statuses(&outcome.after), statuses(&fresh), "max_rounds {max_rounds}");
        assert_ne!(statuses(&outcome.after), statuses(&outcome.before), "max_rounds {max_rounds}");
    }
}

#[test]
fn a_dry_run_changes_nothing() {
    let (sim, _) = load("half-fixed-account");
    let before = scenario::export(&sim).unwrap();
    let journal = sim.journal().unwrap().len();
    let copy = sim.snapshot().unwrap();
    let outcome = runner::remediate(&copy, Options::default()).unwrap();
    assert!(outcome.transcript.len() > 10);
    assert_eq!(scenario::export(&sim).unwrap(), before);
    assert_eq!(sim.journal().unwrap().len(), journal);
}

#[test]
fn user_statements_are_kept_verbatim() {
    let (sim, _) = load("half-fixed-account");
    let policy = |sim: &Simulator, b: &str| -> Vec<serde_json::Value> {
        let text = sim
            .call::<s3::GetBucketPolicy>(
                "ap-northeast-1",
                s3::GetBucketPolicyRequest { bucket: b.into(), ..Default::default() },
            )
            .unwrap()
            .policy
            .unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        doc["Statement"].as_array().cloned().unwrap_or_else(|| vec![doc["Statement"].clone()])
    };
    let trail_before = policy(&sim, "trail-logs-123456789012");
    runner::remediate(&sim, Options::default()).unwrap();
    let trail_after = policy(&sim, "trail-logs-123456789012");
    for st in &trail_before {
        assert!(trail_after.contains(st), "lost {st}");
    }
    assert_eq!(trail_after.len(), trail_before.len() + 1);
}

#[test]
fn leave_keeps_unfixable_findings_failed() {
    let (sim, _) = load("s3-9-log-bucket");
    let options =
        Options { unfixable_override: Some(hubsim_checks::remediate::Unfixable::Leave), ..Default::default() };
    let outcome = runner::remediate(&sim, options).unwrap();
    assert!(outcome.manual.iter().any(|m| m.control == "S3.9" && m.resource.ends_with("access-logs-123456789012")));
    assert!(outcome.transcript.iter().all(|s| s.action != "suppress"));
    let s39 = outcome.after.controls.iter().find(|c| c.id == "S3.9").unwrap();
    assert_eq!(s39.status.as_str(), "FAILED");
}

#[test]
fn ec2_13_revokes_only_the_world_open_sources_of_a_rule() {
    use hubsim_simulator::model::ec2;
    let (sim, _) = load("edge/ec2.13-mixed-sources-current");
    let web = || {
        let out = sim
            .call::<ec2::DescribeSecurityGroups>(
                "us-east-1",
                ec2::DescribeSecurityGroupsRequest {
                    filters: Some(vec![ec2::Filter {
                        name: Some("group-name".into()),
                        values: Some(vec!["web".into()]),
                    }]),
                    ..Default::default()
                },
            )
            .unwrap();
        let perms = out.security_groups.unwrap()[0].ip_permissions.clone().unwrap_or_default();
        let mut sources: Vec<String> = perms
            .iter()
            .flat_map(|p| {
                let v4 = p.ip_ranges.iter().flatten().filter_map(|r| r.cidr_ip.clone());
                let v6 = p.ipv6_ranges.iter().flatten().filter_map(|r| r.cidr_ipv6.clone());
                v4.chain(v6).map(move |c| {
                    format!("{} {:?}-{:?} {c}", p.ip_protocol.clone().unwrap_or_default(), p.from_port, p.to_port)
                })
            })
            .collect();
        sources.sort();
        sources
    };
    assert_eq!(web().len(), 4);
    let outcome = runner::remediate(&sim, Options::default()).unwrap();
    assert_eq!(web(), vec!["tcp Some(22)-Some(22) 10.0.0.0/8", "tcp Some(22)-Some(22) 2001:db8::/32"]);
    let revokes: Vec<_> = outcome.transcript.iter().filter(|s| s.control == "EC2.13").collect();
    assert_eq!(revokes.len(), 1, "{revokes:#?}");
    let note = revokes[0].note.clone().unwrap_or_default();
    assert!(note.contains("0.0.0.0/0 and ::/0"), "the transcript names what was removed: {note}");
}

/// CloudTrail.6's fix on its own (CIS only: S3.8's fix, which puts the same settings, is not
/// enabled) turns on the trail bucket's Block Public Access and keeps its ACL; with FSBP on too,
/// it reads what S3.8's fix left and does not repeat the call (and S3.12's fix, not CloudTrail.6's,
/// resets the ACL).
#[test]
fn cloudtrail_6_blocks_public_access_and_keeps_the_acl() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/edge/cloudtrail.6-public-acl-2022.json");
    let both = scenario::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut cis_only = both.clone();
    if let Some(hub) = cis_only.baseline.security_hub.as_mut() {
        hub.standards = vec!["cis-aws-foundations-benchmark/v/1.2.0".into()];
    }
    let bucket = "trail-logs-123456789012";
    for (s, cis) in [(&cis_only, true), (&both, false)] {
        let sim = Simulator::in_memory().unwrap();
        scenario::load(&sim, s, LoadOptions::default()).unwrap();
        let grants = || {
            sim.call::<s3::GetBucketAcl>(
                "us-east-1",
                s3::GetBucketAclRequest { bucket: bucket.into(), ..Default::default() },
            )
            .unwrap()
            .grants
            .unwrap_or_default()
        };
        let before = grants();
        assert!(before.iter().any(|g| g.grantee.as_ref().and_then(|e| e.uri.as_deref())
            == Some("http://acs.amazonaws.com/groups/global/AllUsers")));
        let outcome = runner::remediate(&sim, Options::default()).unwrap();
        let puts = |control: &str| {
            outcome
                .transcript
                .iter()
                .filter(|s| s.control == control && s.action == "s3:PutPublicAccessBlock" && s.detail.contains(bucket))
                .count()
        };
        assert_eq!(puts("CloudTrail.6"), usize::from(cis), "CIS only: {cis}");
        assert_eq!(puts("CloudTrail.6") + puts("S3.8"), 1, "one call puts the settings");
        if cis {
            assert_eq!(grants(), before, "the ACL is kept; S3 ignores its public grant");
        } else {
            // With FSBP, S3.12 (no ACLs for user access) resets the ACL to the owner's grant alone
            // and disables ACLs; CloudTrail.6's fix itself still leaves the ACL alone.
            assert_eq!(grants(), before[..1], "S3.12 leaves the owner's grant alone");
            let acl_calls: Vec<&str> = outcome
                .transcript
                .iter()
                .filter(|s| s.action == "s3:PutBucketAcl")
                .map(|s| s.control.as_str())
                .collect();
            assert_eq!(acl_calls, ["S3.12"]);
        }
        let block = sim
            .call::<s3::GetPublicAccessBlock>(
                "us-east-1",
                s3::GetPublicAccessBlockRequest { bucket: bucket.into(), ..Default::default() },
            )
            .unwrap()
            .public_access_block_configuration
            .unwrap();
        assert_eq!((block.ignore_public_acls, block.restrict_public_buckets), (Some(true), Some(true)));
        let ct6 = outcome.after.controls.iter().find(|c| c.id == "CloudTrail.6").unwrap();
        assert_eq!(ct6.status.as_str(), "PASSED");
    }
}

/// IAM.7 and the CIS items IAM.11–IAM.17 share one fix: a single UpdateAccountPasswordPolicy
/// that keeps what the user had where it is stricter (length, expiry, whether users may change
/// their own password) and IAM.7's parameters, and adds what CIS asks.
#[test]
fn the_password_policy_is_written_once_and_keeps_what_is_stricter() {
    use hubsim_simulator::model::iam;
    let (sim, _) = load("edge/iam.17-iam.7-stricter-kept");
    let outcome = runner::remediate(&sim, Options::default()).unwrap();
    let writes: Vec<_> = outcome.transcript.iter().filter(|s| s.action == "iam:UpdateAccountPasswordPolicy").collect();
    assert_eq!(writes.len(), 1, "{writes:#?}");
    assert_eq!(writes[0].control, "IAM.7", "IAM.7's fix, which knows its parameters, writes first");
    let p = sim.call::<iam::GetAccountPasswordPolicy>("us-east-1", Default::default()).unwrap().password_policy;
    assert_eq!(p.minimum_password_length, Some(20));
    assert_eq!(p.max_password_age, Some(30));
    assert_eq!(p.password_reuse_prevention, Some(24));
    assert_eq!(p.allow_users_to_change_password, Some(false));
    assert_eq!(p.require_symbols, Some(true));
}

/// S3.2's fix on its own (S3.8's, which puts the same settings, not asked for): Block Public
/// Access on the bucket, the public ACL grant and the policy kept as written, the transcript
/// naming the exposure; S3.2 passes on that alone. With S3.8's fix in the same round, S3.2's reads
/// what it left and makes no call.
#[test]
fn s3_2_blocks_public_access_and_keeps_the_acl() {
    let bucket = "app-data-123456789012";
    let grants = |sim: &Simulator| {
        sim.call::<s3::GetBucketAcl>(
            "us-east-1",
            s3::GetBucketAclRequest { bucket: bucket.into(), ..Default::default() },
        )
        .unwrap()
        .grants
        .unwrap_or_default()
    };
    let (sim, _) = load("edge/s3.2-public-acl");
    let before = grants(&sim);
    let only = Options { controls: vec!["S3.2".into()], ..Options::default() };
    let outcome = runner::remediate(&sim, only).unwrap();
    let calls: Vec<_> = outcome.transcript.iter().filter(|s| s.action != "suppress").collect();
    assert_eq!(calls.len(), 1, "{calls:#?}");
    assert_eq!((calls[0].control.as_str(), calls[0].action.as_str()), ("S3.2", "s3:PutPublicAccessBlock"));
    let note = calls[0].note.clone().unwrap_or_default();
    assert!(note.contains("READ to AllUsers") && note.contains("kept as written"), "{note}");
    assert_eq!(grants(&sim), before, "the ACL is kept; S3 ignores its public grant");
    let s3_2 = outcome.after.controls.iter().find(|c| c.id == "S3.2").unwrap();
    assert_eq!(s3_2.status.as_str(), "PASSED");

    let (sim, _) = load("edge/s3.2-public-acl");
    let both = Options { controls: vec!["S3.2".into(), "S3.8".into()], ..Options::default() };
    let outcome = runner::remediate(&sim, both).unwrap();
    let puts: Vec<&str> = outcome
        .transcript
        .iter()
        .filter(|s| s.action == "s3:PutPublicAccessBlock" && s.detail.contains(bucket))
        .map(|s| s.control.as_str())
        .collect();
    assert_eq!(puts, ["S3.8"]);
}
