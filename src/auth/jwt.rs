//! Access tokens: issue, decode and verify, as pure functions of their inputs and the clock.
//!
//! Verification runs in a fixed order, and the inspector reuses each step:
//! [`decode_parts`] (structure) → [`check_header`] (algorithm, type, key) →
//! [`check_signature`] → [`check_claims`] (issuer, audience, times, claim shapes).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::keys::{TokenKeys, VerifyKey};

mod claims;

use crate::config::Settings;
pub use claims::check_claims;

/// The `typ` header of Sigil's access tokens (RFC 9068 explicit typing).
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";

/// Header parameters that would carry or point at a key. A token that has one is refused:
/// keys are only ever Sigil's own.
pub const EMBEDDED_KEY_HEADERS: &[&str] = &["jwk", "jku", "x5u", "x5c"];

/// The claims of a Sigil access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user's id, as a string.
    pub sub: String,
    /// Empty in a client's token: RFC 9068 §6 keeps personal data out of it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub username: String,
    /// The login session (refresh family) this token was issued from.
    pub sid: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub jti: String,
    pub iss: String,
    pub aud: String,
    /// When the user last proved who they are (Unix seconds, as OpenID Connect's
    /// `auth_time`); 0 in tokens issued before Sigil wrote it.
    #[serde(default)]
    pub auth_time: i64,
    /// How they proved it (RFC 8176): `pwd`, `otp`, `hwk`, `swk`.
    #[serde(default)]
    pub amr: Vec<String>,
    /// The OAuth client the token was issued to (RFC 9068); `None` in first-party tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// A client token's granted scopes, space-separated; `None` in first-party tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl AccessClaims {
    /// The user id in `sub`; checked to be a number by [`check_claims`].
    pub fn user_id(&self) -> i32 {
        self.sub.parse().unwrap_or(-1)
    }
}

/// What every token must say about where it comes from and how long it lives.
#[derive(Debug, Clone)]
pub struct TokenPolicy {
    pub issuer: String,
    /// The `iss` of client access tokens (the OpenID provider's issuer, `PUBLIC_URL`),
    /// accepted only on a token with `client_id`.
    pub client_issuer: String,
    pub audience: String,
    pub leeway_seconds: i64,
    pub access_ttl_seconds: i64,
}

impl TokenPolicy {
    /// Issuer, audience and leeway as configured: every token is checked against these, never against its own claims.
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            issuer: settings.issuer.clone(),
            client_issuer: settings.oidc.issuer.clone(),
            audience: settings.audience.clone(),
            leeway_seconds: settings.leeway_seconds as i64,
            access_ttl_seconds: settings.access_token_ttl.as_secs() as i64,
        }
    }
}

/// Seconds since the Unix epoch: the `now` every check here is a function of.
pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Who a new access token is for.
pub struct Subject<'a> {
    pub user_id: i32,
    pub username: &'a str,
    pub session_id: &'a str,
    /// The session's last proof of identity: when (Unix seconds), and how.
    pub auth_time: i64,
    pub amr: &'a [String],
}

/// Signs a new access token valid from `now` for the policy's lifetime. `now` is Unix seconds.
pub fn issue(
    keys: &TokenKeys,
    policy: &TokenPolicy,
    subject: &Subject<'_>,
    now: i64,
) -> Result<(String, AccessClaims), jsonwebtoken::errors::Error> {
    let claims = AccessClaims {
        sub: subject.user_id.to_string(),
        username: subject.username.to_string(),
        sid: subject.session_id.to_string(),
        iat: now,
        nbf: now,
        exp: now + policy.access_ttl_seconds,
        jti: uuid::Uuid::new_v4().to_string(),
        iss: policy.issuer.clone(),
        aud: policy.audience.clone(),
        auth_time: subject.auth_time,
        amr: subject.amr.to_vec(),
        client_id: None,
        scope: None,
    };
    sign(keys, claims)
}

/// An OAuth client the token is for, and what it was granted.
pub struct ClientGrant<'a> {
    pub client_id: &'a str,
    /// Space-separated.
    pub scope: &'a str,
}

