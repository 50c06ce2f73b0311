//! `sigil backup PATH`: a consistent copy of a running server's SQLite database that another
//! server can start from; never overwriting, never creating a database, never for PostgreSQL.

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::helpers::{test_env, Backend, TestApp, PASSWORD};

/// `sigil backup PATH` with a server's environment: exit status, stdout, stderr.
fn backup(env: &HashMap<String, String>, target: &Path) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sigil"))
        .arg("backup")
        .arg(target)
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter())
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .output()
        .expect("run sigil backup");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_starts_a_server_with_the_same_data() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let alice = app.user("alice").await;
    for i in 0..20 {
        app.post_as(&alice, &format!("Before the backup {i}"), "public")
            .await;
    }
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("sigil-backup.db");

    // Writes keep coming while the copy is taken; the copy is one consistent snapshot.
    let writer = {
        let app_address = app.address.clone();
        let token = alice.access_token.clone();
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            for i in 0..30 {
                let r = client
                    .post(format!("{app_address}/api/posts"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({"title": format!("During {i}"), "body": "b"}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 201);
            }
        })
    };
    let (code, stdout, stderr) = {
        let (env, target) = (app.env.clone(), target.clone());
        tokio::task::spawn_blocking(move || backup(&env, &target))
            .await
            .unwrap()
    };
    writer.await.unwrap();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("integrity ok"), "{stdout}");
    let mode = std::fs::metadata(&target).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the copy holds password hashes");

    // A server started on the copy knows alice and her posts.
    let restored =
        TestApp::spawn_on(Backend::Sqlite, &format!("sqlite://{}", target.display())).await;
    restored.login_pair("alice", PASSWORD).await;
    let r = restored.list_posts(None, "?limit=100").await;
    assert_eq!(r.status(), 200);
    let page: Value = r.json().await.unwrap();
    let titles: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    for i in 0..20 {
        assert!(titles.contains(&format!("Before the backup {i}").as_str()));
    }

    // A second backup to the same path is refused and leaves the first as it was.
    let before = std::fs::read(&target).unwrap();
    let (code, _, stderr) = backup(&app.env, &target);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("never overwrites"), "{stderr}");
    assert_eq!(std::fs::read(&target).unwrap(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_refuses_what_it_cannot_do_well() {
    let dir = tempfile::tempdir().unwrap();
    // No database yet: nothing is created, neither the database nor the copy.
    let missing = dir.path().join("nothing.db");
    let env = test_env(&format!("sqlite://{}", missing.display()), &[]);
    let target = dir.path().join("copy.db");
    let (code, _, stderr) = backup(&env, &target);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("nothing to back up"), "{stderr}");
    assert!(!missing.exists() && !target.exists());

    // A folder that does not exist.
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (code, _, stderr) = backup(&app.env, &dir.path().join("no/such/folder/copy.db"));
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("its folder does not exist"), "{stderr}");

    // The database's own write-ahead log is no place for a copy.
    let db_path = app.database_url.trim_start_matches("sqlite://");
    for own in ["", "-wal", "-shm"] {
        let (code, _, stderr) = backup(&app.env, Path::new(&format!("{db_path}{own}")));
        assert_eq!(code, Some(2), "{own}: {stderr}");
        assert!(stderr.contains("database's own file"), "{stderr}");
    }

    // PostgreSQL: pg_dump is the tool, said on one line.
    let env = test_env("postgres://postgres@127.0.0.1:5432/test", &[]);
    let (code, _, stderr) = backup(&env, &target);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("pg_dump"), "{stderr}");
    assert!(!target.exists());
}
