//! Recent authentication (RFC 9470) on every sensitive operation and
//! `POST /api/auth/reauthenticate`; deleting one's own account; the events and notices of the
//! second factor, none holding a secret.

use reqwest::{Method, Response};
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{
    access_of, assert_challenge, assert_no_secrets, claims, events, header, header_and_claims,
    mfa_token, mfa_user, notices, of_kind, problem, refresh_of, send, sign_in, the_event,
    token_issued_ago, unix_now, Backend, Requests as _, TestApp, TestUser, PASSWORD,
};

backend_tests!(
    each_sensitive_operation_needs_a_recent_mfa_sign_in,
    the_session_auth_time_survives_refresh_and_reauthenticate_renews_it,
    reauthenticate_checks_the_password_and_the_code_and_keeps_the_session,
    a_password_change_does_not_make_an_old_mfa_sign_in_recent,
    deleting_the_account_removes_everything_but_its_events,
    the_last_admin_cannot_delete_their_own_account,
    second_factor_events_and_notices_hold_no_secret,
);

/// An access token of `user`'s session `sid` (from `token`) signed in `age` seconds ago.
fn aged(user: &TestUser, token: &str, age: i64) -> String {
    let sid = header_and_claims(token).1["sid"]
        .as_str()
        .unwrap()
        .to_string();
    token_issued_ago(user.id as i32, &user.username, &sid, age)
}

async fn call(app: &TestApp, token: &str, method: Method, path: &str, body: &Value) -> Response {
    send(app.bearer.request(method, path, token).json(body)).await
}

/// Reauthenticates with `body`; the new pair, checked to be of the same session with a
/// fresh `auth_time`.
async fn reauth(app: &TestApp, token: &str, body: Value) -> Value {
    let r = app.reauthenticate(token, body).await;
    assert_eq!(r.status(), 200, "reauthenticate");
    assert_eq!(header(&r, "cache-control"), "no-store");
    let pair: Value = r.json().await.unwrap();
    let (before, after) = (header_and_claims(token).1, claims(&pair));
    assert_eq!(after["sid"], before["sid"]);
    assert!((unix_now() - after["auth_time"].as_i64().unwrap()).abs() <= 5);
    pair
}

async fn each_sensitive_operation_needs_a_recent_mfa_sign_in(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let bob = app.user("bob").await;
    let cy = app.user("cyd").await;
    let mut mia = mfa_user(&app, "mia").await;
    let (id, none) = (bob.id, json!({}));
    let admin_ops: Vec<(Method, String, Value, u16)> = vec![
        (Method::GET, "/api/admin/users".into(), none.clone(), 200),
        (
            Method::GET,
            format!("/api/admin/users/{id}"),
            none.clone(),
            200,
        ),
        (
            Method::GET,
            format!("/api/admin/events?user={id}"),
            none.clone(),
            200,
        ),
        (
            Method::POST,
            format!("/api/admin/users/{id}/disable"),
            none.clone(),
            200,
        ),
        (
            Method::POST,
            format!("/api/admin/users/{id}/enable"),
            none.clone(),
            200,
        ),
        (
            Method::POST,
            format!("/api/admin/users/{id}/logout-all"),
            none.clone(),
            204,
        ),
        (
            Method::POST,
            format!("/api/admin/users/{id}/password-reset"),
            none.clone(),
            202,
        ),
        (
            Method::DELETE,
            format!("/api/admin/users/{id}/sign-in-failures"),
            none.clone(),
            204,
        ),
        (
            Method::PUT,
            format!("/api/admin/users/{id}/role"),
            json!({"role": "user"}),
            200,
        ),
        (
            Method::DELETE,
            format!("/api/admin/users/{id}"),
            none.clone(),
            204,
        ),
    ];
    let email = json!({"new_email": "cy.new@example.com", "current_password": PASSWORD});
    let delete = json!({"current_password": PASSWORD});
    let cy_ops: Vec<(Method, String, Value, u16)> = vec![
        (Method::PUT, "/api/users/me/email".into(), email, 202),
        (
            Method::POST,
            "/api/users/me/mfa/totp".into(),
            none.clone(),
            200,
        ),
        (Method::DELETE, "/api/users/me".into(), delete, 204),
    ];
    let mia_ops: Vec<(Method, String, Value, u16)> = vec![
        (
            Method::POST,
            "/api/users/me/mfa/recovery-codes".into(),
            none.clone(),
            200,
        ),
        (
            Method::DELETE,
            "/api/users/me/mfa/totp".into(),
            json!({"password": PASSWORD}),
            204,
        ),
    ];
    // Signed in eleven minutes ago: every one is challenged, and nothing happens.
    let old = |u: &TestUser| aged(u, &u.access_token, 660);
    for (user, ops) in [(&root, &admin_ops), (&cy, &cy_ops), (&mia.user, &mia_ops)] {
        let token = old(user);
        assert_eq!(app.me(&token).await.status(), 200, "the old token is valid");
        for (method, path, body, _) in ops.iter() {
            let r = call(&app, &token, method.clone(), path, body).await;
            assert_challenge(r, 600, &format!("{method} {path}")).await;
        }
    }
    assert_eq!(app.me(&bob.access_token).await.status(), 200);
    assert_eq!(app.me(&cy.access_token).await.status(), 200);
    mfa_token(&app, "mia").await;
    // Ten minutes is still recent.
    let recent = aged(&mia.user, &mia.user.access_token, 590);
    let r = call(&app, &recent, Method::POST, &mia_ops[0].1, &none).await;
    assert_eq!(r.status(), 200);

    // After reauthenticating, each goes through.
    let code = mia.app.next_code().await;
    let fresh = [
        reauth(&app, &old(&root), json!({"password": PASSWORD})).await,
        reauth(&app, &old(&cy), json!({"password": PASSWORD})).await,
        reauth(
            &app,
            &old(&mia.user),
            json!({"password": PASSWORD, "code": code}),
        )
        .await,
    ];
    assert_eq!(claims(&fresh[2])["amr"], json!(["pwd", "otp"]));
    for (pair, ops) in fresh.iter().zip([&admin_ops, &cy_ops, &mia_ops]) {
        for (method, path, body, status) in ops.iter() {
            let r = call(&app, access_of(pair), method.clone(), path, body).await;
            assert_eq!(r.status(), *status, "{method} {path}");
        }
    }
    // mia's second factor is off; bob and cy are gone.
    let pair = app.login_pair("mia", PASSWORD).await;
    assert_eq!(claims(&pair)["amr"], json!(["pwd"]));
    problem(
        app.login(json!({"username": "bob", "password": PASSWORD}))
            .await,
        401,
    )
    .await;
    problem(
        app.login(json!({"username": "cyd", "password": PASSWORD}))
            .await,
        401,
    )
    .await;
}

