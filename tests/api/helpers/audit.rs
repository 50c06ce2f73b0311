//! The audit trail as the admin API lists it: every event of a query, those of a kind about a
//! user, the one such event, and that none holds a secret.

use std::time::Duration;

use serde_json::Value;

use super::app::{TestApp, PASSWORD};

/// How long a test waits for an event written after the answer.
const WAIT: Duration = Duration::from_secs(10);

/// Every event the admin API lists for `query` (`&`-joined filters, no `?`), newest first,
/// following the cursors.
pub async fn events(app: &TestApp, admin_token: &str, query: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor = String::new();
    loop {
        let q = format!("?limit=100&{query}{cursor}");
        let r = app.admin_events(admin_token, &q).await;
        assert_eq!(r.status(), 200, "GET /api/admin/events{q}");
        let page: Value = r.json().await.unwrap();
        all.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => return all,
        }
    }
}

/// The events of `kind` about user `user_id`.
pub async fn of_kind(app: &TestApp, admin_token: &str, user_id: i64, kind: &str) -> Vec<Value> {
    events(app, admin_token, &format!("user={user_id}&kind={kind}")).await
}

/// The one event of `kind` about `user_id`, checked to concern that user and come from the
/// test's address.
pub async fn the_event(app: &TestApp, admin_token: &str, user_id: i64, kind: &str) -> Value {
    // Some events are written after the answer (forgot-password answers first, so its
    // timing tells nothing): wait for it a little.
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut found = of_kind(app, admin_token, user_id, kind).await;
    while found.is_empty() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        found = of_kind(app, admin_token, user_id, kind).await;
    }
    assert_eq!(
        found.len(),
        1,
        "one {kind} event for user {user_id}: {found:#?}"
    );
    let e = found[0].clone();
    assert_eq!(
        (e["kind"].as_str(), e["user_id"].as_i64()),
        (Some(kind), Some(user_id)),
        "{e}"
    );
    assert_eq!(e["ip"], "127.0.0.1", "{e}");
    assert!(e["id"].is_i64() && e["created_at"].is_string(), "{e}");
    e
}

/// No event anywhere holds any of `secrets`.
pub async fn assert_no_secrets(app: &TestApp, admin_token: &str, secrets: &[&str]) {
    let all = events(app, admin_token, "").await;
    assert!(!all.is_empty());
    let text = serde_json::to_string(&all).unwrap();
    for secret in secrets.iter().chain([&PASSWORD]) {
        assert!(!secret.is_empty());
        assert!(
            !text.contains(secret),
            "an event holds the secret {secret:?}: {text}"
        );
    }
}
