//! The pages under `/admin` and the security activity on `/account`, through real HTTP as a
//! browser sends it: who may see them, every action, the last-admin rule, CSRF, bad input.

use std::time::Duration;

use crate::backend_tests;
use crate::helpers::{
    csrf_of, header, send, Backend, Browser, Requests as _, TestApp, TestUser, PASSWORD,
};

backend_tests!(
    non_admins_get_the_403_page_everywhere_under_admin,
    an_admin_finds_disables_and_enables_a_user,
    role_sign_out_everywhere_and_a_reset_link,
    delete_needs_the_typed_username,
    the_last_admin_is_protected_with_a_reason_on_the_page,
    admin_forms_without_a_csrf_token_are_refused,
    bad_input_on_admin_pages_is_a_4xx_page,
    the_account_page_shows_devices_and_security_activity,
);

/// `root` (an administrator, signed in in `app.cookie`, the first account: id 1) and `alice`
/// (a user, signed in in a browser of her own).
async fn admin_and_alice(b: Backend) -> (TestApp, TestUser, Browser) {
    let app = TestApp::spawn(b).await;
    assert_eq!(app.user("root").await.id, 1);
    app.sql("UPDATE users SET role = 'admin' WHERE username = 'root'");
    let alice = app.user("alice").await;
    assert_eq!(app.cookie.login("root", PASSWORD).await.status(), 303);
    let browser = app.new_browser();
    assert_eq!(browser.login("alice", PASSWORD).await.status(), 303);
    (app, alice, browser)
}

/// Posts an admin form of `alice`'s page (with that page's CSRF token) and returns the
/// response.
async fn act(app: &TestApp, id: i64, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let page = format!("/admin/users/{id}");
    app.cookie
        .fill_in(&page, &format!("{page}/{action}"), fields)
        .await
}

/// Follows a 303 in the same browser; the page's status and HTML.
async fn follow(c: &Browser, r: reqwest::Response) -> (u16, String) {
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    c.page(&header(&r, "location")).await
}

/// Whether the users table of an `/admin` page lists `username`.
fn listed(html: &str, username: &str) -> bool {
    html.contains(&format!(">{username}</a></td>"))
}

/// Whether the browser's next page load finds it signed out (sent to the login page).
async fn signed_out(c: &Browser) -> bool {
    let r = send(c.get("/account")).await;
    r.status() == 303 && header(&r, "location").starts_with("/login")
}

