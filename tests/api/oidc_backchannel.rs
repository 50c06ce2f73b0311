//! Back-channel logout (API.md part three, section 1, "Logout"): a client with a
//! `backchannel_logout_uri` gets a logout token, checked here against the provider's JWKS, for
//! each of its sessions that ends, whichever way it ends (RP-initiated and browser logout,
//! revoking the app, logout-all, an administrator's disable, refresh-token reuse); never for a
//! session that outlives the browser's (`offline_access`) nor for a deleted client. Failed
//! deliveries are retried with the same `jti` and a fresh `iat`, give up after a day with an
//! event, go out once across instances, and only to loopback `http` in development.
//!
//! Retry timing: the tests move a waiting delivery's `next_attempt_at` (or its `created_at`)
//! into the past with SQL; the sender, which looks every second, then takes it up.

use std::collections::HashMap;
use std::time::Duration;

use reqwest::{Method, Response};
use serde_json::Value;

use crate::backend_tests;
use crate::helpers::{
    events, header, header_and_claims, segment, send, Backend, Browser, LogoutReceiver,
    Requests as _, TestApp, PASSWORD,
};

backend_tests!(
    rp_initiated_logout_sends_a_logout_token_the_jwks_verifies,
    a_browser_logout_tells_apps_whose_sessions_end_with_it_only,
    revoking_the_app_and_logout_all_tell_the_app_of_every_session,
    an_admins_disable_and_refresh_token_reuse_tell_the_app,
    the_session_sweep_tells_apps_of_the_sessions_it_ends,
    a_password_change_and_the_accounts_deletion_tell_the_app,
    a_deleted_client_is_told_nothing,
    a_refused_delivery_is_retried_with_the_same_jti_and_a_new_iat,
    a_delivery_left_by_a_dead_sender_goes_out_when_its_lease_ends,
    a_day_of_failures_ends_in_an_event_and_no_more_attempts,
    two_instances_deliver_each_token_exactly_once,
    plain_http_to_loopback_is_refused_outside_development,
    a_logout_token_or_id_token_is_no_access_token,
);

/// A registered client's redirect URI: loopback, so any port matches.
const REDIRECT: &str = "http://127.0.0.1/callback";
const POST_LOGOUT: &str = "https://rp.example/bye";
const CLIENT_SCOPE: &str = "openid profile email offline_access profile:read posts:read";
const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// Registers a confidential client straight in the database, with `logout_uri` as its
/// `backchannel_logout_uri` when given; returns its secret.
fn register(app: &TestApp, client_id: &str, logout_uri: Option<&str>) -> String {
    let secret = sigil::auth::checksummed::CLIENT_SECRET.generate();
    let hash = sigil::auth::checksummed::hash(&secret);
    let redirects = serde_json::to_string(&[REDIRECT]).unwrap();
    let logouts = serde_json::to_string(&[POST_LOGOUT]).unwrap();
    let uri = logout_uri.map_or("NULL".to_string(), |u| format!("'{u}'"));
    app.sql(&format!(
        "INSERT INTO oauth_clients (client_id, client_name, confidential, secret_hash, \
         redirect_uris, post_logout_redirect_uris, backchannel_logout_uri, grant_types, scope, \
         first_party, created_at) \
         VALUES ('{client_id}', 'App {client_id}', TRUE, '{hash}', '{redirects}', '{logouts}', \
         {uri}, 'authorization_code refresh_token', '{CLIENT_SCOPE}', TRUE, \
         '2026-01-01 00:00:00')"
    ));
    secret
}

/// A client's side of one sign-in: its tokens and the `sid` they carry.
struct AppSession {
    access: String,
    refresh: String,
    id_token: String,
    sid: String,
}

async fn signed_in(app: &TestApp, username: &str) -> Browser {
    let browser = app.new_browser();
    assert_eq!(browser.login(username, PASSWORD).await.status(), 303);
    browser
}

