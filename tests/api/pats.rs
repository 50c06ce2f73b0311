//! Personal access tokens (API.md part three, section 3), tried as an attacker would: creating
//! one (recent sign-in, shown once, a notice and an event), every bad request, what each scope
//! opens and what no scoped token reaches (*session* routes), `admin:*` while the owner is an
//! admin, everything that ends a token, the checksum checked before any lookup (and answering
//! like an unknown token), the limit of fifty, RFC 7662/7009, failed lookups counted like
//! sign-ins, two instances, and the last use written at most once a minute.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use reqwest::{Method, Response};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::backend_tests;
use crate::helpers::{
    assert_challenge, assert_no_secrets, header, header_and_claims, notices, of_kind, outbox_token,
    problem_about, send, the_event, token_issued_ago, Backend, Requests as _, TestApp, TestUser,
    PASSWORD,
};

backend_tests!(
    creating_a_token_needs_a_recent_sign_in_and_shows_it_once,
    bad_requests_are_422_naming_every_bad_field,
    a_token_opens_what_its_scopes_name_and_only_from_the_header,
    no_scoped_token_reaches_a_session_route,
    admin_scopes_work_only_while_the_owner_is_an_admin,
    the_owner_revokes_expiry_ends_and_password_events_do_not,
    disabling_deleting_and_administrators_end_tokens,
    fifty_live_tokens_at_most,
    introspection_and_revocation_know_personal_access_tokens,
    failed_lookups_count_toward_the_addresss_login_limit,
    uses_are_recorded_once_a_minute_and_every_instance_sees_a_revocation,
);

const TOKENS: &str = "/api/users/me/tokens";
const PREFIX: &str = "sigil_pat_";
const ALL_SCOPES: [&str; 6] = [
    "profile:read",
    "posts:read",
    "posts:write",
    "sessions:read",
    "admin:read",
    "admin:write",
];
const INTROSPECTION_CLIENT: (&str, &str) = ("resource-api", "introspection-secret-0123");

// ---- the token format, computed here from the contract, not from the server's code ----

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// CRC-32/ISO-HDLC (reflected, polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The 6 base62 characters of `random`'s CRC-32, most significant first, padded with `0`.
fn checksum(random: &str) -> String {
    let mut value = u64::from(crc32(random.as_bytes()));
    let mut digits = [b'0'; 6];
    for slot in digits.iter_mut().rev() {
        *slot = BASE62[(value % 62) as usize];
        value /= 62;
    }
    String::from_utf8(digits.to_vec()).unwrap()
}

/// `^sigil_pat_[0-9A-Za-z]{49}$`, what scanners match.
fn looks_like_a_pat(token: &str) -> bool {
    token
        .strip_prefix(PREFIX)
        .is_some_and(|rest| rest.len() == 49 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A well-formed token (right checksum) that was never issued.
fn unknown_pat() -> String {
    let random: String = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )[..43]
        .to_string();
    let token = format!("{PREFIX}{random}{}", checksum(&random));
    assert!(looks_like_a_pat(&token));
    token
}

/// `token` with the character at byte `at` changed to another base62 character.
fn one_changed(token: &str, at: usize) -> String {
    let mut bytes = token.as_bytes().to_vec();
    bytes[at] = if bytes[at] == b'a' { b'b' } else { b'a' };
    String::from_utf8(bytes).unwrap()
}

// ---- requests and checks ----

fn request(name: &str, scopes: &[&str], days: u32) -> Value {
    json!({"name": name, "scopes": scopes, "expires_in_days": days})
}

/// Creates a token as the holder of `token`: checked to be a 201; the body (with `token`).
async fn create(app: &TestApp, token: &str, name: &str, scopes: &[&str], days: u32) -> Value {
    let r = app
        .json(
            Method::POST,
            TOKENS,
            Some(token),
            request(name, scopes, days),
        )
        .await;
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, 201, "create {name}: {text}");
    serde_json::from_str(&text).unwrap()
}

/// The text of a created token.
fn text_of(created: &Value) -> String {
    created["token"].as_str().expect("a token").to_string()
}

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().expect("an id")
}

/// `GET /api/users/me/tokens` as the holder of `token`: checked to hold no token text.
async fn list(app: &TestApp, token: &str) -> Vec<Value> {
    let r = send(app.bearer.get(TOKENS, token)).await;
    assert_eq!(r.status(), 200, "list tokens");
    let items: Vec<Value> = r.json().await.unwrap();
    for item in &items {
        assert!(item.get("token").is_none(), "a list shows no token: {item}");
        assert_eq!(item["hint"].as_str().unwrap().len(), PREFIX.len() + 4);
    }
    items
}

async fn revoke_own(app: &TestApp, token: &str, id: i64) -> Response {
    let path = format!("{TOKENS}/{id}");
    send(app.bearer.request(Method::DELETE, &path, token)).await
}

