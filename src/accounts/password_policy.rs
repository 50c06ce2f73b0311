//! The rules every new password passes (API.md part three §4), in order, the first failure
//! named: its length, its closeness to the account and the site, the bundled list of common
//! passwords, and the breach lists (an operator's file, the range API when it is on).
//!
//! The rules read the password as typed: nothing is trimmed or normalised, so spaces and any
//! Unicode are allowed, and the hash is of exactly what was typed. Only the comparisons are
//! made in lower case.

mod breached;
mod range;

pub use breached::BreachedFile;
pub use range::RangeApi;

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

use sha1::Digest as _;

use super::Accounts;
use crate::config::{ConfigError, Settings};
use crate::domain::Password;
use crate::error::AppError;
use crate::http::outgoing::Outgoing;

pub use crate::error::password_reason::{length, reason_in, Reason, MAX_BYTES, MIN_CHARS};

/// Whose password it is: the words it must not be built on.
#[derive(Clone, Copy, Debug)]
pub struct Owner<'a> {
    pub username: &'a str,
    pub email: &'a str,
}

/// Names shorter than this are not looked for inside a password (only equality counts).
const SHORTEST_NAME: usize = 4;
/// A password holding a name must keep at least this many characters without it.
const LEFT_WITHOUT_NAME: usize = 8;

/// The context rule: lower-cased, the password equals the username, the address or its local
/// part; or it holds the username, the local part, "sigil" or the site's name (`MFA_ISSUER`),
/// with fewer than 8 characters left without it. Names under 4 characters are not looked for
/// inside (a one-letter site name would refuse half of all passwords).
pub fn too_close(password: &str, owner: Owner<'_>, site_name: &str) -> bool {
    let password = password.to_lowercase();
    let username = owner.username.to_lowercase();
    let email = owner.email.to_lowercase();
    let local = email.rsplit_once('@').map_or(email.as_str(), |(l, _)| l);
    if [username.as_str(), email.as_str(), local].contains(&password.as_str()) {
        return true;
    }
    let site = site_name.trim().to_lowercase();
    let names = [username.as_str(), local, "sigil", site.as_str()];
    let held = names
        .into_iter()
        .filter(|n| n.chars().count() >= SHORTEST_NAME && password.contains(n))
        .any(|n| password.replace(n, "").chars().count() < LEFT_WITHOUT_NAME);
    held
}

/// The bundled list: zxcvbn's password frequency list (see the file's header and the README).
const COMMON_LIST: &str = include_str!("password_policy/common-passwords.txt");

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    COMMON_LIST
        .lines()
        .filter(|line| !line.starts_with("# ") && !line.is_empty())
        .collect()
});

/// The common rule: in the bundled list, whatever the case.
pub fn is_common(password: &str) -> bool {
    COMMON.contains(password.to_lowercase().as_str())
}

/// How many passwords the bundled list holds.
pub fn common_count() -> usize {
    COMMON.len()
}

/// The password's SHA-1 in upper-case hex, as the breach lists key it.
pub fn sha1_hex(password: &str) -> [u8; 40] {
    let digest = sha1::Sha1::digest(password.as_bytes());
    let mut hex = [0u8; 40];
    for (i, byte) in digest.iter().enumerate() {
        hex[2 * i] = HEX[usize::from(byte >> 4)];
        hex[2 * i + 1] = HEX[usize::from(byte & 0xf)];
    }
    hex
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The rules with what they need from the settings: the site's name, the breach file (mapped
/// and checked at start-up) and the range API when it is on.
pub struct PasswordPolicy {
    site_name: String,
    file: Option<Arc<BreachedFile>>,
    range: Option<RangeApi>,
}

impl std::fmt::Debug for PasswordPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordPolicy")
            .field("site_name", &self.site_name)
            .field("file", &self.file.as_ref().map(|f| f.path().to_path_buf()))
            .field("range", &self.range.is_some())
            .finish()
    }
}

