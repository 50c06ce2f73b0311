//! The one place that finds a request's credential.

use actix_web::http::header;
use actix_web::HttpRequest;

/// The name of the cookie that carries the access token.
pub const ACCESS_COOKIE: &str = "access_token";
/// The name of the cookie that carries the refresh token.
pub const REFRESH_COOKIE: &str = "refresh_token";

/// Where a credential came from. Cookie-authenticated unsafe requests need a CSRF token;
/// bearer ones do not (a browser never adds an Authorization header by itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialSource {
    Bearer,
    Cookie,
}

/// A presented access token and its source. Its `Debug` hides the token.
pub struct Credential {
    pub token: String,
    pub source: CredentialSource,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credential({:?}, <redacted>)", self.source)
    }
}

/// Finds the credential: `Authorization: Bearer` first, else the `access_token` cookie.
/// Tokens in the query string are never read. An Authorization header of another scheme is
/// not ours and is passed over; `Bearer` with nothing after it is returned as an empty token,
/// which then fails verification as malformed (it was sent, so it is not "missing").
pub fn find(req: &HttpRequest) -> Option<Credential> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        // UTF-8 rather than `to_str`'s visible ASCII, byte by byte: the same for every token
        // (a JWT or a personal access token is ASCII, anything else fails its own check), at
        // a tenth of the cost on a 400-byte header read on every request.
        let value = std::str::from_utf8(value.as_bytes()).unwrap_or("");
        let mut parts = value.trim().splitn(2, ' ');
        if parts
            .next()
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("bearer"))
        {
            return Some(Credential {
                token: parts.next().unwrap_or("").trim().to_string(),
                source: CredentialSource::Bearer,
            });
        }
    }
    req.cookie(ACCESS_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
        .map(|token| Credential {
            token,
            source: CredentialSource::Cookie,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::cookie::Cookie;
    use actix_web::test::TestRequest;

    /// What `find` picks when both an `Authorization` header and the cookie are sent.
    fn found_with_cookie(authorization: &str) -> (String, CredentialSource) {
        let req = TestRequest::default()
            .insert_header((header::AUTHORIZATION, authorization))
            .cookie(Cookie::new(ACCESS_COOKIE, "fromcookie"))
            .to_http_request();
        let c = find(&req).unwrap();
        (c.token, c.source)
    }

    #[test]
    fn bearer_header_wins_over_cookie() {
        assert_eq!(
            found_with_cookie("Bearer abc"),
            ("abc".into(), CredentialSource::Bearer)
        );
    }

    #[test]
    fn cookie_is_used_without_a_bearer_header() {
        assert_eq!(
            found_with_cookie("Basic dTpw"),
            ("fromcookie".into(), CredentialSource::Cookie)
        );
    }

    #[test]
    fn query_strings_are_ignored() {
        let req = TestRequest::with_uri("/api/users/me?access_token=abc").to_http_request();
        assert!(find(&req).is_none());
    }

    #[test]
    fn lowercase_scheme_and_empty_bearer() {
        let req = TestRequest::default()
            .insert_header((header::AUTHORIZATION, "bearer xyz"))
            .to_http_request();
        assert_eq!(find(&req).unwrap().token, "xyz");
        let req = TestRequest::default()
            .insert_header((header::AUTHORIZATION, "Bearer"))
            .to_http_request();
        assert_eq!(find(&req).unwrap().token, "");
    }
}
