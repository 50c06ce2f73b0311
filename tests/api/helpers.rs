//! The test harness: a real Sigil server on a random port with a fresh database, and a
//! `TestApp` with one method per route and three clients: `anon` (no cookies, no auth),
//! `cookie` (a browser that keeps cookies and has its CSRF token at hand) and `bearer`
//! (`Authorization: Bearer` with the token a request names).
#![allow(dead_code)] // Shared by every test file; not each uses every helper.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use diesel::connection::SimpleConnection as _;
use diesel::Connection as _;
use reqwest::cookie::{CookieStore as _, Jar};
use reqwest::{Body, Client, Method, RequestBuilder, Response};
use serde_json::{json, Value};
use sigil::config::Settings;
use sigil::startup::Application;
use sigil::state::AppState;

pub const PASSWORD: &str = "correct horse battery staple";
pub const SECRET_KEY: &str = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz";

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each listed `async fn name(backend: Backend)` once per backend: `sqlite::name` always,
/// `postgres::name` when `TEST_POSTGRES_URL` is set (otherwise it says it was skipped).
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if !$crate::helpers::postgres_configured() {
                        $crate::helpers::skipped("TEST_POSTGRES_URL is not set");
                        return;
                    }
                    super::$name($crate::helpers::Backend::Postgres).await;
                }
            )*
        }
    };
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

/// Sends a request a test built; one that cannot be sent at all fails the test.
pub async fn send(req: RequestBuilder) -> Response {
    req.send().await.expect("request")
}

/// What the three clients share: requests to paths of the one server. No client follows
/// redirects, so a test sees every 303 and where it points.
pub trait Requests {
    /// A request to `path` (with its query, if any), carrying whatever this client adds.
    fn request(&self, method: Method, path: &str) -> RequestBuilder;

    fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    fn post(&self, path: &str) -> RequestBuilder {
        self.request(Method::POST, path)
    }
}

/// What each client is built on: a reqwest client (with a cookie jar or without) and the
/// server's address.
#[derive(Clone)]
struct Http {
    client: Client,
    address: String,
}

impl Http {
    fn new(address: &str, jar: Option<Arc<Jar>>) -> Http {
        let builder = Client::builder().redirect(reqwest::redirect::Policy::none());
        let builder = match jar {
            Some(jar) => builder.cookie_provider(jar),
            None => builder,
        };
        Http {
            client: builder.build().expect("reqwest client"),
            address: address.to_string(),
        }
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.address))
    }
}

/// No cookies, no auth: what a script or a stranger sends.
pub struct Anon(Http);

impl Requests for Anon {
    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.0.request(method, path)
    }
}

/// A browser: keeps the cookies the server sets (the signed session, the access and refresh
/// tokens) and sends them back, and has its session's CSRF token at hand.
pub struct Browser {
    http: Http,
    jar: Arc<Jar>,
}

impl Requests for Browser {
    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, path)
    }
}

impl Browser {
    fn new(address: &str) -> Browser {
        let jar = Arc::new(Jar::default());
        Browser {
            http: Http::new(address, Some(Arc::clone(&jar))),
            jar,
        }
    }

    fn server(&self) -> reqwest::Url {
        self.http.address.parse().expect("the server's URL")
    }

    /// Puts `name=value` in the jar as if the server had set it (a token the test holds).
    pub fn set_cookie(&self, name: &str, value: &str) {
        self.jar
            .add_cookie_str(&format!("{name}={value}; Path=/"), &self.server());
    }

    /// The value of the cookie `name` this browser would send, if it has one.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let header = self.jar.cookies(&self.server())?;
        let prefix = format!("{name}=");
        header
            .to_str()
            .expect("cookies are ASCII")
            .split("; ")
            .find_map(|c| c.strip_prefix(&prefix).map(str::to_string))
    }

    /// The session's CSRF token, from `GET /api/auth/csrf` (which starts a session if the
    /// browser has none yet). Pages carry the same token in their `csrf_token` fields.
    pub async fn csrf_token(&self) -> String {
        let r = send(self.get("/api/auth/csrf")).await;
        assert_eq!(r.status(), 200, "GET /api/auth/csrf");
        let body: Value = r.json().await.expect("CSRF JSON");
        body["csrf_token"]
            .as_str()
            .expect("a csrf_token string")
            .to_string()
    }

    /// A page's status and HTML.
    pub async fn page(&self, path: &str) -> (u16, String) {
        let r = send(self.get(path)).await;
        (r.status().as_u16(), r.text().await.expect("HTML"))
    }

    /// Posts a form, urlencoded, with exactly the fields given.
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        send(self.post(path).form(fields)).await
    }

    /// Opens `page`, and posts `fields` to `action` with the CSRF token of that page's form,
    /// as a person filling it in would.
    pub async fn fill_in(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let (_, html) = self.page(page).await;
        let csrf = csrf_of(&html);
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &csrf));
        self.form(action, &fields).await
    }

    /// Logs in through the `/login` form.
    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.fill_in(
            "/login",
            "/login",
            &[("username", username), ("password", password)],
        )
        .await
    }
}

