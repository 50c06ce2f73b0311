//! Log in, register, log out, and the browser's refresh.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::errors::PageError;
use super::{check_csrf, current_user, flash, render, safe_next, Chrome};
use crate::auth::credentials::REFRESH_COOKIE;
use crate::auth::tokens::{self, TokenPair};
use crate::auth::{cookies, csrf};
use crate::db::sessions;
use crate::domain::{Email, Password, Username};
use crate::error::{AppError, FieldErrors};
use crate::routes::api::auth::{rate_limit, register_user, user_agent};
use crate::startup::AppState;

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
}

/// `GET /login`.
pub async fn login_form(
    req: HttpRequest,
    session: Session,
    query: web::Query<NextParam>,
) -> Result<HttpResponse, PageError> {
    let next = safe_next(query.next.as_deref());
    if current_user(&req).await.is_some() {
        return Ok(super::see_other(&next));
    }
    let page = LoginPage {
        chrome: Chrome::new(&session, "Log in", None),
        username: String::new(),
        next,
        error: None,
    };
    render(&page, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default)]
    pub csrf_token: String,
}

/// `POST /login`: sets the cookies and goes to `next`; a wrong name or password re-renders
/// the form (401) with one message and the typed name, never the password.
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, PageError> {
    check_csrf(&session, &form.csrf_token)?;
    rate_limit(&state, &req)?;
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let refuse = |session: &Session, status: StatusCode, message: &str| {
        let page = LoginPage {
            chrome: Chrome::new(session, "Log in", None),
            username: form.username.clone(),
            next: next.clone(),
            error: Some(message.to_string()),
        };
        render(&page, status)
    };
    if form.username.trim().is_empty() || form.password.is_empty() {
        return refuse(
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter your username (or email) and your password.",
        );
    }
    if form.password.len() > Password::MAX_BYTES {
        return refuse(
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Passwords are at most 72 bytes long.",
        );
    }
    let user = tokens::check_password(&state, form.username.clone(), form.password.clone()).await?;
    let Some(user) = user else {
        return refuse(
            &session,
            StatusCode::UNAUTHORIZED,
            "Incorrect username or password.",
        );
    };
    let pair = tokens::start_session(&state, &user, user_agent(&req)).await?;
    session.renew();
    flash(&session, format!("Welcome back, {}.", user.username));
    Ok(with_login_cookies(&state, super::see_other(&next), &pair))
}

/// Adds both authentication cookies for a new or rotated pair.
pub fn with_login_cookies(
    state: &AppState,
    mut response: HttpResponse,
    pair: &TokenPair,
) -> HttpResponse {
    let secure = state.settings.cookie_secure;
    for cookie in [
        cookies::access(&pair.access_token, pair.expires_in, secure),
        cookies::refresh(&pair.refresh_token, pair.refresh_expires_in, secure),
    ] {
        if let Err(e) = response.add_cookie(&cookie) {
            log::error!("cannot set a cookie: {e}");
        }
    }
    response
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
pub async fn register_form(req: HttpRequest, session: Session) -> Result<HttpResponse, PageError> {
    if current_user(&req).await.is_some() {
        return Ok(super::see_other("/"));
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
    #[serde(default)]
    pub csrf_token: String,
}

/// `POST /register`: creates the account, logs it in and goes home (303); invalid or taken
/// fields re-render the form (422) with messages beside the fields.
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    form: web::Form<RegisterForm>,
) -> Result<HttpResponse, PageError> {
    check_csrf(&session, &form.csrf_token)?;
    let form = form.into_inner();
    let mut errors = FieldErrors::new();
    let email = errors.take("email", Email::parse(&form.email));
    let username = errors.take("username", Username::parse(&form.username));
    let password = errors.take("password", Password::parse(&form.password));
    if password.is_some() && form.password != form.password_confirm {
        errors.add("password_confirm", "The two passwords do not match.");
    }
    let rerender = |session: &Session, errors: FieldErrors| {
        let page = RegisterPage {
            chrome: Chrome::new(session, "Create an account", None),
            email: form.email.clone(),
            username: form.username.clone(),
            errors,
        };
        render(&page, StatusCode::UNPROCESSABLE_ENTITY)
    };
    let (Some(email), Some(username), Some(password)) = (email, username, password) else {
        return rerender(&session, errors);
    };
    if !errors.is_empty() {
        return rerender(&session, errors);
    }
    let (e, u) = (email.clone(), username.clone());
    let taken = state
        .db
        .run(move |conn| Ok(crate::db::users::User::taken_fields(conn, &e, &u)?))
        .await?;
    if !taken.is_empty() {
        return rerender(&session, taken);
    }
    let user = match register_user(&state, email, username, password).await {
        Ok(user) => user,
        Err(AppError::Conflict(message)) => {
            return rerender(&session, FieldErrors::single("username", message))
        }
        Err(e) => return Err(e.into()),
    };
    let pair = tokens::start_session(&state, &user, user_agent(&req)).await?;
    session.renew();
    flash(
        &session,
        format!(
            "Welcome to Sigil, {}! Your account is ready.",
            user.username
        ),
    );
    Ok(with_login_cookies(&state, super::see_other("/"), &pair))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(default)]
    pub next: Option<String>,
}

/// `POST /logout`: revokes this browser's token and session, clears the cookies.
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    check_csrf(&session, &form.csrf_token)?;
    if let Some(auth) = current_user(&req).await {
        tokens::logout(&state, &auth, tokens::LogoutScope::ThisSession).await?;
    } else if let Some(refresh) = req.cookie(REFRESH_COOKIE) {
        // No live access token, but a refresh cookie: end its session too.
        let hash = crate::auth::refresh::hash(refresh.value());
        state
            .db
            .run(move |conn| Ok(sessions::revoke_by_refresh_hash(conn, &hash)?))
            .await?;
    }
    session.renew();
    flash(&session, "You have been logged out.");
    let mut response = super::see_other("/login");
    for c in cookies::cleared(state.settings.cookie_secure) {
        let _ = response.add_cookie(&c);
    }
    Ok(response)
}

/// `POST /auth/refresh`: rotates the `refresh_token` cookie and sets a new `access_token`;
/// 204 for scripts, or 303 to a local `next` for a form. Needs the CSRF token.
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    form: Option<web::Form<CsrfForm>>,
) -> Result<HttpResponse, PageError> {
    let form = form.map(web::Form::into_inner);
    let presented_csrf = form
        .as_ref()
        .map(|f| f.csrf_token.clone())
        .filter(|t| !t.is_empty())
        .or_else(|| csrf::from_header(&req).map(str::to_string))
        .unwrap_or_default();
    check_csrf(&session, &presented_csrf)?;
    rate_limit(&state, &req)?;
    let Some(cookie) = req.cookie(REFRESH_COOKIE) else {
        return Err(
            AppError::Unauthorized(crate::error::AuthFailure::BadCredentials(
                "There is no refresh cookie; log in again.".into(),
            ))
            .into(),
        );
    };
    match tokens::rotate(&state, cookie.value()).await? {
        Ok(pair) => {
            let response = match form.and_then(|f| f.next) {
                Some(next) => super::see_other(&safe_next(Some(&next))),
                None => HttpResponse::NoContent().finish(),
            };
            Ok(with_login_cookies(&state, response, &pair))
        }
        Err(refusal) => {
            let mut response = HttpResponse::Unauthorized()
                .content_type("text/plain; charset=utf-8")
                .body(refusal.description());
            for c in cookies::cleared(state.settings.cookie_secure) {
                let _ = response.add_cookie(&c);
            }
            Ok(response)
        }
    }
}