/// The code flow for `client_id` in `browser` (a first-party client: no consent page), and the
/// code exchanged: a new client session.
async fn sign_in_to(
    app: &TestApp,
    browser: &Browser,
    client_id: &str,
    secret: &str,
    scope: &str,
) -> AppSession {
    let (challenge, verifier) = openidconnect::PkceCodeChallenge::new_random_sha256();
    let query = serde_urlencoded::to_string([
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", scope),
        ("state", "s"),
        ("nonce", "n-1"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ])
    .unwrap();
    let r = send(browser.get(&format!("/oauth/authorize?{query}"))).await;
    assert_eq!(r.status(), 303, "straight back to the app");
    let location = url::Url::parse(&header(&r, "location")).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.to_string())
        .unwrap_or_else(|| panic!("a code: {location}"));
    let r = app
        .token_form(&[
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier.secret()),
        ])
        .await;
    assert_eq!(r.status(), 200, "the code grant");
    let tokens: Value = r.json().await.unwrap();
    let text = |name: &str| tokens[name].as_str().unwrap().to_string();
    let access = text("access_token");
    AppSession {
        sid: segment(&access, 1)["sid"].as_str().unwrap().to_string(),
        refresh: text("refresh_token"),
        id_token: text("id_token"),
        access,
    }
}

async fn refresh_as(app: &TestApp, client_id: &str, secret: &str, refresh: &str) -> Response {
    app.token_form(&[
        ("grant_type", "refresh_token"),
        ("client_id", client_id),
        ("client_secret", secret),
        ("refresh_token", refresh),
    ])
    .await
}

/// Checks a logout token as a relying party must (Back-Channel Logout §2.6): signed by a key
/// of the provider's JWKS (RS256, `typ: logout+jwt`), from the issuer, for `client_id`, with
/// the event, a `jti`, `sub` and `sid`, no `nonce`, and two minutes to live. Its claims.
async fn verified(app: &TestApp, token: &str, client_id: &str) -> Value {
    let (header, _) = header_and_claims(token);
    assert_eq!(header["typ"], "logout+jwt", "{header}");
    assert_eq!(header["alg"], "RS256", "{header}");
    let jwks = app.jwks().await;
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .unwrap_or_else(|| panic!("the JWKS has the token's kid: {jwks}"));
    let key = jsonwebtoken::DecodingKey::from_rsa_components(
        jwk["n"].as_str().unwrap(),
        jwk["e"].as_str().unwrap(),
    )
    .unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&[client_id]);
    validation.set_issuer(&[app.address.as_str()]);
    validation.set_required_spec_claims(&["iss", "aud", "iat", "exp", "sub"]);
    let data = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .unwrap_or_else(|e| panic!("the logout token verifies: {e}"));
    let c = data.claims;
    assert_eq!(c["events"], serde_json::json!({ EVENT: {} }), "{c}");
    assert!(c.get("nonce").is_none(), "never a nonce: {c}");
    assert!(c["jti"].as_str().is_some_and(|j| !j.is_empty()), "{c}");
    assert!(c["sid"].is_string(), "{c}");
    assert_eq!(
        c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(),
        120,
        "{c}"
    );
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!(
        (c["iat"].as_i64().unwrap() - now).abs() < 60,
        "signed now: {c}"
    );
    c
}

/// The `sid`s of the logout tokens received, each verified for `client_id` and about `user_id`.
async fn sids_told(app: &TestApp, tokens: &[String], client_id: &str, user_id: i64) -> Vec<String> {
    let mut sids = Vec::new();
    for token in tokens {
        let c = verified(app, token, client_id).await;
        assert_eq!(c["sub"], user_id.to_string(), "{c}");
        sids.push(c["sid"].as_str().unwrap().to_string());
    }
    sids.sort();
    sids
}

fn sorted(mut sids: Vec<&str>) -> Vec<String> {
    sids.sort_unstable();
    sids.into_iter().map(str::to_string).collect()
}

