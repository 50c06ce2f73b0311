//! Session time limits (API.md part three §4): the idle and absolute limits on every request
//! and refresh, the deadline that caps refresh lifetimes, the throttled `last_used_at`, the
//! pages' way out, and the hourly sweep. Times are moved in the database, never waited for.

use std::time::Duration as StdDuration;

use reqwest::Response;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::backend_tests;
use crate::helpers::clients::problem_about;
use crate::helpers::{
    access_of, header, header_and_claims, of_kind, refresh_of, send, Backend, Requests as _,
    TestApp, TestUser, PASSWORD,
};

backend_tests!(
    an_idle_session_ends_on_its_next_request_and_refresh,
    the_absolute_limit_ends_a_session_in_use,
    refresh_lifetimes_shrink_to_the_deadline,
    pages_clear_the_cookies_and_go_to_login,
    last_used_at_is_written_once_per_step,
    the_sweep_ends_each_timed_out_session_once,
);

const IDLE: &str = "session expired after inactivity";
const MAX_AGE: &str = "session reached its maximum lifetime; sign in again";
const INTROSPECTION_CLIENT: (&str, &str) = ("resource-api", "introspection-secret-0123");

/// A time as SQL on both backends takes it (UTC, whole seconds).
fn sql_time(t: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    t.format(&format).unwrap()
}

fn ago(d: Duration) -> String {
    sql_time(OffsetDateTime::now_utc() - d)
}

/// Sets `column` of every session of `user` to `value` (an SQL time).
fn set_sessions(app: &TestApp, user: &TestUser, column: &str, value: &str) {
    app.sql(&format!(
        "UPDATE sessions SET {column} = '{value}' WHERE user_id = {}",
        user.id
    ));
}

/// A 401 `invalid_token` whose detail and challenge say `description`.
async fn assert_ended(r: Response, description: &str, what: &str) {
    let challenge = header(&r, "www-authenticate");
    assert!(
        challenge.contains(r#"error="invalid_token""#) && challenge.contains(description),
        "{what}: {challenge}"
    );
    let body = problem_about(r, 401, what).await;
    assert_eq!(body["detail"], description, "{what}: {body}");
}

fn at(v: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(v.as_str().expect("a time"), &Rfc3339).expect("RFC 3339")
}

fn sid_of(access_token: &str) -> String {
    header_and_claims(access_token).1["sid"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The `last_used_at` that `GET /api/auth/sessions` shows for the token's session.
async fn last_used(app: &TestApp, access_token: &str) -> OffsetDateTime {
    let r = app.sessions(access_token).await;
    assert_eq!(r.status(), 200, "GET /api/auth/sessions");
    let list: Value = r.json().await.unwrap();
    let sid = sid_of(access_token);
    let mine = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == sid.as_str())
        .unwrap_or_else(|| panic!("the session is listed: {list}"));
    at(&mine["last_used_at"])
}

async fn introspect(app: &TestApp, token: &str) -> Value {
    let r = send(
        app.anon
            .post("/api/auth/introspect")
            .basic_auth(INTROSPECTION_CLIENT.0, Some(INTROSPECTION_CLIENT.1))
            .form(&[("token", token)]),
    )
    .await;
    assert_eq!(r.status(), 200, "introspect");
    r.json().await.unwrap()
}

fn close_to(got: i64, want: i64, slack: i64, what: &str) {
    assert!(
        (want - slack..=want).contains(&got),
        "{what}: {got}, expected {want} (less up to {slack})"
    );
}

async fn an_idle_session_ends_on_its_next_request_and_refresh(b: Backend) {
    let app = TestApp::spawn_with(b, &[("SESSION_IDLE_MINUTES", "1")]).await;
    let root = app.admin("root").await;
    let ada = app.user("ada").await;
    // A personal access token keeps its own expiry, whatever happens to the session.
    let r = send(
        app.bearer
            .post("/api/users/me/tokens", &ada.access_token)
            .json(&json!({
                "name": "script", "scopes": ["profile:read"], "expires_in_days": 30
            })),
    )
    .await;
    assert_eq!(r.status(), 201, "create a PAT");
    let pat = r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(app.me(&ada.access_token).await.status(), 200);

    // Used 50 seconds ago: still live (the limit is a minute).
    set_sessions(&app, &ada, "last_used_at", &ago(Duration::seconds(50)));
    assert_eq!(app.me(&ada.access_token).await.status(), 200);

    // Unused for two minutes: the access token is refused on its next request…
    set_sessions(&app, &ada, "last_used_at", &ago(Duration::minutes(2)));
    assert_ended(app.me(&ada.access_token).await, IDLE, "idle bearer").await;
    // …the same on another instance, before any sweep…
    let sibling = app.spawn_sibling().await;
    assert_ended(sibling.me(&ada.access_token).await, IDLE, "idle, sibling").await;
    // …and so is the refresh, which ends the session with its event.
    assert_ended(app.refresh(&ada.refresh_token).await, IDLE, "idle refresh").await;
    let r = app
        .token_form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &ada.refresh_token),
        ])
        .await;
    assert_eq!(r.status(), 400, "refresh grant");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant", "{body}");
    let events = of_kind(&app, &root.access_token, ada.id, "session_expired").await;
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0]["detail"]["reason"], "idle", "{events:#?}");
    assert_eq!(
        events[0]["detail"]["session_id"],
        sid_of(&ada.access_token).as_str()
    );
    // Ended, it stays ended with the same words, and is no longer listed.
    assert_ended(app.me(&ada.access_token).await, IDLE, "after the end").await;
    // The PAT is untouched; a new sign-in is a new, live session.
    let r = send(app.bearer.get("/api/users/me", &pat)).await;
    assert_eq!(r.status(), 200, "the PAT still works");
    let pair = app.login_pair("ada", PASSWORD).await;
    let r = app.sessions(access_of(&pair)).await;
    let list: Value = r.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
}

