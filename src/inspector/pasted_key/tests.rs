//! Every form of key parses into candidates of the right kind; everything else is refused
//! with a message that says what was expected.

use super::*;
use serde_json::Value;

const FIXTURES: &str = include_str!("../../../tests/fixtures/foreign/fixtures.json");

fn fixture(alg: &str) -> Value {
    let all: Value = serde_json::from_str(FIXTURES).unwrap();
    all["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["alg"] == alg)
        .unwrap()
        .clone()
}

fn kind(text: &str) -> KeyKind {
    let key = PastedKey::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    key.candidates[0].kind
}

#[test]
fn every_form_is_read_with_its_kind() {
    let rs = fixture("RS256");
    assert_eq!(
        kind(rs["pem"].as_str().unwrap()),
        KeyKind::Rsa { bits: 2048 }
    );
    assert_eq!(
        kind(rs["private_pem"].as_str().unwrap()),
        KeyKind::Rsa { bits: 2048 }
    );
    assert_eq!(kind(&rs["jwk"].to_string()), KeyKind::Rsa { bits: 2048 });
    let es = fixture("ES256");
    assert_eq!(
        kind(es["pem"].as_str().unwrap()),
        KeyKind::Ec { curve: "P-256" }
    );
    assert_eq!(kind(&es["jwk"].to_string()), KeyKind::Ec { curve: "P-256" });
    assert_eq!(
        kind(fixture("ES384")["pem"].as_str().unwrap()),
        KeyKind::Ec { curve: "P-384" }
    );
    let ed = fixture("EdDSA");
    assert_eq!(kind(ed["pem"].as_str().unwrap()), KeyKind::Ed25519);
    assert_eq!(kind(ed["private_pem"].as_str().unwrap()), KeyKind::Ed25519);
    assert_eq!(kind(&ed["jwk"].to_string()), KeyKind::Ed25519);
    assert_eq!(kind("secret"), KeyKind::Hmac { bytes: 6 });
    assert_eq!(kind("base64:AAEC"), KeyKind::Hmac { bytes: 3 });
    assert_eq!(kind("base64:AAE="), KeyKind::Hmac { bytes: 2 });
    let jwks = PastedKey::parse(&rs["jwks"].to_string()).unwrap();
    assert_eq!(jwks.form, KeyForm::Jwks);
    assert_eq!(jwks.candidates.len(), 2);
    assert_eq!(jwks.candidates[1].kid.as_deref(), Some("rs256-key"));
}

#[test]
fn a_secret_is_taken_byte_for_byte_and_never_printed() {
    let key = PastedKey::parse(" padded secret ").unwrap();
    assert_eq!(key.candidates[0].secret(), Some(&b" padded secret "[..]));
    assert!(!format!("{key:?}").contains("padded"));
}

#[test]
fn keys_that_do_not_parse_say_what_was_expected() {
    let cases = [
        ("", "empty"),
        ("   ", "empty"),
        ("base64:!!!", "base64"),
        (
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
            "PEM",
        ),
        ("-----BEGIN PUBLIC KEY-----\nnot base64\n", "PEM"),
        (
            "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----",
            "not a key",
        ),
        (
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----",
            "encrypted",
        ),
        ("{", "JWK or a JWKS"),
        ("[1]", "secret"), // not JSON-looking: a (weak) secret, parsed as text
        ("{\"a\": 1}", "kty"),
        ("{\"keys\": 3}", "array"),
        ("{\"keys\": []}", "no RSA"),
        ("{\"keys\": [1]}", "keys[0]"),
        (
            "{\"kty\": \"RSA\", \"n\": \"!!\", \"e\": \"AQAB\"}",
            "n is not base64url",
        ),
        ("{\"kty\": \"RSA\", \"e\": \"AQAB\"}", "no n"),
        (
            "{\"kty\": \"RSA\", \"n\": \"AAAA\", \"e\": \"AQAB\"}",
            "positive",
        ),
        (
            "{\"kty\": \"EC\", \"crv\": \"P-256\", \"x\": \"AAAA\", \"y\": \"AAAA\"}",
            "32 bytes",
        ),
        (
            "{\"kty\": \"EC\", \"crv\": \"P-521\", \"x\": \"AA\", \"y\": \"AA\"}",
            "kty/crv",
        ),
        (
            "{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"x\": \"AAAA\"}",
            "32 bytes",
        ),
        ("{\"kty\": \"oct\", \"k\": \"\"}", "empty"),
        ("{\"kty\": 7}", "string"),
    ];
    for (text, expected) in cases {
        match PastedKey::parse(text) {
            Err(e) => assert!(e.contains(expected), "{text:?}: {e}"),
            Ok(k) if expected == "secret" => assert_eq!(k.form, KeyForm::Secret),
            Ok(k) => panic!("{text:?} parsed as {k:?}"),
        }
    }
    let huge = "x".repeat(MAX_KEY_BYTES + 1);
    assert!(PastedKey::parse(&huge).unwrap_err().contains("too large"));
    let many =
        serde_json::json!({"keys": vec![fixture("HS256")["jwk"].clone(); MAX_JWKS_KEYS + 1]});
    assert!(PastedKey::parse(&many.to_string())
        .unwrap_err()
        .contains("at most"));
}

#[test]
fn a_jwks_skips_keys_it_cannot_verify_with() {
    let rs = fixture("RS256");
    let jwks = serde_json::json!({"keys": [
        {"kty": "RSA", "use": "enc", "alg": "RSA-OAEP", "n": rs["jwk"]["n"], "e": "AQAB", "kid": "enc"},
        {"kty": "EC", "crv": "P-521", "x": "AA", "y": "AA"},
        rs["jwk"],
    ]});
    let key = PastedKey::parse(&jwks.to_string()).unwrap();
    assert_eq!(key.candidates.len(), 2);
}
