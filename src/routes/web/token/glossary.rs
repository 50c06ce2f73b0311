//! What each registered claim and header parameter means, in one plain sentence for a
//! developer: RFC 7519 (JWT), RFC 7515 (JWS header), RFC 9068 (access tokens), OpenID Connect
//! Core, RFC 8693 (delegation), and Sigil's own claims.

/// One registered name: the name in the token, a short label, and what it means.
pub struct Entry {
    pub name: &'static str,
    pub label: &'static str,
    pub meaning: &'static str,
}

const fn e(name: &'static str, label: &'static str, meaning: &'static str) -> Entry {
    Entry {
        name,
        label,
        meaning,
    }
}

/// Payload claims, in the order the page lists them.
pub const CLAIMS: &[Entry] = &[
    // RFC 7519.
    e("iss", "Issuer", "Who issued the token; a verifier accepts only the issuers it trusts."),
    e("sub", "Subject", "Whom the token is about, usually a user id unique within the issuer."),
    e("aud", "Audience", "Who the token is meant for; a service must refuse a token whose audience does not name it."),
    e("exp", "Expires", "After this moment (Unix seconds) the token must be refused."),
    e("nbf", "Not before", "Before this moment (Unix seconds) the token must be refused."),
    e("iat", "Issued at", "When the token was signed (Unix seconds)."),
    e("jti", "Token id", "A unique id for this token, so it can be revoked or refused if replayed; Sigil's logout revokes by it."),
    // RFC 9068 and RFC 8693.
    e("client_id", "Client", "The OAuth client the token was issued to (RFC 9068)."),
    e("scope", "Scope", "The permissions granted, as space-separated scope names (RFC 9068)."),
    e("auth_time", "Authenticated at", "When the user last actually signed in (Unix seconds); refreshing a token keeps it, and sensitive actions may ask for it to be recent."),
    e("acr", "Authentication context", "How strong the sign-in was, as a level or policy name the issuer defines."),
    e("amr", "Authentication methods", "How the user proved who they are (RFC 8176): pwd a password, otp a one-time code, hwk or swk a passkey, mfa several factors."),
    e("groups", "Groups", "The groups the user belongs to, for the resource server's access decisions (RFC 9068)."),
    e("roles", "Roles", "The roles the user holds, for the resource server's access decisions (RFC 9068)."),
    e("entitlements", "Entitlements", "Individual rights or resources the user is entitled to (RFC 9068)."),
    e("act", "Actor", "Who is acting on behalf of the subject after a token exchange, such as a service or an administrator impersonating the user (RFC 8693)."),
    e("may_act", "May act", "Who is allowed to act on behalf of the subject through a token exchange (RFC 8693)."),
    // OpenID Connect.
    e("azp", "Authorized party", "The client the ID token was issued to, when it differs from the audience (OpenID Connect)."),
    e("nonce", "Nonce", "The random value the client sent when it started the sign-in, to tie the ID token to that request and stop replays."),
    e("at_hash", "Access token hash", "The left half of a hash of the access token issued with this ID token, so the client can check they belong together."),
    e("c_hash", "Code hash", "The left half of a hash of the authorization code issued with this ID token, so the client can check they belong together."),
    e("sid", "Session id", "The user's sign-in session at the OpenID provider, used to log that session out."),
    e("username", "Username", "Sigil's claim: the user's name when the token was issued (the sub is the stable id)."),
    e("name", "Name", "The user's full name for display (OpenID Connect profile claim)."),
    e("given_name", "Given name", "The user's given (first) name (OpenID Connect profile claim)."),
    e("family_name", "Family name", "The user's family (last) name (OpenID Connect profile claim)."),
    e("middle_name", "Middle name", "The user's middle name (OpenID Connect profile claim)."),
    e("nickname", "Nickname", "A casual name the user goes by (OpenID Connect profile claim)."),
    e("preferred_username", "Preferred username", "The name the user likes to be called by, which is not unique and must not be used as an id."),
    e("profile", "Profile page", "The URL of the user's profile page."),
    e("picture", "Picture", "The URL of the user's profile picture."),
    e("website", "Website", "The URL of the user's web page or blog."),
    e("email", "Email", "The user's e-mail address, which is not unique or stable enough to be used as an id."),
    e("email_verified", "Email verified", "Whether the issuer has checked that the user controls the e-mail address."),
    e("gender", "Gender", "The user's gender as they gave it."),
    e("birthdate", "Birthdate", "The user's date of birth, as YYYY-MM-DD (or just YYYY)."),
    e("zoneinfo", "Time zone", "The user's time zone, as a tz database name such as Europe/Paris."),
    e("locale", "Locale", "The user's language and region, as a BCP 47 tag such as en-US."),
    e("phone_number", "Phone number", "The user's phone number, preferably in E.164 form such as +1 555 0100."),
    e("phone_number_verified", "Phone number verified", "Whether the issuer has checked that the user controls the phone number."),
    e("address", "Address", "The user's postal address, as a JSON object."),
    e("updated_at", "Profile updated at", "When the user's profile information last changed (Unix seconds)."),
];

