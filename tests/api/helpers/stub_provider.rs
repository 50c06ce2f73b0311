//! A programmable outside provider for the federation tests: a real HTTP server on
//! 127.0.0.1 (a free port) in the test process, serving discovery, JWKS, authorize, token and
//! userinfo (and GitHub's OAuth and API endpoints), honest by default and dishonest in exactly
//! the ways a test sets in [`Behaviour`], so that every attack on the relying party can be
//! staged. Every request is recorded ([`StubProvider::requests`]).
//!
//! The authorize endpoint answers at once with a `303` to `redirect_uri` carrying `code`, the
//! given `state` and `iss`; it remembers `nonce` and `code_challenge` so that the token endpoint
//! refuses a wrong PKCE verifier (`invalid_grant`) and puts the nonce in the id_token. The one
//! client is [`StubProvider::client_id`] / [`StubProvider::client_secret`]; any redirect URI is
//! accepted (the test asserts what was sent).
//!
//! Routes (each also under a `/{tenant}/v2.0` prefix, the Microsoft layout):
//! `/.well-known/openid-configuration`, `/jwks`, `/authorize`, `/token`, `/userinfo`,
//! `/__hop/{n}` (the redirect chain), and GitHub's `/login/oauth/authorize`,
//! `/login/oauth/access_token`, `/api/v3/user`, `/api/v3/user/emails`.

mod github;
mod keys;
mod serve;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpServer};
use serde_json::{Map, Value};

/// How the id_token is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Alg {
    /// RS256 with the JWKS's RSA key (honest).
    #[default]
    Rs256,
    /// PS256 with the same RSA key.
    Ps256,
    /// ES256 with the JWKS's P-256 key.
    Es256,
    /// EdDSA (Ed25519) with the JWKS's OKP key.
    EdDsa,
    /// `alg: none`, an empty signature.
    None,
    /// HS256 with the client secret as the key (the JWKS has no such key).
    Hs256ClientSecret,
    /// RS256 with the JWKS's RSA key, but a `kid` the JWKS does not list.
    UnknownKid,
    /// RS256 under the JWKS's RSA `kid`, signed by another RSA key that is never published.
    KeyNotInJwks,
}

/// A claim the provider computes: its honest value, left out, or a given value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Claim {
    #[default]
    Honest,
    Absent,
    Value(Value),
}

/// The `iss` parameter of the authorization response (RFC 9207).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum IssParam {
    /// The issuer as discovery names it.
    #[default]
    Issuer,
    Absent,
    Value(String),
}

/// An endpoint, for the transport faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Discovery,
    Jwks,
    Authorize,
    /// `/token` and GitHub's `/login/oauth/access_token`.
    Token,
    Userinfo,
    /// GitHub's `/api/v3/user`.
    GithubUser,
    /// GitHub's `/api/v3/user/emails`.
    GithubEmails,
}

/// Where discovery sends a client first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiscoveryRedirect {
    /// Discovery answers at once.
    #[default]
    None,
    /// A `302` to the same path on `localhost` (same port): another host than `127.0.0.1`.
    OtherHost,
    /// `n` `302`s on the same host (`/__hop/{n-1}` … `/__hop/0`, which answers).
    Hops(u8),
}

/// The Microsoft shape: discovery's `issuer` is the template
/// `http://127.0.0.1:{port}/{tenantid}/v2.0` and the id_token's `iss` is
/// `http://127.0.0.1:{port}/{tid}/v2.0` with the token's own `tid`.
#[derive(Debug, Clone, PartialEq)]
pub struct Microsoft {
    /// The `tid` claim (a tenant GUID).
    pub tid: String,
    /// The `xms_edov` claim (email domain owner verified); `None` leaves it out.
    pub xms_edov: Option<bool>,
}

/// One `GET /user/emails` entry of the GitHub shape.
#[derive(Debug, Clone, PartialEq)]
pub struct GithubEmail {
    pub email: String,
    pub primary: bool,
    pub verified: bool,
    /// `"public"`, `"private"` or `None` (JSON null).
    pub visibility: Option<String>,
}

/// What the provider does. `Behaviour::default()` is a correct, honest provider.
#[derive(Debug, Clone)]
pub struct Behaviour {
    // The account.
    /// `sub` of the id_token and userinfo: `"stub-user-1"`.
    pub sub: String,
    /// `Some("ada@example.com")`; `None` leaves the claim out everywhere.
    pub email: Option<String>,
    /// `Some(true)`; `None` leaves the claim out.
    pub email_verified: Option<bool>,
    /// `Some("ada")`.
    pub preferred_username: Option<String>,
    /// `auth_time` is now minus this many seconds: `Some(0)`; `None` leaves it out.
    pub auth_time_ago: Option<i64>,
    /// Whether the id_token carries `email`/`email_verified`: `true`.
    pub email_in_id_token: bool,

