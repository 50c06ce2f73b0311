//! `/api/admin/*`: finding users, seeing an account, and acting on it. Every route needs an
//! administrator ([`AdminUser`]: 403 for anyone else); every action is a security event with
//! the administrator as actor. The pages under `/admin` call the same account methods.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::events::{EventBody, EventPage};
use super::responses::{AdminErrors, BodyErrors};
use super::sessions::SessionBody;
use crate::accounts::admin::Acting;
use crate::accounts::events::EventSearchParams;
use crate::accounts::search::UserSearchParams;
use crate::auth::extract::AdminUser;
use crate::auth::scoped::{AdminRead, AdminScoped, AdminWrite};
use crate::db::users::User;
use crate::domain::Role;
use crate::error::{AppError, FieldErrors, Problem};
use crate::http::body::{Field, JsonBody};
use crate::http::client::ClientInfo;
use crate::no_store::NoStore as _;
use crate::state::AppState;

/// A user as an administrator sees them: never the password hash.
#[derive(Serialize, ToSchema)]
pub struct AdminUserBody {
    pub id: i32,
    pub username: String,
    pub email: String,
    pub email_verified: bool,
    pub role: Role,
    pub disabled: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<&User> for AdminUserBody {
    fn from(u: &User) -> Self {
        Self {
            id: u.id,
            username: u.username.clone(),
            email: u.email.clone(),
            email_verified: u.email_verified,
            role: u.role(),
            disabled: u.disabled,
            created_at: crate::db::to_utc(u.created_at),
            updated_at: crate::db::to_utc(u.updated_at),
        }
    }
}

/// A page of users, newest first.
#[derive(Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<AdminUserBody>,
    pub next_cursor: Option<String>,
}

/// One account in full: profile, live sessions, second factors, newest 20 events.
#[derive(Serialize, ToSchema)]
pub struct AccountDetailBody {
    pub user: AdminUserBody,
    pub sessions: Vec<SessionBody>,
    /// The second factors the user has set up (`totp`, passkeys); empty when none.
    pub second_factors: Vec<String>,
    pub events: Vec<EventBody>,
    /// The personal access tokens not revoked, newest first (never their text).
    pub tokens: Vec<super::pats::PatBody>,
    /// Failed sign-ins in a row (wrong passwords or codes): `count` 0 when there are none.
    pub sign_in_failures: SignInFailuresBody,
}

/// An account's failed sign-ins in a row.
#[derive(Serialize, ToSchema, Default)]
pub struct SignInFailuresBody {
    pub count: i32,
    /// The last failure; null when there is none.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_failed_at: Option<OffsetDateTime>,
    /// When the current wait ends; null when no wait runs.
    #[serde(with = "time::serde::rfc3339::option")]
    pub retry_at: Option<OffsetDateTime>,
}

impl From<&crate::db::sign_in_failures::FailureRow> for SignInFailuresBody {
    fn from(row: &crate::db::sign_in_failures::FailureRow) -> Self {
        let now = crate::db::now();
        Self {
            count: row.failures,
            last_failed_at: Some(crate::db::to_utc(row.last_failed_at)),
            retry_at: row.retry_at.filter(|t| *t > now).map(crate::db::to_utc),
        }
    }
}

/// `PUT /api/admin/users/{id}/role`.
#[derive(Deserialize, ToSchema)]
pub struct RoleRequest {
    /// `user` or `admin`.
    #[schema(value_type = Role, required = true)]
    #[serde(default)]
    pub role: Field,
}

/// Finds users by part of their username or e-mail, newest first.
#[utoipa::path(
    get,
    path = "/api/admin/users",
    tag = "admin",
    params(UserSearchParams),
    responses(
        (status = 200, description = "A page of users, newest first", body = UserPage),
        (status = 422, description = "Bad query, limit or cursor", body = Problem, content_type = "application/problem+json"),
        AdminErrors
    ),
    security(("bearer" = []), ("oauth2" = ["admin:read"]))
)]
pub async fn list_users(
    state: web::Data<AppState>,
    _: AdminScoped<AdminRead>,
    params: web::Query<UserSearchParams>,
) -> Result<HttpResponse, AppError> {
    let (query, page) = params.parse(&state.cursor_key)?;
    let (rows, next_cursor) = state
        .accounts()
        .search_users(query, page, &state.cursor_key)
        .await?;
    Ok(HttpResponse::Ok().no_store().json(UserPage {
        items: rows.iter().map(AdminUserBody::from).collect(),
        next_cursor,
    }))
}

