//! Why a new password is refused (`password_reason`, API.md part three §4), and the length
//! rule, which every other rule follows: here, beside the error they become, so that the
//! domain's `Password` and the error's face both read them without reaching into the
//! account use-cases (see `accounts::password_policy` for the other rules).

use super::{AppError, FieldErrors};

/// Why a new password is refused: `password_reason` in the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    TooShort,
    TooLong,
    Context,
    Common,
    Breached,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TooShort => "too_short",
            Self::TooLong => "too_long",
            Self::Context => "context",
            Self::Common => "common",
            Self::Breached => "breached",
        }
    }

    /// The message under the password's field.
    pub fn message(self) -> &'static str {
        match self {
            Self::TooShort => "Use at least 8 characters.",
            Self::TooLong => "Use at most 72 bytes.",
            Self::Context => {
                "This password is too close to your username, e-mail address or this site's name."
            }
            Self::Common => "This password is one of the most commonly used; choose another.",
            Self::Breached => "This password has appeared in a data breach; choose another.",
        }
    }

    /// The `422` answer for `field` (`password` or `new_password`).
    pub fn refusal(self, field: &'static str) -> AppError {
        AppError::PasswordRefused {
            field,
            reason: self.as_str(),
            message: self.message().to_string(),
        }
    }
}

/// The fewest characters a password may have.
pub const MIN_CHARS: usize = 8;
/// The most bytes: bcrypt's limit. Longer is refused, never truncated.
pub const MAX_BYTES: usize = 72;

/// The length rule: 8 characters at least, 72 bytes at most.
pub fn length(password: &str) -> Result<(), Reason> {
    if password.chars().count() < MIN_CHARS {
        Err(Reason::TooShort)
    } else if password.len() > MAX_BYTES {
        Err(Reason::TooLong)
    } else {
        Ok(())
    }
}

/// The `password_reason` of a `422` whose field errors hold a length rule's message under
/// `password` or `new_password` (the length is checked where the body is parsed, beside the
/// other fields).
pub fn reason_in(errors: &FieldErrors) -> Option<&'static str> {
    ["password", "new_password"]
        .into_iter()
        .filter_map(|field| errors.first(field))
        .find_map(|message| {
            [Reason::TooShort, Reason::TooLong]
                .into_iter()
                .find(|r| r.message() == message)
        })
        .map(Reason::as_str)
}
