//! `DATABASE_URL`: which backend, and for PostgreSQL the TLS parameters, checked before libpq
//! sees them so a typo reads as one line naming the variable instead of a failed connection.

use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;

use super::Secret;

/// Which database backend `DATABASE_URL` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// Path of an SQLite file (created with its folder when missing).
    Sqlite(PathBuf),
    /// A `postgres://` or `postgresql://` URL for libpq, as written except that
    /// `sslrootcert=system` names this machine's CA bundle. Its `Debug` hides the password.
    Postgres(Secret<String>),
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if let Some(rest) = raw.strip_prefix("sqlite://") {
            if rest.is_empty() {
                return Err("sqlite:// needs a file path, e.g. sqlite://data/sigil.db".into());
            }
            Ok(Self::Sqlite(PathBuf::from(rest)))
        } else if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            Ok(Self::Postgres(Secret::new(check_postgres(raw)?)))
        } else {
            // Only the scheme is shown: the rest may hold a password (a key=value conninfo,
            // or a typo such as postgres:/u:pw@h).
            let shown = match raw.split_once("://") {
                Some((scheme, _)) => format!("unsupported scheme {scheme:?}"),
                None => "not a URL".to_string(),
            };
            Err(format!(
                "{shown}: use sqlite://PATH or postgres://USER@HOST/DB"
            ))
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// libpq's `sslmode` values, weakest first.
const SSL_MODES: [&str; 6] = [
    "disable",
    "allow",
    "prefer",
    "require",
    "verify-ca",
    "verify-full",
];

/// Where Debian/Ubuntu, Fedora/RHEL and Alpine/macOS keep the public CA bundle. The vendored
/// OpenSSL knows none of them, so `sslrootcert=system` is resolved here.
const SYSTEM_CA_BUNDLES: [&str; 3] = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
];

/// One `key=value` of the query, raw (as written) and decoded the way libpq decodes it: `%XX`
/// only, a `+` stays a `+`.
struct Param<'a> {
    raw: &'a str,
    key: String,
    value: String,
}

/// Decodes one key or value; the error names only what it was, never the text (a value may
/// be a password).
fn decode(s: &str, what: &str) -> Result<String, String> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| format!("{what} is not valid UTF-8 once percent-decoded"))
}

/// Where the query starts, found as libpq finds it: the user and password (which may hold a
/// raw `?`) end at the first `@` met before any `/`.
fn query_start(raw: &str) -> Option<usize> {
    let after_scheme = raw.find("://")? + 3;
    let rest = &raw[after_scheme..];
    let host_at = match rest.find(['@', '/']) {
        Some(i) if rest.as_bytes()[i] == b'@' => after_scheme + i + 1,
        _ => after_scheme,
    };
    raw[host_at..].find('?').map(|i| host_at + i)
}