/// A refusal with a Bearer challenge naming `error` (and `scope`, when given): its problem.
async fn challenged(
    r: Response,
    status: u16,
    error: &str,
    scope: Option<&str>,
    what: &str,
) -> Value {
    let challenge = r
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = problem_about(r, status, what).await;
    assert!(
        challenge.starts_with(r#"Bearer realm="sigil""#)
            && challenge.contains(&format!(r#"error="{error}""#))
            && challenge.contains("error_description=")
            && scope.is_none_or(|s| challenge.contains(&format!(r#"scope="{s}""#))),
        "{what}: {challenge}"
    );
    body
}

/// A `401 invalid_token` (challenge and problem): its description, lower-cased.
async fn refused(r: Response, what: &str) -> String {
    let body = challenged(r, 401, "invalid_token", None, what).await;
    body["detail"].as_str().unwrap().to_lowercase()
}

/// A `403 insufficient_scope` naming `scope`.
async fn insufficient(r: Response, scope: &str, what: &str) {
    let body = challenged(r, 403, "insufficient_scope", Some(scope), what).await;
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .ends_with("/problems/insufficient-scope"),
        "{what}: {body}"
    );
}

/// A `403` whose problem type is `/problems/session-required`.
async fn session_required(r: Response, what: &str) {
    let body = problem_about(r, 403, what).await;
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .ends_with("/problems/session-required"),
        "{what}: {body}"
    );
}

/// An access token of `user`'s session signed in `age` seconds ago.
fn aged(user: &TestUser, age: i64) -> String {
    let sid = header_and_claims(&user.access_token).1["sid"]
        .as_str()
        .unwrap()
        .to_string();
    token_issued_ago(user.id as i32, &user.username, &sid, age)
}

fn at(v: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(v.as_str().expect("a time"), &Rfc3339).expect("RFC 3339")
}

/// A time as SQL on both backends takes it.
fn sql_time(t: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    t.format(&format).unwrap()
}

fn scope_set(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .expect("scopes")
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().expect("an object").keys().cloned().collect()
}

/// Token `id` as the list of the holder of `token` shows it.
async fn shown_in(app: &TestApp, token: &str, id: i64) -> Value {
    list(app, token)
        .await
        .into_iter()
        .find(|t| id_of(t) == id)
        .expect("the token is listed")
}

async fn introspect(app: &TestApp, token: &str) -> Value {
    let r = send(
        app.anon
            .post("/api/auth/introspect")
            .basic_auth(INTROSPECTION_CLIENT.0, Some(INTROSPECTION_CLIENT.1))
            .form(&[("token", token)]),
    )
    .await;
    assert_eq!(r.status(), 200, "introspect");
    assert_eq!(header(&r, "cache-control"), "no-store");
    r.json().await.unwrap()
}

// ---- the tests ----

async fn creating_a_token_needs_a_recent_sign_in_and_shows_it_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;

    // A sign-in older than REAUTH_MINUTES (10) cannot mint a credential.
    let old = aged(&alice, 660);
    let r = app
        .json(
            Method::POST,
            TOKENS,
            Some(&old),
            request("deploy", &["profile:read"], 30),
        )
        .await;
    assert_challenge(r, 600, "create with an old sign-in").await;
    assert!(list(&app, &alice.access_token).await.is_empty());

    // A login's token is recent.
    let body = json!({"name": "deploy script", "scopes": ["posts:read", "profile:read"], "expires_in_days": 30});
    let r = app
        .json(Method::POST, TOKENS, Some(&alice.access_token), body)
        .await;
    assert_eq!(r.status(), 201);
    assert_eq!(
        header(&r, "cache-control"),
        "no-store",
        "a secret is never cached"
    );
    let location = header(&r, "location");
    let created: Value = r.json().await.unwrap();
    assert_eq!(
        keys(&created),
        set(&[
            "id",
            "name",
            "scopes",
            "hint",
            "created_at",
            "expires_at",
            "last_used_at",
            "last_used_ip",
            "expired",
            "token"
        ]),
        "{created}"
    );
    assert!(location.starts_with(TOKENS), "Location {location}");
    let token = text_of(&created);
    assert!(looks_like_a_pat(&token), "{token}");
    let (random, sum) = token[PREFIX.len()..].split_at(43);
    assert_eq!(sum, checksum(random), "CRC-32 of the random part, base62");
    assert_eq!(created["hint"], token[..14]);
    assert_eq!(created["name"], "deploy script");
    assert_eq!(
        scope_set(&created["scopes"]),
        set(&["posts:read", "profile:read"])
    );
    assert_eq!(created["expired"], false);
    assert!(created["last_used_at"].is_null() && created["last_used_ip"].is_null());
    let (made, expires) = (at(&created["created_at"]), at(&created["expires_at"]));
    assert!((OffsetDateTime::now_utc() - made).whole_seconds().abs() < 60);
    let lifetime = (expires - made).whole_seconds();
    assert!(
        (lifetime - 30 * 86_400).abs() <= 5,
        "30 days, got {lifetime} s"
    );
    let r = app.me(&token).await;
    assert_eq!(r.status(), 200, "usable at once");
    let me: Value = r.json().await.unwrap();
    assert_eq!(
        (me["id"].as_i64(), &me["username"]),
        (Some(alice.id), &json!("alice"))
    );

    // A second one; the list is newest first and never holds a token's text.
    let second = create(
        &app,
        &alice.access_token,
        "backup cron",
        &["posts:write"],
        7,
    )
    .await;
    let second_token = text_of(&second);
    assert_ne!(token, second_token);
    let listed = list(&app, &alice.access_token).await;
    assert_eq!(
        listed.iter().map(id_of).collect::<Vec<_>>(),
        [id_of(&second), id_of(&created)]
    );
    // As creation showed it, but for the token and the use made of it just above.
    let mut as_created = created.clone();
    let mut as_listed = listed[1].clone();
    for (v, fields) in [
        (
            &mut as_created,
            &["token", "last_used_at", "last_used_ip"][..],
        ),
        (&mut as_listed, &["last_used_at", "last_used_ip"]),
    ] {
        for f in fields {
            v.as_object_mut().unwrap().remove(*f);
        }
    }
    assert_eq!(as_listed, as_created, "the list shows what creation did");
    assert_eq!(listed[1]["last_used_ip"], "127.0.0.1");
    assert!(listed[0]["last_used_at"].is_null(), "the second is unused");
    let text = serde_json::to_string(&listed).unwrap();
    for t in [&token, &second_token] {
        assert!(!text.contains(&t[14..]), "the list holds a token's text");
    }
    // An administrator sees the tokens, never their text either.
    let r = app.admin_user(&root.access_token, alice.id).await;
    assert_eq!(r.status(), 200);
    let detail: Value = r.json().await.unwrap();
    let shown: Vec<i64> = detail["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(shown, [id_of(&second), id_of(&created)]);
    let text = detail.to_string();
    for t in [&token, &second_token] {
        assert!(
            !text.contains(&t[14..]),
            "the admin view holds a token's text"
        );
    }

    // A notice for each, to the owner: name, scopes, expiry, address; never the token.
    let mails = notices(&app, "pat_created", 2).await;
    assert_eq!(mails.len(), 2);
    let mail = mails
        .iter()
        .find(|m| m.contains("deploy script"))
        .expect("a notice naming the token");
    // The expiry as the notice writes it (CLDR, the recipient's language: English here).
    let expires = time::OffsetDateTime::parse(
        created["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let expires = sigil::i18n::date(time::PrimitiveDateTime::new(expires.date(), expires.time()));
    for part in [
        "alice@example.com",
        "posts:read",
        "profile:read",
        "127.0.0.1",
        &expires,
    ] {
        assert!(mail.contains(part), "the notice lacks {part}: {mail}");
    }
    for m in &mails {
        for t in [&token, &second_token] {
            assert!(!m.contains(&t[14..]), "a notice holds the token");
        }
    }

    // An event for each, holding no token.
    let events = of_kind(&app, &root.access_token, alice.id, "pat_created").await;
    assert_eq!(events.len(), 2, "{events:#?}");
    for e in &events {
        assert_eq!(e["ip"], "127.0.0.1", "{e}");
        assert_eq!(e["actor_id"].as_i64(), Some(alice.id), "{e}");
    }
    assert!(events
        .iter()
        .any(|e| e["detail"]["name"] == "deploy script"));
    assert_no_secrets(&app, &root.access_token, &[&token, &second_token]).await;
}

async fn bad_requests_are_422_naming_every_bad_field(b: Backend) {
    let app = TestApp::spawn(b).await;
    let bob = app.user("bob").await;
    let create_with = |body: Value| app.json(Method::POST, TOKENS, Some(&bob.access_token), body);
    let long = "x".repeat(101);
    let all_fields = set(&["name", "scopes", "expires_in_days"]);

    // Every field wrong at once: each is named.
    for body in [
        json!({"name": "", "scopes": [], "expires_in_days": 0}),
        json!({"name": long, "scopes": ["posts:delete"], "expires_in_days": 366}),
        json!({"name": "line one\nline two", "scopes": ["openid"], "expires_in_days": "30"}),
        json!({"name": "   ", "scopes": ["admin:read"], "expires_in_days": -1}),
        json!({}),
    ] {
        let p = problem_about(create_with(body.clone()).await, 422, &body.to_string()).await;
        assert_eq!(keys(&p["errors"]), all_fields, "{body}: {p}");
        for field in &all_fields {
            let messages = p["errors"][field].as_array().unwrap();
            assert!(
                !messages.is_empty() && messages.iter().all(|m| m.is_string()),
                "{body}: {p}"
            );
        }
    }

    // One field wrong, the others right: only that one is named.
    let good = request("ci", &["posts:read"], 30);
    for (field, value) in [
        ("name", json!("")),
        ("name", json!(long)),
        ("name", json!("two\nlines")),
        ("name", json!("tab\there")),
        ("name", json!(42)),
        ("scopes", json!([])),
        ("scopes", json!(["posts:delete"])),
        ("scopes", json!(["posts:read", "posts:delete"])),
        ("scopes", json!(["openid"])),
        ("scopes", json!(["posts:read", "email"])),
        ("scopes", json!(["offline_access"])),
        ("scopes", json!(["admin:read"])),
        ("scopes", json!(["posts:read", "admin:write"])),
        ("expires_in_days", json!(0)),
        ("expires_in_days", json!(366)),
        ("expires_in_days", json!("30")),
        ("expires_in_days", json!(30.5)),
        ("expires_in_days", json!(null)),
    ] {
        let mut body = good.clone();
        body[field] = value.clone();
        let what = format!("{field} = {value}");
        let p = problem_about(create_with(body).await, 422, &what).await;
        assert_eq!(keys(&p["errors"]), set(&[field]), "{what}: {p}");
    }
    assert!(
        list(&app, &bob.access_token).await.is_empty(),
        "nothing was created"
    );

    // The edges that are right: 100 characters, 365 days (PAT_MAX_DAYS), 1 day.
    create(
        &app,
        &bob.access_token,
        &"é".repeat(100),
        &["posts:read"],
        365,
    )
    .await;
    create(&app, &bob.access_token, "one day", &["profile:read"], 1).await;
    assert_eq!(list(&app, &bob.access_token).await.len(), 2);
    // An administrator may hold the admin scopes.
    let root = app.admin("root").await;
    let ops = create(
        &app,
        &root.access_token,
        "ops",
        &["admin:read", "admin:write"],
        1,
    )
    .await;
    assert_eq!(
        scope_set(&ops["scopes"]),
        set(&["admin:read", "admin:write"])
    );
}

async fn a_token_opens_what_its_scopes_name_and_only_from_the_header(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let alice_private = id_of(&app.post_as(&alice, "Alice's secret", "private").await);
    let alice_public = id_of(&app.post_as(&alice, "Alice's news", "public").await);
    let bob_private = id_of(&app.post_as(&bob, "Bob's diary", "private").await);
    let mk = |name: &'static str, scopes: &'static [&'static str]| {
        let token = bob.access_token.clone();
        let app = &app;
        async move { text_of(&create(app, &token, name, scopes, 30).await) }
    };
    let profile = mk("profile", &["profile:read"]).await;
    let reader = mk("reader", &["posts:read"]).await;
    let writer = mk("writer", &["posts:write"]).await;
    let sessions = mk("sessions", &["sessions:read"]).await;
    let post = json!({"title": "From a script", "body": "Hello", "visibility": "private"});

    // profile:read opens GET /api/users/me.
    let r = app.me(&profile).await;
    assert_eq!(r.status(), 200);
    let me: Value = r.json().await.unwrap();
    assert_eq!(
        (me["id"].as_i64(), &me["username"]),
        (Some(bob.id), &json!("bob"))
    );
    for (token, scope) in [
        (&reader, "posts:read"),
        (&writer, "posts:write"),
        (&sessions, "sessions:read"),
    ] {
        insufficient(app.me(token).await, "profile:read", scope).await;
    }

    // posts:read reads (own private posts included), writes nothing.
    let r = app.list_posts(Some(&reader), "?limit=100").await;
    assert_eq!(r.status(), 200);
    let page: Value = r.json().await.unwrap();
    let ids: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect();
    assert!(
        ids.contains(&bob_private) && ids.contains(&alice_public),
        "{ids:?}"
    );
    assert!(!ids.contains(&alice_private), "{ids:?}");
    assert_eq!(app.get_post(Some(&reader), bob_private).await.status(), 200);
    assert_eq!(
        app.get_post(Some(&reader), alice_private).await.status(),
        404
    );
    insufficient(
        app.create_post(&reader, post.clone()).await,
        "posts:write",
        "create",
    )
    .await;
    let patch = json!({"title": "Changed"});
    let r = app.patch_post(&reader, bob_private, patch.clone()).await;
    insufficient(r, "posts:write", "patch").await;
    let r = app.delete_post(&reader, bob_private).await;
    insufficient(r, "posts:write", "delete").await;
    assert_eq!(app.get_post(Some(&reader), bob_private).await.status(), 200);

    // Optional-auth routes too: a token without posts:read is a 403, never anonymous.
    let r = app.list_posts(Some(&profile), "").await;
    insufficient(r, "posts:read", "list with profile:read").await;
    let r = app.get_post(Some(&profile), alice_public).await;
    insufficient(r, "posts:read", "show with profile:read").await;
    let r = app.list_posts(Some(&sessions), "").await;
    insufficient(r, "posts:read", "list with sessions:read").await;
    assert_eq!(app.list_posts(None, "").await.status(), 200, "anonymous");

    // posts:write writes and reads, under the owner rules.
    let r = app.create_post(&writer, post.clone()).await;
    assert_eq!(r.status(), 201);
    let mine = id_of(&r.json().await.unwrap());
    let r = app.patch_post(&writer, mine, patch.clone()).await;
    assert_eq!(r.status(), 200);
    let r = app.get_post(Some(&writer), mine).await;
    assert_eq!(r.status(), 200, "posts:write reads the own private post");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["title"], "Changed");
    assert_eq!(body["author"]["id"].as_i64(), Some(bob.id));
    let r = app.list_posts(Some(&writer), "?limit=100").await;
    assert_eq!(r.status(), 200);
    let page: Value = r.json().await.unwrap();
    let ids: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect();
    assert!(ids.contains(&mine) && ids.contains(&bob_private), "{ids:?}");
    assert!(!ids.contains(&alice_private), "{ids:?}");
    for r in [
        app.patch_post(&writer, alice_public, patch.clone()).await,
        app.delete_post(&writer, alice_public).await,
    ] {
        let p = problem_about(r, 403, "another's post").await;
        assert!(
            !p["type"].as_str().unwrap().ends_with("/insufficient-scope"),
            "the owner rule, not the scope: {p}"
        );
    }
    assert_eq!(
        app.get_post(Some(&writer), alice_private).await.status(),
        404
    );
    assert_eq!(app.get_post(None, alice_public).await.status(), 200);
    assert_eq!(app.delete_post(&writer, mine).await.status(), 204);
    insufficient(app.sessions(&writer).await, "sessions:read", "sessions").await;

    // sessions:read lists sessions and the account's events, and nothing else.
    assert_eq!(app.sessions(&sessions).await.status(), 200);
    assert_eq!(app.my_events(&sessions, "").await.status(), 200);
    let r = app.my_events(&profile, "").await;
    insufficient(r, "sessions:read", "events with profile:read").await;

    // The access_token cookie never carries a PAT, on required and optional routes alike.
    let browser = app.new_browser();
    browser.set_cookie("access_token", &profile);
    refused(
        send(browser.get("/api/users/me")).await,
        "PAT in the cookie",
    )
    .await;
    refused(
        send(browser.get("/api/posts")).await,
        "PAT in the cookie, optional auth",
    )
    .await;
    // Nor does it sign a browser in to the pages.
    let r = send(browser.get("/account")).await;
    assert_eq!(r.status(), 303, "a PAT cookie is no sign-in");
    assert!(header(&r, "location").starts_with("/login"));
    // The same token from the header still works.
    assert_eq!(app.me(&profile).await.status(), 200);
}

async fn no_scoped_token_reaches_a_session_route(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let bob = app.user("bob").await;
    let created = create(&app, &root.access_token, "everything", &ALL_SCOPES, 30).await;
    let all = text_of(&created);
    let pat_id = id_of(&created);
    // It does hold every scope.
    assert_eq!(app.me(&all).await.status(), 200);
    assert_eq!(app.admin_users(&all, "").await.status(), 200);
    assert_eq!(app.sessions(&all).await.status(), 200);
    let r = app.sessions(&root.access_token).await;
    let sessions: Vec<Value> = r.json().await.unwrap();
    let sid = sessions
        .iter()
        .find(|s| s["current"] == true)
        .expect("the current session")["id"]
        .as_str()
        .unwrap()
        .to_string();

    let none = json!({});
    let routes: Vec<(Method, String, Value)> = vec![
        (
            Method::PUT,
            "/api/users/me/password".into(),
            json!({"current_password": PASSWORD, "new_password": "a token chose this passphrase"}),
        ),
        (
            Method::PUT,
            "/api/users/me/email".into(),
            json!({"new_email": "attacker@example.net", "current_password": PASSWORD}),
        ),
        (Method::POST, "/api/auth/email/resend".into(), none.clone()),
        (Method::POST, "/api/users/me/mfa/totp".into(), none.clone()),
        (
            Method::POST,
            "/api/users/me/mfa/totp/confirm".into(),
            json!({"code": "123456"}),
        ),
        (
            Method::DELETE,
            "/api/users/me/mfa/totp".into(),
            json!({"password": PASSWORD}),
        ),
        (
            Method::POST,
            "/api/users/me/mfa/recovery-codes".into(),
            none.clone(),
        ),
        (Method::GET, "/api/users/me/passkeys".into(), none.clone()),
        (
            Method::POST,
            "/api/users/me/passkeys/options".into(),
            none.clone(),
        ),
        (
            Method::POST,
            "/api/users/me/passkeys".into(),
            json!({"name": "key", "attestation": {}}),
        ),
        (
            Method::DELETE,
            "/api/users/me/passkeys/1".into(),
            json!({"password": PASSWORD}),
        ),
        (Method::GET, TOKENS.into(), none.clone()),
        (
            Method::POST,
            TOKENS.into(),
            request("minted by a token", &["admin:write"], 365),
        ),
        (Method::DELETE, format!("{TOKENS}/{pat_id}"), none.clone()),
        (
            Method::DELETE,
            format!("/api/auth/sessions/{sid}"),
            none.clone(),
        ),
        (Method::POST, "/api/auth/logout".into(), none.clone()),
        (Method::POST, "/api/auth/logout-all".into(), none.clone()),
        (
            Method::POST,
            "/api/auth/reauthenticate".into(),
            json!({"password": PASSWORD}),
        ),
        (
            Method::POST,
            "/api/auth/reauthenticate/options".into(),
            none.clone(),
        ),
        (
            Method::DELETE,
            "/api/users/me".into(),
            json!({"current_password": PASSWORD}),
        ),
        (
            Method::PUT,
            format!("/api/admin/users/{}/role", bob.id),
            json!({"role": "admin"}),
        ),
        (
            Method::DELETE,
            format!("/api/admin/users/{}", bob.id),
            none.clone(),
        ),
    ];
    for (method, path, body) in routes {
        let what = format!("{method} {path}");
        session_required(app.json(method, &path, Some(&all), body).await, &what).await;
    }

    // Nor do the pages take it: sent as a bearer, the account and admin pages see nobody.
    for page in ["/account", "/admin"] {
        let r = send(app.bearer.get(page, &all)).await;
        assert_eq!(r.status(), 303, "{page} with a PAT");
        assert!(header(&r, "location").starts_with("/login"), "{page}");
    }

    // Nothing changed.
    let r = app
        .login(json!({"username": "root", "password": PASSWORD}))
        .await;
    assert_eq!(r.status(), 200, "the password is unchanged");
    let r = app.me(&root.access_token).await;
    assert_eq!(r.status(), 200, "not logged out, session not deleted");
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["email"], "root@example.com");
    let r = app.sessions(&root.access_token).await;
    let sessions: Vec<Value> = r.json().await.unwrap();
    assert!(sessions.iter().any(|s| s["id"] == sid.as_str()));
    let tokens = list(&app, &root.access_token).await;
    assert_eq!(
        tokens.iter().map(id_of).collect::<Vec<_>>(),
        [pat_id],
        "not revoked, none minted"
    );
    assert_eq!(app.me(&all).await.status(), 200, "the PAT still works");
    let r = app.passkeys(&root.access_token).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), json!([]));
    let r = app.admin_user(&root.access_token, root.id).await;
    let detail: Value = r.json().await.unwrap();
    assert_eq!(detail["second_factors"], json!([]), "no TOTP enrolled");
    assert_eq!(detail["user"]["role"], "admin");
    let r = app.admin_user(&root.access_token, bob.id).await;
    assert_eq!(r.status(), 200, "bob is not deleted");
    let detail: Value = r.json().await.unwrap();
    assert_eq!(detail["user"]["role"], "user", "bob is not promoted");

    // The inspector's optional auth is a session route too.
    let r = send(
        app.bearer
            .post("/api/token/inspect", &all)
            .json(&json!({"token": root.access_token})),
    )
    .await;
    session_required(r, "POST /api/token/inspect with a PAT").await;
}

async fn admin_scopes_work_only_while_the_owner_is_an_admin(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let boss = app.admin("boss").await;
    let bob = app.user("bob").await;
    let bobs = create(
        &app,
        &bob.access_token,
        "bob's script",
        &["profile:read"],
        30,
    )
    .await;
    let bob_pat = text_of(&bobs);

    // A non-admin can hold no admin scope, and a non-admin's token opens no admin route.
    for scopes in [
        &["admin:read"][..],
        &["admin:write"],
        &["profile:read", "admin:read"],
    ] {
        let r = app
            .json(
                Method::POST,
                TOKENS,
                Some(&bob.access_token),
                request("escalate", scopes, 30),
            )
            .await;
        let p = problem_about(r, 422, &format!("{scopes:?} for a non-admin")).await;
        assert_eq!(keys(&p["errors"]), set(&["scopes"]), "{p}");
    }
    problem_about(app.admin_users(&bob_pat, "").await, 403, "bob's PAT").await;

    let reader = text_of(&create(&app, &root.access_token, "audit", &["admin:read"], 30).await);
    let writer = text_of(&create(&app, &root.access_token, "ops", &["admin:write"], 30).await);

    // admin:read reads users, one user (with their tokens) and events.
    let r = app.admin_users(&reader, "").await;
    assert_eq!(r.status(), 200);
    let page: Value = r.json().await.unwrap();
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["username"] == "bob"));
    let r = app.admin_user(&reader, bob.id).await;
    assert_eq!(r.status(), 200);
    let detail: Value = r.json().await.unwrap();
    let tokens = detail["tokens"].as_array().expect("tokens");
    assert_eq!(tokens.len(), 1, "{detail}");
    assert_eq!(id_of(&tokens[0]), id_of(&bobs));
    assert_eq!(tokens[0]["name"], "bob's script");
    assert_eq!(tokens[0]["hint"], bob_pat[..14]);
    assert!(tokens[0].get("token").is_none());
    assert!(!detail.to_string().contains(&bob_pat[14..]));
    assert_eq!(app.admin_events(&reader, "").await.status(), 200);

    // ... and writes nothing.
    let bob_tokens = format!("/api/admin/users/{}/tokens", bob.id);
    let bob_token = format!("{bob_tokens}/{}", id_of(&bobs));
    for (method, path) in [
        (Method::POST, format!("/api/admin/users/{}/disable", bob.id)),
        (Method::POST, format!("/api/admin/users/{}/enable", bob.id)),
        (
            Method::POST,
            format!("/api/admin/users/{}/logout-all", bob.id),
        ),
        (
            Method::POST,
            format!("/api/admin/users/{}/password-reset", bob.id),
        ),
        (Method::DELETE, bob_tokens.clone()),
        (Method::DELETE, bob_token.clone()),
    ] {
        let what = format!("admin:read on {method} {path}");
        let r = send(app.bearer.request(method, &path, &reader)).await;
        insufficient(r, "admin:write", &what).await;
    }
    assert_eq!(
        app.me(&bob.access_token).await.status(),
        200,
        "not disabled"
    );
    assert_eq!(app.me(&bob_pat).await.status(), 200, "not revoked");

    // admin:write reads, and acts; an admin's logout-all leaves PATs alone.
    assert_eq!(app.admin_users(&writer, "").await.status(), 200);
    assert_eq!(app.admin_logout_all(&writer, bob.id).await.status(), 204);
    refused(app.me(&bob.access_token).await, "bob logged out").await;
    assert_eq!(
        app.me(&bob_pat).await.status(),
        200,
        "PATs outlive logout-all"
    );
    assert_eq!(
        app.admin_password_reset(&writer, bob.id).await.status(),
        202
    );
    let r = app.admin_disable(&writer, bob.id).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["disabled"], true);
    let r = app.admin_enable(&writer, bob.id).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["disabled"], false);

    // Recent auth: root's sign-in ages (and so do the tokens); the first-party token is
    // challenged on the admin routes, the PATs are not.
    let old = aged(&root, 660);
    assert_challenge(app.admin_users(&old, "").await, 600, "old sign-in").await;
    let hour_ago = sql_time(OffsetDateTime::now_utc() - time::Duration::hours(1));
    app.sql(&format!(
        "UPDATE personal_access_tokens SET created_at = '{hour_ago}'"
    ));
    assert_eq!(app.admin_users(&reader, "").await.status(), 200);
    assert_eq!(app.admin_user(&reader, bob.id).await.status(), 200);
    assert_eq!(app.admin_disable(&writer, bob.id).await.status(), 200);
    assert_eq!(app.admin_enable(&writer, bob.id).await.status(), 200);

    // Demoted by another admin: the tokens stop at once.
    let r = app
        .admin_set_role(&boss.access_token, root.id, json!({"role": "user"}))
        .await;
    assert_eq!(r.status(), 200);
    for (token, what) in [(&reader, "admin:read"), (&writer, "admin:write")] {
        let r = app.admin_users(token, "").await;
        problem_about(r, 403, &format!("{what} after demotion: users")).await;
        let r = app.admin_user(token, bob.id).await;
        problem_about(r, 403, &format!("{what} after demotion: user")).await;
        let r = app.admin_events(token, "").await;
        problem_about(r, 403, &format!("{what} after demotion: events")).await;
    }
    let r = app.admin_disable(&writer, bob.id).await;
    problem_about(r, 403, "admin:write after demotion: disable").await;
    let r = app.admin_user(&boss.access_token, bob.id).await;
    let detail: Value = r.json().await.unwrap();
    assert_eq!(
        detail["user"]["disabled"], false,
        "the demoted token did nothing"
    );
}

