//! A real browser: chromedriver and a headless Chromium session (skipped without one), and
//! what a person does on a page: fill, click, submit, read, log in, screenshot.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use reqwest::Method;
use serde_json::{json, Value};

use super::app::{skipped, TestApp};

pub struct Driver {
    child: Child,
    port: u16,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    /// Ends chromedriver and every Chromium it started (its process group), also when a test
    /// failed before closing its session.
    fn drop(&mut self) {
        // SAFETY: kill only reads its integer arguments; the group is this driver's own.
        unsafe {
            libc::kill(-(self.child.id() as i32), libc::SIGKILL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromedriver_path() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("SIGIL_CHROMEDRIVER") {
        return Some(PathBuf::from(p));
    }
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Starts chromedriver and a headless Chromium session; `None` (skipped) when there is none.
pub async fn browser() -> Option<(Driver, Client)> {
    let Some(path) = chromedriver_path() else {
        skipped("no chromedriver (install Debian's chromium-driver)");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    use std::os::unix::process::CommandExt as _;
    let child = Command::new(&path)
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let profile = tempfile::tempdir().unwrap();
    let driver = Driver {
        child,
        port,
        _profile: profile,
    };
    let args = vec![
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--window-size=1200,900".into(),
        format!("--user-data-dir={}", driver._profile.path().display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({ "args": args, "binary": "/usr/bin/chromium" }),
    );
    let url = format!("http://127.0.0.1:{}", driver.port);
    let mut last_error = String::new();
    for _ in 0..50 {
        match ClientBuilder::rustls()
            .expect("connector")
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return Some((driver, client)),
            Err(e) => {
                last_error = e.to_string();
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    panic!("chromedriver did not start a session: {last_error}");
}

/// A command of a chromedriver extension on the session:
/// `{method} /session/{id}/{path}` (`webauthn/…`, `goog/cdp/execute`).
#[derive(Debug)]
pub struct SessionCommand {
    pub method: Method,
    pub path: String,
    pub body: Option<Value>,
}

impl WebDriverCompatibleCommand for SessionCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.expect("a WebDriver session");
        base_url.join(&format!("session/{session}/{}", self.path))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (Method, Option<String>) {
        (
            self.method.clone(),
            self.body.as_ref().map(Value::to_string),
        )
    }
}

pub(super) fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
    super::axe::audit(c, name).await;
}

pub async fn fill(c: &Client, selector: &str, value: &str) {
    let field = c.find(Locator::Css(selector)).await.expect(selector);
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

pub async fn click(c: &Client, selector: &str) {
    let element = c.find(Locator::Css(selector)).await.expect(selector);
    element.click().await.unwrap();
}

pub async fn submit(c: &Client, form_selector: &str) {
    click(c, &format!("{form_selector} button[type=submit]")).await;
}

/// Waits (up to 5 s) until the page shows `needle`, and says so.
pub async fn shows(c: &Client, needle: &str) -> bool {
    for _ in 0..50 {
        if body_text(c).await.contains(needle) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// The page's text; retried while a navigation replaces the document.
pub async fn body_text(c: &Client) -> String {
    for _ in 0..50 {
        if let Ok(body) = c.find(Locator::Css("body")).await {
            if let Ok(text) = body.text().await {
                return text;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page has no readable body");
}

/// Fills in and sends the login form of the page the browser is on.
pub async fn log_in(c: &Client, username: &str, password: &str) {
    fill(c, "#field-username", username).await;
    fill(c, "#field-password", password).await;
    submit(c, "form[action='/login']").await;
}

pub async fn path_of(c: &Client) -> String {
    let url = c.current_url().await.unwrap();
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// A TOTP code for the current time step moved by `steps` (a code works once).
pub fn totp_in(secret: &str, steps: i64) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp() + steps * 30;
    sigil::testing::totp_code(secret, now as u64)
}

/// Makes the browser's sign-in eleven minutes old (past `REAUTH_MINUTES`): the session's
/// `auth_time` goes back, and without its access cookie the browser's next page load renews
/// silently from the refresh cookie, with the session's old `auth_time`.
pub async fn age_the_sign_in(c: &Client, app: &TestApp) {
    app.sql("UPDATE sessions SET auth_time = datetime('now', '-11 minutes')");
    c.delete_cookie("access_token").await.unwrap();
}
