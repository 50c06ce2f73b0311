//! The pages changed for a new user's friction (issue 34), in headless Chromium at 1200 px and
//! at 375 px, with screenshots: the inspector lands on the report asked for, the two-step key
//! copies whole, an error on the long account page is where the eye is, and an error page keeps
//! the signed-in header.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::helpers::browser::{body_text, browser, fill, log_in, shot, submit, Driver};
use crate::helpers::{Backend, TestApp, JWT_IO, PASSWORD};

async fn start(user: &str) -> Option<(Driver, Client, TestApp)> {
    let (driver, c) = browser().await?;
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.user(user).await;
    c.goto(&app.url("/login")).await.unwrap();
    log_in(&c, user, PASSWORD).await;
    wait_for(&c, "Sign out").await;
    Some((driver, c, app))
}

async fn wait_for(c: &Client, needle: &str) {
    for _ in 0..50 {
        if body_text(c).await.contains(needle) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never showed {needle:?}: {}", body_text(c).await);
}

/// Whether the element's top is inside the window (what the reader sees without scrolling).
async fn in_view(c: &Client, selector: &str) -> bool {
    let js = "const r = document.querySelector(arguments[0]).getBoundingClientRect();
              return r.top > -2 && r.top < window.innerHeight;";
    c.execute(js, vec![selector.into()])
        .await
        .unwrap()
        .as_bool()
        .unwrap()
}

async fn focused(c: &Client) -> String {
    c.execute(
        "const e = document.activeElement; return e.tagName + '#' + e.id + '.' + e.className;",
        vec![],
    )
    .await
    .unwrap()
    .as_str()
    .unwrap()
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inspector_lands_on_the_report_asked_for() {
    let Some((_driver, c, app)) = start("ines").await else {
        return;
    };
    for (width, name) in [
        (1200, "friction-inspector-pasted"),
        (375, "friction-inspector-pasted-375"),
    ] {
        c.set_window_size(width, 900).await.unwrap();
        c.goto(&app.url("/token")).await.unwrap();
        // Pasted the way developers copy it: out of an Authorization header.
        fill(&c, "#field-token", &format!("Bearer {JWT_IO}")).await;
        submit(&c, "#inspect-form").await;
        wait_for(&c, "Pasted token").await;
        let top = c
            .execute("return [window.scrollY, document.querySelector('#pasted').getBoundingClientRect().top];", vec![])
            .await
            .unwrap();
        assert!(
            in_view(&c, "#pasted").await,
            "the report is on screen at {width} px: {top}"
        );
        let url = c.current_url().await.unwrap();
        assert_eq!(url.fragment(), Some("pasted"));
        let report = c
            .find(Locator::Css("#pasted"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(report.contains("input_cleaned"), "{report}");
        assert!(report.contains("Not verified"), "{report}");
        assert!(
            report.contains("not checked: not a Sigil token"),
            "no guess about revocation: {report}"
        );
        // Nothing runs off the side: the page reflows, at 375 px too.
        let wide = c
            .execute(
                "return document.documentElement.scrollWidth - window.innerWidth;",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            wide.as_i64().unwrap() <= 0,
            "{wide} px too wide at {width} px"
        );
        shot(&c, name).await;
    }
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_two_step_key_is_one_selection_with_a_copy_button() {
    let Some((_driver, c, app)) = start("kai").await else {
        return;
    };
    c.set_window_size(375, 900).await.unwrap();
    c.goto(&app.url("/account")).await.unwrap();
    submit(&c, "form[action='/account/mfa/totp']").await;
    wait_for(&c, "Add an authenticator app").await;
    let button = c
        .find(Locator::Css("button[data-copy=totp-secret]"))
        .await
        .unwrap();
    assert!(
        button.is_displayed().await.unwrap(),
        "shown once the script runs"
    );
    // One click selects the whole key (user-select: all), with nothing between its parts.
    let key = c.find(Locator::Css("#totp-secret")).await.unwrap();
    key.click().await.unwrap();
    let selected = c
        .execute("return window.getSelection().toString();", vec![])
        .await
        .unwrap();
    let text = key.text().await.unwrap();
    assert_eq!(selected.as_str(), Some(text.as_str()));
    assert_eq!(text.len(), 32, "{text}");
    assert!(!text.contains(' '));
    shot(&c, "friction-totp-key-375").await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_error_is_where_the_eye_is() {
    let Some((_driver, c, app)) = start("lena").await else {
        return;
    };
    c.set_window_size(375, 800).await.unwrap();
    c.goto(&app.url("/account")).await.unwrap();
    let form = "form[action^='/account/password']";
    fill(
        &c,
        &format!("{form} input[name=current_password]"),
        "not my password",
    )
    .await;
    fill(
        &c,
        &format!("{form} input[name=new_password]"),
        "a new long passphrase",
    )
    .await;
    if c.find(Locator::Css(&format!(
        "{form} input[name=new_password_confirm]"
    )))
    .await
    .is_ok()
    {
        fill(
            &c,
            &format!("{form} input[name=new_password_confirm]"),
            "a new long passphrase",
        )
        .await;
    }
    submit(&c, form).await;
    wait_for(&c, "Please correct the following").await;
    let url = c.current_url().await.unwrap();
    assert_eq!(url.fragment(), Some("password"), "{url}");
    assert!(
        in_view(&c, ".error-summary").await,
        "the error is on screen at 375 px"
    );
    // The browser lands on the section (its fragment) and focuses it (it takes focus,
    // tabindex -1), so Tab goes on from there; the summary inside is announced as an alert.
    let active = focused(&c).await;
    assert!(
        active.contains("error-summary") || active.starts_with("SECTION#password"),
        "{active}"
    );
    let role = c
        .find(Locator::Css("#password .error-summary"))
        .await
        .expect("the summary is inside the password section")
        .attr("role")
        .await
        .unwrap();
    assert_eq!(role.as_deref(), Some("alert"));
    shot(&c, "friction-account-error-375").await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_page_keeps_the_signed_in_header() {
    let Some((_driver, c, app)) = start("omar").await else {
        return;
    };
    c.goto(&app.url("/posts/999999")).await.unwrap();
    wait_for(&c, "Sign out").await;
    let body = body_text(&c).await;
    assert!(body.contains("omar"), "{body}");
    assert!(!body.contains("Register"), "{body}");
    shot(&c, "friction-404-signed-in").await;
    c.set_window_size(375, 800).await.unwrap();
    shot(&c, "friction-404-signed-in-375").await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_throttled_sign_in_keeps_its_form_and_status_reads_in_words() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let app = TestApp::spawn_with(Backend::Sqlite, &[("LOGIN_RATE_PER_MINUTE", "2")]).await;
    app.user("tess").await;
    c.set_window_size(375, 800).await.unwrap();
    c.goto(&app.url("/login")).await.unwrap();
    for _ in 0..4 {
        log_in(&c, "tess", "not the password").await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    wait_for(&c, "Too many sign-in attempts").await;
    assert!(
        c.find(Locator::Css("form[action='/login'] #field-password"))
            .await
            .is_ok(),
        "the form is still there"
    );
    shot(&c, "friction-login-429-375").await;
    c.set_window_size(1200, 900).await.unwrap();
    c.goto(&app.url("/status")).await.unwrap();
    wait_for(&c, "answering").await;
    shot(&c, "friction-status").await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_personal_access_token_is_shown_where_it_was_asked_for() {
    let Some((_driver, c, app)) = start("pia").await else {
        return;
    };
    c.set_window_size(375, 800).await.unwrap();
    c.goto(&app.url("/account#tokens")).await.unwrap();
    fill(&c, "#field-name", "deploy script").await;
    c.find(Locator::Css("input[name='posts:read']"))
        .await
        .expect("a scope box")
        .click()
        .await
        .unwrap();
    submit(&c, "form[action='/account/tokens#tokens']").await;
    wait_for(&c, "Copy it now").await;
    let url = c.current_url().await.unwrap();
    assert_eq!(url.fragment(), Some("tokens"));
    assert!(
        in_view(&c, "#tokens").await,
        "the new token's section is on screen"
    );
    let body = body_text(&c).await;
    assert!(body.contains("sigil_pat_"), "{body}");
    shot(&c, "account-tokens-created-375").await;
    c.set_window_size(1200, 900).await.unwrap();
    shot(&c, "account-tokens-created").await;
    c.close().await.unwrap();
}

/// Issue 31's pages: the admin invitations page (invite, list), an account's failed sign-ins on
/// the admin user page, and the closed registration page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_protection_pages_for_admins_and_visitors() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    // Accounts made while registration is open, then an instance on the same database that
    // takes invitations only.
    let open = TestApp::spawn_with(Backend::Sqlite, &[("SIGN_IN_FREE_FAILURES", "2")]).await;
    open.admin("root").await;
    let victim = open.user("vera").await;
    let app = open
        .spawn_sibling_with(&[("REGISTRATION", "invite"), ("SIGN_IN_FREE_FAILURES", "2")])
        .await;
    for _ in 0..3 {
        let r = app
            .login(serde_json::json!({"username": "vera", "password": "not her password"}))
            .await;
        assert_eq!(r.status(), 401);
    }
    c.goto(&app.url("/login")).await.unwrap();
    log_in(&c, "root", PASSWORD).await;
    wait_for(&c, "Sign out").await;
    c.goto(&app.url("/admin/invitations")).await.unwrap();
    fill(&c, "#field-email", "newcomer@example.com").await;
    submit(&c, "form[action='/admin/invitations']").await;
    wait_for(&c, "newcomer@example.com").await;
    shot(&c, "admin-invitations").await;
    c.goto(&app.url(&format!("/admin/users/{}", victim.id)))
        .await
        .unwrap();
    wait_for(&c, "Clear failed sign-ins").await;
    shot(&c, "admin-user-sign-in-failures").await;
    // A visitor without an invitation: the page says registration needs one.
    c.delete_all_cookies().await.unwrap();
    c.set_window_size(375, 800).await.unwrap();
    c.goto(&app.url("/register")).await.unwrap();
    let body = body_text(&c).await;
    assert!(body.to_lowercase().contains("invitation"), "{body}");
    shot(&c, "register-invite-only-375").await;
    c.close().await.unwrap();
}
