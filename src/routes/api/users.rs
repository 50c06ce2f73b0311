//! `/api/users/me`: the caller's profile and password.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::auth::{check_candidate, token_response, user_agent};
use super::body::Fields;
use crate::auth::credentials::CredentialSource;
use crate::auth::extract::AuthUser;
use crate::auth::{cookies, tokens};
use crate::db::sessions::Session;
use crate::db::users::User;
use crate::domain::Password;
use crate::error::AppError;
use crate::startup::AppState;

/// The public shape of a user: never the password hash.
#[derive(Serialize, utoipa::ToSchema)]
pub struct UserBody {
    pub id: i32,
    pub email: String,
    pub username: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<&User> for UserBody {
    fn from(u: &User) -> Self {
        Self {
            id: u.id,
            email: u.email.clone(),
            username: u.username.clone(),
            created_at: crate::db::to_utc(u.created_at),
        }
    }
}

/// `GET /api/users/me`.
#[utoipa::path(
    get,
    path = "/api/users/me",
    tag = "users",
    responses(
        (status = 200, description = "The signed-in user", body = crate::routes::api::users::UserBody),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn me(AuthUser(auth): AuthUser) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(UserBody::from(&auth.user))
}

/// `PUT /api/users/me/password`: `{current_password, new_password}` → a TokenPair for a new
/// session; every earlier token of the user, the caller's included, is revoked.
#[utoipa::path(
    put,
    path = "/api/users/me/password",
    tag = "users",
    request_body = crate::routes::api::openapi::PasswordChange,
    responses(
        (status = 200, description = "Tokens of a new session; every earlier token is revoked", body = crate::auth::tokens::TokenPair),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The current password is wrong (or a missing CSRF token)", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid new password", body = crate::routes::api::openapi::ValidationProblem, content_type = "application/problem+json"),
        (status = 400, description = "The body is not valid JSON", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 64 KiB", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    AuthUser(auth): AuthUser,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, AppError> {
    let mut f = Fields::new(body.into_inner());
    let current = f.required("current_password");
    if let Some(c) = &current {
        check_candidate(&mut f, "current_password", c);
    }
    let new = f.required("new_password");
    let new = f.parse("new_password", new, Password::parse);
    f.errors.into_result()?;
    let (Some(current), Some(new)) = (current, new) else {
        return Err(AppError::internal("validated fields are missing"));
    };
    let pair = change_user_password(&state, &auth.user, current, new, user_agent(&req)).await?;
    let mut response = token_response(&pair);
    if auth.source == CredentialSource::Cookie {
        let secure = state.settings.cookie_secure;
        response
            .add_cookie(&cookies::access(
                &pair.access_token,
                pair.expires_in,
                secure,
            ))
            .map_err(AppError::internal)?;
        response
            .add_cookie(&cookies::refresh(
                &pair.refresh_token,
                pair.refresh_expires_in,
                secure,
            ))
            .map_err(AppError::internal)?;
    }
    Ok(response)
}

/// Checks the current password (403 when wrong), stores the new hash, revokes every session
/// of the user and starts a new one for the caller.
pub async fn change_user_password(
    state: &web::Data<AppState>,
    user: &User,
    current: String,
    new: Password,
    user_agent: Option<String>,
) -> Result<tokens::TokenPair, AppError> {
    let stored = user.password_hash.clone();
    let ok = state
        .passwords
        .run(move || crate::auth::password::verify(&current, &stored))
        .await?;
    if !ok {
        return Err(AppError::Forbidden(
            "The current password is incorrect.".into(),
        ));
    }
    let hash = tokens::hash_password(state, new).await?;
    let user_id = user.id;
    state
        .db
        .run(move |conn| {
            use diesel::Connection as _;
            conn.transaction(|conn| {
                User::set_password_hash(conn, user_id, &hash)?;
                Session::revoke_all_for_user(conn, user_id, "password changed")?;
                Ok::<_, diesel::result::Error>(())
            })?;
            Ok(())
        })
        .await?;
    tokens::start_session(state, user, user_agent).await
}
