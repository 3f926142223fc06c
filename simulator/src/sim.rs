//! [`Simulator`]: one simulated AWS world in one SQLite database, and the in-process API on it.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hubsim_api::AwsApi;
use hubsim_model::Operation;
use rusqlite::Connection;
use serde_json::Value;

use crate::catalog::ControlCatalog;
use crate::ctx::Ctx;
use crate::error::{AwsError, SimError};
use crate::lock::FileLock;
use crate::registry::{registry, Entry, TypedFn};
use crate::settings::{RunState, Settings};
use crate::store::{self, Db, Docs, JournalEntry};
use crate::turns::{TurnGuard, Turns};

const SETTINGS_KEY: &str = "settings";
const RUN_KEY: &str = "run";

/// A simulated AWS world backed by one SQLite database (a file or `:memory:`).
///
/// Every mutating call runs in one transaction: if AWS would refuse it, nothing changes.
/// Calls are serialized through one connection, so concurrent callers never see
/// "database is locked"; no caller waits without bound (see [`crate::turns`]: a waiting
/// caller is passed by at most a few calls besides those queued before it). A long reader (an
/// evaluation) reads from a [`ReadView`] instead, which takes no lock. A database file is held
/// by one simulator at a time (see [`Simulator::open`]).
pub struct Simulator {
    inner: Turns<Inner>,
    /// The database file; `None` for an in-memory database.
    path: Option<PathBuf>,
    /// The exclusive hold on the database file, for as long as the simulator lives (across
    /// [`Simulator::replace_with`]); `None` for an in-memory database.
    _held: Option<FileLock>,
    /// What the simulated Security Hub knows of controls (see [`crate::catalog`]).
    catalog: Option<Arc<dyn ControlCatalog>>,
}

struct Inner {
    conn: Connection,
    /// The parsed documents of `conn` (see [`store::Docs`]).
    docs: Docs,
    /// For a file, SQLite's `data_version` when the documents were last known to be current:
    /// another connection's commit changes it, and the documents are then forgotten.
    shared: Option<i64>,
    state: Option<(Settings, RunState)>,
}

impl Inner {
    fn new(conn: Connection, shared: bool, state: Option<(Settings, RunState)>) -> Result<Inner, SimError> {
        let shared = if shared { Some(store::data_version(&conn)?) } else { None };
        Ok(Inner { conn, docs: Docs::default(), shared, state })
    }
}

impl Simulator {
    /// Opens (or creates) the database at `path`; `:memory:` for an in-memory one.
    ///
    /// A file is held by this simulator until it is dropped: the settings, clock and id
    /// counter live in memory between calls, so a second writer would hand out the same ids.
    /// Opening a file another simulator holds, in another process or in this one, fails at
    /// once with [`SimError::InUse`] naming the holder (the lock file `<path>.lock` beside it
    /// records its pid and command line; the kernel releases the lock when the holder exits).
    pub fn open(path: &Path) -> Result<Simulator, SimError> {
        let shared = path.as_os_str() != ":memory:";
        let held = if shared { Some(FileLock::acquire(path)?) } else { None };
        let inner = Self::open_inner(path, shared)?;
        Ok(Simulator { inner: Turns::new(inner), path: shared.then(|| path.to_path_buf()), _held: held, catalog: None })
    }

    fn open_inner(path: &Path, shared: bool) -> Result<Inner, SimError> {
        let conn = store::open(path)?;
        let settings: Option<Settings> = store::meta_get(&conn, SETTINGS_KEY)?;
        let run: Option<RunState> = store::meta_get(&conn, RUN_KEY)?;
        let state = match (settings, run) {
            (Some(s), Some(r)) => Some((s, r)),
            (None, None) => None,
            _ => return Err(SimError::Corrupt("settings and run state must be stored together".into())),
        };
        Inner::new(conn, shared, state)
    }

