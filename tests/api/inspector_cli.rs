//! `sigil inspect` with a key, and `sigil encode`: the exit status is the verdict (0 valid, 1
//! any other status, 2 a usage error) and the output the API's JSON when it is not a terminal.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::backend_tests;
use crate::helpers::{fixture, Backend, TestApp, JWT_IO};

backend_tests!(
    inspect_exits_with_the_verdict,
    inspect_usage_errors_exit_2,
    encode_then_inspect_round_trips,
);

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }
}

/// Runs `sigil ARGS` in `dir` with the test server's environment and `stdin`.
async fn sigil(app: &TestApp, dir: &Path, args: &[&str], stdin: &str) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sigil"));
    cmd.args(args)
        .current_dir(dir)
        .env_clear()
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in &app.env {
        cmd.env(k, v);
    }
    let stdin = stdin.to_string();
    tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().expect("run sigil");
        // A command that reads no input may exit before this is written.
        let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        let out = child.wait_with_output().unwrap();
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    })
    .await
    .unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    std::fs::write(dir.join(name), text).unwrap();
    name.to_string()
}

async fn inspect_exits_with_the_verdict(b: Backend) {
    let app = TestApp::spawn(b).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let f = fixture("RS256");
    let token = f["token"].as_str().unwrap();
    let pem = write(d, "public.pem", f["pem"].as_str().unwrap());
    let jwks = write(d, "jwks.json", &f["jwks"].to_string());
    let wrong = write(d, "wrong.pem", f["wrong_pem"].as_str().unwrap());

    let r = sigil(&app, d, &["inspect", "--key", &pem, token], "").await;
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let json = r.json();
    assert_eq!(json["status"], "valid");
    assert_eq!(json["signature"]["verified"], true);
    assert!(json["warnings"].is_array());
    // The same through the API.
    let api = app
        .inspect_ok(serde_json::json!({"token": token, "key": f["pem"]}))
        .await;
    assert_eq!(json["status"], api["status"]);
    assert_eq!(json["warnings"], api["warnings"]);

    let r = sigil(&app, d, &["inspect", "--jwks", &jwks, token], "").await;
    assert_eq!((r.code, &r.json()["status"]), (Some(0), &"valid".into()));
    // The token from standard input, the key from a file.
    let r = sigil(&app, d, &["inspect", "--key", &pem], &format!("{token}\n")).await;
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // The key from standard input, the token as an argument.
    let r = sigil(
        &app,
        d,
        &["inspect", "--key", "-", token],
        f["pem"].as_str().unwrap(),
    )
    .await;
    assert_eq!(r.code, Some(0), "{}", r.stderr);

    let r = sigil(&app, d, &["inspect", "--key", &wrong, token], "").await;
    assert_eq!(r.code, Some(1));
    assert_eq!(r.json()["status"], "invalid_signature");
    let r = sigil(&app, d, &["inspect", token], "").await;
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(r.json()["status"], "unverified");
    let args = [
        "inspect",
        "--key",
        &pem,
        "--issuer",
        "https://evil.example.com/",
        token,
    ];
    let r = sigil(&app, d, &args, "").await;
    assert_eq!(r.code, Some(1));
    assert_eq!(r.json()["status"], "wrong_issuer_or_audience");

    let args = ["inspect", "--secret", "your-256-bit-secret", JWT_IO];
    let r = sigil(&app, d, &args, "").await;
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("weak_hmac_secret"));
    assert!(!r.stderr.contains("your-256-bit-secret"), "{}", r.stderr);
}

async fn inspect_usage_errors_exit_2(b: Backend) {
    let app = TestApp::spawn(b).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let f = fixture("ES256");
    let token = f["token"].as_str().unwrap();
    let pem = write(d, "public.pem", f["pem"].as_str().unwrap());
    let broken = write(
        d,
        "broken.pem",
        "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----\n",
    );
    let text = write(d, "notes.txt", "just some text\n");

    let r = sigil(&app, d, &["inspect", "--key", &broken, token], "").await;
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("--key broken.pem") && r.stderr.contains("does not parse"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    // A stray text file is not quietly taken for an HMAC secret.
    let r = sigil(&app, d, &["inspect", "--key", &text, token], "").await;
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("--secret"), "{}", r.stderr);
    let r = sigil(&app, d, &["inspect", "--key", "missing.pem", token], "").await;
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("missing.pem"), "{}", r.stderr);
    let r = sigil(&app, d, &["inspect", "--jwks", &pem, token], "").await;
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("JWKS"), "{}", r.stderr);

    let args = ["inspect", "--key", &pem, "--secret", "s3cret-value", token];
    let r = sigil(&app, d, &args, "").await;
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("cannot be used with"), "{}", r.stderr);
    let r = sigil(&app, d, &["inspect"], "").await;
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("no token"), "{}", r.stderr);
    let r = sigil(&app, d, &["inspect", "--key", "-"], token).await;
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("as an argument"), "{}", r.stderr);
}

async fn encode_then_inspect_round_trips(b: Backend) {
    let app = TestApp::spawn(b).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let secret = "a-long-random-secret-for-the-cli-0123456789";
    let payload = r#"{"sub":"cli","exp":4102444800}"#;
    let r = sigil(
        &app,
        d,
        &["encode", "--payload", payload, "--secret", secret],
        "",
    )
    .await;
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let token = r.stdout.trim().to_string();
    assert_eq!(token.split('.').count(), 3);
    let r = sigil(&app, d, &["inspect", "--secret", secret, &token], "").await;
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let json = r.json();
    assert_eq!(json["status"], "valid");
    assert_eq!(json["header"]["alg"], "HS256");
    assert_eq!(json["payload"]["sub"], "cli");

    // An EdDSA private key from a file, then its public key.
    let f = fixture("EdDSA");
    let private = write(d, "private.pem", f["private_pem"].as_str().unwrap());
    let public = write(d, "public.pem", f["pem"].as_str().unwrap());
    let header = r#"{"alg":"EdDSA","kid":"cli"}"#;
    let args = [
        "encode",
        "--header",
        header,
        "--payload",
        payload,
        "--key",
        &private,
    ];
    let r = sigil(&app, d, &args, "").await;
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let r = sigil(&app, d, &["inspect", "--key", &public, r.stdout.trim()], "").await;
    assert_eq!(r.code, Some(0), "{}", r.stderr);

    // Mistakes name the option and exit 2.
    let r = sigil(
        &app,
        d,
        &["encode", "--payload", "[1]", "--secret", secret],
        "",
    )
    .await;
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.starts_with("--payload: "), "{}", r.stderr);
    let r = sigil(
        &app,
        d,
        &[
            "encode",
            "--header",
            header,
            "--payload",
            payload,
            "--key",
            &public,
        ],
        "",
    )
    .await;
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("--key public.pem: "), "{}", r.stderr);
    let r = sigil(&app, d, &["encode", "--payload", payload], "").await;
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("HS256 needs a key"), "{}", r.stderr);
}
