//! Typed settings read from the environment (and `.env` through dotenvy).
//!
//! Every variable of the contract's configuration table is parsed here, once, at start-up.
//! A bad value is a [`ConfigError`] that names the variable and what is wrong; `main` prints
//! it on one line and exits with status 2.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

mod clients;
mod database;
mod log_format;
mod mail;
mod oidc;
mod outbound;
mod protection;
mod providers;
mod secret;

pub use clients::IntrospectionClients;
pub use database::{split_postgres_tls, DatabaseUrl, PostgresTls};
pub use log_format::LogFormat;
pub use mail::{MailSettings, MailTransport, SmtpSecurity, SmtpUrl};
pub use oidc::OidcSettings;
pub use outbound::{read_ca_file, OutboundSettings};
pub use protection::{ProtectionSettings, RegistrationMode};
pub use providers::{EmailTrust, Preset, ProviderSettings};
pub use secret::{check_secret, derive_key, write_private_file, Secret, MIN_SECRET_BYTES};
use secret::{development_secret, metrics_token, throwaway_secret};

/// The signing algorithm of access tokens. Only these four are offered; each is pinned at
/// verification so a token naming another algorithm is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigningAlgorithm {
    HS256,
    EdDSA,
    ES256,
    RS256,
}

impl SigningAlgorithm {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "HS256" => Ok(Self::HS256),
            "EdDSA" => Ok(Self::EdDSA),
            "ES256" => Ok(Self::ES256),
            "RS256" => Ok(Self::RS256),
            other => Err(format!(
                "{other:?} is not supported: use HS256, EdDSA, ES256 or RS256"
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::EdDSA => "EdDSA",
            Self::ES256 => "ES256",
            Self::RS256 => "RS256",
        }
    }

    pub fn is_symmetric(self) -> bool {
        self == Self::HS256
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
}

/// Every setting Sigil runs with.
#[derive(Clone, Debug)]
pub struct Settings {
    pub app_env: AppEnv,
    pub database_url: DatabaseUrl,
    pub bind_addr: SocketAddr,
    /// HMAC key for HS256 tokens, and the root of the session-cookie and cursor keys.
    pub secret_key: Secret<Vec<u8>>,
    pub algorithm: SigningAlgorithm,
    pub private_key_file: Option<PathBuf>,
    pub public_key_file: Option<PathBuf>,
    pub previous_public_key_files: Vec<PathBuf>,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub issuer: String,
    pub audience: String,
    pub leeway_seconds: u64,
    pub refresh_reuse_grace: Duration,
    /// Attempts per client address per minute on login, token and refresh; 0 is off.
    pub login_rate_per_minute: u32,
    pub bcrypt_cost: u32,
    pub cookie_secure: bool,
    /// HTTP worker threads; `None` is one per core.
    pub workers: Option<usize>,
    /// Database connections in the pool.
    pub db_pool_size: u32,
    /// PostgreSQL: the async connections of the requests' reads (`DATABASE_ASYNC_POOL_SIZE`),
    /// for the whole instance, shared out among the workers; `None` is 4 per worker.
    pub db_async_pool_size: Option<u32>,
    pub mail: MailSettings,
    /// Peers allowed to name the client with `X-Forwarded-For` (`TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Security events older than this are purged (`AUDIT_RETENTION_DAYS`).
    pub audit_retention_days: u32,
    /// How recent a sign-in must be for sensitive operations (`REAUTH_MINUTES`).
    pub reauth_window: Duration,
    /// The name authenticator apps show for Sigil's codes (`MFA_ISSUER`).
    pub mfa_issuer: String,
    /// Who may call the introspection endpoint (`INTROSPECTION_CLIENTS`).
    pub introspection_clients: IntrospectionClients,
    /// Text or JSON log lines (`LOG_FORMAT`); logging reads it before the rest, with
    /// [`log_format`].
    pub log_format: LogFormat,
    /// Bearer token for `/metrics` from peers other than loopback (`METRICS_TOKEN`).
    pub metrics_token: Option<Secret<String>>,
    /// The longest lifetime of a personal access token, in days (`PAT_MAX_DAYS`).
    pub pat_max_days: u32,
    /// Where `secret_key` came from, for commands that say which key they used.
    pub secret_origin: SecretOrigin,
    /// Password screening, the per-account sign-in delay, session limits, registration.
    pub protection: ProtectionSettings,
    /// The OpenID provider: issuer, signing key file, code lifetimes.
    pub oidc: OidcSettings,
    /// Outside providers to sign in with (`LOGIN_PROVIDERS`), in button order.
    pub login_providers: Vec<ProviderSettings>,
    /// Limits and trust of every outgoing request (`OUTBOUND_TIMEOUT_SECONDS`,
    /// `OUTBOUND_CA_FILE`).
    pub outbound: OutboundSettings,
}

/// Where the HMAC secret came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretOrigin {
    /// The `SECRET_KEY` variable.
    Env,
    /// The development key file (generated now or earlier).
    File(PathBuf),
    /// Neither exists and the command may not create one: the key is a throwaway, so nothing
    /// Sigil signed verifies with it.
    Missing(PathBuf),
}

