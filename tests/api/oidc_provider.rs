//! Sigil as an OpenID provider (API.md part three, section 1), driven from the other side by a
//! stock relying party (the `openidconnect` crate: discovery, the code flow with PKCE, id_token
//! validation with nonce and at_hash, userinfo, refresh), then tried as an attacker would
//! (RFC 9700 §4): code replay and injection, PKCE downgrade, redirect URI tricks, mix-up,
//! consent bypass and CSRF, another user's request, another client's code or refresh token,
//! an id_token as an access token, scope widening on refresh.

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdTokenClaims, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse as _, PkceCodeChallenge, RedirectUrl, Scope, TokenResponse as _,
};
use reqwest::Response;
use serde_json::Value;

use crate::backend_tests;
use crate::helpers::{csrf_of, header, send, Backend, Browser, Requests as _, TestApp, PASSWORD};

backend_tests!(
    a_stock_relying_party_signs_in_end_to_end,
    a_public_client_on_any_loopback_port_with_remembered_consent,
    codes_are_single_use_bound_and_pkce_is_required,
    redirect_uri_tricks_and_unknown_clients_get_a_page_never_a_redirect,
    consent_cannot_be_bypassed_forged_or_taken_over,
    client_tokens_stay_in_their_lane,
);

/// A registered client's redirect URI: loopback, so any port matches.
const REDIRECT: &str = "http://127.0.0.1/callback";

/// Registers a client straight in the database; returns its secret (confidential) or `None`.
fn register_client(
    app: &TestApp,
    client_id: &str,
    confidential: bool,
    first_party: bool,
    scope: &str,
) -> Option<String> {
    let secret = sigil::auth::checksummed::CLIENT_SECRET.generate();
    let hash = match confidential {
        true => format!("'{}'", sigil::auth::checksummed::hash(&secret)),
        false => "NULL".into(),
    };
    let redirects = serde_json::to_string(&[REDIRECT, "https://app.example/cb"]).unwrap();
    let now = "2026-01-01 00:00:00";
    app.sql(&format!(
        "INSERT INTO oauth_clients (client_id, client_name, confidential, secret_hash, \
         redirect_uris, post_logout_redirect_uris, grant_types, scope, first_party, created_at) \
         VALUES ('{client_id}', 'Demo {client_id}', {confidential}, {hash}, '{redirects}', '[]', \
         'authorization_code refresh_token', '{scope}', {first_party}, '{now}')"
    ));
    confidential.then_some(secret)
}

const DEFAULT_SCOPE: &str =
    "openid profile email offline_access profile:read posts:read posts:write";

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

/// A signed-in browser for `username` (registered by the caller).
async fn signed_in(app: &TestApp, username: &str) -> Browser {
    let browser = app.new_browser();
    let r = browser.login(username, PASSWORD).await;
    assert_eq!(r.status(), 303, "login");
    browser
}

