//! Log in, register, log out, and the browser's refresh.

pub mod passkey;
pub mod recovery;
pub mod second_step;

use actix_session::Session;
use actix_web::http::{header, StatusCode};
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
use crate::routes::web::browser_session::{logged_out, start_session, MFA_NEXT_KEY, MFA_TOKEN_KEY};
use crate::routes::web::extract::{Confirm, CsrfForm, Viewer};
use crate::routes::web::layout::{flash, Chrome};
use crate::routes::web::{render, safe_next, see_other};
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
}

/// The login form, with `error` and the typed name when a sign-in was refused.
pub fn login_page(
    state: &AppState,
    session: &Session,
    username: String,
    next: String,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let page = LoginPage {
        chrome: Chrome::new(session, "Sign in", None),
        username,
        next,
        error,
        passkeys: state.relying_party.is_some(),
    };
    render(&page, status)
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
    login_page(&state, &session, String::new(), next, None, StatusCode::OK)
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
    let refuse = |session: &Session, status: StatusCode, message: &str| {
        let (username, error) = (form.username.clone(), Some(message.to_string()));
        login_page(&state, session, username, next.clone(), error, status)
    };
    let client = match attempt {
        Ok(LoginAttempt(client)) => client,
        Err(AppError::TooManyRequests { retry_after_secs }) => {
            let wait = match retry_after_secs {
                0 | 1 => "a second".to_string(),
                n @ 2..=59 => format!("{n} seconds"),
                60 => "a minute".to_string(),
                n => format!("{} minutes", n.div_ceil(60)),
            };
            let message = format!(
                "Too many sign-in attempts from your network. Wait {wait}, then try again."
            );
            let mut page = refuse(&session, StatusCode::TOO_MANY_REQUESTS, &message)?;
            page.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(retry_after_secs),
            );
            return Ok(page);
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
        Err(refusal) => return refuse(&session, refusal.status(), &refusal.page_sentence()),
    };
    let message = format!("Welcome back, {}.", user.username);
    signed_in(&state, &session, &user, client, &next, message).await
}

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
            csrf::start_afresh(session);
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
}

/// `GET /register`.
pub async fn register_form(session: Session, viewer: Viewer) -> Result<HttpResponse, AppError> {
    if viewer.0.is_some() {
        return Ok(see_other("/"));
    }
    let page = RegisterPage {
        chrome: Chrome::new(&session, "Create an account", None),
        email: String::new(),
        username: String::new(),
        errors: FieldErrors::new(),
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
}

impl RegisterForm {
    /// The account, or every problem: the fields' own rules and a confirmation that differs.
    fn parse(&self) -> Result<NewAccount, FieldErrors> {
        let parsed = NewAccount::try_from(RegisterRequest {
            email: Field::Text(self.email.clone()),
            username: Field::Text(self.username.clone()),
            password: Field::Text(self.password.clone()),
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
            email: self.email.clone(),
            username: self.username.clone(),
            errors,
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
    CsrfForm(form): CsrfForm<RegisterForm>,
) -> Result<HttpResponse, AppError> {
    let new = match form.parse() {
        Ok(new) => new,
        Err(errors) => return form.rerender(&session, errors),
    };
    let user = match state.accounts().register(new).await? {
        Ok(user) => user,
        Err(taken) => return form.rerender(&session, taken.errors()),
    };
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
    _: CsrfForm<Confirm>,
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
    Ok(logged_out(
        &session,
        "You have been signed out.",
        state.tokens.secure_cookies,
    ))
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
