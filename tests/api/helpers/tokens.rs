//! Tokens in tests: decoding a JWT's segments, the pair's two tokens, a token signed as if
//! issued a while ago, the `mfa_token` of a sign-in's first step, the RFC 9470 challenge, and the
//! foreign-issuer fixtures (tests/fixtures/foreign/make.py made them).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use reqwest::Response;
use serde_json::{json, Value};

use super::app::{TestApp, PASSWORD, SECRET_KEY};
use super::clients::{header, problem};

/// One base64url segment of a token (0 the header, 1 the claims), decoded as JSON.
pub fn segment(token: &str, index: usize) -> Value {
    let part = token.split('.').nth(index).expect("a JWT segment");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
}

/// The header and the claims of a token, decoded.
pub fn header_and_claims(token: &str) -> (Value, Value) {
    (segment(token, 0), segment(token, 1))
}

/// Signs an access token for `user_id`/`sid` with the test server's secret, as if issued
/// `age` seconds ago.
pub fn token_issued_ago(user_id: i32, username: &str, sid: &str, age: i64) -> String {
    use sigil::auth::jwt::{issue, Subject};
    use sigil::auth::keys::TokenKeys;
    let keys = TokenKeys::hmac(SECRET_KEY.as_bytes());
    let subject = Subject {
        user_id,
        username,
        session_id: sid,
        auth_time: time::OffsetDateTime::now_utc().unix_timestamp() - age,
        amr: &["pwd".to_string()],
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    issue(&keys, &sigil::testing::policy(), &subject, now - age)
        .unwrap()
        .0
}

/// The access token of a token pair's JSON.
pub fn access_of(pair: &Value) -> &str {
    pair["access_token"].as_str().expect("an access_token")
}

/// The refresh token of a token pair's JSON.
pub fn refresh_of(pair: &Value) -> &str {
    pair["refresh_token"].as_str().expect("a refresh_token")
}

/// The JSON login of a user with a second factor: checked to be the 403 `mfa-required`
/// problem without any token; its `mfa_token`.
pub async fn mfa_token(app: &TestApp, username: &str) -> String {
    mfa_token_offering(app, username, &["totp", "recovery_code"]).await
}

/// [`mfa_token`] for a user whose second step offers exactly `methods`.
pub async fn mfa_token_offering(app: &TestApp, username: &str, methods: &[&str]) -> String {
    let r = app
        .login(json!({"username": username, "password": PASSWORD}))
        .await;
    let body = problem(r, 403).await;
    assert!(
        body["type"].as_str().unwrap().ends_with("/mfa-required"),
        "{body}"
    );
    assert_eq!(body["methods"], json!(methods));
    assert!(body.get("access_token").is_none() && body.get("refresh_token").is_none());
    body["mfa_token"]
        .as_str()
        .expect("an mfa_token")
        .to_string()
}

/// The claims of the access token of a pair.
pub fn claims(pair: &Value) -> Value {
    header_and_claims(access_of(pair)).1
}

pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Checks the RFC 9470 challenge with `max_age`.
pub async fn assert_challenge(r: Response, max_age: u64, what: &str) {
    assert_eq!(r.status(), 401, "{what}");
    let challenge = header(&r, "www-authenticate");
    assert!(
        challenge.starts_with("Bearer ")
            && challenge.contains(r#"error="insufficient_user_authentication""#)
            && challenge.contains("error_description=")
            && challenge.contains(&format!("max_age={max_age}")),
        "{what}: {challenge}"
    );
    let body = problem(r, 401).await;
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .ends_with("/insufficient-user-authentication"),
        "{what}: {body}"
    );
}

const FIXTURES: &str = include_str!("../../fixtures/foreign/fixtures.json");
/// jwt.io's long-standing example token, signed with "your-256-bit-secret".
pub const JWT_IO: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

/// The fixture of every algorithm: alg, token, pem/private_pem or secret, jwk, jwks, wrong_*.
pub fn fixtures() -> Vec<Value> {
    let all: Value = serde_json::from_str(FIXTURES).unwrap();
    all["tokens"].as_array().unwrap().clone()
}

pub fn fixture(alg: &str) -> Value {
    fixtures().into_iter().find(|f| f["alg"] == alg).unwrap()
}
