//! A provider's metadata (`{issuer}/.well-known/openid-configuration`), fetched on first use and
//! kept 24 h; when a refresh fails, the old copy serves for up to 7 days, and the provider is
//! not asked again for a minute (a sign-in does not wait on a dead provider each time).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Deserialize;

/// How long a fetched document is used before it is fetched again.
pub const FRESH: Duration = Duration::from_secs(24 * 3600);
/// How long an old document still serves while refreshes fail.
pub const STALE_LIMIT: Duration = Duration::from_secs(7 * 24 * 3600);
/// How long after a failed refresh the old copy is used without asking again.
pub const RETRY_AFTER: Duration = Duration::from_secs(60);

/// The parts of the document Sigil uses.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
    #[serde(default)]
    pub jwks_uri: Option<String>,
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
}

impl Metadata {
    /// `client_secret_post` only when the provider lists it and not `client_secret_basic`;
    /// basic otherwise (the default of OpenID Connect Discovery when the list is absent).
    pub fn secret_in_body(&self) -> bool {
        self.token_endpoint_auth_methods_supported
            .as_ref()
            .is_some_and(|methods| {
                !methods.iter().any(|m| m == "client_secret_basic")
                    && methods.iter().any(|m| m == "client_secret_post")
            })
    }
}

/// Whether the document's `issuer` is the configured one: equal, or, for a Microsoft
/// multi-tenant issuer (`…/common/v2.0`, `organizations`, `consumers`), its tenant template
/// ([`microsoft_template`]).
pub fn issuer_matches(configured: &str, document: &str, microsoft: bool) -> bool {
    if configured == document {
        return true;
    }
    if !microsoft {
        return false;
    }
    if microsoft_template(configured).is_some_and(|t| t == document) {
        return true;
    }
    // `consumers`' document names the personal accounts' tenant; a tenant set by its domain
    // name (`contoso.onmicrosoft.com`) is named by its id. Same host, one tenant either way.
    let Some((host, tenant)) = configured
        .strip_suffix("/v2.0")
        .and_then(|rest| rest.rsplit_once('/'))
    else {
        return false;
    };
    let Some(named) = document
        .strip_prefix(host)
        .and_then(|rest| rest.strip_prefix('/'))
        .and_then(|rest| rest.strip_suffix("/v2.0"))
    else {
        return false;
    };
    let is_guid = named.len() == 36 && named.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    match tenant {
        "consumers" => named == MICROSOFT_CONSUMERS_TENANT,
        "common" | "organizations" => false,
        _ => is_guid,
    }
}

/// The tenant of Microsoft's personal accounts, which `consumers`' document names.
pub const MICROSOFT_CONSUMERS_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// The tenant template of a Microsoft multi-tenant issuer: the same URL with `{tenantid}` in
/// place of `common`, `organizations` or `consumers` (on `login.microsoftonline.com`, or a
/// national cloud's host); `None` for a single tenant's issuer.
pub fn microsoft_template(configured: &str) -> Option<String> {
    let rest = configured.strip_suffix("/v2.0")?;
    let (host, tenant) = rest.rsplit_once('/')?;
    ["common", "organizations", "consumers"]
        .contains(&tenant)
        .then(|| format!("{host}/{{tenantid}}/v2.0"))
}

#[derive(Debug, Default)]
struct Held {
    document: Option<(Arc<Metadata>, Instant)>,
    failed_at: Option<Instant>,
}

/// One provider's cached document.
#[derive(Debug, Default)]
pub struct Cache {
    held: Mutex<Held>,
}

/// What the cache says before any fetch.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// Use it.
    Use(Arc<Metadata>),
    /// Fetch; the old copy, if still allowed, serves when the fetch fails.
    Fetch(Option<Arc<Metadata>>),
}

