//! Tokens from any issuer through the API: PyJWT's tokens for every algorithm with the key in
//! each form, wrong keys, no key, published secrets, algorithm confusion, expectations, limits,
//! and the encoder's round trip (tests/fixtures/foreign/make.py made the fixtures).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{fixture, fixtures, problem, send, Backend, Requests as _, TestApp, JWT_IO};

backend_tests!(
    every_algorithm_verifies_with_its_key_in_every_form,
    published_secrets_and_confused_algorithms_are_called_out,
    expectations_and_jwks_kids_are_checked,
    keys_that_do_not_parse_and_oversized_bodies_are_4xx,
    sigil_tokens_of_deleted_sessions_still_inspect,
    the_encoder_round_trips_with_every_fixture_key,
    encoder_mistakes_are_422_per_field,
);

fn text(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// The status, checked to be verified exactly when it is valid.
async fn status_with(app: &TestApp, token: &str, key: &str) -> Value {
    let r = app.inspect_ok(json!({"token": token, "key": key})).await;
    assert_eq!(
        r["signature"]["verified"],
        r["status"] == "valid",
        "verified only when valid: {r}"
    );
    r
}

async fn every_algorithm_verifies_with_its_key_in_every_form(b: Backend) {
    let app = TestApp::spawn(b).await;
    let all = fixtures();
    assert_eq!(all.len(), 12);
    for f in &all {
        let alg = text(&f["alg"]);
        let token = text(&f["token"]);
        let mut right = vec![
            ("JWK", f["jwk"].to_string()),
            ("JWKS", f["jwks"].to_string()),
        ];
        let wrong = match f["secret"].as_str() {
            Some(secret) => {
                right.push(("secret", secret.to_string()));
                let encoded = URL_SAFE_NO_PAD.encode(secret);
                right.push(("base64:", format!("base64:{encoded}")));
                vec![text(&f["wrong_secret"]).to_string()]
            }
            None => {
                right.push(("PEM", text(&f["pem"]).to_string()));
                right.push(("private PEM", text(&f["private_pem"]).to_string()));
                vec![
                    text(&f["wrong_pem"]).to_string(),
                    f["wrong_jwk"].to_string(),
                ]
            }
        };
        for (form, key) in &right {
            let r = status_with(&app, token, key).await;
            assert_eq!(r["status"], "valid", "{alg} with its {form}: {r}");
            assert_eq!(r["signature"]["algorithm"], alg);
            assert_eq!(r["revoked"], false);
            assert_eq!(r["payload"]["scope"], "read:posts");
            assert!(r["subject"].is_null(), "not a Sigil user: {r}");
        }
        for key in &wrong {
            let r = status_with(&app, token, key).await;
            assert_eq!(
                r["status"], "invalid_signature",
                "{alg} with a wrong key: {r}"
            );
        }
        let r = app.inspect_ok(json!({ "token": token })).await;
        assert_eq!(r["status"], "unverified", "{alg} with no key: {r}");
        assert_eq!(r["signature"]["verified"], false);
        assert_eq!(r["header"]["alg"], alg);
    }
}

async fn published_secrets_and_confused_algorithms_are_called_out(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = status_with(&app, JWT_IO, "your-256-bit-secret").await;
    assert_eq!(r["status"], "valid", "{r}");
    let codes: Vec<&str> = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| text(&w["code"]))
        .collect();
    assert!(codes.contains(&"weak_hmac_secret"), "{codes:?}");
    assert!(r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["message"].is_string()));

    // Algorithm confusion: an HS256 token whose HMAC secret is the bytes of RS256's public
    // PEM, checked with that PEM. A naive verifier would call it valid.
    let pem = text(&fixture("RS256")["pem"]).to_string();
    let header = json!({"alg": "HS256", "typ": "JWT"});
    let payload = json!({"sub": "attacker", "exp": 4102444800_i64});
    let forged = sigil::testing::forge_hs256(&header, &payload, pem.as_bytes());
    let r = status_with(&app, &forged, &pem).await;
    assert_eq!(r["status"], "wrong_algorithm", "{r}");
    assert!(text(&r["error"]).contains("algorithm-confusion"), "{r}");
    // The same PEM as a JWK of kty RSA is refused the same way.
    let jwk = fixture("RS256")["jwk"].to_string();
    assert_eq!(
        status_with(&app, &forged, &jwk).await["status"],
        "wrong_algorithm"
    );
}

