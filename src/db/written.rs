//! The hot reads' SQL, written out once: a session check and the posts version here, a
//! personal access token's lookup beside its model (`super::pats`), on every backend and
//! connection.
//!
//! A Diesel query is walked again on every run. On Diesel's own connections that is twice (is
//! it safe to cache, then its binds): about 1.3 k of the 22.6 k instructions of a session check
//! on SQLite. Under diesel-async (0.9) it is also rendered to SQL before each run, even once
//! prepared (`with_prepared_statement`), quoting each identifier anew: about 28 k instructions
//! on PostgreSQL, as much as the rest of the request (callgrind, `benches/instructions.sh`).
//! A [`Written`] statement stands for such a query: it keeps the query only for its row type
//! and its id, and has the query's SQL as fixed pieces between the binds, so walking it copies
//! a few strings and binds the values. Its unit test compares it, text and binds, with what
//! Diesel makes of the query on each backend ([`Written::matches_its_query`]).

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, HasSqlType, Integer, Text};
use diesel::QueryResult;

/// A value bound to a [`Written`] statement, in the order of its placeholders.
#[derive(Debug, Clone, Copy)]
pub enum Bind<'a> {
    Text(&'a str),
    Integer(i32),
    BigInt(i64),
}

/// `query`'s SQL as `pieces` around `binds` (one more piece than binds): loads the rows `query`
/// would, its prepared statement kept by type as Diesel keeps `query`'s.
pub struct Written<'a, Q> {
    pieces: &'static [&'static str],
    binds: [Option<Bind<'a>>; 3],
    /// Never walked but by the unit test: it gives the row type and the statement's id.
    query: Q,
}

impl<'a, Q> Written<'a, Q> {
    /// `query` as `pieces` around `binds`: one more piece than binds, and at most three binds
    /// (the hot reads have no more). Each statement's unit test checks it against `query`.
    pub fn new<const N: usize>(
        query: Q,
        pieces: &'static [&'static str],
        binds: [Bind<'a>; N],
    ) -> Self {
        const { assert!(N <= 3) };
        debug_assert_eq!(pieces.len(), N + 1);
        let mut slots = [None; 3];
        for (slot, bind) in slots.iter_mut().zip(binds) {
            *slot = Some(bind);
        }
        Self {
            pieces,
            binds: slots,
            query,
        }
    }

    /// Whether this statement renders, text and binds, as Diesel renders its query for `DB`;
    /// both renderings otherwise.
    pub fn matches_its_query<DB>(&self) -> Result<(), (String, String)>
    where
        DB: Backend + Default + HasSqlType<Text> + HasSqlType<Integer> + HasSqlType<BigInt>,
        DB::QueryBuilder: Default,
        Q: QueryFragment<DB>,
        str: ToSql<Text, DB>,
        i32: ToSql<Integer, DB>,
        i64: ToSql<BigInt, DB>,
    {
        // SQLite quotes identifiers with backticks in Diesel's rendering, and also takes the
        // standard double quotes that the pieces use.
        let written = diesel::debug_query::<DB, _>(self).to_string();
        let diesel = diesel::debug_query::<DB, _>(&self.query)
            .to_string()
            .replace('`', "\"");
        if written == diesel {
            Ok(())
        } else {
            Err((written, diesel))
        }
    }
}

impl<Q, DB> QueryFragment<DB> for Written<'_, Q>
where
    DB: Backend + HasSqlType<Text> + HasSqlType<Integer> + HasSqlType<BigInt>,
    str: ToSql<Text, DB>,
    i32: ToSql<Integer, DB>,
    i64: ToSql<BigInt, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let mut binds = self.binds.iter().flatten();
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                match binds.next() {
                    Some(Bind::Text(value)) => out.push_bind_param::<Text, str>(value)?,
                    Some(Bind::Integer(value)) => out.push_bind_param::<Integer, _>(value)?,
                    Some(Bind::BigInt(value)) => out.push_bind_param::<BigInt, _>(value)?,
                    None => {
                        return Err(diesel::result::Error::QueryBuilderError(
                            "a written statement has fewer binds than places for them".into(),
                        ))
                    }
                }
            }
            out.push_sql(piece);
        }
        Ok(())
    }
}

impl<Q: Query> Query for Written<'_, Q> {
    type SqlType = Q::SqlType;
}

/// Its own id, apart from its query's: the two are never mixed up in a connection's cache.
pub struct WrittenId<T>(PhantomData<T>);

impl<Q: QueryId> QueryId for Written<'_, Q> {
    type QueryId = WrittenId<Q::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID;
}

