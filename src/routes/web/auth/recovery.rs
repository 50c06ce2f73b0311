//! `/forgot-password`, `/reset-password`, `/verify-email`: the pages behind the links that
//! arrive by mail. Pages that carry a token in their address send no referrer.

use actix_session::Session;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::accounts::email::VerifyError;
use crate::accounts::recovery::BAD_LINK;
use crate::db::email_tokens::{self, Purpose};
use crate::domain::{Email, Password};
use crate::error::{AppError, FieldErrors};
use crate::http::client::ClientInfo;
use crate::routes::web::extract::{CsrfForm, Viewer};
use crate::routes::web::layout::{flash, Chrome};
use crate::routes::web::{render, see_other};
use crate::state::{AppState, LoginAttempt};

#[derive(Template)]
#[template(path = "auth/forgot.html")]
struct ForgotPage {
    chrome: Chrome,
    email: String,
    error: Option<String>,
    sent: bool,
    minutes: u64,
}

impl ForgotPage {
    fn render(
        state: &AppState,
        session: &Session,
        email: String,
        error: Option<String>,
        sent: bool,
    ) -> Result<HttpResponse, AppError> {
        let status = if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        let page = ForgotPage {
            chrome: Chrome::new(session, "Forgot your password?", None),
            email,
            error,
            sent,
            minutes: state.notifier.settings.password_reset_ttl.as_secs() / 60,
        };
        render(&page, status)
    }
}

/// `GET /forgot-password`.
pub async fn forgot_form(
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, AppError> {
    ForgotPage::render(&state, &session, String::new(), None, false)
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    pub email: String,
}

/// `POST /forgot-password`: the same page and status whether or not the address has an
/// account; the work is done after the answer.
pub async fn forgot(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Result<HttpResponse, AppError> {
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(message) => {
            return ForgotPage::render(&state, &session, form.email, Some(message), false)
        }
    };
    let shown = email.as_str().to_string();
    state.accounts().forgot_password_later(email, client);
    ForgotPage::render(&state, &session, shown, None, true)
}

#[derive(Template)]
#[template(path = "auth/reset.html")]
struct ResetPage {
    chrome: Chrome,
    token: String,
    link_error: Option<&'static str>,
    errors: FieldErrors,
}

#[derive(Deserialize)]
pub struct TokenParam {
    #[serde(default)]
    pub token: String,
}

/// Renders the reset page; it never sends a referrer (the token is in its address).
fn reset_page(
    session: &Session,
    token: String,
    link_error: Option<&'static str>,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let status = if link_error.is_some() || !errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ResetPage {
        chrome: Chrome::new(session, "Choose a new password", None),
        token,
        link_error,
        errors,
    };
    let mut response = render(&page, status)?;
    no_referrer(&mut response);
    Ok(response)
}

fn no_referrer(response: &mut HttpResponse) {
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
}

/// `GET /reset-password?token=…`: the form, or a page that says the link cannot work.
pub async fn reset_form(
    state: web::Data<AppState>,
    session: Session,
    query: web::Query<TokenParam>,
) -> Result<HttpResponse, AppError> {
    let token = query.into_inner().token;
    let hash = crate::auth::refresh::hash(&token);
    let good = !token.is_empty()
        && state
            .db
            .run(move |conn| Ok(email_tokens::peek(conn, &hash, Purpose::Reset)?))
            .await?
            .is_some();
    let link_error = (!good).then_some(BAD_LINK);
    reset_page(&session, token, link_error, FieldErrors::new())
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub new_password: String,
    #[serde(default)]
    pub new_password_confirm: String,
}

