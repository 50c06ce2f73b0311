//! Proving an address, and changing it: the change happens only when a link sent to the new
//! address is followed, and the old address is told.

use super::recovery::BAD_LINK;
use super::{notices, Accounts};
use crate::audit::{self, Event, EventKind};
use crate::auth::refresh;
use crate::db::email_tokens::{self, Purpose};
use crate::db::users::{Taken, User};
use crate::domain::Email;
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;
use crate::mail::Context;

/// Why an address change was not started.
#[derive(Debug, thiserror::Error)]
pub enum EmailChangeError {
    #[error("the current password is incorrect")]
    WrongPassword,
    #[error("that is already the account's address")]
    Unchanged,
    /// Outside `REGISTRATION_EMAIL_DOMAINS`: the message names the allowed domains.
    #[error("{0}")]
    DomainRefused(String),
    #[error(transparent)]
    App(#[from] AppError),
}

/// Why a verification link did not verify.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("the link is not valid")]
    BadLink,
    /// The new address of a change belongs to another account by now.
    #[error("the address is taken")]
    Taken,
    #[error(transparent)]
    App(#[from] AppError),
}

impl VerifyError {
    /// How the API answers it: 422 on `token`, or 409.
    pub fn into_app_error(self) -> AppError {
        match self {
            Self::BadLink => AppError::Validation(FieldErrors::single("token", BAD_LINK)),
            Self::Taken => AppError::Conflict(
                "That e-mail address now belongs to another account; choose another one.".into(),
            ),
            Self::App(e) => e,
        }
    }
}

/// Address changes an account may ask for in [`CHANGE_WINDOW_MINUTES`], and changes to one
/// address from all accounts: each sends two messages, and nobody should be able to use Sigil
/// to flood an inbox.
pub const CHANGES_PER_ACCOUNT: usize = 5;
pub const CHANGES_PER_ADDRESS: usize = 3;
pub const CHANGE_WINDOW_MINUTES: i64 = 60;

impl Accounts {
    /// 429 (with the wait until the oldest request in the window leaves it) when the account
    /// or the new address has had its share of change requests; counted in the database, so
    /// every instance counts the same requests.
    async fn limit_change_mail(&self, user_id: i32, new_email: &str) -> Result<(), AppError> {
        let email = new_email.to_string();
        let window = time::Duration::minutes(CHANGE_WINDOW_MINUTES);
        let now = crate::db::now();
        let (by_user, to_address) = self
            .db
            .run(move |conn| {
                Ok(email_tokens::recent_changes(
                    conn,
                    user_id,
                    &email,
                    now - window,
                )?)
            })
            .await?;
        let oldest_over = |times: &[time::PrimitiveDateTime], limit: usize| {
            (times.len() >= limit).then(|| times[times.len() - limit])
        };
        let blocking = [
            oldest_over(&by_user, CHANGES_PER_ACCOUNT),
            oldest_over(&to_address, CHANGES_PER_ADDRESS),
        ];
        match blocking.into_iter().flatten().max() {
            None => Ok(()),
            Some(oldest) => {
                let wait = (oldest + window - now).whole_seconds().max(1);
                Err(AppError::TooManyRequests {
                    retry_after_secs: wait as u64,
                })
            }
        }
    }

