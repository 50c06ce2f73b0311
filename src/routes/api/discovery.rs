//! Where the endpoints are and what they accept, for machines: OpenID Connect Discovery 1.0 and
//! RFC 8414 authorization server metadata, one object at both addresses (RFC 8414 §3).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::auth::MFA_OTP_GRANT;
use crate::auth::scopes::{Scope, OIDC_SCOPES};
use crate::config::Settings;
use crate::db::clients::{AUTHORIZATION_CODE, DEVICE_CODE, REFRESH_TOKEN};
use crate::error::{AppError, Problem};
use crate::state::AppState;

/// Discovery 1.0 §3 and RFC 8414 §2. The fields marked *provider* are there only while the
/// OpenID provider is on (API.md part three, section 1); with it off, the authorization server
/// metadata keeps part two's first-party fields.
#[derive(Serialize, ToSchema)]
pub struct ServerMetadata {
    /// `PUBLIC_URL` without its trailing `/`: the `iss` of id_tokens and client access tokens
    /// (first-party tokens keep `JWT_ISSUER`).
    pub issuer: String,
    /// *Provider*: the authorization code flow (`GET` or `POST`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: String,
    /// *Provider*: claims of a client access token with `openid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: String,
    /// *Provider*: RP-initiated logout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_session_endpoint: Option<String>,
    /// *Provider*: RFC 8628.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_authorization_endpoint: Option<String>,
    pub revocation_endpoint: String,
    pub introspection_endpoint: String,
    /// *Provider*: the OpenID Connect scopes, then the API scopes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes_supported: Option<Vec<&'static str>>,
    /// `["code"]`; empty while the provider is off (no authorization endpoint).
    pub response_types_supported: Vec<&'static str>,
    /// *Provider*.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_modes_supported: Option<Vec<&'static str>>,
    pub grant_types_supported: Vec<&'static str>,
    /// *Provider*.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_types_supported: Option<Vec<&'static str>>,
    /// *Provider*.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token_signing_alg_values_supported: Option<Vec<&'static str>>,
    /// *Provider*: PKCE is required of every client, with S256.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_challenge_methods_supported: Option<Vec<&'static str>>,
    pub token_endpoint_auth_methods_supported: Vec<&'static str>,
    pub revocation_endpoint_auth_methods_supported: Vec<&'static str>,
    pub introspection_endpoint_auth_methods_supported: Vec<&'static str>,
    /// *Provider*.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_types_supported: Option<Vec<&'static str>>,
    /// *Provider*: what id_tokens and userinfo may hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims_supported: Option<Vec<&'static str>>,
    /// *Provider*.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_values_supported: Option<Vec<&'static str>>,
    /// *Provider*: the pages' languages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ui_locales_supported: Option<Vec<&'static str>>,
    /// *Provider*: `false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims_parameter_supported: Option<bool>,
    /// *Provider*: `false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_parameter_supported: Option<bool>,
    /// *Provider*: `false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_uri_parameter_supported: Option<bool>,
    /// *Provider*: RFC 9207, `iss` in every authorization response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_response_iss_parameter_supported: Option<bool>,
    /// *Provider*: `true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backchannel_logout_supported: Option<bool>,
    /// *Provider*: `true` (logout tokens carry `sid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backchannel_logout_session_supported: Option<bool>,
    /// *Provider*: `false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frontchannel_logout_supported: Option<bool>,
    pub service_documentation: String,
}

/// The claims of id_tokens (OIDC Core §2, §5.1) and userinfo, by scope.
const CLAIMS: [&str; 14] = [
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "amr",
    "sid",
    "at_hash",
    "preferred_username",
    "updated_at",
    "email",
    "email_verified",
];

