//! The inspector, the encoder and the CLI as a new user meets them (issue 34, points 1 to 6,
//! and the database file's mode, point 23): the report asked for comes first, pasted forms
//! are cleaned and said, warnings never contradict the verdict, the encoder keeps the order
//! given, revocation is claimed only where Sigil knows, and `sigil inspect` creates nothing.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{Backend, TestApp, JWT_IO, PASSWORD};

backend_tests!(
    the_pasted_report_comes_first_and_is_scrolled_to,
    pasted_bearer_headers_and_quotes_are_cleaned_and_said,
    a_published_key_is_never_said_to_sign_a_token_it_does_not_verify,
    the_encoder_keeps_the_order_given_and_warns,
    revocation_is_claimed_only_for_sigils_own_tokens,
    inspect_outside_the_server_folder_creates_nothing_and_names_its_key,
);

/// jwt.io's example since 2025: header, payload and secret as its page shows them.
const JWT_IO_HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;
const JWT_IO_PAYLOAD: &str =
    r#"{"sub":"1234567890","name":"John Doe","admin":true,"iat":1516239022}"#;
const JWT_IO_SECRET: &str = "a-string-secret-at-least-256-bits-long";
const JWT_IO_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiYWRtaW4iOnRydWUsImlhdCI6MTUxNjIzOTAyMn0.KMUFsIDTnFmyG3nMiGM6H9FNFUROf3wh7SmqJp-QV30";

fn codes(inspection: &Value) -> Vec<&str> {
    inspection["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect()
}

fn warning<'a>(inspection: &'a Value, code: &str) -> &'a str {
    inspection["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == code)
        .unwrap_or_else(|| panic!("no {code}: {inspection}"))["message"]
        .as_str()
        .unwrap()
}

