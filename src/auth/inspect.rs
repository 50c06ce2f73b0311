//! The token inspector's core: decode whatever can be decoded, then run the same checks as
//! verification ([`jwt`]) one by one and report the first that fails. Pure: the database
//! parts (revocation, the subject's name) are filled in by [`inspect_with_db`].

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::jwt::{self, MalformedPart, TokenError, TokenPolicy};
use super::keys::TokenKeys;
use super::tokens::Tokens;
use crate::db::sessions::Session;
use crate::db::users::User;
use crate::db::Db;
use crate::error::AppError;

/// The contract's Inspection shape.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Inspection {
    /// valid, expired, not_yet_valid, revoked, invalid_signature, wrong_algorithm,
    /// wrong_issuer_or_audience or malformed.
    #[schema(example = "valid")]
    pub status: &'static str,
    #[schema(value_type = Option<Object>)]
    pub header: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub payload: Option<Value>,
    pub signature: SignatureReport,
    #[serde(with = "time::serde::rfc3339::option")]
    pub issued_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub not_before: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    pub expires_in_seconds: Option<i64>,
    // `true`, `false`, or `"session_unknown"`: a Sigil-signed token whose session Sigil does
    // not know (deleted, or issued by another deployment with the same key). No doc comment:
    // utoipa would add a second, object-typed schema beside the one of `Revoked`.
    #[schema(inline)]
    pub revoked: Revoked,
    pub subject: Option<SubjectReport>,
    pub error: Option<String>,
    /// Which part failed to decode, for malformed tokens.
    #[serde(skip)]
    pub malformed_part: Option<MalformedPart>,
    /// The claims, when the signature verified and they have Sigil's shape.
    #[serde(skip)]
    pub claims: Option<jwt::AccessClaims>,
}

/// Whether Sigil revoked the token, as the contract spells it: `true`, `false` or
/// `"session_unknown"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoked {
    No,
    Yes,
    SessionUnknown,
}

/// `true | false | "session_unknown"` in the OpenAPI document.
impl utoipa::PartialSchema for Revoked {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Boolean))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(["session_unknown"])),
            )
            .description(Some(
                "Whether Sigil revoked the token; \"session_unknown\" when the token is Sigil's but its session is not known.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Revoked {}

impl Serialize for Revoked {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::No => s.serialize_bool(false),
            Self::Yes => s.serialize_bool(true),
            Self::SessionUnknown => s.serialize_str("session_unknown"),
        }
    }
}

/// The signature verdict: `verified` is true only for Sigil's pinned algorithm and a known `kid`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SignatureReport {
    /// The algorithm the header names (not necessarily the one Sigil uses).
    pub algorithm: Option<String>,
    /// The `kid` the header names.
    pub key_id: Option<String>,
    /// Whether the signature verified with Sigil's key for that `kid`, under the pinned
    /// algorithm.
    pub verified: bool,
}

/// The user a token names, reported only when its signature verified: an unverified `sub` names nobody.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SubjectReport {
    pub id: i32,
    pub username: String,
}

/// Inspects any string as an access token at time `now` (Unix seconds). Never fails: what
/// cannot be decoded is reported as `malformed`, naming the part.
pub fn inspect(keys: &TokenKeys, policy: &TokenPolicy, token: &str, now: i64) -> Inspection {
    let token = token.trim();
    let segments: Vec<&str> = token.split('.').collect();
    let mut report = Inspection {
        status: "malformed",
        header: None,
        payload: None,
        signature: SignatureReport {
            algorithm: None,
            key_id: None,
            verified: false,
        },
        issued_at: None,
        not_before: None,
        expires_at: None,
        expires_in_seconds: None,
        revoked: Revoked::No,
        subject: None,
        error: None,
        malformed_part: None,
        claims: None,
    };
    // Decode each segment on its own, so a broken payload still shows the header.
    let header = segments
        .first()
        .map(|h| jwt::decode_segment(h, MalformedPart::HeaderBase64, MalformedPart::HeaderJson));
    let payload = segments
        .get(1)
        .map(|p| jwt::decode_segment(p, MalformedPart::PayloadBase64, MalformedPart::PayloadJson));
    if let Some(Ok(h)) = &header {
        report.signature.algorithm = h.get("alg").map(value_text);
        report.signature.key_id = h.get("kid").map(value_text);
        report.header = Some(Value::Object(h.clone()));
    }
    if let Some(Ok(p)) = &payload {
        fill_times(&mut report, p, now);
        report.payload = Some(Value::Object(p.clone()));
    }
    let first_failure = if segments.len() != 3 {
        Some(MalformedPart::SegmentCount)
    } else {
        match (&header, &payload) {
            (Some(Err(part)), _) | (_, Some(Err(part))) => Some(*part),
            _ if URL_SAFE_NO_PAD.decode(segments[2]).is_err() => {
                Some(MalformedPart::SignatureBase64)
            }
            _ => None,
        }
    };
    if let Some(part) = first_failure {
        report.malformed_part = Some(part);
        report.error = Some(TokenError::Malformed(part).description());
        return report;
    }
    let decoded = match jwt::decode_parts(token) {
        Ok(d) => d,
        Err(part) => {
            report.malformed_part = Some(part);
            report.error = Some(TokenError::Malformed(part).description());
            return report;
        }
    };
    let verdict = jwt::check_header(keys, &decoded.header).and_then(|key| {
        jwt::check_signature(keys, key, &decoded)?;
        Ok(())
    });
    if let Err(e) = verdict {
        report.status = e.status();
        report.error = Some(e.description());
        return report;
    }
    report.signature.verified = true;
    match jwt::check_claims(policy, &decoded.payload, now) {
        Ok(claims) => {
            report.status = "valid";
            report.claims = Some(claims);
        }
        Err(e) => {
            report.status = e.status();
            report.error = Some(e.description());
            // Expired and not-yet-valid tokens still say whose they are.
            if matches!(e, TokenError::Expired | TokenError::NotYetValid) {
                let mut relaxed = policy.clone();
                relaxed.leeway_seconds = i64::MAX / 4;
                report.claims = jwt::check_claims(&relaxed, &decoded.payload, now).ok();
            }
        }
    }
    report
}