/// Deliveries in the database with `status`: what HTTP cannot show (whether one is waiting).
fn deliveries(app: &TestApp, status: &str) -> i64 {
    app.count_rows(&format!("logout_deliveries WHERE status = '{status}'"))
}

/// Waits until the sender has written the outcome of a failed attempt (the delivery waits
/// for its retry).
async fn until_waiting(app: &TestApp, n: i64) {
    for _ in 0..400 {
        if deliveries(app, "pending") == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{n} deliveries waiting for a retry");
}

async fn rp_initiated_logout_sends_a_logout_token_the_jwks_verifies(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let receiver = LogoutReceiver::start().await;
    let alice = app.user("alice").await;
    let secret = register(&app, "rp", Some(&receiver.uri));
    let browser = signed_in(&app, "alice").await;
    let session = sign_in_to(&app, &browser, "rp", &secret, "openid profile").await;
    assert_eq!(segment(&session.id_token, 1)["sid"], session.sid.as_str());

    let q = serde_urlencoded::to_string([
        ("id_token_hint", session.id_token.as_str()),
        ("post_logout_redirect_uri", POST_LOGOUT),
        ("state", "x"),
    ])
    .unwrap();
    let r = send(browser.get(&format!("/oauth/logout?{q}"))).await;
    assert_eq!(r.status(), 303);
    assert!(header(&r, "location").starts_with(POST_LOGOUT));

    let got = receiver.wait_for(1).await;
    assert_eq!(got.len(), 1, "one token: {got:?}");
    assert_eq!(got[0].content_type, "application/x-www-form-urlencoded");
    let sids = sids_told(&app, &receiver.tokens(), "rp", alice.id).await;
    assert_eq!(sids, sorted(vec![session.sid.as_str()]));
    assert_eq!(deliveries(&app, "done"), 1);
    // The token inspector names what it is.
    let report = app.inspection(&got[0].logout_token).await;
    assert_eq!(report["kind"], "logout_token", "{report}");
}

async fn a_browser_logout_tells_apps_whose_sessions_end_with_it_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let receiver = LogoutReceiver::start().await;
    let bob = app.user("bob").await;
    let secret = register(&app, "rp", Some(&receiver.uri));
    let quiet = register(&app, "quiet", None);
    let browser = signed_in(&app, "bob").await;
    let online = sign_in_to(&app, &browser, "rp", &secret, "openid profile").await;
    let offline = sign_in_to(&app, &browser, "rp", &secret, "openid offline_access").await;
    // A client without a logout URI is owed nothing, and costs nothing.
    let silent = sign_in_to(&app, &browser, "quiet", &quiet, "openid").await;

    let csrf = browser.csrf_token().await;
    let r = browser.form("/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(r.status(), 303);

    let got = receiver.wait_for(1).await;
    assert_eq!(got.len(), 1, "only the session that ended: {got:?}");
    let sids = sids_told(&app, &receiver.tokens(), "rp", bob.id).await;
    assert_eq!(sids, sorted(vec![online.sid.as_str()]));
    assert_eq!(app.count_rows("logout_deliveries"), 1);
    // The offline session lives on (no token was owed), the others are over.
    let r = refresh_as(&app, "rp", &secret, &offline.refresh).await;
    assert_eq!(
        r.status(),
        200,
        "offline_access outlives the browser's session"
    );
    for (client, secret, s) in [("rp", &secret, &online), ("quiet", &quiet, &silent)] {
        let r = refresh_as(&app, client, secret, &s.refresh).await;
        assert_eq!(
            r.status(),
            400,
            "{client}: ended with the browser's session"
        );
    }
}

async fn revoking_the_app_and_logout_all_tell_the_app_of_every_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let receiver = LogoutReceiver::start().await;
    let carol = app.user("carol").await;
    let secret = register(&app, "rp", Some(&receiver.uri));
    let browser = signed_in(&app, "carol").await;
    let a = sign_in_to(&app, &browser, "rp", &secret, "openid").await;
    let b = sign_in_to(&app, &browser, "rp", &secret, "openid offline_access").await;

    // Revoking the app ends both sessions, the offline one too: two tokens.
    let path = "/api/users/me/apps/rp";
    let r = send(
        app.bearer
            .request(Method::DELETE, path, &carol.access_token),
    )
    .await;
    assert_eq!(r.status(), 204);
    receiver.wait_for(2).await;
    let sids = sids_told(&app, &receiver.tokens(), "rp", carol.id).await;
    assert_eq!(sids, sorted(vec![a.sid.as_str(), b.sid.as_str()]));

    // Logout-all ends every client session (offline ones too) with their tokens.
    let c = sign_in_to(&app, &browser, "rp", &secret, "openid").await;
    let d = sign_in_to(&app, &browser, "rp", &secret, "openid offline_access").await;
    let r = app.logout_all(&carol.access_token).await;
    assert_eq!(r.status(), 204);
    receiver.wait_for(4).await;
    let tokens = receiver.tokens();
    let sids = sids_told(&app, &tokens[2..], "rp", carol.id).await;
    assert_eq!(sids, sorted(vec![c.sid.as_str(), d.sid.as_str()]));
    // Four tokens, four identifiers.
    let jtis: std::collections::HashSet<String> = tokens
        .iter()
        .map(|t| segment(t, 1)["jti"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(jtis.len(), 4);
}

async fn an_admins_disable_and_refresh_token_reuse_tell_the_app(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("REFRESH_REUSE_GRACE_SECONDS", "0")]).await;
    let receiver = LogoutReceiver::start().await;
    let root = app.admin("root").await;
    let dave = app.user("dave").await;
    let secret = register(&app, "rp", Some(&receiver.uri));
    let browser = signed_in(&app, "dave").await;
    let reused = sign_in_to(&app, &browser, "rp", &secret, "openid offline_access").await;
    let kept = sign_in_to(&app, &browser, "rp", &secret, "openid offline_access").await;

    // A refresh token used twice: its session ends, and the app hears of it.
    let r = refresh_as(&app, "rp", &secret, &reused.refresh).await;
    assert_eq!(r.status(), 200);
    let r = refresh_as(&app, "rp", &secret, &reused.refresh).await;
    assert_eq!(r.status(), 400, "reuse");
    receiver.wait_for(1).await;
    let sids = sids_told(&app, &receiver.tokens(), "rp", dave.id).await;
    assert_eq!(sids, sorted(vec![reused.sid.as_str()]));

    // An administrator disables the account: every session ends, this one (offline) too.
    let r = app.admin_disable(&root.access_token, dave.id).await;
    assert_eq!(r.status(), 200);
    receiver.wait_for(2).await;
    let sids = sids_told(&app, &receiver.tokens()[1..], "rp", dave.id).await;
    assert_eq!(sids, sorted(vec![kept.sid.as_str()]));
}