async fn the_owner_revokes_expiry_ends_and_password_events_do_not(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let one = create(
        &app,
        &alice.access_token,
        "alpha-token",
        &["profile:read"],
        30,
    )
    .await;
    let two = create(
        &app,
        &alice.access_token,
        "beta-token",
        &["profile:read"],
        30,
    )
    .await;
    let three = create(
        &app,
        &alice.access_token,
        "gamma-token",
        &["profile:read"],
        30,
    )
    .await;
    let bobs = create(&app, &bob.access_token, "bob's", &["profile:read"], 30).await;
    for t in [&one, &two, &three, &bobs] {
        assert_eq!(app.me(&text_of(t)).await.status(), 200);
    }

    // The owner revokes one: 204, then it is refused saying so.
    let r = revoke_own(&app, &alice.access_token, id_of(&one)).await;
    assert_eq!(r.status(), 204);
    let revoked = refused(app.me(&text_of(&one)).await, "revoked").await;
    assert!(revoked.contains("revoked"), "{revoked}");
    problem_about(
        revoke_own(&app, &alice.access_token, id_of(&one)).await,
        404,
        "revoked twice",
    )
    .await;
    problem_about(
        revoke_own(&app, &alice.access_token, 999_999).await,
        404,
        "no such id",
    )
    .await;
    // Another user's token id: 404, and it still works.
    problem_about(
        revoke_own(&app, &alice.access_token, id_of(&bobs)).await,
        404,
        "bob's token by alice",
    )
    .await;
    assert_eq!(app.me(&text_of(&bobs)).await.status(), 200);
    assert_eq!(list(&app, &bob.access_token).await.len(), 1);
    let ids: Vec<i64> = list(&app, &alice.access_token)
        .await
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(ids, [id_of(&three), id_of(&two)]);

    // Expired: refused saying so, and listed as expired until deleted.
    app.sql(&format!(
        "UPDATE personal_access_tokens SET expires_at = '2000-01-01 00:00:00' WHERE id = {}",
        id_of(&two)
    ));
    let expired = refused(app.me(&text_of(&two)).await, "expired").await;
    assert!(expired.contains("expired"), "{expired}");
    let listed = list(&app, &alice.access_token).await;
    let find = |id: i64| listed.iter().find(|t| id_of(t) == id).cloned();
    assert_eq!(
        find(id_of(&two)).expect("an expired token stays")["expired"],
        true
    );
    assert_eq!(find(id_of(&three)).unwrap()["expired"], false);

    // Unknown: refused, saying something else again.
    let unknown = refused(app.me(&unknown_pat()).await, "unknown").await;
    assert!(
        !unknown.contains("revoked") && !unknown.contains("expired"),
        "{unknown}"
    );
    assert!(
        unknown.contains("exist") || unknown.contains("unknown"),
        "{unknown}"
    );
    assert_ne!(revoked, expired);

    // The expired one can be deleted.
    assert_eq!(
        revoke_own(&app, &alice.access_token, id_of(&two))
            .await
            .status(),
        204
    );
    let ids: Vec<i64> = list(&app, &alice.access_token)
        .await
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(ids, [id_of(&three)]);

    // Logout-all, a password change and a password reset leave a PAT working.
    let live = text_of(&three);
    assert_eq!(app.logout_all(&alice.access_token).await.status(), 204);
    refused(app.me(&alice.access_token).await, "logged out everywhere").await;
    assert_eq!(app.me(&live).await.status(), 200, "after logout-all");
    let pair = app.login_pair("alice", PASSWORD).await;
    let r = app
        .change_password(
            pair["access_token"].as_str().unwrap(),
            PASSWORD,
            "a brand new passphrase for alice",
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.me(&live).await.status(), 200, "after a password change");
    let r = app
        .json(
            Method::POST,
            "/api/auth/password/forgot",
            None,
            json!({"email": "alice@example.com"}),
        )
        .await;
    assert_eq!(r.status(), 202);
    let reset = outbox_token(&app, "/reset-password").await;
    let r = app
        .json(
            Method::POST,
            "/api/auth/password/reset",
            None,
            json!({"token": reset, "new_password": "yet another passphrase for alice"}),
        )
        .await;
    assert_eq!(r.status(), 204);
    assert_eq!(app.me(&live).await.status(), 200, "after a password reset");
    // Both password notices list the live token (not the revoked or deleted ones), with the
    // way to the account page where it is revoked.
    let mails = notices(&app, "password_changed", 2).await;
    assert_eq!(mails.len(), 2);
    for mail in &mails {
        assert!(
            mail.contains("gamma-token") && mail.contains(&app.url("/account")),
            "{mail}"
        );
        assert!(
            !mail.contains("alpha-token") && !mail.contains("beta-token"),
            "{mail}"
        );
    }

    // The owner's own revocations are events (by: user) and mail nobody.
    let events = of_kind(&app, &root.access_token, alice.id, "pat_revoked").await;
    assert_eq!(events.len(), 2, "{events:#?}");
    for e in &events {
        assert_eq!(e["detail"]["by"], "user", "{e}");
        assert_eq!(e["actor_id"].as_i64(), Some(alice.id), "{e}");
    }
    let revoked_mail = std::fs::read_dir(app.outbox_dir())
        .unwrap()
        .flatten()
        .filter(|f| {
            f.file_name()
                .to_string_lossy()
                .ends_with("-pat_revoked.eml")
        })
        .count();
    assert_eq!(revoked_mail, 0, "the owner revoked them: no notice");
}

