//! Login sessions (refresh-token families), their refresh tokens, and revoked access tokens.

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use super::schema::{refresh_tokens, sessions, users};
use super::users::User;
use super::DbConnection;
use crate::http::client::ClientInfo;

mod limits;
mod proof;

pub use limits::{Ended, Expiry, SessionLimits};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: String,
    pub user_id: i32,
    pub created_at: PrimitiveDateTime,
    pub last_used_at: PrimitiveDateTime,
    pub expires_at: PrimitiveDateTime,
    pub user_agent: Option<String>,
    pub revoked_at: Option<PrimitiveDateTime>,
    pub revoked_reason: Option<String>,
    /// The client address the session was last used from.
    pub ip: Option<String>,
    /// When the user last proved who they are in this session (unset: at its start).
    pub auth_time: Option<PrimitiveDateTime>,
    /// How (RFC 8176 values, space-separated): `pwd`, `pwd otp`, `hwk`…
    pub amr: String,
    /// A client session's OAuth client; `None` for a first-party session.
    pub client_id: Option<String>,
    /// A client session's granted scopes, space-separated.
    pub scope: Option<String>,
    /// The browser session a code-flow client session came from: ending that one ends this
    /// one, unless `scope` holds `offline_access`.
    pub browser_sid: Option<String>,
}

/// What makes a session a client's (API.md part three, section 1, "Client sessions").
#[derive(Debug, Clone)]
pub struct ClientBinding {
    pub client_id: String,
    /// Space-separated.
    pub scope: String,
    /// The browser session of a code flow; `None` for the device grant.
    pub browser_sid: Option<String>,
}

impl Session {
    /// Whether this client session outlives its browser session (`offline_access`).
    pub fn is_offline(&self) -> bool {
        self.scope
            .as_deref()
            .is_some_and(|s| s.split(' ').any(|x| x == "offline_access"))
    }
}

#[derive(Insertable)]
#[diesel(table_name = sessions)]
struct NewSession<'a> {
    id: &'a str,
    user_id: i32,
    created_at: PrimitiveDateTime,
    last_used_at: PrimitiveDateTime,
    expires_at: PrimitiveDateTime,
    user_agent: Option<&'a str>,
    ip: Option<String>,
    auth_time: Option<PrimitiveDateTime>,
    amr: &'a str,
    client_id: Option<&'a str>,
    scope: Option<&'a str>,
    browser_sid: Option<&'a str>,
}

#[derive(Insertable)]
#[diesel(table_name = refresh_tokens)]
struct NewRefreshToken<'a> {
    token_hash: &'a str,
    session_id: &'a str,
    created_at: PrimitiveDateTime,
    expires_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
struct RefreshTokenRow {
    session_id: String,
    expires_at: PrimitiveDateTime,
    rotated_at: Option<PrimitiveDateTime>,
}

/// Why a refresh token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshRefusal {
    Unknown,
    Expired,
    /// The session was logged out or revoked.
    Revoked,
    /// A rotated token came back after the grace window: the family is now revoked.
    Reused,
    /// Another client's refresh token, a client's without its client, or a first-party one
    /// with client credentials: nothing is changed.
    WrongClient,
    /// The session timed out (idle or absolute limit): it is now ended.
    TimedOut(Expiry),
}

impl RefreshRefusal {
    pub fn description(self) -> &'static str {
        match self {
            Self::Unknown => "The refresh token is unknown.",
            Self::Expired => "The refresh token has expired.",
            Self::Revoked => "The refresh token's session has been revoked.",
            Self::Reused => {
                "The refresh token was already used; its session has been revoked as a precaution."
            }
            Self::WrongClient => "The refresh token was not issued to this client.",
            Self::TimedOut(expiry) => expiry.description(),
        }
    }
}

/// What the access-token check found for a token's `sid` and `jti`.
pub struct SessionCheck {
    pub user: User,
    pub session_revoked: bool,
    pub token_revoked: bool,
    /// Why the session was revoked, when it was.
    pub revoked_reason: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub last_used_at: PrimitiveDateTime,
}

