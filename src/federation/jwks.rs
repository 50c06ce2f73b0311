//! A provider's signing keys (its `jwks_uri`), kept as long as the answer's `max-age` says,
//! clamped to 5 min–24 h (1 h without one). A token naming a `kid` not held makes one
//! refetch, at most once a minute per provider, so forged kids cannot make Sigil hammer the
//! provider. At most 100 keys are kept.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::Jwk;

pub const MIN_AGE: Duration = Duration::from_secs(5 * 60);
pub const MAX_AGE: Duration = Duration::from_secs(24 * 3600);
pub const DEFAULT_AGE: Duration = Duration::from_secs(3600);
/// The shortest time between two refetches for an unknown `kid`.
pub const UNKNOWN_KID_EVERY: Duration = Duration::from_secs(60);
pub const MAX_KEYS: usize = 100;

/// How long an answer's keys are kept, from its `Cache-Control`.
pub fn lifetime(cache_control: Option<&str>) -> Duration {
    let max_age = cache_control.and_then(|value| {
        value.split(',').find_map(|directive| {
            let (name, seconds) = directive.trim().split_once('=')?;
            match name.trim().eq_ignore_ascii_case("max-age") {
                true => seconds.trim().trim_matches('"').parse::<u64>().ok(),
                false => None,
            }
        })
    });
    match max_age {
        Some(seconds) => Duration::from_secs(seconds).clamp(MIN_AGE, MAX_AGE),
        None => DEFAULT_AGE,
    }
}

/// The signing keys of a JWKS document: entries that are not public signing keys Sigil can
/// read (another `kty`, `use: enc`, a symmetric `oct` key) are skipped rather than failing the
/// set; the first [`MAX_KEYS`] stay.
pub fn parse(body: &[u8]) -> Result<Vec<Jwk>, String> {
    #[derive(serde::Deserialize)]
    struct Set {
        keys: Vec<serde_json::Value>,
    }
    let set: Set = serde_json::from_slice(body).map_err(|e| format!("not a JWKS: {e}"))?;
    Ok(set
        .keys
        .into_iter()
        .filter_map(|value| serde_json::from_value::<Jwk>(value).ok())
        .filter(|jwk| {
            !matches!(
                jwk.common.public_key_use,
                Some(jsonwebtoken::jwk::PublicKeyUse::Encryption)
            ) && !matches!(
                jwk.algorithm,
                jsonwebtoken::jwk::AlgorithmParameters::OctetKey(_)
            ) && jsonwebtoken::DecodingKey::from_jwk(jwk).is_ok()
        })
        .take(MAX_KEYS)
        .collect())
}

#[derive(Debug, Default)]
struct Held {
    keys: Arc<Vec<Jwk>>,
    until: Option<Instant>,
    unknown_kid_fetch: Option<Instant>,
}

/// One provider's keys.
#[derive(Debug, Default)]
pub struct KeyCache {
    held: Mutex<Held>,
}

/// What to do before checking a token.
#[derive(Debug)]
pub enum Plan {
    /// The keys held serve.
    Use(Arc<Vec<Jwk>>),
    /// Fetch them; `old` serves if the fetch fails (the keys do not change with a failed
    /// fetch).
    Fetch { old: Arc<Vec<Jwk>> },
}

impl KeyCache {
    /// Whether the keys held serve a token naming `kid` at `now`.
    pub fn plan(&self, kid: Option<&str>, now: Instant) -> Plan {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let expired = held.until.is_none_or(|until| now >= until);
        if expired {
            return Plan::Fetch {
                old: Arc::clone(&held.keys),
            };
        }
        let known = kid.is_none_or(|kid| {
            held.keys
                .iter()
                .any(|k| k.common.key_id.as_deref() == Some(kid))
        });
        let may_refetch = held
            .unknown_kid_fetch
            .is_none_or(|at| now.saturating_duration_since(at) >= UNKNOWN_KID_EVERY);
        if !known && may_refetch {
            held.unknown_kid_fetch = Some(now);
            return Plan::Fetch {
                old: Arc::clone(&held.keys),
            };
        }
        Plan::Use(Arc::clone(&held.keys))
    }

    pub fn store(&self, keys: Vec<Jwk>, lifetime: Duration, now: Instant) -> Arc<Vec<Jwk>> {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.keys = Arc::new(keys);
        held.until = Some(now + lifetime);
        Arc::clone(&held.keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kid: &str) -> Jwk {
        serde_json::from_value(serde_json::json!({
            "kty": "OKP", "crv": "Ed25519", "kid": kid,
            "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
        }))
        .unwrap()
    }

    #[test]
    fn max_age_is_clamped_and_defaults_to_an_hour() {
        assert_eq!(lifetime(None), DEFAULT_AGE);
        assert_eq!(lifetime(Some("no-cache")), DEFAULT_AGE);
        assert_eq!(lifetime(Some("public, max-age=60")), MIN_AGE);
        assert_eq!(
            lifetime(Some("max-age=7200, must-revalidate")),
            Duration::from_secs(7200)
        );
        assert_eq!(lifetime(Some("max-age=9999999")), MAX_AGE);
    }

    #[test]
    fn an_unknown_kid_refetches_at_most_once_a_minute() {
        let cache = KeyCache::default();
        let t0 = Instant::now();
        assert!(matches!(cache.plan(Some("a"), t0), Plan::Fetch { .. }));
        cache.store(vec![key("a")], DEFAULT_AGE, t0);
        assert!(matches!(cache.plan(Some("a"), t0), Plan::Use(_)));
        assert!(matches!(cache.plan(None, t0), Plan::Use(_)));
        let t1 = t0 + Duration::from_secs(1);
        assert!(matches!(cache.plan(Some("b"), t1), Plan::Fetch { .. }));
        cache.store(vec![key("a")], DEFAULT_AGE, t1);
        // Still unknown: no second fetch within the minute.
        assert!(matches!(
            cache.plan(Some("b"), t1 + Duration::from_secs(30)),
            Plan::Use(_)
        ));
        assert!(matches!(
            cache.plan(Some("c"), t1 + Duration::from_secs(59)),
            Plan::Use(_)
        ));
        assert!(matches!(
            cache.plan(Some("b"), t1 + UNKNOWN_KID_EVERY),
            Plan::Fetch { .. }
        ));
        // Expired keys are fetched whatever the kid.
        assert!(matches!(
            cache.plan(Some("a"), t1 + DEFAULT_AGE),
            Plan::Fetch { .. }
        ));
    }

    #[test]
    fn a_set_keeps_at_most_100_readable_signing_keys() {
        let mut keys: Vec<serde_json::Value> = (0..150)
            .map(|i| {
                serde_json::json!({"kty": "OKP", "crv": "Ed25519", "kid": format!("k{i}"),
                    "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})
            })
            .collect();
        keys.insert(0, serde_json::json!({"kty": "weird", "kid": "w"}));
        keys.insert(
            0,
            serde_json::json!({"kty": "oct", "kid": "o", "k": "c2VjcmV0"}),
        );
        keys.insert(
            1,
            serde_json::json!({"kty": "OKP", "crv": "Ed25519", "kid": "enc",
            "use": "enc", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}),
        );
        let body = serde_json::to_vec(&serde_json::json!({ "keys": keys })).unwrap();
        let parsed = parse(&body).unwrap();
        assert_eq!(parsed.len(), MAX_KEYS);
        assert_eq!(parsed[0].common.key_id.as_deref(), Some("k0"));
        assert!(parse(b"{}").is_err());
    }
}