async fn disabling_deleting_and_administrators_end_tokens(b: Backend) {
    let app = TestApp::spawn(b).await;
    let root = app.admin("root").await;
    let carol = app.user("carol").await;
    let dave = app.user("dave").await;
    let erin = app.user("erin").await;
    let fred = app.user("fred").await;

    // A disabled account: its tokens are revoked, and enabling it does not revive them.
    let carols =
        text_of(&create(&app, &carol.access_token, "carol's", &["profile:read"], 30).await);
    assert_eq!(
        app.admin_disable(&root.access_token, carol.id)
            .await
            .status(),
        200
    );
    refused(app.me(&carols).await, "disabled owner").await;
    assert_eq!(
        app.admin_enable(&root.access_token, carol.id)
            .await
            .status(),
        200
    );
    let d = refused(app.me(&carols).await, "enabled again").await;
    assert!(d.contains("revoked"), "{d}");
    let e = the_event(&app, &root.access_token, carol.id, "pat_revoked").await;
    assert_eq!(e["detail"]["by"], "disabled", "{e}");
    let pair = app.login_pair("carol", PASSWORD).await;
    let tokens = list(&app, pair["access_token"].as_str().unwrap()).await;
    assert!(tokens.is_empty(), "revoked, not listed: {tokens:?}");

    // A deleted account, by its owner or an administrator.
    let daves = text_of(&create(&app, &dave.access_token, "dave's", &["profile:read"], 30).await);
    let r = app
        .delete_me(&dave.access_token, json!({"current_password": PASSWORD}))
        .await;
    assert_eq!(r.status(), 204);
    refused(app.me(&daves).await, "owner deleted themselves").await;
    let freds = text_of(&create(&app, &fred.access_token, "fred's", &["profile:read"], 30).await);
    assert_eq!(
        app.admin_delete_user(&root.access_token, fred.id)
            .await
            .status(),
        204
    );
    refused(app.me(&freds).await, "owner deleted by an admin").await;

    // An administrator revokes one token, then all; the owner is told each time.
    let e1 = create(&app, &erin.access_token, "laptop", &["profile:read"], 30).await;
    let e2 = create(&app, &erin.access_token, "ci runner", &["profile:read"], 30).await;
    let e3 = create(&app, &erin.access_token, "backup", &["profile:read"], 30).await;
    let erin_tokens = format!("/api/admin/users/{}/tokens", erin.id);
    let r = send(app.bearer.request(
        Method::DELETE,
        &format!("{erin_tokens}/{}", id_of(&e1)),
        &root.access_token,
    ))
    .await;
    assert_eq!(r.status(), 204);
    let d = refused(app.me(&text_of(&e1)).await, "revoked by an admin").await;
    assert!(d.contains("revoked"), "{d}");
    assert_eq!(app.me(&text_of(&e2)).await.status(), 200, "only that one");
    // The token must be that user's.
    let r = send(app.bearer.request(
        Method::DELETE,
        &format!("/api/admin/users/{}/tokens/{}", carol.id, id_of(&e2)),
        &root.access_token,
    ))
    .await;
    problem_about(r, 404, "erin's token under carol").await;
    let r = send(app.bearer.request(
        Method::DELETE,
        &format!("{erin_tokens}/{}", id_of(&e1)),
        &root.access_token,
    ))
    .await;
    problem_about(r, 404, "already revoked").await;
    assert_eq!(app.me(&text_of(&e2)).await.status(), 200);
    let r = send(
        app.bearer
            .request(Method::DELETE, &erin_tokens, &root.access_token),
    )
    .await;
    assert_eq!(r.status(), 204);
    for t in [&e2, &e3] {
        refused(app.me(&text_of(t)).await, "all revoked by an admin").await;
    }
    let r = send(app.bearer.request(
        Method::DELETE,
        "/api/admin/users/999999/tokens",
        &root.access_token,
    ))
    .await;
    problem_about(r, 404, "no such user").await;

    let mails = notices(&app, "pat_revoked", 3).await;
    let to_carol: Vec<&String> = mails
        .iter()
        .filter(|m| m.contains("carol@example.com"))
        .collect();
    assert_eq!(to_carol.len(), 1, "the disable's notice: {mails:#?}");
    assert!(
        to_carol[0].contains("carol's") && to_carol[0].contains("disabled your account"),
        "{}",
        to_carol[0]
    );
    let to_erin: Vec<&String> = mails
        .iter()
        .filter(|m| m.contains("erin@example.com"))
        .collect();
    assert_eq!(to_erin.len(), 2, "{mails:#?}");
    assert!(to_erin.iter().any(|m| m.contains("laptop")));
    assert!(to_erin
        .iter()
        .any(|m| m.contains("ci runner") && m.contains("backup")));
    let events = of_kind(&app, &root.access_token, erin.id, "pat_revoked").await;
    assert_eq!(events.len(), 3, "{events:#?}");
    for e in &events {
        assert_eq!(e["detail"]["by"], "admin", "{e}");
        assert_eq!(e["actor_id"].as_i64(), Some(root.id), "{e}");
    }
}

