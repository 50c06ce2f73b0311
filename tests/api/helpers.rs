//! The test harness: a real Sigil server on a random port with a fresh database, and a
//! `TestApp` with one method per route and three clients (anonymous, cookie, bearer).
#![allow(dead_code)] // Shared by every test file; not each uses every helper.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::PathBuf;

use diesel::connection::SimpleConnection as _;
use diesel::Connection as _;
use reqwest::{Client, Response};
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
                        eprintln!("skipped: TEST_POSTGRES_URL is not set");
                        return;
                    }
                    super::$name($crate::helpers::Backend::Postgres).await;
                }
            )*
        }
    };
}

pub fn postgres_configured() -> bool {
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

/// A running server and clients for it.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub backend: Backend,
    pub database_url: String,
    pub env: HashMap<String, String>,
    /// No cookies, no auth.
    pub anon: Client,
    /// A browser: keeps cookies.
    pub browser: Client,
    _db: std::sync::Arc<DbGuard>,
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

pub fn client(cookies: bool) -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(cookies)
        .build()
        .expect("reqwest client")
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, &[]).await
    }

    pub async fn spawn_with(backend: Backend, overrides: &[(&str, &str)]) -> TestApp {
        let (database_url, guard) = fresh_database(backend);
        let env = test_env(&database_url, overrides);
        Self::start(backend, database_url, env, std::sync::Arc::new(guard)).await
    }

    /// A second instance on the same database (and the same keys), as behind a load balancer.
    pub async fn spawn_sibling(&self) -> TestApp {
        Self::start(
            self.backend,
            self.database_url.clone(),
            self.env.clone(),
            std::sync::Arc::clone(&self._db),
        )
        .await
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
            std::sync::Arc::clone(&self._db),
        )
        .await
    }

    async fn start(
        backend: Backend,
        database_url: String,
        env: HashMap<String, String>,
        guard: std::sync::Arc<DbGuard>,
    ) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let settings = settings_from(&env, data_dir.path());
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a random port");
        let state = tokio::task::spawn_blocking(move || AppState::new(settings))
            .await
            .expect("start-up thread")
            .expect("the application state builds");
        let app = Application::from_state(state, listener).expect("the server builds");
        let port = app.port();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            port,
            backend,
            database_url,
            env,
            anon: client(false),
            browser: client(true),
            _db: guard,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    // ---- health ----

    pub async fn get(&self, path: &str) -> Response {
        self.anon.get(self.url(path)).send().await.expect("request")
    }

    // ---- /api/auth ----

    pub async fn register(&self, body: Value) -> Response {
        self.anon
            .post(self.url("/api/auth/register"))
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn login(&self, body: Value) -> Response {
        self.anon
            .post(self.url("/api/auth/login"))
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn token_form(&self, form: &[(&str, &str)]) -> Response {
        self.anon
            .post(self.url("/api/auth/token"))
            .form(form)
            .send()
            .await
            .expect("request")
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.anon
            .post(self.url("/api/auth/refresh"))
            .json(&json!({ "refresh_token": refresh_token }))
            .send()
            .await
            .expect("request")
    }

    pub async fn logout(&self, access_token: &str) -> Response {
        self.anon
            .post(self.url("/api/auth/logout"))
            .bearer_auth(access_token)
            .send()
            .await
            .expect("request")
    }

    pub async fn logout_all(&self, access_token: &str) -> Response {
        self.anon
            .post(self.url("/api/auth/logout-all"))
            .bearer_auth(access_token)
            .send()
            .await
            .expect("request")
    }

    pub async fn sessions(&self, access_token: &str) -> Response {
        self.anon
            .get(self.url("/api/auth/sessions"))
            .bearer_auth(access_token)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete_session(&self, access_token: &str, id: &str) -> Response {
        self.anon
            .delete(self.url(&format!("/api/auth/sessions/{id}")))
            .bearer_auth(access_token)
            .send()
            .await
            .expect("request")
    }

    // ---- /api/users ----

    pub async fn me(&self, access_token: &str) -> Response {
        self.anon
            .get(self.url("/api/users/me"))
            .bearer_auth(access_token)
            .send()
            .await
            .expect("request")
    }

    pub async fn change_password(&self, access_token: &str, current: &str, new: &str) -> Response {
        self.anon
            .put(self.url("/api/users/me/password"))
            .bearer_auth(access_token)
            .json(&json!({ "current_password": current, "new_password": new }))
            .send()
            .await
            .expect("request")
    }

    // ---- /api/posts ----

    pub async fn list_posts(&self, token: Option<&str>, query: &str) -> Response {
        let mut req = self.anon.get(self.url(&format!("/api/posts{query}")));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request")
    }

    pub async fn create_post(&self, token: &str, body: Value) -> Response {
        self.anon
            .post(self.url("/api/posts"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn get_post(&self, token: Option<&str>, id: i64) -> Response {
        let mut req = self.anon.get(self.url(&format!("/api/posts/{id}")));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request")
    }

    pub async fn patch_post(&self, token: &str, id: i64, body: Value) -> Response {
        self.anon
            .patch(self.url(&format!("/api/posts/{id}")))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete_post(&self, token: &str, id: i64) -> Response {
        self.anon
            .delete(self.url(&format!("/api/posts/{id}")))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
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
