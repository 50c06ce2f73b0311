//! Issue 34, the friction a new user meets on the account and sign-in pages: recovery codes
//! that survive a reload, errors and messages shown in their section, one error for a blank
//! passkey name, one password for an address change, the login form kept at 429, a second
//! opening of a verification link, what a reset link needs, and words instead of jargon.

use serde_json::json;

use crate::backend_tests;
use crate::helpers::{
    outbox_token, segment, send, token_issued_ago, Backend, Browser, Requests as _, TestApp,
    PASSWORD,
};

backend_tests!(
    recovery_codes_show_once_and_a_reload_is_a_clear_page,
    account_errors_and_messages_show_in_their_section,
    a_blank_passkey_name_shows_only_that_error,
    changing_the_address_after_the_window_asks_for_the_password_once,
    the_confirmation_says_minute_for_one_minute,
    too_many_sign_ins_keep_the_login_form,
    a_verification_link_opened_again_says_the_address_is_confirmed,
    the_account_page_and_the_reset_link_agree,
    pages_speak_words_not_jargon,
);

/// Posts `fields` to `path` with the browser's CSRF token.
async fn post(b: &Browser, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let csrf = b.csrf_token().await;
    let mut fields = fields.to_vec();
    fields.push(("csrf_token", &csrf));
    b.form(path, &fields).await
}

/// Makes the browser's sign-in eleven minutes old (older than `REAUTH_MINUTES`).
fn sign_in_ago(b: &Browser) {
    let claims = segment(&b.cookie("access_token").expect("signed in"), 1);
    let old = token_issued_ago(
        claims["sub"].as_str().unwrap().parse().unwrap(),
        claims["username"].as_str().unwrap(),
        claims["sid"].as_str().unwrap(),
        11 * 60,
    );
    b.set_cookie("access_token", &old);
}

async fn signed_in(app: &TestApp, username: &str) {
    app.user(username).await;
    assert_eq!(app.cookie.login(username, PASSWORD).await.status(), 303);
}

/// The text of `html` from `start` up to the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start:?}"));
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

fn code_in(secret: &str, steps: i64) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp() + steps * 30;
    sigil::testing::totp_code(secret, now as u64)
}

