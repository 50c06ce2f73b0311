//! "Confirm it's you": the pages' face of recent authentication. Sensitive forms (and the
//! pages under `/admin`) need a sign-in within `REAUTH_MINUTES`; otherwise, instead of the
//! handler, the browser gets the confirmation page (401): the password, a code when a second
//! factor is on, the page to go back to, and the non-secret fields the user had typed.
//! `POST /reauthenticate` renews the session's `auth_time`, keeps those fields in the cookie
//! session for one showing of that page ([`Prefill`]) and goes back there.
//!
//! One mechanism for every form: its type says which fields may be kept ([`Sensitive`]), and
//! [`RecentForm`] / [`AdminForm`] / [`AdminViewer`] do the rest before the handler runs.

use actix_session::{Session, SessionExt as _};
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::auth::cookies;
use crate::auth::extract::{app_data, Authenticated};
use crate::auth::totp::FactorCode;
use crate::error::{AppError, FieldErrors};
use crate::http::body::from_text_fields;
use crate::routes::web::browser_session::allow_forms_to_providers;
use crate::routes::web::errors::RenderedPage;
use crate::routes::web::extract::{checked_fields, Confirm, SignedIn, SignedInForm};
use crate::routes::web::layout::{flash, Chrome};
use crate::routes::web::{safe_next, see_other, with_retry_after};
use crate::state::{AppState, LoginAttempt};

/// A form whose action needs a recent sign-in. `KEPT` names the fields that are typed, not
/// secret, and worth keeping across the confirmation (never a password or a code).
pub trait Sensitive: DeserializeOwned + 'static {
    const KEPT: &'static [&'static str] = &[];
}

impl Sensitive for Confirm {}

/// The hidden field of a sensitive form that names the page it is on.
pub const RETURN_TO: &str = "return_to";
/// The confirmation form carries each kept field as `keep.<name>`.
const KEEP_PREFIX: &str = "keep.";
/// At most this many kept fields, each at most this long: they ride in the session cookie.
const MAX_KEPT: usize = 8;
const MAX_KEPT_LEN: usize = 512;

/// What the confirmation needs to send the browser back: the page, whether it held a form to
/// send again, and the fields to put back in it.
pub struct Pending {
    pub return_to: String,
    pub form: bool,
    pub kept: Vec<(String, String)>,
}

impl Pending {
    /// The new address, when the form sent past the window was /account's address change.
    fn address_change(&self) -> Option<&str> {
        let path = self.return_to.split(['#', '?']).next().unwrap_or_default();
        if !self.form || path != "/account" {
            return None;
        }
        self.kept
            .iter()
            .find(|(name, value)| name == "new_email" && !value.trim().is_empty())
            .map(|(_, value)| value.as_str())
    }
}

/// A sensitive form posted by a signed-in user whose sign-in is recent: the sign-in, the CSRF
/// token, the fields, then the recent-sign-in rule (else "Confirm it's you").
pub struct RecentForm<T> {
    pub user: Authenticated,
    pub form: T,
}

impl<T: Sensitive> FromRequest for RecentForm<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let read = sensitive_form::<T>(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let (user, form, pending) = read.await?;
            let user = recent_or_confirm(&req, user, pending).await?;
            Ok(RecentForm { user, form })
        })
    }
}

/// A form posted by an administrator: the sign-in, the CSRF token, the fields, the admin role
/// (a non-admin gets the 403 page whatever they sent), then the recent-sign-in rule.
pub struct AdminForm<T> {
    pub admin: Authenticated,
    pub form: T,
}

impl<T: Sensitive> FromRequest for AdminForm<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let read = sensitive_form::<T>(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let (user, form, pending) = read.await?;
            let admin = admin_only(user)?;
            let admin = recent_or_confirm(&req, admin, pending).await?;
            Ok(AdminForm { admin, form })
        })
    }
}

