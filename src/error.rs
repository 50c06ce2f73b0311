//! One error type, mapped once. Its JSON face is here: RFC 9457 problem JSON for the API and
//! the RFC 6749 §5.2 shape for the token endpoint. Page routes show the same error as an HTML
//! page (`routes::web::errors`); the framework's own errors (404, 405, 413, 415…) are turned
//! into this type too, so every error response has one of those two shapes.

use std::fmt;

use crate::no_store::NoStore as _;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

mod fields;
pub mod password_reason;

pub use fields::FieldErrors;

/// JSON and form bodies are limited to this many bytes (413 past it): large enough for any
/// valid post (20,000 characters of up to 4 bytes each, escaped).
pub const BODY_LIMIT: usize = 128 * 1024;

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        Self::Validation(errors)
    }
}

/// Why a request is not authenticated, for the `WWW-Authenticate` challenge (RFC 6750 §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthFailure {
    /// No credential at all: the challenge carries no `error` attribute.
    Missing,
    /// A credential that is malformed, expired, forged or revoked.
    InvalidToken(String),
    /// A wrong username or password, or an unusable refresh token: no bearer error attribute,
    /// since no access token was involved.
    BadCredentials(String),
    /// A good token whose `auth_time` is older than the operation allows (RFC 9470):
    /// `max_age` is the most seconds since the last sign-in that it accepts.
    NotRecent { max_age: u64 },
}

