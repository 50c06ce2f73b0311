//! Administration through the API: only admins get in, finding and seeing users, every action
//! (disable and enable, sign out everywhere, reset link, role, delete), the last-admin rule,
//! the event list's filters and paging, and the command line (`create-user --admin`,
//! `set-role`).

use std::process::{Command, Stdio};

use reqwest::Method;
use serde_json::{json, Value};
use sigil::routes::api::openapi::API_ROUTES;

use crate::backend_tests;
use crate::helpers::{
    access_of, events, of_kind, problem, refresh_of, send, Backend, Requests as _, TestApp,
    TestUser, PASSWORD,
};

backend_tests!(
    only_admins_get_in_everywhere_under_api_admin,
    a_cookie_admin_needs_the_csrf_token_to_act,
    users_are_listed_in_pages_and_searched_literally,
    an_admin_sees_an_account_in_full_but_no_secret,
    unknown_ids_are_404_and_bad_roles_422,
    disabling_refuses_sign_in_and_every_live_token_on_every_instance,
    sign_out_everywhere_and_reset_link_act_on_the_user,
    roles_change_what_a_user_may_do,
    the_last_active_admin_cannot_be_demoted_disabled_or_deleted,
    two_admins_removing_each_other_at_once_leave_one,
    deleting_a_user_removes_their_posts_and_keeps_their_events,
    the_event_list_filters_pages_and_refuses_bad_parameters,
    the_command_line_makes_admins_and_keeps_the_last_one,
);

/// Every admin route, with `{id}` set to `id`, and a body for the one that needs it.
fn admin_routes(id: i64) -> Vec<(Method, String)> {
    let routes: Vec<(Method, String)> = API_ROUTES
        .iter()
        .filter(|(_, p)| p.starts_with("/api/admin"))
        .map(|(m, p)| {
            (
                m.to_uppercase().parse().unwrap(),
                p.replace("{id}", &id.to_string())
                    .replace("{token_id}", "1")
                    .replace("{client_id}", "some-app"),
            )
        })
        .collect();
    // 11, DELETE …/sign-in-failures (API.md part three §4), and the six of clients (§1).
    assert_eq!(routes.len(), 21, "{routes:?}");
    routes
}

async fn only_admins_get_in_everywhere_under_api_admin(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    // The User object tells an API client whether it acts for an administrator.
    let me: Value = app.me(&root.access_token).await.json().await.unwrap();
    assert_eq!(
        (&me["role"], &me["disabled"]),
        (&json!("admin"), &json!(false))
    );
    let me: Value = app.me(&alice.access_token).await.json().await.unwrap();
    assert_eq!(me["role"], "user");
    for (method, path) in admin_routes(bob.id) {
        let body = json!({"role": "admin"});
        let r = send(
            app.bearer
                .request(method.clone(), &path, &alice.access_token)
                .json(&body),
        )
        .await;
        let p = problem(r, 403).await;
        assert!(
            p["detail"].as_str().unwrap().contains("administrator"),
            "{method} {path}: {p}"
        );
        let r = send(app.anon.request(method.clone(), &path).json(&body)).await;
        problem(r, 401).await;
        let r = send(
            app.bearer
                .request(method.clone(), &path, "not-a-token")
                .json(&body),
        )
        .await;
        problem(r, 401).await;
    }
    // Nothing the refused requests asked for happened.
    assert_eq!(app.me(&bob.access_token).await.status(), 200);
    let r = app.admin_user(&root.access_token, bob.id).await;
    let bob_now: Value = r.json().await.unwrap();
    assert_eq!(
        (
            bob_now["user"]["role"].as_str(),
            bob_now["user"]["disabled"].as_bool()
        ),
        (Some("user"), Some(false))
    );
    // The admin role is read on every request: a demoted admin is refused at once.
    let second = app.admin("second").await;
    assert_eq!(
        app.admin_users(&second.access_token, "").await.status(),
        200
    );
    let r = app
        .admin_set_role(&root.access_token, second.id, json!({"role": "user"}))
        .await;
    assert_eq!(r.status(), 200);
    problem(app.admin_users(&second.access_token, "").await, 403).await;
}

