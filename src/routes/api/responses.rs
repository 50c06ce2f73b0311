//! Error responses that many routes share, documented once: each set is a type the handlers'
//! `#[utoipa::path(responses(...))]` lists beside their own successes.

use std::collections::BTreeMap;

use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::IntoResponses;

fn problem(status: u16, description: &str) -> (String, RefOr<Response>) {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build();
    let response = ResponseBuilder::new()
        .description(description)
        .content("application/problem+json", content)
        .build();
    (status.to_string(), response.into())
}

fn set(responses: &[(u16, &str)]) -> BTreeMap<String, RefOr<Response>> {
    responses.iter().map(|(s, d)| problem(*s, d)).collect()
}

/// A JSON body that is not JSON (400), too large (413), not JSON at all (415) or has invalid
/// fields (422, every field named in `errors`).
pub struct BodyErrors;

impl IntoResponses for BodyErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[
            (400, "The body is not valid JSON"),
            (413, "The body is larger than 128 KiB"),
            (415, "The body is not JSON"),
            (422, "Invalid fields: `errors` names each with its messages"),
        ])
    }
}

/// Required authentication (401 with a `WWW-Authenticate` challenge).
pub struct AuthErrors;

impl IntoResponses for AuthErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[(401, "Missing, invalid, expired or revoked token")])
    }
}

/// A write with required authentication: also 403 for a cookie without its CSRF token.
pub struct WriteErrors;

impl IntoResponses for WriteErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[
            (401, "Missing, invalid, expired or revoked token"),
            (
                403,
                "A cookie-authenticated write without a valid CSRF token",
            ),
        ])
    }
}

/// Login-type routes count attempts per client address.
pub struct RateLimited;

impl IntoResponses for RateLimited {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[(429, "Too many attempts from this address; see Retry-After")])
    }
}

/// The administration API: required authentication, and the admin role (403 otherwise).
pub struct AdminErrors;

impl IntoResponses for AdminErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[
            (
                401,
                "Missing, invalid, expired or revoked token; or a sign-in older than REAUTH_MINUTES (insufficient_user_authentication): POST /api/auth/reauthenticate",
            ),
            (
                403,
                "Not an administrator, or a cookie-authenticated write without its CSRF token",
            ),
            (404, "No user has this id"),
        ])
    }
}

/// Operations that need a recent sign-in: 401 without a good token, and 401 with RFC 9470's
/// `insufficient_user_authentication` challenge when `auth_time` is older than
/// `REAUTH_MINUTES`; 403 for a cookie without its CSRF token.
pub struct RecentAuthErrors;

impl IntoResponses for RecentAuthErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        set(&[
            (
                401,
                "Missing, invalid, expired or revoked token; or a sign-in older than REAUTH_MINUTES (WWW-Authenticate: Bearer error=\"insufficient_user_authentication\", max_age=…): POST /api/auth/reauthenticate",
            ),
            (
                403,
                "A cookie-authenticated write without a valid CSRF token",
            ),
        ])
    }
}
