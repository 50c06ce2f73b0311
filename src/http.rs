//! The framework glue both faces share: reading bodies into typed requests, the client's
//! address and agent, and the security headers.

pub mod body;
pub mod body_deadline;
pub mod client;
pub mod headers;
pub mod oauth_form;
pub mod outgoing;
pub mod request_id;

/// Whether a path is answered as JSON (errors as problem JSON) rather than as a page.
pub fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/")
        || path == "/api"
        || path.starts_with("/.well-known/")
        || path == "/oauth/userinfo"
        || path == "/healthz"
        || path == "/readyz"
        || path == "/metrics"
}