async fn a_cookie_admin_needs_the_csrf_token_to_act(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let bob = app.user("bob").await;
    let r = app.cookie.login("root", PASSWORD).await;
    assert_eq!(r.status(), 303);
    let r = send(app.cookie.get("/api/admin/users")).await;
    assert_eq!(r.status(), 200);
    let path = format!("/api/admin/users/{}/disable", bob.id);
    problem(send(app.cookie.post(&path)).await, 403).await;
    assert_eq!(
        app.me(&bob.access_token).await.status(),
        200,
        "nothing happened"
    );
    let csrf = app.cookie.csrf_token().await;
    let r = send(app.cookie.post(&path).header("x-csrf-token", csrf)).await;
    assert_eq!(r.status(), 200);
    problem(app.me(&bob.access_token).await, 401).await;
    let e = &of_kind(&app, &root.access_token, bob.id, "user_disabled").await[0];
    assert_eq!(e["actor_id"].as_i64(), Some(root.id));
}

async fn register(app: &TestApp, username: &str, email: &str) -> i64 {
    let r = app
        .register(json!({"email": email, "username": username, "password": PASSWORD}))
        .await;
    assert_eq!(r.status(), 201, "{username}");
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// Every user the search for `query` finds (usernames, newest first), following cursors `limit`
/// at a time.
async fn search(app: &TestApp, token: &str, query: &str, limit: usize) -> Vec<String> {
    let mut names = Vec::new();
    let mut cursor = String::new();
    loop {
        let q = format!("?query={}&limit={limit}{cursor}", urlencode(query));
        let r = app.admin_users(token, &q).await;
        assert_eq!(r.status(), 200, "{q}");
        assert_eq!(r.headers()["cache-control"], "no-store");
        let page: Value = r.json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= limit);
        for u in items {
            assert!(
                u.get("password_hash").is_none() && u.get("password").is_none(),
                "{u}"
            );
            names.push(u["username"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => return names,
        }
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn users_are_listed_in_pages_and_searched_literally(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let t = &root.access_token;
    register(&app, "a_b", "plain@example.com").await;
    register(&app, "axb", "100%off@example.com").await;
    register(&app, "Carol.X", "carol@Shop.example").await;
    register(&app, "dave", "100xoff@example.com").await;
    // Everyone, newest first, two at a time.
    let all = search(&app, t, "", 2).await;
    assert_eq!(all, ["dave", "Carol.X", "axb", "a_b", "root"]);
    assert_eq!(search(&app, t, "", 100).await, all);
    // Part of a username or an address, without case.
    assert_eq!(search(&app, t, "CAROL", 2).await, ["Carol.X"]);
    assert_eq!(search(&app, t, "shop.EX", 2).await, ["Carol.X"]);
    assert_eq!(search(&app, t, "100", 1).await, ["dave", "axb"]);
    // `_` and `%` are themselves, not wildcards.
    assert_eq!(search(&app, t, "a_b", 2).await, ["a_b"]);
    assert_eq!(search(&app, t, "0%o", 2).await, ["axb"]);
    assert_eq!(search(&app, t, "%", 2).await, ["axb"]);
    assert!(search(&app, t, "nobody-here", 2).await.is_empty());
    // Bad paging or a too long query is a 422 naming the field.
    let long = "x".repeat(101);
    for (q, field) in [
        ("?limit=0".to_string(), "limit"),
        ("?limit=101".to_string(), "limit"),
        ("?limit=ten".to_string(), "limit"),
        ("?cursor=not-a-cursor".to_string(), "cursor"),
        (format!("?query={long}"), "query"),
    ] {
        let body = problem(app.admin_users(t, &q).await, 422).await;
        assert!(body["errors"][field].is_array(), "{q}: {body}");
    }
}

async fn an_admin_sees_an_account_in_full_but_no_secret(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let r = send(
        app.anon
            .post("/api/auth/login")
            .header("user-agent", "curl/8.5.0")
            .json(&json!({"username": "alice", "password": PASSWORD})),
    )
    .await;
    let pair: Value = r.json().await.unwrap();
    let r = app.admin_user(&root.access_token, alice.id).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let text = r.text().await.unwrap();
    for secret in [
        PASSWORD,
        &alice.access_token,
        &alice.refresh_token,
        access_of(&pair),
        refresh_of(&pair),
        "$2",
    ] {
        assert!(!text.contains(secret), "{secret:?} in {text}");
    }
    let detail: Value = serde_json::from_str(&text).unwrap();
    let user = &detail["user"];
    assert_eq!(
        (user["id"].as_i64(), user["username"].as_str()),
        (Some(alice.id), Some("alice"))
    );
    assert_eq!(
        (user["role"].as_str(), user["disabled"].as_bool()),
        (Some("user"), Some(false))
    );
    let sessions = detail["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{detail}");
    assert!(sessions.iter().any(|s| s["device"] == "curl"), "{detail}");
    assert!(sessions.iter().all(|s| s["ip"] == "127.0.0.1"), "{detail}");
    assert!(detail["second_factors"].is_array());
    let events = detail["events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{detail}");
    assert!(events
        .iter()
        .all(|e| e["kind"] == "sign_in" && e["user_id"].as_i64() == Some(alice.id)));
}

async fn unknown_ids_are_404_and_bad_roles_422(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    for (method, path) in admin_routes(999_999) {
        if !path.contains("999999") {
            continue;
        }
        let r = send(
            app.bearer
                .request(method.clone(), &path, &root.access_token)
                .json(&json!({"role": "user"})),
        )
        .await;
        problem(r, 404).await;
    }
    let t = &root.access_token;
    for body in [
        json!({"role": "root"}),
        json!({"role": ""}),
        json!({}),
        json!({"role": 1}),
        json!({"role": null}),
    ] {
        let p = problem(app.admin_set_role(t, alice.id, body.clone()).await, 422).await;
        assert!(p["errors"]["role"].is_array(), "{body}: {p}");
    }
    let r = send(
        app.bearer
            .request(
                Method::PUT,
                &format!("/api/admin/users/{}/role", alice.id),
                t,
            )
            .body("{"),
    )
    .await;
    assert!(r.status().is_client_error());
    let me: Value = app.admin_user(t, alice.id).await.json().await.unwrap();
    assert_eq!(me["user"]["role"], "user");
    // An id that is not a number is not a user either.
    let r = send(app.bearer.get("/api/admin/users/abc", t)).await;
    assert!(r.status() == 404 || r.status() == 422, "{}", r.status());
}

async fn disabling_refuses_sign_in_and_every_live_token_on_every_instance(b: Backend) {
    let app = TestApp::spawn(b).await;
    let sibling = app.spawn_sibling().await;
    let root = app.admin("root").await;
    let bob = app.user("bob").await;
    // The token works on both instances (and each has checked it once).
    assert_eq!(app.me(&bob.access_token).await.status(), 200);
    assert_eq!(sibling.me(&bob.access_token).await.status(), 200);
    let r = app.admin_disable(&root.access_token, bob.id).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        (body["id"].as_i64(), body["disabled"].as_bool()),
        (Some(bob.id), Some(true))
    );
    // The live token is refused on its next request, on either instance.
    problem(app.me(&bob.access_token).await, 401).await;
    problem(sibling.me(&bob.access_token).await, 401).await;
    let r = app
        .create_post(
            &bob.access_token,
            json!({"title": "t", "body": "b", "visibility": "public"}),
        )
        .await;
    problem(r, 401).await;
    // Signing in: a wrong password is the usual 401, the right one a 403 that says why.
    let r = app
        .login(json!({"username": "bob", "password": "wrong password"}))
        .await;
    problem(r, 401).await;
    let p = problem(
        app.login(json!({"username": "bob", "password": PASSWORD}))
            .await,
        403,
    )
    .await;
    assert!(
        p["type"]
            .as_str()
            .unwrap()
            .ends_with("/problems/account-disabled"),
        "{p}"
    );
    assert!(p["detail"].as_str().unwrap().contains("disabled"), "{p}");
    let r = sibling
        .login(json!({"username": "bob@example.com", "password": PASSWORD}))
        .await;
    problem(r, 403).await;
    let r = app
        .token_form(&[
            ("grant_type", "password"),
            ("username", "bob"),
            ("password", PASSWORD),
        ])
        .await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant", "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("disabled"),
        "{body}"
    );
    // Refreshing is refused too.
    problem(app.refresh(&bob.refresh_token).await, 401).await;
    let r = app
        .token_form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &bob.refresh_token),
        ])
        .await;
    assert_eq!(r.status(), 400);
    // Disabling twice is harmless; enabling lets bob sign in again, but old tokens stay dead.
    assert_eq!(
        app.admin_disable(&root.access_token, bob.id).await.status(),
        200
    );
    let r = sibling.admin_enable(&root.access_token, bob.id).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["disabled"], false);
    let pair = app.login_pair("bob", PASSWORD).await;
    assert_eq!(sibling.me(access_of(&pair)).await.status(), 200);
    problem(app.me(&bob.access_token).await, 401).await;
    problem(app.refresh(&bob.refresh_token).await, 401).await;
    // The refused sign-in after the right password was recorded as such.
    let failed = of_kind(&app, &root.access_token, bob.id, "sign_in_failed").await;
    let reasons: Vec<&str> = failed
        .iter()
        .map(|e| e["detail"]["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons.contains(&"disabled") && reasons.contains(&"wrong_password"),
        "{reasons:?}"
    );
}

