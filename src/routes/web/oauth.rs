//! The OpenID provider's pages (API.md part three, section 1, "Authorization endpoint"):
//! `/oauth/authorize` stores a checked request, `/oauth/authorize/{id}` decides what the user
//! must do (sign in, confirm it's them, consent) and sends the browser back to the client with
//! a code or an error. An unknown client or redirect URI is a page, never a redirect.

use actix_session::{Session, SessionExt as _};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

mod logout;

pub use logout::{logout_get, logout_post};

use crate::accounts::apps::{BrowserProof, Continued};
use crate::auth::extract::Authenticated;
use crate::auth::jwt;
use crate::auth::scopes::Scope;
use crate::db::clients::ClientRow;
use crate::error::AppError;
use crate::no_store::NoStore as _;
use crate::oidc::authorize::{redirect_to, AuthorizeError, Redirect, Untrusted};
use crate::oidc::id_token::ID_TOKEN_TYPE;
use crate::routes::web::browser_session::allow_form_to;
use crate::routes::web::extract::{SignedInForm, Viewer};
use crate::routes::web::layout::Chrome;
use crate::routes::web::recent::confirm_it_is_you;
use crate::routes::web::render;
use crate::state::{AppState, LoginAttempt};

/// What a page says when a stored request cannot be continued.
const EXPIRED: &str = "This request has expired; go back to the app and try again.";

/// `GET /oauth/authorize`: the request in the query.
pub async fn authorize_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    viewer: Viewer,
) -> Result<HttpResponse, AppError> {
    let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
        .map_err(|_| AppError::BadRequest("The request's parameters could not be read.".into()))?;
    authorize(&req, &state, &session, viewer, pairs).await
}

/// `POST /oauth/authorize`: the request as a form (a cross-site form post carries no cookies,
/// so a browser always goes through the same-site continue page).
pub async fn authorize_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    viewer: Viewer,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    authorize(&req, &state, &session, viewer, form.into_inner()).await
}

async fn authorize(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    viewer: Viewer,
    pairs: Vec<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let provider = &state.provider;
    if !provider.enabled {
        return Err(AppError::NotFound);
    }
    let untrusted = Untrusted::read(pairs).map_err(|e| refusal(e, &provider.issuer))?;
    let client_id = untrusted.client_id.clone();
    let client = state
        .db
        .run(move |conn| Ok(ClientRow::find(conn, &client_id)?))
        .await?
        .ok_or_else(|| {
            AppError::BadRequest(
                "The application that sent you here is not registered with Sigil.".into(),
            )
        })?;
    let request = match untrusted.check(&client) {
        Ok(request) => request,
        Err(e) => return error_response(e, &provider.issuer),
    };
    let id = state
        .accounts()
        .store_authorization(provider, &request)
        .await?;
    match viewer.0 {
        // Signed in (the cookie came: a same-site request): go on at once.
        Some(user) => decide(req, state, session, Some(user), &id).await,
        // A cross-site POST carries no cookies and the Strict refresh cookie never comes from
        // another site: one same-site step brings both.
        None => render(
            &ContinuePage {
                chrome: Chrome::new(session, "Continue", None),
                href: format!("/oauth/authorize/{id}"),
                client_name: client.client_name,
            },
            StatusCode::OK,
        ),
    }
}

#[derive(Template)]
#[template(path = "oauth/continue.html")]
struct ContinuePage {
    chrome: Chrome,
    href: String,
    client_name: String,
}

/// `GET /oauth/authorize/{id}`: the first case that applies, of sign in, confirm it's you,
/// consent, or the code.
pub async fn continue_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    viewer: Viewer,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    if !state.provider.enabled {
        return Err(AppError::NotFound);
    }
    decide(&req, &state, &session, viewer.0, &id).await
}

async fn decide(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    viewer: Option<Authenticated>,
    id: &str,
) -> Result<HttpResponse, AppError> {
    let (accounts, provider) = (state.accounts(), &state.provider);
    let Some(user) = viewer else {
        let continued = accounts
            .continue_authorization(id, None)
            .await?
            .ok_or_else(|| AppError::BadRequest(EXPIRED.into()))?;
        if continued.request.prompt.none {
            return error_to_client(
                &continued,
                "login_required",
                "The user is not signed in.",
                &provider.issuer,
            );
        }
        return Err(AppError::LoginRequired {
            next: format!("/oauth/authorize/{id}"),
        });
    };
    let continued = accounts
        .continue_authorization(id, Some(user.user.id))
        .await?
        .ok_or_else(|| AppError::BadRequest(EXPIRED.into()))?;
    let request = &continued.request;
    if let Some(page) = step_up(req, session, provider, &user, &continued).await? {
        return Ok(page);
    }
    if accounts.consent_needed(&user.user, &continued).await? {
        if request.prompt.none {
            return error_to_client(
                &continued,
                "consent_required",
                "The user has not consented to this application.",
                &provider.issuer,
            );
        }
        return consent_page(state, session, &user, &continued).await;
    }
    let client = crate::http::client::ClientInfo::of(req);
    let code = accounts
        .approve(
            provider,
            &continued,
            &user.user,
            BrowserProof::from(&user),
            false,
            &client,
        )
        .await?
        .ok_or_else(|| AppError::BadRequest(EXPIRED.into()))?;
    code_to_client(&continued, &code, &provider.issuer)
}

