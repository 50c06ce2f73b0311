//! Account protection settings (API.md part three §4): breached-password sources, the
//! per-account sign-in delay, session limits and the registration mode.

use std::path::PathBuf;
use std::time::Duration;

use super::{number, parse_bool, ConfigError};

/// Who may create an account (`REGISTRATION`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistrationMode {
    /// Anyone, outside providers included.
    Open,
    /// Only with an invitation mailed by an administrator.
    Invite,
    /// Only `sigil create-user`.
    Closed,
}

impl RegistrationMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Invite => "invite",
            Self::Closed => "closed",
        }
    }
}

#[derive(Clone, Debug)]
pub struct ProtectionSettings {
    /// A sorted `SHA1:COUNT` file of breached passwords (`BREACHED_PASSWORDS_FILE`).
    pub breached_passwords_file: Option<PathBuf>,
    /// Ask the Pwned Passwords range API (`BREACHED_PASSWORDS_API=on`).
    pub breached_passwords_api: bool,
    /// The range API's base URL: `https://api.pwnedpasswords.com/range/` unless
    /// `BREACHED_PASSWORDS_API_URL` names another (a mirror, or the tests' own server).
    pub breached_passwords_api_url: String,
    /// Failures before the delay begins (`SIGN_IN_FREE_FAILURES`).
    pub sign_in_free_failures: u32,
    /// The longest wait (`SIGN_IN_MAX_DELAY_SECONDS`).
    pub sign_in_max_delay: Duration,
    /// Failures in a row that mail the owner; 0 never (`SIGN_IN_NOTICE_AFTER`).
    pub sign_in_notice_after: u32,
    /// A session unused this long ends (`SESSION_IDLE_MINUTES`).
    pub session_idle: Duration,
    /// A session this old (from sign-in) ends (`SESSION_MAX_DAYS`).
    pub session_max_age: Duration,
    pub registration: RegistrationMode,
    /// Allowed address domains, as IDNA A-labels in lower case; empty is any
    /// (`REGISTRATION_EMAIL_DOMAINS`).
    pub registration_email_domains: Vec<String>,
    /// How long an invitation link works (`INVITATION_DAYS`).
    pub invitation_ttl: Duration,
}

impl ProtectionSettings {
    pub(super) fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let breached_passwords_file = get("BREACHED_PASSWORDS_FILE").map(PathBuf::from);
        let breached_passwords_api = match get("BREACHED_PASSWORDS_API") {
            None => false,
            Some(raw) => parse_bool(&raw).ok_or_else(|| {
                ConfigError::new(
                    "BREACHED_PASSWORDS_API",
                    format!("{raw:?} is not on or off"),
                )
            })?,
        };
        let breached_passwords_api_url = get("BREACHED_PASSWORDS_API_URL")
            .map(|u| u.trim().to_string())
            .unwrap_or_else(|| "https://api.pwnedpasswords.com/range/".into());
        let url = reqwest::Url::parse(&breached_passwords_api_url).ok();
        let allowed = url.as_ref().is_some_and(|u| {
            u.scheme() == "https" || (u.scheme() == "http" && u.host_str() == Some("127.0.0.1"))
        });
        if !allowed {
            return Err(ConfigError::new(
                "BREACHED_PASSWORDS_API_URL",
                "must be an https:// URL (or http://127.0.0.1 for a local mirror)",
            ));
        }
        let registration = match get("REGISTRATION").as_deref().map(str::trim) {
            None | Some("open") => RegistrationMode::Open,
            Some("invite") => RegistrationMode::Invite,
            Some("closed") => RegistrationMode::Closed,
            Some(other) => {
                return Err(ConfigError::new(
                    "REGISTRATION",
                    format!("{other:?} is not one of open, invite, closed"),
                ))
            }
        };
        let registration_email_domains = match get("REGISTRATION_EMAIL_DOMAINS") {
            None => Vec::new(),
            Some(list) => parse_domains(&list)
                .map_err(|m| ConfigError::new("REGISTRATION_EMAIL_DOMAINS", m))?,
        };
        Ok(Self {
            breached_passwords_file,
            breached_passwords_api,
            breached_passwords_api_url,
            sign_in_free_failures: number(get, "SIGN_IN_FREE_FAILURES", 5, 1, 100)? as u32,
            sign_in_max_delay: Duration::from_secs(number(
                get,
                "SIGN_IN_MAX_DELAY_SECONDS",
                900,
                1,
                86_400,
            )?),
            sign_in_notice_after: number(get, "SIGN_IN_NOTICE_AFTER", 20, 0, 1_000_000)? as u32,
            session_idle: Duration::from_secs(
                number(get, "SESSION_IDLE_MINUTES", 20_160, 1, 525_600)? * 60,
            ),
            session_max_age: Duration::from_secs(
                number(get, "SESSION_MAX_DAYS", 30, 1, 3_650)? * 86_400,
            ),
            registration,
            registration_email_domains,
            invitation_ttl: Duration::from_secs(number(get, "INVITATION_DAYS", 7, 1, 90)? * 86_400),
        })
    }

    /// Whether an address's domain may register (or be changed to): any when no list is set;
    /// otherwise exactly one of the list, compared as IDNA A-labels, case-insensitive (a
    /// look-alike in another script is another domain).
    pub fn allows_domain(&self, email: &str) -> bool {
        if self.registration_email_domains.is_empty() {
            return true;
        }
        let Some((_, domain)) = email.rsplit_once('@') else {
            return false;
        };
        let typed = domain.trim().to_lowercase();
        let Ok(ascii) = idna::domain_to_ascii(&typed) else {
            return false;
        };
        // Only a domain written in its own form: UTS 46 maps compatibility forms (fullwidth
        // "ｅｘａｍｐｌｅ", "ℯ") onto ASCII, and the stored address would then be another
        // string for the same mailbox.
        let (unicode, _) = idna::domain_to_unicode(&ascii);
        if typed != ascii && typed != unicode {
            return false;
        }
        self.registration_email_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(&ascii))
    }

    /// "Accounts are limited to addresses at {list}."
    pub fn domain_message(&self) -> String {
        format!(
            "Accounts are limited to addresses at {}.",
            self.registration_email_domains.join(", ")
        )
    }
}

