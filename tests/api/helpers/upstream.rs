//! oidc-provider (npm), the OpenID provider certified by the OpenID Foundation, as the outside
//! provider Sigil signs in with: one `node tests/support/oidc-provider/server.mjs` per test
//! process, started on first use and ended by the end of the process (it exits when its standard
//! input, held here, closes). Each test registers a client of its own with the account the
//! provider's automatic interaction signs in (no forms: a client following redirects completes
//! the flow). Without node or the packages (`npm ci` in that directory) the tests say
//! `skipped: no oidc-provider …`, which CI refuses.

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::app::skipped;

/// The line a test without the provider prints (CI greps for it).
pub const SKIPPED: &str = "no oidc-provider (run npm ci in tests/support/oidc-provider)";

/// How long the node process may take to say it is ready.
const START_WITHIN: Duration = Duration::from_secs(30);

/// The running provider, shared by every test of the process.
pub struct Upstream {
    /// `http://127.0.0.1:{port}`; discovery at `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    /// How long the node process took to print its ready line.
    pub started_in: Duration,
    _child: Mutex<Child>,
    /// Held open for the life of the process: node exits when it closes.
    _stdin: Mutex<ChildStdin>,
}

/// The account a client's sign-ins at the provider use (claims of the id_token and userinfo;
/// `None` leaves a claim out).
#[derive(Debug, Clone)]
pub struct Account {
    pub sub: String,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub preferred_username: Option<String>,
}

impl Account {
    /// An account with a unique `sub`, the address verified, and `preferred_username` the
    /// address's local part.
    pub fn verified(email: &str) -> Account {
        Account {
            sub: unique("sub"),
            email: Some(email.to_string()),
            email_verified: Some(true),
            preferred_username: email.split('@').next().map(str::to_string),
        }
    }

    /// The same, the address not verified.
    pub fn unverified(email: &str) -> Account {
        Account {
            email_verified: Some(false),
            ..Account::verified(email)
        }
    }
}

/// A client registered at the provider: what Sigil's `LOGIN_PROVIDER_<ID>_*` variables name.
#[derive(Debug, Clone)]
pub struct UpstreamClient {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

static UPSTREAM: OnceLock<Option<Upstream>> = OnceLock::new();
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A name no other test of this process uses.
fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

fn directory() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/oidc-provider")
}

impl Upstream {
    /// The shared provider, started on first call; `None` (after printing the skip line) when
    /// node or the packages are missing. A provider that is installed but fails to start panics.
    pub fn get() -> Option<&'static Upstream> {
        let upstream = UPSTREAM.get_or_init(start).as_ref();
        if upstream.is_none() {
            skipped(SKIPPED);
        }
        upstream
    }

    /// Registers a new client (unique id, `client_secret_basic`) whose redirect URI is
    /// `redirect_uri` (Sigil's `{PUBLIC_URL}/login/{id}/callback`) and whose sign-ins are
    /// `account`'s.
    pub async fn client(&self, redirect_uri: &str, account: &Account) -> UpstreamClient {
        self.client_with(redirect_uri, account, "client_secret_basic")
            .await
    }

    /// The same with another `token_endpoint_auth_method` (`client_secret_post`).
    pub async fn client_with(
        &self,
        redirect_uri: &str,
        account: &Account,
        token_endpoint_auth_method: &str,
    ) -> UpstreamClient {
        let client = UpstreamClient {
            issuer: self.issuer.clone(),
            client_id: unique("sigil-client"),
            client_secret: format!("{}-{}", unique("secret"), uuid::Uuid::new_v4().simple()),
        };
        self.register(&client, redirect_uri, account, token_endpoint_auth_method)
            .await;
        client
    }

    /// Registers `client` again (same id and secret) with `redirect_uri`: for a Sigil whose
    /// port, hence callback, is known only once it runs with the client's credentials.
    pub async fn register(
        &self,
        client: &UpstreamClient,
        redirect_uri: &str,
        account: &Account,
        token_endpoint_auth_method: &str,
    ) {
        let mut claims = json!({ "sub": account.sub });
        for (name, value) in [
            ("email", account.email.clone().map(Value::from)),
            ("email_verified", account.email_verified.map(Value::from)),
            (
                "preferred_username",
                account.preferred_username.clone().map(Value::from),
            ),
        ] {
            if let Some(value) = value {
                claims[name] = value;
            }
        }
        self.control(
            "clients",
            json!({
                "client_id": client.client_id,
                "client_secret": client.client_secret,
                "redirect_uris": [redirect_uri],
                "token_endpoint_auth_method": token_endpoint_auth_method,
                "account": claims,
            }),
        )
        .await;
    }

    /// From now on the client's sign-ins end with `error=access_denied` (`true`), or sign in
    /// again (`false`).
    pub async fn cancel(&self, client: &UpstreamClient, cancel: bool) {
        self.control(
            "cancel",
            json!({ "client_id": client.client_id, "cancel": cancel }),
        )
        .await;
    }

    async fn control(&self, what: &str, body: Value) {
        let response = reqwest::Client::new()
            .post(format!("{}/__test/{what}", self.issuer))
            .json(&body)
            .send()
            .await
            .expect("the oidc-provider control endpoint answers");
        assert!(
            response.status().is_success(),
            "oidc-provider refused /__test/{what}: {} {}",
            response.status(),
            response.text().await.unwrap_or_default()
        );
    }
}

fn start() -> Option<Upstream> {
    let dir = directory();
    if !dir
        .join("node_modules/oidc-provider/package.json")
        .is_file()
    {
        return None;
    }
    let began = Instant::now();
    let mut child = match Command::new("node")
        .arg("server.mjs")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("starting node server.mjs: {e}"),
    };
    let stdin = child.stdin.take().expect("piped stdin");
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    // Its log, minus the warning that Node 20 is not the LTS it prefers (it runs there).
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if !line.contains("Unsupported runtime") {
                eprintln!("oidc-provider: {line}");
            }
        }
    });
    // The ready line, then drain the rest so that node never blocks on a full pipe.
    let (ready, lines) = mpsc::channel();
    std::thread::spawn(move || {
        let mut ready = Some(ready);
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(issuer) = serde_json::from_str::<Value>(&line)
                .ok()
                .and_then(|v| v["issuer"].as_str().map(str::to_string))
            {
                if let Some(ready) = ready.take() {
                    let _ = ready.send(issuer);
                }
            }
        }
    });
    let issuer = match lines.recv_timeout(START_WITHIN) {
        Ok(issuer) => issuer,
        Err(e) => {
            let _ = child.kill();
            panic!("oidc-provider did not start within {START_WITHIN:?} ({e}); its log is above");
        }
    };
    Some(Upstream {
        issuer,
        started_in: began.elapsed(),
        _child: Mutex::new(child),
        _stdin: Mutex::new(stdin),
    })
}
