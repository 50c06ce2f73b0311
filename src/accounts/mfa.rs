//! The second factor: enrolling an authenticator app (TOTP) with its recovery codes, signing
//! in with it after the password, proving it is you again before a sensitive change, and
//! turning it off. Every code is checked and used up inside the transaction that relies on it,
//! so a code, a recovery code or an `mfa_token` works once even when requests race.

use super::notices::{self, SecondFactorChange};
use super::Accounts;
use crate::audit::{self, Event, EventKind};
use crate::auth::refresh;
use crate::auth::tokens::TokenPair;
use crate::auth::totp::{self, FactorCode, SecretBox, TotpSecret};
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

/// The methods a second step accepts, as `methods` names them.
pub const METHODS: [&str; 2] = ["totp", "recovery_code"];

/// What second factors need: the name apps show, and the key that seals secrets at rest.
pub struct SecondFactors {
    pub issuer: String,
    pub secrets: SecretBox,
}

/// Where a right password leads.
#[derive(Debug)]
pub enum SignInStep {
    /// No second factor: the session's tokens.
    Done(TokenPair),
    /// A second factor is on: complete the sign-in with this `mfa_token` and a code.
    SecondFactor { mfa_token: String },
}

/// A new authenticator, shown once to be scanned or typed in.
pub struct Enrolment {
    pub secret: String,
    pub otpauth_uri: String,
    pub qr_svg: String,
}

/// Why a second step failed.
#[derive(Debug)]
pub enum SecondFactorError {
    /// The `mfa_token` is unknown, expired, used, or ended by five wrong codes.
    BadToken,
    /// The code is wrong (or a replay); `left` tries remain for this `mfa_token`.
    WrongCode {
        left: i32,
    },
    App(AppError),
}

