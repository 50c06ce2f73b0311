//! The stub provider's HTTP side: one handler records each request, applies the transport
//! faults and routes it; the OpenID endpoints are here, GitHub's in `github.rs`.

use std::sync::atomic::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::Digest as _;

use super::{
    github, keys, Behaviour, Claim, DiscoveryRedirect, Endpoint, Grant, IssParam, Recorded, State,
};

/// Past the 256 KiB Sigil accepts.
const PADDING: usize = 300 * 1024;

pub(super) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn pairs(text: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(text).unwrap_or_default()
}

/// A JSON answer, padded past the limit when `oversize` names this endpoint.
pub(super) fn json_answer(status: u16, mut body: Value, oversize: bool) -> HttpResponse {
    if oversize {
        body["padding"] = json!("x".repeat(PADDING));
    }
    HttpResponse::build(StatusCode::from_u16(status).unwrap())
        .insert_header(("cache-control", "no-store"))
        .json(body)
}

/// `{"error": code}` with a status.
pub(super) fn oauth_error(status: u16, code: &str) -> HttpResponse {
    json_answer(status, json!({ "error": code }), false)
}

fn redirect(location: &str) -> HttpResponse {
    HttpResponse::Found()
        .insert_header(("location", location))
        .finish()
}

fn endpoint_of(path: &str) -> Option<Endpoint> {
    Some(match path {
        "/.well-known/openid-configuration" => Endpoint::Discovery,
        "/jwks" => Endpoint::Jwks,
        "/authorize" | "/login/oauth/authorize" => Endpoint::Authorize,
        "/token" | "/login/oauth/access_token" => Endpoint::Token,
        "/userinfo" => Endpoint::Userinfo,
        "/api/v3/user" => Endpoint::GithubUser,
        "/api/v3/user/emails" => Endpoint::GithubEmails,
        p if p.starts_with("/__hop/") => Endpoint::Discovery,
        _ => return None,
    })
}

/// `("/{tenant}/v2.0", rest)` for the Microsoft layout, else `("", path)`.
fn split_prefix(path: &str) -> (&str, &str) {
    let mut parts = path.splitn(4, '/');
    if let (Some(""), Some(tenant), Some("v2.0"), Some(_)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    {
        let at = 1 + tenant.len() + "/v2.0".len();
        if !tenant.is_empty() {
            return (&path[..at], &path[at..]);
        }
    }
    ("", path)
}

pub(super) async fn dispatch(
    state: web::Data<State>,
    req: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    let is_form = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let recorded = Recorded {
        method: req.method().to_string(),
        path: req.path().to_string(),
        query: pairs(req.query_string()),
        form: if is_form {
            pairs(&String::from_utf8_lossy(&body))
        } else {
            Vec::new()
        },
        headers: req
            .headers()
            .iter()
            .map(|(k, v)| {
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (k.as_str().to_ascii_lowercase(), value)
            })
            .collect(),
    };
    state.requests.lock().unwrap().push(recorded.clone());
    let behaviour = state.behaviour();
    let (prefix, path) = split_prefix(req.path());
    let Some(endpoint) = endpoint_of(path) else {
        return oauth_error(404, "not_found");
    };
    if let Some((slow, delay)) = behaviour.slow {
        if slow == endpoint {
            tokio::time::sleep(delay).await;
        }
    }
    if let Some((failing, status)) = behaviour.fail {
        if failing == endpoint {
            return oauth_error(status, "server_error");
        }
    }
    let oversize = behaviour.oversize == Some(endpoint);
    let ask = Ask {
        state: &state,
        behaviour: &behaviour,
        req: &recorded,
        prefix,
        oversize,
    };
    match path {
        "/.well-known/openid-configuration" => ask.discovery_or_redirect(),
        p if p.starts_with("/__hop/") => ask.hop(&p["/__hop/".len()..]),
        "/jwks" => ask.jwks(),
        "/authorize" => ask.authorize(true),
        "/token" => ask.token(),
        "/userinfo" => ask.userinfo(),
        "/login/oauth/authorize" => ask.authorize(false),
        "/login/oauth/access_token" => github::access_token(&ask),
        "/api/v3/user" => github::user(&ask),
        _ => github::emails(&ask),
    }
}

/// One request with what answering it needs.
pub(super) struct Ask<'a> {
    pub(super) state: &'a State,
    pub(super) behaviour: &'a Behaviour,
    pub(super) req: &'a Recorded,
    pub(super) prefix: &'a str,
    pub(super) oversize: bool,
}

