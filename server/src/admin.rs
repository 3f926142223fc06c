//! hubsim's own routes (not AWS), under `/_hubsim/`:
//!
//! * `GET /_hubsim/health` → `{"status": "ok", "account": ..., "era": ...}`;
//! * `POST /_hubsim/evaluate` → the evaluator's JSON summary (through [`crate::Hooks`]);
//! * `POST /_hubsim/reset` → the state goes back to the seed (the state when the server started);
//! * `POST /_hubsim/snapshot` and `POST /_hubsim/restore`, body `{"name": "..."}`.
//!
//! Answers are JSON; failures are `{"error": "..."}` with a 4xx/5xx status.

use serde_json::{json, Value};

use crate::protocol::{Request, Response};
use crate::State;

/// The path prefix of the admin routes.
pub const PREFIX: &str = "/_hubsim/";

fn reply(status: u16, body: Value) -> Response {
    Response {
        status,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.to_string().into_bytes(),
    }
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
            Some(hooks) => match state.with_sim(|sim| hooks.evaluate(sim)) {
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
        (_, "health" | "evaluate" | "reset" | "snapshot" | "restore") => {
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
        let state = State::new(sim, None).expect("state");
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
    fn restore_replaces_a_file_database() {
        let dir = std::env::temp_dir().join(format!("hubsim-admin-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let db = dir.join("state.db");
        let _ = std::fs::remove_file(&db);
        let seed = fresh_account(Era::Current, &["us-east-1"]);
        seed.save_to(&db).expect("save");
        let sim = hubsim_simulator::Simulator::open(&db).expect("open");
        let state = State::new(sim, Some(db.clone())).expect("state");
        state
            .with_sim(|sim| sim.call_json("us-east-1", "s3", "CreateBucket", json!({"Bucket": "b-1"})))
            .expect("bucket");
        assert_eq!(buckets(&state), 1);
        assert_eq!(handle(&state, &post("/_hubsim/reset", "")).status, 200);
        assert_eq!(buckets(&state), 0);
        // The file itself holds the reset state.
        let reopened = hubsim_simulator::Simulator::open(&db).expect("reopen");
        assert_eq!(reopened.inventory().expect("inventory").get("s3:bucket"), None);
        drop(reopened);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
