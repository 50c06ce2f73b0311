//! `GET/POST /token/encode`: the encoder page. It signs header and payload JSON with the key the
//! developer pastes, for test fixtures; Sigil's own keys are never used.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;
use serde::Deserialize;

use crate::error::{AppError, FieldErrors};
use crate::inspector::encoder;
use crate::inspector::warnings::Warning;
use crate::routes::web::extract::{CsrfForm, Viewer};
use crate::routes::web::layout::Chrome;
use crate::routes::web::render;

/// The encoder's fields, shown back as typed (the key too: the page is never cached, and the
/// key is never put in a link or a log).
#[derive(Deserialize)]
pub struct EncodeForm {
    #[serde(default)]
    pub header: String,
    #[serde(default)]
    pub payload: String,
    #[serde(default)]
    pub key: String,
}

impl EncodeForm {
    /// HS256 and a payload valid from now for 15 minutes.
    fn prefilled() -> Self {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        Self {
            header: "{\"alg\": \"HS256\", \"typ\": \"JWT\"}".into(),
            payload: format!(
                "{{\n  \"sub\": \"user-123\",\n  \"iat\": {now},\n  \"exp\": {}\n}}",
                now + 15 * 60
            ),
            key: String::new(),
        }
    }
}

/// A signed token and the segments the page colours.
struct Encoded {
    header: String,
    payload: String,
    signature: String,
    /// `/token#token=…`: the inspector, filled in by its script (never the key).
    inspect_link: String,
    /// The inspector's warnings about the token made (a published secret, no expiry…).
    warnings: Vec<Warning>,
}

#[derive(Template)]
#[template(path = "token/encode.html")]
struct EncodePage {
    chrome: Chrome,
    form: EncodeForm,
    errors: FieldErrors,
    encoded: Option<Encoded>,
}

fn page(
    session: &Session,
    viewer: Viewer,
    form: EncodeForm,
    result: Result<Option<String>, FieldErrors>,
) -> Result<HttpResponse, AppError> {
    let key = Some(form.key.as_str());
    let (encoded, errors, status) = match result {
        Ok(token) => (token, FieldErrors::new(), StatusCode::OK),
        Err(errors) => (None, errors, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let encoded = encoded.map(|t| {
        let mut parts = t.splitn(3, '.').map(str::to_string);
        Encoded {
            header: parts.next().unwrap_or_default(),
            payload: parts.next().unwrap_or_default(),
            signature: parts.next().unwrap_or_default(),
            // Base64url and dots only: nothing to escape in a fragment.
            inspect_link: format!("/token#token={t}"),
            warnings: encoder::warnings(&t, key),
        }
    });
    let page = EncodePage {
        chrome: Chrome::new(session, "Token encoder", viewer.0.as_ref()),
        form,
        errors,
        encoded,
    };
    render(&page, status)
}

/// `GET /token/encode`: the form, prefilled.
pub async fn form(session: Session, viewer: Viewer) -> Result<HttpResponse, AppError> {
    page(&session, viewer, EncodeForm::prefilled(), Ok(None))
}

/// `POST /token/encode`: signs the header and payload with the pasted key; problems are shown
/// at their fields with `422`.
pub async fn encode(
    session: Session,
    viewer: Viewer,
    CsrfForm(form): CsrfForm<EncodeForm>,
) -> Result<HttpResponse, AppError> {
    let token = encoder::encode(&form.header, &form.payload, Some(&form.key));
    page(&session, viewer, form, token.map(Some))
}
