//! `GET /account`: profile, e-mail and password changes, two-step sign-in
//! ([`crate::routes::web::mfa`]), active sessions, [`apps`] with access, recent security
//! activity, log out everywhere, and the way to [`delete`] the account.

pub mod activity;
pub mod apps;
pub mod delete;
pub mod identities;
pub mod mfa;
pub mod passkeys;
pub mod removal;
pub mod tokens;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::accounts::email::EmailChangeError;
use crate::accounts::sessions::LogoutScope;
use crate::accounts::PasswordChangeError;
use crate::auth::cookies;
use crate::auth::extract::Authenticated;
use crate::auth::scopes::Scope;
use crate::db::passkeys::PasskeyRow;
use crate::domain::{Email, Keyset, Password};
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;
use crate::i18n::{Moment, Shown};
use crate::routes::web::account::activity::own_events;
use crate::routes::web::browser_session::{allow_forms_to_providers, logged_out};
use crate::routes::web::extract::{Confirm, SignedIn, SignedInForm};
use crate::routes::web::layout::{flash, Chrome};
use crate::routes::web::lines::{EventLine, SessionLine, TokenLine};
use crate::routes::web::recent::{Prefill, RecentForm, Sensitive};
use crate::routes::web::{render, see_other, utc};
use crate::state::{AppState, LoginAttempt};

#[derive(Template)]
#[template(path = "account/index.html")]
struct AccountPage {
    chrome: Chrome,
    email: String,
    username: String,
    member_since: crate::i18n::Day,
    sessions: Vec<SessionLine>,
    /// The apps with access (consent or live client sessions), by name.
    apps: Vec<apps::AppLine>,
    /// The newest 20 security events, and the link to older ones when there are more.
    events: Vec<EventLine>,
    show_user: bool,
    more_events: Option<String>,
    email_verified: bool,
    /// The password form's errors.
    errors: FieldErrors,
    /// The e-mail form's errors and typed address.
    email_errors: FieldErrors,
    new_email: String,
    /// Two-step sign-in: `None` when off, else how many recovery codes are left.
    recovery_codes_left: Option<i64>,
    /// The user's passkeys; `None` when passkeys are off (PUBLIC_URL names an IP address).
    passkeys: Option<Vec<PasskeyLine>>,
    /// The add-a-passkey form's errors and typed name.
    passkey_errors: FieldErrors,
    /// Personal access tokens not revoked, newest first.
    tokens: Vec<TokenLine>,
    /// The create-a-token form: its errors, what was typed, the scopes offered, the
    /// lifetimes offered and the one chosen.
    token_errors: FieldErrors,
    token_form: tokens::TokenForm,
    scope_choices: Vec<ScopeChoice>,
    lifetimes: Vec<u32>,
    token_expires: String,
    /// The token just created, shown this once.
    new_token: Option<NewToken>,
    passkey_name: String,
    /// The passkeys section's message after adding or removing one, shown in that section
    /// (the redirect's `#passkeys` scrolls there), not at the top of this long page.
    passkey_notice: Option<String>,
    /// The removal forms' errors (`totp_password`, `passkey_password`).
    removal_errors: FieldErrors,
    /// Whether the e-mail form asks for the current password: not when "Confirm it's you"
    /// will ask for it (the sign-in is not recent), and then makes the change itself.
    email_password_asked: bool,
    /// Whether the account has a password (one made through a provider has none).
    has_password: bool,
    /// "Sign-in providers"; `None` when none is configured or linked.
    providers: Option<identities::ProvidersSection>,
}

const SECTION_NOTICE: &str = "account_section_notice";

/// A message for one section of `/account` (its id, such as `passkeys`), shown there on the
/// next showing of the page, in place of the flash message at the top.
pub(super) fn section_notice(session: &Session, section: &str, message: impl Into<String>) {
    let notice = (section.to_string(), message.into());
    if let Err(e) = session.insert(SECTION_NOTICE, notice) {
        log::warn!("cannot keep a message in the session: {e}");
    }
}

