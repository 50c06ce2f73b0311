use serde_json::Value;

use crate::backend_tests;
use crate::helpers::{header, problem, send, Backend, Requests as _, TestApp};

backend_tests!(
    healthz_answers_without_a_database,
    readyz_runs_a_query,
    unknown_api_route_is_a_problem_and_unknown_page_is_html,
    wrong_method_is_a_405_problem,
    security_headers_are_on_every_response,
    home_page_renders_in_the_layout,
    oversized_json_is_413,
);

/// `GET path`, checked to be a 200; its JSON.
async fn json_200(app: &TestApp, path: &str) -> Value {
    let r = app.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

async fn healthz_answers_without_a_database(b: Backend) {
    let app = TestApp::spawn(b).await;
    assert_eq!(json_200(&app, "/healthz").await["status"], "ok");
}

async fn readyz_runs_a_query(b: Backend) {
    let app = TestApp::spawn(b).await;
    let body = json_200(&app, "/readyz").await;
    assert_eq!(body["status"], "ready");
    let expected = match b {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(body["database"], expected);
}

async fn unknown_api_route_is_a_problem_and_unknown_page_is_html(b: Backend) {
    let app = TestApp::spawn(b).await;
    problem(app.get("/api/nope").await, 404).await;
    let r = app.get("/no/such/page").await;
    assert_eq!(r.status(), 404);
    assert!(header(&r, "content-type").starts_with("text/html"));
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Page not found") && html.contains("<nav"),
        "{html}"
    );
}

async fn wrong_method_is_a_405_problem(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = send(app.anon.request(reqwest::Method::DELETE, "/api/auth/login")).await;
    let body = problem(r, 405).await;
    assert_eq!(body["title"], "Method Not Allowed");
}

async fn security_headers_are_on_every_response(b: Backend) {
    let app = TestApp::spawn(b).await;
    for path in ["/", "/healthz", "/api/posts", "/nope"] {
        let r = app.get(path).await;
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
    }
}

async fn home_page_renders_in_the_layout(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = app.get("/").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<title>Latest posts · Sigil</title>"),
        "{html}"
    );
    assert!(html.contains("/static/css/sigil.css"));
    let css = app.get("/static/css/sigil.css").await;
    assert_eq!(css.status(), 200);
    assert!(header(&css, "content-type").starts_with("text/css"));
    assert_eq!(app.get("/static/../Cargo.toml").await.status(), 404);
}

async fn oversized_json_is_413(b: Backend) {
    let app = TestApp::spawn(b).await;
    // The largest valid post (20,000 characters of 4 bytes each) fits under the limit.
    let alice = app.user("alice").await;
    let longest = "🦀".repeat(20_000);
    let r = app
        .create_post(
            &alice.access_token,
            serde_json::json!({"title": "t", "body": longest, "visibility": "public"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let big = "x".repeat(128 * 1024 + 1);
    let body = format!(r#"{{"email":"a@b.co","username":"abc","password":"{big}"}}"#);
    problem(app.register_raw("application/json", body).await, 413).await;
}
