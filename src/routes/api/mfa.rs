//! The second factor and recent authentication: completing a sign-in with a code
//! (`/api/auth/mfa`), proving it is you again (`/api/auth/reauthenticate`), enrolling and
//! removing an authenticator app and its recovery codes (`/api/users/me/mfa/*`), and
//! deleting one's own account (`DELETE /api/users/me`).

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::responses::{AuthErrors, BodyErrors, RateLimited, RecentAuthErrors};
use crate::accounts::mfa::{OwnerProof, OwnerProofRequest, SecondFactorError};
use crate::auth::cookies;
use crate::auth::credentials::CredentialSource;
use crate::auth::extract::{AuthUser, RecentAuth};
use crate::auth::totp::FactorCode;
use crate::error::{AppError, FieldErrors, Problem};
use crate::http::body::{Field, JsonBody};
use crate::http::client::ClientInfo;
use crate::no_store::NoStore as _;
use crate::state::{AppState, LoginAttempt};

/// `POST /api/auth/mfa`.
#[derive(Deserialize, ToSchema)]
pub struct MfaRequest {
    /// From the `mfa-required` answer of the login.
    #[schema(value_type = String, required = true)]
    #[serde(default)]
    pub mfa_token: Field,
    /// The 6-digit code the authenticator app shows, or a recovery code. Leave it out when
    /// `assertion` is given.
    #[schema(value_type = String, example = "123456")]
    #[serde(default)]
    pub code: Field,
    /// In place of `code`: the `PublicKeyCredential` that `navigator.credentials.get()` gave
    /// for the options of `POST /api/auth/passkey/options` with this `mfa_token`.
    #[schema(value_type = Option<Object>)]
    #[serde(default)]
    pub assertion: Option<serde_json::Value>,
}

/// Completes a sign-in with a second factor → TokenPair.
///
/// `{mfa_token, code}` (`amr` pwd + otp), or `{mfa_token, assertion}` with a passkey (`amr` pwd +
/// hwk or swk). A wrong code or a refused passkey is a 401 that counts against the `mfa_token`
/// (five end it); a used, expired or ended one is a 401 too.
#[utoipa::path(
    post,
    path = "/api/auth/mfa",
    tag = "auth",
    request_body = MfaRequest,
    responses(
        (status = 200, description = "The session's tokens", body = crate::auth::tokens::TokenPair),
        (status = 401, description = "Wrong code, or an mfa_token that is unknown, expired, used or ended", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account was disabled meanwhile", body = Problem, content_type = "application/problem+json"),
        BodyErrors,
        RateLimited
    )
)]
pub async fn complete(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<MfaRequest>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let mfa_token = body.mfa_token.text("mfa_token", &mut errors);
    let passkey = body.assertion.as_ref().is_some_and(|a| !a.is_null());
    if passkey && body.code.is_given() {
        errors.add("code", "Give a code or a passkey's assertion, not both.");
    }
    let proof = if passkey {
        errors
            .take("assertion", super::passkeys::credential(body.assertion))
            .map(Proof::Passkey)
    } else {
        body.code
            .required("code", &mut errors, FactorCode::parse)
            .map(Proof::Code)
    };
    let (mfa_token, proof) = errors.finish(|| Some((mfa_token?, proof?)))?;
    let accounts = state.accounts();
    let started = match proof {
        Proof::Code(code) => {
            accounts
                .complete_second_factor(&mfa_token, code, &client)
                .await
        }
        Proof::Passkey(assertion) => {
            accounts
                .complete_second_factor_with_passkey(&mfa_token, assertion, &client)
                .await
        }
    }
    .map_err(|e| match e {
        SecondFactorError::Refused(refusal) => refusal.problem(),
        SecondFactorError::App(e) => e,
    })?;
    Ok(started.pair.response())
}

/// What completes a second step.
enum Proof {
    Code(FactorCode),
    Passkey(webauthn_rs::prelude::PublicKeyCredential),
}

