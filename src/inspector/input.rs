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
    /// What was taken off the pasted text before it was read (a `Bearer ` prefix, quotes),
    /// said back as a warning so the developer knows the token is not exactly what they gave.
    pub cleaned: Vec<&'static str>,
}

/// A token as developers copy it: out of an `Authorization` header (`Bearer …`), out of JSON or
/// a shell (`"…"`, `'…'`), with line breaks from a terminal. Returns the token and what was
/// removed (surrounding whitespace is not worth mentioning).
pub fn clean_token(raw: &str) -> (String, Vec<&'static str>) {
    let mut removed = Vec::new();
    let mut t = raw.trim();
    for _ in 0..2 {
        let before = t;
        // A whole header line: `Authorization: Bearer …`.
        if let Some(rest) = t
            .get(..14)
            .filter(|p| p.eq_ignore_ascii_case("authorization:"))
            .map(|_| &t[14..])
        {
            t = rest.trim_start();
            if !removed.contains(&"the header's name") {
                removed.push("the header's name");
            }
        }
        // `Bearer` and any whitespace (a space, a tab, a line break).
        if let Some(rest) = t
            .get(..6)
            .filter(|p| p.eq_ignore_ascii_case("bearer"))
            .map(|_| &t[6..])
            .filter(|rest| rest.starts_with(char::is_whitespace))
        {
            t = rest.trim_start();
            if !removed.contains(&"the \"Bearer \" prefix") {
                removed.push("the \"Bearer \" prefix");
            }
        }
        for q in ['"', '\'', '`'] {
            if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
                t = t[1..t.len() - 1].trim();
                if !removed.contains(&"the quotes around it") {
                    removed.push("the quotes around it");
                }
            }
        }
        if t == before {
            break;
        }
    }
    // A JWT or a secret never holds whitespace: a line break from a terminal or an e-mail
    // is not part of it.
    if t.chars().any(char::is_whitespace) {
        removed.push("the spaces and line breaks inside it");
        return (t.chars().filter(|c| !c.is_whitespace()).collect(), removed);
    }
    (t.to_string(), removed)
}

impl InspectInput {
    /// The warning that says what [`clean_token`] removed, if anything.
    pub fn cleaning_warning(&self) -> Option<super::warnings::Warning> {
        let (last, rest) = self.cleaned.split_last()?;
        let list = if rest.is_empty() {
            last.to_string()
        } else {
            format!("{} and {last}", rest.join(", "))
        };
        Some(super::warnings::Warning {
            code: "input_cleaned",
            message: format!(
                "Sigil removed {list} before reading the token: what is inspected is the token \
                 alone. Send it that way too (an Authorization header is \"Bearer \" and the \
                 token, with no quotes)."
            ),
        })
    }
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
        let (token, cleaned) = match token.map(clean_token) {
            Some((t, cleaned)) => (Some(t), cleaned),
            None => (None, Vec::new()),
        };
        let token = match token.as_deref() {
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
                cleaned,
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
