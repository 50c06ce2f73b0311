//! Tokens from other issuers, cross-checked with PyJWT's (tests/fixtures/foreign/make.py), and
//! the warnings and the encoder on them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;

use crate::inspector::pasted_key::PastedKey;
use crate::inspector::{encoder, inspect, Checks, Inspection, Revoked};
use crate::testing::{forge, issued, keys, policy, Signing, NOW};

fn inspect_plain(token: &str, now: i64) -> Inspection {
    inspect(&keys(), &policy(), token, &Checks::default(), now)
}

const FIXTURES: &str = include_str!("../../../tests/fixtures/foreign/fixtures.json");
/// jwt.io's long-standing example token, signed with "your-256-bit-secret".
const JWT_IO: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

fn fixtures() -> Vec<Value> {
    let all: Value = serde_json::from_str(FIXTURES).unwrap();
    all["tokens"].as_array().unwrap().clone()
}

fn with_key(token: &str, key: &str) -> Inspection {
    let key = PastedKey::parse(key).unwrap_or_else(|e| panic!("{key}: {e}"));
    let checks = Checks {
        key: Some(&key),
        ..Checks::default()
    };
    inspect(&keys(), &policy(), token, &checks, NOW)
}

fn codes(r: &Inspection) -> Vec<&'static str> {
    r.warnings.iter().map(|w| w.code).collect()
}

#[test]
fn every_algorithm_verifies_with_its_key_in_every_form_and_fails_with_another() {
    let all = fixtures();
    assert_eq!(all.len(), 12);
    for f in all {
        let alg = f["alg"].as_str().unwrap();
        let token = f["token"].as_str().unwrap();
        let mut right: Vec<String> = vec![f["jwk"].to_string(), f["jwks"].to_string()];
        let wrong: String;
        if let Some(secret) = f["secret"].as_str() {
            right.push(secret.to_string());
            right.push(format!("base64:{}", URL_SAFE_NO_PAD.encode(secret)));
            wrong = f["wrong_secret"].as_str().unwrap().to_string();
        } else {
            right.push(f["pem"].as_str().unwrap().to_string());
            right.push(f["private_pem"].as_str().unwrap().to_string());
            wrong = f["wrong_pem"].as_str().unwrap().to_string();
            let r = with_key(token, &f["wrong_jwk"].to_string());
            assert_eq!(r.status, "invalid_signature", "{alg} with the wrong JWK");
        }
        for key in &right {
            let r = with_key(token, key);
            assert_eq!(r.status, "valid", "{alg} with {key}: {:?}", r.error);
            assert!(r.signature.verified, "{alg}");
            assert_eq!(r.signature.algorithm.as_deref(), Some(alg));
            assert_eq!(r.revoked, Revoked::No);
        }
        let r = with_key(token, &wrong);
        assert_eq!(r.status, "invalid_signature", "{alg} with the wrong key");
        assert!(!r.signature.verified);
        // Without a key the token is shown, never malformed, and not vouched for.
        let r = inspect_plain(token, NOW);
        assert_eq!(r.status, "unverified", "{alg}");
        assert_eq!(r.payload.as_ref().unwrap()["scope"], "read:posts");
        assert!(r.malformed_part.is_none());
    }
}

#[test]
fn a_changed_payload_no_longer_verifies() {
    let f = &fixtures()[3];
    let token = f["token"].as_str().unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    payload["scope"] = "admin".into();
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        parts[2]
    );
    let r = with_key(&forged, f["pem"].as_str().unwrap());
    assert_eq!(r.status, "invalid_signature");
}

#[test]
fn a_key_of_the_wrong_type_is_the_wrong_algorithm_and_says_what_is_needed() {
    let all = fixtures();
    let (hs, rs, es384) = (&all[0], &all[3], &all[10]);
    // An RSA public key for an HMAC token: the algorithm-confusion attack.
    let r = with_key(hs["token"].as_str().unwrap(), rs["pem"].as_str().unwrap());
    assert_eq!(r.status, "wrong_algorithm");
    let error = r.error.unwrap();
    assert!(error.contains("needs an HMAC secret"), "{error}");
    assert!(error.contains("algorithm-confusion"), "{error}");
    // An HMAC secret for an RSA token.
    let r = with_key(
        rs["token"].as_str().unwrap(),
        "a-secret-of-some-length-0123456789",
    );
    assert_eq!(r.status, "wrong_algorithm");
    assert!(r.error.unwrap().contains("needs an RSA public key"));
    // A P-256 key for a P-384 token.
    let r = with_key(
        es384["token"].as_str().unwrap(),
        all[9]["pem"].as_str().unwrap(),
    );
    assert_eq!(r.status, "wrong_algorithm");
    assert!(r.error.unwrap().contains("EC P-384"));
    // A JWK pinned to another algorithm.
    let mut jwk = rs["jwk"].clone();
    jwk["alg"] = "PS256".into();
    let r = with_key(rs["token"].as_str().unwrap(), &jwk.to_string());
    assert_eq!(r.status, "wrong_algorithm");
}

