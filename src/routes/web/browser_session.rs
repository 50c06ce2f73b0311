//! What a browser gets when a sign-in ends or it logs out: a fresh cookie session (no
//! fixation, a new CSRF token), the flash, the token cookies set or cleared, and where to go.
//! Every way of signing in on the pages ends here, whichever page group it starts in.

use actix_session::Session;
use actix_web::HttpResponse;

use crate::accounts::sessions::StartedSession;
use crate::auth::tokens::TokenPair;
use crate::auth::{cookies, csrf};
use crate::error::AppError;
use crate::routes::web::layout::flash;
use crate::routes::web::see_other;
use crate::state::AppState;

/// The end of a sign-in that finished after the login form (a second step, a passkey): a
/// fresh cookie session (no fixation), "Welcome back", both token cookies, and a 303 to
/// `next`.
pub fn welcome(
    state: &AppState,
    session: &Session,
    started: &StartedSession,
    next: &str,
) -> HttpResponse {
    let message = format!("Welcome back, {}.", started.user.username);
    start_session(state, session, &started.pair, next, message)
}

/// A signed-in browser's start: a fresh cookie session (no fixation), `message` as its flash,
/// both token cookies, and a 303 to `next`.
pub fn start_session(
    state: &AppState,
    session: &Session,
    pair: &TokenPair,
    next: &str,
    message: String,
) -> HttpResponse {
    afresh_keeping_pending(session);
    flash(session, message);
    let mut response = see_other(next);
    cookies::set_login(&mut response, pair, state.tokens.secure_cookies);
    response
}

/// A fresh cookie session at a sign-in (no fixation, a new CSRF token) that keeps the
/// identity a provider vouched for in this browser: "Sign in to link" goes on after it.
pub fn afresh_keeping_pending(session: &Session) {
    let pending: Option<String> = session.get(PROVIDER_PENDING_KEY).ok().flatten();
    csrf::start_afresh(session);
    if let Some(pending) = pending {
        if let Err(e) = session.insert(PROVIDER_PENDING_KEY, pending) {
            log::warn!("cannot keep the pending identity in the session: {e}");
        }
    }
}

/// Where the cookie session keeps a sign-in waiting for its second factor.
pub const MFA_TOKEN_KEY: &str = "mfa_token";
/// Where to go once the second factor is given.
pub const MFA_NEXT_KEY: &str = "mfa_next";

/// Where the cookie session keeps the `state` of a trip to an outside provider: the callback
/// must come back to the browser that left.
pub const PROVIDER_STATE_KEY: &str = "provider_state";
/// Where it keeps an identity a provider vouched for that waits for a username or a link.
pub const PROVIDER_PENDING_KEY: &str = "provider_pending";

/// Begins a trip for `purpose` and sends the browser off; a refusal goes to `back` with its
/// sentence. Shared by sign-in, linking (/account) and "Confirm it's you".
pub async fn go_to_provider(
    state: &AppState,
    session: &Session,
    provider: &crate::federation::Provider,
    purpose: crate::accounts::federation::Purpose,
    next: &str,
    back: &str,
) -> Result<HttpResponse, AppError> {
    let begun = state
        .accounts()
        .begin_provider_flow(provider, purpose, next)
        .await?;
    match begun {
        Ok(begun) => {
            session
                .insert(PROVIDER_STATE_KEY, &begun.state)
                .map_err(AppError::internal)?;
            Ok(see_other(&begun.url))
        }
        Err(refused) => {
            flash(session, refused.sentence(provider.name()));
            Ok(see_other(back))
        }
    }
}

/// After a logout: a fresh cookie session with `message`, both token cookies cleared, and a
/// 303 to the login page.
pub fn logged_out(session: &Session, message: &str, secure_cookies: bool) -> HttpResponse {
    csrf::start_afresh(session);
    flash(session, message);
    let mut response = see_other("/login");
    cookies::clear(&mut response, secure_cookies);
    response
}

/// An app waiting for this sign-in: a `next` that continues an authorization request.
#[derive(Clone, Debug)]
pub struct AppWaiting {
    pub client_name: String,
    /// Where the flow ends: the sign-in form's CSP must let its redirects go there.
    pub redirect_uri: String,
}

/// The app a sign-in will continue to, when `next` is a live authorization request
/// (`/oauth/authorize/{id}`): the page says "Sign in to continue to {client_name}".
pub async fn app_waiting(state: &AppState, next: &str) -> Option<AppWaiting> {
    let id = next.strip_prefix("/oauth/authorize/")?;
    let well_formed = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !well_formed {
        return None;
    }
    let continued = state
        .accounts()
        .continue_authorization(id, None)
        .await
        .ok()??;
    Some(AppWaiting {
        client_name: continued.client.client_name,
        redirect_uri: continued.request.redirect_uri,
    })
}

/// Lets a sign-in form's redirects end at the waiting app (Chrome applies CSP `form-action`
/// to the redirects after a form).
pub fn allow_form_to_app(response: &mut HttpResponse, app: Option<&AppWaiting>) {
    if let Some(app) = app {
        allow_form_to(response, &app.redirect_uri);
    }
}

/// Lets a page's forms end, after Sigil's redirects, at `uri` (an app's registered redirect):
/// the pages' CSP with that origin (or private-use scheme) added to `form-action`.
pub fn allow_form_to(response: &mut HttpResponse, uri: &str) {
    if let Some(csp) = crate::http::headers::csp_with_form_action(uri) {
        if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&csp) {
            response
                .headers_mut()
                .insert(actix_web::http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

/// Lets a page's forms go on, through Sigil's redirect, to the outside providers (linking
/// from /account, "Confirm with …"): Chrome applies `form-action` to every redirect after a
/// form is sent.
pub fn allow_forms_to_providers(response: &mut HttpResponse, state: &AppState) {
    let targets: Vec<String> = state
        .accounts()
        .providers
        .all()
        .iter()
        .map(|p| p.form_target())
        .collect();
    if targets.is_empty() {
        return;
    }
    let targets: Vec<&str> = targets.iter().map(String::as_str).collect();
    if let Some(csp) = crate::http::headers::csp_with_form_actions(&targets) {
        if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&csp) {
            response
                .headers_mut()
                .insert(actix_web::http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}
