//! The device authorization grant's pages (RFC 8628; API.md part three, section 1,
//! "Approving"): `/device` asks for the code a device shows, then confirms which app asks and
//! what for, always, with the warning against a code someone sent (RFC 8628 §5.4: remote
//! phishing); `/device/approve` records the answer. Nothing is approved without the button,
//! not even for a first-party app or a remembered consent.
//!
//! No step-up applies here: the step-up of the code flow comes from the request's `prompt`,
//! `max_age` and `id_token_hint`, and a device request has none of them.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::accounts::apps::BrowserProof;
use crate::accounts::device::PendingDevice;
use crate::auth::extract::Authenticated;
use crate::auth::scopes::{in_words, Scope};
use crate::error::AppError;
use crate::http::client::ClientInfo;
use crate::oidc::device::{granted_scope, UserCode};
use crate::routes::web::extract::{SignedInForm, Viewer};
use crate::routes::web::layout::Chrome;
use crate::routes::web::{render, with_retry_after};
use crate::state::{AppState, LoginAttempt};

#[derive(Template)]
#[template(path = "device/entry.html")]
struct EntryPage {
    chrome: Chrome,
    user_code: String,
    error: Option<String>,
}

/// The code form: `value` as typed (cut to the field's length), with `error` under it.
fn entry_page(
    session: &Session,
    user: &Authenticated,
    value: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let page = EntryPage {
        chrome: Chrome::new(session, "Connect a device", Some(user)),
        user_code: value.chars().take(64).collect(),
        error,
    };
    render(&page, status)
}

