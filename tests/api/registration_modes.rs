//! Registration modes, the domain allow-list and invitations (API.md part three §4), as an
//! attacker would try them: `closed` on every path, `invite` with no, bogus, used, revoked,
//! expired and replaced invitations, the invited address taking over whatever `email` says,
//! and the domain list against registration, address changes, IDNA look-alikes and sub-domains.

use std::process::{Command, Stdio};
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{
    csrf_of, events, problem, send, Backend, SmtpServer, TestApp, TestUser, PASSWORD,
};

backend_tests!(
    closed_refuses_every_path_but_the_command_line,
    invite_needs_a_pending_invitation_and_gives_its_address_verified,
    used_revoked_expired_and_replaced_invitations_do_not_work,
    the_register_page_carries_an_invitation,
    admins_list_and_revoke_invitations_and_pats_cannot,
    the_domain_list_binds_registration_and_address_changes_not_invitations,
);

const DOMAIN_MESSAGE: &str = "Accounts are limited to addresses at example.com.";

/// An open server with an administrator (`root`) and mail going to a test SMTP server, and a
/// second instance on the same database with `overrides` (the mode under test).
async fn with_mode(
    b: Backend,
    overrides: &[(&str, &str)],
) -> (TestApp, TestApp, TestUser, SmtpServer) {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let open =
        TestApp::spawn_with(b, &[("SMTP_URL", &url), ("MAIL_RETRY_BASE_SECONDS", "1")]).await;
    let root = open.admin("root").await;
    let app = open.spawn_sibling_with(overrides).await;
    (open, app, root, smtp)
}

async fn invite(app: &TestApp, admin: &TestUser, body: Value) -> reqwest::Response {
    app.json(
        Method::POST,
        "/api/admin/invitations",
        Some(&admin.access_token),
        body,
    )
    .await
}

/// The token of the newest invitation mailed to `to`, waiting for the `n`-th one.
async fn invitation_token(smtp: &SmtpServer, to: &str, n: usize) -> String {
    let mut mails = Vec::new();
    for _ in 0..100 {
        mails = smtp
            .messages()
            .into_iter()
            .filter(|m| m.to == [to] && m.decoded().contains("/register?invitation="))
            .collect::<Vec<_>>();
        if mails.len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        mails.len() >= n,
        "{n} invitation(s) to {to}, got {}",
        mails.len()
    );
    let text = mails[n - 1].decoded();
    let at = text.find("/register?invitation=").unwrap() + "/register?invitation=".len();
    let token: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert!(token.len() >= 43, "at least 256 bits: {token}");
    token
}

fn register_body(email: &str, username: &str, invitation: Option<&str>) -> Value {
    let mut body = json!({"email": email, "username": username, "password": PASSWORD});
    if let Some(token) = invitation {
        body["invitation"] = json!(token);
    }
    body
}

async fn bad_invitation(r: reqwest::Response, what: &str) {
    let p = problem(r, 422).await;
    assert!(p["errors"]["invitation"][0].is_string(), "{what}: {p}");
}

