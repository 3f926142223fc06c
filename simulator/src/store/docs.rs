//! What a connection knows of the rows it wrote or read: which row holds each resource (or that
//! none does), and the row's document parsed. A read of a known resource then touches neither
//! SQLite's index nor the JSON text, and a resource just found absent (a create reads first)
//! is not looked for again when it is written.
//!
//! SQLite stays the source of truth: lists and anything not known are read from it, and every
//! write goes to it first. A write keeps the document it was given, which is what parsing the
//! written text gives back (checked in debug builds, see [`super::put`]).
//!
//! What a transaction changes is undone with it: rows written or deleted since the transaction
//! (or the innermost savepoint) began are forgotten when it rolls back, so the next read asks
//! SQLite what it kept. (A resource known absent stays absent through a rollback unless the
//! rolled-back span deleted it, and then it is forgotten with the other changes.)
//!
//! What is kept is bounded, so a large account does not stay in memory whole: parsed documents
//! up to [`PARSED_BYTES`] of their JSON text, rows up to [`KEYS`] resources. Past a bound, all of
//! that kind is dropped (and read from SQLite again as needed): an evaluation reads a resource's
//! document several times in a row, so the documents in use are back at once.
//!
//! Changes made through other connections are not seen here; the owner of
//! the connection calls [`Docs::clear`] when SQLite's `data_version` says there were some (a
//! file shared with another process), and [`super::clear`] calls it when it empties the table.

use std::any::Any;
use std::cell::{Ref, RefCell};
use std::collections::HashMap;

/// The cache of one connection. Not shared between threads: it lives next to the connection,
/// behind the same lock.
#[derive(Default)]
pub struct Docs {
    state: RefCell<State>,
}

/// The maps' hasher: foldhash with a random seed per map (what hashbrown uses by default). Keys
/// hold names clients chose, and the seed keeps them from colliding on purpose in a simple way;
/// SipHash, the standard maps' hasher, cost several times as much on keys this long (a finding's
/// key holds its ARN), which added up to a few percent of a remediation.
type KeyHasher = foldhash::fast::RandomState;

/// Entries the maps have room for up front: a small account's rows, so that a new simulator's
/// first calls do not grow them step by step.
const ROOM: usize = 256;

struct State {
    /// Parsed documents by rowid, with the length of their JSON text.
    by_row: HashMap<i64, (Box<dyn Any + Send>, usize), KeyHasher>,
    /// The JSON text length of the documents in `by_row`, in all (an estimate of their memory).
    parsed_bytes: usize,
    /// The row of each resource, by [`key`]; `None` when SQLite holds no such resource.
    rows: HashMap<String, Option<i64>, KeyHasher>,
    /// Rows written or deleted since the transaction began, with their keys, oldest first.
    changed: Vec<(i64, String)>,
    /// Where each open savepoint began in `changed`, innermost last.
    marks: Vec<usize>,
    /// Absences remembered since absences were last dropped (see [`ABSENCES`]).
    absences: usize,
}

impl Default for State {
    fn default() -> Self {
        State {
            by_row: HashMap::with_capacity_and_hasher(ROOM, KeyHasher::default()),
            parsed_bytes: 0,
            rows: HashMap::with_capacity_and_hasher(ROOM, KeyHasher::default()),
            changed: Vec::new(),
            marks: Vec::new(),
            absences: 0,
        }
    }
}

/// Absences remembered before they are all dropped: what was read and not found is any name a
/// client asked for, so it is kept only for a while (a create reads, then writes at once).
const ABSENCES: usize = 4096;

/// The parsed documents kept, measured by their JSON text: 8 MiB holds 10,000 bucket
/// configurations (~550 bytes each) or 4,000 findings (~2 KB), about 20 MB parsed.
pub(crate) const PARSED_BYTES: usize = 8 << 20;

/// The resources whose row is kept (a key is ~100 bytes).
pub(crate) const KEYS: usize = 1 << 16;