/// An administrator on a page under `/admin`: a visitor who is not signed in goes to the login
/// page, a user without the admin role gets the 403 page, and an administrator whose sign-in
/// is not recent confirms it is them first (as the admin API requires).
pub struct AdminViewer(pub Authenticated);

impl FromRequest for AdminViewer {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let signed_in = SignedIn::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let SignedIn(user) = signed_in.await?;
            let admin = admin_only(user)?;
            let return_to = match req.query_string() {
                "" => req.path().to_string(),
                q => format!("{}?{q}", req.path()),
            };
            let pending = Pending {
                return_to: safe_next(Some(&return_to)),
                form: false,
                kept: Vec::new(),
            };
            Ok(AdminViewer(recent_or_confirm(&req, admin, pending).await?))
        })
    }
}

/// The user, when they hold the admin role (checked on the row the sign-in check loaded).
fn admin_only(user: Authenticated) -> Result<Authenticated, AppError> {
    if user.user.is_admin() {
        Ok(user)
    } else {
        Err(AppError::Forbidden(
            "These pages are for administrators.".into(),
        ))
    }
}

type SensitiveRead<T> = (Authenticated, T, Pending);

/// The sign-in, then the CSRF token, then the fields: `T`, the page to go back to, and the
/// fields `T` lets keep.
fn sensitive_form<T: Sensitive>(
    req: &HttpRequest,
    payload: &mut Payload,
) -> LocalBoxFuture<'static, Result<SensitiveRead<T>, actix_web::Error>> {
    let signed_in = SignedIn::from_request(req, payload);
    let (req, mut payload) = (req.clone(), payload.take());
    Box::pin(async move {
        let SignedIn(user) = signed_in.await?;
        let mut fields = checked_fields(&req, &mut payload).await?;
        let return_to = fields
            .iter()
            .find(|(k, _)| k == RETURN_TO)
            .map(|(_, v)| v.clone());
        fields.retain(|(k, _)| k != RETURN_TO);
        let kept = fields
            .iter()
            .filter(|(k, v)| T::KEPT.contains(&k.as_str()) && v.len() <= MAX_KEPT_LEN)
            .take(MAX_KEPT)
            .cloned()
            .collect();
        let form = from_text_fields::<T>(fields)?;
        let pending = Pending {
            return_to: safe_next(return_to.as_deref()),
            form: true,
            kept,
        };
        Ok((user, form, pending))
    })
}

/// `user` when their sign-in is recent enough; otherwise the "Confirm it's you" page, sent
/// in place of the handler's answer.
async fn recent_or_confirm(
    req: &HttpRequest,
    user: Authenticated,
    pending: Pending,
) -> Result<Authenticated, actix_web::Error> {
    let state = app_data::<AppState>(req)?;
    if state.tokens.is_recent(&user.claims) {
        return Ok(user);
    }
    let session = req.get_session();
    let page = confirm_page(&state, &session, &user, &pending, FieldErrors::new()).await?;
    let mut csp = HttpResponse::Ok().finish();
    allow_forms_to_providers(&mut csp, &state);
    let page = RenderedPage::new(&page, StatusCode::UNAUTHORIZED)?.with_csp_of(&csp);
    Err(page.into())
}

#[derive(Template)]
#[template(path = "auth/confirm.html")]
struct ConfirmPage {
    chrome: Chrome,
    return_to: String,
    form: bool,
    kept: Vec<(String, String)>,
    second_factor: bool,
    /// Whether to offer the user's passkey (shown by the script where the browser can).
    passkey: bool,
    minutes: i64,
    errors: FieldErrors,
    /// Whether the account has a password to confirm with.
    has_password: bool,
    /// Linked providers that can confirm a recent sign-in: (id, name).
    providers: Vec<(String, String)>,
}

