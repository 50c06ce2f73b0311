//! Tokens from other issuers, judged on their own terms: the algorithm their header names (never
//! `none`), the key the developer gives (never one the token carries), the issuer and audience
//! the developer expects, and the times with Sigil's leeway.

use jsonwebtoken::{Algorithm, AlgorithmFamily};
use serde_json::{Map, Value};

use super::pasted_key::{needed_for, CandidateKey, KeyForm, KeyKind, PastedKey};
use crate::auth::jwt::DecodedToken;

/// What the developer asked to check besides the token itself.
#[derive(Debug, Default, Clone, Copy)]
pub struct Checks<'a> {
    /// The key to verify with; Sigil's own keys when `None`.
    pub key: Option<&'a PastedKey>,
    pub expected_issuer: Option<&'a str>,
    pub expected_audience: Option<&'a str>,
}

/// A foreign token's verdict: the inspection's status, why, and whether the signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub status: &'static str,
    pub error: Option<String>,
    pub verified: bool,
}

impl Verdict {
    fn fail(status: &'static str, error: impl Into<String>) -> Self {
        Self {
            status,
            error: Some(error.into()),
            verified: false,
        }
    }
}

const SUPPORTED: &str = "HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384 and EdDSA";

/// Judges a token that is not Sigil's. Pins the algorithm to the one the header names, checked
/// against the key's type: an HMAC token is never verified with a public key (the
/// algorithm-confusion attack), and a JWK that names its `alg` refuses any other.
pub fn judge(decoded: &DecodedToken<'_>, checks: &Checks<'_>, leeway: i64, now: i64) -> Verdict {
    let alg = match decoded.header.get("alg") {
        None => return Verdict::fail("wrong_algorithm", "The token's header has no alg."),
        Some(Value::String(a)) if a.eq_ignore_ascii_case("none") => return Verdict::fail(
            "wrong_algorithm",
            "The token is unsigned (alg none), so anyone could have written it: never accept it.",
        ),
        Some(Value::String(a)) => match a.parse::<Algorithm>() {
            Ok(alg) => alg,
            Err(_) => {
                return Verdict::fail(
                    "wrong_algorithm",
                    format!("The algorithm {a:?} is not one Sigil checks ({SUPPORTED})."),
                )
            }
        },
        Some(other) => {
            return Verdict::fail(
                "wrong_algorithm",
                format!("The token's alg {other} is not a string."),
            )
        }
    };
    let Some(key) = checks.key else {
        return Verdict {
            status: "unverified",
            error: Some(
                "No key was given, so the signature was not checked: give the issuer's secret, \
                 public key, JWK or JWKS to check it."
                    .into(),
            ),
            verified: false,
        };
    };
    let candidates = match select(key, decoded, alg) {
        Ok(c) => c,
        Err(v) => return v,
    };
    let verified = candidates.iter().any(|c| {
        jsonwebtoken::crypto::verify(
            decoded.signature,
            decoded.signing_input.as_bytes(),
            &c.key,
            alg,
        )
        .unwrap_or(false)
    });
    if !verified {
        let short_rsa = candidates
            .iter()
            .any(|c| matches!(c.kind, KeyKind::Rsa { bits } if bits < 2048));
        return Verdict::fail(
            "invalid_signature",
            if short_rsa {
                "The RSA key is shorter than 2048 bits: such keys are refused as too weak, so no \
                 signature verifies with it."
            } else {
                "The signature does not match the key given: the token was changed after it \
                 was signed, or another key signed it."
            },
        );
    }
    match check_claims(&decoded.payload, checks, leeway, now) {
        Ok(()) => Verdict {
            status: "valid",
            error: None,
            verified: true,
        },
        Err((status, error)) => Verdict {
            status,
            error: Some(error),
            verified: true,
        },
    }
}

