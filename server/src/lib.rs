//! hubsim's AWS-compatible HTTP endpoint: the simulator over AWS's wire protocols, so the aws
//! CLI, boto3 and scanners work against it unchanged. Only this crate knows HTTP.
//!
//! * [`protocol`]: one codec per wire protocol, driven by the service models.
//! * [`auth`]: the SigV4 credential scope that routes a request, or why its signature is malformed.
//! * [`guard`]: who may talk to hubsim (Origin, Host, admin content type), before anything runs.
//! * [`signature`]: SigV4 verification, when `serve --verify-signatures` asks for it.
//! * [`route`]: which service, region and operation a request is for, and the dispatch.
//! * [`http`]: the hyper server.
//! * [`admin`]: hubsim's own routes under `/_hubsim/` (health, evaluate, reset, snapshots, the clock).

pub mod admin;
pub mod auth;
pub mod guard;
pub mod http;
pub mod protocol;
pub mod request_log;
pub mod route;
pub mod signature;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use hubsim_simulator::{SimError, Simulator};

/// What the server cannot do itself and the binary provides (the evaluator lives in another
/// crate that depends on the simulator, not on the server).
pub trait Hooks: Send + Sync {
    /// Runs every enabled control against `sim` now, records the findings, and returns a JSON
    /// summary (score, control statuses).
    fn evaluate(&self, sim: &Simulator) -> Result<serde_json::Value, String>;

    /// Re-runs the change-triggered controls after the account changed (what AWS Config's
    /// change notifications trigger). Called lazily, before findings are read.
    fn refresh(&self, _sim: &Simulator) -> Result<(), String> {
        Ok(())
    }
}

/// How many named snapshots a server keeps by default. Each is a whole copy of the database
/// in memory (about 0.6 MB for the default account, more as the state grows), so the cap bounds
/// what clients can make it hold.
pub const DEFAULT_MAX_SNAPSHOTS: usize = 16;

/// Why a snapshot was not saved.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// As many snapshots as allowed are kept already and the name is new.
    #[error(
        "hubsim keeps at most {0} snapshots and all are taken: save under an existing name to replace it, \
         or start hubsim with a larger --max-snapshots"
    )]
    Full(usize),
    /// The simulator could not copy the state.
    #[error(transparent)]
    Sim(#[from] SimError),
}

/// The server's state: the live simulator, the seed it can be reset to, named snapshots.
pub struct State {
    sim: RwLock<Simulator>,
    seed: Simulator,
    snapshots: Mutex<HashMap<String, Simulator>>,
    hooks: Option<Arc<dyn Hooks>>,
    /// A mutating call succeeded since change-triggered controls last ran.
    changed: std::sync::atomic::AtomicBool,
    /// Held while the change-triggered controls run or a full evaluation does: a GetFindings
    /// that finds a refresh in progress waits for it (and only GetFindings waits), so its
    /// answer reflects the account as of its call; and findings judged from an older view of
    /// the account never land after those of a newer one.
    refreshing: Mutex<()>,
    body_limit: usize,
    guard: guard::Guard,
    max_connections: usize,
    idle_timeout: std::time::Duration,
    max_snapshots: usize,
    keys: Option<signature::Keys>,
    /// Print a line per request on standard error ([`request_log`]).
    request_log: bool,
    requests: AtomicU64,
    salt: u64,
}

impl State {
    /// Serves `sim` (a file or an in-memory database). The state as it is now is the seed
    /// `POST /_hubsim/reset` returns to.
    pub fn new(sim: Simulator) -> Result<State, SimError> {
        let seed = sim.snapshot()?;
        Ok(State::with_seed(sim, seed))
    }

    /// Serves `sim`; `POST /_hubsim/reset` returns to `seed` (for `hubsim serve`, the state
    /// the database was created from, which outlives restarts).
    pub fn with_seed(sim: Simulator, seed: Simulator) -> State {
        let salt = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
            ^ u64::from(std::process::id()).rotate_left(32);
        State {
            sim: RwLock::new(sim),
            seed,
            snapshots: Mutex::new(HashMap::new()),
            hooks: None,
            changed: std::sync::atomic::AtomicBool::new(true),
            refreshing: Mutex::new(()),
            body_limit: http::DEFAULT_BODY_LIMIT,
            guard: guard::Guard::new(),
            max_connections: http::DEFAULT_MAX_CONNECTIONS,
            idle_timeout: http::DEFAULT_IDLE_TIMEOUT,
            max_snapshots: DEFAULT_MAX_SNAPSHOTS,
            keys: None,
            request_log: false,
            requests: AtomicU64::new(0),
            salt,
        }
    }

