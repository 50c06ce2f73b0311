//! Extractors for the JSON API's *session* routes (first-party credentials only): [`AuthUser`]
//! (required), [`RecentAuth`], [`AdminUser`] and [`MaybeUser`] (optional); the scoped routes'
//! are in [`super::scoped`]. All go through [`authenticate`], the one function that finds,
//! verifies and checks a credential against revocation.

use actix_session::SessionExt as _;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage as _, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::credentials::{self, Credential, CredentialSource};
use super::pat::{self, PatGrant};
use super::rate_limit::CountAttempts;
use super::scopes::{Scope, Scopes};
use super::tokens::Tokens;
use super::{csrf, jwt};
use crate::db::pats::PatRow;
use crate::db::sessions::{Expiry, Session};
use crate::db::users::User;
use crate::db::Db;
use crate::error::{AppError, AuthFailure};
use crate::http::client::ClientInfo;
use crate::metrics::Metrics;

/// A request whose credential verified, with the user it names and where it came from.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// Shared, as the claims are: the request's copy of its [`Caller`] clones no strings.
    pub user: std::sync::Arc<User>,
    /// Shared with the verified-token cache: a request clones no claims.
    pub claims: std::sync::Arc<jwt::AccessClaims>,
    pub source: CredentialSource,
}

/// An access token set for this request by the page middleware after a silent refresh; it
/// takes the place of the expired cookie.
#[derive(Clone)]
pub struct RenewedAccessToken(pub String);

/// Noted in a request's extensions when its credential's session timed out, so the pages can
/// clear the browser's cookies (see `routes::web::renewal`).
#[derive(Clone, Copy, Debug)]
pub struct SessionTimedOut(pub Expiry);

/// Whoever a request's credential names: a first-party credential (cookie, or a token from a
/// sign-in or its refreshes), with every power, or a personal access token, with its scopes.
#[derive(Debug, Clone)]
pub enum Caller {
    FirstParty(Authenticated),
    Pat(PatGrant),
    /// An OAuth client's access token: its user, with the scopes the client was granted.
    Client(ClientCaller),
}

/// A client's access token that verified: a scoped token, whose `auth_time` still counts for
/// the recent-sign-in rule.
#[derive(Debug, Clone)]
pub struct ClientCaller {
    pub auth: Authenticated,
    /// The API scopes of its `scope` (the OpenID ones open no API route).
    pub scopes: Scopes,
}

impl Caller {
    pub fn user(&self) -> &User {
        match self {
            Self::FirstParty(auth) => &auth.user,
            Self::Pat(grant) => &grant.user,
            Self::Client(client) => &client.auth.user,
        }
    }

    /// The first-party credential; a scoped token is `None`.
    pub fn first_party(&self) -> Option<&Authenticated> {
        match self {
            Self::FirstParty(auth) => Some(auth),
            Self::Pat(_) | Self::Client(_) => None,
        }
    }

    /// The session a first-party credential belongs to; a scoped token has none.
    pub fn session_id(&self) -> Option<&str> {
        self.first_party().map(|auth| auth.claims.sid.as_str())
    }

    /// Whether this credential may use a route that needs `scope`: a first-party one may use
    /// every route, a scoped one only those its scopes grant.
    pub fn allows(&self, scope: Scope) -> bool {
        match self {
            Self::FirstParty(_) => true,
            Self::Pat(grant) => grant.scopes.grants(scope),
            Self::Client(client) => client.scopes.grants(scope),
        }
    }
}

/// Finds the credential (bearer header, else cookie) and checks it: a personal access token by
/// its checksum and one read by hash ([`pat`]); a JWT with the pinned algorithm and, in one
/// query, that its user exists and is not disabled, that neither its session nor its `jti`
/// was revoked, and that the session is within its idle and absolute limits. `Ok(None)`: no credential was sent. `Err(401)`: one was sent and is not
/// good.
pub async fn authenticate(req: &HttpRequest) -> Result<Option<Caller>, AppError> {
    if let Some(done) = req.extensions().get::<Caller>() {
        return Ok(Some(done.clone()));
    }
    let renewed = req.extensions().get::<RenewedAccessToken>().cloned();
    let credential = match (credentials::find(req), renewed) {
        (Some(c), _) if c.source == CredentialSource::Bearer => c,
        (_, Some(RenewedAccessToken(token))) => credentials::Credential {
            token,
            source: CredentialSource::Cookie,
        },
        (Some(c), None) => c,
        (None, None) => return Ok(None),
    };
    let done = if pat::is_pat(&credential.token) {
        Caller::Pat(authenticate_pat(req, &credential).await?)
    } else {
        let auth = authenticate_jwt(req, credential).await?;
        match &auth.claims.client_id {
            Some(_) => Caller::Client(ClientCaller {
                scopes: Scopes::from_stored(auth.claims.scope.as_deref().unwrap_or_default()),
                auth,
            }),
            None => {
                // The signed-in user's language outranks the request's (API.md part three §5).
                crate::i18n::note_user_locale(auth.user.locale());
                Caller::FirstParty(auth)
            }
        }
    };
    req.extensions_mut().insert(done.clone());
    Ok(Some(done))
}