/// One user: profile, role, sessions, second factors and recent events.
#[utoipa::path(
    get,
    path = "/api/admin/users/{id}",
    tag = "admin",
    params(("id" = i32, Path, description = "A user id")),
    responses(
        (status = 200, description = "The account: profile, sessions, second factors, recent events", body = AccountDetailBody),
        AdminErrors
    ),
    security(("bearer" = []), ("oauth2" = ["admin:read"]))
)]
pub async fn show_user(
    state: web::Data<AppState>,
    _: AdminScoped<AdminRead>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let detail = state.accounts().account_detail(path.into_inner()).await?;
    Ok(HttpResponse::Ok().no_store().json(AccountDetailBody {
        user: AdminUserBody::from(&detail.user),
        sign_in_failures: detail
            .sign_in_failures
            .as_ref()
            .map(SignInFailuresBody::from)
            .unwrap_or_default(),
        tokens: detail
            .tokens
            .iter()
            .map(super::pats::PatBody::from)
            .collect(),
        sessions: detail
            .sessions
            .into_iter()
            .map(|s| SessionBody::new(s, ""))
            .collect(),
        second_factors: detail
            .second_factors
            .iter()
            .map(|f| f.to_string())
            .collect(),
        events: detail.events.into_iter().map(EventBody::from).collect(),
    }))
}

/// Disables a user.
///
/// The user cannot sign in, and every token of theirs is refused on its next request.
#[utoipa::path(
    post,
    path = "/api/admin/users/{id}/disable",
    tag = "admin",
    params(("id" = i32, Path, description = "A user id")),
    responses(
        (status = 200, description = "The user, disabled; every session ended", body = AdminUserBody),
        (status = 409, description = "The last active administrator", body = Problem, content_type = "application/problem+json"),
        AdminErrors
    ),
    security(("bearer" = []), ("oauth2" = ["admin:write"]))
)]
pub async fn disable(
    state: web::Data<AppState>,
    AdminScoped(admin, _): AdminScoped<AdminWrite>,
    client: ClientInfo,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    set_disabled(&state, admin.user(), &client, path.into_inner(), true).await
}

/// Enables a disabled user again.
#[utoipa::path(
    post,
    path = "/api/admin/users/{id}/enable",
    tag = "admin",
    params(("id" = i32, Path, description = "A user id")),
    responses(
        (status = 200, description = "The user, enabled (signing in again is up to them)", body = AdminUserBody),
        AdminErrors
    ),
    security(("bearer" = []), ("oauth2" = ["admin:write"]))
)]
pub async fn enable(
    state: web::Data<AppState>,
    AdminScoped(admin, _): AdminScoped<AdminWrite>,
    client: ClientInfo,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    set_disabled(&state, admin.user(), &client, path.into_inner(), false).await
}

async fn set_disabled(
    state: &AppState,
    admin: &User,
    client: &ClientInfo,
    id: i32,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    let by = Acting::new(admin, client);
    let user = state.accounts().set_disabled(&by, id, disabled).await?;
    Ok(HttpResponse::Ok()
        .no_store()
        .json(AdminUserBody::from(&user)))
}

