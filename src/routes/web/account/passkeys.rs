//! Passkeys on `/account`: adding and removing them. The browser ceremony is
//! `static/js/passkeys.js`, as on the sign-in pages.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use webauthn_rs::prelude::RegisterPublicKeyCredential;

use crate::domain::PasskeyName;
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;
use crate::no_store::NoStore as _;
use crate::routes::web::account::removal::{refuse_removal, OwnerForm};
use crate::routes::web::account::{account_page, section_notice, Refused};
use crate::routes::web::extract::Confirm;
use crate::routes::web::recent::{RecentForm, Sensitive};
use crate::routes::web::see_other;
use crate::routes::web::NO_PASSKEY_ANSWER;
use crate::state::{AppState, LoginAttempt};

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
        // A bad name is the one thing to fix: the script asks the browser for a passkey only
        // once the name is good, so its missing answer is no news then.
        Err(_) if name.is_none() => None,
        Err(_) => {
            errors.add("attestation", NO_PASSKEY_ANSWER);
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
            let added =
                format!("Passkey \u{201c}{shown}\u{201d} added: you can sign in with it now.");
            section_notice(&session, "passkeys", added);
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
    section_notice(
        &session,
        "passkeys",
        "Passkey removed: it no longer signs in.",
    );
    Ok(see_other("/account#passkeys"))
}
