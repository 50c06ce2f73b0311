//! What the handlers share: the database, the token rules, the bcrypt threads, the login
//! limiter and the cursor key, built once from the settings.

use std::sync::Arc;

use crate::accounts::mfa::SecondFactors;
use crate::accounts::password_policy::PasswordPolicy;
use crate::accounts::Accounts;
use crate::audit::{self, Event, EventKind};
use crate::auth::password::Passwords;
use crate::auth::rate_limit::LoginLimiter;
use crate::auth::tokens::Tokens;
use crate::auth::totp::SecretBox;
use crate::auth::{keys, passkey};
use crate::background::Background;
use crate::config::{ConfigError, Settings};
use crate::db::post_pages::PageCache;
use crate::db::{ConnectError, Db};
use crate::error::AppError;
use crate::federation::Providers;
use crate::http::client::ClientInfo;
use crate::http::outgoing::Outgoing;
use crate::mail::{Mailer, Notifier};
use crate::metrics::Metrics;
use crate::oidc::backchannel::LogoutSender;
use crate::oidc::keys::OidcKeys;
use crate::oidc::Provider;

/// Everything a handler needs, shared by all workers. `db` and `tokens` are also registered
/// on their own, so authentication needs nothing else.
pub struct AppState {
    pub settings: Settings,
    pub db: Db,
    pub tokens: Arc<Tokens>,
    pub passwords: Arc<Passwords>,
    pub notifier: Notifier,
    pub limiter: Option<LoginLimiter>,
    /// The authenticator apps' issuer name and the key that seals TOTP secrets.
    pub second_factors: Arc<SecondFactors>,
    /// The account flows, over the handles above.
    accounts: Accounts,
    /// Key for signing pagination cursors.
    pub cursor_key: [u8; 32],
    /// Anonymous pages of posts as last rendered, kept while the posts version holds.
    pub post_pages: Arc<PageCache>,
    /// The mail sender, the back-channel logout sender, the audit purge and the session
    /// sweep, stopped after the server at shutdown.
    pub background: Arc<Background>,
    /// This instance's series, also registered on its own for the middleware and extractors.
    pub metrics: Arc<Metrics>,
    /// The WebAuthn relying party (`PUBLIC_URL`'s host and origin); `None`, with a warning at
    /// start, when `PUBLIC_URL` names an IP address, which browsers refuse for passkeys.
    pub relying_party: Option<Arc<webauthn_rs::prelude::Webauthn>>,
    /// The OpenID provider's signing key, also registered on its own.
    pub oidc_keys: Arc<OidcKeys>,
    /// The OpenID provider: issuer, key, lifetimes.
    pub provider: Arc<Provider>,
    /// The one client for outgoing requests (providers, back-channel logout, the breach API).
    pub outgoing: Outgoing,
    /// The outside providers to sign in with (`LOGIN_PROVIDERS`), also registered on their
    /// own as `web::Data<Providers>`.
    pub providers: Providers,
}

impl AppState {
    /// Builds the state: connects, migrates, loads keys, starts the bcrypt threads, the mail
    /// sender and the back-channel logout sender.
    pub fn new(settings: Settings) -> Result<Self, StartupError> {
        // First: a breached-password file that cannot be used is a configuration error.
        let outgoing = Outgoing::from_settings(&settings)?;
        let password_policy = Arc::new(PasswordPolicy::from_settings(&settings, &outgoing)?);
        // Built now, fetched on first use: an unreachable provider never stops start-up.
        let providers = Providers::new(
            &settings.login_providers,
            outgoing.clone(),
            settings.leeway_seconds,
        );
        let (db, tokens) = open(&settings)?;
        let oidc_keys = Arc::new(OidcKeys::new(&settings, db.clone())?);
        if let Some(why) = &settings.oidc.off_because {
            log::warn!("{why}");
        }
        let db = db.with_async_reads(settings.async_reads_per_worker());
        let background = Arc::new(Background::default());
        let metrics = Arc::new(Metrics::new());
        let mailer = Mailer::start(db.clone(), settings.mail.clone(), &background, &metrics)
            .map_err(StartupError::Other)?;
        let notifier = Notifier::new(settings.mail.clone(), mailer);
        audit::start_purge(db.clone(), settings.audit_retention_days, &background)
            .map_err(|e| StartupError::Other(format!("cannot start the audit purge: {e}")))?;
        crate::accounts::sessions::start_sweep(db.clone(), tokens.limits, &background)
            .map_err(|e| StartupError::Other(format!("cannot start the session sweep: {e}")))?;
        crate::accounts::search::start_index_upkeep(db.clone(), &background).map_err(|e| {
            StartupError::Other(format!("cannot start the search index upkeep: {e}"))
        })?;
        let provider = Arc::new(Provider::new(&settings, Arc::clone(&oidc_keys)));
        let logout_sender = LogoutSender::start(
            db.clone(),
            Arc::clone(&provider),
            outgoing.clone(),
            &background,
        )
        .map_err(StartupError::Other)?;
        db.on_logout_queued(move || logout_sender.wake());
        let relying_party =
            match passkey::relying_party(&settings.mail.passkey_origin, &settings.mfa_issuer) {
                Ok(rp) => {
                    let origin = &settings.mail.passkey_origin;
                    log::info!("passkeys work on the pages at {origin}");
                    Some(Arc::new(rp))
                }
                Err(why) => {
                    log::warn!("passkeys are off: {why}");
                    None
                }
            };
        let second_factors = Arc::new(SecondFactors {
            issuer: settings.mfa_issuer.clone(),
            secrets: SecretBox::new(&derive_key(
                settings.secret_key.expose(),
                b"sigil totp secrets",
            )),
        });
        let passwords = Arc::new(Passwords::new(settings.bcrypt_cost));
        let tokens = Arc::new(tokens);
        let accounts = Accounts {
            db: db.clone(),
            passwords: Arc::clone(&passwords),
            tokens: Arc::clone(&tokens),
            notifier: notifier.clone(),
            second_factors: Arc::clone(&second_factors),
            metrics: Arc::clone(&metrics),
            relying_party: relying_party.clone(),
            background: Arc::clone(&background),
            protection: Arc::new(settings.protection.clone()),
            password_policy,
            providers: providers.clone(),
        };
        Ok(Self {
            accounts,
            relying_party,
            oidc_keys,
            provider,
            outgoing,
            providers,
            cursor_key: derive_key(settings.secret_key.expose(), b"sigil cursor key"),
            post_pages: Arc::default(),
            limiter: LoginLimiter::new(settings.login_rate_per_minute),
            second_factors,
            passwords,
            tokens,
            notifier,
            settings,
            db,
            background,
            metrics,
        })
    }