impl State {
    /// Keeps parsed document `doc` of row `row`, whose JSON text is `bytes` long, dropping every
    /// other parsed document first if the bound would be passed. A document kept again replaces
    /// the old one and its bytes: rewriting the same rows (findings re-imported on every
    /// evaluation) does not count toward the bound.
    fn keep_doc(&mut self, row: i64, doc: Box<dyn Any + Send>, bytes: usize) {
        self.drop_doc(row);
        if self.parsed_bytes + bytes > PARSED_BYTES {
            self.by_row.clear();
            self.parsed_bytes = 0;
        }
        self.parsed_bytes += bytes;
        self.by_row.insert(row, (doc, bytes));
    }

    /// Forgets row `row`'s parsed document, if kept, and its bytes.
    fn drop_doc(&mut self, row: i64) {
        if let Some((_, bytes)) = self.by_row.remove(&row) {
            self.parsed_bytes -= bytes;
        }
    }

    /// Keeps where the resource of `key` is, dropping every other row first at the bound.
    fn keep_row(&mut self, key: String, row: Option<i64>) {
        if self.rows.len() >= KEYS && !self.rows.contains_key(&key) {
            self.rows.clear();
            self.absences = 0;
        }
        self.rows.insert(key, row);
    }

    fn forget(&mut self, from: usize) {
        let from = from.min(self.changed.len());
        for (row, key) in self.changed.split_off(from) {
            self.drop_doc(row);
            self.rows.remove(&key);
        }
    }
}

/// The key of resource `id` of `kind` in (`account`, `region`), as [`Docs`] knows rows by it.
/// Account ids, region names and kinds never hold a NUL, so the key is unambiguous whatever the
/// id holds.
pub(crate) fn key(account: &str, region: &str, kind: &str, id: &str) -> String {
    let mut k = String::with_capacity(account.len() + region.len() + kind.len() + id.len() + 3);
    for part in [account, region, kind] {
        k.push_str(part);
        k.push('\0');
    }
    k.push_str(id);
    k
}

/// Where a connection knows a resource to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// In this row.
    Row(i64),
    /// Nowhere: SQLite holds no such resource.
    Absent,
    /// Not known: ask SQLite.
    Unknown,
}

impl Docs {
    /// Where the resource of `key` is, as far as this connection knows.
    pub(crate) fn place(&self, key: &str) -> Place {
        match self.state.borrow().rows.get(key) {
            Some(Some(row)) => Place::Row(*row),
            Some(None) => Place::Absent,
            None => Place::Unknown,
        }
    }

    /// Row `row`'s document, if it is known as an `R`. Borrowed: nothing may be kept or
    /// forgotten while it is held.
    pub(crate) fn get<R: 'static>(&self, row: i64) -> Option<Ref<'_, R>> {
        Ref::filter_map(self.state.borrow(), |state| {
            state.by_row.get(&row).and_then(|(doc, _)| doc.downcast_ref::<R>())
        })
        .ok()
    }

