//! An attacker's view of the second factor: every route that issues tokens refuses to without
//! the code, racing requests spend a code or an `mfa_token` once, the opaque tokens do not
//! stand in for each other, and the code routes are rate limited.

use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{
    access_of, claims, enrol, header, mfa_token, mfa_user, problem, refresh_of, send, unix_now,
    Backend, Requests as _, TestApp, PASSWORD,
};

backend_tests!(
    no_route_issues_a_token_without_the_second_factor,
    racing_requests_spend_a_code_or_an_mfa_token_once,
    concurrent_guesses_get_five_tries_per_mfa_token_not_more,
    the_opaque_tokens_do_not_stand_in_for_each_other,
    a_disabled_account_cannot_finish_signing_in,
    cookie_requests_to_the_new_routes_need_the_csrf_token,
    ended_sessions_and_removed_factors_give_nothing_back,
    the_mfa_and_reauthenticate_routes_are_rate_limited,
    guesses_spread_over_many_mfa_tokens_and_addresses_are_limited_per_account,
    a_password_change_ends_the_sign_ins_waiting_for_a_code,
);

/// Every route that issues tokens, for a user whose second factor is on, given the password
/// and no code. The session that was already open when the second factor was turned on is
/// kept (turning it on does not sign other devices out, as with the big providers; logout-all
/// does): it refreshes, but keeps `amr` ["pwd"] (it never claims a code it did not see), and
/// once its `auth_time` is old a sensitive operation needs the password and a code.
async fn no_route_issues_a_token_without_the_second_factor(b: Backend) {
    let app = TestApp::spawn(b).await;
    let lu = mfa_user(&app, "lux").await;

    // JSON login and token endpoint: no token in the 403s (checked by mfa_token too).
    let r = app
        .login(json!({"username": "lux", "password": PASSWORD}))
        .await;
    let text = r.text().await.unwrap();
    assert!(
        !text.contains("access_token") && !text.contains("refresh_token"),
        "{text}"
    );
    let r = app
        .token_form(&[
            ("grant_type", "password"),
            ("username", "lux"),
            ("password", PASSWORD),
        ])
        .await;
    assert_eq!(r.status(), 403);
    let text = r.text().await.unwrap();
    assert!(
        !text.contains("access_token") && !text.contains("refresh_token"),
        "{text}"
    );

    // Reauthenticate without the code (or with a blank one).
    for body in [
        json!({"password": PASSWORD}),
        json!({"password": PASSWORD, "code": ""}),
        json!({"password": PASSWORD, "code": null}),
    ] {
        let r = app
            .reauthenticate(&lu.user.access_token, body.clone())
            .await;
        let r = problem(r, 422).await;
        assert!(r["errors"]["code"].is_array(), "{body}: {r}");
        assert!(r.get("access_token").is_none());
    }

    // The login form goes on to /login/mfa and sets no token cookie.
    let browser = app.new_browser();
    let r = browser.login("lux", PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert_eq!(header(&r, "location"), "/login/mfa");
    let set: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        set.iter()
            .all(|c| !c.starts_with("access_token=") && !c.starts_with("refresh_token=")),
        "{set:?}"
    );
    assert_eq!(browser.cookie("access_token"), None);
    // The silent renewal has no refresh cookie to renew from: a page stays signed out.
    let r = send(browser.get("/account")).await;
    assert_ne!(r.status(), 200);
    assert_eq!(browser.cookie("access_token"), None);
    assert_eq!(browser.cookie("refresh_token"), None);

    // Registering the name again is refused, by the API and the form, without a token.
    let body = json!({"email": "lux2@example.com", "username": "lux", "password": PASSWORD});
    problem(app.register(body).await, 409).await;
    let other = app.new_browser();
    let r = other
        .fill_in(
            "/register",
            "/register",
            &[
                ("email", "lux@example.com"),
                ("username", "lux"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_ne!(r.status(), 303);
    assert_eq!(other.cookie("access_token"), None);

    // The session from before the second factor refreshes, still as a password-only one.
    let r = app.refresh(&lu.user.refresh_token).await;
    assert_eq!(r.status(), 200);
    let pair: Value = r.json().await.unwrap();
    assert_eq!(claims(&pair)["amr"], json!(["pwd"]));
    // Once that sign-in is old, a sensitive change needs the code too.
    app.sql("UPDATE sessions SET auth_time = '2000-01-01 00:00:00'");
    let r = app.refresh(refresh_of(&pair)).await;
    let old: Value = r.json().await.unwrap();
    assert_eq!(claims(&old)["auth_time"], 946_684_800);
    let r = app.disable_totp(access_of(&old)).await;
    assert_eq!(r.status(), 401);
    let r = app
        .reauthenticate(access_of(&old), json!({"password": PASSWORD}))
        .await;
    problem(r, 422).await;
    mfa_token(&app, "lux").await;
}

async fn the_mfa_and_reauthenticate_routes_are_rate_limited(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        &[
            ("LOGIN_RATE_PER_MINUTE", "3"),
            ("TRUSTED_PROXIES", "127.0.0.1/32"),
        ],
    )
    .await;
    let mo = app.user("moe").await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let req = app
            .anon
            .post("/api/auth/mfa")
            .header("x-forwarded-for", "198.51.100.1")
            .json(&json!({"mfa_token": "guess", "code": "123456"}));
        let r = send(req).await;
        if r.status() == 429 {
            assert!(header(&r, "retry-after").parse::<u64>().unwrap() >= 1);
        }
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 429]);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let req = app
            .bearer
            .post("/api/auth/reauthenticate", &mo.access_token)
            .header("x-forwarded-for", "198.51.100.2")
            .json(&json!({"password": "a wrong guess"}));
        statuses.push(send(req).await.status().as_u16());
    }
    assert_eq!(statuses, [403, 403, 403, 429]);
}

