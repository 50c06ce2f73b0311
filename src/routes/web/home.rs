//! `GET /`: the posts the viewer may see, newest first, paged; and `GET /status`, the
//! service's state for people (machines read `/healthz` and `/readyz`).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::db::posts::{Post, PostWithAuthor};
use crate::domain::{PageParams, PageRequest};
use crate::error::AppError;
use crate::routes::web::extract::Viewer;
use crate::routes::web::layout::Chrome;
use crate::routes::web::render;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "home/index.html")]
struct HomePage {
    chrome: Chrome,
    posts: Vec<PostWithAuthor>,
    next_cursor: Option<String>,
}

pub async fn index(
    state: web::Data<AppState>,
    session: Session,
    viewer: Viewer,
    params: web::Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let request = PageRequest::parse(&params, &state.cursor_key)?;
    let (viewer_id, key) = (viewer.0.as_ref().map(|a| a.user.id), state.cursor_key);
    let (posts, next_cursor) = state
        .db
        .read(async move |conn| Ok(Post::visible_page(conn, viewer_id, &request, &key).await?))
        .await?;
    let page = HomePage {
        chrome: Chrome::new(&session, "Latest posts", viewer.0.as_ref()),
        posts,
        next_cursor,
    };
    render(&page, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "home/status.html")]
struct StatusPage {
    chrome: Chrome,
    /// `sqlite` or `postgres`.
    database: &'static str,
    /// The database answered a query just now.
    ready: bool,
}

/// `GET /status`: what `/readyz` checks, in words: 200 when the database answers, else 503.
pub async fn status(
    state: web::Data<AppState>,
    session: Session,
    viewer: Viewer,
) -> Result<HttpResponse, AppError> {
    let ready = state.db.answers().await;
    let page = StatusPage {
        chrome: Chrome::new(&session, "Status", viewer.0.as_ref()),
        database: state.db.backend(),
        ready,
    };
    let status = match ready {
        true => StatusCode::OK,
        false => StatusCode::SERVICE_UNAVAILABLE,
    };
    render(&page, status)
}
