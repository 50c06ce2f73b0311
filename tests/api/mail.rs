//! Mail, received over a real SMTP conversation by the test's own server: verification on
//! registration, forgot/reset, address change, REQUIRE_VERIFIED_EMAIL, security notices, and
//! the outbox (server down then up, two instances, no enumeration by answer or time).

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{
    problem, send, Backend, Received, Requests as _, SmtpServer, TestApp, TestUser, PASSWORD,
};

backend_tests!(
    registration_sends_a_link_that_verifies_the_address_once,
    forgot_and_reset_change_the_password_and_end_every_session,
    an_unknown_address_gets_the_same_answer_and_no_mail,
    a_newer_link_or_a_password_change_ends_a_reset_link,
    bad_reset_and_verify_input_is_a_clear_422,
    an_address_change_needs_the_link_and_tells_the_old_address,
    an_address_taken_meanwhile_is_refused_when_the_link_is_followed,
    unverified_users_cannot_sign_in_when_verification_is_required,
    security_notices_name_what_happened_when_and_where,
    the_outbox_delivers_once_the_mail_server_is_back,
    two_instances_send_each_message_once,
    forgot_password_takes_as_long_for_an_unknown_address,
    the_pages_take_a_person_through_reset_and_verification,
    the_account_page_changes_the_address_and_resends_the_link,
    expired_links_do_nothing,
    a_link_works_only_for_its_own_purpose_and_only_once_under_a_race,
    mail_is_written_in_the_recipients_language,
);

const WAIT: Duration = Duration::from_secs(10);
const NEW_PASSWORD: &str = "a brand new passphrase";

/// A server whose mail goes to a test SMTP server, retrying after 1 s.
async fn spawn(b: Backend, extra: &[(&str, &str)]) -> (TestApp, SmtpServer) {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let mut env = vec![("SMTP_URL", url.as_str()), ("MAIL_RETRY_BASE_SECONDS", "1")];
    env.extend_from_slice(extra);
    (TestApp::spawn_with(b, &env).await, smtp)
}

/// Waits for the `n`-th message (1-based) and returns it.
async fn nth(smtp: &SmtpServer, n: usize) -> Received {
    let all = smtp.wait_for(n, WAIT).await;
    assert!(
        all.len() >= n,
        "expected {n} message(s), got {}: {all:#?}",
        all.len()
    );
    all[n - 1].clone()
}

/// Messages of one kind (by subject) to one address.
fn to(all: &[Received], address: &str, subject: &str) -> Vec<Received> {
    all.iter()
        .filter(|m| m.to == [address] && m.header("Subject").is_some_and(|s| s.contains(subject)))
        .cloned()
        .collect()
}

async fn forgot(app: &TestApp, email: &str) -> reqwest::Response {
    app.json(
        Method::POST,
        "/api/auth/password/forgot",
        None,
        json!({"email": email}),
    )
    .await
}

async fn reset(app: &TestApp, token: &str, new_password: &str) -> reqwest::Response {
    let body = json!({"token": token, "new_password": new_password});
    app.json(Method::POST, "/api/auth/password/reset", None, body)
        .await
}

async fn verify(app: &TestApp, token: &str) -> reqwest::Response {
    app.json(
        Method::POST,
        "/api/auth/email/verify",
        None,
        json!({"token": token}),
    )
    .await
}

