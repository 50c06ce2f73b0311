//! Access tokens forged the way an attacker would: each is refused with a 401 `invalid_token`
//! challenge, and the genuine token it was made from keeps working. Revocation, deleted users
//! and where a token may be presented, through real HTTP against `GET /api/users/me`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use reqwest::Response;
use serde_json::{json, Value};
use sigil::auth::keys::TokenKeys;
use sigil::testing::{forge, Signing};

use crate::backend_tests;
use crate::helpers::{
    access_of, header, header_and_claims, send, unix_now, Backend, Requests as _, TestApp,
    TestUser, PASSWORD, SECRET_KEY,
};

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

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
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
    let challenge = header(&r, "www-authenticate");
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
    let (header, claims) = header_and_claims(&alice.access_token);
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
    let (header, claims) = header_and_claims(genuine);
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
    // Each signed with the right secret unless it says otherwise.
    let set_header = |key: &str, value: Value| forge(&with(&header, key, value), &claims, right);
    let drop_header = |key: &str| forge(&without(&header, key), &claims, right);
    let set_claim = |key: &str, value: Value| forge(&header, &with(&claims, key, value), right);
    let drop_claim = |key: &str| forge(&header, &without(&claims, key), right);
    let hs384 = Signing::Hs384(SECRET_KEY.as_bytes());
    let hs512 = Signing::Hs512(SECRET_KEY.as_bytes());
    let dev_null = with(&header, "kid", json!("../../dev/null"));
    let planted = with(
        &with(&header, "kid", json!("attacker")),
        "jwk",
        attacker_jwk.clone(),
    );
    let named: Vec<(&str, &str, String)> = vec![
        (
            "alg hs256 (lower case)",
            "algorithm",
            set_header("alg", json!("hs256")),
        ),
        (
            "HS384 signed with the right secret",
            "algorithm",
            forge(&with(&header, "alg", json!("HS384")), &claims, hs384),
        ),
        (
            "HS512 signed with the right secret",
            "algorithm",
            forge(&with(&header, "alg", json!("HS512")), &claims, hs512),
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
            set_claim("exp", json!(now - 60)),
        ),
        (
            "not valid yet (nbf = now + 600)",
            "nbf",
            set_claim("nbf", json!(now + 600)),
        ),
        (
            "exp as a string",
            "exp",
            set_claim("exp", json!((now + 600).to_string())),
        ),
        (
            "wrong iss",
            "iss",
            set_claim("iss", json!("https://evil.example")),
        ),
        ("wrong aud", "aud", set_claim("aud", json!("elsewhere"))),
        (
            "wrong aud in a list",
            "aud",
            set_claim("aud", json!(["elsewhere"])),
        ),
        ("sub not a number", "sub", set_claim("sub", json!("alice"))),
        (
            "kid ../../dev/null, right secret",
            "key",
            forge(&dev_null, &claims, right),
        ),
        (
            "kid ../../dev/null, signed with an empty key",
            "key",
            forge(&dev_null, &claims, Signing::Hs256(b"")),
        ),
        (
            "kid ' OR 1=1 --",
            "key",
            set_header("kid", json!("' OR 1=1 --")),
        ),
        (
            "jku header",
            "jku",
            set_header("jku", json!("https://evil.example/jwks.json")),
        ),
        (
            "x5u header",
            "x5u",
            set_header("x5u", json!("https://evil.example/cert.pem")),
        ),
        (
            "x5c header",
            "x5c",
            set_header("x5c", json!(["MIIBszCCAVmgAwIBAgIJAL"])),
        ),
        (
            "jwk header with the attacker's key, signed with it",
            "jwk",
            forge(&planted, &claims, Signing::Hs256(ATTACKER_KEY)),
        ),
        (
            "jwk header, right secret",
            "jwk",
            set_header("jwk", attacker_jwk),
        ),
        ("typ JWT", "type", set_header("typ", json!("JWT"))),
        ("crit header", "crit", set_header("crit", json!(["exp"]))),
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
    // A member the contract requires, missing.
    for (member, why) in [("alg", "algorithm"), ("kid", "kid"), ("typ", "typ")] {
        cases.push((format!("no {member}"), why, drop_header(member)));
    }
    for member in ["exp", "iss", "aud"] {
        cases.push((format!("no {member}"), member, drop_claim(member)));
    }
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
    let (header, claims) = header_and_claims(&alice.access_token);
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
    let other = access_of(&other);
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
    let token = access_of(&pair);
    assert_eq!(one.me(token).await.status(), 200);
    assert_eq!(two.me(token).await.status(), 200);
    assert_eq!(two.logout(token).await.status(), 204);
    assert_invalid_token(one.me(token).await, "revoked on two, used on one").await;
    // Logging out of every session through one instance holds on the other.
    let pair = two.login_pair("alice", PASSWORD).await;
    let token = access_of(&pair);
    assert_eq!(one.me(token).await.status(), 200);
    assert_eq!(one.logout_all(token).await.status(), 204);
    assert_invalid_token(two.me(token).await, "all revoked on one, used on two").await;
}

async fn a_token_in_the_query_string_is_ignored(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    for name in ["access_token", "token", "jwt"] {
        let path = format!("/api/users/me?{name}={}", alice.access_token);
        let r = send(app.anon.get(&path)).await;
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
    let browser = &app.cookie;
    browser.set_cookie("access_token", &alice.access_token);
    let r = send(browser.get("/api/users/me")).await;
    assert_eq!(r.status(), 200, "cookie access_token");
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["username"], "alice");
    // A forged cookie is refused like a forged header.
    let (header, claims) = header_and_claims(&alice.access_token);
    let forged = forge(&header, &claims, Signing::Unsigned);
    browser.set_cookie("access_token", &forged);
    let r = send(browser.get("/api/users/me")).await;
    assert_invalid_token(r, "cookie with an unsigned token").await;
}
