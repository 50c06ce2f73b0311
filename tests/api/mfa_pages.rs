//! Two-step sign-in, "Confirm it's you" and deleting one's account, through the pages as a
//! browser sends them: the login's second step, adding and removing an authenticator app,
//! recovery codes (shown once, downloaded, used once), the recent-sign-in rule on every
//! sensitive form with the typed fields kept (never a password), and the delete page.

use crate::backend_tests;
use crate::helpers::{
    header, segment, send, token_issued_ago, Backend, Browser, Requests as _, TestApp, PASSWORD,
};

backend_tests!(
    sign_in_with_a_code_a_replay_and_a_recovery_code,
    five_wrong_codes_end_the_second_step,
    the_second_step_needs_a_waiting_sign_in_and_counts_as_a_login_attempt,
    enrol_download_regenerate_and_remove_through_the_pages,
    confirm_its_you_keeps_the_typed_email_and_never_the_password,
    confirm_its_you_on_the_second_factor_and_delete_forms,
    confirm_its_you_with_a_second_factor_on_asks_for_a_code,
    confirm_its_you_on_the_admin_pages_keeps_the_chosen_role,
    delete_my_account_through_the_page,
    the_last_admin_cannot_delete_their_own_account,
);

/// A TOTP code of the current time step moved by `steps` (each code works once, so a test
/// that signs in twice uses the next step the second time).
fn code_in(secret: &str, steps: i64) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp() + steps * 30;
    sigil::testing::totp_code(secret, now as u64)
}

/// Posts `fields` to `path` with the browser's CSRF token.
async fn post(b: &Browser, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let csrf = b.csrf_token().await;
    let mut fields = fields.to_vec();
    fields.push(("csrf_token", &csrf));
    b.form(path, &fields).await
}

/// The text between `start` (after it) and the next `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start:?}")) + start.len();
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The secret the enrolment page shows: one element, so one selection copies it whole.
fn secret_of(html: &str) -> String {
    let secret = between(
        html,
        r#"<code class="secret" id="totp-secret" aria-label="Key">"#,
        "</code>",
    );
    assert!(!secret.contains('<'), "the key is one text node: {secret}");
    secret.to_string()
}

