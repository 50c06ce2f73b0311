//! The encoder: a token built from header and payload JSON and a key the developer brings, for
//! test fixtures. It never sees Sigil's own keys (it is not given them), so nothing it makes
//! verifies against this server unless the developer already holds Sigil's secret.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use jsonwebtoken::{Algorithm, AlgorithmFamily, EncodingKey};
use serde_json::{Map, Value};

use super::pasted_key::PastedKey;
use super::warnings::Warning;
use crate::error::FieldErrors;

/// The largest header or payload JSON the encoder reads.
pub const MAX_JSON_BYTES: usize = 64 * 1024;

/// Builds and signs a compact JWS. The header's `alg` decides the signature (`none` leaves it
/// empty and takes no key); every problem is reported under `header`, `payload` or `key`.
pub fn encode(header: &str, payload: &str, key: Option<&str>) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    let header = errors.take("header", json_object(header, "header"));
    let payload = errors.take("payload", json_object(payload, "payload"));
    let alg = header.as_ref().and_then(|h| {
        let alg = match h.get("alg") {
            Some(Value::String(a)) => a.as_str(),
            _ => {
                errors.add("header", "The header needs an alg, such as \"HS256\" or \"RS256\".");
                return None;
            }
        };
        if alg == "none" {
            return Some(None);
        }
        errors
            .take(
                "header",
                alg.parse::<Algorithm>().map_err(|_| {
                    format!("The encoder signs with HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA or none; not {alg:?}.")
                }),
            )
            .map(Some)
    });
    let key = key.filter(|k| !k.trim().is_empty());
    let signing = match alg {
        Some(Some(alg)) => match key {
            Some(k) => errors
                .take("key", signing_key(alg, k))
                .map(|k| Some((alg, k))),
            None => {
                errors.add("key", format!("{alg:?} needs a key: {}.", key_hint(alg)));
                None
            }
        },
        Some(None) if key.is_some() => {
            errors.add("key", "alg none is unsigned: leave the key empty.");
            None
        }
        Some(None) => Some(None),
        None => None,
    };
    let (Some(header), Some(payload), Some(signing)) = (header, payload, signing) else {
        return Err(errors);
    };
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(Value::Object(header).to_string()),
        URL_SAFE_NO_PAD.encode(Value::Object(payload).to_string())
    );
    let signature = match signing {
        None => String::new(),
        Some((alg, key)) => {
            jsonwebtoken::crypto::sign(input.as_bytes(), &key, alg).map_err(|_| {
                FieldErrors::single(
                    "key",
                    format!("The key cannot sign {alg:?}: {}.", key_hint(alg)),
                )
            })?
        }
    };
    Ok(format!("{input}.{signature}"))
}

/// What the inspector would warn about the token just made (a published or short secret, no
/// expiry, personal data in the payload…): a fixture is often copied into real code.
pub fn warnings(token: &str, key: Option<&str>) -> Vec<Warning> {
    let Ok(decoded) = crate::auth::jwt::decode_parts(token) else {
        return Vec::new();
    };
    let key = key
        .filter(|k| !k.trim().is_empty())
        .and_then(|k| PastedKey::parse(k).ok());
    let mut out = super::warnings::collect(
        &decoded.header,
        Some(&decoded.payload),
        Some(&decoded),
        key.as_ref(),
        crate::auth::jwt::unix_now(),
    );
    // Signing needs the private key: that warning is for the inspector only.
    out.retain(|w| w.code != "private_key_given");
    out
}

fn json_object(text: &str, what: &str) -> Result<Map<String, Value>, String> {
    if text.len() > MAX_JSON_BYTES {
        return Err(format!(
            "The {what} is too large (at most {MAX_JSON_BYTES} bytes)."
        ));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(format!("The {what} must be a JSON object ({{...}}).")),
        Err(e) => Err(format!("The {what} is not valid JSON: {e}.")),
    }
}

fn key_hint(alg: Algorithm) -> &'static str {
    match alg.family() {
        AlgorithmFamily::Hmac => "an HMAC secret (text, or base64url after base64:)",
        AlgorithmFamily::Rsa => {
            "an RSA private key in PEM (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)"
        }
        AlgorithmFamily::Ec if alg == Algorithm::ES384 => {
            "an EC P-384 private key in PEM (BEGIN PRIVATE KEY or BEGIN EC PRIVATE KEY)"
        }
        AlgorithmFamily::Ec => {
            "an EC P-256 private key in PEM (BEGIN PRIVATE KEY or BEGIN EC PRIVATE KEY)"
        }
        AlgorithmFamily::Ed => "an Ed25519 private key in PEM (BEGIN PRIVATE KEY)",
    }
}