async fn the_pasted_report_comes_first_and_is_scrolled_to(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.user("paula").await;
    let browser = app.new_browser();
    assert_eq!(browser.login("paula", PASSWORD).await.status(), 303);
    let r = browser
        .fill_in("/token", "/token", &[("token", JWT_IO)])
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let pasted = html
        .find("Pasted token")
        .expect("the pasted token's report");
    let form = html.find("Inspect a token").expect("the form");
    let own = html
        .find("Your current access token")
        .expect("the viewer's own token, still shown");
    assert!(
        pasted < form && form < own,
        "what was asked about comes first: {pasted} {form} {own}"
    );
    // The form posts to the report's anchor, so the browser lands on it (no script needed).
    assert!(html.contains(r#"<form id="inspect-form" method="post" action="/token#pasted">"#));
    assert!(html.contains(r#"id="pasted" tabindex="-1""#));
}

async fn pasted_bearer_headers_and_quotes_are_cleaned_and_said(b: Backend) {
    let app = TestApp::spawn(b).await;
    let plain = app.inspect_ok(json!({"token": JWT_IO})).await;
    assert!(!codes(&plain).contains(&"input_cleaned"), "{plain}");
    for pasted in [
        format!("Bearer {JWT_IO}"),
        format!("bearer   {JWT_IO}\n"),
        format!("\"{JWT_IO}\""),
        format!("Authorization: Bearer {JWT_IO}"),
        format!("Bearer\t{JWT_IO}"),
        format!("Bearer\n{JWT_IO}"),
        format!("'Bearer {JWT_IO}'"),
        format!("\"Bearer {JWT_IO}\""),
        JWT_IO.replacen('.', ".\n  ", 1),
    ] {
        let r = app.inspect_ok(json!({"token": pasted})).await;
        assert_eq!(r["status"], plain["status"], "{pasted:?}: {r}");
        assert_eq!(r["payload"], plain["payload"], "{pasted:?}");
        assert_eq!(codes(&r)[0], "input_cleaned", "said first: {r}");
    }
    let r = app
        .inspect_ok(json!({"token": format!("\"Bearer {JWT_IO}\"")}))
        .await;
    let said = warning(&r, "input_cleaned");
    assert!(
        said.contains("\"Bearer \" prefix") && said.contains("quotes"),
        "{said}"
    );
    // The page says it too.
    let browser = app.new_browser();
    let page = browser
        .fill_in(
            "/token",
            "/token",
            &[("token", &format!("Bearer {JWT_IO}"))],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("input_cleaned"), "{page}");
    assert!(!page.contains("not valid base64url"));
}

async fn a_published_key_is_never_said_to_sign_a_token_it_does_not_verify(b: Backend) {
    let app = TestApp::spawn(b).await;
    // jwt.io's current token checked with jwt.io's old secret: a wrong key.
    let r = app
        .inspect_ok(json!({"token": JWT_IO_TOKEN, "key": "your-256-bit-secret"}))
        .await;
    assert_eq!(r["status"], "invalid_signature");
    let said = warning(&r, "weak_hmac_secret");
    assert!(
        !said.contains("signed with jwt.io's example secret \"your-256-bit-secret\""),
        "contradicts the verdict: {said}"
    );
    // What did sign it is said, and that it is not the key given.
    assert!(
        said.contains(&format!(
            "signed with jwt.io's example secret \"{JWT_IO_SECRET}\" (not with the key you gave)"
        )),
        "{said}"
    );
    // The old jwt.io token with the new secret: the key given is published, and did not sign it.
    let r = app
        .inspect_ok(json!({"token": JWT_IO, "key": JWT_IO_SECRET}))
        .await;
    assert_eq!(r["status"], "invalid_signature");
    let said = warning(&r, "weak_hmac_secret");
    assert!(said.contains("signed with jwt.io's example secret \"your-256-bit-secret\" (not with the key you gave)"), "{said}");
    // A token signed with a private secret, checked with a published one: the warning is
    // about the key given, never about what signed the token.
    let r = app
        .encode_token(json!({"header": {"alg": "HS256"}, "payload": {"sub": "1"}, "key": "n0t-a-published-secret-but-32-bytes-long!!"}))
        .await;
    let token = r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .inspect_ok(json!({"token": token, "key": "your-256-bit-secret"}))
        .await;
    assert_eq!(r["status"], "invalid_signature");
    let said = warning(&r, "weak_hmac_secret");
    assert!(
        said.starts_with("The key you gave is jwt.io's example secret"),
        "{said}"
    );
    assert!(!said.contains("signed with"), "{said}");
    // With its own secret it verifies, and the warning says what signed it.
    let r = app
        .inspect_ok(json!({"token": JWT_IO_TOKEN, "key": JWT_IO_SECRET}))
        .await;
    assert_eq!(r["status"], "valid");
    assert!(warning(&r, "weak_hmac_secret").contains("signed with jwt.io's example secret"));
    // With no key at all the published secrets are still tried against the signature.
    let r = app.inspect_ok(json!({"token": JWT_IO_TOKEN})).await;
    assert_eq!(r["status"], "unverified");
    assert!(warning(&r, "weak_hmac_secret").contains("signed with jwt.io's example secret"));
}

async fn the_encoder_keeps_the_order_given_and_warns(b: Backend) {
    let app = TestApp::spawn(b).await;
    // As text and as JSON objects: the keys keep the order given, as on jwt.io.
    let header_object: Value = serde_json::from_str(JWT_IO_HEADER).unwrap();
    let payload_object: Value = serde_json::from_str(JWT_IO_PAYLOAD).unwrap();
    for (header_part, payload_part) in [
        (json!(JWT_IO_HEADER), json!(JWT_IO_PAYLOAD)),
        (header_object, payload_object),
    ] {
        let r = app
            .encode_token(
                json!({"header": header_part, "payload": payload_part, "key": JWT_IO_SECRET}),
            )
            .await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["token"], JWT_IO_TOKEN, "jwt.io's token, byte for byte");
        assert!(
            warning(&body, "weak_hmac_secret").contains("jwt.io's example secret"),
            "a published secret is named when encoding too: {body}"
        );
        assert!(codes(&body).contains(&"no_expiry"));
    }
    // A random secret and an expiry: nothing to warn about.
    let r = app
        .encode_token(json!({
            "header": {"alg": "HS256"},
            "payload": {"sub": "1", "iat": 1_700_000_000, "exp": 1_700_000_600},
            "key": "n0t-a-published-secret-but-32-bytes-long!!"
        }))
        .await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["warnings"], json!([]), "{body}");
    // The page shows the same token and the warning.
    let browser = app.new_browser();
    let r = browser
        .fill_in(
            "/token/encode",
            "/token/encode",
            &[
                ("header", JWT_IO_HEADER),
                ("payload", JWT_IO_PAYLOAD),
                ("key", JWT_IO_SECRET),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(&format!("/token#token={JWT_IO_TOKEN}")),
        "{html}"
    );
    assert!(html.contains("weak_hmac_secret"));
    // And the CLI: the token alone on standard output, the warning on standard error.
    let dir = tempfile::tempdir().unwrap();
    let run = sigil(
        &app.env,
        dir.path(),
        &[
            "encode",
            "--header",
            JWT_IO_HEADER,
            "--payload",
            JWT_IO_PAYLOAD,
            "--secret",
            JWT_IO_SECRET,
        ],
    );
    assert_eq!(run.0, Some(0), "{}", run.2);
    assert_eq!(run.1.trim(), JWT_IO_TOKEN);
    assert!(run.2.contains("warning (weak_hmac_secret)"), "{}", run.2);
}

async fn revocation_is_claimed_only_for_sigils_own_tokens(b: Backend) {
    let app = TestApp::spawn(b).await;
    let user = app.user("rita").await;
    let browser = app.new_browser();
    let page = |token: String| {
        let browser = &browser;
        async move {
            let r = browser
                .fill_in("/token", "/token", &[("token", &token)])
                .await;
            let html = r.text().await.unwrap();
            let start = html.find("Pasted token").expect("a report");
            let end = html.find("Inspect a token").unwrap();
            html[start..end].to_string()
        }
    };
    let foreign = page(JWT_IO.into()).await;
    assert!(
        foreign
            .contains("<dt>Revoked</dt><dd><span class=\"muted\">not checked: not a Sigil token"),
        "{foreign}"
    );
    let malformed = page("eyJhbGciOiJIUzI1NiJ9.not-json.x".into()).await;
    assert!(
        malformed.contains("not checked: the token is malformed"),
        "{malformed}"
    );
    let own = page(user.access_token.clone()).await;
    assert!(own.contains("<dt>Revoked</dt><dd>no</dd>"), "{own}");
    // A claim's name never breaks mid-word: the first column does not wrap.
    let css = app.get("/static/css/sigil.css").await.text().await.unwrap();
    assert!(css.contains(".claims td:first-child { white-space: nowrap; }"));
}

async fn inspect_outside_the_server_folder_creates_nothing_and_names_its_key(b: Backend) {
    let app = TestApp::spawn(b).await;
    let user = app.user("ines").await;
    let empty = tempfile::tempdir().unwrap();
    // No SECRET_KEY, no DATABASE_URL: a folder that is not the server's.
    let bare: Vec<(String, String)> = Vec::new();
    let (code, stdout, stderr) = sigil(bare, empty.path(), &["inspect", &user.access_token]);
    assert_eq!(code, Some(1), "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        report["status"], "unverified",
        "never invalid_signature: {report}"
    );
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .contains("No Sigil key here"),
        "{report}"
    );
    assert!(
        report["payload"]["sid"].is_string(),
        "still decoded: {report}"
    );
    assert!(stderr.contains("SECRET_KEY is unset"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(empty.path()).unwrap().collect();
    assert!(left.is_empty(), "a read-only command left {left:?}");
    // With the server's settings the same token is valid, checked against its database.
    let (code, stdout, stderr) = sigil(&app.env, empty.path(), &["inspect", &user.access_token]);
    assert_eq!(code, Some(0), "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["status"], "valid");
    assert_eq!(report["subject"]["username"], "ines");
    let left: Vec<_> = std::fs::read_dir(empty.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    // SQLite: the database and its WAL and SHM files are the owner's alone.
    #[cfg(unix)]
    if let Some(path) = app.env["DATABASE_URL"].strip_prefix("sqlite://") {
        use std::os::unix::fs::PermissionsExt as _;
        for suffix in ["", "-wal", "-shm"] {
            let file = format!("{path}{suffix}");
            if let Ok(meta) = std::fs::metadata(&file) {
                assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{file}");
            } else {
                assert!(!suffix.is_empty(), "{file} exists");
            }
        }
    }
}

/// Runs `sigil ARGS` in `dir` with exactly the environment given; (status, stdout, stderr).
fn sigil<K: AsRef<str>, V: AsRef<str>>(
    env: impl IntoIterator<Item = (K, V)>,
    dir: &Path,
    args: &[&str],
) -> (Option<i32>, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sigil"));
    cmd.args(args)
        .current_dir(dir)
        .env_clear()
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k.as_ref(), v.as_ref());
    }
    let mut child = cmd.spawn().expect("run sigil");
    let _ = child.stdin.take().unwrap().write_all(b"");
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
