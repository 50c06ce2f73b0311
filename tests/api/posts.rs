//! `/api/posts`: who sees and changes what, keyset pages that stay complete while posts are
//! written, tamper-proof cursors, the contract's limits at and past each edge, and CSRF on
//! cookie-authenticated writes.

use std::collections::HashSet;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::backend_tests;
use crate::helpers::{header, problem, send, Backend, Requests as _, TestApp, TestUser};

backend_tests!(
    create_returns_201_the_post_shape_and_a_location,
    anonymous_sees_only_public_posts,
    owners_see_their_private_posts_and_others_get_a_404_like_a_missing_post,
    changes_by_others_are_403_when_visible_and_404_when_not,
    owner_can_patch_partially_and_delete,
    writes_need_authentication_and_a_bad_token_is_never_anonymous,
    odd_post_ids_are_404,
    pages_hold_every_visible_post_exactly_once_newest_first,
    a_full_last_page_has_no_next_cursor,
    pages_stay_complete_while_posts_are_created_and_deleted,
    author_filter_pages_one_authors_visible_posts,
    tampered_cursors_are_a_422_naming_the_cursor,
    limit_is_1_to_100,
    title_is_1_to_200_characters_not_bytes,
    body_is_1_to_20000_characters,
    visibility_and_field_types_are_checked,
    patch_follows_the_same_rules,
    unicode_titles_round_trip,
    cookie_writes_need_the_csrf_token_and_bearer_writes_do_not,
);

// ---- helpers ----

fn post_body(title: &str, visibility: &str) -> Value {
    json!({"title": title, "body": format!("Body of {title}"), "visibility": visibility})
}

fn id_of(post: &Value) -> i64 {
    post["id"].as_i64().expect("post id")
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id_of)
        .collect()
}

/// `GET /api/posts` with the parameters URL-encoded.
async fn list(app: &TestApp, token: Option<&str>, params: &[(&str, &str)]) -> Response {
    let query = serde_urlencoded::to_string(params).expect("query string");
    app.list_posts(token, &format!("?{query}")).await
}

async fn page(app: &TestApp, token: Option<&str>, params: &[(&str, &str)]) -> Value {
    let r = list(app, token, params).await;
    assert_eq!(r.status(), 200, "{params:?}");
    r.json().await.unwrap()
}

/// Follows `next_cursor` to the end, checking every page is full except the last, and returns
/// the ids in the order served.
async fn walk(
    app: &TestApp,
    token: Option<&str>,
    extra: &[(&str, &str)],
    limit: usize,
) -> Vec<i64> {
    let limit_text = limit.to_string();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1000 {
        let mut params = extra.to_vec();
        params.push(("limit", &limit_text));
        if let Some(c) = &cursor {
            params.push(("cursor", c));
        }
        let body = page(app, token, &params).await;
        let got = ids(&body);
        assert!(got.len() <= limit, "{body}");
        seen.extend(got.iter().copied());
        match body["next_cursor"].as_str() {
            Some(next) => {
                assert_eq!(got.len(), limit, "only the last page may be short: {body}");
                cursor = Some(next.to_string());
            }
            None => {
                assert!(body["next_cursor"].is_null(), "{body}");
                return seen;
            }
        }
    }
    panic!("the walk never ended");
}

fn assert_newest_first(ids: &[i64]) {
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "not strictly newest first: {ids:?}"
    );
}

fn assert_no_duplicates(ids: &[i64]) {
    let unique: HashSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "duplicates in {ids:?}");
}

fn timestamp(v: &Value) -> OffsetDateTime {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("timestamp string: {v}"));
    OffsetDateTime::parse(s, &Rfc3339).unwrap_or_else(|e| panic!("{s} is not RFC 3339: {e}"))
}

/// Creates `n` posts for `user`; every `private_every`-th one (1-based) is private.
/// Returns (id, visibility) in creation order.
async fn seed(
    app: &TestApp,
    user: &TestUser,
    n: usize,
    private_every: usize,
) -> Vec<(i64, &'static str)> {
    let mut made = Vec::with_capacity(n);
    for i in 1..=n {
        let visibility = if private_every > 0 && i % private_every == 0 {
            "private"
        } else {
            "public"
        };
        let post = app
            .post_as(user, &format!("{} #{i}", user.username), visibility)
            .await;
        made.push((id_of(&post), visibility));
    }
    made
}

