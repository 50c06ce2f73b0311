//! Static files, compiled into the binary so it runs from any folder.

use actix_web::{web, HttpResponse};

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
];

/// `GET /static/{path}`.
pub async fn serve(path: web::Path<String>) -> HttpResponse {
    let path = path.into_inner();
    match FILES.iter().find(|(name, _, _)| *name == path) {
        Some((_, content_type, body)) => HttpResponse::Ok()
            .content_type(*content_type)
            .insert_header(("Cache-Control", "public, max-age=3600"))
            .body(*body),
        None => super::errors::page(actix_web::http::StatusCode::NOT_FOUND, None),
    }
}
