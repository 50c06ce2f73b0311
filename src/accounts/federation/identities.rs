//! The identities linked to an account: listed, linked (from /account, or a pending identity
//! after a full sign-in), unlinked unless it is the last way in, and the new account a pending
//! identity makes. Each link and unlink is an event and a notice to the owner.

use serde::Serialize;
use utoipa::ToSchema;

use super::ProviderRefusal;
use crate::accounts::{notices, Accounts};
use crate::audit::{self, Event, EventKind};
use crate::auth::refresh;
use crate::db::federation::{self as rows, Identity, NewIdentity, Pending};
use crate::db::outbox;
use crate::db::passkeys::PasskeyRow;
use crate::db::users::{CreateUserError, TakenFields, User};
use crate::db::write_transaction;
use crate::domain::{Email, Username};
use crate::error::AppError;
use crate::federation::Provider;
use crate::http::client::ClientInfo;
use crate::mail::Context;

/// One linked identity as `GET /api/users/me/identities` shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IdentityView {
    pub id: i32,
    /// The provider's id in `LOGIN_PROVIDERS`.
    pub provider: String,
    /// Its name on the buttons ("Google").
    pub provider_name: String,
    pub email: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub linked_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<time::OffsetDateTime>,
}

impl Accounts {
    /// `user_id`'s linked identities, oldest first, named as configured now (a provider
    /// since removed from `LOGIN_PROVIDERS` shows its id).
    pub async fn identities(&self, user_id: i32) -> Result<Vec<IdentityView>, AppError> {
        let rows = self
            .db
            .run(move |conn| Ok(Identity::of_user(conn, user_id)?))
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| IdentityView {
                id: row.id,
                provider_name: self
                    .providers
                    .get(&row.provider)
                    .map_or_else(|| row.provider.clone(), |p| p.name().to_string()),
                provider: row.provider,
                email: row.email,
                linked_at: row.linked_at.assume_utc(),
                last_used_at: row.last_used_at.map(|t| t.assume_utc()),
            })
            .collect())
    }

    /// Unlinks `user`'s identity `id`: `404` when it has none by that id, `409`
    /// `/problems/last-sign-in-method` when no password, passkey or other identity would be
    /// left. The check and the delete are one transaction, so two racing unlinks cannot both
    /// pass it.
    pub async fn unlink_identity(
        &self,
        user: &User,
        id: i32,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        let (user_id, email) = (user.id, user.email.clone());
        let context = Context::of(client);
        let notifier = self.notifier.clone();
        let providers = self.providers.clone();
        let client = client.clone();
        self.db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    // The account row first: a password set meanwhile is seen, and racing
                    // unlinks of one account take turns.
                    User::lock(conn, user_id)?;
                    let fresh = User::find(conn, user_id)?.ok_or(AppError::NotFound)?;
                    let mine = Identity::of_user(conn, user_id)?;
                    let row = mine
                        .iter()
                        .find(|r| r.id == id)
                        .cloned()
                        .ok_or(AppError::NotFound)?;
                    let passkeys = PasskeyRow::count_for_user(conn, user_id)?;
                    // Only identities of providers still configured are a way in.
                    let others = mine
                        .iter()
                        .filter(|r| r.id != id && providers.get(&r.provider).is_some())
                        .count();
                    if !fresh.has_password() && passkeys == 0 && others == 0 {
                        return Err(AppError::LastSignInMethod(
                            "This is the only way into your account: set a password or add a \
                             passkey before unlinking it."
                                .into(),
                        ));
                    }
                    Identity::unlink(conn, user_id, id)?;
                    let name = providers
                        .get(&row.provider)
                        .map_or_else(|| row.provider.clone(), |p| p.name().to_string());
                    let notice = notices::identity_changed(&email, &name, false, &context);
                    outbox::enqueue(conn, &notifier.render(&notice, fresh.locale())?)?;
                    let event = Event::new(EventKind::IdentityUnlinked, &client)
                        .user(user_id)
                        .actor(user_id)
                        .detail("provider", row.provider.as_str());
                    audit::record_in(conn, &event);
                    Ok(())
                })
            })
            .await?;
        self.notifier.wake();
        Ok(())
    }

    /// Links `identity` to `user_id` (from /account, or a pending identity after a full
    /// sign-in). One already linked to another account is refused; one linked to this account
    /// already is fine.
    pub(crate) async fn link_identity(
        &self,
        provider: &Provider,
        user_id: i32,
        identity: &crate::federation::Identity,
        client: &ClientInfo,
    ) -> Result<Result<(), ProviderRefusal>, AppError> {
        self.store_link((provider.id(), provider.name()), user_id, identity, client)
            .await
    }

    async fn store_link(
        &self,
        provider: (&str, &str),
        user_id: i32,
        identity: &crate::federation::Identity,
        client: &ClientInfo,
    ) -> Result<Result<(), ProviderRefusal>, AppError> {
        let link = LinkNotice {
            provider_id: provider.0.to_string(),
            provider_name: provider.1.to_string(),
            identity: identity.clone(),
            client: client.clone(),
            notifier: self.notifier.clone(),
            new_account: false,
        };
        let outcome = self
            .db
            .run(move |conn| {
                write_transaction(conn, |conn| {
                    let user = User::find(conn, user_id)?.ok_or(AppError::NotFound)?;
                    match Identity::find(conn, &link.identity.issuer, &link.identity.subject)? {
                        Some(row) if row.user_id == user_id => return Ok(Ok(false)),
                        Some(_) => return Ok(Err(ProviderRefusal::LinkedElsewhere)),
                        None => {}
                    }
                    match link.store(conn, &user) {
                        // Linked by a racing request between the look-up and the insert.
                        Err(e) if crate::db::is_unique_violation(&e) => {
                            Ok(Err(ProviderRefusal::LinkedElsewhere))
                        }
                        Err(e) => Err(AppError::from(e)),
                        Ok(()) => Ok(Ok(true)),
                    }
                })
            })
            .await?;
        match outcome {
            Ok(stored) => {
                if stored {
                    self.notifier.wake();
                }
                Ok(Ok(()))
            }
            Err(refused) => Ok(Err(refused)),
        }
    }

    /// The live pending identity `token` for `provider` and `purpose`
    /// ([`rows::COMPLETE`] or [`rows::LINK`]).
    pub async fn pending_identity(
        &self,
        token: &str,
        purpose: &'static str,
        provider: &str,
    ) -> Result<Option<Pending>, AppError> {
        let hash = refresh::hash(token);
        let provider = provider.to_string();
        self.db
            .run(move |conn| Ok(Pending::live(conn, &hash, purpose, &provider)?))
            .await
    }

    /// Links pending identity `token` to the signed-in `user` after their full sign-in, and
    /// uses it up (once: a second try finds nothing).
    pub async fn link_pending(
        &self,
        provider: &Provider,
        token: &str,
        user: &User,
        client: &ClientInfo,
    ) -> Result<Result<(), ProviderRefusal>, AppError> {
        let Some(pending) = self
            .pending_identity(token, rows::LINK, provider.id())
            .await?
        else {
            return Ok(Err(ProviderRefusal::State));
        };
        let hash = refresh::hash(token);
        let taken = self
            .db
            .run(move |conn| Ok(Pending::take(conn, &hash)?))
            .await?;
        if !taken {
            return Ok(Err(ProviderRefusal::State));
        }
        self.link_identity(provider, user.id, &pending.identity(), client)
            .await
    }

    /// Makes the account of pending identity `token` with `username`: no password, the
    /// provider's address (verified only when the provider said so; else part two's link is
    /// sent), the identity linked, the pending identity used, all in one transaction.
    /// Registration is admitted again (the mode or the invitation may have changed).
    /// `Ok(Err(_))`: the username is taken (or the address, meanwhile).
    pub async fn complete_provider_account(
        &self,
        provider: &Provider,
        token: &str,
        username: Username,
        client: &ClientInfo,
    ) -> Result<Result<User, CompleteRefusal>, AppError> {
        let Some(pending) = self
            .pending_identity(token, rows::COMPLETE, provider.id())
            .await?
        else {
            return Ok(Err(CompleteRefusal::Gone));
        };
        let Some(email) = pending.email.as_deref().and_then(|e| Email::parse(e).ok()) else {
            return Ok(Err(CompleteRefusal::Gone));
        };
        let admission = match self
            .admit_registration(self.invitation_for(pending.invitation.as_deref()), client)
            .await
        {
            Ok(admission) if admission.check_domain(&self.protection, &email).is_ok() => admission,
            Ok(_) | Err(AppError::RegistrationRefused { .. } | AppError::Validation(_)) => {
                return Ok(Err(CompleteRefusal::Closed))
            }
            Err(e) => return Err(e),
        };
        let email = match admission.invited_email() {
            Some(invited) => Email::parse(invited).map_err(AppError::internal)?,
            None => email,
        };
        let verified = pending.email_verified || admission.invited_email().is_some();
        let verification = match verified {
            true => None,
            false => Some(self.verification(email.as_str(), Some(crate::i18n::current()))?),
        };
        let hash = refresh::hash(token);
        let link = LinkNotice {
            provider_id: provider.id().to_string(),
            provider_name: provider.name().to_string(),
            identity: pending.identity(),
            client: client.clone(),
            notifier: self.notifier.clone(),
            new_account: true,
        };
        let (email2, username2) = (email.clone(), username.clone());
        // The page's language, read here: the closure runs on a blocking thread.
        let locale = Some(crate::i18n::current());
        let created = self
            .db
            .run(move |conn| {
                Ok(write_transaction(conn, |conn| {
                    if !Pending::take(conn, &hash)? {
                        return Ok(Err(CompleteRefusal::Gone));
                    }
                    let (issuer, subject) = (&link.identity.issuer, &link.identity.subject);
                    if Identity::find(conn, issuer, subject)?.is_some() {
                        // Linked meanwhile (another browser finished first): nothing is made.
                        return Ok(Err(CompleteRefusal::Gone));
                    }
                    let invited = admission.claim(conn)?;
                    let user = User::create(conn, &email2, &username2, "", locale)?;
                    let user = match invited {
                        Some(invitation) => admission.accept(conn, &invitation, &user)?,
                        None if verified => User::mark_verified(conn, user.id)?,
                        None => user,
                    };
                    if let Some(verification) = &verification {
                        verification.store(conn, user.id)?;
                    }
                    link.store(conn, &user).map_err(CreateUserError::Db)?;
                    Ok::<_, CreateUserError>(Ok(user))
                }))
            })
            .await?;
        match created {
            Ok(Ok(user)) => {
                self.notifier.wake();
                Ok(Ok(user))
            }
            Ok(Err(refused)) => Ok(Err(refused)),
            Err(CreateUserError::Taken(hit)) => {
                let (email, username) = (email.clone(), username.clone());
                let taken = self
                    .db
                    .run(move |conn| Ok(User::taken(conn, &email, &username, hit)?))
                    .await?;
                Ok(Err(CompleteRefusal::Taken(taken)))
            }
            Err(CreateUserError::Db(e)) if crate::accounts::invitations::is_gone_invitation(&e) => {
                Ok(Err(CompleteRefusal::Closed))
            }
            // The identity was linked by a racing request: nothing was made.
            Err(CreateUserError::Db(e)) if crate::db::is_unique_violation(&e) => {
                Ok(Err(CompleteRefusal::Gone))
            }
            Err(CreateUserError::Db(e)) => Err(e.into()),
        }
    }
}

