//! PostgreSQL over TLS (libpq and OpenSSL built from source): the machine's server with
//! `sslmode=require` and libpq's default `prefer`, and `verify-ca`/`verify-full` against a
//! second cluster this test starts on another port with a certificate authority and a server
//! certificate of its own. The machine's main cluster is never reconfigured.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::helpers::{fresh_database, postgres_configured, send, Backend, TestApp};

/// `sigil migrate` with only `DATABASE_URL` (and a `HOME` without `~/.postgresql`): its exit
/// status and what it wrote to stderr.
fn migrate(url: &str, home: &Path) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sigil"))
        .arg("migrate")
        .current_dir(home)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("RUST_LOG", "error")
        .env("DATABASE_URL", url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("run sigil migrate");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A refused `DATABASE_URL`: exit 2 and one line naming the variable that contains `needle`.
fn assert_refused(url: &str, home: &Path, needle: &str) {
    let (code, stderr) = migrate(url, home);
    assert_eq!(code, Some(2), "{url}: {stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected for {url}: {stderr}");
    assert!(lines[0].contains("DATABASE_URL"), "{stderr}");
    assert!(
        lines[0].contains(needle),
        "{url}: expected {needle:?} in {stderr}"
    );
}

fn with_param(url: &str, param: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{param}")
}

#[derive(QueryableByName)]
struct Connections {
    #[diesel(sql_type = BigInt)]
    tls: i64,
    #[diesel(sql_type = BigInt)]
    plain: i64,
}

/// Sigil's pool connections to `database`, counted by whether they use TLS.
fn connections_to(admin_url: &str, database: &str) -> Connections {
    let mut conn = diesel::PgConnection::establish(admin_url).expect("admin connection");
    diesel::sql_query(
        "SELECT count(*) FILTER (WHERE s.ssl) AS tls, count(*) FILTER (WHERE NOT s.ssl) AS plain \
         FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.datname = $1",
    )
    .bind::<Text, _>(database)
    .get_result(&mut conn)
    .expect("pg_stat_ssl")
}

/// Opens Sigil's pool on a fresh database with `param` added to its URL, and counts its
/// connections as the server sees them.
fn sigil_pool_with(param: Option<&str>) -> Connections {
    let admin_url = std::env::var("TEST_POSTGRES_URL").unwrap();
    let (url, _guard) = fresh_database(Backend::Postgres);
    let name = url.rsplit('/').next().unwrap().split('?').next().unwrap();
    let url = match param {
        Some(p) => with_param(&url, p),
        None => url.clone(),
    };
    let db = sigil::db::Db::connect(&sigil::config::DatabaseUrl::parse(&url).unwrap(), 2)
        .unwrap_or_else(|e| panic!("connect with {param:?}: {e}"));
    let seen = connections_to(&admin_url, name);
    drop(db);
    seen
}

#[test]
fn the_local_server_is_reached_over_tls() {
    if !postgres_configured() {
        crate::helpers::skipped("TEST_POSTGRES_URL is not set");
        return;
    }
    let ssl_on = {
        #[derive(QueryableByName)]
        struct Setting {
            #[diesel(sql_type = Text)]
            ssl: String,
        }
        let admin_url = std::env::var("TEST_POSTGRES_URL").unwrap();
        let mut conn = diesel::PgConnection::establish(&admin_url).unwrap();
        let s: Setting = diesel::sql_query("SHOW ssl").get_result(&mut conn).unwrap();
        s.ssl == "on"
    };
    if !ssl_on {
        crate::helpers::skipped("the PostgreSQL server at TEST_POSTGRES_URL has ssl = off");
        return;
    }
    let required = sigil_pool_with(Some("sslmode=require"));
    assert!(
        required.tls >= 1,
        "sslmode=require opened no TLS connection"
    );
    assert_eq!(
        required.plain, 0,
        "sslmode=require opened a plain connection"
    );
    // libpq's default, `prefer`, uses TLS when the server offers it: so does the whole suite.
    let preferred = sigil_pool_with(None);
    assert!(preferred.tls >= 1 && preferred.plain == 0);
    // The same count does see plain connections, so the two above measure something.
    let disabled = sigil_pool_with(Some("sslmode=disable"));
    assert!(disabled.plain >= 1 && disabled.tls == 0);
}

/// Serves on `url` (an existing, reachable database), makes two authenticated reads, and says
/// how many of the server's bounded reads ran on its async connections and how many on the
/// blocking pool (libpq), and, when `TEST_POSTGRES_URL` is its server, the server's connections
/// as PostgreSQL sees them, counted while it runs (a stopped server closes them).
fn reads_served_on(url: &str) -> ((f64, f64), Option<Connections>) {
    let admin_url = std::env::var("TEST_POSTGRES_URL").ok();
    let database = url.rsplit('/').next().unwrap().split('?').next().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let app = TestApp::spawn_on(Backend::Postgres, url).await;
        let name = format!("u{}", uuid::Uuid::new_v4().simple());
        let user = app.user(&name[..20]).await;
        for path in ["/api/users/me", "/api/posts"] {
            let r = send(app.bearer.get(path, &user.access_token)).await;
            assert_eq!(r.status(), 200, "{path} on {url}");
        }
        let text = app.get("/metrics").await.text().await.unwrap();
        let reads = |path: &str| -> f64 {
            let series = format!("sigil_db_reads_total{{path=\"{path}\"}} ");
            text.lines()
                .find_map(|l| l.strip_prefix(&series))
                .map_or(0.0, |v| v.parse().unwrap())
        };
        let reads = (reads("async"), reads("blocking"));
        (
            reads,
            admin_url.map(|admin| connections_to(&admin, database)),
        )
    })
}

