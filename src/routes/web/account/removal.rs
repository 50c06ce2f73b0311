//! Removing the authenticator app or a passkey from the account page: the password is asked
//! again, and a refusal shows the page with the error beside the form.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde::Deserialize;

use super::{account_page, Refused};
use crate::auth::extract::Authenticated;
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;
use crate::routes::web::recent::Sensitive;
use crate::state::AppState;

/// The form that removes the authenticator app or a passkey: the password, asked again.
#[derive(Deserialize)]
pub struct OwnerForm {
    /// `totp_password` on the authenticator's form, whose field is named for its error.
    #[serde(default, alias = "totp_password")]
    pub password: String,
}

impl Sensitive for OwnerForm {}

/// Checks the password a removal form sent (`field` names where its error shows): `None`
/// when it is right, else the account page with the error (422 blank, 403 wrong, 429 past the
/// per-address limit, which the handler's `LoginAttempt` already counted).
pub async fn refuse_removal(
    state: &AppState,
    session: &Session,
    auth: &Authenticated,
    password: String,
    (field, step): (&str, &'static str),
    client: &ClientInfo,
) -> Result<Option<HttpResponse>, AppError> {
    if password.is_empty() {
        let errors = FieldErrors::single(field, "Enter your password to confirm it is you.");
        let refused = Refused::Removal(errors, StatusCode::UNPROCESSABLE_ENTITY);
        return account_page(state, session, auth, refused).await.map(Some);
    }
    let proof = crate::accounts::mfa::OwnerProof::Password(password);
    match state
        .accounts()
        .prove_owner(&auth.user, proof, step, client)
        .await
    {
        Ok(()) => Ok(None),
        Err(AppError::Forbidden(message)) => {
            let errors = FieldErrors::single(field, message);
            let refused = Refused::Removal(errors, StatusCode::FORBIDDEN);
            account_page(state, session, auth, refused).await.map(Some)
        }
        Err(e) => Err(e),
    }
}