/// The value of the first `csrf_token` hidden field of a page.
pub fn csrf_of(html: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker).expect("a csrf_token field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// Requests that carry `Authorization: Bearer` with the token each one names, and no cookies.
pub struct Bearer(Http);

impl Bearer {
    pub fn request(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.0.request(method, path).bearer_auth(token)
    }

    pub fn get(&self, path: &str, token: &str) -> RequestBuilder {
        self.request(Method::GET, path, token)
    }

    pub fn post(&self, path: &str, token: &str) -> RequestBuilder {
        self.request(Method::POST, path, token)
    }
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

/// A registered user with a live token pair.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub password: String,
    pub access_token: String,
    pub refresh_token: String,
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

    /// Bearer when there is a token, anonymous when not: for routes where auth is optional.
    fn maybe_bearer(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        match token {
            Some(t) => self.bearer.request(method, path, t),
            None => self.anon.request(method, path),
        }
    }

    // ---- health, pages, anything anonymous ----

    pub async fn get(&self, path: &str) -> Response {
        send(self.anon.get(path)).await
    }

    // ---- /api/auth ----

    pub async fn register(&self, body: Value) -> Response {
        send(self.anon.post("/api/auth/register").json(&body)).await
    }

    /// `POST /api/auth/register` with a body sent as is, under any content type.
    pub async fn register_raw(&self, content_type: &str, body: impl Into<Body>) -> Response {
        let req = self.anon.post("/api/auth/register");
        send(req.header("content-type", content_type).body(body)).await
    }

    pub async fn login(&self, body: Value) -> Response {
        send(self.anon.post("/api/auth/login").json(&body)).await
    }

    pub async fn token_form(&self, form: &[(&str, &str)]) -> Response {
        send(self.anon.post("/api/auth/token").form(form)).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        let body = json!({ "refresh_token": refresh_token });
        send(self.anon.post("/api/auth/refresh").json(&body)).await
    }

    pub async fn logout(&self, access_token: &str) -> Response {
        send(self.bearer.post("/api/auth/logout", access_token)).await
    }

    pub async fn logout_all(&self, access_token: &str) -> Response {
        send(self.bearer.post("/api/auth/logout-all", access_token)).await
    }

    pub async fn sessions(&self, access_token: &str) -> Response {
        send(self.bearer.get("/api/auth/sessions", access_token)).await
    }

    pub async fn delete_session(&self, access_token: &str, id: &str) -> Response {
        let path = format!("/api/auth/sessions/{id}");
        send(self.bearer.request(Method::DELETE, &path, access_token)).await
    }

    // ---- /api/users ----

    pub async fn me(&self, access_token: &str) -> Response {
        send(self.bearer.get("/api/users/me", access_token)).await
    }

    pub async fn change_password(&self, access_token: &str, current: &str, new: &str) -> Response {
        let body = json!({ "current_password": current, "new_password": new });
        let req = self
            .bearer
            .request(Method::PUT, "/api/users/me/password", access_token);
        send(req.json(&body)).await
    }

    /// `PUT /api/users/me/email` with the body as given.
    pub async fn change_email(&self, access_token: &str, body: Value) -> Response {
        let req = self
            .bearer
            .request(Method::PUT, "/api/users/me/email", access_token);
        send(req.json(&body)).await
    }

    /// `DELETE /api/users/me` with the body as given.
    pub async fn delete_me(&self, access_token: &str, body: Value) -> Response {
        let req = self
            .bearer
            .request(Method::DELETE, "/api/users/me", access_token);
        send(req.json(&body)).await
    }

    // ---- second factor and recent authentication ----

    /// `POST /api/auth/mfa` `{mfa_token, code}`.
    pub async fn mfa(&self, mfa_token: &str, code: &str) -> Response {
        let body = json!({ "mfa_token": mfa_token, "code": code });
        send(self.anon.post("/api/auth/mfa").json(&body)).await
    }

    /// `POST /api/auth/reauthenticate` with the body as given.
    pub async fn reauthenticate(&self, access_token: &str, body: Value) -> Response {
        let req = self.bearer.post("/api/auth/reauthenticate", access_token);
        send(req.json(&body)).await
    }

    /// `POST /api/users/me/mfa/totp`: starts an enrolment.
    pub async fn enrol_totp(&self, access_token: &str) -> Response {
        send(self.bearer.post("/api/users/me/mfa/totp", access_token)).await
    }

    /// `POST /api/users/me/mfa/totp/confirm` `{code}`.
    pub async fn confirm_totp(&self, access_token: &str, code: &str) -> Response {
        let req = self
            .bearer
            .post("/api/users/me/mfa/totp/confirm", access_token);
        send(req.json(&json!({ "code": code }))).await
    }

    /// `DELETE /api/users/me/mfa/totp`, confirmed with the test users' password.
    pub async fn disable_totp(&self, access_token: &str) -> Response {
        self.disable_totp_with(access_token, json!({ "password": PASSWORD }))
            .await
    }

    /// `DELETE /api/users/me/mfa/totp` with `body` (`{password}` or `{code}`).
    pub async fn disable_totp_with(&self, access_token: &str, body: Value) -> Response {
        let req = self
            .bearer
            .request(Method::DELETE, "/api/users/me/mfa/totp", access_token);
        send(req.json(&body)).await
    }

    /// `POST /api/users/me/mfa/recovery-codes`.
    pub async fn regenerate_recovery_codes(&self, access_token: &str) -> Response {
        send(
            self.bearer
                .post("/api/users/me/mfa/recovery-codes", access_token),
        )
        .await
    }

    // ---- passkeys ----

    /// `POST /api/auth/passkey/options` with the body as given (`{}` or `{mfa_token}`).
    pub async fn passkey_options(&self, body: Value) -> Response {
        send(self.anon.post("/api/auth/passkey/options").json(&body)).await
    }

    /// `POST /api/auth/passkey` with the body as given (`{assertion}`).
    pub async fn passkey_sign_in(&self, body: Value) -> Response {
        send(self.anon.post("/api/auth/passkey").json(&body)).await
    }

    /// `POST /api/auth/mfa` `{mfa_token, assertion}`: the second step with a passkey.
    pub async fn mfa_passkey(&self, mfa_token: &str, assertion: Value) -> Response {
        let body = json!({ "mfa_token": mfa_token, "assertion": assertion });
        send(self.anon.post("/api/auth/mfa").json(&body)).await
    }

    /// `POST /api/users/me/passkeys/options`: creation options.
    pub async fn passkey_creation_options(&self, access_token: &str) -> Response {
        send(
            self.bearer
                .post("/api/users/me/passkeys/options", access_token),
        )
        .await
    }

    /// `POST /api/users/me/passkeys` with the body as given (`{name, attestation}`).
    pub async fn add_passkey(&self, access_token: &str, body: Value) -> Response {
        let req = self.bearer.post("/api/users/me/passkeys", access_token);
        send(req.json(&body)).await
    }

    /// `POST /api/auth/reauthenticate/options`: options to confirm it is you with a passkey.
    pub async fn reauthentication_options(&self, access_token: &str) -> Response {
        send(
            self.bearer
                .post("/api/auth/reauthenticate/options", access_token),
        )
        .await
    }

    /// `GET /api/users/me/passkeys`.
    pub async fn passkeys(&self, access_token: &str) -> Response {
        send(self.bearer.get("/api/users/me/passkeys", access_token)).await
    }

    /// `DELETE /api/users/me/passkeys/{id}`, confirmed with the test users' password.
    pub async fn remove_passkey(&self, access_token: &str, id: i64) -> Response {
        let body = json!({ "password": PASSWORD });
        self.remove_passkey_with(access_token, id, body).await
    }

    /// `DELETE /api/users/me/passkeys/{id}` with `body` (`{password}` or `{code}`).
    pub async fn remove_passkey_with(&self, access_token: &str, id: i64, body: Value) -> Response {
        let path = format!("/api/users/me/passkeys/{id}");
        let req = self.bearer.request(Method::DELETE, &path, access_token);
        send(req.json(&body)).await
    }

    // ---- /api/posts ----

    pub async fn list_posts(&self, token: Option<&str>, query: &str) -> Response {
        let path = format!("/api/posts{query}");
        send(self.maybe_bearer(Method::GET, &path, token)).await
    }

    pub async fn create_post(&self, token: &str, body: Value) -> Response {
        send(self.bearer.post("/api/posts", token).json(&body)).await
    }

    /// `POST /api/posts` with a body sent as is, under any content type.
    pub async fn create_post_raw(&self, token: &str, content_type: &str, body: &str) -> Response {
        let req = self.bearer.post("/api/posts", token);
        send(
            req.header("content-type", content_type)
                .body(body.to_string()),
        )
        .await
    }

    pub async fn get_post(&self, token: Option<&str>, id: i64) -> Response {
        let path = format!("/api/posts/{id}");
        send(self.maybe_bearer(Method::GET, &path, token)).await
    }

    pub async fn patch_post(&self, token: &str, id: i64, body: Value) -> Response {
        let path = format!("/api/posts/{id}");
        send(self.bearer.request(Method::PATCH, &path, token).json(&body)).await
    }

    pub async fn delete_post(&self, token: &str, id: i64) -> Response {
        let path = format!("/api/posts/{id}");
        send(self.bearer.request(Method::DELETE, &path, token)).await
    }

    pub async fn my_events(&self, access_token: &str, query: &str) -> Response {
        let path = format!("/api/users/me/events{query}");
        send(self.bearer.get(&path, access_token)).await
    }

    // ---- /api/admin ----

    /// `GET /api/admin/users{query}` (`query` empty or starting with `?`).
    pub async fn admin_users(&self, token: &str, query: &str) -> Response {
        let path = format!("/api/admin/users{query}");
        send(self.bearer.get(&path, token)).await
    }

    pub async fn admin_user(&self, token: &str, id: i64) -> Response {
        let path = format!("/api/admin/users/{id}");
        send(self.bearer.get(&path, token)).await
    }

    pub async fn admin_disable(&self, token: &str, id: i64) -> Response {
        let path = format!("/api/admin/users/{id}/disable");
        send(self.bearer.post(&path, token)).await
    }

    pub async fn admin_enable(&self, token: &str, id: i64) -> Response {
        let path = format!("/api/admin/users/{id}/enable");
        send(self.bearer.post(&path, token)).await
    }

    pub async fn admin_logout_all(&self, token: &str, id: i64) -> Response {
        let path = format!("/api/admin/users/{id}/logout-all");
        send(self.bearer.post(&path, token)).await
    }

    pub async fn admin_password_reset(&self, token: &str, id: i64) -> Response {
        let path = format!("/api/admin/users/{id}/password-reset");
        send(self.bearer.post(&path, token)).await
    }

    /// `PUT /api/admin/users/{id}/role` with the body as given.
    pub async fn admin_set_role(&self, token: &str, id: i64, body: Value) -> Response {
        let path = format!("/api/admin/users/{id}/role");
        send(self.bearer.request(Method::PUT, &path, token).json(&body)).await
    }

    pub async fn admin_delete_user(&self, token: &str, id: i64) -> Response {
        let path = format!("/api/admin/users/{id}");
        send(self.bearer.request(Method::DELETE, &path, token)).await
    }

    /// `GET /api/admin/events{query}` (`query` empty or starting with `?`).
    pub async fn admin_events(&self, token: &str, query: &str) -> Response {
        let path = format!("/api/admin/events{query}");
        send(self.bearer.get(&path, token)).await
    }

    // ---- /api/token, /.well-known ----

    pub async fn inspect_token(&self, body: Value) -> Response {
        send(self.anon.post("/api/token/inspect").json(&body)).await
    }

    pub async fn encode_token(&self, body: Value) -> Response {
        send(self.anon.post("/api/token/encode").json(&body)).await
    }

    /// `POST /api/token/inspect`, checked to be a 200 that is never cached; the inspection.
    pub async fn inspect_ok(&self, body: Value) -> Value {
        let r = self.inspect_token(body).await;
        assert_eq!(r.status(), 200);
        assert_eq!(header(&r, "cache-control"), "no-store");
        r.json().await.expect("inspection JSON")
    }

    /// `GET /.well-known/jwks.json`, checked to be a 200 that caches; the body.
    pub async fn jwks(&self) -> Value {
        let r = self.get("/.well-known/jwks.json").await;
        assert_eq!(r.status(), 200);
        assert!(header(&r, "cache-control").contains("max-age"));
        r.json().await.expect("JWKS JSON")
    }

    // ---- shortcuts ----

    /// Registers `username` (email `username@example.com`, password [`PASSWORD`]) and logs in.
    pub async fn user(&self, username: &str) -> TestUser {
        let email = format!("{}@example.com", username.to_lowercase());
        let r = self
            .register(json!({"email": email, "username": username, "password": PASSWORD}))
            .await;
        assert_eq!(
            r.status(),
            201,
            "register {username}: {}",
            r.text().await.unwrap_or_default()
        );
        let user: Value = r.json().await.unwrap();
        let pair = self.login_pair(username, PASSWORD).await;
        TestUser {
            id: user["id"].as_i64().unwrap(),
            username: username.to_string(),
            email,
            password: PASSWORD.to_string(),
            access_token: pair["access_token"].as_str().unwrap().to_string(),
            refresh_token: pair["refresh_token"].as_str().unwrap().to_string(),
        }
    }

    /// Registers `username` as [`TestApp::user`] does, makes them an administrator (directly
    /// in the database: no account is one by default), and logs in again.
    pub async fn admin(&self, username: &str) -> TestUser {
        let mut user = self.user(username).await;
        self.sql(&format!(
            "UPDATE users SET role = 'admin' WHERE username = '{username}'"
        ));
        let pair = self.login_pair(username, PASSWORD).await;
        user.access_token = access_of(&pair).to_string();
        user.refresh_token = refresh_of(&pair).to_string();
        user
    }

    /// Logs in through the JSON endpoint and returns the token pair.
    pub async fn login_pair(&self, username: &str, password: &str) -> Value {
        let r = self
            .login(json!({"username": username, "password": password}))
            .await;
        assert_eq!(r.status(), 200, "login {username}");
        r.json().await.unwrap()
    }

    /// Creates a post and returns its JSON.
    pub async fn post_as(&self, user: &TestUser, title: &str, visibility: &str) -> Value {
        let r = self
            .create_post(
                &user.access_token,
                json!({"title": title, "body": format!("Body of {title}"), "visibility": visibility}),
            )
            .await;
        assert_eq!(r.status(), 201, "create post {title}");
        r.json().await.unwrap()
    }

    /// `POST /api/token/inspect` of `token`, checked to be a 200 that is never cached; the report.
    pub async fn inspection(&self, token: &str) -> Value {
        let r = self.inspect_token(json!({ "token": token })).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["cache-control"], "no-store");
        r.json().await.unwrap()
    }
}

