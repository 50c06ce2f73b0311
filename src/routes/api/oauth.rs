//! The standard endpoints for machines: RFC 8414 authorization server metadata, RFC 7009
//! token revocation and RFC 7662 token introspection.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::MFA_OTP_GRANT;
use super::responses::RateLimited;
use crate::accounts::introspection::IntrospectionBody;
use crate::error::{AppError, OAuthBody, Problem};
use crate::http::oauth_form::{required, OAuthForm};
use crate::no_store::NoStore as _;
use crate::state::{AppState, LoginAttempt};

/// RFC 8414 §2: where the endpoints are and what they accept.
#[derive(Serialize, ToSchema)]
pub struct ServerMetadata {
    /// `PUBLIC_URL`; the tokens' own `iss` claim is `JWT_ISSUER`.
    pub issuer: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    pub revocation_endpoint: String,
    pub introspection_endpoint: String,
    pub grant_types_supported: Vec<&'static str>,
    /// Sigil has no authorization endpoint: clients use the password grant.
    pub response_types_supported: Vec<&'static str>,
    pub token_endpoint_auth_methods_supported: Vec<&'static str>,
    pub revocation_endpoint_auth_methods_supported: Vec<&'static str>,
    pub introspection_endpoint_auth_methods_supported: Vec<&'static str>,
    pub service_documentation: String,
}

/// `GET /.well-known/oauth-authorization-server` (RFC 8414).
#[utoipa::path(
    get,
    path = "/.well-known/oauth-authorization-server",
    tag = "tokens",
    responses((status = 200, description = "RFC 8414 authorization server metadata", body = ServerMetadata))
)]
pub async fn metadata(state: web::Data<AppState>) -> HttpResponse {
    let base = state.settings.mail.public_url.trim_end_matches('/');
    let at = |path: &str| format!("{base}{path}");
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .json(ServerMetadata {
            issuer: base.to_string(),
            token_endpoint: at("/api/auth/token"),
            jwks_uri: at("/.well-known/jwks.json"),
            revocation_endpoint: at("/api/auth/revoke"),
            introspection_endpoint: at("/api/auth/introspect"),
            grant_types_supported: vec!["password", "refresh_token", MFA_OTP_GRANT],
            response_types_supported: Vec::new(),
            token_endpoint_auth_methods_supported: vec!["none"],
            revocation_endpoint_auth_methods_supported: vec!["none"],
            introspection_endpoint_auth_methods_supported: vec!["client_secret_basic"],
            service_documentation: at("/docs"),
        })
}

/// The form of `POST /api/auth/revoke` and `POST /api/auth/introspect`.
#[derive(Deserialize, ToSchema)]
pub struct TokenParam {
    /// An access token or a refresh token.
    #[schema(value_type = String, required = true)]
    #[serde(default)]
    pub token: Option<String>,
    /// `access_token` or `refresh_token`; a hint only (both kinds are looked for).
    #[serde(default)]
    pub token_type_hint: Option<String>,
}

/// `POST /api/auth/revoke` (RFC 7009): form `token` → 200, also for a token Sigil does not
/// know (the answer says nothing about the token). A refresh token ends its session; an
/// access token only itself.
#[utoipa::path(
    post,
    path = "/api/auth/revoke",
    tag = "auth",
    request_body(content = TokenParam, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Revoked, or nothing to revoke"),
        (status = 400, description = "invalid_request: no token", body = OAuthBody),
        RateLimited
    )
)]
pub async fn revoke(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    OAuthForm(form): OAuthForm<TokenParam>,
) -> Result<HttpResponse, AppError> {
    let token = required(form.token, "token")?;
    state.accounts().revoke_token(&token, &client).await?;
    Ok(HttpResponse::Ok().no_store().finish())
}

/// `POST /api/auth/introspect` (RFC 7662): HTTP Basic credentials of an
/// `INTROSPECTION_CLIENTS` entry, form `token` → `{active, …}`; `{"active": false}` for
/// anything not currently valid.
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
    if !client_authenticated(&req, &state) {
        return Ok(HttpResponse::Unauthorized()
            .insert_header((
                header::WWW_AUTHENTICATE,
                r#"Basic realm="sigil introspection""#,
            ))
            .no_store()
            .json(OAuthBody {
                error: "invalid_client",
                error_description: "Introspection needs the HTTP Basic credentials of a client \
                                    listed in INTROSPECTION_CLIENTS.",
                mfa_token: None,
            }));
    }
    let token = required(form.token, "token")?;
    let body = state.accounts().introspect(&token).await?;
    Ok(HttpResponse::Ok().no_store().json(body))
}

/// Whether the request carries `Authorization: Basic` credentials of a listed client.
fn client_authenticated(req: &HttpRequest, state: &AppState) -> bool {
    let Some(value) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some(encoded) = value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .map(|(_, rest)| rest.trim())
    else {
        return false;
    };
    let Some(decoded) = STANDARD
        .decode(encoded)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
    else {
        return false;
    };
    match decoded.split_once(':') {
        Some((name, secret)) => state.settings.introspection_clients.check(name, secret),
        None => false,
    }
}
