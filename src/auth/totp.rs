//! Time-based one-time passwords (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps) through
//! the `totp-rs` crate, recovery codes, and the sealing of TOTP secrets at rest. Pure
//! functions of their inputs and the clock they are given.

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use totp_rs::{Algorithm, Secret, TOTP};

/// Seconds in one TOTP step.
pub const STEP_SECONDS: u64 = 30;
/// Digits of a code.
pub const DIGITS: usize = 6;
/// How many recovery codes a user gets at a time.
pub const RECOVERY_CODES: usize = 10;

/// A TOTP shared secret (160 random bits). Its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

impl TotpSecret {
    /// A new secret from the operating system's random source.
    pub fn generate() -> Self {
        let mut bytes = vec![0u8; 20];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
        Self(bytes)
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The secret as authenticator apps take it when typed in: base32 without padding.
    pub fn base32(&self) -> String {
        Secret::Raw(self.0.clone()).to_encoded().to_string()
    }

    fn totp(&self, issuer: &str, account: &str) -> Option<TOTP> {
        TOTP::new(
            Algorithm::SHA1,
            DIGITS,
            1,
            STEP_SECONDS,
            self.0.clone(),
            Some(issuer.replace(':', " ")),
            account.replace(':', " "),
        )
        .ok()
    }

    /// The `otpauth://totp/…` URI an authenticator app reads from the QR code.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        self.totp(issuer, account)
            .map(|t| t.get_url())
            .unwrap_or_default()
    }

    /// The code for the step that contains `unix_seconds`.
    pub fn code_at(&self, unix_seconds: u64) -> String {
        self.totp("Sigil", "user")
            .map(|t| t.generate(unix_seconds))
            .unwrap_or_default()
    }

    /// The time step `code` belongs to, if it is the code of the current step or of the one
    /// just before or after (clock drift); compared in constant time.
    pub fn matching_step(&self, code: &str, unix_seconds: u64) -> Option<i64> {
        let now_step = unix_seconds / STEP_SECONDS;
        let mut found = None;
        for step in [now_step.saturating_sub(1), now_step, now_step + 1] {
            let expected = self.code_at(step * STEP_SECONDS);
            if constant_time_eq(expected.as_bytes(), code.as_bytes()) {
                found = Some(step as i64);
            }
        }
        found
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A QR code of `text` as an SVG image (drawn here, by the `qrcode` crate: no external
/// service, no script).
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// New recovery codes, as shown once to the user: ten of `xxxxx-xxxxx` (50 random bits each,
/// base32 letters and digits that do not look alike).
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
            let chars: String = bytes
                .iter()
                .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// A second-factor code as typed: a TOTP code, or a recovery code.
#[derive(Clone, PartialEq, Eq)]
pub enum FactorCode {
    Totp(String),
    Recovery(String),
}

impl std::fmt::Debug for FactorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FactorCode(<redacted>)")
    }
}

impl FactorCode {
    /// Six digits (spaces allowed, as apps show `123 456`) is a TOTP code; ten letters and
    /// digits (dash and case free) a recovery code; anything else is refused with a message.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if compact.len() == DIGITS && compact.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self::Totp(compact))
        } else if compact.len() == 10 && compact.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(Self::Recovery(compact))
        } else {
            Err("Enter the 6-digit code from your authenticator app, or a recovery code.".into())
        }
    }

    /// A TOTP code only (enrolment is confirmed with one).
    pub fn parse_totp(raw: &str) -> Result<String, String> {
        match Self::parse(raw) {
            Ok(Self::Totp(code)) => Ok(code),
            _ => Err("Enter the 6-digit code your authenticator app shows.".into()),
        }
    }
}

/// Seals TOTP secrets at rest (AES-256-GCM, a random nonce per secret) with a key derived
/// from `SECRET_KEY`: a copy of the database alone does not give away anyone's codes.
#[derive(Clone)]
pub struct SecretBox {
    key: [u8; 32],
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(<redacted>)")
    }
}

impl SecretBox {
    pub fn new(key: &[u8; 32]) -> Self {
        Self { key: *key }
    }

    fn key(&self) -> LessSafeKey {
        let unbound =
            UnboundKey::new(&AES_256_GCM, &self.key).expect("a 32-byte key is valid for AES-256");
        LessSafeKey::new(unbound)
    }

