//! The device authorization grant's pure rules (RFC 8628; API.md part three, section 1): the
//! user code a person types on a page Sigil serves, and the scopes an approval grants.

use crate::auth::scopes::Scope;

/// The letters of a user code: consonants only, without the easily misread ones, so a code
/// spells no word and reads out loud without doubt (RFC 8628 §6.1).
pub const USER_CODE_ALPHABET: &[u8; 20] = b"BCDFGHJKLMNPQRSTVWXZ";

/// How many letters a user code has: 20⁸ (about 2.6 × 10¹⁰) codes, against guessing paced by
/// the address's login limit and the code's short life.
pub const USER_CODE_LENGTH: usize = 8;

/// The least time between two polls a device is told at the start, in seconds.
pub const INTERVAL_SECONDS: i32 = 5;

/// The words a malformed code gets, under the field.
pub const MALFORMED: &str =
    "Enter the 8 letters your device shows, like BCDF-GHJK (dashes and spaces do not matter).";

/// A user code, normalised: 8 letters of [`USER_CODE_ALPHABET`], upper case, no dash.
#[derive(Clone, PartialEq, Eq)]
pub struct UserCode(String);

impl std::fmt::Debug for UserCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A live user code approves a device: it stays out of logs like any credential.
        f.write_str("UserCode(<redacted>)")
    }
}

impl UserCode {
    /// A new code from the operating system's generator. Each letter is drawn without bias:
    /// a byte at or past 240 (12 × 20) is drawn again.
    pub fn generate() -> Self {
        use rand_core::RngCore as _;
        let mut code = String::with_capacity(USER_CODE_LENGTH);
        let mut byte = [0u8; 1];
        while code.len() < USER_CODE_LENGTH {
            rand_core::OsRng.fill_bytes(&mut byte);
            if byte[0] < 240 {
                code.push(char::from(USER_CODE_ALPHABET[usize::from(byte[0] % 20)]));
            }
        }
        Self(code)
    }

    /// A code as a person typed it: case, spaces and dashes do not matter. Anything else
    /// that is not 8 letters of the alphabet is refused with [`MALFORMED`].
    pub fn parse(typed: &str) -> Result<Self, &'static str> {
        if typed.len() > 64 {
            return Err(MALFORMED);
        }
        let code: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let well_formed =
            code.len() == USER_CODE_LENGTH && code.bytes().all(|b| USER_CODE_ALPHABET.contains(&b));
        if !well_formed {
            return Err(MALFORMED);
        }
        Ok(Self(code))
    }

    /// The stored form: 8 letters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As people see it: `XXXX-XXXX`.
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..4], &self.0[4..])
    }
}

/// What an approval by this user grants of `asked` (space-separated): every scope, except
/// `admin:*` for someone who is not an administrator, which is dropped, not refused, as in the
/// code flow (the token response says what was granted).
pub fn granted_scope(asked: &str, is_admin: bool) -> Vec<String> {
    asked
        .split(' ')
        .filter(|s| !s.is_empty())
        .filter(|s| is_admin || !Scope::parse(s).is_some_and(Scope::is_admin))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_code_is_eight_letters_of_the_alphabet_and_shown_with_a_dash() {
        let code = UserCode::generate();
        assert_eq!(code.as_str().len(), USER_CODE_LENGTH);
        assert!(code
            .as_str()
            .bytes()
            .all(|b| USER_CODE_ALPHABET.contains(&b)));
        let shown = code.display();
        assert_eq!(shown.len(), 9);
        assert_eq!(&shown[4..5], "-");
        assert_eq!(UserCode::parse(&shown), Ok(code));
        // Two draws differ (a clash is 1 in 2.6 × 10¹⁰).
        assert_ne!(UserCode::generate(), UserCode::generate());
    }

    #[test]
    fn every_letter_comes_up() {
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            seen.extend(UserCode::generate().as_str().bytes());
        }
        assert_eq!(seen.len(), 20);
    }

    #[test]
    fn typing_ignores_case_spaces_and_dashes_and_nothing_else() {
        let code = UserCode::parse("BCDF-GHJK").unwrap();
        for typed in [
            "bcdfghjk",
            " bcdf ghjk ",
            "Bc-Df-Gh-Jk",
            "BCDF\tGHJK",
            "BCDF--GHJK",
        ] {
            assert_eq!(UserCode::parse(typed).as_ref(), Ok(&code), "{typed:?}");
        }
        for bad in [
            "",
            "BCDF-GHJ",
            "BCDF-GHJKL",
            "BCDF-GHJA",  // a vowel
            "BCDF-GHJ1",  // a digit
            "BCDF_GHJK",  // another separator
            "ВCDF-GHJK",  // a Cyrillic В
            "BCDFGHJK\0", // a control character
        ] {
            assert_eq!(UserCode::parse(bad), Err(MALFORMED), "{bad:?}");
        }
        assert!(UserCode::parse(&"-".repeat(65)).is_err());
        assert_eq!(format!("{code:?}"), "UserCode(<redacted>)");
    }

    #[test]
    fn an_approval_drops_admin_scopes_for_someone_not_an_administrator() {
        let asked = "openid admin:read posts:read";
        assert_eq!(granted_scope(asked, false), ["openid", "posts:read"]);
        assert_eq!(
            granted_scope(asked, true),
            ["openid", "admin:read", "posts:read"]
        );
    }
}