async fn the_absolute_limit_ends_a_session_in_use(b: Backend) {
    let app = TestApp::spawn_with(b, &[("SESSION_MAX_DAYS", "1")]).await;
    let ada = app.user("ada").await;
    // Signed in a day and a minute ago, used a second ago: over all the same.
    set_sessions(
        &app,
        &ada,
        "created_at",
        &ago(Duration::days(1) + Duration::minutes(1)),
    );
    set_sessions(&app, &ada, "last_used_at", &ago(Duration::seconds(1)));
    assert_ended(app.me(&ada.access_token).await, MAX_AGE, "max age bearer").await;
    assert_ended(
        app.refresh(&ada.refresh_token).await,
        MAX_AGE,
        "max age refresh",
    )
    .await;

    // A refresh exactly at the deadline is refused too.
    let bob = app.user("bob").await;
    set_sessions(&app, &bob, "created_at", &ago(Duration::days(1)));
    assert_ended(
        app.refresh(&bob.refresh_token).await,
        MAX_AGE,
        "at the deadline",
    )
    .await;
    let r = app
        .token_form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &bob.refresh_token),
        ])
        .await;
    assert_eq!(r.status(), 400, "refresh grant at the deadline");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant", "{body}");
}

async fn refresh_lifetimes_shrink_to_the_deadline(b: Backend) {
    let clients = format!("{}:{}", INTROSPECTION_CLIENT.0, INTROSPECTION_CLIENT.1);
    let app = TestApp::spawn_with(
        b,
        &[
            ("SESSION_MAX_DAYS", "1"),
            ("INTROSPECTION_CLIENTS", &clients),
        ],
    )
    .await;
    // Refresh tokens live 14 days by default; the session only one.
    let u = app.user("ada").await;
    let pair = app.login_pair("ada", PASSWORD).await;
    close_to(
        pair["refresh_expires_in"].as_i64().unwrap(),
        86_400,
        10,
        "new session",
    );
    // Signed in 23 hours ago: an hour is left, whatever the refresh lifetime.
    set_sessions(&app, &u, "created_at", &ago(Duration::hours(23)));
    let r = app.refresh(&u.refresh_token).await;
    assert_eq!(r.status(), 200, "refresh before the deadline");
    let rotated: Value = r.json().await.unwrap();
    close_to(
        rotated["refresh_expires_in"].as_i64().unwrap(),
        3_600,
        10,
        "rotated",
    );
    // The refresh token itself expires then.
    let info = introspect(&app, refresh_of(&rotated)).await;
    assert_eq!(info["active"], true, "{info}");
    let now = OffsetDateTime::now_utc().unix_timestamp();
    close_to(
        info["exp"].as_i64().unwrap(),
        now + 3_600,
        10,
        "refresh exp",
    );
    // "Confirm it's you" renews the proof, not the deadline.
    let r = app
        .reauthenticate(access_of(&rotated), json!({"password": PASSWORD}))
        .await;
    assert_eq!(r.status(), 200, "reauthenticate");
    let renewed: Value = r.json().await.unwrap();
    close_to(
        renewed["refresh_expires_in"].as_i64().unwrap(),
        3_600,
        10,
        "reauth",
    );

    // The browser's refresh cookie lasts no longer than the session.
    let c = &app.cookie;
    let r = c.login("ada", PASSWORD).await;
    assert_eq!(r.status(), 303);
    let max_age = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("refresh_token="))
        .and_then(|v| v.split("Max-Age=").nth(1))
        .and_then(|v| v.split(';').next())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .expect("a refresh cookie with Max-Age");
    close_to(max_age, 86_400, 10, "refresh cookie Max-Age");
}

