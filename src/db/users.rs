//! Users: the table's row type and the queries on it.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::schema::users;
use super::stored_time::StoredTime;
use super::DbConnection;
use crate::domain::{Email, Role, Username};
use crate::i18n::Locale;

pub mod search_index;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i32,
    pub email: String,
    pub username: String,
    pub password_hash: String,
    #[diesel(deserialize_as = StoredTime)]
    pub created_at: PrimitiveDateTime,
    #[diesel(deserialize_as = StoredTime)]
    pub updated_at: PrimitiveDateTime,
    pub email_verified: bool,
    /// `user` or `admin` (see [`crate::domain::Role`]).
    pub role: String,
    /// A disabled user cannot sign in, and every token of theirs is refused.
    pub disabled: bool,
    /// The language chosen for pages and mail (`en`, `de`, `es`), or none.
    pub locale: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUserRow<'a> {
    email: &'a str,
    username: &'a str,
    password_hash: &'a str,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
    locale: Option<&'static str>,
}

impl User {
    /// The language the user chose; none when never chosen (or unreadable, which only a hand
    /// edit of the column could make).
    pub fn locale(&self) -> Option<Locale> {
        self.locale.as_deref().and_then(Locale::parse)
    }

    /// Saves (or, with `None`, clears) the user's language.
    pub fn set_locale(
        conn: &mut DbConnection,
        id: i32,
        locale: Option<Locale>,
    ) -> QueryResult<User> {
        diesel::update(users::table.find(id))
            .set((
                users::locale.eq(locale.map(Locale::tag)),
                users::updated_at.eq(super::now()),
            ))
            .returning(users::all_columns)
            .get_result(conn)
    }

    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::User)
    }

    pub fn is_admin(&self) -> bool {
        self.role() == Role::Admin
    }

    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<User>> {
        users::table
            .find(id)
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    /// The user with this address, without case (addresses are stored lower-cased).
    pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<User>> {
        users::table
            .filter(users::email.eq(email.trim().to_lowercase()))
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    /// Whether the account has a password (an account made through an outside provider has
    /// none until its owner sets one).
    pub fn has_password(&self) -> bool {
        !self.password_hash.is_empty()
    }

    pub fn find_by_username(conn: &mut DbConnection, username: &str) -> QueryResult<Option<User>> {
        users::table
            .filter(lower(users::username).eq(username.to_lowercase()))
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    /// The id of the user of this name, without case, on either kind of connection: the
    /// author filter of a page of posts ([`super::Db::read`]).
    pub async fn id_by_username(
        conn: &mut super::read::ReadConn<'_>,
        username: &str,
    ) -> QueryResult<Option<i32>> {
        let name = username.to_lowercase();
        super::read::read_first!(
            conn,
            i32,
            users::table
                .filter(lower(users::username).eq(&name))
                .select(users::id)
                .limit(1)
        )
    }

    /// Looks a login name up as an email (when it has an `@`) or as a username, without case.
    pub fn find_by_login(conn: &mut DbConnection, login: &str) -> QueryResult<Option<User>> {
        let login = login.trim();
        if login.contains('@') {
            users::table
                .filter(users::email.eq(login.to_lowercase()))
                .select(User::as_select())
                .first(conn)
                .optional()
        } else {
            Self::find_by_username(conn, login)
        }
    }

    /// Inserts a user, once: the unique indexes decide whether the email or the username is
    /// taken, also when two registrations race, and the violated index names the field.
    pub fn create(
        conn: &mut DbConnection,
        email: &Email,
        username: &Username,
        password_hash: &str,
        locale: Option<Locale>,
    ) -> Result<User, CreateUserError> {
        let now = super::now();
        let row = NewUserRow {
            email: email.as_str(),
            username: username.as_str(),
            password_hash,
            created_at: now,
            updated_at: now,
            locale: locale.map(Locale::tag),
        };
        diesel::insert_into(users::table)
            .values(&row)
            .returning(users::all_columns)
            .get_result::<User>(conn)
            .map_err(CreateUserError::from)
    }

    /// Which of a refused registration's identifiers are taken; `hit` (the index the insert
    /// hit) is taken whatever this finds, in case the other row is gone by now.
    pub fn taken(
        conn: &mut DbConnection,
        email: &Email,
        username: &Username,
        hit: Taken,
    ) -> QueryResult<TakenFields> {
        let email_taken = users::table
            .filter(users::email.eq(email.as_str()))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        let username_taken = Self::find_by_username(conn, username.as_str())?.is_some();
        Ok(TakenFields {
            email: email_taken || hit == Taken::Email,
            username: username_taken || hit == Taken::Username,
        })
    }

    /// Makes `email` the user's verified address; the unique index refuses a taken one.
    pub fn change_email(
        conn: &mut DbConnection,
        id: i32,
        email: &str,
    ) -> Result<User, CreateUserError> {
        diesel::update(users::table.find(id))
            .set((
                users::email.eq(email),
                users::email_verified.eq(true),
                users::updated_at.eq(super::now()),
            ))
            .returning(users::all_columns)
            .get_result::<User>(conn)
            .map_err(CreateUserError::from)
    }

    /// Inside a transaction, makes other transactions that lock the same user wait until this
    /// one ends (PostgreSQL: `FOR UPDATE` on the row). On SQLite a write transaction already
    /// holds the database's one write lock, so there is nothing more to take.
    pub fn lock(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
        if let DbConnection::Postgresql(pg) = conn {
            users::table
                .find(id)
                .select(users::id)
                .for_update()
                .first::<i32>(pg)
                .optional()?;
        }
        Ok(())
    }

    pub fn mark_verified(conn: &mut DbConnection, id: i32) -> QueryResult<User> {
        diesel::update(users::table.find(id))
            .set((
                users::email_verified.eq(true),
                users::updated_at.eq(super::now()),
            ))
            .returning(users::all_columns)
            .get_result::<User>(conn)
    }

    pub fn set_password_hash(
        conn: &mut DbConnection,
        id: i32,
        password_hash: &str,
    ) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(password_hash),
                users::updated_at.eq(super::now()),
            ))
            .execute(conn)?;
        Ok(())
    }

    pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
        diesel::delete(users::table.find(id)).execute(conn)
    }

    /// One page of users, newest first: those whose username or e-mail contains `query`
    /// (without case; `%` and `_` match themselves), older than `before_id`. A search of three
    /// characters or more is served by a trigram index (migration `user_search`): on
    /// PostgreSQL pg_trgm's, which the planner picks for the `LIKE`s below; on SQLite the FTS5
    /// table `users_search`, asked for the page's ids newest first. A shorter one (no trigram)
    /// reads the users newest first until a page is found.
    pub fn search(
        conn: &mut DbConnection,
        query: Option<&str>,
        before_id: Option<i32>,
        fetch: i64,
    ) -> QueryResult<Vec<User>> {
        let before = before_id.unwrap_or(i32::MAX);
        let mut q = users::table
            .filter(users::id.lt(before))
            .order(users::id.desc())
            .limit(fetch)
            .select(User::as_select())
            .into_boxed();
        let trigrams = query.is_some_and(|text| text.chars().count() >= 3);
        if let (Some(text), true, DbConnection::Sqlite(_)) = (query, trigrams, &*conn) {
            use diesel::sql_types::{BigInt, Bool, Integer, Text};
            // One FTS5 phrase: the text's trigrams in a row, anywhere in either column.
            let phrase = format!("\"{}\"", text.replace('"', "\"\""));
            q = q.filter(
                diesel::dsl::sql::<Bool>(
                    "users.id IN (SELECT rowid FROM users_search WHERE users_search MATCH ",
                )
                .bind::<Text, _>(phrase)
                .sql(" AND rowid < ")
                .bind::<Integer, _>(before)
                .sql(" ORDER BY rowid DESC LIMIT ")
                .bind::<BigInt, _>(fetch)
                .sql(")"),
            );
            return q.load(conn);
        }
        if let Some(text) = query {
            let escaped: String = text
                .to_lowercase()
                .chars()
                .flat_map(|c| match c {
                    '%' | '_' | '\\' => vec!['\\', c],
                    c => vec![c],
                })
                .collect();
            let pattern = format!("%{escaped}%");
            q = q.filter(
                lower(users::username)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(users::email.like(pattern).escape('\\')),
            );
        }
        q.load(conn)
    }

    /// The usernames of the accounts among `ids` that still exist.
    pub fn usernames(
        conn: &mut DbConnection,
        ids: &[i32],
    ) -> QueryResult<std::collections::HashMap<i32, String>> {
        if ids.is_empty() {
            return Ok(std::collections::HashMap::new());
        }
        let rows: Vec<(i32, String)> = users::table
            .filter(users::id.eq_any(ids))
            .select((users::id, users::username))
            .load(conn)?;
        Ok(rows.into_iter().collect())
    }

    /// How many admins can still act (admin role, not disabled).
    pub fn count_active_admins(conn: &mut DbConnection) -> QueryResult<i64> {
        users::table
            .filter(users::role.eq(Role::Admin.as_str()))
            .filter(users::disabled.eq(false))
            .count()
            .get_result(conn)
    }

    pub fn set_role(conn: &mut DbConnection, id: i32, role: Role) -> QueryResult<User> {
        diesel::update(users::table.find(id))
            .set((
                users::role.eq(role.as_str()),
                users::updated_at.eq(super::now()),
            ))
            .returning(users::all_columns)
            .get_result::<User>(conn)
    }

    pub fn set_disabled(conn: &mut DbConnection, id: i32, disabled: bool) -> QueryResult<User> {
        diesel::update(users::table.find(id))
            .set((
                users::disabled.eq(disabled),
                users::updated_at.eq(super::now()),
            ))
            .returning(users::all_columns)
            .get_result::<User>(conn)
    }
}