/// A scope checkbox of the create-a-token form.
pub struct ScopeChoice {
    pub name: &'static str,
    pub description: &'static str,
    pub checked: bool,
}

/// A token just created, for its one showing.
pub struct NewToken {
    pub name: String,
    pub token: String,
}

/// A passkey as the account page lists it.
pub struct PasskeyLine {
    pub id: i32,
    pub name: String,
    pub created_at: Moment,
    pub last_used_at: Shown,
}

impl From<&PasskeyRow> for PasskeyLine {
    fn from(p: &PasskeyRow) -> Self {
        Self {
            id: p.id,
            name: p.name.clone(),
            created_at: utc(p.created_at),
            last_used_at: p.last_used_at.map_or("never".into(), |t| utc(t).into()),
        }
    }
}

/// Which form of the page was sent back with errors, if any.
pub(super) enum Refused {
    Nothing,
    Password(FieldErrors),
    Email {
        errors: FieldErrors,
        new_email: String,
    },
    Passkey {
        errors: FieldErrors,
        name: String,
        status: StatusCode,
    },
    /// Removing the authenticator app (`totp_password`) or a passkey (`passkey_password`)
    /// without the right password.
    Removal(FieldErrors, StatusCode),
    /// The create-a-token form, sent back with its errors.
    Token {
        errors: FieldErrors,
        form: tokens::TokenForm,
        status: StatusCode,
    },
    /// A token just created: its text, shown this once.
    TokenCreated {
        name: String,
        token: String,
    },
}

pub(super) async fn account_page(
    state: &AppState,
    session: &Session,
    auth: &Authenticated,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let (mut passkey_errors, mut passkey_name) = (FieldErrors::new(), String::new());
    let mut removal_errors = FieldErrors::new();
    let (mut token_errors, mut token_form) = (FieldErrors::new(), tokens::TokenForm::default());
    let mut new_token = None;
    let (status, errors, email_errors, new_email) = match refused {
        Refused::Nothing => {
            // Typed before "Confirm it's you", if that is where the browser comes from.
            let prefill = Prefill::take(session, "/account");
            passkey_name = prefill.get("name").unwrap_or_default().to_string();
            token_form = tokens::TokenForm::from_kept(|n| prefill.get(n).map(String::from));
            let new_email = prefill.get("new_email").unwrap_or_default().to_string();
            (
                StatusCode::OK,
                FieldErrors::new(),
                FieldErrors::new(),
                new_email,
            )
        }
        Refused::Password(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            FieldErrors::new(),
            String::new(),
        ),
        Refused::Email { errors, new_email } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldErrors::new(),
            errors,
            new_email,
        ),
        Refused::Passkey {
            errors,
            name,
            status,
        } => {
            (passkey_errors, passkey_name) = (errors, name);
            (
                status,
                FieldErrors::new(),
                FieldErrors::new(),
                String::new(),
            )
        }
        Refused::Removal(errors, status) => {
            removal_errors = errors;
            (
                status,
                FieldErrors::new(),
                FieldErrors::new(),
                String::new(),
            )
        }
        Refused::Token {
            errors,
            form,
            status,
        } => {
            (token_errors, token_form) = (errors, form);
            (
                status,
                FieldErrors::new(),
                FieldErrors::new(),
                String::new(),
            )
        }
        Refused::TokenCreated { name, token } => {
            new_token = Some(NewToken { name, token });
            (
                StatusCode::OK,
                FieldErrors::new(),
                FieldErrors::new(),
                String::new(),
            )
        }
    };
    let list = state.accounts().active_sessions(auth.user.id).await?;
    let app_lines = apps::lines(state, auth.user.id).await?;
    let newest = Keyset {
        limit: 20,
        before_id: None,
    };
    let (events, more_events) = own_events(state, auth.user.id, newest).await?;
    let recovery_codes_left = state.accounts().recovery_codes_left(auth.user.id).await?;
    let passkeys = match state.relying_party {
        Some(_) => Some(state.accounts().passkeys(auth.user.id).await?),
        None => None,
    };
    let token_rows = state.accounts().pats(auth.user.id).await?;
    let passkey_notice = match session.remove_as::<(String, String)>(SECTION_NOTICE) {
        Some(Ok((section, message))) if section == "passkeys" => Some(message),
        _ => None,
    };
    let has_password = auth.user.has_password();
    let email_password_asked = state.tokens.is_recent(&auth.claims) && has_password;
    let providers = identities::section(state, auth.user.id).await?;
    let ticked = token_form.ticked();
    let scope_choices = Scope::ALL
        .into_iter()
        .filter(|s| !s.is_admin() || auth.user.is_admin())
        .map(|s| ScopeChoice {
            name: s.as_str(),
            description: s.description(),
            checked: ticked.contains(&s),
        })
        .collect();
    let page = AccountPage {
        chrome: Chrome::new(session, "Your account", Some(auth)),
        tokens: token_rows.iter().map(TokenLine::from).collect(),
        token_errors,
        lifetimes: tokens::LIFETIMES.to_vec(),
        token_expires: if token_form.expires.is_empty() {
            "30".into()
        } else {
            token_form.expires.clone()
        },
        token_form,
        scope_choices,
        new_token,
        email: auth.user.email.clone(),
        username: auth.user.username.clone(),
        member_since: crate::i18n::Day(auth.user.created_at),
        sessions: list
            .into_iter()
            .map(|s| SessionLine::new(s, Some(&auth.claims.sid)))
            .collect(),
        apps: app_lines,
        events,
        show_user: false,
        more_events,
        email_verified: auth.user.email_verified,
        errors,
        email_errors,
        new_email,
        recovery_codes_left,
        passkeys: passkeys.map(|rows| rows.iter().map(PasskeyLine::from).collect()),
        passkey_errors,
        passkey_name,
        passkey_notice,
        removal_errors,
        email_password_asked,
        has_password,
        providers,
    };
    let mut response = render(&page, status)?;
    allow_forms_to_providers(&mut response, state);
    Ok(response)
}

