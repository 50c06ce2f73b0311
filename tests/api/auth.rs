//! Registration, logins, the OAuth2 token endpoint, refresh rotation, revocation, CSRF and
//! rate limits, through real HTTP.

use std::time::{Duration, Instant};

use reqwest::Response;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{
    access_of, header, problem, refresh_of, send, Backend, Requests as _, TestApp, PASSWORD,
};

backend_tests!(
    register_returns_the_user_without_secrets,
    register_refuses_taken_names_without_regard_to_case,
    register_names_every_invalid_field,
    passwords_are_limited_to_72_bytes_not_truncated,
    login_by_username_or_email_returns_a_token_pair,
    unknown_user_and_wrong_password_get_the_same_answer,
    unknown_user_takes_as_long_as_a_wrong_password,
    token_endpoint_speaks_oauth2_form_and_multipart,
    token_endpoint_errors_follow_rfc_6749,
    refresh_rotates_and_the_new_pair_works,
    reuse_after_the_grace_window_revokes_the_family,
    racing_refreshes_inside_the_grace_window_both_succeed,
    logout_revokes_the_token_and_its_session,
    logout_all_revokes_every_earlier_login_but_not_a_later_one,
    sessions_are_listed_and_deleting_one_revokes_its_tokens,
    password_change_revokes_everything_and_returns_a_new_pair,
    login_is_rate_limited_per_address,
    jwks_under_hs256_lists_only_the_id_token_key,
    missing_and_invalid_credentials_get_rfc_6750_challenges,
);

/// `POST /api/auth/token` with the OAuth2 password grant.
async fn password_grant(app: &TestApp, username: &str, password: &str) -> Response {
    let form = [
        ("grant_type", "password"),
        ("username", username),
        ("password", password),
    ];
    app.token_form(&form).await
}

async fn register_returns_the_user_without_secrets(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = app
        .register(json!({"email": " Ada@Example.com ", "username": "ada", "password": PASSWORD}))
        .await;
    assert_eq!(r.status(), 201);
    let user: Value = r.json().await.unwrap();
    assert_eq!(user["email"], "ada@example.com");
    assert_eq!(user["username"], "ada");
    assert!(user["id"].is_i64());
    assert!(user["created_at"].as_str().unwrap().ends_with('Z'));
    // The set of fields (serde_json keeps the order they came in).
    let mut keys: Vec<&String> = user.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "created_at",
            "disabled",
            "email",
            "email_verified",
            "id",
            "locale",
            "role",
            "username"
        ]
    );
    assert_eq!(user["email_verified"], false);
    assert_eq!(
        (&user["role"], &user["disabled"]),
        (&json!("user"), &json!(false))
    );
}

async fn register_refuses_taken_names_without_regard_to_case(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("grace").await;
    let r = app
        .register(json!({"email": "other@example.com", "username": "GRACE", "password": PASSWORD}))
        .await;
    let body = problem(r, 409).await;
    assert!(
        body["detail"].as_str().unwrap().contains("username"),
        "{body}"
    );
    let r = app
        .register(json!({"email": "GRACE@example.com", "username": "grace2", "password": PASSWORD}))
        .await;
    let body = problem(r, 409).await;
    assert!(body["detail"].as_str().unwrap().contains("email"), "{body}");
}

