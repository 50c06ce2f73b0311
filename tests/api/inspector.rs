//! The token inspector: every status through the API, malformed parts, the page and the CLI.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use sigil::testing::forge_hs256 as sign;

use crate::backend_tests;
use crate::helpers::{csrf_of, header_and_claims, problem, Backend, TestApp, PASSWORD, SECRET_KEY};

backend_tests!(
    every_status_is_reachable_through_the_api,
    malformed_tokens_name_the_failing_part,
    empty_and_huge_inputs_are_4xx,
    the_page_shows_the_browsers_own_token_and_pasted_ones,
    the_cli_prints_the_same_inspection,
);

async fn every_status_is_reachable_through_the_api(b: Backend) {
    let app = TestApp::spawn(b).await;
    let u = app.user("ann").await;
    let key = SECRET_KEY.as_bytes();
    let (header, payload) = header_and_claims(&u.access_token);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();

    let r = app.inspection(&u.access_token).await;
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
    let r = app.inspection(&sign(&header, &expired, key)).await;
    assert_eq!(r["status"], "expired");
    assert_eq!(
        r["payload"]["username"], "ann",
        "an expired token still shows its payload"
    );
    assert!(r["expires_in_seconds"].as_i64().unwrap() < 0);

    let mut future = payload.clone();
    future["nbf"] = json!(now + 3600);
    assert_eq!(
        app.inspection(&sign(&header, &future, key)).await["status"],
        "not_yet_valid"
    );

    let other_key = b"another-key-another-key-another-key!";
    let r = app.inspection(&sign(&header, &payload, other_key)).await;
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
        app.inspection(&sign(&hs512, &payload, key)).await["status"],
        "wrong_algorithm"
    );

    let mut other_iss = payload.clone();
    other_iss["iss"] = json!("someone-else");
    assert_eq!(
        app.inspection(&sign(&header, &other_iss, key)).await["status"],
        "wrong_issuer_or_audience"
    );

    assert_eq!(app.inspection("not.a.jwt").await["status"], "malformed");

    assert_eq!(app.logout(&u.access_token).await.status(), 204);
    let r = app.inspection(&u.access_token).await;
    assert_eq!(r["status"], "revoked");
    assert_eq!(r["revoked"], true);

    // Signed by Sigil's key, but for a session Sigil never started: not "revoked: true".
    let stranger = crate::helpers::token_issued_ago(u.id as i32, "ann", "no-such-session", 0);
    let r = app.inspection(&stranger).await;
    assert_eq!(r["status"], "revoked");
    assert_eq!(r["revoked"], "session_unknown");
    assert!(
        r["error"].as_str().unwrap().contains("does not know"),
        "{r}"
    );
    // A live one says false.
    let fresh = app.login_pair("ann", PASSWORD).await;
    let r = app.inspection(crate::helpers::access_of(&fresh)).await;
    assert_eq!(
        (r["status"].as_str(), &r["revoked"]),
        (Some("valid"), &json!(false))
    );
}

async fn malformed_tokens_name_the_failing_part(b: Backend) {
    let app = TestApp::spawn(b).await;
    let u = app.user("bea").await;
    let seg: Vec<&str> = u.access_token.split('.').collect();
    let not_json = URL_SAFE_NO_PAD.encode("not json");
    // The token with segment `i` replaced.
    let swap = |i: usize, with: &str| {
        let mut parts = seg.clone();
        parts[i] = with;
        parts.join(".")
    };
    let cases = [
        (format!("{}.{}", seg[0], seg[1]), "three segments", true),
        (format!("{}.x", u.access_token), "three segments", true),
        (swap(0, "%%%"), "header is not valid base64url", false),
        (swap(0, &not_json), "header is not a JSON object", false),
        (swap(1, "%%%"), "payload is not valid base64url", true),
        (swap(1, &not_json), "payload is not a JSON object", true),
        (swap(2, "%%%"), "signature is not valid base64url", true),
    ];
    for (token, part, header_shown) in cases {
        let r = app.inspection(&token).await;
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
        let p = problem(app.inspect_token(body.clone()).await, 422).await;
        assert!(p["errors"]["token"].is_array(), "{body}");
    }
    let huge = "a".repeat(200 * 1024);
    problem(app.inspect_token(json!({ "token": huge })).await, 413).await;
    assert_eq!(app.get("/healthz").await.status(), 200, "still serving");
}

async fn the_page_shows_the_browsers_own_token_and_pasted_ones(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("cyd").await;
    let anon = app.new_browser();
    let (status, html) = anon.page("/token").await;
    assert_eq!(status, 200, "open to anonymous visitors");
    assert!(!html.contains("Your current access token"));
    let c = &app.cookie;
    c.login("cyd", PASSWORD).await;
    let (status, html) = c.page("/token").await;
    assert_eq!(status, 200);
    assert!(html.contains("Your current access token"));
    assert!(
        html.contains("&#34;username&#34;: &#34;cyd&#34;"),
        "pretty payload: {html}"
    );
    assert!(html.contains("data-expires-at="), "countdown target");
    assert!(html.contains("expires in 29 min") || html.contains("expires in 30 min"));
    // The report of the browser's own token, never its text (the cookie is HttpOnly).
    assert!(!html.contains("seg-signature"));
    let own = c.cookie("access_token").unwrap();
    assert!(!html.contains(&own) && !html.contains(own.rsplit('.').next().unwrap()));
    assert!(
        html.contains("Expires") && html.contains("Token id"),
        "claims table"
    );
    let csrf = csrf_of(&html);
    let r = anon
        .form("/token", &[("token", "a.b.c"), ("csrf_token", "forged")])
        .await;
    assert_eq!(r.status(), 403);
    let r = c
        .form("/token", &[("token", "abc.def"), ("csrf_token", &csrf)])
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Pasted token") && html.contains("Malformed"));
}

async fn the_cli_prints_the_same_inspection(b: Backend) {
    let app = TestApp::spawn(b).await;
    let u = app.user("dee").await;
    let api = app.inspection(&u.access_token).await;
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