/// Follows the browser through the authorization request at `url` (absolute) up to the
/// consent page, and answers it with `decision`; returns the final redirect to the client.
async fn authorize(
    app: &TestApp,
    browser: &Browser,
    url: &str,
    decision: Option<&str>,
) -> Response {
    let path = url
        .strip_prefix(&app.address)
        .expect("an URL on the server");
    let r = send(browser.get(path)).await;
    let Some(decision) = decision else {
        return r;
    };
    assert_eq!(r.status(), 200, "the consent page");
    let html = r.text().await.unwrap();
    assert!(html.contains("Allow"), "{html}");
    let action = html
        .split(r#"<form method="post" action="/oauth/authorize/"#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|id| format!("/oauth/authorize/{id}"))
        .expect("the consent form's action")
        .to_string();
    browser
        .form(
            &action,
            &[("csrf_token", &csrf_of(&html)), ("decision", decision)],
        )
        .await
}

/// The query parameters of a redirect to the client.
fn redirect_params(r: &Response) -> Vec<(String, String)> {
    let location = header(r, "location");
    assert_eq!(r.status(), 303, "a redirect to the client: {location}");
    let url = url::Url::parse(&location).unwrap_or_else(|e| panic!("{location}: {e}"));
    url.query_pairs().into_owned().collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

async fn a_stock_relying_party_signs_in_end_to_end(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("alice").await;
    let secret = register_client(&app, "demo-app", true, false, DEFAULT_SCOPE).unwrap();
    let browser = signed_in(&app, "alice").await;

    let issuer = IssuerUrl::new(app.address.clone()).unwrap();
    let metadata = CoreProviderMetadata::discover_async(issuer, &http)
        .await
        .expect("discovery");
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new("demo-app".into()),
        Some(ClientSecret::new(secret)),
    )
    .set_redirect_uri(RedirectUrl::new("http://127.0.0.1:45678/callback".into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("offline_access".into()))
        .add_scope(Scope::new("profile:read".into()))
        .set_pkce_challenge(challenge)
        .url();
    let r = authorize(&app, &browser, url.as_str(), Some("allow")).await;
    assert_eq!(header(&r, "referrer-policy"), "no-referrer");
    let params = redirect_params(&r);
    assert_eq!(param(&params, "state"), Some(csrf.secret().as_str()));
    // RFC 9207: the issuer comes with the code, so a client can tell providers apart (mix-up).
    assert_eq!(param(&params, "iss"), Some(app.address.as_str()));
    let code = param(&params, "code").expect("a code").to_string();

    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("the code grant");
    let id_token = tokens.id_token().expect("an id_token with openid");
    let verifier = client.id_token_verifier();
    let claims: &CoreIdTokenClaims = id_token
        .claims(&verifier, &nonce)
        .expect("a valid id_token");
    let expected_hash = claims.access_token_hash().expect("at_hash");
    let actual = AccessTokenHash::from_token(
        tokens.access_token(),
        id_token.signing_alg().unwrap(),
        id_token.signing_key(&verifier).unwrap(),
    )
    .unwrap();
    assert_eq!(&actual, expected_hash);
    assert_eq!(
        claims.preferred_username().map(|u| u.as_str()),
        Some("alice")
    );
    assert_eq!(
        claims.email().map(|e| e.as_str()),
        Some("alice@example.com")
    );
    assert!(claims.auth_time().is_some());

    let info: CoreUserInfoClaims = client
        .user_info(tokens.access_token().clone(), None)
        .unwrap()
        .request_async(&http)
        .await
        .expect("userinfo");
    assert_eq!(info.subject().as_str(), claims.subject().as_str());
    assert_eq!(info.email().map(|e| e.as_str()), Some("alice@example.com"));

    // The access token opens the API routes of its scopes, and no session route.
    let access = tokens.access_token().secret().clone();
    assert_eq!(app.me(&access).await.status(), 200);
    let r = send(app.bearer.get("/api/users/me/tokens", &access)).await;
    assert_eq!(r.status(), 403, "a session route");
    let r = send(app.bearer.get("/api/posts?mine=true", &access)).await;
    assert_ne!(r.status(), 401);

    // Refresh: a new pair, a new id_token with the same auth_time and no nonce.
    let refresh = tokens.refresh_token().expect("a refresh token").clone();
    let refreshed = client
        .exchange_refresh_token(&refresh)
        .unwrap()
        .request_async(&http)
        .await
        .expect("the refresh grant");
    let again = refreshed.id_token().expect("a new id_token");
    let raw: Value = payload_of(&again.to_string());
    assert!(raw.get("nonce").is_none(), "{raw}");
    assert_eq!(
        raw["auth_time"].as_i64(),
        claims.auth_time().map(|t| t.timestamp())
    );
    assert_ne!(
        refreshed.refresh_token().unwrap().secret(),
        refresh.secret()
    );

    // The client's tokens end with the browser session only when not offline: this one holds
    // offline_access, so signing out of Sigil leaves it.
    let csrf = browser.csrf_token().await;
    let r = browser.form("/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(r.status(), 303);
    let fresh = refreshed.access_token().secret().clone();
    assert_eq!(
        app.me(&fresh).await.status(),
        200,
        "offline_access outlives the browser"
    );
}

fn payload_of(jwt: &str) -> Value {
    use base64::Engine as _;
    let payload = jwt.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// A PKCE pair: the verifier and its S256 challenge.
fn pkce() -> (String, String) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    (verifier.secret().clone(), challenge.as_str().to_string())
}

fn authorize_url(
    app: &TestApp,
    client_id: &str,
    redirect: &str,
    scope: &str,
    challenge: &str,
    extra: &[(&str, &str)],
) -> String {
    let mut url = url::Url::parse(&app.url("/oauth/authorize")).unwrap();
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect)
            .append_pair("response_type", "code")
            .append_pair("scope", scope)
            .append_pair("state", "st-1")
            .append_pair("code_challenge", challenge)
            .append_pair("code_challenge_method", "S256");
        for (k, v) in extra {
            q.append_pair(k, v);
        }
    }
    url.to_string()
}

async fn token(app: &TestApp, form: &[(&str, &str)]) -> Response {
    app.token_form(form).await
}

async fn oauth_error(r: Response, status: u16) -> String {
    assert_eq!(r.status(), status);
    let body: Value = r.json().await.unwrap();
    body["error"].as_str().unwrap().to_string()
}

/// Gets a code for `client_id` through the browser (consenting when asked).
async fn code_for(
    app: &TestApp,
    browser: &Browser,
    client_id: &str,
    redirect: &str,
    challenge: &str,
) -> String {
    let url = authorize_url(
        app,
        client_id,
        redirect,
        "openid profile:read",
        challenge,
        &[],
    );
    let path = url.strip_prefix(&app.address).unwrap();
    let r = send(browser.get(path)).await;
    let r = if r.status() == 200 {
        let html = r.text().await.unwrap();
        let action = html
            .split(r#"<form method="post" action="/oauth/authorize/"#)
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(|id| format!("/oauth/authorize/{id}"))
            .unwrap()
            .to_string();
        browser
            .form(
                &action,
                &[("csrf_token", &csrf_of(&html)), ("decision", "allow")],
            )
            .await
    } else {
        r
    };
    let params = redirect_params(&r);
    param(&params, "code").expect("a code").to_string()
}

async fn a_public_client_on_any_loopback_port_with_remembered_consent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("bob").await;
    assert!(register_client(&app, "cli-tool", false, false, DEFAULT_SCOPE).is_none());
    let browser = signed_in(&app, "bob").await;
    let (verifier, challenge) = pkce();
    let redirect = "http://127.0.0.1:61234/callback";
    let code = code_for(&app, &browser, "cli-tool", redirect, &challenge).await;
    let r = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "cli-tool"),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "cache-control"), "no-store");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["scope"], "openid profile:read");
    let claims = payload_of(body["access_token"].as_str().unwrap());
    assert_eq!(claims["client_id"], "cli-tool");
    assert_eq!(claims["iss"], app.address.as_str());
    assert!(claims.get("username").is_none(), "RFC 9068 §6: {claims}");

    // The consent is remembered: the next request goes straight back with a code, on
    // another port, and prompt=none works.
    let (_, challenge) = pkce();
    let url = authorize_url(
        &app,
        "cli-tool",
        "http://127.0.0.1:5000/callback",
        "openid profile:read",
        &challenge,
        &[("prompt", "none")],
    );
    let r = send(browser.get(url.strip_prefix(&app.address).unwrap())).await;
    let params = redirect_params(&r);
    assert!(param(&params, "code").is_some(), "{params:?}");

    // A public client sends no secret: a secret is invalid_request.
    let r = token(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "cli-tool"),
            ("client_secret", "sigil_cs_x"),
            ("refresh_token", body["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(oauth_error(r, 400).await, "invalid_request");
    // Its refresh token with its client_id works.
    let r = token(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "cli-tool"),
            ("refresh_token", body["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
}

async fn codes_are_single_use_bound_and_pkce_is_required(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("carol").await;
    let secret = register_client(&app, "app-a", true, true, DEFAULT_SCOPE).unwrap();
    let other = register_client(&app, "app-b", true, true, DEFAULT_SCOPE).unwrap();
    let browser = signed_in(&app, "carol").await;
    let redirect = "https://app.example/cb";

    // A wrong verifier, another redirect_uri, another client: invalid_grant (the code is
    // burnt by the first try, as it should be for a code in the wrong hands).
    for (client_id, client_secret, uri, wrong_verifier) in [
        ("app-a", secret.as_str(), redirect, true),
        ("app-a", secret.as_str(), "https://app.example/cb2", false),
        ("app-b", other.as_str(), redirect, false),
    ] {
        let (verifier, challenge) = pkce();
        let code = code_for(&app, &browser, "app-a", redirect, &challenge).await;
        let verifier = match wrong_verifier {
            true => pkce().0,
            false => verifier,
        };
        let r = token(
            &app,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", client_id),
                ("client_secret", client_secret),
                ("code", &code),
                ("redirect_uri", uri),
                ("code_verifier", &verifier),
            ],
        )
        .await;
        assert_eq!(
            oauth_error(r, 400).await,
            "invalid_grant",
            "{client_id} {uri}"
        );
    }
    // A missing verifier is invalid_grant too.
    let (_, challenge) = pkce();
    let code = code_for(&app, &browser, "app-a", redirect, &challenge).await;
    let r = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "app-a"),
            ("client_secret", &secret),
            ("code", &code),
            ("redirect_uri", redirect),
        ],
    )
    .await;
    assert_eq!(oauth_error(r, 400).await, "invalid_grant");

    // Replay: the second use fails and the tokens of the first are revoked.
    let (verifier, challenge) = pkce();
    let code = code_for(&app, &browser, "app-a", redirect, &challenge).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", "app-a"),
        ("client_secret", secret.as_str()),
        ("code", code.as_str()),
        ("redirect_uri", redirect),
        ("code_verifier", verifier.as_str()),
    ];
    let r = token(&app, &form).await;
    assert_eq!(r.status(), 200);
    let first: Value = r.json().await.unwrap();
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(app.me(access).await.status(), 200);
    let r = token(&app, &form).await;
    assert_eq!(oauth_error(r, 400).await, "invalid_grant");
    assert_eq!(
        app.me(access).await.status(),
        401,
        "tokens of a replayed code are revoked"
    );

    // PKCE downgrade at the authorization endpoint: no challenge, plain, malformed.
    for extra in [
        vec![("code_challenge_method", "plain")],
        vec![("code_challenge", "too-short")],
    ] {
        let url = authorize_url(&app, "app-a", redirect, "openid", &pkce().1, &extra);
        let url = url.replace("code_challenge_method=S256&", "");
        let r = send(browser.get(url.strip_prefix(&app.address).unwrap())).await;
        let params = redirect_params(&r);
        assert_eq!(
            param(&params, "error"),
            Some("invalid_request"),
            "{extra:?}"
        );
        assert_eq!(param(&params, "state"), Some("st-1"));
        assert_eq!(param(&params, "iss"), Some(app.address.as_str()));
    }
    // Wrong client secret: 401 invalid_client with the Basic challenge.
    let r = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "app-a"),
            ("client_secret", &other),
            ("code", "x"),
            ("redirect_uri", redirect),
            ("code_verifier", &pkce().0),
        ],
    )
    .await;
    assert!(header(&r, "www-authenticate").starts_with("Basic"));
    assert_eq!(oauth_error(r, 401).await, "invalid_client");
}

