//! GitHub (and GitHub Enterprise): OAuth 2.0 without discovery or id_token. The identity is the
//! numeric `id` of `GET /user`, never the `login` (renamable, so reusable by someone else); the
//! address is the primary, verified entry of `GET /user/emails`.

use serde::Deserialize;

use super::{email_verified, FederationError, Identity, Provider};

/// `{issuer}/login/oauth/authorize`.
pub(super) fn authorize_endpoint(issuer: &str) -> String {
    format!("{}/login/oauth/authorize", issuer.trim_end_matches('/'))
}

fn token_endpoint(issuer: &str) -> String {
    format!("{}/login/oauth/access_token", issuer.trim_end_matches('/'))
}

/// `https://api.github.com` for github.com; `{issuer}/api/v3` for GitHub Enterprise Server.
pub(super) fn api_base(issuer: &str) -> String {
    let issuer = issuer.trim_end_matches('/');
    match issuer == "https://github.com" {
        true => "https://api.github.com".into(),
        false => format!("{issuer}/api/v3"),
    }
}

/// GitHub answers a refused code with `200` and an `error` member.
#[derive(Debug, Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

#[derive(Debug, Deserialize)]
struct User {
    id: u64,
    login: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Email {
    email: String,
    #[serde(default)]
    primary: bool,
    #[serde(default)]
    verified: bool,
}

pub(super) async fn redeem(
    provider: &Provider,
    code: &str,
    verifier: &str,
    redirect_uri: &str,
) -> Result<Identity, FederationError> {
    let settings = &provider.settings;
    let form = [
        ("client_id", settings.client_id.as_str()),
        ("client_secret", settings.client_secret.expose().as_str()),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("code_verifier", verifier),
    ];
    let answer: TokenAnswer = provider
        .outgoing
        .post_form(&token_endpoint(&settings.issuer), &form)
        .json()
        .await
        .map_err(|e| FederationError::outgoing("code exchange", e))?;
    let access_token = match (answer.access_token, answer.error) {
        (Some(token), None) => token,
        (_, error) => {
            return Err(FederationError::Failed(format!(
                "code exchange refused: {} {}",
                error.unwrap_or_default(),
                answer.error_description.unwrap_or_default()
            )))
        }
    };
    let api = api_base(&settings.issuer);
    let get = |path: &str| {
        let url = format!("{api}{path}");
        let outgoing = provider.outgoing.clone();
        let access_token = access_token.clone();
        async move {
            outgoing
                .get(&url)
                .header("Accept", "application/vnd.github+json")
                .bearer(&access_token)
                .send()
                .await
        }
    };
    let user: User = get("/user")
        .await
        .and_then(|a| a.json())
        .map_err(|e| FederationError::outgoing("GET /user", e))?;
    let emails: Vec<Email> = get("/user/emails")
        .await
        .and_then(|a| a.json())
        .map_err(|e| FederationError::outgoing("GET /user/emails", e))?;
    Ok(identity(provider, user, &emails))
}

fn identity(provider: &Provider, user: User, emails: &[Email]) -> Identity {
    let settings = &provider.settings;
    let email = primary_verified(emails);
    Identity {
        issuer: settings.issuer.clone(),
        subject: user.id.to_string(),
        email_verified: email.is_some()
            && email_verified(settings.preset, settings.email_verified, true, false),
        email,
        username_hint: user.login,
        auth_time: None,
    }
}

/// The primary address when GitHub has verified it; none otherwise (an unverified primary is
/// not replaced by another entry).
fn primary_verified(emails: &[Email]) -> Option<String> {
    emails
        .iter()
        .find(|e| e.primary && e.verified)
        .map(|e| e.email.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_for_github_and_enterprise() {
        assert_eq!(api_base("https://github.com"), "https://api.github.com");
        assert_eq!(
            api_base("https://git.corp.example/"),
            "https://git.corp.example/api/v3"
        );
        assert_eq!(
            authorize_endpoint("https://github.com"),
            "https://github.com/login/oauth/authorize"
        );
        assert_eq!(
            token_endpoint("https://github.com"),
            "https://github.com/login/oauth/access_token"
        );
    }

    #[test]
    fn only_the_primary_verified_address_counts() {
        let emails: Vec<Email> = serde_json::from_value(serde_json::json!([
            {"email": "old@example.com", "primary": false, "verified": true},
            {"email": "me@example.com", "primary": true, "verified": true},
        ]))
        .unwrap();
        assert_eq!(primary_verified(&emails).as_deref(), Some("me@example.com"));
        let unverified: Vec<Email> = serde_json::from_value(serde_json::json!([
            {"email": "x@example.com", "primary": false, "verified": true},
            {"email": "me@example.com", "primary": true, "verified": false},
        ]))
        .unwrap();
        assert_eq!(primary_verified(&unverified), None);
    }
}