impl SessionCheck {
    /// Whether the session timed out by `now`: ended by the sweep for it, or past a limit
    /// the sweep has not reached yet (so a limit is exact on every instance, sweep or not).
    pub fn timed_out(&self, limits: &SessionLimits, now: PrimitiveDateTime) -> Option<Expiry> {
        match &self.revoked_reason {
            Some(reason) if self.session_revoked => Expiry::from_reason(reason),
            _ => limits.expiry(self.created_at, self.last_used_at, now),
        }
    }
}

impl Session {
    /// Starts a login session with its first refresh token (given as its hash), remembering
    /// the client's user agent and address and how and when the user proved who they are
    /// (`amr`; `auth_time`, now when `None`).
    pub fn start(
        conn: &mut DbConnection,
        user_id: i32,
        client: &ClientInfo,
        proof: (&str, Option<PrimitiveDateTime>),
        refresh_hash: &str,
        expires_at: PrimitiveDateTime,
    ) -> QueryResult<Session> {
        Self::start_bound(
            conn,
            user_id,
            client,
            proof,
            (refresh_hash, expires_at),
            None,
        )
    }

    /// [`Session::start`], for an OAuth client when `binding` names one.
    pub fn start_bound(
        conn: &mut DbConnection,
        user_id: i32,
        client: &ClientInfo,
        (amr, auth_time): (&str, Option<PrimitiveDateTime>),
        (refresh_hash, expires_at): (&str, PrimitiveDateTime),
        binding: Option<&ClientBinding>,
    ) -> QueryResult<Session> {
        let id = uuid::Uuid::new_v4().to_string();
        let now = super::now();
        let user_agent = client.user_agent.as_deref().map(|ua| truncate(ua, 255));
        conn.transaction(|conn| {
            diesel::insert_into(sessions::table)
                .values(&NewSession {
                    id: &id,
                    user_id,
                    created_at: now,
                    last_used_at: now,
                    expires_at,
                    user_agent: user_agent.as_deref(),
                    ip: client.ip.map(|ip| ip.to_string()),
                    auth_time: Some(auth_time.unwrap_or(now)),
                    amr,
                    client_id: binding.map(|b| b.client_id.as_str()),
                    scope: binding.map(|b| b.scope.as_str()),
                    browser_sid: binding.and_then(|b| b.browser_sid.as_deref()),
                })
                .execute(conn)?;
            diesel::insert_into(refresh_tokens::table)
                .values(&NewRefreshToken {
                    token_hash: refresh_hash,
                    session_id: &id,
                    created_at: now,
                    expires_at,
                })
                .execute(conn)?;
            sessions::table
                .find(&id)
                .select(Session::as_select())
                .first(conn)
        })
    }

