//! OpenID Connect providers (the `oidc`, Google, Microsoft and GitLab presets): discovery, keys,
//! the code exchange, the id_token and userinfo.

use std::sync::Arc;
use std::time::Instant;

use serde::Deserialize;

use super::discovery::{self, Lookup, Metadata};
use super::id_token::{self, Expected, Flag, IdClaims, IssuerRule};
use super::jwks::{self, Plan};
use super::{email_verified, FederationError, Identity, Provider};
use crate::config::Preset;

/// The token endpoint's answer (RFC 6749 §5.1, OIDC Core §3.1.3.3).
#[derive(Debug, Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    id_token: Option<String>,
}

/// The userinfo claims Sigil reads.
#[derive(Debug, Deserialize)]
struct UserInfo {
    sub: String,
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<Flag>,
}

impl Provider {
    /// The provider's metadata: cached, fetched on first use and refreshed daily. Its `issuer`
    /// must be the configured one (Microsoft's multi-tenant issuers: the tenant template).
    pub(super) async fn metadata(&self) -> Result<Arc<Metadata>, FederationError> {
        let old = match self.discovery.lookup(Instant::now()) {
            Lookup::Use(document) => return Ok(document),
            Lookup::Fetch(old) => old,
        };
        match self.fetch_metadata().await {
            Ok(document) => {
                let document = Arc::new(document);
                self.discovery.store(Arc::clone(&document), Instant::now());
                Ok(document)
            }
            Err(e) => {
                self.discovery.failed(Instant::now());
                match old {
                    Some(old) => {
                        log::warn!(
                            target: "sigil::federation",
                            "{}: discovery refresh failed, the cached copy serves: {e}",
                            self.settings.id
                        );
                        Ok(old)
                    }
                    None => Err(e),
                }
            }
        }
    }

    async fn fetch_metadata(&self) -> Result<Metadata, FederationError> {
        let issuer = &self.settings.issuer;
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let document: Metadata = self
            .outgoing
            .get_json(&url)
            .await
            .map_err(|e| FederationError::outgoing("discovery", e))?;
        let microsoft = self.settings.preset == Preset::Microsoft;
        if !discovery::issuer_matches(issuer, &document.issuer, microsoft) {
            return Err(FederationError::IssuerMismatch(format!(
                "discovery says issuer {:?}, configured {issuer:?}",
                document.issuer
            )));
        }
        Ok(document)
    }

    /// What every id_token's `iss` must be: the document's issuer, or with the token's `tid`
    /// in Microsoft's template.
    fn issuer_rule<'a>(&'a self, metadata: &'a Metadata) -> IssuerRule<'a> {
        let template = discovery::microsoft_template(&self.settings.issuer);
        match self.settings.preset == Preset::Microsoft
            && template.is_some_and(|t| t == metadata.issuer)
        {
            true => IssuerRule::Template(&metadata.issuer),
            // The document's issuer: the configured one, or the one tenant Microsoft names
            // for `consumers` or a tenant's domain (checked at discovery).
            false => IssuerRule::Exact(&metadata.issuer),
        }
    }

    /// An authorization response's `iss`: the issuer, or for Microsoft's template any tenant's
    /// issuer (the tenant is only known from the id_token, whose `iss` is checked with it).
    pub(super) fn response_issuer_ok(&self, metadata: &Metadata, iss: &str) -> bool {
        match self.issuer_rule(metadata) {
            IssuerRule::Exact(issuer) => iss == issuer,
            IssuerRule::Template(template) => template
                .split_once("{tenantid}")
                .and_then(|(before, after)| iss.strip_prefix(before)?.strip_suffix(after))
                .is_some_and(|tid| {
                    !tid.is_empty() && tid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                }),
        }
    }

