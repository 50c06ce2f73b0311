//! Outside providers to sign in with (API.md part three, section 2, "Configuration"):
//! `LOGIN_PROVIDERS` lists ids in button order, and each id's variables spell it in capitals
//! (`LOGIN_PROVIDER_CORP_CLIENT_ID`). Nothing here reaches the network: an unreachable
//! provider never stops start-up.

use std::path::Path;

use super::{ConfigError, Secret};

/// What a provider is: a preset only fills defaults (issuer, name, scopes) and picks the
/// rules that differ (Microsoft's issuer template and `xms_edov`, GitHub's OAuth 2.0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    Oidc,
    Google,
    Microsoft,
    Gitlab,
    Github,
}

impl Preset {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "oidc" => Some(Self::Oidc),
            "google" => Some(Self::Google),
            "microsoft" => Some(Self::Microsoft),
            "gitlab" => Some(Self::Gitlab),
            "github" => Some(Self::Github),
            _ => None,
        }
    }

    /// The button's name when `…_NAME` is unset; `None` for `oidc` (the id is used).
    fn name(self) -> Option<&'static str> {
        match self {
            Self::Oidc => None,
            Self::Google => Some("Google"),
            Self::Microsoft => Some("Microsoft"),
            Self::Gitlab => Some("GitLab"),
            Self::Github => Some("GitHub"),
        }
    }
}

/// Whether a provider's word that an address is verified counts (`…_EMAIL_VERIFIED`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailTrust {
    /// `email_verified: true` (Microsoft: `xms_edov: true`; GitHub: a verified primary entry).
    Claim,
    /// None of its addresses counts as verified.
    Never,
}

/// One provider's settings, checked: a value here is usable as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderSettings {
    /// `[a-z0-9]{1,32}`: in `/login/{id}` and in the variables' names.
    pub id: String,
    pub preset: Preset,
    pub client_id: String,
    pub client_secret: Secret<String>,
    /// Where discovery starts and what every `iss` must equal (Microsoft's `common`,
    /// `organizations` and `consumers`: the tenant-specific form of it).
    pub issuer: String,
    /// Microsoft only: the tenant in the issuer (`…_TENANT`, default `common`).
    pub tenant: Option<String>,
    /// "Continue with {name}".
    pub name: String,
    pub scopes: String,
    pub email_verified: EmailTrust,
}

/// Reads `LOGIN_PROVIDERS` and each listed provider's variables; none is an empty list.
pub(super) fn from_lookup(
    get: &impl Fn(&str) -> Option<String>,
    development: bool,
) -> Result<Vec<ProviderSettings>, ConfigError> {
    let Some(list) = get("LOGIN_PROVIDERS") else {
        return Ok(Vec::new());
    };
    let mut providers: Vec<ProviderSettings> = Vec::new();
    for id in list.split(',').map(str::trim).filter(|id| !id.is_empty()) {
        if !valid_id(id) {
            return Err(ConfigError::new(
                "LOGIN_PROVIDERS",
                format!("{id:?} is not an id of 1 to 32 characters a-z and 0-9"),
            ));
        }
        // Fixed routes beside /login/{id} and /reauthenticate/{id} would shadow its pages.
        if RESERVED_IDS.contains(&id) {
            return Err(ConfigError::new(
                "LOGIN_PROVIDERS",
                format!("{id:?} is taken by Sigil's own pages (/login/{id}); choose another id"),
            ));
        }
        if providers.iter().any(|p| p.id == id) {
            return Err(ConfigError::new(
                "LOGIN_PROVIDERS",
                format!("{id:?} is listed twice"),
            ));
        }
        providers.push(provider(get, id, development)?);
    }
    Ok(providers)
}

/// Ids whose `/login/{id}` or `/reauthenticate/{id}` is one of Sigil's own routes.
const RESERVED_IDS: [&str; 3] = ["mfa", "passkey", "options"];

fn valid_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