/// Signs a user out everywhere: every token of the user issued until now dies.
#[utoipa::path(
    post,
    path = "/api/admin/users/{id}/logout-all",
    tag = "admin",
    params(("id" = i32, Path, description = "A user id")),
    responses(
        (status = 204, description = "Every session of the user has ended"),
        AdminErrors
    ),
    security(("bearer" = []), ("oauth2" = ["admin:write"]))
)]
pub async fn logout_all(
    state: web::Data<AppState>,
    AdminScoped(admin, _): AdminScoped<AdminWrite>,
    client: ClientInfo,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let by = Acting::new(admin.user(), &client);
    state
        .accounts()
        .sign_out_everywhere(&by, path.into_inner())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Clears a user's failed sign-ins: the count and any wait end.
///
/// A `sign_in_failures_cleared` event records how many there were.
#[utoipa::path(
    delete,
    path = "/api/admin/users/{id}/sign-in-failures",
    tag = "admin",
    params(("id" = i32, Path, description = "A user id")),
    responses(
        (status = 204, description = "The user's failed sign-ins are cleared"),
        AdminErrors
    ),
    security(("bearer" = []), ("oauth2" = ["admin:write"]))
)]
pub async fn clear_sign_in_failures(
    state: web::Data<AppState>,
    AdminScoped(admin, _): AdminScoped<AdminWrite>,
    client: ClientInfo,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let by = Acting::new(admin.user(), &client);
    state
        .accounts()
        .clear_sign_in_failures(&by, path.into_inner())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mails a user a password reset link.
///
/// The administrator never sees or sets a password; answers 202.
#[utoipa::path(
    post,
    path = "/api/admin/users/{id}/password-reset",
    tag = "admin",
    params(("id" = i32, Path, description = "A user id")),
    responses(
        (status = 202, description = "A reset link is on its way to the user's address"),
        AdminErrors
    ),
    security(("bearer" = []), ("oauth2" = ["admin:write"]))
)]
pub async fn password_reset(
    state: web::Data<AppState>,
    AdminScoped(admin, _): AdminScoped<AdminWrite>,
    client: ClientInfo,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let by = Acting::new(admin.user(), &client);
    state
        .accounts()
        .send_reset_for(&by, path.into_inner())
        .await?;
    Ok(HttpResponse::Accepted()
        .no_store()
        .json(serde_json::json!({})))
}

/// Sets a user's role (`{role}`) and answers the user.
#[utoipa::path(
    put,
    path = "/api/admin/users/{id}/role",
    tag = "admin",
    params(("id" = i32, Path, description = "A user id")),
    request_body = RoleRequest,
    responses(
        (status = 200, description = "The user with the new role", body = AdminUserBody),
        (status = 409, description = "Demoting the last active administrator", body = Problem, content_type = "application/problem+json"),
        AdminErrors,
        BodyErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn set_role(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientInfo,
    path: web::Path<i32>,
    JsonBody(body): JsonBody<RoleRequest>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let role = body.role.required("role", &mut errors, Role::parse);
    let role = errors.finish(|| role)?;
    let by = Acting::new(&admin.user, &client);
    let user = state
        .accounts()
        .set_role(&by, path.into_inner(), role)
        .await?;
    Ok(HttpResponse::Ok()
        .no_store()
        .json(AdminUserBody::from(&user)))
}

/// Deletes a user.
///
/// The user, their posts, sessions and links go; their events stay.
#[utoipa::path(
    delete,
    path = "/api/admin/users/{id}",
    tag = "admin",
    params(("id" = i32, Path, description = "A user id")),
    responses(
        (status = 204, description = "The account is deleted"),
        (status = 409, description = "The last active administrator", body = Problem, content_type = "application/problem+json"),
        AdminErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn delete_user(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientInfo,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let by = Acting::new(&admin.user, &client);
    state
        .accounts()
        .delete_account(&by, path.into_inner())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lists the security events of every account, newest first.
///
/// `user` (a user id) and `kind` narrow the list.
#[utoipa::path(
    get,
    path = "/api/admin/events",
    tag = "admin",
    params(EventSearchParams),
    responses(
        (status = 200, description = "A page of security events, newest first", body = EventPage),
        (status = 422, description = "Bad user, kind, limit or cursor", body = Problem, content_type = "application/problem+json"),
        AdminErrors
    ),
    security(("bearer" = []), ("oauth2" = ["admin:read"]))
)]
pub async fn list_events(
    state: web::Data<AppState>,
    _: AdminScoped<AdminRead>,
    params: web::Query<EventSearchParams>,
) -> Result<HttpResponse, AppError> {
    let (filter, page) = params.parse(&state.cursor_key)?;
    let list = state
        .accounts()
        .events(filter, page, &state.cursor_key)
        .await?;
    Ok(HttpResponse::Ok().no_store().json(EventPage::from(list)))
}