async fn expectations_and_jwks_kids_are_checked(b: Backend) {
    let app = TestApp::spawn(b).await;
    let f = fixture("ES256");
    let token = text(&f["token"]);
    let key = text(&f["pem"]);
    let inspect = |issuer: &str, audience: &str| json!({"token": token, "key": key, "expected_issuer": issuer, "expected_audience": audience});
    let r = app
        .inspect_ok(inspect(
            "https://issuer.example.com/",
            "https://api.example.com",
        ))
        .await;
    assert_eq!(r["status"], "valid", "{r}");
    for (issuer, audience) in [
        ("https://evil.example.com/", "https://api.example.com"),
        ("https://issuer.example.com/", "https://other.example.com"),
    ] {
        let r = app.inspect_ok(inspect(issuer, audience)).await;
        assert_eq!(
            r["status"], "wrong_issuer_or_audience",
            "{issuer} {audience}: {r}"
        );
        assert!(r["error"].is_string());
    }
    // A JWKS without the token's kid: not valid, and the message lists the kids it has.
    let mut jwks = f["jwks"].clone();
    jwks["keys"]
        .as_array_mut()
        .unwrap()
        .retain(|k| k["kid"] != "es256-key");
    let r = status_with(&app, token, &jwks.to_string()).await;
    assert_eq!(r["status"], "invalid_signature", "{r}");
    assert!(text(&r["error"]).contains("es256-key"), "{r}");
}

