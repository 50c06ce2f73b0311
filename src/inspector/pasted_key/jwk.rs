//! JWKs (RFC 7517) and JWK Sets: RSA, EC P-256/P-384, OKP Ed25519 and oct keys.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::DecodingKey;
use serde_json::{Map, Value};

use super::candidate::{hmac, CandidateKey, KeyForm, KeyKind, PastedKey};
/// The most keys a JWKS may hold.
pub const MAX_JWKS_KEYS: usize = 100;

pub(super) fn json_key(text: &str) -> Result<PastedKey, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        format!("The key looks like JSON but does not parse ({e}); expected a JWK or a JWKS.")
    })?;
    let Value::Object(object) = value else {
        return Err("Expected a JWK (an object with kty) or a JWKS (an object with keys).".into());
    };
    if let Some(keys) = object.get("keys") {
        let Value::Array(keys) = keys else {
            return Err("A JWKS's keys is an array of JWKs.".into());
        };
        if keys.len() > MAX_JWKS_KEYS {
            return Err(format!(
                "The JWKS has {} keys; at most {MAX_JWKS_KEYS} are read.",
                keys.len()
            ));
        }
        let mut candidates = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            let Value::Object(jwk) = key else {
                return Err(format!("keys[{i}] is not a JSON object."));
            };
            match jwk_key(jwk) {
                Ok(Some(c)) => candidates.push(c),
                // A key of a type Sigil cannot verify with (an encryption key, say) is skipped.
                Ok(None) => {}
                Err(e) => return Err(format!("keys[{i}]: {e}")),
            }
        }
        if candidates.is_empty() {
            return Err("The JWKS has no RSA, EC P-256/P-384, Ed25519 or oct key.".into());
        }
        return Ok(PastedKey {
            form: KeyForm::Jwks,
            candidates,
        });
    }
    if !object.contains_key("kty") {
        return Err("Expected a JWK (an object with kty) or a JWKS (an object with keys).".into());
    }
    let private = object.contains_key("d");
    let candidate = jwk_key(&object)?.ok_or_else(|| {
        "The JWK's kty/crv is not one Sigil verifies with: RSA, EC (P-256, P-384), OKP (Ed25519) or oct.".to_string()
    })?;
    Ok(PastedKey {
        form: if private {
            KeyForm::PrivateJwk
        } else {
            KeyForm::Jwk
        },
        candidates: vec![candidate],
    })
}

/// One JWK: `Ok(None)` for a type or curve Sigil cannot verify with.
fn jwk_key(jwk: &Map<String, Value>) -> Result<Option<CandidateKey>, String> {
    let text = |name: &str| -> Result<Option<&str>, String> {
        match jwk.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(format!("{name} must be a string.")),
        }
    };
    let bytes = |name: &str| -> Result<Vec<u8>, String> {
        let value = text(name)?.ok_or_else(|| format!("the JWK has no {name}."))?;
        URL_SAFE_NO_PAD
            .decode(value.trim_end_matches('='))
            .map_err(|_| format!("{name} is not base64url."))
    };
    let kid = text("kid")?.map(str::to_string);
    let alg = text("alg")?.map(str::to_string);
    let kty = text("kty")?.ok_or("the JWK has no kty.")?;
    let crv = text("crv")?;
    let (key, kind) = match (kty, crv) {
        ("oct", _) => {
            let k = bytes("k")?;
            if k.is_empty() {
                return Err("k (the secret) is empty.".into());
            }
            return Ok(Some(hmac(k, kid, alg)));
        }
        ("RSA", _) => {
            let n = bytes("n")?;
            let e = bytes("e")?;
            let significant = n.iter().skip_while(|b| **b == 0).count();
            if significant == 0 || e.iter().all(|b| *b == 0) {
                return Err("n and e must be positive numbers.".into());
            }
            let first = n[n.len() - significant];
            let bits = (significant - 1) * 8 + (8 - first.leading_zeros() as usize);
            let key = DecodingKey::from_rsa_raw_components(&n, &e);
            (key, KeyKind::Rsa { bits })
        }
        ("EC", Some(curve @ ("P-256" | "P-384"))) => {
            let size = if curve == "P-256" { 32 } else { 48 };
            let (x, y) = (bytes("x")?, bytes("y")?);
            if x.len() != size || y.len() != size {
                return Err(format!("x and y of a {curve} key are {size} bytes each."));
            }
            let mut point = vec![4u8];
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            let curve = if size == 32 { "P-256" } else { "P-384" };
            (DecodingKey::from_ec_der(&point), KeyKind::Ec { curve })
        }
        ("OKP", Some("Ed25519")) => {
            let x = bytes("x")?;
            if x.len() != 32 {
                return Err("x of an Ed25519 key is 32 bytes.".into());
            }
            (DecodingKey::from_ed_der(&x), KeyKind::Ed25519)
        }
        _ => return Ok(None),
    };
    Ok(Some(CandidateKey {
        kid,
        alg,
        kind,
        key,
        secret: None,
    }))
}