#[test]
fn the_async_reads_keep_the_tls_mode_and_decline_what_they_cannot_follow() {
    if !postgres_configured() {
        crate::helpers::skipped("TEST_POSTGRES_URL is not set");
        return;
    }
    for (param, tls) in [("sslmode=require", true), ("sslmode=disable", false)] {
        let (url, _guard) = fresh_database(Backend::Postgres);
        let url = with_param(&url, param);
        let (reads, seen) = reads_served_on(&url);
        assert_eq!(reads, (3.0, 0.0), "{param}");
        let seen = seen.expect("counted on TEST_POSTGRES_URL");
        // Every connection of the server, the async ones included, as the mode asks.
        if tls {
            assert!(
                seen.tls >= 2 && seen.plain == 0,
                "{param}: {} plain",
                seen.plain
            );
        } else {
            assert!(
                seen.plain >= 2 && seen.tls == 0,
                "{param}: {} over TLS",
                seen.tls
            );
        }
    }
    // A libpq parameter tokio-postgres does not know: the reads stay on libpq, and work.
    let (url, _guard) = fresh_database(Backend::Postgres);
    let url = with_param(&url, "fallback_application_name=sigil-test");
    assert_eq!(reads_served_on(&url).0, (0.0, 3.0));
}

#[test]
fn exiting_while_the_pool_opens_tls_connections_does_not_crash() {
    if !postgres_configured() {
        crate::helpers::skipped("TEST_POSTGRES_URL is not set");
        return;
    }
    // `sigil migrate` exits while the pool's threads may still be in a TLS handshake. OpenSSL's
    // own exit handler used to free its tables under them: a segfault in about 3 runs of 10.
    let (url, _guard) = fresh_database(Backend::Postgres);
    let url = with_param(&url, "sslmode=require");
    let home = tempfile::tempdir().unwrap();
    for run in 0..25 {
        let (code, stderr) = migrate(&url, home.path());
        assert_eq!(code, Some(0), "run {run}: {stderr}");
    }
}

#[test]
fn malformed_tls_settings_are_one_line_naming_database_url() {
    let home = tempfile::tempdir().unwrap();
    let base = "postgres://postgres@127.0.0.1:1/test";
    assert_refused(
        &with_param(base, "sslmode=requires"),
        home.path(),
        "sslmode",
    );
    assert_refused(
        &with_param(base, "sslmode=verify-full&sslrootcert=/nonexistent/ca.pem"),
        home.path(),
        "cannot be read",
    );
    assert_refused(
        &with_param(base, "sslmode=verify-full"),
        home.path(),
        "needs sslrootcert",
    );
    assert_refused(
        &with_param(base, "sslmode=require&sslrootcert=system"),
        home.path(),
        "needs sslmode=verify-full",
    );
    // Nothing listens on port 1: libpq's own words on one line, and exit 1, not 2: the setting
    // may be right and the server not up yet, so a service manager should try again.
    let (code, stderr) = migrate(&with_param(base, "connect_timeout=2"), home.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("DATABASE_URL") && stderr.contains("Connection refused"),
        "{stderr}"
    );
}

