//! The public keys.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::auth::tokens::Tokens;
use crate::error::AppError;
use crate::oidc::keys::OidcKeys;

/// The RFC 7517 JWK Set of public verification keys.
///
/// The access-token keys (none under HS256, whose key is secret), then the OpenID provider's
/// RS256 key of id_tokens and logout tokens, under every algorithm (once, when it is the
/// access-token key too).
#[utoipa::path(
    get,
    path = "/.well-known/jwks.json",
    tag = "tokens",
    responses(
        (status = 200, description = "RFC 7517 JWK Set: the access-token verification keys (none under HS256) and the RS256 id_token key", body = Object, content_type = "application/jwk-set+json")
    )
)]
pub async fn jwks(
    tokens: web::Data<Tokens>,
    oidc_keys: web::Data<OidcKeys>,
) -> Result<HttpResponse, AppError> {
    let mut keys: Vec<serde_json::Value> = if tokens.keys.algorithm.is_symmetric() {
        Vec::new()
    } else {
        tokens.keys.public_jwks()
    };
    let oidc = oidc_keys.current().await?;
    if !keys.iter().any(|k| k["kid"] == oidc.kid.as_str()) {
        keys.push(oidc.jwk());
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .content_type("application/jwk-set+json")
        .json(serde_json::json!({ "keys": keys })))
}
