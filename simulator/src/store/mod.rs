//! The SQLite store: the only module that knows SQL. A file for the CLI and the server,
//! `:memory:` for tests, with the same code; WAL mode for files.

mod docs;
mod schema;

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::SimError;

pub use docs::Docs;
use docs::Place;
pub use schema::CURRENT_VERSION;

/// A resource kept in the store as one JSON document.
///
/// Writing a document and parsing the written text back must give the same value (the
/// connection's [`Docs`] keep the written value instead of parsing it again): debug builds check
/// it on every write.
pub trait Resource: Serialize + DeserializeOwned + Clone + PartialEq + Send + 'static {
    /// `service:type`, e.g. `s3:bucket`.
    const KIND: &'static str;
    /// Global resources (IAM, S3 bucket names) are stored once per account, not per region.
    const GLOBAL: bool = false;
    /// Whether documents of this kind are often written again with only a few fields new (a
    /// finding re-observed unchanged gets new observation times): [`observe`] then writes those
    /// fields apart from the document, in a small row, instead of rewriting the whole document.
    const OBSERVED: bool = false;

    /// The fields [`observe`] writes apart, as JSON text (called only when
    /// [`Resource::OBSERVED`]).
    fn observation(&self) -> Result<String, SimError> {
        Ok(String::new())
    }

    /// Sets on a document read back the fields [`observe`] wrote apart (their JSON text).
    fn apply_observation(&mut self, _text: &str) -> Result<(), SimError> {
        Ok(())
    }
}

/// Opens (creating if absent) the database at `path`, or an in-memory one for `:memory:`,
/// and brings its schema up to date.
pub fn open(path: &Path) -> Result<Connection, SimError> {
    let conn = if path.as_os_str() == ":memory:" {
        Connection::open_in_memory()?
    } else {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn
    };
    configure(&conn)?;
    migrate(&conn)?;
    Ok(conn)
}

/// Opens a second, read-only connection to the database file `path`, which a simulator holds
/// (its schema is current already): what a [`crate::sim::ReadView`] reads through.
pub(crate) fn open_reader(path: &Path) -> Result<Connection, SimError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    configure(&conn)?;
    conn.pragma_update(None, "query_only", true)?;
    Ok(conn)
}

/// Begins a read transaction on `conn` and reads once, so that the snapshot it sees is fixed
/// now (a deferred transaction takes its snapshot at its first read), until it ends.
pub(crate) fn begin_read(conn: &Connection) -> Result<(), SimError> {
    conn.execute_batch("BEGIN DEFERRED")?;
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))?;
    Ok(())
}

/// `path` with `suffix` appended to its file name (`state.db` → `state.db-wal`).
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    std::path::PathBuf::from(s)
}

fn file_error<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> SimError + 'a {
    move |source| SimError::File { action, path: path.to_path_buf(), source }
}

fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Removes the write-ahead log and its index beside the database file `path` (only once no
/// connection has it open: closing the last one checkpoints the log into the file).
fn remove_wal_files(path: &Path) -> Result<(), SimError> {
    remove_if_present(&with_suffix(path, "-wal")).map_err(file_error("remove", path))?;
    remove_if_present(&with_suffix(path, "-shm")).map_err(file_error("remove", path))
}

/// Removes the database file `path` and its WAL files, where present.
pub(crate) fn remove_files(path: &Path) -> Result<(), SimError> {
    remove_if_present(path).map_err(file_error("remove", path))?;
    remove_wal_files(path)
}

/// Moves the closed database file `from` over `to`, whose connections must all be closed: its
/// WAL files go first (they belong to the file being replaced). On an error `to` is as it was,
/// unless only its (checkpointed) WAL files were removed.
pub(crate) fn replace_file(from: &Path, to: &Path) -> Result<(), SimError> {
    remove_wal_files(to)?;
    std::fs::rename(from, to).map_err(file_error("replace", to))
}

/// Settings every connection gets before its first statement.
///
/// The query planner stability guarantee (QPSG) keeps SQLite from tying a plan to the values
/// first bound to it: without it, a cached statement such as [`list`]'s is marked to be
/// re-planned when its bindings change, and rusqlite clears the bindings each time it returns
/// the statement to its cache, so every execution parsed and planned the SQL again (about a
/// tenth of an evaluation's time). Plans here do not depend on the values (no statistics).
pub(crate) fn configure(conn: &Connection) -> Result<(), SimError> {
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

fn migrate(conn: &Connection) -> Result<(), SimError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > CURRENT_VERSION {
        return Err(SimError::Corrupt(format!(
            "schema version {version} is newer than this hubsim understands ({CURRENT_VERSION})"
        )));
    }
    if version == 0 {
        return apply(conn, schema::CURRENT, CURRENT_VERSION);
    }
    for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
        apply(conn, sql, (i + 1) as i64)?;
    }
    Ok(())
}

