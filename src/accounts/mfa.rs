//! The second factor: enrolling an authenticator app (TOTP) with its recovery codes, signing
//! in with it after the password, proving it is you again before a sensitive change, and
//! turning it off. Every code is checked and used up inside the transaction that relies on it,
//! so a code, a recovery code or an `mfa_token` works once even when requests race.

mod enrolment;
mod owner;

pub use enrolment::Enrolment;
pub use owner::{OwnerProof, OwnerProofRequest, PROOF_NEEDED};

use super::notices;
use super::refusal::SignInRefusal;
use super::sessions::StartedSession;
use super::throttle;
use super::Accounts;
use crate::audit::{self, Event, EventKind};
use crate::auth::refresh;
use crate::auth::tokens::TokenPair;
use crate::auth::totp::{FactorCode, SecretBox};
use crate::db::mfa::{self, Challenge, TotpRow, MAX_FAILURES};
use crate::db::users::User;
use crate::db::{outbox, write_transaction};
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;
use crate::mail::Context;
use codes::{check_code, jwt_now, stale_secret, wrong_code, Proved};

mod codes;

/// How long an `mfa_token` lives.
pub const MFA_TOKEN_MINUTES: i64 = 5;

/// Wrong second-factor codes a user may collect in [`FAILURE_WINDOW_MINUTES`] (over all their
/// `mfa_token`s, from any address) before new sign-ins wait.
pub const MAX_RECENT_FAILURES: i64 = 20;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

/// 429 when the user has had [`MAX_RECENT_FAILURES`] wrong codes (`second_factor_failed`
/// events, from any address, through any `mfa_token` or re-authentication) in the last
/// [`FAILURE_WINDOW_MINUTES`]: a guesser who knows the password, or holds a stolen token,
/// cannot spread guesses without limit.
fn refuse_after_failures(conn: &mut crate::db::DbConnection, user_id: i32) -> Result<(), AppError> {
    let since = crate::db::now() - time::Duration::minutes(FAILURE_WINDOW_MINUTES);
    let kind = EventKind::SecondFactorFailed.as_str();
    if crate::db::events::EventRow::count_since(conn, user_id, kind, since)? >= MAX_RECENT_FAILURES
    {
        return Err(AppError::TooManyRequests {
            retry_after_secs: FAILURE_WINDOW_MINUTES as u64 * 60,
        });
    }
    Ok(())
}

/// The cap of [`refuse_after_failures`], checked again in the transaction that checks each code
/// (any `mfa_token` of the user, the page, the grant): taking many `mfa_token`s before guessing
/// gives no more guesses. Over the cap, `limited` (a `rate_limited` event) is recorded in that
/// transaction and the 429 is returned for the caller to answer, nothing else having changed.
/// On PostgreSQL the user's row is locked first, so that concurrent guesses through several
/// tokens are counted one after another.
pub(crate) fn failure_cap(
    conn: &mut crate::db::DbConnection,
    user_id: i32,
    limited: &Event,
) -> Result<Option<AppError>, AppError> {
    User::lock(conn, user_id)?;
    match refuse_after_failures(conn, user_id) {
        Ok(()) => Ok(None),
        Err(refused @ AppError::TooManyRequests { .. }) => {
            let event = limited
                .clone()
                .user(user_id)
                .detail("reason", "second_factor_failures");
            audit::record_in(conn, &event);
            Ok(Some(refused))
        }
        Err(e) => Err(e),
    }
}

/// The methods a second step accepts, as `methods` names them: a code always, a passkey when
/// the user has one.
pub fn methods(has_passkey: bool) -> Vec<&'static str> {
    let mut methods = vec!["totp", "recovery_code"];
    if has_passkey {
        methods.push("passkey");
    }
    methods
}

/// What second factors need: the name apps show, and the key that seals secrets at rest.
pub struct SecondFactors {
    pub issuer: String,
    pub secrets: SecretBox,
}

/// Where a right password leads.
#[derive(Debug)]
pub enum SignInStep {
    /// No second factor: the session.
    Done(StartedSession),
    /// A second factor is on: complete the sign-in with this `mfa_token` and one of
    /// `methods` (a code, or a passkey when the user has one).
    SecondFactor {
        mfa_token: String,
        methods: Vec<&'static str>,
    },
}

/// Why a second step did not finish: a refusal (a wrong code, a worn-out `mfa_token`, a
/// passkey refused, an account that may not sign in), or an error.
#[derive(Debug)]
pub enum SecondFactorError {
    Refused(SignInRefusal),
    App(AppError),
}

impl From<AppError> for SecondFactorError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl Accounts {
    /// After a right password: the session, or (with a second factor on) an `mfa_token`.
    pub async fn after_password(
        &self,
        user: &User,
        client: &ClientInfo,
    ) -> Result<SignInStep, AppError> {
        self.after_first_factor(user, client, "pwd", None).await
    }

