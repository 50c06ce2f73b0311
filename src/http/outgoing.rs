//! The one client for Sigil's own outgoing requests: outside providers, back-channel logout
//! and the Pwned Passwords range API (API.md part three, section 2, "Outgoing HTTP").
//!
//! - `https` only; `http` only to a loopback host in development ([`allowed_url`]).
//! - Idle connections kept for [`POOL_IDLE`] only, under the servers' keep-alive.
//! - Connect within 5 s; the whole exchange, body included, within `OUTBOUND_TIMEOUT_SECONDS`
//!   (a caller may ask for less, never more).
//! - A body over [`MAX_BODY`] fails, and no more of it is read.
//! - rustls with the bundled Mozilla roots plus `OUTBOUND_CA_FILE`; never unverified.
//! - A `GET` follows at most [`MAX_REDIRECTS`] redirects, each to the same scheme, host and
//!   port; a `POST` follows none.
//! - `User-Agent: Sigil/<version>`; no cookie jar; `HTTPS_PROXY` and `NO_PROXY` honoured.

use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::config::{AppEnv, ConfigError, OutboundSettings, Settings};

mod answer;
mod tls;

pub use answer::{Answer, OutgoingError};

/// What Sigil calls itself to the servers it asks.
pub const USER_AGENT: &str = concat!("Sigil/", env!("CARGO_PKG_VERSION"));
/// The longest wait for a connection (TCP and TLS).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest answer body read; a longer one is refused without reading the rest.
pub const MAX_BODY: usize = 256 * 1024;
/// Redirects a `GET` may follow.
pub const MAX_REDIRECTS: usize = 3;
/// How long an idle connection is kept for the next request. Under the 5 s after which Node
/// (oidc-provider), Apache and actix-web close an idle keep-alive connection: a request sent
/// on a connection the server is closing at that moment fails ("connection closed before
/// message completed"), and a provider sign-in would say the provider could not be reached.
/// A trip's own requests (token, keys, userinfo) follow each other within milliseconds.
pub const POOL_IDLE: Duration = Duration::from_secs(2);

/// The outgoing client, built once at start-up; clones share its connections and settings.
#[derive(Clone)]
pub struct Outgoing {
    inner: Arc<Inner>,
}

struct Inner {
    /// Follows same-origin redirects (at most 3).
    get: reqwest::Client,
    /// Follows none: a redirected `POST` would resend a secret to a place nobody configured.
    post: reqwest::Client,
    timeout: Duration,
    development: bool,
}

impl Outgoing {
    /// Builds the client: reads `OUTBOUND_CA_FILE` again (start-up already checked it) and
    /// sets every limit above. `development` allows `http` to a loopback host.
    pub fn new(settings: &OutboundSettings, development: bool) -> Result<Self, String> {
        let tls = tls::client_config(settings.ca_file.as_deref())?;
        let build = |redirect: reqwest::redirect::Policy| {
            reqwest::Client::builder()
                .user_agent(USER_AGENT)
                .connect_timeout(CONNECT_TIMEOUT)
                .pool_idle_timeout(POOL_IDLE)
                .timeout(settings.timeout)
                .redirect(redirect)
                .tls_backend_preconfigured(tls.clone())
                .build()
                .map_err(|e| format!("cannot build the outgoing HTTP client: {e}"))
        };
        Ok(Self {
            inner: Arc::new(Inner {
                get: build(reqwest::redirect::Policy::custom(same_origin_redirect))?,
                post: build(reqwest::redirect::Policy::none())?,
                timeout: settings.timeout,
                development,
            }),
        })
    }

    /// [`Outgoing::new`] from the settings, development from `APP_ENV`; a failure (only the
    /// CA file can cause one) names `OUTBOUND_CA_FILE`, for exit 2.
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        let development = settings.app_env == AppEnv::Development;
        Self::new(&settings.outbound, development)
            .map_err(|m| ConfigError::new("OUTBOUND_CA_FILE", m))
    }

    /// Whether `http` to loopback is allowed (`APP_ENV=development`).
    pub fn development(&self) -> bool {
        self.inner.development
    }

    /// The longest any exchange may take (`OUTBOUND_TIMEOUT_SECONDS`).
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// A `GET` to `url`, checked by [`allowed_url`] when sent.
    pub fn get<'a>(&'a self, url: &'a str) -> Call<'a> {
        Call::new(self, reqwest::Method::GET, url)
    }

    /// A `POST` of a form (`application/x-www-form-urlencoded`) asking for JSON back.
    pub fn post_form<'a>(&'a self, url: &'a str, form: &[(&str, &str)]) -> Call<'a> {
        let mut call = Call::new(self, reqwest::Method::POST, url);
        call.body = Some(serde_urlencoded::to_string(form).unwrap_or_default());
        call.accept_json()
    }

    /// `GET` a JSON document (`Accept: application/json`).
    pub async fn get_json<T: DeserializeOwned>(&self, url: &str) -> Result<T, OutgoingError> {
        self.get(url).accept_json().send().await?.json()
    }
}