async fn redirect_uri_tricks_and_unknown_clients_get_a_page_never_a_redirect(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("dave").await;
    register_client(&app, "app", true, false, DEFAULT_SCOPE);
    let browser = signed_in(&app, "dave").await;
    let challenge = pkce().1;
    for redirect in [
        "https://app.example/cb/",
        "https://app.example/cbx",
        "https://app.example/c",
        "https://app.example:444/cb",
        "http://app.example/cb",
        "https://user@app.example/cb",
        "https://app.example/cb#x",
        "https://app.example.evil.example/cb",
        "http://localhost/callback",
        "http://127.0.0.1.nip.io/callback",
        "https://evil.example/cb",
    ] {
        let url = authorize_url(&app, "app", redirect, "openid", &challenge, &[]);
        let r = send(browser.get(url.strip_prefix(&app.address).unwrap())).await;
        assert_eq!(r.status(), 400, "{redirect}");
        assert!(r.headers().get("location").is_none(), "{redirect}");
    }
    // A second redirect_uri, an unknown client, no client: pages too.
    let url = authorize_url(
        &app,
        "app",
        "https://app.example/cb",
        "openid",
        &challenge,
        &[("redirect_uri", "https://evil.example/cb")],
    );
    let r = send(browser.get(url.strip_prefix(&app.address).unwrap())).await;
    assert_eq!(r.status(), 400);
    let url = authorize_url(
        &app,
        "nobody",
        "https://app.example/cb",
        "openid",
        &challenge,
        &[],
    );
    let r = send(browser.get(url.strip_prefix(&app.address).unwrap())).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("not registered"));
    let r = send(browser.get("/oauth/authorize?redirect_uri=https://evil.example/")).await;
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());
}