async fn non_admins_get_the_403_page_everywhere_under_admin(b: Backend) {
    let (app, alice, browser) = admin_and_alice(b).await;
    let root_id = 1;
    for path in [
        "/admin".to_string(),
        "/admin?query=root".into(),
        format!("/admin/users/{root_id}"),
        format!("/admin/users/{}", alice.id),
        "/admin/events".into(),
        "/admin/events?kind=sign_in".into(),
    ] {
        let (status, html) = browser.page(&path).await;
        assert_eq!(status, 403, "{path}");
        assert!(
            html.contains("These pages are for administrators."),
            "{path}"
        );
    }
    // Her own pages carry no Admin link; the administrator's do.
    let (_, html) = browser.page("/account").await;
    assert!(!html.contains(r#"href="/admin""#));
    let (_, html) = app.cookie.page("/account").await;
    assert!(html.contains(r#"href="/admin""#));

    // Every form, with a good CSRF token: refused, and nothing happens.
    let csrf = csrf_of(&browser.page("/account").await.1);
    for action in [
        "disable",
        "enable",
        "logout-all",
        "password-reset",
        "sign-in-failures/clear",
        "role",
        "delete",
    ] {
        let path = format!("/admin/users/{root_id}/{action}");
        let fields = [
            ("csrf_token", csrf.as_str()),
            ("role", "user"),
            ("confirm_username", "root"),
        ];
        let r = browser.form(&path, &fields).await;
        assert_eq!(r.status(), 403, "{path}");
        assert!(r.text().await.unwrap().contains("for administrators"));
    }
    let (status, html) = app.cookie.page("/admin/users/1").await;
    assert_eq!(status, 200);
    assert!(html.contains("Administrator") && !html.contains("Disabled"));
    assert_eq!(
        app.cookie.page("/admin").await.0,
        200,
        "root still signed in"
    );

    // A visitor who is not signed in is sent to log in, and back.
    let r = send(app.anon.get("/admin/events")).await;
    assert_eq!(r.status(), 303);
    assert_eq!(header(&r, "location"), "/login?next=/admin/events");
}

async fn an_admin_finds_disables_and_enables_a_user(b: Backend) {
    let (app, alice, browser) = admin_and_alice(b).await;
    for name in ["bob", "carol"] {
        app.user(name).await;
    }
    let (status, html) = app.cookie.page("/admin?query=ALI").await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(r#"href="/admin/users/{}""#, alice.id)));
    assert!(html.contains("alice@example.com"));
    assert!(!listed(&html, "bob") && !listed(&html, "root"));

    // Keyset pages: three users a page, then the rest through the next link.
    let (_, html) = app.cookie.page("/admin?limit=3").await;
    assert!(listed(&html, "carol") && listed(&html, "bob") && listed(&html, "alice"));
    assert!(!listed(&html, "root"));
    let marker = r#"href="/admin?cursor="#;
    let at = html.find(marker).expect("a next page link") + 6;
    let next = html[at..].split('"').next().unwrap().replace("&amp;", "&");
    let (status, html) = app.cookie.page(&next).await;
    assert_eq!(status, 200, "{next}");
    assert!(listed(&html, "root") && !listed(&html, "carol"));

    // Disabling ends her sessions: her browser is signed out on its next page load.
    let (_, html) = follow(&app.cookie, act(&app, alice.id, "disable", &[]).await).await;
    assert!(html.contains("alice is disabled"), "{html}");
    assert!(html.contains("badge-disabled"));
    assert!(signed_out(&browser).await, "alice's browser is signed out");
    let r = browser.login("alice", PASSWORD).await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("has been disabled"));

    let (_, html) = follow(&app.cookie, act(&app, alice.id, "enable", &[]).await).await;
    assert!(html.contains("alice is enabled"));
    assert!(html.contains("Account disabled by administrator root"));
    assert_eq!(browser.login("alice", PASSWORD).await.status(), 303);
    assert_eq!(browser.page("/account").await.0, 200);
}

async fn role_sign_out_everywhere_and_a_reset_link(b: Backend) {
    let (app, alice, browser) = admin_and_alice(b).await;

    let (_, html) = follow(
        &app.cookie,
        act(&app, alice.id, "role", &[("role", "admin")]).await,
    )
    .await;
    assert!(html.contains("alice is now an administrator."));
    let (status, html) = browser.page("/admin").await;
    assert_eq!(status, 200, "alice may use the admin pages now");
    assert!(html.contains(r#"href="/admin""#));
    let (_, html) = follow(
        &app.cookie,
        act(&app, alice.id, "role", &[("role", "user")]).await,
    )
    .await;
    assert!(html.contains("alice is now a user"));
    assert_eq!(browser.page("/admin").await.0, 403);

    let (_, html) = follow(&app.cookie, act(&app, alice.id, "logout-all", &[]).await).await;
    assert!(html.contains("alice is signed out everywhere."));
    assert!(html.contains("No live sessions."));
    assert!(signed_out(&browser).await);

    let (_, html) = follow(
        &app.cookie,
        act(&app, alice.id, "password-reset", &[]).await,
    )
    .await;
    assert!(html.contains("A password-reset link is on its way"));
    let mail = outbox_mail(&app, "/reset-password?token=").await;
    assert!(mail.contains("alice@example.com"));
    let (_, html) = app.cookie.page("/admin/users/1").await;
    assert!(
        !html.contains("reset-password?token="),
        "the admin never sees the link"
    );

    // The trail of it all, filtered by account and kind.
    let (status, html) = app
        .cookie
        .page(&format!("/admin/events?user={}", alice.id))
        .await;
    assert_eq!(status, 200);
    for label in [
        "Role changed by administrator root",
        "Signed out everywhere by administrator root",
        "Reset link sent by administrator root",
        "was admin, now user",
    ] {
        assert!(html.contains(label), "{label}");
    }
    let (_, html) = app
        .cookie
        .page("/admin/events?kind=admin_password_reset")
        .await;
    assert!(html.contains("<td>Reset link sent by administrator root"));
    assert!(!html.contains("<td>Role changed by"));
    assert!(html.contains(r#"<option value="admin_password_reset" selected>"#));
}

/// The decoded text of the first mail in the outbox that contains `needle` (waits up to 10 s).
async fn outbox_mail(app: &TestApp, needle: &str) -> String {
    for _ in 0..100 {
        if let Ok(dir) = std::fs::read_dir(app.outbox_dir()) {
            for entry in dir.flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                let decoded = text.replace("=\r\n", "").replace("=3D", "=");
                if decoded.contains(needle) {
                    return decoded;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no mail with {needle} in the outbox");
}

async fn delete_needs_the_typed_username(b: Backend) {
    let (app, alice, browser) = admin_and_alice(b).await;
    let r = act(&app, alice.id, "delete", &[("confirm_username", "alicia")]).await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Type the username, alice, to delete this account."));
    assert_eq!(browser.page("/account").await.0, 200, "nothing happened");

    let r = act(&app, alice.id, "delete", &[("confirm_username", "alice")]).await;
    assert_eq!(header(&r, "location"), "/admin");
    let (_, html) = follow(&app.cookie, r).await;
    assert!(html.contains("The account alice is deleted"));
    assert!(!listed(&html, "alice"));
    let (status, html) = app.cookie.page(&format!("/admin/users/{}", alice.id)).await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"));
    assert!(signed_out(&browser).await);
    // The trail keeps the account's events, named by id.
    let (_, html) = app
        .cookie
        .page(&format!("/admin/events?user={}", alice.id))
        .await;
    assert!(html.contains("Account deleted by administrator root"));
    assert!(html.contains(&format!("deleted account #{}", alice.id)));
}

async fn the_last_admin_is_protected_with_a_reason_on_the_page(b: Backend) {
    let (app, _alice, _browser) = admin_and_alice(b).await;
    let root = 1;
    for (action, fields) in [
        ("disable", vec![]),
        ("role", vec![("role", "user")]),
        ("delete", vec![("confirm_username", "root")]),
    ] {
        let r = act(&app, root, action, &fields).await;
        assert_eq!(r.status(), 409, "{action}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("This is the last active administrator"),
            "{action}: {html}"
        );
        assert!(html.contains("<h1>root"), "the account's page, re-rendered");
    }
    let (status, html) = app.cookie.page("/admin/users/1").await;
    assert_eq!(status, 200);
    assert!(html.contains("Administrator") && !html.contains("badge-disabled"));
}

async fn admin_forms_without_a_csrf_token_are_refused(b: Backend) {
    let (app, alice, browser) = admin_and_alice(b).await;
    for (csrf, what) in [(None, "missing"), (Some("forged"), "wrong")] {
        let mut fields = vec![("role", "admin")];
        if let Some(token) = csrf {
            fields.push(("csrf_token", token));
        }
        for action in ["disable", "role", "logout-all"] {
            let path = format!("/admin/users/{}/{action}", alice.id);
            let r = app.cookie.form(&path, &fields).await;
            assert_eq!(r.status(), 403, "{what} token on {action}");
            assert!(header(&r, "content-type").starts_with("text/html"));
        }
    }
    assert_eq!(browser.page("/account").await.0, 200, "nothing happened");
    assert_eq!(browser.page("/admin").await.0, 403, "still not an admin");
}

async fn bad_input_on_admin_pages_is_a_4xx_page(b: Backend) {
    let (app, alice, _browser) = admin_and_alice(b).await;
    for (path, status, message) in [
        ("/admin?cursor=garbage", 422, "cursor"),
        ("/admin?limit=0", 422, "limit must be"),
        ("/admin/events?user=abc", 422, "No account is named"),
        ("/admin/events?kind=nope", 422, "Unknown event kind"),
        ("/admin/events?cursor=%00", 422, "cursor"),
        ("/admin/users/abc", 404, "Page not found"),
        ("/admin/users/99999", 404, "Page not found"),
        ("/admin/users/99999999999999", 404, "Page not found"),
        ("/account/activity?cursor=garbage", 422, "cursor"),
    ] {
        let r = send(app.cookie.get(path)).await;
        assert_eq!(r.status().as_u16(), status, "{path}");
        assert!(
            header(&r, "content-type").starts_with("text/html"),
            "{path}"
        );
        let html = r.text().await.unwrap();
        assert!(html.contains(message), "{path}: {html}");
    }
    let long = format!("/admin?query={}", "x".repeat(101));
    let (status, html) = app.cookie.page(&long).await;
    assert_eq!(status, 422);
    assert!(html.contains("Search for at most 100 characters."));

    let r = act(&app, alice.id, "role", &[("role", "superuser")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Role must be"));
    for action in ["disable", "logout-all", "password-reset"] {
        let (_, html) = app.cookie.page("/admin").await;
        let csrf = csrf_of(&html);
        let r = app
            .cookie
            .form(
                &format!("/admin/users/99999/{action}"),
                &[("csrf_token", csrf.as_str())],
            )
            .await;
        assert_eq!(r.status(), 404, "{action}");
    }
}

async fn the_account_page_shows_devices_and_security_activity(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("dora").await;
    // A failed sign-in and 21 more sign-ins: 23 events with the registration's login.
    let _ = app
        .login(serde_json::json!({"username": "dora", "password": "not her password"}))
        .await;
    for _ in 0..20 {
        app.login_pair("dora", PASSWORD).await;
    }
    let browser = app.new_browser();
    let r = browser
        .fill_in(
            "/login",
            "/login",
            &[("username", "dora"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (status, html) = browser.page("/account").await;
    assert_eq!(status, 200);
    assert!(html.contains("Recent security activity"));
    assert!(html.contains("Signed in"));
    assert!(
        html.contains("127.0.0.1"),
        "sessions and events show the address"
    );
    assert_eq!(
        html.matches("<td>Signed in").count(),
        20,
        "the newest 20 events"
    );
    assert!(
        !html.contains("Failed sign-in"),
        "the oldest are on the next page"
    );
    let marker = r#"href="/account/activity?cursor="#;
    let at = html.find(marker).expect("a link to older activity") + 6;
    let next = html[at..].split('"').next().unwrap().to_string();
    let (status, html) = browser.page(&next).await;
    assert_eq!(status, 200);
    assert!(html.contains("Security activity"));
    assert!(html.contains("Failed sign-in"));
    assert!(html.contains("name tried: dora, wrong password"));
    assert!(
        !html.contains(r#"href="/account/activity?cursor="#),
        "the last page"
    );
    let (status, html) = browser.page("/account/activity").await;
    assert_eq!(status, 200);
    assert!(html.contains("Older activity"));
}
