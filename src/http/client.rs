//! Who is calling: the client's address and user agent, as sessions and rate limits see them.

use std::convert::Infallible;
use std::future::{ready, Ready};
use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};

/// The caller's address (the TCP peer) and `User-Agent`, read once per request.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl ClientInfo {
    pub fn of(req: &HttpRequest) -> Self {
        Self {
            ip: req.peer_addr().map(|a| a.ip()),
            user_agent: req
                .headers()
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        }
    }
}

impl FromRequest for ClientInfo {
    type Error = Infallible;
    type Future = Ready<Result<Self, Infallible>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self::of(req)))
    }
}

/// What a person would call the device a request came from, and the key Sigil remembers it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// "Firefox 132 on Windows", "curl", or "Unknown client".
    pub label: String,
    /// Browser family, operating system and network (the /24 of an IPv4 address, the /48 of an
    /// IPv6 one), hashed: the same browser on the same network is the same device even as
    /// versions and addresses inside the network change, a new browser or network is not.
    pub key: String,
}

impl ClientInfo {
    pub fn device(&self) -> Device {
        use sha2::{Digest as _, Sha256};
        let agent = self.user_agent.as_deref().unwrap_or("");
        let parsed = woothee::parser::Parser::new().parse(agent);
        let (family, os, label) = match &parsed {
            // Browsers; crawlers and HTTP libraries are named better by their own product token.
            Some(r)
                if r.name != woothee::woothee::VALUE_UNKNOWN
                    && matches!(
                        r.category,
                        "pc" | "smartphone" | "mobilephone" | "appliance"
                    ) =>
            {
                let major = r.version.split('.').next().unwrap_or("");
                let os = if r.os == woothee::woothee::VALUE_UNKNOWN {
                    ""
                } else {
                    r.os
                };
                let label = match (major.is_empty(), os.is_empty()) {
                    (false, false) => format!("{} {major} on {os}", r.name),
                    (true, false) => format!("{} on {os}", r.name),
                    (false, true) => format!("{} {major}", r.name),
                    (true, true) => r.name.to_string(),
                };
                (r.name.to_string(), os.to_string(), label)
            }
            _ => {
                // Scripts: the first product token ("curl/8.5.0" → "curl").
                let product = agent.split(['/', ' ']).next().unwrap_or("").trim();
                let label = if product.is_empty() {
                    "Unknown client"
                } else {
                    product
                };
                (
                    label.chars().take(40).collect(),
                    String::new(),
                    label.chars().take(40).collect(),
                )
            }
        };
        let network = match self.ip {
            Some(IpAddr::V4(ip)) => {
                let [a, b, c, _] = ip.octets();
                format!("{a}.{b}.{c}.0/24")
            }
            Some(IpAddr::V6(ip)) => {
                let s = ip.segments();
                format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
            }
            None => String::new(),
        };
        let digest = Sha256::digest(format!("{family}\n{os}\n{network}").as_bytes());
        Device {
            label,
            key: digest.iter().take(16).map(|b| format!("{b:02x}")).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(ua: &str, ip: &str) -> ClientInfo {
        ClientInfo {
            ip: Some(ip.parse().unwrap()),
            user_agent: Some(ua.to_string()),
        }
    }

    const FIREFOX: &str =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0";
    const FIREFOX_NEXT: &str =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
    const CHROME_MAC: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    #[test]
    fn labels_read_like_a_person_would_say_them() {
        assert_eq!(
            client(FIREFOX, "192.0.2.1").device().label,
            "Firefox 132 on Windows 10"
        );
        assert!(client(CHROME_MAC, "192.0.2.1")
            .device()
            .label
            .starts_with("Chrome 131 on Mac"));
        assert_eq!(client("curl/8.5.0", "192.0.2.1").device().label, "curl");
        assert_eq!(ClientInfo::default().device().label, "Unknown client");
    }

    #[test]
    fn a_device_is_browser_os_and_network() {
        let home = client(FIREFOX, "192.0.2.10").device().key;
        assert_eq!(
            home,
            client(FIREFOX_NEXT, "192.0.2.77").device().key,
            "update, same network"
        );
        assert_ne!(
            home,
            client(FIREFOX, "198.51.100.10").device().key,
            "another network"
        );
        assert_ne!(
            home,
            client(CHROME_MAC, "192.0.2.10").device().key,
            "another browser"
        );
        let v6 = client(FIREFOX, "2001:db8:1:2::1").device().key;
        assert_eq!(v6, client(FIREFOX, "2001:db8:1:ffff::9").device().key);
        assert_ne!(v6, client(FIREFOX, "2001:db8:2::1").device().key);
    }
}
