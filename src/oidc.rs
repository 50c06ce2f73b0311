//! Sigil as an OpenID Connect provider (API.md part three, section 1): other applications
//! sign their users in through it. Pure rules here and in the submodules; the pages and
//! endpoints are in `routes`, the rows in `db`.

pub mod authorize;
pub mod backchannel;
pub mod clients;
pub mod device;
pub mod id_token;
pub mod keys;

use std::sync::Arc;

use crate::config::Settings;

/// The provider's own settings and key, as the flows need them.
pub struct Provider {
    /// `PUBLIC_URL` without its trailing `/`.
    pub issuer: String,
    /// Off on `http://` to a host that is not loopback: its routes answer 404.
    pub enabled: bool,
    pub keys: Arc<keys::OidcKeys>,
    /// How long an authorization code lives.
    pub code_ttl: time::Duration,
    /// How long a stored authorization request waits for its user.
    pub request_ttl: time::Duration,
    /// How long a device code and its user code live (`DEVICE_CODE_MINUTES`).
    pub device_code_ttl: time::Duration,
}

impl Provider {
    pub fn new(settings: &Settings, keys: Arc<keys::OidcKeys>) -> Self {
        Self {
            issuer: settings.oidc.issuer.clone(),
            enabled: settings.oidc.enabled(),
            keys,
            code_ttl: time::Duration::try_from(settings.oidc.code_ttl)
                .unwrap_or(time::Duration::MINUTE),
            request_ttl: time::Duration::minutes(10),
            device_code_ttl: time::Duration::try_from(settings.oidc.device_code_ttl)
                .unwrap_or(time::Duration::minutes(10)),
        }
    }
}