    /// This simulator with `catalog` as what its Security Hub knows of controls
    /// (`DescribeStandardsControls`, `ListSecurityControlDefinitions`, ...). Without one, those
    /// operations fail (500). Snapshots keep it.
    pub fn with_catalog(mut self, catalog: Arc<dyn ControlCatalog>) -> Simulator {
        self.catalog = Some(catalog);
        self
    }

    /// The control catalogue, if the simulator was given one.
    pub fn catalog(&self) -> Option<&Arc<dyn ControlCatalog>> {
        self.catalog.as_ref()
    }

    /// The database file, or `None` for an in-memory database.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// A fresh in-memory database.
    pub fn in_memory() -> Result<Simulator, SimError> {
        Self::open(Path::new(":memory:"))
    }

    fn lock(&self) -> TurnGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-applied change (the transaction
        // rolls back when its guard drops), so a poisoned lock is safe to keep using.
        let mut inner = self.inner.lock();
        if let Some(known) = inner.shared {
            // Another process may have written the file since: then what was parsed is stale.
            // (If SQLite cannot say, the documents are forgotten too.)
            let now = store::data_version(&inner.conn).ok();
            if now != Some(known) {
                inner.docs.clear();
                inner.shared = Some(now.unwrap_or(known));
            }
        }
        inner
    }

    /// Whether the database holds no world yet.
    pub fn is_empty(&self) -> bool {
        self.lock().state.is_none()
    }

    /// The world's settings, if it has been initialized.
    pub fn settings(&self) -> Option<Settings> {
        self.lock().state.as_ref().map(|(s, _)| s.clone())
    }

    /// The run state (clock, id counter), if initialized.
    pub fn run_state(&self) -> Option<RunState> {
        self.lock().state.as_ref().map(|(_, r)| *r)
    }