/// One request being put together; [`Call::send`] checks the URL and sends it.
#[must_use]
pub struct Call<'a> {
    outgoing: &'a Outgoing,
    method: reqwest::Method,
    url: &'a str,
    body: Option<String>,
    headers: Vec<(&'static str, String)>,
    basic: Option<(String, String)>,
    timeout: Option<Duration>,
}

impl<'a> Call<'a> {
    fn new(outgoing: &'a Outgoing, method: reqwest::Method, url: &'a str) -> Self {
        Self {
            outgoing,
            method,
            url,
            body: None,
            headers: Vec::new(),
            basic: None,
            timeout: None,
        }
    }

    pub fn accept_json(self) -> Self {
        self.header("Accept", "application/json")
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// `Authorization: Bearer …` (userinfo, GitHub's API).
    pub fn bearer(self, token: &str) -> Self {
        self.header("Authorization", format!("Bearer {token}"))
    }

    /// HTTP Basic authentication (`client_secret_basic`: RFC 6749 §2.3.1 form-encodes both
    /// parts before joining them).
    pub fn basic(mut self, user: &str, password: &str) -> Self {
        let encode =
            |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        self.basic = Some((encode(user), encode(password)));
        self
    }

    /// A shorter limit for this exchange; never longer than the client's.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// Sends it. A 2xx is an [`Answer`]; anything else is an [`OutgoingError`].
    pub async fn send(self) -> Result<Answer, OutgoingError> {
        let url = allowed_url(self.url, self.outgoing.inner.development)
            .map_err(OutgoingError::NotAllowed)?;
        let inner = &self.outgoing.inner;
        let limit = self.timeout.map_or(inner.timeout, |t| t.min(inner.timeout));
        let client = match self.method == reqwest::Method::GET {
            true => &inner.get,
            false => &inner.post,
        };
        let mut request = client.request(self.method.clone(), url).timeout(limit);
        for (name, value) in &self.headers {
            request = request.header(*name, value);
        }
        if let Some((user, password)) = &self.basic {
            request = request.basic_auth(user, Some(password));
        }
        if let Some(body) = self.body {
            request = request
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body);
        }
        // reqwest's timeout covers the body too; this one is the contract's, whatever a
        // slow trickle of bytes does.
        match tokio::time::timeout(limit, answer::exchange(request)).await {
            Ok(result) => result,
            Err(_) => Err(OutgoingError::Unreachable(format!(
                "no complete answer within {} s",
                limit.as_secs_f32()
            ))),
        }
    }

    /// Sends it and reads a 2xx answer as JSON.
    pub async fn json<T: DeserializeOwned>(self) -> Result<T, OutgoingError> {
        self.send().await?.json()
    }
}

/// Follows a redirect only to the first URL's scheme, host and port, and at most
/// [`MAX_REDIRECTS`] times: a provider's document or keys must come from the provider.
fn same_origin_redirect(attempt: reqwest::redirect::Attempt<'_>) -> reqwest::redirect::Action {
    let previous = attempt.previous();
    if previous.len() > MAX_REDIRECTS {
        return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
    }
    let Some(first) = previous.first() else {
        return attempt.follow();
    };
    let next = attempt.url();
    let same = first.scheme() == next.scheme()
        && first.host_str() == next.host_str()
        && first.port_or_known_default() == next.port_or_known_default();
    if same {
        attempt.follow()
    } else {
        let to = format!(
            "a redirect to another origin ({})",
            next.origin().ascii_serialization()
        );
        attempt.error(to)
    }
}

/// Checks where Sigil may send a request (API.md part three, section 2, "Outgoing HTTP"):
/// `https` anywhere, `http` only to a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`) and
/// only in development, where tests and local apps listen. `Err` says why not. A URL given by
/// someone else (a client's `backchannel_logout_uri`) is checked on every use, so a setting
/// changed since it was registered applies.
pub fn allowed_url(raw: &str, development: bool) -> Result<reqwest::Url, String> {
    let url = reqwest::Url::parse(raw).map_err(|e| format!("not a URL: {e}"))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if development && is_loopback(&url) => Ok(url),
        "http" if is_loopback(&url) => {
            Err("http is allowed only in development (APP_ENV=development)".into())
        }
        "http" => Err("http is allowed only to a loopback host; use https".into()),
        other => Err(format!("the {other} scheme is not allowed; use https")),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests;
