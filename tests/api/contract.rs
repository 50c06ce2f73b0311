//! The points API.md settled after the first landing: the title rule, `null` in a PATCH, page
//! errors as HTML pages (a wrong content type included), and taken names on the page form.

use serde_json::{json, Value};

use crate::backend_tests;
use reqwest::Method;

use crate::helpers::{problem, send, Backend, Requests as _, TestApp, PASSWORD};

backend_tests!(
    invisible_titles_are_blank,
    null_in_a_patch_is_refused_and_changes_nothing,
    page_routes_answer_every_error_with_an_html_page,
    api_routes_answer_framework_errors_with_problem_json,
    a_taken_email_on_the_page_is_named_under_email,
    a_signed_out_form_post_goes_to_login_before_any_csrf_check,
    past_the_rate_limit_the_body_is_not_even_read,
    the_login_redirect_carries_nothing_of_the_json_face,
    both_taken_names_are_named,
);

async fn invisible_titles_are_blank(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    for title in ["\u{200B}", " \u{200B}\u{200D}\u{FEFF} ", "\u{2060}\u{3164}"] {
        let r = app
            .create_post(
                &alice.access_token,
                json!({"title": title, "body": "b", "visibility": "public"}),
            )
            .await;
        let body = problem(r, 422).await;
        assert_eq!(
            body["errors"]["title"][0], "Title must not be blank.",
            "{title:?}: {body}"
        );
    }
    // A zero-width character inside a visible title is kept as written.
    let post = app.post_as(&alice, "a\u{200B}b", "public").await;
    assert_eq!(post["title"], "a\u{200B}b");
}

async fn null_in_a_patch_is_refused_and_changes_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let post = app.post_as(&alice, "keep me", "private").await;
    let id = post["id"].as_i64().unwrap();
    for field in ["title", "body", "visibility"] {
        let mut patch = json!({"title": "changed"});
        patch[field] = Value::Null;
        let body = problem(app.patch_post(&alice.access_token, id, patch).await, 422).await;
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let now: Value = app
        .get_post(Some(&alice.access_token), id)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now, post, "a refused patch changes nothing");
    // Absent fields still mean "unchanged".
    let r = app
        .patch_post(&alice.access_token, id, json!({"title": "new"}))
        .await;
    assert_eq!(r.status(), 200);
    let now: Value = r.json().await.unwrap();
    assert_eq!(
        (now["title"].as_str(), now["body"].as_str()),
        (Some("new"), post["body"].as_str())
    );
}

fn assert_html(status: u16, expected: u16, content_type: &str, body: &str, what: &str) {
    assert_eq!(status, expected, "{what}");
    assert!(
        content_type.starts_with("text/html"),
        "{what}: {content_type}"
    );
    assert!(
        body.contains("<html") && body.contains(&expected.to_string()),
        "{what}: {body}"
    );
}