#[test]
fn a_jwks_without_the_tokens_kid_names_the_kids_it_has() {
    let f = &fixtures()[3];
    let jwks = serde_json::json!({"keys": [f["wrong_jwk"]]});
    let r = with_key(f["token"].as_str().unwrap(), &jwks.to_string());
    assert_eq!(r.status, "invalid_signature");
    let error = r.error.unwrap();
    assert!(
        error.contains("\"rs256-key\"") && error.contains("\"other-key\""),
        "{error}"
    );
}

#[test]
fn expected_issuer_and_audience_are_checked_after_the_signature() {
    let f = &fixtures()[9];
    let token = f["token"].as_str().unwrap();
    let key = PastedKey::parse(f["pem"].as_str().unwrap()).unwrap();
    let run = |iss: Option<&str>, aud: Option<&str>| {
        let checks = Checks {
            key: Some(&key),
            expected_issuer: iss,
            expected_audience: aud,
        };
        inspect(&keys(), &policy(), token, &checks, NOW).status
    };
    assert_eq!(
        run(
            Some("https://issuer.example.com/"),
            Some("https://api.example.com")
        ),
        "valid"
    );
    assert_eq!(
        run(Some("https://evil.example/"), None),
        "wrong_issuer_or_audience"
    );
    assert_eq!(run(None, Some("another-api")), "wrong_issuer_or_audience");
    // Sigil's own tokens take the expectations too.
    let own = issued(3, "eve", "s", NOW);
    let checks = Checks {
        expected_audience: Some("another-api"),
        ..Checks::default()
    };
    let r = inspect(&keys(), &policy(), &own, &checks, NOW);
    assert_eq!(r.status, "wrong_issuer_or_audience");
}

#[test]
fn foreign_times_are_checked_with_the_leeway() {
    let secret = "a-long-enough-secret-for-hs256-0123456789";
    let make = |payload: Value| forge(&header_hs256(), &payload, Signing::Hs256(secret.as_bytes()));
    let expired = make(serde_json::json!({"exp": NOW - 31}));
    assert_eq!(with_key(&expired, secret).status, "expired");
    let within = make(serde_json::json!({"exp": NOW - 29}));
    assert_eq!(with_key(&within, secret).status, "valid");
    let early = make(serde_json::json!({"nbf": NOW + 60, "exp": NOW + 600}));
    assert_eq!(with_key(&early, secret).status, "not_yet_valid");
    let bad = make(serde_json::json!({"exp": "tomorrow"}));
    let r = with_key(&bad, secret);
    assert_eq!(r.status, "malformed");
    assert!(r.error.unwrap().contains("exp"));
}

fn header_hs256() -> Value {
    serde_json::json!({"alg": "HS256", "typ": "JWT"})
}

#[test]
fn jwt_io_example_verifies_with_its_secret_and_is_flagged_as_weak() {
    let r = with_key(JWT_IO, "your-256-bit-secret");
    assert_eq!(r.status, "valid", "{:?}", r.error);
    assert!(codes(&r).contains(&"weak_hmac_secret"));
    // Even with no key, Sigil recognises the published secret.
    let r = inspect_plain(JWT_IO, NOW);
    assert_eq!(r.status, "unverified");
    let weak = r
        .warnings
        .iter()
        .find(|w| w.code == "weak_hmac_secret")
        .unwrap();
    assert!(
        weak.message.contains("jwt.io") && weak.message.contains("forge"),
        "{}",
        weak.message
    );
    assert!(codes(&r).contains(&"no_expiry"));
    let r = with_key(JWT_IO, "not-the-secret");
    assert_eq!(r.status, "invalid_signature");
}

#[test]
fn jwt_io_newer_example_secret_is_known_although_it_is_long_enough() {
    let secret = "a-string-secret-at-least-256-bits-long";
    assert!(secret.len() >= 32, "the length rule alone would pass it");
    let token = forge(
        &header_hs256(),
        &serde_json::json!({"sub": "1234567890", "iat": NOW, "exp": NOW + 600}),
        Signing::Hs256(secret.as_bytes()),
    );
    for r in [with_key(&token, secret), inspect_plain(&token, NOW)] {
        assert_eq!(codes(&r), ["weak_hmac_secret"], "{:?}", r.status);
    }
}

