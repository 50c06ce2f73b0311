//! The catalog test (API.md part three, section 5): every page and mail, error states
//! included, rendered in German and in Spanish, must show no English catalog text, and say its
//! language in `<html lang>` and `Content-Language`. Dates and numbers are the language's own.

use serde_json::{json, Value};
use sigil::i18n::Locale;

use crate::backend_tests;
use crate::helpers::english::{english_in_text, english_on_page};
use crate::helpers::{csrf_of, header, mfa_user, send, Backend, Browser, Requests as _, TestApp};

backend_tests!(every_page_and_mail_is_translated);

/// What one tour found: each page (or mail) and the English it showed.
#[derive(Default)]
struct Findings {
    visited: Vec<String>,
    english: Vec<String>,
}

impl Findings {
    /// Checks one answer: its language, then its text.
    async fn page(&mut self, what: &str, r: reqwest::Response, locale: Locale) -> String {
        let tag = locale.tag();
        let status = r.status().as_u16();
        let language = r
            .headers()
            .get("content-language")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("{what} ({status}): no Content-Language"));
        let html = r.text().await.unwrap();
        self.visited.push(format!("{what} ({status})"));
        assert_eq!(language, tag, "{what}: Content-Language");
        assert!(
            html.contains(&format!("<html lang=\"{tag}\">")),
            "{what}: <html lang>\n{html}"
        );
        for text in english_on_page(&html, locale) {
            self.english.push(format!("[{tag}] {what}: {text:?}"));
        }
        html
    }

    /// A page, after the redirect it may answer with (a sign-in page, say).
    async fn get(&mut self, b: &Browser, path: &str, locale: Locale) -> String {
        let r = send(b.get(path)).await;
        match r.status().is_redirection() {
            true => {
                let to = header(&r, "location");
                let r = send(b.get(&to)).await;
                self.page(&format!("GET {path} → {to}"), r, locale).await
            }
            false => self.page(&format!("GET {path}"), r, locale).await,
        }
    }

    /// Posts `fields` with the CSRF token of `from`, like a person using the page's form, and
    /// checks the page the answer leads to (following a redirect).
    async fn post(
        &mut self,
        b: &Browser,
        from: &str,
        action: &str,
        fields: &[(&str, &str)],
        locale: Locale,
    ) -> String {
        let r = b.fill_in(from, action, fields).await;
        let what = format!("POST {action}");
        match r.status().is_redirection() {
            true => {
                let to = header(&r, "location");
                let r = send(b.get(&to)).await;
                self.page(&format!("{what} → {to}"), r, locale).await
            }
            false => self.page(&what, r, locale).await,
        }
    }
}

/// A browser that has chosen `locale` with the picker.
async fn browser_in(app: &TestApp, locale: Locale) -> Browser {
    let b = Browser::new(&app.address);
    choose(&b, locale, "/").await;
    b
}

