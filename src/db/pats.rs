//! Personal access tokens, by the SHA-256 of their text.

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use super::schema::personal_access_tokens as pats;
use super::stored_time::{MaybeStoredTime, StoredTime};
use super::users::User;
use super::DbConnection;

/// A stored personal access token (never its text).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pats)]
pub struct PatRow {
    pub id: i32,
    pub user_id: i32,
    pub hint: String,
    pub name: String,
    /// Space-separated (see [`crate::auth::scopes::Scopes::from_stored`]).
    pub scopes: String,
    #[diesel(deserialize_as = StoredTime)]
    pub created_at: PrimitiveDateTime,
    #[diesel(deserialize_as = StoredTime)]
    pub expires_at: PrimitiveDateTime,
    #[diesel(deserialize_as = MaybeStoredTime)]
    pub last_used_at: Option<PrimitiveDateTime>,
    pub last_used_ip: Option<String>,
    #[diesel(deserialize_as = MaybeStoredTime)]
    pub revoked_at: Option<PrimitiveDateTime>,
    pub revoked_by: Option<String>,
}

/// A token about to be stored.
pub struct NewPat<'a> {
    pub user_id: i32,
    pub token_hash: &'a str,
    pub hint: &'a str,
    pub name: &'a str,
    pub scopes: &'a str,
    pub expires_at: PrimitiveDateTime,
}

/// [`PatRow`]'s columns, for `RETURNING` (the multi-backend connection takes columns, not
/// `as_returning`).
type Columns = (
    pats::id,
    pats::user_id,
    pats::hint,
    pats::name,
    pats::scopes,
    pats::created_at,
    pats::expires_at,
    pats::last_used_at,
    pats::last_used_ip,
    pats::revoked_at,
    pats::revoked_by,
);
const COLUMNS: Columns = (
    pats::id,
    pats::user_id,
    pats::hint,
    pats::name,
    pats::scopes,
    pats::created_at,
    pats::expires_at,
    pats::last_used_at,
    pats::last_used_ip,
    pats::revoked_at,
    pats::revoked_by,
);

/// The most live (unrevoked, unexpired) tokens one user may hold.
pub const MAX_LIVE: i64 = 50;

impl PatRow {
    pub fn is_expired(&self, now: PrimitiveDateTime) -> bool {
        self.expires_at <= now
    }

    pub fn is_live(&self, now: PrimitiveDateTime) -> bool {
        self.revoked_at.is_none() && !self.is_expired(now)
    }

    /// The token of this hash and its owner: the one read of a PAT-authenticated request,
    /// by the unique index, on a concrete connection so the statement is cached.
    pub async fn by_hash(
        conn: &mut super::read::ReadConn<'_>,
        hash: &str,
    ) -> QueryResult<Option<(PatRow, User)>> {
        super::read::read_first!(conn, (PatRow, User), pat_by_hash_written!(hash))
    }

    /// The user's tokens that were not revoked, newest first (expired ones included).
    pub fn for_user(conn: &mut DbConnection, user_id: i32) -> QueryResult<Vec<PatRow>> {
        pats::table
            .filter(pats::user_id.eq(user_id))
            .filter(pats::revoked_at.is_null())
            .order(pats::id.desc())
            .select(PatRow::as_select())
            .load(conn)
    }

    /// The user's live tokens, newest first.
    pub fn live_for_user(conn: &mut DbConnection, user_id: i32) -> QueryResult<Vec<PatRow>> {
        pats::table
            .filter(pats::user_id.eq(user_id))
            .filter(pats::revoked_at.is_null())
            .filter(pats::expires_at.gt(super::now()))
            .order(pats::id.desc())
            .select(PatRow::as_select())
            .load(conn)
    }

    pub fn count_live(conn: &mut DbConnection, user_id: i32) -> QueryResult<i64> {
        pats::table
            .filter(pats::user_id.eq(user_id))
            .filter(pats::revoked_at.is_null())
            .filter(pats::expires_at.gt(super::now()))
            .count()
            .get_result(conn)
    }

    pub fn insert(conn: &mut DbConnection, new: &NewPat<'_>) -> QueryResult<PatRow> {
        diesel::insert_into(pats::table)
            .values((
                pats::user_id.eq(new.user_id),
                pats::token_hash.eq(new.token_hash),
                pats::hint.eq(new.hint),
                pats::name.eq(new.name),
                pats::scopes.eq(new.scopes),
                pats::created_at.eq(super::now()),
                pats::expires_at.eq(new.expires_at),
            ))
            .returning(COLUMNS)
            .get_result(conn)
    }

