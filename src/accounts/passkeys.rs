//! Passkeys: registering one (recent sign-in), listing and removing them, signing in with one
//! alone (a discoverable credential), and using one as the second step after a password.
//!
//! Every ceremony's state is stored under the hash of its challenge and taken (used up) by the
//! first response that names that challenge for its purpose and owner, before the response is
//! verified: a response works once, a refused one burns its challenge, and the instance that
//! finishes a ceremony need not be the one that started it. Verification runs on the
//! database threads, beside the reads it needs, never on an async worker.

use std::sync::Arc;

use webauthn_rs::prelude::{
    CreationChallengeResponse, CredentialID, PasskeyRegistration, RegisterPublicKeyCredential,
    Webauthn,
};
use webauthn_rs_proto::ResidentKeyRequirement;

use super::notices::{self, PasskeyChange};
use super::Accounts;
use crate::accounts::refusal::PasskeyRefusal;
use crate::audit::{self, Event, EventKind};
use crate::auth::passkey;
use crate::db::passkeys::{NewPasskey, PasskeyRow, Purpose};
use crate::db::users::User;
use crate::db::{outbox, write_transaction};
use crate::domain::PasskeyName;
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;
use crate::mail::Context;
use ceremony::{explain, parse_state, store, stored_keys, take};

/// How many passkeys one account may hold.
pub const MAX_PASSKEYS: i64 = 20;

fn too_many() -> AppError {
    AppError::Conflict(format!(
        "An account holds at most {MAX_PASSKEYS} passkeys: remove one first."
    ))
}

/// A registration under way: webauthn-rs's state and the user handle its options gave.
#[derive(serde::Serialize, serde::Deserialize)]
struct Registration {
    handle: uuid::Uuid,
    state: PasskeyRegistration,
}

impl Accounts {
    /// The relying party, or the 409 that says passkeys are off.
    fn rp(&self) -> Result<Arc<Webauthn>, AppError> {
        self.relying_party.clone().ok_or_else(|| {
            AppError::Conflict(
                "Passkeys are not available here: PUBLIC_URL must name a host (not an IP \
                 address), e.g. http://localhost:8080 in development."
                    .into(),
            )
        })
    }

