//! The SQLite store: the only module that knows SQL. A file for the CLI and the server,
//! `:memory:` for tests, with the same code; WAL mode for files.

mod schema;

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::SimError;

pub use schema::CURRENT_VERSION;

/// A resource kept in the store as one JSON document.
pub trait Resource: Serialize + DeserializeOwned {
    /// `service:type`, e.g. `s3:bucket`.
    const KIND: &'static str;
    /// Global resources (IAM, S3 bucket names) are stored once per account, not per region.
    const GLOBAL: bool = false;
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

/// A partial view of resource `Of`'s stored document: a struct with some of its fields, under
/// the same serde names and defaults. Deserializing it skips the others without building
/// them, so a read that answers with one part of a large document does not pay for the rest.
pub trait View: DeserializeOwned {
    /// The resource this is a view of (its kind, and whether it is global).
    type Of: Resource;
}

/// Reads one resource document.
pub fn get<R: Resource>(conn: &Connection, account: &str, region: &str, id: &str) -> Result<Option<R>, SimError> {
    read_doc(conn, account, if R::GLOBAL { "" } else { region }, R::KIND, id)
}

/// Reads part of one resource document (see [`View`]).
pub fn get_view<V: View>(conn: &Connection, account: &str, region: &str, id: &str) -> Result<Option<V>, SimError> {
    read_doc(conn, account, if V::Of::GLOBAL { "" } else { region }, V::Of::KIND, id)
}

fn read_doc<T: DeserializeOwned>(
    conn: &Connection,
    account: &str,
    region: &str,
    kind: &str,
    id: &str,
) -> Result<Option<T>, SimError> {
    let mut stmt =
        conn.prepare_cached("SELECT doc FROM resources WHERE account = ?1 AND region = ?2 AND kind = ?3 AND id = ?4")?;
    let mut rows = stmt.query(params![account, region, kind, id])?;
    match rows.next()? {
        Some(row) => Ok(Some(parse_doc(row, 0)?)),
        None => Ok(None),
    }
}

/// Inserts or replaces one resource document; a replaced resource keeps its creation order.
pub fn put<R: Resource>(
    conn: &Connection,
    account: &str,
    region: &str,
    id: &str,
    seq: u64,
    doc: &R,
) -> Result<(), SimError> {
    let region = if R::GLOBAL { "" } else { region };
    let text = serde_json::to_string(doc)?;
    conn.prepare_cached(
        "INSERT INTO resources (account, region, kind, id, seq, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(account, region, kind, id) DO UPDATE SET doc = excluded.doc",
    )?
    .execute(params![account, region, R::KIND, id, seq as i64, text])?;
    Ok(())
}

/// Deletes one resource; whether it existed.
pub fn delete<R: Resource>(conn: &Connection, account: &str, region: &str, id: &str) -> Result<bool, SimError> {
    let region = if R::GLOBAL { "" } else { region };
    let n = conn
        .prepare_cached("DELETE FROM resources WHERE account = ?1 AND region = ?2 AND kind = ?3 AND id = ?4")?
        .execute(params![account, region, R::KIND, id])?;
    Ok(n > 0)
}

/// Every resource of a kind in one region (or the global ones), in creation order.
pub fn list<R: Resource>(conn: &Connection, account: &str, region: &str) -> Result<Vec<(String, R)>, SimError> {
    list_docs(conn, account, if R::GLOBAL { "" } else { region }, R::KIND)
}

/// Part of every resource of a kind in one region (or the global ones), in creation order
/// (see [`View`]).
pub fn list_view<V: View>(conn: &Connection, account: &str, region: &str) -> Result<Vec<(String, V)>, SimError> {
    list_docs(conn, account, if V::Of::GLOBAL { "" } else { region }, V::Of::KIND)
}

fn list_docs<T: DeserializeOwned>(
    conn: &Connection,
    account: &str,
    region: &str,
    kind: &str,
) -> Result<Vec<(String, T)>, SimError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, doc FROM resources WHERE account = ?1 AND kind = ?2 AND region = ?3 ORDER BY seq",
    )?;
    let mut rows = stmt.query(params![account, kind, region])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push((row.get::<_, String>(0)?, parse_doc(row, 1)?));
    }
    Ok(out)
}

/// The JSON document in column `col` of `row`, parsed from SQLite's text in place (without
/// copying it into a `String` first).
fn parse_doc<T: DeserializeOwned>(row: &rusqlite::Row<'_>, col: usize) -> Result<T, SimError> {
    match row.get_ref(col)? {
        ValueRef::Text(text) => Ok(serde_json::from_slice(text)?),
        other => Err(rusqlite::Error::InvalidColumnType(col, "doc".into(), other.data_type()).into()),
    }
}

