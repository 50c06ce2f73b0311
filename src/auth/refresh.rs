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
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// The token that replaces `presented` when it is rotated, and its hash: HMAC-SHA256 of the
/// presented token under `key`, so a second use inside the reuse grace (two tabs refreshing
/// at once) gets the very same successor, not a second live branch of the family. Without the
/// key, the successor cannot be told from random, even knowing the presented token.
pub fn successor(key: &[u8; 32], presented: &str) -> (String, String) {
    use hmac::Mac as _;
    let mut mac = <hmac::Hmac<Sha256> as hmac::Mac>::new_from_slice(key)
        .expect("HMAC accepts keys of any length");
    mac.update(presented.trim().as_bytes());
    let token = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    let hash = hash(&token);
    (token, hash)
}

/// The key of [`successor`], derived from `SECRET_KEY`: every instance derives the same.
pub fn successor_key(secret: &[u8]) -> [u8; 32] {
    use hmac::Mac as _;
    let mut mac = <hmac::Hmac<Sha256> as hmac::Mac>::new_from_slice(secret)
        .expect("HMAC accepts keys of any length");
    mac.update(b"sigil refresh successor");
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_successor_is_the_same_for_the_same_token_and_key_only() {
        let key = super::successor_key(b"secret one");
        let (a, ha) = super::successor(&key, "presented");
        assert_eq!(
            super::successor(&key, " presented "),
            (a.clone(), ha.clone())
        );
        assert_eq!(a.len(), 43);
        assert_eq!(ha, super::hash(&a));
        assert_ne!(super::successor(&key, "another").0, a);
        let other = super::successor_key(b"secret two");
        assert_ne!(super::successor(&other, "presented").0, a);
    }

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
