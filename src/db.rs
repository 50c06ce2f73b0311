//! The database: one connection type over SQLite and PostgreSQL, a pool, embedded migrations,
//! [`Db::run`], which keeps every Diesel call off the async workers, and [`Db::read`], which
//! runs the requests' bounded reads on the workers without blocking them.

mod async_pg;
pub mod clients;
pub mod device_codes;
pub mod devices;
pub mod email_tokens;
pub mod events;
pub mod federation;
pub mod invitations;
pub mod logout_deliveries;
pub mod mfa;
pub mod oauth;
pub mod outbox;
pub mod passkeys;
pub mod pats;
pub mod post_pages;
pub mod posts;
pub mod read;
pub mod schema;
pub mod sessions;
pub mod sign_in_failures;
pub mod stored_time;
pub mod users;
mod worker_reader;
pub mod written;

use std::time::Duration;

use actix_web::web;
use diesel::connection::SimpleConnection as _;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::config::DatabaseUrl;
use crate::error::AppError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Runs the same Diesel expression on whichever concrete connection `conn` holds. Queries
/// through the multi-connection type itself skip Diesel's prepared-statement cache, so the
/// per-request ones use this.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Postgresql($c) => $body,
        }
    };
}
pub(crate) use on_backend;

/// One connection type for both backends; the backend is picked from `DATABASE_URL` at run time.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type Pool = r2d2::Pool<ConnectionManager>;

/// Opens connections for the configured backend. Unlike `establish` on the multi-connection
/// type, it reports the backend's own error (a wrong password reads as one).
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = diesel::ConnectionError;

    fn connect(&self) -> Result<DbConnection, diesel::ConnectionError> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                sqlite_multithread();
                let path = path.to_str().ok_or_else(|| {
                    diesel::ConnectionError::InvalidConnectionUrl("path is not UTF-8".into())
                })?;
                let mut conn = diesel::SqliteConnection::establish(path)?;
                // WAL lets readers run beside the writer; the busy timeout makes concurrent
                // writers wait instead of failing; foreign keys are off by default in SQLite.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                )
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => Ok(DbConnection::Postgresql(
                diesel::PgConnection::establish(url.expose())?,
            )),
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), diesel::ConnectionError> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::ConnectionError::CouldntSetupConfiguration)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::r2d2::R2D2Connection as _;
        conn.is_broken()
    }
}

/// Puts SQLite in its multi-thread mode, once, before its first connection: no mutex taken
/// on every call into a connection (two per column read, a few thousand instructions an
/// authenticated request). Diesel never lets two threads use one connection at once (it is
/// `!Sync`, and lent by the pool or kept by one worker thread), which is all that mode asks.
/// Too late (a connection was opened already, by a test say), SQLite keeps its serialized
/// mode, which is only slower.
fn sqlite_multithread() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_config with SQLITE_CONFIG_MULTITHREAD takes no further argument and
        // only refuses (SQLITE_MISUSE) once SQLite is initialised; connections are never
        // shared between threads at once (see above).
        let _ =
            unsafe { libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MULTITHREAD) };
    });
}

