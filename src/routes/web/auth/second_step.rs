//! `/login/mfa`: the second step of a sign-in with two-step sign-in on. The login form kept
//! the `mfa_token` and where to go next in the signed cookie session; a code from the app or
//! a recovery code finishes the sign-in.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::accounts::mfa::SecondFactorError;
use crate::accounts::SignInRefusal;
use crate::auth::totp::FactorCode;
use crate::error::AppError;
use crate::no_store::NoStore as _;
use crate::routes::web::browser_session::{
    allow_form_to_app, app_waiting, welcome, MFA_NEXT_KEY, MFA_TOKEN_KEY,
};
use crate::routes::web::extract::{Confirm, CsrfForm};
use crate::routes::web::layout::{flash_error, Chrome};
use crate::routes::web::{render, safe_next, see_other, with_retry_after};
use crate::state::{AppState, LoginAttempt};

#[derive(Template)]
#[template(path = "auth/mfa.html")]
struct CodePage {
    chrome: Chrome,
    error: Option<String>,
    /// Whether to offer the user's passkey (shown by the script where the browser can).
    passkey: bool,
}

async fn code_page(
    state: &AppState,
    session: &Session,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let passkey = match waiting(session) {
        Some(token) => state.accounts().second_step_passkey(&token).await?,
        None => false,
    };
    let page = CodePage {
        chrome: Chrome::new(session, "Two-step sign-in", None),
        error,
        passkey,
    };
    let mut response = render(&page, status)?;
    // The sign-in may end at an app waiting for it: its form may redirect there.
    let next = session.get::<String>(MFA_NEXT_KEY).ok().flatten();
    let app = match next {
        Some(next) => app_waiting(state, &safe_next(Some(&next))).await,
        None => None,
    };
    allow_form_to_app(&mut response, app.as_ref());
    Ok(response)
}

/// The sign-in waiting in this browser's session, if any.
fn waiting(session: &Session) -> Option<String> {
    session.get::<String>(MFA_TOKEN_KEY).ok().flatten()
}

/// Back to the login form with `message`: the waiting sign-in is over.
fn start_again(session: &Session, message: &str) -> HttpResponse {
    session.remove(MFA_TOKEN_KEY);
    session.remove(MFA_NEXT_KEY);
    flash_error(session, message);
    see_other("/login")
}

/// What a sign-in whose `mfa_token` is gone (or was never there) gets: the refusal's words.
fn expired() -> String {
    SignInRefusal::BadMfaToken.page_sentence()
}

/// `GET /login/mfa`.
pub async fn form(state: web::Data<AppState>, session: Session) -> Result<HttpResponse, AppError> {
    if waiting(&session).is_none() {
        return Ok(start_again(&session, &expired()));
    }
    code_page(&state, &session, None, StatusCode::OK).await
}

/// `POST /login/mfa/options`: for the script, the options that let the browser use a passkey
/// of the waiting sign-in's user (JSON, as `POST /api/auth/passkey/options` gives them).
pub async fn passkey_options(
    LoginAttempt(_): LoginAttempt,
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(_): CsrfForm<Confirm>,
) -> Result<HttpResponse, AppError> {
    // Not a redirect: the script fetches this. Its fallback (the form, sent as it is) then
    // finds the sign-in over and goes back to the login form with the message.
    let Some(mfa_token) = waiting(&session) else {
        return Err(AppError::Conflict(expired()));
    };
    let options = state
        .accounts()
        .passkey_request_options(Some(&mfa_token))
        .await?;
    Ok(HttpResponse::Ok().no_store().json(&options))
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    pub code: String,
    /// In place of a code: the passkey answer the script put here.
    #[serde(default)]
    pub assertion: String,
}

/// `POST /login/mfa`: a right code starts the session (a fresh cookie session, both token
/// cookies, 303 to the kept `next`); a wrong one shows the form again with the tries left
/// (401); a used, expired or worn-out sign-in goes back to the login form.
pub async fn verify(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let Some(mfa_token) = waiting(&session) else {
        return Ok(start_again(&session, &expired()));
    };
    let accounts = state.accounts();
    let finished = if form.assertion.trim().is_empty() {
        let code = match FactorCode::parse(&form.code) {
            Ok(code) => code,
            Err(m) => {
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                return code_page(&state, &session, Some(m), status).await;
            }
        };
        accounts
            .complete_second_factor(&mfa_token, code, &client)
            .await
    } else {
        let Ok(assertion) = serde_json::from_str(&form.assertion) else {
            let message =
                "Your browser's passkey answer could not be read: try again, or enter a code.";
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return code_page(&state, &session, Some(message.into()), status).await;
        };
        accounts
            .complete_second_factor_with_passkey(&mfa_token, assertion, &client)
            .await
    };
    let started = match finished {
        Ok(started) => started,
        Err(SecondFactorError::Refused(refusal)) if refusal.ends_the_sign_in() => {
            return Ok(start_again(&session, &refusal.page_sentence()))
        }
        Err(SecondFactorError::Refused(refusal)) => {
            let message = Some(refusal.page_sentence());
            let page = code_page(&state, &session, message, refusal.status()).await?;
            return Ok(with_retry_after(page, refusal.retry_after()));
        }
        Err(SecondFactorError::App(e)) => return Err(e),
    };
    let next = session
        .get::<String>(MFA_NEXT_KEY)
        .ok()
        .flatten()
        .unwrap_or_default();
    let next = safe_next(Some(&next));
    session.remove(MFA_TOKEN_KEY);
    session.remove(MFA_NEXT_KEY);
    Ok(welcome(&state, &session, &started, &next))
}
