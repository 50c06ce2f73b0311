//! The audit trail: every kind of security event is recorded with the right user, actor,
//! address and kind, and never holds a password, token or link; `TRUSTED_PROXIES` decides the
//! address; a user sees only their own events; sessions show a device and an address.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{
    access_of, assert_no_secrets, events, of_kind, outbox_token, problem, refresh_of, send,
    the_event, Backend, Received, Requests as _, SmtpServer, TestApp, TestUser, PASSWORD,
};

backend_tests!(
    sign_ins_and_failures_are_recorded_with_user_address_and_no_password,
    sign_outs_and_revoked_sessions_are_recorded,
    refresh_token_reuse_is_recorded,
    password_and_email_flows_are_recorded_without_their_links,
    admin_actions_are_recorded_with_the_admin_as_actor,
    a_rate_limit_hit_is_recorded_once_per_address_per_minute,
    a_trusted_proxy_names_the_client_and_an_untrusted_one_cannot,
    my_events_are_paged_and_only_mine,
    sessions_show_a_device_and_an_address,
    events_older_than_the_retention_period_are_purged,
);

const FIREFOX: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0";
const NEW_PASSWORD: &str = "a brand new passphrase";
const WAIT: Duration = Duration::from_secs(10);

fn secrets_of(u: &TestUser) -> [&str; 2] {
    [&u.access_token, &u.refresh_token]
}

async fn sign_ins_and_failures_are_recorded_with_user_address_and_no_password(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    // A sign-in from a browser: the user acts on themselves, from this address and agent.
    let r = send(
        app.anon
            .post("/api/auth/login")
            .header("user-agent", FIREFOX)
            .json(&json!({"username": "alice", "password": PASSWORD})),
    )
    .await;
    assert_eq!(r.status(), 200);
    let pair: Value = r.json().await.unwrap();
    let signed_in = of_kind(&app, &root.access_token, alice.id, "sign_in").await;
    assert_eq!(
        signed_in.len(),
        2,
        "registration's login and this one: {signed_in:#?}"
    );
    let e = &signed_in[0];
    assert_eq!(
        (e["user_id"].as_i64(), e["actor_id"].as_i64()),
        (Some(alice.id), Some(alice.id))
    );
    assert_eq!(e["ip"], "127.0.0.1");
    assert_eq!(e["user_agent"], FIREFOX);
    assert_eq!(e["detail"]["device"], "Firefox 132 on Windows 10", "{e}");
    // A wrong password: the user it concerns, the login tried, never the password tried.
    let wrong = "not the password at all";
    let r = app
        .login(json!({"username": "Alice", "password": wrong}))
        .await;
    assert_eq!(r.status(), 401);
    let e = the_event(&app, &root.access_token, alice.id, "sign_in_failed").await;
    assert_eq!(e["detail"]["login"], "Alice", "{e}");
    assert_eq!(e["detail"]["reason"], "wrong_password", "{e}");
    assert!(e["actor_id"].is_null(), "nobody signed in acted: {e}");
    // An unknown name: no user, the name tried.
    let r = app
        .login(json!({"username": "mallory", "password": "guess-guess"}))
        .await;
    assert_eq!(r.status(), 401);
    let failed = events(&app, &root.access_token, "kind=sign_in_failed").await;
    let unknown: Vec<&Value> = failed.iter().filter(|e| e["user_id"].is_null()).collect();
    assert_eq!(unknown.len(), 1, "{failed:#?}");
    assert_eq!(unknown[0]["detail"]["login"], "mallory");
    assert_eq!(unknown[0]["detail"]["reason"], "unknown_user");
    assert_eq!(unknown[0]["ip"], "127.0.0.1");
    // The token endpoint records the same way.
    let r = app
        .token_form(&[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "wrong password 2"),
        ])
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        of_kind(&app, &root.access_token, alice.id, "sign_in_failed")
            .await
            .len(),
        2
    );
    let mut secrets = vec![
        wrong,
        "guess-guess",
        "wrong password 2",
        access_of(&pair),
        refresh_of(&pair),
    ];
    secrets.extend(secrets_of(&alice));
    secrets.extend(secrets_of(&root));
    assert_no_secrets(&app, &root.access_token, &secrets).await;
}