async fn a_password_change_and_the_accounts_deletion_tell_the_app(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let receiver = LogoutReceiver::start().await;
    let root = app.admin("root").await;
    let pia = app.user("pia").await;
    let secret = register(&app, "rp", Some(&receiver.uri));
    let browser = signed_in(&app, "pia").await;
    let before = sign_in_to(&app, &browser, "rp", &secret, "openid offline_access").await;
    let new_password = "a different horse battery staple";
    let r = app
        .change_password(&pia.access_token, PASSWORD, new_password)
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    receiver.wait_for(1).await;
    let sids = sids_told(&app, &receiver.tokens(), "rp", pia.id).await;
    assert_eq!(sids, sorted(vec![before.sid.as_str()]));

    // Deleting the account ends its sessions first: the app hears of them, `sub` the id
    // the account had.
    let browser = signed_in_with(&app, "pia", new_password).await;
    let last = sign_in_to(&app, &browser, "rp", &secret, "openid offline_access").await;
    let r = app.admin_delete_user(&root.access_token, pia.id).await;
    assert_eq!(r.status(), 204);
    receiver.wait_for(2).await;
    let sids = sids_told(&app, &receiver.tokens()[1..], "rp", pia.id).await;
    assert_eq!(sids, sorted(vec![last.sid.as_str()]));
}

