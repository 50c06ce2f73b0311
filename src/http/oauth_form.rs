//! The token endpoint's parameters (RFC 6749 §4.3, §6): form-encoded, as the RFC says, or
//! multipart/form-data, which FastAPI's `OAuth2PasswordRequestForm` clients and `curl -F`
//! send. Problems are RFC 6749 §5.2 `invalid_request` errors.

use std::collections::BTreeSet;

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt as _;
use serde::de::DeserializeOwned;

use super::body::from_text_fields;
use crate::error::{AppError, OAuthError, BODY_LIMIT};

/// At most this many parameters in a multipart body.
const MAX_PARAMS: usize = 32;

/// The parameters of a token request read into `T` (whose fields are `Option<String>`), each
/// given at most once.
pub struct OAuthForm<T>(pub T);

/// A parameter that must be present and not empty.
pub fn required(value: Option<String>, name: &str) -> Result<String, AppError> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| invalid(format!("The {name} parameter is required.")))
}

/// RFC 6749 §3.2: a parameter must not be included more than once.
fn from_pairs<T: DeserializeOwned>(pairs: Vec<(String, String)>) -> Result<T, AppError> {
    let mut seen = BTreeSet::new();
    if let Some((k, _)) = pairs.iter().find(|(k, _)| !seen.insert(k.clone())) {
        return Err(invalid(format!(
            "The parameter {k} appears more than once."
        )));
    }
    from_text_fields(pairs).map_err(|_| invalid("The parameters could not be read."))
}

fn invalid(description: impl Into<String>) -> AppError {
    AppError::oauth("invalid_request", description)
}

impl<T: DeserializeOwned + 'static> FromRequest for OAuthForm<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let payload = web::Payload::from_request(&req, payload);
        Box::pin(async move {
            let payload = payload
                .await
                .map_err(|_| invalid("The body could not be read."))?;
            let mime = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .and_then(|ct| ct.split(';').next())
                .map(|m| m.trim().to_ascii_lowercase())
                .unwrap_or_default();
            let pairs = match mime.as_str() {
                "application/x-www-form-urlencoded" => {
                    let body = read_limited(payload).await?;
                    serde_urlencoded::from_bytes(&body)
                        .map_err(|_| invalid("The form body could not be parsed."))?
                }
                "multipart/form-data" => read_multipart(&req, payload).await?,
                _ => {
                    return Err(invalid(
                        "Send the parameters as application/x-www-form-urlencoded (or multipart/form-data).",
                    ))
                }
            };
            from_pairs(pairs).map(OAuthForm)
        })
    }
}

async fn read_multipart(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<Vec<(String, String)>, AppError> {
    let broken = || invalid("The multipart body could not be parsed.");
    let mut form = actix_multipart::Multipart::new(req.headers(), payload);
    let mut pairs = Vec::new();
    let mut total = 0usize;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| broken())?;
        let name = field.name().unwrap_or_default().to_string();
        let value = field
            .bytes(BODY_LIMIT)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?
            .map_err(|_| broken())?;
        total += name.len() + value.len();
        if total > BODY_LIMIT || pairs.len() >= MAX_PARAMS {
            return Err(AppError::PayloadTooLarge);
        }
        let value = String::from_utf8(value.to_vec())
            .map_err(|_| invalid(format!("The {name} parameter is not UTF-8.")))?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

/// Reads a body of at most [`BODY_LIMIT`] bytes (413 past it).
async fn read_limited(mut payload: web::Payload) -> Result<web::BytesMut, AppError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| match super::body_deadline::is_deadline(&e) {
            true => AppError::OAuth(OAuthError {
                status: StatusCode::REQUEST_TIMEOUT,
                error: "invalid_request",
                description: "The request body did not arrive in time.".into(),
                mfa_token: None,
            }),
            false => invalid("The body could not be read."),
        })?;
        if body.len() + chunk.len() > BODY_LIMIT {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
