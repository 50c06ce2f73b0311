//! The browser pages through real HTTP: forms, redirects, cookies, CSRF, flash messages,
//! escaping and silent renewal.

use reqwest::header::SET_COOKIE;
use reqwest::{Client, Response};
use serde_json::json;

use crate::backend_tests;
use crate::helpers::{client, Backend, TestApp, PASSWORD, SECRET_KEY};

backend_tests!(
    login_sets_the_cookies_with_the_contract_flags_and_goes_to_next,
    wrong_login_rerenders_with_one_message_and_no_password,
    next_must_be_local,
    protected_pages_send_the_browser_to_login_and_back,
    registration_logs_in_and_flashes,
    registration_errors_rerender_with_typed_values,
    forms_without_a_csrf_token_are_refused_with_a_page,
    post_pages_escape_html_and_respect_ownership,
    silent_renewal_with_an_expired_access_cookie,
    silent_renewal_without_a_valid_refresh_cookie_goes_to_login,
    logout_revokes_and_clears_both_cookies,
    account_page_changes_password_and_revokes_sessions,
    browser_refresh_endpoint_rotates_the_cookies,
);

/// The value of the first `csrf_token` hidden field of a page.
pub fn csrf_of(html: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker).expect("a csrf_token field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

pub async fn page(c: &Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = c.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

pub async fn form(c: &Client, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Response {
    c.post(app.url(path)).form(fields).send().await.unwrap()
}

fn set_cookies(r: &Response) -> Vec<String> {
    r.headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

fn cookie<'a>(all: &'a [String], name: &str) -> Option<&'a String> {
    all.iter().find(|c| c.starts_with(&format!("{name}=")))
}

/// Logs a cookie-keeping client in through the form.
pub async fn browser_login(app: &TestApp, c: &Client, username: &str, password: &str) -> Response {
    let (_, html) = page(c, app, "/login").await;
    let csrf = csrf_of(&html);
    form(
        c,
        app,
        "/login",
        &[
            ("username", username),
            ("password", password),
            ("csrf_token", &csrf),
        ],
    )
    .await
}

async fn login_sets_the_cookies_with_the_contract_flags_and_goes_to_next(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("ada").await;
    let c = client(true);
    let (_, html) = page(&c, &app, "/login?next=/account").await;
    assert!(html.contains(r#"name="next" value="/account""#), "{html}");
    let csrf = csrf_of(&html);
    let r = form(
        &c,
        &app,
        "/login",
        &[
            ("username", "ada"),
            ("password", PASSWORD),
            ("next", "/account"),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/account");
    let all = set_cookies(&r);
    let access = cookie(&all, "access_token").expect("access cookie");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=1800"] {
        assert!(access.contains(flag), "{flag} in {access}");
    }
    assert!(
        !access.contains("Secure"),
        "loopback binds default to COOKIE_SECURE=false"
    );
    let refresh = cookie(&all, "refresh_token").expect("refresh cookie");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(refresh.contains(flag), "{flag} in {refresh}");
    }
    let session = cookie(&all, "sigil_session").expect("session cookie");
    assert!(session.contains("HttpOnly"));
    let (status, html) = page(&c, &app, "/account").await;
    assert_eq!(status, 200);
    assert!(html.contains("Welcome back, ada."), "flash: {html}");
    assert!(html.contains("Signed in as"));
    // The flash shows once.
    let (_, html) = page(&c, &app, "/account").await;
    assert!(!html.contains("Welcome back"));
}

async fn wrong_login_rerenders_with_one_message_and_no_password(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("bob").await;
    let c = client(true);
    let r = browser_login(&app, &c, "bob", "wrong password here").await;
    assert_eq!(r.status(), 401);
    let html = r.text().await.unwrap();
    assert!(html.contains("Incorrect username or password."));
    assert!(html.contains(r#"value="bob""#), "typed username kept");
    assert!(
        !html.contains("wrong password here"),
        "password never echoed"
    );
    let r = browser_login(&app, &c, "nobody", "wrong password here").await;
    assert_eq!(r.status(), 401);
    let r = browser_login(&app, &c, "", "").await;
    assert_eq!(r.status(), 422);
}

async fn next_must_be_local(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("eve").await;
    for next in [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
    ] {
        let c = client(true);
        let (_, html) = page(&c, &app, "/login").await;
        let csrf = csrf_of(&html);
        let r = form(
            &c,
            &app,
            "/login",
            &[
                ("username", "eve"),
                ("password", PASSWORD),
                ("next", next),
                ("csrf_token", &csrf),
            ],
        )
        .await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/", "{next}");
    }
}

async fn protected_pages_send_the_browser_to_login_and_back(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("carol").await;
    let c = client(true);
    for path in ["/account", "/posts/new"] {
        let r = c.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 303, "{path}");
        assert_eq!(r.headers()["location"], format!("/login?next={path}"));
    }
    let (_, html) = page(&c, &app, "/login?next=/posts/new").await;
    let csrf = csrf_of(&html);
    let r = form(
        &c,
        &app,
        "/login",
        &[
            ("username", "carol"),
            ("password", PASSWORD),
            ("next", "/posts/new"),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    assert_eq!(r.headers()["location"], "/posts/new");
    let (status, html) = page(&c, &app, "/posts/new").await;
    assert_eq!(status, 200);
    assert!(html.contains("New post"));
}

async fn registration_logs_in_and_flashes(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = client(true);
    let (_, html) = page(&c, &app, "/register").await;
    let csrf = csrf_of(&html);
    let r = form(
        &c,
        &app,
        "/register",
        &[
            ("email", "dan@example.com"),
            ("username", "dan"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/");
    let (_, html) = page(&c, &app, "/").await;
    assert!(html.contains("Welcome to Sigil, dan!"), "{html}");
    assert!(html.contains("<strong>dan</strong>"));
}

async fn registration_errors_rerender_with_typed_values(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("erin").await;
    let c = client(true);
    let (_, html) = page(&c, &app, "/register").await;
    let csrf = csrf_of(&html);
    let r = form(
        &c,
        &app,
        "/register",
        &[
            ("email", "not-an-email"),
            ("username", "x y"),
            ("password", "secret-password-1"),
            ("password_confirm", "different-password"),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"value="not-an-email""#));
    assert!(html.contains(r#"value="x y""#));
    assert!(!html.contains("secret-password-1"), "password never echoed");
    assert!(html.contains("Enter a valid email address"));
    assert!(
        html.contains(r##"href="#field-email""##),
        "error summary links to the field"
    );
    assert!(html.contains(r#"aria-invalid="true""#));
    // A taken username is a field message too.
    let r = form(
        &c,
        &app,
        "/register",
        &[
            ("email", "new@example.com"),
            ("username", "ERIN"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("This username is taken."));
}

async fn forms_without_a_csrf_token_are_refused_with_a_page(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("fay").await;
    let c = client(true);
    browser_login(&app, &c, "fay", PASSWORD).await;
    for (path, fields) in [
        (
            "/posts",
            vec![("title", "t"), ("body", "b"), ("visibility", "public")],
        ),
        ("/logout", vec![]),
        ("/login", vec![("username", "fay"), ("password", PASSWORD)]),
        ("/account/logout-all", vec![("csrf_token", "forged")]),
    ] {
        let r = form(&c, &app, path, &fields).await;
        assert_eq!(r.status(), 403, "{path}");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert!(r.text().await.unwrap().contains("CSRF token"), "{path}");
    }
    // Still logged in: nothing above took effect.
    assert_eq!(page(&c, &app, "/account").await.0, 200);
}

async fn post_pages_escape_html_and_respect_ownership(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("gus").await;
    let other = app.user("hal").await;
    let c = client(true);
    browser_login(&app, &c, "gus", PASSWORD).await;
    let (_, html) = page(&c, &app, "/posts/new").await;
    let csrf = csrf_of(&html);
    let r = form(
        &c,
        &app,
        "/posts",
        &[
            ("title", "<script>alert(1)</script>"),
            ("body", "<img src=x onerror=alert(1)>"),
            ("visibility", "private"),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let (status, html) = page(&c, &app, &location).await;
    assert_eq!(status, 200);
    assert!(html.contains("Post created."));
    assert!(!html.contains("<script>alert(1)</script>"), "title escaped");
    assert!(!html.contains("<img src=x"), "body escaped");
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    // Empty title re-renders with the typed body.
    let r = form(
        &c,
        &app,
        "/posts",
        &[
            ("title", " "),
            ("body", "kept body"),
            ("visibility", "public"),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("kept body") && html.contains("Title must not be blank."));
    // Another user: the private post is a 404 page; their public post's edit page is a 403.
    let hc = client(true);
    browser_login(&app, &hc, "hal", PASSWORD).await;
    assert_eq!(page(&hc, &app, &location).await.0, 404);
    assert_eq!(page(&client(false), &app, &location).await.0, 404);
    let public = app.post_as(&other, "hal's post", "public").await;
    let id = public["id"].as_i64().unwrap();
    let (status, html) = page(&c, &app, &format!("/posts/{id}/edit")).await;
    assert_eq!(status, 403);
    assert!(html.contains("Only the author"));
    let r = form(
        &c,
        &app,
        &format!("/posts/{id}/delete"),
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(r.status(), 403);
    // The owner edits and deletes.
    let own_id = location.trim_start_matches("/posts/");
    let r = form(
        &c,
        &app,
        &format!("/posts/{own_id}/edit"),
        &[
            ("title", "Renamed"),
            ("body", "new"),
            ("visibility", "public"),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert!(
        page(&hc, &app, &location).await.1.contains("Renamed"),
        "now public"
    );
    let r = form(
        &c,
        &app,
        &format!("/posts/{own_id}/delete"),
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(page(&c, &app, &location).await.0, 404);
}

/// Signs an access token for `user_id`/`sid` as if issued `age` seconds ago.
pub fn token_issued_ago(user_id: i32, username: &str, sid: &str, age: i64) -> String {
    use sigil::auth::jwt::{issue, Subject, TokenPolicy};
    use sigil::auth::keys::TokenKeys;
    let keys = TokenKeys::hmac(SECRET_KEY.as_bytes());
    let policy = TokenPolicy {
        issuer: "sigil".into(),
        audience: "sigil".into(),
        leeway_seconds: 30,
        access_ttl_seconds: 1800,
    };
    let subject = Subject {
        user_id,
        username,
        session_id: sid,
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    issue(&keys, &policy, &subject, now - age).unwrap().0
}

async fn silent_renewal_with_an_expired_access_cookie(b: Backend) {
    let app = TestApp::spawn(b).await;
    let u = app.user("ivy").await;
    let sessions: Vec<serde_json::Value> =
        app.sessions(&u.access_token).await.json().await.unwrap();
    let sid = sessions[0]["id"].as_str().unwrap().to_string();
    let expired = token_issued_ago(u.id as i32, "ivy", &sid, 3600);
    assert_eq!(app.me(&expired).await.status(), 401, "really expired");
    let c = client(false);
    let r = c
        .get(app.url("/account"))
        .header(
            "cookie",
            format!("access_token={expired}; refresh_token={}", u.refresh_token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        200,
        "renewed silently instead of a redirect to login"
    );
    let all = set_cookies(&r);
    let access = cookie(&all, "access_token").expect("a new access cookie");
    let refresh = cookie(&all, "refresh_token").expect("a rotated refresh cookie");
    assert!(!refresh.contains(&u.refresh_token));
    assert!(r.text().await.unwrap().contains("Your account"));
    let new_access = access
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("access_token=");
    assert_eq!(app.me(new_access).await.status(), 200);
    // Without any access cookie at all, the same holds.
    let new_refresh = refresh
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("refresh_token=");
    let r = c
        .get(app.url("/account"))
        .header("cookie", format!("refresh_token={new_refresh}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

async fn silent_renewal_without_a_valid_refresh_cookie_goes_to_login(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = client(false);
    let r = c
        .get(app.url("/account"))
        .header("cookie", "refresh_token=made-up")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login?next=/account");
    let all = set_cookies(&r);
    let cleared = cookie(&all, "refresh_token").expect("the dead refresh cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
}

async fn logout_revokes_and_clears_both_cookies(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("jay").await;
    let c = client(true);
    let r = browser_login(&app, &c, "jay", PASSWORD).await;
    let all = set_cookies(&r);
    let access = cookie(&all, "access_token")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("access_token=")
        .to_string();
    let (_, html) = page(&c, &app, "/").await;
    let csrf = csrf_of(&html);
    let r = form(&c, &app, "/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login");
    let all = set_cookies(&r);
    for name in ["access_token", "refresh_token"] {
        assert!(
            cookie(&all, name).unwrap().contains("Max-Age=0"),
            "{name} cleared"
        );
    }
    assert_eq!(
        app.me(&access).await.status(),
        401,
        "revoked, not just forgotten"
    );
    let (_, html) = page(&c, &app, "/login").await;
    assert!(html.contains("You have been logged out."));
}

async fn account_page_changes_password_and_revokes_sessions(b: Backend) {
    let app = TestApp::spawn(b).await;
    let u = app.user("kim").await;
    let c = client(true);
    browser_login(&app, &c, "kim", PASSWORD).await;
    let (status, html) = page(&c, &app, "/account").await;
    assert_eq!(status, 200);
    assert!(html.contains("kim@example.com"));
    assert!(html.contains("this browser"));
    assert_eq!(
        html.matches("/revoke\"").count(),
        2,
        "two sessions: API and browser"
    );
    let csrf = csrf_of(&html);
    let r = form(
        &c,
        &app,
        "/account/password",
        &[
            ("current_password", "wrong"),
            ("new_password", "new password 2"),
            ("new_password_confirm", "new password 2"),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("current password is incorrect"));
    let r = form(
        &c,
        &app,
        "/account/password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "new password 2"),
            ("new_password_confirm", "new password 2"),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (status, html) = page(&c, &app, "/account").await;
    assert_eq!(status, 200, "this browser stays logged in");
    assert!(html.contains("Password changed."));
    assert_eq!(
        app.me(&u.access_token).await.status(),
        401,
        "the API session was revoked"
    );
    let r = form(&c, &app, "/account/logout-all", &[("csrf_token", &csrf)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login");
    assert_eq!(
        c.get(app.url("/account")).send().await.unwrap().status(),
        303
    );
    let _ = app
        .login(json!({"username": "kim", "password": "new password 2"}))
        .await;
}

async fn browser_refresh_endpoint_rotates_the_cookies(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("lee").await;
    let c = client(true);
    browser_login(&app, &c, "lee", PASSWORD).await;
    let (_, html) = page(&c, &app, "/").await;
    let csrf = csrf_of(&html);
    let r = c.post(app.url("/auth/refresh")).send().await.unwrap();
    assert_eq!(r.status(), 403, "CSRF token needed");
    let r = c
        .post(app.url("/auth/refresh"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let all = set_cookies(&r);
    assert!(cookie(&all, "access_token").is_some() && cookie(&all, "refresh_token").is_some());
    assert_eq!(page(&c, &app, "/account").await.0, 200);
}
