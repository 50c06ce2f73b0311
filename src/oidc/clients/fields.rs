//! Each field of a client, parsed: its id, name, type, URIs, grants and scope.

use super::*;
/// A client's id: given (`[A-Za-z0-9._-]`, 3 to 64 characters) or generated (22 base62
/// characters, about 131 random bits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientId(pub(super) String);

impl ClientId {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let ok = (3..=64).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        match ok {
            true => Ok(Self(raw.to_string())),
            false => {
                Err("Use 3 to 64 characters of A–Z, a–z, 0–9, dot, underscore and hyphen.".into())
            }
        }
    }

    /// 22 base62 characters from the operating system's generator (uniform, by rejection).
    pub fn generate() -> Self {
        let mut id = String::with_capacity(22);
        let mut buf = [0u8; 32];
        while id.len() < 22 {
            rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut buf);
            for b in buf.iter().filter(|b| **b < 248) {
                if id.len() == 22 {
                    break;
                }
                id.push(BASE62[(*b % 62) as usize] as char);
            }
        }
        Self(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the consent page calls the client: one line, 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientName(pub(super) String);

impl ClientName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim();
        if value.is_empty() {
            return Err("Give the client a name: the consent page shows it.".into());
        }
        if value.chars().any(char::is_control) {
            return Err("The name must be one line without control characters.".into());
        }
        if value.chars().count() > 100 {
            return Err("The name must be at most 100 characters.".into());
        }
        Ok(Self(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a client has a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientType {
    /// A server-side application that keeps a secret.
    Confidential,
    /// A native app, single-page app or CLI: no secret, PKCE alone.
    Public,
}

impl ClientType {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "confidential" => Ok(Self::Confidential),
            "public" => Ok(Self::Public),
            _ => Err(
                "Choose confidential (has a secret) or public (native apps, SPAs, CLIs).".into(),
            ),
        }
    }

    pub fn of(row: &ClientRow) -> Self {
        match row.confidential {
            true => Self::Confidential,
            false => Self::Public,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confidential => "confidential",
            Self::Public => "public",
        }
    }
}

/// Checks the parts of a URI every registered URI shares: not blank, at most 2,000
/// characters, no spaces, control characters, `*` or fragment, and absolute.
pub(super) fn absolute_uri(raw: &str) -> Result<Url, String> {
    if raw.is_empty() {
        return Err("A URI must not be blank.".into());
    }
    if raw.chars().count() > MAX_URI_LEN {
        return Err(format!("A URI must be at most {MAX_URI_LEN} characters."));
    }
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("A URI must not contain spaces or control characters.".into());
    }
    if raw.contains('*') {
        return Err("Wildcards (*) are not allowed: register each URI exactly.".into());
    }
    if raw.contains('#') {
        return Err("A URI must not have a fragment (#…).".into());
    }
    Url::parse(raw).map_err(|_| "Must be an absolute URI, with its scheme (https://…).".to_string())
}

