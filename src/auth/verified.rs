//! Access tokens whose signature and claims this process has already verified, by their exact
//! text: a client sends the same access token with every request until it expires, and
//! checking it again (base64, two JSON documents, an HMAC or a signature) was the largest
//! share of an authenticated request's work (issue 19). Only what cannot change is kept: a
//! token's text, its signature and its claims never change, and the keys are fixed for the
//! life of the process. What can change is still checked on every request: the times (here,
//! against the clock) and revocation, the disabled user and the session (the caller's query),
//! so a token revoked through any instance is refused by every other on its next request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::jwt::{AccessClaims, TokenError};

/// At most this many tokens are kept (about 600 bytes each); when full, the map starts empty
/// again: a bound on memory, not a tuning.
pub const CAPACITY: usize = 1024;

/// The verified tokens of one set of keys and rules (one [`super::tokens::Tokens`]).
#[derive(Default)]
pub struct VerifiedTokens {
    /// foldhash rather than SipHash: only tokens whose signature verified are keys, so no
    /// client can choose colliding ones.
    entries: Mutex<HashMap<Box<str>, Arc<AccessClaims>, foldhash::fast::RandomState>>,
}

impl VerifiedTokens {
    /// The claims of `token`: from the map when it was verified before and its times still
    /// hold at `now` (with `leeway` seconds), else from `verify`, whose success is kept.
    /// Refusals are never kept: a bad token costs the full check every time.
    pub fn claims(
        &self,
        token: &str,
        now: i64,
        leeway: i64,
        verify: impl FnOnce() -> Result<AccessClaims, TokenError>,
    ) -> Result<Arc<AccessClaims>, TokenError> {
        let in_time = |c: &AccessClaims| {
            now <= c.exp.saturating_add(leeway) && now.saturating_add(leeway) >= c.nbf
        };
        if let Some(claims) = self.lock().get(token).filter(|c| in_time(c)) {
            return Ok(claims.clone());
        }
        let claims = Arc::new(verify()?);
        let mut entries = self.lock();
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(token.into(), claims.clone());
        Ok(claims)
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<Box<str>, Arc<AccessClaims>, foldhash::fast::RandomState>>
    {
        // A panic while holding the map cannot leave it inconsistent: take it back.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(nbf: i64, exp: i64) -> AccessClaims {
        AccessClaims {
            sub: "1".into(),
            username: "alice".into(),
            sid: "s".into(),
            iat: nbf,
            nbf,
            exp,
            jti: "j".into(),
            iss: "sigil".into(),
            aud: "sigil".into(),
            auth_time: nbf,
            amr: vec!["pwd".into()],
            client_id: None,
            scope: None,
        }
    }

    #[test]
    fn a_verified_token_is_checked_once_while_its_times_hold() {
        let cache = VerifiedTokens::default();
        let mut runs = 0;
        for now in [1_000, 1_500, 1_800] {
            let got = cache.claims("t", now, 0, || {
                runs += 1;
                Ok(claims(1_000, 1_800))
            });
            assert_eq!(got.unwrap().exp, 1_800);
        }
        assert_eq!(runs, 1, "verified once, then taken from the map");
        // Past exp (and its leeway) the full check runs again, and its refusal stands.
        let late = cache.claims("t", 1_831, 30, || Err(TokenError::Expired));
        assert!(matches!(late, Err(TokenError::Expired)));
        let early = cache.claims("t", 960, 30, || Err(TokenError::NotYetValid));
        assert!(matches!(early, Err(TokenError::NotYetValid)));
        assert!(cache.claims("t", 1_820, 30, || unreachable!()).is_ok());
    }

    #[test]
    fn refusals_are_not_kept_and_other_texts_are_other_tokens() {
        let cache = VerifiedTokens::default();
        assert!(cache
            .claims("bad", 1, 0, || Err(TokenError::BadSignature))
            .is_err());
        assert_eq!(cache.len(), 0);
        let mut runs = 0;
        for token in ["a", "a ", "b"] {
            let _ = cache.claims(token, 1_000, 0, || {
                runs += 1;
                Ok(claims(0, 2_000))
            });
        }
        assert_eq!(runs, 3);
    }

    #[test]
    fn the_map_never_holds_more_than_its_capacity() {
        let cache = VerifiedTokens::default();
        for i in 0..CAPACITY * 2 + 5 {
            let _ = cache.claims(&i.to_string(), 1, 0, || Ok(claims(0, 10)));
            assert!(cache.len() <= CAPACITY);
        }
    }
}
