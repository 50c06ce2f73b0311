//! Warnings that teach: what in a token (or the key it was checked with) is risky, why it
//! matters and what to do. Computed for every token that decodes, Sigil's own or not, whatever
//! its status: a valid token can still be a bad idea.

use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Serialize;
use serde_json::{Map, Value};

use super::pasted_key::{KeyForm, PastedKey};
use super::times::human_duration;
use crate::auth::jwt::{DecodedToken, EMBEDDED_KEY_HEADERS};

/// One warning: a stable `code` for programs and a `message` for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Warning {
    /// alg_none, weak_hmac_secret, no_expiry, long_lifetime, embedded_key_header, crit_header,
    /// sensitive_claim, private_key_given, live_credential or input_cleaned.
    #[schema(example = "weak_hmac_secret")]
    pub code: &'static str,
    pub message: String,
}

/// HMAC secrets published in tutorials and tools: a token signed with one can be forged by
/// anyone who has read the same page.
pub const PUBLISHED_SECRETS: &[(&str, &str)] = &[
    ("jwt.io's example", "your-256-bit-secret"),
    ("jwt.io's example", "your-384-bit-secret"),
    ("jwt.io's example", "your-512-bit-secret"),
    // jwt.io's page since 2025: long enough for the length rule, so only this list catches it.
    ("jwt.io's example", "a-string-secret-at-least-256-bits-long"),
    (
        "the FastAPI JWT tutorial's",
        "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7",
    ),
    ("the node-jsonwebtoken README's", "shhhhh"),
    ("the express-session README's", "keyboard cat"),
    ("a placeholder", "secret"),
    ("a placeholder", "your-secret-key"),
    ("a placeholder", "your_secret_key"),
    ("a placeholder", "secret-key"),
    ("a placeholder", "secretkey"),
    ("a placeholder", "mysecret"),
    ("a placeholder", "supersecret"),
    ("a placeholder", "changeme"),
    ("a placeholder", "change-me"),
    ("a placeholder", "jwt-secret"),
    ("a placeholder", "jwt_secret"),
];

/// Payload claim names (lower case, without `_` and `-`) that hold personal data or secrets.
const SENSITIVE_NAMES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "clientsecret",
    "apikey",
    "apisecret",
    "privatekey",
    "secretkey",
    "accesskey",
    "ssn",
    "socialsecuritynumber",
    "creditcard",
    "cardnumber",
    "ccnumber",
    "cvv",
    "cvc",
    "iban",
    "accountnumber",
    "taxid",
    "passport",
    "passportnumber",
    "nationalid",
    "email",
    "phone",
    "phonenumber",
    "mobile",
    "address",
    "streetaddress",
    "birthdate",
    "dateofbirth",
    "dob",
    "salary",
];

/// The shortest HMAC secret worth its algorithm (RFC 7518 §3.2: at least the hash's size).
fn min_secret_bytes(alg: Option<Algorithm>) -> usize {
    match alg {
        Some(Algorithm::HS384) => 48,
        Some(Algorithm::HS512) => 64,
        _ => 32,
    }
}

/// Every warning for a decoded header and payload. `decoded` (when the token split cleanly)
/// lets the published secrets be tried against the signature; `key` is the key the developer
/// gave, if any.
pub fn collect(
    header: &Map<String, Value>,
    payload: Option<&Map<String, Value>>,
    decoded: Option<&DecodedToken<'_>>,
    key: Option<&PastedKey>,
    now: i64,
) -> Vec<Warning> {
    let mut out = Vec::new();
    let alg_text = header.get("alg").and_then(Value::as_str);
    let alg = alg_text.and_then(|a| a.parse::<Algorithm>().ok());
    if alg_text.is_some_and(|a| a.eq_ignore_ascii_case("none")) {
        out.push(Warning {
            code: "alg_none",
            message: "The token is unsigned (alg none): anyone can write one with any claims. \
                      A server must refuse it: pin the algorithms it accepts instead of reading \
                      them from the token."
                .into(),
        });
    }
    if let Some(w) = weak_secret(alg, decoded, key) {
        out.push(w);
    }
    let embedded: Vec<&str> = EMBEDDED_KEY_HEADERS
        .iter()
        .copied()
        .filter(|h| header.contains_key(*h))
        .collect();
    if !embedded.is_empty() {
        out.push(Warning {
            code: "embedded_key_header",
            message: format!(
                "The header carries {}: a key, or where to fetch one. A server must never \
                 verify a token with a key the token brings (an attacker signs with their own \
                 key and attaches it); Sigil ignores it and uses only the key you give.",
                embedded.join(", ")
            ),
        });
    }
    if header.contains_key("crit") {
        out.push(Warning {
            code: "crit_header",
            message: "The header has crit: a server must refuse the token unless it \
                      understands every extension listed there (RFC 7515 §4.1.11). Most \
                      libraries understand none, so the token will be refused."
                .into(),
        });
    }
    if let Some(payload) = payload {
        lifetime_warnings(payload, now, &mut out);
        let sensitive: Vec<&str> = payload
            .keys()
            .filter(|name| {
                let plain: String = name
                    .chars()
                    .filter(|c| *c != '_' && *c != '-')
                    .flat_map(char::to_lowercase)
                    .collect();
                SENSITIVE_NAMES.contains(&plain.as_str())
            })
            .map(String::as_str)
            .collect();
        if !sensitive.is_empty() {
            out.push(Warning {
                code: "sensitive_claim",
                message: format!(
                    "The payload has {}, which look like personal data or a secret. A JWT is \
                     signed, not encrypted: anyone who holds it (logs, browser storage, a \
                     proxy) can read every claim. Keep such data on the server and put an id \
                     in the token.",
                    sensitive.join(", ")
                ),
            });
        }
    }
    if matches!(
        key.map(|k| k.form),
        Some(KeyForm::PrivatePem | KeyForm::PrivateJwk)
    ) {
        out.push(Warning {
            code: "private_key_given",
            message: "You gave a private key; only its public half was used. Whoever holds a \
                      private key can sign tokens: verify with the public key, and rotate this \
                      one if it was ever shared."
                .into(),
        });
    }
    out
}

