//! Refresh tokens: opaque random strings, stored only as hashes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest as _, Sha256};

/// A new refresh token (256 random bits, base64url) and the hash that is stored for it.
/// Only the hash is ever written to the database.
pub fn generate() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&token);
    (token, hash)
}

/// The stored form of a refresh token: hex SHA-256. The token has 256 bits of entropy, so a
/// fast hash is enough; a leaked table cannot be turned back into tokens.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.trim().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_long_random_and_hashed() {
        let (a, ha) = super::generate();
        let (b, _) = super::generate();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43, "256 bits in base64url");
        assert_eq!(ha, super::hash(&a));
        assert_eq!(ha.len(), 64);
        assert!(!ha.contains(&a));
    }
}
