//! Static files, compiled into the binary so it runs from any folder.

use actix_web::{web, HttpResponse};

use crate::error::AppError;

const FILES: &[(&str, &str, &str)] = &[
    (
        "css/sigil.css",
        "text/css; charset=utf-8",
        include_str!("../../../static/css/sigil.css"),
    ),
    (
        "js/countdown.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../static/js/countdown.js"),
    ),
    (
        "js/passkeys.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../static/js/passkeys.js"),
    ),
    (
        "js/inspector.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../static/js/inspector.js"),
    ),
];

/// `GET /static/{path}`.
pub async fn serve(path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let path = path.into_inner();
    let (_, content_type, body) = FILES
        .iter()
        .find(|(name, _, _)| *name == path)
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(*content_type)
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(*body))
}
