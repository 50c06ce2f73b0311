//! Invitations to register (`REGISTRATION=invite`), by the SHA-256 of their mailed token. An
//! invitation is pending while it is unused, unrevoked and unexpired; using it is one
//! conditional update, so it works once even when two registrations race with it.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::schema::invitations;
use super::stored_time::StoredTime;
use super::DbConnection;

/// A stored invitation (never its token).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: i32,
    pub email: String,
    /// The administrator who sent it; `None` once their account is deleted.
    pub invited_by: Option<i32>,
    pub locale: Option<String>,
    #[diesel(deserialize_as = StoredTime)]
    pub created_at: PrimitiveDateTime,
    #[diesel(deserialize_as = StoredTime)]
    pub expires_at: PrimitiveDateTime,
}

/// [`Invitation`]'s columns, for `RETURNING` (the multi-backend connection takes columns).
type Columns = (
    invitations::id,
    invitations::email,
    invitations::invited_by,
    invitations::locale,
    invitations::created_at,
    invitations::expires_at,
);
const COLUMNS: Columns = (
    invitations::id,
    invitations::email,
    invitations::invited_by,
    invitations::locale,
    invitations::created_at,
    invitations::expires_at,
);

/// An invitation about to be stored.
pub struct NewInvitation<'a> {
    pub email: &'a str,
    pub token_hash: &'a str,
    pub invited_by: i32,
    pub locale: Option<&'a str>,
    /// How long the link works, from the moment it is stored.
    pub ttl: time::Duration,
}

impl Invitation {
    /// Revokes every unused, unrevoked invitation to `email` (expired ones included, so none
    /// is left half-alive), then stores the new one: a repeat replaces. The ones it revoked
    /// come back for the audit trail.
    pub fn replace(
        conn: &mut DbConnection,
        new: &NewInvitation<'_>,
    ) -> QueryResult<(Invitation, Vec<Invitation>)> {
        let now = super::now();
        let replaced = diesel::update(
            invitations::table
                .filter(invitations::email.eq(new.email))
                .filter(invitations::used_at.is_null())
                .filter(invitations::revoked_at.is_null()),
        )
        .set(invitations::revoked_at.eq(Some(now)))
        .returning(COLUMNS)
        .get_results(conn)?;
        let created = diesel::insert_into(invitations::table)
            .values((
                invitations::email.eq(new.email),
                invitations::token_hash.eq(new.token_hash),
                invitations::invited_by.eq(Some(new.invited_by)),
                invitations::locale.eq(new.locale),
                invitations::created_at.eq(now),
                invitations::expires_at.eq(now + new.ttl),
            ))
            .returning(COLUMNS)
            .get_result(conn)?;
        Ok((created, replaced))
    }

    /// One page of the pending invitations, newest first, older than `before_id`.
    pub fn pending(
        conn: &mut DbConnection,
        before_id: Option<i32>,
        fetch: i64,
    ) -> QueryResult<Vec<Invitation>> {
        invitations::table
            .filter(invitations::id.lt(before_id.unwrap_or(i32::MAX)))
            .filter(invitations::used_at.is_null())
            .filter(invitations::revoked_at.is_null())
            .filter(invitations::expires_at.gt(super::now()))
            .order(invitations::id.desc())
            .limit(fetch)
            .select(Invitation::as_select())
            .load(conn)
    }

    /// The pending invitation of this token hash, without using it (the form shows its
    /// address).
    pub fn usable(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<Invitation>> {
        invitations::table
            .filter(invitations::token_hash.eq(token_hash))
            .filter(invitations::used_at.is_null())
            .filter(invitations::revoked_at.is_null())
            .filter(invitations::expires_at.gt(super::now()))
            .select(Invitation::as_select())
            .first(conn)
            .optional()
    }

    /// Uses the invitation of this token hash: one update that succeeds only while it is
    /// unused, unrevoked and unexpired, so of two racing registrations one wins (the other
    /// waits for the row, then finds it used). `None`: bad, used, revoked or expired.
    pub fn claim(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<Invitation>> {
        let now = super::now();
        diesel::update(
            invitations::table
                .filter(invitations::token_hash.eq(token_hash))
                .filter(invitations::used_at.is_null())
                .filter(invitations::revoked_at.is_null())
                .filter(invitations::expires_at.gt(now)),
        )
        .set(invitations::used_at.eq(Some(now)))
        .returning(COLUMNS)
        .get_result(conn)
        .optional()
    }

    /// Names the account a claimed invitation made (same transaction as the claim).
    pub fn set_used_by(conn: &mut DbConnection, id: i32, user_id: i32) -> QueryResult<()> {
        diesel::update(invitations::table.find(id))
            .set(invitations::used_by.eq(Some(user_id)))
            .execute(conn)?;
        Ok(())
    }

    /// Revokes one unused, unrevoked invitation; `None` when there is none of that id.
    pub fn revoke(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Invitation>> {
        diesel::update(
            invitations::table
                .filter(invitations::id.eq(id))
                .filter(invitations::used_at.is_null())
                .filter(invitations::revoked_at.is_null()),
        )
        .set(invitations::revoked_at.eq(Some(super::now())))
        .returning(COLUMNS)
        .get_result(conn)
        .optional()
    }
}