async fn page_routes_answer_every_error_with_an_html_page(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("alice").await;
    let c = &app.cookie;
    assert_eq!(c.login("alice", PASSWORD).await.status(), 303);
    let csrf = c.csrf_token().await;
    let cases: Vec<(&str, reqwest::RequestBuilder, u16)> = vec![
        // No form body at all: the content type is wrong for a form.
        ("logout without a body", c.post("/logout"), 415),
        ("a post without a body", c.post("/posts"), 415),
        (
            "logout with JSON",
            c.post("/logout")
                .header("content-type", "application/json")
                .body(format!(r#"{{"csrf_token": "{csrf}"}}"#)),
            415,
        ),
        ("wrong method", c.request(Method::PUT, "/login"), 405),
        ("unknown page", c.get("/no/such/page"), 404),
        ("unknown asset", c.get("/static/nope.css"), 404),
        (
            "form too large",
            c.post("/posts")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!(
                    "csrf_token={csrf}&title=t&body={}",
                    "x".repeat(129 * 1024)
                )),
            413,
        ),
        ("a post id that is no number", c.get("/posts/abc"), 404),
    ];
    for (what, request, expected) in cases {
        let r = send(request).await;
        let status = r.status().as_u16();
        let ct = r.headers()["content-type"].to_str().unwrap().to_string();
        let allow = r.headers().get("allow").is_some();
        let body = r.text().await.unwrap();
        assert_html(status, expected, &ct, &body, what);
        if expected == 405 {
            assert!(allow, "{what}: a 405 keeps its Allow header");
        }
    }
}

async fn api_routes_answer_framework_errors_with_problem_json(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = send(app.anon.request(Method::PUT, "/api/posts")).await;
    assert!(r.headers().get("allow").is_some());
    problem(r, 405).await;
    problem(app.get("/api/posts/abc").await, 404).await;
    problem(app.get("/api/no/such/route").await, 404).await;
    let r = app
        .anon
        .post("/api/token/inspect")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("token=x");
    problem(send(r).await, 415).await;
}

async fn a_taken_email_on_the_page_is_named_under_email(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("grace").await;
    let r = app
        .cookie
        .fill_in(
            "/register",
            "/register",
            &[
                ("email", "GRACE@example.com"),
                ("username", "grace2"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("This email is already registered."), "{html}");
    assert!(html.contains("href=\"#field-email\""), "{html}");
    assert!(!html.contains("This username is taken."), "{html}");
}

async fn a_signed_out_form_post_goes_to_login_before_any_csrf_check(b: Backend) {
    let app = TestApp::spawn(b).await;
    let kit = app.user("kit").await;
    let c = &app.cookie;
    assert_eq!(c.login("kit", PASSWORD).await.status(), 303);
    // Every session of the user ends: the browser's cookies are now revoked.
    assert_eq!(app.logout_all(&kit.access_token).await.status(), 204);
    for _ in 0..10 {
        let r = c
            .form(
                "/posts",
                &[
                    ("csrf_token", "wrong"),
                    ("title", "t"),
                    ("body", "b"),
                    ("visibility", "public"),
                ],
            )
            .await;
        assert_eq!(
            r.status(),
            303,
            "always the login page first, never the CSRF refusal"
        );
        assert!(r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next=/posts"));
    }
}

async fn past_the_rate_limit_the_body_is_not_even_read(b: Backend) {
    let app = TestApp::spawn_with(b, &[("LOGIN_RATE_PER_MINUTE", "2")]).await;
    for _ in 0..2 {
        let r = app
            .token_form(&[
                ("grant_type", "password"),
                ("username", "x"),
                ("password", "y"),
            ])
            .await;
        assert_eq!(r.status(), 400);
    }
    // A wrong content type, a duplicated parameter, broken JSON: past the limit each is a 429,
    // never a 400 that names what is wrong (the token endpoint reads its form first, to leave
    // device polls uncounted; the login endpoint does not even read the body).
    let r = send(
        app.anon
            .post("/api/auth/token")
            .json(&json!({"grant_type": "password"})),
    )
    .await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("retry-after").is_some());
    let r = send(
        app.anon
            .post("/api/auth/token")
            .body("grant_type=a&grant_type=b")
            .header("content-type", "application/x-www-form-urlencoded"),
    )
    .await;
    assert_eq!(r.status(), 429);
    let r = send(
        app.anon
            .post("/api/auth/login")
            .header("content-type", "application/json")
            .body("{oops"),
    )
    .await;
    assert_eq!(r.status(), 429);
}

async fn the_login_redirect_carries_nothing_of_the_json_face(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = app.get("/account").await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login?next=/account");
    for absent in ["content-type", "www-authenticate"] {
        assert!(
            r.headers().get(absent).is_none(),
            "{absent}: {:?}",
            r.headers()
        );
    }
    // An HTML error page carries no Bearer challenge either.
    let csrf = app.cookie.csrf_token().await;
    let r = send(
        app.cookie
            .post("/auth/refresh")
            .header("x-csrf-token", csrf),
    )
    .await;
    assert_eq!(r.status(), 401);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(r.headers().get("www-authenticate").is_none());
}

async fn both_taken_names_are_named(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("lee").await;
    let r = app
        .register(json!({"email": "LEE@example.com", "username": "LEE", "password": PASSWORD}))
        .await;
    let body = problem(r, 409).await;
    assert_eq!(
        body["detail"], "That email and username are already taken.",
        "{body}"
    );
    let r = app
        .cookie
        .fill_in(
            "/register",
            "/register",
            &[
                ("email", "lee@example.com"),
                ("username", "Lee"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("This email is already registered.")
            && html.contains("This username is taken."),
        "{html}"
    );
}