/// Runs `sql` and sets the schema version to `version`, in one transaction.
fn apply(conn: &Connection, sql: &str, version: i64) -> Result<(), SimError> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let applied = conn.execute_batch(sql).and_then(|_| conn.pragma_update(None, "user_version", version));
    match applied {
        Ok(()) => Ok(conn.execute_batch("COMMIT")?),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e.into())
        }
    }
}

/// A value from the `meta` table.
pub fn meta_get<T: DeserializeOwned>(conn: &Connection, key: &str) -> Result<Option<T>, SimError> {
    let text: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row(params![key], |r| r.get(0))
        .optional()?;
    Ok(match text {
        Some(t) => Some(serde_json::from_str(&t)?),
        None => None,
    })
}

/// Writes a value into the `meta` table.
pub fn meta_put<T: Serialize>(conn: &Connection, key: &str, value: &T) -> Result<(), SimError> {
    let text = serde_json::to_string(value)?;
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, text])?;
    Ok(())
}

/// A connection with the parsed documents it knows ([`Docs`]): what resource reads and writes
/// go through.
#[derive(Clone, Copy)]
pub struct Db<'c> {
    /// The connection (inside the caller's transaction, if any).
    pub conn: &'c Connection,
    /// Its parsed documents.
    pub docs: &'c Docs,
}

/// A part of resource `Of`'s document: a read that answers with one part of a large document
/// takes only that part (a clone of a few fields, not of the whole).
pub trait View: Sized {
    /// The resource this is a view of (its kind, and whether it is global).
    type Of: Resource;
    /// The part of `whole`.
    fn of(whole: &Self::Of) -> Self;
}

/// Reads one resource document.
pub fn get<R: Resource>(db: Db<'_>, account: &str, region: &str, id: &str) -> Result<Option<R>, SimError> {
    get_with(db, account, region, id, R::clone)
}

/// Reads part of one resource document (see [`View`]).
pub fn get_view<V: View>(db: Db<'_>, account: &str, region: &str, id: &str) -> Result<Option<V>, SimError> {
    get_with(db, account, region, id, V::of)
}

/// What `pick` makes of one resource document, read in place (nothing is copied but what `pick`
/// takes): from what the connection knows, else from SQLite (and then known).
pub fn get_with<R: Resource, T>(
    db: Db<'_>,
    account: &str,
    region: &str,
    id: &str,
    pick: impl FnOnce(&R) -> T,
) -> Result<Option<T>, SimError> {
    let region = if R::GLOBAL { "" } else { region };
    let key = docs::key(account, region, R::KIND, id);
    match db.docs.place(&key) {
        Place::Absent => return Ok(None),
        Place::Row(row) => {
            if let Some(doc) = db.docs.get::<R>(row) {
                return Ok(Some(pick(&doc)));
            }
        }
        Place::Unknown => {}
    }
    let mut stmt = db.conn.prepare_cached(
        "SELECT rowid, doc FROM resources WHERE account = ?1 AND region = ?2 AND kind = ?3 AND id = ?4",
    )?;
    let mut rows = stmt.query(params![account, region, R::KIND, id])?;
    match rows.next()? {
        Some(row) => {
            let t = doc_of(db, row, pick)?;
            db.docs.remember_row(key, row.get(0)?);
            Ok(Some(t))
        }
        None => {
            db.docs.remember_absent(key);
            Ok(None)
        }
    }
}

/// What `pick` makes of the document of `row` (its rowid in column 0, its text in the last
/// column): the parsed document if the connection knows it, else the text parsed now, with
/// the fields [`observe`] wrote apart set on it (and kept).
fn doc_of<R: Resource, T>(db: Db<'_>, row: &rusqlite::Row<'_>, pick: impl FnOnce(&R) -> T) -> Result<T, SimError> {
    let rowid: i64 = row.get(0)?;
    if let Some(doc) = db.docs.get::<R>(rowid) {
        return Ok(pick(&doc));
    }
    let col = row.as_ref().column_count() - 1;
    let bytes = match row.get_ref(col)? {
        ValueRef::Text(text) => text.len(),
        _ => 0,
    };
    let mut doc: R = parse_doc(row, col)?;
    if R::OBSERVED {
        let observed: Option<String> = db
            .conn
            .prepare_cached("SELECT at FROM observed WHERE row = ?1")?
            .query_row(params![rowid], |r| r.get(0))
            .optional()?;
        if let Some(text) = observed {
            doc.apply_observation(&text)?;
        }
    }
    let t = pick(&doc);
    db.docs.remember(rowid, doc, bytes);
    Ok(t)
}

/// What `pick` makes of the document in row `rowid`: the parsed document if the connection
/// knows it, else the row's text read and parsed now (and kept). Lists select rowids only and
/// come here for each document, so a document already known is not read out of SQLite at all.
fn doc_at<R: Resource, T>(db: Db<'_>, rowid: i64, pick: impl FnOnce(&R) -> T) -> Result<T, SimError> {
    if let Some(doc) = db.docs.get::<R>(rowid) {
        return Ok(pick(&doc));
    }
    let mut stmt = db.conn.prepare_cached("SELECT rowid, doc FROM resources WHERE rowid = ?1")?;
    let mut rows = stmt.query(params![rowid])?;
    let row = rows.next()?.ok_or_else(|| SimError::Corrupt(format!("row {rowid} vanished while it was read")))?;
    doc_of(db, row, pick)
}