    /// Revokes one of the user's unrevoked tokens: `None` when the user has none of that id.
    pub fn revoke(
        conn: &mut DbConnection,
        user_id: i32,
        id: i32,
        by: &str,
    ) -> QueryResult<Option<PatRow>> {
        diesel::update(
            pats::table
                .filter(pats::id.eq(id))
                .filter(pats::user_id.eq(user_id))
                .filter(pats::revoked_at.is_null()),
        )
        .set((
            pats::revoked_at.eq(Some(super::now())),
            pats::revoked_by.eq(Some(by)),
        ))
        .returning(COLUMNS)
        .get_result(conn)
        .optional()
    }

    /// Revokes every unrevoked token of the user; the ones it revoked.
    pub fn revoke_all(conn: &mut DbConnection, user_id: i32, by: &str) -> QueryResult<Vec<PatRow>> {
        diesel::update(
            pats::table
                .filter(pats::user_id.eq(user_id))
                .filter(pats::revoked_at.is_null()),
        )
        .set((
            pats::revoked_at.eq(Some(super::now())),
            pats::revoked_by.eq(Some(by)),
        ))
        .returning(COLUMNS)
        .get_results(conn)
    }

    /// Records a use, unless one was recorded less than a minute ago (decided by the update,
    /// so concurrent requests write once between them).
    pub fn record_use(conn: &mut DbConnection, id: i32, ip: Option<&str>) -> QueryResult<bool> {
        let now = super::now();
        let updated = diesel::update(
            pats::table.filter(pats::id.eq(id)).filter(
                pats::last_used_at
                    .is_null()
                    .or(pats::last_used_at.le(now - Duration::minutes(1))),
            ),
        )
        .set((pats::last_used_at.eq(Some(now)), pats::last_used_ip.eq(ip)))
        .execute(conn)?;
        Ok(updated == 1)
    }
}

/// A personal access token by its hash, with its owner ([`PatRow::by_hash`]).
macro_rules! pat_by_hash {
    ($hash:expr) => {
        $crate::db::schema::personal_access_tokens::table
            .inner_join($crate::db::schema::users::table)
            .filter($crate::db::schema::personal_access_tokens::token_hash.eq($hash))
            .select((
                <$crate::db::pats::PatRow as diesel::SelectableHelper<_>>::as_select(),
                <$crate::db::users::User as diesel::SelectableHelper<_>>::as_select(),
            ))
    };
}
pub(crate) use pat_by_hash;

/// [`pat_by_hash`], written out.
macro_rules! pat_by_hash_written {
    ($hash:expr) => {
        $crate::db::written::Written::new(
            diesel::QueryDsl::limit($crate::db::pats::pat_by_hash!($hash), 1),
            $crate::db::pats::PAT_BY_HASH,
            [
                $crate::db::written::Bind::Text($hash),
                $crate::db::written::Bind::BigInt(1),
            ],
        )
    };
}
pub(crate) use pat_by_hash_written;

/// [`pat_by_hash`]'s SQL around its binds: the hash, the limit.
pub const PAT_BY_HASH: &[&str] = &[
    concat!(
        r#"SELECT "personal_access_tokens"."id", "personal_access_tokens"."user_id", "#,
        r#""personal_access_tokens"."hint", "personal_access_tokens"."name", "#,
        r#""personal_access_tokens"."scopes", "personal_access_tokens"."created_at", "#,
        r#""personal_access_tokens"."expires_at", "personal_access_tokens"."last_used_at", "#,
        r#""personal_access_tokens"."last_used_ip", "personal_access_tokens"."revoked_at", "#,
        r#""personal_access_tokens"."revoked_by", "users"."id", "users"."email", "#,
        r#""users"."username", "users"."password_hash", "users"."created_at", "#,
        r#""users"."updated_at", "users"."email_verified", "users"."role", "#,
        r#""users"."disabled", "users"."locale""#,
        r#" FROM ("personal_access_tokens" INNER JOIN "users""#,
        r#" ON ("personal_access_tokens"."user_id" = "users"."id"))"#,
        r#" WHERE ("personal_access_tokens"."token_hash" = "#,
    ),
    ") LIMIT ",
    "",
];

#[cfg(test)]
mod tests {
    use diesel::pg::Pg;
    use diesel::prelude::*;
    use diesel::sqlite::Sqlite;

    /// The lookup renders, text and binds, as Diesel renders its query, on both backends.
    #[test]
    fn the_lookup_is_written_as_diesel_writes_its_query() {
        for check in [
            pat_by_hash_written!("a-hash").matches_its_query::<Pg>(),
            pat_by_hash_written!("a-hash").matches_its_query::<Sqlite>(),
        ] {
            if let Err((written, diesel)) = check {
                panic!("written: {written}\nDiesel:  {diesel}");
            }
        }
    }
}
