//! Opaque, tamper-proof page cursors: the last id of a page, MACed with a server key.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::Mac as _;
use subtle::ConstantTimeEq as _;

const VERSION: u8 = 1;
const TAG_LEN: usize = 12;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

fn tag(key: &[u8; 32], payload: &[u8]) -> [u8; TAG_LEN] {
    let mut mac = <HmacSha256 as hmac::Mac>::new_from_slice(key).expect("any key length");
    mac.update(payload);
    let full = mac.finalize().into_bytes();
    let mut out = [0u8; TAG_LEN];
    out.copy_from_slice(&full[..TAG_LEN]);
    out
}

/// Encodes "continue after id" as an opaque string.
pub fn encode(key: &[u8; 32], last_id: i32) -> String {
    let mut bytes = Vec::with_capacity(5 + TAG_LEN);
    bytes.push(VERSION);
    bytes.extend_from_slice(&last_id.to_be_bytes());
    let t = tag(key, &bytes);
    bytes.extend_from_slice(&t);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes a cursor this server issued; anything else (garbled, truncated, forged) is refused.
pub fn decode(key: &[u8; 32], cursor: &str) -> Result<i32, String> {
    let refuse =
        || "This cursor is not one this server issued; start from the first page.".to_string();
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| refuse())?;
    if bytes.len() != 5 + TAG_LEN || bytes[0] != VERSION {
        return Err(refuse());
    }
    let (payload, given) = bytes.split_at(5);
    if !bool::from(tag(key, payload).ct_eq(given)) {
        return Err(refuse());
    }
    let id = i32::from_be_bytes([payload[1], payload[2], payload[3], payload[4]]);
    Ok(id)
}

/// Cursors of lists keyed by text (OAuth clients, by `client_id`): a version of their own, the
/// key's bytes, the same MAC.
const TEXT_VERSION: u8 = 2;

/// Encodes "continue after `last_key`" as an opaque string.
pub fn encode_text(key: &[u8; 32], last_key: &str) -> String {
    let mut bytes = Vec::with_capacity(1 + last_key.len() + TAG_LEN);
    bytes.push(TEXT_VERSION);
    bytes.extend_from_slice(last_key.as_bytes());
    let t = tag(key, &bytes);
    bytes.extend_from_slice(&t);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes a text cursor this server issued; anything else is refused.
pub fn decode_text(key: &[u8; 32], cursor: &str) -> Result<String, String> {
    let refuse =
        || "This cursor is not one this server issued; start from the first page.".to_string();
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| refuse())?;
    if bytes.len() < 1 + TAG_LEN || bytes[0] != TEXT_VERSION {
        return Err(refuse());
    }
    let (payload, given) = bytes.split_at(bytes.len() - TAG_LEN);
    if !bool::from(tag(key, payload).ct_eq(given)) {
        return Err(refuse());
    }
    String::from_utf8(payload[1..].to_vec()).map_err(|_| refuse())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    #[test]
    fn round_trip() {
        for id in [1, 42, i32::MAX] {
            assert_eq!(decode(&KEY, &encode(&KEY, id)), Ok(id));
        }
    }

    #[test]
    fn text_cursors_round_trip_and_refuse_tampering_and_id_cursors() {
        for k in ["abc", "my-app.v2", ""] {
            assert_eq!(decode_text(&KEY, &encode_text(&KEY, k)), Ok(k.to_string()));
        }
        assert!(decode_text(&[8; 32], &encode_text(&KEY, "abc")).is_err());
        assert!(decode_text(&KEY, &encode(&KEY, 42)).is_err());
        assert!(decode(&KEY, &encode_text(&KEY, "abcd")).is_err());
    }

    #[test]
    fn tampering_is_refused() {
        let c = encode(&KEY, 42);
        assert!(decode(&[8; 32], &c).is_err(), "another key");
        let mut bytes = URL_SAFE_NO_PAD.decode(&c).unwrap();
        bytes[4] ^= 1;
        assert!(
            decode(&KEY, &URL_SAFE_NO_PAD.encode(&bytes)).is_err(),
            "flipped id"
        );
        for garbage in ["", "abc", "!!!!", &c[..c.len() - 2], &format!("{c}AA")] {
            assert!(decode(&KEY, garbage).is_err(), "{garbage}");
        }
    }
}