/// A response header as text; a missing or non-ASCII one fails the test.
pub fn header(r: &Response, name: &str) -> String {
    r.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap_or_else(|_| panic!("{name} is not ASCII"))
        .to_string()
}

/// One base64url segment of a token (0 the header, 1 the claims), decoded as JSON.
pub fn segment(token: &str, index: usize) -> Value {
    let part = token.split('.').nth(index).expect("a JWT segment");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
}

/// The header and the claims of a token, decoded.
pub fn header_and_claims(token: &str) -> (Value, Value) {
    (segment(token, 0), segment(token, 1))
}

/// Signs an access token for `user_id`/`sid` with the test server's secret, as if issued
/// `age` seconds ago.
pub fn token_issued_ago(user_id: i32, username: &str, sid: &str, age: i64) -> String {
    use sigil::auth::jwt::{issue, Subject};
    use sigil::auth::keys::TokenKeys;
    let keys = TokenKeys::hmac(SECRET_KEY.as_bytes());
    let subject = Subject {
        user_id,
        username,
        session_id: sid,
        auth_time: time::OffsetDateTime::now_utc().unix_timestamp() - age,
        amr: &["pwd".to_string()],
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    issue(&keys, &sigil::testing::policy(), &subject, now - age)
        .unwrap()
        .0
}

/// Reads a problem+json body and checks its shape.
pub async fn problem(r: Response, status: u16) -> Value {
    assert_eq!(r.status().as_u16(), status, "status");
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        ct.starts_with("application/problem+json"),
        "content type {ct}"
    );
    let body: Value = r.json().await.expect("problem JSON");
    assert_eq!(body["status"], status, "{body}");
    assert!(
        body["type"].is_string() && body["title"].is_string() && body["detail"].is_string(),
        "{body}"
    );
    body
}

/// The access token of a token pair's JSON.
pub fn access_of(pair: &Value) -> &str {
    pair["access_token"].as_str().expect("an access_token")
}

/// The refresh token of a token pair's JSON.
pub fn refresh_of(pair: &Value) -> &str {
    pair["refresh_token"].as_str().expect("a refresh_token")
}