    // The id_token.
    pub alg: Alg,
    /// `iss` instead of the honest issuer: `None`.
    pub iss: Option<String>,
    /// `aud` instead of the client id, e.g. `json!([client, "other"])`: `None`.
    pub aud: Option<Value>,
    /// `azp`, absent when `None` (default).
    pub azp: Option<String>,
    /// `exp` is now plus this: `300`.
    pub exp_in: i64,
    /// `iat` is now plus this (positive: in the future): `0`.
    pub iat_in: i64,
    /// The nonce of the authorization request.
    pub nonce: Claim,
    /// The left half of the access token's hash (SHA-256; SHA-512 for EdDSA).
    pub at_hash: Claim,
    /// Claims set last, over any other.
    pub extra_claims: Map<String, Value>,
    /// Claims removed last.
    pub omit_claims: Vec<String>,
    /// The Microsoft shape, `None` (default) for a plain issuer.
    pub microsoft: Option<Microsoft>,
    /// The token response has no `id_token`: `false`.
    pub omit_id_token: bool,

    // The authorization response.
    /// `error=` instead of a code (e.g. `"access_denied"`): `None`.
    pub authorize_error: Option<String>,
    pub iss_param: IssParam,
    /// `state` instead of the one received: `None`.
    pub state: Option<String>,

    // Discovery and transport.
    /// Discovery's `issuer` instead of the honest one (mix-up): `None`.
    pub discovery_issuer: Option<String>,
    /// `authorization_response_iss_parameter_supported: true` in discovery; `false` leaves it
    /// out: `true`.
    pub iss_parameter_supported: bool,
    /// `token_endpoint_auth_methods_supported`, and the only ones the token endpoint accepts:
    /// `["client_secret_basic", "client_secret_post"]`.
    pub auth_methods: Vec<String>,
    pub discovery_redirect: DiscoveryRedirect,
    /// The endpoint answers this status (JSON `{"error": "server_error"}`) and nothing else.
    pub fail: Option<(Endpoint, u16)>,
    /// The endpoint's body is padded past 256 KiB (300 KiB of JSON, still valid).
    pub oversize: Option<Endpoint>,
    /// The endpoint waits this long before answering.
    pub slow: Option<(Endpoint, Duration)>,
    /// `Cache-Control: public, max-age=N` on the JWKS; none when `None` (default).
    pub jwks_max_age: Option<u64>,

    // Userinfo.
    /// userinfo's `sub` instead of the account's: `None`.
    pub userinfo_sub: Option<String>,
    /// Whether userinfo carries `email`/`email_verified`: `true`.
    pub email_in_userinfo: bool,

    // The GitHub shape.
    /// `id` of `GET /user` (a JSON number): `12345`.
    pub github_id: i64,
    /// `login` of `GET /user`: `"octo-ada"`.
    pub github_login: String,
    /// `GET /user/emails`: one primary, verified, public `ada@example.com`.
    pub github_emails: Vec<GithubEmail>,
}

impl Default for Behaviour {
    fn default() -> Behaviour {
        Behaviour {
            sub: "stub-user-1".into(),
            email: Some("ada@example.com".into()),
            email_verified: Some(true),
            preferred_username: Some("ada".into()),
            auth_time_ago: Some(0),
            email_in_id_token: true,
            alg: Alg::Rs256,
            iss: None,
            aud: None,
            azp: None,
            exp_in: 300,
            iat_in: 0,
            nonce: Claim::Honest,
            at_hash: Claim::Honest,
            extra_claims: Map::new(),
            omit_claims: Vec::new(),
            microsoft: None,
            omit_id_token: false,
            authorize_error: None,
            iss_param: IssParam::Issuer,
            state: None,
            discovery_issuer: None,
            iss_parameter_supported: true,
            auth_methods: vec!["client_secret_basic".into(), "client_secret_post".into()],
            discovery_redirect: DiscoveryRedirect::None,
            fail: None,
            oversize: None,
            slow: None,
            jwks_max_age: None,
            userinfo_sub: None,
            email_in_userinfo: true,
            github_id: 12345,
            github_login: "octo-ada".into(),
            github_emails: vec![GithubEmail {
                email: "ada@example.com".into(),
                primary: true,
                verified: true,
                visibility: Some("public".into()),
            }],
        }
    }
}

/// One request the provider got.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The path as sent, prefix included (`/authorize`, `/common/v2.0/token`…).
    pub path: String,
    pub query: Vec<(String, String)>,
    /// The `application/x-www-form-urlencoded` body, empty otherwise.
    pub form: Vec<(String, String)>,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
}

fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

impl Recorded {
    pub fn query(&self, name: &str) -> Option<&str> {
        first(&self.query, name)
    }

    pub fn form(&self, name: &str) -> Option<&str> {
        first(&self.form, name)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        first(&self.headers, name)
    }
}

/// What an authorization request left for the token endpoint (by code) and userinfo (by
/// access token).
#[derive(Debug, Clone)]
struct Grant {
    client_id: String,
    redirect_uri: String,
    nonce: Option<String>,
    code_challenge: Option<String>,
    scope: String,
    /// `""` or the `/{tenant}/v2.0` the request came under.
    prefix: String,
}

