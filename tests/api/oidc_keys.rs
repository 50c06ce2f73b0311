//! The OpenID provider's RS256 key (file, or generated once and shared through the database),
//! the JWKS that publishes it, the discovery documents, and the provider being off.

use std::path::PathBuf;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::backend_tests;
use crate::helpers::{header, problem, segment, start_error, Backend, TestApp};

backend_tests!(
    jwks_lists_the_rs256_key_under_hs256,
    jwks_lists_it_beside_the_access_token_keys,
    the_key_is_generated_once_and_shared,
    a_changed_secret_key_makes_a_new_key,
    the_key_file_is_used_when_set,
    bad_key_files_stop_start_up,
    discovery_names_every_endpoint_and_value,
    provider_off_hides_the_openid_configuration,
);

/// `GET /.well-known/jwks.json`, checked to be public and cacheable by anyone; its keys.
async fn jwks(app: &TestApp) -> Vec<Value> {
    let r = app.get("/.well-known/jwks.json").await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "cache-control"), "public, max-age=300");
    assert_eq!(header(&r, "access-control-allow-origin"), "*");
    let body: Value = r.json().await.unwrap();
    body["keys"].as_array().expect("keys").clone()
}

/// The one RS256 id_token key of a JWKS.
fn rs256_key(keys: &[Value]) -> Value {
    let rs: Vec<&Value> = keys.iter().filter(|k| k["alg"] == "RS256").collect();
    assert_eq!(rs.len(), 1, "one RS256 key: {keys:?}");
    rs[0].clone()
}

/// RFC 7638, computed here independently of Sigil.
fn thumbprint(n: &str, e: &str) -> String {
    let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// Checks the JWK's shape and that its `kid` is its thumbprint; the `kid`.
fn checked_jwk(jwk: &Value, bits: usize) -> String {
    assert_eq!(jwk["kty"], "RSA");
    assert_eq!(jwk["use"], "sig");
    assert_eq!(jwk["alg"], "RS256");
    for private in ["d", "p", "q", "dp", "dq", "qi"] {
        assert!(jwk.get(private).is_none(), "no {private} is published");
    }
    let n = jwk["n"].as_str().unwrap();
    let e = jwk["e"].as_str().unwrap();
    assert_eq!(URL_SAFE_NO_PAD.decode(n).unwrap().len() * 8, bits);
    let kid = jwk["kid"].as_str().unwrap().to_string();
    assert_eq!(kid, thumbprint(n, e), "the kid is the RFC 7638 thumbprint");
    kid
}

/// A private key file (mode 0600) in a folder the caller keeps.
fn key_file(dir: &tempfile::TempDir, name: &str, pem: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, pem).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path
}

async fn jwks_lists_the_rs256_key_under_hs256(b: Backend) {
    let app = TestApp::spawn(b).await;
    assert_eq!(app.count_rows("oidc_signing_keys"), 0, "made on first use");
    let keys = jwks(&app).await;
    assert_eq!(keys.len(), 1, "{keys:?}");
    let kid = checked_jwk(&keys[0], 3072);
    assert_eq!(app.count_rows("oidc_signing_keys"), 1);
    // The same key on every later request.
    assert_eq!(jwks(&app).await[0]["kid"], kid.as_str());
    // Access tokens stay HS256, with their own key id.
    let u = app.user("jovan").await;
    let h = segment(&u.access_token, 0);
    assert_eq!(h["alg"], "HS256");
    assert_ne!(h["kid"], kid.as_str());
}

