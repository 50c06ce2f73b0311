//! Error pages, in the layout.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;

use super::Chrome;

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    status: u16,
    heading: &'a str,
    message: &'a str,
}

/// Renders the error page for `status`, with `message` or a default sentence.
pub fn page(status: StatusCode, message: Option<&str>) -> HttpResponse {
    let (heading, default) = match status {
        StatusCode::NOT_FOUND => ("Page not found", "There is nothing at this address."),
        StatusCode::FORBIDDEN => ("Not allowed", "You are not allowed to do that."),
        StatusCode::UNAUTHORIZED => ("Please log in", "You need to log in to see this page."),
        StatusCode::METHOD_NOT_ALLOWED => (
            "Not allowed",
            "This page does not accept that kind of request.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("Too large", "What you sent is larger than 64 KiB."),
        StatusCode::TOO_MANY_REQUESTS => (
            "Slow down",
            "Too many attempts. Wait a minute and try again.",
        ),
        s if s.is_server_error() => (
            "Something went wrong",
            "Something went wrong on our side. It has been logged; please try again.",
        ),
        _ => ("That did not work", "The request could not be processed."),
    };
    let page = ErrorPage {
        chrome: Chrome {
            title: heading.to_string(),
            ..Chrome::default()
        },
        status: status.as_u16(),
        heading,
        message: message.unwrap_or(default),
    };
    match page.render() {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .body(html),
        Err(e) => {
            log::error!("rendering the error page failed: {e}");
            HttpResponse::build(status)
                .content_type("text/plain; charset=utf-8")
                .body(format!("{} {}", status.as_u16(), heading))
        }
    }
}

/// The error type of page handlers: an [`AppError`] rendered as an HTML page, or a redirect
/// to the login page for a page that needs a signed-in user.
#[derive(Debug)]
pub enum PageError {
    App(crate::error::AppError),
    LoginRequired { next: String },
}

impl PageError {
    /// Sends the browser to `/login?next=<this page>`.
    pub fn login_required(req: &actix_web::HttpRequest) -> Self {
        let next = match req.query_string() {
            "" => req.path().to_string(),
            q => format!("{}?{q}", req.path()),
        };
        Self::LoginRequired { next }
    }
}

impl From<crate::error::AppError> for PageError {
    fn from(e: crate::error::AppError) -> Self {
        Self::App(e)
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::App(e) => e.fmt(f),
            Self::LoginRequired { next } => write!(f, "login required for {next}"),
        }
    }
}

impl actix_web::ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::App(e) => e.status_code(),
            Self::LoginRequired { .. } => StatusCode::SEE_OTHER,
        }
    }

    fn error_response(&self) -> HttpResponse {
        use crate::error::AppError;
        let error = match self {
            Self::App(e) => e,
            Self::LoginRequired { next } => {
                let next: String = url_encode(next);
                return HttpResponse::SeeOther()
                    .insert_header(("Location", format!("/login?next={next}")))
                    .finish();
            }
        };
        error.log_if_internal();
        let status = error.status_code();
        let mut response = match error {
            AppError::Internal(_) => page(status, None),
            AppError::Validation(errors) => {
                let text: Vec<String> = errors
                    .iter()
                    .flat_map(|(_, messages)| messages.iter().cloned())
                    .collect();
                page(status, Some(&text.join(" ")))
            }
            other => page(status, Some(&other.public_detail())),
        };
        if let AppError::TooManyRequests { retry_after_secs } = error {
            if let Ok(v) =
                actix_web::http::header::HeaderValue::from_str(&retry_after_secs.to_string())
            {
                response
                    .headers_mut()
                    .insert(actix_web::http::header::RETRY_AFTER, v);
            }
        }
        response
    }
}

/// Percent-encodes everything but unreserved characters and `/`.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