/// Checks `sslmode` and the certificate files a PostgreSQL URL names, and returns the URL for
/// libpq.
fn check_postgres(raw: &str) -> Result<String, String> {
    let Some(at) = query_start(raw) else {
        return Ok(raw.to_string());
    };
    let (base, query) = (&raw[..at], &raw[at + 1..]);
    let mut params = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(key, "a parameter name")?;
        let value = decode(value, &format!("the value of {key}"))?;
        params.push(Param {
            raw: pair,
            key,
            value,
        });
    }
    // libpq keeps the last of a repeated parameter, so the checks read that one too.
    let value_of = |key: &str| {
        params
            .iter()
            .rev()
            .find(|p| p.key == key)
            .map(|p| p.value.as_str())
    };

    let mode = value_of("sslmode");
    if let Some(mode) = mode.filter(|m| !SSL_MODES.contains(m)) {
        return Err(format!(
            "sslmode {mode:?} is not one of {}",
            SSL_MODES.join(", ")
        ));
    }
    let verifies = matches!(mode, Some("verify-ca" | "verify-full"));
    let root = value_of("sslrootcert");
    if verifies && root.is_none() && !default_root_exists() {
        return Err(format!(
            "sslmode={} needs sslrootcert=PATH: the certificate of the authority that signed \
             the server's certificate (your provider's CA bundle), or sslrootcert=system for a \
             public CA",
            mode.unwrap_or_default()
        ));
    }
    for key in ["sslcert", "sslkey", "sslcrl"] {
        if let Some(path) = value_of(key) {
            readable(key, path)?;
        }
    }

    match root {
        None => return Ok(raw.to_string()),
        Some("system") => {
            // libpq (16+) refuses anything weaker with the system's roots: a public CA signs
            // certificates for anyone, so only the host name check makes it mean something.
            if mode.is_some_and(|m| m != "verify-full") {
                return Err(
                    "sslrootcert=system needs sslmode=verify-full (or no sslmode): any \
                     public CA signs certificates for anyone, so only the host name check \
                     identifies your server"
                        .into(),
                );
            }
        }
        Some(path) => {
            let pem = readable("sslrootcert", path)?;
            if !pem.contains("-----BEGIN CERTIFICATE-----") {
                return Err(format!(
                    "sslrootcert {path:?} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
                ));
            }
            return Ok(raw.to_string());
        }
    }

    // `sslrootcert=system`: name the bundle, and keep libpq's verify-full default for it.
    let bundle = SYSTEM_CA_BUNDLES
        .iter()
        .find(|p| Path::new(p).is_file())
        .ok_or_else(|| {
            format!(
                "sslrootcert=system: no CA bundle on this machine (looked for {}); install \
                 the ca-certificates package or give sslrootcert=PATH",
                SYSTEM_CA_BUNDLES.join(", ")
            )
        })?;
    let mut pairs: Vec<String> = params
        .iter()
        .map(|p| match p.key.as_str() {
            "sslrootcert" => format!("sslrootcert={bundle}"),
            _ => p.raw.to_string(),
        })
        .collect();
    if mode.is_none() {
        pairs.push("sslmode=verify-full".into());
    }
    Ok(format!("{base}?{}", pairs.join("&")))
}

/// libpq's TLS parameters of a PostgreSQL URL, for a client that is not libpq (the async
/// read connections, `db::async_pg`): the same mode, files and default root as libpq.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostgresTls {
    /// `sslmode`, `None` for libpq's default (`prefer`).
    pub mode: Option<String>,
    /// `sslrootcert`, else `~/.postgresql/root.crt` when it exists (libpq's default).
    pub root: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    /// `sslcrl` was given: a revocation list the other client does not check.
    pub crl: bool,
}

/// Splits a URL [`DatabaseUrl::parse`] accepted into the URL without libpq's TLS parameters
/// (`sslmode`, `sslrootcert`, `sslcert`, `sslkey`, `sslcrl`) and those parameters.
pub fn split_postgres_tls(url: &str) -> (String, PostgresTls) {
    let mut tls = PostgresTls::default();
    let Some(at) = query_start(url) else {
        tls.root = default_root();
        return (url.to_string(), tls);
    };
    let (base, query) = (&url[..at], &url[at + 1..]);
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (Ok(key), Ok(value)) = (decode(key, "name"), decode(value, "value")) else {
            kept.push(pair);
            continue;
        };
        // The last of a repeated parameter wins, as in libpq.
        match key.as_str() {
            "sslmode" => tls.mode = Some(value),
            "sslrootcert" => tls.root = Some(PathBuf::from(value)),
            "sslcert" => tls.cert = Some(PathBuf::from(value)),
            "sslkey" => tls.key = Some(PathBuf::from(value)),
            "sslcrl" => tls.crl = true,
            _ => kept.push(pair),
        }
    }
    if tls.root.is_none() {
        tls.root = default_root();
    }
    let url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (url, tls)
}

fn default_root() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    let path = Path::new(&home).join(".postgresql/root.crt");
    path.is_file().then_some(path)
}

/// libpq's default root certificate when `sslrootcert` is not given.
fn default_root_exists() -> bool {
    default_root().is_some()
}

/// Reads a certificate or key file the URL names, or says which parameter cannot be read.
fn readable(key: &str, path: &str) -> Result<String, String> {
    std::fs::read(path)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(|e| format!("{key} {path:?} cannot be read: {e}"))
}

#[cfg(test)]
mod tests;
