//! The OpenID provider across instances, for browser apps and at sign-out (API.md part three,
//! section 1): each step of a flow on another instance, CORS for public clients only, and
//! RP-initiated logout with its open-redirect and CSRF rules.

use reqwest::Response;
use serde_json::Value;

use crate::backend_tests;
use crate::helpers::{csrf_of, header, send, Backend, Browser, Requests as _, TestApp, PASSWORD};

backend_tests!(
    every_step_of_a_flow_may_land_on_another_instance,
    cors_answers_public_clients_origins_only,
    rp_initiated_logout_signs_out_only_what_it_may_and_goes_only_where_registered,
    prompt_login_and_max_age_ask_to_confirm_and_introspection_names_the_client,
    the_provider_is_off_on_plain_http_to_another_host,
);

const SCOPE: &str = "openid profile email offline_access profile:read posts:read posts:write";

fn register(
    app: &TestApp,
    client_id: &str,
    confidential: bool,
    redirect: &str,
    logout: &str,
) -> String {
    let secret = sigil::auth::checksummed::CLIENT_SECRET.generate();
    let hash = match confidential {
        true => format!("'{}'", sigil::auth::checksummed::hash(&secret)),
        false => "NULL".into(),
    };
    let redirects = serde_json::to_string(&[redirect]).unwrap();
    let logouts = serde_json::to_string(&[logout]).unwrap();
    app.sql(&format!(
        "INSERT INTO oauth_clients (client_id, client_name, confidential, secret_hash, \
         redirect_uris, post_logout_redirect_uris, grant_types, scope, first_party, created_at) \
         VALUES ('{client_id}', 'App {client_id}', {confidential}, {hash}, '{redirects}', \
         '{logouts}', 'authorization_code refresh_token', '{SCOPE}', false, '2026-01-01 00:00:00')"
    ));
    secret
}

fn pkce() -> (String, String) {
    let (challenge, verifier) = openidconnect::PkceCodeChallenge::new_random_sha256();
    (verifier.secret().clone(), challenge.as_str().to_string())
}

fn authorize_path(client_id: &str, redirect: &str, challenge: &str, nonce: &str) -> String {
    let query = serde_urlencoded::to_string([
        ("client_id", client_id),
        ("redirect_uri", redirect),
        ("response_type", "code"),
        ("scope", "openid profile"),
        ("state", "s-1"),
        ("nonce", nonce),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ])
    .unwrap();
    format!("/oauth/authorize?{query}")
}

