//! Password screening (API.md part three §4), as an attacker or a careless user would try it:
//! each rule at registration, change and reset, with its `password_reason` and field; Unicode
//! and spaces; the breach file (and a bad one stopping start-up); the range API with padding
//! and failing open; the pages; `sigil create-user`; and a flagged password that still signs
//! in and gets a suggestion.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use sigil::accounts::password_policy::sha1_hex;

use crate::backend_tests;
use crate::helpers::{outbox_token, problem, Backend, TestApp, PASSWORD};

backend_tests!(
    registration_names_each_rule_and_creates_nothing,
    a_password_change_names_each_rule_under_new_password,
    a_reset_names_each_rule_and_the_link_still_works,
    spaces_and_any_unicode_are_allowed_and_nothing_is_normalised,
    the_breach_file_refuses_its_passwords_at_every_entrance,
    the_range_api_gets_five_hex_digits_asking_for_padding,
    the_range_api_fails_open_after_two_seconds,
    the_pages_show_the_message_at_the_field,
    a_flagged_password_still_signs_in_and_the_page_suggests_a_change,
);

const TOO_SHORT: &str = "Use at least 8 characters.";
const TOO_LONG: &str = "Use at most 72 bytes.";
const CONTEXT: &str =
    "This password is too close to your username, e-mail address or this site's name.";
const COMMON: &str = "This password is one of the most commonly used; choose another.";
const BREACHED: &str = "This password has appeared in a data breach; choose another.";

/// A password on no list, known only to the breach file or the range API of a test.
const LEAKED: &str = "a quiet lighthouse at dusk";

/// Each refused password, why, and the message: registering as `grace`,
/// `grace.hopper@example.com`.
fn refused() -> Vec<(String, &'static str, &'static str)> {
    vec![
        ("short".into(), "too_short", TOO_SHORT),
        // 25 characters, 75 bytes: over bcrypt's limit, never truncated.
        ("€".repeat(25), "too_long", TOO_LONG),
        ("Grace.Hopper".into(), "context", CONTEXT),
        ("grace.hopper@example.com".into(), "context", CONTEXT),
        ("grace2024!".into(), "context", CONTEXT),
        ("MySigil123".into(), "context", CONTEXT),
        // Common, in any case.
        ("Qwertyuiop".into(), "common", COMMON),
        ("password123".into(), "common", COMMON),
    ]
}

/// Asserts a 422 naming `reason`, with `message` under `field`.
async fn assert_refused(r: reqwest::Response, field: &str, reason: &str, message: &str) {
    let body = problem(r, 422).await;
    assert_eq!(body["password_reason"], reason, "{body}");
    assert_eq!(body["errors"][field][0], message, "{body}");
}

