//! `GET /account`: profile, password change, active sessions, log out everywhere.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::auth::with_login_cookies;
use super::errors::PageError;
use super::{check_csrf, flash, render, require_user, see_other, Chrome};
use crate::auth::extract::Authenticated;
use crate::auth::{cookies, tokens};
use crate::db::sessions::Session as LoginSession;
use crate::domain::Password;
use crate::error::{AppError, FieldErrors};
use crate::routes::api::auth::user_agent;
use crate::routes::api::users::change_user_password;
use crate::startup::AppState;

#[derive(Template)]
#[template(path = "account/index.html")]
struct AccountPage {
    chrome: Chrome,
    email: String,
    username: String,
    member_since: String,
    sessions: Vec<SessionRow>,
    errors: FieldErrors,
}

struct SessionRow {
    id: String,
    user_agent: String,
    created_at: String,
    last_used_at: String,
    current: bool,
}

async fn account_page(
    state: &AppState,
    session: &Session,
    auth: &Authenticated,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let user_id = auth.user.id;
    let list = state
        .db
        .run(move |conn| Ok(LoginSession::list_active(conn, user_id)?))
        .await?;
    let fmt =
        |t: time::PrimitiveDateTime| format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute());
    let page = AccountPage {
        chrome: Chrome::new(session, "Your account", Some(auth)),
        email: auth.user.email.clone(),
        username: auth.user.username.clone(),
        member_since: auth.user.created_at.date().to_string(),
        sessions: list
            .into_iter()
            .map(|s| SessionRow {
                current: s.id == auth.claims.sid,
                user_agent: s
                    .user_agent
                    .clone()
                    .unwrap_or_else(|| "Unknown client".into()),
                created_at: fmt(s.created_at),
                last_used_at: fmt(s.last_used_at),
                id: s.id,
            })
            .collect(),
        errors,
    };
    render(&page, status)
}

/// `GET /account`.
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
) -> Result<HttpResponse, PageError> {
    let auth = require_user(&req).await?;
    account_page(&state, &session, &auth, FieldErrors::new(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub new_password: String,
    #[serde(default)]
    pub new_password_confirm: String,
    #[serde(default)]
    pub csrf_token: String,
}

/// `POST /account/password`: every other session ends; this browser gets a new one.
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, PageError> {
    let auth = require_user(&req).await?;
    check_csrf(&session, &form.csrf_token)?;
    let form = form.into_inner();
    let mut errors = FieldErrors::new();
    if form.current_password.is_empty() {
        errors.add("current_password", "Enter your current password.");
    }
    let new = errors.take("new_password", Password::parse(&form.new_password));
    if new.is_some() && form.new_password != form.new_password_confirm {
        errors.add("new_password_confirm", "The two passwords do not match.");
    }
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        return account_page(
            &state,
            &session,
            &auth,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match change_user_password(
        &state,
        &auth.user,
        form.current_password,
        new,
        user_agent(&req),
    )
    .await
    {
        Ok(pair) => {
            flash(
                &session,
                "Password changed. Every other session has been logged out.",
            );
            Ok(with_login_cookies(&state, see_other("/account"), &pair))
        }
        Err(AppError::Forbidden(message)) => {
            let errors = FieldErrors::single("current_password", message);
            account_page(
                &state,
                &session,
                &auth,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    pub csrf_token: String,
}

/// `POST /account/sessions/{id}/revoke`.
pub async fn revoke_session(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    path: web::Path<String>,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse, PageError> {
    let auth = require_user(&req).await?;
    check_csrf(&session, &form.csrf_token)?;
    let id = path.into_inner();
    let current = id == auth.claims.sid;
    tokens::revoke_session(&state, auth.user.id, id).await?;
    if current {
        return Ok(logged_out(
            &state,
            &session,
            "This session was revoked; you are logged out.",
        ));
    }
    flash(&session, "Session revoked.");
    Ok(see_other("/account"))
}

/// `POST /account/logout-all`.
pub async fn logout_all(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    form: web::Form<CsrfOnly>,
) -> Result<HttpResponse, PageError> {
    let auth = require_user(&req).await?;
    check_csrf(&session, &form.csrf_token)?;
    tokens::logout(&state, &auth, tokens::LogoutScope::Everywhere).await?;
    Ok(logged_out(
        &state,
        &session,
        "You have been logged out everywhere.",
    ))
}

fn logged_out(state: &AppState, session: &Session, message: &str) -> HttpResponse {
    session.renew();
    flash(session, message);
    let mut response = see_other("/login");
    for c in cookies::cleared(state.settings.cookie_secure) {
        let _ = response.add_cookie(&c);
    }
    response
}
