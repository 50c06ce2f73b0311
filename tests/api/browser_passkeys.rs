//! Passkeys end to end in headless Chromium, with chromedriver's virtual authenticator (the
//! W3C WebAuthn WebDriver extension) in place of a phone or a security key: adding one on
//! `/account`, signing in with it alone on `/login`, and using it as the second step of a
//! password sign-in on `/login/mfa`. Skipped, like the other browser tests, without a
//! chromedriver.
//!
//! Passkeys need `PUBLIC_URL` to name a host, so the server's is `http://localhost:PORT` and
//! the browser goes there (not to 127.0.0.1): the relying party is `localhost`, which the
//! browser counts as a secure context over plain HTTP.

use std::time::Duration;

use fantoccini::{Client, Locator};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::browser::{
    age_the_sign_in, body_text, browser, click, fill, log_in, path_of, shot, submit, totp_in,
    SessionCommand,
};
use crate::helpers::{header, Backend, TestApp, PASSWORD};

/// A virtual authenticator in the browser's tab: a platform authenticator (CTAP2, internal
/// transport) that keeps discoverable credentials and verifies its user, who always consents.
struct Authenticator {
    id: String,
}

impl Authenticator {
    async fn add(c: &Client) -> Authenticator {
        let options = json!({
            "protocol": "ctap2",
            "transport": "internal",
            "hasResidentKey": true,
            "hasUserVerification": true,
            "isUserVerified": true,
            "isUserConsenting": true,
        });
        let id = c
            .issue_cmd(SessionCommand {
                method: Method::POST,
                path: "webauthn/authenticator".into(),
                body: Some(options),
            })
            .await
            .expect("POST /session/{id}/webauthn/authenticator");
        Authenticator {
            id: id.as_str().expect("an authenticator id").to_string(),
        }
    }

    /// The credentials it holds, as chromedriver lists them (`credentialId`,
    /// `isResidentCredential`, `rpId`, `userHandle`, `userName`, `signCount`…).
    async fn credentials(&self, c: &Client) -> Vec<Value> {
        let list = c
            .issue_cmd(SessionCommand {
                method: Method::GET,
                path: format!("webauthn/authenticator/{}/credentials", self.id),
                body: None,
            })
            .await
            .expect("GET /session/{id}/webauthn/authenticator/{aid}/credentials");
        list.as_array().expect("a list of credentials").clone()
    }

    /// Its only credential (the test's passkey), checked to be the only one.
    async fn the_credential(&self, c: &Client) -> Value {
        let mut list = self.credentials(c).await;
        assert_eq!(list.len(), 1, "one credential: {list:?}");
        list.remove(0)
    }

    async fn remove(self, c: &Client) {
        c.issue_cmd(SessionCommand {
            method: Method::DELETE,
            path: format!("webauthn/authenticator/{}", self.id),
            body: None,
        })
        .await
        .expect("DELETE /session/{id}/webauthn/authenticator/{aid}");
    }
}

/// The page at `path` on the server, by its host name (the passkeys' relying party).
fn at(app: &TestApp, path: &str) -> String {
    format!("http://localhost:{}{path}", app.port)
}

