//! `GET/POST /token`: the token inspector page, for Sigil's tokens and any other issuer's
//! (checked with a key the developer pastes); the encoder is at `/token/encode`.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpMessage as _, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;
use serde_json::Value;

use crate::auth::credentials::ACCESS_COOKIE;
use crate::auth::extract::RenewedAccessToken;
use crate::error::{AppError, FieldErrors};
use crate::inspector::input::InspectInput;
use crate::inspector::{inspect_input, inspect_with_db, Checks, Inspection};
use crate::routes::web::extract::{CsrfForm, Viewer};
use crate::routes::web::layout::Chrome;
use crate::routes::web::render;
use crate::state::AppState;

pub mod encode;
mod glossary;
mod view;

use view::TokenView;

/// What the form holds: shown back as typed (the key too, so the developer can tweak it; the
/// page is never cached and the key never goes into a link or a log).
#[derive(Deserialize, Default)]
pub struct PasteForm {
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub expected_issuer: String,
    #[serde(default)]
    pub expected_audience: String,
}

#[derive(Template)]
#[template(path = "token/index.html")]
struct TokenPage {
    chrome: Chrome,
    own: Option<TokenView>,
    own_session: Option<String>,
    pasted: Option<TokenView>,
    form: PasteForm,
    errors: FieldErrors,
}

/// The browser's own access token (a renewed one if the middleware just refreshed it).
fn own_token(req: &HttpRequest) -> Option<String> {
    if let Some(RenewedAccessToken(t)) = req.extensions().get::<RenewedAccessToken>() {
        return Some(t.clone());
    }
    req.cookie(ACCESS_COOKIE).map(|c| c.value().to_string())
}

/// Whether the inspected token names Sigil as its issuer (so its `sid` is Sigil's session).
fn names_sigil(state: &AppState, r: &Inspection) -> bool {
    r.claims.is_some()
        || r.payload
            .as_ref()
            .and_then(|p| p.get("iss"))
            .and_then(Value::as_str)
            .is_some_and(|iss| iss == state.tokens.policy.issuer)
}

/// The page: the viewer's own token (when signed in), the form, and the pasted token's
/// inspection, if any; `422` when the form has errors.
async fn page(
    state: &AppState,
    req: &HttpRequest,
    session: &Session,
    Viewer(user): Viewer,
    pasted: Option<TokenView>,
    form: PasteForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (own, own_session) = match (&user, own_token(req)) {
        (Some(auth), Some(token)) => {
            let report =
                inspect_with_db(&state.db, &state.tokens, &token, &Checks::default(), None).await?;
            let sigils = names_sigil(state, &report);
            // Its report, never its text: the cookie is HttpOnly so that no script can read
            // the token, and a page that printed it would hand it to any script on the page
            // (and to whoever reads the screen or the saved page).
            let mut own = view::view(&token, report, sigils);
            own.segments = None;
            own.share_link.clear();
            (Some(own), Some(auth.claims.sid.clone()))
        }
        _ => (None, None),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = TokenPage {
        chrome: Chrome::new(session, "Token inspector", user.as_ref()),
        own,
        own_session,
        pasted,
        form,
        errors,
    };
    render(&page, status)
}

/// `GET /token`: the signed-in browser's own token, and the paste form.
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    viewer: Viewer,
) -> Result<HttpResponse, AppError> {
    let form = PasteForm::default();
    page(
        &state,
        &req,
        &session,
        viewer,
        None,
        form,
        FieldErrors::new(),
    )
    .await
}

/// `POST /token`: inspects a pasted token, with the key, issuer and audience given. It is
/// shown back on this page only: never logged, stored, or put in a URL's query.
pub async fn inspect(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    viewer: Viewer,
    CsrfForm(form): CsrfForm<PasteForm>,
) -> Result<HttpResponse, AppError> {
    let parsed = InspectInput::parse(
        Some(&form.token),
        Some(&form.key),
        Some(&form.expected_issuer),
        Some(&form.expected_audience),
    );
    let input = match parsed {
        Ok(input) => input,
        Err(errors) => return page(&state, &req, &session, viewer, None, form, errors).await,
    };
    let signed_in = viewer.0.as_ref().map(|auth| auth.user.id);
    let report = inspect_input(Some(&state.db), &state.tokens, &input, signed_in).await?;
    let sigils = names_sigil(&state, &report);
    let pasted = view::view(&input.token, report, sigils);
    let no_errors = FieldErrors::new();
    page(
        &state,
        &req,
        &session,
        viewer,
        Some(pasted),
        form,
        no_errors,
    )
    .await
}