async fn register_names_every_invalid_field(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = app
        .register(json!({"email": "nope", "username": "a b", "password": "short"}))
        .await;
    let body = problem(r, 422).await;
    for field in ["email", "username", "password"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let r = app.register(json!({"email": 5})).await;
    let body = problem(r, 422).await;
    assert_eq!(body["errors"]["email"][0], "Must be a string.");
    assert_eq!(body["errors"]["username"][0], "This field is required.");
    // Not JSON at all, and not an object.
    problem(app.register_raw("application/json", "{not json").await, 400).await;
    let r = app.register(json!(["a", "b"])).await;
    problem(r, 422).await;
    problem(app.register_raw("text/plain", "hi").await, 415).await;
}

async fn passwords_are_limited_to_72_bytes_not_truncated(b: Backend) {
    let app = TestApp::spawn(b).await;
    let p72 = "p".repeat(72);
    let r = app
        .register(json!({"email": "l@example.com", "username": "long", "password": p72}))
        .await;
    assert_eq!(r.status(), 201);
    // 72 bytes log in; 72 bytes plus one more are refused as too long, never truncated to match.
    app.login_pair("long", &p72).await;
    let r = app
        .login(json!({"username": "long", "password": format!("{p72}x")}))
        .await;
    let body = problem(r, 422).await;
    assert!(body["errors"]["password"].is_array());
    let r = app
        .register(
            json!({"email": "m@example.com", "username": "longer", "password": "€".repeat(25)}),
        )
        .await;
    let body = problem(r, 422).await;
    assert!(body["errors"]["password"][0]
        .as_str()
        .unwrap()
        .contains("72 bytes"));
}

async fn login_by_username_or_email_returns_a_token_pair(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("hopper").await;
    for body in [
        json!({"username": "hopper", "password": PASSWORD}),
        json!({"username": "HOPPER", "password": PASSWORD}),
        json!({"email": "Hopper@example.com", "password": PASSWORD}),
        json!({"username": "hopper@example.com", "password": PASSWORD}),
    ] {
        let r = app.login(body.clone()).await;
        assert_eq!(r.status(), 200, "{body}");
        assert_eq!(r.headers()["cache-control"], "no-store");
        let pair: Value = r.json().await.unwrap();
        assert_eq!(pair["token_type"], "bearer");
        assert_eq!(pair["expires_in"], 1800);
        assert_eq!(pair["refresh_expires_in"], 14 * 86400);
        assert!(refresh_of(&pair).len() >= 43);
        let me = app.me(access_of(&pair)).await;
        assert_eq!(me.status(), 200);
        let me: Value = me.json().await.unwrap();
        assert_eq!(me["username"], "hopper");
    }
}

async fn unknown_user_and_wrong_password_get_the_same_answer(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("turing").await;
    let wrong = app
        .login(json!({"username": "turing", "password": "not the password"}))
        .await;
    let unknown = app
        .login(json!({"username": "nobody", "password": "not the password"}))
        .await;
    let (wrong, unknown) = (problem(wrong, 401).await, problem(unknown, 401).await);
    assert_eq!(wrong, unknown);
    let wrong = password_grant(&app, "turing", "nope-nope").await;
    let unknown = password_grant(&app, "ghost", "nope-nope").await;
    assert_eq!(
        (wrong.status().as_u16(), unknown.status().as_u16()),
        (400, 400)
    );
    let (w, u): (Value, Value) = (wrong.json().await.unwrap(), unknown.json().await.unwrap());
    assert_eq!(w, u);
    assert_eq!(w["error"], "invalid_grant");
}

async fn unknown_user_takes_as_long_as_a_wrong_password(b: Backend) {
    // At cost 10 a bcrypt check takes tens of milliseconds; a lookup alone takes about one.
    // The two kinds of try alternate, so both see the same load on a busy machine, and the
    // fastest of each is compared: without the dummy-hash check the two would differ by a
    // factor of ten or more. (CI once had all five tries of one kind, run back to back, fall in
    // a busy stretch.) Tests allow 100 free failures, so no try waits on the throttle.
    let app = TestApp::spawn_with(b, &[("BCRYPT_COST", "10")]).await;
    app.user("lovelace").await;
    let timed = |username: &'static str| {
        let app = &app;
        async move {
            let started = Instant::now();
            let r = app
                .login(json!({"username": username, "password": "wrong password"}))
                .await;
            assert_eq!(r.status(), 401);
            started.elapsed()
        }
    };
    let (mut wrong, mut unknown) = (Duration::MAX, Duration::MAX);
    for _ in 0..10 {
        wrong = wrong.min(timed("lovelace").await);
        unknown = unknown.min(timed("nobody").await);
    }
    assert!(
        unknown * 3 > wrong && wrong * 3 > unknown,
        "wrong password {wrong:?} vs unknown user {unknown:?}"
    );
}

async fn token_endpoint_speaks_oauth2_form_and_multipart(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("knuth").await;
    let r = password_grant(&app, "knuth", PASSWORD).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["pragma"], "no-cache");
    let pair: Value = r.json().await.unwrap();
    assert_eq!(pair["token_type"], "bearer");
    // FastAPI's tutorial and `curl -F` send multipart/form-data.
    let form = reqwest::multipart::Form::new()
        .text("grant_type", "password")
        .text("username", "knuth")
        .text("password", PASSWORD)
        .text("scope", "");
    let r = send(app.anon.post("/api/auth/token").multipart(form)).await;
    assert_eq!(r.status(), 200);
    let pair2: Value = r.json().await.unwrap();
    // The refresh grant rotates.
    let r = app
        .token_form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_of(&pair2)),
        ])
        .await;
    assert_eq!(r.status(), 200);
    let pair3: Value = r.json().await.unwrap();
    assert_ne!(pair3["refresh_token"], pair2["refresh_token"]);
    assert_eq!(app.me(access_of(&pair3)).await.status(), 200);
}

