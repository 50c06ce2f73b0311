//! The keyboard alone (Tab, Shift+Tab, Enter; no mouse, no `fill`) completes registration, a
//! sign-in with an authenticator code and a password reset: focus starts at the skip link,
//! follows the reading order through each form, and Enter sends it (API.md part three,
//! section 5). Consent by keyboard (Space on "Allow") is in browser_oidc's flow.

use std::time::Duration;

use crate::helpers::browser::{body_text, browser, shot, shows};
use crate::helpers::keyboard::{back, focused, press, tab_to, ENTER, TAB};
use crate::helpers::{mfa_user, Backend, SmtpServer, TestApp, PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keyboard_alone_registers_and_signs_in_with_an_authenticator_code() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await;

    // Registration: the skip link is the first stop, then the header, then the form in order.
    c.goto(&app.url("/register")).await.unwrap();
    press(&c, &TAB.to_string()).await;
    assert_eq!(
        focused(&c).await,
        "a[href=#main]",
        "the skip link comes first"
    );
    tab_to(&c, "field-email", 12).await;
    press(&c, "kim@example.com").await;
    press(&c, &TAB.to_string()).await;
    assert_eq!(focused(&c).await, "field-username");
    press(&c, "kim").await;
    press(&c, &TAB.to_string()).await;
    assert_eq!(focused(&c).await, "field-password");
    // Shift+Tab goes back to the username, and Tab forward again: nothing traps the focus.
    back(&c).await;
    assert_eq!(focused(&c).await, "field-username");
    press(&c, &TAB.to_string()).await;
    press(&c, PASSWORD).await;
    press(&c, &TAB.to_string()).await;
    assert_eq!(focused(&c).await, "field-password_confirm");
    // A typo first: the error summary takes the focus, and its link leads to the field.
    press(&c, "not-the-same-password").await;
    press(&c, &ENTER.to_string()).await;
    assert!(shows(&c, "Please correct the following").await);
    assert_eq!(
        focused(&c).await,
        "div.error-summary",
        "the summary has the focus"
    );
    shot(&c, "keyboard-register-error").await;
    // From the summary: its link, then the form from the top, the typed values kept.
    let passed = tab_to(&c, "field-password", 8).await;
    assert!(
        passed.ends_with(&["field-email".into(), "field-username".into()]),
        "{passed:?}"
    );
    press(&c, PASSWORD).await;
    press(&c, &TAB.to_string()).await;
    press(&c, PASSWORD).await;
    press(&c, &ENTER.to_string()).await;
    assert!(
        shows(&c, "Signed in as kim").await,
        "{}",
        body_text(&c).await
    );

    // A sign-in with an authenticator code, from the sign-in page, by keyboard.
    let mut lee = mfa_user(&app, "lee").await;
    c.delete_all_cookies().await.unwrap();
    c.goto(&app.url("/login")).await.unwrap();
    // The username field has the focus (autofocus); Shift+Tab and Tab come back to it.
    assert_eq!(focused(&c).await, "field-username");
    back(&c).await;
    tab_to(&c, "field-username", 3).await;
    press(&c, "lee").await;
    press(&c, &TAB.to_string()).await;
    assert_eq!(focused(&c).await, "field-password");
    press(&c, PASSWORD).await;
    press(&c, &ENTER.to_string()).await;
    assert!(
        shows(&c, "authenticator app").await,
        "{}",
        body_text(&c).await
    );
    // The code field has the focus already (autofocus) or is the next stop.
    if focused(&c).await != "field-code" {
        tab_to(&c, "field-code", 12).await;
    }
    press(&c, &lee.app.next_code().await).await;
    press(&c, &ENTER.to_string()).await;
    assert!(
        shows(&c, "Welcome back, lee.").await,
        "{}",
        body_text(&c).await
    );
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keyboard_alone_resets_a_forgotten_password() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(Backend::Sqlite, &[("SMTP_URL", &smtp.url())]).await;
    app.user("max").await;
    smtp.wait_for(1, Duration::from_secs(10)).await;
    // From the sign-in page: Tab to "Forgot your password?", Enter.
    c.goto(&app.url("/login")).await.unwrap();
    tab_to(&c, "a[href=/forgot-password]", 12).await;
    press(&c, &ENTER.to_string()).await;
    assert!(shows(&c, "Forgot your password?").await);
    assert_eq!(focused(&c).await, "field-email");
    press(&c, "max@example.com").await;
    press(&c, &ENTER.to_string()).await;
    assert!(shows(&c, "is on its way").await);
    // The mail's link, opened as a mail reader would.
    let mails = smtp.wait_for(2, Duration::from_secs(10)).await;
    let text = mails[1].decoded();
    let at = text.find("/reset-password?token=").expect("the reset link");
    let start = text[..at].rfind("http").expect("an absolute link");
    let end = at
        + text[at..]
            .find(|ch: char| ch == '"' || ch.is_whitespace())
            .unwrap();
    c.goto(&text[start..end]).await.unwrap();
    assert!(shows(&c, "Choose a new password").await);
    assert_eq!(focused(&c).await, "field-new_password");
    press(&c, "a keyboard passphrase").await;
    tab_to(&c, "field-new_password_confirm", 2).await;
    press(&c, "a keyboard passphrase").await;
    press(&c, &ENTER.to_string()).await;
    assert!(shows(&c, "Your password is changed. Sign in with it.").await);
    c.close().await.unwrap();
}
