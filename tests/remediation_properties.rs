//! Properties of the remediator over generated accounts (proptest).
//!
//! Each case generates an account (era, 1–3 regions, AWS Config's 1-click setup, Security Hub,
//! root MFA, and steps building buckets, policies, logging chains, notifications, trails (their
//! buckets public by ACL or policy or not), recorders, password policies, topics, keys (of
//! every kind KMS.4 meets), VPCs, security groups (world-open over IPv4 and IPv6) and NACLs),
//! loads it,
//! root MFA, and steps building buckets, policies, logging chains, notifications, trails,
//! recorders, password policies, topics, keys, VPCs, security groups and NACLs, IAM users,
//! groups, customer managed policies and their attachments), loads it,
//! remediates it with the default `unfixable: suppress`, and checks:
//!
//! (a) the loop converges within its bound;
//! (b) every active finding afterwards is PASSED, or SUPPRESSED with a justification from the
//!     fixed list whose precondition holds (and no WARNING / NOT_AVAILABLE is left);
//! (c) a second remediation makes no call at all;
//! (d) nothing that existed is deleted or loosened: bucket-policy statements kept verbatim
//!     (except that S3.6 may narrow a statement naming another account: what replaces it grants
//!     no principal, action or resource it did not),
//!     buckets, trails, topics, keys, VPCs, subnets, groups and NACLs still there (but a
//!     NACL that was unused, on no subnet and not a default, which EC2.16 removes), transit
//!     gateways kept and never made to accept attachments automatically, VPN connections kept
//!     with their tunnels' status and their tunnels' logging only turned on, groups'
//!     and NACLs' allowed traffic (IPv4 and IPv6 sources) only shrinks (the default groups'
//!     rules excepted: EC2.2 demands their removal) and keeps every rule whose source is not
//!     0.0.0.0/0 or ::/0, no bucket ACL gains a grant (but the owner's own), trails keep
//!     logging and stay multi-region, keys keep rotating,
//!     and every new Allow in an existing bucket, topic or key policy names only AWS services
//!     scoped to this account; IAM users, groups and customer managed policies are kept, no
//!     user's permissions change, policies only gain versions; no key is scheduled for
//!     deletion, no queue deleted or decrypted, and queue policies lose only public statements;
//!     user's permissions change, policies only gain versions; GuardDuty plans are only
//!     turned on, launch template versions are never deleted or changed (only added, and the
//!     default moved), Spot Fleet requests are left as they were; no DynamoDB table is
//!     deleted or switched to another capacity mode, and none loses point-in-time recovery or
//!     deletion protection; no secret is deleted or scheduled for deletion, and none loses its
//!     rotation, schedule or resource policy;
//! (e) the same scenario remediated twice in fresh simulators gives the same transcript;
//! (f) a file database reopened evaluates exactly as the remediation ended, and export → load
//!     → export of the remediated state is byte-identical and evaluates the same.
//! (g) every call in the transcript, and every read the fixes made, is authorized by an IAM
//!     action that the fix of the control it served declares (least privilege holds for the
//!     calls and reads actually made).
//!
//! A failing case is written as a scenario file (its path is in the failure message); replay
//! it with `hubsim run FILE --remediate`. Cases: 6 by default (plus the committed regression seeds); `HUBSIM_PROPTEST_CASES` or
//! `PROPTEST_CASES` for longer runs.

mod support;

use std::collections::BTreeSet;
use std::path::PathBuf;

use hubsim_checks::remediate::{undeclared_calls, Justification, Options, Outcome, Step};
use hubsim_checks::Report;
use hubsim_scenario::runner;
use hubsim_scenario::{self as scenario, LoadOptions, Scenario};
use hubsim_simulator::Simulator;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

use support::generate::{self, ACCOUNT};
use support::state::{self, State, R};
use support::state_iam_policies;
use support::state_s3_access;

fn cases() -> u32 {
    ["HUBSIM_PROPTEST_CASES", "PROPTEST_CASES"]
        .iter()
        .find_map(|v| std::env::var(v).ok().and_then(|n| n.parse().ok()))
        .unwrap_or(6)
}

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

fn fresh(s: &Scenario) -> R<Simulator> {
    let sim = Simulator::in_memory().map_err(|e| e.to_string())?;
    scenario::load(&sim, s, LoadOptions::default()).map_err(|e| format!("generated scenario does not load: {e}"))?;
    Ok(sim)
}

