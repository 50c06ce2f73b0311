//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0; API.md part three, section 1,
//! "Logout"): an app sends the browser to `/oauth/logout`; Sigil signs it out (at once when
//! the app's id_token names this browser's session, else after "Sign out of Sigil?"), and
//! goes back to a registered `post_logout_redirect_uri`, or says "You are signed out". A
//! hint or a redirect Sigil cannot trust is a `400` page, and nothing is signed out.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::accounts::sessions::LogoutScope;
use crate::auth::csrf;
use crate::auth::extract::Authenticated;
use crate::db::clients::ClientRow;
use crate::error::AppError;
use crate::http::client::ClientInfo;
use crate::oidc::authorize::{redirect_to, redirect_uri_matches};
use crate::oidc::id_token::ID_TOKEN_TYPE;
use crate::routes::web::browser_session::{allow_form_to, logged_out};
use crate::routes::web::extract::Viewer;
use crate::routes::web::layout::Chrome;
use crate::routes::web::render;
use crate::state::AppState;

/// The parameters Sigil reads (`logout_hint` and `ui_locales` are ignored).
#[derive(Default, Clone)]
struct LogoutRequest {
    id_token_hint: Option<String>,
    client_id: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
    /// The confirmation form's answer.
    confirmed: bool,
    csrf_token: Option<String>,
}

impl LogoutRequest {
    fn read(pairs: Vec<(String, String)>) -> Result<Self, AppError> {
        let mut request = LogoutRequest::default();
        for (k, v) in pairs {
            if v.len() > 4096 {
                return Err(AppError::BadRequest(format!(
                    "The parameter {k} is too long."
                )));
            }
            let slot = match k.as_str() {
                "id_token_hint" => &mut request.id_token_hint,
                "client_id" => &mut request.client_id,
                "post_logout_redirect_uri" => &mut request.post_logout_redirect_uri,
                "state" => &mut request.state,
                "csrf_token" => &mut request.csrf_token,
                "confirm" => {
                    request.confirmed = v == "yes";
                    continue;
                }
                _ => continue,
            };
            if slot.is_some() {
                return Err(AppError::BadRequest(format!(
                    "The parameter {k} appears more than once."
                )));
            }
            *slot = Some(v).filter(|v| !v.is_empty());
        }
        Ok(request)
    }
}

/// What the checks leave: the client, the session the hint names, and where to go after.
struct Checked {
    client: Option<ClientRow>,
    hinted_sid: Option<String>,
    redirect: Option<String>,
}

/// `GET /oauth/logout`.
pub async fn logout_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    viewer: Viewer,
) -> Result<HttpResponse, AppError> {
    let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
        .map_err(|_| AppError::BadRequest("The request's parameters could not be read.".into()))?;
    logout(&req, &state, &session, viewer.0, pairs).await
}

/// `POST /oauth/logout`: the same parameters as a form, or the confirmation.
pub async fn logout_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    viewer: Viewer,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    logout(&req, &state, &session, viewer.0, form.into_inner()).await
}

async fn logout(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    viewer: Option<Authenticated>,
    pairs: Vec<(String, String)>,
) -> Result<HttpResponse, AppError> {
    if !state.provider.enabled {
        return Err(AppError::NotFound);
    }
    let request = LogoutRequest::read(pairs)?;
    let checked = check(state, &request).await?;
    let Some(user) = viewer else {
        // Nobody to sign out here: the app's own sign-out is done.
        return Ok(done(session, &checked, &request, state));
    };
    // The hint names a session of this browser: no question to ask.
    let ours = match &checked.hinted_sid {
        Some(sid) => {
            let sid = sid.clone();
            let found = state
                .db
                .run(move |conn| Ok(crate::db::sessions::Session::find(conn, &sid)?))
                .await?;
            found.is_some_and(|s| {
                s.user_id == user.user.id
                    && (s.id == user.claims.sid
                        || s.browser_sid.as_deref() == Some(user.claims.sid.as_str()))
            })
        }
        None => false,
    };
    if !ours {
        let answered = request.confirmed && req.method() == actix_web::http::Method::POST;
        if !answered {
            return ask(session, &user, &request, &checked);
        }
        // A cross-site form cannot sign anyone out: the page's CSRF token is required.
        csrf::verify(session, request.csrf_token.as_deref())?;
    }
    let client = ClientInfo::of(req);
    state
        .accounts()
        .logout_for_app(
            &user.claims,
            user.user.id,
            LogoutScope::ThisSession,
            &client,
            checked.client.as_ref().map(|c| c.client_id.as_str()),
        )
        .await?;
    let mut response = done(session, &checked, &request, state);
    crate::auth::cookies::clear(&mut response, state.tokens.secure_cookies);
    Ok(response)
}

