//! Signing keys: the HS256 secret, or PEM key pairs for EdDSA, ES256 and RS256, plus public
//! keys still accepted after a rotation. Every key is named by its RFC 7638 thumbprint (`kid`).

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::config::{ConfigError, Settings, SigningAlgorithm};

/// A key that can verify tokens, with the `kid` tokens name it by.
pub struct VerifyKey {
    pub kid: String,
    pub key: DecodingKey,
}

/// Sigil's signing key and every key it accepts for verification. The algorithm is pinned:
/// tokens are only ever verified with `algorithm`, whatever their header says.
pub struct TokenKeys {
    pub algorithm: SigningAlgorithm,
    pub kid: String,
    encoding: EncodingKey,
    verifying: Vec<VerifyKey>,
    public_jwks: Vec<Value>,
}

impl TokenKeys {
    /// HS256 keys from the secret. The `kid` is derived from the secret through a one-way
    /// HMAC, so it names the key without revealing it.
    pub fn hmac(secret: &[u8]) -> Self {
        use hmac::Mac as _;
        let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::Mac>::new_from_slice(secret)
            .expect("HMAC accepts keys of any length");
        mac.update(b"sigil key id");
        let kid = URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..12]);
        Self {
            algorithm: SigningAlgorithm::HS256,
            kid: kid.clone(),
            encoding: EncodingKey::from_secret(secret),
            verifying: vec![VerifyKey {
                kid,
                key: DecodingKey::from_secret(secret),
            }],
            public_jwks: Vec::new(),
        }
    }

    /// Keys from parts: a signing key and the verification keys (current first).
    pub fn new(
        algorithm: SigningAlgorithm,
        kid: String,
        encoding: EncodingKey,
        verifying: Vec<VerifyKey>,
        public_jwks: Vec<Value>,
    ) -> Self {
        Self {
            algorithm,
            kid,
            encoding,
            verifying,
            public_jwks,
        }
    }

    /// The public keys as RFC 7517 JWKs, for `/.well-known/jwks.json` (none under HS256).
    pub fn public_jwks(&self) -> Vec<Value> {
        self.public_jwks.clone()
    }

    /// The signing key: only `jwt::issue` may use it, so it is not visible outside `auth`.
    pub(in crate::auth) fn encoding_key(&self) -> &EncodingKey {
        &self.encoding
    }

    /// The verification key a `kid` names, if Sigil has one.
    pub fn find(&self, kid: &str) -> Option<&VerifyKey> {
        self.verifying.iter().find(|k| k.kid == kid)
    }

    /// Every key a token may be verified with (current first, then the previous ones); the algorithm stays pinned.
    pub fn verifying_keys(&self) -> &[VerifyKey] {
        &self.verifying
    }

    /// The one algorithm tokens are signed and verified with, whatever a token's header says.
    pub fn jwt_algorithm(&self) -> Algorithm {
        to_jwt_algorithm(self.algorithm)
    }
}

/// The `jsonwebtoken` name of a configured algorithm (the configuration never allows `none`).
pub fn to_jwt_algorithm(alg: SigningAlgorithm) -> Algorithm {
    match alg {
        SigningAlgorithm::HS256 => Algorithm::HS256,
        SigningAlgorithm::EdDSA => Algorithm::EdDSA,
        SigningAlgorithm::ES256 => Algorithm::ES256,
        SigningAlgorithm::RS256 => Algorithm::RS256,
    }
}