async fn signed_in_with(app: &TestApp, username: &str, password: &str) -> Browser {
    let browser = app.new_browser();
    assert_eq!(browser.login(username, password).await.status(), 303);
    browser
}

/// A time `ago` before now, as SQL on both backends takes it (UTC, whole seconds).
fn sql_time_ago(ago: time::Duration) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    (time::OffsetDateTime::now_utc() - ago)
        .format(&format)
        .unwrap()
}

async fn the_session_sweep_tells_apps_of_the_sessions_it_ends(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        &[("SESSION_IDLE_MINUTES", "1"), ("SESSION_MAX_DAYS", "1")],
    )
    .await;
    let receiver = LogoutReceiver::start().await;
    let olga = app.user("olga").await;
    let secret = register(&app, "rp", Some(&receiver.uri));
    let browser = signed_in(&app, "olga").await;
    let online = sign_in_to(&app, &browser, "rp", &secret, "openid").await;
    let offline = sign_in_to(&app, &browser, "rp", &secret, "openid offline_access").await;
    let aged = sign_in_to(&app, &browser, "rp", &secret, "openid offline_access").await;
    // The browser's sessions went idle; one app session is past the absolute limit itself.
    app.sql(&format!(
        "UPDATE sessions SET last_used_at = '{}' WHERE user_id = {} AND client_id IS NULL",
        sql_time_ago(time::Duration::minutes(5)),
        olga.id
    ));
    app.sql(&format!(
        "UPDATE sessions SET created_at = '{}' WHERE id = '{}'",
        sql_time_ago(time::Duration::days(2)),
        aged.sid
    ));
    // The hourly sweep, run now from outside the server (as another instance would): the
    // server's sender finds what it queued.
    let url = app.database_url.clone();
    let ended = tokio::task::spawn_blocking(move || {
        let url = sigil::config::DatabaseUrl::parse(&url).expect("the test's URL");
        let db = sigil::db::Db::connect(&url, 1).expect("connect");
        let mut conn = db.get().expect("a connection");
        let limits = sigil::db::sessions::SessionLimits::new(
            Duration::from_secs(60),
            Duration::from_secs(86_400),
        );
        sigil::accounts::sessions::sweep_timed_out(&mut conn, &limits).expect("sweep")
    })
    .await
    .unwrap();
    assert!(
        ended >= 3,
        "two browser sessions and the aged app session: {ended}"
    );
    receiver.wait_for(2).await;
    let sids = sids_told(&app, &receiver.tokens(), "rp", olga.id).await;
    assert_eq!(sids, sorted(vec![online.sid.as_str(), aged.sid.as_str()]));
    assert_eq!(app.count_rows("logout_deliveries"), 2);
    let r = refresh_as(&app, "rp", &secret, &offline.refresh).await;
    assert_eq!(
        r.status(),
        200,
        "offline_access outlives the browser's session"
    );
}

async fn a_deleted_client_is_told_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let receiver = LogoutReceiver::start().await;
    let root = app.admin("root").await;
    app.user("erin").await;
    let gone = register(&app, "gone", Some(&receiver.uri));
    let stays = register(&app, "stays", Some(&receiver.uri));
    let browser = signed_in(&app, "erin").await;
    let doomed = sign_in_to(&app, &browser, "gone", &gone, "openid offline_access").await;

    let r = send(app.bearer.request(
        Method::DELETE,
        "/api/admin/clients/gone",
        &root.access_token,
    ))
    .await;
    assert_eq!(r.status(), 204);
    let r = refresh_as(&app, "gone", &gone, &doomed.refresh).await;
    assert!(r.status().is_client_error(), "the client's sessions ended");
    assert_eq!(app.count_rows("logout_deliveries"), 0, "nothing queued");

    // A session of another client ends after it: that one (and only that one) is told.
    let other = sign_in_to(&app, &browser, "stays", &stays, "openid").await;
    let csrf = browser.csrf_token().await;
    assert_eq!(
        browser
            .form("/logout", &[("csrf_token", &csrf)])
            .await
            .status(),
        303
    );
    let got = receiver.wait_for(1).await;
    assert_eq!(got.len(), 1, "{got:?}");
    let c = verified(&app, &got[0].logout_token, "stays").await;
    assert_eq!(c["sid"], other.sid.as_str());
}

