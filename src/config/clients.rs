//! `INTROSPECTION_CLIENTS`: the resource servers allowed to ask Sigil whether a token is
//! active (RFC 7662), by HTTP Basic credentials.

use super::Secret;

/// `name:secret,…`. Secrets are compared in constant time and never printed.
#[derive(Clone, Debug, Default)]
pub struct IntrospectionClients(Vec<(String, Secret<String>)>);

/// The shortest secret accepted: a guessable one would open the introspection endpoint.
pub const MIN_CLIENT_SECRET: usize = 16;

impl IntrospectionClients {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut clients = Vec::new();
        for item in raw.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let Some((name, secret)) = item.split_once(':') else {
                return Err("each client is name:secret, separated by commas".into());
            };
            let name = name.trim();
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_graphic()) {
                return Err(format!(
                    "client name {name:?} must be printable ASCII, no spaces"
                ));
            }
            if secret.len() < MIN_CLIENT_SECRET {
                return Err(format!(
                    "the secret of {name:?} must be at least {MIN_CLIENT_SECRET} characters"
                ));
            }
            if clients
                .iter()
                .any(|(n, _): &(String, Secret<String>)| n == name)
            {
                return Err(format!("client {name:?} is listed twice"));
            }
            clients.push((name.to_string(), Secret::new(secret.to_string())));
        }
        Ok(Self(clients))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `name` and `secret` are one of the clients. Every listed secret is compared in
    /// constant time, so the answer's timing says nothing about which part was wrong.
    pub fn check(&self, name: &str, secret: &str) -> bool {
        let mut found = false;
        for (n, s) in &self.0 {
            let secret_ok = constant_time_eq(s.expose().as_bytes(), secret.as_bytes());
            found |= secret_ok & (n == name);
        }
        found
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for (i, x) in a.iter().enumerate() {
        diff |= usize::from(x ^ b.get(i).copied().unwrap_or(0));
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_parse_and_check() {
        let clients =
            IntrospectionClients::parse("api:0123456789abcdef, billing:fedcba9876543210xyz")
                .unwrap();
        assert!(clients.check("api", "0123456789abcdef"));
        assert!(clients.check("billing", "fedcba9876543210xyz"));
        assert!(
            !clients.check("api", "fedcba9876543210xyz"),
            "another client's secret"
        );
        assert!(!clients.check("api", "0123456789abcde"));
        assert!(!clients.check("nobody", "0123456789abcdef"));
        assert!(!format!("{clients:?}").contains("0123456789abcdef"));
        for bad in [
            "api",
            "api:short",
            ":0123456789abcdef",
            "a b:0123456789abcdef",
            "a:0123456789abcdef,a:0123456789abcdef",
        ] {
            assert!(IntrospectionClients::parse(bad).is_err(), "{bad}");
        }
        assert!(IntrospectionClients::parse("").unwrap().is_empty());
    }
}
