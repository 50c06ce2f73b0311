use super::*;

fn client(uris: &[&str]) -> ClientRow {
    ClientRow {
        client_id: "app".into(),
        client_name: "App".into(),
        confidential: true,
        secret_hash: None,
        previous_secret_hash: None,
        previous_secret_expires_at: None,
        redirect_uris: serde_json::to_string(uris).unwrap(),
        post_logout_redirect_uris: "[]".into(),
        backchannel_logout_uri: None,
        grant_types: "authorization_code refresh_token".into(),
        scope: "openid profile email offline_access profile:read posts:read admin:read".into(),
        first_party: false,
        created_at: crate::db::now(),
        secret_rotated_at: None,
    }
}

const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn params(extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = [
        ("client_id", "app"),
        ("redirect_uri", "https://app.example/cb"),
        ("response_type", "code"),
        ("scope", "openid profile"),
        ("state", "xyz"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in extra {
        p.retain(|(name, _)| name != k);
        if !v.is_empty() {
            p.push((k.to_string(), v.to_string()));
        }
    }
    p
}

fn check(p: Vec<(String, String)>) -> Result<AuthorizationRequest, AuthorizeError> {
    Untrusted::read(p)?.check(&client(&["https://app.example/cb", "http://127.0.0.1/cb"]))
}

fn redirect_error(result: Result<AuthorizationRequest, AuthorizeError>) -> &'static str {
    match result {
        Err(AuthorizeError::Redirect(r)) => {
            assert_eq!(r.state.as_deref(), Some("xyz"));
            r.error
        }
        other => panic!("expected a redirect, got {other:?}"),
    }
}

#[test]
fn a_good_request_is_read_whole() {
    let request = check(params(&[("nonce", "n-1"), ("max_age", "60")])).unwrap();
    assert_eq!(request.scope, ["openid", "profile"]);
    assert_eq!(request.nonce.as_deref(), Some("n-1"));
    assert_eq!(request.max_age, Some(60));
    assert!(request.is_openid());
}

#[test]
fn no_client_or_no_registered_redirect_is_a_page_never_a_redirect() {
    for p in [
        params(&[("client_id", "")]),
        params(&[("redirect_uri", "")]),
        params(&[("redirect_uri", "https://app.example/cb/../evil")]),
        params(&[("redirect_uri", "https://app.example/cbx")]),
        params(&[("redirect_uri", "https://app.example/c")]),
        params(&[("redirect_uri", "https://app.example:8443/cb")]),
        params(&[("redirect_uri", "http://app.example/cb")]),
        params(&[("redirect_uri", "https://evil@app.example/cb")]),
        params(&[("redirect_uri", "https://app.example/cb#frag")]),
        params(&[("redirect_uri", "https://APP.example/cb")]),
        params(&[("redirect_uri", "https://app.example.evil.example/cb")]),
        params(&[("redirect_uri", "http://127.0.0.1.evil.example/cb")]),
        params(&[("redirect_uri", "http://127.0.0.1:80x/cb")]),
        params(&[("redirect_uri", "http://localhost/cb")]),
        params(&[("redirect_uri", "http://127.0.0.1:99999/cb")]),
        params(&[("redirect_uri", "http://127.0.0.1:0065536/cb")]),
    ] {
        assert!(
            matches!(check(p.clone()), Err(AuthorizeError::Page(_))),
            "{p:?}"
        );
    }
    let mut twice = params(&[]);
    twice.push(("redirect_uri".into(), "https://evil.example/cb".into()));
    assert!(matches!(check(twice), Err(AuthorizeError::Page(_))));
}

#[test]
fn a_loopback_ip_redirect_matches_any_port() {
    assert!(check(params(&[("redirect_uri", "http://127.0.0.1:53817/cb")])).is_ok());
    assert!(check(params(&[("redirect_uri", "http://127.0.0.1/cb")])).is_ok());
    assert!(redirect_uri_matches("http://[::1]/cb", "http://[::1]:9/cb"));
    assert!(!redirect_uri_matches(
        "http://127.0.0.1/cb",
        "http://127.0.0.1:9/cb2"
    ));
    assert!(!redirect_uri_matches(
        "https://127.0.0.1/cb",
        "https://127.0.0.1:9/cb"
    ));
}

#[test]
fn pkce_is_required_s256_only() {
    assert_eq!(
        redirect_error(check(params(&[("code_challenge", "")]))),
        "invalid_request"
    );
    assert_eq!(
        redirect_error(check(params(&[("code_challenge_method", "plain")]))),
        "invalid_request"
    );
    assert_eq!(
        redirect_error(check(params(&[("code_challenge_method", "")]))),
        "invalid_request"
    );
    assert_eq!(
        redirect_error(check(params(&[("code_challenge", "short")]))),
        "invalid_request"
    );
    assert!(verifier_matches(
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        CHALLENGE
    ));
    assert!(!verifier_matches(
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj",
        CHALLENGE
    ));
    assert!(!verifier_matches(CHALLENGE, CHALLENGE));
    assert!(!verifier_matches("short", CHALLENGE));
}

#[test]
fn every_other_error_redirects_with_its_code() {
    assert_eq!(
        redirect_error(check(params(&[("response_type", "token")]))),
        "unsupported_response_type"
    );
    assert_eq!(
        redirect_error(check(params(&[("response_type", "")]))),
        "invalid_request"
    );
    assert_eq!(
        redirect_error(check(params(&[("scope", "")]))),
        "invalid_request"
    );
    assert_eq!(
        redirect_error(check(params(&[("scope", "openid wat")]))),
        "invalid_scope"
    );
    assert_eq!(
        redirect_error(check(params(&[("scope", "openid posts:write")]))),
        "invalid_scope"
    );
    assert_eq!(
        redirect_error(check(params(&[("prompt", "none login")]))),
        "invalid_request"
    );
    assert_eq!(
        redirect_error(check(params(&[("prompt", "wat")]))),
        "invalid_request"
    );
    assert_eq!(
        redirect_error(check(params(&[("max_age", "-1")]))),
        "invalid_request"
    );
    assert_eq!(
        redirect_error(check(params(&[("response_mode", "fragment")]))),
        "invalid_request"
    );
    assert_eq!(
        redirect_error(check(params(&[("request", "eyJ")]))),
        "request_not_supported"
    );
    assert_eq!(
        redirect_error(check(params(&[("request_uri", "https://x")]))),
        "request_uri_not_supported"
    );
    assert_eq!(
        redirect_error(check(params(&[("registration", "{}")]))),
        "registration_not_supported"
    );
    let mut twice = params(&[]);
    twice.push(("scope".into(), "openid".into()));
    assert_eq!(redirect_error(check(twice)), "invalid_request");
    let long = "a".repeat(MAX_PARAM_BYTES + 1);
    assert_eq!(
        redirect_error(check(params(&[("nonce", &long)]))),
        "invalid_request"
    );
}

#[test]
fn select_account_counts_as_login_and_admin_scopes_drop_for_users() {
    let request = check(params(&[
        ("prompt", "select_account consent"),
        ("scope", "openid admin:read"),
    ]))
    .unwrap();
    assert!(request.prompt.login && request.prompt.consent && !request.prompt.none);
    assert_eq!(request.scope_for(false), ["openid"]);
    assert_eq!(request.scope_for(true), ["openid", "admin:read"]);
}

#[test]
fn redirects_keep_the_clients_query() {
    assert_eq!(
        redirect_to(
            "https://app.example/cb?a=1",
            &[("code", "x y"), ("iss", "https://id")]
        )
        .unwrap(),
        "https://app.example/cb?a=1&code=x+y&iss=https%3A%2F%2Fid"
    );
    assert_eq!(
        redirect_to("com.example.app:/cb", &[("code", "c")]).unwrap(),
        "com.example.app:/cb?code=c"
    );
}
