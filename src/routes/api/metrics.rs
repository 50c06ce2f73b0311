//! `GET /metrics`: the Prometheus text exposition of this instance's series.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::AppError;
use crate::metrics::{self, Snapshot};
use crate::no_store::NoStore as _;
use crate::state::AppState;

/// Headers a reverse proxy adds for the client it relays: their presence means the TCP peer
/// is not the client (see [`metrics::may_scrape`]).
const FORWARDING_HEADERS: [&str; 3] = ["x-forwarded-for", "forwarded", "x-real-ip"];

/// Loopback peers read it freely; others need `Authorization: Bearer <METRICS_TOKEN>`, and
/// get a `403` problem otherwise (also when no token is configured). Gauges (bcrypt queue,
/// database pool, outbox) are read now; the outbox count runs off the async worker.
pub async fn metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    // The TCP peer, deliberately not `ClientInfo` (which trusts `X-Forwarded-For` from
    // `TRUSTED_PROXIES`): a header must never be what turns a request into a loopback one.
    let peer = req.peer_addr().map(|a| a.ip());
    let forwarded = FORWARDING_HEADERS
        .iter()
        .any(|h| req.headers().contains_key(*h));
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let token = state
        .settings
        .metrics_token
        .as_ref()
        .map(|t| t.expose().as_str());
    if !metrics::may_scrape(peer, forwarded, authorization, token) {
        return Err(AppError::Forbidden(
            "Metrics are served to loopback peers, and to others with the METRICS_TOKEN bearer \
             token."
                .into(),
        ));
    }
    let (bcrypt_waiting, bcrypt_busy) = state.passwords.load();
    let (db_in_use, db_idle) = state.db.pool_usage();
    let outbox = match state
        .db
        .run(|conn| Ok(crate::db::outbox::counts(conn)?))
        .await
    {
        Ok(counts) => Some(counts),
        Err(e) => {
            // The rest of the metrics are still worth having without the database.
            e.log_if_internal();
            None
        }
    };
    let snapshot = Snapshot {
        bcrypt_waiting,
        bcrypt_busy,
        db_in_use,
        db_idle,
        db_reads: state.db.read_counts(),
        outbox,
    };
    let body = state
        .metrics
        .render(&snapshot)
        .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, metrics::CONTENT_TYPE))
        .no_store()
        .body(body))
}