async fn sign_out_everywhere_and_reset_link_act_on_the_user(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let bob = app.user("bob").await;
    let other = app.login_pair("bob", PASSWORD).await;
    let r = app.admin_logout_all(&root.access_token, bob.id).await;
    assert_eq!(r.status(), 204);
    for token in [bob.access_token.as_str(), access_of(&other)] {
        problem(app.me(token).await, 401).await;
    }
    problem(app.refresh(refresh_of(&other)).await, 401).await;
    // The admin's own session is untouched, and bob can sign in again.
    assert_eq!(app.me(&root.access_token).await.status(), 200);
    let pair = app.login_pair("bob", PASSWORD).await;
    // A reset link: 202 with nothing in the body for the admin, the link in bob's mail.
    let r = app.admin_password_reset(&root.access_token, bob.id).await;
    assert_eq!(r.status(), 202);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body, json!({}));
    let token = crate::helpers::outbox_token(&app, "/reset-password").await;
    let body = json!({"token": token, "new_password": "chosen by bob himself"});
    let r = send(
        app.anon
            .request(Method::POST, "/api/auth/password/reset")
            .json(&body),
    )
    .await;
    assert_eq!(r.status(), 204);
    app.login_pair("bob", "chosen by bob himself").await;
    problem(app.me(access_of(&pair)).await, 401).await;
}

