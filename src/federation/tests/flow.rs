//! Whole exchanges against a stub provider on 127.0.0.1: discovery, keys, the code exchange,
//! userinfo, GitHub's API, and what an unreachable or lying provider gives.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::{json, Value};

use super::{good_claims, now, TestKey, CLIENT, NONCE};
use crate::config::{EmailTrust, OutboundSettings, Preset, ProviderSettings, Secret};
use crate::federation::{AuthorizationRequest, FederationError, Providers};
use crate::http::outgoing::Outgoing;
use crate::testing::http_stub::{serve, Stub, StubRequest, StubResponse};

/// What the stub provider does; tests change it between requests.
struct Script {
    key: TestKey,
    claims: Value,
    document: Value,
    userinfo: Value,
}

fn outgoing() -> Outgoing {
    let settings = OutboundSettings {
        timeout: Duration::from_secs(5),
        ca_file: None,
    };
    Outgoing::new(&settings, true).unwrap()
}

fn settings(id: &str, preset: Preset, issuer: &str) -> ProviderSettings {
    ProviderSettings {
        id: id.into(),
        preset,
        client_id: CLIENT.into(),
        client_secret: Secret::new("s3cret".into()),
        issuer: issuer.into(),
        tenant: None,
        name: id.into(),
        scopes: "openid email profile".into(),
        email_verified: EmailTrust::Claim,
    }
}

/// A stub OpenID provider whose issuer is its own URL.
async fn provider(edit: impl FnOnce(&mut Script, &str)) -> (Stub, Arc<Mutex<Script>>) {
    let url: Arc<OnceLock<String>> = Arc::default();
    let script = Arc::new(Mutex::new(Script {
        key: TestKey::ed25519("k1"),
        claims: Value::Null,
        document: Value::Null,
        userinfo: json!({"sub": "248289761001", "email": "info@example.com",
            "email_verified": true}),
    }));
    let (seen_url, seen_script) = (Arc::clone(&url), Arc::clone(&script));
    let stub = serve(move |r: &StubRequest| {
        let base = seen_url.get().cloned().unwrap_or_default();
        let script = seen_script.lock().unwrap();
        match r.path() {
            "/.well-known/openid-configuration" => StubResponse::json(200, &script.document),
            "/jwks" => StubResponse::json(200, &json!({"keys": [script.key.jwk]}))
                .header("Cache-Control", "max-age=600"),
            "/token" => {
                let mut claims = script.claims.clone();
                claims["iss"] = json!(base);
                StubResponse::json(
                    200,
                    &json!({"access_token": "at-1", "token_type": "Bearer",
                        "id_token": script.key.sign(&claims)}),
                )
            }
            "/userinfo" => StubResponse::json(200, &script.userinfo),
            _ => StubResponse::json(404, &json!({})),
        }
    })
    .await;
    url.set(stub.url.clone()).unwrap();
    {
        let mut s = script.lock().unwrap();
        s.claims = good_claims(s.key.alg);
        s.document = json!({
            "issuer": stub.url,
            "authorization_endpoint": format!("{}/authorize?tenant=x", stub.url),
            "token_endpoint": format!("{}/token", stub.url),
            "userinfo_endpoint": format!("{}/userinfo", stub.url),
            "jwks_uri": format!("{}/jwks", stub.url),
        });
        edit(&mut s, &stub.url);
    }
    (stub, script)
}

fn request(confirm: bool) -> AuthorizationRequest<'static> {
    AuthorizationRequest {
        redirect_uri: "http://127.0.0.1:8080/login/corp/callback",
        state: "st-1",
        nonce: NONCE,
        code_challenge: "ch-1",
        confirm,
    }
}

