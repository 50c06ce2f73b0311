//! The second factor at sign-in: enrolment and its confirmation, the JSON login with
//! `POST /api/auth/mfa`, the token endpoint's `mfa-otp` grant as an OAuth2 client library
//! drives it, single-use codes, the end of an `mfa_token`, `auth_time` and `amr` in tokens,
//! and every route that issues tokens refusing to do so without the second factor.

use std::time::Duration;

use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{
    access_of, claims, enrol, header, header_and_claims, mfa_token, mfa_user, now_step, problem,
    refresh_of, send, sign_in, unix_now, Backend, Requests as _, TestApp, PASSWORD,
};

backend_tests!(
    enrolment_is_confirmed_once_and_only_with_a_right_code,
    the_json_login_asks_for_a_code_and_the_mfa_route_completes_it,
    a_totp_code_works_once_across_confirm_and_sign_ins,
    a_recovery_code_signs_in_once_and_only_for_its_user,
    five_wrong_codes_end_the_mfa_token,
    an_expired_mfa_token_is_refused_and_spends_no_code,
    malformed_codes_are_refused_and_never_counted,
    the_token_endpoint_completes_a_sign_in_with_the_mfa_otp_grant,
    tokens_carry_auth_time_and_amr_and_refresh_keeps_them,
);

async fn enrolment_is_confirmed_once_and_only_with_a_right_code(b: Backend) {
    let app = TestApp::spawn(b).await;
    let ann = app.user("ann").await;
    // Nothing to confirm yet, to renew or to remove.
    problem(app.confirm_totp(&ann.access_token, "123456").await, 409).await;
    problem(app.regenerate_recovery_codes(&ann.access_token).await, 409).await;
    problem(app.disable_totp(&ann.access_token).await, 404).await;

    let (mut authenticator, body) = enrol(&app, &ann).await;
    let uri = body["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Sigil:ann?"), "{uri}");
    assert!(uri.contains(&format!("secret={}", authenticator.secret)));
    assert!(body["qr_svg"].as_str().unwrap().contains("<svg"));

    // A wrong code, or anything but six digits, turns nothing on.
    let wrong = authenticator.wrong_code();
    let r = problem(app.confirm_totp(&ann.access_token, &wrong).await, 422).await;
    assert!(r["errors"]["code"].is_array(), "{r}");
    for bad in ["12345", "abcde-fghjk", "", "1234567"] {
        let r = problem(app.confirm_totp(&ann.access_token, bad).await, 422).await;
        assert!(r["errors"]["code"].is_array(), "{bad:?}: {r}");
    }
    app.login_pair("ann", PASSWORD).await;

    let r = app
        .confirm_totp(&ann.access_token, &authenticator.next_code().await)
        .await;
    assert_eq!(r.status(), 200);
    let codes: Value = r.json().await.unwrap();
    let codes = codes["recovery_codes"].as_array().unwrap();
    assert_eq!(codes.len(), 10);
    let distinct: std::collections::HashSet<_> = codes.iter().collect();
    assert_eq!(distinct.len(), 10);

    // Confirmed once: again is a 409, and so is a new enrolment while it is on.
    let again = authenticator.next_code().await;
    problem(app.confirm_totp(&ann.access_token, &again).await, 409).await;
    problem(app.enrol_totp(&ann.access_token).await, 409).await;
    mfa_token(&app, "ann").await;
}

