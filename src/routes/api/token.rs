//! `POST /api/token/inspect`: any JWT, decoded and explained.

use actix_web::{web, HttpResponse};
use serde_json::{Map, Value};

use super::body::Fields;
use crate::auth::inspect::inspect_with_db;
use crate::error::AppError;
use crate::startup::AppState;

/// `{token}` → Inspection. A malformed token is a 200 naming the part that failed; an empty
/// `token` is a 422. The token is never logged or stored.
#[utoipa::path(
    post,
    path = "/api/token/inspect",
    tag = "tokens",
    request_body = crate::routes::api::openapi::InspectRequest,
    responses(
        (status = 200, description = "The inspection, also for malformed tokens", body = crate::auth::inspect::Inspection),
        (status = 422, description = "Empty token", body = crate::routes::api::openapi::ValidationProblem, content_type = "application/problem+json"),
        (status = 400, description = "The body is not valid JSON", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 64 KiB", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON", body = crate::routes::api::openapi::Problem, content_type = "application/problem+json")
    )
)]
pub async fn inspect(
    state: web::Data<AppState>,
    body: web::Json<Map<String, Value>>,
) -> Result<HttpResponse, AppError> {
    let mut f = Fields::new(body.into_inner());
    let token = f.required("token");
    if token.as_deref().is_some_and(|t| t.trim().is_empty()) {
        f.errors.add("token", "Paste a token to inspect.");
    }
    f.errors.into_result()?;
    let report = inspect_with_db(&state, &token.unwrap_or_default()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(report))
}
