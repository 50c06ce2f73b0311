//! The reader's language (API.md part three, section 5): negotiated in the contract's order
//! (the user's `locale`, the `locale` cookie, `ui_locales`, `Accept-Language`,
//! `DEFAULT_LOCALE`), chosen with the footer's picker (`POST /locale`), kept on the user
//! (`PATCH /api/users/me`, registration), and named by `<html lang>` and `Content-Language`.

use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{csrf_of, header, problem, send, Backend, Browser, Requests as _, TestApp};

backend_tests!(
    accept_language_is_looked_up_and_named_in_the_answer,
    the_picker_sets_a_years_cookie_that_outranks_the_header,
    the_picker_refuses_an_unknown_language_and_other_sites,
    a_signed_in_users_choice_outranks_the_cookie,
    patch_me_sets_and_forgets_the_language,
    registration_keeps_the_negotiated_language,
    ui_locales_carries_through_the_sign_in_it_starts,
    default_locale_names_the_fallback,
);

/// A page fetched with `Accept-Language`: its status, `Content-Language` and HTML.
async fn page_in(app: &TestApp, path: &str, accept: &str) -> (u16, String, String) {
    let r = send(app.anon.get(path).header("Accept-Language", accept)).await;
    let language = header(&r, "content-language");
    (r.status().as_u16(), language, r.text().await.unwrap())
}

/// `<html lang="…">` of a page.
fn lang_of(html: &str) -> &str {
    let start = html.find("<html lang=\"").expect("an html element") + 12;
    html[start..].split('"').next().unwrap()
}

