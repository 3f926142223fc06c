//! hubsim's own routes (not AWS), under `/_hubsim/`:
//!
//! * `GET /_hubsim/health` → `{"status": "ok", "account": ..., "era": ...}`;
//! * `POST /_hubsim/evaluate` → the evaluator's JSON summary (through [`crate::Hooks`]);
//! * `POST /_hubsim/reset` → the state goes back to the seed the [`crate::State`] was given
//!   (for `hubsim serve`, the scenario the database was created from, across restarts);
//! * `POST /_hubsim/snapshot` and `POST /_hubsim/restore`, body `{"name": "..."}`; at most
//!   [`State::max_snapshots`] names are kept (a new one beyond them: 409, replacing one is fine);
//! * `POST /_hubsim/advance-clock`, body `{"Days": n, "Hours": n, "Minutes": n}` (any of them,
//!   whole numbers ≥ 0, not all 0) → `{"now": "<ISO 8601 time>"}`: the scenario step
//!   `hubsim:AdvanceClock`, run through the same call (journaled, atomic). Periodic controls see
//!   the new time on the next `POST /_hubsim/evaluate`.
//!
//! Answers are JSON; failures are `{"error": "..."}` with a 4xx/5xx status.

use serde_json::{json, Value};

use crate::protocol::{Request, Response};
use crate::route::DEFAULT_REGION;
use crate::{SnapshotError, State};

/// The path prefix of the admin routes.
pub const PREFIX: &str = "/_hubsim/";

fn reply(status: u16, body: Value) -> Response {
    Response {
        status,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.to_string().into_bytes(),
    }
}

/// An admin route's failure: `{"error": message}` with `status`.
pub(crate) fn error(status: u16, message: impl Into<String>) -> Response {
    fail(status, message)
}

fn fail(status: u16, message: impl Into<String>) -> Response {
    reply(status, json!({"error": message.into()}))
}

/// The `name` of a snapshot request body.
fn snapshot_name(req: &Request) -> Result<String, Response> {
    let body: Value = serde_json::from_slice(&req.body)
        .map_err(|e| fail(400, format!("the body must be JSON like {{\"name\": \"...\"}}: {e}")))?;
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| fail(400, "the body must have a string member \"name\""))?;
    if name.is_empty() || name.len() > 128 {
        return Err(fail(400, "a snapshot name has 1 to 128 characters"));
    }
    Ok(name.to_string())
}

/// The largest move of the clock one request may ask for, per unit (about 100 years).
const MAX_DAYS: i64 = 36_500;

/// The `hubsim:AdvanceClock` input of an advance-clock request body.
fn clock_input(req: &Request) -> Result<Value, Response> {
    const UNITS: [(&str, i64); 3] = [("Days", MAX_DAYS), ("Hours", MAX_DAYS * 24), ("Minutes", MAX_DAYS * 24 * 60)];
    let body: Value = serde_json::from_slice(&req.body).map_err(|e| {
        fail(400, format!("the body must be JSON like {{\"Days\": 1, \"Hours\": 2, \"Minutes\": 3}}: {e}"))
    })?;
    let Some(members) = body.as_object() else {
        return Err(fail(400, "the body must be a JSON object with Days, Hours or Minutes"));
    };
    if let Some(unknown) = members.keys().find(|k| !UNITS.iter().any(|(u, _)| u == k)) {
        return Err(fail(400, format!("unknown member \"{unknown}\": only Days, Hours and Minutes move the clock")));
    }
    let mut input = serde_json::Map::new();
    for (unit, max) in UNITS {
        let Some(value) = members.get(unit) else { continue };
        match value.as_i64() {
            Some(n) if (0..=max).contains(&n) => {
                input.insert(unit.to_string(), json!(n));
            }
            _ => return Err(fail(400, format!("{unit} must be a whole number from 0 to {max}, not {value}"))),
        }
    }
    if input.values().all(|v| v.as_i64() == Some(0)) {
        return Err(fail(400, "give Days, Hours or Minutes greater than 0"));
    }
    Ok(Value::Object(input))
}