/// Inserts or replaces one resource document; a replaced resource keeps its creation order. The
/// document becomes the connection's parsed copy (see [`Docs`]).
pub fn put<R: Resource>(db: Db<'_>, account: &str, region: &str, id: &str, seq: u64, doc: R) -> Result<(), SimError> {
    let region = if R::GLOBAL { "" } else { region };
    let key = docs::key(account, region, R::KIND, id);
    let mut bytes = 0;
    let rowid = with_json(&doc, |text| {
        bytes = text.len();
        #[cfg(debug_assertions)]
        {
            let back: R = serde_json::from_str(text)?;
            assert!(back == doc, "a {} document does not read back as it was written: {text}", R::KIND);
        }
        // Found, then updated or inserted: an upsert cannot say which row it wrote without
        // `RETURNING`, which costs SQLite a temporary table on every write.
        match row_of(db, &key, account, region, R::KIND, id)? {
            Some(rowid) => {
                db.conn
                    .prepare_cached("UPDATE resources SET doc = ?2 WHERE rowid = ?1")?
                    .execute(params![rowid, text])?;
                Ok(rowid)
            }
            None => {
                db.conn
                    .prepare_cached(
                        "INSERT INTO resources (account, region, kind, id, seq, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![account, region, R::KIND, id, seq as i64, text])?;
                Ok(db.conn.last_insert_rowid())
            }
        }
    })?;
    if R::OBSERVED {
        // Written apart from the first write on, so that re-observing changes no row's size.
        write_observation(db, rowid, &doc.observation()?)?;
    }
    db.docs.wrote(key, rowid, doc, bytes);
    Ok(())
}

/// Writes `doc`, the stored document of resource `id` with only the fields of
/// [`Resource::observation`] new, as those fields alone, in a row of their own beside the
/// unchanged document: a finding re-observed unchanged costs a write of ~100 bytes, not of its
/// ~3 KB document (which re-imports of ~1,500 findings per evaluation made most of an
/// evaluation's time and of its WAL). Reads set the fields back ([`Resource::apply_observation`]);
/// [`put`] writes the row too (a document's first write included, so that re-observing it
/// grows nothing later), [`delete`] drops it. Whether only those fields changed is the
/// caller's to know; a resource that does not exist is refused.
pub fn observe<R: Resource>(db: Db<'_>, account: &str, region: &str, id: &str, doc: R) -> Result<(), SimError> {
    debug_assert!(R::OBSERVED, "{} documents are not observed apart", R::KIND);
    let region = if R::GLOBAL { "" } else { region };
    let key = docs::key(account, region, R::KIND, id);
    let rowid = row_of(db, &key, account, region, R::KIND, id)?
        .ok_or_else(|| SimError::Corrupt(format!("{} {id} was observed before it was stored", R::KIND)))?;
    write_observation(db, rowid, &doc.observation()?)?;
    db.docs.rewrote(key, rowid, doc);
    Ok(())
}

/// Writes the fields of row `rowid` kept apart (see [`observe`]).
fn write_observation(db: Db<'_>, rowid: i64, text: &str) -> Result<(), SimError> {
    // An update first: the row exists from the document's first write on (a database from
    // before the `observed` table has none until then).
    let updated =
        db.conn.prepare_cached("UPDATE observed SET at = ?2 WHERE row = ?1")?.execute(params![rowid, text])?;
    if updated == 0 {
        db.conn.prepare_cached("INSERT INTO observed (row, at) VALUES (?1, ?2)")?.execute(params![rowid, text])?;
    }
    Ok(())
}

/// Drops what [`observe`] wrote apart for row `rowid`.
fn forget_observation(db: Db<'_>, rowid: i64) -> Result<(), SimError> {
    db.conn.prepare_cached("DELETE FROM observed WHERE row = ?1")?.execute(params![rowid])?;
    Ok(())
}

/// Serializes `value` into this thread's scratch buffer and hands `f` the text: a document is
/// written without growing a new buffer for it byte range by byte range. Written by sonic-rs
/// (same serde traits, strings escaped many bytes at a time); any valid JSON reads back the
/// same with serde_json, which debug builds check for every stored document.
fn with_json<T: Serialize, U>(value: &T, f: impl FnOnce(&str) -> Result<U, SimError>) -> Result<U, SimError> {
    thread_local!(static SCRATCH: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) });
    // Taken out while in use, so a nested call gets a buffer of its own.
    let mut buf = SCRATCH.take();
    buf.clear();
    let out = match sonic_rs::to_writer(&mut buf, value) {
        Ok(()) => match std::str::from_utf8(&buf) {
            Ok(text) => f(text),
            Err(e) => Err(SimError::Corrupt(format!("serialized JSON is not UTF-8: {e}"))),
        },
        Err(e) => Err(SimError::Corrupt(format!("a value could not be written as JSON: {e}"))),
    };
    SCRATCH.set(buf);
    out
}