    /// The stored form of a recovery code (dash and case ignored): HMAC-SHA-256 under a key
    /// of its own derived from this box's, so a copy of the database alone cannot be searched
    /// for the 50-bit codes.
    pub fn recovery_code_hash(&self, code: &str) -> String {
        use hmac::Mac as _;
        use sha2::Digest as _;
        let compact: String = code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let key = sha2::Sha256::new()
            .chain_update(b"sigil recovery codes")
            .chain_update(self.key)
            .finalize();
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).expect("any key length");
        mac.update(compact.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// `base64url(nonce ‖ ciphertext ‖ tag)`.
    pub fn seal(&self, secret: &TotpSecret) -> String {
        self.seal_bytes(secret.0.clone(), b"")
    }

    /// A short text sealed like a secret, for a moment in a place that is only signed (the
    /// cookie session): recovery codes between the form that made them and the page that
    /// shows them. `context` is authenticated with it (never a TOTP secret's empty one): only
    /// [`SecretBox::open_text`] with this key and the same context opens it.
    pub fn seal_text(&self, text: &str, context: &str) -> String {
        self.seal_bytes(text.as_bytes().to_vec(), context.as_bytes())
    }

    /// The text [`SecretBox::seal_text`] sealed with this key and `context`, or `None`.
    pub fn open_text(&self, sealed: &str, context: &str) -> Option<String> {
        if context.is_empty() {
            return None;
        }
        String::from_utf8(self.open_bytes(sealed, context.as_bytes())?).ok()
    }

    fn seal_bytes(&self, mut data: Vec<u8>, context: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut nonce);
        self.key()
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context),
                &mut data,
            )
            .expect("sealing a short secret cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        URL_SAFE_NO_PAD.encode(out)
    }

    /// The secret, or `None` when the text was not sealed with this key (say `SECRET_KEY`
    /// changed): that authenticator can no longer be checked.
    pub fn open(&self, sealed: &str) -> Option<TotpSecret> {
        self.open_bytes(sealed, b"").map(TotpSecret)
    }

    fn open_bytes(&self, sealed: &str, context: &[u8]) -> Option<Vec<u8>> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if bytes.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, data) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut data = data.to_vec();
        let key = self.key();
        let plain = key
            .open_in_place(nonce, Aad::from(context), &mut data)
            .ok()?;
        Some(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1: the 20-byte ASCII secret "12345678901234567890" and its
    /// eight-digit codes; the six-digit code is the last six digits of each.
    #[test]
    fn rfc_6238_test_vectors() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890".to_vec());
        let vectors: [(u64, &str); 6] = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, eight) in vectors {
            assert_eq!(secret.code_at(time), eight[2..], "T = {time}");
        }
    }

    #[test]
    fn a_code_matches_its_step_and_the_neighbours_only() {
        let secret = TotpSecret::generate();
        let now = 1_700_000_000u64;
        let step = (now / STEP_SECONDS) as i64;
        let code = secret.code_at(now);
        assert_eq!(secret.matching_step(&code, now), Some(step));
        assert_eq!(
            secret.matching_step(&code, now + 30),
            Some(step),
            "one step late"
        );
        assert_eq!(
            secret.matching_step(&code, now - 30),
            Some(step),
            "one step early"
        );
        assert_eq!(
            secret.matching_step(&code, now + 90),
            None,
            "three steps late"
        );
        assert_eq!(secret.matching_step("000000x", now), None);
    }

    #[test]
    fn uris_and_qr_codes_name_the_issuer_and_account() {
        let secret = TotpSecret::generate();
        let uri = secret.otpauth_uri("Sigil", "alice");
        assert!(uri.starts_with("otpauth://totp/Sigil:alice?"), "{uri}");
        assert!(
            uri.contains(&format!("secret={}", secret.base32())),
            "{uri}"
        );
        assert!(qr_svg(&uri).starts_with("<?xml"));
    }

    #[test]
    fn codes_parse_as_typed() {
        assert_eq!(
            FactorCode::parse(" 123 456 "),
            Ok(FactorCode::Totp("123456".into()))
        );
        assert_eq!(
            FactorCode::parse("ABCDE-fghjk"),
            Ok(FactorCode::Recovery("abcdefghjk".into()))
        );
        for bad in [
            "",
            "12345",
            "1234567",
            "abcde-fghi",
            "abc'de-fghjk",
            "١٢٣٤٥٦",
        ] {
            assert!(FactorCode::parse(bad).is_err(), "{bad:?}");
        }
        assert!(FactorCode::parse_totp("abcde-fghjk").is_err());
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(codes
            .iter()
            .all(|c| matches!(FactorCode::parse(c), Ok(FactorCode::Recovery(_)))));
        let sealer = SecretBox::new(&[3; 32]);
        let hash = sealer.recovery_code_hash(&codes[0]);
        assert_eq!(hash, sealer.recovery_code_hash(&codes[0].to_uppercase()));
        assert_eq!(hash, sealer.recovery_code_hash(&codes[0].replace('-', "")));
        assert_ne!(hash, SecretBox::new(&[4; 32]).recovery_code_hash(&codes[0]));
        assert_ne!(hash, crate::auth::refresh::hash(&codes[0].replace('-', "")));
    }

    #[test]
    fn sealed_secrets_open_only_with_their_key() {
        let secret = TotpSecret::generate();
        let sealed = SecretBox::new(&[1; 32]).seal(&secret);
        assert_eq!(SecretBox::new(&[1; 32]).open(&sealed), Some(secret.clone()));
        assert_eq!(SecretBox::new(&[2; 32]).open(&sealed), None);
        assert_eq!(SecretBox::new(&[1; 32]).open("garbage"), None);
        assert!(!sealed.contains(&secret.base32()));
        assert_eq!(format!("{secret:?}"), "TotpSecret(<redacted>)");
        let text = SecretBox::new(&[1; 32]).seal_text("7 abcd-efgh", "codes|7|sid-a");
        assert!(!text.contains("abcd"));
        assert_eq!(
            SecretBox::new(&[1; 32])
                .open_text(&text, "codes|7|sid-a")
                .as_deref(),
            Some("7 abcd-efgh")
        );
        assert_eq!(
            SecretBox::new(&[2; 32]).open_text(&text, "codes|7|sid-a"),
            None
        );
        // Another user's or session's context, or a TOTP secret's (none), opens nothing.
        assert_eq!(
            SecretBox::new(&[1; 32]).open_text(&text, "codes|7|sid-b"),
            None
        );
        assert!(SecretBox::new(&[1; 32]).open(&text).is_none());
    }
}
