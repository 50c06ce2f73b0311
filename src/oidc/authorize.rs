//! The authorization request (API.md part three, section 1, "Authorization endpoint"), read
//! and checked as pure functions: first what must hold before Sigil may redirect anywhere
//! ([`Untrusted::read`]: the client and its redirect URI, else a page), then the rest against
//! the registered client ([`Untrusted::check`]: errors go back to the client by redirect).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::auth::scopes::{Scope, OIDC_SCOPES};
use crate::db::clients::{ClientRow, AUTHORIZATION_CODE};

/// The longest value a parameter may hold, in bytes.
pub const MAX_PARAM_BYTES: usize = 2048;

/// Why an authorization request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeError {
    /// No client or no usable redirect URI: a `400` page naming the problem, never a redirect
    /// (RFC 6749 §4.1.2.1), so Sigil is no open redirector.
    Page(String),
    /// Sent back to the client's redirect URI with `error`, `error_description`, `state` and
    /// `iss`.
    Redirect(Redirect),
}

/// An error answer for the client, by redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub redirect_uri: String,
    pub state: Option<String>,
    pub error: &'static str,
    pub description: String,
}

/// `prompt` (OIDC Core §3.1.2.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    /// No page may be shown: a needed one is an error for the client.
    pub none: bool,
    /// The user proves who they are again (`login`, `select_account`).
    pub login: bool,
    /// The consent page is shown even when a remembered consent covers the scopes.
    pub consent: bool,
}

/// A checked authorization request, as stored while the user signs in and consents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationRequest {
    pub client_id: String,
    /// As the client sent it (the token request must repeat it exactly).
    pub redirect_uri: String,
    /// Known scopes the client may ask for, in the order asked, without repeats.
    pub scope: Vec<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    /// The S256 challenge (43 base64url characters).
    pub code_challenge: String,
    pub prompt: Prompt,
    /// Seconds: the user must have proved who they are this recently.
    pub max_age: Option<i64>,
    /// Prefills the sign-in form; never trusted.
    pub login_hint: Option<String>,
    /// The raw `id_token_hint`, checked by the caller (it needs the signing key).
    pub id_token_hint: Option<String>,
}

impl AuthorizationRequest {
    /// Whether the request is OpenID Connect (`openid` asked), not plain OAuth 2.0.
    pub fn is_openid(&self) -> bool {
        self.scope.iter().any(|s| s == "openid")
    }

    /// The scopes without `admin:*` unless the user is an administrator: such a scope is
    /// dropped, not refused (the token response says what was granted).
    pub fn scope_for(&self, is_admin: bool) -> Vec<String> {
        self.scope
            .iter()
            .filter(|s| is_admin || !Scope::parse(s).is_some_and(Scope::is_admin))
            .cloned()
            .collect()
    }
}

/// The request's parameters, each at most once, before the client is known.
#[derive(Debug, Clone)]
pub struct Untrusted {
    pairs: Vec<(String, String)>,
    pub client_id: String,
    pub redirect_uri: String,
}