impl Cache {
    pub fn lookup(&self, now: Instant) -> Lookup {
        let held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let Some((document, at)) = &held.document else {
            return Lookup::Fetch(None);
        };
        let age = now.saturating_duration_since(*at);
        if age < FRESH {
            return Lookup::Use(Arc::clone(document));
        }
        if age >= STALE_LIMIT {
            return Lookup::Fetch(None);
        }
        let recently_failed = held
            .failed_at
            .is_some_and(|f| now.saturating_duration_since(f) < RETRY_AFTER);
        match recently_failed {
            true => Lookup::Use(Arc::clone(document)),
            false => Lookup::Fetch(Some(Arc::clone(document))),
        }
    }

    pub fn store(&self, document: Arc<Metadata>, now: Instant) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.document = Some((document, now));
        held.failed_at = None;
    }

    pub fn failed(&self, now: Instant) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.failed_at = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MICROSOFT_TEMPLATE: &str = "https://login.microsoftonline.com/{tenantid}/v2.0";

    fn doc() -> Arc<Metadata> {
        Arc::new(Metadata {
            issuer: "https://id.example".into(),
            authorization_endpoint: "https://id.example/auth".into(),
            token_endpoint: "https://id.example/token".into(),
            userinfo_endpoint: None,
            jwks_uri: None,
            token_endpoint_auth_methods_supported: None,
            authorization_response_iss_parameter_supported: false,
        })
    }

    #[test]
    fn kept_a_day_then_refreshed_and_stale_for_at_most_a_week() {
        let cache = Cache::default();
        let t0 = Instant::now();
        assert_eq!(cache.lookup(t0), Lookup::Fetch(None));
        cache.store(doc(), t0);
        assert_eq!(cache.lookup(t0 + FRESH / 2), Lookup::Use(doc()));
        let day = t0 + FRESH + Duration::from_secs(1);
        assert_eq!(cache.lookup(day), Lookup::Fetch(Some(doc())));
        cache.failed(day);
        // Right after a failure the old copy is used without asking again.
        assert_eq!(
            cache.lookup(day + Duration::from_secs(5)),
            Lookup::Use(doc())
        );
        assert_eq!(cache.lookup(day + RETRY_AFTER), Lookup::Fetch(Some(doc())));
        assert_eq!(cache.lookup(t0 + STALE_LIMIT), Lookup::Fetch(None));
    }

    #[test]
    fn the_issuer_must_be_the_configured_one_or_microsofts_template() {
        assert!(issuer_matches(
            "https://id.example",
            "https://id.example",
            false
        ));
        assert!(!issuer_matches(
            "https://id.example",
            "https://id.example/",
            false
        ));
        assert!(!issuer_matches(
            "https://id.example",
            "https://evil.example",
            false
        ));
        let common = "https://login.microsoftonline.com/common/v2.0";
        assert!(issuer_matches(common, MICROSOFT_TEMPLATE, true));
        assert!(!issuer_matches(common, MICROSOFT_TEMPLATE, false));
        let tenant = "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0";
        assert!(!issuer_matches(tenant, MICROSOFT_TEMPLATE, true));
        // `consumers` names the personal accounts' tenant; a domain-named tenant, its id.
        let consumers = "https://login.microsoftonline.com/consumers/v2.0";
        let personal =
            format!("https://login.microsoftonline.com/{MICROSOFT_CONSUMERS_TENANT}/v2.0");
        assert!(issuer_matches(consumers, &personal, true));
        assert!(!issuer_matches(consumers, &personal, false));
        let contoso = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0";
        assert!(issuer_matches(tenant, contoso, true));
        assert!(!issuer_matches(common, contoso, true));
        assert!(!issuer_matches(
            tenant,
            "https://evil.example/11111111-2222-3333-4444-555555555555/v2.0",
            true
        ));
    }

    #[test]
    fn client_secret_post_only_when_basic_is_not_listed() {
        let mut d = (*doc()).clone();
        assert!(!d.secret_in_body());
        d.token_endpoint_auth_methods_supported = Some(vec!["client_secret_post".into()]);
        assert!(d.secret_in_body());
        d.token_endpoint_auth_methods_supported = Some(vec![
            "client_secret_post".into(),
            "client_secret_basic".into(),
        ]);
        assert!(!d.secret_in_body());
    }
}