/// Signs a client's access token (RFC 9068): the provider's issuer, the client and its
/// scope, and no `username` (RFC 9068 §6 keeps personal data out).
pub fn issue_for_client(
    keys: &TokenKeys,
    policy: &TokenPolicy,
    subject: &Subject<'_>,
    client: &ClientGrant<'_>,
    now: i64,
) -> Result<(String, AccessClaims), jsonwebtoken::errors::Error> {
    let claims = AccessClaims {
        sub: subject.user_id.to_string(),
        username: String::new(),
        sid: subject.session_id.to_string(),
        iat: now,
        nbf: now,
        exp: now + policy.access_ttl_seconds,
        jti: uuid::Uuid::new_v4().to_string(),
        iss: policy.client_issuer.clone(),
        aud: policy.audience.clone(),
        auth_time: subject.auth_time,
        amr: subject.amr.to_vec(),
        client_id: Some(client.client_id.to_string()),
        scope: Some(client.scope.to_string()),
    };
    sign(keys, claims)
}

fn sign(
    keys: &TokenKeys,
    claims: AccessClaims,
) -> Result<(String, AccessClaims), jsonwebtoken::errors::Error> {
    let mut header = jsonwebtoken::Header::new(keys.jwt_algorithm());
    header.typ = Some(ACCESS_TOKEN_TYPE.to_string());
    header.kid = Some(keys.kid.clone());
    let token = jsonwebtoken::encode(&header, &claims, keys.encoding_key())?;
    Ok((token, claims))
}

/// The part of a token that could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MalformedPart {
    /// Not three dot-separated segments.
    SegmentCount,
    HeaderBase64,
    HeaderJson,
    PayloadBase64,
    PayloadJson,
    SignatureBase64,
}

impl MalformedPart {
    /// What was wrong with that part, in words for the inspector (never the part itself).
    pub fn describe(self) -> &'static str {
        match self {
            Self::SegmentCount => "a JWT has three segments separated by dots",
            Self::HeaderBase64 => "the header is not valid base64url",
            Self::HeaderJson => "the header is not a JSON object",
            Self::PayloadBase64 => "the payload is not valid base64url",
            Self::PayloadJson => "the payload is not a JSON object",
            Self::SignatureBase64 => "the signature is not valid base64url",
        }
    }
}

/// Why a token is not usable. The first failing step decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    Malformed(MalformedPart),
    /// The header names an algorithm other than the pinned one (or none).
    WrongAlgorithm(String),
    /// `typ` is missing or not `at+jwt`.
    WrongType(Option<String>),
    /// The header carries `crit`, or a key (`jwk`, `jku`, `x5u`, `x5c`).
    ForbiddenHeader(&'static str),
    /// No Sigil key has this `kid` (or the token names none).
    UnknownKey(Option<String>),
    BadSignature,
    WrongIssuer,
    WrongAudience,
    MissingClaim(&'static str),
    InvalidClaim(&'static str),
    Expired,
    NotYetValid,
}

impl TokenError {
    /// A sentence for `error_description` and the inspector; never the token itself.
    pub fn description(&self) -> String {
        match self {
            Self::Malformed(part) => format!("Malformed token: {}.", part.describe()),
            Self::WrongAlgorithm(alg) => {
                format!("The token's algorithm {alg:?} is not the one this server uses.")
            }
            Self::WrongType(None) => {
                "The token has no typ header; access tokens are at+jwt.".into()
            }
            Self::WrongType(Some(t)) => {
                format!("The token's type {t:?} is not an access token (at+jwt).")
            }
            Self::ForbiddenHeader("crit") => {
                "The token has a crit header, which this server does not accept.".into()
            }
            Self::ForbiddenHeader(name) => {
                format!("The token carries its own key ({name}); keys in tokens are never trusted.")
            }
            Self::UnknownKey(Some(_)) => {
                "The token names a signing key this server does not know.".into()
            }
            Self::UnknownKey(None) => "The token does not name its signing key (kid).".into(),
            Self::BadSignature => "The token's signature is invalid.".into(),
            Self::WrongIssuer => "The token was issued by someone else (iss).".into(),
            Self::WrongAudience => "The token is meant for another audience (aud).".into(),
            Self::MissingClaim(c) => format!("The token has no {c} claim."),
            Self::InvalidClaim(c) => format!("The token's {c} claim has the wrong type."),
            Self::Expired => "The token has expired.".into(),
            Self::NotYetValid => "The token is not valid yet (nbf).".into(),
        }
    }

    /// The inspector's status for this failure.
    pub fn status(&self) -> &'static str {
        match self {
            Self::Malformed(_)
            | Self::WrongType(_)
            | Self::ForbiddenHeader(_)
            | Self::MissingClaim(_)
            | Self::InvalidClaim(_) => "malformed",
            Self::WrongAlgorithm(_) => "wrong_algorithm",
            Self::UnknownKey(_) | Self::BadSignature => "invalid_signature",
            Self::WrongIssuer | Self::WrongAudience => "wrong_issuer_or_audience",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
        }
    }
}

/// A token split and decoded, before anything about it is trusted.
#[derive(Debug, Clone)]
pub struct DecodedToken<'a> {
    pub header: Map<String, Value>,
    pub payload: Map<String, Value>,
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: &'a str,
    pub signature: &'a str,
}