/// An RFC 6749 §5.2 error from the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
    /// With `mfa_required`: the token that completes the sign-in with a second factor.
    pub mfa_token: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("not authenticated: {0:?}")]
    Unauthorized(AuthFailure),
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// A right proof for an account that may not sign in (disabled, or its address not
    /// verified): `accounts::SignInRefusal::problem` builds it, with its type and sentence.
    #[error("sign-in refused: {problem_type}")]
    SignInRefused {
        problem_type: &'static str,
        detail: String,
    },
    /// A right password for an account with a second factor: the sign-in goes on with
    /// `mfa_token` and one of `methods`.
    #[error("second factor required")]
    MfaRequired {
        mfa_token: String,
        methods: Vec<&'static str>,
    },
    /// A scoped token (a personal access token) on a route for first-party credentials only.
    #[error("session required")]
    SessionRequired,
    /// A scoped token without the scope this route needs (RFC 6750 §3.1 `insufficient_scope`).
    #[error("insufficient scope: {scope}")]
    InsufficientScope { scope: &'static str },
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A page that needs a signed-in user: the page face redirects to `/login?next=…`, the
    /// JSON face is a plain 401.
    #[error("login required for {next}")]
    LoginRequired { next: String },
    #[error("conflict: {0}")]
    Conflict(String),
    /// Removing this way of signing in would leave the account none (no password, passkey or
    /// other provider): `409` `/problems/last-sign-in-method`.
    #[error("last sign-in method")]
    LastSignInMethod(String),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("request headers too large")]
    HeadersTooLarge,
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("validation failed")]
    Validation(FieldErrors),
    /// A new password the policy refuses (API.md part three §4): `422`, the message under its
    /// field (`password` or `new_password`) and the rule's name in `password_reason`.
    #[error("password refused: {reason}")]
    PasswordRefused {
        field: &'static str,
        reason: &'static str,
        message: String,
    },
    /// Failed sign-ins to one account set a wait; an attempt inside it is refused unchecked:
    /// `429` `/problems/sign-in-delayed` with `Retry-After`.
    #[error("sign-in delayed for {retry_after_secs} s")]
    SignInDelayed { retry_after_secs: u64 },
    /// Registration refused by its mode (`/problems/registration-closed`,
    /// `/problems/invitation-required`): `403`.
    #[error("registration refused: {problem_type}")]
    RegistrationRefused {
        problem_type: &'static str,
        detail: String,
    },
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("oauth error: {}", .0.error)]
    OAuth(OAuthError),
    /// A status the framework or a library answered that no variant above names.
    #[error("status {0}")]
    Status(StatusCode),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(e.into())
    }

    pub fn invalid_token(description: impl Into<String>) -> Self {
        Self::Unauthorized(AuthFailure::InvalidToken(description.into()))
    }

    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(FieldErrors::single(field, message))
    }

    /// The error the framework answered with a bare status (routing, extractors, limits), as
    /// this type, so it gets the contract's shape like every other error.
    pub fn from_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => Self::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => Self::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => Self::PayloadTooLarge,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => Self::HeadersTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::UnsupportedMediaType(
                "The body has a content type this route does not accept.".into(),
            ),
            StatusCode::UNAUTHORIZED => Self::Unauthorized(AuthFailure::Missing),
            StatusCode::FORBIDDEN => Self::Forbidden("You are not allowed to do that.".into()),
            StatusCode::TOO_MANY_REQUESTS => Self::TooManyRequests {
                retry_after_secs: 60,
            },
            StatusCode::SERVICE_UNAVAILABLE => {
                Self::Unavailable("The service is not available.".into())
            }
            StatusCode::INTERNAL_SERVER_ERROR => Self::internal("the framework answered 500"),
            StatusCode::BAD_REQUEST => {
                Self::BadRequest("The request could not be processed.".into())
            }
            // Any other status keeps its number (411, 414, 416, 502…).
            other => Self::Status(other),
        }
    }

    pub fn oauth(error: &'static str, description: impl Into<String>) -> Self {
        let status = if error == "invalid_client" {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        Self::OAuth(OAuthError {
            status,
            error,
            description: description.into(),
            mfa_token: None,
        })
    }

    /// The token endpoint's answer to a right password when a second factor is on: 403
    /// `mfa_required` with the `mfa_token` that the `urn:sigil:grant-type:mfa-otp` grant takes.
    pub fn oauth_mfa_required(mfa_token: String) -> Self {
        Self::OAuth(OAuthError {
            status: StatusCode::FORBIDDEN,
            error: "mfa_required",
            description:
                "A second factor is required: send grant_type=urn:sigil:grant-type:mfa-otp \
                          with this mfa_token and otp (a code from the authenticator app, or a \
                          recovery code)."
                    .into(),
            mfa_token: Some(mfa_token),
        })
    }

    /// The message a person may read: never the cause of an internal error.
    pub fn public_detail(&self) -> String {
        match self {
            Self::BadRequest(m) | Self::Forbidden(m) | Self::Conflict(m) => m.clone(),
            Self::LastSignInMethod(m) => m.clone(),
            Self::SignInRefused { detail, .. } => detail.clone(),
            Self::MfaRequired { .. } => {
                "The password was right; now send a code from your authenticator app (or a \
                 recovery code) with this mfa_token to POST /api/auth/mfa."
                    .into()
            }
            Self::Unauthorized(AuthFailure::NotRecent { max_age }) => format!(
                "This needs a recent sign-in (within {}): confirm it's you at \
                 POST /api/auth/reauthenticate, then retry with the new token.",
                match max_age / 60 {
                    1 => "1 minute".to_string(),
                    n => format!("{n} minutes"),
                }
            ),
            Self::UnsupportedMediaType(m) | Self::Unavailable(m) => m.clone(),
            Self::Unauthorized(AuthFailure::Missing) => "Authentication is required.".into(),
            Self::Unauthorized(AuthFailure::InvalidToken(m)) => m.clone(),
            Self::Unauthorized(AuthFailure::BadCredentials(m)) => m.clone(),
            Self::SessionRequired => SESSION_REQUIRED.into(),
            Self::InsufficientScope { scope } => insufficient_scope(scope),
            Self::NotFound => "The requested resource was not found.".into(),
            Self::MethodNotAllowed => "This method is not allowed on this resource.".into(),
            Self::LoginRequired { .. } => "Authentication is required.".into(),
            Self::PayloadTooLarge => {
                format!("The request body is larger than {} KiB.", BODY_LIMIT / 1024)
            }
            Self::HeadersTooLarge => "The request headers are too large.".into(),
            Self::Validation(_) => "The request has invalid fields.".into(),
            Self::PasswordRefused { message, .. } => message.clone(),
            Self::SignInDelayed { retry_after_secs } => format!(
                "Too many failed sign-ins to this account: wait {retry_after_secs} s, then try \
                 again (a passkey or a reset link works now)."
            ),
            Self::RegistrationRefused { detail, .. } => detail.clone(),
            Self::TooManyRequests { retry_after_secs } => {
                format!("Too many attempts; try again in {retry_after_secs} s.")
            }
            Self::OAuth(e) => e.description.clone(),
            Self::Internal(_) => "Something went wrong on our side.".into(),
            Self::Status(s) => format!("{}.", s.canonical_reason().unwrap_or("The request failed")),
        }
    }

    /// The problem's `type`: `about:blank` unless a client must tell this error apart.
    pub fn problem_type(&self) -> &'static str {
        match self {
            Self::SignInRefused { problem_type, .. } => problem_type,
            Self::RegistrationRefused { problem_type, .. } => problem_type,
            Self::SignInDelayed { .. } => "/problems/sign-in-delayed",
            Self::MfaRequired { .. } => "/problems/mfa-required",
            Self::SessionRequired => "/problems/session-required",
            Self::LastSignInMethod(_) => "/problems/last-sign-in-method",
            Self::InsufficientScope { .. } => "/problems/insufficient-scope",
            Self::Unauthorized(AuthFailure::NotRecent { .. }) => {
                "/problems/insufficient-user-authentication"
            }
            _ => "about:blank",
        }
    }

    /// Writes the whole cause chain of unexpected errors to the log; the client sees nothing of it.
    pub fn log_if_internal(&self) {
        if let Self::Internal(e) = self {
            let mut chain = e.to_string();
            let mut source = e.source();
            while let Some(s) = source {
                chain.push_str(": ");
                chain.push_str(&s.to_string());
                source = s.source();
            }
            log::error!("internal error: {chain}");
        }
    }
}

const SESSION_REQUIRED: &str = "A personal access token cannot do this: it needs you signed in \
     (a token from login, the password grant, or the browser's cookie).";

