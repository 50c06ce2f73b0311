//! OAuth client registration (API.md part three §1, "Clients"), tried as an attacker and a
//! careless administrator would: every field rule's 422 (each redirect-URI trick included),
//! taken ids, who may reach the routes (admins, first-party, recent sign-in), partial changes
//! and the fixed fields, deletion ending what the client was granted, rotation, the secret
//! shown once, the command line with its exit codes, and the pages.

use std::io::Write as _;
use std::process::{Command, Stdio};

use reqwest::{Method, Response};
use serde_json::{json, Value};
use sigil::auth::checksummed::CLIENT_SECRET;

use crate::backend_tests;
use crate::helpers::{
    assert_challenge, csrf_of, events, header, header_and_claims, problem, problem_about, send,
    token_issued_ago, Backend, Requests as _, TestApp, TestUser, PASSWORD,
};

backend_tests!(
    registering_shows_the_secret_once_and_applies_the_defaults,
    every_field_rule_is_a_422_naming_the_field,
    only_recent_first_party_administrators_reach_the_routes,
    the_list_is_paged_by_cursor,
    a_change_is_partial_and_the_fixed_fields_are_refused,
    deleting_ends_the_clients_codes_consents_and_sessions,
    rotating_gives_a_new_secret_and_refuses_public_clients,
    the_command_line_creates_lists_rotates_and_deletes,
    the_pages_list_register_edit_rotate_and_delete,
);

const CLIENTS: &str = "/api/admin/clients";

async fn create(app: &TestApp, admin: &TestUser, body: Value) -> Response {
    app.json(Method::POST, CLIENTS, Some(&admin.access_token), body)
        .await
}

async fn created(app: &TestApp, admin: &TestUser, body: Value) -> Value {
    let r = create(app, admin, body.clone()).await;
    assert_eq!(r.status(), 201, "{body}");
    r.json().await.unwrap()
}

async fn get(app: &TestApp, token: &str, path: &str) -> Response {
    send(app.bearer.get(path, token)).await
}

fn client_path(id: &str) -> String {
    format!("{CLIENTS}/{id}")
}