async fn registration_names_each_rule_and_creates_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    for (password, reason, message) in refused() {
        let body =
            json!({"email": "grace.hopper@example.com", "username": "grace", "password": password});
        assert_refused(app.register(body).await, "password", reason, message).await;
    }
    // The length rule is named beside another field's error too.
    let r = app
        .register(json!({"email": "not an address", "username": "grace", "password": "short"}))
        .await;
    let body = problem(r, 422).await;
    assert_eq!(body["password_reason"], "too_short", "{body}");
    assert!(body["errors"]["email"].is_array(), "{body}");
    // A name under 4 characters counts only when equal; with 8 others beside "sigil", fine.
    let r = app
        .register(
            json!({"email": "al@example.com", "username": "al_", "password": "al_ likes sigils"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    // Nothing was created by the refusals: the name and address are still free.
    let r = app
        .register(
            json!({"email": "grace.hopper@example.com", "username": "grace", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), 201);
    app.login_pair("grace", PASSWORD).await;
}

async fn a_password_change_names_each_rule_under_new_password(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = app
        .register(
            json!({"email": "grace.hopper@example.com", "username": "grace", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let pair = app.login_pair("grace", PASSWORD).await;
    let token = pair["access_token"].as_str().unwrap();
    for (password, reason, message) in refused() {
        let r = app.change_password(token, PASSWORD, &password).await;
        assert_refused(r, "new_password", reason, message).await;
    }
    // A stolen access token without the current password learns nothing of the rules: the
    // wrong current password is answered first (403), even for a common new one.
    let r = app
        .change_password(token, "not the password", "iloveyou")
        .await;
    assert_eq!(r.status(), 403);
    let body = r.text().await.unwrap();
    assert!(!body.contains("password_reason"), "{body}");
    // The old password still works, and so does the token: nothing changed.
    app.login_pair("grace", PASSWORD).await;
    let r = app
        .change_password(token, PASSWORD, "a new passphrase")
        .await;
    assert_eq!(r.status(), 200);
    app.login_pair("grace", "a new passphrase").await;
}

async fn a_reset_names_each_rule_and_the_link_still_works(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = app
        .register(
            json!({"email": "grace.hopper@example.com", "username": "grace", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let forgot = json!({"email": "grace.hopper@example.com"});
    let r = app
        .json(Method::POST, "/api/auth/password/forgot", None, forgot)
        .await;
    assert_eq!(r.status(), 202);
    let token = outbox_token(&app, "/reset-password").await;
    let reset = |password: String| {
        let body = json!({"token": token, "new_password": password});
        app.json(Method::POST, "/api/auth/password/reset", None, body)
    };
    for (password, reason, message) in refused() {
        assert_refused(reset(password).await, "new_password", reason, message).await;
    }
    // A refused password does not use the link up.
    assert_eq!(reset("a new passphrase".into()).await.status(), 204);
    app.login_pair("grace", "a new passphrase").await;
}

async fn spaces_and_any_unicode_are_allowed_and_nothing_is_normalised(b: Backend) {
    let app = TestApp::spawn(b).await;
    // "Å" and "ö" written as a letter plus a combining mark (NFD).
    let decomposed = "A\u{30a}ngstro\u{308}m is cold 🐙";
    let composed = "\u{c5}ngstr\u{f6}m is cold 🐙";
    for (i, password) in [
        "        ",
        " пароль с пробелами ",
        "密码是一个秘密的东西",
        decomposed,
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("uni{i}");
        let body =
            json!({"email": format!("{name}@example.com"), "username": name, "password": password});
        let r = app.register(body).await;
        assert_eq!(r.status(), 201, "{password:?}");
        // Exactly as typed: spaces are not trimmed, so the trimmed text does not sign in.
        app.login_pair(&name, password).await;
        if password.trim() != password {
            let trimmed = json!({"username": name, "password": password.trim()});
            let status = app.login(trimmed).await.status().as_u16();
            assert!(matches!(status, 401 | 422), "{password:?}: {status}");
        }
    }
    // The composed form is another password: nothing was normalised before hashing.
    let r = app
        .login(json!({"username": "uni3", "password": composed}))
        .await;
    assert_eq!(r.status(), 401);
}

/// A breach file as the downloader writes it: `SHA1:COUNT` lines, upper case, CRLF, sorted.
fn breach_file(dir: &Path, passwords: &[&str]) -> PathBuf {
    let mut hashes: Vec<[u8; 40]> = passwords.iter().map(|p| sha1_hex(p)).collect();
    // Filler around them, so the search has somewhere to go.
    hashes.extend((0..2000).map(|i| sha1_hex(&format!("filler {i}"))));
    hashes.sort();
    let text: String = hashes
        .iter()
        .map(|h| format!("{}:{}\r\n", std::str::from_utf8(h).unwrap(), h[0]))
        .collect();
    let path = dir.join("pwned-passwords-sha1.txt");
    std::fs::write(&path, text).unwrap();
    path
}

async fn the_breach_file_refuses_its_passwords_at_every_entrance(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let file = breach_file(dir.path(), &[LEAKED, "filler 7 is not this"]);
    let file = file.to_str().unwrap();
    let app = TestApp::spawn_with(b, &[("BREACHED_PASSWORDS_FILE", file)]).await;
    let body = json!({"email": "grace@example.com", "username": "grace", "password": LEAKED});
    assert_refused(app.register(body).await, "password", "breached", BREACHED).await;
    // The file's own filler lines are breached too; an unlisted password is not.
    let body =
        json!({"email": "grace@example.com", "username": "grace", "password": "filler 1999"});
    assert_refused(app.register(body).await, "password", "breached", BREACHED).await;
    let user = app.user("grace").await;
    let r = app
        .change_password(&user.access_token, PASSWORD, LEAKED)
        .await;
    assert_refused(r, "new_password", "breached", BREACHED).await;
    // The common list comes before the file.
    let r = app
        .change_password(&user.access_token, PASSWORD, "iloveyou")
        .await;
    assert_refused(r, "new_password", "common", COMMON).await;
}

/// A stand-in for the range API on 127.0.0.1: answers every request with `body` after
/// `delay`, and keeps each request's head (request line and headers).
struct RangeServer {
    url: String,
    heads: Arc<Mutex<Vec<String>>>,
}

fn range_server(body: String, delay: Duration) -> RangeServer {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/range/", listener.local_addr().unwrap());
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&heads);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let (seen, body) = (Arc::clone(&seen), body.clone());
            std::thread::spawn(move || {
                let (mut head, mut buf) = (Vec::new(), [0u8; 1024]);
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                seen.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&head).into_owned());
                std::thread::sleep(delay);
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    RangeServer { url, heads }
}

fn suffix(password: &str) -> String {
    String::from_utf8(sha1_hex(password)[5..].to_vec()).unwrap()
}

async fn the_range_api_gets_five_hex_digits_asking_for_padding(b: Backend) {
    // The leaked password's suffix with a count; another's as a padding line (count 0).
    let padded = "another quiet lighthouse";
    let body = format!(
        "0000000000000000000000000000000000A:3\r\n{}:42\r\n{}:0\r\n",
        suffix(LEAKED),
        suffix(padded)
    );
    let server = range_server(body, Duration::ZERO);
    let app = TestApp::spawn_with(
        b,
        &[
            ("BREACHED_PASSWORDS_API", "on"),
            ("BREACHED_PASSWORDS_API_URL", &server.url),
        ],
    )
    .await;
    let body = json!({"email": "grace@example.com", "username": "grace", "password": LEAKED});
    assert_refused(app.register(body).await, "password", "breached", BREACHED).await;
    let head = server.heads.lock().unwrap()[0].to_lowercase();
    let prefix = String::from_utf8(sha1_hex(LEAKED)[..5].to_vec()).unwrap();
    // Only the 5 hex digits leave, and padding is asked for.
    let request_line = head.lines().next().unwrap();
    assert_eq!(
        request_line,
        format!("get /range/{} http/1.1", prefix.to_lowercase())
    );
    assert!(head.contains("\r\nadd-padding: true\r\n"), "{head}");
    assert!(head.contains("\r\nuser-agent: sigil/"), "{head}");
    assert!(!head.contains(&suffix(LEAKED).to_lowercase()), "{head}");
    // A suffix listed only as padding (count 0) is not breached.
    let body = json!({"email": "grace@example.com", "username": "grace", "password": padded});
    assert_eq!(app.register(body).await.status(), 201);
    assert_eq!(server.heads.lock().unwrap().len(), 2);
}

async fn the_range_api_fails_open_after_two_seconds(b: Backend) {
    // A range API that answers only after 10 s, listing the password.
    let body = format!("{}:42\r\n", suffix(LEAKED));
    let server = range_server(body, Duration::from_secs(10));
    let app = TestApp::spawn_with(
        b,
        &[
            ("BREACHED_PASSWORDS_API", "on"),
            ("BREACHED_PASSWORDS_API_URL", &server.url),
        ],
    )
    .await;
    let started = Instant::now();
    let body = json!({"email": "grace@example.com", "username": "grace", "password": LEAKED});
    let r = app.register(body).await;
    let took = started.elapsed();
    assert_eq!(r.status(), 201, "fails open");
    assert!(took >= Duration::from_millis(1900), "it waited: {took:?}");
    assert!(
        took < Duration::from_secs(8),
        "it did not wait for the answer: {took:?}"
    );
    assert_eq!(server.heads.lock().unwrap().len(), 1);
    // The local rules still apply while the API is down.
    let body = json!({"email": "ada@example.com", "username": "ada", "password": "iloveyou"});
    assert_refused(app.register(body).await, "password", "common", COMMON).await;
}

async fn the_pages_show_the_message_at_the_field(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = &app.cookie;
    let register = |password: &'static str| {
        let fields = [
            ("email", "grace@example.com"),
            ("username", "grace"),
            ("password", password),
            ("password_confirm", password),
        ];
        async move { c.fill_in("/register", "/register", &fields).await }
    };
    let r = register("Password123").await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(COMMON), "{html}");
    assert!(
        html.contains(r#"value="grace""#),
        "the form keeps the name: {html}"
    );
    let r = register("short").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(TOO_SHORT));
    assert_eq!(register(PASSWORD).await.status(), 303);

    // The account page's change form.
    let fields = [
        ("current_password", PASSWORD),
        ("new_password", "grace2024!"),
        ("new_password_confirm", "grace2024!"),
    ];
    let r = c.fill_in("/account", "/account/password", &fields).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    let form = &html[html.find(r#"id="password""#).expect("the password section")..];
    assert!(
        form.contains("This password is too close to your username"),
        "{html}"
    );

    // The reset page.
    let forgot = json!({"email": "grace@example.com"});
    let r = app
        .json(Method::POST, "/api/auth/password/forgot", None, forgot)
        .await;
    assert_eq!(r.status(), 202);
    let token = outbox_token(&app, "/reset-password").await;
    let page = format!("/reset-password?token={token}");
    let reset = |password: &'static str| {
        let fields = [
            ("token", token.as_str()),
            ("new_password", password),
            ("new_password_confirm", password),
        ];
        let (page, browser) = (page.clone(), app.new_browser());
        async move { browser.fill_in(&page, "/reset-password", &fields).await }
    };
    let r = reset("iloveyou").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(COMMON));
    let r = reset("a new passphrase").await;
    assert_eq!(r.status(), 303);
}

async fn a_flagged_password_still_signs_in_and_the_page_suggests_a_change(b: Backend) {
    // Registered while no list had it; then the breach file lists it.
    let app = TestApp::spawn(b).await;
    let r = app
        .register(json!({"email": "grace@example.com", "username": "grace", "password": LEAKED}))
        .await;
    assert_eq!(r.status(), 201);
    let dir = tempfile::tempdir().unwrap();
    let file = breach_file(dir.path(), &[LEAKED]);
    let later = app
        .spawn_sibling_with(&[("BREACHED_PASSWORDS_FILE", file.to_str().unwrap())])
        .await;
    // The JSON sign-in works as ever.
    later.login_pair("grace", LEAKED).await;
    // The page signs in, and the next page suggests a change, with a link to the form.
    let c = &later.cookie;
    let r = c.login("grace", LEAKED).await;
    assert_eq!(r.status(), 303);
    let (status, html) = c.page("/").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("list of common or breached passwords"),
        "{html}"
    );
    assert!(html.contains(r#"<a href="/account#password">"#), "{html}");
    // Shown once.
    let (_, html) = c.page("/").await;
    assert!(!html.contains("list of common or breached passwords"));
    // A password on no list gets no suggestion.
    later.user("ada").await;
    let other = later.new_browser();
    assert_eq!(other.login("ada", PASSWORD).await.status(), 303);
    let (_, html) = other.page("/").await;
    assert!(!html.contains("list of common or breached passwords"));
    // Nor does the first server, which has no file, for the same password.
    let first = app.new_browser();
    assert_eq!(first.login("grace", LEAKED).await.status(), 303);
    let (_, html) = first.page("/").await;
    assert!(!html.contains("list of common or breached passwords"));
}

/// Runs the `sigil` binary in a temp folder (its SQLite database there), with `vars`, `args`
/// and `stdin`: its exit code and stderr.
fn run_sigil(
    dir: &Path,
    vars: &[(&str, &str)],
    args: &[&str],
    stdin: &str,
) -> (Option<i32>, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sigil"));
    cmd.args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("BCRYPT_COST", "4")
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run sigil");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_bad_breach_file_stops_start_up_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    // Not sorted: the same lines, the other way round.
    let sorted = std::fs::read_to_string(breach_file(dir.path(), &[LEAKED])).unwrap();
    let reversed: String = sorted.lines().rev().map(|l| format!("{l}\r\n")).collect();
    let unsorted = dir.path().join("unsorted.txt");
    std::fs::write(&unsorted, reversed).unwrap();
    // Not SHA1:COUNT lines at all.
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, "password\n123456\n").unwrap();
    let missing = dir.path().join("missing.txt");
    for (file, why) in [
        (&unsorted, "not sorted"),
        (&plain, "SHA1:COUNT"),
        (&missing, "cannot read"),
    ] {
        let vars = [("BREACHED_PASSWORDS_FILE", file.to_str().unwrap())];
        // `sigil` (serve) and `sigil create-user` both refuse.
        let (code, stderr) = run_sigil(dir.path(), &vars, &[], "");
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains("BREACHED_PASSWORDS_FILE"), "{stderr}");
        assert!(stderr.contains(why), "{why}: {stderr}");
        let args = [
            "create-user",
            "--email",
            "r@example.com",
            "--username",
            "root",
        ];
        let (code, stderr) = run_sigil(dir.path(), &vars, &args, "a long enough password\n");
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains("BREACHED_PASSWORDS_FILE"), "{stderr}");
    }
}

#[test]
fn create_user_refuses_a_password_the_rules_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let file = breach_file(dir.path(), &[LEAKED]);
    let vars = [("BREACHED_PASSWORDS_FILE", file.to_str().unwrap())];
    let args = [
        "create-user",
        "--email",
        "root@example.com",
        "--username",
        "root",
    ];
    for (password, message) in [
        ("Password123", COMMON),
        ("root@example.com", CONTEXT),
        (LEAKED, BREACHED),
        ("short", TOO_SHORT),
    ] {
        let (code, stderr) = run_sigil(dir.path(), &vars, &args, &format!("{password}\n"));
        assert_eq!(code, Some(1), "{password}: {stderr}");
        assert!(stderr.contains(message), "{password}: {stderr}");
    }
    // Nothing was created: the same name and address work with a good password.
    let (code, stderr) = run_sigil(dir.path(), &vars, &args, "a long enough password\n");
    assert_eq!(code, Some(0), "{stderr}");
}