    /// Rotates a refresh token: the presented one (by hash) is marked used and a new one is
    /// stored in the same family; the session notes `ip` as its latest address. A reuse runs
    /// `on_reuse` (the notice, the audit event) in the transaction that revokes the family.
    /// The first write is a conditional update, so two racing uses cannot both take the
    /// "first use" path; a use of an already-rotated token inside `grace` gets its successor
    /// again (`new_hash`, the same for every use: see `refresh::successor`), or, when that
    /// successor has itself been rotated since, a fresh sibling (`fallback_hash`: handing out
    /// a used token would trip reuse detection later). After the grace the family is revoked.
    /// A disabled user's session is refused. The `bool` says whether the fallback was stored.
    /// A session past its idle or absolute limit is ended here (`idle`, `max_age`), `on_end`
    /// running in that transaction too, and refused; the new token never outlives the
    /// session's absolute deadline.
    #[allow(clippy::too_many_arguments)]
    pub fn rotate(
        conn: &mut DbConnection,
        old_hash: &str,
        new_hash: &str,
        fallback_hash: &str,
        (new_expires_at, limits): (PrimitiveDateTime, &SessionLimits),
        grace: Duration,
        (ip, client_id): (Option<&str>, Option<&str>),
        on_end: impl FnOnce(&mut DbConnection, &Session, &User, RefreshRefusal) -> QueryResult<()>,
    ) -> QueryResult<Result<(Session, User, bool), RefreshRefusal>> {
        let now = super::now();
        // A write transaction: the owner check reads before the claim writes, and on SQLite
        // two racing rotations that both read first would fail the later one's upgrade.
        let outcome = super::write_transaction::<_, diesel::result::Error>(conn, |conn| {
            // A client's refresh token is that client's alone, and a first-party one no
            // client's: checked before anything is written, so a wrong presenter changes
            // nothing (API.md part three, section 1, "Token endpoint additions").
            let owner: Option<Option<String>> = refresh_tokens::table
                .inner_join(sessions::table)
                .filter(refresh_tokens::token_hash.eq(old_hash))
                .select(sessions::client_id)
                .first(conn)
                .optional()?;
            match owner {
                None => return Ok(Err(RefreshRefusal::Unknown)),
                Some(owner) if owner.as_deref() != client_id => {
                    return Ok(Err(RefreshRefusal::WrongClient))
                }
                Some(_) => {}
            }
            let claimed = diesel::update(
                refresh_tokens::table
                    .filter(refresh_tokens::token_hash.eq(old_hash))
                    .filter(refresh_tokens::rotated_at.is_null())
                    .filter(refresh_tokens::expires_at.gt(now)),
            )
            .set(refresh_tokens::rotated_at.eq(now))
            .execute(conn)?;
            let Some(row) = refresh_tokens::table
                .find(old_hash)
                .select(RefreshTokenRow::as_select())
                .first(conn)
                .optional()?
            else {
                return Ok(Err(RefreshRefusal::Unknown));
            };
            let (session, user) = sessions::table
                .inner_join(users::table)
                .filter(sessions::id.eq(&row.session_id))
                .select((Session::as_select(), User::as_select()))
                .first::<(Session, User)>(conn)?;
            // Ended by a limit (here or by the sweep): the same words whoever ended it.
            let ended = session
                .revoked_reason
                .as_deref()
                .and_then(Expiry::from_reason);
            match ended {
                Some(expiry) if session.revoked_at.is_some() => {
                    return Ok(Err(RefreshRefusal::TimedOut(expiry)))
                }
                _ => {}
            }
            if session.revoked_at.is_some() || user.disabled {
                return Ok(Err(RefreshRefusal::Revoked));
            }
            if let Some(expiry) = limits.expiry(session.created_at, session.last_used_at, now) {
                revoke_session(conn, &session.id, expiry.reason(), now)?;
                let refusal = RefreshRefusal::TimedOut(expiry);
                on_end(conn, &session, &user, refusal)?;
                return Ok(Err(refusal));
            }
            let new_expires_at = new_expires_at.min(limits.deadline(session.created_at));
            if claimed == 0 {
                match row.rotated_at {
                    None => return Ok(Err(RefreshRefusal::Expired)),
                    Some(at) if at + grace >= now && row.expires_at > now => {}
                    Some(_) => {
                        revoke_session(conn, &session.id, "refresh token reuse", now)?;
                        on_end(conn, &session, &user, RefreshRefusal::Reused)?;
                        return Ok(Err(RefreshRefusal::Reused));
                    }
                }
            }
            // Inside the grace the successor may exist already: it is handed out again, and
            // the family keeps one live branch.
            let successor: Option<Option<PrimitiveDateTime>> = match claimed {
                0 => refresh_tokens::table
                    .find(new_hash)
                    .filter(refresh_tokens::session_id.eq(&session.id))
                    .select(refresh_tokens::rotated_at)
                    .first(conn)
                    .optional()?,
                _ => None,
            };
            let (stored, fallback) = match successor {
                // Handed out again, as the first use got it.
                Some(None) => (None, false),
                // Rotated on since: a fresh sibling instead.
                Some(Some(_)) => (Some(fallback_hash), true),
                None => (Some(new_hash), false),
            };
            if let Some(token_hash) = stored {
                diesel::insert_into(refresh_tokens::table)
                    .values(&NewRefreshToken {
                        token_hash,
                        session_id: &session.id,
                        created_at: now,
                        expires_at: new_expires_at,
                    })
                    .execute(conn)?;
            }
            diesel::update(sessions::table.find(&session.id))
                .set((
                    sessions::last_used_at.eq(now),
                    sessions::expires_at.eq(new_expires_at),
                    sessions::ip.eq(ip.or(session.ip.as_deref())),
                ))
                .execute(conn)?;
            Ok(Ok((session, user, fallback)))
        })?;
        // A reuse revokes the family; that write must stick even though the caller refuses.
        Ok(outcome)
    }

