//! The authentication cookies, with the contract's flags.

use actix_web::cookie::{time::Duration, Cookie, SameSite};

use super::credentials::{ACCESS_COOKIE, REFRESH_COOKIE};

/// `access_token`: HttpOnly, SameSite=Lax, Path=/, Max-Age = the token's lifetime.
pub fn access(token: &str, max_age_seconds: i64, secure: bool) -> Cookie<'static> {
    Cookie::build(ACCESS_COOKIE, token.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(Duration::seconds(max_age_seconds))
        .finish()
}

/// `refresh_token`: HttpOnly, SameSite=Strict, Path=/, kept for the refresh lifetime.
pub fn refresh(token: &str, max_age_seconds: i64, secure: bool) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, token.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .max_age(Duration::seconds(max_age_seconds))
        .finish()
}

/// Both cookies, expired, to log the browser out.
pub fn cleared(secure: bool) -> [Cookie<'static>; 2] {
    let mut access = access("", 0, secure);
    access.make_removal();
    let mut refresh = refresh("", 0, secure);
    refresh.make_removal();
    [access, refresh]
}
