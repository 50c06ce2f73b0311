//! Start-up configuration, through the real binary: a bad value is one line and exit 2.

use std::process::{Command, Stdio};

fn run_sigil(vars: &[(&str, &str)], args: &[&str]) -> (Option<i32>, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sigil"));
    cmd.args(args)
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run sigil");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        dir,
    )
}

fn assert_one_line_naming(vars: &[(&str, &str)], var: &str) {
    let (code, stderr, _dir) = run_sigil(vars, &["migrate"]);
    assert_eq!(code, Some(2), "{vars:?}: {stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected: {stderr}");
    assert!(lines[0].contains(var), "{stderr}");
}

#[test]
fn bad_configuration_stops_start_up_with_one_line_and_exit_2() {
    assert_one_line_naming(&[("BCRYPT_COST", "99")], "BCRYPT_COST");
    assert_one_line_naming(&[("DATABASE_URL", "mysql://x")], "DATABASE_URL");
    assert_one_line_naming(&[("SECRET_KEY", "0123456789")], "SECRET_KEY");
    assert_one_line_naming(
        &[(
            "SECRET_KEY",
            "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7",
        )],
        "SECRET_KEY",
    );
    assert_one_line_naming(&[("APP_ENV", "production")], "SECRET_KEY");
    assert_one_line_naming(&[("ALGORITHM", "HS512")], "ALGORITHM");
    assert_one_line_naming(&[("JWT_LEEWAY_SECONDS", "-1")], "JWT_LEEWAY_SECONDS");
    assert_one_line_naming(&[("LOG_FORMAT", "xml")], "LOG_FORMAT");
}

#[test]
fn mail_settings_are_checked_at_start_up() {
    const KEY: &str = "a-production-key-0123456789-abcdefghijklmnopqrstuvwxyz";
    let production = [
        ("APP_ENV", "production"),
        ("SECRET_KEY", KEY),
        ("BCRYPT_COST", "12"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut vars = production.to_vec();
        vars.extend_from_slice(extra);
        vars
    };
    // Production needs a real SMTP server and the public address links point at.
    assert_one_line_naming(
        &with(&[("PUBLIC_URL", "https://id.example.com")]),
        "SMTP_URL",
    );
    assert_one_line_naming(
        &with(&[("SMTP_URL", "smtps://u:p@smtp.example.com")]),
        "PUBLIC_URL",
    );
    // Plain SMTP leaves the machine only over TLS.
    assert_one_line_naming(&[("SMTP_URL", "smtp://smtp.example.com:25")], "SMTP_URL");
    assert_one_line_naming(&[("SMTP_URL", "ftp://x")], "SMTP_URL");
    assert_one_line_naming(&[("PUBLIC_URL", "id.example.com")], "PUBLIC_URL");
    assert_one_line_naming(&[("MAIL_FROM", "not a mailbox <")], "MAIL_FROM");
    assert_one_line_naming(
        &[("REQUIRE_VERIFIED_EMAIL", "maybe")],
        "REQUIRE_VERIFIED_EMAIL",
    );
    assert_one_line_naming(&[("PASSWORD_RESET_MINUTES", "0")], "PASSWORD_RESET_MINUTES");
    assert_one_line_naming(&[("EMAIL_VERIFY_HOURS", "x")], "EMAIL_VERIFY_HOURS");
    // A complete production mail set-up starts (migrate exits 0).
    let (code, stderr, _dir) = run_sigil(
        &with(&[
            ("PUBLIC_URL", "https://id.example.com"),
            (
                "SMTP_URL",
                "smtp://user:p%40ss@smtp.example.com:587?tls=required",
            ),
        ]),
        &["migrate"],
    );
    assert_eq!(code, Some(0), "{stderr}");
}

/// A message committed while the mail server was down, by a server that then died, goes out
/// once a new server starts on the same database: nothing is lost across a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_survives_a_crash_between_commit_and_send() {
    let smtp = crate::helpers::SmtpServer::start().await;
    smtp.stop();
    let dir = tempfile::tempdir().unwrap();
    let start = |port: u16| {
        Command::new(env!("CARGO_BIN_EXE_sigil"))
            .current_dir(dir.path())
            .env_clear()
            .env("BIND_ADDR", format!("127.0.0.1:{port}"))
            .env("SMTP_URL", smtp.url())
            .env("MAIL_RETRY_BASE_SECONDS", "1")
            .env("BCRYPT_COST", "4")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sigil")
    };
    let port = free_port();
    let mut first = start(port);
    let http = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/api/auth/register");
    let body = serde_json::json!({"email": "zoe@example.com", "username": "zoe", "password": "correct horse battery"});
    let registered = wait_for_server(&http, &url, &body).await;
    assert_eq!(registered, 201);
    // Killed hard (no clean shutdown) while the message waits for the mail server: after its
    // first try failed and let it go. Killed during a try, it would hold the message for the
    // sender's lease (two minutes, the rule for a sender that died) before another takes it.
    first_try_failed(&dir.path().join("data/sigil.db")).await;
    first.kill().unwrap();
    first.wait().unwrap();
    smtp.resume().await;
    assert!(smtp.messages().is_empty());
    let mut second = start(free_port());
    let arrived = smtp.wait_for(1, std::time::Duration::from_secs(15)).await;
    second.kill().unwrap();
    second.wait().unwrap();
    assert_eq!(arrived.len(), 1);
    assert_eq!(arrived[0].to, ["zoe@example.com"]);
}