/// Up to `limit` resources of a kind in one region created after position `after` (exclusive),
/// in creation order, with their positions: for paging through large collections without
/// reading them whole.
pub fn list_after<R: Resource>(
    conn: &Connection,
    account: &str,
    region: &str,
    after: i64,
    limit: usize,
) -> Result<Vec<(i64, String, R)>, SimError> {
    let region = if R::GLOBAL { "" } else { region };
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, doc FROM resources WHERE account = ?1 AND kind = ?2 AND region = ?3 AND seq > ?4 ORDER BY seq LIMIT ?5",
    )?;
    let mut rows = stmt.query(params![account, R::KIND, region, after, limit as i64])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, parse_doc(row, 2)?));
    }
    Ok(out)
}

/// Every resource of a kind in every region, in creation order, with its region.
pub fn list_all<R: Resource>(conn: &Connection, account: &str) -> Result<Vec<(String, String, R)>, SimError> {
    let mut stmt =
        conn.prepare_cached("SELECT region, id, doc FROM resources WHERE account = ?1 AND kind = ?2 ORDER BY seq")?;
    let mut rows = stmt.query(params![account, R::KIND])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push((row.get::<_, String>(0)?, row.get::<_, String>(1)?, parse_doc(row, 2)?));
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
    /// The input as JSON (botocore member names).
    pub input: serde_json::Value,
    /// The output when it succeeded.
    pub output: Option<serde_json::Value>,
    /// `Code: message` when it failed.
    pub error: Option<String>,
    /// Scenario clock at the call, ms since the epoch.
    pub at: i64,
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
/// dropped uncommitted: on an error, a failed commit, or a panic unwinding through it.
pub struct WriteTx<'c> {
    conn: &'c Connection,
}

/// Begins a write transaction on `conn`.
pub fn begin(conn: &Connection) -> Result<WriteTx<'_>, SimError> {
    conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
    Ok(WriteTx { conn })
}

impl WriteTx<'_> {
    /// The connection the transaction runs on.
    pub fn conn(&self) -> &Connection {
        self.conn
    }

    /// Keeps what the transaction did.
    pub fn commit(self) -> Result<(), SimError> {
        self.conn.prepare_cached("COMMIT")?.execute([])?;
        Ok(())
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        if !self.conn.is_autocommit() {
            // Nothing to report to: the caller already has the error that brought us here.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// Opens the savepoint one call runs in (statements cached: a call is too short to parse SQL
/// three times).
pub fn savepoint(conn: &Connection) -> Result<(), SimError> {
    conn.prepare_cached("SAVEPOINT call")?.execute([])?;
    Ok(())
}

/// Keeps what the call did.
pub fn release(conn: &Connection) -> Result<(), SimError> {
    conn.prepare_cached("RELEASE call")?.execute([])?;
    Ok(())
}

/// Undoes what the call did and closes its savepoint.
pub fn rollback_savepoint(conn: &Connection) -> Result<(), SimError> {
    conn.prepare_cached("ROLLBACK TO call")?.execute([])?;
    conn.prepare_cached("RELEASE call")?.execute([])?;
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

/// Whether the database holds no state yet (no settings written).
pub fn is_empty(conn: &Connection) -> Result<bool, SimError> {
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM meta", [], |r| r.get(0))?;
    Ok(n == 0)
}

/// Removes all state (used by `scenario load --reset` inside its transaction).
pub fn clear(conn: &Connection) -> Result<(), SimError> {
    conn.execute_batch("DELETE FROM resources; DELETE FROM journal; DELETE FROM meta;")?;
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

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Thing {
        name: String,
        blob: String,
    }

    impl Resource for Thing {
        const KIND: &'static str = "test:thing";
    }

    /// A write transaction dropped without a commit (an error or a panic on the way) keeps
    /// nothing; a committed one keeps everything.
    #[test]
    fn an_uncommitted_write_transaction_keeps_nothing() {
        let conn = open(Path::new(":memory:")).expect("open");
        let thing = Thing { name: "t".into(), blob: "b".into() };
        {
            let tx = begin(&conn).expect("begin");
            put(tx.conn(), "1", "r", "t", 1, &thing).expect("put");
        }
        assert!(conn.is_autocommit(), "the transaction was closed");
        assert_eq!(get::<Thing>(&conn, "1", "r", "t").expect("get"), None);
        let tx = begin(&conn).expect("begin again");
        put(tx.conn(), "1", "r", "t", 1, &thing).expect("put");
        tx.commit().expect("commit");
        assert_eq!(get::<Thing>(&conn, "1", "r", "t").expect("get"), Some(thing));
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
        let b: Option<Thing> = get(&conn, "1", "r", "b").expect("get");
        assert_eq!(b, Some(Thing { name: "b".into(), blob: big.clone() }));
        let ids: Vec<String> = list::<Thing>(&conn, "1", "r").expect("list").into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, ["b", "a"], "creation order survives the migration");
        // The upsert's conflict target is the new UNIQUE constraint; a replaced row keeps its order.
        put(&conn, "1", "r", "b", 99, &Thing { name: "b".into(), blob: "new".into() }).expect("upsert");
        let ids: Vec<String> = list::<Thing>(&conn, "1", "r").expect("list").into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, ["b", "a"]);
        assert_eq!(get::<Thing>(&conn, "1", "r", "b").expect("get").map(|t| t.blob), Some("new".into()));
    }
}