    /// The account flows, over this state's database, bcrypt threads, tokens and mail.
    pub fn accounts(&self) -> &Accounts {
        &self.accounts
    }

    /// Counts a login-type attempt from the client's address (429 past the limit). The first
    /// refusal of an address in a minute is a security event (a storm is not a write storm).
    pub fn count_login_attempt(
        self: &Arc<Self>,
        client: &ClientInfo,
        path: &str,
    ) -> Result<(), AppError> {
        let (Some(limiter), Some(ip)) = (&self.limiter, client.ip) else {
            return Ok(());
        };
        let refused = limiter.check(ip);
        if refused.is_err() {
            self.metrics.sign_in("rate_limited");
        }
        if refused.is_err() && limiter.first_refusal_this_minute(ip) {
            let event = Event::new(EventKind::RateLimited, client).detail("path", path);
            let state = Arc::clone(self);
            self.background
                .detach(crate::logging::carry_future(async move {
                    audit::record(&state.db, event).await
                }));
        }
        refused
    }
}

/// The state's [`AppState::count_login_attempt`], as authentication sees it.
pub struct LoginAttempts(pub Arc<AppState>);

impl crate::auth::rate_limit::CountAttempts for LoginAttempts {
    fn count(&self, client: &ClientInfo, path: &str) -> Result<(), AppError> {
        self.0.count_login_attempt(client, path)
    }
}

/// A login-type attempt (sign-in, token, refresh, reset…), counted against the caller's
/// address before anything else of the request is read: past the limit the answer is a 429,
/// whatever the body holds. List it first among a handler's arguments.
pub struct LoginAttempt(pub ClientInfo);

impl actix_web::FromRequest for LoginAttempt {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let client = ClientInfo::of(req);
        let counted = match req.app_data::<actix_web::web::Data<AppState>>() {
            Some(state) => state
                .clone()
                .into_inner()
                .count_login_attempt(&client, req.path()),
            None => Err(AppError::internal("application state is not registered")),
        };
        std::future::ready(counted.map(|()| LoginAttempt(client)))
    }
}

/// The database (connected and migrated) and the token rules: all that the one-shot commands
/// need.
pub fn open(settings: &Settings) -> Result<(Db, Tokens), StartupError> {
    let db = connect(settings, settings.db_pool_size)?;
    db.migrate()
        .map_err(|m| StartupError::Other(format!("migrations failed: {m}")))?;
    let keys = keys::load(settings)?;
    Ok((db, Tokens::new(settings, keys)))
}

/// [`open`] for `sigil inspect`, which must leave nothing behind: an SQLite file that does not
/// exist is not created (there is no database, so nothing to look up), and nothing is migrated.
pub fn open_read_only(settings: &Settings) -> Result<(Option<Db>, Tokens), StartupError> {
    let keys = keys::load(settings)?;
    let tokens = Tokens::new(settings, keys);
    if let crate::config::DatabaseUrl::Sqlite(path) = &settings.database_url {
        if !path.is_file() {
            return Ok((None, tokens));
        }
    }
    // One lookup at most: no pool of connections to keep.
    Ok((Some(connect(settings, 1)?), tokens))
}

fn connect(settings: &Settings, pool_size: u32) -> Result<Db, StartupError> {
    Db::connect(&settings.database_url, pool_size).map_err(|e| match e {
        ConnectError::Setting(m) => StartupError::Config(ConfigError::new("DATABASE_URL", m)),
        ConnectError::Unreachable(m) => {
            StartupError::Other(format!("DATABASE_URL: the database does not answer: {m}"))
        }
    })
}

pub use crate::config::derive_key;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Other(String),
}
