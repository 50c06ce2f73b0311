//! What a new user meets first (issue 34): error pages that know who is signed in, the admin
//! event filter by name, `/posts` and `/favicon.ico` typed or fetched by a browser, a readable
//! status page, one wording for signing in and out, a focus ring that can be seen, and API
//! docs whose summaries say what an operation does.

use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{csrf_of, header, send, Backend, Requests as _, TestApp, PASSWORD};

backend_tests!(
    error_pages_show_the_signed_in_header,
    the_admin_event_filter_takes_a_username,
    get_posts_leads_to_the_list_of_posts,
    the_favicon_is_linked_and_served,
    the_footer_links_a_readable_status_page,
    pages_say_sign_in_and_sign_out,
    the_focus_ring_contrasts_and_post_titles_look_like_links,
    api_summaries_say_what_an_operation_does,
);

/// A page as a visitor without cookies sees it: its status and HTML.
async fn anon_page(app: &TestApp, path: &str) -> (u16, String) {
    let r = app.get(path).await;
    (r.status().as_u16(), r.text().await.expect("HTML"))
}

/// Whether a page's header is the signed-in one, for `username`.
fn signed_in_header(html: &str, username: &str) -> bool {
    html.contains(&format!("<strong>{username}</strong>"))
        && html.contains(r#"<form method="post" action="/logout">"#)
        && html.contains(">Sign out</button>")
        && !html.contains(r#"<a href="/login">"#)
}

async fn error_pages_show_the_signed_in_header(b: Backend) {
    let app = TestApp::spawn(b).await;
    let bob = app.user("bob").await;
    app.user("alice").await;
    let r = app
        .create_post(
            &bob.access_token,
            json!({"title": "Bob's", "body": "b", "visibility": "public"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let post: Value = r.json().await.unwrap();
    let edit = format!("/posts/{}/edit", post["id"]);

    // A visitor gets the signed-out header on an error page.
    let (status, html) = anon_page(&app, "/no-such-page").await;
    assert_eq!(status, 404);
    assert!(html.contains(r#"<a href="/login">Sign in</a>"#), "{html}");

    assert_eq!(app.cookie.login("alice", PASSWORD).await.status(), 303);
    let c = &app.cookie;
    for (what, request, status) in [
        ("404", c.get("/no-such-page"), 404),
        ("403", c.get(&edit), 403),
        ("405", c.request(Method::PUT, "/account"), 405),
        (
            "405 on a form route",
            c.request(Method::DELETE, "/login"),
            405,
        ),
    ] {
        let r = send(request).await;
        assert_eq!(r.status().as_u16(), status, "{what}");
        assert!(
            header(&r, "content-type").starts_with("text/html"),
            "{what}"
        );
        let html = r.text().await.unwrap();
        assert!(signed_in_header(&html, "alice"), "{what}: {html}");
    }

    // The error page's sign-out form carries the session's CSRF token: it works.
    let (_, html) = c.page("/no-such-page").await;
    let r = c
        .form("/logout", &[("csrf_token", csrf_of(&html).as_str())])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(header(&r, "location"), "/login");
    let (status, html) = c.page("/no-such-page").await;
    assert_eq!(status, 404);
    assert!(!signed_in_header(&html, "alice"), "signed out now: {html}");
}

async fn the_admin_event_filter_takes_a_username(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.user("root").await;
    app.sql("UPDATE users SET role = 'admin' WHERE username = 'root'");
    let alice = app.user("alice").await;
    assert_eq!(app.cookie.login("root", PASSWORD).await.status(), 303);
    let c = &app.cookie;

    // The user list shows each account's id, which the filter also takes.
    let (status, html) = c.page("/admin").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<th scope="col">Id</th>"#), "{html}");
    let id_cell = html
        .find(&format!(r#"<td class="nowrap">{}</td>"#, alice.id))
        .expect("alice's id in the list");
    let name_cell = html
        .find(&format!(
            r#"<td><a href="/admin/users/{}">alice</a></td>"#,
            alice.id
        ))
        .expect("alice in the list");
    assert!(id_cell < name_cell, "the id comes first, in alice's row");

    let alice_link = format!(r#"<a href="/admin/users/{}">alice</a>"#, alice.id);
    let root_link = format!(r#"<a href="/admin/users/{}">root</a>"#, root.id);
    for filter in [
        "alice".to_string(),
        "ALICE".into(),
        " alice ".into(),
        alice.id.to_string(),
    ] {
        let path = format!("/admin/events?user={}", filter.replace(' ', "+"));
        let (status, html) = c.page(&path).await;
        assert_eq!(status, 200, "{path}: {html}");
        assert!(html.contains(&alice_link), "{path}: alice's events");
        assert!(!html.contains(&root_link), "{path}: only alice's events");
        assert!(!html.contains("must be"), "{path}");
    }

    // A name of digits that reads as alice's id: the name wins, so its owner's events show.
    let digits = format!("{:03}", alice.id);
    let named = app.user(&digits).await;
    let named_link = format!(r#"<a href="/admin/users/{}">{digits}</a>"#, named.id);
    let (status, html) = c.page(&format!("/admin/events?user={digits}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&named_link), "{html}");
    assert!(
        !html.contains(&alice_link),
        "never alice's events for the name {digits}"
    );

    // An unknown name: one message, and no claim that there are no events at all.
    let (status, html) = c.page("/admin/events?user=nobody").await;
    assert_eq!(status, 422);
    assert!(html.contains("No account is named"), "{html}");
    assert!(html.contains("Fix the filter to see events."), "{html}");
    assert!(!html.contains("No security events yet"), "{html}");
    // A bad kind with it: both said, still no "no events".
    let (status, html) = c.page("/admin/events?user=nobody&kind=nope").await;
    assert_eq!(status, 422);
    assert!(html.contains("No account is named") && html.contains("Unknown event kind"));
    assert!(!html.contains("No security events yet"), "{html}");

    // A valid filter that matches nothing says so, rather than "no events yet".
    let (status, html) = c.page("/admin/events?user=alice&kind=user_disabled").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("No security events match this filter."),
        "{html}"
    );
    assert!(!html.contains("No security events yet"), "{html}");

    // The API keeps its contract: `user` is an id.
    let pair = app.login_pair("root", PASSWORD).await;
    let admin_token = pair["access_token"].as_str().unwrap();
    let r = app.admin_events(admin_token, "?user=alice").await;
    assert_eq!(r.status(), 422);
}

async fn get_posts_leads_to_the_list_of_posts(b: Backend) {
    let app = TestApp::spawn(b).await;
    for (path, location) in [("/posts", "/"), ("/posts?cursor=abc", "/?cursor=abc")] {
        let r = send(app.anon.get(path)).await;
        assert_eq!(r.status(), 303, "{path}");
        assert_eq!(header(&r, "location"), location, "{path}");
    }
    // HEAD too, like every GET; and POST /posts is still the create form's target.
    let r = send(app.anon.request(Method::HEAD, "/posts")).await;
    assert_eq!(r.status(), 303);
    let r = send(app.anon.post("/posts").form(&[("title", "t")])).await;
    assert!(
        matches!(r.status().as_u16(), 303 | 403),
        "the form's target still answers POST (sign-in or CSRF first): {}",
        r.status()
    );
}

async fn the_favicon_is_linked_and_served(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (_, html) = anon_page(&app, "/").await;
    assert!(
        html.contains(r#"<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">"#),
        "{html}"
    );
    for path in ["/favicon.ico", "/static/favicon.svg"] {
        let r = send(app.anon.get(path)).await;
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(header(&r, "content-type"), "image/svg+xml", "{path}");
        let body = r.text().await.unwrap();
        assert!(
            body.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{path}"
        );
    }
}

async fn the_footer_links_a_readable_status_page(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (_, html) = anon_page(&app, "/").await;
    let footer = &html[html.find("<footer").expect("a footer")..];
    assert!(
        footer.contains(r#"<a href="/status">Status</a>"#),
        "{footer}"
    );
    assert!(
        footer.contains(r#"<a href="/docs">API docs</a>"#),
        "{footer}"
    );
    assert!(!footer.contains("/healthz"), "{footer}");

    let r = send(app.anon.get("/status")).await;
    assert_eq!(r.status(), 200);
    assert!(header(&r, "content-type").starts_with("text/html"));
    let html = r.text().await.unwrap();
    assert!(html.contains("<h1>Status</h1>"), "{html}");
    assert!(html.contains("Sigil is up"), "{html}");
    let backend = match b {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert!(
        html.contains(&format!("<dt>Database ({backend})</dt><dd>answering</dd>")),
        "{html}"
    );

    // The machines' endpoint is unchanged.
    let r = send(app.anon.get("/healthz")).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body, json!({"status": "ok"}));
}

async fn pages_say_sign_in_and_sign_out(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("alice").await;
    for path in [
        "/",
        "/login",
        "/register",
        "/forgot-password",
        "/no-such-page",
    ] {
        let (_, html) = anon_page(&app, path).await;
        assert!(!html.contains("Log in"), "{path}: {html}");
        assert!(!html.contains("Log out"), "{path}: {html}");
        assert!(html.contains(r#"<a href="/login">Sign in</a>"#), "{path}");
    }
    let (_, html) = anon_page(&app, "/login").await;
    assert!(html.contains("<title>Sign in · Sigil</title>"), "{html}");
    assert!(html.contains("<h1>Sign in</h1>"), "{html}");
    assert!(
        html.contains(r#"<button type="submit">Sign in</button>"#),
        "{html}"
    );

    let c = &app.cookie;
    assert_eq!(c.login("alice", PASSWORD).await.status(), 303);
    for path in ["/", "/account"] {
        let (status, html) = c.page(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains(">Sign out</button>"), "{path}");
        assert!(!html.contains("Log out"), "{path}: {html}");
        assert!(!html.contains("Log in"), "{path}: {html}");
    }
}

/// The WCAG relative luminance of `#rrggbb`.
fn luminance(hex: &str) -> f64 {
    let hex = hex.trim_start_matches('#');
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (a, b) = (luminance(a), luminance(b));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// The colour of the custom property `--name` in the stylesheet's `:root`, as `#rrggbb`.
fn colour(css: &str, name: &str) -> String {
    let start = css.find(&format!("--{name}: ")).expect(name) + name.len() + 4;
    let value = css[start..].split(';').next().unwrap().trim();
    match value.len() {
        // `#fff` is `#ffffff`.
        4 => value.chars().flat_map(|c| [c, c]).skip(1).collect(),
        _ => value.to_string(),
    }
}

async fn the_focus_ring_contrasts_and_post_titles_look_like_links(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = send(app.anon.get("/static/css/sigil.css")).await;
    assert_eq!(r.status(), 200);
    let css = r.text().await.unwrap();
    assert!(css.contains("outline: 3px solid var(--focus)"));
    let focus = colour(&css, "focus");
    // The backgrounds a focus ring sits on: cards and inputs, the page, code blocks.
    for background in ["card", "bg", "code-bg", "input-bg"] {
        let ratio = contrast(&focus, &colour(&css, background));
        assert!(
            ratio >= 3.0,
            "focus {focus} on --{background}: {ratio:.2}:1"
        );
    }
    // Post titles on the home page are links that look like links.
    let rule = &css[css.find(".post h2 a {").expect("the title rule")..];
    let rule = &rule[..rule.find('}').unwrap()];
    assert!(rule.contains("text-decoration: underline"), "{rule}");
    assert!(!rule.contains("text-decoration: none"), "{rule}");
}

async fn api_summaries_say_what_an_operation_does(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = app.get("/api/openapi.json").await;
    assert_eq!(r.status(), 200);
    let doc: Value = r.json().await.unwrap();
    let mut seen = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let summary = op["summary"].as_str().unwrap_or_default();
            assert!(!summary.is_empty(), "{method} {path} has no summary");
            assert!(!summary.starts_with('`'), "{method} {path}: {summary}");
            assert!(
                !summary.contains(&format!("`{} ", method.to_uppercase())),
                "{method} {path}: {summary}"
            );
            assert!(
                !summary.contains('\n'),
                "{method} {path}: one line: {summary}"
            );
            seen += 1;
        }
    }
    assert!(seen > 50, "{seen} operations");
    assert_eq!(
        doc["paths"]["/api/posts"]["get"]["summary"],
        "Lists the posts the caller may see, newest first, paged."
    );
}
