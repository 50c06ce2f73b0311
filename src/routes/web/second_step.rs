//! `/login/mfa`: the second step of a sign-in with two-step sign-in on. The login form kept
//! the `mfa_token` and where to go next in the signed cookie session; a code from the app or
//! a recovery code finishes the sign-in.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::auth::{MFA_NEXT_KEY, MFA_TOKEN_KEY};
use super::extract::CsrfForm;
use super::layout::{flash, flash_error, Chrome};
use super::{render, safe_next, see_other};
use crate::accounts::mfa::SecondFactorError;
use crate::auth::cookies;
use crate::auth::totp::FactorCode;
use crate::error::AppError;
use crate::state::{AppState, LoginAttempt};

#[derive(Template)]
#[template(path = "auth/mfa.html")]
struct CodePage {
    chrome: Chrome,
    error: Option<String>,
}

fn code_page(
    session: &Session,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let page = CodePage {
        chrome: Chrome::new(session, "Two-step sign-in", None),
        error,
    };
    render(&page, status)
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

const EXPIRED: &str =
    "Your sign-in has expired or was already used (it lasts five minutes): sign in again.";

/// `GET /login/mfa`.
pub async fn form(session: Session) -> Result<HttpResponse, AppError> {
    if waiting(&session).is_none() {
        return Ok(start_again(&session, EXPIRED));
    }
    code_page(&session, None, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    pub code: String,
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
        return Ok(start_again(&session, EXPIRED));
    };
    let code = match FactorCode::parse(&form.code) {
        Ok(code) => code,
        Err(m) => return code_page(&session, Some(m), StatusCode::UNPROCESSABLE_ENTITY),
    };
    let finished = state
        .accounts()
        .complete_second_factor(&mfa_token, code, &client)
        .await;
    let pair = match finished {
        Ok(pair) => pair,
        Err(SecondFactorError::WrongCode { left: 0 }) => {
            return Ok(start_again(
                &session,
                "That code is not right, and it was the fifth wrong one: sign in again.",
            ))
        }
        Err(SecondFactorError::WrongCode { left }) => {
            let tries = match left {
                1 => "1 more try".to_string(),
                n => format!("{n} more tries"),
            };
            let message = format!(
                "That code is not right (or was used already). {tries}, then you sign in again."
            );
            return code_page(&session, Some(message), StatusCode::UNAUTHORIZED);
        }
        Err(SecondFactorError::BadToken) => return Ok(start_again(&session, EXPIRED)),
        Err(SecondFactorError::App(AppError::AccountDisabled)) => {
            return Ok(start_again(
                &session,
                "This account has been disabled. Contact an administrator.",
            ))
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
    session.renew();
    match state.tokens.verify(&pair.access_token) {
        Ok(claims) => flash(&session, format!("Welcome back, {}.", claims.username)),
        Err(_) => flash(&session, "Welcome back."),
    }
    let mut response = see_other(&next);
    cookies::set_login(&mut response, &pair, state.tokens.secure_cookies);
    Ok(response)
}