/// `GET /account`.
pub async fn show(
    state: web::Data<AppState>,
    session: Session,
    SignedIn(auth): SignedIn,
) -> Result<HttpResponse, AppError> {
    account_page(&state, &session, &auth, Refused::Nothing).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub new_password: String,
    #[serde(default)]
    pub new_password_confirm: String,
}

impl PasswordForm {
    /// The new password, or every problem with the three fields.
    fn parse(&self) -> Result<Password, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.current_password.is_empty() {
            errors.add("current_password", "Enter your current password.");
        }
        let new = errors.take("new_password", Password::parse_in_words(&self.new_password));
        if new.is_some() && self.new_password != self.new_password_confirm {
            errors.add("new_password_confirm", "The two passwords do not match.");
        }
        errors.finish(|| new)
    }
}

/// `POST /account/password`: every other session ends; this browser gets a new one.
pub async fn change_password(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    session: Session,
    SignedInForm { user: auth, form }: SignedInForm<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let new = match form.parse() {
        Ok(new) => new,
        Err(errors) => {
            return account_page(&state, &session, &auth, Refused::Password(errors)).await
        }
    };
    let changed = state
        .accounts()
        .change_password(
            &auth.user,
            form.current_password,
            new,
            &client,
            (&auth.claims.amr, auth.claims.auth_time),
        )
        .await;
    match changed {
        Ok(pair) => {
            flash(
                &session,
                "Password changed. Every other session has been signed out.",
            );
            let mut response = see_other("/account");
            cookies::set_login(&mut response, &pair, state.tokens.secure_cookies);
            Ok(response)
        }
        Err(PasswordChangeError::WrongCurrent) => {
            let errors =
                FieldErrors::single("current_password", crate::accounts::WRONG_CURRENT_PASSWORD);
            account_page(&state, &session, &auth, Refused::Password(errors)).await
        }
        // A new password the policy refuses: its message at the field.
        Err(PasswordChangeError::App(AppError::PasswordRefused { field, message, .. })) => {
            let errors = FieldErrors::single(field, message);
            account_page(&state, &session, &auth, Refused::Password(errors)).await
        }
        Err(PasswordChangeError::App(e)) => Err(e),
    }
}

