//! What a pasted key becomes: one or more candidate keys, each of a known kind.

use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};

/// What kind of key a candidate is, for matching it with a token's algorithm and for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// An HMAC secret of this many bytes.
    Hmac {
        bytes: usize,
    },
    Rsa {
        bits: usize,
    },
    /// A P-256 or P-384 public key (`curve` is "P-256" or "P-384").
    Ec {
        curve: &'static str,
    },
    Ed25519,
}

impl KeyKind {
    /// "an RSA 2048-bit key", for messages.
    pub fn describe(self) -> String {
        match self {
            Self::Hmac { bytes } => format!("an HMAC secret of {bytes} bytes"),
            Self::Rsa { bits } => format!("an RSA {bits}-bit public key"),
            Self::Ec { curve } => format!("an EC {curve} public key"),
            Self::Ed25519 => "an Ed25519 public key".into(),
        }
    }

    /// Whether tokens signed with `alg` can be checked with a key of this kind.
    pub fn fits(self, alg: Algorithm) -> bool {
        match (self, alg.family()) {
            (Self::Hmac { .. }, AlgorithmFamily::Hmac) => true,
            (Self::Rsa { .. }, AlgorithmFamily::Rsa) => true,
            (Self::Ec { curve }, AlgorithmFamily::Ec) => {
                (alg == Algorithm::ES256 && curve == "P-256")
                    || (alg == Algorithm::ES384 && curve == "P-384")
            }
            (Self::Ed25519, AlgorithmFamily::Ed) => true,
            _ => false,
        }
    }
}

/// What a token signed with `alg` needs, for messages ("an RSA public key").
pub fn needed_for(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => "an HMAC secret",
        Algorithm::ES256 => "an EC P-256 public key",
        Algorithm::ES384 => "an EC P-384 public key",
        Algorithm::EdDSA => "an Ed25519 public key",
        _ => "an RSA public key",
    }
}

/// One key that may have signed the token.
pub struct CandidateKey {
    /// The JWK's `kid`, if it has one.
    pub kid: Option<String>,
    /// The JWK's `alg`, if it pins one.
    pub alg: Option<String>,
    pub kind: KeyKind,
    pub key: DecodingKey,
    /// The HMAC secret itself, to recognise a published example secret.
    pub(super) secret: Option<Vec<u8>>,
}

impl CandidateKey {
    /// The HMAC secret, for the weak-secret warning only.
    pub fn secret(&self) -> Option<&[u8]> {
        self.secret.as_deref()
    }
}

impl std::fmt::Debug for CandidateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CandidateKey")
            .field("kid", &self.kid)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// The form a pasted key came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyForm {
    Secret,
    Pem,
    /// A PEM private key: the public half is used, and a warning says so.
    PrivatePem,
    Jwk,
    /// A JWK with its private part (`d`): the public half is used.
    PrivateJwk,
    Jwks,
}

/// A key given to the inspector: one candidate, or a JWKS's keys (chosen by `kid`).
#[derive(Debug)]
pub struct PastedKey {
    pub form: KeyForm,
    pub candidates: Vec<CandidateKey>,
}

pub(super) fn hmac(secret: Vec<u8>, kid: Option<String>, alg: Option<String>) -> CandidateKey {
    CandidateKey {
        kid,
        alg,
        kind: KeyKind::Hmac {
            bytes: secret.len(),
        },
        key: DecodingKey::from_secret(&secret),
        secret: Some(secret),
    }
}
