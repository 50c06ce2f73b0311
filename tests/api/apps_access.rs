//! "Apps with access" (API.md part three, section 1, "Client sessions and tokens"): the list of
//! apps with a consent or a live client session, taking an app's access back (its tokens die
//! at once, by `sid`), client sessions kept out of the session lists, the `/account` section
//! and its revoke form, and the `app_authorized` notice on a first consent only.

use std::time::Duration;

use reqwest::{Method, Response};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::backend_tests;
use crate::helpers::{
    claims, csrf_of, header, header_and_claims, notices, problem_about, send, the_event, Backend,
    Browser, Requests as _, TestApp, PASSWORD,
};

backend_tests!(
    revoking_an_app_ends_its_tokens_and_forgets_the_consent,
    apps_are_listed_apart_from_sessions,
    only_first_party_credentials_and_only_ones_own_apps,
    the_account_page_lists_apps_and_revokes_them_with_a_csrf_token,
    a_first_consent_to_an_outside_app_is_told_by_mail,
);

const APPS: &str = "/api/users/me/apps";
/// A registered client's redirect URI: loopback, so any port matches.
const REDIRECT: &str = "http://127.0.0.1/callback";
const SCOPE: &str = "openid profile email offline_access profile:read posts:read";

/// Registers a confidential client straight in the database; returns its secret.
fn register_client(app: &TestApp, client_id: &str, first_party: bool) -> String {
    let secret = sigil::auth::checksummed::CLIENT_SECRET.generate();
    let hash = sigil::auth::checksummed::hash(&secret);
    let redirects = serde_json::to_string(&[REDIRECT]).unwrap();
    app.sql(&format!(
        "INSERT INTO oauth_clients (client_id, client_name, confidential, secret_hash, \
         redirect_uris, post_logout_redirect_uris, grant_types, scope, first_party, created_at) \
         VALUES ('{client_id}', 'App {client_id}', TRUE, '{hash}', '{redirects}', '[]', \
         'authorization_code refresh_token', '{SCOPE}', {first_party}, '2026-01-01 00:00:00')"
    ));
    secret
}

/// A remembered consent of `user_id` to `client_id`, straight in the database.
fn insert_consent(app: &TestApp, user_id: i64, client_id: &str, scope: &str) {
    app.sql(&format!(
        "INSERT INTO oauth_consents (user_id, client_id, scope, consented_at, last_used_at) \
         VALUES ({user_id}, '{client_id}', '{scope}', '2026-02-03 04:05:06', NULL)"
    ));
}

async fn signed_in(app: &TestApp, username: &str) -> Browser {
    let browser = app.new_browser();
    let r = browser.login(username, PASSWORD).await;
    assert_eq!(r.status(), 303, "login {username}");
    browser
}

/// A PKCE pair: the verifier and its S256 challenge.
fn pkce() -> (String, String) {
    use base64::Engine as _;
    use sha2::Digest as _;
    let verifier = format!("v{}", uuid::Uuid::new_v4().simple()).repeat(2);
    let digest = sha2::Sha256::digest(verifier.as_bytes());
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
    (verifier, challenge)
}

/// The browser goes through the authorization request for `client_id` (`extra` query
/// parameters such as `prompt=consent`), allowing on the consent page when it shows; returns
/// the code and whether the consent page was shown.
async fn code_for(
    app: &TestApp,
    browser: &Browser,
    client_id: &str,
    scope: &str,
    challenge: &str,
    extra: &[(&str, &str)],
) -> (String, bool) {
    let mut url = url::Url::parse(&app.url("/oauth/authorize")).unwrap();
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("client_id", client_id)
            .append_pair("redirect_uri", REDIRECT)
            .append_pair("response_type", "code")
            .append_pair("scope", scope)
            .append_pair("state", "st")
            .append_pair("code_challenge", challenge)
            .append_pair("code_challenge_method", "S256");
        for (k, v) in extra {
            q.append_pair(k, v);
        }
    }
    let path = url.as_str().strip_prefix(&app.address).unwrap().to_string();
    let r = send(browser.get(&path)).await;
    let asked = r.status() == 200;
    let r = if asked {
        let html = r.text().await.unwrap();
        let action = html
            .split(r#"<form method="post" action="/oauth/authorize/"#)
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(|id| format!("/oauth/authorize/{id}"))
            .expect("the consent form");
        browser
            .form(
                &action,
                &[("csrf_token", &csrf_of(&html)), ("decision", "allow")],
            )
            .await
    } else {
        r
    };
    assert_eq!(r.status(), 303, "a redirect to the client");
    let location = url::Url::parse(&header(&r, "location")).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.to_string())
        .unwrap_or_else(|| panic!("a code: {location}"));
    (code, asked)
}

