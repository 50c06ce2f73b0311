//! Asymmetric signing (EdDSA, ES256, RS256), the JWKS, key rotation and key-confusion attacks.

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::{json, Value};
use sigil::testing::forge_hs256;

use crate::backend_tests;
use crate::helpers::{header, header_and_claims, segment, Backend, TestApp, PASSWORD};

backend_tests!(
    eddsa_tokens_verify_through_sigil_and_the_jwks,
    es256_tokens_verify_through_sigil_and_the_jwks,
    rs256_tokens_verify_through_sigil_and_the_jwks,
    hs256_with_the_public_key_as_secret_is_refused,
    rotation_keeps_old_tokens_until_their_key_is_removed,
    unknown_kid_and_psychic_signatures_are_refused,
);

/// A key pair for `alg` in a temp folder: (folder guard, private path, public path).
fn key_pair(alg: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    if alg == "RS256" {
        let private = dir.path().join("private.pem");
        let public = dir.path().join("public.pem");
        let ok = std::process::Command::new("openssl")
            .args([
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
            ])
            .arg(&private)
            .status()
            .expect("openssl")
            .success()
            && std::process::Command::new("openssl")
                .args(["pkey", "-pubout", "-in"])
                .arg(&private)
                .arg("-out")
                .arg(&public)
                .status()
                .unwrap()
                .success();
        assert!(ok, "openssl made an RSA key");
        return (dir, private, public);
    }
    let alg = sigil::config::SigningAlgorithm::parse(alg).unwrap();
    let (private, public) = sigil::auth::keys::generate(alg, &dir.path().join("k")).unwrap();
    (dir, private, public)
}

fn key_env<'a>(alg: &'a str, private: &'a Path, public: &'a Path) -> Vec<(&'a str, String)> {
    vec![
        ("ALGORITHM", alg.to_string()),
        ("JWT_PRIVATE_KEY_FILE", private.display().to_string()),
        ("JWT_PUBLIC_KEY_FILE", public.display().to_string()),
    ]
}

async fn spawn_with_keys(b: Backend, env: &[(&str, String)]) -> TestApp {
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    TestApp::spawn_with(b, &pairs).await
}

fn header_of(token: &str) -> Value {
    segment(token, 0)
}

/// The published keys, from a JWKS that answers 200 and may be cached.
async fn jwks(app: &TestApp) -> Vec<Value> {
    app.jwks().await["keys"].as_array().unwrap().clone()
}

async fn verifies_through_sigil_and_the_jwks(b: Backend, alg: &str) {
    let (_dir, private, public) = key_pair(alg);
    let app = spawn_with_keys(b, &key_env(alg, &private, &public)).await;
    let u = app.user("kay").await;
    let header = header_of(&u.access_token);
    assert_eq!(header["alg"], alg);
    assert_eq!(header["typ"], "at+jwt");
    assert_eq!(app.me(&u.access_token).await.status(), 200);
    let keys = jwks(&app).await;
    // Under RS256 the access-token key also signs id_tokens and is listed once; otherwise the
    // RS256 id_token key follows it.
    assert_eq!(keys.len(), if alg == "RS256" { 1 } else { 2 });
    let jwk_json = &keys[0];
    assert_eq!(
        jwk_json["kid"], header["kid"],
        "the token names the published key"
    );
    assert_eq!(jwk_json["use"], "sig");
    assert!(jwk_json.get("d").is_none(), "no private part is published");
    // An independent verifier: jsonwebtoken with only the published JWK.
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwk_json.clone()).unwrap();
    let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
    let mut validation = jsonwebtoken::Validation::new(alg.parse().unwrap());
    validation.set_audience(&["sigil"]);
    validation.set_issuer(&["sigil"]);
    let data = jsonwebtoken::decode::<Value>(&u.access_token, &key, &validation)
        .expect("verifies with the JWKS alone");
    assert_eq!(data.claims["username"], "kay");
    // The inspector names the key.
    let r = app.inspection(&u.access_token).await;
    assert_eq!(r["status"], "valid");
    assert_eq!(r["signature"]["key_id"], header["kid"]);
}

async fn eddsa_tokens_verify_through_sigil_and_the_jwks(b: Backend) {
    verifies_through_sigil_and_the_jwks(b, "EdDSA").await;
}

async fn es256_tokens_verify_through_sigil_and_the_jwks(b: Backend) {
    verifies_through_sigil_and_the_jwks(b, "ES256").await;
}

async fn rs256_tokens_verify_through_sigil_and_the_jwks(b: Backend) {
    verifies_through_sigil_and_the_jwks(b, "RS256").await;
}

async fn hs256_with_the_public_key_as_secret_is_refused(b: Backend) {
    for alg in ["EdDSA", "ES256", "RS256"] {
        let (_dir, private, public) = key_pair(alg);
        let app = spawn_with_keys(b, &key_env(alg, &private, &public)).await;
        let u = app.user("mallory").await;
        let pem = std::fs::read_to_string(&public).unwrap();
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = STANDARD.decode(&body).unwrap();
        let jwk = jwks(&app).await[0].to_string();
        let (mut header, payload) = header_and_claims(&u.access_token);
        header["alg"] = json!("HS256");
        let secrets: Vec<(&str, Vec<u8>)> = vec![
            ("PEM as written", pem.clone().into_bytes()),
            ("PEM trimmed", pem.trim().as_bytes().to_vec()),
            ("DER", der.clone()),
            ("base64 body", body.clone().into_bytes()),
            ("JWK JSON", jwk.into_bytes()),
        ];
        for (name, secret) in secrets {
            let forged = forge_hs256(&header, &payload, &secret);
            let r = app.me(&forged).await;
            assert_eq!(r.status(), 401, "{alg}: {name}");
        }
        assert_eq!(
            app.me(&u.access_token).await.status(),
            200,
            "{alg}: genuine still works"
        );
    }
}