/// `value` as JSON text, built in a reused buffer (one allocation of the final size).
pub fn json_text<T: Serialize>(value: &T) -> Result<String, SimError> {
    with_json(value, |text| Ok(text.to_string()))
}

/// Deletes one resource; whether it existed.
pub fn delete<R: Resource>(db: Db<'_>, account: &str, region: &str, id: &str) -> Result<bool, SimError> {
    let region = if R::GLOBAL { "" } else { region };
    let key = docs::key(account, region, R::KIND, id);
    let Some(rowid) = row_of(db, &key, account, region, R::KIND, id)? else {
        return Ok(false);
    };
    db.conn.prepare_cached("DELETE FROM resources WHERE rowid = ?1")?.execute(params![rowid])?;
    if R::OBSERVED {
        forget_observation(db, rowid)?;
    }
    db.docs.deleted(key, rowid);
    Ok(true)
}

/// The rowid of the resource of `key` (`id` of `kind` in `account`, `region`), if it exists.
fn row_of(db: Db<'_>, key: &str, account: &str, region: &str, kind: &str, id: &str) -> Result<Option<i64>, SimError> {
    match db.docs.place(key) {
        Place::Row(row) => return Ok(Some(row)),
        Place::Absent => return Ok(None),
        Place::Unknown => {}
    }
    let row = db
        .conn
        .prepare_cached("SELECT rowid FROM resources WHERE account = ?1 AND region = ?2 AND kind = ?3 AND id = ?4")?
        .query_row(params![account, region, kind, id], |r| r.get::<_, i64>(0))
        .optional()?;
    match row {
        Some(row) => db.docs.remember_row(key.to_string(), row),
        None => db.docs.remember_absent(key.to_string()),
    }
    Ok(row)
}

/// Every resource of a kind in one region (or the global ones), in creation order.
pub fn list<R: Resource>(db: Db<'_>, account: &str, region: &str) -> Result<Vec<(String, R)>, SimError> {
    list_docs(db, account, if R::GLOBAL { "" } else { region }, R::clone)
}

/// Part of every resource of a kind in one region (or the global ones), in creation order
/// (see [`View`]).
pub fn list_view<V: View>(db: Db<'_>, account: &str, region: &str) -> Result<Vec<(String, V)>, SimError> {
    list_docs(db, account, if V::Of::GLOBAL { "" } else { region }, V::of)
}

fn list_docs<R: Resource, T>(
    db: Db<'_>,
    account: &str,
    region: &str,
    pick: impl Fn(&R) -> T,
) -> Result<Vec<(String, T)>, SimError> {
    let mut stmt = db.conn.prepare_cached(
        "SELECT rowid, id FROM resources WHERE account = ?1 AND kind = ?2 AND region = ?3 ORDER BY seq",
    )?;
    let mut rows = stmt.query(params![account, R::KIND, region])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push((row.get::<_, String>(1)?, doc_at(db, row.get(0)?, &pick)?));
    }
    Ok(out)
}

/// The JSON document in column `col` of `row`, parsed from SQLite's text in place (without
/// copying it into a `String` first). The text is checked to be UTF-8 once, as a whole: parsing
/// from bytes would check every string in it separately, at several times the cost.
fn parse_doc<T: DeserializeOwned>(row: &rusqlite::Row<'_>, col: usize) -> Result<T, SimError> {
    match row.get_ref(col)? {
        ValueRef::Text(text) => {
            let text = std::str::from_utf8(text)
                .map_err(|e| SimError::Corrupt(format!("a stored document is not UTF-8: {e}")))?;
            Ok(serde_json::from_str(text)?)
        }
        other => Err(rusqlite::Error::InvalidColumnType(col, "doc".into(), other.data_type()).into()),
    }
}

/// Visits the resources of a kind in one region created after position `after` (exclusive), in
/// creation order, with their positions, until `visit` returns `false`: for paging through
/// large collections without reading them whole.
pub fn scan_after<R: Resource>(
    db: Db<'_>,
    account: &str,
    region: &str,
    after: i64,
    mut visit: impl FnMut(i64, &R) -> bool,
) -> Result<(), SimError> {
    let region = if R::GLOBAL { "" } else { region };
    let mut stmt = db.conn.prepare_cached(
        "SELECT rowid, seq FROM resources WHERE account = ?1 AND kind = ?2 AND region = ?3 AND seq > ?4 ORDER BY seq",
    )?;
    let mut rows = stmt.query(params![account, R::KIND, region, after])?;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(1)?;
        if !doc_at(db, row.get(0)?, |doc: &R| visit(seq, doc))? {
            break;
        }
    }
    Ok(())
}

