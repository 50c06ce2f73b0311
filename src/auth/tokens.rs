//! Sigil's tokens: the keys and rules that issue and verify access tokens, and the refresh
//! tokens of a session. The session flows that use them are `accounts::sessions`.

use actix_web::http::header;
use actix_web::HttpResponse;
use serde::Serialize;

use super::jwt::{self, AccessClaims, TokenPolicy};
use super::keys::TokenKeys;
use super::refresh;
use super::verified::VerifiedTokens;
use crate::config::Settings;
use crate::db::sessions::{Session, SessionLimits};
use crate::db::users::User;
use crate::error::AppError;
use crate::no_store::NoStore as _;

/// RFC 6749 §5.1 success body.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    #[schema(example = "bearer")]
    pub token_type: &'static str,
    pub expires_in: i64,
    pub refresh_token: String,
    pub refresh_expires_in: i64,
}

impl TokenPair {
    /// RFC 6749 §5.1: the pair as JSON, never cached.
    pub fn response(&self) -> HttpResponse {
        HttpResponse::Ok()
            .no_store()
            .insert_header((header::PRAGMA, "no-cache"))
            .json(self)
    }
}

impl std::fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenPair(<redacted>)")
    }
}

/// Sigil's keys and token rules: what it takes to issue, verify and rotate tokens.
pub struct Tokens {
    pub keys: TokenKeys,
    pub policy: TokenPolicy,
    pub refresh_ttl: time::Duration,
    /// How long a just-rotated refresh token is still accepted (racing requests).
    pub reuse_grace: time::Duration,
    /// The `Secure` flag of the authentication cookies.
    pub secure_cookies: bool,
    /// How recent `auth_time` must be for sensitive operations, in seconds (`REAUTH_MINUTES`).
    pub reauth_seconds: i64,
    /// The sessions' idle and absolute limits: checked with every access token and refresh.
    pub limits: SessionLimits,
    /// Access tokens already verified with these keys and rules.
    verified: VerifiedTokens,
    /// Derives a rotated refresh token's successor ([`refresh::successor`]).
    successor_key: [u8; 32],
}

impl Tokens {
    /// The token rules as configured.
    pub fn new(settings: &Settings, keys: TokenKeys) -> Self {
        Self {
            keys,
            policy: TokenPolicy::from_settings(settings),
            refresh_ttl: duration(settings.refresh_token_ttl),
            reuse_grace: duration(settings.refresh_reuse_grace),
            secure_cookies: settings.cookie_secure,
            reauth_seconds: settings.reauth_window.as_secs() as i64,
            limits: SessionLimits::new(
                settings.protection.session_idle,
                settings.protection.session_max_age,
            ),
            verified: VerifiedTokens::default(),
            successor_key: refresh::successor_key(settings.secret_key.expose()),
        }
    }

    /// Whether the user proved who they are recently enough for a sensitive operation:
    /// `auth_time` no older than `REAUTH_MINUTES` (and not in the future).
    pub fn is_recent(&self, claims: &AccessClaims) -> bool {
        let age = jwt::unix_now() - claims.auth_time;
        (0..=self.reauth_seconds).contains(&age)
    }

    /// Verifies an access token's signature, header and claims at the current time (no
    /// database: revocation is the caller's second step). A token verified before is taken
    /// from [`VerifiedTokens`], its times checked again.
    pub fn verify(&self, token: &str) -> Result<std::sync::Arc<AccessClaims>, jwt::TokenError> {
        let (now, leeway) = (jwt::unix_now(), self.policy.leeway_seconds);
        self.verified.claims(token, now, leeway, || {
            jwt::verify(&self.keys, &self.policy, token, now)
        })
    }

    /// A new refresh token, the hash that is stored for it, and when it expires.
    pub(crate) fn new_refresh_token(&self) -> (String, String, time::PrimitiveDateTime) {
        let (token, hash) = refresh::generate();
        (token, hash, crate::db::now() + self.refresh_ttl)
    }

    /// Signs an access token for `user` in `session` (with its `auth_time` and `amr`), at
    /// the current time.
    pub fn issue_access(
        &self,
        user: &User,
        session: &Session,
    ) -> Result<(String, AccessClaims), AppError> {
        let (auth_time, amr) = session.proof();
        let subject = jwt::Subject {
            user_id: user.id,
            username: &user.username,
            session_id: &session.id,
            auth_time: crate::db::to_utc(auth_time).unix_timestamp(),
            amr: &amr,
        };
        let now = jwt::unix_now();
        // A client session's tokens are the client's (RFC 9068), never first-party ones.
        match &session.client_id {
            Some(client_id) => {
                let grant = jwt::ClientGrant {
                    client_id,
                    scope: session.scope.as_deref().unwrap_or_default(),
                };
                jwt::issue_for_client(&self.keys, &self.policy, &subject, &grant, now)
            }
            None => jwt::issue(&self.keys, &self.policy, &subject, now),
        }
        .map_err(AppError::internal)
    }

    /// The successor of a presented refresh token, the same for every use of it
    /// ([`refresh::successor`]), its hash, and when it expires.
    pub(crate) fn successor(&self, presented: &str) -> (String, String, time::PrimitiveDateTime) {
        let (token, hash) = refresh::successor(&self.successor_key, presented);
        (token, hash, crate::db::now() + self.refresh_ttl)
    }

    /// The pair for `session`: a new access token, and `refresh_token`, whose lifetime ends
    /// with the session's absolute deadline when that comes first.
    pub(crate) fn pair(
        &self,
        user: &User,
        session: &Session,
        refresh_token: String,
    ) -> Result<TokenPair, AppError> {
        let (access_token, _) = self.issue_access(user, session)?;
        let left = self.limits.deadline(session.created_at) - crate::db::now();
        Ok(TokenPair {
            access_token,
            token_type: "bearer",
            expires_in: self.policy.access_ttl_seconds,
            refresh_token,
            refresh_expires_in: self.refresh_ttl.min(left).whole_seconds().max(0),
        })
    }
}

fn duration(d: std::time::Duration) -> time::Duration {
    time::Duration::try_from(d).unwrap_or(time::Duration::MAX)
}