/// What the request asks of the sign-in before any code: the answer to send instead, when
/// the sign-in does not do. An `id_token_hint` naming someone else counts as no session (the
/// "Not you?" page); `prompt=login`, or `max_age` shorter than the sign-in's age, asks to
/// confirm it's you (a confirmation after the request was stored satisfies both); with
/// `prompt=none` each is `login_required`. Both the page and the consent form's answer pass
/// here, so a posted "Allow" never skips the step-up.
async fn step_up(
    req: &HttpRequest,
    session: &Session,
    provider: &crate::oidc::Provider,
    user: &Authenticated,
    continued: &Continued,
) -> Result<Option<HttpResponse>, AppError> {
    let request = &continued.request;
    let other_user = match &request.id_token_hint {
        None => false,
        Some(hint) => {
            let key = provider.keys.current().await?;
            match key.verify_ignoring_expiry(hint, ID_TOKEN_TYPE) {
                Some(claims) => {
                    claims.get("sub").and_then(|s| s.as_str()) != Some(&user.user.id.to_string())
                }
                None => {
                    return error_to_client(
                        continued,
                        "invalid_request",
                        "id_token_hint is not an id_token Sigil signed.",
                        &provider.issuer,
                    )
                    .map(Some)
                }
            }
        }
    };
    let auth_time = user.claims.auth_time;
    let age = jwt::unix_now() - auth_time;
    let stored_at = crate::db::to_utc(continued.created_at).unix_timestamp();
    let confirmed_since = auth_time >= stored_at;
    let confirm = (request.prompt.login && !confirmed_since)
        || request
            .max_age
            .is_some_and(|max| age > max && !confirmed_since);
    if !other_user && !confirm {
        return Ok(None);
    }
    if request.prompt.none {
        return error_to_client(
            continued,
            "login_required",
            "The user must sign in again.",
            &provider.issuer,
        )
        .map(Some);
    }
    let here = format!("/oauth/authorize/{}", continued.id);
    let mut page = if other_user {
        let page = SwitchPage {
            chrome: Chrome::new(session, "Another account", Some(user)),
            client_name: continued.client.client_name.clone(),
            username: user.user.username.clone(),
            next: here,
        };
        render(&page, StatusCode::OK)?
    } else {
        confirm_it_is_you(req, user, &here).await?
    };
    allow_form_to(&mut page, &request.redirect_uri);
    Ok(Some(page))
}

#[derive(Template)]
#[template(path = "oauth/switch.html")]
struct SwitchPage {
    chrome: Chrome,
    client_name: String,
    username: String,
    next: String,
}

#[derive(Template)]
#[template(path = "oauth/consent.html")]
struct ConsentPage {
    chrome: Chrome,
    action: String,
    client_name: String,
    redirect_host: String,
    username: String,
    scopes: Vec<ScopeLine>,
    admin: bool,
    switch_next: String,
}

struct ScopeLine {
    name: String,
    description: &'static str,
    new: bool,
}

/// What a scope lets the app do, in the words of the consent page.
fn describe(scope: &str) -> &'static str {
    crate::auth::scopes::in_words(scope).unwrap_or("")
}

async fn consent_page(
    state: &AppState,
    session: &Session,
    user: &Authenticated,
    continued: &Continued,
) -> Result<HttpResponse, AppError> {
    let granted = state
        .accounts()
        .consented_scopes(user.user.id, &continued.client.client_id)
        .await?;
    let scope = continued.request.scope_for(user.user.is_admin());
    let scopes: Vec<ScopeLine> = scope
        .iter()
        .map(|s| ScopeLine {
            name: s.clone(),
            description: describe(s),
            new: !granted.is_empty() && !granted.contains(s),
        })
        .collect();
    let page = ConsentPage {
        chrome: Chrome::new(session, "Allow access?", Some(user)),
        action: format!("/oauth/authorize/{}", continued.id),
        client_name: continued.client.client_name.clone(),
        redirect_host: redirect_host(&continued.request.redirect_uri),
        username: user.user.username.clone(),
        admin: scope
            .iter()
            .any(|s| Scope::parse(s).is_some_and(Scope::is_admin)),
        scopes,
        switch_next: format!("/oauth/authorize/{}", continued.id),
    };
    let mut response = render(&page, StatusCode::OK)?;
    allow_form_to(&mut response, &continued.request.redirect_uri);
    Ok(response)
}

