//! The standard endpoints for machines: RFC 8414 metadata, RFC 7009 revocation, RFC 7662
//! introspection.

use serde_json::Value;

use crate::backend_tests;
use crate::helpers::{access_of, refresh_of, segment, send, Backend, Requests as _, TestApp};

backend_tests!(
    metadata_names_every_endpoint_and_they_resolve,
    introspection_needs_a_listed_client,
    introspection_tells_active_from_everything_else,
    revocation_ends_a_refresh_family_or_one_access_token,
);

const CLIENT: (&str, &str) = ("resource-api", "introspection-secret-0123");

async fn app(b: Backend) -> TestApp {
    let clients = format!("{}:{}", CLIENT.0, CLIENT.1);
    TestApp::spawn_with(b, &[("INTROSPECTION_CLIENTS", &clients)]).await
}

async fn introspect(app: &TestApp, token: &str) -> Value {
    let r = send(
        app.anon
            .post("/api/auth/introspect")
            .basic_auth(CLIENT.0, Some(CLIENT.1))
            .form(&[("token", token)]),
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    r.json().await.unwrap()
}

async fn revoke(app: &TestApp, token: &str, hint: &str) -> u16 {
    let r = send(
        app.anon
            .post("/api/auth/revoke")
            .form(&[("token", token), ("token_type_hint", hint)]),
    )
    .await;
    r.status().as_u16()
}

async fn metadata_names_every_endpoint_and_they_resolve(b: Backend) {
    let app = app(b).await;
    let r = send(app.anon.get("/.well-known/oauth-authorization-server")).await;
    assert_eq!(r.status(), 200);
    let m: Value = r.json().await.unwrap();
    let base = app.url("");
    let base = base.trim_end_matches('/');
    assert_eq!(m["issuer"], base);
    assert_eq!(m["token_endpoint"], format!("{base}/api/auth/token"));
    assert_eq!(
        m["introspection_endpoint_auth_methods_supported"][0],
        "client_secret_basic"
    );
    let grants: Vec<&str> = m["grant_types_supported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    assert!(grants.contains(&"password") && grants.contains(&"refresh_token"));
    assert!(grants.contains(&"urn:sigil:grant-type:mfa-otp"));
    // Every URL resolves: the JWKS and docs answer GET, the three endpoints answer a bare
    // POST with their own RFC's error rather than a 404.
    let http = reqwest::Client::new();
    for (field, method) in [
        ("jwks_uri", "GET"),
        ("service_documentation", "GET"),
        ("token_endpoint", "POST"),
        ("revocation_endpoint", "POST"),
        ("introspection_endpoint", "POST"),
    ] {
        let url = m[field].as_str().unwrap();
        let r = match method {
            "GET" => http.get(url).send().await.unwrap(),
            _ => http.post(url).form(&[("x", "y")]).send().await.unwrap(),
        };
        assert!(
            [200, 400, 401].contains(&r.status().as_u16()),
            "{field} {url} answered {}",
            r.status()
        );
    }
}

async fn introspection_needs_a_listed_client(b: Backend) {
    let app = app(b).await;
    let alice = app.user("alice").await;
    for auth in [
        None,
        Some(("resource-api", "wrong-secret-0123456789")),
        Some(("other", CLIENT.1)),
    ] {
        let mut req = app.anon.post("/api/auth/introspect");
        if let Some((name, secret)) = auth {
            req = req.basic_auth(name, Some(secret));
        }
        let r = send(req.form(&[("token", alice.access_token.as_str())])).await;
        assert_eq!(r.status(), 401, "{auth:?}");
        assert!(r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic"));
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], "invalid_client");
        assert!(body.get("active").is_none(), "nothing about the token");
    }
    // A bearer token is not a client credential.
    let r = send(
        app.anon
            .post("/api/auth/introspect")
            .bearer_auth(&alice.access_token)
            .form(&[("token", alice.access_token.as_str())]),
    )
    .await;
    assert_eq!(r.status(), 401);
    // With no clients configured, nobody may introspect.
    let closed = TestApp::spawn(b).await;
    let r = send(
        closed
            .anon
            .post("/api/auth/introspect")
            .basic_auth(CLIENT.0, Some(CLIENT.1))
            .form(&[("token", "x")]),
    )
    .await;
    assert_eq!(r.status(), 401);
    // A listed client without a token: invalid_request.
    let r = send(
        app.anon
            .post("/api/auth/introspect")
            .basic_auth(CLIENT.0, Some(CLIENT.1))
            .form(&[("token_type_hint", "access_token")]),
    )
    .await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_request");
}

async fn introspection_tells_active_from_everything_else(b: Backend) {
    let app = app(b).await;
    let alice = app.user("alice").await;
    let active = introspect(&app, &alice.access_token).await;
    assert_eq!(active["active"], true);
    assert_eq!(active["token_type"], "bearer");
    assert_eq!(active["sub"], alice.id.to_string());
    assert_eq!(active["username"], "alice");
    assert_eq!(active["amr"], serde_json::json!(["pwd"]));
    for claim in ["exp", "iat", "nbf", "jti", "iss", "aud", "sid", "auth_time"] {
        assert!(!active[claim].is_null(), "{claim} in {active}");
    }
    let refresh = introspect(&app, &alice.refresh_token).await;
    assert_eq!(refresh["active"], true);
    assert_eq!(refresh["token_type"], "refresh_token");
    assert_eq!(refresh["sid"], active["sid"]);

    // Inactive: forged, unknown, garbage, huge, expired, revoked, a used refresh token, a
    // disabled user's. Each says nothing but active: false.
    let inactive = |v: &Value| v == &serde_json::json!({"active": false});
    let forged = sigil::testing::forge(
        &segment(&alice.access_token, 0),
        &segment(&alice.access_token, 1),
        sigil::testing::Signing::Hs256(b"someone-elses-secret-0123456789-abcdef"),
    );
    for token in [forged, "not-a-token".into(), "x".repeat(100_000)] {
        assert!(inactive(&introspect(&app, &token).await));
    }
    let expired = crate::helpers::token_issued_ago(alice.id as i32, "alice", "s", 7200);
    assert!(inactive(&introspect(&app, &expired).await));
    let pair = app.refresh(&alice.refresh_token).await;
    assert_eq!(pair.status(), 200);
    let pair: Value = pair.json().await.unwrap();
    assert!(
        inactive(&introspect(&app, &alice.refresh_token).await),
        "rotated"
    );
    assert_eq!(introspect(&app, refresh_of(&pair)).await["active"], true);
    let r = app.logout(access_of(&pair)).await;
    assert_eq!(r.status(), 204);
    assert!(
        inactive(&introspect(&app, access_of(&pair)).await),
        "logged out"
    );
    assert!(
        inactive(&introspect(&app, refresh_of(&pair)).await),
        "its family too"
    );

    let bob = app.user("bob").await;
    assert_eq!(introspect(&app, &bob.access_token).await["active"], true);
    app.sql(&format!(
        "UPDATE users SET disabled = TRUE WHERE id = {}",
        bob.id
    ));
    assert!(
        inactive(&introspect(&app, &bob.access_token).await),
        "disabled"
    );
    assert!(
        inactive(&introspect(&app, &bob.refresh_token).await),
        "disabled"
    );
}

async fn revocation_ends_a_refresh_family_or_one_access_token(b: Backend) {
    let app = app(b).await;
    let alice = app.user("alice").await;
    // An access token: that token only.
    let second = app.login_pair("alice", crate::helpers::PASSWORD).await;
    assert_eq!(revoke(&app, &alice.access_token, "access_token").await, 200);
    assert_eq!(app.me(&alice.access_token).await.status(), 401);
    assert_eq!(
        app.refresh(&alice.refresh_token).await.status(),
        200,
        "session lives"
    );
    assert_eq!(app.me(access_of(&second)).await.status(), 200);
    // A refresh token (whatever the hint says): its whole family.
    assert_eq!(revoke(&app, refresh_of(&second), "access_token").await, 200);
    assert_eq!(app.me(access_of(&second)).await.status(), 401);
    assert_eq!(app.refresh(refresh_of(&second)).await.status(), 401);
    // Unknown, garbage, already revoked: the same 200, nothing more.
    for token in ["unknown", refresh_of(&second), &"y".repeat(5000)] {
        assert_eq!(revoke(&app, token, "refresh_token").await, 200);
    }
    // No token: RFC 6749 invalid_request.
    let r = send(
        app.anon
            .post("/api/auth/revoke")
            .form(&[("token_type_hint", "x")]),
    )
    .await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_request");
    // The trail says what was revoked, never the token.
    let admin = app.admin("root").await;
    let r = send(
        app.anon
            .get(&format!(
                "/api/admin/events?user={}&kind=token_revoked",
                alice.id
            ))
            .bearer_auth(&admin.access_token),
    )
    .await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(text.contains("\"token\":\"access\"") && text.contains("\"token\":\"refresh\""));
    assert!(!text.contains(&alice.access_token) && !text.contains(refresh_of(&second)));
}
