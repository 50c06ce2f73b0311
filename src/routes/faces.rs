//! Every error response gets the face of its route: problem JSON under `/api` (and the other
//! JSON routes), an HTML page everywhere else. Handlers, extractors and the framework itself
//! (404 from routing, 405, 413, 415…) all produce an [`AppError`] or a bare status; this
//! middleware renders it once, keeping headers such as `Set-Cookie`, `Allow` and `Retry-After`.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap};
use actix_web::middleware::Next;
use actix_web::{HttpMessage as _, HttpResponse, ResponseError as _};

use super::web::errors::{page_seen_by, ErrorViewer, RenderedPage};
use crate::error::AppError;
use crate::http::is_api_path;

/// The default service: nothing is routed here.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// Renders every error response in the face of its route. An [`AppError`] from a handler or
/// an extractor is already problem JSON on the API; on a page it becomes the error page (or
/// the login redirect). A response with a body and no error is a handler's own answer (a form
/// re-rendered with 422) and passes untouched. A bare status from the framework (405, 404…)
/// becomes the route's face of [`AppError::from_status`].
pub async fn error_faces(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let api = is_api_path(req.path());
    let res = next.call(req).await?;
    let status = res.status();
    if !status.is_client_error() && !status.is_server_error() {
        return Ok(res.map_into_left_body());
    }
    let app_error = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>());
    let has_body = res.headers().contains_key(header::CONTENT_TYPE);
    // Noted inside the session middleware (see `note_viewer`): a signed-in user's header.
    let viewer = res.request().extensions().get::<ErrorViewer>().cloned();
    let replacement = match (app_error, api) {
        // The API face is the error type's own: already rendered.
        (Some(_), true) => None,
        (Some(e), false) => Some(page_seen_by(e, viewer.as_ref())),
        // A handler's own answer (a form re-rendered with 422, a login refused with 401).
        (None, _) if has_body && res.response().error().is_none() => None,
        // A page an extractor rendered ("Confirm it's you").
        (None, false) if error_is::<RenderedPage>(&res) => None,
        (None, true) => Some(AppError::from_status(status).error_response()),
        (None, false) => Some(page_seen_by(
            &AppError::from_status(status),
            viewer.as_ref(),
        )),
    };
    let Some(mut response) = replacement else {
        return Ok(res.map_into_left_body());
    };
    keep_headers(res.headers(), response.headers_mut(), api);
    let (req, _) = res.into_parts();
    Ok(ServiceResponse::new(req, response).map_into_right_body())
}

fn error_is<E: actix_web::ResponseError + 'static>(
    res: &ServiceResponse<impl MessageBody>,
) -> bool {
    res.response()
        .error()
        .is_some_and(|e| e.as_error::<E>().is_some())
}

/// Copies the headers the new response does not set itself (all values of each: several
/// `Set-Cookie`s survive). A page keeps nothing of the JSON face it replaces: no problem
/// content type, no Bearer challenge.
fn keep_headers(from: &HeaderMap, to: &mut HeaderMap, api: bool) {
    let own: Vec<_> = to.keys().cloned().collect();
    let json_face = [header::CONTENT_TYPE, header::WWW_AUTHENTICATE];
    for (name, value) in from.iter() {
        let dropped = *name == header::CONTENT_LENGTH || (!api && json_face.contains(name));
        if !dropped && !own.contains(name) {
            to.append(name.clone(), value.clone());
        }
    }
}