async fn jwks_lists_it_beside_the_access_token_keys(b: Backend) {
    // RS256 with a key file: that key signs id_tokens too, and is listed once.
    let dir = tempfile::tempdir().unwrap();
    let rsa = Rsa::generate(2048).unwrap();
    let private = key_file(&dir, "private.pem", &rsa.private_key_to_pem().unwrap());
    let public = key_file(&dir, "public.pem", &rsa.public_key_to_pem().unwrap());
    let (private, public) = (private.display().to_string(), public.display().to_string());
    let app = TestApp::spawn_with(
        b,
        &[
            ("ALGORITHM", "RS256"),
            ("JWT_PRIVATE_KEY_FILE", &private),
            ("JWT_PUBLIC_KEY_FILE", &public),
        ],
    )
    .await;
    let keys = jwks(&app).await;
    assert_eq!(keys.len(), 1, "the same key once: {keys:?}");
    let kid = checked_jwk(&keys[0], 2048);
    let u = app.user("rsa_user").await;
    assert_eq!(segment(&u.access_token, 0)["kid"], kid.as_str());
    assert_eq!(app.count_rows("oidc_signing_keys"), 0, "nothing generated");

    // EdDSA: the access-token key first, then the generated RS256 key.
    let ed = tempfile::tempdir().unwrap();
    let (private, public) =
        sigil::auth::keys::generate(sigil::config::SigningAlgorithm::EdDSA, ed.path()).unwrap();
    let (private, public) = (private.display().to_string(), public.display().to_string());
    let app = TestApp::spawn_with(
        b,
        &[
            ("ALGORITHM", "EdDSA"),
            ("JWT_PRIVATE_KEY_FILE", &private),
            ("JWT_PUBLIC_KEY_FILE", &public),
        ],
    )
    .await;
    let keys = jwks(&app).await;
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert_eq!(keys[0]["alg"], "EdDSA");
    let u = app.user("eddie").await;
    assert_eq!(segment(&u.access_token, 0)["kid"], keys[0]["kid"]);
    checked_jwk(&keys[1], 3072);
}

async fn the_key_is_generated_once_and_shared(b: Backend) {
    // Two instances start on an empty table and both need the key at once.
    let first = TestApp::spawn(b).await;
    let second = first.spawn_sibling().await;
    let (a, b_keys) = tokio::join!(jwks(&first), jwks(&second));
    let kid = rs256_key(&a)["kid"].clone();
    assert_eq!(rs256_key(&b_keys)["kid"], kid, "both instances use one key");
    assert_eq!(first.count_rows("oidc_signing_keys"), 1, "one key stored");
    // A restart on the same database finds it.
    let restarted = first.spawn_sibling().await;
    assert_eq!(rs256_key(&jwks(&restarted).await)["kid"], kid);
    assert_eq!(first.count_rows("oidc_signing_keys"), 1);
    // Only sealed: the stored text has no PEM armour.
    assert_eq!(
        first.count_rows("oidc_signing_keys WHERE sealed_key LIKE '%-----%'"),
        0
    );
}

async fn a_changed_secret_key_makes_a_new_key(b: Backend) {
    let app = TestApp::spawn(b).await;
    let old = rs256_key(&jwks(&app).await)["kid"].clone();
    let changed = app
        .spawn_sibling_with(&[(
            "SECRET_KEY",
            "another-secret-key-9876543210-zyxwvutsrqponmlkjihgfedcba",
        )])
        .await;
    let new = rs256_key(&jwks(&changed).await)["kid"].clone();
    assert_ne!(new, old, "the old key cannot be opened: a new one is made");
    assert_eq!(app.count_rows("oidc_signing_keys"), 2);
    // An instance with the first secret still finds its own.
    let again = app.spawn_sibling().await;
    assert_eq!(rs256_key(&jwks(&again).await)["kid"], old);
}

