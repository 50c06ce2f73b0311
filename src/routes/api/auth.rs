//! `/api/auth/*` sign-ins: registration, the JSON login, the OAuth2 token endpoint, refresh.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::responses::{BodyErrors, RateLimited};
use super::users::UserBody;
use crate::accounts::mfa::{SecondFactorError, SignInStep};
use crate::accounts::{NewAccount, RegisterRequest};
use crate::auth::tokens::TokenPair;
use crate::auth::totp::FactorCode;
use crate::domain::Password;
use crate::error::{AppError, FieldErrors, OAuthBody, Problem};
use crate::http::body::{Field, JsonBody};
use crate::http::oauth_form::{required, OAuthForm};
use crate::state::{AppState, LoginAttempt};

/// Registers an account: `{email, username, password, invitation?}` → 201 User.
///
/// `REGISTRATION=closed`: 403 `/problems/registration-closed`. `invite`: `invitation` is
/// required (403 `/problems/invitation-required`), and the account gets the invited address,
/// verified. `REGISTRATION_EMAIL_DOMAINS` binds open registration (422 on `email`).
#[utoipa::path(
    post,
    path = "/api/auth/register",
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered", body = UserBody, headers(("Location" = String, description = "The user's resource"))),
        (status = 403, description = "Registration is closed, or needs an invitation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email or username is taken", body = Problem, content_type = "application/problem+json"),
        BodyErrors,
        RateLimited
    )
)]
pub async fn register(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    JsonBody(mut body): JsonBody<RegisterRequest>,
) -> Result<HttpResponse, AppError> {
    let accounts = state.accounts();
    crate::accounts::invitations::refuse_if_closed(&accounts.protection)?;
    let invitation = match &body.invitation {
        Field::Text(token) => Some(token.clone()),
        Field::NotText => return Err(crate::accounts::invitations::bad_invitation()),
        Field::Absent | Field::Null => None,
    };
    let admission = accounts
        .admit_registration(invitation.as_deref(), &client)
        .await?;
    if let Some(invited) = admission.invited_email() {
        body.email = Field::Text(invited.to_string());
    }
    let new = NewAccount::try_from(body)?;
    admission.check_domain(&accounts.protection, &new.email)?;
    let user = accounts
        .register(new, admission)
        .await?
        .map_err(|taken| AppError::Conflict(taken.detail()))?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, "/api/users/me"))
        .json(UserBody::from(&user)))
}

/// `POST /api/auth/login`: `username` (or `email`) and `password`.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// A username, or an email address.
    #[schema(value_type = Option<String>, example = "alice")]
    #[serde(default)]
    pub username: Field,
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub email: Field,
    #[schema(value_type = String, required = true, example = "correct horse battery")]
    #[serde(default)]
    pub password: Field,
}

/// A sign-in as typed: a login name (username or email) and a password candidate.
pub struct SignIn {
    pub login: String,
    pub password: String,
}

impl TryFrom<LoginRequest> for SignIn {
    type Error = FieldErrors;

    fn try_from(r: LoginRequest) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let login = if r.username.is_given() || r.username == Field::NotText {
            r.username.text("username", &mut errors)
        } else if r.email.is_given() || r.email == Field::NotText {
            r.email.text("email", &mut errors)
        } else {
            errors.add("username", "Give a username or an email address.");
            None
        };
        let password = r.password.required("password", &mut errors, |p| {
            Password::check_candidate(p).map(|()| p.to_string())
        });
        errors.finish(|| {
            Some(SignIn {
                login: login?,
                password: password?,
            })
        })
    }
}

/// Signs in with a username (or e-mail) and password → TokenPair.
#[utoipa::path(
    post,
    path = "/api/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "A new session's tokens", body = TokenPair),
        (status = 401, description = "Incorrect username or password", body = Problem, content_type = "application/problem+json"),
        BodyErrors,
        RateLimited
    )
)]
pub async fn login(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<LoginRequest>,
) -> Result<HttpResponse, AppError> {
    let sign_in = SignIn::try_from(body)?;
    let accounts = state.accounts();
    let user = accounts
        .check_sign_in(sign_in.login, sign_in.password, &client)
        .await?
        .map_err(|refusal| refusal.problem())?;
    match accounts.after_password(&user, &client).await? {
        SignInStep::Done(started) => Ok(started.pair.response()),
        SignInStep::SecondFactor { mfa_token, methods } => {
            Err(AppError::MfaRequired { mfa_token, methods })
        }
    }
}

