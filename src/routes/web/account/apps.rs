//! "Apps with access" on `/account`: each app the user let in or that holds a live session of
//! theirs, and taking its access back.

use actix_session::Session;
use actix_web::{web, HttpResponse};

use crate::accounts::apps_access::AppAccess;
use crate::error::AppError;
use crate::http::client::ClientInfo;
use crate::i18n::Shown;
use crate::routes::web::extract::{Confirm, SignedInForm};
use crate::routes::web::layout::flash;
use crate::routes::web::{see_other, utc};
use crate::state::AppState;

/// An app as the account page lists it.
pub struct AppLine {
    pub client_id: String,
    pub name: String,
    /// What it may do, each scope in words.
    pub scopes: Vec<String>,
    pub consented_at: Shown,
    pub last_used_at: Shown,
    pub live_sessions: i64,
}

impl From<AppAccess> for AppLine {
    fn from(app: AppAccess) -> Self {
        Self {
            scopes: app.scopes_in_words(),
            consented_at: app
                .consented_at
                .map_or("never asked (a first-party app)".into(), |t| utc(t).into()),
            last_used_at: app.last_used_at.map_or("never".into(), |t| utc(t).into()),
            live_sessions: app.live_sessions,
            client_id: app.client_id,
            name: app.client_name,
        }
    }
}

/// The account page's list.
pub(super) async fn lines(state: &AppState, user_id: i32) -> Result<Vec<AppLine>, AppError> {
    let apps = state.accounts().apps_with_access(user_id).await?;
    Ok(apps.into_iter().map(AppLine::from).collect())
}

/// `POST /account/apps/{client_id}/revoke`: the consent goes and the app's sessions end; 404
/// when the app has no access.
pub async fn revoke(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    client: ClientInfo,
    SignedInForm { user: auth, .. }: SignedInForm<Confirm>,
) -> Result<HttpResponse, AppError> {
    let client_id = path.into_inner();
    let name = state
        .accounts()
        .apps_with_access(auth.user.id)
        .await?
        .into_iter()
        .find(|a| a.client_id == client_id)
        .map_or_else(|| client_id.clone(), |a| a.client_name);
    state
        .accounts()
        .revoke_app(auth.user.id, &client_id, &client)
        .await?;
    flash(
        &session,
        format!("Access revoked: \u{201c}{name}\u{201d} is signed out and will ask again."),
    );
    Ok(see_other("/account#apps"))
}
