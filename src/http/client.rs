//! Who is calling: the client's address and user agent, as sessions and rate limits see them.

use std::convert::Infallible;
use std::future::{ready, Ready};
use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};

/// The caller's address and `User-Agent`, read once per request. The address is the TCP
/// peer's, unless the peer is a trusted proxy (see [`TrustedProxies::client_address`]).
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

/// `TRUSTED_PROXIES`: the peers whose `X-Forwarded-For` is believed. Registered as app data;
/// without it, every request's client is its TCP peer.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<ipnet::IpNet>);

impl TrustedProxies {
    /// Whether `ip` is one of the proxies: only theirs are believed, whether for the client's
    /// address or for the request's id.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request from `peer` that carried `forwarded` (the `X-Forwarded-For`
    /// values in order): walking the chain from the right, the first address that is not a
    /// trusted proxy. An untrusted peer's header is ignored: anyone can write one. An entry
    /// that is not an address stops the walk at the proxy that reported it.
    pub fn client_address<'a>(
        &self,
        peer: IpAddr,
        forwarded: impl IntoIterator<Item = &'a str>,
    ) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded
            .into_iter()
            .flat_map(|value| value.split(','))
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            if !self.trusts(client) {
                break;
            }
            match parse_hop(hop) {
                Some(ip) => client = ip,
                None => break,
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`192.0.2.1:4711`,
/// `[2001:db8::1]:4711`), as some proxies write it.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
        .map(|ip| match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        })
}

impl ClientInfo {
    pub fn of(req: &HttpRequest) -> Self {
        let peer = req.peer_addr().map(|a| a.ip());
        let ip = match (peer, req.app_data::<actix_web::web::Data<TrustedProxies>>()) {
            (Some(peer), Some(proxies)) if !proxies.0.is_empty() => Some(
                proxies.client_address(
                    peer,
                    req.headers()
                        .get_all("x-forwarded-for")
                        .filter_map(|v| v.to_str().ok()),
                ),
            ),
            _ => peer,
        };
        Self {
            ip,
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

impl Device {
    /// The label of a stored user agent (a session's, an event's): "Firefox 132 on Windows".
    pub fn label_of(user_agent: Option<&str>) -> String {
        ClientInfo {
            ip: None,
            user_agent: user_agent.map(str::to_string),
        }
        .device()
        .label
    }
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
            key: hex::encode(&digest[..16]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies(list.iter().map(|n| n.parse().unwrap()).collect())
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_a_trusted_peer_names_the_client() {
        let trusted = proxies(&["10.0.0.0/8"]);
        // An untrusted peer's header is ignored, whatever it says.
        assert_eq!(
            trusted.client_address(ip("203.0.113.5"), ["198.51.100.1"]),
            ip("203.0.113.5")
        );
        // A trusted peer: the rightmost address that is not a proxy.
        assert_eq!(
            trusted.client_address(ip("10.0.0.2"), ["198.51.100.1, 203.0.113.9, 10.0.0.7"]),
            ip("203.0.113.9"),
            "a spoofed leftmost entry is not believed"
        );
        // Several headers are one list, in order.
        assert_eq!(
            trusted.client_address(ip("10.0.0.2"), ["198.51.100.1", "10.1.1.1"]),
            ip("198.51.100.1")
        );
        // Ports and brackets are read; garbage stops at the proxy that reported it.
        assert_eq!(
            trusted.client_address(ip("10.0.0.2"), ["[2001:db8::1]:4711"]),
            ip("2001:db8::1")
        );
        assert_eq!(
            trusted.client_address(ip("10.0.0.2"), ["198.51.100.1:80"]),
            ip("198.51.100.1")
        );
        assert_eq!(
            trusted.client_address(ip("10.0.0.2"), ["not-an-ip"]),
            ip("10.0.0.2")
        );
        // No header: the proxy itself.
        assert_eq!(
            trusted.client_address(ip("10.0.0.2"), std::iter::empty()),
            ip("10.0.0.2")
        );
        // Every hop trusted: the leftmost.
        assert_eq!(
            trusted.client_address(ip("10.0.0.2"), ["10.9.9.9, 10.0.0.3"]),
            ip("10.9.9.9")
        );
    }

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