#[tokio::test]
async fn the_code_flow_gives_the_identity() {
    let (stub, _) = provider(|_, _| {}).await;
    let providers = Providers::new(&[settings("corp", Preset::Oidc, &stub.url)], outgoing(), 30);
    assert!(providers.get("nope").is_none());
    let corp = providers.get("corp").unwrap();
    assert_eq!(
        (corp.id(), corp.name(), corp.can_confirm()),
        ("corp", "corp", true)
    );
    let url = corp.authorization_url(&request(false)).await.unwrap();
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("tenant"), Some("x"), "the endpoint's own query stays");
    assert_eq!(get("response_type"), Some("code"));
    assert_eq!(get("client_id"), Some(CLIENT));
    assert_eq!(get("state"), Some("st-1"));
    assert_eq!(get("nonce"), Some(NONCE));
    assert_eq!(get("code_challenge_method"), Some("S256"));
    assert_eq!(get("scope"), Some("openid email profile"));
    assert_eq!(get("prompt"), None);
    let confirm = corp.authorization_url(&request(true)).await.unwrap();
    assert!(confirm.query().unwrap().contains("prompt=login&max_age=0"));

    let identity = corp
        .redeem("code-1", "verifier-1", NONCE, "http://cb")
        .await
        .unwrap();
    assert_eq!(identity.issuer, stub.url);
    assert_eq!(identity.subject, "248289761001");
    assert_eq!(identity.email.as_deref(), Some("jane@example.com"));
    assert!(identity.email_verified);
    assert_eq!(identity.username_hint.as_deref(), Some("jane"));
    assert!(identity.auth_time.is_some());
    let seen = stub.requests();
    let discoveries = seen
        .iter()
        .filter(|r| r.path().starts_with("/.well-known"))
        .count();
    assert_eq!(discoveries, 1, "discovery is cached");
    let token = seen.iter().find(|r| r.path() == "/token").unwrap();
    assert!(token.header("authorization").unwrap().starts_with("Basic "));
    assert!(token.body.contains("code_verifier=verifier-1"));
    assert!(!token.body.contains("client_secret"));
    assert!(
        !seen.iter().any(|r| r.path() == "/userinfo"),
        "email was in the id_token"
    );
}

#[tokio::test]
async fn userinfo_fills_a_missing_address_and_must_be_about_the_same_subject() {
    let (stub, script) = provider(|s, _| {
        s.claims.as_object_mut().unwrap().remove("email");
        s.claims.as_object_mut().unwrap().remove("email_verified");
        s.document["token_endpoint_auth_methods_supported"] = json!(["client_secret_post"]);
    })
    .await;
    let providers = Providers::new(&[settings("corp", Preset::Oidc, &stub.url)], outgoing(), 30);
    let corp = providers.get("corp").unwrap();
    let identity = corp.redeem("c", "v", NONCE, "http://cb").await.unwrap();
    assert_eq!(identity.email.as_deref(), Some("info@example.com"));
    assert!(identity.email_verified);
    let seen = stub.requests();
    let info = seen.iter().find(|r| r.path() == "/userinfo").unwrap();
    assert_eq!(info.header("authorization"), Some("Bearer at-1"));
    let token = seen.iter().find(|r| r.path() == "/token").unwrap();
    assert!(token.header("authorization").is_none());
    assert!(token.body.contains("client_secret=s3cret"));

    script.lock().unwrap().userinfo = json!({"sub": "someone-else", "email": "x@example.com"});
    let e = corp.redeem("c", "v", NONCE, "http://cb").await.unwrap_err();
    assert!(matches!(e, FederationError::IdToken(_)), "{e}");
    assert_eq!(e.reason(), "id_token");
}

#[tokio::test]
async fn a_bad_id_token_or_nonce_is_an_id_token_failure() {
    let (stub, script) = provider(|_, _| {}).await;
    let providers = Providers::new(&[settings("corp", Preset::Oidc, &stub.url)], outgoing(), 30);
    let corp = providers.get("corp").unwrap();
    let e = corp
        .redeem("c", "v", "another-nonce", "http://cb")
        .await
        .unwrap_err();
    assert!(matches!(e, FederationError::IdToken(_)), "{e}");
    // Keys rotated at the provider: the unknown kid refetches the keys once.
    {
        let mut s = script.lock().unwrap();
        s.key = TestKey::es256("k2");
        s.claims = good_claims(s.key.alg);
    }
    let identity = corp.redeem("c", "v", NONCE, "http://cb").await;
    assert!(identity.is_ok(), "{identity:?}");
    script.lock().unwrap().claims["exp"] = json!(now() - 3600);
    let e = corp.redeem("c", "v", NONCE, "http://cb").await.unwrap_err();
    assert_eq!(e.reason(), "id_token");
}