async fn the_session_auth_time_survives_refresh_and_reauthenticate_renews_it(b: Backend) {
    let app = TestApp::spawn_with(b, &[("REAUTH_MINUTES", "1")]).await;
    let dee = app.user("dee").await;
    // Signed in two minutes ago, as far as the session knows.
    let then = unix_now() - 120;
    let at = time::OffsetDateTime::from_unix_timestamp(then).unwrap();
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    app.sql(&format!(
        "UPDATE sessions SET auth_time = '{}'",
        at.format(&format).unwrap()
    ));
    let r = app.refresh(&dee.refresh_token).await;
    let pair: Value = r.json().await.unwrap();
    assert_eq!(claims(&pair)["auth_time"], then);
    assert_challenge(app.enrol_totp(access_of(&pair)).await, 60, "enrol").await;

    let fresh = reauth(&app, access_of(&pair), json!({"password": PASSWORD})).await;
    assert_eq!(app.enrol_totp(access_of(&fresh)).await.status(), 200);
    // The refresh token from before reauthenticating still works, now with the new time.
    let r = app.refresh(refresh_of(&pair)).await;
    assert_eq!(r.status(), 200);
    let renewed: Value = r.json().await.unwrap();
    assert_eq!(claims(&renewed)["sid"], claims(&pair)["sid"]);
    assert_eq!(claims(&renewed)["auth_time"], claims(&fresh)["auth_time"]);
    assert_eq!(app.refresh(refresh_of(&fresh)).await.status(), 200);
}

