//! Checking a provider's id_token (API.md part three, section 2, "Flow" steps 4 and 5), a pure
//! function of the token, the provider's keys and what is expected, with the clock passed in.
//!
//! Done with jsonwebtoken (aws-lc-rs, the stack that already verifies Sigil's own and pasted
//! tokens) rather than openidconnect's verifier: that one has no clock-skew leeway for
//! `exp`/`iat`, and would bring a second crypto stack (RustCrypto `rsa`, `p384`, a second
//! `ed25519-dalek`) into the server.

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use sha2::Digest as _;

/// The only algorithms a provider may sign with: asymmetric, so never `none` and never HMAC
/// (a client secret known to the client would let anyone holding it mint identities).
pub const ALLOWED: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// What `iss` must be.
#[derive(Debug, Clone, Copy)]
pub enum IssuerRule<'a> {
    /// Exactly this string.
    Exact(&'a str),
    /// Microsoft's multi-tenant issuer, e.g. `https://login.microsoftonline.com/{tenantid}/v2.0`:
    /// `iss` must be this with `{tenantid}` replaced by the token's own `tid`.
    Template(&'a str),
}

impl IssuerRule<'_> {
    /// Whether `iss` is allowed for a token whose `tid` is `tid`.
    pub fn allows(&self, iss: &str, tid: Option<&str>) -> bool {
        match *self {
            Self::Exact(issuer) => iss == issuer,
            Self::Template(template) => {
                tid.is_some_and(|tid| !tid.is_empty() && iss == template.replace("{tenantid}", tid))
            }
        }
    }
}

/// Everything the token must match.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub issuer: IssuerRule<'a>,
    pub client_id: &'a str,
    pub nonce: &'a str,
    /// The access token of the same answer, for `at_hash`.
    pub access_token: Option<&'a str>,
    pub leeway: u64,
    /// Unix seconds.
    pub now: i64,
}

/// A claim that some providers send as `true` and others as `"true"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Flag(match serde_json::Value::deserialize(d)? {
            serde_json::Value::Bool(b) => b,
            serde_json::Value::String(s) => s.eq_ignore_ascii_case("true") || s == "1",
            serde_json::Value::Number(n) => n.as_i64() == Some(1),
            _ => false,
        }))
    }
}

/// The claims Sigil reads from a checked id_token.
#[derive(Debug, Clone, Deserialize)]
pub struct IdClaims {
    pub iss: String,
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub nonce: Option<String>,
    pub azp: Option<String>,
    pub at_hash: Option<String>,
    pub auth_time: Option<i64>,
    pub email: Option<String>,
    #[serde(default)]
    pub email_verified: Option<Flag>,
    pub preferred_username: Option<String>,
    /// Microsoft: the tenant, for the issuer template.
    pub tid: Option<String>,
    /// Microsoft: whether the address's domain is verified by its owner (the only trustworthy
    /// sign that `email` belongs to the account).
    #[serde(default)]
    pub xms_edov: Option<Flag>,
}

/// The kid of a token's header, to pick the key (and to know when to refetch the keys).
pub fn kid(token: &str) -> Result<Option<String>, String> {
    jsonwebtoken::decode_header(token)
        .map(|h| h.kid)
        .map_err(|e| format!("not a JWT: {e}"))
}

/// Checks the token against `keys` and `expected`, returning its claims. The signature is
/// checked against the keys whose `kid` matches the header's (all keys when it names none)
/// with the algorithm the header names, which must be in [`ALLOWED`] and fit the key; then
/// `iss` exactly, `aud` holding the client id, `azp` equal to it if present, `exp` and `iat`
/// within the leeway, `nonce` equal, and `at_hash` when present.
pub fn verify(token: &str, keys: &[Jwk], expected: &Expected<'_>) -> Result<IdClaims, String> {
    let header = jsonwebtoken::decode_header(token).map_err(|e| format!("not a JWT: {e}"))?;
    if !ALLOWED.contains(&header.alg) {
        return Err(format!("the algorithm {:?} is not allowed", header.alg));
    }
    let candidates: Vec<&Jwk> = keys
        .iter()
        .filter(|k| header.kid.is_none() || k.common.key_id == header.kid)
        .filter(|k| {
            k.common
                .key_algorithm
                .as_ref()
                .is_none_or(|a| a.to_string() == format!("{:?}", header.alg))
        })
        .collect();
    if candidates.is_empty() {
        return Err(format!("no key for kid {:?}", header.kid));
    }
    let mut validation = Validation::new(header.alg);
    validation.algorithms = vec![header.alg];
    validation.set_audience(&[expected.client_id]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "sub", "aud"]);
    // exp and iat are checked below against the clock passed in, with the leeway.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    let mut last = String::from("no key verified it");
    let mut claims = None;
    for jwk in candidates {
        let key = match DecodingKey::from_jwk(jwk) {
            Ok(key) => key,
            Err(e) => {
                last = format!("unusable key: {e}");
                continue;
            }
        };
        match jsonwebtoken::decode::<IdClaims>(token, &key, &validation) {
            Ok(data) => {
                claims = Some(data.claims);
                break;
            }
            Err(e) => last = e.to_string(),
        }
    }
    let claims = claims.ok_or(last)?;
    check_claims(&claims, header.alg, expected)?;
    Ok(claims)
}

fn check_claims(claims: &IdClaims, alg: Algorithm, expected: &Expected<'_>) -> Result<(), String> {
    if !expected.issuer.allows(&claims.iss, claims.tid.as_deref()) {
        return Err(format!("iss {:?} is not the provider's", claims.iss));
    }
    if claims
        .azp
        .as_deref()
        .is_some_and(|azp| azp != expected.client_id)
    {
        return Err(format!("azp {:?} is not our client id", claims.azp));
    }
    let leeway = i64::try_from(expected.leeway).unwrap_or(i64::MAX / 4);
    if claims.exp.saturating_add(leeway) < expected.now {
        return Err(format!("expired at {}", claims.exp));
    }
    if claims.iat.saturating_sub(leeway) > expected.now {
        return Err(format!("issued in the future ({})", claims.iat));
    }
    if claims.nonce.as_deref() != Some(expected.nonce) {
        return Err("nonce missing or not the one sent".into());
    }
    if let (Some(at_hash), Some(access_token)) = (&claims.at_hash, expected.access_token) {
        if *at_hash != token_hash(access_token, alg) {
            return Err("at_hash does not match the access token".into());
        }
    }
    Ok(())
}

/// OIDC Core §3.1.3.6: the left half of the access token's hash with the algorithm's hash
/// function (SHA-512 for EdDSA with Ed25519), base64url.
pub fn token_hash(access_token: &str, alg: Algorithm) -> String {
    use base64::Engine as _;
    let digest: Vec<u8> = match alg {
        Algorithm::RS384 | Algorithm::PS384 | Algorithm::ES384 => {
            sha2::Sha384::digest(access_token.as_bytes()).to_vec()
        }
        Algorithm::RS512 | Algorithm::PS512 | Algorithm::EdDSA => {
            sha2::Sha512::digest(access_token.as_bytes()).to_vec()
        }
        _ => sha2::Sha256::digest(access_token.as_bytes()).to_vec(),
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
}