    /// A passkey signed in or confirmed it was the user (`step`): the event, and the notice
    /// to the owner (a passkey's use is told like its addition: one may sit on a device that
    /// is not theirs any more).
    async fn passkey_used(
        &self,
        user: &User,
        name: &str,
        client: &ClientInfo,
        step: &'static str,
    ) -> Result<(), AppError> {
        let what = PasskeyChange::Used;
        let notice = notices::passkey_changed(&user.email, name, what, &Context::of(client));
        let message = self.notifier.render(&notice, user.locale())?;
        let event = Event::new(EventKind::PasskeyUsed, client)
            .user(user.id)
            .actor(user.id)
            .detail("passkey", name)
            .detail("step", step);
        self.db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    outbox::enqueue(conn, &message)?;
                    audit::record_in(conn, &event);
                    Ok(())
                })
            })
            .await?;
        self.notifier.wake();
        Ok(())
    }

    /// The user's passkeys, oldest first.
    pub async fn passkeys(&self, user_id: i32) -> Result<Vec<PasskeyRow>, AppError> {
        self.db
            .run(move |conn| Ok(PasskeyRow::for_user(conn, user_id)?))
            .await
    }

    /// Options for `navigator.credentials.create()`: a discoverable credential with user
    /// verification, excluding the user's passkeys already registered. The ceremony is stored
    /// for this user.
    pub async fn passkey_creation_options(
        &self,
        user: &User,
    ) -> Result<CreationChallengeResponse, AppError> {
        let rp = self.rp()?;
        let (user_id, username) = (user.id, user.username.clone());
        self.db
            .run(move |conn| {
                let existing = PasskeyRow::for_user(conn, user_id)?;
                if existing.len() as i64 >= MAX_PASSKEYS {
                    return Err(too_many());
                }
                let handle = existing
                    .first()
                    .and_then(|p| uuid::Uuid::parse_str(&p.user_handle).ok())
                    .unwrap_or_else(uuid::Uuid::new_v4);
                let exclude: Vec<CredentialID> = stored_keys(&existing)
                    .iter()
                    .map(|p| p.cred_id().clone())
                    .collect();
                let (mut options, state) = rp
                    .start_passkey_registration(handle, &username, &username, Some(exclude))
                    .map_err(AppError::internal)?;
                // Sign-in without a username needs the authenticator to keep the credential
                // (a discoverable one); webauthn-rs leaves that to the authenticator.
                if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
                    selection.resident_key = Some(ResidentKeyRequirement::Required);
                    selection.require_resident_key = true;
                }
                store(
                    conn,
                    &options.public_key.challenge,
                    Purpose::Register,
                    Some(user_id),
                    None,
                    &Registration { handle, state },
                )?;
                Ok(options)
            })
            .await
    }

    /// Verifies a new passkey's attestation against the user's stored ceremony and keeps it,
    /// with its event and notice in the same transaction. A bad or replayed response, or one
    /// for another user's ceremony, is a 422 on `attestation`; a credential registered
    /// before (to anyone) a 409.
    pub async fn add_passkey(
        &self,
        user: &User,
        name: PasskeyName,
        credential: RegisterPublicKeyCredential,
        client: &ClientInfo,
    ) -> Result<PasskeyRow, AppError> {
        let rp = self.rp()?;
        let notice = self.notifier.render(
            &notices::passkey_changed(
                &user.email,
                name.as_str(),
                PasskeyChange::Added,
                &Context::of(client),
            ),
            user.locale(),
        )?;
        let event = Event::new(EventKind::PasskeyAdded, client)
            .user(user.id)
            .actor(user.id)
            .detail("passkey", name.as_str());
        let user_id = user.id;
        let refused = |m: String| AppError::from(FieldErrors::single("attestation", m));
        let added = self
            .db
            .run(move |conn| {
                let ceremony = write_transaction(conn, |conn| {
                    let data = &credential.response.client_data_json;
                    take(conn, data, Purpose::Register, Some(user_id), None)
                })?;
                let Some(ceremony) = ceremony else {
                    return Err(refused(PasskeyRefusal::NoCeremony.detail()));
                };
                let Registration { handle, state } = parse_state(&ceremony.state)?;
                let key = rp
                    .finish_passkey_registration(&credential, &state)
                    .map_err(|e| refused(PasskeyRefusal::Invalid(explain(&e)).detail()))?;
                let handle = handle.to_string();
                let stored = serde_json::to_string(&key).map_err(AppError::internal)?;
                let credential_id = passkey::credential_key(key.cred_id());
                write_transaction(conn, |conn| {
                    if PasskeyRow::by_credential_id(conn, &credential_id)?.is_some() {
                        return Err(AppError::Conflict(
                            "This passkey is already registered.".into(),
                        ));
                    }
                    // Again here: several sets of options may have been fetched at the limit.
                    if PasskeyRow::count_for_user(conn, user_id)? >= MAX_PASSKEYS {
                        return Err(too_many());
                    }
                    let row = PasskeyRow::insert(
                        conn,
                        &NewPasskey {
                            user_id,
                            credential_id: &credential_id,
                            user_handle: &handle,
                            name: name.as_str(),
                            credential: &stored,
                            sign_count: 0,
                        },
                    )?;
                    outbox::enqueue(conn, &notice)?;
                    audit::record_in(conn, &event);
                    Ok(row)
                })
            })
            .await?;
        self.notifier.wake();
        Ok(added)
    }

    /// Removes one of the user's passkeys (404 when they have none of that id), with its
    /// event and notice.
    pub async fn remove_passkey(
        &self,
        user: &User,
        id: i32,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        let (user_id, email, context) = (user.id, user.email.clone(), Context::of(client));
        let language = user.locale();
        let notifier = self.notifier.clone();
        let client = client.clone();
        self.db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    let removed =
                        PasskeyRow::remove(conn, user_id, id)?.ok_or(AppError::NotFound)?;
                    let notice = notices::passkey_changed(
                        &email,
                        &removed.name,
                        PasskeyChange::Removed,
                        &context,
                    );
                    outbox::enqueue(conn, &notifier.render(&notice, language)?)?;
                    let event = Event::new(EventKind::PasskeyRemoved, &client)
                        .user(user_id)
                        .actor(user_id)
                        .detail("passkey", removed.name);
                    audit::record_in(conn, &event);
                    Ok(())
                })
            })
            .await?;
        self.notifier.wake();
        Ok(())
    }
}

mod ceremony;
mod reauth;
mod sign_in;
