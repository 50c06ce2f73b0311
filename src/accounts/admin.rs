//! What an administrator does to an account: disable and enable it, sign it out everywhere,
//! send it a reset link, change its role, delete it. Each action is one transaction that
//! checks the last-admin rule, applies the change and records the event with the admin as
//! actor, so two admins acting at once cannot leave Sigil without one.

use diesel::connection::SimpleConnection as _;
use std::collections::HashMap;

use super::Accounts;
use crate::audit::{self, Event, EventKind};
use crate::db::events::{EventFilter, EventRow};
use crate::db::sessions::Session;
use crate::db::users::User;
use crate::db::{write_transaction, DbConnection};
use crate::domain::Role;
use crate::error::AppError;
use crate::http::client::ClientInfo;

/// The administrator acting, and where from.
#[derive(Debug, Clone)]
pub struct Acting<'a> {
    pub admin: &'a User,
    pub client: &'a ClientInfo,
}

impl<'a> Acting<'a> {
    pub fn new(admin: &'a User, client: &'a ClientInfo) -> Self {
        Self { admin, client }
    }

    fn event(&self, kind: EventKind, target: i32) -> Event {
        Event::new(kind, self.client)
            .user(target)
            .actor(self.admin.id)
    }
}

/// Everything an administrator sees of one account.
#[derive(Debug)]
pub struct AccountDetail {
    pub user: User,
    pub sessions: Vec<Session>,
    pub events: Vec<EventRow>,
    /// The usernames of the accounts that acted in `events` (administrators, mostly).
    pub names: HashMap<i32, String>,
    /// The second factors that are on: `totp`.
    pub second_factors: Vec<&'static str>,
    /// The personal access tokens not revoked, newest first.
    pub tokens: Vec<crate::db::pats::PatRow>,
    /// Failed sign-ins in a row, and the wait they set; `None` when there are none.
    pub sign_in_failures: Option<crate::db::sign_in_failures::FailureRow>,
}

/// Why an action on the last admin is refused (a 409).
pub const LAST_ADMIN: &str = "This is the last active administrator: make another user an \
     administrator first, or Sigil would have none.";

impl Accounts {
    /// A user's profile, live sessions and newest 20 events; 404 for an unknown id.
    pub async fn account_detail(&self, id: i32) -> Result<AccountDetail, AppError> {
        self.db
            .run(move |conn| {
                let user = User::find(conn, id)?.ok_or(AppError::NotFound)?;
                let sessions = Session::list_active(conn, id)?;
                let filter = EventFilter {
                    user_id: Some(id),
                    kind: None,
                };
                let events = EventRow::page(conn, &filter, None, 20)?;
                let actors: Vec<i32> = events.iter().filter_map(|e| e.actor_id).collect();
                let names = User::usernames(conn, &actors)?;
                let mut second_factors = Vec::new();
                if crate::db::mfa::TotpRow::is_on(conn, id)? {
                    second_factors.push("totp");
                }
                let tokens = crate::db::pats::PatRow::for_user(conn, id)?;
                let count = super::throttle::account_key(id);
                let sign_in_failures = crate::db::sign_in_failures::find(conn, &count)?;
                Ok(AccountDetail {
                    user,
                    sign_in_failures,
                    tokens,
                    sessions,
                    events,
                    names,
                    second_factors,
                })
            })
            .await
    }

    /// Disables (or enables) an account. Disabling also ends every session and revokes every
    /// personal access token, so none of the user's tokens works again even if the account is
    /// enabled later.
    pub async fn set_disabled(
        &self,
        by: &Acting<'_>,
        id: i32,
        disabled: bool,
    ) -> Result<User, AppError> {
        let kind = match disabled {
            true => EventKind::UserDisabled,
            false => EventKind::UserEnabled,
        };
        let event = by.event(kind, id);
        let notifier = self.notifier.clone();
        let context = crate::mail::Context::of(by.client);
        let changed = self
            .admin_write(id, disabled, move |conn, user| {
                let changed = User::set_disabled(conn, user.id, disabled)?;
                if disabled {
                    Session::end_all_access(conn, user.id, "disabled by an administrator")?;
                    super::pats::revoke_for_disabled(conn, &user, &event, &notifier, &context)?;
                }
                audit::record_in(conn, &event);
                Ok(changed)
            })
            .await?;
        self.notifier.wake();
        Ok(changed)
    }

    /// Changes an account's role; demoting the last active admin is refused.
    pub async fn set_role(&self, by: &Acting<'_>, id: i32, role: Role) -> Result<User, AppError> {
        let event = by.event(EventKind::RoleChanged, id);
        self.db
            .run(move |conn| set_role_in(conn, id, role, event))
            .await
    }

    /// Ends every session of the account: every token issued until now is refused.
    pub async fn sign_out_everywhere(&self, by: &Acting<'_>, id: i32) -> Result<User, AppError> {
        let event = by.event(EventKind::AdminLogoutAll, id);
        self.admin_write(id, false, move |conn, user| {
            let ended = Session::end_all_access(conn, user.id, "signed out by an administrator")?;
            audit::record_in(conn, &event.detail("sessions", ended));
            Ok(user)
        })
        .await
    }

