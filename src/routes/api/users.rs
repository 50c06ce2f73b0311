//! `/api/users/me`: the caller's profile and password.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::responses::{AuthErrors, BodyErrors, RateLimited};
use crate::accounts::PasswordChangeError;
use crate::auth::cookies;
use crate::auth::credentials::CredentialSource;
use crate::auth::extract::AuthUser;
use crate::auth::scoped::{ProfileRead, Scoped};
use crate::auth::tokens::TokenPair;
use crate::db::users::User;
use crate::domain::{Password, Role};
use crate::error::{AppError, FieldErrors, Problem};
use crate::http::body::{Field, JsonBody};
use crate::i18n::Locale;
use crate::no_store::NoStore as _;
use crate::state::{AppState, LoginAttempt};

/// The public shape of a user: never the password hash. It borrows the user's strings: `/me`
/// writes it on every call.
#[derive(Serialize, ToSchema)]
pub struct UserBody<'a> {
    pub id: i32,
    pub email: &'a str,
    pub username: &'a str,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Whether the user followed a link sent to `email`.
    pub email_verified: bool,
    /// `user` or `admin`: a client can tell whether it acts for an administrator.
    pub role: Role,
    /// Whether an administrator disabled the account (its tokens are then refused).
    pub disabled: bool,
    /// The language chosen for pages and mail: `en`, `de`, `es`, or null (none chosen).
    #[schema(value_type = Option<String>, example = "de")]
    pub locale: Option<Locale>,
}

impl<'a> From<&'a User> for UserBody<'a> {
    fn from(u: &'a User) -> Self {
        Self {
            id: u.id,
            email: &u.email,
            username: &u.username,
            created_at: crate::db::to_utc(u.created_at),
            email_verified: u.email_verified,
            role: u.role(),
            disabled: u.disabled,
            locale: u.locale(),
        }
    }
}

/// `PATCH /api/users/me`: what the user may change about themselves here (the language).
#[derive(Deserialize, ToSchema)]
pub struct ProfileChange {
    /// `en`, `de` or `es`; null forgets the choice; left out, it stays.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub locale: Field,
}

/// The 422 of a `locale` that is not one of Sigil's languages.
fn not_a_locale() -> AppError {
    let mut errors = FieldErrors::new();
    errors.add("locale", "Must be \"en\", \"de\", \"es\" or null.");
    errors.into()
}

/// Changes the signed-in user's profile: `{locale}` → the User.
#[utoipa::path(
    patch,
    path = "/api/users/me",
    tag = "users",
    request_body = ProfileChange,
    responses(
        (status = 200, description = "The user, changed", body = UserBody),
        (status = 422, description = "`errors.locale`: not en, de, es or null", body = Problem),
        AuthErrors,
        BodyErrors
    ),
    security(("bearer" = []))
)]
pub async fn update_me(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
    JsonBody(body): JsonBody<ProfileChange>,
) -> Result<HttpResponse, AppError> {
    // Left out: unchanged; null: forgotten; a tag: chosen.
    let locale = match body.locale {
        Field::Absent => {
            return Ok(HttpResponse::Ok()
                .no_store()
                .json(UserBody::from(&*auth.user)))
        }
        Field::Null => None,
        Field::Text(raw) => match Locale::parse(&raw) {
            Some(locale) => Some(locale),
            None => return Err(not_a_locale()),
        },
        Field::NotText => return Err(not_a_locale()),
    };
    let id = auth.user.id;
    let user = state
        .db
        .run(move |conn| Ok(User::set_locale(conn, id, locale)?))
        .await?;
    Ok(HttpResponse::Ok().no_store().json(UserBody::from(&user)))
}

/// The signed-in user.
#[utoipa::path(
    get,
    path = "/api/users/me",
    tag = "users",
    responses(
        (status = 200, description = "The signed-in user", body = UserBody),
        AuthErrors
    ),
    security(("bearer" = []), ("oauth2" = ["profile:read"]))
)]
pub async fn me(Scoped(caller, _): Scoped<ProfileRead>) -> HttpResponse {
    HttpResponse::Ok()
        .no_store()
        .json(UserBody::from(caller.user()))
}

/// `PUT /api/users/me/password`.
#[derive(Deserialize, ToSchema)]
pub struct PasswordChangeRequest {
    #[schema(value_type = String, required = true)]
    #[serde(default)]
    pub current_password: Field,
    /// 8–72 bytes.
    #[schema(value_type = String, required = true, min_length = 8)]
    #[serde(default)]
    pub new_password: Field,
}

/// A password change as typed: the current password (a candidate) and the new one, parsed.
pub struct PasswordChange {
    pub current: String,
    pub new: Password,
}

impl TryFrom<PasswordChangeRequest> for PasswordChange {
    type Error = FieldErrors;

    fn try_from(r: PasswordChangeRequest) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let current = r
            .current_password
            .required("current_password", &mut errors, |p| {
                Password::check_candidate(p).map(|()| p.to_string())
            });
        let new = r
            .new_password
            .required("new_password", &mut errors, Password::parse);
        errors.finish(|| {
            Some(PasswordChange {
                current: current?,
                new: new?,
            })
        })
    }
}

/// Changes the caller's password → a TokenPair for a new session.
///
/// `{current_password, new_password}`; every earlier token of the user, the caller's included, is
/// revoked.
#[utoipa::path(
    put,
    path = "/api/users/me/password",
    tag = "users",
    request_body = PasswordChangeRequest,
    responses(
        (status = 200, description = "Tokens of a new session; every earlier token is revoked", body = TokenPair),
        (status = 403, description = "The current password is wrong (or a missing CSRF token)", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
        BodyErrors,
        RateLimited
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn change_password(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
    JsonBody(body): JsonBody<PasswordChangeRequest>,
) -> Result<HttpResponse, AppError> {
    let change = PasswordChange::try_from(body)?;
    let pair = state
        .accounts()
        .change_password(
            &auth.user,
            change.current,
            change.new,
            &client,
            (&auth.claims.amr, auth.claims.auth_time),
        )
        .await
        .map_err(|e| match e {
            PasswordChangeError::WrongCurrent => {
                AppError::Forbidden(crate::accounts::WRONG_CURRENT_PASSWORD.into())
            }
            PasswordChangeError::App(e) => e,
        })?;
    let mut response = pair.response();
    if auth.source == CredentialSource::Cookie {
        cookies::set_login(&mut response, &pair, state.tokens.secure_cookies);
    }
    Ok(response)
}
