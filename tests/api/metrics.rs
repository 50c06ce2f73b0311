//! `GET /metrics`: the exposition format, counts that move with the requests a test makes,
//! and labels that stay bounded whatever paths a client asks for. (The test server listens
//! on loopback only; the non-loopback rule is unit-tested in `src/metrics/tests.rs`.)

use std::time::{Duration, Instant};

use serde_json::json;

use crate::backend_tests;
use crate::helpers::{
    header, mfa_token, mfa_user, send, Backend, Requests as _, SmtpServer, TestApp, PASSWORD,
};

backend_tests!(
    metrics_are_text_format_with_every_series,
    request_counts_are_labelled_by_route_pattern,
    random_404_paths_make_no_new_labels,
    sign_ins_and_token_refusals_are_counted,
    a_forwarded_request_needs_the_token,
    second_factor_and_rate_limit_outcomes_are_counted,
    mail_deliveries_and_failures_are_counted,
    an_authenticated_request_reads_without_a_blocking_thread,
);

/// The exposition text, checked to be a 200 in the text format.
async fn scrape(app: &TestApp) -> String {
    let r = app.get("/metrics").await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-type"), "text/plain; version=0.0.4");
    r.text().await.unwrap()
}

/// The value of the sample `name{…}` whose labels include every `labels` pair (0 when absent).
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            let (n, rest) = series.split_once('{').unwrap_or((series, ""));
            (n == name
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\""))))
            .then(|| value.parse::<f64>().unwrap())
        })
        .sum()
}

/// How far the sample `name{…}` moved between two scrapes.
fn moved(before: &str, after: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    sample(after, name, labels) - sample(before, name, labels)
}

/// Every distinct `route` label value in the text.
fn routes(text: &str) -> Vec<String> {
    let mut found: Vec<String> = text
        .lines()
        .filter_map(|l| l.split_once("route=\"").map(|(_, r)| r))
        .filter_map(|r| r.split_once('"').map(|(v, _)| v.to_string()))
        .collect();
    found.sort();
    found.dedup();
    found
}

async fn metrics_are_text_format_with_every_series(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.get("/healthz").await;
    let text = scrape(&app).await;
    for name in [
        "sigil_http_requests_total",
        "sigil_http_request_duration_seconds_bucket",
        "sigil_http_request_duration_seconds_count",
        "sigil_bcrypt_queue_waiting",
        "sigil_bcrypt_threads_busy",
        "sigil_db_pool_connections",
        "sigil_mail_outbox_messages",
        "sigil_mail_sent_total",
        "sigil_mail_failed_total",
    ] {
        assert!(text.contains(name), "{name} missing:\n{text}");
    }
    assert!(sample(&text, "sigil_db_pool_connections", &[("state", "idle")]) >= 0.0);
}

async fn request_counts_are_labelled_by_route_pattern(b: Backend) {
    let app = TestApp::spawn(b).await;
    let pattern = [("route", "/api/posts/{id}"), ("method", "GET")];
    let before = scrape(&app).await;
    let count_before = sample(
        &before,
        "sigil_http_request_duration_seconds_count",
        &[("route", "/api/posts/{id}")],
    );
    const N: usize = 3;
    for _ in 0..N {
        app.get("/api/posts/1").await;
        app.get("/api/posts/2").await;
    }
    let after = scrape(&app).await;
    let rose = sample(&after, "sigil_http_requests_total", &pattern)
        - sample(&before, "sigil_http_requests_total", &pattern);
    assert_eq!(rose, (2 * N) as f64, "{after}");
    // No such posts: they were 404s, under the pattern all the same.
    assert_eq!(
        sample(
            &after,
            "sigil_http_requests_total",
            &[("route", "/api/posts/{id}"), ("status", "404")]
        ),
        (2 * N) as f64
    );
    let count_after = sample(
        &after,
        "sigil_http_request_duration_seconds_count",
        &[("route", "/api/posts/{id}")],
    );
    assert_eq!(count_after - count_before, (2 * N) as f64);
    assert!(!after.contains("/api/posts/1"), "{after}");
    assert!(!after.contains("/api/posts/2"), "{after}");
}

