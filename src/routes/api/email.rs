//! `/api/auth/password/*`, `/api/auth/email/*` and `PUT /api/users/me/email`: a way back into
//! a lost account, and proving or changing an address. Every link arrives by mail.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::responses::{BodyErrors, RateLimited, RecentAuthErrors, WriteErrors};
use super::users::UserBody;
use crate::accounts::email::EmailChangeError;
use crate::auth::extract::{AuthUser, RecentAuth};
use crate::domain::{Email, Password};
use crate::error::{AppError, FieldErrors, Problem};
use crate::http::body::{Field, JsonBody};
use crate::http::client::ClientInfo;
use crate::no_store::NoStore as _;
use crate::state::{AppState, LoginAttempt};

/// The token a mailed link carries: present and of the shape Sigil issues.
fn link_token(field: Field, errors: &mut FieldErrors) -> Option<String> {
    field.required("token", errors, |t| {
        let t = t.trim();
        let shaped = (40..=64).contains(&t.len())
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if shaped {
            Ok(t.to_string())
        } else {
            Err(crate::accounts::recovery::BAD_LINK.to_string())
        }
    })
}

/// `202 {}`: the same answer whatever happened.
fn accepted() -> HttpResponse {
    HttpResponse::Accepted()
        .no_store()
        .json(serde_json::json!({}))
}

/// `POST /api/auth/password/forgot`.
#[derive(Deserialize, ToSchema)]
pub struct ForgotRequest {
    #[schema(value_type = String, required = true, example = "alice@example.com")]
    #[serde(default)]
    pub email: Field,
}

/// Asks for a password reset link by mail: always 202 `{}`.
///
/// The same answer, in the same time, whether or not the address has an account.
#[utoipa::path(
    post,
    path = "/api/auth/password/forgot",
    tag = "auth",
    request_body = ForgotRequest,
    responses(
        (status = 202, description = "Accepted: if the address has an account, a reset link is on its way", body = Object),
        BodyErrors,
        RateLimited
    )
)]
pub async fn forgot(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<ForgotRequest>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let email = body.email.required("email", &mut errors, Email::parse);
    let email = errors.finish(|| email)?;
    state.accounts().forgot_password_later(email, client);
    Ok(accepted())
}

/// `POST /api/auth/password/reset`.
#[derive(Deserialize, ToSchema)]
pub struct ResetRequest {
    /// The `token` of the link in the mail.
    #[schema(value_type = String, required = true)]
    #[serde(default)]
    pub token: Field,
    /// 8–72 bytes.
    #[schema(value_type = String, required = true, min_length = 8)]
    #[serde(default)]
    pub new_password: Field,
}

/// Sets a new password with a reset link's token → 204.
///
/// Every session and token of the user is revoked. A bad, used or expired link is a 422 on `token`.
#[utoipa::path(
    post,
    path = "/api/auth/password/reset",
    tag = "auth",
    request_body = ResetRequest,
    responses(
        (status = 204, description = "The password is changed; every session was signed out"),
        BodyErrors,
        RateLimited
    )
)]
pub async fn reset(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<ResetRequest>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let token = link_token(body.token, &mut errors);
    let new = body
        .new_password
        .required("new_password", &mut errors, Password::parse);
    let (token, new) = errors.finish(|| Some((token?, new?)))?;
    state
        .accounts()
        .reset_password(&token, new, &client)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/auth/email/verify`.
#[derive(Deserialize, ToSchema)]
pub struct VerifyRequest {
    /// The `token` of the link in the mail.
    #[schema(value_type = String, required = true)]
    #[serde(default)]
    pub token: Field,
}

/// Verifies an e-mail address with a link's token → the user.
///
/// For an address change, the new address is the user's from now on (409 if another account
/// took it).
#[utoipa::path(
    post,
    path = "/api/auth/email/verify",
    tag = "auth",
    request_body = VerifyRequest,
    responses(
        (status = 200, description = "The address is verified", body = UserBody),
        (status = 409, description = "The new address now belongs to another account", body = Problem, content_type = "application/problem+json"),
        BodyErrors
    )
)]
pub async fn verify(
    state: web::Data<AppState>,
    client: ClientInfo,
    JsonBody(body): JsonBody<VerifyRequest>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let token = link_token(body.token, &mut errors);
    let token = errors.finish(|| token)?;
    let user = state
        .accounts()
        .verify_email(&token, &client)
        .await
        .map_err(|e| e.into_app_error())?;
    Ok(HttpResponse::Ok().no_store().json(UserBody::from(&user)))
}

/// Sends a new verification link to the caller's address → 202.
#[utoipa::path(
    post,
    path = "/api/auth/email/resend",
    tag = "auth",
    responses(
        (status = 202, description = "A new link is on its way (nothing is sent for an address already verified)", body = Object),
        WriteErrors,
        RateLimited
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn resend(
    _: LoginAttempt,
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<HttpResponse, AppError> {
    if !auth.user.email_verified {
        state.accounts().send_verification(&auth.user).await?;
    }
    Ok(accepted())
}

/// `PUT /api/users/me/email`.
#[derive(Deserialize, ToSchema)]
pub struct EmailChangeRequest {
    #[schema(value_type = String, required = true, example = "alice@new.example.com")]
    #[serde(default)]
    pub new_email: Field,
    #[schema(value_type = String, required = true)]
    #[serde(default)]
    pub current_password: Field,
}

/// Changes the caller's e-mail address, once the link mailed to it is followed.
///
/// `{new_email, current_password}` → 202; a link goes to the new address and a notice to the old
/// one. Needs a recent sign-in.
#[utoipa::path(
    put,
    path = "/api/users/me/email",
    tag = "users",
    request_body = EmailChangeRequest,
    responses(
        (status = 202, description = "A link is on its way to the new address", body = Object),
        (status = 403, description = "The current password is wrong (or a missing CSRF token)", body = Problem, content_type = "application/problem+json"),
        RecentAuthErrors,
        BodyErrors,
        RateLimited
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn change(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    RecentAuth(auth): RecentAuth,
    JsonBody(body): JsonBody<EmailChangeRequest>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let new_email = body
        .new_email
        .required("new_email", &mut errors, Email::parse);
    // An account without a password (made through a provider) sends none: the recent
    // sign-in is its proof.
    let current = match auth.user.has_password() {
        true => body
            .current_password
            .required("current_password", &mut errors, |p| {
                Password::check_candidate(p).map(|()| p.to_string())
            }),
        false => Some(String::new()),
    };
    let (new_email, current) = errors.finish(|| Some((new_email?, current?)))?;
    state
        .accounts()
        .change_email(&auth.user, new_email, current, &client)
        .await
        .map_err(|e| match e {
            EmailChangeError::WrongPassword => {
                AppError::Forbidden(crate::accounts::WRONG_CURRENT_PASSWORD.into())
            }
            EmailChangeError::Unchanged => {
                AppError::validation("new_email", "This is already your address.")
            }
            EmailChangeError::DomainRefused(message) => AppError::validation("new_email", message),
            EmailChangeError::App(e) => e,
        })?;
    Ok(accepted())
}
