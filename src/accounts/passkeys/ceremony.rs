//! The steps every ceremony shares: storing and taking its state, and what a verified
//! assertion changes.

use webauthn_rs::prelude::{AuthenticationResult, Passkey, WebauthnError};

use super::super::mfa::MFA_TOKEN_MINUTES;
use super::super::notices::{self, PasskeyChange};
use crate::audit::{self, Event, EventKind};
use crate::auth::passkey::{self, CEREMONY_SECONDS};
use crate::db::passkeys::{Ceremony, NewCeremony, PasskeyRow, Purpose};
use crate::db::users::User;
use crate::db::{outbox, DbConnection};
use crate::error::AppError;
use crate::http::client::ClientInfo;
use crate::mail::Context;

use crate::accounts::refusal::PasskeyRefusal;

/// Where a refusal's notice and event come from, inside the database closure.
pub(super) struct Witness {
    pub(super) notifier: crate::mail::Notifier,
    pub(super) client: ClientInfo,
}

/// A passkey that proved itself: whose, which, and what it proves.
pub(super) struct Proved {
    pub(super) user: User,
    pub(super) name: String,
    pub(super) amr: &'static str,
}

/// The end of a verification: on success the passkey's new counter and last use are stored
/// and the user loaded. A counter that did not go up is refused, recorded as
/// `passkey_clone_suspected` and told to the owner: by webauthn-rs's check against the copy in
/// the ceremony's state, or by the stored count, which another sign-in may have moved since
/// the options were made (the update itself compares, so racing uses cannot both pass).
pub(super) fn verified(
    conn: &mut DbConnection,
    row: PasskeyRow,
    mut key: Passkey,
    result: Result<AuthenticationResult, WebauthnError>,
    witness: &Witness,
) -> Result<Result<Proved, (Option<i32>, PasskeyRefusal)>, AppError> {
    let user_id = Some(row.user_id);
    let result = match result {
        Ok(result) => result,
        Err(WebauthnError::CredentialPossibleCompromise) => {
            clone_suspected(conn, &row, None, witness)?;
            return Ok(Err((user_id, PasskeyRefusal::CounterWentBack)));
        }
        Err(e) => return Ok(Err((user_id, PasskeyRefusal::Invalid(explain(&e))))),
    };
    let count = i64::from(result.counter());
    key.update_credential(&result);
    let stored = serde_json::to_string(&key).map_err(AppError::internal)?;
    if !PasskeyRow::used(conn, row.id, &stored, count)? {
        // Removed meanwhile (by its owner, from another device): not a copied key.
        if PasskeyRow::by_credential_id(conn, &row.credential_id)?.is_none() {
            return Ok(Err((user_id, PasskeyRefusal::UnknownCredential)));
        }
        clone_suspected(conn, &row, Some(count), witness)?;
        return Ok(Err((user_id, PasskeyRefusal::CounterWentBack)));
    }
    let user = User::find(conn, row.user_id)?.ok_or(AppError::NotFound)?;
    Ok(Ok(Proved {
        user,
        name: row.name,
        amr: passkey::amr(result.backup_eligible()),
    }))
}

pub(super) fn clone_suspected(
    conn: &mut DbConnection,
    row: &PasskeyRow,
    presented: Option<i64>,
    witness: &Witness,
) -> Result<(), AppError> {
    let Some(user) = User::find(conn, row.user_id)? else {
        return Ok(());
    };
    let mut event = Event::new(EventKind::PasskeyCloneSuspected, &witness.client)
        .user(user.id)
        .detail("passkey", row.name.clone())
        .detail("stored_count", row.sign_count);
    if let Some(count) = presented {
        event = event.detail("presented_count", count);
    }
    audit::record_in(conn, &event);
    let notice = notices::passkey_changed(
        &user.email,
        &row.name,
        PasskeyChange::CloneSuspected,
        &Context::of(&witness.client),
    );
    outbox::enqueue(conn, &witness.notifier.render(&notice, user.locale())?)?;
    Ok(())
}

/// Stores a ceremony's state under its challenge's hash, for [`CEREMONY_SECONDS`] (a second
/// step's for no longer than an `mfa_token` lives from its start: it cannot outlive it by
/// much).
pub(super) fn store(
    conn: &mut DbConnection,
    challenge: &[u8],
    purpose: Purpose,
    user_id: Option<i32>,
    binding_hash: Option<&str>,
    state: &impl serde::Serialize,
) -> Result<(), AppError> {
    let state = serde_json::to_string(state).map_err(AppError::internal)?;
    let seconds = match purpose {
        Purpose::SecondFactor => (MFA_TOKEN_MINUTES * 60).min(CEREMONY_SECONDS.into()),
        _ => CEREMONY_SECONDS.into(),
    };
    Ceremony::create(
        conn,
        &NewCeremony {
            challenge_hash: &passkey::challenge_hash(challenge),
            purpose,
            user_id,
            binding_hash,
            state: &state,
            ttl: time::Duration::seconds(seconds),
        },
    )?;
    Ok(())
}

/// Takes the ceremony the client data's challenge names, for `purpose` and its owner (the
/// user, and a second step's `mfa_token` hash).
pub(super) fn take(
    conn: &mut DbConnection,
    client_data_json: &[u8],
    purpose: Purpose,
    user_id: Option<i32>,
    binding_hash: Option<&str>,
) -> Result<Option<Ceremony>, AppError> {
    let Some(challenge) = passkey::challenge_of(client_data_json) else {
        return Ok(None);
    };
    let hash = passkey::challenge_hash(&challenge);
    Ok(Ceremony::take(conn, &hash, purpose, user_id, binding_hash)?)
}

pub(super) fn parse_state<T: serde::de::DeserializeOwned>(stored: &str) -> Result<T, AppError> {
    serde_json::from_str(stored).map_err(AppError::internal)
}

/// The stored records of `rows` that webauthn-rs can read (one it cannot is logged and left
/// out: it could not verify anything).
pub(super) fn stored_keys(rows: &[PasskeyRow]) -> Vec<Passkey> {
    rows.iter()
        .filter_map(|r| match serde_json::from_str(&r.credential) {
            Ok(key) => Some(key),
            Err(e) => {
                log::warn!("passkey {} of user {} is unreadable: {e}", r.id, r.user_id);
                None
            }
        })
        .collect()
}

/// webauthn-rs's reason, in words a client developer can act on.
pub(super) fn explain(e: &WebauthnError) -> String {
    match e {
        WebauthnError::InvalidRPOrigin => "the origin is not this site's".into(),
        WebauthnError::InvalidRPIDHash => "it was made for another relying party (RP ID)".into(),
        WebauthnError::UserNotVerified => "the authenticator did not verify the user".into(),
        WebauthnError::UserNotPresent => "the authenticator did not see the user".into(),
        WebauthnError::AuthenticationFailure => "the signature does not verify".into(),
        WebauthnError::MismatchedChallenge => "it answers another challenge".into(),
        WebauthnError::InvalidClientDataType => "the client data is of the wrong type".into(),
        WebauthnError::CredentialAlreadyExists => "this passkey is already registered".into(),
        other => format!("{other}").to_lowercase(),
    }
}