/// The SQLite file holds password hashes and sessions: it is created readable by its owner
/// only (0600); SQLite gives its `-wal` and `-shm` files the database file's mode, so they
/// follow. An existing file (or `-wal`, `-shm`) readable by everyone loses that, with a warning;
/// group bits an operator set on purpose stay, and a file this process does not own is only
/// warned about.
fn owner_only(path: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
        {
            Ok(_) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        for file in [
            path.to_path_buf(),
            sibling(path, "-wal"),
            sibling(path, "-shm"),
        ] {
            let Ok(meta) = std::fs::metadata(&file) else {
                continue;
            };
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o007 == 0 {
                continue;
            }
            let narrowed = std::fs::Permissions::from_mode(mode & !0o007);
            match std::fs::set_permissions(&file, narrowed) {
                Ok(()) => log::warn!(
                    "{} was readable by everyone (mode {mode:o}): narrowed to {:o}",
                    file.display(),
                    mode & !0o007
                ),
                Err(e) => log::warn!(
                    "{} is readable by everyone (mode {mode:o}) and could not be narrowed: {e}",
                    file.display()
                ),
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(unix)]
fn sibling(path: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

/// The pool plus the helper that runs queries on the blocking thread pool.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: &'static str,
    /// The SQLite file, for the async workers' own read connections ([`Db::read`]).
    sqlite_path: Option<std::sync::Arc<str>>,
    /// Tells this database's worker connections from another's (tests run many servers).
    id: u64,
    /// PostgreSQL: the async workers' own connections for [`Db::read`], once the server has
    /// turned them on ([`Db::with_async_reads`]).
    async_pg: Option<std::sync::Arc<async_pg::AsyncPg>>,
    url: DatabaseUrl,
    /// [`Db::read`]s by where they ran ([`ReadPath`]).
    reads: std::sync::Arc<[std::sync::atomic::AtomicU64; 3]>,
    /// What runs once work that queued a logout token is over ([`Db::on_logout_queued`]).
    logout_queued: std::sync::Arc<std::sync::OnceLock<LogoutWaker>>,
}

/// Wakes this instance's back-channel logout sender.
type LogoutWaker = Box<dyn Fn() + Send + Sync>;

impl Db {
    /// Opens the pool; for SQLite the file and its folder are created when missing.
    pub fn connect(url: &DatabaseUrl, size: u32) -> Result<Self, ConnectError> {
        init_tls();
        if let DatabaseUrl::Sqlite(path) = url {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    ConnectError::Setting(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            let in_memory = path
                .to_str()
                .is_some_and(|p| p == ":memory:" || p.starts_with("file:"));
            if !in_memory {
                owner_only(path).map_err(|e| {
                    ConnectError::Setting(format!("cannot create {}: {e}", path.display()))
                })?;
            }
        }
        let manager = ConnectionManager { url: url.clone() };
        // Try one connection first so a wrong URL fails with the backend's own words.
        manager
            .connect()
            .map_err(|e| ConnectError::classify(&e.to_string()))?;
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(1))
            // A broken connection shows up as a failed query; testing each one on checkout
            // would cost a round trip on every request.
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .map_err(|e| ConnectError::Unreachable(e.to_string()))?;
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let sqlite_path = match url {
            DatabaseUrl::Sqlite(path) => path.to_str().map(std::sync::Arc::from),
            DatabaseUrl::Postgres(_) => None,
        };
        Ok(Self {
            pool,
            backend: url.backend_name(),
            sqlite_path,
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            async_pg: None,
            url: url.clone(),
            reads: std::sync::Arc::default(),
            logout_queued: std::sync::Arc::default(),
        })
    }

    /// On PostgreSQL, gives [`Db::read`] connections of the async workers' own, `per_worker`
    /// on each worker thread, after checking that such a connection reaches the database. A
    /// URL that client cannot follow, or a check that fails where libpq succeeded, leaves the
    /// reads on the blocking pool, with a warning that says why. SQLite: unchanged.
    pub fn with_async_reads(mut self, per_worker: usize) -> Self {
        let DatabaseUrl::Postgres(url) = &self.url else {
            return self;
        };
        let client = async_pg::AsyncPg::new(url.expose(), per_worker, self.id)
            .and_then(|client| client.check().map(|()| client));
        let client = client.map_err(|why| one_line(&why));
        match client {
            Ok(client) => self.async_pg = Some(std::sync::Arc::new(client)),
            Err(why) => log::warn!(
                "DATABASE_URL: requests read through libpq on the blocking pool (slower), as \
                 the async PostgreSQL client cannot use this URL: {why}"
            ),
        }
        self
    }

    /// Runs the read-only `f` without a blocking thread where it can: on SQLite right on the
    /// calling async worker with that thread's own connection, on PostgreSQL on one of the
    /// worker's own async connections; else (SQLite when that connection cannot answer at
    /// once, PostgreSQL through libpq) as [`Db::run`] does.
    ///
    /// SQLite is the one exception to "nothing blocking on an async worker", and the rule it
    /// follows: the worker's connection is opened `query_only` with `busy_timeout = 0`, and in
    /// WAL mode a reader never waits for a writer, so it cannot wait on a lock at all: when
    /// SQLite would (a checkpoint resetting the log, a recovery), it answers `SQLITE_BUSY` at
    /// once and `f` runs again on the blocking pool. What it reads is the local file's pages
    /// (SQLite's cache, else the operating system's), never the network. On PostgreSQL nothing
    /// blocks: the worker awaits its socket, at most 10 s for a connection and 10 s for the
    /// answer. Use it only for reads whose work is bounded whatever the data: an
    /// authenticated request's session check (rows by primary key) and a page of posts (each
    /// query one index range read that stops after at most 101 rows, see
    /// [`posts::Post::page`]); anything that writes, scans or may be slow goes through
    /// [`Db::run`].
    pub async fn read<F, T>(&self, f: F) -> Result<T, AppError>
    where
        F: AsyncFn(&mut read::ReadConn<'_>) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        if let Some(path) = &self.sqlite_path {
            let blocking =
                |conn: &mut DbConnection| read::finish_now(f(&mut read::ReadConn::Blocking(conn)));
            if let Some(answer) = worker_reader::try_read(self.id, path, &blocking) {
                self.count_read(ReadPath::Worker);
                return answer;
            }
        }
        if let Some(client) = &self.async_pg {
            self.count_read(ReadPath::Async);
            return client.read(&f).await;
        }
        self.count_read(ReadPath::Blocking);
        self.run(move |conn| read::finish_now(f(&mut read::ReadConn::Blocking(conn))))
            .await
    }

    fn count_read(&self, path: ReadPath) {
        self.reads[path as usize].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// [`Db::read`]s so far by where they ran, for the metrics.
    pub fn read_counts(&self) -> Vec<(&'static str, u64)> {
        [ReadPath::Worker, ReadPath::Async, ReadPath::Blocking]
            .into_iter()
            .map(|path| {
                let n = self.reads[path as usize].load(std::sync::atomic::Ordering::Relaxed);
                (path.label(), n)
            })
            .collect()
    }

    /// Connections lent out and idle, for the metrics.
    pub fn pool_usage(&self) -> (u32, u32) {
        let state = self.pool.state();
        (
            state.connections - state.idle_connections,
            state.idle_connections,
        )
    }

    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// A connection for synchronous callers (CLI, start-up). Handlers use [`Db::run`].
    pub fn get(&self) -> Result<r2d2::PooledConnection<ConnectionManager>, AppError> {
        Ok(self.pool.get()?)
    }

    /// Whether the database answers a query now (`/readyz`, `/status`); an error is logged
    /// here when it is the server's.
    pub async fn answers(&self) -> bool {
        match self.run(|conn| Ok(ping(conn)?)).await {
            Ok(()) => true,
            Err(e) => {
                e.log_if_internal();
                false
            }
        }
    }

    /// Runs `f` with a pooled connection on the blocking thread pool, never on an async worker.
    /// When `f` queued a logout token, the sender is woken once `f` is over, so after the
    /// transaction that queued it has committed ([`Db::wake_if_logout_queued`]).
    pub async fn run<F, T>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let logout_queued = std::sync::Arc::clone(&self.logout_queued);
        web::block(crate::logging::carry(move || {
            // A flag left by work that panicked on this thread is not this work's.
            logout_deliveries::take_queued();
            let answer = pool
                .get()
                .map_err(AppError::from)
                .and_then(|mut conn| f(&mut conn));
            wake_if_queued(&logout_queued);
            answer
        }))
        .await?
    }

    /// Sets what wakes this instance's back-channel logout sender: called after any work on
    /// this database that queued a delivery. Every place that ends a client session queues in
    /// its own transaction ([`logout_deliveries::queue`]), so no caller has to remember to
    /// wake the sender, and a transaction that rolled back only wakes it for nothing. Set
    /// once, at start-up; the CLI sets none (a running server's sender finds the rows).
    pub fn on_logout_queued(&self, wake: impl Fn() + Send + Sync + 'static) {
        if self.logout_queued.set(Box::new(wake)).is_err() {
            log::warn!("the back-channel logout sender was started twice");
        }
    }

    /// Wakes the back-channel logout sender when work on this thread queued a delivery since
    /// the last look: call it after the transaction, never inside it (the sender would look
    /// before the rows are there). [`Db::run`] does; threads on [`Db::get`] call it themselves.
    pub fn wake_if_logout_queued(&self) {
        wake_if_queued(&self.logout_queued);
    }

    /// Applies pending migrations. On PostgreSQL an advisory lock makes instances that start
    /// together take turns; running twice is a no-op.
    pub fn migrate(&self) -> Result<usize, String> {
        let mut conn = self.pool.get().map_err(|e| e.to_string())?;
        migrate(&mut conn)
    }
}

/// [`Db::wake_if_logout_queued`] with only what it needs (no clone of the whole [`Db`] on
/// every [`Db::run`]).
fn wake_if_queued(waker: &std::sync::OnceLock<LogoutWaker>) {
    if logout_deliveries::take_queued() {
        if let Some(wake) = waker.get() {
            wake();
        }
    }
}

/// Where a [`Db::read`] ran: SQLite's reader on the async worker, PostgreSQL's async
/// connections of the worker, or the blocking pool.
#[derive(Clone, Copy)]
enum ReadPath {
    Worker,
    Async,
    Blocking,
}

impl ReadPath {
    fn label(self) -> &'static str {
        match self {
            Self::Worker => "worker",
            Self::Async => "async",
            Self::Blocking => "blocking",
        }
    }
}

/// Whether the async PostgreSQL client of [`Db::read`] reaches the database at `url` (a URL
/// [`DatabaseUrl::parse`] accepted), as the server checks before using it: `Err` says why
/// not (refused parameters, TLS checks, authentication).
pub fn check_async_client(url: &str) -> Result<(), String> {
    async_pg::AsyncPg::new(url, 1, 0)?.check()
}

/// Applies pending migrations on one connection and returns how many ran.
pub fn migrate(conn: &mut DbConnection) -> Result<usize, String> {
    // Any fixed number works as the lock id, as long as it is the same for every instance.
    const LOCK: &str = "8317";
    match conn {
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.len())
            .map_err(|e| e.to_string()),
        DbConnection::Postgresql(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({LOCK})"))
                .map_err(|e| e.to_string())?;
            let result = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len())
                .map_err(|e| e.to_string());
            c.batch_execute(&format!("SELECT pg_advisory_unlock({LOCK})"))
                .map_err(|e| e.to_string())?;
            result
        }
    }
}

