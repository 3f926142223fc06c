//! A small fuzzer on stable Rust: proptest's `TestRunner` run over a strategy until a CPU-time
//! or case budget is spent, with proptest's shrinking and failure persistence, and a report of
//! what was run (cases, CPU seconds, the slowest case).
//!
//! Budget, from the environment (FUZZING.md says how to run a long session):
//! - `HUBSIM_FUZZ_SECONDS`: CPU seconds per target (default 2: `cargo test` stays short);
//! - `HUBSIM_FUZZ_CASES`: stop after this many cases, whichever comes first (default: no cap);
//! - `HUBSIM_FUZZ_SEED`: the run's seed (default: from the clock); printed, so a run can be
//!   repeated exactly;
//! - `HUBSIM_FUZZ_REPORT`: a file each target appends its one-line report to.
//!
//! A failing case is shrunk and its seed saved in `proptest-regressions/fuzz/<target>.txt`, which
//! every later run replays first. A crash proptest cannot catch (a stack overflow aborts the
//! process) is found again by re-running with the printed seed.

#![allow(dead_code)]

pub mod mutate;
pub mod wellformed;

use std::cell::{Cell, RefCell};
use std::fmt::Debug;
use std::io::Write;
use std::time::Duration;

use proptest::strategy::Strategy;
use proptest::test_runner::{
    Config, FileFailurePersistence, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner,
};

/// Cases per `TestRunner`: each batch gets its own seed, and the budget is checked between batches.
const BATCH: u32 = 32;

/// How often (CPU time) a run appends its progress to the report file.
const PROGRESS: Duration = Duration::from_secs(60);

/// How much a target may run.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// CPU time of the fuzzing thread.
    pub cpu: Duration,
    /// Most cases.
    pub cases: u64,
    /// The seed of the run.
    pub seed: u64,
}

impl Budget {
    /// The budget the environment sets.
    pub fn from_env() -> Budget {
        let number = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse::<f64>().ok());
        let seconds = number("HUBSIM_FUZZ_SECONDS").unwrap_or(2.0).max(0.0);
        let cases = number("HUBSIM_FUZZ_CASES").map_or(u64::MAX, |c| c.max(1.0) as u64);
        let seed = std::env::var("HUBSIM_FUZZ_SEED").ok().and_then(|v| v.trim().parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
        });
        Budget { cpu: Duration::from_secs_f64(seconds), cases, seed }
    }
}

/// What one target did.
#[derive(Debug, Clone)]
pub struct Report {
    /// The target.
    pub target: &'static str,
    /// Cases run (replayed regressions included).
    pub cases: u64,
    /// CPU time the fuzzing thread used.
    pub cpu: Duration,
    /// The slowest case's CPU time (of the code under test when the property marks it with
    /// [`timed`]).
    pub slowest: Duration,
    /// The slowest case, abridged.
    pub slowest_case: String,
    /// The run's seed.
    pub seed: u64,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "fuzz {}: {} cases in {:.1} CPU s ({:.0} cases/CPU s), slowest case {:.1} ms CPU, seed {}",
            self.target,
            self.cases,
            self.cpu.as_secs_f64(),
            self.cases as f64 / self.cpu.as_secs_f64().max(1e-9),
            self.slowest.as_secs_f64() * 1e3,
            self.seed
        )
    }
}

/// The CPU time the calling thread has used (`CLOCK_THREAD_CPUTIME_ID`): the fuzzing runs on
/// the test's own thread, so other tests running beside it do not count.
pub fn thread_cpu() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant Linux and the BSDs define.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

thread_local! {
    /// The CPU time spent inside [`timed`] during the current case, if the property used it.
    static MEASURED: Cell<Option<Duration>> = const { Cell::new(None) };
}

/// Runs `f` and counts its CPU time as the case's time: a property calls it around the code
/// under test, so that building the input (a mutated request) is not what the report calls slow.
pub fn timed<T>(f: impl FnOnce() -> T) -> T {
    let before = thread_cpu();
    let out = f();
    let took = thread_cpu().saturating_sub(before);
    MEASURED.with(|m| m.set(Some(m.get().unwrap_or_default() + took)));
    out
}

