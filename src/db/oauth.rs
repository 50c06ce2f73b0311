//! The OpenID provider's rows for a flow in progress: stored authorization requests, codes and
//! consents. Every step reads and writes here, so any instance can take any step.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::schema::{oauth_codes, oauth_consents, oauth_requests};
use super::DbConnection;

/// An authorization request stored while its user signs in and consents.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = oauth_requests)]
pub struct StoredRequest {
    pub id: String,
    pub client_id: String,
    /// The checked request as JSON (`oidc::authorize::AuthorizationRequest`).
    pub params: String,
    /// The first user who continued it: it is theirs alone.
    pub user_id: Option<i32>,
    pub created_at: PrimitiveDateTime,
    pub expires_at: PrimitiveDateTime,
    pub used_at: Option<PrimitiveDateTime>,
}

impl StoredRequest {
    pub fn insert(
        conn: &mut DbConnection,
        id: &str,
        client_id: &str,
        params: &str,
        expires_at: PrimitiveDateTime,
    ) -> QueryResult<()> {
        let now = super::now();
        diesel::insert_into(oauth_requests::table)
            .values((
                oauth_requests::id.eq(id),
                oauth_requests::client_id.eq(client_id),
                oauth_requests::params.eq(params),
                oauth_requests::created_at.eq(now),
                oauth_requests::expires_at.eq(expires_at),
            ))
            .execute(conn)?;
        // Old requests go as new ones come: the table never grows without bound.
        diesel::delete(oauth_requests::table.filter(oauth_requests::expires_at.lt(now)))
            .execute(conn)?;
        Ok(())
    }

    /// The request `id` for `user_id`: claimed by this user if nobody had continued it yet.
    /// `None` when it is unknown, used, expired, or another user's. The claim is one
    /// conditional write, so two users racing cannot both own it.
    pub fn claim(
        conn: &mut DbConnection,
        id: &str,
        user_id: i32,
    ) -> QueryResult<Option<StoredRequest>> {
        let now = super::now();
        diesel::update(
            oauth_requests::table
                .filter(oauth_requests::id.eq(id))
                .filter(oauth_requests::user_id.is_null()),
        )
        .set(oauth_requests::user_id.eq(user_id))
        .execute(conn)?;
        oauth_requests::table
            .find(id)
            .filter(oauth_requests::user_id.eq(user_id))
            .filter(oauth_requests::used_at.is_null())
            .filter(oauth_requests::expires_at.gt(now))
            .select(StoredRequest::as_select())
            .first(conn)
            .optional()
    }

    /// The request `id` before anyone signed in (`prompt=none` needs no claim): `None` when
    /// unknown, used or expired.
    pub fn find_live(conn: &mut DbConnection, id: &str) -> QueryResult<Option<StoredRequest>> {
        oauth_requests::table
            .find(id)
            .filter(oauth_requests::used_at.is_null())
            .filter(oauth_requests::expires_at.gt(super::now()))
            .select(StoredRequest::as_select())
            .first(conn)
            .optional()
    }

    /// Marks the request answered (a code, or a denial); `false` when it already was (a second
    /// tab, a replayed form): that answer is refused.
    pub fn finish(conn: &mut DbConnection, id: &str, user_id: i32) -> QueryResult<bool> {
        let n = diesel::update(
            oauth_requests::table
                .filter(oauth_requests::id.eq(id))
                .filter(oauth_requests::user_id.eq(user_id))
                .filter(oauth_requests::used_at.is_null())
                .filter(oauth_requests::expires_at.gt(super::now())),
        )
        .set(oauth_requests::used_at.eq(super::now()))
        .execute(conn)?;
        Ok(n == 1)
    }
}

/// An authorization code, as stored (its SHA-256), with everything it is bound to.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = oauth_codes)]
pub struct CodeRow {
    pub code_hash: String,
    pub client_id: String,
    pub user_id: i32,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub nonce: Option<String>,
    /// Space-separated: what was granted.
    pub scope: String,
    /// The browser session the user approved from.
    pub browser_sid: String,
    pub auth_time: PrimitiveDateTime,
    pub amr: String,
    pub created_at: PrimitiveDateTime,
    pub expires_at: PrimitiveDateTime,
    pub used_at: Option<PrimitiveDateTime>,
    /// The client session its tokens came from, once exchanged.
    pub session_id: Option<String>,
}

/// What presenting a code found.
#[derive(Debug)]
pub enum CodeUse {
    /// First use, inside its lifetime: this caller alone goes on with it.
    First(CodeRow),
    /// Already used: a replay. Its tokens are to be revoked.
    Replayed(CodeRow),
    /// Unknown or expired.
    Unknown,
}

impl CodeRow {
    pub fn insert(conn: &mut DbConnection, row: &CodeRow) -> QueryResult<()> {
        diesel::insert_into(oauth_codes::table)
            .values(row)
            .execute(conn)?;
        // Codes past their lifetime by a day go: a replay of one is told "unknown" then.
        let cutoff = super::now() - time::Duration::days(1);
        diesel::delete(oauth_codes::table.filter(oauth_codes::expires_at.lt(cutoff)))
            .execute(conn)?;
        Ok(())
    }

