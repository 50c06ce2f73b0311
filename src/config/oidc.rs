//! OpenID provider settings (API.md part three, section 1): the issuer, whether the provider
//! is on, its signing key file and the lifetimes of codes.

use std::path::PathBuf;
use std::time::Duration;

use super::{number, ConfigError};

#[derive(Clone, Debug)]
pub struct OidcSettings {
    /// `PUBLIC_URL` without its trailing `/`: the `iss` of id_tokens, logout tokens and client
    /// access tokens.
    pub issuer: String,
    /// Why the provider is off (`http://` to a host that is not loopback); `None` when it is on.
    pub off_because: Option<String>,
    /// An RS256 private key for id_tokens and logout tokens (`OIDC_SIGNING_KEY_FILE`).
    pub signing_key_file: Option<PathBuf>,
    /// How long an authorization code lives (`AUTHORIZATION_CODE_SECONDS`).
    pub code_ttl: Duration,
    /// How long a device code lives (`DEVICE_CODE_MINUTES`).
    pub device_code_ttl: Duration,
}

impl OidcSettings {
    pub(super) fn from_lookup(
        get: &impl Fn(&str) -> Option<String>,
        public_url: &str,
    ) -> Result<Self, ConfigError> {
        let issuer = public_url.trim_end_matches('/').to_string();
        let code_seconds = number(get, "AUTHORIZATION_CODE_SECONDS", 60, 10, 600)?;
        let device_minutes = number(get, "DEVICE_CODE_MINUTES", 10, 1, 60)?;
        Ok(Self {
            off_because: off_because(&issuer),
            issuer,
            signing_key_file: get("OIDC_SIGNING_KEY_FILE").map(PathBuf::from),
            code_ttl: Duration::from_secs(code_seconds),
            device_code_ttl: Duration::from_secs(device_minutes * 60),
        })
    }

    /// Whether Sigil serves as an OpenID provider.
    pub fn enabled(&self) -> bool {
        self.off_because.is_none()
    }
}

/// The provider needs `https://`, or `http://` to a loopback host (development): an issuer on
/// plain HTTP elsewhere would hand codes and tokens to anyone on the path.
fn off_because(issuer: &str) -> Option<String> {
    let url = match url::Url::parse(issuer) {
        Ok(url) => url,
        Err(e) => return Some(format!("PUBLIC_URL is not a URL ({e})")),
    };
    if url.scheme() == "https" {
        return None;
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if loopback {
        None
    } else {
        Some(format!(
            "the OpenID provider is off: PUBLIC_URL ({issuer}) is http:// to a host that is not \
             loopback; use https:// (behind a TLS proxy) to turn it on"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::off_because;

    #[test]
    fn the_provider_needs_https_or_a_loopback_host() {
        for on in [
            "https://id.example.com",
            "http://127.0.0.1:8080",
            "http://localhost:3000",
            "http://[::1]:8080/sigil",
        ] {
            assert_eq!(off_because(on), None, "{on}");
        }
        for off in ["http://id.example.com", "http://10.0.0.5:8080"] {
            assert!(off_because(off).is_some(), "{off}");
        }
    }
}
