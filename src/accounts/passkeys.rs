//! Passkeys: registering one (recent sign-in), listing and removing them, signing in with one
//! alone (a discoverable credential), and using one as the second step after a password.
//!
//! Every ceremony's state is stored under the hash of its challenge and taken (used up) by the
//! first response that names that challenge, before the response is verified: a response
//! works once, a refused one burns its challenge, and the instance that finishes a ceremony
//! need not be the one that started it. Verification runs on the database threads, beside the
//! reads it needs, never on an async worker.

use std::sync::Arc;

use webauthn_rs::prelude::{
    CreationChallengeResponse, CredentialID, DiscoverableAuthentication, Passkey,
    PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse, Webauthn, WebauthnError,
};
use webauthn_rs_proto::ResidentKeyRequirement;

use super::mfa::{SecondFactorError, MFA_TOKEN_MINUTES};
use super::notices::{self, PasskeyChange};
use super::Accounts;
use crate::audit::{self, Event, EventKind};
use crate::auth::passkey::{self, CEREMONY_SECONDS};
use crate::auth::refresh;
use crate::auth::tokens::TokenPair;
use crate::db::mfa::{Challenge, MAX_FAILURES};
use crate::db::passkeys::{Ceremony, NewCeremony, NewPasskey, PasskeyRow, Purpose};
use crate::db::users::User;
use crate::db::{outbox, write_transaction, DbConnection};
use crate::domain::PasskeyName;
use crate::error::{AppError, AuthFailure, FieldErrors};
use crate::http::client::ClientInfo;
use crate::mail::Context;

/// How many passkeys one account may hold.
pub const MAX_PASSKEYS: i64 = 20;

/// Why a passkey response was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No ceremony waits for its challenge: never started, used, expired, or for another
    /// purpose (or another user's, or another `mfa_token`'s).
    NoCeremony,
    /// The credential is not registered here (or not to this user).
    UnknownCredential,
    /// The verification failed: signature, origin, RP ID, flags (user verification), type.
    Invalid(String),
    /// The signature counter did not go up: a copy of the key may exist.
    CounterWentBack,
}

impl Refusal {
    fn reason(&self) -> &'static str {
        match self {
            Self::NoCeremony => "passkey_challenge_unknown",
            Self::UnknownCredential => "passkey_unknown",
            Self::Invalid(_) => "passkey_invalid",
            Self::CounterWentBack => "passkey_counter_went_back",
        }
    }

    /// What the person (or client developer) reads.
    pub fn detail(&self) -> String {
        match self {
            Self::NoCeremony => "This passkey request expired or was already used: ask for new options and try again.".into(),
            Self::UnknownCredential => "This passkey is not registered here.".into(),
            Self::Invalid(why) => format!("The passkey was not accepted: {why}."),
            Self::CounterWentBack => "This passkey was refused: its signature counter went backwards, so a copy of it may exist. The account's owner has been told.".into(),
        }
    }
}

/// A registration under way: webauthn-rs's state and the user handle its options gave.
#[derive(serde::Serialize, serde::Deserialize)]
struct Registration {
    handle: uuid::Uuid,
    state: PasskeyRegistration,
}

/// Where a refusal's notice and event come from, inside the database closure.
struct Witness {
    notifier: crate::mail::Notifier,
    client: ClientInfo,
}

/// Where a second step with a passkey ended, inside its transaction.
enum Step {
    BadToken,
    Proved(Proved, String),
    Refused(i32, Refusal, i32),
}

/// A passkey that proved itself: whose, which, and what it proves.
struct Proved {
    user: User,
    name: String,
    amr: &'static str,
}