impl Untrusted {
    /// What must hold before anything is sent to a redirect URI: `client_id` and
    /// `redirect_uri` each present once and not over the size limit. Another repeated or
    /// oversized parameter is found by [`Untrusted::check`], which can redirect its error.
    pub fn read(pairs: Vec<(String, String)>) -> Result<Self, AuthorizeError> {
        let one = |name: &str| -> Result<String, AuthorizeError> {
            let mut values = pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v);
            match (values.next(), values.next()) {
                (None, _) => Err(AuthorizeError::Page(format!(
                    "The request has no {name}: the application that sent you here made a \
                     mistake."
                ))),
                (Some(_), Some(_)) => Err(AuthorizeError::Page(format!(
                    "The request names {name} more than once: the application that sent you \
                     here made a mistake."
                ))),
                (Some(v), None) if v.is_empty() => Err(AuthorizeError::Page(format!(
                    "The request's {name} is empty: the application that sent you here made a \
                     mistake."
                ))),
                (Some(v), None) if v.len() > MAX_PARAM_BYTES => Err(AuthorizeError::Page(format!(
                    "The request's {name} is too long."
                ))),
                (Some(v), None) => Ok(v.clone()),
            }
        };
        let client_id = one("client_id")?;
        let redirect_uri = one("redirect_uri")?;
        Ok(Self {
            pairs,
            client_id,
            redirect_uri,
        })
    }

    /// Checks the request against its client. An unregistered redirect URI is a page; every
    /// other error is a redirect to it.
    pub fn check(self, client: &ClientRow) -> Result<AuthorizationRequest, AuthorizeError> {
        let registered = client.redirect_uris();
        let matched = registered
            .iter()
            .any(|r| redirect_uri_matches(r, &self.redirect_uri));
        // A match must also be a URI the answer can be appended to (a port past 65535 is not).
        if !matched || url::Url::parse(&self.redirect_uri).is_err() {
            return Err(AuthorizeError::Page(
                "The address this request would send you back to is not registered for this \
                 application, so Sigil will not go there."
                    .into(),
            ));
        }
        // `state` is echoed in every error from here on, when it was sent once.
        let state = {
            let mut values = self.pairs.iter().filter(|(k, _)| k == "state");
            match (values.next(), values.next()) {
                (Some((_, v)), None) if v.len() <= MAX_PARAM_BYTES => Some(v.clone()),
                _ => None,
            }
        };
        let fail = |error: &'static str, description: String| {
            AuthorizeError::Redirect(Redirect {
                redirect_uri: self.redirect_uri.clone(),
                state: state.clone(),
                error,
                description,
            })
        };
        let mut seen = BTreeSet::new();
        for (k, v) in &self.pairs {
            if !seen.insert(k.as_str()) {
                return Err(fail(
                    "invalid_request",
                    format!("The parameter {} appears more than once.", shorten(k)),
                ));
            }
            if v.len() > MAX_PARAM_BYTES {
                return Err(fail(
                    "invalid_request",
                    format!(
                        "The parameter {} is longer than {MAX_PARAM_BYTES} bytes.",
                        shorten(k)
                    ),
                ));
            }
        }
        let get = |name: &str| {
            self.pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        for (name, error) in [
            ("request", "request_not_supported"),
            ("request_uri", "request_uri_not_supported"),
            ("registration", "registration_not_supported"),
        ] {
            if get(name).is_some() {
                return Err(fail(
                    error,
                    format!("The {name} parameter is not supported."),
                ));
            }
        }
        match get("response_type") {
            None | Some("") => {
                return Err(fail(
                    "invalid_request",
                    "The response_type parameter is required (code).".into(),
                ))
            }
            Some("code") => {}
            Some(other) => {
                return Err(fail(
                    "unsupported_response_type",
                    format!(
                        "The response type {} is not supported; use code.",
                        shorten(other)
                    ),
                ))
            }
        }
        match get("response_mode") {
            None | Some("query") => {}
            Some(_) => {
                return Err(fail(
                    "invalid_request",
                    "Only response_mode=query is supported.".into(),
                ))
            }
        }
        if !client.allows_grant(AUTHORIZATION_CODE) {
            return Err(fail(
                "unauthorized_client",
                "This application is not registered for the authorization code grant.".into(),
            ));
        }
        let scope = read_scope(get("scope"), client).map_err(|(e, d)| fail(e, d))?;
        let code_challenge = read_challenge(get("code_challenge"), get("code_challenge_method"))
            .map_err(|d| fail("invalid_request", d))?;
        let prompt = read_prompt(get("prompt")).map_err(|d| fail("invalid_request", d))?;
        let max_age = match get("max_age") {
            None => None,
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if n >= 0 => Some(n),
                _ => {
                    return Err(fail(
                        "invalid_request",
                        "max_age must be a whole number of seconds, 0 or more.".into(),
                    ))
                }
            },
        };
        let text = |name: &str| get(name).filter(|v| !v.is_empty()).map(str::to_string);
        Ok(AuthorizationRequest {
            client_id: self.client_id.clone(),
            redirect_uri: self.redirect_uri.clone(),
            scope,
            state: state.clone(),
            nonce: text("nonce"),
            code_challenge,
            prompt,
            max_age,
            login_hint: text("login_hint"),
            id_token_hint: text("id_token_hint"),
        })
    }
}

/// A parameter name as an error may quote it.
fn shorten(s: &str) -> String {
    let s: String = s.chars().take(64).collect();
    format!("{s:?}")
}

