//! Account flows both faces use: register, check a sign-in, change a password. Handlers read
//! their input into the types here, call one function, and render what it returns.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::password::Passwords;
use crate::auth::tokens::{TokenPair, Tokens};
use crate::db::sessions::Session;
use crate::db::users::{CreateUserError, Taken, User};
use crate::db::Db;
use crate::domain::{Email, Password, Username};
use crate::error::{AppError, FieldErrors};
use crate::http::body::Field;

/// A registration, every field parsed.
#[derive(Debug)]
pub struct NewAccount {
    pub email: Email,
    pub username: Username,
    pub password: Password,
}

/// `POST /api/auth/register`.
#[derive(Deserialize, ToSchema)]
pub struct RegisterRequest {
    #[schema(value_type = String, required = true, example = "alice@example.com")]
    #[serde(default)]
    pub email: Field,
    /// 3–32 of `[A-Za-z0-9_.-]`.
    #[schema(value_type = String, required = true, example = "alice", min_length = 3, max_length = 32, pattern = r"^[A-Za-z0-9_.-]+$")]
    #[serde(default)]
    pub username: Field,
    /// 8–72 bytes.
    #[schema(value_type = String, required = true, example = "correct horse battery", min_length = 8)]
    #[serde(default)]
    pub password: Field,
}

impl TryFrom<RegisterRequest> for NewAccount {
    type Error = FieldErrors;

    fn try_from(r: RegisterRequest) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = r.email.required("email", &mut errors, Email::parse);
        let username = r
            .username
            .required("username", &mut errors, Username::parse);
        let password = r
            .password
            .required("password", &mut errors, Password::parse);
        errors.finish(|| {
            Some(NewAccount {
                email: email?,
                username: username?,
                password: password?,
            })
        })
    }
}

/// Creates the account. The insert is the only check of a taken email or username, so two
/// racing registrations cannot both win, and the answer names the field that was taken. The
/// password is hashed first, so a taken name costs the same time as a new account.
pub async fn register(
    db: &Db,
    passwords: &Passwords,
    new: NewAccount,
) -> Result<Result<User, Taken>, AppError> {
    let hash = passwords.hash(new.password).await?;
    db.run(
        move |conn| match User::create(conn, &new.email, &new.username, &hash) {
            Ok(user) => Ok(Ok(user)),
            Err(CreateUserError::Taken(taken)) => Ok(Err(taken)),
            Err(CreateUserError::Db(e)) => Err(e.into()),
        },
    )
    .await
}

/// The user a login name (username or email, any case) and password identify, or `None` for
/// either failure: an unknown user is checked against a dummy hash, so both take the same time.
pub async fn check_sign_in(
    db: &Db,
    passwords: &Passwords,
    login: String,
    candidate: String,
) -> Result<Option<User>, AppError> {
    let user = db
        .run(move |conn| Ok(User::find_by_login(conn, &login)?))
        .await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let ok = passwords.verify(candidate, stored).await?;
    Ok(user.filter(|_| ok))
}

/// Why a password change was refused.
#[derive(Debug, thiserror::Error)]
pub enum PasswordChangeError {
    #[error("the current password is incorrect")]
    WrongCurrent,
    #[error(transparent)]
    App(#[from] AppError),
}

/// Checks the current password, stores the new hash and revokes every session of the user in
/// one transaction, then starts a new session for the caller.
pub async fn change_password(
    db: &Db,
    passwords: &Passwords,
    tokens: &Tokens,
    user: &User,
    current: String,
    new: Password,
    user_agent: Option<String>,
) -> Result<TokenPair, PasswordChangeError> {
    if !passwords
        .verify(current, Some(user.password_hash.clone()))
        .await?
    {
        return Err(PasswordChangeError::WrongCurrent);
    }
    let hash = passwords.hash(new).await?;
    let user_id = user.id;
    db.run(move |conn| {
        use diesel::Connection as _;
        conn.transaction(|conn| {
            User::set_password_hash(conn, user_id, &hash)?;
            Session::revoke_all_for_user(conn, user_id, "password changed")?;
            Ok::<_, diesel::result::Error>(())
        })?;
        Ok(())
    })
    .await?;
    Ok(tokens.start_session(db, user, user_agent).await?)
}