#[tokio::test]
async fn the_discovered_issuer_and_the_responses_iss_must_be_the_providers() {
    let (stub, _) = provider(|s, _| s.document["issuer"] = json!("https://evil.example")).await;
    let providers = Providers::new(&[settings("corp", Preset::Oidc, &stub.url)], outgoing(), 30);
    let e = providers
        .get("corp")
        .unwrap()
        .authorization_url(&request(false))
        .await;
    assert!(
        matches!(e, Err(FederationError::IssuerMismatch(_))),
        "{e:?}"
    );

    let (stub, _) = provider(|s, _| {
        s.document["authorization_response_iss_parameter_supported"] = json!(true);
    })
    .await;
    let providers = Providers::new(&[settings("corp", Preset::Oidc, &stub.url)], outgoing(), 30);
    let corp = providers.get("corp").unwrap();
    assert!(corp.check_response_issuer(Some(&stub.url)).await.is_ok());
    let missing = corp.check_response_issuer(None).await.unwrap_err();
    assert_eq!(missing.reason(), "issuer_mismatch");
    let wrong = corp
        .check_response_issuer(Some("https://evil.example"))
        .await;
    assert!(matches!(wrong, Err(FederationError::IssuerMismatch(_))));
}

#[tokio::test]
async fn an_unreachable_provider_is_an_error_not_a_panic() {
    // A port that was free a moment ago: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let providers = Providers::new(&[settings("corp", Preset::Oidc, &issuer)], outgoing(), 30);
    let corp = providers.get("corp").unwrap();
    let e = corp.authorization_url(&request(false)).await.unwrap_err();
    assert_eq!(e.reason(), "unreachable", "{e}");
    let e = corp.redeem("c", "v", NONCE, "http://cb").await.unwrap_err();
    assert_eq!(e.reason(), "unreachable", "{e}");
}

#[tokio::test]
async fn github_is_the_numeric_id_and_the_primary_verified_address() {
    let emails = Arc::new(Mutex::new(json!([
        {"email": "old@example.com", "primary": false, "verified": true},
        {"email": "octo@example.com", "primary": true, "verified": true},
    ])));
    let listed = Arc::clone(&emails);
    let stub = serve(move |r| match r.path() {
        "/login/oauth/access_token" => StubResponse::json(
            200,
            &match r.body.contains("code=good") {
                true => json!({"access_token": "gho_1", "token_type": "bearer"}),
                false => json!({"error": "bad_verification_code"}),
            },
        ),
        "/api/v3/user" => StubResponse::json(200, &json!({"id": 583231, "login": "octocat"})),
        "/api/v3/user/emails" => StubResponse::json(200, &listed.lock().unwrap()),
        _ => StubResponse::json(404, &json!({})),
    })
    .await;
    let mut github = settings("github", Preset::Github, &stub.url);
    github.scopes = "read:user user:email".into();
    let providers = Providers::new(&[github], outgoing(), 30);
    let gh = providers.get("github").unwrap();
    assert!(!gh.can_confirm());
    let url = gh.authorization_url(&request(false)).await.unwrap();
    assert!(url
        .as_str()
        .starts_with(&format!("{}/login/oauth/authorize?", stub.url)));
    assert!(!url.query().unwrap().contains("nonce="));
    assert!(gh.check_response_issuer(None).await.is_ok());

    let identity = gh.redeem("good", "v", "", "http://cb").await.unwrap();
    assert_eq!(identity.issuer, stub.url);
    assert_eq!(identity.subject, "583231");
    assert_eq!(identity.username_hint.as_deref(), Some("octocat"));
    assert_eq!(identity.email.as_deref(), Some("octo@example.com"));
    assert!(identity.email_verified);
    assert_eq!(identity.auth_time, None);
    let seen = stub.requests();
    let token = seen
        .iter()
        .find(|r| r.path() == "/login/oauth/access_token")
        .unwrap();
    assert_eq!(token.header("accept"), Some("application/json"));
    let user = seen.iter().find(|r| r.path() == "/api/v3/user").unwrap();
    assert_eq!(user.header("authorization"), Some("Bearer gho_1"));

    *emails.lock().unwrap() =
        json!([{"email": "octo@example.com", "primary": true, "verified": false}]);
    let identity = gh.redeem("good", "v", "", "http://cb").await.unwrap();
    assert_eq!((identity.email, identity.email_verified), (None, false));
    let e = gh.redeem("bad", "v", "", "http://cb").await.unwrap_err();
    assert_eq!(e.reason(), "id_token");
}