async fn a_refused_delivery_is_retried_with_the_same_jti_and_a_new_iat(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let receiver = LogoutReceiver::start().await;
    receiver.answer_next(&[500]);
    let frank = app.user("frank").await;
    let secret = register(&app, "rp", Some(&receiver.uri));
    let browser = signed_in(&app, "frank").await;
    let session = sign_in_to(&app, &browser, "rp", &secret, "openid").await;
    let started = std::time::Instant::now();
    let r = app.logout_all(&frank.access_token).await;
    assert_eq!(r.status(), 204);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the logout never waits for the app"
    );

    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].status, 500);
    until_waiting(&app, 1).await;
    // The first retry is 10 s away; a second later (so that a new iat shows), it is due now.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    app.sql("UPDATE logout_deliveries SET next_attempt_at = '2000-01-01 00:00:00'");
    let got = receiver.wait_for(2).await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[1].status, 200);
    let first = verified(&app, &got[0].logout_token, "rp").await;
    let second = verified(&app, &got[1].logout_token, "rp").await;
    assert_eq!(first["jti"], second["jti"], "the same logout, again");
    assert!(
        second["iat"].as_i64() > first["iat"].as_i64(),
        "signed afresh"
    );
    assert_eq!(second["sid"], session.sid.as_str());
    assert_eq!(deliveries(&app, "done"), 1);
    // Nothing more comes.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(receiver.received().len(), 2);
}

async fn a_delivery_left_by_a_dead_sender_goes_out_when_its_lease_ends(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let receiver = LogoutReceiver::start().await;
    receiver.answer_next(&[500]);
    let nina = app.user("nina").await;
    let secret = register(&app, "rp", Some(&receiver.uri));
    let browser = signed_in(&app, "nina").await;
    let session = sign_in_to(&app, &browser, "rp", &secret, "openid").await;
    assert_eq!(app.logout_all(&nina.access_token).await.status(), 204);
    receiver.wait_for(1).await;
    until_waiting(&app, 1).await;

    // Another instance claimed it and died before the answer: while its lease runs, the
    // delivery is its; once the lease is over, any sender takes it up.
    app.sql(
        "UPDATE logout_deliveries SET status = 'sending', claimed_by = 'dead-instance', \
         claimed_until = '2100-01-01 00:00:00', next_attempt_at = '2000-01-01 00:00:00'",
    );
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(receiver.received().len(), 1, "not while the lease runs");
    app.sql("UPDATE logout_deliveries SET claimed_until = '2000-01-01 00:00:00'");
    let got = receiver.wait_for(2).await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[1].status, 200);
    let c = verified(&app, &got[1].logout_token, "rp").await;
    assert_eq!(c["sid"], session.sid.as_str());
    assert_eq!(deliveries(&app, "done"), 1);
}

