//! The people in a test: a registered user with a live token pair, an administrator, and a
//! user with an authenticator app confirmed (and the app itself, which hands out each code once).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use sigil::testing::totp_code;

use super::app::{TestApp, PASSWORD};
use super::clients::header;
use super::tokens::{access_of, mfa_token, refresh_of};

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
}

/// The tests' authenticator app: the codes of a secret, each step used at most once, so a
/// test never trips over the server's replay rule by accident.
pub struct Authenticator {
    pub secret: String,
    last_step: u64,
}

/// The current TOTP time step (30 seconds each).
pub fn now_step() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 30
}

impl Authenticator {
    pub fn new(secret: &str) -> Self {
        Self {
            secret: secret.to_string(),
            last_step: 0,
        }
    }

    /// The code of time step `step`.
    pub fn code_of(&self, step: u64) -> String {
        totp_code(&self.secret, step * 30)
    }

    /// A code of a step the server has not accepted yet: the current one or the next (both
    /// inside its ±1 window even if a step boundary passes meanwhile), waiting when the test
    /// has used those up.
    pub async fn next_code(&mut self) -> String {
        let step = now_step().max(self.last_step + 1);
        while step > now_step() + 1 {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        self.last_step = step;
        self.code_of(step)
    }

    /// The code last handed out (a replay, once the server has accepted it).
    pub fn last_code(&self) -> String {
        self.code_of(self.last_step)
    }

    /// A well-formed code that is right for no step the server would accept now.
    pub fn wrong_code(&self) -> String {
        let near: Vec<String> = (now_step() - 2..=now_step() + 2)
            .map(|s| self.code_of(s))
            .collect();
        (0..)
            .map(|i| format!("{:06}", (i * 7919) % 1_000_000))
            .find(|c| !near.contains(c))
            .unwrap()
    }
}

/// A user with an authenticator app confirmed, and their ten recovery codes.
pub struct MfaUser {
    pub user: TestUser,
    pub app: Authenticator,
    pub recovery_codes: Vec<String>,
}

/// Registers `name`, enrols an authenticator and confirms it.
pub async fn mfa_user(app: &TestApp, name: &str) -> MfaUser {
    let user = app.user(name).await;
    let (mut authenticator, _) = enrol(app, &user).await;
    let r = app
        .confirm_totp(&user.access_token, &authenticator.next_code().await)
        .await;
    assert_eq!(r.status(), 200, "confirm");
    assert_eq!(header(&r, "cache-control"), "no-store");
    let body: Value = r.json().await.unwrap();
    let recovery_codes: Vec<String> = body["recovery_codes"]
        .as_array()
        .expect("recovery_codes")
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    MfaUser {
        user,
        app: authenticator,
        recovery_codes,
    }
}

/// Starts an enrolment: the authenticator of its secret, and the whole answer.
pub async fn enrol(app: &TestApp, user: &TestUser) -> (Authenticator, Value) {
    let r = app.enrol_totp(&user.access_token).await;
    assert_eq!(r.status(), 200, "enrol");
    assert_eq!(header(&r, "cache-control"), "no-store");
    let body: Value = r.json().await.unwrap();
    (Authenticator::new(body["secret"].as_str().unwrap()), body)
}

/// A whole sign-in with the second factor through the JSON API; the token pair.
pub async fn sign_in(app: &TestApp, u: &mut MfaUser) -> Value {
    let token = mfa_token(app, &u.user.username).await;
    let r = app.mfa(&token, &u.app.next_code().await).await;
    assert_eq!(r.status(), 200, "POST /api/auth/mfa");
    r.json().await.unwrap()
}