    /// Runs `f` in one transaction. If `f` fails, nothing it did is kept.
    pub fn transaction<T, E: From<SimError>>(&self, f: impl FnOnce(&mut Batch<'_>) -> Result<T, E>) -> Result<T, E> {
        let mut inner = self.lock();
        let Inner { conn, docs, state, .. } = &mut *inner;
        let tx = store::begin(Db { conn, docs })?;
        let backup = state.clone();
        let catalog = self.catalog.as_deref();
        let mut batch = Batch { db: tx.db(), state, journaling: true, derived: false, new_world: false, catalog };
        let result = f(&mut batch).and_then(|out| {
            if let Some((s, r)) = batch.state.as_ref() {
                // The settings change only with a new world; the run state with every call.
                if batch.new_world {
                    store::meta_put(tx.db().conn, SETTINGS_KEY, s)?;
                }
                store::meta_put(tx.db().conn, RUN_KEY, r)?;
            }
            Ok(out)
        });
        let result = result.and_then(|out| {
            tx.commit()?;
            Ok(out)
        });
        if result.is_err() {
            *state = backup;
        }
        result
    }

    /// Calls an operation given by name with a JSON input (botocore member names), as a scenario
    /// step or a wire request does. The input is validated against the model first.
    pub fn call_json(&self, region: &str, service: &str, operation: &str, input: Value) -> Result<Value, AwsError> {
        self.answer_json(region, service, operation, input).map(|answer| answer.output)
    }

    /// [`Simulator::call_json`], also saying whether the call changed the account (the operation
    /// mutates and succeeded), so a caller need not look the operation up again.
    pub fn answer_json(&self, region: &str, service: &str, operation: &str, input: Value) -> Result<Answer, AwsError> {
        let entry = lookup(service, operation)?;
        let output = self.dispatch(entry, region, JsonCall(input))?;
        Ok(Answer { output, mutated: entry.mutates })
    }

    /// The one way into a call from the simulator: a read runs on the connection as it is; a
    /// mutating call runs in its own transaction (its savepoint and journal row inside).
    #[inline]
    fn dispatch<C: Call>(&self, entry: &Entry, region: &str, call: C) -> Result<C::Output, AwsError> {
        self.dispatch_journaled(entry, region, call, false)
    }

    /// [`Simulator::dispatch`], for a `derived` call too (see [`AwsApi::call_derived`]).
    #[inline]
    fn dispatch_journaled<C: Call>(
        &self,
        entry: &Entry,
        region: &str,
        call: C,
        derived: bool,
    ) -> Result<C::Output, AwsError> {
        if !entry.mutates {
            let mut inner = self.lock();
            let Inner { conn, docs, state, .. } = &mut *inner;
            let catalog = self.catalog.as_deref();
            let mut batch =
                Batch { db: Db { conn, docs }, state, journaling: true, derived: false, new_world: false, catalog };
            return batch.read(entry, region, call);
        }
        let result = self.transaction::<_, SimError>(|batch| {
            batch.derived = derived;
            Ok(batch.dispatch(entry, region, call, Refusals::Journal))
        });
        result.map_err(AwsError::from)?
    }

    /// Every simulated resource's configuration item in every region of the account, as AWS
    /// Config hands it to a rule (`configuration` and `supplementaryConfiguration` as objects,
    /// `parameters` as `ruleParameters`), whatever the recorder records: what
    /// `hubsim rules test` runs a policy on. Reads only.
    pub fn configuration_items(&self, parameters: &Value) -> Result<Vec<Value>, AwsError> {
        let mut inner = self.lock();
        let Inner { conn, docs, state, .. } = &mut *inner;
        let catalog = self.catalog.as_deref();
        let Some((settings, run)) = state.as_ref() else { return Err(uninitialized()) };
        let mut scratch = *run;
        let mut out = Vec::new();
        for region in settings.account.regions.clone() {
            let mut ctx = Ctx::new(Db { conn, docs }, settings, &mut scratch, &region, catalog);
            out.extend(crate::services::config_rules::rule_inputs(&mut ctx, parameters)?);
        }
        Ok(out)
    }

    /// A value stored with the state under `key` (e.g. the scenario envelope).
    pub fn meta<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<Option<T>, SimError> {
        store::meta_get(&self.lock().conn, key)
    }

    /// How many resources of each kind the account holds (`s3:bucket` → 3).
    pub fn inventory(&self) -> Result<std::collections::BTreeMap<String, usize>, SimError> {
        let inner = self.lock();
        match &inner.state {
            Some((settings, _)) => store::count_by_kind(&inner.conn, &settings.account.id),
            None => Ok(Default::default()),
        }
    }

    /// The journal of mutating calls, oldest first.
    pub fn journal(&self) -> Result<Vec<JournalEntry>, SimError> {
        store::journal(&self.lock().conn)
    }

    /// Copies the whole database into a new in-memory simulator (for dry runs and snapshots).
    pub fn snapshot(&self) -> Result<Simulator, SimError> {
        Ok(Simulator { inner: Turns::new(self.copy_inner()?), path: None, _held: None, catalog: self.catalog.clone() })
    }

    /// A copy of the whole database in memory, with its state.
    fn copy_inner(&self) -> Result<Inner, SimError> {
        let inner = self.lock();
        let mut dest = Connection::open_in_memory()?;
        store::configure(&dest)?;
        store::copy_to(&inner.conn, &mut dest)?;
        Inner::new(dest, false, inner.state.clone())
    }

    /// A view of the account as it is now, which other callers' later calls do not change and
    /// which takes no lock while it reads: what a long reader (an evaluation's fetch) reads
    /// from, so that it sees one consistent state while other callers go on writing. See
    /// [`ReadView`].
    ///
    /// For a file, the view is a second connection in a read transaction (SQLite's WAL keeps
    /// the snapshot it began with, https://www.sqlite.org/wal.html#concurrency), begun while
    /// no call runs, with the settings and run state as of then. An in-memory database has no
    /// second connection: its view is a copy.
    pub fn read_view(&self) -> Result<ReadView<'_>, SimError> {
        Ok(ReadView { sim: self, inner: RefCell::new(self.pinned_inner()?) })
    }

