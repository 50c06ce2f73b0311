//! The test harness: a real Sigil server on a random port with a fresh database, and a
//! `TestApp` with one method per route and three clients: `anon` (no cookies, no auth),
//! `cookie` (a browser that keeps cookies and has its CSRF token at hand) and `bearer`
//! (`Authorization: Bearer` with the token a request names). The fixtures live in one module
//! per concern below; the ones test files use are named here too.
#![allow(dead_code)] // Shared by every test file; not each uses every helper.

pub mod app;
pub mod audit;
pub mod axe;
pub mod browser;
pub mod clients;
pub mod english;
pub mod keyboard;
pub mod logout_receiver;
pub mod provider_trips;
pub mod routes;
pub mod smtp;
pub mod stub_provider;
pub mod tokens;
pub mod upstream;
pub mod users;

pub use app::{
    fresh_database, postgres_configured, skipped, start_error, test_env, Backend, TestApp,
    PASSWORD, SECRET_KEY,
};
pub use audit::{assert_no_secrets, events, of_kind, the_event};
pub use clients::{csrf_of, header, problem, problem_about, send, Browser, Requests};
pub use logout_receiver::LogoutReceiver;
pub use smtp::{notices, outbox_token, Received, SmtpServer};
pub use stub_provider::StubProvider;
pub use tokens::{
    access_of, assert_challenge, claims, fixture, fixtures, header_and_claims, mfa_token,
    mfa_token_offering, refresh_of, segment, token_issued_ago, unix_now, JWT_IO,
};
pub use upstream::{Account, Upstream};
pub use users::{enrol, mfa_user, now_step, sign_in, TestUser};

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