async fn a_day_of_failures_ends_in_an_event_and_no_more_attempts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let receiver = LogoutReceiver::start().await;
    receiver.answer_next(&[500, 503, 502]);
    let root = app.admin("root").await;
    let gina = app.user("gina").await;
    let secret = register(&app, "rp", Some(&receiver.uri));
    let browser = signed_in(&app, "gina").await;
    let session = sign_in_to(&app, &browser, "rp", &secret, "openid").await;
    assert_eq!(app.logout_all(&gina.access_token).await.status(), 204);
    receiver.wait_for(1).await;
    until_waiting(&app, 1).await;

    // Queued a day and more ago: the next failure is the last.
    app.sql(
        "UPDATE logout_deliveries SET created_at = '2000-01-01 00:00:00', \
         next_attempt_at = '2000-01-01 00:00:00'",
    );
    let got = receiver.wait_for(2).await;
    assert_eq!(got[1].status, 503);
    let mut failed = Vec::new();
    for _ in 0..400 {
        failed = events(&app, &root.access_token, "kind=backchannel_logout_failed").await;
        if !failed.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(failed.len(), 1, "{failed:?}");
    let e = &failed[0];
    assert_eq!(e["user_id"], gina.id, "{e}");
    let detail = &e["detail"];
    assert_eq!(detail["client_id"], "rp", "{e}");
    assert_eq!(detail["sid"], session.sid.as_str(), "{e}");
    assert_eq!(detail["attempts"], 2, "{e}");
    assert!(
        detail["last_error"].as_str().unwrap().contains("503"),
        "{e}"
    );
    assert_eq!(deliveries(&app, "failed"), 1);
    // Given up: no more attempts, even once due.
    app.sql("UPDATE logout_deliveries SET next_attempt_at = '2000-01-01 00:00:00'");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(receiver.received().len(), 2);
}

async fn two_instances_deliver_each_token_exactly_once(backend: Backend) {
    let a = TestApp::spawn(backend).await;
    let b = a.spawn_sibling().await;
    let receiver = LogoutReceiver::start().await;
    let secret = register(&a, "rp", Some(&receiver.uri));
    let mut sids = Vec::new();
    let mut users = Vec::new();
    for name in ["hank", "iris", "jack", "kate"] {
        let user = a.user(name).await;
        let browser = signed_in(&a, name).await;
        for _ in 0..3 {
            let s = sign_in_to(&a, &browser, "rp", &secret, "openid").await;
            sids.push(s.sid);
        }
        users.push(user);
    }
    // The first round is refused, so that every delivery waits; then all come due at once
    // for both instances' senders.
    receiver.answer_next(&[500; 12]);
    for (i, user) in users.iter().enumerate() {
        let instance = if i % 2 == 0 { &a } else { &b };
        assert_eq!(instance.logout_all(&user.access_token).await.status(), 204);
    }
    receiver.wait_for(12).await;
    until_waiting(&a, 12).await;
    a.sql("UPDATE logout_deliveries SET next_attempt_at = '2000-01-01 00:00:00'");
    let got = receiver.wait_for(24).await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let got_now = receiver.received();
    assert_eq!(got_now.len(), got.len(), "nothing more came");
    assert_eq!(
        got.len(),
        24,
        "each token refused once, then delivered once"
    );
    let mut delivered: HashMap<String, usize> = HashMap::new();
    for d in got.iter().filter(|d| d.status == 200) {
        let c = verified(&a, &d.logout_token, "rp").await;
        *delivered
            .entry(c["jti"].as_str().unwrap().to_string())
            .or_default() += 1;
        assert!(sids.contains(&c["sid"].as_str().unwrap().to_string()));
    }
    assert_eq!(delivered.len(), 12, "{delivered:?}");
    assert!(delivered.values().all(|&n| n == 1), "{delivered:?}");
    assert_eq!(deliveries(&a, "done"), 12);
}