fn provider(
    get: &impl Fn(&str) -> Option<String>,
    id: &str,
    development: bool,
) -> Result<ProviderSettings, ConfigError> {
    let var = |suffix: &str| format!("LOGIN_PROVIDER_{}_{suffix}", id.to_ascii_uppercase());
    let read = |suffix: &str| get(&var(suffix)).map(|v| v.trim().to_string());
    let fail = |suffix: &str, message: String| ConfigError::new(var(suffix), message);

    let preset = match read("PRESET") {
        Some(raw) => Preset::parse(&raw).ok_or_else(|| {
            fail(
                "PRESET",
                format!("{raw:?} is not one of oidc, google, microsoft, gitlab, github"),
            )
        })?,
        None => Preset::parse(id).unwrap_or(Preset::Oidc),
    };
    let client_id = read("CLIENT_ID")
        .ok_or_else(|| fail("CLIENT_ID", "is required".into()))
        .and_then(|v| printable(&v, 512).map_err(|m| fail("CLIENT_ID", m)))?;
    let client_secret = match (read("CLIENT_SECRET"), read("CLIENT_SECRET_FILE")) {
        (Some(_), Some(_)) => {
            return Err(fail(
                "CLIENT_SECRET_FILE",
                format!("set {} or this, not both", var("CLIENT_SECRET")),
            ))
        }
        (Some(secret), None) => secret,
        (None, Some(path)) => {
            secret_file(Path::new(&path)).map_err(|m| fail("CLIENT_SECRET_FILE", m))?
        }
        (None, None) => {
            return Err(fail(
                "CLIENT_SECRET",
                format!("is required (or {})", var("CLIENT_SECRET_FILE")),
            ))
        }
    };
    let tenant = match preset {
        Preset::Microsoft => {
            let tenant = read("TENANT").unwrap_or_else(|| "common".into());
            let ok = (1..=64).contains(&tenant.len())
                && tenant
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
            if !ok {
                return Err(fail(
                    "TENANT",
                    format!("{tenant:?} is not a tenant id or domain"),
                ));
            }
            Some(tenant)
        }
        _ => None,
    };
    let issuer = match (read("ISSUER"), preset, &tenant) {
        (Some(issuer), _, _) => issuer,
        (None, Preset::Google, _) => "https://accounts.google.com".into(),
        (None, Preset::Microsoft, Some(tenant)) => {
            format!("https://login.microsoftonline.com/{tenant}/v2.0")
        }
        (None, Preset::Gitlab, _) => "https://gitlab.com".into(),
        (None, Preset::Github, _) => "https://github.com".into(),
        (None, _, _) => {
            return Err(fail(
                "ISSUER",
                "is required for a provider with the oidc preset".into(),
            ))
        }
    };
    check_issuer(&issuer, development).map_err(|m| fail("ISSUER", m))?;
    let name = match read("NAME") {
        Some(name) => printable(&name, 64).map_err(|m| fail("NAME", m))?,
        None => preset.name().unwrap_or(id).to_string(),
    };
    let scopes = match read("SCOPES") {
        Some(scopes) => printable(&scopes, 512).map_err(|m| fail("SCOPES", m))?,
        None if preset == Preset::Github => "read:user user:email".into(),
        None => "openid email profile".into(),
    };
    let email_verified = match read("EMAIL_VERIFIED").as_deref() {
        None | Some("claim") => EmailTrust::Claim,
        Some("never") => EmailTrust::Never,
        Some(other) => {
            return Err(fail(
                "EMAIL_VERIFIED",
                format!("{other:?} is not claim or never"),
            ))
        }
    };
    Ok(ProviderSettings {
        id: id.to_string(),
        preset,
        client_id,
        client_secret: Secret::new(client_secret),
        issuer,
        tenant,
        name,
        scopes,
        email_verified,
    })
}

/// A secret file's content without its trailing newline (how `echo` and editors write it).
fn secret_file(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let secret = text.trim_end_matches(['\r', '\n']);
    if secret.is_empty() {
        return Err(format!("{} is empty", path.display()));
    }
    Ok(secret.to_string())
}

fn printable(value: &str, max: usize) -> Result<String, String> {
    if value.is_empty() || value.len() > max || value.chars().any(char::is_control) {
        return Err(format!("must be 1 to {max} printable characters"));
    }
    Ok(value.to_string())
}