/// Whether reading the settings may write the development key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFile {
    /// Generated into `data/secret_key` when missing (the server, and commands that write).
    Create,
    /// Never written: read-only commands (`sigil inspect`) must not leave state behind.
    ReadOnly,
}

/// A bad configuration value: which variable, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration error: {var}: {message}")]
pub struct ConfigError {
    /// The variable, fixed (`SECRET_KEY`) or built from a provider's id
    /// (`LOGIN_PROVIDER_CORP_CLIENT_ID`).
    pub var: Cow<'static, str>,
    pub message: String,
}

impl ConfigError {
    pub fn new(var: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self {
            var: var.into(),
            message: message.into(),
        }
    }
}

impl Settings {
    /// The async PostgreSQL connections each worker keeps for the requests' reads: the
    /// instance's `DATABASE_ASYNC_POOL_SIZE` shared out (rounded up), else 4.
    pub fn async_reads_per_worker(&self) -> usize {
        let workers = self.workers.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        match self.db_async_pool_size {
            Some(total) => (total as usize).div_ceil(workers.max(1)),
            None => 4,
        }
    }

    /// Reads the process environment (after `.env`). In development an unset `SECRET_KEY` is
    /// generated once into `data/secret_key`.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok(), Path::new("data"))
    }

    /// [`Settings::from_env`] for read-only commands: nothing is written.
    pub fn from_env_read_only() -> Result<Self, ConfigError> {
        Self::read(
            |name| std::env::var(name).ok(),
            Path::new("data"),
            KeyFile::ReadOnly,
        )
    }

    /// Builds settings from any variable lookup; `data_dir` holds the development secret.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
        data_dir: &Path,
    ) -> Result<Self, ConfigError> {
        Self::read(lookup, data_dir, KeyFile::Create)
    }

    fn read(
        lookup: impl Fn(&str) -> Option<String>,
        data_dir: &Path,
        key_file: KeyFile,
    ) -> Result<Self, ConfigError> {
        // An empty variable is treated as unset, the way .env files are usually written.
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let app_env = match get("APP_ENV").as_deref().map(str::trim) {
            None | Some("development") | Some("dev") | Some("test") => AppEnv::Development,
            Some("production") | Some("prod") => AppEnv::Production,
            Some(other) => {
                return Err(ConfigError::new(
                    "APP_ENV",
                    format!("{other:?} is not one of development, production"),
                ))
            }
        };

        let database_url = DatabaseUrl::parse(
            &get("DATABASE_URL").unwrap_or_else(|| "sqlite://data/sigil.db".into()),
        )
        .map_err(|m| ConfigError::new("DATABASE_URL", m))?;

        let bind_raw = get("BIND_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into());
        let bind_addr: SocketAddr = bind_raw.trim().parse().map_err(|_| {
            ConfigError::new(
                "BIND_ADDR",
                format!("{bind_raw:?} is not an address like 127.0.0.1:8080"),
            )
        })?;

        let key_path = data_dir.join("secret_key");
        let (secret_key, secret_origin) = match get("SECRET_KEY") {
            Some(key) => {
                check_secret(&key).map_err(|m| ConfigError::new("SECRET_KEY", m))?;
                (key.into_bytes(), SecretOrigin::Env)
            }
            None if app_env == AppEnv::Production => {
                return Err(ConfigError::new(
                    "SECRET_KEY",
                    "must be set when APP_ENV=production (at least 32 random bytes)",
                ))
            }
            None => {
                match development_secret(data_dir, key_file)
                    .map_err(|m| ConfigError::new("SECRET_KEY", m))?
                {
                    Some(key) => (key, SecretOrigin::File(key_path)),
                    None => (throwaway_secret(), SecretOrigin::Missing(key_path)),
                }
            }
        };

        let algorithm =
            SigningAlgorithm::parse(&get("ALGORITHM").unwrap_or_else(|| "HS256".into()))
                .map_err(|m| ConfigError::new("ALGORITHM", m))?;
        let private_key_file = get("JWT_PRIVATE_KEY_FILE").map(PathBuf::from);
        let public_key_file = get("JWT_PUBLIC_KEY_FILE").map(PathBuf::from);
        if !algorithm.is_symmetric() {
            let files = [
                ("JWT_PRIVATE_KEY_FILE", &private_key_file, "private"),
                ("JWT_PUBLIC_KEY_FILE", &public_key_file, "public"),
            ];
            if let Some((var, _, kind)) = files.iter().find(|(_, file, _)| file.is_none()) {
                return Err(ConfigError::new(
                    *var,
                    format!(
                        "must name a PEM {kind} key when ALGORITHM={}",
                        algorithm.name()
                    ),
                ));
            }
        }
        let previous_public_key_files = get("JWT_PREVIOUS_PUBLIC_KEY_FILES")
            .map(|list| {
                list.split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(PathBuf::from)
                    .collect()
            })
            .unwrap_or_default();

        let access_minutes = number(&get, "ACCESS_TOKEN_EXPIRE_MINUTES", 30, 1, 60 * 24 * 365)?;
        let refresh_days = number(&get, "REFRESH_TOKEN_EXPIRE_DAYS", 14, 1, 3650)?;
        if refresh_days * 24 * 60 < access_minutes {
            return Err(ConfigError::new(
                "REFRESH_TOKEN_EXPIRE_DAYS",
                "must not be shorter than ACCESS_TOKEN_EXPIRE_MINUTES",
            ));
        }
        let issuer = text(&get, "JWT_ISSUER", "sigil")?;
        let audience = text(&get, "JWT_AUDIENCE", "sigil")?;
        let leeway_seconds = number(&get, "JWT_LEEWAY_SECONDS", 30, 0, 600)?;
        let grace = number(&get, "REFRESH_REUSE_GRACE_SECONDS", 10, 0, 300)?;
        let login_rate = number(&get, "LOGIN_RATE_PER_MINUTE", 10, 0, 1_000_000)?;
        let bcrypt_cost = number(&get, "BCRYPT_COST", 12, 4, 31)?;
        if app_env == AppEnv::Production && bcrypt_cost < 10 {
            return Err(ConfigError::new(
                "BCRYPT_COST",
                format!("{bcrypt_cost} is too cheap for APP_ENV=production (use 10 or more)"),
            ));
        }
        let cookie_secure = get("COOKIE_SECURE")
            .map(|v| {
                parse_bool(&v).ok_or_else(|| {
                    ConfigError::new("COOKIE_SECURE", format!("{v:?} is not true or false"))
                })
            })
            .transpose()?;
        let workers = match get("WORKERS") {
            None => None,
            Some(_) => Some(number(&get, "WORKERS", 1, 1, 256)? as usize),
        };
        let db_pool_size = number(&get, "DATABASE_POOL_SIZE", 10, 1, 1000)? as u32;
        let db_async_pool_size = match get("DATABASE_ASYNC_POOL_SIZE") {
            None => None,
            Some(_) => Some(number(&get, "DATABASE_ASYNC_POOL_SIZE", 1, 1, 1000)? as u32),
        };
        let mail = MailSettings::from_lookup(&get, app_env, bind_addr, data_dir)?;
        let protection = ProtectionSettings::from_lookup(&get)?;
        let oidc = OidcSettings::from_lookup(&get, &mail.public_url)?;
        // Secure unless this is plainly development: a loopback address, no https PUBLIC_URL,
        // not production. A server on 127.0.0.1 behind a TLS proxy is not development.
        let https = mail.public_url.starts_with("https://");
        let cookie_secure = cookie_secure
            .unwrap_or(!bind_addr.ip().is_loopback() || https || app_env == AppEnv::Production);
        let trusted_proxies = match get("TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(list) => parse_cidrs(&list).map_err(|m| ConfigError::new("TRUSTED_PROXIES", m))?,
        };
        let audit_retention_days = number(&get, "AUDIT_RETENTION_DAYS", 365, 1, 36_500)? as u32;
        let reauth_minutes = number(&get, "REAUTH_MINUTES", 10, 1, 24 * 60)?;
        let mfa_issuer = text(&get, "MFA_ISSUER", "Sigil")?;
        let pat_max_days = number(&get, "PAT_MAX_DAYS", 365, 1, 3_650)? as u32;
        let introspection_clients = match get("INTROSPECTION_CLIENTS") {
            None => IntrospectionClients::default(),
            Some(raw) => IntrospectionClients::parse(&raw)
                .map_err(|m| ConfigError::new("INTROSPECTION_CLIENTS", m))?,
        };
        let metrics_token = metrics_token(get("METRICS_TOKEN"))
            .map_err(|m| ConfigError::new("METRICS_TOKEN", m))?;
        let development = app_env == AppEnv::Development;
        let login_providers = providers::from_lookup(&get, development)?;
        let outbound = OutboundSettings::from_lookup(&get)?;
        let log_format = log_format(get)?;
        if mfa_issuer.is_empty() || mfa_issuer.len() > 64 {
            return Err(ConfigError::new("MFA_ISSUER", "must be 1 to 64 characters"));
        }

        Ok(Self {
            app_env,
            database_url,
            bind_addr,
            secret_key: Secret::new(secret_key),
            algorithm,
            private_key_file,
            public_key_file,
            previous_public_key_files,
            access_token_ttl: Duration::from_secs(access_minutes * 60),
            refresh_token_ttl: Duration::from_secs(refresh_days * 24 * 3600),
            issuer,
            audience,
            leeway_seconds,
            refresh_reuse_grace: Duration::from_secs(grace),
            login_rate_per_minute: login_rate as u32,
            bcrypt_cost: bcrypt_cost as u32,
            cookie_secure,
            workers,
            db_pool_size,
            db_async_pool_size,
            mail,
            trusted_proxies,
            audit_retention_days,
            reauth_window: Duration::from_secs(reauth_minutes * 60),
            mfa_issuer,
            introspection_clients,
            log_format,
            metrics_token,
            pat_max_days,
            secret_origin,
            protection,
            oidc,
            login_providers,
            outbound,
        })
    }
}

