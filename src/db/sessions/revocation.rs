//! Revocation: ending sessions and single access tokens, and purging what has expired.
//!
//! Every end of a session but a client's deletion comes through here, through
//! [`Session::revoke_all_for_user`] or through the sweep ([`Session::end_timed_out`]): each
//! update reads back the sessions it ended ([`ENDED`]) and queues their logout tokens in the
//! same transaction ([`logout_deliveries::queue`]). A session ends once (the updates match
//! live rows only), so a client session never ends without its back-channel logout, and never
//! gets two.

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use super::super::logout_deliveries::{self, EndedSession};
use super::super::schema::{refresh_tokens, revoked_tokens, sessions};
use super::super::DbConnection;
use super::Session;

/// What an update that ends sessions returns of each: what its logout token needs.
pub(super) const ENDED: (sessions::id, sessions::user_id, sessions::client_id) =
    (sessions::id, sessions::user_id, sessions::client_id);

/// Queues the logout tokens of sessions an update just ended (see the module's doc).
pub(super) fn ended(
    conn: &mut DbConnection,
    ended: &[EndedSession],
    now: PrimitiveDateTime,
) -> QueryResult<()> {
    logout_deliveries::queue(conn, ended, now).map(drop)
}

/// Ends one live session and the client sessions that came from it, queueing their logout
/// tokens, all in one transaction (a savepoint inside the caller's). Returns 1 when it ended
/// the session, 0 when it was not live.
pub(super) fn revoke_session(
    conn: &mut DbConnection,
    id: &str,
    reason: &str,
    now: PrimitiveDateTime,
) -> QueryResult<usize> {
    conn.transaction(|conn| {
        let live = sessions::table
            .filter(sessions::id.eq(id))
            .filter(sessions::revoked_at.is_null());
        let gone: Vec<EndedSession> = diesel::update(live)
            .set(revocation(now, reason))
            .returning(ENDED)
            .get_results(conn)?;
        if !gone.is_empty() {
            ended(conn, &gone, now)?;
            end_client_sessions_of(conn, &[id], now)?;
        }
        Ok(gone.len())
    })
}

/// Ends the code-flow client sessions that came from the browser sessions `browser_sids`,
/// except those holding `offline_access` (API.md part three, section 1, "Client sessions"),
/// and queues their logout tokens in the same transaction.
pub fn end_client_sessions_of(
    conn: &mut DbConnection,
    browser_sids: &[&str],
    now: PrimitiveDateTime,
) -> QueryResult<usize> {
    if browser_sids.is_empty() {
        return Ok(0);
    }
    conn.transaction(|conn| {
        let bound = sessions::table
            .filter(sessions::browser_sid.eq_any(browser_sids))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::scope.not_like("%offline_access%"));
        let gone: Vec<EndedSession> = diesel::update(bound)
            .set(revocation(now, "browser session ended"))
            .returning(ENDED)
            .get_results(conn)?;
        ended(conn, &gone, now)?;
        Ok(gone.len())
    })
}

/// Ends every session of `user_id` with the client `client_id` that is not ended yet (their
/// refresh families, and their access tokens by `sid`), offline ones too, and queues their
/// logout tokens; returns them as they were before.
pub fn end_sessions_with_client(
    conn: &mut DbConnection,
    user_id: i32,
    client_id: &str,
    reason: &str,
) -> QueryResult<Vec<Session>> {
    let live = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::client_id.eq(client_id))
        .filter(sessions::revoked_at.is_null());
    let found: Vec<Session> = live.select(Session::as_select()).load(conn)?;
    if !found.is_empty() {
        let now = crate::db::now();
        let ids: Vec<&str> = found.iter().map(|s| s.id.as_str()).collect();
        conn.transaction(|conn| {
            let still_live = sessions::table
                .filter(sessions::id.eq_any(&ids))
                .filter(sessions::revoked_at.is_null());
            // Only what this update ended is owed a token: a session another request ended
            // in between got its own.
            let gone: Vec<EndedSession> = diesel::update(still_live)
                .set(revocation(now, reason))
                .returning(ENDED)
                .get_results(conn)?;
            ended(conn, &gone, now)
        })?;
    }
    Ok(found)
}

/// Revokes one access token by `jti` until `expires_at`, and purges rows whose tokens have
/// expired anyway (the revocation list never grows without bound).
pub fn revoke_access_token(
    conn: &mut DbConnection,
    jti: &str,
    user_id: i32,
    expires_at: PrimitiveDateTime,
) -> QueryResult<()> {
    let now = crate::db::now();
    let already = revoked_tokens::table
        .find(jti)
        .count()
        .get_result::<i64>(conn)?;
    if already == 0 {
        diesel::insert_into(revoked_tokens::table)
            .values((
                revoked_tokens::jti.eq(jti),
                revoked_tokens::user_id.eq(user_id),
                revoked_tokens::revoked_at.eq(now),
                revoked_tokens::expires_at.eq(expires_at),
            ))
            .execute(conn)?;
    }
    purge_expired(conn)?;
    Ok(())
}

/// Deletes revocation rows and refresh tokens that have expired, and sessions that ended more
/// than a day ago. Returns how many rows went.
pub fn purge_expired(conn: &mut DbConnection) -> QueryResult<usize> {
    let now = crate::db::now();
    let cutoff = now - Duration::days(1);
    let mut n = diesel::delete(revoked_tokens::table.filter(revoked_tokens::expires_at.lt(now)))
        .execute(conn)?;
    n += diesel::delete(refresh_tokens::table.filter(refresh_tokens::expires_at.lt(now)))
        .execute(conn)?;
    n += diesel::delete(sessions::table.filter(sessions::expires_at.lt(cutoff))).execute(conn)?;
    Ok(n)
}

/// The columns a revocation sets: when, and why.
type Revocation<'a> = (
    diesel::dsl::Eq<sessions::revoked_at, Option<PrimitiveDateTime>>,
    diesel::dsl::Eq<sessions::revoked_reason, Option<&'a str>>,
);

/// When a session was revoked, and why (shown to the user and in the logs).
pub(super) fn revocation(now: PrimitiveDateTime, reason: &str) -> Revocation<'_> {
    (
        sessions::revoked_at.eq(Some(now)),
        sessions::revoked_reason.eq(Some(reason)),
    )
}

/// Revokes the session a refresh token (by hash) belongs to, if any and still live (browser
/// logout with an expired access cookie); returns the session it ended.
pub fn revoke_by_refresh_hash(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<Session>> {
    let session: Option<Session> = refresh_tokens::table
        .inner_join(sessions::table)
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(Session::as_select())
        .first(conn)
        .optional()?;
    match session {
        Some(s) if revoke_session(conn, &s.id, "logout", crate::db::now())? > 0 => Ok(Some(s)),
        _ => Ok(None),
    }
}
