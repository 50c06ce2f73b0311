use actix_web::{web, HttpResponse};

use crate::error::AppError;
use crate::startup::AppState;

/// Liveness: the process answers. No database, no authentication.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(serde_json::json!({"status": "ok"}))
}

/// Readiness: the database answers a query.
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let backend = state.db.backend();
    match state.db.run(crate::db::ping).await {
        Ok(()) => Ok(HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(serde_json::json!({"status": "ready", "database": backend}))),
        Err(e) => {
            e.log_if_internal();
            Err(AppError::Unavailable(format!(
                "The {backend} database is not answering."
            )))
        }
    }
}