async fn registration_sends_a_link_that_verifies_the_address_once(b: Backend) {
    let (app, smtp) = spawn(b, &[]).await;
    let alice = app.user("alice").await;
    let me: Value = app.me(&alice.access_token).await.json().await.unwrap();
    assert_eq!(me["email_verified"], false);
    let mail = nth(&smtp, 1).await;
    assert_eq!(mail.to, ["alice@example.com"]);
    assert_eq!(mail.from, "no-reply@localhost");
    assert_eq!(
        mail.header("Subject").unwrap(),
        "Confirm your e-mail address"
    );
    assert!(mail
        .header("Content-Type")
        .unwrap()
        .starts_with("multipart/alternative"));
    assert!(mail.header("Message-ID").is_some());
    let link = mail.link("/verify-email").expect("a verification link");
    assert!(
        link.starts_with(&format!("{}/verify-email?token=", app.address)),
        "{link}"
    );
    assert!(mail.decoded().contains("You received this because"));
    let token = mail.token("/verify-email").unwrap();
    let r = verify(&app, &token).await;
    assert_eq!(r.status(), 200);
    let user: Value = r.json().await.unwrap();
    assert_eq!(
        (user["email_verified"].as_bool(), user["username"].as_str()),
        (Some(true), Some("alice"))
    );
    let me: Value = app.me(&alice.access_token).await.json().await.unwrap();
    assert_eq!(me["email_verified"], true);
    // Single use.
    let body = problem(verify(&app, &token).await, 422).await;
    assert!(body["errors"]["token"].is_array(), "{body}");
    // The token is stored only as a hash: it appears nowhere in the database dump of tokens.
    assert_eq!(smtp.messages().len(), 1, "nothing else was sent");
}

async fn forgot_and_reset_change_the_password_and_end_every_session(b: Backend) {
    let (app, smtp) = spawn(b, &[]).await;
    let alice = app.user("alice").await;
    let other_session = app.login_pair("alice", PASSWORD).await;
    let r = forgot(&app, "ALICE@example.com").await;
    assert_eq!(r.status(), 202);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({}));
    let mail = nth(&smtp, 2).await;
    assert_eq!(mail.header("Subject").unwrap(), "Reset your Sigil password");
    let token = mail.token("/reset-password").expect("a reset link");
    assert!(mail.decoded().contains("30 minutes"));
    assert_eq!(reset(&app, &token, NEW_PASSWORD).await.status(), 204);
    // Every session and token of the user is gone.
    for access in [
        &alice.access_token,
        other_session["access_token"].as_str().unwrap(),
    ] {
        assert_eq!(app.me(access).await.status(), 401);
    }
    assert_eq!(app.refresh(&alice.refresh_token).await.status(), 401);
    // The new password works, the old one does not, and the link is used up.
    app.login_pair("alice", NEW_PASSWORD).await;
    let r = app
        .login(json!({"username": "alice", "password": PASSWORD}))
        .await;
    assert_eq!(r.status(), 401);
    let body = problem(reset(&app, &token, "yet another password").await, 422).await;
    assert!(body["errors"]["token"].is_array());
    // And the user is told.
    let notice = nth(&smtp, 3).await;
    assert_eq!(
        notice.header("Subject").unwrap(),
        "Your Sigil password was reset"
    );
    assert!(notice
        .decoded()
        .contains("Every session signed in before has been signed out"));
}

async fn an_unknown_address_gets_the_same_answer_and_no_mail(b: Backend) {
    let (app, smtp) = spawn(b, &[]).await;
    app.user("alice").await;
    nth(&smtp, 1).await;
    let known = forgot(&app, "alice@example.com").await;
    let unknown = forgot(&app, "nobody@example.com").await;
    assert_eq!(
        (known.status().as_u16(), unknown.status().as_u16()),
        (202, 202)
    );
    let (k, u) = (known.headers().clone(), unknown.headers().clone());
    assert_eq!(k.get("content-type"), u.get("content-type"));
    assert_eq!(known.bytes().await.unwrap(), unknown.bytes().await.unwrap());
    nth(&smtp, 2).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let all = smtp.messages();
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(all.iter().all(|m| m.to == ["alice@example.com"]));
    // A malformed address is a 422, like any other bad field.
    let body = problem(forgot(&app, "not an address").await, 422).await;
    assert!(body["errors"]["email"].is_array());
}