/// The hint (a Sigil id_token, expiry ignored, for `client_id` when both come) and the
/// redirect (registered for that client). Anything else is a `400` page.
async fn check(state: &AppState, request: &LogoutRequest) -> Result<Checked, AppError> {
    let mut hinted_sid = None;
    let mut client_id = request.client_id.clone();
    if let Some(hint) = &request.id_token_hint {
        let key = state.provider.keys.current().await?;
        let claims = key
            .verify_ignoring_expiry(hint, ID_TOKEN_TYPE)
            .ok_or_else(|| {
                AppError::BadRequest(
                    "The app's id_token_hint is not an id_token Sigil signed, so nothing was \
                     signed out."
                        .into(),
                )
            })?;
        let audiences: Vec<String> = match claims.get("aud") {
            Some(serde_json::Value::String(a)) => vec![a.clone()],
            Some(serde_json::Value::Array(list)) => list
                .iter()
                .filter_map(|a| a.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        match &client_id {
            Some(id) if !audiences.contains(id) => {
                return Err(AppError::BadRequest(
                    "The id_token_hint was issued to another app than client_id names, so \
                     nothing was signed out."
                        .into(),
                ))
            }
            Some(_) => {}
            None => client_id = audiences.into_iter().next(),
        }
        hinted_sid = claims
            .get("sid")
            .and_then(|s| s.as_str())
            .map(str::to_string);
    }
    let client = match client_id {
        Some(id) if id.len() <= 64 => {
            state
                .db
                .run(move |conn| Ok(ClientRow::find(conn, &id)?))
                .await?
        }
        _ => None,
    };
    let redirect = match &request.post_logout_redirect_uri {
        None => None,
        Some(uri) => {
            let registered = client
                .as_ref()
                .map(ClientRow::post_logout_redirect_uris)
                .unwrap_or_default();
            if !registered.iter().any(|r| redirect_uri_matches(r, uri)) {
                return Err(AppError::BadRequest(
                    "The address the app asked to go back to after signing out is not \
                     registered for it, so nothing was signed out."
                        .into(),
                ));
            }
            Some(uri.clone())
        }
    };
    Ok(Checked {
        client,
        hinted_sid,
        redirect,
    })
}

#[derive(Template)]
#[template(path = "oauth/logout.html")]
struct ConfirmPage {
    chrome: Chrome,
    username: String,
    client_name: Option<String>,
    fields: Vec<(&'static str, String)>,
}

/// "Sign out of Sigil?": the request again as hidden fields, with the CSRF token.
fn ask(
    session: &Session,
    user: &Authenticated,
    request: &LogoutRequest,
    checked: &Checked,
) -> Result<HttpResponse, AppError> {
    let mut fields = Vec::new();
    for (name, value) in [
        ("id_token_hint", &request.id_token_hint),
        ("client_id", &request.client_id),
        (
            "post_logout_redirect_uri",
            &request.post_logout_redirect_uri,
        ),
        ("state", &request.state),
    ] {
        if let Some(v) = value {
            fields.push((name, v.clone()));
        }
    }
    let page = ConfirmPage {
        chrome: Chrome::new(session, "Sign out of Sigil?", Some(user)),
        username: user.user.username.clone(),
        client_name: checked.client.as_ref().map(|c| c.client_name.clone()),
        fields,
    };
    let mut response = render(&page, StatusCode::OK)?;
    if let Some(uri) = &checked.redirect {
        allow_form_to(&mut response, uri);
    }
    Ok(response)
}

/// After signing out (or with nobody to sign out): back to the app with `state`, or the
/// "You are signed out" page.
fn done(
    session: &Session,
    checked: &Checked,
    request: &LogoutRequest,
    state: &AppState,
) -> HttpResponse {
    if let Some(uri) = &checked.redirect {
        let mut params = Vec::new();
        if let Some(s) = &request.state {
            params.push(("state", s.as_str()));
        }
        if let Some(location) = redirect_to(uri, &params) {
            return HttpResponse::SeeOther()
                .insert_header((actix_web::http::header::LOCATION, location))
                .insert_header((actix_web::http::header::REFERRER_POLICY, "no-referrer"))
                .finish();
        }
    }
    logged_out(session, "You are signed out.", state.tokens.secure_cookies)
}