/// One changed character anywhere is refused by the checksum; with the token table gone, that
/// refusal still comes (it needs no lookup) while a well-formed token now fails in its lookup.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_character_is_refused_by_its_checksum_without_a_lookup() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.user("alice").await;
    let pat = text_of(&create(&app, &alice.access_token, "ci", &["profile:read"], 30).await);
    assert_eq!(app.me(&pat).await.status(), 200);
    for i in PREFIX.len()..pat.len() {
        let d = refused(app.me(&one_changed(&pat, i)).await, &format!("char {i}")).await;
        assert!(d.contains("checksum"), "char {i}: {d}");
    }
    refused(app.me(&pat[..pat.len() - 1]).await, "cut short").await;
    refused(app.me(&format!("{pat}x")).await, "one more").await;
    assert_eq!(
        app.me(&pat).await.status(),
        200,
        "the genuine one still works"
    );

    app.sql("DROP TABLE personal_access_tokens");
    let d = refused(
        app.me(&one_changed(&pat, 20)).await,
        "bad checksum, no table",
    )
    .await;
    assert!(d.contains("checksum"), "{d}");
    // The control: a well-formed token is looked up, and the lookup fails now.
    assert_eq!(app.me(&unknown_pat()).await.status(), 500);
    assert_eq!(
        app.me(&alice.access_token).await.status(),
        200,
        "JWTs unaffected"
    );
}

