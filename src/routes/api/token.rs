//! `POST /api/token/inspect`: any JWT, decoded and explained.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::responses::BodyErrors;
use crate::auth::inspect::input::InspectInput;
use crate::auth::inspect::{inspect_with_db, Inspection};
use crate::error::{AppError, FieldErrors};
use crate::http::body::{Field, JsonBody, Null};
use crate::state::AppState;

/// `POST /api/token/inspect`.
#[derive(Deserialize, ToSchema)]
pub struct InspectRequest {
    #[schema(value_type = String, required = true, min_length = 1)]
    #[serde(default)]
    pub token: Field,
    /// The key to check another issuer's token with: an HMAC secret (text, or base64url after
    /// `base64:`), a PEM public key or certificate, a JWK, or a JWKS (the key chosen by `kid`).
    /// Sigil's own keys when left out. Never stored or logged.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub key: Field,
    /// The `iss` the token must have.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub expected_issuer: Field,
    /// A value the token's `aud` must be or include.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub expected_audience: Field,
}

impl TryFrom<InspectRequest> for InspectInput {
    type Error = FieldErrors;

    fn try_from(r: InspectRequest) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let token = r.token.text("token", &mut errors);
        let mut optional = |name: &str, f: Field| {
            f.optional(name, &mut errors, Null::Absent, |t| Ok(t.to_string()))
        };
        let key = optional("key", r.key);
        let issuer = optional("expected_issuer", r.expected_issuer);
        let audience = optional("expected_audience", r.expected_audience);
        let (Some(token), Some(key), Some(issuer), Some(audience)) = (token, key, issuer, audience)
        else {
            return Err(errors);
        };
        InspectInput::parse(
            Some(&token),
            key.as_deref(),
            issuer.as_deref(),
            audience.as_deref(),
        )
    }
}

/// `{token, key?, expected_issuer?, expected_audience?}` → Inspection. A malformed token is a
/// 200 naming the part that failed; an empty `token` or a key that does not parse is a 422.
/// Nothing pasted is logged or stored.
#[utoipa::path(
    post,
    path = "/api/token/inspect",
    tag = "tokens",
    request_body = InspectRequest,
    responses(
        (status = 200, description = "The inspection, also for malformed tokens and tokens of other issuers", body = Inspection),
        BodyErrors
    )
)]
pub async fn inspect(
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<InspectRequest>,
) -> Result<HttpResponse, AppError> {
    let input = InspectInput::try_from(body)?;
    let report = inspect_with_db(&state.db, &state.tokens, &input.token, &input.checks()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(report))
}