impl From<AppError> for SecondFactorError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl Accounts<'_> {
    /// After a right password: the session, or (with a second factor on) an `mfa_token`.
    pub async fn after_password(
        &self,
        user: &User,
        client: &ClientInfo,
    ) -> Result<SignInStep, AppError> {
        let user_id = user.id;
        let (mfa_token, token_hash) = refresh::generate();
        let pending = self
            .db
            .run(move |conn| {
                if !TotpRow::is_on(conn, user_id)? {
                    return Ok(false);
                }
                let ttl = time::Duration::minutes(MFA_TOKEN_MINUTES);
                Challenge::create(conn, &token_hash, user_id, "pwd", ttl)?;
                Ok(true)
            })
            .await?;
        if pending {
            Ok(SignInStep::SecondFactor { mfa_token })
        } else {
            Ok(SignInStep::Done(
                self.start_session(user, client, &["pwd"]).await?,
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
    ) -> Result<TokenPair, SecondFactorError> {
        let token_hash = refresh::hash(mfa_token);
        let secrets = self.second_factors.secrets.clone();
        let now = jwt_now();
        let outcome = self
            .db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    let Some(challenge) = Challenge::live(conn, &token_hash)? else {
                        return Ok(Err(SecondFactorError::BadToken));
                    };
                    // Claimed before the code is checked: a request racing on the same token
                    // waits here (or finds it used) and spends no code of its own.
                    if !Challenge::complete(conn, &token_hash)? {
                        return Ok(Err(SecondFactorError::BadToken));
                    }
                    let user = User::find(conn, challenge.user_id)?.ok_or(AppError::NotFound)?;
                    if user.disabled {
                        return Err(AppError::AccountDisabled);
                    }
                    match check_code(conn, &secrets, user.id, &code, now)? {
                        Some(proved) => Ok(Ok((user, proved, challenge.amr))),
                        None => {
                            let failures = Challenge::fail(conn, &token_hash)?;
                            let left = (MAX_FAILURES - failures).max(0);
                            Ok(Err(SecondFactorError::WrongCode { left }))
                        }
                    }
                })
            })
            .await?;
        match outcome {
            Ok((user, proved, first)) => {
                if proved == Proved::RecoveryCode {
                    self.recovery_code_used(&user, client).await?;
                }
                let amr: Vec<&str> = first.split_whitespace().chain(["otp"]).collect();
                Ok(self.start_session(&user, client, &amr).await?)
            }
            Err(SecondFactorError::WrongCode { left }) => {
                let user_id = self.challenge_user(mfa_token).await?;
                let mut event =
                    Event::new(EventKind::SecondFactorFailed, client).detail("tries_left", left);
                if let Some(id) = user_id {
                    event = event.user(id);
                }
                audit::record(self.db, event).await;
                Err(SecondFactorError::WrongCode { left })
            }
            Err(e) => Err(e),
        }
    }

    /// The user an `mfa_token` belongs to, used or not (for the event of a wrong code).
    async fn challenge_user(&self, mfa_token: &str) -> Result<Option<i32>, AppError> {
        let token_hash = refresh::hash(mfa_token);
        self.db
            .run(move |conn| Ok(Challenge::user_of(conn, &token_hash)?))
            .await
    }

    async fn recovery_code_used(&self, user: &User, client: &ClientInfo) -> Result<(), AppError> {
        let user_id = user.id;
        let left = self
            .db
            .run(move |conn| Ok(mfa::recovery_codes_left(conn, user_id)?))
            .await?;
        let notice = notices::recovery_code_used(&user.email, left, &Context::of(client));
        let message = self.notifier.render(&notice)?;
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

    /// Starts enrolling an authenticator: a new secret (unconfirmed until a code from it is
    /// given). 409 when one is already on.
    pub async fn enrol_totp(&self, user: &User) -> Result<Enrolment, AppError> {
        let secret = TotpSecret::generate();
        let sealed = self.second_factors.secrets.seal(&secret);
        let user_id = user.id;
        let started = self
            .db
            .run(move |conn| {
                Ok(write_transaction(conn, |conn| {
                    TotpRow::begin(conn, user_id, &sealed)
                })?)
            })
            .await?;
        if !started {
            return Err(AppError::Conflict(
                "An authenticator app is already on; remove it before adding another.".into(),
            ));
        }
        let otpauth_uri = secret.otpauth_uri(&self.second_factors.issuer, &user.username);
        Ok(Enrolment {
            secret: secret.base32(),
            qr_svg: totp::qr_svg(&otpauth_uri),
            otpauth_uri,
        })
    }

    /// Confirms an enrolment with a code from the new authenticator: the second factor is on
    /// and ten recovery codes are made (returned once; stored as hashes). 409 with nothing to
    /// confirm; 422 on `code` for a wrong code.
    pub async fn confirm_totp(
        &self,
        user: &User,
        code: &str,
        client: &ClientInfo,
    ) -> Result<Vec<String>, AppError> {
        let code = FactorCode::parse_totp(code).map_err(|m| FieldErrors::single("code", m))?;
        let codes = totp::new_recovery_codes();
        let hashes: Vec<String> = codes.iter().map(|c| totp::recovery_code_hash(c)).collect();
        let secrets = self.second_factors.secrets.clone();
        let notice = self.notifier.render(&notices::second_factor_changed(
            &user.email,
            SecondFactorChange::Enabled,
            &Context::of(client),
        ))?;
        let event = Event::new(EventKind::TotpEnabled, client)
            .user(user.id)
            .actor(user.id);
        let (user_id, now) = (user.id, jwt_now());
        self.db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    let pending = TotpRow::find(conn, user_id)?;
                    let Some(row) = pending.filter(|r| r.confirmed_at.is_none()) else {
                        return Err(AppError::Conflict(
                            "There is no enrolment to confirm: start one first (an authenticator \
                             that is already on needs no confirming)."
                                .into(),
                        ));
                    };
                    let secret = secrets.open(&row.secret).ok_or_else(stale_secret)?;
                    let step = secret.matching_step(&code, now);
                    if !matches!(step, Some(s) if TotpRow::accept_step(conn, user_id, s, true)?) {
                        return Err(wrong_code());
                    }
                    mfa::replace_recovery_codes(conn, user_id, &hashes)?;
                    outbox::enqueue(conn, &notice)?;
                    audit::record_in(conn, &event);
                    Ok(())
                })
            })
            .await?;
        self.notifier.wake();
        Ok(codes)
    }

    /// Turns the second factor off: the authenticator and the recovery codes go. 404 when
    /// it is not on.
    pub async fn disable_totp(&self, user: &User, client: &ClientInfo) -> Result<(), AppError> {
        let notice = self.notifier.render(&notices::second_factor_changed(
            &user.email,
            SecondFactorChange::Disabled,
            &Context::of(client),
        ))?;
        let event = Event::new(EventKind::TotpDisabled, client)
            .user(user.id)
            .actor(user.id);
        let user_id = user.id;
        self.db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    if !TotpRow::is_on(conn, user_id)? || !TotpRow::remove(conn, user_id)? {
                        return Err(AppError::NotFound);
                    }
                    outbox::enqueue(conn, &notice)?;
                    audit::record_in(conn, &event);
                    Ok(())
                })
            })
            .await?;
        self.notifier.wake();
        Ok(())
    }

    /// New recovery codes in place of the old ones (which stop working). 409 when the
    /// second factor is not on.
    pub async fn regenerate_recovery_codes(
        &self,
        user: &User,
        client: &ClientInfo,
    ) -> Result<Vec<String>, AppError> {
        let codes = totp::new_recovery_codes();
        let hashes: Vec<String> = codes.iter().map(|c| totp::recovery_code_hash(c)).collect();
        let notice = self.notifier.render(&notices::second_factor_changed(
            &user.email,
            SecondFactorChange::CodesRenewed,
            &Context::of(client),
        ))?;
        let event = Event::new(EventKind::RecoveryCodesRegenerated, client)
            .user(user.id)
            .actor(user.id);
        let user_id = user.id;
        self.db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    if !TotpRow::is_on(conn, user_id)? {
                        return Err(AppError::Conflict(
                            "Two-step sign-in is not on: recovery codes come with an \
                             authenticator app."
                                .into(),
                        ));
                    }
                    mfa::replace_recovery_codes(conn, user_id, &hashes)?;
                    outbox::enqueue(conn, &notice)?;
                    audit::record_in(conn, &event);
                    Ok(())
                })
            })
            .await?;
        self.notifier.wake();
        Ok(codes)
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
        let right = self
            .passwords
            .verify(password, Some(user.password_hash.clone()))
            .await?;
        if !right {
            let event = Event::new(EventKind::SignInFailed, client)
                .user(user.id)
                .detail("reason", "wrong_password")
                .detail("step", "reauthenticate");
            audit::record(self.db, event).await;
            return Err(AppError::Forbidden("The password is incorrect.".into()));
        }
        let mut amr = vec!["pwd"];
        if self.second_factor_on(user.id).await? {
            let Some(code) = code else {
                return Err(FieldErrors::single(
                    "code",
                    "Two-step sign-in is on: enter the code from your authenticator app (or a \
                     recovery code).",
                )
                .into());
            };
            let (user_id, secrets, now) = (user.id, self.second_factors.secrets.clone(), jwt_now());
            let proved = self
                .db
                .run(move |conn| {
                    write_transaction(conn, |conn| check_code(conn, &secrets, user_id, &code, now))
                })
                .await?;
            match proved {
                None => {
                    let event = Event::new(EventKind::SecondFactorFailed, client)
                        .user(user.id)
                        .detail("step", "reauthenticate");
                    audit::record(self.db, event).await;
                    return Err(wrong_code());
                }
                Some(Proved::RecoveryCode) => self.recovery_code_used(user, client).await?,
                Some(Proved::Totp) => {}
            }
            amr.push("otp");
        }
        let pair = self.tokens.reauthenticate(self.db, user, sid, &amr).await?;
        let event = Event::new(EventKind::Reauthenticated, client)
            .user(user.id)
            .actor(user.id)
            .detail("amr", amr.join(" "));
        audit::record(self.db, event).await;
        Ok(pair)
    }
}