/// Two sign-ins racing with the same code (a phished code replayed while its owner types it)
/// or the same recovery code: one wins. Two codes racing on one mfa_token: one session.
async fn racing_requests_spend_a_code_or_an_mfa_token_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut nia = mfa_user(&app, "nia").await;
    let code = nia.app.next_code().await;
    let rc = nia.recovery_codes[0].clone();
    for (first, second) in [(code.clone(), code.clone()), (rc.clone(), rc.clone())] {
        let (t1, t2) = (mfa_token(&app, "nia").await, mfa_token(&app, "nia").await);
        let (r1, r2) = tokio::join!(app.mfa(&t1, &first), app.mfa(&t2, &second));
        let mut statuses = [r1.status().as_u16(), r2.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 401], "{first}");
    }
    let token = mfa_token(&app, "nia").await;
    let code = nia.app.next_code().await;
    let rc = nia.recovery_codes[1].clone();
    let (r1, r2) = tokio::join!(app.mfa(&token, &code), app.mfa(&token, &rc));
    let mut statuses = [r1.status().as_u16(), r2.status().as_u16()];
    let loser = if statuses[0] == 200 { rc } else { code };
    statuses.sort();
    assert_eq!(statuses, [200, 401]);
    // The losing request's code relied on nothing: it is still good for the next sign-in.
    let token = mfa_token(&app, "nia").await;
    assert_eq!(app.mfa(&token, &loser).await.status(), 200, "{loser}");
}

/// An mfa_token is not a refresh token or an access token, and neither of those is an
/// mfa_token (they are all opaque or bearer strings an attacker might hold one of).
async fn the_opaque_tokens_do_not_stand_in_for_each_other(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut oz = mfa_user(&app, "ozz").await;
    let token = mfa_token(&app, "ozz").await;
    problem(app.refresh(&token).await, 401).await;
    problem(app.me(&token).await, 401).await;
    let r = app
        .token_form(&[("grant_type", "refresh_token"), ("refresh_token", &token)])
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_grant");
    let code = oz.app.next_code().await;
    problem(app.mfa(&oz.user.refresh_token, &code).await, 401).await;
    problem(app.mfa(&oz.user.access_token, &code).await, 401).await;
    // The code was not spent by those tries.
    assert_eq!(app.mfa(&token, &code).await.status(), 200);
}

