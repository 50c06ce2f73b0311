//! `POST /api/token/inspect`: any JWT, decoded and explained.

use actix_web::{web, HttpResponse};
use serde_json::{Map, Value};

use super::body::Fields;
use crate::auth::inspect::inspect_with_db;
use crate::error::AppError;
use crate::startup::AppState;

/// `{token}` → Inspection. A malformed token is a 200 naming the part that failed; an empty
/// `token` is a 422. The token is never logged or stored.
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
