//! Account flows both faces use: register, sign in, change a password, and (in the
//! submodules) recover an account and prove or change an address. Handlers read their input
//! into the types here, call one method of [`Accounts`], and render what it returns.

pub mod admin;
pub mod apps;
pub mod apps_access;
pub mod device;
pub mod email;
pub mod events;
pub mod federation;
pub mod introspection;
pub mod invitations;
pub mod mfa;
pub mod notices;
pub mod passkeys;
mod password;
pub mod password_policy;
pub mod pats;
pub mod recovery;
pub mod refusal;
pub mod search;
pub mod sessions;
pub mod throttle;

use password::set_password;
pub use password::{PasswordChangeError, WRONG_CURRENT_PASSWORD, WRONG_PASSWORD};
pub use refusal::SignInRefusal;

use std::sync::Arc;

use serde::Deserialize;
use utoipa::ToSchema;

use crate::audit::{self, Event, EventKind};
use crate::auth::password::Passwords;
use crate::auth::refresh;
use crate::auth::tokens::Tokens;
use crate::background::Background;
use crate::db::email_tokens::{self, Purpose};
use crate::db::users::{CreateUserError, TakenFields, User};
use crate::db::{outbox, Db};
use crate::domain::{Email, Password, Username};
use crate::error::{AppError, FieldErrors};
use crate::http::body::Field;
use crate::http::client::ClientInfo;
use crate::i18n::Locale;
use crate::mail::Notifier;
use crate::metrics::Metrics;

/// What the account flows work with: the database, bcrypt, the token rules, the mail, and
/// the background tasks a flow may leave running after its answer. Cheap to clone (handles
/// and `Arc`s), so a flow that outlives its request takes its own copy.
#[derive(Clone)]
pub struct Accounts {
    pub db: Db,
    pub passwords: Arc<Passwords>,
    pub tokens: Arc<Tokens>,
    pub notifier: Notifier,
    pub second_factors: Arc<mfa::SecondFactors>,
    pub metrics: Arc<Metrics>,
    /// The WebAuthn relying party; `None` when `PUBLIC_URL` cannot name one (an IP address).
    pub relying_party: Option<Arc<webauthn_rs::prelude::Webauthn>>,
    /// Where follow-up work of a request runs (a shutdown waits for it).
    pub background: Arc<Background>,
    /// Account protection: the registration mode and domain list, among others.
    pub protection: Arc<crate::config::ProtectionSettings>,
    /// The rules every new password passes (length, context, common, breached).
    pub password_policy: Arc<password_policy::PasswordPolicy>,
    /// The outside providers people may sign in with (`LOGIN_PROVIDERS`).
    pub providers: crate::federation::Providers,
}

/// A registration, every field parsed.
#[derive(Debug)]
pub struct NewAccount {
    pub email: Email,
    pub username: Username,
    pub password: Password,
    /// The language the registration was made in (the negotiated one), saved as the user's.
    pub locale: Option<crate::i18n::Locale>,
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
    /// The token of an invitation's link (`/register?invitation=…`): required when
    /// `REGISTRATION=invite`. The account then gets the invited address, verified, whatever
    /// `email` says.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub invitation: Field,
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
                locale: Some(crate::i18n::current()),
            })
        })
    }
}

