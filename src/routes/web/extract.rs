//! What a page handler is given: the viewer (signed in or not), a signed-in user the page
//! insists on, and a posted form whose CSRF token was checked before anything else read it.
//! (The extractors that also need a recent sign-in, the administrators' among them, are in
//! [`crate::routes::web::recent`].)

use actix_session::SessionExt as _;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::auth::csrf;
use crate::auth::extract::{authenticate_first_party, Authenticated};
use crate::error::AppError;
use crate::http::body::from_text_fields;

/// Who is looking at a page. A broken, expired or revoked cookie on a page is treated as
/// signed out (the API answers 401 instead).
pub struct Viewer(pub Option<Authenticated>);

impl FromRequest for Viewer {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(Viewer(authenticate_first_party(&req).await.ok().flatten())) })
    }
}

/// The signed-in user of a page that needs one. Without one the browser is sent to
/// `/login?next=<this page>` and comes back afterwards.
pub struct SignedIn(pub Authenticated);

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let viewer = Viewer::from_request(req, payload);
        let next = match req.query_string() {
            "" => req.path().to_string(),
            q => format!("{}?{q}", req.path()),
        };
        Box::pin(async move {
            match viewer.await? {
                Viewer(Some(user)) => Ok(SignedIn(user)),
                Viewer(None) => Err(AppError::LoginRequired { next }),
            }
        })
    }
}

/// A posted form (`application/x-www-form-urlencoded`) whose `csrf_token` field matched the
/// session's; `T` is read from the other fields. A missing or wrong token is a 403 page.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let fields = checked_fields(req, payload);
        Box::pin(async move { Ok(CsrfForm(from_text_fields(fields.await?)?)) })
    }
}

/// A posted form's fields, as sent, once its `csrf_token` field matched the session's (and
/// without it): for extractors that read a form their own way.
pub fn checked_fields(
    req: &HttpRequest,
    payload: &mut Payload,
) -> LocalBoxFuture<'static, Result<Vec<(String, String)>, actix_web::Error>> {
    let session = req.get_session();
    let form = web::Form::<Vec<(String, String)>>::from_request(req, payload);
    Box::pin(async move {
        let mut fields = form.await?.into_inner();
        let presented = fields
            .iter()
            .find(|(k, _)| k == csrf::FORM_FIELD)
            .map(|(_, v)| v.clone());
        csrf::verify(&session, presented.as_deref())?;
        fields.retain(|(k, _)| k != csrf::FORM_FIELD);
        Ok(fields)
    })
}

/// A form posted by a signed-in user: first the sign-in is checked (a browser without one goes
/// to the login page, whatever the form holds), then the CSRF token, then the fields. One
/// extractor, so the order is always this one.
pub struct SignedInForm<T> {
    pub user: Authenticated,
    pub form: T,
}

impl<T: DeserializeOwned + 'static> FromRequest for SignedInForm<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let signed_in = SignedIn::from_request(req, payload);
        let (req, mut payload) = (req.clone(), payload.take());
        Box::pin(async move {
            let SignedIn(user) = signed_in.await?;
            let CsrfForm(form) = CsrfForm::<T>::from_request(&req, &mut payload).await?;
            Ok(SignedInForm { user, form })
        })
    }
}

/// A form that only confirms an action (a button): no fields besides its CSRF token.
#[derive(serde::Deserialize)]
pub struct Confirm {}
