//! "Continue with {provider}" (API.md part three, section 2): the trip out (`GET /login/{id}`),
//! the way back (`GET /login/{id}/callback`), and the pages an unknown identity leads to: the
//! new account's username (`/login/{id}/complete`) and the link to an account that has its
//! address, after a full sign-in to it (`/login/{id}/link`). "Confirm it's you" through a
//! provider starts here too (`POST /reauthenticate/{id}`).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::accounts::federation::identities::CompleteRefusal;
use crate::accounts::federation::{Finished, ProviderAnswer, ProviderRefusal, Purpose};
use crate::accounts::mfa::SignInStep;
use crate::auth::cookies;
use crate::db::federation as rows;
use crate::domain::Username;
use crate::error::{AppError, FieldErrors};
use crate::federation::Provider;
use crate::http::client::ClientInfo;
use crate::routes::web::browser_session::{
    afresh_keeping_pending, go_to_provider, start_session, welcome, MFA_NEXT_KEY, MFA_TOKEN_KEY,
    PROVIDER_PENDING_KEY, PROVIDER_STATE_KEY,
};
use crate::routes::web::extract::{Confirm, CsrfForm, SignedInForm, Viewer};
use crate::routes::web::layout::{flash, Chrome};
use crate::routes::web::recent::RecentForm;
use crate::routes::web::{render, safe_next, see_other};
use crate::state::{AppState, LoginAttempt};

/// `?next=` and, for a new account under `REGISTRATION=invite`, `?invitation=`.
#[derive(Deserialize)]
pub struct BeginParams {
    pub next: Option<String>,
    pub invitation: Option<String>,
}

/// The provider `id` names, or the 404 page.
fn provider<'a>(state: &'a AppState, id: &str) -> Result<&'a Provider, AppError> {
    state.accounts().providers.get(id).ok_or(AppError::NotFound)
}

/// `GET /login/{id}?next=`: stores the flow and sends the browser to the provider, its state
/// in the signed cookie session. An unreachable provider: back to `/login`, saying so.
pub async fn begin(
    state: web::Data<AppState>,
    session: Session,
    viewer: Viewer,
    path: web::Path<String>,
    query: web::Query<BeginParams>,
) -> Result<HttpResponse, AppError> {
    let provider = provider(&state, &path)?;
    let next = safe_next(query.next.as_deref());
    if viewer.0.is_some() {
        return Ok(see_other(&next));
    }
    let invitation = query.invitation.clone().filter(|i| !i.trim().is_empty());
    let purpose = Purpose::SignIn { invitation };
    go_to_provider(&state, &session, provider, purpose, &next, "/login").await
}

/// What the provider sends back: a code (or an error), the state, and RFC 9207's `iss`.
#[derive(Deserialize)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub iss: Option<String>,
    pub error: Option<String>,
}

/// `GET /login/{id}/callback`: the contract's checks (accounts::federation), then the outcome.
/// The state leaves the cookie session whatever happens: one callback per trip.
pub async fn callback(
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    path: web::Path<String>,
    query: web::Query<CallbackParams>,
) -> Result<HttpResponse, AppError> {
    let provider = provider(&state, &path)?;
    let held: Option<String> = session.remove_as(PROVIDER_STATE_KEY).and_then(Result::ok);
    let query = query.into_inner();
    let answer = ProviderAnswer {
        code: query.code,
        state: query.state,
        iss: query.iss,
        error: query.error,
    };
    let accounts = state.accounts();
    let (finished, next) = accounts
        .finish_provider_flow(provider, answer, held, &client)
        .await?;
    let finished = match finished {
        Ok(finished) => finished,
        Err(refused) => {
            flash(&session, refused.sentence(provider.name()));
            let back = match refused {
                ProviderRefusal::LinkedElsewhere => "/account#providers".to_string(),
                ProviderRefusal::NotConfirmed => next,
                _ => "/login".to_string(),
            };
            return Ok(see_other(&back));
        }
    };
    let id = provider.id();
    match finished {
        Finished::SignedIn(SignInStep::Done(started)) => {
            Ok(welcome(&state, &session, &started, &next))
        }
        Finished::SignedIn(SignInStep::SecondFactor { mfa_token, .. }) => {
            afresh_keeping_pending(&session);
            session
                .insert(MFA_TOKEN_KEY, mfa_token)
                .map_err(AppError::internal)?;
            session
                .insert(MFA_NEXT_KEY, &next)
                .map_err(AppError::internal)?;
            Ok(see_other("/login/mfa"))
        }
        Finished::Complete { pending } => {
            session
                .insert(PROVIDER_PENDING_KEY, pending)
                .map_err(AppError::internal)?;
            Ok(see_other(&format!("/login/{id}/complete")))
        }
        Finished::AddressTaken { pending, .. } => {
            session
                .insert(PROVIDER_PENDING_KEY, pending)
                .map_err(AppError::internal)?;
            Ok(see_other(&format!("/login/{id}/link")))
        }
        Finished::Linked => {
            flash(
                &session,
                format!(
                    "Your {} account is linked: you can now sign in with it.",
                    provider.name()
                ),
            );
            Ok(see_other("/account#providers"))
        }
        Finished::Confirmed(pair) => {
            flash(&session, "Confirmed: it's you.");
            let mut response = see_other(&next);
            cookies::set_login(&mut response, &pair, state.tokens.secure_cookies);
            Ok(response)
        }
    }
}