impl Accounts {
    /// Creates the account and, in the same transaction, the link that verifies its address
    /// and the message that carries it. The insert is the only check of a taken email or
    /// username, so two racing registrations cannot both win, and the answer names the field
    /// that was taken. The password is hashed first, so a taken name costs the same time as a
    /// new account. An invitation ([`invitations::Admission`]) is used in that transaction,
    /// before the insert, and makes the address verified instead of sending a link; one no
    /// longer pending is a 422 on `invitation`, with nothing stored.
    pub async fn register(
        &self,
        new: NewAccount,
        admission: invitations::Admission,
    ) -> Result<Result<User, TakenFields>, AppError> {
        let owner = password_policy::Owner {
            username: new.username.as_str(),
            email: new.email.as_str(),
        };
        self.screen_password(&new.password, owner, "password")
            .await?;
        let hash = self.passwords.hash(new.password).await?;
        let verification = self.verification(new.email.as_str(), new.locale)?;
        let (email, username) = (new.email.clone(), new.username.clone());
        let created = self
            .db
            .run(move |conn| {
                Ok(crate::db::write_transaction(conn, |conn| {
                    let invited = admission.claim(conn)?;
                    let user = User::create(conn, &new.email, &new.username, &hash, new.locale)?;
                    match invited {
                        Some(invitation) => Ok(admission.accept(conn, &invitation, &user)?),
                        None => {
                            verification.store(conn, user.id)?;
                            Ok::<_, CreateUserError>(user)
                        }
                    }
                }))
            })
            .await?;
        match created {
            Ok(user) => {
                self.notifier.wake();
                Ok(Ok(user))
            }
            Err(CreateUserError::Taken(hit)) => {
                // The transaction is over; name every taken field, not only the one it hit.
                let taken = self
                    .db
                    .run(move |conn| Ok(User::taken(conn, &email, &username, hit)?))
                    .await?;
                Ok(Err(taken))
            }
            Err(CreateUserError::Db(e)) if invitations::is_gone_invitation(&e) => {
                Err(invitations::bad_invitation())
            }
            Err(CreateUserError::Db(e)) => Err(e.into()),
        }
    }

    /// The user a login name (username or email, any case) and password identify. An unknown
    /// user is checked against a dummy hash, so both failures take the same time and give the
    /// same refusal. A disabled account, and (with `REQUIRE_VERIFIED_EMAIL`) an unverified
    /// address, are refused only after the right password, so neither tells a guesser
    /// anything; an unverified address gets a new link. Every refusal is a security event
    /// that names the login tried (never the password). Failures are counted per account, or
    /// per name tried, and past the free ones an attempt inside the wait is refused unchecked
    /// ([`throttle`]); a right password is not counted.
    pub async fn check_sign_in(
        &self,
        login: String,
        candidate: String,
        client: &ClientInfo,
    ) -> Result<Result<User, SignInRefusal>, AppError> {
        let tried = login_tried(&login);
        let name = throttle::Subject::of_name(&login);
        let user = self
            .db
            .run(move |conn| Ok(User::find_by_login(conn, &login)?))
            .await?;
        // Inside a wait: refused unchecked and uncounted, known name or not.
        let attempt = match self.admit(name.or_account(user.as_ref())).await? {
            throttle::Admission::Go(attempt) => attempt,
            throttle::Admission::Wait { retry_after_secs } => {
                return Ok(Err(SignInRefusal::Delayed { retry_after_secs }))
            }
        };
        // An account with no password (made through an outside provider) is checked against
        // the dummy hash like an unknown name: same time, same refusal.
        let stored = user
            .as_ref()
            .filter(|u| u.has_password())
            .map(|u| u.password_hash.clone());
        let ok = self.passwords.verify(candidate, stored).await?;
        match ok {
            true => self.refund(attempt).await?,
            false => self.failed(attempt, client, Some(&tried)).await,
        }
        let (user_id, outcome) = match user {
            None => (None, Err(SignInRefusal::WrongCredentials)),
            Some(user) if !ok => (Some(user.id), Err(SignInRefusal::WrongCredentials)),
            Some(user) if user.disabled => (Some(user.id), Err(SignInRefusal::Disabled)),
            Some(user) if self.notifier.settings.require_verified_email && !user.email_verified => {
                // Past the hourly number of links, the refusal still says to confirm.
                match self.send_verification(&user).await {
                    Ok(()) | Err(AppError::TooManyRequests { .. }) => {}
                    Err(e) => return Err(e),
                }
                (Some(user.id), Err(SignInRefusal::EmailNotVerified))
            }
            Some(user) => return Ok(Ok(user)),
        };
        let reason = match &outcome {
            Err(SignInRefusal::WrongCredentials) if user_id.is_none() => "unknown_user",
            Err(refusal) => refusal.reason(),
            Ok(_) => "",
        };
        let mut event = Event::new(EventKind::SignInFailed, client)
            .detail("login", tried)
            .detail("reason", reason);
        if let Some(id) = user_id {
            event = event.user(id);
        }
        audit::record(&self.db, event).await;
        self.metrics.sign_in(reason);
        Ok(outcome)
    }

