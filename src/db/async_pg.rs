//! The async workers' own PostgreSQL connections, for [`super::Db::read`]: tokio-postgres
//! under diesel-async, in a small pool per worker thread. A request's hot read (its session
//! check, a page of posts) then waits on its socket in the worker's own event loop, where
//! through libpq it took two thread hops and a blocking thread asleep in `poll`.
//!
//! Each connection is driven by a task on the worker that opened it, and only that worker uses
//! it: no hop between threads on the way to PostgreSQL and back. `DATABASE_URL`'s TLS rules
//! (`sslmode`, `sslrootcert`, `sslcert`, `sslkey`, libpq's default root) are applied as libpq
//! applies them, with the OpenSSL libpq is built on. A URL this client cannot follow exactly
//! (a libpq-only parameter, a revocation list, a password in `~/.pgpass`) is found at start-up
//! and leaves every read on libpq, with a warning that says why.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use diesel::ConnectionError;
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig};
use diesel_async::pooled_connection::{PoolableConnection as _, RecyclingMethod};
use diesel_async::AsyncPgConnection;
use futures_util::FutureExt as _;
use openssl::ssl::{SslConnector, SslFiletype, SslMethod, SslVerifyMode};
use postgres_openssl::MakeTlsConnector;
use tokio_postgres::config::SslMode;

use super::read::ReadConn;
use crate::config::{split_postgres_tls, PostgresTls};
use crate::error::AppError;

/// How long a read waits for a connection of its worker's pool, and then for its answer: the
/// blocking pool's wait for a connection, so a stalled server costs the same on both paths.
const WAIT: Duration = Duration::from_secs(10);

/// Where and how to connect, and how many connections each worker keeps.
pub struct AsyncPg {
    target: Arc<Target>,
    per_worker: usize,
    /// The [`super::Db`]'s id: a worker's pool belongs to one database (tests run many).
    id: u64,
}

struct Target {
    config: tokio_postgres::Config,
    tls: MakeTlsConnector,
}

thread_local! {
    /// This worker's pools, by database id (one, but for tests that run several servers).
    static POOLS: RefCell<Vec<(u64, Pool<AsyncPgConnection>)>> = const { RefCell::new(Vec::new()) };
}

impl AsyncPg {
    /// The client for `url` (a URL `DatabaseUrl::parse` accepted), or why it cannot follow
    /// that URL exactly.
    pub fn new(url: &str, per_worker: usize, id: u64) -> Result<Self, String> {
        let (rest, tls) = split_postgres_tls(url);
        let mut config: tokio_postgres::Config = rest.parse().map_err(|e| format!("{e}"))?;
        let (mode, tls) = connector(&tls)?;
        config.ssl_mode(mode);
        Ok(Self {
            target: Arc::new(Target { config, tls }),
            per_worker: per_worker.max(1),
            id,
        })
    }