/// Whether a write failed on a unique index (a racing request wrote the same key first).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// The current UTC time at microsecond precision, the finest both backends store.
pub fn now() -> PrimitiveDateTime {
    to_primitive(OffsetDateTime::now_utc())
}

/// Drops the offset (always UTC here) and rounds down to whole microseconds.
pub fn to_primitive(t: OffsetDateTime) -> PrimitiveDateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    let micros = t.microsecond();
    let t = t.replace_microsecond(micros).unwrap_or(t);
    PrimitiveDateTime::new(t.date(), t.time())
}

/// Reads a stored UTC time back as an offset time.
pub fn to_utc(t: PrimitiveDateTime) -> OffsetDateTime {
    t.assume_utc()
}

/// Initialises OpenSSL for libpq, once, before any connection. libpq would do it on its first
/// TLS connection, and OpenSSL would then register an exit handler that frees its tables: a
/// process exiting while a pool thread was in a TLS handshake crashed in it. Initialised here
/// first, without that handler. Anything that opens a PostgreSQL connection without
/// [`Db::connect`] (the tests' own connections) calls it first too.
pub fn init_tls() {
    openssl_sys::init();
}

/// Why the first connection failed: a setting to correct (exit 2), or a server that does not
/// answer, which may be back in a moment (exit 1, so a service manager tries again).
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("{0}")]
    Setting(String),
    #[error("{0}")]
    Unreachable(String),
}

