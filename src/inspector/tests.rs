//! The inspection core, on Sigil's own tokens and on others'.

use super::*;
use crate::auth::jwt::{issue, Subject};
use crate::testing::{issued, keys, policy, NOW};

fn inspect_plain(token: &str, now: i64) -> Inspection {
    inspect(&keys(), &policy(), token, &Checks::default(), now)
}

fn token() -> String {
    issued(3, "eve", "s", NOW)
}

#[test]
fn valid_token_reports_everything() {
    let r = inspect_plain(&token(), NOW + 60);
    assert_eq!(r.status, "valid");
    assert!(r.signature.verified);
    assert_eq!(r.signature.algorithm.as_deref(), Some("HS256"));
    assert_eq!(r.expires_in_seconds, Some(1740));
    assert_eq!(r.payload.unwrap()["username"], "eve");
    assert!(r.error.is_none());
}

#[test]
fn expired_token_still_shows_its_payload_and_subject() {
    let r = inspect_plain(&token(), NOW + 4000);
    assert_eq!(r.status, "expired");
    assert!(r.signature.verified);
    assert!(r.payload.is_some());
    assert_eq!(r.claims.unwrap().sub, "3");
    assert!(r.expires_in_seconds.unwrap() < 0);
}

#[test]
fn other_key_is_an_invalid_signature_without_claims() {
    let other = TokenKeys::hmac(b"someone-elses-secret-0123456789-abcdefgh");
    let s = Subject {
        user_id: 3,
        username: "eve",
        session_id: "s",
        auth_time: NOW,
        amr: &[],
    };
    let (t, _) = issue(&other, &policy(), &s, NOW).unwrap();
    let r = inspect_plain(&t, NOW);
    assert_eq!(r.status, "invalid_signature");
    assert!(!r.signature.verified);
    assert!(r.claims.is_none());
    assert!(r.payload.is_some());
}

#[test]
fn malformed_parts_are_named_and_what_decodes_is_shown() {
    let t = token();
    let parts: Vec<&str> = t.split('.').collect();
    let cases = [
        (
            format!("{}.{}", parts[0], parts[1]),
            MalformedPart::SegmentCount,
            true,
        ),
        (
            format!("{}.!!.{}", parts[0], parts[2]),
            MalformedPart::PayloadBase64,
            true,
        ),
        (
            format!("!!.{}.{}", parts[1], parts[2]),
            MalformedPart::HeaderBase64,
            false,
        ),
        ("".to_string(), MalformedPart::SegmentCount, false),
    ];
    for (input, part, has_header) in cases {
        let r = inspect_plain(&input, NOW);
        assert_eq!(r.status, "malformed", "{input}");
        assert_eq!(r.malformed_part, Some(part), "{input}");
        assert_eq!(r.header.is_some(), has_header, "{input}");
        assert!(r.error.is_some());
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    for input in [
        "...",
        "a.b.c",
        "\u{0}.\u{0}.\u{0}",
        "eyJ9.eyJ9.",
        "ée.ée.ée",
        &"a.".repeat(1000),
    ] {
        let r = inspect_plain(input, NOW);
        assert_eq!(r.status, "malformed", "{input}");
    }
}
