//! A session's proof of identity: when and how its user last proved who they are, renewed
//! when they prove it again.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::{NewRefreshToken, Session, SessionLimits};
use crate::db::schema::{refresh_tokens, sessions};
use crate::db::DbConnection;

impl Session {
    /// The user proved who they are again: the session's `auth_time` becomes now and its
    /// `amr` the new proof, and a new refresh token joins the family (the ones already out
    /// keep working). `None` when the session is gone, revoked or timed out. The proof does
    /// not move the session's absolute deadline: the new token expires by it at the latest.
    pub fn reauthenticate(
        conn: &mut DbConnection,
        id: &str,
        amr: &str,
        refresh_hash: &str,
        (expires_at, limits): (PrimitiveDateTime, &SessionLimits),
    ) -> QueryResult<Option<Session>> {
        let now = crate::db::now();
        // It reads before it writes: on SQLite the write lock is taken first.
        crate::db::write_transaction(conn, |conn| {
            let Some(session) = Self::find(conn, id)? else {
                return Ok(None);
            };
            if session.timed_out(limits, now).is_some() {
                return Ok(None);
            }
            let expires_at = expires_at.min(limits.deadline(session.created_at));
            let live = sessions::table
                .filter(sessions::id.eq(id))
                .filter(sessions::revoked_at.is_null());
            let updated = diesel::update(live)
                .set((
                    sessions::auth_time.eq(Some(now)),
                    sessions::amr.eq(amr),
                    sessions::last_used_at.eq(now),
                    sessions::expires_at.eq(expires_at),
                ))
                .execute(conn)?;
            if updated == 0 {
                return Ok(None);
            }
            diesel::insert_into(refresh_tokens::table)
                .values(&NewRefreshToken {
                    token_hash: refresh_hash,
                    session_id: id,
                    created_at: now,
                    expires_at,
                })
                .execute(conn)?;
            Self::find(conn, id)
        })
    }

    /// When the session's user last proved who they are, and how.
    pub fn proof(&self) -> (PrimitiveDateTime, Vec<String>) {
        let amr = self.amr.split_whitespace().map(str::to_string).collect();
        (self.auth_time.unwrap_or(self.created_at), amr)
    }
}