struct State {
    /// `http://127.0.0.1:{port}`.
    base: String,
    port: u16,
    client_id: String,
    client_secret: String,
    behaviour: Mutex<Behaviour>,
    requests: Mutex<Vec<Recorded>>,
    codes: Mutex<HashMap<String, Grant>>,
    tokens: Mutex<HashMap<String, Grant>>,
    jwks_fetches: AtomicUsize,
    /// Which RSA key the JWKS publishes and signs with (0, 1 or 2).
    rotation: AtomicUsize,
}

impl State {
    fn behaviour(&self) -> Behaviour {
        self.behaviour.lock().unwrap().clone()
    }
}

/// The running provider; stopped when dropped.
pub struct StubProvider {
    state: Arc<State>,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for StubProvider {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

impl StubProvider {
    /// An OpenID provider at `http://127.0.0.1:{port}`, honest until [`StubProvider::set`].
    pub async fn start() -> StubProvider {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a random port");
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State {
            base: format!("http://127.0.0.1:{port}"),
            port,
            client_id: format!("stub-client-{port}"),
            client_secret: format!("stub-secret-{}", uuid::Uuid::new_v4().simple()),
            behaviour: Mutex::new(Behaviour::default()),
            requests: Mutex::default(),
            codes: Mutex::default(),
            tokens: Mutex::default(),
            jwks_fetches: AtomicUsize::new(0),
            rotation: AtomicUsize::new(0),
        });
        let data = web::Data::from(Arc::clone(&state));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(web::PayloadConfig::new(1 << 20))
                .default_service(web::to(serve::dispatch))
        })
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        StubProvider { state, handle }
    }

    /// The same server, for GitHub's shape (the routes are the same; this names the intent):
    /// Sigil's `…_PRESET=github` with `…_ISSUER` = [`StubProvider::issuer`] finds
    /// `/login/oauth/…` and `/api/v3/…` there.
    pub async fn start_github() -> StubProvider {
        StubProvider::start().await
    }

    /// What the provider does from now on.
    pub fn set(&self, behaviour: Behaviour) {
        *self.state.behaviour.lock().unwrap() = behaviour;
    }

    /// Changes part of what the provider does.
    pub fn update(&self, change: impl FnOnce(&mut Behaviour)) {
        change(&mut self.state.behaviour.lock().unwrap());
    }

    /// `http://127.0.0.1:{port}`, the honest issuer.
    pub fn issuer(&self) -> String {
        self.state.base.clone()
    }

    /// `http://127.0.0.1:{port}/{tenant}/v2.0`: the Microsoft layout (discovery at
    /// `{that}/.well-known/openid-configuration`); use with [`Behaviour::microsoft`].
    pub fn microsoft_issuer(&self, tenant: &str) -> String {
        format!("{}/{tenant}/v2.0", self.state.base)
    }

    pub fn port(&self) -> u16 {
        self.state.port
    }

    pub fn client_id(&self) -> String {
        self.state.client_id.clone()
    }

    pub fn client_secret(&self) -> String {
        self.state.client_secret.clone()
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().clone()
    }

    /// The requests whose path ends with `suffix` (`"/authorize"`, `"/token"`…).
    pub fn requests_to(&self, suffix: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.ends_with(suffix))
            .collect()
    }

    /// How many times the JWKS was fetched.
    pub fn jwks_fetches(&self) -> usize {
        self.state.jwks_fetches.load(Ordering::SeqCst)
    }

    /// A new RSA key with a new `kid` replaces the old one in the JWKS and signs from now on
    /// (at most twice).
    pub fn rotate_keys(&self) {
        let next = self.state.rotation.load(Ordering::SeqCst) + 1;
        assert!(
            next < keys::ROTATIONS,
            "the stub has {} RSA keys",
            keys::ROTATIONS
        );
        self.state.rotation.store(next, Ordering::SeqCst);
    }

    /// The `kid` of the RSA key the JWKS publishes now.
    pub fn current_kid(&self) -> String {
        keys::rsa_kid(self.state.rotation.load(Ordering::SeqCst))
    }

    /// The environment that points Sigil's provider `id` here with `preset`
    /// (`LOGIN_PROVIDERS` excluded): `LOGIN_PROVIDER_<ID>_{PRESET,ISSUER,CLIENT_ID,CLIENT_SECRET}`.
    pub fn env(&self, id: &str, preset: &str) -> Vec<(String, String)> {
        let upper = id.to_ascii_uppercase();
        [
            ("PRESET", preset.to_string()),
            ("ISSUER", self.issuer()),
            ("CLIENT_ID", self.client_id()),
            ("CLIENT_SECRET", self.client_secret()),
        ]
        .into_iter()
        .map(|(k, v)| (format!("LOGIN_PROVIDER_{upper}_{k}"), v))
        .collect()
    }
}