    /// The connection, documents and state of a view of the account as it is now.
    fn pinned_inner(&self) -> Result<Inner, SimError> {
        let Some(path) = &self.path else { return self.copy_inner() };
        // Opened before the lock is taken: only the start of the read waits for other calls.
        let conn = store::open_reader(path)?;
        let inner = self.lock();
        // Between calls every change is committed, so the snapshot the read begins with is the
        // state `inner` describes.
        store::begin_read(&conn)?;
        let state = inner.state.clone();
        drop(inner);
        Inner::new(conn, false, state)
    }

    /// Copies the whole database into the file at `path` (which must not exist or be empty,
    /// and no simulator may hold).
    pub fn save_to(&self, path: &Path) -> Result<(), SimError> {
        let inner = self.lock();
        let mut dest = store::open(path)?;
        store::copy_to(&inner.conn, &mut dest)?;
        Ok(())
    }

    /// Replaces this simulator's whole state by a copy of `source`'s (a restore, a reset to a
    /// seed). A file database is rebuilt beside the live file, then moved over it with the
    /// live connection closed, so a failure leaves the file as it was; the simulator then
    /// reopens it. Calls made meanwhile wait; a caller that must not see the state change
    /// between two of its calls keeps them from running during the replacement.
    pub fn replace_with(&self, source: &Simulator) -> Result<(), SimError> {
        if std::ptr::eq(self, source) {
            return Ok(());
        }
        let Some(path) = &self.path else {
            let copy = source.copy_inner()?;
            *self.lock() = copy;
            return Ok(());
        };
        let staging = store::with_suffix(path, ".hubsim-restore");
        store::remove_files(&staging)?;
        source.save_to(&staging)?;
        let mut inner = self.lock();
        // Close the live connection (checkpointing its WAL) before its file is replaced.
        let placeholder = Inner::new(Connection::open_in_memory()?, false, None)?;
        drop(std::mem::replace(&mut *inner, placeholder));
        let moved = store::replace_file(&staging, path);
        // Replaced or not, the file is a whole database again: reopen it.
        *inner = Self::open_inner(path, true)?;
        moved
    }
}

fn lookup(service: &str, operation: &str) -> Result<&'static Entry, AwsError> {
    registry().get(service, operation).ok_or_else(|| {
        let known = hubsim_model::service(service).is_some_and(|m| m.operation(operation).is_some());
        if known || service == "hubsim" {
            AwsError::not_implemented(service, operation)
        } else if hubsim_model::service(service).is_some() || service == "hubsim" {
            AwsError::bad_request("InvalidAction", format!("{service} has no operation {operation}"))
        } else {
            AwsError::bad_request("UnknownService", format!("hubsim does not simulate the service {service}"))
        }
    })
}

impl AwsApi for Simulator {
    fn call<O: Operation>(&self, region: &str, input: O::Input) -> Result<O::Output, AwsError> {
        let (entry, handler) = typed_entry::<O>()?;
        // A read through the simulator's own API is not checked against the model (the callers
        // in process build their inputs from typed values); a read in a batch is, as before.
        self.dispatch(entry, region, TypedCall::<O> { handler, input, check_reads: false, derived: false })
    }

    /// Like [`AwsApi::call`] (its own transaction, a second of scenario time for a mutating
    /// call), journaled only if it changed more than observation times: re-importing findings
    /// as they were leaves no journal row, so re-evaluating an unchanged account does not grow
    /// the file, while a new or changed finding is journaled (export replays it, and the
    /// workflow changes journaled after it apply to it).
    fn call_derived<O: Operation>(&self, region: &str, input: O::Input) -> Result<O::Output, AwsError> {
        let (entry, handler) = typed_entry::<O>()?;
        self.dispatch_journaled(
            entry,
            region,
            TypedCall::<O> { handler, input, check_reads: false, derived: true },
            true,
        )
    }
}

