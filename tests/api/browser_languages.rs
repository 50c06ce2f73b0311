//! Every page in each language, in Chromium: the language is chosen with the footer's picker,
//! and each page, error states, consent, the device pages, the logout confirmation, "Confirm
//! it's you" and the admin pages included, is audited by axe-core in the light and the dark
//! scheme, must not scroll sideways at 320 px (helpers/axe.rs), and is photographed as a 375 px
//! phone shows it, in both schemes.

use fantoccini::{Client, Locator};

use crate::helpers::axe::phone_shots;
use crate::helpers::browser::{age_the_sign_in, browser, fill, log_in, shot, submit};
use crate::helpers::{mfa_user, Backend, TestApp, PASSWORD};

/// Chooses `tag` with the footer's picker, as a person would.
async fn choose(c: &Client, app: &TestApp, tag: &str) {
    c.goto(&app.url("/")).await.unwrap();
    let select = c.find(Locator::Css("#locale-picker")).await.unwrap();
    select.select_by_value(tag).await.unwrap();
    submit(c, "form.language").await;
    // The next page, once it has loaded, is in the language chosen.
    for _ in 0..50 {
        if lang(c).await == tag {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the picker did not choose {tag}");
}

async fn lang(c: &Client) -> String {
    c.execute("return document.documentElement.lang", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Audits and photographs the page the browser is on, as `lang-<tag>-<name>`.
async fn page(c: &Client, tag: &str, name: &str) {
    assert_eq!(lang(c).await, tag, "{name}: <html lang>");
    let name = format!("lang-{tag}-{name}");
    shot(c, &name).await;
    phone_shots(c, &name).await;
}

async fn visit(c: &Client, app: &TestApp, tag: &str, name: &str, path: &str) {
    c.goto(&app.url(path)).await.unwrap();
    page(c, tag, name).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_in_every_language_passes_the_audit() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await;
    let ben = app.user("ben").await;
    let post = app.post_as(&ben, "Kiwi", "public").await;
    let post = post["id"].as_i64().unwrap();
    app.admin("ada").await;
    mfa_user(&app, "olga").await;
    let callback = format!("http://localhost:{}/callback", app.port);
    app.insert_photo_app(&callback);
    let authorize = app.photo_app_authorization(&callback);

    for tag in ["en", "de", "es"] {
        c.delete_all_cookies().await.unwrap();
        choose(&c, &app, tag).await;
        // Signed out.
        for (name, path) in [
            ("home", "/"),
            ("login", "/login"),
            ("register", "/register"),
            ("forgot", "/forgot-password"),
            ("status", "/status"),
            ("token", "/token"),
            ("encode", "/token/encode"),
            ("not-found", "/no-such-page"),
            ("reset-bad-link", "/reset-password?token=nope"),
            ("authorize-bad", "/oauth/authorize"),
            ("post", &format!("/posts/{post}")),
        ] {
            visit(&c, &app, tag, name, path).await;
        }
        // Error states of the sign-in and registration forms.
        c.goto(&app.url("/register")).await.unwrap();
        fill(&c, "#field-email", "ben@example.com").await;
        fill(&c, "#field-username", "ben").await;
        fill(&c, "#field-password", "short").await;
        fill(&c, "#field-password_confirm", "other").await;
        submit(&c, "form[action='/register']").await;
        page(&c, tag, "register-errors").await;
        c.goto(&app.url("/login")).await.unwrap();
        log_in(&c, "ben", "not-the-password").await;
        page(&c, tag, "login-error").await;
        // A second step, and a wrong code.
        log_in(&c, "olga", PASSWORD).await;
        page(&c, tag, "mfa").await;
        fill(&c, "#field-code", "000000").await;
        submit(&c, "form[action='/login/mfa']").await;
        page(&c, tag, "mfa-error").await;
        // The token inspector explaining a token.
        c.goto(&app.url("/token")).await.unwrap();
        fill(&c, "#field-token", &ben.access_token).await;
        submit(&c, "#inspect-form").await;
        page(&c, tag, "token-explained").await;

        // Signed in, as an administrator, who then chooses the language (saved on the
        // account, whose choice outranks the browser's).
        c.delete_all_cookies().await.unwrap();
        c.goto(&app.url("/login")).await.unwrap();
        log_in(&c, "ada", PASSWORD).await;
        choose(&c, &app, tag).await;
        for (name, path) in [
            ("home-signed-in", "/"),
            ("new-post", "/posts/new"),
            ("account", "/account"),
            ("activity", "/account/activity"),
            ("delete-account", "/account/delete"),
            ("admin", "/admin"),
            ("admin-user", &format!("/admin/users/{}", ben.id)),
            ("admin-events", "/admin/events"),
            ("admin-invitations", "/admin/invitations"),
            ("admin-clients", "/admin/clients"),
            ("admin-client", "/admin/clients/photo-app"),
            ("device", "/device"),
            ("forbidden", &format!("/posts/{post}/edit")),
            ("consent", &authorize),
            ("logout-confirm", "/oauth/logout"),
        ] {
            visit(&c, &app, tag, name, path).await;
        }
        c.goto(&app.url("/device")).await.unwrap();
        fill(&c, "#field-user_code", "BCDF-GHJK").await;
        submit(&c, "form[action='/device']").await;
        page(&c, tag, "device-unknown-code").await;
        c.goto(&app.url("/posts/new")).await.unwrap();
        fill(&c, "#field-title", " ").await;
        fill(&c, "#field-body", " ").await;
        submit(&c, "form[action='/posts']").await;
        page(&c, tag, "new-post-errors").await;
        // "Confirm it's you", with a wrong password.
        age_the_sign_in(&c, &app).await;
        c.goto(&app.url("/account")).await.unwrap();
        fill(&c, "#field-new_email", "ada.new@example.com").await;
        submit(&c, "form[action='/account/email#email']").await;
        page(&c, tag, "confirm-its-you").await;
        fill(&c, "#field-password", "not-the-password").await;
        submit(&c, "form[action='/reauthenticate']").await;
        page(&c, tag, "confirm-its-you-error").await;
    }
}