/// A bad checksum and an unknown token get the same answer, quickly, in about the same time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_checksum_and_an_unknown_token_answer_alike() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.user("alice").await;
    create(&app, &alice.access_token, "ci", &["profile:read"], 30).await;

    async fn timed(app: &TestApp, token: &str) -> (Duration, u16, String, String, Value) {
        let started = Instant::now();
        let r = app.me(token).await;
        let status = r.status().as_u16();
        let challenge = header(&r, "www-authenticate");
        let ct = header(&r, "content-type");
        let body: Value = r.json().await.unwrap();
        (started.elapsed(), status, challenge, ct, body)
    }
    fn median(mut v: Vec<Duration>) -> Duration {
        v.sort();
        v[v.len() / 2]
    }
    let (mut bad, mut unknown) = (Vec::new(), Vec::new());
    let mut shapes = BTreeSet::new();
    for i in 0..35 {
        let token = unknown_pat();
        let changed = one_changed(&token, PREFIX.len() + i % 49);
        for (t, into) in [(&changed, &mut bad), (&token, &mut unknown)] {
            let (took, status, challenge, ct, body) = timed(&app, t).await;
            assert_eq!(status, 401);
            assert!(
                challenge.starts_with(r#"Bearer realm="sigil""#)
                    && challenge.contains(r#"error="invalid_token""#),
                "{challenge}"
            );
            assert!(ct.starts_with("application/problem+json"), "{ct}");
            assert_eq!(body["status"], 401);
            // The same shape: what differs is only the description, which says which.
            let error = challenge.split("error_description=").next().unwrap();
            shapes.insert(format!("{error} {} {} {ct}", body["type"], body["title"]));
            // The first five warm the connection and the statement cache.
            if i >= 5 {
                into.push(took);
            }
        }
    }
    assert_eq!(shapes.len(), 1, "{shapes:?}");
    let (bad, unknown) = (median(bad), median(unknown));
    println!("median bad checksum {bad:?}, unknown token {unknown:?}");
    assert!(bad < Duration::from_millis(50), "bad checksum {bad:?}");
    assert!(unknown < Duration::from_millis(50), "unknown {unknown:?}");
    let gap = bad.abs_diff(unknown);
    assert!(gap < Duration::from_millis(25), "they differ by {gap:?}");
}

async fn fifty_live_tokens_at_most(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let mut ids = Vec::new();
    for i in 0..50 {
        let name = format!("token {i}");
        ids.push(id_of(
            &create(&app, &alice.access_token, &name, &["posts:read"], 1).await,
        ));
    }
    let fifty_first = || {
        app.json(
            Method::POST,
            TOKENS,
            Some(&alice.access_token),
            request("one too many", &["posts:read"], 1),
        )
    };
    problem_about(fifty_first().await, 409, "the 51st").await;
    assert_eq!(list(&app, &alice.access_token).await.len(), 50);

    // Revoking one makes room for one.
    assert_eq!(
        revoke_own(&app, &alice.access_token, ids[0]).await.status(),
        204
    );
    create(&app, &alice.access_token, "replacement", &["posts:read"], 1).await;
    problem_about(fifty_first().await, 409, "50 again").await;

    // An expired token is not live: it makes room too, and stays listed.
    app.sql(&format!(
        "UPDATE personal_access_tokens SET expires_at = '2000-01-01 00:00:00' WHERE id = {}",
        ids[1]
    ));
    create(
        &app,
        &alice.access_token,
        "after expiry",
        &["posts:read"],
        1,
    )
    .await;
    problem_about(fifty_first().await, 409, "50 live again").await;
    assert_eq!(list(&app, &alice.access_token).await.len(), 51);
}

async fn introspection_and_revocation_know_personal_access_tokens(b: Backend) {
    let clients = format!("{}:{}", INTROSPECTION_CLIENT.0, INTROSPECTION_CLIENT.1);
    let app = TestApp::spawn_with(b, &[("INTROSPECTION_CLIENTS", &clients)]).await;
    let root = app.admin("root").await;
    let alice = app.user("alice").await;
    let live = create(
        &app,
        &alice.access_token,
        "ci",
        &["posts:read", "profile:read"],
        30,
    )
    .await;

    // RFC 7662: a live PAT.
    let body = introspect(&app, &text_of(&live)).await;
    assert_eq!(
        keys(&body),
        set(&[
            "active",
            "token_type",
            "kind",
            "sub",
            "username",
            "scope",
            "iat",
            "exp"
        ]),
        "{body}"
    );
    assert_eq!(body["active"], true);
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["kind"], "personal_access_token");
    assert_eq!(body["sub"], alice.id.to_string());
    assert_eq!(body["username"], "alice");
    let scopes: BTreeSet<String> = body["scope"]
        .as_str()
        .unwrap()
        .split(' ')
        .map(String::from)
        .collect();
    assert_eq!(scopes, set(&["posts:read", "profile:read"]));
    let (iat, exp) = (body["iat"].as_i64().unwrap(), body["exp"].as_i64().unwrap());
    assert!((iat - at(&live["created_at"]).unix_timestamp()).abs() <= 1);
    assert!((exp - at(&live["expires_at"]).unix_timestamp()).abs() <= 1);
    assert!((exp - iat - 30 * 86_400).abs() <= 5);

    // Anything not live: {"active": false} and nothing more.
    let expired = create(&app, &alice.access_token, "old", &["profile:read"], 30).await;
    app.sql(&format!(
        "UPDATE personal_access_tokens SET expires_at = '2000-01-01 00:00:00' WHERE id = {}",
        id_of(&expired)
    ));
    let gone = create(&app, &alice.access_token, "gone", &["profile:read"], 30).await;
    assert_eq!(
        revoke_own(&app, &alice.access_token, id_of(&gone))
            .await
            .status(),
        204
    );
    for (token, what) in [
        (text_of(&expired), "expired"),
        (text_of(&gone), "revoked"),
        (unknown_pat(), "unknown"),
        (one_changed(&text_of(&live), 30), "bad checksum"),
    ] {
        assert_eq!(
            introspect(&app, &token).await,
            json!({"active": false}),
            "{what}"
        );
    }
    // Introspection needs a listed client.
    let r = send(
        app.anon
            .post("/api/auth/introspect")
            .form(&[("token", text_of(&live).as_str())]),
    )
    .await;
    assert_eq!(r.status(), 401);

    // RFC 7009 with wrong client credentials: 401 invalid_client, the token lives on.
    let leaked = create(&app, &alice.access_token, "leaked", &["profile:read"], 30).await;
    let leaked_text = text_of(&leaked);
    let r = send(
        app.anon
            .post("/api/auth/revoke")
            .basic_auth(INTROSPECTION_CLIENT.0, Some("wrong-secret-0123456789"))
            .form(&[("token", leaked_text.as_str())]),
    )
    .await;
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client", "{body}");
    assert_eq!(app.me(&leaked_text).await.status(), 200, "still works");

    // Without any credentials: whoever holds it may end it.
    let r = send(app.anon.post("/api/auth/revoke").form(&[
        ("token", leaked_text.as_str()),
        ("token_type_hint", "access_token"),
    ]))
    .await;
    assert_eq!(r.status(), 200);
    let d = refused(app.me(&leaked_text).await, "revoked through RFC 7009").await;
    assert!(d.contains("revoked"), "{d}");
    assert_eq!(
        introspect(&app, &leaked_text).await,
        json!({"active": false})
    );
    let mails = notices(&app, "pat_revoked", 1).await;
    assert!(
        mails[0].contains("alice@example.com") && mails[0].contains("leaked"),
        "{}",
        mails[0]
    );
    assert!(
        !mails[0].contains(&leaked_text[14..]),
        "the mail holds the token"
    );

    // With a listed client's credentials too.
    let second = text_of(&create(&app, &alice.access_token, "second", &["profile:read"], 30).await);
    let r = send(
        app.anon
            .post("/api/auth/revoke")
            .basic_auth(INTROSPECTION_CLIENT.0, Some(INTROSPECTION_CLIENT.1))
            .form(&[("token", second.as_str())]),
    )
    .await;
    assert_eq!(r.status(), 200);
    refused(app.me(&second).await, "revoked by a client").await;

    // Unknown, malformed and already revoked: 200, and nothing recorded twice.
    for token in [
        unknown_pat(),
        one_changed(&text_of(&live), 20),
        leaked_text.clone(),
    ] {
        let r = send(
            app.anon
                .post("/api/auth/revoke")
                .form(&[("token", token.as_str())]),
        )
        .await;
        assert_eq!(r.status(), 200);
    }
    assert_eq!(
        app.me(&text_of(&live)).await.status(),
        200,
        "the live one untouched"
    );
    let events = of_kind(&app, &root.access_token, alice.id, "pat_revoked").await;
    let by_endpoint: Vec<&Value> = events
        .iter()
        .filter(|e| e["detail"]["by"] == "revocation_endpoint")
        .collect();
    assert_eq!(by_endpoint.len(), 2, "{events:#?}");
    assert!(by_endpoint
        .iter()
        .any(|e| e["detail"]["token_id"].as_i64() == Some(id_of(&leaked))));
    assert_eq!(events.len(), 3, "and the owner's own: {events:#?}");
}

