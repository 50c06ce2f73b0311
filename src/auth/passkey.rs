//! The WebAuthn relying party: its identity from `PUBLIC_URL`, and the pure steps around the
//! ceremonies that webauthn-rs does not do for us (finding a response's challenge, naming what
//! a passkey proves). Verification itself (signatures, origin, RP ID hash, flags, counter) is
//! webauthn-rs's.

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use webauthn_rs::prelude::{Url, Webauthn, WebauthnBuilder};

/// How long a ceremony may take: the browser's timeout and the stored challenge's life.
pub const CEREMONY_SECONDS: u32 = 300;

/// The relying party for `public_url`: RP ID its host, the only allowed origin its scheme,
/// host and port. Refused (with the reason) when the host is an IP address, which browsers do
/// not accept as an RP ID.
pub fn relying_party(public_url: &str, name: &str) -> Result<Webauthn, String> {
    let url = Url::parse(public_url).map_err(|e| format!("PUBLIC_URL is not a URL: {e}"))?;
    let host = match url.host() {
        Some(url::Host::Domain(host)) => host.to_string(),
        Some(_) => {
            return Err(format!(
                "passkeys need PUBLIC_URL to name a host, not an IP address (browsers refuse \
                 one as the relying party); in development use http://localhost:{}",
                url.port_or_known_default().unwrap_or(80)
            ))
        }
        None => return Err("PUBLIC_URL has no host".into()),
    };
    let origin = Url::parse(&url.origin().ascii_serialization())
        .map_err(|e| format!("PUBLIC_URL has no origin: {e}"))?;
    WebauthnBuilder::new(&host, &origin)
        .and_then(|b| {
            b.rp_name(name)
                .timeout(std::time::Duration::from_secs(CEREMONY_SECONDS.into()))
                .build()
        })
        .map_err(|e| format!("PUBLIC_URL cannot serve as the WebAuthn relying party: {e}"))
}

/// The stored key of a ceremony: hex SHA-256 of its challenge bytes.
pub fn challenge_hash(challenge: &[u8]) -> String {
    hex::encode(Sha256::digest(challenge))
}

/// The challenge a response answers, read from its `clientDataJSON` (base64url, as browsers
/// write it; padded base64url accepted): the key to the stored ceremony. `None` when the
/// client data is not JSON or names no decodable challenge: such a response answers nothing.
/// Nothing here is trusted: the ceremony's own verification compares it again.
pub fn challenge_of(client_data_json: &[u8]) -> Option<Vec<u8>> {
    #[derive(serde::Deserialize)]
    struct ClientData {
        challenge: String,
    }
    let data: ClientData = serde_json::from_slice(client_data_json).ok()?;
    URL_SAFE_NO_PAD
        .decode(data.challenge.as_bytes())
        .or_else(|_| URL_SAFE.decode(data.challenge.as_bytes()))
        .ok()
        .filter(|c| !c.is_empty())
}

/// What a passkey sign-in proves, as RFC 8176 names it: `swk` (a software-secured key) for a
/// passkey the authenticator may back up or sync to other devices (its backup-eligible flag),
/// `hwk` (a hardware-secured key) for one bound to its device.
pub fn amr(backup_eligible: bool) -> &'static str {
    if backup_eligible {
        "swk"
    } else {
        "hwk"
    }
}

/// A credential id as the database keeps it: base64url without padding.
pub fn credential_key(raw_id: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(raw_id)
}

#[cfg(test)]
mod tests;