/// `example.com, Bücher.example`: each domain as its A-label, lower case.
fn parse_domains(list: &str) -> Result<Vec<String>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            let d = d.trim_start_matches('@');
            idna::domain_to_ascii(d)
                .ok()
                .filter(|a| a.contains('.') && !a.starts_with('.') && !a.ends_with('.'))
                .map(|a| a.to_ascii_lowercase())
                .ok_or_else(|| format!("{d:?} is not a domain like example.com"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<ProtectionSettings, ConfigError> {
        let map: std::collections::HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ProtectionSettings::from_lookup(&|k: &str| map.get(k).cloned())
    }

    #[test]
    fn defaults_keep_todays_behaviour() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.registration, RegistrationMode::Open);
        assert_eq!(s.session_idle, Duration::from_secs(14 * 86_400));
        assert_eq!(s.session_max_age, Duration::from_secs(30 * 86_400));
        assert_eq!(s.sign_in_free_failures, 5);
        assert!(!s.breached_passwords_api);
        assert!(s.allows_domain("anyone@anywhere.example"));
    }

    #[test]
    fn domains_are_a_labels_and_look_alikes_are_other_domains() {
        let s = settings(&[("REGISTRATION_EMAIL_DOMAINS", "Example.com, bücher.example")]).unwrap();
        assert_eq!(
            s.registration_email_domains,
            ["example.com", "xn--bcher-kva.example"]
        );
        assert!(s.allows_domain("ada@EXAMPLE.com"));
        assert!(s.allows_domain("ada@bücher.example"));
        assert!(s.allows_domain("ada@xn--bcher-kva.example"));
        // Cyrillic "е" and "а" in place of Latin letters: another domain.
        assert!(!s.allows_domain("ada@\u{0435}x\u{0430}mple.com"));
        assert!(!s.allows_domain("ada@sub.example.com"));
        assert!(!s.allows_domain("ada@example.com.evil.test"));
        // Compatibility forms that IDNA would map onto the allowed domain are refused.
        assert!(
            !s.allows_domain("ada@\u{ff45}\u{ff58}\u{ff41}\u{ff4d}\u{ff50}\u{ff4c}\u{ff45}.com")
        );
        assert!(!s.allows_domain("ada@\u{212f}xample.com"));
        let mirror = |url: &str| settings(&[("BREACHED_PASSWORDS_API_URL", url)]).is_ok();
        assert!(mirror("https://mirror.example/range/"));
        assert!(mirror("http://127.0.0.1:8099/range/"));
        assert!(!mirror("http://127.0.0.1.evil.example/range/"));
        assert!(!mirror("http://mirror.example/range/"));
        assert!(settings(&[("REGISTRATION_EMAIL_DOMAINS", "not a domain")]).is_err());
        assert!(settings(&[("REGISTRATION", "sometimes")]).is_err());
        assert!(settings(&[("SIGN_IN_FREE_FAILURES", "0")]).is_err());
    }
}