/// A personal access token: only from the Authorization header; refused by its checksum
/// before any lookup; a failed lookup counts toward the address's login limit. A use is
/// recorded at most once a minute.
async fn authenticate_pat(
    req: &HttpRequest,
    credential: &Credential,
) -> Result<PatGrant, AppError> {
    if credential.source == CredentialSource::Cookie {
        count_refusal(req, "pat_in_cookie");
        return Err(AppError::invalid_token(
            "A personal access token goes in the Authorization header (Bearer), never in a \
             cookie.",
        ));
    }
    let db = app_data::<Db>(req)?;
    match pat::authenticate(&db, &credential.token).await? {
        Ok(grant) => {
            let now = crate::db::now();
            let stale = grant
                .last_used_at
                .is_none_or(|t| now - t >= time::Duration::minutes(1));
            if stale {
                let id = grant.token_id;
                let ip = ClientInfo::of(req).ip.map(|ip| ip.to_string());
                let recorded = db
                    .run(move |conn| Ok(PatRow::record_use(conn, id, ip.as_deref())?))
                    .await;
                if let Err(e) = recorded {
                    log::warn!("could not record the use of personal access token {id}: {e}");
                }
            }
            Ok(grant)
        }
        Err(refusal) => {
            count_refusal(req, refusal.reason());
            if refusal.was_looked_up() {
                if let Some(attempts) = req.app_data::<web::Data<dyn CountAttempts>>() {
                    attempts.count(&ClientInfo::of(req), req.path())?;
                }
            }
            Err(AppError::invalid_token(refusal.description()))
        }
    }
}

/// A JWT access token, with the one revocation query, which also brings the session's times:
/// a session past its idle or absolute limit is refused here on every instance, whether the
/// sweep has ended it yet or not. A use is written back at most once per
/// [`SessionLimits::touch_step`](crate::db::sessions::SessionLimits::touch_step).
async fn authenticate_jwt(
    req: &HttpRequest,
    credential: Credential,
) -> Result<Authenticated, AppError> {
    let tokens = app_data::<Tokens>(req)?;
    let claims = tokens.verify(&credential.token).map_err(|e| {
        count_refusal(req, e.status());
        AppError::invalid_token(e.description())
    })?;
    let (sid, jti) = (claims.sid.clone(), claims.jti.clone());
    // One indexed read, on the worker itself (see `Db::read`: SQLite's that never waits, or
    // PostgreSQL's awaited in the event loop): the request's only trip to the database, but
    // for the use written back once per step.
    let db = app_data::<Db>(req)?;
    let check = db
        .read(async move |conn| Ok(Session::check_read(conn, &sid, &jti).await?))
        .await?;
    let now = crate::db::now();
    let ours = check.as_ref().filter(|c| c.user.id == claims.user_id());
    if let Some(expiry) = ours.and_then(|c| c.timed_out(&tokens.limits, now)) {
        count_refusal(req, "session_expired");
        req.extensions_mut().insert(SessionTimedOut(expiry));
        return Err(AppError::invalid_token(expiry.description()));
    }
    let last_used_at;
    let user = match check {
        None => {
            count_refusal(req, "session_unknown");
            return Err(AppError::invalid_token(
                "The token's user or session no longer exists.",
            ));
        }
        Some(c) if c.user.id != claims.user_id() => {
            count_refusal(req, "session_unknown");
            return Err(AppError::invalid_token(
                "The token's user or session no longer exists.",
            ));
        }
        Some(c) if c.session_revoked || c.token_revoked => {
            count_refusal(req, "revoked");
            return Err(AppError::invalid_token("The token has been revoked."));
        }
        // The user row comes with the revocation check: refusing a disabled account costs
        // no query of its own.
        Some(c) if c.user.disabled => {
            count_refusal(req, "user_disabled");
            return Err(AppError::invalid_token("This account has been disabled."));
        }
        Some(c) => {
            last_used_at = c.last_used_at;
            c.user
        }
    };
    if tokens.limits.needs_touch(last_used_at, now) {
        let (sid, limits) = (claims.sid.clone(), tokens.limits);
        let ip = ClientInfo::of(req).ip.map(|ip| ip.to_string());
        let touched = db
            .run(move |conn| Ok(Session::touch(conn, &sid, ip.as_deref(), &limits, now)?))
            .await;
        if let Err(e) = touched {
            log::warn!("could not record the use of session {}: {e}", claims.sid);
        }
    }
    Ok(Authenticated {
        user: std::sync::Arc::new(user),
        claims,
        source: credential.source,
    })
}

