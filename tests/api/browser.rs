//! End-to-end flows in headless Chromium (Debian's `chromium` and `chromium-driver`), driven
//! over WebDriver. Screenshots of the main pages land in `screenshots/` (ignored by git).
//!
//! Without a chromedriver on the machine these tests say they were skipped; with
//! `SIGIL_CHROMEDRIVER` set (as `.ci/run` does) a browser that cannot start is a failure.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::helpers::browser::{
    age_the_sign_in, body_text, browser, click, fill, log_in, path_of, shot, shows, submit,
    totp_in, Driver,
};
use crate::helpers::{token_issued_ago, Backend, Received, SmtpServer, TestApp, PASSWORD};

/// A server on SQLite with `users` registered (password [`PASSWORD`]), and a browser session
/// that has opened `path` on it; `None` (skipped) when there is no chromedriver.
async fn start(users: &[&str], path: &str) -> Option<(Driver, Client, TestApp)> {
    let (driver, c) = browser().await?;
    let app = TestApp::spawn(Backend::Sqlite).await;
    for username in users {
        app.user(username).await;
    }
    c.goto(&app.url(path)).await.unwrap();
    Some((driver, c, app))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_post_privately_log_out_and_it_is_gone() {
    let Some((_driver, c, app)) = start(&[], "/register").await else {
        return;
    };
    shot(&c, "register").await;
    fill(&c, "#field-email", "nina@example.com").await;
    fill(&c, "#field-username", "nina").await;
    fill(&c, "#field-password", "a strong password").await;
    fill(&c, "#field-password_confirm", "a strong password").await;
    submit(&c, "form[action='/register']").await;
    assert!(shows(&c, "Welcome to Sigil, nina!").await);

    // Log out and back in, as a returning user would.
    submit(&c, "form[action='/logout']").await;
    assert!(shows(&c, "You have been signed out.").await);
    assert_eq!(path_of(&c).await, "/login");
    shot(&c, "login").await;
    log_in(&c, "nina", "a strong password").await;
    assert!(shows(&c, "Welcome back, nina.").await);

    c.goto(&app.url("/posts/new")).await.unwrap();
    fill(&c, "#field-title", "My private diary").await;
    fill(&c, "#field-body", "Only I can read this.").await;
    click(&c, "input[name=visibility][value=private]").await;
    shot(&c, "new-post").await;
    submit(&c, "form[action='/posts']").await;
    assert!(shows(&c, "Post created.").await);
    let post_path = path_of(&c).await;
    assert!(post_path.starts_with("/posts/"), "{post_path}");
    assert!(body_text(&c).await.contains("My private diary"));
    shot(&c, "post").await;
    c.goto(&app.url("/")).await.unwrap();
    assert!(
        body_text(&c).await.contains("My private diary"),
        "the owner sees it listed"
    );
    shot(&c, "home").await;
    c.goto(&app.url("/account")).await.unwrap();
    shot(&c, "account").await;
    c.goto(&app.url("/token")).await.unwrap();
    assert!(shows(&c, "Your current access token").await);
    shot(&c, "token").await;

    // Pasted tokens: an expired one still shows its payload; a malformed one names the part.
    let expired = token_issued_ago(1, "nina", "some-session", 7200);
    for (token, name, verdict) in [
        (expired.as_str(), "token-expired", "Expired"),
        ("eyJhbGciOi.not-base64!.x", "token-malformed", "Malformed"),
    ] {
        c.goto(&app.url("/token")).await.unwrap();
        fill(&c, "#field-token", token).await;
        submit(&c, "form[action^='/token']").await;
        assert!(shows(&c, "Pasted token").await, "{name}");
        assert!(body_text(&c).await.contains(verdict), "{name}");
        c.execute(
            "document.getElementById('pasted-title').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
        shot(&c, name).await;
    }

    submit(&c, "form[action='/logout']").await;
    assert!(shows(&c, "You have been signed out.").await);
    c.goto(&app.url("/")).await.unwrap();
    assert!(shows(&c, "Latest posts").await);
    assert!(
        !body_text(&c).await.contains("My private diary"),
        "gone for the anonymous visitor"
    );
    c.goto(&app.url(&post_path)).await.unwrap();
    assert!(shows(&c, "Page not found").await);
    shot(&c, "not-found").await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn docs_authorize_with_the_password_flow_then_try_a_call() {
    let Some((_driver, c, _app)) = start(&["swagger"], "/docs/").await else {
        return;
    };
    let authorize = c
        .wait()
        .for_element(Locator::Css("button.authorize"))
        .await
        .expect("Swagger UI rendered (offline, from the binary)");
    shot(&c, "docs").await;
    authorize.click().await.unwrap();
    fill(&c, "#oauth_username", "swagger").await;
    fill(&c, "#oauth_password", PASSWORD).await;
    // The modal lists the bearer scheme first; the password flow's button is the last one.
    let buttons = c
        .find_all(Locator::Css(".auth-btn-wrapper button.authorize"))
        .await
        .unwrap();
    buttons
        .last()
        .expect("an Authorize button")
        .click()
        .await
        .unwrap();
    let authorized = shows(&c, "Logout").await;
    shot(&c, "docs-modal").await;
    assert!(authorized, "the password flow obtained a token");
    shot(&c, "docs-authorized").await;
    click(&c, "button.btn-done").await;

    let op = "#operations-users-me";
    click(&c, &format!("{op} .opblock-summary-control")).await;
    c.wait()
        .for_element(Locator::Css(&format!("{op} .try-out__btn")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click(&c, &format!("{op} button.execute")).await;
    let status = c
        .wait()
        .for_element(Locator::Css(&format!(
            "{op} .live-responses-table tbody .response-col_status"
        )))
        .await
        .unwrap();
    let mut code = String::new();
    for _ in 0..50 {
        code = status.text().await.unwrap_or_default();
        if !code.trim().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    shot(&c, "docs-try-it-out").await;
    assert!(
        code.trim().starts_with("200"),
        "GET /api/users/me from /docs answered {code:?}"
    );
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_protected_page_while_logged_out_returns_there_after_login() {
    let Some((_driver, c, _app)) = start(&["omar"], "/account").await else {
        return;
    };
    assert_eq!(path_of(&c).await, "/login?next=/account");
    log_in(&c, "omar", PASSWORD).await;
    assert!(shows(&c, "Active sessions").await);
    assert_eq!(path_of(&c).await, "/account");

    // A wrong password shows one message and keeps the name.
    submit(&c, "form[action='/logout']").await;
    assert!(shows(&c, "You have been signed out.").await);
    log_in(&c, "omar", "not my password").await;
    assert!(shows(&c, "Incorrect username or password.").await);
    shot(&c, "login-error").await;
    c.close().await.unwrap();
}

/// Forgot password in a real browser: the form, the mail as a mail client would show it (its
/// HTML part), the link from it, a new password, and signing in with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgot_password_from_the_mail_to_a_new_sign_in() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(Backend::Sqlite, &[("SMTP_URL", &smtp.url())]).await;
    app.user("pia").await;
    let verification = smtp.wait_for(1, Duration::from_secs(10)).await;
    show_mail(&c, &verification[0], "mail-verify").await;

    c.goto(&app.url("/login")).await.unwrap();
    click(&c, "a[href='/forgot-password']").await;
    assert!(shows(&c, "Forgot your password?").await);
    fill(&c, "#field-email", "pia@example.com").await;
    shot(&c, "forgot-password").await;
    submit(&c, "form[action='/forgot-password']").await;
    assert!(shows(&c, "is on its way").await);
    shot(&c, "forgot-password-sent").await;

    let mails = smtp.wait_for(2, Duration::from_secs(10)).await;
    let reset = &mails[1];
    show_mail(&c, reset, "mail-reset").await;
    // The button in the mail is the link, as a reader would click it.
    click(&c, "a[href*='/reset-password?token=']").await;
    assert!(shows(&c, "Choose a new password").await);
    shot(&c, "reset-password").await;
    fill(&c, "#field-new_password", "a fresh passphrase").await;
    fill(&c, "#field-new_password_confirm", "a fresh passphrase").await;
    submit(&c, "form[action='/reset-password']").await;
    assert!(shows(&c, "Your password is changed. Sign in with it.").await);
    log_in(&c, "pia", "a fresh passphrase").await;
    assert!(shows(&c, "Welcome back, pia.").await);

    let notice = smtp.wait_for(3, Duration::from_secs(10)).await;
    show_mail(&c, &notice[2], "mail-password-reset-notice").await;
    c.close().await.unwrap();
}

/// Opens a received message's HTML part in the browser (as a data URL) and screenshots it.
async fn show_mail(c: &Client, mail: &Received, name: &str) {
    let decoded = mail.decoded();
    let start = decoded.find("<!doctype html>").expect("an HTML part");
    let end = decoded[start..]
        .find("</html>")
        .expect("the end of the HTML part")
        + start
        + 7;
    let html = &decoded[start..end];
    use base64::Engine as _;
    let url = format!(
        "data:text/html;charset=utf-8;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(html)
    );
    c.goto(&url).await.unwrap();
    shot(c, name).await;
}

/// An administrator finds a user and disables them in one browser, while the user's own
/// browser is open on their account: its next page load is signed out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_disables_a_user_whose_open_browser_is_then_signed_out() {
    let Some((_admin_driver, admin)) = browser().await else {
        return;
    };
    let (_user_driver, user) = browser().await.expect("a second browser");
    let app = TestApp::spawn(Backend::Sqlite).await;
    for name in ["root", "alice", "bob", "carol.smith", "dmitri"] {
        app.user(name).await;
    }
    app.sql("UPDATE users SET role = 'admin' WHERE username = 'root'");

    user.goto(&app.url("/login")).await.unwrap();
    log_in(&user, "alice", PASSWORD).await;
    assert!(shows(&user, "Welcome back, alice.").await);
    user.goto(&app.url("/account")).await.unwrap();
    assert!(shows(&user, "Recent security activity").await);
    user.execute(
        "document.getElementById('activity').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    shot(&user, "account-activity").await;

    admin.goto(&app.url("/login")).await.unwrap();
    log_in(&admin, "root", PASSWORD).await;
    assert!(shows(&admin, "Welcome back, root.").await);
    click(&admin, "header a[href='/admin']").await;
    assert!(shows(&admin, "Find users by username or e-mail").await);
    shot(&admin, "admin-users").await;
    fill(&admin, "#field-query", "ALI").await;
    submit(&admin, "form[action='/admin']").await;
    assert!(shows(&admin, "alice@example.com").await);
    assert!(!body_text(&admin).await.contains("bob@example.com"));
    click(&admin, "table.users a").await;
    assert!(shows(&admin, "Live sessions").await);
    submit(&admin, "form[action$='/disable']").await;
    assert!(shows(&admin, "alice is disabled").await);
    shot(&admin, "admin-user-detail").await;
    admin
        .execute(
            "document.querySelector('form[action$=\\'/role\\']').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    shot(&admin, "admin-user-detail-more").await;

    // Alice's browser, still open on her account, is signed out on its next page load.
    user.refresh().await.unwrap();
    assert!(shows(&user, "Sign in").await);
    assert_eq!(path_of(&user).await, "/login?next=/account");
    log_in(&user, "alice", PASSWORD).await;
    assert!(shows(&user, "This account has been disabled.").await);

    admin.goto(&app.url("/admin/events")).await.unwrap();
    assert!(shows(&admin, "Account disabled by administrator root").await);
    shot(&admin, "admin-events").await;
    admin.close().await.unwrap();
    user.close().await.unwrap();
}

/// Adds an authenticator app by reading the key off the page, signs out, signs in with the
/// password and a code; confirms it is them (a recovery code) before changing the e-mail
/// address, and signs in again with another recovery code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_step_sign_in_from_enrolment_to_a_recovery_code() {
    let Some((_driver, c, app)) = start(&["alice"], "/login").await else {
        return;
    };
    log_in(&c, "alice", PASSWORD).await;
    assert!(shows(&c, "Welcome back, alice.").await);
    c.goto(&app.url("/account")).await.unwrap();
    submit(&c, "form[action='/account/mfa/totp']").await;
    assert!(shows(&c, "Scan this QR code").await);
    let qr = c.find(Locator::Css(".qr svg")).await.expect("the QR code");
    assert!(
        qr.rectangle().await.unwrap().2 >= 150.0,
        "drawn at a scannable size"
    );
    shot(&c, "mfa-enrol").await;
    let key = c.find(Locator::Css(".secret")).await.unwrap();
    let secret: String = key
        .text()
        .await
        .unwrap()
        .split_whitespace()
        .collect::<String>();
    assert_eq!(secret.len(), 32, "{secret}");
    fill(&c, "#field-code", &totp_in(&secret, 0)).await;
    submit(&c, "form[action='/account/mfa/totp/confirm']").await;
    assert!(shows(&c, "Two-step sign-in is on.").await);
    let mut codes = Vec::new();
    for code in c
        .find_all(Locator::Css(".recovery-codes code"))
        .await
        .unwrap()
    {
        codes.push(code.text().await.unwrap());
    }
    assert_eq!(codes.len(), 10);
    shot(&c, "mfa-recovery-codes").await;
    click(&c, "a[href='/account']").await;
    assert!(shows(&c, "10 recovery codes left.").await);
    c.execute(
        "document.getElementById('two-step').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    shot(&c, "account-two-step").await;

    submit(&c, "form[action='/logout']").await;
    assert!(shows(&c, "You have been signed out.").await);
    log_in(&c, "alice", PASSWORD).await;
    assert!(shows(&c, "Your password was right.").await);
    assert_eq!(path_of(&c).await, "/login/mfa");
    shot(&c, "mfa-login").await;
    fill(&c, "#field-code", &totp_in(&secret, 1)).await;
    submit(&c, "form[action='/login/mfa']").await;
    assert!(shows(&c, "Welcome back, alice.").await);

    // Later: the e-mail change asks to confirm it is her, and keeps the typed address.
    age_the_sign_in(&c, &app).await;
    c.goto(&app.url("/account")).await.unwrap();
    fill(&c, "#field-new_email", "alice.new@example.com").await;
    // Past the window the form asks no password: "Confirm it's you" does, once.
    assert!(c.find(Locator::Css("#field-email_password")).await.is_err());
    submit(&c, "form[action='/account/email#email']").await;
    assert!(
        shows(&c, "Confirm it's you").await,
        "{}",
        body_text(&c).await
    );
    fill(&c, "#field-password", PASSWORD).await;
    fill(&c, "#field-code", "000000").await;
    submit(&c, "form[action='/reauthenticate']").await;
    assert!(shows(&c, "That code is not right").await);
    shot(&c, "confirm-its-you").await;
    fill(&c, "#field-password", PASSWORD).await;
    fill(&c, "#field-code", &codes[0]).await;
    submit(&c, "form[action='/reauthenticate']").await;
    // The password typed there was the change's: the address change is made, nothing is
    // asked again.
    assert!(shows(&c, "We sent a link to alice.new@example.com").await);

    submit(&c, "form[action='/logout']").await;
    assert!(shows(&c, "You have been signed out.").await);
    log_in(&c, "alice", PASSWORD).await;
    assert!(shows(&c, "Your password was right.").await);
    fill(&c, "#field-code", &codes[1]).await;
    submit(&c, "form[action='/login/mfa']").await;
    assert!(shows(&c, "Welcome back, alice.").await);
    c.goto(&app.url("/account")).await.unwrap();
    assert!(shows(&c, "8 recovery codes left.").await);
    c.close().await.unwrap();
}

/// A screenshot of the whole page: the window grows to the page's height first.
async fn full_shot(c: &Client, name: &str) {
    let height = c
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(900)
        .clamp(900, 5000) as u32;
    c.set_window_size(1200, height + 120).await.unwrap();
    shot(c, name).await;
    c.set_window_size(1200, 900).await.unwrap();
}

/// The text of the first element matching `selector`.
async fn text_of(c: &Client, selector: &str) -> String {
    let element = c.find(Locator::Css(selector)).await.expect(selector);
    element.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspector_checks_foreign_tokens_opens_share_links_and_encodes() {
    use crate::helpers::{fixture, JWT_IO};
    let Some((_driver, c, app)) = start(&[], "/token").await else {
        return;
    };
    let pasted = "section[aria-labelledby=pasted-title]";

    // Another issuer's ES256 token, checked with its PEM public key.
    let f = fixture("ES256");
    fill(&c, "#field-token", f["token"].as_str().unwrap()).await;
    let set_key = "document.getElementById('field-key').value = arguments[0];";
    c.execute(set_key, vec![f["pem"].clone()]).await.unwrap();
    fill(&c, "#field-expected_audience", "https://api.example.com").await;
    submit(&c, "#inspect-form").await;
    assert!(shows(&c, "Pasted token").await);
    assert_eq!(
        text_of(&c, &format!("{pasted} .badge-status")).await,
        "Valid"
    );
    let warnings = text_of(&c, &format!("{pasted} .warnings")).await;
    assert!(warnings.contains("long_lifetime"), "{warnings}");
    let facts = text_of(&c, &format!("{pasted} .facts")).await;
    assert!(
        facts.contains("expires in") && facts.contains("UTC"),
        "{facts}"
    );
    let key = c.find(Locator::Css("#field-key")).await.unwrap();
    assert!(
        key.prop("value")
            .await
            .unwrap()
            .unwrap()
            .contains("BEGIN PUBLIC KEY"),
        "the key is kept to be tweaked"
    );
    full_shot(&c, "inspector-foreign-key").await;

    // A share link from elsewhere: the script fills the form and posts it.
    c.goto(&app.url("/")).await.unwrap();
    c.goto(&app.url(&format!("/token#token={JWT_IO}")))
        .await
        .unwrap();
    assert!(shows(&c, "Pasted token").await, "the form was submitted");
    assert!(shows(&c, "John Doe").await);
    assert_eq!(
        text_of(&c, &format!("{pasted} .badge-status")).await,
        "Not verified"
    );
    let url = c.current_url().await.unwrap();
    assert_eq!(
        (url.path(), url.query(), url.fragment()),
        ("/token", None, Some("pasted")),
        "the token left the address; the page landed on its report"
    );
    let field = c.find(Locator::Css("#field-token")).await.unwrap();
    assert_eq!(field.prop("value").await.unwrap().as_deref(), Some(JWT_IO));
    full_shot(&c, "inspector-share-link").await;

    // The same token with jwt.io's published secret: it verifies, and the page says why that
    // secret must never be used.
    c.execute(set_key, vec!["your-256-bit-secret".into()])
        .await
        .unwrap();
    submit(&c, "#inspect-form").await;
    assert!(shows(&c, "Pasted token").await);
    assert_eq!(
        text_of(&c, &format!("{pasted} .badge-status")).await,
        "Valid"
    );
    let warnings = text_of(&c, &format!("{pasted} .warnings")).await;
    assert!(
        warnings.contains("weak_hmac_secret") && warnings.contains("anyone can forge"),
        "{warnings}"
    );
    full_shot(&c, "inspector-jwt-io-secret").await;

    // The encoder: sign with a secret, then follow the link to inspect the result.
    click(&c, "nav.tabs a[href='/token/encode']").await;
    assert!(shows(&c, "Token encoder").await);
    fill(
        &c,
        "#field-key",
        "a long random test secret, 0123456789abcdef",
    )
    .await;
    submit(&c, "form[action='/token/encode']").await;
    assert!(shows(&c, "Encoded token").await);
    let token = text_of(&c, "#encoded-token").await;
    assert_eq!(token.split('.').count(), 3, "{token}");
    full_shot(&c, "inspector-encoder").await;
    click(&c, ".share-link").await;
    assert!(shows(&c, "Pasted token").await);
    assert!(shows(&c, "user-123").await);
    assert_eq!(
        text_of(&c, &format!("{pasted} .badge-status")).await,
        "Not verified"
    );
    c.close().await.unwrap();
}
