//! `/api/auth/*`: registration, logins, the OAuth2 token endpoint, refresh, logout, sessions.

use actix_session::Session as CookieSession;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::body::Fields;
use super::users::UserBody;
use crate::auth::credentials::CredentialSource;
use crate::auth::extract::AuthUser;
use crate::auth::{cookies, csrf, tokens};
use crate::db::sessions::Session;
use crate::db::users::User;
use crate::domain::{Email, Password, Username};
use crate::error::{AppError, AuthFailure};
use crate::startup::AppState;

/// `POST /api/auth/register`: `{email, username, password}` → 201 User.
#[utoipa::path(
    post,
    path = "/api/auth/register",
    tag = "auth",
    request_body = crate::routes::api::openapi::RegisterRequest,
    responses(
        (status = 201, description = "Registered", body = crate::routes::api::users::UserBody, headers(("Location" = String, description = "The user's resource"))),
        (status = 409, description = "The email or username is taken", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = crate::routes::api::openapi::ValidationProblem, content_type = "application/problem+json"),
        (status = 400, description = "The body is not valid JSON", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 64 KiB", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json")
    )
)]
pub async fn register(
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, AppError> {
    let mut f = Fields::new(body.into_inner());
    let email = f.required("email");
    let email = f.parse("email", email, Email::parse);
    let username = f.required("username");
    let username = f.parse("username", username, Username::parse);
    let password = f.required("password");
    let password = f.parse("password", password, Password::parse);
    f.errors.into_result()?;
    let (Some(email), Some(username), Some(password)) = (email, username, password) else {
        return Err(AppError::internal("validated fields are missing"));
    };
    let user = register_user(&state, email, username, password).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, "/api/users/me"))
        .json(UserBody::from(&user)))
}

/// Creates a user after checking neither identifier is taken (409), hashing off the workers.
pub async fn register_user(
    state: &AppState,
    email: Email,
    username: Username,
    password: Password,
) -> Result<User, AppError> {
    let (e, u) = (email.clone(), username.clone());
    let taken = state
        .db
        .run(move |conn| Ok(User::taken_fields(conn, &e, &u)?))
        .await?;
    if !taken.is_empty() {
        let names: Vec<&str> = taken.iter().map(|(k, _)| k.as_str()).collect();
        return Err(AppError::Conflict(format!(
            "That {} is already taken.",
            names.join(" and ")
        )));
    }
    let hash = tokens::hash_password(state, password).await?;
    state
        .db
        .run(move |conn| User::create(conn, &email, &username, &hash))
        .await
}

/// `POST /api/auth/login`: `{username or email, password}` → TokenPair.
#[utoipa::path(
    post,
    path = "/api/auth/login",
    tag = "auth",
    request_body = crate::routes::api::openapi::LoginRequest,
    responses(
        (status = 200, description = "A new session's tokens", body = crate::auth::tokens::TokenPair),
        (status = 401, description = "Incorrect username or password", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing fields, or a password over 72 bytes", body = crate::routes::api::openapi::ValidationProblem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this address; see Retry-After", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 400, description = "The body is not valid JSON", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 64 KiB", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json")
    )
)]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, AppError> {
    rate_limit(&state, &req)?;
    let mut f = Fields::new(body.into_inner());
    let login = match (f.optional("username"), f.optional("email")) {
        (Some(u), _) if !u.trim().is_empty() => Some(u),
        (_, Some(e)) if !e.trim().is_empty() => Some(e),
        _ => {
            f.errors
                .add("username", "Give a username or an email address.");
            None
        }
    };
    let password = f.required("password");
    if let Some(p) = &password {
        check_candidate(&mut f, "password", p);
    }
    f.errors.into_result()?;
    let (Some(login), Some(password)) = (login, password) else {
        return Err(AppError::internal("validated fields are missing"));
    };
    let user = tokens::check_password(&state, login, password)
        .await?
        .ok_or_else(wrong_credentials)?;
    let pair = tokens::start_session(&state, &user, user_agent(&req)).await?;
    Ok(token_response(&pair))
}

/// A password typed at login: present, and not over bcrypt's limit (never truncated).
pub fn check_candidate(f: &mut Fields, field: &str, candidate: &str) {
    if candidate.is_empty() {
        f.errors.add(field, "This field is required.");
    } else if candidate.len() > Password::MAX_BYTES {
        f.errors.add(
            field,
            format!("Password must be at most {} bytes.", Password::MAX_BYTES),
        );
    }
}

fn wrong_credentials() -> AppError {
    AppError::Unauthorized(AuthFailure::BadCredentials(
        "Incorrect username or password.".into(),
    ))
}

