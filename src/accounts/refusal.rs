//! Why a sign-in is refused, whatever the way of signing in (a password on either face, the
//! second step with a code or a passkey, a passkey alone, a refresh, the token endpoint): one
//! type that carries its own sentences and maps once to a problem document, an RFC 6749 error
//! and a page's words. New ways of signing in add variants.

use actix_web::http::StatusCode;

use crate::db::sessions::RefreshRefusal;
use crate::error::{AppError, AuthFailure};

/// What a used, expired, unknown or worn-out `mfa_token` gets.
pub const BAD_MFA_TOKEN: &str =
    "This mfa_token is unknown, expired, already used, or ended after five wrong codes: sign in \
     with the password again.";

/// Why a sign-in is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInRefusal {
    /// Unknown user or wrong password: the same answer, in the same time.
    WrongCredentials,
    /// The proof was right, but `REQUIRE_VERIFIED_EMAIL` is on and the address is not
    /// verified yet. A fresh verification link has been sent (unless the hour's were).
    EmailNotVerified,
    /// The proof was right, but an administrator disabled the account.
    Disabled,
    /// A passkey's answer was refused: alone (`left` is `None`), or as the second step, where
    /// it counts like a wrong code and `left` tries remain for the `mfa_token`.
    Passkey {
        refusal: PasskeyRefusal,
        left: Option<i32>,
    },
    /// The `mfa_token` is unknown, expired, used, or ended by five wrong codes.
    BadMfaToken,
    /// The code is wrong (or a replay); `left` tries remain for this `mfa_token`.
    WrongCode { left: i32 },
    /// The refresh token cannot be used (unknown, expired, revoked, reused).
    Refresh(RefreshRefusal),
    /// Failed sign-ins to this account (or name) set a wait that has not ended: the attempt
    /// was refused without a check, and not counted.
    Delayed { retry_after_secs: u64 },
}

impl SignInRefusal {
    /// What the API says: the problem's `detail`, and the RFC 6749 `error_description`.
    pub fn sentence(&self) -> String {
        match self {
            Self::WrongCredentials => "Incorrect username or password.".into(),
            Self::EmailNotVerified => {
                "Confirm your e-mail address first: a new link has been sent to it.".into()
            }
            Self::Disabled => "This account has been disabled. Contact an administrator.".into(),
            Self::Passkey {
                refusal,
                left: None,
            } => refusal.detail(),
            Self::Passkey {
                refusal,
                left: Some(left),
            } => {
                let left = match left {
                    0 => "This sign-in has ended: sign in with the password again.".to_string(),
                    1 => "1 try is left.".to_string(),
                    n => format!("{n} tries are left."),
                };
                format!("{} {left}", refusal.detail())
            }
            Self::BadMfaToken => BAD_MFA_TOKEN.into(),
            Self::WrongCode { left: 0 } => "The code is not right, and that was the fifth wrong \
                                            one: sign in with the password again."
                .into(),
            Self::WrongCode { left } => format!(
                "The code is not right (or was used already); {left} more tries with this \
                 mfa_token."
            ),
            Self::Refresh(refusal) => refusal.description().into(),
            // One sentence for the API, whichever way the wait reaches it.
            Self::Delayed { retry_after_secs } => AppError::SignInDelayed {
                retry_after_secs: *retry_after_secs,
            }
            .public_detail(),
        }
    }

    /// What a page says to the person signing in.
    pub fn page_sentence(&self) -> String {
        match self {
            Self::EmailNotVerified => {
                "Confirm your e-mail address first: we have sent a new link to it.".into()
            }
            Self::BadMfaToken => "Your sign-in has expired or was already used (it lasts five \
                                  minutes): sign in again."
                .into(),
            Self::WrongCode { left: 0 } => {
                "That code is not right, and it was the fifth wrong one: sign in again.".into()
            }
            Self::WrongCode { left } => {
                let tries = match left {
                    1 => "1 more try".to_string(),
                    n => format!("{n} more tries"),
                };
                format!(
                    "That code is not right (or was used already). {tries}, then you sign in \
                     again."
                )
            }
            Self::Passkey { left: Some(0), .. } => {
                "The passkey was not accepted, and that was the fifth failed try: sign in again."
                    .into()
            }
            Self::Passkey { refusal, .. } => refusal.detail(),
            Self::Delayed { retry_after_secs } => format!(
                "Too many failed sign-ins to this account. Wait {}, then try again, or sign in \
                 with a passkey, or get a reset link with \u{201c}Forgot your password?\u{201d}.",
                super::throttle::wait_in_words(*retry_after_secs)
            ),
            other => other.sentence(),
        }
    }

    /// The wait a [`SignInRefusal::Delayed`] asks for (`Retry-After`).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::Delayed { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// Whether a second step is over (the page starts the sign-in again) rather than
    /// waiting for another code.
    pub fn ends_the_sign_in(&self) -> bool {
        match self {
            Self::WrongCode { left } => *left == 0,
            Self::Passkey { left, .. } => *left == Some(0),
            // The wait ends; the mfa_token may still be live then.
            Self::Delayed { .. } => false,
            _ => true,
        }
    }

    /// The status on every face: 403 for an account that may not sign in although its proof
    /// was right, 401 for a proof that failed.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::EmailNotVerified | Self::Disabled => StatusCode::FORBIDDEN,
            Self::Delayed { .. } => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::UNAUTHORIZED,
        }
    }

    /// The reason the audit trail and the metrics give (`wrong_password` when the name was
    /// known: the caller, which knows, says `unknown_user` otherwise).
    pub fn reason(&self) -> &'static str {
        match self {
            Self::WrongCredentials => "wrong_password",
            Self::EmailNotVerified => "email_not_verified",
            Self::Disabled => "disabled",
            Self::Passkey { refusal, .. } => refusal.reason(),
            Self::BadMfaToken => "mfa_token_unknown",
            Self::WrongCode { .. } => "second_factor_failed",
            Self::Refresh(_) => "refresh_refused",
            Self::Delayed { .. } => "sign_in_delayed",
        }
    }

    /// The problem document (JSON API).
    pub fn problem(&self) -> AppError {
        let detail = self.sentence();
        match self {
            Self::Delayed { retry_after_secs } => AppError::SignInDelayed {
                retry_after_secs: *retry_after_secs,
            },
            Self::Disabled => AppError::SignInRefused {
                problem_type: "/problems/account-disabled",
                detail,
            },
            Self::EmailNotVerified => AppError::SignInRefused {
                problem_type: "/problems/email-not-verified",
                detail,
            },
            // A session past its idle or absolute limit: `invalid_token`, as with an access
            // token of it (API.md part three §4).
            Self::Refresh(RefreshRefusal::TimedOut(_)) => AppError::invalid_token(detail),
            _ => AppError::Unauthorized(AuthFailure::BadCredentials(detail)),
        }
    }

    /// The token endpoint's answer (RFC 6749 §5.2): `invalid_grant`, saying why.
    pub fn oauth(&self) -> AppError {
        let description = match self {
            // No RFC 6749 error says "wait": the same 429 problem as the login's.
            Self::Delayed { .. } => return self.problem(),
            Self::EmailNotVerified => {
                "The e-mail address is not verified; a new link has been sent to it.".into()
            }
            Self::Passkey { refusal, .. } => refusal.detail(),
            other => other.sentence(),
        };
        AppError::oauth("invalid_grant", description)
    }
}

/// Why a passkey response was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasskeyRefusal {
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

impl PasskeyRefusal {
    pub(crate) fn reason(&self) -> &'static str {
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
