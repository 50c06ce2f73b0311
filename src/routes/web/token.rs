//! `GET/POST /token`: the token inspector page.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpMessage as _, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;
use serde_json::Value;

use super::extract::{CsrfForm, Viewer};
use super::layout::Chrome;
use super::render;
use crate::auth::credentials::ACCESS_COOKIE;
use crate::auth::extract::RenewedAccessToken;
use crate::auth::inspect::{human_duration, inspect_with_db, Checks, Inspection, Revoked};
use crate::error::AppError;
use crate::state::AppState;

/// Registered claims and what they mean, for the claims table.
const REGISTERED: &[(&str, &str, &str)] = &[
    ("iss", "Issuer", "Who issued the token."),
    ("sub", "Subject", "The user the token is about (a user id)."),
    ("aud", "Audience", "Who the token is meant for."),
    ("exp", "Expires", "After this time the token is refused."),
    (
        "nbf",
        "Not before",
        "Before this time the token is refused.",
    ),
    ("iat", "Issued at", "When the token was signed."),
    (
        "jti",
        "Token id",
        "Unique id; logout revokes the token by it.",
    ),
    (
        "sid",
        "Session id",
        "The login session (refresh family) it belongs to.",
    ),
    (
        "username",
        "Username",
        "The user's name when the token was issued.",
    ),
    (
        "auth_time",
        "Authenticated at",
        "When the user last proved who they are (OpenID Connect); refreshes keep it, and \
         sensitive changes need it to be recent.",
    ),
    (
        "amr",
        "Authentication methods",
        "How the user proved who they are (RFC 8176): pwd is a password, otp a one-time \
         code, hwk / swk a passkey.",
    ),
];

/// RFC 8176 method references, in words.
fn amr_words(v: &Value) -> Option<String> {
    let list = v.as_array()?;
    let words: Vec<String> = list
        .iter()
        .map(|m| {
            let m = m.as_str().unwrap_or("?");
            let said = match m {
                "pwd" => "password",
                "otp" => "one-time code",
                "hwk" => "hardware-bound key (passkey)",
                "swk" => "software-bound key (passkey)",
                "mfa" => "several factors",
                _ => "",
            };
            match said {
                "" => m.to_string(),
                said => format!("{m} ({said})"),
            }
        })
        .collect();
    Some(words.join(", "))
}

struct ClaimRow {
    name: String,
    label: String,
    meaning: String,
    value: String,
}

struct Segments {
    header: String,
    payload: String,
    signature: String,
}

/// Everything the page shows of one inspected token.
struct TokenView {
    status: &'static str,
    status_label: &'static str,
    error: Option<String>,
    header_json: String,
    payload_json: String,
    algorithm: String,
    key_id: String,
    verified: bool,
    /// "yes", "no" or "session unknown".
    revoked: &'static str,
    subject: Option<String>,
    issued_at: Option<String>,
    not_before: Option<String>,
    expires_at: Option<String>,
    relative_expiry: Option<String>,
    expires_at_unix: Option<i64>,
    registered: Vec<ClaimRow>,
    custom: Vec<ClaimRow>,
    segments: Option<Segments>,
}

#[derive(Template)]
#[template(path = "token/index.html")]
struct TokenPage {
    chrome: Chrome,
    own: Option<TokenView>,
    own_session: Option<String>,
    pasted: Option<TokenView>,
}

fn status_label(status: &str) -> &'static str {
    match status {
        "valid" => "Valid",
        "expired" => "Expired",
        "not_yet_valid" => "Not yet valid",
        "revoked" => "Revoked",
        "invalid_signature" => "Invalid signature",
        "wrong_algorithm" => "Wrong algorithm",
        "wrong_issuer_or_audience" => "Wrong issuer or audience",
        "unverified" => "Not verified",
        _ => "Malformed",
    }
}

fn rfc3339(t: Option<time::OffsetDateTime>) -> Option<String> {
    t.and_then(|t| {
        t.format(&time::format_description::well_known::Rfc3339)
            .ok()
    })
}