/// A PostgreSQL cluster of the test's own, stopped when dropped.
struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl Cluster {
    /// Where `initdb` and `pg_ctl` are: on PATH, or Debian's versioned folder.
    fn find_bin() -> Option<PathBuf> {
        let on_path = std::env::var_os("PATH").into_iter().flat_map(|p| {
            std::env::split_paths(&p)
                .filter(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
                .collect::<Vec<_>>()
        });
        let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("bin"))
            .filter(|d| d.join("initdb").is_file())
            .collect();
        debian.sort();
        on_path.chain(debian.into_iter().rev()).next()
    }

    /// Runs a PostgreSQL tool, as the `postgres` user when the test runs as root (the server
    /// refuses to run as root).
    fn tool(&self, name: &str) -> Command {
        let path = self.bin.join(name);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn start(bin: PathBuf) -> Cluster {
        let dir = tempfile::tempdir().expect("temp dir");
        let as_postgres = unsafe { libc::geteuid() } == 0;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let cluster = Cluster {
            dir,
            bin,
            port,
            as_postgres,
        };
        make_certificates(cluster.dir.path());
        if as_postgres {
            chown_to_postgres(cluster.dir.path());
        }
        let data = cluster.path("data");
        run(cluster
            .tool("initdb")
            .args(["-A", "trust", "-U", "postgres", "-D"])
            .arg(&data));
        let options = format!(
            "-c port={port} -c listen_addresses=localhost -c unix_socket_directories={dir} \
             -c ssl=on -c ssl_cert_file={dir}/server.pem -c ssl_key_file={dir}/server.key",
            dir = cluster.dir.path().display()
        );
        run(cluster
            .tool("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(cluster.path("server.log"))
            .args(["-w", "-t", "30", "-o", &options, "start"]));
        cluster
    }

    fn url(&self, host: &str, params: &str) -> String {
        format!("postgres://postgres@{host}:{}/postgres?{params}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .tool("pg_ctl")
            .arg("-D")
            .arg(self.path("data"))
            .args(["-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("run a PostgreSQL tool");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn chown_to_postgres(dir: &Path) {
    run(Command::new("chown").args(["-R", "postgres:"]).arg(dir));
}

/// Two certificate authorities, and a server certificate for `localhost` signed by the first.
fn make_certificates(dir: &Path) {
    // Every argument is a word: the files are named relative to `dir`.
    let openssl = |args: &str| {
        run(Command::new("openssl")
            .current_dir(dir)
            .args(args.split_whitespace()));
    };
    let ec_key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    for ca in ["ca", "other-ca"] {
        openssl(&format!(
            "req -x509 {ec_key} -keyout {ca}.key -out {ca}.pem -days 2 -subj /CN=Sigil-test-{ca}"
        ));
    }
    std::fs::write(dir.join("server.ext"), "subjectAltName=DNS:localhost\n").unwrap();
    openssl(&format!(
        "req {ec_key} -keyout server.key -out server.csr -subj /CN=localhost"
    ));
    openssl(
        "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem \
         -days 2 -extfile server.ext",
    );
    // The server refuses a key others can read; the postgres user must reach the folder.
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |path: &Path, mode| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    mode(&dir.join("server.key"), 0o600);
    mode(dir, 0o755);
}

#[test]
fn verify_full_checks_the_authority_and_the_host_name() {
    let Some(bin) = Cluster::find_bin() else {
        crate::helpers::skipped("no initdb/pg_ctl to start a PostgreSQL cluster with TLS");
        return;
    };
    if Command::new("openssl").arg("version").output().is_err() {
        crate::helpers::skipped("no openssl command to make the test's certificates");
        return;
    }
    let cluster = Cluster::start(bin);
    let home = tempfile::tempdir().unwrap();
    let ca = cluster.path("ca.pem");
    let other_ca = cluster.path("other-ca.pem");
    let root = |path: &Path| format!("sslrootcert={}", path.display());

    // The certificate names localhost and is signed by the CA given: accepted.
    let full = cluster.url("localhost", &format!("sslmode=verify-full&{}", root(&ca)));
    let (code, stderr) = migrate(&full, home.path());
    assert_eq!(code, Some(0), "verify-full to localhost: {stderr}");

    // The same server under another name: verify-full refuses, verify-ca does not look.
    assert_refused(
        &cluster.url("127.0.0.1", &format!("sslmode=verify-full&{}", root(&ca))),
        home.path(),
        "does not match host name",
    );
    let ca_only = cluster.url("127.0.0.1", &format!("sslmode=verify-ca&{}", root(&ca)));
    let (code, stderr) = migrate(&ca_only, home.path());
    assert_eq!(code, Some(0), "verify-ca by address: {stderr}");

    // A certificate from an authority we did not name: refused under both.
    for mode in ["verify-ca", "verify-full"] {
        assert_refused(
            &cluster.url("localhost", &format!("sslmode={mode}&{}", root(&other_ca))),
            home.path(),
            "certificate verify failed",
        );
    }

    // `require` encrypts without checking who answers: the wrong name is accepted.
    let require = cluster.url("127.0.0.1", "sslmode=require");
    let (code, stderr) = migrate(&require, home.path());
    assert_eq!(code, Some(0), "require: {stderr}");

    // The server's async reads follow the same rules: each accepted URL serves its reads on
    // them (none on libpq), and its client refuses what libpq refuses, on its own.
    for url in [&full, &ca_only, &require] {
        assert_eq!(reads_served_on(url).0, (3.0, 0.0), "{url}");
    }
    let refused = |url: &str| {
        let why = sigil::db::check_async_client(url).expect_err(url);
        assert!(why.contains("certificate verify failed"), "{url}: {why}");
    };
    refused(&cluster.url("127.0.0.1", &format!("sslmode=verify-full&{}", root(&ca))));
    for mode in ["verify-ca", "verify-full", "require"] {
        refused(&cluster.url("localhost", &format!("sslmode={mode}&{}", root(&other_ca))));
    }
}