    /// Deletes the account with its posts, sessions and links; its events stay, with its id.
    pub async fn delete_account(&self, by: &Acting<'_>, id: i32) -> Result<(), AppError> {
        let event = by.event(EventKind::UserDeleted, id);
        self.admin_write(id, true, move |conn, user| {
            delete_user(conn, user.id)?;
            let event = event
                .detail("username", user.username.clone())
                .detail("email", user.email.clone());
            audit::record_in(conn, &event);
            Ok(user)
        })
        .await
        .map(drop)
    }

    /// Deletes the caller's own account after checking their password (403 when wrong); the
    /// last active admin cannot (409). The notice goes to the address the account had.
    pub async fn delete_own_account(
        &self,
        user: &User,
        password: String,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        let right = self
            .check_current_password(user, password, "delete_account", client)
            .await?;
        if !right {
            return Err(AppError::Forbidden(crate::accounts::WRONG_PASSWORD.into()));
        }
        let notice = self.notifier.render(
            &super::notices::account_deleted(&user.email, &crate::mail::Context::of(client)),
            user.locale(),
        )?;
        let event = Event::new(EventKind::AccountDeleted, client)
            .user(user.id)
            .actor(user.id)
            .detail("username", user.username.clone());
        self.admin_write(user.id, true, move |conn, user| {
            delete_user(conn, user.id)?;
            crate::db::outbox::enqueue(conn, &notice)?;
            audit::record_in(conn, &event);
            Ok(())
        })
        .await?;
        self.notifier.wake();
        Ok(())
    }

    /// Mails the account a password-reset link; the admin never sees it.
    pub async fn send_reset_for(&self, by: &Acting<'_>, id: i32) -> Result<(), AppError> {
        let user = self
            .db
            .run(move |conn| User::find(conn, id)?.ok_or(AppError::NotFound))
            .await?;
        let event = by.event(EventKind::AdminPasswordReset, id);
        self.send_reset_link(&user, by.client, event, false).await
    }

    /// Runs `change` on the user `id` in a write transaction; 404 when there is no such user,
    /// 409 when `removes_admin` and the user is the last active admin.
    async fn admin_write<T: Send + 'static>(
        &self,
        id: i32,
        removes_admin: bool,
        change: impl FnOnce(&mut DbConnection, User) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        self.db
            .run(move |conn| guarded(conn, id, removes_admin, change))
            .await
    }

    /// An administrator ends an account's count and any wait (`sign_in_failures_cleared`,
    /// with how many there were); 404 for an unknown account.
    pub async fn clear_sign_in_failures(&self, by: &Acting<'_>, id: i32) -> Result<(), AppError> {
        let event = Event::new(EventKind::SignInFailuresCleared, by.client)
            .user(id)
            .actor(by.admin.id);
        self.db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    User::find(conn, id)?.ok_or(AppError::NotFound)?;
                    let key = super::throttle::account_key(id);
                    let count = crate::db::sign_in_failures::find(conn, &key)?
                        .map_or(0, |row| row.failures);
                    crate::db::sign_in_failures::clear(conn, &key)?;
                    audit::record_in(conn, &event.detail("failures", count));
                    Ok(())
                })
            })
            .await
    }
}

/// Deletes the user: their sessions end first, as every other end of a user's sessions does,
/// so that the apps signed in with the account get their logout tokens (the deletion's
/// cascade would remove the sessions without a word); then the row goes, with everything
/// that hangs on it. Call it in the deleting transaction.
fn delete_user(conn: &mut DbConnection, id: i32) -> diesel::QueryResult<()> {
    Session::revoke_all_for_user(conn, id, "account deleted")?;
    User::delete(conn, id)?;
    Ok(())
}

/// Gives user `id` the `role` and records `event` (with the roles before and after); the
/// command line (`sigil set-role`) uses it too. Demoting the last active admin is a 409.
pub fn set_role_in(
    conn: &mut DbConnection,
    id: i32,
    role: Role,
    event: Event,
) -> Result<User, AppError> {
    guarded(conn, id, role != Role::Admin, move |conn, user| {
        let changed = User::set_role(conn, user.id, role)?;
        let event = event
            .detail("from", user.role().as_str())
            .detail("to", role.as_str());
        audit::record_in(conn, &event);
        Ok(changed)
    })
}

/// Runs `change` on user `id` in a write transaction: 404 when there is no such user, 409
/// when `removes_admin` and the user is the last active admin.
fn guarded<T>(
    conn: &mut DbConnection,
    id: i32,
    removes_admin: bool,
    change: impl FnOnce(&mut DbConnection, User) -> Result<T, AppError>,
) -> Result<T, AppError> {
    write_transaction(conn, |conn| {
        if removes_admin && matches!(conn, DbConnection::Postgresql(_)) {
            // SQLite's write transaction already runs alone. PostgreSQL's does not: without
            // these row locks, two admins removing each other at once would each count two
            // active admins, and both would win.
            conn.batch_execute(
                "SELECT id FROM users WHERE role = 'admin' AND disabled = false ORDER BY id FOR UPDATE",
            )?;
        }
        let user = User::find(conn, id)?.ok_or(AppError::NotFound)?;
        let active_admin = user.is_admin() && !user.disabled;
        if removes_admin && active_admin && User::count_active_admins(conn)? <= 1 {
            return Err(AppError::Conflict(LAST_ADMIN.into()));
        }
        change(conn, user)
    })
}