    /// The access-token check: one indexed query loads the user through the token's session
    /// and says whether the session or the token itself was revoked, with the session's times
    /// for its limits ([`SessionCheck::timed_out`]).
    pub fn check(
        conn: &mut DbConnection,
        sid: &str,
        jti: &str,
    ) -> QueryResult<Option<SessionCheck>> {
        super::read::finish_query(Self::check_read(
            &mut super::read::ReadConn::Blocking(conn),
            sid,
            jti,
        ))
    }

    /// [`Session::check`] on either kind of connection: every authenticated request's read
    /// ([`super::Db::read`]).
    pub async fn check_read(
        conn: &mut super::read::ReadConn<'_>,
        sid: &str,
        jti: &str,
    ) -> QueryResult<Option<SessionCheck>> {
        let row = super::read::read_first!(
            conn,
            (User, SessionTimes, bool),
            super::written::session_check_written!(sid, jti)
        )?;
        Ok(row.map(
            |(user, (revoked_at, revoked_reason, created_at, last_used_at), token_revoked)| {
                SessionCheck {
                    user,
                    session_revoked: revoked_at.is_some(),
                    token_revoked,
                    revoked_reason,
                    created_at: created_at.0,
                    last_used_at: last_used_at.0,
                }
            },
        ))
    }