/// Loads the keys the settings name. A key of the wrong type for `ALGORITHM`, an unreadable
/// file, or a public key that does not belong to the private key is a [`ConfigError`]
/// naming the variable. A private key readable by group or others gets a warning.
pub fn load(settings: &Settings) -> Result<TokenKeys, ConfigError> {
    let alg = settings.algorithm;
    if alg.is_symmetric() {
        return Ok(TokenKeys::hmac(settings.secret_key.expose()));
    }
    let err = |var: &'static str, message: String| ConfigError::new(var, message);
    let private_path = settings
        .private_key_file
        .as_deref()
        .ok_or_else(|| err("JWT_PRIVATE_KEY_FILE", "is not set".into()))?;
    let public_path = settings
        .public_key_file
        .as_deref()
        .ok_or_else(|| err("JWT_PUBLIC_KEY_FILE", "is not set".into()))?;
    warn_if_readable_by_others(private_path);
    let private_pem = read(private_path).map_err(|m| err("JWT_PRIVATE_KEY_FILE", m))?;
    let encoding = encoding_key(alg, &private_pem).map_err(|m| err("JWT_PRIVATE_KEY_FILE", m))?;
    if alg == SigningAlgorithm::RS256 {
        // Also the id_token key: a key too small to sign with is named as such, not as a
        // public key that does not match.
        let bits = openssl::pkey::PKey::private_key_from_pem(&private_pem)
            .ok()
            .and_then(|k| k.rsa().ok())
            .map(|rsa| rsa.n().num_bits())
            .unwrap_or(0);
        if bits < 2048 {
            return Err(err(
                "JWT_PRIVATE_KEY_FILE",
                format!(
                    "{}: is a {bits}-bit RSA key; RS256 needs at least 2048 bits",
                    private_path.display()
                ),
            ));
        }
    }
    let public_pem = read(public_path).map_err(|m| err("JWT_PUBLIC_KEY_FILE", m))?;
    let current = verify_key(alg, &public_pem).map_err(|m| err("JWT_PUBLIC_KEY_FILE", m))?;
    if !pair_matches(alg, &encoding, &current.0.key) {
        return Err(err(
            "JWT_PUBLIC_KEY_FILE",
            format!(
                "{} is not the public half of JWT_PRIVATE_KEY_FILE",
                public_path.display()
            ),
        ));
    }
    let kid = current.0.kid.clone();
    let mut verifying = vec![current.0];
    let mut jwks = vec![current.1];
    for path in &settings.previous_public_key_files {
        let pem = read(path).map_err(|m| err("JWT_PREVIOUS_PUBLIC_KEY_FILES", m))?;
        let (key, jwk) = verify_key(alg, &pem).map_err(|m| {
            err(
                "JWT_PREVIOUS_PUBLIC_KEY_FILES",
                format!("{}: {m}", path.display()),
            )
        })?;
        if verifying.iter().all(|k| k.kid != key.kid) {
            verifying.push(key);
            jwks.push(jwk);
        }
    }
    Ok(TokenKeys::new(alg, kid, encoding, verifying, jwks))
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Warns when a private key file is readable by group or others.
#[cfg(unix)]
pub(crate) fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.permissions().mode() & 0o077 != 0 {
            log::warn!(
                "{} is readable by group or others; chmod 600 it",
                path.display()
            );
        }
    }
}

#[cfg(not(unix))]
pub(crate) fn warn_if_readable_by_others(_: &Path) {}

fn kind(alg: SigningAlgorithm) -> &'static str {
    match alg {
        SigningAlgorithm::EdDSA => "an Ed25519",
        SigningAlgorithm::ES256 => "a P-256 EC",
        SigningAlgorithm::RS256 => "an RSA",
        SigningAlgorithm::HS256 => "an HMAC",
    }
}

fn encoding_key(alg: SigningAlgorithm, pem: &[u8]) -> Result<EncodingKey, String> {
    let key = match alg {
        SigningAlgorithm::EdDSA => EncodingKey::from_ed_pem(pem),
        SigningAlgorithm::ES256 => EncodingKey::from_ec_pem(pem),
        SigningAlgorithm::RS256 => EncodingKey::from_rsa_pem(pem),
        SigningAlgorithm::HS256 => return Err("HS256 uses SECRET_KEY".into()),
    };
    key.map_err(|_| {
        format!(
            "is not {} private key in PEM (PKCS#8) for ALGORITHM={}",
            kind(alg),
            alg.name()
        )
    })
}

/// A public key, its `kid` and its JWK (with `kid`, `use` and `alg`).
fn verify_key(alg: SigningAlgorithm, pem: &[u8]) -> Result<(VerifyKey, Value), String> {
    let wrong = || {
        format!(
            "is not {} public key in PEM for ALGORITHM={}",
            kind(alg),
            alg.name()
        )
    };
    let key = match alg {
        SigningAlgorithm::EdDSA => DecodingKey::from_ed_pem(pem),
        SigningAlgorithm::ES256 => DecodingKey::from_ec_pem(pem),
        SigningAlgorithm::RS256 => DecodingKey::from_rsa_pem(pem),
        SigningAlgorithm::HS256 => return Err("HS256 uses SECRET_KEY".into()),
    }
    .map_err(|_| wrong())?;
    let jwk = Jwk::from_decoding_key(&key, Some(to_jwt_algorithm(alg))).map_err(|_| wrong())?;
    let mut jwk = serde_json::to_value(&jwk).map_err(|e| e.to_string())?;
    let kid = thumbprint(&jwk).ok_or_else(wrong)?;
    if let Value::Object(map) = &mut jwk {
        map.insert("kid".into(), Value::String(kid.clone()));
        map.insert("use".into(), Value::String("sig".into()));
        map.insert("alg".into(), Value::String(alg.name().into()));
    }
    Ok((VerifyKey { kid, key }, jwk))
}