async fn the_json_login_asks_for_a_code_and_the_mfa_route_completes_it(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut bo = mfa_user(&app, "boa").await;
    // By e-mail too.
    let r = app
        .login(json!({"email": "boa@example.com", "password": PASSWORD}))
        .await;
    assert_eq!(problem(r, 403).await["methods"][0], "totp");
    // A wrong password is still the plain 401, with no mfa_token.
    let r = app
        .login(json!({"username": "boa", "password": "not the password"}))
        .await;
    assert!(problem(r, 401).await.get("mfa_token").is_none());

    let token = mfa_token(&app, "boa").await;
    let r = app.mfa(&token, &bo.app.next_code().await).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "cache-control"), "no-store");
    let pair: Value = r.json().await.unwrap();
    let c = claims(&pair);
    assert_eq!(c["amr"], json!(["pwd", "otp"]));
    assert!(
        (unix_now() - c["auth_time"].as_i64().unwrap()).abs() <= 5,
        "{c}"
    );
    assert_eq!(app.me(access_of(&pair)).await.status(), 200);

    // The mfa_token is spent: a second use is refused, and spends no recovery code.
    let code = bo.recovery_codes[0].clone();
    problem(app.mfa(&token, &code).await, 401).await;
    problem(app.mfa("not-an-mfa-token", &code).await, 401).await;
    let again = mfa_token(&app, "boa").await;
    assert_eq!(app.mfa(&again, &code).await.status(), 200);
}

async fn a_totp_code_works_once_across_confirm_and_sign_ins(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut cy = mfa_user(&app, "cyd").await;
    // The code that confirmed the enrolment does not sign in.
    let confirmed = cy.app.last_code();
    let token = mfa_token(&app, "cyd").await;
    let r = problem(app.mfa(&token, &confirmed).await, 401).await;
    assert!(r["detail"].as_str().unwrap().contains("4 more"), "{r}");

    let code = cy.app.next_code().await;
    assert_eq!(app.mfa(&token, &code).await.status(), 200);
    // Nor does a code once it signed in, at the next login or to reauthenticate.
    let token = mfa_token(&app, "cyd").await;
    problem(app.mfa(&token, &code).await, 401).await;
    let r = app
        .reauthenticate(
            &cy.user.access_token,
            json!({"password": PASSWORD, "code": code}),
        )
        .await;
    assert!(problem(r, 422).await["errors"]["code"].is_array());
    // An older step than the last accepted one is refused too.
    let older = cy.app.code_of(now_step() - 1);
    if older != code {
        problem(app.mfa(&token, &older).await, 401).await;
    }
    // The same mfa_token still takes a fresh code (three tries were wrong, not five).
    assert_eq!(
        app.mfa(&token, &cy.app.next_code().await).await.status(),
        200
    );
}

async fn a_recovery_code_signs_in_once_and_only_for_its_user(b: Backend) {
    let app = TestApp::spawn(b).await;
    let di = mfa_user(&app, "dia").await;
    let ed = mfa_user(&app, "eda").await;
    // Typed in capitals, it is the same code.
    let code = di.recovery_codes[3].to_uppercase();
    let token = mfa_token(&app, "dia").await;
    let r = app.mfa(&token, &code).await;
    assert_eq!(r.status(), 200);
    let pair: Value = r.json().await.unwrap();
    assert_eq!(claims(&pair)["amr"], json!(["pwd", "otp"]));

    let token = mfa_token(&app, "dia").await;
    problem(app.mfa(&token, &di.recovery_codes[3]).await, 401).await;
    // Someone else's recovery code is no good either.
    problem(app.mfa(&token, &ed.recovery_codes[0]).await, 401).await;
    assert_eq!(app.mfa(&token, &di.recovery_codes[4]).await.status(), 200);
    // And ed's code was not spent by that try.
    let token = mfa_token(&app, "eda").await;
    assert_eq!(app.mfa(&token, &ed.recovery_codes[0]).await.status(), 200);
}