async fn the_key_file_is_used_when_set(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    // PKCS#8 under HS256.
    let rsa = Rsa::generate(2048).unwrap();
    let n = URL_SAFE_NO_PAD.encode(rsa.n().to_vec());
    let pkcs8 = PKey::from_rsa(rsa)
        .unwrap()
        .private_key_to_pem_pkcs8()
        .unwrap();
    let path = key_file(&dir, "oidc.pem", &pkcs8).display().to_string();
    let app = TestApp::spawn_with(b, &[("OIDC_SIGNING_KEY_FILE", &path)]).await;
    let keys = jwks(&app).await;
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["n"], n.as_str(), "the file's key");
    checked_jwk(&keys[0], 2048);
    assert_eq!(app.count_rows("oidc_signing_keys"), 0, "nothing generated");
    // PKCS#1, 3072 bits; it wins over an RS256 access-token key.
    let rsa = Rsa::generate(3072).unwrap();
    let n = URL_SAFE_NO_PAD.encode(rsa.n().to_vec());
    let oidc = key_file(&dir, "oidc1.pem", &rsa.private_key_to_pem().unwrap());
    let at = Rsa::generate(2048).unwrap();
    let private = key_file(&dir, "at.pem", &at.private_key_to_pem().unwrap());
    let public = key_file(&dir, "at.pub.pem", &at.public_key_to_pem().unwrap());
    let (oidc, private, public) = (
        oidc.display().to_string(),
        private.display().to_string(),
        public.display().to_string(),
    );
    let app = TestApp::spawn_with(
        b,
        &[
            ("OIDC_SIGNING_KEY_FILE", &oidc),
            ("ALGORITHM", "RS256"),
            ("JWT_PRIVATE_KEY_FILE", &private),
            ("JWT_PUBLIC_KEY_FILE", &public),
        ],
    )
    .await;
    let keys = jwks(&app).await;
    assert_eq!(keys.len(), 2, "access-token key, then the id_token key");
    assert_eq!(keys[1]["n"], n.as_str());
    checked_jwk(&keys[1], 3072);
}

async fn bad_key_files_stop_start_up(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let small = Rsa::generate(1024).unwrap();
    let small_pem = PKey::from_rsa(small)
        .unwrap()
        .private_key_to_pem_pkcs8()
        .unwrap();
    let small = key_file(&dir, "small.pem", &small_pem)
        .display()
        .to_string();
    let ec = openssl::ec::EcKey::generate(
        &openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap(),
    )
    .unwrap();
    let ec_pem = PKey::from_ec_key(ec)
        .unwrap()
        .private_key_to_pem_pkcs8()
        .unwrap();
    let ec = key_file(&dir, "ec.pem", &ec_pem).display().to_string();
    let missing = dir.path().join("missing.pem").display().to_string();
    for (path, says) in [
        (&small, "1024-bit"),
        (&ec, "not an RSA"),
        (&missing, "cannot read"),
    ] {
        let e = start_error(b, &[("OIDC_SIGNING_KEY_FILE", path)]).await;
        assert_eq!(e.var, "OIDC_SIGNING_KEY_FILE", "{e}");
        assert!(e.message.contains(says), "{e}");
        assert!(
            !e.message.contains("PRIVATE KEY"),
            "no key in the message: {e}"
        );
    }
    // Under RS256 the access-token key is the id_token key: too small names its variable.
    let public = PKey::private_key_from_pem(&small_pem)
        .unwrap()
        .public_key_to_pem()
        .unwrap();
    let public = key_file(&dir, "small.pub.pem", &public)
        .display()
        .to_string();
    let e = start_error(
        b,
        &[
            ("ALGORITHM", "RS256"),
            ("JWT_PRIVATE_KEY_FILE", &small),
            ("JWT_PUBLIC_KEY_FILE", &public),
        ],
    )
    .await;
    assert_eq!(e.var, "JWT_PRIVATE_KEY_FILE", "{e}");
    assert!(e.message.contains("1024-bit"), "{e}");
}

/// The document at `path`, checked to be public and cacheable by anyone.
async fn metadata(app: &TestApp, path: &str) -> Value {
    let r = app.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    assert_eq!(header(&r, "cache-control"), "public, max-age=300", "{path}");
    assert_eq!(header(&r, "access-control-allow-origin"), "*", "{path}");
    assert!(header(&r, "content-type").starts_with("application/json"));
    r.json().await.unwrap()
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}

