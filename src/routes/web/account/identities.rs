//! /account's "Sign-in providers": link another provider (a trip to it), unlink one unless it
//! is the last way in, and, for an account made through a provider, "Set a password" (part
//! two's reset link, mailed).

use actix_session::Session;
use actix_web::{web, HttpResponse};

use crate::accounts::federation::identities::IdentityView;
use crate::accounts::federation::Purpose;
use crate::audit::{Event, EventKind};
use crate::error::AppError;
use crate::http::client::ClientInfo;
use crate::i18n::{Moment, Shown};
use crate::routes::web::browser_session::go_to_provider;
use crate::routes::web::extract::{Confirm, SignedInForm};
use crate::routes::web::layout::flash;
use crate::routes::web::recent::RecentForm;
use crate::routes::web::{see_other, utc};
use crate::state::AppState;

/// The section as the page shows it.
pub struct ProvidersSection {
    pub linked: Vec<IdentityLine>,
    /// Configured providers this account has no identity of yet: (id, name).
    pub linkable: Vec<(String, String)>,
}

/// A linked identity as the page lists it.
pub struct IdentityLine {
    pub id: i32,
    pub provider_name: String,
    pub email: String,
    pub linked_at: Moment,
    pub last_used_at: Shown,
}

/// The section for `user_id`; `None` when no provider is configured and none is linked.
pub async fn section(state: &AppState, user_id: i32) -> Result<Option<ProvidersSection>, AppError> {
    let accounts = state.accounts();
    let linked = accounts.identities(user_id).await?;
    let configured = accounts.providers.all();
    if configured.is_empty() && linked.is_empty() {
        return Ok(None);
    }
    let linkable = configured
        .iter()
        .filter(|p| !linked.iter().any(|l| l.provider == p.id()))
        .map(|p| (p.id().to_string(), p.name().to_string()))
        .collect();
    let shown = |t: time::OffsetDateTime| utc(crate::db::to_primitive(t));
    let linked = linked
        .into_iter()
        .map(|i: IdentityView| IdentityLine {
            id: i.id,
            provider_name: i.provider_name,
            email: i.email.unwrap_or_default(),
            linked_at: shown(i.linked_at),
            last_used_at: i.last_used_at.map_or("never".into(), |t| shown(t).into()),
        })
        .collect();
    Ok(Some(ProvidersSection { linked, linkable }))
}

/// `POST /account/identities/{provider}/link` (recent sign-in): a trip to the provider whose
/// identity the callback links to this account.
pub async fn link(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    RecentForm { user, .. }: RecentForm<Confirm>,
) -> Result<HttpResponse, AppError> {
    let provider = state
        .accounts()
        .providers
        .get(&path)
        .ok_or(AppError::NotFound)?;
    let purpose = Purpose::Link {
        user_id: user.user.id,
    };
    let back = "/account#providers";
    go_to_provider(&state, &session, provider, purpose, back, back).await
}

/// `POST /account/identities/{id}/unlink` (recent sign-in): refused, with the reason in the
/// section, when it is the last way in.
pub async fn unlink(
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    path: web::Path<i32>,
    RecentForm { user, .. }: RecentForm<Confirm>,
) -> Result<HttpResponse, AppError> {
    match state
        .accounts()
        .unlink_identity(&user.user, path.into_inner(), &client)
        .await
    {
        Ok(()) => flash(
            &session,
            "Unlinked: that provider no longer signs in to this account.",
        ),
        Err(AppError::LastSignInMethod(message)) => flash(&session, message),
        Err(e) => return Err(e),
    }
    Ok(see_other("/account#providers"))
}

/// `POST /account/password/setup`: an account with no password gets part two's reset link,
/// which sets one.
pub async fn set_password(
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    SignedInForm { user, .. }: SignedInForm<Confirm>,
) -> Result<HttpResponse, AppError> {
    let user = &user.user;
    let event = Event::new(EventKind::PasswordResetRequested, &client)
        .user(user.id)
        .actor(user.id);
    match state
        .accounts()
        .send_reset_link(user, &client, event, true)
        .await
    {
        Ok(()) => flash(
            &session,
            format!(
                "We sent a link to {}: follow it to set your password.",
                user.email
            ),
        ),
        Err(AppError::TooManyRequests { .. }) => flash(
            &session,
            "We sent several links within the hour already: use the newest, or try again later.",
        ),
        Err(e) => return Err(e),
    }
    Ok(see_other("/account#password"))
}