    /// Uses the code `hash`: one conditional write, so of two racing uses one is `First`.
    pub fn take(conn: &mut DbConnection, hash: &str) -> QueryResult<CodeUse> {
        let now = super::now();
        let taken = diesel::update(
            oauth_codes::table
                .filter(oauth_codes::code_hash.eq(hash))
                .filter(oauth_codes::used_at.is_null())
                .filter(oauth_codes::expires_at.gt(now)),
        )
        .set(oauth_codes::used_at.eq(now))
        .execute(conn)?;
        let row = oauth_codes::table
            .find(hash)
            .select(CodeRow::as_select())
            .first(conn)
            .optional()?;
        Ok(match (taken, row) {
            (1, Some(row)) => CodeUse::First(row),
            (_, Some(row)) if row.used_at.is_some() => CodeUse::Replayed(row),
            _ => CodeUse::Unknown,
        })
    }

    /// Drops `user_id`'s unused codes for `client_id` (device codes approved but not yet
    /// exchanged too), and the requests waiting for that user there: taking an app's access
    /// back ends what is in flight too.
    pub fn drop_unused(conn: &mut DbConnection, user_id: i32, client_id: &str) -> QueryResult<()> {
        diesel::delete(
            oauth_codes::table
                .filter(oauth_codes::user_id.eq(user_id))
                .filter(oauth_codes::client_id.eq(client_id))
                .filter(oauth_codes::used_at.is_null()),
        )
        .execute(conn)?;
        diesel::delete(
            oauth_requests::table
                .filter(oauth_requests::user_id.eq(user_id))
                .filter(oauth_requests::client_id.eq(client_id))
                .filter(oauth_requests::used_at.is_null()),
        )
        .execute(conn)?;
        super::device_codes::DeviceCode::drop_unused(conn, user_id, client_id)?;
        Ok(())
    }

    /// Notes the client session the code's tokens came from.
    pub fn set_session(conn: &mut DbConnection, hash: &str, session_id: &str) -> QueryResult<()> {
        diesel::update(oauth_codes::table.find(hash))
            .set(oauth_codes::session_id.eq(session_id))
            .execute(conn)?;
        Ok(())
    }
}

/// A user's remembered consent to a client: the union of the scopes granted.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = oauth_consents)]
pub struct Consent {
    pub user_id: i32,
    pub client_id: String,
    pub scope: String,
    pub consented_at: PrimitiveDateTime,
    pub last_used_at: Option<PrimitiveDateTime>,
}

impl Consent {
    pub fn find(
        conn: &mut DbConnection,
        user_id: i32,
        client_id: &str,
    ) -> QueryResult<Option<Consent>> {
        oauth_consents::table
            .find((user_id, client_id))
            .select(Consent::as_select())
            .first(conn)
            .optional()
    }

    /// Whether the consent covers every scope of `scope`.
    pub fn covers(&self, scope: &[String]) -> bool {
        scope.iter().all(|s| self.scope.split(' ').any(|c| c == s))
    }

    /// Remembers a consent to `scope`, added to what the user granted before. Returns whether
    /// it is the user's first consent to this client.
    pub fn grant(
        conn: &mut DbConnection,
        user_id: i32,
        client_id: &str,
        scope: &[String],
    ) -> QueryResult<bool> {
        let now = super::now();
        match Self::find(conn, user_id, client_id)? {
            Some(existing) => {
                let mut union: Vec<&str> = existing.scope.split(' ').collect();
                for s in scope {
                    if !union.contains(&s.as_str()) {
                        union.push(s);
                    }
                }
                diesel::update(oauth_consents::table.find((user_id, client_id)))
                    .set((
                        oauth_consents::scope.eq(union.join(" ")),
                        oauth_consents::consented_at.eq(now),
                        oauth_consents::last_used_at.eq(now),
                    ))
                    .execute(conn)?;
                Ok(false)
            }
            None => {
                let row = (
                    oauth_consents::user_id.eq(user_id),
                    oauth_consents::client_id.eq(client_id),
                    oauth_consents::scope.eq(scope.join(" ")),
                    oauth_consents::consented_at.eq(now),
                    oauth_consents::last_used_at.eq(now),
                );
                let inserted =
                    super::on_backend!(conn, |c| diesel::insert_into(oauth_consents::table)
                        .values(row)
                        .on_conflict((oauth_consents::user_id, oauth_consents::client_id))
                        .do_nothing()
                        .execute(c))?;
                if inserted == 1 {
                    return Ok(true);
                }
                // Another tab's approval stored the first consent a moment ago: add to it.
                match Self::find(conn, user_id, client_id)? {
                    Some(_) => Self::grant(conn, user_id, client_id, scope).map(|_| false),
                    None => Err(diesel::result::Error::NotFound),
                }
            }
        }
    }

    /// Notes that a remembered consent was used now.
    pub fn touch(conn: &mut DbConnection, user_id: i32, client_id: &str) -> QueryResult<()> {
        diesel::update(oauth_consents::table.find((user_id, client_id)))
            .set(oauth_consents::last_used_at.eq(super::now()))
            .execute(conn)?;
        Ok(())
    }

    /// The user's remembered consents, oldest first.
    pub fn for_user(conn: &mut DbConnection, user_id: i32) -> QueryResult<Vec<Consent>> {
        oauth_consents::table
            .filter(oauth_consents::user_id.eq(user_id))
            .order((oauth_consents::consented_at, oauth_consents::client_id))
            .select(Consent::as_select())
            .load(conn)
    }

    /// Forgets the consent of `user_id` to `client_id`: the next request asks again. Returns
    /// whether there was one.
    pub fn revoke(conn: &mut DbConnection, user_id: i32, client_id: &str) -> QueryResult<bool> {
        let n = diesel::delete(oauth_consents::table.find((user_id, client_id))).execute(conn)?;
        Ok(n == 1)
    }
}
