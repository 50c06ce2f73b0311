//! Mail settings: where links point (`PUBLIC_URL`), how messages leave (`SMTP_URL`, or the
//! development outbox folder), who sends them, and how long mailed links live.

use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use super::{number, parse_bool, AppEnv, ConfigError, Secret};

#[derive(Clone, Debug)]
pub struct MailSettings {
    /// Absolute base URL for links in messages, without a trailing slash.
    pub public_url: String,
    /// The WebAuthn relying party's origin: `public_url`, except when `PUBLIC_URL` is not set
    /// and the server listens on a loopback address: then `http://localhost:<port>` (browsers
    /// refuse an IP address as a relying party, and `localhost` is a secure context).
    pub passkey_origin: String,
    pub transport: MailTransport,
    /// `MAIL_FROM`, a valid mailbox (`Name <address>` or an address).
    pub from: String,
    /// A user whose address is not verified cannot sign in.
    pub require_verified_email: bool,
    pub password_reset_ttl: Duration,
    pub email_verify_ttl: Duration,
    /// The first retry waits this long; each next one twice as long (up to 24 h in all).
    pub retry_base: Duration,
    /// `DEFAULT_LOCALE`: the language of mail to a user who chose none, and of pages when
    /// nothing else names one.
    pub default_locale: crate::i18n::Locale,
}

/// How messages leave the outbox.
#[derive(Clone, Debug)]
pub enum MailTransport {
    Smtp(SmtpUrl),
    /// Development without `SMTP_URL`: each message becomes an `.eml` file in this folder.
    Folder(std::path::PathBuf),
}

/// A parsed `SMTP_URL`. Its `Debug` hides the password.
#[derive(Clone, Debug)]
pub struct SmtpUrl {
    pub security: SmtpSecurity,
    pub host: String,
    pub port: u16,
    pub credentials: Option<(String, Secret<String>)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// `smtps://`: TLS from the first byte (port 465).
    ImplicitTls,
    /// `smtp://…?tls=required`: STARTTLS, refused without it (port 587).
    StartTls,
    /// `smtp://` to a loopback host only (a local relay or a test server).
    Plain,
}

impl MailSettings {
    pub fn from_lookup(
        get: &impl Fn(&str) -> Option<String>,
        app_env: AppEnv,
        bind_addr: std::net::SocketAddr,
        data_dir: &Path,
    ) -> Result<Self, ConfigError> {
        let public_url = match get("PUBLIC_URL") {
            Some(raw) => parse_public_url(&raw).map_err(|m| ConfigError::new("PUBLIC_URL", m))?,
            None if app_env == AppEnv::Production => {
                return Err(ConfigError::new(
                    "PUBLIC_URL",
                    "is required when APP_ENV=production (links in e-mails use it)",
                ))
            }
            None => format!("http://{bind_addr}"),
        };
        let passkey_origin = match get("PUBLIC_URL") {
            None if bind_addr.ip().is_loopback() => {
                format!("http://localhost:{}", bind_addr.port())
            }
            _ => public_url.clone(),
        };
        let transport = match get("SMTP_URL") {
            Some(raw) => MailTransport::Smtp(
                parse_smtp_url(&raw).map_err(|m| ConfigError::new("SMTP_URL", m))?,
            ),
            None if app_env == AppEnv::Production => return Err(ConfigError::new(
                "SMTP_URL",
                "is required when APP_ENV=production (e.g. smtps://user:pass@smtp.example.com:465)",
            )),
            None => MailTransport::Folder(data_dir.join("outbox")),
        };
        let from = get("MAIL_FROM").unwrap_or_else(|| "Sigil <no-reply@localhost>".into());
        from.parse::<lettre::message::Mailbox>().map_err(|e| {
            ConfigError::new("MAIL_FROM", format!("{from:?} is not a mailbox: {e}"))
        })?;
        let require_verified_email = match get("REQUIRE_VERIFIED_EMAIL") {
            None => false,
            Some(v) => parse_bool(&v).ok_or_else(|| {
                ConfigError::new(
                    "REQUIRE_VERIFIED_EMAIL",
                    format!("{v:?} is not true or false"),
                )
            })?,
        };
        let reset_minutes = number(get, "PASSWORD_RESET_MINUTES", 30, 1, 24 * 60)?;
        let verify_hours = number(get, "EMAIL_VERIFY_HOURS", 24, 1, 24 * 30)?;
        let retry_seconds = number(get, "MAIL_RETRY_BASE_SECONDS", 30, 1, 3600)?;
        let default_locale = match get("DEFAULT_LOCALE") {
            None => crate::i18n::Locale::En,
            Some(raw) => crate::i18n::Locale::parse(raw.trim()).ok_or_else(|| {
                ConfigError::new("DEFAULT_LOCALE", format!("{raw:?} is not en, de or es"))
            })?,
        };
        Ok(Self {
            default_locale,
            public_url,
            passkey_origin,
            transport,
            from,
            require_verified_email,
            password_reset_ttl: Duration::from_secs(reset_minutes * 60),
            email_verify_ttl: Duration::from_secs(verify_hours * 3600),
            retry_base: Duration::from_secs(retry_seconds),
        })
    }
}