async fn raw(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> Response {
    let mut req = app.anon.request(method, path);
    if let Some(b) = body {
        req = req.json(&b);
    }
    send(req).await
}

/// Creates a post by `user` from a valid body with `field` set to `value`.
async fn create_with(app: &TestApp, user: &TestUser, field: &str, value: Value) -> Response {
    let mut body = json!({"title": "t", "body": "b", "visibility": "public"});
    body[field] = value;
    app.create_post(&user.access_token, body).await
}

fn long(c: char, n: usize) -> String {
    std::iter::repeat_n(c, n).collect()
}

// ---- creation and shape ----

async fn create_returns_201_the_post_shape_and_a_location(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let r = app
        .create_post(
            &alice.access_token,
            json!({"title": "Hello", "body": "First line\n\n  indented", "visibility": "private"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let location = header(&r, "location");
    let post: Value = r.json().await.unwrap();
    let id = id_of(&post);
    assert_eq!(location, format!("/api/posts/{id}"));

    // The set of fields (serde_json keeps the order they came in).
    let mut keys: Vec<&String> = post.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "author",
            "body",
            "created_at",
            "id",
            "title",
            "updated_at",
            "visibility"
        ],
        "{post}"
    );
    assert_eq!(post["author"], json!({"id": alice.id, "username": "alice"}));
    assert_eq!(post["title"], "Hello");
    assert_eq!(
        post["body"], "First line\n\n  indented",
        "bodies are kept as written"
    );
    assert_eq!(post["visibility"], "private");
    let created = timestamp(&post["created_at"]);
    assert_eq!(created.offset(), time::UtcOffset::UTC);
    assert!(post["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(timestamp(&post["updated_at"]), created);
    let age = OffsetDateTime::now_utc() - created;
    assert!(
        age.whole_seconds().abs() < 60,
        "created_at is now-ish: {created}"
    );

    // The Location answers with the same post.
    let r = send(app.bearer.get(&location, &alice.access_token)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), post);
}

// ---- the visibility matrix ----

/// alice: public A1, private A2; bob: public B1, private B2 (created in that order).
struct Matrix {
    alice: TestUser,
    bob: TestUser,
    a1: i64,
    a2: i64,
    b1: i64,
    b2: i64,
}

async fn matrix(app: &TestApp) -> Matrix {
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let a1 = id_of(&app.post_as(&alice, "A1", "public").await);
    let a2 = id_of(&app.post_as(&alice, "A2", "private").await);
    let b1 = id_of(&app.post_as(&bob, "B1", "public").await);
    let b2 = id_of(&app.post_as(&bob, "B2", "private").await);
    Matrix {
        alice,
        bob,
        a1,
        a2,
        b1,
        b2,
    }
}

/// The 404 of an id that never existed, to compare hidden posts with.
const MISSING: i64 = 987_654;

async fn anonymous_sees_only_public_posts(b: Backend) {
    let app = TestApp::spawn(b).await;
    let m = matrix(&app).await;
    let body = page(&app, None, &[]).await;
    assert_eq!(ids(&body), [m.b1, m.a1]);
    assert!(body["next_cursor"].is_null());
    for item in body["items"].as_array().unwrap() {
        assert_eq!(item["visibility"], "public");
    }
    assert_eq!(app.get_post(None, m.a1).await.status(), 200);
    assert_eq!(app.get_post(None, m.b1).await.status(), 200);
    let missing = problem(app.get_post(None, MISSING).await, 404).await;
    for hidden in [m.a2, m.b2] {
        let body = problem(app.get_post(None, hidden).await, 404).await;
        assert_eq!(
            body, missing,
            "a private post looks exactly like a missing one"
        );
    }
}

async fn owners_see_their_private_posts_and_others_get_a_404_like_a_missing_post(b: Backend) {
    let app = TestApp::spawn(b).await;
    let m = matrix(&app).await;
    let a = Some(m.alice.access_token.as_str());
    let bo = Some(m.bob.access_token.as_str());

    assert_eq!(ids(&page(&app, a, &[]).await), [m.b1, m.a2, m.a1]);
    assert_eq!(ids(&page(&app, bo, &[]).await), [m.b2, m.b1, m.a1]);

    let r = app.get_post(a, m.a2).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["title"], "A2");
    assert_eq!(app.get_post(a, m.b1).await.status(), 200);

    let missing = problem(app.get_post(a, MISSING).await, 404).await;
    let hidden = problem(app.get_post(a, m.b2).await, 404).await;
    assert_eq!(hidden, missing);
    let hidden = problem(app.get_post(bo, m.a2).await, 404).await;
    assert_eq!(hidden, missing);
}

async fn changes_by_others_are_403_when_visible_and_404_when_not(b: Backend) {
    let app = TestApp::spawn(b).await;
    let m = matrix(&app).await;
    let bob = &m.bob.access_token;
    let change = json!({"title": "hijacked"});

    // Visible but not theirs: 403.
    problem(app.patch_post(bob, m.a1, change.clone()).await, 403).await;
    problem(app.delete_post(bob, m.a1).await, 403).await;
    // Not visible to them: the same 404 as an id that does not exist.
    let missing_patch = problem(app.patch_post(bob, MISSING, change.clone()).await, 404).await;
    let missing_delete = problem(app.delete_post(bob, MISSING).await, 404).await;
    assert_eq!(
        problem(app.patch_post(bob, m.a2, change.clone()).await, 404).await,
        missing_patch
    );
    assert_eq!(
        problem(app.delete_post(bob, m.a2).await, 404).await,
        missing_delete
    );

    // Nothing changed.
    for (id, title) in [(m.a1, "A1"), (m.a2, "A2")] {
        let r = app.get_post(Some(&m.alice.access_token), id).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.unwrap()["title"], title);
    }
    assert_eq!(
        ids(&page(&app, Some(&m.alice.access_token), &[]).await).len(),
        3
    );
    // And bob may still change his own.
    assert_eq!(app.patch_post(bob, m.b2, change).await.status(), 200);
    assert_eq!(app.delete_post(bob, m.b1).await.status(), 204);
}

async fn owner_can_patch_partially_and_delete(b: Backend) {
    let app = TestApp::spawn(b).await;
    let m = matrix(&app).await;
    let alice = &m.alice.access_token;
    let before: Value = app.get_post(Some(alice), m.a2).await.json().await.unwrap();

    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let r = app
        .patch_post(alice, m.a2, json!({"title": "A2 renamed"}))
        .await;
    assert_eq!(r.status(), 200);
    let after: Value = r.json().await.unwrap();
    assert_eq!(after["title"], "A2 renamed");
    assert_eq!(after["body"], before["body"], "only the sent fields change");
    assert_eq!(after["visibility"], "private");
    assert_eq!(after["created_at"], before["created_at"]);
    assert!(timestamp(&after["updated_at"]) > timestamp(&before["updated_at"]));
    assert_eq!(after["author"], before["author"]);

    // Empty patch: nothing changes.
    let r = app.patch_post(alice, m.a2, json!({})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["title"], "A2 renamed");

    // Making it public shows it to everyone; back to private hides it again.
    let r = app
        .patch_post(
            alice,
            m.a2,
            json!({"visibility": "public", "body": "new body"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = app.get_post(None, m.a2).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["body"], "new body");
    assert_eq!(ids(&page(&app, None, &[]).await), [m.b1, m.a2, m.a1]);
    let r = app
        .patch_post(alice, m.a2, json!({"visibility": "private"}))
        .await;
    assert_eq!(r.status(), 200);
    problem(app.get_post(None, m.a2).await, 404).await;

    // Delete: 204, then gone for everyone, the owner included; a second delete is a 404.
    let r = app.delete_post(alice, m.a1).await;
    assert_eq!(r.status(), 204);
    assert!(r.text().await.unwrap().is_empty());
    problem(app.get_post(Some(alice), m.a1).await, 404).await;
    problem(app.delete_post(alice, m.a1).await, 404).await;
    problem(
        app.patch_post(alice, m.a1, json!({"title": "x"})).await,
        404,
    )
    .await;
    assert_eq!(ids(&page(&app, Some(alice), &[]).await), [m.b1, m.a2]);
}

async fn writes_need_authentication_and_a_bad_token_is_never_anonymous(b: Backend) {
    let app = TestApp::spawn(b).await;
    let m = matrix(&app).await;
    let no_auth = [
        (
            Method::POST,
            "/api/posts".to_string(),
            Some(post_body("x", "public")),
        ),
        (
            Method::PATCH,
            format!("/api/posts/{}", m.a1),
            Some(json!({"title": "x"})),
        ),
        (Method::DELETE, format!("/api/posts/{}", m.a1), None),
        (
            Method::PATCH,
            format!("/api/posts/{}", m.a2),
            Some(json!({"title": "x"})),
        ),
        (Method::DELETE, format!("/api/posts/{MISSING}"), None),
    ];
    for (method, path, body) in no_auth {
        let r = raw(&app, method.clone(), &path, body).await;
        assert_eq!(
            r.headers()["www-authenticate"],
            r#"Bearer realm="sigil""#,
            "{method} {path}"
        );
        problem(r, 401).await;
    }
    // A token that was sent and is bad: 401 even where auth is optional.
    let bad = "not.a.jwt";
    for r in [
        app.list_posts(Some(bad), "").await,
        app.get_post(Some(bad), m.a1).await,
        app.create_post(bad, post_body("x", "public")).await,
    ] {
        let challenge = header(&r, "www-authenticate");
        assert!(
            challenge.contains(r#"error="invalid_token""#),
            "{challenge}"
        );
        problem(r, 401).await;
    }
    // A revoked token too.
    assert_eq!(app.logout(&m.alice.access_token).await.status(), 204);
    problem(app.list_posts(Some(&m.alice.access_token), "").await, 401).await;
    // Nothing was written.
    assert_eq!(
        ids(&page(&app, Some(&m.bob.access_token), &[]).await).len(),
        3
    );
}

async fn odd_post_ids_are_404(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    app.post_as(&alice, "only", "public").await;
    for path in ["abc", "-1", "0", "1.5", "99999999999999999999", "%20"] {
        let r = app.get(&format!("/api/posts/{path}")).await;
        problem(r, 404).await;
        let r = raw(&app, Method::DELETE, &format!("/api/posts/{path}"), None).await;
        assert!(
            [401, 404].contains(&r.status().as_u16()),
            "{path}: {}",
            r.status()
        );
    }
}

// ---- pages ----

async fn pages_hold_every_visible_post_exactly_once_newest_first(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let mut all = seed(&app, &alice, 13, 3).await;
    all.extend(seed(&app, &bob, 12, 4).await);

    let visible_to = |viewer: Option<&TestUser>| {
        let alice_ids: HashSet<i64> = all[..13].iter().map(|p| p.0).collect();
        let mut v: Vec<i64> = all
            .iter()
            .filter(|(id, vis)| {
                *vis == "public"
                    || match viewer {
                        Some(u) if u.username == "alice" => alice_ids.contains(id),
                        Some(_) => !alice_ids.contains(id),
                        None => false,
                    }
            })
            .map(|p| p.0)
            .collect();
        v.sort_unstable_by(|a, b| b.cmp(a));
        v
    };

    for (viewer, token) in [
        (None, None),
        (Some(&alice), Some(alice.access_token.as_str())),
        (Some(&bob), Some(bob.access_token.as_str())),
    ] {
        let expected = visible_to(viewer);
        for limit in [7, 1, 100] {
            let got = walk(&app, token, &[], limit).await;
            assert_no_duplicates(&got);
            assert_newest_first(&got);
            assert_eq!(
                got,
                expected,
                "viewer {:?}, limit {limit}",
                viewer.map(|u| &u.username)
            );
        }
    }

    // Newest first by time as well as by id.
    let body = page(&app, None, &[("limit", "100")]).await;
    let times: Vec<OffsetDateTime> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| timestamp(&p["created_at"]))
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
}

async fn a_full_last_page_has_no_next_cursor(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    seed(&app, &alice, 14, 0).await;
    let first = page(&app, None, &[("limit", "7")]).await;
    let cursor = first["next_cursor"]
        .as_str()
        .expect("a second page")
        .to_string();
    let second = page(&app, None, &[("limit", "7"), ("cursor", &cursor)]).await;
    assert_eq!(ids(&second).len(), 7);
    assert!(
        second["next_cursor"].is_null(),
        "no empty trailing page: {second}"
    );
    // And no posts at all: an empty page, no cursor.
    let empty = TestApp::spawn(b).await;
    let body = page(&empty, None, &[]).await;
    assert_eq!(body, json!({"items": [], "next_cursor": null}));
}

async fn pages_stay_complete_while_posts_are_created_and_deleted(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let at_start: Vec<i64> = seed(&app, &alice, 25, 0)
        .await
        .into_iter()
        .map(|p| p.0)
        .collect();

    let mut seen: Vec<i64> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut params = vec![("limit", "7")];
        if let Some(c) = &cursor {
            params.push(("cursor", c));
        }
        let body = page(&app, None, &params).await;
        pages += 1;
        seen.extend(ids(&body));
        // Others write between page fetches: new posts land on top, not in the walk.
        app.post_as(&bob, &format!("interloper {pages}a"), "public")
            .await;
        app.post_as(&alice, &format!("interloper {pages}b"), "public")
            .await;
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
        assert!(pages < 20, "the walk never ended");
    }
    assert_no_duplicates(&seen);
    assert_newest_first(&seen);
    for id in &at_start {
        assert!(
            seen.contains(id),
            "post {id} existed at the start and was missed"
        );
    }
    assert_eq!(pages, 4);

    // The post a cursor points at may be deleted before the next page is fetched.
    let first = page(&app, None, &[("limit", "5")]).await;
    let first_ids = ids(&first);
    let last = *first_ids.last().unwrap();
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let owner = match first["items"][4]["author"]["username"].as_str() {
        Some("alice") => &alice,
        _ => &bob,
    };
    assert_eq!(
        app.delete_post(&owner.access_token, last).await.status(),
        204
    );
    let next = page(&app, None, &[("limit", "5"), ("cursor", &cursor)]).await;
    let next_ids = ids(&next);
    assert_eq!(next_ids.len(), 5);
    assert!(
        next_ids.iter().all(|id| *id < last),
        "{first_ids:?} then {next_ids:?}"
    );
    // Nothing skipped: the next page begins with the newest post older than the cursor.
    let everything = walk(&app, None, &[], 100).await;
    let pos = everything.iter().position(|id| *id < last).unwrap();
    assert_eq!(next_ids, everything[pos..pos + 5]);
}

async fn author_filter_pages_one_authors_visible_posts(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let alice_posts = seed(&app, &alice, 9, 3).await;
    seed(&app, &bob, 6, 2).await;
    let newest_first = |keep: &dyn Fn(&str) -> bool| {
        let mut v: Vec<i64> = alice_posts
            .iter()
            .filter(|(_, vis)| keep(vis))
            .map(|p| p.0)
            .collect();
        v.reverse();
        v
    };
    let public = newest_first(&|v| v == "public");
    let all = newest_first(&|_| true);
    assert_eq!((public.len(), all.len()), (6, 9));

    let a = Some(alice.access_token.as_str());
    let bo = Some(bob.access_token.as_str());
    assert_eq!(walk(&app, None, &[("author", "alice")], 4).await, public);
    assert_eq!(walk(&app, bo, &[("author", "alice")], 4).await, public);
    assert_eq!(walk(&app, a, &[("author", "alice")], 4).await, all);
    assert_eq!(walk(&app, a, &[("author", "alice")], 100).await, all);
    // Usernames are unique without regard to case, so the filter matches that way too.
    assert_eq!(walk(&app, None, &[("author", "ALICE")], 100).await, public);
    let body = page(&app, None, &[("author", "bob")]).await;
    for item in body["items"].as_array().unwrap() {
        assert_eq!(item["author"], json!({"id": bob.id, "username": "bob"}));
        assert_eq!(item["visibility"], "public");
    }
    assert_eq!(ids(&body).len(), 3);
    // An unknown author is an empty page, not an error.
    let body = page(&app, None, &[("author", "nobody")]).await;
    assert_eq!(body, json!({"items": [], "next_cursor": null}));
    // An empty filter is no filter.
    assert_eq!(ids(&page(&app, None, &[("author", "")]).await).len(), 9);
}

async fn tampered_cursors_are_a_422_naming_the_cursor(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    seed(&app, &alice, 4, 0).await;
    let first = page(&app, None, &[("limit", "1")]).await;
    let good = first["next_cursor"].as_str().unwrap().to_string();
    let bytes = URL_SAFE_NO_PAD
        .decode(&good)
        .expect("cursors are base64url");

    let flipped = |i: usize| {
        let mut b = bytes.clone();
        b[i] ^= 0x01;
        URL_SAFE_NO_PAD.encode(b)
    };
    let mut forged_tag = bytes.clone();
    let n = forged_tag.len();
    forged_tag[n - 1] ^= 0x80;
    // A cursor of another server, whose key differs.
    let other = TestApp::spawn_with(
        b,
        &[(
            "SECRET_KEY",
            "another-secret-key-for-a-different-server-0123456789",
        )],
    )
    .await;
    let carol = other.user("carol").await;
    seed(&other, &carol, 3, 0).await;
    let foreign = page(&other, None, &[("limit", "1")]).await["next_cursor"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        page(&other, None, &[("limit", "1"), ("cursor", &foreign)]).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "the foreign cursor is good where it came from"
    );

    let bad = [
        ("garbled", "!!not base64!!".to_string()),
        ("word", "abc".to_string()),
        ("truncated", good[..good.len() - 3].to_string()),
        ("one char short", good[..good.len() - 1].to_string()),
        ("extended", format!("{good}AAAA")),
        ("flipped version byte", flipped(0)),
        ("flipped id byte", flipped(4)),
        ("flipped tag byte", flipped(n - 1)),
        ("forged tag", URL_SAFE_NO_PAD.encode(&forged_tag)),
        (
            "padded standard base64",
            base64::engine::general_purpose::STANDARD.encode(&bytes),
        ),
        ("bare id", "3".to_string()),
        ("another server's key", foreign),
    ];
    for (what, cursor) in bad {
        let r = list(&app, None, &[("cursor", &cursor)]).await;
        let body = problem(r, 422).await;
        let errors = body["errors"]["cursor"]
            .as_array()
            .unwrap_or_else(|| panic!("{what}: {body}"));
        assert!(
            !errors.is_empty() && errors[0].is_string(),
            "{what}: {body}"
        );
        assert_eq!(
            body["errors"].as_object().unwrap().len(),
            1,
            "{what}: {body}"
        );
    }
    // Both problems at once are both named.
    let body = problem(
        list(&app, None, &[("cursor", "x"), ("limit", "0")]).await,
        422,
    )
    .await;
    assert!(
        body["errors"]["cursor"].is_array() && body["errors"]["limit"].is_array(),
        "{body}"
    );
    // The good one still works, also for a signed-in viewer.
    let next = page(&app, None, &[("limit", "1"), ("cursor", &good)]).await;
    assert_eq!(ids(&next).len(), 1);
    assert!(ids(&next)[0] < ids(&first)[0]);
    let next = page(
        &app,
        Some(&alice.access_token),
        &[("limit", "1"), ("cursor", &good)],
    )
    .await;
    assert_eq!(ids(&next).len(), 1);
}

// ---- limits ----

async fn limit_is_1_to_100(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    seed(&app, &alice, 101, 0).await;

    let count = |body: &Value| ids(body).len();
    let body = page(&app, None, &[]).await;
    assert_eq!(count(&body), 20, "the default");
    assert!(body["next_cursor"].is_string());
    let body = page(&app, None, &[("limit", "1")]).await;
    assert_eq!(count(&body), 1);
    assert!(body["next_cursor"].is_string());
    let body = page(&app, None, &[("limit", "100")]).await;
    assert_eq!(count(&body), 100);
    let cursor = body["next_cursor"]
        .as_str()
        .expect("a 101st post follows")
        .to_string();
    let body = page(&app, None, &[("limit", "100"), ("cursor", &cursor)]).await;
    assert_eq!(count(&body), 1);
    assert!(body["next_cursor"].is_null());

    for bad in [
        "0",
        "101",
        "-1",
        "abc",
        "1.5",
        "1e2",
        "99999999999999999999",
    ] {
        let body = problem(list(&app, None, &[("limit", bad)]).await, 422).await;
        assert!(body["errors"]["limit"].is_array(), "limit={bad}: {body}");
    }
}

async fn title_is_1_to_200_characters_not_bytes(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let create = |title: Value| create_with(&app, &alice, "title", title);
    for ok in [
        "x".to_string(),
        "é".to_string(),
        long('é', 200),
        long('🦀', 200),
        long('x', 200),
        format!("  {}  ", long('é', 200)),
    ] {
        let r = create(json!(ok)).await;
        assert_eq!(r.status(), 201, "{} chars", ok.chars().count());
        let post: Value = r.json().await.unwrap();
        assert_eq!(post["title"], ok.trim());
    }
    for bad in [
        "".to_string(),
        "   ".to_string(),
        "\n\t".to_string(),
        long('é', 201),
        long('x', 201),
        long('🦀', 201),
        // Not one line of text (NUL would otherwise be a 500 on PostgreSQL).
        "nul \u{0} inside".to_string(),
        "two\nlines".to_string(),
        "escape \u{1b}[31m".to_string(),
    ] {
        let body = problem(create(json!(bad)).await, 422).await;
        assert!(
            body["errors"]["title"].is_array(),
            "{} chars: {body}",
            bad.chars().count()
        );
    }
    assert_eq!(ids(&page(&app, None, &[("limit", "100")]).await).len(), 6);
}

async fn body_is_1_to_20000_characters(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let create = |body: String| create_with(&app, &alice, "body", json!(body));
    for ok in [
        "b".to_string(),
        long('é', 20_000),
        long('x', 20_000),
        "lines\r\n\tindented\n\nparagraph".to_string(),
    ] {
        let r = create(ok.clone()).await;
        assert_eq!(r.status(), 201, "{} chars", ok.chars().count());
        let post: Value = r.json().await.unwrap();
        assert_eq!(post["body"].as_str().unwrap(), ok, "stored as written");
    }
    for bad in [
        "".to_string(),
        " \n ".to_string(),
        long('é', 20_001),
        long('x', 20_001),
        "nul \u{0} inside".to_string(),
    ] {
        let body = problem(create(bad.clone()).await, 422).await;
        assert!(
            body["errors"]["body"].is_array(),
            "{} chars: {body}",
            bad.chars().count()
        );
    }
    assert_eq!(ids(&page(&app, None, &[]).await).len(), 4);
}

async fn visibility_and_field_types_are_checked(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let cases = [
        (
            json!({"title": "t", "body": "b", "visibility": "secret"}),
            "visibility",
        ),
        (
            json!({"title": "t", "body": "b", "visibility": "Public"}),
            "visibility",
        ),
        (
            json!({"title": "t", "body": "b", "visibility": ""}),
            "visibility",
        ),
        (
            json!({"title": "t", "body": "b", "visibility": true}),
            "visibility",
        ),
        (
            json!({"title": 5, "body": "b", "visibility": "public"}),
            "title",
        ),
        (
            json!({"title": ["t"], "body": "b", "visibility": "public"}),
            "title",
        ),
        (
            json!({"title": {"t": 1}, "body": "b", "visibility": "public"}),
            "title",
        ),
        (
            json!({"title": "t", "body": 5, "visibility": "public"}),
            "body",
        ),
        (
            json!({"title": "t", "body": false, "visibility": "public"}),
            "body",
        ),
        (json!({"body": "b", "visibility": "public"}), "title"),
        (
            json!({"title": null, "body": "b", "visibility": "public"}),
            "title",
        ),
        (json!({"title": "t", "visibility": "public"}), "body"),
    ];
    for (sent, field) in cases {
        let body = problem(
            app.create_post(&alice.access_token, sent.clone()).await,
            422,
        )
        .await;
        assert!(body["errors"][field].is_array(), "{sent}: {body}");
        assert_eq!(
            body["errors"].as_object().unwrap().len(),
            1,
            "{sent}: {body}"
        );
    }
    // Every broken field is named at once.
    let body = problem(
        app.create_post(
            &alice.access_token,
            json!({"title": 5, "body": "", "visibility": 1}),
        )
        .await,
        422,
    )
    .await;
    for field in ["title", "body", "visibility"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    // Not an object, not JSON, not JSON at all.
    problem(
        app.create_post(&alice.access_token, json!(["t", "b"]))
            .await,
        422,
    )
    .await;
    let token = &alice.access_token;
    let r = app
        .create_post_raw(token, "application/json", "{\"title\": ")
        .await;
    problem(r, 400).await;
    let r = app.create_post_raw(token, "text/plain", "title=t").await;
    problem(r, 415).await;
    assert_eq!(
        ids(&page(&app, Some(&alice.access_token), &[]).await).len(),
        0
    );
}

async fn patch_follows_the_same_rules(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let post = app.post_as(&alice, "keep me", "public").await;
    let id = id_of(&post);
    let cases = [
        (json!({"title": ""}), "title"),
        (json!({"title": "  "}), "title"),
        (json!({"title": long('é', 201)}), "title"),
        (json!({"title": 5}), "title"),
        (json!({"body": ""}), "body"),
        (json!({"body": long('é', 20_001)}), "body"),
        (json!({"body": 1}), "body"),
        (json!({"visibility": "hidden"}), "visibility"),
        (json!({"visibility": 0}), "visibility"),
        (json!({"title": "a\u{0}b"}), "title"),
        (json!({"body": "a\u{0}b"}), "body"),
    ];
    for (sent, field) in cases {
        let body = problem(
            app.patch_post(&alice.access_token, id, sent.clone()).await,
            422,
        )
        .await;
        assert!(body["errors"][field].is_array(), "{sent}: {body}");
    }
    // A bad field spoils the whole patch: the good one is not applied either.
    let body = problem(
        app.patch_post(
            &alice.access_token,
            id,
            json!({"title": "fine", "visibility": "nope"}),
        )
        .await,
        422,
    )
    .await;
    assert!(body["errors"]["visibility"].is_array());
    let now: Value = app.get_post(None, id).await.json().await.unwrap();
    assert_eq!(now, post, "unchanged");

    let r = app
        .patch_post(&alice.access_token, id, json!({"title": long('é', 200)}))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["title"], long('é', 200));
}

async fn unicode_titles_round_trip(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let titles = [
        "🦀 Rust 🎉 👩‍👩‍👧‍👦 🇫🇷",
        "مرحبا بالعالم",
        "שלום עולם",
        "你好，世界",
        "日本語のタイトル",
        "한국어 제목",
        "Ελληνικά · Кириллица",
        "e\u{301} (combining) vs é",
        "\u{202e}reversed\u{202c} <b>not html</b> & \"quotes\" \\ 'single'",
    ];
    let mut made = Vec::new();
    for title in titles {
        let r = app
            .create_post(
                &alice.access_token,
                json!({"title": title, "body": format!("{title}\n{title}"), "visibility": "public"}),
            )
            .await;
        assert_eq!(r.status(), 201, "{title}");
        let post: Value = r.json().await.unwrap();
        assert_eq!(post["title"], title);
        made.push(id_of(&post));
    }
    for (id, title) in made.iter().zip(titles) {
        let post: Value = app.get_post(None, *id).await.json().await.unwrap();
        assert_eq!(post["title"], title);
        assert_eq!(post["body"], format!("{title}\n{title}"));
    }
    let listed = page(&app, None, &[("limit", "100")]).await;
    let listed: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    let mut expected = titles.to_vec();
    expected.reverse();
    assert_eq!(listed, expected);
}

// ---- CSRF ----

/// Adds the `X-CSRF-Token` header when there is a token to send.
fn with_csrf(req: RequestBuilder, csrf: Option<&str>) -> RequestBuilder {
    match csrf {
        Some(token) => req.header("x-csrf-token", token),
        None => req,
    }
}

async fn cookie_writes_need_the_csrf_token_and_bearer_writes_do_not(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    // A browser holding alice's access token as a cookie, with a session and its CSRF token.
    let browser = &app.cookie;
    browser.set_cookie("access_token", &alice.access_token);
    let good = browser.csrf_token().await;
    assert!(
        browser.cookie("sigil_session").is_some(),
        "the session cookie"
    );
    let good = Some(good.as_str());
    // Another session's token, and the access cookie without any session.
    let other_session = app.new_browser().csrf_token().await;
    let sessionless = app.new_browser();
    sessionless.set_cookie("access_token", &alice.access_token);
    let new_post = || post_body("by cookie", "private");

    // Reading by cookie needs no CSRF token.
    assert_eq!(send(browser.get("/api/users/me")).await.status(), 200);

    // Creating: refused without the header, with a wrong one, with another session's token,
    // without the session cookie; accepted with the session's token.
    for (client, csrf) in [
        (browser, None),
        (browser, Some("")),
        (browser, Some("forged")),
        (browser, Some(other_session.as_str())),
        (&sessionless, good),
    ] {
        let r = send(with_csrf(client.post("/api/posts").json(&new_post()), csrf)).await;
        let body = problem(r, 403).await;
        assert!(body["detail"].as_str().unwrap().contains("CSRF"), "{body}");
    }
    assert!(ids(&page(&app, Some(&alice.access_token), &[]).await).is_empty());
    let r = send(with_csrf(
        browser.post("/api/posts").json(&new_post()),
        good,
    ))
    .await;
    assert_eq!(r.status(), 201);
    let id = id_of(&r.json::<Value>().await.unwrap());
    let path = format!("/api/posts/{id}");

    // Reading by cookie needs no CSRF token, and the cookie authenticates (a private post),
    // with no session at all.
    assert_eq!(send(sessionless.get(&path)).await.status(), 200);
    let r = send(sessionless.get("/api/posts")).await;
    assert_eq!(ids(&r.json::<Value>().await.unwrap()), [id]);
    assert!(sessionless.cookie("sigil_session").is_none());

    // Changing and deleting by cookie: the same rule.
    let patch = json!({"title": "changed by cookie"});
    let r = send(browser.request(Method::PATCH, &path).json(&patch)).await;
    problem(r, 403).await;
    problem(send(browser.request(Method::DELETE, &path)).await, 403).await;
    let r = app.get_post(Some(&alice.access_token), id).await;
    assert_eq!(r.json::<Value>().await.unwrap()["title"], "by cookie");
    let r = send(with_csrf(browser.request(Method::PATCH, &path), good).json(&patch)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<Value>().await.unwrap()["title"],
        "changed by cookie"
    );
    let r = send(with_csrf(browser.request(Method::DELETE, &path), good)).await;
    assert_eq!(r.status(), 204);

    // Bearer writes need none, even with the browser's cookies alongside (the header wins).
    let r = app
        .create_post(&alice.access_token, post_body("by bearer", "public"))
        .await;
    assert_eq!(r.status(), 201);
    let id = id_of(&r.json::<Value>().await.unwrap());
    assert_eq!(
        app.patch_post(&alice.access_token, id, json!({"title": "bearer patch"}))
            .await
            .status(),
        200
    );
    let req = browser.request(Method::DELETE, &format!("/api/posts/{id}"));
    let r = send(req.bearer_auth(&alice.access_token)).await;
    assert_eq!(r.status(), 204);
}