async fn five_wrong_codes_end_the_mfa_token(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut fe = mfa_user(&app, "fei").await;
    let token = mfa_token(&app, "fei").await;
    let wrong = fe.app.wrong_code();
    for left in (0..5).rev() {
        let r = problem(app.mfa(&token, &wrong).await, 401).await;
        let detail = r["detail"].as_str().unwrap();
        match left {
            0 => assert!(detail.contains("fifth"), "{detail}"),
            n => assert!(detail.contains(&format!("{n} more")), "{detail}"),
        }
    }
    // The right code is refused now, by both routes, and a recovery code too.
    let right = fe.app.next_code().await;
    let r = problem(app.mfa(&token, &right).await, 401).await;
    assert!(r["detail"].as_str().unwrap().contains("five"), "{r}");
    problem(app.mfa(&token, &fe.recovery_codes[0]).await, 401).await;
    let r = app
        .token_form(&[
            ("grant_type", "urn:sigil:grant-type:mfa-otp"),
            ("mfa_token", &token),
            ("otp", &right),
        ])
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_grant");
    // Those tries spent no code: a new sign-in takes the same one.
    let token = mfa_token(&app, "fei").await;
    assert_eq!(app.mfa(&token, &right).await.status(), 200);
}

async fn an_expired_mfa_token_is_refused_and_spends_no_code(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut go = mfa_user(&app, "gon").await;
    let token = mfa_token(&app, "gon").await;
    app.sql("UPDATE mfa_challenges SET expires_at = '2000-01-01 00:00:00'");
    let code = go.app.next_code().await;
    problem(app.mfa(&token, &code).await, 401).await;
    let r = app
        .token_form(&[
            ("grant_type", "urn:sigil:grant-type:mfa-otp"),
            ("mfa_token", &token),
            ("otp", &code),
        ])
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_grant");
    let token = mfa_token(&app, "gon").await;
    assert_eq!(app.mfa(&token, &code).await.status(), 200);
}

async fn malformed_codes_are_refused_and_never_counted(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut ha = mfa_user(&app, "han").await;
    let token = mfa_token(&app, "han").await;
    for bad in [
        "12345",
        "1234567",
        "",
        "abc",
        "12345a",
        "abcde-fghj!",
        "١٢٣٤٥٦",
    ] {
        let r = problem(app.mfa(&token, bad).await, 422).await;
        assert!(r["errors"]["code"].is_array(), "{bad:?}: {r}");
    }
    let bodies = [
        (json!({"mfa_token": token, "code": 123456}), "code"),
        (json!({"mfa_token": token}), "code"),
        (json!({"code": "123456"}), "mfa_token"),
        (json!({"mfa_token": 7, "code": "123456"}), "mfa_token"),
    ];
    for (body, field) in bodies {
        let r = send(app.anon.post("/api/auth/mfa").json(&body)).await;
        let r = problem(r, 422).await;
        assert!(r["errors"][field].is_array(), "{body}: {r}");
    }
    let grant = "urn:sigil:grant-type:mfa-otp";
    let forms: [&[(&str, &str)]; 4] = [
        &[
            ("grant_type", grant),
            ("mfa_token", &token),
            ("otp", "12345"),
        ],
        &[("grant_type", grant), ("mfa_token", &token), ("otp", "x")],
        &[("grant_type", grant), ("mfa_token", &token)],
        &[("grant_type", grant), ("otp", "123456")],
    ];
    for form in forms {
        let r = app.token_form(form).await;
        assert_eq!(r.status(), 400, "{form:?}");
        assert_eq!(
            r.json::<Value>().await.unwrap()["error"],
            "invalid_request",
            "{form:?}"
        );
    }
    // None of that counted against the mfa_token.
    assert_eq!(
        app.mfa(&token, &ha.app.next_code().await).await.status(),
        200
    );
}