/// Moves the simulated clock, as the scenario step `hubsim:AdvanceClock` does.
fn advance_clock(state: &State, req: &Request) -> Response {
    let input = match clock_input(req) {
        Ok(input) => input,
        Err(response) => return response,
    };
    let result = state.with_sim(|sim| {
        let region = sim.settings().map(|s| s.account.home_region).unwrap_or_else(|| DEFAULT_REGION.to_string());
        sim.call_json(&region, "hubsim", "AdvanceClock", input)
    });
    match result {
        Ok(output) => {
            state.mark_changed();
            reply(200, json!({"now": output.get("Now").cloned().unwrap_or(Value::Null)}))
        }
        Err(e) => fail(if e.status >= 500 { 500 } else { 400 }, format!("{}: {}", e.code, e.message)),
    }
}

/// Answers one admin request.
pub fn handle(state: &State, req: &Request) -> Response {
    let route = req.path.strip_prefix(PREFIX).unwrap_or("").trim_end_matches('/');
    let method = req.method.as_str();
    match (method, route) {
        ("GET", "health") => state.with_sim(|sim| match sim.settings() {
            Some(s) => reply(200, json!({"status": "ok", "account": s.account.id, "era": s.era.as_str()})),
            None => reply(200, json!({"status": "ok", "account": null})),
        }),
        ("POST", "evaluate") => match state.hooks() {
            Some(hooks) => match state.with_sim(|sim| state.evaluate(sim, hooks.as_ref())) {
                Ok(summary) => reply(200, summary),
                Err(e) => fail(500, e),
            },
            None => fail(501, "this server has no evaluator"),
        },
        ("POST", "reset") => match state.reset() {
            Ok(()) => reply(200, json!({"reset": true})),
            Err(e) => fail(500, e.to_string()),
        },
        ("POST", "snapshot") => match snapshot_name(req) {
            Ok(name) => match state.save_snapshot(&name) {
                Ok(()) => reply(200, json!({"snapshot": name})),
                Err(e @ SnapshotError::Full(_)) => fail(409, e.to_string()),
                Err(e) => fail(500, e.to_string()),
            },
            Err(response) => response,
        },
        ("POST", "restore") => match snapshot_name(req) {
            Ok(name) => match state.restore_snapshot(&name) {
                Ok(true) => reply(200, json!({"restored": name})),
                Ok(false) => fail(404, format!("no snapshot called '{name}'")),
                Err(e) => fail(500, e.to_string()),
            },
            Err(response) => response,
        },
        ("POST", "advance-clock") => advance_clock(state, req),
        (_, "health" | "evaluate" | "reset" | "snapshot" | "restore" | "advance-clock") => {
            fail(405, format!("{method} is not allowed on {}", req.path))
        }
        _ => fail(404, format!("no admin route {}", req.path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hubsim_simulator::testing::fresh_account;
    use hubsim_simulator::Era;

    fn post(path: &str, body: &str) -> Request {
        Request { method: "POST".into(), path: path.into(), body: body.as_bytes().to_vec(), ..Default::default() }
    }

    fn buckets(state: &State) -> usize {
        state.with_sim(|sim| sim.inventory().map(|i| i.get("s3:bucket").copied().unwrap_or(0)).unwrap_or(0))
    }

    #[test]
    fn snapshot_restore_and_reset_in_memory() {
        let sim = fresh_account(Era::Current, &["us-east-1"]);
        let state = State::new(sim).expect("state");
        assert_eq!(
            handle(&state, &Request { method: "GET".into(), path: "/_hubsim/health".into(), ..Default::default() })
                .status,
            200
        );
        assert_eq!(handle(&state, &post("/_hubsim/snapshot", r#"{"name": "empty"}"#)).status, 200);
        state
            .with_sim(|sim| sim.call_json("us-east-1", "s3", "CreateBucket", json!({"Bucket": "b-1"})))
            .expect("bucket");
        assert_eq!(buckets(&state), 1);
        assert_eq!(handle(&state, &post("/_hubsim/snapshot", r#"{"name": "one"}"#)).status, 200);
        assert_eq!(handle(&state, &post("/_hubsim/restore", r#"{"name": "empty"}"#)).status, 200);
        assert_eq!(buckets(&state), 0);
        assert_eq!(handle(&state, &post("/_hubsim/restore", r#"{"name": "one"}"#)).status, 200);
        assert_eq!(buckets(&state), 1);
        assert_eq!(handle(&state, &post("/_hubsim/reset", "")).status, 200);
        assert_eq!(buckets(&state), 0);
        assert_eq!(handle(&state, &post("/_hubsim/restore", r#"{"name": "nope"}"#)).status, 404);
        assert_eq!(handle(&state, &post("/_hubsim/restore", "garbage")).status, 400);
        assert_eq!(handle(&state, &post("/_hubsim/evaluate", "")).status, 501);
        assert_eq!(handle(&state, &post("/_hubsim/nothing", "")).status, 404);
    }

    #[test]
    fn snapshots_beyond_the_cap_are_refused_and_replacing_one_is_not() {
        let sim = fresh_account(Era::Current, &["us-east-1"]);
        let state = State::new(sim).expect("state").with_max_snapshots(2);
        assert_eq!(handle(&state, &post("/_hubsim/snapshot", r#"{"name": "a"}"#)).status, 200);
        assert_eq!(handle(&state, &post("/_hubsim/snapshot", r#"{"name": "b"}"#)).status, 200);
        let full = handle(&state, &post("/_hubsim/snapshot", r#"{"name": "c"}"#));
        assert_eq!(full.status, 409);
        let body: Value = serde_json::from_slice(&full.body).expect("json");
        let message = body["error"].as_str().expect("error");
        assert!(message.contains("at most 2 snapshots") && message.contains("--max-snapshots"), "{message}");
        assert!(!state.has_snapshot("c"));
        // Replacing a kept name is fine, and holds the new state.
        state
            .with_sim(|sim| sim.call_json("us-east-1", "s3", "CreateBucket", json!({"Bucket": "b-1"})))
            .expect("bucket");
        assert_eq!(handle(&state, &post("/_hubsim/snapshot", r#"{"name": "a"}"#)).status, 200);
        assert_eq!(handle(&state, &post("/_hubsim/reset", "")).status, 200);
        assert_eq!(handle(&state, &post("/_hubsim/restore", r#"{"name": "a"}"#)).status, 200);
        assert_eq!(buckets(&state), 1);
    }

    #[test]
    fn advance_clock_moves_the_clock_and_refuses_bad_bodies() {
        let sim = fresh_account(Era::Current, &["us-east-1"]);
        let state = State::new(sim).expect("state");
        let now = |r: &Response| -> String {
            let v: Value = serde_json::from_slice(&r.body).expect("json");
            v["now"].as_str().expect("now").to_string()
        };
        let first = handle(&state, &post("/_hubsim/advance-clock", r#"{"Minutes": 1}"#));
        assert_eq!(first.status, 200, "{}", String::from_utf8_lossy(&first.body));
        let second = handle(&state, &post("/_hubsim/advance-clock", r#"{"Days": 1, "Hours": 2}"#));
        assert_eq!(second.status, 200);
        // ISO 8601 strings of the same shape order like the times they name.
        assert!(now(&second) > now(&first), "{} then {}", now(&first), now(&second));
        for bad in [
            "",
            "[]",
            r#"{"Weeks": 1}"#,
            r#"{"Days": -1}"#,
            r#"{"Hours": 1.5}"#,
            r#"{"Days": "1"}"#,
            "{}",
            r#"{"Days": 0}"#,
            r#"{"Days": 99999999}"#,
        ] {
            let r = handle(&state, &post("/_hubsim/advance-clock", bad));
            assert_eq!(r.status, 400, "{bad}: {}", String::from_utf8_lossy(&r.body));
            let v: Value = serde_json::from_slice(&r.body).expect("json");
            assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{bad}");
        }
        let get = Request { method: "GET".into(), path: "/_hubsim/advance-clock".into(), ..Default::default() };
        assert_eq!(handle(&state, &get).status, 405);
    }

    #[test]
    fn restore_replaces_a_file_database() {
        let dir = std::env::temp_dir().join(format!("hubsim-admin-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let db = dir.join("state.db");
        let _ = std::fs::remove_file(&db);
        let seed = fresh_account(Era::Current, &["us-east-1"]);
        seed.save_to(&db).expect("save");
        let sim = hubsim_simulator::Simulator::open(&db).expect("open");
        let state = State::new(sim).expect("state");
        state
            .with_sim(|sim| sim.call_json("us-east-1", "s3", "CreateBucket", json!({"Bucket": "b-1"})))
            .expect("bucket");
        assert_eq!(buckets(&state), 1);
        assert_eq!(handle(&state, &post("/_hubsim/reset", "")).status, 200);
        assert_eq!(buckets(&state), 0);
        // The file itself holds the reset state (once the server lets go of it).
        drop(state);
        let reopened = hubsim_simulator::Simulator::open(&db).expect("reopen");
        assert_eq!(reopened.inventory().expect("inventory").get("s3:bucket"), None);
        drop(reopened);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
