//! `Cache-Control: no-store`, written once: answers that carry tokens, secrets, CSRF tokens or
//! personal data are never kept by a browser or a proxy (RFC 9111 §5.2.2.5). Every response
//! builder that needs it calls `.no_store()`, the error responses included, so this sits below
//! both `error` and `http`.

use actix_web::http::header;

/// Adds `Cache-Control: no-store` to a response being built.
pub trait NoStore {
    fn no_store(&mut self) -> &mut Self;
}

impl NoStore for actix_web::HttpResponseBuilder {
    fn no_store(&mut self) -> &mut Self {
        self.insert_header((header::CACHE_CONTROL, "no-store"))
    }
}
