//! `/api/auth/*` for a signed-in caller: logout, logout everywhere, the session list, revoking
//! one session, and the CSRF token for cookie-authenticated scripts.

use actix_session::Session as CookieSession;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use time::OffsetDateTime;

use super::responses::{AuthErrors, WriteErrors};
use crate::accounts::sessions::LogoutScope;
use crate::auth::credentials::CredentialSource;
use crate::auth::extract::{AuthUser, Authenticated};
use crate::auth::scoped::{Scoped, SessionsRead};
use crate::auth::{cookies, csrf};
use crate::db::sessions::Session;
use crate::error::{AppError, Problem};
use crate::http::client::{ClientInfo, Device};
use crate::no_store::NoStore as _;
use crate::state::AppState;

/// Signs out: revokes this access token and its session → 204.
#[utoipa::path(
    post,
    path = "/api/auth/logout",
    tag = "auth",
    responses(
        (status = 204, description = "This token and its session are revoked"),
        WriteErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn logout(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
    client: ClientInfo,
) -> Result<HttpResponse, AppError> {
    end(&state, &auth, LogoutScope::ThisSession, &client).await
}

/// Signs out everywhere: revokes every token of the user issued until now → 204.
#[utoipa::path(
    post,
    path = "/api/auth/logout-all",
    tag = "auth",
    responses(
        (status = 204, description = "Every token of the user issued until now is revoked"),
        WriteErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn logout_all(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
    client: ClientInfo,
) -> Result<HttpResponse, AppError> {
    end(&state, &auth, LogoutScope::Everywhere, &client).await
}

/// Logs out as `scope` says; a cookie caller also gets its cookies cleared.
async fn end(
    state: &AppState,
    auth: &Authenticated,
    scope: LogoutScope,
    client: &ClientInfo,
) -> Result<HttpResponse, AppError> {
    state
        .accounts()
        .logout(&auth.claims, auth.user.id, scope, client)
        .await?;
    let mut response = HttpResponse::NoContent().finish();
    if auth.source == CredentialSource::Cookie {
        cookies::clear(&mut response, state.tokens.secure_cookies);
    }
    Ok(response)
}

/// One login session, as its user sees it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionBody {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub last_used_at: OffsetDateTime,
    pub user_agent: Option<String>,
    /// What the user agent is, in words: "Firefox 132 on Windows 10", "curl".
    pub device: String,
    /// The client address the session was last used from.
    pub ip: Option<String>,
    pub current: bool,
}

impl SessionBody {
    pub fn new(s: Session, current_sid: &str) -> Self {
        let device = Device::label_of(s.user_agent.as_deref());
        Self {
            current: s.id == current_sid,
            id: s.id,
            created_at: crate::db::to_utc(s.created_at),
            last_used_at: crate::db::to_utc(s.last_used_at),
            user_agent: s.user_agent,
            device,
            ip: s.ip,
        }
    }
}

/// The user's live sessions, the caller's marked `current` (`sessions:read`).
#[utoipa::path(
    get,
    path = "/api/auth/sessions",
    tag = "auth",
    responses(
        (status = 200, description = "The user's live sessions", body = Vec<SessionBody>),
        AuthErrors
    ),
    security(("bearer" = []), ("oauth2" = ["sessions:read"]))
)]
pub async fn list_sessions(
    state: web::Data<AppState>,
    Scoped(caller, _): Scoped<SessionsRead>,
) -> Result<HttpResponse, AppError> {
    // A personal access token belongs to no session: none is `current`.
    let current = caller.session_id().unwrap_or_default();
    let body: Vec<SessionBody> = state
        .accounts()
        .active_sessions(caller.user().id)
        .await?
        .into_iter()
        .map(|s| SessionBody::new(s, current))
        .collect();
    Ok(HttpResponse::Ok().no_store().json(body))
}

/// Ends one of the caller's sessions → 204.
///
/// Revokes that session's refresh family and every access token issued from it; 404 when it is
/// not one of the caller's.
#[utoipa::path(
    delete,
    path = "/api/auth/sessions/{id}",
    tag = "auth",
    params(("id" = String, Path, description = "A session id")),
    responses(
        (status = 204, description = "The session's refresh family and access tokens are revoked"),
        (status = 404, description = "No such session of this user", body = Problem, content_type = "application/problem+json"),
        WriteErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn delete_session(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
    path: web::Path<String>,
    client: ClientInfo,
) -> Result<HttpResponse, AppError> {
    state
        .accounts()
        .revoke_session(auth.user.id, path.into_inner(), &client)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The session's CSRF token and the header to send it in.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CsrfBody {
    pub csrf_token: String,
    /// The header to send it in.
    #[schema(example = "X-CSRF-Token")]
    pub header: &'static str,
}

/// The session's CSRF token, for scripts that call the API with the browser's cookies.
///
/// They send it back as `X-CSRF-Token`.
#[utoipa::path(
    get,
    path = "/api/auth/csrf",
    tag = "auth",
    responses(
        (status = 200, description = "The session's CSRF token, for cookie-authenticated writes (send it as X-CSRF-Token)", body = CsrfBody)
    )
)]
pub async fn csrf_token(session: CookieSession) -> HttpResponse {
    HttpResponse::Ok().no_store().json(CsrfBody {
        csrf_token: csrf::token(&session),
        header: csrf::HEADER,
    })
}