async fn accept_language_is_looked_up_and_named_in_the_answer(b: Backend) {
    let app = TestApp::spawn(b).await;
    for (accept, expected) in [
        ("de-CH, en;q=0.5", "de"),
        ("fr-FR, es-MX;q=0.8, de;q=0.7", "es"),
        ("fr, it", "en"),
        ("de;q=0, es;q=0.1", "es"),
        ("*", "en"),
        ("garbage;;;q=x, ;q=", "en"),
    ] {
        let (status, language, html) = page_in(&app, "/login", accept).await;
        assert_eq!(status, 200, "{accept}");
        assert_eq!(language, expected, "{accept}");
        assert_eq!(lang_of(&html), expected, "{accept}");
    }
    let (_, _, html) = page_in(&app, "/login", "de").await;
    assert!(html.contains(">Anmelden<"), "{html}");
    let (_, _, html) = page_in(&app, "/login", "es").await;
    assert!(html.contains(">Iniciar sesión<"), "{html}");

    // Pages vary by the header and the cookie; an error page is in the language too.
    let r = send(app.anon.get("/login").header("Accept-Language", "de")).await;
    let vary = header(&r, "vary");
    assert!(
        vary.contains("Accept-Language") && vary.contains("Cookie"),
        "{vary}"
    );
    let (status, language, html) = page_in(&app, "/no-such-page", "es").await;
    assert_eq!((status, language.as_str()), (404, "es"));
    assert_eq!(lang_of(&html), "es");

    // The JSON API stays English, whatever the header says.
    let r = send(
        app.anon
            .post("/api/auth/login")
            .header("Accept-Language", "de")
            .json(&json!({"username": "nobody", "password": "wrong-password-1"})),
    )
    .await;
    assert_eq!(r.status(), 401);
    assert!(r.headers().get("content-language").is_none());
    let body: Value = r.json().await.unwrap();
    assert!(
        body["title"].as_str().unwrap().is_ascii(),
        "the API's words stay English: {body}"
    );

    // Each option of the picker is in its own language, with its `lang`.
    let (_, _, html) = page_in(&app, "/", "es").await;
    for (tag, name) in [("en", "English"), ("de", "Deutsch"), ("es", "Español")] {
        assert!(
            html.contains(&format!(r#"lang="{tag}""#)) && html.contains(&format!(">{name}<")),
            "{tag}: {html}"
        );
    }
    assert!(html.contains(r#"<option value="es" lang="es" selected>"#));
}

async fn the_picker_sets_a_years_cookie_that_outranks_the_header(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = Browser::new(&app.address);
    let (_, html) = browser.page("/token/encode?alg=HS256").await;
    let csrf = csrf_of(&html);
    assert!(
        html.contains(r#"name="next" value="/token/encode?alg=HS256""#),
        "the picker returns to this page: {html}"
    );
    let r = browser
        .form(
            "/locale",
            &[
                ("locale", "de"),
                ("next", "/token?x=1"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(header(&r, "location"), "/token?x=1");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("locale="))
        .expect("a locale cookie");
    for flag in [
        "locale=de",
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=31536000",
    ] {
        assert!(cookie.contains(flag), "{flag}: {cookie}");
    }
    // The cookie outranks Accept-Language.
    let r = send(browser.get("/login").header("Accept-Language", "es")).await;
    assert_eq!(header(&r, "content-language"), "de");
    let html = r.text().await.unwrap();
    assert_eq!(lang_of(&html), "de");
    assert!(html.contains(r#"<option value="de" lang="de" selected>"#));
}

async fn the_picker_refuses_an_unknown_language_and_other_sites(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = Browser::new(&app.address);
    let (_, html) = browser.page("/").await;
    let csrf = csrf_of(&html);
    for next in [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "",
    ] {
        let r = browser
            .form(
                "/locale",
                &[("locale", "es"), ("next", next), ("csrf_token", &csrf)],
            )
            .await;
        assert_eq!(r.status(), 303, "{next}");
        assert_eq!(header(&r, "location"), "/", "{next}");
    }
    // No next at all: home.
    let r = browser
        .form("/locale", &[("locale", "es"), ("csrf_token", &csrf)])
        .await;
    assert_eq!(
        (r.status().as_u16(), header(&r, "location")),
        (303, "/".into())
    );

    for bad in ["fr", "DE", "de-DE", "", "<script>"] {
        let r = browser
            .form(
                "/locale",
                &[("locale", bad), ("next", "/"), ("csrf_token", &csrf)],
            )
            .await;
        assert_eq!(r.status(), 400, "{bad}");
        assert!(header(&r, "content-type").starts_with("text/html"), "{bad}");
        assert!(
            !r.headers()
                .get_all("set-cookie")
                .iter()
                .any(|c| c.to_str().unwrap().starts_with("locale=")),
            "{bad}: no cookie"
        );
        let html = r.text().await.unwrap();
        assert!(!html.contains("<script>"), "escaped");
        // The page is in the language chosen before (the cookie says es).
        assert_eq!(lang_of(&html), "es", "{bad}");
    }
    // Without its CSRF token the form is refused and nothing changes.
    let r = browser.form("/locale", &[("locale", "de")]).await;
    assert_eq!(r.status(), 403);
    assert_eq!(browser.cookie("locale").as_deref(), Some("es"));
}

async fn a_signed_in_users_choice_outranks_the_cookie(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let browser = Browser::new(&app.address);
    assert_eq!(browser.login("alice", &alice.password).await.status(), 303);
    let (_, html) = browser.page("/account").await;
    let r = browser
        .form(
            "/locale",
            &[
                ("locale", "de"),
                ("next", "/account"),
                ("csrf_token", &csrf_of(&html)),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let me: Value = app.me(&alice.access_token).await.json().await.unwrap();
    assert_eq!(me["locale"], "de");

    // Another browser whose cookie says Spanish: once signed in, pages follow the user.
    let other = Browser::new(&app.address);
    other.set_cookie("locale", "es");
    let (_, html) = other.page("/login").await;
    assert_eq!(lang_of(&html), "es");
    assert_eq!(other.login("alice", &alice.password).await.status(), 303);
    let r = send(other.get("/account").header("Accept-Language", "es")).await;
    assert_eq!(header(&r, "content-language"), "de");
    let html = r.text().await.unwrap();
    assert_eq!(lang_of(&html), "de");
    // Its error pages too.
    let r = send(other.get("/no-such-page")).await;
    assert_eq!(r.status(), 404);
    assert_eq!(header(&r, "content-language"), "de");
}

async fn patch_me_sets_and_forgets_the_language(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let patch = |body: Value| {
        send(
            app.bearer
                .request(reqwest::Method::PATCH, "/api/users/me", &alice.access_token)
                .json(&body),
        )
    };
    let me: Value = app.me(&alice.access_token).await.json().await.unwrap();
    assert_eq!(me["locale"], "en", "the language it registered in: {me}");

    let r = patch(json!({"locale": "es"})).await;
    assert_eq!(r.status(), 200);
    let user: Value = r.json().await.unwrap();
    assert_eq!(
        (user["locale"].as_str(), user["username"].as_str()),
        (Some("es"), Some("alice"))
    );

    // Left out: unchanged.
    let r = patch(json!({})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["locale"], "es");

    for bad in [json!("fr"), json!("ES"), json!(""), json!(5), json!(["de"])] {
        let r = patch(json!({ "locale": bad })).await;
        let body = problem(r, 422).await;
        assert!(body["errors"]["locale"].is_array(), "{bad}: {body}");
    }
    let me: Value = app.me(&alice.access_token).await.json().await.unwrap();
    assert_eq!(me["locale"], "es", "a refused change stores nothing");

    let r = patch(json!({"locale": null})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["locale"], Value::Null);

    // No credential: 401.
    let r = send(
        app.anon
            .request(reqwest::Method::PATCH, "/api/users/me")
            .json(&json!({"locale": "de"})),
    )
    .await;
    assert_eq!(r.status(), 401);
}

async fn registration_keeps_the_negotiated_language(b: Backend) {
    let app = TestApp::spawn(b).await;
    // Through the API: Accept-Language.
    let r = send(
        app.anon
            .post("/api/auth/register")
            .header("Accept-Language", "es-AR")
            .json(&json!({"email": "ana@example.com", "username": "ana", "password": crate::helpers::PASSWORD})),
    )
    .await;
    assert_eq!(r.status(), 201);
    let user: Value = r.json().await.unwrap();
    assert_eq!(user["locale"], "es");

    // Through the page, in German by the cookie.
    let browser = Browser::new(&app.address);
    browser.set_cookie("locale", "de");
    let r = browser
        .fill_in(
            "/register",
            "/register",
            &[
                ("email", "dora@example.com"),
                ("username", "dora"),
                ("password", crate::helpers::PASSWORD),
                ("password_confirm", crate::helpers::PASSWORD),
            ],
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE username = 'dora' AND locale = 'de'"),
        1
    );
}

async fn ui_locales_carries_through_the_sign_in_it_starts(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = Browser::new(&app.address);
    // The sign-in page an authorization request sends the browser to names it in `next`.
    let next = "/oauth/authorize?client_id=x&ui_locales=fr-CA%20es";
    let query = serde_urlencoded::to_string([("next", next)]).unwrap();
    let (status, html) = browser.page(&format!("/login?{query}")).await;
    assert_eq!(status, 200);
    assert_eq!(lang_of(&html), "es");
    // The session keeps it for the rest of that sign-in (a second step, consent).
    let (_, html) = browser.page("/login").await;
    assert_eq!(lang_of(&html), "es");
    // Accept-Language ranks below it; the cookie above it.
    let r = send(browser.get("/login").header("Accept-Language", "de")).await;
    assert_eq!(header(&r, "content-language"), "es");
    browser.set_cookie("locale", "de");
    let (_, html) = browser.page("/login").await;
    assert_eq!(lang_of(&html), "de");
    // The logout request's own `ui_locales` works the same way, for a user who chose none
    // (a saved choice outranks it).
    let zoe = app.user("zoe").await;
    let r = send(
        app.bearer
            .request(reqwest::Method::PATCH, "/api/users/me", &zoe.access_token)
            .json(&json!({"locale": null})),
    )
    .await;
    assert_eq!(r.status(), 200);
    let fresh = Browser::new(&app.address);
    assert_eq!(fresh.login("zoe", &zoe.password).await.status(), 303);
    let r = send(fresh.get("/oauth/logout?ui_locales=de")).await;
    assert_eq!(r.status(), 200, "the logout confirmation");
    assert_eq!(header(&r, "content-language"), "de");
}

async fn default_locale_names_the_fallback(b: Backend) {
    let app = TestApp::spawn_with(b, &[("DEFAULT_LOCALE", "es")]).await;
    let (_, language, html) = page_in(&app, "/", "fr").await;
    assert_eq!((language.as_str(), lang_of(&html)), ("es", "es"));
    let (_, language, _) = page_in(&app, "/", "de").await;
    assert_eq!(language, "de", "the header still outranks the default");
}