async fn random_404_paths_make_no_new_labels(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.get("/no-such-page").await;
    let before = routes(&scrape(&app).await);
    for i in 0..25 {
        let path = format!("/nowhere-{}/{i}", uuid::Uuid::new_v4().simple());
        assert_eq!(app.get(&path).await.status(), 404);
        let r = send(app.anon.request(
            reqwest::Method::from_bytes(format!("BREW{i}").as_bytes()).unwrap(),
            &path,
        ))
        .await;
        assert!(r.status().is_client_error());
    }
    let text = scrape(&app).await;
    let after = routes(&text);
    // `/metrics` itself may have joined; nothing else.
    let new: Vec<_> = after.iter().filter(|r| !before.contains(r)).collect();
    assert!(new.iter().all(|r| *r == "/metrics"), "{new:?}");
    assert!(!text.contains("nowhere"));
    assert!(!text.contains("BREW"));
    assert!(
        sample(
            &text,
            "sigil_http_requests_total",
            &[("route", "unmatched")]
        ) >= 50.0
    );
}

async fn sign_ins_and_token_refusals_are_counted(b: Backend) {
    let app = TestApp::spawn(b).await;
    let user = app.user("ada").await; // one successful sign-in
    let outcome = |o: &'static str| [("outcome", o)];
    let before = scrape(&app).await;
    let r = app
        .login(json!({"username": "ada", "password": "not the password"}))
        .await;
    assert_eq!(r.status(), 401);
    let r = app
        .login(json!({"username": "nobody", "password": "not the password"}))
        .await;
    assert_eq!(r.status(), 401);
    app.login_pair("ada", PASSWORD).await;
    // A revoked token, then a malformed one.
    assert_eq!(app.logout(&user.access_token).await.status(), 204);
    assert_eq!(app.me(&user.access_token).await.status(), 401);
    assert_eq!(app.me("not-a-token").await.status(), 401);
    let after = scrape(&app).await;
    let delta = |name: &str, labels: &[(&str, &str)]| moved(&before, &after, name, labels);
    assert_eq!(delta("sigil_sign_ins_total", &outcome("success")), 1.0);
    assert_eq!(
        delta("sigil_sign_ins_total", &outcome("wrong_password")),
        1.0
    );
    assert_eq!(delta("sigil_sign_ins_total", &outcome("unknown_user")), 1.0);
    let reason = |r: &'static str| [("reason", r)];
    assert_eq!(delta("sigil_token_refusals_total", &reason("revoked")), 1.0);
    assert_eq!(
        delta("sigil_token_refusals_total", &reason("malformed")),
        1.0
    );
}

async fn a_forwarded_request_needs_the_token(b: Backend) {
    let app = TestApp::spawn_with(b, &[("METRICS_TOKEN", "metrics-token-0123456789")]).await;
    // A reverse proxy on this host relays others from loopback: it says so with the header.
    let relayed = app
        .anon
        .get("/metrics")
        .header("x-forwarded-for", "203.0.113.9");
    let r = send(relayed).await;
    assert_eq!(r.status(), 403);
    assert!(header(&r, "content-type").starts_with("application/problem+json"));
    let with_token = app
        .anon
        .get("/metrics")
        .header("x-forwarded-for", "203.0.113.9")
        .bearer_auth("metrics-token-0123456789");
    assert_eq!(send(with_token).await.status(), 200);
    let wrong = app
        .anon
        .get("/metrics")
        .header("x-forwarded-for", "203.0.113.9")
        .bearer_auth("metrics-token-0123456780");
    assert_eq!(send(wrong).await.status(), 403);
}

