//! The RS256 key of id_tokens and logout tokens: from a file, or generated once and kept sealed in the database so that every instance shares it.
//!
//! The source, in order (API.md part three, section 1, **Keys**): `OIDC_SIGNING_KEY_FILE`;
//! else `JWT_PRIVATE_KEY_FILE` under `ALGORITHM=RS256`; else a 3072-bit key generated on first
//! use and stored in `oidc_signing_keys`, sealed (AES-256-GCM) with a key derived from
//! `SECRET_KEY`. The row is found by `seal_id`, a one-way HMAC id of that derived key: a changed
//! `SECRET_KEY` finds no row and makes a new key, whose new `kid` relying parties fetch.

use std::path::Path;
use std::sync::Arc;

use actix_web::web;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use diesel::prelude::*;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use serde_json::{json, Map, Value};

use crate::auth::keys::thumbprint;
use crate::auth::totp::SecretBox;
use crate::config::derive_key;
use crate::config::{ConfigError, Settings, SigningAlgorithm};
use crate::db::schema::oidc_signing_keys;
use crate::db::{on_backend, Db, DbConnection};
use crate::error::AppError;

/// The size of a generated key: NIST's 128-bit security level, beyond the 2048-bit minimum.
const GENERATED_BITS: u32 = 3072;
/// The smallest key accepted from a file (RFC 7518 §3.3: 2048 bits or larger).
const MIN_BITS: u32 = 2048;

/// The provider's signing key, or the means to find or make it. Registered as
/// `web::Data<OidcKeys>` and held by `AppState`.
pub struct OidcKeys {
    source: Source,
}

enum Source {
    /// From a file, loaded (and checked) at start-up.
    File(Arc<SigningKey>),
    /// From the database, read or generated on first use and then kept.
    Stored {
        /// Boxed: the handle is far larger than the other variant.
        db: Box<Db>,
        seal: KeySeal,
        key: tokio::sync::OnceCell<Arc<SigningKey>>,
    },
}

impl std::fmt::Debug for OidcKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            Source::File(key) => f.debug_tuple("OidcKeys::File").field(key).finish(),
            Source::Stored { key, .. } => {
                f.debug_tuple("OidcKeys::Stored").field(&key.get()).finish()
            }
        }
    }
}

impl OidcKeys {
    /// File key loaded now (a bad one is a ConfigError naming OIDC_SIGNING_KEY_FILE / JWT_PRIVATE_KEY_FILE), else the database key prepared lazily.
    ///
    /// Lazily because generating a 3072-bit key takes about a second, which neither every
    /// start (tests start many servers) nor a server whose provider is never used should pay.
    pub fn new(settings: &Settings, db: Db) -> Result<Self, ConfigError> {
        let from_file = |var: &'static str, path: &Path| -> Result<Self, ConfigError> {
            let err = |message: String| ConfigError::new(var, message);
            let pem = std::fs::read(path)
                .map_err(|e| err(format!("cannot read {}: {e}", path.display())))?;
            let key =
                SigningKey::from_pem(&pem).map_err(|m| err(format!("{}: {m}", path.display())))?;
            Ok(Self {
                source: Source::File(Arc::new(key)),
            })
        };
        if let Some(path) = &settings.oidc.signing_key_file {
            crate::auth::keys::warn_if_readable_by_others(path);
            return from_file("OIDC_SIGNING_KEY_FILE", path);
        }
        if settings.algorithm == SigningAlgorithm::RS256 {
            // `auth::keys::load` has read it (and warned about its mode) already.
            if let Some(path) = &settings.private_key_file {
                return from_file("JWT_PRIVATE_KEY_FILE", path);
            }
        }
        Ok(Self {
            source: Source::Stored {
                db: Box::new(db),
                seal: KeySeal::new(settings.secret_key.expose()),
                key: tokio::sync::OnceCell::new(),
            },
        })
    }

    /// The signing key, loaded or generated on first use (blocking work off the async worker; concurrent first uses on one instance generate once).
    ///
    /// Instances that start together on an empty table each generate one, but only the first
    /// insert stays (`seal_id` is the key of the row) and every instance uses what is stored.
    pub async fn current(&self) -> Result<Arc<SigningKey>, AppError> {
        match &self.source {
            Source::File(key) => Ok(Arc::clone(key)),
            Source::Stored { db, seal, key } => key
                .get_or_try_init(|| stored_or_generated(db, seal))
                .await
                .cloned(),
        }
    }
}

