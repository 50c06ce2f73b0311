//! id_tokens (OIDC Core §2, §3.1.3.6) and the claims about a user a client may read, by
//! scope: the same for the id_token and `/oauth/userinfo`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use crate::db::users::User;

/// The `typ` header of id_tokens.
pub const ID_TOKEN_TYPE: &str = "JWT";

/// The claims `scope` opens about `user`, beside `sub`: `profile` gives
/// `preferred_username` and `updated_at`, `email` gives `email` and `email_verified`.
pub fn user_claims<'a>(
    user: &User,
    scope: impl IntoIterator<Item = &'a str>,
) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("sub".into(), Value::String(user.id.to_string()));
    for s in scope {
        match s {
            "profile" => {
                claims.insert("preferred_username".into(), user.username.clone().into());
                let updated = crate::db::to_utc(user.updated_at).unix_timestamp();
                claims.insert("updated_at".into(), updated.into());
            }
            "email" => {
                claims.insert("email".into(), user.email.clone().into());
                claims.insert("email_verified".into(), user.email_verified.into());
            }
            _ => {}
        }
    }
    claims
}

/// `at_hash`: the left half of the access token's SHA-256, in base64url (§3.1.3.6, RS256).
pub fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

/// What an id_token says beside the user's claims.
#[derive(Serialize)]
pub struct IdTokenClaims<'a> {
    pub iss: &'a str,
    pub aud: &'a str,
    pub iat: i64,
    pub exp: i64,
    pub auth_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<&'a str>,
    pub amr: Vec<&'a str>,
    pub sid: &'a str,
    pub at_hash: String,
    #[serde(flatten)]
    pub user: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::at_hash;

    #[test]
    fn at_hash_is_the_left_half_of_sha256_in_base64url() {
        // base64url (no padding) of the first 16 bytes of SHA-256("abc"), computed apart.
        assert_eq!(at_hash("abc"), "ungWv48Bz-pBQUDeXa4iIw");
    }
}