    /// Follows a verification link: the address it was sent to is now verified, and for a
    /// change it becomes the account's address (refused with `Taken` if someone registered it
    /// meanwhile; the link then stays usable for nothing else).
    pub async fn verify_email(
        &self,
        token: &str,
        client: &ClientInfo,
    ) -> Result<User, VerifyError> {
        let token_hash = refresh::hash(token);
        let client = client.clone();
        let notifier = self.notifier.clone();
        let outcome = self
            .db
            .run(move |conn| {
                Ok(crate::db::write_transaction(conn, |conn| {
                    // The user's row first, then the link: the order of a password change or
                    // an administrator's disable, which end links (no deadlock on PostgreSQL).
                    if let Some(owner) = email_tokens::owner(conn, &token_hash)? {
                        User::lock(conn, owner)?;
                    }
                    let Some(link) = email_tokens::consume(
                        conn,
                        &token_hash,
                        &[Purpose::Verify, Purpose::Change],
                    )?
                    else {
                        return Ok(Err(VerifyError::BadLink));
                    };
                    let Some(user) = User::find(conn, link.user_id)? else {
                        return Ok(Err(VerifyError::BadLink));
                    };
                    if link.purpose == Purpose::Change.as_str() {
                        match User::change_email(conn, user.id, &link.email) {
                            Ok(changed) => {
                                // Links sent to the old address, and other pending changes,
                                // die with it; the old address is told, in this transaction.
                                email_tokens::end_every_link(conn, user.id)?;
                                let notice = notices::email_changed(
                                    &user.email,
                                    &changed.email,
                                    &Context::of(&client),
                                );
                                // A notice that cannot be rendered undoes the change (500).
                                let message =
                                    notifier.render(&notice, user.locale()).map_err(|e| {
                                        diesel::result::Error::QueryBuilderError(
                                            e.to_string().into(),
                                        )
                                    })?;
                                crate::db::outbox::enqueue(conn, &message)?;
                                let event = Event::new(EventKind::EmailChanged, &client)
                                    .user(user.id)
                                    .detail("from", user.email)
                                    .detail("to", changed.email.clone());
                                audit::record_in(conn, &event);
                                return Ok(Ok(changed));
                            }
                            // Roll back: the link stays as it was.
                            Err(crate::db::users::CreateUserError::Taken(Taken::Email)) => {
                                return Err(diesel::result::Error::RollbackTransaction)
                            }
                            Err(e) => return Err(e.into_db()),
                        }
                    }
                    if link.email != user.email {
                        // The address changed since this link was sent.
                        return Ok(Err(VerifyError::BadLink));
                    }
                    let verified = User::mark_verified(conn, user.id)?;
                    let event = Event::new(EventKind::EmailVerified, &client)
                        .user(user.id)
                        .detail("email", verified.email.clone());
                    audit::record_in(conn, &event);
                    Ok(Ok(verified))
                }))
            })
            .await?;
        match outcome {
            Ok(Ok(user)) => {
                self.notifier.wake();
                Ok(user)
            }
            Ok(result) => result,
            Err(diesel::result::Error::RollbackTransaction) => Err(VerifyError::Taken),
            Err(e) => Err(AppError::from(e).into()),
        }
    }

    /// Starts an address change: after the current password is checked, a link goes to the new
    /// address and a notice to the old one, in one transaction. Whether the new address is
    /// taken is not revealed here, only when the link is followed.
    pub async fn change_email(
        &self,
        user: &User,
        new_email: Email,
        current_password: String,
        client: &ClientInfo,
    ) -> Result<(), EmailChangeError> {
        // Before the password: a refused domain costs no password check and no failure.
        if !self.protection.allows_domain(new_email.as_str()) {
            return Err(EmailChangeError::DomainRefused(
                self.protection.domain_message(),
            ));
        }
        if !self
            .check_current_password(user, current_password, "change_email", client)
            .await?
        {
            return Err(EmailChangeError::WrongPassword);
        }
        self.send_change_link(user, new_email, client).await
    }

    /// The link to the new address and the notice to the current one, once the current
    /// password has been checked (private: no caller skips that check).
    async fn send_change_link(
        &self,
        user: &User,
        new_email: Email,
        client: &ClientInfo,
    ) -> Result<(), EmailChangeError> {
        if new_email.as_str() == user.email {
            return Err(EmailChangeError::Unchanged);
        }
        self.limit_change_mail(user.id, new_email.as_str()).await?;
        let ttl = self.notifier.settings.email_verify_ttl;
        let context = Context::of(client);
        let new = new_email.as_str();
        let link = self.pending_link(Purpose::Change, new, user.locale(), ttl, |link| {
            vec![
                notices::confirm_new_address(new, link, ttl.as_secs() / 3600, &context),
                notices::email_change_requested(&user.email, new, &context),
            ]
        })?;
        self.send_link(link, user.id, false).await?;
        let event = Event::new(EventKind::EmailChangeRequested, client)
            .user(user.id)
            .actor(user.id)
            .detail("to", new);
        audit::record(&self.db, event).await;
        Ok(())
    }
}
