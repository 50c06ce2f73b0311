//! Log in, register, log out, and the browser's refresh.

pub mod passkey;
pub mod provider;
pub mod recovery;
pub mod second_step;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::accounts::mfa::SignInStep;
use crate::accounts::sessions::LogoutScope;
use crate::accounts::{NewAccount, RegisterRequest};
use crate::auth::credentials::REFRESH_COOKIE;
use crate::auth::{cookies, csrf};
use crate::db::users::User;
use crate::domain::Password;
use crate::error::{AppError, AuthFailure, FieldErrors};
use crate::http::body::Field;
use crate::http::client::ClientInfo;
use crate::routes::web::browser_session::{
    afresh_keeping_pending, allow_form_to_app, app_waiting, logged_out, start_session, AppWaiting,
    MFA_NEXT_KEY, MFA_TOKEN_KEY,
};
use crate::routes::web::errors::url_encode;
use crate::routes::web::extract::{CsrfForm, Viewer};
use crate::routes::web::layout::{flash, flash_with_link, Chrome};
use crate::routes::web::{render, safe_next, see_other, with_retry_after};
use crate::state::{AppState, LoginAttempt};

#[derive(Deserialize)]
pub struct NextParam {
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    chrome: Chrome,
    username: String,
    next: String,
    error: Option<String>,
    /// Whether to offer "Sign in with a passkey" (shown by the script where the browser can).
    passkeys: bool,
    /// The app this sign-in continues to, if any.
    app: Option<AppWaiting>,
    /// "Continue with …", one per outside provider.
    providers: Vec<ProviderButton>,
}

/// A "Continue with {name}" button: where it goes.
pub struct ProviderButton {
    pub name: String,
    pub href: String,
}

/// The buttons of the configured providers, each carrying `next` (and an invitation).
fn provider_buttons(state: &AppState, next: &str, invitation: &str) -> Vec<ProviderButton> {
    let mut query = format!("next={}", url_encode(next));
    if !invitation.is_empty() {
        query.push_str(&format!("&invitation={}", url_encode(invitation)));
    }
    state
        .accounts()
        .providers
        .all()
        .iter()
        .map(|p| ProviderButton {
            name: p.name().to_string(),
            href: format!("/login/{}?{query}", p.id()),
        })
        .collect()
}

/// The login form, with `error` and the typed name when a sign-in was refused.
pub fn login_page(
    state: &AppState,
    session: &Session,
    (username, next): (String, String),
    app: Option<AppWaiting>,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let page = LoginPage {
        chrome: Chrome::new(session, "Sign in", None),
        providers: provider_buttons(state, &next, ""),
        username,
        next,
        error,
        passkeys: state.relying_party.is_some(),
        app,
    };
    let mut response = render(&page, status)?;
    allow_form_to_app(&mut response, page.app.as_ref());
    Ok(response)
}

/// `GET /login`.
pub async fn login_form(
    state: web::Data<AppState>,
    session: Session,
    viewer: Viewer,
    query: web::Query<NextParam>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.next.as_deref());
    if viewer.0.is_some() {
        return Ok(see_other(&next));
    }
    let app = app_waiting(&state, &next).await;
    login_page(
        &state,
        &session,
        (String::new(), next),
        app,
        None,
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    pub next: Option<String>,
}

