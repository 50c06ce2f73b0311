//! Who may register (API.md part three §4, "Registration"): the mode (`open`, `invite`,
//! `closed`), the domain allow-list, and invitations, an administrator's mailed single-use link
//! that makes an account at the invited address, already verified. Both faces ask
//! [`Accounts::admit_registration`] before they register anyone, and [`Accounts::register`]
//! uses the invitation in the transaction that creates the account.

use std::collections::HashMap;

use serde::Deserialize;

use super::admin::Acting;
use super::{notices, Accounts};
use crate::audit::{self, Event, EventKind};
use crate::auth::refresh;
use crate::config::{ProtectionSettings, RegistrationMode};
use crate::db::invitations::{Invitation, NewInvitation};
use crate::db::users::User;
use crate::db::{outbox, write_transaction, DbConnection};
use crate::domain::{Email, Keyset};
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;

/// The problem types of a registration refused by its mode.
pub const CLOSED_TYPE: &str = "/problems/registration-closed";
pub const INVITATION_REQUIRED_TYPE: &str = "/problems/invitation-required";
/// The detail of each, and the heading of the page that says it.
pub const CLOSED: &str = "Registration is closed";
pub const INVITATION_REQUIRED: &str = "Registration is by invitation only";
/// A bad, used, revoked or expired invitation (`errors.invitation`): one message for all, so
/// it tells a guesser nothing.
pub const BAD_INVITATION: &str =
    "This invitation is not valid: it was used, revoked or has expired. Ask for a new one.";
/// `409` on creating an invitation.
pub const HAS_ACCOUNT: &str = "That address already has an account.";
pub const CLOSED_NO_INVITATIONS: &str =
    "Registration is closed (REGISTRATION=closed): invitations can be neither sent nor used.";

/// How a registration was let in.
#[derive(Debug, Clone)]
pub enum Admission {
    /// Open registration: the address, within the domain list, gets a verification link.
    Open,
    /// An invitation that was pending when looked up. The account gets its address, verified;
    /// the invitation is used in the transaction that creates the account.
    Invited {
        token_hash: String,
        email: String,
        client: ClientInfo,
    },
}

impl Admission {
    /// The invited address, which replaces whatever the form or body said.
    pub fn invited_email(&self) -> Option<&str> {
        match self {
            Self::Open => None,
            Self::Invited { email, .. } => Some(email),
        }
    }

    /// Open registration is bound by `REGISTRATION_EMAIL_DOMAINS`; an invitation is not.
    pub fn check_domain(
        &self,
        protection: &ProtectionSettings,
        email: &Email,
    ) -> Result<(), FieldErrors> {
        match self {
            Self::Open if !protection.allows_domain(email.as_str()) => {
                Err(FieldErrors::single("email", protection.domain_message()))
            }
            _ => Ok(()),
        }
    }

    /// Inside the registration's transaction, before the account is created: uses the
    /// invitation. `Err(NotFound)` when it is no longer pending (another registration used it,
    /// or it was revoked meanwhile), which rolls the transaction back; see
    /// [`is_gone_invitation`].
    pub(super) fn claim(&self, conn: &mut DbConnection) -> diesel::QueryResult<Option<Invitation>> {
        match self {
            Self::Open => Ok(None),
            Self::Invited { token_hash, .. } => Invitation::claim(conn, token_hash)?
                .map(Some)
                .ok_or(diesel::result::Error::NotFound),
        }
    }

    /// After the account of a claimed invitation is created: its address verified, the
    /// invitation naming it, the event.
    pub(super) fn accept(
        &self,
        conn: &mut DbConnection,
        invitation: &Invitation,
        user: &User,
    ) -> diesel::QueryResult<User> {
        let verified = User::mark_verified(conn, user.id)?;
        Invitation::set_used_by(conn, invitation.id, user.id)?;
        if let Self::Invited { client, .. } = self {
            let mut event = Event::new(EventKind::InvitationAccepted, client)
                .user(user.id)
                .actor(user.id)
                .detail("invitation", invitation.id)
                .detail("email", invitation.email.clone());
            if let Some(by) = invitation.invited_by {
                event = event.detail("invited_by", by);
            }
            audit::record_in(conn, &event);
        }
        Ok(verified)
    }
}

