//! The provider rules with tokens signed here: keys made per test run (Ed25519 and P-256),
//! tokens shaped as each rule needs.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use super::id_token::{self, Expected, IssuerRule};
use super::{email_verified, pkce_pair, random_token};
use crate::config::{EmailTrust, Preset};

mod flow;

pub(super) const ISSUER: &str = "https://id.example";
pub(super) const CLIENT: &str = "sigil-client";
pub(super) const NONCE: &str = "n-0S6_WzA2Mj";

/// A signing key and its public JWK.
pub(super) struct TestKey {
    pub alg: Algorithm,
    pub kid: String,
    pub encoding: EncodingKey,
    pub jwk: Value,
}

impl TestKey {
    pub fn ed25519(kid: &str) -> Self {
        use ed25519_dalek::pkcs8::EncodePrivateKey as _;
        let signing = ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng);
        let pem = signing.to_pkcs8_pem(p256::pkcs8::LineEnding::LF).unwrap();
        Self {
            alg: Algorithm::EdDSA,
            kid: kid.into(),
            encoding: EncodingKey::from_ed_pem(pem.as_bytes()).unwrap(),
            jwk: json!({"kty": "OKP", "crv": "Ed25519", "kid": kid, "use": "sig",
                "x": URL_SAFE_NO_PAD.encode(signing.verifying_key().as_bytes())}),
        }
    }

    pub fn es256(kid: &str) -> Self {
        use p256::elliptic_curve::sec1::ToEncodedPoint as _;
        use p256::pkcs8::EncodePrivateKey as _;
        let secret = p256::SecretKey::random(&mut rand_core::OsRng);
        let pem = secret.to_pkcs8_pem(p256::pkcs8::LineEnding::LF).unwrap();
        let point = secret.public_key().to_encoded_point(false);
        Self {
            alg: Algorithm::ES256,
            kid: kid.into(),
            encoding: EncodingKey::from_ec_pem(pem.as_bytes()).unwrap(),
            jwk: json!({"kty": "EC", "crv": "P-256", "kid": kid, "alg": "ES256",
                "x": URL_SAFE_NO_PAD.encode(point.x().unwrap()),
                "y": URL_SAFE_NO_PAD.encode(point.y().unwrap())}),
        }
    }

    pub fn jwk(&self) -> Jwk {
        serde_json::from_value(self.jwk.clone()).unwrap()
    }

    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(self.alg);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap()
    }
}

pub(super) fn now() -> i64 {
    crate::auth::jwt::unix_now()
}

/// Claims that pass every check, for `access_token` "at-1".
pub(super) fn good_claims(alg: Algorithm) -> Value {
    json!({
        "iss": ISSUER, "sub": "248289761001", "aud": CLIENT, "nonce": NONCE,
        "iat": now(), "exp": now() + 300, "auth_time": now() - 5,
        "at_hash": id_token::token_hash("at-1", alg),
        "email": "jane@example.com", "email_verified": true, "preferred_username": "jane",
    })
}

fn expected() -> Expected<'static> {
    Expected {
        issuer: IssuerRule::Exact(ISSUER),
        client_id: CLIENT,
        nonce: NONCE,
        access_token: Some("at-1"),
        leeway: 30,
        now: now(),
    }
}

fn with(base: &Value, changes: &Value) -> Value {
    let mut claims = base.clone();
    for (k, v) in changes.as_object().unwrap() {
        match v {
            Value::Null => claims.as_object_mut().unwrap().remove(k),
            v => claims.as_object_mut().unwrap().insert(k.clone(), v.clone()),
        };
    }
    claims
}

#[test]
fn eddsa_and_es256_tokens_verify_against_the_jwks() {
    for key in [TestKey::ed25519("ed"), TestKey::es256("ec")] {
        let token = key.sign(&good_claims(key.alg));
        let keys = [TestKey::ed25519("other").jwk(), key.jwk()];
        let claims = id_token::verify(&token, &keys, &expected()).unwrap();
        assert_eq!(claims.sub, "248289761001");
        assert_eq!(claims.email.as_deref(), Some("jane@example.com"));
        assert_eq!(claims.preferred_username.as_deref(), Some("jane"));
        assert!(claims.auth_time.is_some());
    }
}

#[test]
fn a_signature_by_another_key_or_an_unknown_kid_is_refused() {
    let key = TestKey::ed25519("k1");
    let impostor = TestKey::ed25519("k1");
    let token = impostor.sign(&good_claims(key.alg));
    assert!(id_token::verify(&token, &[key.jwk()], &expected()).is_err());
    let stranger = TestKey::ed25519("k2").sign(&good_claims(key.alg));
    let e = id_token::verify(&stranger, &[key.jwk()], &expected()).unwrap_err();
    assert!(e.contains("no key"), "{e}");
}

