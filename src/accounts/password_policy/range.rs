//! `BREACHED_PASSWORDS_API=on`: the Pwned Passwords range API (k-anonymity). Only the first 5
//! hex digits of the password's SHA-1 leave Sigil; the answer lists every known suffix under
//! that prefix, padded with fake lines (count 0) so its size says nothing either. The check
//! fails open: after 2 s, or on any failure, the password passes and the failure is logged.

use std::time::Duration;

use crate::http::outgoing::{Outgoing, OutgoingError};

/// How long a new password waits for the range API before it is accepted without it.
pub const TIMEOUT: Duration = Duration::from_secs(2);
/// Hex digits of the hash that are sent.
const PREFIX_LEN: usize = 5;

/// The range API at its base URL (`…/range/`, to which the 5 hex digits are appended),
/// asked through the instance's one outgoing client.
pub struct RangeApi {
    outgoing: Outgoing,
    base: String,
}

impl RangeApi {
    pub fn new(base: &str, outgoing: Outgoing) -> Self {
        Self {
            outgoing,
            base: base.to_string(),
        }
    }

    /// Whether the API knows `hash` (upper-case hex SHA-1); `false` when it could not say in
    /// time, with a warning in the log.
    pub async fn knows(&self, hash: &[u8; 40]) -> bool {
        match actix_web::rt::time::timeout(TIMEOUT, self.ask(hash)).await {
            Ok(Ok(known)) => known,
            Ok(Err(e)) => {
                log::warn!(
                    "breached-password check skipped: the range API failed ({e}); the password \
                     was accepted without it"
                );
                false
            }
            Err(_) => {
                log::warn!(
                    "breached-password check skipped: the range API did not answer within {} s; \
                     the password was accepted without it",
                    TIMEOUT.as_secs()
                );
                false
            }
        }
    }

    async fn ask(&self, hash: &[u8; 40]) -> Result<bool, OutgoingError> {
        let (prefix, suffix) = hash.split_at(PREFIX_LEN);
        let prefix = std::str::from_utf8(prefix).unwrap_or_default();
        let url = format!("{}{prefix}", self.base);
        let answer = self
            .outgoing
            .get(&url)
            .header("Add-Padding", "true")
            .timeout(TIMEOUT)
            .send()
            .await?;
        Ok(suffix_listed(
            &String::from_utf8_lossy(&answer.body),
            suffix,
        ))
    }
}

/// Whether a range answer (`SUFFIX:COUNT` lines) lists `suffix` with a count above 0; the
/// padding lines have count 0.
pub(super) fn suffix_listed(body: &str, suffix: &[u8]) -> bool {
    body.lines().any(|line| {
        let Some((listed, count)) = line.trim().split_once(':') else {
            return false;
        };
        listed.as_bytes().eq_ignore_ascii_case(suffix)
            && count.trim().parse::<u64>().is_ok_and(|n| n > 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_lines_do_not_count_and_case_does_not_matter() {
        let suffix = b"1E4C9B93F3F0682250B6CF8331B7EE68FD8";
        let body = "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n\
                    1E4C9B93F3F0682250B6CF8331B7EE68FD8:3303003\r\n\
                    FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:0";
        assert!(suffix_listed(body, suffix));
        assert!(suffix_listed(&body.to_lowercase(), suffix));
        let padded = "1E4C9B93F3F0682250B6CF8331B7EE68FD8:0\r\n";
        assert!(!suffix_listed(padded, suffix));
        assert!(!suffix_listed("", suffix));
        assert!(!suffix_listed("not an answer", suffix));
    }
}
