//! Signing in with providers nobody here wrote the provider side of: `oidc-provider` from npm
//! (certified by the OpenID Foundation), and a second Sigil acting as the OpenID provider.
//! The slow parts (node) start once per test process (helpers/upstream.rs).

use reqwest::Response;
use serde_json::Value;

use crate::helpers::upstream::UpstreamClient;
use crate::helpers::{
    csrf_of, header, segment, send, Account, Backend, Browser, Requests as _, TestApp, Upstream,
    PASSWORD,
};

/// A server whose provider `up` ("Upstream") is `client`'s issuer, with `public_url`.
async fn relying_party(client: &UpstreamClient, public_url: &str) -> TestApp {
    TestApp::spawn_with(
        Backend::Sqlite,
        &[
            ("LOGIN_PROVIDERS", "up"),
            ("LOGIN_PROVIDER_UP_ISSUER", &client.issuer),
            ("LOGIN_PROVIDER_UP_NAME", "Upstream"),
            ("LOGIN_PROVIDER_UP_CLIENT_ID", &client.client_id),
            ("LOGIN_PROVIDER_UP_CLIENT_SECRET", &client.client_secret),
            ("PUBLIC_URL", public_url),
        ],
    )
    .await
}

/// Follows the provider's redirects (its own cookies kept) until it sends the browser back
/// to `back_to`; that URL.
async fn through_the_provider(start: &str, back_to: &str) -> String {
    let provider = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    let mut url = start.to_string();
    for _ in 0..10 {
        if url.starts_with(back_to) {
            return url;
        }
        let r = provider
            .get(&url)
            .send()
            .await
            .expect("the provider answers");
        assert!(r.status().is_redirection(), "{url}: {}", r.status());
        let location = header(&r, "location");
        url = match location.starts_with("http") {
            true => location,
            false => format!("{}{location}", origin_of(&url)),
        };
    }
    panic!("the provider never sent the browser back: {url}");
}

fn origin_of(url: &str) -> String {
    let parsed = url::Url::parse(url).unwrap();
    parsed.origin().ascii_serialization()
}

/// "Continue with Upstream" in `browser` (on `public_url`), through the provider; Sigil's
/// answer to the callback.
async fn continue_with(browser: &Browser, public_url: &str) -> Response {
    let r = send(browser.get("/login/up?next=/posts")).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let back = through_the_provider(&header(&r, "location"), public_url).await;
    let path = back.strip_prefix(public_url).unwrap();
    send(browser.get(path)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_provider_from_npm_signs_up_signs_in_and_cancels() {
    let Some(upstream) = Upstream::get() else {
        return;
    };
    let account = Account::verified("nora@example.com");
    let client = upstream.client("http://127.0.0.1/unused", &account).await;
    let app = relying_party(&client, "http://127.0.0.1:{port}").await;
    let callback = format!("{}/login/up/callback", app.address);
    upstream
        .register(&client, &callback, &account, "client_secret_basic")
        .await;
    let browser = app.new_browser();
    let r = continue_with(&browser, &app.address).await;
    assert_eq!(header(&r, "location"), "/login/up/complete");
    let r = browser
        .fill_in(
            "/login/up/complete",
            "/login/up/complete",
            &[("username", "nora")],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let token = browser.cookie("access_token").unwrap();
    assert_eq!(segment(&token, 1)["amr"], serde_json::json!(["fed"]));
    let me: Value = send(browser.get("/api/users/me"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "nora@example.com");
    assert_eq!(me["email_verified"], true);
    // Again, from a new browser: the linked identity signs straight in.
    let again = app.new_browser();
    let r = continue_with(&again, &app.address).await;
    assert_eq!(header(&r, "location"), "/posts");
    // The person says no at the provider.
    upstream.cancel(&client, true).await;
    let cancelled = app.new_browser();
    let r = continue_with(&cancelled, &app.address).await;
    assert_eq!(header(&r, "location"), "/login");
    let (_, html) = cancelled.page("/login").await;
    assert!(
        html.contains("You cancelled signing in with Upstream."),
        "{html}"
    );
    upstream.cancel(&client, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_sigil_is_the_provider() {
    // The provider: a Sigil on 127.0.0.1 with a user and a registered client.
    let provider = TestApp::spawn(Backend::Sqlite).await;
    provider.user("uma").await;
    provider.sql("UPDATE users SET email_verified = TRUE WHERE username = 'uma'");
    let client = UpstreamClient {
        issuer: provider.address.clone(),
        client_id: "downstream".into(),
        client_secret: sigil::auth::checksummed::CLIENT_SECRET.generate(),
    };
    // The relying party on `localhost`, so the two keep their cookies apart.
    let app = relying_party(&client, "http://localhost:{port}").await;
    let public_url = format!("http://localhost:{}", app.port);
    let redirects = serde_json::to_string(&[format!("{public_url}/login/up/callback")]).unwrap();
    provider.sql(&format!(
        "INSERT INTO oauth_clients (client_id, client_name, confidential, secret_hash, \
         redirect_uris, post_logout_redirect_uris, grant_types, scope, first_party, created_at) \
         VALUES ('downstream', 'Downstream Sigil', true, '{}', '{redirects}', '[]', \
         'authorization_code', 'openid profile email', false, '2026-01-01 00:00:00')",
        sigil::auth::checksummed::hash(&client.client_secret)
    ));
    // Uma signs in at the provider, then presses "Continue with Upstream" downstream.
    let at_provider = provider.new_browser();
    assert_eq!(at_provider.login("uma", PASSWORD).await.status(), 303);
    let browser = Browser::new(&public_url);
    let r = send(browser.get("/login/up")).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let to = header(&r, "location");
    let path = to.strip_prefix(&provider.address).expect("to the provider");
    let r = send(at_provider.get(path)).await;
    assert_eq!(r.status(), 200, "the consent page");
    let html = r.text().await.unwrap();
    let action = html
        .split(r#"<form method="post" action="/oauth/authorize/"#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|id| format!("/oauth/authorize/{id}"))
        .expect("the consent form");
    let r = at_provider
        .form(
            &action,
            &[("csrf_token", &csrf_of(&html)), ("decision", "allow")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let back = header(&r, "location");
    assert!(back.contains("iss="), "RFC 9207's iss: {back}");
    let r = send(browser.get(back.strip_prefix(&public_url).expect("back downstream"))).await;
    assert_eq!(header(&r, "location"), "/login/up/complete");
    let r = browser
        .fill_in(
            "/login/up/complete",
            "/login/up/complete",
            &[("username", "uma")],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let me: Value = send(browser.get("/api/users/me"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "uma@example.com");
    assert_eq!(me["email_verified"], true);
}
