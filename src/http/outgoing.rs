//! The client for Sigil's own outgoing HTTP requests: the Pwned Passwords range API now,
//! later back-channel logout and outside providers. Every request has a deadline, redirects
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