/// A link about to be stored, with its notice to the owner and its event.
struct LinkNotice {
    provider_id: String,
    provider_name: String,
    identity: crate::federation::Identity,
    client: ClientInfo,
    notifier: crate::mail::Notifier,
    new_account: bool,
}

impl LinkNotice {
    /// Inside the caller's transaction: the identity row, the notice, the event.
    fn store(&self, conn: &mut crate::db::DbConnection, user: &User) -> diesel::QueryResult<()> {
        Identity::link(
            conn,
            &NewIdentity {
                user_id: user.id,
                provider: &self.provider_id,
                issuer: &self.identity.issuer,
                subject: &self.identity.subject,
                email: self.identity.email.as_deref(),
                linked_at: crate::db::now(),
                last_used_at: None,
            },
        )?;
        let context = Context::of(&self.client);
        let notice = notices::identity_changed(&user.email, &self.provider_name, true, &context);
        let message = self
            .notifier
            .render(&notice, user.locale())
            .map_err(|e| diesel::result::Error::QueryBuilderError(e.to_string().into()))?;
        outbox::enqueue(conn, &message)?;
        let event = Event::new(EventKind::IdentityLinked, &self.client)
            .user(user.id)
            .actor(user.id)
            .detail("provider", self.provider_id.as_str())
            .detail("new_account", self.new_account);
        audit::record_in(conn, &event);
        Ok(())
    }
}

/// Why a pending identity made no account.
#[derive(Debug)]
pub enum CompleteRefusal {
    /// Used, expired, or never this browser's.
    Gone,
    /// Registration no longer allows it.
    Closed,
    /// The username (or the address) is taken.
    Taken(TakenFields),
}

impl Pending {
    /// The identity it holds, as the provider vouched for it.
    pub fn identity(&self) -> crate::federation::Identity {
        crate::federation::Identity {
            issuer: self.issuer.clone(),
            subject: self.subject.clone(),
            email: self.email.clone(),
            email_verified: self.email_verified,
            username_hint: self.username_hint.clone(),
            auth_time: None,
        }
    }
}