async fn plain_http_to_loopback_is_refused_outside_development(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        &[
            ("APP_ENV", "production"),
            ("BCRYPT_COST", "10"),
            ("COOKIE_SECURE", "false"),
            // Plain SMTP to a loopback port nobody listens on: mail waits, nothing else.
            ("SMTP_URL", "smtp://127.0.0.1:9"),
        ],
    )
    .await;
    let receiver = LogoutReceiver::start().await;
    let root = app.admin("root").await;
    let lena = app.user("lena").await;
    let secret = register(&app, "rp", Some(&receiver.uri));
    let browser = signed_in(&app, "lena").await;
    let session = sign_in_to(&app, &browser, "rp", &secret, "openid").await;
    assert_eq!(app.logout_all(&lena.access_token).await.status(), 204);

    // Refused without a request, for good: no retry can make it allowed.
    let mut failed = Vec::new();
    for _ in 0..400 {
        failed = events(&app, &root.access_token, "kind=backchannel_logout_failed").await;
        if !failed.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(failed.len(), 1, "{failed:?}");
    let detail = &failed[0]["detail"];
    assert_eq!(detail["sid"], session.sid.as_str());
    assert_eq!(detail["attempts"], 1);
    assert!(
        detail["last_error"]
            .as_str()
            .unwrap()
            .contains("development"),
        "{detail}"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(receiver.received().is_empty(), "nothing was sent");
}

async fn a_logout_token_or_id_token_is_no_access_token(backend: Backend) {
    // Under RS256 with the key file, one key signs access tokens, id_tokens and logout
    // tokens: only their types (and claims) keep them apart.
    let dir = tempfile::tempdir().unwrap();
    let private = dir.path().join("private.pem");
    let public = dir.path().join("public.pem");
    let made = std::process::Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
        ])
        .arg("-out")
        .arg(&private)
        .status()
        .expect("openssl")
        .success()
        && std::process::Command::new("openssl")
            .args(["pkey", "-pubout", "-in"])
            .arg(&private)
            .arg("-out")
            .arg(&public)
            .status()
            .unwrap()
            .success();
    assert!(made, "openssl made an RSA key");
    let (private, public) = (private.display().to_string(), public.display().to_string());
    let app = TestApp::spawn_with(
        backend,
        &[
            ("ALGORITHM", "RS256"),
            ("JWT_PRIVATE_KEY_FILE", &private),
            ("JWT_PUBLIC_KEY_FILE", &public),
        ],
    )
    .await;
    let receiver = LogoutReceiver::start().await;
    let mia = app.user("mia").await;
    let secret = register(&app, "rp", Some(&receiver.uri));
    let browser = signed_in(&app, "mia").await;
    let session = sign_in_to(&app, &browser, "rp", &secret, "openid profile").await;
    // A second session, still live, whose sid a replayed token would name.
    let live = sign_in_to(&app, &browser, "rp", &secret, "openid offline_access").await;
    let r = send(
        app.anon
            .post("/api/auth/revoke")
            .basic_auth("rp", Some(&secret))
            .form(&[("token", session.refresh.as_str())]),
    )
    .await;
    assert_eq!(r.status(), 200, "RFC 7009 ends the session");
    let got = receiver.wait_for(1).await;
    let logout_token = got[0].logout_token.clone();
    let c = verified(&app, &logout_token, "rp").await;
    assert_eq!(c["sid"], session.sid.as_str());
    assert_eq!(c["sub"], mia.id.to_string());
    let (lh, _) = header_and_claims(&logout_token);
    let (ah, _) = header_and_claims(&live.access);
    assert_eq!(lh["kid"], ah["kid"], "the same key signs both");

    for (what, token) in [
        ("logout token", logout_token.as_str()),
        ("id_token", live.id_token.as_str()),
    ] {
        let r = app.me(token).await;
        assert_eq!(r.status(), 401, "{what} at /api/users/me");
        let r = send(app.bearer.get("/oauth/userinfo", token)).await;
        assert_eq!(r.status(), 401, "{what} at /oauth/userinfo");
        let r = send(app.bearer.get("/api/users/me/apps", token)).await;
        assert_eq!(r.status(), 401, "{what} at /api/users/me/apps");
        let cookie = format!("access_token={token}");
        let r = send(app.anon.get("/api/users/me").header("cookie", cookie)).await;
        assert_eq!(r.status(), 401, "{what} as the cookie");
    }
    // The live session's own access token still works: nothing above was its fault.
    let r = send(app.bearer.get("/oauth/userinfo", &live.access)).await;
    assert_eq!(r.status(), 200);
}