async fn a_newer_link_or_a_password_change_ends_a_reset_link(b: Backend) {
    let (app, smtp) = spawn(b, &[]).await;
    let alice = app.user("alice").await;
    forgot(&app, "alice@example.com").await;
    let first = nth(&smtp, 2).await.token("/reset-password").unwrap();
    forgot(&app, "alice@example.com").await;
    let second = nth(&smtp, 3).await.token("/reset-password").unwrap();
    assert_ne!(first, second);
    problem(reset(&app, &first, NEW_PASSWORD).await, 422).await;
    // Changing the password while signed in ends the newer one too.
    let r = app
        .change_password(&alice.access_token, PASSWORD, NEW_PASSWORD)
        .await;
    assert_eq!(r.status(), 200);
    problem(reset(&app, &second, "yet another password").await, 422).await;
    app.login_pair("alice", NEW_PASSWORD).await;
}

async fn bad_reset_and_verify_input_is_a_clear_422(b: Backend) {
    let (app, _smtp) = spawn(b, &[]).await;
    let long = "x".repeat(300);
    for token in [
        "",
        "short",
        "has spaces in it and is long enough to pass the length",
        long.as_str(),
    ] {
        let body = problem(reset(&app, token, NEW_PASSWORD).await, 422).await;
        assert!(body["errors"]["token"].is_array(), "{token:?}: {body}");
        let body = problem(verify(&app, token).await, 422).await;
        assert!(body["errors"]["token"].is_array(), "{token:?}: {body}");
    }
    // A well-shaped token nobody issued, and every field wrong at once.
    let unknown = "A".repeat(43);
    problem(reset(&app, &unknown, NEW_PASSWORD).await, 422).await;
    let body = problem(
        app.json(
            Method::POST,
            "/api/auth/password/reset",
            None,
            json!({"token": 5, "new_password": "short"}),
        )
        .await,
        422,
    )
    .await;
    assert!(
        body["errors"]["token"].is_array() && body["errors"]["new_password"].is_array(),
        "{body}"
    );
    let body = problem(
        app.json(Method::POST, "/api/auth/password/forgot", None, json!({}))
            .await,
        422,
    )
    .await;
    assert!(body["errors"]["email"].is_array());
}

async fn an_address_change_needs_the_link_and_tells_the_old_address(b: Backend) {
    let (app, smtp) = spawn(b, &[]).await;
    let alice = app.user("alice").await;
    nth(&smtp, 1).await;
    let change = |body: Value| {
        app.json(
            Method::PUT,
            "/api/users/me/email",
            Some(&alice.access_token),
            body,
        )
    };
    let body = problem(
        change(json!({"new_email": "alice@new.example", "current_password": "wrong password"}))
            .await,
        403,
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("password"));
    let body = problem(
        change(json!({"new_email": "alice@example.com", "current_password": PASSWORD})).await,
        422,
    )
    .await;
    assert!(body["errors"]["new_email"].is_array());
    let body = problem(
        change(json!({"new_email": "nope", "current_password": ""})).await,
        422,
    )
    .await;
    assert!(
        body["errors"]["new_email"].is_array() && body["errors"]["current_password"].is_array()
    );
    let r = change(json!({"new_email": "Alice@New.Example", "current_password": PASSWORD})).await;
    assert_eq!(r.status(), 202);
    let all = smtp.wait_for(3, WAIT).await;
    let link = to(&all, "alice@new.example", "Confirm your new e-mail address");
    let notice = to(&all, "alice@example.com", "being changed");
    assert_eq!((link.len(), notice.len()), (1, 1), "{all:#?}");
    assert!(notice[0].decoded().contains("alice@new.example"));
    // Nothing changes until the link is followed.
    let me: Value = app.me(&alice.access_token).await.json().await.unwrap();
    assert_eq!(me["email"], "alice@example.com");
    let token = link[0].token("/verify-email").unwrap();
    let user: Value = verify(&app, &token).await.json().await.unwrap();
    assert_eq!(
        (user["email"].as_str(), user["email_verified"].as_bool()),
        (Some("alice@new.example"), Some(true))
    );
    app.login_pair("alice@new.example", PASSWORD).await;
    problem(verify(&app, &token).await, 422).await;
}

