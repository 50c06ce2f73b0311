//! Signing in with an outside provider (API.md part three, section 2): the provider side.
//! Discovery, keys, the authorization URL, the code exchange and the id_token checks, GitHub's
//! OAuth 2.0 beside OpenID Connect. Flows, links and sessions are the routes' business; this
//! module hands them an [`Identity`] or a [`FederationError`].
//!
//! Nothing here runs at start-up: a provider is asked on first use, so an unreachable one
//! never stops the server. Every request goes through the one [`Outgoing`] client and its
//! limits. A provider's own error text goes into the error's string, for the log, never to a
//! user.

use std::sync::Arc;

use crate::config::{EmailTrust, Preset, ProviderSettings};
use crate::http::outgoing::{Outgoing, OutgoingError};

mod discovery;
mod github;
mod id_token;
mod jwks;
mod oidc;

/// The configured providers, in `LOGIN_PROVIDERS` order; cheap to clone.
#[derive(Clone)]
pub struct Providers {
    all: Arc<[Provider]>,
}

impl Providers {
    /// Builds every provider without any request: discovery waits for first use.
    pub fn new(settings: &[ProviderSettings], outgoing: Outgoing, leeway_seconds: u64) -> Self {
        let all: Vec<Provider> = settings
            .iter()
            .map(|s| Provider {
                settings: s.clone(),
                outgoing: outgoing.clone(),
                leeway: leeway_seconds,
                discovery: discovery::Cache::default(),
                keys: jwks::KeyCache::default(),
            })
            .collect();
        Self { all: all.into() }
    }

    pub fn get(&self, id: &str) -> Option<&Provider> {
        self.all.iter().find(|p| p.settings.id == id)
    }

    /// In `LOGIN_PROVIDERS` order, for the buttons.
    pub fn all(&self) -> &[Provider] {
        &self.all
    }
}

/// One outside provider, with its cached metadata and keys.
pub struct Provider {
    settings: ProviderSettings,
    outgoing: Outgoing,
    leeway: u64,
    discovery: discovery::Cache,
    keys: jwks::KeyCache,
}

/// What the browser is sent to the provider with. No `Debug`: state and nonce never print.
#[derive(Clone, Copy)]
pub struct AuthorizationRequest<'a> {
    pub redirect_uri: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    /// The S256 challenge of the flow's verifier ([`pkce_pair`]).
    pub code_challenge: &'a str,
    /// Confirming a recent sign-in: adds `prompt=login&max_age=0`.
    pub confirm: bool,
}

/// Who the provider says signed in. The identity is (`issuer`, `subject`), never the address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The id_token's `iss` (Microsoft: the tenant-specific one); GitHub: the configured issuer.
    pub issuer: String,
    /// `sub`; GitHub: the numeric `id`, never the `login`, which its owner can change.
    pub subject: String,
    pub email: Option<String>,
    /// Whether the address counts as verified, by the provider's rule (see [`email_verified`]).
    pub email_verified: bool,
    /// `preferred_username` or the GitHub login, for the username to propose.
    pub username_hint: Option<String>,
    /// The id_token's `auth_time`; `None` for GitHub.
    pub auth_time: Option<i64>,
}

/// Why signing in with a provider failed. The strings are detail for the log only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FederationError {
    /// Timeout, network failure or a 5xx: "{name} could not be reached".
    #[error("unreachable: {0}")]
    Unreachable(String),
    /// The discovery document's or the authorization response's issuer is not the provider's.
    #[error("issuer mismatch: {0}")]
    IssuerMismatch(String),
    /// The id_token (or userinfo's `sub`) failed a check.
    #[error("id_token refused: {0}")]
    IdToken(String),
    /// Anything else: a refused code exchange, a bad answer, an endpoint the outgoing rules
    /// refuse.
    #[error("failed: {0}")]
    Failed(String),
}

impl FederationError {
    /// The `reason` of the `provider_sign_in_failed` event.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Unreachable(_) => "unreachable",
            Self::IssuerMismatch(_) => "issuer_mismatch",
            Self::IdToken(_) | Self::Failed(_) => "id_token",
        }
    }

    /// An outgoing failure in the provider's terms: unreachable stays unreachable, the rest
    /// fails, with `what` was asked for in the log detail.
    fn outgoing(what: &str, e: OutgoingError) -> Self {
        match e {
            OutgoingError::Unreachable(m) => Self::Unreachable(format!("{what}: {m}")),
            other => Self::Failed(format!("{what}: {other}")),
        }
    }
}

impl Provider {
    pub fn id(&self) -> &str {
        &self.settings.id
    }

