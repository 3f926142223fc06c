//! One process at a time on a database file.
//!
//! A [`Simulator`](crate::Simulator) keeps its settings, clock and id counter in memory between
//! calls, so two of them writing one file would hand out the same ids and move the clock
//! backwards. Opening a file therefore takes an exclusive lock on a sidecar file beside it
//! (`state.db` → `state.db.lock`), held until the simulator is dropped; a second open, in
//! another process or in this one, fails at once naming the holder, which the lock file
//! records (its pid and command line).
//!
//! The lock is the operating system's (`flock` on Linux, `LockFileEx` on Windows, through
//! [`std::fs::File::try_lock`]): the kernel releases it when its holder exits, even by
//! `kill -9`, so a lock file left behind blocks nobody; it is never removed (removing it would
//! let two processes lock two different files of one name). The sidecar leaves SQLite's own
//! locks on the database and its WAL files alone.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::SimError;

/// The exclusive hold on one database file; released when dropped.
#[derive(Debug)]
pub(crate) struct FileLock {
    /// The open lock file: closing it releases the lock.
    _file: File,
}

impl FileLock {
    /// Takes the lock of the database file `db`, or says who holds it.
    pub(crate) fn acquire(db: &Path) -> Result<FileLock, SimError> {
        let path = lock_path(db);
        let io = |action: &'static str| {
            let path = path.clone();
            move |source| SimError::File { action, path, source }
        };
        let mut file =
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io("open"))?;
        match try_lock_briefly(&file) {
            Ok(()) => {
                let record = format!("{}\n{}\n", std::process::id(), command_line());
                file.set_len(0).map_err(io("write"))?;
                file.write_all(record.as_bytes()).and_then(|()| file.flush()).map_err(io("write"))?;
                Ok(FileLock { _file: file })
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(SimError::InUse { path: db.to_path_buf(), holder: holder(&mut file) })
            }
            Err(std::fs::TryLockError::Error(source)) => Err(SimError::File { action: "lock", path, source }),
        }
    }
}

/// How long a lock held by someone else is waited for before the open is refused.
const GRACE: std::time::Duration = std::time::Duration::from_millis(250);

/// Takes the lock, waiting up to [`GRACE`] for a holder that is letting go. A `flock` belongs to
/// the open file, and a process that forks (to run a child, from any thread) shares every open
/// file with the child until the child's `exec` closes it: a lock just dropped can stay held
/// for those few milliseconds. A real second holder is still refused, [`GRACE`] later.
fn try_lock_briefly(file: &File) -> Result<(), std::fs::TryLockError> {
    let start = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < GRACE => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

/// The lock file of `db`: beside the file it resolves to, so that two spellings of one path
/// (relative, absolute, through a symbolic link) share one lock.
fn lock_path(db: &Path) -> PathBuf {
    let resolved = std::fs::canonicalize(db).ok().or_else(|| {
        // A database not created yet: resolve its directory instead.
        let name = db.file_name()?;
        let dir = db.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        Some(std::fs::canonicalize(dir).ok()?.join(name))
    });
    let mut name = resolved.unwrap_or_else(|| db.to_path_buf()).into_os_string();
    name.push(".lock");
    PathBuf::from(name)
}

/// This process's command line as the lock file records it: the program's file name and its
/// arguments (`hubsim serve --db state.db`), at most 200 characters.
fn command_line() -> String {
    let mut args = std::env::args_os().map(|a| a.to_string_lossy().into_owned());
    let program = args.next().map(|p| Path::new(&p).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(p));
    let line = program.into_iter().chain(args).collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

/// Who holds the lock, as its file records it: `hubsim serve --db state.db (pid 1234)`.
fn holder(file: &mut File) -> String {
    // The holder writes its record right after taking the lock: give it a moment.
    for attempt in 0..5 {
        let mut text = String::new();
        let read = file.seek(SeekFrom::Start(0)).and_then(|_| file.read_to_string(&mut text));
        if read.is_ok() {
            if let Some((pid, command)) = text.trim_end().split_once('\n') {
                if pid.parse() == Ok(std::process::id()) {
                    return format!("this process (pid {pid}), which has it open already");
                }
                return format!("{command} (pid {pid})");
            }
        }
        if attempt < 4 {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    "another process".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_hold_is_refused_naming_this_process_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("state.db");
        let first = FileLock::acquire(&db).unwrap();
        let refused = FileLock::acquire(&db).unwrap_err();
        let message = refused.to_string();
        assert!(matches!(refused, SimError::InUse { .. }), "{message}");
        assert!(message.contains(&format!("pid {}", std::process::id())), "{message}");
        assert!(message.contains("state.db"), "{message}");
        drop(first);
        let again = FileLock::acquire(&db).unwrap();
        // The lock file stays (removing it would race); it names the holder.
        let record = std::fs::read_to_string(dir.path().join("state.db.lock")).unwrap();
        assert!(record.starts_with(&format!("{}\n", std::process::id())), "{record}");
        drop(again);
    }

    #[test]
    fn a_hold_let_go_within_the_grace_period_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("state.db");
        let first = FileLock::acquire(&db).unwrap();
        // What a fork in another thread does: it keeps the lock a moment after its owner drops it.
        let letting_go = std::thread::spawn(move || {
            std::thread::sleep(GRACE / 5);
            drop(first);
        });
        let second = FileLock::acquire(&db);
        letting_go.join().unwrap();
        assert!(second.is_ok(), "{second:?}");
    }

    #[test]
    fn two_spellings_of_one_file_share_one_lock() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("state.db");
        let _held = FileLock::acquire(&db).unwrap();
        let other = dir.path().join(".").join("state.db");
        assert!(matches!(FileLock::acquire(&other), Err(SimError::InUse { .. })));
        #[cfg(unix)]
        {
            let link = dir.path().join("link.db");
            std::fs::write(&db, b"").unwrap();
            std::os::unix::fs::symlink(&db, &link).unwrap();
            assert!(matches!(FileLock::acquire(&link), Err(SimError::InUse { .. })));
        }
    }

    #[test]
    fn a_lock_file_without_a_holder_blocks_nobody() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("state.db");
        // What a holder killed with SIGKILL leaves: its record, and no lock.
        std::fs::write(dir.path().join("state.db.lock"), "999999\nhubsim serve\n").unwrap();
        let held = FileLock::acquire(&db).unwrap();
        drop(held);
    }
}
