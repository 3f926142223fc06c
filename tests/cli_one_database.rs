//! One database, one truth: a database file is held by one hubsim process at a time. While
//! `hubsim serve` holds it, every other command on it fails at once (exit 3, naming the
//! holder) and changes nothing; clients racing through the one holder lose no acknowledged
//! write; once the holder is gone (even by `kill -9`) the file opens normally. And
//! `POST /_hubsim/reset` returns to the scenario the database was created from, across
//! restarts.

mod wire_support;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;
use wire_support::{boto, have_boto3, raw};

fn scenario(name: &str) -> String {
    format!("{}/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"))
}

fn hubsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hubsim")).args(args).stdin(Stdio::null()).output().expect("run hubsim")
}

fn load(file: &str, db: &Path) {
    let out = hubsim(&["scenario", "load", file, "--db", &db.to_string_lossy()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A `hubsim serve --db` child, started directly so that its pid is hubsim's own.
struct Serve {
    child: Child,
    port: u16,
}

impl Serve {
    fn start(db: &Path) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hubsim"))
            .args(["serve", "--port", "0", "--db"])
            .arg(db)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn hubsim serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("first line");
        let port = line.trim_end().rsplit(':').next().and_then(|p| p.parse().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let mut stderr = String::new();
            let _ = child.stderr.take().expect("stderr").read_to_string(&mut stderr);
            panic!("serve printed no port: {line:?}\n{stderr}");
        };
        Serve { child, port }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the server with SIGKILL (no chance to clean up) and returns what it printed on
    /// stderr.
    fn kill(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut stderr = String::new();
        let _ = self.child.stderr.take().expect("stderr").read_to_string(&mut stderr);
        stderr
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every row of the database's tables (meta, resources, journal) as JSON text, read through a
/// read-only SQLite connection (python's), so that it can look while a server holds the file.
fn dump(db: &Path) -> String {
    let program = r#"
import json, sqlite3, sys
c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
out = {
    "meta": c.execute("SELECT key, value FROM meta ORDER BY key").fetchall(),
    "resources": c.execute("SELECT account, region, kind, id, seq, doc FROM resources ORDER BY account, region, kind, id").fetchall(),
    "journal": c.execute("SELECT seq, account, region, service, operation, input, output, error, at FROM journal ORDER BY seq").fetchall(),
}
print(json.dumps(out))
"#;
    let out = Command::new("python3").arg("-c").arg(program).arg(db).output().expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

fn python_sqlite(db: &Path, statement: &str) {
    let program =
        "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute(sys.argv[2])\nc.commit()\nc.close()\n";
    let out = Command::new("python3").arg("-c").arg(program).arg(db).arg(statement).output().expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn temp_db(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("state.db")
}

#[test]
fn every_command_on_a_served_database_fails_at_once_naming_the_holder_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = temp_db(&dir);
    let file = db.to_string_lossy().into_owned();
    load(&scenario("fresh-account"), &db);
    let server = Serve::start(&db);
    let before = dump(&db);

    let other = scenario("s3-9-log-bucket");
    let commands: [&[&str]; 6] = [
        &["serve", "--port", "0", "--db", &file],
        &["evaluate", "--db", &file],
        &["remediate", "--db", &file],
        &["remediate", "--db", &file, "--dry-run"],
        &["scenario", "load", &other, "--db", &file, "--reset"],
        &["scenario", "export", "--db", &file],
    ];
    for args in commands {
        let out = hubsim(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("{file} is in use by hubsim serve --port 0 --db {file}")),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains(&format!("(pid {})", server.pid())), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", String::from_utf8_lossy(&out.stdout));
    }
    assert_eq!(dump(&db), before, "a refused command changed the database");

    // The holder dies without cleaning up: the kernel drops its lock, and its lock file blocks
    // nobody.
    let _ = server.kill();
    assert!(dir.path().join("state.db.lock").exists());
    let out = hubsim(&["scenario", "export", "--db", &file]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = hubsim(&["remediate", "--db", &file]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_ne!(dump(&db), before, "the remediation, once it could open the file, changed it");
}

/// What each racing client does: 400 acknowledged writes through the one server, every eighth
/// a new security group, the rest a rule on a port of its own on one of the shared groups, both
/// clients taking them in turn (a read-modify-write of that group's document; sixteen groups
/// keep each under AWS's 60 inbound rules). It prints what the server acknowledged.
const RACER: &str = r#"
import json, sys, boto3
from botocore.config import Config
port, shared, base, n, tag = int(sys.argv[1]), sys.argv[2].split(","), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
ec2 = boto3.client("ec2", endpoint_url=f"http://127.0.0.1:{port}", region_name="ap-northeast-1",
    aws_access_key_id="AKIDHUBSIMTEST", aws_secret_access_key="secret",
    config=Config(retries={"max_attempts": 1, "mode": "standard"}))
groups, rules = [], []
for i in range(n):
    if i % 8 == 0:
        groups.append(ec2.create_security_group(GroupName=f"race-{tag}-{i}", Description="race")["GroupId"])
    else:
        answer = ec2.authorize_security_group_ingress(GroupId=shared[i % len(shared)], IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": base + i, "ToPort": base + i,
            "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
        rules += [[r["SecurityGroupRuleId"], r["FromPort"]] for r in answer["SecurityGroupRules"]]
print(json.dumps({"groups": groups, "rules": rules}))
"#;

#[test]
fn two_client_processes_racing_800_writes_through_the_holder_lose_none() {
    if !have_boto3() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = temp_db(&dir);
    let file = db.to_string_lossy().into_owned();
    load(&scenario("fresh-account"), &db);
    let server = Serve::start(&db);
    let port = server.port;
    let shared = boto(
        port,
        r#"
ec2 = client("ec2", "ap-northeast-1")
OUT["ids"] = ",".join(ec2.create_security_group(GroupName=f"shared-{n}", Description="race")["GroupId"] for n in range(16))
"#,
    )["ids"]
        .as_str()
        .expect("group ids")
        .to_string();

    const PER_CLIENT: u16 = 400;
    let racers: Vec<(u16, Child)> = [(1000u16, "a"), (5000u16, "b")]
        .into_iter()
        .map(|(base, tag)| {
            let child = Command::new("python3")
                .args(["-c", RACER, &port.to_string(), &shared, &base.to_string(), &PER_CLIENT.to_string(), tag])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("python3");
            (base, child)
        })
        .collect();
    // Meanwhile another hubsim process on the file is refused.
    let out = hubsim(&["remediate", "--db", &file]);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));

    let mut groups = Vec::new();
    let mut rules = Vec::new();
    let mut ports = BTreeSet::new();
    for (base, child) in racers {
        let out = child.wait_with_output().expect("racer");
        assert!(out.status.success(), "racer failed: {}", String::from_utf8_lossy(&out.stderr));
        let acked: Value = serde_json::from_slice(&out.stdout).expect("racer JSON");
        groups.extend(acked["groups"].as_array().expect("groups").iter().map(|g| g.as_str().expect("id").to_string()));
        for rule in acked["rules"].as_array().expect("rules") {
            rules.push(rule[0].as_str().expect("rule id").to_string());
            ports.insert(rule[1].as_u64().expect("port"));
        }
        let expected: BTreeSet<u64> =
            (0..PER_CLIENT).filter(|i| i % 8 != 0).map(|i| u64::from(base) + u64::from(i)).collect();
        assert!(expected.is_subset(&ports), "a racer's acknowledged ports are missing from its answers");
    }
    assert_eq!(groups.len() + rules.len(), 800, "every call was acknowledged");
    let unique_groups: BTreeSet<_> = groups.iter().collect();
    let unique_rules: BTreeSet<_> = rules.iter().collect();
    assert_eq!(unique_groups.len(), groups.len(), "a security group id was handed out twice");
    assert_eq!(unique_rules.len(), rules.len(), "a rule id was handed out twice");

    // Every acknowledged write is there.
    let stored = boto(
        port,
        &format!(
            r#"
ec2 = client("ec2", "ap-northeast-1")
OUT["groups"] = [g["GroupId"] for p in ec2.get_paginator("describe_security_groups").paginate() for g in p["SecurityGroups"]]
OUT["rules"] = [[r["SecurityGroupRuleId"], r["FromPort"]] for p in ec2.get_paginator("describe_security_group_rules").paginate(
    Filters=[{{"Name": "group-id", "Values": "{shared}".split(",")}}]) for r in p["SecurityGroupRules"] if not r["IsEgress"]]
"#
        ),
    );
    let stored_groups: BTreeSet<&str> =
        stored["groups"].as_array().expect("groups").iter().filter_map(|g| g.as_str()).collect();
    for g in &groups {
        assert!(stored_groups.contains(g.as_str()), "acknowledged group {g} is lost");
    }
    let stored_rules: BTreeSet<(String, u64)> = stored["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| (r[0].as_str().expect("id").to_string(), r[1].as_u64().expect("port")))
        .collect();
    assert_eq!(stored_rules.len(), rules.len(), "the shared groups hold exactly the acknowledged rules");
    let stored_ids: BTreeSet<&String> = stored_rules.iter().map(|(id, _)| id).collect();
    assert_eq!(stored_ids, unique_rules, "the stored rule ids are the acknowledged ones");
    let stored_ports: BTreeSet<u64> = stored_rules.iter().map(|(_, p)| *p).collect();
    assert_eq!(stored_ports, ports);
    let _ = server.kill();

    // The clock never went backwards: each journaled call is one second after the one before.
    let journal: Value = serde_json::from_str(&dump(&db)).expect("dump");
    let times: Vec<i64> =
        journal["journal"].as_array().expect("journal").iter().map(|row| row[8].as_i64().expect("at")).collect();
    let raced = times.len();
    assert!(raced >= 801, "{raced} journal rows for 801 writes");
    for pair in times.windows(2) {
        assert_eq!(pair[1] - pair[0], 1000, "the clock moved from {} to {}", pair[0], pair[1]);
    }
}

/// A change made through the server, and whether it is there.
fn security_group(port: u16, name: &str, create: bool) -> bool {
    let script = format!(
        r#"
ec2 = client("ec2", "ap-northeast-1")
if {create}:
    ec2.create_security_group(GroupName="{name}", Description="change")
OUT["found"] = bool(ec2.describe_security_groups(Filters=[{{"Name": "group-name", "Values": ["{name}"]}}])["SecurityGroups"])
"#,
        create = if create { "True" } else { "False" }
    );
    boto(port, &script)["found"].as_bool().expect("found")
}

fn reset(port: u16) {
    let (status, _, body) = raw(port, "POST", "/_hubsim/reset", &[("Content-Type", "application/json")], b"");
    assert_eq!(status, 200, "{body}");
}

#[test]
fn reset_returns_to_the_loaded_scenario_across_restarts() {
    if !have_boto3() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = temp_db(&dir);
    let fresh = dir.path().join("fresh.db");
    load(&scenario("half-fixed-account"), &db);
    load(&scenario("half-fixed-account"), &fresh);
    let loaded = dump(&fresh);
    assert_eq!(dump(&db), loaded, "two loads of one scenario give one state");

    let first = Serve::start(&db);
    assert!(security_group(first.port, "before-restart", true));
    let stderr = first.kill();
    assert!(!stderr.contains("note:"), "{stderr}");

    let second = Serve::start(&db);
    assert!(security_group(second.port, "before-restart", false), "the first change survived the restart");
    assert!(security_group(second.port, "after-restart", true));
    reset(second.port);
    assert!(!security_group(second.port, "before-restart", false));
    assert!(!security_group(second.port, "after-restart", false));
    let stderr = second.kill();
    assert!(!stderr.contains("note:"), "{stderr}");
    assert_eq!(dump(&db), loaded, "after the reset the file holds the state the load made");
}

#[test]
fn a_database_without_a_recorded_seed_resets_to_its_state_at_start_with_a_note() {
    if !have_boto3() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = temp_db(&dir);
    load(&scenario("fresh-account"), &db);
    // What a database made before seeds were recorded looks like.
    python_sqlite(&db, "DELETE FROM meta WHERE key = 'seed'");
    let first = Serve::start(&db);
    assert!(security_group(first.port, "before-restart", true));
    let stderr = first.kill();
    assert!(stderr.contains("records no seed"), "{stderr}");

    let second = Serve::start(&db);
    assert!(security_group(second.port, "after-restart", true));
    reset(second.port);
    assert!(security_group(second.port, "before-restart", false), "the state at this start is kept");
    assert!(!security_group(second.port, "after-restart", false));
    let stderr = second.kill();
    let notes: Vec<&str> = stderr.lines().filter(|l| l.starts_with("note:")).collect();
    assert_eq!(notes.len(), 1, "{stderr}");
    assert!(notes[0].contains("records no seed") && notes[0].contains("at this start"), "{stderr}");
}
