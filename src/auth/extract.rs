//! Extractors: [`AuthUser`] (required) and [`MaybeUser`] (optional) for the JSON API.
//! Both go through [`authenticate`], the one function that finds, verifies and checks a
//! credential against revocation.

use actix_session::SessionExt as _;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage as _, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::credentials::{self, CredentialSource};
use super::tokens::Tokens;
use super::{csrf, jwt};
use crate::db::sessions::Session;
use crate::db::users::User;
use crate::db::Db;
use crate::error::{AppError, AuthFailure};
use crate::metrics::Metrics;

/// A request whose credential verified, with the user it names and where it came from.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: User,
    pub claims: jwt::AccessClaims,
    pub source: CredentialSource,
}

/// An access token set for this request by the page middleware after a silent refresh; it
/// takes the place of the expired cookie.
#[derive(Clone)]
pub struct RenewedAccessToken(pub String);

/// Finds the credential (bearer header, else cookie), verifies it with the pinned algorithm,
/// and checks in one query that its user exists and is not disabled, and that neither its
/// session nor its `jti` was revoked. `Ok(None)`: no credential was sent. `Err(401)`: one was sent and is not good.
pub async fn authenticate(req: &HttpRequest) -> Result<Option<Authenticated>, AppError> {
    if let Some(done) = req.extensions().get::<Authenticated>() {
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
    let tokens = app_data::<Tokens>(req)?;
    let claims = tokens.verify(&credential.token).map_err(|e| {
        count_refusal(req, e.status());
        AppError::invalid_token(e.description())
    })?;
    let (sid, jti) = (claims.sid.clone(), claims.jti.clone());
    // One indexed read, on the worker itself on SQLite (see `Db::read` for why it never
    // waits): the request's only trip to the database.
    let check = app_data::<Db>(req)?
        .read(move |conn| Ok(Session::check(conn, &sid, &jti)?))
        .await?;
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
        Some(c) => c.user,
    };
    let done = Authenticated {
        user,
        claims,
        source: credential.source,
    };
    req.extensions_mut().insert(done.clone());
    Ok(Some(done))
}

/// Counts a refused credential by its reason code (a fixed set: the inspector's statuses,
/// `session_unknown`, `revoked`, `user_disabled`), when the metrics are registered.
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
async fn authenticate_api(req: HttpRequest) -> Result<Option<Authenticated>, AppError> {
    let auth = authenticate(&req).await?;
    if let Some(auth) = &auth {
        if auth.source == CredentialSource::Cookie && csrf::is_unsafe(req.method()) {
            csrf::verify(&req.get_session(), csrf::from_header(&req))?;
        }
    }
    Ok(auth)
}

/// Required authentication for the API: no credential is a 401 without an error attribute,
/// a bad one a 401 `invalid_token`; cookie-authenticated writes also need a CSRF token.
pub struct AuthUser(pub Authenticated);

impl FromRequest for AuthUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let auth = authenticate_api(req.clone());
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

/// Optional authentication: no credential is anonymous, but a credential that was sent and
/// fails is still a 401 (never silently anonymous).
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
        let auth = authenticate_api(req.clone());
        Box::pin(async move { Ok(MaybeUser(auth.await?)) })
    }
}