/// `sid` in a token Sigil issued.
pub const SIGIL_SID: Entry = e(
    "sid",
    "Session id",
    "Sigil's login session (refresh family) the token belongs to; deleting the session revokes every token issued from it.",
);

/// Header parameters (RFC 7515 §4.1, RFC 7519 §5).
pub const HEADER: &[Entry] = &[
    e("alg", "Algorithm", "The algorithm that signed the token; a verifier must pin the algorithm it expects and never just trust this one."),
    e("typ", "Type", "The media type of the whole token, such as JWT, or at+jwt for an access token (RFC 9068)."),
    e("kid", "Key id", "Which of the issuer's keys signed the token, to pick it from their JWKS."),
    e("cty", "Content type", "The media type of the payload, set to JWT only when the payload is itself a nested JWT."),
    e("jku", "JWK Set URL", "A URL of the key set to verify with; fetching keys from a URL the token chooses lets anyone sign, so it must never be trusted."),
    e("jwk", "Embedded key", "A public key carried in the header; a token that brings its own key proves nothing, so it must never be trusted."),
    e("x5u", "Certificate URL", "A URL of the signer's X.509 certificate chain, which must never be fetched on the token's say-so."),
    e("x5c", "Certificate chain", "The signer's X.509 certificate chain carried in the header, which proves nothing unless checked against a trusted root."),
    e("x5t", "Certificate thumbprint", "The SHA-1 thumbprint of the signer's X.509 certificate, to pick the key."),
    e("x5t#S256", "Certificate thumbprint (SHA-256)", "The SHA-256 thumbprint of the signer's X.509 certificate, to pick the key."),
    e("crit", "Critical", "Header extensions the verifier must understand, or else refuse the token."),
];

/// Claims whose value is a moment in Unix seconds.
pub const UNIX_TIME_CLAIMS: &[&str] = &["exp", "nbf", "iat", "auth_time", "updated_at"];

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(name: &str, sigils: bool) -> Option<&'static Entry> {
        if sigils && name == "sid" {
            return Some(&SIGIL_SID);
        }
        CLAIMS.iter().find(|c| c.name == name)
    }

    fn header_parameter(name: &str) -> Option<&'static Entry> {
        HEADER.iter().find(|c| c.name == name)
    }

    #[test]
    fn every_registered_name_is_explained_once_in_one_sentence() {
        let wanted = "iss sub aud exp nbf iat jti client_id scope auth_time acr amr groups roles \
            entitlements azp nonce at_hash c_hash sid name given_name family_name middle_name \
            nickname preferred_username profile picture website email email_verified gender \
            birthdate zoneinfo locale phone_number phone_number_verified address updated_at act \
            may_act username";
        for name in wanted.split_whitespace() {
            assert!(claim(name, false).is_some(), "{name}");
            assert_eq!(
                CLAIMS.iter().filter(|c| c.name == name).count(),
                1,
                "{name}"
            );
        }
        for name in "alg typ kid cty jku jwk x5u x5c x5t x5t#S256 crit".split_whitespace() {
            assert!(header_parameter(name).is_some(), "{name}");
        }
        for entry in CLAIMS.iter().chain(HEADER).chain([&SIGIL_SID]) {
            let m = entry.meaning;
            assert!(m.ends_with('.') && m.matches(". ").count() == 0, "{m}");
            assert!(m.chars().next().is_some_and(char::is_uppercase), "{m}");
        }
        assert!(claim("sid", true).unwrap().meaning.contains("Sigil"));
        assert!(claim("sid", false).unwrap().meaning.contains("OpenID"));
        assert!(claim("https://example.com/custom", false).is_none());
    }
}