async fn token_endpoint_errors_follow_rfc_6749(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("dijkstra").await;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("username", "dijkstra"), ("password", PASSWORD)],
            "invalid_request",
        ),
        (
            vec![("grant_type", "password"), ("username", "dijkstra")],
            "invalid_request",
        ),
        (
            vec![("grant_type", "client_credentials")],
            "unsupported_grant_type",
        ),
        (
            vec![
                ("grant_type", "password"),
                ("username", "dijkstra"),
                ("password", "wrong-one"),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", "refresh_token"),
                ("refresh_token", "made-up"),
            ],
            "invalid_grant",
        ),
        (
            vec![
                ("grant_type", "password"),
                ("grant_type", "password"),
                ("username", "x"),
                ("password", "y"),
            ],
            "invalid_request",
        ),
    ];
    for (form, error) in cases {
        let r = app.token_form(&form).await;
        assert_eq!(r.status(), 400, "{form:?}");
        assert_eq!(r.headers()["cache-control"], "no-store");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], error, "{form:?}: {body}");
        assert!(body["error_description"].is_string());
    }
    let body = json!({"grant_type": "password"});
    let r = send(app.anon.post("/api/auth/token").json(&body)).await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
}

async fn refresh_rotates_and_the_new_pair_works(b: Backend) {
    let app = TestApp::spawn(b).await;
    let u = app.user("liskov").await;
    let r = app.refresh(&u.refresh_token).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let pair: Value = r.json().await.unwrap();
    assert_ne!(refresh_of(&pair), u.refresh_token);
    assert_eq!(app.me(access_of(&pair)).await.status(), 200);
    let r = app.refresh(refresh_of(&pair)).await;
    assert_eq!(r.status(), 200);
    problem(app.refresh("not-a-token").await, 401).await;
    let r = send(app.anon.post("/api/auth/refresh").json(&json!({}))).await;
    let body = problem(r, 422).await;
    assert!(body["errors"]["refresh_token"].is_array());
}

async fn reuse_after_the_grace_window_revokes_the_family(b: Backend) {
    let app = TestApp::spawn_with(b, &[("REFRESH_REUSE_GRACE_SECONDS", "0")]).await;
    let u = app.user("hamilton").await;
    let other = app.login_pair("hamilton", PASSWORD).await;
    let r = app.refresh(&u.refresh_token).await;
    assert_eq!(r.status(), 200);
    let rotated: Value = r.json().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // The thief (or the victim) presents the old token again: the whole family dies.
    let body = problem(app.refresh(&u.refresh_token).await, 401).await;
    assert!(
        body["detail"].as_str().unwrap().contains("already used"),
        "{body}"
    );
    problem(app.refresh(refresh_of(&rotated)).await, 401).await;
    assert_eq!(app.me(access_of(&rotated)).await.status(), 401);
    assert_eq!(app.me(&u.access_token).await.status(), 401);
    // Another login of the same user is another family and lives on.
    assert_eq!(app.me(access_of(&other)).await.status(), 200);
    assert_eq!(app.refresh(refresh_of(&other)).await.status(), 200);
}

async fn racing_refreshes_inside_the_grace_window_both_succeed(b: Backend) {
    let app = TestApp::spawn(b).await;
    let u = app.user("lamport").await;
    let (a, b2) = tokio::join!(app.refresh(&u.refresh_token), app.refresh(&u.refresh_token));
    assert_eq!((a.status().as_u16(), b2.status().as_u16()), (200, 200));
    let (a, b2): (Value, Value) = (a.json().await.unwrap(), b2.json().await.unwrap());
    for pair in [&a, &b2] {
        assert_eq!(app.me(access_of(pair)).await.status(), 200);
        assert_eq!(app.refresh(refresh_of(pair)).await.status(), 200);
    }
    // Sequential reuse inside the window also succeeds (a retried request).
    assert_eq!(app.refresh(&u.refresh_token).await.status(), 200);
}

