//! Login sessions and their tokens: start a session, rotate a refresh token, log out, revoke
//! a session. Both faces call these; each takes the database and [`Tokens`], nothing more.

use actix_web::http::header;
use actix_web::HttpResponse;
use serde::Serialize;

use super::jwt::{self, AccessClaims, TokenPolicy};
use super::keys::TokenKeys;
use super::refresh;
use super::verified::VerifiedTokens;
use crate::audit::{self, Event, EventKind};
use crate::config::Settings;
use crate::db::outbox::NewMessage;
use crate::db::sessions::{self, RefreshRefusal, Session};
use crate::db::users::User;
use crate::db::Db;
use crate::error::AppError;
use crate::http::client::ClientInfo;
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

/// Builds the notice a refresh-token reuse sends the session's user (see `accounts::notices`).
pub type ReuseNotice = Box<dyn Fn(&User, &ClientInfo) -> Option<NewMessage> + Send + Sync>;

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
    /// What to tell a user whose refresh token was reused (nothing when `None`).
    pub reuse_notice: Option<ReuseNotice>,
    /// Access tokens already verified with these keys and rules.
    verified: VerifiedTokens,
    /// Derives a rotated refresh token's successor ([`refresh::successor`]).
    successor_key: [u8; 32],
}

/// Which sessions a logout ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoutScope {
    /// The presented token's session (its refresh family and every token issued from it).
    ThisSession,
    /// Every session of the user: every token issued until now.
    Everywhere,
}