/// The stored key, else a new one stored (unless another instance stored one first) and the
/// stored one read back.
async fn stored_or_generated(db: &Db, seal: &KeySeal) -> Result<Arc<SigningKey>, AppError> {
    let reader = seal.clone();
    if let Some(key) = db.run(move |conn| reader.read(conn)).await? {
        return Ok(Arc::new(key));
    }
    let (pem, kid) = web::block(generate_pem).await??;
    let writer = seal.clone();
    let key = db
        .run(move |conn| {
            writer.insert(conn, &kid, &pem)?;
            writer.read(conn)
        })
        .await?
        .ok_or_else(|| AppError::internal("the OpenID signing key just stored is not there"))?;
    log::info!("generated the OpenID signing key {}", key.kid);
    Ok(Arc::new(key))
}

/// A new 3072-bit key as PKCS#8 PEM, with its `kid`.
fn generate_pem() -> Result<(String, String), AppError> {
    let rsa = Rsa::generate(GENERATED_BITS).map_err(AppError::internal)?;
    let pkey = PKey::from_rsa(rsa).map_err(AppError::internal)?;
    let pem = pkey
        .private_key_to_pem_pkcs8()
        .map_err(AppError::internal)?;
    let pem = String::from_utf8(pem).map_err(AppError::internal)?;
    let kid = SigningKey::from_pkey(&pkey)
        .map_err(AppError::internal)?
        .kid;
    Ok((pem, kid))
}

/// Seals the stored key with a key of its own derived from `SECRET_KEY`, and names the row by a
/// one-way id of that key.
#[derive(Clone)]
struct KeySeal {
    sealer: SecretBox,
    seal_id: String,
}

impl std::fmt::Debug for KeySeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeySeal")
            .field("seal_id", &self.seal_id)
            .finish_non_exhaustive()
    }
}

impl KeySeal {
    fn new(secret: &[u8]) -> Self {
        let key = derive_key(secret, b"sigil oidc signing key seal");
        let id = derive_key(&key, b"sigil oidc signing key seal id");
        Self {
            sealer: SecretBox::new(&key),
            seal_id: URL_SAFE_NO_PAD.encode(&id[..16]),
        }
    }

    /// The associated data: a sealed key opens only as the row it was sealed for.
    fn context(&self) -> String {
        format!("oidc signing key|{}", self.seal_id)
    }

    fn seal(&self, pem: &str) -> String {
        self.sealer.seal_text(pem, &self.context())
    }

    fn open(&self, sealed: &str) -> Option<String> {
        self.sealer.open_text(sealed, &self.context())
    }

    /// The key stored under this seal, if any. A row that does not open or parse is an error,
    /// never replaced: the id says it was sealed with this very key.
    fn read(&self, conn: &mut DbConnection) -> Result<Option<SigningKey>, AppError> {
        let sealed: Option<String> = oidc_signing_keys::table
            .find(&self.seal_id)
            .select(oidc_signing_keys::sealed_key)
            .first(conn)
            .optional()?;
        let Some(sealed) = sealed else {
            return Ok(None);
        };
        let pem = self
            .open(&sealed)
            .ok_or_else(|| AppError::internal("the stored OpenID signing key does not open"))?;
        SigningKey::from_pem(pem.as_bytes())
            .map(Some)
            .map_err(|m| AppError::internal(format!("the stored OpenID signing key {m}")))
    }

