//! Pages of posts are kept rendered between requests (by the posts version), anonymous ones
//! and each signed-in viewer's: every change, made through either of two instances or by hand
//! in the database, shows on both at their next request, exactly as a page nobody kept would
//! show it, and a viewer's page (with their private posts) is never anyone else's.

use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, TestUser};

backend_tests!(
    an_anonymous_page_shows_every_change_at_once_on_every_instance,
    a_change_made_in_the_database_shows_at_once,
    a_viewers_kept_page_is_theirs_and_follows_every_change,
);

async fn body(app: &TestApp, token: Option<&str>, query: &str) -> Value {
    let r = app.list_posts(token, query).await;
    assert_eq!(r.status(), 200, "{query}");
    r.json().await.unwrap()
}

/// The anonymous page `query` on both instances, twice each (the second from what was kept),
/// must equal the page of a reader with no posts of their own, read first at this version (so
/// rendered, not kept).
async fn assert_pages(one: &TestApp, two: &TestApp, reader: &TestUser, query: &str, after: &str) {
    let truth = body(one, Some(&reader.access_token), query).await;
    for (name, app) in [("one", one), ("two", two)] {
        for round in ["first", "kept"] {
            assert_eq!(
                body(app, None, query).await,
                truth,
                "{query} on instance {name} ({round}) after {after}"
            );
        }
    }
}

async fn an_anonymous_page_shows_every_change_at_once_on_every_instance(b: Backend) {
    let one = TestApp::spawn(b).await;
    let two = one.spawn_sibling().await;
    let admin = one.admin("root").await;
    let reader = one.user("reader").await;
    let alice = one.user("alice").await;
    let bob = two.user("bob").await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let (app, user) = if i % 2 == 0 {
            (&one, &alice)
        } else {
            (&two, &bob)
        };
        ids.push(
            app.post_as(user, &format!("post {i}"), "public").await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let check = |after: &'static str| check_pages(&one, &two, &reader, after);
    check("seeding").await;
    // Through one instance, then the other, so each has kept pages the change makes stale.
    alice_and_bob_post(&two, &alice, &one, &bob).await;
    check("new posts").await;
    let patched = two
        .patch_post(
            &bob.access_token,
            ids[1],
            json!({"title": "retitled", "body": "new"}),
        )
        .await;
    assert_eq!(patched.status(), 200);
    check("a new title and body").await;
    let hidden = one
        .patch_post(
            &alice.access_token,
            ids[0],
            json!({"visibility": "private"}),
        )
        .await;
    assert_eq!(hidden.status(), 200);
    check("a post made private").await;
    assert_eq!(
        two.delete_post(&alice.access_token, ids[2]).await.status(),
        204
    );
    check("a deleted post").await;
    let page = body(&one, None, "").await;
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["author"]["username"] == "bob"));
    assert_eq!(
        one.admin_delete_user(&admin.access_token, bob.id)
            .await
            .status(),
        204
    );
    check("the author's account deleted").await;
    let page = body(&two, None, "").await;
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["author"]["username"] != "bob"),
        "{page}"
    );
}

/// Every kind of page: the first, a short one and the one after it, one author's, a short
/// one of another's.
async fn check_pages(one: &TestApp, two: &TestApp, reader: &TestUser, after: &str) {
    for query in ["", "?limit=3", "?author=alice", "?author=bob&limit=1"] {
        assert_pages(one, two, reader, query, after).await;
    }
    let short = body(one, Some(&reader.access_token), "?limit=3").await;
    if let Some(cursor) = short["next_cursor"].as_str() {
        let next = format!("?limit=3&cursor={cursor}");
        assert_pages(one, two, reader, &next, after).await;
    }
}

async fn alice_and_bob_post(one: &TestApp, alice: &TestUser, two: &TestApp, bob: &TestUser) {
    one.post_as(alice, "alice, later", "public").await;
    two.post_as(bob, "bob, later", "public").await;
    two.post_as(bob, "bob, private", "private").await;
}

async fn a_change_made_in_the_database_shows_at_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let alice = app.user("alice").await;
    let post = app.post_as(&alice, "as written", "public").await;
    let page = body(&app, None, "").await;
    assert_eq!(page["items"][0]["title"], "as written");
    assert_eq!(body(&app, None, "").await, page, "kept");
    assert_eq!(
        body(&app, None, "?author=alice").await["items"],
        page["items"]
    );
    // An operator's fix by hand, and a rename no route makes: both show at once.
    let id = post["id"].as_i64().unwrap();
    app.sql(&format!(
        "UPDATE posts SET title = 'fixed by hand' WHERE id = {id}"
    ));
    assert_eq!(
        body(&app, None, "").await["items"][0]["title"],
        "fixed by hand"
    );
    app.sql(&format!(
        "UPDATE users SET username = 'alicia' WHERE id = {}",
        alice.id
    ));
    let page = body(&app, None, "").await;
    assert_eq!(page["items"][0]["author"]["username"], "alicia", "{page}");
    assert_eq!(
        body(&app, None, "?author=alicia").await["items"],
        page["items"]
    );
    assert_eq!(body(&app, None, "?author=alice").await["items"], json!([]));
}

/// The titles on a page, newest first.
async fn titles(app: &TestApp, token: Option<&str>) -> Vec<String> {
    body(app, token, "").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_string())
        .collect()
}

async fn a_viewers_kept_page_is_theirs_and_follows_every_change(b: Backend) {
    let one = TestApp::spawn(b).await;
    let two = one.spawn_sibling().await;
    let alice = one.user("alice").await;
    let bob = one.user("bob").await;
    let (a, bo) = (
        Some(alice.access_token.as_str()),
        Some(bob.access_token.as_str()),
    );
    one.post_as(&bob, "bob's", "public").await;
    // Kept on both instances, for each viewer and for anyone.
    for app in [&one, &two] {
        for _ in 0..2 {
            assert_eq!(titles(app, a).await, ["bob's"]);
            assert_eq!(titles(app, bo).await, ["bob's"]);
            assert_eq!(titles(app, None).await, ["bob's"]);
        }
    }
    // A private post through the second instance: at once on the first, for alice only.
    let secret = two.post_as(&alice, "alice's secret", "private").await["id"]
        .as_i64()
        .unwrap();
    for app in [&one, &two] {
        assert_eq!(titles(app, a).await, ["alice's secret", "bob's"]);
        assert_eq!(titles(app, bo).await, ["bob's"], "never alice's page");
        assert_eq!(titles(app, None).await, ["bob's"], "never a viewer's page");
    }
    // Made public through the first: everyone sees it on the second.
    let r = one
        .patch_post(&alice.access_token, secret, json!({"visibility": "public"}))
        .await;
    assert_eq!(r.status(), 200);
    for token in [a, bo, None] {
        assert_eq!(titles(&two, token).await, ["alice's secret", "bob's"]);
    }
    // Deleted through the second: gone from every page of the first.
    assert_eq!(
        one.delete_post(&alice.access_token, secret).await.status(),
        204
    );
    for token in [a, bo, None] {
        assert_eq!(titles(&one, token).await, ["bob's"]);
    }
}
