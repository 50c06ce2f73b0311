//! The federation tests' outside providers work, without Sigil: oidc-provider (npm) through
//! a whole code flow driven by a plain HTTP client, and the programmable stub provider honest,
//! dishonest and GitHub-shaped. If these fail, the federation tests' failures mean nothing.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation};
use reqwest::redirect::Policy;
use reqwest::Client;
use serde_json::{json, Value};
use sha2::Digest as _;

use crate::helpers::stub_provider::{
    Alg, Behaviour, Claim, DiscoveryRedirect, Endpoint, GithubEmail, IssParam, Microsoft,
};
use crate::helpers::{header_and_claims, unix_now, Account, StubProvider, Upstream};

/// Where the providers send the browser back; nothing listens there, the client stops first.
const CALLBACK: &str = "http://127.0.0.1:9/login/corp/callback";

fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// A PKCE verifier and its S256 challenge.
fn pkce() -> (String, String) {
    let verifier = format!("verifier-{}-{}", uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let challenge = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

fn authorize_url(
    endpoint: &str,
    client_id: &str,
    challenge: &str,
    extra: &[(&str, &str)],
) -> String {
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", CALLBACK),
        ("scope", "openid email profile"),
        ("state", "the-state"),
        ("nonce", "the-nonce"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ];
    params.extend_from_slice(extra);
    format!(
        "{endpoint}?{}",
        serde_urlencoded::to_string(params).unwrap()
    )
}

/// Follows redirects until one leads to the callback; returns the callback's query and every
/// location passed.
async fn follow(client: &Client, mut url: String) -> (Vec<(String, String)>, Vec<String>) {
    let mut passed = Vec::new();
    for _ in 0..10 {
        let response = client.get(&url).send().await.unwrap();
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        let Some(location) = location else {
            panic!(
                "{status} at {url} without a redirect: {}",
                response.text().await.unwrap()
            );
        };
        let location = reqwest::Url::parse(&url)
            .unwrap()
            .join(&location)
            .unwrap()
            .to_string();
        passed.push(location.clone());
        if let Some(query) = location.strip_prefix(&format!("{CALLBACK}?")) {
            return (serde_urlencoded::from_str(query).unwrap(), passed);
        }
        url = location;
    }
    panic!("no way back to the callback: {passed:?}");
}

fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

#[tokio::test]
async fn oidc_provider_discovery_declares_the_iss_parameter_and_s256() {
    let Some(upstream) = Upstream::get() else {
        return;
    };
    eprintln!("oidc-provider started in {:?}", upstream.started_in);
    let url = format!("{}/.well-known/openid-configuration", upstream.issuer);
    let doc = json_of(reqwest::get(url).await.unwrap()).await;
    assert_eq!(doc["issuer"], json!(upstream.issuer));
    assert_eq!(
        doc["authorization_response_iss_parameter_supported"],
        json!(true)
    );
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
}

#[tokio::test]
async fn oidc_provider_completes_the_code_flow_without_forms() {
    let Some(upstream) = Upstream::get() else {
        return;
    };
    let account = Account::verified("grace@example.com");
    let client = upstream.client(CALLBACK, &account).await;
    let discovery = format!("{}/.well-known/openid-configuration", upstream.issuer);
    let doc = json_of(reqwest::get(discovery).await.unwrap()).await;
    let endpoint = doc["authorization_endpoint"].as_str().unwrap();
    let browser = browser();

    // Without PKCE: refused, back at the callback with an error.
    let bare = format!(
        "{endpoint}?response_type=code&client_id={}&redirect_uri={CALLBACK}&scope=openid&state=s",
        client.client_id
    );
    let (query, _) = follow(&browser, bare).await;
    assert_eq!(param(&query, "error"), Some("invalid_request"), "{query:?}");

    let (verifier, challenge) = pkce();
    let (query, passed) = follow(
        &browser,
        authorize_url(endpoint, &client.client_id, &challenge, &[]),
    )
    .await;
    assert!(
        passed.iter().any(|l| l.contains("/interaction/")),
        "{passed:?}"
    );
    assert_eq!(param(&query, "state"), Some("the-state"));
    assert_eq!(param(&query, "iss"), Some(upstream.issuer.as_str()));
    let code = param(&query, "code").expect("a code");

    let tokens = json_of(
        Client::new()
            .post(doc["token_endpoint"].as_str().unwrap())
            .basic_auth(&client.client_id, Some(&client.client_secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", CALLBACK),
                ("code_verifier", &verifier),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    let (_, claims) = header_and_claims(tokens["id_token"].as_str().expect("an id_token"));
    assert_eq!(claims["iss"], json!(upstream.issuer));
    assert_eq!(claims["aud"], json!(client.client_id));
    assert_eq!(claims["sub"], json!(account.sub));
    assert_eq!(claims["nonce"], json!("the-nonce"));
    assert_eq!(claims["email"], json!("grace@example.com"));
    assert_eq!(claims["email_verified"], json!(true));
    assert_eq!(claims["preferred_username"], json!("grace"));
    let auth_time = claims["auth_time"].as_i64().expect("auth_time");
    assert!((unix_now() - auth_time).abs() < 60);

    // "Confirm it's you": prompt=login&max_age=0 signs in again although the session is live.
    let (_, challenge) = pkce();
    let again = authorize_url(
        endpoint,
        &client.client_id,
        &challenge,
        &[("prompt", "login"), ("max_age", "0")],
    );
    let (query, passed) = follow(&browser, again).await;
    assert!(
        passed.iter().any(|l| l.contains("/interaction/")),
        "{passed:?}"
    );
    assert!(param(&query, "code").is_some(), "{query:?}");
}

#[tokio::test]
async fn oidc_provider_cancel_ends_with_access_denied() {
    let Some(upstream) = Upstream::get() else {
        return;
    };
    let client = upstream
        .client(CALLBACK, &Account::verified("x@example.com"))
        .await;
    upstream.cancel(&client, true).await;
    let (_, challenge) = pkce();
    let url = authorize_url(
        &format!("{}/auth", upstream.issuer),
        &client.client_id,
        &challenge,
        &[],
    );
    let (query, _) = follow(&browser(), url).await;
    assert_eq!(param(&query, "error"), Some("access_denied"), "{query:?}");
    assert_eq!(param(&query, "state"), Some("the-state"));
    assert_eq!(param(&query, "iss"), Some(upstream.issuer.as_str()));
}

/// The stub's flow to the token response: the callback's query and the token response.
async fn stub_flow(
    stub: &StubProvider,
    verifier_ok: bool,
) -> (Vec<(String, String)>, reqwest::Response) {
    let (verifier, challenge) = pkce();
    let url = authorize_url(
        &format!("{}/authorize", stub.issuer()),
        &stub.client_id(),
        &challenge,
        &[],
    );
    let (query, _) = follow(&browser(), url).await;
    let code = param(&query, "code").unwrap_or_default().to_string();
    let verifier = if verifier_ok {
        verifier
    } else {
        "a-wrong-verifier-of-43-characters-or-more-x".into()
    };
    let response = Client::new()
        .post(format!("{}/token", stub.issuer()))
        .basic_auth(stub.client_id(), Some(stub.client_secret()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", &verifier),
        ])
        .send()
        .await
        .unwrap();
    (query, response)
}

#[tokio::test]
async fn stub_honest_flow_signs_with_every_algorithm_its_jwks_verifies() {
    let stub = StubProvider::start().await;
    let doc = json_of(
        reqwest::get(format!(
            "{}/.well-known/openid-configuration",
            stub.issuer()
        ))
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(doc["issuer"], json!(stub.issuer()));
    assert_eq!(
        doc["authorization_response_iss_parameter_supported"],
        json!(true)
    );
    let jwks: JwkSet = reqwest::get(format!("{}/jwks", stub.issuer()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for alg in [Alg::Rs256, Alg::Ps256, Alg::Es256, Alg::EdDsa] {
        stub.update(|b| b.alg = alg);
        let (query, response) = stub_flow(&stub, true).await;
        assert_eq!(param(&query, "iss"), Some(stub.issuer().as_str()));
        assert_eq!(param(&query, "state"), Some("the-state"));
        let tokens = json_of(response).await;
        let id_token = tokens["id_token"].as_str().unwrap();
        let header = jsonwebtoken::decode_header(id_token).unwrap();
        let jwk = jwks
            .find(header.kid.as_deref().unwrap())
            .expect("the kid is in the JWKS");
        let mut validation = Validation::new(header.alg);
        validation.set_audience(&[stub.client_id()]);
        validation.set_issuer(&[stub.issuer()]);
        let claims = jsonwebtoken::decode::<Value>(
            id_token,
            &DecodingKey::from_jwk(jwk).unwrap(),
            &validation,
        )
        .unwrap_or_else(|e| panic!("{alg:?}: {e}"))
        .claims;
        assert_eq!(claims["nonce"], json!("the-nonce"));
        assert_eq!(claims["email_verified"], json!(true));
        assert!(claims["at_hash"].is_string() && claims["auth_time"].is_i64());
    }
    let authorize = &stub.requests_to("/authorize")[0];
    assert_eq!(authorize.query("code_challenge_method"), Some("S256"));
    let token = &stub.requests_to("/token")[0];
    assert!(token.header("authorization").unwrap().starts_with("Basic "));

    let (_, response) = stub_flow(&stub, false).await;
    assert_eq!(response.status(), 400);
    assert_eq!(json_of(response).await["error"], json!("invalid_grant"));
}

#[tokio::test]
async fn stub_knobs_produce_the_attacks() {
    let stub = StubProvider::start().await;
    stub.set(Behaviour {
        alg: Alg::None,
        nonce: Claim::Absent,
        iss_param: IssParam::Absent,
        ..Behaviour::default()
    });
    let (query, response) = stub_flow(&stub, true).await;
    assert_eq!(param(&query, "iss"), None);
    let id_token = json_of(response).await["id_token"]
        .as_str()
        .unwrap()
        .to_string();
    let (header, claims) = header_and_claims(&id_token);
    assert_eq!(header["alg"], json!("none"));
    assert!(id_token.ends_with('.') && claims.get("nonce").is_none());

    stub.set(Behaviour {
        alg: Alg::Hs256ClientSecret,
        exp_in: -3600,
        ..Behaviour::default()
    });
    let id_token = json_of(stub_flow(&stub, true).await.1).await["id_token"]
        .as_str()
        .unwrap()
        .to_string();
    let (header, claims) = header_and_claims(&id_token);
    assert_eq!(header["alg"], json!("HS256"));
    assert!(claims["exp"].as_i64().unwrap() < unix_now() - 3000);

    stub.set(Behaviour {
        oversize: Some(Endpoint::Discovery),
        ..Behaviour::default()
    });
    let body = reqwest::get(format!(
        "{}/.well-known/openid-configuration",
        stub.issuer()
    ))
    .await
    .unwrap()
    .bytes()
    .await
    .unwrap();
    assert!(body.len() > 256 * 1024);

    stub.set(Behaviour {
        discovery_redirect: DiscoveryRedirect::Hops(4),
        ..Behaviour::default()
    });
    let mut url = format!("{}/.well-known/openid-configuration", stub.issuer());
    for _ in 0..4 {
        let response = browser().get(&url).send().await.unwrap();
        assert_eq!(response.status(), 302);
        url = response.headers()["location"].to_str().unwrap().to_string();
    }
    assert_eq!(
        json_of(reqwest::get(url).await.unwrap()).await["issuer"],
        json!(stub.issuer())
    );

    stub.set(Behaviour {
        fail: Some((Endpoint::Token, 500)),
        ..Behaviour::default()
    });
    assert_eq!(stub_flow(&stub, true).await.1.status(), 500);
    assert_eq!(stub.jwks_fetches(), 0);
}

#[tokio::test]
async fn stub_microsoft_shape_has_a_template_issuer_and_tenant_tokens() {
    let stub = StubProvider::start().await;
    let tid = "9188040d-6c67-4c5b-b112-36a304b66dad";
    stub.set(Behaviour {
        microsoft: Some(Microsoft {
            tid: tid.into(),
            xms_edov: Some(true),
        }),
        iss_parameter_supported: false,
        ..Behaviour::default()
    });
    let common = stub.microsoft_issuer("common");
    let doc = json_of(
        reqwest::get(format!("{common}/.well-known/openid-configuration"))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        doc["issuer"],
        json!(format!("{}/{{tenantid}}/v2.0", stub.issuer()))
    );
    assert!(doc
        .get("authorization_response_iss_parameter_supported")
        .is_none());
    let (verifier, challenge) = pkce();
    let url = authorize_url(
        doc["authorization_endpoint"].as_str().unwrap(),
        &stub.client_id(),
        &challenge,
        &[],
    );
    let (query, _) = follow(&browser(), url).await;
    let response = Client::new()
        .post(doc["token_endpoint"].as_str().unwrap())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", param(&query, "code").unwrap()),
            ("code_verifier", &verifier),
            ("client_id", &stub.client_id()),
            ("client_secret", &stub.client_secret()),
        ])
        .send()
        .await
        .unwrap();
    let (_, claims) = header_and_claims(json_of(response).await["id_token"].as_str().unwrap());
    assert_eq!(claims["iss"], json!(stub.microsoft_issuer(tid)));
    assert_eq!(claims["tid"], json!(tid));
    assert_eq!(claims["xms_edov"], json!(true));
}

#[tokio::test]
async fn stub_github_shape_answers_like_github() {
    let stub = StubProvider::start_github().await;
    stub.update(|b| {
        b.github_emails.push(GithubEmail {
            email: "old@example.com".into(),
            primary: false,
            verified: false,
            visibility: None,
        })
    });
    let (verifier, challenge) = pkce();
    let url = authorize_url(
        &format!("{}/login/oauth/authorize", stub.issuer()),
        &stub.client_id(),
        &challenge,
        &[],
    );
    let (query, _) = follow(&browser(), url).await;
    assert_eq!(param(&query, "iss"), None);
    let exchange = |accept: &'static str, code: String| {
        Client::new()
            .post(format!("{}/login/oauth/access_token", stub.issuer()))
            .header("accept", accept)
            .form(&[
                ("client_id", stub.client_id()),
                ("client_secret", stub.client_secret()),
                ("code", code),
                ("redirect_uri", CALLBACK.to_string()),
                ("code_verifier", verifier.clone()),
            ])
            .send()
    };
    let tokens = json_of(
        exchange("application/json", param(&query, "code").unwrap().into())
            .await
            .unwrap(),
    )
    .await;
    let token = tokens["access_token"].as_str().unwrap();
    assert_eq!(tokens["token_type"], json!("bearer"));

    // A used code: GitHub's error, with status 200, form-encoded without the JSON Accept.
    let again = exchange("*/*", param(&query, "code").unwrap().into())
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    assert!(again
        .text()
        .await
        .unwrap()
        .starts_with("error=bad_verification_code"));

    let api = |path: &str| Client::new().get(format!("{}/api/v3{path}", stub.issuer()));
    assert_eq!(api("/user").send().await.unwrap().status(), 401);
    let user = json_of(api("/user").bearer_auth(token).send().await.unwrap()).await;
    assert_eq!(user["id"], json!(12345));
    assert_eq!(user["login"], json!("octo-ada"));
    let emails = json_of(api("/user/emails").bearer_auth(token).send().await.unwrap()).await;
    assert_eq!(emails.as_array().unwrap().len(), 2);
    assert_eq!(
        emails[0],
        json!({"email": "ada@example.com", "primary": true, "verified": true, "visibility": "public"})
    );
}

#[tokio::test]
async fn stub_rotates_keys_and_accepts_only_the_listed_client_auth() {
    let stub = StubProvider::start().await;
    stub.set(Behaviour {
        jwks_max_age: Some(600),
        auth_methods: vec!["client_secret_post".into()],
        ..Behaviour::default()
    });
    let jwks = || async {
        reqwest::get(format!("{}/jwks", stub.issuer()))
            .await
            .unwrap()
    };
    let first = jwks().await;
    assert_eq!(first.headers()["cache-control"], "public, max-age=600");
    let before = stub.current_kid();
    assert_eq!(json_of(first).await["keys"][0]["kid"], json!(before));
    stub.rotate_keys();
    assert_ne!(stub.current_kid(), before);
    assert_eq!(
        json_of(jwks().await).await["keys"][0]["kid"],
        json!(stub.current_kid())
    );
    assert_eq!(stub.jwks_fetches(), 2);

    // Basic is not listed: refused.
    let (_, response) = stub_flow(&stub, true).await;
    assert_eq!(response.status(), 401);
    assert_eq!(json_of(response).await["error"], json!("invalid_client"));

    for (alg, kid) in [
        (Alg::UnknownKid, "stub-rsa-unknown".to_string()),
        (Alg::KeyNotInJwks, stub.current_kid()),
    ] {
        stub.update(|b| {
            b.alg = alg;
            b.auth_methods = vec!["client_secret_basic".into()];
        });
        let id_token = json_of(stub_flow(&stub, true).await.1).await["id_token"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(header_and_claims(&id_token).0["kid"], json!(kid));
    }
    let slow = std::time::Duration::from_millis(300);
    stub.update(|b| b.slow = Some((Endpoint::Userinfo, slow)));
    let started = std::time::Instant::now();
    reqwest::get(format!("{}/userinfo", stub.issuer()))
        .await
        .unwrap();
    assert!(started.elapsed() >= slow);
}
