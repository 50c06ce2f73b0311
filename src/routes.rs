//! HTTP handlers: `api` answers JSON, `web` renders pages. Both share the domain types, the
//! queries on the models and the flows; `faces` gives each error the shape of its route.

pub mod api;
pub mod cors;
pub mod faces;
pub mod web;

/// A GET route that answers HEAD too (RFC 9110 §9.3.2): the same status and headers, and
/// actix-web writes no body for a HEAD request. The route table uses it for every GET.
pub fn get() -> actix_web::Route {
    use actix_web::guard;
    actix_web::web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}
