//! Operations: request ids on every response and every log line of a request, JSON logs, and
//! a graceful stop on SIGTERM, through the in-process server and the real binary.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::header::HeaderValue;
use serde_json::{json, Value};

use crate::helpers::{Backend, Requests as _, TestApp, PASSWORD};

fn request_id_of(r: &reqwest::Response) -> String {
    r.headers()
        .get("x-request-id")
        .unwrap_or_else(|| panic!("no X-Request-Id on {} {}", r.status(), r.url()))
        .to_str()
        .unwrap()
        .to_string()
}

fn well_formed(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_a_fresh_request_id() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut seen = std::collections::HashSet::new();
    let responses = [
        app.anon.get("/healthz").send().await.unwrap(),
        app.anon.get("/api/posts").send().await.unwrap(),
        app.anon.get("/").send().await.unwrap(),
        app.anon.get("/no/such/page").send().await.unwrap(),
        app.anon.get("/api/no/such").send().await.unwrap(),
        app.anon
            .request(reqwest::Method::PUT, "/healthz")
            .send()
            .await
            .unwrap(),
        app.login(json!({"username": "nobody", "password": PASSWORD}))
            .await,
        app.register_raw("application/json", "{broken").await,
    ];
    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses, [200, 200, 200, 404, 404, 405, 401, 400]);
    for r in &responses {
        let id = request_id_of(r);
        assert!(well_formed(&id), "{id:?}");
        assert!(
            uuid::Uuid::parse_str(&id).is_ok(),
            "a fresh id is a UUID: {id}"
        );
        assert!(seen.insert(id.clone()), "{id} was given twice");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_well_formed_incoming_id_is_kept_and_any_other_replaced() {
    // From a client that is not a trusted proxy, even a well-formed id is replaced: anyone
    // could otherwise forge the ids that tie log lines to requests.
    let direct = TestApp::spawn(Backend::Sqlite).await;
    let r = direct
        .anon
        .get("/api/posts")
        .header("x-request-id", "forged-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let id = request_id_of(&r);
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    // From a trusted proxy, a well-formed id is kept.
    let app = TestApp::spawn_with(Backend::Sqlite, &[("TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    let send = |value: HeaderValue| {
        app.anon
            .get("/api/posts")
            .header("x-request-id", value)
            .send()
    };
    for kept in [
        "abc-DEF_1.2",
        "7",
        &"x".repeat(64),
        "0f8c2a1e-2b1d-4c55-9f3e-1a2b3c4d5e6f",
    ] {
        let r = send(HeaderValue::from_str(kept).unwrap()).await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(request_id_of(&r), kept);
    }
    let too_long = "x".repeat(65);
    let replaced: [&[u8]; 7] = [
        too_long.as_bytes(),
        b"has space",
        b"semi;colon",
        b"quote\"d",
        b"caf\xc3\xa9",
        b"\xff\xfe",
        b"",
    ];
    for raw in replaced {
        let r = send(HeaderValue::from_bytes(raw).unwrap()).await.unwrap();
        let id = request_id_of(&r);
        assert_ne!(id.as_bytes(), raw);
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{raw:?} -> {id}");
    }
    // CR/LF cannot even be sent: the client refuses to build such a header.
    assert!(HeaderValue::from_bytes(b"a\r\nSet-Cookie: x=1").is_err());
}

/// The real binary on a free port, its stderr in a file.
struct Binary {
    child: Child,
    base: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Binary {
    async fn start(vars: &[(&str, &str)]) -> Binary {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("server.log");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sigil"));
        cmd.current_dir(dir.path())
            .env_clear()
            .env("BIND_ADDR", format!("127.0.0.1:{port}"))
            .env("BCRYPT_COST", "4")
            .env("LOGIN_RATE_PER_MINUTE", "0")
            .env("WORKERS", "2")
            // The test client stands where a proxy would: its request ids are kept.
            .env("TRUSTED_PROXIES", "127.0.0.1/32")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap());
        for (k, v) in vars {
            cmd.env(k, v);
        }
        // Owned at once: dropping it kills and reaps the process, whatever happens next.
        let server = Binary {
            child: cmd.spawn().expect("start sigil"),
            base: format!("http://127.0.0.1:{port}"),
            log,
            _dir: dir,
        };
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if http.get(server.url("/healthz")).send().await.is_ok() {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not start: {}", read(&server.log));
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn sigterm(&self) {
        let pid = self.child.id() as libc::pid_t;
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    }

    /// Waits up to `limit` for the process to exit; its exit code and how long it took.
    async fn exit_within(&mut self, limit: Duration) -> (Option<i32>, Duration) {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status.code(), started.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = self.child.kill();
        panic!("still running after {limit:?}: {}", read(&self.log));
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_are_one_object_a_line_with_the_request_id() {
    let mut server = Binary::start(&[("LOG_FORMAT", "json"), ("RUST_LOG", "info")]).await;
    let http = reqwest::Client::new();
    let post = |path: &str, id: &str, body: Value| {
        http.post(server.url(path))
            .header("x-request-id", id)
            .json(&body)
            .send()
    };
    let user = json!({"username": "alice", "email": "alice@example.com", "password": PASSWORD});
    assert_eq!(
        post("/api/auth/register", "reg-1", user)
            .await
            .unwrap()
            .status(),
        201
    );
    let login = json!({"username": "alice", "password": PASSWORD});
    let r = post("/api/auth/login", "login-ok.1", login).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(request_id_of(&r), "login-ok.1");
    // A name that cannot be a username or an address (a password typed in the wrong box, say)
    // is not logged: the event says so, in a message with quotes in it.
    let bad = json!({"username": "al\"ice\\", "password": "wrong password"});
    let r = post("/api/auth/login", "login_bad", bad).await.unwrap();
    assert_eq!(r.status(), 401);
    server.sigterm();
    let (code, _) = server.exit_within(Duration::from_secs(40)).await;
    assert_eq!(code, Some(0));

    let log = read(&server.log);
    let lines: Vec<Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}")))
        .collect();
    for line in &lines {
        for field in ["ts", "level", "target", "msg"] {
            assert!(line[field].is_string(), "{field} missing: {line}");
        }
        let ts = line["ts"].as_str().unwrap();
        assert!(
            time::OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339)
                .is_ok_and(|t| t.offset().is_utc()),
            "{ts}"
        );
    }
    let find = |target: &str, needle: &str| -> &Value {
        lines
            .iter()
            .find(|l| l["target"] == target && l["msg"].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| panic!("no {target} line with {needle:?}:\n{log}"))
    };
    // The access lines, the sign-in event (logged on a blocking thread, inside the database
    // transaction) and the failed one (logged on the async side) carry their request's id.
    assert_eq!(
        find("sigil::access", "POST /api/auth/register 201")["request_id"],
        "reg-1"
    );
    assert_eq!(
        find("sigil::access", "POST /api/auth/login 200")["request_id"],
        "login-ok.1"
    );
    assert_eq!(
        find("sigil::access", "POST /api/auth/login 401")["request_id"],
        "login_bad"
    );
    assert_eq!(find("sigil::audit", "sign_in ")["request_id"], "login-ok.1");
    assert_eq!(
        find("sigil::audit", "sign_in_failed")["request_id"],
        "login_bad"
    );
    assert!(find("sigil::audit", "sign_in_failed")["msg"]
        .as_str()
        .unwrap()
        .contains("\"login\":\"(not a username or address)\""));
    assert!(!log.contains("al\\\"ice"), "the name tried is in the log");
    // Lines outside any request have no id; nothing secret is in the log.
    assert!(find("sigil::cli::serve", "listening")
        .get("request_id")
        .is_none());
    assert!(find("sigil::cli::serve", "SIGTERM received")
        .get("request_id")
        .is_none());
    assert!(!log.contains(PASSWORD), "a password is in the log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_logs_carry_the_request_id_too() {
    let mut server = Binary::start(&[("RUST_LOG", "info")]).await;
    let r = reqwest::Client::new()
        .get(server.url("/api/posts"))
        .header("x-request-id", "text-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    server.sigterm();
    assert_eq!(server.exit_within(Duration::from_secs(40)).await.0, Some(0));
    let log = read(&server.log);
    assert!(
        log.lines()
            .any(|l| l.contains("sigil::access] [req=text-1] GET /api/posts 200")),
        "{log}"
    );
}

#[test]
fn an_unknown_log_format_is_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sigil"))
        .current_dir(dir.path())
        .env_clear()
        .env("LOG_FORMAT", "xml")
        .env("BIND_ADDR", "127.0.0.1:0")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("LOG_FORMAT") && stderr.contains("xml"),
        "{stderr}"
    );
}

/// A registration at a high bcrypt cost takes a second or more: SIGTERM arrives while it is
/// in flight. It still gets its normal answer, new connections are refused at once, and the
/// process exits 0 well within the 30 s limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_a_request_in_flight_finish_then_exits_0() {
    let mut server = Binary::start(&[("BCRYPT_COST", "15"), ("RUST_LOG", "info")]).await;
    let http = reqwest::Client::new();
    let slow = tokio::spawn(
        http.post(server.url("/api/auth/register"))
            .header("x-request-id", "slow-1")
            .json(&json!({"username": "slow", "email": "slow@example.com", "password": PASSWORD}))
            .send(),
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !slow.is_finished(),
        "the request was too quick to be in flight"
    );
    server.sigterm();
    let stopped = Instant::now();
    // New connections: refused (a fresh client, so no kept-alive connection is reused).
    tokio::time::sleep(Duration::from_millis(200)).await;
    let fresh = reqwest::Client::new();
    let refused = fresh
        .get(server.url("/healthz"))
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    assert!(
        refused.as_ref().is_err_and(|e| e.is_connect()),
        "a new connection was served: {refused:?}"
    );
    let r = slow
        .await
        .unwrap()
        .expect("the request in flight was answered");
    assert_eq!(r.status(), 201);
    assert_eq!(request_id_of(&r), "slow-1");
    let user: Value = r.json().await.unwrap();
    assert_eq!(user["username"], "slow");
    let (code, _) = server.exit_within(Duration::from_secs(40)).await;
    assert_eq!(code, Some(0), "{}", read(&server.log));
    assert!(stopped.elapsed() < Duration::from_secs(31));
    let log = read(&server.log);
    let position = |needle: &str| {
        log.find(needle)
            .unwrap_or_else(|| panic!("no {needle:?} in the log:\n{log}"))
    };
    let start = position("SIGTERM received");
    let answered = position("[req=slow-1] POST /api/auth/register 201");
    let done = position("shutdown complete");
    assert!(start < answered && answered < done, "{log}");
}

/// A reset link is written after the `202` (so the answer takes the same time whether or not
/// the address has an account): a SIGTERM right after the answer still lets it be written,
/// with the request's id on its log line, and the shutdown reports nothing left unfinished.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_up_work_of_a_request_survives_sigterm() {
    let mut server = Binary::start(&[("RUST_LOG", "info")]).await;
    let http = reqwest::Client::new();
    let user = json!({"username": "bob", "email": "bob@example.com", "password": PASSWORD});
    let r = http
        .post(server.url("/api/auth/register"))
        .json(&user)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let r = http
        .post(server.url("/api/auth/password/forgot"))
        .header("x-request-id", "forgot-1")
        .json(&json!({"email": "bob@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    server.sigterm();
    assert_eq!(server.exit_within(Duration::from_secs(40)).await.0, Some(0));
    let log = read(&server.log);
    assert!(
        log.lines()
            .any(|l| l.contains("sigil::audit] [req=forgot-1] password_reset_requested")),
        "{log}"
    );
    assert!(!log.contains("unfinished"), "{log}");
}

/// At shutdown the mail sender finishes the message it is sending and gives back the rest of
/// its batch, so another instance (or the next start) sends them at once, not after the lease.
async fn a_stopping_sender_gives_back_what_it_claimed(b: Backend) {
    use sigil::db::outbox::{self, NewMessage};
    let (url, _guard) = crate::helpers::fresh_database(b);
    let db = sigil::db::Db::connect(&sigil::config::DatabaseUrl::parse(&url).unwrap(), 2).unwrap();
    db.migrate().unwrap();
    let mut conn = db.get().unwrap();
    for i in 0..3 {
        let message = NewMessage {
            kind: "test",
            recipient: format!("u{i}@example.com"),
            subject: "s".into(),
            text_body: "t".into(),
            html_body: "h".into(),
            locale: sigil::i18n::Locale::En,
        };
        outbox::enqueue(&mut conn, &message).unwrap();
    }
    let lease = time::Duration::minutes(2);
    let claimed = outbox::claim_due(&mut conn, "a", 10, lease).unwrap();
    assert_eq!(claimed.len(), 3);
    assert!(outbox::claim_due(&mut conn, "b", 10, lease)
        .unwrap()
        .is_empty());
    let rest: Vec<i32> = claimed[1..].iter().map(|m| m.id).collect();
    assert_eq!(
        outbox::release(&mut conn, &rest, "b").unwrap(),
        0,
        "only the claimer"
    );
    assert_eq!(outbox::release(&mut conn, &rest, "a").unwrap(), 2);
    let again = outbox::claim_due(&mut conn, "b", 10, lease).unwrap();
    assert_eq!(again.iter().map(|m| m.id).collect::<Vec<_>>(), rest);
}

crate::backend_tests!(a_stopping_sender_gives_back_what_it_claimed);