async fn second_factor_and_rate_limit_outcomes_are_counted(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mut mia = mfa_user(&app, "mia").await;
    let outcome = |o: &'static str| [("outcome", o)];
    let before = scrape(&app).await;
    // The password is right, the second factor is still to come: `mfa_required`, not success.
    let token = mfa_token(&app, "mia").await;
    // A wrong code, then the right one.
    assert_eq!(app.mfa(&token, "000000").await.status(), 401);
    let r = app.mfa(&token, &mia.app.next_code().await).await;
    assert_eq!(r.status(), 200);
    let after = scrape(&app).await;
    let delta = |name: &str, labels: &[(&str, &str)]| moved(&before, &after, name, labels);
    assert_eq!(delta("sigil_sign_ins_total", &outcome("mfa_required")), 1.0);
    assert_eq!(
        delta("sigil_sign_ins_total", &outcome("second_factor_failed")),
        1.0
    );
    assert_eq!(delta("sigil_sign_ins_total", &outcome("success")), 1.0);

    // Past the limit, each refused attempt counts as `rate_limited` and nothing else.
    let limited = TestApp::spawn_with(b, &[("LOGIN_RATE_PER_MINUTE", "2")]).await;
    let before = scrape(&limited).await;
    let mut refused = 0;
    for _ in 0..5 {
        let r = limited
            .login(json!({"username": "nobody", "password": "not the password"}))
            .await;
        match r.status().as_u16() {
            401 => {}
            429 => refused += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(
        refused, 3,
        "2 attempts a minute: the last 3 of 5 are refused"
    );
    let after = scrape(&limited).await;
    let delta = |name: &str, labels: &[(&str, &str)]| moved(&before, &after, name, labels);
    assert_eq!(delta("sigil_sign_ins_total", &outcome("rate_limited")), 3.0);
    assert_eq!(delta("sigil_sign_ins_total", &outcome("unknown_user")), 2.0);
}

/// Scrapes until `ok` holds for the text (the mail sender works in the background).
async fn scrape_until(app: &TestApp, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let text = scrape(app).await;
        if ok(&text) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within 15 s:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn mail_deliveries_and_failures_are_counted(b: Backend) {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let app = TestApp::spawn_with(
        b,
        &[("SMTP_URL", url.as_str()), ("MAIL_RETRY_BASE_SECONDS", "1")],
    )
    .await;
    let sent = |t: &str| sample(t, "sigil_mail_sent_total", &[]);
    let failed = |t: &str| sample(t, "sigil_mail_failed_total", &[]);
    let waiting = |t: &str| {
        sample(t, "sigil_mail_outbox_messages", &[("status", "pending")])
            + sample(t, "sigil_mail_outbox_messages", &[("status", "sending")])
    };

    // Registering sends a verification message over SMTP: every message the SMTP server got is
    // counted as sent, none as failed, and the outbox empties.
    app.user("max").await;
    smtp.wait_for(1, Duration::from_secs(10)).await;
    let text = scrape_until(&app, "the outbox sent", |t| {
        waiting(t) == 0.0 && sent(t) == smtp.messages().len() as f64
    })
    .await;
    assert!(sent(&text) >= 1.0);
    assert_eq!(failed(&text), 0.0);
    let sent_before = sent(&text);

    // The SMTP server goes away: the next messages fail and wait in the outbox, none is sent...
    smtp.stop();
    app.user("meg").await;
    let text = scrape_until(&app, "a failed delivery", |t| failed(t) >= 1.0).await;
    assert_eq!(sent(&text), sent_before);
    assert!(waiting(&text) >= 1.0, "the message waits for its retry");
    // ...and a retry delivers them once it is back.
    smtp.resume().await;
    let text = scrape_until(&app, "the retry delivered", |t| {
        waiting(t) == 0.0 && sent(t) == smtp.messages().len() as f64
    })
    .await;
    assert!(sent(&text) > sent_before);
    assert!(smtp.messages().iter().any(|m| m.to == ["meg@example.com"]));
}

/// The session check and the pages of posts run on the async worker itself: SQLite's own
/// reader there, PostgreSQL's async connections; none of them on the blocking pool.
async fn an_authenticated_request_reads_without_a_blocking_thread(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    app.post_as(&alice, "Hello", "private").await;
    let before = scrape(&app).await;
    for path in ["/api/users/me", "/api/posts", "/api/posts?author=alice"] {
        let r = send(app.bearer.get(path, &alice.access_token)).await;
        assert_eq!(r.status(), 200, "{path}");
    }
    assert_eq!(app.get("/api/posts").await.status(), 200);
    let after = scrape(&app).await;
    let path = match b {
        Backend::Sqlite => "worker",
        Backend::Postgres => "async",
    };
    let reads = |p| moved(&before, &after, "sigil_db_reads_total", &[("path", p)]);
    assert_eq!(
        reads(path),
        6.0,
        "3 session checks, 2 pages, 1 anonymous page:\n{after}"
    );
    assert_eq!(reads("blocking"), 0.0, "{after}");
}