    /// The keys to check a token naming `kid` with, fetched when expired or when the kid is
    /// unknown (at most once a minute); the old keys serve when a fetch fails.
    async fn keys_for(
        &self,
        metadata: &Metadata,
        kid: Option<&str>,
    ) -> Result<Arc<Vec<jsonwebtoken::jwk::Jwk>>, FederationError> {
        let old = match self.keys.plan(kid, Instant::now()) {
            Plan::Use(keys) => return Ok(keys),
            Plan::Fetch { old } => old,
        };
        let Some(uri) = &metadata.jwks_uri else {
            return Err(FederationError::Failed(
                "the provider has no jwks_uri".into(),
            ));
        };
        let fetched = async {
            let answer = self.outgoing.get(uri).accept_json().send().await?;
            let keys =
                jwks::parse(&answer.body).map_err(crate::http::outgoing::OutgoingError::BadJson)?;
            Ok::<_, crate::http::outgoing::OutgoingError>((
                keys,
                jwks::lifetime(answer.header("cache-control")),
            ))
        }
        .await;
        match fetched {
            Ok((keys, lifetime)) => Ok(self.keys.store(keys, lifetime, Instant::now())),
            Err(e) if !old.is_empty() => {
                log::warn!(
                    target: "sigil::federation",
                    "{}: cannot refresh the keys, the cached ones serve: {e}",
                    self.settings.id
                );
                Ok(old)
            }
            Err(e) => Err(FederationError::outgoing("keys", e)),
        }
    }
}

/// The code exchange, the id_token's checks and userinfo for a missing address.
pub(super) async fn redeem(
    provider: &Provider,
    code: &str,
    verifier: &str,
    nonce: &str,
    redirect_uri: &str,
) -> Result<Identity, FederationError> {
    let settings = &provider.settings;
    let metadata = provider.metadata().await?;
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("code_verifier", verifier),
    ];
    let secret = settings.client_secret.expose();
    let in_body = metadata.secret_in_body();
    if in_body {
        form.push(("client_id", settings.client_id.as_str()));
        form.push(("client_secret", secret.as_str()));
    }
    let mut call = provider.outgoing.post_form(&metadata.token_endpoint, &form);
    if !in_body {
        call = call.basic(&settings.client_id, secret);
    }
    let answer: TokenAnswer = call
        .json()
        .await
        .map_err(|e| FederationError::outgoing("code exchange", e))?;
    let token = answer
        .id_token
        .ok_or_else(|| FederationError::IdToken("the token answer has no id_token".into()))?;
    let kid = id_token::kid(&token).map_err(FederationError::IdToken)?;
    let keys = provider.keys_for(&metadata, kid.as_deref()).await?;
    let expected = Expected {
        issuer: provider.issuer_rule(&metadata),
        client_id: &settings.client_id,
        nonce,
        access_token: Some(&answer.access_token),
        leeway: provider.leeway,
        now: crate::auth::jwt::unix_now(),
    };
    let claims = id_token::verify(&token, &keys, &expected).map_err(FederationError::IdToken)?;
    let userinfo = match (&claims.email, &metadata.userinfo_endpoint) {
        (None, Some(endpoint)) => {
            Some(userinfo(provider, endpoint, &answer.access_token, &claims.sub).await?)
        }
        _ => None,
    };
    Ok(identity(provider, claims, userinfo))
}

async fn userinfo(
    provider: &Provider,
    endpoint: &str,
    access_token: &str,
    sub: &str,
) -> Result<UserInfo, FederationError> {
    let info: UserInfo = provider
        .outgoing
        .get(endpoint)
        .accept_json()
        .bearer(access_token)
        .json()
        .await
        .map_err(|e| FederationError::outgoing("userinfo", e))?;
    // OIDC Core §5.3.2: userinfo about someone else must not be used.
    if info.sub != sub {
        return Err(FederationError::IdToken(format!(
            "userinfo sub {:?} is not the id_token's {sub:?}",
            info.sub
        )));
    }
    Ok(info)
}

/// The identity from checked claims, the address from the id_token or else userinfo, and
/// whether it counts as verified from the same source.
fn identity(provider: &Provider, claims: IdClaims, userinfo: Option<UserInfo>) -> Identity {
    let settings = &provider.settings;
    let xms_edov = claims.xms_edov.unwrap_or_default().0;
    let (email, said_verified) = match (claims.email, userinfo) {
        (Some(email), _) => (Some(email), claims.email_verified.unwrap_or_default().0),
        (None, Some(info)) => (info.email, info.email_verified.unwrap_or_default().0),
        (None, None) => (None, false),
    };
    let verified = email.is_some()
        && email_verified(
            settings.preset,
            settings.email_verified,
            said_verified,
            xms_edov,
        );
    Identity {
        issuer: claims.iss,
        subject: claims.sub,
        email,
        email_verified: verified,
        username_hint: claims.preferred_username,
        auth_time: claims.auth_time,
    }
}
