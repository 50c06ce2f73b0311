//! The device authorization grant (RFC 8628; API.md part three, section 1): a stock client
//! (the `openidconnect` crate) signs a device in end to end; each step lands on another
//! instance, `slow_down` included; every refusal of the token endpoint; and the attacks RFC
//! 8628 §5 names: a code sent by a phisher (a link approves nothing, the confirmation always
//! shows, with its warning), codes tried by the million (the login limit), a forged form
//! (CSRF), another client's device code, and a device code used twice.

use std::time::Duration;

use openidconnect::core::{CoreClient, CoreDeviceAuthorizationResponse, CoreUserInfoClaims};
use openidconnect::{
    ClientId, ClientSecret, DeviceAuthorizationUrl, IssuerUrl, Nonce, OAuth2TokenResponse as _,
    Scope, TokenResponse as _,
};
use reqwest::Response;
use serde_json::Value;

use crate::backend_tests;
use crate::helpers::{
    csrf_of, header, header_and_claims, notices, send, the_event, Backend, Browser, Requests as _,
    TestApp, PASSWORD,
};

backend_tests!(
    a_stock_device_client_signs_in_end_to_end,
    a_public_client_is_approved_and_polls_across_instances,
    every_refusal_of_the_device_grant_is_an_rfc_6749_error,
    a_link_approves_nothing_and_the_confirmation_always_shows,
    wrong_codes_get_422_and_too_many_attempts_429,
    the_device_pages_and_endpoint_are_404_with_the_provider_off,
);

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const SCOPE: &str = "openid profile email offline_access profile:read posts:read";

/// Registers a client straight in the database, with `grants`; returns its secret when it is
/// confidential.
fn register(
    app: &TestApp,
    client_id: &str,
    confidential: bool,
    first_party: bool,
    grants: &str,
) -> Option<String> {
    let secret = sigil::auth::checksummed::CLIENT_SECRET.generate();
    let hash = match confidential {
        true => format!("'{}'", sigil::auth::checksummed::hash(&secret)),
        false => "NULL".into(),
    };
    app.sql(&format!(
        "INSERT INTO oauth_clients (client_id, client_name, confidential, secret_hash, \
         redirect_uris, post_logout_redirect_uris, grant_types, scope, first_party, created_at) \
         VALUES ('{client_id}', 'Demo {client_id}', {confidential}, {hash}, '[]', '[]', \
         '{grants}', '{SCOPE}', {first_party}, '2026-01-01 00:00:00')"
    ));
    confidential.then_some(secret)
}

/// `POST /api/auth/device` with `form`, as the client `client_id` (Basic with `secret`, or a
/// public client's `client_id`).
async fn start(
    app: &TestApp,
    client_id: &str,
    secret: Option<&str>,
    form: &[(&str, &str)],
) -> Response {
    let mut fields = form.to_vec();
    let request = app.anon.post("/api/auth/device");
    let request = match secret {
        Some(secret) => request.basic_auth(client_id, Some(secret)),
        None => {
            fields.push(("client_id", client_id));
            request
        }
    };
    send(request.form(&fields)).await
}

/// A started flow: its JSON, after the checks every answer must pass.
async fn started(app: &TestApp, client_id: &str, secret: Option<&str>, scope: &str) -> Value {
    let r = start(app, client_id, secret, &[("scope", scope)]).await;
    assert_eq!(r.status(), 200, "start");
    assert_eq!(header(&r, "cache-control"), "no-store");
    let body: Value = r.json().await.unwrap();
    let user_code = body["user_code"].as_str().unwrap();
    assert_eq!(user_code.len(), 9, "{body}");
    assert_eq!(&user_code[4..5], "-", "{body}");
    assert!(user_code
        .bytes()
        .all(|b| b == b'-' || b"BCDFGHJKLMNPQRSTVWXZ".contains(&b)));
    let base = app.env["PUBLIC_URL"].trim_end_matches('/');
    assert_eq!(body["verification_uri"], format!("{base}/device"));
    assert_eq!(
        body["verification_uri_complete"],
        format!("{base}/device?user_code={user_code}")
    );
    assert_eq!(body["expires_in"], 600);
    assert_eq!(body["interval"], 5);
    assert!(body["device_code"].as_str().unwrap().len() >= 43, "{body}");
    body
}