    /// After a first proof (`first`: `pwd`, or `fed` through outside provider `provider`):
    /// the session, or (with a second factor on) an `mfa_token` whose sign-in keeps `first`
    /// in its `amr`.
    pub async fn after_first_factor(
        &self,
        user: &User,
        client: &ClientInfo,
        first: &'static str,
        provider: Option<&str>,
    ) -> Result<SignInStep, AppError> {
        let user_id = user.id;
        let (mfa_token, token_hash) = refresh::generate();
        let passkeys_on = self.relying_party.is_some();
        let pending = self
            .db
            .run(move |conn| {
                if !TotpRow::is_on(conn, user_id)? {
                    return Ok(None);
                }
                refuse_after_failures(conn, user_id)?;
                let ttl = time::Duration::minutes(MFA_TOKEN_MINUTES);
                Challenge::create(conn, &token_hash, user_id, first, ttl)?;
                let passkeys = crate::db::passkeys::PasskeyRow::count_for_user(conn, user_id)?;
                Ok(Some(methods(passkeys > 0 && passkeys_on)))
            })
            .await;
        let pending = match pending {
            Err(AppError::TooManyRequests { retry_after_secs }) => {
                let event = Event::new(EventKind::RateLimited, client)
                    .user(user_id)
                    .detail("reason", "second_factor_failures");
                audit::record(&self.db, event).await;
                self.metrics.sign_in("rate_limited");
                return Err(AppError::TooManyRequests { retry_after_secs });
            }
            other => other?,
        };
        if let Some(methods) = pending {
            self.metrics.sign_in("mfa_required");
            Ok(SignInStep::SecondFactor { mfa_token, methods })
        } else {
            Ok(SignInStep::Done(
                self.start_session_via(user, client, &[first], provider)
                    .await?,
            ))
        }
    }

