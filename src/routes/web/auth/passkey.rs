//! Passkeys on the sign-in pages: signing in with one from `/login`, and the options that let
//! "Confirm it's you" use one. The browser ceremony is `static/js/passkeys.js`: it asks for
//! options, lets the browser use the passkey, and sends the answer back through these forms,
//! so every answer (and every refusal) is a page like any other form's.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use webauthn_rs::prelude::PublicKeyCredential;

use crate::error::AppError;
use crate::no_store::NoStore as _;
use crate::routes::web::auth::login_page;
use crate::routes::web::browser_session::{app_waiting, welcome};
use crate::routes::web::extract::{Confirm, CsrfForm, SignedInForm};
use crate::routes::web::safe_next;
use crate::routes::web::NO_PASSKEY_ANSWER;
use crate::state::{AppState, LoginAttempt};

#[derive(Deserialize)]
pub struct SignInForm {
    /// The `PublicKeyCredential` JSON the script put here.
    #[serde(default)]
    pub assertion: String,
    pub next: Option<String>,
}

/// `POST /login/passkey`: the browser's passkey answer → the session (cookies, 303 to
/// `next`), or the login form again with what went wrong (401, 403, 422).
pub async fn sign_in(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<SignInForm>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(form.next.as_deref());
    let app = app_waiting(&state, &next).await;
    let refuse = |status: StatusCode, message: String| {
        let page = (String::new(), next.clone());
        login_page(&state, &session, page, app.clone(), Some(message), status)
    };
    let Ok(assertion) = serde_json::from_str::<PublicKeyCredential>(&form.assertion) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, NO_PASSKEY_ANSWER.into());
    };
    let signed_in = state
        .accounts()
        .sign_in_with_passkey(assertion, &client)
        .await;
    let started = match signed_in {
        Ok(Ok(started)) => started,
        Ok(Err(refusal)) => return refuse(refusal.status(), refusal.page_sentence()),
        Err(AppError::Conflict(m)) => return refuse(StatusCode::CONFLICT, m),
        Err(e) => return Err(e),
    };
    Ok(welcome(&state, &session, &started, &next))
}

/// `POST /reauthenticate/options`: for the script on "Confirm it's you", options to confirm
/// with one of the user's passkeys, for this session.
pub async fn reauthentication_options(
    _attempt: LoginAttempt,
    state: web::Data<AppState>,
    SignedInForm { user, .. }: SignedInForm<Confirm>,
) -> Result<HttpResponse, AppError> {
    let options = state
        .accounts()
        .reauthentication_options(&user.user, &user.claims.sid)
        .await?;
    Ok(HttpResponse::Ok().no_store().json(&options))
}