impl Ask<'_> {
    /// The issuer discovery names (before any mix-up).
    fn honest_issuer(&self) -> String {
        match (&self.behaviour.microsoft, self.prefix) {
            (Some(_), p) if !p.is_empty() => format!("{}/{{tenantid}}/v2.0", self.state.base),
            _ => format!("{}{}", self.state.base, self.prefix),
        }
    }

    fn discovery_issuer(&self) -> String {
        (self.behaviour.discovery_issuer.clone()).unwrap_or_else(|| self.honest_issuer())
    }

    /// The id_token's honest `iss`.
    fn token_issuer(&self, prefix: &str) -> String {
        match &self.behaviour.microsoft {
            Some(ms) => format!("{}/{}/v2.0", self.state.base, ms.tid),
            None => format!("{}{prefix}", self.state.base),
        }
    }

    fn discovery_or_redirect(&self) -> HttpResponse {
        match self.behaviour.discovery_redirect {
            DiscoveryRedirect::None | DiscoveryRedirect::Hops(0) => self.discovery(),
            // Served as asked once there, so that a client that follows gets a document.
            DiscoveryRedirect::OtherHost
                if (self.req.header("host")).is_some_and(|h| h.starts_with("localhost")) =>
            {
                self.discovery()
            }
            DiscoveryRedirect::OtherHost => redirect(&format!(
                "http://localhost:{}{}",
                self.state.port, self.req.path
            )),
            DiscoveryRedirect::Hops(n) => redirect(&format!("{}/__hop/{}", self.state.base, n - 1)),
        }
    }

    fn hop(&self, left: &str) -> HttpResponse {
        match left.parse::<u8>() {
            Ok(0) => self.discovery(),
            Ok(n) => redirect(&format!("{}/__hop/{}", self.state.base, n - 1)),
            Err(_) => oauth_error(404, "not_found"),
        }
    }

    fn discovery(&self) -> HttpResponse {
        let at = format!("{}{}", self.state.base, self.prefix);
        let mut doc = json!({
            "issuer": self.discovery_issuer(),
            "authorization_endpoint": format!("{at}/authorize"),
            "token_endpoint": format!("{at}/token"),
            "userinfo_endpoint": format!("{at}/userinfo"),
            "jwks_uri": format!("{at}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "PS256", "ES256", "EdDSA"],
            "scopes_supported": ["openid", "email", "profile"],
            "claims_supported": ["sub", "email", "email_verified", "preferred_username", "auth_time"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code"],
            "token_endpoint_auth_methods_supported": self.behaviour.auth_methods,
        });
        if self.behaviour.iss_parameter_supported {
            doc["authorization_response_iss_parameter_supported"] = json!(true);
        }
        json_answer(200, doc, self.oversize)
    }

    fn jwks(&self) -> HttpResponse {
        self.state.jwks_fetches.fetch_add(1, Ordering::SeqCst);
        let rotation = self.state.rotation.load(Ordering::SeqCst);
        let mut response = json_answer(200, keys::jwks(rotation), self.oversize);
        let cache = match self.behaviour.jwks_max_age {
            Some(age) => format!("public, max-age={age}"),
            None => "no-cache".to_string(),
        };
        response.headers_mut().insert(
            actix_web::http::header::CACHE_CONTROL,
            cache.parse().unwrap(),
        );
        response
    }

    /// Straight back to `redirect_uri` with a code (or the error the behaviour names); `iss`
    /// only for OpenID (`with_iss`), as GitHub sends none.
    fn authorize(&self, with_iss: bool) -> HttpResponse {
        let q = |name| self.req.query(name).map(str::to_string);
        let Some(redirect_uri) = q("redirect_uri") else {
            return oauth_error(400, "invalid_request");
        };
        let mut back: Vec<(&str, String)> = Vec::new();
        match &self.behaviour.authorize_error {
            Some(error) => back.push(("error", error.clone())),
            None => {
                let code = uuid::Uuid::new_v4().simple().to_string();
                let grant = Grant {
                    client_id: q("client_id").unwrap_or_default(),
                    redirect_uri: redirect_uri.clone(),
                    nonce: q("nonce"),
                    code_challenge: q("code_challenge"),
                    scope: q("scope").unwrap_or_default(),
                    prefix: self.prefix.to_string(),
                };
                self.state.codes.lock().unwrap().insert(code.clone(), grant);
                back.push(("code", code));
            }
        }
        if let Some(state) = self.behaviour.state.clone().or_else(|| q("state")) {
            back.push(("state", state));
        }
        if with_iss {
            match &self.behaviour.iss_param {
                IssParam::Issuer => back.push(("iss", self.discovery_issuer())),
                IssParam::Absent => {}
                IssParam::Value(iss) => back.push(("iss", iss.clone())),
            }
        }
        let separator = if redirect_uri.contains('?') { '&' } else { '?' };
        let query = serde_urlencoded::to_string(&back).unwrap();
        HttpResponse::SeeOther()
            .insert_header(("location", format!("{redirect_uri}{separator}{query}")))
            .finish()
    }

    /// The client's credentials by the methods the behaviour allows: `Err` names the fault.
    pub(super) fn authenticate(&self) -> Result<(), &'static str> {
        let allowed = |m: &str| self.behaviour.auth_methods.iter().any(|a| a == m);
        let basic = self.req.header("authorization").and_then(|h| {
            let encoded = h.strip_prefix("Basic ")?;
            let decoded = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
            let (id, secret) = decoded.split_once(':')?;
            let unescape = |s: &str| pairs(&format!("v={s}")).pop().map(|(_, v)| v);
            Some((unescape(id)?, unescape(secret)?))
        });
        let (method, id, secret) = match basic {
            Some((id, secret)) => ("client_secret_basic", id, secret),
            None => match (self.req.form("client_id"), self.req.form("client_secret")) {
                (Some(id), Some(secret)) => ("client_secret_post", id.into(), secret.into()),
                _ => return Err("invalid_client"),
            },
        };
        if !allowed(method) || id != self.state.client_id || secret != self.state.client_secret {
            return Err("invalid_client");
        }
        Ok(())
    }

    /// The grant of the code, checked against the request (single use, the client, the
    /// redirect URI and the PKCE verifier): `Err` is the OAuth error code.
    pub(super) fn redeem(&self) -> Result<Grant, &'static str> {
        let code = self.req.form("code").ok_or("invalid_request")?;
        let grant = (self.state.codes.lock().unwrap().remove(code)).ok_or("invalid_grant")?;
        if grant.client_id != self.state.client_id {
            return Err("invalid_grant");
        }
        if let Some(uri) = self.req.form("redirect_uri") {
            if uri != grant.redirect_uri {
                return Err("invalid_grant");
            }
        }
        if let Some(challenge) = &grant.code_challenge {
            let verifier = self.req.form("code_verifier").ok_or("invalid_grant")?;
            let computed = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
            if &computed != challenge {
                return Err("invalid_grant");
            }
        }
        Ok(grant)
    }

    /// An access token for the grant, remembered for userinfo and the GitHub API.
    pub(super) fn access_token(&self, grant: &Grant) -> String {
        let token = format!("stub-at-{}", uuid::Uuid::new_v4().simple());
        (self.state.tokens.lock().unwrap()).insert(token.clone(), grant.clone());
        token
    }

    /// The grant of the request's bearer token (`Bearer x` or GitHub's `token x`).
    pub(super) fn bearer(&self) -> Option<Grant> {
        let header = self.req.header("authorization")?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .or_else(|| header.strip_prefix("token "))?;
        self.state.tokens.lock().unwrap().get(token).cloned()
    }

    fn token(&self) -> HttpResponse {
        if self.req.method != "POST" {
            return oauth_error(405, "invalid_request");
        }
        if let Err(e) = self.authenticate() {
            return oauth_error(401, e);
        }
        if self.req.form("grant_type") != Some("authorization_code") {
            return oauth_error(400, "unsupported_grant_type");
        }
        let grant = match self.redeem() {
            Ok(grant) => grant,
            Err(e) => return oauth_error(400, e),
        };
        let access_token = self.access_token(&grant);
        let mut body = json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": grant.scope,
        });
        if !self.behaviour.omit_id_token {
            body["id_token"] = json!(self.id_token(&grant, &access_token));
        }
        json_answer(200, body, self.oversize)
    }

    fn id_token(&self, grant: &Grant, access_token: &str) -> String {
        let b = self.behaviour;
        let now = now();
        let mut claims = json!({
            "iss": b.iss.clone().unwrap_or_else(|| self.token_issuer(&grant.prefix)),
            "sub": b.sub,
            "aud": b.aud.clone().unwrap_or_else(|| json!(grant.client_id)),
            "exp": now + b.exp_in,
            "iat": now + b.iat_in,
        });
        let mut set = |name: &str, value: Option<Value>| {
            if let Some(value) = value {
                claims[name] = value;
            }
        };
        set("azp", b.azp.clone().map(Value::from));
        set("auth_time", b.auth_time_ago.map(|ago| json!(now - ago)));
        let honest_nonce = grant.nonce.clone().map(Value::from);
        set("nonce", claim(&b.nonce, honest_nonce));
        let honest_hash = json!(keys::at_hash(b.alg, access_token));
        set("at_hash", claim(&b.at_hash, Some(honest_hash)));
        if b.email_in_id_token {
            set("email", b.email.clone().map(Value::from));
            set("email_verified", b.email_verified.map(Value::from));
        }
        set(
            "preferred_username",
            b.preferred_username.clone().map(Value::from),
        );
        if let Some(ms) = &b.microsoft {
            set("tid", Some(json!(ms.tid)));
            set("xms_edov", ms.xms_edov.map(Value::from));
        }
        let object = claims.as_object_mut().unwrap();
        object.extend(b.extra_claims.clone());
        for name in &b.omit_claims {
            object.remove(name);
        }
        let rotation = self.state.rotation.load(Ordering::SeqCst);
        keys::sign(b.alg, &claims, rotation, &self.state.client_secret)
    }

    fn userinfo(&self) -> HttpResponse {
        if self.bearer().is_none() {
            return HttpResponse::Unauthorized()
                .insert_header(("www-authenticate", "Bearer error=\"invalid_token\""))
                .finish();
        }
        let b = self.behaviour;
        let mut body = json!({ "sub": b.userinfo_sub.clone().unwrap_or_else(|| b.sub.clone()) });
        if b.email_in_userinfo {
            if let Some(email) = &b.email {
                body["email"] = json!(email);
            }
            if let Some(verified) = b.email_verified {
                body["email_verified"] = json!(verified);
            }
        }
        if let Some(name) = &b.preferred_username {
            body["preferred_username"] = json!(name);
        }
        json_answer(200, body, self.oversize)
    }
}

/// A claim's value as the behaviour says, given its honest value.
fn claim(how: &Claim, honest: Option<Value>) -> Option<Value> {
    match how {
        Claim::Honest => honest,
        Claim::Absent => None,
        Claim::Value(v) => Some(v.clone()),
    }
}