/// `LOG_FORMAT` alone: logging starts before the other settings are read.
pub fn log_format(lookup: impl Fn(&str) -> Option<String>) -> Result<LogFormat, ConfigError> {
    match lookup("LOG_FORMAT").filter(|v| !v.trim().is_empty()) {
        None => Ok(LogFormat::default()),
        Some(raw) => LogFormat::parse(&raw).map_err(|m| ConfigError::new("LOG_FORMAT", m)),
    }
}

fn number(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, ConfigError> {
    let Some(raw) = get(var) else {
        return Ok(default);
    };
    let value: u64 = raw
        .trim()
        .parse()
        .map_err(|_| ConfigError::new(var, format!("{raw:?} is not a whole number")))?;
    if value < min || value > max {
        return Err(ConfigError::new(
            var,
            format!("{value} is out of range ({min} to {max})"),
        ));
    }
    Ok(value)
}

fn text(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: &str,
) -> Result<String, ConfigError> {
    let value = get(var).unwrap_or_else(|| default.to_string());
    let value = value.trim().to_string();
    if value.len() > 256 || value.chars().any(char::is_control) {
        return Err(ConfigError::new(
            var,
            "must be at most 256 printable characters",
        ));
    }
    Ok(value)
}

/// `10.0.0.0/8, 192.0.2.7, ::1`: networks, or single addresses (a /32 or /128).
fn parse_cidrs(list: &str) -> Result<Vec<ipnet::IpNet>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<ipnet::IpNet>()
                .map(|net| net.trunc())
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("{item:?} is not an address or a network like 10.0.0.0/8"))
        })
        .collect()
}

fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