/// "Confirm it's you" for a page that asks for a fresh proof of identity on its own (an
/// authorization request with `prompt=login` or `max_age`): afterwards the browser goes back
/// to `return_to`.
pub async fn confirm_it_is_you(
    req: &HttpRequest,
    user: &Authenticated,
    return_to: &str,
) -> Result<HttpResponse, AppError> {
    let state = app_data::<AppState>(req)?;
    let pending = Pending {
        return_to: safe_next(Some(return_to)),
        form: false,
        kept: Vec::new(),
    };
    let session = req.get_session();
    let page = confirm_page(&state, &session, user, &pending, FieldErrors::new()).await?;
    let mut response = crate::routes::web::render(&page, StatusCode::OK)?;
    allow_forms_to_providers(&mut response, &state);
    Ok(response)
}

async fn confirm_page(
    state: &AppState,
    session: &Session,
    user: &Authenticated,
    pending: &Pending,
    errors: FieldErrors,
) -> Result<ConfirmPage, AppError> {
    Ok(ConfirmPage {
        chrome: Chrome::new(session, "Confirm it's you", Some(user)),
        return_to: pending.return_to.clone(),
        form: pending.form,
        kept: pending.kept.clone(),
        second_factor: state.accounts().second_factor_on(user.user.id).await?,
        passkey: state.relying_party.is_some()
            && !state.accounts().passkeys(user.user.id).await?.is_empty(),
        minutes: (state.tokens.reauth_seconds / 60).max(1),
        errors,
        has_password: user.user.has_password(),
        providers: confirming_providers(state, user.user.id).await?,
    })
}

/// The user's linked providers that can confirm a recent sign-in (GitHub sends no
/// `auth_time`, so it cannot): (id, name), in link order.
async fn confirming_providers(
    state: &AppState,
    user_id: i32,
) -> Result<Vec<(String, String)>, AppError> {
    let accounts = state.accounts();
    // A provider proves one factor: with a second factor on, it cannot confirm.
    if accounts.second_factor_on(user_id).await? {
        return Ok(Vec::new());
    }
    let linked = accounts.identities(user_id).await?;
    Ok(linked
        .into_iter()
        .filter_map(|i| accounts.providers.get(&i.provider))
        .filter(|p| p.can_confirm())
        .map(|p| (p.id().to_string(), p.name().to_string()))
        .collect())
}

