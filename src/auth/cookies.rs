//! The authentication cookies, with the contract's flags.

use actix_web::cookie::{time::Duration, Cookie, SameSite};

use actix_web::HttpResponse;

use super::credentials::{ACCESS_COOKIE, REFRESH_COOKIE};
use super::tokens::TokenPair;

/// `access_token`: HttpOnly, SameSite=Lax, Path=/, Max-Age = the token's lifetime.
pub fn access(token: &str, max_age_seconds: i64, secure: bool) -> Cookie<'static> {
    auth_cookie(ACCESS_COOKIE, token, SameSite::Lax, max_age_seconds, secure)
}

/// `refresh_token`: HttpOnly, SameSite=Strict (never sent from another site), Path=/, kept
/// for the refresh lifetime.
pub fn refresh(token: &str, max_age_seconds: i64, secure: bool) -> Cookie<'static> {
    auth_cookie(
        REFRESH_COOKIE,
        token,
        SameSite::Strict,
        max_age_seconds,
        secure,
    )
}

/// Both cookies are HttpOnly (no script reads a token) and valid for the whole site.
fn auth_cookie(
    name: &'static str,
    token: &str,
    same_site: SameSite,
    max_age_seconds: i64,
    secure: bool,
) -> Cookie<'static> {
    Cookie::build(name, token.to_string())
        .path("/")
        .http_only(true)
        .same_site(same_site)
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

/// Sets both authentication cookies for a new or rotated pair: the one way a login, a
/// password change or a browser refresh hands tokens to a browser. (Silent renewal builds the
/// same two cookies with [`access`] and [`refresh`], since the handler's own cookies win.)
pub fn set_login(response: &mut HttpResponse, pair: &TokenPair, secure: bool) {
    set(
        response,
        [
            access(&pair.access_token, pair.expires_in, secure),
            refresh(&pair.refresh_token, pair.refresh_expires_in, secure),
        ],
    );
}

/// Expires both authentication cookies (logout).
pub fn clear(response: &mut HttpResponse, secure: bool) {
    set(response, cleared(secure));
}

fn set(response: &mut HttpResponse, cookies: impl IntoIterator<Item = Cookie<'static>>) {
    for cookie in cookies {
        // Cookie names and values here are ASCII we generated: adding one cannot fail.
        if let Err(e) = response.add_cookie(&cookie) {
            log::error!("cannot set the {} cookie: {e}", cookie.name());
        }
    }
}