/// `POST /api/auth/token`: the OAuth2 token endpoint (RFC 6749 §4.3 password grant and §6
/// refresh grant), answering §5.1 or §5.2. Parameters come form-encoded, as RFC 6749 says, or
/// as multipart/form-data, which FastAPI's `OAuth2PasswordRequestForm` (and `curl -F`) use.
#[utoipa::path(
    post,
    path = "/api/auth/token",
    tag = "auth",
    request_body(content = crate::routes::api::openapi::TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "RFC 6749 §5.1 token response", body = crate::auth::tokens::TokenPair),
        (status = 400, description = "RFC 6749 §5.2 error: invalid_request, invalid_grant, unsupported_grant_type", body = crate::routes::api::openapi::OAuthErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this address; see Retry-After", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json")
    )
)]
pub async fn token(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    rate_limit(&state, &req)?;
    let params = token_params(&req, payload).await?;
    let param = |name: &str| -> Result<String, AppError> {
        params
            .get(name)
            .filter(|v| !v.is_empty())
            .cloned()
            .ok_or_else(|| {
                AppError::oauth(
                    "invalid_request",
                    format!("The {name} parameter is required."),
                )
            })
    };
    let pair = match param("grant_type")?.as_str() {
        "password" => {
            let username = param("username")?;
            let password = param("password")?;
            if password.len() > Password::MAX_BYTES {
                return Err(AppError::oauth(
                    "invalid_request",
                    format!(
                        "The password must be at most {} bytes.",
                        Password::MAX_BYTES
                    ),
                ));
            }
            let user = tokens::check_password(&state, username, password)
                .await?
                .ok_or_else(|| {
                    AppError::oauth("invalid_grant", "Incorrect username or password.")
                })?;
            tokens::start_session(&state, &user, user_agent(&req)).await?
        }
        "refresh_token" => {
            let presented = param("refresh_token")?;
            tokens::rotate(&state, &presented)
                .await?
                .map_err(|r| AppError::oauth("invalid_grant", r.description()))?
        }
        other => {
            return Err(AppError::oauth(
                "unsupported_grant_type",
                format!(
                    "The grant type {:?} is not supported; use password or refresh_token.",
                    other.chars().take(64).collect::<String>()
                ),
            ))
        }
    };
    Ok(token_response(&pair))
}

/// Reads the token endpoint's parameters; a parameter given twice is `invalid_request`.
async fn token_params(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<std::collections::BTreeMap<String, String>, AppError> {
    use futures_util::StreamExt as _;
    let mime = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| ct.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let mut pairs: Vec<(String, String)> = Vec::new();
    match mime.as_str() {
        "application/x-www-form-urlencoded" => {
            let body = read_limited(payload).await?;
            pairs = serde_urlencoded::from_bytes(&body).map_err(|_| {
                AppError::oauth("invalid_request", "The form body could not be parsed.")
            })?;
        }
        "multipart/form-data" => {
            let mut form = actix_multipart::Multipart::new(req.headers(), payload);
            let mut total = 0usize;
            while let Some(field) = form.next().await {
                let mut field = field.map_err(|_| {
                    AppError::oauth("invalid_request", "The multipart body could not be parsed.")
                })?;
                let name = field.name().unwrap_or_default().to_string();
                let value = field
                    .bytes(crate::startup::BODY_LIMIT)
                    .await
                    .map_err(|_| AppError::PayloadTooLarge)?
                    .map_err(|_| {
                        AppError::oauth(
                            "invalid_request",
                            "The multipart body could not be parsed.",
                        )
                    })?;
                total += name.len() + value.len();
                if total > crate::startup::BODY_LIMIT || pairs.len() >= 32 {
                    return Err(AppError::PayloadTooLarge);
                }
                let value = String::from_utf8(value.to_vec()).map_err(|_| {
                    AppError::oauth(
                        "invalid_request",
                        format!("The {name} parameter is not UTF-8."),
                    )
                })?;
                pairs.push((name, value));
            }
        }
        _ => return Err(AppError::oauth(
            "invalid_request",
            "Send the parameters as application/x-www-form-urlencoded (or multipart/form-data).",
        )),
    }
    let mut params = std::collections::BTreeMap::new();
    for (k, v) in pairs {
        if params.insert(k.clone(), v).is_some() {
            return Err(AppError::oauth(
                "invalid_request",
                format!("The parameter {k} appears more than once."),
            ));
        }
    }
    Ok(params)
}

/// Reads a body of at most [`BODY_LIMIT`](crate::startup::BODY_LIMIT) bytes (413 past it).
async fn read_limited(mut payload: web::Payload) -> Result<web::BytesMut, AppError> {
    use futures_util::StreamExt as _;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|_| AppError::BadRequest("The body could not be read.".into()))?;
        if body.len() + chunk.len() > crate::startup::BODY_LIMIT {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `POST /api/auth/refresh`: `{refresh_token}` → a rotated TokenPair; 401 when unknown,
/// expired, revoked or reused.
#[utoipa::path(
    post,
    path = "/api/auth/refresh",
    tag = "auth",
    request_body = crate::routes::api::openapi::RefreshRequest,
    responses(
        (status = 200, description = "A rotated token pair", body = crate::auth::tokens::TokenPair),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing refresh_token", body = crate::routes::api::openapi::ValidationProblem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this address; see Retry-After", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 400, description = "The body is not valid JSON", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 64 KiB", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json")
    )
)]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, AppError> {
    rate_limit(&state, &req)?;
    let mut f = Fields::new(body.into_inner());
    let presented = f.required("refresh_token");
    f.errors.into_result()?;
    let presented = presented.unwrap_or_default();
    let pair = tokens::rotate(&state, &presented)
        .await?
        .map_err(|r| AppError::Unauthorized(AuthFailure::BadCredentials(r.description().into())))?;
    Ok(token_response(&pair))
}

