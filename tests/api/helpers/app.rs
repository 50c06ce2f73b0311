//! The server under test and its backends: a fresh database per test (a temp SQLite file or
//! a PostgreSQL database of its own), the environment it runs with, and `TestApp`, a running
//! Sigil on a random port with its three clients.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

use diesel::connection::SimpleConnection as _;
use diesel::Connection as _;
use sigil::config::Settings;
use sigil::startup::Application;
use sigil::state::AppState;

use super::clients::{Anon, Bearer, Browser, Http};

pub const PASSWORD: &str = "correct horse battery staple";
pub const SECRET_KEY: &str = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz";

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Says that a test could not run, on the process's stderr itself: the harness captures
/// `eprintln!` and shows it only for a failed test, and CI looks for these lines.
pub fn skipped(reason: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "skipped: {reason}");
}

pub fn postgres_configured() -> bool {
    // Before this process's first PostgreSQL connection, whoever opens it (see `init_tls`).
    sigil::db::init_tls();
    std::env::var("TEST_POSTGRES_URL").is_ok_and(|v| !v.trim().is_empty())
}

/// Owns the test's database: a temp folder for SQLite, a database of its own on PostgreSQL,
/// dropped with the guard.
pub struct DbGuard {
    _dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.postgres.take() {
            // Best effort: a database left behind by a crashed run is harmless and uniquely named.
            if let Ok(mut conn) = diesel::PgConnection::establish(&admin_url) {
                let _ =
                    conn.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
            }
        }
    }
}