async fn keys_that_do_not_parse_and_oversized_bodies_are_4xx(b: Backend) {
    let app = TestApp::spawn(b).await;
    let token = text(&fixture("RS256")["token"]).to_string();
    for (key, expected) in [
        (
            "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----",
            "PEM",
        ),
        (
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
            "PUBLIC KEY",
        ),
        (r#"{"kty": "RSA"}"#, "n"),
        (r#"{"not": "a key"}"#, "JWK"),
        ("base64:***", "base64"),
    ] {
        let body = problem(
            app.inspect_token(json!({"token": token, "key": key})).await,
            422,
        )
        .await;
        let message = text(&body["errors"]["key"][0]);
        assert!(message.contains(expected), "{key}: {message}");
    }
    // A key over 64 KiB (the body itself is under 128 KiB).
    let huge = format!("-----BEGIN PUBLIC KEY-----\n{}", "A".repeat(70 * 1024));
    let body = problem(
        app.inspect_token(json!({"token": token, "key": huge}))
            .await,
        422,
    )
    .await;
    assert!(
        text(&body["errors"]["key"][0]).contains("too large"),
        "{body}"
    );
    // A body over 128 KiB.
    let r = app
        .inspect_token(json!({"token": token, "key": "k".repeat(130 * 1024)}))
        .await;
    problem(r, 413).await;
    let r = app
        .encode_token(json!({"header": {"alg": "HS256"}, "payload": "x".repeat(130 * 1024)}))
        .await;
    problem(r, 413).await;
}

async fn sigil_tokens_of_deleted_sessions_still_inspect(b: Backend) {
    let app = TestApp::spawn(b).await;
    let u = app.user("del").await;
    let r = app.inspection(&u.access_token).await;
    assert_eq!(
        (&r["status"], &r["revoked"]),
        (&json!("valid"), &json!(false))
    );
    app.sql(&format!(
        "DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM sessions WHERE user_id = {0}); \
         DELETE FROM sessions WHERE user_id = {0};",
        u.id
    ));
    let r = app.inspection(&u.access_token).await;
    assert_eq!(r["status"], "revoked", "{r}");
    assert_eq!(r["revoked"], "session_unknown", "{r}");
    assert_eq!(r["signature"]["verified"], true);
    assert_eq!(r["subject"]["username"], "del");
}

async fn the_encoder_round_trips_with_every_fixture_key(b: Backend) {
    let app = TestApp::spawn(b).await;
    let payload = json!({"sub": "fixture", "iat": 1700000000, "exp": 4102444800_i64});
    for f in fixtures() {
        let alg = text(&f["alg"]);
        let (signing, checking) = match f["secret"].as_str() {
            Some(s) => (s.to_string(), s.to_string()),
            None => (text(&f["private_pem"]).into(), text(&f["pem"]).into()),
        };
        // The header as an object once, as the text of an editor the other time.
        for header in [
            json!({"alg": alg, "typ": "JWT"}),
            json!(format!(r#"{{"alg":"{alg}"}}"#)),
        ] {
            let r = app
                .encode_token(json!({"header": header, "payload": payload, "key": signing}))
                .await;
            assert_eq!(r.status(), 200, "{alg}");
            assert_eq!(crate::helpers::header(&r, "cache-control"), "no-store");
            let body: Value = r.json().await.unwrap();
            let token = text(&body["token"]);
            let r = status_with(&app, token, &checking).await;
            assert_eq!(r["status"], "valid", "{alg}: {r}");
            assert_eq!(r["payload"]["sub"], "fixture");
        }
    }
    // alg none takes no key and is never valid.
    let r = app
        .encode_token(json!({"header": {"alg": "none"}, "payload": {"sub": "1"}}))
        .await;
    let token = r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(token.ends_with('.'));
    assert_ne!(app.inspection(&token).await["status"], "valid");
}

async fn encoder_mistakes_are_422_per_field(b: Backend) {
    let app = TestApp::spawn(b).await;
    let rsa_public = text(&fixture("RS256")["pem"]).to_string();
    let cases = [
        (json!({"payload": {}}), "header"),
        (json!({"header": {"alg": "HS256"}, "key": "k"}), "payload"),
        (json!({"header": "{", "payload": {}, "key": "k"}), "header"),
        (json!({"header": [1], "payload": {}, "key": "k"}), "header"),
        (json!({"header": {}, "payload": {}, "key": "k"}), "header"),
        (
            json!({"header": {"alg": "ES512"}, "payload": {}, "key": "k"}),
            "header",
        ),
        (
            json!({"header": {"alg": "HS256"}, "payload": "[]", "key": "k"}),
            "payload",
        ),
        (json!({"header": {"alg": "HS256"}, "payload": {}}), "key"),
        (
            json!({"header": {"alg": "HS256"}, "payload": {}, "key": 5}),
            "key",
        ),
        (
            json!({"header": {"alg": "none"}, "payload": {}, "key": "k"}),
            "key",
        ),
        (
            json!({"header": {"alg": "RS256"}, "payload": {}, "key": "a secret"}),
            "key",
        ),
        (
            json!({"header": {"alg": "RS256"}, "payload": {}, "key": rsa_public}),
            "key",
        ),
        (
            json!({"header": {"alg": "HS256"}, "payload": {}, "key": rsa_public}),
            "key",
        ),
    ];
    for (body, field) in cases {
        let r = problem(app.encode_token(body.clone()).await, 422).await;
        assert!(r["errors"][field][0].is_string(), "{body}: {r}");
        assert_eq!(r["errors"].as_object().unwrap().len(), 1, "{body}: {r}");
    }
    let r = send(
        app.anon
            .post("/api/token/encode")
            .header("content-type", "text/plain")
            .body("{}"),
    )
    .await;
    problem(r, 415).await;
}

/// Nothing pasted reaches the server's log, even at debug level: the real binary is started
/// with its log in a file, given a secret, a private key and tokens, and its log is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_pasted_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("server.log");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_sigil"))
        .current_dir(dir.path())
        .env_clear()
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("BCRYPT_COST", "4")
        .env("RUST_LOG", "debug")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .expect("start sigil");
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let secret = "pasted-secret-that-must-never-be-logged-0123456789";
    let f = fixture("PS256");
    let private = text(&f["private_pem"]);
    let private_middle = &private[40..90];
    let token = text(&f["token"]);
    let signature = token.rsplit('.').next().unwrap();
    let mut started = false;
    for _ in 0..100 {
        if http.get(format!("{base}/healthz")).send().await.is_ok() {
            started = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(started, "the server did not start");
    let post = |path: &str, body: Value| http.post(format!("{base}{path}")).json(&body).send();
    let r = post("/api/token/inspect", json!({"token": token, "key": secret})).await;
    assert_eq!(r.unwrap().status(), 200);
    let r = post(
        "/api/token/inspect",
        json!({"token": token, "key": private}),
    )
    .await;
    assert_eq!(r.unwrap().status(), 200);
    let r = post(
        "/api/token/encode",
        json!({"header": {"alg": "HS256"}, "payload": {"sub": "1"}, "key": secret}),
    )
    .await;
    assert_eq!(r.unwrap().status(), 200);
    let r = post(
        "/api/token/encode",
        json!({"header": {"alg": "PS256"}, "payload": {"sub": "1"}, "key": private}),
    )
    .await;
    assert_eq!(r.unwrap().status(), 200);
    let r = post(
        "/api/token/inspect",
        json!({"token": token, "key": "{broken"}),
    )
    .await;
    assert_eq!(r.unwrap().status(), 422);
    server.kill().unwrap();
    server.wait().unwrap();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("/api/token/encode"),
        "the log was captured: {log}"
    );
    for pasted in [secret, private_middle, signature] {
        assert!(!log.contains(pasted), "{pasted} is in the log:\n{log}");
    }
}
