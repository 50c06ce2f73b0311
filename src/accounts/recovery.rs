//! A way back into a lost account: a reset link by mail, and the new password it allows.

use super::{notices, set_password, Accounts};
use crate::audit::{self, Event, EventKind};
use crate::auth::refresh;
use crate::db::email_tokens::{self, Purpose};
use crate::db::outbox;
use crate::db::users::User;
use crate::domain::{Email, Password};
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;
use crate::mail::Context;

/// The one message a bad, used or expired reset link gets.
pub const BAD_LINK: &str =
    "This link is not valid any more (used, expired, or replaced by a newer one). Ask for a new one.";

impl Accounts {
    /// [`Accounts::forgot_password`], after the caller has answered: the answer and its timing
    /// are the same whether or not the address has an account (both faces call this). A
    /// shutdown waits for it.
    pub fn forgot_password_later(&self, email: Email, client: ClientInfo) {
        let accounts = self.clone();
        self.background
            .detach(crate::logging::carry_future(async move {
                if let Err(e) = accounts.forgot_password(email, client).await {
                    e.log_if_internal();
                }
            }));
    }

    /// Sends a reset link when `email` belongs to an account, and nothing otherwise. Callers
    /// answer the same whatever happens here, and run it after answering, so neither the
    /// answer nor its timing says whether the address has an account.
    pub async fn forgot_password(&self, email: Email, client: ClientInfo) -> Result<(), AppError> {
        let address = email.as_str().to_string();
        let user = self
            .db
            .run(move |conn| Ok(User::find_by_login(conn, &address)?))
            .await?;
        let Some(user) = user else {
            log::info!("password reset asked for an address with no account");
            return Ok(());
        };
        let event = Event::new(EventKind::PasswordResetRequested, &client).user(user.id);
        match self.send_reset_link(&user, &client, event, true).await {
            Err(AppError::TooManyRequests { .. }) => {
                log::info!("password reset asked again within the hour: no more links sent");
                Ok(())
            }
            other => other,
        }
    }

    /// Sends `user` a new reset link (ending older ones) and records `event` (a request by
    /// the user, or an administrator's action). `capped`: 429, nothing sent, past the hourly
    /// number of links (an administrator's request is not capped).
    pub async fn send_reset_link(
        &self,
        user: &User,
        client: &ClientInfo,
        event: Event,
        capped: bool,
    ) -> Result<(), AppError> {
        let ttl = self.notifier.settings.password_reset_ttl;
        let context = Context::of(client);
        let link = self.pending_link(Purpose::Reset, &user.email, user.locale(), ttl, |link| {
            vec![notices::password_reset_link(
                &user.email,
                link,
                ttl.as_secs() / 60,
                &context,
            )]
        })?;
        self.send_link(link, user.id, capped).await?;
        audit::record(&self.db, event).await;
        Ok(())
    }

    /// Sets a new password with a reset link. The link is used up in the same transaction that
    /// stores the password, revokes every session and writes the notice, so a link works once
    /// even when two requests race with it; a bad link is a 422 on `token`.
    pub async fn reset_password(
        &self,
        token: &str,
        new: Password,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        let token_hash = refresh::hash(token);
        // Spend no bcrypt time on a link that cannot work.
        let probe = token_hash.clone();
        let user = self
            .db
            .run(move |conn| Ok(email_tokens::peek(conn, &probe, Purpose::Reset)?))
            .await?
            .ok_or_else(bad_link)?;
        let owner = super::password_policy::Owner {
            username: &user.username,
            email: &user.email,
        };
        self.screen_password(&new, owner, "new_password").await?;
        let hash = self.passwords.hash(new).await?;
        let event = Event::new(EventKind::PasswordReset, client).user(user.id);
        let tokens = self.live_tokens(user.id).await?;
        let notice = self.notifier.render(
            &notices::password_changed(&user.email, true, &tokens, &Context::of(client)),
            user.locale(),
        )?;
        let used = self
            .db
            .run(move |conn| {
                Ok(crate::db::write_transaction(conn, |conn| {
                    let Some(link) = email_tokens::consume(conn, &token_hash, &[Purpose::Reset])?
                    else {
                        return Ok(false);
                    };
                    // A link sent to an address the account no longer has is dead.
                    let current = User::find(conn, link.user_id)?.map(|u| u.email);
                    if current.as_deref() != Some(link.email.as_str()) {
                        return Ok(false);
                    }
                    set_password(conn, link.user_id, &hash, "password reset")?;
                    // A reset link is a way in that never waits: the count ends with it.
                    crate::db::sign_in_failures::clear_account(conn, link.user_id)?;
                    outbox::enqueue(conn, &notice)?;
                    audit::record_in(conn, &event);
                    Ok::<_, diesel::result::Error>(true)
                })?)
            })
            .await?;
        if !used {
            return Err(bad_link());
        }
        self.notifier.wake();
        Ok(())
    }
}

fn bad_link() -> AppError {
    AppError::Validation(FieldErrors::single("token", BAD_LINK))
}