/// A fresh database for a test: its URL and the guard that removes it.
pub fn fresh_database(backend: Backend) -> (String, DbGuard) {
    let dir = tempfile::tempdir().expect("temp dir");
    match backend {
        Backend::Sqlite => {
            let path: PathBuf = dir.path().join("sigil.db");
            (
                format!("sqlite://{}", path.display()),
                DbGuard {
                    _dir: dir,
                    postgres: None,
                },
            )
        }
        Backend::Postgres => {
            sigil::db::init_tls();
            let admin_url = std::env::var("TEST_POSTGRES_URL").expect("TEST_POSTGRES_URL");
            let name = format!("sigil_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = diesel::PgConnection::establish(&admin_url)
                .expect("TEST_POSTGRES_URL must point at a reachable PostgreSQL server");
            conn.batch_execute(&format!("CREATE DATABASE \"{name}\""))
                .expect("create a test database");
            let (base, query) = match admin_url.split_once('?') {
                Some((b, q)) => (b.to_string(), format!("?{q}")),
                None => (admin_url.clone(), String::new()),
            };
            let prefix = base.rsplit_once('/').map(|(p, _)| p).unwrap_or(&base);
            let url = format!("{prefix}/{name}{query}");
            (
                url,
                DbGuard {
                    _dir: dir,
                    postgres: Some((admin_url, name)),
                },
            )
        }
    }
}

/// The environment a test server runs with; `overrides` win.
pub fn test_env(database_url: &str, overrides: &[(&str, &str)]) -> HashMap<String, String> {
    let mut env: HashMap<String, String> = [
        ("DATABASE_URL", database_url),
        ("BIND_ADDR", "127.0.0.1:0"),
        ("SECRET_KEY", SECRET_KEY),
        ("BCRYPT_COST", "4"),
        ("LOGIN_RATE_PER_MINUTE", "0"),
        // The per-account wait and its notice stay out of tests about other limits (many
        // wrong codes or passwords in a row); tests/api/sign_in_throttle.rs sets its own.
        ("SIGN_IN_FREE_FAILURES", "100"),
        ("SIGN_IN_NOTICE_AFTER", "0"),
        ("WORKERS", "2"),
        ("DATABASE_POOL_SIZE", "4"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in overrides {
        env.insert(k.to_string(), v.to_string());
    }
    env
}

pub fn settings_from(env: &HashMap<String, String>, data_dir: &std::path::Path) -> Settings {
    Settings::from_lookup(|k| env.get(k).cloned(), data_dir).expect("test settings are valid")
}

/// A running server and its three clients.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub backend: Backend,
    pub database_url: String,
    pub env: HashMap<String, String>,
    /// No cookies, no auth.
    pub anon: Anon,
    /// A browser: keeps cookies, has its CSRF token at hand.
    pub cookie: Browser,
    /// `Authorization: Bearer`, no cookies.
    pub bearer: Bearer,
    /// The server's data folder (development key, mail outbox), removed with the last clone.
    data_dir: Arc<tempfile::TempDir>,
    _db: Arc<DbGuard>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, &[]).await
    }

    pub async fn spawn_with(backend: Backend, overrides: &[(&str, &str)]) -> TestApp {
        let (database_url, guard) = fresh_database(backend);
        let env = test_env(&database_url, overrides);
        Self::start(backend, database_url, env, Arc::new(guard)).await
    }

    /// A server on an existing database (a restored backup, say), which the test owns.
    pub async fn spawn_on(backend: Backend, database_url: &str) -> TestApp {
        let env = test_env(database_url, &[]);
        let guard = DbGuard {
            _dir: tempfile::tempdir().expect("temp dir"),
            postgres: None,
        };
        Self::start(backend, database_url.to_string(), env, Arc::new(guard)).await
    }

    /// A second instance on the same database (and the same keys), as behind a load balancer.
    pub async fn spawn_sibling(&self) -> TestApp {
        self.spawn_sibling_with(&[]).await
    }

    /// Another instance on the same database with some settings changed (e.g. rotated keys).
    pub async fn spawn_sibling_with(&self, overrides: &[(&str, &str)]) -> TestApp {
        let mut env = self.env.clone();
        for (k, v) in overrides {
            env.insert(k.to_string(), v.to_string());
        }
        Self::start(
            self.backend,
            self.database_url.clone(),
            env,
            Arc::clone(&self._db),
        )
        .await
    }

    async fn start(
        backend: Backend,
        database_url: String,
        env: HashMap<String, String>,
        guard: Arc<DbGuard>,
    ) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a random port");
        // Links in mail point at this server unless the test says otherwise.
        let bound = listener.local_addr().expect("bound address");
        let mut env = env;
        let public_url = env
            .entry("PUBLIC_URL".into())
            .or_insert_with(|| format!("http://{bound}"));
        // `http://localhost:{port}`: a relying party for passkeys (not an IP address) on the
        // port just bound.
        *public_url = public_url.replace("{port}", &bound.port().to_string());
        let settings = settings_from(&env, data_dir.path());
        let state = tokio::task::spawn_blocking(move || AppState::new(settings))
            .await
            .expect("start-up thread")
            .expect("the application state builds");
        let app = Application::from_state(state, listener).expect("the server builds");
        let port = app.port();
        tokio::spawn(app.run_until_stopped());
        let address = format!("http://127.0.0.1:{port}");
        let http = Http::new(&address, None);
        TestApp {
            port,
            backend,
            database_url,
            env,
            bearer: Bearer(http.clone()),
            anon: Anon(http),
            cookie: Browser::new(&address),
            address,
            data_dir: Arc::new(data_dir),
            _db: guard,
        }
    }

    /// Runs SQL on the test's database directly: to put it in a state HTTP cannot reach
    /// quickly (a link that expired an hour ago), never to check what the server did.
    pub fn sql(&self, statements: &str) {
        match self.backend {
            Backend::Sqlite => {
                let path = self.database_url.trim_start_matches("sqlite://");
                let mut conn = diesel::SqliteConnection::establish(path).expect("open SQLite");
                // Wait for the server's writers (the mail sender, the audit trail) as it does.
                conn.batch_execute("PRAGMA busy_timeout = 5000;")
                    .expect("busy timeout");
                conn.batch_execute(statements).expect("run SQL");
            }
            Backend::Postgres => {
                let mut conn =
                    diesel::PgConnection::establish(&self.database_url).expect("open PostgreSQL");
                conn.batch_execute(statements).expect("run SQL");
            }
        }
    }

    /// How many rows `table` holds, read directly: for what HTTP cannot show (one stored key
    /// where two instances raced to make it).
    pub fn count_rows(&self, table: &str) -> i64 {
        self.scalar(&format!("SELECT COUNT(*) FROM {table}"))
    }

    /// The one integer `select` gives, read directly (a count, an id).
    pub fn scalar(&self, select: &str) -> i64 {
        use diesel::RunQueryDsl as _;
        let query = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
            "CAST(({select}) AS BIGINT)"
        )));
        match self.backend {
            Backend::Sqlite => {
                let path = self.database_url.trim_start_matches("sqlite://");
                let mut conn = diesel::SqliteConnection::establish(path).expect("open SQLite");
                query.get_result(&mut conn).expect("count rows")
            }
            Backend::Postgres => {
                let mut conn =
                    diesel::PgConnection::establish(&self.database_url).expect("open PostgreSQL");
                query.get_result(&mut conn).expect("count rows")
            }
        }
    }

    /// Registers the public OAuth client "Photo Album" (`photo-app`) straight in the database,
    /// with `redirect_uri`, the code, refresh and device grants, and the scopes `openid profile
    /// email posts:read`: the app of the language tours.
    pub fn insert_photo_app(&self, redirect_uri: &str) {
        self.sql(&format!(
            "INSERT INTO oauth_clients (client_id, client_name, confidential, secret_hash, \
             redirect_uris, post_logout_redirect_uris, grant_types, scope, first_party, \
             created_at) VALUES ('photo-app', 'Photo Album', false, NULL, '[\"{redirect_uri}\"]', \
             '[]', 'authorization_code refresh_token urn:ietf:params:oauth:grant-type:device_code', \
             'openid profile email posts:read', false, '2026-01-01 00:00:00')"
        ));
    }

    /// The path of an authorization request from `photo-app` (code flow with PKCE) that
    /// returns to `redirect_uri`: what leads a signed-in person to the consent page.
    pub fn photo_app_authorization(&self, redirect_uri: &str) -> String {
        let query = serde_urlencoded::to_string([
            ("client_id", "photo-app"),
            ("redirect_uri", redirect_uri),
            ("response_type", "code"),
            ("scope", "openid profile posts:read"),
            ("state", "s"),
            (
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ),
            ("code_challenge_method", "S256"),
        ])
        .expect("a query");
        format!("/oauth/authorize?{query}")
    }

    /// Every queued or sent message as the outbox holds it: subject, text, HTML, language.
    pub fn outbox_messages(&self) -> Vec<[String; 4]> {
        use diesel::sql_types::{Nullable, Text};
        use diesel::RunQueryDsl as _;
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            subject: String,
            #[diesel(sql_type = Text)]
            text_body: String,
            #[diesel(sql_type = Text)]
            html_body: String,
            #[diesel(sql_type = Nullable<Text>)]
            locale: Option<String>,
        }
        let query = diesel::sql_query(
            "SELECT subject, text_body, html_body, locale FROM outbox ORDER BY id",
        );
        let rows: Vec<Row> = match self.backend {
            Backend::Sqlite => {
                let path = self.database_url.trim_start_matches("sqlite://");
                let mut conn = diesel::SqliteConnection::establish(path).expect("open SQLite");
                query.load(&mut conn).expect("read the outbox")
            }
            Backend::Postgres => {
                let mut conn =
                    diesel::PgConnection::establish(&self.database_url).expect("open PostgreSQL");
                query.load(&mut conn).expect("read the outbox")
            }
        };
        rows.into_iter()
            .map(|r| {
                [
                    r.subject,
                    r.text_body,
                    r.html_body,
                    r.locale.unwrap_or_default(),
                ]
            })
            .collect()
    }

    /// The folder the development outbox writes `.eml` files to (no `SMTP_URL`).
    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.path().join("outbox")
    }

    /// Another browser with a cookie jar of its own: a second person, or a second device.
    pub fn new_browser(&self) -> Browser {
        Browser::new(&self.address)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }
}

/// The configuration error that stops a server with these settings from starting, on a fresh
/// database (panics if it starts, or fails for another reason).
pub async fn start_error(
    backend: Backend,
    overrides: &[(&str, &str)],
) -> sigil::config::ConfigError {
    let (database_url, _guard) = fresh_database(backend);
    let mut env = test_env(&database_url, overrides);
    env.entry("PUBLIC_URL".into())
        .or_insert_with(|| "http://127.0.0.1:8080".into());
    let data_dir = tempfile::tempdir().expect("temp dir");
    let settings = settings_from(&env, data_dir.path());
    let built = tokio::task::spawn_blocking(move || AppState::new(settings))
        .await
        .expect("start-up thread");
    match built {
        Err(sigil::state::StartupError::Config(e)) => e,
        Err(other) => panic!("not a configuration error: {other}"),
        Ok(_) => panic!("the server started with {overrides:?}"),
    }
}