/// A view of a simulator's account as it was when [`Simulator::read_view`] made it.
///
/// It answers the operations that read ([`AwsApi::call`]) on its own connection, without the
/// simulator's lock, so other callers' calls go on and do not show in it. An operation that
/// changes the account (a scanner generating the IAM credential report it then reads) runs
/// through the simulator, in turn with other callers, and the view then moves to the account
/// as of after it, so the reader sees its own write (and whatever others wrote before it).
/// Drop it when done: a file's view holds a read transaction, which keeps SQLite from
/// checkpointing past it.
pub struct ReadView<'s> {
    sim: &'s Simulator,
    inner: RefCell<Inner>,
}

impl ReadView<'_> {
    fn read<O: Operation>(
        &self,
        entry: &Entry,
        handler: TypedFn<O>,
        region: &str,
        input: O::Input,
    ) -> Result<O::Output, AwsError> {
        let mut inner = self.inner.borrow_mut();
        let Inner { conn, docs, state, .. } = &mut *inner;
        let catalog = self.sim.catalog.as_deref();
        let mut batch =
            Batch { db: Db { conn, docs }, state, journaling: false, derived: false, new_world: false, catalog };
        batch.read(entry, region, TypedCall::<O> { handler, input, check_reads: false, derived: false })
    }
}

impl AwsApi for ReadView<'_> {
    fn call<O: Operation>(&self, region: &str, input: O::Input) -> Result<O::Output, AwsError> {
        let (entry, handler) = typed_entry::<O>()?;
        if !entry.mutates {
            return self.read::<O>(entry, handler, region, input);
        }
        let output = self.sim.call::<O>(region, input)?;
        let moved = self.sim.pinned_inner()?;
        // The old snapshot ends (its connection closes) as the new one takes its place.
        *self.inner.borrow_mut() = moved;
        Ok(output)
    }
}

/// What [`Simulator::answer_json`] answers: the output, and whether the account changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The operation's output as JSON (botocore member names).
    pub output: Value,
    /// Whether the call changed the account: the operation mutates, and it succeeded.
    pub mutated: bool,
}

/// The entry and the typed handler of operation `O`.
fn typed_entry<O: Operation>() -> Result<(&'static Entry, TypedFn<O>), AwsError> {
    let entry = registry().get_typed::<O>().ok_or_else(|| AwsError::not_implemented(O::SERVICE, O::NAME))?;
    let handler = entry.typed::<O>().ok_or_else(|| AwsError::internal("registry type mismatch"))?;
    Ok((entry, handler))
}

/// One call as it arrives: by name with a JSON input, or by type. The rest of the way (the
/// savepoint, the clock, the journal) is [`Batch::dispatch`]'s, the same for both.
trait Call {
    /// The answer.
    type Output;
    /// Checks the input against the operation's model, as botocore would before sending it.
    fn check(&self, entry: &Entry) -> Result<(), AwsError>;
    /// The input's JSON text, for the journal.
    fn input_text(&self) -> Result<String, SimError>;
    /// Runs the handler.
    fn run(self, entry: &Entry, ctx: &mut Ctx<'_>) -> Result<Self::Output, AwsError>;
    /// The output's JSON text, for the journal.
    fn output_text(output: &Self::Output) -> Result<String, SimError>;
}

/// A call by name with a JSON input (botocore member names).
struct JsonCall(Value);

impl Call for JsonCall {
    type Output = Value;

    fn check(&self, entry: &Entry) -> Result<(), AwsError> {
        if let Some(model) = hubsim_model::service(entry.service) {
            if let Err(problems) = hubsim_model::validate::validate_input(model, entry.name, &self.0) {
                return Err(crate::services::validation_error(entry.service, &problems));
            }
        }
        Ok(())
    }

    fn input_text(&self) -> Result<String, SimError> {
        store::json_text(&self.0)
    }

