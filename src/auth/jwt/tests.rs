//! Issue and verify, step by step, with tokens forged the way an attacker would.

use super::*;
use serde_json::json;

use crate::testing::{issued, keys, policy, NOW, SECRET};

fn genuine() -> String {
    issued(7, "alice", "s-1", NOW)
}

/// Signs arbitrary header and payload JSON with HMAC-SHA256 and `key`.
fn forge(header: Value, payload: Value, key: &[u8]) -> String {
    crate::testing::forge_hs256(&header, &payload, key)
}

fn good_header() -> Value {
    json!({"alg": "HS256", "typ": "at+jwt", "kid": keys().kid})
}

fn good_payload() -> Value {
    json!({"sub": "7", "username": "alice", "sid": "s-1", "iat": NOW, "nbf": NOW,
           "exp": NOW + 1800, "jti": "j-1", "iss": "sigil", "aud": "sigil"})
}

#[test]
fn issued_tokens_verify_and_carry_every_claim() {
    let claims = verify(&keys(), &policy(), &genuine(), NOW + 10).unwrap();
    assert_eq!(claims.sub, "7");
    assert_eq!(claims.username, "alice");
    assert_eq!(claims.sid, "s-1");
    assert_eq!(claims.exp, NOW + 1800);
    assert_eq!(
        (claims.iss.as_str(), claims.aud.as_str()),
        ("sigil", "sigil")
    );
    let header = decode_parts(&genuine()).unwrap().header;
    assert_eq!(header["typ"], "at+jwt");
    assert_eq!(header["kid"], json!(keys().kid));
}

#[test]
fn forged_with_right_key_shapes_verify() {
    let t = forge(good_header(), good_payload(), SECRET);
    assert!(verify(&keys(), &policy(), &t, NOW).is_ok());
    let mut h = good_header();
    h["typ"] = json!("application/AT+JWT");
    let t = forge(h, good_payload(), SECRET);
    assert!(verify(&keys(), &policy(), &t, NOW).is_ok());
}

#[test]
fn times_respect_the_leeway() {
    let t = genuine();
    assert!(verify(&keys(), &policy(), &t, NOW + 1800 + 30).is_ok());
    assert_eq!(
        verify(&keys(), &policy(), &t, NOW + 1800 + 31),
        Err(TokenError::Expired)
    );
    assert!(verify(&keys(), &policy(), &t, NOW - 30).is_ok());
    assert_eq!(
        verify(&keys(), &policy(), &t, NOW - 31),
        Err(TokenError::NotYetValid)
    );
}

#[test]
fn header_attacks_are_refused() {
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"alg": "none", "typ": "at+jwt", "kid": keys().kid}),
            "wrong_algorithm",
        ),
        (
            json!({"alg": "HS512", "typ": "at+jwt", "kid": keys().kid}),
            "wrong_algorithm",
        ),
        (
            json!({"typ": "at+jwt", "kid": keys().kid}),
            "wrong_algorithm",
        ),
        (
            json!({"alg": "HS256", "typ": "JWT", "kid": keys().kid}),
            "malformed",
        ),
        (json!({"alg": "HS256", "kid": keys().kid}), "malformed"),
        (
            json!({"alg": "HS256", "typ": "at+jwt", "kid": keys().kid, "crit": ["exp"]}),
            "malformed",
        ),
        (
            json!({"alg": "HS256", "typ": "at+jwt", "kid": keys().kid, "jku": "http://x"}),
            "malformed",
        ),
        (
            json!({"alg": "HS256", "typ": "at+jwt", "kid": "../../dev/null"}),
            "invalid_signature",
        ),
        (
            json!({"alg": "HS256", "typ": "at+jwt"}),
            "invalid_signature",
        ),
    ];
    for (header, status) in cases {
        let t = forge(header.clone(), good_payload(), SECRET);
        let err = verify(&keys(), &policy(), &t, NOW).unwrap_err();
        assert_eq!(err.status(), status, "{header} gave {err:?}");
    }
}

#[test]
fn claim_attacks_are_refused() {
    let mut cases = Vec::new();
    for (field, value, want) in [
        ("iss", json!("evil"), TokenError::WrongIssuer),
        ("aud", json!("other"), TokenError::WrongAudience),
        ("aud", json!(["other"]), TokenError::WrongAudience),
        ("sub", json!(7), TokenError::InvalidClaim("sub")),
        ("exp", json!("soon"), TokenError::InvalidClaim("exp")),
    ] {
        let mut p = good_payload();
        p[field] = value;
        cases.push((p, want));
    }
    let mut no_exp = good_payload();
    no_exp.as_object_mut().unwrap().remove("exp");
    cases.push((no_exp, TokenError::MissingClaim("exp")));
    for (payload, want) in cases {
        let t = forge(good_header(), payload.clone(), SECRET);
        assert_eq!(verify(&keys(), &policy(), &t, NOW), Err(want), "{payload}");
    }
}

#[test]
fn signature_attacks_are_refused() {
    let t = genuine();
    let (body, _) = t.rsplit_once('.').unwrap();
    for forged in [
        format!("{body}."),
        body.to_string(),
        forge(
            good_header(),
            good_payload(),
            b"another-secret-another-secret-1234",
        ),
        forge(good_header(), good_payload(), b""),
    ] {
        assert!(
            verify(&keys(), &policy(), &forged, NOW).is_err(),
            "{forged}"
        );
    }
    // Tampered payload, original signature.
    let parts: Vec<&str> = t.split('.').collect();
    let mut p = good_payload();
    p["sub"] = json!("1");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(p.to_string()),
        parts[2]
    );
    assert_eq!(
        verify(&keys(), &policy(), &tampered, NOW),
        Err(TokenError::BadSignature)
    );
}

#[test]
fn malformed_input_names_the_failing_part() {
    let h = URL_SAFE_NO_PAD.encode(good_header().to_string());
    let p = URL_SAFE_NO_PAD.encode(good_payload().to_string());
    let not_json = URL_SAFE_NO_PAD.encode("not json");
    for (token, part) in [
        ("a.b".to_string(), MalformedPart::SegmentCount),
        ("a.b.c.d".to_string(), MalformedPart::SegmentCount),
        (String::new(), MalformedPart::SegmentCount),
        (format!("!!.{p}.sig"), MalformedPart::HeaderBase64),
        (format!("{not_json}.{p}.sig"), MalformedPart::HeaderJson),
        (format!("{h}.!!.sig"), MalformedPart::PayloadBase64),
        (format!("{h}.{not_json}.sig"), MalformedPart::PayloadJson),
        (format!("{h}.{p}.!!"), MalformedPart::SignatureBase64),
    ] {
        assert_eq!(decode_parts(&token).unwrap_err(), part, "{token}");
    }
}
