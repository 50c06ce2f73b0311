//! The browser pages through real HTTP: forms, redirects, cookies, CSRF, flash messages,
//! escaping and silent renewal.

use reqwest::header::SET_COOKIE;
use reqwest::Response;
use serde_json::json;

use crate::backend_tests;
use crate::helpers::{
    csrf_of, header, send, token_issued_ago, Backend, Browser, Requests as _, TestApp, PASSWORD,
};

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

/// The value a `Set-Cookie` line sets `name` to.
fn value_of<'a>(set_cookie: &'a str, name: &str) -> &'a str {
    let pair = set_cookie.split(';').next().unwrap();
    pair.strip_prefix(&format!("{name}=")).unwrap_or(pair)
}

/// Logs in through the `/login` form with [`PASSWORD`] and a `next` to go to.
async fn login_with_next(c: &Browser, username: &str, next: &str) -> Response {
    let fields = [
        ("username", username),
        ("password", PASSWORD),
        ("next", next),
    ];
    c.fill_in("/login", "/login", &fields).await
}

/// Fills in the registration form.
async fn register(
    c: &Browser,
    email: &str,
    username: &str,
    password: &str,
    confirm: &str,
) -> Response {
    let fields = [
        ("email", email),
        ("username", username),
        ("password", password),
        ("password_confirm", confirm),
    ];
    c.fill_in("/register", "/register", &fields).await
}

/// Posts the new-post or edit form to `action` with `csrf`.
async fn post_form(c: &Browser, action: &str, post: [&str; 3], csrf: &str) -> Response {
    let [title, body, visibility] = post;
    let fields = [
        ("title", title),
        ("body", body),
        ("visibility", visibility),
        ("csrf_token", csrf),
    ];
    c.form(action, &fields).await
}

