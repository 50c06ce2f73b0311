//! What a browser gets when a sign-in ends or it logs out: a fresh cookie session (no
//! fixation, a new CSRF token), the flash, the token cookies set or cleared, and where to go.
//! Every way of signing in on the pages ends here, whichever page group it starts in.

use actix_session::Session;
use actix_web::HttpResponse;

use crate::accounts::sessions::StartedSession;
use crate::auth::tokens::TokenPair;
use crate::auth::{cookies, csrf};
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
    csrf::start_afresh(session);
    flash(session, message);
    let mut response = see_other(next);
    cookies::set_login(&mut response, pair, state.tokens.secure_cookies);
    response
}

/// Where the cookie session keeps a sign-in waiting for its second factor.
pub const MFA_TOKEN_KEY: &str = "mfa_token";
/// Where to go once the second factor is given.
pub const MFA_NEXT_KEY: &str = "mfa_next";

/// After a logout: a fresh cookie session with `message`, both token cookies cleared, and a
/// 303 to the login page.
pub fn logged_out(session: &Session, message: &str, secure_cookies: bool) -> HttpResponse {
    csrf::start_afresh(session);
    flash(session, message);
    let mut response = see_other("/login");
    cookies::clear(&mut response, secure_cookies);
    response
}