/// The client's tokens for a new client session of the browser's user.
async fn client_tokens(
    app: &TestApp,
    browser: &Browser,
    client_id: &str,
    secret: &str,
    scope: &str,
) -> Value {
    let (verifier, challenge) = pkce();
    let (code, _) = code_for(app, browser, client_id, scope, &challenge, &[]).await;
    let r = app
        .token_form(&[
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ])
        .await;
    assert_eq!(r.status(), 200, "the code grant");
    r.json().await.unwrap()
}

async fn refresh_as_client(
    app: &TestApp,
    client_id: &str,
    secret: &str,
    refresh: &str,
) -> Response {
    app.token_form(&[
        ("grant_type", "refresh_token"),
        ("client_id", client_id),
        ("client_secret", secret),
        ("refresh_token", refresh),
    ])
    .await
}

async fn list_apps(app: &TestApp, token: &str) -> Vec<Value> {
    let r = send(app.bearer.get(APPS, token)).await;
    assert_eq!(r.status(), 200, "GET {APPS}");
    assert_eq!(header(&r, "cache-control"), "no-store");
    r.json().await.unwrap()
}

async fn delete_app(app: &TestApp, token: &str, client_id: &str) -> Response {
    let path = format!("{APPS}/{client_id}");
    send(app.bearer.request(Method::DELETE, &path, token)).await
}

/// The ids of the sessions `GET /api/auth/sessions` lists.
async fn session_ids(app: &TestApp, token: &str) -> Vec<String> {
    let r = app.sessions(token).await;
    assert_eq!(r.status(), 200);
    let body: Vec<Value> = r.json().await.unwrap();
    body.iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

fn rfc3339(v: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(
        v.as_str().unwrap_or_else(|| panic!("a time: {v}")),
        &Rfc3339,
    )
    .unwrap_or_else(|e| panic!("{v}: {e}"))
}

async fn revoking_an_app_ends_its_tokens_and_forgets_the_consent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let secret = register_client(&app, "demo-app", false);
    let browser = signed_in(&app, "alice").await;
    let scope = "openid profile:read offline_access";
    let tokens = client_tokens(&app, &browser, "demo-app", &secret, scope).await;
    let access = tokens["access_token"].as_str().unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap();
    assert_eq!(
        app.me(access).await.status(),
        200,
        "the client's token works"
    );

    let apps = list_apps(&app, &alice.access_token).await;
    assert_eq!(apps.len(), 1, "{apps:?}");
    let a = &apps[0];
    assert_eq!(a["client_id"], "demo-app");
    assert_eq!(a["client_name"], "App demo-app");
    assert_eq!(a["scope"], scope);
    assert_eq!(a["live_sessions"], 1);
    let consented = rfc3339(&a["consented_at"]);
    assert!(
        (OffsetDateTime::now_utc() - consented)
            .whole_minutes()
            .abs()
            < 5
    );
    rfc3339(&a["last_used_at"]);

    let r = delete_app(&app, &alice.access_token, "demo-app").await;
    assert_eq!(r.status(), 204);
    assert_eq!(
        app.me(access).await.status(),
        401,
        "the client's access token dies with its session"
    );
    let r = refresh_as_client(&app, "demo-app", &secret, refresh).await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant", "{body}");
    assert!(list_apps(&app, &alice.access_token).await.is_empty());
    assert_eq!(
        app.me(&alice.access_token).await.status(),
        200,
        "the user's own sessions stay"
    );

    let event = the_event(&app, &root.access_token, alice.id, "consent_revoked").await;
    assert_eq!(event["detail"]["by"], "user", "{event}");
    assert_eq!(event["detail"]["client_id"], "demo-app", "{event}");

    // Gone, so unknown now; and the consent is forgotten: the app asks again.
    let r = delete_app(&app, &alice.access_token, "demo-app").await;
    problem_about(r, 404, "a second revoke").await;
    let (_, challenge) = pkce();
    let (_, asked) = code_for(&app, &browser, "demo-app", scope, &challenge, &[]).await;
    assert!(asked, "the consent page shows again after a revoke");
}