/// `127.0.0.1`, `[::1]` or `localhost`: the hosts `http` may name.
pub(super) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Whether the authority of `raw` carries userinfo (`user@`, or a bare `@`, which the parser
/// reads as an empty user name).
pub(super) fn has_userinfo(url: &Url, raw: &str) -> bool {
    let authority = raw
        .split_once("//")
        .map(|(_, rest)| rest.split(['/', '?']).next().unwrap_or(rest))
        .unwrap_or_default();
    !url.username().is_empty() || url.password().is_some() || authority.contains('@')
}

/// A redirect URI (or post-logout redirect URI) as registered: `https`, `http` to a loopback
/// host, or, for a public client, a private-use scheme with a dot (RFC 8252 §7.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectUri(pub(super) String);

impl RedirectUri {
    pub fn parse(raw: &str, client_type: ClientType) -> Result<Self, String> {
        let url = absolute_uri(raw)?;
        if has_userinfo(&url, raw) {
            return Err("A URI must not carry a user name or password (userinfo).".into());
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(
                    "http is only allowed to 127.0.0.1, [::1] or localhost; use https.".into(),
                )
            }
            scheme if scheme.contains('.') => {
                if client_type == ClientType::Confidential {
                    return Err(format!(
                        "A private-use scheme ({scheme}:) is for public clients only (RFC 8252)."
                    ));
                }
            }
            _ => {
                return Err(
                    "Use https, http to a loopback host, or (for a public client) a \
                            private-use scheme with a dot, like com.example.app:/callback."
                        .into(),
                )
            }
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A client's list of redirect URIs (or post-logout ones): at most 20, each exactly once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedirectUris(pub(super) Vec<RedirectUri>);

impl RedirectUris {
    /// An array of URI strings; every bad URI is named in the message.
    pub fn parse(value: &Value, client_type: ClientType) -> Result<Self, String> {
        let Value::Array(items) = value else {
            return Err("Must be an array of URIs.".into());
        };
        if items.len() > MAX_URIS {
            return Err(format!("At most {MAX_URIS} URIs."));
        }
        let mut uris: Vec<RedirectUri> = Vec::new();
        let mut problems = Vec::new();
        for item in items {
            let Some(raw) = item.as_str() else {
                return Err("Must be an array of URIs (strings).".into());
            };
            match RedirectUri::parse(raw, client_type) {
                Ok(uri) if !uris.contains(&uri) => uris.push(uri),
                Ok(_) => {}
                Err(m) => problems.push(format!("\u{201c}{}\u{201d}: {m}", shorten(raw))),
            }
        }
        match problems.is_empty() {
            true => Ok(Self(uris)),
            false => Err(problems.join(" ")),
        }
    }

    /// The stored list, trusted as it was checked when stored.
    pub fn from_stored(uris: Vec<String>) -> Self {
        Self(uris.into_iter().map(RedirectUri).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn strings(&self) -> Vec<String> {
        self.0.iter().map(|u| u.0.clone()).collect()
    }

    /// The stored form: a JSON array of strings.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.strings()).unwrap_or_else(|_| "[]".into())
    }
}

/// A URI as an error message shows it: at most 80 characters.
pub(super) fn shorten(raw: &str) -> String {
    match raw.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &raw[..i]),
        None => raw.to_string(),
    }
}

/// Where back-channel logout tokens go: `https`, or `http` to a loopback host (development),
/// without a fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutUri(pub(super) String);

impl LogoutUri {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = absolute_uri(raw)?;
        match url.scheme() {
            "https" => Ok(Self(raw.to_string())),
            "http" if is_loopback(&url) => Ok(Self(raw.to_string())),
            _ => Err("Use https (or http to 127.0.0.1, [::1] or localhost in development).".into()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The grants a client may use: a non-empty set of [`GRANT_TYPES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantTypes(pub(super) Vec<&'static str>);

impl Default for GrantTypes {
    fn default() -> Self {
        Self(DEFAULT_GRANT_TYPES.to_vec())
    }
}

impl GrantTypes {
    pub fn parse(value: &Value) -> Result<Self, String> {
        let known = || GRANT_TYPES.join(", ");
        let Value::Array(items) = value else {
            return Err(format!("Must be an array of grant types: {}.", known()));
        };
        let mut chosen = BTreeSet::new();
        for item in items {
            let name = item.as_str().unwrap_or_default();
            match GRANT_TYPES.iter().position(|g| *g == name) {
                Some(i) => chosen.insert(i),
                None => {
                    return Err(format!(
                        "\u{201c}{}\u{201d} is not a grant type; use {}.",
                        shorten(&item.as_str().map_or_else(|| item.to_string(), String::from)),
                        known()
                    ))
                }
            };
        }
        if chosen.is_empty() {
            return Err(format!("Choose at least one grant type: {}.", known()));
        }
        Ok(Self(chosen.into_iter().map(|i| GRANT_TYPES[i]).collect()))
    }

    pub fn from_stored(stored: &str) -> Self {
        Self(
            GRANT_TYPES
                .into_iter()
                .filter(|g| stored.split(' ').any(|s| s == *g))
                .collect(),
        )
    }

    pub fn contains(&self, grant: &str) -> bool {
        self.0.contains(&grant)
    }

    pub fn names(&self) -> &[&'static str] {
        &self.0
    }

    /// The stored form: space-separated.
    pub fn to_stored(&self) -> String {
        self.0.join(" ")
    }
}

/// What a client may ask for: known scopes (the OpenID Connect ones and section 3's), at
/// least one, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientScope(pub(super) Vec<&'static str>);

impl Default for ClientScope {
    fn default() -> Self {
        Self::from_stored(DEFAULT_SCOPE)
    }
}

impl ClientScope {
    /// Every scope a client may hold, in the order they are stored.
    fn known() -> impl Iterator<Item = &'static str> {
        OIDC_SCOPES
            .into_iter()
            .chain(Scope::ALL.into_iter().map(Scope::as_str))
    }

    /// A space-separated string (RFC 7591), or an array of names.
    pub fn parse(value: &Value) -> Result<Self, String> {
        let names: Vec<&str> = match value {
            Value::String(s) => s.split_whitespace().collect(),
            Value::Array(items) => items
                .iter()
                .map(Value::as_str)
                .collect::<Option<Vec<_>>>()
                .ok_or("Must be a space-separated string of scope names.")?,
            _ => return Err("Must be a space-separated string of scope names.".into()),
        };
        let all: Vec<&str> = Self::known().collect();
        for name in &names {
            if !all.contains(name) {
                return Err(format!(
                    "\u{201c}{}\u{201d} is not a scope; use {}.",
                    shorten(name),
                    all.join(", ")
                ));
            }
        }
        if names.is_empty() {
            return Err(format!("Choose at least one scope: {}.", all.join(", ")));
        }
        Ok(Self(Self::known().filter(|k| names.contains(k)).collect()))
    }

    pub fn from_stored(stored: &str) -> Self {
        Self(
            Self::known()
                .filter(|k| stored.split(' ').any(|s| s == *k))
                .collect(),
        )
    }

    /// The stored and shown form: space-separated.
    pub fn to_stored(&self) -> String {
        self.0.join(" ")
    }
}
