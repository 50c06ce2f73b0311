//! CORS for public clients (API.md part three, section 1, "CORS"): the token, userinfo,
//! revocation and device authorization endpoints answer a browser app whose `Origin` is the origin of one of a public
//! client's redirect URIs. Never with credentials: these endpoints take tokens, not cookies.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;

use crate::db::schema::oauth_clients;
use crate::db::Db;

/// How long a browser may keep a preflight's answer, in seconds.
const MAX_AGE: &str = "600";

/// Echoes an allowed `Origin` on the answer, and answers a preflight (`OPTIONS` with
/// `Access-Control-Request-Method`) itself with `204`. Any other origin gets no CORS headers,
/// so the browser keeps the answer from the page.
pub async fn public_clients(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_string);
    let allowed = match (&origin, req.app_data::<web::Data<Db>>()) {
        (Some(origin), Some(db)) => is_public_client_origin(db, origin).await,
        _ => false,
    };
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight {
        let mut response = HttpResponse::NoContent();
        response.insert_header((header::VARY, "Origin"));
        if let (true, Some(origin)) = (allowed, &origin) {
            response
                .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.as_str()))
                .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST"))
                .insert_header((
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    "Authorization, Content-Type",
                ))
                .insert_header((header::ACCESS_CONTROL_MAX_AGE, MAX_AGE));
        }
        return Ok(req.into_response(response.finish()).map_into_right_body());
    }
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let (true, Some(origin)) = (allowed, origin) {
        if let Ok(value) = HeaderValue::from_str(&origin) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
            headers.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static("WWW-Authenticate"),
            );
        }
    }
    Ok(res.map_into_left_body())
}

/// Whether `origin` (`scheme://host[:port]`, as a browser sends it) is the origin of a
/// redirect URI of a public client. One read of the public clients' URIs; a database error
/// answers "no" (the request itself still runs and reports its own errors).
async fn is_public_client_origin(db: &Db, origin: &str) -> bool {
    if origin.len() > 2048 || origin == "null" {
        return false;
    }
    let uris = db
        .run(|conn| {
            Ok(oauth_clients::table
                .filter(oauth_clients::confidential.eq(false))
                .select(oauth_clients::redirect_uris)
                .load::<String>(conn)?)
        })
        .await;
    let Ok(uris) = uris else {
        return false;
    };
    uris.iter()
        .flat_map(|list| serde_json::from_str::<Vec<String>>(list).unwrap_or_default())
        .filter_map(|uri| url::Url::parse(&uri).ok())
        .filter(|url| matches!(url.scheme(), "http" | "https"))
        .any(|url| same_origin(&url, origin))
}

/// Whether a browser's `origin` is `url`'s origin; for a loopback IP literal, on any port (the
/// redirect URI's own rule, RFC 8252 §7.3: a native or local app gets the port it gets).
fn same_origin(url: &url::Url, origin: &str) -> bool {
    if url.origin().ascii_serialization() == origin {
        return true;
    }
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "[::1]")) && url.scheme() == "http";
    let Ok(presented) = url::Url::parse(origin) else {
        return false;
    };
    loopback && presented.scheme() == "http" && presented.host_str() == url.host_str()
}
