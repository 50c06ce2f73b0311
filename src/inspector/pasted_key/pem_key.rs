//! PEM keys: public keys, certificates, and private keys (whose public half is used).

use jsonwebtoken::DecodingKey;

use super::candidate::{CandidateKey, KeyForm, KeyKind, PastedKey};

const PEM_EXPECTED: &str = "a PEM public key (-----BEGIN PUBLIC KEY-----), an RSA PUBLIC KEY, a CERTIFICATE or a PRIVATE KEY of type RSA, EC P-256/P-384 or Ed25519";

pub(super) fn pem_key(text: &str) -> Result<PastedKey, String> {
    let block = pem::parse(text).map_err(|_| {
        format!("The PEM text does not parse (check the BEGIN/END lines and the base64 between them); expected {PEM_EXPECTED}.")
    })?;
    let (form, key, kind) = match block.tag() {
        "PUBLIC KEY" | "RSA PUBLIC KEY" | "CERTIFICATE" => {
            let (key, kind) = public_pem(text.as_bytes()).ok_or_else(|| {
                format!("The {} does not hold a key Sigil can use; expected {PEM_EXPECTED}.", block.tag())
            })?;
            (KeyForm::Pem, key, kind)
        }
        "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
            let (key, kind) = private_pem(block.tag(), block.contents()).ok_or_else(|| {
                format!("The {} does not parse as an RSA, EC P-256/P-384 or Ed25519 key.", block.tag())
            })?;
            (KeyForm::PrivatePem, key, kind)
        }
        "ENCRYPTED PRIVATE KEY" => {
            return Err("The private key is encrypted: paste the public key instead (openssl pkey -in key.pem -pubout).".into())
        }
        other => return Err(format!("A PEM block of type {other:?} is not a key; expected {PEM_EXPECTED}.")),
    };
    Ok(PastedKey {
        form,
        candidates: vec![CandidateKey {
            kid: None,
            alg: None,
            kind,
            key,
            secret: None,
        }],
    })
}

/// A public key or certificate: whichever of the three families accepts it.
fn public_pem(pem: &[u8]) -> Option<(DecodingKey, KeyKind)> {
    if let Ok(key) = DecodingKey::from_rsa_pem(pem) {
        let bits = key.try_get_as_bytes().ok().and_then(rsa_modulus_bits)?;
        return Some((key, KeyKind::Rsa { bits }));
    }
    if let Ok(key) = DecodingKey::from_ec_pem(pem) {
        let curve = curve_of_point(key.try_get_as_bytes().ok()?)?;
        return Some((key, KeyKind::Ec { curve }));
    }
    if let Ok(key) = DecodingKey::from_ed_pem(pem) {
        return (key.try_get_as_bytes().ok()?.len() == 32).then_some((key, KeyKind::Ed25519));
    }
    None
}

/// A private key's public half, so a developer holding only the private key can still check.
fn private_pem(tag: &str, der: &[u8]) -> Option<(DecodingKey, KeyKind)> {
    use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, RsaKeyPair};
    let rsa = match tag {
        "RSA PRIVATE KEY" => RsaKeyPair::from_der(der).ok(),
        "PRIVATE KEY" => RsaKeyPair::from_pkcs8(der).ok(),
        _ => None,
    };
    if let Some(pair) = rsa {
        let public = pair.public_key().as_ref().to_vec();
        let bits = rsa_modulus_bits(&public)?;
        return Some((DecodingKey::from_rsa_der(&public), KeyKind::Rsa { bits }));
    }
    for (alg, curve) in [
        (&signature::ECDSA_P256_SHA256_FIXED_SIGNING, "P-256"),
        (&signature::ECDSA_P384_SHA384_FIXED_SIGNING, "P-384"),
    ] {
        let pair = match tag {
            "EC PRIVATE KEY" => EcdsaKeyPair::from_private_key_der(alg, der).ok(),
            "PRIVATE KEY" => EcdsaKeyPair::from_pkcs8(alg, der).ok(),
            _ => None,
        };
        if let Some(pair) = pair {
            let key = DecodingKey::from_ec_der(pair.public_key().as_ref());
            return Some((key, KeyKind::Ec { curve }));
        }
    }
    if tag == "PRIVATE KEY" {
        if let Ok(pair) = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der) {
            let key = DecodingKey::from_ed_der(pair.public_key().as_ref());
            return Some((key, KeyKind::Ed25519));
        }
    }
    None
}

/// The curve of an uncompressed EC point by its length.
fn curve_of_point(point: &[u8]) -> Option<&'static str> {
    match (point.first(), point.len()) {
        (Some(4), 65) => Some("P-256"),
        (Some(4), 97) => Some("P-384"),
        _ => None,
    }
}

/// The size of an RSA modulus from a DER `RSAPublicKey` (SEQUENCE { INTEGER n, INTEGER e }).
fn rsa_modulus_bits(der: &[u8]) -> Option<usize> {
    fn header(input: &[u8], tag: u8) -> Option<(usize, &[u8])> {
        let (&t, rest) = input.split_first()?;
        if t != tag {
            return None;
        }
        let (&first, rest) = rest.split_first()?;
        if first < 0x80 {
            return Some((first as usize, rest));
        }
        let count = (first & 0x7f) as usize;
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let len = rest[..count]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | *b as usize);
        Some((len, &rest[count..]))
    }
    let (_, body) = header(der, 0x30)?;
    let (len, rest) = header(body, 0x02)?;
    let modulus = rest.get(..len)?;
    let significant: Vec<u8> = modulus.iter().copied().skip_while(|b| *b == 0).collect();
    let first = *significant.first()?;
    Some((significant.len() - 1) * 8 + (8 - first.leading_zeros() as usize))
}