/// `POST /login`: sets the cookies and goes to `next`; a wrong name or password re-renders
/// the form (401) with one message and the typed name, never the password. Past the
/// per-address limit the form comes back too (429, `Retry-After`), saying how long to wait.
pub async fn login(
    attempt: Result<LoginAttempt, AppError>,
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(form.next.as_deref());
    let app = app_waiting(&state, &next).await;
    let refuse = |session: &Session, status: StatusCode, message: &str| {
        let (username, error) = (form.username.clone(), Some(message.to_string()));
        let page = (username, next.clone());
        login_page(&state, session, page, app.clone(), error, status)
    };
    let client = match attempt {
        Ok(LoginAttempt(client)) => client,
        Err(AppError::TooManyRequests { retry_after_secs }) => {
            let message = format!(
                "Too many sign-in attempts from your network. Wait {}, then try again.",
                crate::accounts::throttle::wait_in_words(retry_after_secs)
            );
            let page = refuse(&session, StatusCode::TOO_MANY_REQUESTS, &message)?;
            return Ok(with_retry_after(page, Some(retry_after_secs)));
        }
        Err(e) => return Err(e),
    };
    if form.username.trim().is_empty() || form.password.is_empty() {
        return refuse(
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter your username (or email) and your password.",
        );
    }
    if Password::check_candidate(&form.password).is_err() {
        return refuse(
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            &Password::too_long_in_words(&form.password),
        );
    }
    let checked = state
        .accounts()
        .check_sign_in(form.username.clone(), form.password.clone(), &client)
        .await?;
    let user = match checked {
        Ok(user) => user,
        Err(refusal) => {
            // Inside the account's wait: 429 and the form again, saying how long.
            let page = refuse(&session, refusal.status(), &refusal.page_sentence())?;
            return Ok(with_retry_after(page, refusal.retry_after()));
        }
    };
    // A right password that the lists now flag still signs in; the next page says so. The
    // bundled list and the operator's file only: a sign-in never waits on the range API.
    let policy = &state.accounts().password_policy;
    let flagged = policy.flags(&form.password, false).await;
    let message = format!("Welcome back, {}.", user.username);
    let response = signed_in(&state, &session, &user, client, &next, message).await?;
    if flagged {
        flash_with_link(
            &session,
            CHANGE_IT,
            ("/account#password", "Change your password"),
        );
    }
    Ok(response)
}

/// What a sign-in with a common or breached password is told.
const CHANGE_IT: &str = "Your password is now on a list of common or breached passwords, \
                         which attackers try first. Choose a new one.";

/// After a right password: with a second factor on, the browser goes on to `/login/mfa`
/// (the `mfa_token` and `next` kept in its signed cookie session); otherwise its session
/// starts: a fresh cookie session (no fixation), the flash message, both token cookies, and a
/// 303 to `next`.
async fn signed_in(
    state: &AppState,
    session: &Session,
    user: &User,
    client: ClientInfo,
    next: &str,
    message: String,
) -> Result<HttpResponse, AppError> {
    let pair = match state.accounts().after_password(user, &client).await? {
        SignInStep::Done(started) => started.pair,
        SignInStep::SecondFactor { mfa_token, .. } => {
            afresh_keeping_pending(session);
            session
                .insert(MFA_TOKEN_KEY, mfa_token)
                .map_err(AppError::internal)?;
            session
                .insert(MFA_NEXT_KEY, next)
                .map_err(AppError::internal)?;
            return Ok(see_other("/login/mfa"));
        }
    };
    Ok(start_session(state, session, &pair, next, message))
}

#[derive(Template)]
#[template(path = "auth/register.html")]
struct RegisterPage {
    chrome: Chrome,
    email: String,
    username: String,
    errors: FieldErrors,
    /// The invitation's token, carried in a hidden field; empty when there is none.
    invitation: String,
    /// The address is the invitation's, shown but not typed.
    invited: bool,
    providers: Vec<ProviderButton>,
}

/// Registration refused by its mode or a bad invitation: a page that says so, no form.
#[derive(Template)]
#[template(path = "auth/register_refused.html")]
struct RegisterRefusedPage {
    chrome: Chrome,
    heading: &'static str,
    message: String,
}

