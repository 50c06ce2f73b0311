//! Arbitrary bytes through the token inspector's core: it must never panic, whatever it is
//! given. Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run inspect -s none -- -max_total_time=600`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sigil::auth::inspect::inspect;
use sigil::auth::keys::TokenKeys;
use sigil::testing::policy;

fn keys() -> &'static TokenKeys {
    static KEYS: OnceLock<TokenKeys> = OnceLock::new();
    KEYS.get_or_init(|| TokenKeys::hmac(b"fuzzing-secret-0123456789-abcdefghijklmnop"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let now = 1_800_000_000;
    let report = inspect(keys(), &policy(), &text, now);
    // A report is always one of the contract's statuses, and formats.
    assert!(matches!(
        report.status,
        "valid"
            | "expired"
            | "not_yet_valid"
            | "revoked"
            | "invalid_signature"
            | "wrong_algorithm"
            | "wrong_issuer_or_audience"
            | "malformed"
    ));
    debug_formats(&report);
});

fn debug_formats(report: &sigil::auth::inspect::Inspection) {
    let _ = format!("{report:?}");
}
