//! The OpenID provider's pages in Chromium: an app sends a signed-out person to Sigil, who
//! signs in with a second factor inside the flow, consents, and lands back at the app with a
//! code; the consent is remembered the next time; a new scope asks again, and a denial goes
//! back as `access_denied`. The app is on another origin than Sigil (`localhost` against
//! `127.0.0.1`), so every form whose redirects end there must list it in CSP `form-action`.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::helpers::browser::{browser, fill, path_of, shot, shows, submit, totp_in};
use crate::helpers::keyboard::{press, tab_to, SPACE};
use crate::helpers::{mfa_user, Backend, TestApp, PASSWORD};

/// Waits (up to 5 s) until the browser is at the app's callback; its query.
async fn at_callback(c: &Client) -> Vec<(String, String)> {
    for _ in 0..50 {
        let url = c.current_url().await.unwrap();
        if url.path() == "/callback" && url.host_str() == Some("localhost") {
            return url.query_pairs().into_owned().collect();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never reached the callback: {}", path_of(c).await);
}

fn authorize_url(app: &TestApp, callback: &str, scope: &str, state: &str) -> String {
    let (challenge, _) = openidconnect::PkceCodeChallenge::new_random_sha256();
    let query = serde_urlencoded::to_string([
        ("client_id", "photo-app"),
        ("redirect_uri", callback),
        ("response_type", "code"),
        ("scope", scope),
        ("state", state),
        ("nonce", "n-0"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ])
    .unwrap();
    app.url(&format!("/oauth/authorize?{query}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_signs_a_person_in_with_a_second_factor_consent_and_denial() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await;
    let user = mfa_user(&app, "olga").await;
    let secret = user.app.secret.clone();
    // The app answers on localhost (Sigil's own 404 page stands in for it): another origin.
    let callback = format!("http://localhost:{}/callback", app.port);
    let redirects = serde_json::to_string(&[callback.as_str()]).unwrap();
    app.sql(&format!(
        "INSERT INTO oauth_clients (client_id, client_name, confidential, secret_hash, \
         redirect_uris, post_logout_redirect_uris, grant_types, scope, first_party, created_at) \
         VALUES ('photo-app', 'Photo Album', false, NULL, '{redirects}', '[]', \
         'authorization_code refresh_token', 'openid profile email posts:read', false, \
         '2026-01-01 00:00:00')"
    ));

    c.goto(&authorize_url(&app, &callback, "openid profile", "first"))
        .await
        .unwrap();
    assert!(shows(&c, "Sign in to continue to Photo Album").await);
    shot(&c, "oidc-sign-in").await;
    fill(&c, "#field-username", "olga").await;
    fill(&c, "#field-password", PASSWORD).await;
    submit(&c, "form[action='/login']").await;
    assert!(shows(&c, "Your password was right.").await);
    fill(&c, "#field-code", &totp_in(&secret, 1)).await;
    submit(&c, "form[action='/login/mfa']").await;
    assert!(shows(&c, "Allow Photo Album to use your account?").await);
    assert!(shows(&c, "See your username").await);
    shot(&c, "oidc-consent").await;
    // By keyboard: Tab to "Allow", then Space.
    tab_to(&c, "button[value=allow]", 15).await;
    press(&c, &SPACE.to_string()).await;
    let query = at_callback(&c).await;
    let get =
        |q: &[(String, String)], k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert!(get(&query, "code").is_some(), "{query:?}");
    assert_eq!(get(&query, "state").as_deref(), Some("first"));
    assert_eq!(get(&query, "iss"), Some(app.address.clone()));

    // Remembered: the same scopes go straight back, no page.
    c.goto(&authorize_url(&app, &callback, "openid profile", "again"))
        .await
        .unwrap();
    let query = at_callback(&c).await;
    assert!(get(&query, "code").is_some());
    assert_eq!(get(&query, "state").as_deref(), Some("again"));

    // A new scope asks again, marked new; a denial goes back as access_denied.
    c.goto(&authorize_url(
        &app,
        &callback,
        "openid profile posts:read",
        "third",
    ))
    .await
    .unwrap();
    assert!(shows(&c, "Read posts, your private ones included").await);
    assert!(shows(&c, "new").await);
    shot(&c, "oidc-consent-new-scope").await;
    c.find(Locator::Css("button[value='deny']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let query = at_callback(&c).await;
    assert_eq!(get(&query, "error").as_deref(), Some("access_denied"));
    assert_eq!(get(&query, "state").as_deref(), Some("third"));
    assert!(get(&query, "code").is_none());
}
