//! Proving it is the owner before a second factor or a passkey goes. A recent sign-in is not
//! enough: a browser left signed in, or a session cookie planted in it, has one, and removing a
//! factor weakens every later sign-in. So the password, or a current code, is asked again.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::accounts::Accounts;
use crate::auth::totp::FactorCode;
use crate::db::users::User;
use crate::error::{AppError, FieldErrors};
use crate::http::body::Field;
use crate::http::client::ClientInfo;

/// What proves it is the owner: the password, or a code (authenticator or recovery).
pub enum OwnerProof {
    Password(String),
    Code(FactorCode),
}

/// The body of `DELETE /api/users/me/mfa/totp` and `DELETE /api/users/me/passkeys/{id}`.
#[derive(Deserialize, ToSchema)]
pub struct OwnerProofRequest {
    /// The account's password; required unless `code` is given.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub password: Field,
    /// In place of the password: a code from the authenticator app, or a recovery code.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub code: Field,
}

/// What a request without either gets, on `password`.
pub const PROOF_NEEDED: &str =
    "Enter your password (or a code from your authenticator app) to confirm it is you.";

impl TryFrom<OwnerProofRequest> for OwnerProof {
    type Error = FieldErrors;

    /// One of the two, parsed: a blank field counts as left out; both given is refused, so a
    /// client never wonders which one was checked.
    fn try_from(body: OwnerProofRequest) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        match (body.password.is_given(), body.code.is_given()) {
            (true, true) => Err(FieldErrors::single(
                "code",
                "Give the password or a code, not both.",
            )),
            (true, false) => {
                let password = body.password.text("password", &mut errors);
                errors.finish(|| password.map(OwnerProof::Password))
            }
            (false, true) => {
                let code = body.code.required("code", &mut errors, FactorCode::parse);
                errors.finish(|| code.map(OwnerProof::Code))
            }
            (false, false) => Err(FieldErrors::single("password", PROOF_NEEDED)),
        }
    }
}

impl Accounts {
    /// Checks `proof` for `user` before `step` (`remove_second_factor`, `remove_passkey`). A
    /// wrong password is a 403 and a `password_check_failed` event (callers count the request
    /// like a sign-in attempt); a wrong code is a 422 on `code` and a `second_factor_failed`
    /// event, under the per-account cap on wrong codes (429 past it), and a right code is used
    /// up.
    pub async fn prove_owner(
        &self,
        user: &User,
        proof: OwnerProof,
        step: &'static str,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        let code = match proof {
            OwnerProof::Password(password) => {
                return match self
                    .check_current_password(user, password, step, client)
                    .await?
                {
                    true => Ok(()),
                    false => Err(AppError::Forbidden(crate::accounts::WRONG_PASSWORD.into())),
                };
            }
            OwnerProof::Code(code) => code,
        };
        self.check_code_capped(user, code, step, client).await
    }
}
