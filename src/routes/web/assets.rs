//! Static files, compiled into the binary so it runs from any folder.

use actix_web::{web, HttpResponse};

use crate::error::AppError;

const FILES: &[(&str, &str, &str)] = &[
    ("favicon.svg", FAVICON_TYPE, FAVICON),
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
    (
        "js/copy.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../static/js/copy.js"),
    ),
];

const FAVICON: &str = include_str!("../../../static/favicon.svg");
const FAVICON_TYPE: &str = "image/svg+xml";

/// `GET /favicon.ico`, which browsers ask for on their own whatever the page links: the same
/// SVG icon as `/static/favicon.svg` (the layout's `<link rel="icon">`), so no request of a
/// page ends in a 404.
pub async fn favicon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type(FAVICON_TYPE)
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .body(FAVICON)
}

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