    /// Prints one line per request on standard error (see [`request_log`]).
    pub fn with_request_log(mut self, on: bool) -> State {
        self.request_log = on;
        self
    }

    /// Adds the hooks the admin routes call.
    pub fn with_hooks(mut self, hooks: Arc<dyn Hooks>) -> State {
        self.hooks = Some(hooks);
        self
    }

    /// Sets the largest accepted request body.
    pub fn with_body_limit(mut self, bytes: usize) -> State {
        self.body_limit = bytes;
        self
    }

    /// Sets who may talk to the server besides loopback clients without an `Origin`.
    pub fn with_guard(mut self, guard: guard::Guard) -> State {
        self.guard = guard;
        self
    }

    /// Sets how many connections are served at once (at least 1); more get a 503 and are closed.
    pub fn with_max_connections(mut self, connections: usize) -> State {
        self.max_connections = connections.max(1);
        self
    }

    /// Sets how long a connection may take to send a request's head (the wait on an idle
    /// keep-alive connection included) and, separately, its body, before it is closed.
    pub fn with_idle_timeout(mut self, timeout: std::time::Duration) -> State {
        self.idle_timeout = timeout;
        self
    }

    /// Verifies every request's SigV4 signature against `keys` (the admin routes' too): a
    /// request that is unsigned, signed with another key or whose signature differs is refused.
    pub fn with_signature_keys(mut self, keys: signature::Keys) -> State {
        self.keys = Some(keys);
        self
    }

    /// Runs `f` on the live simulator (many at once; a restore waits for them).
    pub fn with_sim<T>(&self, f: impl FnOnce(&Simulator) -> T) -> T {
        let guard = self.sim.read().unwrap_or_else(|p| p.into_inner());
        f(&guard)
    }

    /// Records that the account changed (a mutating call succeeded).
    pub fn mark_changed(&self) {
        self.changed.store(true, Ordering::Relaxed);
    }

    /// Runs the change-triggered controls if the account changed since they last ran (after
    /// any refresh already running, which this waits for). Other calls go on meanwhile: the
    /// evaluation reads a view of the account that takes no lock, and records its findings
    /// through the simulator one call at a time, in turn with other callers.
    pub fn refresh_if_changed(&self, sim: &Simulator) {
        if let Some(hooks) = &self.hooks {
            let _one_at_a_time = self.refreshing.lock().unwrap_or_else(|p| p.into_inner());
            if self.changed.swap(false, Ordering::Relaxed) {
                if let Err(e) = hooks.refresh(sim) {
                    eprintln!("hubsim: refreshing findings failed: {e}");
                }
            }
        }
    }

    /// Runs every enabled control through `hooks` (`POST /_hubsim/evaluate`), one evaluation
    /// or refresh at a time: each records findings judged from the account as it was when it
    /// started, so two running side by side could let the older judgement land last.
    pub fn evaluate(&self, sim: &Simulator, hooks: &dyn Hooks) -> Result<serde_json::Value, String> {
        let _one_at_a_time = self.refreshing.lock().unwrap_or_else(|p| p.into_inner());
        // The change-triggered controls run too: what changed before this starts is covered.
        let changed = self.changed.swap(false, Ordering::Relaxed);
        let result = hooks.evaluate(sim);
        if result.is_err() && changed {
            self.changed.store(true, Ordering::Relaxed);
        }
        result
    }

    /// The hooks, if the binary installed them.
    pub fn hooks(&self) -> Option<&Arc<dyn Hooks>> {
        self.hooks.as_ref()
    }

    /// A fresh request id, shaped like AWS's (a UUID).
    pub fn next_request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        let a = mix(self.salt ^ n);
        let b = mix(a ^ 0x9e37_79b9_7f4a_7c15);
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            (a >> 32) as u32,
            (a >> 16) as u16,
            a & 0xfff,
            ((b >> 48) as u16 & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }

    /// Saves the live state as snapshot `name`, replacing one of that name; a new name is
    /// refused when [`State::max_snapshots`] are kept already.
    pub fn save_snapshot(&self, name: &str) -> Result<(), SnapshotError> {
        let mut snapshots = self.snapshots.lock().unwrap_or_else(|p| p.into_inner());
        if !snapshots.contains_key(name) && snapshots.len() >= self.max_snapshots {
            return Err(SnapshotError::Full(self.max_snapshots));
        }
        let copy = self.with_sim(|sim| sim.snapshot())?;
        snapshots.insert(name.to_string(), copy);
        Ok(())
    }