    /// Sends a new verification link for the user's current address; 429 when
    /// [`LINKS_PER_HOUR`] were sent already (nobody can use Sigil to flood an inbox).
    pub async fn send_verification(&self, user: &User) -> Result<(), AppError> {
        let link = self.verification(&user.email, user.locale())?;
        self.send_link(link, user.id, true).await
    }

    /// A verification link for `email`, and its message, not yet stored.
    fn verification(&self, email: &str, locale: Option<Locale>) -> Result<PendingLink, AppError> {
        let ttl = self.notifier.settings.email_verify_ttl;
        self.pending_link(Purpose::Verify, email, locale, ttl, |link| {
            vec![notices::verify_address(email, link, ttl.as_secs() / 3600)]
        })
    }

    /// A new single-use link of `purpose` for `email`, living `ttl`, and the messages `mails`
    /// builds around its URL; nothing is stored yet.
    fn pending_link(
        &self,
        purpose: Purpose,
        email: &str,
        locale: Option<Locale>,
        ttl: std::time::Duration,
        mails: impl FnOnce(String) -> Vec<crate::mail::Mail>,
    ) -> Result<PendingLink, AppError> {
        let (token, token_hash) = refresh::generate();
        let page = match purpose {
            Purpose::Reset => "/reset-password",
            Purpose::Verify | Purpose::Change => "/verify-email",
        };
        let messages = mails(self.notifier.link(page, &token))
            .iter()
            .map(|mail| self.notifier.render(mail, locale))
            .collect::<Result<_, _>>()?;
        Ok(PendingLink {
            purpose,
            email: email.to_string(),
            token_hash,
            expires_at: crate::db::now()
                + time::Duration::try_from(ttl).unwrap_or(time::Duration::DAY),
            messages,
        })
    }

    /// Stores the link and its messages for `user_id` in one transaction, and wakes the sender.
    /// `capped`: 429, with nothing stored, when the user was sent [`LINKS_PER_HOUR`] links of
    /// its purpose in the last hour; counted in the same transaction, the user's row locked,
    /// so racing requests on any instance cannot send more.
    async fn send_link(
        &self,
        link: PendingLink,
        user_id: i32,
        capped: bool,
    ) -> Result<(), AppError> {
        let since = crate::db::now() - time::Duration::HOUR;
        let stored = self
            .db
            .run(move |conn| {
                Ok(crate::db::write_transaction(conn, |conn| {
                    if capped {
                        User::lock(conn, user_id)?;
                        let sent = email_tokens::sent_since(conn, user_id, link.purpose, since)?;
                        if sent >= LINKS_PER_HOUR {
                            return Ok(false);
                        }
                    }
                    link.store(conn, user_id).map(|()| true)
                })?)
            })
            .await?;
        if !stored {
            return Err(AppError::TooManyRequests {
                retry_after_secs: 3600,
            });
        }
        self.notifier.wake();
        Ok(())
    }
}

/// The login a failed sign-in names in the audit trail: kept only when it could be a username
/// or an address. A password typed into the name box by mistake (it happens) must not land in
/// the trail, where administrators read it.
fn login_tried(login: &str) -> String {
    let login = login.trim();
    if Username::parse(login).is_ok() || Email::parse(login).is_ok() {
        login.chars().take(100).collect()
    } else {
        "(not a username or address)".into()
    }
}

/// Reset or verification links an account may be sent in an hour, whoever asks: past it, a
/// request sends nothing (the forgot-password form still answers as always).
pub const LINKS_PER_HOUR: i64 = 3;

/// A mailed link and the messages that go with it, to be stored in one transaction.
struct PendingLink {
    purpose: Purpose,
    email: String,
    token_hash: String,
    expires_at: time::PrimitiveDateTime,
    messages: Vec<outbox::NewMessage>,
}

impl PendingLink {
    /// Stores the link (ending older ones of its purpose) and queues its messages.
    fn store(&self, conn: &mut crate::db::DbConnection, user_id: i32) -> diesel::QueryResult<()> {
        email_tokens::issue(
            conn,
            user_id,
            self.purpose,
            &self.email,
            &self.token_hash,
            self.expires_at,
        )?;
        for message in &self.messages {
            outbox::enqueue(conn, message)?;
        }
        Ok(())
    }
}