/// `POST /reset-password`: sets the password, ends every session, and sends the browser to
/// the login page.
pub async fn reset(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let new = errors.take("new_password", Password::parse_in_words(&form.new_password));
    if new.is_some() && form.new_password != form.new_password_confirm {
        errors.add("new_password_confirm", "The two passwords do not match.");
    }
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        return reset_page(&session, form.token, None, errors);
    };
    match state
        .accounts()
        .reset_password(&form.token, new, &client)
        .await
    {
        Ok(()) => {
            flash(&session, "Your password is changed. Sign in with it.");
            Ok(see_other("/login"))
        }
        Err(AppError::Validation(e)) if e.first("token").is_some() => {
            reset_page(&session, form.token, Some(BAD_LINK), FieldErrors::new())
        }
        // A new password the policy refuses: its message at the field, the link still good.
        Err(AppError::PasswordRefused { field, message, .. }) => reset_page(
            &session,
            form.token,
            None,
            FieldErrors::single(field, message),
        ),
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "auth/verify.html")]
struct VerifyPage {
    chrome: Chrome,
    verified: Option<String>,
    /// The link had already confirmed `verified` (a second opening, or a mail scanner's).
    already: bool,
    message: String,
    /// A good link, not used yet: the token, the address and whether it is a change, for the
    /// button that confirms it.
    pending: Option<(String, String, bool)>,
}

/// `GET /verify-email?token=…`: a button that confirms the address the link was sent to.
/// Opening the link changes nothing: mail scanners fetch links before anyone reads them, and
/// an address change nobody confirmed must not happen.
pub async fn verify_form(
    state: web::Data<AppState>,
    session: Session,
    viewer: Viewer,
    query: web::Query<TokenParam>,
) -> Result<HttpResponse, AppError> {
    let token = query.into_inner().token;
    let hash = crate::auth::refresh::hash(&token);
    let found = match token.is_empty() {
        true => None,
        false => {
            state
                .db
                .run(move |conn| {
                    let pending = email_tokens::peek_address(conn, &hash)?;
                    let done = match pending {
                        Some(_) => None,
                        None => email_tokens::already_confirmed(conn, &hash)?,
                    };
                    Ok(pending.map(Ok).or(done.map(Err)))
                })
                .await?
        }
    };
    let (pending, verified, message, status) = match found {
        Some(Ok((purpose, address))) => (
            Some((token, address, purpose == Purpose::Change)),
            None,
            String::new(),
            StatusCode::OK,
        ),
        Some(Err(address)) => (None, Some(address), String::new(), StatusCode::OK),
        None => (
            None,
            None,
            BAD_LINK.to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    };
    let page = VerifyPage {
        chrome: Chrome::new(&session, "Confirm your address", viewer.0.as_ref()),
        already: verified.is_some(),
        verified,
        message,
        pending,
    };
    let mut response = render(&page, status)?;
    no_referrer(&mut response);
    Ok(response)
}

/// `POST /verify-email` (the button): confirms the address the link was sent to (for a
/// change, the account's address becomes it).
pub async fn verify(
    state: web::Data<AppState>,
    session: Session,
    viewer: Viewer,
    client: ClientInfo,
    CsrfForm(form): CsrfForm<TokenParam>,
) -> Result<HttpResponse, AppError> {
    let token = form.token;
    let outcome = if token.is_empty() {
        Err(VerifyError::BadLink)
    } else {
        state.accounts().verify_email(&token, &client).await
    };
    let mut already = false;
    let (verified, message, status) = match outcome {
        Ok(user) => (Some(user.email), String::new(), StatusCode::OK),
        Err(VerifyError::BadLink) => {
            // Pressed twice, or already confirmed from another tab: say so.
            let hash = crate::auth::refresh::hash(&token);
            let done = match token.is_empty() {
                true => None,
                false => {
                    state
                        .db
                        .run(move |conn| Ok(email_tokens::already_confirmed(conn, &hash)?))
                        .await?
                }
            };
            already = done.is_some();
            match done {
                Some(address) => (Some(address), String::new(), StatusCode::OK),
                None => (None, BAD_LINK.to_string(), StatusCode::UNPROCESSABLE_ENTITY),
            }
        }
        Err(VerifyError::Taken) => (
            None,
            "That address now belongs to another account; choose another one.".to_string(),
            StatusCode::CONFLICT,
        ),
        Err(VerifyError::App(e)) => return Err(e),
    };
    let page = VerifyPage {
        chrome: Chrome::new(&session, "Confirm your address", viewer.0.as_ref()),
        verified,
        already,
        message,
        pending: None,
    };
    let mut response = render(&page, status)?;
    no_referrer(&mut response);
    Ok(response)
}