async fn failed_lookups_count_toward_the_addresss_login_limit(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        &[
            ("LOGIN_RATE_PER_MINUTE", "3"),
            ("TRUSTED_PROXIES", "127.0.0.1/32"),
        ],
    )
    .await;
    // Registering and signing in: two attempts from 127.0.0.1.
    let alice = app.user("alice").await;
    let pat = text_of(&create(&app, &alice.access_token, "ci", &["profile:read"], 30).await);
    let from = |token: String| {
        send(
            app.bearer
                .get("/api/users/me", &token)
                .header("x-forwarded-for", "198.51.100.7"),
        )
    };
    // A bad checksum costs no lookup and is not counted.
    for i in 0..10 {
        let changed = one_changed(&unknown_pat(), PREFIX.len() + i);
        refused(from(changed).await, "bad checksum").await;
    }
    // Failed lookups are: three, then 429.
    let mut statuses = Vec::new();
    let mut limited = None;
    for _ in 0..4 {
        let r = from(unknown_pat()).await;
        statuses.push(r.status().as_u16());
        if r.status() == 429 {
            limited = Some(r);
        }
    }
    assert_eq!(statuses, [401, 401, 401, 429]);
    let r = limited.unwrap();
    let wait: u64 = header(&r, "retry-after").parse().expect("seconds");
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    problem_about(r, 429, "limited").await;
    // The same counter as sign-ins from that address.
    let r = send(
        app.anon
            .post("/api/auth/login")
            .header("x-forwarded-for", "198.51.100.7")
            .json(&json!({"username": "alice", "password": PASSWORD})),
    )
    .await;
    assert_eq!(r.status(), 429, "login from the limited address");
    // A good token is no failed lookup; another address has its own count.
    assert_eq!(from(pat.clone()).await.status(), 200, "a live PAT");
    refused(app.me(&unknown_pat()).await, "from 127.0.0.1").await;
}

