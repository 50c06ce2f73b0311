//! Signing in with an outside provider (API.md part three, section 2): a trip to the provider
//! and back, then one of its outcomes. A linked identity signs its account in (the second
//! factor still asked); an unknown one makes an account where registration allows it; an
//! address that already has an account is never linked without a full sign-in to it.
//!
//! The identity is (issuer, `sub`), never the address. Every step is stored (a flow, a pending
//! identity), so any instance can take any step; each is single use and lives 10 minutes.

pub mod identities;

use subtle::ConstantTimeEq;

use super::mfa::SignInStep;
use super::{Accounts, SignInRefusal};
use crate::audit::{self, Event, EventKind};
use crate::auth::refresh;
use crate::auth::tokens::TokenPair;
use crate::db::federation::{self as rows, Flow, Identity, Pending};
use crate::db::users::User;
use crate::error::AppError;
use crate::federation::{AuthorizationRequest, FederationError, Provider};
use crate::http::client::ClientInfo;

/// How long a flow and a pending identity live.
pub const FLOW_MINUTES: i64 = 10;
/// How old a provider's `auth_time` may be for "Confirm it's you".
pub const CONFIRM_SECONDS: i64 = 5 * 60;

/// What a trip to a provider is for.
#[derive(Debug, Clone)]
pub enum Purpose {
    /// Sign in, or sign up (with the invitation that admits a new account, if any).
    SignIn { invitation: Option<String> },
    /// Link another identity to the signed-in account.
    Link { user_id: i32 },
    /// "Confirm it's you": renew session `session_id` of `user_id`.
    Confirm { user_id: i32, session_id: String },
}

/// A trip begun: the state for the browser's cookie session, and where to send the browser.
/// No `Debug`: the state never prints.
pub struct Begun {
    pub state: String,
    pub url: String,
}

/// How a callback ended well.
pub enum Finished {
    /// A linked identity's account: signed in, or waiting for its second factor.
    SignedIn(SignInStep),
    /// A new identity with a new address: the browser picks a username
    /// (`/login/{id}/complete`) with this pending identity.
    Complete { pending: String },
    /// A new identity whose address has an account: never linked automatically; the browser
    /// may sign in to that account, then link (`/login/{id}/link`).
    AddressTaken { pending: String, email: String },
    /// Another identity linked to the signed-in account.
    Linked,
    /// The signed-in user confirmed it is them: the session's new pair.
    Confirmed(TokenPair),
}

/// Why a trip to a provider did not end well. Its sentence never repeats the provider's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderRefusal {
    /// No live flow of this browser has that `state` (tampered, replayed, another browser,
    /// too late), or it was begun with another provider.
    State,
    /// The user said no at the provider.
    AccessDenied,
    IssuerMismatch,
    /// The code exchange or the id_token failed a check.
    IdToken,
    Unreachable,
    /// The provider gave no address, which a new account needs.
    NoEmail,
    RegistrationClosed,
    /// A right identity for an account that may not sign in (disabled, address unverified).
    Account(SignInRefusal),
    /// Linking: this identity belongs to another account.
    LinkedElsewhere,
    /// "Confirm it's you" with an identity that is not the signed-in user's, or a sign-in at
    /// the provider older than [`CONFIRM_SECONDS`].
    NotConfirmed,
}

impl ProviderRefusal {
    /// The `reason` of `provider_sign_in_failed`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::State => "state",
            Self::AccessDenied => "access_denied",
            Self::IssuerMismatch => "issuer_mismatch",
            Self::IdToken | Self::NotConfirmed => "id_token",
            Self::Unreachable => "unreachable",
            Self::NoEmail => "no_email",
            Self::RegistrationClosed => "registration_closed",
            Self::Account(refusal) => refusal.reason(),
            Self::LinkedElsewhere => "linked_elsewhere",
        }
    }

    /// The one sentence the page shows, naming the provider as configured.
    pub fn sentence(&self, name: &str) -> String {
        match self {
            Self::AccessDenied => format!("You cancelled signing in with {name}."),
            Self::State => {
                "That sign-in took too long or began in another browser; try again.".into()
            }
            Self::Unreachable => format!("{name} could not be reached; try again later."),
            Self::NoEmail => format!(
                "Signing in with {name} failed: {name} did not share an e-mail address, which \
                 a new account needs."
            ),
            Self::RegistrationClosed => format!(
                "Signing in with {name} failed: no account is linked to it, and this site does \
                 not take new accounts that way."
            ),
            Self::Account(refusal) => refusal.page_sentence(),
            Self::LinkedElsewhere => {
                format!("This {name} account is linked to another Sigil account.")
            }
            Self::NotConfirmed => format!(
                "{name} did not confirm it was you just now: sign in there again, or use \
                 another way."
            ),
            Self::IssuerMismatch | Self::IdToken => format!("Signing in with {name} failed."),
        }
    }

    fn of(error: &FederationError) -> Self {
        match error.reason() {
            "unreachable" => Self::Unreachable,
            "issuer_mismatch" => Self::IssuerMismatch,
            _ => Self::IdToken,
        }
    }
}