async fn apps_are_listed_apart_from_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let bob = app.user("bob").await;
    register_client(&app, "outside-app", false);
    register_client(&app, "house-app", true);
    insert_consent(&app, bob.id, "outside-app", "openid email");
    // A second login of bob's, made a first-party app's client session (no consent: it never
    // asks).
    let pair = app.login_pair("bob", PASSWORD).await;
    let sid = claims(&pair)["sid"].as_str().unwrap().to_string();
    app.sql(&format!(
        "UPDATE sessions SET client_id = 'house-app', scope = 'openid profile:read' \
         WHERE id = '{sid}'"
    ));

    let apps = list_apps(&app, &bob.access_token).await;
    assert_eq!(apps.len(), 2, "{apps:?}");
    let (house, outside) = (&apps[0], &apps[1]);
    assert_eq!(house["client_id"], "house-app", "by name: {apps:?}");
    assert_eq!(house["scope"], "openid profile:read");
    assert_eq!(house["live_sessions"], 1);
    assert!(house["consented_at"].is_null(), "{house}");
    rfc3339(&house["last_used_at"]);
    assert_eq!(outside["client_id"], "outside-app");
    assert_eq!(outside["scope"], "openid email");
    assert_eq!(outside["live_sessions"], 0);
    assert_eq!(
        rfc3339(&outside["consented_at"]),
        OffsetDateTime::parse("2026-02-03T04:05:06Z", &Rfc3339).unwrap()
    );
    assert!(outside["last_used_at"].is_null(), "never used: {outside}");

    // Client sessions are not login sessions: neither the API list nor the page shows them.
    let own_sid = header_and_claims(&bob.access_token).1["sid"]
        .as_str()
        .unwrap()
        .to_string();
    let ids = session_ids(&app, &bob.access_token).await;
    assert!(ids.contains(&own_sid), "{ids:?}");
    assert!(!ids.contains(&sid), "a client session listed: {ids:?}");
    let browser = signed_in(&app, "bob").await;
    let (status, html) = browser.page("/account").await;
    assert_eq!(status, 200);
    assert!(!html.contains(&sid), "a client session on the page");
    assert!(html.contains("/account/apps/house-app/revoke"));

    // A first-party app's sessions end on revoke though no consent is remembered.
    let r = delete_app(&app, &bob.access_token, "house-app").await;
    assert_eq!(r.status(), 204);
    let apps = list_apps(&app, &bob.access_token).await;
    assert_eq!(apps.len(), 1, "{apps:?}");
    assert_eq!(apps[0]["client_id"], "outside-app");
    // An app with a consent and no session is revoked too.
    assert_eq!(
        delete_app(&app, &bob.access_token, "outside-app")
            .await
            .status(),
        204
    );
    assert!(list_apps(&app, &bob.access_token).await.is_empty());
}

/// A `403` whose problem type is `/problems/session-required`.
async fn session_required(r: Response, what: &str) {
    let body = problem_about(r, 403, what).await;
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .ends_with("/problems/session-required"),
        "{what}: {body}"
    );
}