impl Accounts<'_> {
    fn relying_party(&self) -> Result<Arc<Webauthn>, AppError> {
        self.relying_party.cloned().ok_or_else(|| {
            AppError::Conflict(
                "Passkeys are not available here: PUBLIC_URL must name a host (not an IP \
                 address), e.g. http://localhost:8080 in development."
                    .into(),
            )
        })
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
        let rp = self.relying_party()?;
        let (user_id, username) = (user.id, user.username.clone());
        self.db
            .run(move |conn| {
                let existing = PasskeyRow::for_user(conn, user_id)?;
                if existing.len() as i64 >= MAX_PASSKEYS {
                    return Err(AppError::Conflict(format!(
                        "An account holds at most {MAX_PASSKEYS} passkeys: remove one first."
                    )));
                }
                let handle = existing
                    .first()
                    .and_then(|p| uuid::Uuid::parse_str(&p.user_handle).ok())
                    .unwrap_or_else(uuid::Uuid::new_v4);
                let exclude: Vec<CredentialID> = existing
                    .iter()
                    .filter_map(|p| serde_json::from_str::<Passkey>(&p.credential).ok())
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
        let rp = self.relying_party()?;
        let notice = self.notifier.render(&notices::passkey_changed(
            &user.email,
            name.as_str(),
            PasskeyChange::Added,
            &Context::of(client),
        ))?;
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
                    take(
                        conn,
                        &credential.response.client_data_json,
                        Purpose::Register,
                    )
                })?;
                let Some(ceremony) = ceremony.filter(|c| c.user_id == Some(user_id)) else {
                    return Err(refused(Refusal::NoCeremony.detail()));
                };
                let Registration { handle, state } = parse_state(&ceremony.state)?;
                let key = rp
                    .finish_passkey_registration(&credential, &state)
                    .map_err(|e| refused(Refusal::Invalid(explain(&e)).detail()))?;
                let handle = handle.to_string();
                let stored = serde_json::to_string(&key).map_err(AppError::internal)?;
                let credential_id = passkey::credential_key(key.cred_id());
                write_transaction(conn, |conn| {
                    if PasskeyRow::by_credential_id(conn, &credential_id)?.is_some() {
                        return Err(AppError::Conflict(
                            "This passkey is already registered.".into(),
                        ));
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
                    outbox::enqueue(conn, &notifier.render(&notice)?)?;
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

    /// Whether the sign-in waiting on `mfa_token` may finish with a passkey (its user has one).
    pub async fn second_step_passkey(&self, mfa_token: &str) -> Result<bool, AppError> {
        if self.relying_party.is_none() {
            return Ok(false);
        }
        let token_hash = refresh::hash(mfa_token);
        self.db
            .run(move |conn| match Challenge::live(conn, &token_hash)? {
                Some(c) => Ok(PasskeyRow::count_for_user(conn, c.user_id)? > 0),
                None => Ok(false),
            })
            .await
    }

    /// Options for `navigator.credentials.get()`. Without an `mfa_token`: a sign-in with any
    /// discoverable passkey (no user named). With one: the second step of that password
    /// sign-in, limited to its user's passkeys (401 when the token is not live; 409 when the
    /// user has none).
    pub async fn passkey_request_options(
        &self,
        mfa_token: Option<&str>,
    ) -> Result<RequestChallengeResponse, AppError> {
        let rp = self.relying_party()?;
        let token_hash = mfa_token.map(refresh::hash);
        self.db
            .run(move |conn| {
                let Some(token_hash) = token_hash else {
                    let (mut options, state) = rp
                        .start_discoverable_authentication()
                        .map_err(AppError::internal)?;
                    // A sign-in button, not autofill: the page asks when the user clicks.
                    options.mediation = None;
                    store(
                        conn,
                        &options.public_key.challenge,
                        Purpose::SignIn,
                        None,
                        None,
                        &state,
                    )?;
                    return Ok(options);
                };
                let challenge = Challenge::live(conn, &token_hash)?.ok_or_else(|| {
                    AppError::Unauthorized(AuthFailure::BadCredentials(
                        super::mfa::BAD_MFA_TOKEN.into(),
                    ))
                })?;
                let keys = stored_keys(&PasskeyRow::for_user(conn, challenge.user_id)?);
                if keys.is_empty() {
                    return Err(AppError::Conflict(
                        "This account has no passkey: use a code instead.".into(),
                    ));
                }
                let (options, state) = rp
                    .start_passkey_authentication(&keys)
                    .map_err(AppError::internal)?;
                store(
                    conn,
                    &options.public_key.challenge,
                    Purpose::SecondFactor,
                    Some(challenge.user_id),
                    Some(&token_hash),
                    &state,
                )?;
                Ok(options)
            })
            .await
    }

    /// Signs in with a passkey alone: the response's ceremony, the credential it names, the
    /// user the credential's handle names, the verification (user verification required),
    /// then the session (`amr` `hwk` or `swk`). A disabled account, or an unverified address
    /// under `REQUIRE_VERIFIED_EMAIL`, is refused after the passkey proved itself, as after a
    /// right password. Every refusal is a `sign_in_failed` event.
    pub async fn sign_in_with_passkey(
        &self,
        credential: PublicKeyCredential,
        client: &ClientInfo,
    ) -> Result<Result<TokenPair, Refusal>, AppError> {
        let rp = self.relying_party()?;
        let witness = self.witness(client);
        let outcome = self
            .db
            .run(move |conn| {
                let taken = write_transaction(conn, |conn| {
                    take(conn, &credential.response.client_data_json, Purpose::SignIn)
                })?;
                let Some(ceremony) = taken else {
                    return Ok(Err((None, Refusal::NoCeremony)));
                };
                let state: DiscoverableAuthentication = parse_state(&ceremony.state)?;
                let Ok((handle, raw_id)) = rp.identify_discoverable_authentication(&credential)
                else {
                    let why = "the response names no user handle (not a discoverable passkey)";
                    return Ok(Err((None, Refusal::Invalid(why.into()))));
                };
                let row = PasskeyRow::by_credential_id(conn, &passkey::credential_key(raw_id))?;
                let Some(row) = row.filter(|r| r.user_handle == handle.to_string()) else {
                    return Ok(Err((None, Refusal::UnknownCredential)));
                };
                let key: Passkey = parse_state(&row.credential)?;
                let result =
                    rp.finish_discoverable_authentication(&credential, state, &[(&key).into()]);
                verified(conn, row, key, result, &witness)
            })
            .await?;
        self.after_passkey(outcome, client, "sign_in").await
    }

    /// Completes a password sign-in's second step with a passkey of its user: the
    /// `mfa_token` is claimed first (as for a code), then the response must answer a
    /// ceremony started for this very token. A refused response counts against the token
    /// like a wrong code (five end it).
    pub async fn complete_second_factor_with_passkey(
        &self,
        mfa_token: &str,
        credential: PublicKeyCredential,
        client: &ClientInfo,
    ) -> Result<TokenPair, SecondFactorError> {
        let rp = self.relying_party()?;
        let witness = self.witness(client);
        let token_hash = refresh::hash(mfa_token);
        let outcome = self
            .db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    let Some(challenge) = Challenge::live(conn, &token_hash)? else {
                        return Ok(Step::BadToken);
                    };
                    if !Challenge::complete(conn, &token_hash)? {
                        return Ok(Step::BadToken);
                    }
                    let user_id = challenge.user_id;
                    let ceremony = take(
                        conn,
                        &credential.response.client_data_json,
                        Purpose::SecondFactor,
                    )?
                    .filter(|c| c.mfa_token_hash.as_deref() == Some(token_hash.as_str()));
                    let row = PasskeyRow::by_credential_id(
                        conn,
                        &passkey::credential_key(&credential.raw_id),
                    )?
                    .filter(|r| r.user_id == user_id);
                    let proved = match (ceremony, row) {
                        (None, _) => Err((Some(user_id), Refusal::NoCeremony)),
                        (_, None) => Err((Some(user_id), Refusal::UnknownCredential)),
                        (Some(ceremony), Some(row)) => {
                            let state: PasskeyAuthentication = parse_state(&ceremony.state)?;
                            let key: Passkey = parse_state(&row.credential)?;
                            let result = rp.finish_passkey_authentication(&credential, &state);
                            verified(conn, row, key, result, &witness)?
                        }
                    };
                    match proved {
                        Ok(proved) if proved.user.disabled => Err(AppError::AccountDisabled),
                        Ok(proved) => Ok(Step::Proved(proved, challenge.amr)),
                        Err((_, refusal)) => {
                            let failures = Challenge::fail(conn, &token_hash)?;
                            let left = (MAX_FAILURES - failures).max(0);
                            Ok(Step::Refused(user_id, refusal, left))
                        }
                    }
                })
            })
            .await?;
        match outcome {
            Step::BadToken => Err(SecondFactorError::BadToken),
            Step::Proved(proved, first) => {
                self.passkey_used(&proved, client, "second_factor").await;
                let amr: Vec<&str> = first.split_whitespace().chain([proved.amr]).collect();
                Ok(self.start_session(&proved.user, client, &amr).await?)
            }
            Step::Refused(user_id, refusal, left) => {
                self.refused(
                    Some(user_id),
                    &refusal,
                    client,
                    EventKind::SecondFactorFailed,
                )
                .await?;
                self.metrics.sign_in("second_factor_failed");
                Err(SecondFactorError::PasskeyRefused { refusal, left })
            }
        }
    }

    fn witness(&self, client: &ClientInfo) -> Witness {
        Witness {
            notifier: self.notifier.clone(),
            client: client.clone(),
        }
    }

    /// The end of a passkey sign-in: the refusal recorded, or the account's own refusals
    /// (disabled, unverified address), or the session.
    async fn after_passkey(
        &self,
        outcome: Result<Proved, (Option<i32>, Refusal)>,
        client: &ClientInfo,
        step: &str,
    ) -> Result<Result<TokenPair, Refusal>, AppError> {
        let proved = match outcome {
            Ok(proved) => proved,
            Err((user_id, refusal)) => {
                self.refused(user_id, &refusal, client, EventKind::SignInFailed)
                    .await?;
                self.metrics.sign_in(refusal.reason());
                return Ok(Err(refusal));
            }
        };
        let user = &proved.user;
        let refused_account = if user.disabled {
            Some(("disabled", AppError::AccountDisabled))
        } else if self.notifier.settings.require_verified_email && !user.email_verified {
            self.send_verification(user).await?;
            Some(("email_not_verified", AppError::EmailNotVerified))
        } else {
            None
        };
        if let Some((reason, error)) = refused_account {
            let event = Event::new(EventKind::SignInFailed, client)
                .user(user.id)
                .detail("login", user.username.clone())
                .detail("reason", reason)
                .detail("passkey", proved.name.clone());
            audit::record(self.db, event).await;
            self.metrics.sign_in(reason);
            return Err(error);
        }
        self.passkey_used(&proved, client, step).await;
        Ok(Ok(self.start_session(user, client, &[proved.amr]).await?))
    }

    async fn passkey_used(&self, proved: &Proved, client: &ClientInfo, step: &str) {
        let event = Event::new(EventKind::PasskeyUsed, client)
            .user(proved.user.id)
            .actor(proved.user.id)
            .detail("passkey", proved.name.clone())
            .detail("step", step);
        audit::record(self.db, event).await;
    }

    /// Records a refused response: `kind` (`sign_in_failed` or `second_factor_failed`) with
    /// the reason; a counter that went back is also its own event and a notice to the owner.
    async fn refused(
        &self,
        user_id: Option<i32>,
        refusal: &Refusal,
        client: &ClientInfo,
        kind: EventKind,
    ) -> Result<(), AppError> {
        let mut event = Event::new(kind, client)
            .detail("reason", refusal.reason())
            .detail("method", "passkey");
        if let Some(id) = user_id {
            event = event.user(id);
        }
        audit::record(self.db, event).await;
        Ok(())
    }
}

