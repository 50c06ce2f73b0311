//! Personal access tokens: `/api/users/me/tokens` for their owner (a *session* route: no
//! scoped token manages tokens) and `/api/admin/users/{id}/tokens` for administrators.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::responses::{AdminErrors, AuthErrors, BodyErrors, RecentAuthErrors, WriteErrors};
use crate::accounts::pats::{PatRequest, PatSpec};
use crate::auth::extract::{AuthUser, RecentAuth};
use crate::auth::scoped::{AdminScoped, AdminWrite};
use crate::db::pats::PatRow;
use crate::error::{AppError, Problem};
use crate::http::body::JsonBody;
use crate::http::client::ClientInfo;
use crate::no_store::NoStore as _;
use crate::state::AppState;

/// A personal access token as lists show it: never its text, only its `hint`.
#[derive(Serialize, ToSchema)]
pub struct PatBody {
    pub id: i32,
    pub name: String,
    #[schema(example = json!(["posts:read"]))]
    pub scopes: Vec<&'static str>,
    /// `sigil_pat_` and the first 4 random characters.
    #[schema(example = "sigil_pat_4Fx9")]
    pub hint: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    pub last_used_ip: Option<String>,
    /// Past `expires_at`: it is refused, and stays listed until deleted.
    pub expired: bool,
}

impl From<&PatRow> for PatBody {
    fn from(row: &PatRow) -> Self {
        let scopes = crate::auth::scopes::Scopes::from_stored(&row.scopes);
        Self {
            id: row.id,
            name: row.name.clone(),
            scopes: scopes.names(),
            hint: row.hint.clone(),
            created_at: crate::db::to_utc(row.created_at),
            expires_at: crate::db::to_utc(row.expires_at),
            last_used_at: row.last_used_at.map(crate::db::to_utc),
            last_used_ip: row.last_used_ip.clone(),
            expired: row.is_expired(crate::db::now()),
        }
    }
}

/// A token just created: the list's fields and, this once, its text.
#[derive(Serialize, ToSchema)]
pub struct CreatedPatBody {
    #[serde(flatten)]
    pub pat: PatBody,
    /// The token itself, shown only in this answer: send it as `Authorization: Bearer`.
    #[schema(example = "sigil_pat_4Fx9bQ2LmZkT0wYcRn8dVh3sJp6aXe1uGiKoB7tC5fN0q2mPz")]
    pub token: String,
}

/// The caller's personal access tokens, newest first (expired ones included).
#[utoipa::path(
    get,
    path = "/api/users/me/tokens",
    tag = "users",
    responses(
        (status = 200, description = "The caller's personal access tokens", body = Vec<PatBody>),
        AuthErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<HttpResponse, AppError> {
    let rows = state.accounts().pats(auth.user.id).await?;
    let body: Vec<PatBody> = rows.iter().map(PatBody::from).collect();
    Ok(HttpResponse::Ok().no_store().json(body))
}

/// Creates a personal access token (recent sign-in) → 201 with the token, shown once.
#[utoipa::path(
    post,
    path = "/api/users/me/tokens",
    tag = "users",
    request_body = PatRequest,
    responses(
        (status = 201, description = "Created: `token` is shown this once", body = CreatedPatBody, headers(("Location" = String, description = "The new token's path, `/api/users/me/tokens/{id}` (where `DELETE` revokes it)"))),
        (status = 409, description = "50 live tokens already", body = Problem, content_type = "application/problem+json"),
        RecentAuthErrors,
        BodyErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    RecentAuth(auth): RecentAuth,
    client: ClientInfo,
    JsonBody(body): JsonBody<PatRequest>,
) -> Result<HttpResponse, AppError> {
    let spec = PatSpec::parse(body, &auth.user, state.settings.pat_max_days)?;
    let created = state
        .accounts()
        .create_pat(&auth.user, spec, &client)
        .await?;
    Ok(HttpResponse::Created()
        .no_store()
        .insert_header((
            header::LOCATION,
            format!("/api/users/me/tokens/{}", created.row.id),
        ))
        .json(CreatedPatBody {
            pat: PatBody::from(&created.row),
            token: created.token,
        }))
}

/// Revokes one of the caller's personal access tokens → 204.
///
/// Revoked at once, on every instance; 404 when the caller has no such token.
#[utoipa::path(
    delete,
    path = "/api/users/me/tokens/{id}",
    tag = "users",
    params(("id" = i32, Path, description = "A token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such token of this user", body = Problem, content_type = "application/problem+json"),
        WriteErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn revoke(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
    path: web::Path<i32>,
    client: ClientInfo,
) -> Result<HttpResponse, AppError> {
    state
        .accounts()
        .revoke_own_pat(&auth.user, path.into_inner(), &client)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Revokes every personal access token of a user (`admin:write`) → 204.
///
/// The owner is told by mail.
#[utoipa::path(
    delete,
    path = "/api/admin/users/{id}/tokens",
    tag = "admin",
    params(("id" = i32, Path, description = "A user id")),
    responses(
        (status = 204, description = "Every token of the user is revoked"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        AdminErrors
    ),
    security(("bearer" = []), ("oauth2" = ["admin:write"]))
)]
pub async fn admin_revoke_all(
    state: web::Data<AppState>,
    AdminScoped(admin, _): AdminScoped<AdminWrite>,
    path: web::Path<i32>,
    client: ClientInfo,
) -> Result<HttpResponse, AppError> {
    state
        .accounts()
        .admin_revoke_pats(admin.user(), path.into_inner(), None, &client)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Revokes one personal access token of a user (`admin:write`) → 204.
///
/// 404 when the user has no such token.
#[utoipa::path(
    delete,
    path = "/api/admin/users/{id}/tokens/{token_id}",
    tag = "admin",
    params(
        ("id" = i32, Path, description = "A user id"),
        ("token_id" = i32, Path, description = "One of the user's token ids")
    ),
    responses(
        (status = 204, description = "The token is revoked"),
        (status = 404, description = "No such user, or no such token of the user", body = Problem, content_type = "application/problem+json"),
        AdminErrors
    ),
    security(("bearer" = []), ("oauth2" = ["admin:write"]))
)]
pub async fn admin_revoke_one(
    state: web::Data<AppState>,
    AdminScoped(admin, _): AdminScoped<AdminWrite>,
    path: web::Path<(i32, i32)>,
    client: ClientInfo,
) -> Result<HttpResponse, AppError> {
    let (user_id, token_id) = path.into_inner();
    state
        .accounts()
        .admin_revoke_pats(admin.user(), user_id, Some(token_id), &client)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