/// Decodes one base64url segment (padding tolerated) into a JSON object.
pub fn decode_segment(
    segment: &str,
    b64_part: MalformedPart,
    json_part: MalformedPart,
) -> Result<Map<String, Value>, MalformedPart> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment.trim_end_matches('='))
        .map_err(|_| b64_part)?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(json_part),
    }
}

/// Splits a compact JWS into header and payload JSON objects. Nothing is verified here.
pub fn decode_parts(token: &str) -> Result<DecodedToken<'_>, MalformedPart> {
    let token = token.trim();
    let mut segments = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return Err(MalformedPart::SegmentCount);
    };
    let header = decode_segment(h, MalformedPart::HeaderBase64, MalformedPart::HeaderJson)?;
    let payload = decode_segment(p, MalformedPart::PayloadBase64, MalformedPart::PayloadJson)?;
    if URL_SAFE_NO_PAD.decode(s).is_err() {
        return Err(MalformedPart::SignatureBase64);
    }
    Ok(DecodedToken {
        header,
        payload,
        signing_input: &token[..h.len() + 1 + p.len()],
        signature: s,
    })
}

/// Checks the header against Sigil's policy and picks the key: the algorithm must be exactly
/// the configured one, `typ` must be `at+jwt` (or `application/at+jwt`), and a `crit` header
/// or a key carried in the token refuses it. The key is chosen by `kid` among Sigil's own.
pub fn check_header<'k>(
    keys: &'k TokenKeys,
    header: &Map<String, Value>,
) -> Result<&'k VerifyKey, TokenError> {
    let alg = header.get("alg").and_then(Value::as_str);
    if alg != Some(keys.algorithm.name()) {
        return Err(TokenError::WrongAlgorithm(
            header
                .get("alg")
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string())
                })
                .unwrap_or_else(|| "(none)".into()),
        ));
    }
    if header.contains_key("crit") {
        return Err(TokenError::ForbiddenHeader("crit"));
    }
    if let Some(name) = EMBEDDED_KEY_HEADERS
        .iter()
        .find(|h| header.contains_key(**h))
    {
        return Err(TokenError::ForbiddenHeader(name));
    }
    match header.get("typ").and_then(Value::as_str) {
        Some(t) if is_access_token_type(t) => {}
        other => return Err(TokenError::WrongType(other.map(str::to_string))),
    }
    let kid = header.get("kid").and_then(Value::as_str);
    match kid {
        Some(kid) => keys
            .find(kid)
            .ok_or_else(|| TokenError::UnknownKey(Some(kid.to_string()))),
        None => Err(TokenError::UnknownKey(None)),
    }
}

fn is_access_token_type(typ: &str) -> bool {
    typ.eq_ignore_ascii_case(ACCESS_TOKEN_TYPE) || typ.eq_ignore_ascii_case("application/at+jwt")
}

/// Verifies the signature with the pinned algorithm and the chosen key.
pub fn check_signature(
    keys: &TokenKeys,
    key: &VerifyKey,
    token: &DecodedToken<'_>,
) -> Result<(), TokenError> {
    match jsonwebtoken::crypto::verify(
        token.signature,
        token.signing_input.as_bytes(),
        &key.key,
        keys.jwt_algorithm(),
    ) {
        Ok(true) => Ok(()),
        _ => Err(TokenError::BadSignature),
    }
}

/// The whole verification of an access token, in order. `now` is Unix seconds.
pub fn verify(
    keys: &TokenKeys,
    policy: &TokenPolicy,
    token: &str,
    now: i64,
) -> Result<AccessClaims, TokenError> {
    let decoded = decode_parts(token).map_err(TokenError::Malformed)?;
    let key = check_header(keys, &decoded.header)?;
    check_signature(keys, key, &decoded)?;
    check_claims(policy, &decoded.payload, now)
}

#[cfg(test)]
mod tests;
