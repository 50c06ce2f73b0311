//! `POST /api/token/inspect`: any JWT, decoded and explained.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::responses::BodyErrors;
use crate::auth::inspect::{inspect_with_db, Inspection};
use crate::error::{AppError, FieldErrors};
use crate::http::body::{Field, JsonBody};
use crate::state::AppState;

/// `POST /api/token/inspect`.
#[derive(Deserialize, ToSchema)]
pub struct InspectRequest {
    #[schema(value_type = String, required = true, min_length = 1)]
    #[serde(default)]
    pub token: Field,
}

/// The token to inspect: present and not blank.
pub struct PastedToken(pub String);

impl TryFrom<InspectRequest> for PastedToken {
    type Error = FieldErrors;

    fn try_from(r: InspectRequest) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let token = r.token.required("token", &mut errors, |t| {
            if t.trim().is_empty() {
                Err("Paste a token to inspect.".to_string())
            } else {
                Ok(PastedToken(t.to_string()))
            }
        });
        errors.finish(|| token)
    }
}

/// `{token}` → Inspection. A malformed token is a 200 naming the part that failed; an empty
/// `token` is a 422. The token is never logged or stored.
#[utoipa::path(
    post,
    path = "/api/token/inspect",
    tag = "tokens",
    request_body = InspectRequest,
    responses(
        (status = 200, description = "The inspection, also for malformed tokens", body = Inspection),
        BodyErrors
    )
)]
pub async fn inspect(
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<InspectRequest>,
) -> Result<HttpResponse, AppError> {
    let PastedToken(token) = PastedToken::try_from(body)?;
    let report = inspect_with_db(&state.db, &state.tokens, &token).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(report))
}
