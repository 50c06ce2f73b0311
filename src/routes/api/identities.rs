//! The caller's identities at outside providers (`/api/users/me/identities`, API.md part three
//! section 2): list them, and unlink one unless it is the last way in.

use actix_web::{web, HttpResponse};

use super::responses::{AuthErrors, RecentAuthErrors};
use crate::accounts::federation::identities::IdentityView;
use crate::auth::extract::{AuthUser, RecentAuth};
use crate::error::{AppError, Problem};
use crate::http::client::ClientInfo;
use crate::no_store::NoStore as _;
use crate::state::AppState;

/// The caller's linked sign-in providers, oldest link first.
#[utoipa::path(
    get,
    path = "/api/users/me/identities",
    tag = "users",
    responses(
        (status = 200, description = "The caller's linked identities", body = Vec<IdentityView>),
        AuthErrors
    ),
    security(("bearer" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<HttpResponse, AppError> {
    let identities = state.accounts().identities(auth.user.id).await?;
    Ok(HttpResponse::Ok().no_store().json(identities))
}

/// Unlinks one of the caller's identities (recent sign-in) → 204.
///
/// 409 `/problems/last-sign-in-method` when no password, passkey or other identity would be
/// left; 404 when it is not one of the caller's.
#[utoipa::path(
    delete,
    path = "/api/users/me/identities/{id}",
    tag = "users",
    params(("id" = i32, Path, description = "An identity id")),
    responses(
        (status = 204, description = "Unlinked: that provider signs in no more"),
        (status = 404, description = "No such identity of this user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last way into the account", body = Problem, content_type = "application/problem+json"),
        RecentAuthErrors
    ),
    security(("bearer" = []))
)]
pub async fn unlink(
    client: ClientInfo,
    state: web::Data<AppState>,
    RecentAuth(auth): RecentAuth,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    state
        .accounts()
        .unlink_identity(&auth.user, path.into_inner(), &client)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
