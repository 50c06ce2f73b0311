//! The clients a test talks to the server with: `anon` (no cookies, no auth), a cookie-keeping
//! browser with its CSRF token at hand, and `bearer` (`Authorization: Bearer`); and the checks
//! of a response every test uses (a header, a problem+json body).

use std::sync::Arc;

use reqwest::cookie::{CookieStore as _, Jar};
use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::Value;

/// Sends a request a test built; one that cannot be sent at all fails the test.
pub async fn send(req: RequestBuilder) -> Response {
    req.send().await.expect("request")
}

/// What the three clients share: requests to paths of the one server. No client follows
/// redirects, so a test sees every 303 and where it points.
pub trait Requests {
    /// A request to `path` (with its query, if any), carrying whatever this client adds.
    fn request(&self, method: Method, path: &str) -> RequestBuilder;

    fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    fn post(&self, path: &str) -> RequestBuilder {
        self.request(Method::POST, path)
    }
}

/// What each client is built on: a reqwest client (with a cookie jar or without) and the
/// server's address.
#[derive(Clone)]
pub(super) struct Http {
    client: Client,
    address: String,
}

impl Http {
    pub(super) fn new(address: &str, jar: Option<Arc<Jar>>) -> Http {
        let builder = Client::builder().redirect(reqwest::redirect::Policy::none());
        let builder = match jar {
            Some(jar) => builder.cookie_provider(jar),
            None => builder,
        };
        Http {
            client: builder.build().expect("reqwest client"),
            address: address.to_string(),
        }
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.address))
    }
}

/// No cookies, no auth: what a script or a stranger sends.
pub struct Anon(pub(super) Http);

impl Requests for Anon {
    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.0.request(method, path)
    }
}

/// A browser: keeps the cookies the server sets (the signed session, the access and refresh
/// tokens) and sends them back, and has its session's CSRF token at hand.
pub struct Browser {
    http: Http,
    jar: Arc<Jar>,
}

impl Requests for Browser {
    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, path)
    }
}

impl Browser {
    pub fn new(address: &str) -> Browser {
        let jar = Arc::new(Jar::default());
        Browser {
            http: Http::new(address, Some(Arc::clone(&jar))),
            jar,
        }
    }

    fn server(&self) -> reqwest::Url {
        self.http.address.parse().expect("the server's URL")
    }

    /// Puts `name=value` in the jar as if the server had set it (a token the test holds).
    pub fn set_cookie(&self, name: &str, value: &str) {
        self.jar
            .add_cookie_str(&format!("{name}={value}; Path=/"), &self.server());
    }

    /// The value of the cookie `name` this browser would send, if it has one.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let header = self.jar.cookies(&self.server())?;
        let prefix = format!("{name}=");
        header
            .to_str()
            .expect("cookies are ASCII")
            .split("; ")
            .find_map(|c| c.strip_prefix(&prefix).map(str::to_string))
    }

    /// The session's CSRF token, from `GET /api/auth/csrf` (which starts a session if the
    /// browser has none yet). Pages carry the same token in their `csrf_token` fields.
    pub async fn csrf_token(&self) -> String {
        let r = send(self.get("/api/auth/csrf")).await;
        assert_eq!(r.status(), 200, "GET /api/auth/csrf");
        let body: Value = r.json().await.expect("CSRF JSON");
        body["csrf_token"]
            .as_str()
            .expect("a csrf_token string")
            .to_string()
    }

    /// A page's status and HTML.
    pub async fn page(&self, path: &str) -> (u16, String) {
        let r = send(self.get(path)).await;
        (r.status().as_u16(), r.text().await.expect("HTML"))
    }

    /// Posts a form, urlencoded, with exactly the fields given.
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        send(self.post(path).form(fields)).await
    }

    /// Opens `page`, and posts `fields` to `action` with the CSRF token of that page's form,
    /// as a person filling it in would.
    pub async fn fill_in(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let (_, html) = self.page(page).await;
        let csrf = csrf_of(&html);
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &csrf));
        self.form(action, &fields).await
    }

    /// Logs in through the `/login` form.
    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.fill_in(
            "/login",
            "/login",
            &[("username", username), ("password", password)],
        )
        .await
    }
}

/// The value of the first `csrf_token` hidden field of a page.
pub fn csrf_of(html: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker).expect("a csrf_token field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// Requests that carry `Authorization: Bearer` with the token each one names, and no cookies.
pub struct Bearer(pub(super) Http);

impl Bearer {
    pub fn request(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.0.request(method, path).bearer_auth(token)
    }

    pub fn get(&self, path: &str, token: &str) -> RequestBuilder {
        self.request(Method::GET, path, token)
    }

    pub fn post(&self, path: &str, token: &str) -> RequestBuilder {
        self.request(Method::POST, path, token)
    }
}

/// A response header as text; a missing or non-ASCII one fails the test.
pub fn header(r: &Response, name: &str) -> String {
    r.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap_or_else(|_| panic!("{name} is not ASCII"))
        .to_string()
}

/// Reads a problem+json body and checks its shape.
pub async fn problem(r: Response, status: u16) -> Value {
    problem_about(r, status, "").await
}

/// [`problem`], with `what` the check is about in every failure message (and the body, when
/// the status is not the one expected).
pub async fn problem_about(r: Response, status: u16, what: &str) -> Value {
    let got = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let text = r.text().await.unwrap_or_default();
    assert_eq!(got, status, "{what}: status; {text}");
    assert!(
        ct.starts_with("application/problem+json"),
        "{what}: content type {ct}"
    );
    let body: Value = serde_json::from_str(&text).expect("problem JSON");
    assert_eq!(body["status"], status, "{what}: {body}");
    assert!(
        body["type"].is_string() && body["title"].is_string() && body["detail"].is_string(),
        "{what}: {body}"
    );
    body
}
