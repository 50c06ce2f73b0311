//! The standard endpoints for machines: RFC 7009 token revocation and RFC 7662 token
//! introspection (the metadata that names them is `discovery`).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::Deserialize;
use utoipa::ToSchema;

use super::client_auth::{self, Presented};
use super::responses::RateLimited;
use crate::accounts::introspection::IntrospectionBody;
use crate::error::{AppError, OAuthBody, Problem};
use crate::http::oauth_form::{required, OAuthForm};
use crate::no_store::NoStore as _;
use crate::state::{AppState, LoginAttempt};

/// The form of `POST /api/auth/revoke` and `POST /api/auth/introspect`.
#[derive(Deserialize, ToSchema)]
pub struct TokenParam {
    /// An access token, a refresh token or a personal access token.
    #[schema(value_type = String, required = true)]
    #[serde(default)]
    pub token: Option<String>,
    /// `access_token` or `refresh_token`; a hint only (both kinds are looked for).
    #[serde(default)]
    pub token_type_hint: Option<String>,
    /// An OAuth client's id (revocation: `client_secret_post`, or a public client); checked
    /// when sent.
    #[serde(default)]
    pub client_id: Option<String>,
    /// A confidential OAuth client's secret (revocation, `client_secret_post`).
    #[serde(default)]
    pub client_secret: Option<String>,
}

/// Revokes a token (RFC 7009): always 200.
///
/// Also for a token Sigil does not know (the answer says nothing about the token). A refresh token
/// ends its session; an access token only itself.
#[utoipa::path(
    post,
    path = "/api/auth/revoke",
    tag = "auth",
    request_body(content = TokenParam, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Revoked, or nothing to revoke"),
        (status = 400, description = "invalid_request: no token", body = OAuthBody),
        (status = 401, description = "invalid_client: Basic credentials were sent and are wrong", body = OAuthBody),
        RateLimited
    )
)]
pub async fn revoke(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    req: HttpRequest,
    OAuthForm(form): OAuthForm<TokenParam>,
) -> Result<HttpResponse, AppError> {
    // No client credentials are needed (whoever holds a token may end it, as a secret
    // scanner does), but credentials that are sent must be right.
    // An introspection client's Basic credentials, or an OAuth client's (RFC 7009 §2.1, any
    // method the token endpoint takes): checked when sent, never required.
    if client_credentials(&req, &state) != Some(true) {
        let presented = Presented {
            client_id: form.client_id.as_deref(),
            client_secret: form.client_secret.as_deref(),
            assertion: false,
        };
        if client_auth::any(&req, &presented) {
            client_auth::authenticate(&req, &state.db, &presented).await?;
        }
    }
    let token = required(form.token, "token")?;
    state.accounts().revoke_token(&token, &client).await?;
    Ok(HttpResponse::Ok().no_store().finish())
}

/// Says whether a token is active (RFC 7662), for resource servers.
///
/// HTTP Basic credentials of an `INTROSPECTION_CLIENTS` entry, form `token` → `{active, …}`;
/// `{"active": false}` for anything not currently valid.
#[utoipa::path(
    post,
    path = "/api/auth/introspect",
    tag = "auth",
    request_body(content = TokenParam, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "RFC 7662 §2.2 introspection response", body = IntrospectionBody),
        (status = 400, description = "invalid_request: no token", body = OAuthBody),
        (status = 401, description = "invalid_client: missing or wrong Basic credentials", body = OAuthBody),
        (status = 413, description = "The body is larger than 128 KiB", body = Problem, content_type = "application/problem+json")
    ),
    security(("introspection" = []))
)]
pub async fn introspect(
    req: HttpRequest,
    state: web::Data<AppState>,
    OAuthForm(form): OAuthForm<TokenParam>,
) -> Result<HttpResponse, AppError> {
    if client_credentials(&req, &state) != Some(true) {
        return Ok(invalid_client(
            "Introspection needs the HTTP Basic credentials of a client listed in \
             INTROSPECTION_CLIENTS.",
        ));
    }
    let token = required(form.token, "token")?;
    let body = state.accounts().introspect(&token).await?;
    Ok(HttpResponse::Ok().no_store().json(body))
}

/// RFC 6749 §5.2 `invalid_client`, with the Basic challenge.
fn invalid_client(description: &'static str) -> HttpResponse {
    HttpResponse::Unauthorized()
        .insert_header((header::WWW_AUTHENTICATE, r#"Basic realm="sigil""#))
        .no_store()
        .json(OAuthBody {
            error: "invalid_client",
            error_description: description,
            mfa_token: None,
        })
}

/// The request's `Authorization: Basic` client credentials: `None` when it sends none,
/// else whether they are those of a listed client (unreadable ones are wrong ones).
fn client_credentials(req: &HttpRequest, state: &AppState) -> Option<bool> {
    let value = req.headers().get(header::AUTHORIZATION)?;
    let value = value.to_str().unwrap_or("");
    let (scheme, encoded) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    Some(match decoded.as_deref().and_then(|d| d.split_once(':')) {
        Some((name, secret)) => state.settings.introspection_clients.check(name, secret),
        None => false,
    })
}