#[derive(Deserialize)]
pub struct Decision {
    #[serde(default)]
    decision: String,
}

/// `POST /oauth/authorize/{id}` (`csrf_token`, `decision=allow|deny`): allow remembers the
/// consent and sends a code; deny sends `access_denied`.
pub async fn decide_post(
    req: HttpRequest,
    LoginAttempt(client): LoginAttempt,
    state: web::Data<AppState>,
    id: web::Path<String>,
    SignedInForm { user, form }: SignedInForm<Decision>,
) -> Result<HttpResponse, AppError> {
    let (accounts, provider) = (state.accounts(), &state.provider);
    if !provider.enabled {
        return Err(AppError::NotFound);
    }
    let continued = accounts
        .continue_authorization(&id, Some(user.user.id))
        .await?
        .ok_or_else(|| AppError::BadRequest(EXPIRED.into()))?;
    match form.decision.as_str() {
        "allow" => {
            let session = req.get_session();
            if let Some(page) = step_up(&req, &session, provider, &user, &continued).await? {
                return Ok(page);
            }
            let code = accounts
                .approve(
                    provider,
                    &continued,
                    &user.user,
                    BrowserProof::from(&user),
                    true,
                    &client,
                )
                .await?
                .ok_or_else(|| AppError::BadRequest(EXPIRED.into()))?;
            code_to_client(&continued, &code, &provider.issuer)
        }
        "deny" => {
            if !accounts.deny(&continued, &user.user, &client).await? {
                return Err(AppError::BadRequest(EXPIRED.into()));
            }
            error_to_client(
                &continued,
                "access_denied",
                "The user denied the request.",
                &provider.issuer,
            )
        }
        _ => Err(AppError::BadRequest("Choose Allow or Deny.".into())),
    }
}

/// A redirect to a client (RFC 9700 §4.12: `303`), which must not learn this page's address.
fn to_client(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .no_store()
        .finish()
}

fn code_to_client(
    continued: &Continued,
    code: &str,
    issuer: &str,
) -> Result<HttpResponse, AppError> {
    let mut params = vec![("code", code)];
    if let Some(state) = &continued.request.state {
        params.push(("state", state));
    }
    params.push(("iss", issuer));
    let location = redirect_to(&continued.request.redirect_uri, &params)
        .ok_or_else(|| AppError::BadRequest("The redirect URI is not a URI.".into()))?;
    Ok(to_client(location))
}

fn error_to_client(
    continued: &Continued,
    error: &'static str,
    description: &str,
    issuer: &str,
) -> Result<HttpResponse, AppError> {
    error_response(
        AuthorizeError::Redirect(Redirect {
            redirect_uri: continued.request.redirect_uri.clone(),
            state: continued.request.state.clone(),
            error,
            description: description.to_string(),
        }),
        issuer,
    )
}

/// An authorization error: a redirect with `error`, `error_description`, `state` and `iss`
/// (RFC 9207), or the `400` page.
fn error_response(error: AuthorizeError, issuer: &str) -> Result<HttpResponse, AppError> {
    match error {
        AuthorizeError::Page(message) => Err(AppError::BadRequest(message)),
        AuthorizeError::Redirect(r) => {
            let mut params = vec![("error", r.error), ("error_description", &r.description)];
            if let Some(state) = &r.state {
                params.push(("state", state));
            }
            params.push(("iss", issuer));
            let location = redirect_to(&r.redirect_uri, &params)
                .ok_or_else(|| AppError::BadRequest("The redirect URI is not a URI.".into()))?;
            Ok(to_client(location))
        }
    }
}

fn refusal(error: AuthorizeError, issuer: &str) -> AppError {
    match error_response(error, issuer) {
        Err(e) => e,
        Ok(_) => AppError::BadRequest("The request could not be read.".into()),
    }
}

/// The host a redirect URI goes to, as the consent page names it (a private-use scheme
/// names itself).
fn redirect_host(uri: &str) -> String {
    match url::Url::parse(uri) {
        Ok(url) => match url.host_str() {
            Some(host) => host.to_string(),
            None => format!("{}:", url.scheme()),
        },
        Err(_) => uri.to_string(),
    }
}