impl Tokens {
    /// The token rules as configured; the refresh-reuse notice is set by the application state.
    pub fn new(settings: &Settings, keys: TokenKeys) -> Self {
        Self {
            keys,
            policy: TokenPolicy::from_settings(settings),
            refresh_ttl: duration(settings.refresh_token_ttl),
            reuse_grace: duration(settings.refresh_reuse_grace),
            secure_cookies: settings.cookie_secure,
            reauth_seconds: settings.reauth_window.as_secs() as i64,
            reuse_notice: None,
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
    pub fn verify(&self, token: &str) -> Result<AccessClaims, jwt::TokenError> {
        let (now, leeway) = (jwt::unix_now(), self.policy.leeway_seconds);
        self.verified.claims(token, now, leeway, || {
            jwt::verify(&self.keys, &self.policy, token, now)
        })
    }

    /// Starts a login session for `user`, who just proved who they are as `amr` says
    /// (RFC 8176: `["pwd"]`, `["pwd", "otp"]`…) at `auth_time` (Unix seconds; now when
    /// `None`), and issues its first token pair; the session keeps the client's user agent and
    /// address, and the proof for its refreshes.
    pub async fn start_session(
        &self,
        db: &Db,
        user: &User,
        client: &ClientInfo,
        amr: &[&str],
        auth_time: Option<i64>,
    ) -> Result<TokenPair, AppError> {
        let auth_time = auth_time
            .map(|t| {
                time::OffsetDateTime::from_unix_timestamp(t)
                    .map(crate::db::to_primitive)
                    .map_err(AppError::internal)
            })
            .transpose()?;
        let (refresh_token, refresh_hash, expires_at) = self.new_refresh_token();
        let user_id = user.id;
        let client = client.clone();
        let amr = amr.join(" ");
        let session = db
            .run(move |conn| {
                Ok(Session::start(
                    conn,
                    user_id,
                    &client,
                    (&amr, auth_time),
                    &refresh_hash,
                    expires_at,
                )?)
            })
            .await?;
        self.pair(user, &session, refresh_token)
    }

    /// Renews session `sid`'s proof of identity (now, as `amr`) after the user proved it
    /// again, and issues a pair for the same session. 401 when the session is gone.
    pub async fn reauthenticate(
        &self,
        db: &Db,
        user: &User,
        sid: &str,
        amr: &[&str],
    ) -> Result<TokenPair, AppError> {
        let (refresh_token, refresh_hash, expires_at) = self.new_refresh_token();
        let (sid, amr) = (sid.to_string(), amr.join(" "));
        let session = db
            .run(move |conn| {
                Ok(Session::reauthenticate(
                    conn,
                    &sid,
                    &amr,
                    &refresh_hash,
                    expires_at,
                )?)
            })
            .await?
            .ok_or_else(|| AppError::invalid_token("The token's session has ended."))?;
        self.pair(user, &session, refresh_token)
    }

    /// Rotates a presented refresh token (see [`Session::rotate`]) and issues a new pair. A
    /// reuse revokes the family, tells its user (naming the presenter's device) and is a
    /// security event, all in the revoking transaction.
    pub async fn rotate(
        self: &std::sync::Arc<Self>,
        db: &Db,
        presented: &str,
        client: &ClientInfo,
    ) -> Result<Result<TokenPair, RefreshRefusal>, AppError> {
        let old_hash = refresh::hash(presented);
        // The same successor for every use of `presented`: a use inside the grace gets the
        // token the first use got, not a new branch.
        let (refresh_token, new_hash) = refresh::successor(&self.successor_key, presented);
        let expires_at = crate::db::now() + self.refresh_ttl;
        let grace = self.reuse_grace;
        let (tokens, client) = (std::sync::Arc::clone(self), client.clone());
        let ip = client.ip.map(|ip| ip.to_string());
        let on_reuse = move |conn: &mut crate::db::DbConnection, session: &Session, user: &User| {
            if let Some(notice) = tokens.reuse_notice.as_ref().and_then(|n| n(user, &client)) {
                crate::db::outbox::enqueue(conn, &notice)?;
            }
            let event = Event::new(EventKind::RefreshTokenReuse, &client)
                .user(user.id)
                .detail("session_id", session.id.clone());
            audit::record_in(conn, &event);
            Ok(())
        };
        let outcome = db
            .run(move |conn| {
                Ok(Session::rotate(
                    conn,
                    &old_hash,
                    &new_hash,
                    expires_at,
                    grace,
                    ip.as_deref(),
                    on_reuse,
                )?)
            })
            .await?;
        match outcome {
            Ok((session, user)) => Ok(Ok(self.pair(&user, &session, refresh_token)?)),
            Err(refusal) => Ok(Err(refusal)),
        }
    }

    /// A new refresh token, the hash that is stored for it, and when it expires.
    fn new_refresh_token(&self) -> (String, String, time::PrimitiveDateTime) {
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
        jwt::issue(&self.keys, &self.policy, &subject, jwt::unix_now()).map_err(AppError::internal)
    }

    fn pair(
        &self,
        user: &User,
        session: &Session,
        refresh_token: String,
    ) -> Result<TokenPair, AppError> {
        let (access_token, _) = self.issue_access(user, session)?;
        Ok(TokenPair {
            access_token,
            token_type: "bearer",
            expires_in: self.policy.access_ttl_seconds,
            refresh_token,
            refresh_expires_in: self.refresh_ttl.whole_seconds(),
        })
    }
}

/// Revokes the presented access token by `jti` (until it would have expired anyway) and the
/// sessions `scope` names; a security event in the same transaction.
pub async fn logout(
    db: &Db,
    claims: &AccessClaims,
    user_id: i32,
    scope: LogoutScope,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let claims = claims.clone();
    let kind = match scope {
        LogoutScope::ThisSession => EventKind::SignOut,
        LogoutScope::Everywhere => EventKind::LogoutAll,
    };
    let event = Event::new(kind, client)
        .user(user_id)
        .actor(user_id)
        .detail("session_id", claims.sid.clone());
    db.run(move |conn| {
        let expires = crate::db::to_primitive(
            time::OffsetDateTime::from_unix_timestamp(claims.exp)
                .unwrap_or_else(|_| time::OffsetDateTime::now_utc()),
        );
        sessions::revoke_access_token(conn, &claims.jti, user_id, expires)?;
        match scope {
            LogoutScope::ThisSession => {
                Session::revoke_for_user(conn, &claims.sid, user_id, "logout")?;
            }
            LogoutScope::Everywhere => {
                Session::end_all_access(conn, user_id, "logout-all")?;
            }
        }
        audit::record_in(conn, &event);
        Ok(())
    })
    .await
}

/// Ends the session a refresh token belongs to, if any (a browser logging out with an expired
/// access cookie); a sign-out event for its user.
pub async fn logout_refresh(db: &Db, presented: &str, client: &ClientInfo) -> Result<(), AppError> {
    let hash = refresh::hash(presented);
    let client = client.clone();
    db.run(move |conn| {
        if let Some(session) = sessions::revoke_by_refresh_hash(conn, &hash)? {
            let event = Event::new(EventKind::SignOut, &client)
                .user(session.user_id)
                .actor(session.user_id)
                .detail("session_id", session.id);
            audit::record_in(conn, &event);
        }
        Ok(())
    })
    .await
}

/// The user's sessions that can still be refreshed, most recently used first.
pub async fn active_sessions(db: &Db, user_id: i32) -> Result<Vec<Session>, AppError> {
    db.run(move |conn| Ok(Session::list_active(conn, user_id)?))
        .await
}

/// Revokes one of the user's sessions (its refresh family and every access token issued
/// from it); 404 when the user has no such session.
pub async fn revoke_session(
    db: &Db,
    user_id: i32,
    id: String,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let event = Event::new(EventKind::SessionRevoked, client)
        .user(user_id)
        .actor(user_id)
        .detail("session_id", id.clone());
    let found = db
        .run(move |conn| {
            let found = Session::revoke_for_user(conn, &id, user_id, "revoked by user")?;
            if found {
                audit::record_in(conn, &event);
            }
            Ok(found)
        })
        .await?;
    if found {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

fn duration(d: std::time::Duration) -> time::Duration {
    time::Duration::try_from(d).unwrap_or(time::Duration::MAX)
}