async fn consent_cannot_be_bypassed_forged_or_taken_over(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("erin").await;
    app.user("mallory").await;
    register_client(&app, "third", true, false, DEFAULT_SCOPE);
    let erin = signed_in(&app, "erin").await;
    let challenge = pkce().1;
    let redirect = "https://app.example/cb";

    // prompt=none for a client never consented to: consent_required, no code.
    let url = authorize_url(
        &app,
        "third",
        redirect,
        "openid",
        &challenge,
        &[("prompt", "none")],
    );
    let r = send(erin.get(url.strip_prefix(&app.address).unwrap())).await;
    let params = redirect_params(&r);
    assert_eq!(param(&params, "error"), Some("consent_required"));
    assert!(param(&params, "code").is_none());

    // Without a session, prompt=none: login_required. Without prompt: the login page.
    let anon = app.new_browser();
    let r = send(anon.get(url.strip_prefix(&app.address).unwrap())).await;
    assert_eq!(r.status(), 200, "the same-site continue page");
    let html = r.text().await.unwrap();
    let href = html
        .split("url=")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = send(anon.get(&href)).await;
    assert_eq!(param(&redirect_params(&r), "error"), Some("login_required"));
    let url = authorize_url(&app, "third", redirect, "openid", &challenge, &[]);
    let r = send(anon.get(url.strip_prefix(&app.address).unwrap())).await;
    let html = r.text().await.unwrap();
    let href = html
        .split("url=")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = send(anon.get(&href)).await;
    assert_eq!(r.status(), 303);
    assert!(
        header(&r, "location").starts_with("/login?next=/oauth/authorize/"),
        "{}",
        header(&r, "location")
    );

    // Erin's consent page: a forged POST (no CSRF token) does nothing.
    let r = send(erin.get(url.strip_prefix(&app.address).unwrap())).await;
    assert_eq!(r.status(), 200);
    let csp = header(&r, "content-security-policy");
    assert!(
        csp.contains("form-action 'self' https://app.example"),
        "{csp}"
    );
    let html = r.text().await.unwrap();
    let action = html
        .split(r#"<form method="post" action="/oauth/authorize/"#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|id| format!("/oauth/authorize/{id}"))
        .unwrap()
        .to_string();
    let r = erin.form(&action, &[("decision", "allow")]).await;
    assert_eq!(r.status(), 403, "no CSRF token");
    // Mallory cannot continue Erin's request, even with her own CSRF token.
    let mallory = signed_in(&app, "mallory").await;
    let r = send(mallory.get(&action)).await;
    assert_eq!(r.status(), 400, "another user's request");
    let csrf = mallory.csrf_token().await;
    let r = mallory
        .form(&action, &[("csrf_token", &csrf), ("decision", "allow")])
        .await;
    assert_eq!(r.status(), 400);
    // "Not you?": Mallory signs out from her own consent page and is asked to sign in for
    // the same request.
    let url = authorize_url(&app, "third", redirect, "openid", &challenge, &[]);
    let r = send(mallory.get(url.strip_prefix(&app.address).unwrap())).await;
    let page = r.text().await.unwrap();
    let next = page
        .split(r#"name="next" value=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the not-you form")
        .to_string();
    let r = mallory
        .form(
            "/logout",
            &[("csrf_token", &csrf_of(&page)), ("next", &next)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(
        header(&r, "location").starts_with("/login?next="),
        "{}",
        header(&r, "location")
    );
    assert_eq!(
        send(mallory.get("/account")).await.status(),
        303,
        "signed out"
    );
    // Erin denies: access_denied, and the request is used up.
    let r = erin
        .form(
            &action,
            &[("csrf_token", &csrf_of(&html)), ("decision", "deny")],
        )
        .await;
    let params = redirect_params(&r);
    assert_eq!(param(&params, "error"), Some("access_denied"));
    assert_eq!(param(&params, "state"), Some("st-1"));
    let r = erin
        .form(
            &action,
            &[("csrf_token", &csrf_of(&html)), ("decision", "allow")],
        )
        .await;
    assert_eq!(r.status(), 400, "a used request");
}

async fn client_tokens_stay_in_their_lane(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let frank = app.user("frank").await;
    let secret = register_client(&app, "lane", true, true, DEFAULT_SCOPE).unwrap();
    let other = register_client(&app, "other", true, true, DEFAULT_SCOPE).unwrap();
    let browser = signed_in(&app, "frank").await;
    let redirect = "https://app.example/cb";
    let (verifier, challenge) = pkce();
    let code = code_for(&app, &browser, "lane", redirect, &challenge).await;
    let r = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "lane"),
            ("client_secret", &secret),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    let refresh = body["refresh_token"].as_str().unwrap();
    let id_token = body["id_token"].as_str().unwrap();
    let access = body["access_token"].as_str().unwrap();

    // An id_token is never an access token.
    assert_eq!(app.me(id_token).await.status(), 401);
    // A client's token without openid-only routes: userinfo needs openid (this one has it);
    // a first-party token at userinfo is insufficient_scope.
    let r = send(app.bearer.get("/oauth/userinfo", access)).await;
    assert_eq!(r.status(), 200);
    let r = send(app.bearer.get("/oauth/userinfo", &frank.access_token)).await;
    assert_eq!(r.status(), 403);
    assert!(header(&r, "www-authenticate").contains("insufficient_scope"));
    let r = send(app.anon.get("/oauth/userinfo")).await;
    assert_eq!(r.status(), 401);

    // Another client's refresh token, the client's token without its client, a first-party
    // token with client credentials: invalid_grant, and nothing changes.
    let r = token(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "other"),
            ("client_secret", &other),
            ("refresh_token", refresh),
        ],
    )
    .await;
    assert_eq!(oauth_error(r, 400).await, "invalid_grant");
    let r = token(
        &app,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    )
    .await;
    assert_eq!(oauth_error(r, 400).await, "invalid_grant");
    let r = token(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "lane"),
            ("client_secret", &secret),
            ("refresh_token", &frank.refresh_token),
        ],
    )
    .await;
    assert_eq!(oauth_error(r, 400).await, "invalid_grant");
    // Scope may narrow, never widen.
    let r = token(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "lane"),
            ("client_secret", &secret),
            ("refresh_token", refresh),
            ("scope", "openid posts:write"),
        ],
    )
    .await;
    assert_eq!(oauth_error(r, 400).await, "invalid_scope");
    let r = token(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "lane"),
            ("client_secret", &secret),
            ("refresh_token", refresh),
            ("scope", "openid"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200, "the untouched token still works");
    let narrowed: Value = r.json().await.unwrap();
    assert_eq!(narrowed["scope"], "openid");
    let r = send(
        app.bearer
            .get("/api/users/me", narrowed["access_token"].as_str().unwrap()),
    )
    .await;
    assert_eq!(r.status(), 403, "profile:read was narrowed away");

    // Basic and post at once: invalid_request. Basic alone works.
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("lane:{secret}"));
    let r = send(
        app.anon
            .post("/api/auth/token")
            .header("authorization", format!("Basic {basic}"))
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_secret", secret.as_str()),
                ("refresh_token", narrowed["refresh_token"].as_str().unwrap()),
            ]),
    )
    .await;
    assert_eq!(oauth_error(r, 400).await, "invalid_request");

    // A code-flow session without offline_access ends with its browser session.
    let csrf = browser.csrf_token().await;
    let r = browser.form("/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(r.status(), 303);
    let latest = narrowed["access_token"].as_str().unwrap();
    let r = send(app.bearer.get("/oauth/userinfo", latest)).await;
    assert_eq!(r.status(), 401, "the browser session ended");
}