async fn login_sets_the_cookies_with_the_contract_flags_and_goes_to_next(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("ada").await;
    let c = &app.cookie;
    let (_, html) = c.page("/login?next=/account").await;
    assert!(html.contains(r#"name="next" value="/account""#), "{html}");
    let r = login_with_next(c, "ada", "/account").await;
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
    let (status, html) = c.page("/account").await;
    assert_eq!(status, 200);
    assert!(html.contains("Welcome back, ada."), "flash: {html}");
    assert!(html.contains("Signed in as"));
    // The flash shows once.
    let (_, html) = c.page("/account").await;
    assert!(!html.contains("Welcome back"));
}

async fn wrong_login_rerenders_with_one_message_and_no_password(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("bob").await;
    let c = &app.cookie;
    let r = c.login("bob", "wrong password here").await;
    assert_eq!(r.status(), 401);
    let html = r.text().await.unwrap();
    assert!(html.contains("Incorrect username or password."));
    assert!(html.contains(r#"value="bob""#), "typed username kept");
    assert!(
        !html.contains("wrong password here"),
        "password never echoed"
    );
    let r = c.login("nobody", "wrong password here").await;
    assert_eq!(r.status(), 401);
    let r = c.login("", "").await;
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
        let r = login_with_next(&app.new_browser(), "eve", next).await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/", "{next}");
    }
}

async fn protected_pages_send_the_browser_to_login_and_back(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("carol").await;
    let c = &app.cookie;
    for path in ["/account", "/posts/new"] {
        let r = send(c.get(path)).await;
        assert_eq!(r.status(), 303, "{path}");
        assert_eq!(r.headers()["location"], format!("/login?next={path}"));
    }
    let r = login_with_next(c, "carol", "/posts/new").await;
    assert_eq!(r.headers()["location"], "/posts/new");
    let (status, html) = c.page("/posts/new").await;
    assert_eq!(status, 200);
    assert!(html.contains("New post"));
}

async fn registration_logs_in_and_flashes(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = &app.cookie;
    let r = register(c, "dan@example.com", "dan", PASSWORD, PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/");
    let (_, html) = c.page("/").await;
    assert!(html.contains("Welcome to Sigil, dan!"), "{html}");
    assert!(html.contains("<strong>dan</strong>"));
}

async fn registration_errors_rerender_with_typed_values(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("erin").await;
    let c = &app.cookie;
    let r = register(
        c,
        "not-an-email",
        "x y",
        "secret-password-1",
        "different-password",
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
    // The title says so first (WCAG 3.3.1): a screen reader hears it before anything else.
    assert!(html.contains("<title>Error: "), "{html}");
    // A taken username is a field message too.
    let r = register(c, "new@example.com", "ERIN", PASSWORD, PASSWORD).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("This username is taken."));
}

async fn forms_without_a_csrf_token_are_refused_with_a_page(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("fay").await;
    let c = &app.cookie;
    c.login("fay", PASSWORD).await;
    for (path, fields) in [
        (
            "/posts",
            vec![("title", "t"), ("body", "b"), ("visibility", "public")],
        ),
        ("/logout", vec![]),
        ("/login", vec![("username", "fay"), ("password", PASSWORD)]),
        ("/account/logout-all", vec![("csrf_token", "forged")]),
    ] {
        let r = c.form(path, &fields).await;
        assert_eq!(r.status(), 403, "{path}");
        assert!(header(&r, "content-type").starts_with("text/html"));
        assert!(r.text().await.unwrap().contains("CSRF token"), "{path}");
    }
    // Still logged in: nothing above took effect.
    assert_eq!(c.page("/account").await.0, 200);
}

async fn post_pages_escape_html_and_respect_ownership(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("gus").await;
    let other = app.user("hal").await;
    let c = &app.cookie;
    c.login("gus", PASSWORD).await;
    let (_, html) = c.page("/posts/new").await;
    let csrf = csrf_of(&html);
    let script = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "private",
    ];
    let r = post_form(c, "/posts", script, &csrf).await;
    assert_eq!(r.status(), 303);
    let location = header(&r, "location");
    let (status, html) = c.page(&location).await;
    assert_eq!(status, 200);
    assert!(html.contains("Post created."));
    assert!(!html.contains("<script>alert(1)</script>"), "title escaped");
    assert!(!html.contains("<img src=x"), "body escaped");
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    // Empty title re-renders with the typed body.
    let r = post_form(c, "/posts", [" ", "kept body", "public"], &csrf).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("kept body") && html.contains("Title must not be blank."));
    // Another user: the private post is a 404 page; their public post's edit page is a 403.
    let hal = app.new_browser();
    hal.login("hal", PASSWORD).await;
    assert_eq!(hal.page(&location).await.0, 404);
    assert_eq!(app.get(&location).await.status(), 404);
    let public = app.post_as(&other, "hal's post", "public").await;
    let id = public["id"].as_i64().unwrap();
    let (status, html) = c.page(&format!("/posts/{id}/edit")).await;
    assert_eq!(status, 403);
    assert!(html.contains("Only the author"));
    let r = c
        .form(&format!("/posts/{id}/delete"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(r.status(), 403);
    // The owner edits and deletes.
    let own_id = location.trim_start_matches("/posts/");
    let edit = format!("/posts/{own_id}/edit");
    let r = post_form(c, &edit, ["Renamed", "new", "public"], &csrf).await;
    assert_eq!(r.status(), 303);
    assert!(
        hal.page(&location).await.1.contains("Renamed"),
        "now public"
    );
    let r = c
        .form(&format!("/posts/{own_id}/delete"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(c.page(&location).await.0, 404);
}

async fn silent_renewal_with_an_expired_access_cookie(b: Backend) {
    let app = TestApp::spawn(b).await;
    let u = app.user("ivy").await;
    let sessions: Vec<serde_json::Value> =
        app.sessions(&u.access_token).await.json().await.unwrap();
    let sid = sessions[0]["id"].as_str().unwrap().to_string();
    let expired = token_issued_ago(u.id as i32, "ivy", &sid, 3600);
    assert_eq!(app.me(&expired).await.status(), 401, "really expired");
    let c = &app.cookie;
    c.set_cookie("access_token", &expired);
    c.set_cookie("refresh_token", &u.refresh_token);
    let r = send(c.get("/account")).await;
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
    assert_eq!(app.me(value_of(access, "access_token")).await.status(), 200);
    // Without any access cookie at all, the same holds.
    let fresh = app.new_browser();
    fresh.set_cookie("refresh_token", value_of(refresh, "refresh_token"));
    assert_eq!(send(fresh.get("/account")).await.status(), 200);
}

async fn silent_renewal_without_a_valid_refresh_cookie_goes_to_login(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = &app.cookie;
    c.set_cookie("refresh_token", "made-up");
    let r = send(c.get("/account")).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login?next=/account");
    let all = set_cookies(&r);
    let cleared = cookie(&all, "refresh_token").expect("the dead refresh cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
}

async fn logout_revokes_and_clears_both_cookies(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("jay").await;
    let c = &app.cookie;
    let r = c.login("jay", PASSWORD).await;
    let all = set_cookies(&r);
    let access = value_of(cookie(&all, "access_token").unwrap(), "access_token").to_string();
    let r = c.fill_in("/", "/logout", &[]).await;
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
    let (_, html) = c.page("/login").await;
    assert!(html.contains("You have been signed out."));
}

async fn account_page_changes_password_and_revokes_sessions(b: Backend) {
    let app = TestApp::spawn(b).await;
    let u = app.user("kim").await;
    let c = &app.cookie;
    c.login("kim", PASSWORD).await;
    let (status, html) = c.page("/account").await;
    assert_eq!(status, 200);
    assert!(html.contains("kim@example.com"));
    assert!(html.contains("this browser"));
    assert_eq!(
        html.matches("/revoke\"").count(),
        2,
        "two sessions: API and browser"
    );
    let csrf = csrf_of(&html);
    let change = |current: &'static str| {
        let fields = [
            ("current_password", current),
            ("new_password", "new password 2"),
            ("new_password_confirm", "new password 2"),
            ("csrf_token", csrf.as_str()),
        ];
        async move { c.form("/account/password", &fields).await }
    };
    let r = change("wrong").await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("current password is incorrect"));
    let r = change(PASSWORD).await;
    assert_eq!(r.status(), 303);
    let (status, html) = c.page("/account").await;
    assert_eq!(status, 200, "this browser stays logged in");
    assert!(html.contains("Password changed."));
    assert_eq!(
        app.me(&u.access_token).await.status(),
        401,
        "the API session was revoked"
    );
    let r = c
        .form("/account/logout-all", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login");
    assert_eq!(send(c.get("/account")).await.status(), 303);
    let _ = app
        .login(json!({"username": "kim", "password": "new password 2"}))
        .await;
}

async fn browser_refresh_endpoint_rotates_the_cookies(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("lee").await;
    let c = &app.cookie;
    c.login("lee", PASSWORD).await;
    let (_, html) = c.page("/").await;
    let csrf = csrf_of(&html);
    let r = send(c.post("/auth/refresh")).await;
    assert_eq!(r.status(), 403, "CSRF token needed");
    let r = send(c.post("/auth/refresh").header("x-csrf-token", &csrf)).await;
    assert_eq!(r.status(), 204);
    let all = set_cookies(&r);
    assert!(cookie(&all, "access_token").is_some() && cookie(&all, "refresh_token").is_some());
    assert_eq!(c.page("/account").await.0, 200);
}
