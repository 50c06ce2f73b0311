//! The list of revoked access tokens (by `jti`, until they would have expired anyway), and
//! the purge of what has expired.

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use super::Session;
use crate::db::schema::{refresh_tokens, revoked_tokens, sessions};
use crate::db::DbConnection;

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

/// Whether an access token was revoked: by its `jti`, or through its session.
pub fn is_revoked(conn: &mut DbConnection, jti: &str, sid: &str) -> QueryResult<bool> {
    Ok(match Session::check(conn, sid, jti)? {
        Some(check) => check.session_revoked || check.token_revoked,
        None => true,
    })
}