/// Diesel's query methods; diesel-async's cover every type already.
impl<Q, Conn> diesel::RunQueryDsl<Conn> for Written<'_, Q> {}

/// The session check ([`super::sessions::Session::check_read`]): the user, the session's
/// revocation and times, and whether the token's `jti` was revoked.
macro_rules! session_check {
    ($sid:expr, $jti:expr) => {
        $crate::db::schema::sessions::table
            .inner_join($crate::db::schema::users::table)
            .filter($crate::db::schema::sessions::id.eq($sid))
            .select((
                <$crate::db::users::User as diesel::SelectableHelper<_>>::as_select(),
                (
                    $crate::db::schema::sessions::revoked_at,
                    $crate::db::schema::sessions::revoked_reason,
                    $crate::db::schema::sessions::created_at,
                    $crate::db::schema::sessions::last_used_at,
                ),
                diesel::dsl::exists(
                    $crate::db::schema::revoked_tokens::table
                        .filter($crate::db::schema::revoked_tokens::jti.eq($jti)),
                ),
            ))
    };
}
pub(crate) use session_check;

/// [`session_check`], written out.
macro_rules! session_check_written {
    ($sid:expr, $jti:expr) => {
        $crate::db::written::Written::new(
            diesel::QueryDsl::limit($crate::db::written::session_check!($sid, $jti), 1),
            $crate::db::written::SESSION_CHECK,
            [
                $crate::db::written::Bind::Text($jti),
                $crate::db::written::Bind::Text($sid),
                $crate::db::written::Bind::BigInt(1),
            ],
        )
    };
}
pub(crate) use session_check_written;

/// [`session_check`]'s SQL around its binds: the `jti`, the session id, the limit.
pub const SESSION_CHECK: &[&str] = &[
    concat!(
        r#"SELECT "users"."id", "users"."email", "users"."username", "#,
        r#""users"."password_hash", "users"."created_at", "users"."updated_at", "#,
        r#""users"."email_verified", "users"."role", "users"."disabled", "users"."locale", "#,
        r#""sessions"."revoked_at", "sessions"."revoked_reason", "sessions"."created_at", "#,
        r#""sessions"."last_used_at", EXISTS (SELECT "revoked_tokens"."jti", "#,
        r#""revoked_tokens"."user_id", "revoked_tokens"."revoked_at", "#,
        r#""revoked_tokens"."expires_at" FROM "revoked_tokens""#,
        r#" WHERE ("revoked_tokens"."jti" = "#,
    ),
    concat!(
        r#")) FROM ("sessions" INNER JOIN "users" ON ("sessions"."user_id" = "users"."id"))"#,
        r#" WHERE ("sessions"."id" = "#,
    ),
    ") LIMIT ",
    "",
];

/// The posts version ([`super::post_pages::version`]), read before every page of posts.
macro_rules! posts_version {
    () => {
        $crate::db::schema::posts_version::table
            .find(1)
            .select($crate::db::schema::posts_version::version)
    };
}
pub(crate) use posts_version;

/// [`posts_version`], written out.
macro_rules! posts_version_written {
    () => {
        $crate::db::written::Written::new(
            diesel::QueryDsl::limit($crate::db::written::posts_version!(), 1),
            $crate::db::written::POSTS_VERSION,
            [
                $crate::db::written::Bind::Integer(1),
                $crate::db::written::Bind::BigInt(1),
            ],
        )
    };
}
pub(crate) use posts_version_written;

/// [`posts_version`]'s SQL around its binds: the row's id, the limit.
pub const POSTS_VERSION: &[&str] = &[
    concat!(
        r#"SELECT "posts_version"."version" FROM "posts_version""#,
        r#" WHERE ("posts_version"."id" = "#,
    ),
    ") LIMIT ",
    "",
];

#[cfg(test)]
mod tests {
    use diesel::pg::Pg;
    use diesel::prelude::*;
    use diesel::sqlite::Sqlite;

    /// Each statement renders, text and binds, as Diesel renders the query it stands for, on
    /// both backends.
    #[test]
    fn each_hot_read_is_written_as_diesel_writes_its_query() {
        let checks = [
            session_check_written!("a-session", "a-jti").matches_its_query::<Pg>(),
            session_check_written!("a-session", "a-jti").matches_its_query::<Sqlite>(),
            posts_version_written!().matches_its_query::<Pg>(),
            posts_version_written!().matches_its_query::<Sqlite>(),
        ];
        let wrong: Vec<String> = checks
            .into_iter()
            .filter_map(Result::err)
            .map(|(written, diesel)| format!("written: {written}\nDiesel:  {diesel}"))
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
