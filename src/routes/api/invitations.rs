//! `/api/admin/invitations`: invitations to register (API.md part three §4). Administrators
//! only, with a recent sign-in, and *session* only: no scoped token reaches them, reading
//! included. The link is only ever mailed; no answer carries it.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::responses::{AdminErrors, BodyErrors};
use crate::accounts::admin::Acting;
use crate::accounts::invitations::{parse_locale, InvitationListParams};
use crate::auth::extract::AdminUser;
use crate::db::invitations::Invitation;
use crate::domain::Email;
use crate::error::{AppError, FieldErrors, Problem};
use crate::http::body::{Field, JsonBody, Null};
use crate::http::client::ClientInfo;
use crate::no_store::NoStore as _;
use crate::state::AppState;

/// A pending invitation (never its token).
#[derive(Serialize, ToSchema)]
pub struct InvitationBody {
    pub id: i32,
    pub email: String,
    /// The administrator's user id; null once their account is deleted.
    pub invited_by: Option<i32>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

impl From<&Invitation> for InvitationBody {
    fn from(i: &Invitation) -> Self {
        Self {
            id: i.id,
            email: i.email.clone(),
            invited_by: i.invited_by,
            created_at: crate::db::to_utc(i.created_at),
            expires_at: crate::db::to_utc(i.expires_at),
        }
    }
}

/// A page of pending invitations, newest first.
#[derive(Serialize, ToSchema)]
pub struct InvitationPage {
    pub items: Vec<InvitationBody>,
    pub next_cursor: Option<String>,
}

/// `POST /api/admin/invitations`.
#[derive(Deserialize, ToSchema)]
pub struct InvitationRequest {
    #[schema(value_type = String, required = true, example = "carol@example.com")]
    #[serde(default)]
    pub email: Field,
    /// The language of the invitation: `en`, `de` or `es`.
    #[schema(value_type = Option<String>, example = "de")]
    #[serde(default)]
    pub locale: Field,
}

/// Invites an address to register; the single-use link goes by mail only.
///
/// A repeat for the same address replaces the pending invitation. The link works
/// `INVITATION_DAYS`; the account it makes gets this address, verified, outside
/// `REGISTRATION_EMAIL_DOMAINS`.
#[utoipa::path(
    post,
    path = "/api/admin/invitations",
    tag = "admin",
    request_body = InvitationRequest,
    responses(
        (status = 201, description = "Invited: the link is on its way", body = InvitationBody),
        (status = 409, description = "The address has an account, or registration is closed", body = Problem, content_type = "application/problem+json"),
        AdminErrors,
        BodyErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientInfo,
    JsonBody(body): JsonBody<InvitationRequest>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let email = body.email.required("email", &mut errors, Email::parse);
    let locale = body
        .locale
        .optional("locale", &mut errors, Null::Absent, parse_locale);
    let (email, locale) = errors.finish(|| Some((email?, locale?)))?;
    let by = Acting::new(&admin.user, &client);
    let invitation = state.accounts().invite(&by, email, locale).await?;
    Ok(HttpResponse::Created()
        .no_store()
        .json(InvitationBody::from(&invitation)))
}

/// Lists the pending invitations (unused, unrevoked, unexpired), newest first.
#[utoipa::path(
    get,
    path = "/api/admin/invitations",
    tag = "admin",
    params(InvitationListParams),
    responses(
        (status = 200, description = "A page of pending invitations, newest first", body = InvitationPage),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
        AdminErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    _: AdminUser,
    params: web::Query<InvitationListParams>,
) -> Result<HttpResponse, AppError> {
    let page = params.parse(&state.cursor_key)?;
    let list = state
        .accounts()
        .pending_invitations(page, &state.cursor_key)
        .await?;
    Ok(HttpResponse::Ok().no_store().json(InvitationPage {
        items: list.items.iter().map(InvitationBody::from).collect(),
        next_cursor: list.next_cursor,
    }))
}

/// Revokes an unused invitation: its link stops working.
#[utoipa::path(
    delete,
    path = "/api/admin/invitations/{id}",
    tag = "admin",
    params(("id" = i32, Path, description = "An invitation id")),
    responses(
        (status = 204, description = "Revoked"),
        AdminErrors
    ),
    security(("bearer" = []), ("oauth2" = []))
)]
pub async fn revoke(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    client: ClientInfo,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let by = Acting::new(&admin.user, &client);
    state
        .accounts()
        .revoke_invitation(&by, path.into_inner())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
