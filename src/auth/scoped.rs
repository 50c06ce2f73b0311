//! Extractors for the routes a scoped token may reach (API.md part three, section 3's table):
//! [`Scoped`] (required), [`MaybeScoped`] (optional) and [`AdminScoped`]. A first-party
//! credential passes every one; a personal access token only with the route's scope, else
//! `403 insufficient_scope` naming it. Every other authenticated route uses the *session*
//! extractors of [`super::extract`].

use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::extract::{app_data, authenticate_api, require_recent, Caller};
use super::scopes::Scope;
use super::tokens::Tokens;
use crate::error::{AppError, AuthFailure};

/// The scope a route needs, named by a type so that the handler's signature says it.
pub trait Needs {
    const SCOPE: Scope;
}

macro_rules! needs {
    ($($(#[$doc:meta])* $name:ident => $scope:ident;)*) => {$(
        $(#[$doc])*
        pub struct $name;
        impl Needs for $name {
            const SCOPE: Scope = Scope::$scope;
        }
    )*};
}

needs! {
    /// `profile:read`.
    ProfileRead => ProfileRead;
    /// `posts:read` (granted by `posts:write` too).
    PostsRead => PostsRead;
    /// `posts:write`.
    PostsWrite => PostsWrite;
    /// `sessions:read`.
    SessionsRead => SessionsRead;
    /// `admin:read` (granted by `admin:write` too), while the owner is an administrator.
    AdminRead => AdminRead;
    /// `admin:write`, while the owner is an administrator.
    AdminWrite => AdminWrite;
}

/// `caller` when it may use a route that needs `scope`.
fn allow(caller: Caller, scope: Scope) -> Result<Caller, AppError> {
    if caller.allows(scope) {
        Ok(caller)
    } else {
        Err(AppError::InsufficientScope {
            scope: scope.as_str(),
        })
    }
}

/// Required authentication on a scoped route: 401 as on every route, then 403
/// `insufficient_scope` for a scoped token without `S`.
pub struct Scoped<S: Needs>(pub Caller, pub PhantomData<S>);

impl<S: Needs> FromRequest for Scoped<S> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let caller = authenticate_api(req.clone());
        Box::pin(async move {
            let caller = caller
                .await?
                .ok_or(AppError::Unauthorized(AuthFailure::Missing))?;
            Ok(Scoped(allow(caller, S::SCOPE)?, PhantomData))
        })
    }
}

/// Optional authentication on a scoped route: anonymous without a credential; a scoped token
/// without `S` is still a 403 (never silently anonymous).
pub struct MaybeScoped<S: Needs>(pub Option<Caller>, pub PhantomData<S>);

impl<S: Needs> MaybeScoped<S> {
    /// The signed-in user's id; `None` only when no credential was sent at all.
    pub fn user_id(&self) -> Option<i32> {
        self.0.as_ref().map(|c| c.user().id)
    }
}

impl<S: Needs> FromRequest for MaybeScoped<S> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let caller = authenticate_api(req.clone());
        Box::pin(async move {
            let caller = match caller.await? {
                Some(caller) => Some(allow(caller, S::SCOPE)?),
                None => None,
            };
            Ok(MaybeScoped(caller, PhantomData))
        })
    }
}

/// An administrator on an `admin:*` route: 401, then 403 for a user without the admin role
/// (checked on the row loaded with the credential, so a demoted admin's tokens stop at once),
/// then the scope for a scoped token, or the recent-sign-in rule for a first-party credential.
/// A personal access token passes the recent-sign-in rule here (API.md's choice: its creation
/// needed one, and these routes cannot make an admin, delete, or mint credentials).
pub struct AdminScoped<S: Needs>(pub Caller, pub PhantomData<S>);

impl<S: Needs> FromRequest for AdminScoped<S> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let caller = authenticate_api(req.clone());
        let tokens = app_data::<Tokens>(req);
        Box::pin(async move {
            let caller = caller
                .await?
                .ok_or(AppError::Unauthorized(AuthFailure::Missing))?;
            if !caller.user().is_admin() {
                return Err(AppError::Forbidden(
                    "This needs an administrator account.".into(),
                ));
            }
            let caller = match caller {
                Caller::FirstParty(auth) => Caller::FirstParty(require_recent(&*tokens?, auth)?),
                pat @ Caller::Pat(_) => allow(pat, S::SCOPE)?,
                // A client's token goes by its own auth_time (API.md part three, section 3).
                Caller::Client(client) => match allow(Caller::Client(client), S::SCOPE)? {
                    Caller::Client(mut client) => {
                        client.auth = require_recent(&*tokens?, client.auth)?;
                        Caller::Client(client)
                    }
                    other => other,
                },
            };
            Ok(AdminScoped(caller, PhantomData))
        })
    }
}
