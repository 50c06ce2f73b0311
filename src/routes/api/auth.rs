//! `/api/auth/*` sign-ins: registration, the JSON login, the OAuth2 token endpoint, refresh.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::client_auth::{self, Presented};
use super::responses::{BodyErrors, RateLimited};
use super::users::UserBody;
use crate::accounts::mfa::{SecondFactorError, SignInStep};
use crate::accounts::{NewAccount, RegisterRequest};
use crate::auth::tokens::TokenPair;
use crate::auth::totp::FactorCode;
use crate::db::clients::{AUTHORIZATION_CODE, DEVICE_CODE, REFRESH_TOKEN};
use crate::domain::Password;
use crate::error::{AppError, FieldErrors, OAuthBody, Problem};
use crate::http::body::{Field, JsonBody};
use crate::http::client::ClientInfo;
use crate::http::oauth_form::{required, OAuthForm};
use crate::no_store::NoStore as _;
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
    /// With a client's `refresh_token`: narrows the new access token's scope (never widens
    /// it). Ignored by the first-party grants.
    #[serde(default)]
    pub scope: Option<String>,
    /// An OAuth client's id (`client_secret_post`, or a public client). Ignored by the
    /// password and mfa-otp grants, and by a first-party refresh when it names no client.
    #[serde(default)]
    pub client_id: Option<String>,
    /// A confidential client's secret (`client_secret_post`).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Not supported (private_key_jwt): `invalid_client`.
    #[serde(default)]
    pub client_assertion: Option<String>,
    #[serde(default)]
    pub client_assertion_type: Option<String>,
    /// With `authorization_code`: the code the redirect brought.
    #[serde(default)]
    pub code: Option<String>,
    /// With `authorization_code`: the authorization request's, exactly.
    #[serde(default)]
    pub redirect_uri: Option<String>,
    /// With `authorization_code`: the PKCE verifier (RFC 7636).
    #[serde(default)]
    pub code_verifier: Option<String>,
    /// With `urn:ietf:params:oauth:grant-type:device_code`: the `device_code` of
    /// `POST /api/auth/device`.
    #[serde(default)]
    pub device_code: Option<String>,
}

