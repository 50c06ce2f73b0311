//! The token inspector: every status through the API, malformed parts, the page and the CLI.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{client, problem, Backend, TestApp, PASSWORD, SECRET_KEY};
use crate::web::{browser_login, csrf_of, form, page};

backend_tests!(
    every_status_is_reachable_through_the_api,
    malformed_tokens_name_the_failing_part,
    empty_and_huge_inputs_are_4xx,
    the_page_shows_the_browsers_own_token_and_pasted_ones,
    the_cli_prints_the_same_inspection,
);

async fn inspect(app: &TestApp, token: &str) -> Value {
    let r = app
        .anon
        .post(app.url("/api/token/inspect"))
        .json(&json!({ "token": token }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    r.json().await.unwrap()
}

fn sign(header: &Value, payload: &Value, key: &[u8]) -> String {
    use hmac::Mac as _;
    let h = URL_SAFE_NO_PAD.encode(header.to_string());
    let p = URL_SAFE_NO_PAD.encode(payload.to_string());
    let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::Mac>::new_from_slice(key).unwrap();
    mac.update(format!("{h}.{p}").as_bytes());
    format!(
        "{h}.{p}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

fn parts(token: &str) -> (Value, Value) {
    let seg: Vec<&str> = token.split('.').collect();
    let d = |s: &str| serde_json::from_slice(&URL_SAFE_NO_PAD.decode(s).unwrap()).unwrap();
    (d(seg[0]), d(seg[1]))
}

async fn every_status_is_reachable_through_the_api(b: Backend) {
    let app = TestApp::spawn(b).await;
    let u = app.user("ann").await;
    let key = SECRET_KEY.as_bytes();
    let (header, payload) = parts(&u.access_token);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();

    let r = inspect(&app, &u.access_token).await;
    assert_eq!(r["status"], "valid", "{r}");
    assert_eq!(r["signature"]["verified"], true);
    assert_eq!(r["signature"]["algorithm"], "HS256");
    assert_eq!(r["signature"]["key_id"], header["kid"]);
    assert_eq!(r["subject"], json!({"id": u.id, "username": "ann"}));
    assert_eq!(r["revoked"], false);
    assert!(r["error"].is_null());
    let exp = r["expires_in_seconds"].as_i64().unwrap();
    assert!((1790..=1800).contains(&exp), "{exp}");
    for field in ["issued_at", "not_before", "expires_at"] {
        let t = r[field].as_str().unwrap();
        assert!(t.ends_with('Z') && t.contains('T'), "{field}: {t}");
    }

    let mut expired = payload.clone();
    expired["iat"] = json!(now - 7200);
    expired["nbf"] = json!(now - 7200);
    expired["exp"] = json!(now - 3600);
    let r = inspect(&app, &sign(&header, &expired, key)).await;
    assert_eq!(r["status"], "expired");
    assert_eq!(
        r["payload"]["username"], "ann",
        "an expired token still shows its payload"
    );
    assert!(r["expires_in_seconds"].as_i64().unwrap() < 0);

    let mut future = payload.clone();
    future["nbf"] = json!(now + 3600);
    assert_eq!(
        inspect(&app, &sign(&header, &future, key)).await["status"],
        "not_yet_valid"
    );

    let r = inspect(
        &app,
        &sign(&header, &payload, b"another-key-another-key-another-key!"),
    )
    .await;
    assert_eq!(r["status"], "invalid_signature");
    assert_eq!(r["signature"]["verified"], false);
    assert!(
        r["subject"].is_null(),
        "no subject without a verified signature"
    );
    assert_eq!(r["payload"]["sub"], payload["sub"]);

    let mut hs512 = header.clone();
    hs512["alg"] = json!("HS512");
    assert_eq!(
        inspect(&app, &sign(&hs512, &payload, key)).await["status"],
        "wrong_algorithm"
    );

    let mut other_iss = payload.clone();
    other_iss["iss"] = json!("someone-else");
    assert_eq!(
        inspect(&app, &sign(&header, &other_iss, key)).await["status"],
        "wrong_issuer_or_audience"
    );

    assert_eq!(inspect(&app, "not.a.jwt").await["status"], "malformed");

    assert_eq!(app.logout(&u.access_token).await.status(), 204);
    let r = inspect(&app, &u.access_token).await;
    assert_eq!(r["status"], "revoked");
    assert_eq!(r["revoked"], true);
}

async fn malformed_tokens_name_the_failing_part(b: Backend) {
    let app = TestApp::spawn(b).await;
    let u = app.user("bea").await;
    let seg: Vec<&str> = u.access_token.split('.').collect();
    let not_json = URL_SAFE_NO_PAD.encode("not json");
    let cases = [
        (format!("{}.{}", seg[0], seg[1]), "three segments", true),
        (
            format!("{}.{}.{}.x", seg[0], seg[1], seg[2]),
            "three segments",
            true,
        ),
        (
            format!("%%%.{}.{}", seg[1], seg[2]),
            "header is not valid base64url",
            false,
        ),
        (
            format!("{not_json}.{}.{}", seg[1], seg[2]),
            "header is not a JSON object",
            false,
        ),
        (
            format!("{}.%%%.{}", seg[0], seg[2]),
            "payload is not valid base64url",
            true,
        ),
        (
            format!("{}.{not_json}.{}", seg[0], seg[2]),
            "payload is not a JSON object",
            true,
        ),
        (
            format!("{}.{}.%%%", seg[0], seg[1]),
            "signature is not valid base64url",
            true,
        ),
    ];
    for (token, part, header_shown) in cases {
        let r = inspect(&app, &token).await;
        assert_eq!(r["status"], "malformed", "{token}");
        assert!(r["error"].as_str().unwrap().contains(part), "{part}: {r}");
        assert_eq!(r["header"].is_object(), header_shown, "{part}: {r}");
    }
}

async fn empty_and_huge_inputs_are_4xx(b: Backend) {
    let app = TestApp::spawn(b).await;
    for body in [
        json!({"token": ""}),
        json!({"token": "   "}),
        json!({}),
        json!({"token": 5}),
    ] {
        let r = app
            .anon
            .post(app.url("/api/token/inspect"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let p = problem(r, 422).await;
        assert!(p["errors"]["token"].is_array(), "{body}");
    }
    let huge = "a".repeat(200 * 1024);
    let r = app
        .anon
        .post(app.url("/api/token/inspect"))
        .json(&json!({ "token": huge }))
        .send()
        .await
        .unwrap();
    problem(r, 413).await;
    assert_eq!(app.get("/healthz").await.status(), 200, "still serving");
}

async fn the_page_shows_the_browsers_own_token_and_pasted_ones(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("cyd").await;
    let anon = client(true);
    let (status, html) = page(&anon, &app, "/token").await;
    assert_eq!(status, 200, "open to anonymous visitors");
    assert!(!html.contains("Your current access token"));
    let c = client(true);
    browser_login(&app, &c, "cyd", PASSWORD).await;
    let (status, html) = page(&c, &app, "/token").await;
    assert_eq!(status, 200);
    assert!(html.contains("Your current access token"));
    assert!(
        html.contains("&#34;username&#34;: &#34;cyd&#34;"),
        "pretty payload: {html}"
    );
    assert!(html.contains("data-expires-at="), "countdown target");
    assert!(html.contains("expires in 29 min") || html.contains("expires in 30 min"));
    assert!(html.contains("seg-signature"));
    assert!(
        html.contains("Expires") && html.contains("Token id"),
        "claims table"
    );
    let csrf = csrf_of(&html);
    let r = form(
        &anon,
        &app,
        "/token",
        &[("token", "a.b.c"), ("csrf_token", "forged")],
    )
    .await;
    assert_eq!(r.status(), 403);
    let r = form(
        &c,
        &app,
        "/token",
        &[("token", "abc.def"), ("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Pasted token") && html.contains("Malformed"));
}

async fn the_cli_prints_the_same_inspection(b: Backend) {
    let app = TestApp::spawn(b).await;
    let u = app.user("dee").await;
    let api = inspect(&app, &u.access_token).await;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_sigil"));
    cmd.args(["inspect", &u.access_token])
        .env_clear()
        .env("RUST_LOG", "error");
    for (k, v) in &app.env {
        cmd.env(k, v);
    }
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut api = api;
    // Seconds tick between the two calls; everything else is identical.
    for v in [&mut cli, &mut api] {
        v["expires_in_seconds"] = Value::Null;
    }
    assert_eq!(cli, api);
}
