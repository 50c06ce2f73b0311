//! Login sessions, the one home of their flows: start one (after any way of signing in),
//! renew its proof, rotate its refresh token, log out of it or of all of them, list and revoke
//! them. Both faces call these.

use super::{notices, Accounts, SignInRefusal};
use crate::audit::{self, Event, EventKind};
use crate::auth::jwt::AccessClaims;
use crate::auth::refresh;
use crate::auth::tokens::TokenPair;
use crate::db::sessions::{self, RefreshRefusal, Session};
use crate::db::users::User;
use crate::db::{devices, outbox};
use crate::error::AppError;
use crate::http::client::ClientInfo;
use crate::mail::Context;

/// A session just started: its user, and its first pair of tokens.
#[derive(Debug)]
pub struct StartedSession {
    pub user: User,
    pub pair: TokenPair,
}

/// Which sessions a logout ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoutScope {
    /// The presented token's session (its refresh family and every token issued from it).
    ThisSession,
    /// Every session of the user: every token issued until now, and everything waiting on
    /// them ([`Session::end_all_access`]).
    Everywhere,
}

impl Accounts {
    /// Starts a login session for a user who just proved who they are, as `amr` says
    /// (`["pwd"]`, `["pwd", "otp"]`). A device this user has not signed in from before (other
    /// than their very first) gets a notice by mail. Callers with a password alone go through
    /// [`Accounts::after_password`], which asks for the second factor when one is on.
    pub async fn start_session(
        &self,
        user: &User,
        client: &ClientInfo,
        amr: &[&str],
    ) -> Result<StartedSession, AppError> {
        self.start_session_via(user, client, amr, None).await
    }

    /// [`Accounts::start_session`] after a sign-in through outside provider `provider`
    /// (its `sign_in` event says `method: fed` and which).
    pub async fn start_session_via(
        &self,
        user: &User,
        client: &ClientInfo,
        amr: &[&str],
        provider: Option<&str>,
    ) -> Result<StartedSession, AppError> {
        let key = client.device().key;
        let notice = self.notifier.render(
            &notices::new_sign_in(&user.email, &Context::of(client)),
            user.locale(),
        )?;
        let user_id = user.id;
        let announced = self
            .db
            .run(move |conn| {
                Ok(crate::db::write_transaction(conn, |conn| {
                    // A completed sign-in ends the count of failed ones (any way of proof).
                    crate::db::sign_in_failures::clear_account(conn, user_id)?;
                    let seen = devices::remember(conn, user_id, &key)?;
                    if seen == devices::Seen::New {
                        outbox::enqueue(conn, &notice)?;
                    }
                    Ok::<_, diesel::result::Error>(seen == devices::Seen::New)
                })?)
            })
            .await?;
        if announced {
            self.notifier.wake();
        }
        let pair = self.open_session(user, client, amr, None).await?;
        let event = Event::new(EventKind::SignIn, client)
            .user(user.id)
            .actor(user.id)
            .detail("device", client.device().label)
            .detail("new_device", announced)
            .detail("amr", amr.join(" "));
        let event = match provider {
            Some(provider) => event.detail("method", "fed").detail("provider", provider),
            None => event,
        };
        audit::record(&self.db, event).await;
        self.metrics.sign_in("success");
        Ok(StartedSession {
            user: user.clone(),
            pair,
        })
    }

    /// Opens a session for `user`, who proved who they are as `amr` says (RFC 8176: `["pwd"]`,
    /// `["pwd", "otp"]`…) at `auth_time` (Unix seconds; now when `None`), and issues its first
    /// pair; the session keeps the client's user agent and address, and the proof for its
    /// refreshes. No notice, no event: [`Accounts::start_session`] and the password change add
    /// their own.
    pub(super) async fn open_session(
        &self,
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
        let (refresh_token, refresh_hash, expires_at) = self.tokens.new_refresh_token();
        // A new session's absolute deadline is its lifetime from now.
        let expires_at = expires_at.min(self.tokens.limits.deadline(crate::db::now()));
        let user_id = user.id;
        let client = client.clone();
        let amr = amr.join(" ");
        let session = self
            .db
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
        self.tokens.pair(user, &session, refresh_token)
    }

    /// Renews session `sid`'s proof of identity (now, as `amr`) after the user proved it
    /// again, and issues a pair for the same session (its absolute deadline unmoved). 401 when
    /// the session is gone or timed out.
    pub(super) async fn renew_session(
        &self,
        user: &User,
        sid: &str,
        amr: &[&str],
    ) -> Result<TokenPair, AppError> {
        let (refresh_token, refresh_hash, expires_at) = self.tokens.new_refresh_token();
        let (sid, amr) = (sid.to_string(), amr.join(" "));
        let limits = self.tokens.limits;
        let session = self
            .db
            .run(move |conn| {
                Ok(Session::reauthenticate(
                    conn,
                    &sid,
                    &amr,
                    &refresh_hash,
                    (expires_at, &limits),
                )?)
            })
            .await?
            .ok_or_else(|| AppError::invalid_token("The token's session has ended."))?;
        self.tokens.pair(user, &session, refresh_token)
    }