async fn reauthenticate_checks_the_password_and_the_code_and_keeps_the_session(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut eve = mfa_user(&app, "eve").await;
    let pair = sign_in(&app, &mut eve).await;
    let token = aged(&eve.user, access_of(&pair), 660);
    let code = eve.app.next_code().await;

    let wrong_password = json!({"password": "not the password", "code": code});
    problem(app.reauthenticate(&token, wrong_password).await, 403).await;
    let r = app
        .reauthenticate(&token, json!({"password": PASSWORD}))
        .await;
    assert!(problem(r, 422).await["errors"]["code"].is_array());
    let wrong = json!({"password": PASSWORD, "code": eve.app.wrong_code()});
    assert!(
        problem(app.reauthenticate(&token, wrong).await, 422).await["errors"]["code"].is_array()
    );
    let malformed = json!({"password": PASSWORD, "code": "12-34"});
    assert!(
        problem(app.reauthenticate(&token, malformed).await, 422).await["errors"]["code"]
            .is_array()
    );
    let r = app.reauthenticate(&token, json!({"code": code})).await;
    assert!(problem(r, 422).await["errors"]["password"].is_array());
    let r = send(
        app.anon
            .post("/api/auth/reauthenticate")
            .json(&json!({"password": PASSWORD})),
    )
    .await;
    problem(r, 401).await;
    assert_challenge(app.disable_totp(&token).await, 600, "still old").await;

    // The code the wrong password came with was not spent.
    let fresh = reauth(&app, &token, json!({"password": PASSWORD, "code": code})).await;
    assert_eq!(claims(&fresh)["amr"], json!(["pwd", "otp"]));
    // The session's refresh token from before still works, and the old access token too.
    assert_eq!(app.refresh(refresh_of(&pair)).await.status(), 200);
    assert_eq!(app.me(&token).await.status(), 200);
    // A recovery code works once in place of the app's code.
    let rc = eve.recovery_codes[0].clone();
    reauth(&app, &token, json!({"password": PASSWORD, "code": rc})).await;
    let r = app
        .reauthenticate(&token, json!({"password": PASSWORD, "code": rc}))
        .await;
    problem(r, 422).await;

    // Without a second factor the password is enough (a blank code is no code).
    let fay = app.user("fay").await;
    let token = aged(&fay, &fay.access_token, 660);
    let pair = reauth(&app, &token, json!({"password": PASSWORD, "code": ""})).await;
    assert_eq!(claims(&pair)["amr"], json!(["pwd"]));
    assert_eq!(app.enrol_totp(access_of(&pair)).await.status(), 200);
}

/// A password change starts a new session: it must not come with a fresh `auth_time`, or
/// the password alone (no code) would open every operation that needs a recent sign-in.
async fn a_password_change_does_not_make_an_old_mfa_sign_in_recent(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut gus = mfa_user(&app, "gus").await;
    let pair = sign_in(&app, &mut gus).await;
    app.sql("UPDATE sessions SET auth_time = '2000-01-01 00:00:00'");
    let r = app.refresh(refresh_of(&pair)).await;
    let old: Value = r.json().await.unwrap();
    assert_eq!(claims(&old)["amr"], json!(["pwd", "otp"]));
    assert_challenge(app.disable_totp(access_of(&old)).await, 600, "old").await;

    let r = app
        .change_password(access_of(&old), PASSWORD, "a brand new passphrase")
        .await;
    assert_eq!(r.status(), 200);
    let changed: Value = r.json().await.unwrap();
    assert_eq!(claims(&changed)["amr"], json!(["pwd", "otp"]));
    assert_challenge(app.disable_totp(access_of(&changed)).await, 600, "after").await;
    let r = app.regenerate_recovery_codes(access_of(&changed)).await;
    assert_challenge(r, 600, "codes").await;
    let r = app
        .login(json!({"username": "gus", "password": "a brand new passphrase"}))
        .await;
    assert!(problem(r, 403).await["mfa_token"].is_string());
}

async fn deleting_the_account_removes_everything_but_its_events(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let mut hal = mfa_user(&app, "hal").await;
    let pair = sign_in(&app, &mut hal).await;
    let token = access_of(&pair).to_string();
    app.post_as(
        &TestUser {
            access_token: token.clone(),
            ..hal.user.clone()
        },
        "Goodbye",
        "public",
    )
    .await;

    let r = app
        .delete_me(&token, json!({"current_password": "not the password"}))
        .await;
    problem(r, 403).await;
    problem(app.delete_me(&token, json!({})).await, 422).await;
    assert_eq!(app.me(&token).await.status(), 200);
    mfa_token(&app, "hal").await;

    let r = app
        .delete_me(&token, json!({"current_password": PASSWORD}))
        .await;
    assert_eq!(r.status(), 204);
    let r = app.me(&token).await;
    assert_eq!(r.status(), 401);
    assert_eq!(app.refresh(refresh_of(&pair)).await.status(), 401);
    problem(
        app.login(json!({"username": "hal", "password": PASSWORD}))
            .await,
        401,
    )
    .await;
    // Nothing of the account is left in the database.
    let id = hal.user.id;
    for table in [
        "users WHERE id",
        "posts WHERE author_id",
        "sessions WHERE user_id",
        "totp_credentials WHERE user_id",
        "recovery_codes WHERE user_id",
        "mfa_challenges WHERE user_id",
    ] {
        // The CHECK fails the statement (and the test) if any row is left.
        app.sql(&format!(
            "CREATE TABLE IF NOT EXISTS leftover (n INTEGER CHECK (n = 0)); \
             INSERT INTO leftover SELECT COUNT(*) FROM {table} = {id}; DELETE FROM leftover;"
        ));
    }
    // The events stay, with the user's id.
    let deleted = the_event(&app, &root.access_token, id, "account_deleted").await;
    assert_eq!(deleted["actor_id"], id);
    let all = events(&app, &root.access_token, &format!("user={id}")).await;
    assert!(all.iter().any(|e| e["kind"] == "totp_enabled"), "{all:#?}");
}