async fn logout_revokes_the_token_and_its_session(b: Backend) {
    let app = TestApp::spawn(b).await;
    let u = app.user("ritchie").await;
    let other = app.login_pair("ritchie", PASSWORD).await;
    let r = app.logout(&u.access_token).await;
    assert_eq!(r.status(), 204);
    let r = app.me(&u.access_token).await;
    assert_eq!(r.status(), 401);
    let challenge = header(&r, "www-authenticate");
    assert!(
        challenge.contains(r#"error="invalid_token""#),
        "{challenge}"
    );
    assert!(challenge.contains("revoked"), "{challenge}");
    problem(app.refresh(&u.refresh_token).await, 401).await;
    assert_eq!(app.logout(&u.access_token).await.status(), 401);
    assert_eq!(app.me(access_of(&other)).await.status(), 200);
}

async fn logout_all_revokes_every_earlier_login_but_not_a_later_one(b: Backend) {
    let app = TestApp::spawn(b).await;
    let u = app.user("thompson").await;
    let second = app.login_pair("thompson", PASSWORD).await;
    assert_eq!(app.logout_all(&u.access_token).await.status(), 204);
    // Within the same second: the cut-off is exact, not a whole-second `iat` comparison.
    let after = app.login_pair("thompson", PASSWORD).await;
    assert_eq!(app.me(&u.access_token).await.status(), 401);
    assert_eq!(app.me(access_of(&second)).await.status(), 401);
    problem(app.refresh(refresh_of(&second)).await, 401).await;
    assert_eq!(app.me(access_of(&after)).await.status(), 200);
    assert_eq!(app.refresh(refresh_of(&after)).await.status(), 200);
}

async fn sessions_are_listed_and_deleting_one_revokes_its_tokens(b: Backend) {
    let app = TestApp::spawn(b).await;
    let u = app.user("hoare").await;
    let other = app.login_pair("hoare", PASSWORD).await;
    let stranger = app.user("wirth").await;
    let r = app.sessions(&u.access_token).await;
    assert_eq!(r.status(), 200);
    let list: Vec<Value> = r.json().await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
    for s in &list {
        for key in ["id", "created_at", "last_used_at", "user_agent", "current"] {
            assert!(s.get(key).is_some(), "{key} in {s}");
        }
    }
    let other_id = list.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    problem(
        app.delete_session(&stranger.access_token, &other_id).await,
        404,
    )
    .await;
    problem(
        app.delete_session(&u.access_token, "no-such-session").await,
        404,
    )
    .await;
    assert_eq!(
        app.delete_session(&u.access_token, &other_id)
            .await
            .status(),
        204
    );
    assert_eq!(app.me(access_of(&other)).await.status(), 401);
    problem(app.refresh(refresh_of(&other)).await, 401).await;
    assert_eq!(app.me(&u.access_token).await.status(), 200);
    let list: Vec<Value> = app.sessions(&u.access_token).await.json().await.unwrap();
    assert_eq!(list.len(), 1);
}

async fn password_change_revokes_everything_and_returns_a_new_pair(b: Backend) {
    let app = TestApp::spawn(b).await;
    let u = app.user("cerf").await;
    let other = app.login_pair("cerf", PASSWORD).await;
    problem(
        app.change_password(&u.access_token, "wrong password", "new password 1")
            .await,
        403,
    )
    .await;
    let body = problem(
        app.change_password(&u.access_token, PASSWORD, "short")
            .await,
        422,
    )
    .await;
    assert!(body["errors"]["new_password"].is_array());
    let r = app
        .change_password(&u.access_token, PASSWORD, "new password 1")
        .await;
    assert_eq!(r.status(), 200);
    let pair: Value = r.json().await.unwrap();
    assert_eq!(pair["token_type"], "bearer");
    assert_eq!(app.me(&u.access_token).await.status(), 401);
    assert_eq!(app.me(access_of(&other)).await.status(), 401);
    problem(app.refresh(&u.refresh_token).await, 401).await;
    assert_eq!(app.me(access_of(&pair)).await.status(), 200);
    let r = app
        .login(json!({"username": "cerf", "password": PASSWORD}))
        .await;
    problem(r, 401).await;
    app.login_pair("cerf", "new password 1").await;
}

async fn login_is_rate_limited_per_address(b: Backend) {
    let app = TestApp::spawn_with(b, &[("LOGIN_RATE_PER_MINUTE", "3")]).await;
    let body = json!({"username": "nobody", "password": "whatever1"});
    for _ in 0..3 {
        assert_eq!(app.login(body.clone()).await.status(), 401);
    }
    let r = app.login(body.clone()).await;
    let retry: u64 = header(&r, "retry-after").parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    problem(r, 429).await;
    let r = app.token_form(&[("grant_type", "password")]).await;
    assert_eq!(r.status(), 429);
    assert_eq!(app.refresh("x").await.status(), 429);
    // Other routes are unaffected.
    assert_eq!(app.list_posts(None, "").await.status(), 200);
    assert_eq!(app.get("/healthz").await.status(), 200);
}

async fn jwks_under_hs256_lists_only_the_id_token_key(b: Backend) {
    // Part three: the HS256 secret stays unpublished; the RS256 id_token key is listed.
    let app = TestApp::spawn(b).await;
    let keys = app.jwks().await["keys"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(keys[0]["alg"], "RS256");
    assert_eq!(keys[0]["kty"], "RSA");
}

async fn missing_and_invalid_credentials_get_rfc_6750_challenges(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = app.get("/api/users/me").await;
    assert_eq!(r.headers()["www-authenticate"], r#"Bearer realm="sigil""#);
    problem(r, 401).await;
    let r = app.me("garbage").await;
    let challenge = header(&r, "www-authenticate");
    assert!(
        challenge
            .starts_with(r#"Bearer realm="sigil", error="invalid_token", error_description=""#),
        "{challenge}"
    );
    problem(r, 401).await;
    // Optional auth: no token is anonymous, a bad one is still a 401.
    assert_eq!(app.list_posts(None, "").await.status(), 200);
    assert_eq!(app.list_posts(Some("garbage"), "").await.status(), 401);
}