/// The end of a verification: on success the passkey's new counter and last use are stored
/// and the user loaded; a counter that did not go up (by webauthn-rs's check against the
/// state, or ours against the stored count, which a concurrent sign-in may have moved since
/// the options were made) is refused, recorded as `passkey_clone_suspected` and told to the
/// owner, in this transaction.
fn verified(
    conn: &mut DbConnection,
    row: PasskeyRow,
    mut key: Passkey,
    result: Result<webauthn_rs::prelude::AuthenticationResult, WebauthnError>,
    witness: &Witness,
) -> Result<Result<Proved, (Option<i32>, Refusal)>, AppError> {
    let user_id = Some(row.user_id);
    let result = match result {
        Ok(result) => result,
        Err(WebauthnError::CredentialPossibleCompromise) => {
            clone_suspected(conn, &row, None, witness)?;
            return Ok(Err((user_id, Refusal::CounterWentBack)));
        }
        Err(e) => return Ok(Err((user_id, Refusal::Invalid(explain(&e))))),
    };
    let count = i64::from(result.counter());
    if (count > 0 || row.sign_count > 0) && count <= row.sign_count {
        clone_suspected(conn, &row, Some(count), witness)?;
        return Ok(Err((user_id, Refusal::CounterWentBack)));
    }
    key.update_credential(&result);
    let stored = serde_json::to_string(&key).map_err(AppError::internal)?;
    PasskeyRow::used(conn, row.id, &stored, count)?;
    let user = User::find(conn, row.user_id)?.ok_or(AppError::NotFound)?;
    Ok(Ok(Proved {
        user,
        name: row.name,
        amr: passkey::amr(result.backup_eligible()),
    }))
}