    /// Stores a key under this seal unless one is there already (another instance's, first).
    fn insert(&self, conn: &mut DbConnection, kid: &str, pem: &str) -> Result<(), AppError> {
        use oidc_signing_keys::dsl;
        let row = (
            dsl::seal_id.eq(&self.seal_id),
            dsl::kid.eq(kid),
            dsl::sealed_key.eq(self.seal(pem)),
            dsl::created_at.eq(crate::db::now()),
        );
        on_backend!(conn, |c| diesel::insert_into(oidc_signing_keys::table)
            .values(row)
            .on_conflict(dsl::seal_id)
            .do_nothing()
            .execute(c))?;
        Ok(())
    }
}

/// An RS256 private key for id_tokens and logout tokens, named by its RFC 7638 thumbprint.
pub struct SigningKey {
    pub kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// The public JWK: `kty`, `use`, `alg`, `kid`, `n`, `e`.
    jwk: Value,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// An RSA private key in PEM (PKCS#1 or PKCS#8) of at least 2048 bits; `Err` says what is
    /// wrong, for a [`ConfigError`] that names the variable.
    pub fn from_pem(pem: &[u8]) -> Result<Self, String> {
        let pkey = PKey::private_key_from_pem(pem)
            .map_err(|_| "is not a private key in PEM (PKCS#1 or PKCS#8)".to_string())?;
        Self::from_pkey(&pkey)
    }

    fn from_pkey(pkey: &PKey<Private>) -> Result<Self, String> {
        let rsa = pkey.rsa().map_err(|_| {
            "is not an RSA private key: id_tokens are signed with RS256".to_string()
        })?;
        let bits = rsa.n().num_bits().max(0) as u32;
        if bits < MIN_BITS {
            return Err(format!(
                "is a {bits}-bit RSA key; RS256 needs at least {MIN_BITS} bits"
            ));
        }
        let (kid, jwk) = public_jwk(&rsa.n().to_vec(), &rsa.e().to_vec())
            .ok_or_else(|| "has no RSA public key".to_string())?;
        let der = rsa
            .private_key_to_der()
            .map_err(|_| "cannot be encoded (PKCS#1 DER)".to_string())?;
        let key = Self {
            kid,
            encoding: EncodingKey::from_rsa_der(&der),
            decoding: DecodingKey::from_rsa_raw_components(&rsa.n().to_vec(), &rsa.e().to_vec()),
            jwk,
        };
        // The signer is only built when it first signs: a key it refuses fails here instead.
        let probe = key
            .sign("JWT", &json!({ "probe": true }))
            .map_err(|_| "cannot sign with RS256".to_string())?;
        key.verify_ignoring_expiry(&probe, "JWT")
            .ok_or_else(|| "does not verify its own signature".to_string())?;
        Ok(key)
    }

    /// The public key as an RFC 7517 JWK: `{kty: "RSA", use: "sig", alg: "RS256", kid, n, e}`.
    pub fn jwk(&self) -> Value {
        self.jwk.clone()
    }

    /// Signs `claims` with RS256 under the header `{alg, typ, kid}`.
    pub fn sign(&self, typ: &str, claims: &impl serde::Serialize) -> Result<String, AppError> {
        let mut header = Header::new(Algorithm::RS256);
        header.typ = Some(typ.to_string());
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).map_err(AppError::internal)
    }

    /// Signature (RS256 pinned, kid must match, typ must equal `typ`) checked, expiry NOT checked: for id_token_hint and the inspector.
    ///
    /// Pins the algorithm and the key: another `alg`, another or no `kid`, a `crit` header, or a
    /// `typ` other than `typ` (compared case-insensitively, with or without `application/`,
    /// RFC 8725 §3.11) is refused. Keys named in the header (`jwk`, `jku`, `x5u`, `x5c`) are
    /// never used. Only the signature is checked: the caller judges `exp`, `iss` and `aud`.
    pub fn verify_ignoring_expiry(&self, token: &str, typ: &str) -> Option<Map<String, Value>> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        if header.alg != Algorithm::RS256
            || header.kid.as_deref() != Some(self.kid.as_str())
            || header.crit.is_some()
            || !same_typ(header.typ.as_deref()?, typ)
        {
            return None;
        }
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        jsonwebtoken::decode::<Map<String, Value>>(token, &self.decoding, &validation)
            .ok()
            .map(|data| data.claims)
    }
}