fn consent_action(html: &str) -> String {
    let id = html
        .split(r#"<form method="post" action="/oauth/authorize/"#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the consent form");
    format!("/oauth/authorize/{id}")
}

fn query_of(r: &Response) -> Vec<(String, String)> {
    assert_eq!(r.status(), 303, "a redirect to the app");
    let location = header(r, "location");
    url::Url::parse(&location)
        .unwrap_or_else(|e| panic!("{location}: {e}"))
        .query_pairs()
        .into_owned()
        .collect()
}

fn get<'a>(q: &'a [(String, String)], name: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Signs in on `app`'s /login form, then copies the cookies to `other`'s browser: the same
/// browser, its requests landing on another instance (the cookies are the same host's).
async fn same_browser_on(app: &TestApp, other: &TestApp, username: &str) -> (Browser, Browser) {
    let a = app.new_browser();
    assert_eq!(a.login(username, PASSWORD).await.status(), 303);
    let b = other.new_browser();
    for name in ["access_token", "refresh_token", "sigil_session"] {
        if let Some(value) = a.cookie(name) {
            b.set_cookie(name, &value);
        }
    }
    (a, b)
}

async fn every_step_of_a_flow_may_land_on_another_instance(backend: Backend) {
    let a = TestApp::spawn(backend).await;
    // A second instance on the same database (SQLite's file, or PostgreSQL).
    let b = a.spawn_sibling().await;
    a.user("gina").await;
    let secret = register(
        &a,
        "multi",
        true,
        "https://app.example/cb",
        "https://app.example/bye",
    );
    let (on_a, on_b) = same_browser_on(&a, &b, "gina").await;
    let (verifier, challenge) = pkce();
    // The request is stored on A, the consent page shown by B, the answer posted to A.
    let path = authorize_path("multi", "https://app.example/cb", &challenge, "n-1");
    let r = send(on_a.get(&path)).await;
    assert_eq!(
        r.status(),
        200,
        "A stores the request and shows the consent page"
    );
    let html = r.text().await.unwrap();
    let action = consent_action(&html);
    let (status, html_b) = on_b.page(&action).await;
    assert_eq!(status, 200, "B continues the request A stored");
    assert!(html_b.contains("App multi"), "{html_b}");
    // One browser, one cookie jar: what B set, A gets.
    if let Some(session) = on_b.cookie("sigil_session") {
        on_a.set_cookie("sigil_session", &session);
    }
    let r = on_a
        .form(
            &action,
            &[("csrf_token", &csrf_of(&html_b)), ("decision", "allow")],
        )
        .await;
    let q = query_of(&r);
    let code = get(&q, "code").expect("a code").to_string();
    // The code is exchanged on B; its replay on A fails and revokes what B issued.
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", "multi"),
        ("client_secret", secret.as_str()),
        ("code", code.as_str()),
        ("redirect_uri", "https://app.example/cb"),
        ("code_verifier", verifier.as_str()),
    ];
    let r = b.token_form(&form).await;
    assert_eq!(r.status(), 200);
    let tokens: Value = r.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    let r = send(a.bearer.get("/oauth/userinfo", access)).await;
    assert_eq!(r.status(), 200, "A accepts B's token");
    let r = a.token_form(&form).await;
    assert_eq!(r.status(), 400);
    let r = send(b.bearer.get("/oauth/userinfo", access)).await;
    assert_eq!(r.status(), 401, "the replay on A revoked B's tokens");
    // Both instances sign with the same key: the id_token's kid is in either JWKS.
    let id_token = tokens["id_token"].as_str().unwrap();
    let kid = {
        use base64::Engine as _;
        let h = id_token.split('.').next().unwrap();
        let h: Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(h)
                .unwrap(),
        )
        .unwrap();
        h["kid"].as_str().unwrap().to_string()
    };
    for app in [&a, &b] {
        let jwks: Value = send(app.anon.get("/.well-known/jwks.json"))
            .await
            .json()
            .await
            .unwrap();
        assert!(jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["kid"] == kid.as_str()));
    }
}

async fn cors_answers_public_clients_origins_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    register(
        &app,
        "spa",
        false,
        "https://spa.example/cb",
        "https://spa.example/",
    );
    register(
        &app,
        "server",
        true,
        "https://server.example/cb",
        "https://server.example/",
    );
    for path in [
        "/api/auth/token",
        "/oauth/userinfo",
        "/api/auth/revoke",
        "/api/auth/device",
    ] {
        let r = send(
            app.anon
                .request(reqwest::Method::OPTIONS, path)
                .header("origin", "https://spa.example")
                .header("access-control-request-method", "POST")
                .header(
                    "access-control-request-headers",
                    "authorization, content-type",
                ),
        )
        .await;
        assert_eq!(r.status(), 204, "{path}");
        assert_eq!(
            header(&r, "access-control-allow-origin"),
            "https://spa.example"
        );
        assert_eq!(header(&r, "access-control-max-age"), "600");
        assert!(header(&r, "access-control-allow-headers").contains("Authorization"));
        assert!(r
            .headers()
            .get("access-control-allow-credentials")
            .is_none());
        // A confidential client's origin, or any other: no CORS answer at all.
        for origin in ["https://server.example", "https://evil.example", "null"] {
            let r = send(
                app.anon
                    .request(reqwest::Method::OPTIONS, path)
                    .header("origin", origin)
                    .header("access-control-request-method", "POST"),
            )
            .await;
            assert!(
                r.headers().get("access-control-allow-origin").is_none(),
                "{path} {origin}"
            );
        }
    }
    // The real request echoes the origin too (the browser then lets the page read it).
    let r = send(
        app.anon
            .post("/api/auth/token")
            .header("origin", "https://spa.example")
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_id", "spa"),
                ("refresh_token", "x"),
            ]),
    )
    .await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        header(&r, "access-control-allow-origin"),
        "https://spa.example"
    );
}