/// The recovery codes a codes page lists.
fn codes_of(html: &str) -> Vec<String> {
    between(html, r#"<ol class="recovery-codes">"#, "</ol>")
        .split("<code>")
        .skip(1)
        .map(|s| s.split("</code>").next().unwrap().to_string())
        .collect()
}

/// Adds an authenticator app through the pages; its secret and the ten recovery codes.
async fn enrol(b: &Browser) -> (String, Vec<String>) {
    let r = post(b, "/account/mfa/totp", &[("return_to", "/account")]).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("<svg"), "an inline QR code");
    assert!(
        !html.contains("<?xml"),
        "no XML declaration inside the page"
    );
    let secret = secret_of(&html);
    assert_eq!(secret.len(), 32, "{secret}");
    let r = post(
        b,
        "/account/mfa/totp/confirm",
        &[("code", &code_in(&secret, 0))],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/account/mfa/recovery-codes");
    let codes = codes_of(&b.page("/account/mfa/recovery-codes").await.1);
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

async fn log_out(b: &Browser) {
    assert_eq!(post(b, "/logout", &[]).await.status(), 303);
}

/// Signs out, then signs in with the password: the browser is at the second step.
async fn password_step(b: &Browser, username: &str) {
    log_out(b).await;
    let r = b.login(username, PASSWORD).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login/mfa");
}

/// Makes the browser's sign-in eleven minutes old (older than `REAUTH_MINUTES`): the same
/// session, an access cookie whose `auth_time` is old.
fn sign_in_ago(b: &Browser) {
    let claims = segment(&b.cookie("access_token").expect("signed in"), 1);
    let old = token_issued_ago(
        claims["sub"].as_str().unwrap().parse().unwrap(),
        claims["username"].as_str().unwrap(),
        claims["sid"].as_str().unwrap(),
        11 * 60,
    );
    b.set_cookie("access_token", &old);
}

/// A user signed in in `app.cookie`.
async fn signed_in(app: &TestApp, username: &str) -> i64 {
    let id = app.user(username).await.id;
    assert_eq!(app.cookie.login(username, PASSWORD).await.status(), 303);
    id
}

/// Checks a response is the "Confirm it's you" page; its HTML.
async fn confirm_page(r: reqwest::Response) -> String {
    assert_eq!(r.status(), 401);
    let html = r.text().await.unwrap();
    assert!(html.contains("<h1>Confirm it&#39;s you</h1>"), "{html}");
    assert!(html.contains(r#"action="/reauthenticate""#));
    html
}

async fn sign_in_with_a_code_a_replay_and_a_recovery_code(b: Backend) {
    let app = TestApp::spawn(b).await;
    signed_in(&app, "alice").await;
    let c = &app.cookie;
    let (secret, codes) = enrol(c).await;

    log_out(c).await;
    let r = c
        .fill_in(
            "/login?next=/account",
            "/login",
            &[
                ("username", "alice"),
                ("password", PASSWORD),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/login/mfa");
    assert!(c.cookie("access_token").is_none(), "no session yet");
    let (status, html) = c.page("/login/mfa").await;
    assert_eq!(status, 200);
    assert!(html.contains("both are accepted"));
    let r = post(c, "/login/mfa", &[("code", "000000")]).await;
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("4 more tries"));
    let right = code_in(&secret, 1);
    let r = post(c, "/login/mfa", &[("code", &right)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/account", "the kept next");
    let claims = segment(&c.cookie("access_token").unwrap(), 1);
    assert_eq!(claims["amr"], serde_json::json!(["pwd", "otp"]));
    let (status, html) = c.page("/account").await;
    assert_eq!(status, 200);
    assert!(html.contains("Welcome back, alice."));
    assert!(html.contains("10 recovery codes left."));

    // The same code again, on a new sign-in: refused as a replay.
    password_step(c, "alice").await;
    let r = post(c, "/login/mfa", &[("code", &right)]).await;
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("4 more tries"));
    // A recovery code (dash and case free) instead.
    let r = post(c, "/login/mfa", &[("code", &codes[0].to_uppercase())]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/");
    assert!(c
        .page("/account")
        .await
        .1
        .contains("9 recovery codes left."));

    // A recovery code works once.
    password_step(c, "alice").await;
    let r = post(c, "/login/mfa", &[("code", &codes[0])]).await;
    assert_eq!(r.status(), 401);
    let r = post(c, "/login/mfa", &[("code", "not a code")]).await;
    assert_eq!(
        r.status(),
        422,
        "a malformed code is a form error, not a try"
    );
    assert!(r.text().await.unwrap().contains("recovery code"));
    let r = post(c, "/login/mfa", &[("code", &codes[1])]).await;
    assert_eq!(r.status(), 303);
}

async fn five_wrong_codes_end_the_second_step(b: Backend) {
    let app = TestApp::spawn(b).await;
    signed_in(&app, "bob").await;
    let c = &app.cookie;
    let (secret, _) = enrol(c).await;
    password_step(c, "bob").await;
    for left in (1..=4).rev() {
        let r = post(c, "/login/mfa", &[("code", "000000")]).await;
        assert_eq!(r.status(), 401);
        let html = r.text().await.unwrap();
        let tries = if left == 1 {
            "1 more try"
        } else {
            "more tries"
        };
        assert!(html.contains(tries), "{left}: {html}");
    }
    let r = post(c, "/login/mfa", &[("code", "000000")]).await;
    assert_eq!(r.status(), 303, "the fifth wrong code ends the sign-in");
    assert_eq!(r.headers()["location"], "/login");
    assert!(c.page("/login").await.1.contains("fifth wrong one"));
    // Even the right code is too late now.
    let r = post(c, "/login/mfa", &[("code", &code_in(&secret, 1))]).await;
    assert_eq!(r.headers()["location"], "/login");
    assert!(c.page("/login").await.1.contains("sign in again"));
    assert!(c.cookie("access_token").is_none());
}

async fn the_second_step_needs_a_waiting_sign_in_and_counts_as_a_login_attempt(b: Backend) {
    let app = TestApp::spawn_with(b, &[("LOGIN_RATE_PER_MINUTE", "4")]).await;
    // No sign-in waiting: back to the login form with a flash.
    let r = send(app.cookie.get("/login/mfa")).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login");
    assert!(app.cookie.page("/login").await.1.contains("sign in again"));
    let r = post(&app.cookie, "/login/mfa", &[("code", "123456")]).await;
    assert_eq!(r.headers()["location"], "/login");
    // Without the CSRF token: 403, before anything else.
    let r = app.cookie.form("/login/mfa", &[("code", "123456")]).await;
    assert_eq!(r.status(), 403);
    // Two attempts above, two more are allowed, then 429.
    let r = post(&app.cookie, "/login/mfa", &[("code", "123456")]).await;
    assert_eq!(r.status(), 303);
    let r = post(&app.cookie, "/login/mfa", &[("code", "123456")]).await;
    assert_eq!(r.status(), 303);
    let r = post(&app.cookie, "/login/mfa", &[("code", "123456")]).await;
    assert_eq!(r.status(), 429);
    assert!(header(&r, "content-type").starts_with("text/html"));
}

async fn enrol_download_regenerate_and_remove_through_the_pages(b: Backend) {
    let app = TestApp::spawn(b).await;
    signed_in(&app, "carol").await;
    let c = &app.cookie;
    let (_, html) = c.page("/account").await;
    assert!(html.contains("Two-step sign-in"));
    assert!(html.contains("Add an authenticator app"));

    // A wrong code shows the same QR code again with the reason.
    let r = post(c, "/account/mfa/totp", &[("return_to", "/account")]).await;
    let secret = secret_of(&r.text().await.unwrap());
    let r = post(c, "/account/mfa/totp/confirm", &[("code", "000000")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<svg") && html.contains("not right"),
        "{html}"
    );
    assert_eq!(secret_of(&html), secret, "the same secret");
    let r = post(c, "/account/mfa/totp/confirm", &[("code", "12")]).await;
    assert_eq!(r.status(), 422);
    let r = post(
        c,
        "/account/mfa/totp/confirm",
        &[("code", &code_in(&secret, 0))],
    )
    .await;
    // POST, 303, GET: the codes page can be reloaded.
    assert_eq!(r.status(), 303);
    assert_eq!(header(&r, "location"), "/account/mfa/recovery-codes");
    let r = send(c.get("/account/mfa/recovery-codes")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "cache-control"), "no-store");
    let html = r.text().await.unwrap();
    let codes = codes_of(&html);
    assert!(html.contains("Download as a text file"));
    assert!(html.contains(r#"href="/account""#));

    // The download: the codes the page sent back, as an attachment.
    let r = post(
        c,
        "/account/mfa/recovery-codes/download",
        &[("codes", &codes.join(" "))],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert!(header(&r, "content-type").starts_with("text/plain"));
    assert_eq!(
        header(&r, "content-disposition"),
        r#"attachment; filename="sigil-recovery-codes.txt""#
    );
    let text = r.text().await.unwrap();
    assert!(codes.iter().all(|code| text.contains(code.as_str())));
    assert!(text.contains("carol"));
    let r = post(
        c,
        "/account/mfa/recovery-codes/download",
        &[("codes", "<script>alert(1)</script>")],
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = c
        .form(
            "/account/mfa/recovery-codes/download",
            &[("codes", &codes.join(" "))],
        )
        .await;
    assert_eq!(r.status(), 403, "no CSRF token");
    let r = post(c, "/account/mfa/totp", &[]).await;
    assert_eq!(r.status(), 409, "already on");

    // New codes: the old ones die.
    let r = post(
        c,
        "/account/mfa/recovery-codes",
        &[("return_to", "/account")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let new_codes = codes_of(&c.page("/account/mfa/recovery-codes").await.1);
    assert_eq!(new_codes.len(), 10);
    assert!(new_codes.iter().all(|code| !codes.contains(code)));
    password_step(c, "carol").await;
    assert_eq!(
        post(c, "/login/mfa", &[("code", &codes[0])]).await.status(),
        401
    );
    assert_eq!(
        post(c, "/login/mfa", &[("code", &new_codes[0])])
            .await
            .status(),
        303
    );

    // Remove the app (the password asked again): signing in asks for the password only.
    let r = post(c, "/account/mfa/totp/remove", &[("return_to", "/account")]).await;
    assert_eq!(r.status(), 422);
    let remove = [("return_to", "/account"), ("totp_password", PASSWORD)];
    let r = post(c, "/account/mfa/totp/remove", &remove).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/account");
    let (_, html) = c.page("/account").await;
    assert!(html.contains("Two-step sign-in is off"));
    assert!(html.contains("Add an authenticator app"));
    log_out(c).await;
    let r = c.login("carol", PASSWORD).await;
    assert_eq!(r.headers()["location"], "/");
    // Nothing to remove or renew now: 4xx pages, not 500s.
    let remove = [("totp_password", PASSWORD)];
    assert_eq!(
        post(c, "/account/mfa/totp/remove", &remove).await.status(),
        404
    );
    assert_eq!(
        post(c, "/account/mfa/recovery-codes", &[]).await.status(),
        409
    );
    assert_eq!(
        post(c, "/account/mfa/totp/confirm", &[("code", "123456")])
            .await
            .status(),
        409
    );
}

async fn confirm_its_you_keeps_the_typed_email_and_never_the_password(b: Backend) {
    let app = TestApp::spawn(b).await;
    signed_in(&app, "dora").await;
    let c = &app.cookie;
    sign_in_ago(c);
    // Pages that change nothing still work.
    assert_eq!(c.page("/account").await.0, 200);
    let typed = [
        ("new_email", "dora.new@example.com"),
        ("email_password", PASSWORD),
        ("return_to", "/account"),
    ];
    let html = confirm_page(post(c, "/account/email", &typed).await).await;
    assert!(html.contains(r#"name="keep.new_email" value="dora.new@example.com""#));
    assert!(html.contains(r#"name="return_to" value="/account""#));
    assert!(!html.contains(PASSWORD), "the password is not kept");
    assert!(
        !html.contains(r#"name="code""#),
        "no second factor, no code field"
    );

    // A wrong password: the page again, still keeping the address.
    let again = [
        ("password", "wrong password"),
        ("keep.new_email", "dora.new@example.com"),
        ("return_to", "/account"),
        ("again", "form"),
    ];
    let r = post(c, "/reauthenticate", &again).await;
    assert_eq!(r.status(), 401);
    let html = r.text().await.unwrap();
    assert!(html.contains("The password is incorrect."));
    assert!(html.contains(r#"value="dora.new@example.com""#));
    assert_eq!(
        c.form("/reauthenticate", &[("password", PASSWORD)])
            .await
            .status(),
        403,
        "no CSRF token"
    );

    let right = [
        ("password", PASSWORD),
        ("keep.new_email", "dora.new@example.com"),
        ("return_to", "/account"),
        ("again", "form"),
    ];
    // The password just typed is the change's current password: the change is made there.
    let r = post(c, "/reauthenticate", &right).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/account#email");
    let (_, html) = c.page("/account").await;
    assert!(html.contains("We sent a link to dora.new@example.com."));
    assert!(!html.contains(PASSWORD));
    let (_, html) = c.page("/account").await;
    assert!(
        !html.contains(r#"value="dora.new@example.com""#)
            && !html.contains("We sent a link to dora.new@example.com."),
        "said once, never kept in the form"
    );
    // Recent now: the form (with its password) goes through.
    let typed = [
        ("new_email", "dora.newer@example.com"),
        ("email_password", PASSWORD),
        ("return_to", "/account"),
    ];
    let r = post(c, "/account/email", &typed).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/account#email");

    // Where it goes back to must be a path on this site.
    sign_in_ago(c);
    let evil = [
        ("new_email", "x@example.com"),
        ("return_to", "https://evil.example/"),
    ];
    let html = confirm_page(post(c, "/account/email", &evil).await).await;
    assert!(html.contains(r#"name="return_to" value="/""#));
    let r = post(
        c,
        "/reauthenticate",
        &[("password", PASSWORD), ("return_to", "//evil.example")],
    )
    .await;
    assert_eq!(r.headers()["location"], "/");
}

async fn confirm_its_you_on_the_second_factor_and_delete_forms(b: Backend) {
    let app = TestApp::spawn(b).await;
    signed_in(&app, "erin").await;
    let c = &app.cookie;
    sign_in_ago(c);
    let html = confirm_page(post(c, "/account/mfa/totp", &[("return_to", "/account")]).await).await;
    assert!(html.contains(r#"name="return_to" value="/account""#));
    // Renewing and removing are refused the same way (before their own "nothing to do").
    confirm_page(
        post(
            c,
            "/account/mfa/recovery-codes",
            &[("return_to", "/account")],
        )
        .await,
    )
    .await;
    confirm_page(post(c, "/account/mfa/totp/remove", &[("return_to", "/account")]).await).await;
    let typed = [
        ("current_password", PASSWORD),
        ("confirm", "yes"),
        ("return_to", "/account/delete"),
    ];
    let html = confirm_page(post(c, "/account/delete", &typed).await).await;
    assert!(html.contains(r#"name="keep.confirm" value="yes""#));
    assert!(!html.contains(PASSWORD));
    let right = [
        ("password", PASSWORD),
        ("keep.confirm", "yes"),
        ("return_to", "/account/delete"),
        ("again", "form"),
    ];
    let r = post(c, "/reauthenticate", &right).await;
    assert_eq!(r.headers()["location"], "/account/delete");
    let (status, html) = c.page("/account/delete").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"value="yes" checked"#),
        "the box stays ticked"
    );
    // And now adding an app works without another confirmation.
    assert_eq!(
        post(c, "/account/mfa/totp", &[("return_to", "/account")])
            .await
            .status(),
        200
    );
}

async fn confirm_its_you_with_a_second_factor_on_asks_for_a_code(b: Backend) {
    let app = TestApp::spawn(b).await;
    signed_in(&app, "fay").await;
    let c = &app.cookie;
    let (_, codes) = enrol(c).await;
    sign_in_ago(c);
    let html =
        confirm_page(post(c, "/account/mfa/totp/remove", &[("return_to", "/account")]).await).await;
    assert!(html.contains(r#"name="code""#), "a code field");
    let (back, again) = (("return_to", "/account"), ("again", "form"));
    let r = post(c, "/reauthenticate", &[("password", PASSWORD), back, again]).await;
    assert_eq!(r.status(), 422, "the code is required");
    assert!(r.text().await.unwrap().contains("authenticator app"));
    let wrong = [("password", PASSWORD), ("code", "000000"), back, again];
    let r = post(c, "/reauthenticate", &wrong).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("not right"));
    let right = [
        ("password", PASSWORD),
        ("code", codes[3].as_str()),
        back,
        again,
    ];
    let r = post(c, "/reauthenticate", &right).await;
    assert_eq!(r.status(), 303);
    let claims = segment(&c.cookie("access_token").unwrap(), 1);
    assert_eq!(claims["amr"], serde_json::json!(["pwd", "otp"]));
    let remove = [("return_to", "/account"), ("totp_password", PASSWORD)];
    let r = post(c, "/account/mfa/totp/remove", &remove).await;
    assert_eq!(r.status(), 303);
}

async fn confirm_its_you_on_the_admin_pages_keeps_the_chosen_role(b: Backend) {
    let app = TestApp::spawn(b).await;
    signed_in(&app, "root").await;
    app.sql("UPDATE users SET role = 'admin' WHERE username = 'root'");
    let alice = app.user("alice").await;
    let c = &app.cookie;
    sign_in_ago(c);
    // The pages under /admin need a recent sign-in too, as the admin API does.
    let html = confirm_page(send(c.get("/admin?query=ali")).await).await;
    assert!(html.contains(r#"name="return_to" value="/admin?query=ali""#));
    let page = format!("/admin/users/{}", alice.id);
    for (action, fields) in [
        ("disable", vec![]),
        ("enable", vec![]),
        ("logout-all", vec![]),
        ("password-reset", vec![]),
        ("sign-in-failures/clear", vec![]),
        ("role", vec![("role", "admin")]),
        ("delete", vec![("confirm_username", "alice")]),
    ] {
        let mut fields = fields;
        fields.push(("return_to", page.as_str()));
        let r = post(c, &format!("{page}/{action}"), &fields).await;
        let html = confirm_page(r).await;
        assert!(
            html.contains(&format!(r#"name="return_to" value="{page}""#)),
            "{action}"
        );
    }
    let html = confirm_page(
        post(
            c,
            &format!("{page}/role"),
            &[("role", "admin"), ("return_to", &page)],
        )
        .await,
    )
    .await;
    assert!(html.contains(r#"name="keep.role" value="admin""#));
    let r = post(
        c,
        "/reauthenticate",
        &[
            ("password", PASSWORD),
            ("keep.role", "admin"),
            ("return_to", &page),
            ("again", "form"),
        ],
    )
    .await;
    assert_eq!(r.headers()["location"], page);
    let (status, html) = c.page(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<option value="admin" selected>"#), "kept");
    let r = post(c, &format!("{page}/role"), &[("role", "admin")]).await;
    assert_eq!(r.status(), 303);
    assert!(c.page(&page).await.1.contains("is now an administrator"));
    // Not an administrator: still the 403 page, whatever the age of the sign-in.
    let other = app.new_browser();
    app.user("bea").await;
    assert_eq!(other.login("bea", PASSWORD).await.status(), 303);
    sign_in_ago(&other);
    assert_eq!(other.page("/admin").await.0, 403);
}

async fn delete_my_account_through_the_page(b: Backend) {
    let app = TestApp::spawn(b).await;
    signed_in(&app, "gus").await;
    let c = &app.cookie;
    let (status, html) = c.page("/account").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"href="/account/delete""#));
    let (status, html) = c.page("/account/delete").await;
    assert_eq!(status, 200);
    assert!(html.contains("every post you wrote"));
    assert!(html.contains(r#"type="checkbox" name="confirm""#));
    let back = ("return_to", "/account/delete");
    let r = post(
        c,
        "/account/delete",
        &[("current_password", PASSWORD), back],
    )
    .await;
    assert_eq!(r.status(), 422, "the box is not ticked");
    assert!(r.text().await.unwrap().contains("Tick the box"));
    let r = post(
        c,
        "/account/delete",
        &[("current_password", "wrong"), ("confirm", "yes"), back],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("incorrect"));
    let r = c
        .form(
            "/account/delete",
            &[("current_password", PASSWORD), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), 403, "no CSRF token");
    let r = post(
        c,
        "/account/delete",
        &[("current_password", PASSWORD), ("confirm", "yes"), back],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login");
    assert!(c.cookie("access_token").is_none(), "cookies cleared");
    let (_, html) = c.page("/login").await;
    assert!(html.contains("has been deleted"), "{html}");
    assert_eq!(c.login("gus", PASSWORD).await.status(), 401);
}

async fn the_last_admin_cannot_delete_their_own_account(b: Backend) {
    let app = TestApp::spawn(b).await;
    signed_in(&app, "root").await;
    app.sql("UPDATE users SET role = 'admin' WHERE username = 'root'");
    let c = &app.cookie;
    let r = post(
        c,
        "/account/delete",
        &[
            ("current_password", PASSWORD),
            ("confirm", "yes"),
            ("return_to", "/account/delete"),
        ],
    )
    .await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("last active administrator"), "{html}");
    assert!(html.contains("<h1>Delete your account</h1>"));
    assert_eq!(c.page("/account").await.0, 200, "still signed in");
}
