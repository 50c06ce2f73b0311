//! The stub provider's keys (tests/fixtures/stub_provider, made by its make.sh), its JWKS and
//! the id_token signer with every dishonest signing of [`Alg`].

use std::sync::LazyLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use sha2::Digest as _;

use super::Alg;

/// How many RSA keys the JWKS can rotate through.
pub(super) const ROTATIONS: usize = 3;

const EC_KID: &str = "stub-ec-1";
const ED_KID: &str = "stub-ed-1";

fn pem(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/stub_provider/{name}.pem",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

struct Keys {
    /// `rsa-0` … `rsa-2` (published one at a time), then `rsa-3` (never published).
    rsa: Vec<EncodingKey>,
    ec: EncodingKey,
    ed: EncodingKey,
}

static KEYS: LazyLock<Keys> = LazyLock::new(|| Keys {
    rsa: (0..=ROTATIONS)
        .map(|i| EncodingKey::from_rsa_pem(&pem(&format!("rsa-{i}"))).expect("an RSA PEM"))
        .collect(),
    ec: EncodingKey::from_ec_pem(&pem("p256")).expect("a P-256 PEM"),
    ed: EncodingKey::from_ed_pem(&pem("ed25519")).expect("an Ed25519 PEM"),
});

pub(super) fn rsa_kid(rotation: usize) -> String {
    format!("stub-rsa-{}", rotation + 1)
}

fn jwk(key: &EncodingKey, alg: Algorithm, kid: &str) -> Value {
    let mut jwk = serde_json::to_value(Jwk::from_encoding_key(key, alg).expect("a public JWK"))
        .expect("JWK JSON");
    jwk["kid"] = json!(kid);
    jwk["use"] = json!("sig");
    // An RSA key signs both RS256 and PS256 here: no `alg` to pin it to one.
    if alg == Algorithm::RS256 {
        jwk.as_object_mut().unwrap().remove("alg");
    }
    jwk
}

/// The JWKS: the RSA key of this rotation, the P-256 key and the Ed25519 key.
pub(super) fn jwks(rotation: usize) -> Value {
    let keys = &*KEYS;
    json!({ "keys": [
        jwk(&keys.rsa[rotation], Algorithm::RS256, &rsa_kid(rotation)),
        jwk(&keys.ec, Algorithm::ES256, EC_KID),
        jwk(&keys.ed, Algorithm::EdDSA, ED_KID),
    ]})
}

/// `at_hash` (OIDC Core §3.1.3.6): the left half of the access token's hash, SHA-256 for
/// the 256-bit algorithms, SHA-512 for EdDSA (Ed25519), base64url.
pub(super) fn at_hash(alg: Alg, access_token: &str) -> String {
    let digest = match alg {
        Alg::EdDsa => sha2::Sha512::digest(access_token.as_bytes()).to_vec(),
        _ => sha2::Sha256::digest(access_token.as_bytes()).to_vec(),
    };
    URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
}

/// The id_token: `claims` signed as `alg` says, with the RSA key of this `rotation`.
pub(super) fn sign(alg: Alg, claims: &Value, rotation: usize, client_secret: &str) -> String {
    let keys = &*KEYS;
    let rsa_kid = rsa_kid(rotation);
    let (algorithm, key, kid) = match alg {
        Alg::Rs256 => (Algorithm::RS256, &keys.rsa[rotation], rsa_kid.as_str()),
        Alg::Ps256 => (Algorithm::PS256, &keys.rsa[rotation], rsa_kid.as_str()),
        Alg::Es256 => (Algorithm::ES256, &keys.ec, EC_KID),
        Alg::EdDsa => (Algorithm::EdDSA, &keys.ed, ED_KID),
        Alg::UnknownKid => (Algorithm::RS256, &keys.rsa[rotation], "stub-rsa-unknown"),
        Alg::KeyNotInJwks => (Algorithm::RS256, &keys.rsa[ROTATIONS], rsa_kid.as_str()),
        Alg::None => {
            let header = json!({ "alg": "none", "typ": "JWT" });
            return sigil::testing::forge(&header, claims, sigil::testing::Signing::Unsigned);
        }
        Alg::Hs256ClientSecret => {
            let header = json!({ "alg": "HS256", "typ": "JWT", "kid": rsa_kid });
            return sigil::testing::forge_hs256(&header, claims, client_secret.as_bytes());
        }
    };
    let mut header = Header::new(algorithm);
    header.kid = Some(kid.to_string());
    jsonwebtoken::encode(&header, claims, key).expect("signing an id_token")
}
