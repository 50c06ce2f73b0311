//! What the inspector makes of text that is not a JWT but one of Sigil's checksummed secrets
//! (a personal access token, a client secret), and of a JWT's kind. A secret has no header or
//! payload to show: its prefix and checksum say what it is, and only its signed-in owner may
//! learn more (one lookup among their own tokens).

use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::warnings::Warning;
use crate::auth::checksummed::{self, FormatError, CLIENT_SECRET, PAT};
use crate::auth::scopes::Scopes;
use crate::db::pats::PatRow;

/// What a signed-in viewer learns of one of their own personal access tokens.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    pub name: String,
    pub scopes: Vec<&'static str>,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
}

/// A recognised secret: its kind and, from its shape alone, its status (`malformed` for a
/// wrong length, character or checksum; `unverified` otherwise, since nothing was looked up).
pub struct Recognised {
    pub kind: &'static str,
    pub status: &'static str,
    pub error: Option<String>,
    pub warning: Warning,
}

/// `Some` when `token` has the prefix of one of Sigil's checksummed secrets.
pub fn recognise(token: &str) -> Option<Recognised> {
    let (kind, format, what) = if PAT.claims(token) {
        ("personal_access_token", PAT, "a personal access token")
    } else if CLIENT_SECRET.claims(token) {
        ("client_secret", CLIENT_SECRET, "an OAuth client's secret")
    } else {
        return None;
    };
    let (status, error) = match format.check(token) {
        Ok(()) => (
            "unverified",
            Some(format!(
                "This is {what}: its checksum is right, and it was not looked up (only its \
                 signed-in owner can see whether it is live)."
            )),
        ),
        Err(FormatError::BadChecksum) => (
            "malformed",
            Some(format!(
                "This looks like {what}, but its checksum does not match: it was mistyped or \
                 cut short, and Sigil would refuse it without looking it up."
            )),
        ),
        Err(_) => (
            "malformed",
            Some(format!(
                "This starts like {what}, but is not {} base62 characters after {}.",
                checksummed::RANDOM_LEN + checksummed::CHECKSUM_LEN,
                format.prefix
            )),
        ),
    };
    Some(Recognised {
        kind,
        status,
        error,
        warning: Warning {
            code: "live_credential",
            message: format!(
                "This is {what}: not a JWT to decode, but a credential that works as it is. \
                 Anyone who holds it can use it. Do not paste it into other sites or share it; \
                 if it was published (in a repository, a log, a chat), revoke it now (anyone \
                 who holds it can, at POST /api/auth/revoke)."
            ),
        },
    })
}

/// The status of a viewer's own token found by hash, and what they may see of it.
pub fn own_token(row: &PatRow, now: time::PrimitiveDateTime) -> (&'static str, String, TokenInfo) {
    let (status, error) = if row.revoked_at.is_some() {
        (
            "revoked",
            "This personal access token of yours has been revoked.",
        )
    } else if row.is_expired(now) {
        (
            "expired",
            "This personal access token of yours has expired.",
        )
    } else {
        (
            "valid",
            "This is one of your personal access tokens, and it is live.",
        )
    };
    let info = TokenInfo {
        name: row.name.clone(),
        scopes: Scopes::from_stored(&row.scopes).names(),
        expires_at: crate::db::to_utc(row.expires_at),
        last_used_at: row.last_used_at.map(crate::db::to_utc),
    };
    (status, error.to_string(), info)
}

/// The kind of a JWT, from its header and claims: a logout token carries the back-channel
/// logout event; an ID token a `nonce`, `at_hash` or `c_hash`, or an `azp` without a scope;
/// an access token Sigil's shape (`sid` and `jti`), an `at+jwt` type, or a `scope` or
/// `client_id`; anything else is a `jwt`.
pub fn jwt_kind(
    header: Option<&Map<String, Value>>,
    payload: Option<&Map<String, Value>>,
) -> &'static str {
    let Some(p) = payload else {
        return "jwt";
    };
    let has = |name: &str| p.contains_key(name);
    let logout = p
        .get("events")
        .and_then(Value::as_object)
        .is_some_and(|e| e.contains_key("http://schemas.openid.net/event/backchannel-logout"));
    let typ = header
        .and_then(|h| h.get("typ"))
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase);
    if logout || typ.as_deref() == Some("logout+jwt") {
        "logout_token"
    } else if has("nonce") || has("at_hash") || has("c_hash") || (has("azp") && !has("scope")) {
        "id_token"
    } else if typ.as_deref() == Some("at+jwt")
        || (has("sid") && has("jti") && has("sub"))
        || has("scope")
        || has("client_id")
    {
        "access_token"
    } else {
        "jwt"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn secrets_are_recognised_by_prefix_and_judged_by_checksum_alone() {
        let pat = PAT.generate();
        let r = recognise(&pat).unwrap();
        assert_eq!((r.kind, r.status), ("personal_access_token", "unverified"));
        assert_eq!(r.warning.code, "live_credential");
        let mut typo = pat.clone();
        typo.replace_range(20..21, if &pat[20..21] == "a" { "b" } else { "a" });
        assert_eq!(recognise(&typo).unwrap().status, "malformed");
        assert_eq!(recognise("sigil_pat_short").unwrap().status, "malformed");
        let cs = recognise(&CLIENT_SECRET.generate()).unwrap();
        assert_eq!((cs.kind, cs.status), ("client_secret", "unverified"));
        assert!(recognise("eyJhbGciOiJIUzI1NiJ9.e30.x").is_none());
    }

    #[test]
    fn jwt_kinds() {
        let none = None;
        assert_eq!(jwt_kind(none, None), "jwt");
        let access = map(json!({"sub": "1", "sid": "s", "jti": "j"}));
        assert_eq!(jwt_kind(none, Some(&access)), "access_token");
        let id = map(json!({"sub": "1", "aud": "app", "nonce": "n"}));
        assert_eq!(jwt_kind(none, Some(&id)), "id_token");
        let logout = map(
            json!({"sub": "1", "events": {"http://schemas.openid.net/event/backchannel-logout": {}}}),
        );
        assert_eq!(jwt_kind(none, Some(&logout)), "logout_token");
        let other = map(json!({"sub": "1234567890", "name": "John Doe", "iat": 1516239022}));
        assert_eq!(jwt_kind(none, Some(&other)), "jwt");
        let at = map(json!({"typ": "at+jwt"}));
        assert_eq!(jwt_kind(Some(&at), Some(&other)), "access_token");
    }
}