/// A registration with one good redirect URI, and `extra` fields over it.
fn body(extra: Value) -> Value {
    let mut b =
        json!({"client_name": "Reports", "redirect_uris": ["https://reports.example.com/cb"]});
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

fn assert_secret(secret: &Value) -> String {
    let s = secret.as_str().expect("a client_secret").to_string();
    assert!(s.starts_with("sigil_cs_"), "{s}");
    assert_eq!(CLIENT_SECRET.check(&s), Ok(()), "{s}");
    s
}

async fn registering_shows_the_secret_once_and_applies_the_defaults(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;

    let r = create(&app, &root, body(json!({}))).await;
    assert_eq!(r.status(), 201);
    let location = header(&r, "location");
    let c: Value = r.json().await.unwrap();
    let id = c["client_id"].as_str().unwrap().to_string();
    assert_eq!(location, client_path(&id));
    assert_eq!(id.len(), 22, "{id}");
    assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
    let secret = assert_secret(&c["client_secret"]);
    assert_eq!(c["type"], "confidential");
    assert_eq!(
        c["grant_types"],
        json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(
        c["scope"],
        "openid profile email offline_access profile:read posts:read posts:write"
    );
    assert_eq!(c["first_party"], false);
    assert_eq!(c["post_logout_redirect_uris"], json!([]));
    assert!(c["backchannel_logout_uri"].is_null());
    assert!(c["created_at"].is_string() && c["secret_rotated_at"].is_null());

    // Shown once: neither the client's page nor the list carries it again.
    let r = get(&app, &root.access_token, &location).await;
    assert_eq!(r.status(), 200);
    let shown: Value = r.json().await.unwrap();
    assert!(shown.get("client_secret").is_none(), "{shown}");
    assert_eq!(
        (shown["live_sessions"].as_i64(), shown["users"].as_i64()),
        (Some(0), Some(0))
    );
    let list = get(&app, &root.access_token, CLIENTS)
        .await
        .text()
        .await
        .unwrap();
    assert!(!list.contains(&secret) && !list.contains("client_secret"));

    // A given id; taken → 409.
    let given = created(&app, &root, body(json!({"client_id": "reports.v2_x-1"}))).await;
    assert_eq!(given["client_id"], "reports.v2_x-1");
    let r = create(&app, &root, body(json!({"client_id": "reports.v2_x-1"}))).await;
    problem(r, 409).await;

    // A public client has no secret and may use a private-use scheme; a device-only client
    // needs no redirect URI.
    let public = created(
        &app,
        &root,
        json!({"client_name": "Phone app", "type": "public",
               "redirect_uris": ["com.example.app:/callback", "http://127.0.0.1:8123/cb"],
               "post_logout_redirect_uris": ["http://[::1]/bye"],
               "backchannel_logout_uri": "http://localhost:9000/logout",
               "scope": "openid offline_access", "first_party": true}),
    )
    .await;
    assert!(public.get("client_secret").is_none(), "{public}");
    assert_eq!(public["type"], "public");
    assert_eq!(public["scope"], "openid offline_access");
    assert_eq!(public["first_party"], true);
    let device = created(
        &app,
        &root,
        json!({"client_name": "TV", "type": "public",
               "grant_types": ["urn:ietf:params:oauth:grant-type:device_code"]}),
    )
    .await;
    assert_eq!(device["redirect_uris"], json!([]));

    // Audited, with the administrator as actor, and no secret anywhere in the trail.
    let made = events(&app, &root.access_token, "kind=client_created").await;
    assert_eq!(made.len(), 4);
    let e = made
        .iter()
        .find(|e| e["detail"]["client_id"] == id.as_str())
        .unwrap();
    assert_eq!(e["actor_id"].as_i64(), Some(root.id), "{e}");
    assert_eq!(e["detail"]["type"], "confidential");
    let all = serde_json::to_string(&events(&app, &root.access_token, "").await).unwrap();
    assert!(!all.contains(&secret));
}

async fn every_field_rule_is_a_422_naming_the_field(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let uris: Vec<String> = (0..21).map(|i| format!("https://a.example/{i}")).collect();
    let long = format!("https://a.example/{}", "a".repeat(2000));
    let cases = [
        (json!({"client_id": "ab"}), "client_id"),
        (json!({"client_id": "has space"}), "client_id"),
        (json!({"client_id": "a".repeat(65)}), "client_id"),
        (json!({"client_id": 7}), "client_id"),
        (json!({"client_name": ""}), "client_name"),
        (json!({"client_name": "two\nlines"}), "client_name"),
        (json!({"client_name": "x".repeat(101)}), "client_name"),
        (json!({"client_name": null}), "client_name"),
        (json!({"type": "secret"}), "type"),
        (
            json!({"redirect_uris": ["https://a.example/cb#fragment"]}),
            "redirect_uris",
        ),
        (
            json!({"redirect_uris": ["https://user:pw@a.example/cb"]}),
            "redirect_uris",
        ),
        (
            json!({"redirect_uris": ["https://user@a.example/cb"]}),
            "redirect_uris",
        ),
        (
            json!({"redirect_uris": ["https://*.example.com/cb"]}),
            "redirect_uris",
        ),
        (
            json!({"redirect_uris": ["http://a.example/cb"]}),
            "redirect_uris",
        ),
        (
            json!({"redirect_uris": ["http://127.0.0.1.nip.io/cb"]}),
            "redirect_uris",
        ),
        (
            json!({"redirect_uris": ["com.example.app:/cb"]}),
            "redirect_uris",
        ),
        (json!({"redirect_uris": ["/relative/cb"]}), "redirect_uris"),
        (
            json!({"redirect_uris": ["javascript:alert(1)"]}),
            "redirect_uris",
        ),
        (json!({"redirect_uris": [long]}), "redirect_uris"),
        (json!({"redirect_uris": uris}), "redirect_uris"),
        (
            json!({"redirect_uris": "https://a.example/cb"}),
            "redirect_uris",
        ),
        (json!({"redirect_uris": []}), "redirect_uris"),
        (
            json!({"post_logout_redirect_uris": ["https://a.example/bye#x"]}),
            "post_logout_redirect_uris",
        ),
        (
            json!({"post_logout_redirect_uris": ["http://a.example/bye"]}),
            "post_logout_redirect_uris",
        ),
        (
            json!({"backchannel_logout_uri": "http://rp.example/logout"}),
            "backchannel_logout_uri",
        ),
        (
            json!({"backchannel_logout_uri": "https://rp.example/logout#x"}),
            "backchannel_logout_uri",
        ),
        (json!({"grant_types": ["password"]}), "grant_types"),
        (json!({"grant_types": []}), "grant_types"),
        (json!({"scope": "openid admin:everything"}), "scope"),
        (json!({"scope": ""}), "scope"),
        (json!({"first_party": "yes"}), "first_party"),
    ];
    for (extra, field) in cases {
        let r = create(&app, &root, body(extra.clone())).await;
        let p = problem_about(r, 422, &extra.to_string()).await;
        assert!(p["errors"][field].is_array(), "{extra}: {p}");
    }
    // Several bad fields are all named in one answer.
    let r = create(
        &app,
        &root,
        json!({"client_name": "", "type": "x", "scope": 5}),
    )
    .await;
    let p = problem(r, 422).await;
    for field in ["client_name", "type", "scope"] {
        assert!(p["errors"][field].is_array(), "{p}");
    }
    // A body that is no JSON object is refused too, never a 500.
    let r = send(
        app.bearer
            .post(CLIENTS, &root.access_token)
            .header("content-type", "application/json")
            .body("[1, 2]"),
    )
    .await;
    problem(r, 422).await;
    let r = send(
        app.bearer
            .post(CLIENTS, &root.access_token)
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    problem(r, 400).await;
    // Nothing was registered.
    let list: Value = get(&app, &root.access_token, CLIENTS)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));
}

async fn only_recent_first_party_administrators_reach_the_routes(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let c = created(&app, &root, body(json!({"client_id": "reports"}))).await;
    assert_eq!(c["client_id"], "reports");
    let routes: [(Method, &str); 6] = [
        (Method::GET, CLIENTS),
        (Method::POST, CLIENTS),
        (Method::GET, "/api/admin/clients/reports"),
        (Method::PATCH, "/api/admin/clients/reports"),
        (Method::POST, "/api/admin/clients/reports/secret"),
        (Method::DELETE, "/api/admin/clients/reports"),
    ];
    let pat: Value = app
        .json(
            Method::POST,
            "/api/users/me/tokens",
            Some(&root.access_token),
            json!({"name": "ci", "scopes": ["admin:read", "admin:write"], "expires_in_days": 7}),
        )
        .await
        .json()
        .await
        .unwrap();
    let pat = pat["token"].as_str().unwrap().to_string();
    let sid = header_and_claims(&root.access_token).1["sid"]
        .as_str()
        .unwrap()
        .to_string();
    let old = token_issued_ago(root.id as i32, "root", &sid, 660);
    for (method, path) in routes {
        let what = format!("{method} {path}");
        let r = send(app.anon.request(method.clone(), path).json(&json!({}))).await;
        assert_eq!(r.status(), 401, "anonymous {what}");
        let r = app
            .json(
                method.clone(),
                path,
                Some(&alice.access_token),
                body(json!({})),
            )
            .await;
        problem_about(r, 403, &what).await;
        let r = app
            .json(method.clone(), path, Some(&pat), body(json!({})))
            .await;
        let p = problem_about(r, 403, &what).await;
        assert!(
            p["type"]
                .as_str()
                .unwrap()
                .ends_with("/problems/session-required"),
            "{what}: {p}"
        );
        let r = app
            .json(method.clone(), path, Some(&old), body(json!({})))
            .await;
        assert_challenge(r, 600, &what).await;
    }
    // Still there, unchanged.
    let r = get(&app, &root.access_token, "/api/admin/clients/reports").await;
    let shown: Value = r.json().await.unwrap();
    assert_eq!(shown["client_name"], "Reports");
    assert!(shown["secret_rotated_at"].is_null());
    let r = get(&app, &root.access_token, "/api/admin/clients/nobody").await;
    problem(r, 404).await;
}

async fn the_list_is_paged_by_cursor(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    for id in ["c-app", "a-app", "b-app"] {
        created(&app, &root, body(json!({"client_id": id}))).await;
    }
    let page: Value = get(&app, &root.access_token, "/api/admin/clients?limit=2")
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["client_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a-app", "b-app"]);
    assert!(page["items"][0].get("client_secret").is_none());
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest: Value = get(
        &app,
        &root.access_token,
        &format!("/api/admin/clients?limit=2&cursor={cursor}"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(rest["items"][0]["client_id"], "c-app");
    assert!(rest["next_cursor"].is_null());
    for bad in ["cursor=forged", "limit=0", "limit=101", "limit=x"] {
        let r = get(
            &app,
            &root.access_token,
            &format!("/api/admin/clients?{bad}"),
        )
        .await;
        problem_about(r, 422, bad).await;
    }
}

async fn a_change_is_partial_and_the_fixed_fields_are_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    created(
        &app,
        &root,
        body(json!({"client_id": "reports", "backchannel_logout_uri": "https://reports.example.com/logout"})),
    )
    .await;
    let path = client_path("reports");
    let patch = |v: Value| app.json(Method::PATCH, &path, Some(&root.access_token), v);

    let r = patch(json!({"client_name": "Nightly reports", "first_party": true})).await;
    assert_eq!(r.status(), 200);
    let c: Value = r.json().await.unwrap();
    assert_eq!(c["client_name"], "Nightly reports");
    assert_eq!(c["first_party"], true);
    assert_eq!(
        c["redirect_uris"],
        json!(["https://reports.example.com/cb"])
    );
    assert_eq!(
        c["backchannel_logout_uri"],
        "https://reports.example.com/logout"
    );
    assert!(c.get("client_secret").is_none());

    let r = patch(json!({"backchannel_logout_uri": null, "scope": "openid email"})).await;
    let c: Value = r.json().await.unwrap();
    assert!(c["backchannel_logout_uri"].is_null());
    assert_eq!(c["scope"], "openid email");
    assert_eq!(c["client_name"], "Nightly reports");

    for (change, field) in [
        (json!({"client_id": "other"}), "client_id"),
        (json!({"type": "public"}), "type"),
        (json!({"client_name": null}), "client_name"),
        (json!({"redirect_uris": []}), "redirect_uris"),
        (
            json!({"redirect_uris": ["com.example.app:/cb"]}),
            "redirect_uris",
        ),
        (
            json!({"redirect_uris": ["https://a.example/#x"]}),
            "redirect_uris",
        ),
        (json!({"grant_types": ["implicit"]}), "grant_types"),
        (json!({"scope": "root"}), "scope"),
    ] {
        let r = patch(change.clone()).await;
        let p = problem_about(r, 422, &change.to_string()).await;
        assert!(p["errors"][field].is_array(), "{change}: {p}");
    }
    // Nothing of the refused changes stuck.
    let c: Value = get(&app, &root.access_token, &path)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (c["client_id"].as_str(), c["type"].as_str()),
        (Some("reports"), Some("confidential"))
    );
    assert_eq!(c["scope"], "openid email");
    // Device only: the redirect URIs may then go.
    let r = patch(json!({"grant_types": ["urn:ietf:params:oauth:grant-type:device_code"], "redirect_uris": []})).await;
    assert_eq!(r.status(), 200);

    let r = app
        .json(
            Method::PATCH,
            &client_path("nobody"),
            Some(&root.access_token),
            json!({"client_name": "x"}),
        )
        .await;
    problem(r, 404).await;

    // A change that changes nothing is answered, and writes no event.
    let r = patch(json!({"client_name": "Nightly reports"})).await;
    assert_eq!(r.status(), 200);
    let changed = events(&app, &root.access_token, "kind=client_updated").await;
    assert_eq!(changed.len(), 3, "{changed:#?}");
    let first = changed.last().unwrap();
    assert_eq!(first["detail"]["client_id"], "reports");
    assert_eq!(
        first["detail"]["fields"],
        json!(["client_name", "first_party"])
    );
    assert_eq!(first["actor_id"].as_i64(), Some(root.id));
}

