//! The public keys.

use actix_web::{web, HttpResponse};

use crate::auth::tokens::Tokens;

/// The RFC 7517 JWK Set of public verification keys; empty under HS256, whose key is secret.
#[utoipa::path(
    get,
    path = "/.well-known/jwks.json",
    tag = "tokens",
    responses(
        (status = 200, description = "RFC 7517 JWK Set of the public verification keys (empty under HS256)", body = Object, content_type = "application/jwk-set+json")
    )
)]
pub async fn jwks(tokens: web::Data<Tokens>) -> HttpResponse {
    let keys: Vec<serde_json::Value> = if tokens.keys.algorithm.is_symmetric() {
        Vec::new()
    } else {
        tokens.keys.public_jwks()
    };
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=300"))
        .content_type("application/jwk-set+json")
        .json(serde_json::json!({ "keys": keys }))
}
