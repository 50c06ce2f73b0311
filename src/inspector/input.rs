//! What the inspector is asked, read the same way from the page's form, the JSON API and the
//! CLI: the token, and optionally a key, an expected issuer and an expected audience.

use super::foreign::Checks;
use super::pasted_key::PastedKey;
use crate::error::FieldErrors;

/// The longest token the inspector reads (a JWT with a large payload is a few KiB).
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;
/// The longest expected issuer or audience.
pub const MAX_NAME_BYTES: usize = 2048;

/// A parsed inspector request. Blank optional fields count as not given. No `Debug`: it
/// holds a token and perhaps a secret.
pub struct InspectInput {
    pub token: String,
    pub key: Option<PastedKey>,
    pub expected_issuer: Option<String>,
    pub expected_audience: Option<String>,
}

impl InspectInput {
    /// Parses the four fields; every problem is reported under its field's name, and a key
    /// that does not parse says what was expected.
    pub fn parse(
        token: Option<&str>,
        key: Option<&str>,
        expected_issuer: Option<&str>,
        expected_audience: Option<&str>,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let token = match token.map(str::trim) {
            None | Some("") => {
                errors.add("token", "Paste a token to inspect.");
                None
            }
            Some(t) if t.len() > MAX_TOKEN_BYTES => {
                errors.add(
                    "token",
                    format!("The token is too long (at most {MAX_TOKEN_BYTES} bytes)."),
                );
                None
            }
            Some(t) => Some(t.to_string()),
        };
        let key = match key.filter(|k| !k.trim().is_empty()) {
            None => Some(None),
            Some(k) => errors.take("key", PastedKey::parse(k)).map(Some),
        };
        let mut name = |field: &str, value: Option<&str>| match value.map(str::trim) {
            None | Some("") => Some(None),
            Some(v) if v.len() > MAX_NAME_BYTES => {
                errors.add(field, format!("At most {MAX_NAME_BYTES} bytes."));
                None
            }
            Some(v) => Some(Some(v.to_string())),
        };
        let issuer = name("expected_issuer", expected_issuer);
        let audience = name("expected_audience", expected_audience);
        errors.finish(|| {
            Some(Self {
                token: token?,
                key: key?,
                expected_issuer: issuer?,
                expected_audience: audience?,
            })
        })
    }

    /// The checks to run besides the token's own.
    pub fn checks(&self) -> Checks<'_> {
        Checks {
            key: self.key.as_ref(),
            expected_issuer: self.expected_issuer.as_deref(),
            expected_audience: self.expected_audience.as_deref(),
        }
    }
}