/// Which identifier of a new user already belongs to someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    Email,
    Username,
}

impl Taken {
    /// The request field it belongs to.
    pub fn field(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Username => "username",
        }
    }

    /// The message shown beside that field.
    pub fn message(self) -> &'static str {
        match self {
            Self::Email => "This email is already registered.",
            Self::Username => "This username is taken.",
        }
    }
}

/// Every identifier of a new user that already belongs to someone (after an insert was
/// refused, which names only the first index it hit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TakenFields {
    pub email: bool,
    pub username: bool,
}

impl TakenFields {
    pub fn fields(self) -> impl Iterator<Item = Taken> {
        [(self.email, Taken::Email), (self.username, Taken::Username)]
            .into_iter()
            .filter_map(|(taken, field)| taken.then_some(field))
    }

    /// The one sentence for an API answer: "That email and username are already taken."
    pub fn detail(self) -> String {
        let names: Vec<&str> = self.fields().map(Taken::field).collect();
        match names.as_slice() {
            [one] => format!("That {one} is already taken."),
            _ => format!("That {} are already taken.", names.join(" and ")),
        }
    }

    /// The message beside each taken field, for a form.
    pub fn errors(self) -> crate::error::FieldErrors {
        let mut errors = crate::error::FieldErrors::new();
        for taken in self.fields() {
            errors.add(taken.field(), taken.message());
        }
        errors
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("the {} is taken", .0.field())]
    Taken(Taken),
    #[error(transparent)]
    Db(diesel::result::Error),
}

impl CreateUserError {
    /// As a plain database error (a taken field becomes the unique violation it was).
    pub fn into_db(self) -> diesel::result::Error {
        match self {
            Self::Db(e) => e,
            Self::Taken(_) => diesel::result::Error::RollbackTransaction,
        }
    }
}

impl From<diesel::result::Error> for CreateUserError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &e {
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                // PostgreSQL names the index; SQLite says "UNIQUE constraint failed: users.email"
                // or "…: index 'users_username_key'".
                let names = format!(
                    "{} {}",
                    info.constraint_name().unwrap_or(""),
                    info.message()
                );
                if names.contains("username") {
                    Self::Taken(Taken::Username)
                } else if names.contains("email") {
                    Self::Taken(Taken::Email)
                } else {
                    Self::Db(e)
                }
            }
            _ => Self::Db(e),
        }
    }
}