/// `POST /reauthenticate`: the password (and a code when a second factor is on) renews this
/// session's sign-in; the browser goes back to `return_to` with the kept fields. A wrong
/// password or code shows the confirmation again with the reason. Counted as a login attempt.
pub async fn reauthenticate(
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    session: Session,
    SignedInForm { user, form }: SignedInForm<std::collections::HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let mut kept: Vec<(String, String)> = form
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(KEEP_PREFIX)?.to_string(), v.clone())))
        .filter(|(k, v)| k.len() <= 64 && v.len() <= MAX_KEPT_LEN)
        .collect();
    kept.sort();
    kept.truncate(MAX_KEPT);
    let pending = Pending {
        return_to: safe_next(Some(&field(RETURN_TO))),
        form: field("again") == "form",
        kept,
    };
    let (password, code, assertion) = (field("password"), field("code"), field("assertion"));
    let refused = |errors: FieldErrors, status: StatusCode| {
        let (state, session, user, pending) = (&state, &session, &user, &pending);
        async move {
            let page = confirm_page(state, session, user, pending, errors).await?;
            let mut response = crate::routes::web::render(&page, status)?;
            allow_forms_to_providers(&mut response, state);
            Ok(response)
        }
    };
    let (accounts, sid) = (state.accounts(), &user.claims.sid);
    // A passkey's answer stands in for the password and the code; its refusals are shown
    // with the passkey button, the password's and code's with their fields.
    let (renewed, failed_field) = if !assertion.trim().is_empty() {
        let Ok(assertion) = serde_json::from_str(&assertion) else {
            let unread = "Your browser's passkey answer could not be read: try again, or use \
                          the password.";
            let errors = FieldErrors::single("assertion", unread);
            return refused(errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        };
        let renewed = accounts
            .reauthenticate_with_passkey(&user.user, sid, assertion, &client)
            .await;
        (renewed, "assertion")
    } else {
        let mut errors = FieldErrors::new();
        if password.is_empty() {
            errors.add("password", "Enter your password.");
        }
        let code = match code.trim() {
            "" => None,
            typed => errors.take("code", FactorCode::parse(typed)),
        };
        if !errors.is_empty() {
            return refused(errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        let renewed = accounts
            .reauthenticate(&user.user, sid, password.clone(), code, &client)
            .await;
        (renewed, "password")
    };
    let pair = match renewed {
        Ok(pair) => pair,
        Err(AppError::Forbidden(m)) => {
            let errors = FieldErrors::single(failed_field, m);
            return refused(errors, StatusCode::UNAUTHORIZED).await;
        }
        Err(AppError::Validation(errors)) => {
            return refused(errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        // The account's failed sign-ins set a wait: the form again, saying how long.
        Err(AppError::SignInDelayed { retry_after_secs }) => {
            let refusal = crate::accounts::SignInRefusal::Delayed { retry_after_secs };
            let errors = FieldErrors::single(failed_field, refusal.page_sentence());
            let page = refused(errors, StatusCode::TOO_MANY_REQUESTS).await?;
            return Ok(with_retry_after(page, Some(retry_after_secs)));
        }
        Err(e) => return Err(e),
    };
    // The address form, sent past the window: the password just typed is also the change's
    // current password (API.md: an address change checks it), so the change is made now and
    // the password is asked once. A passkey proves no password: the form comes back for it.
    if let Some(new_email) = pending
        .address_change()
        .filter(|_| failed_field == "password")
    {
        if let Ok(new_email) = crate::domain::Email::parse(new_email) {
            let shown = new_email.as_str().to_string();
            let changed = accounts
                .change_email(&user.user, new_email, password, &client)
                .await;
            if changed.is_ok() {
                flash(
                    &session,
                    format!(
                        "Confirmed: it's you. We sent a link to {shown}. Your address changes \
                         when you follow it."
                    ),
                );
                let mut response = see_other("/account#email");
                cookies::set_login(&mut response, &pair, state.tokens.secure_cookies);
                return Ok(response);
            }
        }
    }
    Prefill::store(&session, &pending);
    flash(
        &session,
        match pending.form {
            true => "Confirmed: it's you. Now send the form again.",
            false => "Confirmed: it's you.",
        },
    );
    let mut response = see_other(&pending.return_to);
    cookies::set_login(&mut response, &pair, state.tokens.secure_cookies);
    Ok(response)
}

const PREFILL_KEY: &str = "prefill";
/// The fields a user had typed into a sensitive form before confirming it was them, kept in
/// the signed cookie session for the next showing of that form's page (never a secret: only
/// the fields the form's [`Sensitive::KEPT`] names).
#[derive(Default, Serialize, Deserialize)]
pub struct Prefill {
    path: String,
    fields: Vec<(String, String)>,
}

impl Prefill {
    fn store(session: &Session, pending: &Pending) {
        if pending.kept.is_empty() {
            return;
        }
        let prefill = Prefill {
            path: path_of(&pending.return_to).to_string(),
            fields: pending.kept.clone(),
        };
        if let Err(e) = session.insert(PREFILL_KEY, prefill) {
            log::warn!("cannot keep a form's fields in the session: {e}");
        }
    }

    /// The kept fields for the page at `path` (used up: they show once); empty when there are
    /// none, or they belong to another page.
    pub fn take(session: &Session, path: &str) -> Prefill {
        match session.remove_as::<Prefill>(PREFILL_KEY) {
            Some(Ok(kept)) if kept.path == path_of(path) => kept,
            _ => Prefill::default(),
        }
    }

    /// A kept field's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn path_of(target: &str) -> &str {
    target.split(['?', '#']).next().unwrap_or(target)
}