fn remediate(sim: &Simulator) -> R<Outcome> {
    runner::remediate(sim, Options::default()).map_err(|e| format!("remediation failed: {e}"))
}

type Verdict = (String, String, String, String);

/// (finding id, compliance status, workflow status, note) of every active finding.
fn verdicts(report: &Report) -> BTreeSet<Verdict> {
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.id.clone(),
                f.compliance().to_string(),
                f.workflow.clone().unwrap_or_default(),
                f.note.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn lines(transcript: &[Step]) -> String {
    transcript.iter().map(Step::line).collect::<Vec<_>>().join("\n")
}

/// (b): what is left is PASSED or suppressed for a reason from the fixed list that holds.
fn check_after(outcome: &Outcome, after: &State) -> R<()> {
    for f in &outcome.after.findings {
        let (control, resource) = (&f.control, &f.resource);
        let status = f.compliance().to_string();
        let workflow = f.workflow.clone().unwrap_or_default();
        let at = format!("{control} {} {resource} ({status}, {workflow})", f.region);
        match status.as_str() {
            "PASSED" => continue,
            "WARNING" | "NOT_AVAILABLE" => {
                return Err(format!("{at}: left {status} although AWS Config records every type after remediation"))
            }
            _ => {}
        }
        ensure!(workflow == "SUPPRESSED", "{at}: left {status} and not suppressed");
        let note = f.note.clone().unwrap_or_default();
        if note == Justification::RootHardwareMfa.text() {
            ensure!(control == "IAM.6", "{at}: root hardware MFA justification on another control");
            let (on, virtual_device) = after.root_mfa;
            ensure!(!on || virtual_device, "{at}: suppressed as 'no hardware MFA' but root has a hardware device");
        } else if let Some(rest) = note.strip_prefix("Bucket ") {
            ensure!(control == "S3.9", "{at}: log sink justification on another control");
            let bucket = rest.split(' ').next().unwrap_or_default();
            ensure!(resource.ends_with(&format!(":::{bucket}")), "{at}: justification names bucket {bucket}");
            let buckets = after.logging.iter().filter(|(src, dst)| *dst == bucket && *src != bucket);
            let balancers = after.elb.log_destinations.iter().filter(|(_, dst)| *dst == bucket);
            let sources: Vec<&String> = buckets.chain(balancers).map(|(s, _)| s).collect();
            ensure!(
                !sources.is_empty(),
                "{at}: suppressed as a log sink, but no other bucket or load balancer logs to {bucket}"
            );
        } else if let Some(j) = [
            Justification::RootAccessKeys,
            Justification::RootMfa,
            Justification::KeyMayBeInUse,
            Justification::UserMfa,
            Justification::UnusedCredentials,
        ]
        .into_iter()
        .find(|j| note == j.text())
        {
            check_credential_justification(&j, control, resource, after).map_err(|e| format!("{at}: {e}"))?;
        } else if let Some(rest) = note.strip_prefix("The alarm topic ") {
            ensure!(
                control.starts_with("CloudWatch.") || control == "IAM.20",
                "{at}: unconfirmed-subscription justification on another control"
            );
            let topic = rest.split(' ').next().unwrap_or_default();
            ensure!(
                support::state_monitoring::all_pending(&after.monitoring, topic),
                "{at}: suppressed as unconfirmed, but topic {topic} has no subscription or a confirmed one"
            );
        } else if let Some(held) =
            support::generate_instances::check_justification(&note, control, resource, &after.instances)
        {
            held.map_err(|e| format!("{at}: {e}"))?;
        } else if let Some(held) =
            state_iam_policies::check_justification(&note, control, resource, &after.iam_policies)
        {
            held.map_err(|e| format!("{at}: {e}"))?;
        } else if let Some(held) =
            support::state_keys::check_justification(&note, control, resource, &after.keys_queues)
        {
            held.map_err(|e| format!("{at}: {e}"))?;
        } else if let Some(held) =
            support::generate_lambda::check_justification(&note, control, resource, &after.lambda_ecr.0)
        {
            held.map_err(|e| format!("{at}: {e}"))?;
        } else if let Some(held) = support::generate_elb::check_justification(&note, control, resource, &after.elb) {
            held.map_err(|e| format!("{at}: {e}"))?;
        } else if let Some(held) = support::state_ssm::check_justification(&note, control, resource, &after.ssm) {
            held.map_err(|e| format!("{at}: {e}"))?;
        } else if let Some(held) =
            support::generate_dynamodb::check_justification(&note, control, resource, &after.data.0)
        {
            held.map_err(|e| format!("{at}: {e}"))?;
        } else if let Some(held) =
            support::generate_secrets::check_justification(&note, control, resource, &after.data.1)
        {
            held.map_err(|e| format!("{at}: {e}"))?;
        } else if let Some(held) = support::generate_rds::check_justification(&note, control, resource, &after.rds) {
            held.map_err(|e| format!("{at}: {e}"))?;
        } else if let Some(rest) = note.strip_prefix("Spot Fleet request ") {
            ensure!(control == "EC2.173", "{at}: Spot Fleet justification on another control");
            let fleet = rest.split(' ').next().unwrap_or_default();
            ensure!(resource.ends_with(&format!("/{fleet}")), "{at}: justification names request {fleet}");
            let unencrypted = after
                .templates
                .fleets
                .iter()
                .find(|(k, _)| k.ends_with(fleet))
                .is_some_and(|(_, (_, config))| support::state_templates::has_unencrypted_ebs(config));
            ensure!(unencrypted, "{at}: suppressed as unencrypted, but request {fleet} is gone or fully encrypted");
        } else if note == Justification::AccessPointBlockFixed.text() {
            // Its precondition is the finding itself, still FAILED: the access point still has a
            // Block Public Access setting off, which no call can change.
            ensure!(control == "S3.19", "{at}: access point justification on another control");
        } else if note == Justification::MultiRegionAccessPointBlockFixed.text() {
            ensure!(control == "S3.24", "{at}: Multi-Region Access Point justification on another control");
        } else if note == Justification::VpnTunnelsDown.text() {
            ensure!(control == "EC2.20", "{at}: VPN tunnels justification on another control");
            let id = resource.rsplit('/').next().unwrap_or_default();
            let down = after.vpns.get(id).is_some_and(|(_, status, _)| status.iter().any(|s| s != "UP"));
            ensure!(down, "{at}: suppressed as a tunnel down, but connection {id} is gone or has both tunnels UP");
        } else if note == Justification::InternetGatewaysOpen.text() {
            ensure!(control == "EC2.172", "{at}: VPC Block Public Access justification on another control");
            let region = resource.split(':').nth(3).unwrap_or_default();
            let mode = after.vpc_bpa.get(region).map(String::as_str);
            ensure!(mode == Some("off"), "{at}: suppressed as not blocking, but the mode in {region} is {mode:?}");
        } else if let Some(rest) = note.strip_prefix("hubsim's fix was refused: ") {
            let call = rest.split(" answered ").next().unwrap_or_default();
            let refused = outcome.transcript.iter().any(|s| s.action == call && s.result.starts_with("refused:"));
            ensure!(refused, "{at}: suppressed as refused ({note}) but the transcript holds no refused {call}");
        } else {
            return Err(format!("{at}: suppressed with a justification not on the list: {note:?}"));
        }
    }
    Ok(())
}

/// (b) for the credential justifications: each on its own control, and its precondition holds
/// in the account as remediation left it.
fn check_credential_justification(j: &Justification, control: &str, resource: &str, after: &State) -> R<()> {
    let c = &after.credentials;
    let user = c.users.get(resource);
    let active_key = user.is_some_and(|u| u.keys.values().any(|s| s == "Active"));
    let (want, holds) = match j {
        Justification::RootAccessKeys => ("IAM.4", c.root_keys),
        Justification::RootMfa => ("IAM.9", !after.root_mfa.0 && (c.root_password || c.root_keys)),
        Justification::KeyMayBeInUse => ("IAM.3", active_key),
        Justification::UserMfa => ("IAM.5", user.is_some_and(|u| u.password && !u.mfa)),
        Justification::UnusedCredentials => ("IAM.8", active_key || user.is_some_and(|u| u.password)),
        _ => return Err(format!("{j:?} is not a credential justification")),
    };
    ensure!(control == want, "{j:?} justification on {control}");
    ensure!(holds, "{j:?}'s precondition does not hold: {:?} / root keys {}", user, c.root_keys);
    Ok(())
}

/// (d): nothing that existed before is gone or looser.
fn check_kept(before: &State, after: &State, transcript: &[Step]) -> R<()> {
    for (name, (_, statements)) in &before.buckets {
        let Some((_, now)) = after.buckets.get(name) else { return Err(format!("bucket {name} was deleted")) };
        // S3.6's fix may rewrite only the statements that grant other accounts something, and
        // only into narrowings of themselves.
        let rewritten: Vec<&serde_json::Value> = statements.iter().filter(|st| !now.contains(st)).collect();
        for st in &rewritten {
            ensure!(
                state_s3_access::names_other_account(st, ACCOUNT),
                "bucket {name}: statement {st} was changed or removed"
            );
        }
        for st in now.iter().filter(|s| !statements.contains(s)) {
            let allow = st.get("Effect").and_then(|e| e.as_str()) == Some("Allow");
            let narrowed = rewritten.iter().any(|o| state_s3_access::narrows(st, o));
            ensure!(!allow || state::scoped_service_grant(st, ACCOUNT) || narrowed, "bucket {name}: new Allow {st}");
        }
    }
    for (name, grants) in &before.acls {
        let now = after.acls.get(name).cloned().unwrap_or_default();
        // S3.12's fix resets the ACL to private: the bucket owner's own grant may come back (a
        // header-grant ACL can leave it out), no one else's.
        let owner = hubsim_simulator::testing::canonical_user_id(ACCOUNT);
        let new: Vec<_> = now.difference(grants).filter(|g| !g.contains(&format!("\"ID\":\"{owner}\""))).collect();
        ensure!(new.is_empty(), "bucket {name}: new ACL grants {new:?}");
    }
    for (name, (_, statements)) in &after.buckets {
        let mut sids = BTreeSet::new();
        for sid in statements.iter().filter_map(|s| s.get("Sid").and_then(|v| v.as_str())) {
            ensure!(sids.insert(sid), "bucket {name}: Sid {sid} twice (S3 refuses such a policy)");
        }
    }
    for (arn, (multi, logging)) in &before.trails {
        let Some((m, l)) = after.trails.get(arn) else { return Err(format!("trail {arn} was deleted")) };
        ensure!(!*multi || *m, "trail {arn} is no longer multi-region");
        ensure!(!*logging || *l, "trail {arn} stopped logging");
    }
    for (arn, (statements, key)) in &before.topics {
        let Some((now, k)) = after.topics.get(arn) else { return Err(format!("topic {arn} was deleted")) };
        ensure!(key.is_none() || k.is_some(), "topic {arn} lost its key");
        for st in now.iter().filter(|s| !statements.contains(s)) {
            let allow = st.get("Effect").and_then(|e| e.as_str()) == Some("Allow");
            ensure!(!allow || state::scoped_service_grant(st, ACCOUNT), "topic {arn}: new Allow {st}");
        }
    }
    for (arn, (statements, rotation, enabled)) in &before.keys {
        let Some((now, r, e)) = after.keys.get(arn) else { return Err(format!("key {arn} was deleted")) };
        ensure!(!*rotation || *r, "key {arn}: rotation turned off");
        ensure!(!*enabled || *e, "key {arn}: disabled");
        for st in now.iter().filter(|s| !statements.contains(s)) {
            let allow = st.get("Effect").and_then(|e| e.as_str()) == Some("Allow");
            ensure!(!allow || state::scoped_service_grant(st, ACCOUNT), "key {arn}: new Allow {st}");
        }
    }
    support::generate_iam_credentials::check_kept(&before.credentials, &after.credentials)?;
    support::state_monitoring::check_kept(&before.monitoring, &after.monitoring)?;
    let gone: Vec<_> = before.vpcs.difference(&after.vpcs).collect();
    ensure!(gone.is_empty(), "VPCs deleted: {gone:?}");
    let gone: Vec<_> = before.subnets.difference(&after.subnets).collect();
    ensure!(gone.is_empty(), "subnets deleted: {gone:?}");
    for (id, g) in &before.groups {
        let Some(now) = after.groups.get(id) else {
            // EC2.22's fix deletes an unused group, saying so in the transcript.
            let deletions: Vec<(String, Option<String>)> = transcript
                .iter()
                .filter(|s| s.action == "ec2:DeleteSecurityGroup" && s.result == "ok")
                .map(|s| (s.detail.clone(), s.note.clone()))
                .collect();
            support::generate_instances::deletion_allowed(&before.instances, id, &deletions)?;
            continue;
        };
        if g.name == "default" {
            continue;
        }
        let wider: Vec<_> = now.ingress.difference(&g.ingress).collect();
        ensure!(wider.is_empty(), "security group {id} ({}) now lets in {wider:?}", g.region);
        let wider: Vec<_> = now.egress.difference(&g.egress).collect();
        ensure!(wider.is_empty(), "security group {id} ({}) now lets out {wider:?}", g.region);
        let peers: Vec<_> = now.peers.difference(&g.peers).collect();
        ensure!(peers.is_empty(), "security group {id} now lets in groups {peers:?}");
        // EC2.13/EC2.14's fixes revoke world-open sources only: every narrower one stays.
        let lost: Vec<_> =
            g.rules.iter().filter(|r| r.3 != "0.0.0.0/0" && r.3 != "::/0" && !now.rules.contains(r)).collect();
        ensure!(lost.is_empty(), "security group {id} lost inbound rules that are not world-open: {lost:?}");
    }
    for (id, allowed) in &before.nacls {
        // EC2.16's fix deletes a NACL only when it was unused (no subnet, not a default).
        let Some(now) = after.nacls.get(id) else {
            ensure!(before.unused_nacls.contains(id), "network ACL {id} was deleted while in use or a VPC's default");
            continue;
        };
        let wider: Vec<_> = now.difference(allowed).collect();
        ensure!(wider.is_empty(), "network ACL {id} now lets in {wider:?}");
    }
    for (id, (state, auto)) in &before.tgws {
        let Some((now_state, now_auto)) = after.tgws.get(id) else {
            return Err(format!("transit gateway {id} is gone"));
        };
        ensure!(now_state == state, "transit gateway {id}: state {state} became {now_state}");
        ensure!(
            now_auto == auto || now_auto == "disable",
            "transit gateway {id} now auto-accepts ({auto} → {now_auto})"
        );
    }
    for (id, (state, status, logs)) in &before.vpns {
        let Some((now_state, now_status, now_logs)) = after.vpns.get(id) else {
            return Err(format!("VPN connection {id} is gone"));
        };
        ensure!(now_state == state, "VPN connection {id}: state {state} became {now_state}");
        ensure!(now_status == status, "VPN connection {id}: tunnels {status:?} became {now_status:?}");
        let lost = logs.iter().zip(now_logs).any(|(was, now)| *was && !*now);
        ensure!(
            !lost && now_logs.len() == logs.len(),
            "VPN connection {id}: tunnel logging {logs:?} became {now_logs:?}"
        );
    }
    state_iam_policies::check_kept(&before.iam_policies, &after.iam_policies)?;
    support::generate_instances::check_kept(&before.instances, &after.instances)?;
    support::state_keys::check_kept(&before.keys_queues, &after.keys_queues)?;
    support::generate_lambda::check_kept(&before.lambda_ecr.0, &after.lambda_ecr.0, ACCOUNT)?;
    support::generate_ecr::check_kept(&before.lambda_ecr.1, &after.lambda_ecr.1)?;
    support::state_ssm::check_kept(&before.ssm, &after.ssm)?;
    support::generate_dynamodb::check_kept(&before.data.0, &after.data.0)?;
    support::generate_secrets::check_kept(&before.data.1, &after.data.1)?;
    support::state_templates::check_kept(&before.templates, &after.templates)?;
    support::generate_elb::check_kept(&before.elb, &after.elb)?;
    support::generate_rds::check_kept(&before.rds, &after.rds)?;
    Ok(())
}

/// Every property for one generated scenario.
fn check(s: &Scenario) -> R<()> {
    scenario::validate(s).map_err(|e| format!("generated scenario is invalid: {e}"))?;

    // The main run, on a file database so that (f) can reopen it.
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("state.db");
    let (outcome, before, after) = {
        let sim = Simulator::open(&path).map_err(|e| e.to_string())?;
        scenario::load(&sim, s, LoadOptions::default())
            .map_err(|e| format!("generated scenario does not load: {e}"))?;
        let before = state::read(&sim)?;
        let outcome = remediate(&sim)?;
        let after = state::read(&sim)?;
        (outcome, before, after)
    };
    let transcript = lines(&outcome.transcript);
    if std::env::var_os("HUBSIM_PROPTEST_VERBOSE").is_some() {
        let suppressed: Vec<String> = outcome
            .transcript
            .iter()
            .filter(|s| s.action == "suppress")
            .map(|s| {
                format!("{} {}", s.control, s.note.as_deref().unwrap_or_default().chars().take(60).collect::<String>())
            })
            .collect();
        eprintln!(
            "case: {} steps, {} regions, {} calls in {} rounds, refused {:?}, suppressed {suppressed:#?}",
            s.steps.len(),
            s.account.regions.len(),
            outcome.transcript.len(),
            outcome.rounds,
            outcome.refused
        );
    }
    // (a)
    ensure!(outcome.converged, "(a) did not converge in {} rounds:\n{transcript}", outcome.rounds);
    // (b)
    check_after(&outcome, &after).map_err(|e| format!("(b) {e}\ntranscript:\n{transcript}"))?;
    // (g)
    let undeclared = undeclared_calls(&outcome);
    ensure!(
        undeclared.is_empty(),
        "(g) calls or reads outside their fix's IAM actions: {undeclared:#?}\ntranscript:\n{transcript}"
    );
    // (d)
    check_kept(&before, &after, &outcome.transcript).map_err(|e| format!("(d) {e}\ntranscript:\n{transcript}"))?;

    // (f) reopened from its file, it evaluates as the remediation ended.
    let sim = Simulator::open(&path).map_err(|e| e.to_string())?;
    let reopened = runner::evaluate(&sim, false).map_err(|e| e.to_string())?;
    let (want, got) = (verdicts(&outcome.after), verdicts(&reopened));
    ensure!(
        want == got,
        "(f) reopened database evaluates differently:\nonly after remediation: {:#?}\nonly reopened: {:#?}",
        want.difference(&got).collect::<Vec<_>>(),
        got.difference(&want).collect::<Vec<_>>()
    );

    // (c) a second run makes no call.
    let again = remediate(&sim)?;
    ensure!(
        again.transcript.is_empty(),
        "(c) second remediation acted:\n{}\nfirst transcript:\n{transcript}",
        lines(&again.transcript)
    );

    // (f) export → load → export is byte-identical and evaluates the same.
    let exported = scenario::export(&sim).map_err(|e| format!("(f) export: {e}"))?;
    let parsed = scenario::parse(&exported).map_err(|e| format!("(f) exported scenario does not parse: {e}"))?;
    let copy = fresh(&parsed).map_err(|e| format!("(f) exported scenario: {e}"))?;
    let again_exported = scenario::export(&copy).map_err(|e| format!("(f) export of the copy: {e}"))?;
    ensure!(exported == again_exported, "(f) export → load → export differs");
    // The second run's closing evaluation is the original's (it changed nothing).
    let (a, b) = (&again.after, &runner::evaluate(&copy, false).map_err(|e| e.to_string())?);
    let strip = |r: &Report| -> BTreeSet<(String, String, String)> {
        verdicts(r).into_iter().map(|(id, c, w, _)| (id, c, w)).collect()
    };
    ensure!(
        strip(a) == strip(b),
        "(f) the exported copy evaluates differently:\nonly the original: {:#?}\nonly the copy: {:#?}",
        strip(a).difference(&strip(b)).collect::<Vec<_>>(),
        strip(b).difference(&strip(a)).collect::<Vec<_>>()
    );

    // (e) the same scenario in a fresh simulator gives the same transcript.
    let twin = fresh(s)?;
    let second = remediate(&twin)?;
    ensure!(
        second.transcript == outcome.transcript,
        "(e) transcripts differ:\nfirst:\n{transcript}\nsecond:\n{}",
        lines(&second.transcript)
    );
    Ok(())
}

/// Writes a failing scenario where it can be replayed; returns its path.
fn write_case(s: &Scenario) -> PathBuf {
    let text = serde_json::to_string_pretty(s).unwrap_or_default();
    let mut hash: u64 = 0xcbf29ce484222325;
    for b in text.bytes() {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x100000001b3);
    }
    let dir = std::env::temp_dir().join("hubsim-remediation-properties");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("case-{hash:016x}.json"));
    let _ = std::fs::write(&path, text + "\n");
    path
}

proptest! {
    #![proptest_config(Config {
        cases: cases(),
        max_shrink_iters: 64,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/remediation_properties.txt",
        ))),
        ..Config::default()
    })]

    #[test]
    fn remediation_converges_keeps_what_the_user_owns_and_is_reproducible(plan in generate::plan()) {
        let s = plan.scenario();
        if let Err(e) = check(&s) {
            let path = write_case(&s);
            prop_assert!(false, "{e}\n\nscenario written to {}; replay with `hubsim run {} --remediate`",
                path.display(), path.display());
        }
    }
}