/// The issuer receives codes and client secrets, so it must be `https`; plain `http` only to a
/// loopback host in development, where the tests run their stub provider. No query or
/// fragment: discovery appends its path to it.
fn check_issuer(issuer: &str, development: bool) -> Result<(), String> {
    let url = url::Url::parse(issuer).map_err(|e| format!("{issuer:?} is not a URL ({e})"))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{issuer:?} must not have a query or a fragment"));
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if loopback && development => Ok(()),
        "http" if loopback => Err(format!(
            "{issuer:?} is http, allowed only with APP_ENV=development; use https"
        )),
        _ => Err(format!("{issuer:?} must be an https URL")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(
        vars: &[(&str, &str)],
        development: bool,
    ) -> Result<Vec<ProviderSettings>, ConfigError> {
        let map: std::collections::HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        from_lookup(&|name: &str| map.get(name).cloned(), development)
    }

    #[test]
    fn presets_fill_defaults_in_list_order() {
        let all = read(
            &[
                ("LOGIN_PROVIDERS", "github, google,microsoft,corp"),
                ("LOGIN_PROVIDER_GITHUB_CLIENT_ID", "gh"),
                ("LOGIN_PROVIDER_GITHUB_CLIENT_SECRET", "s1"),
                ("LOGIN_PROVIDER_GOOGLE_CLIENT_ID", "g"),
                ("LOGIN_PROVIDER_GOOGLE_CLIENT_SECRET", "s2"),
                ("LOGIN_PROVIDER_MICROSOFT_CLIENT_ID", "m"),
                ("LOGIN_PROVIDER_MICROSOFT_CLIENT_SECRET", "s3"),
                ("LOGIN_PROVIDER_MICROSOFT_EMAIL_VERIFIED", "never"),
                ("LOGIN_PROVIDER_CORP_PRESET", "gitlab"),
                ("LOGIN_PROVIDER_CORP_ISSUER", "https://git.corp.example"),
                ("LOGIN_PROVIDER_CORP_CLIENT_ID", "c"),
                ("LOGIN_PROVIDER_CORP_CLIENT_SECRET", "s4"),
                ("LOGIN_PROVIDER_CORP_NAME", "Corp Git"),
            ],
            false,
        )
        .unwrap();
        let ids: Vec<&str> = all.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["github", "google", "microsoft", "corp"]);
        assert_eq!(all[0].preset, Preset::Github);
        assert_eq!(all[0].issuer, "https://github.com");
        assert_eq!(all[0].scopes, "read:user user:email");
        assert_eq!(all[0].name, "GitHub");
        assert_eq!(all[1].issuer, "https://accounts.google.com");
        assert_eq!(all[1].scopes, "openid email profile");
        assert_eq!(
            all[2].issuer,
            "https://login.microsoftonline.com/common/v2.0"
        );
        assert_eq!(all[2].tenant.as_deref(), Some("common"));
        assert_eq!(all[2].email_verified, EmailTrust::Never);
        assert_eq!(all[3].preset, Preset::Gitlab);
        assert_eq!(all[3].name, "Corp Git");
        assert_eq!(all[3].client_secret.expose(), "s4");
        assert!(read(&[], false).unwrap().is_empty());
    }

    #[test]
    fn a_secret_file_loses_its_trailing_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "s3cret\n").unwrap();
        let path = path.to_str().unwrap();
        let all = read(
            &[
                ("LOGIN_PROVIDERS", "corp"),
                ("LOGIN_PROVIDER_CORP_ISSUER", "https://id.corp.example"),
                ("LOGIN_PROVIDER_CORP_CLIENT_ID", "c"),
                ("LOGIN_PROVIDER_CORP_CLIENT_SECRET_FILE", path),
            ],
            false,
        )
        .unwrap();
        assert_eq!(all[0].client_secret.expose(), "s3cret");
        assert_eq!(all[0].name, "corp");
        assert_eq!(all[0].preset, Preset::Oidc);
    }

    #[test]
    fn bad_values_name_their_variable() {
        let base = [
            ("LOGIN_PROVIDERS", "corp"),
            ("LOGIN_PROVIDER_CORP_ISSUER", "https://id.corp.example"),
            ("LOGIN_PROVIDER_CORP_CLIENT_ID", "c"),
            ("LOGIN_PROVIDER_CORP_CLIENT_SECRET", "s"),
        ];
        let with = |change: &[(&str, &str)]| {
            let mut vars: Vec<(&str, &str)> = base
                .iter()
                .filter(|(k, _)| !change.iter().any(|(c, _)| c == k))
                .copied()
                .collect();
            vars.extend(change.iter().filter(|(_, v)| !v.is_empty()));
            read(&vars, false).unwrap_err().var.into_owned()
        };
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("LOGIN_PROVIDERS", "Corp")], "LOGIN_PROVIDERS"),
            (&[("LOGIN_PROVIDERS", "corp,corp")], "LOGIN_PROVIDERS"),
            (
                &[("LOGIN_PROVIDER_CORP_PRESET", "okta")],
                "LOGIN_PROVIDER_CORP_PRESET",
            ),
            (
                &[("LOGIN_PROVIDER_CORP_CLIENT_ID", "")],
                "LOGIN_PROVIDER_CORP_CLIENT_ID",
            ),
            (
                &[("LOGIN_PROVIDER_CORP_CLIENT_SECRET", "")],
                "LOGIN_PROVIDER_CORP_CLIENT_SECRET",
            ),
            (
                &[(
                    "LOGIN_PROVIDER_CORP_CLIENT_SECRET_FILE",
                    "/nonexistent/secret",
                )],
                "LOGIN_PROVIDER_CORP_CLIENT_SECRET_FILE",
            ),
            (
                &[("LOGIN_PROVIDER_CORP_ISSUER", "")],
                "LOGIN_PROVIDER_CORP_ISSUER",
            ),
            (
                &[("LOGIN_PROVIDER_CORP_ISSUER", "http://id.corp.example")],
                "LOGIN_PROVIDER_CORP_ISSUER",
            ),
            (
                &[("LOGIN_PROVIDER_CORP_ISSUER", "http://127.0.0.1:9000")],
                "LOGIN_PROVIDER_CORP_ISSUER",
            ),
            (
                &[("LOGIN_PROVIDER_CORP_EMAIL_VERIFIED", "always")],
                "LOGIN_PROVIDER_CORP_EMAIL_VERIFIED",
            ),
        ];
        for (change, var) in cases {
            assert_eq!(with(change), *var, "{change:?}");
        }
    }

    #[test]
    fn http_issuers_only_on_loopback_in_development() {
        assert!(check_issuer("http://127.0.0.1:9000", true).is_ok());
        assert!(check_issuer("http://localhost:9000/realms/x", true).is_ok());
        assert!(check_issuer("http://127.0.0.1:9000", false).is_err());
        assert!(check_issuer("http://id.example", true).is_err());
        assert!(check_issuer("https://id.example/tenant", false).is_ok());
        assert!(check_issuer("https://id.example/?a=b", false).is_err());
    }
}
