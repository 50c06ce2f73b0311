//! `GET /account/activity`: the user's own security trail, a page at a time (and the newest
//! events the account page shows).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::domain::Keyset;
use crate::error::{AppError, FieldErrors};
use crate::routes::web::errors::url_encode;
use crate::routes::web::extract::SignedIn;
use crate::routes::web::layout::Chrome;
use crate::routes::web::lines::EventLine;
use crate::routes::web::render;
use crate::state::AppState;

/// The user's own events: one page of them and the link to the next.
pub async fn own_events(
    state: &AppState,
    user_id: i32,
    page: Keyset,
) -> Result<(Vec<EventLine>, Option<String>), AppError> {
    let list = state
        .accounts()
        .own_events(user_id, page, &state.cursor_key)
        .await?;
    let lines = list
        .events
        .into_iter()
        .map(|e| EventLine::new(e, None))
        .collect();
    let next = list
        .next_cursor
        .map(|c| format!("/account/activity?cursor={}", url_encode(&c)));
    Ok((lines, next))
}

#[derive(Template)]
#[template(path = "account/activity.html")]
struct ActivityPage {
    chrome: Chrome,
    events: Vec<EventLine>,
    show_user: bool,
    next: Option<String>,
}

/// `?cursor=`.
#[derive(Deserialize)]
pub struct ActivityParams {
    pub cursor: Option<String>,
}

/// `GET /account/activity?cursor=`: the user's security events, 20 at a time, newest first.
pub async fn show(
    SignedIn(auth): SignedIn,
    state: web::Data<AppState>,
    session: Session,
    params: web::Query<ActivityParams>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::new();
    let page = Keyset::parse(
        None,
        params.cursor.as_deref(),
        &state.cursor_key,
        &mut errors,
    );
    let page = errors.finish(|| page)?;
    let (events, next) = own_events(&state, auth.user.id, page).await?;
    let page = ActivityPage {
        chrome: Chrome::new(&session, "Security activity", Some(&auth)),
        events,
        show_user: false,
        next,
    };
    render(&page, StatusCode::OK)
}