/// What the provider's answer to the browser said (the callback's query). No `Debug`: the
/// code never prints.
#[derive(Default, Clone)]
pub struct ProviderAnswer {
    pub code: Option<String>,
    pub state: Option<String>,
    pub iss: Option<String>,
    pub error: Option<String>,
}

impl Accounts {
    /// The invitation a new account through a provider uses: only under
    /// `REGISTRATION=invite` (elsewhere a stale link's token must not refuse the sign-up).
    pub(crate) fn invitation_for<'a>(&self, invitation: Option<&'a str>) -> Option<&'a str> {
        match self.protection.registration {
            crate::config::RegistrationMode::Invite => invitation,
            _ => None,
        }
    }

    /// Where a provider sends the browser back.
    pub fn provider_callback(&self, provider: &str) -> String {
        format!(
            "{}/login/{provider}/callback",
            self.notifier.settings.public_url
        )
    }

    /// Begins a trip to `provider` for `purpose`: stores the flow (state hashed, nonce, PKCE
    /// verifier, `next`), and gives the state for the browser's signed cookie session and the
    /// provider's URL. An unreachable provider (discovery on first use) is refused as such.
    pub async fn begin_provider_flow(
        &self,
        provider: &Provider,
        purpose: Purpose,
        next: &str,
    ) -> Result<Result<Begun, ProviderRefusal>, AppError> {
        let (state, state_hash) = refresh::generate();
        let (nonce, _) = refresh::generate();
        let (verifier, challenge) = crate::federation::pkce_pair();
        let redirect_uri = self.provider_callback(provider.id());
        let request = AuthorizationRequest {
            redirect_uri: &redirect_uri,
            state: &state,
            nonce: &nonce,
            code_challenge: &challenge,
            confirm: matches!(purpose, Purpose::Confirm { .. }),
        };
        let url = match provider.authorization_url(&request).await {
            Ok(url) => url,
            Err(e) => {
                log::warn!("sign-in with {} cannot begin: {e}", provider.id());
                let refused = ProviderRefusal::of(&e);
                let unknown = ClientInfo::default();
                self.provider_failed(provider, &refused, None, None, &unknown)
                    .await;
                return Ok(Err(refused));
            }
        };
        let now = crate::db::now();
        let (purpose_name, user_id, session_id, invitation) = match purpose {
            Purpose::SignIn { invitation } => (rows::SIGN_IN, None, None, invitation),
            Purpose::Link { user_id } => (rows::LINK, Some(user_id), None, None),
            Purpose::Confirm {
                user_id,
                session_id,
            } => (rows::CONFIRM, Some(user_id), Some(session_id), None),
        };
        let flow = Flow {
            state_hash,
            provider: provider.id().to_string(),
            nonce,
            verifier,
            purpose: purpose_name.to_string(),
            user_id,
            session_id,
            next: next.to_string(),
            invitation,
            created_at: now,
            expires_at: now + time::Duration::minutes(FLOW_MINUTES),
            used_at: None,
        };
        self.db.run(move |conn| Ok(flow.insert(conn)?)).await?;
        Ok(Ok(Begun {
            state,
            url: url.to_string(),
        }))
    }

    /// Ends a trip to `provider`: checks, in the contract's order, the state (a live flow of
    /// this browser, begun with this provider, used now whatever follows), `iss` (RFC 9207),
    /// then the code exchange and the id_token; then decides the outcome by the flow's
    /// purpose. `browser_state` is the state the browser's cookie session holds. Every refusal
    /// is a `provider_sign_in_failed` event with its reason; the provider's own error text
    /// goes to the log and the event only. Also gives the flow's `next`.
    pub async fn finish_provider_flow(
        &self,
        provider: &Provider,
        answer: ProviderAnswer,
        browser_state: Option<String>,
        client: &ClientInfo,
    ) -> Result<(Result<Finished, ProviderRefusal>, String), AppError> {
        let flow = self.take_flow(provider, &answer, browser_state).await?;
        let Some(flow) = flow else {
            let refused = ProviderRefusal::State;
            self.provider_failed(provider, &refused, None, None, client)
                .await;
            return Ok((Err(refused), "/".into()));
        };
        let next = flow.next.clone();
        let user_id = flow.user_id;
        // The provider's own `error` goes to the event (cut short), never to the page.
        let error: Option<String> = answer
            .error
            .as_deref()
            .map(|e| e.chars().filter(char::is_ascii_graphic).take(64).collect());
        let outcome = self.finish_flow(provider, answer, flow, client).await?;
        match &outcome {
            // Refusals of an account are `sign_in_failed` events already; a link refused is
            // not a failed sign-in (the log says why).
            Err(ProviderRefusal::Account(_) | ProviderRefusal::LinkedElsewhere) | Ok(_) => {}
            Err(refused) => {
                self.provider_failed(provider, refused, user_id, error.as_deref(), client)
                    .await
            }
        }
        Ok((outcome, next))
    }

    async fn take_flow(
        &self,
        provider: &Provider,
        answer: &ProviderAnswer,
        browser_state: Option<String>,
    ) -> Result<Option<Flow>, AppError> {
        let (Some(sent), Some(held)) = (answer.state.as_deref(), browser_state) else {
            return Ok(None);
        };
        // The state must be this browser's: the one its signed cookie session holds.
        if sent.len() != held.len() || !bool::from(sent.as_bytes().ct_eq(held.as_bytes())) {
            return Ok(None);
        }
        let state_hash = refresh::hash(sent);
        let flow = self
            .db
            .run(move |conn| Ok(Flow::take(conn, &state_hash)?))
            .await?;
        // A flow begun with another provider is a mix-up: refused like an unknown state.
        Ok(flow.filter(|f| f.provider == provider.id()))
    }

    async fn finish_flow(
        &self,
        provider: &Provider,
        answer: ProviderAnswer,
        flow: Flow,
        client: &ClientInfo,
    ) -> Result<Result<Finished, ProviderRefusal>, AppError> {
        // RFC 9207: an error response's `iss` is checked too (a mix-up could fake a cancel).
        if let Err(e) = provider.check_response_issuer(answer.iss.as_deref()).await {
            log::warn!("sign-in with {}: {e}", provider.id());
            return Ok(Err(ProviderRefusal::of(&e)));
        }
        if let Some(error) = answer.error.as_deref() {
            log::info!(
                "{} answered the sign-in with error {error:?}",
                provider.id()
            );
            return Ok(Err(match error {
                "access_denied" => ProviderRefusal::AccessDenied,
                _ => ProviderRefusal::IdToken,
            }));
        }
        let Some(code) = answer.code.as_deref().filter(|c| !c.is_empty()) else {
            return Ok(Err(ProviderRefusal::IdToken));
        };
        let redirect_uri = self.provider_callback(provider.id());
        let identity = match provider
            .redeem(code, &flow.verifier, &flow.nonce, &redirect_uri)
            .await
        {
            Ok(identity) => identity,
            Err(e) => {
                log::warn!("sign-in with {} failed: {e}", provider.id());
                return Ok(Err(ProviderRefusal::of(&e)));
            }
        };
        match flow.purpose.as_str() {
            rows::LINK => {
                let user_id = flow.user_id.ok_or(AppError::NotFound)?;
                self.link_identity(provider, user_id, &identity, client)
                    .await
                    .map(|r| r.map(|()| Finished::Linked))
            }
            rows::CONFIRM => {
                self.confirm_with_provider(provider, &flow, &identity, client)
                    .await
            }
            _ => {
                self.sign_in_with_identity(provider, &flow, identity, client)
                    .await
            }
        }
    }

    /// The sign-in outcomes: a linked identity's account, a new account, or an address that
    /// has one (never linked here).
    async fn sign_in_with_identity(
        &self,
        provider: &Provider,
        flow: &Flow,
        identity: crate::federation::Identity,
        client: &ClientInfo,
    ) -> Result<Result<Finished, ProviderRefusal>, AppError> {
        let (issuer, subject) = (identity.issuer.clone(), identity.subject.clone());
        let email = identity.email.clone();
        let (linked, owner) = self
            .db
            .run(move |conn| {
                let linked = Identity::find(conn, &issuer, &subject)?;
                let linked = match linked {
                    Some(identity) => {
                        User::find(conn, identity.user_id)?.map(|user| (identity, user))
                    }
                    None => None,
                };
                let owner = match (&linked, email) {
                    (None, Some(email)) => User::find_by_email(conn, &email)?,
                    _ => None,
                };
                Ok((linked, owner))
            })
            .await?;
        if let Some((row, user)) = linked {
            return self.sign_in_linked(provider, row, user, client).await;
        }
        let Some(email) = identity.email.clone() else {
            return Ok(Err(ProviderRefusal::NoEmail));
        };
        if owner.is_some() {
            let pending = self
                .hold_identity(provider, rows::LINK, flow, &identity)
                .await?;
            return Ok(Ok(Finished::AddressTaken { pending, email }));
        }
        // A new account: only where registration allows it (the mode, the invitation, the
        // domain list), checked again when the username is picked.
        let admission = self
            .admit_registration(self.invitation_for(flow.invitation.as_deref()), client)
            .await;
        let allowed = match &admission {
            Ok(admission) => match crate::domain::Email::parse(&email) {
                Ok(parsed) => admission.check_domain(&self.protection, &parsed).is_ok(),
                Err(_) => false,
            },
            Err(AppError::RegistrationRefused { .. } | AppError::Validation(_)) => false,
            Err(e) => return Err(AppError::internal(e.to_string())),
        };
        if !allowed {
            return Ok(Err(ProviderRefusal::RegistrationClosed));
        }
        let pending = self
            .hold_identity(provider, rows::COMPLETE, flow, &identity)
            .await?;
        Ok(Ok(Finished::Complete { pending }))
    }

    /// A linked identity's account signs in as after a password: disabled and unverified
    /// accounts refused as there, the second factor asked when on (`amr` `fed` first).
    async fn sign_in_linked(
        &self,
        provider: &Provider,
        row: Identity,
        user: User,
        client: &ClientInfo,
    ) -> Result<Result<Finished, ProviderRefusal>, AppError> {
        let refusal = if user.disabled {
            Some(SignInRefusal::Disabled)
        } else if self.notifier.settings.require_verified_email && !user.email_verified {
            match self.send_verification(&user).await {
                Ok(()) | Err(AppError::TooManyRequests { .. }) => {}
                Err(e) => return Err(e),
            }
            Some(SignInRefusal::EmailNotVerified)
        } else {
            None
        };
        if let Some(refusal) = refusal {
            let event = Event::new(EventKind::SignInFailed, client)
                .user(user.id)
                .detail("method", "fed")
                .detail("provider", provider.id())
                .detail("reason", refusal.reason());
            audit::record(&self.db, event).await;
            self.metrics.sign_in(refusal.reason());
            return Ok(Err(ProviderRefusal::Account(refusal)));
        }
        let id = row.id;
        self.db
            .run(move |conn| Ok(Identity::used(conn, id)?))
            .await?;
        let step = self
            .after_first_factor(&user, client, "fed", Some(provider.id()))
            .await?;
        Ok(Ok(Finished::SignedIn(step)))
    }

    /// Keeps an identity the provider vouched for, for 10 minutes, for this browser only
    /// (the token goes to its cookie session).
    async fn hold_identity(
        &self,
        provider: &Provider,
        purpose: &'static str,
        flow: &Flow,
        identity: &crate::federation::Identity,
    ) -> Result<String, AppError> {
        let (token, token_hash) = refresh::generate();
        let now = crate::db::now();
        let pending = Pending {
            token_hash,
            purpose: purpose.to_string(),
            provider: provider.id().to_string(),
            issuer: identity.issuer.clone(),
            subject: identity.subject.clone(),
            email: identity.email.clone(),
            email_verified: identity.email_verified,
            username_hint: identity.username_hint.clone(),
            invitation: flow.invitation.clone(),
            next: flow.next.clone(),
            created_at: now,
            expires_at: now + time::Duration::minutes(FLOW_MINUTES),
            used_at: None,
        };
        self.db.run(move |conn| Ok(pending.insert(conn)?)).await?;
        Ok(token)
    }

    /// "Confirm it's you" through the provider: the identity must be the signed-in user's,
    /// and the provider must say it signed them in within [`CONFIRM_SECONDS`].
    async fn confirm_with_provider(
        &self,
        provider: &Provider,
        flow: &Flow,
        identity: &crate::federation::Identity,
        client: &ClientInfo,
    ) -> Result<Result<Finished, ProviderRefusal>, AppError> {
        let (Some(user_id), Some(sid)) = (flow.user_id, flow.session_id.clone()) else {
            return Ok(Err(ProviderRefusal::State));
        };
        let (issuer, subject) = (identity.issuer.clone(), identity.subject.clone());
        let found = self
            .db
            .run(move |conn| {
                let linked = Identity::find(conn, &issuer, &subject)?;
                Ok(match linked {
                    Some(row) if row.user_id == user_id => User::find(conn, user_id)?,
                    _ => None,
                })
            })
            .await?;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let fresh = identity
            .auth_time
            .is_some_and(|t| t <= now + 60 && now - t <= CONFIRM_SECONDS);
        let Some(user) = found.filter(|_| fresh && provider.can_confirm()) else {
            return Ok(Err(ProviderRefusal::NotConfirmed));
        };
        // A provider proves one factor: an account with a second factor confirms with its
        // password and code (or a passkey), never with the provider alone.
        if self.second_factor_on(user.id).await? {
            return Ok(Err(ProviderRefusal::NotConfirmed));
        }
        let pair = self.renew_session(&user, &sid, &["fed"]).await?;
        let event = Event::new(EventKind::Reauthenticated, client)
            .user(user.id)
            .actor(user.id)
            .detail("method", "fed")
            .detail("provider", provider.id());
        audit::record(&self.db, event).await;
        Ok(Ok(Finished::Confirmed(pair)))
    }

    /// Records a refused trip: `provider_sign_in_failed` with its reason.
    pub(crate) async fn provider_failed(
        &self,
        provider: &Provider,
        refused: &ProviderRefusal,
        user_id: Option<i32>,
        error: Option<&str>,
        client: &ClientInfo,
    ) {
        let mut event = Event::new(EventKind::ProviderSignInFailed, client)
            .detail("provider", provider.id())
            .detail("reason", refused.reason());
        if let Some(error) = error {
            event = event.detail("error", error);
        }
        if let Some(id) = user_id {
            event = event.user(id);
        }
        audit::record(&self.db, event).await;
        self.metrics.sign_in("provider_failed");
    }
}

/// A username from the provider's hint or the address's local part: cut to
/// `[A-Za-z0-9_.-]` and 32 characters; `None` when fewer than 3 are left.
pub fn suggested_username(hint: Option<&str>, email: Option<&str>) -> String {
    let cut = |raw: &str| -> String {
        raw.chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
            .take(32)
            .collect()
    };
    let local = email.and_then(|e| e.split('@').next());
    [hint, local]
        .into_iter()
        .flatten()
        .map(cut)
        .find(|name| name.len() >= 3)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::suggested_username;

    #[test]
    fn a_username_is_cut_from_the_hint_or_the_address() {
        assert_eq!(
            suggested_username(Some("Ada Lovelace"), None),
            "AdaLovelace"
        );
        assert_eq!(
            suggested_username(Some("é"), Some("ada.l+x@example.com")),
            "ada.lx"
        );
        assert_eq!(suggested_username(None, Some("ab@example.com")), "");
        let long = "a".repeat(40);
        assert_eq!(suggested_username(Some(&long), None).len(), 32);
    }
}
