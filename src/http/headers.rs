//! Security headers on every response. The pages allow no inline script or style; only the
//! Swagger UI at `/docs` may style itself inline.

use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// One year: browsers that saw it once refuse plain HTTP to this host for that long.
const HSTS: &str = "max-age=31536000";

/// CSP, nosniff, no framing and a same-origin referrer, for every response; with `https`
/// (`PUBLIC_URL` is https), HSTS too, so a browser never again sends a cookie over plain HTTP
/// to this host. Not `includeSubDomains`: other hosts of the domain are not Sigil's to decide.
pub fn security_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CSP))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "same-origin"));
    match https {
        true => headers.add((header::STRICT_TRANSPORT_SECURITY, HSTS)),
        false => headers,
    }
}

/// The pages' CSP with `form-action` also allowing where `uri` goes: its origin, or its
/// private-use scheme (`com.example.app:`). `None` when `uri` does not parse.
pub fn csp_with_form_action(uri: &str) -> Option<String> {
    csp_with_form_actions(&[uri])
}

/// The pages' CSP with `form-action` also allowing each of `uris` (see
/// [`csp_with_form_action`]); `None` when one does not parse.
pub fn csp_with_form_actions(uris: &[&str]) -> Option<String> {
    let mut sources = Vec::new();
    for uri in uris {
        let url = url::Url::parse(uri).ok()?;
        let source = match url.scheme() {
            "http" | "https" => url.origin().ascii_serialization(),
            scheme => format!("{scheme}:"),
        };
        // A source may not hold what would end the directive or the policy.
        if source.contains([';', ',', ' ', '\'', '"']) {
            return None;
        }
        if !sources.contains(&source) {
            sources.push(source);
        }
    }
    Some(CSP.replace(
        "form-action 'self'",
        &format!("form-action 'self' {}", sources.join(" ")),
    ))
}

/// The `/docs` scope's CSP, which replaces the default one there.
pub fn docs_headers() -> DefaultHeaders {
    DefaultHeaders::new().add((header::CONTENT_SECURITY_POLICY, DOCS_CSP))
}