/// An account disabled between the password and the code does not get its session.
async fn a_disabled_account_cannot_finish_signing_in(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let mut pia = mfa_user(&app, "pia").await;
    let (t1, t2) = (mfa_token(&app, "pia").await, mfa_token(&app, "pia").await);
    let r = app.admin_disable(&root.access_token, pia.user.id).await;
    assert_eq!(r.status(), 200);
    let code = pia.app.next_code().await;
    // Disabling ends every sign-in waiting for its second factor: the token is gone.
    let body = problem(app.mfa(&t1, &code).await, 401).await;
    assert!(
        body["detail"].as_str().unwrap().contains("mfa_token"),
        "{body}"
    );
    let grant = "urn:sigil:grant-type:mfa-otp";
    let r = app
        .token_form(&[("grant_type", grant), ("mfa_token", &t2), ("otp", &code)])
        .await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert!(body.get("access_token").is_none());
    // Enabled again, the old sign-ins stay over; a new one asks for the code again.
    let r = app.admin_enable(&root.access_token, pia.user.id).await;
    assert_eq!(r.status(), 200);
    problem(app.mfa(&t1, &pia.app.next_code().await).await, 401).await;
    // A disable that lands while a second step is under way (written straight to the
    // database, as a concurrent one would) is still refused with the account's reason.
    let t3 = mfa_token(&app, "pia").await;
    app.sql(&format!(
        "UPDATE users SET disabled = TRUE WHERE id = {}",
        pia.user.id
    ));
    let body = problem(app.mfa(&t3, &pia.app.next_code().await).await, 403).await;
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .ends_with("/account-disabled"),
        "{body}"
    );
}

/// A browser's cookies alone (a cross-site form) cannot reauthenticate or delete the account:
/// the CSRF token is needed, as for every cookie-authenticated write.
async fn cookie_requests_to_the_new_routes_need_the_csrf_token(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("quinn").await;
    let browser = app.new_browser();
    assert_eq!(browser.login("quinn", PASSWORD).await.status(), 303);
    let before = browser.cookie("access_token").expect("signed in");
    let reauth = json!({"password": PASSWORD});
    let r = send(browser.post("/api/auth/reauthenticate").json(&reauth)).await;
    problem(r, 403).await;
    let delete = json!({"current_password": PASSWORD});
    let r = send(
        browser
            .request(reqwest::Method::DELETE, "/api/users/me")
            .json(&delete),
    )
    .await;
    problem(r, 403).await;
    let r = send(browser.post("/api/users/me/mfa/totp")).await;
    problem(r, 403).await;

    let csrf = browser.csrf_token().await;
    let r = send(
        browser
            .post("/api/auth/reauthenticate")
            .header("x-csrf-token", &csrf)
            .json(&reauth),
    )
    .await;
    assert_eq!(r.status(), 200);
    let after = browser.cookie("access_token").expect("new cookie");
    assert_ne!(after, before);
    let r = send(
        browser
            .request(reqwest::Method::DELETE, "/api/users/me")
            .header("x-csrf-token", &csrf)
            .json(&delete),
    )
    .await;
    assert_eq!(r.status(), 204);
    assert_eq!(browser.cookie("access_token"), None);
}

/// Guesses fired all at once at one mfa_token (an attacker who has the password) still get
/// five tries between them: the others find it ended.
async fn concurrent_guesses_get_five_tries_per_mfa_token_not_more(b: Backend) {
    let app = TestApp::spawn(b).await;
    let rex = mfa_user(&app, "rex").await;
    let token = mfa_token(&app, "rex").await;
    let guesses: Vec<String> = (0..12)
        .map(|i| format!("{:06}", 100_000 + i * 7))
        .filter(|g| *g != rex.app.last_code())
        .collect();
    let answers = futures_util::future::join_all(guesses.iter().map(|g| app.mfa(&token, g))).await;
    let mut tried = 0;
    for r in answers {
        let body = problem(r, 401).await;
        if body["detail"].as_str().unwrap().contains("not right") {
            tried += 1;
        }
    }
    assert_eq!(tried, 5, "guesses that were checked");
}