async fn an_address_taken_meanwhile_is_refused_when_the_link_is_followed(b: Backend) {
    let (app, smtp) = spawn(b, &[]).await;
    let alice = app.user("alice").await;
    let body = json!({"new_email": "shared@example.com", "current_password": PASSWORD});
    let r = app
        .json(
            Method::PUT,
            "/api/users/me/email",
            Some(&alice.access_token),
            body,
        )
        .await;
    assert_eq!(
        r.status(),
        202,
        "a taken address is never revealed at request time"
    );
    let all = smtp.wait_for(3, WAIT).await;
    let token = to(&all, "shared@example.com", "Confirm your new")[0]
        .token("/verify-email")
        .unwrap();
    let r = app
        .register(json!({"email": "shared@example.com", "username": "bob", "password": PASSWORD}))
        .await;
    assert_eq!(r.status(), 201);
    problem(verify(&app, &token).await, 409).await;
    let me: Value = app.me(&alice.access_token).await.json().await.unwrap();
    assert_eq!(me["email"], "alice@example.com", "nothing half-changed");
}

async fn unverified_users_cannot_sign_in_when_verification_is_required(b: Backend) {
    let (app, smtp) = spawn(b, &[("REQUIRE_VERIFIED_EMAIL", "true")]).await;
    let r = app
        .register(json!({"email": "carol@example.com", "username": "carol", "password": PASSWORD}))
        .await;
    assert_eq!(r.status(), 201);
    nth(&smtp, 1).await;
    // A wrong password is still the plain 401: the rule applies only after a right one.
    let r = app
        .login(json!({"username": "carol", "password": "wrong password"}))
        .await;
    assert_eq!(r.status(), 401);
    let body = problem(
        app.login(json!({"username": "carol", "password": PASSWORD}))
            .await,
        403,
    )
    .await;
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .ends_with("/email-not-verified"),
        "{body}"
    );
    let r = app
        .token_form(&[
            ("grant_type", "password"),
            ("username", "carol"),
            ("password", PASSWORD),
        ])
        .await;
    assert_eq!(r.status(), 400);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["error"], "invalid_grant");
    assert!(err["error_description"]
        .as_str()
        .unwrap()
        .contains("not verified"));
    // Each refused sign-in sent a fresh link; the newest one works.
    let all = smtp.wait_for(3, WAIT).await;
    let token = all.last().unwrap().token("/verify-email").unwrap();
    assert_eq!(verify(&app, &token).await.status(), 200);
    app.login_pair("carol", PASSWORD).await;
}

async fn security_notices_name_what_happened_when_and_where(b: Backend) {
    let (app, smtp) = spawn(b, &[]).await;
    let dave: TestUser = app.user("dave").await;
    assert_eq!(smtp.wait_for(1, WAIT).await.len(), 1);
    // Signing in again from the same client is no news.
    app.login_pair("dave", PASSWORD).await;
    // A browser on Windows is a new device.
    let firefox =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0";
    let r = send(
        app.anon
            .post("/api/auth/login")
            .header("user-agent", firefox)
            .json(&json!({"username": "dave", "password": PASSWORD})),
    )
    .await;
    assert_eq!(r.status(), 200);
    let notice = nth(&smtp, 2).await;
    assert_eq!(
        notice.header("Subject").unwrap(),
        "New sign-in to your Sigil account"
    );
    let text = notice.decoded();
    assert!(
        text.contains("Firefox 132 on Windows")
            && text.contains("127.0.0.1")
            && text.contains(" UTC"),
        "{text}"
    );
    assert!(text.contains(&format!("{}/account", app.address)));
    // A password change tells the user.
    let r = app
        .change_password(&dave.access_token, PASSWORD, NEW_PASSWORD)
        .await;
    let pair: Value = r.json().await.unwrap();
    let notice = nth(&smtp, 3).await;
    assert_eq!(
        notice.header("Subject").unwrap(),
        "Your Sigil password was changed"
    );
    // A refresh token replayed after the grace window ends its session and tells the user.
    let refresh = pair["refresh_token"].as_str().unwrap();
    assert_eq!(app.refresh(refresh).await.status(), 200);
    let replay = app
        .spawn_sibling_with(&[("REFRESH_REUSE_GRACE_SECONDS", "0")])
        .await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(replay.refresh(refresh).await.status(), 401);
    let all = smtp.wait_for(4, WAIT).await;
    let reuse = to(&all, "dave@example.com", "signed out as a precaution");
    assert_eq!(reuse.len(), 1, "{all:#?}");
    assert!(smtp.messages().len() <= 4);
}

