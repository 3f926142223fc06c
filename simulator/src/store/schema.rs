//! The database schema and its migrations. `PRAGMA user_version` holds the number of
//! migrations applied; each migration runs once, in order, inside one transaction. A new
//! database gets [`CURRENT`] directly (the same tables and indexes the migrations build, which
//! a test checks), so opening one does not rebuild tables it has just created.

/// Migrations in order; index + 1 is the schema version after it.
pub const MIGRATIONS: &[&str] = &[
    // 1: the simulated world.
    "CREATE TABLE meta (
         key   TEXT PRIMARY KEY,
         value TEXT NOT NULL
     );
     CREATE TABLE resources (
         account TEXT NOT NULL,
         region  TEXT NOT NULL,   -- '' for global resources (IAM, S3 bucket names)
         kind    TEXT NOT NULL,   -- service:type, e.g. 's3:bucket', 'ec2:vpc'
         id      TEXT NOT NULL,
         seq     INTEGER NOT NULL, -- creation order
         doc     TEXT NOT NULL,   -- JSON document of the resource
         PRIMARY KEY (account, region, kind, id)
     ) WITHOUT ROWID;
     CREATE INDEX resources_in_order ON resources (account, kind, region, seq);
     CREATE TABLE journal (
         seq       INTEGER PRIMARY KEY,
         account   TEXT NOT NULL,
         region    TEXT NOT NULL,
         service   TEXT NOT NULL,
         operation TEXT NOT NULL,
         input     TEXT NOT NULL,
         output    TEXT,           -- JSON output when the call succeeded
         error     TEXT,           -- 'Code: message' when AWS refused it
         at        INTEGER NOT NULL -- scenario clock, ms since the epoch
     );",
    // 2: resources in a rowid table. In a WITHOUT ROWID table a row is stored in an index
    // b-tree, whose cells keep only ~1 KB locally: most documents (bucket configurations,
    // ~3 KB findings) spilled into overflow pages, read and copied on every access and into
    // every savepoint journal. A rowid table keeps rows up to ~4 KB on their leaf page.
    "CREATE TABLE resources_v2 (
         account TEXT NOT NULL,
         region  TEXT NOT NULL,   -- '' for global resources (IAM, S3 bucket names)
         kind    TEXT NOT NULL,   -- service:type, e.g. 's3:bucket', 'ec2:vpc'
         id      TEXT NOT NULL,
         seq     INTEGER NOT NULL, -- creation order
         doc     TEXT NOT NULL,   -- JSON document of the resource
         UNIQUE (account, region, kind, id)
     );
     INSERT INTO resources_v2 (account, region, kind, id, seq, doc)
         SELECT account, region, kind, id, seq, doc FROM resources;
     DROP TABLE resources;
     ALTER TABLE resources_v2 RENAME TO resources;
     CREATE INDEX resources_in_order ON resources (account, kind, region, seq);",
    // 3: fields of a document written apart from it (a finding's observation times, rewritten
    // on every evaluation), keyed by the document's rowid; see `store::observe`.
    "CREATE TABLE observed (
         row INTEGER PRIMARY KEY, -- rowid of the document in `resources`
         at  TEXT NOT NULL        -- JSON of the fields, set on the document when it is read
     );",
];

/// The schema version this build writes.
pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

/// The whole schema at [`CURRENT_VERSION`], for new databases.
pub const CURRENT: &str = "CREATE TABLE meta (
         key   TEXT PRIMARY KEY,
         value TEXT NOT NULL
     );
     CREATE TABLE resources (
         account TEXT NOT NULL,
         region  TEXT NOT NULL,   -- '' for global resources (IAM, S3 bucket names)
         kind    TEXT NOT NULL,   -- service:type, e.g. 's3:bucket', 'ec2:vpc'
         id      TEXT NOT NULL,
         seq     INTEGER NOT NULL, -- creation order
         doc     TEXT NOT NULL,   -- JSON document of the resource
         UNIQUE (account, region, kind, id)
     );
     CREATE INDEX resources_in_order ON resources (account, kind, region, seq);
     CREATE TABLE observed (
         row INTEGER PRIMARY KEY, -- rowid of the document in `resources`
         at  TEXT NOT NULL        -- JSON of the fields, set on the document when it is read
     );
     CREATE TABLE journal (
         seq       INTEGER PRIMARY KEY,
         account   TEXT NOT NULL,
         region    TEXT NOT NULL,
         service   TEXT NOT NULL,
         operation TEXT NOT NULL,
         input     TEXT NOT NULL,
         output    TEXT,           -- JSON output when the call succeeded
         error     TEXT,           -- 'Code: message' when AWS refused it
         at        INTEGER NOT NULL -- scenario clock, ms since the epoch
     );";