/// Chooses `locale` with the picker of page `from`, which it returns to.
async fn choose(b: &Browser, locale: Locale, from: &str) {
    let (_, html) = b.page(from).await;
    let r = b
        .form(
            "/locale",
            &[
                ("locale", locale.tag()),
                ("next", from),
                ("csrf_token", &csrf_of(&html)),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(header(&r, "location"), from);
}

async fn every_page_and_mail_is_translated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ben = app.user("ben").await;
    let r = app
        .create_post(
            &ben.access_token,
            json!({"title": "Kiwi", "body": "Kiwi kiwi.", "visibility": "public"}),
        )
        .await;
    let bens_post: Value = r.json().await.unwrap();
    let bens_post = bens_post["id"].as_i64().unwrap();
    app.admin("ada").await;
    let olga = mfa_user(&app, "olga").await;
    let callback = format!("{}/callback", app.address);
    app.insert_photo_app(&callback);
    let authorize = app.photo_app_authorization(&callback);

    let mut found = Findings::default();
    for locale in [Locale::De, Locale::Es] {
        // Signed out.
        let b = browser_in(&app, locale).await;
        for path in [
            "/",
            "/login",
            "/register",
            "/forgot-password",
            "/status",
            "/token",
            "/token/encode",
            "/no-such-page",
            "/posts/999999",
            "/reset-password?token=nope",
            "/verify-email?token=nope",
            "/oauth/authorize",
            "/device",
            &format!("/posts/{bens_post}"),
        ] {
            found.get(&b, path, locale).await;
        }
        let r = send(b.request(reqwest::Method::DELETE, "/login")).await;
        found.page("DELETE /login", r, locale).await;
        found
            .post(
                &b,
                "/login",
                "/login",
                &[("username", "ben"), ("password", "not-the-password")],
                locale,
            )
            .await;
        let html = found
            .post(
                &b,
                "/register",
                "/register",
                &[
                    ("email", "not-an-address"),
                    ("username", "x"),
                    ("password", "short"),
                    ("password_confirm", "other"),
                ],
                locale,
            )
            .await;
        // A form with errors: its title starts with the language's "Error: ".
        let prefix = sigil::i18n::with_locale(locale, || sigil::i18n::t("error-title-prefix"));
        assert!(
            html.contains(&format!("<title>{prefix}")),
            "{locale}: {prefix:?} first in the title"
        );
        found
            .post(
                &b,
                "/forgot-password",
                "/forgot-password",
                &[("email", "ben@example.com")],
                locale,
            )
            .await;
        found
            .post(
                &b,
                "/token",
                "/token",
                &[("token", &ben.access_token)],
                locale,
            )
            .await;
        found
            .post(&b, "/token", "/token", &[("token", "not.a.token")], locale)
            .await;
        // A second step.
        let b2 = browser_in(&app, locale).await;
        found
            .post(
                &b2,
                "/login",
                "/login",
                &[("username", "olga"), ("password", &olga.user.password)],
                locale,
            )
            .await;
        found
            .post(
                &b2,
                "/login/mfa",
                "/login/mfa",
                &[("code", "000000")],
                locale,
            )
            .await;

        // Signed in, as an administrator, who then chooses the language (a choice saved on
        // the account, which outranks the browser's cookie).
        let a = Browser::new(&app.address);
        assert_eq!(a.login("ada", crate::helpers::PASSWORD).await.status(), 303);
        choose(&a, locale, "/account").await;
        for path in [
            "/",
            "/posts/new",
            "/account",
            "/account/activity",
            "/account/delete",
            "/admin",
            &format!("/admin/users/{}", ben.id),
            "/admin/events",
            "/admin/invitations",
            "/admin/clients",
            "/admin/clients/photo-app",
            "/device",
            &format!("/posts/{bens_post}/edit"),
            &authorize,
            "/oauth/logout",
        ] {
            found.get(&a, path, locale).await;
        }
        found
            .post(
                &a,
                "/posts/new",
                "/posts",
                &[("title", ""), ("body", ""), ("visibility", "public")],
                locale,
            )
            .await;
        found
            .post(
                &a,
                "/posts/new",
                "/posts",
                &[
                    ("title", "Kiwi"),
                    ("body", "Kiwi."),
                    ("visibility", "public"),
                ],
                locale,
            )
            .await;
        found
            .post(
                &a,
                "/account",
                "/account/password",
                &[
                    ("current_password", "wrong-password-9"),
                    ("new_password", "x"),
                    ("new_password_confirm", "y"),
                ],
                locale,
            )
            .await;
        found
            .post(
                &a,
                "/account",
                "/account/tokens",
                &[("name", ""), ("expires_in_days", "0")],
                locale,
            )
            .await;
        found
            .post(
                &a,
                "/admin/invitations",
                "/admin/invitations",
                &[("email", "nobody")],
                locale,
            )
            .await;
        found
            .post(
                &a,
                "/device",
                "/device",
                &[("user_code", "BCDF-GHJK")],
                locale,
            )
            .await;
        found.post(&a, "/account", "/logout", &[], locale).await;
    }

    // Mail, in the recipient's language: ben chooses German, then Spanish, and changes his
    // password each time; the notice is written in his language, subject included.
    let mut token = ben.access_token.clone();
    let mut password = ben.password.clone();
    for (locale, next_password) in [
        (Locale::De, "Kiwi-Mango-Papaya-1"),
        (Locale::Es, "Kiwi-Mango-Papaya-2"),
    ] {
        let r = send(
            app.bearer
                .request(reqwest::Method::PATCH, "/api/users/me", &token)
                .json(&json!({"locale": locale.tag()})),
        )
        .await;
        assert_eq!(r.status(), 200);
        app.sql("DELETE FROM outbox");
        let r = app.change_password(&token, &password, next_password).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
        let pair: Value = r.json().await.unwrap();
        token = pair["access_token"].as_str().unwrap().to_string();
        password = next_password.to_string();
        let rows = app.outbox_messages();
        assert!(!rows.is_empty(), "a password notice");
        for [subject, text, html, tag] in &rows {
            assert_eq!(tag, locale.tag(), "{subject}");
            found.visited.push(format!("mail {subject:?}"));
            for e in english_in_text(subject, locale)
                .into_iter()
                .chain(english_in_text(text, locale))
                .chain(english_on_page(html, locale))
            {
                found
                    .english
                    .push(format!("[{locale}] mail {subject:?}: {e:?}"));
            }
            assert!(html.contains(&format!("<html lang=\"{locale}\"")), "{html}");
        }
    }
    eprintln!("visited: {}", found.visited.join("; "));

    assert!(
        found.english.is_empty(),
        "English catalog text in {} of {} pages and mails:\n{}",
        found.english.len(),
        found.visited.len(),
        found.english.join("\n")
    );
}