    /// Completes a sign-in with its `mfa_token` and a TOTP or recovery code. A wrong code
    /// counts against the token (five end it) and is a security event; a right one uses the
    /// token and the code up in one transaction (the token first, so that a racing request
    /// spends no code), then starts the session (`amr` pwd + otp).
    pub async fn complete_second_factor(
        &self,
        mfa_token: &str,
        code: FactorCode,
        client: &ClientInfo,
    ) -> Result<StartedSession, SecondFactorError> {
        let token_hash = refresh::hash(mfa_token);
        // A code counts against the account's failed sign-ins like a password: inside the
        // account's wait it is refused unchecked (the mfa_token stays as it was).
        let attempt = match self.admit_second_step(&token_hash).await? {
            Some(throttle::Admission::Go(attempt)) => Some(attempt),
            Some(throttle::Admission::Wait { retry_after_secs }) => {
                let refusal = SignInRefusal::Delayed { retry_after_secs };
                return Err(SecondFactorError::Refused(refusal));
            }
            None => None,
        };
        let secrets = self.second_factors.secrets.clone();
        let now = jwt_now();
        let failed = Event::new(EventKind::SecondFactorFailed, client);
        let limited = Event::new(EventKind::RateLimited, client);
        let outcome = self
            .db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    let Some(challenge) = Challenge::live(conn, &token_hash)? else {
                        return Ok(Err(SecondFactorError::Refused(SignInRefusal::BadMfaToken)));
                    };
                    if let Some(refused) = failure_cap(conn, challenge.user_id, &limited)? {
                        return Ok(Err(SecondFactorError::App(refused)));
                    }
                    // Claimed before the code is checked: a request racing on the same token
                    // waits here (or finds it used) and spends no code of its own.
                    if !Challenge::complete(conn, &token_hash)? {
                        return Ok(Err(SecondFactorError::Refused(SignInRefusal::BadMfaToken)));
                    }
                    let user = User::find(conn, challenge.user_id)?.ok_or(AppError::NotFound)?;
                    if user.disabled {
                        // Committed: the token stays spent, as on the passkey path.
                        let refused = SignInRefusal::Disabled;
                        return Ok(Err(SecondFactorError::Refused(refused)));
                    }
                    match check_code(conn, &secrets, user.id, &code, now)? {
                        Some(proved) => Ok(Ok((user, proved, challenge.amr))),
                        None => {
                            // The count and its event commit together: the per-account limit
                            // counts these events.
                            let failures = Challenge::fail(conn, &token_hash)?;
                            let left = (MAX_FAILURES - failures).max(0);
                            let event = failed.user(user.id).detail("tries_left", left);
                            audit::record_in(conn, &event);
                            Ok(Err(SecondFactorError::Refused(SignInRefusal::WrongCode {
                                left,
                            })))
                        }
                    }
                })
            })
            .await;
        // A wrong code's failure stands; anything else that was not a sign-in gives it back.
        match (attempt, &outcome) {
            (
                Some(attempt),
                Ok(Err(SecondFactorError::Refused(SignInRefusal::WrongCode { .. }))),
            ) => self.failed(attempt, client, None).await,
            (Some(attempt), Ok(Err(_)) | Err(_)) => self.refund(attempt).await?,
            _ => {}
        }
        match outcome? {
            Ok((user, proved, first)) => {
                if proved == Proved::RecoveryCode {
                    self.recovery_code_used(&user, client).await?;
                }
                let amr: Vec<&str> = first.split_whitespace().chain(["otp"]).collect();
                Ok(self.start_session(&user, client, &amr).await?)
            }
            Err(e) => {
                match e {
                    SecondFactorError::Refused(SignInRefusal::WrongCode { .. }) => {
                        self.metrics.sign_in("second_factor_failed")
                    }
                    SecondFactorError::App(AppError::TooManyRequests { .. }) => {
                        self.metrics.sign_in("rate_limited")
                    }
                    _ => {}
                }
                Err(e)
            }
        }
    }

    /// Checks a code of a signed-in `user` before `step` (re-authentication, removing a
    /// factor) in one transaction, under the per-account cap on wrong codes: 429 past it (its
    /// event recorded), a 422 on `code` and a `second_factor_failed` event when it is wrong.
    /// A right code is used up, and a recovery code's use is told to the owner.
    async fn check_code_capped(
        &self,
        user: &User,
        code: FactorCode,
        step: &'static str,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        let (user_id, secrets, now) = (user.id, self.second_factors.secrets.clone(), jwt_now());
        let limited = Event::new(EventKind::RateLimited, client);
        let failed = Event::new(EventKind::SecondFactorFailed, client)
            .user(user_id)
            .detail("step", step);
        let proved = self
            .db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    if let Some(refused) = failure_cap(conn, user_id, &limited)? {
                        return Ok(Err(refused));
                    }
                    match check_code(conn, &secrets, user_id, &code, now)? {
                        Some(proved) => Ok(Ok(proved)),
                        None => {
                            audit::record_in(conn, &failed);
                            Ok(Err(wrong_code()))
                        }
                    }
                })
            })
            .await??;
        if proved == Proved::RecoveryCode {
            self.recovery_code_used(user, client).await?;
        }
        Ok(())
    }

    async fn recovery_code_used(&self, user: &User, client: &ClientInfo) -> Result<(), AppError> {
        let user_id = user.id;
        let left = self
            .db
            .run(move |conn| Ok(mfa::recovery_codes_left(conn, user_id)?))
            .await?;
        let notice = notices::recovery_code_used(&user.email, left, &Context::of(client));
        let message = self.notifier.render(&notice, user.locale())?;
        let event = Event::new(EventKind::RecoveryCodeUsed, client)
            .user(user_id)
            .detail("codes_left", left);
        self.db
            .run(move |conn| {
                outbox::enqueue(conn, &message)?;
                audit::record_in(conn, &event);
                Ok(())
            })
            .await?;
        self.notifier.wake();
        Ok(())
    }

    /// Whether the user has a second factor on.
    pub async fn second_factor_on(&self, user_id: i32) -> Result<bool, AppError> {
        self.db
            .run(move |conn| Ok(TotpRow::is_on(conn, user_id)?))
            .await
    }

    /// Proves it is the user again in session `sid`: the password, and a code when a second
    /// factor is on (422 on `code` when it is missing). Renews the session's `auth_time`.
    pub async fn reauthenticate(
        &self,
        user: &User,
        sid: &str,
        password: String,
        code: Option<FactorCode>,
        client: &ClientInfo,
    ) -> Result<TokenPair, AppError> {
        // Counted with the account's failed sign-ins: inside its wait, refused unchecked.
        let attempt = match self.admit(throttle::Subject::Account(user.id)).await? {
            throttle::Admission::Go(attempt) => attempt,
            throttle::Admission::Wait { retry_after_secs } => {
                return Err(AppError::SignInDelayed { retry_after_secs })
            }
        };
        // No password (an account made through a provider): the dummy hash, never a match.
        let stored = Some(user.password_hash.clone()).filter(|_| user.has_password());
        let right = self.passwords.verify(password, stored).await?;
        if !right {
            self.failed(attempt, client, None).await;
            let event = Event::new(EventKind::SignInFailed, client)
                .user(user.id)
                .detail("reason", "wrong_password")
                .detail("step", "reauthenticate");
            audit::record(&self.db, event).await;
            return Err(AppError::Forbidden(crate::accounts::WRONG_PASSWORD.into()));
        }
        let mut amr = vec!["pwd"];
        if self.second_factor_on(user.id).await? {
            let Some(code) = code else {
                self.refund(attempt).await?;
                return Err(FieldErrors::single(
                    "code",
                    "Two-step sign-in is on: enter the code from your authenticator app (or a \
                     recovery code).",
                )
                .into());
            };
            let checked = self
                .check_code_capped(user, code, "reauthenticate", client)
                .await;
            match checked {
                Ok(()) => {}
                // A wrong code (422 on `code`) is a failure; a 429 of the code cap is not.
                Err(e @ AppError::Validation(_)) => {
                    self.failed(attempt, client, None).await;
                    return Err(e);
                }
                Err(e) => {
                    self.refund(attempt).await?;
                    return Err(e);
                }
            }
            amr.push("otp");
        }
        // Proved again: the count of failed sign-ins ends, as with a sign-in.
        self.clear_sign_in_count(user.id).await?;
        let pair = self.renew_session(user, sid, &amr).await?;
        let event = Event::new(EventKind::Reauthenticated, client)
            .user(user.id)
            .actor(user.id)
            .detail("amr", amr.join(" "));
        audit::record(&self.db, event).await;
        Ok(pair)
    }
}