/// A signed-out session cannot be revived by reauthenticating, and recovery codes die with the
/// authenticator they came with: enrolling again gives new ones, the old stay dead.
async fn ended_sessions_and_removed_factors_give_nothing_back(b: Backend) {
    let app = TestApp::spawn(b).await;
    let sam = mfa_user(&app, "sam").await;
    assert_eq!(app.disable_totp(&sam.user.access_token).await.status(), 204);
    let (mut again, _) = enrol(&app, &sam.user).await;
    let r = app
        .confirm_totp(&sam.user.access_token, &again.next_code().await)
        .await;
    assert_eq!(r.status(), 200);
    let fresh: Value = r.json().await.unwrap();
    let token = mfa_token(&app, "sam").await;
    problem(app.mfa(&token, &sam.recovery_codes[0]).await, 401).await;
    let old_app = sam.app.code_of(unix_now() as u64 / 30);
    if old_app != again.last_code() {
        problem(app.mfa(&token, &old_app).await, 401).await;
    }
    let code = fresh["recovery_codes"][0].as_str().unwrap();
    assert_eq!(app.mfa(&token, code).await.status(), 200);

    assert_eq!(app.logout(&sam.user.access_token).await.status(), 204);
    let r = app
        .reauthenticate(
            &sam.user.access_token,
            json!({"password": PASSWORD, "code": again.next_code().await}),
        )
        .await;
    problem(r, 401).await;
    problem(app.refresh(&sam.user.refresh_token).await, 401).await;
}

/// Twenty wrong codes in fifteen minutes, however many `mfa_token`s and addresses they come
/// through (the per-address limit is off here), and the account's next sign-in waits: 429,
/// audited; the right code of a token taken before still gets nowhere past the limit either.
async fn guesses_spread_over_many_mfa_tokens_and_addresses_are_limited_per_account(b: Backend) {
    let app = TestApp::spawn_with(b, &[("LOGIN_RATE_PER_MINUTE", "0")]).await;
    let rex = mfa_user(&app, "rex").await;
    let wrong: Vec<String> = (0..4)
        .map(|i| format!("{:06}", 200_000 + i * 13))
        .filter(|g| *g != rex.app.last_code())
        .collect();
    let mut guessed = 0;
    while guessed < 20 {
        let token = mfa_token(&app, "rex").await;
        for g in &wrong {
            if guessed < 20 {
                problem(app.mfa(&token, g).await, 401).await;
                guessed += 1;
            }
        }
    }
    let r = app
        .login(serde_json::json!({"username": "rex", "password": PASSWORD}))
        .await;
    assert_eq!(r.status(), 429);
    assert!(header(&r, "retry-after").parse::<u64>().unwrap() >= 60);
    // Re-authentication with a stolen token is held to the same count.
    let r = app
        .reauthenticate(
            &rex.user.access_token,
            serde_json::json!({"password": PASSWORD, "code": "123456"}),
        )
        .await;
    assert_eq!(r.status(), 429);
    // Other accounts are not affected.
    let amy = app.user("amy").await;
    assert_eq!(app.me(&amy.access_token).await.status(), 200);
    assert_eq!(
        app.login_pair("amy", PASSWORD).await["token_type"],
        "bearer"
    );
}

/// An `mfa_token` was won with the old password: once the password changes, it is over.
async fn a_password_change_ends_the_sign_ins_waiting_for_a_code(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut rex = mfa_user(&app, "rex").await;
    let waiting = mfa_token(&app, "rex").await;
    let r = app
        .change_password(&rex.user.access_token, PASSWORD, "a brand new passphrase")
        .await;
    assert_eq!(r.status(), 200);
    let code = rex.app.next_code().await;
    let body = problem(app.mfa(&waiting, &code).await, 401).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("unknown, expired"),
        "{body}"
    );
}