/// The code form again, `422`, with `message` under what was `typed`: a code that does not
/// parse, or one that cannot be confirmed or answered (unknown, expired, used).
fn refused(
    session: &Session,
    user: &Authenticated,
    typed: &str,
    message: &str,
) -> Result<HttpResponse, AppError> {
    entry_page(
        session,
        user,
        typed,
        Some(message.to_string()),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

/// `GET /device` (`?user_code=` prefills the form): signed in, else to the sign-in page and
/// back here with the query. It only asks; a code in the address approves nothing.
pub async fn entry(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    viewer: Viewer,
) -> Result<HttpResponse, AppError> {
    if !state.provider.enabled {
        return Err(AppError::NotFound);
    }
    let Some(user) = viewer.0 else {
        let next = match req.query_string() {
            "" => req.path().to_string(),
            q => format!("{}?{q}", req.path()),
        };
        return Err(AppError::LoginRequired { next });
    };
    let typed = serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
        .unwrap_or_default()
        .into_iter()
        .find(|(k, _)| k == "user_code")
        .map(|(_, v)| v)
        .unwrap_or_default();
    entry_page(&session, &user, &typed, None, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    user_code: String,
}

#[derive(Template)]
#[template(path = "device/confirm.html")]
struct ConfirmPage {
    chrome: Chrome,
    client_name: String,
    code: String,
    username: String,
    scopes: Vec<ScopeLine>,
    admin: bool,
    switch_next: String,
}

struct ScopeLine {
    name: String,
    description: &'static str,
}

/// The answer to a refused attempt at a code: past the address's login limit, the form again
/// with `429` and how long to wait. `Ok(None)`: the attempt was counted and may go on.
fn over_the_limit(
    attempt: Result<LoginAttempt, AppError>,
    session: &Session,
    user: &Authenticated,
    typed: &str,
) -> Result<Result<ClientInfo, HttpResponse>, AppError> {
    match attempt {
        Ok(LoginAttempt(client)) => Ok(Ok(client)),
        Err(AppError::TooManyRequests { retry_after_secs }) => {
            let message = format!(
                "Too many attempts from your network. Wait {}, then try again.",
                crate::accounts::throttle::wait_in_words(retry_after_secs)
            );
            let page = entry_page(
                session,
                user,
                typed,
                Some(message),
                StatusCode::TOO_MANY_REQUESTS,
            )?;
            Ok(Err(with_retry_after(page, Some(retry_after_secs))))
        }
        Err(e) => Err(e),
    }
}

/// `POST /device` (`csrf_token`, `user_code`): the confirmation of a live code, or the form
/// again (`422`) saying what is wrong with it. Each attempt counts against the address's login
/// limit, so codes cannot be tried by the million.
pub async fn confirm(
    attempt: Result<LoginAttempt, AppError>,
    state: web::Data<AppState>,
    session: Session,
    form: Result<SignedInForm<CodeForm>, actix_web::Error>,
) -> Result<HttpResponse, actix_web::Error> {
    if !state.provider.enabled {
        return Err(AppError::NotFound.into());
    }
    let SignedInForm { user, form } = form?;
    if let Err(page) = over_the_limit(attempt, &session, &user, &form.user_code)? {
        return Ok(page);
    }
    let code = match UserCode::parse(&form.user_code) {
        Ok(code) => code,
        Err(message) => return Ok(refused(&session, &user, &form.user_code, message)?),
    };
    match state.accounts().pending_device(&code).await? {
        Ok(pending) => Ok(confirm_page(&session, &user, &pending)?),
        Err(refusal) => Ok(refused(
            &session,
            &user,
            &form.user_code,
            refusal.message(),
        )?),
    }
}

fn confirm_page(
    session: &Session,
    user: &Authenticated,
    pending: &PendingDevice,
) -> Result<HttpResponse, AppError> {
    let scope = granted_scope(&pending.scope, user.user.is_admin());
    let code = pending.code.display();
    let page = ConfirmPage {
        chrome: Chrome::new(session, "Allow this device?", Some(user)),
        client_name: pending.client.client_name.clone(),
        username: user.user.username.clone(),
        admin: scope
            .iter()
            .any(|s| Scope::parse(s).is_some_and(Scope::is_admin)),
        scopes: scope
            .iter()
            .map(|s| ScopeLine {
                name: s.clone(),
                description: in_words(s).unwrap_or(""),
            })
            .collect(),
        switch_next: format!("/device?user_code={code}"),
        code,
    };
    render(&page, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    user_code: String,
    #[serde(default)]
    decision: String,
}

#[derive(Template)]
#[template(path = "device/answered.html")]
struct AnsweredPage {
    chrome: Chrome,
    client_name: String,
    allowed: bool,
}

/// `POST /device/approve` (`csrf_token`, `user_code`, `decision=allow|deny`): "You can go back
/// to your device", or "Denied". A code that cannot be answered any more (expired, answered in
/// another tab) is the code form again, `422`.
pub async fn approve(
    attempt: Result<LoginAttempt, AppError>,
    state: web::Data<AppState>,
    session: Session,
    form: Result<SignedInForm<AnswerForm>, actix_web::Error>,
) -> Result<HttpResponse, actix_web::Error> {
    if !state.provider.enabled {
        return Err(AppError::NotFound.into());
    }
    let SignedInForm { user, form } = form?;
    let client = match over_the_limit(attempt, &session, &user, &form.user_code)? {
        Ok(client) => client,
        Err(page) => return Ok(page),
    };
    let allow = match form.decision.as_str() {
        "allow" => true,
        "deny" => false,
        _ => return Err(AppError::BadRequest("Choose Allow or Deny.".into()).into()),
    };
    let code = match UserCode::parse(&form.user_code) {
        Ok(code) => code,
        Err(message) => return Ok(refused(&session, &user, &form.user_code, message)?),
    };
    let answered = state
        .accounts()
        .answer_device(&code, &user.user, BrowserProof::from(&user), allow, &client)
        .await?;
    let pending = match answered {
        Ok(pending) => pending,
        Err(refusal) => {
            return Ok(refused(
                &session,
                &user,
                &form.user_code,
                refusal.message(),
            )?)
        }
    };
    let page = AnsweredPage {
        chrome: Chrome::new(
            &session,
            if allow { "Device allowed" } else { "Denied" },
            Some(&user),
        ),
        client_name: pending.client.client_name,
        allowed: allow,
    };
    Ok(render(&page, StatusCode::OK)?)
}
