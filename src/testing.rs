//! Shared by Sigil's own unit tests, integration tests, benchmarks and fuzz target: the token
//! policy they all use and a forger that signs any header and payload JSON, the way an attacker
//! would build a token by hand. Not part of the server; nothing in `src/` outside tests uses it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;

use crate::auth::jwt::{self, Subject, TokenPolicy};
use crate::auth::keys::TokenKeys;

/// A fixed clock for pure tests (2027-01-15).
pub const NOW: i64 = 1_800_000_000;

/// The HS256 secret of [`keys`].
pub const SECRET: &[u8] = b"unit-test-secret-0123456789-abcdefghijklmnop";

/// HS256 keys from [`SECRET`].
pub fn keys() -> TokenKeys {
    TokenKeys::hmac(SECRET)
}

/// The `amr` of a password sign-in.
static PWD: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| vec!["pwd".to_string()]);

/// A genuine access token from [`keys`] and [`policy`], issued at `now`.
pub fn issued(user_id: i32, username: &str, session_id: &str, now: i64) -> String {
    let subject = Subject {
        user_id,
        username,
        session_id,
        auth_time: now,
        amr: &PWD,
    };
    jwt::issue(&keys(), &policy(), &subject, now)
        .expect("HS256 signing cannot fail")
        .0
}

/// The contract's defaults: issuer and audience `sigil`, 30 s leeway, 30 min tokens.
pub fn policy() -> TokenPolicy {
    TokenPolicy {
        issuer: "sigil".into(),
        client_issuer: "http://127.0.0.1:8080".into(),
        audience: "sigil".into(),
        leeway_seconds: 30,
        access_ttl_seconds: 1800,
    }
}

/// How a forged token is signed.
#[derive(Debug, Clone, Copy)]
pub enum Signing<'a> {
    /// An empty third segment, as `alg: none` asks for.
    Unsigned,
    Hs256(&'a [u8]),
    Hs384(&'a [u8]),
    Hs512(&'a [u8]),
}

/// A compact JWS from arbitrary header and payload JSON, signed as `signing` says.
pub fn forge(header: &Value, payload: &Value, signing: Signing<'_>) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let signature = match signing {
        Signing::Unsigned => Vec::new(),
        Signing::Hs256(key) => mac::<hmac::Hmac<sha2::Sha256>>(key, input.as_bytes()),
        Signing::Hs384(key) => mac::<hmac::Hmac<sha2::Sha384>>(key, input.as_bytes()),
        Signing::Hs512(key) => mac::<hmac::Hmac<sha2::Sha512>>(key, input.as_bytes()),
    };
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// HS256 shorthand for [`forge`].
pub fn forge_hs256(header: &Value, payload: &Value, key: &[u8]) -> String {
    forge(header, payload, Signing::Hs256(key))
}

fn mac<M: hmac::Mac + hmac::digest::KeyInit>(key: &[u8], input: &[u8]) -> Vec<u8> {
    let mut m = <M as hmac::Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    m.update(input);
    m.finalize().into_bytes().to_vec()
}

/// The TOTP code an authenticator app would show at `unix_seconds` for a secret given as
/// Sigil shows it (base32), as the tests' authenticator.
pub fn totp_code(base32_secret: &str, unix_seconds: u64) -> String {
    let bytes = totp_rs::Secret::Encoded(base32_secret.to_string())
        .to_bytes()
        .expect("a base32 secret from Sigil");
    crate::auth::totp::TotpSecret::from_bytes(bytes).code_at(unix_seconds)
}

pub mod http_stub;