async fn the_outbox_delivers_once_the_mail_server_is_back(b: Backend) {
    let (app, smtp) = spawn(b, &[]).await;
    smtp.stop();
    // The request does not wait on SMTP.
    let started = Instant::now();
    let r = app
        .register(json!({"email": "erin@example.com", "username": "erin", "password": PASSWORD}))
        .await;
    assert_eq!(r.status(), 201);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(smtp.messages().is_empty());
    smtp.resume().await;
    let all = smtp.wait_for(1, Duration::from_secs(15)).await;
    assert_eq!(all.len(), 1);
    // Delivered once: later retries do not send it again.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(smtp.messages().len(), 1);
}

async fn two_instances_send_each_message_once(b: Backend) {
    let (app, smtp) = spawn(b, &[]).await;
    let sibling = app.spawn_sibling().await;
    for i in 0..6 {
        let on = if i % 2 == 0 { &app } else { &sibling };
        let name = format!("user{i}");
        let r = on.register(json!({"email": format!("{name}@example.com"), "username": name, "password": PASSWORD})).await;
        assert_eq!(r.status(), 201);
    }
    let all = smtp.wait_for(6, WAIT).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let all_now = smtp.messages();
    assert_eq!(all_now.len(), 6, "{all:#?}");
    let mut recipients: Vec<_> = all_now.iter().map(|m| m.to[0].clone()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 6);
}

async fn forgot_password_takes_as_long_for_an_unknown_address(b: Backend) {
    // The work (lookup, link, message, transaction) happens after the answer, so the two
    // answers take the time of parsing a body. The two kinds of try alternate, so both see the
    // same load (the known address's own follow-up work included), and the fastest of each is
    // compared: a busy machine cannot fake a difference.
    let (app, smtp) = spawn(b, &[]).await;
    app.user("frank").await;
    let timed = |email: &'static str| {
        let app = &app;
        async move {
            let started = Instant::now();
            assert_eq!(forgot(app, email).await.status(), 202);
            started.elapsed()
        }
    };
    let (mut known, mut unknown) = (Duration::MAX, Duration::MAX);
    for _ in 0..7 {
        known = known.min(timed("frank@example.com").await);
        unknown = unknown.min(timed("nobody@example.com").await);
    }
    eprintln!(
        "forgot-password, fastest of 7: known address {known:?}, unknown address {unknown:?}"
    );
    assert!(
        known < unknown * 3 + Duration::from_millis(2)
            && unknown < known * 3 + Duration::from_millis(2),
        "known {known:?} vs unknown {unknown:?}"
    );
    smtp.wait_for(8, WAIT).await;
}