    /// The user's first-party sessions that can still be refreshed, most recently used first.
    /// Client sessions are listed with their apps ([`Session::live_for_clients`]).
    pub fn list_active(conn: &mut DbConnection, user_id: i32) -> QueryResult<Vec<Session>> {
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::client_id.is_null())
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::expires_at.gt(super::now()))
            .order((sessions::last_used_at.desc(), sessions::id))
            .select(Session::as_select())
            .load(conn)
    }

    /// The user's client sessions that can still be refreshed, most recently used first.
    pub fn live_for_clients(conn: &mut DbConnection, user_id: i32) -> QueryResult<Vec<Session>> {
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::client_id.is_not_null())
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::expires_at.gt(super::now()))
            .order((sessions::last_used_at.desc(), sessions::id))
            .select(Session::as_select())
            .load(conn)
    }

    pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Session>> {
        sessions::table
            .find(id)
            .select(Session::as_select())
            .first(conn)
            .optional()
    }

    /// Revokes one session of `user_id`; `false` when the user has no such session.
    pub fn revoke_for_user(
        conn: &mut DbConnection,
        id: &str,
        user_id: i32,
        reason: &str,
    ) -> QueryResult<bool> {
        let owned = sessions::table
            .filter(sessions::id.eq(id))
            .filter(sessions::user_id.eq(user_id))
            .count()
            .get_result::<i64>(conn)?;
        if owned == 0 {
            return Ok(false);
        }
        revoke_session(conn, id, reason, super::now())?;
        Ok(true)
    }

    /// Revokes every session of the user, client sessions too (offline ones included), and
    /// queues the logout tokens of the client sessions: every refresh token and every access
    /// token issued until now dies, while a login that starts after this call is a new, live
    /// session.
    pub fn revoke_all_for_user(
        conn: &mut DbConnection,
        user_id: i32,
        reason: &str,
    ) -> QueryResult<usize> {
        let now = super::now();
        conn.transaction(|conn| {
            let live = sessions::table
                .filter(sessions::user_id.eq(user_id))
                .filter(sessions::revoked_at.is_null());
            let gone: Vec<super::logout_deliveries::EndedSession> = diesel::update(live)
                .set(revocation(now, reason))
                .returning(revocation::ENDED)
                .get_results(conn)?;
            revocation::ended(conn, &gone, now)?;
            Ok(gone.len())
        })
    }

    /// Ends everything the account's credentials granted until now: every session (so every
    /// token), every sign-in waiting for its second factor, every reset link, every pending
    /// address change, and every device approval not yet exchanged for tokens. A password change or reset, logout-all, and an administrator's disable
    /// or logout-all all come here, so nothing an intruder started (an address change above
    /// all) outlives the owner's recovery. Returns how many sessions it ended.
    pub fn end_all_access(
        conn: &mut DbConnection,
        user_id: i32,
        reason: &str,
    ) -> QueryResult<usize> {
        let ended = Self::revoke_all_for_user(conn, user_id, reason)?;
        super::mfa::Challenge::end_all(conn, user_id)?;
        super::email_tokens::end_all(conn, user_id, super::email_tokens::Purpose::Reset)?;
        super::email_tokens::end_all(conn, user_id, super::email_tokens::Purpose::Change)?;
        super::device_codes::DeviceCode::drop_all_unused(conn, user_id)?;
        Ok(ended)
    }
}

/// A refresh token as introspection sees it: its session and user, and its own times.
#[derive(Debug)]
pub struct RefreshState {
    pub session: Session,
    pub user: User,
    pub issued_at: PrimitiveDateTime,
    pub expires_at: PrimitiveDateTime,
    pub rotated_at: Option<PrimitiveDateTime>,
}

impl RefreshState {
    /// The refresh token (by hash) with its session and user, whatever their state.
    pub fn find(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<RefreshState>> {
        let row = refresh_tokens::table
            .inner_join(sessions::table.inner_join(users::table))
            .filter(refresh_tokens::token_hash.eq(token_hash))
            .select((
                Session::as_select(),
                User::as_select(),
                refresh_tokens::created_at,
                refresh_tokens::expires_at,
                refresh_tokens::rotated_at,
            ))
            .first::<(
                Session,
                User,
                PrimitiveDateTime,
                PrimitiveDateTime,
                Option<PrimitiveDateTime>,
            )>(conn)
            .optional()?;
        Ok(row.map(
            |(session, user, issued_at, expires_at, rotated_at)| RefreshState {
                session,
                user,
                issued_at,
                expires_at,
                rotated_at,
            },
        ))
    }

    /// Whether the token would be accepted by a refresh now (ignoring the reuse grace): its
    /// session neither revoked nor timed out.
    pub fn is_live(&self, limits: &SessionLimits) -> bool {
        let now = super::now();
        self.rotated_at.is_none()
            && self.expires_at > now
            && self.session.revoked_at.is_none()
            && !self.user.disabled
            && self.session.timed_out(limits, now).is_none()
    }
}

/// A session's revocation and times as the access-token check reads them: through
/// [`StoredTime`](super::stored_time::StoredTime), SQLite's text read without the general
/// parser (two times on every authenticated request).
type SessionTimes = (
    Option<super::stored_time::StoredTime>,
    Option<String>,
    super::stored_time::StoredTime,
    super::stored_time::StoredTime,
);

fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}

mod revocation;

pub use revocation::{
    end_client_sessions_of, end_sessions_with_client, purge_expired, revoke_access_token,
    revoke_by_refresh_hash,
};
use revocation::{revocation, revoke_session};