fn value_text(v: &Value) -> String {
    v.as_str()
        .map(str::to_string)
        .unwrap_or_else(|| v.to_string())
}

fn fill_times(report: &mut Inspection, payload: &Map<String, Value>, now: i64) {
    let time = |name: &str| {
        payload
            .get(name)
            .and_then(Value::as_i64)
            .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok())
    };
    report.issued_at = time("iat");
    report.not_before = time("nbf");
    report.expires_at = time("exp");
    report.expires_in_seconds = payload
        .get("exp")
        .and_then(Value::as_i64)
        .map(|exp| exp.saturating_sub(now));
}

/// Inspects and then asks the database whether the token was revoked and who its subject is
/// (only when the signature verified: an unverified `sub` names nobody).
pub async fn inspect_with_db(
    db: &Db,
    tokens: &Tokens,
    token: &str,
) -> Result<Inspection, AppError> {
    let mut report = inspect(&tokens.keys, &tokens.policy, token, jwt::unix_now());
    let Some(claims) = report.claims.clone() else {
        return Ok(report);
    };
    let (user, check) = db
        .run(move |conn| {
            let user = User::find(conn, claims.user_id())?;
            let check = Session::check(conn, &claims.sid, &claims.jti)?;
            Ok((user, check))
        })
        .await?;
    report.subject = user.as_ref().map(|u| SubjectReport {
        id: u.id,
        username: u.username.clone(),
    });
    report.revoked = match &check {
        None => Revoked::SessionUnknown,
        Some(c) if c.session_revoked || c.token_revoked => Revoked::Yes,
        Some(_) => Revoked::No,
    };
    if report.status == "valid" {
        match (report.revoked, &user) {
            (Revoked::Yes, _) => {
                report.status = "revoked";
                report.error = Some(TokenError::description_revoked());
            }
            (_, None) => {
                report.status = "revoked";
                report.error = Some("The token's user no longer exists.".into());
            }
            (Revoked::SessionUnknown, Some(_)) => {
                report.status = "revoked";
                report.error = Some(
                    "Sigil does not know this token's session: it was deleted, or another \
                     deployment with the same key issued the token."
                        .into(),
                );
            }
            (Revoked::No, Some(u)) if u.disabled => {
                report.status = "revoked";
                report.error = Some("The token's user has been disabled.".into());
            }
            (Revoked::No, Some(_)) => {}
        }
    }
    Ok(report)
}

impl TokenError {
    fn description_revoked() -> String {
        "The token has been revoked (logout, a revoked session or a password change).".into()
    }
}

/// A human description of a span of seconds: "29 min", "3 h", "2 days".
pub fn human_duration(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min", s / 60),
        3600..=86_399 => format!("{} h {} min", s / 3600, (s % 3600) / 60),
        _ => format!("{} days", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::jwt::{issue, Subject};
    use crate::testing::{issued, keys, policy, NOW};

    fn token() -> String {
        issued(3, "eve", "s", NOW)
    }

    #[test]
    fn valid_token_reports_everything() {
        let r = inspect(&keys(), &policy(), &token(), NOW + 60);
        assert_eq!(r.status, "valid");
        assert!(r.signature.verified);
        assert_eq!(r.signature.algorithm.as_deref(), Some("HS256"));
        assert_eq!(r.expires_in_seconds, Some(1740));
        assert_eq!(r.payload.unwrap()["username"], "eve");
        assert!(r.error.is_none());
    }

    #[test]
    fn expired_token_still_shows_its_payload_and_subject() {
        let r = inspect(&keys(), &policy(), &token(), NOW + 4000);
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
        let r = inspect(&keys(), &policy(), &t, NOW);
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
            let r = inspect(&keys(), &policy(), &input, NOW);
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
            let r = inspect(&keys(), &policy(), input, NOW);
            assert_eq!(r.status, "malformed", "{input}");
        }
    }

    #[test]
    fn durations_read_like_a_person_would_say_them() {
        assert_eq!(human_duration(1740), "29 min");
        assert_eq!(human_duration(-10_800), "3 h 0 min");
        assert_eq!(human_duration(5), "5 s");
    }
}
