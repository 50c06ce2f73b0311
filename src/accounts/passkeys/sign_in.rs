//! Signing in with a passkey: alone (a discoverable credential), or as the second step
//! after a password.

use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyAuthentication, PublicKeyCredential,
    RequestChallengeResponse,
};

use super::ceremony::{parse_state, store, stored_keys, take, verified, Proved, Witness};
use super::Accounts;
use crate::accounts::mfa::SecondFactorError;
use crate::accounts::refusal::PasskeyRefusal;
use crate::accounts::refusal::BAD_MFA_TOKEN;
use crate::accounts::sessions::StartedSession;
use crate::accounts::SignInRefusal;
use crate::audit::{self, Event, EventKind};
use crate::auth::passkey;
use crate::auth::refresh;
use crate::db::mfa::{Challenge, MAX_FAILURES};
use crate::db::passkeys::{PasskeyRow, Purpose};
use crate::db::write_transaction;
use crate::error::{AppError, AuthFailure};
use crate::http::client::ClientInfo;

/// Where a second step with a passkey ended, inside its transaction.
enum Step {
    BadToken,
    Disabled,
    Proved(Proved, String),
    Refused(PasskeyRefusal, i32),
    /// The user's cap on wrong second-factor tries is reached: the 429.
    Limited(AppError),
}