/// Waits until the outbox's message has been tried once and is claimed by no sender.
async fn first_try_failed(database: &std::path::Path) {
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;
    let url = database.to_str().unwrap();
    for _ in 0..200 {
        if let Ok(mut conn) = diesel::SqliteConnection::establish(url) {
            let sql = "SELECT COUNT(*) FROM outbox WHERE attempts >= 1 AND claimed_until IS NULL";
            let free = diesel::select(diesel::dsl::sql::<BigInt>(&format!("({sql})")))
                .get_result::<i64>(&mut conn);
            if free == Ok(1) {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the first server never tried the message");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Posts `body` to `url` until the server answers (it is starting), and returns the status.
async fn wait_for_server(http: &reqwest::Client, url: &str, body: &serde_json::Value) -> u16 {
    for _ in 0..100 {
        if let Ok(r) = http.post(url).json(body).send().await {
            return r.status().as_u16();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}

#[test]
fn serve_with_a_bad_value_exits_2_too() {
    let (code, stderr, _dir) = run_sigil(&[("LOGIN_RATE_PER_MINUTE", "lots")], &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("LOGIN_RATE_PER_MINUTE"), "{stderr}");
}

#[test]
fn migrate_twice_is_fine_and_creates_the_development_secret() {
    let dir = tempfile::tempdir().unwrap();
    for expected in ["14 migration(s)", "0 migration(s)"] {
        let out = Command::new(env!("CARGO_BIN_EXE_sigil"))
            .arg("migrate")
            .current_dir(dir.path())
            .env_clear()
            .env("RUST_LOG", "error")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains(expected));
    }
    assert!(dir.path().join("data/sigil.db").exists());
    let key = dir.path().join("data/secret_key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn create_user_reads_the_password_from_stdin() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigil"))
        .args([
            "create-user",
            "--email",
            "Root@Example.com",
            "--username",
            "root",
        ])
        .current_dir(dir.path())
        .env_clear()
        .env("BCRYPT_COST", "4")
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let user: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(user["email"], "root@example.com");
    assert_eq!(user["username"], "root");
    // A short password is refused with a message, and nothing is created.
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigil"))
        .args([
            "create-user",
            "--email",
            "x@example.com",
            "--username",
            "xuser",
        ])
        .current_dir(dir.path())
        .env_clear()
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    // The length rule's message (API.md part three §4).
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Use at least 8 characters."), "{stderr}");
}

#[test]
fn a_provider_id_that_one_of_sigils_own_routes_has_exits_2() {
    for id in ["passkey", "mfa", "options"] {
        let upper = id.to_ascii_uppercase();
        let vars = [
            ("LOGIN_PROVIDERS", id.to_string()),
            (
                &format!("LOGIN_PROVIDER_{upper}_ISSUER"),
                "https://id.example".to_string(),
            ),
            (
                &format!("LOGIN_PROVIDER_{upper}_CLIENT_ID"),
                "c".to_string(),
            ),
            (
                &format!("LOGIN_PROVIDER_{upper}_CLIENT_SECRET"),
                "s".to_string(),
            ),
        ];
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (code, stderr, _dir) = run_sigil(&vars, &["migrate"]);
        assert_eq!(code, Some(2), "{id}: {stderr}");
        assert!(stderr.contains("LOGIN_PROVIDERS"), "{stderr}");
    }
}
