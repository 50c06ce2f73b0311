//! The token inspector's core: decode whatever can be decoded, then run the same checks as
//! verification ([`jwt`](crate::auth::jwt)) one by one and report the first that fails. Pure: the database
//! parts (revocation, the subject's name) are filled in by [`inspect_with_db`].

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::auth::jwt::{self, DecodedToken, MalformedPart, TokenError, TokenPolicy};
use crate::auth::keys::TokenKeys;
use crate::auth::tokens::Tokens;
use crate::db::sessions::Session;
use crate::db::users::User;
use crate::db::Db;
use crate::error::AppError;

pub mod encoder;
pub mod foreign;
pub mod input;
pub mod pasted_key;
pub mod secrets;
pub mod times;
pub mod warnings;

pub use foreign::Checks;
pub use times::human_duration;
use warnings::Warning;

/// The contract's Inspection shape.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Inspection {
    /// valid, expired, not_yet_valid, revoked, invalid_signature, wrong_algorithm,
    /// wrong_issuer_or_audience, malformed, or unverified (a token from another issuer
    /// checked with no key).
    #[schema(example = "valid")]
    pub status: &'static str,
    /// access_token, id_token, logout_token, jwt (any other JWT), personal_access_token or
    /// client_secret (recognised by prefix and checksum, never looked up for anyone but the
    /// signed-in owner of a personal access token).
    #[schema(example = "access_token")]
    pub kind: &'static str,
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
    /// What is risky about the token or the key, and what to do about it.
    pub warnings: Vec<Warning>,
    /// One of the signed-in viewer's own personal access tokens: its name, scopes and times.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_info: Option<secrets::TokenInfo>,
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

impl Inspection {
    /// Whether Sigil revoked the token, in words, when Sigil can know: only a token whose
    /// signature Sigil verified as its own was looked up (`None` for anything else, where
    /// "no" would be a guess).
    pub fn revoked_in_words(&self) -> Option<&'static str> {
        self.claims.as_ref().map(|_| match self.revoked {
            Revoked::No => "no",
            Revoked::Yes => "yes",
            Revoked::SessionUnknown => "session unknown",
        })
    }
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

/// The signature verdict: for Sigil's tokens `verified` is true only for Sigil's pinned
/// algorithm and a known `kid`; for other issuers' tokens, only with the key the developer gave.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SignatureReport {
    /// The algorithm the header names (not necessarily the one Sigil uses).
    pub algorithm: Option<String>,
    /// The `kid` the header names.
    pub key_id: Option<String>,
    /// Whether the signature verified: with Sigil's key for that `kid` under the pinned
    /// algorithm, or with the key given for another issuer's token.
    pub verified: bool,
}

/// The user a token names, reported only when its signature verified: an unverified `sub` names nobody.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SubjectReport {
    pub id: i32,
    pub username: String,
}

/// Inspects any string as a token at time `now` (Unix seconds). Never fails: what cannot be
/// decoded is reported as `malformed`, naming the part. A token is Sigil's when no key is given
/// and it names Sigil's issuer or one of Sigil's keys: then it is checked exactly as the
/// authentication layer would. Any other token is judged on its own terms ([`foreign::judge`]).
pub fn inspect(
    keys: &TokenKeys,
    policy: &TokenPolicy,
    token: &str,
    checks: &Checks<'_>,
    now: i64,
) -> Inspection {
    let token = token.trim();
    let segments: Vec<&str> = token.split('.').collect();
    let mut report = Inspection {
        status: "malformed",
        kind: "jwt",
        token_info: None,
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
        warnings: Vec::new(),
        malformed_part: None,
        claims: None,
    };
    if let Some(secret) = secrets::recognise(token) {
        report.kind = secret.kind;
        report.status = secret.status;
        report.error = secret.error;
        report.warnings.push(secret.warning);
        return report;
    }
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
    report.kind = secrets::jwt_kind(
        header.as_ref().and_then(|h| h.as_ref().ok()),
        payload.as_ref().and_then(|p| p.as_ref().ok()),
    );
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
    let decoded = match first_failure.map_or_else(|| jwt::decode_parts(token), Err) {
        Ok(d) => d,
        Err(part) => {
            report.malformed_part = Some(part);
            report.error = Some(TokenError::Malformed(part).description());
            if let Some(Ok(h)) = &header {
                let p = payload.as_ref().and_then(|p| p.as_ref().ok());
                report.warnings = warnings::collect(h, p, None, checks.key, now);
            }
            return report;
        }
    };
    report.warnings = warnings::collect(
        &decoded.header,
        Some(&decoded.payload),
        Some(&decoded),
        checks.key,
        now,
    );
    if checks.key.is_some() || !is_sigils(keys, policy, &decoded) {
        let verdict = foreign::judge(&decoded, checks, policy.leeway_seconds, now);
        report.status = verdict.status;
        report.error = verdict.error;
        report.signature.verified = verdict.verified;
        return report;
    }
    judge_own(keys, policy, &decoded, checks, now, &mut report);
    report
}