async fn the_last_admin_cannot_delete_their_own_account(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let r = app
        .delete_me(&root.access_token, json!({"current_password": PASSWORD}))
        .await;
    problem(r, 409).await;
    assert_eq!(app.me(&root.access_token).await.status(), 200);
    // With a second admin, the first may go.
    let ada = app.admin("ada").await;
    let r = app
        .delete_me(&root.access_token, json!({"current_password": PASSWORD}))
        .await;
    assert_eq!(r.status(), 204);
    let r = app
        .delete_me(&ada.access_token, json!({"current_password": PASSWORD}))
        .await;
    problem(r, 409).await;
}

async fn second_factor_events_and_notices_hold_no_secret(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let mut ivy = mfa_user(&app, "ivy").await;
    let id = ivy.user.id;
    let mut secrets = vec![ivy.app.secret.clone(), ivy.app.last_code()];
    secrets.extend(ivy.recovery_codes.iter().cloned());

    // A wrong code, then a recovery code.
    let token = mfa_token(&app, "ivy").await;
    let wrong = ivy.app.wrong_code();
    problem(app.mfa(&token, &wrong).await, 401).await;
    let r = app.mfa(&token, &ivy.recovery_codes[0]).await;
    assert_eq!(r.status(), 200);
    let pair: Value = r.json().await.unwrap();
    secrets.push(token);
    secrets.push(access_of(&pair).to_string());
    secrets.push(refresh_of(&pair).to_string());
    // Reauthenticate (a wrong code first), new codes, off, and the account deleted.
    let access = access_of(&pair).to_string();
    let r = app
        .reauthenticate(&access, json!({"password": PASSWORD, "code": wrong}))
        .await;
    problem(r, 422).await;
    let code = ivy.app.next_code().await;
    let fresh = reauth(&app, &access, json!({"password": PASSWORD, "code": code})).await;
    secrets.push(code);
    let r = app.regenerate_recovery_codes(access_of(&fresh)).await;
    assert_eq!(r.status(), 200);
    let codes: Value = r.json().await.unwrap();
    let codes = codes["recovery_codes"].as_array().unwrap();
    assert_eq!(codes.len(), 10);
    secrets.extend(codes.iter().map(|c| c.as_str().unwrap().to_string()));
    // The old codes died with the new ones.
    let token = mfa_token(&app, "ivy").await;
    problem(app.mfa(&token, &ivy.recovery_codes[1]).await, 401).await;
    secrets.push(token);
    // The administrator sees that a second factor is on, and nothing of it.
    let r = app.admin_user(&root.access_token, id).await;
    let detail: Value = r.json().await.unwrap();
    assert_eq!(detail["second_factors"], json!(["totp"]), "{detail}");
    let me: Value = app.me(access_of(&fresh)).await.json().await.unwrap();
    for text in [detail.to_string(), me.to_string()] {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{secret} in {text}");
        }
    }
    assert_eq!(app.disable_totp(access_of(&fresh)).await.status(), 204);
    problem(app.disable_totp(access_of(&fresh)).await, 404).await;
    let detail: Value = app
        .admin_user(&root.access_token, id)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["second_factors"], json!([]), "{detail}");
    let r = app
        .delete_me(access_of(&fresh), json!({"current_password": PASSWORD}))
        .await;
    assert_eq!(r.status(), 204);

    let t = &root.access_token;
    for kind in [
        "totp_enabled",
        "recovery_code_used",
        "reauthenticated",
        "recovery_codes_regenerated",
        "totp_disabled",
        "account_deleted",
    ] {
        the_event(&app, t, id, kind).await;
    }
    let failed = of_kind(&app, t, id, "second_factor_failed").await;
    assert_eq!(failed.len(), 3, "{failed:#?}");
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    assert_no_secrets(&app, t, &secrets).await;

    // A notice for each change, to the account's address, holding no code.
    for kind in [
        "mfa_enabled",
        "recovery_code_used",
        "recovery_codes_regenerated",
        "mfa_disabled",
        "account_deleted",
    ] {
        let mails = notices(&app, kind, 1).await;
        assert_eq!(mails.len(), 1, "{kind}");
        assert!(mails[0].contains("ivy@example.com"), "{kind}");
        for secret in &secrets {
            assert!(!mails[0].contains(secret), "{kind} holds {secret}");
        }
    }
}