    fn run(self, entry: &Entry, ctx: &mut Ctx<'_>) -> Result<Value, AwsError> {
        entry.call_json(ctx, self.0)
    }

    fn output_text(output: &Value) -> Result<String, SimError> {
        store::json_text(output)
    }
}

/// A call by type.
struct TypedCall<O: Operation> {
    handler: TypedFn<O>,
    input: O::Input,
    /// Whether a read is checked against the model too (a mutating call always is).
    check_reads: bool,
    /// Whether this is derived state hubsim built itself (the evaluator's findings: see
    /// [`AwsApi::call_derived`]). Release builds trust its shape and skip the model check, 6% of
    /// an evaluation that re-imports a thousand findings; debug builds (every test) still make
    /// it, so a builder that breaks the model fails there. The handler's own checks, AWS's
    /// rules beyond the model, run either way.
    derived: bool,
}

impl<O: Operation> Call for TypedCall<O> {
    type Output = O::Output;

    fn check(&self, entry: &Entry) -> Result<(), AwsError> {
        if (!entry.mutates && !self.check_reads) || (self.derived && !cfg!(debug_assertions)) {
            return Ok(());
        }
        if let Some(model) = hubsim_model::service(entry.service) {
            // Checked on the typed value; its JSON form is built only to say what is wrong.
            if !hubsim_model::validate::conforms(model, entry.name, &self.input) {
                let json_input = serde_json::to_value(&self.input)?;
                if let Err(problems) = hubsim_model::validate::validate_input(model, entry.name, &json_input) {
                    return Err(crate::services::validation_error(entry.service, &problems));
                }
            }
        }
        Ok(())
    }

    fn input_text(&self) -> Result<String, SimError> {
        store::json_text(&self.input)
    }

    fn run(self, _entry: &Entry, ctx: &mut Ctx<'_>) -> Result<O::Output, AwsError> {
        (self.handler)(ctx, self.input)
    }

    fn output_text(output: &O::Output) -> Result<String, SimError> {
        store::json_text(output)
    }
}

/// Whether a mutating call that AWS refuses gets a journal row (as every call through the
/// simulator's API and the typed batch API does; a scenario's steps record only what they did).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Refusals {
    Journal,
    Skip,
}

/// The typed API over one [`Batch`]: all the calls made through it land in one transaction.
///
/// Each call is still atomic on its own (a refused call leaves nothing behind) and journaled
/// as it would be through [`Simulator`]'s own API, failures included; the transaction spares
/// every call the cost of its own. A remediation runs this way: its dozens of calls commit
/// together, or not at all if it stops on an error.
pub struct BatchApi<'a, 'b> {
    batch: RefCell<&'a mut Batch<'b>>,
}

impl<'a, 'b> BatchApi<'a, 'b> {
    /// The API over `batch`.
    pub fn new(batch: &'a mut Batch<'b>) -> Self {
        BatchApi { batch: RefCell::new(batch) }
    }

    /// The run state (clock, id counter) as the calls so far left it.
    pub fn run_state(&self) -> Option<RunState> {
        self.batch.borrow().run_state()
    }
}

impl AwsApi for BatchApi<'_, '_> {
    fn call<O: Operation>(&self, region: &str, input: O::Input) -> Result<O::Output, AwsError> {
        self.batch.borrow_mut().call::<O>(region, input)
    }

    /// Like [`AwsApi::call`] inside the batch, journaled only if it changed more than
    /// observation times (see the simulator's [`AwsApi::call_derived`]).
    fn call_derived<O: Operation>(&self, region: &str, input: O::Input) -> Result<O::Output, AwsError> {
        let mut batch = self.batch.borrow_mut();
        let derived = std::mem::replace(&mut batch.derived, true);
        let result = batch.call::<O>(region, input);
        batch.derived = derived;
        result
    }
}

fn uninitialized() -> AwsError {
    AwsError::internal("the database holds no simulated account yet (load a scenario first)")
}

