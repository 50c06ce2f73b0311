//! Checksummed secrets, GitHub's scheme: a prefix that names the kind, 43 base62 characters
//! (256 random bits), then 6 base62 characters of their CRC-32. A secret scanner recognises
//! them by the prefix and the checksum, and Sigil refuses a mistyped or truncated one before
//! any lookup. Personal access tokens (`sigil_pat_`) use it; client secrets (`sigil_cs_`) have
//! the same shape.

use sha2::{Digest as _, Sha256};

/// The characters of the random part and the checksum, in the order of their values.
const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// Random characters: 62^43 > 2^256.
pub const RANDOM_LEN: usize = 43;
/// Checksum characters: 62^6 > 2^32.
pub const CHECKSUM_LEN: usize = 6;

/// A kind of checksummed secret, named by its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub prefix: &'static str,
}

/// Personal access tokens (API.md part three, section 3).
pub const PAT: Kind = Kind {
    prefix: "sigil_pat_",
};
/// OAuth client secrets (API.md part three, section 1).
pub const CLIENT_SECRET: Kind = Kind {
    prefix: "sigil_cs_",
};

/// Why a text is not a well-formed secret of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatError {
    /// It does not start with the kind's prefix.
    NotThisKind,
    /// The prefix is there, but the length or the characters after it are wrong.
    Malformed,
    /// Well formed, but the checksum does not match: mistyped, cut or forged.
    BadChecksum,
}

impl Kind {
    /// A new secret: the prefix, 43 random base62 characters (each drawn uniformly, by
    /// rejection, from the operating system's generator) and their checksum.
    pub fn generate(self) -> String {
        let mut random = String::with_capacity(RANDOM_LEN);
        let mut buf = [0u8; 64];
        while random.len() < RANDOM_LEN {
            rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut buf);
            // 248 = 4 × 62: a byte below it maps to a character without bias.
            for b in buf.iter().filter(|b| **b < 248) {
                if random.len() == RANDOM_LEN {
                    break;
                }
                random.push(ALPHABET[(*b % 62) as usize] as char);
            }
        }
        format!("{}{random}{}", self.prefix, checksum(&random))
    }

    /// Whether `text` starts with this kind's prefix (then it is one, well formed or not).
    pub fn claims(self, text: &str) -> bool {
        text.starts_with(self.prefix)
    }

    /// Checks the shape and the checksum of `text`, with no lookup anywhere: the CRC-32 of
    /// the random part is recomputed and compared.
    pub fn check(self, text: &str) -> Result<(), FormatError> {
        let Some(rest) = text.strip_prefix(self.prefix) else {
            return Err(FormatError::NotThisKind);
        };
        if rest.len() != RANDOM_LEN + CHECKSUM_LEN || !rest.bytes().all(is_base62) {
            return Err(FormatError::Malformed);
        }
        let (random, sum) = rest.split_at(RANDOM_LEN);
        if checksum(random) != sum {
            return Err(FormatError::BadChecksum);
        }
        Ok(())
    }

    /// What a list shows of a secret: the prefix and the first 4 random characters.
    pub fn hint(self, secret: &str) -> String {
        let end = (self.prefix.len() + 4).min(secret.len());
        secret.get(..end).unwrap_or(self.prefix).to_string()
    }
}

/// The stored form: hex SHA-256 of the whole secret. 256 random bits need no slow hash.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn is_base62(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// CRC-32/ISO-HDLC of `random`, in base62, most significant digit first, padded with `0` to
/// 6 characters.
pub fn checksum(random: &str) -> String {
    let mut value = crc32fast::hash(random.as_bytes()) as u64;
    let mut digits = [b'0'; CHECKSUM_LEN];
    for slot in digits.iter_mut().rev() {
        *slot = ALPHABET[(value % 62) as usize];
        value /= 62;
    }
    String::from_utf8(digits.to_vec()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_is_iso_hdlc_and_base62_is_padded_most_significant_first() {
        // The check value of CRC-32/ISO-HDLC ("123456789" → 0xCBF43926 = 3421780262).
        assert_eq!(crc32fast::hash(b"123456789"), 0xCBF4_3926);
        // 3421780262 in base62 (computed apart, with Python's integers).
        assert_eq!(checksum("123456789"), "3jZRME");
        assert_eq!(&checksum("")[..], "000000", "CRC-32 of nothing is 0");
    }

    #[test]
    fn generated_secrets_match_the_scanner_pattern_and_check() {
        for kind in [PAT, CLIENT_SECRET] {
            let a = kind.generate();
            let b = kind.generate();
            assert_ne!(a, b);
            assert_eq!(a.len(), kind.prefix.len() + 49);
            assert!(a[kind.prefix.len()..].bytes().all(is_base62));
            assert_eq!(kind.check(&a), Ok(()));
            assert_eq!(kind.hint(&a), a[..kind.prefix.len() + 4]);
        }
        assert_eq!(
            PAT.check(&CLIENT_SECRET.generate()),
            Err(FormatError::NotThisKind)
        );
    }

    #[test]
    fn one_changed_character_anywhere_fails_the_checksum() {
        let token = PAT.generate();
        for i in PAT.prefix.len()..token.len() {
            let mut bytes = token.clone().into_bytes();
            bytes[i] = if bytes[i] == b'a' { b'b' } else { b'a' };
            let changed = String::from_utf8(bytes).unwrap();
            assert_eq!(PAT.check(&changed), Err(FormatError::BadChecksum), "{i}");
        }
        assert_eq!(
            PAT.check(&token[..token.len() - 1]),
            Err(FormatError::Malformed)
        );
        assert_eq!(PAT.check(&format!("{token}x")), Err(FormatError::Malformed));
        let mut with_dash = token.clone();
        with_dash.replace_range(12..13, "-");
        assert_eq!(PAT.check(&with_dash), Err(FormatError::Malformed));
        assert_eq!(PAT.check("sigil_pat_"), Err(FormatError::Malformed));
        assert_eq!(PAT.check("ghp_abc"), Err(FormatError::NotThisKind));
    }

    #[test]
    fn the_random_part_is_uniform_enough() {
        // 2,000 tokens × 43 characters: each of the 62 characters expected ~1,387 times.
        let mut counts = [0u32; 62];
        for _ in 0..2_000 {
            let t = PAT.generate();
            for b in t[PAT.prefix.len()..PAT.prefix.len() + RANDOM_LEN].bytes() {
                let i = ALPHABET.iter().position(|a| *a == b).unwrap();
                counts[i] += 1;
            }
        }
        assert!(
            counts.iter().all(|c| (1_100..1_700).contains(c)),
            "{counts:?}"
        );
    }
}