async fn uses_are_recorded_once_a_minute_and_every_instance_sees_a_revocation(b: Backend) {
    let one = TestApp::spawn(b).await;
    let two = one.spawn_sibling().await;
    let alice = one.user("alice").await;
    let created = create(&one, &alice.access_token, "ci", &["profile:read"], 30).await;
    let (pat, id) = (text_of(&created), id_of(&created));
    let t = shown_in(&one, &alice.access_token, id).await;
    assert!(t["last_used_at"].is_null() && t["last_used_ip"].is_null());

    // The first use is recorded.
    assert_eq!(one.me(&pat).await.status(), 200);
    let t = shown_in(&one, &alice.access_token, id).await;
    let first = t["last_used_at"].clone();
    assert!(
        (OffsetDateTime::now_utc() - at(&first))
            .whole_seconds()
            .abs()
            < 30
    );
    assert_eq!(t["last_used_ip"], "127.0.0.1");
    // Uses within the minute, on either instance, are not written again.
    assert_eq!(one.me(&pat).await.status(), 200);
    assert_eq!(two.me(&pat).await.status(), 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(two.me(&pat).await.status(), 200);
    assert_eq!(
        shown_in(&two, &alice.access_token, id).await["last_used_at"],
        first,
        "within the minute"
    );

    // Once the last record is over a minute old, the next use writes again.
    let then = OffsetDateTime::now_utc() - time::Duration::minutes(2);
    one.sql(&format!(
        "UPDATE personal_access_tokens SET last_used_at = '{}', last_used_ip = '192.0.2.1' WHERE id = {id}",
        sql_time(then)
    ));
    let t = shown_in(&one, &alice.access_token, id).await;
    assert_eq!(t["last_used_ip"], "192.0.2.1");
    assert!((at(&t["last_used_at"]) - then).whole_seconds().abs() <= 1);
    assert_eq!(two.me(&pat).await.status(), 200);
    let t = shown_in(&one, &alice.access_token, id).await;
    let again = at(&t["last_used_at"]);
    assert!(
        (OffsetDateTime::now_utc() - again).whole_seconds().abs() < 30,
        "{t}"
    );
    assert!(again > at(&first) - time::Duration::seconds(1));
    assert_eq!(t["last_used_ip"], "127.0.0.1");

    // Revoked through one instance, refused by the other on its next request.
    assert_eq!(
        revoke_own(&two, &alice.access_token, id).await.status(),
        204
    );
    let d = refused(one.me(&pat).await, "revoked on two, used on one").await;
    assert!(d.contains("revoked"), "{d}");
    refused(two.me(&pat).await, "revoked on two, used on two").await;
    // And the other way round, by an administrator's revocation.
    let root = one.admin("root").await;
    let other = text_of(&create(&one, &alice.access_token, "other", &["profile:read"], 30).await);
    assert_eq!(two.me(&other).await.status(), 200);
    let path = format!("/api/admin/users/{}/tokens", alice.id);
    let r = send(
        one.bearer
            .request(Method::DELETE, &path, &root.access_token),
    )
    .await;
    assert_eq!(r.status(), 204);
    refused(
        two.me(&other).await,
        "revoked by an admin on one, used on two",
    )
    .await;
}