async fn sign_outs_and_revoked_sessions_are_recorded(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let second = app.login_pair("alice", PASSWORD).await;
    let third = app.login_pair("alice", PASSWORD).await;
    // Revoking one session by id.
    let sessions: Vec<Value> = app
        .sessions(&alice.access_token)
        .await
        .json()
        .await
        .unwrap();
    let sid_of = |token: &str| {
        crate::helpers::segment(token, 1)["sid"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let victim = sid_of(access_of(&second));
    assert!(sessions.iter().any(|s| s["id"] == victim.as_str()));
    assert_eq!(
        app.delete_session(&alice.access_token, &victim)
            .await
            .status(),
        204
    );
    let e = the_event(&app, &root.access_token, alice.id, "session_revoked").await;
    assert_eq!(e["actor_id"].as_i64(), Some(alice.id));
    assert_eq!(e["detail"]["session_id"], victim.as_str());
    // Signing out of one session.
    assert_eq!(app.logout(access_of(&third)).await.status(), 204);
    let e = the_event(&app, &root.access_token, alice.id, "sign_out").await;
    assert_eq!(e["actor_id"].as_i64(), Some(alice.id));
    assert_eq!(
        e["detail"]["session_id"],
        sid_of(access_of(&third)).as_str()
    );
    // Signing out everywhere.
    assert_eq!(app.logout_all(&alice.access_token).await.status(), 204);
    let e = the_event(&app, &root.access_token, alice.id, "logout_all").await;
    assert_eq!(e["actor_id"].as_i64(), Some(alice.id));
    let mut secrets = vec![
        access_of(&second),
        refresh_of(&second),
        access_of(&third),
        refresh_of(&third),
    ];
    secrets.extend(secrets_of(&alice));
    assert_no_secrets(&app, &root.access_token, &secrets).await;
}

async fn refresh_token_reuse_is_recorded(b: Backend) {
    let app = TestApp::spawn_with(b, &[("REFRESH_REUSE_GRACE_SECONDS", "0")]).await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let r = app.refresh(&alice.refresh_token).await;
    assert_eq!(r.status(), 200);
    let rotated: Value = r.json().await.unwrap();
    assert!(
        of_kind(&app, &root.access_token, alice.id, "refresh_token_reuse")
            .await
            .is_empty()
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(app.refresh(&alice.refresh_token).await.status(), 401);
    let e = the_event(&app, &root.access_token, alice.id, "refresh_token_reuse").await;
    let sid = crate::helpers::segment(&alice.access_token, 1)["sid"].clone();
    assert_eq!(e["detail"]["session_id"], sid, "{e}");
    let mut secrets = vec![access_of(&rotated), refresh_of(&rotated)];
    secrets.extend(secrets_of(&alice));
    assert_no_secrets(&app, &root.access_token, &secrets).await;
}

async fn api(app: &TestApp, method: Method, path: &str, token: Option<&str>, body: Value) -> u16 {
    let req = match token {
        Some(t) => app.bearer.request(method, path, t),
        None => app.anon.request(method, path),
    };
    send(req.json(&body)).await.status().as_u16()
}

/// Waits for a message to `address` whose subject has `subject` that was not among the
/// first `skip` received, and returns it.
async fn mail_to(smtp: &SmtpServer, skip: usize, address: &str, subject: &str) -> Received {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let all = smtp.messages();
        let found = all.iter().skip(skip).find(|m| {
            m.to == [address] && m.header("Subject").is_some_and(|s| s.contains(subject))
        });
        match found {
            Some(m) => return m.clone(),
            None if tokio::time::Instant::now() > deadline => {
                panic!("no {subject:?} to {address}: {all:#?}")
            }
            None => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

async fn password_and_email_flows_are_recorded_without_their_links(b: Backend) {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let app = TestApp::spawn_with(b, &[("SMTP_URL", &url), ("MAIL_RETRY_BASE_SECONDS", "1")]).await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let root_token = root.access_token.clone();
    let mut secrets: Vec<String> = vec![alice.access_token.clone(), alice.refresh_token.clone()];
    // Verifying the address registration mailed.
    let verify = mail_to(&smtp, 0, "alice@example.com", "Confirm your e-mail").await;
    let token = verify.token("/verify-email").unwrap();
    let body = json!({"token": token});
    assert_eq!(
        api(&app, Method::POST, "/api/auth/email/verify", None, body).await,
        200
    );
    the_event(&app, &root_token, alice.id, "email_verified").await;
    secrets.push(token);
    // Changing the password.
    let r = app
        .change_password(&alice.access_token, PASSWORD, NEW_PASSWORD)
        .await;
    assert_eq!(r.status(), 200);
    let pair: Value = r.json().await.unwrap();
    let access = access_of(&pair).to_string();
    secrets.extend([
        access.clone(),
        refresh_of(&pair).to_string(),
        NEW_PASSWORD.into(),
    ]);
    let e = the_event(&app, &root_token, alice.id, "password_changed").await;
    assert_eq!(e["actor_id"].as_i64(), Some(alice.id));
    // Asking for a reset link, and using it.
    let body = json!({"email": "alice@example.com"});
    assert_eq!(
        api(&app, Method::POST, "/api/auth/password/forgot", None, body).await,
        202
    );
    the_event(&app, &root_token, alice.id, "password_reset_requested").await;
    let reset = mail_to(&smtp, 0, "alice@example.com", "Reset your Sigil password").await;
    let token = reset.token("/reset-password").unwrap();
    let third = "a third passphrase here";
    let body = json!({"token": token, "new_password": third});
    assert_eq!(
        api(&app, Method::POST, "/api/auth/password/reset", None, body).await,
        204
    );
    the_event(&app, &root_token, alice.id, "password_reset").await;
    secrets.extend([token, third.into()]);
    // Changing the address: requested, then changed when the link is followed.
    let pair = app.login_pair("alice", third).await;
    let access = access_of(&pair).to_string();
    let body = json!({"new_email": "alice@new.example", "current_password": third});
    assert_eq!(
        api(
            &app,
            Method::PUT,
            "/api/users/me/email",
            Some(&access),
            body
        )
        .await,
        202
    );
    let e = the_event(&app, &root_token, alice.id, "email_change_requested").await;
    assert_eq!(e["actor_id"].as_i64(), Some(alice.id));
    let link = mail_to(&smtp, 0, "alice@new.example", "Confirm your new").await;
    let token = link.token("/verify-email").unwrap();
    let body = json!({"token": token});
    assert_eq!(
        api(&app, Method::POST, "/api/auth/email/verify", None, body).await,
        200
    );
    the_event(&app, &root_token, alice.id, "email_changed").await;
    secrets.extend([token, access, refresh_of(&pair).to_string()]);
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    assert_no_secrets(&app, &root_token, &secrets).await;
}

async fn admin_actions_are_recorded_with_the_admin_as_actor(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let t = &root.access_token;
    assert_eq!(app.admin_disable(t, alice.id).await.status(), 200);
    assert_eq!(app.admin_enable(t, alice.id).await.status(), 200);
    assert_eq!(app.admin_logout_all(t, alice.id).await.status(), 204);
    assert_eq!(app.admin_password_reset(t, alice.id).await.status(), 202);
    let r = app
        .admin_set_role(t, alice.id, json!({"role": "admin"}))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.admin_delete_user(t, alice.id).await.status(), 204);
    for kind in [
        "user_disabled",
        "user_enabled",
        "admin_logout_all",
        "admin_password_reset",
        "role_changed",
        "user_deleted",
    ] {
        let e = the_event(&app, t, alice.id, kind).await;
        assert_eq!(e["actor_id"].as_i64(), Some(root.id), "{e}");
    }
    let e = the_event(&app, t, alice.id, "role_changed").await;
    assert_eq!(
        (e["detail"]["from"].as_str(), e["detail"]["to"].as_str()),
        (Some("user"), Some("admin"))
    );
    let e = the_event(&app, t, alice.id, "user_deleted").await;
    assert_eq!(
        e["detail"]["username"], "alice",
        "who it was stays readable: {e}"
    );
    let mut secrets = vec![];
    secrets.extend(secrets_of(&alice));
    secrets.extend(secrets_of(&root));
    // The reset link went to the outbox (written in the background); its token is in no
    // event.
    let token = outbox_token(&app, "/reset-password").await;
    secrets.push(&token);
    assert_no_secrets(&app, t, &secrets).await;
}

async fn a_rate_limit_hit_is_recorded_once_per_address_per_minute(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        &[
            ("LOGIN_RATE_PER_MINUTE", "3"),
            ("TRUSTED_PROXIES", "127.0.0.1/32"),
        ],
    )
    .await;
    // The admin registers and signs in (three attempts) before the limit is reached.
    let root = app.admin("root").await;
    let attempt = |from: &'static str| {
        let req = app
            .anon
            .post("/api/auth/login")
            .header("x-forwarded-for", from);
        send(req.json(&json!({"username": "nobody", "password": "whatever1"})))
    };
    let mut refused = 0;
    for _ in 0..6 {
        if attempt("198.51.100.7").await.status() == 429 {
            refused += 1;
        }
    }
    assert!(refused >= 3, "{refused}");
    let limited = wait_for_kind(&app, &root.access_token, "rate_limited", 1).await;
    // Another address hitting the limit is an event of its own.
    for _ in 0..4 {
        attempt("203.0.113.9").await;
    }
    let limited_2 = wait_for_kind(&app, &root.access_token, "rate_limited", 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let all = events(&app, &root.access_token, "kind=rate_limited").await;
    assert_eq!(all.len(), 2, "once per address per minute: {all:#?}");
    assert_eq!(limited[0]["ip"], "198.51.100.7");
    assert_eq!(limited[0]["detail"]["path"], "/api/auth/login");
    assert!(limited[0]["user_id"].is_null());
    assert_eq!(limited_2[0]["ip"], "203.0.113.9");
}

/// Polls (the rate-limit event is written in the background) until `n` events of `kind`.
async fn wait_for_kind(app: &TestApp, admin_token: &str, kind: &str, n: usize) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let found = events(app, admin_token, &format!("kind={kind}")).await;
        if found.len() >= n || tokio::time::Instant::now() > deadline {
            assert_eq!(found.len(), n, "{found:#?}");
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Signs `username` in with `X-Forwarded-For: forwarded`; the address the sign-in event and
/// the session recorded.
async fn address_seen(
    app: &TestApp,
    root: &TestUser,
    user: &TestUser,
    forwarded: &str,
) -> (String, String) {
    let req = app
        .anon
        .post("/api/auth/login")
        .header("x-forwarded-for", forwarded);
    let r = send(req.json(&json!({"username": user.username, "password": PASSWORD}))).await;
    assert_eq!(r.status(), 200);
    let pair: Value = r.json().await.unwrap();
    let event = of_kind(app, &root.access_token, user.id, "sign_in").await[0].clone();
    let sessions: Vec<Value> = app.sessions(access_of(&pair)).await.json().await.unwrap();
    let current = sessions.iter().find(|s| s["current"] == true).unwrap();
    (
        event["ip"].as_str().unwrap().to_string(),
        current["ip"].as_str().unwrap().to_string(),
    )
}

async fn a_trusted_proxy_names_the_client_and_an_untrusted_one_cannot(b: Backend) {
    let chain = "192.0.2.1, 198.51.100.7";
    let spoofed = "198.51.100.7".to_string();
    // The tests connect from 127.0.0.1: trusted, its header names the client.
    let app = TestApp::spawn_with(b, &[("TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    let (root, alice) = (app.admin("root").await, app.user("alice").await);
    assert_eq!(
        address_seen(&app, &root, &alice, chain).await,
        (spoofed.clone(), spoofed.clone())
    );
    // A refresh through the proxy from elsewhere: the session shows where it was last used.
    let req = app
        .anon
        .post("/api/auth/refresh")
        .header("x-forwarded-for", "203.0.113.50");
    let r = send(req.json(&json!({"refresh_token": alice.refresh_token}))).await;
    assert_eq!(r.status(), 200);
    let pair: Value = r.json().await.unwrap();
    let sessions: Vec<Value> = app.sessions(access_of(&pair)).await.json().await.unwrap();
    let current = sessions.iter().find(|s| s["current"] == true).unwrap();
    assert_eq!(current["ip"], "203.0.113.50", "{sessions:#?}");
    // A chain through a second trusted proxy: the rightmost untrusted address.
    let app = TestApp::spawn_with(b, &[("TRUSTED_PROXIES", "127.0.0.1/32,10.0.0.0/8")]).await;
    let (root, alice) = (app.admin("root").await, app.user("alice").await);
    let seen = address_seen(&app, &root, &alice, "192.0.2.1, 203.0.113.9, 10.1.2.3").await;
    assert_eq!(seen.0, "203.0.113.9");
    // Unset, or another network: the header is ignored, the peer is the client.
    for env in [vec![], vec![("TRUSTED_PROXIES", "10.0.0.0/8")]] {
        let app = TestApp::spawn_with(b, &env).await;
        let (root, alice) = (app.admin("root").await, app.user("alice").await);
        let loopback = "127.0.0.1".to_string();
        assert_eq!(
            address_seen(&app, &root, &alice, chain).await,
            (loopback.clone(), loopback),
            "{env:?}"
        );
    }
}

async fn my_events_are_paged_and_only_mine(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    for _ in 0..4 {
        app.login_pair("alice", PASSWORD).await;
        app.login_pair("bob", PASSWORD).await;
    }
    assert_eq!(
        app.login(json!({"username": "alice", "password": "wrong password"}))
            .await
            .status(),
        401
    );
    // Alice: 5 sign-ins and 1 failure, newest first, 2 at a time.
    let mut seen = Vec::new();
    let mut query = "?limit=2".to_string();
    loop {
        let r = app.my_events(&alice.access_token, &query).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["cache-control"], "no-store");
        let page: Value = r.json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => query = format!("?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6, "{seen:#?}");
    assert!(
        seen.iter().all(|e| e["user_id"].as_i64() == Some(alice.id)),
        "{seen:#?}"
    );
    assert_eq!(seen[0]["kind"], "sign_in_failed");
    let ids: Vec<i64> = seen.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats: {ids:?}"
    );
    // Bob sees his own, none of Alice's.
    let page: Value = app
        .my_events(&bob.access_token, "?limit=100")
        .await
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert!(items.iter().all(|e| e["user_id"].as_i64() == Some(bob.id)));
    // Bad paging is a 422 naming the field; no token is a 401.
    for (q, field) in [
        ("?limit=0", "limit"),
        ("?limit=101", "limit"),
        ("?limit=x", "limit"),
        ("?cursor=garbage", "cursor"),
    ] {
        let body = problem(app.my_events(&alice.access_token, q).await, 422).await;
        assert!(body["errors"][field].is_array(), "{q}: {body}");
    }
    let r = send(app.anon.get("/api/users/me/events")).await;
    problem(r, 401).await;
}

async fn sessions_show_a_device_and_an_address(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let r = send(
        app.anon
            .post("/api/auth/login")
            .header("user-agent", FIREFOX)
            .json(&json!({"username": "alice", "password": PASSWORD})),
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = send(
        app.anon
            .post("/api/auth/login")
            .header("user-agent", "curl/8.5.0")
            .json(&json!({"username": "alice", "password": PASSWORD})),
    )
    .await;
    assert_eq!(r.status(), 200);
    let sessions: Vec<Value> = app
        .sessions(&alice.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sessions.len(), 3, "{sessions:#?}");
    let devices: Vec<&str> = sessions
        .iter()
        .map(|s| s["device"].as_str().unwrap())
        .collect();
    assert!(
        devices.contains(&"Firefox 132 on Windows 10"),
        "{devices:?}"
    );
    assert!(devices.contains(&"curl"), "{devices:?}");
    assert!(devices.contains(&"Unknown client"), "{devices:?}");
    assert!(
        sessions.iter().all(|s| s["ip"] == "127.0.0.1"),
        "{sessions:#?}"
    );
}

async fn events_older_than_the_retention_period_are_purged(b: Backend) {
    let app = TestApp::spawn_with(b, &[("AUDIT_RETENTION_DAYS", "30")]).await;
    let root = app.admin("root").await;
    app.sql(
        "INSERT INTO security_events (kind, user_id, ip, created_at) VALUES \
         ('sign_in', 1, '192.0.2.1', '2000-01-01 00:00:00'), \
         ('sign_in', 1, '192.0.2.2', '2999-01-01 00:00:00')",
    );
    assert_eq!(events(&app, &root.access_token, "").await.len(), 4);
    // The purge runs at start-up (then hourly): a new instance removes the old event only.
    let _sibling = app.spawn_sibling().await;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let ips: Vec<Value> = events(&app, &root.access_token, "")
            .await
            .iter()
            .map(|e| e["ip"].clone())
            .collect();
        if ips.len() == 3 {
            assert!(!ips.contains(&json!("192.0.2.1")), "{ips:?}");
            assert!(ips.contains(&json!("192.0.2.2")), "{ips:?}");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not purged: {ips:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