/// `POST /api/auth/token` (form-encoded or multipart).
#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    /// `password`, `refresh_token`, or `urn:sigil:grant-type:mfa-otp` (the second step of a
    /// password grant answered `mfa_required`).
    #[schema(value_type = String, required = true, example = "password")]
    #[serde(default)]
    pub grant_type: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// With `urn:sigil:grant-type:mfa-otp`: the `mfa_token` of the `mfa_required` answer.
    #[serde(default)]
    pub mfa_token: Option<String>,
    /// With `urn:sigil:grant-type:mfa-otp`: a code from the authenticator app, or a
    /// recovery code.
    #[serde(default)]
    pub otp: Option<String>,
    /// Accepted and ignored.
    #[serde(default)]
    pub scope: Option<String>,
    /// Accepted and ignored.
    #[serde(default)]
    pub client_id: Option<String>,
}

/// The OAuth2 token endpoint: password and refresh grants.
///
/// RFC 6749 §4.3 password grant and §6 refresh grant, answering §5.1 or §5.2.
#[utoipa::path(
    post,
    path = "/api/auth/token",
    tag = "auth",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "RFC 6749 §5.1 token response", body = TokenPair),
        (status = 400, description = "RFC 6749 §5.2 error: invalid_request, invalid_grant, unsupported_grant_type", body = OAuthBody),
        (status = 403, description = "mfa_required: the password was right and a second factor is on; the body's mfa_token goes with the mfa-otp grant", body = OAuthBody),
        (status = 413, description = "The body is larger than 128 KiB", body = Problem, content_type = "application/problem+json"),
        RateLimited
    )
)]
pub async fn token(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    OAuthForm(form): OAuthForm<TokenRequest>,
) -> Result<HttpResponse, AppError> {
    let pair = match required(form.grant_type, "grant_type")?.as_str() {
        "password" => {
            let username = required(form.username, "username")?;
            let password = required(form.password, "password")?;
            if password.len() > Password::MAX_BYTES {
                let limit = Password::MAX_BYTES;
                let message = format!("The password must be at most {limit} bytes.");
                return Err(AppError::oauth("invalid_request", message));
            }
            let accounts = state.accounts();
            let user = accounts
                .check_sign_in(username, password, &client)
                .await?
                .map_err(|refusal| refusal.oauth())?;
            match accounts.after_password(&user, &client).await? {
                SignInStep::Done(started) => started.pair,
                SignInStep::SecondFactor { mfa_token, .. } => {
                    return Err(AppError::oauth_mfa_required(mfa_token))
                }
            }
        }
        "refresh_token" => {
            let presented = required(form.refresh_token, "refresh_token")?;
            state
                .accounts()
                .rotate(&presented, &client)
                .await?
                .map_err(|refusal| refusal.oauth())?
        }
        MFA_OTP_GRANT => {
            let mfa_token = required(form.mfa_token, "mfa_token")?;
            let otp = required(form.otp, "otp")?;
            let code =
                FactorCode::parse(&otp).map_err(|m| AppError::oauth("invalid_request", m))?;
            state
                .accounts()
                .complete_second_factor(&mfa_token, code, &client)
                .await
                .map(|started| started.pair)
                .map_err(|e| match e {
                    SecondFactorError::Refused(refusal) => refusal.oauth(),
                    SecondFactorError::App(e) => e,
                })?
        }
        other => {
            return Err(AppError::oauth(
                "unsupported_grant_type",
                format!(
                    "The grant type {:?} is not supported; use password, refresh_token or \
                     urn:sigil:grant-type:mfa-otp.",
                    other.chars().take(64).collect::<String>()
                ),
            ))
        }
    };
    Ok(pair.response())
}

/// The token endpoint's grant that completes a sign-in with a second factor.
pub const MFA_OTP_GRANT: &str = "urn:sigil:grant-type:mfa-otp";

/// `POST /api/auth/refresh`.
#[derive(Deserialize, ToSchema)]
pub struct RefreshRequest {
    #[schema(value_type = String, required = true)]
    #[serde(default)]
    pub refresh_token: Field,
}

/// Rotates a refresh token: `{refresh_token}` → a new TokenPair.
///
/// 401 when the refresh token is unknown, expired, revoked or reused.
#[utoipa::path(
    post,
    path = "/api/auth/refresh",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A rotated token pair", body = TokenPair),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", body = Problem, content_type = "application/problem+json"),
        BodyErrors,
        RateLimited
    )
)]
pub async fn refresh(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<RefreshRequest>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let presented = body.refresh_token.text("refresh_token", &mut errors);
    let presented = errors.finish(|| presented)?;
    let pair = state
        .accounts()
        .rotate(&presented, &client)
        .await?
        .map_err(|refusal| refusal.problem())?;
    Ok(pair.response())
}