/// Waits (up to 10 s: a passkey ceremony goes through the script, the authenticator and a
/// form post) until the page shows `needle`, and says so.
async fn appears(c: &Client, needle: &str) -> bool {
    for _ in 0..100 {
        if body_text(c).await.contains(needle) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Waits (up to 10 s) until the element `selector` is displayed (the script shows the
/// passkey parts of a page only where the browser has WebAuthn), and says so.
async fn displayed(c: &Client, selector: &str) -> bool {
    for _ in 0..100 {
        if let Ok(element) = c.find(Locator::Css(selector)).await {
            if element.is_displayed().await.unwrap_or(false) {
                return true;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Waits (up to 10 s) until the header says "Signed in as `username`", and says so.
async fn signed_in_as(c: &Client, username: &str) -> bool {
    for _ in 0..100 {
        if let Ok(name) = c.find(Locator::Css("header.site .who strong")).await {
            if name.text().await.is_ok_and(|t| t.trim() == username)
                && body_text(c)
                    .await
                    .contains(&format!("Signed in as {username}"))
            {
                return true;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Logs out with the header's button, from wherever the browser is.
async fn log_out(c: &Client, app: &TestApp) {
    c.goto(&at(app, "/")).await.unwrap();
    submit(c, "header form[action='/logout']").await;
    assert!(appears(c, "You have been signed out.").await);
    assert_eq!(path_of(c).await, "/login");
}

/// The user's passkeys from `GET /api/users/me/passkeys`.
async fn passkeys_of(app: &TestApp, access_token: &str) -> Vec<Value> {
    let r = app
        .bearer
        .get("/api/users/me/passkeys", access_token)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200, "GET /api/users/me/passkeys");
    let body: Value = r.json().await.unwrap();
    body.as_array().expect("a list of passkeys").clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passkey_is_added_then_signs_in_alone_and_as_the_second_step() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[("PUBLIC_URL", "http://localhost:{port}")],
    )
    .await;
    let user = app.user("kira").await;

    c.goto(&at(&app, "/login")).await.unwrap();
    let authenticator = Authenticator::add(&c).await;
    assert!(
        authenticator.credentials(&c).await.is_empty(),
        "a new virtual authenticator holds nothing"
    );
    log_in(&c, "kira", PASSWORD).await;
    assert!(appears(&c, "Welcome back, kira.").await);
    assert!(signed_in_as(&c, "kira").await);

    // Add a passkey on the account page: the browser makes it, the server keeps it.
    c.goto(&at(&app, "/account")).await.unwrap();
    assert!(appears(&c, "No passkeys yet.").await);
    assert!(
        displayed(&c, "#passkey-add").await,
        "the script shows the form"
    );
    fill(&c, "#field-name", "Laptop").await;
    click(&c, "#passkey-add").await;
    assert!(
        appears(&c, "Passkey \u{201c}Laptop\u{201d} added").await,
        "{}",
        body_text(&c).await
    );
    assert_eq!(path_of(&c).await, "/account");
    let listed = c
        .find(Locator::Css("table.passkeys tbody"))
        .await
        .expect("the list of passkeys")
        .text()
        .await
        .unwrap();
    assert!(listed.contains("Laptop"), "{listed}");
    let credential = authenticator.the_credential(&c).await;
    assert_eq!(
        credential["isResidentCredential"], true,
        "a discoverable passkey: {credential}"
    );
    assert_eq!(credential["rpId"], "localhost", "{credential}");
    assert_eq!(credential["userName"], "kira", "{credential}");
    let made = credential["signCount"].as_u64().expect("a signCount");
    c.execute(
        "document.getElementById('passkeys').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    shot(&c, "passkeys-account").await;
    let keys = passkeys_of(&app, &user.access_token).await;
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(keys[0]["name"], "Laptop");
    assert!(keys[0]["last_used_at"].is_null(), "not used yet: {keys:?}");

    // Sign in with it alone: no username, no password.
    log_out(&c, &app).await;
    assert!(
        displayed(&c, "#passkey-sign-in").await,
        "a browser with WebAuthn is offered the passkey"
    );
    let hidden = c
        .execute(
            "return document.querySelector('[data-passkey]').hidden;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(hidden, json!(false));
    shot(&c, "passkeys-login").await;
    click(&c, "#passkey-sign-in").await;
    assert!(signed_in_as(&c, "kira").await, "{}", body_text(&c).await);
    assert!(appears(&c, "Welcome back, kira.").await);
    assert_eq!(path_of(&c).await, "/");
    let used = authenticator.the_credential(&c).await["signCount"]
        .as_u64()
        .unwrap();
    assert!(used > made, "the authenticator signed: {made} → {used}");
    let pair = app.login_pair("kira", PASSWORD).await;
    let access = pair["access_token"].as_str().unwrap().to_string();
    let keys = passkeys_of(&app, &access).await;
    assert!(keys[0]["last_used_at"].is_string(), "used now: {keys:?}");
    c.goto(&at(&app, "/account")).await.unwrap();
    assert!(appears(&c, "Laptop").await);
    let last_used = c
        .find(Locator::Css("table.passkeys tbody tr td:nth-child(3)"))
        .await
        .expect("the passkey's Last used cell")
        .text()
        .await
        .unwrap();
    assert_ne!(last_used.trim(), "never");

    // With an authenticator app on, the passkey can stand in for its code.
    let r = app.enrol_totp(&access).await;
    assert_eq!(r.status(), 200, "enrol");
    let enrolment: Value = r.json().await.unwrap();
    let secret = enrolment["secret"].as_str().expect("a secret").to_string();
    let r = app.confirm_totp(&access, &totp_in(&secret, 0)).await;
    assert_eq!(r.status(), 200, "confirm");
    log_out(&c, &app).await;
    log_in(&c, "kira", PASSWORD).await;
    assert!(appears(&c, "Your password was right.").await);
    assert_eq!(path_of(&c).await, "/login/mfa");
    assert!(
        displayed(&c, "#passkey-second-step").await,
        "the user's passkey is offered for the second step"
    );
    shot(&c, "passkeys-second-step").await;
    click(&c, "#passkey-second-step").await;
    assert!(signed_in_as(&c, "kira").await, "{}", body_text(&c).await);
    assert!(appears(&c, "Welcome back, kira.").await);
    let again = authenticator.the_credential(&c).await["signCount"]
        .as_u64()
        .unwrap();
    assert!(
        again > used,
        "the authenticator signed again: {used} → {again}"
    );

    // Later, adding another passkey needs a recent sign-in: "Confirm it's you" offers the
    // passkey, which renews the sign-in and brings back the typed name. The same device
    // cannot hold a second passkey for the account (excludeCredentials): the page says so.
    age_the_sign_in(&c, &app).await;
    c.goto(&at(&app, "/account")).await.unwrap();
    fill(&c, "#field-name", "Phone").await;
    click(&c, "#passkey-add").await;
    assert!(
        appears(&c, "Confirm it's you").await,
        "{}",
        body_text(&c).await
    );
    assert!(
        displayed(&c, "#passkey-reauthenticate").await,
        "the passkey is offered to confirm"
    );
    shot(&c, "passkeys-confirm").await;
    click(&c, "#passkey-reauthenticate").await;
    assert!(
        appears(&c, "Now send the form again.").await,
        "{}",
        body_text(&c).await
    );
    assert_eq!(path_of(&c).await, "/account");
    let kept = c.find(Locator::Css("#field-name")).await.unwrap();
    assert_eq!(kept.prop("value").await.unwrap().as_deref(), Some("Phone"));
    click(&c, "#passkey-add").await;
    assert!(
        appears(&c, "This device already holds a passkey for your account.").await,
        "{}",
        body_text(&c).await
    );
    assert_eq!(authenticator.credentials(&c).await.len(), 1);

    authenticator.remove(&c).await;
    c.close().await.unwrap();
}

/// What a browser without WebAuthn (or without JavaScript) gets: the passkey parts of the
/// login page are hidden in the HTML itself, and only the page's own script, allowed by the
/// CSP, shows them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_script_the_passkey_button_stays_hidden() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[("PUBLIC_URL", "http://localhost:{port}")],
    )
    .await;
    let r = app.get("/login").await;
    assert_eq!(r.status(), 200);
    let csp = header(&r, "content-security-policy");
    let html = r.text().await.unwrap();

    // Every element marked data-passkey starts hidden; the button is inside one.
    let tags: Vec<&str> = html
        .split('<')
        .filter_map(|rest| rest.split('>').next())
        .filter(|tag| tag.split_whitespace().any(|a| a == "data-passkey"))
        .collect();
    assert!(!tags.is_empty(), "the login page offers a passkey: {html}");
    for tag in &tags {
        assert!(
            tag.split_whitespace().any(|a| a == "hidden"),
            "<{tag}> is hidden until the script shows it"
        );
    }
    let container = html
        .find("data-passkey hidden")
        .expect("the passkey container");
    let button = html.find("id=\"passkey-sign-in\"").expect("the button");
    assert!(
        container < button,
        "the button is inside the hidden container"
    );

    // Only scripts from the site itself, none inline, and the CSP allows no other.
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert!(!scripts.is_empty(), "the page loads its passkey script");
    for script in &scripts {
        let (tag, rest) = script.split_once('>').expect("a whole script tag");
        assert!(tag.contains(" src=\"/static/"), "<script{tag}>");
        assert!(
            rest.starts_with("</script>"),
            "no inline script: <script{script}"
        );
    }
    assert!(html.contains("<script src=\"/static/js/passkeys.js\" defer></script>"));
    let script_src: Vec<&str> = csp
        .split(';')
        .map(str::trim)
        .filter(|d| d.starts_with("script-src"))
        .collect();
    assert_eq!(script_src, ["script-src 'self'"], "{csp}");

    let r = app.get("/static/js/passkeys.js").await;
    assert_eq!(r.status(), 200);
    let content_type = header(&r, "content-type");
    assert!(
        content_type.starts_with("text/javascript"),
        "{content_type}"
    );
    assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    let script = r.text().await.unwrap();
    assert!(
        script.contains("if (!window.PublicKeyCredential || !navigator.credentials) return;"),
        "the script leaves the parts hidden without WebAuthn"
    );
}