fn clone_suspected(
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
    outbox::enqueue(conn, &witness.notifier.render(&notice)?)?;
    Ok(())
}

/// Stores a ceremony's state under its challenge's hash, for [`CEREMONY_SECONDS`] (the
/// second step's at most as long as its `mfa_token`).
fn store(
    conn: &mut DbConnection,
    challenge: &[u8],
    purpose: Purpose,
    user_id: Option<i32>,
    mfa_token_hash: Option<&str>,
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
            mfa_token_hash,
            state: &state,
            ttl: time::Duration::seconds(seconds),
        },
    )?;
    Ok(())
}

/// Takes the ceremony the client data's challenge names, for `purpose`.
fn take(
    conn: &mut DbConnection,
    client_data_json: &[u8],
    purpose: Purpose,
) -> Result<Option<Ceremony>, AppError> {
    let Some(challenge) = passkey::challenge_of(client_data_json) else {
        return Ok(None);
    };
    Ok(Ceremony::take(
        conn,
        &passkey::challenge_hash(&challenge),
        purpose,
    )?)
}

fn parse_state<T: serde::de::DeserializeOwned>(stored: &str) -> Result<T, AppError> {
    serde_json::from_str(stored).map_err(AppError::internal)
}

fn stored_keys(rows: &[PasskeyRow]) -> Vec<Passkey> {
    rows.iter()
        .filter_map(|r| serde_json::from_str(&r.credential).ok())
        .collect()
}

/// webauthn-rs's reason, in words a client developer can act on.
fn explain(e: &WebauthnError) -> String {
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
