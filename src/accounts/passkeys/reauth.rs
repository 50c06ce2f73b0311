//! Proving it is you again with a passkey: the recent authentication that sensitive changes
//! need, in place of the password and code. The ceremony is bound to the user and to the
//! session it renews.

use webauthn_rs::prelude::{
    Passkey, PasskeyAuthentication, PublicKeyCredential, RequestChallengeResponse,
};

use super::ceremony::{parse_state, store, stored_keys, take, verified};
use super::Accounts;
use crate::accounts::refusal::PasskeyRefusal;
use crate::audit::{self, Event, EventKind};
use crate::auth::passkey;
use crate::auth::refresh;
use crate::auth::tokens::TokenPair;
use crate::db::passkeys::{PasskeyRow, Purpose};
use crate::db::users::User;
use crate::db::write_transaction;
use crate::error::AppError;
use crate::http::client::ClientInfo;

impl Accounts {
    /// Options for `navigator.credentials.get()` that re-authenticate `user` in session `sid`
    /// with one of their passkeys (409 when they have none).
    pub async fn reauthentication_options(
        &self,
        user: &User,
        sid: &str,
    ) -> Result<RequestChallengeResponse, AppError> {
        let rp = self.rp()?;
        let (user_id, sid_hash) = (user.id, refresh::hash(sid));
        self.db
            .run(move |conn| {
                let keys = stored_keys(&PasskeyRow::for_user(conn, user_id)?);
                if keys.is_empty() {
                    return Err(AppError::Conflict(
                        "This account has no passkey: confirm with the password.".into(),
                    ));
                }
                let (options, state) = rp
                    .start_passkey_authentication(&keys)
                    .map_err(AppError::internal)?;
                let challenge = &options.public_key.challenge;
                let purpose = Purpose::Reauthenticate;
                store(
                    conn,
                    challenge,
                    purpose,
                    Some(user_id),
                    Some(&sid_hash),
                    &state,
                )?;
                Ok(options)
            })
            .await
    }

    /// Renews session `sid`'s `auth_time` with a passkey of `user` (`amr` `hwk` or `swk`), for
    /// options made for this user and session. A refused response is a 403 saying why, and a
    /// `second_factor_failed` event (which the limit on new sign-ins after many wrong codes
    /// counts).
    pub async fn reauthenticate_with_passkey(
        &self,
        user: &User,
        sid: &str,
        credential: PublicKeyCredential,
        client: &ClientInfo,
    ) -> Result<TokenPair, AppError> {
        let rp = self.rp()?;
        let witness = self.witness(client);
        let (user_id, sid_hash) = (user.id, refresh::hash(sid));
        let outcome = self
            .db
            .run(move |conn| {
                let data = &credential.response.client_data_json;
                let purpose = Purpose::Reauthenticate;
                let owner = (Some(user_id), Some(sid_hash.as_str()));
                let taken =
                    write_transaction(conn, |conn| take(conn, data, purpose, owner.0, owner.1))?;
                let Some(ceremony) = taken else {
                    return Ok(Err((Some(user_id), PasskeyRefusal::NoCeremony)));
                };
                let row = PasskeyRow::by_credential_id(
                    conn,
                    &passkey::credential_key(&credential.raw_id),
                )?;
                let Some(row) = row.filter(|r| r.user_id == user_id) else {
                    return Ok(Err((Some(user_id), PasskeyRefusal::UnknownCredential)));
                };
                let state: PasskeyAuthentication = parse_state(&ceremony.state)?;
                let key: Passkey = parse_state(&row.credential)?;
                let result = rp.finish_passkey_authentication(&credential, &state);
                verified(conn, row, key, result, &witness)
            })
            .await?;
        let proved = match outcome {
            Ok(proved) => proved,
            Err((_, refusal)) => {
                let event = Event::new(EventKind::SecondFactorFailed, client)
                    .user(user.id)
                    .detail("step", "reauthenticate")
                    .detail("method", "passkey")
                    .detail("reason", refusal.reason());
                audit::record(&self.db, event).await;
                return Err(AppError::Forbidden(refusal.detail()));
            }
        };
        let pair = self.renew_session(user, sid, &[proved.amr]).await?;
        self.passkey_used(user, &proved.name, client, "reauthenticate")
            .await?;
        let event = Event::new(EventKind::Reauthenticated, client)
            .user(user.id)
            .actor(user.id)
            .detail("amr", proved.amr)
            .detail("passkey", proved.name);
        audit::record(&self.db, event).await;
        Ok(pair)
    }
}