/// The keys that may have signed the token: by `kid` in a JWKS, then of a type that fits the
/// algorithm, then not pinned to another algorithm.
fn select<'k>(
    key: &'k PastedKey,
    decoded: &DecodedToken<'_>,
    alg: Algorithm,
) -> Result<Vec<&'k CandidateKey>, Verdict> {
    let kid = decoded.header.get("kid").and_then(Value::as_str);
    let named: Vec<&CandidateKey> = match (key.form, kid) {
        (KeyForm::Jwks, Some(kid)) => {
            let found: Vec<_> = key
                .candidates
                .iter()
                .filter(|c| c.kid.as_deref() == Some(kid))
                .collect();
            if found.is_empty() {
                let known: Vec<String> = key
                    .candidates
                    .iter()
                    .map(|c| format!("{:?}", c.kid.as_deref().unwrap_or("(none)")))
                    .collect();
                return Err(Verdict::fail(
                    "invalid_signature",
                    format!(
                        "The JWKS has no key with kid {kid:?} (it has {}): the token was signed \
                         with a key this JWKS does not publish, or the JWKS is out of date.",
                        known.join(", ")
                    ),
                ));
            }
            found
        }
        _ => key.candidates.iter().collect(),
    };
    let fitting: Vec<&CandidateKey> = named.iter().copied().filter(|c| c.kind.fits(alg)).collect();
    if fitting.is_empty() {
        let given = named[0].kind;
        let confusion =
            alg.family() == AlgorithmFamily::Hmac && !matches!(given, KeyKind::Hmac { .. });
        let mut message = format!(
            "The token is signed with {alg:?}, which needs {}; the key given is {}.",
            needed_for(alg),
            given.describe()
        );
        if confusion {
            message.push_str(
                " Verifying an HMAC token with a public key is the algorithm-confusion attack: \
                 anyone holding the public key could forge it.",
            );
        }
        return Err(Verdict::fail("wrong_algorithm", message));
    }
    let name = format!("{alg:?}");
    let pinned: Vec<&CandidateKey> = fitting
        .iter()
        .copied()
        .filter(|c| c.alg.as_deref().is_none_or(|a| a == name))
        .collect();
    if pinned.is_empty() {
        return Err(Verdict::fail(
            "wrong_algorithm",
            format!(
                "The key is for {} (its alg), but the token says {name}: a key is used with one \
                 algorithm only.",
                fitting[0].alg.as_deref().unwrap_or("?")
            ),
        ));
    }
    Ok(pinned)
}

/// Issuer and audience as the developer expects them, then the times with the leeway.
pub fn check_claims(
    payload: &Map<String, Value>,
    checks: &Checks<'_>,
    leeway: i64,
    now: i64,
) -> Result<(), (&'static str, String)> {
    check_expectations(payload, checks)?;
    let number = |name: &'static str| match payload.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .or_else(|| v.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
            .map(Some)
            .ok_or((
                "malformed",
                format!("The token's {name} claim is not a number (NumericDate, RFC 7519)."),
            )),
    };
    let (exp, nbf, _iat) = (number("exp")?, number("nbf")?, number("iat")?);
    if exp.is_some_and(|exp| now > exp.saturating_add(leeway)) {
        return Err(("expired", "The token has expired.".into()));
    }
    if nbf.is_some_and(|nbf| now.saturating_add(leeway) < nbf) {
        return Err(("not_yet_valid", "The token is not valid yet (nbf).".into()));
    }
    Ok(())
}

/// `expected_issuer` and `expected_audience`, when given: `iss` equal, `aud` equal or listing it.
pub fn check_expectations(
    payload: &Map<String, Value>,
    checks: &Checks<'_>,
) -> Result<(), (&'static str, String)> {
    if let Some(expected) = checks.expected_issuer {
        let iss = payload.get("iss").and_then(Value::as_str);
        if iss != Some(expected) {
            return Err((
                "wrong_issuer_or_audience",
                match iss {
                    Some(iss) => format!("The token's issuer is {iss:?}, not {expected:?}."),
                    None => format!("The token has no iss; {expected:?} was expected."),
                },
            ));
        }
    }
    if let Some(expected) = checks.expected_audience {
        let matches = match payload.get("aud") {
            Some(Value::String(a)) => a == expected,
            Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(expected)),
            _ => false,
        };
        if !matches {
            return Err((
                "wrong_issuer_or_audience",
                format!("The token's audience (aud) does not include {expected:?}."),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
