//! Keys a developer pastes into the inspector to check a token from another issuer: an HMAC
//! secret (text, or base64url after `base64:`), a PEM public key, certificate or private key, a
//! JWK or a JWKS. Parsed once into [`PastedKey`]; a key that does not parse is an error that
//! names what was expected. Nothing here is stored or logged, and `Debug` never shows a secret.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;

mod candidate;
mod jwk;
mod pem_key;

pub use candidate::{needed_for, CandidateKey, KeyForm, KeyKind, PastedKey};
pub use jwk::MAX_JWKS_KEYS;

/// The largest key text accepted (a JWKS of a few dozen RSA keys fits).
pub const MAX_KEY_BYTES: usize = 64 * 1024;

impl PastedKey {
    /// Parses a key as pasted. Surrounding whitespace is ignored for PEM and JSON; a secret is
    /// taken byte for byte. The error says what was expected.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.len() > MAX_KEY_BYTES {
            return Err(format!(
                "The key is too large ({} bytes; at most {MAX_KEY_BYTES}).",
                text.len()
            ));
        }
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(
                "The key is empty: paste a secret, a PEM public key, a JWK or a JWKS.".into(),
            );
        }
        if trimmed.starts_with("-----BEGIN") {
            return pem_key::pem_key(trimmed);
        }
        if trimmed.starts_with('{') {
            return jwk::json_key(trimmed);
        }
        let secret = match text.strip_prefix("base64:") {
            Some(encoded) => decode_base64(encoded.trim()).ok_or(
                "After base64: comes the secret in base64url (or base64); this is not valid base64.",
            )?,
            None => text.as_bytes().to_vec(),
        };
        if secret.is_empty() {
            return Err("The HMAC secret is empty.".into());
        }
        Ok(Self {
            form: KeyForm::Secret,
            candidates: vec![candidate::hmac(secret, None, None)],
        })
    }
}

/// base64url without padding, or with it, or standard base64: secrets are shared all three ways.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .or_else(|_| STANDARD.decode(text))
        .ok()
}

#[cfg(test)]
mod tests;