async fn roles_change_what_a_user_may_do(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    problem(app.admin_users(&alice.access_token, "").await, 403).await;
    let r = app
        .admin_set_role(&root.access_token, alice.id, json!({"role": "admin"}))
        .await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        (body["id"].as_i64(), body["role"].as_str()),
        (Some(alice.id), Some("admin"))
    );
    // Her live token now carries the role: it is read from the account on every request.
    assert_eq!(app.admin_users(&alice.access_token, "").await.status(), 200);
    let r = app
        .admin_set_role(&alice.access_token, root.id, json!({"role": "user"}))
        .await;
    assert_eq!(r.status(), 200);
    problem(app.admin_users(&root.access_token, "").await, 403).await;
}

async fn the_last_active_admin_cannot_be_demoted_disabled_or_deleted(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let t = &root.access_token;
    let refusals = [
        app.admin_set_role(t, root.id, json!({"role": "user"}))
            .await,
        app.admin_disable(t, root.id).await,
        app.admin_delete_user(t, root.id).await,
    ];
    for r in refusals {
        let p = problem(r, 409).await;
        assert!(
            p["detail"]
                .as_str()
                .unwrap()
                .contains("last active administrator"),
            "{p}"
        );
    }
    // Making the last admin an admin again is no demotion.
    assert_eq!(
        app.admin_set_role(t, root.id, json!({"role": "admin"}))
            .await
            .status(),
        200
    );
    let me: Value = app.admin_user(t, root.id).await.json().await.unwrap();
    assert_eq!(
        (
            me["user"]["role"].as_str(),
            me["user"]["disabled"].as_bool()
        ),
        (Some("admin"), Some(false))
    );
    // A disabled admin does not count.
    let other = app.admin("other").await;
    assert_eq!(app.admin_disable(t, other.id).await.status(), 200);
    problem(
        app.admin_set_role(t, root.id, json!({"role": "user"}))
            .await,
        409,
    )
    .await;
    // With two active admins, each action is allowed, until one is left.
    assert_eq!(app.admin_enable(t, other.id).await.status(), 200);
    let r = app
        .admin_set_role(t, other.id, json!({"role": "user"}))
        .await;
    assert_eq!(r.status(), 200);
    problem(app.admin_delete_user(t, root.id).await, 409).await;
    assert_eq!(
        app.admin_set_role(t, other.id, json!({"role": "admin"}))
            .await
            .status(),
        200
    );
    assert_eq!(app.admin_disable(t, other.id).await.status(), 200);
    assert_eq!(app.admin_enable(t, other.id).await.status(), 200);
    let pair = app.login_pair("other", PASSWORD).await;
    // An admin may remove themselves while another remains.
    assert_eq!(
        app.admin_delete_user(access_of(&pair), other.id)
            .await
            .status(),
        204
    );
    problem(app.admin_disable(t, root.id).await, 409).await;
}