/// RFC 8725 §3.11: a media type, compared case-insensitively, may omit `application/`.
fn same_typ(found: &str, expected: &str) -> bool {
    let bare = |t: &str| {
        let t = t.trim();
        match t.get(..12) {
            Some(prefix) if prefix.eq_ignore_ascii_case("application/") => t[12..].to_string(),
            _ => t.to_string(),
        }
    };
    bare(found).eq_ignore_ascii_case(&bare(expected))
}

/// The `kid` (RFC 7638 thumbprint) and the public JWK of the RSA key (`n`, `e`) given as
/// unsigned big-endian bytes.
fn public_jwk(n: &[u8], e: &[u8]) -> Option<(String, Value)> {
    let mut jwk = json!({
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "n": URL_SAFE_NO_PAD.encode(n),
        "e": URL_SAFE_NO_PAD.encode(e),
    });
    let kid = thumbprint(&jwk)?;
    jwk["kid"] = Value::String(kid.clone());
    Some((kid, jwk))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2048-bit key (quicker to make than the 3072 bits of a generated one).
    fn test_key() -> (String, SigningKey) {
        let pkey = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
        let pem = String::from_utf8(pkey.private_key_to_pem_pkcs8().unwrap()).unwrap();
        let key = SigningKey::from_pem(pem.as_bytes()).unwrap();
        (pem, key)
    }

    #[test]
    fn the_kid_is_the_rfc_7638_thumbprint() {
        // RFC 7638 §3.1's example key and its published thumbprint.
        let n = URL_SAFE_NO_PAD.decode("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw").unwrap();
        let e = URL_SAFE_NO_PAD.decode("AQAB").unwrap();
        let (kid, jwk) = public_jwk(&n, &e).unwrap();
        assert_eq!(kid, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
        assert_eq!(jwk["kid"], kid.as_str());
        assert_eq!(jwk["use"], "sig");
        assert_eq!(jwk["alg"], "RS256");
        assert_eq!(jwk["kty"], "RSA");
    }

    #[test]
    fn signs_and_verifies_with_a_typed_header() {
        let (_, key) = test_key();
        let token = key.sign("JWT", &json!({"sub": "42", "exp": 1})).unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.alg, Algorithm::RS256);
        assert_eq!(header.typ.as_deref(), Some("JWT"));
        assert_eq!(header.kid.as_deref(), Some(key.kid.as_str()));
        // Long expired, still verified: the caller judges the times.
        let claims = key.verify_ignoring_expiry(&token, "JWT").unwrap();
        assert_eq!(claims["sub"], "42");
        // The JWK alone verifies it, as a relying party does.
        let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(key.jwk()).unwrap();
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        let decoding = DecodingKey::from_jwk(&jwk).unwrap();
        assert!(jsonwebtoken::decode::<Value>(&token, &decoding, &validation).is_ok());
        assert!(key.jwk().get("d").is_none(), "no private part");
        assert!(!format!("{key:?}").contains("BEGIN"));
    }

    #[test]
    fn another_typ_kid_alg_or_key_is_refused() {
        let (_, key) = test_key();
        let logout = key.sign("logout+jwt", &json!({"sub": "1"})).unwrap();
        assert!(key.verify_ignoring_expiry(&logout, "JWT").is_none());
        assert!(key.verify_ignoring_expiry(&logout, "logout+jwt").is_some());
        assert!(key
            .verify_ignoring_expiry(&logout, "application/logout+JWT")
            .is_some());
        // Another key (with its own kid), or this key's signature under another kid.
        let (_, other) = test_key();
        let foreign = other.sign("JWT", &json!({"sub": "1"})).unwrap();
        assert!(key.verify_ignoring_expiry(&foreign, "JWT").is_none());
        let mut header = Header::new(Algorithm::RS256);
        header.typ = Some("JWT".into());
        header.kid = Some("someone-else".into());
        let renamed = jsonwebtoken::encode(&header, &json!({"sub": "1"}), &key.encoding).unwrap();
        assert!(key.verify_ignoring_expiry(&renamed, "JWT").is_none());
        // No typ at all.
        let mut header = Header::new(Algorithm::RS256);
        header.typ = None;
        header.kid = Some(key.kid.clone());
        let untyped = jsonwebtoken::encode(&header, &json!({"sub": "1"}), &key.encoding).unwrap();
        assert!(key.verify_ignoring_expiry(&untyped, "JWT").is_none());
        // HS256 with the public key as the secret, and alg none.
        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some("JWT".into());
        header.kid = Some(key.kid.clone());
        let secret = key.jwk().to_string();
        let confused = jsonwebtoken::encode(
            &header,
            &json!({"sub": "1"}),
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap();
        assert!(key.verify_ignoring_expiry(&confused, "JWT").is_none());
        let none_header = URL_SAFE_NO_PAD.encode(format!(
            r#"{{"alg":"none","typ":"JWT","kid":"{}"}}"#,
            key.kid
        ));
        let unsigned = format!(
            "{none_header}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"sub":"1"}"#)
        );
        assert!(key.verify_ignoring_expiry(&unsigned, "JWT").is_none());
        // A tampered payload.
        let token = key.sign("JWT", &json!({"sub": "1"})).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let tampered = format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(r#"{"sub":"2"}"#),
            parts[2]
        );
        assert!(key.verify_ignoring_expiry(&tampered, "JWT").is_none());
    }

    #[test]
    fn small_and_non_rsa_keys_are_refused() {
        let small = PKey::from_rsa(Rsa::generate(1024).unwrap()).unwrap();
        let pem = small.private_key_to_pem_pkcs8().unwrap();
        assert!(SigningKey::from_pem(&pem).unwrap_err().contains("1024-bit"));
        let ec = openssl::ec::EcKey::generate(
            &openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap(),
        )
        .unwrap();
        let pem = PKey::from_ec_key(ec)
            .unwrap()
            .private_key_to_pem_pkcs8()
            .unwrap();
        assert!(SigningKey::from_pem(&pem)
            .unwrap_err()
            .contains("not an RSA"));
        assert!(SigningKey::from_pem(b"not a key").is_err());
    }

    #[test]
    fn pkcs1_and_pkcs8_name_the_same_key() {
        let rsa = Rsa::generate(2048).unwrap();
        let pkcs1 = SigningKey::from_pem(&rsa.private_key_to_pem().unwrap()).unwrap();
        let pkcs8 = SigningKey::from_pem(
            &PKey::from_rsa(rsa)
                .unwrap()
                .private_key_to_pem_pkcs8()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(pkcs1.kid, pkcs8.kid);
    }

    #[test]
    fn the_sealed_key_opens_only_with_the_same_secret() {
        let (pem, _) = test_key();
        let seal = KeySeal::new(b"first-secret-key-0123456789-abcdefghij");
        let sealed = seal.seal(&pem);
        assert!(!sealed.contains("PRIVATE"));
        assert_eq!(seal.open(&sealed).as_deref(), Some(pem.as_str()));
        let same = KeySeal::new(b"first-secret-key-0123456789-abcdefghij");
        assert_eq!(same.seal_id, seal.seal_id, "the same secret finds the row");
        assert_eq!(same.open(&sealed).as_deref(), Some(pem.as_str()));
        let other = KeySeal::new(b"other-secret-key-0123456789-abcdefghij");
        assert_ne!(other.seal_id, seal.seal_id, "another secret finds no row");
        assert_eq!(other.open(&sealed), None);
        assert!(!format!("{seal:?}").contains(&pem));
    }
}