/// Runs `property` on values of `strategy` until the environment's budget is spent, then prints
/// and returns the report. A failing case is shrunk by proptest and fails the test with the
/// minimal input; its seed goes to `proptest-regressions/fuzz/<target>.txt`.
pub fn fuzz<S>(target: &'static str, strategy: S, property: impl Fn(S::Value) -> Result<(), TestCaseError>) -> Report
where
    S: Strategy,
    S::Value: Clone + Debug,
{
    fuzz_with(target, Budget::from_env(), strategy, property)
}

/// [`fuzz`] with an explicit budget.
pub fn fuzz_with<S>(
    target: &'static str,
    budget: Budget,
    strategy: S,
    property: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> Report
where
    S: Strategy,
    S::Value: Clone + Debug,
{
    limit_memory();
    let persistence: &'static str = Box::leak(format!("proptest-regressions/fuzz/{target}.txt").into_boxed_str());
    let start = thread_cpu();
    let cases = Cell::new(0u64);
    let slowest = RefCell::new((Duration::ZERO, String::new()));
    let mut batch = 0u64;
    let mut last_progress = Duration::ZERO;
    // One batch at least, so a zero budget still replays the saved regressions.
    loop {
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&budget.seed.to_le_bytes());
        seed[8..16].copy_from_slice(&batch.to_le_bytes());
        let left = budget.cases.saturating_sub(cases.get()).min(u64::from(BATCH)) as u32;
        let config = Config {
            cases: left.max(1),
            failure_persistence: Some(Box::new(FileFailurePersistence::Direct(persistence))),
            // A shrink that takes longer than this reports the smallest input found so far.
            max_shrink_time: 120_000,
            ..Config::default()
        };
        let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
        let outcome = runner.run(&strategy, |value| {
            cases.set(cases.get() + 1);
            let kept = value.clone();
            MEASURED.with(|m| m.set(None));
            let before = thread_cpu();
            let result = property(value);
            let whole = thread_cpu().saturating_sub(before);
            let took = MEASURED.with(|m| m.get()).unwrap_or(whole);
            let mut slowest = slowest.borrow_mut();
            if took > slowest.0 {
                let mut text = format!("{kept:?}");
                text.truncate(text.floor_char_boundary_compat(2000));
                *slowest = (took, text);
            }
            result
        });
        match outcome {
            Ok(()) => {}
            Err(TestError::Fail(reason, value)) => {
                panic!(
                    "fuzz {target} failed (seed {}, batch {batch}): {reason}\nminimal input: {value:#?}",
                    budget.seed
                )
            }
            Err(TestError::Abort(reason)) => panic!("fuzz {target} aborted: {reason}"),
        }
        batch += 1;
        let used = thread_cpu().saturating_sub(start);
        if cases.get() >= budget.cases || used >= budget.cpu {
            break;
        }
        if used >= last_progress + PROGRESS {
            // A long session that is stopped early still leaves its figures.
            last_progress = used;
            append_to_report(&format!(
                "fuzz {target}: {} cases in {:.1} CPU s so far (seed {})",
                cases.get(),
                used.as_secs_f64(),
                budget.seed
            ));
        }
    }
    let (slowest, slowest_case) = slowest.into_inner();
    let report = Report {
        target,
        cases: cases.get(),
        cpu: thread_cpu().saturating_sub(start),
        slowest,
        slowest_case,
        seed: budget.seed,
    };
    eprintln!("{report}");
    append_to_report(&format!("{report}\n  slowest case: {}", report.slowest_case));
    report
}

/// Appends `line` to the file `HUBSIM_FUZZ_REPORT` names, if it names one.
fn append_to_report(line: &str) {
    if let Ok(path) = std::env::var("HUBSIM_FUZZ_REPORT") {
        if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
            let _ = writeln!(file, "{line}");
        }
    }
}

/// The address space a fuzzing process may use: a case that allocates without bound aborts the
/// process ("memory allocation failed", a finding) instead of exhausting a shared machine.
const ADDRESS_SPACE: u64 = 6 << 30;

/// Lowers the process's address-space limit to [`ADDRESS_SPACE`] (never raises it).
fn limit_memory() {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: `limit` is a valid, writable rlimit; RLIMIT_AS is a constant Linux defines.
    if unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut limit) } != 0 {
        return;
    }
    if limit.rlim_cur != libc::RLIM_INFINITY && limit.rlim_cur <= ADDRESS_SPACE {
        return;
    }
    limit.rlim_cur = ADDRESS_SPACE.min(limit.rlim_max);
    // SAFETY: as above; lowering the soft limit needs no privilege.
    unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) };
}

/// `str::floor_char_boundary` on stable.
trait FloorCharBoundary {
    fn floor_char_boundary_compat(&self, index: usize) -> usize;
}

impl FloorCharBoundary for String {
    fn floor_char_boundary_compat(&self, index: usize) -> usize {
        if index >= self.len() {
            return self.len();
        }
        (0..=index).rev().find(|&i| self.is_char_boundary(i)).unwrap_or(0)
    }
}