    /// "Continue with {name}".
    pub fn name(&self) -> &str {
        &self.settings.name
    }

    pub fn settings(&self) -> &ProviderSettings {
        &self.settings
    }

    /// Where a form that begins a trip here ends up, for the pages' CSP `form-action`: the
    /// authorization endpoint once discovery has named it, else the issuer (GitHub's is
    /// under it; every preset's endpoint shares its issuer's origin).
    pub fn form_target(&self) -> String {
        if self.settings.preset != Preset::Github {
            if let discovery::Lookup::Use(metadata) | discovery::Lookup::Fetch(Some(metadata)) =
                self.discovery.lookup(std::time::Instant::now())
            {
                return metadata.authorization_endpoint.clone();
            }
        }
        self.settings.issuer.clone()
    }

    /// false for GitHub (no auth_time): it cannot confirm a recent sign-in.
    pub fn can_confirm(&self) -> bool {
        self.settings.preset != Preset::Github
    }

    /// The URL to send the browser to (discovery on first use, cached).
    pub async fn authorization_url(
        &self,
        req: &AuthorizationRequest<'_>,
    ) -> Result<url::Url, FederationError> {
        let (endpoint, openid) = match self.settings.preset {
            Preset::Github => (github::authorize_endpoint(&self.settings.issuer), false),
            _ => (self.metadata().await?.authorization_endpoint.clone(), true),
        };
        let mut url = url::Url::parse(&endpoint)
            .map_err(|e| FederationError::Failed(format!("authorization endpoint: {e}")))?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", &self.settings.client_id)
                .append_pair("redirect_uri", req.redirect_uri)
                .append_pair("scope", &self.settings.scopes)
                .append_pair("state", req.state)
                .append_pair("code_challenge", req.code_challenge)
                .append_pair("code_challenge_method", "S256");
            if openid {
                query.append_pair("nonce", req.nonce);
            }
            if req.confirm {
                query
                    .append_pair("prompt", "login")
                    .append_pair("max_age", "0");
            }
        }
        Ok(url)
    }

    /// RFC 9207: when the provider declares authorization_response_iss_parameter_supported,
    /// `iss` must be present and equal its issuer; when present it must be equal anyway.
    /// GitHub has no issuer identifier to compare, so nothing is checked for it.
    pub async fn check_response_issuer(&self, iss: Option<&str>) -> Result<(), FederationError> {
        if self.settings.preset == Preset::Github {
            return Ok(());
        }
        let metadata = self.metadata().await?;
        match iss {
            None if metadata.authorization_response_iss_parameter_supported => Err(
                FederationError::IssuerMismatch("the response has no iss parameter".into()),
            ),
            None => Ok(()),
            Some(iss) if self.response_issuer_ok(&metadata, iss) => Ok(()),
            Some(iss) => Err(FederationError::IssuerMismatch(format!(
                "the response's iss {iss:?} is not {:?}",
                self.settings.issuer
            ))),
        }
    }

    /// Code exchange (with the PKCE verifier; client_secret_basic, or client_secret_post when
    /// that is all the provider lists), id_token checks, userinfo to fill a missing email;
    /// GitHub: token then GET /user and /user/emails.
    pub async fn redeem(
        &self,
        code: &str,
        verifier: &str,
        nonce: &str,
        redirect_uri: &str,
    ) -> Result<Identity, FederationError> {
        match self.settings.preset {
            Preset::Github => github::redeem(self, code, verifier, redirect_uri).await,
            _ => oidc::redeem(self, code, verifier, nonce, redirect_uri).await,
        }
    }
}

/// Whether a provider's address counts as verified. `EmailTrust::Never`: never. Microsoft:
/// only `xms_edov: true` (Entra's `email` is not verified; the nOAuth takeovers), whatever
/// `email_verified` says. Otherwise the `email_verified` claim of the source of the address.
pub fn email_verified(
    preset: Preset,
    trust: EmailTrust,
    email_verified: bool,
    xms_edov: bool,
) -> bool {
    match (trust, preset) {
        (EmailTrust::Never, _) => false,
        (EmailTrust::Claim, Preset::Microsoft) => xms_edov,
        (EmailTrust::Claim, _) => email_verified,
    }
}

/// A PKCE pair (RFC 7636): a verifier of 256 random bits (43 base64url characters) and its
/// S256 challenge.
pub fn pkce_pair() -> (String, String) {
    use base64::Engine as _;
    use sha2::Digest as _;
    let verifier = random_token();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// 256 random bits in base64url, for `state` and `nonce`.
pub fn random_token() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests;