async fn two_admins_removing_each_other_at_once_leave_one(b: Backend) {
    let app = TestApp::spawn(b).await;
    let sibling = app.spawn_sibling().await;
    let one = app.admin("one").await;
    let two = app.admin("two").await;
    for round in 0..12 {
        let t1 = access_of(&app.login_pair("one", PASSWORD).await).to_string();
        let t2 = access_of(&app.login_pair("two", PASSWORD).await).to_string();
        // Each removes the other (or themselves), at the same time, on two instances.
        let demote = json!({"role": "user"});
        let (r1, r2) = match round % 3 {
            0 => tokio::join!(
                app.admin_set_role(&t1, two.id, demote.clone()),
                sibling.admin_set_role(&t2, one.id, demote.clone())
            ),
            1 => tokio::join!(
                app.admin_disable(&t1, two.id),
                sibling.admin_disable(&t2, one.id)
            ),
            _ => tokio::join!(
                app.admin_set_role(&t1, one.id, demote.clone()),
                sibling.admin_set_role(&t2, two.id, demote.clone())
            ),
        };
        let statuses = [r1.status().as_u16(), r2.status().as_u16()];
        assert!(statuses.contains(&200), "round {round}: {statuses:?}");
        assert!(
            statuses != [200, 200],
            "round {round}: both won, Sigil has no active admin left"
        );
        // Both back as active admins for the next round.
        app.sql("UPDATE users SET role = 'admin', disabled = false");
    }
}

async fn deleting_a_user_removes_their_posts_and_keeps_their_events(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let bob: TestUser = app.user("bob").await;
    let public = app.post_as(&bob, "Bob's public post", "public").await;
    let private = app.post_as(&bob, "Bob's private post", "private").await;
    let before = events(&app, &root.access_token, &format!("user={}", bob.id)).await;
    assert!(!before.is_empty());
    assert_eq!(
        app.admin_delete_user(&root.access_token, bob.id)
            .await
            .status(),
        204
    );
    problem(app.admin_user(&root.access_token, bob.id).await, 404).await;
    problem(app.me(&bob.access_token).await, 401).await;
    for post in [&public, &private] {
        let id = post["id"].as_i64().unwrap();
        problem(app.get_post(Some(&root.access_token), id).await, 404).await;
    }
    let list: Value = app
        .list_posts(None, "?author=bob")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));
    problem(
        app.login(json!({"username": "bob", "password": PASSWORD}))
            .await,
        401,
    )
    .await;
    // The events stay, with the deletion on top.
    let after = events(&app, &root.access_token, &format!("user={}", bob.id)).await;
    assert_eq!(after.len(), before.len() + 1, "{after:#?}");
    assert_eq!(after[0]["kind"], "user_deleted");
    assert_eq!(&after[1..], &before[..]);
    problem(app.admin_delete_user(&root.access_token, bob.id).await, 404).await;
    // The name is free again, and the new bob is someone else.
    let new_bob = app.user("bob").await;
    assert_ne!(new_bob.id, bob.id);
}

