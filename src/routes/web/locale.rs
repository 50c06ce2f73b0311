//! The reader's language: negotiated around every request ([`negotiate`]), the session's
//! `ui_locales` ([`remember_ui_locales`]), and the footer's picker (`POST /locale`).

use actix_session::SessionExt as _;
use actix_web::body::MessageBody;
use actix_web::cookie::{time::Duration, Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::db::users::User;
use crate::error::AppError;
use crate::i18n::{self, Choice, Locale};
use crate::routes::web::extract::{CsrfForm, Viewer};
use crate::routes::web::{safe_next, see_other};
use crate::state::AppState;

/// The cookie the picker sets: a year, Lax, HttpOnly.
pub const COOKIE: &str = "locale";
const COOKIE_DAYS: i64 = 365;
/// Where the session keeps the `ui_locales` of the authorization or logout request in progress.
const SESSION_KEY: &str = "ui_locales";

/// Opens the request's language around everything inside it (error pages included): the
/// `locale` cookie, the `ui_locales` of this request (or of the page it returns to, `next`),
/// `Accept-Language`, then `DEFAULT_LOCALE`; the signed-in user's, learnt later, outranks them
/// all. Pages say which language they are in (`Content-Language`) and that it depends on the
/// cookie and the header (`Vary`), so no shared cache hands one reader's language to another.
pub async fn negotiate(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let default = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.settings.mail.default_locale)
        .unwrap_or_default();
    let choice = Choice {
        user: None,
        cookie: req.cookie(COOKIE).and_then(|c| Locale::parse(c.value())),
        ui_locales: ui_locales_of(req.query_string()),
        accept_language: req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(i18n::from_accept_language),
        default,
    };
    let here = match req.uri().path_and_query() {
        Some(pq) => pq.as_str().to_string(),
        None => req.path().to_string(),
    };
    let (res, locale) = i18n::scope(choice, here, next.call(req)).await;
    let mut res = res?;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        let headers = res.headers_mut();
        headers.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(locale.tag()),
        );
        headers.append(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        );
    }
    Ok(res)
}

/// `ui_locales` in a query, or in the query of its `next` (the sign-in page an authorization
/// request sent the browser to).
fn ui_locales_of(query: &str) -> Option<Locale> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).ok()?;
    pairs.iter().find_map(|(k, v)| match k.as_str() {
        "ui_locales" => i18n::from_ui_locales(v),
        "next" => v
            .split_once('?')
            .and_then(|(_, inner)| ui_locales_of(inner)),
        _ => None,
    })
}

/// Keeps a request's `ui_locales` in the session, so the pages of the same authorization or
/// logout (sign-in, a second step, consent), which no longer carry it, stay in its language.
pub async fn remember_ui_locales(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let session = req.get_session();
    // `negotiate` has read this request's own `ui_locales` already.
    match i18n::choice().ui_locales {
        Some(locale) => {
            let _ = session.insert(SESSION_KEY, locale.tag());
        }
        None => i18n::note_ui_locales(
            session
                .get::<String>(SESSION_KEY)
                .ok()
                .flatten()
                .and_then(|t| Locale::parse(&t)),
        ),
    }
    next.call(req).await
}

#[derive(Deserialize)]
pub struct LocaleForm {
    locale: String,
    #[serde(default)]
    next: Option<String>,
}

/// `POST /locale`: the picker. Sets the cookie, saves the choice for a signed-in user, and
/// returns to `next` when it is a path on this site (else `/`). An unknown language is a `400`.
pub async fn choose(
    state: web::Data<AppState>,
    viewer: Viewer,
    CsrfForm(form): CsrfForm<LocaleForm>,
) -> Result<HttpResponse, AppError> {
    let Some(locale) = Locale::parse(&form.locale) else {
        return Err(AppError::BadRequest(format!(
            "{:?} is not a language Sigil speaks: choose en, de or es.",
            form.locale.chars().take(40).collect::<String>()
        )));
    };
    if let Some(user) = viewer.0 {
        let id = user.user.id;
        state
            .db
            .run(move |conn| Ok(User::set_locale(conn, id, Some(locale))?))
            .await?;
    }
    i18n::note_user_locale(Some(locale));
    let mut response = see_other(&safe_next(form.next.as_deref()));
    let cookie = Cookie::build(COOKIE, locale.tag())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.tokens.secure_cookies)
        .max_age(Duration::days(COOKIE_DAYS))
        .finish();
    response.add_cookie(&cookie).map_err(AppError::internal)?;
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ui_locales_is_read_from_the_query_or_from_next() {
        assert_eq!(ui_locales_of("ui_locales=fr%20de"), Some(Locale::De));
        assert_eq!(
            ui_locales_of("next=%2Foauth%2Fauthorize%3Fclient_id%3Dx%26ui_locales%3Des"),
            Some(Locale::Es)
        );
        assert_eq!(ui_locales_of("next=%2Faccount"), None);
        assert_eq!(ui_locales_of("%%%"), None);
    }
}