#[derive(Template)]
#[template(path = "auth/provider_complete.html")]
struct CompletePage {
    chrome: Chrome,
    provider_id: String,
    provider_name: String,
    email: String,
    username: String,
    errors: FieldErrors,
}

/// The pending identity this browser holds, or the "too long or another browser" refusal.
fn held_pending(session: &Session) -> Option<String> {
    session.get::<String>(PROVIDER_PENDING_KEY).ok().flatten()
}

fn start_again(session: &Session) -> HttpResponse {
    flash(session, ProviderRefusal::State.sentence(""));
    see_other("/login")
}

/// `GET /login/{id}/complete`: the address the provider gave, and a username to pick
/// (prefilled from the provider's).
pub async fn complete_form(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let provider = provider(&state, &path)?;
    let pending = match held_pending(&session) {
        Some(token) => {
            state
                .accounts()
                .pending_identity(&token, rows::COMPLETE, provider.id())
                .await?
        }
        None => None,
    };
    let Some(pending) = pending else {
        return Ok(start_again(&session));
    };
    let username = crate::accounts::federation::suggested_username(
        pending.username_hint.as_deref(),
        pending.email.as_deref(),
    );
    let page = CompletePage {
        chrome: Chrome::new(&session, "Create your account", None),
        provider_id: provider.id().to_string(),
        provider_name: provider.name().to_string(),
        email: pending.email.unwrap_or_default(),
        username,
        errors: FieldErrors::new(),
    };
    render(&page, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct CompleteForm {
    #[serde(default)]
    pub username: String,
}

/// `POST /login/{id}/complete`: makes the account (no password), links the identity, signs it
/// in. A taken or bad username: the form again (422).
pub async fn complete(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<CompleteForm>,
) -> Result<HttpResponse, AppError> {
    let provider = provider(&state, &path)?;
    let Some(token) = held_pending(&session) else {
        return Ok(start_again(&session));
    };
    let accounts = state.accounts();
    let Some(pending) = accounts
        .pending_identity(&token, rows::COMPLETE, provider.id())
        .await?
    else {
        return Ok(start_again(&session));
    };
    let again = |errors: FieldErrors| {
        let page = CompletePage {
            chrome: Chrome::new(&session, "Create your account", None),
            provider_id: provider.id().to_string(),
            provider_name: provider.name().to_string(),
            email: pending.email.clone().unwrap_or_default(),
            username: form.username.clone(),
            errors,
        };
        render(&page, StatusCode::UNPROCESSABLE_ENTITY)
    };
    let username = match Username::parse(&form.username) {
        Ok(username) => username,
        Err(message) => return again(FieldErrors::single("username", message)),
    };
    let user = match accounts
        .complete_provider_account(provider, &token, username, &client)
        .await?
    {
        Ok(user) => user,
        Err(CompleteRefusal::Taken(taken)) => return again(taken.errors()),
        Err(CompleteRefusal::Gone) => return Ok(start_again(&session)),
        Err(CompleteRefusal::Closed) => {
            flash(
                &session,
                ProviderRefusal::RegistrationClosed.sentence(provider.name()),
            );
            return Ok(see_other("/login"));
        }
    };
    let _ = session.remove(PROVIDER_PENDING_KEY);
    if state.notifier.settings.require_verified_email && !user.email_verified {
        flash(
            &session,
            format!(
                "Welcome to Sigil, {}! Confirm your address with the link we sent to {}, then \
                 sign in with {}.",
                user.username,
                user.email,
                provider.name()
            ),
        );
        return Ok(see_other("/login"));
    }
    let started = accounts
        .start_session_via(&user, &client, &["fed"], Some(provider.id()))
        .await?;
    let message = match user.email_verified {
        true => format!(
            "Welcome to Sigil, {}! Your account is ready.",
            user.username
        ),
        false => format!(
            "Welcome to Sigil, {}! Your account is ready. We sent a link to {} to confirm \
             your address.",
            user.username, user.email
        ),
    };
    Ok(start_session(
        &state,
        &session,
        &started.pair,
        &safe_next(Some(&pending.next)),
        message,
    ))
}

#[derive(Template)]
#[template(path = "auth/provider_link.html")]
struct LinkPage {
    chrome: Chrome,
    provider_id: String,
    provider_name: String,
    email: String,
    /// The signed-in account the identity would be linked to; `None`: sign in first.
    username: Option<String>,
}

/// `GET /login/{id}/link`: an identity whose address has an account is never linked on its
/// own. Signed out, the page says so and offers "Sign in to link"; signed in, it asks "Link
/// {name} account {email} to {username}?".
pub async fn link_form(
    state: web::Data<AppState>,
    session: Session,
    viewer: Viewer,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let provider = provider(&state, &path)?;
    let pending = match held_pending(&session) {
        Some(token) => {
            state
                .accounts()
                .pending_identity(&token, rows::LINK, provider.id())
                .await?
        }
        None => None,
    };
    let Some(pending) = pending else {
        return Ok(start_again(&session));
    };
    let heading = match viewer.0 {
        Some(_) => "Link this sign-in?",
        None => "This address already has an account",
    };
    let page = LinkPage {
        chrome: Chrome::new(&session, heading, viewer.0.as_ref()),
        provider_id: provider.id().to_string(),
        provider_name: provider.name().to_string(),
        email: pending.email.unwrap_or_default(),
        username: viewer.0.map(|v| v.user.username.clone()),
    };
    render(&page, StatusCode::OK)
}

/// `POST /login/{id}/link`: links the pending identity to the signed-in account. Needs a
/// recent sign-in (the password and second factor, or a passkey: "Confirm it's you" when it
/// is older), so holding a signed-in browser is not enough to attach an identity to it.
pub async fn link(
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    path: web::Path<String>,
    RecentForm { user, .. }: RecentForm<Confirm>,
) -> Result<HttpResponse, AppError> {
    let provider = provider(&state, &path)?;
    let Some(token) = held_pending(&session) else {
        return Ok(start_again(&session));
    };
    let linked = state
        .accounts()
        .link_pending(provider, &token, &user.user, &client)
        .await?;
    let _ = session.remove(PROVIDER_PENDING_KEY);
    match linked {
        Ok(()) => flash(
            &session,
            format!(
                "Your {} account is linked: you can now sign in with it.",
                provider.name()
            ),
        ),
        Err(refused) => flash(&session, refused.sentence(provider.name())),
    }
    Ok(see_other("/account#providers"))
}

/// `POST /reauthenticate/{id}` (from "Confirm it's you"): a trip to the provider with
/// `prompt=login&max_age=0`; the callback renews the session when the provider signed the
/// user in again just now.
pub async fn reauthenticate(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    SignedInForm { user, form }: SignedInForm<ReturnTo>,
) -> Result<HttpResponse, AppError> {
    let provider = provider(&state, &path)?;
    let next = safe_next(Some(&form.return_to));
    if !provider.can_confirm() {
        flash(
            &session,
            format!(
                "{} cannot confirm a recent sign-in: use your password or a passkey.",
                provider.name()
            ),
        );
        return Ok(see_other(&next));
    }
    let purpose = Purpose::Confirm {
        user_id: user.user.id,
        session_id: user.claims.sid.clone(),
    };
    go_to_provider(&state, &session, provider, purpose, &next, &next).await
}

/// The page "Confirm it's you" came from.
#[derive(Deserialize)]
pub struct ReturnTo {
    #[serde(default)]
    pub return_to: String,
}
