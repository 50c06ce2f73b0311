//! `X-Request-Id` and the access log. Outermost middleware: it decides the request's id
//! before anything else runs (a well-formed id from a `TRUSTED_PROXIES` peer is kept, see
//! [`RequestId::parse`]; anything else is replaced by a fresh one), handles the request with
//! that id set for the log, writes the access line, and returns the id on every response
//! the application produces, error responses included.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;

use crate::http::client::TrustedProxies;
use crate::logging::{in_request, RequestId};
use crate::metrics::Metrics;

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Target of the access lines, one per request; not for the probes balancers send every
/// second or two: `/healthz`, and `/readyz` while it answers 200 (a failing one is logged).
pub const ACCESS_LOG: &str = "sigil::access";

pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // Only a trusted proxy's id is kept: a client's own would let it forge or collide with
    // the ids that tie log lines to requests.
    let from_proxy = match (req.peer_addr(), req.app_data::<web::Data<TrustedProxies>>()) {
        (Some(peer), Some(proxies)) => proxies.trusts(peer.ip()),
        _ => false,
    };
    let id = req
        .headers()
        .get(&X_REQUEST_ID)
        .filter(|_| from_proxy)
        .and_then(|v| v.to_str().ok())
        .and_then(RequestId::parse)
        .unwrap_or_else(RequestId::generate);
    // Checked by `RequestId::parse`/`generate`: always a valid header value.
    let value =
        HeaderValue::from_str(id.as_str()).map_err(actix_web::error::ErrorInternalServerError)?;
    in_request(id, async move {
        let started = Instant::now();
        // Method, path (no query string), status and time: never headers, cookies, bodies or
        // anything a client might have put in a URL's query.
        let method = req.method().clone();
        let path = req.path().to_string();
        // Metrics are labelled by the route *pattern* the path matches (`/api/posts/{id}`),
        // never by the path itself: a client must not be able to mint label values.
        let pattern = req.match_pattern();
        let metrics = req.app_data::<web::Data<Metrics>>().cloned();
        let observe = |status: u16| {
            if let Some(m) = &metrics {
                let secs = started.elapsed().as_secs_f64();
                m.observe_request(pattern.as_deref(), method.as_str(), status, secs);
            }
        };
        // A middleware error (not a handler's: those are responses by now) is answered by
        // the framework, without the header; it is still logged with the id.
        let mut res = next.call(req).await.inspect_err(|e| {
            let status = e.as_response_error().status_code().as_u16();
            observe(status);
            log::info!(target: ACCESS_LOG, "{method} {path} {status} (middleware error)");
        })?;
        observe(res.status().as_u16());
        let probe = path == "/healthz" || (path == "/readyz" && res.status().is_success());
        if !probe {
            log::info!(
                target: ACCESS_LOG,
                "{method} {path} {} {:.3}ms",
                res.status().as_u16(),
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
        res.headers_mut().insert(X_REQUEST_ID, value);
        Ok(res)
    })
    .await
}