fn view(token: &str, r: Inspection) -> TokenView {
    let pretty = |v: &Option<Value>| {
        v.as_ref()
            .and_then(|v| serde_json::to_string_pretty(v).ok())
            .unwrap_or_else(|| "(could not be decoded)".into())
    };
    let mut registered = Vec::new();
    let mut custom = Vec::new();
    if let Some(Value::Object(map)) = &r.payload {
        for (name, label, meaning) in REGISTERED {
            if let Some(v) = map.get(*name) {
                let value = match (*name, v.as_i64()) {
                    ("amr", _) => amr_words(v).unwrap_or_else(|| v.to_string()),
                    ("exp" | "nbf" | "iat" | "auth_time", Some(t)) => {
                        time::OffsetDateTime::from_unix_timestamp(t)
                            .ok()
                            .and_then(|t| rfc3339(Some(t)))
                            .map(|s| format!("{t} ({s})"))
                            .unwrap_or_else(|| v.to_string())
                    }
                    _ => v
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string()),
                };
                registered.push(ClaimRow {
                    name: name.to_string(),
                    label: label.to_string(),
                    meaning: meaning.to_string(),
                    value,
                });
            }
        }
        for (name, v) in map {
            if !REGISTERED.iter().any(|(n, _, _)| n == name) {
                custom.push(ClaimRow {
                    name: name.clone(),
                    label: "Custom claim".into(),
                    meaning: String::new(),
                    value: v
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string()),
                });
            }
        }
    }
    let parts: Vec<&str> = token.trim().splitn(3, '.').collect();
    let segments = (parts.len() == 3).then(|| Segments {
        header: parts[0].to_string(),
        payload: parts[1].to_string(),
        signature: parts[2].to_string(),
    });
    let relative_expiry = r.expires_in_seconds.map(|s| {
        if s >= 0 {
            format!("expires in {}", human_duration(s))
        } else {
            format!("expired {} ago", human_duration(s))
        }
    });
    TokenView {
        status: r.status,
        status_label: status_label(r.status),
        error: r.error.clone(),
        header_json: pretty(&r.header),
        payload_json: pretty(&r.payload),
        algorithm: r
            .signature
            .algorithm
            .clone()
            .unwrap_or_else(|| "(none)".into()),
        key_id: r
            .signature
            .key_id
            .clone()
            .unwrap_or_else(|| "(none)".into()),
        verified: r.signature.verified,
        revoked: match r.revoked {
            Revoked::No => "no",
            Revoked::Yes => "yes",
            Revoked::SessionUnknown => "session unknown",
        },
        subject: r
            .subject
            .as_ref()
            .map(|s| format!("{} (id {})", s.username, s.id)),
        issued_at: rfc3339(r.issued_at),
        not_before: rfc3339(r.not_before),
        expires_at: rfc3339(r.expires_at),
        relative_expiry,
        expires_at_unix: r.expires_at.map(|t| t.unix_timestamp()),
        registered,
        custom,
        segments,
    }
}

/// The browser's own access token (a renewed one if the middleware just refreshed it).
fn own_token(req: &HttpRequest) -> Option<String> {
    if let Some(RenewedAccessToken(t)) = req.extensions().get::<RenewedAccessToken>() {
        return Some(t.clone());
    }
    req.cookie(ACCESS_COOKIE).map(|c| c.value().to_string())
}

/// The page: the viewer's own token (when signed in), and the pasted one, if any.
async fn page(
    state: &AppState,
    req: &HttpRequest,
    session: &Session,
    Viewer(user): Viewer,
    pasted: Option<TokenView>,
) -> Result<HttpResponse, AppError> {
    let (own, own_session) = match (&user, own_token(req)) {
        (Some(auth), Some(token)) => {
            let report =
                inspect_with_db(&state.db, &state.tokens, &token, &Checks::default()).await?;
            (Some(view(&token, report)), Some(auth.claims.sid.clone()))
        }
        _ => (None, None),
    };
    let page = TokenPage {
        chrome: Chrome::new(session, "Token inspector", user.as_ref()),
        own,
        own_session,
        pasted,
    };
    render(&page, StatusCode::OK)
}

/// `GET /token`: the signed-in browser's own token, and the paste form.
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    viewer: Viewer,
) -> Result<HttpResponse, AppError> {
    page(&state, &req, &session, viewer, None).await
}

#[derive(Deserialize)]
pub struct PasteForm {
    #[serde(default)]
    pub token: String,
}

/// `POST /token`: inspects a pasted token. It is shown back on this page only: never logged,
/// stored, or put in a URL.
pub async fn inspect(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    viewer: Viewer,
    CsrfForm(form): CsrfForm<PasteForm>,
) -> Result<HttpResponse, AppError> {
    let token = form.token.trim();
    if token.is_empty() {
        let mut response = page(&state, &req, &session, viewer, None).await?;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    }
    let report = inspect_with_db(&state.db, &state.tokens, token, &Checks::default()).await?;
    page(&state, &req, &session, viewer, Some(view(token, report))).await
}