/// Every resource of a kind in every region, in creation order, with its region.
pub fn list_all<R: Resource>(db: Db<'_>, account: &str) -> Result<Vec<(String, String, R)>, SimError> {
    let mut stmt = db
        .conn
        .prepare_cached("SELECT rowid, region, id, doc FROM resources WHERE account = ?1 AND kind = ?2 ORDER BY seq")?;
    let mut rows = stmt.query(params![account, R::KIND])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push((row.get::<_, String>(1)?, row.get::<_, String>(2)?, doc_of(db, row, R::clone)?));
    }
    Ok(out)
}

/// One row of the journal of mutating calls.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct JournalEntry {
    /// Order of the call.
    pub seq: i64,
    /// Account the call was made in.
    pub account: String,
    /// Region the call was signed for.
    pub region: String,
    /// botocore service name.
    pub service: String,
    /// Operation name.
    pub operation: String,
    /// The input as JSON (botocore member names). For a refused call whose input was larger
    /// than [`REFUSAL_KEPT`] bytes, a summary instead (see [`refusal_input`]).
    pub input: serde_json::Value,
    /// The output when it succeeded.
    pub output: Option<serde_json::Value>,
    /// `Code: message` when it failed (at most about [`REFUSAL_KEPT`] bytes of it, see
    /// [`refusal_error`]).
    pub error: Option<String>,
    /// Scenario clock at the call, ms since the epoch.
    pub at: i64,
}

/// The most of a refused call's input and error a journal row keeps, in bytes.
pub const REFUSAL_KEPT: usize = 1024;

/// What the journal keeps of a refused call's input (JSON text): the input itself when it is
/// at most [`REFUSAL_KEPT`] bytes, else `{"hubsim:truncated": {"bytes": N, "head": TEXT}}`, where
/// `head` is the input text's first [`REFUSAL_KEPT`] bytes (cut at a character boundary) and
/// `N` its whole length. A refusal is never replayed, so its row is a record, not a step.
pub fn refusal_input(input: &str) -> std::borrow::Cow<'_, str> {
    if input.len() <= REFUSAL_KEPT {
        return input.into();
    }
    let head = head_of(input, REFUSAL_KEPT);
    serde_json::json!({"hubsim:truncated": {"bytes": input.len(), "head": head}}).to_string().into()
}

/// What the journal keeps of a refusal's `Code: message` text: at most [`REFUSAL_KEPT`] bytes
/// of it, then how long it was (an error may quote the input it refuses).
pub fn refusal_error(error: &str) -> std::borrow::Cow<'_, str> {
    if error.len() <= REFUSAL_KEPT {
        return error.into();
    }
    format!("{}... ({} bytes in all)", head_of(error, REFUSAL_KEPT), error.len()).into()
}

/// The input `{"<member>": [items...]}` of a derived call journaled with the items that changed
/// alone (each item's JSON text; see `Ctx::set_observed_only`).
pub(crate) fn items_text(member: &str, items: &[String]) -> String {
    let mut text = String::with_capacity(member.len() + 6 + items.iter().map(|i| i.len() + 1).sum::<usize>());
    text.push_str("{\"");
    text.push_str(member);
    text.push_str("\":[");
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            text.push(',');
        }
        text.push_str(item);
    }
    text.push_str("]}");
    text
}

