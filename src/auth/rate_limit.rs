//! Login attempts per client address, with governor's keyed GCRA limiter.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

/// Counts a login-type attempt from a client's address (a 429 past the limit): the start-up
/// registers the application state's counter under this name, so that authentication can
/// count a failed token lookup without knowing the state.
pub trait CountAttempts: Send + Sync {
    fn count(&self, client: &crate::http::client::ClientInfo, path: &str) -> Result<(), AppError>;
}

/// Limits login, token and refresh attempts per client address: the peer's, or the one a
/// trusted proxy names (`TRUSTED_PROXIES`). An IPv6 client counts by its /64 ([`limit_key`]).
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
        self.recorded.check_key(&limit_key(ip)).is_ok()
    }

    /// Counts one attempt from `ip`; past the limit, a 429 whose `Retry-After` is the wait
    /// until the next attempt is allowed (at most 60 s).
    pub fn check(&self, ip: IpAddr) -> Result<(), AppError> {
        if self.limiter.len() > 100_000 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&limit_key(ip)).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            AppError::TooManyRequests {
                retry_after_secs: secs.clamp(1, 60),
            }
        })
    }
}

/// The key an address is counted under. An IPv6 client counts by its /64: one subscriber
/// usually holds a whole /64 (RFC 6177), so counting each address alone would give an
/// attacker 2^64 budgets. An IPv4 address written as IPv6 (`::ffff:a.b.c.d`) counts as itself.
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(std::net::Ipv6Addr::from(prefix))
            }
        },
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

    #[test]
    fn an_ipv6_client_counts_by_its_64() {
        let limiter = LoginLimiter::new(3).unwrap();
        // Forty addresses of one /64, as an attacker rotating through its prefix would.
        let refused = (1..=40)
            .map(|i| format!("2001:db8:1:2::{i:x}").parse::<IpAddr>().unwrap())
            .filter(|ip| limiter.check(*ip).is_err())
            .count();
        assert_eq!(refused, 37);
        // The next /64 has its own budget; a mapped IPv4 address counts as that address.
        limiter.check("2001:db8:1:3::1".parse().unwrap()).unwrap();
        let v4: IpAddr = "192.0.2.9".parse().unwrap();
        for _ in 0..3 {
            limiter.check(v4).unwrap();
        }
        assert!(limiter.check("::ffff:192.0.2.9".parse().unwrap()).is_err());
        assert_eq!(
            limit_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd".parse().unwrap()),
            "2001:db8:1:2::".parse::<IpAddr>().unwrap()
        );
    }
}