async fn only_first_party_credentials_and_only_ones_own_apps(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let carol = app.user("carol").await;
    let dave = app.user("dave").await;
    let secret = register_client(&app, "shared-app", false);
    insert_consent(&app, dave.id, "shared-app", "openid");

    // A personal access token, and a client's own access token: scoped, so refused.
    let r = app
        .json(
            Method::POST,
            "/api/users/me/tokens",
            Some(&carol.access_token),
            json!({"name": "script", "scopes": ["profile:read", "sessions:read"], "expires_in_days": 30}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let pat: Value = r.json().await.unwrap();
    let pat = pat["token"].as_str().unwrap();
    session_required(send(app.bearer.get(APPS, pat)).await, "GET with a PAT").await;
    session_required(
        delete_app(&app, pat, "shared-app").await,
        "DELETE with a PAT",
    )
    .await;
    let browser = signed_in(&app, "carol").await;
    let tokens = client_tokens(&app, &browser, "shared-app", &secret, "openid profile:read").await;
    let client_access = tokens["access_token"].as_str().unwrap();
    session_required(
        send(app.bearer.get(APPS, client_access)).await,
        "GET with a client's token",
    )
    .await;
    session_required(
        delete_app(&app, client_access, "shared-app").await,
        "DELETE with a client's token",
    )
    .await;
    // No credential: 401.
    assert_eq!(send(app.anon.get(APPS)).await.status(), 401);
    let r = send(
        app.anon
            .request(Method::DELETE, &format!("{APPS}/shared-app")),
    )
    .await;
    assert_eq!(r.status(), 401);

    // Another user's app is not yours to revoke: 404, and theirs stays.
    let eve = app.user("eve").await;
    problem_about(
        delete_app(&app, &eve.access_token, "shared-app").await,
        404,
        "another user's app",
    )
    .await;
    assert_eq!(list_apps(&app, &dave.access_token).await.len(), 1);
    assert_eq!(
        app.me(client_access).await.status(),
        200,
        "carol's app stays"
    );
    // Unknown and odd client ids: 404, never a 500.
    for id in ["no-such-app", "x", "%27%20OR%201%3D1--", &"a".repeat(300)] {
        let r = delete_app(&app, &eve.access_token, id).await;
        problem_about(r, 404, id).await;
    }
}

async fn the_account_page_lists_apps_and_revokes_them_with_a_csrf_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let fay = app.user("fay").await;
    register_client(&app, "page-app", false);
    let browser = signed_in(&app, "fay").await;
    let (status, html) = browser.page("/account").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"id="apps""#) && html.contains("Apps with access"));
    assert!(html.contains("No apps have access to your account."));

    insert_consent(&app, fay.id, "page-app", "openid email posts:read");
    let (_, html) = browser.page("/account").await;
    assert!(!html.contains("No apps have access"));
    assert!(html.contains("App page-app"));
    assert!(html.contains("See your e-mail address"), "scopes in words");
    assert!(
        // CLDR English: a narrow no-break space before AM.
        html.contains(
            "<time datetime=\"2026-02-03T04:05:06Z\">Feb 3, 2026, 4:05\u{202f}AM UTC</time>"
        ),
        "when it was allowed: {html}"
    );
    let action = "/account/apps/page-app/revoke";
    assert!(html.contains(action));

    // Without the CSRF token, or with a forged one: refused, and nothing changes.
    for fields in [vec![], vec![("csrf_token", "forged")]] {
        let r = browser.form(action, &fields).await;
        assert_eq!(r.status(), 403, "{fields:?}");
        assert!(r.text().await.unwrap().contains("CSRF token"));
    }
    assert_eq!(list_apps(&app, &fay.access_token).await.len(), 1);

    let r = browser
        .form(action, &[("csrf_token", &csrf_of(&html))])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(header(&r, "location"), "/account#apps");
    let (_, html) = browser.page("/account").await;
    assert!(html.contains("Access revoked"), "the flash message");
    assert!(html.contains("No apps have access to your account."));
    assert!(list_apps(&app, &fay.access_token).await.is_empty());
    // Nothing left to revoke: a 404 page.
    let r = browser
        .form(action, &[("csrf_token", &csrf_of(&html))])
        .await;
    assert_eq!(r.status(), 404);
    // Signed out: to the login page, nothing revoked.
    let r = app.new_browser().form(action, &[]).await;
    assert!(r.status() == 303 || r.status() == 401 || r.status() == 403);
}

/// How many `kind` notices the development outbox holds, after the sender had time to write
/// any that were queued.
async fn count_notices(app: &TestApp, kind: &str) -> usize {
    tokio::time::sleep(Duration::from_millis(800)).await;
    std::fs::read_dir(app.outbox_dir())
        .map(|dir| {
            dir.flatten()
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .ends_with(&format!("-{kind}.eml"))
                })
                .count()
        })
        .unwrap_or(0)
}

async fn a_first_consent_to_an_outside_app_is_told_by_mail(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("gus").await;
    let secret = register_client(&app, "mail-app", false);
    register_client(&app, "own-app", true);
    let browser = signed_in(&app, "gus").await;

    let (_, challenge) = pkce();
    let (_, asked) = code_for(&app, &browser, "mail-app", "openid email", &challenge, &[]).await;
    assert!(asked);
    let mail = notices(&app, "app_authorized", 1).await.remove(0);
    assert!(mail.contains("gus@example.com"), "{mail}");
    assert!(mail.contains("App mail-app"), "the app: {mail}");
    assert!(
        mail.contains("See your e-mail address"),
        "the scopes: {mail}"
    );
    assert!(mail.contains("/account#apps"), "how to revoke: {mail}");
    assert!(mail.contains("127.0.0.1"), "the address: {mail}");

    // A wider consent, a consent asked again, a first-party app: no more mail.
    let (_, challenge) = pkce();
    let extra = [("prompt", "consent")];
    let scope = "openid email profile";
    let (_, asked) = code_for(&app, &browser, "mail-app", scope, &challenge, &extra).await;
    assert!(asked);
    let (_, challenge) = pkce();
    let (_, asked) = code_for(&app, &browser, "own-app", scope, &challenge, &extra).await;
    assert!(asked, "prompt=consent asks even for a first-party app");
    let _ = client_tokens(&app, &browser, "mail-app", &secret, "openid").await;
    assert_eq!(count_notices(&app, "app_authorized").await, 1);
}