/// The longest start of `text` of at most `max` bytes that ends at a character boundary.
fn head_of(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Appends a journal row. `input` and a successful output are JSON text.
#[allow(clippy::too_many_arguments)]
pub fn journal_append(
    conn: &Connection,
    account: &str,
    region: &str,
    service: &str,
    operation: &str,
    input: &str,
    result: Result<&str, &str>,
    at: i64,
) -> Result<(), SimError> {
    let (output, error) = match result {
        Ok(v) => (Some(v), None),
        Err(e) => (None, Some(e)),
    };
    conn.prepare_cached(
        "INSERT INTO journal (account, region, service, operation, input, output, error, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![account, region, service, operation, input, output, error, at])?;
    Ok(())
}

/// A write transaction (`BEGIN IMMEDIATE`), with its statements cached like the savepoints'
/// (rusqlite's own transaction parses `BEGIN` and `COMMIT` again each time). Rolled back when
/// dropped uncommitted: on an error, a failed commit, or a panic unwinding through it; the
/// documents it wrote are then forgotten too.
pub struct WriteTx<'c> {
    db: Db<'c>,
}

/// Begins a write transaction on `db`.
pub fn begin(db: Db<'_>) -> Result<WriteTx<'_>, SimError> {
    db.conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
    Ok(WriteTx { db })
}

impl<'c> WriteTx<'c> {
    /// The connection the transaction runs on, with its documents.
    pub fn db(&self) -> Db<'c> {
        self.db
    }

    /// Keeps what the transaction did.
    pub fn commit(self) -> Result<(), SimError> {
        self.db.conn.prepare_cached("COMMIT")?.execute([])?;
        self.db.docs.commit();
        Ok(())
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        if !self.db.conn.is_autocommit() {
            // Nothing to report to: the caller already has the error that brought us here.
            let _ = self.db.conn.execute_batch("ROLLBACK");
            self.db.docs.rollback();
        }
    }
}

/// Opens the savepoint one call runs in (statements cached: a call is too short to parse SQL
/// three times).
pub fn savepoint(db: Db<'_>) -> Result<(), SimError> {
    db.conn.prepare_cached("SAVEPOINT call")?.execute([])?;
    db.docs.savepoint();
    Ok(())
}

/// Keeps what the call did.
pub fn release(db: Db<'_>) -> Result<(), SimError> {
    db.conn.prepare_cached("RELEASE call")?.execute([])?;
    db.docs.release();
    Ok(())
}

/// Undoes what the call did and closes its savepoint.
pub fn rollback_savepoint(db: Db<'_>) -> Result<(), SimError> {
    // Forgotten first: whatever SQLite answers, the documents may no longer be what it holds.
    db.docs.rollback_savepoint();
    db.conn.prepare_cached("ROLLBACK TO call")?.execute([])?;
    db.conn.prepare_cached("RELEASE call")?.execute([])?;
    Ok(())
}

/// The whole journal, oldest first.
pub fn journal(conn: &Connection) -> Result<Vec<JournalEntry>, SimError> {
    let mut stmt = conn.prepare(
        "SELECT seq, account, region, service, operation, input, output, error, at FROM journal ORDER BY seq",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, i64>(8)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, account, region, service, operation, input, output, error, at) = row?;
        out.push(JournalEntry {
            seq,
            account,
            region,
            service,
            operation,
            input: serde_json::from_str(&input)?,
            output: output.map(|o| serde_json::from_str(&o)).transpose()?,
            error,
            at,
        });
    }
    Ok(out)
}

/// SQLite's `data_version`: changes when another connection commits to the database.
pub fn data_version(conn: &Connection) -> Result<i64, SimError> {
    Ok(conn.prepare_cached("PRAGMA data_version")?.query_row([], |r| r.get(0))?)
}

/// Removes all state (used by `scenario load --reset` inside its transaction).
pub fn clear(db: Db<'_>) -> Result<(), SimError> {
    db.docs.clear();
    db.conn.execute_batch("DELETE FROM resources; DELETE FROM observed; DELETE FROM journal; DELETE FROM meta;")?;
    Ok(())
}

/// Copies the whole database into `dest` (a consistent snapshot).
pub fn copy_to(conn: &Connection, dest: &mut Connection) -> Result<(), SimError> {
    let backup = rusqlite::backup::Backup::new(conn, dest)?;
    backup.run_to_completion(1000, std::time::Duration::from_millis(0), None)?;
    Ok(())
}

