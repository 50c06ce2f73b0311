//! The client for Sigil's own outgoing HTTP requests: the Pwned Passwords range API and
//! back-channel logout now, outside providers later. Every request has a deadline, redirects
//! are not followed (a request goes where the settings say, nowhere else), and the
//! `User-Agent` names Sigil, as public APIs ask.

use std::time::Duration;

/// What Sigil calls itself to the servers it asks.
pub const USER_AGENT: &str = concat!("Sigil/", env!("CARGO_PKG_VERSION"));
/// The longest wait for a connection (TCP and TLS).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest a whole request may take, answer included; a caller may set a shorter one on
/// its request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A new client with those limits. Clone it to share its connections; build it once per use
/// (at start-up), not per request.
pub fn client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("cannot build the outgoing HTTP client: {e}"))
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
mod tests {
    use super::allowed_url;

    #[test]
    fn https_anywhere_and_http_only_to_loopback_in_development() {
        assert!(allowed_url("https://rp.example/logout", false).is_ok());
        assert!(allowed_url("https://127.0.0.1/logout", false).is_ok());
        for loopback in [
            "http://127.0.0.1:9000/logout",
            "http://[::1]:9000/logout",
            "http://localhost/logout",
        ] {
            assert!(allowed_url(loopback, true).is_ok(), "{loopback}");
            let why = allowed_url(loopback, false).unwrap_err();
            assert!(why.contains("development"), "{loopback}: {why}");
        }
        for refused in [
            "http://rp.example/logout",
            "http://10.0.0.1/logout",
            "ftp://rp.example/",
            "not a url",
        ] {
            assert!(allowed_url(refused, true).is_err(), "{refused}");
        }
    }
}