async fn the_token_endpoint_completes_a_sign_in_with_the_mfa_otp_grant(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut io = mfa_user(&app, "ion").await;
    // What an OAuth2 client library (authlib's fetch_token) sends first.
    let r = app
        .token_form(&[
            ("grant_type", "password"),
            ("username", "ion"),
            ("password", PASSWORD),
            ("client_id", "cli"),
            ("scope", "openid"),
        ])
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(header(&r, "cache-control"), "no-store");
    assert!(header(&r, "content-type").starts_with("application/json"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "mfa_required");
    assert!(body["error_description"].is_string());
    assert!(body.get("access_token").is_none());
    let token = body["mfa_token"].as_str().unwrap().to_string();

    let wrong = io.app.wrong_code();
    let grant = "urn:sigil:grant-type:mfa-otp";
    let r = app
        .token_form(&[
            ("grant_type", grant),
            ("mfa_token", &token),
            ("otp", &wrong),
        ])
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_grant");

    let code = io.app.next_code().await;
    let r = app
        .token_form(&[("grant_type", grant), ("mfa_token", &token), ("otp", &code)])
        .await;
    // RFC 6749 §5.1.
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "cache-control"), "no-store");
    assert!(header(&r, "content-type").starts_with("application/json"));
    let pair: Value = r.json().await.unwrap();
    assert!(pair["access_token"].is_string() && pair["refresh_token"].is_string());
    assert!(pair["token_type"]
        .as_str()
        .unwrap()
        .eq_ignore_ascii_case("bearer"));
    assert!(pair["expires_in"].as_u64().unwrap() > 0);
    assert_eq!(claims(&pair)["amr"], json!(["pwd", "otp"]));
    assert_eq!(app.me(access_of(&pair)).await.status(), 200);

    // The mfa_token is spent; a recovery code works in `otp` with a new one.
    let r = app
        .token_form(&[
            ("grant_type", grant),
            ("mfa_token", &token),
            ("otp", &io.recovery_codes[0]),
        ])
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_grant");
    let r = app
        .token_form(&[
            ("grant_type", "password"),
            ("username", "ion"),
            ("password", PASSWORD),
        ])
        .await;
    let token = r.json::<Value>().await.unwrap()["mfa_token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .token_form(&[
            ("grant_type", grant),
            ("mfa_token", &token),
            ("otp", &io.recovery_codes[0]),
        ])
        .await;
    assert_eq!(r.status(), 200);
    // The refresh grant keeps what the sign-in proved.
    let r = app
        .token_form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_of(&pair)),
        ])
        .await;
    assert_eq!(r.status(), 200);
    let refreshed: Value = r.json().await.unwrap();
    assert_eq!(claims(&refreshed)["amr"], json!(["pwd", "otp"]));
    assert_eq!(claims(&refreshed)["auth_time"], claims(&pair)["auth_time"]);
}

async fn tokens_carry_auth_time_and_amr_and_refresh_keeps_them(b: Backend) {
    let app = TestApp::spawn(b).await;
    let jo = app.user("joe").await;
    let login = header_and_claims(&jo.access_token).1;
    assert_eq!(login["amr"], json!(["pwd"]));
    let auth_time = login["auth_time"].as_i64().expect("auth_time");
    assert!((unix_now() - auth_time).abs() <= 5);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let r = app.refresh(&jo.refresh_token).await;
    assert_eq!(r.status(), 200);
    let pair: Value = r.json().await.unwrap();
    let c = claims(&pair);
    assert_eq!(
        (c["auth_time"].as_i64(), &c["amr"]),
        (Some(auth_time), &json!(["pwd"]))
    );
    assert!(c["iat"].as_i64().unwrap() > auth_time, "{c}");

    // The inspector shows both.
    let report = app.inspection(access_of(&pair)).await;
    assert_eq!(report["payload"]["auth_time"], auth_time, "{report}");
    assert_eq!(report["payload"]["amr"], json!(["pwd"]), "{report}");

    let mut ki = mfa_user(&app, "kit").await;
    let pair = sign_in(&app, &mut ki).await;
    let first = claims(&pair);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let r = app.refresh(refresh_of(&pair)).await;
    let refreshed = claims(&r.json::<Value>().await.unwrap());
    assert_eq!(refreshed["amr"], json!(["pwd", "otp"]));
    assert_eq!(refreshed["auth_time"], first["auth_time"]);
    let report = app.inspection(access_of(&pair)).await;
    assert_eq!(report["payload"]["amr"], json!(["pwd", "otp"]), "{report}");
}
