//! OAuth client authentication at the token endpoint (RFC 6749 §2.3, API.md part three,
//! section 1, "Token endpoint additions"): `client_secret_basic`, `client_secret_post`, or
//! `none` for a public client, which sends its `client_id`.

use actix_web::http::header;
use actix_web::HttpRequest;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::db::clients::ClientRow;
use crate::db::Db;
use crate::error::AppError;

/// The client credentials a token request carries.
pub struct Presented<'a> {
    pub client_id: Option<&'a str>,
    pub client_secret: Option<&'a str>,
    /// `client_assertion` (private_key_jwt): not supported, so always refused.
    pub assertion: bool,
}

/// Whether the request carries any client credential at all.
pub fn any(req: &HttpRequest, presented: &Presented<'_>) -> bool {
    basic(req).is_some()
        || presented.client_id.is_some_and(|s| !s.is_empty())
        || presented.client_secret.is_some()
        || presented.assertion
}

/// The registered client the request authenticates as. Two methods at once, or a secret from
/// a public client, is `invalid_request`; an unknown client, a wrong or missing secret, or an
/// assertion is `401 invalid_client`. `Ok(None)`: no client credential was sent.
pub async fn authenticate(
    req: &HttpRequest,
    db: &Db,
    presented: &Presented<'_>,
) -> Result<Option<ClientRow>, AppError> {
    let invalid_client = |why: &str| AppError::oauth("invalid_client", why.to_string());
    if presented.assertion {
        return Err(invalid_client(
            "Client assertions (private_key_jwt) are not supported; use the client secret.",
        ));
    }
    let form_id = presented.client_id.filter(|s| !s.is_empty());
    let (client_id, secret) = match basic(req) {
        Some(Err(())) => return Err(invalid_client("The Basic credentials could not be read.")),
        Some(Ok((id, secret))) => {
            if presented.client_secret.is_some() {
                return Err(AppError::oauth(
                    "invalid_request",
                    "Send the client secret one way: Basic or client_secret, not both.",
                ));
            }
            if form_id.is_some_and(|f| f != id) {
                return Err(AppError::oauth(
                    "invalid_request",
                    "client_id names another client than the Basic credentials.",
                ));
            }
            (id, Some(secret))
        }
        None => match form_id {
            Some(id) => (id.to_string(), presented.client_secret.map(str::to_string)),
            None if presented.client_secret.is_some() => {
                return Err(AppError::oauth(
                    "invalid_request",
                    "client_secret needs its client_id.",
                ))
            }
            None => return Ok(None),
        },
    };
    if client_id.len() > 64 {
        return Err(invalid_client("The client is unknown."));
    }
    let key = client_id.clone();
    let client = db
        .run(move |conn| Ok(ClientRow::find(conn, &key)?))
        .await?
        .ok_or_else(|| invalid_client("The client is unknown."))?;
    match (client.confidential, secret) {
        (true, Some(secret)) if client.check_secret(&secret, crate::db::now()) => Ok(Some(client)),
        (true, Some(_)) => Err(invalid_client("The client secret is wrong.")),
        (true, None) => Err(invalid_client(
            "This client is confidential: authenticate with its secret.",
        )),
        (false, None) => Ok(Some(client)),
        (false, Some(_)) => Err(AppError::oauth(
            "invalid_request",
            "A public client has no secret: send only client_id.",
        )),
    }
}

/// `Authorization: Basic` credentials, each part form-urlencoded before base64 (RFC 6749
/// §2.3.1); `Some(Err)` when the header is Basic but unreadable.
fn basic(req: &HttpRequest) -> Option<Result<(String, String), ()>> {
    let value = req.headers().get(header::AUTHORIZATION)?;
    let value = value.to_str().unwrap_or("").trim();
    let (scheme, encoded) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    let Some((id, secret)) = decoded.as_deref().and_then(|d| d.split_once(':')) else {
        return Some(Err(()));
    };
    let unescape = |s: &str| -> Result<String, ()> {
        let plus_as_space = s.replace('+', " ");
        percent_encoding::percent_decode_str(&plus_as_space)
            .decode_utf8()
            .map(|c| c.into_owned())
            .map_err(|_| ())
    };
    Some(unescape(id).and_then(|id| Ok((id, unescape(secret)?))))
}