async fn the_pages_take_a_person_through_reset_and_verification(b: Backend) {
    let (app, smtp) = spawn(b, &[]).await;
    app.user("grace").await;
    let verification = nth(&smtp, 1).await;
    let browser = &app.cookie;
    // The login page links to the way back in.
    let (_, html) = browser.page("/login").await;
    assert!(html.contains("href=\"/forgot-password\""));
    let r = browser
        .fill_in(
            "/forgot-password",
            "/forgot-password",
            &[("email", "grace@example.com")],
        )
        .await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("is on its way"), "{page}");
    let r = browser
        .fill_in(
            "/forgot-password",
            "/forgot-password",
            &[("email", "nobody@example.com")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.text().await.unwrap().replace("nobody@example.com", "X"),
        page.replace("grace@example.com", "X"),
        "the same page either way"
    );
    let link = nth(&smtp, 2).await.link("/reset-password").unwrap();
    let path = link.trim_start_matches(&app.address).to_string();
    let r = send(browser.get(&path)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    let html = r.text().await.unwrap();
    assert!(html.contains("name=\"token\""));
    // Mismatched confirmation: the form again, 422.
    let r = browser
        .fill_in(
            &path,
            "/reset-password",
            &[
                ("token", path.split("token=").nth(1).unwrap()),
                ("new_password", NEW_PASSWORD),
                ("new_password_confirm", "something else"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let token = path.split("token=").nth(1).unwrap().to_string();
    let r = browser
        .fill_in(
            &path,
            "/reset-password",
            &[
                ("token", &token),
                ("new_password", NEW_PASSWORD),
                ("new_password_confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login");
    assert_eq!(browser.login("grace", NEW_PASSWORD).await.status(), 303);
    // A used link shows a page that says so, with a way to ask again.
    let (status, html) = browser.page(&path).await;
    assert_eq!(status, 422);
    assert!(html.contains("href=\"/forgot-password\""));
    // The verification link from registration, followed in the browser.
    let verify_path = verification
        .link("/verify-email")
        .unwrap()
        .trim_start_matches(&app.address)
        .to_string();
    let r = send(browser.get(&verify_path)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    assert!(r.text().await.unwrap().contains("grace@example.com"));
    let (_, account) = browser.page("/account").await;
    assert!(account.contains("confirmed"));
}

async fn the_account_page_changes_the_address_and_resends_the_link(b: Backend) {
    let (app, smtp) = spawn(b, &[]).await;
    app.user("hana").await;
    nth(&smtp, 1).await;
    let browser = &app.cookie;
    assert_eq!(browser.login("hana", PASSWORD).await.status(), 303);
    let (_, html) = browser.page("/account").await;
    assert!(html.contains("not confirmed") && html.contains("action=\"/account/email/resend\""));
    let r = browser
        .fill_in("/account", "/account/email/resend", &[])
        .await;
    assert_eq!(r.status(), 303);
    let resent = nth(&smtp, 2).await;
    assert_eq!(
        resent.header("Subject").unwrap(),
        "Confirm your e-mail address"
    );
    // A wrong password re-renders the form with the typed address and the message.
    let r = browser
        .fill_in(
            "/account",
            "/account/email",
            &[
                ("new_email", "hana@new.example"),
                ("email_password", "not it at all"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("The current password is incorrect.")
            && html.contains("value=\"hana@new.example\""),
        "{html}"
    );
    assert!(html.contains("aria-invalid=\"true\""));
    let r = browser
        .fill_in(
            "/account",
            "/account/email",
            &[
                ("new_email", "hana@new.example"),
                ("email_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = browser.page("/account").await;
    assert!(
        html.contains("We sent a link to hana@new.example"),
        "{html}"
    );
    let all = smtp.wait_for(4, WAIT).await;
    assert_eq!(to(&all, "hana@new.example", "Confirm your new").len(), 1);
    assert_eq!(to(&all, "hana@example.com", "being changed").len(), 1);
}

async fn expired_links_do_nothing(b: Backend) {
    let (app, smtp) = spawn(b, &[]).await;
    let ivy = app.user("ivy").await;
    let verify_token = nth(&smtp, 1).await.token("/verify-email").unwrap();
    forgot(&app, "ivy@example.com").await;
    let reset_token = nth(&smtp, 2).await.token("/reset-password").unwrap();
    // Both links expired a second ago.
    app.sql(
        "UPDATE email_tokens SET expires_at = created_at - INTERVAL '1 second'"
            .replace(
                "INTERVAL '1 second'",
                if app.backend == Backend::Sqlite {
                    "0"
                } else {
                    "INTERVAL '1 second'"
                },
            )
            .as_str(),
    );
    let body = problem(reset(&app, &reset_token, NEW_PASSWORD).await, 422).await;
    assert!(body["errors"]["token"].is_array());
    problem(verify(&app, &verify_token).await, 422).await;
    // Nothing changed: the old password and session still work, the address is unverified.
    let me: Value = app.me(&ivy.access_token).await.json().await.unwrap();
    assert_eq!(me["email_verified"], false);
    app.login_pair("ivy", PASSWORD).await;
}

async fn a_link_works_only_for_its_own_purpose_and_only_once_under_a_race(b: Backend) {
    let (app, smtp) = spawn(b, &[]).await;
    app.user("jay").await;
    let verify_token = nth(&smtp, 1).await.token("/verify-email").unwrap();
    forgot(&app, "jay@example.com").await;
    let reset_token = nth(&smtp, 2).await.token("/reset-password").unwrap();
    // A verification link cannot set a password, a reset link cannot verify an address.
    problem(reset(&app, &verify_token, NEW_PASSWORD).await, 422).await;
    problem(verify(&app, &reset_token).await, 422).await;
    app.login_pair("jay", PASSWORD).await;
    // Both are still good for their own purpose, once, even when two requests race.
    let (a, b2) = tokio::join!(
        reset(&app, &reset_token, NEW_PASSWORD),
        reset(&app, &reset_token, "a second new password")
    );
    let mut statuses = [a.status().as_u16(), b2.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [204, 422]);
    let (a, b2) = tokio::join!(verify(&app, &verify_token), verify(&app, &verify_token));
    let mut statuses = [a.status().as_u16(), b2.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 422]);
}

/// The words of catalog message `id` in `locale`, as the server writes them.
fn said(locale: sigil::i18n::Locale, id: &str) -> String {
    sigil::i18n::with_locale(locale, || sigil::i18n::t(id))
}

async fn mail_is_written_in_the_recipients_language(b: Backend) {
    use sigil::i18n::Locale;
    let (app, smtp) = spawn(b, &[("DEFAULT_LOCALE", "de")]).await;
    // Registered in Spanish (Accept-Language): the verification link comes in Spanish.
    let r = send(
        app.anon
            .post("/api/auth/register")
            .header("Accept-Language", "es-MX")
            .json(&json!({"email": "eva@example.com", "username": "eva", "password": PASSWORD})),
    )
    .await;
    assert_eq!(r.status(), 201);
    let mail = nth(&smtp, 1).await;
    assert_eq!(mail.header("Content-Language").as_deref(), Some("es"));
    let subject = mail.header("Subject").unwrap();
    assert_ne!(
        subject, "Confirm your e-mail address",
        "the subject is translated"
    );
    let text = mail.decoded();
    assert!(
        text.contains(&said(Locale::Es, "email-verify-yours")),
        "{text}"
    );
    assert!(text.contains("<html lang=\"es\""), "{text}");
    assert!(!text.contains("You received this because"), "{text}");

    // A user who chose no language gets DEFAULT_LOCALE's (German here), whatever the request
    // that caused the mail says.
    app.sql("UPDATE users SET locale = NULL WHERE username = 'eva'");
    let r = send(
        app.anon
            .post("/api/auth/password/forgot")
            .header("Accept-Language", "es")
            .json(&json!({"email": "eva@example.com"})),
    )
    .await;
    assert!(r.status().is_success());
    let mail = nth(&smtp, 2).await;
    assert_eq!(mail.header("Content-Language").as_deref(), Some("de"));
    assert!(
        mail.decoded()
            .contains(&said(Locale::De, "email-reset-asked")),
        "{}",
        mail.decoded()
    );
}