    /// Rotates a presented refresh token (see [`Session::rotate`]) and issues a new pair; a
    /// use inside the grace gets the same successor. A reuse after it revokes the family,
    /// tells its user (naming the presenter's device) and is a security event, all in the
    /// revoking transaction. A session past its idle or absolute limit ends there, with its
    /// `session_expired` event.
    pub async fn rotate(
        &self,
        presented: &str,
        client: &ClientInfo,
    ) -> Result<Result<TokenPair, SignInRefusal>, AppError> {
        Ok(self
            .rotate_for(presented, client, None)
            .await?
            .map(|(pair, _, _)| pair))
    }

    /// [`Accounts::rotate`] for the OAuth client `client_id` (`None`: first-party), whose
    /// refresh token it must be; also gives the session the pair belongs to.
    pub async fn rotate_for(
        &self,
        presented: &str,
        client: &ClientInfo,
        client_id: Option<String>,
    ) -> Result<Result<(TokenPair, Session, User), SignInRefusal>, AppError> {
        let old_hash = refresh::hash(presented);
        let (refresh_token, new_hash, expires_at) = self.tokens.successor(presented);
        let (fresh_token, fresh_hash, _) = self.tokens.new_refresh_token();
        let (grace, limits) = (self.tokens.reuse_grace, self.tokens.limits);
        let (notifier, client) = (self.notifier.clone(), client.clone());
        let ip = client.ip.map(|ip| ip.to_string());
        let on_end = move |conn: &mut crate::db::DbConnection,
                           session: &Session,
                           user: &User,
                           refusal: RefreshRefusal| {
            if let RefreshRefusal::TimedOut(expiry) = refusal {
                audit::record_in(conn, &sweep::expired_event(&session.id, user.id, expiry));
                return Ok(());
            }
            let notice = notices::refresh_token_reuse(&user.email, &Context::of(&client));
            match notifier.render(&notice, user.locale()) {
                Ok(message) => outbox::enqueue(conn, &message)?,
                // The family is revoked all the same; the log says why no mail went.
                Err(e) => e.log_if_internal(),
            }
            let event = Event::new(EventKind::RefreshTokenReuse, &client)
                .user(user.id)
                .detail("session_id", session.id.clone());
            audit::record_in(conn, &event);
            Ok(())
        };
        let outcome = self
            .db
            .run(move |conn| {
                Ok(Session::rotate(
                    conn,
                    &old_hash,
                    &new_hash,
                    &fresh_hash,
                    (expires_at, &limits),
                    grace,
                    (ip.as_deref(), client_id.as_deref()),
                    on_end,
                )?)
            })
            .await?;
        match outcome {
            Ok((session, user, fallback)) => {
                let token = if fallback { fresh_token } else { refresh_token };
                let pair = self.tokens.pair(&user, &session, token)?;
                Ok(Ok((pair, session, user)))
            }
            Err(refusal) => {
                if refusal == RefreshRefusal::Reused {
                    self.notifier.wake();
                }
                Ok(Err(SignInRefusal::Refresh(refusal)))
            }
        }
    }

    /// Revokes the presented access token by `jti` (until it would have expired anyway) and the
    /// sessions `scope` names; a security event in the same transaction.
    pub async fn logout(
        &self,
        claims: &AccessClaims,
        user_id: i32,
        scope: LogoutScope,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        self.logout_for_app(claims, user_id, scope, client, None)
            .await
    }

    /// [`Accounts::logout`] asked for by an app (RP-initiated logout): the event names it.
    pub async fn logout_for_app(
        &self,
        claims: &AccessClaims,
        user_id: i32,
        scope: LogoutScope,
        client: &ClientInfo,
        app: Option<&str>,
    ) -> Result<(), AppError> {
        let claims = claims.clone();
        let kind = match scope {
            LogoutScope::ThisSession => EventKind::SignOut,
            LogoutScope::Everywhere => EventKind::LogoutAll,
        };
        let mut event = Event::new(kind, client)
            .user(user_id)
            .actor(user_id)
            .detail("session_id", claims.sid.clone());
        if let Some(app) = app {
            event = event.detail("client_id", app.to_string());
        }
        // One transaction: everything it ends, ends together (or nothing does).
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
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
                    Ok::<_, diesel::result::Error>(())
                })?;
                Ok(())
            })
            .await
    }

    /// Ends the session a refresh token belongs to, if any (a browser logging out with an
    /// expired access cookie); a sign-out event for its user.
    pub async fn logout_refresh(
        &self,
        presented: &str,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        let hash = refresh::hash(presented);
        let client = client.clone();
        self.db
            .run(move |conn| {
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

    /// The user's sessions that can still be refreshed (none timed out, even before the
    /// sweep ends it), most recently used first.
    pub async fn active_sessions(&self, user_id: i32) -> Result<Vec<Session>, AppError> {
        let limits = self.tokens.limits;
        let mut active = self
            .db
            .run(move |conn| Ok(Session::list_active(conn, user_id)?))
            .await?;
        let now = crate::db::now();
        active.retain(|s| s.timed_out(&limits, now).is_none());
        Ok(active)
    }

    /// Revokes one of the user's sessions (its refresh family and every access token issued
    /// from it); 404 when the user has no such session.
    pub async fn revoke_session(
        &self,
        user_id: i32,
        id: String,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        let event = Event::new(EventKind::SessionRevoked, client)
            .user(user_id)
            .actor(user_id)
            .detail("session_id", id.clone());
        let found = self
            .db
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
}

mod sweep;

pub use sweep::{start_sweep, sweep_timed_out};
