//! Liveness and readiness.

use actix_web::{web, HttpResponse};

use crate::error::{AppError, Problem};
use crate::no_store::NoStore as _;
use crate::state::AppState;

/// Liveness: the process answers. No database, no authentication.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    responses(
        (status = 200, description = "The process answers", body = Object)
    )
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .no_store()
        .json(serde_json::json!({"status": "ok"}))
}

/// Readiness: the database answers a query.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    responses(
        (status = 200, description = "The database answers", body = Object),
        (status = 503, description = "The database does not answer", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let backend = state.db.backend();
    match state.db.answers().await {
        true => Ok(HttpResponse::Ok()
            .no_store()
            .json(serde_json::json!({"status": "ready", "database": backend}))),
        false => Err(AppError::Unavailable(format!(
            "The {backend} database is not answering."
        ))),
    }
}