impl ConnectError {
    /// libpq's (or SQLite's) words, on one line (libpq's run over several: "connection to
    /// server … failed:", then the reason), sorted by whether waiting could help. Only what no
    /// wait can mend is a setting: anything else (refused, timed out, no socket yet, starting
    /// up, too many clients, locked) may be a server on its way, which a service manager should
    /// try again. libpq's own messages are English (the bundled libpq has no translations); a
    /// server's in another language read as "may be back", never as a false "fix the setting".
    fn classify(message: &str) -> Self {
        const PERMANENT: [&str; 12] = [
            "password authentication failed",
            "no pg_hba.conf entry",
            "does not exist",
            "certificate verify failed",
            "does not match host name",
            "root certificate file",
            "server does not support SSL",
            "invalid ",
            "Name or service not known",
            "unable to open database file",
            "not a database",
            "path is not UTF-8",
        ];
        let line = one_line(message);
        if PERMANENT.iter().any(|p| line.contains(p)) {
            Self::Setting(line)
        } else {
            Self::Unreachable(line)
        }
    }
}

/// A message of several lines (libpq's) as one: its lines, trimmed, joined by "; ".
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Checks the database answers: used by `/readyz`.
pub fn ping(conn: &mut DbConnection) -> QueryResult<()> {
    conn.batch_execute("SELECT 1")
}

/// A transaction that will write. On SQLite it takes the write lock before its first read
/// (as `BEGIN IMMEDIATE` would): a transaction that reads first and writes later fails at once
/// with "database is locked" when another connection wrote in between, whatever the busy
/// timeout, while one that starts by writing waits its turn. PostgreSQL needs nothing extra.
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    conn.transaction(|conn| {
        if matches!(conn, DbConnection::Sqlite(_)) {
            // A write that changes nothing, but takes the lock for the whole transaction.
            conn.batch_execute("UPDATE outbox SET attempts = attempts WHERE 0")?;
        }
        f(conn)
    })
}

#[cfg(test)]
mod tests;
