//! CSRF tokens bound to the signed actix-session cookie (synchronizer-token pattern).

use actix_session::Session;
use actix_web::http::Method;
use actix_web::HttpRequest;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use subtle::ConstantTimeEq as _;

use crate::error::AppError;

/// The header a script sends the token in.
pub const HEADER: &str = "X-CSRF-Token";
/// The form field a page sends the token in.
pub const FORM_FIELD: &str = "csrf_token";
const SESSION_KEY: &str = "csrf";

/// The session's CSRF token, created on first use. Pages put it in every form.
pub fn token(session: &Session) -> String {
    if let Ok(Some(existing)) = session.get::<String>(SESSION_KEY) {
        return existing;
    }
    let mut bytes = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    let fresh = URL_SAFE_NO_PAD.encode(bytes);
    // Inserting a String into the cookie session cannot fail to serialize.
    let _ = session.insert(SESSION_KEY, &fresh);
    fresh
}

/// Starts the browser's cookie session afresh: everything it held goes, its CSRF token with
/// it, and a new cookie is written. Sign-in, the second step and logout call this, so a
/// session planted before (a cookie tossed from a sibling subdomain, a shared browser) carries
/// no token into the signed-in one: a form forged with the old token is refused.
pub fn start_afresh(session: &Session) {
    session.clear();
    session.renew();
}

/// The session cookie's name: with `COOKIE_SECURE`, the `__Host-` prefix, which browsers
/// accept only from this host, over HTTPS, for the whole site and without a `Domain`, so no
/// sibling subdomain can set or overwrite it.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-sigil_session"
    } else {
        "sigil_session"
    }
}

/// Whether a method changes state and so needs a CSRF token when authenticated by cookie.
pub fn is_unsafe(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Refuses (403) unless `presented` equals the session's token, compared in constant time.
/// A request without a session (no cookie) has no token and is refused.
pub fn verify(session: &Session, presented: Option<&str>) -> Result<(), AppError> {
    let expected = session.get::<String>(SESSION_KEY).ok().flatten();
    match (expected, presented) {
        (Some(expected), Some(presented))
            if !presented.is_empty()
                && bool::from(expected.as_bytes().ct_eq(presented.as_bytes())) =>
        {
            Ok(())
        }
        _ => Err(AppError::Forbidden(
            "The CSRF token is missing or does not match this session. Reload the page and try again."
                .into(),
        )),
    }
}

/// The token in the `X-CSRF-Token` header, if any.
pub fn from_header(req: &HttpRequest) -> Option<&str> {
    req.headers().get(HEADER).and_then(|v| v.to_str().ok())
}