impl Accounts {
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
        let rp = self.rp()?;
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
                    AppError::Unauthorized(AuthFailure::BadCredentials(BAD_MFA_TOKEN.into()))
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
    ) -> Result<Result<StartedSession, SignInRefusal>, AppError> {
        let rp = self.rp()?;
        let witness = self.witness(client);
        let outcome = self
            .db
            .run(move |conn| {
                let taken = write_transaction(conn, |conn| {
                    let data = &credential.response.client_data_json;
                    take(conn, data, Purpose::SignIn, None, None)
                })?;
                let Some(ceremony) = taken else {
                    return Ok(Err((None, PasskeyRefusal::NoCeremony)));
                };
                let state: DiscoverableAuthentication = parse_state(&ceremony.state)?;
                let Ok((handle, raw_id)) = rp.identify_discoverable_authentication(&credential)
                else {
                    let why = "the response names no user handle (not a discoverable passkey)";
                    return Ok(Err((None, PasskeyRefusal::Invalid(why.into()))));
                };
                let row = PasskeyRow::by_credential_id(conn, &passkey::credential_key(raw_id))?;
                let Some(row) = row.filter(|r| r.user_handle == handle.to_string()) else {
                    return Ok(Err((None, PasskeyRefusal::UnknownCredential)));
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
    ) -> Result<StartedSession, SecondFactorError> {
        let rp = self.rp()?;
        let witness = self.witness(client);
        let token_hash = refresh::hash(mfa_token);
        let limited = Event::new(EventKind::RateLimited, client);
        let outcome = self
            .db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    let Some(challenge) = Challenge::live(conn, &token_hash)? else {
                        return Ok(Step::BadToken);
                    };
                    let cap = crate::accounts::mfa::failure_cap(conn, challenge.user_id, &limited);
                    if let Some(refused) = cap? {
                        return Ok(Step::Limited(refused));
                    }
                    if !Challenge::complete(conn, &token_hash)? {
                        return Ok(Step::BadToken);
                    }
                    let user_id = challenge.user_id;
                    let data = &credential.response.client_data_json;
                    let ceremony = take(
                        conn,
                        data,
                        Purpose::SecondFactor,
                        Some(user_id),
                        Some(&token_hash),
                    )?;
                    let row = PasskeyRow::by_credential_id(
                        conn,
                        &passkey::credential_key(&credential.raw_id),
                    )?
                    .filter(|r| r.user_id == user_id);
                    let proved = match (ceremony, row) {
                        (None, _) => Err((Some(user_id), PasskeyRefusal::NoCeremony)),
                        (_, None) => Err((Some(user_id), PasskeyRefusal::UnknownCredential)),
                        (Some(ceremony), Some(row)) => {
                            let state: PasskeyAuthentication = parse_state(&ceremony.state)?;
                            let key: Passkey = parse_state(&row.credential)?;
                            let result = rp.finish_passkey_authentication(&credential, &state);
                            verified(conn, row, key, result, &witness)?
                        }
                    };
                    match proved {
                        // Committed, not rolled back: the token, the ceremony and the counter
                        // stay used, so this answer cannot be replayed once re-enabled.
                        Ok(proved) if proved.user.disabled => Ok(Step::Disabled),
                        Ok(proved) => Ok(Step::Proved(proved, challenge.amr)),
                        Err((_, refusal)) => {
                            // The count and its event commit together, as for a wrong code:
                            // the per-account limit counts these events.
                            let failures = Challenge::fail(conn, &token_hash)?;
                            let left = (MAX_FAILURES - failures).max(0);
                            let kind = EventKind::SecondFactorFailed;
                            let event = refusal_event(kind, &witness.client, &refusal)
                                .user(user_id)
                                .detail("tries_left", left);
                            audit::record_in(conn, &event);
                            Ok(Step::Refused(refusal, left))
                        }
                    }
                })
            })
            .await?;
        match outcome {
            Step::BadToken => Err(SecondFactorError::Refused(SignInRefusal::BadMfaToken)),
            Step::Limited(refused) => {
                self.metrics.sign_in("rate_limited");
                Err(SecondFactorError::App(refused))
            }
            Step::Disabled => Err(SecondFactorError::Refused(SignInRefusal::Disabled)),
            Step::Proved(proved, first) => {
                self.passkey_used(&proved.user, &proved.name, client, "second_factor")
                    .await?;
                let amr: Vec<&str> = first.split_whitespace().chain([proved.amr]).collect();
                Ok(self.start_session(&proved.user, client, &amr).await?)
            }
            Step::Refused(refusal, left) => {
                self.metrics.sign_in("second_factor_failed");
                Err(SecondFactorError::Refused(SignInRefusal::Passkey {
                    refusal,
                    left: Some(left),
                }))
            }
        }
    }

    pub(super) fn witness(&self, client: &ClientInfo) -> Witness {
        Witness {
            notifier: self.notifier.clone(),
            client: client.clone(),
        }
    }

    /// The end of a passkey sign-in: the refusal recorded, or the account's own refusals
    /// (disabled, unverified address), or the session.
    async fn after_passkey(
        &self,
        outcome: Result<Proved, (Option<i32>, PasskeyRefusal)>,
        client: &ClientInfo,
        step: &'static str,
    ) -> Result<Result<StartedSession, SignInRefusal>, AppError> {
        let proved = match outcome {
            Ok(proved) => proved,
            Err((user_id, refusal)) => {
                let mut event = refusal_event(EventKind::SignInFailed, client, &refusal);
                if let Some(id) = user_id {
                    event = event.user(id);
                }
                audit::record(&self.db, event).await;
                self.metrics.sign_in(refusal.reason());
                return Ok(Err(SignInRefusal::Passkey {
                    refusal,
                    left: None,
                }));
            }
        };
        let user = &proved.user;
        let refused_account = if user.disabled {
            Some(SignInRefusal::Disabled)
        } else if self.notifier.settings.require_verified_email && !user.email_verified {
            // Past the hourly number of links, the refusal still says to confirm.
            match self.send_verification(user).await {
                Ok(()) | Err(AppError::TooManyRequests { .. }) => {}
                Err(e) => return Err(e),
            }
            Some(SignInRefusal::EmailNotVerified)
        } else {
            None
        };
        if let Some(refusal) = refused_account {
            let event = Event::new(EventKind::SignInFailed, client)
                .user(user.id)
                .detail("login", user.username.clone())
                .detail("reason", refusal.reason())
                .detail("passkey", proved.name.clone());
            audit::record(&self.db, event).await;
            self.metrics.sign_in(refusal.reason());
            return Ok(Err(refusal));
        }
        self.passkey_used(user, &proved.name, client, step).await?;
        Ok(Ok(self.start_session(user, client, &[proved.amr]).await?))
    }
}

/// A refused response, as an event: why, and that a passkey was tried.
fn refusal_event(kind: EventKind, client: &ClientInfo, refusal: &PasskeyRefusal) -> Event {
    Event::new(kind, client)
        .detail("reason", refusal.reason())
        .detail("method", "passkey")
}