/// `POST /api/auth/logout`: revokes this access token and its session → 204.
#[utoipa::path(
    post,
    path = "/api/auth/logout",
    tag = "auth",
    responses(
        (status = 204, description = "This token and its session are revoked"),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A cookie-authenticated write without a valid CSRF token", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn logout(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<HttpResponse, AppError> {
    tokens::logout(&state, &auth, tokens::LogoutScope::ThisSession).await?;
    Ok(no_content_clearing(&state, auth.source))
}

/// `POST /api/auth/logout-all`: revokes every token of the user issued until now → 204.
#[utoipa::path(
    post,
    path = "/api/auth/logout-all",
    tag = "auth",
    responses(
        (status = 204, description = "Every token of the user issued until now is revoked"),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A cookie-authenticated write without a valid CSRF token", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn logout_all(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<HttpResponse, AppError> {
    tokens::logout(&state, &auth, tokens::LogoutScope::Everywhere).await?;
    Ok(no_content_clearing(&state, auth.source))
}

fn no_content_clearing(state: &AppState, source: CredentialSource) -> HttpResponse {
    let mut response = HttpResponse::NoContent();
    if source == CredentialSource::Cookie {
        for c in cookies::cleared(state.settings.cookie_secure) {
            response.cookie(c);
        }
    }
    response.finish()
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionBody {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub last_used_at: OffsetDateTime,
    pub user_agent: Option<String>,
    pub current: bool,
}

impl SessionBody {
    pub fn new(s: Session, current_sid: &str) -> Self {
        Self {
            current: s.id == current_sid,
            id: s.id,
            created_at: crate::db::to_utc(s.created_at),
            last_used_at: crate::db::to_utc(s.last_used_at),
            user_agent: s.user_agent,
        }
    }
}

/// `GET /api/auth/sessions`: the user's live sessions, the caller's marked `current`.
#[utoipa::path(
    get,
    path = "/api/auth/sessions",
    tag = "auth",
    responses(
        (status = 200, description = "The user's live sessions", body = Vec<crate::routes::api::auth::SessionBody>),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn list_sessions(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<HttpResponse, AppError> {
    let user_id = auth.user.id;
    let list = state
        .db
        .run(move |conn| Ok(Session::list_active(conn, user_id)?))
        .await?;
    let body: Vec<SessionBody> = list
        .into_iter()
        .map(|s| SessionBody::new(s, &auth.claims.sid))
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body))
}

/// `DELETE /api/auth/sessions/{id}`: revokes that session's refresh family and every access
/// token issued from it → 204; 404 when it is not one of the caller's.
#[utoipa::path(
    delete,
    path = "/api/auth/sessions/{id}",
    tag = "auth",
    params(("id" = String, Path, description = "A session id")),
    responses(
        (status = 204, description = "The session's refresh family and access tokens are revoked"),
        (status = 401, description = "Missing, invalid, expired or revoked token", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A cookie-authenticated write without a valid CSRF token", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session of this user", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn delete_session(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    tokens::revoke_session(&state, auth.user.id, path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /api/auth/csrf`: the session's CSRF token, for scripts that call the API with the
/// browser's cookies (they send it back as `X-CSRF-Token`).
#[utoipa::path(
    get,
    path = "/api/auth/csrf",
    tag = "auth",
    responses(
        (status = 200, description = "The session's CSRF token, for cookie-authenticated writes (send it as X-CSRF-Token)", body = crate::routes::api::auth::CsrfBody)
    )
)]
pub async fn csrf_token(session: CookieSession) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(CsrfBody {
            csrf_token: csrf::token(&session),
            header: csrf::HEADER,
        })
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CsrfBody {
    pub csrf_token: String,
    /// The header to send it in.
    #[schema(example = "X-CSRF-Token")]
    pub header: &'static str,
}

/// RFC 6749 §5.1: the pair, never cached.
pub fn token_response(pair: &tokens::TokenPair) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(pair)
}

/// Counts a login-type attempt from the client's address (429 past the limit).
pub fn rate_limit(state: &AppState, req: &HttpRequest) -> Result<(), AppError> {
    if let (Some(limiter), Some(peer)) = (&state.limiter, req.peer_addr()) {
        limiter.check(peer.ip())?;
    }
    Ok(())
}

pub fn user_agent(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}