    /// Keeps the document just parsed from row `row` (a read: not undone by a rollback, since
    /// it is what SQLite holds).
    /// `bytes` is the length of its JSON text.
    pub(crate) fn remember<R: Send + 'static>(&self, row: i64, doc: R, bytes: usize) {
        self.state.borrow_mut().keep_doc(row, Box::new(doc), bytes);
    }

    /// Keeps that row `row` holds the resource of `key` (read from SQLite).
    pub(crate) fn remember_row(&self, key: String, row: i64) {
        self.state.borrow_mut().keep_row(key, Some(row));
    }

    /// Keeps that SQLite holds no resource of `key` (a read found none).
    pub(crate) fn remember_absent(&self, key: String) {
        let mut state = self.state.borrow_mut();
        state.absences += 1;
        if state.absences > ABSENCES {
            state.rows.retain(|_, row| row.is_some());
            state.absences = 1;
        }
        state.keep_row(key, None);
    }

    /// Keeps the document just written to row `row` for the resource of `key`, to be forgotten
    /// if the write is undone; `bytes` is the length of its JSON text.
    pub(crate) fn wrote<R: Send + 'static>(&self, key: String, row: i64, doc: R, bytes: usize) {
        let mut state = self.state.borrow_mut();
        state.keep_doc(row, Box::new(doc), bytes);
        state.keep_row(key.clone(), Some(row));
        state.changed.push((row, key));
    }

    /// Keeps `doc` as row `row`'s document after a write of a few of its fields
    /// ([`super::observe`]): it replaces the known document with the size of its text unchanged,
    /// and is forgotten if the write is undone. A row whose document is not known stays unknown
    /// (the next read parses the text and sets the fields written apart).
    pub(crate) fn rewrote<R: Send + 'static>(&self, key: String, row: i64, doc: R) {
        let mut state = self.state.borrow_mut();
        if let Some(entry) = state.by_row.get_mut(&row) {
            entry.0 = Box::new(doc);
        }
        state.keep_row(key.clone(), Some(row));
        state.changed.push((row, key));
    }

    /// Forgets row `row`, which held the resource of `key`, just deleted: the resource is now
    /// absent (until a rollback undoes the delete).
    pub(crate) fn deleted(&self, key: String, row: i64) {
        let mut state = self.state.borrow_mut();
        state.drop_doc(row);
        state.rows.insert(key.clone(), None);
        state.changed.push((row, key));
    }

    /// The kinds of the rows written or deleted since the innermost savepoint (or the
    /// transaction) began, each once.
    pub(crate) fn changed_kinds(&self) -> Vec<String> {
        let state = self.state.borrow();
        let from = state.marks.last().copied().unwrap_or(0);
        let mut kinds: Vec<String> = state.changed[from.min(state.changed.len())..]
            .iter()
            .filter_map(|(_, key)| key.split('\0').nth(2).map(str::to_string))
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    /// A transaction committed: its changes are kept.
    pub(crate) fn commit(&self) {
        let mut state = self.state.borrow_mut();
        state.changed.clear();
        state.marks.clear();
    }

    /// A transaction rolled back: the rows it changed are forgotten.
    pub(crate) fn rollback(&self) {
        let mut state = self.state.borrow_mut();
        state.forget(0);
        state.marks.clear();
    }

    /// A savepoint opened.
    pub(crate) fn savepoint(&self) {
        let mut state = self.state.borrow_mut();
        let at = state.changed.len();
        state.marks.push(at);
    }

    /// The innermost savepoint was released: its changes now belong to the enclosing one.
    pub(crate) fn release(&self) {
        self.state.borrow_mut().marks.pop();
    }

    /// The innermost savepoint rolled back (and closed): the rows changed since it opened are
    /// forgotten.
    pub(crate) fn rollback_savepoint(&self) {
        let mut state = self.state.borrow_mut();
        let from = state.marks.pop().unwrap_or(0);
        state.forget(from);
    }

    /// Forgets everything (the table was emptied, or another connection changed the database).
    pub fn clear(&self) {
        let mut state = self.state.borrow_mut();
        state.by_row.clear();
        state.parsed_bytes = 0;
        state.rows.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(docs: &Docs, row: i64) -> Option<String> {
        docs.get::<String>(row).map(|s| s.clone())
    }

    #[test]
    fn a_rolled_back_savepoint_forgets_only_its_own_rows() {
        let docs = Docs::default();
        docs.remember_row("a".into(), 1);
        docs.remember(1, "read".to_string(), 4);
        docs.wrote("b".into(), 2, "outer".to_string(), 5);
        docs.savepoint();
        docs.wrote("c".into(), 3, "inner".to_string(), 5);
        docs.deleted("a".into(), 1);
        assert_eq!(docs.place("a"), Place::Absent);
        docs.rollback_savepoint();
        assert_eq!(docs.place("a"), Place::Unknown, "the deleted row is asked of SQLite again");
        assert_eq!(doc(&docs, 1), None);
        assert_eq!((docs.place("b"), doc(&docs, 2).as_deref()), (Place::Row(2), Some("outer")));
        assert_eq!((docs.place("c"), doc(&docs, 3)), (Place::Unknown, None));
        docs.rollback();
        assert_eq!((docs.place("b"), doc(&docs, 2)), (Place::Unknown, None));
    }

    #[test]
    fn a_commit_keeps_what_was_written_and_a_later_rollback_does_not_undo_it() {
        let docs = Docs::default();
        docs.savepoint();
        docs.wrote("k".into(), 7, 42u32, 2);
        docs.release();
        docs.commit();
        docs.rollback();
        assert_eq!(docs.place("k"), Place::Row(7));
        assert_eq!(docs.get::<u32>(7).map(|n| *n), Some(42));
    }

    #[test]
    fn a_resource_found_absent_stays_absent_until_written_and_a_rollback_forgets_the_write() {
        let docs = Docs::default();
        assert_eq!(docs.place("k"), Place::Unknown);
        docs.remember_absent("k".into());
        assert_eq!(docs.place("k"), Place::Absent);
        docs.savepoint();
        docs.wrote("k".into(), 4, 1u8, 1);
        assert_eq!(docs.place("k"), Place::Row(4));
        docs.rollback_savepoint();
        assert_eq!(docs.place("k"), Place::Unknown, "the insert was undone: SQLite is asked again");
        docs.remember_absent("gone".into());
        docs.clear();
        assert_eq!(docs.place("gone"), Place::Unknown, "another connection may have written it");
        docs.remember_row("kept".into(), 9);
        for i in 0..=ABSENCES {
            docs.remember_absent(i.to_string());
        }
        assert!(docs.state.borrow().rows.len() <= ABSENCES + 1, "absences are dropped after a while");
        assert_eq!(docs.place("kept"), Place::Row(9), "rows are not");
    }

    /// A document written again replaces its bytes as well as itself: rewriting the same rows
    /// many times over (findings re-imported by every evaluation) never drops the others.
    #[test]
    fn rewriting_the_same_rows_keeps_everything() {
        let docs = Docs::default();
        let doc = PARSED_BYTES / 4;
        docs.remember(0, 0u32, doc);
        for round in 0..100u32 {
            docs.wrote("k".into(), 1, round, doc);
            docs.commit();
        }
        assert_eq!(docs.get::<u32>(0).map(|n| *n), Some(0), "the other document is still kept");
        assert_eq!(docs.get::<u32>(1).map(|n| *n), Some(99));
        assert_eq!(docs.state.borrow().parsed_bytes, 2 * doc);
        docs.savepoint();
        docs.wrote("k".into(), 1, 100u32, doc);
        docs.rollback_savepoint();
        assert_eq!(docs.state.borrow().parsed_bytes, doc, "a forgotten document gives its bytes back");
    }

    /// Parsed documents are kept up to their bound in JSON bytes, rows up to theirs; past a
    /// bound what was kept is dropped, and the newest is kept.
    #[test]
    fn what_is_kept_is_bounded() {
        let docs = Docs::default();
        let doc = PARSED_BYTES / 4;
        for row in 0..4 {
            docs.remember(row, row as u32, doc);
        }
        assert_eq!(docs.state.borrow().by_row.len(), 4, "exactly at the bound");
        docs.wrote("k".into(), 4, 4u32, doc);
        assert_eq!(docs.state.borrow().by_row.len(), 1, "past it, the others were dropped");
        assert_eq!(docs.get::<u32>(4).map(|n| *n), Some(4));
        assert_eq!(docs.get::<u32>(0).map(|n| *n), None);
        assert_eq!(docs.place("k"), Place::Row(4));
        let docs = Docs::default();
        for i in 0..KEYS as i64 {
            docs.remember_row(format!("key-{i}"), i);
        }
        assert_eq!(docs.state.borrow().rows.len(), KEYS);
        docs.remember_row("key-0".into(), 0);
        assert_eq!(docs.state.borrow().rows.len(), KEYS, "a known key does not count twice");
        docs.remember_row("one-more".into(), -1);
        assert_eq!(docs.state.borrow().rows.len(), 1);
        assert_eq!(docs.place("key-1"), Place::Unknown, "asked of SQLite again");
        // A rollback still forgets what its span wrote, whatever was dropped meanwhile.
        docs.savepoint();
        docs.wrote("w".into(), 9, 9u32, 1);
        docs.rollback_savepoint();
        assert_eq!((docs.place("w"), docs.get::<u32>(9).map(|n| *n)), (Place::Unknown, None));
    }

    #[test]
    fn a_document_is_found_only_as_the_type_it_was_kept_as() {
        let docs = Docs::default();
        docs.remember(1, 5u8, 1);
        assert_eq!(docs.get::<u8>(1).map(|n| *n), Some(5));
        assert_eq!(docs.get::<u16>(1).map(|n| *n), None);
    }
}