async fn rotation_keeps_old_tokens_until_their_key_is_removed(b: Backend) {
    let (_a, old_private, old_public) = key_pair("EdDSA");
    let (_b, new_private, new_public) = key_pair("EdDSA");
    let before = spawn_with_keys(b, &key_env("EdDSA", &old_private, &old_public)).await;
    let u = before.user("rot").await;
    let old_kid = header_of(&u.access_token)["kid"].clone();
    let new_public_s = new_public.display().to_string();
    let new_private_s = new_private.display().to_string();
    let old_public_s = old_public.display().to_string();
    let rotated = before
        .spawn_sibling_with(&[
            ("JWT_PRIVATE_KEY_FILE", &new_private_s),
            ("JWT_PUBLIC_KEY_FILE", &new_public_s),
            ("JWT_PREVIOUS_PUBLIC_KEY_FILES", &old_public_s),
        ])
        .await;
    assert_eq!(
        rotated.me(&u.access_token).await.status(),
        200,
        "old token still accepted"
    );
    let keys = jwks(&rotated).await;
    assert_eq!(
        keys.len(),
        3,
        "current and previous keys are published (and the id_token key)"
    );
    let fresh = rotated.login_pair("rot", PASSWORD).await;
    let fresh = fresh["access_token"].as_str().unwrap().to_string();
    assert_ne!(
        header_of(&fresh)["kid"],
        old_kid,
        "new tokens use the new key"
    );
    assert_eq!(
        keys[0]["kid"],
        header_of(&fresh)["kid"],
        "the current key comes first"
    );
    let after = before
        .spawn_sibling_with(&[
            ("JWT_PRIVATE_KEY_FILE", &new_private_s),
            ("JWT_PUBLIC_KEY_FILE", &new_public_s),
        ])
        .await;
    let r = after.me(&u.access_token).await;
    assert_eq!(r.status(), 401, "refused once its key is removed");
    assert!(header(&r, "www-authenticate").contains("signing key"));
    assert_eq!(after.me(&fresh).await.status(), 200);
}

async fn unknown_kid_and_psychic_signatures_are_refused(b: Backend) {
    let (_dir, private, public) = key_pair("ES256");
    let app = spawn_with_keys(b, &key_env("ES256", &private, &public)).await;
    let u = app.user("psy").await;
    let (header, payload) = header_and_claims(&u.access_token);
    let key = jsonwebtoken::EncodingKey::from_ec_pem(&std::fs::read(&private).unwrap()).unwrap();
    let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    h.typ = Some("at+jwt".into());
    h.kid = Some("not-a-key-we-know".into());
    let unknown = jsonwebtoken::encode(&h, &payload, &key).unwrap();
    assert_eq!(app.me(&unknown).await.status(), 401, "unknown kid");
    h.kid = header["kid"].as_str().map(str::to_string);
    let resigned = jsonwebtoken::encode(&h, &payload, &key).unwrap();
    assert_eq!(
        app.me(&resigned).await.status(),
        200,
        "control: same claims, right kid"
    );
    // CVE-2022-21449: r = s = 0.
    let (signing_input, _) = u.access_token.rsplit_once('.').unwrap();
    let psychic = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode([0u8; 64]));
    assert_eq!(app.me(&psychic).await.status(), 401, "psychic signature");
    assert_eq!(app.me(&u.access_token).await.status(), 200);
}

#[test]
fn mismatched_or_wrong_key_files_stop_start_up() {
    let (_a, private_a, _public_a) = key_pair("EdDSA");
    let (_b, _private_b, public_b) = key_pair("EdDSA");
    let (_c, ec_private, ec_public) = key_pair("ES256");
    // Always EdDSA: the key files are what is wrong.
    let run = |private: &Path, public: &Path| {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sigil"))
            .arg("migrate")
            .current_dir(dir.path())
            .env_clear()
            .env("ALGORITHM", "EdDSA")
            .env("RUST_LOG", "error")
            .env("JWT_PRIVATE_KEY_FILE", private)
            .env("JWT_PUBLIC_KEY_FILE", public)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let missing = PathBuf::from("/nonexistent/key.pem");
    // (private key, public key, what the one error names, whether it must be one line)
    let cases: [(&Path, &Path, &str, bool); 3] = [
        (&private_a, &public_b, "JWT_PUBLIC_KEY_FILE", true),
        (&ec_private, &ec_public, "JWT_PRIVATE_KEY_FILE", false),
        (&missing, &public_b, "cannot read", false),
    ];
    for (private, public, names, one_line) in cases {
        let (code, err) = run(private, public);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains(names), "{err}");
        if one_line {
            assert_eq!(err.lines().count(), 1, "{err}");
        }
    }
}
