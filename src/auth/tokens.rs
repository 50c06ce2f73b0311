//! The flows both the API and the pages use: check a password, start a login session,
//! rotate a refresh token. Each returns a fresh [`TokenPair`].

use actix_web::web;
use serde::Serialize;

use super::{jwt, password, refresh};
use crate::db::sessions::{RefreshRefusal, Session};
use crate::db::users::User;
use crate::domain::Password;
use crate::error::AppError;
use crate::startup::AppState;

/// RFC 6749 §5.1 success body.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    #[schema(example = "bearer")]
    pub token_type: &'static str,
    pub expires_in: i64,
    pub refresh_token: String,
    pub refresh_expires_in: i64,
}

impl std::fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenPair(<redacted>)")
    }
}

/// Looks the user up by username or email and checks the password on a blocking thread.
/// An unknown user is checked against a dummy hash, so both failures take the same time and
/// give the same `None`.
pub async fn check_password(
    state: &web::Data<AppState>,
    login: String,
    candidate: String,
) -> Result<Option<User>, AppError> {
    let user = state
        .db
        .run(move |conn| Ok(User::find_by_login(conn, &login)?))
        .await?;
    let for_dummy = web::Data::clone(state);
    state
        .passwords
        .run(move || match user {
            Some(user) if password::verify(&candidate, &user.password_hash) => Some(user),
            Some(_) => None,
            None => {
                password::verify(&candidate, &for_dummy.dummy_hash());
                None
            }
        })
        .await
}

/// Hashes a new password at the configured cost, on a blocking thread.
pub async fn hash_password(state: &AppState, new: Password) -> Result<String, AppError> {
    let cost = state.settings.bcrypt_cost;
    state
        .passwords
        .run(move || password::hash(&new, cost))
        .await?
        .map_err(AppError::internal)
}

/// Starts a login session for `user` and issues its first token pair.
pub async fn start_session(
    state: &AppState,
    user: &User,
    user_agent: Option<String>,
) -> Result<TokenPair, AppError> {
    let (refresh_token, refresh_hash) = refresh::generate();
    let expires_at = crate::db::now() + refresh_ttl(state);
    let user_id = user.id;
    let session = state
        .db
        .run(move |conn| {
            Session::start(
                conn,
                user_id,
                user_agent.as_deref(),
                &refresh_hash,
                expires_at,
            )
        })
        .await?;
    pair(state, user, &session.id, refresh_token)
}

/// Rotates a presented refresh token (see [`Session::rotate`]) and issues a new pair.
pub async fn rotate(
    state: &AppState,
    presented: &str,
) -> Result<Result<TokenPair, RefreshRefusal>, AppError> {
    let old_hash = refresh::hash(presented);
    let (refresh_token, new_hash) = refresh::generate();
    let expires_at = crate::db::now() + refresh_ttl(state);
    let grace = time::Duration::try_from(state.settings.refresh_reuse_grace)
        .unwrap_or(time::Duration::seconds(10));
    let outcome = state
        .db
        .run(move |conn| Session::rotate(conn, &old_hash, &new_hash, expires_at, grace))
        .await?;
    match outcome {
        Ok((session, user)) => Ok(Ok(pair(state, &user, &session.id, refresh_token)?)),
        Err(refusal) => Ok(Err(refusal)),
    }
}

/// Which sessions a logout ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoutScope {
    /// The presented token's session (its refresh family and every token issued from it).
    ThisSession,
    /// Every session of the user: every token issued until now.
    Everywhere,
}

/// Revokes the presented access token by `jti` (until it would have expired anyway) and the
/// sessions `scope` names.
pub async fn logout(
    state: &AppState,
    auth: &super::extract::Authenticated,
    scope: LogoutScope,
) -> Result<(), AppError> {
    let claims = auth.claims.clone();
    let user_id = auth.user.id;
    state
        .db
        .run(move |conn| {
            let expires = crate::db::to_primitive(
                time::OffsetDateTime::from_unix_timestamp(claims.exp)
                    .unwrap_or_else(|_| time::OffsetDateTime::now_utc()),
            );
            crate::db::sessions::revoke_access_token(conn, &claims.jti, user_id, expires)?;
            match scope {
                LogoutScope::ThisSession => {
                    Session::revoke_for_user(conn, &claims.sid, user_id, "logout")?;
                }
                LogoutScope::Everywhere => {
                    Session::revoke_all_for_user(conn, user_id, "logout-all")?;
                }
            }
            Ok(())
        })
        .await
}

/// Revokes one of the user's sessions (its refresh family and every access token issued
/// from it); 404 when the user has no such session.
pub async fn revoke_session(state: &AppState, user_id: i32, id: String) -> Result<(), AppError> {
    let found = state
        .db
        .run(move |conn| {
            Ok(Session::revoke_for_user(
                conn,
                &id,
                user_id,
                "revoked by user",
            )?)
        })
        .await?;
    if found {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Signs an access token for `user` in session `sid`, at the current time.
pub fn issue_access(
    state: &AppState,
    user: &User,
    sid: &str,
) -> Result<(String, jwt::AccessClaims), AppError> {
    let subject = jwt::Subject {
        user_id: user.id,
        username: &user.username,
        session_id: sid,
    };
    jwt::issue(&state.keys, &state.policy, &subject, unix_now()).map_err(AppError::internal)
}

fn pair(
    state: &AppState,
    user: &User,
    sid: &str,
    refresh_token: String,
) -> Result<TokenPair, AppError> {
    let (access_token, _) = issue_access(state, user, sid)?;
    Ok(TokenPair {
        access_token,
        token_type: "bearer",
        expires_in: state.policy.access_ttl_seconds,
        refresh_token,
        refresh_expires_in: state.settings.refresh_token_ttl.as_secs() as i64,
    })
}

fn refresh_ttl(state: &AppState) -> time::Duration {
    time::Duration::seconds(state.settings.refresh_token_ttl.as_secs() as i64)
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
