//! Login attempts per client address, with governor's keyed GCRA limiter.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

/// Limits login, token and refresh attempts per client address: the peer's, or the one a
/// trusted proxy names (`TRUSTED_PROXIES`).
pub struct LoginLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    /// One refusal per address per minute is recorded as a security event.
    recorded: DefaultKeyedRateLimiter<IpAddr>,
}

impl LoginLimiter {
    /// `None` when the limit is off (`LOGIN_RATE_PER_MINUTE=0`).
    pub fn new(per_minute: u32) -> Option<Self> {
        let rate = NonZeroU32::new(per_minute)?;
        Some(Self {
            limiter: RateLimiter::keyed(Quota::per_minute(rate)),
            recorded: RateLimiter::keyed(Quota::per_minute(NonZeroU32::MIN)),
        })
    }

    /// Whether this is the first refusal of `ip` in the last minute (call only on a refusal).
    pub fn first_refusal_this_minute(&self, ip: IpAddr) -> bool {
        if self.recorded.len() > 100_000 {
            self.recorded.retain_recent();
        }
        self.recorded.check_key(&ip).is_ok()
    }

    /// Counts one attempt from `ip`; past the limit, a 429 whose `Retry-After` is the wait
    /// until the next attempt is allowed (at most 60 s).
    pub fn check(&self, ip: IpAddr) -> Result<(), AppError> {
        if self.limiter.len() > 100_000 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            AppError::TooManyRequests {
                retry_after_secs: secs.clamp(1, 60),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attempt_after_the_limit_is_refused() {
        let limiter = LoginLimiter::new(3).unwrap();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..3 {
            limiter.check(ip).unwrap();
        }
        match limiter.check(ip) {
            Err(AppError::TooManyRequests { retry_after_secs }) => {
                assert!((1..=60).contains(&retry_after_secs))
            }
            other => panic!("{other:?}"),
        }
        limiter.check("192.0.2.2".parse().unwrap()).unwrap();
        assert!(LoginLimiter::new(0).is_none());
    }
}