/// The page of a registration [`crate::accounts::Accounts::admit_registration`] refused:
/// `403` for a closed registration or a missing invitation, `422` for a bad one; other errors
/// go on.
fn register_refused(session: &Session, error: AppError) -> Result<HttpResponse, AppError> {
    use crate::accounts::invitations as inv;
    let (heading, message, status) = match error {
        AppError::RegistrationRefused { problem_type, .. } => {
            // The page says what to do next, not the API's sentence again under its heading.
            let (heading, message) = match problem_type {
                inv::CLOSED_TYPE => (
                    inv::CLOSED,
                    "New accounts are made by this site's administrators. If you should have \
                     one, ask them.",
                ),
                _ => (
                    inv::INVITATION_REQUIRED,
                    "Ask an administrator for an invitation: it comes by e-mail, with a link \
                     that opens this page ready to register.",
                ),
            };
            (heading, message.to_string(), StatusCode::FORBIDDEN)
        }
        AppError::Validation(errors) if errors.first("invitation").is_some() => (
            "This invitation does not work",
            inv::BAD_INVITATION.to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        other => return Err(other),
    };
    let page = RegisterRefusedPage {
        chrome: Chrome::new(session, heading, None),
        heading,
        message,
    };
    render(&page, status)
}

/// `?invitation=` of the link an invitation mails.
#[derive(Deserialize)]
pub struct InvitationParam {
    pub invitation: Option<String>,
}

/// `GET /register` (`?invitation=…`): the form, with the invited address when there is an
/// invitation; the refusal page when registration is closed or needs an invitation.
pub async fn register_form(
    session: Session,
    viewer: Viewer,
    client: ClientInfo,
    state: web::Data<AppState>,
    query: web::Query<InvitationParam>,
) -> Result<HttpResponse, AppError> {
    if viewer.0.is_some() {
        return Ok(see_other("/"));
    }
    let invitation = query.invitation.clone().unwrap_or_default();
    let admission = match state
        .accounts()
        .admit_registration(Some(&invitation), &client)
        .await
    {
        Ok(admission) => admission,
        Err(e) => return register_refused(&session, e),
    };
    let invited = admission.invited_email().map(str::to_string);
    let with_invitation = match &invited {
        Some(_) => invitation.trim(),
        None => "",
    };
    let providers = provider_buttons(&state, "/", with_invitation);
    let page = RegisterPage {
        providers,
        chrome: Chrome::new(&session, "Create an account", None),
        invited: invited.is_some(),
        email: invited.unwrap_or_default(),
        username: String::new(),
        errors: FieldErrors::new(),
        invitation: if admission.invited_email().is_some() {
            invitation.trim().to_string()
        } else {
            String::new()
        },
    };
    render(&page, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
    #[serde(default)]
    pub invitation: String,
}

impl RegisterForm {
    /// The account, or every problem: the fields' own rules and a confirmation that differs.
    fn parse(&self) -> Result<NewAccount, FieldErrors> {
        let parsed = NewAccount::try_from(RegisterRequest {
            email: Field::Text(self.email.clone()),
            username: Field::Text(self.username.clone()),
            password: Field::Text(self.password.clone()),
            invitation: Field::Absent,
        });
        let confirmed = self.password == self.password_confirm;
        let parsed = parsed.map_err(|errors| password_in_words(errors, &self.password));
        match parsed {
            Ok(account) if confirmed => Ok(account),
            Ok(_) => Err(FieldErrors::single("password_confirm", MISMATCH)),
            Err(mut errors) => {
                if errors.first("password").is_none() && !confirmed {
                    errors.add("password_confirm", MISMATCH);
                }
                Err(errors)
            }
        }
    }

    fn rerender(&self, session: &Session, errors: FieldErrors) -> Result<HttpResponse, AppError> {
        let page = RegisterPage {
            chrome: Chrome::new(session, "Create an account", None),
            providers: Vec::new(),
            email: self.email.clone(),
            username: self.username.clone(),
            errors,
            invited: !self.invitation.trim().is_empty(),
            invitation: self.invitation.clone(),
        };
        render(&page, StatusCode::UNPROCESSABLE_ENTITY)
    }
}

const MISMATCH: &str = "The two passwords do not match.";

/// The account rules' errors with an over-long password's message in characters, not bytes
/// (the JSON API keeps the exact figure).
fn password_in_words(errors: FieldErrors, password: &str) -> FieldErrors {
    if password.len() <= Password::MAX_BYTES || errors.first("password").is_none() {
        return errors;
    }
    let mut worded = FieldErrors::new();
    for (field, messages) in errors.iter() {
        if field == "password" {
            worded.add(field, Password::too_long_in_words(password));
        } else {
            messages.iter().for_each(|m| worded.add(field, m.clone()));
        }
    }
    worded
}

/// `POST /register`: creates the account, logs it in and goes home (303); invalid or taken
/// fields re-render the form (422) with messages beside the fields.
pub async fn register(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(mut form): CsrfForm<RegisterForm>,
) -> Result<HttpResponse, AppError> {
    let accounts = state.accounts();
    let admission = match accounts
        .admit_registration(Some(&form.invitation), &client)
        .await
    {
        Ok(admission) => admission,
        Err(e) => return register_refused(&session, e),
    };
    match admission.invited_email() {
        Some(invited) => form.email = invited.to_string(),
        None => form.invitation.clear(),
    }
    let new = match form.parse() {
        Ok(new) => new,
        Err(errors) => return form.rerender(&session, errors),
    };
    if let Err(errors) = admission.check_domain(&accounts.protection, &new.email) {
        return form.rerender(&session, errors);
    }
    let user = match accounts.register(new, admission).await {
        Ok(Ok(user)) => user,
        Ok(Err(taken)) => return form.rerender(&session, taken.errors()),
        // A password the policy refuses: its message at the field.
        Err(AppError::PasswordRefused { field, message, .. }) => {
            return form.rerender(&session, FieldErrors::single(field, message))
        }
        Err(e) => return register_refused(&session, e),
    };
    if user.email_verified {
        let message = format!(
            "Welcome to Sigil, {}! Your account is ready.",
            user.username
        );
        return signed_in(&state, &session, &user, client, "/", message).await;
    }
    if state.notifier.settings.require_verified_email {
        flash(
            &session,
            format!("Welcome to Sigil, {}! Confirm your address with the link we sent to {}, then sign in.", user.username, user.email),
        );
        return Ok(see_other("/login"));
    }
    let message = format!(
        "Welcome to Sigil, {}! Your account is ready. We sent a link to {} to confirm your address.",
        user.username, user.email
    );
    signed_in(&state, &session, &user, client, "/", message).await
}

/// What a script or a form posts to `/auth/refresh`.
#[derive(Deserialize)]
pub struct RefreshForm {
    #[serde(default)]
    pub csrf_token: String,
    pub next: Option<String>,
}

/// `POST /logout`: revokes this browser's token and session, clears the cookies.
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    viewer: Viewer,
    client: ClientInfo,
    CsrfForm(form): CsrfForm<LogoutForm>,
) -> Result<HttpResponse, AppError> {
    if let Some(auth) = viewer.0 {
        state
            .accounts()
            .logout(
                &auth.claims,
                auth.user.id,
                LogoutScope::ThisSession,
                &client,
            )
            .await?;
    } else if let Some(refresh) = req.cookie(REFRESH_COOKIE) {
        // No live access token, but a refresh cookie: end its session too.
        state
            .accounts()
            .logout_refresh(refresh.value(), &client)
            .await?;
    }
    let mut response = logged_out(
        &session,
        "You have been signed out.",
        state.tokens.secure_cookies,
    );
    // "Not you?" on an app's consent page: sign in as someone else, then on to the app.
    if let Some(next) = form.next.filter(|n| n.starts_with("/oauth/authorize/")) {
        let location = format!("/login?next={}", url_encode(&safe_next(Some(&next))));
        if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&location) {
            response
                .headers_mut()
                .insert(actix_web::http::header::LOCATION, value);
        }
    }
    Ok(response)
}