/// The OAuth2 token endpoint: password, refresh, code and device grants.
///
/// RFC 6749 §4.3 password grant, §4.1 code grant and §6 refresh grant, and the RFC 8628 device
/// grant (`authorization_pending`, `slow_down`, `access_denied`, `expired_token` while it
/// waits), answering §5.1 or §5.2.
#[utoipa::path(
    post,
    path = "/api/auth/token",
    tag = "auth",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "RFC 6749 §5.1 token response", body = TokenPair),
        (status = 400, description = "RFC 6749 §5.2 error: invalid_request, invalid_grant, unauthorized_client, unsupported_grant_type; RFC 8628 §3.5 authorization_pending, slow_down, access_denied, expired_token", body = OAuthBody),
        (status = 401, description = "invalid_client: an OAuth client's unknown id or wrong secret", body = OAuthBody),
        (status = 403, description = "mfa_required: the password was right and a second factor is on; the body's mfa_token goes with the mfa-otp grant", body = OAuthBody),
        (status = 413, description = "The body is larger than 128 KiB", body = Problem, content_type = "application/problem+json"),
        RateLimited
    )
)]
pub async fn token(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: Result<OAuthForm<TokenRequest>, AppError>,
) -> Result<HttpResponse, AppError> {
    let client = ClientInfo::of(&req);
    // Every request counts against the address's login limit but the device grant's polls: a
    // device polls every few seconds for minutes, paced per code by `slow_down`, and counting
    // them would lock its user out of signing in to approve it from the same network. Its
    // device code is 256 random bits, so an unknown one is no guess worth limiting. So the
    // form is read first; a body that does not parse counts too, and past the limit it is a
    // `429` like any other attempt, never a `400` that says what was wrong with it.
    let form = match form {
        Ok(OAuthForm(form)) => form,
        Err(unreadable) => {
            state.count_login_attempt(&client, req.path())?;
            return Err(unreadable);
        }
    };
    if form.grant_type.as_deref() != Some(DEVICE_CODE) {
        state.count_login_attempt(&client, req.path())?;
    }
    let grant_type = required(form.grant_type.clone(), "grant_type")?;
    let presented = Presented {
        client_id: form.client_id.as_deref(),
        client_secret: form.client_secret.as_deref(),
        assertion: form.client_assertion.is_some() || form.client_assertion_type.is_some(),
    };
    let provider = &state.provider;
    match grant_type.as_str() {
        AUTHORIZATION_CODE if provider.enabled => {
            let oauth_client = client_auth::authenticate(&req, &state.db, &presented)
                .await?
                .ok_or_else(|| {
                    AppError::oauth(
                        "invalid_client",
                        "The code grant needs the client: its credentials, or a public \
                         client's client_id.",
                    )
                })?;
            if !oauth_client.allows_grant(AUTHORIZATION_CODE) {
                return Err(unauthorized_client(AUTHORIZATION_CODE));
            }
            let code = required(form.code, "code")?;
            let redirect_uri = required(form.redirect_uri, "redirect_uri")?;
            let verifier = form.code_verifier.unwrap_or_default();
            let tokens = state
                .accounts()
                .exchange_code(
                    provider,
                    &oauth_client,
                    (&code, &redirect_uri, &verifier),
                    &client,
                )
                .await?
                .map_err(|why| AppError::oauth("invalid_grant", why))?;
            return Ok(client_tokens_response(&tokens));
        }
        DEVICE_CODE if provider.enabled => {
            let oauth_client = client_auth::authenticate(&req, &state.db, &presented)
                .await?
                .ok_or_else(|| {
                    AppError::oauth(
                        "invalid_client",
                        "The device grant needs the client: its credentials, or a public \
                         client's client_id.",
                    )
                })?;
            if !oauth_client.allows_grant(DEVICE_CODE) {
                return Err(unauthorized_client(DEVICE_CODE));
            }
            let device_code = required(form.device_code, "device_code")?;
            let tokens = state
                .accounts()
                .poll_device(provider, &oauth_client, &device_code, &client)
                .await?
                .map_err(|refused| AppError::oauth(refused.error(), refused.description()))?;
            return Ok(client_tokens_response(&tokens));
        }
        "refresh_token" if provider.enabled && client_auth::any(&req, &presented) => {
            if let Some(oauth_client) =
                client_auth::authenticate(&req, &state.db, &presented).await?
            {
                if !oauth_client.allows_grant(REFRESH_TOKEN) {
                    return Err(unauthorized_client(REFRESH_TOKEN));
                }
                let presented_token = required(form.refresh_token, "refresh_token")?;
                let tokens = state
                    .accounts()
                    .refresh_for_client(
                        provider,
                        &oauth_client,
                        &presented_token,
                        form.scope.as_deref(),
                        &client,
                    )
                    .await??;
                return Ok(client_tokens_response(&tokens));
            }
        }
        _ => {}
    }
    let pair = match grant_type.as_str() {
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
                    "The grant type {:?} is not supported; use authorization_code, password, \
                     refresh_token, {DEVICE_CODE} or urn:sigil:grant-type:mfa-otp.",
                    other.chars().take(64).collect::<String>()
                ),
            ))
        }
    };
    Ok(pair.response())
}

/// RFC 6749 §5.2 `unauthorized_client`: a grant the client is not registered for.
fn unauthorized_client(grant: &str) -> AppError {
    AppError::oauth(
        "unauthorized_client",
        format!("This client is not registered for the {grant} grant."),
    )
}

/// RFC 6749 §5.1: a client's tokens as JSON, never cached.
fn client_tokens_response(tokens: &crate::accounts::apps::ClientTokens) -> HttpResponse {
    HttpResponse::Ok()
        .no_store()
        .insert_header((header::PRAGMA, "no-cache"))
        .json(tokens)
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
