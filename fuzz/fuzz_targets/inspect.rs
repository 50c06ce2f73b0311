//! Arbitrary bytes through the token inspector's core and the key parsers: it must never panic,
//! whatever it is given. The input is split at its first NUL byte: before it the token, after it
//! the key (an HMAC secret, `base64:…`, PEM, JWK or JWKS) the developer "pasted", then the
//! expected issuer and audience. Run:
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run inspect -s none -- -max_total_time=600`
//! (seed corpus: `fuzz/seeds.sh` writes the fixtures' tokens and keys into `corpus/inspect`).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sigil::inspector::pasted_key::PastedKey;
use sigil::inspector::{encoder, inspect, Checks};
use sigil::auth::keys::TokenKeys;
use sigil::testing::policy;

fn keys() -> &'static TokenKeys {
    static KEYS: OnceLock<TokenKeys> = OnceLock::new();
    KEYS.get_or_init(|| TokenKeys::hmac(b"fuzzing-secret-0123456789-abcdefghijklmnop"))
}

const STATUSES: &[&str] = &[
    "valid",
    "expired",
    "not_yet_valid",
    "revoked",
    "invalid_signature",
    "wrong_algorithm",
    "wrong_issuer_or_audience",
    "malformed",
    "unverified",
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(4, '\0');
    let token = parts.next().unwrap_or_default();
    let key_text = parts.next();
    let issuer = parts.next();
    let audience = parts.next();
    let now = 1_800_000_000;
    // Without a key, as before: Sigil's keys, or unverified for other issuers.
    let report = inspect(keys(), &policy(), token, &Checks::default(), now);
    assert!(STATUSES.contains(&report.status), "{}", report.status);
    let _ = format!("{report:?}");
    let Some(key_text) = key_text else { return };
    let key = PastedKey::parse(key_text);
    if let Ok(key) = &key {
        assert!(!key.candidates.is_empty());
        let checks = Checks {
            key: Some(key),
            expected_issuer: issuer,
            expected_audience: audience,
        };
        let report = inspect(keys(), &policy(), token, &checks, now);
        assert!(STATUSES.contains(&report.status), "{}", report.status);
        // With a pasted key, a token is never vouched for by Sigil's database.
        assert!(report.claims.is_none());
        let _ = format!("{report:?}");
    }
    // The encoder reads the same kinds of text: token as header, issuer as payload.
    let _ = encoder::encode(token, issuer.unwrap_or("{}"), Some(key_text));
});