async fn closed_refuses_every_path_but_the_command_line(b: Backend) {
    let (open, app, root, smtp) = with_mode(b, &[("REGISTRATION", "closed")]).await;
    // An invitation sent while registration was open is useless once it is closed.
    assert_eq!(
        invite(&open, &root, json!({"email": "early@example.com"}))
            .await
            .status(),
        201
    );
    let early = invitation_token(&smtp, "early@example.com", 1).await;

    for body in [
        register_body("mallory@example.com", "mallory", None),
        register_body("early@example.com", "early", Some(&early)),
        json!({}),
    ] {
        let p = problem(app.register(body.clone()).await, 403).await;
        assert_eq!(p["type"], "/problems/registration-closed", "{body}");
    }
    let r = invite(&app, &root, json!({"email": "late@example.com"})).await;
    let p = problem(r, 409).await;
    assert!(p["detail"].as_str().unwrap().contains("closed"), "{p}");

    // The pages: GET and a POST with a good CSRF token, with and without the invitation.
    let browser = app.new_browser();
    for path in [
        "/register".to_string(),
        format!("/register?invitation={early}"),
    ] {
        let (status, html) = browser.page(&path).await;
        assert_eq!(status, 403, "{path}");
        assert!(html.contains("Registration is closed"), "{path}");
        assert!(!html.contains("name=\"password\""), "no form: {path}");
    }
    let csrf = csrf_of(&browser.page("/login").await.1);
    let r = browser
        .form(
            "/register",
            &[
                ("csrf_token", csrf.as_str()),
                ("email", "early@example.com"),
                ("username", "early"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
                ("invitation", early.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Registration is closed"));
    // Nobody got in: neither name signs in.
    for name in ["mallory", "early"] {
        let r = app
            .login(json!({"username": name, "password": PASSWORD}))
            .await;
        assert_eq!(r.status(), 401, "{name}");
    }

    // The command line still makes accounts.
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigil"))
        .args([
            "create-user",
            "--email",
            "cli@example.com",
            "--username",
            "cli",
        ])
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &app.database_url)
        .env("SECRET_KEY", crate::helpers::SECRET_KEY)
        .env("BCRYPT_COST", "4")
        .env("REGISTRATION", "closed")
        .env("REGISTRATION_EMAIL_DOMAINS", "elsewhere.test")
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sigil");
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(app.login_pair("cli", PASSWORD).await["access_token"].is_string());
}

async fn invite_needs_a_pending_invitation_and_gives_its_address_verified(b: Backend) {
    let (_open, app, root, smtp) = with_mode(b, &[("REGISTRATION", "invite")]).await;
    // None at all, blank, or null: 403 invitation-required.
    for body in [
        register_body("carol@example.com", "carol", None),
        register_body("carol@example.com", "carol", Some("  ")),
        json!({"email": "carol@example.com", "username": "carol", "password": PASSWORD, "invitation": null}),
    ] {
        let p = problem(app.register(body.clone()).await, 403).await;
        assert_eq!(p["type"], "/problems/invitation-required", "{body}");
    }
    // Bogus ones: a token of the right shape that was never issued, a short one, a number.
    let made_up = "A".repeat(43);
    for token in [json!(made_up), json!("short"), json!(12345)] {
        let mut body = register_body("carol@example.com", "carol", None);
        body["invitation"] = token.clone();
        bad_invitation(app.register(body).await, &token.to_string()).await;
    }

    let r = invite(
        &app,
        &root,
        json!({"email": "Carol@Example.com", "locale": "de"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    assert_eq!(created["email"], "carol@example.com");
    assert_eq!(created["invited_by"], root.id);
    let mut keys: Vec<&str> = created
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        ["created_at", "email", "expires_at", "id", "invited_by"]
    );
    // Valid INVITATION_DAYS (7 by default).
    let created_at = time::OffsetDateTime::parse(
        created["created_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let expires_at = time::OffsetDateTime::parse(
        created["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!((expires_at - created_at).whole_days(), 7);
    let token = invitation_token(&smtp, "carol@example.com", 1).await;
    // The token is stored only as its SHA-256.
    assert!(!created.to_string().contains(&token));

    // The invited address wins over whatever `email` says, and is verified.
    let r = app
        .register(register_body("mallory@evil.test", "carol", Some(&token)))
        .await;
    assert_eq!(r.status(), 201);
    let user: Value = r.json().await.unwrap();
    assert_eq!(user["email"], "carol@example.com");
    assert_eq!(user["email_verified"], true);
    // Used once only, whoever tries again.
    let r = app
        .register(register_body("carol2@example.com", "carol2", Some(&token)))
        .await;
    bad_invitation(r, "used").await;
    assert!(app.login_pair("carol", PASSWORD).await["access_token"].is_string());
    // No verification link went out: only the invitation reached carol's address.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let to_carol: Vec<_> = smtp
        .messages()
        .into_iter()
        .filter(|m| m.to == ["carol@example.com"])
        .collect();
    assert_eq!(to_carol.len(), 1, "{to_carol:#?}");

    // Events: created by root, accepted by carol.
    let accepted = events(&app, &root.access_token, "kind=invitation_accepted").await;
    assert_eq!(accepted.len(), 1, "{accepted:#?}");
    assert_eq!(accepted[0]["user_id"], user["id"]);
    let created_events = events(&app, &root.access_token, "kind=invitation_created").await;
    assert_eq!(created_events.len(), 1);

    // An address that has an account cannot be invited.
    let r = invite(&app, &root, json!({"email": "carol@example.com"})).await;
    problem(r, 409).await;
    let r = invite(&app, &root, json!({"email": "ROOT@example.com"})).await;
    problem(r, 409).await;
    // Bad input names the field.
    let p = problem(
        invite(
            &app,
            &root,
            json!({"email": "not an address", "locale": "fr"}),
        )
        .await,
        422,
    )
    .await;
    assert!(
        p["errors"]["email"].is_array() && p["errors"]["locale"].is_array(),
        "{p}"
    );
}

async fn used_revoked_expired_and_replaced_invitations_do_not_work(b: Backend) {
    let (_open, app, root, smtp) = with_mode(b, &[("REGISTRATION", "invite")]).await;
    for who in ["dave", "erin", "frank"] {
        let r = invite(&app, &root, json!({"email": format!("{who}@example.com")})).await;
        assert_eq!(r.status(), 201, "{who}");
    }
    let dave = invitation_token(&smtp, "dave@example.com", 1).await;
    let erin = invitation_token(&smtp, "erin@example.com", 1).await;
    let frank_first = invitation_token(&smtp, "frank@example.com", 1).await;

    // Revoked.
    let list: Value = send(app.bearer.get("/api/admin/invitations", &root.access_token))
        .await
        .json()
        .await
        .unwrap();
    let dave_id = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["email"] == "dave@example.com")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/admin/invitations/{dave_id}");
    let r = send(
        app.bearer
            .request(Method::DELETE, &path, &root.access_token),
    )
    .await;
    assert_eq!(r.status(), 204);
    let r = send(
        app.bearer
            .request(Method::DELETE, &path, &root.access_token),
    )
    .await;
    problem(r, 404).await;
    bad_invitation(
        app.register(register_body("dave@example.com", "dave", Some(&dave)))
            .await,
        "revoked",
    )
    .await;

    // Expired.
    app.sql("UPDATE invitations SET expires_at = '2000-01-01 00:00:00' WHERE email = 'erin@example.com'");
    bad_invitation(
        app.register(register_body("erin@example.com", "erin", Some(&erin)))
            .await,
        "expired",
    )
    .await;

    // A repeat replaces: the first link is dead, the second works.
    assert_eq!(
        invite(&app, &root, json!({"email": "frank@example.com"}))
            .await
            .status(),
        201
    );
    let frank_second = invitation_token(&smtp, "frank@example.com", 2).await;
    assert_ne!(frank_first, frank_second);
    bad_invitation(
        app.register(register_body(
            "frank@example.com",
            "frank",
            Some(&frank_first),
        ))
        .await,
        "replaced",
    )
    .await;
    let revoked = events(&app, &root.access_token, "kind=invitation_revoked").await;
    assert_eq!(revoked.len(), 2, "dave's and frank's first: {revoked:#?}");
    let list: Value = send(app.bearer.get("/api/admin/invitations", &root.access_token))
        .await
        .json()
        .await
        .unwrap();
    let pending: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        pending,
        ["frank@example.com"],
        "one frank, no dave, no expired erin"
    );

    // Two registrations racing with one invitation: exactly one account.
    let (a, b2) = tokio::join!(
        app.register(register_body(
            "x@example.com",
            "frank_a",
            Some(&frank_second)
        )),
        app.register(register_body(
            "y@example.com",
            "frank_b",
            Some(&frank_second)
        )),
    );
    let mut statuses = [a.status().as_u16(), b2.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 422]);
    // A failed registration (a taken username) leaves the invitation usable.
    assert_eq!(
        invite(&app, &root, json!({"email": "gail@example.com"}))
            .await
            .status(),
        201
    );
    let gail = invitation_token(&smtp, "gail@example.com", 1).await;
    let r = app
        .register(register_body("gail@example.com", "root", Some(&gail)))
        .await;
    problem(r, 409).await;
    let r = app
        .register(register_body("gail@example.com", "gail", Some(&gail)))
        .await;
    assert_eq!(r.status(), 201);
}

async fn the_register_page_carries_an_invitation(b: Backend) {
    let (_open, app, root, smtp) = with_mode(b, &[("REGISTRATION", "invite")]).await;
    let browser = app.new_browser();
    let (status, html) = browser.page("/register").await;
    assert_eq!(status, 403);
    assert!(html.contains("Registration is by invitation only"));
    let (status, _) = browser
        .page("/register?invitation=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        invite(&app, &root, json!({"email": "hana@example.com"}))
            .await
            .status(),
        201
    );
    let token = invitation_token(&smtp, "hana@example.com", 1).await;
    let page = format!("/register?invitation={token}");
    let (status, html) = browser.page(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains("hana@example.com"));
    assert!(html.contains(&format!(r#"name="invitation" value="{token}""#)));
    // The typed address is ignored: the account gets the invited one, verified.
    let r = browser
        .fill_in(
            &page,
            "/register",
            &[
                ("email", "mallory@evil.test"),
                ("username", "hana"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
                ("invitation", &token),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let pair = app.login_pair("hana", PASSWORD).await;
    let me: Value = app
        .me(pair["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (me["email"].as_str(), me["email_verified"].as_bool()),
        (Some("hana@example.com"), Some(true))
    );
    // The page without the invitation still refuses a POST.
    let other = app.new_browser();
    let csrf_other = csrf_of(&other.page("/login").await.1);
    let r = other
        .form(
            "/register",
            &[
                ("csrf_token", csrf_other.as_str()),
                ("email", "ivan@example.com"),
                ("username", "ivan"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);
}

async fn admins_list_and_revoke_invitations_and_pats_cannot(b: Backend) {
    let (_open, app, root, _smtp) = with_mode(b, &[("REGISTRATION", "invite")]).await;
    for n in 0..3 {
        let r = invite(&app, &root, json!({"email": format!("p{n}@example.com")})).await;
        assert_eq!(r.status(), 201);
    }
    // Cursor pagination, newest first.
    let page: Value = send(
        app.bearer
            .get("/api/admin/invitations?limit=2", &root.access_token),
    )
    .await
    .json()
    .await
    .unwrap();
    let emails: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["p2@example.com", "p1@example.com"]);
    let cursor = page["next_cursor"].as_str().unwrap();
    let path = format!("/api/admin/invitations?limit=2&cursor={cursor}");
    let rest: Value = send(app.bearer.get(&path, &root.access_token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["items"][0]["email"], "p0@example.com");
    assert!(rest["next_cursor"].is_null());
    let r = send(
        app.bearer
            .get("/api/admin/invitations?cursor=forged", &root.access_token),
    )
    .await;
    problem(r, 422).await;

    // A scoped token, even with admin:write, is refused: invitations are session only.
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
    let pat = pat["token"].as_str().expect("a PAT");
    let r = send(app.bearer.get("/api/admin/invitations", pat)).await;
    assert_eq!(r.status(), 403);
    let r = invite(
        &app,
        &TestUser {
            access_token: pat.to_string(),
            ..root.clone()
        },
        json!({"email": "z@example.com"}),
    )
    .await;
    assert_eq!(r.status(), 403);

    // The page: the list, the form, revoke buttons, CSRF; linked from the admin nav.
    app.cookie.login("root", PASSWORD).await;
    let (status, html) = app.cookie.page("/admin").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"href="/admin/invitations""#));
    let (status, html) = app.cookie.page("/admin/invitations").await;
    assert_eq!(status, 200);
    assert!(html.contains("p0@example.com") && html.contains("/revoke"));
    let r = app
        .cookie
        .fill_in(
            "/admin/invitations",
            "/admin/invitations",
            &[
                ("email", "q@example.com"),
                ("return_to", "/admin/invitations"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = app.cookie.page("/admin/invitations").await;
    assert!(html.contains("Invitation sent to q@example.com"));
    let r = app
        .cookie
        .fill_in(
            "/admin/invitations",
            "/admin/invitations",
            &[("email", "root@example.com")],
        )
        .await;
    assert_eq!(r.status(), 409);
    // Without the CSRF token, nothing.
    let r = app
        .cookie
        .form("/admin/invitations", &[("email", "r@example.com")])
        .await;
    assert_eq!(r.status(), 403);
    let list: Value = send(app.bearer.get("/api/admin/invitations", &root.access_token))
        .await
        .json()
        .await
        .unwrap();
    let items = list["items"].as_array().unwrap();
    assert!(items.iter().all(|i| i["email"] != "r@example.com"));
    let q = items
        .iter()
        .find(|i| i["email"] == "q@example.com")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let revoke = format!("/admin/invitations/{q}/revoke");
    let r = app.cookie.fill_in("/admin/invitations", &revoke, &[]).await;
    assert_eq!(r.status(), 303);
    let (_, html) = app.cookie.page("/admin/invitations").await;
    assert!(!html.contains("<td>q@example.com</td>"));
}

async fn the_domain_list_binds_registration_and_address_changes_not_invitations(b: Backend) {
    let (_open, app, root, smtp) =
        with_mode(b, &[("REGISTRATION_EMAIL_DOMAINS", "Example.com")]).await;
    // Open registration: exact domain, any case; not a sub-domain, a look-alike, or a suffix.
    let r = app
        .register(register_body("ada@EXAMPLE.com", "ada", None))
        .await;
    assert_eq!(r.status(), 201);
    // The look-alike written as its A-label is refused too.
    let a_label = format!(
        "bob@{}",
        idna::domain_to_ascii("ex\u{0430}mple.com").unwrap()
    );
    assert!(a_label.starts_with("bob@xn--"), "{a_label}");
    let p = problem(
        app.register(register_body(&a_label, "bob3", None)).await,
        422,
    )
    .await;
    assert_eq!(p["errors"]["email"][0], DOMAIN_MESSAGE, "{a_label}");
    for (email, name) in [
        ("bob@sub.example.com", "bob1"),
        ("bob@ex\u{0430}mple.com", "bob2"), // Cyrillic 'а'
        ("bob@example.com.evil.test", "bob4"),
        ("bob@evil.test", "bob5"),
    ] {
        let p = problem(app.register(register_body(email, name, None)).await, 422).await;
        assert_eq!(p["errors"]["email"][0], DOMAIN_MESSAGE, "{email}");
    }
    // The page says the same beside the field.
    let browser = app.new_browser();
    let r = browser
        .fill_in(
            "/register",
            "/register",
            &[
                ("email", "bob@ex\u{0430}mple.com"),
                ("username", "bob"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(DOMAIN_MESSAGE));

    // Address changes, API and page.
    let pair = app.login_pair("ada", PASSWORD).await;
    let ada = pair["access_token"].as_str().unwrap();
    for new in [
        "ada@sub.example.com",
        "ada@ex\u{0430}mple.com",
        "ada@other.test",
    ] {
        let r = app
            .change_email(ada, json!({"new_email": new, "current_password": PASSWORD}))
            .await;
        let p = problem(r, 422).await;
        assert_eq!(p["errors"]["new_email"][0], DOMAIN_MESSAGE, "{new}");
    }
    let r = app
        .change_email(
            ada,
            json!({"new_email": "ada2@example.com", "current_password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), 202);
    let browser = app.new_browser();
    assert_eq!(browser.login("ada", PASSWORD).await.status(), 303);
    let r = browser
        .fill_in(
            "/account",
            "/account/email",
            &[
                ("new_email", "ada@sub.example.com"),
                ("email_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(DOMAIN_MESSAGE));

    // An invitation is not bound by the list.
    assert_eq!(
        invite(&app, &root, json!({"email": "guest@elsewhere.test"}))
            .await
            .status(),
        201
    );
    let token = invitation_token(&smtp, "guest@elsewhere.test", 1).await;
    let r = app
        .register(register_body("whatever@example.com", "guest", Some(&token)))
        .await;
    assert_eq!(r.status(), 201);
    let user: Value = r.json().await.unwrap();
    assert_eq!(
        (user["email"].as_str(), user["email_verified"].as_bool()),
        (Some("guest@elsewhere.test"), Some(true))
    );
}