    /// Opens one connection and closes it: whether this client reaches the database as libpq
    /// did, before any request relies on it.
    pub fn check(&self) -> Result<(), String> {
        let target = self.target.clone();
        // A thread of its own: the caller may be inside a runtime already (the server's
        // start-up runs on its blocking pool), where another cannot be started.
        let check = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async move {
                tokio::time::timeout(WAIT, connect(target))
                    .await
                    .map_err(|_| "no answer within 10 s".to_string())?
                    .map(drop)
                    .map_err(|e| e.to_string())
            })
        });
        check
            .join()
            .unwrap_or_else(|_| Err("the check's thread failed".into()))
    }

    /// Runs the read `f` on a connection of this worker's pool, opened on first use. A read
    /// that fails because its connection is gone (PostgreSQL restarted, a connection ended by
    /// an administrator) runs once more on a new one: reads change nothing, so the request
    /// sees the database as it is rather than a dead socket.
    pub async fn read<F, T>(&self, f: &F) -> Result<T, AppError>
    where
        F: AsyncFn(&mut ReadConn<'_>) -> Result<T, AppError>,
    {
        let pool = self.pool()?;
        match self.read_once(&pool, f).await {
            Err(Retry::Broken(_)) => match self.read_once(&pool, f).await {
                Ok(answer) => answer,
                Err(Retry::Broken(e) | Retry::No(e)) => Err(e),
            },
            Ok(answer) => answer,
            Err(Retry::No(e)) => Err(e),
        }
    }

    async fn read_once<F, T>(
        &self,
        pool: &Pool<AsyncPgConnection>,
        f: &F,
    ) -> Result<Result<T, AppError>, Retry>
    where
        F: AsyncFn(&mut ReadConn<'_>) -> Result<T, AppError>,
    {
        let mut conn = match tokio::time::timeout(WAIT, pool.get()).await {
            Ok(Ok(conn)) => conn,
            Ok(Err(e)) => return Err(Retry::No(AppError::internal(e))),
            Err(_) => {
                return Err(Retry::No(AppError::internal(
                    "no PostgreSQL connection of this worker within 10 s",
                )))
            }
        };
        let answer = tokio::time::timeout(WAIT, f(&mut ReadConn::Async(&mut conn))).await;
        match answer {
            Ok(Err(e)) if conn.is_broken() => {
                // Never back into the pool; the next try opens a new connection.
                drop(Object::take(conn));
                Err(Retry::Broken(e))
            }
            Ok(answer) => Ok(answer),
            Err(_) => {
                // The query's answer may still come: the connection cannot be trusted again.
                drop(Object::take(conn));
                Err(Retry::No(AppError::internal(
                    "PostgreSQL did not answer a read within 10 s",
                )))
            }
        }
    }

    fn pool(&self) -> Result<Pool<AsyncPgConnection>, AppError> {
        POOLS.with(|pools| {
            let mut pools = pools.borrow_mut();
            if let Some((_, pool)) = pools.iter().find(|(id, _)| *id == self.id) {
                return Ok(pool.clone());
            }
            let target = self.target.clone();
            let mut config = ManagerConfig::default();
            // A broken connection shows up as a failed read, as on the blocking pool; a query
            // on each checkout would double the round trips.
            config.recycling_method = RecyclingMethod::Fast;
            config.custom_setup = Box::new(move |_url| connect(target.clone()).boxed());
            let manager =
                AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config("", config);
            let pool = Pool::builder(manager)
                .max_size(self.per_worker)
                .build()
                .map_err(AppError::internal)?;
            pools.push((self.id, pool.clone()));
            Ok(pool)
        })
    }
}

/// Why a read gave no answer, and whether another connection may give one.
enum Retry {
    Broken(AppError),
    No(AppError),
}

/// One connection, its driver spawned on the calling thread's runtime (the worker's).
async fn connect(target: Arc<Target>) -> Result<AsyncPgConnection, ConnectionError> {
    let (client, connection) = target
        .config
        .connect(target.tls.clone())
        .await
        .map_err(|e| ConnectionError::BadConnection(with_causes(&e)))?;
    AsyncPgConnection::try_from_client_and_connection(client, connection).await
}

/// An error and its causes on one line: tokio-postgres says "error performing TLS handshake"
/// and leaves OpenSSL's reason (`certificate verify failed`) to its source.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// libpq's `sslmode` as tokio-postgres's mode and an OpenSSL connector that checks what libpq
/// checks: nothing for `prefer` and `require` (unless a root certificate is there, which makes
/// them `verify-ca`, as in libpq), the authority for `verify-ca`, and the host name too for
/// `verify-full`. `allow` becomes `prefer` (TLS when offered: stronger, never weaker).
fn connector(tls: &PostgresTls) -> Result<(SslMode, MakeTlsConnector), String> {
    if tls.crl {
        return Err("sslcrl: a certificate revocation list is checked by libpq only".into());
    }
    let mode = tls.mode.as_deref().unwrap_or("prefer");
    let ssl_mode = match mode {
        "disable" => SslMode::Disable,
        "allow" | "prefer" => SslMode::Prefer,
        _ => SslMode::Require,
    };
    let checks_authority = matches!(mode, "verify-ca" | "verify-full") || tls.root.is_some();
    let checks_name = mode == "verify-full";
    let openssl = |e: openssl::error::ErrorStack| e.to_string();
    let mut builder = SslConnector::builder(SslMethod::tls()).map_err(openssl)?;
    if checks_authority {
        let root = tls
            .root
            .as_ref()
            .ok_or_else(|| format!("sslmode={mode} needs a root certificate"))?;
        builder.set_ca_file(root).map_err(openssl)?;
        builder.set_verify(SslVerifyMode::PEER);
    } else {
        builder.set_verify(SslVerifyMode::NONE);
    }
    if let Some(cert) = &tls.cert {
        builder.set_certificate_chain_file(cert).map_err(openssl)?;
    }
    if let Some(key) = &tls.key {
        builder
            .set_private_key_file(key, SslFiletype::PEM)
            .map_err(openssl)?;
    }
    let mut connector = MakeTlsConnector::new(builder.build());
    connector.set_callback(move |config, _host| {
        config.set_verify_hostname(checks_name);
        Ok(())
    });
    Ok((ssl_mode, connector))
}
