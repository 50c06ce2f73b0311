//! The scopes a scoped token (a personal access token, later a client's token) may hold, and
//! what each opens (API.md part three, section 3). First-party credentials hold none and keep
//! every power they had.

use std::fmt;

/// One API scope. `posts:write` includes `posts:read`, `admin:write` includes `admin:read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    ProfileRead,
    PostsRead,
    PostsWrite,
    SessionsRead,
    AdminRead,
    AdminWrite,
}

/// The scopes of OpenID Connect: a client's token may carry them, a PAT may not.
pub const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

impl Scope {
    pub const ALL: [Scope; 6] = [
        Self::ProfileRead,
        Self::PostsRead,
        Self::PostsWrite,
        Self::SessionsRead,
        Self::AdminRead,
        Self::AdminWrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProfileRead => "profile:read",
            Self::PostsRead => "posts:read",
            Self::PostsWrite => "posts:write",
            Self::SessionsRead => "sessions:read",
            Self::AdminRead => "admin:read",
            Self::AdminWrite => "admin:write",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// What the scope opens, for the OpenAPI document and the create form.
    pub fn description(self) -> &'static str {
        match self {
            Self::ProfileRead => "Read your profile (GET /api/users/me)",
            Self::PostsRead => "Read posts, your private ones included",
            Self::PostsWrite => "Write, edit and delete your posts (and read them)",
            Self::SessionsRead => "List your sessions and your account's activity",
            Self::AdminRead => "Read users and events, while you are an administrator",
            Self::AdminWrite => {
                "Disable, enable, sign out and send reset links to users; revoke their tokens; \
                 clear their failed sign-ins"
            }
        }
    }

    /// Only administrators may hold it, and only while they are.
    pub fn is_admin(self) -> bool {
        matches!(self, Self::AdminRead | Self::AdminWrite)
    }

    /// Whether holding `self` grants `needed`.
    pub fn grants(self, needed: Scope) -> bool {
        self == needed
            || matches!(
                (self, needed),
                (Self::PostsWrite, Self::PostsRead) | (Self::AdminWrite, Self::AdminRead)
            )
    }
}

/// What a scope a client may hold (OpenID Connect's or an API scope) lets it do, in the
/// words the consent page, the "Apps with access" list and the notices use; `None` for a name
/// Sigil does not know, which grants nothing and is shown as it is.
pub fn in_words(scope: &str) -> Option<&'static str> {
    match scope {
        "openid" => Some("Sign you in with your Sigil account"),
        "profile" => Some("See your username"),
        "email" => Some("See your e-mail address and whether it is verified"),
        "offline_access" => Some("Stay connected while you are not using it"),
        other => Scope::parse(other).map(Scope::description),
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of scopes, stored and shown space-separated (RFC 6749 §3.3), in the table's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes(Vec<Scope>);

/// Why a list of scopes was refused at creation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeError {
    Empty,
    Unknown(String),
    Oidc(String),
}

impl fmt::Display for ScopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
        match self {
            Self::Empty => write!(f, "Choose at least one scope: {}.", known.join(", ")),
            Self::Unknown(s) => write!(
                f,
                "\u{201c}{s}\u{201d} is not a scope; use {}.",
                known.join(", ")
            ),
            Self::Oidc(s) => write!(
                f,
                "\u{201c}{s}\u{201d} is an OpenID Connect scope, for applications that sign \
                 users in; a personal access token takes {}.",
                known.join(", ")
            ),
        }
    }
}

impl Scopes {
    /// Parses names (repeats allowed, order free); the result is sorted and deduplicated.
    pub fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, ScopeError> {
        let mut scopes = Vec::new();
        for name in names {
            let name = name.trim();
            match Scope::parse(name) {
                Some(scope) => scopes.push(scope),
                None if OIDC_SCOPES.contains(&name) => return Err(ScopeError::Oidc(name.into())),
                None => return Err(ScopeError::Unknown(name.into())),
            }
        }
        if scopes.is_empty() {
            return Err(ScopeError::Empty);
        }
        scopes.sort();
        scopes.dedup();
        Ok(Self(scopes))
    }

    /// The stored form; unknown names in it (written by a later version) are dropped, never
    /// widened into something else.
    pub fn from_stored(stored: &str) -> Self {
        let mut scopes: Vec<Scope> = stored.split(' ').filter_map(Scope::parse).collect();
        scopes.sort();
        scopes.dedup();
        Self(scopes)
    }

    pub fn grants(&self, needed: Scope) -> bool {
        self.0.iter().any(|s| s.grants(needed))
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.iter().map(Scope::as_str).collect()
    }

    pub fn has_admin(&self) -> bool {
        self.iter().any(Scope::is_admin)
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names().join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_includes_read_and_nothing_else_is_implied() {
        let s = Scopes::parse(["posts:write"]).unwrap();
        assert!(s.grants(Scope::PostsRead) && s.grants(Scope::PostsWrite));
        assert!(!s.grants(Scope::ProfileRead));
        let a = Scopes::parse(["admin:write"]).unwrap();
        assert!(a.grants(Scope::AdminRead) && !a.grants(Scope::PostsRead));
        let r = Scopes::parse(["posts:read", "admin:read"]).unwrap();
        assert!(!r.grants(Scope::PostsWrite) && !r.grants(Scope::AdminWrite));
    }

    #[test]
    fn parsing_refuses_empty_unknown_and_oidc_and_sorts() {
        assert_eq!(Scopes::parse([]), Err(ScopeError::Empty));
        assert_eq!(
            Scopes::parse(["posts:read", "posts:delete"]),
            Err(ScopeError::Unknown("posts:delete".into()))
        );
        assert_eq!(
            Scopes::parse(["openid"]),
            Err(ScopeError::Oidc("openid".into()))
        );
        let s = Scopes::parse(["sessions:read", "profile:read", "profile:read"]).unwrap();
        assert_eq!(s.to_string(), "profile:read sessions:read");
        assert_eq!(Scopes::from_stored(&s.to_string()), s);
        assert_eq!(
            Scopes::from_stored("profile:read future:thing").to_string(),
            "profile:read"
        );
    }
}