fn insufficient_scope(scope: &str) -> String {
    format!("This token lacks the {scope} scope that this route needs.")
}

/// The `WWW-Authenticate` value for a 401 (RFC 6750 §3).
pub fn bearer_challenge(failure: &AuthFailure) -> String {
    match failure {
        AuthFailure::Missing | AuthFailure::BadCredentials(_) => {
            r#"Bearer realm="sigil""#.to_string()
        }
        AuthFailure::InvalidToken(description) => format!(
            r#"Bearer realm="sigil", error="invalid_token", error_description="{}""#,
            description.replace(['"', '\\'], "'")
        ),
        AuthFailure::NotRecent { max_age } => format!(
            r#"Bearer realm="sigil", error="insufficient_user_authentication", error_description="A more recent sign-in is required", max_age={max_age}"#
        ),
    }
}

/// An RFC 9457 problem; `errors` names every invalid field of a 422.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem<'a> {
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    pub kind: &'a str,
    #[schema(example = "Not Found")]
    pub title: &'a str,
    #[schema(example = 404)]
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<&'a FieldErrors>,
    /// With `/problems/mfa-required`: what completes the sign-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_token: Option<&'a str>,
    /// With `/problems/mfa-required`: `totp`, `recovery_code`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub methods: Option<&'a [&'static str]>,
    /// With a refused new password: `too_short`, `too_long`, `context`, `common` or `breached`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_reason: Option<&'a str>,
}

/// An RFC 6749 §5.2 error of the token endpoint.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OAuthBody<'a> {
    #[schema(example = "invalid_grant")]
    pub error: &'a str,
    pub error_description: &'a str,
    /// With `mfa_required`: the token for the `urn:sigil:grant-type:mfa-otp` grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_token: Option<&'a str>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_)
            | Self::SignInRefused { .. }
            | Self::RegistrationRefused { .. }
            | Self::MfaRequired { .. }
            | Self::SessionRequired
            | Self::InsufficientScope { .. } => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::LoginRequired { .. } => StatusCode::UNAUTHORIZED,
            Self::Conflict(_) | Self::LastSignInMethod(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) | Self::PasswordRefused { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } | Self::SignInDelayed { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Self::OAuth(e) => e.status,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Status(s) => *s,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log_if_internal();
        let status = self.status_code();
        let mut response = HttpResponse::build(status);
        response.no_store();
        if status == StatusCode::REQUEST_TIMEOUT {
            // The rest of a trickled body is not waited for: the connection ends here.
            response.force_close();
        }
        match self {
            Self::Unauthorized(failure) => {
                response.insert_header((header::WWW_AUTHENTICATE, bearer_challenge(failure)));
            }
            Self::LoginRequired { .. } => {
                let challenge = bearer_challenge(&AuthFailure::Missing);
                response.insert_header((header::WWW_AUTHENTICATE, challenge));
            }
            Self::TooManyRequests { retry_after_secs }
            | Self::SignInDelayed { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            Self::InsufficientScope { scope } => {
                let challenge = format!(
                    r#"Bearer realm="sigil", error="insufficient_scope", error_description="{}", scope="{scope}""#,
                    insufficient_scope(scope)
                );
                response.insert_header((header::WWW_AUTHENTICATE, challenge));
            }
            Self::OAuth(e) => {
                response.insert_header((header::PRAGMA, "no-cache"));
                // RFC 6749 §5.2: a failed client authentication names the scheme to use.
                if e.error == "invalid_client" {
                    response.insert_header((header::WWW_AUTHENTICATE, r#"Basic realm="sigil""#));
                }
                return response.json(OAuthBody {
                    error: e.error,
                    error_description: &e.description,
                    mfa_token: e.mfa_token.as_deref(),
                });
            }
            _ => {}
        }
        let password_errors = match self {
            Self::PasswordRefused { field, message, .. } => {
                Some(FieldErrors::single(field, message.clone()))
            }
            _ => None,
        };
        let errors = match self {
            Self::Validation(errors) => Some(errors),
            _ => password_errors.as_ref(),
        };
        let password_reason = match self {
            Self::PasswordRefused { reason, .. } => Some(*reason),
            // The length rule is checked where the body is parsed, beside the other fields.
            Self::Validation(errors) => password_reason::reason_in(errors),
            _ => None,
        };
        let (mfa_token, methods) = match self {
            Self::MfaRequired { mfa_token, methods } => {
                (Some(mfa_token.as_str()), Some(methods.as_slice()))
            }
            _ => (None, None),
        };
        let body = Problem {
            kind: self.problem_type(),
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: self.public_detail(),
            errors,
            mfa_token,
            methods,
            password_reason,
        };
        response
            .content_type("application/problem+json")
            .body(serde_json::to_string(&body).unwrap_or_default())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => Self::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                Self::Conflict("That value is already taken.".into())
            }
            other => Self::internal(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        Self::internal(e)
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::internal(e)
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error, self.description)
    }
}

#[cfg(test)]
mod tests;