/// Whether a token claims to be Sigil's: it names Sigil's issuer, or one of Sigil's keys.
fn is_sigils(keys: &TokenKeys, policy: &TokenPolicy, decoded: &DecodedToken<'_>) -> bool {
    let kid = decoded.header.get("kid").and_then(Value::as_str);
    let iss = decoded.payload.get("iss").and_then(Value::as_str);
    kid.is_some_and(|k| keys.find(k).is_some()) || iss == Some(policy.issuer.as_str())
}

/// Sigil's own token: the authentication layer's checks in order, then the expectations given.
fn judge_own(
    keys: &TokenKeys,
    policy: &TokenPolicy,
    decoded: &DecodedToken<'_>,
    checks: &Checks<'_>,
    now: i64,
    report: &mut Inspection,
) {
    let verdict = jwt::check_header(keys, &decoded.header).and_then(|key| {
        jwt::check_signature(keys, key, decoded)?;
        Ok(())
    });
    if let Err(e) = verdict {
        report.status = e.status();
        report.error = Some(e.description());
        return;
    }
    report.signature.verified = true;
    match jwt::check_claims(policy, &decoded.payload, now) {
        Ok(claims) => {
            report.claims = Some(claims);
            match foreign::check_expectations(&decoded.payload, checks) {
                Ok(()) => report.status = "valid",
                Err((status, error)) => {
                    report.status = status;
                    report.error = Some(error);
                }
            }
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

/// [`inspect_with_db`] for a parsed request: the page, the API and the CLI come here, so each
/// says what was cleaned off the pasted text.
pub async fn inspect_input(
    db: Option<&Db>,
    tokens: &Tokens,
    input: &input::InspectInput,
    viewer: Option<i32>,
) -> Result<Inspection, AppError> {
    let mut report = match db {
        Some(db) => inspect_with_db(db, tokens, &input.token, &input.checks(), viewer).await?,
        // No database (`sigil inspect` outside the server's folder): nothing to look up.
        None => {
            let now = jwt::unix_now();
            inspect(
                &tokens.keys,
                &tokens.policy,
                &input.token,
                &input.checks(),
                now,
            )
        }
    };
    if let Some(w) = input.cleaning_warning() {
        report.warnings.insert(0, w);
    }
    Ok(report)
}

/// Inspects and then asks the database whether the token was revoked and who its subject is
/// (only when the signature verified: an unverified `sub` names nobody). A well-formed
/// personal access token is looked up only for a signed-in `viewer`, among their own tokens:
/// anyone else's reads as it does anonymously.
pub async fn inspect_with_db(
    db: &Db,
    tokens: &Tokens,
    token: &str,
    checks: &Checks<'_>,
    viewer: Option<i32>,
) -> Result<Inspection, AppError> {
    let mut report = inspect(&tokens.keys, &tokens.policy, token, checks, jwt::unix_now());
    if report.kind == "personal_access_token" && report.status == "unverified" {
        if let Some(viewer) = viewer {
            if let Some((row, _)) = crate::auth::pat::find(db, token.trim()).await? {
                if row.user_id == viewer {
                    let (status, error, info) = secrets::own_token(&row, crate::db::now());
                    report.status = status;
                    report.error = Some(error);
                    report.token_info = Some(info);
                }
            }
        }
        return Ok(report);
    }
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

#[cfg(test)]
mod tests;