async fn discovery_names_every_endpoint_and_value(b: Backend) {
    let app = TestApp::spawn(b).await;
    let m = metadata(&app, "/.well-known/openid-configuration").await;
    assert_eq!(
        metadata(&app, "/.well-known/oauth-authorization-server").await,
        m,
        "one object at both addresses"
    );
    let base = app.env["PUBLIC_URL"].trim_end_matches('/').to_string();
    assert_eq!(m["issuer"], base.as_str());
    for (field, path) in [
        ("authorization_endpoint", "/oauth/authorize"),
        ("token_endpoint", "/api/auth/token"),
        ("userinfo_endpoint", "/oauth/userinfo"),
        ("jwks_uri", "/.well-known/jwks.json"),
        ("end_session_endpoint", "/oauth/logout"),
        ("revocation_endpoint", "/api/auth/revoke"),
        ("introspection_endpoint", "/api/auth/introspect"),
        ("device_authorization_endpoint", "/api/auth/device"),
    ] {
        assert_eq!(m[field], format!("{base}{path}"), "{field}");
    }
    for (field, values) in [
        ("response_types_supported", &["code"][..]),
        ("response_modes_supported", &["query"]),
        ("subject_types_supported", &["public"]),
        ("id_token_signing_alg_values_supported", &["RS256"]),
        ("code_challenge_methods_supported", &["S256"]),
        (
            "token_endpoint_auth_methods_supported",
            &["client_secret_basic", "client_secret_post", "none"],
        ),
        ("prompt_values_supported", &["none", "login", "consent"]),
        ("ui_locales_supported", &["en", "de", "es"]),
        (
            "introspection_endpoint_auth_methods_supported",
            &["client_secret_basic"],
        ),
    ] {
        assert_eq!(strings(&m[field]), values, "{field}");
    }
    for (field, value) in [
        ("authorization_response_iss_parameter_supported", true),
        ("backchannel_logout_supported", true),
        ("backchannel_logout_session_supported", true),
        ("frontchannel_logout_supported", false),
        ("request_parameter_supported", false),
        ("request_uri_parameter_supported", false),
        ("claims_parameter_supported", false),
    ] {
        assert_eq!(m[field], value, "{field}");
    }
    let grants = strings(&m["grant_types_supported"]);
    for g in [
        "authorization_code",
        "refresh_token",
        "password",
        "urn:sigil:grant-type:mfa-otp",
        "urn:ietf:params:oauth:grant-type:device_code",
    ] {
        assert!(grants.contains(&g), "{g}: {grants:?}");
    }
    let scopes = strings(&m["scopes_supported"]);
    for s in [
        "openid",
        "profile",
        "email",
        "offline_access",
        "profile:read",
        "posts:read",
        "posts:write",
        "sessions:read",
        "admin:read",
        "admin:write",
    ] {
        assert!(scopes.contains(&s), "{s}: {scopes:?}");
    }
    let claims = strings(&m["claims_supported"]);
    for c in [
        "sub",
        "iss",
        "auth_time",
        "sid",
        "preferred_username",
        "email",
        "email_verified",
        "updated_at",
    ] {
        assert!(claims.contains(&c), "{c}: {claims:?}");
    }
    // The JWKS it names lists the id_token key.
    let r = reqwest::get(m["jwks_uri"].as_str().unwrap()).await.unwrap();
    assert_eq!(r.status(), 200);
    let set: Value = r.json().await.unwrap();
    rs256_key(set["keys"].as_array().unwrap());
}

async fn provider_off_hides_the_openid_configuration(b: Backend) {
    let app = TestApp::spawn_with(b, &[("PUBLIC_URL", "http://id.example.com")]).await;
    let r = app.get("/.well-known/openid-configuration").await;
    problem(r, 404).await;
    // Part two's first-party metadata stays.
    let m = metadata(&app, "/.well-known/oauth-authorization-server").await;
    assert_eq!(m["issuer"], "http://id.example.com");
    assert_eq!(m["token_endpoint"], "http://id.example.com/api/auth/token");
    assert_eq!(
        strings(&m["grant_types_supported"]),
        ["password", "refresh_token", "urn:sigil:grant-type:mfa-otp"]
    );
    assert_eq!(strings(&m["response_types_supported"]), Vec::<&str>::new());
    for provider_only in [
        "authorization_endpoint",
        "userinfo_endpoint",
        "end_session_endpoint",
        "device_authorization_endpoint",
        "id_token_signing_alg_values_supported",
        "scopes_supported",
    ] {
        assert!(m.get(provider_only).is_none(), "{provider_only}: {m}");
    }
}
