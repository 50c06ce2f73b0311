//! `/api/users/me/apps`: the apps with access to the caller's account, and taking that access
//! back (API.md part three, section 1, "Apps with access"). *Session* routes: no scoped token
//! lists or revokes apps.

use actix_web::{web, HttpResponse};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::responses::{AuthErrors, WriteErrors};
use crate::accounts::apps_access::AppAccess;
use crate::auth::extract::AuthUser;
use crate::error::{AppError, Problem};
use crate::http::client::ClientInfo;
use crate::no_store::NoStore as _;
use crate::state::AppState;

/// An app with access: a remembered consent, live client sessions, or both.
#[derive(Serialize, ToSchema)]
pub struct AppBody {
    #[schema(example = "demo-app")]
    pub client_id: String,
    #[schema(example = "Demo app")]
    pub client_name: String,
    /// Space-separated: what the user consented to, else what its live sessions hold.
    #[schema(example = "openid profile offline_access")]
    pub scope: String,
    /// When the consent was given (last widened); `null` when none is remembered (a
    /// first-party app, which never asks).
    #[serde(with = "time::serde::rfc3339::option")]
    pub consented_at: Option<OffsetDateTime>,
    /// The latest use of the consent or of a live session.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    /// The app's client sessions that can still be refreshed.
    pub live_sessions: i64,
}

impl From<AppAccess> for AppBody {
    fn from(app: AppAccess) -> Self {
        Self {
            client_id: app.client_id,
            client_name: app.client_name,
            scope: app.scope,
            consented_at: app.consented_at.map(crate::db::to_utc),
            last_used_at: app.last_used_at.map(crate::db::to_utc),
            live_sessions: app.live_sessions,
        }
    }
}

/// The apps with access to the caller's account, by name.
#[utoipa::path(
    get,
    path = "/api/users/me/apps",
    tag = "users",
    responses(
        (status = 200, description = "Each app with a consent or a live session of the caller", body = Vec<AppBody>),
        AuthErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<HttpResponse, AppError> {
    let apps = state.accounts().apps_with_access(auth.user.id).await?;
    let body: Vec<AppBody> = apps.into_iter().map(AppBody::from).collect();
    Ok(HttpResponse::Ok().no_store().json(body))
}

/// Takes an app's access back → 204.
///
/// The consent goes (the app asks again next time), and the caller's sessions with the app end
/// at once: their refresh tokens and access tokens stop working. 404 when the app has neither a
/// consent nor a live session of the caller.
#[utoipa::path(
    delete,
    path = "/api/users/me/apps/{client_id}",
    tag = "users",
    params(("client_id" = String, Path, description = "The app's client_id")),
    responses(
        (status = 204, description = "The consent is gone and the app's sessions have ended"),
        (status = 404, description = "No consent and no live session of this user with that app", body = Problem, content_type = "application/problem+json"),
        WriteErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn revoke(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
    path: web::Path<String>,
    client: ClientInfo,
) -> Result<HttpResponse, AppError> {
    state
        .accounts()
        .revoke_app(auth.user.id, &path.into_inner(), &client)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
