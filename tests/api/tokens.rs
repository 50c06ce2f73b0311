//! Access tokens forged the way an attacker would: each is refused with a 401 `invalid_token`
//! challenge, and the genuine token it was made from keeps working. Revocation, deleted users
//! and where a token may be presented, through real HTTP against `GET /api/users/me`.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use reqwest::Response;
use serde_json::{json, Value};
use sigil::auth::keys::TokenKeys;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, TestUser, PASSWORD, SECRET_KEY};

backend_tests!(
    a_token_resigned_with_the_server_secret_is_accepted,
    forged_tokens_are_refused_and_the_genuine_one_still_works,
    an_oversized_token_header_is_refused_without_a_500,
    a_token_of_a_deleted_user_is_refused,
    a_revoked_token_is_refused,
    a_token_revoked_through_one_instance_is_refused_by_the_other,
    a_token_in_the_query_string_is_ignored,
    a_token_in_the_access_token_cookie_works_for_get,
);

/// A key the attacker chose; the server has never seen it.
const ATTACKER_KEY: &[u8] = b"attacker-chosen-key-0123456789-abcdefghij";

/// How a forged token is signed.
#[derive(Clone, Copy)]
enum Signing<'a> {
    /// An empty third segment, as `alg: none` asks for.
    Unsigned,
    Hs256(&'a [u8]),
    Hs384(&'a [u8]),
    Hs512(&'a [u8]),
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn mac<M: hmac::Mac + hmac::digest::KeyInit>(key: &[u8], input: &[u8]) -> Vec<u8> {
    let mut m = <M as hmac::Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    m.update(input);
    m.finalize().into_bytes().to_vec()
}

/// Builds a compact JWS from arbitrary header and payload JSON, signed as `signing` says.
fn forge(header: &Value, payload: &Value, signing: Signing<'_>) -> String {
    let input = format!("{}.{}", b64(header.to_string()), b64(payload.to_string()));
    let signature = match signing {
        Signing::Unsigned => Vec::new(),
        Signing::Hs256(key) => mac::<hmac::Hmac<sha2::Sha256>>(key, input.as_bytes()),
        Signing::Hs384(key) => mac::<hmac::Hmac<sha2::Sha384>>(key, input.as_bytes()),
        Signing::Hs512(key) => mac::<hmac::Hmac<sha2::Sha512>>(key, input.as_bytes()),
    };
    format!("{input}.{}", b64(signature))
}

/// One base64url segment of a token, decoded as JSON.
fn segment(token: &str, index: usize) -> Value {
    let part = token.split('.').nth(index).expect("a JWT segment");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64
}

/// A copy of a JSON object (a header or claims) with `key` set to `value`.
fn with(base: &Value, key: &str, value: Value) -> Value {
    let mut copy = base.clone();
    copy[key] = value;
    copy
}

/// A copy of a JSON object (a header or claims) without `key`.
fn without(base: &Value, key: &str) -> Value {
    let mut copy = base.clone();
    copy.as_object_mut().expect("a JSON object").remove(key);
    copy
}

/// Asserts a 401 whose challenge carries `error="invalid_token"`, and returns the challenge.
async fn assert_invalid_token(r: Response, case: &str) -> String {
    assert_eq!(r.status(), 401, "{case}: status");
    let challenge = r
        .headers()
        .get("www-authenticate")
        .unwrap_or_else(|| panic!("{case}: no WWW-Authenticate header"))
        .to_str()
        .unwrap_or_else(|_| panic!("{case}: WWW-Authenticate is not ASCII"))
        .to_string();
    assert!(
        challenge.starts_with(r#"Bearer realm="sigil""#)
            && challenge.contains(r#"error="invalid_token""#),
        "{case}: {challenge}"
    );
    challenge
}

async fn assert_genuine_still_works(app: &TestApp, user: &TestUser, case: &str) {
    let r = app.me(&user.access_token).await;
    assert_eq!(
        r.status(),
        200,
        "{case}: the genuine token stopped working after the forged request"
    );
}

async fn a_token_resigned_with_the_server_secret_is_accepted(b: Backend) {
    // The control for every forgery below: the helper re-signing the genuine header and claims
    // with the server's own secret makes a token the server takes, so each refusal is owed to
    // the one thing a case changes.
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let (header, claims) = (
        segment(&alice.access_token, 0),
        segment(&alice.access_token, 1),
    );
    assert_eq!(header["alg"], "HS256");
    assert_eq!(header["typ"], "at+jwt");
    assert_eq!(
        header["kid"],
        json!(TokenKeys::hmac(SECRET_KEY.as_bytes()).kid)
    );
    let token = forge(&header, &claims, Signing::Hs256(SECRET_KEY.as_bytes()));
    let r = app.me(&token).await;
    assert_eq!(r.status(), 200, "re-signed genuine token");
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["username"], "alice");
}

async fn forged_tokens_are_refused_and_the_genuine_one_still_works(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let genuine = alice.access_token.as_str();
    let parts: Vec<&str> = genuine.split('.').collect();
    let (header, claims) = (segment(genuine, 0), segment(genuine, 1));
    let right = Signing::Hs256(SECRET_KEY.as_bytes());
    let now = unix_now();
    let attacker_jwk = json!({"kty": "oct", "k": b64(ATTACKER_KEY)});
    let tampered = with(&claims, "sub", json!(bob.id.to_string()));
    let bob_signature = bob.access_token.rsplit('.').next().unwrap();

    // (case, words of the error_description that say why, token). Each token differs from the
    // genuine one in one respect; the attacks that need two (a planted key and the signature it
    // makes) have a twin signed with the right secret, so the header alone is shown refused.
    let mut cases: Vec<(String, &str, String)> = ["none", "None", "NONE", "nOnE"]
        .into_iter()
        .map(|alg| {
            let token = forge(
                &with(&header, "alg", json!(alg)),
                &claims,
                Signing::Unsigned,
            );
            (format!("alg {alg}, empty signature"), "algorithm", token)
        })
        .collect();
    let named: Vec<(&str, &str, String)> = vec![
        (
            "alg hs256 (lower case)",
            "algorithm",
            forge(&with(&header, "alg", json!("hs256")), &claims, right),
        ),
        (
            "no alg",
            "algorithm",
            forge(&without(&header, "alg"), &claims, right),
        ),
        (
            "HS384 signed with the right secret",
            "algorithm",
            forge(
                &with(&header, "alg", json!("HS384")),
                &claims,
                Signing::Hs384(SECRET_KEY.as_bytes()),
            ),
        ),
        (
            "HS512 signed with the right secret",
            "algorithm",
            forge(
                &with(&header, "alg", json!("HS512")),
                &claims,
                Signing::Hs512(SECRET_KEY.as_bytes()),
            ),
        ),
        (
            "empty signature",
            "signature",
            format!("{}.{}.", parts[0], parts[1]),
        ),
        (
            "payload tampered: sub is another user's id, original signature",
            "signature",
            format!("{}.{}.{}", parts[0], b64(tampered.to_string()), parts[2]),
        ),
        (
            "another user's signature",
            "signature",
            format!("{}.{}.{bob_signature}", parts[0], parts[1]),
        ),
        (
            "wrong HMAC key",
            "signature",
            forge(&header, &claims, Signing::Hs256(ATTACKER_KEY)),
        ),
        (
            "HS256 signed with an empty key",
            "signature",
            forge(&header, &claims, Signing::Hs256(b"")),
        ),
        (
            "expired past the leeway (exp = now - 60)",
            "expired",
            forge(&header, &with(&claims, "exp", json!(now - 60)), right),
        ),
        (
            "not valid yet (nbf = now + 600)",
            "nbf",
            forge(&header, &with(&claims, "nbf", json!(now + 600)), right),
        ),
        (
            "no exp",
            "exp",
            forge(&header, &without(&claims, "exp"), right),
        ),
        (
            "exp as a string",
            "exp",
            forge(
                &header,
                &with(&claims, "exp", json!((now + 600).to_string())),
                right,
            ),
        ),
        (
            "wrong iss",
            "iss",
            forge(
                &header,
                &with(&claims, "iss", json!("https://evil.example")),
                right,
            ),
        ),
        (
            "no iss",
            "iss",
            forge(&header, &without(&claims, "iss"), right),
        ),
        (
            "wrong aud",
            "aud",
            forge(&header, &with(&claims, "aud", json!("elsewhere")), right),
        ),
        (
            "wrong aud in a list",
            "aud",
            forge(&header, &with(&claims, "aud", json!(["elsewhere"])), right),
        ),
        (
            "no aud",
            "aud",
            forge(&header, &without(&claims, "aud"), right),
        ),
        (
            "sub not a number",
            "sub",
            forge(&header, &with(&claims, "sub", json!("alice")), right),
        ),
        (
            "kid ../../dev/null, right secret",
            "key",
            forge(
                &with(&header, "kid", json!("../../dev/null")),
                &claims,
                right,
            ),
        ),
        (
            "kid ../../dev/null, signed with an empty key",
            "key",
            forge(
                &with(&header, "kid", json!("../../dev/null")),
                &claims,
                Signing::Hs256(b""),
            ),
        ),
        (
            "kid ' OR 1=1 --",
            "key",
            forge(&with(&header, "kid", json!("' OR 1=1 --")), &claims, right),
        ),
        (
            "no kid",
            "kid",
            forge(&without(&header, "kid"), &claims, right),
        ),
        (
            "jku header",
            "jku",
            forge(
                &with(&header, "jku", json!("https://evil.example/jwks.json")),
                &claims,
                right,
            ),
        ),
        (
            "x5u header",
            "x5u",
            forge(
                &with(&header, "x5u", json!("https://evil.example/cert.pem")),
                &claims,
                right,
            ),
        ),
        (
            "x5c header",
            "x5c",
            forge(
                &with(&header, "x5c", json!(["MIIBszCCAVmgAwIBAgIJAL"])),
                &claims,
                right,
            ),
        ),
        (
            "jwk header with the attacker's key, signed with it",
            "jwk",
            forge(
                &with(
                    &with(&header, "kid", json!("attacker")),
                    "jwk",
                    attacker_jwk.clone(),
                ),
                &claims,
                Signing::Hs256(ATTACKER_KEY),
            ),
        ),
        (
            "jwk header, right secret",
            "jwk",
            forge(&with(&header, "jwk", attacker_jwk), &claims, right),
        ),
        (
            "typ JWT",
            "type",
            forge(&with(&header, "typ", json!("JWT")), &claims, right),
        ),
        (
            "no typ",
            "typ",
            forge(&without(&header, "typ"), &claims, right),
        ),
        (
            "crit header",
            "crit",
            forge(&with(&header, "crit", json!(["exp"])), &claims, right),
        ),
        (
            "signature removed (2 segments)",
            "three segments",
            format!("{}.{}", parts[0], parts[1]),
        ),
        ("2 segments", "three segments", "abc.def".to_string()),
        (
            "4 segments",
            "three segments",
            format!("{genuine}.{}", parts[2]),
        ),
        ("empty bearer token", "three segments", String::new()),
        (
            "header not base64url",
            "header is not valid base64url",
            format!("!!!.{}.{}", parts[1], parts[2]),
        ),
        (
            "payload not base64url",
            "payload is not valid base64url",
            format!("{}.!!!.{}", parts[0], parts[2]),
        ),
        (
            "signature not base64url",
            "signature is not valid base64url",
            format!("{}.{}.!!!", parts[0], parts[1]),
        ),
        (
            "header not JSON",
            "header is not a JSON object",
            format!("{}.{}.{}", b64("not json"), parts[1], parts[2]),
        ),
    ];
    cases.extend(
        named
            .into_iter()
            .map(|(case, why, token)| (case.to_string(), why, token)),
    );

    for (case, why, token) in &cases {
        let challenge = assert_invalid_token(app.me(token).await, case).await;
        assert!(
            challenge.contains(why),
            "{case}: refused, but not for its {why}: {challenge}"
        );
        assert_genuine_still_works(&app, &alice, case).await;
    }
}

async fn an_oversized_token_header_is_refused_without_a_500(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let (header, claims) = (
        segment(&alice.access_token, 0),
        segment(&alice.access_token, 1),
    );
    // actix-web answers 431 when the request head outgrows its buffer before it is parsed, which
    // depends on how the bytes arrive; either refusal is fine, a 500 or a 200 is not.
    let padded = with(&header, "pad", json!("x".repeat(100 * 1024)));
    for (case, token) in [
        (
            "100 KB header, signed with an attacker's key",
            forge(&padded, &claims, Signing::Hs256(ATTACKER_KEY)),
        ),
        (
            "100 KB header, alg none",
            forge(
                &with(&padded, "alg", json!("none")),
                &claims,
                Signing::Unsigned,
            ),
        ),
    ] {
        let r = app.me(&token).await;
        match r.status().as_u16() {
            401 => {
                assert_invalid_token(r, case).await;
            }
            431 => {}
            other => panic!("{case}: status {other}, expected 401 or 431"),
        }
        assert_genuine_still_works(&app, &alice, case).await;
    }
}

async fn a_token_of_a_deleted_user_is_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    assert_eq!(app.me(&alice.access_token).await.status(), 200);
    let url = sigil::config::DatabaseUrl::parse(&app.database_url).expect("database URL");
    let id = i32::try_from(alice.id).expect("a user id fits in i32");
    let deleted = tokio::task::spawn_blocking(move || {
        let db = sigil::db::Db::connect(&url, 1).expect("connect to the test database");
        let mut conn = db.get().expect("a connection");
        sigil::db::users::User::delete(&mut conn, id).expect("delete the user")
    })
    .await
    .expect("blocking task");
    assert_eq!(deleted, 1, "one user row deleted");
    assert_invalid_token(app.me(&alice.access_token).await, "deleted user").await;
    assert_genuine_still_works(&app, &bob, "deleted user (another user)").await;
}

async fn a_revoked_token_is_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let other = app.login_pair("alice", PASSWORD).await;
    assert_eq!(app.me(&alice.access_token).await.status(), 200);
    assert_eq!(app.logout(&alice.access_token).await.status(), 204);
    assert_invalid_token(app.me(&alice.access_token).await, "revoked token").await;
    let other = other["access_token"].as_str().unwrap();
    assert_eq!(
        app.me(other).await.status(),
        200,
        "another login of the same user is not revoked"
    );
}

async fn a_token_revoked_through_one_instance_is_refused_by_the_other(b: Backend) {
    let one = TestApp::spawn(b).await;
    let two = one.spawn_sibling().await;
    let alice = one.user("alice").await;
    // Both instances have seen the token as good before it is revoked.
    assert_eq!(one.me(&alice.access_token).await.status(), 200);
    assert_eq!(two.me(&alice.access_token).await.status(), 200);
    assert_eq!(one.logout(&alice.access_token).await.status(), 204);
    assert_invalid_token(
        two.me(&alice.access_token).await,
        "revoked on one, used on two",
    )
    .await;
    assert_invalid_token(
        one.me(&alice.access_token).await,
        "revoked on one, used on one",
    )
    .await;
    // And the other way round.
    let pair = two.login_pair("alice", PASSWORD).await;
    let token = pair["access_token"].as_str().unwrap();
    assert_eq!(one.me(token).await.status(), 200);
    assert_eq!(two.logout(token).await.status(), 204);
    assert_invalid_token(one.me(token).await, "revoked on two, used on one").await;
}

async fn a_token_in_the_query_string_is_ignored(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    for name in ["access_token", "token", "jwt"] {
        let r = app
            .anon
            .get(app.url(&format!("/api/users/me?{name}={}", alice.access_token)))
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), 401, "?{name}=");
        // No credential was sent, so the challenge carries no error attribute.
        assert_eq!(
            r.headers()["www-authenticate"],
            r#"Bearer realm="sigil""#,
            "?{name}="
        );
    }
    assert_genuine_still_works(&app, &alice, "query string").await;
}

async fn a_token_in_the_access_token_cookie_works_for_get(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let r = app
        .anon
        .get(app.url("/api/users/me"))
        .header("cookie", format!("access_token={}", alice.access_token))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200, "cookie access_token");
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["username"], "alice");
    // A forged cookie is refused like a forged header.
    let (header, claims) = (
        segment(&alice.access_token, 0),
        segment(&alice.access_token, 1),
    );
    let forged = forge(&header, &claims, Signing::Unsigned);
    let r = app
        .anon
        .get(app.url("/api/users/me"))
        .header("cookie", format!("access_token={forged}"))
        .send()
        .await
        .expect("request");
    assert_invalid_token(r, "cookie with an unsigned token").await;
}
