//! Checking a second-factor code inside the transaction that relies on it, and the errors a
//! code or a sealed secret can give.

use crate::auth::totp::{FactorCode, SecretBox};
use crate::db::mfa::{self, TotpRow};
use crate::db::DbConnection;
use crate::error::{AppError, FieldErrors};

/// Which code proved the second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Proved {
    Totp,
    RecoveryCode,
}

/// Checks a code for the user: a TOTP code of an unused step (±1 step of drift), or one of
/// their unused recovery codes; uses it up. `None` when it is not right.
pub(super) fn check_code(
    conn: &mut DbConnection,
    secrets: &SecretBox,
    user_id: i32,
    code: &FactorCode,
    now: u64,
) -> Result<Option<Proved>, AppError> {
    match code {
        FactorCode::Totp(code) => {
            let Some(row) = TotpRow::find(conn, user_id)?.filter(|r| r.confirmed_at.is_some())
            else {
                return Ok(None);
            };
            let secret = secrets.open(&row.secret).ok_or_else(stale_secret)?;
            match secret.matching_step(code, now) {
                Some(step) if TotpRow::accept_step(conn, user_id, step, false)? => {
                    Ok(Some(Proved::Totp))
                }
                _ => Ok(None),
            }
        }
        FactorCode::Recovery(code) => {
            let hash = secrets.recovery_code_hash(code);
            Ok(mfa::use_recovery_code(conn, user_id, &hash)?.then_some(Proved::RecoveryCode))
        }
    }
}

pub(super) fn jwt_now() -> u64 {
    crate::auth::jwt::unix_now().max(0) as u64
}

pub(super) fn wrong_code() -> AppError {
    FieldErrors::single(
        "code",
        "That code is not right (or was used already): enter the code your authenticator app \
         shows now.",
    )
    .into()
}

/// A sealed secret that does not open: `SECRET_KEY` changed since enrolment.
pub(super) fn stale_secret() -> AppError {
    AppError::internal(
        "a TOTP secret does not open with the current SECRET_KEY; the user must sign in with a \
         recovery code and enrol again",
    )
}