/// `POST /api/auth/reauthenticate`.
#[derive(Deserialize, ToSchema)]
pub struct ReauthRequest {
    /// Required unless `assertion` is given.
    #[schema(value_type = String)]
    #[serde(default)]
    pub password: Field,
    /// Required when a second factor is on: a TOTP or recovery code.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub code: Field,
    /// In place of the password and code: the `PublicKeyCredential` that
    /// `navigator.credentials.get()` gave for the options of
    /// `POST /api/auth/reauthenticate/options`.
    #[schema(value_type = Option<Object>)]
    #[serde(default)]
    pub assertion: Option<serde_json::Value>,
}

/// Confirms it's you again, for the operations that need a recent sign-in.
///
/// `{password, code?}`, or `{assertion}` with a passkey, → a TokenPair for the same session with a
/// fresh `auth_time`.
#[utoipa::path(
    post,
    path = "/api/auth/reauthenticate",
    tag = "auth",
    request_body = ReauthRequest,
    responses(
        (status = 200, description = "Tokens of the same session with a fresh auth_time", body = crate::auth::tokens::TokenPair),
        (status = 403, description = "Wrong password, or the passkey's response was refused", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
        BodyErrors,
        RateLimited
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn reauthenticate(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
    JsonBody(body): JsonBody<ReauthRequest>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let (user, sid) = (&auth.user, &auth.claims.sid);
    let pair = if body.assertion.as_ref().is_some_and(|a| !a.is_null()) {
        if body.password.is_given() || body.code.is_given() {
            let both = "Give the password (and a code) or a passkey's assertion, not both.";
            errors.add("assertion", both);
        }
        let assertion = errors.take("assertion", super::passkeys::credential(body.assertion));
        let assertion = errors.finish(|| assertion)?;
        state
            .accounts()
            .reauthenticate_with_passkey(user, sid, assertion, &client)
            .await?
    } else {
        let password = body.password.text("password", &mut errors);
        // Blank is left out: clients without a second factor may send `"code": ""`.
        let code = match body.code.is_given() {
            true => body
                .code
                .required("code", &mut errors, FactorCode::parse)
                .map(Some),
            false => Some(None),
        };
        let (password, code) = errors.finish(|| Some((password?, code?)))?;
        state
            .accounts()
            .reauthenticate(user, sid, password, code, &client)
            .await?
    };
    let mut response = pair.response();
    if auth.source == CredentialSource::Cookie {
        cookies::set_login(&mut response, &pair, state.tokens.secure_cookies);
    }
    Ok(response)
}

/// A new authenticator to scan: the secret, its `otpauth://` URI and a QR code of it.
#[derive(Serialize, ToSchema)]
pub struct EnrolmentBody {
    /// Base32, for typing into the app by hand.
    pub secret: String,
    pub otpauth_uri: String,
    /// An SVG image of the QR code of `otpauth_uri`.
    pub qr_svg: String,
}

/// Starts enrolling an authenticator app (recent sign-in).
///
/// Confirm it with a code at `/api/users/me/mfa/totp/confirm`.
#[utoipa::path(
    post,
    path = "/api/users/me/mfa/totp",
    tag = "users",
    responses(
        (status = 200, description = "The new secret, not on until confirmed", body = EnrolmentBody),
        (status = 409, description = "An authenticator is already on", body = Problem, content_type = "application/problem+json"),
        RecentAuthErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn enrol(
    state: web::Data<AppState>,
    RecentAuth(auth): RecentAuth,
) -> Result<HttpResponse, AppError> {
    let enrolment = state.accounts().enrol_totp(&auth.user).await?;
    Ok(HttpResponse::Ok().no_store().json(EnrolmentBody {
        secret: enrolment.secret,
        otpauth_uri: enrolment.otpauth_uri,
        qr_svg: enrolment.qr_svg,
    }))
}

/// `POST /api/users/me/mfa/totp/confirm`.
#[derive(Deserialize, ToSchema)]
pub struct ConfirmRequest {
    /// The 6-digit code the new authenticator shows.
    #[schema(value_type = String, required = true, example = "123456")]
    #[serde(default)]
    pub code: Field,
}

/// Recovery codes, shown once: each signs in once in place of a code from the app.
#[derive(Serialize, ToSchema)]
pub struct RecoveryCodesBody {
    pub recovery_codes: Vec<String>,
}

/// Turns the authenticator app on with a code from it, and answers ten recovery codes.
#[utoipa::path(
    post,
    path = "/api/users/me/mfa/totp/confirm",
    tag = "users",
    request_body = ConfirmRequest,
    responses(
        (status = 200, description = "On; the recovery codes (shown this once)", body = RecoveryCodesBody),
        (status = 409, description = "No enrolment is waiting to be confirmed", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
        BodyErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn confirm(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
    client: ClientInfo,
    JsonBody(body): JsonBody<ConfirmRequest>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let code = body.code.text("code", &mut errors);
    let code = errors.finish(|| code)?;
    let recovery_codes = state
        .accounts()
        .confirm_totp(&auth.user, &code, &client)
        .await?;
    Ok(HttpResponse::Ok()
        .no_store()
        .json(RecoveryCodesBody { recovery_codes }))
}

/// Turns the authenticator app off (recent sign-in): `{password}` or `{code}`.
#[utoipa::path(
    delete,
    path = "/api/users/me/mfa/totp",
    tag = "users",
    request_body = OwnerProofRequest,
    responses(
        (status = 204, description = "Off: the authenticator and the recovery codes are gone"),
        (status = 403, description = "The password is incorrect (or a missing CSRF token)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No second factor is on", body = Problem, content_type = "application/problem+json"),
        RecentAuthErrors,
        BodyErrors,
        RateLimited
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn disable(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    RecentAuth(auth): RecentAuth,
    JsonBody(body): JsonBody<OwnerProofRequest>,
) -> Result<HttpResponse, AppError> {
    let proof = OwnerProof::try_from(body)?;
    let accounts = state.accounts();
    accounts
        .prove_owner(&auth.user, proof, "remove_second_factor", &client)
        .await?;
    accounts.disable_totp(&auth.user, &client).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replaces the recovery codes (recent sign-in): the old ones stop working.
#[utoipa::path(
    post,
    path = "/api/users/me/mfa/recovery-codes",
    tag = "users",
    responses(
        (status = 200, description = "The new recovery codes (shown this once)", body = RecoveryCodesBody),
        (status = 409, description = "No second factor is on", body = Problem, content_type = "application/problem+json"),
        RecentAuthErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn regenerate(
    state: web::Data<AppState>,
    RecentAuth(auth): RecentAuth,
    client: ClientInfo,
) -> Result<HttpResponse, AppError> {
    let recovery_codes = state
        .accounts()
        .regenerate_recovery_codes(&auth.user, &client)
        .await?;
    Ok(HttpResponse::Ok()
        .no_store()
        .json(RecoveryCodesBody { recovery_codes }))
}

/// `DELETE /api/users/me`.
#[derive(Deserialize, ToSchema)]
pub struct DeleteAccountRequest {
    #[schema(value_type = String, required = true)]
    #[serde(default)]
    pub current_password: Field,
}

/// Deletes the caller's account (recent sign-in): `{current_password}` → 204.
///
/// The user, their posts, sessions and second factors go; the audit trail keeps the events with
/// the user id.
#[utoipa::path(
    delete,
    path = "/api/users/me",
    tag = "users",
    request_body = DeleteAccountRequest,
    responses(
        (status = 204, description = "The account is deleted"),
        (status = 403, description = "Wrong password", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last active administrator", body = Problem, content_type = "application/problem+json"),
        RecentAuthErrors,
        BodyErrors,
        RateLimited
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn delete_me(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    RecentAuth(auth): RecentAuth,
    JsonBody(body): JsonBody<DeleteAccountRequest>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    // An account without a password (made through a provider) sends none.
    let password = match auth.user.has_password() {
        true => body.current_password.text("current_password", &mut errors),
        false => Some(String::new()),
    };
    let password = errors.finish(|| password)?;
    state
        .accounts()
        .delete_own_account(&auth.user, password, &client)
        .await?;
    let mut response = HttpResponse::NoContent().finish();
    if auth.source == CredentialSource::Cookie {
        cookies::clear(&mut response, state.tokens.secure_cookies);
    }
    Ok(response)
}