async fn rp_initiated_logout_signs_out_only_what_it_may_and_goes_only_where_registered(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    app.user("hana").await;
    let secret = register(
        &app,
        "rp",
        true,
        "https://rp.example/cb",
        "https://rp.example/bye",
    );
    let browser = app.new_browser();
    assert_eq!(browser.login("hana", PASSWORD).await.status(), 303);
    let (verifier, challenge) = pkce();
    let r = send(browser.get(&authorize_path(
        "rp",
        "https://rp.example/cb",
        &challenge,
        "n",
    )))
    .await;
    let html = r.text().await.unwrap();
    let r = browser
        .form(
            &consent_action(&html),
            &[("csrf_token", &csrf_of(&html)), ("decision", "allow")],
        )
        .await;
    let code = get(&query_of(&r), "code").unwrap().to_string();
    let r = app
        .token_form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "rp"),
            ("client_secret", &secret),
            ("code", &code),
            ("redirect_uri", "https://rp.example/cb"),
            ("code_verifier", &verifier),
        ])
        .await;
    let tokens: Value = r.json().await.unwrap();
    let id_token = tokens["id_token"].as_str().unwrap().to_string();

    // Open redirects: an unregistered post_logout_redirect_uri, or one without a client, is a
    // 400 page and signs nobody out.
    for query in [
        vec![
            ("id_token_hint", id_token.as_str()),
            ("post_logout_redirect_uri", "https://evil.example/"),
        ],
        vec![("post_logout_redirect_uri", "https://rp.example/bye")],
        vec![
            ("client_id", "rp"),
            ("post_logout_redirect_uri", "https://rp.example/bye/x"),
        ],
        vec![
            ("id_token_hint", "eyJhbGciOiJub25lIn0.e30."),
            ("post_logout_redirect_uri", "https://rp.example/bye"),
        ],
        vec![("id_token_hint", id_token.as_str()), ("client_id", "other")],
    ] {
        let q = serde_urlencoded::to_string(&query).unwrap();
        let r = send(browser.get(&format!("/oauth/logout?{q}"))).await;
        assert_eq!(r.status(), 400, "{query:?}");
        assert!(r.headers().get("location").is_none());
    }
    let (status, _) = browser.page("/account").await;
    assert_eq!(status, 200, "still signed in");

    // Without a hint naming this browser's session, Sigil asks; a forged POST does nothing.
    let q = serde_urlencoded::to_string([
        ("client_id", "rp"),
        ("post_logout_redirect_uri", "https://rp.example/bye"),
        ("state", "x1"),
    ])
    .unwrap();
    let r = send(browser.get(&format!("/oauth/logout?{q}"))).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("Sign out of Sigil?"));
    let forged = browser
        .form(
            "/oauth/logout",
            &[
                ("client_id", "rp"),
                ("post_logout_redirect_uri", "https://rp.example/bye"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(forged.status(), 403, "no CSRF token");
    let (status, _) = browser.page("/account").await;
    assert_eq!(status, 200, "still signed in after the forged form");

    // The hint names this browser's session: signed out at once, back to the app with state.
    let q = serde_urlencoded::to_string([
        ("id_token_hint", id_token.as_str()),
        ("post_logout_redirect_uri", "https://rp.example/bye"),
        ("state", "x2"),
    ])
    .unwrap();
    let r = send(browser.get(&format!("/oauth/logout?{q}"))).await;
    let params = query_of(&r);
    assert_eq!(get(&params, "state"), Some("x2"));
    assert!(header(&r, "location").starts_with("https://rp.example/bye?"));
    let r = send(browser.get("/account")).await;
    assert_eq!(r.status(), 303, "signed out");
    // The app's session ended with it (no offline_access was asked).
    let r = send(
        app.bearer
            .get("/oauth/userinfo", tokens["access_token"].as_str().unwrap()),
    )
    .await;
    assert_eq!(r.status(), 401);
}

async fn prompt_login_and_max_age_ask_to_confirm_and_introspection_names_the_client(
    backend: Backend,
) {
    let app = TestApp::spawn_with(
        backend,
        &[("INTROSPECTION_CLIENTS", "rs:introspection-secret-0123")],
    )
    .await;
    app.user("ivan").await;
    let secret = register(
        &app,
        "conf",
        true,
        "https://conf.example/cb",
        "https://conf.example/",
    );
    app.sql("UPDATE oauth_clients SET first_party = true WHERE client_id = 'conf'");
    let browser = app.new_browser();
    assert_eq!(browser.login("ivan", PASSWORD).await.status(), 303);
    for extra in [("prompt", "login"), ("max_age", "0")] {
        let (_, challenge) = pkce();
        let path = format!(
            "{}&{}",
            authorize_path("conf", "https://conf.example/cb", &challenge, "n"),
            serde_urlencoded::to_string([extra]).unwrap()
        );
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let r = send(browser.get(&path)).await;
        assert_eq!(r.status(), 200, "{extra:?}");
        let csp = header(&r, "content-security-policy");
        let page = r.text().await.unwrap();
        assert!(page.contains("Confirm it"), "{extra:?}: {page}");
        assert!(csp.contains("https://conf.example"), "{csp}");
        let return_to = page
            .split(r#"name="return_to" value=""#)
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        assert!(return_to.starts_with("/oauth/authorize/"), "{return_to}");
        // Posting "Allow" for the same request skips nothing: the confirmation comes back.
        let r = browser
            .form(
                &return_to,
                &[("csrf_token", &csrf_of(&page)), ("decision", "allow")],
            )
            .await;
        assert_eq!(r.status(), 200, "no code without the confirmation");
        assert!(r.text().await.unwrap().contains("Confirm it"));
        let r = browser
            .form(
                "/reauthenticate",
                &[
                    ("csrf_token", &csrf_of(&page)),
                    ("return_to", &return_to),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(header(&r, "location"), return_to);
        let r = send(browser.get(&return_to)).await;
        if extra.0 == "max_age" && r.status() == 200 {
            // max_age=0 is met only within the second of the confirmation: a slower machine
            // crossed into the next one and is asked again, as it should be.
            assert!(r.text().await.unwrap().contains("Confirm it"));
            continue;
        }
        let q = query_of(&r);
        assert!(get(&q, "code").is_some(), "{extra:?}: {q:?}");
    }
    // With prompt=none no page may be shown: login_required.
    let (_, challenge) = pkce();
    let path = format!(
        "{}&prompt=none&max_age=0",
        authorize_path("conf", "https://conf.example/cb", &challenge, "n")
    );
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let r = send(browser.get(&path)).await;
    assert_eq!(get(&query_of(&r), "error"), Some("login_required"));

    // RFC 7662 on a client's tokens: its client and scope, no username.
    let (verifier, challenge) = pkce();
    let r = send(browser.get(&authorize_path(
        "conf",
        "https://conf.example/cb",
        &challenge,
        "n",
    )))
    .await;
    let code = get(&query_of(&r), "code").unwrap().to_string();
    let tokens: Value = app
        .token_form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "conf"),
            ("client_secret", &secret),
            ("code", &code),
            ("redirect_uri", "https://conf.example/cb"),
            ("code_verifier", &verifier),
        ])
        .await
        .json()
        .await
        .unwrap();
    for (token, kind) in [
        ("access_token", "bearer"),
        ("refresh_token", "refresh_token"),
    ] {
        let r = send(
            app.anon
                .post("/api/auth/introspect")
                .basic_auth("rs", Some("introspection-secret-0123"))
                .form(&[("token", tokens[token].as_str().unwrap())]),
        )
        .await;
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["active"], true, "{token}: {body}");
        assert_eq!(body["token_type"], kind);
        assert_eq!(body["client_id"], "conf");
        assert_eq!(body["scope"], "openid profile");
        assert_eq!(body["iss"], app.address.as_str());
        assert!(body.get("username").is_none(), "{body}");
    }
    // RFC 7009 with the OAuth client's own credentials: wrong ones are refused, right ones work.
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let r = send(
        app.anon
            .post("/api/auth/revoke")
            .basic_auth("conf", Some("sigil_cs_wrong"))
            .form(&[("token", refresh)]),
    )
    .await;
    assert_eq!(r.status(), 401);
    let r = send(
        app.anon
            .post("/api/auth/revoke")
            .basic_auth("conf", Some(&secret))
            .form(&[("token", refresh)]),
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = app
        .token_form(&[
            ("grant_type", "refresh_token"),
            ("client_id", "conf"),
            ("client_secret", &secret),
            ("refresh_token", refresh),
        ])
        .await;
    assert_eq!(r.status(), 400, "revoked");
}

async fn the_provider_is_off_on_plain_http_to_another_host(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("PUBLIC_URL", "http://id.example.com")]).await;
    for path in [
        "/oauth/authorize?client_id=x&redirect_uri=https://x.example/",
        "/oauth/authorize/some-id",
        "/oauth/logout",
        "/.well-known/openid-configuration",
    ] {
        let r = send(app.anon.get(path)).await;
        assert_eq!(r.status(), 404, "{path}");
    }
    let r = send(app.bearer.get("/oauth/userinfo", "x")).await;
    assert_eq!(r.status(), 404);
    let r = app
        .token_form(&[("grant_type", "authorization_code"), ("code", "x")])
        .await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "unsupported_grant_type");
}