/// The RFC 7638 JWK thumbprint (SHA-256, base64url): the required members, sorted, no spaces.
pub fn thumbprint(jwk: &Value) -> Option<String> {
    let members: &[&str] = match jwk.get("kty")?.as_str()? {
        "EC" => &["crv", "kty", "x", "y"],
        "RSA" => &["e", "kty", "n"],
        "OKP" => &["crv", "kty", "x"],
        _ => return None,
    };
    let mut canonical = serde_json::Map::new();
    for m in members {
        canonical.insert((*m).to_string(), jwk.get(*m)?.clone());
    }
    // RFC 7638: the members in lexicographic order (inserted so: the map keeps insertion
    // order) and no whitespace.
    let json = serde_json::to_string(&Value::Object(canonical)).ok()?;
    Some(URL_SAFE_NO_PAD.encode(Sha256::digest(json.as_bytes())))
}

/// Signs a probe with the private key and verifies it with the public one.
fn pair_matches(alg: SigningAlgorithm, private: &EncodingKey, public: &DecodingKey) -> bool {
    let message = b"sigil key pair check";
    let jwt_alg = to_jwt_algorithm(alg);
    match jsonwebtoken::crypto::sign(message, private, jwt_alg) {
        Ok(signature) => {
            jsonwebtoken::crypto::verify(&signature, message, public, jwt_alg).unwrap_or(false)
        }
        Err(_) => false,
    }
}

/// Writes a new key pair for `alg` into `dir` (`private.pem` with mode 0600, `public.pem`).
/// RS256 keys are better made with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072`.
pub fn generate(alg: SigningAlgorithm, dir: &Path) -> Result<(PathBuf, PathBuf), String> {
    let (private, public) = match alg {
        SigningAlgorithm::EdDSA => {
            let key = ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng);
            pem_pair(&key, &key.verifying_key())?
        }
        SigningAlgorithm::ES256 => {
            let key = p256::SecretKey::random(&mut rand_core::OsRng);
            pem_pair(&key, &key.public_key())?
        }
        other => {
            return Err(format!(
                "gen-keys makes EdDSA and ES256 keys; for {} use: openssl genpkey -algorithm RSA \
                 -pkeyopt rsa_keygen_bits:3072 -out private.pem && openssl pkey -in private.pem \
                 -pubout -out public.pem",
                other.name()
            ))
        }
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let private_path = dir.join("private.pem");
    let public_path = dir.join("public.pem");
    crate::config::write_private_file(&private_path, private.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", private_path.display()))?;
    std::fs::write(&public_path, public)
        .map_err(|e| format!("cannot write {}: {e}", public_path.display()))?;
    Ok((private_path, public_path))
}

/// A private key as PKCS#8 PEM and its public key as SPKI PEM.
fn pem_pair(
    private: &impl ed25519_dalek::pkcs8::EncodePrivateKey,
    public: &impl ed25519_dalek::pkcs8::EncodePublicKey,
) -> Result<(String, String), String> {
    let private = private
        .to_pkcs8_pem(Default::default())
        .map_err(|e| e.to_string())?;
    let public = public
        .to_public_key_pem(Default::default())
        .map_err(|e| e.to_string())?;
    Ok((private.to_string(), public))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_7638_example_thumbprint() {
        // The RSA key of RFC 7638 §3.1 and its published thumbprint.
        let jwk = serde_json::json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        });
        assert_eq!(
            thumbprint(&jwk).unwrap(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn generated_keys_load_and_sign() {
        for alg in [SigningAlgorithm::EdDSA, SigningAlgorithm::ES256] {
            let dir = tempfile_dir();
            let (private, public) = generate(alg, &dir).unwrap();
            let enc = encoding_key(alg, &std::fs::read(&private).unwrap()).unwrap();
            let (dec, jwk) = verify_key(alg, &std::fs::read(&public).unwrap()).unwrap();
            assert!(pair_matches(alg, &enc, &dec.key));
            assert_eq!(jwk["kid"], Value::String(dec.kid.clone()));
            // The other algorithm's parser refuses the key.
            let other = if alg == SigningAlgorithm::EdDSA {
                SigningAlgorithm::ES256
            } else {
                SigningAlgorithm::EdDSA
            };
            assert!(encoding_key(other, &std::fs::read(&private).unwrap()).is_err());
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                let mode = std::fs::metadata(&private).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600);
            }
            std::fs::remove_dir_all(dir).unwrap();
        }
    }

    fn tempfile_dir() -> PathBuf {
        std::env::temp_dir().join(format!("sigil-keys-{}", uuid::Uuid::new_v4()))
    }
}
