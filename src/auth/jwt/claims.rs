//! The claims check: issuer, audience, times and the shape of every claim Sigil relies on.

use serde_json::{Map, Value};

use super::{AccessClaims, TokenError, TokenPolicy};

/// Checks issuer, audience, the times (with leeway; `exp` required) and the shape of every
/// claim Sigil relies on. `now` is Unix seconds.
pub fn check_claims(
    policy: &TokenPolicy,
    payload: &Map<String, Value>,
    now: i64,
) -> Result<AccessClaims, TokenError> {
    let text = |name: &'static str| -> Result<String, TokenError> {
        match payload.get(name) {
            None => Err(TokenError::MissingClaim(name)),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(TokenError::InvalidClaim(name)),
        }
    };
    let number = |name: &'static str| -> Result<Option<i64>, TokenError> {
        match payload.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .or_else(|| v.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
                .map(Some)
                .ok_or(TokenError::InvalidClaim(name)),
        }
    };
    let optional_text = |name: &'static str| -> Result<Option<String>, TokenError> {
        match payload.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(TokenError::InvalidClaim(name)),
        }
    };
    let client_id = optional_text("client_id")?;
    let iss = text("iss")?;
    // The provider's issuer is a client token's alone: a first-party token never carries it.
    let issuer_ok = iss == policy.issuer || (client_id.is_some() && iss == policy.client_issuer);
    if !issuer_ok {
        return Err(TokenError::WrongIssuer);
    }
    let aud = match payload.get("aud") {
        None => return Err(TokenError::MissingClaim("aud")),
        Some(Value::String(a)) if *a == policy.audience => a.clone(),
        Some(Value::Array(list))
            if list
                .iter()
                .any(|a| a.as_str() == Some(policy.audience.as_str())) =>
        {
            policy.audience.clone()
        }
        Some(_) => return Err(TokenError::WrongAudience),
    };
    let exp = number("exp")?.ok_or(TokenError::MissingClaim("exp"))?;
    if now > exp.saturating_add(policy.leeway_seconds) {
        return Err(TokenError::Expired);
    }
    let nbf = number("nbf")?;
    if let Some(nbf) = nbf {
        if now.saturating_add(policy.leeway_seconds) < nbf {
            return Err(TokenError::NotYetValid);
        }
    }
    let iat = number("iat")?.unwrap_or(0);
    let sub = text("sub")?;
    if sub.parse::<i32>().is_err() {
        return Err(TokenError::InvalidClaim("sub"));
    }
    let amr = match payload.get("amr") {
        None => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or(TokenError::InvalidClaim("amr"))?,
        Some(_) => return Err(TokenError::InvalidClaim("amr")),
    };
    Ok(AccessClaims {
        sub,
        username: match client_id {
            Some(_) => optional_text("username")?.unwrap_or_default(),
            None => text("username")?,
        },
        sid: text("sid")?,
        iat,
        nbf: nbf.unwrap_or(iat),
        exp,
        jti: text("jti")?,
        iss,
        aud,
        auth_time: number("auth_time")?.unwrap_or(0),
        amr,
        scope: match client_id {
            Some(_) => Some(optional_text("scope")?.unwrap_or_default()),
            None => None,
        },
        client_id,
    })
}
