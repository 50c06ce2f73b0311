//! PLACEHOLDER for the fed-core branch (replaced at its merge): the interface the flows use.
#![allow(dead_code, unused_variables)]

use std::sync::Arc;

#[derive(Clone, Default)]
pub struct Providers {
    all: Arc<Vec<Provider>>,
}

impl Providers {
    pub fn get(&self, id: &str) -> Option<&Provider> {
        self.all.iter().find(|p| p.id == id)
    }
    pub fn all(&self) -> &[Provider] {
        &self.all
    }
}

pub struct Provider {
    id: String,
    name: String,
}

pub struct AuthorizationRequest<'a> {
    pub redirect_uri: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    pub code_challenge: &'a str,
    pub confirm: bool,
}

#[derive(Debug, Clone)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub username_hint: Option<String>,
    pub auth_time: Option<i64>,
}

#[derive(Debug)]
pub enum FederationError {
    Unreachable(String),
    IssuerMismatch(String),
    IdToken(String),
    Failed(String),
}

impl FederationError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Unreachable(_) => "unreachable",
            Self::IssuerMismatch(_) => "issuer_mismatch",
            Self::IdToken(_) | Self::Failed(_) => "id_token",
        }
    }
}

impl std::fmt::Display for FederationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl Provider {
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Where a form that begins a trip ends up (the authorization endpoint's origin once
    /// known, else the issuer): pages allow it in their CSP `form-action`.
    pub fn form_target(&self) -> String {
        self.name.clone()
    }
    pub fn can_confirm(&self) -> bool {
        true
    }
    pub async fn authorization_url(
        &self,
        req: &AuthorizationRequest<'_>,
    ) -> Result<url::Url, FederationError> {
        Err(FederationError::Unreachable("placeholder".into()))
    }
    pub async fn check_response_issuer(&self, iss: Option<&str>) -> Result<(), FederationError> {
        Ok(())
    }
    pub async fn redeem(
        &self,
        code: &str,
        verifier: &str,
        nonce: &str,
        redirect_uri: &str,
    ) -> Result<Identity, FederationError> {
        Err(FederationError::Unreachable("placeholder".into()))
    }
}

pub fn pkce_pair() -> (String, String) {
    (String::new(), String::new())
}
