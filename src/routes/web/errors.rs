//! The page face of [`AppError`]: an error page in the layout, or the redirect to the login
//! page for a page that needs a signed-in user. The error-face middleware calls
//! [`page_seen_by`] for every error on a page route, with the [`ErrorViewer`] that
//! [`note_viewer`] found, so a signed-in user keeps their header on an error page.

use actix_session::SessionExt as _;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage as _, HttpResponse, ResponseError as _};
use askama::Template;

use crate::auth::csrf;
use crate::auth::extract::authenticate_first_party;
use crate::error::AppError;
use crate::http::is_api_path;
use crate::routes::web::layout::Chrome;
use crate::routes::web::{html_response, with_retry_after};

/// The signed-in user an error page is shown to, with the CSRF token of the header's
/// sign-out form.
#[derive(Clone)]
pub struct ErrorViewer {
    username: String,
    is_admin: bool,
    csrf_token: String,
}

/// Notes the [`ErrorViewer`] of an error response on a page route, in the request's
/// extensions. It runs inside the session middleware, because the error-face middleware runs
/// outside it, where the session (and so the CSRF token) is already written away; and inside
/// silent renewal, so a sign-in renewed by this very request counts.
pub async fn note_viewer(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let res = next.call(req).await?;
    let status = res.status();
    let path = res.request().path();
    // Only the responses the error-face middleware replaces by a page: an error, or a bare
    // status. A handler's own page (a form re-rendered with 422) knows its viewer already.
    let replaced =
        res.response().error().is_some() || !res.headers().contains_key(header::CONTENT_TYPE);
    // A browser's page: its access cookie, never a script's `Authorization` header (a
    // personal access token must not be looked up, counted or marked used by an error page).
    let browser = !res.request().headers().contains_key(header::AUTHORIZATION)
        && res
            .request()
            .cookie(crate::auth::credentials::ACCESS_COOKIE)
            .is_some();
    let noted = (status.is_client_error() || status.is_server_error())
        && replaced
        && browser
        && !is_api_path(path)
        && !path.starts_with("/static/");
    if noted {
        if let Ok(Some(user)) = authenticate_first_party(res.request()).await {
            let viewer = ErrorViewer {
                username: user.user.username.clone(),
                is_admin: user.user.is_admin(),
                csrf_token: csrf::token(&res.request().get_session()),
            };
            res.request().extensions_mut().insert(viewer);
        }
    }
    Ok(res)
}

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    status: u16,
    heading: &'a str,
    message: &'a str,
}

/// The page for `error` as an anonymous visitor sees it; see [`page_seen_by`].
pub fn page_for(error: &AppError) -> HttpResponse {
    page_seen_by(error, None)
}

/// The page for `error`, with its status and the headers a browser needs (`Retry-After`),
/// and the header of `viewer` (signed in) or of a visitor (`None`).
/// (An internal error was logged when the error became a response.)
pub fn page_seen_by(error: &AppError, viewer: Option<&ErrorViewer>) -> HttpResponse {
    let status = error.status_code();
    let message = match error {
        AppError::LoginRequired { next } => {
            return HttpResponse::SeeOther()
                .insert_header((
                    header::LOCATION,
                    format!("/login?next={}", url_encode(next)),
                ))
                .finish();
        }
        // The page's own sentence says these better than the API's generic detail.
        AppError::Internal(_) | AppError::NotFound | AppError::MethodNotAllowed => None,
        // Each message in the page's language before they are joined (the page's template
        // can only translate whole sentences).
        AppError::Validation(errors) => Some(
            errors
                .iter()
                .flat_map(|(_, messages)| messages.iter().map(|m| crate::i18n::tr(m)))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        other => Some(other.public_detail()),
    };
    let wait = match error {
        AppError::TooManyRequests { retry_after_secs } => Some(*retry_after_secs),
        _ => None,
    };
    with_retry_after(page(status, message.as_deref(), viewer), wait)
}

/// Renders the error page for `status`, with `message` or a default sentence.
fn page(status: StatusCode, message: Option<&str>, viewer: Option<&ErrorViewer>) -> HttpResponse {
    let (heading, default) = match status {
        StatusCode::NOT_FOUND => ("Page not found", "There is nothing at this address."),
        StatusCode::FORBIDDEN => ("Not allowed", "You are not allowed to do that."),
        StatusCode::UNAUTHORIZED => ("Please sign in", "You need to sign in to see this page."),
        StatusCode::METHOD_NOT_ALLOWED => (
            "Not allowed",
            "This page does not accept that kind of request.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("Too large", "What you sent is larger than 128 KiB."),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("Not a form", "This page accepts forms sent by a browser.")
        }
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
    let chrome = match viewer {
        Some(v) => Chrome {
            username: Some(v.username.clone()),
            is_admin: v.is_admin,
            csrf_token: v.csrf_token.clone(),
            ..Chrome::bare(heading)
        },
        None => Chrome::bare(heading),
    };
    let page = ErrorPage {
        chrome,
        status: status.as_u16(),
        heading,
        message: message.unwrap_or(default),
    };
    match page.render() {
        Ok(html) => html_response(status, html),
        Err(e) => {
            log::error!("rendering the error page failed: {e}");
            HttpResponse::build(status)
                .content_type("text/plain; charset=utf-8")
                .body(format!("{} {}", status.as_u16(), heading))
        }
    }
}

/// A page an extractor answers with instead of running the handler ("Confirm it's you"): an
/// extractor can only fail, so the page travels as an error, and the error-face middleware
/// lets it through as it was rendered.
pub struct RenderedPage {
    status: StatusCode,
    html: String,
    /// A CSP in place of the pages' own (a page whose forms may end at a provider).
    csp: Option<actix_web::http::header::HeaderValue>,
}

impl RenderedPage {
    /// Renders `page` with `status`.
    pub fn new(page: &impl Template, status: StatusCode) -> Result<Self, AppError> {
        let html = page.render().map_err(AppError::internal)?;
        Ok(Self {
            status,
            html,
            csp: None,
        })
    }

    /// The page with the CSP `response` carries (see `browser_session::allow_forms_to_providers`).
    pub fn with_csp_of(mut self, response: &HttpResponse) -> Self {
        let name = actix_web::http::header::CONTENT_SECURITY_POLICY;
        self.csp = response.headers().get(name).cloned();
        self
    }
}

impl std::fmt::Debug for RenderedPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RenderedPage({})", self.status)
    }
}

impl std::fmt::Display for RenderedPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a page answered by an extractor ({})", self.status)
    }
}

impl actix_web::ResponseError for RenderedPage {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = html_response(self.status, self.html.clone());
        if let Some(csp) = &self.csp {
            let name = actix_web::http::header::CONTENT_SECURITY_POLICY;
            response.headers_mut().insert(name, csp.clone());
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