#[test]
fn hmac_and_none_are_never_accepted() {
    let secret = b"a-client-secret-known-to-the-client";
    let oct: Jwk = serde_json::from_value(json!({
        "kty": "oct", "kid": "h", "k": URL_SAFE_NO_PAD.encode(secret)
    }))
    .unwrap();
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("h".into());
    let hs = jsonwebtoken::encode(
        &header,
        &good_claims(Algorithm::HS256),
        &EncodingKey::from_secret(secret),
    )
    .unwrap();
    let e = id_token::verify(&hs, &[oct], &expected()).unwrap_err();
    assert!(e.contains("not allowed"), "{e}");
    let key = TestKey::ed25519("k");
    let payload = URL_SAFE_NO_PAD.encode(good_claims(key.alg).to_string());
    for header in [r#"{"alg":"none"}"#, r#"{"alg":"none","kid":"k"}"#] {
        let unsigned = format!("{}.{payload}.", URL_SAFE_NO_PAD.encode(header));
        assert!(id_token::verify(&unsigned, &[key.jwk()], &expected()).is_err());
    }
}

#[test]
fn a_key_that_names_its_algorithm_refuses_another() {
    let key = TestKey::es256("ec");
    let mut jwk = key.jwk.clone();
    jwk["alg"] = json!("ES384");
    let jwk: Jwk = serde_json::from_value(jwk).unwrap();
    let token = key.sign(&good_claims(key.alg));
    assert!(id_token::verify(&token, &[jwk], &expected()).is_err());
}

#[test]
fn each_claim_rule_refuses_its_fault() {
    let key = TestKey::ed25519("k");
    let base = good_claims(key.alg);
    let refused = [
        json!({"iss": "https://id.example/"}),
        json!({"iss": "https://evil.example"}),
        json!({"aud": "someone-else"}),
        json!({"aud": ["someone-else", "another"]}),
        json!({"azp": "someone-else", "aud": [CLIENT, "someone-else"]}),
        json!({"exp": now() - 31}),
        json!({"iat": now() + 31}),
        json!({"exp": null}),
        json!({"nonce": "another"}),
        json!({"nonce": null}),
        json!({"at_hash": id_token::token_hash("another-token", key.alg)}),
        json!({"sub": null}),
    ];
    for change in refused {
        let token = key.sign(&with(&base, &change));
        assert!(
            id_token::verify(&token, &[key.jwk()], &expected()).is_err(),
            "accepted with {change}"
        );
    }
    let accepted = [
        json!({"aud": ["another", CLIENT]}),
        json!({"azp": CLIENT}),
        json!({"exp": now() - 20}),
        json!({"iat": now() + 20}),
        json!({"at_hash": null}),
        json!({"email_verified": "true"}),
    ];
    for change in accepted {
        let token = key.sign(&with(&base, &change));
        let verified = id_token::verify(&token, &[key.jwk()], &expected());
        assert!(verified.is_ok(), "refused with {change}: {verified:?}");
    }
}

#[test]
fn microsofts_template_needs_the_tokens_own_tid() {
    let key = TestKey::es256("ms");
    let template = "https://login.microsoftonline.com/{tenantid}/v2.0";
    let tid = "9188040d-6c67-4c5b-b112-36a304b66dad";
    let rule = Expected {
        issuer: IssuerRule::Template(template),
        ..expected()
    };
    let own = format!("https://login.microsoftonline.com/{tid}/v2.0");
    let base = good_claims(key.alg);
    let ok = key.sign(&with(&base, &json!({"iss": own, "tid": tid})));
    assert!(id_token::verify(&ok, &[key.jwk()], &rule).is_ok());
    for change in [
        json!({"iss": own, "tid": "another-tenant"}),
        json!({"iss": own}),
        json!({"iss": template, "tid": tid}),
    ] {
        let token = key.sign(&with(&base, &change));
        assert!(
            id_token::verify(&token, &[key.jwk()], &rule).is_err(),
            "{change}"
        );
    }
}

#[test]
fn whose_word_on_an_address_counts() {
    use EmailTrust::{Claim, Never};
    assert!(email_verified(Preset::Google, Claim, true, false));
    assert!(!email_verified(Preset::Google, Claim, false, false));
    assert!(!email_verified(Preset::Google, Never, true, false));
    // Microsoft: only xms_edov, whatever email_verified says (nOAuth).
    assert!(!email_verified(Preset::Microsoft, Claim, true, false));
    assert!(email_verified(Preset::Microsoft, Claim, false, true));
    assert!(!email_verified(Preset::Microsoft, Never, true, true));
    assert!(email_verified(Preset::Github, Claim, true, false));
    assert!(!email_verified(Preset::Github, Never, true, false));
}

#[test]
fn pkce_pairs_and_random_tokens() {
    use sha2::Digest as _;
    let (verifier, challenge) = pkce_pair();
    assert_eq!(verifier.len(), 43);
    assert_eq!(
        challenge,
        URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
    );
    assert_ne!(pkce_pair().0, verifier);
    assert_eq!(random_token().len(), 43);
    assert_ne!(random_token(), random_token());
}
