//! The HTML pages. Handlers read forms, call the same domain types, queries and flows as the
//! JSON API, and render templates. Errors are [`AppError`]s like the API's; the error-face
//! middleware shows them as pages (see [`errors`]).

pub mod account;
pub mod admin;
pub mod assets;
pub mod auth;
pub mod browser_session;
pub mod device;
pub mod errors;
pub mod extract;
pub mod home;
pub mod layout;
pub mod lines;
pub mod locale;
pub mod oauth;
pub mod posts;
pub mod recent;
pub mod renewal;
pub mod token;

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;

use crate::error::AppError;
use crate::no_store::NoStore as _;

/// What a passkey form says when the browser gave no passkey, on the sign-in and the account
/// pages alike, in words for the person in front of it.
pub const NO_PASSKEY_ANSWER: &str =
    "Your browser did not give a passkey (it needs JavaScript, and a device or \
                         password manager that keeps passkeys). Try again, or use your password.";

/// Renders a template with `status`; a render failure is logged and becomes the 500 page.
pub fn render(page: &impl Template, status: StatusCode) -> Result<HttpResponse, AppError> {
    let html = page.render().map_err(AppError::internal)?;
    Ok(html_response(status, html))
}

/// A page answered with a wait (`429`): `Retry-After`, in seconds, when there is one.
pub fn with_retry_after(mut response: HttpResponse, secs: Option<u64>) -> HttpResponse {
    if let Some(secs) = secs {
        let wait = actix_web::http::header::HeaderValue::from(secs);
        let name = actix_web::http::header::RETRY_AFTER;
        response.headers_mut().insert(name, wait);
    }
    response
}

/// An HTML response that is never cached (pages carry CSRF tokens and personal data).
pub fn html_response(status: StatusCode, html: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .no_store()
        .body(html)
}

/// A stored time as the pages show it: a `<time datetime>` around the date and time in the
/// reader's language, labelled UTC (`Dec 6, 2026, 9:18 PM UTC`, `06.12.2026, 21:18 UTC`).
pub fn utc(t: time::PrimitiveDateTime) -> crate::i18n::Moment {
    crate::i18n::Moment(t)
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
                && !n.chars().any(|c| c.is_control() || c.is_whitespace())
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
            "/ /evil.example",
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