/// How many resources of each kind an account holds.
pub fn count_by_kind(conn: &Connection, account: &str) -> Result<std::collections::BTreeMap<String, usize>, SimError> {
    let mut stmt =
        conn.prepare("SELECT kind, COUNT(*) FROM resources WHERE account = ?1 GROUP BY kind ORDER BY kind")?;
    let rows = stmt.query_map(params![account], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = std::collections::BTreeMap::new();
    for row in rows {
        let (kind, n) = row?;
        out.insert(kind, usize::try_from(n).unwrap_or(0));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Thing {
        name: String,
        blob: String,
    }

    impl Resource for Thing {
        const KIND: &'static str = "test:thing";
    }

    /// A fresh in-memory store with nothing known parsed.
    fn memory() -> (Connection, Docs) {
        (open(Path::new(":memory:")).expect("open"), Docs::default())
    }

    /// A write transaction dropped without a commit (an error or a panic on the way) keeps
    /// nothing, in SQLite and in the parsed documents; a committed one keeps everything.
    #[test]
    fn an_uncommitted_write_transaction_keeps_nothing() {
        let (conn, docs) = memory();
        let db = Db { conn: &conn, docs: &docs };
        let thing = Thing { name: "t".into(), blob: "b".into() };
        {
            let tx = begin(db).expect("begin");
            put(tx.db(), "1", "r", "t", 1, thing.clone()).expect("put");
            assert_eq!(get::<Thing>(tx.db(), "1", "r", "t").expect("get"), Some(thing.clone()));
        }
        assert!(conn.is_autocommit(), "the transaction was closed");
        assert_eq!(get::<Thing>(db, "1", "r", "t").expect("get"), None);
        let tx = begin(db).expect("begin again");
        put(tx.db(), "1", "r", "t", 1, thing.clone()).expect("put");
        tx.commit().expect("commit");
        assert_eq!(get::<Thing>(db, "1", "r", "t").expect("get"), Some(thing));
    }

    /// A call that fails rolls its savepoint back: its writes and deletes are undone in what
    /// reads return, whether the document was known parsed or not.
    #[test]
    fn a_rolled_back_savepoint_reads_what_sqlite_kept() {
        let (conn, docs) = memory();
        let db = Db { conn: &conn, docs: &docs };
        let old = Thing { name: "t".into(), blob: "old".into() };
        let tx = begin(db).expect("begin");
        put(db, "1", "r", "t", 1, old.clone()).expect("put");
        put(db, "1", "r", "u", 2, old.clone()).expect("put");
        savepoint(db).expect("savepoint");
        put(db, "1", "r", "t", 1, Thing { name: "t".into(), blob: "new".into() }).expect("replace");
        assert!(delete::<Thing>(db, "1", "r", "u").expect("delete"));
        put(db, "1", "r", "v", 3, old.clone()).expect("insert");
        rollback_savepoint(db).expect("rollback");
        assert_eq!(get::<Thing>(db, "1", "r", "t").expect("get"), Some(old.clone()));
        assert_eq!(get::<Thing>(db, "1", "r", "u").expect("get"), Some(old.clone()));
        assert_eq!(get::<Thing>(db, "1", "r", "v").expect("get"), None);
        let ids: Vec<String> = list::<Thing>(db, "1", "r").expect("list").into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, ["t", "u"]);
        tx.commit().expect("commit");
        // The same answers once nothing is known parsed.
        docs.clear();
        assert_eq!(get::<Thing>(db, "1", "r", "t").expect("get"), Some(old));
    }

    /// A resource whose `seen` field is written apart by [`observe`].
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Seen {
        name: String,
        seen: String,
    }

    impl Resource for Seen {
        const KIND: &'static str = "test:seen";
        const OBSERVED: bool = true;

        fn observation(&self) -> Result<String, SimError> {
            Ok(serde_json::to_string(&self.seen)?)
        }

        fn apply_observation(&mut self, text: &str) -> Result<(), SimError> {
            self.seen = serde_json::from_str(text)?;
            Ok(())
        }
    }

    fn seen(at: &str) -> Seen {
        Seen { name: "s".into(), seen: at.into() }
    }

    fn observed_rows(conn: &Connection) -> i64 {
        conn.query_row("SELECT COUNT(*) FROM observed", [], |r| r.get(0)).expect("count")
    }

    /// What `observe` writes apart is read back with the document (known parsed or not, by
    /// get, list and scan), undone with a rolled-back savepoint, replaced by the next full
    /// write and dropped by the delete; the document's own text is left as it was.
    #[test]
    fn observed_fields_read_back_and_go_with_the_next_write() {
        let (conn, docs) = memory();
        let db = Db { conn: &conn, docs: &docs };
        put(db, "1", "r", "s", 1, seen("t1")).expect("put");
        observe(db, "1", "r", "s", seen("t2")).expect("observe");
        let text: String = conn.query_row("SELECT doc FROM resources", [], |r| r.get(0)).expect("doc");
        assert!(text.contains("t1"), "{text}");
        assert_eq!(get::<Seen>(db, "1", "r", "s").expect("get"), Some(seen("t2")));
        docs.clear();
        assert_eq!(get::<Seen>(db, "1", "r", "s").expect("get"), Some(seen("t2")));
        docs.clear();
        assert_eq!(list::<Seen>(db, "1", "r").expect("list"), [("s".to_string(), seen("t2"))]);
        docs.clear();
        let mut scanned = Vec::new();
        scan_after(db, "1", "r", 0, |_, s: &Seen| {
            scanned.push(s.clone());
            true
        })
        .expect("scan");
        assert_eq!(scanned, [seen("t2")]);

        savepoint(db).expect("savepoint");
        observe(db, "1", "r", "s", seen("t3")).expect("observe");
        rollback_savepoint(db).expect("rollback");
        assert_eq!(get::<Seen>(db, "1", "r", "s").expect("get"), Some(seen("t2")));

        put(db, "1", "r", "s", 1, seen("t4")).expect("put");
        assert_eq!(observed_rows(&conn), 1, "a full write writes the fields apart too");
        docs.clear();
        assert_eq!(get::<Seen>(db, "1", "r", "s").expect("get"), Some(seen("t4")));

        observe(db, "1", "r", "s", seen("t5")).expect("observe");
        assert_eq!(observed_rows(&conn), 1);
        assert!(delete::<Seen>(db, "1", "r", "s").expect("delete"));
        assert_eq!(observed_rows(&conn), 0);
        assert!(observe(db, "1", "r", "s", seen("t6")).is_err(), "a resource that does not exist");
    }

    /// Lists select rowids and take each document from what the connection knows, else from
    /// SQLite: both ways give the same documents, in creation order.
    #[test]
    fn lists_read_documents_known_or_not() {
        let (conn, docs) = memory();
        let db = Db { conn: &conn, docs: &docs };
        let thing = |blob: &str| Thing { name: "t".into(), blob: blob.into() };
        put(db, "1", "r", "b", 2, thing("second")).expect("put");
        put(db, "1", "r", "a", 1, thing("first")).expect("put");
        let listed = |db| {
            let mut scanned = Vec::new();
            scan_after::<Thing>(db, "1", "r", 0, |seq, t| {
                scanned.push((seq, t.blob.clone()));
                true
            })
            .expect("scan");
            (list::<Thing>(db, "1", "r").expect("list"), scanned)
        };
        let known = listed(db);
        assert_eq!(known.0, [("a".to_string(), thing("first")), ("b".to_string(), thing("second"))]);
        assert_eq!(known.1, [(1, "first".to_string()), (2, "second".to_string())]);
        docs.clear();
        assert_eq!(listed(db), known, "read back from SQLite");
        assert_eq!(listed(db), known, "and known again");
    }

    /// Every table's columns (name, type, not null, primary key) and every index's columns.
    fn shape(conn: &Connection) -> Vec<String> {
        let mut out = Vec::new();
        let names: Vec<(String, String)> = conn
            .prepare("SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
            .expect("schema")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("names");
        for (ty, name) in names {
            let pragma = if ty == "table" { "table_info" } else { "index_info" };
            let cols: Vec<String> = conn
                .prepare(&format!("SELECT * FROM pragma_{pragma}('{name}')"))
                .expect("pragma")
                .query_map([], |r| {
                    let n = r.as_ref().column_count();
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).map(|v| v.as_str().ok())))
                        .collect::<Vec<_>>()
                        .join(","))
                })
                .expect("rows")
                .collect::<Result<_, _>>()
                .expect("cols");
            out.push(format!("{ty} {name}: {}", cols.join(" | ")));
        }
        let unique: Vec<String> = conn
            .prepare("SELECT name, \"unique\" FROM pragma_index_list('resources') ORDER BY name")
            .expect("index list")
            .query_map([], |r| Ok(format!("{}:{}", r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("unique");
        out.push(format!("resources indexes: {}", unique.join(" ")));
        out
    }

    /// A new database gets the schema the migrations build, in one step.
    #[test]
    fn the_fresh_schema_is_what_the_migrations_build() {
        let migrated = Connection::open_in_memory().expect("open");
        for sql in schema::MIGRATIONS {
            migrated.execute_batch(sql).expect("migration");
        }
        let fresh = open(Path::new(":memory:")).expect("open");
        let version: i64 = fresh.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
        assert_eq!(version, CURRENT_VERSION);
        let (a, b) = (shape(&migrated), shape(&fresh));
        assert!(a.iter().any(|l| l.starts_with("table resources: ")), "{a:?}");
        assert_eq!(a, b);
    }

    /// A database written by the first schema (resources in a WITHOUT ROWID table) is migrated
    /// in place: every document, its creation order and the upsert keep working.
    #[test]
    fn version_1_databases_migrate_to_the_rowid_table() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("v1.db");
        let big = "x".repeat(3000); // larger than a WITHOUT ROWID cell keeps locally
        {
            let conn = Connection::open(&path).expect("open");
            conn.execute_batch(schema::MIGRATIONS[0]).expect("schema 1");
            conn.pragma_update(None, "user_version", 1).expect("version");
            for (id, seq, blob) in [("b", 1, big.as_str()), ("a", 2, "small")] {
                let doc = serde_json::to_string(&Thing { name: id.into(), blob: blob.into() }).expect("json");
                conn.execute(
                    "INSERT INTO resources (account, region, kind, id, seq, doc) VALUES ('1', 'r', 'test:thing', ?1, ?2, ?3)",
                    params![id, seq, doc],
                )
                .expect("insert");
            }
        }
        let conn = open(&path).expect("migrates");
        let docs = Docs::default();
        let db = Db { conn: &conn, docs: &docs };
        let qpsg = conn.db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG).expect("db config");
        assert!(qpsg, "plans must not depend on bound values (see `configure`)");
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
        assert_eq!(version, CURRENT_VERSION);
        let without_rowid: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'resources' AND sql LIKE '%WITHOUT ROWID%'",
                [],
                |r| r.get(0),
            )
            .expect("schema");
        assert_eq!(without_rowid, 0);
        let b: Option<Thing> = get(db, "1", "r", "b").expect("get");
        assert_eq!(b, Some(Thing { name: "b".into(), blob: big.clone() }));
        let ids: Vec<String> = list::<Thing>(db, "1", "r").expect("list").into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, ["b", "a"], "creation order survives the migration");
        // The upsert's conflict target is the new UNIQUE constraint; a replaced row keeps its order.
        put(db, "1", "r", "b", 99, Thing { name: "b".into(), blob: "new".into() }).expect("upsert");
        let ids: Vec<String> = list::<Thing>(db, "1", "r").expect("list").into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, ["b", "a"]);
        assert_eq!(get::<Thing>(db, "1", "r", "b").expect("get").map(|t| t.blob), Some("new".into()));
    }
}