/// Whether a registration's transaction failed because its invitation was no longer pending.
pub(super) fn is_gone_invitation(e: &diesel::result::Error) -> bool {
    matches!(e, diesel::result::Error::NotFound)
}

/// `errors.invitation`.
pub fn bad_invitation() -> AppError {
    AppError::Validation(FieldErrors::single("invitation", BAD_INVITATION))
}

/// The `403` of a closed registration, before anything of the request is read.
pub fn refuse_if_closed(protection: &ProtectionSettings) -> Result<(), AppError> {
    match protection.registration {
        RegistrationMode::Closed => Err(AppError::RegistrationRefused {
            problem_type: CLOSED_TYPE,
            detail: format!("{CLOSED}: accounts are made by an administrator."),
        }),
        _ => Ok(()),
    }
}

/// `?limit=&cursor=` of the pending invitations.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvitationListParams {
    /// Page size, 1 to 100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl InvitationListParams {
    pub fn parse(&self, cursor_key: &[u8; 32]) -> Result<Keyset, FieldErrors> {
        let mut errors = FieldErrors::new();
        let page = Keyset::parse(
            self.limit.as_deref(),
            self.cursor.as_deref(),
            cursor_key,
            &mut errors,
        );
        errors.finish(|| page)
    }
}

/// An invitation's `locale`: `en`, `de` or `es`.
pub fn parse_locale(raw: &str) -> Result<String, String> {
    let locale = raw.trim().to_ascii_lowercase();
    match crate::i18n::Locale::parse(&locale) {
        Some(l) => Ok(l.tag().to_string()),
        None => Err("Choose en, de or es.".into()),
    }
}

/// A page of pending invitations and the usernames of who sent them.
pub struct InvitationList {
    pub items: Vec<Invitation>,
    pub names: HashMap<i32, String>,
    pub next_cursor: Option<String>,
}

impl Accounts {
    /// How a registration that brings `invitation` (blank: none) may go. `closed`: `403`
    /// registration-closed. `invite` without one: `403` invitation-required. An invitation that
    /// is not pending: `422` on `invitation`. Under `open`, an invitation still counts: its
    /// address, verified, outside the domain list.
    pub async fn admit_registration(
        &self,
        invitation: Option<&str>,
        client: &ClientInfo,
    ) -> Result<Admission, AppError> {
        let protection = &*self.protection;
        refuse_if_closed(protection)?;
        let invitation = invitation.map(str::trim).filter(|t| !t.is_empty());
        let Some(token) = invitation else {
            return match protection.registration {
                RegistrationMode::Invite => Err(AppError::RegistrationRefused {
                    problem_type: INVITATION_REQUIRED_TYPE,
                    detail: format!(
                        "{INVITATION_REQUIRED}: register with the link of your invitation."
                    ),
                }),
                _ => Ok(Admission::Open),
            };
        };
        // Sigil's tokens are 43 base64url characters; anything else is not looked up.
        let shaped = (40..=64).contains(&token.len())
            && token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !shaped {
            return Err(bad_invitation());
        }
        let token_hash = refresh::hash(token);
        let hash = token_hash.clone();
        let found = self
            .db
            .run(move |conn| Ok(Invitation::usable(conn, &hash)?))
            .await?;
        match found {
            Some(invitation) => Ok(Admission::Invited {
                token_hash,
                email: invitation.email,
                client: client.clone(),
            }),
            None => Err(bad_invitation()),
        }
    }