    /// How many named snapshots are kept at most.
    pub fn max_snapshots(&self) -> usize {
        self.max_snapshots
    }

    /// Sets how many named snapshots are kept at most (each is a copy of the database in memory).
    pub fn with_max_snapshots(mut self, snapshots: usize) -> State {
        self.max_snapshots = snapshots;
        self
    }

    /// Whether a snapshot called `name` exists.
    pub fn has_snapshot(&self, name: &str) -> bool {
        self.snapshots.lock().unwrap_or_else(|p| p.into_inner()).contains_key(name)
    }

    /// Replaces the live state by snapshot `name`; `Ok(false)` when there is none.
    pub fn restore_snapshot(&self, name: &str) -> Result<bool, SimError> {
        let snapshots = self.snapshots.lock().unwrap_or_else(|p| p.into_inner());
        let Some(source) = snapshots.get(name) else { return Ok(false) };
        self.replace_with(source)?;
        Ok(true)
    }

    /// Puts the live state back to the seed.
    pub fn reset(&self) -> Result<(), SimError> {
        self.replace_with(&self.seed)
    }

    /// Replaces the live state by a copy of `source` (the simulator handles its database
    /// file), once the requests in flight are done: none sees the state change halfway.
    fn replace_with(&self, source: &Simulator) -> Result<(), SimError> {
        let live = self.sim.write().unwrap_or_else(|p| p.into_inner());
        live.replace_with(source)
    }
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::mpsc;

    /// Hooks whose refresh says when it starts, then takes a while.
    struct SlowRefresh {
        started: Mutex<Option<mpsc::Sender<()>>>,
        done: AtomicUsize,
    }

    impl Hooks for SlowRefresh {
        /// Answers how many refreshes were done when it started.
        fn evaluate(&self, _sim: &Simulator) -> Result<serde_json::Value, String> {
            Ok(serde_json::json!({"refreshes_done": self.done.load(Ordering::SeqCst)}))
        }

        fn refresh(&self, _sim: &Simulator) -> Result<(), String> {
            if let Some(tx) = self.started.lock().unwrap_or_else(|p| p.into_inner()).take() {
                let _ = tx.send(());
            }
            std::thread::sleep(std::time::Duration::from_millis(150));
            self.done.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }

    /// A GetFindings that arrives while another one's refresh runs waits for that refresh, so
    /// it answers from the findings of the account as of its call (not from the old ones).
    #[test]
    fn a_refresh_in_progress_is_waited_for() {
        let (tx, rx) = mpsc::channel();
        let hooks = Arc::new(SlowRefresh { started: Mutex::new(Some(tx)), done: AtomicUsize::new(0) });
        let sim = Simulator::in_memory().expect("database");
        let state = Arc::new(State::new(sim).expect("state").with_hooks(hooks.clone()));
        let first = {
            let state = state.clone();
            std::thread::spawn(move || state.with_sim(|sim| state.refresh_if_changed(sim)))
        };
        rx.recv().expect("the first refresh started");
        state.with_sim(|sim| state.refresh_if_changed(sim));
        assert_eq!(hooks.done.load(Ordering::SeqCst), 1, "returned only once the refresh in progress was done");
        first.join().expect("first caller");
        assert_eq!(hooks.done.load(Ordering::SeqCst), 1, "nothing changed since: one refresh in all");
    }

    /// A full evaluation that arrives while a refresh runs starts only once it is done (each
    /// judges the account as of its start, so running side by side the older one's findings
    /// could be recorded last), and it covers the changes before it: no refresh follows.
    #[test]
    fn an_evaluation_waits_for_a_refresh_in_progress() {
        let (tx, rx) = mpsc::channel();
        let hooks = Arc::new(SlowRefresh { started: Mutex::new(Some(tx)), done: AtomicUsize::new(0) });
        let sim = Simulator::in_memory().expect("database");
        let state = Arc::new(State::new(sim).expect("state").with_hooks(hooks.clone()));
        let refresh = {
            let state = state.clone();
            std::thread::spawn(move || state.with_sim(|sim| state.refresh_if_changed(sim)))
        };
        rx.recv().expect("the refresh started");
        state.mark_changed();
        let summary = state.with_sim(|sim| state.evaluate(sim, hooks.as_ref())).expect("evaluation");
        assert_eq!(summary["refreshes_done"], 1, "the evaluation started after the refresh in progress ended");
        refresh.join().expect("refresh");
        state.with_sim(|sim| state.refresh_if_changed(sim));
        assert_eq!(hooks.done.load(Ordering::SeqCst), 1, "the evaluation covered the change before it");
    }
}