/// Several calls in one transaction (a scenario load, a remediation step).
pub struct Batch<'a> {
    db: Db<'a>,
    state: &'a mut Option<(Settings, RunState)>,
    journaling: bool,
    /// Whether the call being made is derived state (`AwsApi::call_derived`): journaled only
    /// if it changed more than observation times.
    derived: bool,
    /// Whether the world was replaced or removed (its settings must be written again).
    new_world: bool,
    /// The simulator's control catalogue.
    catalog: Option<&'a dyn ControlCatalog>,
}

impl Batch<'_> {
    /// Sets up a new world: its settings and run state. Replaces any previous ones.
    pub fn initialize(&mut self, settings: Settings, run: RunState) {
        *self.state = Some((settings, run));
        self.new_world = true;
    }

    /// Stores a value with the state under `key`.
    pub fn put_meta<T: serde::Serialize>(&mut self, key: &str, value: &T) -> Result<(), SimError> {
        store::meta_put(self.db.conn, key, value)
    }

    /// Turns journaling of mutating calls on or off (baselines are not journaled: export
    /// rebuilds them from their spec); returns the previous setting.
    pub fn set_journaling(&mut self, on: bool) -> bool {
        std::mem::replace(&mut self.journaling, on)
    }

    /// Removes all state (for `--reset`).
    pub fn clear(&mut self) -> Result<(), SimError> {
        store::clear(self.db)?;
        *self.state = None;
        self.new_world = true;
        Ok(())
    }

    /// The world's settings.
    pub fn settings(&self) -> Option<&Settings> {
        self.state.as_ref().map(|(s, _)| s)
    }

    /// The run state (clock, id counter) as the calls so far left it.
    pub fn run_state(&self) -> Option<RunState> {
        self.state.as_ref().map(|(_, r)| *r)
    }

    /// Direct access for setting up a baseline: a context in `region` with no journaling.
    pub(crate) fn with_ctx<T>(
        &mut self,
        region: &str,
        f: impl FnOnce(&mut Ctx<'_>) -> Result<T, AwsError>,
    ) -> Result<T, AwsError> {
        let (settings, run) = self.state.as_mut().ok_or_else(uninitialized)?;
        let mut ctx = Ctx::new(self.db, settings, run, region, self.catalog);
        f(&mut ctx)
    }

    /// Calls an operation by name with a JSON input, validated against the model; a failure
    /// leaves nothing behind (savepoint). A refused call is not journaled (a scenario step
    /// records what it did).
    pub fn call_json(&mut self, region: &str, service: &str, operation: &str, input: Value) -> Result<Value, AwsError> {
        let entry = lookup(service, operation)?;
        self.dispatch(entry, region, JsonCall(input), Refusals::Skip)
    }

    /// Calls an operation by type. While journaling, a mutating call is journaled as through
    /// the simulator's own API: its result, or AWS's refusal.
    pub fn call<O: Operation>(&mut self, region: &str, input: O::Input) -> Result<O::Output, AwsError> {
        let (entry, handler) = typed_entry::<O>()?;
        self.dispatch(
            entry,
            region,
            TypedCall::<O> { handler, input, check_reads: true, derived: self.derived },
            Refusals::Journal,
        )
    }

    /// The one call path: checks the input, runs the handler, and for a mutating call moves the
    /// clock by a second inside a savepoint (a refusal leaves nothing behind) and journals the
    /// outcome while journaling is on.
    fn dispatch<C: Call>(
        &mut self,
        entry: &Entry,
        region: &str,
        call: C,
        refusals: Refusals,
    ) -> Result<C::Output, AwsError> {
        if !entry.mutates {
            return self.read(entry, region, call);
        }
        // The handler consumes the input, so the journal's copy is its text, written beforehand
        // once: a success and a refusal both record it. A derived call of an operation that
        // names its changed items is journaled with their text alone (see
        // `Handler::JOURNALS_CHANGED_ITEMS`), and not at all when refused.
        let items_only = self.derived && entry.journals_changed_items;
        let input_text = if self.journaling && !items_only { Some(call.input_text()?) } else { None };
        let result = call.check(entry).and_then(|()| self.guarded(entry, region, call, input_text.as_deref()));
        if let (Err(e), Some(input), Refusals::Journal) = (&result, &input_text, refusals) {
            // A refusal keeps a bounded summary: nothing replays it, and a client's refused
            // input (a 10 MiB policy) must not grow the file by its size.
            let input = store::refusal_input(input);
            let error = e.to_string();
            let error = store::refusal_error(&error);
            // Bookkeeping only: a journal write that fails must not turn AWS's answer into another.
            let _ = self.journal(entry, region, &input, Err(&error));
        }
        result
    }

    /// Runs a call that changes nothing: no savepoint, no clock, no journal.
    #[inline]
    fn read<C: Call>(&mut self, entry: &Entry, region: &str, call: C) -> Result<C::Output, AwsError> {
        call.check(entry)?;
        let (settings, run) = self.state.as_mut().ok_or_else(uninitialized)?;
        // A read draws nothing: what it would move of the run state is dropped.
        let mut scratch = *run;
        let mut ctx = Ctx::new(self.db, settings, &mut scratch, region, self.catalog);
        call.run(entry, &mut ctx)
    }

    /// Runs one mutating call inside a savepoint, moving the clock, and journals its output
    /// when `input_text` (the input's JSON text) is given. On an error nothing is kept.
    fn guarded<C: Call>(
        &mut self,
        entry: &Entry,
        region: &str,
        call: C,
        input_text: Option<&str>,
    ) -> Result<C::Output, AwsError> {
        let (settings, run) = self.state.as_mut().ok_or_else(uninitialized)?;
        store::savepoint(self.db)?;
        let before = *run;
        // Each mutating call takes one second of scenario time, so creation times are ordered.
        run.clock_ms += 1000;
        let mut ctx = Ctx::new(self.db, settings, run, region, self.catalog);
        if self.derived && self.journaling {
            ctx.want_changed_items();
        }
        let result = call.run(entry, &mut ctx);
        // AWS Config records what the call changed and runs the rules it triggers, in the
        // call's transaction (see `services::config_rules`).
        let result = result.and_then(|output| {
            let changed = ctx.changed_kinds();
            crate::services::config_rules::after_call(&mut ctx, &changed)?;
            Ok(output)
        });
        // A derived call keeps only the items that changed more than observation times: the
        // rest would rebuild nothing when replayed.
        let changed = ctx.changed_items();
        let result = result.and_then(|output| {
            let input = match (changed, input_text) {
                (Some((_, items)), _) if items.is_empty() => return Ok(output),
                (Some((member, items)), _) => std::borrow::Cow::Owned(store::items_text(member, &items)),
                (None, Some(input)) => std::borrow::Cow::Borrowed(input),
                (None, None) => return Ok(output),
            };
            let text = C::output_text(&output)?;
            self.journal(entry, region, &input, Ok(&text))?;
            Ok(output)
        });
        match result {
            Ok(output) => {
                store::release(self.db)?;
                Ok(output)
            }
            Err(e) => {
                if let Some((_, run)) = self.state.as_mut() {
                    *run = before;
                }
                store::rollback_savepoint(self.db)?;
                Err(e)
            }
        }
    }

    /// Appends a journal row for a call made now: its output's JSON text, or AWS's refusal.
    fn journal(&self, entry: &Entry, region: &str, input: &str, outcome: Result<&str, &str>) -> Result<(), SimError> {
        let Some((settings, run)) = self.state.as_ref() else { return Ok(()) };
        store::journal_append(
            self.db.conn,
            &settings.account.id,
            region,
            entry.service,
            entry.name,
            input,
            outcome,
            run.clock_ms,
        )
    }
}
