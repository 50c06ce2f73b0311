//! `/oauth/userinfo` (OIDC Core §5.3): the signed-in user's claims, by the scope of a client's
//! access token.

use actix_web::{HttpRequest, HttpResponse};

use crate::auth::credentials::{self, CredentialSource};
use crate::auth::extract::{app_data, authenticate, Caller};
use crate::error::{AppError, AuthFailure};
use crate::no_store::NoStore as _;
use crate::oidc::id_token::user_claims;
use crate::oidc::Provider;

/// The user's claims for a client's access token whose scope holds `openid`.
///
/// `Authorization: Bearer` only. A PAT, a first-party token, or a client token without
/// `openid` → `403 insufficient_scope`.
#[utoipa::path(
    get,
    path = "/oauth/userinfo",
    tag = "oidc",
    responses(
        (status = 200, description = "`{sub, …}`: `preferred_username` and `updated_at` with `profile`, `email` and `email_verified` with `email`", body = Object),
        (status = 401, description = "No token, or a bad, expired or revoked one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "insufficient_scope: not a client's token with openid", body = crate::error::Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
pub async fn userinfo(req: HttpRequest) -> Result<HttpResponse, AppError> {
    if !app_data::<Provider>(&req).is_ok_and(|p| p.enabled) {
        return Err(AppError::NotFound);
    }
    // Only the Authorization header carries the token here: a cookie is no credential.
    let from_header = credentials::find(&req).is_some_and(|c| c.source == CredentialSource::Bearer);
    if !from_header {
        return Err(AppError::Unauthorized(AuthFailure::Missing));
    }
    let caller = authenticate(&req)
        .await?
        .ok_or(AppError::Unauthorized(AuthFailure::Missing))?;
    let Caller::Client(client) = caller else {
        return Err(AppError::InsufficientScope { scope: "openid" });
    };
    let scope = client.auth.claims.scope.as_deref().unwrap_or_default();
    if !scope.split(' ').any(|s| s == "openid") {
        return Err(AppError::InsufficientScope { scope: "openid" });
    }
    let claims = user_claims(&client.auth.user, scope.split(' '));
    Ok(HttpResponse::Ok().no_store().json(claims))
}