/// One poll of the token endpoint for `device_code`.
async fn poll(app: &TestApp, client_id: &str, secret: Option<&str>, device_code: &str) -> Response {
    let mut fields = vec![("grant_type", DEVICE_GRANT), ("device_code", device_code)];
    let request = app.anon.post("/api/auth/token");
    let request = match secret {
        Some(secret) => request.basic_auth(client_id, Some(secret)),
        None => {
            fields.push(("client_id", client_id));
            request
        }
    };
    send(request.form(&fields)).await
}

/// An RFC 6749 §5.2 error: its status and `error`.
async fn oauth_error(r: Response, status: u16, error: &str) -> Value {
    let got = r.status().as_u16();
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        (got, body["error"].as_str()),
        (status, Some(error)),
        "{body}"
    );
    assert!(body["error_description"].is_string(), "{body}");
    body
}

/// Moves the previous poll of every code `seconds` into the past: as if the device had waited.
fn wait_as_if(app: &TestApp, seconds: i64) {
    app.sql(&format!(
        "UPDATE oauth_device_codes SET last_poll_ms = last_poll_ms - {}",
        seconds * 1000
    ));
}

/// Copies a browser's cookies to another instance's browser: the same browser, its next
/// request landing elsewhere (the cookies are the same host's).
fn carry(from: &Browser, to: &Browser) {
    for name in ["access_token", "refresh_token", "sigil_session"] {
        if let Some(value) = from.cookie(name) {
            to.set_cookie(name, &value);
        }
    }
}

/// A browser signed in as `username` on `app`.
async fn signed_in(app: &TestApp, username: &str) -> Browser {
    let browser = app.new_browser();
    assert_eq!(browser.login(username, PASSWORD).await.status(), 303);
    browser
}