fn lifetime_warnings(payload: &Map<String, Value>, now: i64, out: &mut Vec<Warning>) {
    let number = |name: &str| payload.get(name).and_then(Value::as_i64);
    let Some(exp) = number("exp") else {
        out.push(Warning {
            code: "no_expiry",
            message: "The token has no exp: it is valid forever, unless every server that \
                      accepts it keeps a list of revoked tokens. Give access tokens an expiry of \
                      minutes, and use refresh tokens for long sessions."
                .into(),
        });
        return;
    };
    let start = number("iat").or_else(|| number("nbf")).unwrap_or(now);
    let lifetime = exp.saturating_sub(start);
    if lifetime > 86_400 {
        out.push(Warning {
            code: "long_lifetime",
            message: format!(
                "The token lives {} (over 24 hours): a stolen copy works that long, and \
                 signing out cannot stop it unless servers check revocation. Keep access \
                 tokens short (minutes) and renew them with a refresh token.",
                human_duration(lifetime)
            ),
        });
    }
}

/// A published example secret (tried against the signature, or given as the key), or a given
/// HMAC secret shorter than its algorithm needs.
fn weak_secret(
    alg: Option<Algorithm>,
    decoded: Option<&DecodedToken<'_>>,
    key: Option<&PastedKey>,
) -> Option<Warning> {
    let hmac_alg =
        alg.filter(|a| matches!(a, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512));
    let given: Vec<&[u8]> = key
        .map(|k| k.candidates.iter().filter_map(|c| c.secret()).collect())
        .unwrap_or_default();
    // What the signature says comes first: a token signed with a published secret is
    // forgeable, whatever key the developer tried.
    let signed_with = match (hmac_alg, decoded) {
        (Some(alg), Some(d)) => PUBLISHED_SECRETS.iter().find(|(_, s)| {
            jsonwebtoken::crypto::verify(
                d.signature,
                d.signing_input.as_bytes(),
                &DecodingKey::from_secret(s.as_bytes()),
                alg,
            )
            .unwrap_or(false)
        }),
        _ => None,
    };
    if let Some((whose, secret)) = signed_with {
        // The verdict is about the key given; this is about the token, and must not read as
        // if the key given had signed it.
        let not_yours = match given.is_empty() || given.contains(&secret.as_bytes()) {
            true => "",
            false => " (not with the key you gave)",
        };
        return Some(Warning {
            code: "weak_hmac_secret",
            message: format!(
                "The token is signed with {whose} secret {secret:?}{not_yours}. That secret is \
                 published for all to read: anyone can forge tokens with it. Generate a random \
                 secret of at least 32 bytes (openssl rand -base64 32), keep it out of source \
                 code, and revoke every token signed with this one."
            ),
        });
    }
    // The key given is a published one, but the signature was not made with it: say so
    // without claiming the token was signed with it (the verdict says whether it verifies).
    let given_published = PUBLISHED_SECRETS
        .iter()
        .find(|(_, s)| given.contains(&s.as_bytes()));
    if let Some((whose, secret)) = given_published {
        return Some(Warning {
            code: "weak_hmac_secret",
            message: format!(
                "The key you gave is {whose} secret {secret:?}, published for all to read: a \
                 server that signs with it can be forged by anyone. Never use it outside a \
                 tutorial; generate a random secret of at least 32 bytes (openssl rand -base64 \
                 32)."
            ),
        });
    }
    let min = min_secret_bytes(hmac_alg);
    let shortest = given.iter().map(|s| s.len()).min()?;
    (shortest < min).then(|| Warning {
        code: "weak_hmac_secret",
        message: format!(
            "The HMAC secret is only {shortest} bytes ({} needs at least {min}): a short \
             secret can be guessed offline from a single token, and then anyone can forge \
             tokens. Use {min} or more random bytes (openssl rand -base64 {min}).",
            hmac_alg
                .map(|a| format!("{a:?}"))
                .unwrap_or_else(|| "HS256".into())
        ),
    })
}