async fn pages_clear_the_cookies_and_go_to_login(b: Backend) {
    let app = TestApp::spawn_with(b, &[("SESSION_IDLE_MINUTES", "1")]).await;
    let ada = app.user("ada").await;
    let c = &app.cookie;
    assert_eq!(c.login("ada", PASSWORD).await.status(), 303);
    assert_eq!(c.page("/account").await.0, 200);
    assert!(c.cookie("access_token").is_some() && c.cookie("refresh_token").is_some());

    set_sessions(&app, &ada, "last_used_at", &ago(Duration::minutes(2)));
    let r = send(c.get("/account")).await;
    assert_eq!(r.status(), 303);
    let location = header(&r, "location");
    assert!(
        location.starts_with("/login?next=") && location.contains("account"),
        "{location}"
    );
    let cleared: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    for name in ["access_token", "refresh_token"] {
        let cookie = cleared
            .iter()
            .find(|v| v.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} cleared: {cleared:?}"));
        assert!(cookie.contains("Max-Age=0"), "{cookie}");
    }
    assert_eq!(c.cookie("access_token"), None);
    assert_eq!(c.cookie("refresh_token"), None);
    // Signed out for good: the next page is a plain anonymous visit.
    let r = send(c.get("/account")).await;
    assert_eq!(r.status(), 303);
}

async fn last_used_at_is_written_once_per_step(b: Backend) {
    // SESSION_IDLE_MINUTES=1: a quarter of it (15 s) is shorter than a minute.
    let app = TestApp::spawn_with(b, &[("SESSION_IDLE_MINUTES", "1")]).await;
    let ada = app.user("ada").await;
    set_sessions(&app, &ada, "last_used_at", &ago(Duration::seconds(10)));
    let seen = last_used(&app, &ada.access_token).await;
    let age = OffsetDateTime::now_utc() - seen;
    assert!(
        age >= Duration::seconds(9),
        "not written inside the step: {age}"
    );
    set_sessions(&app, &ada, "last_used_at", &ago(Duration::seconds(20)));
    let seen = last_used(&app, &ada.access_token).await;
    let age = OffsetDateTime::now_utc() - seen;
    assert!(age < Duration::seconds(5), "written after the step: {age}");

    // The default limit (14 days): the step is a minute.
    let app = TestApp::spawn(b).await;
    let bob = app.user("bob").await;
    set_sessions(&app, &bob, "last_used_at", &ago(Duration::seconds(50)));
    let age = OffsetDateTime::now_utc() - last_used(&app, &bob.access_token).await;
    assert!(
        age >= Duration::seconds(49),
        "not written inside a minute: {age}"
    );
    set_sessions(&app, &bob, "last_used_at", &ago(Duration::seconds(70)));
    let age = OffsetDateTime::now_utc() - last_used(&app, &bob.access_token).await;
    assert!(age < Duration::seconds(5), "written after a minute: {age}");
}

async fn the_sweep_ends_each_timed_out_session_once(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        &[("SESSION_IDLE_MINUTES", "1"), ("SESSION_MAX_DAYS", "1")],
    )
    .await;
    let root = app.admin("root").await;
    let ada = app.user("ada").await;
    let bob = app.user("bob").await;
    let eve = app.user("eve").await;
    set_sessions(&app, &ada, "last_used_at", &ago(Duration::minutes(5)));
    set_sessions(&app, &bob, "created_at", &ago(Duration::days(2)));
    let sweep = {
        let url = app.database_url.clone();
        move || {
            let url = sigil::config::DatabaseUrl::parse(&url).expect("the test's URL");
            let db = sigil::db::Db::connect(&url, 1).expect("connect");
            let mut conn = db.get().expect("a connection");
            let limits = sigil::db::sessions::SessionLimits::new(
                StdDuration::from_secs(60),
                StdDuration::from_secs(86_400),
            );
            sigil::accounts::sessions::sweep_timed_out(&mut conn, &limits).expect("sweep")
        }
    };
    let ended = tokio::task::spawn_blocking(sweep.clone()).await.unwrap();
    // ada (idle) and bob (max_age); root's and eve's sessions are live.
    assert_eq!(ended, 2);
    assert_eq!(tokio::task::spawn_blocking(sweep).await.unwrap(), 0, "once");
    for (user, reason) in [(&ada, "idle"), (&bob, "max_age")] {
        let events = of_kind(&app, &root.access_token, user.id, "session_expired").await;
        assert_eq!(events.len(), 1, "{events:#?}");
        assert_eq!(events[0]["detail"]["reason"], reason, "{events:#?}");
        assert_eq!(
            events[0]["detail"]["session_id"],
            sid_of(&user.access_token).as_str()
        );
    }
    assert!(of_kind(&app, &root.access_token, eve.id, "session_expired")
        .await
        .is_empty());
    // Every instance refuses them at once, with the reason.
    let sibling = app.spawn_sibling().await;
    assert_ended(sibling.me(&ada.access_token).await, IDLE, "swept idle").await;
    assert_ended(app.me(&bob.access_token).await, MAX_AGE, "swept max age").await;
    assert_eq!(app.me(&eve.access_token).await.status(), 200);
    assert_eq!(app.me(&root.access_token).await.status(), 200);
}