/// `POST /account/sessions/{id}/revoke`.
pub async fn revoke_session(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    client: ClientInfo,
    SignedInForm { user: auth, .. }: SignedInForm<Confirm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let current = id == auth.claims.sid;
    state
        .accounts()
        .revoke_session(auth.user.id, id, &client)
        .await?;
    if current {
        return Ok(logged_out(
            &session,
            "This session was revoked; you are signed out.",
            state.tokens.secure_cookies,
        ));
    }
    flash(&session, "Session revoked.");
    Ok(see_other("/account"))
}

/// `POST /account/logout-all`.
pub async fn logout_all(
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    SignedInForm { user: auth, .. }: SignedInForm<Confirm>,
) -> Result<HttpResponse, AppError> {
    state
        .accounts()
        .logout(&auth.claims, auth.user.id, LogoutScope::Everywhere, &client)
        .await?;
    Ok(logged_out(
        &session,
        "You have been signed out everywhere.",
        state.tokens.secure_cookies,
    ))
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    pub new_email: String,
    #[serde(default)]
    pub email_password: String,
}

impl Sensitive for EmailForm {
    const KEPT: &'static [&'static str] = &["new_email"];
}

/// `POST /account/email` (recent sign-in): a link goes to the new address, a notice to the
/// current one.
pub async fn change_email(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    session: Session,
    RecentForm { user: auth, form }: RecentForm<EmailForm>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let new_email = errors.take("new_email", Email::parse(&form.new_email));
    // An account without a password (made through a provider) has none to give.
    if let (true, Err(m)) = (
        auth.user.has_password(),
        Password::check_candidate(&form.email_password),
    ) {
        errors.add("email_password", m);
    }
    let refuse = |errors: FieldErrors| Refused::Email {
        errors,
        new_email: form.new_email.clone(),
    };
    let Some(new_email) = new_email.filter(|_| errors.is_empty()) else {
        return account_page(&state, &session, &auth, refuse(errors)).await;
    };
    let shown = new_email.as_str().to_string();
    let password = form.email_password.clone();
    let started = state
        .accounts()
        .change_email(&auth.user, new_email, password, &client)
        .await;
    let problem = match started {
        Ok(()) => {
            flash(
                &session,
                format!("We sent a link to {shown}. Your address changes when you follow it."),
            );
            return Ok(see_other("/account#email"));
        }
        Err(EmailChangeError::WrongPassword) => {
            FieldErrors::single("email_password", crate::accounts::WRONG_CURRENT_PASSWORD)
        }
        Err(EmailChangeError::Unchanged) => {
            FieldErrors::single("new_email", "This is already your address.")
        }
        Err(EmailChangeError::DomainRefused(message)) => FieldErrors::single("new_email", message),
        Err(EmailChangeError::App(e)) => return Err(e),
    };
    account_page(&state, &session, &auth, refuse(problem)).await
}

/// `POST /account/email/resend`: a new verification link for the current address.
pub async fn resend_verification(
    _: LoginAttempt,
    state: web::Data<AppState>,
    session: Session,
    SignedInForm { user: auth, .. }: SignedInForm<Confirm>,
) -> Result<HttpResponse, AppError> {
    if !auth.user.email_verified {
        state.accounts().send_verification(&auth.user).await?;
    }
    flash(
        &session,
        format!("We sent a new link to {}.", auth.user.email),
    );
    Ok(see_other("/account"))
}
