use std::fmt;

/// 3–32 characters of `[A-Za-z0-9_.-]`. Unique without regard to case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim();
        let len = value.chars().count();
        if !(3..=32).contains(&len) {
            return Err("Username must be 3 to 32 characters long.".into());
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        {
            return Err("Username may only contain letters, digits, '_', '.' and '-'.".into());
        }
        Ok(Self(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An address with one `@`, a local part and a dotted domain; stored lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim().to_lowercase();
        let invalid = || Err("Enter a valid email address, like name@example.com.".into());
        if value.is_empty() || value.len() > 254 {
            return invalid();
        }
        let Some((local, domain)) = value.split_once('@') else {
            return invalid();
        };
        let domain_ok = !domain.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.chars().any(|c| {
                c.is_whitespace()
                    || c.is_control()
                    || c == '@'
                    || c == '"'
                    || c == '<'
                    || c == '>'
                    || c == ','
            });
        if !domain_ok || !local_ok {
            return invalid();
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 8–72 bytes (bcrypt's limit; longer is refused, never truncated).
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MAX_BYTES: usize = 72;

    /// A password typed to prove who one is (at login, or the current one when changing it):
    /// present, and not over bcrypt's limit, which is refused rather than truncated.
    pub fn check_candidate(candidate: &str) -> Result<(), String> {
        if candidate.is_empty() {
            Err("This field is required.".into())
        } else if candidate.len() > Self::MAX_BYTES {
            Err(format!(
                "Password must be at most {} bytes.",
                Self::MAX_BYTES
            ))
        } else {
            Ok(())
        }
    }

    /// The length rule of [`password_reason`](crate::error::password_reason), with its
    /// messages ("Use at least 8 characters.", "Use at most 72 bytes."); the other rules need
    /// the account, so the flows apply them.
    pub fn parse(raw: &str) -> Result<Self, String> {
        crate::error::password_reason::length(raw).map_err(|r| r.message().to_string())?;
        if raw.contains('\0') {
            return Err("Password must not contain a NUL character.".into());
        }
        Ok(Self(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// [`Password::parse`] for the pages: the same rule, but an over-long password is refused
    /// in words a person knows (characters, not bytes). The JSON API keeps `parse`'s message.
    pub fn parse_in_words(raw: &str) -> Result<Self, String> {
        Self::parse(raw).map_err(|message| match raw.len() > Self::MAX_BYTES {
            true => Self::too_long_in_words(raw),
            false => message,
        })
    }

    /// Why `raw` is too long, for the pages. bcrypt takes 72 bytes: 72 plain letters or
    /// digits, but an accented letter takes two and many symbols three or four.
    pub fn too_long_in_words(raw: &str) -> String {
        let characters = raw.chars().count();
        if characters > Self::MAX_BYTES {
            return format!(
                "This password is too long: use at most {} characters (yours has {characters}).",
                Self::MAX_BYTES
            );
        }
        format!(
            "This password is too long. The limit is {} plain letters or digits, and accented \
             letters and symbols count as two or more each, so your {characters} characters \
             count as {}. Make it a little shorter.",
            Self::MAX_BYTES,
            raw.len()
        )
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// What a user may do: `user` (everyone) or `admin` (the administration API and pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "user" => Ok(Self::User),
            "admin" => Ok(Self::Admin),
            _ => Err("Role must be \"user\" or \"admin\".".into()),
        }
    }

    /// The stored spelling (the `role` column's CHECK allows exactly these).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Admin => "admin",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("abc").is_ok());
        assert!(Username::parse(&"a".repeat(32)).is_ok());
        assert!(Username::parse(&"a".repeat(33)).is_err());
        assert!(Username::parse("al ice").is_err());
        assert!(Username::parse("alice@x").is_err());
        assert!(Username::parse("émile").is_err());
        assert_eq!(
            Username::parse(" Al.i_ce-1 ").unwrap().as_str(),
            "Al.i_ce-1"
        );
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Alice@Example.COM ").unwrap().as_str(),
            "alice@example.com"
        );
        for bad in [
            "",
            "alice",
            "alice@",
            "@example.com",
            "a@b",
            "a b@c.d",
            "a@b..c",
            "a@@b.c",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_are_limited_in_bytes_not_truncated() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("12345678").is_ok());
        assert!(Password::parse(&"x".repeat(72)).is_ok());
        assert!(Password::parse(&"x".repeat(73)).is_err());
        // 25 three-byte characters are 75 bytes: over the limit though only 25 characters.
        assert!(Password::parse(&"€".repeat(25)).is_err());
        assert!(!format!("{:?}", Password::parse("hunter2hunter2").unwrap()).contains("hunter"));
    }

    #[test]
    fn the_pages_say_too_long_in_characters() {
        let accents = Password::parse_in_words(&"é".repeat(40)).err().unwrap();
        assert!(
            accents.contains("your 40 characters count as 80"),
            "{accents}"
        );
        assert!(!accents.contains("bytes"));
        let plain = Password::parse_in_words(&"x".repeat(80)).err().unwrap();
        assert!(
            plain.contains("at most 72 characters (yours has 80)"),
            "{plain}"
        );
        let short = Password::parse_in_words("short").err().unwrap();
        assert_eq!(short, Password::parse("short").err().unwrap());
    }
}