impl ServerMetadata {
    /// The metadata for these settings: the provider's fields while it is on.
    pub fn of(settings: &Settings) -> Self {
        let provider = settings.oidc.enabled();
        let base = settings.oidc.issuer.trim_end_matches('/');
        let at = |path: &str| format!("{base}{path}");
        let on = |path: &str| provider.then(|| at(path));
        let when = |values: Vec<&'static str>| provider.then_some(values);
        let flag = |value: bool| provider.then_some(value);
        // Only what is built is advertised: a stock client takes discovery at its word.
        // Back-channel logout is not built yet (issue 28's note), and the pages speak English
        // only until issue 32.
        let mut grants = Vec::new();
        if provider {
            grants.extend([AUTHORIZATION_CODE, DEVICE_CODE]);
        }
        grants.extend(["password", REFRESH_TOKEN, MFA_OTP_GRANT]);
        Self {
            issuer: base.to_string(),
            authorization_endpoint: on("/oauth/authorize"),
            token_endpoint: at("/api/auth/token"),
            userinfo_endpoint: on("/oauth/userinfo"),
            jwks_uri: at("/.well-known/jwks.json"),
            end_session_endpoint: on("/oauth/logout"),
            device_authorization_endpoint: on("/api/auth/device"),
            revocation_endpoint: at("/api/auth/revoke"),
            introspection_endpoint: at("/api/auth/introspect"),
            scopes_supported: provider.then(|| {
                OIDC_SCOPES
                    .into_iter()
                    .chain(Scope::ALL.into_iter().map(Scope::as_str))
                    .collect()
            }),
            response_types_supported: if provider { vec!["code"] } else { Vec::new() },
            response_modes_supported: when(vec!["query"]),
            grant_types_supported: grants,
            subject_types_supported: when(vec!["public"]),
            id_token_signing_alg_values_supported: when(vec!["RS256"]),
            code_challenge_methods_supported: when(vec!["S256"]),
            token_endpoint_auth_methods_supported: if provider {
                vec!["client_secret_basic", "client_secret_post", "none"]
            } else {
                vec!["none"]
            },
            revocation_endpoint_auth_methods_supported: vec!["none"],
            introspection_endpoint_auth_methods_supported: vec!["client_secret_basic"],
            claim_types_supported: when(vec!["normal"]),
            claims_supported: when(CLAIMS.to_vec()),
            prompt_values_supported: when(vec!["none", "login", "consent"]),
            ui_locales_supported: when(crate::i18n::Locale::ALL.iter().map(|l| l.tag()).collect()),
            claims_parameter_supported: flag(false),
            request_parameter_supported: flag(false),
            request_uri_parameter_supported: flag(false),
            authorization_response_iss_parameter_supported: flag(true),
            backchannel_logout_supported: flag(true),
            backchannel_logout_session_supported: flag(true),
            frontchannel_logout_supported: flag(false),
            service_documentation: at("/docs"),
        }
    }
}

/// Public, cacheable for five minutes, readable by any origin (a browser client discovers the
/// provider).
fn published(metadata: ServerMetadata) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .json(metadata)
}

/// The OpenID provider's configuration (Discovery 1.0); `404` while the provider is off.
#[utoipa::path(
    get,
    path = "/.well-known/openid-configuration",
    tag = "tokens",
    responses(
        (status = 200, description = "OpenID Connect Discovery 1.0 provider metadata (the same object as /.well-known/oauth-authorization-server)", body = ServerMetadata),
        (status = 404, description = "The OpenID provider is off (PUBLIC_URL is http:// to a host that is not loopback)", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn openid_configuration(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    if !state.settings.oidc.enabled() {
        return Err(AppError::NotFound);
    }
    Ok(published(ServerMetadata::of(&state.settings)))
}

/// The authorization server's metadata (RFC 8414).
///
/// The OpenID configuration while the provider is on; the first-party endpoints otherwise.
#[utoipa::path(
    get,
    path = "/.well-known/oauth-authorization-server",
    tag = "tokens",
    responses((status = 200, description = "RFC 8414 authorization server metadata", body = ServerMetadata))
)]
pub async fn authorization_server(state: web::Data<AppState>) -> HttpResponse {
    published(ServerMetadata::of(&state.settings))
}
