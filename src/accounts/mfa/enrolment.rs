//! Enrolling an authenticator app (TOTP): the secret and its QR code, the confirming code
//! with the ten recovery codes it brings, removing it, and renewing the codes.

use super::super::notices::{self, SecondFactorChange};
use super::super::Accounts;
use super::{jwt_now, stale_secret, wrong_code};
use crate::audit::{self, Event, EventKind};
use crate::auth::totp::{self, FactorCode, TotpSecret};
use crate::db::mfa::{self, TotpRow};
use crate::db::users::User;
use crate::db::{outbox, write_transaction, DbConnection};
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;
use crate::mail::Context;

/// A new authenticator, shown once to be scanned or typed in.
pub struct Enrolment {
    pub secret: String,
    pub otpauth_uri: String,
    pub qr_svg: String,
}

impl Accounts {
    /// How many unused recovery codes the user has while a second factor is on; `None` when
    /// it is off.
    pub async fn recovery_codes_left(&self, user_id: i32) -> Result<Option<i64>, AppError> {
        self.db
            .run(move |conn| {
                if !TotpRow::is_on(conn, user_id)? {
                    return Ok(None);
                }
                Ok(Some(mfa::recovery_codes_left(conn, user_id)?))
            })
            .await
    }

    /// The enrolment waiting for its confirming code, shown again (a wrong code re-renders
    /// the page with the same QR code); `None` when there is none.
    pub async fn pending_enrolment(&self, user: &User) -> Result<Option<Enrolment>, AppError> {
        let user_id = user.id;
        let row = self
            .db
            .run(move |conn| Ok(TotpRow::find(conn, user_id)?))
            .await?;
        let Some(row) = row.filter(|r| r.confirmed_at.is_none()) else {
            return Ok(None);
        };
        let secret = self
            .second_factors
            .secrets
            .open(&row.secret)
            .ok_or_else(stale_secret)?;
        Ok(Some(self.enrolment_of(&secret, user)))
    }

    fn enrolment_of(&self, secret: &TotpSecret, user: &User) -> Enrolment {
        let otpauth_uri = secret.otpauth_uri(&self.second_factors.issuer, &user.username);
        Enrolment {
            secret: secret.base32(),
            qr_svg: totp::qr_svg(&otpauth_uri),
            otpauth_uri,
        }
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
        Ok(self.enrolment_of(&secret, user))
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
        let (codes, hashes) = self.new_recovery_codes();
        let secrets = self.second_factors.secrets.clone();
        let now = jwt_now();
        let change = (SecondFactorChange::Enabled, EventKind::TotpEnabled);
        self.change_second_factor(user, client, change, move |conn, user_id| {
            let pending = TotpRow::find(conn, user_id)?;
            let Some(row) = pending.filter(|r| r.confirmed_at.is_none()) else {
                return Err(AppError::Conflict(
                    "There is no enrolment to confirm: start one first (an authenticator that is \
                     already on needs no confirming)."
                        .into(),
                ));
            };
            let secret = secrets.open(&row.secret).ok_or_else(stale_secret)?;
            let step = secret.matching_step(&code, now);
            if !matches!(step, Some(s) if TotpRow::accept_step(conn, user_id, s, true)?) {
                return Err(wrong_code());
            }
            Ok(mfa::replace_recovery_codes(conn, user_id, &hashes)?)
        })
        .await?;
        Ok(codes)
    }

    /// Turns the second factor off: the authenticator and the recovery codes go. 404 when
    /// it is not on.
    pub async fn disable_totp(&self, user: &User, client: &ClientInfo) -> Result<(), AppError> {
        let change = (SecondFactorChange::Disabled, EventKind::TotpDisabled);
        self.change_second_factor(user, client, change, |conn, user_id| {
            if !TotpRow::is_on(conn, user_id)? || !TotpRow::remove(conn, user_id)? {
                return Err(AppError::NotFound);
            }
            Ok(())
        })
        .await
    }

    /// New recovery codes in place of the old ones (which stop working). 409 when the
    /// second factor is not on.
    pub async fn regenerate_recovery_codes(
        &self,
        user: &User,
        client: &ClientInfo,
    ) -> Result<Vec<String>, AppError> {
        let (codes, hashes) = self.new_recovery_codes();
        let change = (
            SecondFactorChange::CodesRenewed,
            EventKind::RecoveryCodesRegenerated,
        );
        self.change_second_factor(user, client, change, move |conn, user_id| {
            if !TotpRow::is_on(conn, user_id)? {
                return Err(AppError::Conflict(
                    "Two-step sign-in is not on: recovery codes come with an authenticator app."
                        .into(),
                ));
            }
            Ok(mfa::replace_recovery_codes(conn, user_id, &hashes)?)
        })
        .await?;
        Ok(codes)
    }

    /// Ten new recovery codes as shown to the user, and the hashes that are stored.
    fn new_recovery_codes(&self) -> (Vec<String>, Vec<String>) {
        let codes = totp::new_recovery_codes();
        let hashes = codes
            .iter()
            .map(|c| self.second_factors.secrets.recovery_code_hash(c))
            .collect();
        (codes, hashes)
    }

    /// Runs `change` on the user's second factor in one write transaction with the notice of
    /// what changed and its security event (the user as actor), then wakes the mail sender.
    async fn change_second_factor(
        &self,
        user: &User,
        client: &ClientInfo,
        (what, kind): (SecondFactorChange, EventKind),
        change: impl FnOnce(&mut DbConnection, i32) -> Result<(), AppError> + Send + 'static,
    ) -> Result<(), AppError> {
        let notice = self.notifier.render(
            &notices::second_factor_changed(&user.email, what, &Context::of(client)),
            user.locale(),
        )?;
        let event = Event::new(kind, client).user(user.id).actor(user.id);
        let user_id = user.id;
        self.db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    change(conn, user_id)?;
                    outbox::enqueue(conn, &notice)?;
                    audit::record_in(conn, &event);
                    Ok(())
                })
            })
            .await?;
        self.notifier.wake();
        Ok(())
    }
}
