//! The password of a signed-in user: checking it again before a sensitive change, and
//! changing it (which ends everything the old one allowed).

use super::notices;
use super::Accounts;
use crate::audit::{self, Event, EventKind};
use crate::auth::tokens::TokenPair;
use crate::db::outbox;
use crate::db::sessions::Session;
use crate::db::users::User;
use crate::domain::Password;
use crate::error::AppError;
use crate::http::client::ClientInfo;
use crate::mail::Context;

/// What a wrong password gets when it confirms an action (re-authentication, deleting the
/// account, removing a factor): a 403.
pub const WRONG_PASSWORD: &str = "The password is incorrect.";
/// What a wrong current password gets in a form that changes the password or the address.
pub const WRONG_CURRENT_PASSWORD: &str = "The current password is incorrect.";

/// Why a password change was refused.
#[derive(Debug, thiserror::Error)]
pub enum PasswordChangeError {
    #[error("the current password is incorrect")]
    WrongCurrent,
    #[error(transparent)]
    App(#[from] AppError),
}

impl Accounts {
    /// Checks a signed-in user's `current_password` before a sensitive change (`step` names
    /// it: `change_password`, `change_email`, `delete_account`, `remove_second_factor`…).
    /// Callers count the request like a sign-in attempt (the per-address limit); a wrong
    /// password is a `password_check_failed` event, so online guessing with a stolen token
    /// shows in the user's activity.
    pub async fn check_current_password(
        &self,
        user: &User,
        candidate: String,
        step: &'static str,
        client: &ClientInfo,
    ) -> Result<bool, AppError> {
        // An account made through an outside provider has no password: its address change
        // and its deletion rest on the recent sign-in alone (API.md part three §2); anything
        // else that asks for the password is refused, in a password check's time.
        if !user.has_password() {
            if matches!(step, "change_email" | "delete_account") {
                return Ok(true);
            }
            self.passwords.verify(candidate, None).await?;
            return Ok(false);
        }
        let right = self
            .passwords
            .verify(candidate, Some(user.password_hash.clone()))
            .await?;
        if !right {
            let event = Event::new(EventKind::PasswordCheckFailed, client)
                .user(user.id)
                .actor(user.id)
                .detail("step", step);
            audit::record(&self.db, event).await;
        }
        Ok(right)
    }

    /// Screens the new password (a 422 naming the rule, under `new_password`), checks the
    /// current password, then in one transaction stores the new hash, revokes every
    /// session of the user, ends any password-reset link and writes the notice; then starts a
    /// new session for the caller, proved as and when its old one was (`amr` and `auth_time`,
    /// the caller's claims): a password alone must not make an old sign-in with a second
    /// factor recent.
    pub async fn change_password(
        &self,
        user: &User,
        current: String,
        new: Password,
        client: &ClientInfo,
        (amr, auth_time): (&[String], i64),
    ) -> Result<TokenPair, PasswordChangeError> {
        // The current password first: whoever holds only a stolen access token learns
        // nothing from the rules, and never makes Sigil ask the range API.
        if !self
            .check_current_password(user, current, "change_password", client)
            .await?
        {
            return Err(PasswordChangeError::WrongCurrent);
        }
        let owner = super::password_policy::Owner {
            username: &user.username,
            email: &user.email,
        };
        self.screen_password(&new, owner, "new_password").await?;
        let hash = self.passwords.hash(new).await?;
        let tokens = self.live_tokens(user.id).await?;
        let notice = self.notifier.render(
            &notices::password_changed(&user.email, false, &tokens, &Context::of(client)),
            user.locale(),
        )?;
        let user_id = user.id;
        let changed = Event::new(EventKind::PasswordChanged, client)
            .user(user_id)
            .actor(user_id);
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    set_password(conn, user_id, &hash, "password changed")?;
                    outbox::enqueue(conn, &notice)?;
                    audit::record_in(conn, &changed);
                    Ok::<_, diesel::result::Error>(())
                })?;
                Ok(())
            })
            .await?;
        self.notifier.wake();
        let mut proof: Vec<&str> = amr.iter().map(String::as_str).collect();
        if !proof.contains(&"pwd") {
            proof.insert(0, "pwd");
        }
        Ok(self
            .open_session(user, client, &proof, Some(auth_time))
            .await?)
    }
}

/// Stores a new password hash and ends what the old password allowed: every session, every
/// reset link and pending address change ([`Session::end_all_access`]).
pub(super) fn set_password(
    conn: &mut crate::db::DbConnection,
    user_id: i32,
    hash: &str,
    reason: &str,
) -> diesel::QueryResult<()> {
    User::set_password_hash(conn, user_id, hash)?;
    Session::end_all_access(conn, user_id, reason)?;
    Ok(())
}