/// `scope`: required, each known and registered for the client. The device grant reads its
/// `scope` by the same rules.
pub fn read_scope(
    raw: Option<&str>,
    client: &ClientRow,
) -> Result<Vec<String>, (&'static str, String)> {
    let raw = raw.unwrap_or_default();
    let mut scope: Vec<String> = Vec::new();
    for name in raw.split(' ').filter(|s| !s.is_empty()) {
        let known = OIDC_SCOPES.contains(&name) || Scope::parse(name).is_some();
        if !known {
            return Err((
                "invalid_scope",
                format!("The scope {} is unknown.", shorten(name)),
            ));
        }
        if !client.scopes().any(|s| s == name) {
            return Err((
                "invalid_scope",
                format!(
                    "The scope {} is not registered for this application.",
                    shorten(name)
                ),
            ));
        }
        if !scope.iter().any(|s| s == name) {
            scope.push(name.to_string());
        }
    }
    if scope.is_empty() {
        return Err(("invalid_request", "The scope parameter is required.".into()));
    }
    Ok(scope)
}

/// PKCE (RFC 7636), required of every client: S256 only, and a well-formed challenge.
fn read_challenge(challenge: Option<&str>, method: Option<&str>) -> Result<String, String> {
    let Some(challenge) = challenge.filter(|c| !c.is_empty()) else {
        return Err("PKCE is required: send code_challenge and code_challenge_method=S256.".into());
    };
    match method {
        Some("S256") => {}
        Some("plain") => {
            return Err("code_challenge_method plain is not accepted; use S256.".into())
        }
        None | Some("") => {
            return Err("code_challenge_method is required, and must be S256.".into())
        }
        Some(_) => return Err("code_challenge_method must be S256.".into()),
    }
    let well_formed = challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !well_formed {
        return Err(
            "code_challenge must be the 43 base64url characters of a SHA-256 (S256).".into(),
        );
    }
    Ok(challenge.to_string())
}

/// `prompt`: `none` alone, or `login`, `consent` (`select_account` counts as `login`).
fn read_prompt(raw: Option<&str>) -> Result<Prompt, String> {
    let mut prompt = Prompt::default();
    let values: Vec<&str> = raw
        .unwrap_or_default()
        .split(' ')
        .filter(|v| !v.is_empty())
        .collect();
    for value in &values {
        match *value {
            "none" => prompt.none = true,
            "login" | "select_account" => prompt.login = true,
            "consent" => prompt.consent = true,
            other => return Err(format!("The prompt value {} is unknown.", shorten(other))),
        }
    }
    if prompt.none && values.len() > 1 {
        return Err("prompt=none cannot be combined with another value.".into());
    }
    Ok(prompt)
}

/// RFC 6749 §3.1.2 and RFC 8252 §7.3: the presented redirect URI is exactly a registered one,
/// except that a registered `http://127.0.0.1/…` or `http://[::1]/…` matches any port (a
/// native app listens on the port it gets). Nothing else is normalised: no case folding, no
/// path prefix, no added slash.
pub fn redirect_uri_matches(registered: &str, presented: &str) -> bool {
    if registered == presented {
        return true;
    }
    match (
        loopback_without_port(registered),
        loopback_without_port(presented),
    ) {
        (Some(r), Some(p)) => r == p,
        _ => false,
    }
}

/// A loopback IP-literal redirect URI with its port taken out; `None` for any other URI.
fn loopback_without_port(uri: &str) -> Option<String> {
    for host in ["http://127.0.0.1", "http://[::1]"] {
        let Some(rest) = uri.strip_prefix(host) else {
            continue;
        };
        let rest = match rest.strip_prefix(':') {
            Some(after) => {
                let digits = after.bytes().take_while(u8::is_ascii_digit).count();
                if digits == 0 || digits > 5 || after[..digits].parse::<u16>().is_err() {
                    return None;
                }
                &after[digits..]
            }
            None => rest,
        };
        if !(rest.is_empty() || rest.starts_with('/') || rest.starts_with('?')) {
            return None;
        }
        return Some(format!("{host}{rest}"));
    }
    None
}

/// The redirect back to the client: `uri` with `params` appended to its query (RFC 6749
/// §4.1.2: any query it has is kept).
pub fn redirect_to(uri: &str, params: &[(&str, &str)]) -> Option<String> {
    let mut url = url::Url::parse(uri).ok()?;
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in params {
            query.append_pair(k, v);
        }
    }
    Some(url.to_string())
}

/// Whether `verifier` (RFC 7636 §4.1: 43–128 unreserved characters) hashes to `challenge`
/// under S256. Compared in constant time.
pub fn verifier_matches(verifier: &str, challenge: &str) -> bool {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use sha2::{Digest as _, Sha256};
    use subtle::ConstantTimeEq as _;
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    if !well_formed {
        return false;
    }
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    computed.as_bytes().ct_eq(challenge.as_bytes()).into()
}

#[cfg(test)]
mod tests;