fn codes_of(html: &str) -> Vec<String> {
    if !html.contains(r#"<ol class="recovery-codes">"#) {
        return Vec::new();
    }
    between(html, r#"<ol class="recovery-codes">"#, "</ol>")
        .split("<code>")
        .skip(1)
        .map(|s| s.split("</code>").next().unwrap().to_string())
        .collect()
}

async fn recovery_codes_show_once_and_a_reload_is_a_clear_page(b: Backend) {
    let app = TestApp::spawn(b).await;
    signed_in(&app, "rhea").await;
    let c = &app.cookie;
    let r = post(c, "/account/mfa/totp", &[("return_to", "/account")]).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let secret: String = between(&html, r#"aria-label="Key">"#, "</code>")
        .trim_start_matches(r#"aria-label="Key">"#)
        .to_string();
    assert_eq!(secret.len(), 32, "{secret}");
    let r = post(
        c,
        "/account/mfa/totp/confirm",
        &[("code", &code_in(&secret, 0))],
    )
    .await;
    assert_eq!(
        r.status(),
        303,
        "POST, 303, GET: a page that can be reloaded"
    );
    assert_eq!(r.headers()["location"], "/account/mfa/recovery-codes");
    let session = c.cookie("sigil_session").unwrap_or_default();

    let (status, html) = c.page("/account/mfa/recovery-codes").await;
    assert_eq!(status, 200);
    let codes = codes_of(&html);
    assert_eq!(codes.len(), 10, "{html}");
    assert!(html.contains("Two-step sign-in is on."));
    for code in &codes {
        assert!(
            !session.contains(code.as_str()),
            "sealed in the session cookie"
        );
    }

    // A reload: no 409, the same codes (for ten minutes; then a page that says they were
    // shown and offers new ones).
    let (status, html) = c.page("/account/mfa/recovery-codes").await;
    assert_eq!(status, 200);
    assert_eq!(codes_of(&html), codes, "a reload shows them again");
    assert!(!html.contains("There is no enrolment"));

    // New codes go the same way, and differ.
    let r = post(
        c,
        "/account/mfa/recovery-codes",
        &[("return_to", "/account")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (_, html) = c.page("/account/mfa/recovery-codes").await;
    let fresh = codes_of(&html);
    assert_eq!(fresh.len(), 10);
    assert!(fresh.iter().all(|code| !codes.contains(code)));
    assert!(html.contains("The old ones no longer work."));

    // Another account in this browser never sees them.
    let r = post(
        c,
        "/account/mfa/recovery-codes",
        &[("return_to", "/account")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(post(c, "/logout", &[]).await.status(), 303);
    signed_in(&app, "sam").await;
    let (status, html) = c.page("/account/mfa/recovery-codes").await;
    assert_eq!(status, 200);
    assert!(codes_of(&html).is_empty());
}

async fn account_errors_and_messages_show_in_their_section(b: Backend) {
    let app = TestApp::spawn(b).await;
    signed_in(&app, "iris").await;
    let c = &app.cookie;
    let (_, html) = c.page("/account").await;
    assert!(html.contains(r#"<section class="card" id="password" tabindex="-1">"#));
    assert!(html.contains(r#"action="/account/password#password""#));
    assert!(html.contains(r#"<section class="card" id="email" tabindex="-1">"#));
    assert!(html.contains(r#"action="/account/email#email""#));
    assert!(
        html.contains(r#"action="/account/mfa/totp/remove#two-step""#)
            || html.contains(r#"id="two-step""#)
    );

    let wrong = [
        ("current_password", "not my password"),
        ("new_password", "a brand new passphrase"),
        ("new_password_confirm", "a brand new passphrase"),
    ];
    let r = post(c, "/account/password", &wrong).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    let section = between(&html, r#"id="password""#, "</section>");
    let summary = between(section, r#"<div class="error-summary""#, ">");
    assert!(summary.contains(r#"role="alert""#), "{summary}");
    assert!(summary.contains(r#"tabindex="-1""#), "{summary}");
    assert!(
        summary.contains("autofocus"),
        "the error takes focus: {summary}"
    );
    assert!(section.contains(r##"href="#field-current_password""##));
}

async fn a_blank_passkey_name_shows_only_that_error(b: Backend) {
    let app = TestApp::spawn_with(b, &[("PUBLIC_URL", "http://localhost:{port}")]).await;
    signed_in(&app, "pia").await;
    let c = &app.cookie;
    let (_, html) = c.page("/account").await;
    assert!(html.contains(r#"action="/account/passkeys#passkeys""#));
    let r = post(
        c,
        "/account/passkeys",
        &[
            ("name", "  "),
            ("attestation", ""),
            ("return_to", "/account#passkeys"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        !html.contains("Your browser did not give a passkey"),
        "only the real error"
    );
    let section = between(&html, r#"id="passkeys""#, "</section>");
    assert!(section.contains(r#"aria-invalid="true""#) || section.contains("field invalid"));
    let summary = between(section, r#"<div class="error-summary""#, ">");
    assert!(summary.contains("autofocus"), "{summary}");

    // A good name without the browser's answer: that one is the error.
    let r = post(
        c,
        "/account/passkeys",
        &[("name", "Laptop"), ("attestation", "")],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Your browser did not give a passkey"));
}

async fn changing_the_address_after_the_window_asks_for_the_password_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    signed_in(&app, "nell").await;
    let c = &app.cookie;
    // Recent: the form asks for the password itself.
    let (_, html) = c.page("/account").await;
    assert!(html.contains(r#"name="email_password""#));

    sign_in_ago(c);
    let (_, html) = c.page("/account").await;
    assert!(
        !html.contains(r#"name="email_password""#),
        "\"Confirm it's you\" will ask, so the form does not"
    );
    let typed = [
        ("new_email", "nell.new@example.com"),
        ("return_to", "/account#email"),
    ];
    let r = post(c, "/account/email", &typed).await;
    assert_eq!(r.status(), 401);
    let html = r.text().await.unwrap();
    assert!(html.contains("<h1>Confirm it&#39;s you</h1>"));
    assert!(html.contains("within the last 10 minutes"));
    let confirm = [
        ("password", PASSWORD),
        ("keep.new_email", "nell.new@example.com"),
        ("return_to", "/account#email"),
        ("again", "form"),
    ];
    // The password typed on "Confirm it's you" is the change's current password: the change
    // is made there, and nothing is asked again.
    let r = post(c, "/reauthenticate", &confirm).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/account#email");
    let (_, html) = c.page("/account").await;
    assert!(
        html.contains("We sent a link to nell.new@example.com."),
        "{html}"
    );

    // Now recent: the form asks for the password itself, and never goes without it.
    let (_, html) = c.page("/account").await;
    assert!(html.contains(r#"name="email_password""#));
    let r = post(c, "/account/email", &[("new_email", "nell.3@example.com")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"name="email_password""#));

    // An attacker at an open browser: a confirmation for something else (or a wrong password
    // on the confirmation) never changes the address.
    sign_in_ago(c);
    let elsewhere = [
        ("password", PASSWORD),
        ("return_to", "/account#password"),
        ("again", "form"),
    ];
    assert_eq!(post(c, "/reauthenticate", &elsewhere).await.status(), 303);
    let r = post(c, "/account/email", &[("new_email", "mallory@example.com")]).await;
    assert_eq!(r.status(), 422, "the password is still asked");
    sign_in_ago(c);
    let wrong = [
        ("password", "not the password"),
        ("keep.new_email", "mallory@example.com"),
        ("return_to", "/account#email"),
        ("again", "form"),
    ];
    assert_eq!(post(c, "/reauthenticate", &wrong).await.status(), 401);
    let (_, html) = c.page("/account").await;
    assert!(!html.contains("mallory@example.com."), "no link was sent");
}

async fn the_confirmation_says_minute_for_one_minute(b: Backend) {
    let app = TestApp::spawn_with(b, &[("REAUTH_MINUTES", "1")]).await;
    signed_in(&app, "otto").await;
    let c = &app.cookie;
    sign_in_ago(c);
    let r = post(
        c,
        "/account/email",
        &[("new_email", "otto.new@example.com")],
    )
    .await;
    assert_eq!(r.status(), 401);
    let html = r.text().await.unwrap();
    assert!(html.contains("within the last minute)"), "{html}");
    assert!(!html.contains("1 minutes"));
}

async fn too_many_sign_ins_keep_the_login_form(b: Backend) {
    let app = TestApp::spawn_with(b, &[("LOGIN_RATE_PER_MINUTE", "2")]).await;
    app.user("tess").await;
    let c = &app.cookie;
    let mut last = None;
    for _ in 0..4 {
        last = Some(c.login("tess", "not the password").await);
    }
    let r = last.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("retry-after").is_some());
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"action="/login""#),
        "the form stays: {html}"
    );
    assert!(html.contains(r#"name="password""#));
    assert!(html.contains(r#"value="tess""#), "the typed name is kept");
    assert!(html.contains("Too many sign-in attempts"));
    assert!(html.contains("then try again."));
}

async fn a_verification_link_opened_again_says_the_address_is_confirmed(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("vera").await;
    let token = outbox_token(&app, "/verify-email").await;
    let c = &app.cookie;
    let link = format!("/verify-email?token={token}");
    let (status, html) = c.page(&link).await;
    assert_eq!(status, 200);
    assert!(html.contains("Confirm your address"));
    let r = post(c, "/verify-email", &[("token", &token)]).await;
    assert_eq!(r.status(), 200);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("<h1>Address confirmed</h1>"));

    // Opened again (a mail scanner went first, or a second click).
    let (status, html) = c.page(&link).await;
    assert_eq!(status, 200);
    assert!(html.contains("Your address is already confirmed"), "{html}");
    assert!(!html.contains("That link did not work"));
    let r = post(c, "/verify-email", &[("token", &token)]).await;
    assert_eq!(r.status(), 200);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Your address is already confirmed"));

    // A link that never worked still says so.
    let (status, html) = c.page("/verify-email?token=nothing-like-it").await;
    assert_eq!(status, 422);
    assert!(html.contains("That link did not work"));
}

async fn the_account_page_and_the_reset_link_agree(b: Backend) {
    let app = TestApp::spawn(b).await;
    signed_in(&app, "uma").await;
    let (_, html) = app.cookie.page("/account").await;
    assert!(html.contains("not confirmed"));
    assert!(
        !html.contains("to be able to get back into your account if you forget your password"),
        "the contract mails a reset link to any address"
    );
    assert!(html.contains("the link to choose a new password"));
    // And the link does go to the unconfirmed address.
    let r = send(
        app.anon
            .post("/api/auth/password/forgot")
            .json(&json!({"email": "uma@example.com"})),
    )
    .await;
    assert_eq!(r.status(), 202);
    let token = outbox_token(&app, "/reset-password").await;
    assert!(!token.is_empty());
}

async fn pages_speak_words_not_jargon(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = &app.cookie;
    let (_, html) = c.page("/register").await;
    assert!(!html.contains("72 bytes"));
    assert!(html.contains("At least 8 characters."));

    // Forty "é" are forty characters, but eighty bytes: said in characters.
    let accents = "é".repeat(40);
    let r = c
        .fill_in(
            "/register",
            "/register",
            &[
                ("email", "zoe@example.com"),
                ("username", "zoe"),
                ("password", &accents),
                ("password_confirm", &accents),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("your 40 characters count as 80"), "{html}");
    assert!(!html.contains("80 bytes"));
    // The JSON API keeps its exact figure.
    let r = app
        .register(json!({"email": "zoe@example.com", "username": "zoe", "password": accents}))
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("72 bytes"));

    // The activity list: how the user signed in, in words; no session id.
    signed_in(&app, "yara").await;
    let (_, html) = c.page("/account").await;
    let activity = between(&html, r#"id="activity""#, "</section>");
    assert!(!activity.contains("amr"), "{activity}");
    assert!(!activity.contains("session id"), "{activity}");
    assert!(activity.contains("signed in with password"), "{activity}");
}