/// The signing key for `alg` from the pasted text, checked to be of the right type and curve.
fn signing_key(alg: Algorithm, text: &str) -> Result<EncodingKey, String> {
    use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, RsaKeyPair};
    let wrong = || format!("{alg:?} needs {}.", key_hint(alg));
    if alg.family() == AlgorithmFamily::Hmac {
        if text.trim_start().starts_with("-----BEGIN") {
            return Err(format!(
                "{} A PEM key with an HMAC algorithm is the algorithm-confusion attack.",
                wrong()
            ));
        }
        let secret = match text.strip_prefix("base64:") {
            Some(b) => URL_SAFE_NO_PAD
                .decode(b.trim().trim_end_matches('='))
                .or_else(|_| STANDARD.decode(b.trim()))
                .map_err(|_| {
                    "After base64: comes the secret in base64url; this is not valid base64."
                        .to_string()
                })?,
            None => text.as_bytes().to_vec(),
        };
        // `base64:` alone (or with padding only) would sign with an empty key, which anyone
        // can forge: refused, as the inspector refuses to verify with one.
        if secret.is_empty() {
            return Err("The HMAC secret is empty: after base64: comes the secret.".into());
        }
        return Ok(EncodingKey::from_secret(&secret));
    }
    let block = pem::parse(text.trim()).map_err(|_| wrong())?;
    let der = block.contents();
    let ok = match (alg.family(), block.tag()) {
        (AlgorithmFamily::Rsa, "PRIVATE KEY") => RsaKeyPair::from_pkcs8(der).is_ok(),
        (AlgorithmFamily::Rsa, "RSA PRIVATE KEY") => RsaKeyPair::from_der(der).is_ok(),
        (AlgorithmFamily::Ed, "PRIVATE KEY") => {
            Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).is_ok()
        }
        (AlgorithmFamily::Ec, tag @ ("PRIVATE KEY" | "EC PRIVATE KEY")) => {
            let curve = if alg == Algorithm::ES384 {
                &signature::ECDSA_P384_SHA384_FIXED_SIGNING
            } else {
                &signature::ECDSA_P256_SHA256_FIXED_SIGNING
            };
            let pair = if tag == "PRIVATE KEY" {
                EcdsaKeyPair::from_pkcs8(curve, der)
            } else {
                EcdsaKeyPair::from_private_key_der(curve, der)
            };
            // jsonwebtoken signs EC keys from PKCS#8 only: SEC1 keys are re-wrapped.
            return match pair.ok().and_then(|p| p.to_pkcs8v1().ok()) {
                Some(pkcs8) => Ok(EncodingKey::from_ec_der(pkcs8.as_ref())),
                None => Err(wrong()),
            };
        }
        _ => false,
    };
    if !ok {
        return Err(wrong());
    }
    Ok(match alg.family() {
        AlgorithmFamily::Rsa if block.tag() == "RSA PRIVATE KEY" => EncodingKey::from_rsa_der(der),
        AlgorithmFamily::Rsa => {
            EncodingKey::from_rsa_pem(text.trim().as_bytes()).map_err(|_| wrong())?
        }
        _ => EncodingKey::from_ed_der(der),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_tokens_round_trip_through_the_inspector() {
        let token = encode(
            r#"{"alg":"HS256","typ":"JWT"}"#,
            r#"{"sub":"1","exp":4102444800}"#,
            Some("a-long-enough-secret-for-hs256-0123456789"),
        )
        .unwrap();
        let key =
            super::super::pasted_key::PastedKey::parse("a-long-enough-secret-for-hs256-0123456789")
                .unwrap();
        let checks = super::super::Checks {
            key: Some(&key),
            ..Default::default()
        };
        let r = super::super::inspect(
            &crate::testing::keys(),
            &crate::testing::policy(),
            &token,
            &checks,
            crate::testing::NOW,
        );
        assert_eq!(r.status, "valid");
    }

    #[test]
    fn mistakes_are_named_by_field() {
        let cases: [(&str, &str, Option<&str>, &str); 9] = [
            ("{\"alg\":\"HS256\"}", "{}", Some("base64:"), "key"),
            ("{\"alg\":\"HS256\"}", "{}", Some("base64:=="), "key"),
            ("{", "{}", Some("k"), "header"),
            ("{\"alg\":\"HS256\"}", "[]", Some("k"), "payload"),
            ("{}", "{}", Some("k"), "header"),
            ("{\"alg\":\"ES512\"}", "{}", Some("k"), "header"),
            ("{\"alg\":\"HS256\"}", "{}", None, "key"),
            ("{\"alg\":\"none\"}", "{}", Some("k"), "key"),
            ("{\"alg\":\"RS256\"}", "{}", Some("a secret"), "key"),
        ];
        for (header, payload, key, field) in cases {
            let errors = encode(header, payload, key).unwrap_err();
            assert!(errors.first(field).is_some(), "{header} {payload} {key:?}");
        }
    }

    #[test]
    fn alg_none_is_unsigned() {
        let token = encode(r#"{"alg":"none"}"#, r#"{"sub":"1"}"#, None).unwrap();
        assert!(token.ends_with('.'));
    }
}