/// Types `user_code` on `/device` and returns the confirmation page (or the refusal).
async fn enter(browser: &Browser, user_code: &str) -> (u16, String) {
    let (status, html) = browser.page("/device").await;
    assert_eq!(status, 200, "{html}");
    let r = browser
        .form(
            "/device",
            &[("csrf_token", &csrf_of(&html)), ("user_code", user_code)],
        )
        .await;
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Answers the confirmation page `html` with `decision`.
async fn answer(browser: &Browser, html: &str, decision: &str) -> (u16, String) {
    let code = html
        .split(r#"name="user_code" value=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the confirmation's code");
    let r = browser
        .form(
            "/device/approve",
            &[
                ("csrf_token", &csrf_of(html)),
                ("user_code", code),
                ("decision", decision),
            ],
        )
        .await;
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The one `kind` notice either instance's mail sender delivered (each writes the development
/// outbox of its own data folder, and either may take a queued message).
async fn notice_on_either(a: &TestApp, b: &TestApp, kind: &str) -> String {
    for _ in 0..100 {
        let mut found = Vec::new();
        for dir in [a.outbox_dir(), b.outbox_dir()] {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                if entry
                    .file_name()
                    .to_string_lossy()
                    .ends_with(&format!("-{kind}.eml"))
                {
                    let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                    found.push(text.replace("=\r\n", "").replace("=3D", "="));
                }
            }
        }
        assert!(found.len() <= 1, "one {kind} notice: {found:?}");
        if let Some(mail) = found.pop() {
            return mail;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no {kind} notice in either outbox");
}

/// The stock client's HTTP: the tests' reqwest, never following redirects.
async fn http(
    request: openidconnect::HttpRequest,
) -> Result<openidconnect::HttpResponse, reqwest::Error> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let (parts, body) = request.into_parts();
    let response = client
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await?;
    let mut built = openidconnect::http::Response::builder().status(response.status());
    for (name, value) in response.headers() {
        built = built.header(name, value);
    }
    let body = response.bytes().await?.to_vec();
    Ok(built.body(body).expect("a response"))
}

async fn a_stock_device_client_signs_in_end_to_end(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let pages = app.spawn_sibling().await;
    let alice = app.user("alice").await;
    let admin = app.admin("root").await;
    let secret = register(
        &app,
        "tv-app",
        true,
        false,
        &format!("{DEVICE_GRANT} refresh_token"),
    )
    .unwrap();

    // Discovery names the device endpoint, as a stock client reads it.
    let r = send(app.anon.get("/.well-known/openid-configuration")).await;
    let metadata: Value = r.json().await.unwrap();
    let endpoint = metadata["device_authorization_endpoint"].as_str().unwrap();
    assert_eq!(endpoint, app.url("/api/auth/device"));
    let issuer = IssuerUrl::new(app.address.clone()).unwrap();
    let provider = openidconnect::core::CoreProviderMetadata::discover_async(issuer, &http)
        .await
        .expect("discovery");
    let client = CoreClient::from_provider_metadata(
        provider,
        ClientId::new("tv-app".into()),
        Some(ClientSecret::new(secret.clone())),
    )
    .set_device_authorization_url(DeviceAuthorizationUrl::new(endpoint.into()).unwrap());
    let details: CoreDeviceAuthorizationResponse = client
        .exchange_device_code()
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("offline_access".into()))
        .request_async(&http)
        .await
        .expect("the device authorization request");
    let user_code = details.user_code().secret().clone();
    let complete = details
        .verification_uri_complete()
        .expect("verification_uri_complete")
        .secret()
        .clone();

    // The device polls (the stock client waits the interval and honours slow_down) while its
    // user approves on another instance's pages.
    let polling = tokio::spawn({
        let (client, details) = (client.clone(), details.clone());
        async move {
            client
                .exchange_device_access_token(&details)
                .unwrap()
                .request_async(&http, tokio::time::sleep, Some(Duration::from_secs(60)))
                .await
        }
    });
    let browser = signed_in(&pages, "alice").await;
    let (status, html) = browser
        .page(complete.strip_prefix(&app.address).unwrap())
        .await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(r#"value="{user_code}""#)), "{html}");
    let (status, html) = enter(&browser, &user_code).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Demo tv-app"), "{html}");
    let (status, html) = answer(&browser, &html, "allow").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("You can go back to your device"), "{html}");

    let tokens = tokio::time::timeout(Duration::from_secs(60), polling)
        .await
        .expect("the device gets its tokens in time")
        .unwrap()
        .expect("the device grant");
    let id_token = tokens.id_token().expect("an id_token with openid");
    let verifier = client.id_token_verifier();
    let no_nonce = |nonce: Option<&Nonce>| match nonce {
        None => Ok(()),
        Some(_) => Err("a device's id_token has no nonce".to_string()),
    };
    let id_claims = id_token
        .claims(&verifier, no_nonce)
        .expect("a valid id_token");
    assert_eq!(id_claims.subject().as_str(), alice.id.to_string());
    assert!(id_claims.auth_time().is_some());
    assert_eq!(
        id_claims.preferred_username().map(|u| u.as_str()),
        Some("alice")
    );
    let access = tokens.access_token().secret().clone();
    let c = header_and_claims(&access).1;
    assert_eq!(c["client_id"], "tv-app");
    assert_eq!(c["amr"], serde_json::json!(["pwd"]));
    let scope: Vec<String> = tokens
        .scopes()
        .expect("scope")
        .iter()
        .map(|s| s.as_str().to_string())
        .collect();
    assert_eq!(scope, ["openid", "profile", "email", "offline_access"]);
    let info: CoreUserInfoClaims = client
        .user_info(tokens.access_token().clone(), None)
        .unwrap()
        .request_async(&http)
        .await
        .expect("userinfo");
    assert_eq!(info.email().map(|e| e.as_str()), Some("alice@example.com"));

    // Recorded: the consent (grant "device"), the grant, and the notice to the owner.
    let consent = the_event(&app, &admin.access_token, alice.id, "consent_granted").await;
    assert_eq!(consent["detail"]["grant"], "device", "{consent}");
    assert_eq!(consent["detail"]["client_id"], "tv-app");
    let grant = the_event(&app, &admin.access_token, alice.id, "oauth_grant").await;
    assert_eq!(grant["detail"]["grant_type"], DEVICE_GRANT, "{grant}");
    assert_eq!(grant["detail"]["sid"], c["sid"], "{grant}");
    let mail = notice_on_either(&app, &pages, "app_authorized").await;
    assert!(mail.contains("Demo tv-app"), "{mail}");

    // The device's session stands alone: signing the browser out leaves it, and the client's
    // refresh works (with its secret).
    let csrf = browser.csrf_token().await;
    assert_eq!(
        browser
            .form("/logout", &[("csrf_token", &csrf)])
            .await
            .status(),
        303
    );
    assert_eq!(
        send(app.bearer.get("/oauth/userinfo", &access))
            .await
            .status(),
        200,
        "no browser session ends it"
    );
    let refresh = tokens.refresh_token().expect("a refresh token").clone();
    let refreshed = client
        .exchange_refresh_token(&refresh)
        .unwrap()
        .request_async(&http)
        .await
        .expect("the refresh grant");
    assert!(refreshed.id_token().is_some());

    // The device code is spent.
    let device_code = details.device_code().secret();
    wait_as_if(&app, 60);
    let r = poll(&app, "tv-app", Some(&secret), device_code).await;
    oauth_error(r, 400, "invalid_grant").await;
}

async fn a_public_client_is_approved_and_polls_across_instances(backend: Backend) {
    let a = TestApp::spawn(backend).await;
    let b = a.spawn_sibling().await;
    let c = a.spawn_sibling().await;
    a.user("bob").await;
    register(
        &a,
        "cli",
        false,
        false,
        &format!("{DEVICE_GRANT} refresh_token"),
    );

    // Started on A; the first poll may come at once (on B), the next one at once (on C) is too
    // soon: the pace is in the database.
    let flow = started(&a, "cli", None, "openid posts:read").await;
    let device_code = flow["device_code"].as_str().unwrap();
    let user_code = flow["user_code"].as_str().unwrap();
    oauth_error(
        poll(&b, "cli", None, device_code).await,
        400,
        "authorization_pending",
    )
    .await;
    oauth_error(poll(&c, "cli", None, device_code).await, 400, "slow_down").await;
    // The interval grew to 10 s: 6 s later is still too soon, and grows it to 15 s.
    wait_as_if(&a, 6);
    oauth_error(poll(&a, "cli", None, device_code).await, 400, "slow_down").await;
    wait_as_if(&a, 11);
    oauth_error(poll(&b, "cli", None, device_code).await, 400, "slow_down").await;
    wait_as_if(&a, 20);
    oauth_error(
        poll(&c, "cli", None, device_code).await,
        400,
        "authorization_pending",
    )
    .await;

    // The pages, on B then C (the same browser).
    let on_b = signed_in(&b, "bob").await;
    let (status, html) = enter(&on_b, &user_code.to_lowercase().replace('-', " ")).await;
    assert_eq!(status, 200, "{html}");
    let on_c = c.new_browser();
    carry(&on_b, &on_c);
    let (status, html) = answer(&on_c, &html, "allow").await;
    assert_eq!(status, 200, "{html}");

    // A poll too soon is still slow_down; after the interval the tokens come, once.
    oauth_error(poll(&a, "cli", None, device_code).await, 400, "slow_down").await;
    wait_as_if(&a, 30);
    let r = poll(&b, "cli", None, device_code).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "cache-control"), "no-store");
    let tokens: Value = r.json().await.unwrap();
    assert_eq!(tokens["scope"], "openid posts:read");
    assert_eq!(tokens["token_type"], "bearer");
    assert!(tokens["refresh_token"].is_string(), "{tokens}");
    let id_token = header_and_claims(tokens["id_token"].as_str().unwrap()).1;
    assert!(id_token.get("nonce").is_none(), "{id_token}");
    assert_eq!(id_token["aud"], "cli");
    wait_as_if(&a, 30);
    oauth_error(
        poll(&c, "cli", None, device_code).await,
        400,
        "invalid_grant",
    )
    .await;

    // A public client refreshes with its client_id.
    let r = send(a.anon.post("/api/auth/token").form(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ("client_id", "cli"),
    ]))
    .await;
    assert_eq!(r.status(), 200);
}