#[test]
fn each_warning_is_raised_by_what_it_names_and_not_otherwise() {
    let secret = "a-long-enough-secret-for-hs256-0123456789";
    let sign =
        |header: Value, payload: Value| forge(&header, &payload, Signing::Hs256(secret.as_bytes()));
    let clean = serde_json::json!({"iat": NOW, "exp": NOW + 600, "sub": "x"});
    let r = with_key(&sign(header_hs256(), clean.clone()), secret);
    assert_eq!(
        codes(&r),
        Vec::<&str>::new(),
        "a short-lived token with a good key"
    );
    // Sigil's own tokens raise none either.
    assert!(inspect_plain(&issued(3, "eve", "s", NOW), NOW)
        .warnings
        .is_empty());

    let none = forge(
        &serde_json::json!({"alg": "none"}),
        &clean,
        Signing::Unsigned,
    );
    let r = inspect_plain(&none, NOW);
    assert_eq!(r.status, "wrong_algorithm");
    assert_eq!(codes(&r), ["alg_none"]);

    let r = with_key(&sign(header_hs256(), clean.clone()), "short");
    assert_eq!(codes(&r), ["weak_hmac_secret"]);

    let r = with_key(
        &sign(header_hs256(), serde_json::json!({"sub": "x"})),
        secret,
    );
    assert_eq!(codes(&r), ["no_expiry"]);

    let long = serde_json::json!({"iat": NOW, "exp": NOW + 2 * 86_400});
    let r = with_key(&sign(header_hs256(), long), secret);
    assert_eq!(codes(&r), ["long_lifetime"]);
    assert!(r.warnings[0].message.contains("2 days"));

    for embedded in ["jwk", "jku", "x5u", "x5c"] {
        let mut header = header_hs256();
        header[embedded] = "https://attacker.example/key".into();
        let r = with_key(&sign(header, clean.clone()), secret);
        assert_eq!(codes(&r), ["embedded_key_header"], "{embedded}");
    }

    let mut header = header_hs256();
    header["crit"] = serde_json::json!(["exp"]);
    let r = with_key(&sign(header, clean.clone()), secret);
    assert_eq!(codes(&r), ["crit_header"]);

    let mut payload = clean.clone();
    payload["Email"] = "eve@example.com".into();
    payload["credit_card"] = "4111111111111111".into();
    let r = with_key(&sign(header_hs256(), payload), secret);
    assert_eq!(codes(&r), ["sensitive_claim"]);
    assert!(r.warnings[0].message.contains("Email, credit_card"));

    let f = &fixtures()[3];
    let r = with_key(
        f["token"].as_str().unwrap(),
        f["private_pem"].as_str().unwrap(),
    );
    assert!(codes(&r).contains(&"private_key_given"));
}

#[test]
fn the_fastapi_tutorial_secret_is_recognised() {
    let secret = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7";
    let token = forge(
        &header_hs256(),
        &serde_json::json!({"sub": "johndoe", "exp": NOW + 900}),
        Signing::Hs256(secret.as_bytes()),
    );
    let r = inspect_plain(&token, NOW);
    let weak = r
        .warnings
        .iter()
        .find(|w| w.code == "weak_hmac_secret")
        .unwrap();
    assert!(weak.message.contains("FastAPI"), "{}", weak.message);
}

#[test]
fn a_sigil_looking_token_is_still_judged_as_sigils() {
    // Sigil's issuer with a foreign signature stays an invalid signature, never "unverified".
    let token = forge(
        &serde_json::json!({"alg": "HS256", "typ": "at+jwt"}),
        &serde_json::json!({"iss": "sigil", "sub": "1", "exp": NOW + 60}),
        Signing::Hs256(b"not-sigils-secret-0123456789-abcdefghijkl"),
    );
    let r = inspect_plain(&token, NOW);
    assert_ne!(r.status, "unverified");
    assert!(!r.signature.verified);
}

#[test]
fn the_encoder_signs_with_every_pasted_private_key_and_the_inspector_agrees() {
    for f in fixtures() {
        let alg = f["alg"].as_str().unwrap();
        let (signing, verifying) = match f["secret"].as_str() {
            Some(s) => (s.to_string(), s.to_string()),
            None => (
                f["private_pem"].as_str().unwrap().to_string(),
                f["jwks"].to_string(),
            ),
        };
        let header = serde_json::json!({"alg": alg, "kid": f["jwk"]["kid"]}).to_string();
        let token = encoder::encode(
            &header,
            r#"{"sub":"fixture","exp":4102444800}"#,
            Some(&signing),
        )
        .unwrap_or_else(|e| panic!("{alg}: {:?}", e.first("key")));
        let r = with_key(&token, &verifying);
        assert_eq!(r.status, "valid", "{alg}: {:?}", r.error);
    }
}