impl PasswordPolicy {
    /// Opens and checks `BREACHED_PASSWORDS_FILE` (readable, sample lines well formed and in
    /// order) and points the range API at the instance's outgoing client: a failure is a
    /// configuration error (exit 2).
    pub fn from_settings(settings: &Settings, outgoing: &Outgoing) -> Result<Self, ConfigError> {
        // The common list is read now, at start-up, not by the first request on an async
        // worker.
        LazyLock::force(&COMMON);
        let protection = &settings.protection;
        let file = match &protection.breached_passwords_file {
            Some(path) => {
                Some(Arc::new(BreachedFile::open(path).map_err(|message| {
                    ConfigError::new("BREACHED_PASSWORDS_FILE", message)
                })?))
            }
            None => None,
        };
        // The outgoing rules apply to the range API too (http only to loopback in
        // development): a mirror they refuse would fail open on every password, unnoticed.
        if protection.breached_passwords_api {
            let url = &protection.breached_passwords_api_url;
            crate::http::outgoing::allowed_url(url, outgoing.development())
                .map_err(|m| ConfigError::new("BREACHED_PASSWORDS_API_URL", m))?;
        }
        let range = match protection.breached_passwords_api {
            true => Some(RangeApi::new(
                &protection.breached_passwords_api_url,
                outgoing.clone(),
            )),
            false => None,
        };
        Ok(Self {
            site_name: settings.mfa_issuer.clone(),
            file,
            range,
        })
    }

    /// Only the length, context and common rules: no breach source.
    pub fn offline(site_name: &str) -> Self {
        Self {
            site_name: site_name.to_string(),
            file: None,
            range: None,
        }
    }

    /// The rules that need nothing but the password and its owner: length, context, common.
    pub fn check_local(&self, password: &str, owner: Owner<'_>) -> Result<(), Reason> {
        length(password)?;
        if too_close(password, owner, &self.site_name) {
            return Err(Reason::Context);
        }
        if is_common(password) {
            return Err(Reason::Common);
        }
        Ok(())
    }

    /// Every rule in order. The file is searched on a blocking thread (its pages may not be in
    /// memory yet); the range API is asked last and fails open.
    pub async fn check(&self, password: &str, owner: Owner<'_>) -> Result<(), Reason> {
        self.check_local(password, owner)?;
        match self.is_breached(password).await {
            true => Err(Reason::Breached),
            false => Ok(()),
        }
    }

    /// Whether a breach source knows the password: the file first, then the range API (a
    /// failure of which counts as "not known", logged).
    pub async fn is_breached(&self, password: &str) -> bool {
        let hash = sha1_hex(password);
        if let Some(file) = &self.file {
            let file = Arc::clone(file);
            match actix_web::web::block(move || file.contains(&hash)).await {
                Ok(true) => return true,
                Ok(false) => {}
                Err(e) => log::warn!("the breached-password file could not be searched: {e}"),
            }
        }
        match &self.range {
            Some(api) => api.knows(&hash).await,
            None => false,
        }
    }

    /// For a right password at sign-in: whether the lists now flag it (common or breached),
    /// so the page can suggest changing it. `with_api`: whether to ask the range API too.
    pub async fn flags(&self, password: &str, with_api: bool) -> bool {
        if is_common(password) {
            return true;
        }
        if with_api {
            return self.is_breached(password).await;
        }
        let Some(file) = &self.file else {
            return false;
        };
        let (file, hash) = (Arc::clone(file), sha1_hex(password));
        actix_web::web::block(move || file.contains(&hash))
            .await
            .unwrap_or(false)
    }
}

impl Accounts {
    /// Passes a new password through every rule for its owner: `Ok`, or the `422` that names
    /// the rule under `field` (`password` or `new_password`).
    pub async fn screen_password(
        &self,
        password: &Password,
        owner: Owner<'_>,
        field: &'static str,
    ) -> Result<(), AppError> {
        self.password_policy
            .check(password.expose(), owner)
            .await
            .map_err(|reason| reason.refusal(field))
    }
}

#[cfg(test)]
mod tests;