fn parse_public_url(raw: &str) -> Result<String, String> {
    let url = url::Url::parse(raw.trim()).map_err(|e| format!("{raw:?} is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!(
            "{raw:?} must be an http:// or https:// URL with a host"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{raw:?} must not have a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

fn parse_smtp_url(raw: &str) -> Result<SmtpUrl, String> {
    let url = url::Url::parse(raw.trim()).map_err(|e| format!("not a URL: {e}"))?;
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or("names no host")?
        .trim_matches(|c| c == '[' || c == ']')
        .to_string();
    let tls_required = url
        .query_pairs()
        .any(|(k, v)| k == "tls" && v == "required");
    let (security, default_port) = match url.scheme() {
        "smtps" => (SmtpSecurity::ImplicitTls, 465),
        "smtp" if tls_required => (SmtpSecurity::StartTls, 587),
        "smtp" => (SmtpSecurity::Plain, 25),
        other => return Err(format!("the scheme {other:?} is not smtps or smtp")),
    };
    if security == SmtpSecurity::Plain && !is_loopback(&host) {
        return Err(format!(
            "plain smtp:// sends passwords and links in clear text: use smtps:// (port 465) or \
             smtp://…?tls=required (STARTTLS) for {host}; plain SMTP is only for a loopback host"
        ));
    }
    let decode = |s: &str| {
        percent_decode(s)
            .ok_or_else(|| "the user or password is not valid percent-encoding".to_string())
    };
    let credentials = match (url.username(), url.password()) {
        ("", None) => None,
        (user, password) => Some((decode(user)?, Secret::new(decode(password.unwrap_or(""))?))),
    };
    Ok(SmtpUrl {
        security,
        host,
        port: url.port().unwrap_or(default_port),
        credentials,
    })
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_name_their_security() {
        let u = parse_smtp_url("smtps://me%40x.com:p%2Fw@smtp.example.com").unwrap();
        assert_eq!(
            (u.security, u.port, u.host.as_str()),
            (SmtpSecurity::ImplicitTls, 465, "smtp.example.com")
        );
        let (user, pass) = u.credentials.unwrap();
        assert_eq!((user.as_str(), pass.expose().as_str()), ("me@x.com", "p/w"));
        assert!(
            !format!("{:?}", parse_smtp_url("smtps://u:hunter2@h").unwrap()).contains("hunter2")
        );
        let u = parse_smtp_url("smtp://u:p@smtp.example.com:2525?tls=required").unwrap();
        assert_eq!((u.security, u.port), (SmtpSecurity::StartTls, 2525));
        let u = parse_smtp_url("smtp://127.0.0.1:1025").unwrap();
        assert_eq!(
            (u.security, u.port, u.credentials.is_none()),
            (SmtpSecurity::Plain, 1025, true)
        );
        assert!(parse_smtp_url("smtp://[::1]:25").is_ok());
        assert!(parse_smtp_url("smtp://localhost").is_ok());
    }

    #[test]
    fn plain_smtp_to_another_host_and_other_schemes_are_refused() {
        for bad in [
            "smtp://smtp.example.com:25",
            "smtp://10.0.0.5",
            "http://x",
            "smtps://",
            "nonsense",
        ] {
            assert!(parse_smtp_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn public_urls_are_http_and_lose_the_trailing_slash() {
        assert_eq!(
            parse_public_url("https://id.example.com/").unwrap(),
            "https://id.example.com"
        );
        assert_eq!(
            parse_public_url("http://127.0.0.1:8080/sigil/").unwrap(),
            "http://127.0.0.1:8080/sigil"
        );
        for bad in ["ftp://x", "example.com", "https://x/?a=1", ""] {
            assert!(parse_public_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passkeys_default_to_localhost_only_when_public_url_is_not_set() {
        let dir = std::path::Path::new("/tmp");
        let origin = |public: Option<&str>, bind: &str| {
            let get = |k: &str| {
                (k == "PUBLIC_URL")
                    .then(|| public.map(str::to_string))
                    .flatten()
            };
            MailSettings::from_lookup(&get, AppEnv::Development, bind.parse().unwrap(), dir)
                .unwrap()
                .passkey_origin
        };
        assert_eq!(origin(None, "127.0.0.1:8080"), "http://localhost:8080");
        assert_eq!(origin(None, "[::1]:9000"), "http://localhost:9000");
        assert_eq!(origin(None, "0.0.0.0:8080"), "http://0.0.0.0:8080");
        assert_eq!(
            origin(Some("https://id.example.com"), "127.0.0.1:8080"),
            "https://id.example.com"
        );
        assert_eq!(
            origin(Some("http://127.0.0.1:8080"), "127.0.0.1:8080"),
            "http://127.0.0.1:8080"
        );
    }
}
