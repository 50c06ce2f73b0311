//! `/account/delete`: deleting one's own account, after saying what goes, with the password
//! and a ticked box (and a recent sign-in). The last active administrator is refused (409).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::auth::extract::Authenticated;
use crate::domain::Password;
use crate::error::{AppError, FieldErrors};
use crate::routes::web::browser_session::logged_out;
use crate::routes::web::extract::SignedIn;
use crate::routes::web::layout::Chrome;
use crate::routes::web::recent::{Prefill, RecentForm, Sensitive};
use crate::routes::web::render;
use crate::state::{AppState, LoginAttempt};

#[derive(Template)]
#[template(path = "account/delete.html")]
struct DeletePage {
    chrome: Chrome,
    username: String,
    email: String,
    confirmed: bool,
    /// Why the account cannot go (the last-admin rule).
    refusal: Option<String>,
    errors: FieldErrors,
    /// An account made through a provider has no password to ask for.
    has_password: bool,
}

fn delete_page(
    session: &Session,
    auth: &Authenticated,
    confirmed: bool,
    refused: Result<(), (StatusCode, FieldErrors, Option<String>)>,
) -> Result<HttpResponse, AppError> {
    let (status, errors, refusal) = match refused {
        Ok(()) => (StatusCode::OK, FieldErrors::new(), None),
        Err(why) => why,
    };
    let page = DeletePage {
        chrome: Chrome::new(session, "Delete your account", Some(auth)),
        username: auth.user.username.clone(),
        email: auth.user.email.clone(),
        confirmed,
        refusal,
        errors,
        has_password: auth.user.has_password(),
    };
    render(&page, status)
}

/// `GET /account/delete`.
pub async fn form(session: Session, SignedIn(auth): SignedIn) -> Result<HttpResponse, AppError> {
    let confirmed = Prefill::take(&session, "/account/delete").get("confirm") == Some("yes");
    delete_page(&session, &auth, confirmed, Ok(()))
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub confirm: String,
}

impl Sensitive for DeleteForm {
    const KEPT: &'static [&'static str] = &["confirm"];
}

/// `POST /account/delete` (recent sign-in): the account, its posts, sessions and second
/// factor go (its security events stay); the browser is signed out, with a flash on the login
/// page.
pub async fn delete(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    session: Session,
    RecentForm { user: auth, form }: RecentForm<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    let confirmed = form.confirm == "yes";
    let mut errors = FieldErrors::new();
    if !auth.user.has_password() {
        // No password to ask for: the recent sign-in and the ticked box suffice.
    } else if form.current_password.is_empty() {
        errors.add("current_password", "Enter your password.");
    } else if let Err(m) = Password::check_candidate(&form.current_password) {
        errors.add("current_password", m);
    }
    if !confirmed {
        errors.add(
            "confirm",
            "Tick the box to say you understand this cannot be undone.",
        );
    }
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;
    if !errors.is_empty() {
        return delete_page(&session, &auth, confirmed, Err((invalid, errors, None)));
    }
    let deleted = state
        .accounts()
        .delete_own_account(&auth.user, form.current_password, &client)
        .await;
    match deleted {
        Ok(()) => Ok(logged_out(
            &session,
            &format!(
                "Your account {} has been deleted, with its posts and sessions. Goodbye.",
                auth.user.username
            ),
            state.tokens.secure_cookies,
        )),
        Err(AppError::Forbidden(m)) => {
            let errors = FieldErrors::single("current_password", m);
            delete_page(&session, &auth, confirmed, Err((invalid, errors, None)))
        }
        Err(AppError::Conflict(reason)) => {
            let why = (StatusCode::CONFLICT, FieldErrors::new(), Some(reason));
            delete_page(&session, &auth, confirmed, Err(why))
        }
        Err(e) => Err(e),
    }
}
