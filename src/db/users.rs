//! Users: the table's row type and the queries on it.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::schema::users;
use super::DbConnection;
use crate::domain::{Email, Username};
use crate::error::{AppError, FieldErrors};

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i32,
    pub email: String,
    pub username: String,
    pub password_hash: String,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUserRow<'a> {
    email: &'a str,
    username: &'a str,
    password_hash: &'a str,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
}

impl User {
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<User>> {
        users::table
            .find(id)
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    pub fn find_by_username(conn: &mut DbConnection, username: &str) -> QueryResult<Option<User>> {
        users::table
            .filter(lower(users::username).eq(username.to_lowercase()))
            .select(User::as_select())
            .first(conn)
            .optional()
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

    /// Inserts a user. The unique indexes decide: a taken email or username is a 409 naming
    /// the field, also when two registrations race. (Callers check `taken_fields` first to
    /// spare a bcrypt hash; this is the check that cannot be raced.)
    pub fn create(
        conn: &mut DbConnection,
        email: &Email,
        username: &Username,
        password_hash: &str,
    ) -> Result<User, AppError> {
        let now = super::now();
        let row = NewUserRow {
            email: email.as_str(),
            username: username.as_str(),
            password_hash,
            created_at: now,
            updated_at: now,
        };
        match diesel::insert_into(users::table)
            .values(&row)
            .returning(users::all_columns)
            .get_result::<User>(conn)
        {
            Ok(user) => Ok(user),
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {
                let taken = Self::taken_fields(conn, email, username)?;
                Err(AppError::Conflict(conflict_message(&taken)))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Which of the two identifiers already belong to someone.
    pub fn taken_fields(
        conn: &mut DbConnection,
        email: &Email,
        username: &Username,
    ) -> QueryResult<FieldErrors> {
        let mut taken = FieldErrors::new();
        let email_taken: i64 = users::table
            .filter(users::email.eq(email.as_str()))
            .count()
            .get_result(conn)?;
        if email_taken > 0 {
            taken.add("email", "This email is already registered.");
        }
        if Self::find_by_username(conn, username.as_str())?.is_some() {
            taken.add("username", "This username is taken.");
        }
        Ok(taken)
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
}

fn conflict_message(taken: &FieldErrors) -> String {
    let fields: Vec<&str> = taken.iter().map(|(f, _)| f.as_str()).collect();
    match fields.as_slice() {
        [] => "That email or username is already taken.".into(),
        [one] => format!("That {one} is already taken."),
        _ => "That email and username are already taken.".into(),
    }
}