async fn the_event_list_filters_pages_and_refuses_bad_parameters(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let t = &root.access_token;
    let alice = app.user("alice").await;
    for _ in 0..3 {
        app.login_pair("alice", PASSWORD).await;
        let r = app
            .login(json!({"username": "alice", "password": "nope nope"}))
            .await;
        assert_eq!(r.status(), 401);
    }
    let r = app.admin_events(t, "").await;
    assert_eq!(r.headers()["cache-control"], "no-store");
    let all = events(&app, t, "").await;
    // root: 2 sign-ins; alice: 4 sign-ins and 3 failures.
    assert_eq!(all.len(), 9, "{all:#?}");
    let ids: Vec<i64> = all.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    // Paging two at a time gives the same list.
    let mut paged = Vec::new();
    let mut query = "?limit=2".to_string();
    loop {
        let page: Value = app.admin_events(t, &query).await.json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        paged.extend(items.iter().map(|e| e["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(c) => query = format!("?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(paged, ids);
    // Filters, alone and together.
    assert_eq!(
        events(&app, t, &format!("user={}", alice.id)).await.len(),
        7
    );
    assert_eq!(events(&app, t, "kind=sign_in").await.len(), 6);
    let failed = events(&app, t, &format!("user={}&kind=sign_in_failed", alice.id)).await;
    assert_eq!(failed.len(), 3);
    assert!(failed
        .iter()
        .all(|e| e["user_id"].as_i64() == Some(alice.id)));
    assert!(
        events(&app, t, &format!("user={}&kind=sign_in_failed", root.id))
            .await
            .is_empty()
    );
    assert!(events(&app, t, "user=999999").await.is_empty());
    // Bad parameters are a 422 naming the field.
    for (q, field) in [
        ("?kind=sign_in_or_so", "kind"),
        ("?kind=sign_in%27%20OR%201%3D1", "kind"),
        ("?user=alice", "user"),
        ("?user=1.5", "user"),
        ("?user=99999999999", "user"),
        ("?cursor=not-a-cursor", "cursor"),
        ("?limit=0", "limit"),
        ("?limit=101", "limit"),
        ("?limit=-1", "limit"),
    ] {
        let body = problem(app.admin_events(t, q).await, 422).await;
        assert!(body["errors"][field].is_array(), "{q}: {body}");
    }
    let body = problem(app.admin_events(t, "?kind=bogus").await, 422).await;
    let message = body["errors"]["kind"][0].as_str().unwrap();
    assert!(
        message.contains("user_disabled"),
        "the message lists the kinds: {message}"
    );
}

/// Runs `sigil ARGS` against the test's database; (success, stdout, stderr).
fn sigil(app: &TestApp, args: &[&str], stdin: &str) -> (bool, String, String) {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigil"))
        .args(args)
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &app.database_url)
        .env("SECRET_KEY", crate::helpers::SECRET_KEY)
        .env("BCRYPT_COST", "4")
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sigil");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn the_command_line_makes_admins_and_keeps_the_last_one(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let args = [
        "create-user",
        "--admin",
        "--email",
        "root@example.com",
        "--username",
        "root",
    ];
    let (ok, out, err) = sigil(&app, &args, &format!("{PASSWORD}\n"));
    assert!(ok, "{err}");
    let created: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        (created["username"].as_str(), created["role"].as_str()),
        (Some("root"), Some("admin"))
    );
    // The new admin signs in over HTTP and is an admin there.
    let root = app.login_pair("root", PASSWORD).await;
    let t = access_of(&root).to_string();
    assert_eq!(app.admin_users(&t, "").await.status(), 200);
    // Without --admin, a plain user.
    let args = [
        "create-user",
        "--email",
        "u@example.com",
        "--username",
        "plain",
    ];
    let (ok, out, err) = sigil(&app, &args, &format!("{PASSWORD}\n"));
    assert!(ok, "{err}");
    assert_eq!(
        serde_json::from_str::<Value>(out.trim()).unwrap()["role"],
        "user"
    );
    // The last admin cannot be demoted: a non-zero exit that says why.
    let (ok, _, err) = sigil(&app, &["set-role", "root", "user"], "");
    assert!(!ok);
    assert!(err.contains("last active administrator"), "{err}");
    assert_eq!(app.admin_users(&t, "").await.status(), 200);
    // Unknown users and roles are refused.
    let (ok, _, err) = sigil(&app, &["set-role", "nobody", "admin"], "");
    assert!(!ok && err.contains("nobody"), "{err}");
    let (ok, _, _) = sigil(&app, &["set-role", "alice", "root"], "");
    assert!(!ok);
    problem(app.admin_users(&alice.access_token, "").await, 403).await;
    // With a second admin, the first can be demoted.
    let (ok, out, err) = sigil(&app, &["set-role", "alice", "admin"], "");
    assert!(ok, "{err}");
    assert!(out.contains("admin"), "{out}");
    assert_eq!(app.admin_users(&alice.access_token, "").await.status(), 200);
    let (ok, _, err) = sigil(&app, &["set-role", "root", "user"], "");
    assert!(ok, "{err}");
    problem(app.admin_users(&t, "").await, 403).await;
    // Each change is an event, recorded as coming from the command line.
    let changes = events(&app, &alice.access_token, "kind=role_changed").await;
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert_eq!(changes[0]["user_id"].as_i64(), created["id"].as_i64());
    assert_eq!(changes[0]["detail"]["via"], "cli");
    assert_eq!(
        (
            changes[0]["detail"]["from"].as_str(),
            changes[0]["detail"]["to"].as_str()
        ),
        (Some("admin"), Some("user"))
    );
    assert!(changes[0]["actor_id"].is_null());
}