async fn every_refusal_of_the_device_grant_is_an_rfc_6749_error(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let carol = app.user("carol").await;
    let admin = app.admin("root").await;
    let secret = register(&app, "tv", true, false, DEVICE_GRANT).unwrap();
    register(&app, "other", false, false, DEVICE_GRANT);
    register(
        &app,
        "web-only",
        false,
        false,
        "authorization_code refresh_token",
    );

    // Starting: the client must be known, authenticated, registered for the grant, and ask
    // for scopes it may have.
    let r = start(&app, "tv", Some("sigil_cs_wrong"), &[("scope", "openid")]).await;
    assert_eq!(header(&r, "www-authenticate"), r#"Basic realm="sigil""#);
    oauth_error(r, 401, "invalid_client").await;
    let r = start(&app, "tv", None, &[("scope", "openid")]).await;
    oauth_error(r, 401, "invalid_client").await;
    let r = start(&app, "nobody", None, &[("scope", "openid")]).await;
    oauth_error(r, 401, "invalid_client").await;
    let r = send(
        app.anon
            .post("/api/auth/device")
            .form(&[("scope", "openid")]),
    )
    .await;
    oauth_error(r, 401, "invalid_client").await;
    let r = start(&app, "web-only", None, &[("scope", "openid")]).await;
    oauth_error(r, 400, "unauthorized_client").await;
    let r = start(
        &app,
        "tv",
        Some(&secret),
        &[("scope", "openid admin:write")],
    )
    .await;
    oauth_error(r, 400, "invalid_scope").await;
    let r = start(&app, "tv", Some(&secret), &[("scope", "openid nonsense")]).await;
    oauth_error(r, 400, "invalid_scope").await;
    let r = start(&app, "tv", Some(&secret), &[]).await;
    oauth_error(r, 400, "invalid_request").await;
    let twice = [("scope", "openid"), ("scope", "profile")];
    oauth_error(
        start(&app, "tv", Some(&secret), &twice).await,
        400,
        "invalid_request",
    )
    .await;
    assert_eq!(app.count_rows("oauth_device_codes"), 0, "nothing stored");

    // Polling: the wrong secret, another client's code, a client without the grant, an
    // unknown code; none of them counts as a poll of the code.
    let flow = started(&app, "tv", Some(&secret), "openid profile").await;
    let code = flow["device_code"].as_str().unwrap();
    let r = poll(&app, "tv", Some("sigil_cs_wrong"), code).await;
    oauth_error(r, 401, "invalid_client").await;
    oauth_error(poll(&app, "other", None, code).await, 400, "invalid_grant").await;
    let r = poll(&app, "web-only", None, code).await;
    oauth_error(r, 400, "unauthorized_client").await;
    let r = poll(&app, "tv", Some(&secret), "not-a-device-code").await;
    oauth_error(r, 400, "invalid_grant").await;
    let r = send(
        app.anon
            .post("/api/auth/token")
            .basic_auth("tv", Some(&secret))
            .form(&[("grant_type", DEVICE_GRANT)]),
    )
    .await;
    oauth_error(r, 400, "invalid_request").await;
    let r = poll(&app, "tv", Some(&secret), code).await;
    oauth_error(r, 400, "authorization_pending").await;

    // Denied: access_denied from then on, and consent_denied.
    let browser = signed_in(&app, "carol").await;
    let (_, html) = enter(&browser, flow["user_code"].as_str().unwrap()).await;
    let (status, html) = answer(&browser, &html, "deny").await;
    assert_eq!(status, 200);
    assert!(html.contains("Denied"), "{html}");
    wait_as_if(&app, 10);
    oauth_error(
        poll(&app, "tv", Some(&secret), code).await,
        400,
        "access_denied",
    )
    .await;
    let denied = the_event(&app, &admin.access_token, carol.id, "consent_denied").await;
    assert_eq!(denied["detail"]["grant"], "device", "{denied}");

    // Expired, whether answered or not.
    let flow = started(&app, "tv", Some(&secret), "openid").await;
    let code = flow["device_code"].as_str().unwrap();
    app.sql(
        "UPDATE oauth_device_codes SET expires_at = '2026-01-01 00:00:00' \
         WHERE decision = 'pending'",
    );
    oauth_error(
        poll(&app, "tv", Some(&secret), code).await,
        400,
        "expired_token",
    )
    .await;

    // An approval that has not become tokens yet ends with everything else the user holds
    // (logout-all), and so does one whose app's access the user took back.
    for ending in ["logout-all", "revoke"] {
        let flow = started(&app, "tv", Some(&secret), "openid").await;
        let code = flow["device_code"].as_str().unwrap();
        let browser = signed_in(&app, "carol").await;
        let (_, html) = enter(&browser, flow["user_code"].as_str().unwrap()).await;
        assert_eq!(answer(&browser, &html, "allow").await.0, 200);
        let pair = app.login_pair("carol", PASSWORD).await;
        let token = pair["access_token"].as_str().unwrap();
        let r = match ending {
            "logout-all" => app.logout_all(token).await,
            _ => {
                send(
                    app.bearer
                        .request(reqwest::Method::DELETE, "/api/users/me/apps/tv", token),
                )
                .await
            }
        };
        assert!(r.status().is_success(), "{ending}: {}", r.status());
        let r = poll(&app, "tv", Some(&secret), code).await;
        oauth_error(r, 400, "invalid_grant").await;
    }
}

async fn a_link_approves_nothing_and_the_confirmation_always_shows(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let dave = app.user("dave").await;
    register(&app, "own-tv", false, true, DEVICE_GRANT);
    // A remembered consent to every scope, as after an earlier approval.
    app.sql(&format!(
        "INSERT INTO oauth_consents (user_id, client_id, scope, consented_at) \
         VALUES ({}, 'own-tv', '{SCOPE}', '2026-01-01 00:00:00')",
        dave.id
    ));
    let flow = started(&app, "own-tv", None, "openid profile").await;
    let device_code = flow["device_code"].as_str().unwrap();
    let user_code = flow["user_code"].as_str().unwrap();

    // Signed out, the link goes to the sign-in page and back here with the code.
    let path = format!("/device?user_code={user_code}");
    let r = send(app.anon.get(&path)).await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        header(&r, "location"),
        format!("/login?next=/device%3Fuser_code%3D{user_code}")
    );

    // The link (what a phisher sends) only fills the form in.
    let browser = signed_in(&app, "dave").await;
    let (status, html) = browser.page(&path).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(r#"value="{user_code}""#)), "{html}");
    assert!(!html.contains(r#"value="allow""#), "{html}");
    let r = poll(&app, "own-tv", None, device_code).await;
    oauth_error(r, 400, "authorization_pending").await;

    // The code confirms, first-party app and remembered consent notwithstanding: the app, the
    // code, the scopes in words, and the warning.
    let (status, html) = enter(&browser, user_code).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Demo own-tv"), "{html}");
    assert!(html.contains(user_code), "{html}");
    assert!(
        html.contains("Only continue if this code is on your device"),
        "{html}"
    );
    assert!(html.contains("See your username"), "{html}");
    assert!(html.contains(r#"value="allow""#) && html.contains(r#"value="deny""#));
    wait_as_if(&app, 10);
    let r = poll(&app, "own-tv", None, device_code).await;
    oauth_error(r, 400, "authorization_pending").await;

    // A forged form (no CSRF token, or another session's) approves nothing either.
    let forged = [("user_code", user_code), ("decision", "allow")];
    let r = browser.form("/device/approve", &forged).await;
    assert_eq!(r.status(), 403);
    let stranger = app.new_browser();
    let mut with_other = forged.to_vec();
    let other_csrf = stranger.csrf_token().await;
    with_other.push(("csrf_token", &other_csrf));
    assert_eq!(
        browser.form("/device/approve", &with_other).await.status(),
        403
    );
    let r = browser.form("/device", &[("user_code", user_code)]).await;
    assert_eq!(r.status(), 403);
    let csrf = csrf_of(&html);
    let r = browser
        .form(
            "/device/approve",
            &[
                ("csrf_token", &csrf),
                ("user_code", user_code),
                ("decision", "maybe"),
            ],
        )
        .await;
    assert_eq!(r.status(), 400);
    wait_as_if(&app, 10);
    let r = poll(&app, "own-tv", None, device_code).await;
    oauth_error(r, 400, "authorization_pending").await;

    // Signed out, the answer goes to the sign-in page and records nothing.
    let r = app
        .new_browser()
        .form(
            "/device/approve",
            &[("user_code", user_code), ("decision", "allow")],
        )
        .await;
    assert_eq!(r.status(), 303);

    // The button does it, and a first-party device approval is still told by mail.
    let (status, _) = answer(&browser, &html, "allow").await;
    assert_eq!(status, 200);
    wait_as_if(&app, 10);
    assert_eq!(poll(&app, "own-tv", None, device_code).await.status(), 200);
    let mail = notices(&app, "app_authorized", 1).await.remove(0);
    assert!(mail.contains("Demo own-tv"), "{mail}");
}

async fn wrong_codes_get_422_and_too_many_attempts_429(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("LOGIN_RATE_PER_MINUTE", "7")]).await;
    app.user("erin").await;
    register(&app, "tv", false, false, DEVICE_GRANT);
    // An expired code and an answered one, put there directly (starting flows would count).
    app.sql(
        "INSERT INTO oauth_device_codes (device_code_hash, user_code, client_id, scope, \
         created_at, expires_at, interval_seconds, decision) VALUES \
         ('h1', 'BCDFGHJK', 'tv', 'openid', '2026-01-01 00:00:00', '2026-01-01 00:10:00', 5, \
          'pending'), \
         ('h2', 'CDFGHJKL', 'tv', 'openid', '2099-01-01 00:00:00', '2099-01-01 00:10:00', 5, \
          'denied')",
    );
    // Three attempts so far (registration and two sign-ins); then four codes, each refused
    // under the field.
    let browser = signed_in(&app, "erin").await;
    for (typed, says) in [
        ("BCDF-GHJ", "Enter the 8 letters"),
        ("ZZZZ-ZZZZ", "not one Sigil gave out"),
        ("bcdf-ghjk", "has expired"),
        ("CDFG HJKL", "already answered"),
    ] {
        let (status, html) = enter(&browser, typed).await;
        assert_eq!(status, 422, "{typed}: {html}");
        assert!(html.contains(r#"id="field-user_code-error""#), "{html}");
        assert!(html.contains(says), "{typed}: {html}");
        assert!(html.contains(&format!(r#"value="{typed}""#)), "{html}");
    }
    // Past the limit (the eighth attempt, or a little later should the test run slowly and
    // the budget refill) codes are refused without being looked at.
    let mut refused = None;
    for _ in 0..4 {
        let (status, html) = enter(&browser, "ZZZZ-ZZZX").await;
        if status == 429 {
            refused = Some(html);
            break;
        }
        assert_eq!(status, 422, "{html}");
    }
    let html = refused.expect("a 429 past the limit");
    assert!(html.contains("Too many attempts"), "{html}");
    assert!(html.contains(r#"id="field-user_code-error""#), "{html}");

    // Polls never count against the limit, even now: a device polls for minutes, and its user
    // must still be able to sign in from the same network to approve it.
    for _ in 0..8 {
        let r = poll(&app, "tv", None, "unknown-device-code").await;
        oauth_error(r, 400, "invalid_grant").await;
    }
}

async fn the_device_pages_and_endpoint_are_404_with_the_provider_off(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("PUBLIC_URL", "http://id.example.com")]).await;
    register(&app, "tv", false, false, DEVICE_GRANT);
    let r = start(&app, "tv", None, &[("scope", "openid")]).await;
    assert_eq!(r.status(), 404);
    assert_eq!(send(app.anon.get("/device")).await.status(), 404);
    let r = poll(&app, "tv", None, "x").await;
    oauth_error(r, 400, "unsupported_grant_type").await;
}
