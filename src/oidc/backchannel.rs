//! Back-channel logout (OpenID Connect Back-Channel Logout 1.0; API.md part three, section 1,
//! "Logout"): when a client session ends, its client is told so by a logout token posted to its
//! `backchannel_logout_uri`. The ends queue deliveries in their own transactions
//! ([`crate::db::logout_deliveries`]); the sender ([`sender`]) delivers them. Here are the pure
//! rules: what a logout token says, and when a failed delivery is tried again.

use serde::Serialize;
use serde_json::{json, Value};
use time::{Duration, PrimitiveDateTime};

pub mod sender;

pub use sender::LogoutSender;

/// The `typ` header of logout tokens (Back-Channel Logout §2.4), which no other token of
/// Sigil's has: the access-token check refuses it (it wants `at+jwt`), and a relying party
/// cannot take one for an id_token.
pub const LOGOUT_TOKEN_TYPE: &str = "logout+jwt";

/// The event a logout token announces (Back-Channel Logout §2.4).
pub const LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// How long a logout token is valid: long enough to cross the network, short enough that one
/// caught on the way is soon worthless.
pub const LOGOUT_TOKEN_SECONDS: i64 = 120;

/// The wait before the first retry; each further one doubles it.
pub const FIRST_RETRY: Duration = Duration::seconds(10);

/// How long after it was queued a delivery is tried; then it fails.
pub const GIVE_UP_AFTER: Duration = Duration::hours(24);

/// The claims of a logout token (Back-Channel Logout §2.4): who it is from and for, which
/// session of which user ended, and the event. Never a `nonce` (§2.4 forbids it, so that a
/// logout token cannot pass for an id_token).
#[derive(Debug, Serialize)]
pub struct LogoutClaims<'a> {
    pub iss: &'a str,
    pub aud: &'a str,
    pub iat: i64,
    pub exp: i64,
    pub jti: &'a str,
    pub sub: &'a str,
    pub sid: &'a str,
    pub events: Value,
}

impl<'a> LogoutClaims<'a> {
    /// The claims of one attempt, signed at `now` (Unix seconds): each attempt gets a fresh
    /// `iat` and `exp`, while `jti` stays the delivery's, so the client can tell a retry from
    /// a second logout.
    pub fn at(
        issuer: &'a str,
        client_id: &'a str,
        (sub, sid, jti): (&'a str, &'a str, &'a str),
        now: i64,
    ) -> Self {
        Self {
            iss: issuer,
            aud: client_id,
            iat: now,
            exp: now + LOGOUT_TOKEN_SECONDS,
            jti,
            sub,
            sid,
            events: json!({ LOGOUT_EVENT: {} }),
        }
    }
}

/// When to try a delivery again after its attempt number `attempts` (1 for the first) failed
/// at `now`: [`FIRST_RETRY`] after the first, doubling after each further one, but never past
/// [`GIVE_UP_AFTER`] from `queued_at`, where the last attempt lands. `None` once that time has
/// come: the delivery fails.
pub fn retry_at(
    queued_at: PrimitiveDateTime,
    attempts: i32,
    now: PrimitiveDateTime,
) -> Option<PrimitiveDateTime> {
    let deadline = queued_at.saturating_add(GIVE_UP_AFTER);
    if now >= deadline {
        return None;
    }
    let doublings = (attempts - 1).clamp(0, 20) as u32;
    let delay = FIRST_RETRY.saturating_mul(2i32.pow(doublings));
    Some(now.saturating_add(delay).min(deadline))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn retries_start_at_ten_seconds_and_double() {
        let queued = datetime!(2027-01-01 00:00);
        let mut now = queued;
        let mut waits = Vec::new();
        for attempts in 1..=4 {
            let at = retry_at(queued, attempts, now).unwrap();
            waits.push((at - now).whole_seconds());
            now = at;
        }
        assert_eq!(waits, [10, 20, 40, 80]);
    }

    #[test]
    fn the_last_attempt_lands_on_the_deadline_and_then_it_fails() {
        let queued = datetime!(2027-01-01 00:00);
        let deadline = queued + Duration::hours(24);
        // Thirteen failures in, the next doubling would overshoot the day: clamped to it.
        let late = deadline - Duration::hours(1);
        assert_eq!(retry_at(queued, 14, late), Some(deadline));
        assert_eq!(retry_at(queued, 15, deadline), None);
        assert_eq!(retry_at(queued, 1, queued + Duration::hours(25)), None);
        // A huge count neither overflows nor goes past the deadline.
        assert_eq!(retry_at(queued, i32::MAX, queued), Some(deadline));
    }

    #[test]
    fn the_claims_are_the_specs_and_have_no_nonce() {
        let claims = LogoutClaims::at(
            "https://id.example",
            "app",
            ("42", "sid-1", "jti-1"),
            1_800_000_000,
        );
        let value = serde_json::to_value(&claims).unwrap();
        assert_eq!(
            value,
            json!({
                "iss": "https://id.example",
                "aud": "app",
                "iat": 1_800_000_000,
                "exp": 1_800_000_120,
                "jti": "jti-1",
                "sub": "42",
                "sid": "sid-1",
                "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
            })
        );
        assert!(value.get("nonce").is_none());
    }
}
