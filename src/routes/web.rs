//! The HTML pages. Handlers read forms and render templates; the work is done by the same
//! domain types, queries and flows as the JSON API.

pub mod account;
pub mod assets;
pub mod auth;
pub mod errors;
pub mod home;
pub mod posts;
pub mod renewal;
pub mod token;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use serde::{Deserialize, Serialize};

use crate::auth::csrf;
use crate::auth::extract::{authenticate, Authenticated};
use crate::error::AppError;
use errors::PageError;

/// What the layout needs on every page: who is signed in, the CSRF token for its forms, and
/// flash messages.
#[derive(Default)]
pub struct Chrome {
    pub title: String,
    pub username: Option<String>,
    pub csrf_token: String,
    pub flashes: Vec<Flash>,
}

impl Chrome {
    /// The layout for a page: takes (and so clears) the pending flash messages.
    pub fn new(session: &Session, title: impl Into<String>, user: Option<&Authenticated>) -> Self {
        let flashes = session
            .remove_as::<Vec<Flash>>(FLASH_KEY)
            .and_then(Result::ok)
            .unwrap_or_default();
        Self {
            title: title.into(),
            username: user.map(|a| a.user.username.clone()),
            csrf_token: csrf::token(session),
            flashes,
        }
    }
}

const FLASH_KEY: &str = "flashes";

/// A one-time message shown on the next page (stored in the signed session cookie).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    pub kind: String,
    pub message: String,
}

/// Queues a success message for the next page.
pub fn flash(session: &Session, message: impl Into<String>) {
    flash_kind(session, "success", message);
}

pub fn flash_kind(session: &Session, kind: &str, message: impl Into<String>) {
    let mut list = session
        .get::<Vec<Flash>>(FLASH_KEY)
        .ok()
        .flatten()
        .unwrap_or_default();
    list.push(Flash {
        kind: kind.to_string(),
        message: message.into(),
    });
    let _ = session.insert(FLASH_KEY, list);
}

/// The signed-in user of a page, if any. A broken, expired or revoked cookie on a page is
/// treated as signed out (the API answers 401 instead).
pub async fn current_user(req: &HttpRequest) -> Option<Authenticated> {
    authenticate(req).await.ok().flatten()
}

/// The signed-in user, or a redirect to the login page that comes back here afterwards.
pub async fn require_user(req: &HttpRequest) -> Result<Authenticated, PageError> {
    current_user(req)
        .await
        .ok_or_else(|| PageError::login_required(req))
}

/// Refuses a form whose CSRF token is missing or wrong, with a page that says so.
pub fn check_csrf(session: &Session, presented: &str) -> Result<(), PageError> {
    csrf::verify(session, Some(presented)).map_err(PageError::from)
}

/// Renders a template with `status`; a render failure is logged and becomes the 500 page.
pub fn render(page: &impl Template, status: StatusCode) -> Result<HttpResponse, PageError> {
    let html = page.render().map_err(AppError::internal)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(html))
}

/// A 303 to `location` (after a successful form post).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}

/// A `next` target only when it is a path on this site: no scheme, no `//host`, no `/\host`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(|c| c.is_control())
                && n.len() <= 2048 =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_must_be_a_local_path() {
        assert_eq!(safe_next(Some("/posts/1?x=2")), "/posts/1?x=2");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "/\nx",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