/// [`authenticate`] for a route of first-party credentials only (a *session* route): a
/// personal access token there is a 403 `session-required`.
pub async fn authenticate_first_party(
    req: &HttpRequest,
) -> Result<Option<Authenticated>, AppError> {
    match authenticate(req).await? {
        None => Ok(None),
        Some(Caller::FirstParty(auth)) => Ok(Some(auth)),
        Some(Caller::Pat(_) | Caller::Client(_)) => Err(AppError::SessionRequired),
    }
}

/// Counts a refused credential by its reason code (a fixed set: the inspector's statuses,
/// `session_unknown`, `session_expired`, `revoked`, `user_disabled`), when the metrics are
/// registered.
fn count_refusal(req: &HttpRequest, reason: &'static str) {
    if let Some(metrics) = req.app_data::<web::Data<Metrics>>() {
        metrics.token_refused(reason);
    }
}

/// A piece of the application state that the start-up registered on its own (the database,
/// the token rules), so that authentication needs nothing else.
pub fn app_data<T: 'static>(req: &HttpRequest) -> Result<web::Data<T>, AppError> {
    req.app_data::<web::Data<T>>().cloned().ok_or_else(|| {
        AppError::internal(format!("{} is not registered", std::any::type_name::<T>()))
    })
}

/// [`authenticate`], then the CSRF rule: unsafe methods authenticated by cookie need the
/// session's CSRF token in `X-CSRF-Token` (bearer requests need none).
pub async fn authenticate_api(req: HttpRequest) -> Result<Option<Caller>, AppError> {
    let caller = authenticate(&req).await?;
    if let Some(Caller::FirstParty(auth)) = &caller {
        if auth.source == CredentialSource::Cookie && csrf::is_unsafe(req.method()) {
            csrf::verify(&req.get_session(), csrf::from_header(&req))?;
        }
    }
    Ok(caller)
}

/// [`authenticate_api`] on a *session* route: a personal access token is a 403.
async fn authenticate_session(req: HttpRequest) -> Result<Option<Authenticated>, AppError> {
    match authenticate_api(req).await? {
        None => Ok(None),
        Some(Caller::FirstParty(auth)) => Ok(Some(auth)),
        Some(Caller::Pat(_) | Caller::Client(_)) => Err(AppError::SessionRequired),
    }
}

/// Required first-party authentication for a *session* route of the API: no credential is a
/// 401 without an error attribute, a bad one a 401 `invalid_token`, a personal access token a
/// 403; cookie-authenticated writes also need a CSRF token.
pub struct AuthUser(pub Authenticated);

impl FromRequest for AuthUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let auth = authenticate_session(req.clone());
        Box::pin(async move {
            auth.await?
                .map(AuthUser)
                .ok_or(AppError::Unauthorized(AuthFailure::Missing))
        })
    }
}

/// Required authentication as an administrator: 401 as for [`AuthUser`], then 403 for a
/// signed-in user without the admin role (checked on the user row the token check loaded),
/// then the recent-sign-in rule of [`RecentAuth`].
pub struct AdminUser(pub Authenticated);

impl FromRequest for AdminUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = AuthUser::from_request(req, payload);
        let tokens = app_data::<Tokens>(req);
        Box::pin(async move {
            let AuthUser(auth) = user.await?;
            if !auth.user.is_admin() {
                return Err(AppError::Forbidden(
                    "This needs an administrator account.".into(),
                ));
            }
            Ok(AdminUser(require_recent(&*tokens?, auth)?))
        })
    }
}

/// Required authentication by a sign-in recent enough for a sensitive operation (`auth_time`
/// within `REAUTH_MINUTES`); otherwise a 401 with RFC 9470's `insufficient_user_authentication`
/// challenge and `max_age`, answered by `POST /api/auth/reauthenticate`.
pub struct RecentAuth(pub Authenticated);

impl FromRequest for RecentAuth {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = AuthUser::from_request(req, payload);
        let tokens = app_data::<Tokens>(req);
        Box::pin(async move {
            let AuthUser(auth) = user.await?;
            Ok(RecentAuth(require_recent(&*tokens?, auth)?))
        })
    }
}

/// `auth` when its sign-in is recent enough; the RFC 9470 challenge otherwise.
pub fn require_recent(tokens: &Tokens, auth: Authenticated) -> Result<Authenticated, AppError> {
    if tokens.is_recent(&auth.claims) {
        Ok(auth)
    } else {
        Err(AppError::Unauthorized(AuthFailure::NotRecent {
            max_age: tokens.reauth_seconds.max(0) as u64,
        }))
    }
}

/// Optional first-party authentication (a *session* route): no credential is anonymous, but
/// a credential that was sent and fails is still a 401 (never silently anonymous), and a
/// personal access token a 403.
pub struct MaybeUser(pub Option<Authenticated>);

impl MaybeUser {
    /// The signed-in user's id; `None` only when no credential was sent at all.
    pub fn user_id(&self) -> Option<i32> {
        self.0.as_ref().map(|a| a.user.id)
    }
}

impl FromRequest for MaybeUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let auth = authenticate_session(req.clone());
        Box::pin(async move { Ok(MaybeUser(auth.await?)) })
    }
}
