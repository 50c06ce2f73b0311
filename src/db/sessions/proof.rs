//! A session's proof of identity: when and how its user last proved who they are, renewed
//! when they prove it again.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::{NewRefreshToken, Session};
use crate::db::schema::{refresh_tokens, sessions};
use crate::db::DbConnection;

impl Session {
    /// The user proved who they are again: the session's `auth_time` becomes now and its
    /// `amr` the new proof, and a new refresh token joins the family (the ones already out
    /// keep working). `None` when the session is gone or revoked.
    pub fn reauthenticate(
        conn: &mut DbConnection,
        id: &str,
        amr: &str,
        refresh_hash: &str,
        expires_at: PrimitiveDateTime,
    ) -> QueryResult<Option<Session>> {
        let now = crate::db::now();
        conn.transaction(|conn| {
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