    /// Mails an invitation to `email`, replacing any pending one to that address. `409` when
    /// registration is closed or the address has an account. The link is only mailed; the
    /// answer and the database hold no token.
    pub async fn invite(
        &self,
        by: &Acting<'_>,
        email: Email,
        locale: Option<String>,
    ) -> Result<Invitation, AppError> {
        let protection = &*self.protection;
        if protection.registration == RegistrationMode::Closed {
            return Err(AppError::Conflict(CLOSED_NO_INVITATIONS.into()));
        }
        let (token, token_hash) = refresh::generate();
        let ttl = protection.invitation_ttl;
        let link = self.notifier.link_with("/register", "invitation", &token);
        let mail = notices::invitation(
            email.as_str(),
            link,
            ttl.as_secs() / 86_400,
            &by.admin.username,
        );
        // The language the administrator chose for the invitee, who has no account yet.
        let language = locale.as_deref().and_then(crate::i18n::Locale::parse);
        let message = self.notifier.render(&mail, language)?;
        let ttl = time::Duration::try_from(ttl).unwrap_or(time::Duration::DAY);
        let admin_id = by.admin.id;
        let client = by.client.clone();
        let created = self
            .db
            .run(move |conn| {
                Ok(write_transaction(conn, |conn| {
                    if User::find_by_login(conn, email.as_str())?.is_some() {
                        return Ok(None);
                    }
                    let new = NewInvitation {
                        email: email.as_str(),
                        token_hash: &token_hash,
                        invited_by: admin_id,
                        locale: locale.as_deref(),
                        ttl,
                    };
                    let (created, replaced) = Invitation::replace(conn, &new)?;
                    outbox::enqueue(conn, &message)?;
                    for old in replaced {
                        let event = Event::new(EventKind::InvitationRevoked, &client)
                            .actor(admin_id)
                            .detail("invitation", old.id)
                            .detail("email", old.email)
                            .detail("reason", "replaced");
                        audit::record_in(conn, &event);
                    }
                    let event = Event::new(EventKind::InvitationCreated, &client)
                        .actor(admin_id)
                        .detail("invitation", created.id)
                        .detail("email", created.email.clone());
                    audit::record_in(conn, &event);
                    Ok::<_, diesel::result::Error>(Some(created))
                })?)
            })
            .await?;
        match created {
            Some(invitation) => {
                self.notifier.wake();
                Ok(invitation)
            }
            None => Err(AppError::Conflict(HAS_ACCOUNT.into())),
        }
    }

    /// One page of the pending invitations (unused, unrevoked, unexpired), newest first.
    pub async fn pending_invitations(
        &self,
        page: Keyset,
        cursor_key: &[u8; 32],
    ) -> Result<InvitationList, AppError> {
        let key = *cursor_key;
        self.db
            .run(move |conn| {
                let rows = Invitation::pending(conn, page.before_id, page.fetch())?;
                let (items, next_cursor) = page.finish(rows, &key, |i| i.id);
                let inviters: Vec<i32> = items.iter().filter_map(|i| i.invited_by).collect();
                let names = User::usernames(conn, &inviters)?;
                Ok(InvitationList {
                    items,
                    names,
                    next_cursor,
                })
            })
            .await
    }

    /// Revokes an unused invitation: its link stops working. `404` for an unknown, used or
    /// already revoked one.
    pub async fn revoke_invitation(
        &self,
        by: &Acting<'_>,
        id: i32,
    ) -> Result<Invitation, AppError> {
        let admin_id = by.admin.id;
        let client = by.client.clone();
        self.db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    let revoked = Invitation::revoke(conn, id)?.ok_or(AppError::NotFound)?;
                    let event = Event::new(EventKind::InvitationRevoked, &client)
                        .actor(admin_id)
                        .detail("invitation", revoked.id)
                        .detail("email", revoked.email.clone())
                        .detail("reason", "admin");
                    audit::record_in(conn, &event);
                    Ok(revoked)
                })
            })
            .await
    }
}