/// `POST /logout`: the CSRF token, and where to sign in again for (an app's request only).
#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    pub next: Option<String>,
}

/// `POST /auth/refresh`: rotates the `refresh_token` cookie and sets a new `access_token`;
/// 204 for scripts, or 303 to a local `next` for a form. Needs the CSRF token.
pub async fn refresh(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    form: Option<web::Form<RefreshForm>>,
) -> Result<HttpResponse, AppError> {
    let form = form.map(web::Form::into_inner);
    let presented_csrf = form
        .as_ref()
        .map(|f| f.csrf_token.clone())
        .filter(|t| !t.is_empty())
        .or_else(|| csrf::from_header(&req).map(str::to_string))
        .unwrap_or_default();
    csrf::verify(&session, Some(&presented_csrf))?;
    let Some(cookie) = req.cookie(REFRESH_COOKIE) else {
        return Err(AppError::Unauthorized(AuthFailure::BadCredentials(
            "There is no refresh cookie; sign in again.".into(),
        )));
    };
    match state.accounts().rotate(cookie.value(), &client).await? {
        Ok(pair) => {
            let mut response = match form.and_then(|f| f.next) {
                Some(next) => see_other(&safe_next(Some(&next))),
                None => HttpResponse::NoContent().finish(),
            };
            cookies::set_login(&mut response, &pair, state.tokens.secure_cookies);
            Ok(response)
        }
        Err(refusal) => {
            // The error page, and the dead cookies dropped so the browser stops sending them.
            let refused = AppError::Unauthorized(AuthFailure::BadCredentials(refusal.sentence()));
            let mut response = crate::routes::web::errors::page_for(&refused);
            cookies::clear(&mut response, state.tokens.secure_cookies);
            Ok(response)
        }
    }
}