/// A time as SQL on both backends takes it.
fn sql_time(t: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    t.format(&format).unwrap()
}

async fn deleting_ends_the_clients_codes_consents_and_sessions(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    created(&app, &root, body(json!({"client_id": "reports"}))).await;
    created(&app, &root, body(json!({"client_id": "other"}))).await;

    // Alice's login session becomes a client session of `reports` (as the token endpoint
    // will make them); Bob has consented; a code and a request are pending.
    let sid = header_and_claims(&alice.access_token).1["sid"]
        .as_str()
        .unwrap()
        .to_string();
    let now = time::OffsetDateTime::now_utc();
    let (t, later) = (sql_time(now), sql_time(now + time::Duration::minutes(5)));
    app.sql(&format!(
        "UPDATE sessions SET client_id = 'reports', scope = 'openid' WHERE id = '{sid}';
         INSERT INTO oauth_consents (user_id, client_id, scope, consented_at)
             VALUES ({bob}, 'reports', 'openid', '{t}');
         INSERT INTO oauth_consents (user_id, client_id, scope, consented_at)
             VALUES ({bob}, 'other', 'openid', '{t}');
         INSERT INTO oauth_codes (code_hash, client_id, user_id, redirect_uri, code_challenge,
             scope, browser_sid, auth_time, amr, created_at, expires_at)
             VALUES ('h1', 'reports', {bob}, 'https://reports.example.com/cb', 'c', 'openid',
                     's', '{t}', 'pwd', '{t}', '{later}');
         INSERT INTO oauth_requests (id, client_id, params, created_at, expires_at)
             VALUES ('r1', 'reports', '{{}}', '{t}', '{later}');",
        bob = bob.id
    ));
    let shown: Value = get(&app, &root.access_token, &client_path("reports"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["live_sessions"], 1, "{shown}");
    assert_eq!(shown["users"], 2, "{shown}");
    assert_eq!(app.me(&alice.access_token).await.status(), 200);

    let r = app
        .json(
            Method::DELETE,
            &client_path("reports"),
            Some(&root.access_token),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), 204);
    // The client session is revoked: its token dies on its next request.
    let r = app.me(&alice.access_token).await;
    assert_eq!(r.status(), 401);
    // Bob's own login and the other client are untouched.
    assert_eq!(app.me(&bob.access_token).await.status(), 200);
    let other: Value = get(&app, &root.access_token, &client_path("other"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(other["users"], 1, "{other}");
    // Gone: 404 for it now, and for a second delete. A new client of the same id starts
    // with nothing (no consent, code or request survived).
    problem(
        get(&app, &root.access_token, &client_path("reports")).await,
        404,
    )
    .await;
    let r = app
        .json(
            Method::DELETE,
            &client_path("reports"),
            Some(&root.access_token),
            json!({}),
        )
        .await;
    problem(r, 404).await;
    created(&app, &root, body(json!({"client_id": "reports"}))).await;
    let again: Value = get(&app, &root.access_token, &client_path("reports"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (again["live_sessions"].as_i64(), again["users"].as_i64()),
        (Some(0), Some(0))
    );

    let deleted = events(&app, &root.access_token, "kind=client_deleted").await;
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0]["detail"]["client_id"], "reports");
    assert_eq!(deleted[0]["detail"]["sessions_revoked"], 1);
}

async fn rotating_gives_a_new_secret_and_refuses_public_clients(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let c = created(&app, &root, body(json!({"client_id": "reports"}))).await;
    let first = assert_secret(&c["client_secret"]);
    let path = "/api/admin/clients/reports/secret";

    // No body at all: no grace.
    let r = send(app.bearer.post(path, &root.access_token)).await;
    assert_eq!(r.status(), 200);
    let second = assert_secret(&r.json::<Value>().await.unwrap()["client_secret"]);
    assert_ne!(first, second);

    let r = app
        .json(
            Method::POST,
            path,
            Some(&root.access_token),
            json!({"grace_hours": 24}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let third = assert_secret(&r.json::<Value>().await.unwrap()["client_secret"]);
    assert_ne!(second, third);
    let shown: Value = get(&app, &root.access_token, &client_path("reports"))
        .await
        .json()
        .await
        .unwrap();
    assert!(shown["secret_rotated_at"].is_string());
    assert!(shown.get("client_secret").is_none());

    for bad in [
        json!({"grace_hours": 169}),
        json!({"grace_hours": -1}),
        json!({"grace_hours": "24"}),
        json!({"grace_hours": 1.5}),
    ] {
        let r = app
            .json(Method::POST, path, Some(&root.access_token), bad.clone())
            .await;
        let p = problem_about(r, 422, &bad.to_string()).await;
        assert!(p["errors"]["grace_hours"].is_array(), "{p}");
    }
    let r = app
        .json(
            Method::POST,
            path,
            Some(&root.access_token),
            json!({"grace_hours": 168}),
        )
        .await;
    assert_eq!(r.status(), 200);

    created(&app, &root, json!({"client_id": "phone", "client_name": "Phone", "type": "public", "redirect_uris": ["com.example.app:/cb"]})).await;
    let r = app
        .json(
            Method::POST,
            "/api/admin/clients/phone/secret",
            Some(&root.access_token),
            json!({}),
        )
        .await;
    problem(r, 409).await;
    let r = app
        .json(
            Method::POST,
            "/api/admin/clients/nobody/secret",
            Some(&root.access_token),
            json!({}),
        )
        .await;
    problem(r, 404).await;

    let rotated = events(&app, &root.access_token, "kind=client_secret_rotated").await;
    assert_eq!(rotated.len(), 3);
    assert_eq!(rotated[0]["detail"]["grace_hours"], 168);
    assert_eq!(rotated[2]["detail"]["grace_hours"], 0);
    let all = serde_json::to_string(&events(&app, &root.access_token, "").await).unwrap();
    for secret in [&first, &second, &third] {
        assert!(!all.contains(secret.as_str()));
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `sigil ARGS` with the test server's environment.
async fn sigil(app: &TestApp, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sigil"));
    cmd.args(args)
        .env_clear()
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in &app.env {
        cmd.env(k, v);
    }
    tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().expect("run sigil");
        let _ = child.stdin.take().unwrap().write_all(b"");
        let out = child.wait_with_output().unwrap();
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    })
    .await
    .unwrap()
}

async fn the_command_line_creates_lists_rotates_and_deletes(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;

    let run = sigil(
        &app,
        &[
            "client",
            "create",
            "--name",
            "Reports",
            "--id",
            "reports",
            "--redirect-uri",
            "https://reports.example.com/cb",
            "--redirect-uri",
            "http://localhost:8080/cb",
            "--post-logout-redirect-uri",
            "https://reports.example.com/bye",
            "--scope",
            "openid profile",
            "--json",
        ],
    )
    .await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let c: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(c["client_id"], "reports");
    assert_eq!(
        c["redirect_uris"],
        json!(["https://reports.example.com/cb", "http://localhost:8080/cb"])
    );
    assert_eq!(
        c["post_logout_redirect_uris"],
        json!(["https://reports.example.com/bye"])
    );
    assert_eq!(c["scope"], "openid profile");
    let secret = assert_secret(&c["client_secret"]);

    // Without --json: the id and the secret; a public device-only client needs no URI.
    let run = sigil(
        &app,
        &[
            "client",
            "create",
            "--name",
            "TV",
            "--public",
            "--grant",
            "urn:ietf:params:oauth:grant-type:device_code",
            "--first-party",
        ],
    )
    .await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.starts_with("client_id: "), "{}", run.stdout);
    assert!(!run.stdout.contains("client_secret"), "{}", run.stdout);
    let tv_id = run
        .stdout
        .trim()
        .trim_start_matches("client_id: ")
        .to_string();
    assert_eq!(tv_id.len(), 22);

    // Refusals exit 2 with the field's message.
    for (args, says) in [
        (
            vec!["--name", "X", "--redirect-uri", "https://a.example/cb#f"],
            "fragment",
        ),
        (
            vec!["--name", "X", "--redirect-uri", "com.example.app:/cb"],
            "public clients only",
        ),
        (vec!["--name", "X"], "redirect URI"),
        (
            vec!["--name", "", "--redirect-uri", "https://a.example/cb"],
            "--name",
        ),
        (
            vec![
                "--name",
                "X",
                "--id",
                "reports",
                "--redirect-uri",
                "https://a.example/cb",
            ],
            "already registered",
        ),
        (
            vec![
                "--name",
                "X",
                "--redirect-uri",
                "https://a.example/cb",
                "--scope",
                "nope",
            ],
            "--scope",
        ),
        (
            vec![
                "--name",
                "X",
                "--redirect-uri",
                "https://a.example/cb",
                "--grant",
                "password",
            ],
            "--grant",
        ),
    ] {
        let mut all = vec!["client", "create"];
        all.extend(args.iter());
        let run = sigil(&app, &all).await;
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stdout);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }

    let run = sigil(&app, &["client", "list", "--json"]).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let list: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(!run.stdout.contains(&secret));
    let run = sigil(&app, &["client", "list"]).await;
    assert_eq!(run.code, Some(0));
    assert!(
        run.stdout.contains("reports\tconfidential\tReports"),
        "{}",
        run.stdout
    );

    let run = sigil(
        &app,
        &["client", "rotate-secret", "reports", "--grace-hours", "24"],
    )
    .await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let rotated = run.stdout.trim().to_string();
    assert_secret(&json!(rotated));
    assert_ne!(rotated, secret);
    for (args, says) in [
        (
            vec!["rotate-secret", "reports", "--grace-hours", "169"],
            "--grace-hours",
        ),
        (vec!["rotate-secret", "nobody"], "unknown client"),
        (vec!["rotate-secret", tv_id.as_str()], "public client"),
        (vec!["delete", "nobody"], "unknown client"),
    ] {
        let mut all = vec!["client"];
        all.extend(args.iter());
        let run = sigil(&app, &all).await;
        assert_eq!(run.code, Some(2), "{args:?}");
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }

    let run = sigil(&app, &["client", "delete", "reports"]).await;
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    problem(
        get(&app, &root.access_token, &client_path("reports")).await,
        404,
    )
    .await;

    // Audited as the command line's.
    for kind in ["client_created", "client_secret_rotated", "client_deleted"] {
        let found = events(&app, &root.access_token, &format!("kind={kind}")).await;
        assert!(!found.is_empty(), "{kind}");
        for e in found {
            assert_eq!(e["detail"]["via"], "cli", "{e}");
            assert!(e["actor_id"].is_null(), "{e}");
        }
    }
}

async fn the_pages_list_register_edit_rotate_and_delete(b: Backend) {
    let app = TestApp::spawn(b).await;
    let _root = app.admin("root").await;
    app.user("alice").await;

    // Not for a user without the admin role.
    let alice = app.new_browser();
    alice.login("alice", PASSWORD).await;
    let (status, _) = alice.page("/admin/clients").await;
    assert_eq!(status, 403);

    let browser = &app.cookie;
    browser.login("root", PASSWORD).await;
    let (status, html) = browser.page("/admin").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"href="/admin/clients""#));
    let (status, html) = browser.page("/admin/clients").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Register a client") && html.contains("No client is registered"));

    // A form without its CSRF token is refused.
    let r = browser
        .form(
            "/admin/clients",
            &[
                ("client_name", "Sneaky"),
                ("redirect_uris", "https://a.example/cb"),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);

    // A bad field re-renders the form with its message and what was typed.
    let r = browser
        .fill_in(
            "/admin/clients",
            "/admin/clients",
            &[
                ("client_name", "Reports"),
                ("type", "confidential"),
                ("redirect_uris", "http://reports.example.com/cb"),
                ("grant_authorization_code", "on"),
                ("scope", "openid"),
                ("return_to", "/admin/clients"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("http is only allowed"), "{html}");
    assert!(html.contains("http://reports.example.com/cb"));

    // Registered through the form: the page shows the secret once, read-only.
    let r = browser
        .fill_in(
            "/admin/clients",
            "/admin/clients",
            &[
                ("client_name", "Reports"),
                ("client_id", "reports"),
                ("type", "confidential"),
                (
                    "redirect_uris",
                    "https://reports.example.com/cb\r\nhttp://127.0.0.1:9000/cb\r\n",
                ),
                ("grant_authorization_code", "on"),
                ("grant_refresh_token", "on"),
                ("scope", "openid profile"),
                ("return_to", "/admin/clients"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let marker = r#"id="new-client-secret" class="token-value" type="text" value=""#;
    let start = html.find(marker).expect("the secret, shown once") + marker.len();
    let secret = html[start..].split('"').next().unwrap().to_string();
    assert_secret(&json!(secret));
    assert!(html[start..]
        .split('>')
        .next()
        .unwrap()
        .contains("readonly"));

    // The list and the client's page show it, never the secret again.
    let (status, html) = browser.page("/admin/clients").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"href="/admin/clients/reports""#));
    let (status, html) = browser.page("/admin/clients/reports").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("https://reports.example.com/cb")
            && html.contains("http://127.0.0.1:9000/cb")
    );
    assert!(!html.contains(&secret));
    assert_eq!(browser.page("/admin/clients/nobody").await.0, 404);

    // Edit: a bad change is 422 with its message; a good one goes back to the page.
    let edit = "/admin/clients/reports/edit";
    let page = "/admin/clients/reports";
    let r = browser
        .fill_in(
            page,
            edit,
            &[
                ("client_name", "Nightly"),
                ("redirect_uris", ""),
                ("grant_authorization_code", "on"),
                ("scope", "openid"),
                ("return_to", page),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("at least one redirect URI"));
    let r = browser
        .fill_in(
            page,
            edit,
            &[
                ("client_name", "Nightly"),
                ("redirect_uris", "https://reports.example.com/cb"),
                ("grant_authorization_code", "on"),
                ("scope", "openid email"),
                ("first_party", "on"),
                ("return_to", page),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(header(&r, "location"), page);
    let (_, html) = browser.page(page).await;
    assert!(
        html.contains("Nightly") && html.contains("openid email") && html.contains("first party")
    );

    // Rotate: a new secret, shown once; a bad grace is 422.
    let rotate = "/admin/clients/reports/secret";
    let r = browser
        .fill_in(page, rotate, &[("grace_hours", "500"), ("return_to", page)])
        .await;
    assert_eq!(r.status(), 422);
    let r = browser
        .fill_in(page, rotate, &[("grace_hours", "12"), ("return_to", page)])
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let start = html.find(marker).expect("the new secret") + marker.len();
    let rotated = html[start..].split('"').next().unwrap().to_string();
    assert_secret(&json!(rotated));
    assert_ne!(rotated, secret);

    // Delete.
    let (_, html) = browser.page(page).await;
    let r = browser
        .form(
            "/admin/clients/reports/delete",
            &[("csrf_token", &csrf_of(&html)), ("return_to", page)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(header(&r, "location"), "/admin/clients");
    assert_eq!(browser.page(page).await.0, 404);
}
