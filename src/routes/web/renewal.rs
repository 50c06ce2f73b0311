//! Silent renewal: a page load whose access cookie is missing or expired, but whose refresh
//! cookie is valid, rotates the refresh token and goes on as if the browser had sent the new
//! access token; the response carries both new cookies. A login so lasts the refresh lifetime,
//! within the session's idle and absolute limits: a page whose session timed out clears both
//! cookies (and a page that needs a sign-in sends the browser to `/login?next=`).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage as _};

use crate::auth::cookies;
use crate::auth::credentials::{ACCESS_COOKIE, REFRESH_COOKIE};
use crate::auth::extract::{RenewedAccessToken, SessionTimedOut};
use crate::http::is_api_path;
use crate::state::AppState;

/// Renews page loads only: never an API route, never a request with a bearer header, never
/// `/auth/refresh` itself, and only when the access cookie is missing or no longer verifies.
/// The refresh token rotates as at the token endpoint (a reuse revokes its family); cookies a
/// handler set itself win over the renewed ones. A page whose access cookie names a session
/// that timed out gets both cookies cleared.
pub async fn silent_renewal(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let path = req.path();
    let is_page = !is_api_path(path)
        && !path.starts_with("/static/")
        && path != "/auth/refresh"
        && !req.headers().contains_key(header::AUTHORIZATION);
    let refresh = req.cookie(REFRESH_COOKIE).map(|c| c.value().to_string());
    let (Some(state), Some(refresh), true) = (
        req.app_data::<web::Data<AppState>>().cloned(),
        refresh.filter(|r| !r.is_empty()),
        is_page,
    ) else {
        let res = next.call(req).await?;
        return Ok(if is_page {
            clear_if_timed_out(res)
        } else {
            res
        });
    };
    let access_live = req
        .cookie(ACCESS_COOKIE)
        .is_some_and(|c| state.tokens.verify(c.value()).is_ok());
    if access_live {
        return Ok(clear_if_timed_out(next.call(req).await?));
    }
    let secure = state.tokens.secure_cookies;
    let client = crate::http::client::ClientInfo::of(req.request());
    let new_cookies = match state.accounts().rotate(&refresh, &client).await {
        Ok(Ok(pair)) => {
            req.extensions_mut()
                .insert(RenewedAccessToken(pair.access_token.clone()));
            vec![
                cookies::access(&pair.access_token, pair.expires_in, secure),
                cookies::refresh(&pair.refresh_token, pair.refresh_expires_in, secure),
            ]
        }
        // The refresh cookie is dead: drop both so the browser stops sending them.
        Ok(Err(_)) => cookies::cleared(secure).to_vec(),
        Err(e) => {
            e.log_if_internal();
            Vec::new()
        }
    };
    let mut res = next.call(req).await?;
    // A handler that set the cookies itself (login, logout) has the last word.
    let handler_set: Vec<String> = res
        .response()
        .cookies()
        .map(|c| c.name().to_string())
        .collect();
    for cookie in new_cookies {
        if !handler_set.iter().any(|n| n == cookie.name()) {
            let _ = res.response_mut().add_cookie(&cookie);
        }
    }
    Ok(res)
}

/// Clears both authentication cookies when this page's credential named a session that timed
/// out (noted by the access-token check), unless the handler set them itself (a sign-in on
/// this very request).
fn clear_if_timed_out<B>(mut res: ServiceResponse<B>) -> ServiceResponse<B> {
    if res
        .request()
        .extensions()
        .get::<SessionTimedOut>()
        .is_none()
    {
        return res;
    }
    let secure = res
        .request()
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.tokens.secure_cookies);
    let handler_set: Vec<String> = res
        .response()
        .cookies()
        .map(|c| c.name().to_string())
        .collect();
    for cookie in cookies::cleared(secure) {
        if !handler_set.iter().any(|n| n == cookie.name()) {
            let _ = res.response_mut().add_cookie(&cookie);
        }
    }
    res
}
