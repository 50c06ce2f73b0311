//! The pages' face of passkeys: signing in with one from `/login`, and adding and removing
//! them on `/account`. The browser ceremony is `static/js/passkeys.js`: it asks the JSON API
//! for options, lets the browser make or use the passkey, and sends the result back through
//! these forms, so every answer (and every refusal) is a page like any other form's.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use webauthn_rs::prelude::{PublicKeyCredential, RegisterPublicKeyCredential};

use super::account::removal::{refuse_removal, OwnerForm};
use super::account::{account_page, Refused};
use super::auth::{login_page, welcome};
use super::extract::{Confirm, CsrfForm, SignedInForm};
use super::layout::flash;
use super::recent::{RecentForm, Sensitive};
use super::{safe_next, see_other};
use crate::domain::PasskeyName;
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;
use crate::no_store::NoStore as _;
use crate::state::{AppState, LoginAttempt};

/// What the browser could not do, in words for the person in front of it.
const NO_ANSWER: &str =
    "Your browser did not give a passkey (it needs JavaScript, and a device or \
                         password manager that keeps passkeys). Try again, or use your password.";

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
    let refuse = |status: StatusCode, message: String| {
        login_page(
            &state,
            &session,
            String::new(),
            next.clone(),
            Some(message),
            status,
        )
    };
    let Ok(assertion) = serde_json::from_str::<PublicKeyCredential>(&form.assertion) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, NO_ANSWER.into());
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

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    pub name: String,
    /// The `PublicKeyCredential` JSON the script put here.
    #[serde(default)]
    pub attestation: String,
}

/// The name is worth keeping across "Confirm it's you"; the attestation is not (its
/// ceremony would be over by then).
impl Sensitive for AddForm {
    const KEPT: &'static [&'static str] = &["name"];
}

/// `POST /account/passkeys` (recent sign-in): a name and the browser's new passkey → 303 to
/// the list with a message; a refusal shows the account page with it (409, 422).
pub async fn add(
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    RecentForm { user: auth, form }: RecentForm<AddForm>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let name = errors.take("name", PasskeyName::parse(&form.name));
    let attestation = match serde_json::from_str::<RegisterPublicKeyCredential>(&form.attestation) {
        Ok(a) => Some(a),
        Err(_) => {
            errors.add("attestation", NO_ANSWER);
            None
        }
    };
    let refused = |errors: FieldErrors, status: StatusCode| Refused::Passkey {
        errors,
        name: form.name.clone(),
        status,
    };
    let (name, attestation) = match errors.finish(|| Some((name?, attestation?))) {
        Ok(both) => both,
        Err(errors) => {
            let refused = refused(errors, StatusCode::UNPROCESSABLE_ENTITY);
            return account_page(&state, &session, &auth, refused).await;
        }
    };
    let shown = name.as_str().to_string();
    match state
        .accounts()
        .add_passkey(&auth.user, name, attestation, &client)
        .await
    {
        Ok(_) => {
            flash(
                &session,
                format!("Passkey \u{201c}{shown}\u{201d} added: you can sign in with it now."),
            );
            Ok(see_other("/account#passkeys"))
        }
        Err(AppError::Validation(errors)) => {
            let refused = refused(errors, StatusCode::UNPROCESSABLE_ENTITY);
            account_page(&state, &session, &auth, refused).await
        }
        Err(AppError::Conflict(m)) => {
            let errors = FieldErrors::single("attestation", m);
            let refused = refused(errors, StatusCode::CONFLICT);
            account_page(&state, &session, &auth, refused).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /account/passkeys/options` (recent sign-in): for the script, the creation options
/// (JSON, as the API gives them). A page route, so an access cookie that expired while the
/// page was open is renewed as on any page; not recent, it answers "Confirm it's you", and
/// the script then sends the form, which shows that page.
pub async fn creation_options(
    _attempt: LoginAttempt,
    state: web::Data<AppState>,
    RecentForm { user: auth, .. }: RecentForm<Confirm>,
) -> Result<HttpResponse, AppError> {
    let options = state
        .accounts()
        .passkey_creation_options(&auth.user)
        .await?;
    Ok(HttpResponse::Ok().no_store().json(&options))
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

/// `POST /account/passkeys/{id}/remove` (recent sign-in): it signs in no more.
pub async fn remove(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i32>,
    RecentForm { user: auth, form }: RecentForm<OwnerForm>,
) -> Result<HttpResponse, AppError> {
    let step = ("passkey_password", "remove_passkey");
    let refused = refuse_removal(&state, &session, &auth, form.password, step, &client);
    if let Some(page) = refused.await? {
        return Ok(page);
    }
    state
        .accounts()
        .remove_passkey(&auth.user, path.into_inner(), &client)
        .await?;
    flash(&session, "Passkey removed: it no longer signs in.");
    Ok(see_other("/account#passkeys"))
}
