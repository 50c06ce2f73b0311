//! `GET /`: the posts the viewer may see, newest first, paged.

use actix_session::Session;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::errors::PageError;
use super::Chrome;
use crate::auth::extract::authenticate;
use crate::db::posts::PostWithAuthor;
use crate::routes::api::posts::{load_page, ListParams, PageRequest};
use crate::startup::AppState;

#[derive(Template)]
#[template(path = "home/index.html")]
struct HomePage {
    chrome: Chrome,
    posts: Vec<PostWithAuthor>,
    next_cursor: Option<String>,
}

pub async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, PageError> {
    // A stale or broken cookie on a page is no reason to refuse it: show it anonymously.
    let viewer = authenticate(&req).await.ok().flatten();
    let request = PageRequest::parse(&params, &state.cursor_key)?;
    let (posts, next_cursor) =
        load_page(&state, viewer.as_ref().map(|a| a.user.id), request).await?;
    let page = HomePage {
        chrome: Chrome::new(&session, "Latest posts", viewer.as_ref()),
        posts,
        next_cursor,
    };
    super::render(&page, actix_web::http::StatusCode::OK)
}
