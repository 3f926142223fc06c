//! Parsed documents kept in memory by row, so that reading a document does not parse the JSON
//! that this connection wrote or read before.
//!
//! SQLite stays the source of truth: every read still finds its row there (existence, order,
//! position), and only the parsing of the row's `doc` text is skipped when the row's parsed
//! form is known. A write stores the document it was given, which is what parsing the written
//! text gives back (checked in debug builds, see [`super::put`]).
//!
//! What a transaction changes is undone with it: rows written or deleted since the
//! transaction (or the innermost savepoint) began are forgotten when it rolls back, so the next
//! read parses what SQLite kept. Changes made through other connections are not seen here; the
//! owner of the connection calls [`Docs::clear`] when SQLite's `data_version` says there were
//! some (a file shared with another process).

use std::any::Any;
use std::cell::{Ref, RefCell};
use std::collections::HashMap;

/// The cache of one connection. Not shared between threads: it lives next to the connection,
/// behind the same lock.
#[derive(Default)]
pub struct Docs {
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    /// Parsed documents by rowid.
    by_row: HashMap<i64, Box<dyn Any + Send>>,
    /// Rows written or deleted since the transaction began, oldest first.
    changed: Vec<i64>,
    /// Where each open savepoint began in `changed`, innermost last.
    marks: Vec<usize>,
}

impl Docs {
    /// Row `row`'s document, if it is known as an `R`. Borrowed: nothing may be kept or
    /// forgotten while it is held.
    pub(crate) fn get<R: 'static>(&self, row: i64) -> Option<Ref<'_, R>> {
        Ref::filter_map(self.state.borrow(), |state| state.by_row.get(&row).and_then(|doc| doc.downcast_ref::<R>()))
            .ok()
    }

    /// Keeps the document just parsed from row `row` (a read: not undone by a rollback, since
    /// it is what SQLite holds).
    pub(crate) fn remember<R: Send + 'static>(&self, row: i64, doc: R) {
        self.state.borrow_mut().by_row.insert(row, Box::new(doc));
    }

    /// Keeps the document just written to row `row`, to be forgotten if the write is undone.
    pub(crate) fn wrote<R: Send + 'static>(&self, row: i64, doc: R) {
        let mut state = self.state.borrow_mut();
        state.by_row.insert(row, Box::new(doc));
        state.changed.push(row);
    }

    /// Forgets row `row`, just deleted.
    pub(crate) fn deleted(&self, row: i64) {
        let mut state = self.state.borrow_mut();
        state.by_row.remove(&row);
        state.changed.push(row);
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
        let State { by_row, changed, marks } = &mut *state;
        for row in changed.drain(..) {
            by_row.remove(&row);
        }
        marks.clear();
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
        let State { by_row, changed, marks } = &mut *state;
        let from = marks.pop().unwrap_or(0).min(changed.len());
        for row in changed.drain(from..) {
            by_row.remove(&row);
        }
    }

    /// Forgets everything (the table was emptied, or another connection changed the database).
    pub fn clear(&self) {
        let mut state = self.state.borrow_mut();
        state.by_row.clear();
    }

    /// How many documents are kept (for tests).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.state.borrow().by_row.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rolled_back_savepoint_forgets_only_its_own_rows() {
        let docs = Docs::default();
        docs.remember(1, "read".to_string());
        docs.wrote(2, "outer".to_string());
        docs.savepoint();
        docs.wrote(3, "inner".to_string());
        docs.deleted(1);
        docs.rollback_savepoint();
        assert_eq!(docs.get::<String>(1).map(|s| s.clone()), None, "the deleted row is read again from SQLite");
        assert_eq!(docs.get::<String>(2).map(|s| s.clone()).as_deref(), Some("outer"));
        assert_eq!(docs.get::<String>(3).map(|s| s.clone()), None);
        docs.rollback();
        assert_eq!(docs.get::<String>(2).map(|s| s.clone()), None);
        assert_eq!(docs.len(), 0);
    }

    #[test]
    fn a_commit_keeps_what_was_written_and_a_later_rollback_does_not_undo_it() {
        let docs = Docs::default();
        docs.savepoint();
        docs.wrote(7, 42u32);
        docs.release();
        docs.commit();
        docs.rollback();
        assert_eq!(docs.get::<u32>(7).map(|n| *n), Some(42));
    }

    #[test]
    fn a_document_is_found_only_as_the_type_it_was_kept_as() {
        let docs = Docs::default();
        docs.remember(1, 5u8);
        assert_eq!(docs.get::<u8>(1).map(|n| *n), Some(5));
        assert_eq!(docs.get::<u16>(1).map(|n| *n), None);
    }
}
